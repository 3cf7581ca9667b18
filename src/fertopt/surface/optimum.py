"""The highest yield or net return of a surface within bounds, with its status.

A second-order objective (yield, or net return = crop price × yield − costs)
is maximised exactly over the box by :func:`fertopt.surface.poly.box_qp_max`
(enumeration of the faces of the box, KKT conditions on each); a surface with
higher-order terms is maximised numerically.  The unconstrained stationary
point is reported alongside, and the status says whether the rates are an
optimum (``ok``), held by a bound (``at_bound``), outside the tested region
(``extrapolated``), or only the best point of a surface without a maximum
(``saddle``, ``no_maximum``).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from fertopt.economics.units_check import unit_mismatch, warn_unit_mismatch
from fertopt.exceptions import DesignWarning, ExtrapolationWarning
from fertopt.surface import poly as _ps
from fertopt.surface.canonical import shape
from fertopt.surface.protocol import FittedSurface
from fertopt.surface.region import coded_half, locate, outside, resolve_box
from fertopt.surface.results import SurfaceOptimum, optimum_message

__all__ = ["optimise"]

_BINDING_COLUMNS = ["nutrient", "lower", "upper", "rate", "at_bound", "marginal"]


def optimise(
    surf: FittedSurface,
    objective: _ps.Poly,
    bounds: Any,
    *,
    kind: str,
    crop: float | None,
    prices: dict[str, float] | None,
    money: str | None = None,
) -> SurfaceOptimum:
    """Maximise ``objective`` (a polynomial on the surface's working scale) within ``bounds``.

    Called by :meth:`SurfaceFit.maximum <fertopt.surface.SurfaceFit.maximum>` (the
    objective is the surface) and :meth:`~fertopt.surface.SurfaceFit.optimum` (net
    return), and warns from there: the ExtrapolationWarning points at the user's call.
    """
    poly = surf.poly
    box = resolve_box(surf, bounds, allow_none=True)
    center, half = coded_half(surf)
    notes: list[str] = []
    if box is not None:
        lo, hi = box
        zbox = (poly.to_z(lo), poly.to_z(hi))
    else:
        lo = hi = zbox = None
    method, z, side, z_u, u_kind, has_max = _solve(objective, center, half, zbox)
    if method == "numeric":
        notes.append(
            "The surface has terms above second order: the optimum was found numerically, and "
            "the kind of the unconstrained stationary point is local (from the curvature there)."
        )
    if box is None:
        side = np.zeros(len(surf.nutrients), dtype=int)
        z = z_u if (has_max and z_u is not None) else None
    x = poly.to_x(z) if z is not None else None
    rates = dict(zip(surf.nutrients, map(float, x), strict=True)) if x is not None else None
    # unconstrained solution for reporting
    if z_u is not None:
        u_rates, u_yield, u_outside, neg_root = locate(surf, z_u)
        u_inside = not u_outside and not neg_root
    else:
        u_rates, u_yield, u_inside, u_outside = None, None, False, ()
    # binding table and marginal values at the solution
    rows = []
    for i, n in enumerate(surf.nutrients):
        rows.append(
            {
                "nutrient": n,
                "lower": float(lo[i]) if lo is not None else math.nan,
                "upper": float(hi[i]) if hi is not None else math.nan,
                "rate": float(x[i]) if x is not None else math.nan,
                "at_bound": {-1: "lower", 1: "upper"}.get(int(side[i]), "")
                if box is not None
                else "",
                "marginal": float(_marginal(objective, poly, z, i)),
            }
        )
    binding = pd.DataFrame(rows, columns=_BINDING_COLUMNS)
    scale_m = max(
        1.0, float(np.abs(binding["marginal"].replace([np.inf, -np.inf], np.nan).fillna(0)).max())
    )
    strictly = [
        r
        for r in rows
        if (r["at_bound"] == "upper" and r["marginal"] > 1e-9 * scale_m)
        or (r["at_bound"] == "lower" and r["marginal"] < -1e-9 * scale_m)
    ]
    where = outside(surf, x) if x is not None else ()
    extrapolated = bool(where)
    status = _status(u_kind, has_max, extrapolated, strictly)
    if u_kind == "ridge" and has_max:
        notes.append(
            "The maximum is not unique (a stationary ridge): other rates give the same value."
        )
    what = "yield" if kind == "agronomic" else "net return"
    msg = optimum_message(status, what, strictly, u_kind, u_rates, u_outside, where, box is None)
    y_at = float(poly.value(z)) if z is not None else None
    cost = float(sum(prices[n] * rates[n] for n in surf.nutrients)) if (prices and rates) else None
    net = (
        (crop * (y_at - surf.zero_yield) - cost)
        if (crop is not None and y_at is not None and cost is not None)
        else None
    )
    if extrapolated:
        text = f"The {what} optimum lies outside the tested region: " + "; ".join(where) + "."
        notes.append(text)
        warnings.warn(text, ExtrapolationWarning, stacklevel=3)
    unit = _unit_check(surf, rates) if kind == "economic" else None
    if unit is not None:
        notes.append(unit)
        warn_unit_mismatch(unit, stacklevel=3)
    interpolates = len(surf.anova) > 0 and surf.df_resid == 0
    if interpolates:
        text = (
            "The surface interpolates the data exactly (no residual degrees of freedom): it "
            "passes through every observed point, nothing measures its error, and its optimum "
            "is not a recommendation. Replicate the treatments, add rate combinations, or fit "
            "fewer terms (terms='stepwise')."
        )
        notes.append(text)
        warnings.warn(text, DesignWarning, stacklevel=3)
    return SurfaceOptimum(
        kind=kind,
        status=status,
        rates=rates,
        yield_at_rates=y_at,
        net_return=net,
        fertilizer_cost=cost,
        extrapolated=extrapolated,
        binding=binding,
        bounds=(
            None
            if box is None
            else {n: (float(a), float(b)) for n, a, b in zip(surf.nutrients, lo, hi, strict=True)}
        ),
        unconstrained_rates=u_rates,
        unconstrained_yield=u_yield,
        unconstrained_kind=u_kind,
        unconstrained_inside=u_inside,
        crop_price=crop,
        nutrient_prices=prices,
        price_ratios=(None if prices is None else {n: prices[n] / crop for n in surf.nutrients}),
        net_return_unit=money,
        method=method,
        message=msg,
        unit_warning=unit,
        interpolates=interpolates,
        warnings=tuple(notes),
        _binds=tuple(strictly),
        _unconstrained_outside=tuple(u_outside),
        _outside=tuple(where),
    )


def _unit_check(surf: FittedSurface, rates: dict[str, float] | None) -> str | None:
    """The unit-trap warning of an economic optimum at ``rates`` (see
    :mod:`fertopt.economics.units_check`), judged on the tested region."""
    if rates is None or not surf.bounds:
        return None
    lo = np.array([surf.bounds[n][0] for n in surf.nutrients], dtype=float)
    hi = np.array([surf.bounds[n][1] for n in surf.nutrients], dtype=float)
    poly = surf.poly
    zbox = (poly.to_z(lo), poly.to_z(hi))
    if poly.degree <= 2:
        z, _v, _side = _ps.box_qp_max(*poly.quadratic_form(), *zbox)
    else:
        z, _v, _side = _ps.poly_box_max(poly, *zbox)
    low = float(poly.value(zbox[0]))
    x = np.array([rates[n] for n in surf.nutrients], dtype=float)
    units = surf.rate_units or {}
    declared = surf.response_unit is not None and all(
        units.get(n) is not None for n in surf.nutrients
    )
    beyond = x / np.where(hi > 0, hi, np.nan)
    worst = int(np.nanargmax(beyond)) if np.isfinite(beyond).any() else 0
    return unit_mismatch(
        declared=declared,
        at_lowest=bool(np.all(x <= lo + 1e-9 * np.maximum(np.abs(hi), 1.0))),
        yield_low=low,
        gain=float(poly.value(z)) - low,
        rate=float(x[worst]),
        top=float(hi[worst]),
        rate_key="'rates'",
    )


def _solve(
    objective: _ps.Poly,
    center: np.ndarray,
    half: np.ndarray,
    zbox: tuple[np.ndarray, np.ndarray] | None,
) -> tuple[str, Any, Any, Any, str | None, bool]:
    """Maximum within the box and unconstrained stationary point, on the working scale.

    Returns ``(method, z, side, z_u, u_kind, has_max)``: the solution in the box and the
    bound each rate sits at (``None`` without a box), the unconstrained stationary point,
    its kind and whether the objective has a finite maximum.
    """
    z = side = None
    if objective.degree <= 2:
        c0, g, h = objective.quadratic_form()
        found = shape(g, h, half, 1e-3)
        if zbox is not None:
            z, _v, side = _ps.box_qp_max(c0, g, h, *zbox)
        return "kkt_faces", z, side, found["z"], found["kind"], found["has_max"]
    starts = [center]
    if zbox is not None:
        z, _v, side = _ps.poly_box_max(objective, *zbox)
        starts = [z, center]
    z_u = _ps.poly_stationary(objective, starts)
    u_kind, has_max = None, False
    if z_u is not None:
        lam = np.linalg.eigvalsh(objective.hess(z_u))
        big = float(np.abs(lam).max(initial=0.0))
        pos, neg = lam > 1e-9 * big, lam < -1e-9 * big
        u_kind = (
            "saddle"
            if pos.any() and neg.any()
            else "ridge"
            if not (pos | neg).all()
            else "maximum"
            if neg.all()
            else "minimum"
        )
        has_max = u_kind == "maximum"
    return "numeric", z, side, z_u, u_kind, has_max


def _marginal(objective: _ps.Poly, poly: _ps.Poly, z: np.ndarray | None, i: int) -> float:
    """Derivative of the objective with respect to rate ``i`` at ``z`` (NaN without a solution).

    On a square-root scale ``d/dx = d/dz / (2 z)``, infinite at a zero rate (with the
    sign of ``d/dz``).
    """
    if z is None:
        return math.nan
    dz = objective.grad(z)[i]
    if not poly.root[i]:
        return dz
    return dz / (2 * z[i]) if z[i] > 0 else (math.inf if dz > 0 else -math.inf if dz < 0 else 0.0)


def _status(
    u_kind: str | None, has_max: bool, extrapolated: bool, strictly: list[dict[str, Any]]
) -> str:
    if u_kind == "saddle":
        return "saddle"
    if not has_max:
        return "no_maximum"
    if extrapolated:
        return "extrapolated"
    if strictly:
        return "at_bound"
    return "ok"
