"""Optima of many response curves at once: each site's own, and those of simulated new sites.

A site's optimum has the statuses of a single-trial optimum (:mod:`fertopt.economics`):
``ok`` (a maximum inside the tested rates), ``extrapolated`` (beyond them), ``at_bound`` (the
lowest rate: no fertilizer pays) and ``no_maximum`` (the curve does not bend down; rate NaN).

The optimum rate of a site not in the data is a random quantity: its parameters are
``β + b`` with ``b ~ N(0, Ψ)``, and ``β`` itself is known only up to ``N(β̂, Cov β̂)``.
:func:`draw_parameters` simulates both, and :func:`solve_rates` gives each draw's optimum.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from fertopt.curves.models import ModelSpec

__all__ = ["STATUSES", "solve_rates", "statuses", "draw_parameters"]

#: The statuses of an optimum, in the order summaries count them.
STATUSES = ("ok", "extrapolated", "at_bound", "no_maximum")


def solve_rates(spec: ModelSpec, thetas: np.ndarray, ratio: float) -> tuple[np.ndarray, np.ndarray]:
    """The optimum rate of each row of ``thetas`` at price ratio ``ratio`` (0: maximum yield).

    Returns
    -------
    rates : ndarray
        NaN where there is no maximum.
    cases : ndarray of str
        ``'interior'``, ``'corner'``, ``'zero'`` (no fertilizer pays) or ``'none'``, as the
        model's ``solve`` says.
    """
    thetas = np.atleast_2d(np.asarray(thetas, float))
    if spec.name == "quadratic":  # closed form, vectorised: x* = (r − b) / (2c) for c < 0
        b, c = thetas[:, 1], thetas[:, 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            x = (ratio - b) / (2.0 * c)
        none = ~(c < 0)
        zero = ~none & (x <= 0)
        rates = np.where(none, np.nan, np.where(zero, 0.0, x))
        cases = np.where(none, "none", np.where(zero, "zero", "interior"))
        return rates, cases
    rates = np.empty(len(thetas))
    cases = np.empty(len(thetas), dtype=object)
    for i, theta in enumerate(thetas):
        if not np.all(np.isfinite(theta)):
            rates[i], cases[i] = math.nan, "none"
            continue
        sol = spec.solve(theta, ratio)
        rates[i] = sol.rate if math.isfinite(sol.rate) else math.nan
        cases[i] = sol.case
    return rates, cases.astype(str)


def statuses(cases: np.ndarray, rates: np.ndarray, low: float, high: float) -> np.ndarray:
    """The status of each optimum from its case and the tested rates ``low`` – ``high``.

    As single-trial optima: ``none`` → no_maximum; ``zero`` → at_bound; an interior maximum
    or a plateau's join → ok inside the tested rates, extrapolated outside them.
    """
    rates = np.asarray(rates, float)
    with np.errstate(invalid="ignore"):
        outside = (rates > high * (1 + 1e-9) + 1e-12) | (rates < low - 1e-9 * max(abs(low), 1.0))
    return np.where(
        cases == "none",
        "no_maximum",
        np.where(cases == "zero", "at_bound", np.where(outside, "extrapolated", "ok")),
    )


def draw_parameters(
    beta: np.ndarray,
    beta_cov: np.ndarray,
    psi: np.ndarray,
    random_idx: Sequence[int],
    n_draws: int,
    rng: np.random.Generator,
    *,
    population_uncertainty: bool = True,
    n_sites: int | None = None,
) -> np.ndarray:
    """``n_draws`` parameter vectors of new sites: ``β* + b`` (``b`` on the random parameters).

    Without ``population_uncertainty``: ``β* = β̂`` and ``b ~ N(0, Ψ̂)``.  With it,
    ``β* ~ N(β̂, Cov β̂)`` and, per draw, ``Ψ* ~ W⁻¹(ν, ν Ψ̂)`` (inverse Wishart,
    ``ν = n_sites − 1``), then ``b ~ N(0, Ψ*)``: for one random parameter this is
    ``σ²* = ν s² / χ²_ν``, which turns the interval into the classical prediction interval
    ``±t_ν · s`` of a new draw from a normal sample of ``n_sites`` sites.  A Ψ̂ with a zero
    variance is drawn in the subspace of its positive eigenvalues.
    """
    p, k = len(beta), len(random_idx)
    out = np.tile(np.asarray(beta, float), (n_draws, 1))
    if population_uncertainty:
        out += rng.standard_normal((n_draws, p)) @ _root(beta_cov).T
    if not k:
        return out
    z = rng.standard_normal((n_draws, k))
    if not population_uncertainty or n_sites is None:
        out[:, list(random_idx)] += z @ _root(psi).T
        return out
    values, vectors = np.linalg.eigh((np.asarray(psi, float) + np.asarray(psi, float).T) / 2)
    keep = values > 1e-12 * max(float(values.max()), 0.0)
    r = int(keep.sum())
    if r == 0:
        return out
    nu = max(n_sites - 1, r)
    vec = vectors[:, keep]
    # inverse Wishart W⁻¹(ν, ν Λ) in the r-dimensional subspace: the inverse of a Wishart
    # draw W(ν, (ν Λ)⁻¹) = A A' with A the Bartlett factor
    lam = values[keep]
    scale_root = np.diag(1.0 / np.sqrt(nu * lam))
    bart = np.zeros((n_draws, r, r))
    for i in range(r):
        bart[:, i, i] = np.sqrt(rng.chisquare(nu - i, n_draws))
        for j in range(i):
            bart[:, i, j] = rng.standard_normal(n_draws)
    a = scale_root @ bart  # W = a a'
    w = a @ np.swapaxes(a, 1, 2)
    psi_star = np.linalg.inv(w)
    root = np.linalg.cholesky((psi_star + np.swapaxes(psi_star, 1, 2)) / 2)
    b_r = np.einsum("nij,nj->ni", root, z[:, :r])
    out[:, list(random_idx)] += b_r @ vec.T
    return out


def _root(cov: np.ndarray) -> np.ndarray:
    """A square root ``R`` with ``R R' = cov`` (negative rounding eigenvalues set to 0)."""
    cov = (np.asarray(cov, float) + np.asarray(cov, float).T) / 2
    values, vectors = np.linalg.eigh(cov)
    return vectors * np.sqrt(np.clip(values, 0.0, None))
