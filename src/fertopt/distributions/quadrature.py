"""Quadrature shared by the studentized range and Dunnett distributions.

Fixed Gauss-Legendre rules whose ranges adapt to the number of means and to the degrees of
freedom: the inner (normal) integral and the outer integral over the chi density of the
scaled standard deviation.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache

import numpy as np
from numpy.polynomial.legendre import leggauss
from scipy import special

_LOG_NEGLIGIBLE = math.log(1e-18)  # integrand values below this are dropped


INNER_TAIL = 1e-15  # probability left outside the inner (normal) range


SQRT_2PI = math.sqrt(2.0 * math.pi)


@cache
def gauss_legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    t, w = leggauss(n)
    t.setflags(write=False)
    w.setflags(write=False)
    return t, w


def inner_size(k: int, fine: bool) -> int:
    """Nodes for the normal-range integral (absolute error about 1e-14 when fine)."""
    if not fine:
        return 32 if k <= 30 else 40
    if k <= 5:
        return 48
    if k <= 30:
        return 56
    if k <= 100:
        return 64
    return 96


def outer_layout(df: float, fine: bool) -> tuple[int, int]:
    """(panels, nodes per panel) for the integral over s = chi/sqrt(df), in log s."""
    if not fine:
        return (1, 32) if df >= 5 else (4, 24)
    if df >= 12:
        return 1, 48
    if df >= 5:
        return 1, 64
    if df >= 2:
        return 4, 32
    if df >= 1:
        return 6, 32
    return 12, 32


def _log_chi_const(df: np.ndarray) -> np.ndarray:
    """log(c) − df/2 for the density c s^(df−1) exp(−df s²/2) of s = chi_df/√df.

    Written as log 2 + ½ log a − ½ log 2π − stirling(a), a = df/2, so that no
    large terms cancel when df is large.
    """
    a = 0.5 * df
    big = a >= 10.0
    ab = np.where(big, a, 10.0)
    inv = 1.0 / ab
    inv2 = inv * inv
    stirling = inv * (
        1.0 / 12.0
        - inv2
        * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 * (1.0 / 1680.0 - inv2 * (1.0 / 1188.0))))
    )
    series = math.log(2.0) + 0.5 * np.log(ab) - 0.5 * math.log(2.0 * math.pi) - stirling
    asmall = np.where(big, 1.0, a)
    direct = math.log(2.0) + asmall * np.log(asmall) - asmall - special.gammaln(asmall)
    return np.where(big, series, direct)


def _log_density(x: np.ndarray, df: np.ndarray, logc0: np.ndarray) -> np.ndarray:
    """log density of x = log s (s = chi_df/√df), accurate for large df."""
    two_x = 2.0 * x
    return logc0 - 0.5 * df * (np.expm1(two_x) - two_x)


def _upper_bound(df: np.ndarray, logc0: np.ndarray) -> np.ndarray:
    """x = log s beyond which the density of log s is below 1e-18."""
    # solve v − log(1 + v) = b with v = s² − 1 > 0 (convex increasing: Newton from the right)
    b = 2.0 * np.maximum(logc0 - _LOG_NEGLIGIBLE, 1.0) / df
    v = 2.0 * b + 4.0
    for _ in range(80):
        g = v - np.log1p(v) - b
        gp = v / (1.0 + v)
        step = g / gp
        v = v - step
        if np.all(np.abs(step) <= 1e-13 * v):
            break
    return 0.5 * np.log1p(v)


def _lower_bound(
    df: np.ndarray, logc0: np.ndarray, log_scale: np.ndarray, power: np.ndarray
) -> np.ndarray:
    """x = log s below which density(x) · scale · s**power is below 1e-18.

    The inner probability behaves like ``scale · s**power`` for small ``s``, so
    the integrand decays like ``exp((df + power) x)`` on the left.  The log of
    the integrand is concave in x; Newton's method started in its increasing
    part converges to the left root.
    """
    slope = df + power
    # the log integrand is concave with its maximum at x_mode; no root when that maximum is
    # already negligible (then any lower limit will do)
    x_mode = 0.5 * np.log1p(power / df)
    g_mode = _log_density(x_mode, df, logc0) + log_scale + power * x_mode - _LOG_NEGLIGIBLE
    x = np.minimum((_LOG_NEGLIGIBLE - logc0 - 0.5 * df - log_scale) / slope - 1.0, x_mode - 1.0)
    x = np.maximum(x, -1e3)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(80):
            g = _log_density(x, df, logc0) + log_scale + power * x - _LOG_NEGLIGIBLE
            gp = slope - df * np.exp(2.0 * x)
            step = np.where(gp > 0, g / np.where(gp > 0, gp, 1.0), 0.0)
            step = np.clip(step, -50.0, 5.0)
            x = np.clip(x - step, -1e3, x_mode)
            if np.all(np.abs(step) <= 1e-12):
                break
    return np.where(g_mode > 0, x, x_mode)


@lru_cache(maxsize=4096)
def _density_limits(df: float) -> tuple[float, float, float]:
    """log constant, and the range of log s outside which the density is below 1e-18."""
    d = np.array([df])
    logc0 = _log_chi_const(d)
    zero = np.zeros(1)
    return (
        float(logc0[0]),
        float(_lower_bound(d, logc0, zero, zero)[0]),
        float(_upper_bound(d, logc0)[0]),
    )


def outer_nodes(
    df: np.ndarray, log_scale: np.ndarray, power: np.ndarray, fine: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Nodes s (M, N), weights including the density (M, N), and the bounds.

    Rows with infinite df get a single node s = 1 with weight 1 (other
    columns carry zero weight).
    """
    finite = np.isfinite(df)
    dff = np.where(finite, df, 1.0)
    uniq, inverse = np.unique(dff, return_inverse=True)
    parts = np.array([_density_limits(float(d)) for d in uniq])[inverse]
    logc0, lo_density, hi = parts[:, 0], parts[:, 1], parts[:, 2]
    # the integrand is below both the density and density · scale · s**power
    lo = np.maximum(lo_density, _lower_bound(dff, logc0, log_scale, power))
    lo = np.minimum(lo, hi - 1e-3)
    panels, per = outer_layout(float(np.min(dff)), fine)
    t, wt = gauss_legendre(per)
    width = (hi - lo) / panels
    starts = lo[:, None] + width[:, None] * np.arange(panels)[None, :]
    x = (starts[:, :, None] + width[:, None, None] * (t[None, None, :] + 1.0) * 0.5).reshape(
        len(df), -1
    )
    wx = np.broadcast_to(width[:, None, None] * 0.5 * wt[None, None, :], (len(df), panels, per))
    wx = wx.reshape(len(df), -1)
    dens = np.exp(_log_density(x, dff[:, None], logc0[:, None]))
    s = np.exp(x)
    w = wx * dens
    if not finite.all():
        s = np.where(finite[:, None], s, 1.0)
        single = np.zeros_like(w[0])
        single[0] = 1.0
        w = np.where(finite[:, None], w, single[None, :])
        lo = np.where(finite, lo, -np.inf)
        hi = np.where(finite, hi, np.inf)
    return s, w, lo, hi, dff


def chi_mass_below(df: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(s < exp(x)) for s = chi_df / sqrt(df); 0 for infinite df."""
    with np.errstate(over="ignore", invalid="ignore"):
        out = special.gammainc(0.5 * df, 0.5 * df * np.exp(2.0 * x))
    return np.where(np.isfinite(df), out, 0.0)


def chi_mass_above(df: np.ndarray, x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        out = special.gammaincc(0.5 * df, 0.5 * df * np.exp(2.0 * x))
    return np.where(np.isfinite(df), out, 0.0)
