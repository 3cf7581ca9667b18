"""Units of field trials: areas (ha, mu, acre, plot), masses, nutrient forms.

Yields and rates are quantities per area, written ``"mass/area"``: ``"kg/ha"``,
``"t/ha"``, ``"kg/mu"``, ``"jin/mu"``, ``"lb/acre"`` or ``"kg/plot"`` (the
last needs the plot area in m²).  One mu (亩) is 1/15 ha = 666.67 m²; Chinese
papers round it to "667 m²".

Nutrient forms: phosphorus is given as P or P2O5, potassium as K or K2O; the
oxide/element factors are computed from standard atomic weights
(P2O5 = 2.2914 P, K2O = 1.2046 K).

Examples
--------
>>> from fertopt import units
>>> round(units.convert(3185.0, "kg/mu", "t/ha"), 4)
47.775
>>> round(units.convert(10.0, "kg/plot", "kg/mu", plot_area=20), 3)
333.333
>>> round(units.convert_nutrient(10.0, "P", "P2O5"), 3)
22.914
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from .exceptions import FertoptError

__all__ = [
    "AREA_M2",
    "MASS_KG",
    "NUTRIENT_FORMS",
    "parse_unit",
    "unit_factor",
    "convert",
    "nutrient_factor",
    "convert_nutrient",
]

#: Area units in square metres.
AREA_M2: dict[str, float] = {
    "m2": 1.0,
    "ha": 10_000.0,
    "mu": 10_000.0 / 15.0,
    "acre": 4046.8564224,
}

#: Mass units in kilograms.
MASS_KG: dict[str, float] = {
    "g": 1e-3,
    "kg": 1.0,
    "jin": 0.5,
    "q": 100.0,
    "t": 1000.0,
    "Mg": 1000.0,
    "lb": 0.45359237,
}

_ALIASES = {
    "亩": "mu",
    "公顷": "ha",
    "hm2": "ha",
    "m²": "m2",
    "斤": "jin",
    "公斤": "kg",
    "千克": "kg",
    "吨": "t",
    "ac": "acre",
    "acres": "acre",
    "tonne": "t",
    "ton": "t",
    "lbs": "lb",
    "quintal": "q",
    "小区": "plot",
}

# standard atomic weights (conventional values used for the 2.2914 and 1.2046 factors)
_ATOMIC = {"P": 30.973762, "K": 39.0983, "O": 15.9994, "N": 14.0067}
#: Element mass per unit of each nutrient form, e.g. P2O5 holds 0.4364 P.
NUTRIENT_FORMS: dict[str, tuple[str, float]] = {
    "N": ("N", 1.0),
    "P": ("P", 1.0),
    "P2O5": ("P", 2 * _ATOMIC["P"] / (2 * _ATOMIC["P"] + 5 * _ATOMIC["O"])),
    "K": ("K", 1.0),
    "K2O": ("K", 2 * _ATOMIC["K"] / (2 * _ATOMIC["K"] + _ATOMIC["O"])),
}


def _canonical(token: str) -> str:
    token = token.strip()
    return _ALIASES.get(token, _ALIASES.get(token.lower(), token))


def parse_unit(unit: str) -> tuple[str, str]:
    """Split ``"mass/area"`` into canonical mass and area names.

    Examples
    --------
    >>> parse_unit("kg/亩"), parse_unit("t / ha")
    (('kg', 'mu'), ('t', 'ha'))
    """
    if not isinstance(unit, str) or unit.count("/") != 1:
        raise FertoptError(
            f"unit {unit!r} is not of the form 'mass/area'; use for example 'kg/ha', "
            "'t/ha', 'kg/mu' or 'kg/plot'."
        )
    mass, area = (_canonical(t) for t in re.split(r"\s*/\s*", unit.strip()))
    if mass not in MASS_KG:
        mass_lower = {k.lower(): k for k in MASS_KG}
        mass = mass_lower.get(mass.lower(), mass)
    if mass not in MASS_KG:
        raise FertoptError(f"unknown mass unit {mass!r} in {unit!r}; use one of {', '.join(MASS_KG)}.")
    if area not in AREA_M2 and area != "plot":
        raise FertoptError(
            f"unknown area unit {area!r} in {unit!r}; use one of {', '.join(AREA_M2)} or 'plot'."
        )
    return mass, area


def unit_factor(from_unit: str, to_unit: str, *, plot_area: float | None = None) -> float:
    """Multiplier taking a value in ``from_unit`` to ``to_unit`` (both ``mass/area``).

    ``plot_area`` (m²) is needed when either unit is per plot.

    Examples
    --------
    >>> unit_factor("kg/mu", "kg/ha")
    15.0
    """
    m1, a1 = parse_unit(from_unit)
    m2, a2 = parse_unit(to_unit)
    areas = []
    for a in (a1, a2):
        if a == "plot":
            if plot_area is None:
                raise FertoptError(
                    "converting a per-plot value needs the plot area: pass plot_area= in m² "
                    "(for example plot_area=20 for a 20 m² plot)."
                )
            if not np.isfinite(plot_area) or plot_area <= 0:
                raise FertoptError(f"plot_area must be a positive area in m², got {plot_area!r}.")
            areas.append(float(plot_area))
        else:
            areas.append(AREA_M2[a])
    return (MASS_KG[m1] / MASS_KG[m2]) * (areas[1] / areas[0])


def convert(values: Any, from_unit: str, to_unit: str, *, plot_area: float | None = None) -> Any:
    """Convert yields or rates between per-area units (scalars, arrays or Series)."""
    return values * unit_factor(from_unit, to_unit, plot_area=plot_area)


def nutrient_factor(from_form: str, to_form: str) -> float:
    """Multiplier from one nutrient form to another (``"P"`` → ``"P2O5"`` is 2.2914).

    Examples
    --------
    >>> round(nutrient_factor("K", "K2O"), 4), round(nutrient_factor("P2O5", "P"), 4)
    (1.2046, 0.4364)
    """
    for form in (from_form, to_form):
        if form not in NUTRIENT_FORMS:
            raise FertoptError(
                f"unknown nutrient form {form!r}; use one of {', '.join(NUTRIENT_FORMS)}."
            )
    e1, f1 = NUTRIENT_FORMS[from_form]
    e2, f2 = NUTRIENT_FORMS[to_form]
    if e1 != e2:
        raise FertoptError(f"cannot convert {from_form} to {to_form}: they are different nutrients.")
    return f1 / f2


def convert_nutrient(values: Any, from_form: str, to_form: str) -> Any:
    """Convert amounts of a nutrient between element and oxide forms."""
    return values * nutrient_factor(from_form, to_form)
