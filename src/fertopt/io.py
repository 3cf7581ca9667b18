"""Reading trial files into a tidy table (one row per plot).

:func:`read_trials` reads CSV (UTF-8, UTF-8 with BOM, UTF-16, GBK/GB18030 as written
by Chinese Excel), Excel ``.xlsx`` (extra ``fertopt[excel]``) and Parquet,
recognises column names in English and Chinese, reads units written in the
headers (``产量(kg/亩)``, ``yield (t/ha)``) and converts yields or rates on
request.  It finds the header row under title rows and reshapes the "wide"
layout of papers (one row per treatment, replicates Ⅰ/Ⅱ/Ⅲ in columns) to one
row per plot, saying so each time; it never guesses silently.

The steps: the file becomes a grid of cells with the sheet's own row numbers
(:mod:`fertopt._core.sheet`), the header row is found (:func:`header_rows`),
the table is built from it (:func:`grid_frame`), a wide layout is reshaped
(:func:`wide_to_long`), then headers are recognised and numbers read.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fertopt import units as _units
from fertopt._core.roles import COLUMN_ALIASES
from fertopt._core.sheet import (
    EXCEL_ERRORS,
    SPACES,
    Grid,
    decode_text,
    excel_grid,
    is_date,
    shown_cells,
    text_grid,
)
from fertopt._core.validation import (
    check_choice,
    describe_rows,
    parse_number,
    require_frame,
    suggest_columns,
    to_numeric,
)
from fertopt.exceptions import (
    ColumnError,
    DataError,
    DataWarning,
    DependencyError,
    FertoptError,
    OptionError,
)

__all__ = ["read_trials", "COLUMN_ALIASES", "guess_column"]

_ROLE_NUMERIC = {"yield", "N", "P2O5", "K2O"}
_UNIT_IN_HEADER = re.compile(
    r"^(?P<name>.*?)\s*[\(\[（【]\s*(?P<unit>[^)\]）】]+?)\s*[\)\]）】]\s*$"
)


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text)).lower()
    return re.sub(r"[\s_\-.:：]", "", text)


_LOOKUP = {_key(alias): canon for canon, aliases in COLUMN_ALIASES.items() for alias in aliases}


def _split_header(header: Any) -> tuple[str, str | None]:
    """``"产量(kg/亩)"`` → ``("产量", "kg/mu")``; unit ``None`` when absent or unknown."""
    text = unicodedata.normalize("NFKC", str(header)).strip()
    match = _UNIT_IN_HEADER.match(text)
    if not match:
        return text, None
    unit = match.group("unit").replace("667m2", "mu").replace("667 m2", "mu").replace("667m²", "mu")
    try:
        mass, area = _units.parse_unit(unit)
    except FertoptError:
        return text, None
    return match.group("name"), f"{mass}/{area}"


def guess_column(header: Any) -> str | None:
    """The canonical name a header stands for, or ``None``.

    Examples
    --------
    >>> guess_column("处理"), guess_column("Rep"), guess_column("产量(kg/亩)"), guess_column("soil")
    ('treatment', 'block', 'yield', None)
    """
    name, _ = _split_header(header)
    return _LOOKUP.get(_key(name))


# ---------------------------------------------------------------------------
# the grid of a file
# ---------------------------------------------------------------------------
_EXCEL = (".xlsx", ".xlsm")


def read_grid(
    path: Path, *, sheet: Any, encoding: str | None, sep: str | None, decimal: str
) -> Grid | pd.DataFrame:
    """The cells of a text or Excel file (a :class:`Grid`), or the frame of a Parquet file."""
    name = path.name
    if path.is_dir():
        raise DataError(
            f"{str(path)!r} is a folder, not a file. Give the path of one trial file; to analyse "
            "every file of a folder use fertopt.run_batch('folder/*.csv', ...) or "
            "'fertopt batch \"folder/*.csv\"'."
        )
    if not path.exists():
        raise DataError(f"file not found: {str(path)!r}. Check the path and the file name.")
    suffix = path.suffix.lower()
    if suffix in (".xls",):
        raise DataError(
            f"{name} is an old .xls workbook, which fertopt cannot read; open it in Excel or "
            "LibreOffice and save it as .xlsx or CSV."
        )
    if sheet is not None and suffix not in _EXCEL:
        raise OptionError(
            f"sheet={sheet!r} is given but {name} is not an Excel workbook (.xlsx); leave "
            "sheet= out for text and Parquet files."
        )
    if suffix in _EXCEL:
        return excel_grid(path, sheet)
    if suffix in (".parquet", ".pq"):
        try:
            return pd.read_parquet(path)
        except ImportError:
            raise DependencyError(
                "reading Parquet files needs pyarrow: pip install 'fertopt[parquet]'."
            ) from None
        except Exception as exc:  # noqa: BLE001 - pyarrow's errors have no common class
            raise DataError(
                f"{name} could not be read as a Parquet file ({type(exc).__name__}: {exc})."
            ) from None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{str(path)!r} could not be read: {exc.strerror}.") from None
    if not raw or raw.isspace():  # as raw.strip() would be empty, without copying the file
        raise DataError(f"{name} is empty: it holds no header and no data rows.")
    text = decode_text(raw, encoding, name)
    return text_grid(text, sep=sep, decimal=decimal, suffix=suffix, name=name)


# ---------------------------------------------------------------------------
# the header row
# ---------------------------------------------------------------------------
_SCAN = 20


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    if isinstance(value, str):
        parsed = parse_number(value)
        return parsed is not None and parsed == parsed  # NaN: a missing marker, not a number
    return False


def _known(value: Any) -> bool:
    """A header a trial table uses: a recognised column name or a replicate's name."""
    return value is not None and (guess_column(value) is not None or rep_name(value) is not None)


def _only_rep_numbers(cells: list[Any]) -> bool:
    """No numbers among ``cells`` but replicate names 1, 2, … k (k ≥ 2) of a wide header."""
    numbers = [v for v in cells if _is_number(v)]
    if not numbers:
        return True
    reps = [rep_name(v) for v in numbers]
    if None in reps or len(reps) < 2:
        return False
    return sorted(r[2] for r in reps if r) == list(range(1, len(reps) + 1))


def _header_like(row: list[Any]) -> bool:
    """Two or more cells, no numbers but replicate names 1, 2, … k (a wide table's header)."""
    cells = [v for v in row if v is not None]
    return len(cells) >= 2 and _only_rep_numbers(cells)


def find_header(grid: Grid) -> int:
    """The grid index of the header row under any title rows.

    The first of the top rows that has two or more recognised column names (``处理``,
    ``yield``, ``Ⅰ``…; replicate numbers 1, 2, … only beside a name) and no other numbers;
    else the first row of two or more text cells that is about as wide as the rows below it;
    else the first row.
    """
    top = range(min(len(grid.rows), _SCAN))
    for i in top:
        row = grid.rows[i]
        known = [v for v in row if _known(v)]
        if _header_like(row) and len(known) >= 2 and not all(_is_number(v) for v in known):
            return i
    width = [sum(v is not None for v in r) for r in grid.rows]
    for i in top:
        below = width[i + 1 : i + 6]
        if (
            _header_like(grid.rows[i])
            and all(not _is_number(v) for v in grid.rows[i])
            and width[i] >= max(below, default=0) - 1
        ):
            return i
    return 0


def _unit_text(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        _units.parse_unit(unicodedata.normalize("NFKC", value))
    except FertoptError:
        return False
    return True


def second_header(grid: Grid, h: int) -> bool:
    """Whether the row under header row ``h`` is a second header row (units, or names under a
    merged group label such as ``产量`` over ``Ⅰ Ⅱ Ⅲ``)."""
    if h + 2 >= len(grid.rows):
        return False
    top, under = grid.rows[h], grid.rows[h + 1]
    cells = [(j, v) for j, v in enumerate(under) if v is not None]
    if not cells:
        return False
    if all(_unit_text(v) for _, v in cells):
        return True
    if not _only_rep_numbers([v for _, v in cells]):
        return False
    if any(_is_number(v) for _, v in cells) and any(
        not _is_number(v) and v != top[j] for j, v in cells
    ):  # replicate numbers beside a label of their own: a data row such as "A, 1, 2"
        return False
    grouped = any(
        top[j] is None
        or (j > 0 and top[j] == top[j - 1])
        or (j + 1 < len(top) and top[j] == top[j + 1])
        for j, _ in cells
    )
    if not grouped:
        return False
    data = grid.rows[h + 2 : h + 7]
    return any(
        any(_is_number(r[j]) for r in data) and not _is_number(v) or rep_name(v) is not None
        for j, v in cells
    )


def header_rows(grid: Grid, header: Any) -> tuple[list[int], list[str]]:
    """The grid indices of the header row(s) and the messages to give about them.

    ``header`` is ``None`` (find it), a sheet row number, or two row numbers whose names are
    joined.  A second header row found automatically raises :class:`DataError` with the fix.
    """
    messages: list[str] = []
    if header is None:
        h = find_header(grid)
        if second_header(grid, h):
            r1, r2 = grid.numbers[h], grid.numbers[h + 1]
            shown = ", ".join(repr(str(v)) for v in grid.rows[h + 1] if v is not None)
            raise DataError(
                f"{grid.source}: rows {r1} and {r2} both look like header rows (row {r2}: "
                f"{shown}). fertopt reads one header row: pass header=[{r1}, {r2}] to join them "
                f"into one name per column, header={r2} to use row {r2} alone, or keep a single "
                "header row in the file."
            )
        if h > 0:
            skipped = grid.numbers[:h]
            first = " ".join(str(v) for v in grid.rows[0] if v is not None)
            rows = f"row {skipped[0]}" if h == 1 else f"rows {skipped[0]}–{skipped[-1]}"
            messages.append(
                f"{grid.source}: the header is row {grid.numbers[h]}; {rows} above it "
                f"({first[:40]!r}) looked like a title and {'was' if h == 1 else 'were'} left "
                f"out. Pass header={grid.numbers[h]} (--header {grid.numbers[h]} on the command "
                "line) to confirm this, or another row number."
            )
        return [h], messages
    wanted = list(header) if isinstance(header, (list, tuple)) else [header]
    if not 1 <= len(wanted) <= 2 or not all(
        isinstance(r, int) and not isinstance(r, bool) for r in wanted
    ):
        raise OptionError(
            f"header={header!r} is not understood: give the row number of the header as the "
            "spreadsheet shows it (header=3), or two row numbers to join (header=[3, 4])."
        )
    found = []
    for r in wanted:
        if r not in grid.numbers:
            zero = " Rows are numbered as in the spreadsheet, from 1." if r < 1 else ""
            raise OptionError(
                f"header={header!r}: row {r} of {grid.source} is blank or beyond its end." + zero
            )
        found.append(grid.numbers.index(r))
    if len(found) == 2 and found[1] != found[0] + 1:
        raise OptionError(
            f"header={header!r}: the two header rows must follow each other (blank rows "
            "between them are allowed)."
        )
    return found, messages


def _join(top: Any, under: Any) -> Any:
    if top is None or str(top) == str(under):
        return under
    if under is None:
        return top
    if _unit_text(under):
        return f"{top} ({under})"
    return f"{top} {under}"


def grid_frame(grid: Grid, rows: list[int], *, csv_file: bool) -> tuple[pd.DataFrame, list[str]]:
    """The table under the header row(s): raw header names, index the sheet row numbers.

    Returns the frame and the column letter of each of its columns.
    """
    names: list[Any] = list(grid.rows[rows[0]])
    if len(rows) == 2:
        names = [_join(t, u) for t, u in zip(names, grid.rows[rows[1]], strict=True)]
    body = grid.rows[rows[-1] + 1 :]
    numbers = grid.numbers[rows[-1] + 1 :]
    below = grid.body  # the rows of a long text file below its top lines, column by column
    last_named = max((j for j, n in enumerate(names) if n is not None), default=-1)
    if csv_file and last_named < len(names) - 1:
        extra = [
            numbers[i]
            for i, r in enumerate(body)
            if any(v is not None for v in r[last_named + 1 :])
        ]
        if below is not None:
            over = np.zeros(len(below.numbers), dtype=bool)
            for column in below.columns[last_named + 1 :]:
                over |= np.not_equal(_objects(column), None)
            extra += below.numbers[over].tolist()
        raise DataError(
            f"{grid.source}: {describe_rows(extra)} {'has' if len(extra) == 1 else 'have'} more "
            f"cells than the header (row {grid.numbers[rows[-1]]}) has names. A comma inside a "
            "number (10,5) or a text splits a cell in two: use a point for decimals, put text "
            "that holds the separator in quotes, or separate the fields with ';'."
        )
    labels = [
        str(n) if n is not None else f"unnamed_{grid.letters[j]}" for j, n in enumerate(names)
    ]
    seen: dict[str, list[str]] = {}
    for j, n in enumerate(labels):
        seen.setdefault(n, []).append(grid.letters[j])
    dupes = {n: cols for n, cols in seen.items() if len(cols) > 1}
    if dupes:
        n, cols = next(iter(dupes.items()))
        raise ColumnError(
            f"{grid.source}: the column name {n!r} is used {len(cols)} times, in columns "
            f"{', '.join(cols[:-1])} and {cols[-1]} of the header (row "
            f"{grid.numbers[rows[-1]]}). Rename them so that each name is used once, or delete "
            "the extra column."
        )
    if not body and (below is None or len(below.numbers) == 0):
        raise DataError(
            f"{grid.source} holds a header (row {grid.numbers[rows[-1]]}) but no data rows."
        )
    if below is None:
        frame = pd.DataFrame(
            body, columns=labels, index=pd.Index(numbers, name="row"), dtype=object
        )
        return frame, list(grid.letters)
    index = pd.Index(np.concatenate([np.asarray(numbers, dtype=np.int64), below.numbers]))
    frame = pd.concat(
        [
            pd.Series(_stacked([r[j] for r in body], column), copy=False).set_axis(index)
            for j, column in enumerate(below.columns)
        ],
        axis=1,
        keys=labels,
    )
    frame.index.name = "row"
    return frame, list(grid.letters)


def _arrow_text(series: pd.Series) -> Any:
    """The pyarrow array of a text column read column by column, or ``None``."""
    dtype = series.dtype
    if not isinstance(dtype, pd.ArrowDtype):
        return None
    import pyarrow as pa

    if not pa.types.is_string(dtype.pyarrow_dtype):
        return None
    return pa.array(series.array)  # the ChunkedArray behind the column, not a copy


def _stacked(top: list[Any], column: Any) -> Any:
    """One column of a table: the cells of its top rows (a list) above those read column by
    column (a NumPy array of text, or a pyarrow array kept as such until the numbers are read)."""
    if isinstance(column, np.ndarray):
        cells = np.concatenate([np.array(top, dtype=object).reshape(-1), column])
        return pd.Series(cells, dtype=object, copy=False)  # Python text, as cell by cell
    import pyarrow as pa

    chunks = [pa.array(top, type=pa.string()), *column.chunks]
    return pd.arrays.ArrowExtensionArray(pa.chunked_array(chunks, type=pa.string()))


def _objects(column: Any) -> np.ndarray:
    """The cells of a column as Python text (``None`` for an empty cell), as a cell-by-cell
    reading gives them."""
    if isinstance(column, np.ndarray):
        return column
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(column, pd.Series):
        column = pa.array(column.array)
    # the distinct texts once each, then repeated by their codes (most columns repeat a few)
    encoded = pc.dictionary_encode(column.combine_chunks())
    words = np.append(encoded.dictionary.to_numpy(zero_copy_only=False), None)
    codes = encoded.indices.fill_null(len(words) - 1).to_numpy(zero_copy_only=False)
    return words[codes]


def _as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its columns read column by column turned into Python text, as the
    columns of a file read cell by cell are."""
    for j in range(frame.shape[1]):
        series = frame.iloc[:, j]
        if _arrow_text(series) is not None:
            frame.isetitem(
                j, pd.Series(_objects(series), index=frame.index, dtype=object, copy=False)
            )
    return frame


# ---------------------------------------------------------------------------
# the wide layout: one row per treatment, replicates in columns
# ---------------------------------------------------------------------------
_SEP = r"[\s_\-.:：]*"
_WORDS = r"replication|replicate|repetition|rep|block|blk|r|重复|区组"
_ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
    "xi": 11,
    "xii": 12,
}
_HAN = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
_WITH_WORD = re.compile(
    rf"^(?P<pre>.*?){_SEP}(?P<word>{_WORDS}){_SEP}(?P<idx>\d{{1,2}}|[ivx]{{1,4}}|[一二三四五六七八九十])$",
    re.I,
)
_BARE = re.compile(rf"^(?P<pre>.*?){_SEP}(?P<idx>\d{{1,2}}|[ivx]{{1,4}})$", re.I)


def rep_name(header: Any) -> tuple[str, str, int, str] | None:
    """``(response prefix, replicate word, number, label)`` of a replicate column's header.

    Replicates are named ``Ⅰ``/``I``/``1``, ``R1``, ``rep 1``, ``block1``, ``重复1``,
    ``重复一``…, alone or after a response name (``产量 Ⅰ``, ``yield_rep1``); a bare number
    or numeral after a name counts only when the name is a yield (``N1`` is not a replicate).

    Examples
    --------
    >>> rep_name("Ⅱ"), rep_name("重复3"), rep_name("yield R2")
    (('', '', 2, 'Ⅱ'), ('', '重复', 3, '重复3'), ('yield', 'r', 2, 'R2'))
    >>> rep_name("N1") is None, rep_name("产量 1")
    (True, ('产量', '', 1, '1'))
    """
    if header is None:
        return None
    original = str(header).strip()
    text = unicodedata.normalize("NFKC", original).strip()
    match = _WITH_WORD.match(text) or _BARE.match(text)
    if match is None:
        return None
    idx = match.group("idx").lower()
    number = int(idx) if idx.isdigit() else _ROMAN.get(idx, _HAN.get(idx, 0))
    if not number:
        return None
    pre = match.group("pre").strip()
    word = match.groupdict().get("word") or ""
    if pre and not word and guess_column(pre) != "yield":
        return None
    label = original if not pre else text[match.start("word" if word else "idx") :].strip()
    return pre, word.lower(), number, label


def rep_groups(columns: list[Any]) -> list[list[tuple[Any, int, str, str]]]:
    """Groups of replicate columns numbered 1, 2, … k (k ≥ 2): ``[(column, number, label,
    response prefix), ...]`` per group, in column order."""
    groups: dict[tuple[str, str], list[tuple[Any, int, str, str]]] = {}
    for col in columns:
        rep = rep_name(col)
        if rep is not None:
            pre, word, number, label = rep
            groups.setdefault((_key(pre), word), []).append((col, number, label, pre))
    out = []
    for members in groups.values():
        numbers = sorted(m[1] for m in members)
        if len(members) >= 2 and numbers == list(range(1, len(members) + 1)):
            out.append(members)
    return out


def wide_to_long(
    frame: pd.DataFrame,
    *,
    layout: str,
    origin: str,
    roles: Mapping[Any, str | None],
    letters: list[str] | None,
) -> tuple[pd.DataFrame, str | None]:
    """Reshape a wide table to one row per plot; also return the message saying so.

    ``roles`` gives the recognised role of each column (``None`` when unknown).  With
    ``layout="auto"`` the table is reshaped when it has replicate columns numbered 1…k, no block
    column and no column clashing with the response; with ``"wide"`` it must have them.
    """
    if layout == "long":
        return frame, None
    groups = rep_groups(list(frame.columns))
    responses = [g[0][3] or "yield" for g in groups]
    why = None
    if not groups:
        why = (
            "no replicate columns were found (columns named Ⅰ/Ⅱ/Ⅲ, I/II/III, 1/2/3, R1/R2, "
            "rep1, 重复1…, numbered from 1)"
        )
    elif len({tuple(sorted(m[1] for m in g)) for g in groups}) > 1:
        why = "the replicate columns form groups of different sizes"
    elif len({_key(r) for r in responses}) < len(responses):
        why = "two groups of replicate columns have the same name"
    elif any(role == "block" for role in roles.values()):
        block = next(c for c, r in roles.items() if r == "block")
        why = f"the table already has a block column ({block!r})"
    else:
        rep_cols = {m[0] for g in groups for m in g}
        ids = [c for c in frame.columns if c not in rep_cols]
        clash = [
            c
            for c in ids
            for r in responses
            if _key(c) == _key(r) or (roles.get(c) and roles.get(c) == guess_column(r))
        ]
        if clash:
            why = f"the column {clash[0]!r} has the name the replicate values would get"
        elif not ids:
            why = "there is no treatment column beside the replicate columns"
    if why is not None:
        if layout == "wide":
            raise DataError(
                f"layout='wide' was asked for, but {origin} cannot be read as a wide table: "
                f"{why}. Rename the columns, or read it with layout='long'."
            )
        return frame, None
    first = sorted(groups[0], key=lambda m: m[1])
    rep_cols = [m[0] for g in groups for m in g]
    ids = [c for c in frame.columns if c not in rep_cols]
    ordered = [sorted(g, key=lambda m: m[1]) for g in groups]
    position = {c: j for j, c in enumerate(frame.columns)}
    records, index = [], []
    for row_label, row in frame.iterrows():
        for k, (col, _, label, _) in enumerate(first):
            record = {c: row[c] for c in ids}
            record["block"] = label
            for g, name in zip(ordered, responses, strict=True):
                record[name] = row[g[k][0]]
            records.append(record)
            if letters is not None:
                index.append(f"{letters[position[col]]}{row_label}")
            else:
                index.append(f"{row_label}/{label}")
    long = pd.DataFrame(
        records,
        columns=[*ids, "block", *responses],
        index=pd.Index(index, name="cell"),
        dtype=object,
    )
    reps = ", ".join(repr(m[2]) for m in first)
    message = (
        f"{origin} is in the wide layout (one row per treatment, replicates {reps} in "
        f"columns): reshaped to one row per plot with the columns "
        f"{', '.join(map(str, [*ids, 'block', *responses]))}"
        + (" (the values are taken as yields)" if "yield" in responses else "")
        + ". Pass layout='wide' (--layout wide) to confirm this, or layout='long' to keep the "
        "table as it is."
    )
    return long, message


# ---------------------------------------------------------------------------
# the public reader
# ---------------------------------------------------------------------------
_LABEL_COLUMNS = ("treatment", "block", "site", "plot", "row", "column")


def _cells(frame: pd.DataFrame, col: Any, rows: list[Any], letters: Mapping[Any, str]) -> str:
    values = [frame.at[r, col] for r in rows]
    if col in letters and frame.index.name == "row":
        return "cells " + shown_cells([f"{letters[col]}{r}" for r in rows], values)
    return describe_rows(rows, values)


def _excel_values(frame: pd.DataFrame, col: Any, letters: Mapping[Any, str]) -> None:
    """Dates and Excel error values in a yield or rate column, named with their fix."""
    series = frame[col]
    dates = [r for r, v in series.items() if is_date(v)]
    if dates:
        raise DataError(
            f"column {col!r} holds dates where numbers belong: "
            f"{_cells(frame, col, dates, letters)}. Excel shows a number as a date when the "
            "cell is formatted as a date: format the column as Number and check the values."
        )
    errors = [r for r, v in series.items() if isinstance(v, str) and v.strip() in EXCEL_ERRORS]
    if errors:
        raise DataError(
            f"column {col!r} holds Excel error values: {_cells(frame, col, errors, letters)}. "
            "A formula failed there: correct the formula, or clear the cell to mark the value "
            "as missing."
        )


def read_trials(
    source: Any,
    /,
    *,
    columns: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
    convert: Mapping[str, str] | None = None,
    plot_area: float | None = None,
    sheet: Any = None,
    encoding: str | None = None,
    sep: str | None = None,
    decimal: str = ".",
    strict: bool = True,
    header: int | Sequence[int] | None = None,
    layout: str = "auto",
) -> pd.DataFrame:
    """Read a trial table (one row per plot) from a file or a DataFrame.

    Parameters
    ----------
    source : str, Path or DataFrame
        A ``.csv``/``.tsv``/``.txt``, ``.xlsx`` or ``.parquet`` file, or a frame.
    columns : mapping, optional
        Explicit renaming ``{"header in file": "name"}``; it wins over guessing.
    units : mapping, optional
        Units of columns, e.g. ``{"yield": "kg/plot", "N": "kg/mu"}``; they
        override units written in the headers.
    convert : mapping, optional
        Target units, e.g. ``{"yield": "kg/ha"}``.  Needs the source unit (from
        ``units`` or the header) and ``plot_area`` for per-plot values.
    plot_area : float, optional
        Plot area in m², for per-plot yields.
    sheet : str or int, optional
        Excel sheet: its name, or its number counted from 0 (default the first sheet).
    encoding : str, optional
        Text encoding.  By default a byte-order mark decides (UTF-8, UTF-16), then UTF-8, then
        GB18030 (a superset of GBK) when the text reads as Chinese; any other file is refused
        with a message naming the line that reads wrongly and the ``encoding=`` to pass
        (``"latin-1"``, ``"cp1252"``, ``"cp932"`` for Japanese Shift-JIS…).
    sep : str, optional
        Field separator; sniffed among comma, tab and semicolon when omitted.
    decimal : {'.', ','}
        Decimal mark of numbers in text files.
    strict : bool, default True
        Raise on non-numeric yield or rate cells.  With ``False`` such
        columns are left as text, so that a batch run can report the bad
        trial instead of stopping.
    header : int or pair of int, optional
        The row number of the header in the file, as the spreadsheet shows it (the first row
        is 1), or two consecutive row numbers whose texts are joined into one name per column
        (``header=[3, 4]``: ``产量`` over ``Ⅰ`` gives ``产量 Ⅰ``; a unit under a name gives
        ``产量 (kg/亩)``).  By default the header is the first row with two or more recognised
        column names and no numbers; title rows above it are left out with a
        :class:`~fertopt.exceptions.DataWarning` naming them.  Two header rows are never
        joined without ``header=``: they raise :class:`DataError` saying how to pass it.
    layout : {'auto', 'long', 'wide'}
        ``"long"``: one row per plot, as is.  ``"wide"``: one row per treatment with the
        replicates' yields in columns named ``Ⅰ``/``Ⅱ``/``Ⅲ``, ``I``/``II``, ``1``/``2``,
        ``R1``, ``rep1``, ``重复1``… (optionally after a response name, ``产量 Ⅰ``),
        reshaped to one row per plot with the columns of the treatment, ``block`` (the
        replicate's header) and the response (``yield``, or the name before the replicate).
        ``"auto"`` (default): reshape such a table when it has no block column, with a
        :class:`~fertopt.exceptions.DataWarning` saying so.

    Returns
    -------
    DataFrame
        Recognised columns renamed to ``treatment``, ``block``, ``yield``,
        ``N``, ``P2O5``, ``K2O``, ``site``, ``year``, ``plot``, ``row``,
        ``column``; other columns kept.  Yield and rate columns are floats.
        Treatment and block columns keep their labels as text: ``"CK"``,
        ``"None"``, ``"NA"``, ``"#N/A"`` and ``"0"`` are labels, never missing values
        (in CSV and Excel files alike).
        For files the index (``row``) is the spreadsheet row number (the first line is row
        1; blank and title rows keep their numbers), so messages about ``row 7`` point at row
        7 of the sheet.  A reshaped wide table is indexed by the cell (``cell``: ``C7``) its
        value came from.  A merged Excel range counts as its value in every cell it covers.
        ``frame.attrs["fertopt"]`` records the source, the renaming, the units, the header
        row, the layout and the messages given.

    Raises
    ------
    DataError
        Unreadable file (a folder, an empty or binary file, an encoding that is not sure, an
        Excel formula without a saved value), two header rows, a header without data rows,
        or text, dates or Excel errors in a yield/rate column (the cells are named).
    ColumnError
        A column name used twice, two columns that stand for the same thing, or a
        ``columns`` key not in the file.
    OptionError
        A sheet the workbook does not have (its sheets are listed), a ``header`` row that
        is blank or outside the file, or an unknown ``layout``.

    Examples
    --------
    >>> import pandas as pd, fertopt as fo
    >>> raw = pd.DataFrame({"处理": ["CK", "NPK"], "重复": [1, 1], "产量(kg/亩)": ["1688", "3020"]})
    >>> df = fo.read_trials(raw, convert={"yield": "t/ha"})
    >>> df
      treatment block   yield
    0        CK     1  25.320
    1       NPK     1  45.300
    >>> df.attrs["fertopt"]["units"]
    {'yield': 't/ha'}

    A table of a paper, one row per treatment and the replicates in columns:

    >>> wide = pd.DataFrame({"处理": ["CK", "NPK"], "Ⅰ": [10.1, 12.0], "Ⅱ": [9.8, 12.4]})
    >>> fo.read_trials(wide, layout="wide")
         treatment block  yield
    cell
    0/Ⅰ         CK     Ⅰ   10.1
    0/Ⅱ         CK     Ⅱ    9.8
    1/Ⅰ        NPK     Ⅰ   12.0
    1/Ⅱ        NPK     Ⅱ   12.4
    """
    check_choice(layout, "layout", ("auto", "long", "wide"))
    messages: list[str] = []
    letters: list[str] | None = None
    header_row: list[int] | None = None
    excel = False
    by_column = False  # a long text file: its cells read column by column
    if isinstance(source, (str, Path)):
        path = Path(source)
        excel = path.suffix.lower() in _EXCEL
        grid = read_grid(path, sheet=sheet, encoding=encoding, sep=sep, decimal=decimal)
        if isinstance(grid, Grid):
            if not grid.rows:
                raise DataError(f"{grid.source} holds no cells: it is empty.")
            if grid.whole is not None and not _among_top(header, grid):
                grid = grid.whole()  # a header row given below the top lines
            by_column = grid.body is not None
            rows, titles = header_rows(grid, header)
            for text in titles:
                warnings.warn(text, DataWarning, stacklevel=2)
            frame, letters = grid_frame(grid, rows, csv_file=not excel)
            header_row = [grid.numbers[r] for r in rows]
            origin = grid.source
            messages += titles + grid.notes
        else:
            if header is not None:
                raise OptionError("header= applies to text and Excel files, not to Parquet.")
            frame = require_frame(grid, name=path.name).copy(deep=False)  # copy on write
            origin = path.name
    else:
        if header is not None:
            raise OptionError("header= applies to files; a DataFrame already has its column names.")
        frame = require_frame(source).copy(deep=False)  # the caller's frame stays as it is
        origin = "DataFrame"
    if frame.shape[0] == 0:
        raise DataError(f"{origin} holds no data rows.")

    columns = dict(columns or {})
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ColumnError(
            f"columns= names {missing[0]!r}, which is not in {origin}."
            + suggest_columns(missing[0], frame.columns)
        )

    roles = {c: columns.get(c, guess_column(c)) for c in frame.columns}
    if by_column and layout != "long" and rep_groups(list(frame.columns)):
        frame = _as_objects(frame)  # a wide table is reshaped cell by cell
    frame, reshaped = wide_to_long(
        frame, layout=layout, origin=origin, roles=roles, letters=letters
    )
    if reshaped is not None:
        messages.append(reshaped)
        if layout == "auto":
            warnings.warn(reshaped, DataWarning, stacklevel=2)
        columns = {k: v for k, v in columns.items() if k in frame.columns}
        letters = None
    letter_of = dict(zip(frame.columns, letters, strict=True)) if letters is not None else {}

    renames: dict[Any, str] = {}
    header_units: dict[str, str] = {}
    for col in frame.columns:
        name, unit = _split_header(col)
        if col in columns:
            target = columns[col]
        else:
            target = _LOOKUP.get(_key(name))
            if target is None:
                target = name if unit is not None else col
        renames[col] = target
        if unit is not None:
            header_units[target] = unit
    targets = list(renames.values())
    dupes = sorted({str(t) for t in targets if targets.count(t) > 1})
    if dupes:
        clash = [str(c) for c, t in renames.items() if str(t) == dupes[0]]
        raise ColumnError(
            f"columns {', '.join(repr(c) for c in clash)} all look like {dupes[0]!r}. Say which "
            f"one to use with columns={{{clash[0]!r}: {dupes[0]!r}}} and rename the others."
        )
    letter_of = {renames[c]: v for c, v in letter_of.items()}
    frame = frame.rename(columns=renames)

    # numbers: yields and rates strictly; other all-numeric text columns leniently
    for col in frame.columns:
        series = frame[col]
        if pd.api.types.is_numeric_dtype(series):
            continue
        if col in _LABEL_COLUMNS:
            if letters is None:  # a file's cells are stripped already
                frame[col] = _stripped(series)
            continue
        if decimal == ",":
            series = _decimal_points(series)
        if col in _ROLE_NUMERIC or col in (units or {}):
            try:
                if excel:
                    _excel_values(frame, col, letter_of)
                frame[col] = _numbers(series, "yield" if col == "yield" else "rate")
            except DataError:
                if strict:
                    raise
        elif _zero_padded(series):
            continue  # codes such as 3414's "022": numbers would lose the leading zero
        else:
            try:
                frame[col] = _numbers(series, str(col))
            except DataError:
                pass
            else:
                if frame[col].isna().all() and not series.isna().all():
                    frame[col] = series
    if by_column:
        frame = _as_objects(frame)  # the columns left as text, as Python text

    declared = {**header_units, **dict(units or {})}
    for col in declared:
        if col not in frame.columns:
            raise ColumnError(
                f"units= names {col!r}, which is not a column."
                + suggest_columns(col, frame.columns)
            )
        _units.parse_unit(declared[col])
    for col, target in dict(convert or {}).items():
        if col not in frame.columns:
            raise ColumnError(f"convert= names {col!r}, which is not a column.")
        if col not in declared:
            raise OptionError(
                f"cannot convert {col!r} to {target}: its unit is unknown. Give it with "
                f"units={{{col!r}: 'kg/plot'}} (or whatever it is), or write it in the header."
            )
        values = frame[col]
        if not pd.api.types.is_numeric_dtype(values):
            bad = values.index[pd.to_numeric(values, errors="coerce").isna() & values.notna()]
            raise DataError(f"{col!r} cannot be converted: it holds text at {describe_rows(bad)}.")
        frame[col] = _units.convert(values, declared[col], target, plot_area=plot_area)
        declared[col] = target

    frame.attrs["fertopt"] = {
        "source": origin,
        "renamed": {str(k): str(v) for k, v in renames.items() if str(k) != str(v)},
        "units": declared,
        "header_row": header_row,
        "layout": "wide" if reshaped is not None else "long",
        "messages": messages,
    }
    return frame


def _among_top(header: Any, grid: Grid) -> bool:
    """Whether the header row(s) asked for are among the grid's rows (or none was asked for)."""
    if header is None:
        return True
    wanted = list(header) if isinstance(header, (list, tuple)) else [header]
    return all(isinstance(r, int) and r in grid.numbers for r in wanted)


def _stripped(series: pd.Series) -> pd.Series:
    """Labels with surrounding spaces removed, as ``v.strip()`` of each text cell gives them.

    A column of text (pandas' ``str``, or objects that are all text) is stripped at once, to
    the ``str`` column that mapping ``strip`` over it gives; any other column cell by cell.
    """
    text = series.dtype == "str" or (
        pd.api.types.is_object_dtype(series.dtype)
        and pd.api.types.infer_dtype(series, skipna=True) == "string"
    )
    if text:
        return series.astype("str").str.strip(SPACES)
    return series.map(lambda v: v.strip() if isinstance(v, str) else v)


def _decimal_points(series: pd.Series) -> pd.Series:
    """Text cells with their decimal commas made points (other cells as they are)."""
    arrow = _arrow_text(series)
    if arrow is None:
        return series.map(lambda v: v.replace(",", ".") if isinstance(v, str) else v)
    import pyarrow.compute as pc

    points = pc.replace_substring(arrow, ",", ".")
    return pd.Series(pd.arrays.ArrowExtensionArray(points), index=series.index, name=series.name)


def _zero_padded(series: pd.Series) -> bool:
    """Whether a text column holds zero-padded codes (``"000"``, ``"022"``), kept as text."""
    arrow = _arrow_text(series)
    if arrow is not None:  # the few distinct cells that start with 0, as text
        import pyarrow.compute as pc

        starts = pc.fill_null(pc.starts_with(pc.utf8_trim(arrow, characters=SPACES), "0"), False)
        series = pd.Series(pc.unique(arrow.filter(starts)).to_pylist(), dtype=object)
    text = series.dropna().astype(str).str.strip()
    return bool(text.str.match(r"^0\d").any())


#: A number as ``float()`` reads it with nothing to clean: ASCII digits, sign, point, exponent.
_PLAIN = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"


def _numbers(series: pd.Series, role: str) -> pd.Series:
    """:func:`~fertopt._core.validation.to_numeric` of a text column, column at a time.

    The cells are converted together (pyarrow's parser or NumPy's, which round as ``float()``
    does and take only numbers ``float()`` takes); where some cell is not a plain number, a
    vectorised test finds the cells that need cleaning (full-width digits, spaces, missing
    markers such as ``NA`` or ``缺``, text) and only those go through ``parse_number`` one by
    one.  The result, and the message for cells that are not numbers, are those of
    ``to_numeric``.
    """
    arrow = _arrow_text(series)
    if arrow is not None:
        out, odd = _arrow_numbers(arrow)
    elif series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) == "string":
        out, odd = _object_numbers(series.to_numpy(dtype=object))
    else:
        return to_numeric(series, role)
    if len(odd):
        cells = _objects(arrow.take(odd)) if arrow is not None else series.to_numpy()[odd]
        parsed = [parse_number(str(v)) for v in cells]
        bad = [k for k, v in enumerate(parsed) if v is None]
        if bad:  # to_numeric names them, with its hint for decimal commas
            to_numeric(pd.Series(cells[bad], index=series.index[odd[bad]], name=series.name), role)
        out[odd] = parsed
    result = pd.Series(out, index=series.index, name=series.name, dtype="float64", copy=False)
    if np.isinf(out).any():  # to_numeric names the rows
        to_numeric(result, role)
    return result


def _arrow_numbers(arrow: Any) -> tuple[np.ndarray, np.ndarray]:
    """Plain numbers of a pyarrow text array, and the positions of the other filled cells."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        cast = pc.cast(arrow, pa.float64())
    except pa.ArrowInvalid:
        plain = pc.fill_null(pc.match_substring_regex(arrow, f"^{_PLAIN}$"), False)
        cast = pc.cast(pc.if_else(plain, arrow, pa.scalar(None, pa.string())), pa.float64())
        filled = arrow.is_valid().to_numpy(zero_copy_only=False)
        odd = np.flatnonzero(filled & ~plain.to_numpy(zero_copy_only=False))
    else:
        odd = np.empty(0, dtype=np.intp)
    out = cast.to_numpy(zero_copy_only=False)
    if len(odd) and not out.flags.writeable:
        out = out.copy()  # the cells cleaned one by one are written into it
    return out, odd


def _object_numbers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Plain numbers of an array of text (and missing cells), and the positions of the others."""
    filled = np.not_equal(values, None)  # a NaN cell reads as NaN below, as it should
    out = np.full(len(values), np.nan)
    try:
        out[filled] = values[filled].astype(np.float64)
    except (ValueError, TypeError):
        filled = pd.notna(values)
        plain = pd.Series(values, dtype=object).str.fullmatch(_PLAIN)
        plain = plain.fillna(False).to_numpy(dtype=bool)
        out[plain] = values[plain].astype(np.float64)
        return out, np.flatnonzero(filled & ~plain)
    return out, np.empty(0, dtype=np.intp)
