"""Polynomial surfaces in several nutrients: terms, evaluation and exact optimisation.

This module holds the arithmetic behind :mod:`fertopt.surface`; it has no
user-facing validation and no display code, so the batch engine can call the
same functions on many trials and reproduce the per-trial numbers exactly.

Working scale
-------------
A surface is a sum of monomials in the rates ``x``.  Square-root terms are
handled exactly by a change of variable: for every nutrient that appears
under a square root, the *working variable* is ``z = sqrt(x)``; otherwise
``z = x``.  In ``z`` every monomial has integer exponents, so a quadratic
surface and a square-root surface (``sqrt(N)``, ``N``, ``sqrt(N):sqrt(P)``)
are both second-order polynomials ``f(z) = c0 + gᵀz + zᵀHz``; the fertilizer
cost ``p·x`` is ``p·z`` or ``p·z²``, so net return is a second-order
polynomial in ``z`` as well.  Box bounds on ``x`` map to box bounds on ``z``.

Exact box-constrained maximum of a second-order polynomial
----------------------------------------------------------
:func:`box_qp_max` maximises ``q(z) = c0 + gᵀz + zᵀHz`` over ``lo ≤ z ≤ hi``
by enumerating the ``3**k`` faces of the box (each variable at its lower
bound, at its upper bound, or free: 27 faces for three nutrients).  On a face
the free variables solve the linear system ``2 H_FF z_F = -(g_F + 2 H_FB z_B)``;
a solution inside the face is a candidate, and so is every vertex.  ``H_FF``
depends only on which variables are free, so each of the ``2**k`` free sets is
factorised once and all its faces are solved together.  The global maximum of any
quadratic over a box lies in the relative interior of some face, where it is a
stationary point of the restriction; if the restricted Hessian is singular
there, the function is constant along its null directions and the same value
is reached on a lower-dimensional face.  Taking the best candidate therefore
gives the exact global maximum, concave or not, with no iteration and no
tolerance other than the test for a singular face.  Computation is done in
coded units (each box edge mapped to ``[-1, 1]``), the order in which faces
are visited is fixed (vertices first; see :func:`box_qp_max`), and ties within
``1e-12`` relative are resolved by that order, so the result is deterministic.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "parse_term",
    "term_name",
    "candidate_terms",
    "Poly",
    "box_qp_max",
    "ridge_path",
    "poly_box_max",
    "poly_stationary",
]

#: A square-root factor of a term name, ``sqrt(N)``; group 1 is the nutrient.
SQRT_TERM = re.compile(r"^sqrt\s*\((.+)\)$", re.IGNORECASE)
#: A power factor of a term name, ``N^2``; groups are the nutrient and the power.
POWER_TERM = re.compile(r"^(.+?)\s*\^\s*(\d+)$")
_R_I = re.compile(r"^I\s*\((.+)\)$")
INTERCEPT_NAMES = ("intercept", "(intercept)", "const", "constant", "b0")


# ---------------------------------------------------------------------------
# term names
# ---------------------------------------------------------------------------
def _factor_power(text: str, nutrients: Sequence[str]) -> tuple[str, float]:
    """``"sqrt(N)"`` → ``("N", 0.5)``; ``"N^2"`` → ``("N", 2)``; raises KeyError for unknowns."""
    text = text.strip()
    m = _R_I.match(text)
    if m:
        text = m.group(1).strip()
    m = SQRT_TERM.match(text)
    if m:
        name, power = m.group(1).strip(), 0.5
    else:
        m = POWER_TERM.match(text)
        if m:
            name, power = m.group(1).strip(), float(m.group(2))
        else:
            name, power = text, 1.0
    if name not in nutrients:
        lower = {n.lower(): n for n in nutrients}
        if name.lower() in lower:
            name = lower[name.lower()]
        else:
            raise KeyError(name)
    if power <= 0:
        raise KeyError(text)
    return name, power


def parse_term(name: str, nutrients: Sequence[str]) -> tuple[float, ...]:
    """Powers of each nutrient in a term named by the DESIGN.md convention.

    ``intercept`` → all zeros; ``N`` → 1; ``N^2`` → 2; ``N:P2O5`` → 1 and 1;
    ``sqrt(N)`` → 0.5.  R-style ``I(N^2)`` is accepted.  Raises ``KeyError``
    with the unknown name and ``ValueError`` for a nutrient repeated in a
    product.

    Examples
    --------
    >>> parse_term("P2O5:K2O", ["N", "P2O5", "K2O"])
    (0.0, 1.0, 1.0)
    >>> parse_term("sqrt(N)", ["N", "P2O5"])
    (0.5, 0.0)
    """
    if str(name).strip().lower() in INTERCEPT_NAMES:
        return tuple(0.0 for _ in nutrients)
    powers = dict.fromkeys(nutrients, 0.0)
    for factor in str(name).split(":"):
        nutrient, power = _factor_power(factor, nutrients)
        if powers[nutrient] != 0.0:
            raise ValueError(f"{nutrient} appears twice in the term {name!r}")
        powers[nutrient] = power
    return tuple(powers[n] for n in nutrients)


def term_name(powers: Sequence[float], nutrients: Sequence[str]) -> str:
    """Canonical name of a term (inverse of :func:`parse_term`).

    Examples
    --------
    >>> term_name((2, 0, 0), ["N", "P2O5", "K2O"]), term_name((1, 0, 1), ["N", "P2O5", "K2O"])
    ('N^2', 'N:K2O')
    >>> term_name((0.5, 0.5), ["N", "P"]), term_name((0, 0), ["N", "P"])
    ('sqrt(N):sqrt(P)', 'intercept')
    """
    parts = []
    for nutrient, power in zip(nutrients, powers, strict=True):
        if power == 0:
            continue
        if power == 0.5:
            parts.append(f"sqrt({nutrient})")
        elif power == 1:
            parts.append(nutrient)
        else:
            parts.append(f"{nutrient}^{power:g}")
    return ":".join(parts) if parts else "intercept"


def candidate_terms(k: int, model: str) -> list[tuple[float, ...]]:
    """Powers of the full term set of a ``"quadratic"`` or ``"square_root"`` surface.

    Order: intercept, linear (or square-root) terms, then squares (or linear
    terms), then pairwise products in nutrient order.
    """
    eye = np.eye(k)
    out: list[tuple[float, ...]] = [tuple(0.0 for _ in range(k))]
    if model == "quadratic":
        out += [tuple(eye[i]) for i in range(k)]
        out += [tuple(2 * eye[i]) for i in range(k)]
        out += [tuple(eye[i] + eye[j]) for i, j in itertools.combinations(range(k), 2)]
    elif model == "square_root":
        out += [tuple(0.5 * eye[i]) for i in range(k)]
        out += [tuple(eye[i]) for i in range(k)]
        out += [tuple(0.5 * (eye[i] + eye[j])) for i, j in itertools.combinations(range(k), 2)]
    else:  # pragma: no cover - guarded by check_choice
        raise ValueError(model)
    return [tuple(float(v) for v in t) for t in out]


def design_columns(powers: Sequence[Sequence[float]], rates: np.ndarray) -> np.ndarray:
    """Columns ``prod_i x_i**power_i`` (n × p) for rates ``x`` (n × k)."""
    rates = np.asarray(rates, dtype=float)
    cols = np.ones((rates.shape[0], len(powers)))
    for j, pw in enumerate(powers):
        for i, e in enumerate(pw):
            if e == 1:
                cols[:, j] *= rates[:, i]
            elif e == 0.5:
                cols[:, j] *= np.sqrt(rates[:, i])
            elif e != 0:
                cols[:, j] *= rates[:, i] ** e
    return cols


# ---------------------------------------------------------------------------
# polynomials in the working variables
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Poly:
    """A polynomial ``sum_j coef_j prod_i z_i**exps[j, i]`` with integer exponents.

    ``root[i]`` is True when ``z_i = sqrt(x_i)`` (otherwise ``z_i = x_i``).
    """

    exps: np.ndarray
    coef: np.ndarray
    root: np.ndarray

    @classmethod
    def from_powers(cls, powers: Sequence[Sequence[float]], coef: Sequence[float]) -> Poly:
        """Build from x-space powers (0.5 allowed) and coefficients."""
        pw = np.asarray(powers, dtype=float).reshape(len(powers), -1)
        root = np.any(pw != np.round(pw), axis=0)
        exps = np.where(root, pw * 2, pw)
        return cls(np.round(exps).astype(int), np.asarray(coef, dtype=float), root)

    @property
    def k(self) -> int:
        return self.exps.shape[1]

    @property
    def degree(self) -> int:
        return int(self.exps.sum(axis=1).max()) if len(self.exps) else 0

    def to_z(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.where(self.root, np.sqrt(np.maximum(x, 0.0)), x)

    def to_x(self, z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=float)
        return np.where(self.root, z * z, z)

    def value(self, z: np.ndarray) -> np.ndarray | float:
        """Value at ``z`` (k,) or (n, k)."""
        z = np.asarray(z, dtype=float)
        single = z.ndim == 1
        zz = np.atleast_2d(z)
        mono = np.ones((zz.shape[0], len(self.coef)))
        for j in range(len(self.coef)):
            for i in range(self.k):
                e = self.exps[j, i]
                if e:
                    mono[:, j] *= zz[:, i] ** e
        out = mono @ self.coef
        return float(out[0]) if single else out

    def grad(self, z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=float)
        g = np.zeros(self.k)
        for j, c in enumerate(self.coef):
            e = self.exps[j]
            for i in range(self.k):
                if e[i] == 0:
                    continue
                term = c * e[i] * z[i] ** (e[i] - 1)
                for m in range(self.k):
                    if m != i and e[m]:
                        term *= z[m] ** e[m]
                g[i] += term
        return g

    def hess(self, z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=float)
        h = np.zeros((self.k, self.k))
        for j, c in enumerate(self.coef):
            e = self.exps[j]
            for a in range(self.k):
                for b in range(a, self.k):
                    if a == b:
                        if e[a] < 2:
                            continue
                        term = c * e[a] * (e[a] - 1) * z[a] ** (e[a] - 2)
                    else:
                        if e[a] == 0 or e[b] == 0:
                            continue
                        term = c * e[a] * e[b] * z[a] ** (e[a] - 1) * z[b] ** (e[b] - 1)
                    for m in range(self.k):
                        if m != a and m != b and e[m]:
                            term *= z[m] ** e[m]
                    h[a, b] += term
                    if a != b:
                        h[b, a] += term
        return h

    def quadratic_form(self) -> tuple[float, np.ndarray, np.ndarray]:
        """``(c0, g, H)`` with ``f(z) = c0 + gᵀz + zᵀHz``; only for degree ≤ 2."""
        if self.degree > 2:
            raise ValueError("not a second-order polynomial")
        c0 = 0.0
        g = np.zeros(self.k)
        h = np.zeros((self.k, self.k))
        for c, e in zip(self.coef, self.exps, strict=True):
            nz = np.flatnonzero(e)
            d = int(e.sum())
            if d == 0:
                c0 += c
            elif d == 1:
                g[nz[0]] += c
            elif len(nz) == 1:
                h[nz[0], nz[0]] += c
            else:
                h[nz[0], nz[1]] += c / 2
                h[nz[1], nz[0]] += c / 2
        return c0, g, h

    def scaled(self, factor: float) -> Poly:
        return Poly(self.exps, self.coef * factor, self.root)

    def minus_costs(self, crop: float, costs: np.ndarray) -> Poly:
        """Net return ``crop·f(z) − Σ cost_i x_i`` as a polynomial in ``z``."""
        extra_e = np.diag(np.where(self.root, 2, 1)).astype(int)
        return Poly(
            np.vstack([self.exps, extra_e]),
            np.concatenate([self.coef * crop, -np.asarray(costs, dtype=float)]),
            self.root,
        )


# ---------------------------------------------------------------------------
# exact maximum of a second-order polynomial over a box
# ---------------------------------------------------------------------------
def _coded(c0: float, g: np.ndarray, h: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    mid = (lo + hi) / 2
    half = (hi - lo) / 2
    gm = g + 2 * h @ mid
    c = c0 + g @ mid + mid @ h @ mid
    return c, half * gm, (h * half).T * half, mid, half


def box_qp_max(
    c0: float, g: np.ndarray, h: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, float, np.ndarray]:
    """Exact global maximum of ``c0 + gᵀz + zᵀHz`` over ``lo ≤ z ≤ hi``.

    Returns ``(z, value, side)`` where ``side[i]`` is ``-1`` (at the lower
    bound), ``+1`` (at the upper bound) or ``0`` (free).  See the module
    docstring for the algorithm.  Candidates are visited in a fixed order:
    free sets by increasing size (vertices first, then edges, faces, the
    interior), free sets of one size in ``itertools.combinations`` order, and
    the fixed variables' bounds in ``itertools.product((-1, 1))`` order; a
    candidate replaces the best so far only if it is higher by more than
    ``1e-12`` relative, so among equal maxima the lowest-dimensional face wins.

    Examples
    --------
    The concave ``-(z1 - 2)² - (z2 - 0.5)²`` on the unit square has its
    maximum at ``(1, 0.5)`` with value ``-1``:

    >>> z, v, side = box_qp_max(-4.25, np.array([4.0, 1.0]), -np.eye(2),
    ...                         np.zeros(2), np.ones(2))
    >>> z.tolist(), v, side.tolist()
    ([1.0, 0.5], -1.0, [1, 0])
    """
    g = np.asarray(g, dtype=float)
    h = np.asarray(h, dtype=float)
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    k = len(g)
    hs = (h + h.T) / 2
    c, gc, hc, mid, half = _coded(float(c0), g, hs, lo, hi)
    movable = np.flatnonzero(half > 0)
    scale = max(float(np.abs(hc).max(initial=0.0)), 1e-300)
    cand_u: list[np.ndarray] = []
    cand_side: list[np.ndarray] = []
    for size in range(len(movable) + 1):
        for free in itertools.combinations(movable.tolist(), size):
            free_idx = np.array(free, dtype=int)
            fixed_idx = np.array([i for i in range(k) if i not in free], dtype=int)
            # bounds of the fixed variables: every combination (a zero-width variable sits at -1)
            choices = [(-1.0, 1.0) if half[i] > 0 else (-1.0,) for i in fixed_idx]
            combos = list(itertools.product(*choices))
            fixed_vals = np.array(combos, dtype=float).reshape(len(combos), len(fixed_idx))
            u = np.zeros((len(fixed_vals), k))
            u[:, fixed_idx] = fixed_vals
            if size:
                hff = hc[free_idx][:, free_idx]
                if np.abs(np.linalg.eigvalsh(hff)).min() <= 1e-12 * scale:
                    continue  # singular face: its maxima also lie on a lower-dimensional face
                rhs = -(gc[free_idx][None, :] + 2 * fixed_vals @ hc[fixed_idx][:, free_idx])
                uf = np.linalg.solve(2 * hff, rhs.T).T
                inside = np.all(np.abs(uf) <= 1 + 1e-12, axis=1)
                u[:, free_idx] = np.clip(uf, -1.0, 1.0)
                u = u[inside]
                fixed_vals = fixed_vals[inside]
            side = np.zeros((len(u), k), dtype=int)
            side[:, fixed_idx] = fixed_vals.astype(int)
            cand_u.append(u)
            cand_side.append(side)
    u_all = np.concatenate(cand_u)
    side_all = np.concatenate(cand_side)
    values = c + u_all @ gc + np.einsum("ij,jk,ik->i", u_all, hc, u_all)
    best = 0  # the first candidate is the all-lower vertex
    for j in range(1, len(values)):
        if values[j] > values[best] + 1e-12 * max(1.0, abs(values[best])):
            best = j
    z = np.clip(np.where(half > 0, mid + half * u_all[best], lo), lo, hi)
    value = float(c0 + g @ z + z @ hs @ z)
    side = np.where(half > 0, side_all[best], -1)
    # a free variable that landed exactly on a bound is reported on that bound
    side = np.where((side == 0) & (z <= lo), -1, side)
    side = np.where((side == 0) & (z >= hi), 1, side)
    return z, value, side


# ---------------------------------------------------------------------------
# ridge analysis
# ---------------------------------------------------------------------------
def ridge_path(
    c0: float,
    g: np.ndarray,
    h: np.ndarray,
    center: np.ndarray,
    half: np.ndarray,
    radii: Sequence[float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points of maximum response on spheres around the design centre (Hoerl's ridge analysis).

    Works in coded units ``u = (z - center) / half``.  For radius ``r`` the
    maximiser of ``q`` on ``|u| = r`` solves ``(A - μI) u = -a/2`` with
    ``μ ≥ λ_max(A)``; ``μ`` is found by bisection on the monotone radius
    function (the "hard case", where the gradient has no component along the
    top eigenvector, is handled explicitly).  Returns ``(z, value, mu)`` with
    one row per radius.
    """
    g = np.asarray(g, dtype=float)
    h = (np.asarray(h, dtype=float) + np.asarray(h, dtype=float).T) / 2
    center = np.asarray(center, dtype=float)
    half = np.where(np.asarray(half, dtype=float) > 0, half, 1.0)
    a = half * (g + 2 * h @ center)
    amat = (h * half).T * half
    lam, q = np.linalg.eigh(amat)
    at = q.T @ a
    lmax = lam[-1]
    tol = 1e-12 * max(1.0, float(np.abs(lam).max()), float(np.abs(at).max()))
    top = np.abs(lam - lmax) <= 1e-12 * max(1.0, float(np.abs(lam).max()))

    def u_of(mu: float) -> np.ndarray:
        return q @ (at / (2 * (mu - lam)))

    zs, vals, mus = [], [], []
    for r in radii:
        r = float(r)
        if r == 0:
            u = np.zeros_like(a)
            mu = math.inf
        else:
            at_top = np.abs(at[top]).max() if top.any() else 0.0
            if at_top <= tol:
                rest = np.where(top, 0.0, at / np.where(top, 1.0, 2 * (lmax - lam)))
                rest_norm = float(np.linalg.norm(rest))
                if rest_norm <= r:
                    coeff = -rest
                    t = math.sqrt(max(r * r - rest_norm**2, 0.0))
                    first_top = int(np.flatnonzero(top)[0])
                    coeff[first_top] = t
                    u = q @ coeff
                    mu = lmax
                    z = center + half * u
                    zs.append(z)
                    vals.append(c0 + g @ z + z @ h @ z)
                    mus.append(mu)
                    continue
            lo_mu = lmax + 1e-15 * max(1.0, abs(lmax))
            hi_mu = lmax + float(np.linalg.norm(at)) / (2 * r) + 1.0
            while np.linalg.norm(u_of(hi_mu)) > r:
                hi_mu = lmax + 2 * (hi_mu - lmax)
            # bisection on log(mu - lmax): monotone and scale-free
            for _ in range(200):
                mid_mu = lmax + math.sqrt((lo_mu - lmax) * (hi_mu - lmax))
                if np.linalg.norm(u_of(mid_mu)) > r:
                    lo_mu = mid_mu
                else:
                    hi_mu = mid_mu
                if hi_mu - lo_mu <= 1e-15 * max(1.0, abs(hi_mu)):
                    break
            mu = hi_mu
            u = u_of(mu)
            u = u * (r / np.linalg.norm(u))
        z = center + half * u
        zs.append(z)
        vals.append(c0 + g @ z + z @ h @ z)
        mus.append(mu)
    return np.array(zs), np.array(vals), np.array(mus)


# ---------------------------------------------------------------------------
# surfaces above second order: numerical maximum, polished on the KKT system
# ---------------------------------------------------------------------------
def _newton_face(poly: Poly, z: np.ndarray, free: np.ndarray, lo, hi) -> np.ndarray | None:
    """Newton's method on the gradient of the free variables; None if it leaves the box."""
    z = z.copy()
    for _ in range(60):
        gr = poly.grad(z)[free]
        if np.abs(gr).max(initial=0.0) <= 1e-13 * max(1.0, abs(poly.value(z))):
            return z
        hh = poly.hess(z)[np.ix_(free, free)]
        try:
            step = np.linalg.solve(hh, -gr)
        except np.linalg.LinAlgError:
            return None
        z[free] += step
        if np.any(z < lo - 1e-9 * (hi - lo + 1)) or np.any(z > hi + 1e-9 * (hi - lo + 1)):
            return None
        if np.abs(step).max(initial=0.0) <= 1e-15 * max(1.0, np.abs(z).max()):
            return z
    return z


def poly_box_max(poly: Poly, lo: np.ndarray, hi: np.ndarray, n_grid: int = 7):
    """Maximum of a polynomial over a box when it is not second order.

    Deterministic procedure: evaluate a ``n_grid**k`` grid (vertices
    included), start L-BFGS-B from the 8 best grid points, then for each local
    solution identify the bounds it sits on and polish the free coordinates by
    Newton's method on the gradient (the KKT stationarity conditions) to
    machine precision.  The best polished point is returned as
    ``(z, value, side)`` like :func:`box_qp_max`.  Global optimality is not
    guaranteed for arbitrary polynomials; the grid start makes a missed
    maximum unlikely for the low-order surfaces used in fertilizer trials.
    """
    from scipy.optimize import minimize

    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    axes = [
        np.linspace(a, b, n_grid) if b > a else np.array([a]) for a, b in zip(lo, hi, strict=True)
    ]
    grid = np.array(list(itertools.product(*axes)))
    vals = poly.value(grid)
    order = np.argsort(-vals, kind="stable")[:8]
    width = np.where(hi > lo, hi - lo, 1.0)
    best = (None, -math.inf, None)
    for start in grid[order]:
        res = minimize(
            lambda u: -poly.value(lo + u * width),
            (start - lo) / width,
            jac=lambda u: -poly.grad(lo + u * width) * width,
            method="L-BFGS-B",
            bounds=[(0.0, 1.0) if b > a else (0.0, 0.0) for a, b in zip(lo, hi, strict=True)],
            options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 500},
        )
        z = np.clip(lo + res.x * width, lo, hi)
        side = np.where(z <= lo + 1e-7 * width, -1, np.where(z >= hi - 1e-7 * width, 1, 0))
        side = np.where(hi > lo, side, -1)
        z = np.where(side == -1, lo, np.where(side == 1, hi, z))
        free = side == 0
        if free.any():
            polished = _newton_face(poly, z, free, lo, hi)
            if polished is not None:
                z = np.clip(polished, lo, hi)
        v = poly.value(z)
        if v > best[1] + 1e-12 * max(1.0, abs(v)):
            best = (z, v, side)
    z, v, side = best
    return z, float(v), side


def poly_stationary(poly: Poly, starts: Sequence[np.ndarray]) -> np.ndarray | None:
    """A stationary point of a polynomial found by Newton's method from the given starts."""
    for start in starts:
        z = np.asarray(start, dtype=float).copy()
        for _ in range(100):
            gr = poly.grad(z)
            try:
                step = np.linalg.solve(poly.hess(z), -gr)
            except np.linalg.LinAlgError:
                break
            z = z + step
            if not np.all(np.isfinite(z)):
                break
            if np.abs(step).max() <= 1e-14 * max(1.0, np.abs(z).max()):
                return z
        else:
            if np.all(np.isfinite(z)) and np.abs(poly.grad(z)).max() < 1e-8:
                return z
    return None
