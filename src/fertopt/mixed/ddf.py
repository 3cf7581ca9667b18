"""Small-sample F tests of fixed effects: Satterthwaite (lmerTest) and Kenward–Roger (pbkrtest).

For a hypothesis ``L β = 0`` with ``q`` rows:

* **Satterthwaite** (Kuznetsova, Brockhoff & Christensen 2017, as ``lmerTest``).  For one
  contrast, ``ν = 2 (L C L')² / (g' A g)`` with ``C = (X'V⁻¹X)⁻¹``, ``g_k = ∂(L C L')/∂σ²_k =
  L C X'V⁻¹ G_k V⁻¹ X C L'`` and ``A`` the inverse of the observed REML information of the
  variances (lmerTest's ``2 H⁻¹`` from the Hessian of the deviance; the quantity does not
  depend on the parameterisation at the optimum).  For ``q`` rows, ``L C L' = P D P'``, one
  ``ν_m`` per row of ``P'L``, ``E = Σ ν_m / (ν_m − 2)`` and ``ddf = 2E / (E − q)`` (2 if any
  ``ν_m ≤ 2``).  ``F = (Lβ)' (L C L')⁻¹ Lβ / q``.  Variances at zero drop out (their gradient
  is zero).
* **Kenward–Roger** (Kenward & Roger 1997; Halekoh & Højsgaard 2014, as
  ``pbkrtest::vcovAdj`` and ``KRmodcomp``).  ``Φ_A = C + 2 C U C`` with ``U = Σ_ij W_ij (Q_ij −
  P_i C P_j)``, ``P_i = −X'V⁻¹G_iV⁻¹X``, ``Q_ij = X'V⁻¹G_iV⁻¹G_jV⁻¹X`` and ``W`` twice the
  inverse of ``tr(P G_i P G_j)`` (the expected information); every variance parameter is
  used, those at zero included, as pbkrtest does.  The scaled Wald statistic
  ``F = λ (Lβ)' (L Φ_A L')⁻¹ Lβ / q`` is referred to ``F(q, m)`` with ``λ`` and ``m`` from
  ``A1``, ``A2`` and ``B`` as in ``pbkrtest:::.KR_adjust``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fertopt.mixed.reml import RemlFit

__all__ = ["Inference", "inference", "satterthwaite_test", "kenward_roger_test", "contrast"]


@dataclass(frozen=True)
class Inference:
    """What the df methods need from a fit, computed once."""

    fit: RemlFit
    dcov: list[np.ndarray]  # ∂C/∂σ²_k for the free variances
    a_obs: np.ndarray  # inverse observed information of the free variances
    phi_adj: np.ndarray  # Kenward–Roger adjusted covariance Φ_A
    p_mats: list[np.ndarray]
    w_kr: np.ndarray


def inference(fit: RemlFit) -> Inference:
    c, v_inv, x, proj, y = fit.cov_beta, fit.v_inv, fit.x, fit.proj, fit.y
    vx = v_inv @ x
    free = [i for i, s2 in enumerate(fit.variances) if s2 > 0]
    # Satterthwaite: gradients of C and the observed information
    dcov = [c @ (vx.T @ fit.gs[i] @ vx) @ c for i in free]
    py = proj @ y
    pg = [proj @ fit.gs[i] for i in free]
    info = np.empty((len(free), len(free)))
    for a, (i, gi) in enumerate(zip(free, pg, strict=True)):
        for b, (j, gj) in enumerate(zip(free, pg, strict=True)):
            info[a, b] = -0.5 * np.sum(gi * gj.T) + float(py @ fit.gs[i] @ proj @ fit.gs[j] @ py)
    a_obs = np.linalg.inv(info)
    # Kenward–Roger: every variance parameter
    m = len(fit.gs)
    pall = [proj @ g for g in fit.gs]
    ie2 = np.array([[np.sum(pall[i] * pall[j].T) for j in range(m)] for i in range(m)])
    # pbkrtest inverts with MASS::ginv (singular values below √eps of the largest dropped)
    # whenever an eigenvalue is below 1e-10 in absolute value; done the same way here
    if np.min(np.abs(np.linalg.eigvalsh(ie2))) > 1e-10:
        w = 2.0 * np.linalg.inv(ie2)
    else:
        w = 2.0 * np.linalg.pinv(ie2, rcond=np.sqrt(np.finfo(float).eps))
    o = [g @ vx for g in fit.gs]  # G_i V⁻¹ X
    p_mats = [-(oi.T @ vx) for oi in o]
    p_mats = [(pm + pm.T) / 2 for pm in p_mats]
    u = np.zeros_like(c)
    for i in range(m):
        for j in range(m):
            q_ij = o[i].T @ v_inv @ o[j]
            u += w[i, j] * (q_ij - p_mats[i] @ c @ p_mats[j])
    phi_adj = c + 2.0 * c @ u @ c
    phi_adj = (phi_adj + phi_adj.T) / 2
    return Inference(fit, dcov, a_obs, phi_adj, p_mats, w)


def _nu(inf: Inference, row: np.ndarray) -> float:
    var = float(row @ inf.fit.cov_beta @ row)
    g = np.array([float(row @ d @ row) for d in inf.dcov])
    return 2.0 * var**2 / float(g @ inf.a_obs @ g)


def _fstat_ddf(nu: np.ndarray, tol: float = 1e-8) -> float:
    if len(nu) == 1:
        return float(nu[0])
    if np.all(np.abs(np.diff(nu)) < tol):
        return float(np.mean(nu))
    if np.any(nu <= 2):
        return 2.0
    e = float(np.sum(nu / (nu - 2)))
    return 2.0 * e / (e - len(nu))


def satterthwaite_test(inf: Inference, lmat: np.ndarray) -> tuple[float, float, float]:
    """``(q, ddf, F)`` of ``L β = 0`` with Satterthwaite's df, as ``lmerTest``."""
    beta, c = inf.fit.beta, inf.fit.cov_beta
    vl = lmat @ c @ lmat.T
    d, p = np.linalg.eigh(vl)
    order = np.argsort(d)[::-1]
    d, p = d[order], p[:, order]
    pos = d > max(np.sqrt(np.finfo(float).eps) * d[0], 0.0)
    q = int(pos.sum())
    ptl = (p.T @ lmat)[:q]
    f = float(np.sum((ptl @ beta) ** 2 / d[:q]) / q)
    nu = np.array([_nu(inf, r) for r in ptl])
    if q == 1:
        nu = np.array([2.0 * d[0] ** 2 / _grad_form(inf, ptl[0])])
    return float(q), _fstat_ddf(nu), f


def _grad_form(inf: Inference, row: np.ndarray) -> float:
    g = np.array([float(row @ d @ row) for d in inf.dcov])
    return float(g @ inf.a_obs @ g)


def _kr_pieces(inf: Inference, lmat: np.ndarray) -> tuple[float, float, float]:
    """``(q, m, λ)`` of pbkrtest's ``.KR_adjust`` (denominator df and F scaling)."""
    c = inf.fit.cov_beta
    theta = lmat.T @ np.linalg.solve(lmat @ c @ lmat.T, lmat)
    tc = theta @ c
    n = len(inf.p_mats)
    a1 = a2 = 0.0
    us = [tc @ pm @ c for pm in inf.p_mats]
    for i in range(n):
        for j in range(i, n):
            e = 1.0 if i == j else 2.0
            a1 += e * inf.w_kr[i, j] * np.trace(us[i]) * np.trace(us[j])
            a2 += e * inf.w_kr[i, j] * np.sum(us[i] * us[j].T)
    q = float(np.linalg.matrix_rank(lmat))
    b = (a1 + 6 * a2) / (2 * q)
    g = ((q + 1) * a1 - (q + 4) * a2) / ((q + 2) * a2)
    denom = 3 * q + 2 * (1 - g)
    c1, c2, c3 = g / denom, (q - g) / denom, (q + 2 - g) / denom
    v0 = 1 + c1 * b
    v1 = 1 - c2 * b
    v2 = 1 - c3 * b
    v0 = 0.0 if abs(v0) < 1e-10 else v0
    ratio = 1.0 if abs(1 - a2 / q) < 1e-14 and abs(v1) < 1e-14 else (1 - a2 / q) / v1
    rho = ratio**2 * v0 / v2 / q
    m = 4 + (q + 2) / (q * rho - 1)
    scale = 1.0 if abs(m - 2) < 1e-2 else m * (1 - a2 / q) / (m - 2)
    return q, m, scale


def kenward_roger_test(inf: Inference, lmat: np.ndarray) -> tuple[float, float, float]:
    """``(q, ddf, F)`` of ``L β = 0`` with the Kenward–Roger adjustment, as ``pbkrtest``."""
    q, m, scale = _kr_pieces(inf, lmat)
    lb = lmat @ inf.fit.beta
    wald = float(lb @ np.linalg.solve(lmat @ inf.phi_adj @ lmat.T, lb))
    return q, m, scale * wald / q


def contrast(inf: Inference, row: np.ndarray, method: str) -> tuple[float, float, float]:
    """Estimate, standard error and df of one linear combination ``row @ β``.

    Kenward–Roger: the SE from the adjusted covariance and ``pbkrtest::Lb_ddf``'s df, as
    ``emmeans`` gives for ``lmer`` fits; Satterthwaite: the REML covariance and lmerTest's df.
    """
    est = float(row @ inf.fit.beta)
    if method == "kenward-roger":
        _, m, _ = _kr_pieces(inf, row[None, :])
        return est, float(np.sqrt(row @ inf.phi_adj @ row)), m
    var = float(row @ inf.fit.cov_beta @ row)
    return est, float(np.sqrt(var)), 2.0 * var**2 / _grad_form(inf, row)
