"""Section 3 of the report: multiple comparisons (letters table, sentence and means figure)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from fertopt._core.i18n import label, method_name
from fertopt.multcomp import LETTER_TESTS
from fertopt.reports.sections.common import NotApplicable

if TYPE_CHECKING:
    from fertopt.reports.sections.context import Context


def _comparison_terms(ctx: Context, aov: Any) -> list[str | None]:
    if len(ctx.treatment) == 1:
        return [None]
    return [str(t) for t in ctx.treatment]


def comparisons_section(ctx: Context) -> list[Any]:
    if ctx.posthoc is None:
        raise NotApplicable(ctx.t("not_requested"))
    aov = ctx.require_anova()
    test = LETTER_TESTS[ctx.posthoc]
    method = method_name(ctx.posthoc, ctx.lang)
    blocks: list[Any] = []
    # capitals at the 1 % level beside the letters at alpha, as Chinese papers print them
    capitals = {"alpha_capitals": 0.01} if ctx.alpha > 0.01 else {}
    for term in _comparison_terms(ctx, aov):
        options = capitals if term is None else {**capitals, "term": term}
        mc = test(aov, alpha=ctx.alpha, **options)
        ctx.comparisons.append(mc)
        parts = mc.summary_parts(ctx.digits, ctx.lang)
        groups = mc.groups.assign(treatment=mc.groups["treatment"].astype(str))
        title = ctx.t("comparison_table", method=method, alpha=f"{ctx.alpha:g}")
        if term is not None:
            title = f"{ctx.t('factor_term', term=term)}: {title}"
        # the means with their letters and what the letters mean, under the report's caption
        blocks += [dataclasses.replace(parts["means"], title=title), parts["sentence"]]
        best = groups.loc[groups["mean"].idxmax()]
        worst = groups.loc[groups["mean"].idxmin()]
        prefix = "" if term is None else f"{term}: "
        ctx.finding(
            "comparisons",
            prefix
            + ctx.t(
                "highest_lowest",
                best=best["treatment"],
                best_mean=ctx.yield_num(best["mean"]),
                best_letters=best["letters"],
                worst=worst["treatment"],
                worst_mean=ctx.yield_num(worst["mean"]),
                worst_letters=worst["letters"],
            ),
        )

        def draw(fig: Any, lang: str, mc: Any = mc) -> None:
            from fertopt import plotting

            ax = fig.add_subplot()
            plotting.plot_means(mc, ax=ax, order="level", lang=lang)
            ax.set_ylabel(ctx.response_label())
            if len(ctx.treatment) == 1:
                ax.set_xlabel(label("treatment", lang))

        name = "means" if term is None else f"means_{term}"
        blocks += ctx.figure(
            name,
            ctx.t("fig_means", method=method, alpha=f"{ctx.alpha:g}"),
            draw,
            size=(min(9.0, max(4.2, 0.5 * len(groups) + 2.0)), 3.6),
        )
    return blocks
