"""Reading a 3414 trial: responses, rates, the four levels and the 14 treatments.

The steps of :func:`fertopt.three414` that turn the user's table into the analysed plots,
in the order it calls them: drop the plots without a response, read the rates (from the rate
columns, or from treatment labels and the level-2 rates), find each nutrient's four levels,
recognise each plot's treatment (1–14, or none), check that all 14 are there, and build the
plot table the fits use.  Also the standard subsets of the fits (:data:`SUBSETS`) and the
labels of treatments and fits.

The functions that warn are called by :func:`fertopt.three414` itself, so ``stacklevel=3``
points the warning at the user's call.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.formatting import format_number
from fertopt._core.validation import (
    CONSTANT_RELATIVE,
    as_labels,
    check_variation,
    describe_rows,
    drop_missing,
    positive_number,
    rate_values,
    response_values,
)
from fertopt.design import THREE414_LEVELS
from fertopt.exceptions import DataError, DataWarning, DesignError, OptionError

#: Treatments of each fit, by the anchors of 3414 practice.
SUBSETS: dict[str, tuple[int, ...]] = {
    "ternary": tuple(range(1, 15)),
    "binary 0-1": (2, 3, 4, 5, 6, 7, 11, 12),
    "binary 0-2": (2, 3, 6, 8, 9, 10, 11, 13),
    "binary 1-2": (4, 5, 6, 7, 8, 9, 10, 14),
    "univariate 0": (2, 3, 6, 11),
    "univariate 1": (4, 5, 6, 7),
    "univariate 2": (8, 9, 6, 10),
}


def fit_label(key: str, nutrients: Sequence[str]) -> str:
    """The fit's label from its SUBSETS key: ``"binary 0-1"`` → ``"binary N-P2O5"``."""
    if key == "ternary":
        return "ternary"
    kind, pos = key.split(" ")
    names = [nutrients[int(p)] for p in pos.split("-")]
    return f"binary {names[0]}-{names[1]}" if kind == "binary" else f"quadratic {names[0]}"


# ---------------------------------------------------------------------------
# treatment labels and levels
# ---------------------------------------------------------------------------
_CODE_LETTERS = re.compile(r"^[^\d]*?(\d)\D+(\d)\D+(\d)$")
_CODE_DIGITS = re.compile(r"^([0-3])([0-3])([0-3])$")
_NUMBER = re.compile(r"^\D*?(\d{1,2})$")


def _parse_treatment(label: Any) -> tuple[int, int, int] | None:
    """Level code of a treatment label: 6, "6", "T6", "处理6", "222", "N2P2K2"."""
    if isinstance(label, (int, np.integer)) and not isinstance(label, bool):
        return THREE414_LEVELS[int(label) - 1] if 1 <= int(label) <= 14 else None
    if isinstance(label, float) and label.is_integer():
        return _parse_treatment(int(label))
    text = str(label).strip().replace(" ", "")
    m = _CODE_DIGITS.match(text)
    if m:
        return tuple(int(g) for g in m.groups())  # type: ignore[return-value]
    m = _CODE_LETTERS.match(text)
    if m and not text.isdigit():
        code = tuple(int(g) for g in m.groups())
        if all(0 <= c <= 3 for c in code):
            return code  # type: ignore[return-value]
    m = _NUMBER.match(text)
    if m and 1 <= int(m.group(1)) <= 14:
        return THREE414_LEVELS[int(m.group(1)) - 1]
    return None


def code_text(code: Sequence[int], nutrients: Sequence[str]) -> str:
    """The level code as text, ``N2P2K2``, in the nutrients' initials (N, P, K if they clash)."""
    letters = [n[0].upper() for n in nutrients]
    if len(set(letters)) < 3:
        letters = ["N", "P", "K"]
    return "".join(f"{letters[i]}{code[i]}" for i in range(3))


def _levels(
    x: np.ndarray,
    nutrients: Sequence[str],
    level2: Mapping[str, float] | None,
    multipliers: Sequence[float],
) -> tuple[dict[str, tuple[float, ...]], list[str]]:
    """Nutrient → rates of levels 0–3, from ``level2`` or the plots' rates, and notes on them."""
    notes = []
    if level2 is not None:
        missing = [n for n in nutrients if n not in level2]
        if missing:
            raise OptionError(
                f"level2 lacks {', '.join(missing)}; give the level-2 rate of every nutrient."
            )
        return {
            n: tuple(m * positive_number(level2[n], f"level2[{n!r}]") for m in multipliers)
            for n in nutrients
        }, notes
    out = {}
    for i, n in enumerate(nutrients):
        distinct = np.unique(x[:, i])
        if len(distinct) == 1:
            raise DesignError(
                f"{n} has a single rate ({format_number(distinct[0], 6)}) on every plot, but a "
                "3414 trial applies four rates of each nutrient (0, level 1, level 2, level 3). "
                f"Check that the right column was named for {n}, or that the data hold the whole "
                "trial."
            )
        if len(distinct) == 4:
            if distinct[0] != 0:
                raise DesignError(
                    f"the lowest {n} rate is {format_number(distinct[0], 6)}, but level 0 of a "
                    f"3414 trial is no {n} at all (treatments 1, 2 …). Check the {n} column, or "
                    "pass level2= with the level-2 rates."
                )
            out[n] = tuple(float(v) for v in distinct)
            continue
        nonzero = x[:, i][x[:, i] > 0]
        if len(nonzero) == 0:
            raise DesignError(
                f"no plot has any {n}: a 3414 trial applies four rates of each nutrient "
                "(0, level 1, level 2, level 3). Check that the right rate column was named."
            )
        values, counts = np.unique(nonzero, return_counts=True)
        l2 = float(values[np.argmax(counts)])
        out[n] = tuple(m * l2 for m in multipliers)
        notes.append(
            f"{n} has {len(distinct)} distinct rates instead of 4; level 2 was taken as its most "
            f"frequent rate ({format_number(l2, 6)}), so levels 0–3 are "
            f"{', '.join(format_number(v, 6) for v in out[n])}."
        )
    return out, notes


def _level_index(values: np.ndarray, levels: Sequence[float]) -> np.ndarray:
    """The level (0–3) of each rate, -1 for a rate that is none of the four levels."""
    lv = np.asarray(levels, dtype=float)
    diff = np.abs(values[:, None] - lv[None, :])
    idx = diff.argmin(axis=1)
    ok = diff[np.arange(len(values)), idx] <= 1e-6 * np.maximum(1.0, np.abs(lv[idx]))
    return np.where(ok, idx, -1)


# ---------------------------------------------------------------------------
# reading the plots, in the order three414() calls these
# ---------------------------------------------------------------------------
def drop_missing_responses(
    frame: pd.DataFrame, response: str, nan_policy: str, warn_list: list[str]
) -> tuple[pd.DataFrame, np.ndarray]:
    """The plots that have a response, and their responses; the others are left out or refused."""
    y = response_values(frame, response)
    keep, _ = drop_missing(
        [y],
        nan_policy,
        refuse="response column {column!r} is empty at {rows}; fill these cells in, or pass "
        "nan_policy='omit'.",
        left_out="left_out_no_response",
        column=response,
        warn_list=warn_list,
        stacklevel=3,
    )
    check_variation(y.to_numpy()[keep], response, CONSTANT_RELATIVE)
    return frame.loc[keep], y.to_numpy()[keep]


def rates_from_columns(
    sub: pd.DataFrame,
    columns: Mapping[str, str],
    nutrients: Sequence[str],
    level2: Mapping[str, float] | None,
    multipliers: Sequence[float],
) -> tuple[np.ndarray, dict[str, tuple[float, ...]], list[str]]:
    """The rates of every plot (plots × nutrients) read from the rate columns, levels and notes."""
    cols = []
    for n, c in columns.items():
        cols.append(rate_values(sub, c, n).to_numpy())
    x = np.column_stack(cols)
    levels, notes = _levels(x, nutrients, level2, multipliers)
    return x, levels, notes


def rates_from_treatments(
    sub: pd.DataFrame,
    treatment: str | None,
    nutrients: Sequence[str],
    level2: Mapping[str, float] | None,
    multipliers: Sequence[float],
) -> tuple[np.ndarray, dict[str, tuple[float, ...]], list[str]]:
    """The rates of every plot computed from its treatment label and the level-2 rates."""
    if level2 is None:
        raise OptionError(
            "without rate columns the rates come from the treatment codes and the level-2 "
            "rates: pass level2={'N': ..., 'P2O5': ..., 'K2O': ...}."
        )
    levels, _ = _levels(np.zeros((0, 3)), nutrients, level2, multipliers)
    codes = [_parse_treatment(v) for v in sub[treatment]]
    bad = [i for i, c in zip(sub.index, codes, strict=True) if c is None]
    if bad:
        raise DataError(
            f"treatment column {treatment!r} has labels that are not 3414 treatments: "
            f"{describe_rows(bad, sub.loc[bad, treatment].tolist())}. Use numbers 1–14 or "
            "level codes such as N2P2K2."
        )
    x = np.array([[levels[n][c[i]] for i, n in enumerate(nutrients)] for c in codes], dtype=float)
    return x, levels, []


def recognise_treatments(
    sub: pd.DataFrame,
    x: np.ndarray,
    levels: Mapping[str, Sequence[float]],
    nutrients: Sequence[str],
    warn_list: list[str],
) -> np.ndarray:
    """The treatment number (1–14) of every plot, 0 for a plot outside the 3414 table."""
    idx = np.column_stack([_level_index(x[:, i], levels[n]) for i, n in enumerate(nutrients)])
    lookup = {lv: i + 1 for i, lv in enumerate(THREE414_LEVELS)}
    trt = np.array(
        [lookup.get(tuple(int(v) for v in row), 0) if (row >= 0).all() else 0 for row in idx]
    )
    extra = trt == 0
    if extra.any():
        rows = sub.index[extra]
        shown = [tuple(format_number(v, 6) for v in x[i]) for i in np.flatnonzero(extra)]
        msg = (
            f"{int(extra.sum())} plot(s) are not treatments of the 3414 table and were left out "
            f"of the analysis: {describe_rows(rows, shown)}."
        )
        warn_list.append(msg)
        warnings.warn(msg, DataWarning, stacklevel=3)
    _check_complete(set(trt[~extra].tolist()), levels, nutrients)
    return trt


def _check_complete(
    present: set[int], levels: Mapping[str, Sequence[float]], nutrients: Sequence[str]
) -> None:
    """Nothing, or a DesignError naming every treatment of the table that has no plot."""
    missing_trt = [t for t in range(1, 15) if t not in present]
    if not missing_trt:
        return
    desc = []
    for t in missing_trt:
        code = THREE414_LEVELS[t - 1]
        rates_text = ", ".join(
            f"{n} {format_number(levels[n][code[i]], 6)}" for i, n in enumerate(nutrients)
        )
        desc.append(f"{t} ({code_text(code, nutrients)}: {rates_text})")
    uses = sorted({name for name, ts in SUBSETS.items() for t in missing_trt if t in ts})
    raise DesignError(
        f"The 3414 table is incomplete: treatment{'s' if len(desc) > 1 else ''} "
        f"{', '.join(desc)} {'have' if len(desc) > 1 else 'has'} no plot. Every one of the 14 "
        "treatments is needed: the missing ones feed the "
        f"{', '.join(fit_label(u, nutrients) for u in uses)} fit(s). Check the rates (levels "
        "are 0, ½, 1 and 1.5 × level 2 unless multipliers= says otherwise) or add the missing "
        "plots."
    )


def plot_table(
    kept: pd.DataFrame,
    x: np.ndarray,
    yv: np.ndarray,
    trt: np.ndarray,
    nutrients: Sequence[str],
    response: str,
    block: str | None,
) -> tuple[pd.DataFrame, int]:
    """The analysed plots (rates, response, ``treatment``, block) and the number of blocks."""
    internal = pd.DataFrame({n: x[:, i] for i, n in enumerate(nutrients)})
    internal[response] = yv
    internal["treatment"] = trt
    n_blocks = 0
    if block is not None:
        labels = as_labels(kept[block], "block")
        internal[block] = np.asarray(labels.astype(str))
        n_blocks = len(labels.categories)
    return internal, n_blocks


# ---------------------------------------------------------------------------
# treatment codes against the rate columns
# ---------------------------------------------------------------------------
def treatment_codes(labels: Sequence[Any]) -> np.ndarray | None:
    """The level code (plots × 3, levels 0–3) of every treatment label; None unless all are codes.

    Labels are 3414 treatment numbers (1–14, ``"T6"``, ``"处理6"``) or level codes
    (``"222"``, ``"N2P2K2"``); a column with any other label is not read as codes.
    """
    codes = [_parse_treatment(v) for v in labels]
    if not codes or any(c is None for c in codes):
        return None
    return np.array(codes, dtype=int)


def disagreeing_pairs(codes: np.ndarray, x: np.ndarray) -> np.ndarray:
    """(…, plots, plots): whether two plots' rates contradict their level codes.

    ``codes`` and ``x`` are (…, plots, nutrients), with any leading (trial) axes.  Two plots
    contradict each other when, for some nutrient, the one with the higher level code does
    not have more of it, or two plots of the same level have different rates.
    """
    c = codes[..., :, None, :] - codes[..., None, :, :]
    d = x[..., :, None, :] - x[..., None, :, :]
    scale = np.maximum(np.abs(x).max(axis=-2), 1.0)[..., None, None, :]
    same = np.abs(d) <= 1e-9 * scale
    wrong = ((c == 0) & ~same) | ((c > 0) & ((d < 0) | same)) | ((c < 0) & ((d > 0) | same))
    return wrong.any(axis=-1)


def check_treatment_codes(
    frame: pd.DataFrame, treatment: Any, columns: Mapping[str, Any], *, swaps_only: bool = False
) -> None:
    """Nothing, or a DataError when the 3414 codes of ``treatment`` disagree with the rates.

    ``columns`` maps the three nutrients to their rate columns.  Labels that are not all 3414
    codes (1–14, ``N2P2K2``) are not checked.  With ``swaps_only`` only two swapped rate
    columns are refused (every plot agrees with its code once they are exchanged): labels
    such as ``T1`` … ``T14`` need not be 3414 codes, but a swap that explains every plot is.
    """
    codes = treatment_codes(frame[treatment].tolist())
    if codes is None or len(columns) != 3:
        return
    x = np.column_stack(
        [pd.to_numeric(frame[c], errors="coerce").to_numpy(float) for c in columns.values()]
    )
    if not np.isfinite(x).all() or (x < 0).any():
        return  # unreadable rates are refused, with their cells named, where they are read
    check_codes(
        codes,
        x,
        list(columns),
        list(columns.values()),
        list(frame.index),
        frame[treatment].tolist(),
        treatment,
        swaps_only=swaps_only,
    )


def swapped_columns(codes: np.ndarray, x: np.ndarray) -> tuple[int, int] | None:
    """The two rate columns whose exchange makes every plot agree with its code, if any.

    ``codes`` and ``x`` are (plots × nutrients); None when the plots agree as they are, or
    when no single exchange makes them agree.
    """
    if not disagreeing_pairs(codes, x).any():
        return None
    for i in range(x.shape[1]):
        for j in range(i + 1, x.shape[1]):
            perm = list(range(x.shape[1]))
            perm[i], perm[j] = j, i
            if not disagreeing_pairs(codes, x[:, perm]).any():
                return i, j
    return None


def code_conflicts(codes: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Plots whose rates disagree with their treatment codes (bool per plot).

    ``codes`` and ``x`` are (plots × nutrients).  Two plots disagree when, for some
    nutrient, the one with the higher level code does not have more of it, or two plots of
    the same level have different rates: rates must rise with the level codes.  The plots
    blamed are found greedily: the plot in most disagreements first, until none is left.
    """
    pairs = disagreeing_pairs(codes, x)
    blamed = np.zeros(len(codes), dtype=bool)
    while pairs.any():
        worst = int(np.argmax(pairs.sum(axis=1)))
        blamed[worst] = True
        pairs[worst, :] = pairs[:, worst] = False
    return blamed


def check_codes(
    codes: np.ndarray,
    x: np.ndarray,
    nutrients: Sequence[str],
    columns: Sequence[Any],
    rows: Sequence[Any],
    labels: Sequence[Any],
    treatment: Any,
    *,
    swaps_only: bool = False,
) -> None:
    """Nothing, or a DataError naming the plots whose treatment codes disagree with the rates.

    When exchanging two rate columns makes every plot agree, the message says so: the
    columns were most likely swapped.
    """
    conflict = code_conflicts(codes, x)
    if not conflict.any():
        return
    swap = swapped_columns(codes, x)
    if swap is None and swaps_only:
        return
    idx = np.flatnonzero(conflict)
    shown = [
        f"treatment {labels[k]!r} ({code_text(codes[k], nutrients)}) with "
        + ", ".join(f"{n} {format_number(x[k, m], 6)}" for m, n in enumerate(nutrients))
        for k in idx
    ]
    head = (
        f"the treatment codes of column {treatment!r} disagree with the rate columns "
        f"{', '.join(repr(c) for c in columns)} at {describe_rows([rows[k] for k in idx], shown)}"
    )
    if swap is not None:
        a, b = (columns[swap[0]], columns[swap[1]])
        na, nb = nutrients[swap[0]], nutrients[swap[1]]
        raise DataError(
            f"{head}. With the columns {a!r} and {b!r} exchanged every plot matches its code: "
            f"the two columns look swapped, and the analysis would recommend {na} rates for "
            f"{nb}. Swap them (name {b!r} as the {na} column and {a!r} as the {nb} column) or "
            "correct the headers."
        )
    raise DataError(
        f"{head}. The code says which level (0–3) of each nutrient a treatment receives "
        "(treatment 6 = N2P2K2, 2 = N0P2K2 …), and rates must rise with the levels. Correct "
        "the treatment labels or the rates of these plots."
    )
