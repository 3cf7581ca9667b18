"""The indices of :func:`fertopt.omission.omission` and how to read them.

:func:`uptake_means` gives the treatment means of each uptake column; :func:`indices_table` the
``indices`` table (relative yield, contributions, efficiencies, value-cost ratio, net return of
each minus plot and of the whole fertilizer); :func:`soil_supply` the soil-supply classes of
the true omission plots (:data:`SOIL_SUPPLY_CLASSES`); :func:`notes_of` the notes on reading
them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core import validation as _v
from fertopt._core.formatting import format_number
from fertopt._core.i18n import message
from fertopt.anova import anova
from fertopt.omission.economics import Pricing
from fertopt.omission.rates import Dose
from fertopt.omission.trial import Trial, delta, ls_means

#: Relative-yield classes of soil nutrient supply (测土配方施肥 abundance index), in percent.
SOIL_SUPPLY_CLASSES: tuple[tuple[float, str], ...] = (
    (50.0, "very low"),
    (75.0, "low"),
    (95.0, "medium"),
    (math.inf, "high"),
)


def uptake_means(
    trial: Trial, uptake: Mapping[Any, Hashable]
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Nutrient -> the treatment means of its uptake and their covariance (NaN if unreplicated)."""
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
        u_means, u_cov, _ = ls_means(
            u,
            pd.Categorical(u_aov.data[trial.treatment]),
            pd.Categorical(u_aov.data[trial.block]) if trial.block is not None else None,
            u_aov.mse,
        )
        uptake_stats[str(nut)] = (u_means, u_cov)
    return uptake_stats


class _IndexRows:
    """The rows of the ``indices`` table: estimates with delta-method errors and t intervals."""

    def __init__(self, trial: Trial, unit_of: Callable[[str, str], str]) -> None:
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
        est, se = delta(fun, means, self.trial.cov if c is None else c)
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


def indices_table(
    trial: Trial,
    dose: Dose,
    pricing: Pricing,
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
    trial: Trial,
    dose: Dose,
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
    trial: Trial,
    dose: Dose,
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


def soil_supply(trial: Trial, dose: Dose) -> pd.DataFrame:
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


def _supply_class(ry: float) -> str:
    """The soil-supply class of a relative yield in percent (:data:`SOIL_SUPPLY_CLASSES`)."""
    for upper, name in SOIL_SUPPLY_CLASSES:
        if ry < upper:
            return name
    return SOIL_SUPPLY_CLASSES[-1][1]


def notes_of(trial: Trial, dose: Dose, alpha: float) -> tuple[str, ...]:
    """How to read the indices: reductions, minus plots out-yielding the full formula, no F."""
    notes = list(dose.notes)
    m, pos, full = trial.means, trial.pos, trial.roles.full
    iF = pos[full]
    for nut, lbl in trial.roles.minus.items():
        if m[pos[lbl]] > m[iF]:
            notes.append(
                message(
                    "om_out_yields",
                    lbl=repr(lbl),
                    full=repr(full),
                    by=format_number(m[pos[lbl]] - m[iF]),
                    nut=nut,
                )
            )
    aov = trial.plots.aov
    p_trt = aov.term(trial.treatment)["p"] if aov is not None else math.nan
    if p_trt > alpha:
        notes.append(message("om_not_significant", p=f"{p_trt:.3f}"))
    return tuple(notes)
