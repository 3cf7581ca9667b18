"""Section 7 of the report: residual diagnostics (figure, and the ANOVA's assumption checks)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fertopt.reports.sections.context import Context


def diagnostics_section(ctx: Context) -> list[Any]:
    aov = ctx.require_anova()
    blocks: list[Any] = []

    def draw(fig: Any, lang: str) -> None:
        from fertopt import plotting

        plotting.plot_residuals(aov, ax=fig.subplots(1, 2), lang=lang)

    blocks += ctx.figure("residuals", ctx.t("fig_residuals"), draw, size=(7.2, 3.1))
    blocks.append(ctx.anova_parts()["assumptions"])
    return blocks
