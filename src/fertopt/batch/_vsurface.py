"""Quadratic response surfaces of many regular trials at once.

The per-trial path is :func:`fertopt.fit_surface` (plot data, blocks as
sum-to-zero effects), :meth:`~fertopt.surface.SurfaceFit.canonical` and
:meth:`~fertopt.surface.SurfaceFit.optimum` with ``bounds="tested"``.  This
module computes the same numbers for a chunk of balanced trials as array
operations.

Least squares
-------------
In a complete balanced trial (every treatment once in every block, or ``R``
replicates of every treatment) the surface coefficients fitted to the plots
equal those fitted to the treatment means, the blocks being orthogonal to any
function of the rates; the residual sum of squares is the ANOVA residual
plus ``R`` times the lack of fit of the means; ``(XᵀX)⁻¹`` of the plots is
``(X̄ᵀX̄)⁻¹ / R`` of the means.  Rates are coded per trial (each nutrient
divided by its highest tested rate), so trials whose designs differ only by
their rate levels share one coded design: its QR factorisation and its
identifiability check (:func:`fertopt.surface.design.check_identifiable`) are
done once, and the coefficients of all its trials are one matrix product,
then scaled back.  Stepwise selection needs the residual sum of squares of
many term sets: each is ``ANOVA residual + R · SSE`` of the means on that
set, from a QR factorisation cached per (design, term set).

Canonical analysis and optimum
------------------------------
Eigenvalues of the coded quadratic part (batched ``eigh``) give the kind;
the stationary point solves ``2Hz = −g``.  The box-constrained maximum
enumerates the faces of the tested box exactly as
:func:`fertopt.surface.poly.box_qp_max` does (free sets by size, then
combinations, then the fixed bounds), solving the stationarity conditions of
every face for every trial at once.

Trials whose numbers sit on a decision boundary of the per-trial functions
(an eigenvalue at the ridge threshold, two faces of the box giving the same
maximum, a coordinate at a bound, a perfect fit) are handed back to the
per-trial path, which decides them with its own arithmetic.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from fertopt._core.validation import CONSTANT_RELATIVE
from fertopt.economics.units_check import RESPONSE_SHARE
from fertopt.exceptions import FertoptError
from fertopt.surface import poly as _ps
from fertopt.surface.design import check_identifiable
from fertopt.three414 import disagreeing_pairs, treatment_codes

__all__ = [
    "SurfaceSetup",
    "SurfaceArrays",
    "surface_arrays",
    "fit_pattern",
    "FitStats",
    "canonical_optimum",
    "box_qp_max_many",
    "DesignCache",
    "label_codes_3414",
    "codes_swapped",
]

_FUZZ = 1e-9  # relative width of a decision boundary treated as undecidable here
_BAND = 1e-11  # box_qp_max keeps the first of candidates within 1e-12: ties closer than this
_RIDGE_TOL = 1e-3  # SurfaceFit.canonical() and optimum(): coded eigenvalue counted as zero
_TOL = 1e-9  # _surface_region.outside(): tolerance of the tested range


@dataclass
class SurfaceSetup:
    """What every trial's surface shares: terms, prices (resolved once for the batch)."""

    nutrients: tuple[str, ...]
    powers: list[tuple[float, ...]]
    names: list[str]
    exps: np.ndarray  # (p, m) integer powers
    crop: float | None = None  # crop value per unit of response (economic optimum)
    costs: np.ndarray | None = None  # nutrient price per unit of rate
    stepwise: bool = False  # fit_surface(terms="stepwise") with its default criteria
    f_enter: float = 4.0
    f_remove: float = 3.9
    hierarchy: bool = True
    # prices applied to data of undeclared units: an optimum at the lowest rates may be the
    # unit trap (fertopt.economics.units_check), which the per-trial path judges
    check_units: bool = False

    @classmethod
    def build(
        cls,
        nutrients: tuple[str, ...],
        crop: float | None,
        costs: np.ndarray | None,
        stepwise: bool = False,
        check_units: bool = False,
    ) -> SurfaceSetup:
        powers = _ps.candidate_terms(len(nutrients), "quadratic")
        names = [_ps.term_name(p, nutrients) for p in powers]
        exps = np.rint(np.asarray(powers, dtype=float)).astype(np.int64)
        return cls(
            tuple(nutrients), powers, names, exps, crop, costs, stepwise, check_units=check_units
        )

    @property
    def m(self) -> int:
        return len(self.nutrients)

    @property
    def full_mask(self) -> int:
        """Bit ``j - 1`` stands for candidate term ``j`` (the intercept is always in)."""
        return (1 << (len(self.powers) - 1)) - 1

    def parents(self) -> list[int]:
        """Per candidate term, the bitmask of the terms it contains (``N`` for ``N^2``)."""
        pw = np.asarray(self.powers, dtype=float)
        out = []
        for j in range(len(pw)):
            mask = 0
            for i in range(1, len(pw)):
                if i != j and np.all(pw[i] <= pw[j]) and np.any(pw[i] < pw[j]):
                    mask |= 1 << (i - 1)
            out.append(mask)
        return out


@dataclass
class _Design:
    """One coded design (rates divided by each nutrient's top rate): its least-squares pieces."""

    xc: np.ndarray  # (K, p) design columns in coded rates
    proj: np.ndarray  # (p, K): coefficients = proj @ means
    xtx_inv: np.ndarray  # (p, p): (X̄ᵀX̄)⁻¹ of the means
    support: np.ndarray  # (K, K): means → mean of their support point (treatments at equal rates)
    n_support: int  # distinct rate combinations
    subsets: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=dict
    )

    def subset(self, mask: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(columns, Q, proj, (XᵀX)⁻¹)`` of the intercept and the terms in ``mask``."""
        if mask not in self.subsets:
            p = self.xc.shape[1]
            cols = np.array([0] + [j + 1 for j in range(p - 1) if mask >> j & 1])
            q, r = np.linalg.qr(self.xc[:, cols])
            rinv = np.linalg.inv(r)
            self.subsets[mask] = (cols, q, rinv @ q.T, rinv @ rinv.T)
        return self.subsets[mask]

    def sse(self, mask: int, means: np.ndarray) -> np.ndarray:
        """Residual sum of squares of the means (trials, K) on the terms in ``mask``."""
        _cols, q, _proj, _inv = self.subset(mask)
        resid = means - (means @ q) @ q.T
        return np.einsum("tk,tk->t", resid, resid)


@dataclass
class DesignCache:
    """Coded designs seen so far: ``None`` marks a design the per-trial path must judge."""

    designs: dict[bytes, _Design | None] = field(default_factory=dict)

    def get(self, setup: SurfaceSetup, coded: np.ndarray, rates: np.ndarray) -> _Design | None:
        key = coded.tobytes()
        if key not in self.designs:
            self.designs[key] = _make_design(setup, coded, rates)
        return self.designs[key]


def _make_design(setup: SurfaceSetup, coded: np.ndarray, rates: np.ndarray) -> _Design | None:
    k = coded.shape[0]
    _support, which = np.unique(coded, axis=0, return_inverse=True)
    try:
        check_identifiable(setup.powers, rates, setup.nutrients)
    except FertoptError:
        return None
    xc = _ps.design_columns(setup.powers, coded)
    norms = np.sqrt((xc * xc).sum(axis=0))
    sv = np.linalg.svd(xc / norms, compute_uv=False)
    if sv[-1] <= 1e-8 * sv[0]:
        return None
    q, r = np.linalg.qr(xc)
    rinv = np.linalg.inv(r)
    which = np.asarray(which).ravel()
    support = np.zeros((k, k))  # averages the treatments sharing a support point
    for s in range(which.max() + 1):
        members = which == s
        support[np.ix_(members, members)] = 1.0 / members.sum()
    return _Design(
        xc=xc,
        proj=rinv @ q.T,
        xtx_inv=rinv @ rinv.T,
        support=support,
        n_support=int(which.max()) + 1,
    )


@dataclass
class SurfaceArrays:
    """Surface, canonical analysis and optimum of a chunk (one entry per trial)."""

    coef: np.ndarray
    se: np.ndarray
    r2: np.ndarray
    adj_r2: np.ndarray
    rmse: np.ndarray
    df_resid: np.ndarray
    f: np.ndarray
    p: np.ndarray
    lof_p: np.ndarray
    kind: np.ndarray  # object: maximum / minimum / saddle
    stationary: np.ndarray  # (trials, m)
    stationary_yield: np.ndarray
    stationary_inside: np.ndarray
    opt_status: np.ndarray  # object
    opt_rates: np.ndarray  # (trials, m)
    opt_yield: np.ndarray
    opt_net_return: np.ndarray
    opt_bound: np.ndarray  # (trials, m) int: -1 lower, +1 upper, 0 inside
    refer: np.ndarray


# ---------------------------------------------------------------------------
# pieces of the per-trial arithmetic, over a trial axis
# ---------------------------------------------------------------------------
def quadratic_parts(
    setup: SurfaceSetup, coef: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(c0, g, H)`` per trial with ``f(z) = c0 + gᵀz + zᵀHz`` (Poly.quadratic_form)."""
    n_t = coef.shape[0]
    m = setup.m
    c0 = np.zeros(n_t)
    g = np.zeros((n_t, m))
    h = np.zeros((n_t, m, m))
    for j, e in enumerate(setup.exps):
        nz = np.flatnonzero(e)
        d = int(e.sum())
        if d == 0:
            c0 = c0 + coef[:, j]
        elif d == 1:
            g[:, nz[0]] += coef[:, j]
        elif len(nz) == 1:
            h[:, nz[0], nz[0]] += coef[:, j]
        else:
            h[:, nz[0], nz[1]] += coef[:, j] / 2
            h[:, nz[1], nz[0]] += coef[:, j] / 2
    return c0, g, h


def poly_value(setup: SurfaceSetup, coef: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Value of each trial's surface at its own point ``z`` (trials, m)."""
    mono = np.ones_like(coef)
    with np.errstate(over="ignore", invalid="ignore"):
        for j, e in enumerate(setup.exps):
            for i, power in enumerate(e):
                if power:
                    mono[:, j] *= z[:, i] ** power
        return np.einsum("tj,tj->t", mono, coef)


def _shape_many(
    g: np.ndarray,
    h: np.ndarray,
    half: np.ndarray,
    eig: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Kind, finite maximum and stationary point as ``_surface_canonical.shape``, per trial.

    Returns ``(kind, has_max, z, refer)``; ``z`` is NaN where there is no
    stationary point (a rising ridge).  Referred: an eigenvalue at the ridge
    threshold, a smallest eigenvalue at the singularity threshold, a
    component of the gradient along a zero eigenvalue at the consistency
    threshold, non-finite coefficients.  ``eig``: the eigen-decomposition of
    the coded ``h`` when already known (the net return's quadratic part is
    the yield's times the crop price).
    """
    half = np.where(half > 0, half, 1.0)
    finite = np.isfinite(h).all(axis=(1, 2)) & np.isfinite(g).all(axis=1)
    g = np.where(finite[:, None], g, 0.0)
    if eig is None:
        hc = np.where(finite[:, None, None], half[:, :, None] * h * half[:, None, :], 0.0)
        lam, vec = np.linalg.eigh(hc)
    else:
        lam, vec = eig
    big = np.abs(lam).max(axis=1)
    thresh = _RIDGE_TOL * big
    pos = lam > thresh[:, None]
    neg = lam < -thresh[:, None]
    zero = ~(pos | neg)
    saddle = (big > 0) & pos.any(axis=1) & neg.any(axis=1)
    ridge = (big == 0) | (~saddle & zero.any(axis=1))
    kind = np.where(
        saddle, "saddle", np.where(ridge, "ridge", np.where(neg.all(axis=1), "maximum", "minimum"))
    ).astype(object)
    small = np.abs(lam).min(axis=1)
    regular = ~ridge & (small > 1e-12 * big)
    zero &= ~regular[:, None]
    near = (thresh[:, None] > 0) & (np.abs(np.abs(lam) - thresh[:, None]) <= 1e-6 * thresh[:, None])
    refer = ~finite | near.any(axis=1)
    refer |= ~ridge & (big > 0) & (np.abs(small - 1e-12 * big) <= 0.5e-12 * big)
    gc = half * g
    coord = np.einsum("tji,tj->ti", vec, gc)
    limit = 1e-8 * np.maximum(1.0, np.abs(gc).max(axis=1))
    excess = np.where(zero, np.abs(coord), 0.0).max(axis=1)
    consistent = excess <= limit
    refer |= zero.any(axis=1) & (np.abs(excess - limit) <= 0.5 * limit)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        inv = np.where(zero, 0.0, 1.0 / np.where(zero, 1.0, 2 * lam))
        u = -np.einsum("tij,tj->ti", vec, inv * coord)
    z = np.where(consistent[:, None], half * u, np.nan)
    has_max = (kind == "maximum") | (ridge & ~pos.any(axis=1) & consistent & (big > 0))
    refer |= consistent & ~np.all(np.isfinite(z), axis=1)
    return kind, has_max, z, refer


def _outside_flags(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each point is outside the tested box (as _surface_region.outside), and whether
    a coordinate sits at the edge of its tolerance (1e-9), too close to call."""
    tol_hi = _TOL * np.maximum(1.0, np.abs(hi))
    tol_lo = _TOL * np.maximum(1.0, np.abs(lo))
    tol_0 = _TOL * (1 + np.abs(x))
    negative = (x < 0) & ~(x > -tol_0)
    above = x > hi + tol_hi
    below = x < lo - tol_lo
    outside = (negative | above | below).any(axis=1)
    close = (
        (np.abs(x - hi - tol_hi) <= 0.5 * tol_hi)
        | (np.abs(lo - x - tol_lo) <= 0.5 * tol_lo)
        | (np.abs(-x - tol_0) <= 0.5 * tol_0)
    ).any(axis=1)
    return outside, close


def _smallest_abs_eigenvalue(a: np.ndarray) -> np.ndarray:
    """Smallest |eigenvalue| of symmetric 1×1, 2×2 (closed form) or larger matrices."""
    size = a.shape[1]
    if size == 1:
        return np.abs(a[:, 0, 0])
    if size == 2:
        mean = (a[:, 0, 0] + a[:, 1, 1]) / 2
        radius = np.hypot((a[:, 0, 0] - a[:, 1, 1]) / 2, a[:, 0, 1])
        return np.minimum(np.abs(mean - radius), np.abs(mean + radius))
    return np.abs(np.linalg.eigvalsh(a)).min(axis=1)


def box_qp_max_many(
    c0: np.ndarray, g: np.ndarray, h: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`fertopt.surface.poly.box_qp_max` for every trial at once.

    Returns ``(z, value, side, refer)``.  The per-trial function keeps the
    first candidate (in its enumeration order) not beaten by more than 1e-12
    relative; when the best value is unique by more than 1e-11 relative that
    is the best candidate, whatever the order.  ``refer`` marks the other
    trials: two candidates within 1e-11 of the maximum, a candidate within
    1e-9 of the edge of its face's feasibility, or a face at the singularity
    threshold; there the enumeration order and the rounding of each solve
    decide, so the per-trial function is used.
    """
    n_t, m = g.shape
    finite = (
        np.isfinite(h).all(axis=(1, 2))
        & np.isfinite(g).all(axis=1)
        & np.isfinite(c0)
        & np.isfinite(lo).all(axis=1)
        & np.isfinite(hi).all(axis=1)
    )
    c0 = np.where(finite, c0, 0.0)
    g = np.where(finite[:, None], g, 0.0)
    h = np.where(finite[:, None, None], h, 0.0)
    lo = np.where(finite[:, None], lo, 0.0)
    hi = np.where(finite[:, None], hi, 1.0)
    hs = (h + np.swapaxes(h, 1, 2)) / 2
    mid = (lo + hi) / 2
    half = (hi - lo) / 2
    gm = g + np.einsum("tij,tj->ti", 2 * hs, mid)
    c = c0 + np.einsum("ti,ti->t", g, mid) + np.einsum("ti,tij,tj->t", mid, hs, mid)
    gc = half * gm
    hc = half[:, :, None] * hs * half[:, None, :]
    scale = np.maximum(np.abs(hc).max(axis=(1, 2)), 1e-300)
    refer = ~(half > 0).all(axis=1) | ~finite
    oks, points, sides, fuzzy = [], [], [], []
    for size in range(m + 1):
        for free in itertools.combinations(range(m), size):
            fixed = [i for i in range(m) if i not in free]
            listed = list(itertools.product((-1.0, 1.0), repeat=len(fixed)))
            combos = np.array(listed, dtype=float).reshape(len(listed), len(fixed))
            n_c = len(combos)
            u = np.zeros((n_t, n_c, m))
            u[:, :, fixed] = combos[None, :, :]
            ok = np.ones((n_t, n_c), dtype=bool)
            fz = np.zeros((n_t, n_c), dtype=bool)
            if size:
                fi = list(free)
                hff = hc[:, fi][:, :, fi]
                small = _smallest_abs_eigenvalue(hff)
                singular = small <= 1e-12 * scale
                refer |= np.abs(small - 1e-12 * scale) <= 0.5e-12 * scale
                rhs = -(gc[:, fi][:, None, :] + 2 * np.matmul(combos, hc[:, fixed][:, :, fi]))
                a = np.where(singular[:, None, None], np.eye(size), 2 * hff)
                if size == 1:
                    uf = rhs / a[:, :, 0][:, None, :]
                else:
                    uf = np.swapaxes(np.linalg.solve(a, np.swapaxes(rhs, 1, 2)), 1, 2)
                mag = np.abs(uf)
                ok = np.all(mag <= 1 + 1e-12, axis=2) & ~singular[:, None]
                fz = np.any(np.abs(mag - 1) <= _FUZZ, axis=2) & np.all(mag <= 1 + _FUZZ, axis=2)
                fz &= ~singular[:, None]
                u[:, :, fi] = np.clip(uf, -1.0, 1.0)
            side = np.zeros((n_c, m), dtype=np.int64)
            side[:, fixed] = combos.astype(np.int64)
            oks.append(ok)
            fuzzy.append(fz)
            points.append(u)
            sides.append(np.broadcast_to(side, (n_t, n_c, m)))
    points = np.concatenate(points, axis=1)
    sides = np.concatenate(sides, axis=1)
    val = c[:, None] + np.matmul(points, gc[:, :, None])[:, :, 0]
    val += (np.matmul(points, hc) * points).sum(axis=2)
    values = np.where(np.concatenate(oks, axis=1), val, -np.inf)
    fuzzy = np.where(np.concatenate(fuzzy, axis=1), val, -np.inf)
    best = np.argmax(values, axis=1)
    rows = np.arange(n_t)
    vmax = values[rows, best]
    band = vmax - _BAND * np.maximum(1.0, np.abs(vmax))
    refer |= (values >= band[:, None]).sum(axis=1) > 1
    refer |= (fuzzy >= band[:, None]).any(axis=1)
    u_best = points[rows, best]
    z = np.clip(mid + half * u_best, lo, hi)
    value = c0 + np.einsum("ti,ti->t", g, z) + np.einsum("ti,tij,tj->t", z, hs, z)
    side = sides[rows, best].copy()
    side = np.where((side == 0) & (z <= lo), -1, side)
    side = np.where((side == 0) & (z >= hi), 1, side)
    return z, value, side, refer


# ---------------------------------------------------------------------------
# stepwise selection
# ---------------------------------------------------------------------------
def _stepwise_many(
    setup: SurfaceSetup,
    design: _Design | _PlotDesign,
    means: np.ndarray,
    extra: np.ndarray,
    r: int,
    base_rank: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Efroymson's selection (``_surface_stepwise.stepwise``) for the trials of one design.

    ``means`` are the centred treatment means; the plots' residual sum of
    squares of a term set S is ``extra + r · SSE_means(S)`` (blocks are
    orthogonal to every term in a complete balanced trial) on
    ``n − base_rank − |S|`` degrees of freedom.  For trials with missing plots
    ``design`` is the plots' own design (:class:`_PlotDesign`), ``means`` the
    centred plots, ``extra`` zero and ``r`` one.  Every trial follows its own
    path of entries and removals, all trials advancing together.  Returns
    the chosen term masks and the trials to refer: a partial F within 1e-9
    of ``f_enter`` or ``f_remove``, or two candidates within 1e-9 of each
    other (the per-trial order would decide), or a perfect fit.
    """
    n_t, k = means.shape
    n = k * r
    p = len(setup.powers)
    parents = setup.parents()
    mask = np.zeros(n_t, dtype=np.int64)
    refer = np.zeros(n_t, dtype=bool)
    done = np.zeros(n_t, dtype=bool)
    seen = np.zeros((n_t, setup.full_mask + 1), dtype=bool)

    def df_of(m: np.ndarray) -> np.ndarray:
        return n - base_rank - np.bitwise_count(m).astype(np.int64)

    def sse_of(m: int, rows: np.ndarray) -> np.ndarray:
        return extra[rows] + r * design.sse(m, means[rows])

    def near(a: np.ndarray, b: float | np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return np.abs(a - b) <= _FUZZ * np.maximum(np.abs(a), np.abs(b))

    sse_cur = np.zeros(n_t)
    for m0 in np.unique(mask):
        rows = np.flatnonzero(mask == m0)
        sse_cur[rows] = sse_of(int(m0), rows)
    for _ in range(4 * p + 4):
        act = np.flatnonzero(~done & ~refer)
        if not act.size:
            break
        f = np.full((n_t, p), -np.inf)
        sse_new = np.full((n_t, p), np.nan)
        df_cur = df_of(mask)
        for m0 in np.unique(mask[act]):
            rows = act[mask[act] == m0]
            m0 = int(m0)
            for j in range(1, p):
                bit = 1 << (j - 1)
                if m0 & bit or (setup.hierarchy and parents[j] & ~m0):
                    continue
                df_new = n - base_rank - (m0 | bit).bit_count()
                if df_new <= 0 or df_new >= df_cur[rows[0]]:
                    continue
                s_new = sse_of(m0 | bit, rows)
                refer[rows] |= ~(s_new > 0)
                with np.errstate(divide="ignore", invalid="ignore"):
                    f[rows, j] = (sse_cur[rows] - s_new) / (s_new / df_new)
                sse_new[rows, j] = s_new
        best = np.argmax(f, axis=1)
        best_f = f[np.arange(n_t), best]
        second = np.sort(f, axis=1)[:, -2]
        refer[act] |= np.isfinite(second[act]) & near(second[act], best_f[act])
        refer[act] |= np.isfinite(best_f[act]) & near(best_f[act], setup.f_enter)
        stop = act[~(best_f[act] >= setup.f_enter)]
        done[stop] = True
        go = act[best_f[act] >= setup.f_enter]
        mask[go] |= np.left_shift(1, best[go] - 1)
        sse_cur[go] = sse_new[go, best[go]]
        removing = go
        for _inner in range(p):
            if not removing.size:
                break
            df_cur = df_of(mask)
            fr = np.full((n_t, p), np.inf)
            for m0 in np.unique(mask[removing]):
                rows = removing[mask[removing] == m0]
                m0 = int(m0)
                for j in range(1, p):
                    bit = 1 << (j - 1)
                    if not m0 & bit:
                        continue
                    if setup.hierarchy and any(
                        parents[c] & bit for c in range(1, p) if m0 >> (c - 1) & 1
                    ):
                        continue
                    s_red = sse_of(m0 & ~bit, rows)
                    with np.errstate(divide="ignore", invalid="ignore"):
                        fr[rows, j] = (s_red - sse_cur[rows]) / (sse_cur[rows] / df_cur[rows])
            worst = np.argmin(fr, axis=1)
            worst_f = fr[np.arange(n_t), worst]
            second = np.sort(fr, axis=1)[:, 1]
            refer[removing] |= np.isfinite(second[removing]) & near(
                second[removing], worst_f[removing]
            )
            refer[removing] |= np.isfinite(worst_f[removing]) & near(
                worst_f[removing], setup.f_remove
            )
            removing = removing[worst_f[removing] < setup.f_remove]
            mask[removing] &= ~np.left_shift(1, worst[removing] - 1)
            for m0 in np.unique(mask[removing]):
                rows = removing[mask[removing] == m0]
                sse_cur[rows] = sse_of(int(m0), rows)
        repeat = seen[go, mask[go]]
        done[go[repeat]] = True
        seen[go, mask[go]] = True
    done |= True
    return mask, refer


# ---------------------------------------------------------------------------
# the chunk
# ---------------------------------------------------------------------------
def _same_rows(flat: np.ndarray) -> list[np.ndarray]:
    """Groups of identical rows (indices, first appearance order); fast when all rows agree."""
    same = (flat == flat[0]).all(axis=1)
    if same.all():
        return [np.arange(len(flat))]
    groups = [np.flatnonzero(same)]
    rest = np.flatnonzero(~same)
    if len(rest):
        _, first, inverse = np.unique(flat[rest], axis=0, return_index=True, return_inverse=True)
        inverse = np.asarray(inverse).ravel()
        for d in np.argsort(first, kind="stable"):
            groups.append(rest[inverse == d])
    return groups


def label_codes_3414(names: np.ndarray) -> np.ndarray:
    """(labels, 3) level codes of treatment labels read as 3414 codes; -1 rows for others."""
    out = np.full((len(names), 3), -1, dtype=np.int64)
    for i, name in enumerate(names):
        codes = treatment_codes([name])
        if codes is not None:
            out[i] = codes[0]
    return out


def codes_swapped(codes: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """(trials,) whether every label of a trial is a 3414 code (``codes``: trials, K, 3) and
    the codes contradict the rates (trials, K, 3) until two rate columns are exchanged, as
    :func:`fertopt.three414.swapped_columns` finds: the per-trial path refuses such trials."""
    out = (codes >= 0).all(axis=(1, 2))
    if not out.any():
        return out
    idx = np.flatnonzero(out)
    # only trials whose codes contradict their rates can be explained by a swap
    wrong = disagreeing_pairs(codes[idx], rates[idx]).any(axis=(1, 2))
    out[:] = False
    idx = idx[wrong]
    if not len(idx):
        return out
    c, x = codes[idx], rates[idx]
    swapped = np.zeros(len(c), dtype=bool)
    for i, j in ((0, 1), (0, 2), (1, 2)):
        perm = [0, 1, 2]
        perm[i], perm[j] = j, i
        swapped |= ~disagreeing_pairs(c, x[:, :, perm]).any(axis=(1, 2))
    out[idx] = swapped
    return out


def _unit_trap_candidates(
    setup: SurfaceSetup,
    coef0: np.ndarray,
    c0: np.ndarray,
    g: np.ndarray,
    h: np.ndarray,
    lo: np.ndarray,
    top: np.ndarray,
    side: np.ndarray,
) -> np.ndarray:
    """Trials whose economic optimum may be the unit trap (fertopt.economics.units_check):
    every rate at its lowest and a yield gain near or above the rule's share of the yield
    there.  The per-trial path judges them; the others have no unit warning."""
    out = (side == -1).all(axis=1)
    if not out.any():
        return out
    idx = np.flatnonzero(out)
    z, _v, _side, _ref = box_qp_max_many(c0[idx], g[idx], h[idx], lo[idx], top[idx])
    low = poly_value(setup, coef0[idx], lo[idx])
    gain = poly_value(setup, coef0[idx], z) - low
    # half the rule's share: near-ties of the box maximum and rounding never decide here
    out[idx] = ~np.isfinite(gain) | ((low > 0) & (gain >= 0.5 * RESPONSE_SHARE * low))
    return out


def _in_rate_units(
    coef_c: np.ndarray, top: np.ndarray, exps: np.ndarray, offset: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients fitted on rates scaled by each trial's top rate, back in rate units (a term
    x_i^a x_j^b was fitted on (x_i/top_i)^a (x_j/top_j)^b), and the factors used; NaN stays
    NaN for terms stepwise selection left out."""
    mult = np.ones(coef_c.shape)
    safe_top = np.where(top > 0, top, 1.0)
    for j, e in enumerate(exps):
        for i, power in enumerate(e):
            if power:
                mult[:, j] /= safe_top[:, i] ** power
    coef = coef_c * mult
    coef[:, 0] += offset
    return coef, mult


def surface_arrays(
    setup: SurfaceSetup,
    cache: DesignCache,
    centred_means: np.ndarray,
    offset: np.ndarray,
    rates: np.ndarray,
    r: int,
    blocked: bool,
    ss_resid: np.ndarray,
    ss_block: np.ndarray,
    ss_total: np.ndarray,
) -> SurfaceArrays:
    """Fit, canonical analysis and optimum for a chunk of trials.

    ``centred_means`` (trials, K) are the treatment means minus ``offset``
    (trials,); ``rates`` (trials, K, m) the rates of each treatment;
    ``ss_*`` the ANOVA sums of squares of each trial.
    """
    from scipy import special

    n_t, k = centred_means.shape
    m = setup.m
    p = len(setup.powers)
    refer = np.zeros(n_t, dtype=bool)
    top = rates.max(axis=1)
    lo = rates.min(axis=1)
    refer |= ~(top > 0).all(axis=1)
    # yields that (nearly) do not vary: fit_surface refuses them (CONSTANT_RELATIVE of their
    # size); every trial within ten times that limit is decided by the per-trial path
    size = np.abs(offset) + np.abs(centred_means).max(axis=1)
    refer |= ~(ss_total > k * r * (10 * CONSTANT_RELATIVE * size) ** 2)
    coded = rates / np.where(top > 0, top, 1.0)[:, None, :]
    coef_c = np.full((n_t, p), np.nan)
    fitted = np.full((n_t, k), np.nan)
    xtx_diag = np.full((n_t, p), np.nan)
    pure = np.full(n_t, np.nan)  # treatments at equal rates: their spread is pure error too
    n_support = np.full(n_t, k)
    masks = np.full(n_t, setup.full_mask, dtype=np.int64)
    base_rank = 1 + ((r - 1) if blocked else 0)
    extra = ss_resid + (0.0 if blocked else ss_block)
    for members in _same_rows(coded.reshape(n_t, k * m)):
        lead = members[0]
        design = cache.get(setup, np.ascontiguousarray(coded[lead]), rates[lead])
        if design is None:
            refer[members] = True
            continue
        if setup.stepwise:
            chosen, ref = _stepwise_many(
                setup, design, centred_means[members], extra[members], r, base_rank
            )
            masks[members] = chosen
            refer[members] |= ref
        for mask in np.unique(masks[members]):
            rows = members[masks[members] == mask]
            cols, _q, proj, xtx_inv = design.subset(int(mask))
            bc = centred_means[rows] @ proj.T
            coef_c[np.ix_(rows, cols)] = bc
            fitted[rows] = bc @ design.xc[:, cols].T
            xtx_diag[np.ix_(rows, cols)] = np.diag(xtx_inv)[None, :]
        dev = centred_means[members] - centred_means[members] @ design.support.T
        pure[members] = r * np.einsum("tk,tk->t", dev, dev)
        n_support[members] = design.n_support
    coef, mult = _in_rate_units(coef_c, top, setup.exps, offset)
    lof = r * ((centred_means - fitted) ** 2).sum(axis=1)
    sse = extra + lof
    n = k * r
    n_terms = 1 + np.bitwise_count(masks).astype(np.int64)
    df_resid = (n - base_rank - (n_terms - 1)).astype(float)
    refer |= ~(sse > 1e-10 * ss_total) | ~(df_resid > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        s2 = sse / df_resid
        se = np.sqrt(xtx_diag / r * mult**2 * s2[:, None])
        sse_b = ss_total - (ss_block if blocked else 0.0)
        ss_reg = sse_b - sse
        f = (ss_reg / (n_terms - 1)) / s2
        p_reg = np.where(n_terms > 1, special.fdtrc(n_terms - 1, df_resid, f), np.nan)
        f = np.where(n_terms > 1, f, np.nan)
        sse_pe = ss_resid + pure
        df_pe = (n - n_support - ((r - 1) if blocked else 0)).astype(float)
        df_lof = df_resid - df_pe
        f_lof = ((sse - sse_pe) / df_lof) / (sse_pe / df_pe)
        lof_p = np.where((df_lof > 0) & (df_pe > 0), special.fdtrc(df_lof, df_pe, f_lof), np.nan)
        r2 = 1 - sse / ss_total
        adj_r2 = 1 - (sse / df_resid) / (ss_total / (n - 1))
        rmse = np.sqrt(s2)

    fit = FitStats(coef, se, r2, adj_r2, rmse, df_resid, f, p_reg, lof_p)
    return canonical_optimum(setup, fit, top, lo, refer)


@dataclass
class FitStats:
    """The least-squares fit of a chunk: coefficients in rate units and the fit statistics."""

    coef: np.ndarray  # (trials, p), NaN for terms left out
    se: np.ndarray
    r2: np.ndarray
    adj_r2: np.ndarray
    rmse: np.ndarray
    df_resid: np.ndarray
    f: np.ndarray
    p: np.ndarray
    lof_p: np.ndarray

    @classmethod
    def concat(cls, parts: list[FitStats]) -> FitStats:
        """The fits of several groups of trials, one after the other."""
        names = ["coef", "se", "r2", "adj_r2", "rmse", "df_resid", "f", "p", "lof_p"]
        return cls(*(np.concatenate([getattr(q, n) for q in parts]) for n in names))


def canonical_optimum(
    setup: SurfaceSetup, fit: FitStats, top: np.ndarray, lo: np.ndarray, refer: np.ndarray
) -> SurfaceArrays:
    """Canonical analysis and optimum in the tested box (rates from ``lo`` to ``top``)."""
    coef = fit.coef
    n_t = coef.shape[0]
    m = setup.m
    # canonical analysis of the surface (terms left out count as 0)
    coef0 = np.where(np.isnan(coef) & np.isfinite(coef[:, :1]), 0.0, coef)
    c0, g, h = quadratic_parts(setup, coef0)
    half = np.where(top > lo, (top - lo) / 2, 1.0)
    finite = np.isfinite(h).all(axis=(1, 2))
    hc = np.where(
        finite[:, None, None], np.nan_to_num(half[:, :, None] * h * half[:, None, :]), 0.0
    )
    lam, vec = np.linalg.eigh(hc)
    kind, _has, z_s, ref_shape = _shape_many(g, h, half, (lam, vec))
    refer |= ref_shape
    point = np.all(np.isfinite(z_s), axis=1)
    s_yield = np.where(point, poly_value(setup, coef0, np.nan_to_num(z_s)), np.nan)
    with np.errstate(invalid="ignore"):
        s_out, s_close = _outside_flags(z_s, lo, top)
    refer |= s_close & point
    s_inside = point & ~s_out

    # optimum of yield or net return within the tested box
    if setup.crop is not None:
        oc0, og, oh = c0 * setup.crop, g * setup.crop - setup.costs[None, :], h * setup.crop
        eig = (lam * setup.crop, vec)
    else:
        oc0, og, oh = c0, g, h
        eig = (lam, vec)
    u_kind, u_max, _z_u, ref_u = _shape_many(og, oh, half, eig)
    refer |= ref_u
    z, _v, side, ref_box = box_qp_max_many(oc0, og, oh, lo, top)
    refer |= ref_box
    if setup.check_units and setup.crop is not None:
        refer |= _unit_trap_candidates(setup, coef0, c0, g, h, lo, top, side)
    marginal = og + 2 * np.einsum("tij,tj->ti", oh, z)
    scale_m = np.maximum(1.0, np.abs(marginal).max(axis=1))
    limit = 1e-9 * scale_m[:, None]
    strictly = ((side == 1) & (marginal > limit)) | ((side == -1) & (marginal < -limit))
    at_edge = (side != 0) & (np.abs(np.abs(marginal) - limit) <= 0.5 * limit)
    refer |= at_edge.any(axis=1)
    o_out, o_close = _outside_flags(z, lo, top)
    refer |= o_out
    status = np.where(
        u_kind == "saddle",
        "saddle",
        np.where(~u_max, "no_maximum", np.where(strictly.any(axis=1), "at_bound", "ok")),
    ).astype(object)
    y_at = poly_value(setup, coef0, z)
    if setup.crop is not None:
        cost = np.zeros(n_t)
        for i in range(m):
            cost = cost + setup.costs[i] * z[:, i]
        net = setup.crop * (y_at - coef[:, 0]) - cost
    else:
        net = np.full(n_t, np.nan)
    refer |= ~np.all(np.isfinite(coef0), axis=1)
    return SurfaceArrays(
        coef=coef,
        se=fit.se,
        r2=fit.r2,
        adj_r2=fit.adj_r2,
        rmse=fit.rmse,
        df_resid=fit.df_resid,
        f=fit.f,
        p=fit.p,
        lof_p=fit.lof_p,
        kind=kind,
        stationary=z_s,
        stationary_yield=s_yield,
        stationary_inside=s_inside,
        opt_status=status,
        opt_rates=z,
        opt_yield=y_at,
        opt_net_return=net,
        opt_bound=side,
        refer=refer,
    )


# ---------------------------------------------------------------------------
# trials with missing plots: the surface fitted to the plots of one pattern
# ---------------------------------------------------------------------------
@dataclass
class _PlotDesign:
    """The surface with blocks on the plots of one missing-plot pattern and one coded design.

    ``full`` (plots, 1 + (R − 1) + (p − 1)) holds the model's columns: intercept,
    sum-to-zero blocks, surface terms (coded rates).  :meth:`subset` factorises
    the intercept, the blocks and a set of surface terms once; ``q_pure`` is an
    orthonormal basis of blocks + one mean per rate combination (the pure-error
    model of :func:`fertopt.fit_surface`'s lack-of-fit test).
    """

    full: np.ndarray
    r: int
    q_pure: np.ndarray
    df_pure: int
    subsets: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=dict
    )

    def subset(self, mask: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(terms, proj, diag of (XᵀX)⁻¹, Q)`` of the intercept, blocks and the terms in
        ``mask``: ``terms`` are their positions among the candidates (intercept first),
        ``proj`` gives their coefficients from the centred plots."""
        if mask not in self.subsets:
            r = self.r
            p = self.full.shape[1] - (r - 1)
            terms = np.array([0] + [j + 1 for j in range(p - 1) if mask >> j & 1])
            cols = np.concatenate([[0], np.arange(1, r), r - 1 + terms[1:]]).astype(np.int64)
            x = self.full[:, cols]
            norms = np.sqrt((x * x).sum(axis=0))
            q, rr = np.linalg.qr(x / norms)
            rinv = np.linalg.inv(rr) / norms[:, None]
            keep = [0, *range(r, len(cols))]  # block effects left out
            proj = (rinv @ q.T)[keep]
            diag = np.einsum("ij,ij->i", rinv, rinv)[keep]
            self.subsets[mask] = (terms, proj, diag, q)
        return self.subsets[mask]

    def sse(self, mask: int, e: np.ndarray) -> np.ndarray:
        """Residual sum of squares of the plots ``e`` (trials, plots) on the terms in ``mask``."""
        q = self.subset(mask)[3]
        resid = e - (e @ q) @ q.T
        return np.einsum("tk,tk->t", resid, resid)


def _plot_design(design: _Design, g_of: np.ndarray, b_of: np.ndarray, r: int) -> _PlotDesign | None:
    """The least-squares pieces of one pattern (``None``: blocks confounded with the rates)."""
    n = len(g_of)
    bcols = np.zeros((n, r - 1))
    last = b_of == r - 1
    bcols[np.flatnonzero(~last), b_of[~last]] = 1.0
    bcols[last, :] = -1.0
    xs = design.xc[g_of]
    full = np.column_stack([xs[:, :1], bcols, xs[:, 1:]])
    norms = np.sqrt((full * full).sum(axis=0))
    diag = np.abs(np.diag(np.linalg.qr(full / norms, mode="r")))
    if diag.min() <= 1e-9 * diag.max():
        return None
    # treatments at the same rates share a row of ``support``: one mean per rate combination
    _, point = np.unique(design.support, axis=0, return_inverse=True)
    point = np.asarray(point).ravel()[g_of]
    cells = np.zeros((n, int(point.max()) + 1))
    cells[np.arange(n), point] = 1.0
    u, sv, _vt = np.linalg.svd(np.column_stack([bcols, cells]), full_matrices=False)
    rank = int((sv > 1e-9 * sv[0]).sum())
    return _PlotDesign(full, r, u[:, :rank], n - rank)


def fit_pattern(
    setup: SurfaceSetup,
    cache: DesignCache,
    plots: dict[bytes, _PlotDesign | None],
    e: np.ndarray,
    offset: np.ndarray,
    rates: np.ndarray,
    g_of: np.ndarray,
    b_of: np.ndarray,
    r: int,
    ss_block: np.ndarray,
    ss_total: np.ndarray,
) -> tuple[FitStats, np.ndarray]:
    """The surfaces of trials with the same plots missing, and the trials to refer.

    ``e`` (trials, plots) are the plots minus ``offset`` (trials,), treatment
    ``g_of`` and block ``b_of`` for every plot; ``rates`` (trials, K, m) the
    rates of each treatment; ``ss_block`` and ``ss_total`` from the trials'
    ANOVA.  :func:`fertopt.fit_surface` fits the plots with sum-to-zero block
    effects; with plots missing the blocks are no longer orthogonal to the
    surface, so the plots themselves are fitted, one factorisation per pattern,
    coded design and term set (``plots`` caches them).  Stepwise selection runs
    as for complete trials (:func:`_stepwise_many`), on the residual sums of
    squares of the plots.  The canonical analysis and the optimum follow with
    :func:`canonical_optimum` (on the fits of several patterns at once).
    """
    from scipy import special

    n_t, n = e.shape
    k = rates.shape[1]
    p = len(setup.powers)
    refer = np.zeros(n_t, dtype=bool)
    top = rates.max(axis=1)
    refer |= ~(top > 0).all(axis=1)
    size = np.abs(offset) + np.abs(e).max(axis=1)
    refer |= ~(ss_total > n * (10 * CONSTANT_RELATIVE * size) ** 2)
    coded = rates / np.where(top > 0, top, 1.0)[:, None, :]
    coef_c = np.full((n_t, p), np.nan)
    xtx_diag = np.full((n_t, p), np.nan)
    sse = np.full(n_t, np.nan)
    sse_pe = np.full(n_t, np.nan)
    df_pe = np.full(n_t, np.nan)
    masks = np.full(n_t, setup.full_mask, dtype=np.int64)
    pattern = g_of.tobytes() + b_of.tobytes()
    for members in _same_rows(coded.reshape(n_t, k * setup.m)):
        lead = members[0]
        flat = np.ascontiguousarray(coded[lead])
        design = cache.get(setup, flat, rates[lead])
        key = flat.tobytes() + pattern
        if key not in plots:
            plots[key] = None if design is None else _plot_design(design, g_of, b_of, r)
        plot = plots[key]
        if plot is None:
            refer[members] = True
            continue
        if setup.stepwise:
            # the plots' residual of a term set is the plot design's: no extra, r = 1, and
            # the intercept and blocks always in (rank r)
            chosen, ref = _stepwise_many(setup, plot, e[members], np.zeros(len(members)), 1, r)
            masks[members] = chosen
            refer[members] |= ref
        for mask in np.unique(masks[members]):
            rows = members[masks[members] == mask]
            terms, proj, diag, q = plot.subset(int(mask))
            em = e[rows]
            coef_c[np.ix_(rows, terms)] = em @ proj.T
            xtx_diag[np.ix_(rows, terms)] = diag[None, :]
            resid = em - (em @ q) @ q.T
            sse[rows] = np.einsum("ij,ij->i", resid, resid)
        em = e[members]
        pure = em - (em @ plot.q_pure) @ plot.q_pure.T
        sse_pe[members] = np.einsum("ij,ij->i", pure, pure)
        df_pe[members] = plot.df_pure
    coef, mult = _in_rate_units(coef_c, top, setup.exps, offset)
    n_terms = 1 + np.bitwise_count(masks).astype(np.int64)
    df_resid = (n - r - (n_terms - 1)).astype(float)
    refer |= ~(sse > 1e-10 * ss_total) | ~(df_resid > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        s2 = sse / df_resid
        se = np.sqrt(xtx_diag * mult**2 * s2[:, None])
        ss_reg = ss_total - ss_block - sse
        f = (ss_reg / (n_terms - 1)) / s2
        p_reg = np.where(n_terms > 1, special.fdtrc(n_terms - 1, df_resid, f), np.nan)
        f = np.where(n_terms > 1, f, np.nan)
        df_lof = df_resid - df_pe
        f_lof = ((sse - sse_pe) / df_lof) / (sse_pe / df_pe)
        lof_p = np.where((df_lof > 0) & (df_pe > 0), special.fdtrc(df_lof, df_pe, f_lof), np.nan)
        r2 = 1 - sse / ss_total
        adj_r2 = 1 - (sse / df_resid) / (ss_total / (n - 1))
        rmse = np.sqrt(s2)
    return FitStats(coef, se, r2, adj_r2, rmse, df_resid, f, p_reg, lof_p), refer
