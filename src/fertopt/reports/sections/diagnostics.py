"""Section 7 of the report: residual diagnostics of the ANOVA (figure and assumption tests)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fertopt._core.document import Table

if TYPE_CHECKING:
    from fertopt.reports.sections.context import Context


def diagnostics_section(ctx: Context) -> list[Any]:
    aov = ctx.require_anova()
    assumptions = aov.assumptions.copy()
    labels = {k: ctx.t(k) for k in ("test", "statistic", "p", "note")}
    blocks: list[Any] = []

    def draw(fig: Any, lang: str) -> None:
        from fertopt import plotting

        plotting.plot_residuals(aov, ax=fig.subplots(1, 2), lang=lang)

    blocks += ctx.figure("residuals", ctx.t("fig_residuals"), draw, size=(7.2, 3.1))
    blocks.append(Table(assumptions, title=ctx.t("assumptions"), labels=labels, formats={"p": "p"}))
    return blocks
