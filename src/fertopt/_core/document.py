"""The document model of fertopt's display: blocks, :class:`Summary` and one renderer.

A result's summary and a trial report are both sequences of blocks
(:class:`Facts`, :class:`Paragraph`, :class:`Notes`, :class:`Table` and, in a
report, :class:`Figure`).  This module renders one block as plain text,
Markdown or HTML; :class:`Summary` and :class:`fertopt.reports.TrialReport`
put the rendered blocks in order.  The two differ only in markup, which a
:class:`Style` names: a summary underlines block titles and uses headings, a
report numbers its tables and figures (the ``tag``), puts table titles in
bold or in an HTML ``<caption>`` and draws three-line tables.

Text output measures display width, so Chinese labels (two columns per
character) line up in aligned lists and tables.  Markdown is escaped as the
HTML is: ``<``, ``>`` and ``&`` become entities and backslashes, backticks,
brackets and ``|`` are escaped everywhere (``*`` and ``_`` too in running
text), so no raw HTML, code span or link written in a label survives.

Examples
--------
>>> import pandas as pd
>>> from fertopt._core.formatting import format_number
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
>>> text_width("产量 yield")
10
"""

from __future__ import annotations

import base64
import html
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from fertopt._core.formatting import format_value
from fertopt._core.i18n import column_label, label, translate_message

__all__ = [
    "PAGE_CSS",
    "html_page",
    "warnings_notes",
    "Facts",
    "Paragraph",
    "Notes",
    "Table",
    "Figure",
    "Block",
    "Summary",
    "Style",
    "SUMMARY_STYLE",
    "REPORT_STYLE",
    "text_width",
    "text_table",
    "md_escape",
    "md_cell",
    "html_table_rows",
    "block_text",
    "block_markdown",
    "block_html",
    "localized_table",
]


# ---------------------------------------------------------------------------
# blocks
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


def warnings_notes(items: Sequence[str], lang: str = "en") -> Notes:
    """The warnings block of a summary: stored warnings (English) shown in ``lang``."""
    return Notes([translate_message(w, lang) for w in items], title=label("sec_warnings", lang))


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
        Column → ``kind`` accepted by :func:`~fertopt._core.formatting.format_value`.
    labels : mapping, optional
        Column → header text (the stored columns keep their snake_case names).
    note : str, optional
        A line printed under the table.
    row_formats : mapping, optional
        Column → one ``kind`` per row, for a column whose rows are different
        quantities (an index in %, in kg/kg, in money); overrides ``formats``.
    """

    frame: pd.DataFrame
    title: str | None = None
    formats: Mapping[str, Any] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    note: str | None = None
    row_formats: Mapping[str, Sequence[Any]] = field(default_factory=dict)

    def kind(self, column: Any, row: int) -> Any:
        """The format ``kind`` of one cell (see :func:`~fertopt._core.formatting.format_value`)."""
        if column in self.row_formats:
            return self.row_formats[column][row]
        return self.formats.get(column)

    def cells(self, digits: int) -> tuple[list[str], list[list[str]], list[bool]]:
        """Header texts, formatted cell texts and a right-alignment flag per column."""
        frame = self.frame
        headers = [str(self.labels.get(c, c)) for c in frame.columns]
        rows: list[list[str]] = []
        for i, values in enumerate(frame.itertuples(index=False, name=None)):
            rows.append(
                [
                    format_value(v, digits, self.kind(col, i))
                    for col, v in zip(frame.columns, values, strict=True)
                ]
            )
        right = [
            (pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]))
            or _all_numbers(frame[c])
            for c in frame.columns
        ]
        return headers, rows, right


_NUMBER_TEXT = re.compile(r"^[-−+]?(\d+(\.\d*)?|\.\d+|∞)( %)?$|^< 0\.0+1$")


def _all_numbers(column: pd.Series) -> bool:
    """A column of numbers already formatted as text (rounded row by row) is aligned as numbers."""
    values = [v for v in column if isinstance(v, str) and v]
    return (
        bool(values)
        and len(values) == column.notna().sum()
        and all(_NUMBER_TEXT.match(v) for v in values)
    )


def localized_table(
    frame: pd.DataFrame,
    lang: str,
    *,
    title: str | None = None,
    formats: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
    note: str | None = None,
    cells: Mapping[str, Callable[[Any], Any]] | None = None,
    keys: Mapping[str, str] | None = None,
) -> Table:
    """A result table shown in ``lang``.

    In English the table is shown as given (``labels``, default the column
    names).  In Chinese every header is :func:`~fertopt._core.i18n.column_label`
    of its column (or ``label(keys[column])``), ``True``/``False`` and
    ``"yes"``/``"no"`` cells read 是/否, and ``cells`` maps the values of a
    column (the stored frame is never changed).
    """
    if lang == "en":
        return Table(frame, title=title, formats=formats or {}, labels=labels or {}, note=note)
    shown = frame.copy()
    kinds = dict(formats or {})
    for col, kind in list(kinds.items()):
        if callable(kind) and col in shown.columns:
            shown[col] = shown[col].map(kind).astype(object)
            del kinds[col]
    yes, no = label("yes", lang), label("no", lang)
    words = {"yes": yes, "no": no}
    for col in shown.columns:
        series = shown[col]
        if pd.api.types.is_bool_dtype(series):
            shown[col] = series.map({True: yes, False: no}).astype(object)
        elif not pd.api.types.is_numeric_dtype(series):
            shown[col] = series.map(
                lambda v: (
                    (yes if v else no)
                    if isinstance(v, bool)
                    else words.get(v, v)
                    if isinstance(v, str)
                    else v
                )
            ).astype(object)
    for col, func in (cells or {}).items():
        if col in shown.columns:
            shown[col] = shown[col].map(func).astype(object)
    heads = {
        col: label(keys[col], lang) if keys and col in keys else column_label(col, lang)
        for col in shown.columns
    }
    return Table(shown, title=title, formats=kinds, labels=heads, note=note)


@dataclass(frozen=True)
class Figure:
    """A rendered figure of a report.

    Attributes
    ----------
    name : str
        Short file-name stem (``"means"``, ``"response_N"``).
    caption : str
        Caption in the report's language (numbered when rendered).
    data : bytes
        The image: PNG bytes, or SVG text encoded as UTF-8.
    format : {'png', 'svg'}
    width, height : float
        Size in inches.
    """

    name: str
    caption: str
    data: bytes = field(repr=False)
    format: str = "png"
    width: float = 5.0
    height: float = 3.6

    @property
    def mime(self) -> str:
        return "image/png" if self.format == "png" else "image/svg+xml"

    def data_uri(self) -> str:
        """The image as a ``data:`` URI (embedded, no file needed)."""
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


Block = Facts | Paragraph | Notes | Table | Figure


@dataclass(frozen=True)
class Style:
    """Markup of a document's blocks.

    Attributes
    ----------
    underline : bool
        Text: underline block titles with dashes (a summary) or not (a report).
    bold_titles : bool
        Markdown: titles of tables, facts and notes in bold, paragraph titles as
        headings (a report); otherwise every block title is a heading.
    report_html : bool
        HTML: three-line tables with the title as ``<caption>``, classed facts
        and notes lists and no empty paragraphs (a report); otherwise every
        block title is a heading and warnings are marked ``class="warn"``.
    """

    underline: bool = True
    bold_titles: bool = False
    report_html: bool = False


#: How a result's :class:`Summary` is marked up.
SUMMARY_STYLE = Style()
#: How a :class:`fertopt.reports.TrialReport` is marked up.
REPORT_STYLE = Style(underline=False, bold_titles=True, report_html=True)


# ---------------------------------------------------------------------------
# text
# ---------------------------------------------------------------------------
def text_width(text: str) -> int:
    """Display width of ``text`` in a monospaced terminal (CJK characters take two columns)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(width - text_width(text), 0)
    return space + text if right else text + space


def text_table(headers: list[str], rows: list[list[str]], right: list[bool]) -> list[str]:
    """Lines of an aligned text table (numbers right-aligned, display widths measured)."""
    widths = [text_width(h) for h in headers]
    for row in rows:
        widths = [max(w, text_width(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            _pad(c, w, r) for c, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    return [line(headers)] + [line(r) for r in rows]


def _title(block: Any, tag: str | None) -> str:
    title = block.title or ""
    return f"{tag} {title}" if tag and title else title


def block_text(
    block: Block, digits: int, *, tag: str | None = None, style: Style = SUMMARY_STYLE
) -> list[str]:
    """Lines of one block as plain text; ``tag`` numbers a table or figure ("Table 2.")."""
    if isinstance(block, Figure):
        return [f"[{tag} {block.caption}]"]
    if isinstance(block, Notes) and not block.items:
        return []
    out: list[str] = []
    title = _title(block, tag if isinstance(block, Table) else None)
    if title:
        out.append(title)
        if style.underline:
            out.append("-" * text_width(title))
    if isinstance(block, Facts):
        width = max((text_width(k) for k, _ in block.items), default=0)
        out += [f"{_pad(k, width)}  {v}".rstrip() for k, v in block.items]
    elif isinstance(block, Paragraph):
        if block.text or style.underline:
            out.append(block.text)
    elif isinstance(block, Notes):
        out += [f"- {item}" for item in block.items]
    elif isinstance(block, Table):
        out += text_table(*block.cells(digits))
        if block.note:
            out.append(block.note)
    return out


# ---------------------------------------------------------------------------
# markdown
# ---------------------------------------------------------------------------
#: What makes user text live in Markdown: raw HTML (``<script>``, ``<img onerror>``), entities,
#: code spans and links or images (``[x](javascript:…)``); escaped so that it shows as typed.
_MD_INERT = str.maketrans(
    {
        "\\": "\\\\",
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "`": "\\`",
        "[": "\\[",
        "]": "\\]",
        "|": "\\|",
    }
)


def md_cell(text: str) -> str:
    """A Markdown table cell, shown exactly as typed: no raw HTML, entity, code span or link.

    ``<``, ``>`` and ``&`` become entities; backslashes, backticks, brackets and ``|`` are
    escaped with a backslash.  The rendered text reads as the original.

    Examples
    --------
    >>> md_cell("<script>alert(1)</script> | [x](javascript:alert(1))")
    '&lt;script&gt;alert(1)&lt;/script&gt; \\\\| \\\\[x\\\\](javascript:alert(1))'
    """
    return str(text).translate(_MD_INERT)


def md_escape(text: str) -> str:
    """Running text for Markdown: as :func:`md_cell`, and ``*`` and ``_`` escaped too."""
    return md_cell(text).replace("*", "\\*").replace("_", "\\_")


def block_markdown(
    block: Block,
    digits: int,
    *,
    level: int = 4,
    tag: str | None = None,
    style: Style = SUMMARY_STYLE,
    figure_src: Callable[[Figure], str] | None = None,
) -> list[str]:
    """Lines of one block as Markdown, ending with a blank line.

    ``level`` is the heading level of block titles; ``figure_src`` gives the
    link of a figure (default: the image embedded as a ``data:`` URI).
    """
    if isinstance(block, Figure):
        src = figure_src(block) if figure_src is not None else block.data_uri()
        caption = f"{md_escape(tag or '')} {md_escape(block.caption)}"
        return [f"![{caption}]({src})", "", f"*{caption}*", ""]
    if isinstance(block, Notes) and not block.items:
        return []
    out: list[str] = []
    if block.title:
        if style.bold_titles and not isinstance(block, Paragraph):
            tagged = tag if isinstance(block, Table) else None
            text = f"{md_escape(tagged or '')} {md_escape(block.title)}" if tagged else None
            out += [f"**{text or md_escape(block.title)}**", ""]
        else:
            out += [f"{'#' * level} {md_escape(block.title)}", ""]
    if isinstance(block, Facts):
        out += [f"- **{md_escape(k)}**: {md_escape(v)}" for k, v in block.items]
    elif isinstance(block, Paragraph):
        if block.text or not style.bold_titles:
            out.append(md_escape(block.text))
    elif isinstance(block, Notes):
        out += [f"- {md_escape(item)}" for item in block.items]
    elif isinstance(block, Table):
        headers, rows, right = block.cells(digits)
        out.append("| " + " | ".join(md_cell(h) for h in headers) + " |")
        out.append("|" + "|".join("---:" if r else ":---" for r in right) + "|")
        out += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]
        if block.note:
            out += ["", f"*{md_escape(block.note)}*"]
    out.append("")
    return out


# ---------------------------------------------------------------------------
# html
# ---------------------------------------------------------------------------
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


def _html_table(block: Table, digits: int, tag: str | None, style: Style) -> str:
    esc = html.escape
    head, body = html_table_rows(*block.cells(digits))
    if not style.report_html:
        note = f"<p><em>{esc(block.note)}</em></p>" if block.note else ""
        return f"<table><thead>{head}</thead><tbody>{body}</tbody></table>{note}"
    cap = ""
    if block.title:
        cap = f"<caption><b>{esc(tag or '')}</b> {esc(block.title)}</caption>"
    note = f'<p class="tnote">{esc(block.note)}</p>' if block.note else ""
    return (
        f'<div class="tbl"><table class="three-line">{cap}<thead>{head}</thead>'
        f"<tbody>{body}</tbody></table>{note}</div>"
    )


def block_html(
    block: Block,
    digits: int,
    *,
    level: int = 4,
    tag: str | None = None,
    style: Style = SUMMARY_STYLE,
) -> str:
    """One block as an HTML fragment; ``level`` is the heading level of its title."""
    esc = html.escape
    if isinstance(block, Figure):
        w = int(round(block.width * 96))
        cap = f"<b>{esc(tag or '')}</b> {esc(block.caption)}"
        return (
            f'<figure><img src="{block.data_uri()}" width="{w}" alt="{esc(block.caption)}">'
            f"<figcaption>{cap}</figcaption></figure>"
        )
    if isinstance(block, Notes) and not block.items:
        return ""
    report = style.report_html
    title = ""
    if block.title and not (report and isinstance(block, Table)):
        title = f"<h{level}>{esc(block.title)}</h{level}>"
    if isinstance(block, Facts):
        rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in block.items)
        return title + (
            f'<table class="facts">{rows}</table>' if report else f"<table>{rows}</table>"
        )
    if isinstance(block, Paragraph):
        return title + (f"<p>{esc(block.text)}</p>" if block.text or not report else "")
    if isinstance(block, Notes):
        if report:
            items = "".join(f"<li>{esc(i)}</li>" for i in block.items)
            return f'{title}<ul class="notes">{items}</ul>'
        items = "".join(f'<li class="warn">{esc(i)}</li>' for i in block.items)
        return f"{title}<ul>{items}</ul>"
    return title + _html_table(block, digits, tag, style)


# ---------------------------------------------------------------------------
# the page of a report
# ---------------------------------------------------------------------------
#: The one style of fertopt's HTML pages (a trial report, the example study), scoped to
#: ``.fertopt-report``: system fonts with the common CJK fonts, three-line tables, numbered
#: captions, figures as wide as the text.
PAGE_CSS = (
    ".fertopt-report{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,"
    "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Zen Hei',"
    "sans-serif;font-size:14px;line-height:1.5;color:#1b1b1b;background:#fff;max-width:980px;"
    "margin:0 auto;padding:12px 24px 32px}"
    ".fertopt-report .fertopt-report{max-width:none;margin:0;padding:0}"
    ".fertopt-report h1{font-size:1.55em;margin:0 0 2px}"
    ".fertopt-report h2{font-size:1.2em;margin:26px 0 8px;padding-bottom:2px;"
    "border-bottom:1px solid #bbb}"
    ".fertopt-report h3{font-size:1.02em;margin:14px 0 4px}"
    ".fertopt-report .meta{color:#555;font-size:.9em;margin:0 0 10px}"
    ".fertopt-report .findings{background:#eef5fb;border-left:4px solid #0072B2;"
    "padding:4px 16px 6px;"
    "margin:10px 0 6px}"
    ".fertopt-report .findings h2{border:0;margin:6px 0 2px;font-size:1.1em}"
    ".fertopt-report .findings ul{margin:4px 0;padding-left:20px}"
    ".fertopt-report table{border-collapse:collapse;margin:6px 0 4px;font-size:.93em}"
    ".fertopt-report table.three-line{border-top:2px solid #222;border-bottom:2px solid #222}"
    ".fertopt-report table.three-line thead th{border-bottom:1px solid #222;text-align:left;"
    "font-weight:600;padding:4px 10px}"
    ".fertopt-report table.three-line td{padding:2px 10px}"
    ".fertopt-report caption{caption-side:top;text-align:left;padding:2px 0 6px;font-size:1.02em}"
    ".fertopt-report td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".fertopt-report .tbl{margin:10px 0 14px;overflow-x:auto}"
    ".fertopt-report .tnote{font-size:.88em;color:#444;margin:2px 0 0}"
    ".fertopt-report table.facts th{text-align:left;font-weight:600;padding:1px 14px 1px 0;"
    "vertical-align:top;white-space:nowrap}"
    ".fertopt-report table.facts td{padding:1px 0}"
    ".fertopt-report figure{margin:12px 0 18px}"
    ".fertopt-report figure img{max-width:100%;height:auto;display:block}"
    ".fertopt-report figcaption{font-size:.9em;color:#333;margin-top:4px;max-width:720px}"
    ".fertopt-report ul.notes li{margin:2px 0}"
    ".fertopt-report #sec-warnings ul.notes li{color:#7a4100}"
    ".fertopt-report .reason{color:#9b1c1c;background:#fdf0f0;border-left:4px solid #c0392b;"
    "padding:6px 12px}"
    "@media print{.fertopt-report{max-width:none;padding:0}"
    ".fertopt-report section{break-inside:auto}"
    ".fertopt-report figure,.fertopt-report .tbl{break-inside:avoid}}"
)


def html_page(title: str, body: str, lang: str, *, extra_css: str = "") -> str:
    """A complete, self-contained HTML document around ``body`` (a ``.fertopt-report`` div).

    The style is :data:`PAGE_CSS` (and ``extra_css`` for what only this page has),
    inline, once per page; nothing is fetched.
    """
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{PAGE_CSS}{extra_css}</style>\n"
        "</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )


# ---------------------------------------------------------------------------
# the summary of a result
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
        out = [self.title, "=" * max(text_width(self.title), 3)]
        if self.headline:
            out.append(self.headline)
        for block in self.blocks:
            text = block_text(block, self.digits)
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
        out = [f"{'#' * level} {md_escape(self.title)}", ""]
        if self.headline:
            out += [f"**{md_escape(self.headline)}**", ""]
        for block in self.blocks:
            out += block_markdown(block, self.digits, level=level + 1)
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
            parts.append(block_html(block, self.digits, level=level + 1))
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
