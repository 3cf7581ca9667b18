"""Means and letters: the error mean square the paper's numbers imply, the LSD and critical
ranges from it, the letters re-derived (Duncan, LSD, Tukey, SNK) and the claimed differences.

The error mean square comes from, in this order: ``comparison.MSE``, the ANOVA line's
``MSE``, the treatment mean square of the printed means divided by the printed F
(MSE = r·Σ(ȳᵢ − ȳ)²/(t − 1) ÷ F), a printed LSD (MSE = n·(LSD / t)² / 2) or a printed SE
(MSE = n·SE²).  The tests run on the printed means through fertopt's ``*_from_means``.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from fertopt.audit.checks.registry import register
from fertopt.audit.checks.rounding import propagate, rounding_verdict
from fertopt.audit.claims import Claim, Context, both
from fertopt.audit.spec import half_unit
from fertopt.multcomp import duncan_from_means, lsd_from_means, snk_from_means, tukey_from_means

__all__ = ["check_comparison", "implied_mse"]

_TESTS = {
    "duncan": duncan_from_means,
    "lsd": lsd_from_means,
    "tukey": tukey_from_means,
    "snk": snk_from_means,
}


def implied_mse(part: dict, ctx: Context) -> tuple[float, float, float, tuple[str, str]] | None:
    """``(mse, low, high, source)``: the error mean square and its rounding interval."""
    from scipy import stats

    lines = [ln for ln in ctx.spec.get("anova") or [] if ln.get("term", "treatment") == "treatment"]
    line = lines[0] if lines else {}
    for mse in (part.get("MSE"), line.get("MSE")):
        if mse is not None:
            v, lo, hi = propagate(lambda m: m, {"m": mse})
            return v, lo, hi, both("au_mse_printed", mse=repr(mse))
    F = line.get("F")
    if F is not None and ctx.treatment_ms() is not None:
        names = list(ctx.means)
        inputs = {f"m{j}": ctx.means[k] for j, k in enumerate(names)} | {"F": F}

        def mse_of(**kw: float) -> float:
            return float(ctx.treatment_ms({k: kw[f"m{j}"] for j, k in enumerate(names)})) / kw["F"]

        v, lo, hi = propagate(mse_of, inputs)
        ms = ctx.treatment_ms()
        return v, lo, hi, both("au_mse_from_f", ms=f"{ms:.6g}", F=repr(F), mse=f"{v:.6g}")
    df = _df_resid(ctx)
    n = _n(ctx)
    if df is not None and n is not None:
        alpha = float(part.get("alpha", 0.05))
        if part.get("LSD") is not None:
            t = float(stats.t.isf(alpha / 2, df))
            v, lo, hi = propagate(lambda L: n * (L / t) ** 2 / 2, {"L": part["LSD"]})
            return v, lo, hi, both("au_mse_from_lsd", lsd=repr(part["LSD"]), mse=f"{v:.6g}")
        if part.get("SE") is not None:
            v, lo, hi = propagate(lambda s: n * s * s, {"s": part["SE"]})
            return v, lo, hi, both("au_mse_from_se", se=repr(part["SE"]), mse=f"{v:.6g}")
    return None


def _df_resid(ctx: Context) -> int | None:
    for line in ctx.spec.get("anova") or []:
        if line.get("df") is not None and line.get("term", "treatment") == "treatment":
            return int(line["df"][1])
    df = ctx.anova_df()
    return None if df is None else df[1]


def _n(ctx: Context) -> float | None:
    ns = set(ctx.n.values())
    return ns.pop() if len(ns) == 1 else None


def _run(test: str, ctx: Context, mse: float, df: int, alpha: float, means: dict | None = None):
    fn = _TESTS[test]
    means = {k: float(v) for k, v in (means or ctx.means).items()}
    n = {k: ctx.n[k] for k in means}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(means=means, n=n, mse=mse, df_resid=df, alpha=alpha)


def _shares(letters: dict[str, str]) -> set[frozenset[str]]:
    names = list(letters)
    return {
        frozenset((a, b))
        for i, a in enumerate(names)
        for b in names[i + 1 :]
        if set(letters[a]) & set(letters[b])
    }


@register("comparison", section="comparison", order=30)
def check_comparison(part: dict, ctx: Context) -> list[Claim]:
    """Printed LSD, printed letters and each claimed difference, against the printed means."""
    from scipy import stats

    test = str(part.get("test", "duncan")).lower()
    alpha = float(part.get("alpha", 0.05))
    topic = both("au_topic_comparison")
    out: list[Claim] = []
    items = [("lsd", None)] if part.get("LSD") is not None else []
    letters = dict(part.get("letters") or {})
    for t in (ctx.spec.get("design") or {}).get("treatments") or []:
        if t.get("letters"):
            letters.setdefault(t["name"], t["letters"])
    if letters:
        items.append(("letters", None))
    items += [("claim", (i, c)) for i, c in enumerate(part.get("claims") or [])]
    implied = implied_mse(part, ctx)
    df = _df_resid(ctx)
    missing = None
    if test not in _TESTS:
        missing = both("au_test_unknown", test=test)
    elif len(ctx.means) < 2 or len(ctx.means) != len(ctx.names) or not ctx.n:
        missing = both("au_no_means")
    elif implied is None or df is None:
        missing = both("au_no_mse")
    if missing is not None:
        for kind, arg in items:
            item = f"comparison.{kind}" if arg is None else f"comparison.claims[{arg[0]}]"
            out.append(
                Claim(
                    item=item,
                    topic=topic,
                    claim=both(f"au_cmp_{kind}_claim", a=arg[1]["a"], b=arg[1]["b"])
                    if arg
                    else both(f"au_cmp_{kind}_claim"),
                    paper_says=str(arg[1].get("text", "")) if arg else "",
                    fertopt_finds=both("au_unchecked"),
                    verdict="cannot be checked",
                    why=missing,
                )
            )
        return out
    mse, mse_lo, mse_hi, source = implied
    n = _n(ctx) or min(ctx.n.values())
    mc = _run(test, ctx, mse, df, alpha)
    ends = [_run(test, ctx, m, df, alpha) for m in (mse_lo, mse_hi)]
    ctx.details["comparison"] = mc
    found = dict(zip(mc.groups["treatment"], mc.groups["letters"], strict=True))
    order = list(mc.groups["treatment"])
    all_letters = ", ".join(f"{t} {found[t]}" for t in order)
    lsd_of = float(stats.t.isf(alpha / 2, df)) * math.sqrt(2 * mse / n)
    test_name = both(f"au_test_{test}")
    for kind, arg in items:
        if kind == "lsd":
            printed_lsd = part["LSD"]
            t = float(stats.t.isf(alpha / 2, df))
            v, lo, hi = (lsd_of, *(t * math.sqrt(2 * m / n) for m in (mse_lo, mse_hi)))
            out.append(
                Claim(
                    item="comparison.lsd",
                    topic=topic,
                    claim=both("au_cmp_lsd_claim"),
                    paper_says=f"LSD = {printed_lsd!r}",
                    fertopt_finds=(f"LSD{alpha:g} = {v:.4g}", f"LSD{alpha:g} = {v:.4g}"),
                    verdict=rounding_verdict(printed_lsd, v, lo, hi),
                    why=both("au_cmp_lsd_why", src=source, t=f"{t:.4f}", n=f"{n:g}", v=f"{v:.4g}"),
                    paper_value=float(printed_lsd),
                    fertopt_value=v,
                    low=lo,
                    high=hi,
                )
            )
        elif kind == "letters":
            want = _shares(found)
            got = _shares({k: str(v) for k, v in letters.items()})
            alt = [
                _shares(dict(zip(e.groups["treatment"], e.groups["letters"], strict=True)))
                for e in ends
            ]
            loose = {frozenset(p) for p in _pairs(ctx) if not _firm(p, mc, ends, ctx)}
            if got == want:
                verdict = "confirmed"
            elif any(got == a for a in alt) or (want ^ got) <= loose:
                verdict = "consistent within rounding"
            else:
                verdict = "wrong"
            diff = sorted(" – ".join(sorted(p)) for p in want ^ got)
            out.append(
                Claim(
                    item="comparison.letters",
                    topic=topic,
                    claim=both("au_cmp_letters_claim"),
                    paper_says=", ".join(f"{k} {v}" for k, v in letters.items()),
                    fertopt_finds=both("au_cmp_letters_finds", test=test_name, letters=all_letters),
                    verdict=verdict,
                    why=both(
                        "au_cmp_letters_why",
                        src=source,
                        pairs=", ".join(diff) if diff else "—",
                    ),
                )
            )
        else:
            i, c = arg
            a, b = str(c["a"]), str(c["b"])
            out.append(
                _difference(
                    i, c, (a, b), mc, ends, (found, all_letters, test_name), lsd_of, source, ctx
                )
            )
    return out


def _pairs(ctx: Context) -> list[tuple[str, str]]:
    names = list(ctx.means)
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]


def _firm(pair: tuple[str, str], mc: Any, ends: list, ctx: Context) -> bool:
    """Whether the test's decision on ``pair`` holds over the printed numbers' rounding.

    The difference of two printed means is known to the sum of their half-units; the
    critical range to the range it takes at the ends of the error mean square's interval.
    The decision is firm when the difference stays on one side of every critical range.
    """
    a, b = pair
    d = abs(float(ctx.means[a]) - float(ctx.means[b]))
    h = half_unit(ctx.means[a]) + half_unit(ctx.means[b])
    crits = [float(_pair(m, a, b)["critical_range"]) for m in (mc, *ends)]
    sig = {bool(_pair(m, a, b)["significant"]) for m in (mc, *ends)}
    return len(sig) == 1 and (d - h > max(crits) or d + h < min(crits))


def _pair(mc: Any, a: str, b: str) -> Any:
    pairs = mc.pairs
    hit = pairs[
        ((pairs["treatment_a"] == a) & (pairs["treatment_b"] == b))
        | ((pairs["treatment_a"] == b) & (pairs["treatment_b"] == a))
    ]
    return hit.iloc[0]


def _difference(
    i: int,
    c: dict,
    pair: tuple[str, str],
    mc: Any,
    ends: list,
    letters: tuple[dict, str, tuple[str, str]],
    lsd: float,
    source: tuple[str, str],
    ctx: Context,
) -> Claim:
    a, b = pair
    found, all_letters, test_name = letters
    order = list(mc.groups["treatment"])
    span = abs(order.index(a) - order.index(b)) + 1
    row = _pair(mc, a, b)
    sig = bool(row["significant"])
    firm = _firm((a, b), mc, ends, ctx)
    claimed = bool(c.get("significant", True))
    if claimed == sig:
        verdict = "confirmed" if firm else "consistent within rounding"
    else:
        verdict = "wrong" if firm else "consistent within rounding"
    diff = abs(float(ctx.means[a]) - float(ctx.means[b]))
    crit = float(row["critical_range"])
    return Claim(
        item=f"comparison.claims[{i}]",
        topic=both("au_topic_comparison"),
        claim=both("au_cmp_claim_claim", a=a, b=b)
        if claimed
        else both("au_cmp_claim_claim_not", a=a, b=b),
        paper_says=str(c.get("text") or ("significant" if claimed else "not significant")),
        fertopt_finds=both(
            "au_cmp_claim_sig" if sig else "au_cmp_claim_ns",
            diff=f"{diff:.1f}",
            crit=f"{crit:.1f}",
            lsd=f"{lsd:.1f}",
            a=a,
            b=b,
            la=found[a],
            lb=found[b],
            test=test_name,
            span=span,
        ),
        verdict=verdict,
        why=both("au_cmp_claim_why", src=source, letters=all_letters),
        paper_value=diff,
        fertopt_value=crit,
    )
