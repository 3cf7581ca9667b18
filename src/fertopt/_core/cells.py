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

import pandas as pd

__all__ = ["FORMULA_STARTS", "inert_text", "inert_frame"]

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
