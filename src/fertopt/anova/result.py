"""The result of :func:`fertopt.anova.anova`: :class:`AnovaResult` and its display."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.deferred import deferred_field
from fertopt._core.document import Facts, Summary, Table, localized_table, warnings_notes
from fertopt._core.formatting import (
    ResultBase,
    data_decimals,
    f_test_text,
    fixed,
    format_number,
    format_value,
    p_phrase,
)
from fertopt._core.i18n import (
    check_lang,
    design_name,
    label,
    significance_mark,
    significance_word,
    translate_message,
)
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
        split-plot, each after the terms it tests, and ``"Error c"`` for a
        split-split-plot or strip-plot; their ``f`` and ``p`` are NaN).
        Unrounded.
    design : str
        ``"CRD"``, ``"RCBD"``, ``"Latin square"``, ``"factorial CRD"``,
        ``"factorial RCBD"``, ``"split-plot RCBD"``,
        ``"split-split-plot RCBD"`` or ``"strip-plot RCBD"``.
    response : str
        Name of the response column.
    factors : tuple of str
        Treatment factors (``(main_plot, sub_plot)`` for a split-plot,
        ``(main_plot, sub_plot, sub_sub_plot)`` for a split-split-plot,
        ``(horizontal, vertical)`` for a strip-plot).
    block, row, column, main_plot, sub_plot, sub_sub_plot, horizontal, vertical : str or None
        Columns that played these roles.
    mse, df_resid : float
        Residual mean square and degrees of freedom (error b of a split-plot,
        error c of a split-split-plot or strip-plot).
    cv : float
        Coefficient of variation, ``100·√MSE / grand mean`` (percent).
    grand_mean : float
        Mean of the analysed responses.
    r_squared : float
        Share of the total sum of squares explained by the model terms.
    errors : DataFrame
        ``error | df | ss | ms | cv``, one row per error stratum (CV(a), CV(b),
        CV(c) of the multi-stratum designs).
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
        grouped by treatment.  Computed when first read (most batch readers never
        look at it), then kept.
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
    assumptions: pd.DataFrame = deferred_field()
    data: pd.DataFrame = field(repr=False)
    fitted: pd.Series = field(repr=False)
    residuals: pd.Series = field(repr=False)
    sub_sub_plot: str | None = None
    horizontal: str | None = None
    vertical: str | None = None
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

    @property
    def decimals(self) -> int:
        """Decimals of the response as recorded (:func:`~fertopt._core.formatting.data_decimals`).

        Means, standard deviations and sums of squares are shown with them.
        """
        return data_decimals(self.data[self.response])

    def plot_residuals(self, ax: Any = None, **kwargs: Any) -> Any:
        """Residual diagnostics (residuals vs fitted, normal Q–Q); see :mod:`fertopt.plotting`."""
        from fertopt import plotting

        return plotting.plot_residuals(self, ax=ax, **kwargs)

    # -- display ------------------------------------------------------------
    def layout(self, lang: str = "en") -> str:
        """The layout in words: ``8 treatments, 4 blocks``."""
        return layout_text(self, lang)

    def key_terms(self) -> list[str]:
        """The terms whose test is the finding: the treatment, or every non-block term."""
        return key_terms(self)

    def _test_text(self, name: str, lang: str = "en") -> str:
        row = self.term(name)
        err = self.errors.set_index("error").loc[self.error_of[name]]
        f = "inf" if math.isinf(row["f"]) else f"{row['f']:.2f}"
        df1, df2 = format_number(row["df"]), format_number(err["df"])
        if lang == "en":
            return f"{name} {f_test_text(df1, df2, f, row['p'])}"
        test = label("sm_f_test", lang, df1=df1, df2=df2, f=f, p=p_phrase(row["p"]))
        return f"{name} {test}"

    def _headline(self, lang: str = "en") -> str:
        first = self.key_terms()[0]
        if lang == "en":
            return f"{self.design} {self.layout()} | {self._test_text(first)} | CV {self.cv:.1f}%"
        return label(
            "sm_anova_headline",
            lang,
            design=design_name(self.design, lang),
            layout=self.layout(lang),
            test=self._test_text(first, lang),
            cv=f"{self.cv:.1f}",
        )

    def verdicts(self, lang: str = "en") -> list[str]:
        """The F test of each key term in one sentence, with its significance in words.

        ``"Treatments (trt): highly significant (**; F(7, 21) = 13.20, p < 0.0001)."``
        (highly significant at p ≤ 0.01, significant at p ≤ 0.05).  The summary's
        headline, and the verdict and key findings of a trial report.
        """
        errors = self.errors.set_index("error")
        out = []
        for term in self.key_terms():
            row = self.term(term)
            if len(self.factors) == 1 and term == str(self.factors[0]):
                name = label("treatment_effect", lang, name=term)
            else:
                name = term if lang == "en" or not term.isascii() else f"{term} "
            out.append(
                label(
                    "anova_verdict",
                    lang,
                    term=name,
                    word=significance_word(row["p"], lang),
                    mark=_mark_text(row["p"], lang),
                    df1=format_number(row["df"]),
                    df2=format_number(errors.loc[self.error_of[term], "df"]),
                    f="inf" if not np.isfinite(row["f"]) else f"{row['f']:.2f}",
                    p=p_phrase(row["p"]),
                )
            )
        return out

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks of :meth:`summary`, by name, in order.

        ``design`` (response, design, plots), ``statistics`` (grand mean, CV, MSE,
        R², type of sums of squares), ``table`` (the ANOVA table with F 0.05,
        F 0.01 and significance stars), ``means``, ``assumptions`` and
        ``warnings``.  A trial report embeds some of them as they are.
        """
        lang = check_lang(lang)
        number = fixed(self.decimals)
        dropped = label("sm_dropped_no_response", lang, n=self.n_dropped) if self.n_dropped else ""
        design = f"{self.design}: {self.layout()}"
        if lang != "en":
            design = f"{design_name(self.design, lang)}：{self.layout(lang)}"
        stats_facts = [(label("sm_grand_mean", lang), format_value(self.grand_mean, kind=number))]
        for _, e in self.errors.iterrows():
            name = (
                label("cv", lang)
                if len(self.errors) == 1
                else label("sm_cv_of", lang, error=label(str(e["error"]), lang))
            )
            stats_facts.append((name, format_value(e["cv"], kind="pct")))
        stats_facts += [
            (
                label("sm_mse_df", lang),
                f"{format_value(self.mse, kind=number)} ({format_number(self.df_resid)})",
            ),
            (label("r_squared", lang), f"{self.r_squared:.4f}"),
            (label("sm_ss_type", lang), label(f"ss_type_{self.ss_type}", lang)),
        ]
        assumptions = self.assumptions
        if lang != "en":
            assumptions = assumptions.assign(
                test=[label(_TEST_KEYS.get(t, t), lang) for t in assumptions["test"]],
                note=[translate_message(str(t), lang) for t in assumptions["note"]],
            )
        return {
            "design": Facts(
                [
                    (label("sm_response", lang), str(self.response)),
                    (label("sm_design", lang), design),
                    (label("sm_plots_analysed", lang), f"{self.n_obs}{dropped}"),
                ]
            ),
            "statistics": Facts(stats_facts),
            "table": self._anova_table(lang),
            "means": localized_table(
                self.means(),
                lang,
                title=label("sm_treatment_means", lang),
                formats={"n": "int", "mean": number, "sd": number},
            ),
            "assumptions": localized_table(
                assumptions,
                lang,
                title=label("sm_assumptions", lang),
                formats={"p": "p", "statistic": ".4f"},
                labels={k: label(k, lang) for k in assumptions.columns},
            ),
            "warnings": warnings_notes(self.warnings, lang),
        }

    def _anova_table(self, lang: str) -> Table:
        """The ANOVA table with F 0.05, F 0.01, significance stars and a Total row."""
        from scipy import stats

        errors = self.errors.set_index("error")
        display = self.table.copy()
        err_df = [
            errors.loc[self.error_of[s], "df"] if s in self.error_of else np.nan
            for s in display["source"]
        ]
        for col, level in (("f_05", 0.05), ("f_01", 0.01)):
            display[col] = [
                stats.f.isf(level, d1, d2) if np.isfinite(d2) and d2 > 0 else np.nan
                for d1, d2 in zip(display["df"], err_df, strict=True)
            ]
        display["sig"] = [significance_mark(p, lang) for p in display["p"]]
        total = pd.DataFrame(
            {"source": ["Total"], "df": [self.table["df"].sum()], "ss": [self.table["ss"].sum()]}
        )
        display = pd.concat([display, total], ignore_index=True)
        display["sig"] = display["sig"].fillna("").astype(object)
        display["source"] = [self._source_name(s, lang) for s in display["source"]]
        labels = {k: label(k, lang) for k in ("source", "df", "ss", "ms", "f", "p", "f_05", "f_01")}
        labels["sig"] = ""
        return Table(
            display,
            title=label("sm_anova_table", lang),
            formats={
                "df": "int" if float(self.table["df"].sum()).is_integer() else None,
                "p": "p",
                "ss": fixed(self.decimals),
                "ms": fixed(self.decimals),
                "f": "f",
                "f_05": "f",
                "f_01": "f",
            },
            labels=labels,
            note=label("sig_legend", lang),
        )

    def _source_name(self, source: str, lang: str) -> str:
        """A row of the ANOVA table: errors named in ``lang``, block and treatment labelled."""
        if source in _ERROR_NAMES:
            return label(source, lang)
        if self.block is not None and source == str(self.block):
            if source.lower() in _GENERIC_NAMES:  # a column named "block" is the block
                return label("sm_blocks", lang)
            return label("term_is_block", lang, name=source)
        if len(self.factors) == 1 and source == str(self.factors[0]):
            if source.lower() in _GENERIC_NAMES:
                return label("treatments", lang)
            return label("term_is_treatment", lang, name=source)
        return source

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        return Summary(
            label("sm_anova_title", lang, response=self.response),
            list(self.summary_parts(digits, lang).values()),
            headline=" ".join(self.verdicts(lang)),
            digits=digits,
        )


def _mark_text(p: float, lang: str) -> str:
    """The mark of a verdict with its separator: ``**; `` (nothing for an unmarked result)."""
    mark = significance_mark(p, lang)
    return f"{mark}; " if lang == "en" and mark else (f"{mark}，" if mark else "")


#: Column names that only say their role: the ANOVA table names the role alone.
_GENERIC_NAMES = {"block", "blocks", "treatment", "treatments", "区组", "处理"}
#: Error rows of an ANOVA table, named in the report language.
_ERROR_NAMES = ("Residuals", "Total", "Error a", "Error b", "Error c")
#: Assumption checks → the keys of their names.
_TEST_KEYS = {
    "Shapiro-Wilk (normality)": "test_shapiro",
    "Levene / Brown-Forsythe (equal variances)": "test_levene",
    "Bartlett (equal variances)": "test_bartlett",
}


def layout_text(aov: AnovaResult, lang: str = "en") -> str:
    """The layout in words, e.g. ``"4 treatments, 3 blocks"`` (headline, summary, reports)."""

    def count(col: Any) -> int:
        return len(aov.data[col].cat.categories)

    if aov.design == "split-plot RCBD":
        k1, k2, nb = count(aov.main_plot), count(aov.sub_plot), count(aov.block)
        return label("layout_split_plot", lang, k1=k1, k2=k2, b=nb)
    if aov.design == "split-split-plot RCBD":
        k1, k2, k3 = (count(f) for f in aov.factors)
        return label("layout_split_split_plot", lang, k1=k1, k2=k2, k3=k3, b=count(aov.block))
    if aov.design == "strip-plot RCBD":
        kh, kv = (count(f) for f in aov.factors)
        return label("layout_strip_plot", lang, kh=kh, kv=kv, b=count(aov.block))
    if len(aov.factors) == 1:
        text = label("layout_treatments", lang, k=count(aov.factors[0]))
    else:
        sizes = " × ".join(str(count(f)) for f in aov.factors)
        text = label("layout_levels", lang, sizes=sizes)
    sep = label("layout_sep", lang)
    if aov.block is not None:
        text += sep + label("layout_blocks", lang, b=count(aov.block))
    if aov.row is not None:
        text += sep + label("layout_rows_columns", lang, r=count(aov.row), c=count(aov.column))
    return text


def key_terms(aov: AnovaResult) -> list[str]:
    """The treatment terms a verdict is given for (the factor of a one-way analysis)."""
    if len(aov.factors) == 1:
        return [str(aov.factors[0])]
    return [s for s in aov.terms if s not in (aov.block, aov.row, aov.column)]
