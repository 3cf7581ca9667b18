"""The result of :func:`fertopt.anova.anova`: :class:`AnovaResult` and its display."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.document import Facts, Notes, Summary, Table
from fertopt._core.formatting import ResultBase, f_test_text, format_number
from fertopt.exceptions import OptionError


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
        return layout_text(self)

    def key_terms(self) -> list[str]:
        """The terms whose test is the finding: the treatment, or every non-block term."""
        return key_terms(self)

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


def layout_text(aov: AnovaResult) -> str:
    """The layout in words, e.g. ``"4 treatments, 3 blocks"`` (headline, summary, reports)."""
    if aov.design == "split-plot RCBD":
        k1 = len(aov.data[aov.main_plot].cat.categories)
        k2 = len(aov.data[aov.sub_plot].cat.categories)
        nb = len(aov.data[aov.block].cat.categories)
        return f"{k1} main plots × {k2} sub-plots × {nb} blocks"
    sizes = " × ".join(str(len(aov.data[f].cat.categories)) for f in aov.factors)
    text = f"{sizes} {'treatments' if len(aov.factors) == 1 else 'levels'}"
    if aov.block is not None:
        text += f", {len(aov.data[aov.block].cat.categories)} blocks"
    if aov.row is not None:
        text += f", {len(aov.data[aov.row].cat.categories)} rows × "
        text += f"{len(aov.data[aov.column].cat.categories)} columns"
    return text


def key_terms(aov: AnovaResult) -> list[str]:
    """The treatment terms a verdict is given for (the factor of a one-way analysis)."""
    if len(aov.factors) == 1:
        return [str(aov.factors[0])]
    return [s for s in aov.terms if s not in (aov.block, aov.row, aov.column)]
