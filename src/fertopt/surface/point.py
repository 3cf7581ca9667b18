"""One rate combination audited on a surface (a published "optimum", say).

Predicted response, marginal products (and marginal net returns with prices),
whether the point is stationary, and whether it lies in the tested region.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from fertopt.economics.prices import resolve_surface_prices
from fertopt.surface.protocol import FittedSurface
from fertopt.surface.region import outside, rates_matrix
from fertopt.surface.results import SurfacePoint, point_message

__all__ = ["assess"]


def assess(surf: FittedSurface, rates: Mapping[str, float], *, prices: Any) -> SurfacePoint:
    """:meth:`SurfaceFit.assess <fertopt.surface.SurfaceFit.assess>`."""
    x, _ = rates_matrix(surf, rates)
    x = x[0]
    poly = surf.poly
    z = poly.to_z(x)
    value = float(poly.value(z))
    gz = poly.grad(z)
    marg = {}
    for i, n in enumerate(surf.nutrients):
        if not poly.root[i]:
            marg[n] = float(gz[i])
        else:  # dY/dx = dY/dz / (2 z): infinite at a square-root term's zero rate
            marg[n] = float(gz[i] / (2 * z[i])) if z[i] > 0 else math.inf
    violations = outside(surf, x)
    net = marg_net = None
    if prices is not None:
        crop, nprice, _money = resolve_surface_prices(
            prices, surf.nutrients, surf.response_unit, surf.rate_units
        )
        net = crop * (value - surf.zero_yield) - sum(
            nprice[n] * x[i] for i, n in enumerate(surf.nutrients)
        )
        marg_net = {n: crop * marg[n] - nprice[n] for n in surf.nutrients}
    # a square-root term at a zero rate has an infinite slope: such a point is not stationary
    slopes = [abs(v) for v in (marg_net or marg).values() if math.isfinite(v)]
    gmax = max(slopes, default=math.inf) if marg else 0.0
    stationary = gmax <= 1e-6 * max(1.0, abs(value))
    kind = surf.canonical().kind if surf.second_order else None
    kind = None if kind == "maximum" else kind
    msg = point_message(prices is not None, stationary, kind, violations, "en")
    return SurfacePoint(
        rates=dict(zip(surf.nutrients, map(float, x), strict=True)),
        predicted=value,
        inside=not violations,
        violations=violations,
        marginal=marg,
        net_return=net,
        marginal_net=marg_net,
        message=msg,
        _stationary=stationary,
        _surface_kind=kind,
    )
