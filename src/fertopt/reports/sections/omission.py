"""Section 6 of the report: omission plots (true minus plots) and reduced-rate plots.

The plan (:func:`fertopt.plan_analysis`) says which treatments are the full formula, the minus
plots (the nutrient not applied) and the control, recognised from their names or rates, and
which plots only lower a nutrient.  Omission indices (relative yield, agronomic efficiency,
value-cost ratio ...) are computed for the true minus plots only; a reduced-rate plot gets its
own section: its yield difference from the full formula with the ANOVA's standard error.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fertopt._core.document import Paragraph, Table
from fertopt._core.formatting import format_p
from fertopt._core.i18n import label, significance_mark
from fertopt.omission import omission
from fertopt.reports.sections.common import NotApplicable

if TYPE_CHECKING:
    from fertopt.reports.sections.context import Context


def omission_section(ctx: Context) -> list[Any]:
    spec = ctx.plan.omission
    if spec is None:
        raise NotApplicable(ctx.t("omission_only_reduced") if ctx.plan.reduced else "")
    kwargs = dict(spec)
    if ctx.rates and "rates" not in kwargs:
        kwargs["rates"] = {c: n for c, n in ctx.rates.items() if n is not None}
    if ctx.prices is not None and kwargs.get("rates") is not None:
        kwargs.setdefault("prices", ctx.prices)
    result = omission(
        ctx.data,
        response=ctx.response,
        treatment=ctx.treatment[0],
        block=ctx.block,
        alpha=ctx.alpha,
        **kwargs,
    )
    ctx.omission_result = result
    # the analysis's own layout, tables (indices named in words, the economics without the SE
    # of income) and notes
    parts = result.summary_parts(ctx.digits, ctx.lang, income_se=False, index_names="words")
    blocks: list[Any] = [parts["layout"]]
    blocks += [parts[k] for k in ("indices", "economics", "soil_supply") if k in parts]
    if parts["notes"].items:
        blocks.append(dataclasses.replace(parts["notes"], title=None))
    ry = result.indices.loc[result.indices["index"] == "relative_yield"]
    if len(ry):
        parts = [
            ctx.t(
                "om_ry_part", nutrient=r["nutrient"], ry=f"{r['estimate']:.1f}", se=f"{r['se']:.1f}"
            )
            for _, r in ry.iterrows()
        ]
        ctx.finding("omission", ctx.t("om_finding", parts=ctx.t("layout_sep").join(parts)))

        def draw(fig: Any, lang: str) -> None:
            from fertopt import plotting

            ax = fig.add_subplot()
            plotting.plot_omission(result, ax=ax, index="relative_yield", lang=lang)
            ax.set_ylabel(label("ix_relative_yield", lang) + " (%)")
            ax.set_title("")
            plotting.tidy_axes(ax)

        caption = ctx.t("fig_omission")
        if len(result.soil_supply):
            caption += " " + ctx.t("fig_omission_classes")
        blocks += ctx.figure("omission", caption, draw, size=(4.6, 3.4))
    return blocks


# ---------------------------------------------------------------------------
# reduced-rate plots
# ---------------------------------------------------------------------------
def _rate_of(ctx: Context, label_: Any, nutrient: str) -> float:
    """The rate of ``nutrient`` in the plots of treatment ``label_`` (NaN when unknown)."""
    column = next(
        (c for c, form in ctx.rates.items() if (form or str(c)) == nutrient or str(c) == nutrient),
        None,
    )
    if column is None:
        return math.nan
    values = pd.to_numeric(
        ctx.data.loc[ctx.data[ctx.treatment[0]] == label_, column], errors="coerce"
    ).dropna()
    return float(values.iloc[0]) if len(values) else math.nan


def reduced_section(ctx: Context) -> list[Any]:
    """Plots that lower a nutrient without omitting it: the yield difference, and no indices."""
    reduced = ctx.plan.reduced
    full = ctx.plan.full
    if not reduced or full is None:
        raise NotApplicable("")
    aov = ctx.require_anova()
    from scipy import stats

    means = aov.means()
    term = str(ctx.treatment[0])
    by_label = {str(r[term]): r for _, r in means.iterrows()}
    top = by_label.get(str(full))
    rows = []
    for nutrient, label_ in reduced.items():
        row = by_label.get(str(label_))
        if row is None or top is None:
            continue
        diff = float(row["mean"]) - float(top["mean"])
        se = math.sqrt(aov.mse * (1.0 / float(row["n"]) + 1.0 / float(top["n"])))
        p = float(2 * stats.t.sf(abs(diff) / se, aov.df_resid)) if se > 0 else math.nan
        rows.append(
            {
                "treatment": str(label_),
                "nutrient": nutrient,
                "rate": _rate_of(ctx, label_, nutrient),
                "full_rate": _rate_of(ctx, full, nutrient),
                "mean": float(row["mean"]),
                "full_mean": float(top["mean"]),
                "difference": diff,
                "se": se,
                "p": p,
                "sig": significance_mark(p, ctx.lang),
            }
        )
    if not rows:
        raise NotApplicable("")
    frame = pd.DataFrame(rows)
    labels = {k: ctx.t(f"rd_{k}") for k in frame.columns}
    labels["sig"] = ""
    labels["treatment"] = ctx.t("treatment")
    table = Table(
        frame,
        title=ctx.t("rd_table", full=str(full)),
        labels=labels,
        formats={"p": "p"},
        note=ctx.t("sig_marks_legend"),
    )
    parts = []
    for r in rows:
        rates = (
            ctx.t("rd_rates", rate=ctx.num(r["rate"]), full=ctx.num(r["full_rate"]))
            if np.isfinite(r["rate"]) and np.isfinite(r["full_rate"])
            else ""
        )
        parts.append(
            ctx.t(
                "rd_part",
                treatment=r["treatment"],
                nutrient=r["nutrient"],
                rates=rates,
                diff=f"{r['difference']:+.1f}",
                test=ctx.t(
                    "rd_test_sig" if r["sig"] else "rd_test", p=format_p(r["p"]), sig=r["sig"]
                ),
            )
        )
    ctx.finding(
        "reduced", ctx.t("rd_finding", full=str(full), parts=ctx.t("layout_sep").join(parts))
    )
    return [Paragraph(ctx.t("rd_intro")), table]
