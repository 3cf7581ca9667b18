"""The Cate–Nelson quadrant methods: the graphical split (1965) and the ANOVA split (1971).

Both divide a scatter of relative yield (RY) against soil-test value (STV) into four quadrants
by a vertical line at the critical soil-test value (CSTV) and a horizontal line at a critical RY:

====  ==========================  ==========  ==================================
I     STV < CSTV, RY ≥ critical   negative    low test, yet no response
II    STV ≥ CSTV, RY ≥ critical   positive    high test, no response
III   STV ≥ CSTV, RY < critical   negative    high test, yet a response
IV    STV < CSTV, RY < critical   positive    low test, response
====  ==========================  ==========  ==================================

The functions here reproduce soiltestcorr 2.2.1 (``cate_nelson_1965``, ``cate_nelson_1971``)
step by step, including its choice of candidate lines and of the first line among ties, so that
the CSTV agrees exactly:

* **1965** (target RY given): the candidate CSTVs are the midpoints of the STVs of sites that
  are *adjacent in RY order* (sites sorted by RY, then STV; the first candidate is the smallest
  midpoint); the CSTV is the first candidate with the fewest sites in quadrants I and III.
* **1971**: the candidate CSTVs are the midpoints of adjacent STVs (sorted by STV, then RY);
  candidates 3 to n − 2 are tried, and the CSTV is the first that maximises the between-group
  sum of squares of RY for the split STV < candidate vs. the rest (the R² of that one-way
  ANOVA).  The critical RY is then chosen, as in 1965, as the first midpoint of adjacent RYs
  that leaves the fewest sites in quadrants I and III.  A candidate that leaves one side empty
  (possible only with tied STVs in a bootstrap resample) counts as a between-group SS of 0,
  where soiltestcorr stops with an error.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["cn1965_split", "cn1971_split", "between_ss", "quadrant_counts", "split_fit"]


def between_ss(y: np.ndarray, low: np.ndarray) -> float:
    """Between-group sum of squares of ``y`` for the split ``low`` vs. not ``low``."""
    n1 = int(low.sum())
    n2 = len(y) - n1
    if n1 == 0 or n2 == 0:
        return 0.0
    mean = y.mean()
    m1 = y[low].mean()
    m2 = y[~low].mean()
    return float(n1 * (m1 - mean) ** 2 + n2 * (m2 - mean) ** 2)


def _midpoints(v: np.ndarray) -> np.ndarray:
    """Midpoints of consecutive values; the first entry is the smallest midpoint."""
    out = np.empty(len(v))
    out[1:] = (v[1:] + v[:-1]) / 2
    out[0] = out[1:].min()
    return out


def _errors(x: np.ndarray, y: np.ndarray, xline: np.ndarray, yline: np.ndarray) -> np.ndarray:
    """Sites in quadrants I and III for each pair of lines (vectorised over the pairs)."""
    low = x[None, :] < np.asarray(xline)[:, None]
    high_ry = y[None, :] >= np.asarray(yline)[:, None]
    return ((low & high_ry) | (~low & ~high_ry)).sum(axis=1)


def cn1965_split(x: np.ndarray, y: np.ndarray, target: float) -> float:
    """The Cate–Nelson (1965) CSTV for a target RY, as soiltestcorr 2.2.1 finds it."""
    order = np.lexsort((x, y))  # by RY, then STV
    cand = _midpoints(x[order])
    err = _errors(x, y, cand, np.full(len(cand), target))
    return float(cand[int(np.argmin(err))])


def cn1971_split(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The Cate–Nelson (1971) CSTV and critical RY, as soiltestcorr 2.2.1 finds them."""
    n = len(x)
    order = np.lexsort((y, x))  # by STV, then RY
    xs, ys = x[order], y[order]
    clx = _midpoints(xs)
    ss = np.empty(n)
    for j in range(2, n - 2):
        ss[j] = between_ss(ys, xs < clx[j])
    inner = ss[2 : n - 2]
    ss[[0, 1, n - 2, n - 1]] = inner.min()
    cstv = float(clx[int(np.argmax(ss))])
    order_y = np.lexsort((x, y))
    cly = _midpoints(y[order_y])
    err = _errors(x, y, np.full(n, cstv), cly)
    return cstv, float(cly[int(np.argmin(err))])


def quadrant_counts(x: np.ndarray, y: np.ndarray, cstv: float, cryv: float) -> np.ndarray:
    """Sites in quadrants I, II, III and IV."""
    low = x < cstv
    high = y >= cryv
    return np.array(
        [
            int((low & high).sum()),
            int((~low & high).sum()),
            int((~low & ~high).sum()),
            int((low & ~high).sum()),
        ]
    )


def split_fit(x: np.ndarray, y: np.ndarray, cstv: float) -> dict[str, float]:
    """R², AIC, BIC and RMSE of the one-way ANOVA of RY on the split at ``cstv``.

    The AIC and BIC are R's for ``lm(ry ~ group)`` (3 parameters: two means and σ).
    """
    n = len(y)
    low = x < cstv
    sst = float(((y - y.mean()) ** 2).sum())
    ssb = between_ss(y, low)
    rss = sst - ssb
    groups = 2 if 0 < int(low.sum()) < n else 1
    k = groups + 1
    loglik = -0.5 * n * (math.log(2 * math.pi) + math.log(rss / n) + 1) if rss > 0 else math.inf
    return {
        "r_squared": ssb / sst if sst > 0 else math.nan,
        "aic": -2 * loglik + 2 * k,
        "bic": -2 * loglik + math.log(n) * k,
        "rmse": math.sqrt(rss / n),
    }
