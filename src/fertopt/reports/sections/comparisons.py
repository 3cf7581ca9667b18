"""Section 3 of the report: multiple comparisons (letters table, sentence and means figure)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from fertopt._core.i18n import label, method_name
from fertopt.multcomp import letter_test
from fertopt.reports.sections.common import NotApplicable

if TYPE_CHECKING:
    from fertopt.reports.sections.context import Context


def _comparison_terms(ctx: Context) -> list[tuple[str | None, Any]]:
    """``(term, within)`` of each comparison: the treatments, or each factor and simple effects."""
    if len(ctx.treatment) == 1:
        return [(None, None)]
    terms: list[tuple[str | None, Any]] = [(str(t), None) for t in ctx.treatment]
    for term, within in ctx.plan.simple_effects:
        terms.append((str(term), within))
    return terms


def _within_text(within: Any) -> str:
    return " × ".join(map(str, within)) if isinstance(within, (list, tuple)) else str(within)


def comparisons_section(ctx: Context) -> list[Any]:
    if ctx.posthoc is None:
        raise NotApplicable(ctx.t("not_requested"))
    aov = ctx.require_anova()
    method = method_name(ctx.posthoc, ctx.lang)
    blocks: list[Any] = []
    # capitals at the 1 % level beside the letters at alpha, as Chinese papers print them
    capitals = {"alpha_capitals": 0.01} if ctx.alpha > 0.01 else {}
    for term, within in _comparison_terms(ctx):
        options: dict[str, Any] = dict(capitals)
        if term is not None:
            options["term"] = term
        if within is not None:
            options["within"] = within
        mc = letter_test(ctx.posthoc, aov, alpha=ctx.alpha, **options)
        ctx.comparisons.append(mc)
        parts = mc.summary_parts(ctx.digits, ctx.lang)
        # the Waller–Duncan test has a k-ratio instead of a level: the titles name it
        suffix = "" if mc.k_ratio is None else "_k"
        level = {"alpha": f"{ctx.alpha:g}"} if mc.k_ratio is None else {"k": f"{mc.k_ratio:g}"}
        groups = mc.groups.assign(treatment=mc.groups["treatment"].astype(str))
        title = ctx.t("comparison_table" + suffix, method=method, **level)
        if within is not None:
            title = (
                f"{ctx.t('simple_effect_term', term=term, within=_within_text(within))}: {title}"
            )
            # simple effects: the letters of one factor at each level of the other, no figure;
            # the column of the other factor's levels is headed by its name
            means = parts["means"]
            labels = {**means.labels, "within": _within_text(within)}
            blocks += [dataclasses.replace(means, title=title, labels=labels), parts["sentence"]]
            continue
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
            ctx.t("fig_means" + suffix, method=method, **level),
            draw,
            size=(min(9.0, max(4.2, 0.5 * len(groups) + 2.0)), 3.6),
        )
    return blocks
