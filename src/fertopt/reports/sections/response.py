"""Section 4 of the report: response curves, model comparison and optima, one per nutrient."""

from __future__ import annotations

import dataclasses
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fertopt._core.document import Notes, Paragraph, Table
from fertopt._core.formatting import format_number, format_value
from fertopt._core.i18n import (
    as_message,
    model_name,
    status_text,
    translate_message,
    unit_text,
)
from fertopt.exceptions import FertoptError
from fertopt.reports.sections.common import NotApplicable
from fertopt.response import compare_models

if TYPE_CHECKING:
    from fertopt.reports.sections.context import Context


def _series(ctx: Context, column: str) -> tuple[pd.DataFrame, str, str]:
    """Plots where the other rate columns are constant, with the most rates of ``column``.

    Returns the plots, the series in words (``plots with P2O5 = 0``) and the slice alone
    (``P2O5 = 0``; empty when there are no other rate columns).
    """
    frame = ctx.data
    others = [c for c in ctx.rates if c != column]
    if not others:
        return frame, ctx.t("series_all"), ""
    values = frame[others].apply(pd.to_numeric, errors="coerce")
    keys = values.round(9).astype(str).agg("|".join, axis=1)
    rate = pd.to_numeric(frame[column], errors="coerce")
    best_key = max(keys.unique(), key=lambda k: (rate[keys == k].nunique(), int((keys == k).sum())))
    subset = frame.loc[keys == best_key]
    fixed = ", ".join(
        f"{ctx.rate_name(c)} = {format_number(values.loc[subset.index[0], c])}" for c in others
    )
    return subset, ctx.t("series_fixed", fixed=fixed), fixed


def _optimum_row(ctx: Context, opt: Any, kind_key: str) -> dict[str, Any]:
    lo, hi = opt.ci if opt.ci is not None else (np.nan, np.nan)
    return {
        "kind": ctx.t(kind_key),
        "rate": opt.rate,
        "ci_low": lo,
        "ci_high": hi,
        "yield_at_rate": opt.yield_at_rate,
        "net_return": opt.net_return,
        "status": status_text(opt.status, ctx.lang),
    }


def _ci_text(ctx: Context, opt: Any) -> str:
    level = ctx.t("ci", level=f"{100 * opt.confidence_level:g}")
    if opt.ci is None:
        return f"{level}: -"
    lo, hi = opt.ci
    bound = "" if opt.ci_bounded else ctx.t("unbounded")
    rate = "rate"  # rates to 0.1 (fertopt._core.formatting)
    return f"{level} {format_value(lo, kind=rate)}–{format_value(hi, kind=rate)}{bound}"


def _response_of(ctx: Context, column: str, blocks: list[Any]) -> None:
    """Fit, compare and optimise one nutrient; append its blocks."""
    nutrient = ctx.rate_name(column)
    series, described, fixed = _series(ctx, column)
    levels = sorted(pd.to_numeric(series[column], errors="coerce").dropna().unique())
    if len(levels) < 3:
        raise NotApplicable(
            ctx.t(
                "too_few_rates",
                nutrient=nutrient,
                k=len(levels),
                s="" if len(levels) == 1 else "s",
                levels=", ".join(format_number(v) for v in levels),
            )
        )
    cmp, fit = _chosen_fit(ctx, column, series)
    ctx.fits[str(column)] = fit
    name = model_name(fit.model, ctx.lang)
    blocks.append(
        Paragraph(
            ctx.t(
                "response_model",
                nutrient=nutrient,
                model=name,
                n=fit.n_obs,
                k=len(levels),
                series=described,
            )
        )
    )
    blocks += _fit_blocks(ctx, cmp, fit, nutrient)
    agro, econ = _optima(ctx, column, fit, blocks)
    better = _better_model(ctx, cmp, fit, column)
    if better:
        blocks.append(Paragraph(better))
    _optimum_finding(ctx, column, agro, econ, fixed, better)
    blocks += _response_figures(ctx, column, fit, econ)


def _chosen_fit(ctx: Context, column: str, series: pd.DataFrame) -> tuple[Any, Any]:
    """All candidate models compared, and the fit of the model the report asks for."""
    cmp = compare_models(
        series,
        response=ctx.response,
        rate=column,
        block=ctx.block,
        nutrient=ctx.rates[column],
        other_rates=[c for c in ctx.rates if c != column],
    )
    model = ctx.model
    if model == "best":
        return cmp, cmp.best("aicc")
    if model in cmp.fits:
        return cmp, cmp.fits[model]
    row = cmp.table.loc[cmp.table["model"] == model]
    reason = translate_message(row["message"].iloc[0], ctx.lang) if len(row) else ""
    raise FertoptError(
        ctx.t(
            "model_not_fitted",
            nutrient=ctx.rate_name(column),
            model=model_name(model, ctx.lang),
            reason=reason,
        )
    )


def _fit_blocks(ctx: Context, cmp: Any, fit: Any, nutrient: str) -> list[Any]:
    """The fitted equation with its goodness of fit, the model comparison and the parameters."""
    parts = fit.summary_parts(ctx.digits, ctx.lang)
    # the comparison's own table (AICc only, the criterion the report chooses by) and the fit's
    # parameter table, under the report's captions
    comparison = dataclasses.replace(
        cmp.summary_parts(ctx.digits, ctx.lang, criteria="aicc")["table"],
        title=ctx.t("model_comparison", nutrient=nutrient),
    )
    parameters = dataclasses.replace(
        parts["params"],
        title=ctx.t("parameters", nutrient=nutrient, model=model_name(fit.model, ctx.lang)),
    )
    return [parts["fit"], comparison, parameters]


def _optima(ctx: Context, column: str, fit: Any, blocks: list[Any]) -> tuple[Any, Any]:
    """Agronomic and (with a price for the nutrient) economic optimum; appends their table."""
    nutrient = ctx.rate_name(column)
    form = ctx.rates[column]
    agro = fit.optimum()
    optima = [agro]
    rows = [_optimum_row(ctx, agro, "agronomic_optimum")]
    econ = None
    if ctx.prices is None:
        blocks.append(Paragraph(ctx.t("no_prices")))
    elif form is None or not ctx.prices.has(form):
        blocks.append(Paragraph(ctx.t("no_price_for", nutrient=nutrient)))
    else:
        econ = fit.optimum(prices=ctx.prices)
        optima.append(econ)
        rows.append(_optimum_row(ctx, econ, "economic_optimum"))
    ctx.optima[str(column)] = optima
    frame = pd.DataFrame(rows)
    if econ is None:
        frame = frame.drop(columns="net_return")
    unit = ""
    if econ is not None and econ.net_return_unit:
        unit = f" ({unit_text(econ.net_return_unit, ctx.lang)})"
    labels = {k: ctx.t(k) for k in ("kind", "rate", "ci_low", "ci_high", "yield_at_rate", "status")}
    labels["net_return"] = ctx.t("net_return") + unit
    note = None
    if econ is not None and econ.price_ratio_text:
        note = f"{ctx.t('price_ratio')}: {translate_message(econ.price_ratio_text, ctx.lang)}"
    blocks.append(
        Table(
            frame,
            title=ctx.t("optima_table", nutrient=nutrient),
            labels=labels,
            formats={
                "rate": "rate",
                "ci_low": "rate",
                "ci_high": "rate",
                "yield_at_rate": ctx.yield_kind,
                "net_return": "money",
            },
            note=note,
        )
    )
    # one note per line, each in the report's language
    messages = [translate_message(o.message, ctx.lang) for o in optima if o.message]
    if messages:
        blocks.append(Notes(list(dict.fromkeys(messages)), title=None))
    return agro, econ


def _better_model(ctx: Context, cmp: Any, fit: Any, column: str) -> str:
    """A sentence when another model fits clearly better (ΔAICc ≥ 2), with its optimum; else ""."""
    table = cmp.table.set_index("model")
    if fit.model not in table.index or not np.isfinite(table.loc[fit.model, "delta_aicc"]):
        return ""
    delta = float(table.loc[fit.model, "delta_aicc"])
    if delta < 2:
        return ""
    best = cmp.best("aicc")
    priced = ctx.prices is not None and ctx.rates.get(column) and ctx.prices.has(ctx.rates[column])
    with warnings.catch_warnings():
        # the better model's optimum is quoted, not reported: its warnings would repeat the
        # model comparison's
        warnings.simplefilter("ignore")
        opt = best.optimum(prices=ctx.prices) if priced else best.optimum()
    what = ctx.t("better_what_econ" if priced else "better_what_agro")
    rate = (
        ctx.rate_num(column, opt.rate)
        if np.isfinite(opt.rate)
        else status_text(opt.status, ctx.lang)
    )
    if np.isfinite(opt.rate) and opt.status != "ok":
        rate += " " + ctx.t("status_note", status=status_text(opt.status, ctx.lang))
    return ctx.t(
        "better_model" if np.isfinite(opt.rate) else "better_model_no_rate",
        better=model_name(best.model, ctx.lang),
        shown=model_name(fit.model, ctx.lang),
        delta=f"{delta:.1f}",
        weight=f"{float(table.loc[best.model, 'weight']):.2f}",
        what=what,
        rate=rate,
    )


def _joined(ctx: Context, *sentences: str) -> str:
    """Sentences one after the other (a space between them in English, none in Chinese)."""
    return ("" if ctx.lang == "zh" else " ").join(s for s in sentences if s)


def _optimum_finding(
    ctx: Context, column: str, agro: Any, econ: Any, fixed: str = "", better: str = ""
) -> None:
    """The key-findings sentence on the recommended rate (economic when priced).

    It names the slice the curve was fitted on (``P2O5 (at N = 0)``) and, when another model
    fits clearly better, says so with that model's optimum.
    """
    nutrient = ctx.rate_name(column)
    if fixed:
        nutrient = ctx.t("nutrient_at_slice", nutrient=nutrient, fixed=fixed)
    best = econ if econ is not None else agro
    if best.status == "no_maximum" or not np.isfinite(best.rate):
        text = ctx.t(
            "optimum_sentence_status", nutrient=nutrient, status=status_text(best.status, ctx.lang)
        )
        ctx.finding("response", _joined(ctx, text, better))
        return
    if econ is not None:
        amax = (
            ctx.rate_num(column, agro.rate)
            if np.isfinite(agro.rate)
            else status_text(agro.status, ctx.lang)
        )
        text = ctx.t(
            "optimum_sentence_econ",
            nutrient=nutrient,
            rate=ctx.rate_num(column, econ.rate),
            ci=_ci_text(ctx, econ),
            y=ctx.yield_num(econ.yield_at_rate),
            amax=amax,
        )
    else:
        text = ctx.t(
            "optimum_sentence_agro",
            nutrient=nutrient,
            rate=ctx.rate_num(column, agro.rate),
            ci=_ci_text(ctx, agro),
            y=ctx.yield_num(agro.yield_at_rate),
        )
    if best.status != "ok":
        text += " " + ctx.t("status_note", status=status_text(best.status, ctx.lang))
    ctx.finding("response", _joined(ctx, text, better))


def _response_figures(ctx: Context, column: str, fit: Any, econ: Any) -> list[Any]:
    """The response curve with its optima and, when priced, the net-return curve."""
    nutrient = ctx.rate_name(column)

    def draw(fig: Any, lang: str) -> None:
        from fertopt import plotting

        ax = fig.add_subplot()
        plotting.plot_response(fit, ax=ax, optimum=econ, lang=lang)
        ax.set_xlabel(ctx.rate_label(column))
        ax.set_ylabel(ctx.response_label())

    caption = ctx.t("fig_response", nutrient=nutrient, model=model_name(fit.model, ctx.lang))
    figures = ctx.figure(f"response_{nutrient}", caption, draw)
    if econ is not None and np.isfinite(econ.rate):

        def draw_nr(fig: Any, lang: str) -> None:
            from fertopt import plotting

            ax = fig.add_subplot()
            plotting.plot_net_return(fit, prices=ctx.prices, ax=ax, lang=lang)
            ax.set_xlabel(ctx.rate_label(column))

        figures += ctx.figure(
            f"net_return_{nutrient}", ctx.t("fig_net_return", nutrient=nutrient), draw_nr
        )
    return figures


def response_section(ctx: Context) -> list[Any]:
    if not ctx.rates:
        raise NotApplicable(ctx.t("no_rates"))
    if ctx.plan.design == "3414":
        raise NotApplicable(ctx.t("t4_rates_in_section"))
    blocks: list[Any] = []
    skipped: list[str] = []
    fitted = 0
    for column in ctx.rates:
        part: list[Any] = []
        try:
            _response_of(ctx, column, part)
        except NotApplicable as na:
            skipped.append(str(na))
            continue
        except FertoptError as exc:
            if ctx.errors == "raise":
                raise
            part = [
                Paragraph(
                    ctx.t(
                        "nutrient_failed",
                        nutrient=ctx.rate_name(column),
                        reason=translate_message(as_message(exc), ctx.lang),
                    )
                )
            ]
        else:
            fitted += 1
        if len(ctx.rates) > 1:
            blocks.append(
                Paragraph("", title=ctx.t("nutrient_heading", nutrient=ctx.rate_name(column)))
            )
        blocks += part
    if not blocks:
        raise NotApplicable(" ".join(skipped))
    if not fitted:
        raise FertoptError(" ".join(b.text for b in blocks if isinstance(b, Paragraph) and b.text))
    return [Paragraph(t) for t in skipped] + blocks
