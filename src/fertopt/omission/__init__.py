"""Omission-plot (nutrient-subtraction) and formula-correction trials.

An omission trial compares a full formula (NPK) with plots that leave one
nutrient out (PK, NK, NP) and, usually, an unfertilized control.  A formula
correction trial is the same layout with a nutrient *reduced* rather than
omitted.  :func:`omission` turns the plot yields into the indices agronomists
report, each with a standard error from the replicates, together with the
ANOVA of the treatments and their letter groups.

Standard errors
---------------
Every index is a smooth function of treatment means.  Its standard error is
the delta-method error computed from the means' covariance matrix, which comes
from the ANOVA of the trial: ``MSE / n`` on the diagonal for a balanced trial,
and the covariance of the block-adjusted (least-squares) means when plots are
missing.  Confidence limits use Student's t on the error degrees of freedom of
that ANOVA.  This uses the pooled error of all treatments (8 df in a 5 × 3
RCBD) rather than per-block ratios (2 df), which is what the ANOVA and the
multiple comparisons of the same trial use, so the numbers stay consistent
with each other.  Gradients are taken by complex-step differentiation, exact
to rounding for these rational functions.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core import validation as _v
from fertopt._core.document import (
    Facts,
    Notes,
    Paragraph,
    Summary,
    Table,
    localized_table,
    warnings_notes,
)
from fertopt._core.formatting import (
    ResultBase,
    data_decimals,
    fixed,
    format_number,
)
from fertopt._core.i18n import check_lang, design_name, label, translate_message, unit_text
from fertopt.anova.result import layout_text
from fertopt.economics.units_check import warn_unit_mismatch
from fertopt.exceptions import OptionError
from fertopt.omission.economics import economics_table, pricing_of, unit_trap
from fertopt.omission.indices import (
    SOIL_SUPPLY_CLASSES,
    indices_table,
    notes_of,
    soil_supply,
    uptake_means,
)
from fertopt.omission.rates import dose_of, rates_table
from fertopt.omission.trial import check_arguments, duncan_letters, fit_trial, means_table

__all__ = ["omission", "OmissionResult", "SOIL_SUPPLY_CLASSES"]


# ---------------------------------------------------------------------------
# result
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class OmissionResult(ResultBase):
    """Result of :func:`omission`.

    Attributes
    ----------
    means : DataFrame
        ``treatment | role | nutrient | mean | se | n | letters``, one row per
        treatment in the data: the full formula, the minus plots (in the
        order of ``minus``), the control, then the other treatments.  ``role`` is
        ``"full"``, ``"minus"``, ``"control"`` or ``"other"``; ``nutrient`` names the nutrient a
        minus plot lacks (empty otherwise); ``mean`` is the least-squares
        (block-adjusted) mean, equal to the arithmetic mean in a complete
        trial; ``se`` is its standard error; ``letters`` are Duncan's groups
        at ``alpha`` (``a`` = highest mean).
    indices : DataFrame
        ``nutrient | index | estimate | se | ci_low | ci_high | unit``.  One
        block of rows per omitted nutrient, then ``nutrient == "all"`` for the
        whole-fertilizer indices against the control.  Indices that need
        missing inputs (rates, prices, uptake, a control) are absent.
        ``unit``: ``"%"``, ``"ratio"``, the yield unit (``"kg/mu"``; ``"yield
        units"`` when the data record none), yield per unit of nutrient
        (``"kg/kg"``, ``"t/kg"``) and the money unit (``"yuan/mu"``).
    economics : DataFrame or None
        With rates and prices, one row per treatment (in the order of
        ``means``): ``treatment | role |
        yield | yield_se | fertilizer_cost | gross_value | income | income_se |
        income_change | income_change_se | income_change_pct |
        income_change_pct_se | net_return | net_return_se | value_cost_ratio |
        value_cost_ratio_se``.  ``income`` = yield × crop price − fertilizer
        cost; ``income_change`` and ``income_change_pct`` compare it with the
        full formula (the percentage is of the full formula's income);
        ``net_return`` (施肥纯收益) = (yield − control yield) × crop price −
        fertilizer cost and ``value_cost_ratio`` (产投比) = (yield − control
        yield) × crop price / fertilizer cost need a control.
    soil_supply : DataFrame
        ``nutrient | relative_yield | supply_class`` for true omission plots
        (the nutrient not applied at all); empty when every minus plot only
        reduces the nutrient.
    rates : DataFrame
        ``treatment | nutrient | rate``: the rates of each treatment used.
    anova : AnovaResult or None
        The ANOVA of all treatments (RCBD when ``block`` is given); None for
        a trial without replicates.
    comparison : MultCompResult or None
        Duncan's multiple range test on that ANOVA (:func:`fertopt.duncan`:
        arithmetic means, the ANOVA's error, harmonic-mean replication when
        plots are missing, as agricolae).
    response, treatment, block : str
        Column roles.
    full, control : str or None
        Treatment labels of the full formula and the control.
    minus : dict
        Nutrient → label of the plot lacking (or short of) it.
    prices : dict or None
        Money per unit of yield (``crop``) and per unit of each nutrient's
        rate, as applied (prices per kg converted to the data's units).
    money_unit : str
        Unit of the money columns, e.g. ``"yuan/mu"`` (empty without prices).
    mse, df_resid : float
        Error mean square and degrees of freedom behind every standard error.
    confidence_level, alpha : float
        Level of the t intervals; significance level of the letters.
    se_method : str
        ``"delta method on the treatment means with the ANOVA error"``.
    n_obs, n_dropped : int
        Plots analysed and plots left out for a missing response.
    notes : tuple of str
        How to read the indices for this trial (reductions, negative
        contributions).
    warnings : tuple of str
        Everything the analysis warned about.
    """

    means: pd.DataFrame
    indices: pd.DataFrame
    economics: pd.DataFrame | None
    soil_supply: pd.DataFrame
    rates: pd.DataFrame
    anova: Any = field(repr=False)
    comparison: Any = field(default=None, repr=False)
    response: str
    treatment: str
    block: str | None
    full: str
    control: str | None
    minus: dict[str, str]
    prices: dict[str, float] | None
    money_unit: str
    mse: float
    df_resid: float
    confidence_level: float
    alpha: float
    se_method: str
    n_obs: int
    n_dropped: int
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def index(self, name: str, nutrient: str | None = None) -> pd.DataFrame | pd.Series:
        """Rows of ``indices`` for one index (one row when ``nutrient`` is given).

        Examples
        --------
        >>> import fertopt as fo
        >>> om = fo.omission(fo.load_dataset("water_chestnut"), response="yield",
        ...                  treatment="treatment", block="block", full="formula",
        ...                  minus={"P2O5": "reduced P"}, control="blank")
        >>> print(f"{om.index('relative_yield', 'P2O5')['estimate']:.2f}")
        94.42
        """
        rows = self.indices.loc[self.indices["index"] == name]
        if rows.empty:
            known = ", ".join(dict.fromkeys(self.indices["index"]))
            raise OptionError(f"index {name!r} is not in this result; it has {known}.")
        if nutrient is None:
            return rows.reset_index(drop=True)
        one = rows.loc[rows["nutrient"] == nutrient]
        if one.empty:
            raise OptionError(
                f"index {name!r} has no row for nutrient {nutrient!r}; nutrients: "
                f"{', '.join(rows['nutrient'])}."
            )
        return one.iloc[0]

    def plot(self, ax: Any = None, *, index: str = "relative_yield", **kwargs: Any) -> Any:
        """Bar chart of one index per nutrient with ± SE bars; see :mod:`fertopt.plotting`."""
        from fertopt import plotting

        return plotting.plot_omission(self, ax=ax, index=index, **kwargs)

    # -- display ------------------------------------------------------------
    def _headline(self, lang: str = "en") -> str:
        parts = []
        ry = self.indices.loc[self.indices["index"] == "relative_yield"]
        for _, r in ry.iterrows():
            parts.append(
                label(
                    "om_headline_ry",
                    lang,
                    nutrient=r["nutrient"],
                    ry=f"{r['estimate']:.1f}",
                    se=f"{r['se']:.1f}",
                )
            )
        p = self.anova.term(self.treatment)["p"] if self.anova is not None else math.nan
        full = repr(self.full) if lang == "en" else str(self.full)
        head = (
            label("om_headline", lang, full=full, parts=label("layout_sep", lang).join(parts))
            if parts
            else label("om_headline_full", lang, full=full)
        )
        if np.isfinite(p):
            head += label("om_headline_f", lang, p="< 0.0001" if p < 1e-4 else f"= {p:.4f}")
        return head

    def summary_parts(
        self,
        digits: int = 4,
        lang: str = "en",
        *,
        income_se: bool = True,
        index_names: str = "keys",
    ) -> dict[str, Any]:
        """The blocks of :meth:`summary`, by name, in order.

        ``about`` (response, design), ``layout`` (full, minus and control treatments),
        ``data`` (plots, error, SE method, prices), ``means`` (with Duncan's letters),
        ``indices``, ``economics`` (with prices), ``soil_supply`` (for true omission
        plots), ``definitions``, ``notes`` and ``warnings``.  A trial report embeds
        ``layout``, ``indices``, ``economics``, ``soil_supply`` and ``notes`` as they are.

        Parameters
        ----------
        digits : int, default 4
        lang : {"en", "zh"}
        income_se : bool, default True
            Show the standard error of the income in the economics table (the same
            for every treatment of a balanced trial); a trial report leaves it out.
        index_names : {"keys", "words"}, default "keys"
            How the indices table names the indices in English: by the names that
            :meth:`index` takes (``relative_yield``) or in words (``relative yield``),
            as a trial report does.  In Chinese they are always named in words.
        """
        lang = check_lang(lang)
        _v.check_choice(index_names, "index_names", ("keys", "words"))

        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        en = lang == "en"
        if self.anova is None:
            design = t("om_unreplicated", k=len(self.means))
        elif en:
            design = f"{self.anova.design}: {layout_text(self.anova)}"
        else:
            design = f"{design_name(self.anova.design, lang)}：{layout_text(self.anova, lang)}"
        se_method = self.se_method
        if not en and se_method == label("om_se_delta", "en"):
            se_method = t("om_se_delta")
        about = [(t("sm_response"), str(self.response)), (t("sm_design"), design)]
        layout = [
            (t("om_full"), str(self.full)),
            (t("om_minus"), t("layout_sep").join(f"{k} → {v}" for k, v in self.minus.items())),
            (t("om_control"), str(self.control) if self.control is not None else t("none")),
        ]
        facts = [
            (
                t("sm_plots_analysed"),
                str(self.n_obs) + (t("om_dropped", n=self.n_dropped) if self.n_dropped else ""),
            ),
            (
                t("om_error"),
                f"{format_number(self.mse, digits + 1)}, {format_number(self.df_resid)}",
            ),
            (t("om_se_method"), se_method),
        ]
        if self.prices:
            facts.append(
                (
                    t("om_prices"),
                    ", ".join(
                        f"{t('om_price_crop') if k == 'crop' else k} {format_number(v)}"
                        for k, v in self.prices.items()
                    ),
                )
            )
            facts.append((t("om_money"), _unit_text(self.money_unit, lang)))
        means = self.means.copy()
        parts: dict[str, Any] = {
            "about": Facts(about),
            "layout": Facts(layout),
            "data": Facts(facts),
            "means": localized_table(
                means,
                lang,
                title=t("sm_treatment_means"),
                formats={"n": "int"},
                note=t("om_letters_note", alpha=f"{self.alpha:g}")
                if self.comparison is not None
                else None,
                cells={"role": lambda v: t(f"om_role_{v}") if f"{v}" else v},
                keys={"role": "om_role", "nutrient": "om_col_nutrient"},
            ),
            "indices": self._indices_table(lang, words=index_names == "words"),
        }
        if self.economics is not None:
            parts["economics"] = self._economics_table(lang, income_se=income_se)
        if len(self.soil_supply):
            supply = self.soil_supply.assign(
                supply_class=[t(f"supply_{v}") for v in self.soil_supply["supply_class"]]
            )
            parts["soil_supply"] = _labelled(
                supply, lang, title=t("om_supply"), note=t("om_supply_note")
            )
        parts["definitions"] = Paragraph(t("om_definitions_text"), title=t("om_definitions"))
        parts["notes"] = Notes(
            [translate_message(n, lang) for n in self.notes], title=t("mc_notes")
        )
        parts["warnings"] = warnings_notes(self.warnings, lang)
        return parts

    def _indices_table(self, lang: str, *, words: bool) -> Table:
        """The indices: nutrient (or all fertilizer), index and unit in ``lang``, labelled columns.

        In English the indices keep their stored names unless ``words``.
        """
        names = self.indices["index"]
        shown = self.indices.assign(
            index=[label(f"ix_{v}", lang) for v in names] if words or lang != "en" else names,
            nutrient=[label("om_all", lang) if v == "all" else v for v in self.indices["nutrient"]],
            unit=[_unit_text(v, lang) for v in self.indices["unit"]],
        )
        # each row rounded as its quantity (the rounding policy of fertopt._core.formatting)
        kinds = [fixed(self._decimals_of(u)) for u in self.indices["unit"]]
        level = f"{100 * self.confidence_level:g}"
        table = _labelled(shown, lang, title=label("om_indices", lang, level=level))
        by_row = {c: kinds for c in ("estimate", "se", "ci_low", "ci_high") if c in shown.columns}
        return dataclasses.replace(table, row_formats=by_row)

    def _decimals_of(self, unit: Any) -> int:
        """Decimals of an index in ``unit``: % and kg/kg 0.1, ratios 0.01, yields as the data."""
        text = str(unit)
        if text == "ratio":
            return 2
        if text == "%" or text.endswith("/kg") or "money" in text or text == self.money_unit:
            return 1
        if self.anova is not None and hasattr(self.anova, "decimals"):
            return int(self.anova.decimals)
        return data_decimals(self.means["mean"])

    def _economics_table(self, lang: str, *, income_se: bool) -> Table:
        """Yield, cost, income (and its SE), change against the full formula, net return, VCR."""
        cols = [c for c in _ECONOMICS_COLUMNS if income_se or c != "income_se"]
        econ = self.economics[[c for c in cols if c in self.economics.columns]]
        table = _labelled(
            econ, lang, title=label("om_economics", lang, unit=_unit_text(self.money_unit, lang))
        )
        number = fixed(self._decimals_of(None))
        formats = {c: "money" for c in econ.columns if c not in ("treatment", "yield")}
        formats |= {"yield": number, "value_cost_ratio": ".2f", "income_change_pct": ".1f"}
        return dataclasses.replace(table, formats={**formats, **table.formats})

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        return Summary(
            label("om_title", lang, response=self.response),
            list(self.summary_parts(digits, lang).values()),
            headline=self._headline(lang),
            digits=digits,
        )


#: The columns of the economics table, in order (``income_se`` optional).
_ECONOMICS_COLUMNS = (
    "treatment",
    "yield",
    "fertilizer_cost",
    "income",
    "income_se",
    "income_change",
    "income_change_pct",
    "net_return",
    "value_cost_ratio",
)


def _labelled(frame: pd.DataFrame, lang: str, *, title: str, note: str | None = None) -> Table:
    """A table of the omission analysis with its columns named by the ``om_col_`` labels."""
    return localized_table(
        frame,
        lang,
        title=title,
        labels={k: label(f"om_col_{k}", lang) for k in frame.columns},
        keys={k: f"om_col_{k}" for k in frame.columns},
        note=note,
    )


def _unit_text(unit: Any, lang: str) -> Any:
    """An index unit in ``lang``: ``kg/mu`` → ``kg/亩``, ``money`` and ``ratio`` translated."""
    if lang == "en" or not isinstance(unit, str):
        return unit
    return unit_text(unit, lang)


# ---------------------------------------------------------------------------
# the analysis
# ---------------------------------------------------------------------------
def omission(
    data: Any,
    /,
    *,
    response: Hashable,
    treatment: Hashable,
    full: Any,
    minus: Mapping[str, Any],
    control: Any = None,
    rates: Any = None,
    prices: Any = None,
    block: Hashable | None = None,
    uptake: Mapping[str, Hashable] | None = None,
    units: Mapping[str, str] | None = None,
    alpha: float = 0.05,
    confidence_level: float = 0.95,
    nan_policy: str = "omit",
) -> OmissionResult:
    """Indices of an omission-plot or formula-correction trial, with standard errors.

    Parameters
    ----------
    data : DataFrame
        One row per plot.  Treatments other than the full, minus and control
        plots may be present (a 3414 trial): they enter the ANOVA and the
        letters but no index.
    response : str
        Yield column (kg per area; indices in "yield" units use it).
    treatment : str
        Treatment label column.
    full : label
        The full formula (NPK).
    minus : mapping
        Nutrient → label of the plot lacking it (or given less of it), e.g.
        ``{"N": "PK", "P2O5": "NK", "K2O": "NP"}``.  The nutrient names are
        those of ``rates`` and ``prices``.
    control : label, optional
        The unfertilized plot (CK); needed for the fertilizer and soil-base
        contributions, the net return and the value–cost ratio.
    rates : sequence, mapping or mapping of mappings, optional
        Nutrient rates (kg per the yield's area): the rate columns when they
        are named after the nutrients (``("N", "P2O5", "K2O")``), a mapping
        column → nutrient (``{"n_kg": "N", "p_kg": "P2O5"}``, as in
        :func:`fertopt.trial_report`), or the rates of each treatment
        (``{"NPK": {"N": 18, "P2O5": 8, "K2O": 19}, "PK": {...}, ...}``).
        Needed for agronomic efficiency, partial factor productivity,
        recovery efficiency and economics.
    prices : fertopt.Prices or mapping, optional
        Crop price and price per kg of each nutrient (``fo.Prices(crop=2.8,
        N=6.25, P2O5=4.67, K2O=10.4)`` or the same as a mapping).  Needs
        ``rates``.
    block : str, optional
        Block (replicate) column: RCBD analysis; without it, a CRD.
    uptake : mapping, optional
        Nutrient → column of that nutrient's uptake (kg per area) per plot,
        for the recovery efficiency.
    units : mapping, optional
        ``{"response": "t/ha", "rate": "kg/ha"}``: units of the yield and
        rate columns, to turn prices per kg into money per area (default: the
        units recorded by :func:`fertopt.read_trials` or
        :func:`fertopt.load_dataset`; without them yields and rates are taken
        as kg per the same area).
    alpha : float, default 0.05
        Significance level of Duncan's letters.
    confidence_level : float, default 0.95
        Level of the t intervals of the indices.
    nan_policy : {'omit', 'raise'}
        Plots with a missing yield are left out (counted), or refused.

    Returns
    -------
    OmissionResult
        ``means`` (with letters), ``indices`` (``nutrient | index | estimate |
        se | ci_low | ci_high | unit``), ``economics``, ``soil_supply``,
        ``rates``, ``anova``, ``comparison`` and the provenance fields listed
        in :class:`OmissionResult`.  Nutrient indices: ``relative_yield``,
        ``contribution_rate``, ``yield_increase``, ``yield_increase_pct``,
        ``agronomic_efficiency``, ``partial_factor_productivity``,
        ``recovery_efficiency``, ``value_cost_ratio``, ``net_return``; whole
        fertilizer (``nutrient == "all"``): ``fertilizer_contribution``,
        ``soil_contribution``, ``yield_increase``, ``yield_increase_pct``,
        ``agronomic_efficiency``, ``partial_factor_productivity``,
        ``value_cost_ratio``, ``net_return``.

    Raises
    ------
    ColumnError
        A named column (response, treatment, block, rates, uptake) is missing.
    DesignError
        ``full``, a ``minus`` or the ``control`` label is not in the data, a
        label plays two roles, or a minus plot does not receive less of its
        nutrient than the full formula.
    DataError
        Non-numeric or negative rates, or plots of one treatment with
        different rates.
    OptionError
        Prices without rates, a price missing for an applied nutrient, bad
        ``alpha`` / ``confidence_level``.

    Warns
    -----
    DesignWarning
        A minus plot that also differs from the full formula in another
        nutrient: its difference mixes two effects; or a trial without
        replicates (no standard errors).
    Warnings of :func:`fertopt.anova` and :func:`fertopt.duncan` (missing
    plots, unequal replication).

    Notes
    -----
    With :math:`Y_F` the full-formula mean, :math:`Y_{-X}` the mean of the
    plot short of nutrient X, :math:`Y_0` the control mean, :math:`F_X` the
    rate of X in the full formula and :math:`\\Delta F_X` = :math:`F_X` −
    the rate of X in the minus plot (= :math:`F_X` for a true omission):

    * relative yield :math:`RY_X = 100\\,Y_{-X}/Y_F`;
    * contribution rate (肥料贡献率) :math:`100\\,(Y_F - Y_{-X})/Y_F`;
    * yield increase :math:`Y_F - Y_{-X}` and, in percent (增产率),
      :math:`100\\,(Y_F - Y_{-X})/Y_{-X}`;
    * agronomic efficiency :math:`AE_X = (Y_F - Y_{-X})/\\Delta F_X`;
    * partial factor productivity :math:`PFP_X = Y_F/F_X`;
    * recovery efficiency :math:`RE_X = 100\\,(U_F - U_{-X})/\\Delta F_X`
      from the uptake means :math:`U`;
    * value–cost ratio of X :math:`(Y_F - Y_{-X})\\,P_y/(\\Delta F_X P_X)` and
      net return :math:`(Y_F - Y_{-X})\\,P_y - \\Delta F_X P_X`;
    * whole fertilizer: contribution :math:`100\\,(Y_F - Y_0)/Y_F`, soil base
      :math:`100\\,Y_0/Y_F`, net return (施肥纯收益, NY/T 3181)
      :math:`(Y_F - Y_0)P_y - C_F` and value–cost ratio (产投比)
      :math:`(Y_F - Y_0)P_y / C_F` with :math:`C_F = \\sum_X F_X P_X`.

    Standard errors are delta-method errors from the covariance of the
    treatment means (``MSE/n`` for a balanced trial; block-adjusted
    least-squares means when plots are missing), intervals are
    estimate ± t(1 − (1 − level)/2, error df) × SE.  Linear indices (yield
    increase, net return, income change) have exact standard errors this way.
    Relative-yield classes follow the soil-testing programme: < 50 % very
    low, 50–75 % low, 75–95 % medium, > 95 % high; they are given only for
    true omission plots.  Definitions after IPNI and NY/T 3181-2018.

    Examples
    --------
    >>> import fertopt as fo, warnings
    >>> df = fo.load_dataset("water_chestnut")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", fo.DesignWarning)   # swapped N/K rates: confounded
    ...     om = fo.omission(df, response="yield", treatment="treatment", block="block",
    ...                      full="formula", control="blank",
    ...                      minus={"N": "reduced N", "P2O5": "reduced P", "K2O": "reduced K"},
    ...                      rates=("N", "P2O5", "K2O"),
    ...                      prices={"crop": 2.8, "N": 6.25, "P2O5": 4.67, "K2O": 10.4})
    >>> row = om.index("soil_contribution", "all")
    >>> print(f"soil base {row['estimate']:.2f} % ± {row['se']:.2f}")
    soil base 52.96 % ± 4.40
    >>> om.economics[["treatment", "income_change"]].round(2)
       treatment  income_change
    0    formula           0.00
    1  reduced N         645.22
    2  reduced P        -488.50
    3  reduced K        -862.78
    4      blank       -3852.54
    """
    _v.check_nan_policy(nan_policy)
    alpha = _v.check_probability(alpha, "alpha")
    confidence_level = _v.check_probability(confidence_level, "confidence_level")
    frame = _v.require_frame(data)
    uptake = check_arguments(
        frame,
        response=response,
        treatment=treatment,
        block=block,
        minus=minus,
        rates=rates,
        prices=prices,
        uptake=uptake,
    )
    trial = fit_trial(
        frame,
        response=response,
        treatment=treatment,
        block=block,
        full=full,
        minus=minus,
        control=control,
        confidence_level=confidence_level,
        nan_policy=nan_policy,
    )
    dose = dose_of(trial, rates)
    pricing = pricing_of(trial, dose, prices, units)
    uptake_stats = uptake_means(trial, uptake)
    indices = indices_table(trial, dose, pricing, uptake_stats)
    economics = economics_table(trial, dose, pricing.prices)
    issued = [*trial.plots.warnings, *dose.warnings]
    unit = unit_trap(trial, economics, pricing)
    if unit is not None:
        warn_unit_mismatch(unit, stacklevel=2)
        issued.append(unit)
    comparison, letters = duncan_letters(trial, alpha)
    if comparison is not None:
        issued.extend(comparison.warnings)
    return OmissionResult(
        means=means_table(trial, letters),
        indices=indices,
        economics=economics,
        soil_supply=soil_supply(trial, dose),
        rates=rates_table(trial, dose),
        anova=trial.plots.aov,
        comparison=comparison,
        response=str(response),
        treatment=str(treatment),
        block=None if block is None else str(block),
        full=trial.roles.full,
        control=trial.roles.control,
        minus=trial.roles.minus,
        prices=pricing.prices,
        money_unit=pricing.money_unit,
        mse=trial.plots.mse,
        df_resid=trial.plots.df_resid,
        confidence_level=confidence_level,
        alpha=alpha,
        se_method="delta method on the treatment means with the ANOVA error",
        n_obs=trial.plots.n_obs,
        n_dropped=trial.plots.n_dropped,
        notes=notes_of(trial, dose, alpha),
        warnings=tuple(dict.fromkeys(issued)),
    )
