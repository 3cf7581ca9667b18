"""Least-squares refits of one response model to many weightings of one trial's plots at once.

A bootstrap resample of a trial is the trial's plots with new responses (residual and wild
resamples: one weight per plot, the responses change) or with new multiplicities (case
resamples: plots drawn with replacement within blocks, the responses stay).  Both are a
weighted least-squares fit of the model with block effects on the original plots::

    min Σᵢ wᵢ (yᵢ − a − δ_block(i) − h(xᵢ))²

with ``wᵢ`` the number of times plot ``i`` is in the resample, which is exactly the fit of
the resampled data.  :func:`refit_plots` fits a batch of such resamples (rows of ``W`` and
``Y``) without a loop over them, where :mod:`fertopt.curves.batched` needs every block to hold
each rate equally often.

* Every block product is weighted: ``M`` removes each resample's weighted block means.
* Linear models: weighted least squares of the projected columns (a stacked QR).
* Linear and quadratic plateau: between two tested rates the projected curve column is a
  polynomial in the join, so the profiled SSE is a ratio of polynomials whose stationary points
  are the roots of a linear equation (linear plateau) or a quartic (quadratic plateau); the
  quartic's roots are bracketed by its sign changes on the per-trial search grid (33 points a
  segment), cut down by bisection and finished by Newton steps.  The join is the best of these
  roots and the tested rates (and the search cap): the per-trial path's exact step
  (``estimate``) chooses it among the same candidates (its quartic roots from companion
  eigenvalues, too slow for thousands of resamples).
* Mitscherlich: the profiled SSE on the per-trial 400-point grid of the rate parameter, then a
  safeguarded Newton search on its exact derivatives from the lowest grid point.

Each refit then passes the per-trial path's identification rules (a join at or below the first
rate above the lowest, no better than a straight line or a step, ...) and is marked
``failed`` where they fail.  A refit near one of those thresholds, with two minima of nearly
the same SSE, with columns the blocks absorb (rates confounded with blocks), or whose best grid
point lies at a search limit without the profile being monotone there is marked ``refer``: its
caller refits it by the per-trial estimator, so that both paths never decide differently on
rounding.  All resamples of one call share the set of tested rates present (callers group case
resamples by it).

A quartic with two roots in one grid cell (a local minimum and maximum of the profile closer
than a 32nd of the segment) shows no sign change there, where the per-trial path sees both
roots; a refit with a grid point of the profile below its best candidate is therefore
referred.  A hidden minimum that dips below the best candidate between two grid points that
do not is not caught; none turned up in the loop-equality tests and about 1,000 bootstrap
comparisons over simulated designs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fertopt.curves.batched import QP_CAP, grid_minima, safeguarded_newton
from fertopt.curves.models import MODELS, qp_basis

__all__ = ["PlotRefits", "refit_plots"]

# the per-trial path's identification thresholds (curves.engine: relative 1e-9 on an SSE,
# 1e-6 on the nonlinear parameter at a search limit) and the margins around them within which
# a refit is left to that path, so that rounding never decides differently
_REL_SSE = 1e-9
_REL_NL = 1e-6
_SSE_MARGIN = 1e-7
_NL_MARGIN = 1e-5
# another local minimum of the profile closer than this (relative SSE) is a tie: per trial
_TIE = 1e-7
_GRID = 33  # grid points per segment of the per-trial search
_MIT_GRID = 400
_BISECT = 30
_CHUNK = 4096  # resamples fitted together


@dataclass
class PlotRefits:
    """Refits of one model to a batch of resamples (one row each).

    ``theta`` (resamples, p) parameters in the model's order (NaN where not ``ok``);
    ``failed`` the refits the per-trial path would refuse (``FitFailure``); ``refer`` the
    refits to send to the per-trial path (their other entries are meaningless).
    """

    theta: np.ndarray
    failed: np.ndarray
    refer: np.ndarray


def _rows_by(a: np.ndarray, m: np.ndarray) -> np.ndarray:
    """``a @ m`` for the thin matrices of a batch, without BLAS.

    Single-threaded and deterministic: BLAS gains nothing on such products and its threads
    fight over a busy machine's cores (five times slower on two shared cores).
    """
    return np.einsum("ij,jk->ik", a, m)


class _Weighted:
    """Weighted block projection of every resample: ``Mv = v − weighted block mean of v``."""

    def __init__(self, W: np.ndarray, codes: np.ndarray):
        n_blocks = int(codes.max()) + 1 if len(codes) else 1
        self.W = W
        self.codes = codes
        self.D = np.eye(n_blocks)[codes]  # (plots, blocks) indicator
        wb = _rows_by(W, self.D)
        self.inv = np.where(wb > 0, 1.0 / np.where(wb > 0, wb, 1.0), 0.0)

    def means(self, v: np.ndarray) -> np.ndarray:
        """Weighted block means (resamples, blocks) of ``v`` (resamples or 1, plots)."""
        return _rows_by(self.W * v, self.D) * self.inv

    def project(self, v: np.ndarray) -> np.ndarray:
        return v - self.means(v)[:, self.codes]

    def dot(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (self.W * a * b).sum(axis=-1)

    def intercept(self, v: np.ndarray) -> np.ndarray:
        """Intercept of ``v``: the average over blocks of its weighted block means."""
        return self.means(v).mean(axis=1)


def refit_plots(
    model: str, x: np.ndarray, codes: np.ndarray, W: np.ndarray, Y: np.ndarray
) -> PlotRefits:
    """Fit ``model`` with block effects to every weighting ``W`` and response set ``Y``.

    Parameters
    ----------
    model : str
        A name of :data:`fertopt.curves.models.MODELS`.
    x : ndarray (plots,)
        Rate of each plot.
    codes : ndarray (plots,)
        Block code (0, 1, ...) of each plot; every block keeps a positive weight.
    W : ndarray (resamples, plots)
        Weight (multiplicity) of each plot in each resample; the plots of positive weight
        must hold the same rates in every row.
    Y : ndarray (resamples, plots) or (plots,)
        Responses of each resample (one row shared by all).

    Returns
    -------
    PlotRefits

    Examples
    --------
    >>> x = np.repeat([0.0, 50, 100, 150], 2)
    >>> y = 10 + 0.2 * x - 0.001 * x**2
    >>> fits = refit_plots("quadratic", x, np.zeros(8, int), np.ones((1, 8)), y)
    >>> np.round(fits.theta, 9).tolist(), bool(fits.failed[0] | fits.refer[0])
    ([[10.0, 0.2, -0.001]], False)
    """
    x = np.asarray(x, float)
    codes = np.asarray(codes, np.intp)
    W = np.asarray(W, float)
    Y = np.broadcast_to(np.asarray(Y, float), W.shape)
    if len(W) > _CHUNK:  # bounded memory: the Mitscherlich grid is (resamples, 400)
        parts = [
            refit_plots(model, x, codes, W[i : i + _CHUNK], Y[i : i + _CHUNK])
            for i in range(0, len(W), _CHUNK)
        ]
        return PlotRefits(
            theta=np.concatenate([p.theta for p in parts]),
            failed=np.concatenate([p.failed for p in parts]),
            refer=np.concatenate([p.refer for p in parts]),
        )
    spec = MODELS[model]
    levels = np.unique(x[W[0] > 0])
    proj = _Weighted(W, codes)
    with np.errstate(all="ignore"):
        if spec.linear:
            theta = _linear(spec, x, levels, proj, Y)
            failed = np.zeros(len(W), dtype=bool)
            refer = ~np.all(np.isfinite(theta), axis=1)
        elif model == "mitscherlich":
            theta, failed, refer = _mitscherlich(x, levels, proj, Y)
        else:
            theta, failed, refer = _plateau(model, x, levels, proj, Y)
    return PlotRefits(theta=theta, failed=failed & ~refer, refer=refer)


# ---------------------------------------------------------------------------
# linear models
# ---------------------------------------------------------------------------
def _linear(spec, x, levels, proj: _Weighted, Y):
    scale = float(np.max(np.abs(levels))) or 1.0
    z = x / scale
    cols = spec.columns(z)  # (plots, p − 1)
    powers = np.asarray(spec.powers, float)
    my = proj.project(Y)
    mc = np.stack([proj.project(cols[:, j][None, :]) for j in range(cols.shape[1])], axis=-1)
    sw = np.sqrt(proj.W)
    q, r = np.linalg.qr(mc * sw[..., None])
    rhs = np.einsum("bnp,bn->bp", q, my * sw)
    # a weighting whose rates are confounded with its blocks leaves the columns rank deficient:
    # the per-trial least squares returns its minimum-norm solution; left to it
    diag = np.abs(np.diagonal(r, axis1=1, axis2=2))
    singular = ~(diag.min(axis=1) > 1e-10 * diag.max(axis=1))
    r = np.where(singular[:, None, None], np.eye(r.shape[-1])[None], r)
    coef = np.linalg.solve(r, rhs[..., None])[..., 0]  # (resamples, p − 1)
    h = _rows_by(coef, cols.T)
    a = proj.intercept(Y - h)
    theta = np.column_stack([a, coef / scale ** powers[None, 1:]])
    return np.where(singular[:, None], np.nan, theta)


# ---------------------------------------------------------------------------
# shared by the nonlinear models
# ---------------------------------------------------------------------------
def _free_sse(proj: _Weighted, my: np.ndarray, yy: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Profiled SSE of ``My`` on one free multiple of the column ``g`` (per resample)."""
    mg = proj.project(g)
    gg = proj.dot(mg, mg)
    gy = proj.dot(mg, my)
    out = yy - np.where(gg > 0, gy * gy / np.where(gg > 0, gg, 1.0), 0.0)
    return np.maximum(out, 0.0)


def _decide(fail_sure: list[np.ndarray], fail_near: list[np.ndarray]):
    """Failed where any rule surely fails; referred where none does but one is undecided."""
    sure = np.logical_or.reduce(fail_sure)
    near = np.logical_or.reduce(fail_near)
    return sure, near & ~sure


def _above(v, limit, margin):
    """``v >= limit``, and whether ``v`` lies within ``margin`` (relative) of ``limit``."""
    return v >= limit, np.abs(v - limit) <= margin * np.abs(limit)


# ---------------------------------------------------------------------------
# linear and quadratic plateau
# ---------------------------------------------------------------------------
def _poly(coef: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Polynomials (last axis: ascending coefficients) at ``t`` (broadcast)."""
    p = np.zeros(np.broadcast_shapes(coef.shape[:-1], t.shape))
    for i in range(coef.shape[-1] - 1, -1, -1):
        p = p * t + coef[..., i]
    return p


def _roots_in_cells(coef: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A root of each polynomial (rows) in ``[a, b]``, where it changes sign there: bisection to
    2⁻³⁰ of the cell, then three Newton steps kept inside it (quadratic convergence from there
    reaches the last bit of a simple root; a step that would leave the cell is not taken)."""
    lo, hi = a.copy(), b.copy()
    flo = _poly(coef, lo)
    for _ in range(_BISECT):
        mid = 0.5 * (lo + hi)
        fm = _poly(coef, mid)
        left = (fm * flo) <= 0
        hi = np.where(left, mid, hi)
        lo = np.where(left, lo, mid)
        flo = np.where(left, flo, fm)
    t = 0.5 * (lo + hi)
    deriv = coef[:, 1:] * np.arange(1, coef.shape[1])[None, :]
    for _ in range(3):
        f, df = _poly(coef, t), _poly(deriv, t)
        nxt = t - np.where(df != 0, f / np.where(df != 0, df, 1.0), 0.0)
        t = np.where((nxt >= a) & (nxt <= b), nxt, t)
    return t


def _plateau(model, x, levels, proj: _Weighted, Y):
    n_b = len(Y)
    k = len(levels)
    top = float(levels[-1]) or 1.0
    cap = QP_CAP * float(levels[-1])
    z = x / top
    uz = levels / top
    my = proj.project(Y)
    yy = proj.dot(my, my)
    qp = model == "quadratic_plateau"
    nan = np.full((n_b, 3), np.nan)
    if k < 3:
        return nan, np.ones(n_b, dtype=bool), np.zeros(n_b, dtype=bool)
    # candidates: the tested rates above the lowest (and the cap), exactly, ...
    ends = [float(u) for u in levels[1:]] + ([cap] if qp else [])
    basis = qp_basis if qp else np.minimum
    cand_t = [np.full(n_b, t) for t in ends]
    cand_v = [_free_sse(proj, my, yy, basis(x, t)[None, :]) for t in ends]
    # ... and the stationary points of the profile inside each segment between them
    segs = [(float(uz[j]), float(uz[j + 1])) for j in range(k - 1)]
    if qp:
        segs.append((float(uz[-1]), cap / top))
    frac = np.linspace(0.0, 1.0, _GRID)
    quarts, hys, hhs, grids = [], [], [], []
    for j, (lo, hi) in enumerate(segs):
        low = z <= uz[j] * (1 + 1e-12)
        if qp:
            raw = [np.where(low, -z * z / 2, 0.0), np.where(low, z, 0.0), np.where(low, 0.0, 0.5)]
        else:
            raw = [np.where(low, z, 0.0), np.where(low, 0.0, 1.0)]
        P = [proj.project(c[None, :]) for c in raw]
        s = [proj.dot(p, my) for p in P]
        G = [[proj.dot(pa, pb) for pb in P] for pa in P]
        if qp:  # h = P0 + t P1 + t² P2: hᵀMy and hᵀMh are polynomials in t
            hy = np.stack(s, axis=-1)
            hh = np.stack(
                [G[0][0], 2 * G[0][1], G[1][1] + 2 * G[0][2], 2 * G[1][2], G[2][2]], axis=-1
            )
            dhy = np.stack([s[1], 2 * s[2]], axis=-1)
            hdh = np.stack([G[0][1], G[1][1] + 2 * G[0][2], 3 * G[1][2], 2 * G[2][2]], axis=-1)
            quarts.append((_pconv(dhy, hh) - _pconv(hy, hdh))[:, :5])  # t⁵ terms cancel
            hys.append(hy)
            hhs.append(hh)
            grids.append(lo + (hi - lo) * frac)
            continue
        den = s[1] * G[0][1] - s[0] * G[1][1]
        t = ((s[0] * G[0][1] - s[1] * G[0][0]) / den)[:, None]
        t = np.where((den != 0)[:, None] & (t > lo) & (t < hi), t, np.nan)
        hyt = s[0][:, None] + t * s[1][:, None]
        hht = G[0][0][:, None] + 2 * t * G[0][1][:, None] + t * t * G[1][1][:, None]
        cand_t.append(t * top)
        cand_v.append(_profile_at(yy, t, hyt, hht))
    if qp:
        # the quartics' roots: bracketed by their sign changes on the per-trial search grid
        quart = np.stack(quarts, axis=1)  # (resamples, segments, 5)
        grid = np.stack(grids)  # (segments, points)
        powers = grid[..., None] ** np.arange(5)  # (segments, points, 5)
        vals = np.einsum("bsk,sgk->bsg", quart, powers)
        # the profile on the grid: a lower grid point than the best candidate below would
        # reveal a pair of roots hidden in one cell
        hyg = np.einsum("bsk,sgk->bsg", np.stack(hys, axis=1), powers[..., :3])
        hhg = np.einsum("bsk,sgk->bsg", np.stack(hhs, axis=1), powers)
        grid_low = _profile_at(yy, hyg, hyg, hhg).reshape(n_b, -1).min(axis=1)
        prod = vals[..., :-1] * vals[..., 1:]
        rows_, segs_, cells = np.nonzero((prod <= 0) & np.isfinite(prod))
        roots = _roots_in_cells(quart[rows_, segs_], grid[segs_, cells], grid[segs_, cells + 1])
        inside = (roots > grid[segs_, 0]) & (roots < grid[segs_, -1])
        rows_, segs_, cells, roots = rows_[inside], segs_[inside], cells[inside], roots[inside]
        hyt = _poly(np.stack(hys, axis=1)[rows_, segs_], roots)
        hht = _poly(np.stack(hhs, axis=1)[rows_, segs_], roots)
        t = np.full((n_b, len(segs) * (_GRID - 1)), np.nan)
        v = np.full(t.shape, np.inf)
        slot = segs_ * (_GRID - 1) + cells
        t[rows_, slot] = roots * top
        v[rows_, slot] = _profile_at(yy[rows_], roots, hyt, hht)
        cand_t.append(t)
        cand_v.append(v)
    ct = np.column_stack(
        [np.broadcast_to(c.reshape(n_b, -1), (n_b, c.size // n_b)) for c in cand_t]
    )
    cv = np.column_stack([c.reshape(n_b, -1) for c in cand_v])
    cv = np.where(np.isfinite(cv), cv, np.inf)
    rows = np.arange(n_b)
    pick = np.argmin(cv, axis=1)
    nl = ct[rows, pick]
    best = cv[rows, pick]
    far = np.abs(ct - nl[:, None]) > 1e-4 * top
    other = np.where(far, cv, np.inf).min(axis=1)
    refer = ~np.isfinite(best) | ~(other > best + _TIE * best)
    if qp:
        refer |= ~(grid_low >= best * (1 - _TIE))
    # the SSE of the chosen join from its own column, as the per-trial path computes it
    xs = nl[:, None]
    g = np.where(x < xs, x - x * x / (2 * xs), xs / 2) if qp else np.minimum(x, xs)
    sse = _free_sse(proj, my, yy, g)
    line = _free_sse(proj, my, yy, x[None, :])
    step = _free_sse(proj, my, yy, (x > levels[0]).astype(float)[None, :])
    on_end = np.isin(pick, np.arange(len(ends)))  # a tested rate or the cap, exactly
    low_lim = float(levels[1]) * (1 + _REL_NL) + 1e-12
    low_fail = nl <= low_lim
    low_near = ~on_end & (np.abs(nl - low_lim) <= _NL_MARGIN * low_lim)
    hi_lim = (cap if qp else float(levels[-1])) * (1 - _REL_NL)
    hi_fail, hi_near = _above(nl, hi_lim, _NL_MARGIN)
    hi_near &= ~on_end
    step_fail, step_near = _above(sse, step * (1 - _REL_SSE), _SSE_MARGIN)
    line_fail, line_near = _above(sse, line * (1 - _REL_SSE), _SSE_MARGIN)
    failed, near = _decide(
        [low_fail, hi_fail, step_fail, line_fail], [low_near, hi_near, step_near, line_near]
    )
    refer |= near
    b = proj.dot(proj.project(g), my) / proj.dot(proj.project(g), proj.project(g))
    a = proj.intercept(Y - b[:, None] * g)
    theta = np.column_stack([a, b, nl])
    refer |= ~failed & ~np.all(np.isfinite(theta), axis=1)
    return theta, failed, refer


def _profile_at(yy, t, hyt, hht):
    """Profiled SSE ``yᵀMy − (hᵀMy)²/(hᵀMh)`` at the joins ``t`` (inf where ``t`` is NaN)."""
    yy = yy.reshape(yy.shape + (1,) * (t.ndim - yy.ndim))
    v = yy - np.where(hht > 0, hyt * hyt / np.where(hht > 0, hht, 1.0), 0.0)
    return np.where(np.isfinite(t), np.maximum(v, 0.0), np.inf)


def _pconv(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Products of polynomials (rows of ascending coefficients)."""
    out = np.zeros((len(a), a.shape[1] + b.shape[1] - 1))
    for i in range(a.shape[1]):
        out[:, i : i + b.shape[1]] += a[:, i : i + 1] * b
    return out


# ---------------------------------------------------------------------------
# Mitscherlich
# ---------------------------------------------------------------------------
def _mit_terms(proj: _Weighted, x, my, c):
    """``F = (gᵀMy)²/(gᵀMg)``, ``g = exp(−c x)``, and its first two derivatives in ``c``."""
    e = np.exp(-c[:, None] * x[None, :])
    g = proj.project(e)
    g1 = proj.project(-x * e)
    g2 = proj.project(x * x * e)
    P, P1, P2 = proj.dot(g, my), proj.dot(g1, my), proj.dot(g2, my)
    Q = proj.dot(g, g)
    Q1 = 2 * proj.dot(g, g1)
    Q2 = 2 * (proj.dot(g1, g1) + proj.dot(g, g2))
    F1 = (2 * P * P1 * Q - P * P * Q1) / (Q * Q)
    F2 = (2 * (P1 * P1 + P * P2) * Q - P * P * Q2) / (Q * Q) - 2 * Q1 * F1 / Q
    return F1, F2


def _mit_refine(proj: _Weighted, x, my, lo, hi, c):
    """Maximise F over [lo, hi] from c: Newton steps, bisection on the sign of F' when unsafe."""
    c, lo, hi = c.copy(), lo.copy(), hi.copy()
    active = np.arange(len(c))
    for _ in range(100):
        if not len(active):
            break
        sub = _Weighted(proj.W[active], proj.codes)
        ca = c[active]
        F1, F2 = _mit_terms(sub, x, my[active], ca)
        la, ha, nxt, newton = safeguarded_newton(ca, F1, F2, lo[active], hi[active])
        # a Newton step below 1e-14 of c (or a bracket that narrow) is convergence
        done = (F2 < 0) & (np.abs(newton - ca) <= 1e-14 * ca)
        nxt = np.where(done, newton, nxt)
        lo[active], hi[active], c[active] = la, ha, nxt
        done |= (np.abs(nxt - ca) <= 1e-14 * ca) | (ha - la <= 1e-14 * ca)
        active = active[~done]
    return c


def _mitscherlich(x, levels, proj: _Weighted, Y):
    n_b = len(Y)
    span = float(levels[-1] - levels[0]) or 1.0
    positive = levels[levels > 0]
    smallest = float(positive.min()) if len(positive) else span
    lo, hi = 1e-3 / span, 60.0 / smallest
    grid = np.geomspace(lo, hi, _MIT_GRID)
    my = proj.project(Y)
    yy = proj.dot(my, my)
    # profile on the grid (the blocks absorb any constant added to the column): e − 1 keeps
    # the digits of a nearly straight curve, e itself those of a curve that has decayed over
    # the rates (where e − 1 is −1 to rounding at every rate above zero)
    cx = grid[:, None] * x[None, :]
    decayed = grid[:, None] * np.max(np.abs(x)) > 1
    E = np.where(decayed, np.exp(-cx), np.expm1(-cx))  # (grid, plots)
    W = proj.W
    wy = W * my
    sy = _rows_by(wy, E.T)
    s2 = _rows_by(W, (E * E).T)
    scale = s2.copy()
    for j in range(proj.D.shape[1]):  # minus each block's (Σ w e)² / Σ w
        inb = proj.codes == j
        sb = _rows_by(W[:, inb], E[:, inb].T)
        sb *= sb
        sb *= proj.inv[:, j : j + 1]
        s2 -= sb
    gg = s2
    # a column that the blocks nearly absorb (Σw(Me)² lost to cancellation) has no reliable
    # profile value: such a refit is left to the per-trial path
    unsure = ~(gg > 1e-9 * scale).all(axis=1)
    sy *= sy
    sy /= np.where(gg > 0, gg, np.inf)
    vals = yy[:, None] - sy
    vals = np.where(np.isfinite(vals), np.maximum(vals, 0.0), np.inf)
    n = _MIT_GRID
    rows = np.arange(n_b)
    local, i1, _, i2, has2 = grid_minima(vals)
    # the lowest grid point at a search limit, with the profile monotone over the grid cell
    # next to it: the per-trial search ends at that limit and refuses the fit (no
    # diminishing returns at the lower limit, the whole response before the first rate at
    # the upper); otherwise it is left to that search
    at_lo, at_hi = i1 == 0, i1 == n - 1
    edge = np.flatnonzero(at_lo | at_hi)
    edge_fail = np.zeros(n_b, dtype=bool)
    if len(edge):
        sub = _Weighted(W[edge], proj.codes)
        low = at_lo[edge]
        F1a, _ = _mit_terms(sub, x, my[edge], np.where(low, grid[0], grid[n - 2]))
        F1b, _ = _mit_terms(sub, x, my[edge], np.where(low, grid[1], grid[n - 1]))
        edge_fail[edge] = np.where(low, (F1a < 0) & (F1b < 0), (F1a > 0) & (F1b > 0))
    refer = ((at_lo | at_hi) & ~edge_fail) | ~np.isfinite(vals[rows, i1]) | unsure

    def refine(sel, i):
        sub = _Weighted(W[sel], proj.codes)
        c = _mit_refine(
            sub,
            x,
            my[sel],
            grid[np.maximum(i - 1, 0)],
            grid[np.minimum(i + 1, n - 1)],
            grid[i],
        )
        v = _free_sse(sub, my[sel], yy[sel], np.exp(-c[:, None] * x[None, :]))
        return c, v

    c, first = refine(rows, i1)
    # the second-lowest grid minimum is refined (and compared) unless even ten times the drop
    # to the vertex of the parabola through it and its neighbours keeps it clearly above the
    # first: a flat stretch of the profile (the rate parameter so large that the curve is a
    # step) holds many equal grid minima that cannot compete
    v0 = vals[rows, i2]
    vm = vals[rows, np.maximum(i2 - 1, 0)]
    vp = vals[rows, np.minimum(i2 + 1, n - 1)]
    curv = vm - 2 * v0 + vp
    drop = np.where(curv > 0, (vm - vp) ** 2 / (8 * np.where(curv > 0, curv, 1.0)), 0.0)
    drop = np.where(np.isfinite(drop), drop, np.inf)
    contends = ~(v0 - 10 * drop > first * (1 + 1e-6))
    two = np.flatnonzero(has2 & ~refer & contends)
    if len(two):
        _c2, second = refine(two, i2[two])
        refer[two] |= ~(second > first[two] + _TIE * first[two])
    # the per-trial grid search starts from the grid points next to c
    step_log = np.log(hi / lo) / (n - 1)
    pos = (np.log(c) - np.log(lo)) / step_log
    near_idx = np.clip(np.floor(pos).astype(np.intp)[:, None] + np.arange(-1, 3), 0, n - 1)
    mine = np.abs(near_idx - pos[:, None]) <= 1 + 1e-9
    own = np.where(mine, np.take_along_axis(vals, near_idx, 1), np.inf).min(axis=1)
    beside = np.zeros(vals.shape, dtype=bool)
    np.put_along_axis(beside, near_idx, mine, 1)  # clipped duplicates carry the same flag
    other = np.where(local & ~beside, vals, np.inf).min(axis=1)
    refer |= ~(own < other * (1 - _TIE))
    line = _free_sse(proj, my, yy, x[None, :])
    step = _free_sse(proj, my, yy, (x > levels[0]).astype(float)[None, :])
    lo_fail = c <= lo * (1 + _REL_NL)
    lo_near = np.abs(c - lo * (1 + _REL_NL)) <= _NL_MARGIN * lo
    hi_fail, hi_near = _above(c, hi * (1 - _REL_NL), _NL_MARGIN)
    line_fail, line_near = _above(first, line * (1 - _REL_SSE), _SSE_MARGIN)
    step_fail, step_near = _above(first, step * (1 - _REL_SSE), _SSE_MARGIN)
    g = np.exp(-c[:, None] * x[None, :])
    mg = proj.project(g)
    b = proj.dot(mg, my) / proj.dot(mg, mg)
    a = proj.intercept(Y - b[:, None] * g)
    ratio = -b / a
    shape_fail = (a == 0) | ~(ratio > 0)
    failed, near = _decide(
        [edge_fail, lo_fail, hi_fail, line_fail, step_fail, shape_fail],
        [lo_near, hi_near, line_near, step_near],
    )
    refer |= near
    s = -np.log(np.where(ratio > 0, ratio, 1.0)) / c
    theta = np.column_stack([a, c, s])
    refer |= ~failed & ~np.all(np.isfinite(theta), axis=1)
    return theta, failed, refer
