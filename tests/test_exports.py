"""TrialReport.to_excel and to_docx: the report's own tables, read back from the files."""

from __future__ import annotations

import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import fertopt as fo
from fertopt._core.document import Figure, Table

REF = Path(__file__).parent / "reference"
PRICES = fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4, currency="yuan")


def _report(name: str, lang: str, figures: bool = False):
    if name == "3414":
        df = pd.read_csv(REF / "surface_3414_data.csv")
        treatment = "treatment"
    else:
        df = fo.load_dataset("water_chestnut").drop(columns="treatment_zh")
        treatment = "treatment"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the analyses' warnings are tested where they arise
        return fo.trial_report(
            df,
            response="yield",
            treatment=treatment,
            block="block",
            rates=("N", "P2O5", "K2O"),
            prices=PRICES,
            lang=lang,
            figures=figures,
        )


@pytest.fixture(scope="module", params=[("3414", "zh"), ("water_chestnut", "en")])
def report(request):
    return _report(*request.param)


def _tables(rep):
    """(section title, caption, Table) of every numbered table, in order."""
    out = []
    for _, section, blocks in rep.numbered_blocks():
        for block, tag in blocks:
            if isinstance(block, Table):
                caption = f"{tag} {block.title}" if tag and block.title else block.title
                out.append((section.title, caption, block))
    return out


# ---------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------
def _number(value) -> bool:
    return (
        isinstance(value, (int, float, np.integer, np.floating))
        and not isinstance(value, (bool, np.bool_))
        and math.isfinite(float(value))
    )


def _find(ws, text):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell.row
    raise AssertionError(f"{text!r} not on sheet {ws.title!r}")


def test_excel_has_the_data_and_one_sheet_per_section_with_tables(report, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(report.to_excel(tmp_path / "report.xlsx"))
    sections = list(dict.fromkeys(title for title, _, _ in _tables(report)))
    assert wb.sheetnames == [fo._core.i18n.label("xl_data", report.lang), *sections]
    for name in wb.sheetnames:
        assert wb[name]["A1"].value == report.title  # a title row on every sheet
    # the data sheet: one row per plot, the values as given
    ws = wb[wb.sheetnames[0]]
    header = _find(ws, "block")
    heads = [c.value for c in ws[header] if c.value is not None]
    assert len(heads) == report.data.shape[1]
    rows = list(ws.iter_rows(min_row=header + 1, values_only=True))[: len(report.data)]
    col = list(report.data.columns).index("yield")
    assert [r[col] for r in rows] == report.data["yield"].tolist()


def test_excel_tables_are_the_reports_tables(report, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(report.to_excel(tmp_path / "report.xlsx"))
    checked = 0
    for section, caption, table in _tables(report):
        ws = wb[section[:31]]
        top = _find(ws, caption)
        headers, texts, _ = table.cells(4)
        assert [c.value or "" for c in ws[top + 1]][: len(headers)] == headers
        for i, (values, shown) in enumerate(
            zip(table.frame.itertuples(index=False), texts, strict=True)
        ):
            cells = ws[top + 2 + i]
            for j, (value, text) in enumerate(zip(values, shown, strict=True)):
                got = cells[j].value
                if text == "":
                    assert got is None
                elif text == "< 0.0001":
                    assert got == "< 0.0001"
                elif _number(value) and not callable(table.kind(table.frame.columns[j], i)):
                    # the number itself, rounded only by its cell format; the file keeps
                    # 15 significant digits (as Excel does), hence rel=1e-14
                    assert got == pytest.approx(float(value), rel=1e-14), (caption, j)
                else:
                    assert str(got) == text, (caption, j, got, text)
            checked += 1
    assert checked >= 15  # the rows of several tables, not one


def test_excel_number_formats_follow_the_rounding_policy(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    rep = _report("3414", "en")
    wb = openpyxl.load_workbook(rep.to_excel(tmp_path / "r.xlsx"))
    ws = wb["Analysis of variance"]
    top = _find(ws, "Table 2. Analysis of variance")
    heads = [c.value for c in ws[top + 1]]
    f_col, ss_col = heads.index("F"), heads.index("Sum Sq")
    row = ws[top + 3]  # the treatment row
    assert row[f_col].number_format == "0.00"
    assert row[ss_col].number_format == "0.0"  # the yields were recorded to 0.1


def test_excel_without_openpyxl_names_the_extra(monkeypatch, tmp_path):
    rep = _report("water_chestnut", "en")
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(fo.DependencyError, match=r"fertopt\[excel\]"):
        rep.to_excel(tmp_path / "r.xlsx")


# ---------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------
def test_docx_has_the_headings_tables_and_figures(tmp_path):
    docx = pytest.importorskip("docx", reason="python-docx is the optional extra 'docx'")
    rep = _report("3414", "zh", figures=True)
    doc = docx.Document(str(rep.to_docx(tmp_path / "report.docx")))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for number, section, _ in rep.numbered_blocks():
        assert f"{number}. {section.title}" in headings
    tables = _tables(rep)
    assert len(doc.tables) == len(tables)
    for (_, caption, table), written in zip(tables, doc.tables, strict=True):
        headers, texts, _ = table.cells(4)
        assert [c.text for c in written.rows[0].cells] == headers, caption
        assert [[c.text for c in r.cells] for r in written.rows[1:]] == texts, caption
    captions = [p.text for p in doc.paragraphs]
    for _, caption, _ in tables:
        assert caption in captions
    figures = [b for s in rep.shown for b in s.blocks if isinstance(b, Figure)]
    assert len(doc.inline_shapes) == len(figures) > 0
    assert set(rep.key_findings) <= set(captions)


def test_docx_without_python_docx_names_the_extra(monkeypatch, tmp_path):
    rep = _report("water_chestnut", "en")
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(fo.DependencyError, match=r"fertopt\[docx\]"):
        rep.to_docx(tmp_path / "r.docx")
