"""Economics recomputed: income, its changes and percentages, value–cost ratios.

Income = crop price × yield − fertilizer cost (Σ rate × nutrient price); the changes are
against the reference treatment, the percentages of the reference income; the value–cost
ratio is (yield − control yield) × crop price ÷ fertilizer cost.  Printed yield changes vary
by half a unit of their last digit; prices and rates are exact.
"""

from __future__ import annotations

import math

from fertopt.audit.checks.registry import register
from fertopt.audit.checks.rounding import propagate, rounding_verdict
from fertopt.audit.claims import Claim, Context, both, worst

__all__ = ["check_economics"]


def _money(x: float) -> str:
    return f"{x:+.2f}"


@register("economics", section="economics", order=50)
def check_economics(econ: dict, ctx: Context) -> list[Claim]:
    """The reference income behind the percentages, each printed row, the claims in words."""
    ref = econ.get("reference") or (ctx.spec.get("design") or {}).get("reference")
    crop = ctx.crop_price()
    rows = econ.get("rows") or []
    topic = both("au_topic_economics")
    out: list[Claim] = []
    base = None
    base_lo = base_hi = math.nan
    if ref is not None and crop is not None and ref in ctx.means and ctx.cost(ref) is not None:
        cost_ref = float(ctx.cost(ref))
        base, base_lo, base_hi = propagate(lambda m: crop * m - cost_ref, {"m": ctx.means[ref]})
    pct_rows = [
        r for r in rows if r.get("income_change") is not None and r.get("income_change_pct")
    ]
    if pct_rows:
        lows, highs, mids = [], [], []
        for r in pct_rows:
            v, lo, hi = propagate(
                lambda c, p: c / p * 100.0, {"c": r["income_change"], "p": r["income_change_pct"]}
            )
            mids.append(v)
            lows.append(min(lo, hi))
            highs.append(max(lo, hi))
        lo, hi = max(lows), min(highs)
        if lo > hi:
            verdict = "contradictory"
        elif base is None:
            verdict = "cannot be checked"
        elif base_lo <= hi and base_hi >= lo:  # the reference mean's rounding included
            verdict = "consistent within rounding"
        else:
            verdict = "wrong"
        finds = (
            both(
                "au_econ_base_finds",
                crop=f"{crop:g}",
                y=repr(ctx.means[ref]),
                cost=f"{ctx.cost(ref):.2f}",
                base=f"{base:.2f}",
                implied=", ".join(f"{m:.1f}" for m in mids),
            )
            if base is not None
            else both("au_econ_base_implied", implied=", ".join(f"{m:.1f}" for m in mids))
        )
        out.append(
            Claim(
                item="economics.income_base",
                topic=topic,
                claim=both(
                    "au_econ_base_claim",
                    pcts=", ".join(f"{r['income_change_pct']!r} %" for r in pct_rows),
                    ref=str(ref),
                ),
                paper_says=" / ".join(f"{float(r['income_change_pct']):+.2f} %" for r in pct_rows),
                fertopt_finds=finds,
                verdict=verdict,
                why=both("au_econ_base_why", lo=f"{lo:.2f}", hi=f"{hi:.2f}")
                if lo <= hi
                else both("au_econ_base_disjoint"),
                paper_value=sum(mids) / len(mids),
                fertopt_value=math.nan if base is None else base,
                low=lo,
                high=hi,
            )
        )
    for i, r in enumerate(rows):
        out.append(_row(i, r, ref, crop, base, ctx, topic))
    for i, c in enumerate(econ.get("claims") or []):
        out.append(_claim(i, c, ref, crop, ctx, topic))
    return out


def _row(i: int, r: dict, ref: str | None, crop: float | None, base, ctx: Context, topic) -> Claim:
    t = str(r["treatment"])
    parts = []
    if r.get("yield_change") is not None:
        parts.append(f"{float(r['yield_change']):+.{r['yield_change'].decimals}f} kg")
    if r.get("income_change") is not None:
        parts.append(f"{float(r['income_change']):+.{r['income_change'].decimals}f}")
    if r.get("income_change_pct") is not None:
        parts.append(f"({float(r['income_change_pct']):+.{r['income_change_pct'].decimals}f} %)")
    claim = both("au_econ_row_claim", t=t, what=", ".join(parts))
    paper = " ".join(parts[1:]) if len(parts) > 1 else ", ".join(parts)
    cost_t = ctx.cost(t)
    cost_r = ctx.cost(ref) if ref is not None else None
    if crop is None or cost_t is None or cost_r is None or r.get("income_change") is None:
        return Claim(
            item=f"economics.rows[{i}]",
            topic=topic,
            claim=claim,
            paper_says=paper,
            fertopt_finds=both("au_unchecked"),
            verdict="cannot be checked",
            why=both("au_econ_row_missing"),
        )
    dc = cost_t - cost_r
    verdicts = []
    if r.get("yield_change") is not None:
        dy = r["yield_change"]
        source = "printed"
    elif t in ctx.means and ref in ctx.means:
        dy = float(ctx.means[t]) - float(ctx.means[ref])
        source = "means"
    else:
        dy = None
    if dy is None:
        return Claim(
            item=f"economics.rows[{i}]",
            topic=topic,
            claim=claim,
            paper_says=paper,
            fertopt_finds=both("au_unchecked"),
            verdict="cannot be checked",
            why=both("au_econ_row_missing"),
        )
    if source == "printed":
        v, lo, hi = propagate(lambda dy: crop * dy - dc, {"dy": dy})
    else:  # from the two printed means, each with its rounding
        v, lo, hi = propagate(
            lambda a, b: crop * (a - b) - dc, {"a": ctx.means[t], "b": ctx.means[ref]}
        )
    verdicts.append(rounding_verdict(r["income_change"], v, lo, hi))
    notes = []
    if source == "printed" and t in ctx.means and ref in ctx.means:
        dm = float(ctx.means[t]) - float(ctx.means[ref])
        mv, mlo, mhi = propagate(lambda a, b: a - b, {"a": ctx.means[t], "b": ctx.means[ref]})
        verdicts.append(rounding_verdict(dy, mv, mlo, mhi))
        notes.append(both("au_econ_dy_means", dm=f"{dm:+.2f}"))
    pct_text = ""
    if base and ref in ctx.means:
        pct, plo, phi = propagate(
            lambda dy, m: 100.0 * (crop * dy - dc) / (crop * m - cost_r),
            {"dy": dy, "m": ctx.means[ref]},
        )
        pct_text = f" ({pct:+.2f} %)"
        if r.get("income_change_pct") is not None:
            verdicts.append(rounding_verdict(r["income_change_pct"], pct, plo, phi))
    why = both(
        "au_econ_row_why",
        crop=f"{crop:g}",
        dy=f"{float(dy):+.2f}",
        dc=_money(dc),
        v=_money(v),
        lo=_money(lo),
        hi=_money(hi),
    )
    why = (" ".join([why[0], *(n[0] for n in notes)]), " ".join([why[1], *(n[1] for n in notes)]))
    return Claim(
        item=f"economics.rows[{i}]",
        topic=topic,
        claim=claim,
        paper_says=paper,
        fertopt_finds=both("au_econ_row_finds", v=_money(v), pct=pct_text),
        verdict=worst(*verdicts),
        why=why,
        paper_value=float(r["income_change"]),
        fertopt_value=v,
        low=lo,
        high=hi,
    )


def _claim(i: int, c: dict, ref: str | None, crop: float | None, ctx: Context, topic) -> Claim:
    kind = str(c.get("kind", ""))
    treatments = [str(t) for t in c.get("treatments") or []]
    control = (ctx.spec.get("design") or {}).get("control")
    claim = both("au_econ_claim_" + kind, ts=", ".join(treatments), ref=str(ref))
    names = [ref, *treatments]
    ok = (
        kind in ("vcr_lower", "vcr_higher", "income_lower", "income_higher")
        and crop is not None
        and all(n in ctx.means and ctx.cost(n) for n in names)
        and (control in ctx.means if kind.startswith("vcr") else True)
    )
    if not ok:
        return Claim(
            item=f"economics.claims[{i}]",
            topic=topic,
            claim=claim if kind.startswith(("vcr", "income")) else both("au_econ_claim_other"),
            paper_says=str(c.get("text", "")),
            fertopt_finds=both("au_unchecked"),
            verdict="cannot be checked",
            why=both("au_econ_claim_missing"),
        )
    if kind.startswith("vcr"):
        value = {
            n: (float(ctx.means[n]) - float(ctx.means[control])) * crop / float(ctx.cost(n))
            for n in names
        }
        what = "au_econ_vcr_finds"
    else:
        value = {n: crop * float(ctx.means[n]) - float(ctx.cost(n)) for n in names}
        what = "au_econ_income_finds"
    lower = kind.endswith("lower")
    holds = all((value[t] < value[ref]) == lower for t in treatments)
    return Claim(
        item=f"economics.claims[{i}]",
        topic=topic,
        claim=claim,
        paper_says=str(c.get("text", "")),
        fertopt_finds=both(what, values=", ".join(f"{n} {value[n]:.2f}" for n in names)),
        verdict="confirmed" if holds else "wrong",
        why=both(
            "au_econ_vcr_why" if kind.startswith("vcr") else "au_econ_income_why",
            crop=f"{crop:g}",
            control=str(control),
        ),
        paper_value=math.nan,
        fertopt_value=value[treatments[-1]] if treatments else math.nan,
    )
