"""Confidence intervals of an optimum rate: delta method, Fieller, profile likelihood, bootstrap.

Helpers of :func:`fertopt.economics.optimum`; each works on a
:class:`~fertopt.curves.curve.Curve`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from fertopt.curves.batched import fit_levels
from fertopt.curves.curve import Curve
from fertopt.curves.engine import FitData, FitFailure, estimate
from fertopt.curves.models import Blocks
from fertopt.curves.refits import refit_plots
from fertopt.economics.batched import solve
from fertopt.economics.profile_batched import profile_interval
from fertopt.exceptions import OptionError

__all__ = ["t_quantile", "delta_se", "fieller", "profile", "bootstrap"]


def t_quantile(level: float, df: float | None) -> float:
    """The two-sided ``level`` quantile of Student's t (normal when ``df`` is None or infinite).

    The functions behind ``scipy.stats.t.ppf`` and ``norm.ppf``, called directly: the same
    numbers without the argument handling of the distribution objects.
    """
    from scipy.special import ndtri, stdtrit

    if df is None or not math.isfinite(df):
        return float(ndtri(0.5 + level / 2))
    return float(stdtrit(df, 0.5 + level / 2))


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
    """Profile-likelihood interval: :func:`fertopt.economics.profile_batched.profile_interval`."""
    return profile_interval(curve, r, rate, level, se)


def bootstrap(
    curve: Curve, r: float, level: float, n_boot: int, rng: Any, kind: str, method: str = "batch"
):
    """Percentile interval of the optimum over ``n_boot`` refits of resampled data.

    ``method="batch"`` draws every resample at once and refits them together (resamples the
    batch cannot settle go one by one); ``method="loop"`` is the reference it replaced: the
    same resamples, each refitted by ``estimate(polish=False)``.  Returns ``(interval or None,
    info, seed)``.
    """
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
    n = data.n
    if kind == "case" and method == "loop":
        rates, failed, none = _case_resamples(curve, r, n_boot, gen)
    elif kind == "case":
        rates, failed, none = _case_batch(spec, data, case_draws(data, n_boot, gen), r)
    else:
        # one draw of all resamples gives the same numbers as n_boot draws of n, in order
        if kind == "residual":
            ystar = fitted[None, :] + resid[gen.integers(0, n, (n_boot, n))]
        else:
            ystar = fitted[None, :] + curve.resid[None, :] * gen.choice((-1.0, 1.0), (n_boot, n))
        if method == "loop":
            rates, failed, none = _refit_rows(spec, data, ystar, r)
        else:
            rates, failed, none = _refit_batch(spec, data, ystar, r)
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


def _refit_one(spec, sample: FitData, r: float) -> tuple[float | None, str]:
    """Optimum of one refit: (rate, 'ok'), (None, 'failed') or (None, 'none')."""
    try:
        with np.errstate(all="ignore"):
            est = estimate(spec, sample, polish=False)
    except (FitFailure, np.linalg.LinAlgError, ValueError, ZeroDivisionError):
        return None, "failed"
    sol = spec.solve(est.theta, r)
    if sol.case == "none" or not math.isfinite(sol.rate):
        return None, "none"
    return float(sol.rate), "ok"


def _refit_rows(spec, data: FitData, ystar: np.ndarray, r: float):
    """The reference loop: every row of ``ystar`` refitted by the per-fit estimator."""
    rates, failed, none = [], 0, 0
    for row in ystar:
        rate, what = _refit_one(spec, data.with_y(row), r)
        failed += what == "failed"
        none += what == "none"
        if rate is not None:
            rates.append(rate)
    return rates, failed, none


def _case_resamples(curve: Curve, r: float, n_boot: int, gen: np.random.Generator):
    """Case resampling (plots within blocks), one resample at a time: the reference loop."""
    spec, data = curve.spec, curve.data
    codes = data.blocks.codes
    rates, failed, none = [], 0, 0
    for _ in range(n_boot):
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
        rate, what = _refit_one(spec, sample, r)
        failed += what == "failed"
        none += what == "none"
        if rate is not None:
            rates.append(rate)
    return rates, failed, none


def case_draws(data: FitData, n_boot: int, gen: np.random.Generator) -> np.ndarray:
    """Plot indices (resamples, plots) of ``n_boot`` case resamples, drawn in one call.

    Each resample draws, block after block, as many plots with replacement as the block holds.
    One call of ``gen.integers`` with one upper bound per draw (the size of its block) gives
    the same numbers as the former loop's ``gen.choice`` per block and resample, in order: both
    take one bounded 32-bit draw per index from the same stream.
    """
    codes = data.blocks.codes
    members = [np.flatnonzero(codes == b) for b in range(data.blocks.n_blocks)]
    sizes = np.array([len(m) for m in members])
    order = np.concatenate(members)
    start = np.repeat(np.cumsum(sizes) - sizes, sizes)
    draws = gen.integers(0, np.repeat(sizes, sizes), size=(n_boot, len(order)))
    return order[start + draws]


def _case_batch(spec, data: FitData, idx: np.ndarray, r: float):
    """Optima of the case resamples ``idx``, refitted as weighted batches of the trial's plots.

    A resample is the trial's plots weighted by how often each was drawn; resamples holding the
    same tested rates are fitted together by :func:`fertopt.curves.refits.refit_plots`, those
    it refers one by one, as the reference loop does.
    """
    n_boot, n = idx.shape
    counts = np.bincount((idx + n * np.arange(n_boot)[:, None]).ravel(), minlength=n_boot * n)
    W = counts.reshape(n_boot, n).astype(float)
    levels, lcode = np.unique(data.x, return_inverse=True)
    present = np.zeros((n_boot, len(levels)), dtype=bool)
    present[np.repeat(np.arange(n_boot), n), lcode[idx].ravel()] = True
    patterns, group = np.unique(present, axis=0, return_inverse=True)
    theta = np.full((n_boot, spec.n_params), np.nan)
    refer = np.zeros(n_boot, dtype=bool)
    failed = 0
    for g, pattern in enumerate(patterns):
        rows = np.flatnonzero(group.ravel() == g)
        if pattern.sum() < spec.n_params:
            failed += len(rows)
            continue
        fits = refit_plots(spec.name, data.x, data.blocks.codes, W[rows], data.y)
        failed += int(fits.failed.sum())
        refer[rows] = fits.refer
        ok = ~fits.failed & ~fits.refer
        theta[rows[ok]] = fits.theta[ok]
    rates: list[float] = []
    none = 0
    codes = data.blocks.codes
    for i in np.flatnonzero(refer):
        j = idx[i]
        sample = FitData(data.x[j], data.y[j], Blocks(codes[j], len(j)))
        rate, what = _refit_one(spec, sample, r)
        failed += what == "failed"
        none += what == "none"
        if rate is not None:
            rates.append(rate)
    done = np.all(np.isfinite(theta), axis=1)
    rate, case = solve(spec.name, theta[done], r)
    ok = (case != 0) & np.isfinite(rate)
    none += int((~ok).sum())
    return rates + rate[ok].tolist(), failed, none


def level_design(data: FitData) -> tuple[np.ndarray, np.ndarray] | None:
    """Level codes and plots per level when every block holds each rate equally often.

    Then block effects are orthogonal to every function of the rate and a fit reduces to the
    level means (:mod:`fertopt.curves.batched`); None otherwise.
    """
    levels, codes = np.unique(data.x, return_inverse=True)
    table = np.zeros((len(levels), data.blocks.n_blocks), dtype=np.int64)
    np.add.at(table, (codes, data.blocks.codes), 1)
    if not np.all(table == table[:, :1]):
        return None
    return codes, table.sum(axis=1).astype(float)


def _refit_batch(spec, data: FitData, ystar: np.ndarray, r: float):
    """Optima of refits of ``data`` with each row of ``ystar`` as responses, all at once.

    Linear models: the least-squares map of the design applied to every resample.  The
    others: :func:`fertopt.curves.batched.fit_levels` on the level means when every block
    holds each rate equally often, :func:`fertopt.curves.refits.refit_plots` on the plots
    otherwise (a lost plot, unequal replication); resamples they leave to the per-fit
    estimator (a join near a tested rate, a degenerate refit, a tie) are refitted one by one.
    """
    n_boot = len(ystar)
    theta = np.full((n_boot, spec.n_params), np.nan)
    todo = np.ones(n_boot, dtype=bool)
    refused = np.zeros(n_boot, dtype=bool)
    design = level_design(data)
    with np.errstate(all="ignore"):
        if spec.linear:
            theta = _linear_refits(spec, data, ystar)
            todo[:] = False
        elif design is not None:
            codes, w = design
            k = len(w)
            sums = np.zeros((n_boot, k))
            np.add.at(sums.T, codes, ystar.T)
            means = sums / w[None, :]
            my = data.blocks.project(ystar.T)
            grand = (means * w).sum(axis=1) / w.sum()
            between = ((means - grand[:, None]) ** 2 * w).sum(axis=1)
            base = np.einsum("ib,ib->b", my, my) - between
            x = np.broadcast_to(data.levels, (n_boot, k))
            fits = fit_levels(spec.name, x, means, w, base)
            theta = fits.theta
            todo = fits.refer
        else:
            fits = refit_plots(spec.name, data.x, data.blocks.codes, np.ones_like(ystar), ystar)
            theta, todo, refused = fits.theta, fits.refer, fits.failed
    rates: list[float] = []
    failed, none = int(refused.sum()), 0
    for i in np.flatnonzero(todo):
        rate, what = _refit_one(spec, data.with_y(ystar[i]), r)
        failed += what == "failed"
        none += what == "none"
        if rate is not None:
            rates.append(rate)
    done = ~todo & ~refused
    rate, case = solve(spec.name, theta[done], r)
    ok = (case != 0) & np.isfinite(rate)
    none += int((~ok).sum())
    return rates + rate[ok].tolist(), failed, none


def _linear_refits(spec, data: FitData, ystar: np.ndarray) -> np.ndarray:
    """``estimate(polish=False)`` of a linear model for every row of ``ystar`` at once."""
    x = data.x
    scale = float(np.max(np.abs(x))) or 1.0
    z = x / scale
    cols = spec.columns(z)
    powers = np.asarray(spec.powers, float)
    Y = ystar.T  # (n, resamples)
    my = data.blocks.project(Y)
    mc = data.blocks.project(cols)
    # one QR of the shared design for every resample (a product with many right-hand sides
    # by einsum: BLAS threads only fight over a busy machine's cores on so thin a product)
    q, rr = np.linalg.qr(mc)
    if np.linalg.matrix_rank(rr) < rr.shape[1]:  # rank deficient: the minimum-norm solution
        coef, *_ = np.linalg.lstsq(mc, my, rcond=None)
    else:
        coef = np.linalg.solve(rr, np.einsum("np,nb->pb", q, my))  # (p - 1, resamples)
    gamma_rest = coef / scale ** powers[1:, None]
    h = np.einsum("np,pb->nb", cols, coef)
    mu = data.blocks.means(Y - h)  # (blocks, resamples)
    a = mu.mean(axis=0)
    return np.column_stack([a, gamma_rest.T])
