"""The steps of :func:`fertopt.omission.omission`, in the order it takes them.

``omission()`` checks its arguments (:func:`_check_arguments`); fits the trial: the ANOVA or,
without replicates, the plots alone, the role of each treatment and the least-squares means
(:func:`_fit_trial`); reads the rates (:func:`_dose`), the prices and units (:func:`_pricing`)
and the uptake means (:func:`_uptake_means`); computes the indices (:func:`_indices`), the
economics (:func:`_economics`) and Duncan's letters (:func:`_duncan_letters`); and builds the
remaining tables of the result (:func:`_means_table`, :func:`_soil_supply`, :func:`_notes`,
:func:`_rates_table`).

What one step hands to the next travels in small frozen dataclasses: :class:`_Trial` (with its
:class:`_Plots` and :class:`_Roles`), :class:`_Dose` and :class:`_Pricing`.  The helpers after
the steps read labels, rates and prices, and compute least-squares means and delta-method
standard errors.  The warnings this module raises itself point at the caller of ``omission()``:
their ``stacklevel`` counts the steps in between.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core import validation as _v
from fertopt._core.formatting import format_number
from fertopt.exceptions import DataError, DesignError, DesignWarning, OptionError

#: Relative-yield classes of soil nutrient supply (测土配方施肥 abundance index), in percent.
SOIL_SUPPLY_CLASSES: tuple[tuple[float, str], ...] = (
    (50.0, "very low"),
    (75.0, "low"),
    (95.0, "medium"),
    (math.inf, "high"),
)


# ---------------------------------------------------------------------------
# the steps of omission(), in the order it takes them
# ---------------------------------------------------------------------------
def _check_arguments(
    frame: pd.DataFrame,
    *,
    response: Hashable,
    treatment: Hashable,
    block: Hashable | None,
    minus: Any,
    rates: Any,
    prices: Any,
    uptake: Mapping[str, Hashable] | None,
) -> dict[Any, Hashable]:
    """The uptake columns as a dict, once the columns and the options that go together pass."""
    _v.require_columns(frame, response=response, treatment=treatment, block=block)
    if not isinstance(minus, Mapping) or not minus:
        raise OptionError(
            "minus must map each omitted nutrient to its treatment label, e.g. "
            "minus={'N': 'PK', 'P2O5': 'NK', 'K2O': 'NP'}."
        )
    if prices is not None and rates is None:
        raise OptionError(
            "prices were given without rates: the economics need the nutrient rates of each "
            "treatment. Pass rates=('N', 'P2O5', 'K2O') (rate columns) or the rates per treatment."
        )
    uptake = dict(uptake or {})
    if uptake and rates is None:
        raise OptionError(
            "uptake was given without rates: the recovery efficiency divides the uptake difference "
            "by the nutrient applied. Pass rates=('N', 'P2O5', 'K2O') (rate columns) or the rates "
            "per treatment."
        )
    for nut, column in uptake.items():
        _v.require_column(frame, column, f"uptake[{nut!r}]")
        if str(nut) not in {str(k) for k in minus}:
            raise OptionError(
                f"uptake names nutrient {nut!r}, which has no minus plot; nutrients: "
                f"{', '.join(map(str, minus))}."
            )
    return uptake


@dataclass(frozen=True)
class _Plots:
    """The plots analysed and the error of their ANOVA."""

    aov: Any  # AnovaResult of all treatments; None when no treatment is replicated
    used: pd.DataFrame  # the plots with a yield (response, treatment and block columns)
    mse: float  # NaN without replicates, as df_resid
    df_resid: float
    n_obs: int
    n_dropped: int
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class _Roles:
    """Treatment labels of the full formula, the minus plots and the control."""

    full: str
    minus: dict[str, str]  # nutrient -> label of the plot lacking (or short of) it
    control: str | None

    @property
    def labelled(self) -> list[str]:
        """The full formula, the minus plots in the order given, then the control."""
        return [self.full, *self.minus.values()] + ([self.control] if self.control else [])

    def of(self, label: str) -> str:
        """``"full"``, ``"minus"``, ``"control"`` or ``"other"``: the role of a treatment."""
        if label == self.full:
            return "full"
        if label in self.minus.values():
            return "minus"
        if label == self.control:
            return "control"
        return "other"


@dataclass(frozen=True)
class _Trial:
    """What the later steps read: the data, the plots analysed, the roles and the means."""

    frame: pd.DataFrame  # the data as given
    response: Hashable
    treatment: Hashable
    block: Hashable | None
    plots: _Plots
    roles: _Roles
    labels: pd.Categorical  # treatment of each plot analysed
    levels: list[str]  # the treatments, in the order of means, cov and counts
    pos: dict[str, int]  # treatment -> its position in levels
    means: np.ndarray  # least-squares (block-adjusted) means
    cov: np.ndarray  # their covariance
    counts: np.ndarray  # plots per treatment
    tq: float  # t quantile of the intervals; NaN without replicates

    @property
    def display_order(self) -> list[str]:
        """The treatments as the tables show them: full, minus plots, control, the others."""
        shown = self.roles.labelled
        return shown + [lbl for lbl in self.levels if lbl not in shown]

    @property
    def source(self) -> pd.DataFrame:
        """The rows of the data that were analysed, with all their columns."""
        return self.frame.loc[self.plots.used.index]


def _fit_trial(
    frame: pd.DataFrame,
    *,
    response: Hashable,
    treatment: Hashable,
    block: Hashable | None,
    full: Any,
    minus: Mapping[str, Any],
    control: Any,
    confidence_level: float,
    nan_policy: str,
) -> _Trial:
    """The plots analysed, the roles of their treatments and the treatment means."""
    plots = _analysed_plots(frame, response, treatment, block, nan_policy)
    used, aov = plots.used, plots.aov
    labels = pd.Categorical(used[treatment])
    levels = [str(c) for c in labels.categories]
    in_data = _v.as_labels(frame[treatment], "treatment").categories
    emptied = [str(c) for c in in_data if str(c) not in levels]
    roles = _resolve_roles(
        levels, treatment, full=full, minus=minus, control=control, emptied=emptied
    )
    y = used[response].to_numpy(dtype=float)
    blk = pd.Categorical(used[block]) if (block is not None and aov is not None) else None
    means, cov, counts = _ls_means(y, labels, blk, plots.mse)
    from scipy import stats

    tq = (
        float(stats.t.ppf(0.5 + confidence_level / 2, plots.df_resid))
        if aov is not None
        else math.nan
    )
    return _Trial(
        frame=frame,
        response=response,
        treatment=treatment,
        block=block,
        plots=plots,
        roles=roles,
        labels=labels,
        levels=levels,
        pos={lbl: i for i, lbl in enumerate(levels)},
        means=means,
        cov=cov,
        counts=counts,
        tq=tq,
    )


def _analysed_plots(
    frame: pd.DataFrame,
    response: Hashable,
    treatment: Hashable,
    block: Hashable | None,
    nan_policy: str,
) -> _Plots:
    """The ANOVA of all treatments, or the plots alone when no treatment is replicated."""
    from fertopt.anova import anova

    y_all = _v.to_numeric(frame[response], "response")
    t_all = _v.as_labels(frame[treatment], "treatment")
    present = ~y_all.isna().to_numpy()
    replicated = bool(np.bincount(np.asarray(t_all.codes)[present]).max(initial=0) > 1)
    if replicated:
        aov = anova(
            frame, response=response, treatment=treatment, block=block, nan_policy=nan_policy
        )
        return _Plots(
            aov=aov,
            used=aov.data,
            mse=float(aov.mse),
            df_resid=float(aov.df_resid),
            n_obs=int(aov.n_obs),
            n_dropped=int(aov.n_dropped),
            warnings=tuple(aov.warnings),
        )
    _v.drop_missing([y_all], nan_policy, refuse=_v.RESPONSE_EMPTY, column=response)
    used = pd.DataFrame({response: y_all[present].to_numpy()}, index=frame.index[present])
    used[treatment] = t_all[present].remove_unused_categories()  # as anova() drops them
    msg = (
        "no treatment has more than one plot: without replicates there is no error "
        "variance, so the indices have no standard errors and no letters. Replicate the "
        "treatments, or pool sites to judge the uncertainty."
    )
    warnings.warn(msg, DesignWarning, stacklevel=4)  # the caller of omission()
    return _Plots(
        aov=None,
        used=used,
        mse=math.nan,
        df_resid=math.nan,
        n_obs=int(present.sum()),
        n_dropped=int((~present).sum()),
        warnings=(msg,),
    )


def _resolve_roles(
    levels: Sequence[str],
    treatment: Hashable,
    *,
    full: Any,
    minus: Mapping[str, Any],
    control: Any,
    emptied: Sequence[str] = (),
) -> _Roles:
    """The labels of the full formula, minus plots and control, each a level playing one role.

    ``emptied`` are treatments of the data none of whose plots has a yield left.
    """
    full_label = _check_label(full, "full", levels, treatment, emptied)
    minus_labels = {
        str(nut): _check_label(lbl, f"minus[{nut!r}]", levels, treatment, emptied)
        for nut, lbl in minus.items()
    }
    control_label = (
        _check_label(control, "control", levels, treatment, emptied)
        if control is not None
        else None
    )
    roles_seen: dict[str, str] = {full_label: "full"}
    for nut, lbl in minus_labels.items():
        if lbl in roles_seen:
            raise DesignError(
                f"treatment {lbl!r} is given both as {roles_seen[lbl]} and as minus[{nut!r}]; each "
                "treatment plays one role."
            )
        roles_seen[lbl] = f"minus[{nut!r}]"
    if control_label is not None and control_label in roles_seen:
        raise DesignError(
            f"treatment {control_label!r} is given both as {roles_seen[control_label]} and as "
            "control; each treatment plays one role."
        )
    return _Roles(full=full_label, minus=minus_labels, control=control_label)


@dataclass(frozen=True)
class _Dose:
    """The nutrient rates of each treatment and what the minus plots' rates imply."""

    table: dict[str, dict[str, float]] | None  # treatment -> nutrient -> rate; None without rates
    nutrients: list[str]  # in the order of the rates (of minus when no rates are given)
    columns: dict[str, Any]  # nutrient -> rate column; empty for rates given per treatment
    notes: tuple[str, ...]  # minus plots that reduce their nutrient rather than omit it
    warnings: tuple[str, ...]  # minus plots that also change another nutrient


def _dose(trial: _Trial, rates: Any) -> _Dose:
    """The rates of each treatment, checked against the role of each minus plot."""
    minus = trial.roles.minus
    if rates is None:
        return _Dose(table=None, nutrients=list(minus), columns={}, notes=(), warnings=())
    table, nutrients, columns = _rates_by_treatment(
        trial.source, trial.labels, rates, trial.roles.labelled
    )
    for nut in minus:
        if nut not in nutrients:
            raise OptionError(
                f"minus names nutrient {nut!r}, but rates has no {nut!r}; rates give "
                f"{', '.join(nutrients)}. Use the same nutrient names in both."
            )
    notes: list[str] = []
    issued: list[str] = []
    for nut, lbl in minus.items():
        warning, note = _check_minus_plot(table, nutrients, trial.roles.full, nut, lbl)
        if warning is not None:
            issued.append(warning)
        if note is not None:
            notes.append(note)
    return _Dose(
        table=table,
        nutrients=nutrients,
        columns=columns,
        notes=tuple(notes),
        warnings=tuple(issued),
    )


def _check_minus_plot(
    table: Mapping[str, Mapping[str, float]],
    nutrients: Sequence[str],
    full: str,
    nut: str,
    lbl: str,
) -> tuple[str | None, str | None]:
    """The confounding warning and the reduction note of one minus plot (None when none)."""
    f_full, f_minus = table[full][nut], table[lbl][nut]
    if f_minus >= f_full:
        raise DesignError(
            f"the minus plot {lbl!r} receives {format_number(f_minus)} of {nut}, not less "
            f"than the full formula {full!r} ({format_number(f_full)}); a minus plot "
            f"must lack {nut} or receive less of it. Check minus= and the rates."
        )
    others = [
        o
        for o in nutrients
        if o != nut and not math.isclose(table[lbl][o], table[full][o], abs_tol=1e-9)
    ]
    warning = None
    if others:
        diffs = ", ".join(
            f"{o} {format_number(table[lbl][o])} instead of {format_number(table[full][o])}"
            for o in others
        )
        warning = (
            f"minus plot {lbl!r} differs from {full!r} not only in {nut} but also in "
            f"{diffs}: its yield difference mixes the effects, so the {nut} indices are "
            "confounded with the other change."
        )
        warnings.warn(warning, DesignWarning, stacklevel=4)  # the caller of omission()
    note = None
    if f_minus > 0:
        note = (
            f"{lbl!r} receives {format_number(f_minus)} of the {format_number(f_full)} "
            f"{nut} in {full!r}: the {nut} indices describe the last "
            f"{format_number(f_full - f_minus)} of {nut}, not the whole dose, and its "
            "relative yield is no soil-supply index."
        )
    return warning, note


@dataclass(frozen=True)
class _Pricing:
    """Prices in the units of the data, the money unit and the unit text of each index."""

    prices: dict[str, float] | None  # "crop" and each nutrient: money per yield and rate unit
    money_unit: str  # e.g. "yuan/mu"; empty without prices
    unit_of: Callable[[str, str], str]  # (kind of unit, nutrient) -> unit text of an index


def _pricing(trial: _Trial, dose: _Dose, prices: Any, units: Mapping[str, str] | None) -> _Pricing:
    """The prices per unit of yield and of rate, the money unit and the units of the indices."""
    frame = trial.frame
    meta = frame.attrs.get("fertopt", {}) if isinstance(frame.attrs, dict) else {}
    known = dict(meta.get("units", {})) if isinstance(meta, dict) else {}
    given = dict(units or {})
    for key in given:
        if key not in ("response", "rate"):
            raise OptionError(f"units= takes the keys 'response' and 'rate', got {key!r}.")
    response_unit = given.get("response", known.get(str(trial.response)))
    rate_units = {
        nut: given.get("rate", known.get(str(dose.columns.get(nut, nut)))) for nut in dose.nutrients
    }
    price_table: dict[str, float] | None = None
    money_unit = ""
    if prices is not None:
        price_table, money_unit = _price_table(prices, dose.nutrients, response_unit, rate_units)
    return _Pricing(
        prices=price_table,
        money_unit=money_unit,
        unit_of=_index_units(response_unit, rate_units, money_unit),
    )


def _uptake_means(
    trial: _Trial, uptake: Mapping[Any, Hashable]
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Nutrient -> the treatment means of its uptake and their covariance (NaN if unreplicated)."""
    from fertopt.anova import anova

    levels = trial.levels
    uptake_stats: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for nut, column in uptake.items():
        u_frame = trial.source
        if trial.plots.aov is None:
            u = _v.to_numeric(u_frame[column], f"uptake ({nut})").to_numpy()
            uptake_stats[str(nut)] = (
                np.array([u[np.asarray(trial.labels) == lbl][0] for lbl in levels]),
                np.full((len(levels), len(levels)), math.nan),
            )
            continue
        u_aov = anova(
            u_frame,
            response=column,
            treatment=trial.treatment,
            block=trial.block,
            nan_policy="raise",
        )
        u = u_aov.data[column].to_numpy(dtype=float)
        u_means, u_cov, _ = _ls_means(
            u,
            pd.Categorical(u_aov.data[trial.treatment]),
            pd.Categorical(u_aov.data[trial.block]) if trial.block is not None else None,
            u_aov.mse,
        )
        uptake_stats[str(nut)] = (u_means, u_cov)
    return uptake_stats


class _IndexRows:
    """The rows of the ``indices`` table: estimates with delta-method errors and t intervals."""

    def __init__(self, trial: _Trial, unit_of: Callable[[str, str], str]) -> None:
        self.trial = trial
        self.unit_of = unit_of
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        nutrient: str,
        name: str,
        unit: str,
        fun: Callable,
        m: np.ndarray | None = None,
        c: np.ndarray | None = None,
    ) -> None:
        """Append ``fun`` of the treatment means (or of the means ``m`` with covariance ``c``)."""
        means = self.trial.means if m is None else m
        est, se = _delta(fun, means, self.trial.cov if c is None else c)
        tq = self.trial.tq
        self.rows.append(
            {
                "nutrient": nutrient,
                "index": name,
                "estimate": est,
                "se": se,
                "ci_low": est - tq * se,
                "ci_high": est + tq * se,
                "unit": self.unit_of(unit, nutrient),
            }
        )

    def frame(self) -> pd.DataFrame:
        """The rows as the ``indices`` table."""
        return pd.DataFrame(
            self.rows, columns=["nutrient", "index", "estimate", "se", "ci_low", "ci_high", "unit"]
        )


def _indices(
    trial: _Trial,
    dose: _Dose,
    pricing: _Pricing,
    uptake_stats: Mapping[str, tuple[np.ndarray, np.ndarray]],
) -> pd.DataFrame:
    """The ``indices`` table: the indices of each minus plot, then of the whole fertilizer."""
    out = _IndexRows(trial, pricing.unit_of)
    for nut, lbl in trial.roles.minus.items():
        _add_nutrient_indices(out, trial, dose, pricing.prices, uptake_stats, nut, lbl)
    if trial.roles.control is not None:
        _add_fertilizer_indices(out, trial, dose, pricing.prices, trial.roles.control)
    return out.frame()


def _add_nutrient_indices(
    out: _IndexRows,
    trial: _Trial,
    dose: _Dose,
    price_table: Mapping[str, float] | None,
    uptake_stats: Mapping[str, tuple[np.ndarray, np.ndarray]],
    nut: str,
    lbl: str,
) -> None:
    """Append the indices of nutrient ``nut`` from its minus plot ``lbl`` to ``out``."""
    full, rate_table = trial.roles.full, dose.table
    iF, iM = trial.pos[full], trial.pos[lbl]
    add = out.add
    add(nut, "relative_yield", "%", lambda m: 100 * m[iM] / m[iF])
    add(nut, "contribution_rate", "%", lambda m: 100 * (m[iF] - m[iM]) / m[iF])
    add(nut, "yield_increase", "yield", lambda m: m[iF] - m[iM])
    add(nut, "yield_increase_pct", "%", lambda m: 100 * (m[iF] - m[iM]) / m[iM])
    if rate_table is None:
        return
    d_rate = rate_table[full][nut] - rate_table[lbl][nut]
    f_rate = rate_table[full][nut]
    add(nut, "agronomic_efficiency", "kg/kg", lambda m: (m[iF] - m[iM]) / d_rate)
    add(nut, "partial_factor_productivity", "kg/kg", lambda m: m[iF] / f_rate)
    if nut in uptake_stats:
        um, uc = uptake_stats[nut]
        add(nut, "recovery_efficiency", "%", lambda m: 100 * (m[iF] - m[iM]) / d_rate, m=um, c=uc)
    if price_table is not None:
        py, px = price_table["crop"], price_table[nut]
        add(nut, "value_cost_ratio", "ratio", lambda m: (m[iF] - m[iM]) * py / (d_rate * px))
        add(nut, "net_return", "money", lambda m: (m[iF] - m[iM]) * py - d_rate * px)


def _add_fertilizer_indices(
    out: _IndexRows,
    trial: _Trial,
    dose: _Dose,
    price_table: Mapping[str, float] | None,
    control: str,
) -> None:
    """Append the whole-fertilizer indices (full formula against ``control``) to ``out``."""
    full, rate_table = trial.roles.full, dose.table
    iF, i0 = trial.pos[full], trial.pos[control]
    add = out.add
    add("all", "fertilizer_contribution", "%", lambda m: 100 * (m[iF] - m[i0]) / m[iF])
    add("all", "soil_contribution", "%", lambda m: 100 * m[i0] / m[iF])
    add("all", "yield_increase", "yield", lambda m: m[iF] - m[i0])
    add("all", "yield_increase_pct", "%", lambda m: 100 * (m[iF] - m[i0]) / m[i0])
    if rate_table is None:
        return
    total = math.fsum(rate_table[full][n] - rate_table[control][n] for n in dose.nutrients)
    if not total > 0:
        return
    add("all", "agronomic_efficiency", "kg/kg", lambda m: (m[iF] - m[i0]) / total)
    applied = math.fsum(rate_table[full].values())
    add("all", "partial_factor_productivity", "kg/kg", lambda m: m[iF] / applied)
    if price_table is not None:
        py = price_table["crop"]
        cost = math.fsum(
            (rate_table[full][n] - rate_table[control][n]) * price_table[n] for n in dose.nutrients
        )
        add("all", "value_cost_ratio", "ratio", lambda m: (m[iF] - m[i0]) * py / cost)
        add("all", "net_return", "money", lambda m: (m[iF] - m[i0]) * py - cost)


def _economics(
    trial: _Trial, dose: _Dose, price_table: Mapping[str, float] | None
) -> pd.DataFrame | None:
    """The ``economics`` table in the order of ``means``; None without rates and prices."""
    rate_table = dose.table
    if rate_table is None or price_table is None:
        return None
    costs = {
        lbl: math.fsum(rate_table[lbl][n] * price_table[n] for n in dose.nutrients)
        for lbl in trial.levels
        if lbl in rate_table
    }
    rows = [
        _economics_row(trial, lbl, costs, price_table["crop"])
        for lbl in trial.levels
        if lbl in costs
    ]
    economics = pd.DataFrame(rows)
    return (
        economics.set_index("treatment")
        .loc[[o for o in trial.display_order if o in set(economics["treatment"])]]
        .reset_index()
    )


def _economics_row(
    trial: _Trial, lbl: str, costs: Mapping[str, float], py: float
) -> dict[str, Any]:
    """One treatment's row of ``economics``: yield, cost, income and returns with their SEs."""
    means, cov, pos = trial.means, trial.cov, trial.pos
    full, control = trial.roles.full, trial.roles.control
    iF, i = pos[full], pos[lbl]
    i0 = pos[control] if control is not None else -1
    cost = costs[lbl]

    def income_full(m: np.ndarray) -> Any:
        return m[iF] * py - costs[full]

    yv, yse = _delta(lambda m: m[i], means, cov)
    inc, inc_se = _delta(lambda m: m[i] * py - cost, means, cov)
    chg, chg_se = _delta(lambda m: (m[i] * py - cost) - income_full(m), means, cov)
    pct, pct_se = _delta(
        lambda m: 100 * ((m[i] * py - cost) - income_full(m)) / income_full(m), means, cov
    )
    net = net_se = vcr = vcr_se = math.nan
    if control is not None:
        c_extra = cost - costs[control]
        net, net_se = _delta(lambda m: (m[i] - m[i0]) * py - c_extra, means, cov)
        if c_extra > 0:
            vcr, vcr_se = _delta(lambda m: (m[i] - m[i0]) * py / c_extra, means, cov)
    return {
        "treatment": lbl,
        "role": trial.roles.of(lbl),
        "yield": yv,
        "yield_se": yse,
        "fertilizer_cost": cost,
        "gross_value": yv * py,
        "income": inc,
        "income_se": inc_se,
        "income_change": chg,
        "income_change_se": chg_se,
        "income_change_pct": pct,
        "income_change_pct_se": pct_se,
        "net_return": net,
        "net_return_se": net_se,
        "value_cost_ratio": vcr,
        "value_cost_ratio_se": vcr_se,
    }


def _duncan_letters(trial: _Trial, alpha: float) -> tuple[Any, list[str]]:
    """Duncan's test on the ANOVA and each treatment's letters (None and blanks without one)."""
    aov = trial.plots.aov
    if aov is None:
        return None, [""] * len(trial.levels)
    from fertopt.multcomp import duncan

    comparison = duncan(aov, alpha=alpha)
    by_label = dict(
        zip(
            comparison.groups["treatment"].astype(str),
            comparison.groups["letters"],
            strict=True,
        )
    )
    return comparison, [by_label.get(lbl, "") for lbl in trial.levels]


def _means_table(trial: _Trial, letters: Sequence[str]) -> pd.DataFrame:
    """The ``means`` table: full formula, minus plots in the order given, control, the others."""
    levels, roles = trial.levels, trial.roles
    nutrient_of = {lbl: nut for nut, lbl in roles.minus.items()}
    means = pd.DataFrame(
        {
            "treatment": levels,
            "role": [roles.of(lbl) for lbl in levels],
            "nutrient": [nutrient_of.get(lbl, "") for lbl in levels],
            "mean": trial.means,
            "se": np.sqrt(np.clip(np.diag(trial.cov), 0, None)),
            "n": trial.counts.astype(int),
            "letters": letters,
        }
    )
    return means.set_index("treatment").loc[trial.display_order].reset_index()


def _soil_supply(trial: _Trial, dose: _Dose) -> pd.DataFrame:
    """The ``soil_supply`` table: relative yield and supply class of each true omission plot."""
    m, pos = trial.means, trial.pos
    iF = pos[trial.roles.full]
    supply = []
    for nut, lbl in trial.roles.minus.items():
        if dose.table is not None and dose.table[lbl][nut] > 0:
            continue
        ry = 100 * m[pos[lbl]] / m[iF]
        supply.append({"nutrient": nut, "relative_yield": ry, "supply_class": _supply_class(ry)})
    return pd.DataFrame(supply, columns=["nutrient", "relative_yield", "supply_class"])


def _notes(trial: _Trial, dose: _Dose, alpha: float) -> tuple[str, ...]:
    """How to read the indices: reductions, minus plots out-yielding the full formula, no F."""
    notes = list(dose.notes)
    m, pos, full = trial.means, trial.pos, trial.roles.full
    iF = pos[full]
    for nut, lbl in trial.roles.minus.items():
        if m[pos[lbl]] > m[iF]:
            notes.append(
                f"{lbl!r} out-yields {full!r} by "
                f"{format_number(m[pos[lbl]] - m[iF])}: the {nut} contribution, "
                "yield increase and agronomic efficiency are negative "
                f"(less {nut} did not cost yield in this trial)."
            )
    aov = trial.plots.aov
    p_trt = aov.term(trial.treatment)["p"] if aov is not None else math.nan
    if p_trt > alpha:
        notes.append(
            f"the treatments do not differ significantly (ANOVA p = {p_trt:.3f}); read the indices "
            "with their intervals."
        )
    return tuple(notes)


def _rates_table(trial: _Trial, dose: _Dose) -> pd.DataFrame:
    """The ``rates`` table: each treatment's rate of each nutrient (empty without rates)."""
    rate_table = dose.table
    rate_rows = (
        []
        if rate_table is None
        else [
            {"treatment": lbl, "nutrient": nut, "rate": rate_table[lbl][nut]}
            for lbl in trial.levels
            if lbl in rate_table
            for nut in dose.nutrients
        ]
    )
    return pd.DataFrame(rate_rows, columns=["treatment", "nutrient", "rate"])


# ---------------------------------------------------------------------------
# treatment labels and rates
# ---------------------------------------------------------------------------
def _label(value: Any) -> str:
    """A user-given treatment label in the form :func:`_validation.as_labels` produces."""
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, numbers.Real):
        return format(value, "g")
    return str(value).strip()


def _check_label(
    value: Any, role: str, levels: Sequence[str], column: Hashable, emptied: Sequence[str] = ()
) -> str:
    """The label of ``value`` for a role, checked to be an analysed treatment level."""
    label = _label(value)
    if label in emptied:
        raise DataError(
            f"the {role} treatment {label!r} has no yield left: every plot of it has an empty "
            "response, so the indices that need it cannot be computed. Fill in its yields, or "
            f"leave {role} out of the call if the trial has no such treatment."
        )
    if label not in levels:
        raise DesignError(
            f"{role}={value!r} is not a level of treatment column {column!r}; its levels are "
            f"{', '.join(repr(v) for v in levels)}. Name the {role} treatment exactly as it is "
            "written in the data."
        )
    return label


def _rates_by_treatment(
    frame: pd.DataFrame, labels: pd.Categorical, rates: Any, needed: Sequence[str]
) -> tuple[dict[str, dict[str, float]], list[str], dict]:
    """Rates of every treatment as ``{treatment: {nutrient: rate}}``, the nutrients in order,
    and the rate column of each nutrient (empty when the rates were given per treatment)."""
    levels = [str(c) for c in labels.categories]
    if isinstance(rates, Mapping) and rates and all(isinstance(v, Mapping) for v in rates.values()):
        table, nutrients = _rates_given_per_treatment(rates, levels, needed)
        return table, nutrients, {}
    columns = _rate_columns(frame, rates)
    return _rates_from_columns(frame, labels, columns), list(columns), columns


def _rates_given_per_treatment(
    rates: Mapping[Any, Mapping[Any, Any]], levels: Sequence[str], needed: Sequence[str]
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """``{treatment: {nutrient: rate}}`` from rates given per treatment, and the nutrients."""
    table: dict[str, dict[str, float]] = {}
    for key, values in rates.items():
        label = _label(key)
        if label not in levels:
            raise DesignError(
                f"rates names treatment {key!r}, which is not in the data; treatments: "
                f"{', '.join(repr(v) for v in levels)}."
            )
        table[label] = {}
        for nut, v in values.items():
            try:
                x = float(v)
            except (TypeError, ValueError):
                raise DataError(f"rates[{key!r}][{nut!r}] = {v!r} is not a number.") from None
            if not math.isfinite(x) or x < 0:
                raise DataError(
                    f"rates[{key!r}][{nut!r}] = {v!r}: a rate is a number of 0 or more."
                )
            table[label][str(nut)] = x
    nutrients = list(dict.fromkeys(n for t in table.values() for n in t))
    for label in needed:
        if label not in table:
            raise DesignError(
                f"rates gives no rates for treatment {label!r}; give the rates of every "
                "treatment used (full, minus plots and control)."
            )
    for values in table.values():
        for nut in nutrients:
            values.setdefault(nut, 0.0)
    return table, nutrients


def _rate_columns(frame: pd.DataFrame, rates: Any) -> dict[str, Any]:
    """``{nutrient: column}`` from ``rates`` naming the rate columns in one of its forms."""
    if isinstance(rates, Mapping):
        # column -> nutrient, as in trial_report ({"n_kg": "N"}); nutrient -> column is
        # accepted when only the value is a column of the data
        columns = {}
        for k, v in rates.items():
            if k not in frame.columns and isinstance(v, Hashable) and v in frame.columns:
                columns[str(k)] = v
            else:
                columns[str(v)] = k
        return columns
    if isinstance(rates, (list, tuple)):
        return {str(c): c for c in rates}
    if isinstance(rates, str):
        return {rates: rates}
    raise OptionError(
        "rates must name the rate columns (('N', 'P2O5', 'K2O') or {'n_rate': 'N', ...}) or "
        "give the rates of each treatment ({'NPK': {'N': 18, 'P2O5': 8, 'K2O': 19}, ...}); "
        f"got {type(rates).__name__}."
    )


def _rates_from_columns(
    frame: pd.DataFrame, labels: pd.Categorical, columns: Mapping[str, Any]
) -> dict[str, dict[str, float]]:
    """``{treatment: {nutrient: rate}}`` from rate columns that are constant within treatments."""
    levels = [str(c) for c in labels.categories]
    table: dict[str, dict[str, float]] = {label: {} for label in levels}
    for nut, column in columns.items():
        _v.require_column(frame, column, f"rates[{nut!r}]")
        values = _v.rate_values(frame, column, nut)
        for label in levels:
            these = values.to_numpy()[np.asarray(labels) == label]
            if these.size == 0:
                continue
            if not np.allclose(these, these[0], rtol=0, atol=1e-9 * max(1.0, abs(these[0]))):
                shown = ", ".join(format_number(v) for v in np.unique(these))
                raise DataError(
                    f"treatment {label!r} has different {nut} rates in column {column!r} "
                    f"({shown}); the plots of one treatment must receive the same rate. Correct "
                    "the rates or give the treatments different labels."
                )
            table[label][nut] = float(these[0])
    return table


# ---------------------------------------------------------------------------
# prices, units and soil-supply classes
# ---------------------------------------------------------------------------
def _as_prices(prices: Any) -> Any:
    """``prices`` as a :class:`~fertopt.units.Prices` (a mapping is converted)."""
    from fertopt.units import NUTRIENT_FORMS, Prices

    if isinstance(prices, Prices):
        return prices
    if not isinstance(prices, Mapping):
        raise OptionError(
            "prices must be fertopt.Prices(crop=..., N=..., P2O5=..., K2O=...) or a mapping "
            f"such as {{'crop': 2.8, 'N': 6.25}}, got {type(prices).__name__}."
        )
    if "crop" not in prices:
        raise OptionError(
            "prices needs the crop price as 'crop' (per kg of the harvested product), e.g. "
            "{'crop': 2.8, 'N': 6.25, 'P2O5': 4.67, 'K2O': 10.4}."
        )
    unknown = [k for k in prices if k not in ("crop", "currency") and k not in NUTRIENT_FORMS]
    if unknown:
        raise OptionError(
            f"prices names {', '.join(map(repr, unknown))}, which is not a nutrient form; use "
            f"'crop' and {', '.join(map(repr, NUTRIENT_FORMS))} (prices per kg of the nutrient)."
        )
    return Prices(**{str(k): v for k, v in prices.items()})


def _price_table(
    prices: Any,
    nutrients: Sequence[str],
    response_unit: str | None,
    rate_units: Mapping[str, str | None],
) -> tuple[dict[str, float], str]:
    """Money per yield unit (``"crop"``) and per rate unit of each nutrient, and the area."""
    prices = _as_prices(prices)
    out: dict[str, float] = {}
    area = prices.area or ""
    for nut in nutrients:
        if not prices.has(nut):
            raise OptionError(
                f"prices has no price for {nut!r}, which this trial applies; add {nut}=... "
                "(price per kg of the nutrient, not of the product)."
            )
        units = (response_unit, rate_units.get(nut))
        if None in units:
            units = (None, None)
        value, cost, area = prices.money_factors(nut, response_unit=units[0], rate_unit=units[1])
        out["crop"] = float(value)
        out[nut] = float(cost)
    if not nutrients:
        out["crop"] = float(prices.crop_per_kg)
    currency = prices.currency or "money"
    return out, f"{currency}/{area}" if area else currency


def _index_units(
    response_unit: str | None, rate_units: Mapping[str, str | None], money_unit: str
) -> Callable[[str, str], str]:
    """Unit text of an index: ``"%"``, the yield unit, yield per rate unit, ``"ratio"``, money."""
    from fertopt.units import parse_unit

    def unit_of(kind: str, nutrient: str) -> str:
        if kind in ("%", "ratio"):
            return kind
        if kind == "money":
            return money_unit or "money"
        if kind == "yield":
            return response_unit or "yield units"
        # yield per unit of nutrient: kg/kg when both are kg per the same area
        if nutrient == "all":
            distinct = set(rate_units.values())
            rate_unit = distinct.pop() if len(distinct) == 1 else None
        else:
            rate_unit = rate_units.get(nutrient)
        if response_unit and rate_unit:
            (ym, ya), (xm, xa) = parse_unit(response_unit), parse_unit(rate_unit)
            if ya == xa:
                return f"{ym}/{xm}"
            return f"({response_unit})/({rate_unit})"
        return "kg/kg"

    return unit_of


def _supply_class(ry: float) -> str:
    """The soil-supply class of a relative yield in percent (:data:`SOIL_SUPPLY_CLASSES`)."""
    for upper, name in SOIL_SUPPLY_CLASSES:
        if ry < upper:
            return name
    return SOIL_SUPPLY_CLASSES[-1][1]


# ---------------------------------------------------------------------------
# treatment means and delta-method standard errors
# ---------------------------------------------------------------------------
def _ls_means(
    y: np.ndarray, trt: pd.Categorical, blk: pd.Categorical | None, mse: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least-squares treatment means, their covariance and plot counts (additive model)."""
    codes = np.asarray(trt.codes)
    k = len(trt.categories)
    n = y.shape[0]
    X = np.zeros((n, k))
    X[np.arange(n), codes] = 1.0
    if blk is not None:
        b = np.asarray(blk.codes)
        m = len(blk.categories)
        B = np.zeros((n, m - 1))
        rows = b < m - 1
        B[np.flatnonzero(rows), b[rows]] = 1.0
        B[b == m - 1, :] = -1.0  # sum-to-zero: treatment coefficients are LS means
        X = np.hstack([X, B])
    XtX_inv = np.linalg.pinv(X.T @ X)
    beta = XtX_inv @ (X.T @ y)
    counts = np.bincount(codes, minlength=k)
    means = beta[:k]
    # balanced layouts: the arithmetic means are the LS means; use them exactly
    if blk is None or _v.cell_counts(pd.DataFrame({"t": trt, "b": blk}), ["t", "b"]).nunique() == 1:
        means = np.array([math.fsum(y[codes == i]) / counts[i] for i in range(k)])
    cov = mse * XtX_inv[:k, :k]
    return means, cov, counts


def _delta(
    fun: Callable[[np.ndarray], Any], means: np.ndarray, cov: np.ndarray
) -> tuple[float, float]:
    """Value and delta-method standard error of ``fun(means)`` (complex-step gradient)."""
    value = float(np.real(fun(means.astype(complex))))
    h = 1e-30
    grad = np.empty(means.shape[0])
    for i in range(means.shape[0]):
        z = means.astype(complex)
        z[i] += 1j * h
        grad[i] = float(np.imag(fun(z))) / h
    var = float(grad @ cov @ grad)
    return value, math.sqrt(max(var, 0.0))
