"""One audited claim, the verdict vocabulary, and what every check may read (:class:`Context`).

A check is a function ``(spec_part, context) -> list[Claim]``.  A :class:`Claim` carries its
texts in both languages (pairs ``(English, Chinese)`` built from ``_core/i18n`` keys by
:func:`both`), so an :class:`~fertopt.audit.AuditResult` shows in either language without
running the checks again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fertopt._core.i18n import label
from fertopt.audit.spec import Printed
from fertopt.exceptions import DataError, OptionError
from fertopt.units import MASS_KG, mass_unit, parse_unit, product_grade

__all__ = ["VERDICTS", "VERDICT_KEYS", "Claim", "Context", "both", "worst"]

#: The verdict vocabulary, best first, each with its i18n key.
VERDICTS: dict[str, str] = {
    "confirmed": "au_v_confirmed",
    "consistent within rounding": "au_v_consistent",
    "wrong": "au_v_wrong",
    "contradictory": "au_v_contradictory",
    "outside the tested range": "au_v_outside",
    "not supported by the design": "au_v_unsupported",
    "cannot be checked": "au_v_unchecked",
}
VERDICT_KEYS = tuple(VERDICTS)

_SEVERITY = {
    "confirmed": 0,
    "consistent within rounding": 1,
    "cannot be checked": 2,
    "outside the tested range": 3,
    "not supported by the design": 4,
    "contradictory": 5,
    "wrong": 6,
}


def worst(*verdicts: str) -> str:
    """The most serious of ``verdicts`` (wrong > contradictory > ... > confirmed)."""
    return max(verdicts, key=_SEVERITY.__getitem__)


def both(key: str, /, **fields: Any) -> tuple[str, str]:
    """The i18n sentence ``key`` in English and Chinese, with ``fields`` filled in.

    A field given as a pair ``(English, Chinese)`` is filled in language by language.
    """
    en = {k: v[0] if isinstance(v, tuple) else v for k, v in fields.items()}
    zh = {k: v[1] if isinstance(v, tuple) else v for k, v in fields.items()}
    return label(key, "en", **en), label(key, "zh", **zh)


@dataclass(frozen=True)
class Claim:
    """One printed claim and its verdict.

    Attributes
    ----------
    item : str
        Stable key of the claim (``"anova[0].F"``, ``"equation.P2O5.maximum.yield"``).
    topic : tuple of str
        The topic (English, Chinese).
    claim : tuple of str
        What the paper claims.
    paper_says : str
        The printed numbers or words, as printed.
    fertopt_finds : tuple of str
        What fertopt computes.
    verdict : str
        One of :data:`VERDICT_KEYS`.
    why : tuple of str
        The arithmetic behind the verdict.
    paper_value, fertopt_value : float
        The claim's printed number and fertopt's (NaN when there is none).
    low, high : float
        The interval the printed inputs' rounding allows for fertopt's value (NaN when no
        interval is computed).
    """

    item: str
    topic: tuple[str, str]
    claim: tuple[str, str]
    paper_says: str
    fertopt_finds: tuple[str, str]
    verdict: str
    why: tuple[str, str]
    paper_value: float = math.nan
    fertopt_value: float = math.nan
    low: float = math.nan
    high: float = math.nan

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:  # pragma: no cover - a check's own error
            raise ValueError(f"unknown verdict {self.verdict!r}")


def _rates_frame(treatments: list[dict]) -> pd.DataFrame:
    rows = {t["name"]: {k: float(v) for k, v in (t.get("rates") or {}).items()} for t in treatments}
    return pd.DataFrame.from_dict(rows, orient="index")


@dataclass
class Context:
    """What the checks share: the spec and the facts derived once from it.

    Attributes
    ----------
    spec : dict
        The validated spec (:func:`~fertopt.audit.spec.load_spec`).
    names : list of str
        Treatment names in the spec's order.
    rates : DataFrame
        Treatment × nutrient rates (empty when the spec gives none).
    means : dict
        Treatment → printed mean (:class:`~fertopt.audit.spec.Printed`), where printed.
    n : dict
        Treatment → observations per mean.
    details : dict
        Objects the checks built (response curves, surfaces, multiple comparisons), for the
        result's ``details``.
    """

    spec: dict
    names: list[str] = field(default_factory=list)
    rates: pd.DataFrame = field(default_factory=pd.DataFrame)
    means: dict[str, Printed] = field(default_factory=dict)
    n: dict[str, float] = field(default_factory=dict)
    names_zh: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_spec(cls, spec: dict) -> Context:
        design = spec.get("design") or {}
        treatments = design.get("treatments") or []
        reps = design.get("replicates")
        ctx = cls(spec=spec)
        ctx.names = [t["name"] for t in treatments]
        ctx.names_zh = {t["name"]: t["name_zh"] for t in treatments if t.get("name_zh")}
        ctx.rates = _rates_frame(treatments) if treatments else pd.DataFrame()
        ctx.means = {t["name"]: t["mean"] for t in treatments if t.get("mean") is not None}
        ctx.n = {
            t["name"]: float(t.get("n") or reps)
            for t in treatments
            if t.get("n") is not None or reps is not None
        }
        return ctx

    def show(self, name: Any) -> tuple[str, str]:
        """A treatment's name in English and Chinese (``name_zh`` where the spec gives one)."""
        return str(name), self.names_zh.get(str(name), str(name))

    def show_all(self, items: list[tuple[str, str]]) -> tuple[str, str]:
        """``"name value, ..."`` pairs in both languages (value already text)."""
        en = ", ".join(f"{self.show(n)[0]} {v}" for n, v in items)
        zh = ", ".join(f"{self.show(n)[1]} {v}" for n, v in items)
        return en, zh

    # -- design --------------------------------------------------------------
    @property
    def layout(self) -> str:
        return str(self.spec["design"].get("layout", "rcbd")).lower()

    @property
    def replicates(self) -> int | None:
        r = self.spec["design"].get("replicates")
        return None if r is None else int(r)

    def anova_df(self) -> tuple[int, int] | None:
        """Treatment and error df implied by the design (None when it says too little)."""
        t, r = len(self.names), self.replicates
        if t < 2 or r is None:
            return None
        if self.layout == "crd":
            return t - 1, t * (r - 1)
        if self.layout == "latin":
            return t - 1, (t - 1) * (t - 2)
        return t - 1, (t - 1) * (r - 1)

    def treatment_ms(self, means: dict[str, float] | None = None) -> float | None:
        """Treatment mean square r·Σ(mean − grand)²/(t − 1) from the means (equal n)."""
        means = self.means if means is None else means
        if len(means) < 2 or len(means) != len(self.names) or not self.n:
            return None
        ns = {self.n.get(k) for k in means}
        if None in ns or len(ns) != 1:
            return None
        values = [float(v) for v in means.values()]
        grand = sum(values) / len(values)
        return float(ns.pop()) * sum((v - grand) ** 2 for v in values) / (len(values) - 1)

    # -- prices --------------------------------------------------------------
    def grade(self, nutrient: str) -> float | None:
        """Nutrient fraction of the product priced for ``nutrient`` (None when unknown)."""
        prod = ((self.spec.get("prices") or {}).get("products") or {}).get(nutrient) or {}
        if prod.get("grade"):
            return float(prod["grade"])
        if prod.get("name"):
            try:
                return float(product_grade(prod["name"], nutrient))
            except OptionError as exc:
                raise DataError(f"audit spec: prices.products.{nutrient}.name: {exc}") from None
        return None

    def price_mass_factor(self, per_key: str, units_key: str) -> float:
        """Factor from a price per ``prices[per_key]`` mass to one per ``units[units_key]`` mass.

        Prices are per unit of the mass the spec's ``units`` use (the crop per the yield's
        mass, the nutrients per the rate's mass) unless ``prices.crop_per`` / ``prices.per``
        name another mass: a crop priced per kg with yields in t/ha is worth 1000 times that
        per t.
        """
        prices = self.spec.get("prices") or {}
        per = prices.get(per_key)
        if per is None:
            return 1.0
        unit = (self.spec.get("units") or {}).get(units_key, "kg/mu")
        try:
            per_mass = mass_unit(str(per), f"prices.{per_key}")
        except OptionError:
            raise DataError(
                f"audit spec: prices.{per_key} = {per!r} is not a known mass; write the mass "
                f"the printed price is per, one of {', '.join(MASS_KG)} (e.g. 'kg' for a "
                "price per kg)."
            ) from None
        try:
            to_mass = parse_unit(str(unit))[0]
        except OptionError as exc:
            raise DataError(f"audit spec: units.{units_key} = {unit!r}: {exc}") from None
        return MASS_KG[to_mass] / MASS_KG[per_mass]

    def yield_mass_kg(self) -> float | None:
        """Kilograms in the yields' mass unit (1000 for t/ha); None when it is unknown."""
        unit = (self.spec.get("units") or {}).get("yield", "kg/mu")
        try:
            return MASS_KG[parse_unit(str(unit))[0]]
        except OptionError:
            return None

    def nutrient_prices(self) -> dict[str, float]:
        """Price of each nutrient per unit of the rates' mass (per kg for rates in kg).

        ``prices.nutrients`` are per unit of nutrient, or per unit of product with
        ``basis: product`` (divided by the product's grade; a nutrient without a grade gets
        no price); ``prices.products`` with a price add the nutrients they price.
        ``prices.per`` names the mass they are per when it is not the rates' mass.
        """
        prices = self.spec.get("prices") or {}
        product_basis = str(prices.get("basis", "nutrient")) == "product"
        k = self.price_mass_factor("per", "rate")
        out: dict[str, float] = {}
        for nut, value in (prices.get("nutrients") or {}).items():
            if not product_basis:
                out[nut] = float(value) * k
            elif self.grade(nut):
                out[nut] = float(value) * k / float(self.grade(nut))
        for nut, prod in (prices.get("products") or {}).items():
            if prod.get("price") is not None and self.grade(nut):
                out.setdefault(nut, float(prod["price"]) * k / float(self.grade(nut)))
        return out

    def crop_price(self) -> float | None:
        """Crop price per unit of the yields' mass (per t for yields in t/ha).

        ``prices.crop_per`` names the mass the printed price is per when it is not the
        yields' mass (a price per kg with yields in t/ha is multiplied by 1000).
        """
        prices = self.spec.get("prices") or {}
        c = prices.get("crop")
        return None if c is None else float(c) * self.price_mass_factor("crop_per", "yield")

    def cost(self, treatment: str) -> float | None:
        """Fertilizer cost of ``treatment``: Σ rate × nutrient price (None when unpriced)."""
        if self.rates.empty or treatment not in self.rates.index:
            return None
        prices = self.nutrient_prices()
        total = 0.0
        for nut, rate in self.rates.loc[treatment].items():
            if pd.isna(rate) or rate == 0:
                continue
            if nut not in prices:
                return None
            total += float(rate) * prices[nut]
        return total

    def tested_range(self, nutrient: str) -> tuple[float, float] | None:
        if self.rates.empty or nutrient not in self.rates.columns:
            return None
        col = self.rates[nutrient].dropna()
        return (float(col.min()), float(col.max())) if len(col) else None
