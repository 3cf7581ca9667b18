"""Fitting machinery of :mod:`fertopt.surface`: data preparation, least squares, stepwise selection."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from . import _polysurface as _ps
from ._surface_design import matrix_rank
from ._validation import as_labels, check_nonnegative_rates, describe_rows, require_columns, to_numeric
from .exceptions import DataError, DataWarning, FertoptError

__all__: list[str] = []


# ---------------------------------------------------------------------------
def _resolve_rates(rates: Any) -> tuple[tuple[str, ...], dict[str, str]]:
    if isinstance(rates, Mapping):
        nutrients = tuple(str(k) for k in rates)
        columns = {str(k): v for k, v in rates.items()}
    elif isinstance(rates, str):
        nutrients, columns = (rates,), {rates: rates}
    else:
        try:
            nutrients = tuple(str(r) for r in rates)
        except TypeError:
            raise FertoptError(f"rates={rates!r} must name the rate columns, e.g. ('N', 'P2O5', 'K2O').") from None
        columns = {str(r): r for r in rates}
    if not nutrients:
        raise FertoptError("rates is empty; name at least two rate columns, e.g. ('N', 'P2O5', 'K2O').")
    if len(set(nutrients)) != len(nutrients):
        raise FertoptError(f"rates names a nutrient twice: {list(nutrients)!r}.")
    if len(nutrients) > 5:
        raise FertoptError("fit_surface handles at most 5 nutrients.")
    for n in nutrients:
        if any(ch in n for ch in ":^()") or n.lower() in _ps.INTERCEPT_NAMES:
            raise FertoptError(
                f"the nutrient name {n!r} cannot be used in term names; give rates as a mapping "
                "{'N': 'column name', ...} with plain nutrient names."
            )
    return nutrients, columns


def _prepare(frame: pd.DataFrame, response: Any, columns: Mapping[str, Any], block: Any, nan_policy: str):
    require_columns(frame, response=response, rates=list(columns.values()), block=block)
    y = to_numeric(frame[response], "response")
    x_cols = []
    for nutrient, col in columns.items():
        series = to_numeric(frame[col], f"rate ({nutrient})")
        missing = series.isna().to_numpy()
        if missing.any():
            raise DataError(
                f"rate column {col!r} ({nutrient}) is empty at {describe_rows(series.index[missing])}. "
                "Every plot needs its rates; fill these cells in (0 for no fertilizer) or drop the rows."
            )
        check_nonnegative_rates(series, f"rate ({nutrient})")
        x_cols.append(series.to_numpy())
    rates = np.column_stack(x_cols)
    keep = ~y.isna().to_numpy()
    warn_list = []
    n_dropped = int((~keep).sum())
    if n_dropped:
        if nan_policy == "raise":
            raise DataError(
                f"response column {response!r} is empty at {describe_rows(y.index[~keep])}; fill these "
                "cells in, or pass nan_policy='omit' to leave those plots out."
            )
        text = f"{n_dropped} plot(s) without a response value were left out ({describe_rows(y.index[~keep])})."
        warn_list.append(text)
        warnings.warn(text, DataWarning, stacklevel=3)
    blocks = None
    if block is not None:
        blocks = as_labels(frame[block][keep], "block")
    return y.to_numpy()[keep], rates[keep], blocks, n_dropped, warn_list


def _block_columns(blocks: pd.Categorical | None) -> np.ndarray:
    """Sum-to-zero (deviation) coding: the intercept is the average over blocks."""
    if blocks is None:
        return np.zeros((0, 0))
    codes = np.asarray(blocks.codes)
    b = len(blocks.categories)
    cols = np.zeros((len(codes), b - 1))
    for j in range(b - 1):
        cols[codes == j, j] = 1.0
    cols[codes == b - 1, :] = -1.0
    return cols


def _ols(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least squares by QR on unit-scaled columns: coefficients, (XᵀX)⁻¹, residuals."""
    norms = np.sqrt((x * x).sum(axis=0))
    norms[norms == 0] = 1.0
    q, r = np.linalg.qr(x / norms)
    rinv = np.linalg.inv(r)  # upper triangular and small (p ≤ 25)
    beta = (rinv @ (q.T @ y)) / norms
    xtx_inv = (rinv @ rinv.T) / np.outer(norms, norms)
    return beta, xtx_inv, y - x @ beta


def _sse(x: np.ndarray, y: np.ndarray) -> tuple[float, int]:
    if x.shape[1] == 0:
        return float(y @ y), 0
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    r = y - x @ coef
    return float(r @ r), matrix_rank(x)


def _stepwise(cand: list[tuple[float, ...]], names: list[str], cols: np.ndarray, base: np.ndarray, y: np.ndarray,
              f_enter: float, f_remove: float, hierarchy: bool):
    """Efroymson stepwise selection on partial F; returns chosen indices and the log."""
    from scipy import stats

    n = len(y)
    pw = np.asarray(cand)
    parents = {j: [i for i in range(len(cand)) if i != j and pw[i].sum() > 0 and np.all(pw[i] <= pw[j]) and
                   np.any(pw[i] < pw[j])] for j in range(len(cand))}
    chosen: list[int] = []
    log = []
    sst = float(((y - y.mean()) ** 2).sum())

    def fit(idx: list[int]) -> tuple[float, int]:
        x = np.column_stack([base] + [cols[:, i] for i in idx]) if idx else base
        sse, rank = _sse(x, y)
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
        log.append({"action": "enter", "term": names[j], "f": f, "df_num": 1, "df_den": df_cur,
                    "p": float(stats.f.sf(f, 1, df_cur)) if math.isfinite(f) else 0.0, "r2": 1 - sse_cur / sst})
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
            log.append({"action": "remove", "term": names[j], "f": f_rm, "df_num": 1, "df_den": df_cur + 1,
                        "p": float(stats.f.sf(f_rm, 1, df_cur + 1)), "r2": 1 - sse_cur / sst})
        key = tuple(sorted(chosen))
        if key in seen:
            break
        seen.add(key)
    steps = pd.DataFrame(log, columns=["action", "term", "f", "df_num", "df_den", "p", "r2"])
    steps.insert(0, "step", np.arange(1, len(steps) + 1))
    return sorted(chosen), steps




def _resolve_units(frame: pd.DataFrame | None, units: Mapping[str, str] | None, response: Any,
                   columns: Mapping[str, Any]) -> tuple[str | None, dict[str, str | None]]:
    """Units of the response and of each rate: given in ``units=``, else recorded by read_trials.

    ``units`` keys: ``"response"``, ``"rates"`` (one unit for every rate), a nutrient
    name or a column name.  Values are ``"mass/area"`` strings such as ``"kg/ha"``.
    """
    from .units import parse_unit

    declared: dict[Any, str] = {}
    if frame is not None:
        declared = dict(frame.attrs.get("fertopt", {}).get("units", {}) or {})
    given = dict(units or {})
    if units is not None and not isinstance(units, Mapping):
        raise FertoptError("units must be a mapping such as {'response': 't/ha', 'rates': 'kg/ha'}.")
    allowed = {"response", "rates", response, *columns, *columns.values()}
    for key in given:
        if key not in allowed:
            raise FertoptError(
                f"units= has an unknown key {key!r}; use 'response', 'rates' or a nutrient name, e.g. "
                "units={'response': 't/ha', 'rates': 'kg/ha'}."
            )
    response_unit = given.get("response", given.get(response, declared.get(response)))
    rate_units: dict[str, str | None] = {}
    for nutrient, col in columns.items():
        rate_units[nutrient] = given.get(nutrient, given.get(col, given.get("rates", declared.get(col))))
    for unit in [response_unit, *rate_units.values()]:
        if unit is not None:
            parse_unit(unit)
    return response_unit, rate_units
