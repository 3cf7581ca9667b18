"""The pairwise engines: every pair of one family of means, tested.

A *family* is the set of means compared together: all levels of a term, or
its levels within one slice (``within=``).  :func:`compare_family` orders
the means, forms the pairs (all pairs, or each treatment against the control
for Dunnett's test), hands them to the engine of the test and returns the
pairs table, the critical-value table and which means the test did not
separate.

Each engine gives, for every pair, the statistic, its standard error, the
p-value the decision rests on and the critical range at ``alpha``, plus the
table of critical values.  The p-values do not depend on ``alpha``, so the
capitals at a stricter level come from the same p-values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from fertopt.multcomp._families import Family
from fertopt.multcomp.regwq import regwq_critical_values, regwq_levels, regwq_p_values
from fertopt.multcomp.waller import waller_t

__all__ = ["Outcome", "compare_family", "harmonic_mean"]


@dataclass
class Outcome:
    """One family, tested: the columns of its tables (the result lays them out as frames when
    they are first read) and the ``same`` matrices the letters are built from."""

    pairs: dict[str, Any]
    critical: dict[str, Any]
    same: np.ndarray  # k x k: not separated at alpha
    same_capitals: np.ndarray | None
    order: list[int]


# ---------------------------------------------------------------------------
# small numerical helpers
# ---------------------------------------------------------------------------
def _adjust(p: np.ndarray, method: str | None) -> np.ndarray:
    """p-value adjustment over one family (as R ``p.adjust``; Šidák single-step)."""
    p = np.asarray(p, dtype=float)
    m = len(p)
    if method is None or m == 0:
        return p.copy()
    if method == "bonferroni":
        return np.minimum(1.0, p * m)
    if method == "sidak":
        return -np.expm1(m * np.log1p(-np.minimum(p, 1.0)))
    if method == "holm":
        order = np.argsort(p, kind="stable")
        adj = np.maximum.accumulate((m - np.arange(m)) * p[order])
        out = np.empty(m)
        out[order] = np.minimum(1.0, adj)
        return out
    if method == "fdr_bh":
        order = np.argsort(p, kind="stable")[::-1]
        ranks = m - np.arange(m)  # ranks of the decreasing p-values
        adj = np.minimum.accumulate(m / ranks * p[order])
        out = np.empty(m)
        out[order] = np.minimum(1.0, adj)
        return out
    raise ValueError(method)  # pragma: no cover - checked before


def _per_comparison_level(alpha: float, m: int, method: str | None) -> float:
    """Per-comparison level whose adjusted value is alpha when all p are equal (agricolae's MSD)."""
    if method in ("bonferroni", "holm"):
        return alpha / m
    if method == "sidak":
        return -math.expm1(math.log1p(-alpha) / m)
    return alpha


def _t_quantile(prob: float, df: float) -> float:
    from scipy import special

    return float(special.stdtrit(df, prob)) if math.isfinite(df) else float(special.ndtri(prob))


def _t_sf(t: np.ndarray, df: float) -> np.ndarray:
    from scipy import special

    return special.stdtr(df, -t) if math.isfinite(df) else special.ndtr(-t)


def harmonic_mean(n: np.ndarray) -> float:
    return float(len(n) / np.sum(1.0 / n))


def _reference_n(n: np.ndarray) -> float:
    """The replication of the critical-value table: the common n, else its harmonic mean."""
    return float(n[0]) if np.all(n == n[0]) else harmonic_mean(n)


def _tie_key(label: str) -> tuple:
    """agricolae orders treatments by their sorted labels before sorting means (ties)."""
    try:
        return (0, float(label), "")
    except ValueError:
        return (1, 0.0, label)


def _display_order(means: np.ndarray, labels: Sequence[str], descending: bool) -> list[int]:
    """Indices sorted by mean; ties keep agricolae's order (labels sorted, numbers numerically)."""
    numeric = all(_tie_key(lb)[0] == 0 for lb in labels)
    base = sorted(
        range(len(labels)), key=lambda i: _tie_key(labels[i]) if numeric else (1, 0.0, labels[i])
    )
    sign = -1.0 if descending else 1.0
    return sorted(base, key=lambda i: sign * means[i])


def _ranks(order: list[int]) -> np.ndarray:
    """Position of each mean in the display order."""
    rank = np.empty(len(order), dtype=int)
    rank[np.asarray(order)] = np.arange(len(order))
    return rank


def _stepdown(p_pair: np.ndarray, order: list[int], ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
    """Protected p: the largest p of all contiguous ranges (in mean order) containing the pair."""
    k = len(order)
    rank = _ranks(order)
    mat = np.zeros((k, k))
    lo = np.minimum(rank[ii], rank[jj])
    hi = np.maximum(rank[ii], rank[jj])
    mat[lo, hi] = p_pair
    prot = mat.copy()
    for width in range(k - 1, 0, -1):  # widest ranges first
        for a in range(0, k - width):
            b = a + width
            best = mat[a, b]
            if a > 0:
                best = max(best, prot[a - 1, b])
            if b < k - 1:
                best = max(best, prot[a, b + 1])
            prot[a, b] = best
    return prot[lo, hi]


def _same_matrix(k: int, ii: np.ndarray, jj: np.ndarray, separated: np.ndarray) -> np.ndarray:
    same = np.ones((k, k), dtype=bool)
    same[ii[separated], jj[separated]] = False
    same[jj[separated], ii[separated]] = False
    return same


def _critical_table(span, protection, quantile, critical_range) -> dict[str, Any]:
    """The columns of the table of critical values."""
    return {
        "span": np.asarray(span),
        "protection": np.asarray(protection, dtype=float),
        "quantile": np.asarray(quantile, dtype=float),
        "critical_range": np.asarray(critical_range, dtype=float),
    }


# ---------------------------------------------------------------------------
# the engines, one per test
# ---------------------------------------------------------------------------
@dataclass
class _PairSet:
    """The pairs of one family: treatment ``a[i]`` against treatment ``b[i]``."""

    fam: Family
    order: list[int]
    a: np.ndarray
    b: np.ndarray

    @property
    def k(self) -> int:
        return len(self.fam.labels)

    @property
    def diff(self) -> np.ndarray:
        return self.fam.means[self.a] - self.fam.means[self.b]

    @property
    def inverse_n(self) -> np.ndarray:
        """``1/n_a + 1/n_b`` of each pair."""
        return 1.0 / self.fam.n[self.a] + 1.0 / self.fam.n[self.b]

    def var_diff(self, mse: float) -> np.ndarray:
        """Variance of each pair's difference: ``MSE (1/n_a + 1/n_b)`` for arithmetic means,
        ``V_aa + V_bb − 2 V_ab`` from the covariance of least-squares means."""
        cov = self.fam.cov
        if cov is None:
            return mse * self.inverse_n
        a, b = self.a, self.b
        return cov[a, a] + cov[b, b] - 2.0 * cov[a, b]

    def common_var(self, mse: float) -> float:
        """Variance of one mean for the table of critical ranges: ``MSE / n`` for the common
        (or harmonic-mean) replication; for LS-means half the average variance of the
        differences of all pairs, which is ``MSE / n_h`` again for arithmetic means."""
        cov = self.fam.cov
        if cov is None:
            return mse / _reference_n(self.fam.n)
        k = self.k
        ii, jj = np.triu_indices(k, 1)
        return float(np.mean(cov[ii, ii] + cov[jj, jj] - 2.0 * cov[ii, jj])) / 2.0

    @property
    def span(self) -> np.ndarray:
        """Number of means from a to b in the sorted order, both included."""
        rank = _ranks(self.order)
        return np.abs(rank[self.a] - rank[self.b]) + 1


class _Decisions(NamedTuple):
    statistic: np.ndarray
    se: np.ndarray
    p: np.ndarray
    critical_range: np.ndarray  # of each pair, at alpha
    critical: dict[str, Any]  # the columns of the table of critical values
    decided: np.ndarray | None = None  # decisions not made from p (Waller–Duncan)


def _range_se(pairs: _PairSet, mse: float, replication: str | None) -> np.ndarray:
    """SE of the studentized range: harmonic-mean replication or each pair's own (Kramer).

    For LS-means the "harmonic" SE is one for all pairs, from the average variance of the
    differences, and Kramer's is each pair's own ``√(Var(d) / 2)`` (emmeans' Tukey test).
    """
    if replication == "harmonic":
        return np.full(len(pairs.a), math.sqrt(pairs.common_var(mse)))
    if pairs.fam.cov is None:
        return np.sqrt(mse * 0.5 * pairs.inverse_n)
    return np.sqrt(0.5 * pairs.var_diff(mse))


def _multiple_range(
    test: str,
    pairs: _PairSet,
    *,
    mse: float,
    df: float,
    alpha: float,
    replication: str | None,
    stepdown: bool,
) -> _Decisions:
    """Duncan's and the Student-Newman-Keuls test: one critical range per span of means."""
    from fertopt import distributions as _dist

    k, span = pairs.k, pairs.span
    se = _range_se(pairs, mse, replication)
    stat = np.abs(pairs.diff) / se
    if test == "Duncan":
        qs = _dist.duncan_critical_values(k, df, alpha)
        protection = _dist.duncan_protection(k, alpha)
    else:
        qs = _dist.snk_critical_values(k, df, alpha)
        protection = np.full(k - 1, 1.0 - alpha)
    sf = np.asarray(_dist.studentized_range_sf(stat, span, df))
    if test == "Duncan":
        # P = 1 − F(stat; p)^(1/(p−1)), written to keep small p-values exact
        with np.errstate(divide="ignore"):  # equal means: sf = 1, p = 1
            p = -np.expm1(np.log1p(-np.minimum(sf, 1.0)) / (span - 1.0))
    else:
        p = sf
    if stepdown:
        p = _stepdown(p, pairs.order, pairs.a, pairs.b)
    table = _critical_table(
        np.arange(2, k + 1), protection, qs, qs * math.sqrt(pairs.common_var(mse))
    )
    return _Decisions(stat, se, p, qs[span - 2] * se, table)


def _tukey(
    pairs: _PairSet, *, mse: float, df: float, alpha: float, replication: str | None
) -> _Decisions:
    """Tukey's HSD: one studentized-range critical value for all pairs."""
    from fertopt import distributions as _dist

    k = pairs.k
    se = _range_se(pairs, mse, replication)
    stat = np.abs(pairs.diff) / se
    q = _dist.tukey_critical_value(k, df, alpha)
    p = np.asarray(_dist.studentized_range_sf(stat, k, df))
    table = _critical_table([k], [1.0 - alpha], [q], [q * math.sqrt(pairs.common_var(mse))])
    return _Decisions(stat, se, p, q * se, table)


def _regwq(
    pairs: _PairSet,
    *,
    mse: float,
    df: float,
    alpha: float,
    replication: str | None,
    stepdown: bool,
) -> _Decisions:
    """REGWQ: the SNK ranges at the levels 1 − (1 − α)^(p/k), critical values made monotone."""
    k, span = pairs.k, pairs.span
    se = _range_se(pairs, mse, replication)
    stat = np.abs(pairs.diff) / se
    _, qs = regwq_critical_values(k, df, alpha)
    p = regwq_p_values(stat, span, k, df)
    if stepdown:
        p = _stepdown(p, pairs.order, pairs.a, pairs.b)
    table = _critical_table(
        np.arange(2, k + 1),
        1.0 - regwq_levels(k, alpha),
        qs,
        qs * math.sqrt(mse / _reference_n(pairs.fam.n)),
    )
    return _Decisions(stat, se, p, qs[span - 2] * se, table)


def _waller(
    pairs: _PairSet, *, mse: float, df: float, k_ratio: float, f_value: float, replication: str
) -> _Decisions:
    """Waller–Duncan: t tests against the Bayesian critical t_B(K, F, k − 1, ν)."""
    t_b = waller_t(k_ratio, pairs.k - 1, df, f_value)
    if replication == "harmonic":
        se = np.full(len(pairs.a), math.sqrt(2.0 * mse / _reference_n(pairs.fam.n)))
    else:
        se = np.sqrt(mse * pairs.inverse_n)
    t = pairs.diff / se
    table = {
        "span": np.array([pairs.k]),
        "k_ratio": np.array([float(k_ratio)]),
        "f_value": np.array([float(f_value)]),
        "quantile": np.array([t_b], dtype=float),
        "critical_range": np.array([t_b * math.sqrt(2.0 * mse / _reference_n(pairs.fam.n))]),
    }
    return _Decisions(t, se, np.full(len(t), np.nan), t_b * se, table, np.abs(t) > t_b)


def _lsd(
    pairs: _PairSet, *, mse: float, df: float, alpha: float, p_adjust: str | None
) -> _Decisions:
    """Fisher's LSD: t tests, p-values adjusted over the family."""
    se = np.sqrt(pairs.var_diff(mse))
    t = pairs.diff / se
    p = _adjust(2.0 * _t_sf(np.abs(t), df), p_adjust)
    x = _per_comparison_level(alpha, len(pairs.a), p_adjust)
    tq = _t_quantile(1.0 - x / 2.0, df)
    table = _critical_table([2], [1.0 - x], [tq], [tq * math.sqrt(2.0 * pairs.common_var(mse))])
    return _Decisions(t, se, p, tq * se, table)


def _scheffe(pairs: _PairSet, *, mse: float, df: float, alpha: float) -> _Decisions:
    """Scheffé's test: F with k − 1 numerator degrees of freedom."""
    from scipy import special

    k = pairs.k
    se = np.sqrt(pairs.var_diff(mse))
    fstat = pairs.diff**2 / ((k - 1) * se**2)
    p = (
        special.fdtrc(k - 1, df, fstat)
        if math.isfinite(df)
        else special.chdtrc(k - 1, fstat * (k - 1))
    )
    fq = (
        special.fdtri(k - 1, df, 1.0 - alpha)
        if math.isfinite(df)
        else special.chdtri(k - 1, alpha) / (k - 1)
    )
    sq = math.sqrt((k - 1) * fq)
    table = _critical_table([k], [1.0 - alpha], [sq], [sq * math.sqrt(2.0 * pairs.common_var(mse))])
    return _Decisions(fstat, se, p, sq * se, table)


def _dunnett(
    pairs: _PairSet, *, mse: float, df: float, alpha: float, alternative: str
) -> _Decisions:
    """Dunnett's test: each treatment against the control (``b`` is the control in every pair)."""
    from fertopt import distributions as _dist

    n, c = pairs.fam.n, pairs.b[0]
    n_t = n[pairs.a]
    var = pairs.var_diff(mse)
    se = np.sqrt(var)
    t = pairs.diff / se
    cov = pairs.fam.cov
    if cov is None:
        kw = dict(n=n_t, n_control=n[c], df=df, alternative=alternative)
        typical = mse * (1.0 / _reference_n(n_t) + 1.0 / n[c])
    else:
        # covariance of the contrasts m_a − m_c, then their correlation
        a = pairs.a
        cc = cov[np.ix_(a, a)] - cov[a, c][:, None] - cov[c, a][None, :] + cov[c, c]
        kw = dict(corr=cc / np.outer(se, se), df=df, alternative=alternative)
        typical = float(np.mean(var))
    p = np.asarray(_dist.dunnett_sf(t, **kw), dtype=float)
    q = _dist.dunnett_ppf(1.0 - alpha, **kw)
    table = _critical_table([pairs.k], [1.0 - alpha], [q], [q * math.sqrt(typical)])
    return _Decisions(t, se, p, q * se, table)


# ---------------------------------------------------------------------------
# one family
# ---------------------------------------------------------------------------
def compare_family(
    test: str,
    fam: Family,
    *,
    mse: float,
    df: float,
    alpha: float,
    alpha_capitals: float | None,
    descending: bool,
    p_adjust: str | None = None,
    replication: str | None = None,
    stepdown: bool = False,
    control: str | None = None,
    alternative: str = "two-sided",
    k_ratio: float | None = None,
    f_value: float | None = None,
) -> Outcome:
    """Test every pair of one family at ``alpha`` (and ``alpha_capitals``)."""
    k = len(fam.labels)
    order = _display_order(fam.means, fam.labels, descending)
    if test == "Dunnett":
        c = fam.labels.index(control)  # checked before
        a = np.array([i for i in range(k) if i != c])
        b = np.full(len(a), c)
    else:
        a, b = np.triu_indices(k, 1)
    pairs = _PairSet(fam, order, a, b)
    error = dict(mse=mse, df=df, alpha=alpha)
    if test in ("Duncan", "SNK"):
        tested = _multiple_range(test, pairs, **error, replication=replication, stepdown=stepdown)
    elif test == "REGWQ":
        tested = _regwq(pairs, **error, replication=replication, stepdown=stepdown)
    elif test == "Waller":
        tested = _waller(
            pairs,
            mse=mse,
            df=df,
            k_ratio=float(k_ratio),
            f_value=float(f_value),
            replication=str(replication),
        )
    elif test == "Tukey":
        tested = _tukey(pairs, **error, replication=replication)
    elif test == "LSD":
        tested = _lsd(pairs, **error, p_adjust=p_adjust)
    elif test == "Scheffe":
        tested = _scheffe(pairs, **error)
    else:
        tested = _dunnett(pairs, **error, alternative=alternative)
    diff, crit = pairs.diff, tested.critical_range
    ci_low, ci_high = diff - crit, diff + crit
    if alternative == "greater":
        ci_high = np.full(len(diff), np.inf)
    elif alternative == "less":
        ci_low = np.full(len(diff), -np.inf)
    significant = tested.decided if tested.decided is not None else tested.p < alpha
    table = {
        "treatment_a": [fam.labels[i] for i in a],
        "treatment_b": [fam.labels[j] for j in b],
        "diff": diff,
        "se": tested.se,
        "statistic": tested.statistic,
        "critical_range": crit,
        "p": tested.p,
        "significant": significant,
        "ci_low": ci_low,
        "ci_high": ci_high,
    }
    same_capitals = None
    if alpha_capitals is not None and tested.decided is None:
        same_capitals = _same_matrix(k, a, b, tested.p < alpha_capitals)
    return Outcome(table, tested.critical, _same_matrix(k, a, b, significant), same_capitals, order)
