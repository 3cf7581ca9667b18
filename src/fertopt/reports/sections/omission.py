"""Section 6 of the report: omission plots (detected from treatment names or given).

``_detect_omission`` recognises the full, minus-one and control treatments by their usual
English and Chinese names (``NPK``/``PK``/``CK``, ``配方``/``缺氮``/``空白`` ...).
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

from fertopt._core.i18n import label
from fertopt.omission import omission
from fertopt.reports.sections.common import NotApplicable

if TYPE_CHECKING:
    from fertopt.reports.sections.context import Context


_FULL = {"npk", "opt", "formula", "fullformula", "全肥", "配方", "配方区", "配方施肥", "全肥区"}
_CONTROL = {
    "ck",
    "control",
    "blank",
    "nofertilizer",
    "空白",
    "空白区",
    "不施肥",
    "不施肥区",
    "对照",
    "0",
}


def _minus_names(letter: str, zh: str) -> set[str]:
    return {
        {"n": "pk", "p": "nk", "k": "np"}[letter],
        f"-{letter}",
        f"npk-{letter}",
        f"reduced{letter}",
        f"minus{letter}",
        f"no{letter}",
        f"缺{letter}",
        f"无{letter}",
        f"减{letter}",
        f"不施{letter}",
        f"缺{zh}",
        f"减{zh}",
        f"无{zh}",
        f"缺{zh}区",
        f"减{zh}区",
        f"无{zh}区",
        f"不施{zh}",
    }


_MINUS = {
    "N": _minus_names("n", "氮"),
    "P2O5": _minus_names("p", "磷"),
    "K2O": _minus_names("k", "钾"),
}


def _detect_omission(ctx: Context) -> dict[str, Any] | None:
    if len(ctx.treatment) != 1:
        return None
    labels = {
        re.sub(r"\s+", "", str(v)).lower(): v for v in ctx.data[ctx.treatment[0]].dropna().unique()
    }
    full = [v for k, v in labels.items() if k in _FULL]
    minus = {n: [v for k, v in labels.items() if k in names] for n, names in _MINUS.items()}
    minus = {n: v[0] for n, v in minus.items() if len(v) == 1}
    if len(full) != 1 or not minus:
        return None
    spec: dict[str, Any] = {"full": full[0], "minus": minus}
    control = [v for k, v in labels.items() if k in _CONTROL]
    if len(control) == 1:
        spec["control"] = control[0]
    return spec


def omission_section(ctx: Context) -> list[Any]:
    spec = dict(ctx.omission_spec) if ctx.omission_spec else _detect_omission(ctx)
    if spec is None:
        if ctx.omission_spec is None:
            raise NotApplicable("")
        raise NotApplicable(ctx.t("omission_not_detected"))
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
