"""Least-squares estimation of the response models and profiles of their optima.

Private to :mod:`fertopt.response`.  Linear-in-parameter models are fitted by least
squares through a QR decomposition (the arithmetic of statsmodels'
``OLS.fit(method="qr")``) on the rate rescaled to ``[0, 1]`` so that ill-conditioned
polynomials (NIST ``Pontius``) keep their accuracy; nonlinear models are
profiled exactly by variable projection over their one nonlinear parameter,
segment by segment between the tested rates, polished by
:func:`scipy.optimize.least_squares` from several starts, and finally taken to the exact
minimum: the stationary points of the profiled SSE in closed form (linear plateau: a linear
equation per segment; quadratic plateau: a quartic per segment) or Newton's method on its
exact derivatives (Mitscherlich), so that the parameters, not only the SSE, are converged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fertopt.curves.models import Blocks, ModelSpec, qp_basis, sse_fixed, sse_free

__all__ = ["FitData", "Estimate", "FitFailure", "estimate", "profile_sse", "covariance"]

_GRID = 33  # grid points per segment of the nonlinear parameter
_QP_CAP = 10.0  # a quadratic-plateau join is searched up to this multiple of the top rate


class FitFailure(Exception):
    """The model cannot be fitted to these data; the message says why in plain words."""


@dataclass(eq=False)
class FitData:
    """Rates, responses and blocks of one fit (kept inside the result for refits)."""

    x: np.ndarray
    y: np.ndarray
    blocks: Blocks
    levels: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.levels = np.unique(self.x)

    @property
    def n(self) -> int:
        return len(self.x)

    @property
    def cap(self) -> float:
        return _QP_CAP * float(self.levels[-1])

    def with_y(self, y: np.ndarray) -> FitData:
        return FitData(self.x, y, self.blocks)


@dataclass(eq=False)
class Estimate:
    """Least-squares estimate: model parameters, block effects, SSE."""

    theta: np.ndarray
    effects: np.ndarray
    sse: float
    method: str
    nfev: int = 0
    message: str = ""


# ---------------------------------------------------------------------------
# covariance
# ---------------------------------------------------------------------------
def covariance(spec: ModelSpec, data: FitData, theta: np.ndarray) -> np.ndarray:
    """Unscaled covariance ``[(JᵀJ)⁻¹]`` of the model parameters (block effects profiled).

    Raises
    ------
    FitFailure
        If the Jacobian is rank deficient (a parameter is not identifiable).
    """
    J = spec.jacobian(data.x, theta)
    D = data.blocks.coding()
    full = np.column_stack([J, D]) if D.shape[1] else J
    norms = np.sqrt(np.einsum("ij,ij->j", full, full))
    if np.any(norms == 0) or not np.all(np.isfinite(full)):
        raise FitFailure("a parameter has no influence on the fitted values (zero Jacobian column)")
    scaled = full / norms
    _, s, vt = np.linalg.svd(scaled, full_matrices=False)
    if s[-1] <= s[0] * 1e-10:
        raise FitFailure(
            "the parameters are not identifiable from these rates (the Jacobian is singular)"
        )
    inv = (vt.T / s**2) @ vt
    inv = inv / np.outer(norms, norms)
    p = spec.n_params
    return inv[:p, :p]


# ---------------------------------------------------------------------------
# linear models
# ---------------------------------------------------------------------------
def _estimate_linear(spec: ModelSpec, data: FitData, polish: bool) -> Estimate:
    x, y = data.x, data.y
    scale = float(np.max(np.abs(x))) or 1.0
    z = x / scale
    cols = spec.columns(z)
    powers = np.asarray(spec.powers, float)
    if polish:
        D = data.blocks.coding()
        X = (
            np.column_stack([np.ones_like(z), cols, D])
            if D.shape[1]
            else np.column_stack([np.ones_like(z), cols])
        )
        if np.linalg.matrix_rank(X) < X.shape[1]:
            raise FitFailure("the design matrix is rank deficient: too few distinct rates")
        # statsmodels' OLS(y, X).fit(method="qr") written out: the same arithmetic, without
        # the cost of building its model and results objects for one small fit
        q, r = np.linalg.qr(X)
        params = np.linalg.solve(r, q.T @ y)
        gamma = params[: spec.n_params]
        theta = gamma / scale**powers
        resid = y - spec.curve(x, theta)
        _, effects = data.blocks.intercept_and_effects(resid)
        sse = float(np.sum((y - X @ params) ** 2))
        return Estimate(theta, effects, sse, "least squares (QR)")
    # fast path for refits: project out intercept and blocks, then least squares
    my = data.blocks.project(y)
    mc = data.blocks.project(cols)
    coef, *_ = np.linalg.lstsq(mc, my, rcond=None)
    gamma_rest = coef / scale ** powers[1:]
    h = cols @ coef
    a, effects = data.blocks.intercept_and_effects(y - h)
    theta = np.concatenate([[a], gamma_rest])
    r = my - mc @ coef
    return Estimate(theta, effects, float(r @ r), "least squares")


# ---------------------------------------------------------------------------
# variable projection for the nonlinear models
# ---------------------------------------------------------------------------
def _basis(spec: ModelSpec, x: np.ndarray, nl: np.ndarray) -> np.ndarray:
    if spec.name == "linear_plateau":
        return np.minimum(x[:, None], nl[None, :])
    if spec.name == "quadratic_plateau":
        return qp_basis(x, nl)
    return np.exp(-nl[None, :] * x[:, None])  # mitscherlich


def _segments(spec: ModelSpec, data: FitData) -> list[tuple[float, float, bool]]:
    """Intervals of the nonlinear parameter on which the profile SSE is smooth.

    The flag says whether the interval is searched on a log scale.
    """
    u = data.levels
    if spec.name == "linear_plateau":
        return [(float(u[j]), float(u[j + 1]), False) for j in range(len(u) - 1)]
    if spec.name == "quadratic_plateau":
        segs = [(float(u[j]), float(u[j + 1]), False) for j in range(len(u) - 1)]
        return segs + [(float(u[-1]), data.cap, False)]
    span = float(u[-1] - u[0]) or 1.0
    positive = u[u > 0]
    smallest = float(positive.min()) if len(positive) else span
    return [(1e-3 / span, 60.0 / smallest, True)]


def _minimise_1d(
    f, segments: list[tuple[float, float, bool]], n: int = _GRID, keep: int = 3
) -> list[tuple[float, float]]:
    """Best local minima of a vectorised scalar function over several intervals.

    Each interval ``(lo, hi, log)`` gets an ``n``-point grid (log-spaced when ``log``); the
    function is evaluated on all grids at once, and the ``keep`` lowest local minima are
    refined by bounded Brent search between their neighbouring grid points.  Returns
    ``(argument, value)`` pairs, best first.
    """
    from scipy.optimize import minimize_scalar

    grids = []
    for lo, hi, log in segments:
        if hi > lo:
            grids.append((np.geomspace(lo, hi, n) if log else np.linspace(lo, hi, n), log))
    if not grids:
        lo = segments[0][0]
        return [(lo, float(f(np.array([lo]))[0]))]
    values = f(np.concatenate([g for g, _ in grids]))
    found = []
    pos = 0
    for g, log in grids:
        v = values[pos : pos + len(g)]
        pos += len(g)
        m = len(g)
        for i in range(m):
            if (i == 0 or v[i] <= v[i - 1]) and (i == m - 1 or v[i] <= v[i + 1]):
                found.append((float(v[i]), g, i, log))
    found.sort(key=lambda c: c[0])
    out = []
    for val, g, i, log in found[:keep]:
        a = g[max(i - 1, 0)]
        b = g[min(i + 1, len(g) - 1)]
        if log:
            res = minimize_scalar(
                lambda t: float(f(np.array([np.exp(t)]))[0]),
                bounds=(np.log(a), np.log(b)),
                method="bounded",
                options={"xatol": 1e-12},
            )
            cand = float(np.exp(res.x))
        else:
            tol = 1e-12 * max(abs(a), abs(b), 1.0)
            res = minimize_scalar(
                lambda t: float(f(np.array([t]))[0]),
                bounds=(a, b),
                method="bounded",
                options={"xatol": tol},
            )
            cand = float(res.x)
        cv = float(f(np.array([cand]))[0])
        if val < cv:
            cand, cv = float(g[i]), val
        out.append((cand, cv))
    out.sort(key=lambda c: c[1])
    return out


def _vp_search(spec: ModelSpec, data: FitData) -> list[tuple[float, float]]:
    """Candidate values of the nonlinear parameter with their profiled SSE, best first."""
    my = data.blocks.project(data.y)

    def prof(nl: np.ndarray) -> np.ndarray:
        return sse_free(my, data.blocks.project(_basis(spec, data.x, np.atleast_1d(nl))))

    segments = _segments(spec, data)
    return _minimise_1d(prof, segments, n=400 if segments[0][2] else _GRID)


def _reference_sse(data: FitData, groups: np.ndarray | None) -> float:
    """SSE of the straight line (groups None) or of a two-level step model (groups given)."""
    my = data.blocks.project(data.y)
    col = data.x if groups is None else groups.astype(float)
    return float(sse_free(my, data.blocks.project(col)[:, None])[0])


def _identify(spec: ModelSpec, data: FitData, nl: float, sse: float) -> None:
    """Raise FitFailure when the best value of the nonlinear parameter is not identified.

    A fit is degenerate when it is no better than its limiting cases: a straight line (the
    join or the Mitscherlich curvature running off to infinity), or a step between the lowest
    rate and all others (the whole response before the first rate).
    """
    u = data.levels
    rel = 1e-9
    line = _reference_sse(data, None)
    step = _reference_sse(data, data.x > u[0])
    if spec.name in ("linear_plateau", "quadratic_plateau"):
        if len(u) < 3 or nl <= u[1] * (1 + 1e-6) + 1e-12 or sse >= step * (1 - rel):
            raise FitFailure(
                "the plateau is reached at or before the first rate above the lowest "
                f"({u[1]:g}): the join point cannot be located between the tested "
                "rates. Test lower rates, or use a model without a join"
            )
        if spec.name == "linear_plateau" and (nl >= u[-1] * (1 - 1e-6) or sse >= line * (1 - rel)):
            raise FitFailure(
                f"no plateau within the tested rates: yield still rises linearly at the "
                f"highest rate ({u[-1]:g}); use linear or quadratic, or test higher rates"
            )
        if spec.name == "quadratic_plateau" and (
            nl >= data.cap * (1 - 1e-6) or sse >= line * (1 - rel)
        ):
            raise FitFailure(
                "the response shows no curvature: the quadratic-plateau join runs off to "
                "infinity; use a linear model or test higher rates"
            )
        return
    lo, hi, _ = _segments(spec, data)[0]
    if nl <= lo * (1 + 1e-6) or sse >= line * (1 - rel):
        raise FitFailure(
            "the response shows no diminishing returns (the Mitscherlich rate tends to 0 "
            "and the asymptote to infinity); use a linear or quadratic model"
        )
    if nl >= hi * (1 - 1e-6) or sse >= step * (1 - rel):
        raise FitFailure(
            "the whole response happens before the first rate above the lowest: the "
            "Mitscherlich rate parameter cannot be estimated; test lower rates"
        )


def _from_vp(spec: ModelSpec, data: FitData, nl: float) -> tuple[np.ndarray, np.ndarray]:
    g = _basis(spec, data.x, np.array([nl]))[:, 0]
    my = data.blocks.project(data.y)
    mg = data.blocks.project(g)
    b = float(mg @ my / (mg @ mg))
    a, effects = data.blocks.intercept_and_effects(data.y - b * g)
    if spec.name == "mitscherlich":
        if a == 0 or -b / a <= 0:
            raise FitFailure(
                "yield does not rise towards an asymptote (it falls with the rate): a "
                "Mitscherlich curve does not describe these data"
            )
        return np.array([a, nl, -np.log(-b / a) / nl]), effects
    return np.array([a, b, nl]), effects


# ---------------------------------------------------------------------------
# exact minimum of the profiled SSE
# ---------------------------------------------------------------------------
def _segment_columns(spec: ModelSpec, data: FitData) -> list[tuple[float, float, list[np.ndarray]]]:
    """Per segment of the join, ``h = x₀·basis`` (or ``basis``) as a polynomial in ``x₀``.

    Between two tested rates ``u_j < x₀ < u_{j+1}`` the plots at or below ``u_j`` are before
    the join and the others after it, so the curve column is a polynomial in ``x₀`` with
    coefficient columns ``P0, P1, (P2)`` (projected, on the rate divided by the top rate):
    ``min(x, x₀) = P0 + x₀ P1`` (linear plateau; Hudson 1966) and
    ``x₀·qp_basis(x, x₀) = P0 + x₀ P1 + x₀² P2`` (quadratic plateau).
    """
    u = data.levels
    top = float(u[-1]) or 1.0
    z = data.x / top
    uz = u / top
    blocks = data.blocks
    out = []
    ends = [(float(uz[j]), float(uz[j + 1])) for j in range(len(u) - 1)]
    if spec.name == "quadratic_plateau":
        ends.append((float(uz[-1]), data.cap / top))
    for j, (lo, hi) in enumerate(ends):
        low = z <= uz[j] * (1 + 1e-12)
        if spec.name == "linear_plateau":
            cols = [np.where(low, z, 0.0), np.where(low, 0.0, 1.0)]
        else:
            cols = [np.where(low, -z * z / 2, 0.0), np.where(low, z, 0.0), np.where(low, 0.0, 0.5)]
        out.append((lo, hi, [blocks.project(c) for c in cols]))
    return out


def _newton_poly(c: list[float], r: float) -> float:
    """Three Newton steps on the polynomial with coefficients ``c`` (highest first) from ``r``."""
    for _ in range(3):
        p = dp = 0.0
        for ci in c:  # Horner: value and derivative
            dp = dp * r + p
            p = p * r + ci
        if dp == 0.0 or not np.isfinite(p / dp):
            break
        r -= p / dp
    return r


def _quartic_roots(q: np.ndarray, ends: list[tuple[float, float]]) -> list[float]:
    """Real roots inside each ``(lo, hi)`` of the quartics ``Σ q[j, i] t^i`` (one per row):
    eigenvalues of their companion matrices in one call, each polished by Newton steps."""
    q = np.asarray(q, float)
    lead = q[:, 4]
    finite = np.all(np.isfinite(q), axis=1)
    ok = finite & (lead != 0)
    comp = np.zeros((len(q), 4, 4))
    comp[:, 0, :] = -q[:, 3::-1] / np.where(ok, lead, 1.0)[:, None]
    comp[:, 1, 0] = comp[:, 2, 1] = comp[:, 3, 2] = 1.0
    comp[~ok] = np.eye(4)
    roots = np.linalg.eigvals(comp)
    out = []
    for j in np.flatnonzero(finite):
        lo, hi = ends[j]
        if ok[j]:
            rj = roots[j]
        else:  # a lower degree (no plot beyond the join: the segment above the top rate)
            c = np.trim_zeros(q[j, ::-1], "f")
            rj = np.roots(c) if len(c) > 1 else np.array([], complex)
        near = (np.abs(rj.imag) <= 1e-8 * np.maximum(np.abs(rj.real), 1.0)) & (
            np.abs(rj.real - 0.5 * (lo + hi)) <= hi - lo
        )
        c = q[j, ::-1].tolist()
        for r in rj.real[near].tolist():
            r = _newton_poly(c, r)
            if lo < r < hi:
                out.append(r)
    return out


def _stationary_plateau(spec: ModelSpec, data: FitData) -> list[float]:
    """Every candidate for the exact join: the ends of the segments and, inside each, the
    zeros of the derivative of the profiled SSE ``yᵀMy − (hᵀMy)²/(hᵀMh)``, which vanish
    where ``2(h'ᵀy)(hᵀh) − (hᵀy)(hᵀh)' = 0``: linear in ``x₀`` for the linear plateau, a
    quartic for the quadratic plateau (its ``x₀⁵`` terms cancel)."""
    my = data.blocks.project(data.y)
    top = float(data.levels[-1]) or 1.0
    cands = []
    quartics, ends = [], []
    for lo, hi, P in _segment_columns(spec, data):
        s = [float(Pk @ my) for Pk in P]
        G = [[float(Pa @ Pb) for Pb in P] for Pa in P]
        if spec.name == "linear_plateau":
            den = s[1] * G[0][1] - s[0] * G[1][1]
            if den != 0:
                t = (s[0] * G[0][1] - s[1] * G[0][0]) / den
                if lo < t < hi:
                    cands.append(t)
            continue
        hy = [s[0], s[1], s[2]]
        dhy = [s[1], 2 * s[2]]
        hh = [G[0][0], 2 * G[0][1], G[1][1] + 2 * G[0][2], 2 * G[1][2], G[2][2]]
        hdh = [G[0][1], G[1][1] + 2 * G[0][2], 3 * G[1][2], 2 * G[2][2]]
        quartics.append((np.convolve(dhy, hh) - np.convolve(hy, hdh))[:5])
        ends.append((lo, hi))
    if quartics:
        cands.extend(_quartic_roots(np.array(quartics), ends))
    rates = [float(v) for v in data.levels[1:]]  # the tested rates, exactly
    if spec.name == "quadratic_plateau":
        rates.append(data.cap)
    return rates + [c * top for c in cands]


def _mit_newton(data: FitData, c: float) -> float:
    """Newton's method on the exact derivatives of ``F(c) = (gᵀMy)²/(gᵀMg)``, ``g = e^(−cx)``
    (the profiled SSE is ``yᵀMy − F``), stopped when the step is below 1e-15 of ``c``."""
    x = data.x
    my = data.blocks.project(data.y)
    for _ in range(30):
        e = np.exp(-c * x)
        g = data.blocks.project(e)
        g1 = data.blocks.project(-x * e)
        g2 = data.blocks.project(x * x * e)
        P, P1, P2 = float(g @ my), float(g1 @ my), float(g2 @ my)
        Q, Q1, Q2 = float(g @ g), 2 * float(g @ g1), 2 * float(g1 @ g1 + g @ g2)
        F1 = (2 * P * P1 * Q - P * P * Q1) / (Q * Q)
        F2 = (2 * (P1 * P1 + P * P2) * Q - P * P * Q2) / (Q * Q) - 2 * Q1 * F1 / Q
        if not (F2 < 0 and np.isfinite(F1)):
            break
        step = F1 / F2
        nxt = c - step
        if not (0.5 * c < nxt < 2 * c):
            break
        c = nxt
        if abs(step) <= 1e-15 * c:
            break
    return c


def _exact(spec: ModelSpec, data: FitData, nl: float, sse: float) -> tuple[float, float]:
    """The exact least-squares value of the nonlinear parameter near (for the plateau models:
    over all) the searched one, and its SSE; ``(nl, sse)`` unchanged when not lower.

    Grid, Brent and ``least_squares`` stop where the SSE is flat to rounding while the
    parameters may still move by ~1e-6 of themselves; this step solves the stationarity of
    the profiled SSE exactly, so the per-trial fit and the batched one (the same exact
    minimum) agree to rounding.
    """
    with np.errstate(all="ignore"):
        if spec.name == "mitscherlich":
            cands = [_mit_newton(data, nl)] if nl > 0 else []
        else:
            cands = _stationary_plateau(spec, data)
        if not cands:
            return nl, sse
        cand = np.asarray(cands, float)
        my = data.blocks.project(data.y)
        vals = sse_free(my, data.blocks.project(_basis(spec, data.x, cand)))
    vals = np.where(np.isfinite(vals), vals, np.inf)
    i = int(np.argmin(vals))
    if vals[i] <= sse * (1 + 1e-12) + 1e-300:
        return float(cand[i]), float(vals[i])
    return nl, sse


def _polish(
    spec: ModelSpec, data: FitData, starts: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, float, int] | None:
    from scipy.optimize import least_squares

    x, y = data.x, data.y
    D = data.blocks.coding()
    p = spec.n_params
    k = D.shape[1]
    lower = np.full(p + k, -np.inf)
    upper = np.full(p + k, np.inf)
    if spec.name in ("linear_plateau", "quadratic_plateau"):
        lower[2] = float(data.levels[0])
        upper[2] = float(data.levels[-1]) if spec.name == "linear_plateau" else data.cap
    else:
        lower[1] = 0.0

    def resid(v):
        return spec.curve(x, v[:p]) + (D @ v[p:] if k else 0.0) - y

    def jac(v):
        J = spec.jacobian(x, v[:p])
        return np.column_stack([J, D]) if k else J

    best = None
    for start in starts:
        v0 = np.where(np.isfinite(start), start, 0.0)
        with np.errstate(invalid="ignore"):
            pad = 1e-10 * np.maximum(np.abs(np.where(np.isfinite(lower), lower, 0.0)), 1.0)
        v0 = np.minimum(np.maximum(v0, lower + pad), upper - pad)
        try:
            with np.errstate(all="ignore"):
                res = least_squares(
                    resid,
                    v0,
                    jac=jac,
                    bounds=(lower, upper),
                    x_scale="jac",
                    ftol=1e-14,
                    xtol=1e-14,
                    gtol=1e-14,
                    max_nfev=2000,
                )
        except (ValueError, np.linalg.LinAlgError):
            continue
        if not np.all(np.isfinite(res.x)) or res.status <= 0:
            continue
        sse = float(2 * res.cost)
        if best is None or sse < best[2]:
            best = (res.x[:p].copy(), res.x[p:].copy(), sse, int(res.nfev))
    return best


def _estimate_nonlinear(spec: ModelSpec, data: FitData, polish: bool) -> Estimate:
    cands = _vp_search(spec, data)
    nl, sse_vp = _exact(spec, data, *cands[0])
    _identify(spec, data, nl, sse_vp)
    theta, effects = _from_vp(spec, data, nl)
    if not polish:
        return Estimate(theta, effects, sse_vp, "variable projection")
    starts = [np.concatenate([theta, _effects_coded(effects)])]
    for nl_c, _ in cands[1:3]:
        try:
            t, e = _from_vp(spec, data, nl_c)
        except FitFailure:
            continue
        starts.append(np.concatenate([t, _effects_coded(e)]))
    try:
        with np.errstate(all="ignore"):
            g = spec.guess(data.x, data.y)
        if np.all(np.isfinite(g)):
            starts.append(np.concatenate([g, np.zeros(data.blocks.n_blocks - 1)]))
    except (ValueError, np.linalg.LinAlgError, FloatingPointError):
        pass
    best = _polish(spec, data, starts)
    method = "variable projection + least_squares"
    if best is not None and best[2] <= sse_vp * (1 + 1e-10) + 1e-300:
        if spec.name != "mitscherlich" and sse_vp <= best[2] * (1 + 1e-12):
            # the plateau models' exact step above searched every segment: the polish only
            # confirmed its minimum
            return Estimate(theta, effects, sse_vp, method, best[3])
        nl_best = best[0][2] if spec.name != "mitscherlich" else best[0][1]
        nl_best, sse_best = _exact(spec, data, nl_best, best[2])
        _identify(spec, data, nl_best, sse_best)
        p_theta, effects = _from_vp(spec, data, nl_best)
        return Estimate(p_theta, effects, sse_best, method, best[3])
    return Estimate(theta, effects, sse_vp, "variable projection")


def _effects_coded(effects: np.ndarray) -> np.ndarray:
    return np.asarray(effects[:-1], float)


def estimate(spec: ModelSpec, data: FitData, *, polish: bool = True) -> Estimate:
    """Fit ``spec`` to ``data`` by least squares.

    ``polish=False`` is the fast path used by bootstrap refits (numpy least
    squares for linear models, variable projection alone for nonlinear ones;
    both give the least-squares solution).

    Raises
    ------
    FitFailure
        When the model cannot be identified from the data.
    """
    if spec.linear:
        return _estimate_linear(spec, data, polish=polish)
    return _estimate_nonlinear(spec, data, polish)


# ---------------------------------------------------------------------------
# profile of the optimum
# ---------------------------------------------------------------------------
def profile_sse(spec: ModelSpec, data: FitData, theta_opt: float, r: float) -> float:
    """Smallest SSE over all curves whose optimum for price ratio ``r`` is ``theta_opt``.

    The model is reparameterised so that the optimum is a parameter (eonr's
    ``q_theta2`` idea, Hernandez & Mulla 2008) and every other parameter,
    including the join of a quadratic plateau, is re-estimated.
    """
    x, blocks = data.x, data.blocks
    my = blocks.project(data.y)
    t = float(theta_opt)
    name = spec.name
    if name == "quadratic":
        v = blocks.project(data.y - r * x)
        g = blocks.project(x * x - 2 * t * x)
        return float(sse_free(v, g[:, None])[0])
    if name == "square_root":
        if t < 0:
            return np.inf
        st = np.sqrt(t)
        sx = np.sqrt(x)
        v = blocks.project(data.y - 2 * st * r * sx)
        g = blocks.project(x - 2 * st * sx)
        return float(sse_free(v, g[:, None])[0])
    if name == "linear_plateau" or (name == "quadratic_plateau" and r == 0):
        if t <= data.levels[0]:
            return np.inf
        g = blocks.project(_basis(spec, x, np.array([t])))
        return float(sse_free(my, g)[0])
    if name == "quadratic_plateau":
        if t < 0:
            return np.inf

        def prof(xs: np.ndarray) -> np.ndarray:
            b = r * xs / (xs - t)
            return sse_fixed(blocks.project(data.y[:, None] - qp_basis(x, xs) * b[None, :]))

        lo = max(t, 0.0)
        bounds = [lo] + [float(u) for u in data.levels if u > lo] + [max(data.cap, 2 * lo + 1)]
        segments = [
            (a + 1e-9 * max(abs(a), 1.0), b_, False)
            for a, b_ in zip(bounds[:-1], bounds[1:], strict=True)
        ]
        return float(_minimise_1d(prof, segments, n=17, keep=2)[0][1])
    if name == "mitscherlich":
        u = data.levels
        span = float(u[-1] - u[0]) or 1.0

        def prof(c: np.ndarray) -> np.ndarray:
            with np.errstate(over="ignore", invalid="ignore"):
                v = data.y[:, None] + (r / c)[None, :] * np.exp(-c[None, :] * (x[:, None] - t))
                out = sse_fixed(blocks.project(v))
            return np.where(np.isfinite(out), out, np.inf)

        positive = u[u > 0]
        smallest = float(positive.min()) if len(positive) else span
        return float(
            _minimise_1d(prof, [(1e-4 / span, 60.0 / smallest, True)], n=120, keep=2)[0][1]
        )
    raise FitFailure(f"no profile likelihood for the {name} model")
