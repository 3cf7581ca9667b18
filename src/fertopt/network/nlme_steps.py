"""The two steps of the Lindstrom–Bates algorithm behind :func:`fertopt.network.nonlinear.fit_nlme`.

Private to :mod:`fertopt.network`.  The model of plot j of site i is

    y_ij = f(x_ij, φ_ij) + ε_ij,   φ_ij = β + A b_i + a c_i(j),   ε ~ N(0, σ²),

with ``b_i ~ N(0, Ψ)`` the site effects of the parameters named in ``random`` (A picks them),
and optionally ``c ~ N(0, ψ_block)`` a block-within-site effect on the first parameter (the
intercept of the plateau models, the asymptote of the Mitscherlich).  Both steps work on the
*spherical* effects ``v`` with ``(b, c) = Λ v`` and ``Ψ/σ² = ΛΛᵀ`` (as lme4 does), so that a
singular Ψ needs no inverse.

* :func:`pnls` — penalised nonlinear least squares: for a fixed Λ, minimise
  ``‖y − f(β, Λv)‖² + ‖v‖²`` over β and every site's v by Gauss–Newton with step halving
  (the normal equations are solved site by site through the Schur complement of β).
* :class:`Linearised` — the linear mixed model ``w = Xβ + Z(b, c) + ε`` obtained by expanding
  f around the current estimates (``X = ∂f/∂φ``, ``Z`` its random columns,
  ``w = y − f + Xβ̂ + Z(b̂, ĉ)``); its ML or REML deviance with β and σ² profiled out, as
  ``nlme``'s LME step maximises it.

All arrays are padded per site to the largest site (rows beyond a site's plots are zero),
which leaves every sum and determinant unchanged and lets numpy work on all sites at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["ROW_MODELS", "Layout", "Linearised", "pnls", "PnlsResult"]


# ---------------------------------------------------------------------------
# the response models with one parameter vector per plot (rows of P), and ∂f/∂φ
# ---------------------------------------------------------------------------
def _qp(x: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b, j = P[:, 0], P[:, 1], P[:, 2]
    below = x < j
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(below, x - x * x / (2 * j), j / 2)
        dj = np.where(below, b * x * x / (2 * j * j), b / 2)
    return a + b * g, np.column_stack([np.ones_like(x), g, dj])


def _lp(x: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b, j = P[:, 0], P[:, 1], P[:, 2]
    m = np.minimum(x, j)
    return a + b * m, np.column_stack([np.ones_like(x), m, np.where(x > j, b, 0.0)])


def _mit(x: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    A, c, s = P[:, 0], P[:, 1], P[:, 2]
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(-c * (x + s))
        return A * (1 - e), np.column_stack([1 - e, A * (x + s) * e, A * c * e])


def _quad(x: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return P[:, 0] + P[:, 1] * x + P[:, 2] * x * x, np.column_stack([np.ones_like(x), x, x * x])


#: model name -> f(x, P) returning (values, ∂f/∂φ); the same curves and parameter order as
#: :data:`fertopt.curves.models.MODELS`, written for a parameter vector per plot.
ROW_MODELS: dict[str, Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]] = {
    "quadratic_plateau": _qp,
    "linear_plateau": _lp,
    "mitscherlich": _mit,
    "quadratic": _quad,
}


# ---------------------------------------------------------------------------
# layout: plots -> (site, position in site), blocks within site
# ---------------------------------------------------------------------------
@dataclass(eq=False)
class Layout:
    """Where each plot sits in the padded (site × plot) arrays, and its block within the site.

    ``k`` random columns per site: the ``q`` site effects, then one column per block of the
    site with the most blocks (``n_blocks``; 0 without blocks).
    """

    x: np.ndarray
    y: np.ndarray
    site: np.ndarray
    pos: np.ndarray
    block: np.ndarray | None
    n_sites: int
    n_max: int
    n_blocks: int
    random: np.ndarray  # indices of the parameters with a site effect

    @classmethod
    def build(
        cls,
        x: np.ndarray,
        y: np.ndarray,
        site: np.ndarray,
        block: np.ndarray | None,
        random: np.ndarray,
    ) -> Layout:
        n_sites = int(site.max()) + 1
        order = np.argsort(site, kind="stable")
        counts = np.bincount(site, minlength=n_sites)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        pos = np.empty(len(x), dtype=np.intp)
        pos[order] = np.arange(len(x)) - np.repeat(starts, counts)
        local = None
        n_blocks = 0
        if block is not None:
            local = np.empty(len(x), dtype=np.intp)
            for s in range(n_sites):
                rows = site == s
                _, inv = np.unique(block[rows], return_inverse=True)
                local[rows] = inv
            n_blocks = int(local.max()) + 1
        return cls(x, y, site, pos, local, n_sites, int(counts.max()), n_blocks, random)

    @property
    def q(self) -> int:
        return len(self.random)

    @property
    def k(self) -> int:
        return self.q + self.n_blocks

    def pad(self, v: np.ndarray) -> np.ndarray:
        """Plot values (n, …) into the padded (sites, n_max, …) array (zeros elsewhere)."""
        out = np.zeros((self.n_sites, self.n_max, *v.shape[1:]))
        out[self.site, self.pos] = v
        return out

    def z_columns(self, jac: np.ndarray) -> np.ndarray:
        """Random-effect columns of each plot (n × k): ∂f/∂φ of the site effects, then its block."""
        z = np.zeros((len(self.x), self.k))
        z[:, : self.q] = jac[:, self.random]
        if self.block is not None:
            z[np.arange(len(self.x)), self.q + self.block] = jac[:, 0]
        return z

    def parameters(self, beta: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Each plot's parameters φ = β + A b_site + a c_block from the effects u (sites × k)."""
        P = np.tile(beta, (len(self.x), 1))
        P[:, self.random] += u[self.site, : self.q]
        if self.block is not None:
            P[:, 0] += u[self.site, self.q + self.block]
        return P


# ---------------------------------------------------------------------------
# PNLS step
# ---------------------------------------------------------------------------
@dataclass(eq=False)
class PnlsResult:
    beta: np.ndarray
    v: np.ndarray  # spherical effects, sites × k
    objective: float
    iterations: int
    converged: bool
    message: str


def _objective(lay: Layout, f, beta, v, lam) -> tuple[float, np.ndarray, np.ndarray]:
    val, jac = f(lay.x, lay.parameters(beta, v @ lam.T))
    r = lay.y - val
    obj = float(r @ r + np.sum(v * v))
    return obj, r, jac


def pnls(
    lay: Layout,
    f: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    beta: np.ndarray,
    v: np.ndarray,
    lam: np.ndarray,
    max_iter: int = 200,
) -> PnlsResult:
    """Minimise ``‖y − f(β, Λv)‖² + ‖v‖²`` over β and v by Gauss–Newton with step halving.

    Stops when the decrease the Gauss–Newton step promises is below 1e-15 of the objective
    (the parameters are then as precise as double precision allows), or when no halving of
    the step lowers the objective any more although the promise is already tiny (1e-9).
    """
    beta = np.asarray(beta, float).copy()
    v = np.asarray(v, float).copy()
    obj, r, jac = _objective(lay, f, beta, v, lam)
    if not np.isfinite(obj):
        return PnlsResult(beta, v, obj, 0, False, "the model cannot be evaluated at the start")
    eye = np.eye(lay.k)
    for it in range(1, max_iter + 1):
        X = lay.pad(jac)  # sites × n × p
        Jv = lay.pad(lay.z_columns(jac)) @ lam  # sites × n × k
        R = lay.pad(r)
        A = np.einsum("sni,snj->sij", Jv, Jv) + eye
        B = np.einsum("sni,snj->sij", Jv, X)
        gv = np.einsum("sni,sn->si", Jv, R) - v
        G = np.einsum("sni,snj->ij", X, X)
        gb = np.einsum("sni,sn->i", X, R)
        AiB = np.linalg.solve(A, B)
        Aig = np.linalg.solve(A, gv[..., None])[..., 0]
        H = G - np.einsum("ski,skj->ij", B, AiB)
        rhs = gb - np.einsum("ski,sk->i", B, Aig)
        try:
            db = np.linalg.solve(H, rhs)
        except np.linalg.LinAlgError:
            return PnlsResult(
                beta, v, obj, it, False, "the fixed effects are not identifiable (singular system)"
            )
        dv = Aig - AiB @ db
        promise = float(db @ gb + np.sum(dv * gv))
        if not np.isfinite(promise):
            return PnlsResult(beta, v, obj, it, False, "the Gauss-Newton step is not finite")
        if promise <= 1e-15 * obj:
            return PnlsResult(beta, v, obj, it, True, "")
        step = 1.0
        while step > 2.0**-40:
            nb, nv = beta + step * db, v + step * dv
            nobj, nr, njac = _objective(lay, f, nb, nv, lam)
            if np.isfinite(nobj) and nobj <= obj:
                break
            step /= 2
        else:
            if promise <= 1e-9 * obj:
                return PnlsResult(beta, v, obj, it, True, "")
            return PnlsResult(
                beta, v, obj, it, False, "step halving could not lower the penalised sum of squares"
            )
        beta, v, obj, r, jac = nb, nv, nobj, nr, njac
    return PnlsResult(beta, v, obj, max_iter, False, f"no convergence in {max_iter} iterations")


# ---------------------------------------------------------------------------
# LME step
# ---------------------------------------------------------------------------
class Linearised:
    """The linear mixed model of one linearisation, with the cross-products its deviance needs.

    ``deviance(lam)`` is −2 × the log-likelihood (ML) or restricted log-likelihood (REML) with
    β and σ² profiled out, for the relative factor ``Λ`` (``Ψ/σ² = ΛΛᵀ``):

        ML:    N (1 + log(2π r²/N)) + Σ_i log|M_i|
        REML:  (N−p) (1 + log(2π r²/(N−p))) + Σ_i log|M_i| + log|XᵀV⁻¹X|

    with ``M_i = ΛᵀZ_iᵀZ_iΛ + I`` (so ``log|V_i| = log|M_i|`` for ``V_i = I + Z_iΛΛᵀZ_iᵀ``) and
    ``r² = (w − Xβ̂)ᵀV⁻¹(w − Xβ̂)`` — the likelihood ``nlme`` reports (Pinheiro & Bates 2000, §2.2).
    """

    def __init__(self, lay: Layout, jac: np.ndarray, w: np.ndarray, reml: bool):
        X = lay.pad(jac)
        Z = lay.pad(lay.z_columns(jac))
        W = lay.pad(w)
        self.n = len(w)
        self.p = jac.shape[1]
        self.reml = reml
        self.ZtZ = np.einsum("sni,snj->sij", Z, Z)
        self.ZtX = np.einsum("sni,snj->sij", Z, X)
        self.Ztw = np.einsum("sni,sn->si", Z, W)
        self.XtX = jac.T @ jac
        self.Xtw = jac.T @ w
        self.wtw = float(w @ w)
        self.colscale = np.sqrt(np.maximum(np.einsum("sii->i", self.ZtZ) / self.n, 1e-300))

    def _parts(self, lam: np.ndarray):
        k = lam.shape[0]
        M = lam.T @ self.ZtZ @ lam + np.eye(k)
        L = np.linalg.cholesky(M)  # raises LinAlgError if not positive definite
        logdet = 2.0 * float(np.sum(np.log(np.diagonal(L, axis1=1, axis2=2))))
        U = lam.T @ self.ZtX  # sites × k × p
        u = self.Ztw @ lam  # sites × k
        Mi = np.linalg.inv(M)
        MiU = Mi @ U
        Miu = np.einsum("sij,sj->si", Mi, u)
        xvx = self.XtX - np.tensordot(U, MiU, axes=([0, 1], [0, 1]))
        xvw = self.Xtw - np.tensordot(U, Miu, axes=([0, 1], [0, 1]))
        wvw = self.wtw - float(np.sum(u * Miu))
        cf = np.linalg.cholesky(xvx)
        beta = np.linalg.solve(xvx, xvw)
        r2 = max(wvw - float(beta @ xvw), 1e-300)
        return Mi, U, u, MiU, Miu, logdet, xvx, cf, beta, r2

    def solve(self, lam: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, float]:
        """Deviance, β̂, (XᵀV⁻¹X)⁻¹ (relative to σ²) and σ̂² for the factor ``lam``."""
        try:
            _, _, _, _, _, logdet, xvx, cf, beta, r2 = self._parts(lam)
        except np.linalg.LinAlgError:
            return np.inf, np.full(self.p, np.nan), np.full((self.p, self.p), np.nan), np.nan
        dof = self.n - self.p if self.reml else self.n
        s2 = r2 / dof
        dev = dof * (1.0 + np.log(2.0 * np.pi * s2)) + logdet
        if self.reml:
            dev += 2.0 * float(np.sum(np.log(np.diag(cf))))
        return float(dev), beta, np.linalg.inv(xvx), s2

    def ml_gradient(self, lam: np.ndarray) -> tuple[float, np.ndarray]:
        """ML deviance and its derivative in each entry of Λ (k × k).

        With ``v̂_i = M_i⁻¹Λᵀ(Z_iᵀw − Z_iᵀXβ̂)`` the spherical BLUPs and ``g_i = Z_iᵀ(w − Xβ̂ −
        Z_iΛv̂_i)``, by the envelope theorem (β̂ and v̂ minimise the penalised r²)

            ∂dev/∂Λ = 2 Σ_i Z_iᵀZ_i Λ M_i⁻¹ − (2N / r²) Σ_i g_i v̂_iᵀ.
        """
        try:
            Mi, U, u, MiU, Miu, logdet, _, _, beta, r2 = self._parts(lam)
        except np.linalg.LinAlgError:
            return np.inf, np.zeros_like(lam)
        s2 = r2 / self.n
        dev = self.n * (1.0 + np.log(2.0 * np.pi * s2)) + logdet
        vhat = Miu - MiU @ beta  # sites × k
        ztr = self.Ztw - self.ZtX @ beta  # Zᵀ(w − Xβ̂), sites × k
        g = ztr - np.einsum("sij,jl,sl->si", self.ZtZ, lam, vhat)
        grad = 2.0 * np.sum(self.ZtZ @ lam @ Mi, axis=0) - (2.0 * self.n / r2) * (g.T @ vhat)
        return float(dev), grad
