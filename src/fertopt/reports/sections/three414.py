"""The 3414 section of the report: :func:`fertopt.three414` on the trial, its blocks and figure.

A trial the plan recognises as 3414 gets the standard 3414 analysis here (fits on the standard
subsets with their typicality verdicts, the ternary → binary → univariate cascade, relative
yields and abundance classes, the recommended rates) instead of the response-curve and surface
sections, so that the report recommends exactly what ``fertopt.three414`` recommends.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

from fertopt._core.document import Paragraph
from fertopt._core.i18n import three414_fit_name
from fertopt.reports.sections.common import NotApplicable
from fertopt.three414 import three414

if TYPE_CHECKING:
    from fertopt.reports.sections.context import Context


def run_three414(ctx: Context) -> Any:
    """:func:`fertopt.three414` with the report's roles and prices (the rates in N, P, K order)."""
    columns = list(ctx.rates)[:3]
    return three414(
        ctx.data,
        response=ctx.response,
        rates={ctx.rate_name(c): c for c in columns},
        block=ctx.block,
        prices=ctx.prices,
        alpha=ctx.alpha,
    )


def three414_section(ctx: Context) -> list[Any]:
    if ctx.plan.design != "3414":
        raise NotApplicable("")
    result = run_three414(ctx)
    ctx.three414 = result
    parts = result.summary_parts(ctx.digits, ctx.lang)
    blocks: list[Any] = [
        Paragraph(ctx.t("t4_intro")),
        parts["facts"],
        dataclasses.replace(parts["recommendations"], title=ctx.t("t4_recommendations_table")),
        parts["cascade"],
        parts["relative_yield"],
        parts["fits"],
    ]
    if parts["notes"].text:
        blocks.append(parts["notes"])
    _finding(ctx, result)

    def draw(fig: Any, lang: str) -> None:
        from fertopt import plotting

        axes = fig.subplots(1, 3)
        plotting.plot_three414(result, ax=axes, lang=lang)
        axes[0].set_ylabel(ctx.response_label())

    blocks += ctx.figure("three414", ctx.t("t4_fig_caption"), draw, size=(10.5, 3.8))
    return blocks


def _finding(ctx: Context, result: Any) -> None:
    """The key-findings sentence: each nutrient's rate and where it comes from, and its class."""
    columns = list(ctx.rates)[:3]
    parts = []
    for column, r in zip(columns, result.recommendations.itertuples(), strict=True):
        rate = ctx.rate_num(column, r.rate) if math.isfinite(r.rate) else ctx.t("t4_none")
        source = three414_fit_name(r.source, ctx.lang) if r.source != "none" else ctx.t("t4_none")
        parts.append(ctx.t("t4_finding_part", nutrient=r.nutrient, rate=rate, source=source))
    classes = [
        ctx.t(
            "t4_finding_ry",
            nutrient=r.nutrient,
            ry=f"{r.relative_yield:.1f}",
            cls=ctx.t(f"supply_{r.abundance}") if r.abundance else "-",
        )
        for r in result.relative_yield.itertuples()
    ]
    ctx.finding(
        "three414",
        ctx.t(
            "t4_finding",
            what=ctx.t("t4_rates_economic" if result.economic else "t4_rates_maximum"),
            parts=ctx.t("layout_sep").join(parts),
            classes=ctx.t("layout_sep").join(classes),
        ),
    )
