"""Section 1 of the report: the design and the data (roles, levels, plots per treatment)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fertopt._core import validation as _v
from fertopt._core.document import Facts, Paragraph, Table
from fertopt._core.formatting import data_decimals, fixed
from fertopt._core.i18n import design_name
from fertopt.exceptions import FertoptError

if TYPE_CHECKING:
    from fertopt.reports.sections.context import Context


def _labels(series: pd.Series, role: str) -> pd.Categorical:
    return _v.as_labels(series, role)


def _role_label(role: str, column: Any) -> str:
    """The role, with the user's column name when it says more than the role's own word."""
    generic = {role.lower(), "treatment", "treatments", "block", "blocks", "处理", "区组", "重复"}
    return role if str(column).lower() in generic else f"{role} ({column})"


def data_section(ctx: Context) -> list[Any]:
    frame = ctx.data
    facts: list[tuple[str, str]] = [(ctx.t("response"), ctx.response_label())]
    for col in ctx.treatment:
        levels = _labels(frame[col].dropna(), "treatment").categories
        shown = ", ".join(str(v) for v in levels[:14]) + (" …" if len(levels) > 14 else "")
        facts.append(
            (_role_label(ctx.t("treatment"), col), ctx.t("levels", n=len(levels), names=shown))
        )
    if ctx.block is not None:
        levels = _labels(frame[ctx.block].dropna(), "block").categories
        facts.append(
            (
                _role_label(ctx.t("block"), ctx.block),
                ctx.t("levels", n=len(levels), names=", ".join(map(str, levels))),
            )
        )
    if ctx.rates:
        facts.append(
            (
                ctx.t("rates"),
                ", ".join(f"{c} = {n}" if n and n != c else str(c) for c, n in ctx.rates.items()),
            )
        )
    try:
        aov = ctx.run_anova()
    except FertoptError:
        aov = None
    if aov is not None:
        # the design in words and the ANOVA's own layout ("8 treatments, 4 blocks")
        facts.append(
            (ctx.t("design"), f"{design_name(aov.design, ctx.lang)}: {aov.layout(ctx.lang)}")
        )
    facts.append((ctx.t("recognised_as"), ctx.plan.describe(ctx.lang)))
    facts.append((ctx.t("plots_in_data"), str(ctx.n_rows)))
    y = pd.to_numeric(frame[ctx.response], errors="coerce")
    missing = frame.index[y.isna().to_numpy()]
    analysed = aov.n_obs if aov is not None else int(y.notna().sum())
    facts.append((ctx.t("plots_analysed"), str(analysed)))
    blocks: list[Any] = [Facts(facts)]
    blocks += [Paragraph(note) for note in ctx.plan.notes_in(ctx.lang)]
    if len(missing):
        rows = _v.describe_rows(missing)
        blocks.append(Paragraph(ctx.t("n_plots_dropped", n=len(missing), rows=rows)))

    # observations per treatment
    columns = list(ctx.treatment) or list(ctx.rates)
    # the user's columns under names of their own (a factor may be called 'n' or 'mean')
    keys = [f"key::{c}" for c in columns]
    work = pd.DataFrame(
        {k: _labels(frame[c], "treatment") for k, c in zip(keys, columns, strict=True)},
        index=frame.index,
    )
    work["_y"] = y.to_numpy()
    grouped = work.groupby(keys, observed=True, sort=True)["_y"]
    # the statistics' columns are named apart from a factor of the same name (a factor "n")
    stat = {k: f"stat::{k}" if k in keys else k for k in ("n", "mean", "sd", "min", "max")}
    funcs = {"n": "count", "mean": "mean", "sd": "std", "min": "min", "max": "max"}
    table = grouped.agg(**{stat[k]: f for k, f in funcs.items()}).reset_index()
    # the rates of each treatment (when a treatment has one rate of a nutrient)
    shown_rates = [c for c in ctx.rates if c not in columns]
    for i, col in enumerate(shown_rates):
        levels = pd.to_numeric(frame[col], errors="coerce")
        per = pd.DataFrame(
            {**{c: work[c] for c in keys}, "_r": levels.to_numpy()}, index=frame.index
        )
        first = per.groupby(keys, observed=True, sort=True)["_r"].agg(
            lambda s: s.iloc[0] if s.nunique() <= 1 else np.nan
        )
        table.insert(len(keys) + i, f"rate::{col}", first.to_numpy())
    labels = {
        k: ctx.rate_label(c)
        if c in ctx.rates
        else (ctx.t("treatment") if len(keys) == 1 else str(c))
        for k, c in zip(keys, columns, strict=True)
    }
    labels.update({f"rate::{c}": ctx.rate_label(c) for c in shown_rates})
    labels.update({stat[k]: ctx.t(k) for k in ("n", "mean", "sd", "min", "max")})
    number = fixed(data_decimals(y))
    formats: dict[str, Any] = {stat["n"]: "int"}
    formats |= {stat[k]: number for k in ("mean", "sd", "min", "max")}
    formats |= {f"rate::{c}": "rate" for c in shown_rates}
    # the factors keep their own names where they do not clash with the summary's columns
    back = {
        k: c
        for k, c in zip(keys, columns, strict=True)
        if c not in table.columns and not str(c).startswith("rate::")
    }
    table = table.rename(columns=back)
    labels = {back.get(k, k): v for k, v in labels.items()}
    blocks.append(Table(table, title=ctx.t("data_summary"), labels=labels, formats=formats))
    return blocks
