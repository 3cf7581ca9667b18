"""The numerical core of :func:`fertopt.anova.anova`: factor coding, orthogonal projections.

Each term's columns are orthogonalised against the terms before it (:func:`increment`) and
reduced by a singular value decomposition; a term's sum of squares is the squared length of
the response's projection on them (:func:`fit_terms`, types I, II and III).  Also the
assumption checks on the residuals (:func:`assumption_checks`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

Term = tuple[Hashable, ...]


def term_name(term: Term) -> str:
    return ":".join(str(t) for t in term)


def coding(cat: pd.Categorical, contrasts: str) -> np.ndarray:
    """Treatment (first level dropped) or sum-to-zero coding of one factor."""
    codes = np.asarray(cat.codes)
    k = len(cat.categories)
    n = codes.shape[0]
    X = np.zeros((n, k - 1))
    if contrasts == "treatment":
        rows = codes > 0
        X[np.flatnonzero(rows), codes[rows] - 1] = 1.0
    else:
        rows = codes < k - 1
        X[np.flatnonzero(rows), codes[rows]] = 1.0
        X[codes == k - 1, :] = -1.0
    return X


def term_columns(term: Term, codings: dict[Hashable, np.ndarray]) -> np.ndarray:
    """Columns of a term: products of the columns of its factors."""
    X = codings[term[0]]
    for factor in term[1:]:
        Y = codings[factor]
        X = (X[:, :, None] * Y[:, None, :]).reshape(X.shape[0], -1)
    return X


def increment(Q: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Orthonormal basis of the part of span(X) orthogonal to span(Q)."""
    if X.shape[1] == 0:
        return X
    Z = X - Q @ (Q.T @ X)
    Z -= Q @ (Q.T @ Z)  # second pass keeps orthogonality to working precision
    scale = float(np.sqrt((X * X).sum(axis=0)).max())
    U, s, _ = np.linalg.svd(Z, full_matrices=False)
    return U[:, s > 1e-9 * max(scale, 1.0)]


def basis(n: int, blocks: Sequence[np.ndarray]) -> np.ndarray:
    Q = np.full((n, 1), 1.0 / math.sqrt(n))
    for X in blocks:
        U = increment(Q, X)
        Q = np.hstack([Q, U])
    return Q


def squared_norm(v: np.ndarray) -> float:
    return math.fsum(float(x) for x in (v * v).ravel())


def shift(y: np.ndarray) -> np.ndarray:
    """Centre y accurately: subtract a data value (exact), then the mean of the rest."""
    c = np.sort(y)[y.shape[0] // 2]
    d = y - c
    return d - math.fsum(d) / d.shape[0]


def fit_terms(
    e: np.ndarray, terms: Sequence[Term], codings_t: dict, codings_s: dict, ss_type: int
) -> tuple[list[tuple[float, float]], np.ndarray, int]:
    """(df, ss) per term, residual vector and model rank, for centred response ``e``."""
    n = e.shape[0]
    columns_t = [term_columns(t, codings_t) for t in terms]
    Q = np.full((n, 1), 1.0 / math.sqrt(n))
    seq = []
    for X in columns_t:
        U = increment(Q, X)
        seq.append((float(U.shape[1]), squared_norm(U.T @ e)))
        Q = np.hstack([Q, U])
    resid = e - Q @ (Q.T @ e)
    resid -= Q @ (Q.T @ resid)
    rank = Q.shape[1]
    if ss_type == 1:
        return seq, resid, rank
    out = []
    if ss_type == 2:
        for i, t in enumerate(terms):
            base = [columns_t[j] for j, s in enumerate(terms) if j != i and not set(t) <= set(s)]
            U = increment(basis(n, base), columns_t[i])
            out.append((float(U.shape[1]), squared_norm(U.T @ e)))
    else:
        columns_s = [term_columns(t, codings_s) for t in terms]
        for i in range(len(terms)):
            base = [columns_s[j] for j in range(len(terms)) if j != i]
            U = increment(basis(n, base), columns_s[i])
            out.append((float(U.shape[1]), squared_norm(U.T @ e)))
    return out, resid, rank


# ---------------------------------------------------------------------------
# assumption checks
# ---------------------------------------------------------------------------
def assumption_checks(resid: np.ndarray, groups: np.ndarray, scale: float) -> pd.DataFrame:
    from scipy import stats

    names = {
        "normality": "Shapiro-Wilk (normality)",
        "levene": "Levene / Brown-Forsythe (equal variances)",
        "bartlett": "Bartlett (equal variances)",
    }
    rows = []
    spread = float(np.ptp(resid)) if resid.size else 0.0
    degenerate = spread <= 1e-12 * max(scale, 1e-300)
    if resid.size < 3 or degenerate:
        rows.append(
            (names["normality"], np.nan, np.nan, "not computed: too few or constant residuals")
        )
    elif resid.size > 5000:
        rows.append((names["normality"], np.nan, np.nan, "not computed: more than 5000 residuals"))
    else:
        w = stats.shapiro(resid)
        rows.append((names["normality"], float(w.statistic), float(w.pvalue), ""))
    grouped = Grouped(resid, groups)
    small = grouped.n.min() < 2
    if grouped.k < 2 or small or degenerate:
        note = "not computed: a treatment has fewer than 2 plots" if small else "not computed"
        rows.append((names["levene"], np.nan, np.nan, note))
        rows.append((names["bartlett"], np.nan, np.nan, note))
    else:
        stat, p = brown_forsythe(grouped)
        note = ""
        if not np.isfinite(stat):
            # with two plots per treatment both lie equally far from their median,
            # so the deviations have no spread within treatments and the test is undefined
            stat, p, note = np.nan, np.nan, "not computed: needs 3 or more plots per treatment"
        rows.append((names["levene"], stat, p, note))
        if np.any(grouped.spread() <= 1e-12 * scale):
            rows.append(
                (names["bartlett"], np.nan, np.nan, "not computed: a treatment has no spread")
            )
        else:
            stat, p = bartlett(grouped)
            rows.append((names["bartlett"], stat, p, ""))
    test, statistic, p_value, note = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "test": list(test),
            "statistic": np.array(statistic, dtype=float),
            "p": np.array(p_value, dtype=float),
            "note": list(note),
        }
    )


class Grouped:
    """Values sorted by group, then by value: each group's size, sum, median and range come
    from one sort and a few bincounts instead of one small array per group.

    Examples
    --------
    >>> g = Grouped(np.array([3.0, 1.0, 2.0, 10.0, 14.0]), np.array([0, 0, 0, 5, 5]))
    >>> g.k, g.n.tolist(), g.medians().tolist(), g.spread().tolist()
    (2, [3, 2], [2.0, 12.0], [2.0, 4.0])
    """

    def __init__(self, values: np.ndarray, groups: np.ndarray) -> None:
        _, codes = np.unique(groups, return_inverse=True)
        codes = codes.ravel()
        order = np.lexsort((values, codes))
        self.values = np.asarray(values, dtype=float)[order]
        self.codes = codes[order]
        self.n = np.bincount(self.codes)
        self.k = len(self.n)
        self.start = np.concatenate(([0], np.cumsum(self.n)[:-1]))

    def means(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.codes, weights=values, minlength=self.k) / self.n

    def medians(self) -> np.ndarray:
        """Each group's median, as ``np.median`` takes it (the mean of the two middle values)."""
        lo = self.values[self.start + (self.n - 1) // 2]
        hi = self.values[self.start + self.n // 2]
        return (lo + hi) / 2.0

    def spread(self) -> np.ndarray:
        """Each group's range (largest minus smallest value)."""
        return self.values[self.start + self.n - 1] - self.values[self.start]


def brown_forsythe(grouped: Grouped) -> tuple[float, float]:
    """Levene's test centred on the medians (Brown–Forsythe): ``(W, p)``.

    The one-way ANOVA F of the absolute deviations from each group's median, as
    ``scipy.stats.levene(..., center="median")`` and R's ``car::leveneTest`` compute it
    (written out: scipy's wrapper costs more than the arithmetic on a trial's plots).
    """
    from scipy.special import fdtrc

    k, n = grouped.k, grouped.n.astype(float)
    z = np.abs(grouped.values - grouped.medians()[grouped.codes])
    means = grouped.means(z)
    total = float(n.sum())
    grand = float((n * means).sum() / total)
    between = float((n * (means - grand) ** 2).sum())
    within = float(np.sum((z - means[grouped.codes]) ** 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.float64((total - k) / (k - 1) * between) / np.float64(within)
    if not np.isfinite(w):
        return float("nan"), float("nan")
    return float(w), float(fdtrc(k - 1, total - k, w))


def bartlett(grouped: Grouped) -> tuple[float, float]:
    """Bartlett's test of equal variances: ``(T, p)``, as ``scipy.stats.bartlett``."""
    from scipy.special import chdtrc

    k, n = grouped.k, grouped.n.astype(float)
    x = grouped.values
    dev = x - grouped.means(x)[grouped.codes]
    var = np.bincount(grouped.codes, weights=dev * dev, minlength=k) / (n - 1)
    total = float(n.sum())
    pooled = float(((n - 1) * var).sum() / (total - k))
    num = (total - k) * math.log(pooled) - float(((n - 1) * np.log(var)).sum())
    den = 1.0 + (float((1.0 / (n - 1)).sum()) - 1.0 / (total - k)) / (3.0 * (k - 1))
    t = num / den
    return float(t), float(chdtrc(k - 1, t))
