"""Cells written to CSV and Excel files as inert text: no cell of user text becomes a formula.

A spreadsheet treats a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
leading tab or carriage return can hide one), so a treatment or trial key such as
``=HYPERLINK(...)`` written verbatim to a ``.csv`` or ``.xlsx`` would run when the file is
opened ("CSV injection", OWASP).  :func:`inert_frame` prefixes such text with a single quote,
as OWASP recommends; numbers, negative ones included, are written as numbers, untouched.
Every writer of CSV or Excel files in fertopt passes its frame through it.

Examples
--------
>>> import pandas as pd
>>> inert_frame(pd.DataFrame({"trt": ["=1+1", "-N", "CK"], "x": [-1.5, 2.0, 3.0]}))
     trt    x
0  '=1+1 -1.5
1    '-N  2.0
2     CK  3.0
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["FORMULA_STARTS", "CSV_ROWS", "inert_text", "inert_frame", "write_csv"]

#: First characters that make a spreadsheet read a cell as a formula (or hide one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_text(value: Any) -> Any:
    """``value`` with a ``'`` in front when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names cannot become formulas."""
    out = frame.copy()
    for j in range(out.shape[1]):
        series = out.iloc[:, j]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        elif pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        out.isetitem(j, series.map(inert_text))
    out.columns = [inert_text(c) for c in out.columns]
    return out


# ---------------------------------------------------------------------------
# CSV files written a column at a time
# ---------------------------------------------------------------------------
#: Rows formatted and written at a time by :func:`write_csv` (bounds its memory).
CSV_ROWS = 1 << 18
# values at or beyond these magnitudes are written in exponent notation by float()'s repr
_REPR_SMALL, _REPR_LARGE = 1e-4, 1e16


def write_csv(frame: pd.DataFrame, path: Any) -> None:
    """Write ``frame`` to ``path`` as ``inert_frame(frame).to_csv(path, index=False)`` does.

    The same bytes, column at a time: numbers are formatted by pyarrow (with ``float()``'s
    repr where its notation differs), text is made inert and quoted where pandas quotes it,
    and the lines are written :data:`CSV_ROWS` at a time.  Without pyarrow, or for a column
    of another kind (dates, mixed objects), pandas writes the file.
    """
    arrow = _arrow()
    kinds = [_kind(frame.iloc[:, j]) for j in range(frame.shape[1])]
    if arrow is None or frame.shape[1] < 2 or None in kinds:
        inert_frame(frame).to_csv(path, index=False)
        return
    pa, pc = arrow
    header = ",".join(_quoted_text(str(inert_text(c))) for c in frame.columns)
    if "\r" in header:
        inert_frame(frame).to_csv(path, index=False)
        return
    chunks = []
    for start in range(0, len(frame), CSV_ROWS):
        part = frame.iloc[start : start + CSV_ROWS]
        texts = [_text(pa, pc, part.iloc[:, j], k) for j, k in enumerate(kinds)]
        if any(t is None for t in texts):
            inert_frame(frame).to_csv(path, index=False)
            return
        lines = pc.binary_join_element_wise(*texts, ",")
        chunks.append(pc.binary_join_element_wise(lines, "", "\n"))
    with open(path, "wb") as handle:
        handle.write((header + "\n").encode("utf-8"))
        for lines in chunks:
            offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
            first, last = offsets[lines.offset], offsets[lines.offset + len(lines)]
            handle.write(memoryview(lines.buffers()[2])[first:last])


def _arrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        return None
    return pa, pc


def _quoted_text(text: str) -> str:
    """One field as pandas' CSV writer writes it (quoted when it holds , " or a newline)."""
    if any(c in text for c in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _kind(series: pd.Series) -> str | None:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        return None
    if dtype == np.float64:
        return "float"
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_string_dtype(dtype):
        if pd.api.types.is_object_dtype(dtype) and pd.api.types.infer_dtype(
            series, skipna=True
        ) not in (
            "string",
            "empty",
        ):
            return None
        return "text"
    return None


def _text(pa: Any, pc: Any, series: pd.Series, kind: str) -> Any:
    """The cells of one column as pandas writes them ("" for a missing value), or ``None``."""
    if kind == "float":
        values = series.to_numpy(dtype=np.float64)
        text = pc.cast(pa.array(values), pa.string())
        finite = np.isfinite(values)
        size = np.abs(values)
        odd = finite & (values != 0) & ((size < _REPR_SMALL) | (size >= _REPR_LARGE))
        odd |= pc.fill_null(pc.match_substring(text, "e"), False).to_numpy(zero_copy_only=False)
        whole = finite & ~odd
        whole[whole] = values[whole] == np.trunc(values[whole])  # pyarrow writes 5, repr 5.0
        text = pc.if_else(pa.array(whole), pc.binary_join_element_wise(text, ".0", ""), text)
        if odd.any():  # where repr and pyarrow differ on the exponent (1e-05, 1.5e+16): repr
            text = pc.replace_with_mask(text, pa.array(odd), pa.array(values[odd].astype(str)))
        return pc.if_else(pa.array(np.isnan(values)), "", text)
    array = pa.array(series, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):  # a column pyarrow holds already
        array = array.combine_chunks()
    if kind == "bool":
        return pc.fill_null(pc.if_else(array, "True", "False"), "")
    if kind == "int":
        return pc.fill_null(pc.cast(array, pa.string()), "")
    if not pa.types.is_string(array.type):
        array = pc.cast(array, pa.string())
    if pc.any(pc.match_substring(array, "\r")).as_py():
        return None  # whether a carriage return is quoted depends on Python's csv module
    first = pc.utf8_slice_codeunits(array, 0, 1)
    formula = pc.is_in(first, value_set=pa.array(FORMULA_STARTS))
    array = pc.if_else(formula, pc.binary_join_element_wise("'", array, ""), array)
    special = pc.or_(
        pc.or_(pc.match_substring(array, ","), pc.match_substring(array, '"')),
        pc.match_substring(array, "\n"),
    )
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(array, '"', '""'), '"', "")
    return pc.fill_null(pc.if_else(special, quoted, array), "")
