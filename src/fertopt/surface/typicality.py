"""Typical or atypical: the five rules of 3414 practice applied to a fitted surface.

A fertilizer-effect function is *typical* when it can give a recommendation:
the regression is significant, the surface bends down (a maximum exists), its
optimum lies within the tested rates and yields more than no fertilizer.  The
sign pattern of the coefficients is reported too, but with product terms it
does not decide the shape, so it decides the verdict only on request.  Every
rule is reported with its numbers, passed or not.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.formatting import format_number
from fertopt._core.validation import check_probability, positive_number
from fertopt.economics.prices import resolve_surface_prices
from fertopt.exceptions import DesignError, ExtrapolationWarning
from fertopt.surface.protocol import FittedSurface
from fertopt.surface.region import TOL
from fertopt.surface.results import SurfaceOptimum, TypicalityResult, p_text, rates_text

__all__ = ["typicality"]

_NO_MAXIMUM = "not assessed: the surface has no maximum (rule 3)"


def typicality(
    surf: FittedSurface, *, prices: Any, alpha: float, strict_signs: bool, ck_yield: float | None
) -> TypicalityResult:
    """:meth:`SurfaceFit.typicality <fertopt.surface.SurfaceFit.typicality>`."""
    alpha = check_probability(alpha, "alpha")
    if len(surf.anova) and surf.df_resid == 0:
        raise DesignError(
            "no typicality verdict: the surface interpolates the data exactly (as many "
            "coefficients as degrees of freedom, none left for the error), so neither its "
            "regression F test nor its shape can be judged. Replicate the treatments, add rate "
            "combinations, or fit fewer terms (terms='stepwise')."
        )
    rules = [_significance(surf, alpha), _signs(surf, bool(strict_signs))]
    curvature, neg_def, maximum = _curvature(surf)
    rules.append(curvature)
    points: list[tuple[str, dict[str, float] | None, float | None]] = []
    if maximum is not None:
        points.append(("stationary point", maximum.rates, maximum.yield_at_rates))
    if prices is not None and neg_def:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExtrapolationWarning)
            econ = surf.optimum(prices=prices, bounds=None)
        points.append(("economic optimum", econ.rates, econ.yield_at_rates))
    elif prices is not None:  # refuse bad prices even when there is no optimum to price
        resolve_surface_prices(prices, surf.nutrients, surf.response_unit, surf.rate_units)
    if not neg_def:
        rules.append(_rule(4, "optimum in (0, top rate]", None, True, _NO_MAXIMUM))
        rules.append(_rule(5, "optimum yield above CK", None, True, _NO_MAXIMUM))
    else:
        rules.append(_within_rates(surf, points))
        rules.append(_above_ck(surf, points[-1], ck_yield))
    table = pd.DataFrame(rules, columns=["rule", "name", "passed", "deciding", "detail"])
    table = table.sort_values("rule", kind="stable").reset_index(drop=True)
    table["passed"] = table["passed"].astype(object)
    failed = tuple(r["name"] for r in rules if r["passed"] is False)
    deciding_failed = any(r["passed"] is False and r["deciding"] for r in rules)
    notes = []
    if any(r["passed"] is None and r["rule"] == 1 for r in rules):
        notes.append("Regression significance was not assessed (no ANOVA).")
    if any(r["passed"] is False and not r["deciding"] for r in rules):
        notes.append(
            "The sign pattern failed; with product terms this alone does not decide the shape."
        )
    typical = not deciding_failed and bool(neg_def)
    return TypicalityResult(
        typical=typical,
        verdict="typical" if typical else "atypical",
        rules=table,
        failed=failed,
        warnings=tuple(notes),
    )


def _rule(no: int, name: str, passed: bool | None, deciding: bool, detail: str) -> dict[str, Any]:
    return {"rule": no, "name": name, "passed": passed, "deciding": deciding, "detail": detail}


def _significance(surf: FittedSurface, alpha: float) -> dict[str, Any]:
    """Rule 1: the regression F test of the ANOVA at ``alpha``."""
    reg = surf.anova[surf.anova["source"] == "regression"] if len(surf.anova) else surf.anova
    if len(reg) and np.isfinite(reg["p"].iloc[0]):
        p = float(reg["p"].iloc[0])
        return _rule(
            1,
            "regression significant",
            p < alpha,
            True,
            f"F({int(reg['df'].iloc[0])}, {surf.df_resid}) = {format_number(reg['f'].iloc[0], 4)}, "
            f"{p_text(p)} ({'<' if p < alpha else '≥'} {alpha:g})",
        )
    return _rule(
        1,
        "regression significant",
        None,
        True,
        "not assessed: no ANOVA (a published equation or no residual degrees of freedom)",
    )


def _signs(surf: FittedSurface, strict_signs: bool) -> dict[str, Any]:
    """Rule 2: linear (or square-root) terms > 0, squared (or linear) terms < 0."""
    params = surf.estimates
    bad = []
    for n, r in zip(surf.nutrients, surf.poly.root, strict=True):
        lin, sq = (f"sqrt({n})", n) if r else (n, f"{n}^2")
        b, c = params.get(lin, 0.0), params.get(sq, 0.0)
        if not b > 0:
            bad.append(
                f"{lin} = {format_number(b, 4)} (not > 0)" if lin in params else f"no {lin} term"
            )
        if not c < 0:
            bad.append(
                f"{sq} = {format_number(c, 4)} (not < 0)" if sq in params else f"no {sq} term"
            )
    return _rule(
        2,
        "sign pattern",
        not bad,
        strict_signs,
        "linear terms > 0 and squared terms < 0" if not bad else "; ".join(bad),
    )


def _curvature(surf: FittedSurface) -> tuple[dict[str, Any], bool, SurfaceOptimum | None]:
    """Rule 3: the quadratic part is negative definite; with the unconstrained maximum if so."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExtrapolationWarning)
        if surf.second_order:
            _c0, _g, h = surf.poly.quadratic_form()
            lam = np.linalg.eigvalsh(h)
            neg_def = bool(np.all(lam < 0))
            rule = _rule(
                3,
                "negative definite",
                neg_def,
                True,
                "eigenvalues of the quadratic part: " + ", ".join(format_number(v, 4) for v in lam),
            )
            return rule, neg_def, surf.maximum(bounds=None) if neg_def else None
        maximum = surf.maximum(bounds=None)
        neg_def = maximum.unconstrained_kind == "maximum"
        rule = _rule(
            3,
            "negative definite",
            neg_def,
            True,
            "surface above second order: the stationary point is a local "
            f"{maximum.unconstrained_kind or 'none (not found)'}",
        )
        return rule, neg_def, maximum if neg_def else None


def _within_rates(
    surf: FittedSurface, points: list[tuple[str, dict[str, float] | None, float | None]]
) -> dict[str, Any]:
    """Rule 4: the stationary point and the economic optimum lie in (0, highest tested rate]."""
    issues = []
    for label, rates, _ in points:
        if rates is None:
            issues.append(f"{label}: none exists")
            continue
        for n, v in rates.items():
            top = surf.bounds[n][1] if surf.bounds else math.inf
            if not v > 0:
                issues.append(f"{label}: {n} = {format_number(v, 4)} ≤ 0")
            elif v > top * (1 + TOL):
                issues.append(
                    f"{label}: {n} = {format_number(v, 4)} > top tested rate "
                    f"{format_number(top, 6)}"
                )
    return _rule(
        4,
        "optimum in (0, top rate]",
        not issues,
        True,
        "; ".join(issues)
        if issues
        else "; ".join(f"{lab}: {rates_text(r)}" for lab, r, _ in points),
    )


def _above_ck(
    surf: FittedSurface,
    point: tuple[str, dict[str, float] | None, float | None],
    ck_yield: float | None,
) -> dict[str, Any]:
    """Rule 5: the yield at the optimum exceeds the no-fertilizer (CK) yield."""
    label, _rates, y_opt = point
    if ck_yield is not None:
        ck, ck_source = positive_number(ck_yield, "ck_yield", allow_zero=True), "given"
    elif surf.ck_yield is not None:
        ck, ck_source = surf.ck_yield, surf.ck_source
    else:
        ck, ck_source = surf.zero_yield, "predicted"
    if y_opt is None:
        return _rule(5, "optimum yield above CK", False, True, f"{label}: none exists")
    ok = y_opt > ck
    return _rule(
        5,
        "optimum yield above CK",
        ok,
        True,
        f"{label} yield {format_number(y_opt, 6)} {'>' if ok else '≤'} CK yield "
        f"{format_number(ck, 6)} ({ck_source})",
    )
