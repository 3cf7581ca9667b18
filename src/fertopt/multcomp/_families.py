"""The means being compared: families from an ANOVA's data or from a published table.

A :class:`Family` is the set of means compared together: all levels of a
term, or with ``within=`` its levels within one slice (one family per
slice).  Its means, replications and plot standard deviations come from the
plots of an :class:`~fertopt.anova.AnovaResult`, or from the summary
statistics given to the ``*_from_means`` functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fertopt.exceptions import DataError, DesignError, OptionError

__all__ = ["Family", "family_from_means", "families_from_anova", "check_replicated"]


@dataclass
class Family:
    """Means compared together, with their replication and plot standard deviations.

    ``cov`` is the covariance of least-squares means (it includes the error mean square);
    ``None`` for arithmetic means, whose covariance is ``MSE · diag(1/n)``.
    """

    labels: list[str]
    means: np.ndarray
    n: np.ndarray
    sd: np.ndarray
    within: str | None = None
    cov: np.ndarray | None = None

    @property
    def balanced(self) -> bool:
        """Whether every treatment has the same number of plots."""
        return bool(np.all(self.n == self.n[0]))


# ---------------------------------------------------------------------------
# from a published table
# ---------------------------------------------------------------------------
def _as_series(values: Any, name: str, labels: list[str] | None) -> pd.Series:
    if isinstance(values, pd.Series):
        s = values.copy()
        s.index = [str(i) for i in s.index]
    elif isinstance(values, Mapping):
        s = pd.Series({str(k): v for k, v in values.items()})
    elif np.ndim(values) == 0:
        if labels is None:
            raise OptionError(f"`{name}` must list one value per treatment.")
        s = pd.Series([values] * len(labels), index=labels)
    else:
        arr = list(values)
        idx = labels if labels is not None else [str(i + 1) for i in range(len(arr))]
        if len(arr) != len(idx):
            raise OptionError(
                f"`{name}` has {len(arr)} values but there are {len(idx)} treatments; give one "
                "value per treatment, in the order of `means`."
            )
        s = pd.Series(arr, index=idx)
    try:
        s = s.astype(float)
    except (TypeError, ValueError):
        raise DataError(f"`{name}` holds values that are not numbers: {list(s)!r}.") from None
    if labels is not None:
        missing = [lb for lb in labels if lb not in s.index]
        if missing:
            raise OptionError(
                f"`{name}` has no value for treatment(s) {', '.join(map(repr, missing))}; give one "
                "value per treatment of `means`."
            )
        s = s.loc[labels]
    return s


def family_from_means(means, n, sd) -> Family:
    """The family of a published table: means, replication and (optional) plot SDs."""
    m = _as_series(means, "means", None)
    labels = list(m.index)
    if len(labels) < 2:
        raise DesignError("`means` holds fewer than 2 treatments; there is nothing to compare.")
    if len(set(labels)) != len(labels):
        raise DataError("`means` names a treatment twice; every treatment needs its own label.")
    if not np.all(np.isfinite(m.to_numpy())):
        bad = [lb for lb, v in m.items() if not np.isfinite(v)]
        raise DataError(f"`means` has missing or infinite values for {', '.join(map(repr, bad))}.")
    nn = _as_series(n, "n", labels).to_numpy()
    if np.any(~np.isfinite(nn)) or np.any(nn <= 0):
        raise DataError("`n` (plots per treatment) must be positive numbers.")
    sds = (
        _as_series(sd, "sd", labels).to_numpy() if sd is not None else np.full(len(labels), np.nan)
    )
    return Family(labels, m.to_numpy(dtype=float), nn.astype(float), sds)


def check_replicated(families: list[Family], where: str) -> None:
    """Refuse a treatment with a single plot: its mean carries no replication."""
    for fam in families:
        single = [lb for lb, v in zip(fam.labels, fam.n, strict=True) if v < 2]
        if single:
            inside = f" (within {fam.within})" if fam.within else ""
            raise DesignError(
                f"treatment {', '.join(map(repr, single))}{inside} has a single plot{where}: its "
                "mean carries no replication, so comparing it with others rests on the other "
                "treatments alone. Add its missing replicates (check for plots dropped as "
                "missing), or leave the treatment out of the comparison."
            )


# ---------------------------------------------------------------------------
# from the plots of an ANOVA
# ---------------------------------------------------------------------------
def families_from_anova(
    aov, parts: tuple[str, ...], within: tuple[str, ...]
) -> tuple[list[Family], int]:
    """Means of the levels of ``parts`` (one family per level of ``within``) and the plot count.

    The cells are the observed combinations of the levels, in the order of the levels (as a
    sorted, observed-only groupby would give them); means are computed with one compensating
    pass (the mean of the deviations from the first mean is added back) and standard
    deviations from the deviations, on numpy arrays of the ANOVA's categorical columns.
    """
    cols = list(within) + list(parts)
    data = aov.data
    cats = [data[c].cat.categories for c in cols]
    shape = tuple(len(c) for c in cats)
    flat = np.ravel_multi_index([data[c].cat.codes.to_numpy() for c in cols], shape)
    y = data[aov.response].to_numpy(dtype=float)
    cells, inv = np.unique(flat, return_inverse=True)
    inv = inv.ravel()
    n = np.bincount(inv).astype(float)
    mean = np.bincount(inv, weights=y) / n
    mean += np.bincount(inv, weights=y - mean[inv]) / n
    dev = y - mean[inv]
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt(np.bincount(inv, weights=dev * dev) / (n - 1))
    sd[n < 2] = np.nan
    level = np.unravel_index(cells, shape)
    text = [np.asarray(c, dtype=object).astype(str)[lv] for c, lv in zip(cats, level, strict=True)]
    k = len(within)
    labels = [":".join(row) for row in zip(*text[k:], strict=True)]
    if not within:
        return [Family(labels, mean, n, sd, None)], len(y)
    slices = [":".join(row) for row in zip(*text[:k], strict=True)]
    families = []
    for w in dict.fromkeys(slices):
        pick = np.array([s == w for s in slices])
        families.append(
            Family(
                [lb for lb, p in zip(labels, pick, strict=True) if p],
                mean[pick],
                n[pick],
                sd[pick],
                w,
            )
        )
    return families, len(y)
