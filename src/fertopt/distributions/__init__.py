"""Studentized range and Dunnett distributions: accurate, fast and cached.

Multiple range tests need many quantiles of the studentized range: a Duncan
test on 14 treatments needs 13 of them, one per span, and a batch of trials
needs them again for every trial.  ``scipy.stats.studentized_range`` is
accurate but integrates adaptively (tens of milliseconds per quantile); R's
``qtukey`` is fast but only accurate to about four decimals.  This module
computes the same double integral with fixed Gauss-Legendre rules whose
ranges adapt to the number of means and to the degrees of freedom, solves for
quantiles by Newton's method on all requested probabilities at once, and keeps
every quantile in a cache keyed on ``(probability, number of means, df)``.

Functions take and return NumPy arrays (scalars broadcast), so a whole column
of spans or probabilities is one call.

Examples
--------
>>> import numpy as np
>>> from fertopt.distributions import studentized_range_ppf, duncan_critical_values
>>> float(studentized_range_ppf(0.95, 3, 12))   # Tukey q(0.05; 3, 12) of printed tables: 3.77
3.772929...
>>> np.round(duncan_critical_values(4, 12, alpha=0.05), 3)   # Duncan's SSR, 4 means, 12 df
array([3.081, 3.225, 3.312])
"""

from __future__ import annotations

from fertopt.distributions.cache import cache_info, clear_cache
from fertopt.distributions.dunnett import dunnett_cdf, dunnett_ppf, dunnett_sf
from fertopt.distributions.range_tests import (
    duncan_critical_values,
    duncan_protection,
    snk_critical_values,
    tukey_critical_value,
)
from fertopt.distributions.studentized_range import (
    studentized_range_cdf,
    studentized_range_pdf,
    studentized_range_ppf,
    studentized_range_sf,
)

__all__ = [
    "studentized_range_cdf",
    "studentized_range_sf",
    "studentized_range_pdf",
    "studentized_range_ppf",
    "duncan_protection",
    "duncan_critical_values",
    "snk_critical_values",
    "tukey_critical_value",
    "dunnett_cdf",
    "dunnett_sf",
    "dunnett_ppf",
    "cache_info",
    "clear_cache",
]
