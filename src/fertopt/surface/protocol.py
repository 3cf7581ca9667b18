"""What the surface helpers read from a fitted surface, as a typed interface.

It also holds :class:`Region`, the tested region as a frozen value.

The helper modules (canonical analysis, optima, typicality, points, the tested
region) work on a :class:`fertopt.surface.SurfaceFit` but cannot import it: the
class imports them.  :class:`FittedSurface` names the public fields and methods
they use, so that they depend on this interface and nothing private.  It is
runtime-checkable: plotting recognises a surface with ``isinstance`` without
importing the class whose ``plot()`` method calls it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from fertopt.surface.poly import Poly

__all__ = ["FittedSurface", "Region"]


@dataclass(frozen=True)
class Region:
    """The tested region of a surface: the box between the lowest and highest rate of each nutrient.

    A value object handed to whoever needs the region (optima, typicality,
    plotting) instead of the surface's insides.

    Attributes
    ----------
    nutrients : tuple of str
        The rates, in the order of the surface.
    lower, upper : tuple of float
        Lowest and highest rate of each nutrient.

    Examples
    --------
    >>> r = Region.from_bounds(("N", "P2O5"), {"N": (0, 18), "P2O5": (0, 8)})
    >>> r.upper, r.as_dict()["P2O5"]
    ((18.0, 8.0), (0.0, 8.0))
    """

    nutrients: tuple[str, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]

    @classmethod
    def from_bounds(
        cls, nutrients: Sequence[str], bounds: Mapping[str, tuple[float, float]]
    ) -> Region:
        """The region of ``bounds`` (nutrient → (low, high)) in the order of ``nutrients``."""
        names = tuple(str(n) for n in nutrients)
        return cls(
            names,
            tuple(float(bounds[n][0]) for n in names),
            tuple(float(bounds[n][1]) for n in names),
        )

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(lower, upper)`` as float arrays."""
        return np.array(self.lower, dtype=float), np.array(self.upper, dtype=float)

    def as_dict(self) -> dict[str, tuple[float, float]]:
        """Nutrient → (lowest, highest) rate, the form of ``bounds=``."""
        return {
            n: (lo, hi) for n, lo, hi in zip(self.nutrients, self.lower, self.upper, strict=True)
        }


@runtime_checkable
class FittedSurface(Protocol):
    """The public face of a :class:`~fertopt.surface.SurfaceFit` used by the surface helpers.

    Attributes
    ----------
    nutrients : tuple of str
        Names of the rates, in order.
    columns : dict
        Nutrient → data column.
    terms : tuple of str
        Terms in the model, intercept first.
    bounds : dict or None
        The tested region: nutrient → (lowest, highest) rate.
    anova, df_resid, params, ck_yield, ck_source, response_unit, rate_units
        As documented on :class:`~fertopt.surface.SurfaceFit`.
    poly : Poly
        The fitted polynomial.
    zero_yield : float
        Predicted response without fertilizer.
    second_order, scale
        Whether the polynomial is of second order, and its working scale in words.
    """

    nutrients: tuple[str, ...]
    columns: dict[str, str]
    terms: tuple[str, ...]
    bounds: dict[str, tuple[float, float]] | None
    anova: pd.DataFrame
    df_resid: int
    ck_yield: float | None
    ck_source: str
    response_unit: str | None
    rate_units: dict[str, str | None] | None

    @property
    def params(self) -> dict[str, float]: ...

    @property
    def poly(self) -> Poly: ...

    @property
    def region(self) -> Region | None: ...

    @property
    def zero_yield(self) -> float: ...

    @property
    def second_order(self) -> bool: ...

    @property
    def scale(self) -> str: ...

    def canonical(self) -> Any: ...

    def maximum(self, *, bounds: Any = ...) -> Any: ...

    def optimum(self, *, prices: Any, bounds: Any = ...) -> Any: ...
