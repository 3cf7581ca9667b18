"""Prices turned into numbers in the units of the data: for response curves and for surfaces.

This is the one place where a :class:`fertopt.Prices` (or a bare price ratio,
or a mapping of prices) becomes the money factors of an optimum:
:func:`resolve_curve_prices` for a single-nutrient curve, and
:func:`resolve_surface_prices` for an N-P-K surface.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fertopt._core.formatting import format_number
from fertopt._core.i18n import Unit, message
from fertopt._core.validation import positive_number
from fertopt.curves.curve import Curve
from fertopt.exceptions import OptionError
from fertopt.units import MASS_KG, Prices, mass_unit, parse_unit, unit_factor

__all__ = ["CurvePrices", "resolve_curve_prices", "resolve_surface_prices"]

_FORMS = ("N", "P2O5", "K2O", "P", "K")


# ---------------------------------------------------------------------------
# response curves
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CurvePrices:
    """How prices were applied to one response curve.

    Attributes
    ----------
    ratio : float
        Nutrient : crop price ratio in yield units per rate unit (the slope at the
        economic optimum).
    ratio_text : str
        The ratio with its units and where it came from, for display.
    value_per_yield : float
        Money per yield unit (per reporting area); 1.0 when only a ratio was given.
    cost_per_rate : float
        Money per rate unit (per reporting area); the ratio when only a ratio was given.
    money : str
        Unit of net returns.
    form : str or None
        Nutrient form priced.
    prices : Prices or None
        The prices given (None for a bare ratio).
    notes : tuple of str
        Assumptions made on the way (undeclared units, a product price converted).
    """

    ratio: float  # yield units per rate unit
    ratio_text: str  # the ratio with its units, for display
    value_per_yield: float  # money per yield unit (per reporting area); 1.0 without prices
    cost_per_rate: float  # money per rate unit (per reporting area); ratio without prices
    money: str  # unit of net returns
    form: str | None
    prices: Prices | None
    notes: tuple[str, ...] = ()


def _mass_label(unit: str | None) -> str | None:
    return None if unit is None else parse_unit(unit)[0]


def _nutrient_label(curve: Curve, form: str | None) -> str:
    return form or curve.nutrient or str(curve.rate)


def resolve_curve_prices(curve: Curve, prices: Any, price_ratio: Any) -> CurvePrices | None:
    """Price ratio and money conversions for a response curve.

    Parameters
    ----------
    curve : Curve
        The fitted curve (its nutrient, rate name and declared units are used).
    prices : Prices or None
    price_ratio : float, (float, str) or None
        As for :func:`fertopt.economics.optimum`; at most one of the two.

    Returns
    -------
    CurvePrices or None
        None when neither is given (the agronomic optimum).

    Raises
    ------
    FertoptError
        Both given; prices that lack the nutrient or cannot name it; a ratio that
        is not a positive number or has unreadable units.
    """
    if prices is not None and price_ratio is not None:
        raise OptionError("give either prices= or price_ratio=, not both.")
    if prices is None and price_ratio is None:
        return None
    y_unit, x_unit = curve.response_unit, curve.rate_unit
    known = y_unit is not None and x_unit is not None
    ymass, xmass = (_mass_label(y_unit), _mass_label(x_unit)) if known else ("kg", "kg")
    if prices is not None:
        return _from_prices(curve, prices, known, ymass, xmass)
    return _from_ratio(curve, price_ratio, known, ymass, xmass)


def _from_prices(curve: Curve, prices: Any, known: bool, ymass: str, xmass: str) -> CurvePrices:
    """Price ratio and money conversions from a :class:`~fertopt.units.Prices`."""
    y_unit, x_unit = curve.response_unit, curve.rate_unit
    notes: list[str] = []
    if not isinstance(prices, Prices):
        raise OptionError(
            f"prices must be a fertopt.Prices object, got {type(prices).__name__}; for "
            "example prices=fo.Prices(crop=2.8, N=6.25). For a bare ratio use price_ratio=."
        )
    form = curve.nutrient
    if form is None:
        if len(prices.forms) == 1:
            form = prices.forms[0]
            notes.append(
                f"the rate column {curve.rate!r} was not named as a nutrient; the only "
                f"nutrient price given ({form}) was used"
            )
        else:
            raise OptionError(
                f"which nutrient is the rate column {curve.rate!r}? These prices give "
                f"{', '.join(prices.forms)}; pass nutrient= to fit_response (e.g. "
                "nutrient='N') or give only that nutrient's price."
            )
    if not prices.has(form):
        raise OptionError(
            f"the prices have no price for {form} (they give "
            f"{', '.join(prices.forms) or 'none'}); "
            f"add it, e.g. Prices(crop={prices.crop:g}, {form}=...)."
        )
    px = prices.nutrient_price(form)
    py = prices.crop_per_kg
    if known:
        value, cost, area = prices.money_factors(form, response_unit=y_unit, rate_unit=x_unit)
    else:
        value, cost, area = prices.money_factors(form)
        notes.append(
            "the units of yield and rate were not declared: both were taken as kg per "
            "the same area (declare units= in fit_response to convert t/ha, kg/mu …)"
        )
    ratio = cost / value
    cur = prices.currency or "money"
    money = Unit(f"{cur}/{area}" if area else f"{cur} per unit area of the data")
    nut = _nutrient_label(curve, form)
    fields = {
        "ratio": format_number(ratio, 4),
        "ymass": Unit(ymass),
        "xmass": Unit(xmass),
        "nut": nut,
        "form": form,
        "px": format_number(px, 4),
        "py": format_number(py, 4),
        "cur": Unit(cur),
    }
    if (ymass, xmass) != ("kg", "kg"):
        text = message("price_ratio_converted", kg=format_number(px / py, 4), **fields)
    else:
        text = message("price_ratio_prices", **fields)
    for s in prices.sources:
        notes.append(f"nutrient price from a product price: {s}")
    return CurvePrices(ratio, text, value, cost, money, form, prices, tuple(notes))


def _from_ratio(curve: Curve, price_ratio: Any, known: bool, ymass: str, xmass: str) -> CurvePrices:
    """Price ratio given bare (data's units) or as ``(value, 'crop mass/nutrient mass')``."""
    y_unit, x_unit = curve.response_unit, curve.rate_unit
    notes: list[str] = []
    value_in, units_in = price_ratio, None
    if isinstance(price_ratio, (tuple, list)):
        if len(price_ratio) != 2 or not isinstance(price_ratio[1], str):
            raise OptionError(
                "price_ratio must be a number in the data's units, or a pair such as "
                f"(5.6, 'kg/kg') (kg crop per kg nutrient); got {price_ratio!r}."
            )
        value_in, units_in = price_ratio
    try:
        r = float(value_in)
    except (TypeError, ValueError):
        raise OptionError(f"price_ratio must be a positive number, got {value_in!r}.") from None
    if not math.isfinite(r) or r <= 0:
        raise OptionError(
            f"price_ratio must be a positive number, got {value_in!r}; for the rate of "
            "maximum yield call optimum() without prices."
        )
    nut = _nutrient_label(curve, curve.nutrient)
    if units_in is None:
        if not known:
            # A bare ratio is the slope dY/dx at the optimum, so it is read in the data's
            # own units; the result says so, because a ratio in kg/kg applied to yields in
            # t/ha is the classic silent error.
            text = message(
                "price_ratio_undeclared", ratio=format_number(r, 4), rate=str(curve.rate), nut=nut
            )
            notes.append(
                f"price_ratio={r:g} was applied as given, in the data's units (yield per unit of "
                "rate), because the units were not declared. If the yields are in t/ha and the "
                "rates in kg/ha, a ratio in kg grain per kg nutrient must be divided by 1000: "
                f"declare units (fit_response(..., units={{'response': 't/ha', 'rate': 'kg/ha'}})) "
                f"or give price_ratio=({r:g}, 'kg/kg')."
            )
            return CurvePrices(
                r, text, 1.0, r, Unit("yield units"), curve.nutrient, None, tuple(notes)
            )
        text = message(
            "price_ratio_as_given",
            ratio=format_number(r, 4),
            ymass=Unit(ymass),
            xmass=Unit(xmass),
            nut=nut,
        )
        return CurvePrices(
            r,
            text,
            1.0,
            r,
            message(
                "yield_per_area", mass=Unit(y_unit.split("/")[0]), area=Unit(y_unit.split("/")[1])
            ),
            curve.nutrient,
            None,
            (),
        )
    parts = units_in.split("/")
    if len(parts) != 2:
        raise OptionError(
            f"price_ratio units {units_in!r} must be 'crop mass/nutrient mass', e.g. 'kg/kg'."
        )
    num = mass_unit(parts[0].strip(), "price_ratio crop mass")
    den = mass_unit(parts[1].strip(), "price_ratio nutrient mass")
    kg_per_kg = r * MASS_KG[num] / MASS_KG[den]
    if known:
        ratio = kg_per_kg * unit_factor(x_unit, "kg/ha") / unit_factor(y_unit, "kg/ha")
        money = message(
            "yield_per_area", mass=Unit(y_unit.split("/")[0]), area=Unit(y_unit.split("/")[1])
        )
    else:
        ratio = kg_per_kg
        money = Unit("yield units")
        notes.append(
            "the units of yield and rate were not declared: both were taken as kg per the same area"
        )
    text = message(
        "price_ratio_given_as",
        ratio=format_number(ratio, 4),
        ymass=Unit(ymass),
        xmass=Unit(xmass),
        nut=nut,
        given=f"{r:g}",
        units=Unit(units_in),
    )
    return CurvePrices(ratio, text, 1.0, ratio, money, curve.nutrient, None, tuple(notes))


# ---------------------------------------------------------------------------
# surfaces
# ---------------------------------------------------------------------------
def resolve_surface_prices(
    prices: Any,
    nutrients: Sequence[str],
    response_unit: str | None = None,
    rate_units: Mapping[str, str | None] | None = None,
) -> tuple[float, dict[str, float], str]:
    """Crop value per unit of response, nutrient prices per unit of rate, and the money unit.

    This is the one place where a price object becomes numbers.  Two forms:

    * a :class:`fertopt.Prices`: nutrient prices are per mass of the nutrient form that
      names each rate (``N``, ``P2O5``, ``K2O``, ``P``, ``K``; P↔P2O5 and K↔K2O are
      converted), the crop price per mass of crop; :meth:`fertopt.Prices.money_factors`
      converts them with the units of the response and rates (``"t/acre"``,
      ``"lb/acre"`` …), exactly as for single-nutrient optima.  Without declared units,
      yield and rates are taken to be in kg per the same area.
    * a mapping ``{"crop": ..., "N": ..., ...}``: prices already per unit of the data's
      response and rate columns (no conversion).

    Returns ``(crop_value, prices, money)`` with ``crop_value × response`` and
    ``prices[n] × rate`` in the same money per area, and that unit as text.

    Raises
    ------
    FertoptError
        No prices; a missing or non-positive price; a Prices object for rates not
        named by a nutrient form; units declared for some columns but not others.
    """
    if prices is None:
        raise OptionError("prices are required for an economic optimum.")
    if isinstance(prices, Mapping):
        crop = prices.get("crop")
        if crop is None:
            raise OptionError(
                "prices lack the crop price: give crop=<price per unit of yield>, for example "
                "{'crop': 2.8, 'N': 6.25, ...}."
            )
        crop = positive_number(crop, "the crop price")
        missing = [n for n in nutrients if prices.get(n) is None]
        if missing:
            raise OptionError(
                f"prices lack a price for {', '.join(missing)}; the surface has rates of "
                f"{', '.join(nutrients)}, and every nutrient needs a price per unit of nutrient "
                f"(for example {missing[0]}=<price>)."
            )
        nutrient_prices = {
            n: positive_number(prices[n], f"the price of {n}", allow_zero=True) for n in nutrients
        }
        return crop, nutrient_prices, Unit("money per unit area of the data")
    if not all(hasattr(prices, a) for a in ("money_factors", "has")):
        raise OptionError(
            f"prices must be a fertopt.Prices or a mapping {{'crop': ..., 'N': ...}}, got "
            f"{type(prices).__name__}."
        )
    unknown = [n for n in nutrients if n not in _FORMS]
    if unknown:
        raise OptionError(
            f"the rates {', '.join(unknown)} are not named by a nutrient form (N, P2O5, K2O, P or "
            "K), so a Prices object cannot price them. Name the nutrients by their form, e.g. "
            "rates={'N': 'n_col', 'P2O5': 'p_col'}, or give prices as a mapping in the data's "
            "units."
        )
    missing = [n for n in nutrients if not prices.has(n)]
    if missing:
        have = ", ".join(getattr(prices, "forms", ())) or "none"
        raise OptionError(
            f"prices lack a price for {', '.join(missing)}; the surface has rates of "
            f"{', '.join(nutrients)} and these Prices give {have}. Add the missing price, e.g. "
            f"fo.Prices(crop=..., {', '.join(f'{m}=...' for m in missing)})."
        )
    units = dict(rate_units or {})
    declared = [n for n in nutrients if units.get(n) is not None]
    if (response_unit is None) != (not declared) or 0 < len(declared) < len(nutrients):
        lacking = ["the response"] if response_unit is None else []
        lacking += [n for n in nutrients if n not in declared]
        raise OptionError(
            f"Prices need the units of the response and of every rate, or none of them; missing "
            f"for {', '.join(lacking)}. Pass units={{'response': 't/ha', 'rates': 'kg/ha'}} to "
            "fit_surface (or read the data with fertopt.read_trials, which records them)."
        )
    value = 0.0
    costs: dict[str, float] = {}
    area = ""
    for n in nutrients:
        value, cost, area = prices.money_factors(
            n, response_unit=response_unit, rate_unit=units.get(n)
        )
        costs[n] = float(cost)
    currency = getattr(prices, "currency", "") or "money"
    money = Unit(f"{currency}/{area}" if area else f"{currency} per unit area of the data")
    return float(value), costs, money
