"""Section 2 of the report: the ANOVA's statistics and table (its summary's blocks), verdicts."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from fertopt._core.document import Paragraph
from fertopt._core.formatting import fixed, format_value

if TYPE_CHECKING:
    from fertopt.reports.sections.context import Context


def anova_section(ctx: Context) -> list[Any]:
    """The ANOVA's own statistics and table (from its summary) and its verdicts."""
    aov = ctx.run_anova()
    parts = ctx.anova_parts()
    verdicts = aov.verdicts(ctx.lang)
    for sentence in verdicts:
        ctx.finding("anova", sentence)
    # percentages to 0.1, the mean at the data's decimals (fertopt._core.formatting)
    cv_sentence = ctx.t(
        "cv_sentence",
        cv=f"{aov.cv:.1f}",
        mean=format_value(aov.grand_mean, kind=fixed(aov.decimals)),
    )
    ctx.finding("anova", cv_sentence)
    # the table keeps the report's caption ("Table 2. Analysis of variance"); "ANOVA table"
    # is the summary's heading of the same block
    table = dataclasses.replace(parts["table"], title=ctx.t("anova_table"))
    return [parts["statistics"], table, Paragraph(" ".join(verdicts))]
