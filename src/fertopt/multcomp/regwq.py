"""The Ryan–Einot–Gabriel–Welsch multiple range test (REGWQ): its levels, critical values, p-values.

REGWQ is a multiple range test like the Student-Newman-Keuls test, with the
level of each range adjusted to its number of means so that the maximum
experimentwise error rate stays at ``alpha`` (Einot & Gabriel 1975; Welsch
1977; SAS ``MEANS / REGWQ``):

* a range of ``p`` of the ``k`` sorted means is tested at
  ``alpha_p = 1 − (1 − alpha)^(p/k)`` for ``p < k − 1`` and at ``alpha`` for
  ``p ≥ k − 1``;
* its critical value is ``q_p = Q⁻¹(1 − alpha_p; p, ν)``, made non-decreasing
  in ``p`` (a wider range never needs a smaller studentized range);
* the p-value of a pair spanning ``p`` means is the smallest level at which
  that (monotone) critical value would be exceeded,
  ``max over s = 2 … p of P_s``, with
  ``P_s = 1 − F_Q(q; s, ν)^(k/s)`` for ``s < k − 1`` and
  ``1 − F_Q(q; s, ν)`` otherwise; ``P_s < alpha`` exactly when the pair's
  studentized range exceeds ``q_s``.

These functions take and return NumPy arrays; :mod:`fertopt.multcomp` runs
the test on the means of an ANOVA.
"""

from __future__ import annotations

import numpy as np

__all__ = ["regwq_levels", "regwq_critical_values", "regwq_p_values"]


def regwq_levels(k: int, alpha: float) -> np.ndarray:
    """The levels ``alpha_p`` of the ranges of ``p = 2, …, k`` means.

    Examples
    --------
    >>> np.round(regwq_levels(5, 0.05), 5)   # 1 - 0.95^(2/5), 1 - 0.95^(3/5), 0.05, 0.05
    array([0.02031, 0.03031, 0.05   , 0.05   ])
    """
    spans = np.arange(2, int(k) + 1, dtype=float)
    levels = -np.expm1(spans / k * np.log1p(-alpha))
    levels[spans >= k - 1] = alpha
    return levels


def regwq_critical_values(k: int, df: float, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """The studentized ranges of REGWQ for ``p = 2, …, k``: as computed, and made monotone.

    Returns
    -------
    raw, monotone : ndarray
        ``Q⁻¹(1 − alpha_p; p, df)``, and its running maximum over ``p`` (the
        critical values used).

    Examples
    --------
    >>> raw, q = regwq_critical_values(4, 10, 0.05)
    >>> np.round(raw, 4)   # R: qtukey(1 - c(1 - 0.95^(2/4), 0.05, 0.05), 2:4, 10)
    array([3.7142, 3.8768, 4.3266])
    """
    from fertopt import distributions as _dist

    spans = np.arange(2, int(k) + 1)
    raw = np.asarray(_dist.studentized_range_ppf(1.0 - regwq_levels(k, alpha), spans, df))
    return raw, np.maximum.accumulate(raw)


def regwq_p_values(stat: np.ndarray, span: np.ndarray, k: int, df: float) -> np.ndarray:
    """The REGWQ p-value of each pair from its studentized range and its span.

    Parameters
    ----------
    stat : ndarray
        ``|difference| / SE`` of each pair.
    span : ndarray of int
        Number of means from one to the other in the sorted order, both included.
    k : int
        Number of means compared.
    df : float
        Error degrees of freedom.

    Examples
    --------
    >>> p = regwq_p_values(np.array([3.7142104, 3.7142104]), np.array([2, 3]), 4, 10)
    >>> np.round(p, 4)   # R: 1 - ptukey(3.7142104, 3, 10) = 0.0603
    array([0.05  , 0.0603])
    """
    from fertopt import distributions as _dist

    stat = np.asarray(stat, dtype=float)
    span = np.asarray(span, dtype=int)
    if stat.size == 0:
        return np.zeros(0)
    spans = np.arange(2, int(span.max()) + 1)
    sf = np.asarray(_dist.studentized_range_sf(stat[:, None], spans[None, :], df), dtype=float)
    power = np.where(spans < k - 1, k / spans, 1.0)[None, :]
    with np.errstate(divide="ignore"):  # sf = 1 (equal means): p = 1
        p_s = -np.expm1(power * np.log1p(-np.minimum(sf, 1.0)))
    p_s = np.where(spans[None, :] <= span[:, None], p_s, 0.0)
    return p_s.max(axis=1)
