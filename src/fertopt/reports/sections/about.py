"""The closing "about" section of the report: software, options and notes on skipped sections."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from fertopt._core.document import Facts, Notes
from fertopt._core.i18n import label, method_name, model_name, unit_text
from fertopt._version import __version__

if TYPE_CHECKING:
    from fertopt.reports.sections.context import Context


def prices_text(prices: Any, lang: str) -> str:
    """The prices in words: ``crop 2.8 yuan/kg; N 6.25, P2O5 4.67 yuan/kg`` (作物 2.8 元/kg …)."""
    forms = getattr(prices, "forms", None)
    if forms is None or not hasattr(prices, "crop"):
        return repr(prices)
    currency = prices.currency or ""
    crop = unit_text(f"{currency}/{prices.crop_unit}" if currency else prices.crop_unit, lang)
    unit = unit_text(f"{currency}/{prices.nutrient_unit}" if currency else "", lang)
    sep = "、" if lang == "zh" else ", "
    each = sep.join(
        label("price_each", lang, form=f, price=f"{getattr(prices, f):g}") for f in forms
    )
    return label(
        "prices_text",
        lang,
        crop=f"{prices.crop:g} {crop}".strip(),
        nutrients=f"{each} {unit}".strip(),
    ).rstrip("；; ")


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
        opts.append((ctx.t("prices"), prices_text(ctx.prices, ctx.lang)))
    blocks: list[Any] = [Facts(opts, title=ctx.t("options"))]
    skipped = [
        f"{s.title}: {s.reason}" for s in sections if s.status == "not_applicable" and s.reason
    ]
    notes = skipped + list(ctx.display_notes) + [ctx.t("rounding_note")]
    blocks.append(Notes(notes, title=None))
    return blocks
