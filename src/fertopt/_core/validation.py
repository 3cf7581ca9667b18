"""Input checks shared by every public function, and the messages they give.

Messages name the argument, the column, the offending rows and values, and
say how to fix the problem.  Functions here raise :mod:`fertopt.exceptions`
errors; they never use ``assert``.

Row references use the labels of the data frame's index; for frames made by
:func:`fertopt.read_trials` from a file that is the spreadsheet row number (the
first line is row 1), or the cell (``C7``) of a reshaped wide table.
"""

from __future__ import annotations

import difflib
import functools
import math
import numbers
import os
import re
import tempfile
import unicodedata
import warnings
from collections.abc import Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.deprecation import warn_once
from fertopt._core.i18n import Items, message
from fertopt.exceptions import ColumnError, DataError, DataWarning, DesignError, OptionError

__all__ = [
    "positive_number",
    "MISSING_MARKERS",
    "require_frame",
    "require_column",
    "require_columns",
    "as_names",
    "to_numeric",
    "as_labels",
    "natural_order",
    "check_choice",
    "check_probability",
    "check_positive",
    "check_nonnegative_rates",
    "rate_values",
    "check_nan_policy",
    "check_errors",
    "drop_missing",
    "RESPONSE_EMPTY",
    "require_levels",
    "describe_rows",
    "suggest_columns",
    "check_blocks",
    "cell_counts",
    "describe_cells",
    "RESPONSE_SCALE",
    "CONSTANT_RELATIVE",
    "response_values",
    "check_variation",
    "check_scale",
]

#: Cell texts read as a missing *number* (never applied to label columns).
MISSING_MARKERS = frozenset(
    {"", "na", "n/a", "nan", "null", "none", "-", "--", "—", "–", ".", "缺", "缺失", "无"}
)

_MAX_SHOWN = 8


def describe_rows(index: Iterable[Hashable], values: Iterable[Any] | None = None) -> str:
    """Describe offending rows compactly: ``row 3 ('n/a'), row 7 ('12,5') and 4 more``.

    The text is a keyed message, so a Chinese report shows it in Chinese.

    Examples
    --------
    >>> describe_rows([3, 7], ["n/a", "12,5"])
    "row 3 ('n/a'), row 7 ('12,5')"
    >>> describe_rows(range(10))
    'rows 0, 1, 2, 3, 4, 5, 6, 7 and 2 more'
    >>> describe_rows([7, 12]).render("zh")
    '第 7、12 行'
    """
    index = list(index)
    if values is None:
        shown = Items(str(i) for i in index[:_MAX_SHOWN])
        text = message("row" if len(index) == 1 else "rows", rows=shown)
    else:
        values = list(values)
        # only the first _MAX_SHOWN rows are shown: the truncated index is meant to be
        # shorter than the full list of values
        text = message(
            "listed",
            parts=Items(
                message("row_value", row=str(i), value=repr(v))
                for i, v in zip(index[:_MAX_SHOWN], values, strict=False)
            ),
        )
    if len(index) > _MAX_SHOWN:
        text = message("and_more", items=text, k=str(len(index) - _MAX_SHOWN))
    return text


# ---------------------------------------------------------------------------
# frames and columns
# ---------------------------------------------------------------------------
def require_frame(data: Any, name: str = "data") -> pd.DataFrame:
    """Return ``data`` as a DataFrame (a dict of columns is accepted)."""
    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, dict):
        try:
            frame = pd.DataFrame(data)
        except ValueError as exc:
            raise DataError(f"`{name}` could not be made into a table: {exc}") from None
    else:
        raise DataError(
            f"`{name}` must be a pandas DataFrame with one row per plot, got "
            f"{type(data).__name__}. Read a file with fertopt.read_trials(path) first."
        )
    if isinstance(frame.columns, pd.MultiIndex):
        shown = ", ".join(repr(c) for c in list(frame.columns)[:3])
        raise DataError(
            f"`{name}` has column names of {frame.columns.nlevels} levels ({shown} …); fertopt "
            "needs one name per column. Flatten them first, e.g. data.columns = "
            "[' '.join(str(p) for p in c if str(p) != '').strip() for c in data.columns], "
            "or read the file with fertopt.read_trials(path, header=[1, 2]) to join two header "
            "rows."
        )
    if frame.shape[0] == 0:
        raise DataError(f"`{name}` has no rows; there is nothing to analyse.")
    if not frame.columns.is_unique:
        dup = next(c for c in frame.columns if (frame.columns == c).sum() > 1)
        where = [i for i, c in enumerate(frame.columns) if c == dup]
        numbers = ", ".join(str(i + 1) for i in where[:-1]) + f" and {where[-1] + 1}"
        raise ColumnError(
            f"`{name}` has the column name {dup!r} {len(where)} times: columns {numbers} "
            f"(counting from 1; data.iloc[:, {where}]). Rename them so that every column "
            "name is used once, or drop the extra column."
        )
    return frame


def suggest_columns(name: str, columns: Sequence[Any]) -> str:
    names = [str(c) for c in columns]
    lower = {n.lower(): n for n in names}
    hits = difflib.get_close_matches(str(name).lower(), list(lower), n=3, cutoff=0.5)
    hits = [lower[h] for h in hits]
    text = f" Did you mean {' or '.join(repr(h) for h in hits)}?" if hits else ""
    shown = ", ".join(names[:20]) + (" …" if len(names) > 20 else "")
    return f"{text} Columns: {shown}"


def require_column(frame: pd.DataFrame, column: Any, role: str) -> Hashable:
    """Check that ``column`` (given for argument ``role``) is a column of ``frame``."""
    if column is None:
        raise ColumnError(f"`{role}` is required: name the column that holds it.")
    if not isinstance(column, Hashable) or isinstance(column, (list, tuple)):
        raise ColumnError(f"`{role}` must be one column name, got {column!r}.")
    if column not in frame.columns:
        raise ColumnError(
            f"{role}={column!r} is not a column of `data`." + suggest_columns(column, frame.columns)
        )
    return column


def as_names(value: Any, role: str) -> tuple[Hashable, ...]:
    """A column name or a sequence of names, as a tuple (``None`` → empty tuple)."""
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        if len(value) == 0:
            raise ColumnError(f"`{role}` is an empty list; name at least one column.")
        if len(set(value)) != len(value):
            raise ColumnError(f"`{role}` names a column twice: {list(value)!r}.")
        return tuple(value)
    return (value,)


def require_columns(frame: pd.DataFrame, **roles: Any) -> None:
    """Check every named role; a column may not play two roles."""
    seen: dict[Hashable, str] = {}
    for role, value in roles.items():
        for column in as_names(value, role):
            require_column(frame, column, role)
            if column in seen:
                raise ColumnError(
                    f"column {column!r} is given both as `{seen[column]}` and as `{role}`; "
                    "each column plays one role."
                )
            seen[column] = role


# ---------------------------------------------------------------------------
# cells
# ---------------------------------------------------------------------------
def parse_number(text: str) -> float | None:
    """Parse one cell; ``None`` when it is not a number.  NFKC folds full-width digits."""
    cleaned = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")
    if cleaned.lower() in MISSING_MARKERS:
        return math.nan
    try:
        return float(cleaned)
    except ValueError:
        return None


def to_numeric(series: pd.Series, role: str) -> pd.Series:
    """Convert a column to float, naming every cell that is not a number.

    Empty cells and common missing markers (``NA``, ``-``, ``缺``…) become NaN;
    full-width digits are accepted.  Anything else raises :class:`DataError`
    listing the rows and values, with a hint for decimal commas.

    Examples
    --------
    >>> to_numeric(pd.Series(["1.5", " 2", "NA", "３"]), "response").tolist()
    [1.5, 2.0, nan, 3.0]
    >>> to_numeric(pd.Series(["1.5", "12,5"]), "response")
    Traceback (most recent call last):
    ...
    fertopt.exceptions.DataError: response column holds values that are not numbers:
    row 1 ('12,5'). ...
    """
    name = series.name if series.name is not None else role
    if pd.api.types.is_bool_dtype(series):
        raise DataError(f"{role} column {name!r} holds true/false values, not numbers.")
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "fiu":
        # plain numpy numbers: what astype("float64") gives, built without its dispatch
        out = pd.Series(
            series.to_numpy(dtype="float64", copy=True), index=series.index, name=series.name
        )
    elif pd.api.types.is_numeric_dtype(series):
        out = series.astype("float64")
    else:
        values = []
        bad_index, bad_values = [], []
        for idx, v in series.items():
            if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                values.append(math.nan)
            elif isinstance(v, (numbers.Real, np.number)) and not isinstance(v, (bool, np.bool_)):
                values.append(float(v))
            else:
                parsed = parse_number(str(v))
                if parsed is None:
                    bad_index.append(idx)
                    bad_values.append(v)
                    values.append(math.nan)
                else:
                    values.append(parsed)
        if bad_index:
            label = f"{role} column {name!r}" if series.name is not None else f"{role} column"
            hint = ""
            if any("," in str(v) for v in bad_values):
                hint = (
                    " A comma looks like a decimal or thousands separator: use a point for "
                    "decimals and no thousands separator (or read the file with "
                    "read_trials(..., decimal=','))."
                )
            raise DataError(
                f"{label} holds values that are not numbers: "
                f"{describe_rows(bad_index, bad_values)}. Correct these cells, or leave them "
                f"empty to treat them as missing.{hint}"
            )
        out = pd.Series(values, index=series.index, name=series.name, dtype="float64")
    if np.isinf(out.to_numpy()).any():
        rows = out.index[np.isinf(out.to_numpy())]
        raise DataError(f"{role} column {name!r} holds infinite values at {describe_rows(rows)}.")
    return out


def _rounding_twins(
    levels: np.ndarray, text: dict, name: Any, role: str, notes: list[str] | None
) -> dict:
    """Labels of numeric levels some of which print alike: merged when equal to rounding."""
    out = dict(text)
    merged = []
    for label in {t for t in text.values() if list(text.values()).count(t) > 1}:
        twins = [v for v in levels if text[v] == label]
        spread = float(max(twins)) - float(min(twins))
        if spread <= 1e-9 * max(abs(float(v)) for v in twins):
            merged.append(f"{', '.join(repr(float(v)) for v in twins)} as {label}")
        else:
            for v in twins:
                out[v] = repr(float(v))
    if merged:
        message = (
            f"{role} column {name!r} holds numbers that differ only by rounding; they were "
            f"taken as one level: {'; '.join(sorted(merged))}. Round the column (e.g. "
            "df[col].round(6)) to make this explicit."
        )
        if notes is None:
            warnings.warn(message, DataWarning, stacklevel=4)
        else:
            notes.append(message)
    return out


def _natural_key(label: str) -> tuple:
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


#: The 14 treatments of a 3414 trial as (N, P, K) level codes, treatment 1 first (the same
#: as :data:`fertopt.design.THREE414_LEVELS`, which lives above this module).
THREE414_ORDER = (
    "000", "022", "122", "202", "212", "222", "232", "220", "221", "223", "322", "112", "121", "211"
)  # fmt: skip
#: Labels of an untreated control, listed first.
CONTROL_LABELS = {"ck", "control", "check", "blank", "none", "对照", "空白", "空白区", "不施肥"}
_DIGITS = re.compile(r"(\d+(?:\.\d+)?)")
_CODE = re.compile(r"^\D*?([0-3])\D*?([0-3])\D*?([0-3])$")


def _text_key(label: str) -> tuple:
    """Sort key of a label with numbers in it: "T2" before "T10", "N60" before "N120"."""
    parts = _DIGITS.split(label)
    return tuple((0, float(p), p) if i % 2 else (1, 0.0, p) for i, p in enumerate(parts))


def natural_order(levels: Sequence[str]) -> list[str]:
    """Treatment labels in the order a trial is written up.

    Numbers ascending (0, 30, 60, 120); the 14 treatments of a 3414 trial in their
    standard order when labelled by level codes (``"000"``, ``"N2P2K2"``); labels
    with numbers in natural order with the control first (CK, T1, T2, …, T10, never
    the random field order T3, T6, T5); other text with the control first, then in
    order of first appearance.

    Examples
    --------
    >>> natural_order(["T3", "T10", "CK", "T1"])
    ['CK', 'T1', 'T3', 'T10']
    >>> natural_order(["N2P2K2", "N0P0K0", "N0P2K2"])
    ['N0P0K0', 'N0P2K2', 'N2P2K2']
    >>> natural_order(["formula", "blank", "reduced N"])
    ['blank', 'formula', 'reduced N']
    """
    levels = list(levels)
    codes = [_CODE.match(lv.replace(" ", "")) for lv in levels]
    if all(codes) and len(levels) > 2:
        found = ["".join(m.groups()) for m in codes if m]
        if len(set(found)) == len(found) and set(found) <= set(THREE414_ORDER):
            return sorted(levels, key=lambda lv: THREE414_ORDER.index(found[levels.index(lv)]))
    if all(_natural_key(lv)[0] == 0 for lv in levels):
        return sorted(levels, key=_natural_key)
    control = [lv for lv in levels if lv.strip().lower() in CONTROL_LABELS]
    rest = [lv for lv in levels if lv not in control]
    if rest and all(_DIGITS.search(lv) for lv in rest):
        rest = sorted(rest, key=_text_key)
    return control + rest


def as_labels(series: pd.Series, role: str, notes: list[str] | None = None) -> pd.Categorical:
    """Read a treatment/block column as labels, keeping a meaningful level order.

    Numbers stay numbers in the order (0, 30, 60, 120 — not "0", "120", "30");
    categoricals keep their category order (unused categories are dropped);
    text is put in its natural order (:func:`natural_order`: the control first,
    T2 before T10, a 3414 trial's codes in the standard order).  A label such as
    ``"None"``, ``"NA"``, ``"CK"`` or ``"0"`` is a label, never a missing value.

    Two numbers that differ only by rounding (``0.3`` and ``0.1 + 0.2``, equal within
    1e-9 relative) are one level, with a :class:`DataWarning` (appended to ``notes``
    instead when it is given); numbers that print alike but differ more keep all
    their digits.

    Raises
    ------
    DataError
        If cells are empty: a plot without a treatment or block label is a
        data-entry mistake to be fixed, not guessed.
    """
    name = series.name if series.name is not None else role
    missing = series.isna().to_numpy()
    if missing.any():
        raise DataError(
            f"{role} column {name!r} is empty at {describe_rows(series.index[missing])}. "
            "Every plot needs a label: fill these cells in, or drop those rows first."
        )
    if isinstance(series.dtype, pd.CategoricalDtype):
        cat = pd.Categorical(series).remove_unused_categories()
        return pd.Categorical(
            [str(v) for v in cat], categories=[str(c) for c in cat.categories], ordered=False
        )
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy()
        levels, inverse = np.unique(values, return_inverse=True)
        text = {
            v: format(v, "g") if isinstance(v, (float, np.floating)) else str(v) for v in levels
        }
        if len(set(text.values())) < len(levels):
            text = _rounding_twins(levels, text, name, role, notes)
        categories = list(dict.fromkeys(text[v] for v in levels))
        where = {t: i for i, t in enumerate(categories)}
        codes = np.array([where[text[v]] for v in levels], dtype=np.int64)[inverse.ravel()]
        return pd.Categorical.from_codes(codes, dtype=_label_dtype(tuple(categories)))
    # each distinct cell once: its text, then the codes of every plot from the distinct cells
    inverse, uniques = pd.factorize(series.astype(object), sort=False)
    texts = [str(v).strip() for v in uniques]
    levels = natural_order(list(dict.fromkeys(texts)))
    where = {t: i for i, t in enumerate(levels)}
    codes = np.array([where[t] for t in texts], dtype=np.int64)[np.asarray(inverse)]
    return pd.Categorical.from_codes(codes, dtype=_label_dtype(tuple(levels)))


@functools.lru_cache(maxsize=1024)
def _label_dtype(categories: tuple[str, ...]) -> pd.CategoricalDtype:
    """The categorical type of a column with these labels, built once per set of labels.

    Checking a new set of categories costs more than the rest of labelling a trial's plots;
    the trials of a study or a batch repeat the same few sets (rates, blocks, treatments).
    The type is immutable, so every column with these labels can share it.
    """
    return pd.CategoricalDtype(list(categories), ordered=False)


# ---------------------------------------------------------------------------
# scalar arguments
# ---------------------------------------------------------------------------
def check_choice(value: Any, name: str, choices: Iterable[Any]) -> Any:
    """Check that ``value`` is one of ``choices``."""
    choices = list(choices)
    if value not in choices:
        near = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1)
        hint = f" Did you mean {near[0]!r}?" if near else ""
        raise OptionError(
            f"{name}={value!r} is not a valid option; choose one of "
            f"{', '.join(repr(c) for c in choices)}.{hint}"
        )
    return value


def check_probability(value: Any, name: str = "alpha") -> float:
    """Check a level strictly between 0 and 1 (``alpha``, ``confidence_level``)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise OptionError(f"{name} must be a number between 0 and 1, got {value!r}.") from None
    if not 0.0 < x < 1.0:
        example = "0.05" if name == "alpha" else "0.95"
        raise OptionError(
            f"{name}={value!r} is outside (0, 1); give a probability such as {example}."
        )
    return x


def check_positive(value: Any, name: str) -> float:
    """Check a finite number > 0 (prices, plot areas)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise OptionError(f"{name} must be a positive number, got {value!r}.") from None
    if not math.isfinite(x) or x <= 0:
        raise OptionError(f"{name} must be a positive number, got {value!r}.")
    return x


def positive_number(value: Any, what: str, allow_zero: bool = False) -> float:
    """``value`` as a float of 0 or more (more than 0 unless ``allow_zero``).

    Raises
    ------
    OptionError
        Not a number, not finite, negative, or zero when zero is not allowed; the
        message names ``what``.
    """
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise OptionError(f"{what} must be a number, got {value!r}.") from None
    if not math.isfinite(x) or x < 0 or (x == 0 and not allow_zero):
        raise OptionError(f"{what} must be a positive number, got {value!r}.")
    return x


def check_nonnegative_rates(values: pd.Series, role: str) -> None:
    """Rates of a nutrient cannot be negative."""
    arr = values.to_numpy(dtype=float)
    bad = arr < 0
    if bad.any():
        raise DataError(
            f"{role} column {values.name!r} has negative rates: "
            f"{describe_rows(values.index[bad], arr[bad].tolist())}. "
            "A fertilizer rate is 0 or more; correct these cells."
        )


def rate_values(frame: pd.DataFrame, column: Any, nutrient: str) -> pd.Series:
    """A nutrient's rate column as numbers: every plot has one, and none is negative."""
    values = to_numeric(frame[column], f"rate ({nutrient})")
    missing = values.isna().to_numpy()
    if missing.any():
        raise DataError(
            f"rate column {column!r} is empty at {describe_rows(values.index[missing])}: every "
            f"plot needs its {nutrient} rate; fill these cells in (0 when none was applied) or "
            "drop the rows."
        )
    check_nonnegative_rates(values, f"rate ({nutrient})")
    check_scale(values, column, "rate")
    return values


def check_nan_policy(value: Any) -> str:
    """``"omit"`` (drop rows with a missing response, counted) or ``"raise"``."""
    return check_choice(value, "nan_policy", ("omit", "raise"))


#: The refusal of empty response cells shared by anova() and omission().
RESPONSE_EMPTY = (
    "response column {column!r} is empty at {rows}. Fill in these yields, or use "
    "nan_policy='omit' to leave those plots out."
)


def drop_missing(
    values: Sequence[pd.Series],
    nan_policy: str,
    *,
    refuse: str,
    left_out: str | None = None,
    column: Any = None,
    warn_list: list[str] | None = None,
    issue: bool = True,
    stop: str = "",
    stacklevel: int = 2,
) -> tuple[np.ndarray, str | None]:
    """The ``nan_policy`` step: find plots with a missing value, refuse them or leave them out.

    ``values`` are numeric columns of one frame (same index); a plot is missing when any of
    them is NaN.  With ``nan_policy="raise"`` a :class:`DataError` says ``refuse``; otherwise
    ``left_out`` (when given) is appended to ``warn_list`` and, with ``issue``, warned as a
    :class:`DataWarning` (followed by ``stop``) at ``stacklevel`` as seen from the caller.
    Both texts are format templates with the fields ``n`` (plots missing), ``rows`` (which),
    ``plots`` (``plot``/``plots``), ``were`` (``was``/``were``) and ``column``.

    Returns
    -------
    keep : ndarray of bool
        The plots that have every value.
    text : str or None
        The ``left_out`` message, or None when nothing was missing.
    """
    index = values[0].index
    missing = np.zeros(len(index), dtype=bool)
    for v in values:
        missing |= v.isna().to_numpy()
    if not missing.any():
        return ~missing, None
    n = int(missing.sum())
    fields = {
        "n": n,
        "rows": describe_rows(index[missing]),
        "plots": "plots" if n > 1 else "plot",
        "were": "were" if n > 1 else "was",
        "column": column,
    }
    if nan_policy == "raise":
        raise DataError(refuse.format(**fields))
    if left_out is None:
        return ~missing, None
    # a message key ("left_out_response") gives a text that reports show in any language
    text = message(left_out, **fields) if " " not in left_out else left_out.format(**fields)
    if warn_list is not None:
        warn_list.append(text)
    if issue:
        warnings.warn(text + stop, DataWarning, stacklevel=stacklevel + 1)
    return ~missing, text


def check_errors(value: Any, function: str, former: Iterable[str] = ()) -> str:
    """``errors=``: ``"raise"`` the failure, or ``"record"`` it in the result and carry on.

    ``former`` are the spellings ``function`` accepted before (``"return"``, ``"report"``):
    they still mean ``"record"`` and warn once with a :class:`FutureWarning`.
    """
    former = tuple(former)
    if value in former:
        warn_once(
            f"{function}(errors={value!r})",
            f"{function}(errors={value!r}) is deprecated; use errors='record' (record the "
            "failure in the result instead of raising).",
            stacklevel=4,
        )
        return "record"
    return check_choice(value, "errors", ("raise", "record"))


def require_levels(labels: pd.Categorical, role: str, column: Any, minimum: int = 2) -> None:
    """A factor needs at least ``minimum`` levels to be compared."""
    k = len(labels.categories)
    if k < minimum:
        only = f" (only {labels.categories[0]!r})" if k == 1 else ""
        raise DesignError(
            f"{role} column {column!r} has {k} level{'s' if k != 1 else ''}{only}; at least "
            f"{minimum} are needed to compare treatments. Check that the right column was "
            "named and that the data hold the whole trial."
        )


# ---------------------------------------------------------------------------
# design layouts (used by anova and the design checks of other analyses)
# ---------------------------------------------------------------------------
def check_blocks(
    blocks: pd.Categorical, column: Any, n_rows: int, others: Sequence[str] = ()
) -> None:
    """A block factor needs at least two levels and must group several plots."""
    k = len(blocks.categories)
    if k < 2:
        raise DesignError(
            f"block column {column!r} has a single level ({blocks.categories[0]!r}); an RCBD needs "
            "at least 2 blocks. Leave out block= to analyse the trial as completely randomized."
        )
    if k == n_rows:
        hint = f" Did you mean block={others[0]!r}?" if others else ""
        raise DesignError(
            f"block={column!r} has {k} levels for {n_rows} rows: every plot is its own block, so "
            "nothing is left to estimate the error. A block (replicate) must contain every "
            f"treatment once.{hint}"
        )


def cell_counts(frame: pd.DataFrame, columns: Sequence[Any]) -> pd.Series:
    """Number of rows in every combination of the levels of ``columns`` (empty cells included)."""
    codes = [frame[c].cat.codes.to_numpy() for c in columns]
    shape = tuple(len(frame[c].cat.categories) for c in columns)
    flat = np.ravel_multi_index(codes, shape) if codes else np.zeros(len(frame), dtype=int)
    size = int(np.prod(shape))
    counts = np.bincount(flat, minlength=size)
    # the product index built from its codes (MultiIndex.from_product re-factorizes the levels)
    index = pd.MultiIndex(
        levels=[frame[c].cat.categories for c in columns],
        codes=list(np.unravel_index(np.arange(size), shape)),
        names=list(columns),
        verify_integrity=False,
    )
    return pd.Series(counts, index=index)


def describe_cells(cells: pd.Series, limit: int = 6) -> str:
    """``block 2 × treatment 'NPK'``-style description of the first few cells of a count Series.

    A keyed message (see :func:`describe_rows`).
    """
    parts = []
    for key in list(cells.index)[:limit]:
        key = key if isinstance(key, tuple) else (key,)
        parts.append(
            " × ".join(f"{name} {lvl!r}" for name, lvl in zip(cells.index.names, key, strict=True))
        )
    text = message("listed", parts=Items(parts))
    if len(cells) > limit:
        text = message("and_more", items=text, k=str(len(cells) - limit))
    return text


# ---------------------------------------------------------------------------
# responses (the one entry point of every analysis that reads yields)
# ---------------------------------------------------------------------------
#: Responses are analysed between these magnitudes: squares and sums of squares of larger
#: numbers overflow, and of smaller ones underflow to zero.
RESPONSE_SCALE = (1e-100, 1e100)

#: Responses whose range is below this share of their magnitude do not vary: what is left is
#: rounding noise, and a least-squares surface fitted to it has an F and a shape decided by it.
CONSTANT_RELATIVE = 1e-9


def response_values(frame: pd.DataFrame, column: Any, *, allow_negative: bool = False) -> pd.Series:
    """The response column as numbers (NaN where empty), checked for sign and magnitude.

    Every analysis that reads yields calls this: :func:`to_numeric` (text, booleans and
    infinite values are refused), then no negative value unless ``allow_negative`` (a yield
    cannot be negative; differences and yield gains can), then magnitudes within
    :data:`RESPONSE_SCALE`.

    Raises
    ------
    DataError
        A cell is not a number or is infinite; a value is negative (the message names the
        rows and says ``allow_negative=True`` is for differences); the values are too large
        or too small to square (the message says to rescale).

    Examples
    --------
    >>> response_values(pd.DataFrame({"yield": [5.1, -0.2]}), "yield")
    Traceback (most recent call last):
    ...
    fertopt.exceptions.DataError: response column 'yield' has negative values: row 1 (-0.2). ...
    >>> response_values(pd.DataFrame({"gain": [5.1, -0.2]}), "gain", allow_negative=True).tolist()
    [5.1, -0.2]
    """
    values = to_numeric(frame[column], "response")
    arr = values.to_numpy()
    if not allow_negative:
        negative = arr < 0
        if negative.any():
            raise DataError(
                f"response column {column!r} has negative values: "
                f"{describe_rows(values.index[negative], arr[negative].tolist())}. A yield "
                "cannot be negative: correct these cells. If the column holds differences or "
                "yield gains, pass allow_negative=True."
            )
    check_scale(values, column, "response")
    return values


def check_scale(values: pd.Series, column: Any, role: str) -> None:
    """Refuse a numeric column whose largest magnitude lies outside :data:`RESPONSE_SCALE`.

    Raises
    ------
    DataError
        The values are too large or too small to square (the message says to rescale).
    """
    arr = values.to_numpy(dtype=float)
    finite = arr[np.isfinite(arr)]
    size = float(np.abs(finite).max()) if len(finite) else 0.0
    low, high = RESPONSE_SCALE
    if size > high or 0 < size < low:
        raise DataError(
            f"{role} column {column!r} holds values as {'large' if size > high else 'small'} "
            f"as {size:.3g}; sums of squares of such numbers "
            f"{'overflow' if size > high else 'underflow to zero'}. Rescale the column (for "
            "example to t/ha or kg/ha) so that its values lie between 1e-100 and 1e100, and "
            "analyse it again."
        )


def check_variation(y: np.ndarray, column: Any, relative: float = 0.0) -> None:
    """Refuse a response without variation: all values equal, or within ``relative`` of each other.

    ``relative`` is the largest range, as a share of the largest magnitude, that is still
    no variation (rounding noise): 0 for exact equality, 1e-9 for least-squares surfaces.

    Raises
    ------
    DataError
        The values do not vary (the message gives their value and says to check the column).
    """
    y = np.asarray(y, dtype=float)
    if len(y) == 0:
        return
    spread = float(np.ptp(y))
    if spread > relative * float(np.abs(y).max()):
        return
    close = "equal" if spread == 0 else f"equal to within {spread:.3g} (rounding noise)"
    raise DataError(
        f"all {len(y)} values of {column!r} are {close} ({y[0]:.6g}); there is no variation to "
        "analyse. Check that the right column was named as response."
    )


# ---------------------------------------------------------------------------
# output files
# ---------------------------------------------------------------------------
def check_writable(path: Any, option: str = "path") -> Path:
    """Check, before any work, that a file can be written at ``path``; returns it as a Path.

    The folder must exist and take a new file (a probe file is created in it
    and removed), ``path`` must not be a folder, and a file already there must
    be writable.  ``option`` names the argument in the message (``"--out"``).

    Raises
    ------
    OptionError
        What is wrong with the place, and how to fix it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = tempfile.mkdtemp()
    >>> check_writable(pathlib.Path(folder) / "results.csv", "--out").name
    'results.csv'
    >>> check_writable(pathlib.Path(folder) / "missing" / "results.csv", "--out")
    Traceback (most recent call last):
    ...
    fertopt.exceptions.OptionError: --out ...: the folder ... does not exist. Create it ...
    """
    path = Path(path)
    folder = path.parent
    where = f"{option} {str(path)!r}"
    if path.is_dir():
        raise OptionError(
            f"{where} is a folder; give a file name in it, e.g. {str(path / 'results.csv')!r}."
        )
    if not folder.exists():
        raise OptionError(
            f"{where}: the folder {str(folder)!r} does not exist. Create it first, or write to "
            "a folder that exists."
        )
    if not folder.is_dir():
        raise OptionError(f"{where}: {str(folder)!r} is a file, not a folder. Write elsewhere.")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".fertopt-check-"):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OptionError(
            f"{where}: cannot write in the folder {str(folder)!r} ({reason}). Choose a folder "
            "you can write to."
        ) from None
    if path.exists() and not os.access(path, os.W_OK):
        raise OptionError(
            f"{where}: the file exists and is read-only. Choose another name, or make it writable."
        )
    return path
