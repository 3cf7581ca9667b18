"""Profile-likelihood interval of an optimum, its profile evaluated on many candidates at once.

The profile of an optimum ``θ`` is the smallest SSE over all curves whose optimum for the price
ratio is ``θ`` (the model reparameterised with ``θ`` as a parameter, every other parameter
re-estimated; :func:`fertopt.curves.engine.profile_sse` computes it for one ``θ``).  Here it is
computed for a whole vector of candidates in one array computation:

* quadratic and square root: closed form (one free coefficient after the reparameterisation);
* linear plateau (and a quadratic plateau at a zero price ratio): one free coefficient per
  candidate join;
* quadratic plateau: between two tested rates the SSE is a rational function of the join whose
  stationary points are the roots of a quartic, so the minimum over the join is exact (the
  per-trial code searches a 17-point grid per segment, which can miss a sharp minimum);
* Mitscherlich: the rate constant is searched on the per-trial code's log grid for every
  candidate at once, and the two lowest local minima of each are refined together by rounds
  of a finer grid to a relative width of 1e-8 (the SSE, flat at its minimum, is then exact to
  rounding; the per-trial code refines by Brent).

The interval's ends are the candidates where the likelihood-ratio statistic
``(SSE(θ) − SSE)/s²`` crosses the ``F(1, df)`` critical value.  Both sides are bracketed at
once on the per-trial code's stepping grid (steps growing by 1.6 from the standard error, up to
20 times the top rate; no crossing there: that side is unbounded, as before), and both brackets
are narrowed together, each round evaluating at once for every side the secant point, a point
a quarter tolerance to either side of it and 8 evenly spaced points, until they are
narrower than 1e-10 times the top rate (the tolerance of the per-trial Brent root search); the
end is then placed by linear interpolation inside the last bracket.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from fertopt.curves.curve import Curve
from fertopt.curves.engine import FitData
from fertopt.curves.models import ModelSpec, qp_basis

__all__ = ["profile_sse_many", "profiler", "profile_interval"]

_MIT_GRID = 120  # log-grid points of the Mitscherlich rate constant (as the per-trial profile)
_KEEP = 2  # local minima refined per candidate
_REL = 1e-8  # width of the refined bracket of a nonlinear parameter, relative
_STEP = 1.6  # growth of the bracketing steps
_SUB = 8  # even grid points per bracket and refinement round (with the secant)
_ROUNDS = 60  # a guard only
_REACH = 20.0  # the bracketing stops this many top rates from the estimate
_CAP = 1e6  # the statistic is capped here (an impossible candidate counts as outside)


def _project(data: FitData, v: np.ndarray) -> np.ndarray:
    """Remove the intercept and the block effects from each column of ``v`` (n, ...)."""
    blocks = data.blocks
    if blocks.n_blocks == 1:
        return v - v.mean(axis=0)
    onehot = (blocks.codes[None, :] == np.arange(blocks.n_blocks)[:, None]) / blocks.counts[:, None]
    means = np.tensordot(onehot, v, axes=(1, 0))
    return v - means[blocks.codes]


def _free(v: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Residual SS of each column of ``v`` on one free coefficient times the column of ``g``."""
    vv = np.einsum("i...,i...->...", v, v)
    gg = np.einsum("i...,i...->...", g, g)
    gv = np.einsum("i...,i...->...", g, v)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = vv - np.where(gg > 0, gv * gv / gg, 0.0)
    return np.maximum(out, 0.0)


def _shrink(f, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Smallest value of ``f`` on each ``[lo, hi]`` by rounds of a 17-point grid, all at once.

    Each round keeps the two grid cells around the lowest point (the bracket shrinks 8-fold)
    until it is narrower than ``_REL`` (relative): the SSE is flat at its minimum, so its
    value is then exact to rounding.
    """
    a, b = lo.copy(), hi.copy()
    frac = np.linspace(0.0, 1.0, 17)
    tol = _REL * np.maximum(np.maximum(np.abs(a), np.abs(b)), 1.0)
    best = np.full(len(a), np.inf)
    rows = np.arange(len(a))
    while True:
        pts = a[:, None] + (b - a)[:, None] * frac
        vals = f(pts)
        i = np.argmin(vals, axis=1)
        best = np.minimum(best, vals[rows, i])
        if not np.any(b - a > tol):
            return best
        a, b = pts[rows, np.maximum(i - 1, 0)], pts[rows, np.minimum(i + 1, 16)]


def _best_minima(f, grid: np.ndarray, seg: np.ndarray, log: bool) -> np.ndarray:
    """Smallest local minimum over the grid (candidates, points) after refining the two lowest.

    ``seg`` labels the segment of each grid column: local minima are found within segments,
    as the per-trial search does.
    """
    vals = f(grid)  # (candidates, points)
    m = grid.shape[1]
    same_prev = np.r_[False, seg[1:] == seg[:-1]]
    same_next = np.r_[seg[:-1] == seg[1:], False]
    prev = np.where(same_prev, np.roll(vals, 1, axis=1), np.inf)
    nxt = np.where(same_next, np.roll(vals, -1, axis=1), np.inf)
    local = (vals <= prev) & (vals <= nxt) & np.isfinite(vals)
    ranked = np.argsort(np.where(local, vals, np.inf), axis=1, kind="stable")[:, :_KEEP]
    best = np.min(np.where(np.isfinite(vals), vals, np.inf), axis=1)
    rows = np.arange(len(grid))[:, None]
    i = ranked
    lo_i = np.where(same_prev[i], i - 1, i)
    hi_i = np.where(same_next[i], np.minimum(i + 1, m - 1), i)
    a, b = grid[rows, lo_i], grid[rows, hi_i]
    ok = local[rows, i]
    if log:
        a, b = np.log(a), np.log(b)
    flat_a, flat_b = a.ravel(), b.ravel()
    owner = np.repeat(np.arange(len(grid)), _KEEP)

    def g(u: np.ndarray) -> np.ndarray:
        return f(np.exp(u) if log else u, rows=owner)

    refined = _shrink(g, flat_a, flat_b)
    refined = np.where(ok.ravel() & np.isfinite(refined), refined, np.inf).reshape(a.shape)
    return np.minimum(best, refined.min(axis=1))


def profile_sse_many(spec: ModelSpec, data: FitData, theta: np.ndarray, r: float) -> np.ndarray:
    """Profile SSE of the optimum at every candidate of ``theta`` (one array computation).

    The same quantity as :func:`fertopt.curves.engine.profile_sse` at each candidate.

    Parameters
    ----------
    spec : ModelSpec
        The response model.
    data : FitData
        Rates, responses and blocks of the fit.
    theta : ndarray
        Candidate optimum rates.
    r : float
        Price ratio (fertilizer price over crop price).

    Returns
    -------
    ndarray
        The smallest SSE over all curves whose optimum is each candidate (``inf`` where no
        curve of the model has that optimum).

    Examples
    --------
    >>> from fertopt.curves.models import MODELS, Blocks
    >>> x = np.repeat([0.0, 50, 100, 150, 200], 2)
    >>> y = 20 + 0.5 * x - 0.0015 * x**2 + np.tile([0.3, -0.3], 5)
    >>> data = FitData(x, y, Blocks(np.zeros(10, dtype=int), 1))
    >>> # the optimum of the true curve at ratio 0.05 is 150: a curve forced to 100 fits worse
    >>> sse = profile_sse_many(MODELS["quadratic"], data, np.array([100.0, 150.0]), 0.05)
    >>> bool(sse[0] > sse[1])
    True
    """
    return profiler(spec, data, r)(np.asarray(theta, float).ravel())


def profiler(spec: ModelSpec, data: FitData, r: float) -> Callable[[np.ndarray], np.ndarray]:
    """The profile SSE as a function of a vector of candidates, its fixed parts computed once.

    Examples
    --------
    >>> from fertopt.curves.models import MODELS, Blocks
    >>> x = np.repeat([0.0, 50, 100, 150, 200], 2)
    >>> y = 20 + 0.5 * x - 0.0015 * x**2 + np.tile([0.3, -0.3], 5)
    >>> data = FitData(x, y, Blocks(np.zeros(10, dtype=int), 1))
    >>> f = profiler(MODELS["quadratic"], data, 0.05)
    >>> f(np.array([150.0])).shape
    (1,)
    """
    x, y = data.x, data.y
    name = spec.name
    if name == "quadratic":
        v = _project(data, y - r * x)[:, None]
        a, b = _project(data, x * x)[:, None], _project(data, x)[:, None]
        return lambda t: _free(v, a - 2 * t[None, :] * b)
    if name == "square_root":
        my, ms, mx = _project(data, y), _project(data, np.sqrt(x)), _project(data, x)

        def sqrt_profile(t: np.ndarray) -> np.ndarray:
            st = np.sqrt(np.maximum(t, 0.0))
            v = my[:, None] - 2 * r * st[None, :] * ms[:, None]
            out = _free(v, mx[:, None] - 2 * st[None, :] * ms[:, None])
            return np.where(t < 0, np.inf, out)

        return sqrt_profile
    if name == "linear_plateau" or (name == "quadratic_plateau" and r == 0):
        my = _project(data, y)[:, None]

        def join_profile(t: np.ndarray) -> np.ndarray:
            basis = (
                np.minimum(x[:, None], t[None, :])
                if name == "linear_plateau"
                else qp_basis(x, np.where(t > 0, t, 1.0))
            )
            out = _free(my, _project(data, basis))
            return np.where(t <= data.levels[0], np.inf, out)

        return join_profile
    if name == "quadratic_plateau":
        return _qp_profiler(data, r)
    if name == "mitscherlich":
        return lambda t: _mit_profile(data, t, r)
    raise ValueError(f"no profile likelihood for the {name} model")


def _conv(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Product of polynomials with ascending coefficients along the last axis."""
    out = np.zeros(
        np.broadcast_shapes(a.shape[:-1], b.shape[:-1]) + (a.shape[-1] + b.shape[-1] - 1,)
    )
    for i in range(a.shape[-1]):
        out[..., i : i + b.shape[-1]] += a[..., i : i + 1] * b
    return out


def _deriv(a: np.ndarray) -> np.ndarray:
    return a[..., 1:] * np.arange(1, a.shape[-1])


def _peval(a: np.ndarray, s: np.ndarray) -> np.ndarray:
    out = np.zeros(np.broadcast_shapes(a.shape[:-1], s.shape))
    for i in range(a.shape[-1] - 1, -1, -1):
        out = out * s + a[..., i]
    return out


def _qp_profiler(data: FitData, r: float) -> Callable[[np.ndarray], np.ndarray]:
    """Quadratic plateau: the exact minimum over the join for each candidate optimum.

    Between two tested rates the rates below the join ``s`` are fixed, so the (projected)
    curve with optimum ``θ`` is ``r·N(s)/(s − θ)`` with ``N(s) = Q + sP + s²R`` and the
    SSE ``yᵀy − 2r N·y/(s − θ) + r² N·N/(s − θ)²``: its stationary points in the segment
    are the roots of a quartic (companion-matrix eigenvalues, one Newton step), compared
    with the segment's ends.
    """
    x, y, u = data.x, data.y, data.levels
    # segment j (0..k) of each candidate: the rates <= u[j-1] lie below the join (none for
    # j = 0); its ends are max(u[j-1], lo) and max(u[j], lo) (the search end for j = k)
    below = np.concatenate([np.zeros((len(x), 1), bool), x[:, None] <= u[None, :]], 1)
    P = _project(data, np.where(below, x[:, None], 0.0))
    Q = _project(data, np.where(below, -0.5 * x[:, None] ** 2, 0.0))
    R = _project(data, np.where(below, 0.0, 0.5))
    my = _project(data, y)
    yy = float(my @ my)

    def dot(p: np.ndarray, q: np.ndarray) -> np.ndarray:
        return np.einsum("ij,ij->j", p, q)

    n1 = np.stack([my @ Q, my @ P, my @ R], -1)  # (segments, 3)
    n2 = np.stack(
        [dot(Q, Q), 2 * dot(P, Q), dot(P, P) + 2 * dot(Q, R), 2 * dot(P, R), dot(R, R)], -1
    )
    return lambda t: _qp_minimum(data, t, r, yy, n1, n2)


def _qp_minimum(data, t, r, yy, n1, n2) -> np.ndarray:
    """Smallest profiled SSE over the join of each candidate (see :func:`_qp_profiler`)."""
    u = data.levels
    lo = np.maximum(t, 0.0)
    end = np.maximum(data.cap, 2 * lo + 1)
    edges = np.concatenate([lo[:, None], np.maximum(u[None, :], lo[:, None]), end[:, None]], 1)
    a, b = edges[:, :-1], edges[:, 1:]
    a = a + 1e-9 * np.maximum(np.abs(a), 1.0)
    valid = b > a
    d = np.stack([-t, np.ones_like(t)], -1)[:, None, :]  # (candidates, 1, 2)
    n1b, n2b = np.broadcast_to(n1, (len(t),) + n1.shape), np.broadcast_to(n2, (len(t),) + n2.shape)
    # (s − θ)³ · dSSE/ds, a polynomial of degree 4 in s
    F = r * r * (_conv(_deriv(n2b), d) - 2 * n2b)
    F[..., :4] -= 2 * r * _conv(_conv(_deriv(n1b), d) - n1b, d)
    tt = t[:, None]

    def sse(sv: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            dd = sv - tt[..., None] if sv.ndim == 3 else sv - tt
            c1 = n1b if sv.ndim == 2 else n1b[..., None, :]
            c2 = n2b if sv.ndim == 2 else n2b[..., None, :]
            val = yy - 2 * r * _peval(c1, sv) / dd + r * r * _peval(c2, sv) / dd**2
        return np.where(np.isfinite(val), np.maximum(val, 0.0), np.inf)

    best = np.minimum(sse(a), sse(b))
    # roots of the quartic F (degree 4 where R ≠ 0; lower degrees on the first / last segment)
    lead = F[..., 4]
    scale = np.abs(F).max(axis=-1)
    quartic = np.abs(lead) > 1e-12 * np.where(scale > 0, scale, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        comp = np.zeros(F.shape[:-1] + (4, 4))
        comp[..., 1:, :-1] = np.eye(3)
        comp[..., :, -1] = -F[..., :4] / np.where(quartic, lead, 1.0)[..., None]
        sel = quartic & valid  # only segments that exist for the candidate
        roots = np.full(F.shape[:-1] + (4,), np.nan, dtype=complex)
        if sel.any():
            roots[sel] = np.linalg.eigvals(comp[sel])
        real = np.where(np.abs(roots.imag) <= 1e-7 * (np.abs(roots.real) + 1.0), roots.real, np.nan)
        # lower degree (the last segment: everything below the join): the quadratic F2 s² + ...
        c0, c1, c2 = F[..., 0], F[..., 1], F[..., 2]
        disc = np.sqrt(np.where(c1 * c1 - 4 * c2 * c0 >= 0, c1 * c1 - 4 * c2 * c0, np.nan))
        quad = np.stack([(-c1 + disc) / (2 * c2), (-c1 - disc) / (2 * c2), -c0 / c1, -c0 / c1], -1)
        quad[..., :2] = np.where(np.abs(c2)[..., None] > 0, quad[..., :2], np.nan)
        cand = np.where(quartic[..., None], real, quad)
        # one Newton step on F polishes each root
        dF = _deriv(F)
        cand = cand - _peval(F[..., None, :], cand) / _peval(dF[..., None, :], cand)
    inside = (cand > a[..., None]) & (cand < b[..., None])
    vals = np.where(inside, sse(np.where(inside, cand, b[..., None])), np.inf)
    best = np.minimum(best, vals.min(axis=-1))
    best = np.where(valid, best, np.inf).min(axis=1)
    return np.where(t < 0, np.inf, best)


def _levels(data: FitData) -> tuple[np.ndarray, np.ndarray, np.ndarray, float] | None:
    """Levels, plots per level, level means and pure-error SS when the design is balanced.

    When every block holds each rate equally often, the block effects are orthogonal to any
    function ``g`` of the rate and ``|M(y + g)|² = SS_pure + Σ w_l (m_l + g_l − mean)²``
    (:mod:`fertopt.curves.batched`); None otherwise.
    """
    levels, codes = np.unique(data.x, return_inverse=True)
    table = np.zeros((len(levels), data.blocks.n_blocks), dtype=np.int64)
    np.add.at(table, (codes, data.blocks.codes), 1)
    if not np.all(table == table[:, :1]):
        return None
    w = table.sum(axis=1).astype(float)
    m = np.bincount(codes, weights=data.y, minlength=len(levels)) / w
    my = _project(data, data.y)
    mean = float(m @ w / w.sum())
    return levels, w, m, float(my @ my - ((m - mean) ** 2 * w).sum())


def _mit_profile(data: FitData, t: np.ndarray, r: float) -> np.ndarray:
    """Mitscherlich: the rate constant searched on a log grid for each candidate."""
    x, y, u = data.x, data.y, data.levels
    span = float(u[-1] - u[0]) or 1.0
    positive = u[u > 0]
    smallest = float(positive.min()) if len(positive) else span
    c = np.geomspace(1e-4 / span, 60.0 / smallest, _MIT_GRID)
    grid = np.broadcast_to(c, (len(t), _MIT_GRID)).copy()
    seg = np.zeros(_MIT_GRID, dtype=int)
    reduced = _levels(data)

    def f(cc: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        tt = (t if rows is None else t[rows])[:, None]
        with np.errstate(over="ignore", invalid="ignore"):
            if reduced is None:
                g = (r / cc)[None] * np.exp(-cc[None] * (x[:, None, None] - tt))
                res = _project(data, y[:, None, None] + g)
                out = np.einsum("ijk,ijk->jk", res, res)
            else:
                lv, w, m, pure = reduced
                v = m[:, None, None] + (r / cc)[None] * np.exp(-cc[None] * (lv[:, None, None] - tt))
                dev = v - np.tensordot(w, v, axes=(0, 0))[None] / w.sum()
                out = pure + np.tensordot(w, dev * dev, axes=(0, 0))
        return np.where(np.isfinite(out), out, np.inf)

    return _best_minima(f, grid, seg, log=True)


def _quadratic_ends(data: FitData, r: float, rate: float, bound: float, limit: float):
    """Ends of the quadratic's profile set in closed form (None: leave it to the search).

    With ``g = x² − 2θx`` and ``v = y − r x`` (block effects removed), ``SSE(θ) = vᵀv −
    (gᵀv)²/(gᵀg)``, so ``SSE(θ) = bound`` is the quadratic ``k·gᵀg − (gᵀv)² = 0`` in ``θ``
    with ``k = vᵀv − bound``; a crossing farther than ``limit`` from the estimate counts as
    none (an unbounded side), as in the search.
    """
    x, y = data.x, data.y
    v = _project(data, y - r * x)
    a, b = _project(data, x * x), _project(data, x)
    k = float(v @ v) - bound
    aa, ab, bb = float(a @ a), float(a @ b), float(b @ b)
    av, bv = float(a @ v), float(b @ v)
    c2 = 4 * k * bb - 4 * bv * bv
    c1 = -4 * k * ab + 4 * av * bv
    c0 = k * aa - av * av
    size = max(abs(4 * k * bb), 4 * bv * bv, 1e-300)
    if abs(c2) <= 1e-9 * size:
        return None  # nearly linear in θ: the search handles it
    disc = c1 * c1 - 4 * c2 * c0
    roots = []
    if disc >= 0:
        q = -0.5 * (c1 + math.copysign(math.sqrt(disc), c1))
        roots = [q / c2] + ([c0 / q] if q != 0 else [])
    lower = [t for t in roots if rate - limit <= t < rate]
    upper = [t for t in roots if rate < t <= rate + limit]
    return (max(lower) if lower else -math.inf, min(upper) if upper else math.inf)


def profile_interval(
    curve: Curve, r: float, rate: float, level: float, se: float
) -> tuple[float, float]:
    """Ends of the profile-likelihood interval of the optimum ``rate`` (±inf: unbounded side).

    Parameters
    ----------
    curve : Curve
        A fitted curve carrying its plot data.
    r : float
        Price ratio.
    rate : float
        The estimated optimum.
    level : float
        Confidence level.
    se : float
        Standard error of the optimum (sets the first bracketing step; NaN allowed).

    Returns
    -------
    tuple of float
        Lower and upper end, each to 1e-10 times the top tested rate.

    Examples
    --------
    >>> from fertopt.curves.models import MODELS, Blocks
    >>> x = np.repeat([0.0, 50, 100, 150, 200], 2)
    >>> y = 20 + 0.5 * x - 0.0015 * x**2 + np.tile([1.0, -1.0], 5) * np.arange(10) / 9
    >>> import pandas as pd
    >>> import fertopt as fo
    >>> df = pd.DataFrame({"N": x, "y": y})
    >>> fit = fo.fit_response(df, response="y", rate="N", model="quadratic")
    >>> lo, hi = profile_interval(fit.curve, 0.05, 150.0, 0.9, 5.0)
    >>> bool(lo < 150.0 < hi)
    True
    """
    from scipy import stats

    spec, data = curve.spec, curve.data
    s2 = curve.sse / curve.df_resid
    crit = float(stats.f.ppf(level, 1, curve.df_resid))

    top = float(data.levels[-1]) or 1.0
    if spec.name == "quadratic":
        ends = _quadratic_ends(data, r, rate, curve.sse + s2 * crit, _REACH * top)
        if ends is not None:
            return ends
    sse_of = profiler(spec, data, r)

    def h(cand: np.ndarray) -> np.ndarray:
        val = sse_of(cand)
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            stat = (val - curve.sse) / s2 - crit
        return np.where(np.isfinite(val), np.minimum(stat, _CAP), _CAP)

    step0 = se if math.isfinite(se) and se > 0 else 0.05 * top
    step0 = max(step0, 1e-3 * top)
    limit = _REACH * top
    # the per-trial stepping grid: distances d_k = min(d_{k-1} + step0·1.6^k, limit) < limit
    dist = [0.0]
    step = step0
    while dist[-1] < limit:
        dist.append(min(dist[-1] + step, limit))
        step *= _STEP
    d = np.asarray(dist)
    k = len(d)
    pts = np.concatenate([rate - d[1:], rate + d[1:]])
    vals = h(pts).reshape(2, k - 1)
    lo_b, hi_b, found = np.empty(2), np.empty(2), np.zeros(2, dtype=bool)
    first_above = np.zeros(2, dtype=int)
    for side, sign in enumerate((-1.0, 1.0)):
        above = np.flatnonzero(vals[side] > 0)
        if len(above):
            j = above[0] + 1
            found[side] = True
            first_above[side] = above[0]
            inner, outer = rate + sign * d[j - 1], rate + sign * d[j]
            lo_b[side], hi_b[side] = inner, outer  # h ≤ 0 at inner, > 0 at outer
    ends = [-math.inf, math.inf]
    if not found.any():
        return ends[0], ends[1]
    sides = np.flatnonzero(found)
    inner, outer = lo_b[sides], hi_b[sides]
    j_in = first_above[sides] - 1  # column of vals at the inner end (-1: the estimate)
    # h at the estimate itself is -crit (its SSE is the fit's)
    h_in = np.where(np.abs(inner - rate) > 0, vals[sides, np.maximum(j_in, 0)], -crit)
    h_out = vals[sides, j_in + 1]
    tol = 1e-10 * top
    grid = np.arange(1, _SUB + 1) / (_SUB + 1)
    rows = np.arange(len(inner))
    for _ in range(_ROUNDS):  # the width shrinks 9-fold a round: far fewer suffice
        if not np.any(np.abs(outer - inner) > tol):
            break
        span = outer - inner
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(h_out > h_in, -h_in / (h_out - h_in), 0.5)
        w = np.clip(np.nan_to_num(w, nan=0.5), 0.0, 1.0)
        # the secant point, a point a quarter tolerance to each side of it (which bracket
        # the crossing once the secant is that close) and an even grid (the width shrinks
        # by a factor of _SUB + 1 at least), all strictly inside the bracket
        delta = 0.25 * tol / np.maximum(np.abs(span), tol)
        probe_w = np.concatenate(
            [np.stack([w - delta, w, w + delta], 1), np.tile(grid, (len(w), 1))], 1
        )
        probe_w = np.sort(probe_w, 1)
        probe_w = np.clip(probe_w, 1e-3 * delta[:, None], 1 - 1e-3 * delta[:, None])
        probe = inner[:, None] + span[:, None] * probe_w
        hv = h(probe.ravel()).reshape(probe.shape)
        pos = hv > 0
        first = np.where(pos.any(axis=1), pos.argmax(axis=1), probe.shape[1])
        moved_in = first > 0
        moved_out = first < probe.shape[1]
        last = probe.shape[1] - 1
        new_inner = np.where(moved_in, probe[rows, np.clip(first - 1, 0, last)], inner)
        new_h_in = np.where(moved_in, hv[rows, np.clip(first - 1, 0, last)], h_in)
        new_outer = np.where(moved_out, probe[rows, np.clip(first, 0, last)], outer)
        new_h_out = np.where(moved_out, hv[rows, np.clip(first, 0, last)], h_out)
        inner, outer, h_in, h_out = new_inner, new_outer, new_h_in, new_h_out
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(h_out > h_in, -h_in / (h_out - h_in), 0.5)
    root = inner + np.clip(w, 0.0, 1.0) * (outer - inner)
    for s, v in zip(sides, root, strict=True):
        ends[s] = float(v)
    return ends[0], ends[1]
