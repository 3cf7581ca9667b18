"""Price units: product against nutrient price, P against P2O5 (K against K2O), per mu against
per ha, a crop price per kg against yields in t.

When a printed economic optimum does not follow from the printed prices,
:func:`price_alternatives` tries the usual unit slips (a product price taken as a nutrient
price, an element price as an oxide price, rates per ha against yields per mu) and names the
one that reproduces the paper's rate.  :func:`check_prices` flags a price section whose
basis cannot be what the analysis needs (product prices without grades).
"""

from __future__ import annotations

from fertopt.audit.checks.registry import register
from fertopt.audit.checks.rounding import rounding_verdict
from fertopt.audit.claims import Claim, Context, both
from fertopt.audit.spec import Printed
from fertopt.units import nutrient_factor

__all__ = ["price_alternatives", "check_prices", "MU_PER_HA"]

#: One hectare is 15 mu.
MU_PER_HA = 15.0

_ELEMENT = {"P2O5": "P", "K2O": "K"}


def _slips(nutrient: str, ratio: float, ctx: Context) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    if nutrient in _ELEMENT:
        f = nutrient_factor(_ELEMENT[nutrient], nutrient)  # kg oxide per kg element
        out.append(("au_slip_element", ratio * f))
        out.append(("au_slip_oxide", ratio / f))
    grade = ctx.grade(nutrient)
    if grade:
        out.append(("au_slip_product", ratio * float(grade)))
    out.append(("au_slip_per_ha", ratio * MU_PER_HA))
    out.append(("au_slip_per_ha_rev", ratio / MU_PER_HA))
    kg = ctx.yield_mass_kg()
    if kg and kg != 1.0 and (ctx.spec.get("prices") or {}).get("crop_per") is None:
        # a crop price per kg transcribed with yields in t (or jin ...): the paper's ratio
        # is the one with the price per unit of the yields' mass
        out.append(("au_slip_crop_per_kg", ratio / kg))
    return out


def price_alternatives(
    printed_rate: float, a: float, b: float, nutrient: str, ratio: float, ctx: Context
) -> tuple[str, str]:
    """The unit slip that reproduces a printed optimum rate, as a sentence (or empty)."""
    claim = Printed(printed_rate, 2) if not isinstance(printed_rate, Printed) else printed_rate
    for key, r in _slips(nutrient, ratio, ctx):
        x = (r - b) / (2 * a)
        if rounding_verdict(claim, x, x, x) != "wrong":
            return both(key, r=f"{r:.4f}", x=f"{x:.3f}")
    return ("", "")


@register("prices", section="prices", order=60)
def check_prices(prices: dict, ctx: Context) -> list[Claim]:
    """A product-price basis without grades cannot be turned into nutrient prices."""
    out: list[Claim] = []
    if str(prices.get("basis", "nutrient")) == "product":
        for nut in prices.get("nutrients") or {}:
            if not ctx.grade(nut):
                out.append(
                    Claim(
                        item=f"prices.{nut}",
                        topic=both("au_topic_units"),
                        claim=both("au_price_claim", nut=nut),
                        paper_says=repr(prices["nutrients"][nut]),
                        fertopt_finds=both("au_unchecked"),
                        verdict="cannot be checked",
                        why=both("au_price_no_grade", nut=nut),
                    )
                )
    return out
