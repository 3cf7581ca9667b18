"""Analysis of variance for the designs used in fertilizer trials.

:func:`anova` handles completely randomized designs (balanced or not),
randomized complete blocks, Latin squares, factorials of two or three factors
with or without blocks, and split-plots in randomized complete blocks.

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

import itertools
import math
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core import validation as _v
from fertopt._core.document import Facts, Notes, Summary, Table
from fertopt._core.formatting import ResultBase, f_test_text, format_number
from fertopt.exceptions import (
    DataError,
    DataWarning,
    DesignError,
    DesignWarning,
    OptionError,
    UnbalancedDesignWarning,
)

__all__ = ["anova", "AnovaResult"]

Term = tuple[Hashable, ...]
_SS_TYPES = {1: 1, "1": 1, "I": 1, 2: 2, "2": 2, "II": 2, 3: 3, "3": 3, "III": 3}
_ERROR_A, _ERROR_B, _RESID = "Error a", "Error b", "Residuals"


def _term_name(term: Term) -> str:
    return ":".join(str(t) for t in term)


# ---------------------------------------------------------------------------
# result
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class AnovaResult(ResultBase):
    """Result of :func:`anova`.

    Attributes
    ----------
    table : DataFrame
        ``source | df | ss | ms | f | p``: model terms in order, then the error
        rows (``"Residuals"``, or ``"Error a"`` and ``"Error b"`` for a
        split-plot; their ``f`` and ``p`` are NaN).  Unrounded.
    design : str
        ``"CRD"``, ``"RCBD"``, ``"Latin square"``, ``"factorial CRD"``,
        ``"factorial RCBD"`` or ``"split-plot RCBD"``.
    response : str
        Name of the response column.
    factors : tuple of str
        Treatment factors (``(main_plot, sub_plot)`` for a split-plot).
    block, row, column, main_plot, sub_plot : str or None
        Columns that played these roles.
    mse, df_resid : float
        Residual mean square and degrees of freedom (error b of a split-plot).
    cv : float
        Coefficient of variation, ``100·√MSE / grand mean`` (percent).
    grand_mean : float
        Mean of the analysed responses.
    r_squared : float
        Share of the total sum of squares explained by the model terms.
    errors : DataFrame
        ``error | df | ss | ms | cv``, one row per error stratum.
    error_of : dict
        Model term → name of the error row its F test used.
    n_obs, n_dropped : int
        Plots analysed, and plots left out for a missing response.
    balanced : bool
        Whether every treatment cell has the same number of plots (in every block).
    ss_type : int
        1 (sequential, as R's ``aov``), 2 or 3 (sum-to-zero contrasts).
    assumptions : DataFrame
        ``test | statistic | p | note``: Shapiro–Wilk on the residuals,
        Levene (Brown–Forsythe, median-centred) and Bartlett on the residuals
        grouped by treatment.
    data : DataFrame
        The analysed rows (the caller's index): the response as float and the
        factor columns as categoricals.
    fitted, residuals : Series
        Fitted values and residuals, aligned with ``data``.
    warnings : tuple of str
        Everything the analysis had to warn about, in plain words.
    """

    table: pd.DataFrame
    design: str
    response: str
    factors: tuple[str, ...]
    block: str | None
    row: str | None
    column: str | None
    main_plot: str | None
    sub_plot: str | None
    mse: float
    df_resid: float
    cv: float
    grand_mean: float
    r_squared: float
    errors: pd.DataFrame
    error_of: dict[str, str]
    n_obs: int
    n_dropped: int
    balanced: bool
    ss_type: int
    assumptions: pd.DataFrame
    data: pd.DataFrame = field(repr=False)
    fitted: pd.Series = field(repr=False)
    residuals: pd.Series = field(repr=False)
    warnings: tuple[str, ...] = ()

    # -- derived ------------------------------------------------------------
    @property
    def terms(self) -> tuple[str, ...]:
        """Names of the model terms (rows of ``table`` that are not errors)."""
        return tuple(s for s in self.table["source"] if s not in set(self.errors["error"]))

    def term(self, name: str) -> pd.Series:
        """The ``table`` row of one term (``df, ss, ms, f, p``)."""
        rows = self.table.loc[self.table["source"] == name]
        if rows.empty:
            raise OptionError(
                f"term {name!r} is not in this ANOVA; its terms are {', '.join(self.terms)}."
            )
        return rows.iloc[0]

    def means(self, term: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Arithmetic means of the response per level of a term.

        Parameters
        ----------
        term : str or sequence of str, optional
            A factor (``"N"``), an interaction (``"N:P"`` or ``["N", "P"]``);
            by default all treatment factors together.

        Returns
        -------
        DataFrame
            One column per factor of the term, then ``mean | sd | n``.
        """
        if term is None:
            cols = list(self.factors)
        elif isinstance(term, str):
            cols = term.split(":")
        else:
            cols = list(term)
        known = set(self.factors) | {self.block, self.row, self.column} - {None}
        for c in cols:
            if c not in known:
                raise OptionError(
                    f"{c!r} is not a factor of this ANOVA; use one of {', '.join(map(str, known))}."
                )
        grouped = self.data.groupby(cols, observed=True, sort=True)[self.response]
        out = grouped.agg(["mean", "std", "count"]).reset_index()
        return out.rename(columns={"std": "sd", "count": "n"})

    def plot_residuals(self, ax: Any = None, **kwargs: Any) -> Any:
        """Residual diagnostics (residuals vs fitted, normal Q–Q); see :mod:`fertopt.plotting`."""
        from fertopt import plotting

        return plotting.plot_residuals(self, ax=ax, **kwargs)

    # -- display ------------------------------------------------------------
    def layout(self) -> str:
        """The layout in words: ``8 treatments, 4 blocks``."""
        if self.design == "split-plot RCBD":
            k1 = len(self.data[self.main_plot].cat.categories)
            k2 = len(self.data[self.sub_plot].cat.categories)
            nb = len(self.data[self.block].cat.categories)
            return f"{k1} main plots × {k2} sub-plots × {nb} blocks"
        sizes = " × ".join(str(len(self.data[f].cat.categories)) for f in self.factors)
        text = f"{sizes} {'treatments' if len(self.factors) == 1 else 'levels'}"
        if self.block is not None:
            text += f", {len(self.data[self.block].cat.categories)} blocks"
        if self.row is not None:
            text += f", {len(self.data[self.row].cat.categories)} rows × "
            text += f"{len(self.data[self.column].cat.categories)} columns"
        return text

    def key_terms(self) -> list[str]:
        """The terms whose test is the finding: the treatment, or every non-block term."""
        if len(self.factors) == 1:
            return [str(self.factors[0])]
        return [s for s in self.terms if s not in (self.block, self.row, self.column)]

    def _test_text(self, name: str) -> str:
        row = self.term(name)
        err = self.errors.set_index("error").loc[self.error_of[name]]
        f = "inf" if math.isinf(row["f"]) else f"{row['f']:.2f}"
        return (
            f"{name} {f_test_text(format_number(row['df']), format_number(err['df']), f, row['p'])}"
        )

    def _headline(self) -> str:
        first = self.key_terms()[0]
        return f"{self.design} {self.layout()} | {self._test_text(first)} | CV {self.cv:.1f}%"

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        from scipy import stats

        key = self.key_terms()
        verdicts = []
        for name in key:
            p = self.term(name)["p"]
            word = "significant" if p <= 0.05 else "not significant"
            verdicts.append(f"{name}: {word} at the 5 % level ({self._test_text(name)})")
        display = self.table.copy()
        err_df = display["source"].map(
            lambda s: (
                self.errors.set_index("error").loc[self.error_of[s], "df"]
                if s in self.error_of
                else np.nan
            )
        )
        display["f_05"] = [
            stats.f.isf(0.05, d1, d2) if np.isfinite(d2) and d2 > 0 else np.nan
            for d1, d2 in zip(display["df"], err_df, strict=True)
        ]
        display["f_01"] = [
            stats.f.isf(0.01, d1, d2) if np.isfinite(d2) and d2 > 0 else np.nan
            for d1, d2 in zip(display["df"], err_df, strict=True)
        ]
        total = pd.DataFrame(
            {"source": ["Total"], "df": [self.table["df"].sum()], "ss": [self.table["ss"].sum()]}
        )
        display = pd.concat([display, total], ignore_index=True)
        facts = [
            ("Response", str(self.response)),
            ("Design", f"{self.design}: {self.layout()}"),
            (
                "Plots analysed",
                f"{self.n_obs}"
                + (f" ({self.n_dropped} dropped: no response)" if self.n_dropped else ""),
            ),
            ("Grand mean", format_number(self.grand_mean, digits + 1)),
        ]
        for _, e in self.errors.iterrows():
            label = "CV" if len(self.errors) == 1 else f"CV ({e['error']})"
            facts.append((label, f"{e['cv']:.2f} %"))
        facts.append(
            ("MSE (df)", f"{format_number(self.mse, digits + 1)} ({format_number(self.df_resid)})")
        )
        facts.append(
            (
                "Sums of squares",
                {1: "type I (sequential)", 2: "type II", 3: "type III (sum-to-zero contrasts)"}[
                    self.ss_type
                ],
            )
        )
        blocks: list[Any] = [
            Facts(facts),
            Table(
                display,
                title="ANOVA table",
                formats={
                    "df": "int" if float(self.table["df"].sum()).is_integer() else None,
                    "p": "p",
                },
                labels={
                    "source": "Source",
                    "df": "df",
                    "ss": "Sum Sq",
                    "ms": "Mean Sq",
                    "f": "F",
                    "p": "Pr(>F)",
                    "f_05": "F 0.05",
                    "f_01": "F 0.01",
                },
            ),
            Table(self.means(), title="Treatment means", formats={"n": "int"}),
            Table(self.assumptions, title="Assumption checks (residuals)", formats={"p": "p"}),
            Notes(list(self.warnings)),
        ]
        return Summary(
            f"Analysis of variance: {self.response}",
            blocks,
            headline="; ".join(verdicts),
            digits=digits,
        )


# ---------------------------------------------------------------------------
# projections
# ---------------------------------------------------------------------------
def _coding(cat: pd.Categorical, contrasts: str) -> np.ndarray:
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


def _term_columns(term: Term, codings: dict[Hashable, np.ndarray]) -> np.ndarray:
    """Columns of a term: products of the columns of its factors."""
    X = codings[term[0]]
    for factor in term[1:]:
        Y = codings[factor]
        X = (X[:, :, None] * Y[:, None, :]).reshape(X.shape[0], -1)
    return X


def _increment(Q: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Orthonormal basis of the part of span(X) orthogonal to span(Q)."""
    if X.shape[1] == 0:
        return X
    Z = X - Q @ (Q.T @ X)
    Z -= Q @ (Q.T @ Z)  # second pass keeps orthogonality to working precision
    scale = float(np.sqrt((X * X).sum(axis=0)).max())
    U, s, _ = np.linalg.svd(Z, full_matrices=False)
    return U[:, s > 1e-9 * max(scale, 1.0)]


def _basis(n: int, blocks: Sequence[np.ndarray]) -> np.ndarray:
    Q = np.full((n, 1), 1.0 / math.sqrt(n))
    for X in blocks:
        U = _increment(Q, X)
        Q = np.hstack([Q, U])
    return Q


def _squared_norm(v: np.ndarray) -> float:
    return math.fsum(float(x) for x in (v * v).ravel())


def _shift(y: np.ndarray) -> np.ndarray:
    """Centre y accurately: subtract a data value (exact), then the mean of the rest."""
    c = np.sort(y)[y.shape[0] // 2]
    d = y - c
    return d - math.fsum(d) / d.shape[0]


def _fit(
    e: np.ndarray, terms: Sequence[Term], codings_t: dict, codings_s: dict, ss_type: int
) -> tuple[list[tuple[float, float]], np.ndarray, int]:
    """(df, ss) per term, residual vector and model rank, for centred response ``e``."""
    n = e.shape[0]
    columns_t = [_term_columns(t, codings_t) for t in terms]
    Q = np.full((n, 1), 1.0 / math.sqrt(n))
    seq = []
    for X in columns_t:
        U = _increment(Q, X)
        seq.append((float(U.shape[1]), _squared_norm(U.T @ e)))
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
            U = _increment(_basis(n, base), columns_t[i])
            out.append((float(U.shape[1]), _squared_norm(U.T @ e)))
    else:
        columns_s = [_term_columns(t, codings_s) for t in terms]
        for i in range(len(terms)):
            base = [columns_s[j] for j in range(len(terms)) if j != i]
            U = _increment(_basis(n, base), columns_s[i])
            out.append((float(U.shape[1]), _squared_norm(U.T @ e)))
    return out, resid, rank


# ---------------------------------------------------------------------------
# preparation and checks
# ---------------------------------------------------------------------------
@dataclass
class _Spec:
    design: str
    factors: tuple
    block: Any = None
    row: Any = None
    column: Any = None
    main_plot: Any = None
    sub_plot: Any = None
    notes: list[tuple[type, str]] = field(default_factory=list)

    def warn(self, category: type, message: str) -> None:
        self.notes.append((category, message))


def _design_of(treatment, block, row, column, main_plot, sub_plot) -> _Spec:
    if main_plot is not None or sub_plot is not None:
        if treatment is not None:
            raise DesignError(
                "give either treatment= (CRD, RCBD, factorial, Latin square) or main_plot= and "
                "sub_plot= (split-plot), not both."
            )
        if main_plot is None or sub_plot is None:
            raise DesignError("a split-plot needs both main_plot= and sub_plot= columns.")
        if block is None:
            raise DesignError(
                "a split-plot is analysed in randomized complete blocks: name the block "
                "(replicate) column with block=."
            )
        return _Spec(
            "split-plot RCBD",
            (main_plot, sub_plot),
            block=block,
            main_plot=main_plot,
            sub_plot=sub_plot,
        )
    if treatment is None:
        raise DesignError(
            "treatment= is required: name the column (or columns) holding the treatments."
        )
    factors = _v.as_names(treatment, "treatment")
    if len(factors) > 3:
        raise DesignError(
            f"treatment= names {len(factors)} factors; factorials of 2 or 3 factors are supported. "
            "Combine factors into one treatment column for a one-way analysis."
        )
    if (row is None) != (column is None):
        raise DesignError(
            "a Latin square needs both row= and column= (the two blocking directions)."
        )
    if row is not None:
        if block is not None:
            raise DesignError(
                "give row= and column= for a Latin square, or block= for an RCBD, not both."
            )
        if len(factors) != 1:
            raise DesignError(
                "a Latin square is analysed for one treatment factor; give treatment= one column."
            )
        return _Spec("Latin square", factors, row=row, column=column)
    if len(factors) > 1:
        return _Spec(
            "factorial RCBD" if block is not None else "factorial CRD", factors, block=block
        )
    return _Spec("RCBD" if block is not None else "CRD", factors, block=block)


def _prepare(data, response, spec: _Spec, nan_policy: str) -> tuple[pd.DataFrame, int]:
    frame = _v.require_frame(data)
    _v.require_columns(
        frame,
        response=response,
        treatment=None if spec.main_plot else list(spec.factors),
        block=spec.block,
        row=spec.row,
        column=spec.column,
        main_plot=spec.main_plot,
        sub_plot=spec.sub_plot,
    )
    y = _v.to_numeric(frame[response], "response")
    keep, text = _v.drop_missing(
        [y],
        nan_policy,
        refuse=_v.RESPONSE_EMPTY,
        left_out="{n} {plots} with no {column} {were} left out ({rows}).",
        column=response,
        issue=False,
    )
    missing = ~keep
    n_dropped = int(missing.sum())
    if n_dropped:
        if n_dropped == len(frame):
            raise DataError(f"response column {response!r} holds no numbers at all.")
        spec.warn(DataWarning, text)
    roles = {c: "treatment" for c in spec.factors}
    roles.update({spec.block: "block", spec.row: "row", spec.column: "column"})
    if spec.main_plot:
        roles.update({spec.main_plot: "main_plot", spec.sub_plot: "sub_plot"})
    roles.pop(None, None)
    clean = pd.DataFrame({response: y.to_numpy()[~missing]}, index=frame.index[~missing])
    for column, role in roles.items():
        clean[column] = _v.as_labels(frame.loc[~missing, column], role)
    return clean, n_dropped


def _check_layout(clean: pd.DataFrame, response, spec: _Spec, all_columns: Sequence) -> bool:
    """Design checks; returns whether the layout is balanced."""
    n = len(clean)
    for f in spec.factors:
        role = (
            "treatment"
            if spec.main_plot is None
            else ("main_plot" if f == spec.main_plot else "sub_plot")
        )
        _v.require_levels(clean[f].values, role, f)
    if spec.block is not None:
        others = [
            c
            for c in all_columns
            if c not in (response, spec.block, *spec.factors)
            and str(c).lower() in ("rep", "block", "replicate", "重复", "区组")
        ]
        _v.check_blocks(clean[spec.block].values, spec.block, n, others)
    y = clean[response].to_numpy()
    if np.all(y == y[0]):
        raise DataError(
            f"all {n} values of {response!r} are equal ({format_number(y[0])}); there is no "
            "variation to analyse. Check that the right column was named as response."
        )

    cells = _v.cell_counts(clean, list(spec.factors))
    balanced = bool(cells.min() > 0 and cells.nunique() == 1)
    if spec.design in ("RCBD", "factorial RCBD"):
        by_block = _v.cell_counts(clean, [spec.block, *spec.factors])
        empty = by_block[by_block == 0]
        per_block = clean.groupby(spec.block, observed=True).size()
        if (
            len(empty)
            and per_block.nunique() == 1
            and (by_block <= 1).all()
            and len(empty) * 2 >= len(by_block)
        ):
            spec.warn(
                UnbalancedDesignWarning,
                f"incomplete blocks: each block holds {int(per_block.iloc[0])} of the "
                f"{len(cells)} treatment combinations (a confounded factorial or an incomplete "
                "block design). Effects confounded with blocks cannot be estimated; treatments are "
                "tested after adjusting for blocks.",
            )
        elif len(empty):
            spec.warn(
                UnbalancedDesignWarning,
                f"missing plots: no plot for {_v.describe_cells(empty)}. The trial is analysed "
                "as an unbalanced RCBD: treatments are tested after adjusting for blocks "
                "(sequential sums of squares, blocks first) and means are arithmetic means of the "
                "plots present.",
            )
        extra = by_block[by_block > 1]
        if len(extra):
            spec.warn(
                DesignWarning,
                f"{_v.describe_cells(extra)} hold{'s' if len(extra) == 1 else ''} more than one "
                "plot; analysed as an RCBD with replication within blocks. If these are "
                "duplicated rows, remove them.",
            )
        balanced = balanced and bool(by_block.min() > 0 and by_block.nunique() == 1)
    elif spec.design == "Latin square":
        t = len(clean[spec.factors[0]].cat.categories)
        r = len(clean[spec.row].cat.categories)
        c = len(clean[spec.column].cat.categories)
        once_r = _v.cell_counts(clean, [spec.row, spec.factors[0]])
        once_c = _v.cell_counts(clean, [spec.column, spec.factors[0]])
        if not (t == r == c and n == t * t and (once_r == 1).all() and (once_c == 1).all()):
            spec.warn(
                DesignWarning,
                f"the layout is not a Latin square ({t} treatments, {r} rows, {c} columns, "
                f"{n} plots; each treatment should appear once in every row and column). "
                "Analysed as rows + columns + treatments, additive.",
            )
            balanced = False
    elif spec.design == "split-plot RCBD":
        whole = _v.cell_counts(clean, [spec.block, spec.main_plot])
        sub = _v.cell_counts(clean, [spec.block, spec.main_plot, spec.sub_plot])
        if (whole == 0).any() or (sub != 1).any():
            raise DesignError(
                "a split-plot needs every main-plot level in every block and every sub-plot level "
                "once in every main plot; "
                + (
                    f"missing: {_v.describe_cells(sub[sub == 0])}."
                    if (sub == 0).any()
                    else f"repeated: {_v.describe_cells(sub[sub > 1])}."
                )
                + " Complete or correct these plots (unbalanced split-plots need a mixed model)."
            )
    if spec.design.startswith("factorial") and (cells == 0).any():
        spec.warn(
            DesignWarning,
            f"empty factorial cells: {_v.describe_cells(cells[cells == 0])}. Interaction sums of "
            "squares cover only the estimable contrasts.",
        )
    return balanced


def _terms_of(spec: _Spec) -> tuple[list[Term], dict[str, str]]:
    """Model terms in order and the error each is tested against."""
    if spec.design == "split-plot RCBD":
        a, b, blk = spec.main_plot, spec.sub_plot, spec.block
        terms = [(blk,), (a,), (blk, a), (b,), (a, b)]
        error_of = {str(blk): _ERROR_A, str(a): _ERROR_A, str(b): _ERROR_B, f"{a}:{b}": _ERROR_B}
        return terms, error_of
    lead: list[Term] = []
    if spec.block is not None:
        lead.append((spec.block,))
    if spec.row is not None:
        lead += [(spec.row,), (spec.column,)]
    f = spec.factors
    effects: list[Term] = [
        combo for order in range(1, len(f) + 1) for combo in itertools.combinations(f, order)
    ]
    terms = lead + effects
    return terms, {_term_name(t): _RESID for t in terms}


# ---------------------------------------------------------------------------
# assumption checks
# ---------------------------------------------------------------------------
def _assumptions(resid: np.ndarray, groups: np.ndarray, scale: float) -> pd.DataFrame:
    from scipy import stats

    rows = []
    spread = float(np.ptp(resid)) if resid.size else 0.0
    degenerate = spread <= 1e-12 * max(scale, 1e-300)
    if resid.size < 3 or degenerate:
        rows.append(
            (
                "Shapiro-Wilk (normality)",
                np.nan,
                np.nan,
                "not computed: too few or constant residuals",
            )
        )
    elif resid.size > 5000:
        rows.append(
            ("Shapiro-Wilk (normality)", np.nan, np.nan, "not computed: more than 5000 residuals")
        )
    else:
        w = stats.shapiro(resid)
        rows.append(("Shapiro-Wilk (normality)", float(w.statistic), float(w.pvalue), ""))
    labels = np.unique(groups)
    samples = [resid[groups == g] for g in labels]
    small = min(len(s) for s in samples) < 2
    if len(samples) < 2 or small or degenerate:
        note = "not computed: a treatment has fewer than 2 plots" if small else "not computed"
        rows.append(("Levene / Brown-Forsythe (equal variances)", np.nan, np.nan, note))
        rows.append(("Bartlett (equal variances)", np.nan, np.nan, note))
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            lev = stats.levene(*samples, center="median")
        stat, p = float(lev.statistic), float(lev.pvalue)
        note = ""
        if not np.isfinite(stat):
            # with two plots per treatment both lie equally far from their median,
            # so the deviations have no spread within treatments and the test is undefined
            stat, p, note = np.nan, np.nan, "not computed: needs 3 or more plots per treatment"
        rows.append(("Levene / Brown-Forsythe (equal variances)", stat, p, note))
        if any(np.ptp(s) <= 1e-12 * scale for s in samples):
            rows.append(
                (
                    "Bartlett (equal variances)",
                    np.nan,
                    np.nan,
                    "not computed: a treatment has no spread",
                )
            )
        else:
            bar = stats.bartlett(*samples)
            rows.append(("Bartlett (equal variances)", float(bar.statistic), float(bar.pvalue), ""))
    return pd.DataFrame(rows, columns=["test", "statistic", "p", "note"])


def _anova_table(
    spec: _Spec,
    names: list[str],
    parts: list[tuple[float, float]],
    error_of: dict[str, str],
    *,
    df_resid: float,
    ss_resid: float,
    ss_total: float,
) -> tuple[pd.DataFrame, list[tuple[str, float, float]], list[tuple[str, Any]]]:
    """The ANOVA table, the error terms ``(name, df, ss)`` and the table's row order.

    Each term is tested against its own error (error a or b of a split-plot,
    else the residual); a term confounded with earlier ones (0 df) is left out
    with a warning, and a zero error gives F = inf.  The whole-plot error of a
    split-plot is removed from ``error_of``: it is an error, not a tested term.
    """
    rows, errors = [], []
    if spec.design == "split-plot RCBD":
        err_a_name = names[2]
        df_a, ss_a = parts[2]
        errors.append((_ERROR_A, df_a, ss_a))
        errors.append((_ERROR_B, df_resid, ss_resid))
        order = [
            (names[0], parts[0]),
            (names[1], parts[1]),
            (_ERROR_A, None),
            (names[3], parts[3]),
            (names[4], parts[4]),
            (_ERROR_B, None),
        ]
        error_of.pop(err_a_name, None)
    else:
        errors.append((_RESID, df_resid, ss_resid))
        order = [(nm, pr) for nm, pr in zip(names, parts, strict=True)] + [(_RESID, None)]

    err_ms = {name: ss_ / df_ for name, df_, ss_ in errors}
    err_df = {name: df_ for name, df_, _ in errors}
    err_ss = {name: ss_ for name, _, ss_ in errors}
    perfect = ss_resid <= 1e-13 * ss_total
    if perfect:
        spec.warn(
            DataWarning,
            "the residual variation is zero: every plot equals its fitted value, so F is infinite. "
            "This happens with copied or made-up values; check the data.",
        )
    from scipy import stats

    for name, part in order:
        if part is None:
            rows.append((name, err_df[name], err_ss[name], err_ms[name], np.nan, np.nan))
            continue
        df_t, ss_t = part
        err = error_of[name]
        ms_t = ss_t / df_t if df_t > 0 else np.nan
        ms_e = err_ms[err]
        if df_t == 0:
            spec.warn(
                DesignWarning,
                f"{name} cannot be estimated: it is confounded with earlier terms of the model "
                "(for example with blocks) and is left out of the table.",
            )
            continue
        if ms_e <= 1e-13 * ss_total / max(err_df[err], 1):
            f_val, p_val = (math.inf, 0.0) if ss_t > 0 else (np.nan, np.nan)
        else:
            f_val = ms_t / ms_e
            p_val = float(stats.f.sf(f_val, df_t, err_df[err]))
        rows.append((name, df_t, ss_t, ms_t, f_val, p_val))
    table = pd.DataFrame(rows, columns=["source", "df", "ss", "ms", "f", "p"])
    return table, errors, order


# ---------------------------------------------------------------------------
# the public function
# ---------------------------------------------------------------------------
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
    ss_type: int | str = 1,
    nan_policy: str = "omit",
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
    ss_type : {1, 2, 3}, default 1
        Sequential sums of squares as R's ``aov`` (1), or type II / type III
        (with sum-to-zero contrasts) as ``car::Anova``.  Split-plots use type 1.
    nan_policy : {'omit', 'raise'}
        Plots with a missing response are left out and counted (``omit``), or
        refused (``raise``).

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
        Non-numeric or all-equal responses, unlabelled plots.
    DesignError
        One treatment level, a single block, no residual degrees of freedom,
        an incomplete split-plot.

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
    Gomez & Gomez (1984).  Tables match R's ``aov``/``anova`` (type I) and
    ``car::Anova`` (types II and III with ``contr.sum``) to 1e-10 relative.

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
    ss = _SS_TYPES.get(ss_type)
    if ss is None:
        raise OptionError(f"ss_type={ss_type!r} is not valid; use 1, 2 or 3 (or 'I', 'II', 'III').")
    nan_policy = _v.check_nan_policy(nan_policy)
    spec = _design_of(treatment, block, row, column, main_plot, sub_plot)
    if spec.design == "split-plot RCBD" and ss != 1:
        raise DesignError(
            "a split-plot is analysed with sequential (type 1) sums of squares; drop ss_type=."
        )
    clean, n_dropped = _prepare(data, response, spec, nan_policy)
    balanced = _check_layout(clean, response, spec, list(data.columns))
    terms, error_of = _terms_of(spec)

    y = clean[response].to_numpy(dtype=float)
    n = y.shape[0]
    factors_used = {f for t in terms for f in t}
    codings_t = {f: _coding(clean[f].values, "treatment") for f in factors_used}
    codings_s = {f: _coding(clean[f].values, "sum") for f in factors_used} if ss == 3 else {}
    e = _shift(y)
    parts, resid, rank = _fit(e, terms, codings_t, codings_s, ss)
    df_resid = float(n - rank)
    ss_resid = _squared_norm(resid)
    ss_total = _squared_norm(e)
    if df_resid < 1:
        raise DesignError(
            f"no residual degrees of freedom: the model uses all {n} plots "
            f"({', '.join(_term_name(t) for t in terms)}), so the error cannot be estimated. "
            "Add replicates, or leave out a term (for example an interaction)."
        )

    names = [_term_name(t) for t in terms]
    table, errors, order = _anova_table(
        spec, names, parts, error_of, df_resid=df_resid, ss_resid=ss_resid, ss_total=ss_total
    )
    err_ms = {name: ss_ / df_ for name, df_, ss_ in errors}

    grand_mean = float(math.fsum(y) / n)
    mse = err_ms[errors[-1][0]]

    def cv_of(ms: float) -> float:
        return 100.0 * math.sqrt(ms) / grand_mean if grand_mean != 0 else np.nan

    errors_frame = pd.DataFrame(
        [(nm, df_, ss_, ss_ / df_, cv_of(ss_ / df_)) for nm, df_, ss_ in errors],
        columns=["error", "df", "ss", "ms", "cv"],
    )
    if ss == 1 and spec.design != "split-plot RCBD":
        r_squared = math.fsum(part[1] for _, part in order if part is not None) / ss_total
    else:
        r_squared = 1.0 - ss_resid / ss_total

    residuals = pd.Series(resid, index=clean.index, name="residual")
    fitted = pd.Series(y - resid, index=clean.index, name="fitted")
    groups = np.asarray(
        pd.Series(
            list(zip(*[clean[f].astype(str) for f in spec.factors], strict=True)), index=clean.index
        ).astype(str)
    )
    assumptions = _assumptions(resid, groups, math.sqrt(ss_total / max(n - 1, 1)))

    messages = []
    for category, message in spec.notes:
        warnings.warn(message, category, stacklevel=2)
        messages.append(message)

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
        mse=float(mse),
        df_resid=df_resid,
        cv=cv_of(mse),
        grand_mean=grand_mean,
        r_squared=float(r_squared),
        errors=errors_frame,
        error_of=error_of,
        n_obs=n,
        n_dropped=n_dropped,
        balanced=balanced,
        ss_type=ss,
        assumptions=assumptions,
        data=clean,
        fitted=fitted,
        residuals=residuals,
        warnings=tuple(messages),
    )
