"""Response equations: maxima, economic optima and yields re-derived from the printed
coefficients; convex curves, saddles, negative rates and rates beyond the tested range; the
fit statistics (R² ↔ r ↔ adjusted R² ↔ F) refitted from the printed means.

Single-nutrient quadratic ``y = a x² + b x + c``: the maximum is at ``x = −b / 2a`` with
``y = c − b² / 4a`` (a maximum only when ``a < 0``), the economic optimum where the slope
equals the price ratio, ``b + 2 a x = Px / Py``.  Surfaces go through
:func:`fertopt.surface_from_coefficients` and their canonical analysis.  Prices and design
rates are taken as exact (the figures the paper computed with); coefficients, yields and
statistics vary by half a unit of their last printed digit.
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import Any

import numpy as np

from fertopt.audit.checks.design import identifiability, in_hull, single_identifiability
from fertopt.audit.checks.registry import register
from fertopt.audit.checks.rounding import (
    MAX_CORNERS_INPUTS,
    half_unit,
    propagate,
    rounding_verdict,
)
from fertopt.audit.checks.units import price_alternatives
from fertopt.audit.claims import Claim, Context, both, worst
from fertopt.audit.spec import Printed
from fertopt.response import response_from_coefficients
from fertopt.surface import surface_from_coefficients

__all__ = ["check_equations", "refit_statistics"]


def _f(x: float, d: int = 2) -> str:
    return f"{x:.{d}f}"


@register("equations", section="equations", order=40)
def check_equations(equations: list[dict], ctx: Context) -> list[Claim]:
    """The claims of every printed equation, in the spec's order."""
    out: list[Claim] = []
    for eq in equations:
        if eq.get("form") == "surface":
            out.extend(_surface(eq, ctx))
        else:
            out.extend(_single(eq, ctx))
    return out


# ---------------------------------------------------------------------------
# single nutrient
# ---------------------------------------------------------------------------
def _ratio(ctx: Context, nutrient: str) -> float | None:
    prices, crop = ctx.nutrient_prices(), ctx.crop_price()
    if crop is None or nutrient not in prices:
        return None
    return prices[nutrient] / crop


def _single(eq: dict, ctx: Context) -> list[Claim]:
    nut, name = str(eq["nutrient"]), str(eq["id"])
    topic = both("au_topic_equation", name=name)
    coefs = eq.get("coefficients") or {}
    item = f"equation.{name}"
    ratio = _ratio(ctx, nut)
    if eq.get("coefficients_lost") or not coefs:
        return [_points_only(eq, ctx, topic, item, ratio)]
    a = coefs.get("quadratic", Printed(0, 0))
    b, c = coefs.get("linear", Printed(0, 0)), coefs.get("intercept", Printed(0, 0))
    inputs = {"a": a, "b": b, "c": c}
    rng = _tested(eq, ctx, nut)
    fit = response_from_coefficients(
        "quadratic" if float(a) != 0 else "linear",
        rate_range=rng or (0.0, 1.0),
        nutrient=nut,
        units={"response": "kg/mu", "rate": "kg/mu"},
        response="yield",
        intercept=float(c),
        linear=float(b),
        **({"quadratic": float(a)} if float(a) != 0 else {}),
    )
    detail: dict[str, Any] = {"fit": fit, "tested_range": rng}
    ctx.details[name] = detail
    eqn = f"y = {a!r} x² + {b!r} x + {c!r}"
    out: list[Claim] = []
    concave = float(a) < 0

    def y(x: float, a: float, b: float, c: float) -> float:
        return a * x * x + b * x + c

    rec_rate = (eq.get("recommendation") or {}).get("rate")
    mx = eq.get("maximum") or {}
    if mx:
        if concave:
            x0, lo, hi = propagate(lambda a, b, c: -b / (2 * a), inputs)
            y0, ylo, yhi = propagate(lambda a, b, c: c - b * b / (4 * a), inputs)
            detail["maximum"] = (x0, y0)
            if mx.get("rate") is not None:
                v, beyond = _range_verdict(
                    rounding_verdict(mx["rate"], x0, lo, hi), mx["rate"], rng, nut, rec_rate
                )
                out.append(
                    Claim(
                        item=f"{item}.maximum.rate",
                        topic=topic,
                        claim=both("au_eq_max_rate_claim", x=repr(mx["rate"])),
                        paper_says=repr(mx["rate"]),
                        fertopt_finds=(f"{_f(x0, 3)} kg", f"{_f(x0, 3)} kg"),
                        verdict=v,
                        why=_join(
                            both(
                                "au_eq_max_rate_why",
                                a=repr(a),
                                b=repr(b),
                                x=_f(x0, 3),
                                lo=_f(lo, 3),
                                hi=_f(hi, 3),
                            ),
                            beyond,
                        ),
                        paper_value=float(mx["rate"]),
                        fertopt_value=x0,
                        low=lo,
                        high=hi,
                    )
                )
            if mx.get("yield") is not None:
                v = rounding_verdict(mx["yield"], y0, ylo, yhi)
                out.append(
                    Claim(
                        item=f"{item}.maximum.yield",
                        topic=topic,
                        claim=both("au_eq_max_yield_claim", y=repr(mx["yield"])),
                        paper_says=repr(mx["yield"]),
                        fertopt_finds=(f"{_f(y0)} kg", f"{_f(y0)} kg"),
                        verdict=v,
                        why=both(
                            "au_eq_max_yield_why",
                            a=repr(a),
                            b=repr(b),
                            c=repr(c),
                            y=_f(y0),
                            lo=_f(ylo),
                            hi=_f(yhi),
                            off=both("au_not_on_curve", y=repr(mx["yield"]))
                            if v == "wrong"
                            else "",
                        ),
                        paper_value=float(mx["yield"]),
                        fertopt_value=y0,
                        low=ylo,
                        high=yhi,
                    )
                )
        else:
            out.append(_convex_maximum(eq, mx, inputs, topic, item, detail))
    op = eq.get("optimum") or {}
    if op:
        if ratio is None:
            out.append(
                Claim(
                    item=f"{item}.optimum",
                    topic=topic,
                    claim=both("au_eq_opt_claim", x=repr(op.get("rate")), y=repr(op.get("yield"))),
                    paper_says=f"{op.get('rate')!r} → {op.get('yield')!r}",
                    fertopt_finds=both("au_unchecked"),
                    verdict="cannot be checked",
                    why=both("au_no_prices", nut=nut),
                    paper_value=float(op.get("rate", math.nan) or math.nan),
                )
            )
        elif concave:
            xo, lo, hi = propagate(lambda a, b, c: (ratio - b) / (2 * a), inputs)
            yo, ylo, yhi = propagate(lambda a, b, c: y((ratio - b) / (2 * a), a, b, c), inputs)
            detail["optimum"] = (xo, yo)
            prices = ctx.nutrient_prices()
            if op.get("rate") is not None:
                v = rounding_verdict(op["rate"], xo, lo, hi)
                alt = ("", "")
                if float(op["rate"]) < 0:
                    v, alt = "wrong", both("au_neg_rate", x=repr(op["rate"]))
                elif v == "wrong":
                    alt = price_alternatives(op["rate"], float(a), float(b), nut, ratio, ctx)
                v, beyond = _range_verdict(v, op["rate"], rng, nut, rec_rate)
                out.append(
                    Claim(
                        item=f"{item}.optimum.rate",
                        topic=topic,
                        claim=both("au_eq_opt_rate_claim", x=repr(op["rate"])),
                        paper_says=repr(op["rate"]),
                        fertopt_finds=(f"{_f(xo, 3)} kg", f"{_f(xo, 3)} kg"),
                        verdict=v,
                        why=_join(
                            both(
                                "au_eq_opt_rate_why",
                                px=f"{prices[nut]:g}",
                                py=f"{ctx.crop_price():g}",
                                r=_f(ratio, 4),
                                a=repr(a),
                                b=repr(b),
                                x=_f(xo, 3),
                                alt=alt,
                            ),
                            beyond,
                        ),
                        paper_value=float(op["rate"]),
                        fertopt_value=xo,
                        low=lo,
                        high=hi,
                    )
                )
            if op.get("yield") is not None:
                out.append(
                    Claim(
                        item=f"{item}.optimum.yield",
                        topic=topic,
                        claim=both("au_eq_opt_yield_claim", y=repr(op["yield"])),
                        paper_says=repr(op["yield"]),
                        fertopt_finds=(f"{_f(yo)} kg", f"{_f(yo)} kg"),
                        verdict=rounding_verdict(op["yield"], yo, ylo, yhi),
                        why=both(
                            "au_eq_opt_yield_why", x=_f(xo, 3), y=_f(yo), lo=_f(ylo), hi=_f(yhi)
                        ),
                        paper_value=float(op["yield"]),
                        fertopt_value=yo,
                        low=ylo,
                        high=yhi,
                    )
                )
        else:
            out.append(_convex_optimum(eq, op, inputs, ratio, ctx, topic, item, detail))
    for i, pt in enumerate(eq.get("yields") or []):
        if pt.get("rate") is None or pt.get("yield") is None:
            continue
        x = float(pt["rate"])
        v0, lo, hi = propagate(lambda a, b, c, x=x: y(x, a, b, c), inputs)
        out.append(
            Claim(
                item=f"{item}.yields[{i}]",
                topic=topic,
                claim=both("au_eq_point_claim", x=repr(pt["rate"]), y=repr(pt["yield"])),
                paper_says=f"{pt['rate']!r} → {pt['yield']!r}",
                fertopt_finds=(f"{_f(v0)} kg", f"{_f(v0)} kg"),
                verdict=rounding_verdict(pt["yield"], v0, lo, hi),
                why=both(
                    "au_eq_point_why", eqn=eqn, x=repr(pt["rate"]), y=_f(v0), lo=_f(lo), hi=_f(hi)
                ),
                paper_value=float(pt["yield"]),
                fertopt_value=v0,
                low=lo,
                high=hi,
            )
        )
    rec = eq.get("recommendation") or {}
    if rec.get("rate") is not None:
        out.append(_recommendation(rec, rng, topic, item, nut))
    con = eq.get("conclusion") or {}
    if con.get("yield") is not None:
        out.append(_conclusion(con, inputs, concave, topic, item, detail, eqn))
    if any(eq.get(k) is not None for k in ("r_squared", "r", "adjusted_r_squared", "F")):
        terms = ["1", "x", "x2"] if float(a) != 0 else ["1", "x"]
        out.append(_fit_row(eq, ctx, topic, item, {nut: terms}, [nut]))
    design = single_identifiability(eq, ctx, nut, topic, item)
    if design is not None:
        out.append(design)
    return out


def _join(*parts: tuple[str, str]) -> tuple[str, str]:
    """Sentences in both languages, joined language by language."""
    return (
        " ".join(p[0] for p in parts if p[0]).strip(),
        " ".join(p[1] for p in parts if p[1]).strip(),
    )


def _range_verdict(
    verdict: str, rate: Any, rng: tuple[float, float] | None, nut: str, rec: Any = None
) -> tuple[str, tuple[str, str]]:
    """A printed maximum or optimum rate against the tested rates (as for a recommendation).

    Arithmetic that holds keeps its verdict only inside the rates the trial applied; beyond
    them the curve is extrapolated and the claim is "outside the tested range".  A wrong
    (or otherwise worse) verdict stands.  When the paper recommends that same rate
    (``rec``), the recommendation's row carries the range verdict and this row keeps its
    arithmetic verdict, with a sentence pointing there: one extrapolation, one flag.
    """
    x = float(rate)
    if rng is None or rng[0] <= x <= rng[1]:
        return verdict, ("", "")
    fields = {"nut": nut, "x": repr(rate), "lo": f"{rng[0]:g}", "hi": f"{rng[1]:g}"}
    if rec is not None and float(rec) == x:
        return verdict, both("au_eq_beyond_range_rec", **fields)
    return worst(verdict, "outside the tested range"), both("au_eq_beyond_range", **fields)


def _tested(eq: dict, ctx: Context, nut: str) -> tuple[float, float] | None:
    given = (eq.get("tested_range") or {}).get(nut)
    if given:
        return float(given[0]), float(given[1])
    return ctx.tested_range(nut)


def _convex_maximum(eq: dict, mx: dict, inputs: dict, topic: Any, item: str, detail: dict) -> Claim:
    a, b, c = (float(inputs[k]) for k in "abc")
    if a == 0:
        finds = both("au_eq_linear_finds")
        why = both("au_eq_linear_why", b=inputs["b"])
        value = math.nan
    else:
        x0, y0 = -b / (2 * a), c - b * b / (4 * a)
        detail["minimum"] = (x0, y0)
        finds = both("au_eq_convex_max_finds", x=_f(x0, 3), y=_f(y0))
        why = both(
            "au_eq_convex_max_why",
            a=repr(inputs["a"]),
            b=repr(inputs["b"]),
            c=repr(inputs["c"]),
            x=_f(x0, 3),
            y=_f(y0),
        )
        value = y0
    return Claim(
        item=f"{item}.maximum",
        topic=topic,
        claim=both("au_eq_max_claim", x=repr(mx.get("rate")), y=repr(mx.get("yield"))),
        paper_says=f"{mx.get('rate')!r} → {mx.get('yield')!r}",
        fertopt_finds=finds,
        verdict="wrong",
        why=why,
        paper_value=float(mx["yield"]) if mx.get("yield") is not None else math.nan,
        fertopt_value=value,
    )


def _convex_optimum(
    eq: dict,
    op: dict,
    inputs: dict,
    ratio: float,
    ctx: Context,
    topic: Any,
    item: str,
    detail: dict,
) -> Claim:
    a, b, c = (float(inputs[k]) for k in "abc")
    nut = str(eq["nutrient"])
    if a == 0:
        x0, y0 = math.nan, math.nan
    else:
        x0 = (ratio - b) / (2 * a)
        y0 = a * x0 * x0 + b * x0 + c
    detail["paper_point"] = (x0, y0)
    prices = ctx.nutrient_prices()
    return Claim(
        item=f"{item}.optimum",
        topic=topic,
        claim=both("au_eq_opt_claim", x=repr(op.get("rate")), y=repr(op.get("yield"))),
        paper_says=f"{op.get('rate')!r} → {op.get('yield')!r}",
        fertopt_finds=both("au_eq_convex_opt_finds", x=_f(x0, 3), y=_f(y0)),
        verdict="wrong",
        why=both(
            "au_eq_convex_opt_why",
            px=f"{prices[nut]:g}",
            py=f"{ctx.crop_price():g}",
            r=_f(ratio, 4),
            a=repr(inputs["a"]),
            b=repr(inputs["b"]),
            x=_f(x0, 3),
            y=_f(y0),
            py_=repr(op.get("yield")),
        ),
        paper_value=float(op["yield"]) if op.get("yield") is not None else math.nan,
        fertopt_value=y0,
    )


def _recommendation(
    rec: dict, rng: tuple[float, float] | None, topic: Any, item: str, nut: str
) -> Claim:
    x = float(rec["rate"])
    if x < 0:
        verdict, why = "wrong", both("au_rec_negative", x=repr(rec["rate"]))
    elif rng is None:
        verdict, why = "cannot be checked", both("au_rec_no_range", nut=nut)
    elif x > rng[1] or x < rng[0]:
        verdict = "outside the tested range"
        why = both("au_rec_outside", x=repr(rec["rate"]), lo=f"{rng[0]:g}", hi=f"{rng[1]:g}")
    else:
        verdict = "confirmed"
        why = both("au_rec_inside", x=repr(rec["rate"]), lo=f"{rng[0]:g}", hi=f"{rng[1]:g}")
    return Claim(
        item=f"{item}.recommendation",
        topic=topic,
        claim=both("au_rec_claim", x=repr(rec["rate"]), nut=nut),
        paper_says=repr(rec["rate"]),
        fertopt_finds=both("au_rec_finds", lo=f"{rng[0]:g}", hi=f"{rng[1]:g}")
        if rng
        else both("au_unchecked"),
        verdict=verdict,
        why=why,
        paper_value=x,
        fertopt_value=rng[1] if rng else math.nan,
    )


def _conclusion(
    con: dict, inputs: dict, concave: bool, topic: Any, item: str, detail: dict, eqn: str
) -> Claim:
    a, b, c = (float(inputs[k]) for k in "abc")
    yv = con["yield"]
    y0 = c - b * b / (4 * a) if a else math.nan
    if con.get("rate") is not None and isinstance(con["rate"], float):
        x = float(con["rate"])
        v0, lo, hi = propagate(lambda a, b, c: a * x * x + b * x + c, inputs)
        verdict = rounding_verdict(yv, v0, lo, hi)
        finds = (f"{_f(v0)} kg", f"{_f(v0)} kg")
        why = both("au_eq_point_why", eqn=eqn, x=repr(con["rate"]), y=_f(v0), lo=_f(lo), hi=_f(hi))
        value = v0
    elif a and not concave and float(yv) < y0:
        verdict, value = "wrong", y0
        finds = both("au_concl_below_min", y=_f(y0))
        why = both("au_concl_below_min_why", y=repr(yv))
    elif a and concave and float(yv) > y0:
        verdict, value = "wrong", y0
        finds = both("au_concl_above_max", y=_f(y0))
        why = both("au_concl_above_max_why", y=repr(yv))
    else:
        verdict, value = "cannot be checked", math.nan
        finds = both("au_unchecked")
        why = both("au_concl_no_rate")
    return Claim(
        item=f"{item}.conclusion",
        topic=topic,
        claim=both("au_concl_claim", y=repr(yv)),
        paper_says=repr(yv),
        fertopt_finds=finds,
        verdict=verdict,
        why=why,
        paper_value=float(yv),
        fertopt_value=value,
    )


def _points_only(eq: dict, ctx: Context, topic: Any, item: str, ratio: float | None) -> Claim:
    """Equation lost, maximum and optimum printed: are the two points one quadratic's?"""
    mx, op = eq.get("maximum") or {}, eq.get("optimum") or {}
    need = [mx.get("rate"), mx.get("yield"), op.get("rate"), op.get("yield")]
    paper = f"{mx.get('rate')!r} → {mx.get('yield')!r}; {op.get('rate')!r} → {op.get('yield')!r}"
    claim = both(
        "au_points_claim",
        xm=repr(mx.get("rate")),
        ym=repr(mx.get("yield")),
        xo=repr(op.get("rate")),
        yo=repr(op.get("yield")),
    )
    if any(v is None for v in need) or ratio is None:
        return Claim(
            item=f"{item}.points",
            topic=topic,
            claim=claim,
            paper_says=paper,
            fertopt_finds=both("au_unchecked"),
            verdict="cannot be checked",
            why=both("au_points_missing"),
        )
    xm, ym, xo, yo = need
    # b + 2a·xm = 0 and b + 2a·xo = ratio  =>  a = ratio / (2 (xo − xm)); ym − yo = −a (xo − xm)²
    a = ratio / (2 * (float(xo) - float(xm)))
    gap = -a * (float(xo) - float(xm)) ** 2
    g0, lo, hi = propagate(lambda xm, xo: -ratio * (xo - xm) / 2, {"xm": xm, "xo": xo})
    printed_gap = Printed(float(ym) - float(yo), max(ym.decimals, yo.decimals))
    h = 0.5 * 10.0 ** (-ym.decimals) + 0.5 * 10.0 ** (-yo.decimals)
    if a >= 0:
        verdict = "wrong"
    elif hi < float(printed_gap) - h or lo > float(printed_gap) + h:
        verdict = "wrong"
    else:
        verdict = "consistent within rounding"
    ctx.details[str(eq["id"])] = {"implied_quadratic": a, "implied_gap": gap}
    prices = ctx.nutrient_prices()
    nut = str(eq["nutrient"])
    return Claim(
        item=f"{item}.points",
        topic=topic,
        claim=claim,
        paper_says=paper,
        fertopt_finds=both(
            "au_points_finds", a=_f(a, 1), gap=_f(gap, 2), pg=_f(float(printed_gap), 1)
        ),
        verdict=verdict,
        why=both(
            "au_points_why",
            px=f"{prices[nut]:g}",
            py=f"{ctx.crop_price():g}",
            r=_f(ratio, 3),
            xm=repr(xm),
            xo=repr(xo),
            a=_f(a, 2),
            d=_f(abs(float(xo) - float(xm)), 2),
            gap=_f(gap, 2),
            lo=_f(lo, 3),
            hi=_f(hi, 3),
        ),
        paper_value=float(printed_gap),
        fertopt_value=gap,
        low=lo,
        high=hi,
    )


# ---------------------------------------------------------------------------
# fit statistics: refit on the printed means
# ---------------------------------------------------------------------------
def _design_matrix(terms: list[str], rates: Any) -> np.ndarray:
    cols = []
    for t in terms:
        if t == "1":
            cols.append(np.ones(len(rates)))
            continue
        value = np.ones(len(rates))
        for factor in t.split(":"):
            if factor.endswith("^2"):
                value = value * rates[factor[:-2]].to_numpy(float) ** 2
            else:
                value = value * rates[factor].to_numpy(float)
        cols.append(value)
    return np.column_stack(cols)


#: How the fit statistics are written in the table (the same in both languages).
_SYMBOL = {"r_squared": "R²", "adjusted_r_squared": "R²adj", "r": "r", "F": "F"}


def refit_statistics(y: np.ndarray, X: np.ndarray) -> dict[str, float]:
    """Least squares of ``y`` on ``X``: R², adjusted R², F and their df."""
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    r = y - X @ coef
    total = float(((y - y.mean()) ** 2).sum())
    n, p = X.shape
    r2 = 1.0 - float(r @ r) / total if total > 0 else math.nan
    df2 = n - p
    adj = 1.0 - (1.0 - r2) * (n - 1) / df2 if df2 > 0 else math.nan
    f = (r2 / (p - 1)) / ((1 - r2) / df2) if df2 > 0 and r2 < 1 else math.inf
    return {"r2": r2, "adj": adj, "F": f, "df1": p - 1, "df2": df2, "coef": coef}


def _fit_row(
    eq: dict, ctx: Context, topic: Any, item: str, terms: dict, nutrients: list[str]
) -> Claim:
    names = [k for k in ctx.names if k in ctx.means]
    single = "surface" not in terms
    term_list = next(iter(terms.values()))
    stats_printed = {
        k: eq.get(k) for k in ("r_squared", "adjusted_r_squared", "r", "F") if eq.get(k) is not None
    }
    paper = "; ".join(f"{_SYMBOL[k]} = {v!r}" for k, v in stats_printed.items())
    if eq.get("df"):
        paper += f"; df = {'.'.join(str(int(d)) for d in eq['df'])}"
    claim = both("au_fit_claim", stats=paper)
    have = (
        not ctx.rates.empty
        and all(n in ctx.rates.columns for n in nutrients)
        and len(names) == len(ctx.names)
        and len(names) >= 3
        and eq.get("fitted_to", "means") == "means"
    )
    if not have:
        return _printed_statistics(eq, stats_printed, topic, item, claim, paper)
    rates = ctx.rates.loc[names]
    if single:
        x = nutrients[0]
        rates = rates.rename(columns={x: "x"})
        rates["x2"] = rates["x"] ** 2
    X = _design_matrix(term_list, rates)
    inputs = {f"m{j}": ctx.means[k] for j, k in enumerate(names)}

    def stat(key: str) -> Any:
        def f(**kw: float) -> float:
            y = np.array([kw[f"m{j}"] for j in range(len(names))])
            s = refit_statistics(y, X)
            if key == "r":
                return math.sqrt(s["r2"])
            if key == "r_adj":
                return math.sqrt(max(s["adj"], 0.0))
            return s[key]

        return f

    y0 = np.array([float(ctx.means[k]) for k in names])
    base = refit_statistics(y0, X)
    ctx.details.setdefault(str(eq["id"]), {})["refit"] = base
    verdicts, notes = [], []
    keys = {"r_squared": "r2", "adjusted_r_squared": "adj", "F": "F"}
    for k, v in stats_printed.items():
        if k == "r":
            r_v, r_lo, r_hi = propagate(stat("r"), inputs)
            a_v, a_lo, a_hi = propagate(stat("r_adj"), inputs)
            plain = rounding_verdict(v, r_v, r_lo, r_hi, derived=False)
            adj = rounding_verdict(v, a_v, a_lo, a_hi, derived=False)
            # r is the multiple correlation √R²; a printed r that is √(adjusted R²) instead is a
            # mislabelled statistic (it overstates nothing, but it is not r): wrong, explained
            verdicts.append(plain)
            notes.append(
                both("au_fit_r_plain", r=_f(r_v, 4))
                if plain != "wrong"
                else both("au_fit_r_adj", r=_f(r_v, 4), ra=_f(a_v, 4))
                if adj != "wrong"
                else both("au_fit_r_neither", r=_f(r_v, 4), ra=_f(a_v, 4))
            )
            continue
        s_v, s_lo, s_hi = propagate(stat(keys[k]), inputs)
        verdicts.append(rounding_verdict(v, s_v, s_lo, s_hi, derived=False))
        notes.append(
            both("au_fit_stat", stat=_SYMBOL[k], v=f"{s_v:.6g}", lo=f"{s_lo:.6g}", hi=f"{s_hi:.6g}")
        )
    if eq.get("df") and [int(d) for d in eq["df"]] != [base["df1"], base["df2"]]:
        verdicts.append("wrong")
        notes.append(both("au_fit_df_bad", d1=base["df1"], d2=base["df2"]))
    verdict = worst(*verdicts) if verdicts else "cannot be checked"
    finds = both(
        "au_fit_finds",
        n=len(names),
        d1=base["df1"],
        d2=base["df2"],
        F=_f(base["F"]),
        r2=_f(base["r2"], 4),
        r=_f(math.sqrt(base["r2"]), 4),
        ra=_f(math.sqrt(max(base["adj"], 0.0)), 4) if math.isfinite(base["adj"]) else "—",
    )
    why_en = " ".join([both("au_fit_why", n=len(names))[0], *(n[0] for n in notes)])
    why_zh = " ".join([both("au_fit_why", n=len(names))[1], *(n[1] for n in notes)])
    first = next(iter(stats_printed.values()), None)
    return Claim(
        item=f"{item}.fit",
        topic=topic,
        claim=claim,
        paper_says=paper,
        fertopt_finds=finds,
        verdict=verdict,
        why=(why_en, why_zh),
        paper_value=float(eq["F"]) if eq.get("F") is not None else float(first or math.nan),
        fertopt_value=base["F"] if eq.get("F") is not None else base["r2"],
    )


def _printed_statistics(
    eq: dict, printed_stats: dict, topic: Any, item: str, claim: Any, paper: str
) -> Claim:
    """Without the means: do the printed F (with its df), R² and r agree with each other?

    R² = F·df1 / (F·df1 + df2); adjusted R² = 1 − (1 − R²)(n − 1)/df2 with n − 1 = df1 + df2;
    r is √R²; a printed r equal to √(adjusted R²), as some software labels it, is named as such
    and judged wrong (the statistic is mislabelled).
    """
    F, df = printed_stats.get("F"), eq.get("df")
    r2_printed = printed_stats.get("r_squared")
    r_printed = printed_stats.get("r")
    verdicts, notes = [], []
    if F is not None and df:
        d1, d2 = int(df[0]), int(df[1])

        def r2_of(F: float) -> float:
            return F * d1 / (F * d1 + d2)

        def adj_of(F: float) -> float:
            return 1 - (1 - r2_of(F)) * (d1 + d2) / d2

        for key, target in (("r_squared", r2_printed), ("r", r_printed)):
            if target is None:
                continue
            if key == "r_squared":
                v, lo, hi = propagate(r2_of, {"F": F})
                verdicts.append(rounding_verdict(target, v, lo, hi))
                notes.append(
                    both("au_fit_stat", stat="R²", v=f"{v:.6g}", lo=f"{lo:.6g}", hi=f"{hi:.6g}")
                )
                continue
            v, lo, hi = propagate(lambda F: math.sqrt(r2_of(F)), {"F": F})
            plain = rounding_verdict(target, v, lo, hi)
            av, alo, ahi = propagate(lambda F: math.sqrt(max(adj_of(F), 0.0)), {"F": F})
            adj = rounding_verdict(target, av, alo, ahi, derived=False)
            verdicts.append(plain)  # √(adjusted R²) printed as r: wrong, explained below
            notes.append(
                both("au_fit_r_plain", r=_f(v, 4))
                if plain != "wrong"
                else both("au_fit_r_adj", r=_f(v, 4), ra=_f(av, 4))
                if adj != "wrong"
                else both("au_fit_r_neither", r=_f(v, 4), ra=_f(av, 4))
            )
    elif r2_printed is not None and r_printed is not None:
        v, lo, hi = propagate(lambda r2: math.sqrt(r2), {"r2": r2_printed})
        verdicts.append(rounding_verdict(r_printed, v, lo, hi))
        notes.append(both("au_fit_r_plain", r=_f(v, 4)))
    if not verdicts:
        return Claim(
            item=f"{item}.fit",
            topic=topic,
            claim=claim,
            paper_says=paper,
            fertopt_finds=both("au_unchecked"),
            verdict="cannot be checked",
            why=both("au_fit_no_means"),
        )
    return Claim(
        item=f"{item}.fit",
        topic=topic,
        claim=claim,
        paper_says=paper,
        fertopt_finds=both("au_fit_printed_finds"),
        verdict=worst(*verdicts),
        why=(
            " ".join([both("au_fit_printed_why")[0], *(n[0] for n in notes)]),
            " ".join([both("au_fit_printed_why")[1], *(n[1] for n in notes)]),
        ),
        paper_value=float(F) if F is not None else float(r_printed),
    )


# ---------------------------------------------------------------------------
# surfaces
# ---------------------------------------------------------------------------
def _surface(eq: dict, ctx: Context) -> list[Claim]:
    name = str(eq["id"])
    nutrients = [str(n) for n in eq["nutrients"]]
    topic = both("au_topic_surface", nutrients=", ".join(nutrients))
    item = f"equation.{name}"
    coefs = eq.get("coefficients") or {}
    bounds = {}
    for n in nutrients:
        rng = _tested(eq, ctx, n)
        bounds[n] = rng if rng is not None else (0.0, 1.0)
    surf = surface_from_coefficients(
        {k: float(v) for k, v in coefs.items()},
        bounds=bounds,
        units={"response": "kg/mu", "rates": "kg/mu"},
    )
    detail: dict[str, Any] = {"surface": surf}
    ctx.details[name] = detail
    out: list[Claim] = []
    mx = eq.get("maximum") or {}
    point = {k: float(v) for k, v in (mx.get("rates") or {}).items()}
    coef_names = list(coefs)
    inputs = {f"c{i}": coefs[k] for i, k in enumerate(coef_names)}

    def value_at(pt: dict[str, float]) -> Any:
        def f(**kw: float) -> float:
            total = 0.0
            for i, term in enumerate(coef_names):
                v = kw[f"c{i}"]
                if term != "intercept":
                    for factor in term.split(":"):
                        v *= pt[factor[:-2]] ** 2 if factor.endswith("^2") else pt[factor]
                total += v
            return total

        return f

    eqn = _surface_text(coefs)
    rates_text = ", ".join(f"{k} {v:g}" for k, v in point.items())
    if point and mx.get("yield") is not None:
        v0, lo, hi = propagate(value_at(point), inputs)
        detail["value_at_paper_point"] = v0
        v = rounding_verdict(mx["yield"], v0, lo, hi)
        out.append(
            Claim(
                item=f"{item}.value",
                topic=topic,
                claim=both("au_surf_value_claim", y=repr(mx["yield"]), rates=rates_text),
                paper_says=repr(mx["yield"]),
                fertopt_finds=(f"{_f(v0)} kg", f"{_f(v0)} kg"),
                verdict=v,
                why=both(
                    "au_surf_value_why",
                    eqn=eqn,
                    v=_f(v0),
                    diff=_f(v0 - float(mx["yield"])),
                    slack=_f((hi - lo) / 2),
                ),
                paper_value=float(mx["yield"]),
                fertopt_value=v0,
                low=lo,
                high=hi,
            )
        )
    if mx:
        can = surf.canonical()
        detail["canonical"] = can
        eig = can.eigen["eigenvalue"].to_numpy(dtype=float)
        sp = ", ".join(f"{(0.0 if abs(v) < 1e-9 else v):g}" for v in can.stationary_point.values())
        eig_text = ", ".join(f"{e:.4g}" for e in eig)
        if can.kind == "maximum":
            verdict = "confirmed"
            finds = both("au_surf_shape_max", sp=sp, eig=eig_text)
            why = both("au_surf_shape_max_why")
        else:
            verdict = "wrong"
            finds = both("au_surf_shape_not", kind=both(f"au_kind_{can.kind}"), sp=sp, eig=eig_text)
            why = both("au_surf_shape_not_why", grads=_gradients(coefs, nutrients))
        out.append(
            Claim(
                item=f"{item}.shape",
                topic=topic,
                claim=both("au_surf_shape_claim", y=repr(mx.get("yield"))),
                paper_says=repr(mx.get("yield")),
                fertopt_finds=finds,
                verdict=verdict,
                why=why,
                paper_value=float(mx["yield"]) if mx.get("yield") is not None else math.nan,
                fertopt_value=float(eig.max()),
            )
        )
    if point:
        out.append(_surface_range(eq, ctx, surf, point, nutrients, topic, item, detail))
    out.extend(_surface_optimum(eq, ctx, surf, coefs, nutrients, topic, item, detail))
    out.append(identifiability(eq, ctx, nutrients, topic, item))
    if any(eq.get(k) is not None for k in ("r_squared", "r", "adjusted_r_squared", "F")):
        terms = ["1" if k == "intercept" else k for k in coef_names]
        out.append(_fit_row(eq, ctx, topic, item, {"surface": terms}, nutrients))
    return out


def _surface_text(coefs: dict) -> str:
    """The printed surface as a formula: ``1688.61 − 17.65 P2O5² + 0.064 N·K2O ...``."""
    out = ""
    for k, v in coefs.items():
        term = "" if k == "intercept" else " " + k.replace("^2", "²").replace(":", "·")
        sign = "−" if float(v) < 0 else "+"
        text = f"{abs(float(v)):.{v.decimals if isinstance(v, Printed) else 4}f}{term}"
        out += (("−" if sign == "−" else "") + text) if not out else f" {sign} {text}"
    return out


def _gradients(coefs: dict, nutrients: list[str]) -> str:
    parts = []
    for n in nutrients:
        terms = []
        for k, v in coefs.items():
            factors = k.split(":")
            if k == f"{n}^2":
                terms.append(f"{2 * float(v):g} {n}")
            elif k == n:
                terms.append(f"{v!r}")
            elif len(factors) == 2 and n in factors:
                other = factors[1] if factors[0] == n else factors[0]
                terms.append(f"{v!r} {other}")
        if terms:
            parts.append(f"∂Y/∂{n} = {' + '.join(terms)}")
    return "; ".join(parts)


def _surface_range(
    eq: dict,
    ctx: Context,
    surf: Any,
    point: dict,
    nutrients: list[str],
    topic: Any,
    item: str,
    detail: dict,
) -> Claim:
    formula = (ctx.spec.get("design") or {}).get("formula") or {}
    box_rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if formula and all(n in formula for n in nutrients):
            fb = surf.maximum(bounds={n: (0.0, float(formula[n])) for n in nutrients})
            detail["maximum_formula_box"] = fb
            box_rows.append(
                both(
                    "au_surf_box_formula",
                    rates=", ".join(f"{v:g}" for v in fb.rates.values()),
                    y=_f(fb.yield_at_rates, 1),
                )
            )
        have_rates = not ctx.rates.empty and all(n in ctx.rates.columns for n in nutrients)
        if have_rates or eq.get("tested_range"):
            ab = surf.maximum(bounds="tested")
            detail["maximum_applied_box"] = ab
            box_rows.append(
                both(
                    "au_surf_box_applied",
                    rates=", ".join(f"{v:g}" for v in ab.rates.values()),
                    y=_f(ab.yield_at_rates, 1),
                )
            )
    if have_rates:
        vertices = ctx.rates[nutrients].to_numpy(dtype=float)
        inside = in_hull(np.array([point[n] for n in nutrients]), vertices)
        in_box = all(
            vertices[:, j].min() <= point[n] <= vertices[:, j].max()
            for j, n in enumerate(nutrients)
        )
    else:
        inside = in_box = False
    detail["paper_point_in_hull"] = inside
    beyond_formula = [n for n in nutrients if n in formula and point[n] > float(formula[n])]
    if not have_rates:
        verdict, why = "cannot be checked", both("au_surf_range_norates")
    elif inside:
        verdict, why = "confirmed", both("au_surf_range_inside")
    else:
        verdict = "outside the tested range"
        why = both("au_surf_range_outside_box" if not in_box else "au_surf_range_outside_hull")
    formula_text = (
        both(
            "au_surf_beyond_formula",
            what=", ".join(f"{n} {point[n]:g} > {float(formula[n]):g}" for n in beyond_formula),
        )
        if beyond_formula
        else ("", "")
    )
    rates_text = ", ".join(f"{k} {v:g}" for k, v in point.items())
    hull = both("au_hull_" + ("in" if inside else "out")) if have_rates else ("", "")
    finds_en = " ".join([formula_text[0], hull[0], *(b[0] for b in box_rows)]).strip()
    finds_zh = " ".join([formula_text[1], hull[1], *(b[1] for b in box_rows)]).strip()
    if not finds_en:
        finds_en, finds_zh = both("au_unchecked")
    fb = detail.get("maximum_formula_box") or detail.get("maximum_applied_box")
    return Claim(
        item=f"{item}.range",
        topic=topic,
        claim=both("au_surf_range_claim", rates=rates_text),
        paper_says=" / ".join(f"{v:g}" for v in point.values()),
        fertopt_finds=(finds_en, finds_zh),
        verdict=verdict,
        why=why,
        paper_value=float(point[nutrients[-1]]),
        fertopt_value=float(fb.yield_at_rates) if fb is not None else math.nan,
    )


# ---------------------------------------------------------------------------
# surface economic optimum
# ---------------------------------------------------------------------------
def _monomials(names: list[str], nutrients: list[str]) -> np.ndarray:
    """Powers of each nutrient in each term (``"N:P2O5"`` -> N 1, P2O5 1; ``"K2O^2"`` -> 2)."""
    powers = np.zeros((len(names), len(nutrients)))
    for t, name in enumerate(names):
        if name == "intercept":
            continue
        for factor in name.split(":"):
            base, p = (factor[:-2], 2) if factor.endswith("^2") else (factor, 1)
            powers[t, nutrients.index(base)] += p
    return powers


def _pw(x: np.ndarray, p: float) -> np.ndarray:
    return np.ones_like(x) if p == 0 else x**p


def _poly(c: np.ndarray, powers: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, ...]:
    """Value, gradient and Hessian of Σ c_t Π x^p at ``x`` (rows: coefficient sets)."""
    k, n = x.shape
    val, grad, hess = np.zeros(k), np.zeros((k, n)), np.zeros((k, n, n))
    for t, p in enumerate(powers):
        val += c[:, t] * np.prod([_pw(x[:, v], p[v]) for v in range(n)], axis=0)
        for v in range(n):
            if p[v] == 0:
                continue
            others = [_pw(x[:, u], p[u]) for u in range(n) if u != v]
            rest = np.prod(others, axis=0) if others else np.ones(k)
            grad[:, v] += c[:, t] * p[v] * _pw(x[:, v], p[v] - 1) * rest
            for w in range(n):
                if w == v:
                    if p[v] >= 2:
                        hess[:, v, v] += c[:, t] * p[v] * (p[v] - 1) * _pw(x[:, v], p[v] - 2) * rest
                elif p[w] > 0:
                    third = [_pw(x[:, u], p[u]) for u in range(n) if u not in (v, w)]
                    r3 = np.prod(third, axis=0) if third else np.ones(k)
                    hess[:, v, w] += (
                        c[:, t] * p[v] * p[w] * _pw(x[:, v], p[v] - 1) * _pw(x[:, w], p[w] - 1) * r3
                    )
    return val, grad, hess


def _optimum_rows(coefs: dict, c0: np.ndarray) -> np.ndarray:
    """Coefficient sets over the printed coefficients' rounding, as :func:`propagate` takes them.

    Every corner of the rounding box for at most 12 coefficients, else each coefficient moved
    alone by ± half a unit (a first-order bound).
    """
    h = np.array([half_unit(v) if isinstance(v, Printed) else 0.0 for v in coefs.values()])
    if len(h) <= MAX_CORNERS_INPUTS:
        signs = np.array(list(itertools.product((-1.0, 1.0), repeat=len(h))))
        return np.vstack([c0, c0 + signs * h])
    eye = np.eye(len(h)) * h
    return np.vstack([c0, c0 + eye, c0 - eye])


def _solve_optimum(
    c: np.ndarray, powers: np.ndarray, x0: np.ndarray, ratio: np.ndarray
) -> np.ndarray:
    """Newton on ∂Y/∂x = price ratios from ``x0``, for every row of coefficients ``c``."""
    x = np.tile(x0, (len(c), 1))
    for _ in range(50):
        _, g, H = _poly(c, powers, x)
        try:
            step = np.linalg.solve(H, (g - ratio)[..., None])[..., 0]
        except np.linalg.LinAlgError:
            return np.full_like(x, np.nan)
        x = x - step
        if np.nanmax(np.abs(step)) < 1e-10:
            break
    return x


def _surface_optimum(
    eq: dict,
    ctx: Context,
    surf: Any,
    coefs: dict,
    nutrients: list[str],
    topic: Any,
    item: str,
    detail: dict,
) -> list[Claim]:
    """A printed economic optimum of a surface re-derived within the box of tested rates.

    ``surface_from_coefficients(...).optimum(prices=..., bounds="tested")`` gives the rates;
    an interior optimum (marginal products equal to the price ratios) is solved again for
    the coefficients' rounding (Newton from it) for the interval each rate may take.
    """
    op = eq.get("optimum") or {}
    printed_rates = op.get("rates") or {}
    if not printed_rates:
        return []
    rates_text = ", ".join(f"{k} {v!r}" for k, v in printed_rates.items())
    prices, crop = ctx.nutrient_prices(), ctx.crop_price()
    missing = [n for n in nutrients if n not in prices]
    if crop is None or missing:
        return [
            Claim(
                item=f"{item}.optimum",
                topic=topic,
                claim=both("au_surf_opt_claim", rates=rates_text),
                paper_says=rates_text,
                fertopt_finds=both("au_unchecked"),
                verdict="cannot be checked",
                why=both("au_no_prices", nut=", ".join(missing) or "crop"),
            )
        ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opt = surf.optimum(
            prices={"crop": crop, **{n: prices[n] for n in nutrients}}, bounds="tested"
        )
    detail["optimum"] = opt
    x0 = np.array([float(opt.rates[n]) for n in nutrients])
    names = list(coefs)
    powers = _monomials(names, nutrients)
    c0 = np.array([float(coefs[k]) for k in names])
    ratio = np.array([prices[n] / crop for n in nutrients])
    interior = opt.status == "ok"
    if interior:
        rows = _optimum_rows(coefs, c0)
        xs = _solve_optimum(rows, powers, x0, ratio)
        ys = _poly(rows, powers, xs)[0]
        ok = np.isfinite(xs).all(axis=1)
        xs, ys = xs[ok], ys[ok]
        lo, hi = xs.min(axis=0), xs.max(axis=0)
        ylo, yhi = float(ys.min()), float(ys.max())
    else:
        lo = hi = x0
        ylo = yhi = float(opt.yield_at_rates)

    def net(x: np.ndarray) -> float:
        y = float(_poly(c0[None, :], powers, x[None, :])[0][0])
        return crop * y - float(prices_vec @ x)

    prices_vec = np.array([prices[n] for n in nutrients])
    pr = np.array([float(printed_rates.get(n, x0[j])) for j, n in enumerate(nutrients)])
    net_text = both("au_surf_opt_net", a=_f(net(pr), 3), b=_f(net(x0), 3))
    # the region tested is the treatments' convex hull, as for a printed maximum (.range)
    hull_out = False
    if not ctx.rates.empty and all(n in ctx.rates.columns for n in nutrients):
        vertices = ctx.rates[nutrients].dropna().to_numpy(dtype=float)
        in_box = all(vertices[:, j].min() <= pr[j] <= vertices[:, j].max() for j in range(len(pr)))
        hull_out = in_box and not in_hull(pr, vertices)
    detail["optimum_in_hull"] = not hull_out
    place = both("au_surf_opt_inside" if interior else "au_surf_opt_bound", status=opt.status)
    out: list[Claim] = []
    for j, n in enumerate(nutrients):
        if printed_rates.get(n) is None:
            continue
        printed = printed_rates[n]
        v = rounding_verdict(printed, float(x0[j]), float(lo[j]), float(hi[j]))
        v, beyond = _range_verdict(v, printed, _tested(eq, ctx, n), n)
        if hull_out:
            v, beyond = worst(v, "outside the tested range"), both("au_surf_range_outside_hull")
        out.append(
            Claim(
                item=f"{item}.optimum.{n}",
                topic=topic,
                claim=both("au_surf_opt_rate_claim", nut=n, x=repr(printed)),
                paper_says=repr(printed),
                fertopt_finds=(f"{_f(x0[j], 3)} kg", f"{_f(x0[j], 3)} kg"),
                verdict=v,
                why=_join(
                    both(
                        "au_surf_opt_why",
                        py=f"{crop:g}",
                        px=", ".join(f"{m} {prices[m]:g}" for m in nutrients),
                        x=", ".join(f"{m} {x0[i]:.3f}" for i, m in enumerate(nutrients)),
                        nut=n,
                        lo=_f(lo[j], 3),
                        hi=_f(hi[j], 3),
                    ),
                    place,
                    net_text,
                    beyond,
                ),
                paper_value=float(printed),
                fertopt_value=float(x0[j]),
                low=float(lo[j]),
                high=float(hi[j]),
            )
        )
    if op.get("yield") is not None:
        y0 = float(opt.yield_at_rates)
        out.append(
            Claim(
                item=f"{item}.optimum.yield",
                topic=topic,
                claim=both("au_eq_opt_yield_claim", y=repr(op["yield"])),
                paper_says=repr(op["yield"]),
                fertopt_finds=(f"{_f(y0)} kg", f"{_f(y0)} kg"),
                verdict=rounding_verdict(op["yield"], y0, min(ylo, y0), max(yhi, y0)),
                why=both(
                    "au_eq_opt_yield_why",
                    x=", ".join(f"{x0[i]:.3f}" for i in range(len(nutrients))),
                    y=_f(y0),
                    lo=_f(min(ylo, y0)),
                    hi=_f(max(yhi, y0)),
                ),
                paper_value=float(op["yield"]),
                fertopt_value=y0,
                low=min(ylo, y0),
                high=max(yhi, y0),
            )
        )
    return out
