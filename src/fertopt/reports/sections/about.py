"""The closing "about" section of the report: software, options and notes on skipped sections."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from fertopt._core.document import Facts, Notes
from fertopt._core.i18n import method_name, model_name
from fertopt._version import __version__

if TYPE_CHECKING:
    from fertopt.reports.sections.context import Context


def about_blocks(ctx: Context, sections: Sequence[Any]) -> list[Any]:
    opts = [(ctx.t("software"), f"fertopt {__version__}")]
    if ctx.posthoc is not None:
        opts.append(
            (ctx.t("sec_comparisons"), f"{method_name(ctx.posthoc, ctx.lang)}, α = {ctx.alpha:g}")
        )
    if ctx.rates:
        opts.append(
            (
                ctx.t("sec_response"),
                model_name(ctx.model, ctx.lang) if ctx.model != "best" else "AICc",
            )
        )
    if ctx.prices is not None:
        opts.append((ctx.t("prices"), repr(ctx.prices)))
    blocks: list[Any] = [Facts(opts, title=ctx.t("options"))]
    skipped = [
        f"{s.title}: {s.reason}" for s in sections if s.status == "not_applicable" and s.reason
    ]
    notes = skipped + list(ctx.display_notes) + [ctx.t("rounding_note")]
    blocks.append(Notes(notes, title=None))
    return blocks
