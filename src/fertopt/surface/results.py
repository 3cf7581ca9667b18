"""Result objects of :mod:`fertopt.surface` and the arithmetic they share.

Holds the canonical-analysis, optimum, typicality and point results and their
text helpers (prices become numbers in :mod:`fertopt.economics.prices`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from fertopt._core.document import Facts, Notes, Paragraph, Summary, Table
from fertopt._core.formatting import ResultBase, format_number, p_phrase

__all__ = ["CanonicalResult", "SurfaceOptimum", "TypicalityResult", "SurfacePoint"]


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class CanonicalResult(ResultBase):
    """Canonical analysis of a second-order surface.

    Attributes
    ----------
    kind : {"maximum", "minimum", "saddle", "ridge"}
        Shape of the quadratic part, from the signs of its eigenvalues.
    has_maximum : bool
        Whether the surface has a finite maximum (a maximum, or a stationary ridge of maxima).
    stationary_point : dict or None
        Rates where the gradient is zero (``None`` for a rising ridge, which has none).
    stationary_yield : float or None
        Predicted response at the stationary point.
    inside : bool
        Whether the stationary point lies in the tested region.
    outside : tuple of str
        Why it is outside (for example ``"K2O = 21 is above the highest tested rate 19"``).
    eigen : DataFrame
        ``axis, eigenvalue, coded_eigenvalue`` and one eigenvector loading per nutrient
        (natural units of the working scale).
    scale : str
        ``"rate"``, or ``"square root of rate"`` for square-root surfaces.
    ridge : DataFrame or None
        Ridge analysis when the stationary point is not an interior maximum: ``radius``
        (coded units), one column per nutrient, ``predicted``, ``inside``.
    message : str
        The finding in plain words.
    """

    kind: str
    has_maximum: bool
    stationary_point: dict[str, float] | None
    stationary_yield: float | None
    inside: bool
    outside: tuple[str, ...]
    eigen: pd.DataFrame
    scale: str
    ridge: pd.DataFrame | None
    message: str
    warnings: tuple[str, ...] = ()

    def _headline(self) -> str:
        where = "inside" if self.inside else "outside"
        point = rates_text(self.stationary_point) if self.stationary_point else "none"
        return f"{self.kind} | stationary point {point} ({where} the tested region)"

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        facts = [
            ("Kind", self.kind),
            ("Finite maximum", "yes" if self.has_maximum else "no"),
            (
                "Stationary point",
                rates_text(self.stationary_point, digits) if self.stationary_point else "none",
            ),
            ("Response there", format_number(self.stationary_yield, digits)),
            ("In tested region", "yes" if self.inside else "no"),
        ]
        blocks: list[Any] = [Facts(facts), Paragraph(self.message)]
        if self.outside:
            blocks.append(Notes(list(self.outside), title="Outside the tested region"))
        blocks.append(
            Table(self.eigen, title=f"Eigen-analysis of the quadratic part ({self.scale})")
        )
        if self.ridge is not None:
            blocks.append(
                Table(
                    self.ridge, title="Ridge analysis (maximum on spheres around the design centre)"
                )
            )
        blocks.append(Notes(list(self.warnings)))
        return Summary("Canonical analysis", blocks, headline=self._headline(), digits=digits)


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class SurfaceOptimum(ResultBase):
    """Maximum yield or economic optimum of a surface, with its status.

    Attributes
    ----------
    kind : {"agronomic", "economic"}
        Highest response, or highest net return at the given prices.
    status : {"ok", "no_maximum", "saddle", "extrapolated", "at_bound"}
        ``ok``: an interior maximum of a surface that has one.  ``saddle``/``no_maximum``:
        the surface (or net return) has no maximum; ``rates`` is then only the best
        point within the bounds, decided by the bounds.  ``extrapolated``: the rates
        lie outside the tested region.  ``at_bound``: a bound binds (the optimum would
        lie beyond it).
    rates : dict or None
        The solution within the bounds (``None`` when unbounded and no maximum exists).
    yield_at_rates, net_return, fertilizer_cost : float or None
        Predicted response at ``rates``; for an economic optimum also the net return
        (施肥纯收益: value of the yield gain over no fertilizer minus the fertilizer
        cost, ``p_crop·(Ŷ(x) − Ŷ(0)) − Σ p_i x_i``, in money per area) and the
        fertilizer cost.
    extrapolated : bool
        Whether ``rates`` lie outside the tested region.
    recommended : bool
        True for ``ok`` and ``at_bound`` (a corner solution within the tested region: a
        nutrient that does not pay stays at 0, or one that still pays is held at the highest
        tested rate); ``saddle``, ``no_maximum`` and ``extrapolated`` are findings, not
        recommendations.
    binding : DataFrame
        ``nutrient, lower, upper, rate, at_bound`` (``"lower"``, ``"upper"`` or ``""``)
        and ``marginal``: the derivative of the objective with respect to the rate at
        the solution (response or money per unit of nutrient); positive at an upper
        bound means more of the nutrient would still pay.
    bounds : dict
        The bounds used (``None`` when unconstrained).
    unconstrained_rates, unconstrained_yield : dict or None, float or None
        The stationary point of the objective without bounds.
    unconstrained_kind : str or None
        ``maximum``, ``minimum``, ``saddle`` or ``ridge`` of the objective.
    unconstrained_inside : bool
        Whether the unconstrained solution lies in the tested region.
    crop_price, nutrient_prices, price_ratios : float, dict, dict
        Value of one unit of response, cost of one unit of each nutrient (both in
        ``net_return_unit``) and their ratio, the slope at which one more unit of nutrient
        just pays (yield units per rate unit); economic optima only.
    net_return_unit : str or None
        Money unit of ``net_return`` (``"yuan/mu"``), economic optima only.
    method : {"kkt_faces", "numeric"}
        Exact face enumeration for second-order objectives, numerical otherwise.
    message : str
        The finding in plain words.
    """

    kind: str
    status: str
    rates: dict[str, float] | None
    yield_at_rates: float | None
    net_return: float | None
    fertilizer_cost: float | None
    extrapolated: bool
    binding: pd.DataFrame
    bounds: dict[str, tuple[float, float]] | None
    unconstrained_rates: dict[str, float] | None
    unconstrained_yield: float | None
    unconstrained_kind: str | None
    unconstrained_inside: bool
    crop_price: float | None
    nutrient_prices: dict[str, float] | None
    price_ratios: dict[str, float] | None
    net_return_unit: str | None
    method: str
    message: str
    warnings: tuple[str, ...] = ()

    @property
    def recommended(self) -> bool:
        """Whether the rates can be used as a recommendation (``ok`` or ``at_bound``)."""
        return self.status in ("ok", "at_bound")

    def _headline(self) -> str:
        what = "maximum yield" if self.kind == "agronomic" else "economic optimum"
        rates = rates_text(self.rates) if self.rates else "none"
        value = "" if self.yield_at_rates is None else f" → {format_number(self.yield_at_rates, 5)}"
        return f"{what} {rates}{value} ({self.status})"

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        facts = [
            ("Status", self.status),
            ("Rates", rates_text(self.rates, digits) if self.rates else "none"),
            ("Response at rates", format_number(self.yield_at_rates, digits)),
        ]
        if self.kind == "economic":
            facts += [
                (
                    "Net return",
                    (
                        f"{format_number(self.net_return, digits)} {self.net_return_unit or ''}"
                    ).rstrip(),
                ),
                ("Fertilizer cost", format_number(self.fertilizer_cost, digits)),
                ("Crop price", format_number(self.crop_price, digits)),
                (
                    "Price ratios",
                    rates_text(self.price_ratios, digits) if self.price_ratios else "",
                ),
            ]
        facts += [
            (
                "Unconstrained solution",
                rates_text(self.unconstrained_rates, digits)
                if self.unconstrained_rates
                else "none",
            ),
            ("Unconstrained kind", self.unconstrained_kind or "none"),
            ("Unconstrained in tested region", "yes" if self.unconstrained_inside else "no"),
            ("Method", self.method),
        ]
        title = "Maximum yield" if self.kind == "agronomic" else "Economic optimum"
        blocks = [
            Facts(facts),
            Paragraph(self.message),
            Table(self.binding, title="Bounds"),
            Notes(list(self.warnings)),
        ]
        return Summary(title, blocks, headline=self._headline(), digits=digits)


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class TypicalityResult(ResultBase):
    """Typical/atypical verdict on a fertilizer-effect function (3414 practice).

    Attributes
    ----------
    typical : bool
        True when no deciding rule failed.
    verdict : {"typical", "atypical"}
    rules : DataFrame
        ``rule`` (1–5), ``name``, ``passed`` (True, False, or None when it could not be
        assessed), ``deciding`` (whether a failure makes the surface atypical) and
        ``detail`` (what was checked, with numbers).
    failed : tuple of str
        Names of the failed rules (deciding or not).
    """

    typical: bool
    verdict: str
    rules: pd.DataFrame
    failed: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    def _headline(self) -> str:
        return self.verdict + (f" (failed: {', '.join(self.failed)})" if self.failed else "")

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        return Summary(
            "Typicality",
            [
                Table(self.rules, formats={"passed": passed_text, "deciding": passed_text}),
                Notes(list(self.warnings)),
            ],
            headline=self._headline(),
            digits=digits,
        )


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class SurfacePoint(ResultBase):
    """One rate combination assessed on a surface.

    Attributes
    ----------
    rates : dict
    predicted : float
        Response predicted by the surface.
    inside : bool
        Whether the point lies in the tested region.
    violations : tuple of str
        Each rate outside the tested range, in words.
    marginal : dict
        Derivative of the response with respect to each rate (response per unit of nutrient).
    net_return : float or None
        Value of the yield gain over no fertilizer minus the fertilizer cost, with prices.
    marginal_net : dict or None
        Derivative of net return with respect to each rate (money per unit of nutrient).
    message : str
        Plain-words verdict: stationary or not, inside or not.
    """

    rates: dict[str, float]
    predicted: float
    inside: bool
    violations: tuple[str, ...]
    marginal: dict[str, float]
    net_return: float | None
    marginal_net: dict[str, float] | None
    message: str
    warnings: tuple[str, ...] = ()

    def _headline(self) -> str:
        where = "inside" if self.inside else "outside"
        return (
            f"{rates_text(self.rates)} → {format_number(self.predicted, 6)} "
            f"({where} the tested region)"
        )

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        facts = [
            ("Rates", rates_text(self.rates, digits)),
            ("Predicted", format_number(self.predicted, digits + 2)),
            ("In tested region", "yes" if self.inside else "no"),
            ("Marginal response", rates_text(self.marginal, digits)),
        ]
        if self.net_return is not None:
            facts += [
                ("Net return", format_number(self.net_return, digits + 2)),
                ("Marginal net return", rates_text(self.marginal_net, digits)),
            ]
        blocks = [
            Facts(facts),
            Paragraph(self.message),
            Notes(list(self.violations), title="Outside the tested region"),
        ]
        return Summary("Point on the surface", blocks, headline=self._headline(), digits=digits)


# ---------------------------------------------------------------------------
# text helpers, shared with the surface modules and three414
# ---------------------------------------------------------------------------
def p_text(p: float) -> str:
    """``'p = 0.012'`` or ``'p <0.0001'`` (the p-value as the summaries print it)."""
    return f"p {p_phrase(p)}"


def passed_text(value: Any) -> str:
    """``'yes'``, ``'no'`` or ``'not assessed'`` for a rule that passed, failed or was skipped."""
    return "not assessed" if value is None or value is pd.NA else ("yes" if value else "no")


def rates_text(rates: Mapping[str, float] | None, digits: int = 4) -> str:
    """``'N 120, P2O5 60'``: rates by nutrient with ``digits`` significant digits."""
    if not rates:
        return ""
    return ", ".join(f"{k} {format_number(v, digits)}" for k, v in rates.items())
