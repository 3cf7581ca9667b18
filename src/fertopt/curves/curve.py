"""A fitted single-nutrient response curve as one value: the seam between fitting and its users.

:class:`Curve` is what a response fit hands to the code that reasons about it
(optima and their intervals, net returns, pooling over sites, figures, report
sections): the model specification, the parameter vector and its covariance,
the residuals and the data the curve was fitted to, and the descriptive facts
(nutrient, units, tested rates) that turn numbers into findings.  Those users
read a curve and nothing else of the fit, so the fit is free to change how it
stores itself.

Examples
--------
>>> import fertopt as fo
>>> fit = fo.response_from_coefficients("quadratic", intercept=1688.9, linear=328.69,
...                                     quadratic=-18.052, rate_range=(0, 12), nutrient="P2O5")
>>> curve = fit.curve
>>> curve.model, curve.nutrient, curve.rate_range
('quadratic', 'P2O5', (0.0, 12.0))
>>> round(float(curve.value([0.0, 9.0])[1]), 2)
3184.9
>>> curve.equation(4)
'y = 1689 + 328.7·P2O5 − 18.05·P2O5²'
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np

from fertopt._core.formatting import format_number
from fertopt.curves.engine import FitData
from fertopt.curves.models import ModelSpec

__all__ = ["Curve"]


@dataclass(frozen=True, eq=False)
class Curve:
    """A response curve with its uncertainty and what it was fitted to.

    Attributes
    ----------
    spec : ModelSpec
        The model: its curve, derivatives and optimum (:mod:`fertopt.curves.models`).
    theta : ndarray
        Parameter estimates in the order of ``spec.params`` (NaN when the fit failed).
    vcov : ndarray or None
        Covariance of ``theta``; None for published coefficients given without one,
        and for a failed fit.
    data : FitData or None
        Rates, responses and blocks of the fit (for refits: profile and bootstrap
        intervals); None for published coefficients.
    resid : ndarray or None
        Residuals of the fit, block effects included; None without data.
    sse : float
        Residual sum of squares (NaN without data).
    df_resid : float
        Residual degrees of freedom (``inf`` for published coefficients without
        ``df_resid=``, NaN for a failed fit).
    sigma : float
        Residual standard deviation ``√(SSE / df_resid)`` (NaN when unknown).
    rate : hashable
        Name of the rate column (used in equations and axis labels).
    nutrient : str or None
        Nutrient form of the rate (``'N'``, ``'P2O5'`` …), when known.
    response_unit, rate_unit : str or None
        Declared units of yield and rate.
    rate_range : tuple of float
        Lowest and highest tested rate.
    converged : bool
        Whether the fit converged; the other facts describe a failure otherwise.
    message : str
        How the fit ended, in words.
    """

    spec: ModelSpec
    theta: np.ndarray
    vcov: np.ndarray | None
    data: FitData | None
    resid: np.ndarray | None
    sse: float
    df_resid: float
    sigma: float
    rate: Hashable
    nutrient: str | None
    response_unit: str | None
    rate_unit: str | None
    rate_range: tuple[float, float]
    converged: bool
    message: str

    @property
    def model(self) -> str:
        """Model name (``spec.name``)."""
        return self.spec.name

    @property
    def estimates(self) -> dict[str, float]:
        """Parameter estimates by name."""
        return dict(zip(self.spec.params, (float(v) for v in self.theta), strict=True))

    def value(self, x: Any) -> np.ndarray:
        """Fitted response at rates ``x`` (an array; blocks averaged)."""
        return self.spec.curve(np.asarray(x, dtype=float), self.theta)

    def equation(self, digits: int = 4) -> str:
        """The fitted equation in words, with ``digits`` significant digits.

        Parameters
        ----------
        digits : int, default 4

        Returns
        -------
        str
            For example ``'y = 1689 + 328.7·P2O5 − 18.05·P2O5²'``.
        """
        e = self.estimates
        x = str(self.rate)

        def num(v: float) -> str:
            return format_number(v, digits)

        def terms(first: float, *rest: tuple[float, str]) -> str:
            out = num(first)
            for value, what in rest:
                sign = "−" if value < 0 else "+"
                out += f" {sign} {num(abs(value))}·{what}"
            return out

        if self.model == "linear":
            return "y = " + terms(e["intercept"], (e["slope"], x))
        if self.model == "quadratic":
            return "y = " + terms(e["intercept"], (e["linear"], x), (e["quadratic"], f"{x}²"))
        if self.model == "square_root":
            return "y = " + terms(e["intercept"], (e["sqrt"], f"√{x}"), (e["linear"], x))
        if self.model == "linear_plateau":
            return "y = " + terms(e["intercept"], (e["slope"], f"min({x}, {num(e['join'])})"))
        if self.model == "quadratic_plateau":
            return (
                "y = "
                + terms(e["intercept"], (e["linear"], f"({x} − {x}²/(2·{num(e['join'])}))"))
                + f", plateau beyond {num(e['join'])}"
            )
        return f"y = {num(e['asymptote'])}·(1 − exp(−{num(e['rate'])}·({x} + {num(e['shift'])})))"
