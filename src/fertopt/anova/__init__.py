"""Analysis of variance for the designs used in fertilizer trials.

:func:`anova` handles completely randomized designs (balanced or not),
randomized complete blocks, Latin squares, factorials of two or three factors
with or without blocks, and split-plots, split-split-plots and strip-plots
(split-blocks) in randomized complete blocks.

Numerical method
----------------
Sums of squares are squared lengths of orthogonal projections of the
response.  The response is first shifted by one of its own values (an exact
subtraction in floating point when all values share their leading digits), so
a trial recorded as ``1000000000000.4, …`` is analysed as ``0.4, …`` without
losing the digits that differ.  Each term's columns are orthogonalised against
the terms before it and reduced by a singular value decomposition, which
copes with missing plots and empty cells (aliased columns are dropped).  This
reaches NIST StRD certified values to 13 digits or more; the textbook
"correction term" formula Σy² − (Σy)²/N loses them all on such data.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core import validation as _v
from fertopt._core.deferred import Deferred
from fertopt._core.i18n import message
from fertopt.anova.layout import (
    STRATA_DESIGNS,
    Spec,
    check_layout,
    design_of,
    prepare,
    terms_of,
)
from fertopt.anova.lsmeans import LSMeans, LSMeansResult, least_squares_means, lsmeans
from fertopt.anova.projections import (
    Term,
    assumption_checks,
    coding,
    fit_terms,
    shift,
    squared_norm,
    term_name,
)
from fertopt.anova.result import AnovaResult
from fertopt.anova.table import anova_table
from fertopt.exceptions import DesignError, OptionError

__all__ = ["anova", "AnovaResult", "lsmeans", "LSMeansResult", "least_squares_means", "LSMeans"]

_SS_TYPES = {1: 1, "1": 1, "I": 1, 2: 2, "2": 2, "II": 2, 3: 3, "3": 3, "III": 3}


def anova(
    data: pd.DataFrame,
    /,
    *,
    response: str,
    treatment: str | Sequence[str] | None = None,
    block: str | None = None,
    row: str | None = None,
    column: str | None = None,
    main_plot: str | None = None,
    sub_plot: str | None = None,
    sub_sub_plot: str | None = None,
    horizontal: str | None = None,
    vertical: str | None = None,
    ss_type: int | str = 1,
    nan_policy: str = "omit",
    allow_negative: bool = False,
) -> AnovaResult:
    """Analysis of variance of a field trial.

    Parameters
    ----------
    data : DataFrame
        One row per plot.
    response : str
        Column with the measured response (yield).
    treatment : str or list of str
        Treatment column; two or three columns for a factorial.
    block : str, optional
        Block (replicate) column: gives an RCBD (or factorial RCBD).
    row, column : str, optional
        Row and column blocks of a Latin square.
    main_plot, sub_plot : str, optional
        Factors of a split-plot in randomized complete blocks (with ``block``);
        used instead of ``treatment``.
    sub_sub_plot : str, optional
        With ``main_plot`` and ``sub_plot``: the third factor of a
        split-split-plot in randomized complete blocks (three error strata).
    horizontal, vertical : str, optional
        Factors of a strip-plot (split-block) in randomized complete blocks:
        the factor laid out in horizontal strips across each block and the
        one in vertical strips (three error strata).
    ss_type : {1, 2, 3}, default 1
        Sequential sums of squares as R's ``aov`` (1), or type II / type III
        (with sum-to-zero contrasts) as ``car::Anova``.  Split-plots,
        split-split-plots and strip-plots use type 1.
    nan_policy : {'omit', 'raise'}
        Plots with a missing response are left out and counted (``omit``), or
        refused (``raise``).
    allow_negative : bool, default False
        Accept negative responses (differences, yield gains); yields cannot be negative,
        so by default a negative value is refused as a data-entry mistake.

    Returns
    -------
    AnovaResult
        ``table`` (``source | df | ss | ms | f | p``), ``mse``, ``df_resid``,
        ``cv``, ``grand_mean``, ``design``, ``n_obs``, ``n_dropped``,
        ``errors``, ``assumptions``, ``fitted``, ``residuals``; see
        :class:`AnovaResult`.

    Raises
    ------
    ColumnError
        A named column is missing (close matches are suggested).
    DataError
        Non-numeric, negative (unless ``allow_negative``), all-equal or unmanageably large or
        small responses (beyond 1e±100), unlabelled plots.
    OptionError
        ``block`` given as several columns (a Latin square takes ``row=`` and ``column=``).
    DesignError
        One treatment level, a single block, no residual degrees of freedom,
        an incomplete split-plot, split-split-plot or strip-plot.

    Warns
    -----
    DataWarning
        Plots without a response were dropped.
    UnbalancedDesignWarning
        A block lacks a treatment (analysed as an unbalanced RCBD).
    DesignWarning
        Duplicated plots in a block, a layout that is not a Latin square,
        empty factorial cells.

    Notes
    -----
    Terms enter in the order blocks (or rows, columns), main effects,
    interactions.  In an RCBD with missing plots the sequential treatment sum
    of squares is therefore adjusted for blocks.  A split-plot is fitted as
    ``block + A + block:A + B + A:B``; block and A are tested against error a
    (block × A), B and A:B against error b, as in ``agricolae::sp.plot`` and
    Gomez & Gomez (1984).  A split-split-plot adds the sub-sub-plot factor C:
    block and A against error a (block × A), B and A:B against error b
    (block × B within A), C, A:C, B:C and A:B:C against error c (the
    residual), as ``aov(y ~ A*B*C + Error(block/A/B))`` and Gomez & Gomez
    (1984, ch. 4).  A strip-plot of H (horizontal) and V (vertical) tests H
    against error a (block × H), V against error b (block × V) and H:V against
    error c (the residual), as ``aov(y ~ H*V + Error(block/(H*V)))`` and
    Gomez & Gomez (1984, ch. 3); its blocks have no error to be tested
    against.  ``errors`` gives each stratum with its CV (CV(a), CV(b), CV(c)).
    Tables match R's ``aov``/``anova`` (type I) and ``car::Anova`` (types II
    and III with ``contr.sum``) to 1e-10 relative.

    Examples
    --------
    >>> import pandas as pd, fertopt as fo
    >>> df = pd.DataFrame({
    ...     "trt": ["CK", "N", "NP", "NPK"] * 3,
    ...     "rep": [1] * 4 + [2] * 4 + [3] * 4,
    ...     "yield": [20.1, 25.3, 27.9, 30.2, 19.5, 24.1, 28.3, 31.0, 21.0, 26.2, 27.1, 29.6]})
    >>> aov = fo.anova(df, response="yield", treatment="trt", block="rep")
    >>> aov
    <AnovaResult RCBD 4 treatments, 3 blocks | trt F(3, 6) = 67.08, p < 0.0001 | CV 3.5%>
    >>> aov.table[["source", "df", "f"]]
          source   df          f
    0        rep  2.0   0.076510
    1        trt  3.0  67.077517
    2  Residuals  6.0        NaN
    """
    ss = _ss_type_of(ss_type)
    nan_policy = _v.check_nan_policy(nan_policy)
    spec = design_of(
        treatment, block, row, column, main_plot, sub_plot, sub_sub_plot, horizontal, vertical
    )
    _check_ss_type_for(spec, ss)
    clean, n_dropped = prepare(data, response, spec, nan_policy, allow_negative)
    balanced = check_layout(clean, response, spec, list(data.columns))
    terms, error_of = terms_of(spec)
    model = _fit_model(clean[response].to_numpy(dtype=float), clean, terms, ss)
    table, errors, order = anova_table(
        spec,
        [term_name(t) for t in terms],
        model.parts,
        error_of,
        df_resid=model.df_resid,
        ss_resid=model.ss_resid,
        ss_total=model.ss_total,
    )
    grand_mean = float(math.fsum(model.y) / model.n)
    mse = errors[-1][2] / errors[-1][1]
    assumptions = _check_assumptions(clean, spec, model)

    messages = []
    for category, text in spec.notes:
        warnings.warn(text, category, stacklevel=2)
        messages.append(text)

    return AnovaResult(
        table=table,
        design=spec.design,
        response=str(response),
        factors=tuple(str(f) for f in spec.factors),
        block=spec.block,
        row=spec.row,
        column=spec.column,
        main_plot=spec.main_plot,
        sub_plot=spec.sub_plot,
        sub_sub_plot=spec.sub_sub_plot,
        horizontal=spec.horizontal,
        vertical=spec.vertical,
        mse=float(mse),
        df_resid=model.df_resid,
        cv=_cv(mse, grand_mean),
        grand_mean=grand_mean,
        r_squared=float(_r_squared(spec, ss, order, model)),
        errors=_errors_frame(errors, grand_mean),
        error_of=error_of,
        n_obs=model.n,
        n_dropped=n_dropped,
        balanced=balanced,
        ss_type=ss,
        assumptions=assumptions,
        data=clean,
        fitted=pd.Series(model.y - model.resid, index=clean.index, name="fitted"),
        residuals=pd.Series(model.resid, index=clean.index, name="residual"),
        warnings=tuple(messages),
    )


# ---------------------------------------------------------------------------
# the steps of anova()
# ---------------------------------------------------------------------------
def _ss_type_of(ss_type: int | str) -> int:
    """1, 2 or 3 from any spelling of the type of the sums of squares."""
    ss = _SS_TYPES.get(ss_type)
    if ss is None:
        raise OptionError(f"ss_type={ss_type!r} is not valid; use 1, 2 or 3 (or 'I', 'II', 'III').")
    return ss


def _check_ss_type_for(spec: Spec, ss: int) -> None:
    """A split-plot (split-split-plot, strip-plot) takes sequential sums of squares only."""
    if spec.design in STRATA_DESIGNS and ss != 1:
        name = spec.design.removesuffix(" RCBD")
        raise DesignError(
            f"a {name} is analysed with sequential (type 1) sums of squares; drop ss_type=."
        )


@dataclass(frozen=True)
class _Model:
    """The response, its sums of squares per term and the residuals of the full model."""

    y: np.ndarray  # the response as analysed
    parts: list[tuple[float, float]]  # (df, ss) per term
    resid: np.ndarray
    df_resid: float
    ss_resid: float
    ss_total: float

    @property
    def n(self) -> int:
        return self.y.shape[0]


def _fit_model(y: np.ndarray, clean: pd.DataFrame, terms: list[Term], ss: int) -> _Model:
    """Sums of squares of the terms; refuses a model that leaves no residual df."""
    n = y.shape[0]
    factors_used = {f for t in terms for f in t}
    codings_t = {f: coding(clean[f].values, "treatment") for f in factors_used}
    codings_s = {f: coding(clean[f].values, "sum") for f in factors_used} if ss == 3 else {}
    e = shift(y)
    parts, resid, rank = fit_terms(e, terms, codings_t, codings_s, ss)
    df_resid = float(n - rank)
    ss_resid = squared_norm(resid)
    ss_total = squared_norm(e)
    if df_resid < 1:
        raise DesignError(
            message(
                "no_residual_df",
                n=str(n),
                terms=", ".join(term_name(t) for t in terms),
            )
        )
    return _Model(
        y=y, parts=parts, resid=resid, df_resid=df_resid, ss_resid=ss_resid, ss_total=ss_total
    )


def _cv(ms: float, grand_mean: float) -> float:
    """Coefficient of variation of a mean square, in percent of the grand mean."""
    return 100.0 * math.sqrt(ms) / grand_mean if grand_mean != 0 else np.nan


def _errors_frame(errors: list[tuple[str, float, float]], grand_mean: float) -> pd.DataFrame:
    """The ``errors`` table: one row per error stratum with its CV."""
    names, df, ss = zip(*errors, strict=True)
    ms = [s / d for d, s in zip(df, ss, strict=True)]
    return pd.DataFrame(
        {
            "error": list(names),
            "df": np.array(df, dtype=float),
            "ss": np.array(ss, dtype=float),
            "ms": np.array(ms, dtype=float),
            "cv": np.array([_cv(m, grand_mean) for m in ms], dtype=float),
        }
    )


def _r_squared(spec: Spec, ss: int, order: list[tuple[str, Any]], model: _Model) -> float:
    """Share of the total sum of squares explained by the model terms."""
    if ss == 1 and spec.design not in STRATA_DESIGNS:
        return math.fsum(part[1] for _, part in order if part is not None) / model.ss_total
    return 1.0 - model.ss_resid / model.ss_total


def _check_assumptions(clean: pd.DataFrame, spec: Spec, model: _Model) -> Deferred:
    """Normality and equal-variance tests on the residuals grouped by treatment, computed when
    the ``assumptions`` table is first read."""
    codes = [clean[f].cat.codes.to_numpy() for f in spec.factors]
    shape = tuple(len(clean[f].cat.categories) for f in spec.factors)
    groups = np.ravel_multi_index(codes, shape)  # one code per treatment combination
    scale = math.sqrt(model.ss_total / max(model.n - 1, 1))
    return Deferred(assumption_checks, model.resid, groups, scale)
