"""Display of results: one :class:`Summary` rendered as text, HTML and Markdown.

Every fertopt result derives from :class:`ResultBase`.  A result stores
unrounded numbers; rounding happens here and only here, when a result is shown.

A result class supplies two hooks:

``_headline()``
    the key finding in one line (used by ``repr``);
``_summary(decimals)``
    a :class:`Summary` built from :class:`Facts`, :class:`Table`,
    :class:`Paragraph` and :class:`Notes` blocks.

``summary()``, ``str()``, ``_repr_html_()`` and ``to_dict()`` are derived
from them.

Examples
--------
>>> import pandas as pd
>>> s = Summary("Example", [Facts([("Mean", format_number(3.14159, 3))]),
...                         Table(pd.DataFrame({"term": ["N"], "p": [0.00001]}),
...                               formats={"p": "p"})])
>>> print(s)
Example
=======
Mean  3.14
<BLANKLINE>
term         p
   N  < 0.0001
"""

from __future__ import annotations

import abc
import dataclasses
import html
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "format_number",
    "format_p",
    "format_value",
    "Facts",
    "Table",
    "Paragraph",
    "Notes",
    "Summary",
    "ResultBase",
    "to_jsonable",
    "html_table_rows",
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
# blocks of a summary
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Facts:
    """Label/value pairs shown as an aligned list (values already formatted)."""

    items: Sequence[tuple[str, str]]
    title: str | None = None


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text."""

    text: str
    title: str | None = None


@dataclass(frozen=True)
class Notes:
    """Warnings or remarks, shown as a bulleted list (nothing is shown when empty)."""

    items: Sequence[str]
    title: str | None = "Warnings"


@dataclass(frozen=True)
class Table:
    """A data frame shown with per-column formats and display labels.

    Parameters
    ----------
    frame : DataFrame
        Raw values; never rounded in place.
    title : str, optional
        Heading above the table.
    formats : mapping, optional
        Column → ``kind`` accepted by :func:`format_value`.
    labels : mapping, optional
        Column → header text (the stored columns keep their snake_case names).
    note : str, optional
        A line printed under the table.
    """

    frame: pd.DataFrame
    title: str | None = None
    formats: Mapping[str, Any] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    note: str | None = None

    def cells(self, digits: int) -> tuple[list[str], list[list[str]], list[bool]]:
        """Header texts, formatted cell texts and a right-alignment flag per column."""
        frame = self.frame
        headers = [str(self.labels.get(c, c)) for c in frame.columns]
        rows: list[list[str]] = []
        for values in frame.itertuples(index=False, name=None):
            rows.append(
                [
                    format_value(v, digits, self.formats.get(col))
                    for col, v in zip(frame.columns, values, strict=True)
                ]
            )
        right = [
            pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
            for c in frame.columns
        ]
        return headers, rows, right


Block = Facts | Paragraph | Notes | Table


# ---------------------------------------------------------------------------
# the summary
# ---------------------------------------------------------------------------
_CSS = (
    # readable in light and dark notebook themes: colours are translucent or inherited
    "<style>.fertopt-summary{font-family:system-ui,-apple-system,'Segoe UI',Roboto,"
    "'Helvetica Neue',Arial,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;"
    "font-size:13px;line-height:1.45;max-width:100%;overflow-x:auto}"
    ".fertopt-summary h3{font-size:1.15em;margin:2px 0 4px 0}"
    ".fertopt-summary h4{font-size:1em;margin:10px 0 2px 0}"
    ".fertopt-summary table{border-collapse:collapse;margin:4px 0 10px 0}"
    ".fertopt-summary th,.fertopt-summary td{padding:2px 10px;text-align:left;"
    "border-bottom:1px solid rgba(127,127,127,.25)}"
    ".fertopt-summary thead th{border-bottom:1px solid rgba(127,127,127,.8);"
    "background:rgba(127,127,127,.10);white-space:nowrap}"
    ".fertopt-summary td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".fertopt-summary .headline{font-weight:600;margin:4px 0 10px 0;padding:4px 10px;"
    "border-left:4px solid #0072B2;background:rgba(0,114,178,.08)}"
    ".fertopt-summary .warn{color:#b35900}</style>"
)


@dataclass(frozen=True)
class Summary:
    """A printable report of one result: text (``str``), HTML and Markdown.

    Parameters
    ----------
    title : str
        Heading of the report.
    blocks : sequence of Facts, Table, Paragraph or Notes
        The content, in order.
    headline : str, optional
        The key finding, shown first.
    digits : int
        Significant digits used for numbers in tables.
    """

    title: str
    blocks: Sequence[Block]
    headline: str | None = None
    digits: int = 4

    # -- text ---------------------------------------------------------------
    def as_text(self) -> str:
        """The report as plain text."""
        out = [self.title, "=" * max(len(self.title), 3)]
        if self.headline:
            out.append(self.headline)
        for block in self.blocks:
            text = _block_text(block, self.digits)
            if text:
                if out[-1] != "":
                    out.append("")
                out.extend(text)
        while out and out[-1] == "":
            out.pop()
        return "\n".join(out)

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text()

    # -- markdown -----------------------------------------------------------
    def as_markdown(self, level: int = 3) -> str:
        """The report as GitHub-flavoured Markdown; ``level`` is the heading level."""
        hashes = "#" * level
        out = [f"{hashes} {self.title}", ""]
        if self.headline:
            out += [f"**{self.headline}**", ""]
        for block in self.blocks:
            out += _block_markdown(block, self.digits, level + 1)
        while out and out[-1] == "":
            out.pop()
        return "\n".join(out) + "\n"

    def to_markdown(self, path: str | Path | None = None) -> str:
        """Return the Markdown text, and write it to ``path`` when given."""
        text = self.as_markdown()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    # -- html ---------------------------------------------------------------
    def as_html(self, *, css: bool = True, level: int = 3) -> str:
        """The report as an HTML fragment (no external resources)."""
        parts = [_CSS if css else "", '<div class="fertopt-summary">']
        parts.append(f"<h{level}>{html.escape(self.title)}</h{level}>")
        if self.headline:
            parts.append(f'<p class="headline">{html.escape(self.headline)}</p>')
        for block in self.blocks:
            parts.append(_block_html(block, self.digits, level + 1))
        parts.append("</div>")
        return "".join(parts)

    def _repr_html_(self) -> str:
        return self.as_html()

    def to_html(self, path: str | Path | None = None) -> str:
        """Return a complete HTML document, and write it to ``path`` when given."""
        doc = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>{html.escape(self.title)}</title></head><body>"
            f"{self.as_html()}</body></html>"
        )
        if path is not None:
            Path(path).write_text(doc, encoding="utf-8")
        return doc


def _text_table(headers: list[str], rows: list[list[str]], right: list[bool]) -> list[str]:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    return [line(headers)] + [line(r) for r in rows]


def _block_text(block: Block, digits: int) -> list[str]:
    out: list[str] = []
    if isinstance(block, Notes) and not block.items:
        return out
    if block.title:
        out += [block.title, "-" * len(block.title)]
    if isinstance(block, Facts):
        width = max((len(k) for k, _ in block.items), default=0)
        out += [f"{k.ljust(width)}  {v}".rstrip() for k, v in block.items]
    elif isinstance(block, Paragraph):
        out.append(block.text)
    elif isinstance(block, Notes):
        out += [f"- {item}" for item in block.items]
    elif isinstance(block, Table):
        out += _text_table(*block.cells(digits))
        if block.note:
            out.append(block.note)
    return out


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def _block_markdown(block: Block, digits: int, level: int) -> list[str]:
    if isinstance(block, Notes) and not block.items:
        return []
    out: list[str] = []
    if block.title:
        out += [f"{'#' * level} {block.title}", ""]
    if isinstance(block, Facts):
        out += [f"- **{_md_escape(k)}**: {_md_escape(v)}" for k, v in block.items]
    elif isinstance(block, Paragraph):
        out.append(block.text)
    elif isinstance(block, Notes):
        out += [f"- {_md_escape(item)}" for item in block.items]
    elif isinstance(block, Table):
        headers, rows, right = block.cells(digits)
        out.append("| " + " | ".join(_md_escape(h) for h in headers) + " |")
        out.append("|" + "|".join("---:" if r else ":---" for r in right) + "|")
        out += ["| " + " | ".join(_md_escape(c) for c in row) + " |" for row in rows]
        if block.note:
            out += ["", f"*{_md_escape(block.note)}*"]
    out.append("")
    return out


def html_table_rows(
    headers: list[str], rows: list[list[str]], right: list[bool]
) -> tuple[str, str]:
    """Escaped HTML of a table's header row and body rows (numbers right-aligned)."""
    esc = html.escape
    head = "<tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr>"
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{esc(c)}</td>' if r else f"<td>{esc(c)}</td>"
            for c, r in zip(row, right, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return head, body


def _block_html(block: Block, digits: int, level: int) -> str:
    if isinstance(block, Notes) and not block.items:
        return ""
    esc = html.escape
    parts = []
    if block.title:
        parts.append(f"<h{level}>{esc(block.title)}</h{level}>")
    if isinstance(block, Facts):
        rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in block.items)
        parts.append(f"<table>{rows}</table>")
    elif isinstance(block, Paragraph):
        parts.append(f"<p>{esc(block.text)}</p>")
    elif isinstance(block, Notes):
        items = "".join(f'<li class="warn">{esc(i)}</li>' for i in block.items)
        parts.append(f"<ul>{items}</ul>")
    elif isinstance(block, Table):
        head, body = html_table_rows(*block.cells(digits))
        parts.append(f"<table><thead>{head}</thead><tbody>{body}</tbody></table>")
        if block.note:
            parts.append(f"<p><em>{esc(block.note)}</em></p>")
    return "".join(parts)


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
    def _summary(self, digits: int) -> Summary:
        """The full report."""

    def summary(self, digits: int = 4) -> Summary:
        """Full report of the result; ``digits`` significant digits in tables (display only)."""
        return self._summary(digits)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._headline()}>"

    def __str__(self) -> str:
        return self.summary().as_text()

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def to_dict(self) -> dict[str, Any]:
        """Public fields as JSON-safe Python objects (frames become lists of records)."""
        from fertopt._version import __version__

        out: dict[str, Any] = {"result": type(self).__name__, "fertopt_version": __version__}
        if dataclasses.is_dataclass(self):
            for f in dataclasses.fields(self):
                if not f.name.startswith("_"):
                    out[f.name] = to_jsonable(getattr(self, f.name))
        return out
