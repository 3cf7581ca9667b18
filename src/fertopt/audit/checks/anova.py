"""ANOVA lines: F ↔ df ↔ p ↔ critical F ↔ the words the paper uses.

For each printed ANOVA line: the df (printed, or those the design implies), the critical F
re-derived at the printed level, the p-value of the printed F, the F against a printed error
mean square and the means; then the words ("不显著", "significant") against the F test.
"""

from __future__ import annotations

import math
import re

from fertopt.audit.checks.registry import register
from fertopt.audit.checks.rounding import propagate, rounding_verdict
from fertopt.audit.claims import Claim, Context, both, worst

__all__ = ["check_anova", "word_meaning"]

_NOT = ("不显著", "无显著", "未达显著", "not significant", "no significant", "n.s.", "ns")
_HIGHLY = ("极显著", "highly significant", "very significant")
_YES = ("显著", "significant", "significantly")


def _has(text: str, keys: tuple[str, ...]) -> bool:
    """Whether ``text`` holds one of ``keys`` (Latin ones as whole words: 'ns', not 'means')."""
    for k in keys:
        if k.isascii():
            if re.search(rf"(?<![a-z]){re.escape(k)}(?![a-z])", text):
                return True
        elif k in text:
            return True
    return False


def word_meaning(word: str) -> str | None:
    """``'no'``, ``'highly'``, ``'yes'`` or None: what a significance word asserts.

    Examples
    --------
    >>> [word_meaning(w) for w in ("差异不显著", "极显著", "significant", "ns", "the means")]
    ['no', 'highly', 'yes', 'no', None]
    """
    w = word.strip().lower()
    if _has(w, _NOT):
        return "no"
    if _has(w, _HIGHLY):
        return "highly"
    if _has(w, _YES):
        return "yes"
    return None


def _fmt(x: float, d: int = 2) -> str:
    return f"{x:.{d}f}"


@register("anova", section="anova", order=20)
def check_anova(lines: list[dict], ctx: Context) -> list[Claim]:
    """One claim per ANOVA line (its F test) and one for its wording when words are given."""
    from scipy import stats

    out: list[Claim] = []
    for i, line in enumerate(lines):
        term = str(line.get("term", "treatment"))
        topic = both("au_topic_anova")
        F, alpha = line.get("F"), float(line.get("alpha", 0.05))
        df = line.get("df")
        df_source = "printed"
        if df is None and term == "treatment":
            df = ctx.anova_df()
            df_source = "design"
        if F is None:
            continue
        if df is None:
            out.append(
                Claim(
                    item=f"anova[{i}].F",
                    topic=topic,
                    claim=both("au_anova_claim", term=term, F=repr(F)),
                    paper_says=f"F = {F!r}",
                    fertopt_finds=both("au_unchecked"),
                    verdict="cannot be checked",
                    why=both("au_anova_no_df"),
                    paper_value=float(F),
                )
            )
            continue
        d1, d2 = int(df[0]), int(df[1])
        f_crit = float(stats.f.isf(alpha, d1, d2))
        p_value = float(stats.f.sf(float(F), d1, d2))
        verdicts, notes_en, notes_zh = ["confirmed"], [], []
        crit = line.get("F_critical")
        if crit is not None:
            v = rounding_verdict(crit, f_crit, f_crit, f_crit)
            verdicts.append(v)
            key = "au_anova_crit_ok" if v == "confirmed" else "au_anova_crit_bad"
            en, zh = both(key, crit=repr(crit), alpha=f"{alpha:g}", d1=d1, d2=d2, f=_fmt(f_crit, 3))
            notes_en.append(en)
            notes_zh.append(zh)
            # the comparison the paper draws
            if (float(F) > float(crit)) != (float(F) > f_crit):
                verdicts.append("wrong")
        p = line.get("p")
        if p is not None:
            pv, plo, phi = propagate(lambda F, d1=d1, d2=d2: float(stats.f.sf(F, d1, d2)), {"F": F})
            v = rounding_verdict(p, pv, plo, phi)
            verdicts.append(v)
            en, zh = both("au_anova_p", p=repr(p), pv=f"{pv:.4g}", lo=f"{plo:.4g}", hi=f"{phi:.4g}")
            notes_en.append(en)
            notes_zh.append(zh)
        mse = line.get("MSE")
        ms_t = ctx.treatment_ms() if term == "treatment" else None
        if mse is not None and ms_t is not None:
            names = list(ctx.means)
            inputs = {f"m{j}": ctx.means[k] for j, k in enumerate(names)} | {"mse": mse}

            def f_of(names: list[str] = names, **kw: float) -> float:
                ms = ctx.treatment_ms({k: kw[f"m{j}"] for j, k in enumerate(names)})
                return float(ms) / kw["mse"]

            fv, flo, fhi = propagate(f_of, inputs)
            v = rounding_verdict(F, fv, flo, fhi)
            verdicts.append(v)
            en, zh = both("au_anova_f_mse", f=_fmt(fv), lo=_fmt(flo), hi=_fmt(fhi), mse=repr(mse))
            notes_en.append(en)
            notes_zh.append(zh)
        src = both("au_df_" + df_source, d1=d1, d2=d2)
        why = (
            " ".join([src[0], *notes_en]),
            " ".join([src[1], *notes_zh]),
        )
        paper = f"F = {F!r}" + (f"; F{alpha:g} = {crit!r}" if crit is not None else "")
        paper += f"; p = {p!r}" if p is not None else ""
        out.append(
            Claim(
                item=f"anova[{i}].F",
                topic=topic,
                claim=both("au_anova_claim", term=term, F=repr(F)),
                paper_says=paper,
                fertopt_finds=both(
                    "au_anova_finds",
                    d1=d1,
                    d2=d2,
                    F=repr(F),
                    p=f"{p_value:.5f}",
                    alpha=f"{alpha:g}",
                    f=_fmt(f_crit, 3),
                ),
                verdict=worst(*verdicts),
                why=why,
                paper_value=float(F),
                fertopt_value=f_crit,
            )
        )
        words = [str(w) for w in line.get("words") or []]
        if words:
            out.append(_wording(i, words, float(F), d1, d2, alpha))
    return out


def _wording(i: int, words: list[str], F: float, d1: int, d2: int, alpha: float) -> Claim:
    from scipy import stats

    f01 = float(stats.f.isf(0.01, d1, d2))
    fa = float(stats.f.isf(alpha, d1, d2))
    truth = "highly" if F > f01 else ("yes" if F > fa else "no")
    meanings = [word_meaning(w) for w in words]
    said = {m for m in meanings if m is not None}
    significant = {"yes", "highly"}
    if not said:
        verdict = "cannot be checked"
    elif "no" in said and said & significant:
        verdict = "contradictory"
    elif ("no" in said) != (truth == "no") or ("highly" in said and truth != "highly"):
        verdict = "wrong"
    else:
        verdict = "confirmed"
    finding = both(
        f"au_truth_{truth}",
        F=f"{F:.2f}",
        d1=d1,
        d2=d2,
        f01=f"{f01:.2f}",
        fa=f"{fa:.2f}",
        alpha=f"{100 * alpha:g}",
    )
    return Claim(
        item=f"anova[{i}].words",
        topic=both("au_topic_anova"),
        claim=both("au_words_claim", words=" / ".join(f"'{w}'" for w in words)),
        paper_says=" / ".join(words),
        fertopt_finds=finding,
        verdict=verdict,
        why=both(f"au_words_{verdict.replace(' ', '_')}", F=f"{F:.2f}", f01=f"{f01:.2f}"),
        paper_value=math.nan,
        fertopt_value=f01,
    )
