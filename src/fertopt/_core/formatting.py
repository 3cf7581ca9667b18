"""Display of results: number formatting, the result base class and JSON conversion.

Every fertopt result derives from :class:`ResultBase`.  A result stores
unrounded numbers; rounding happens here and only here, when a result is shown.

A result class supplies two hooks:

``_headline()``
    the key finding in one line (used by ``repr``);
``_summary(digits, lang)``
    a :class:`~fertopt._core.document.Summary` built from ``Facts``,
    ``Table``, ``Paragraph`` and ``Notes`` blocks (:mod:`fertopt._core.document`),
    in English (``lang="en"``) or Chinese (``lang="zh"``).

``summary()``, ``str()``, ``_repr_html_()`` and ``to_dict()`` are derived
from them.

Rounding policy
---------------
One rule per quantity, so that a number reads the same in every table, summary
and report (:func:`format_value` ``kind``):

========================  =====================================================
quantity                  shown as
========================  =====================================================
yields, means, SD, SE     the data's own decimals (:func:`data_decimals`): the
                          decimals the values were recorded with, at most five
                          significant digits (``fixed(d)``)
sums of squares, squares  the same decimals as the yields
rates                     0.1 (``"rate"``: 7.6 kg, not 7.574)
percentages, CV           0.1 % (``"pct"``)
p-values, weights         4 decimals, ``< 0.0001`` below (``"p"``, ``"prob"``)
F                         2 decimals (``"f"``)
money                     0.1 (``"money"``)
anything else             ``digits`` significant digits, never in scientific
                          notation inside a table
========================  =====================================================

Examples
--------
>>> format_number(3.14159, 3), format_p(0.00001)
('3.14', '< 0.0001')
>>> format_value(4.342e-06, kind="prob"), format_value(7.574, kind="rate")
('< 0.0001', '7.6')
>>> format_value(3159.267, kind=fixed(data_decimals([1657.7, 3107.3])))
'3159.3'
"""

from __future__ import annotations

import abc
import dataclasses
import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.i18n import check_lang
from fertopt._version import __version__

__all__ = [
    "data_decimals",
    "fixed",
    "format_number",
    "format_p",
    "format_value",
    "p_phrase",
    "f_test_text",
    "ResultBase",
    "to_jsonable",
]


# ---------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------
def _is_missing(x: Any) -> bool:
    if x is None or x is pd.NA:
        return True
    try:
        return bool(isinstance(x, numbers.Real) and math.isnan(x))
    except TypeError:
        return False


def format_number(x: Any, digits: int = 4, *, scientific: bool = True) -> str:
    """Format a number with ``digits`` significant digits, without exponent where sensible.

    Integers print as integers; large or tiny magnitudes switch to scientific
    notation (unless ``scientific=False``, as in tables); infinities print as
    ``∞``; missing values print as an empty string.

    Examples
    --------
    >>> format_number(3185.0912, 4), format_number(0.000123456, 3), format_number(12)
    ('3185', '0.000123', '12')
    >>> format_number(float("inf")), format_number(None), format_number(-float("inf"))
    ('∞', '', '−∞')
    >>> format_number(4.342e-06), format_number(4.342e-06, scientific=False)
    ('4.342e-06', '0.000004342')
    """
    if _is_missing(x):
        return ""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (numbers.Integral, np.integer)):
        return str(int(x))
    if not isinstance(x, numbers.Real):
        return str(x)
    x = float(x)
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(x)))
    if scientific and (magnitude >= 9 or magnitude < -5):
        return f"{x:.{max(digits - 1, 0)}e}"
    decimals = max(digits - 1 - magnitude, 0)
    text = f"{x:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def data_decimals(values: Any, significant: int = 5) -> int:
    """The decimals a column of data was recorded with, at most ``significant`` digits.

    The smallest number of decimals (0–6) that reproduces every value, capped so
    that a typical value (the median magnitude) shows at most ``significant``
    significant digits: yields of 1657.7 keep 1 decimal, yields of
    12410.916200 (converted units) keep none, yields of 4.488764 t/ha keep 4.

    Examples
    --------
    >>> data_decimals([1657.7, 3107.3]), data_decimals([45, 52]), data_decimals([1.98, 2.3])
    (1, 0, 2)
    >>> data_decimals([12410.9162, 10627.946]), data_decimals([4.488764, 3.355364])
    (0, 4)
    """
    arr = np.ravel(values)
    if not (isinstance(arr, np.ndarray) and arr.dtype.kind in "fiu"):
        arr = pd.to_numeric(pd.Series(arr), errors="coerce")
    arr = np.asarray(arr, dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return 0
    scale = np.maximum(np.abs(arr), 1.0)
    decimals = 6
    for d in range(7):
        if np.all(np.abs(arr - np.round(arr, d)) <= 1e-9 * scale):
            decimals = d
            break
    typical = float(np.median(np.abs(arr)))
    if typical > 0:
        cap = max(significant - 1 - math.floor(math.log10(typical)), 0)
        decimals = min(decimals, cap)
    return int(decimals)


def fixed(decimals: int) -> str:
    """The table format of a number with ``decimals`` decimals (a ``kind`` of :func:`format_value`).

    Examples
    --------
    >>> fixed(2), format_value(3.14159, kind=fixed(2))
    ('.2f', '3.14')
    """
    return f".{int(decimals)}f"


def format_p(p: Any, digits: int = 4) -> str:
    """Format a p-value: ``digits`` decimals, or ``< 0.0001`` below the display limit.

    Examples
    --------
    >>> format_p(0.0412345), format_p(3e-9), format_p(1.0)
    ('0.0412', '< 0.0001', '1.0000')
    """
    if _is_missing(p):
        return ""
    p = float(p)
    limit = 10.0 ** (-digits)
    if p < limit:
        return f"< {limit:.{digits}f}"
    return f"{p:.{digits}f}"


def p_phrase(p: Any, digits: int = 4) -> str:
    """The p-value after "p": ``= 0.0412``, or ``< 0.0001`` below the display limit.

    Examples
    --------
    >>> p_phrase(0.0412345), p_phrase(3e-9)
    ('= 0.0412', '< 0.0001')
    """
    text = format_p(p, digits)
    return text if text.startswith("<") else f"= {text}"


def f_test_text(df1: str, df2: str, f: str, p: Any) -> str:
    """An F test in words: ``F(2, 21) = 13.20, p < 0.0001`` (degrees of freedom and F formatted).

    Examples
    --------
    >>> f_test_text("7", "21", "13.20", 3e-9)
    'F(7, 21) = 13.20, p < 0.0001'
    """
    return f"F({df1}, {df2}) = {f}, p {p_phrase(p)}"


def format_value(x: Any, digits: int = 4, kind: str | Callable[[Any], str] | None = None) -> str:
    """Format one cell according to ``kind`` (the rounding policy of the module docstring).

    ``kind`` is ``None`` (automatic: ``digits`` significant digits, no
    exponent), ``"p"`` (p-value), ``"prob"`` (a probability or Akaike weight,
    like a p-value), ``"int"``, ``"pct"`` (a percentage stored as a percentage,
    0.1), ``"rate"`` (a fertilizer rate, 0.1), ``"f"`` (an F statistic, 2
    decimals), ``"money"`` (0.1), a format spec such as ``".2f"`` (see
    :func:`fixed`), or a callable.

    Examples
    --------
    >>> (
    ...     format_value(7.5123, kind="pct"),
    ...     format_value(2.0, kind="int"),
    ...     format_value(0.1234, kind=".1f"),
    ...     format_value(13.2034, kind="f"),
    ... )
    ('7.5 %', '2', '0.1', '13.20')
    >>> format_value(0.00003606), format_value(float("inf"), kind="f")
    ('0.00003606', '∞')
    """
    if callable(kind):
        return kind(x)
    if _is_missing(x):
        return ""
    if kind in ("p", "prob"):
        return format_p(x, 4 if kind == "prob" else digits)
    if kind == "int":
        return str(int(round(float(x))))
    if isinstance(x, (numbers.Real, np.floating)) and not isinstance(x, (bool, np.bool_)):
        if math.isinf(float(x)):
            return format_number(x)
        if kind == "pct":
            return f"{float(x):.1f} %"
        if kind in _DECIMALS:
            return _no_minus_zero(f"{float(x):.{_DECIMALS[kind]}f}")
        if isinstance(kind, str) and kind:
            return _no_minus_zero(format(x, kind))
    if isinstance(x, str):
        return x
    if isinstance(x, (tuple, list)):
        return "(" + ", ".join(format_value(v, digits, kind) for v in x) + ")"
    return format_number(x, digits, scientific=False)


#: Decimals of the named kinds of :func:`format_value`.
_DECIMALS = {"rate": 1, "f": 2, "money": 1}


def _no_minus_zero(text: str) -> str:
    """``-0.0`` → ``0.0`` (a rounded tiny negative number is shown as zero)."""
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


# ---------------------------------------------------------------------------
# JSON conversion and the result base class
# ---------------------------------------------------------------------------
def to_jsonable(value: Any) -> Any:
    """Convert results, frames, arrays and numpy scalars to JSON-safe Python objects.

    NaN becomes ``None``; infinities become the strings ``"inf"``/``"-inf"``.

    Examples
    --------
    >>> to_jsonable({"x": np.float64("nan"), "y": (1, np.inf), "z": np.int64(3)})
    {'x': None, 'y': [1, 'inf'], 'z': 3}
    """
    if isinstance(value, ResultBase):
        return value.to_dict()
    if isinstance(value, pd.DataFrame):
        return [
            {str(k): to_jsonable(v) for k, v in rec.items()}
            for rec in value.to_dict(orient="records")
        ]
    if isinstance(value, pd.Series):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_jsonable(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not f.name.startswith("_")
        }
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (numbers.Integral, np.integer)):
        return int(value)
    if isinstance(value, (numbers.Real, np.floating)):
        x = float(value)
        if math.isnan(x):
            return None
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    if value is None or value is pd.NA or isinstance(value, str):
        return None if value is pd.NA else value
    return str(value)


class ResultBase(abc.ABC):
    """Shared behaviour of fertopt results (frozen dataclasses).

    Subclasses implement ``_headline`` and ``_summary``; this class provides
    ``repr`` (one line), ``str``/``summary()`` (full report), ``_repr_html_``
    (Jupyter) and ``to_dict()`` (JSON-safe, public fields only).
    """

    @abc.abstractmethod
    def _headline(self) -> str:
        """The key finding in one line."""

    @abc.abstractmethod
    def _summary(self, digits: int, lang: str = "en") -> Any:
        """The full report, a :class:`~fertopt._core.document.Summary`."""

    def summary(self, digits: int = 4, lang: str = "en") -> Any:
        """Full report of the result: a :class:`~fertopt._core.document.Summary`.

        ``digits`` significant digits in tables (display only); ``lang`` is
        ``"en"`` or ``"zh"``.
        """
        return self._summary(digits, check_lang(lang))

    def headline(self) -> str:
        """The key finding in one line, as the ``repr`` shows it."""
        return self._headline()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._headline()}>"

    def __str__(self) -> str:
        return self.summary().as_text()

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def to_dict(self) -> dict[str, Any]:
        """Public fields as JSON-safe Python objects (frames become lists of records)."""
        out: dict[str, Any] = {"result": type(self).__name__, "fertopt_version": __version__}
        if dataclasses.is_dataclass(self):
            for f in dataclasses.fields(self):
                if not f.name.startswith("_"):
                    out[f.name] = to_jsonable(getattr(self, f.name))
        return out
