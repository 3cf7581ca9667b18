"""Random-coefficient response models that are linear in their parameters, as a linear mixed model.

The quadratic (``a + b·x + c·x²``) or straight-line (``a + b·x``) response of site ``i`` has
parameters ``β + b_i``, where ``b_i`` holds the site deviations of the parameters named in
``random`` (the others are shared), ``b_i ~ N(0, Ψ)`` with ``Ψ`` unstructured; optional
random intercepts of the blocks within a site, ``N(0, σ²_block)``; and plot errors
``N(0, σ²)``.  This is ``lme4::lmer(yield ~ N + I(N^2) + (1 + N | site) + (1 | site:rep))``.

Estimation follows lme4 (Bates et al. 2015, *J. Stat. Softw.* 67(1), §3): the relative
covariance factor ``Λ_θ`` (``Ψ = σ² Λ Λ'``, lower triangular, non-negative diagonal) is the only
free quantity; ``β`` and ``σ²`` are profiled out and the profiled deviance

    ML:    n (1 + log(2π S / n)) + log|V_θ|
    REML:  (n − p)(1 + log(2π S / (n − p))) + log|V_θ| + log|X' V_θ⁻¹ X|

(``V_θ = I + Z Λ Λ' Z'``, ``S`` the generalised residual sum of squares) is minimised over
``θ``.  Sites are independent, so every quantity is a sum over sites of products of small
per-site cross-product matrices (Woodbury), computed for all sites at once: a network of
thousands of sites costs no more than a few matrix products per evaluation.

The rate is divided by its largest value before fitting (the same model: a diagonal rescaling
of the fixed and random columns, as lme4's "consider rescaling" advice asks), and estimates are
scaled back.  The optimum found by SLSQP (bounded sequential quadratic programming) is
polished by Newton steps with central-difference derivatives, so that the deviance is at its
minimum to about 1e-9 in ``θ``, beyond the tolerance at which lme4 stops.  A diagonal element
of ``Λ`` near 0 is refitted held at 0 and kept there when the deviance is no higher (a boundary,
"singular", fit).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize

__all__ = ["LINEAR_MODELS", "LinearEstimate", "fit_lmm"]

#: Parameter names and the power of the rate in each column.
LINEAR_MODELS: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "quadratic": (("intercept", "linear", "quadratic"), (0, 1, 2)),
    "linear": (("intercept", "slope"), (0, 1)),
}

#: A diagonal element of Λ (in residual-SD units, on the rescaled rate) below this is a
#: variance estimated at zero: a boundary ("singular") fit, as lme4's ``isSingular`` tolerance.
SINGULAR_TOL = 1e-4


@dataclass(frozen=True)
class LinearEstimate:
    """The estimates of a random-coefficient linear mixed model (fields as ``fit_nlme``'s).

    ``beta`` and ``beta_cov`` are in the order of ``param_names``; ``psi`` and the columns of
    ``site_effects`` (BLUPs, rows in the order of the site codes) in the order of ``random``.
    """

    param_names: tuple[str, ...]
    beta: np.ndarray
    beta_cov: np.ndarray
    random: tuple[str, ...]
    psi: np.ndarray
    sigma2: float
    site_effects: np.ndarray
    loglik: float
    converged: bool
    iterations: int
    message: str
    block_variance: float = math.nan
    singular: tuple[str, ...] = ()
    n_params: int = 0
    theta: np.ndarray = field(default_factory=lambda: np.empty(0))


@dataclass(frozen=True)
class _Problem:
    """Per-site cross products of ``[Z | B | X | y]`` and the sizes that index them."""

    cross: np.ndarray  # (m, q + p + 1, q + p + 1)
    k: int  # random site parameters
    n_blocks: int  # padded blocks per site (0 without blocks)
    p: int
    n: int
    reml: bool

    @property
    def q(self) -> int:
        return self.k + self.n_blocks


def _problem(
    xmat: np.ndarray,
    y: np.ndarray,
    random_idx: Sequence[int],
    site_codes: np.ndarray,
    block_codes: np.ndarray | None,
    reml: bool,
) -> _Problem:
    n, p = xmat.shape
    order = np.argsort(site_codes, kind="stable")
    sites = site_codes[order]
    starts = np.flatnonzero(np.r_[True, sites[1:] != sites[:-1]])
    zmat = xmat[:, list(random_idx)]
    n_blocks = 0
    parts = [zmat]
    if block_codes is not None:
        # the block's index within its own site, so that the columns can be padded to the
        # largest number of blocks in a site (a zero column adds nothing)
        local = np.zeros(n, dtype=np.intp)
        for s0, s1 in zip(starts, np.r_[starts[1:], n], strict=True):
            rows = order[s0:s1]
            local[rows] = np.unique(block_codes[rows], return_inverse=True)[1]
        n_blocks = int(local.max()) + 1
        bmat = np.zeros((n, n_blocks))
        bmat[np.arange(n), local] = 1.0
        parts.append(bmat)
    w = np.hstack([*parts, xmat, y[:, None]])[order]
    outer = w[:, :, None] * w[:, None, :]
    cross = np.add.reduceat(outer, starts, axis=0)
    return _Problem(cross, len(random_idx), n_blocks, p, n, reml)


def _lambda(theta: np.ndarray, prob: _Problem) -> np.ndarray:
    k, q = prob.k, prob.q
    lam = np.zeros((q, q))
    lam[np.tril_indices(k)] = theta[: k * (k + 1) // 2]
    if prob.n_blocks:
        lam[range(k, q), range(k, q)] = theta[-1]
    return lam


def _pieces(theta: np.ndarray, prob: _Problem):
    """Cholesky-free Woodbury pieces: M_i, U_i = M_i⁻¹ Λ' Z_i'[X y], the reduced C, log|V|."""
    q = prob.q
    lam = _lambda(theta, prob)
    zz = prob.cross[:, :q, :q]
    zr = prob.cross[:, :q, q:]
    m = lam.T @ zz @ lam + np.eye(q)
    t = lam.T @ zr
    u = np.linalg.solve(m, t)
    rr = prob.cross[:, q:, q:].sum(axis=0)
    c = rr - np.einsum("sqa,sqb->ab", t, u)
    sign, logdet = np.linalg.slogdet(m)
    return lam, m, u, c, float(np.sum(logdet)) if np.all(sign > 0) else math.inf


def _deviance(theta: np.ndarray, prob: _Problem) -> float:
    p, n = prob.p, prob.n
    _, _, _, c, logdet_v = _pieces(theta, prob)
    if not math.isfinite(logdet_v):
        return math.inf
    xtvx, xtvy, yvy = c[:p, :p], c[:p, p], c[p, p]
    try:
        cho = np.linalg.cholesky(xtvx)
    except np.linalg.LinAlgError:
        return math.inf
    beta = np.linalg.solve(xtvx, xtvy)
    s = float(yvy - xtvy @ beta)
    if not s > 0:
        return math.inf
    if prob.reml:
        dof = n - p
        logdet_x = 2.0 * float(np.sum(np.log(np.diag(cho))))
        return dof * (1.0 + math.log(2.0 * math.pi * s / dof)) + logdet_v + logdet_x
    return n * (1.0 + math.log(2.0 * math.pi * s / n)) + logdet_v


def _diagonal_positions(prob: _Problem) -> list[int]:
    """Positions in θ of the diagonal of Λ (bounded below by 0)."""
    rows, cols = np.tril_indices(prob.k)
    out = [i for i, (r, c) in enumerate(zip(rows, cols, strict=True)) if r == c]
    if prob.n_blocks:
        out.append(prob.k * (prob.k + 1) // 2)
    return out


def _newton(theta: np.ndarray, prob: _Problem, free: list[int]) -> tuple[np.ndarray, int]:
    """Newton steps on the free elements of θ with central-difference derivatives."""
    h = 1e-5
    steps = 0
    f0 = _deviance(theta, prob)
    for _ in range(20):
        d = len(free)
        grad = np.empty(d)
        hess = np.empty((d, d))
        for a, i in enumerate(free):
            e = np.zeros_like(theta)
            e[i] = h
            fp, fm = _deviance(theta + e, prob), _deviance(theta - e, prob)
            grad[a] = (fp - fm) / (2 * h)
            hess[a, a] = (fp - 2 * f0 + fm) / h**2
            for b in range(a):
                e2 = np.zeros_like(theta)
                e2[free[b]] = h
                fpp = _deviance(theta + e + e2, prob)
                fpm = _deviance(theta + e - e2, prob)
                fmp = _deviance(theta - e + e2, prob)
                fmm = _deviance(theta - e - e2, prob)
                hess[a, b] = hess[b, a] = (fpp - fpm - fmp + fmm) / (4 * h * h)
        try:
            step = -np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.linalg.eigvalsh(hess) > 0):
            break
        new = theta.copy()
        new[free] += step
        f_new = _deviance(new, prob)
        if not f_new <= f0 + 1e-12 * abs(f0):
            break
        theta, f0 = new, f_new
        steps += 1
        if np.max(np.abs(step)) < 1e-10 * max(1.0, float(np.max(np.abs(theta)))):
            break
    return theta, steps


def fit_lmm(
    x: np.ndarray,
    y: np.ndarray,
    site_codes: np.ndarray,
    *,
    model: str,
    random: Sequence[str],
    block_codes: np.ndarray | None = None,
    method: str = "REML",
) -> LinearEstimate:
    """Fit a random-coefficient quadratic or straight-line response by REML or ML.

    Parameters
    ----------
    x, y : ndarray
        Rates and responses, one per plot.
    site_codes : ndarray of int
        Site of each plot, coded 0 … m − 1 (the order of ``np.unique`` of the site labels).
    model : {'quadratic', 'linear'}
    random : sequence of str
        Parameters with site effects, in ``param_names`` words.
    block_codes : ndarray of int, optional
        Block of each plot (any coding; blocks are nested in sites).
    method : {'REML', 'ML'}

    Returns
    -------
    LinearEstimate
        See the class; ``loglik`` is lme4's ``logLik`` (for REML, ``−REMLcrit/2``) on the
        original rate scale.
    """
    names, powers = LINEAR_MODELS[model]
    random_idx = [names.index(r) for r in random]
    scale = float(np.max(np.abs(x))) or 1.0
    xmat = np.column_stack([(x / scale) ** pw for pw in powers])
    prob = _problem(
        xmat,
        np.asarray(y, float),
        random_idx,
        np.asarray(site_codes),
        block_codes,
        method == "REML",
    )
    k = prob.k
    n_theta = k * (k + 1) // 2 + (1 if prob.n_blocks else 0)
    diag = _diagonal_positions(prob)
    start = np.zeros(n_theta)
    start[diag] = 1.0
    bounds = [(0.0, None) if i in diag else (None, None) for i in range(n_theta)]

    def run(x0: np.ndarray, fixed: Sequence[int] = ()) -> optimize.OptimizeResult:
        return optimize.minimize(
            _deviance,
            x0,
            args=(prob,),
            method="SLSQP",
            bounds=[(0.0, 0.0) if i in fixed else b for i, b in enumerate(bounds)],
            options={"ftol": 1e-12, "maxiter": 1000},
        )

    best = run(start)
    # The deviance is even in each diagonal element of Λ, so its gradient there is 0 at 0: a
    # gradient method that reaches the bound stays there even when the deviance falls away
    # from it.  Restart from just inside the bound, and keep what is lower.
    for _ in range(len(diag)):
        zeros = [i for i in diag if best.x[i] < 1e-7]
        if not zeros:
            break
        trials = []
        for i in zeros:
            for value in (0.1, 0.5):
                x0 = np.array(best.x, float)
                x0[i] = value
                trials.append(run(x0))
        challenger = min(trials, key=lambda r: r.fun)
        if not challenger.fun < best.fun - 1e-10 * abs(best.fun):
            break
        best = challenger
    # A small diagonal element may be a boundary optimum that the optimiser approached without
    # reaching: refit with it held at 0, and keep that when the deviance is no higher.
    held: list[int] = [i for i in diag if best.x[i] < 1e-7]
    for i in sorted((i for i in diag if 1e-7 <= best.x[i] < 0.05), key=lambda i: best.x[i]):
        x0 = np.array(best.x, float)
        x0[[*held, i]] = 0.0
        trial = run(x0, fixed=[*held, i])
        if trial.fun <= best.fun + 1e-9 * abs(best.fun):
            best, held = trial, [*held, i]
    theta = np.asarray(best.x, float)
    theta[diag] = np.where(theta[diag] < 1e-7, 0.0, theta[diag])
    free = [i for i in range(n_theta) if i not in diag or theta[i] > 0]
    theta, steps = _newton(theta, prob, free) if free else (theta, 0)
    iterations = int(best.nit) + steps
    converged = bool(math.isfinite(_deviance(theta, prob)))
    # the estimates at θ
    p, n = prob.p, prob.n
    lam, mmat, u, c, _ = _pieces(theta, prob)
    xtvx, xtvy = c[:p, :p], c[:p, p]
    beta_s = np.linalg.solve(xtvx, xtvy)
    s = float(c[p, p] - xtvy @ beta_s)
    sigma2 = s / (n - p) if prob.reml else s / n
    cov_s = sigma2 * np.linalg.inv(xtvx)
    # conditional modes: b_i = Λ M_i⁻¹ Λ' Z_i'(y_i − X_i β)
    spherical = u[:, :, p] - u[:, :, :p] @ beta_s
    effects_s = (spherical @ lam.T)[:, :k]
    lam_k = lam[:k, :k]
    psi_s = sigma2 * lam_k @ lam_k.T
    d = scale ** -np.asarray(powers, float)
    d_r = d[random_idx]
    deviance = _deviance(theta, prob)
    if prob.reml:  # log|X'V⁻¹X| on the original rate: the rescaled one less 2 log|D|
        deviance -= 2.0 * float(np.sum(np.log(d)))
    singular = tuple(
        name
        for name, value in zip(
            [*(random[j] for j in range(k)), *(["block"] if prob.n_blocks else [])],
            theta[diag],
            strict=True,
        )
        if value < SINGULAR_TOL
    )
    return LinearEstimate(
        param_names=names,
        beta=beta_s * d,
        beta_cov=cov_s * np.outer(d, d),
        random=tuple(random),
        psi=psi_s * np.outer(d_r, d_r),
        sigma2=float(sigma2),
        site_effects=effects_s * d_r,
        loglik=-0.5 * deviance,
        converged=converged,
        iterations=iterations,
        message=str(best.message) if not converged else "converged",
        block_variance=float(sigma2 * theta[-1] ** 2) if prob.n_blocks else math.nan,
        singular=singular,
        n_params=p + n_theta + 1,
        theta=theta,
    )
