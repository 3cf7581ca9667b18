"""A trial file as a grid of cells with the spreadsheet's own row numbers and column letters.

:func:`fertopt.read_trials` reads a CSV/TSV text file or an Excel sheet into a :class:`Grid`
first, then finds the header row in it and builds the table.  The grid keeps the numbers a
user sees in Excel or LibreOffice: row 7 is row 7 of the sheet (a blank row above it does not
shift it) and column ``C`` is column C, so every message can point at a cell.

Text files are decoded without silent guesses (:func:`decode_text`): UTF-8 (with or without a
byte-order mark), UTF-16 with its mark, and GB18030 (the superset of GBK written by Chinese
Excel) only when the decoded text is plausible Chinese; anything else is refused with a message
that names the file, the first line that reads wrongly and the ``encoding=`` to pass.

Examples
--------
>>> text = decode_text("处理,产量\\nCK,10\\n".encode("gbk"), None, "t.csv")
>>> grid = text_grid(text, sep=None, decimal=".", suffix=".csv")
>>> grid.rows, grid.numbers, grid.letters
([['处理', '产量'], ['CK', '10']], [1, 2], ['A', 'B'])
>>> decode_text("Gülle,1,10\\n".encode("latin-1"), None, "t.csv")
Traceback (most recent call last):
...
fertopt.exceptions.DataError: t.csv is not UTF-8 text, and read as Chinese (GBK/GB18030) ...
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fertopt.exceptions import DataError, DependencyError, OptionError

__all__ = [
    "Grid",
    "Body",
    "TOP_LINES",
    "SPACES",
    "column_letter",
    "decode_text",
    "gb18030_plausible",
    "text_grid",
    "excel_grid",
    "EXCEL_ERRORS",
    "is_date",
    "shown_cells",
]

#: Error values a formula leaves in an Excel cell.
EXCEL_ERRORS = frozenset(
    {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"}
)

_SHOWN = 8


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column index: 0 → ``A``, 27 → ``AB``.

    Examples
    --------
    >>> column_letter(0), column_letter(25), column_letter(27)
    ('A', 'Z', 'AB')
    """
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class Body:
    """The rows of a long text file below its top lines, read column by column.

    Attributes
    ----------
    columns : list
        One column per column of the grid: a ``pyarrow.ChunkedArray`` of text (where pyarrow
        is installed) or a NumPy array of ``str`` objects; an empty cell is null (``None``),
        text is stripped of surrounding spaces as in :attr:`Grid.rows`.
    numbers : ndarray of int
        The sheet row number of each row (blank rows left out, their numbers kept).
    """

    columns: list[Any]
    numbers: np.ndarray


@dataclass
class Grid:
    """The cells of a sheet: blank rows and columns left out, numbers and letters kept.

    Attributes
    ----------
    rows : list of lists
        Cell values (``None`` for an empty cell; text stripped of surrounding spaces), every
        row as long as ``letters``.
    numbers : list of int
        The sheet row number of each row (1 = the first line of the file or sheet).
    letters : list of str
        The sheet column letter of each column.
    source : str
        How messages name the file: ``"trial.csv"`` or ``"trial.xlsx, sheet '2013'"``.
    notes : list of str
        What was done while reading (merged cells filled), for the frame's provenance.
    body : Body or None
        For a long text file, the rows below its first :data:`TOP_LINES` lines, read column
        by column (``rows`` then holds only the top lines, where the header is found).
    whole : callable or None
        With ``body``: the grid of the whole file cell by cell (for a header row given below
        the top lines).
    """

    rows: list[list[Any]]
    numbers: list[int]
    letters: list[str]
    source: str
    notes: list[str] = field(default_factory=list)
    body: Body | None = None
    whole: Callable[[], Grid] | None = field(default=None, repr=False)

    def cell(self, i: int, j: int) -> str:
        """The reference of cell ``(i, j)`` of the grid, e.g. ``"C7"``."""
        return f"{self.letters[j]}{self.numbers[i]}"


def _tidy(rows: list[list[Any]], source: str, notes: list[str] | None = None) -> Grid:
    """Strip text, pad rows to one width, then leave out blank rows and columns (the sheet's
    row numbers and column letters kept)."""
    width = max((len(r) for r in rows), default=0)
    padded = [
        [(v.strip() or None) if v.__class__ is str else v for v in r] + [None] * (width - len(r))
        for r in rows
    ]
    numbers = [i + 1 for i, r in enumerate(padded) if r.count(None) < width]
    kept_rows = [padded[n - 1] for n in numbers]
    used = [j for j, col in enumerate(zip(*kept_rows, strict=True)) if col.count(None) < len(col)]
    if len(used) < width:
        kept_rows = [[r[j] for j in used] for r in kept_rows]
    return Grid(
        rows=kept_rows,
        numbers=numbers,
        letters=[column_letter(j) for j in used],
        source=source,
        notes=list(notes or []),
    )


# ---------------------------------------------------------------------------
# text encodings
# ---------------------------------------------------------------------------
def _ideograph(char: str) -> bool:
    code = ord(char)
    return 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF


def _rare(char: str) -> bool:
    """An ideograph outside GB2312 (the 6763 characters of everyday Chinese), or a private-use
    character: what bytes of another encoding turn into when read as GBK."""
    code = ord(char)
    if 0xE000 <= code <= 0xF8FF:
        return True
    if not _ideograph(char):
        return False
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def gb18030_plausible(text: str) -> tuple[bool, int | None]:
    """Whether text decoded as GB18030 reads as Chinese, and the first line that does not.

    Text written in GBK by Chinese software uses the characters of everyday Chinese (GB2312)
    almost exclusively.  Latin-1, cp1252 or Shift-JIS bytes read as GBK turn into rare
    ideographs, often inside a Latin word (``Gülle`` → ``G黮le``).  The text is plausible
    when at most one ideograph in ten is rare (a personal or place name may use one).

    Returns
    -------
    plausible : bool
    line : int or None
        The 1-based line of the first rare character (``None`` when there is none).

    Examples
    --------
    >>> gb18030_plausible("处理,产量\\n减氮,10\\n")
    (True, None)
    >>> gb18030_plausible("trt,yield\\nG黮le,10\\n")
    (False, 2)
    """
    ideographs = rare = 0
    first: int | None = None
    line = 1
    for char in text:
        if char == "\n":
            line += 1
            continue
        if ord(char) < 128:
            continue
        if _ideograph(char) or 0xE000 <= ord(char) <= 0xF8FF:
            ideographs += 1
        if _rare(char):
            rare += 1
            if first is None:
                first = line
    return rare * 10 <= ideographs, first


_LATIN_AROUND_IDEOGRAPH = re.compile(r"[A-Za-z][\u3400-\u9fff\uf900-\ufaff]+[A-Za-z]")


def _likely_encoding(raw: bytes) -> str:
    """The encoding to suggest for bytes that are neither UTF-8 nor plausible GBK."""
    try:
        text = raw.decode("cp932")
    except UnicodeDecodeError:
        pass
    else:
        if any(0x3040 <= ord(c) <= 0x30FF for c in text):
            return "cp932"
    try:
        text = raw.decode("big5")
    except UnicodeDecodeError:
        pass
    else:
        # traditional Chinese; Latin-1 read as Big5 puts ideographs inside Latin words
        if any(_ideograph(c) for c in text) and not _LATIN_AROUND_IDEOGRAPH.search(text):
            return "big5"
    if any(0x80 <= b <= 0x9F for b in raw):
        try:
            raw.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            return "cp1252"
    return "latin-1"


_ENCODING_NAMES = {
    "cp932": "Japanese Shift-JIS",
    "big5": "traditional Chinese Big5",
    "cp1252": "Western European Windows-1252",
    "latin-1": "Western European Latin-1",
}


def _line_of(raw: bytes, position: int) -> int:
    return raw.count(b"\n", 0, position) + 1


def _line_text(text: str, line: int) -> str:
    lines = text.splitlines()
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _fix(encoding: str) -> str:
    return (
        f"pass encoding={encoding!r} to read_trials (--encoding {encoding} on the command "
        "line), or save the file from Excel as 'CSV UTF-8'."
    )


def decode_text(raw: bytes, encoding: str | None, name: str) -> str:
    """The text of a file: with ``encoding`` when given, else detected without guessing.

    Detection: a byte-order mark (UTF-8, UTF-16, UTF-32) decides; then UTF-8; then GB18030
    when the text is plausible Chinese (:func:`gb18030_plausible`).  Anything else raises
    :class:`DataError` naming ``name``, the first line that cannot be read (or reads as
    unlikely characters) and the ``encoding=`` to pass.
    """
    if encoding is not None:
        try:
            return raw.decode(encoding).removeprefix("\ufeff")
        except LookupError:
            raise OptionError(
                f"encoding={encoding!r} is not an encoding Python knows; use a name such as "
                "'utf-8', 'gbk', 'latin-1' or 'cp932'."
            ) from None
        except UnicodeDecodeError as exc:
            line = _line_of(raw, exc.start)
            raise DataError(
                f"{name} cannot be read as {encoding}: line {line} holds the byte "
                f"0x{raw[exc.start]:02x}, which is not {encoding} text. Pass the encoding the "
                "file was saved in, or save it from Excel as 'CSV UTF-8'."
            ) from None
    for bom, enc in (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if raw.startswith(bom):
            try:
                return raw.decode(enc)
            except UnicodeDecodeError as exc:
                line = _line_of(raw, exc.start)
                raise DataError(
                    f"{name} starts with the mark of {enc.upper()} text but line {line} is not "
                    f"{enc.upper()}; save the file again from Excel as 'CSV UTF-8'."
                ) from None
    if b"\x00" in raw[:4096]:
        _refuse_binary(raw, name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_line = _line_of(raw, exc.start)
    likely = _likely_encoding(raw)
    as_likely = raw.decode(likely, errors="replace")
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = min(_line_of(raw, exc.start), utf8_line)
        raise DataError(
            f"{name} is neither UTF-8 nor Chinese GBK/GB18030 text: line {line} cannot be read "
            f"in either. It looks like {_ENCODING_NAMES[likely]} text "
            f"({_line_text(as_likely, line)!r}): " + _fix(likely)
        ) from None
    plausible, line = gb18030_plausible(text)
    if plausible:
        return text
    line = line or utf8_line
    raise DataError(
        f"{name} is not UTF-8 text, and read as Chinese (GBK/GB18030) it gives unlikely "
        f"characters: line {line} reads {_line_text(text, line)!r}. It looks like "
        f"{_ENCODING_NAMES[likely]} text ({_line_text(as_likely, line)!r}): " + _fix(likely)
    )


def _utf16(raw: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the bytes read as a text table in it (no byte-order mark)."""
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = raw[: len(raw) // 2 * 2].decode(enc)
        except UnicodeDecodeError:
            continue
        sample = text[:2000]
        if (
            "\n" in sample
            and any(sep in sample for sep in ",;\t")
            and all(c.isprintable() or c in "\r\n\t" for c in sample)
        ):
            return enc
    return None


def _refuse_binary(raw: bytes, name: str) -> None:
    enc = _utf16(raw)
    if enc is not None:
        raise DataError(f"{name} looks like UTF-16 text without a byte-order mark: " + _fix(enc))
    if raw.startswith(b"PK\x03\x04"):
        raise DataError(
            f"{name} is not a text table but a zip archive (an Excel .xlsx workbook is one): "
            "if it is a workbook, give it the .xlsx ending; otherwise save the table as CSV."
        )
    raise DataError(
        f"{name} is not a text table (it holds binary data). Save the trial table as CSV "
        "(UTF-8) or .xlsx and read that file."
    )


# ---------------------------------------------------------------------------
# text files
# ---------------------------------------------------------------------------
def _sniff(text: str, suffix: str, decimal: str) -> str:
    """The field separator among comma, semicolon and tab: the one that splits the first lines
    into the same number (more than one) of fields most consistently."""
    lines = [line for line in text.splitlines()[:60] if line.strip()]
    best: tuple[float, int, int] | None = None
    chosen = "\t" if suffix in (".tsv", ".tab") else ","
    for rank, sep in enumerate((",", ";", "\t")):
        counts = [len(r) for r in csv.reader(lines, delimiter=sep) if r]
        if not counts:
            continue
        mode = max(set(counts), key=lambda c: (counts.count(c), c))
        if mode < 2:
            continue
        share = counts.count(mode) / len(counts)
        score = (share, mode, -rank)
        if best is None or score > best:
            best, chosen = score, sep
    if chosen == "," and decimal == ",":
        chosen = ";"
    return chosen


#: Lines at the top of a text file read cell by cell (the title and header rows are found
#: among them); the lines below are read column by column when the file is longer.
TOP_LINES = 64
# find_header looks at the first 20 rows and 5 below each; second_header 2 rows further
_MIN_TOP_ROWS = 27
#: Characters ``str.strip()`` removes (``str.isspace``), so that a column is stripped at once.
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
# line breaks of str.splitlines that CSV readers do not break lines at
_ODD_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK = re.compile(r"\r\n|\r|\n")
_WIDE_SPACE = "[" + "".join(c for c in SPACES if not c.isascii()) + "]"  # for pyarrow (RE2)


def _after_lines(text: str, n: int) -> int:
    """The offset just after the ``n``-th line break of ``text`` (its length if it has fewer)."""
    ends = [m.end() for m in islice(_BREAK.finditer(text), n)]
    return ends[-1] if len(ends) == n else len(text)


def text_grid(text: str, *, sep: str | None, decimal: str, suffix: str, name: str = "") -> Grid:
    """The grid of a delimited text file; ``sep`` is sniffed when ``None``.

    A file longer than :data:`TOP_LINES` lines has its top lines in ``rows`` and the rest in
    ``body``, read column by column (pyarrow's CSV reader where installed, else pandas'),
    with the same cells, row numbers and column letters as a cell-by-cell reading; a file
    where that cannot be sure (a quoted cell over two lines, an odd line break, more cells
    than the top rows have, a NUL character) is read cell by cell.
    """
    odd = any(c in text for c in _ODD_BREAKS)
    if sep is None:
        sep = _sniff(text if odd else text[: _after_lines(text, 60)], suffix, decimal)
    if not odd and len(sep) == 1 and "\x00" not in text:
        end = _after_lines(text, TOP_LINES)
        if end < len(text):
            grid = _split_grid(text, end, sep, name)
            if grid is not None:
                return grid
    return _whole_grid(text, sep, name)


def _whole_grid(text: str, sep: str, name: str) -> Grid:
    """The grid of a text file read cell by cell with :mod:`csv`."""
    try:
        rows = list(csv.reader(text.splitlines(), delimiter=sep, skipinitialspace=True))
    except csv.Error as exc:
        raise DataError(f"{name} is not a well-formed table: {exc}") from None
    return _tidy(rows, name)


def _split_grid(text: str, end: int, sep: str, name: str) -> Grid | None:
    """The grid of a long text file: top lines cell by cell, the rest column by column."""
    if text.count('"', 0, end) % 2:
        return None  # a quoted cell may run from the top lines into the rest
    lines = text[:end].splitlines()
    try:
        records = list(csv.reader(lines, delimiter=sep, skipinitialspace=True))
    except csv.Error:
        return None
    width = max((len(r) for r in records), default=0)
    if len(records) != len(lines) or width == 0:
        return None  # a quoted cell runs over two lines
    if text.startswith("\ufeff", end):
        return None  # a byte-order mark that CSV readers would drop at the start of the rest
    columns = read_body(text, sep, width, start=end)
    if columns is None:
        return None
    top = [[v.strip() or None for v in r] + [None] * (width - len(r)) for r in records]
    filled = [_filled(c) for c in columns]
    used = [j for j in range(width) if any(r[j] is not None for r in top) or bool(filled[j].any())]
    kept = [i for i, r in enumerate(top) if any(r[j] is not None for j in used)]
    if len(kept) < _MIN_TOP_ROWS:
        return None
    keep = np.zeros(len(filled[0]), dtype=bool)
    for j in used:
        keep |= filled[j]
    body = Body(
        columns=[_take(columns[j], keep) for j in used],
        numbers=np.flatnonzero(keep).astype(np.int64) + len(lines) + 1,
    )
    return Grid(
        rows=[[top[i][j] for j in used] for i in kept],
        numbers=[i + 1 for i in kept],
        letters=[column_letter(j) for j in used],
        source=name,
        body=body,
        whole=lambda: _whole_grid(text, sep, name),
    )


def _filled(column: Any) -> np.ndarray:
    if isinstance(column, np.ndarray):
        return np.not_equal(column, None)  # text or None, nothing else
    return np.asarray(column.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def _take(column: Any, keep: np.ndarray) -> Any:
    if keep.all():
        return column
    if isinstance(column, np.ndarray):
        return column[keep]
    import pyarrow as pa

    return column.filter(pa.array(keep))


def _arrow() -> Any:
    """pyarrow's CSV reader and compute functions, or ``None`` where pyarrow is not installed."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv
    except ImportError:
        return None
    return pa, pc, pacsv


def read_body(text: str, sep: str, width: int, *, start: int = 0) -> list[Any] | None:
    """The cells of the lines of ``text[start:]`` as ``width`` columns, stripped, empty cells
    null.

    ``None`` when a line has more than ``width`` cells, a quoted cell runs over lines, or a
    line is longer than the :mod:`csv` module takes a cell (the caller then reads the file
    cell by cell, which gives the messages).  Every line is a row, blank lines included.
    An ASCII text goes to pyarrow's reader as its bytes from ``start`` on, without a copy of
    the rest of the text (on a 1,000,000-row file that copy cost as much as the reading).
    """
    ascii_text = text.isascii()
    if ascii_text:
        data = text.encode("ascii")  # one byte is found in bytes far quicker than in wide text
        offset = start  # one byte a character
    else:
        text, start = text[start:], 0
        data, offset = text.encode("utf-8"), 0
    spaces = [
        c for c in SPACES if c.isascii() and c not in "\r\n" and data.find(c.encode(), offset) >= 0
    ]
    arrow = _arrow()
    if arrow is not None and data.find(b'"', offset) < 0:
        body = arrow[0].py_buffer(data)[offset:]  # a view, not a copy
        columns = _arrow_body(arrow, body, sep, width, spaces, wide=not ascii_text)
        if columns is not None:
            return columns
    text = text[start:]
    if not ascii_text:
        spaces += [c for c in SPACES if not c.isascii() and c in text]
    return _pandas_body(text, sep, width, bool(spaces))


def _arrow_body(
    arrow: Any, data: Any, sep: str, width: int, spaces: list[str], *, wide: bool
) -> list[Any] | None:
    pa, pc, pacsv = arrow
    names = [f"c{j}" for j in range(width)]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, quote_char=False, escape_char=False, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[""],  # an empty cell, and nothing else, is null
                strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # a short or long line, a blank line: the pandas reader takes them
    columns = []
    for name in names:
        column = table.column(name)
        if (pc.max(pc.binary_length(column)).as_py() or 0) > csv.field_size_limit():
            return None  # the csv module refuses so long a cell: let it say so
        if any(pc.any(pc.match_substring(column, c)).as_py() for c in spaces) or (
            wide  # a space other than ASCII ones only in a column of other characters
            and not pc.all(pc.string_is_ascii(column)).as_py()
            and pc.any(pc.match_substring_regex(column, _WIDE_SPACE)).as_py()
        ):
            column = pc.utf8_trim(column, characters=SPACES)
            column = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
        columns.append(column)
    return columns


def _pandas_body(text: str, sep: str, width: int, spaces: bool) -> list[Any] | None:
    codes = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    newline, ret = codes == 10, codes == 13
    breaks = np.flatnonzero(newline | ret)
    if np.diff(breaks, prepend=-1, append=len(codes)).max() - 1 > csv.field_size_limit():
        return None  # the csv module refuses so long a cell (bytes >= characters): let it say so
    lines = len(breaks) - int(np.count_nonzero(ret[:-1] & newline[1:]))
    lines += 0 if text.endswith(("\n", "\r")) else 1
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            names=list(range(width)),
            index_col=False,
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            skipinitialspace=True,
            quotechar='"',
            doublequote=True,
            engine="c",
            low_memory=False,
        )
    except (pd.errors.ParserError, ValueError, csv.Error):
        return None
    if len(frame) != lines:
        return None  # a quoted cell over two lines: rows and lines no longer match
    columns = []
    for j in range(width):
        values = frame[j].to_numpy(dtype=object, copy=True)
        if spaces:
            values = pd.Series(values, dtype=object).str.strip().to_numpy(dtype=object, copy=True)
        values[~values.astype(bool)] = None  # every cell is text here: "" is the empty one
        columns.append(values)
    return columns


# ---------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------
def _sheet(book: Any, sheet: Any, name: str) -> Any:
    names = list(book.sheetnames)
    shown = ", ".join(repr(s) for s in names)
    if sheet is None:
        return book[names[0]]
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(names):
            return book[names[sheet]]
        raise OptionError(
            f"sheet={sheet} is not a sheet of {name}: it has {len(names)} sheet"
            f"{'s' if len(names) != 1 else ''} ({shown}), numbered from 0. Pass sheet= a name "
            "or a number from that list."
        )
    if sheet in names:
        return book[sheet]
    near = [s for s in names if s.strip().lower() == str(sheet).strip().lower()]
    hint = f" Did you mean {near[0]!r}?" if near else ""
    raise OptionError(
        f"{name} has no sheet named {sheet!r}; its sheets are {shown}. Pass sheet= one of "
        f"them (--sheet on the command line).{hint}"
    )


def _header_value(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the workbook holds a formula (its XML has an ``<f>``)."""
    with zipfile.ZipFile(path) as archive:
        for item in archive.namelist():
            if item.startswith("xl/worksheets/") and item.endswith(".xml"):
                with archive.open(item) as handle:
                    if _FORMULA_TAG.search(handle.read()):
                        return True
    return False


def excel_grid(path: Path, sheet: Any) -> Grid:
    """The grid of one sheet of an ``.xlsx`` workbook (values as Excel last saved them).

    A merged range counts as its value in every cell it covers.  A formula whose value was
    never saved (a workbook written by a program, not by Excel) raises :class:`DataError`
    naming the cells, since its value cannot be known without calculating the workbook.
    """
    try:
        import openpyxl
    except ImportError:
        raise DependencyError(
            "reading Excel files needs openpyxl: pip install 'fertopt[excel]', "
            "or save the sheet as CSV."
        ) from None
    name = path.name
    try:
        values_book = openpyxl.load_workbook(path, data_only=True)
        # the formulas themselves only when the workbook has any (a second, slower load)
        formula_book = (
            openpyxl.load_workbook(path, data_only=False) if _has_formulas(path) else None
        )
    except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl errors alike
        raise DataError(
            f"{name} could not be opened as an Excel workbook ({type(exc).__name__}: {exc}). "
            "Open it in Excel or LibreOffice and save it again as .xlsx, or save the sheet "
            "as CSV."
        ) from None
    ws = _sheet(values_book, sheet, name)
    source = f"{name}, sheet {ws.title!r}" if len(values_book.sheetnames) > 1 else name
    rows = [list(r) for r in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
    uncached = []
    if formula_book is not None:
        for frow in formula_book[ws.title].iter_rows(min_row=1, min_col=1):
            for cell in frow:
                if cell.data_type == "f" and rows[cell.row - 1][cell.column - 1] is None:
                    uncached.append((cell.coordinate, str(cell.value)))
    if uncached:
        shown = ", ".join(f"{ref} ({formula})" for ref, formula in uncached[:_SHOWN])
        more = f" and {len(uncached) - _SHOWN} more" if len(uncached) > _SHOWN else ""
        raise DataError(
            f"{source}: cells {shown}{more} hold formulas whose values were never calculated "
            "and saved (the workbook was written by a program), so they would read as empty. "
            "Open the file in Excel or LibreOffice and save it, which stores the values, or "
            "replace the formulas by their values."
        )
    notes = []
    merged = list(ws.merged_cells.ranges)
    for rng in merged:
        top = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(rows) else None
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if r <= len(rows) and c <= len(rows[r - 1]):
                    rows[r - 1][c - 1] = top
    if merged:
        refs = ", ".join(str(rng) for rng in merged[:_SHOWN])
        notes.append(f"merged cells {refs} read as their value in every cell they cover")
    rows = [[_header_value(v) if isinstance(v, float) else v for v in r] for r in rows]
    return _tidy(rows, source, notes)


def is_date(value: Any) -> bool:
    """A cell Excel stored as a date or time."""
    return isinstance(value, (_dt.date, _dt.time, _dt.timedelta))


def shown_cells(grid_refs: Sequence[str], values: Sequence[Any]) -> str:
    """``C3 ('x'), C5 ('y') and 2 more``."""
    text = ", ".join(
        f"{ref} ({v!r})" for ref, v in zip(grid_refs[:_SHOWN], values, strict=False)
    )  # only the first few are shown
    if len(grid_refs) > _SHOWN:
        text += f" and {len(grid_refs) - _SHOWN} more"
    return text
