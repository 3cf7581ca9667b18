"""Least-squares fits of one response model to many trials at once (arrays, no loop over trials).

The per-trial estimator (:mod:`fertopt.curves.engine`) fits plot data.  When every level of
the rate carries the same block pattern (a balanced RCBD, or a CRD), the block effects are
orthogonal to every function of the rate, and the residual sum of squares of any response
curve ``h`` splits into a part the curve cannot change and a weighted sum over the rate
levels::

    SSE(h) = SS_pure + Σ_l w_l (ȳ_l − ȳ − (h_l − h̄))²,    h̄ = Σ w_l h_l / Σ w_l

with ``w_l`` the number of plots at level ``l`` and ``SS_pure`` the residual of the ANOVA
with one mean per level (and the blocks).  So a trial is its levels, its level means and
weights, and ``SS_pure``, and a batch of trials is a few ``(trials, levels)`` arrays.

* Linear models (linear, quadratic, square root): weighted least squares by a batched QR of
  the design on the rate divided by its largest value (as the per-trial path rescales).
* Linear plateau: between two tested rates the join makes the model linear in
  ``(a, b, b·x₀)`` (Hudson 1966), so each segment is one weighted regression; the join is
  accepted inside its segment.
* Quadratic plateau: between two tested rates the profiled SSE is ``SS − (hᵀy)²/(hᵀh)`` with
  ``h = x₀·basis`` a quadratic polynomial in ``x₀``; its stationary points are the roots of a
  quartic (companion-matrix eigenvalues, polished by Newton).
* Mitscherlich: the per-trial grid of the rate parameter, then a safeguarded Newton search
  on the exact first and second derivatives of the profiled SSE.

The answer is the exact least-squares solution, which the per-trial path reaches too (grid,
Brent and :func:`scipy.optimize.least_squares` polishing, then the exact stationary point of
the profiled SSE; for the plateau models over every segment).  A trial whose best fit lies where
the per-trial path takes a special branch (the join at a tested rate or at a search limit, a
fit no better than a straight line or a step, two local minima of nearly equal SSE, a
near-singular Jacobian) is marked ``refer``: its caller sends it to the per-trial path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fertopt.curves.models import MODELS

__all__ = ["LevelFits", "fit_levels", "QP_CAP"]

#: The quadratic-plateau join is searched up to this multiple of the top rate (as per trial).
QP_CAP = 10.0

# Decisions the per-trial path takes at a relative threshold of 1e-9 (SSE) or 1e-6 (the
# nonlinear parameter at a search limit) are left to it when a trial lies within these wider
# margins, so that both paths never decide differently on rounding.
_SSE_MARGIN = 1e-7
_EDGE_MARGIN = 1e-5
# two local minima of the profile closer than this (relative SSE) are a tie: per trial
_TIE = 1e-7
# a Jacobian whose scaled singular values span more than this goes per trial (it refuses 1e10)
_COND = 1e-7


@dataclass
class LevelFits:
    """Fits of one model to a batch of trials (one row per trial).

    ``theta`` (trials, p) parameters in the model's order; ``sse`` residual sums of squares;
    ``cov`` (trials, p, p) the unscaled covariance ``(JᵀJ)⁻¹`` of the parameters (block
    effects profiled out); ``refer`` trials to send to the per-trial path (their other
    entries are meaningless); ``on_rate`` linear-plateau fits whose join is exactly a tested
    rate (``fit_response`` warns about them).
    """

    theta: np.ndarray
    sse: np.ndarray
    cov: np.ndarray
    refer: np.ndarray
    on_rate: np.ndarray


def _wmean(v: np.ndarray, w: np.ndarray) -> np.ndarray:
    return (v * w).sum(axis=-1) / w.sum(axis=-1)


def _centre(v: np.ndarray, w: np.ndarray) -> np.ndarray:
    return v - _wmean(v, w)[..., None]


def _wdot(u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    return (u * v * w).sum(axis=-1)


def fit_levels(
    model: str,
    x: np.ndarray,
    m: np.ndarray,
    w: np.ndarray,
    base: np.ndarray,
    offset: np.ndarray | None = None,
) -> LevelFits:
    """Fit ``model`` to every trial of a batch given by its rate levels.

    Parameters
    ----------
    model : str
        A name of :data:`fertopt.curves.models.MODELS`.
    x : ndarray (trials, levels)
        Distinct rates of each trial, ascending.
    m : ndarray (trials, levels)
        Mean response at each rate (may be shifted by ``offset``).
    w : ndarray (trials, levels) or (levels,)
        Plots at each rate.
    base : ndarray (trials,)
        Residual SS with one mean per rate (and the block effects): the part of every
        model's SSE that no curve changes.
    offset : ndarray (trials,), optional
        Added back to the intercept (or asymptote) when ``m`` was shifted.

    Returns
    -------
    LevelFits

    Examples
    --------
    >>> x = np.array([[0.0, 60, 120, 180, 240]])
    >>> m = 5000 + 30 * x - 0.08 * x**2
    >>> fits = fit_levels("quadratic", x, m, np.full(5, 4.0), np.array([1000.0]))
    >>> np.round(fits.theta, 6).tolist(), round(float(fits.sse[0]), 6)
    ([[5000.0, 30.0, -0.08]], 1000.0)
    """
    x = np.asarray(x, float)
    m = np.asarray(m, float)
    w = np.broadcast_to(np.asarray(w, float), x.shape)
    base = np.asarray(base, float)
    offset = np.zeros(len(x)) if offset is None else np.asarray(offset, float)
    spec = MODELS[model]
    on_rate = np.zeros(len(x), dtype=bool)
    if model == "mitscherlich":  # the asymptote is not an intercept: fit the unshifted means
        m, offset = m + offset[:, None], np.zeros(len(x))
    with np.errstate(all="ignore"):
        if spec.linear:
            theta, refer = _linear(spec.powers, x, m, w)
        elif model == "linear_plateau":
            theta, refer, on_rate = _linear_plateau(x, m, w, base)
        elif model == "quadratic_plateau":
            theta, refer = _quadratic_plateau(x, m, w, base)
        else:
            theta, refer = _mitscherlich(x, m, w, base)
        theta[:, 0] += offset
        fitted = curve_values(spec.name, x, theta)
        resid = m + offset[:, None] - fitted
        sse = base + _wdot(resid, resid, w)
        cov, singular = _covariance(spec.name, x, w, theta)
    refer = refer | singular | ~np.isfinite(sse) | ~np.all(np.isfinite(theta), axis=1)
    return LevelFits(theta=theta, sse=sse, cov=cov, refer=refer, on_rate=on_rate & ~refer)


def curve_values(name: str, x: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """The model's values for many curves at once: ``theta`` (curves, p) and ``x`` (curves,),
    one rate per curve, or (curves, levels), every curve at its levels.

    Examples
    --------
    >>> theta = np.array([[10.0, 2.0, -0.01], [20.0, 1.0, 0.0]])
    >>> curve_values("quadratic", np.array([100.0, 50.0]), theta).tolist()
    [110.0, 70.0]
    >>> curve_values("quadratic", np.array([[0.0, 100.0], [0.0, 50.0]]), theta).tolist()
    [[10.0, 110.0], [20.0, 70.0]]
    """
    t = [theta[:, j].reshape((-1,) + (1,) * (np.ndim(x) - 1)) for j in range(theta.shape[1])]
    if name == "linear":
        return t[0] + t[1] * x
    if name == "quadratic":
        return t[0] + t[1] * x + t[2] * x * x
    if name == "square_root":
        return t[0] + t[1] * np.sqrt(x) + t[2] * x
    if name == "linear_plateau":
        return t[0] + t[1] * np.minimum(x, t[2])
    if name == "quadratic_plateau":
        return t[0] + t[1] * _qp_basis(x, t[2])
    return t[0] * (1 - np.exp(-t[1] * (x + t[2])))


def _qp_basis(x: np.ndarray, xs: np.ndarray) -> np.ndarray:
    return np.where(x < xs, x - x * x / (2 * xs), xs / 2)


def jacobians(model: str, x: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """``∂f/∂θ`` of every trial at its levels, (trials, levels, p)."""
    t = [theta[:, j : j + 1] for j in range(theta.shape[1])]
    one = np.ones_like(x)
    if model == "linear":
        cols = [one, x]
    elif model == "quadratic":
        cols = [one, x, x * x]
    elif model == "square_root":
        cols = [one, np.sqrt(x), x]
    elif model == "linear_plateau":
        cols = [one, np.minimum(x, t[2]), np.where(x > t[2], t[1], 0.0)]
    elif model == "quadratic_plateau":
        b, xs = t[1], t[2]
        cols = [one, _qp_basis(x, xs), np.where(x < xs, b * x * x / (2 * xs * xs), b / 2)]
    else:
        A, c, s = t
        e = np.exp(-c * (x + s))
        cols = [1 - e, A * (x + s) * e, A * c * e]
    return np.stack(cols, axis=-1)


def _covariance(model: str, x: np.ndarray, w: np.ndarray, theta: np.ndarray):
    """``(JᵀWJ)⁻¹`` from the column-scaled Jacobian, and the trials where it is near singular."""
    p = theta.shape[1]
    J = jacobians(model, x, theta) * np.sqrt(w)[..., None]
    norms = np.sqrt(np.einsum("tlp,tlp->tp", J, J))
    bad = ~np.all(np.isfinite(J), axis=(1, 2)) | np.any(norms == 0, axis=1)
    norms = np.where(bad[:, None], 1.0, norms)
    Js = np.where(bad[:, None, None], np.eye(J.shape[1], p)[None], J / norms[:, None, :])
    s = np.linalg.svd(Js, compute_uv=False)
    bad |= ~(s[:, -1] > _COND * s[:, 0])
    R = np.linalg.qr(Js, mode="r")
    R = np.where(bad[:, None, None], np.eye(p)[None], R)
    Rinv = np.linalg.inv(R)
    inv = Rinv @ np.swapaxes(Rinv, 1, 2)
    return inv / (norms[:, :, None] * norms[:, None, :]), bad


# ---------------------------------------------------------------------------
# linear models
# ---------------------------------------------------------------------------
def _linear(powers: tuple[float, ...], x: np.ndarray, m: np.ndarray, w: np.ndarray):
    scale = np.max(np.abs(x), axis=1)
    scale = np.where(scale > 0, scale, 1.0)
    z = x / scale[:, None]
    sw = np.sqrt(w)
    X = np.stack([z**p for p in powers], axis=-1) * sw[..., None]
    q, r = np.linalg.qr(X)
    rhs = np.einsum("tlp,tl->tp", q, m * sw)
    diag = np.abs(np.diagonal(r, axis1=1, axis2=2))
    refer = ~(diag.min(axis=1) > 1e-10 * diag.max(axis=1)) | (x.shape[1] < len(powers))
    r = np.where(refer[:, None, None], np.eye(len(powers))[None], r)
    gamma = np.linalg.solve(r, rhs[..., None])[..., 0]
    theta = gamma / scale[:, None] ** np.asarray(powers, float)[None, :]
    return theta, refer


# ---------------------------------------------------------------------------
# shared by the nonlinear models
# ---------------------------------------------------------------------------
def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b.T`` for a few columns (levels) as a sum of outer products.

    Deterministic and single-threaded: a BLAS product of such thin matrices gains nothing and
    its threads fight over a busy machine's cores.
    """
    out = a[:, :1] * b[None, :, 0]
    for j in range(1, a.shape[1]):
        out += a[:, j : j + 1] * b[None, :, j]
    return out


def _profile(g: np.ndarray, yc: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``Σw(yc − b·gc)²`` minimised over ``b`` (``gc`` the weighted centred ``g``), per column.

    ``g`` is (trials, candidates, levels); ``yc`` (trials, levels) is already centred.
    """
    wc = w[:, None, :]
    gc = g - ((g * wc).sum(axis=-1) / wc.sum(axis=-1))[..., None]
    gg = (gc * gc * wc).sum(axis=-1)
    gy = (gc * yc[:, None, :] * wc).sum(axis=-1)
    yy = (yc * yc * w).sum(axis=-1)[:, None]
    out = yy - np.where(gg > 0, gy * gy / np.where(gg > 0, gg, 1.0), 0.0)
    return np.maximum(out, 0.0)


def _slope_intercept(g: np.ndarray, m: np.ndarray, w: np.ndarray):
    """Weighted regression of ``m`` on one column ``g`` (trials, levels): (a, b)."""
    gc = _centre(g, w)
    yc = _centre(m, w)
    b = _wdot(gc, yc, w) / _wdot(gc, gc, w)
    a = _wmean(m, w) - b * _wmean(g, w)
    return a, b


def _references(x: np.ndarray, yc: np.ndarray, w: np.ndarray):
    """Profiled SSE (without the pure part) of a straight line and of a step after the lowest."""
    line = _profile(x[:, None, :], yc, w)[:, 0]
    step = _profile((x > x[:, :1]).astype(float)[:, None, :], yc, w)[:, 0]
    return line, step


_GRID = 33  # grid points per segment of the per-trial search


def _grid_values(basis, z, yc, w, bounds: list[tuple[np.ndarray, np.ndarray]]):
    """The per-trial search grid (``_GRID`` points per segment) and the profile on it.

    Returns ``pts`` ((1 or trials), points) and ``vals`` (trials, points).  When every trial
    has the same rates and weights the curve columns are computed once for all.
    """
    frac = np.linspace(0.0, 1.0, _GRID)
    shared = bool(np.all(z == z[:1]) and np.all(w == w[:1]))
    rows = slice(0, 1) if shared else slice(None)
    pts = np.concatenate(
        [lo[rows, None] + (hi - lo)[rows, None] * frac[None, :] for lo, hi in bounds], axis=1
    )
    if shared:
        g = basis(z[0][None, :], pts[0][:, None])  # (points, levels)
        wc = w[0]
        gc = g - ((g * wc).sum(axis=1) / wc.sum())[:, None]
        gg = (gc * gc * wc).sum(axis=1)
        gy = _cross(w * yc, gc)
        yy = (yc * yc * w).sum(axis=1)[:, None]
        inv = np.where(gg > 0, 1.0 / np.where(gg > 0, gg, 1.0), 0.0)
        vals = yy - gy * gy * inv
    else:
        vals = _profile(basis(z[:, None, :], pts[..., None]), yc, w)
    return pts, vals


def _grid_check(pts, vals, bounds: list[tuple[np.ndarray, np.ndarray]], t, base):
    """Whether the per-trial grid search starts from the exact minimum ``t``.

    The per-trial path keeps the lowest local minima of the profile on its grid and refines
    them between their neighbouring grid points; it reaches ``t`` when the grid points next
    to ``t`` are lower than every other local minimum of the grid.  A tie (a flat segment,
    a minimum a hair above a tested rate) goes per trial.
    """
    n_t = len(vals)
    n_seg = len(bounds)
    v = vals.reshape(n_t, n_seg, _GRID)
    local = np.ones(v.shape, dtype=bool)
    local[:, :, 1:] &= v[:, :, 1:] <= v[:, :, :-1]
    local[:, :, :-1] &= v[:, :, :-1] <= v[:, :, 1:]
    local = local.reshape(n_t, -1)
    los = np.column_stack([b[0] for b in bounds])
    his = np.column_stack([b[1] for b in bounds])
    seg_of = (t[:, None] >= los).sum(axis=1) - 1
    seg_of = np.clip(seg_of, 0, n_seg - 1)[:, None]
    lo_t = np.take_along_axis(los, seg_of, 1)[:, 0]
    hi_t = np.take_along_axis(his, seg_of, 1)[:, 0]
    h = (hi_t - lo_t) / (_GRID - 1) * (1 + 1e-9)
    mine = np.abs(pts - t[:, None]) <= h[:, None]
    own = np.where(mine, vals, np.inf).min(axis=1)
    local &= ~mine
    other = np.where(local, vals, np.inf).min(axis=1)
    return (own + base) < (other + base) * (1 - _TIE)


def _degenerate(sse: np.ndarray, line: np.ndarray, step: np.ndarray, base: np.ndarray):
    """No better than a straight line or a step (or within the margin of the per-trial test)."""
    total = sse + base
    return ~(total < (line + base) * (1 - _SSE_MARGIN)) | ~(
        total < (step + base) * (1 - _SSE_MARGIN)
    )


# ---------------------------------------------------------------------------
# linear plateau
# ---------------------------------------------------------------------------
def _linear_plateau(x: np.ndarray, m: np.ndarray, w: np.ndarray, base: np.ndarray):
    n_t, k = x.shape
    top = x[:, -1:]
    z = x / np.where(top > 0, top, 1.0)
    yc = _centre(m, w)
    best = np.full(n_t, np.inf)
    join = np.full(n_t, np.nan)
    idx = np.arange(k)
    for j in range(1, k - 1):
        low = idx <= j
        u1 = _centre(np.where(low, z, 0.0), w)
        u2 = _centre(np.where(low, 0.0, 1.0) + 0 * z, w)
        a11, a12, a22 = _wdot(u1, u1, w), _wdot(u1, u2, w), _wdot(u2, u2, w)
        r1, r2 = _wdot(u1, yc, w), _wdot(u2, yc, w)
        det = a11 * a22 - a12 * a12
        b = (a22 * r1 - a12 * r2) / det
        c = (a11 * r2 - a12 * r1) / det
        t = c / b
        inside = (t > z[:, j]) & (t < z[:, j + 1]) & (det > 0)
        val = _profile(np.minimum(z, np.where(inside, t, z[:, j])[:, None])[:, None, :], yc, w)[
            :, 0
        ]
        better = inside & (val < best)
        best = np.where(better, val, best)
        join = np.where(better, t, join)
    kinks = _profile(np.minimum(z[:, None, :], z[:, 1:, None]), yc, w)  # join at each rate
    # the best join exactly at a tested rate (a kink of the profile) that is neither the first
    # rate above the lowest nor the highest: the per-trial polish lands on that rate too
    ranked = np.sort(kinks, axis=1)
    kbest = ranked[:, 0]
    kidx = np.argmin(kinks, axis=1) + 1
    clear = kbest + _TIE * (kbest + base)
    on_rate = (clear < best) & (kidx >= 2) & (kidx <= k - 2)
    if k > 2:
        on_rate &= ranked[:, 1] > clear
    best = np.where(on_rate, kbest, best)
    join = np.where(on_rate, np.take_along_axis(z, kidx[:, None], axis=1)[:, 0], join)
    refer = ~np.isfinite(best) | (~on_rate & ~(kbest > best + _TIE * (best + base)))
    line, step = _references(z, yc, w)
    refer |= _degenerate(best, line, step, base) | (k < 3)
    refer |= ~(join > z[:, 1] * (1 + _EDGE_MARGIN)) | ~(join < z[:, -1] * (1 - _EDGE_MARGIN))
    near_rate = np.abs(z - join[:, None]) <= _EDGE_MARGIN * np.maximum(np.abs(join), 1.0)[:, None]
    refer |= near_rate.any(axis=1) & ~on_rate
    xs = np.where(refer, 0.5 * (z[:, 0] + z[:, -1]), join) * top[:, 0]
    xs = np.where(on_rate & ~refer, np.take_along_axis(x, kidx[:, None], axis=1)[:, 0], xs)
    a, b = _slope_intercept(np.minimum(x, xs[:, None]), m, w)
    return np.column_stack([a, b, xs]), refer, on_rate & ~refer


# ---------------------------------------------------------------------------
# quadratic plateau
# ---------------------------------------------------------------------------
def _conv(a: list[np.ndarray], b: list[np.ndarray]) -> list[np.ndarray]:
    out = [np.zeros_like(a[0]) for _ in range(len(a) + len(b) - 1)]
    for i, ai in enumerate(a):
        for j, bj in enumerate(b):
            out[i + j] = out[i + j] + ai * bj
    return out


def _qp_quartics(z: np.ndarray, yc: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Coefficients (trials, segments, 5; ascending) of the quartic whose roots are the
    stationary points of the profiled SSE over the join in each segment.

    In segment ``j`` (join between the ``j``-th and next rate, or beyond the top one)
    ``h = x₀·basis = P0 + x₀ P1 + x₀² P2`` and the profile is ``yᵀy − (hᵀy)²/(hᵀh)``, whose
    derivative vanishes where ``(h'ᵀy)(hᵀh) − (hᵀy)(hᵀh') = 0`` (the x₀⁵ terms cancel).
    """
    k = z.shape[1]
    idx = np.arange(k)
    out = []
    for j in range(k):
        low = idx <= j
        P0 = _centre(np.where(low, -z * z / 2, 0.0), w)
        P1 = _centre(np.where(low, z, 0.0), w)
        P2 = _centre(np.where(low, 0.0, 0.5) + 0 * z, w)
        P = (P0, P1, P2)
        s = [_wdot(Pk, yc, w) for Pk in P]
        G = [[_wdot(P[a], P[b], w) for b in range(3)] for a in range(3)]
        hy = [s[0], s[1], s[2]]
        dhy = [s[1], 2 * s[2]]
        hh = [G[0][0], 2 * G[0][1], G[1][1] + 2 * G[0][2], 2 * G[1][2], G[2][2]]
        hdh = [G[0][1], G[1][1] + 2 * G[0][2], 3 * G[1][2], 2 * G[2][2]]
        q = [u - v for u, v in zip(_conv(dhy, hh), _conv(hy, hdh), strict=True)]
        out.append(np.column_stack(q[:5]))
    return np.stack(out, axis=1)


def _poly(coef: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Value and derivative of polynomials (rows of ascending coefficients) at ``t``."""
    p = np.zeros_like(t)
    dp = np.zeros_like(t)
    for i in range(coef.shape[1] - 1, -1, -1):
        dp = dp * t + p
        p = p * t + coef[:, i]
    return p, dp


def _cell_root(coef: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A root of each polynomial inside ``[a, b]`` where it changes sign (NaN where it does
    not): bisection to the last bit, then two Newton steps kept inside the cell."""
    fa, _ = _poly(coef, a)
    fb, _ = _poly(coef, b)
    has = (fa * fb <= 0) & np.isfinite(fa) & np.isfinite(fb)
    lo, hi, flo = a.copy(), b.copy(), fa
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        fm, _ = _poly(coef, mid)
        left = (fm * flo) <= 0
        hi = np.where(left, mid, hi)
        lo = np.where(left, lo, mid)
        flo = np.where(left, flo, fm)
    t = 0.5 * (lo + hi)
    for _ in range(2):
        f, df = _poly(coef, t)
        nxt = t - np.where(df != 0, f / np.where(df != 0, df, 1.0), 0.0)
        t = np.where((nxt >= a) & (nxt <= b), nxt, t)
    return np.where(has, t, np.nan)


def _quadratic_plateau(x: np.ndarray, m: np.ndarray, w: np.ndarray, base: np.ndarray):
    n_t, k = x.shape
    top = x[:, -1:]
    z = x / np.where(top > 0, top, 1.0)
    yc = _centre(m, w)
    if k < 3:
        xs = top[:, 0]
        a, b = _slope_intercept(_qp_basis(x, xs[:, None]), m, w)
        return np.column_stack([a, b, xs]), np.ones(n_t, dtype=bool)
    bounds = [(z[:, j], z[:, j + 1]) for j in range(k - 1)]
    bounds.append((z[:, -1], np.full(n_t, QP_CAP)))
    pts, grid_vals = _grid_values(_qp_basis, z, yc, w, bounds)
    pts = np.broadcast_to(pts, grid_vals.shape)
    n_pts = pts.shape[1]
    # the exact minimum lies in one of the two grid cells beside the lowest grid point (the
    # cells the per-trial path refines); each cell lies in one segment, whose quartic gives it
    best = np.argmin(grid_vals, axis=1)
    seg, pos = best // _GRID, best % _GRID
    rows = np.arange(n_t)
    quartics = _qp_quartics(z, yc, w)
    cells = []
    for side in (-1, 1):
        inner = (pos > 0) if side < 0 else (pos < _GRID - 1)
        outer = (seg > 0) if side < 0 else (seg < k - 1)
        s_idx = np.where(inner, seg, seg + side)
        a_idx = np.where(inner, best, best + side)
        b_idx = a_idx + side
        ok = inner | outer
        s_idx = np.clip(s_idx, 0, k - 1)
        a_idx = np.clip(a_idx, 0, n_pts - 1)
        b_idx = np.clip(b_idx, 0, n_pts - 1)
        ends = np.sort(np.column_stack([pts[rows, a_idx], pts[rows, b_idx]]), axis=1)
        cells.append((quartics[rows, s_idx], ends, ok))
    cand = []
    for q, ends, ok in cells:
        r = _cell_root(q, ends[:, 0], ends[:, 1])
        cand.append(np.where(ok, r, np.nan)[:, None])
    cand = np.concatenate(cand, axis=1)
    safe = np.where(np.isfinite(cand), cand, 1.0)
    vals = np.where(
        np.isfinite(cand), _profile(_qp_basis(z[:, None, :], safe[..., None]), yc, w), np.inf
    )
    pick = np.argmin(vals, axis=1)
    first = vals[rows, pick]
    t1 = safe[rows, pick]
    lowest = grid_vals[rows, best]
    refer = ~np.isfinite(first) | ~(first <= lowest + 1e-12 * (lowest + base))
    refer |= (best == 0) | (best == n_pts - 1)
    line, step = _references(z, yc, w)
    refer |= _degenerate(first, line, step, base)
    refer |= ~(t1 > z[:, 1] * (1 + _EDGE_MARGIN)) | ~(t1 < QP_CAP * (1 - _EDGE_MARGIN))
    t1 = np.where(refer, 1.0, t1)
    refer |= ~_grid_check(pts, grid_vals, bounds, t1, base)
    xs = t1 * top[:, 0]
    a, b = _slope_intercept(_qp_basis(x, xs[:, None]), m, w)
    return np.column_stack([a, b, xs]), refer


# ---------------------------------------------------------------------------
# Mitscherlich
# ---------------------------------------------------------------------------
_MIT_GRID = 400  # as the per-trial search


def _mit_derivatives(c: np.ndarray, x: np.ndarray, yc: np.ndarray, w: np.ndarray):
    """``F = (gᵀy)²/(gᵀg)`` with ``g = exp(−c x)`` centred, and its first two derivatives in c."""
    e = np.exp(-c[:, None] * x)
    g = _centre(e, w)
    g1 = _centre(-x * e, w)
    g2 = _centre(x * x * e, w)
    P, P1, P2 = _wdot(g, yc, w), _wdot(g1, yc, w), _wdot(g2, yc, w)
    Q = _wdot(g, g, w)
    Q1 = 2 * _wdot(g, g1, w)
    Q2 = 2 * (_wdot(g1, g1, w) + _wdot(g, g2, w))
    F = P * P / Q
    F1 = (2 * P * P1 * Q - P * P * Q1) / (Q * Q)
    F2 = (2 * (P1 * P1 + P * P2) * Q - P * P * Q2) / (Q * Q) - 2 * Q1 * F1 / Q
    return F, F1, F2


def safeguarded_newton(
    c: np.ndarray, d1: np.ndarray, d2: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One step towards the maximum of a function inside the bracket ``[lo, hi]`` (a rate
    parameter, positive): its first and second derivatives ``d1``, ``d2`` at ``c`` narrow the
    bracket, and the Newton step is taken where it is a step up a concave function that stays
    inside it, else the geometric midpoint.  Returns ``(lo, hi, next c, Newton's c)``.

    Examples
    --------
    >>> lo, hi, nxt, newton = safeguarded_newton(  # f = -(c - 2)², at c = 1: f' = 2, f'' = -2
    ...     np.array([1.0]), np.array([2.0]), np.array([-2.0]), np.array([0.5]), np.array([8.0]))
    >>> float(lo[0]), float(hi[0]), float(nxt[0])
    (1.0, 8.0, 2.0)
    """
    lo = np.where(d1 > 0, c, lo)
    hi = np.where(d1 < 0, c, hi)
    newton = c - d1 / d2
    ok = (d2 < 0) & (newton > lo) & (newton < hi) & np.isfinite(newton)
    nxt = np.where(ok, newton, np.sqrt(lo * hi))
    return lo, hi, np.where(d1 == 0, c, nxt), newton


def grid_minima(vals: np.ndarray) -> tuple[np.ndarray, ...]:
    """The local minima of each row of a profile on a grid, the lowest and the next:
    ``(local, i1, value at i1, i2, whether there is a second)``; ``local`` marks the points
    no higher than their neighbours (the ends with their one neighbour).

    Examples
    --------
    >>> local, i1, v1, i2, has2 = grid_minima(np.array([[3.0, 1.0, 2.0, 0.5, 4.0]]))
    >>> local[0].tolist(), int(i1[0]), float(v1[0]), int(i2[0]), bool(has2[0])
    ([False, True, False, True, False], 3, 0.5, 1, True)
    """
    local = np.ones(vals.shape, dtype=bool)
    local[:, 1:] &= vals[:, 1:] <= vals[:, :-1]
    local[:, :-1] &= vals[:, :-1] <= vals[:, 1:]
    masked = np.where(local, vals, np.inf)
    rows = np.arange(len(vals))
    i1 = np.argmin(masked, axis=1)
    first = masked[rows, i1]
    masked[rows, i1] = np.inf
    i2 = np.argmin(masked, axis=1)
    return local, i1, first, i2, np.isfinite(masked[rows, i2])


def _mit_refine(lo: np.ndarray, hi: np.ndarray, c: np.ndarray, x, yc, w) -> np.ndarray:
    """Maximise F over [lo, hi] from c: Newton steps, bisection on the sign of F' when unsafe.

    Only the trials still moving are iterated.
    """
    c, lo, hi = c.copy(), lo.copy(), hi.copy()
    active = np.arange(len(c))
    for _ in range(100):
        if not len(active):
            break
        ca = c[active]
        _, F1, F2 = _mit_derivatives(ca, x[active], yc[active], w[active])
        la, ha, nxt, _ = safeguarded_newton(ca, F1, F2, lo[active], hi[active])
        lo[active], hi[active], c[active] = la, ha, nxt
        moving = ~(np.abs(nxt - ca) <= 1e-14 * ca)
        active = active[moving]
    return c


def _grid_profile(grid: np.ndarray, x: np.ndarray, yc: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Profiled SSE at every grid value of the Mitscherlich rate (trials, grid).

    ``expm1(−c x)`` keeps the digits of a nearly straight curve (small c); the centring is
    done on the sums.  When every trial of the batch has the same rates and weights (the
    usual case) the curve columns are computed once for all trials.
    """
    W = w.sum(axis=1)
    wy = w * yc
    yy = (wy * yc).sum(axis=1)
    if np.all(x == x[:1]) and np.all(w == w[:1]) and np.all(grid == grid[:1]):
        E = np.expm1(-grid[0][:, None] * x[0][None, :])  # (grid, levels)
        s1 = (E @ w[0])[None, :]
        s2 = ((E * E) @ w[0])[None, :]
        sy = _cross(wy, E)
    else:
        E = np.expm1(-grid[:, :, None] * x[:, None, :])
        s1 = np.einsum("tgl,tl->tg", E, w)
        s2 = np.einsum("tgl,tgl,tl->tg", E, E, w)
        sy = np.einsum("tgl,tl->tg", E, wy)
    gg = s2 - s1 * s1 / W[:, None]
    out = yy[:, None] - np.where(gg > 0, sy * sy / np.where(gg > 0, gg, 1.0), 0.0)
    out = np.maximum(out, 0.0)
    return np.where(np.isfinite(out), out, np.inf)


def _mitscherlich(x: np.ndarray, m: np.ndarray, w: np.ndarray, base: np.ndarray):
    n_t, k = x.shape
    yc = _centre(m, w)
    span = x[:, -1] - x[:, 0]
    span = np.where(span > 0, span, 1.0)
    smallest = np.where(x > 0, x, np.inf).min(axis=1)
    smallest = np.where(np.isfinite(smallest), smallest, span)
    lo, hi = 1e-3 / span, 60.0 / smallest
    frac = np.linspace(0.0, 1.0, _MIT_GRID)
    log_grid = np.log(lo)[:, None] + frac[None, :] * np.log(hi / lo)[:, None]
    grid = np.exp(log_grid)
    vals = _grid_profile(grid, x, yc, w)
    n = _MIT_GRID
    rows = np.arange(n_t)
    local, i1, first_grid, i2, has2 = grid_minima(vals)

    c = _mit_refine(
        grid[rows, np.maximum(i1 - 1, 0)],
        grid[rows, np.minimum(i1 + 1, n - 1)],
        grid[rows, i1],
        x,
        yc,
        w,
    )
    first = np.where(
        np.isfinite(first_grid),
        _profile(np.exp(-c[:, None, None] * x[:, None, :]), yc, w)[:, 0],
        np.inf,
    )
    refer = (i1 == 0) | (i1 == n - 1) | ~np.isfinite(first)
    two = np.flatnonzero(has2 & ~refer)
    if len(two):
        j = i2[two]
        c2 = _mit_refine(
            grid[two, np.maximum(j - 1, 0)],
            grid[two, np.minimum(j + 1, n - 1)],
            grid[two, j],
            x[two],
            yc[two],
            w[two],
        )
        second = _profile(np.exp(-c2[:, None, None] * x[two][:, None, :]), yc[two], w[two])[:, 0]
        refer[two] |= ~(second > first[two] + _TIE * (first[two] + base[two]))
    # the per-trial grid search starts from the grid points next to c (see _grid_check)
    step_log = np.log(hi / lo) / (n - 1)
    mine = np.abs(log_grid - np.log(c)[:, None]) <= step_log[:, None] * (1 + 1e-9)
    own = np.where(mine, vals, np.inf).min(axis=1)
    other = np.where(local & ~mine, vals, np.inf).min(axis=1)
    refer |= ~((own + base) < (other + base) * (1 - _TIE))
    line, step = _references(x, yc, w)
    refer |= _degenerate(first, line, step, base) | (k < 3)
    refer |= ~(c > lo * (1 + _EDGE_MARGIN)) | ~(c < hi * (1 - _EDGE_MARGIN))
    c = np.where(refer, np.sqrt(lo * hi), c)
    a, b = _slope_intercept(np.exp(-c[:, None] * x), m, w)
    ratio = -b / a
    refer |= ~(ratio > 0) | (a == 0)
    s = -np.log(np.where(ratio > 0, ratio, 1.0)) / c
    return np.column_stack([a, c, s]), refer
