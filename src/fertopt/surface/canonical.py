"""Canonical analysis of a second-order surface: its shape, stationary point and ridge.

With ``f(z) = c0 + gᵀz + zᵀHz`` on the working scale (``z = rate``, or
``z = √rate`` for square-root terms), the signs of the eigenvalues of ``H``
decide whether the surface has a maximum, a minimum, a saddle or a ridge, and
``z_s = −½ H⁻¹ g`` is its stationary point.  Ridge analysis (Hoerl) follows
the highest response on spheres of growing radius around the centre of the
tested region when the stationary point is no interior maximum.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from fertopt.exceptions import OptionError
from fertopt.surface import poly as _ps
from fertopt.surface.protocol import FittedSurface
from fertopt.surface.region import TOL, coded_half, locate, region_box
from fertopt.surface.results import CanonicalResult, kind_message

__all__ = ["shape", "need_second_order", "canonical", "ridge_table"]


def shape(g: np.ndarray, h: np.ndarray, half: np.ndarray, ridge_tol: float) -> dict[str, Any]:
    """Kind, stationary point and eigen-decomposition of ``gᵀz + zᵀHz``.

    The kind is decided on coded eigenvalues (``D H D`` with ``D`` the box
    half-widths), so that "near zero" does not depend on the units.
    """
    half = np.where(half > 0, half, 1.0)
    hc = (h * half).T * half
    lam_c, vec_c = np.linalg.eigh(hc)
    big = float(np.abs(lam_c).max(initial=0.0))
    thresh = ridge_tol * big
    pos = lam_c > thresh
    neg = lam_c < -thresh
    zero = ~(pos | neg)
    if big == 0:
        kind = "ridge"
    elif pos.any() and neg.any():
        kind = "saddle"
    elif zero.any():
        kind = "ridge"
    elif neg.all():
        kind = "maximum"
    else:
        kind = "minimum"
    gc = half * g
    # stationary point in coded units: the exact solution when the quadratic part is
    # non-singular; for a ridge the minimum-norm solution on the non-zero eigen-directions
    coord = vec_c.T @ gc
    if kind != "ridge" and np.abs(lam_c).min() > 1e-12 * big:
        zero = np.zeros_like(zero)
    consistent = bool(
        np.all(np.abs(coord[zero]) <= 1e-8 * max(1.0, float(np.abs(gc).max(initial=0.0))))
    )
    if consistent:
        inv = np.where(zero, 0.0, 1.0 / np.where(zero, 1.0, 2 * lam_c))
        u = -(vec_c @ (inv * coord))
        z_s = half * u
    else:
        z_s = None
    has_max = kind == "maximum" or (kind == "ridge" and not pos.any() and consistent and big > 0)
    lam, vec = np.linalg.eigh(h)
    return {
        "kind": kind,
        "has_max": has_max,
        "z": z_s,
        "eigenvalues": lam,
        "eigenvectors": vec,
        "coded_eigenvalues": lam_c,
        "unique": kind in ("maximum", "minimum", "saddle"),
    }


def need_second_order(surf: FittedSurface, what: str) -> None:
    """Refuse a surface with terms above second order (``N:P:K``) for ``what``."""
    if not surf.second_order:
        high = [t for t, e in zip(surf.terms, surf.poly.exps, strict=True) if e.sum() > 2]
        raise OptionError(
            f"{what} needs a second-order surface; this one has the higher-order term(s) "
            f"{', '.join(high)}. Use maximum() or optimum(), which handle any polynomial surface."
        )


def ridge_table(
    surf: FittedSurface, radii: Sequence[float] | None
) -> tuple[pd.DataFrame, np.ndarray]:
    """Ridge analysis: ``radius``, rates and ``predicted`` per sphere, and the working-scale path.

    The default radii run from 0 by 0.1 to the corner of the coded box (√k).
    """
    if radii is None:
        top = math.ceil(math.sqrt(len(surf.nutrients)) * 10 - 1e-9) / 10
        radii = np.round(np.arange(0.0, top + 1e-9, 0.1), 10)
    c0, g, h = surf.poly.quadratic_form()
    center, half = coded_half(surf)
    zr, vr, _mu = _ps.ridge_path(c0, g, h, center, half, radii)
    xr = surf.poly.to_x(zr)
    table = pd.DataFrame({"radius": np.asarray(radii, dtype=float)})
    for i, n in enumerate(surf.nutrients):
        table[n] = xr[:, i]
    table["predicted"] = vr
    return table, zr


def canonical(
    surf: FittedSurface, ridge_tol: float, radii: Sequence[float] | None
) -> CanonicalResult:
    """:meth:`SurfaceFit.canonical <fertopt.surface.SurfaceFit.canonical>`."""
    need_second_order(surf, "Canonical analysis")
    poly = surf.poly
    _c0, g, h = poly.quadratic_form()
    _center, half = coded_half(surf)
    found = shape(g, h, half, float(ridge_tol))
    k = len(surf.nutrients)
    eigen = pd.DataFrame(
        {
            "axis": np.arange(1, k + 1),
            "eigenvalue": found["eigenvalues"],
            "coded_eigenvalue": found["coded_eigenvalues"],
        }
    )
    for i, n in enumerate(surf.nutrients):
        eigen[n] = found["eigenvectors"][i, :]
    notes = []
    if found["z"] is not None:
        point, value, outside, negative_root = locate(surf, found["z"])
        if negative_root:
            outside = outside + (
                "the stationary point lies at a negative square root, which no rate can reach",
            )
        inside = not outside
    else:
        point, value, outside, inside = (
            None,
            None,
            ("there is no stationary point (a rising ridge)",),
            False,
        )
    kind = found["kind"]
    msg = kind_message(kind, found["has_max"], inside, outside, "en")
    if kind == "maximum":
        small = np.abs(found["coded_eigenvalues"])
        if small.min() < 0.05 * small.max():
            notes.append(
                "One eigenvalue is less than 5 % of the largest (coded units): the maximum is "
                "poorly determined along that eigen-direction (close to a ridge)."
            )
    ridge = None
    if not (kind == "maximum" and inside) and surf.bounds is not None:
        ridge, zr = ridge_table(surf, radii)
        xr = poly.to_x(zr)
        lo, hi = region_box(surf)
        ok_root = np.all(~poly.root | (zr >= -TOL), axis=1)
        within = (xr >= lo - TOL * (1 + np.abs(lo))) & (xr <= hi + TOL * (1 + np.abs(hi)))
        ridge["inside"] = np.all(within, axis=1) & ok_root
    return CanonicalResult(
        kind=kind,
        has_maximum=bool(found["has_max"]),
        stationary_point=point,
        stationary_yield=value,
        inside=inside,
        outside=outside,
        eigen=eigen,
        scale=surf.scale,
        ridge=ridge,
        message=msg,
        warnings=tuple(notes),
    )
