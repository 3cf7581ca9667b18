"""Section 2 of the report: the analysis of variance table, CV and verdicts in words.

Also the design line (``layout_text``) that the data section shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fertopt._core.document import Facts, Paragraph, Table
from fertopt._core.formatting import format_number, p_phrase
from fertopt._core.i18n import design_name, significance_word

if TYPE_CHECKING:
    from fertopt.reports.sections.context import Context


def layout_text(ctx: Context, aov: Any) -> str:
    data = aov.data
    if len(aov.factors) == 1:
        parts = [ctx.t("layout_treatments", k=len(data[aov.factors[0]].cat.categories))]
    else:
        sizes = " × ".join(str(len(data[f].cat.categories)) for f in aov.factors)
        parts = [ctx.t("layout_levels", sizes=sizes)]
    if aov.block is not None:
        parts.append(ctx.t("layout_blocks", b=len(data[aov.block].cat.categories)))
    return design_name(aov.design, ctx.lang) + ": " + ctx.t("layout_sep").join(parts)


def _term_label(ctx: Context, term: str) -> str:
    if len(ctx.treatment) == 1 and term == str(ctx.treatment[0]):
        return ctx.t("treatment_effect", name=term)
    return term if ctx.lang == "en" or not term.isascii() else f"{term} "


def _sig_mark(p: float) -> str:
    if not np.isfinite(p):
        return ""
    return "**" if p <= 0.01 else "*" if p <= 0.05 else ""


def _source_name(ctx: Context, aov: Any, source: str) -> str:
    if source in ("Residuals", "Total", "Error a", "Error b"):
        return ctx.t(source)
    if ctx.block is not None and source == str(ctx.block):
        return ctx.t("term_is_block", name=source)
    if len(ctx.treatment) == 1 and source == str(ctx.treatment[0]):
        return ctx.t("term_is_treatment", name=source)
    return source


def anova_section(ctx: Context) -> list[Any]:
    from scipy import stats

    aov = ctx.run_anova()
    errors = aov.errors.set_index("error")
    table = aov.table.copy()
    err_df = [
        errors.loc[aov.error_of[s], "df"] if s in aov.error_of else np.nan for s in table["source"]
    ]
    table["f_05"] = [
        stats.f.isf(0.05, d1, d2) if np.isfinite(d2) and d2 > 0 else np.nan
        for d1, d2 in zip(table["df"], err_df, strict=True)
    ]
    table["f_01"] = [
        stats.f.isf(0.01, d1, d2) if np.isfinite(d2) and d2 > 0 else np.nan
        for d1, d2 in zip(table["df"], err_df, strict=True)
    ]
    table["sig"] = [_sig_mark(p) for p in table["p"]]
    total = pd.DataFrame(
        {"source": ["Total"], "df": [aov.table["df"].sum()], "ss": [aov.table["ss"].sum()]}
    )
    table = pd.concat([table, total], ignore_index=True)
    table["source"] = [_source_name(ctx, aov, s) for s in table["source"]]
    table["sig"] = table["sig"].fillna("").astype(object)
    integer_df = float(aov.table["df"].sum()).is_integer()
    labels = {k: ctx.t(k) for k in ("source", "df", "ss", "ms", "f", "p", "f_05", "f_01")}
    labels["sig"] = ""
    facts = [(ctx.t("grand_mean"), ctx.num(aov.grand_mean, ctx.digits + 1))]
    for _, e in aov.errors.iterrows():
        name = ctx.t("cv") if len(aov.errors) == 1 else f"{ctx.t('cv')} ({ctx.t(str(e['error']))})"
        facts.append((name, f"{e['cv']:.2f} %"))
    facts.append(
        (ctx.t("mse_df"), f"{ctx.num(aov.mse, ctx.digits + 1)} ({format_number(aov.df_resid)})")
    )
    facts.append((ctx.t("r_squared"), f"{aov.r_squared:.4f}"))
    verdicts = []
    for term in aov.key_terms():
        row = aov.term(term)
        err = errors.loc[aov.error_of[term]]
        f_text = "inf" if not np.isfinite(row["f"]) else f"{row['f']:.2f}"
        p_text = p_phrase(row["p"])
        sentence = ctx.t(
            "anova_verdict",
            term=_term_label(ctx, term),
            word=significance_word(row["p"], ctx.lang),
            df1=format_number(row["df"]),
            df2=format_number(err["df"]),
            f=f_text,
            p=p_text,
        )
        verdicts.append(sentence)
        ctx.finding("anova", sentence)
    cv_sentence = ctx.t(
        "cv_sentence", cv=f"{aov.cv:.2f}", mean=ctx.num(aov.grand_mean, ctx.digits + 1)
    )
    ctx.finding("anova", cv_sentence)
    return [
        Facts(facts),
        Table(
            table,
            title=ctx.t("anova_table"),
            labels=labels,
            note=ctx.t("sig_legend"),
            formats={"df": "int" if integer_df else None, "p": "p"},
        ),
        Paragraph(" ".join(verdicts)),
    ]
