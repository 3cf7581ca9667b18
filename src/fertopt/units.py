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

import dataclasses
import re
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from fertopt._core.document import Facts, Notes, Summary, Table
from fertopt.exceptions import OptionError, PriceWarning

__all__ = [
    "AREA_M2",
    "MASS_KG",
    "NUTRIENT_FORMS",
    "parse_unit",
    "column_units",
    "unit_factor",
    "convert",
    "nutrient_factor",
    "convert_nutrient",
    "PRODUCT_GRADES",
    "product_grade",
    "Prices",
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
        raise OptionError(
            f"unit {unit!r} is not of the form 'mass/area'; use for example 'kg/ha', "
            "'t/ha', 'kg/mu' or 'kg/plot'."
        )
    mass, area = (_canonical(t) for t in re.split(r"\s*/\s*", unit.strip()))
    if mass not in MASS_KG:
        mass_lower = {k.lower(): k for k in MASS_KG}
        mass = mass_lower.get(mass.lower(), mass)
    if mass not in MASS_KG:
        raise OptionError(
            f"unknown mass unit {mass!r} in {unit!r}; use one of {', '.join(MASS_KG)}."
        )
    if area not in AREA_M2 and area != "plot":
        raise OptionError(
            f"unknown area unit {area!r} in {unit!r}; use one of {', '.join(AREA_M2)} or 'plot'."
        )
    return mass, area


def column_units(frame: Any, units: Any, response: Any, rate: Any) -> tuple[str | None, str | None]:
    """Units of a response and a rate column: given in ``units=``, else read from the headers.

    ``units`` maps ``'response'``/``'rate'`` (or the column names) to a unit such as
    ``'t/ha'``; what it leaves out comes from the units :func:`fertopt.read_trials` recorded in
    ``frame.attrs``.  Each unit found is checked with :func:`parse_unit`.

    Examples
    --------
    >>> import pandas as pd
    >>> column_units(pd.DataFrame({"y": [1.0], "N": [0.0]}), {"response": "t/ha"}, "y", "N")
    ('t/ha', None)
    """
    declared = dict(frame.attrs.get("fertopt", {}).get("units", {}) or {})
    given = dict(units or {})
    for key in given:
        if key not in ("response", "rate", response, rate):
            raise OptionError(
                f"units= has an unknown key {key!r}; use 'response' and 'rate' (or the column "
                f"names {response!r}, {rate!r}), e.g. "
                "units={'response': 't/ha', 'rate': 'kg/ha'}."
            )
    out = []
    for role, col in (("response", response), ("rate", rate)):
        unit = given.get(role, given.get(col, declared.get(col)))
        if unit is not None:
            parse_unit(unit)
        out.append(unit)
    return out[0], out[1]


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
                raise OptionError(
                    "converting a per-plot value needs the plot area: pass plot_area= in m² "
                    "(for example plot_area=20 for a 20 m² plot)."
                )
            if not np.isfinite(plot_area) or plot_area <= 0:
                raise OptionError(f"plot_area must be a positive area in m², got {plot_area!r}.")
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
            raise OptionError(
                f"unknown nutrient form {form!r}; use one of {', '.join(NUTRIENT_FORMS)}."
            )
    e1, f1 = NUTRIENT_FORMS[from_form]
    e2, f2 = NUTRIENT_FORMS[to_form]
    if e1 != e2:
        raise OptionError(f"cannot convert {from_form} to {to_form}: they are different nutrients.")
    return f1 / f2


def convert_nutrient(values: Any, from_form: str, to_form: str) -> Any:
    """Convert amounts of a nutrient between element and oxide forms."""
    return values * nutrient_factor(from_form, to_form)


# ---------------------------------------------------------------------------
# prices
# ---------------------------------------------------------------------------
#: Nutrient grade of common single-nutrient products: ``name -> (form, mass fraction)``.
#: Grades of real bags vary (superphosphate is sold from 12 % to 20 % P2O5); when the bag
#: states a grade, pass it as a number instead of the product name.
PRODUCT_GRADES: dict[str, tuple[str, float]] = {
    "urea": ("N", 0.46),
    "ammonium nitrate": ("N", 0.34),
    "calcium ammonium nitrate": ("N", 0.27),
    "ammonium sulphate": ("N", 0.21),
    "ammonium bicarbonate": ("N", 0.17),
    "anhydrous ammonia": ("N", 0.82),
    "uan28": ("N", 0.28),
    "uan32": ("N", 0.32),
    "single superphosphate": ("P2O5", 0.16),
    "triple superphosphate": ("P2O5", 0.46),
    "calcium magnesium phosphate": ("P2O5", 0.12),
    "potassium chloride": ("K2O", 0.60),
    "potassium sulphate": ("K2O", 0.50),
}

_PRODUCT_ALIASES = {
    "尿素": "urea",
    "ammonium sulfate": "ammonium sulphate",
    "硫酸铵": "ammonium sulphate",
    "硫铵": "ammonium sulphate",
    "碳铵": "ammonium bicarbonate",
    "碳酸氢铵": "ammonium bicarbonate",
    "硝酸铵": "ammonium nitrate",
    "can": "calcium ammonium nitrate",
    "aa": "anhydrous ammonia",
    "ssp": "single superphosphate",
    "superphosphate": "single superphosphate",
    "过磷酸钙": "single superphosphate",
    "普钙": "single superphosphate",
    "tsp": "triple superphosphate",
    "重过磷酸钙": "triple superphosphate",
    "重钙": "triple superphosphate",
    "钙镁磷肥": "calcium magnesium phosphate",
    "fused calcium magnesium phosphate": "calcium magnesium phosphate",
    "kcl": "potassium chloride",
    "muriate of potash": "potassium chloride",
    "mop": "potassium chloride",
    "氯化钾": "potassium chloride",
    "potassium sulfate": "potassium sulphate",
    "sop": "potassium sulphate",
    "硫酸钾": "potassium sulphate",
}

_PRICE_FORMS = ("N", "P2O5", "K2O", "P", "K")

# Below this fraction of the median price of the other nutrients, a nutrient price looks
# like the price of a product rather than of the nutrient (urea costs about 0.46 of N,
# superphosphate about 0.12-0.2 of P2O5, potassium chloride about 0.6 of K2O).
_PRODUCT_PRICE_SUSPECT = 0.35


def mass_unit(unit: Any, name: str) -> str:
    """The canonical spelling of a mass unit (``'kg'``, ``'t'`` …), read case-insensitively.

    Raises
    ------
    OptionError
        ``unit`` is not a string or not a known mass unit; the message names ``name``.
    """
    if not isinstance(unit, str):
        raise OptionError(f"{name} must be a mass unit such as 'kg' or 't', got {unit!r}.")
    canon = _canonical(unit)
    lower = {k.lower(): k for k in MASS_KG}
    canon = canon if canon in MASS_KG else lower.get(canon.lower(), canon)
    if canon not in MASS_KG:
        raise OptionError(
            f"{name}={unit!r} is not a known mass unit; use one of {', '.join(MASS_KG)} "
            "(the price is per this mass, e.g. crop_unit='t' for a price per tonne)."
        )
    return canon


def _positive_price(value: Any, name: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise OptionError(f"price {name} must be a positive number, got {value!r}.") from None
    if not np.isfinite(x) or x <= 0:
        hint = (
            " For the rate of maximum yield leave the prices out: fit.optimum()."
            if name != "crop"
            else ""
        )
        raise OptionError(f"price {name} must be a positive number, got {value!r}.{hint}")
    return x


def _product_key(name: str) -> str:
    key = name.strip().lower()
    return _PRODUCT_ALIASES.get(key, key)


def product_grade(product: Any, form: str) -> float:
    """Mass fraction of nutrient ``form`` in a product given by name or grade.

    ``product`` is a name from :data:`PRODUCT_GRADES` (English or Chinese, e.g.
    ``"urea"``, ``"尿素"``, ``"KCl"``) or a grade: a fraction (0.46) or a
    percentage (46).

    Examples
    --------
    >>> product_grade("urea", "N"), product_grade("硫酸钾", "K2O"), product_grade(46, "N")
    (0.46, 0.5, 0.46)
    """
    if isinstance(product, str):
        key = _product_key(product)
        if key not in PRODUCT_GRADES:
            raise OptionError(
                f"unknown fertilizer product {product!r}; give its grade as a number instead "
                f"(e.g. 0.46 or 46 for 46 % {form}), or use one of: "
                f"{', '.join(PRODUCT_GRADES)}."
            )
        prod_form, grade = PRODUCT_GRADES[key]
        if prod_form != form:
            raise OptionError(
                f"{product!r} supplies {prod_form}, not {form}; give it for {prod_form} "
                f"(e.g. {prod_form}=(price, {product!r}))."
            )
        return grade
    try:
        grade = float(product)
    except (TypeError, ValueError):
        raise OptionError(f"a product grade must be a name or a number, got {product!r}.") from None
    if not np.isfinite(grade) or grade <= 0 or grade > 100:
        raise OptionError(
            f"product grade {product!r} is not a fraction in (0, 1] or a percentage in (1, 100]."
        )
    return grade / 100.0 if grade > 1 else grade


@dataclass(frozen=True, repr=False)
class Prices:
    """Crop and nutrient prices with their units: the economics of a response curve.

    A small immutable value.  Nutrient prices are **per unit mass of the
    nutrient** in the form named (N, P2O5, K2O, or the elements P and K); use
    :meth:`from_products` to convert the price of a product (urea, potassium
    chloride …) through its grade.  The same object serves single-nutrient
    optima, N-P-K surfaces, omission-plot economics and batch runs.

    Parameters
    ----------
    crop : float
        Price of the harvested product per ``crop_unit`` (e.g. 2.8 yuan/kg).
    N, P2O5, K2O : float, optional
        Nutrient prices per ``nutrient_unit`` of N, P2O5 and K2O.
    P, K : float, optional
        Prices per unit of elemental P or K (give either ``P`` or ``P2O5``, not both).
    currency : str, optional
        A label only (``"yuan"``, ``"USD"``, ``"EUR"``); no exchange rates.
    crop_unit, nutrient_unit : str, default ``"kg"``
        Mass units the prices are per: ``"kg"``, ``"t"`` (= ``"Mg"``), ``"jin"``,
        ``"lb"``, ``"q"``, ``"g"``.
    area : {'ha', 'mu', 'acre', 'm2'}, optional
        Area basis on which net returns are reported (per ha, per mu …).  By
        default the area of the yield unit of the data.
    sources : tuple of str, optional
        Provenance notes, filled in by :meth:`from_products`.

    Attributes
    ----------
    forms : tuple of str
        The nutrient forms that have a price.

    Raises
    ------
    OptionError
        A price that is not a positive number, an unknown unit, or both ``P``
        and ``P2O5`` (or ``K`` and ``K2O``) given.

    Warns
    -----
    PriceWarning
        A nutrient price below 35 % of the median price of the other nutrients
        given: it looks like the price of a product (urea, superphosphate)
        entered as the price of the nutrient, which inflates the economic
        optimum by the inverse of the grade.

    Notes
    -----
    The price ratio applied to a response curve is

    .. math:: r = \\frac{P_x\\,/\\,\\text{kg nutrient}}{P_y\\,/\\,\\text{kg crop}}
              \\cdot \\frac{k_x}{k_y}

    where :math:`k_x` and :math:`k_y` convert the data's rate and yield units to
    kg/ha (:meth:`ratio`); it is the slope of the yield curve at the economic
    optimum, in yield units per rate unit.  Oxide/element factors are those of
    :data:`NUTRIENT_FORMS` (P2O5 = 2.2914 P, K2O = 1.2046 K), so a price per kg
    P is 2.2914 times the price per kg P2O5.

    Examples
    --------
    >>> import fertopt as fo
    >>> p = fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4, currency="yuan")
    >>> p
    Prices(crop 2.8 yuan/kg; N 6.25, P2O5 4.67, K2O 10.4 yuan/kg)
    >>> round(p.ratio("P2O5"), 4)          # kg crop per kg P2O5
    1.6679
    >>> round(p.nutrient_price("P"), 3)    # the same price per kg elemental P
    10.701
    >>> wheat = fo.Prices(crop=110, crop_unit="t", N=0.60, currency="EUR")
    >>> round(wheat.ratio("N", response_unit="t/ha", rate_unit="kg/ha"), 6)   # t grain per kg N
    0.005455
    >>> fo.Prices.from_products(crop=0.157, N=(0.405, "urea")).nutrient_price("N")
    0.8804347826086957
    """

    crop: float
    N: float | None = None
    P2O5: float | None = None
    K2O: float | None = None
    P: float | None = None
    K: float | None = None
    currency: str = ""
    crop_unit: str = "kg"
    nutrient_unit: str = "kg"
    area: str | None = None
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "crop", _positive_price(self.crop, "crop"))
        for form in _PRICE_FORMS:
            value = getattr(self, form)
            if value is not None:
                set_(self, form, _positive_price(value, form))
        if self.P is not None and self.P2O5 is not None:
            raise OptionError(
                "give the phosphorus price once: either P= (per kg P) or P2O5= (per kg P2O5), "
                "not both; fertopt converts between them (P2O5 = 2.2914 P)."
            )
        if self.K is not None and self.K2O is not None:
            raise OptionError(
                "give the potassium price once: either K= (per kg K) or K2O= (per kg K2O), "
                "not both; fertopt converts between them (K2O = 1.2046 K)."
            )
        set_(self, "crop_unit", mass_unit(self.crop_unit, "crop_unit"))
        set_(self, "nutrient_unit", mass_unit(self.nutrient_unit, "nutrient_unit"))
        if self.area is not None:
            area = _canonical(str(self.area))
            if area not in AREA_M2:
                raise OptionError(
                    f"area={self.area!r} is not a known area unit; use one of {', '.join(AREA_M2)}."
                )
            set_(self, "area", area)
        if not isinstance(self.currency, str):
            raise OptionError(
                f"currency must be a text label such as 'yuan', got {self.currency!r}."
            )
        set_(self, "sources", tuple(str(s) for s in self.sources))
        self._check_product_prices()

    # -- construction ------------------------------------------------------
    @classmethod
    def from_products(
        cls,
        crop: float,
        *,
        N: tuple[float, Any] | None = None,
        P2O5: tuple[float, Any] | None = None,
        K2O: tuple[float, Any] | None = None,
        **options: Any,
    ) -> Prices:
        """Prices from product prices and grades: ``N=(2.2, "urea")`` → 4.78 per kg N.

        Parameters
        ----------
        crop : float
            Crop price per ``crop_unit``.
        N, P2O5, K2O : (price, product) tuples, optional
            Product price per ``nutrient_unit`` of product, and the product's
            name (see :data:`PRODUCT_GRADES`) or its grade for that nutrient
            form (0.46 or 46 for 46 %).
        **options
            ``currency``, ``crop_unit``, ``nutrient_unit``, ``area``.

        Returns
        -------
        Prices
            Nutrient prices = product price / grade; ``sources`` records each
            conversion.

        Examples
        --------
        >>> import fertopt as fo
        >>> p = fo.Prices.from_products(crop=2.8, N=(2.2, "尿素"),
        ...                             K2O=(3.6, "potassium sulphate"))
        >>> round(p.N, 4), round(p.K2O, 2)
        (4.7826, 7.2)
        >>> p.sources[0]
        'N: 2.2 per kg of urea at 46 % N'
        """
        prices: dict[str, float] = {}
        sources = []
        for form, given in (("N", N), ("P2O5", P2O5), ("K2O", K2O)):
            if given is None:
                continue
            if not isinstance(given, (tuple, list)) or len(given) != 2:
                raise OptionError(
                    f"{form}= must be a pair (product price, product name or grade), for "
                    f"example {form}=(2.2, 'urea') or {form}=(2.2, 0.46); got {given!r}."
                )
            price, product = given
            price = _positive_price(price, f"{form} product")
            grade = product_grade(product, form)
            prices[form] = price / grade
            unit = mass_unit(options.get("nutrient_unit", "kg"), "nutrient_unit")
            name = _product_key(product) if isinstance(product, str) else "product"
            sources.append(f"{form}: {price:g} per {unit} of {name} at {grade * 100:g} % {form}")
        return cls(crop=crop, **prices, sources=tuple(sources), **options)

    def replace(self, **changes: Any) -> Prices:
        """A copy with some fields changed (``prices.replace(crop=3.0)``)."""
        return dataclasses.replace(self, **changes)

    # -- values ------------------------------------------------------------
    @property
    def forms(self) -> tuple[str, ...]:
        """Nutrient forms that have a price, in the order N, P2O5, K2O, P, K."""
        return tuple(f for f in _PRICE_FORMS if getattr(self, f) is not None)

    @property
    def crop_per_kg(self) -> float:
        """Crop price per kg of crop."""
        return self.crop / MASS_KG[self.crop_unit]

    def has(self, form: str) -> bool:
        """Whether a price is known for nutrient ``form`` (directly or by conversion)."""
        if form not in NUTRIENT_FORMS:
            return False
        element = NUTRIENT_FORMS[form][0]
        return any(NUTRIENT_FORMS[f][0] == element for f in self.forms)

    def nutrient_price(self, form: str) -> float:
        """Price per kg of nutrient ``form`` (``"N"``, ``"P2O5"``, ``"P"``, ``"K2O"``, ``"K"``).

        A price given for P2O5 is converted for P and the other way round
        (likewise K2O and K).

        Raises
        ------
        OptionError
            If no price was given for that nutrient.
        """
        if form not in NUTRIENT_FORMS:
            raise OptionError(
                f"unknown nutrient form {form!r}; use one of {', '.join(NUTRIENT_FORMS)}."
            )
        element = NUTRIENT_FORMS[form][0]
        for given in self.forms:
            if NUTRIENT_FORMS[given][0] == element:
                per_unit_given = getattr(self, given) / MASS_KG[self.nutrient_unit]
                # 1 kg of `form` holds nutrient_factor(form, given) kg of `given`
                return per_unit_given * nutrient_factor(form, given)
        have = ", ".join(self.forms) or "none"
        raise OptionError(
            f"no price for {form}: these Prices give {have}. Add it, e.g. "
            f"Prices(crop={self.crop:g}, {form}=...)."
        )

    def money_factors(
        self, form: str, *, response_unit: str | None = None, rate_unit: str | None = None
    ) -> tuple[float, float, str]:
        """Money per unit of yield and per unit of rate, on the reporting area.

        The net return of a rate ``x`` with yield gain ``ΔY`` (both in the data's
        units) is ``value · ΔY − cost · x`` in currency per ``area``.

        Parameters
        ----------
        form : str
            Nutrient form of the rate (``"N"``, ``"P2O5"``, ``"P"`` …).
        response_unit, rate_unit : str, optional
            Units of the yield and rate columns (``"t/ha"``, ``"kg/mu"``).  Give
            both or neither; without them yield and rate are taken as kg per
            the same area.

        Returns
        -------
        value : float
            Money per yield unit.
        cost : float
            Money per rate unit.
        area : str
            Area the money is per: ``area`` if set, else the area of the yield
            unit (``""`` when no units were given and ``area`` is not set).

        Raises
        ------
        OptionError
            Only one of the units given; yields or rates per plot; no price for ``form``.

        Examples
        --------
        >>> p = Prices(crop=110, crop_unit="t", N=0.60, area="mu")
        >>> value, cost, area = p.money_factors("N", response_unit="t/ha", rate_unit="kg/ha")
        >>> round(value, 4), round(cost, 4), area      # 110/t and 0.60/kg, per mu = ha/15
        (7.3333, 0.04, 'mu')
        """
        px = self.nutrient_price(form)
        py = self.crop_per_kg
        if response_unit is None and rate_unit is None:
            return py, px, self.area or ""
        if response_unit is None or rate_unit is None:
            raise OptionError(
                "give both response_unit and rate_unit (for example 't/ha' and 'kg/ha'), or "
                "neither when yield and rate are both in kg per the same area."
            )
        for unit in (response_unit, rate_unit):
            if parse_unit(unit)[1] == "plot":
                raise OptionError(
                    f"prices need yields and rates per area, not {unit!r}; convert them first "
                    "(read_trials(..., convert={'yield': 'kg/ha'}, plot_area=...))."
                )
        area = self.area or parse_unit(response_unit)[1]
        to_area = AREA_M2[area] / AREA_M2["ha"]
        k_y = unit_factor(response_unit, "kg/ha")
        k_x = unit_factor(rate_unit, "kg/ha")
        return py * k_y * to_area, px * k_x * to_area, area

    def ratio(
        self, form: str, *, response_unit: str | None = None, rate_unit: str | None = None
    ) -> float:
        """Price ratio nutrient : crop in the data's units (yield units per rate unit).

        Parameters
        ----------
        form : str
            Nutrient form of the rate (``"N"``, ``"P2O5"``, ``"P"`` …).
        response_unit, rate_unit : str, optional
            Units of the yield and rate columns, ``"mass/area"`` (``"t/ha"``,
            ``"kg/mu"``).  Give both or neither; without them the ratio is
            kg crop per kg nutrient, which is right when yield and rate are both
            in kg per the same area.

        Returns
        -------
        float
            The slope ``dY/dx`` at which one more unit of nutrient just pays.

        Examples
        --------
        >>> p = Prices(crop=0.157, N=0.88)
        >>> round(p.ratio("N"), 4), round(p.ratio("N", response_unit="t/ha", rate_unit="kg/ha"), 7)
        (5.6051, 0.0056051)
        """
        value, cost, _ = self.money_factors(form, response_unit=response_unit, rate_unit=rate_unit)
        return cost / value

    def return_factor(self, response_unit: str | None = None) -> tuple[float, str]:
        """Crop value of one yield unit on the reporting area, and that area.

        Returns ``(factor, area)``: a yield difference in ``response_unit`` times
        ``factor`` is money per ``area`` (``area`` if set, else the area of the
        yield unit).  Without a unit the yield is taken as kg per the reporting
        area.  The same value as the first item of :meth:`money_factors`.

        Examples
        --------
        >>> Prices(crop=110, crop_unit="t", N=0.6, area="mu").return_factor("t/ha")
        (7.333333333333333, 'mu')
        """
        if response_unit is None:
            return self.crop_per_kg, self.area or ""
        mass, area = parse_unit(response_unit)
        if area == "plot":
            raise OptionError(
                f"prices need yields per area, not {response_unit!r}; convert them first "
                "(read_trials(..., convert={'yield': 'kg/ha'}, plot_area=...))."
            )
        target = self.area or area
        per_unit = self.crop_per_kg * MASS_KG[mass]  # money per response mass unit
        return per_unit * AREA_M2[target] / AREA_M2[area], target

    # -- checks and display -------------------------------------------------
    def _check_product_prices(self) -> None:
        per_kg = {f: self.nutrient_price(f) for f in ("N", "P2O5", "K2O") if self.has(f)}
        if len(per_kg) < 2:
            return
        for form, price in per_kg.items():
            others = [v for k, v in per_kg.items() if k != form]
            reference = float(np.median(others))
            if price < _PRODUCT_PRICE_SUSPECT * reference:
                typical = {
                    "N": "urea, 46 % N",
                    "P2O5": "superphosphate or calcium magnesium phosphate, 12-16 % P2O5",
                    "K2O": "potassium chloride, 60 % K2O",
                }[form]
                msg = (
                    f"the {form} price {price:g} per kg is less than "
                    f"{_PRODUCT_PRICE_SUSPECT:.0%} of the other nutrients' price "
                    f"({reference:g} per kg): it looks like the price of a product "
                    f"({typical}) rather than of the nutrient {form}. A product price used "
                    "as a nutrient price inflates the economic optimum. Divide the product "
                    f"price by its grade, or use Prices.from_products({form}=(price, product))."
                )
                warnings.warn(msg, PriceWarning, stacklevel=4)

    def _price_items(self) -> list[str]:
        unit = self.nutrient_unit
        cur = f"{self.currency}/" if self.currency else "/"
        return [f"{f} {getattr(self, f):g}" for f in self.forms] + [f"{cur}{unit}"]

    def __repr__(self) -> str:
        cur = f"{self.currency}/" if self.currency else "/"
        crop = f"crop {self.crop:g} {cur}{self.crop_unit}"
        if not self.forms:
            return f"Prices({crop})"
        nutrients = ", ".join(f"{f} {getattr(self, f):g}" for f in self.forms)
        return f"Prices({crop}; {nutrients} {cur}{self.nutrient_unit})"

    def summary(self, digits: int = 4) -> Any:
        """Table of the prices per kg and the price ratios (kg crop per kg nutrient)."""
        import pandas as pd

        rows = []
        for form in ("N", "P2O5", "K2O", "P", "K"):
            if self.has(form):
                rows.append(
                    {
                        "nutrient": form,
                        "price_per_kg": self.nutrient_price(form),
                        "ratio": self.ratio(form),
                        "given": form in self.forms,
                    }
                )
        frame = pd.DataFrame(rows, columns=["nutrient", "price_per_kg", "ratio", "given"])
        cur = self.currency or "money"
        facts = [("Crop price", f"{self.crop:g} {cur} per {self.crop_unit}")]
        if self.area:
            facts.append(("Returns reported per", self.area))
        return Summary(
            "Prices",
            [
                Facts(facts),
                Table(
                    frame,
                    labels={
                        "price_per_kg": f"{cur} per kg",
                        "ratio": "kg crop per kg nutrient",
                    },
                ),
                Notes(list(self.sources), title="Converted from products"),
            ],
            headline=repr(self),
            digits=digits,
        )

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def to_dict(self) -> dict[str, Any]:
        """Fields as a JSON-safe dict."""
        return {
            f.name: getattr(self, f.name) if f.name != "sources" else list(self.sources)
            for f in dataclasses.fields(self)
        }
