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

Examples
--------
>>> format_number(3.14159, 3), format_p(0.00001)
('3.14', '< 0.0001')
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


def format_number(x: Any, digits: int = 4) -> str:
    """Format a number with ``digits`` significant digits, without exponent where sensible.

    Integers print as integers; large or tiny magnitudes switch to scientific
    notation; missing values print as an empty string.

    Examples
    --------
    >>> format_number(3185.0912, 4), format_number(0.000123456, 3), format_number(12)
    ('3185', '0.000123', '12')
    >>> format_number(float("inf")), format_number(None)
    ('inf', '')
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
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(x)))
    if magnitude >= 9 or magnitude < -5:
        return f"{x:.{max(digits - 1, 0)}e}"
    decimals = max(digits - 1 - magnitude, 0)
    text = f"{x:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


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
    """Format one cell according to ``kind``.

    ``kind`` is ``None`` (automatic), ``"p"`` (p-value), ``"int"``, ``"pct"``
    (a percentage stored as a percentage), a format spec such as ``".2f"``, or
    a callable.

    Examples
    --------
    >>> (
    ...     format_value(7.5123, kind="pct"),
    ...     format_value(2.0, kind="int"),
    ...     format_value(0.1234, kind=".1f"),
    ... )
    ('7.51 %', '2', '0.1')
    """
    if callable(kind):
        return kind(x)
    if _is_missing(x):
        return ""
    if kind == "p":
        return format_p(x, digits)
    if kind == "int":
        return str(int(round(float(x))))
    if kind == "pct":
        return f"{format_number(x, max(digits - 1, 1))} %"
    if isinstance(kind, str) and kind:
        return format(x, kind)
    if isinstance(x, str):
        return x
    if isinstance(x, (tuple, list)):
        return "(" + ", ".join(format_value(v, digits) for v in x) + ")"
    return format_number(x, digits)


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
