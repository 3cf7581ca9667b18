"""Confidence intervals of an optimum rate: delta method, Fieller, profile likelihood, bootstrap.

Helpers of :func:`fertopt.economics.optimum`; each works on a
:class:`~fertopt.curves.curve.Curve`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from fertopt.curves.curve import Curve
from fertopt.curves.engine import FitData, FitFailure, estimate, profile_sse
from fertopt.curves.models import Blocks
from fertopt.exceptions import OptionError

__all__ = ["t_quantile", "delta_se", "fieller", "profile", "bootstrap"]


def t_quantile(level: float, df: float | None) -> float:
    from scipy import stats

    if df is None or not math.isfinite(df):
        return float(stats.norm.ppf(0.5 + level / 2))
    return float(stats.t.ppf(0.5 + level / 2, df))


def delta_se(curve: Curve, r: float) -> float:
    if curve.vcov is None:
        return math.nan
    g = curve.spec.rate_gradient(curve.theta, r)
    var = float(g @ curve.vcov @ g)
    return math.sqrt(var) if var >= 0 else math.nan


def fieller(curve: Curve, r: float, level: float) -> tuple[tuple[tuple[float, float], ...], bool]:
    """Fieller (Bachmaier 2009) confidence set for the root of u0 + v·u1 = 0."""
    spec, th, V = curve.spec, curve.theta, curve.vcov
    b, c = th[1], th[2]
    if spec.name == "quadratic":
        u0, u1 = b - r, 2 * c
    else:  # square_root: b + 2 s (c - r) = 0 with s = sqrt(x)
        u0, u1 = b, 2 * (c - r)
    v00, v01, v11 = V[1, 1], 2 * V[1, 2], 4 * V[2, 2]
    t2 = t_quantile(level, curve.df_resid) ** 2
    A = u1 * u1 - t2 * v11
    B = 2 * (u0 * u1 - t2 * v01)
    C = u0 * u0 - t2 * v00
    disc = B * B - 4 * A * C
    inf = math.inf
    if A > 0:
        root = math.sqrt(max(disc, 0.0))
        # numerically stable roots
        q = -0.5 * (B + math.copysign(root, B))
        r1, r2 = sorted([q / A, C / q if q != 0 else -B / (2 * A)])
        pieces = ((r1, r2),)
        bounded = True
    elif A < 0 and disc > 0:
        root = math.sqrt(disc)
        r1, r2 = sorted([(-B - root) / (2 * A), (-B + root) / (2 * A)])
        pieces = ((-inf, r1), (r2, inf))
        bounded = False
    elif A == 0 and B != 0:
        x0 = -C / B
        pieces = ((-inf, x0),) if B > 0 else ((x0, inf),)
        bounded = False
    else:
        pieces = ((-inf, inf),)
        bounded = False
    if spec.name == "square_root":  # back from s = sqrt(x) to x; s < 0 has no rate
        mapped = []
        for lo, hi in pieces:
            lo, hi = max(lo, 0.0), hi
            if hi < 0:
                continue
            mapped.append((lo * lo, hi * hi if math.isfinite(hi) else inf))
        pieces = tuple(mapped) or ((math.nan, math.nan),)
    return pieces, bounded


def profile(curve: Curve, r: float, rate: float, level: float, se: float) -> tuple[float, float]:
    from scipy import optimize, stats

    spec, data = curve.spec, curve.data
    s2 = curve.sse / curve.df_resid
    crit = float(stats.f.ppf(level, 1, curve.df_resid))
    theta_hat = rate

    def h(t: float) -> float:
        val = profile_sse(spec, data, t, r)
        if not math.isfinite(val):
            return 1e6
        return min((val - curve.sse) / s2 - crit, 1e6)

    top = float(data.levels[-1]) or 1.0
    step0 = se if math.isfinite(se) and se > 0 else 0.05 * top
    step0 = max(step0, 1e-3 * top)
    limit = 20.0 * top
    bounds = []
    for sign in (-1.0, 1.0):
        prev = theta_hat
        step = step0
        found = None
        while abs(prev - theta_hat) < limit:
            cur = theta_hat + sign * min(abs(prev - theta_hat) + step, limit)
            if h(cur) > 0:
                found = (prev, cur)
                break
            prev = cur
            step *= 1.6
        if found is None:
            bounds.append(sign * math.inf)
            continue
        a, b = found
        bounds.append(optimize.brentq(h, min(a, b), max(a, b), xtol=1e-10 * top, rtol=1e-12))
    return bounds[0], bounds[1]


def bootstrap(curve: Curve, r: float, level: float, n_boot: int, rng: Any, kind: str):
    if isinstance(rng, np.random.Generator):
        seed = int(rng.integers(0, 2**63 - 1))
    elif rng is None:
        seed = int(np.random.SeedSequence().entropy % (2**63))
    else:
        try:
            seed = int(rng)
        except (TypeError, ValueError):
            raise OptionError(
                f"rng must be an integer seed, a numpy Generator or None, got {rng!r}."
            ) from None
        if seed < 0:
            raise OptionError(f"rng seed must be 0 or more, got {seed}.")
    gen = np.random.default_rng(seed)
    spec, data = curve.spec, curve.data
    fitted = data.y - curve.resid
    resid = curve.resid - curve.resid.mean()
    codes = data.blocks.codes
    rates, failed, none = [], 0, 0
    n = data.n
    for _ in range(n_boot):
        if kind == "residual":
            ystar = fitted + resid[gen.integers(0, n, n)]
            sample = data.with_y(ystar)
        elif kind == "wild":
            ystar = fitted + curve.resid * gen.choice((-1.0, 1.0), n)
            sample = data.with_y(ystar)
        else:
            idx = np.concatenate(
                [
                    gen.choice(np.flatnonzero(codes == b), int((codes == b).sum()))
                    for b in range(data.blocks.n_blocks)
                ]
            )
            sample = FitData(data.x[idx], data.y[idx], Blocks(codes[idx], len(idx)))
            if len(sample.levels) < spec.n_params:
                failed += 1
                continue
        try:
            with np.errstate(all="ignore"):
                est = estimate(spec, sample, polish=False)
        except (FitFailure, np.linalg.LinAlgError, ValueError, ZeroDivisionError):
            failed += 1
            continue
        sol = spec.solve(est.theta, r)
        if sol.case == "none" or not math.isfinite(sol.rate):
            none += 1
            continue
        rates.append(sol.rate)
    info = {
        "n_boot": n_boot,
        "type": kind,
        "n_valid": len(rates),
        "n_failed": failed,
        "n_no_maximum": none,
    }
    if len(rates) < max(10, 0.5 * n_boot):
        return None, info, seed
    alpha = 1 - level
    lo, hi = np.quantile(np.asarray(rates), [alpha / 2, 1 - alpha / 2])
    return (float(lo), float(hi)), info, seed
