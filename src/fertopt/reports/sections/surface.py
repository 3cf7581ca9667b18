"""Section 5 of the report: the N-P-K response surface, its optimum and typicality checks."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from fertopt._core.document import Paragraph
from fertopt._core.formatting import format_value
from fertopt._core.i18n import status_text
from fertopt.reports.sections.common import NotApplicable
from fertopt.surface import fit_surface

if TYPE_CHECKING:
    from fertopt.reports.sections.context import Context


def _rates_text(ctx: Context, rates: Mapping[str, float] | None) -> str:
    if not rates:
        return ctx.t("none")
    return ", ".join(f"{n} {format_value(v, kind='rate')}" for n, v in rates.items())


def surface_section(ctx: Context) -> list[Any]:
    varying = [c for c in ctx.rates if pd.to_numeric(ctx.data[c], errors="coerce").nunique() > 1]
    if len(varying) < 2:
        raise NotApplicable("")
    if ctx.plan.design == "3414":
        raise NotApplicable(ctx.t("t4_rates_in_section"))
    if ctx.plan.design == "omission":
        raise NotApplicable(ctx.t("omission_no_surface"))
    names = {c: ctx.rate_name(c) for c in varying}
    surf = fit_surface(
        ctx.data, response=ctx.response, rates={names[c]: c for c in varying}, block=ctx.block
    )
    ctx.surface = surf
    priced = ctx.prices is not None and all(
        ctx.rates.get(c) is not None and ctx.prices.has(ctx.rates[c]) for c in varying
    )
    blocks = _fit_blocks(ctx, surf)
    if surf.second_order:
        blocks += _canonical_blocks(ctx, surf)
    opt = (
        surf.optimum(prices=ctx.prices, bounds="tested")
        if priced
        else surf.maximum(bounds="tested")
    )
    blocks += _optimum_blocks(ctx, opt, priced)
    if surf.second_order:
        blocks.append(_typicality_table(ctx, surf, priced))
    kind = status_text(surf.canonical().kind, ctx.lang) if surf.second_order else surf.model
    ctx.finding(
        "surface",
        ctx.t(
            "surface_finding",
            kind=kind,
            what=ctx.t("fig_economic" if priced else "max_yield_rates"),
            rates=_rates_text(ctx, opt.rates),
            y=ctx.yield_num(opt.yield_at_rates) if opt.yield_at_rates is not None else "-",
            status=status_text(opt.status, ctx.lang),
        ),
    )
    return blocks + _surface_figure(ctx, surf, opt, priced)


def _fit_blocks(ctx: Context, surf: Any) -> list[Any]:
    """What was fitted, and the fit's own goodness of fit, coefficients and regression ANOVA."""
    parts = surf.summary_parts(ctx.digits, ctx.lang)
    blocks: list[Any] = [
        Paragraph(
            ctx.t("surface_fit", rates=", ".join(surf.nutrients), n=surf.n_obs, k=surf.n_support)
        ),
        parts["fit"],
        # the coefficients and the regression ANOVA under the report's captions
        dataclasses.replace(parts["coefficients"], title=ctx.t("coefficients")),
    ]
    if "anova" in parts:
        blocks.append(dataclasses.replace(parts["anova"], title=ctx.t("surface_anova")))
    return blocks


def _canonical_blocks(ctx: Context, surf: Any) -> list[Any]:
    """Shape of a second-order surface and its stationary point: the analysis's own blocks."""
    parts = surf.canonical().summary_parts(ctx.digits, ctx.lang)
    return [dataclasses.replace(parts["facts"], title=ctx.t("canonical")), parts["message"]]


def _optimum_blocks(ctx: Context, opt: Any, priced: bool) -> list[Any]:
    """The optimum (or maximum) in the tested region: the optimum's own bounds, facts, finding."""
    parts = opt.summary_parts(ctx.digits, ctx.lang, marginal=False)
    blocks: list[Any] = [
        dataclasses.replace(
            parts["bounds"],
            title=ctx.t("surface_optimum_econ" if priced else "surface_optimum_max"),
        ),
        parts["result"],
        parts["message"],
    ]
    if not opt.recommended:
        blocks.append(Paragraph(ctx.t("surface_not_recommended")))
    return blocks


def _typicality_table(ctx: Context, surf: Any, priced: bool) -> Any:
    """The typicality rules of a second-order surface, under a caption with the verdict."""
    typ = surf.typicality(prices=ctx.prices if priced else None)
    rules = typ.summary_parts(ctx.digits, ctx.lang)["rules"]
    return dataclasses.replace(
        rules, title=f"{ctx.t('typicality')}: {status_text(typ.verdict, ctx.lang)}"
    )


def _surface_figure(ctx: Context, surf: Any, opt: Any, priced: bool) -> list[Any]:
    """Contour plot of the surface with its optimum and tested region."""

    def draw(fig: Any, lang: str) -> None:
        from fertopt import plotting

        ax = fig.add_subplot()
        plotting.plot_surface(
            surf, ax=ax, prices=ctx.prices if priced else None, optimum=opt, lang=lang
        )
        ax.set_xlabel(ctx.rate_label(surf.columns[surf.nutrients[0]]))
        ax.set_ylabel(ctx.rate_label(surf.columns[surf.nutrients[1]]))
        for other in fig.axes:
            if other is not ax:  # the colour bar
                other.set_ylabel(ctx.response_label())

    return ctx.figure(
        "surface",
        ctx.t("fig_surface", x=surf.nutrients[0], y=surf.nutrients[1]),
        draw,
        size=(5.6, 4.4),
    )
