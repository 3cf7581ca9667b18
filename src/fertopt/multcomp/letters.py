"""Compact letter displays: letters that summarise all pairwise decisions.

Two treatments share a letter exactly when the test did not separate them.
Two algorithms are provided:

``sweep_letters``
    the anchor sweep of ``agricolae::orderPvalue`` (agricolae 1.3-7), which
    is what agronomists see in published tables.  It walks down the means
    from an anchor and opens a new letter at the first treatment that differs
    from the anchor.  It assumes that decisions are monotone along the sorted
    means, which fails for unequal replication and for range tests, and then
    its letters contradict the decisions.
``piepho_letters``
    Piepho's (2004) insert-absorb algorithm followed by his sweep of
    redundant letters: always valid, usually minimal.

:func:`compact_letters` uses the agricolae sweep and checks its result
against the decisions; when it is not valid it switches to Piepho's letters
and says so.  Letters are relabelled so that ``a`` goes to the first
treatment in the given order (the highest mean, by default).

References
----------
Piepho, H.-P. (2004). An algorithm for a letter-based representation of
all-pairwise comparisons. *Journal of Computational and Graphical
Statistics* 13(2), 456-466.

Examples
--------
>>> import numpy as np
>>> same = np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 1, 1, 1], [0, 0, 1, 1]], dtype=bool)
>>> compact_letters([0, 1, 2, 3], same)
(['a', 'ab', 'bc', 'c'], 'agricolae')
"""

from __future__ import annotations

import string
from collections.abc import Sequence

import numpy as np

from fertopt.exceptions import DesignError

__all__ = [
    "LOWERCASE",
    "CAPITALS",
    "sweep_letters",
    "piepho_letters",
    "letters_valid",
    "compact_letters",
]

#: Letters in the order agricolae uses them (a–z, A–Z, 1–9, then punctuation).
LOWERCASE: tuple[str, ...] = tuple(
    list(string.ascii_lowercase)
    + list(string.ascii_uppercase)
    + [str(i) for i in range(1, 10)]
    + [
        ".",
        "+",
        "-",
        "*",
        "/",
        "#",
        "$",
        "%",
        "&",
        "^",
        "[",
        "]",
        ":",
        "@",
        ";",
        "_",
        "?",
        "!",
        "=",
    ]
)
#: Letters for the second (stricter) level of a dual display: A–Z, then 1–9 and punctuation.
CAPITALS: tuple[str, ...] = tuple(list(string.ascii_uppercase) + list(LOWERCASE[52:]))


def _as_same(same: np.ndarray) -> np.ndarray:
    same = np.asarray(same, dtype=bool).copy()
    np.fill_diagonal(same, True)
    return same


def _labels(count: int, pool: Sequence[str]) -> list[str]:
    if count > len(pool):
        raise DesignError(
            f"the letter display needs {count} letters but only {len(pool)} symbols are available; "
            "with this many distinct groups read the `pairs` table instead of the letters."
        )
    return list(pool[:count])


def sweep_letters(
    order: Sequence[int], same: np.ndarray, pool: Sequence[str] = LOWERCASE
) -> list[str]:
    """Letters of agricolae's ``orderPvalue`` sweep (agricolae 1.3-7).

    Parameters
    ----------
    order : sequence of int
        Treatment indices in display order (decreasing means for agricolae;
        ties in their original order).
    same : (k, k) array of bool
        ``True`` where two treatments were *not* separated by the test.
    pool : sequence of str
        Letter symbols, used in order.

    Returns
    -------
    list of str
        Letters per treatment, indexed like ``same``.

    Notes
    -----
    The walk, in the order given: the first treatment gets the first letter
    and is the anchor.  Walking down from the anchor, every treatment not
    separated from the anchor gets the current letter (unless its letters
    already end with it).  At the first treatment separated from the anchor
    a new letter is opened for that treatment; the anchor then moves down
    past every treatment, starting at the old anchor, that is separated from
    the new one.  As in agricolae, the flag that moves the anchor is not
    reset between passes and the walk stops after as many passes as there
    are treatments; both details change the letters in some designs and are
    kept so that results match.
    """
    order = list(order)
    n = len(order)
    same = _as_same(same)
    marks = [""] * n  # by position in `order`
    letter = 0
    marks[0] = pool[0]
    anchor = 0
    moved = False
    passes = 0
    while anchor < n - 1:
        passes += 1
        if passes > n:
            break
        for i in range(anchor, n):
            if same[order[i], order[anchor]]:
                if not marks[i].endswith(pool[letter]):
                    marks[i] += pool[letter]
            else:
                letter += 1
                if letter >= len(pool):
                    raise DesignError(
                        f"the letter display needs more than {len(pool)} letters; with this "
                        "many distinct groups read the `pairs` table instead of the letters."
                    )
                marks[i] += pool[letter]
                moved = False
                for v in range(anchor, i + 1):
                    if not same[order[v], order[i]]:
                        anchor += 1
                        moved = True
                    else:
                        break
                break
        if not moved:
            anchor += 1
    out = [""] * n
    for pos, idx in enumerate(order):
        out[idx] = marks[pos]
    return out


def _absorb(columns: list[frozenset[int]]) -> list[frozenset[int]]:
    """Drop columns contained in another column (and duplicates), keeping order."""
    unique = list(dict.fromkeys(columns))
    return [c for c in unique if not any(c < other for other in unique)]


def piepho_letters(
    order: Sequence[int], same: np.ndarray, pool: Sequence[str] = LOWERCASE
) -> list[str]:
    """Valid letters by Piepho's insert-absorb algorithm with the sweep step.

    Parameters
    ----------
    order : sequence of int
        Treatment indices in display order; the first column containing the
        first treatment becomes ``a``.
    same : (k, k) array of bool
        ``True`` where two treatments were not separated.
    pool : sequence of str
        Letter symbols.

    Returns
    -------
    list of str
        Letters per treatment, indexed like ``same``.

    Notes
    -----
    Insert: start with one column holding every treatment; for each
    separated pair, every column that holds both is replaced by two copies,
    one without each member.  Absorb: drop columns contained in another.
    The result is the set of maximal groups with no separated pair inside.
    Sweep: a treatment's membership of a column is dropped when each pair it
    forms in that column is also covered by another column, and the
    treatment keeps another letter; emptied or contained columns are then
    dropped.  Columns are labelled in order of their first treatment in
    ``order`` (ties: the next treatments).
    """
    order = list(order)
    n = len(order)
    same = _as_same(same)
    columns = [frozenset(range(n))]
    separated = [(i, j) for i in range(n) for j in range(i + 1, n) if not same[i, j]]
    for i, j in separated:
        new: list[frozenset[int]] = []
        for col in columns:
            if i in col and j in col:
                new.append(col - {i})
                new.append(col - {j})
            else:
                new.append(col)
        columns = _absorb(new)
    # sweep redundant memberships, visiting columns and treatments in display order
    position = {idx: pos for pos, idx in enumerate(order)}
    cols = [set(c) for c in sorted(columns, key=lambda c: sorted(position[t] for t in c))]
    for ci, col in enumerate(cols):
        for t in sorted(col, key=position.__getitem__):
            others = [u for u in col if u != t]
            elsewhere = [c for cj, c in enumerate(cols) if cj != ci and t in c]
            if not elsewhere:
                continue
            if all(any(u in c for c in elsewhere) for u in others):
                col.discard(t)
    kept = [frozenset(c) for c in cols if c]
    kept = _absorb(kept)
    kept.sort(key=lambda c: sorted(position[t] for t in c))
    names = _labels(len(kept), pool)
    out = [""] * n
    for t in range(n):
        out[t] = "".join(name for name, col in zip(names, kept, strict=True) if t in col)
    return out


def letters_valid(letters: Sequence[str], same: np.ndarray) -> bool:
    """True when two treatments share a letter exactly when they were not separated.

    Examples
    --------
    >>> import numpy as np
    >>> same = np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1]], dtype=bool)
    >>> letters_valid(["a", "ab", "b"], same), letters_valid(["a", "a", "b"], same)
    (True, False)
    """
    same = _as_same(same)
    sets = [set(x) for x in letters]
    n = len(sets)
    if any(not s for s in sets):
        return False
    for i in range(n):
        for j in range(i + 1, n):
            if bool(sets[i] & sets[j]) != bool(same[i, j]):
                return False
    return True


def compact_letters(
    order: Sequence[int],
    same: np.ndarray,
    *,
    method: str = "agricolae",
    pool: Sequence[str] = LOWERCASE,
) -> tuple[list[str], str]:
    """Letters for a decision matrix, and the algorithm that produced them.

    Parameters
    ----------
    order : sequence of int
        Treatment indices in display order (highest mean first for ``a`` on
        the highest mean).
    same : (k, k) array of bool
        ``True`` where the test did not separate the two treatments.
    method : {"agricolae", "piepho"}
        ``"agricolae"`` tries agricolae's sweep first and keeps it when it is
        valid; ``"piepho"`` always uses Piepho's algorithm.
    pool : sequence of str
        Letter symbols.

    Returns
    -------
    letters : list of str
        Per treatment, indexed like ``same``.
    used : {"agricolae", "piepho"}
        The algorithm whose letters are returned.
    """
    same = _as_same(same)
    if method == "agricolae":
        letters = sweep_letters(order, same, pool)
        if letters_valid(letters, same):
            return letters, "agricolae"
    letters = piepho_letters(order, same, pool)
    if not letters_valid(
        letters, same
    ):  # pragma: no cover - Piepho's letters are valid by construction
        raise ArithmeticError("the letter display does not match the pairwise decisions")
    return letters, "piepho"
