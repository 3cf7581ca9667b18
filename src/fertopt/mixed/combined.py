"""The steps of :func:`fertopt.combined_anova`: layout, sequential sums of squares, error terms."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from fertopt._core import validation as _v
from fertopt.exceptions import DesignError, OptionError

__all__ = ["Layout", "layout_of", "sequential_table", "RESID"]

RESID = "Residuals"


@dataclass(frozen=True)
class Layout:
    """Who is who in a combined analysis, and whether the trial is balanced."""

    env: str  # the environment column of the analysed frame
    env_columns: tuple[str, ...]
    block: str  # the original block column
    nested_block: str  # blocks within environments, e.g. "rep(site)"
    factors: tuple[str, ...]
    balanced: bool
    repeated_labels: tuple[str, ...]  # block labels found in more than one environment
    n_blocks: int  # blocks in all


def env_name(site: Sequence[str]) -> str:
    return ":".join(str(s) for s in site)


def layout_of(
    clean: pd.DataFrame, site: Sequence[str], block: str, factors: Sequence[str]
) -> tuple[pd.DataFrame, Layout]:
    """Add the environment and nested-block columns; check the layout."""
    env = env_name(site)
    if len(site) > 1:
        if env in clean.columns:
            raise OptionError(f"a column is already named {env!r}; rename it.")
        key = clean[site[0]].astype(str)
        for s in site[1:]:
            key = key + ":" + clean[s].astype(str)
        clean[env] = _v.as_labels(key, "site")
    nested = f"{block}({env})"
    clean[nested] = _v.as_labels(clean[env].astype(str) + ":" + clean[block].astype(str), "block")
    envs = clean[env].cat.categories
    if len(envs) < 2:
        raise DesignError(
            f"{env!r} has a single environment ({envs[0]!r}); a combined analysis needs at least "
            "2. Analyse one trial with fertopt.anova(..., block=...)."
        )
    per_env = clean.groupby(env, observed=True)[block].nunique()
    few = per_env[per_env < 2]
    if len(few):
        raise DesignError(
            f"environment {few.index[0]!r} has a single block; the block-within-environment "
            "error needs at least 2 blocks in every environment."
        )
    for f in factors:
        _v.require_levels(clean[f].values, "treatment", f)
    seen = clean.groupby(block, observed=True)[env].nunique()
    repeated = tuple(str(b) for b in seen[seen > 1].index)
    cells = _v.cell_counts(clean, [nested, *factors])  # a nested block lies in one environment
    balanced = bool((cells == 1).all() and per_env.nunique() == 1)
    missing_cells = _v.cell_counts(clean, [env, *factors])
    if (missing_cells == 0).any():
        raise DesignError(
            f"{_v.describe_cells(missing_cells[missing_cells == 0])} has no plot: every treatment "
            "must be tested in every environment for a combined analysis. Leave out the "
            "treatments (or environments) that are not common to all."
        )
    return clean, Layout(
        env=env,
        env_columns=tuple(site),
        block=block,
        nested_block=nested,
        factors=tuple(factors),
        balanced=balanced,
        repeated_labels=repeated,
        n_blocks=int(clean[nested].nunique()),
    )


def treatment_terms(factors: Sequence[str]) -> list[tuple[str, ...]]:
    return [
        combo
        for order in range(1, len(factors) + 1)
        for combo in itertools.combinations(factors, order)
    ]


def _indicators(clean: pd.DataFrame, cols: Sequence[str]) -> np.ndarray:
    key = clean[cols[0]].astype(str)
    for c in cols[1:]:
        key = key + "\x1f" + clean[c].astype(str)
    codes, uniques = pd.factorize(key, sort=True)
    z = np.zeros((len(clean), len(uniques)))
    z[np.arange(len(clean)), codes] = 1.0
    return z


def sequential_table(
    clean: pd.DataFrame, response: str, terms: list[tuple[str, tuple[str, ...]]]
) -> tuple[pd.DataFrame, float, float]:
    """Sequential (type I) df and SS of ``terms`` (name, columns), and the residual df, SS.

    Each term's indicator columns are orthogonalised against the terms before it and reduced
    by a singular value decomposition, so aliased columns (missing plots) drop out.
    """
    y = clean[response].to_numpy(dtype=float)
    n = len(y)
    e = y - math.fsum(y) / n
    basis = np.ones((n, 1)) / math.sqrt(n)
    rows = []
    for name, cols in terms:
        m = _indicators(clean, cols)
        for _ in range(2):
            m = m - basis @ (basis.T @ m)
        u, s, _ = np.linalg.svd(m, full_matrices=False)
        r = int(np.sum(s > 1e-9 * max(s.max(), 1.0))) if s.size else 0
        u = u[:, :r]
        ss = float(np.sum((u.T @ e) ** 2))
        rows.append((name, float(r), ss))
        basis = np.hstack([basis, u])
    fitted = basis @ (basis.T @ e)
    resid = e - fitted
    df_resid = float(n - basis.shape[1])
    if df_resid < 1:
        raise DesignError("no residual degrees of freedom: the combined model uses every plot.")
    table = pd.DataFrame(rows, columns=["source", "df", "ss"])
    return table, df_resid, float(resid @ resid)


def f_test(ms: float, df1: float, ms_err: float, df2: float) -> tuple[float, float]:
    if not (ms_err > 0) or not (df2 > 0):
        return math.nan, math.nan
    f = ms / ms_err
    return f, float(stats.f.sf(f, df1, df2))
