"""Can the design identify the surface?  Checks made before any surface is fitted.

A surface with ``p`` coefficients needs ``p`` distinct rate combinations
(support points) and a full-rank model matrix on them; every nutrient in the
model must vary, the nutrients must vary independently, and a nutrient with
``m`` terms of its own (for example ``N`` and ``N^2``) needs ``m + 1``
distinct rates.  Each check raises :class:`~fertopt.exceptions.DesignError`
with a plain-words explanation of what the design cannot tell apart.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from fertopt._core.formatting import format_number
from fertopt.exceptions import DesignError
from fertopt.surface.poly import design_columns, term_name

__all__ = ["check_identifiable", "aliased_terms", "matrix_rank"]

_RANK_TOL = 1e-9


def _unit_columns(cols: np.ndarray) -> np.ndarray:
    scale = np.abs(cols).max(axis=0)
    scale[scale == 0] = 1.0
    return cols / scale


def matrix_rank(cols: np.ndarray) -> int:
    """Numerical rank after scaling each column to a maximum of 1."""
    if cols.size == 0:
        return 0
    s = np.linalg.svd(_unit_columns(cols), compute_uv=False)
    return int((s > _RANK_TOL * s[0]).sum()) if s[0] > 0 else 0


def aliased_terms(
    cols: np.ndarray, names: Sequence[str]
) -> list[tuple[str, list[tuple[float, str]]]]:
    """Columns that are linear combinations of earlier ones, with the combination.

    Columns are taken in order; a column whose residual after regression on
    the kept columns is negligible is reported as ``(name, [(coef, other)])``.
    """
    kept: list[int] = []
    out = []
    for j in range(cols.shape[1]):
        col = cols[:, j]
        scale = np.abs(col).max()
        if scale == 0:
            out.append((names[j], []))
            continue
        if kept:
            basis = cols[:, kept]
            coef, *_ = np.linalg.lstsq(basis, col, rcond=None)
            resid = col - basis @ coef
            if np.abs(resid).max() <= 1e-8 * scale:
                big = np.abs(coef) * np.abs(basis).max(axis=0) > 1e-8 * scale
                out.append(
                    (names[j], [(float(c), names[kept[i]]) for i, c in enumerate(coef) if big[i]])
                )
                continue
        kept.append(j)
    return out


def _relation(target: str, combo: list[tuple[float, str]]) -> str:
    if not combo:
        return f"{target} is 0 on every plot"
    parts = []
    for coef, name in combo:
        if name == "intercept":
            parts.append(format_number(coef, 4))
        elif abs(coef - 1) < 1e-9:
            parts.append(name)
        else:
            parts.append(f"{format_number(coef, 4)} × {name}")
    text = " + ".join(parts).replace("+ -", "− ")
    if text.startswith("-"):
        text = "−" + text[1:]
    return f"{target} = {text} on every plot"


def _combo_text(row: np.ndarray) -> str:
    return "(" + ", ".join(format_number(v, 4) for v in row) + ")"


def check_identifiable(
    powers: Sequence[Sequence[float]],
    rates: np.ndarray,
    nutrients: Sequence[str],
    *,
    what: str = "the surface",
    stepwise: bool = False,
) -> None:
    """Raise :class:`DesignError` when the rates cannot identify the surface ``powers``.

    Parameters
    ----------
    powers : sequence of tuples
        Powers of each nutrient for every term (intercept first).
    rates : ndarray (n, k)
        Rates of every plot.
    nutrients : sequence of str
        Names of the k nutrients.
    what : str
        How to call the model in messages.
    stepwise : bool
        The terms are the candidates of a stepwise selection (changes the wording).
    """
    rates = np.asarray(rates, dtype=float)
    support = np.unique(rates, axis=0)
    names = [term_name(p, nutrients) for p in powers]
    pw = np.asarray(powers, dtype=float).reshape(len(powers), -1)
    used = [i for i in range(len(nutrients)) if np.any(pw[:, i] != 0)]
    combos = "/".join(nutrients)
    tail = (
        " Stepwise selection on such data would only be choosing between terms the design "
        "cannot tell apart, so it is refused."
        if stepwise
        else ""
    )

    # (a) every nutrient in the model must vary
    for i in used:
        levels = np.unique(support[:, i])
        if len(levels) == 1:
            raise DesignError(
                f"{nutrients[i]} has a single rate ({format_number(levels[0], 6)}) on every plot, "
                f"so the data say nothing about its effect and {what} cannot include it. "
                f"Leave {nutrients[i]} out of `rates`, or use a trial in which {nutrients[i]} "
                "is applied at several rates." + tail
            )

    # (b) the nutrients must vary independently of each other
    lin = np.column_stack([np.ones(len(support))] + [support[:, i] for i in used])
    lin_names = ["intercept"] + [nutrients[i] for i in used]
    if matrix_rank(lin) < lin.shape[1]:
        target, combo = aliased_terms(lin, lin_names)[0]
        raise DesignError(
            "The rates of the nutrients move together: "
            f"{_relation(target, combo)}. Their effects cannot be separated, because any "
            "change in one is always accompanied by the same change in the other. A trial "
            "that estimates separate effects must vary each nutrient on its own (as the "
            "factorial and 3414 designs do)." + tail
        )

    # (c) and (d), reported together: too few combinations, too few rates per nutrient
    problems = []
    p = len(powers)
    if len(support) < p:
        shown = ", ".join(_combo_text(r) for r in support[:8])
        more = f" and {len(support) - 8} more" if len(support) > 8 else ""
        problems.append(
            f"it has {p} coefficients ({', '.join(names)}), but the trial has only "
            f"{len(support)} distinct {combos} combinations: {shown}{more}. Each coefficient "
            "needs at least one combination of its own, so this design can estimate at most "
            f"{len(support)} coefficients; replicates of the same combination do not help."
        )
    for i in used:
        own = [j for j in range(len(pw)) if pw[j, i] != 0 and np.all(np.delete(pw[j], i) == 0)]
        levels = np.unique(support[:, i])
        if len(levels) < len(own) + 1:
            own_names = ", ".join(names[j] for j in own)
            cols = design_columns([pw[0]] + [pw[j] for j in own], support)
            alias = aliased_terms(cols, ["intercept"] + [names[j] for j in own])
            example = f" ({_relation(*alias[0])})" if alias else ""
            problems.append(
                f"{nutrients[i]} has only {len(levels)} distinct rates "
                f"({', '.join(format_number(v, 6) for v in levels)}), but the model has "
                f"{len(own)} terms in {nutrients[i]} alone ({own_names}), which need at least "
                f"{len(own) + 1}. With so few rates these terms are fixed multiples of each "
                f"other{example}, so the curvature of the response to {nutrients[i]} cannot "
                "be estimated."
            )
    if problems:
        advice = (
            " A full ternary quadratic (10 coefficients) needs a design such as 3414 (14 "
            "combinations, 4 rates of each nutrient). With an omission or formula-check "
            "design, compare the treatments by ANOVA and omission-plot indices instead of "
            "fitting a surface; or fit fewer terms."
        )
        listed = (
            " ".join(f"({i + 1}) {t}" for i, t in enumerate(problems))
            if len(problems) > 1
            else problems[0]
        )
        raise DesignError(f"This design cannot identify {what}: {listed}{advice}{tail}")

    # (e) the model matrix on the support points must have full rank
    cols = design_columns(pw, support)
    if matrix_rank(cols) < len(powers):
        relations = [_relation(t, c) for t, c in aliased_terms(cols, names)]
        shown = "; ".join(relations[:4]) + (
            f"; and {len(relations) - 4} more" if len(relations) > 4 else ""
        )
        raise DesignError(
            f"The {len(support)} distinct {combos} combinations cannot separate all {len(powers)} "
            f"coefficients of {what}: {shown}. Terms that are combinations of other terms on "
            "every plot cannot be estimated apart from them. Remove the aliased terms or add "
            "rate combinations that break the pattern." + tail
        )
