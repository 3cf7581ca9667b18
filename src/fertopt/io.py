"""Reading trial files into a tidy table (one row per plot).

:func:`read_trials` reads CSV (UTF-8, UTF-8 with BOM, GBK/GB18030 as written
by Chinese Excel), Excel ``.xlsx`` (extra ``fertopt[excel]``) and Parquet,
recognises column names in English and Chinese, reads units written in the
headers (``产量(kg/亩)``, ``yield (t/ha)``) and converts yields or rates on
request.
"""

from __future__ import annotations

import csv
import io as _io
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from fertopt import units as _units
from fertopt._core.roles import COLUMN_ALIASES
from fertopt._core.validation import describe_rows, require_frame, suggest_columns, to_numeric
from fertopt.exceptions import ColumnError, DataError, DependencyError, FertoptError, OptionError

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
# file readers
# ---------------------------------------------------------------------------
def _decode(raw: bytes, encoding: str | None) -> str:
    if encoding is not None:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise DataError(f"the file could not be read as {encoding}: {exc}") from None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise DataError(
        "the file is neither UTF-8 nor GBK/GB18030 text; save it as CSV UTF-8 "
        "or pass encoding= to read_trials."
    )


def _read_csv(path: Path, encoding: str | None, sep: str | None, decimal: str) -> pd.DataFrame:
    text = _decode(path.read_bytes(), encoding)
    if sep is None:
        sample = text[:20000]
        try:
            sep = csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter
        except csv.Error:
            sep = "\t" if path.suffix.lower() in (".tsv", ".txt") else ","
        if sep == "," and decimal == ",":
            sep = ";"
    try:
        return pd.read_csv(
            _io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skipinitialspace=True,
        )
    except pd.errors.ParserError as exc:
        raise DataError(f"{path.name} is not a well-formed table: {exc}") from None


def _read_file(
    path: Path, *, sheet: Any, encoding: str | None, sep: str | None, decimal: str
) -> pd.DataFrame:
    if not path.exists():
        raise DataError(f"file not found: {str(path)!r}. Check the path and the file name.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            raise DependencyError(
                "reading Excel files needs openpyxl: pip install 'fertopt[excel]', "
                "or save the sheet as CSV."
            ) from None
        if suffix == ".xls":
            raise DataError("old .xls workbooks are not supported; save the sheet as .xlsx or CSV.")
        frame = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, dtype=object)
        return frame.dropna(how="all")
    if suffix in (".parquet", ".pq"):
        try:
            return pd.read_parquet(path)
        except ImportError:
            raise DependencyError(
                "reading Parquet files needs pyarrow: pip install 'fertopt[parquet]'."
            ) from None
    return _read_csv(path, encoding, sep, decimal)


# ---------------------------------------------------------------------------
# the public reader
# ---------------------------------------------------------------------------
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
        Excel sheet (default the first).
    encoding : str, optional
        Text encoding; by default UTF-8 (with or without BOM), then GB18030
        (a superset of GBK).
    sep : str, optional
        Field separator; sniffed among comma, tab and semicolon when omitted.
    decimal : {'.', ','}
        Decimal mark of numbers in text files.
    strict : bool, default True
        Raise on non-numeric yield or rate cells.  With ``False`` such
        columns are left as text, so that a batch run can report the bad
        trial instead of stopping.

    Returns
    -------
    DataFrame
        Recognised columns renamed to ``treatment``, ``block``, ``yield``,
        ``N``, ``P2O5``, ``K2O``, ``site``, ``year``, ``plot``, ``row``,
        ``column``; other columns kept.  Yield and rate columns are floats.
        Treatment and block columns keep their labels as text: ``"CK"``,
        ``"None"``, ``"NA"`` and ``"0"`` are labels, never missing values.
        For files the index is the spreadsheet row number (the header is row 1),
        so messages about ``row 7`` point at row 7 of the sheet.
        ``frame.attrs["fertopt"]`` records the source, the renaming and the units.

    Raises
    ------
    DataError
        Unreadable file, or text in a yield/rate column (the rows and values are named).
    ColumnError
        Two columns that stand for the same thing, or a ``columns`` key not in the file.

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
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        frame = _read_file(path, sheet=sheet, encoding=encoding, sep=sep, decimal=decimal)
        frame.index = pd.RangeIndex(2, 2 + len(frame), name="row")
        origin = path.name
    else:
        frame = require_frame(source).copy()
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
    frame = frame.rename(columns=renames)

    # numbers: yields and rates strictly; other all-numeric text columns leniently
    for col in frame.columns:
        series = frame[col]
        if pd.api.types.is_numeric_dtype(series):
            continue
        if decimal == "," and col not in ("treatment", "block", "site", "plot", "row", "column"):
            series = series.map(lambda v: v.replace(",", ".") if isinstance(v, str) else v)
        if col in _ROLE_NUMERIC or col in (units or {}):
            try:
                frame[col] = to_numeric(series, "yield" if col == "yield" else "rate")
            except DataError:
                if strict:
                    raise
        elif col not in ("treatment", "block", "site", "plot", "row", "column"):
            try:
                frame[col] = to_numeric(series, str(col))
            except DataError:
                pass
            else:
                if frame[col].isna().all() and not series.isna().all():
                    frame[col] = series

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
    }
    return frame
