"""Rates and the tested region of a :class:`~fertopt.surface.SurfaceFit`.

Turns the rates a user gives (a mapping, a frame or an array) into an
``(n, k)`` array, the ``bounds=`` argument into a box, and says in words
whether a point lies in the tested region.  The tested region is the box
spanned by the lowest and highest rate of each nutrient (from the data, or
given to :func:`~fertopt.surface_from_coefficients`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.formatting import format_number
from fertopt._core.validation import check_choice
from fertopt.exceptions import OptionError
from fertopt.surface.protocol import FittedSurface, Region

__all__ = [
    "TOL",
    "Region",
    "rates_matrix",
    "bound_pair",
    "published_region",
    "resolve_box",
    "region_box",
    "coded_half",
    "outside",
    "locate",
]

TOL = 1e-9  # relative tolerance of the tested range (and of a negative square root)


def rates_matrix(surf: FittedSurface, rates: Any) -> tuple[np.ndarray, bool]:
    """Rates as an (n, k) array from a mapping, a frame or a sequence."""
    if isinstance(rates, pd.DataFrame):
        missing = [
            n
            for n in surf.nutrients
            if n not in rates.columns and surf.columns.get(n) not in rates.columns
        ]
        if missing:
            raise OptionError(
                f"the rates lack {', '.join(missing)}; give a column for each of "
                f"{', '.join(surf.nutrients)}."
            )
        cols = [rates[n] if n in rates.columns else rates[surf.columns[n]] for n in surf.nutrients]
        return np.column_stack([np.asarray(c, dtype=float) for c in cols]), False
    if isinstance(rates, Mapping):
        missing = [n for n in surf.nutrients if n not in rates]
        if missing:
            raise OptionError(
                f"the rates lack {', '.join(missing)}; "
                f"give a rate for each of {', '.join(surf.nutrients)}."
            )
        arrays = [np.atleast_1d(np.asarray(rates[n], dtype=float)) for n in surf.nutrients]
        single = all(np.ndim(rates[n]) == 0 for n in surf.nutrients)
        return np.column_stack(np.broadcast_arrays(*arrays)), single
    arr = np.asarray(rates, dtype=float)
    if arr.ndim == 1 and arr.shape[0] == len(surf.nutrients):
        return arr[None, :], True
    if arr.ndim == 2 and arr.shape[1] == len(surf.nutrients):
        return arr, False
    raise OptionError(f"rates must give one value for each of {', '.join(surf.nutrients)}.")


# ---------------------------------------------------------------------------
# bounds
# ---------------------------------------------------------------------------
def bound_pair(nutrient: str, pair: Any) -> tuple[float, float]:
    """``(low, high)`` as floats, or an OptionError saying the bounds are not a pair."""
    try:
        a, b = (float(v) for v in pair)
    except (TypeError, ValueError):
        raise OptionError(
            f"bounds for {nutrient} must be a pair (low, high), got {pair!r}."
        ) from None
    return a, b


def published_region(
    bounds: Mapping[str, Any], nutrients: tuple[str, ...]
) -> dict[str, tuple[float, float]]:
    """The tested region given to :func:`~fertopt.surface_from_coefficients`, checked."""
    region = {}
    for n in nutrients:
        a, b = bound_pair(n, bounds[n])
        if not (math.isfinite(a) and math.isfinite(b)) or a < 0 or b <= a:
            raise OptionError(f"bounds for {n} must satisfy 0 ≤ low < high, got {bounds[n]!r}.")
        region[n] = (a, b)
    return region


def resolve_box(
    surf: FittedSurface, bounds: Any, *, allow_none: bool = False
) -> tuple[np.ndarray, np.ndarray] | None:
    """The ``bounds=`` argument of maximum() and optimum() as ``(lower, upper)`` arrays."""
    if bounds is None and allow_none:
        return None
    if isinstance(bounds, str):
        check_choice(bounds, "bounds", ("tested",))
        if surf.bounds is None:
            raise OptionError(
                "the tested region of this surface is unknown; give bounds= to "
                "surface_from_coefficients, or pass bounds={'N': (low, high), ...} here."
            )
        return region_box(surf)
    if isinstance(bounds, Mapping):
        unknown = [k for k in bounds if k not in surf.nutrients]
        if unknown:
            raise OptionError(
                f"bounds name {', '.join(map(str, unknown))}, which the surface does not have; "
                f"its nutrients are {', '.join(surf.nutrients)}."
            )
        lo, hi = [], []
        for n in surf.nutrients:
            if n in bounds:
                pair = bounds[n]
            elif surf.bounds is not None:
                pair = surf.bounds[n]
            else:
                raise OptionError(
                    f"bounds lack {n}, and the tested region is unknown; "
                    "give bounds for every nutrient."
                )
            a, b = bound_pair(n, pair)
            if not (math.isfinite(a) and math.isfinite(b)) or a < 0 or b < a:
                raise OptionError(
                    f"bounds for {n} must satisfy 0 ≤ low ≤ high, got "
                    f"({format_number(a)}, {format_number(b)}); "
                    "fertilizer rates cannot be negative."
                )
            lo.append(a)
            hi.append(b)
        return np.array(lo), np.array(hi)
    raise OptionError(
        f"bounds={bounds!r} is not valid; use 'tested', None (unconstrained) or a "
        "mapping {'N': (low, high), ...}."
    )


def region_box(surf: FittedSurface) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest tested rate of each nutrient, in the order of ``surf.nutrients``."""
    return surf.region.arrays()


def coded_half(surf: FittedSurface) -> tuple[np.ndarray, np.ndarray]:
    """Centre and half-width of the tested box on the working scale (unit box if unknown)."""
    if surf.bounds is None:
        k = len(surf.nutrients)
        return np.zeros(k), np.ones(k)
    lo, hi = (surf.poly.to_z(v) for v in region_box(surf))
    return (lo + hi) / 2, np.where(hi > lo, (hi - lo) / 2, 1.0)


# ---------------------------------------------------------------------------
# inside or outside
# ---------------------------------------------------------------------------
def outside(surf: FittedSurface, x: np.ndarray) -> tuple[str, ...]:
    """Why the rates ``x`` are not in the tested region (empty when they are)."""
    out = []
    for n, v in zip(surf.nutrients, x, strict=True):
        if v < 0 and not (v > -TOL * (1 + abs(v))):
            out.append(f"{n} = {format_number(v, 4)} is negative, which is not a rate")
        elif surf.bounds is not None:
            lo, hi = surf.bounds[n]
            if v > hi + TOL * max(1.0, abs(hi)):
                out.append(
                    f"{n} = {format_number(v, 4)} is above the highest tested rate "
                    f"{format_number(hi, 6)}"
                )
            elif v < lo - TOL * max(1.0, abs(lo)):
                out.append(
                    f"{n} = {format_number(v, 4)} is below the lowest tested rate "
                    f"{format_number(lo, 6)}"
                )
    return tuple(out)


def locate(
    surf: FittedSurface, z: np.ndarray
) -> tuple[dict[str, float], float, tuple[str, ...], bool]:
    """A working-scale point: its rates, predicted response, why it is outside, negative root.

    On a square-root scale a negative working value ``z`` squares to a positive rate;
    such a point is judged at ``-rate`` (so it reads as negative) and flagged, since
    no rate reaches it.
    """
    poly = surf.poly
    x = poly.to_x(z)
    negative_root = bool(np.any(poly.root & (z < -TOL)))
    why = outside(surf, np.where(poly.root & (z < 0), -x, x))
    return (
        dict(zip(surf.nutrients, map(float, x), strict=True)),
        float(poly.value(z)),
        why,
        negative_root,
    )
