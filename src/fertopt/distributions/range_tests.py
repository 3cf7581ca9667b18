"""Critical values of the multiple range tests: Duncan (with its protection levels), SNK, Tukey."""

from __future__ import annotations

import numpy as np

from fertopt.distributions.cache import cached_table
from fertopt.distributions.studentized_range import studentized_range_ppf


def duncan_protection(k: int, alpha: float) -> np.ndarray:
    """Duncan's protection levels ``(1 − alpha)^(p − 1)`` for spans ``p = 2, …, k``.

    Examples
    --------
    >>> duncan_protection(4, 0.05)
    array([0.95    , 0.9025  , 0.857375])
    """
    spans = np.arange(2, int(k) + 1, dtype=float)
    return (1.0 - alpha) ** (spans - 1.0)


def duncan_critical_values(k: int, df: float, alpha: float = 0.05) -> np.ndarray:
    """Duncan's significant studentized ranges for spans ``p = 2, …, k``.

    ``q_p = Q⁻¹((1 − alpha)^(p − 1); p, df)``, the values printed in
    Duncan's (1955) and Harter's (1960) tables and computed by
    ``agricolae::duncan.test``.

    Examples
    --------
    >>> np.round(duncan_critical_values(3, 20, alpha=0.01), 4)   # Duncan's 1955 table: 4.02, 4.22
    array([4.0239, 4.1972])
    """
    spans = np.arange(2, int(k) + 1)
    return cached_table(
        "duncan",
        k,
        df,
        alpha,
        lambda: studentized_range_ppf(duncan_protection(k, alpha), spans, df),
    )


def snk_critical_values(k: int, df: float, alpha: float = 0.05) -> np.ndarray:
    """Student-Newman-Keuls critical ranges ``Q⁻¹(1 − alpha; p, df)`` for ``p = 2, …, k``.

    Examples
    --------
    >>> np.round(snk_critical_values(3, 20), 3)   # tables of q(0.05; p, 20): 2.95, 3.58
    array([2.95 , 3.578])
    """
    spans = np.arange(2, int(k) + 1)
    return cached_table("snk", k, df, alpha, lambda: studentized_range_ppf(1.0 - alpha, spans, df))


def tukey_critical_value(k: int, df: float, alpha: float = 0.05) -> float:
    """Tukey's HSD quantile ``Q⁻¹(1 − alpha; k, df)``.

    Examples
    --------
    >>> round(tukey_critical_value(5, 45), 5)   # SAS prints 4.01842 for this case
    4.01842
    """
    return float(studentized_range_ppf(1.0 - alpha, int(k), df))
