"""Nonlinear mixed-effects response models over a network of sites (Lindstrom–Bates, as nlme).

:func:`fit_nlme` fits a quadratic-plateau, linear-plateau or Mitscherlich curve (or a quadratic)
whose parameters named in ``random`` vary from site to site, optionally with a random intercept
for each block within a site, by the alternating algorithm of Lindstrom & Bates (1990) that
``nlme::nlme`` implements (Pinheiro & Bates 2000, ch. 7):

1. **LME step** — expand the curve around the current fixed effects β̂ and site effects b̂; the
   pseudo-data ``w = y − f + Xβ̂ + Zb̂`` follow a linear mixed model ``w = Xβ + Zb + ε`` with
   ``X = ∂f/∂φ``, and its ML likelihood, with β and σ² profiled out, is maximised over the
   covariance Ψ of the site effects (general or diagonal; block variance too) — by Newton
   steps on the analytic gradient;
2. **PNLS step** — for that Ψ, minimise the penalised sum of squares
   ``Σ_i ‖y_i − f(β + b_i)‖² + σ² b_iᵀΨ⁻¹b_i`` over β and every b_i by Gauss–Newton;
3. repeat until β and Ψ no longer change.

At convergence the fixed effects and site effects are those of the last PNLS step; the
log-likelihood, σ² and the covariance of β (``vcov(fit)``) are those of the linear mixed model
of the last linearisation, exactly as ``nlme`` reports them.  The estimates agree with
``nlme::nlme`` given analytic gradients (the reference script
``tests/reference/network/nlme_reference.R``) to about 1e-7 relative (2e-6 at worst) on the
fixed effects, their covariance, Ψ, σ², the log-likelihood and the site effects.

This module is the engine under :func:`fertopt.fit_network`; it takes arrays, not data frames.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from fertopt._core.validation import check_choice
from fertopt.curves.engine import FitData, FitFailure, estimate
from fertopt.curves.models import MODELS, Blocks
from fertopt.exceptions import ConvergenceError, ConvergenceWarning, DataError, OptionError
from fertopt.network.nlme_steps import ROW_MODELS, Layout, Linearised, pnls

__all__ = ["NlmeEstimate", "fit_nlme", "NLME_MODELS"]

#: models :func:`fit_nlme` fits, in the parametrisation of :mod:`fertopt.curves.models`.
NLME_MODELS = ("quadratic_plateau", "linear_plateau", "mitscherlich", "quadratic")
_SINGULAR = 1e-4  # a scaled Cholesky diagonal below this: that variance is estimated as 0


@dataclass(frozen=True, eq=False)
class NlmeEstimate:
    """The fitted nonlinear mixed model (see :func:`fit_nlme`).

    Attributes
    ----------
    param_names : tuple of str
        The model's parameters, in the order of ``beta``.
    beta : ndarray (p,)
        Population (fixed) parameters.
    beta_cov : ndarray (p, p)
        Their approximate covariance, σ²(XᵀV⁻¹X)⁻¹ of the last linearisation (nlme's
        ``vcov(fit)``).
    random : tuple of str
        The parameters with a site effect, in the order of ``psi`` and ``site_effects``.
    psi : ndarray (q, q)
        Covariance of the site effects (data units).
    sigma2 : float
        Residual variance (ML: divided by N; REML: by N − p).
    site_effects : ndarray (S, q)
        Predicted site effects (BLUPs), row s for site code s; a site's own parameters are
        ``beta`` plus its row on the ``random`` parameters.
    loglik : float
        Log-likelihood (ML) or restricted log-likelihood (REML) of the last linearisation, as
        ``logLik(fit)`` in nlme.
    converged : bool
        Always True for a returned estimate (failures raise); kept for callers that record it.
    iterations : int
        Outer (LME + PNLS) iterations.
    message : str
        Empty, or what is worth knowing (a variance estimated as zero).
    method : str
        ``"ML"`` or ``"REML"``.
    block_var : float
        Variance of the block-within-site intercepts (NaN without blocks).
    block_effects : ndarray (S, B) or None
        Predicted block effects, column j for the j-th smallest block code of the site (NaN
        where a site has fewer blocks).
    covariance : str
        ``"general"`` or ``"diagonal"``.
    warnings : tuple of str
        The texts of the warnings issued.
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
    method: str
    block_var: float = float("nan")
    block_effects: np.ndarray | None = None
    covariance: str = "general"
    warnings: tuple[str, ...] = field(default=())

    def __repr__(self) -> str:
        est = ", ".join(f"{n}={b:.6g}" for n, b in zip(self.param_names, self.beta, strict=True))
        return (
            f"<NlmeEstimate {self.method} {est}; site effects on {', '.join(self.random)}; "
            f"logLik {self.loglik:.6g}>"
        )

    def site_parameters(self) -> np.ndarray:
        """Each site's own parameters (S × p): ``beta`` plus its site effects."""
        out = np.tile(self.beta, (self.site_effects.shape[0], 1))
        idx = [self.param_names.index(r) for r in self.random]
        out[:, idx] += self.site_effects
        return out


# ---------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------
def _vector(v: object, name: str) -> np.ndarray:
    try:
        a = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        raise DataError(f"{name} must be numbers; got {type(v).__name__}.") from None
    if a.ndim != 1:
        raise DataError(f"{name} must be one value per plot (a 1-D array); got shape {a.shape}.")
    bad = np.flatnonzero(~np.isfinite(a))
    if len(bad):
        raise DataError(
            f"{name} has missing or infinite values at positions "
            f"{', '.join(str(i) for i in bad[:6])}; drop those plots before fitting."
        )
    return a


def _codes(v: object, name: str, n: int) -> np.ndarray:
    a = np.asarray(v)
    if a.shape != (n,):
        raise DataError(f"{name} must have one code per plot ({n}); got shape {a.shape}.")
    if not np.issubdtype(a.dtype, np.integer):
        if not np.issubdtype(a.dtype, np.floating) or np.any(a != np.round(a)):
            raise DataError(f"{name} must be integer codes; got {a.dtype} values.")
        a = a.astype(np.intp)
    if a.min() < 0:
        raise DataError(f"{name} must be codes 0, 1, 2, ...; found {a.min()}.")
    return a.astype(np.intp)


def _check_random(random: object, params: tuple[str, ...], model: str) -> np.ndarray:
    names = (random,) if isinstance(random, str) else tuple(random)  # type: ignore[arg-type]
    if not names:
        raise OptionError(
            f"random is empty: name at least one parameter of the {model} model that varies "
            f"from site to site ({', '.join(params)})."
        )
    for r in names:
        if r not in params:
            raise OptionError(
                f"random={r!r} is not a parameter of the {model} model; choose among "
                f"{', '.join(repr(p) for p in params)}."
            )
    if len(set(names)) != len(names):
        raise OptionError(f"random={names!r} names a parameter twice; name each once.")
    return np.array([params.index(r) for r in names], dtype=np.intp)


def _check_start(start: object, params: tuple[str, ...]) -> np.ndarray | None:
    if start is None:
        return None
    if isinstance(start, Mapping):
        missing = [p for p in params if p not in start]
        extra = [k for k in start if k not in params]
        if missing or extra:
            raise OptionError(
                f"start must give a value for each of {', '.join(params)}; "
                + (f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(extra)}")
                + "."
            )
        out = np.array([float(start[p]) for p in params])
    else:
        out = np.asarray(start, dtype=float).ravel()
        if len(out) != len(params):
            raise OptionError(
                f"start has {len(out)} values; give {len(params)} ({', '.join(params)})."
            )
    if not np.all(np.isfinite(out)):
        raise OptionError(f"start has a missing or infinite value: {out.tolist()}.")
    return out


def _default_start(model: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A pooled least-squares fit of all plots (the curves engine), else the self-start guess."""
    spec = MODELS[model]
    try:
        return np.asarray(estimate(spec, FitData(x, y, Blocks(None, len(x)))).theta, float)
    except FitFailure:
        return np.asarray(spec.guess(x, y), float)


# ---------------------------------------------------------------------------
# the relative factor Λ from its free parameters θ
# ---------------------------------------------------------------------------
@dataclass(eq=False)
class _Factor:
    """Λ (k × k) from θ: a scaled lower-triangular (or diagonal) block for the site effects and
    a scaled multiple of the identity for the blocks."""

    q: int
    n_blocks: int
    diagonal: bool
    scale: np.ndarray  # q site columns, then one for the blocks

    @property
    def tril(self) -> tuple[np.ndarray, np.ndarray]:
        if self.diagonal:
            i = np.arange(self.q)
            return i, i
        return np.tril_indices(self.q)

    @property
    def n_theta(self) -> int:
        return len(self.tril[0]) + (1 if self.n_blocks else 0)

    def bounds(self) -> list[tuple[float | None, float | None]]:
        rows, cols = self.tril
        out: list[tuple[float | None, float | None]] = [
            (0.0, None) if r == c else (None, None) for r, c in zip(rows, cols, strict=True)
        ]
        if self.n_blocks:
            out.append((0.0, None))
        return out

    def start(self) -> np.ndarray:
        rows, cols = self.tril
        th = np.where(rows == cols, 1.0, 0.0)
        return np.concatenate([th, [0.5]]) if self.n_blocks else th

    def site_block(self, theta: np.ndarray) -> np.ndarray:
        T = np.zeros((self.q, self.q))
        rows, cols = self.tril
        T[rows, cols] = theta[: len(rows)]
        return T / self.scale[: self.q, None]

    def lam(self, theta: np.ndarray) -> np.ndarray:
        k = self.q + self.n_blocks
        out = np.zeros((k, k))
        out[: self.q, : self.q] = self.site_block(theta)
        if self.n_blocks:
            out[self.q :, self.q :] = np.eye(self.n_blocks) * (theta[-1] / self.scale[self.q])
        return out

    def theta_gradient(self, g: np.ndarray) -> np.ndarray:
        """The derivative in θ from the derivative in each entry of Λ."""
        rows, cols = self.tril
        out = g[: self.q, : self.q][rows, cols] / self.scale[rows]
        if self.n_blocks:
            blk = float(np.trace(g[self.q :, self.q :])) / self.scale[self.q]
            out = np.append(out, blk)
        return out

    def singular(self, theta: np.ndarray) -> list[tuple[int, bool]]:
        """Site effects (0..q-1; q the block) where the covariance is singular, each with
        whether its variance itself is 0 (else it is a combination of the effects before it)."""
        T = np.zeros((self.q, self.q))
        rows, cols = self.tril
        T[rows, cols] = theta[: len(rows)]
        # the Cholesky factor of the scaled Ψ' = TTᵀ is T (lower triangular, diagonal ≥ 0)
        out = [
            (i, bool(np.linalg.norm(T[i]) < _SINGULAR))
            for i in range(self.q)
            if abs(T[i, i]) < _SINGULAR
        ]
        if self.n_blocks and abs(theta[-1]) < _SINGULAR:
            out.append((self.q, True))
        return out


def _lme_step(lin: Linearised, fac: _Factor, theta0: np.ndarray) -> np.ndarray:
    """Maximise the ML likelihood of one linearisation over θ.

    Newton steps on the analytic gradient, with a Hessian from central differences of it (made
    positive definite by taking the absolute eigenvalues) and a backtracking line search; a
    step never goes more than half-way to a bound (a standard deviation of 0), because there
    the deviance is flat in that coordinate by symmetry and Newton would stay stuck on it.  A
    coordinate that ends within 1e-5 of its bound is set on it when that does not raise the
    deviance, and one that starts on it stays there.
    """
    lo = np.array([b[0] if b[0] is not None else -np.inf for b in fac.bounds()])
    bounded = np.isfinite(lo)

    def both(th: np.ndarray) -> tuple[float, np.ndarray]:
        dev, g = lin.ml_gradient(fac.lam(th))
        return dev, fac.theta_gradient(g)

    th = np.asarray(theta0, float).copy()
    # a variance already at 0 stays there, as in nlme, whose log-Cholesky parameter cannot
    # come back from -inf: letting it leave can make the two steps alternate for ever
    held = bounded & (th <= lo)
    free = np.flatnonzero(~held)
    d0, g0 = both(th)
    for _ in range(200 if len(free) else 0):
        H = np.empty((len(free), len(free)))
        for a, i in enumerate(free):
            h = 1e-5 * max(abs(th[i]), 1e-2)
            e = np.zeros_like(th)
            e[i] = h
            H[a] = (both(th + e)[1][free] - both(th - e)[1][free]) / (2 * h)
        vals, vecs = np.linalg.eigh((H + H.T) / 2)
        vals = np.maximum(np.abs(vals), 1e-8 * max(float(np.max(np.abs(vals))), 1e-300))
        step = np.zeros_like(th)
        step[free] = -(vecs @ ((vecs.T @ g0[free]) / vals))
        t = 1.0
        while t > 1e-10:
            new = th + t * step
            new[bounded] = np.maximum(new[bounded], (lo[bounded] + th[bounded]) / 2)
            d1, g1 = both(new)
            if d1 <= d0 + 1e-4 * float(g0 @ (new - th)):
                break
            t /= 2
        else:
            break
        moved = float(np.max(np.abs(new - th)))
        th, d0, g0 = new, d1, g1
        if moved < 1e-11 * max(1.0, float(np.max(np.abs(th)))):
            break
    for i in np.flatnonzero(bounded & ~held & (th - lo < 1e-5)):
        trial = th.copy()
        trial[i] = lo[i]
        d1 = both(trial)[0]
        if d1 <= d0 + 1e-10:
            th, d0 = trial, d1
    return th


# ---------------------------------------------------------------------------
# the public engine
# ---------------------------------------------------------------------------
def fit_nlme(
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    site_codes: Sequence[int] | np.ndarray,
    /,
    *,
    model: str,
    random: Sequence[str] | str,
    block_codes: Sequence[int] | np.ndarray | None = None,
    method: str = "ML",
    covariance: str = "general",
    start: Mapping[str, float] | Sequence[float] | None = None,
    max_iter: int = 200,
    tol: float = 1e-8,
) -> NlmeEstimate:
    """Fit a nonlinear mixed-effects response model by the Lindstrom–Bates algorithm (as nlme).

    Parameters
    ----------
    x, y : array of float
        Rate and response of each plot.
    site_codes : array of int
        Site of each plot, codes 0 .. S−1 (every code present; at least two sites).
    model : {"quadratic_plateau", "linear_plateau", "mitscherlich", "quadratic"}
        The response curve, parametrised as in :mod:`fertopt.curves.models`
        (``intercept, linear, join``; ``intercept, slope, join``; ``asymptote, rate, shift``;
        ``intercept, linear, quadratic``).
    random : sequence of str
        The parameters that vary from site to site (a site effect each).
    block_codes : array of int, optional
        Block (rep) of each plot within its site: adds a random intercept for each block
        within a site — a random effect on the first parameter (the intercept; for the
        Mitscherlich the asymptote), as ``random = list(site = ..., rep = intercept ~ 1)`` in
        nlme.  The same code at two sites means two different blocks.
    method : {"ML", "REML"}
        Maximum likelihood (nlme's default), or nlme's ``method = "REML"`` for a nonlinear
        model (see Notes).
    covariance : {"general", "diagonal"}
        Covariance of the site effects: any positive semi-definite matrix (nlme ``pdSymm``)
        or independent effects (``pdDiag``).
    start : mapping or sequence of float, optional
        Starting fixed effects; by default a least-squares fit of the curve to all plots pooled.
    max_iter : int
        Most outer (LME + PNLS) iterations.
    tol : float
        Convergence: the largest relative change of a fixed effect and of a covariance
        parameter between two iterations.

    Returns
    -------
    NlmeEstimate
        Fixed effects with their covariance, the site-effect covariance ``psi``, ``sigma2``,
        the site effects (BLUPs) in site-code order, the log-likelihood and the iterations.

    Raises
    ------
    OptionError
        An unknown model, method or covariance, a ``random`` name that is not a parameter of
        the model, a bad ``start``, ``max_iter`` or ``tol``.
    DataError
        Arrays of different lengths, missing values, site codes that are not 0 .. S−1, fewer
        than two sites.
    ConvergenceError
        The algorithm did not converge; the message names the sites whose effects are
        largest and what to try (fewer random parameters, a diagonal covariance, another model).

    Warns
    -----
    ConvergenceWarning
        A variance of the site effects (or of the blocks) is estimated as zero: the covariance
        is singular, the fit is kept, and fewer random parameters would describe the data as well.

    Notes
    -----
    The LME step maximises, over the relative factor Λ (``Ψ = σ²ΛΛᵀ``), the profiled
    deviance of the linearised model, ``N(1 + log(2πr²/N)) + Σ log|ΛᵀZ_iᵀZ_iΛ + I|`` (ML); the
    PNLS step minimises ``‖y − f(β, Λv)‖² + ‖v‖²`` over β and the spherical site effects v
    (``b = Λv``), which equals nlme's penalty ``bᵀ(ΛΛᵀ)⁻¹b`` when Ψ is nonsingular and stays
    defined when it is not.  The derivatives are analytic (nlme takes finite differences
    unless the model supplies a gradient; the reference fits supply the same analytic ones).
    ``method="REML"`` reproduces ``nlme::nlme(..., method = "REML")``, which is not a
    restricted-likelihood fit of the covariance: nlme's LME step estimates the relative
    covariance Ψ/σ² by the ML criterion in both cases (its REML fits of these models equal
    its ML fits in β, site effects and Ψ/σ², as the reference fits show), and REML changes
    only the reported σ² (divided by N − p instead of N, which scales Ψ and ``beta_cov`` by
    N/(N − p)) and the log-likelihood (the restricted one, with ``log|XᵀV⁻¹X|``).

    The plateau models' derivative in the join jumps where a rate equals the join; the
    algorithm treats it as nlme does, one-sided.

    References: Lindstrom, M. J. & Bates, D. M. (1990) Nonlinear mixed effects models for
    repeated measures data. *Biometrics* 46, 673–687; Pinheiro, J. C. & Bates, D. M. (2000)
    *Mixed-Effects Models in S and S-PLUS*, ch. 7.

    Examples
    --------
    >>> import numpy as np
    >>> from fertopt.network.nonlinear import fit_nlme
    >>> rng = np.random.default_rng(1)
    >>> x = np.tile([0.0, 50, 100, 150, 200, 250], 24)
    >>> site = np.repeat(np.arange(8), 18)
    >>> a = 5 + rng.normal(0, 0.6, 8)[site]
    >>> y = a + 0.05 * np.where(x < 160, x - x * x / 320, 80) + rng.normal(0, 0.3, len(x))
    >>> fit = fit_nlme(x, y, site, model="quadratic_plateau", random=["intercept"])
    >>> fit.param_names
    ('intercept', 'linear', 'join')
    >>> bool(abs(fit.beta[2] - 160) < 15), fit.site_effects.shape
    (True, (8, 1))
    """
    model = check_choice(model, "model", NLME_MODELS)
    method = check_choice(method, "method", ("ML", "REML"))
    covariance = check_choice(covariance, "covariance", ("general", "diagonal"))
    params = MODELS[model].params
    ridx = _check_random(random, params, model)
    if not isinstance(max_iter, int | np.integer) or max_iter < 1:
        raise OptionError(f"max_iter={max_iter!r} must be a positive whole number, e.g. 200.")
    if not (isinstance(tol, int | float) and 0 < tol < 1):
        raise OptionError(f"tol={tol!r} must be a number between 0 and 1, e.g. 1e-8.")
    xv = _vector(x, "x")
    yv = _vector(y, "y")
    if not len(xv):
        raise DataError("x and y are empty: give the rate and response of each plot.")
    if len(xv) != len(yv):
        raise DataError(f"x has {len(xv)} values and y {len(yv)}; give one of each per plot.")
    site = _codes(site_codes, "site_codes", len(xv))
    n_sites = int(site.max()) + 1
    absent = np.flatnonzero(np.bincount(site, minlength=n_sites) == 0)
    if len(absent):
        raise DataError(
            f"site_codes must run 0 .. {n_sites - 1} with every code present; no plot has "
            f"code {', '.join(str(c) for c in absent[:6])}. Recode the sites as 0, 1, 2, ..."
        )
    if n_sites < 2:
        raise DataError("a network model needs at least two sites; the data have one.")
    block = None if block_codes is None else _codes(block_codes, "block_codes", len(xv))
    beta0 = _check_start(start, params)
    if beta0 is None:
        beta0 = _default_start(model, xv, yv)

    f = ROW_MODELS[model]
    lay = Layout.build(xv, yv, site, block, ridx)
    v = np.zeros((n_sites, lay.k))
    beta = beta0.copy()
    # the scales of the random columns at the start make θ dimensionless (about 1)
    _, jac0 = f(xv, lay.parameters(beta, v))
    rms = np.sqrt(np.mean(jac0 * jac0, axis=0))
    rms = np.where(rms > 0, rms, 1.0)
    fac = _Factor(lay.q, lay.n_blocks, covariance == "diagonal", np.append(rms[ridx], rms[0]))
    theta = fac.start()
    lam = fac.lam(theta)
    reml = method == "REML"

    change = np.inf
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        vals, jac = f(xv, lay.parameters(beta, v @ lam.T))
        u = v @ lam.T
        w = yv - vals + jac @ beta + np.sum(lay.z_columns(jac) * u[site], axis=1)
        # nlme's LME step for a nonlinear model maximises the ML criterion also when
        # method="REML" (see Notes); REML changes only what is reported at the end
        lin = Linearised(lay, jac, w, False)
        new_theta = _lme_step(lin, fac, theta)
        new_lam = fac.lam(new_theta)
        # carry the site effects b = Λv over to the new factor (v = Λ⁻¹b where Λ is invertible)
        v_start = np.linalg.lstsq(new_lam, u.T, rcond=None)[0].T
        step = pnls(lay, f, beta, v_start, new_lam)
        if not step.converged:
            effects = (v_start @ new_lam.T)[:, : lay.q]
            raise ConvergenceError(_failure(model, params, ridx, step.message, it, effects))
        change = max(
            float(np.max(np.abs(step.beta - beta) / np.maximum(np.abs(step.beta), 1e-12))),
            float(np.max(np.abs(new_theta - theta) / np.maximum(np.abs(new_theta), 1e-2))),
        )
        beta, v, theta, lam = step.beta, step.v, new_theta, new_lam
        if change <= tol:
            converged = True
            break
    u = v @ lam.T
    if not converged:
        raise ConvergenceError(
            _failure(
                model,
                params,
                ridx,
                f"after {max_iter} iterations the estimates still change by {change:.2g} "
                f"(relative) from one iteration to the next",
                max_iter,
                u[:, : lay.q],
            )
        )
    vals, jac = f(xv, lay.parameters(beta, u))
    w = yv - vals + jac @ beta + np.sum(lay.z_columns(jac) * u[site], axis=1)
    lin = Linearised(lay, jac, w, reml)
    dev, _, cov_rel, s2 = lin.solve(lam)
    T = fac.site_block(theta)
    psi = s2 * (T @ T.T)
    notes: list[str] = []
    for pos, zero in fac.singular(theta):
        if pos == lay.q:
            what = "the variance of the block-within-site intercept is estimated as zero"
        elif zero:
            what = f"the variance of the site effect on {params[ridx[pos]]!r} is estimated as zero"
        else:
            what = (
                f"the site effect on {params[ridx[pos]]!r} is estimated as a fixed combination "
                "of the site effects before it (correlation ±1)"
            )
        notes.append(
            f"The covariance of the random effects is singular: {what}, so the sites do not "
            "differ in it beyond what the residual error and the other effects explain. The fit "
            "is kept; a model without that random effect (or with covariance='diagonal') "
            "describes the data as well."
        )
    for text in notes:
        warnings.warn(text, ConvergenceWarning, stacklevel=2)
    block_var = float("nan")
    block_eff = None
    if block is not None:
        block_var = float(s2 * (theta[-1] / fac.scale[lay.q]) ** 2)
        block_eff = u[:, lay.q :].copy()
        n_per_site = np.array([len(np.unique(block[site == s])) for s in range(n_sites)])
        block_eff[np.arange(lay.n_blocks)[None, :] >= n_per_site[:, None]] = np.nan
    return NlmeEstimate(
        param_names=tuple(params),
        beta=beta,
        beta_cov=s2 * cov_rel,
        random=tuple(params[i] for i in ridx),
        psi=psi,
        sigma2=float(s2),
        site_effects=u[:, : lay.q].copy(),
        loglik=-0.5 * dev,
        converged=True,
        iterations=it,
        message=" ".join(notes),
        method=method,
        block_var=block_var,
        block_effects=block_eff,
        covariance=covariance,
        warnings=tuple(notes),
    )


def _failure(
    model: str,
    params: tuple[str, ...],
    ridx: np.ndarray,
    what: str,
    iteration: int,
    effects: np.ndarray,
) -> str:
    names = ", ".join(params[i] for i in ridx)
    where = ""
    if np.any(effects != 0):
        sd = effects.std(axis=0)
        z = np.max(np.abs(effects) / np.where(sd > 0, sd, 1.0), axis=1)
        worst = np.argsort(-z)[:3]
        where = (
            " The sites whose effects are largest (they pull the fit hardest) have site codes "
            f"{', '.join(str(int(s)) for s in worst)}; look at their response first."
        )
    fewer = (
        f"fewer parameters with a site effect (e.g. random=['{params[ridx[0]]}'])"
        if len(ridx) > 1
        else "a model whose parameters the data determine better"
    )
    return (
        f"The nonlinear mixed model ({model}, site effects on {names}) did not converge at "
        f"iteration {iteration} of the Lindstrom-Bates algorithm: {what}.{where} Try "
        f"{fewer}, covariance='diagonal', another response model, or starting values from "
        "a fit of each site (start=...)."
    )
