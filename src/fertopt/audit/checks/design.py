"""The design: what it can identify, and the df it implies.

A response model fitted to treatment means needs at least as many distinct treatment
combinations as coefficients, and one more for any residual df: a full ternary quadratic has
10 coefficients, so a trial with 5 rate combinations cannot identify it, and stepwise selection
from it only chooses among terms the design cannot tell apart.  The printed ANOVA df are set
against those the layout implies.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fertopt.audit.checks.registry import register
from fertopt.audit.claims import Claim, Context, both

__all__ = [
    "check_design_df",
    "identifiability",
    "single_identifiability",
    "in_hull",
    "full_quadratic_terms",
]


def full_quadratic_terms(k: int) -> int:
    """Coefficients of a full quadratic in ``k`` variables: 1 + k + k + k(k − 1)/2."""
    return 1 + 2 * k + k * (k - 1) // 2


def in_hull(point: np.ndarray, vertices: np.ndarray) -> bool:
    """Whether ``point`` is a convex combination of ``vertices`` (a small linear programme)."""
    from scipy.optimize import linprog

    n = vertices.shape[0]
    A = np.vstack([vertices.T, np.ones(n)])
    b = np.append(point, 1.0)
    res = linprog(np.zeros(n), A_eq=A, b_eq=b, bounds=[(0, None)] * n, method="highs")
    return bool(res.status == 0)


def identifiability(eq: dict, ctx: Context, nutrients: list[str], topic: Any, item: str) -> Claim:
    """Coefficients of the fitted (or searched) model against distinct treatment combinations."""
    coefs = eq.get("coefficients") or {}
    p_fitted = len(coefs)
    stepwise = str(eq.get("selection", "none")) == "stepwise"
    p_candidates = full_quadratic_terms(len(nutrients)) if stepwise else p_fitted
    df_text = ".".join(str(int(d)) for d in eq["df"]) if eq.get("df") else ""
    claim = both(
        "au_design_claim_stepwise" if stepwise else "au_design_claim",
        k=len(nutrients),
        p=p_fitted,
    )
    if ctx.rates.empty or not all(n in ctx.rates.columns for n in nutrients):
        return Claim(
            item=f"{item}.design",
            topic=topic,
            claim=claim,
            paper_says=f"Df = {df_text}" if df_text else "",
            fertopt_finds=both("au_unchecked"),
            verdict="cannot be checked",
            why=both("au_design_norates"),
        )
    support = len(np.unique(ctx.rates[nutrients].to_numpy(dtype=float), axis=0))
    resid = support - p_fitted
    if p_candidates > support:
        verdict = "not supported by the design"
        why = both(
            "au_design_why_candidates",
            p=p_candidates,
            s=support,
            k=len(nutrients),
            q=p_fitted,
            r=resid,
        )
    elif resid < 1:
        verdict = "not supported by the design"
        why = both("au_design_why_fitted", p=p_fitted, s=support)
    else:
        verdict = "confirmed"
        why = both("au_design_why_ok", p=p_fitted, s=support, r=resid)
    return Claim(
        item=f"{item}.design",
        topic=topic,
        claim=claim,
        paper_says=f"Df = {df_text}" if df_text else f"{p_fitted}",
        fertopt_finds=both("au_design_finds", p=p_candidates, s=support, q=p_fitted, r=resid),
        verdict=verdict,
        why=why,
        paper_value=float(p_candidates),
        fertopt_value=float(support),
    )


def single_identifiability(
    eq: dict, ctx: Context, nutrient: str, topic: Any, item: str
) -> Claim | None:
    """A single-nutrient equation against the distinct rates of its nutrient.

    A curve with ``p`` coefficients needs at least ``p`` distinct rates, and, when the paper
    prints R², r or F for it, more points (treatment means) than coefficients: those
    statistics need a residual df.  Only a design that falls short
    gets a row (``not supported by the design``); a sufficient one adds nothing, so that the
    table stays as short as the paper's claims.
    """
    coefs = eq.get("coefficients") or {}
    if eq.get("coefficients_lost") or not coefs:
        return None
    if ctx.rates.empty or nutrient not in ctx.rates.columns:
        return None
    p = len(coefs)
    col = ctx.rates[nutrient].dropna()
    support, points = int(col.nunique()), len(col)
    stats = any(eq.get(k) is not None for k in ("r_squared", "r", "adjusted_r_squared", "F"))
    resid = points - p
    if support >= p and (resid >= 1 or not stats):
        return None
    why = (
        both("au_design_why_single_rates", p=p, s=support, nut=nutrient)
        if support < p
        else both("au_design_why_fitted", p=p, s=points)
    )
    df_text = ".".join(str(int(d)) for d in eq["df"]) if eq.get("df") else ""
    return Claim(
        item=f"{item}.design",
        topic=topic,
        claim=both("au_design_claim", k=1, p=p),
        paper_says=f"Df = {df_text}" if df_text else f"{p}",
        fertopt_finds=both("au_design_finds", p=p, s=support, q=p, r=resid),
        verdict="not supported by the design",
        why=why,
        paper_value=float(p),
        fertopt_value=float(support),
    )


@register("design", section="anova", order=10)
def check_design_df(lines: list[dict], ctx: Context) -> list[Claim]:
    """Printed ANOVA df of the treatment line against those the layout implies."""
    implied = ctx.anova_df()
    out: list[Claim] = []
    for i, line in enumerate(lines):
        df = line.get("df")
        if df is None or implied is None or line.get("term", "treatment") != "treatment":
            continue
        got = (int(df[0]), int(df[1]))
        out.append(
            Claim(
                item=f"anova[{i}].df",
                topic=both("au_topic_design"),
                claim=both("au_df_claim", d1=got[0], d2=got[1]),
                paper_says=f"df = {got[0]}, {got[1]}",
                fertopt_finds=both(
                    "au_df_finds",
                    d1=implied[0],
                    d2=implied[1],
                    t=len(ctx.names),
                    r=ctx.replicates,
                    layout=ctx.layout,
                ),
                verdict="confirmed" if got == implied else "wrong",
                why=both("au_df_why", layout=ctx.layout),
                paper_value=float(got[1]),
                fertopt_value=float(implied[1]),
            )
        )
    return out
