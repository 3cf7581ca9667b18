"""Design matrices of a mixed model: fixed effects in sum-to-zero coding, random indicators.

The fixed part is the full factorial of the fixed factors (intercept, main effects,
interactions) coded with sum-to-zero contrasts (R's ``contr.sum``), so that a term's
coefficients are deviations from the average over the other factors.  Each random term
(``"site"``, ``"site:rep"``) is one indicator column per level combination present in the
data, as ``lme4`` codes ``(1 | site:rep)``.  The reference grid of the LS-means and the
hypotheses of the F tests are written on the same coding.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "FixedPart",
    "fixed_part",
    "random_indicators",
    "grid_rows",
    "term_hypothesis",
    "level_rows",
]

Term = tuple[str, ...]


def _sum_contrasts(k: int) -> np.ndarray:
    """R's ``contr.sum(k)``: ``k × (k − 1)``, identity above a row of −1."""
    return np.vstack([np.eye(k - 1), -np.ones((1, k - 1))])


@dataclass(frozen=True)
class FixedPart:
    """The fixed factors, their levels, the terms and the columns each term owns."""

    factors: tuple[str, ...]
    levels: dict[str, list[str]]
    terms: list[Term]
    columns: dict[Term, slice]
    names: list[str]

    @property
    def n_columns(self) -> int:
        return len(self.names)

    def rows(self, codes: dict[str, np.ndarray]) -> np.ndarray:
        """Model-matrix rows for level codes (0-based) of every fixed factor."""
        n = len(next(iter(codes.values()))) if codes else 1
        blocks = [np.ones((n, 1))]
        for term in self.terms:
            block = np.ones((n, 1))
            for f in term:
                c = _sum_contrasts(len(self.levels[f]))[codes[f]]
                # R's column order: the first factor of the term varies fastest
                block = (c[:, :, None] * block[:, None, :]).reshape(n, -1)
            blocks.append(block)
        return np.hstack(blocks)


def fixed_part(data: pd.DataFrame, factors: Sequence[str]) -> tuple[FixedPart, np.ndarray]:
    """The full factorial of ``factors`` and its model matrix on ``data`` (categorical columns)."""
    factors = tuple(factors)
    levels = {f: [str(v) for v in data[f].cat.categories] for f in factors}
    terms: list[Term] = [
        combo
        for order in range(1, len(factors) + 1)
        for combo in itertools.combinations(factors, order)
    ]
    names = ["(Intercept)"]
    columns: dict[Term, slice] = {}
    for term in terms:
        start = len(names)
        for combo in itertools.product(*[range(1, len(levels[f])) for f in reversed(term)]):
            names.append(":".join(f"{f}{i}" for f, i in zip(term, combo[::-1], strict=True)))
        columns[term] = slice(start, len(names))
    part = FixedPart(factors, levels, terms, columns, names)
    codes = {f: data[f].cat.codes.to_numpy() for f in factors}
    return part, part.rows(codes)


def random_indicators(data: pd.DataFrame, term: Sequence[str]) -> tuple[np.ndarray, int]:
    """Indicator matrix of the level combinations of ``term`` present in ``data``."""
    key = data[term[0]].astype(str)
    for f in term[1:]:
        key = key + "\x1f" + data[f].astype(str)
    codes, uniques = pd.factorize(key, sort=True)
    z = np.zeros((len(data), len(uniques)))
    z[np.arange(len(data)), codes] = 1.0
    return z, len(uniques)


def grid_rows(part: FixedPart) -> tuple[pd.DataFrame, np.ndarray]:
    """The reference grid (every combination of fixed levels) and its model-matrix rows."""
    grid = pd.DataFrame(
        list(itertools.product(*[range(len(part.levels[f])) for f in part.factors])),
        columns=list(part.factors),
    )
    codes = {f: grid[f].to_numpy() for f in part.factors}
    return grid, part.rows(codes)


def level_rows(part: FixedPart, term: Term) -> tuple[list[str], np.ndarray]:
    """LS-means of the levels of ``term``: labels and the rows ``L`` with ``lsmean = L β``.

    Each row averages the reference grid over the other fixed factors with equal weights, as
    ``emmeans`` does by default.
    """
    grid, rows = grid_rows(part)
    labels, out = [], []
    for combo in itertools.product(*[range(len(part.levels[f])) for f in term]):
        mask = np.ones(len(grid), dtype=bool)
        for f, i in zip(term, combo, strict=True):
            mask &= grid[f].to_numpy() == i
        labels.append(":".join(part.levels[f][i] for f, i in zip(term, combo, strict=True)))
        out.append(rows[mask].mean(axis=0))
    return labels, np.asarray(out)


def term_hypothesis(part: FixedPart, term: Term, x: np.ndarray) -> np.ndarray:
    """Rows of the hypothesis matrix of a term, in the basis ``lmerTest::anova`` uses.

    With one fixed term lmerTest takes the rows of the Doolittle factor of ``X'X`` (its
    type 1 contrasts); with several, its type 3 contrasts, which for sum-to-zero coding are
    the interaction contrasts "each level against the first" of the term's LS-means.  The
    F value and the Kenward–Roger test do not depend on the basis; Satterthwaite's
    denominator df for several numerator df does.
    """
    if len(part.terms) == 1:
        r = np.linalg.cholesky(x.T @ x).T  # X'X = R'R, R upper triangular
        u = r / np.diag(r)[:, None]  # unit upper triangular: X'X = U' D U
        return u[part.columns[term]]
    labels, rows = level_rows(part, term)
    del labels
    sizes = [len(part.levels[f]) for f in term]
    contrasts = []
    for combo in itertools.product(*[range(1, k) for k in sizes]):
        weight = np.ones(1)
        for k, i in zip(sizes, combo, strict=True):
            d = np.zeros(k)
            d[i], d[0] = 1.0, -1.0
            weight = np.kron(weight, d)
        contrasts.append(weight @ rows)
    return np.asarray(contrasts)
