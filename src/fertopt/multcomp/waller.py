"""The Waller–Duncan k-ratio t test: its Bayesian critical t and the F ratio it depends on.

Waller & Duncan (1969) choose, for each pair of means, between "different" and
"not ranked" so as to minimise the Bayes risk under additive losses whose
Type I / Type II seriousness ratio is ``K`` (the *k-ratio*: 50, 100 or 500,
roughly the two-mean α of 0.10, 0.05 and 0.01).  Two means differ when
``|ȳ_i − ȳ_j| > t_B · SE``, where the critical value ``t_B(K, F, q, f)``
grows as the treatment F ratio shrinks: when the treatments hardly differ as
a whole, single differences need more evidence.

:func:`waller_t` solves Waller & Kemp's (1976) equation for ``t_B``
(the same equation as SAS ``MEANS / WALLER`` and ``agricolae::waller``):

``K = ∫₁^∞ √(x − 1) g(x) h(t b(x)) dx / ∫₁^∞ √(x − 1) g(x) h(−t b(x)) dx``

with ``g(x) = x^(−(q+3)/2) (f + qF/x)^(−(f+q−1)/2)``,
``b(x) = √((f + q)(x − 1) / (f x + q F))`` and
``h(z) = (f + q + z²)/(f + q − 1) · t_dens(z; f + q) + z · T(z; f + q)``
(``q = k − 1`` treatment and ``f`` error degrees of freedom).  The integrals
are taken by the double-exponential rule and the root by Brent's method, so
``t_B`` is exact to about 1e-12 (agricolae bisects to 5e-4 and
rounds to 3 decimals).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["waller_t", "family_f"]


#: Nodes of the double-exponential (tanh-sinh) rule over x − 1 = exp(−π sinh τ), |τ| ≤ 4.5.
_TAU = np.arange(-4.5, 4.5 + 1e-12, 1.0 / 64.0)


def _ratio(t: float, k_ratio: float, q: float, f: float, fval: float) -> float:
    """log of the ratio of the two integrals at ``t``, minus ``log K``.

    Both integrals run over ``x − 1 = exp(−π sinh τ)`` with the trapezoidal
    rule in ``τ`` (the double-exponential rule, exact to about 1e-14 here
    despite the endpoint behaviour of ``√(x − 1)`` and of the slow tail);
    ``g`` is scaled by ``f^((f+q−1)/2)``, which cancels in the ratio.
    """
    from scipy import special

    nu = f + q
    a = np.pi * np.sinh(_TAU)
    log_xm1 = -a  # log(x − 1)
    log_x = np.logaddexp(0.0, -a)
    x = np.exp(log_x)
    log_w = (
        1.5 * log_xm1
        + np.log(np.pi * np.cosh(_TAU))
        - (q + 3) / 2 * log_x
        - (f + q - 1) / 2 * np.log1p(q * fval / (f * x))
    )
    w = np.exp(log_w - log_w.max())
    z = t * np.sqrt(nu * np.exp(log_xm1 - np.log(f * x + q * fval)))
    log_c = math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2) - 0.5 * math.log(nu * math.pi)
    dens = np.exp(log_c - (nu + 1) / 2 * np.log1p(z * z / nu))
    even = (nu + z * z) / (nu - 1) * dens
    upper = float(np.sum(w * (even + z * special.stdtr(nu, z))))
    lower = float(np.sum(w * (even - z * special.stdtr(nu, -z))))
    return math.log(upper) - math.log(lower) - math.log(k_ratio)


def waller_t(k_ratio: float, q: float, f: float, fval: float) -> float:
    """The Waller–Duncan critical t, ``t_B(K, F, q, f)``.

    Parameters
    ----------
    k_ratio : float
        Seriousness ratio ``K`` of Type I to Type II errors (> 1).
    q : float
        Treatment degrees of freedom (number of means − 1).
    f : float
        Error degrees of freedom.
    fval : float
        F ratio of the treatments (their mean square over the error's).

    Examples
    --------
    >>> round(waller_t(100, 4, 20, 5.0), 4)   # agricolae::waller(100, 4, 20, 5): 2.144 (to 5e-4)
    2.1436
    """
    from scipy import optimize

    fval = max(float(fval), 1e-8)  # F = 0 (equal means): the equation stays defined for F > 0
    hi = 4.0
    while _ratio(hi, k_ratio, q, f, fval) < 0.0:
        hi *= 2.0
        if hi > 1e4:  # pragma: no cover - K is bounded by the caller
            return math.inf
    return float(
        optimize.brentq(_ratio, 0.0, hi, args=(k_ratio, q, f, fval), xtol=1e-13, rtol=1e-13)
    )


def family_f(means: np.ndarray, n: np.ndarray, mse: float) -> float:
    """F ratio of a set of means: ``Σ n_i (ȳ_i − ȳ)² / (k − 1)`` over the error mean square.

    ``ȳ`` is the mean weighted by the replications; for a balanced one-way or
    RCBD layout this is the treatment F of the ANOVA table.

    Examples
    --------
    >>> family_f(np.array([10.0, 12.0, 14.0]), np.array([4, 4, 4]), 2.0)   # 4·8/2/2
    8.0
    """
    means = np.asarray(means, dtype=float)
    n = np.asarray(n, dtype=float)
    grand = float(np.sum(n * means) / np.sum(n))
    ms = float(np.sum(n * (means - grand) ** 2)) / (len(means) - 1)
    return ms / mse
