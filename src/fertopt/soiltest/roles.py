"""Finding the plots of a trial network: trial keys, the full and minus plots of 3414 and
omission trials, the soil test of each trial, per-trial sums, and the trials that cannot be used.

These are the steps of :func:`fertopt.soiltest.relative_yields` that read the plot table; they
work on whole arrays (one code per plot, one row per trial), not trial by trial.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core import validation as _v
from fertopt.design import THREE414_LEVELS

__all__ = [
    "FULL_3414",
    "MINUS_3414",
    "UNUSABLE_COLUMNS",
    "trial_codes",
    "plot_number",
    "plot_roles",
    "soil_values",
    "trial_sums",
    "nutrient_rows",
    "missing_key_rows",
    "empty_unusable",
    "describe_trials",
    "declared_units",
]

#: The standard plots of a 3414 trial: full N2P2K2, and the plot without each nutrient
#: (N0P2K2, N2P0K2, N2P2K0), by the nutrient's position in ``rates``.
FULL_3414 = 6
MINUS_3414 = (2, 4, 8)
_LOOKUP = {code: i + 1 for i, code in enumerate(THREE414_LEVELS)}
#: Columns of :attr:`RelativeYields.unusable <fertopt.soiltest.RelativeYields>` after the trial
#: key columns.
UNUSABLE_COLUMNS = ("nutrient", "scope", "reason", "message")


def trial_codes(frame: pd.DataFrame, by: tuple[Hashable, ...]) -> tuple[np.ndarray, pd.DataFrame]:
    """Each plot's trial number (-1 for an empty key cell) and the keys, in sorted order."""
    grouped = frame.groupby(list(by), sort=True, dropna=True)
    codes = grouped.ngroup().to_numpy(dtype=float)
    codes = np.where(np.isnan(codes), -1, codes).astype(np.int64)
    valid = np.flatnonzero(codes >= 0)
    _, first = np.unique(codes[valid], return_index=True)
    keys = frame[list(by)].iloc[valid[first]].reset_index(drop=True)
    return codes, keys


def plot_number(value: Any) -> int:
    """The 3414 treatment number (1–14) of a label, 0 when it is none.

    Numbers 1–14, level codes (``"N2P2K2"``, ``"222"``) and labels ending in the number
    (``"T6"``, ``"处理6"``) are read.

    Examples
    --------
    >>> [plot_number(v) for v in (6, "N0P2K2", "222", "T8", "处理4", "x")]
    [6, 2, 6, 8, 4, 0]
    """
    if isinstance(value, (bool, np.bool_)) or value is None:
        return 0
    if isinstance(value, (int, np.integer)):
        return int(value) if 1 <= int(value) <= 14 else 0
    if isinstance(value, (float, np.floating)):
        return plot_number(int(value)) if float(value).is_integer() else 0
    text = str(value).strip().replace(" ", "")
    m = re.fullmatch(r"([0-3])([0-3])([0-3])", text)
    if m is None and not text.isdigit():
        m = re.fullmatch(r"[^\d]*?(\d)\D+(\d)\D+(\d)", text)
    if m is not None:
        return _LOOKUP.get(tuple(int(g) for g in m.groups()), 0)
    m = re.fullmatch(r"\D*?(\d{1,2})", text)
    if m is not None and 1 <= int(m.group(1)) <= 14:
        return int(m.group(1))
    return 0


def plot_roles(
    frame: pd.DataFrame,
    design: str,
    codes: np.ndarray,
    n_trials: int,
    nutrients: list[str],
    treatment: Hashable | None,
    full: Any,
    minus: Mapping[str, Any] | None,
    rate_values: dict[str, np.ndarray],
) -> np.ndarray:
    """Each plot's role: 0 full, i + 1 without nutrient i, -1 any other plot."""
    role = np.full(len(frame), -1, dtype=np.int64)
    if treatment is not None and (design == "omission" or full is not None or minus):
        labels = frame[treatment]
        if full is not None:
            role[(labels == full).to_numpy()] = 0
        for i, n in enumerate(nutrients):
            if minus and n in minus:
                role[(labels == minus[n]).to_numpy()] = i + 1
        if design == "omission":
            return role
    if design == "3414" and treatment is not None:
        uniques = pd.unique(frame[treatment])
        numbers = pd.Series([plot_number(v) for v in uniques], index=uniques, dtype="int64")
        num = frame[treatment].map(numbers).to_numpy()
    elif design == "3414":
        num = _numbers_from_rates(codes, n_trials, nutrients, rate_values)
    else:
        return role
    if full is None:
        role[num == FULL_3414] = 0
    for i, n in enumerate(nutrients):
        if not (minus and n in minus):
            role[num == MINUS_3414[i]] = i + 1
    return role


def _numbers_from_rates(
    codes: np.ndarray, n_trials: int, nutrients: list[str], rate_values: dict[str, np.ndarray]
) -> np.ndarray:
    """3414 treatment numbers from the rates: level 0 is no nutrient, level 2 the trial's most
    frequent non-zero rate, levels 1 and 3 half and one and a half times level 2."""
    level = []
    for n in nutrients:
        x = rate_values[n]
        l2 = _mode_nonzero(codes, x, n_trials)
        ref = l2[np.maximum(codes, 0)]
        lv = np.full(len(x), -1, dtype=np.int64)
        for k, m in enumerate((0.0, 0.5, 1.0, 1.5)):
            target = m * ref
            lv[np.abs(x - target) <= 1e-6 * np.maximum(1.0, np.abs(target))] = k
        level.append(lv)
    table = np.zeros((4, 4, 4), dtype=np.int64)
    for code, number in _LOOKUP.items():
        table[code] = number
    lv = np.column_stack(level)
    known = (lv >= 0).all(axis=1) & (codes >= 0)
    out = np.zeros(len(codes), dtype=np.int64)
    out[known] = table[lv[known, 0], lv[known, 1], lv[known, 2]]
    return out


def _mode_nonzero(codes: np.ndarray, x: np.ndarray, n_trials: int) -> np.ndarray:
    """Per trial, the most frequent non-zero rate (the smallest on a tie); NaN if none."""
    use = (codes >= 0) & np.isfinite(x) & (x > 0)
    counts = pd.DataFrame({"t": codes[use], "x": x[use]}).groupby(["t", "x"], sort=True).size()
    best = counts.reset_index(name="k").sort_values(
        ["t", "k"], ascending=[True, False], kind="stable"
    )
    best = best.drop_duplicates("t")
    out = np.full(n_trials, np.nan)
    out[best["t"].to_numpy()] = best["x"].to_numpy()
    return out


def soil_values(
    frame: pd.DataFrame, column: Hashable, codes: np.ndarray, n_trials: int
) -> dict[str, np.ndarray]:
    """Per trial: the soil-test value (lowest), the highest, and how many plots have one."""
    s = _v.to_numeric(frame[column], "soil").to_numpy()
    use = (codes >= 0) & np.isfinite(s)
    agg = (
        pd.DataFrame({"t": codes[use], "s": s[use]})
        .groupby("t")["s"]
        .agg(["min", "max", "count"])
        .reindex(range(n_trials))
    )
    return {
        "low": agg["min"].to_numpy(),
        "high": agg["max"].to_numpy(),
        "count": agg["count"].fillna(0).to_numpy(dtype=np.int64),
    }


def trial_sums(
    codes: np.ndarray, y: np.ndarray, mask: np.ndarray, n: int
) -> tuple[np.ndarray, ...]:
    """Per trial, the sum of the responses of the masked plots and their count."""
    use = mask & np.isfinite(y)
    total = np.bincount(codes[use], weights=y[use], minlength=n)
    count = np.bincount(codes[use], minlength=n)
    return total, count


def _plot_name(design: str, nutrients: list[str], i: int | None, full: Any, minus: Any) -> str:
    """The plot a relative yield needs, in words: ``treatment 2 (N0P2K2)`` or ``'PK'``."""
    if i is None:
        if full is not None:
            return f"the full-fertilizer plot {full!r}"
        return "the full-fertilizer plot, treatment 6 (N2P2K2)"
    n = nutrients[i]
    if minus and n in minus:
        return f"the plot without {n}, {minus[n]!r}"
    number = MINUS_3414[i]
    code = "".join(f"{'NPK'[j]}{v}" for j, v in enumerate(THREE414_LEVELS[number - 1]))
    return f"the plot without {n}, treatment {number} ({code})"


def nutrient_rows(
    keys: pd.DataFrame,
    nutrient: str,
    stv: dict[str, np.ndarray],
    m_sum: np.ndarray,
    m_n: np.ndarray,
    f_sum: np.ndarray,
    f_n: np.ndarray,
    design: str,
    nutrients: list[str],
    full: Any,
    minus: Any,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The usable rows of one nutrient and the unusable ones with their reasons."""
    with np.errstate(invalid="ignore", divide="ignore"):
        y_minus = m_sum / m_n
        y_full = f_sum / f_n
        ry = 100.0 * y_minus / y_full
    i = nutrients.index(nutrient)
    reason = np.full(len(keys), "", dtype=object)
    message = np.full(len(keys), "", dtype=object)
    # the reasons, the first that applies wins
    low, high, count = stv["low"], stv["high"], stv["count"]
    varies = (count > 0) & (np.abs(high - low) > 1e-9 * np.maximum(1.0, np.abs(high)))
    checks = [
        (
            m_n == 0,
            "missing_plot",
            lambda t: f"no yield of {_plot_name(design, nutrients, i, full, minus)}.",
        ),
        (
            f_n == 0,
            "missing_plot",
            lambda t: f"no yield of {_plot_name(design, nutrients, None, full, minus)}.",
        ),
        (
            ~(y_full > 0),
            "full_not_positive",
            lambda t: f"the full-fertilizer yield is {y_full[t]:.6g}, not a positive number.",
        ),
        (count == 0, "missing_soil", lambda t: f"no {nutrient} soil-test value on any plot."),
        (
            varies,
            "soil_varies",
            lambda t: (
                f"the {nutrient} soil-test value differs between the trial's plots "
                f"({low[t]:.6g} to {high[t]:.6g}); a trial has one soil test: correct the "
                "column."
            ),
        ),
    ]
    for mask, code, text in checks:
        new = mask & (reason == "")
        for t in np.flatnonzero(new):
            reason[t] = code
            message[t] = text(t)
    good = reason == ""
    part = keys.loc[good].reset_index(drop=True)
    part["nutrient"] = nutrient
    part["stv"] = low[good]
    part["ry"] = ry[good]
    part["yield_minus"] = y_minus[good]
    part["yield_full"] = y_full[good]
    part["n_minus"] = m_n[good].astype(np.int64)
    part["n_full"] = f_n[good].astype(np.int64)
    part["_trial"] = np.flatnonzero(good)
    bad = keys.loc[~good].reset_index(drop=True)
    bad["nutrient"] = nutrient
    bad["scope"] = "ry"
    bad["reason"] = reason[~good]
    bad["message"] = message[~good]
    return part, bad


def missing_key_rows(by: tuple[Hashable, ...], soil: Mapping[str, Any], k: int) -> pd.DataFrame:
    rows = []
    for n in soil:
        row: dict[Any, Any] = dict.fromkeys(by, None)
        row.update(
            nutrient=n,
            scope="ry",
            reason="missing_key",
            message=f"{k} plot(s) have an empty cell in the trial key column(s) "
            f"{', '.join(map(str, by))}; fill them in to use these plots.",
        )
        rows.append(row)
    return pd.DataFrame(rows)


def empty_unusable(keys: pd.DataFrame) -> pd.DataFrame:
    out = keys.iloc[:0].copy()
    for c in UNUSABLE_COLUMNS:
        out[c] = pd.Series(dtype=object)
    return out


def describe_trials(keys: pd.DataFrame, values: Sequence[Any], limit: int = 5) -> str:
    """``trial 'A' (N 162.0 %), trial 'B' (…) and 3 more``."""
    rows = list(keys.itertuples(index=False, name=None))
    shown = []
    for key, value in zip(rows[:limit], values, strict=False):  # values may be longer
        key_text = repr(key[0]) if len(key) == 1 else repr(tuple(key))
        shown.append(f"trial {key_text} ({value})")
    text = ", ".join(shown)
    if len(rows) > limit:
        text += f" and {len(rows) - limit} more"
    return text


def declared_units(
    frame: pd.DataFrame, response: Hashable, rate_columns: Mapping[str, Hashable]
) -> tuple[str | None, str | None]:
    """The yield and rate units recorded with the data (by fo.read_trials), if one each."""
    declared = dict(frame.attrs.get("fertopt", {}).get("units", {}) or {})
    rate_units = {declared.get(c) for c in rate_columns.values()}
    return declared.get(response), (rate_units.pop() if len(rate_units) == 1 else None)
