"""Stepwise selection of surface terms (Efroymson's procedure, as in DPS).

Forward steps add the candidate term with the largest partial F, if that F
reaches ``f_enter``; after each entry, terms whose partial F has fallen below
``f_remove`` leave, one at a time.  With ``hierarchy``, a square or product
enters only after the terms it contains and those cannot leave while it is in
the model.  The block columns (and the intercept) are always in the model.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from fertopt.exceptions import OptionError
from fertopt.surface.fit import residual_ss

__all__ = ["STEP_COLUMNS", "check_criteria", "stepwise"]

# columns of the stepwise log, SurfaceFit.steps (empty unless the terms were selected)
STEP_COLUMNS = ("step", "action", "term", "f", "df_num", "df_den", "p", "r2")


def check_criteria(f_enter: float, f_remove: float) -> tuple[float, float]:
    """The stepwise criteria as floats, refused unless ``0 ≤ f_remove ≤ f_enter``."""
    f_enter = float(f_enter)
    f_remove = float(f_remove)
    if not (math.isfinite(f_enter) and f_enter > 0 and 0 <= f_remove <= f_enter):
        raise OptionError(
            f"stepwise criteria must satisfy 0 ≤ f_remove ≤ f_enter (got f_enter={f_enter}, "
            f"f_remove={f_remove}); otherwise a term could enter and leave forever."
        )
    return f_enter, f_remove


def stepwise(
    cand: list[tuple[float, ...]],
    names: list[str],
    cols: np.ndarray,
    base: np.ndarray,
    y: np.ndarray,
    f_enter: float,
    f_remove: float,
    hierarchy: bool,
):
    """Efroymson stepwise selection on partial F; returns chosen indices and the log."""
    from scipy import stats

    n = len(y)
    pw = np.asarray(cand)
    parents = {
        j: [
            i
            for i in range(len(cand))
            if i != j and pw[i].sum() > 0 and np.all(pw[i] <= pw[j]) and np.any(pw[i] < pw[j])
        ]
        for j in range(len(cand))
    }
    chosen: list[int] = []
    log = []
    sst = float(((y - y.mean()) ** 2).sum())

    def fit(idx: list[int]) -> tuple[float, int]:
        x = np.column_stack([base] + [cols[:, i] for i in idx]) if idx else base
        sse, rank = residual_ss(x, y)
        return sse, n - rank

    seen = set()
    sse_cur, df_cur = fit(chosen)
    for _ in range(4 * len(cand) + 4):
        best = None
        for j in range(1, len(cand)):
            if j in chosen or (hierarchy and any(p not in chosen for p in parents[j])):
                continue
            sse_new, df_new = fit(chosen + [j])
            if df_new <= 0 or df_new >= df_cur:
                continue
            f = (sse_cur - sse_new) / (sse_new / df_new) if sse_new > 0 else math.inf
            if best is None or f > best[0]:
                best = (f, j, sse_new, df_new)
        if best is None or not best[0] >= f_enter:
            break
        f, j, sse_cur, df_cur = best
        chosen.append(j)
        log.append(
            {
                "action": "enter",
                "term": names[j],
                "f": f,
                "df_num": 1,
                "df_den": df_cur,
                "p": float(stats.f.sf(f, 1, df_cur)) if math.isfinite(f) else 0.0,
                "r2": 1 - sse_cur / sst,
            }
        )
        while True:
            worst = None
            for j in chosen:
                if hierarchy and any(j in parents[c] for c in chosen):
                    continue
                rest = [c for c in chosen if c != j]
                sse_red, _df_red = fit(rest)
                f_rm = (sse_red - sse_cur) / (sse_cur / df_cur) if sse_cur > 0 else math.inf
                if worst is None or f_rm < worst[0]:
                    worst = (f_rm, j, sse_red)
            if worst is None or not worst[0] < f_remove:
                break
            f_rm, j, sse_red = worst
            chosen.remove(j)
            sse_cur, df_cur = fit(chosen)
            log.append(
                {
                    "action": "remove",
                    "term": names[j],
                    "f": f_rm,
                    "df_num": 1,
                    "df_den": df_cur + 1,
                    "p": float(stats.f.sf(f_rm, 1, df_cur + 1)),
                    "r2": 1 - sse_cur / sst,
                }
            )
        key = tuple(sorted(chosen))
        if key in seen:
            break
        seen.add(key)
    steps = pd.DataFrame(log, columns=list(STEP_COLUMNS[1:]))
    steps.insert(0, "step", np.arange(1, len(steps) + 1))
    return sorted(chosen), steps
