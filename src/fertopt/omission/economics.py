"""Prices, units and the ``economics`` table of :func:`fertopt.omission.omission`.

:func:`pricing_of` converts the prices to money per unit of yield and of rate in the units of
the data (a :class:`Pricing`, with the unit text of each index); :func:`economics_table` gives
each treatment's yield, cost, income and returns with delta-method standard errors.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.i18n import message
from fertopt.economics.units_check import unit_mismatch
from fertopt.exceptions import OptionError
from fertopt.omission.rates import Dose
from fertopt.omission.trial import Trial, delta
from fertopt.units import NUTRIENT_FORMS, Prices, parse_unit


@dataclass(frozen=True)
class Pricing:
    """Prices in the units of the data, the money unit and the unit text of each index."""

    prices: dict[str, float] | None  # "crop" and each nutrient: money per yield and rate unit
    money_unit: str  # e.g. "yuan/mu"; empty without prices
    unit_of: Callable[[str, str], str]  # (kind of unit, nutrient) -> unit text of an index
    declared: bool = False  # the units of the yield and of every rate are known


def pricing_of(trial: Trial, dose: Dose, prices: Any, units: Mapping[str, str] | None) -> Pricing:
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
    return Pricing(
        prices=price_table,
        money_unit=money_unit,
        unit_of=_index_units(response_unit, rate_units, money_unit),
        declared=response_unit is not None and all(u is not None for u in rate_units.values()),
    )


def _as_prices(prices: Any) -> Any:
    """``prices`` as a :class:`~fertopt.units.Prices` (a mapping is converted)."""
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


def economics_table(
    trial: Trial, dose: Dose, price_table: Mapping[str, float] | None
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


def unit_trap(trial: Trial, economics: pd.DataFrame | None, pricing: Pricing) -> str | None:
    """The unit-trap warning (see :mod:`fertopt.economics.units_check`), or None.

    Judged on the full treatment against the control: its net return over the control is
    0 or less although its yield is at least 10 % above the control's.
    """
    control, full = trial.roles.control, trial.roles.full
    if economics is None or control is None:
        return None
    rows = economics.set_index("treatment")
    if full not in rows.index or control not in rows.index:
        return None
    low = float(rows.loc[control, "yield"])
    return unit_mismatch(
        declared=pricing.declared,
        at_lowest=bool(rows.loc[full, "net_return"] <= 0),
        yield_low=low,
        gain=float(rows.loc[full, "yield"]) - low,
        finding=message("unit_finding_omission", full=repr(full), control=repr(control)),
    )


def _economics_row(trial: Trial, lbl: str, costs: Mapping[str, float], py: float) -> dict[str, Any]:
    """One treatment's row of ``economics``: yield, cost, income and returns with their SEs."""
    means, cov, pos = trial.means, trial.cov, trial.pos
    full, control = trial.roles.full, trial.roles.control
    iF, i = pos[full], pos[lbl]
    i0 = pos[control] if control is not None else -1
    cost = costs[lbl]

    def income_full(m: np.ndarray) -> Any:
        return m[iF] * py - costs[full]

    yv, yse = delta(lambda m: m[i], means, cov)
    inc, inc_se = delta(lambda m: m[i] * py - cost, means, cov)
    chg, chg_se = delta(lambda m: (m[i] * py - cost) - income_full(m), means, cov)
    pct, pct_se = delta(
        lambda m: 100 * ((m[i] * py - cost) - income_full(m)) / income_full(m), means, cov
    )
    net = net_se = vcr = vcr_se = math.nan
    if control is not None:
        c_extra = cost - costs[control]
        net, net_se = delta(lambda m: (m[i] - m[i0]) * py - c_extra, means, cov)
        if c_extra > 0:
            vcr, vcr_se = delta(lambda m: (m[i] - m[i0]) * py / c_extra, means, cov)
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
