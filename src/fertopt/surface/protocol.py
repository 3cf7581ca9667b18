"""What the surface helpers read from a fitted surface, as a typed interface.

The helper modules (canonical analysis, optima, typicality, points, the tested
region) work on a :class:`fertopt.surface.SurfaceFit` but cannot import it: the
class imports them.  :class:`FittedSurface` names the public fields and methods
they use, so that they depend on this interface and nothing private.  It is
runtime-checkable: plotting recognises a surface with ``isinstance`` without
importing the class whose ``plot()`` method calls it.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import pandas as pd

from fertopt.surface.poly import Poly

__all__ = ["FittedSurface"]


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
    def zero_yield(self) -> float: ...

    @property
    def second_order(self) -> bool: ...

    @property
    def scale(self) -> str: ...

    def canonical(self) -> Any: ...

    def maximum(self, *, bounds: Any = ...) -> Any: ...

    def optimum(self, *, prices: Any, bounds: Any = ...) -> Any: ...
