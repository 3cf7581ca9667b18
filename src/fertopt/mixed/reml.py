"""Restricted maximum likelihood for variance-components models.

The model is ``y = X β + Σ_k Z_k u_k + e`` with ``u_k ~ N(0, σ²_k I)`` and ``e ~ N(0, σ² I)``,
so ``V = Σ_k σ²_k Z_k Z_k' + σ² I``.  The REML criterion is profiled over the residual
variance and minimised over the ratios ``γ_k = σ²_k / σ² ≥ 0`` (L-BFGS-B with the analytic
gradient); the estimate is then polished by Newton steps on the variances themselves with
the observed information, so that it is accurate to about 1e-10 relative, well beyond the
1e-6 at which it is compared with ``lme4``.  A ratio that stays at zero is a variance
component on the boundary (lme4's "singular fit"): it is reported as exactly 0.

The criterion, as ``lme4::REMLcrit``:
``(n − p)(1 + log(2π S / (n − p))) + log|V_γ| + log|X' V_γ⁻¹ X|``, with ``S = r' V_γ⁻¹ r``
the generalised residual sum of squares and ``V_γ = I + Σ_k γ_k Z_k Z_k'``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import linalg, optimize

from fertopt.exceptions import ConvergenceError

__all__ = ["RemlFit", "fit_reml"]


@dataclass(frozen=True)
class RemlFit:
    """A REML fit: the variances (random terms, then the residual) and what tests need."""

    variances: np.ndarray  # σ²_1 … σ²_K, σ²
    beta: np.ndarray
    cov_beta: np.ndarray  # (X' V⁻¹ X)⁻¹
    v_inv: np.ndarray
    proj: np.ndarray  # P = V⁻¹ − V⁻¹ X (X'V⁻¹X)⁻¹ X' V⁻¹
    gs: list[np.ndarray]  # G_k = Z_k Z_k', then I
    criterion: float  # lme4's REMLcrit
    x: np.ndarray
    y: np.ndarray

    @property
    def boundary(self) -> np.ndarray:
        """Which variances sit at zero (the residual never does)."""
        return self.variances <= 0.0


def _pieces(gamma: np.ndarray, gs: list[np.ndarray], x: np.ndarray, y: np.ndarray):
    n = len(y)
    v = np.eye(n)
    for g, k in zip(gamma, gs, strict=True):
        v = v + g * k
    cho = linalg.cho_factor(v, lower=True)
    vinv_x = linalg.cho_solve(cho, x)
    vinv_y = linalg.cho_solve(cho, y)
    xtvx = x.T @ vinv_x
    cho_x = linalg.cho_factor(xtvx, lower=True)
    beta = linalg.cho_solve(cho_x, x.T @ vinv_y)
    py = vinv_y - vinv_x @ beta  # P_γ y
    s = float(y @ py)
    logdet = 2.0 * np.sum(np.log(np.diag(cho[0]))) + 2.0 * np.sum(np.log(np.diag(cho_x[0])))
    return cho, vinv_x, cho_x, beta, py, s, logdet


def _profiled(gamma, zs, x, y):
    """The profiled REML criterion (without constants) and its gradient in γ."""
    n, p = x.shape
    v = np.eye(n)
    for g, z in zip(gamma, zs, strict=True):
        v = v + g * (z @ z.T)
    cho = linalg.cho_factor(v, lower=True)
    z_all = np.hstack([x, y[:, None], *zs])
    solved = linalg.cho_solve(cho, z_all)
    vinv_x, vinv_y = solved[:, :p], solved[:, p]
    xtvx = x.T @ vinv_x
    cho_x = linalg.cho_factor(xtvx, lower=True)
    beta = linalg.cho_solve(cho_x, x.T @ vinv_y)
    py = vinv_y - vinv_x @ beta
    s = float(y @ py)
    logdet = 2.0 * np.sum(np.log(np.diag(cho[0]))) + 2.0 * np.sum(np.log(np.diag(cho_x[0])))
    value = (n - p) * math.log(s) + logdet
    grad = np.empty(len(gamma))
    start = p + 1
    for i, z in enumerate(zs):
        vinv_z = solved[:, start : start + z.shape[1]]
        start += z.shape[1]
        m = z.T @ vinv_x  # Z'V⁻¹X
        # tr(P_γ Z Z') = tr(Z'V⁻¹Z) − tr((X'V⁻¹X)⁻¹ X'V⁻¹ZZ'V⁻¹X)
        tr = np.sum(vinv_z * z) - np.sum(linalg.cho_solve(cho_x, m.T) * m.T)
        zpy = z.T @ py
        grad[i] = tr - (n - p) * float(zpy @ zpy) / s
    return value, grad


def _full(variances: np.ndarray, gs_all: list[np.ndarray], x: np.ndarray, y: np.ndarray):
    """V⁻¹, P, β, (X'V⁻¹X)⁻¹ at given variances (residual last)."""
    n = len(y)
    v = np.zeros((n, n))
    for s2, g in zip(variances, gs_all, strict=True):
        v = v + s2 * g
    v_inv = linalg.cho_solve(linalg.cho_factor(v, lower=True), np.eye(n))
    v_inv = (v_inv + v_inv.T) / 2
    vx = v_inv @ x
    cov = linalg.inv(x.T @ vx)
    cov = (cov + cov.T) / 2
    proj = v_inv - vx @ cov @ vx.T
    beta = cov @ (vx.T @ y)
    return v_inv, proj, beta, cov


def _newton(variances, gs_all, x, y, free):
    """Newton steps on the free variances with the observed REML information."""
    for _ in range(50):
        _, proj, _, _ = _full(variances, gs_all, x, y)
        py = proj @ y
        pg = [proj @ gs_all[i] for i in free]
        score = np.array(
            [
                -0.5 * (np.trace(a) - float(py @ gs_all[i] @ py))
                for a, i in zip(pg, free, strict=True)
            ]
        )
        info = np.empty((len(free), len(free)))
        for a, (i, gi) in enumerate(zip(free, pg, strict=True)):
            for b, (j, gj) in enumerate(zip(free, pg, strict=True)):
                info[a, b] = -0.5 * np.sum(gi * gj.T) + float(
                    py @ gs_all[i] @ proj @ gs_all[j] @ py
                )
        try:
            step = np.linalg.solve(info, score)
        except np.linalg.LinAlgError:
            return variances
        new = variances.copy()
        new[free] = variances[free] + step
        if np.any(new[free] <= 0):
            return variances
        variances = new
        if np.max(np.abs(step) / np.abs(variances[free])) < 1e-13:
            break
    return variances


def fit_reml(y: np.ndarray, x: np.ndarray, zs: list[np.ndarray]) -> RemlFit:
    """Fit the variance components by REML; see the module notes."""
    n, p = x.shape
    gs = [z @ z.T for z in zs]
    k = len(gs)
    ols_resid = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
    start = np.full(k, 0.5)
    del ols_resid
    best = None
    for x0 in (start, np.full(k, 0.05), np.full(k, 5.0)):
        res = optimize.minimize(
            _profiled,
            x0,
            args=(zs, x, y),
            jac=True,
            method="L-BFGS-B",
            bounds=[(0.0, None)] * k,
            options={"ftol": 1e-15, "gtol": 1e-11, "maxiter": 5000},
        )
        if best is None or res.fun < best.fun - 1e-12:
            best = res
    if best is None or not np.all(np.isfinite(best.x)):
        raise ConvergenceError(
            "the REML fit did not converge; check that every random term has several levels "
            "and that the response varies."
        )
    gamma = np.where(best.x < 1e-9, 0.0, best.x)
    _, _, _, _, _, s, _ = _pieces(gamma, gs, x, y)
    sigma2 = s / (n - p)
    gs_all = [*gs, np.eye(n)]
    variances = np.append(gamma * sigma2, sigma2)
    free = [i for i in range(k) if gamma[i] > 0] + [k]
    variances = _newton(variances, gs_all, x, y, free)
    v_inv, proj, beta, cov = _full(variances, gs_all, x, y)
    gamma = variances[:k] / variances[k]
    _, _, _, _, _, s, logdet = _pieces(gamma, gs, x, y)
    crit = (n - p) * (1.0 + math.log(2.0 * math.pi * s / (n - p))) + logdet
    return RemlFit(
        variances=variances,
        beta=beta,
        cov_beta=cov,
        v_inv=v_inv,
        proj=proj,
        gs=gs_all,
        criterion=float(crit),
        x=x,
        y=y,
    )
