"""The error of a comparison in a design with several error strata, in general.

In a balanced split-plot, split-split-plot or strip-plot each treatment term
is estimated in one stratum and tested against that stratum's error (``error_of``
of the ANOVA).  A difference between two means of the compared factors, at
fixed levels of the ``within`` factors and averaged over the others, is a
contrast ``c`` of the cell means; its variance is

``Var = Σ_e ‖P_e c‖² E_e / r``

where ``P_e`` projects onto the treatment terms tested against error ``e``
(main effects and interactions: centring over the factors of the term,
averaging over the others), ``E_e`` is that error's mean square and ``r`` the
number of blocks.  With ``n`` plots behind each mean the comparison's mean
square is ``Var · n / 2 = Σ_e g_e E_e``, a single error when only one ``g_e`` is
non-zero, else a combination whose degrees of freedom follow Satterthwaite,
``(Σ g_e E_e)² / Σ (g_e E_e)² / df_e``.  This gives every standard error of
Gomez & Gomez (1984, ch. 3 and 4): e.g. for main-plot levels within a
sub-plot level of a split-plot ``(Ea + (b − 1) Eb) / b``, and for main-plot
levels at one sub-plot and sub-sub-plot level of a split-split-plot
``(Ea + (b − 1) Eb + b (c − 1) Ec) / (b c)``.  Cells of an interaction whose
pairs have different variances (A:B of a split-plot) have no single error and
are refused.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Combination", "error_weights"]


@dataclass(frozen=True)
class Combination:
    """The weights ``g_e`` of the errors in a comparison's mean square (None: no single one)."""

    weights: dict[str, float] | None


def _project(c: np.ndarray, term_axes: set[int]) -> np.ndarray:
    """Projection of a cell contrast onto one term: centre its axes, average the others."""
    out = c
    for axis in range(c.ndim):
        mean = out.mean(axis=axis, keepdims=True)
        out = out - mean if axis in term_axes else np.broadcast_to(mean, out.shape)
    return out


def error_weights(
    factors: Sequence[str],
    levels: Sequence[int],
    error_of: dict[str, str],
    parts: Sequence[str],
    within: Sequence[str],
) -> Combination:
    """The weight of each error in the mean square of comparisons of ``parts`` within ``within``.

    Parameters
    ----------
    factors, levels : sequences
        The treatment factors of the design and their numbers of levels.
    error_of : dict
        Treatment term (``"A"``, ``"A:B"``) → the error it is tested against.
    parts, within : sequences of str
        The compared factors and the slicing factors.

    Returns
    -------
    Combination
        ``weights``: error → ``g_e`` with ``Σ g_e E_e`` the comparison's mean
        square per plot (the same for every pair), or None when pairs differ
        in their errors.

    Examples
    --------
    Split-plot, 2 main-plot × 4 sub-plot levels: main plots within a sub-plot level weigh
    error a by 1/4 and error b by 3/4.

    >>> w = error_weights(["A", "B"], [2, 4], {"A": "Ea", "B": "Eb", "A:B": "Eb"}, ["A"], ["B"])
    >>> {k: round(v, 12) for k, v in w.weights.items()}
    {'Ea': 0.25, 'Eb': 0.75}
    """
    factors = list(factors)
    shape = tuple(int(k) for k in levels)
    axes = {f: i for i, f in enumerate(factors)}
    compared = [axes[p] for p in parts]
    fixed = [axes[w] for w in within]
    others = [i for i in range(len(factors)) if i not in compared and i not in fixed]
    n_avg = int(np.prod([shape[i] for i in others])) if others else 1
    cells = list(itertools.product(*(range(shape[i]) for i in compared)))
    seen = None
    for p1, p2 in itertools.combinations(cells, 2):
        c = np.zeros(shape)
        for level, sign in ((p1, 1.0), (p2, -1.0)):
            index = [slice(None)] * len(shape)
            for axis, value in zip(compared, level, strict=True):
                index[axis] = value
            for axis in fixed:
                index[axis] = 0
            c[tuple(index)] += sign / n_avg
        w: dict[str, float] = {}
        for order in range(1, len(factors) + 1):
            for term in itertools.combinations(range(len(factors)), order):
                name = ":".join(factors[i] for i in term)
                err = error_of[name]
                w[err] = w.get(err, 0.0) + float(np.sum(_project(c, set(term)) ** 2))
        # each mean averages n_avg cells of r plots: g_e = (n_avg r) w_e / (2 r)
        g = {e: v * n_avg / 2.0 for e, v in w.items() if v > 1e-12}
        if seen is None:
            seen = g
        elif set(g) != set(seen) or any(abs(g[e] - seen[e]) > 1e-9 for e in g):
            return Combination(None)
    return Combination(seen)
