"""Optima and their intervals for many fitted curves at once (arrays, no loop over curves).

The closed forms of :mod:`fertopt.curves.models` (``solve`` and ``rate_gradient``) and of
:mod:`fertopt.economics.intervals` (delta method, Fieller) written over a leading axis of
curves, for :func:`fertopt.run_batch` and the batched bootstrap.  Each function gives the
numbers :func:`fertopt.economics.optimum` gives curve by curve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fertopt.curves.batched import curve_values

__all__ = ["CASES", "BatchedOptima", "solve", "rate_gradient", "optima", "formula", "fieller"]

#: Codes of ``Solution.case``: no maximum, no fertilizer pays, a smooth maximum, a corner.
CASES = ("none", "zero", "interior", "corner")
_NONE, _ZERO, _INTERIOR, _CORNER = range(4)


def solve(model: str, theta: np.ndarray, r: float) -> tuple[np.ndarray, np.ndarray]:
    """Optimum rate and case code (index into :data:`CASES`) of every curve for ratio ``r``.

    The same branches as each model's ``solve`` in :mod:`fertopt.curves.models`.

    Examples
    --------
    >>> rate, case = solve("quadratic", np.array([[1688.9, 328.69, -18.052]]), 0.0)
    >>> round(float(rate[0]), 4), CASES[int(case[0])]
    (9.104, 'interior')
    """
    theta = np.asarray(theta, float)
    n = len(theta)
    rate = np.full(n, np.nan)
    case = np.full(n, _NONE, dtype=np.int64)
    t = [theta[:, j] for j in range(theta.shape[1])]
    with np.errstate(all="ignore"):
        if model == "linear":
            zero = ~(t[1] > r)
        elif model == "quadratic":
            b, c = t[1], t[2]
            x = (r - b) / (2 * c)
            concave = c < 0
            zero = concave & (x <= 0)
            inner = concave & ~(x <= 0)
            rate = np.where(inner, x, rate)
            case = np.where(inner, _INTERIOR, case)
        elif model == "square_root":
            b, c = t[1], t[2]
            zero = (b <= 0) & ~(c > r)
            inner = (b > 0) & ~(c >= r)
            rate = np.where(inner, (b / (2 * (r - c))) ** 2, rate)
            case = np.where(inner, _INTERIOR, case)
        elif model == "linear_plateau":
            zero = t[1] <= r
            rate = np.where(zero, rate, t[2])
            case = np.where(zero, case, _CORNER)
        elif model == "quadratic_plateau":
            zero = t[1] <= r
            rate = np.where(zero, rate, t[2] * (1 - r / t[1]))
            case = np.where(zero, case, _INTERIOR)
        else:
            A, c, s = t
            levels = (c > 0) & (A > 0) & (r != 0)
            x = np.log(A * c / r) / c - s if r != 0 else np.full(n, np.nan)
            zero = levels & (x <= 0)
            inner = levels & ~(x <= 0)
            rate = np.where(inner, x, rate)
            case = np.where(inner, _INTERIOR, case)
    rate = np.where(zero, 0.0, rate)
    case = np.where(zero, _ZERO, case)
    return rate, case


def rate_gradient(model: str, theta: np.ndarray, r: float) -> np.ndarray:
    """``∂ rate / ∂θ`` of every curve's interior or corner optimum (curves, p)."""
    theta = np.asarray(theta, float)
    t = [theta[:, j] for j in range(theta.shape[1])]
    zero = np.zeros(len(theta))
    with np.errstate(all="ignore"):
        if model == "linear":
            cols = [zero, zero]
        elif model == "quadratic":
            b, c = t[1], t[2]
            cols = [zero, -1.0 / (2 * c), -(r - b) / (2 * c * c)]
        elif model == "square_root":
            b, c = t[1], t[2]
            d = r - c
            cols = [zero, b / (2 * d * d), b * b / (2 * d**3)]
        elif model == "linear_plateau":
            cols = [zero, zero, zero + 1.0]
        elif model == "quadratic_plateau":
            b, xs = t[1], t[2]
            cols = [zero, xs * r / (b * b), 1 - r / b]
        else:
            A, c, _s = t
            cols = [1 / (A * c), (1 - np.log(A * c / r)) / (c * c), zero - 1.0]
    return np.column_stack(cols)


@dataclass
class BatchedOptima:
    """Optimum of every curve: ``rate``, ``case`` (code into :data:`CASES`), ``extrapolated``,
    ``yield_at_rate``, ``net_return`` (NaN unpriced), ``se`` (delta method), and the delta
    interval ``ci_low``, ``ci_high`` (NaN where the optimum has none)."""

    rate: np.ndarray
    case: np.ndarray
    extrapolated: np.ndarray
    yield_at_rate: np.ndarray
    net_return: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray

    @property
    def status(self) -> np.ndarray:
        """``optimum_status`` of every curve (object array of strings)."""
        out = np.where(self.extrapolated, "extrapolated", "ok").astype(object)
        out[self.case == _ZERO] = "at_bound"
        out[self.case == _NONE] = "no_maximum"
        return out


def optima(
    model: str,
    theta: np.ndarray,
    vcov: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    r: float,
    *,
    quantile: float,
    value: float | None = None,
    cost: float | None = None,
    curve=None,
) -> BatchedOptima:
    """Optimum, status, yield, net return and delta interval of every curve.

    ``vcov`` (curves, p, p) is the scaled covariance of the parameters, ``lo``/``hi`` the
    tested range, ``quantile`` the t quantile of the interval; ``value`` and ``cost``
    (money per yield unit and per rate unit) give the net return; ``curve(x, theta)`` the
    fitted values of every curve at a rate per curve (by default the model's formula).

    Examples
    --------
    >>> theta = np.array([[5000.0, 30.0, -0.08]])
    >>> V = np.diag([1.0, 1e-2, 1e-7])[None]
    >>> o = optima("quadratic", theta, V, np.array([0.0]), np.array([240.0]), 5.0, quantile=2.0)
    >>> round(float(o.rate[0]), 2), o.status.tolist()          # (5 - 30) / (2 · -0.08)
    (156.25, ['ok'])
    """
    theta = np.asarray(theta, float)
    rate, case = solve(model, theta, r)
    finite = np.isfinite(rate)
    with np.errstate(invalid="ignore"):
        extrapolated = finite & (
            (rate > hi * (1 + 1e-9) + 1e-12) | (rate < lo - 1e-9 * np.maximum(np.abs(lo), 1.0))
        )
    f = curve if curve is not None else formula(model)
    y_at = np.where(finite, f(np.where(finite, rate, 0.0), theta), np.nan)
    if value is None:
        net = np.full(len(theta), np.nan)
    else:
        net = np.where(
            finite, value * (y_at - f(np.zeros(len(theta)), theta)) - cost * rate, np.nan
        )
    has = (case == _INTERIOR) | (case == _CORNER)
    g = rate_gradient(model, theta, r)
    with np.errstate(invalid="ignore"):
        var = np.einsum("ti,tij,tj->t", g, vcov, g)
        se = np.where(has & (var >= 0), np.sqrt(np.where(var >= 0, var, 0.0)), np.nan)
    low = np.where(has, rate - quantile * se, np.nan)
    high = np.where(has, rate + quantile * se, np.nan)
    return BatchedOptima(rate, case, extrapolated, y_at, net, se, low, high)


def formula(model: str):
    """The model's curve at one rate per curve: ``f(x (curves,), theta (curves, p))``."""

    def f(x: np.ndarray, theta: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return curve_values(model, x, theta)

    return f


def fieller(
    model: str, theta: np.ndarray, vcov: np.ndarray, r: float, t2: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hull ``(low, high)`` of Fieller's confidence set of every curve, and whether it is bounded.

    ``t2`` is the squared t quantile.  The same cases as :func:`.intervals.fieller`
    (quadratic and square root); the hull of a two-piece set is ``(−inf, inf)``.
    """
    theta = np.asarray(theta, float)
    b, c = theta[:, 1], theta[:, 2]
    if model == "quadratic":
        u0, u1 = b - r, 2 * c
    else:
        u0, u1 = b, 2 * (c - r)
    v00, v01, v11 = vcov[:, 1, 1], 2 * vcov[:, 1, 2], 4 * vcov[:, 2, 2]
    A = u1 * u1 - t2 * v11
    B = 2 * (u0 * u1 - t2 * v01)
    C = u0 * u0 - t2 * v00
    disc = B * B - 4 * A * C
    with np.errstate(all="ignore"):
        root = np.sqrt(np.maximum(disc, 0.0))
        q = -0.5 * (B + np.copysign(root, B))
        ra = q / A
        rb = np.where(q != 0, C / np.where(q != 0, q, 1.0), -B / (2 * A))
    bounded = A > 0
    low = np.where(bounded, np.minimum(ra, rb), -np.inf)
    high = np.where(bounded, np.maximum(ra, rb), np.inf)
    # one-sided sets (A = 0) have one finite end
    half = (A == 0) & (B != 0)
    with np.errstate(all="ignore"):
        x0 = -C / B
    low = np.where(half & (B < 0), x0, low)
    high = np.where(half & (B > 0), x0, high)
    if model == "square_root":
        lo_s = np.maximum(low, 0.0)
        empty = high < 0
        low = np.where(empty, np.nan, lo_s * lo_s)
        high = np.where(empty, np.nan, np.where(np.isfinite(high), high * high, np.inf))
    return low, high, bounded
