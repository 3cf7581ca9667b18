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
from fertopt._core.i18n import Items, Sentences, message
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
    tail = message("stepwise_refused") if stepwise else ""

    # (a) every nutrient in the model must vary
    for i in used:
        levels = np.unique(support[:, i])
        if len(levels) == 1:
            raise DesignError(
                message(
                    "surface_single_rate",
                    nutrient=nutrients[i],
                    rate=format_number(levels[0], 6),
                    what=what,
                    tail=tail,
                )
            )

    # (b) the nutrients must vary independently of each other
    lin = np.column_stack([np.ones(len(support))] + [support[:, i] for i in used])
    lin_names = ["intercept"] + [nutrients[i] for i in used]
    if matrix_rank(lin) < lin.shape[1]:
        target, combo = aliased_terms(lin, lin_names)[0]
        raise DesignError(
            message("surface_rates_together", relation=_relation(target, combo), tail=tail)
        )

    # (c) and (d), reported together: too few combinations, too few rates per nutrient
    problems = []
    p = len(powers)
    if len(support) < p:
        shown = ", ".join(_combo_text(r) for r in support[:8])
        more = message("more_suffix", k=str(len(support) - 8)) if len(support) > 8 else ""
        problems.append(
            message(
                "surface_too_few_combinations",
                p=str(p),
                names=Items(message("term_intercept") if t == "intercept" else t for t in names),
                n=str(len(support)),
                combos=combos,
                shown=shown,
                more=more,
            )
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
                message(
                    "surface_too_few_rates",
                    nutrient=nutrients[i],
                    k=str(len(levels)),
                    levels=", ".join(format_number(v, 6) for v in levels),
                    n_own=str(len(own)),
                    own=own_names,
                    need=str(len(own) + 1),
                    example=example,
                )
            )
    if problems:
        listed = (
            message(
                "listed_sentences",
                parts=Sentences(
                    message("numbered", i=str(i + 1), text=t) for i, t in enumerate(problems)
                ),
            )
            if len(problems) > 1
            else problems[0]
        )
        raise DesignError(
            message(
                "surface_unidentifiable",
                what=what,
                listed=listed,
                advice=message("surface_advice"),
                tail=tail,
            )
        )

    # (e) the model matrix on the support points must have full rank
    cols = design_columns(pw, support)
    if matrix_rank(cols) < len(powers):
        relations = [_relation(t, c) for t, c in aliased_terms(cols, names)]
        shown = "; ".join(relations[:4]) + (
            f"; and {len(relations) - 4} more" if len(relations) > 4 else ""
        )
        raise DesignError(
            message(
                "surface_aliased",
                n=str(len(support)),
                combos=combos,
                p=str(len(powers)),
                what=what,
                shown=shown,
                tail=tail,
            )
        )
