"""Multiple comparisons of many balanced trials at once: decisions and letters as arrays.

For a chunk of trials with ``K`` treatments of ``R`` plots each, the means of
each trial are sorted exactly as :func:`fertopt.multcomp.duncan` sorts them
(by mean, ties in label order), every pair is decided against a critical
value computed once per ``(K, df)`` by :mod:`fertopt.distributions`, and the
letters come from agricolae's sweep run in lock-step over the trials, with
Piepho's letters (from :mod:`fertopt.multcomp.letters`) where the sweep's letters would
contradict the decisions.

Equivalence with the per-trial tests
------------------------------------
With equal replication the standard error of a pair is ``√(MSE / R)`` for
Duncan and Tukey and ``√(2 MSE / R)`` for LSD.  The per-trial test declares a
pair different when its p-value is below ``alpha``; p is a decreasing
function of the pair's statistic, so that is the same as the statistic
exceeding the critical value at ``alpha`` (for Duncan the critical value at
the pair's protection level ``1 − (1 − alpha)^(span − 1)``).  A trial with a
pair within 1e-9 (relative) of its critical value, or with two means equal to
rounding (whose order decides the spans), is handed back to the per-trial
path, where the p-value decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fertopt.multcomp import letters as cld  # compact letter display

__all__ = [
    "PosthocArrays",
    "posthoc_arrays",
    "critical_values",
    "LetterBook",
    "LabelOrder",
    "VECTORIZED_TESTS",
    "COMMON_SE_TESTS",
    "pair_variance",
]

#: The letter tests decided here as arrays.  The others of ``multcomp.LETTER_TESTS`` (REGWQ,
#: whose step-down ranges depend on each trial's order of means, and Waller–Duncan, whose
#: critical t depends on each trial's F ratio) are run on the per-trial path.
VECTORIZED_TESTS = frozenset({"duncan", "lsd", "tukey", "snk", "scheffe"})

_BOUNDARY = 1e-9
_TIE = 1e-12
_ONE = np.uint64(1)


def critical_values(test: str, k: int, df: float, alpha: float) -> np.ndarray:
    """Critical values of the statistic ``|diff| / √(MSE / n)`` per span 2..k.

    Duncan: ``Q⁻¹((1 − α)^(p − 1); p, df)``; SNK: ``Q⁻¹(1 − α; p, df)``;
    Tukey: ``Q⁻¹(1 − α; k, df)`` for every span; LSD: ``√2 · t(1 − α/2; df)``
    for every span; Scheffé: ``√(2 (k − 1) F(1 − α; k − 1, df))`` for every
    span (its pairs use ``√(2 MSE / n)``, and ``F = d² / ((k − 1) · 2 MSE / n)``).
    """
    from fertopt import distributions as dist

    if test == "duncan":
        return np.asarray(dist.duncan_critical_values(k, df, alpha), dtype=float)
    if test == "snk":
        return np.asarray(dist.snk_critical_values(k, df, alpha), dtype=float)
    if test == "scheffe":
        from scipy import special

        f = float(special.fdtri(k - 1, df, 1.0 - alpha))
        return np.full(k - 1, math.sqrt(2.0 * (k - 1) * f))
    if test == "tukey":
        return np.full(k - 1, float(dist.tukey_critical_value(k, df, alpha)))
    if test == "lsd":
        from scipy import special

        return np.full(k - 1, math.sqrt(2.0) * float(special.stdtrit(df, 1.0 - alpha / 2.0)))
    raise ValueError(test)  # pragma: no cover - checked by run_batch


class LetterBook:
    """Letter strings of bitsets, and Piepho letters of sweep-invalid patterns, cached."""

    def __init__(self) -> None:
        self._text: dict[int, str] = {}
        self._piepho: dict[bytes, list[str]] = {}
        self.names: list[str] = []
        self._code: dict[str, int] = {}

    def code(self, text: str) -> int:
        c = self._code.get(text)
        if c is None:
            c = self._code[text] = len(self.names)
            self.names.append(text)
        return c

    def codes_of_bits(self, bits: np.ndarray) -> np.ndarray:
        """Letter-string codes of bitsets (bit i = letter i of agricolae's pool)."""
        uniq, inverse = np.unique(bits, return_inverse=True)
        pool = cld.LOWERCASE
        codes = np.empty(len(uniq), dtype=np.int64)
        for i, b in enumerate(uniq.tolist()):
            text = self._text.get(b)
            if text is None:
                text = "".join(pool[j] for j in range(b.bit_length()) if (b >> j) & 1)
                self._text[b] = text
            codes[i] = self.code(text)
        return codes[inverse.reshape(bits.shape)]

    def piepho(self, separated: np.ndarray) -> np.ndarray:
        """Piepho letters (codes, by sorted position) of one trial's separation pattern."""
        key = np.packbits(separated).tobytes() + bytes([separated.shape[0]])
        letters = self._piepho.get(key)
        if letters is None:
            k = separated.shape[0]
            pool = cld.LOWERCASE
            letters = piepho_bits(separated, pool) if k < 63 else None
            if letters is None:  # more letters than symbols: the letters module explains
                letters, _ = cld.compact_letters(list(range(k)), ~separated)
            self._piepho[key] = letters
        return np.array([self.code(t) for t in letters], dtype=np.int64)


def _absorb_bits(columns: list[int]) -> list[int]:
    unique = list(dict.fromkeys(columns))
    return [c for c in unique if not any(c & o == c and c != o for o in unique)]


def _members(mask: int) -> tuple[int, ...]:
    return tuple(b for b in range(mask.bit_length()) if mask >> b & 1)


def _maximal_cliques(adjacent: list[int], n: int) -> list[int]:
    """Maximal cliques (bit masks) of a graph given as neighbour masks (Bron–Kerbosch, pivoting)."""
    out: list[int] = []

    def grow(r: int, p: int, x: int) -> None:
        if not p and not x:
            out.append(r)
            return
        pivot = (p | x).bit_length() - 1
        candidates = p & ~adjacent[pivot]
        while candidates:
            v = candidates.bit_length() - 1
            bit = 1 << v
            grow(r | bit, p & adjacent[v], x & adjacent[v])
            p &= ~bit
            x |= bit
            candidates &= ~bit

    grow(0, (1 << n) - 1, 0)
    return out


def piepho_bits(separated: np.ndarray, pool) -> list[str] | None:
    """:func:`fertopt.multcomp.letters.piepho_letters` with display order = position, on bit masks.

    Piepho's insert-absorb leaves exactly the maximal groups of treatments
    with no separated pair, the maximal cliques of the "not separated"
    graph, in an order that the following steps do not depend on (they sort
    the columns first); the cliques are found here directly
    (Bron–Kerbosch).  The sweep of redundant memberships and the ordering
    are those of :mod:`fertopt.multcomp.letters`, on bit masks.  Equal letters, tested against
    :mod:`fertopt.multcomp.letters` on random patterns.  ``None`` when more letters than symbols
    would be needed.
    """
    n = separated.shape[0]
    together = ~np.asarray(separated, dtype=bool)
    adjacent = [sum(1 << j for j in range(n) if j != i and together[i, j]) for i in range(n)]
    cols = sorted(_maximal_cliques(adjacent, n), key=_members)
    for ci in range(len(cols)):
        for t in _members(cols[ci]):
            bt = 1 << t
            union = 0
            elsewhere = False
            for cj, other in enumerate(cols):
                if cj != ci and other & bt:
                    union |= other
                    elsewhere = True
            if elsewhere and (cols[ci] & ~bt) & ~union == 0:
                cols[ci] &= ~bt
    kept = _absorb_bits([c for c in cols if c])
    kept.sort(key=_members)
    if len(kept) > len(pool):
        return None
    return ["".join(pool[i] for i, col in enumerate(kept) if col >> t & 1) for t in range(n)]


def _sweep(sep: np.ndarray) -> np.ndarray:
    """agricolae's orderPvalue sweep (as :func:`fertopt.multcomp.letters.sweep_letters`), batched.

    Many trials at once.

    ``sep`` is (trials, K, K), True where two sorted positions are separated.
    Returns letter bitsets per position.  A letter is appended to a position
    only as the newest letter, so "ends with the current letter" is "has its
    bit".  The anchor flag is not reset between passes and the walk stops
    after K passes, as in agricolae.
    """
    n_t, k, _ = sep.shape
    marks = np.zeros((n_t, k), dtype=np.uint64)
    marks[:, 0] = _ONE
    letter = np.zeros(n_t, dtype=np.int64)
    anchor = np.zeros(n_t, dtype=np.int64)
    moved = np.zeros(n_t, dtype=bool)
    passes = np.zeros(n_t, dtype=np.int64)
    pos = np.arange(k)
    active = np.flatnonzero(anchor < k - 1)
    while active.size:
        passes[active] += 1
        active = active[passes[active] <= k]
        if not active.size:
            break
        a = anchor[active]
        after = pos[None, :] >= a[:, None]
        row = sep[active, a, :] & after
        found = row.any(axis=1)
        first = np.where(found, row.argmax(axis=1), k)
        cur = np.left_shift(_ONE, letter[active].astype(np.uint64))
        span = after & (pos[None, :] < first[:, None])
        marks[active] |= np.where(span, cur[:, None], np.uint64(0))
        fa = active[found]
        if fa.size:
            letter[fa] += 1
            fi = first[found]
            marks[fa, fi] |= np.left_shift(_ONE, letter[fa].astype(np.uint64))
            af = anchor[fa]
            window = (pos[None, :] >= af[:, None]) & (pos[None, :] <= fi[:, None])
            not_sep = window & ~sep[fa, :, fi]
            stop = np.where(not_sep.any(axis=1), not_sep.argmax(axis=1), fi + 1)
            run = stop - af
            anchor[fa] += run
            moved[fa] = run > 0
        anchor[active] += ~moved[active]
        active = active[anchor[active] < k - 1]
    return marks


@dataclass
class PosthocArrays:
    """Decisions and letters of a chunk (entries per trial, or per trial × sorted position)."""

    order: np.ndarray  # (trials, K): treatment column at each sorted position
    letters: np.ndarray  # (trials, K): letter-string codes by sorted position
    method: np.ndarray  # (trials,) object: "agricolae" or "piepho"
    n_letters: np.ndarray  # (trials,) distinct letters used
    refer: np.ndarray  # (trials,) bool: hand to the per-trial path


def posthoc_arrays(
    test: str,
    means: np.ndarray,
    base: np.ndarray,
    mse: np.ndarray,
    r: int,
    crit: np.ndarray,
    book: LetterBook,
    pair_var: np.ndarray | None = None,
) -> PosthocArrays:
    """Letters of the trials of a chunk.

    ``means`` (trials, K) by treatment column; ``base`` (trials, K) the
    tie-breaking order of the columns (labels sorted as the per-trial test
    sorts them); ``crit`` the critical values per span 2..K, for the chunk
    (K − 1,) or per trial (trials, K − 1).  The standard error of a pair is
    ``√(MSE / r)``, or with ``pair_var`` (K, K) for the chunk or (trials, K, K)
    ``√(MSE · pair_var[a, b])`` (least-squares means of trials with missing
    plots: see :func:`pair_variance`).
    """
    n_t, k = means.shape
    mb = np.take_along_axis(means, base, axis=1)
    perm = np.argsort(-mb, axis=1, kind="stable")
    order = np.take_along_axis(base, perm, axis=1)
    ms = np.take_along_axis(means, order, axis=1)
    scale = np.abs(ms).max(axis=1)
    gaps = ms[:, :-1] - ms[:, 1:]
    refer = (gaps <= _TIE * np.maximum(scale, 1e-300)[:, None]).any(axis=1)
    ii, jj = np.triu_indices(k, 1)
    span = jj - ii + 1
    if pair_var is None:
        se = np.sqrt(mse / r)[:, None]
    elif pair_var.ndim == 2:
        se = np.sqrt(mse[:, None] * pair_var[order[:, ii], order[:, jj]])
    else:
        each = np.arange(n_t)[:, None]
        se = np.sqrt(mse[:, None] * pair_var[each, order[:, ii], order[:, jj]])
    limit = (crit[span - 2][None, :] if crit.ndim == 1 else crit[:, span - 2]) * se
    diff = ms[:, ii] - ms[:, jj]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = diff / limit
    refer |= (np.abs(ratio - 1.0) <= _BOUNDARY).any(axis=1)
    refer |= ~np.isfinite(se).all(axis=1) | ~(se > 0).all(axis=1)
    sep_pairs = diff > limit
    sep = np.zeros((n_t, k, k), dtype=bool)
    sep[:, ii, jj] = sep_pairs
    sep[:, jj, ii] = sep_pairs
    marks = _sweep(sep)
    share = (marks[:, :, None] & marks[:, None, :]) != 0
    valid = np.all(share == ~sep, axis=(1, 2)) & np.all(marks != 0, axis=1)
    letters = book.codes_of_bits(marks)
    method = np.full(n_t, "agricolae", dtype=object)
    n_letters = np.bitwise_count(np.bitwise_or.reduce(marks, axis=1)).astype(np.int64)
    for t in np.flatnonzero(~valid & ~refer):
        letters[t] = book.piepho(sep[t])
        method[t] = "piepho"
        n_letters[t] = len(set("".join(book.names[c] for c in letters[t])))
    return PosthocArrays(
        order=order, letters=letters, method=method, n_letters=n_letters, refer=refer
    )


#: Tests whose critical ranges use one standard error for all pairs under unequal
#: replication (their default ``replication="harmonic"``); the others use each pair's own.
COMMON_SE_TESTS = frozenset({"duncan", "snk"})


def pair_variance(test: str, pair_var: np.ndarray, common_var: float) -> np.ndarray:
    """``Var(m_a − m_b) / (2 MSE)`` of every pair as ``test`` uses it on least-squares means.

    Duncan and SNK (``replication="harmonic"``) use the average over all pairs
    for every pair; Tukey (``replication="kramer"``), LSD and Scheffé each
    pair's own variance.
    """
    if test in COMMON_SE_TESTS:
        return np.full_like(pair_var, common_var)
    return pair_var


def _tie_key(label: str) -> tuple[int, float]:
    try:
        return 0, float(label)
    except ValueError:
        return 1, 0.0


class LabelOrder:
    """Tie-breaking order of treatment labels, as the per-trial tests sort them.

    A trial whose labels all read as numbers sorts them numerically (ties by
    text); otherwise by text.
    """

    def __init__(self, names: np.ndarray) -> None:
        names = [str(n) for n in names]
        keys = [_tie_key(n) for n in names]
        self.numeric = np.array([k[0] == 0 for k in keys], dtype=bool)
        self.value = np.array([k[1] for k in keys], dtype=float)
        rank = np.empty(len(names), dtype=np.int64)
        rank[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
        self.text_rank = rank

    def base(self, codes: np.ndarray) -> np.ndarray:
        """(trials, K) column order for the label codes of each trial."""
        text = self.text_rank[codes]
        out = np.argsort(text, axis=1, kind="stable")
        numeric = self.numeric[codes].all(axis=1)
        if numeric.any():
            sub = np.flatnonzero(numeric)
            out[sub] = np.lexsort((text[sub], self.value[codes[sub]]), axis=-1)
        return out
