"""The pieces of a report (:class:`Section`, and the :class:`Figure` block it may hold) and the
files an agronomist pastes from: an Excel workbook (:func:`write_excel`) and a Word document
(:func:`write_docx`).

The section builders in :mod:`fertopt.reports.sections` return sections; the
:class:`~fertopt.reports.TrialReport` renders them through the document renderer of
:mod:`fertopt._core.document` (text, Markdown, HTML) or writes them here.  Both files hold
the report's own tables, in its language, rounded by the same policy
(:mod:`fertopt._core.formatting`); the workbook keeps the numbers as numbers (rounded only
by their cell format), so they can be computed with.
"""

from __future__ import annotations

import io
import math
import numbers
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from fertopt._core.document import Facts, Figure, Notes, Paragraph, Table
from fertopt._core.formatting import data_decimals, fixed, format_value
from fertopt._core.i18n import label, unit_text
from fertopt.exceptions import DependencyError

__all__ = ["Figure", "Section", "write_excel", "write_docx"]


@dataclass(frozen=True)
class Section:
    """One section of a report.

    Attributes
    ----------
    key : str
        ``data``, ``anova``, ``comparisons``, ``response``, ``surface``,
        ``omission``, ``diagnostics``, ``warnings`` or ``about``.
    title : str
        Heading in the report's language.
    status : {'ok', 'not_applicable', 'failed'}
        ``not_applicable`` sections are left out of the document (their
        ``reason`` is listed under "About this report"); ``failed`` sections are
        shown with their ``reason``.
    blocks : tuple
        Facts, Table, Paragraph, Notes and Figure blocks, in order.
    reason : str or None
        Why the section does not apply or why its analysis failed, in plain
        words (the error's message for a failure).
    """

    key: str
    title: str
    status: Literal["ok", "not_applicable", "failed"] = "ok"
    blocks: tuple[Any, ...] = ()
    reason: str | None = None


# ---------------------------------------------------------------------------
# what both files need from a report
# ---------------------------------------------------------------------------
def _numbered(report: Any) -> list[tuple[int, Section, list[tuple[Any, str | None]]]]:
    """The report's shown sections with their numbers and numbered blocks (as on the page)."""
    return report.numbered_blocks()


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, (numbers.Real, np.floating, np.integer))
        and not isinstance(value, (bool, np.bool_))
        and math.isfinite(float(value))
    )


# ---------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------
#: Sheet names Excel refuses: at most 31 characters, none of these.
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _excel_format(kind: Any) -> str | None:
    """The Excel number format of a ``kind`` of :func:`~fertopt._core.formatting.format_value`."""
    if kind in ("rate", "money", "pct"):
        return "0.0"
    if kind == "f":
        return "0.00"
    if kind in ("p", "prob"):
        return "0.0000"
    if kind == "int":
        return "0"
    if isinstance(kind, str):
        match = re.fullmatch(r"\.(\d+)f", kind)
        if match:
            d = int(match.group(1))
            return "0" if d == 0 else "0." + "0" * d
    return None


def _excel_cell(value: Any, kind: Any, digits: int) -> tuple[Any, str | None]:
    """A cell's value for the workbook and its number format.

    Numbers stay numbers with the policy's format; a p-value below the display limit is
    written as the text ``< 0.0001``, as papers print it; anything a format turns into words
    (yes/no, a status) is written as those words.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None, None
    if callable(kind):
        return kind(value), None
    if _is_number(value):
        x = float(value)
        if kind in ("p", "prob") and x < 1e-4:
            return "< 0.0001", None
        fmt = _excel_format(kind)
        if fmt is None:  # significant digits: shown with the decimals the report shows
            text = format_value(x, digits, kind)
            decimals = len(text.split(".")[1]) if "." in text else 0
            fmt = "0" if decimals == 0 else "0." + "0" * decimals
        return (int(x) if fmt == "0" and kind == "int" else x), fmt
    if isinstance(value, (np.floating, float)):  # ±inf
        return format_value(value, digits, kind), None
    if isinstance(value, (bool, np.bool_)):
        return format_value(value, digits, kind), None
    return str(value), None


class _Sheet:
    """Rows written one after another on a worksheet, with the report's look."""

    def __init__(self, ws: Any, styles: dict[str, Any]) -> None:
        self.ws = ws
        self.row = 1
        self.s = styles
        self.widths: dict[int, int] = {}

    def _width(self, col: int, text: Any) -> None:
        if text is None:
            return
        size = sum(2 if ord(c) > 0x2E80 else 1 for c in str(text))
        self.widths[col] = max(self.widths.get(col, 0), min(size + 2, 60))

    def text(self, value: str, style: str | None = None, *, measure: bool = False) -> None:
        cell = self.ws.cell(row=self.row, column=1, value=value)
        if style:
            cell.font = self.s[style]
        if measure:
            self._width(1, value)
        self.row += 1

    def skip(self) -> None:
        self.row += 1

    def table(self, block: Table, tag: str | None, digits: int) -> None:
        """Caption, header (with units in the labels) and rows of one table; its note below."""
        if block.title:
            caption = f"{tag} {block.title}" if tag else block.title
            self.text(caption, "caption")
        headers, _, right = block.cells(digits)
        for j, head in enumerate(headers, start=1):
            cell = self.ws.cell(row=self.row, column=j, value=head)
            cell.font = self.s["bold"]
            cell.border = self.s["head"]
            cell.alignment = self.s["right"] if right[j - 1] else self.s["left"]
            self._width(j, head)
        header_row = self.row
        self.row += 1
        frame = block.frame
        for i, values in enumerate(frame.itertuples(index=False, name=None)):
            for j, (col, v) in enumerate(zip(frame.columns, values, strict=True), start=1):
                value, fmt = _excel_cell(v, block.kind(col, i), digits)
                cell = self.ws.cell(row=self.row, column=j, value=value)
                if fmt:
                    cell.number_format = fmt
                if right[j - 1]:
                    cell.alignment = self.s["right"]
                self._width(j, format_value(v, digits, block.kind(col, i)))
            self.row += 1
        # three-line table: the header between two rules, a rule under the last row
        if self.row - 1 > header_row:
            for j in range(1, len(headers) + 1):
                self.ws.cell(row=self.row - 1, column=j).border = self.s["bottom"]
        if block.note:
            self.text(block.note, "note")

    def facts(self, block: Facts) -> None:
        if block.title:
            self.text(block.title, "caption")
        for key, value in block.items:
            self.ws.cell(row=self.row, column=1, value=key).font = self.s["bold"]
            self.ws.cell(row=self.row, column=2, value=value)
            self.row += 1

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        for col, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = max(width, 8)


def _sheet_name(title: str, used: set[str]) -> str:
    name = _SHEET_BAD.sub(" ", title).strip()[:31] or "Sheet"
    base, k = name, 2
    while name in used:
        suffix = f" ({k})"
        name, k = base[: 31 - len(suffix)] + suffix, k + 1
    used.add(name)
    return name


def _data_table(report: Any) -> Table | None:
    """The trial's data as analysed, with each column's unit under its name."""
    data = getattr(report, "data", None)
    if data is None or not isinstance(data, pd.DataFrame):
        return None
    meta = data.attrs.get("fertopt", {}) if isinstance(data.attrs, dict) else {}
    units = meta.get("units", {}) if isinstance(meta, dict) else {}
    heads = {}
    for col in data.columns:
        unit = units.get(str(col)) if isinstance(units, dict) else None
        name = label("yield", report.lang) if str(col).lower() == "yield" else str(col)
        heads[col] = f"{name} ({unit_text(unit, report.lang)})" if unit else name
    # each column with the decimals it was recorded with
    formats = {
        col: fixed(data_decimals(data[col]))
        for col in data.columns
        if pd.api.types.is_numeric_dtype(data[col]) and not pd.api.types.is_bool_dtype(data[col])
    }
    return Table(data.reset_index(drop=True), labels=heads, formats=formats)


def write_excel(report: Any, path: str | Path, *, digits: int = 4) -> Path:
    """Write ``report`` as one workbook: the data, then one sheet per section with tables.

    Each sheet starts with the report's title and the section's title, then the section's
    tables as the page numbers them ("Table 2 Analysis of variance"), each with a bold header
    row (units in the headers) between the rules of a three-line table, and its note.
    Numbers are numbers, with the rounding policy as their number format.  Facts (design,
    CV, error mean square) are written as label/value rows above their section's tables.

    Raises
    ------
    DependencyError
        openpyxl is not installed (``pip install 'fertopt[excel]'``).
    """
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Border, Font, Side
    except ImportError:
        raise DependencyError(
            "writing an Excel workbook needs openpyxl: pip install 'fertopt[excel]', or use "
            "to_html / to_markdown."
        ) from None
    thick, thin = Side(style="medium"), Side(style="thin")
    styles = {
        "title": Font(bold=True, size=14),
        "section": Font(bold=True, size=12),
        "caption": Font(bold=True),
        "bold": Font(bold=True),
        "note": Font(italic=True, size=9),
        "head": Border(top=thick, bottom=thin),
        "bottom": Border(bottom=thick),
        "right": Alignment(horizontal="right"),
        "left": Alignment(horizontal="left"),
    }
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    lang = report.lang

    data = _data_table(report)
    if data is not None:
        sheet = _Sheet(wb.create_sheet(_sheet_name(label("xl_data", lang), used)), styles)
        sheet.text(report.title, "title")
        sheet.text(label("xl_data_title", lang), "section")
        sheet.skip()
        sheet.table(data, None, digits)
        sheet.finish()
    for number, section, blocks in _numbered(report):
        tables = [(b, tag) for b, tag in blocks if isinstance(b, Table)]
        if not tables:
            continue
        sheet = _Sheet(wb.create_sheet(_sheet_name(section.title, used)), styles)
        sheet.text(report.title, "title")
        sheet.text(f"{number}. {section.title}", "section")
        for block, tag in blocks:
            if isinstance(block, Facts) and block.items:
                sheet.skip()
                sheet.facts(block)
            elif isinstance(block, Table):
                sheet.skip()
                sheet.table(block, tag, digits)
        sheet.finish()
    if not wb.sheetnames:  # a report without a table still makes a valid workbook
        sheet = _Sheet(wb.create_sheet(_sheet_name(report.title, used)), styles)
        sheet.text(report.title, "title")
    path = Path(path)
    wb.save(path)
    return path


# ---------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------
def _three_line(table: Any) -> None:
    """Rules of a three-line table: thick above and below, thin under the header."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def border(element: Any, edges: Sequence[tuple[str, str]]) -> None:
        borders = OxmlElement("w:tblBorders" if element.tag.endswith("tblPr") else "w:tcBorders")
        for edge, size in edges:
            tag = OxmlElement(f"w:{edge}")
            tag.set(qn("w:val"), "single" if size != "0" else "nil")
            tag.set(qn("w:sz"), size)
            tag.set(qn("w:space"), "0")
            tag.set(qn("w:color"), "000000")
            borders.append(tag)
        element.append(borders)

    border(
        table._tbl.tblPr,  # noqa: SLF001 (python-docx exposes the table XML only this way)
        [("top", "12"), ("bottom", "12"), ("left", "0"), ("right", "0")]
        + [("insideH", "0"), ("insideV", "0")],
    )
    for cell in table.rows[0].cells:
        border(cell._tc.get_or_add_tcPr(), [("bottom", "6")])  # noqa: SLF001


def _docx_table(doc: Any, block: Table, tag: str | None, digits: int) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if block.title:
        caption = doc.add_paragraph()
        if tag:
            caption.add_run(f"{tag} ").bold = True
        caption.add_run(block.title).bold = True
    headers, rows, right = block.cells(digits)
    table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    for j, head in enumerate(headers):
        cell = table.rows[0].cells[j]
        cell.text = head
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for i, row in enumerate(rows, start=1):
        for j, text in enumerate(row):
            cell = table.rows[i].cells[j]
            cell.text = text
            if right[j]:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _three_line(table)
    if block.note:
        note = doc.add_paragraph()
        note.add_run(block.note).italic = True


def write_docx(report: Any, path: str | Path, *, digits: int = 4) -> Path:
    """Write ``report`` as a Word document: headings, key findings, tables and figures.

    The sections are numbered headings; tables are three-line tables under their numbered
    captions, with the report's rounding; figures are the report's PNG images at the page
    width, with their captions; facts, paragraphs and notes follow the page.  In Chinese the
    text is set in a Chinese font (SimSun, falling back to the reader's own).

    Raises
    ------
    DependencyError
        python-docx is not installed (``pip install 'fertopt[docx]'``).
    """
    try:
        import docx
        from docx.oxml.ns import qn
        from docx.shared import Inches, Pt
    except ImportError:
        raise DependencyError(
            "writing a Word document needs python-docx: pip install 'fertopt[docx]', or use "
            "to_html (Word opens HTML files too)."
        ) from None
    doc = docx.Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    if report.lang == "zh":
        normal.font.name = "SimSun"  # creates the run fonts element
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    doc.add_heading(report.title, level=0)
    if report.created:
        doc.add_paragraph(report.created)
    doc.add_heading(label("key_findings", report.lang), level=1)
    for finding in report.key_findings:
        doc.add_paragraph(finding, style="List Bullet")
    width = Inches(6.3)
    for number, section, blocks in _numbered(report):
        doc.add_heading(f"{number}. {section.title}", level=1)
        reason = report.reason_text(section)
        if reason:
            doc.add_paragraph(reason)
        for block, tag in blocks:
            if isinstance(block, Table):
                _docx_table(doc, block, tag, digits)
            elif isinstance(block, Figure):
                if block.format == "png":
                    doc.add_picture(io.BytesIO(block.data), width=min(width, Inches(block.width)))
                else:  # Word takes no SVG: the caption says where the figure is
                    doc.add_paragraph(label("docx_svg_figure", report.lang))
                caption = doc.add_paragraph()
                caption.add_run(f"{tag} ").bold = True
                caption.add_run(block.caption)
            elif isinstance(block, Facts):
                if block.title:
                    doc.add_paragraph().add_run(block.title).bold = True
                for key, value in block.items:
                    line = doc.add_paragraph()
                    line.add_run(f"{key}: ").bold = True
                    line.add_run(str(value))
            elif isinstance(block, Notes):
                if block.title and block.items:
                    doc.add_paragraph().add_run(block.title).bold = True
                for item in block.items:
                    doc.add_paragraph(str(item), style="List Bullet")
            elif isinstance(block, Paragraph):
                if block.title:
                    doc.add_heading(block.title, level=2)
                if block.text:
                    doc.add_paragraph(block.text)
    path = Path(path)
    doc.save(str(path))
    return path
