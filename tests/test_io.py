"""read_trials: encodings, formats, Chinese/English aliases, numeric coercion, units."""

from __future__ import annotations

import html
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import fertopt as fo

CHINESE = (
    "处理,重复,产量(kg/亩),N,P2O5,K2O\n"
    "CK,1,1688.5,0,0,0\n"
    "NPK,1,3020.0,18,8,19\n"
    "减氮,1,3250.4,12,8,19\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(tmp_path, encoding):
    path = tmp_path / "trial.csv"
    path.write_bytes(CHINESE.encode(encoding))
    df = fo.read_trials(path)
    assert list(df.columns) == ["treatment", "block", "yield", "N", "P2O5", "K2O"]
    assert list(df["treatment"]) == ["CK", "NPK", "减氮"]
    assert_allclose(df["yield"], [1688.5, 3020.0, 3250.4], rtol=0)
    assert df.attrs["fertopt"]["units"] == {"yield": "kg/mu"}
    assert df.attrs["fertopt"]["renamed"]["处理"] == "treatment"
    # the index is the spreadsheet row number (header = row 1)
    assert list(df.index) == [2, 3, 4]


def test_labels_are_never_missing_values(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "trt,rep,yield\nNone,1,10\nNA,1,11\nCK,1,12\n0,1,13\nnan,1,\n", encoding="utf-8"
    )
    df = fo.read_trials(path)
    assert list(df["treatment"]) == ["None", "NA", "CK", "0", "nan"]
    assert df["yield"].isna().tolist() == [False, False, False, False, True]


def test_bad_numeric_cells_name_row_column_value(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("trt,rep,yield\nA,1,10.5\nB,1,lost\nC,1,12\nD,1,1,234\n", encoding="utf-8")
    with pytest.raises(fo.DataError):
        fo.read_trials(path)
    path.write_text("trt;rep;yield\nA;1;10.5\nB;1;lost\nC;1;12\n", encoding="utf-8")
    with pytest.raises(
        fo.DataError,
        match=r"yield column 'yield' holds values that are not numbers: row 3 \('lost'\)",
    ):
        fo.read_trials(path)
    df = fo.read_trials(path, strict=False)  # batch mode: keep the text, report later
    assert df["yield"].tolist() == ["10.5", "lost", "12"]


def test_decimal_comma(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("trt;rep;yield\nA;1;10,5\nB;1;11,25\n", encoding="utf-8")
    with pytest.raises(fo.DataError, match="decimal"):
        fo.read_trials(path)
    df = fo.read_trials(path, decimal=",")
    assert df["yield"].tolist() == [10.5, 11.25]
    raw = pd.DataFrame({"trt": ["A", "B"], "yield": ["10,5", "11,25"]})
    with pytest.raises(fo.DataError, match=r"row 0 \('10,5'\), row 1 \('11,25'\)"):
        fo.read_trials(raw)


def test_full_width_digits_and_missing_markers():
    raw = pd.DataFrame({"处理": ["A", "B", "C"], "产量": ["１２.５", "—", "13"]})
    df = fo.read_trials(raw)
    assert_allclose(df["yield"].to_numpy(), [12.5, np.nan, 13.0])


def test_explicit_columns_win_over_guessing(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("trt,variety,yield,grain\nA,v1,10,5\nB,v1,11,6\n", encoding="utf-8")
    df = fo.read_trials(path, columns={"grain": "yield", "yield": "straw"})
    assert list(df.columns) == ["treatment", "variety", "straw", "yield"]
    assert df["yield"].tolist() == [5.0, 6.0]


def test_two_columns_for_one_role(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("处理,treatment,产量\nA,1,10\nB,2,11\n", encoding="utf-8")
    with pytest.raises(
        fo.ColumnError, match=r"'处理', 'treatment' all look like 'treatment'.*columns="
    ):
        fo.read_trials(path)


def test_unknown_columns_mapping_suggests():
    raw = pd.DataFrame({"yield": [1.0], "trt": ["A"]})
    with pytest.raises(fo.ColumnError, match=r"columns= names 'yeild'.*Did you mean 'yield'"):
        fo.read_trials(raw, columns={"yeild": "yield"})


def test_unit_conversion_per_plot_to_per_mu_and_ha():
    raw = pd.DataFrame({"trt": ["A", "B"], "yield": [100.0, 120.0]})
    df = fo.read_trials(raw, units={"yield": "kg/plot"}, convert={"yield": "kg/mu"}, plot_area=20)
    # 100 kg on 20 m2; one mu is 10000/15 m2: 100 / 20 * 666.667
    assert_allclose(df["yield"], [100 / 20 * 10000 / 15, 120 / 20 * 10000 / 15], rtol=1e-14)
    df = fo.read_trials(raw, units={"yield": "kg/plot"}, convert={"yield": "t/ha"}, plot_area=20)
    assert_allclose(df["yield"], [100 / 20 * 10000 / 1000, 120 / 20 * 10000 / 1000], rtol=1e-14)
    with pytest.raises(fo.FertoptError, match="plot area"):
        fo.read_trials(raw, units={"yield": "kg/plot"}, convert={"yield": "kg/ha"})
    with pytest.raises(fo.FertoptError, match="its unit is unknown"):
        fo.read_trials(raw, convert={"yield": "kg/ha"})


def test_excel(tmp_path):
    pytest.importorskip("openpyxl")
    raw = pd.DataFrame({"处理": ["CK", "NPK"], "区组": [1, 1], "亩产量": [1688.0, 3020.0]})
    path = tmp_path / "trial.xlsx"
    raw.to_excel(path, index=False)
    df = fo.read_trials(path)
    assert list(df.columns) == ["treatment", "block", "yield"]
    assert df["yield"].tolist() == [1688.0, 3020.0]


def test_parquet(tmp_path):
    pytest.importorskip("pyarrow")
    raw = pd.DataFrame({"Treatment": ["CK", "N"], "Rep": [1, 1], "Yield": [1.0, 2.0]})
    path = tmp_path / "trial.parquet"
    raw.to_parquet(path)
    df = fo.read_trials(path)
    assert list(df.columns) == ["treatment", "block", "yield"]


def test_missing_file_and_wrong_type(tmp_path):
    with pytest.raises(fo.DataError, match="file not found"):
        fo.read_trials(tmp_path / "nope.csv")
    with pytest.raises(fo.DataError, match="must be a pandas DataFrame"):
        fo.read_trials(42)


def test_read_then_anova_end_to_end(tmp_path):
    rows = ["处理,重复,产量"]
    rng = np.random.default_rng(0)
    for rep in (1, 2, 3):
        for trt, base in (
            ("CK", 1700),
            ("NPK", 3000),
            ("减氮", 3200),
            ("减磷", 2800),
            ("减钾", 2700),
        ):
            rows.append(f"{trt},{rep},{base + rng.normal(0, 60):.1f}")
    path = tmp_path / "t.csv"
    path.write_bytes("\n".join(rows).encode("gbk"))
    df = fo.read_trials(path)
    aov = fo.anova(df, response="yield", treatment="treatment", block="block")
    assert aov.design == "RCBD" and aov.term("treatment")["df"] == 4


def test_units_module():
    # 1 mu = 1/15 ha exactly; P2O5 = 2.2914 P; K2O = 1.2046 K (conventional factors)
    assert fo.units.unit_factor("kg/mu", "kg/ha") == 15.0
    assert_allclose(fo.units.nutrient_factor("P", "P2O5"), 2.2914, rtol=2e-5)
    assert_allclose(fo.units.nutrient_factor("K", "K2O"), 1.2046, rtol=2e-5)
    assert_allclose(
        fo.units.convert(1.0, "lb/acre", "kg/ha"), 0.45359237 / 4046.8564224 * 10000, rtol=1e-15
    )
    with pytest.raises(fo.FertoptError, match="different nutrients"):
        fo.units.nutrient_factor("P", "K2O")
    with pytest.raises(fo.FertoptError, match="not of the form 'mass/area'"):
        fo.units.parse_unit("kg")


def test_datasets_index_and_load():
    index = fo.list_datasets()
    assert {
        "minnesota_2012",
        "bachmaier_nitrogen",
        "welch_bermudagrass",
        "cochran_factorial",
    } <= set(index["name"])
    assert index["licence"].str.startswith("MIT").all()
    df = fo.load_dataset("bachmaier_nitrogen")
    assert df.shape == (88, 3) and df.attrs["fertopt"]["units"]["yield"] == "t/ha"
    with pytest.raises(fo.FertoptError, match="not a valid option"):
        fo.load_dataset("nope")


def test_import_is_light():
    code = (
        "import sys, fertopt; "
        "print('matplotlib.pyplot' in sys.modules, 'statsmodels' in sys.modules)"
    )
    src = str(Path(__file__).parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": src}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.split() == ["False", "False"]


# ---------------------------------------------------------------------------
# encodings: GB18030 only when the text reads as Chinese
# ---------------------------------------------------------------------------
#: a paragraph of ordinary Chinese agronomy text, as a GBK file would hold it
CHINESE_PROSE = (
    "处理,重复,产量,备注\n"
    "常规施肥,1,512.3,农户习惯施肥，氮肥分两次追施\n"
    "优化施肥,1,548.9,测土配方推荐用量，基肥一次施入\n"
    "有机肥替代,1,530.2,商品有机肥替代百分之二十化肥氮\n"
    "不施肥对照,1,301.7,整个生育期不施任何肥料\n"
)


@pytest.mark.parametrize(
    ("text", "encoding", "suggested", "shown"),
    [
        ("Behandlung,Wdh,Ertrag\nGülle,1,10\nKontrolle,1,8\n", "latin-1", "latin-1", "Gülle"),
        ("traitement,bloc,rendement\nTémoin,1,8\nFumier,1,9\n", "latin-1", "latin-1", "Témoin"),
        ("tratamiento,bloque,rendimiento\nEstiércol,1,10\n", "latin-1", "latin-1", "Estiércol"),
        ("treatment,rep,yield\n“Gülle” 30 €,1,10\nK,1,8\n", "cp1252", "cp1252", "Gülle"),
        ("処理,反復,収量\n無施肥,1,10\nたい肥,2,9\n", "shift_jis", "cp932", "処理"),
    ],
    ids=["latin1-german", "latin1-french", "latin1-spanish", "cp1252", "shift-jis"],
)
def test_other_encodings_are_refused_with_the_line_and_the_fix(
    tmp_path, text, encoding, suggested, shown
):
    path = tmp_path / "feld.csv"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(fo.DataError) as info:
        fo.read_trials(path)
    message = str(info.value)
    assert "feld.csv" in message and "line " in message
    assert f"encoding={suggested!r}" in message and shown in message
    # with the encoding named, the text is read as written
    df = fo.read_trials(path, encoding=suggested)
    first_line = text.splitlines()[1].split(",")[0]
    assert df.iloc[0, 0] == first_line


def test_gbk_prose_utf16_and_boms_are_read(tmp_path):
    path = tmp_path / "t.csv"
    expected_notes = [line.split(",")[3] for line in CHINESE_PROSE.splitlines()[1:]]
    for encoding, data in [
        ("gbk", CHINESE_PROSE.encode("gbk")),
        ("utf-8", CHINESE_PROSE.encode("utf-8")),
        ("utf-8-sig", CHINESE_PROSE.encode("utf-8-sig")),
        ("utf-16", CHINESE_PROSE.encode("utf-16")),  # with its byte-order mark
    ]:
        path.write_bytes(data)
        df = fo.read_trials(path)
        assert df["备注"].tolist() == expected_notes, encoding
        assert df["yield"].tolist() == [512.3, 548.9, 530.2, 301.7]
    path.write_bytes(CHINESE_PROSE.encode("utf-16-le"))  # no mark: refused, the fix named
    with pytest.raises(fo.DataError, match="UTF-16 text without a byte-order mark.*utf-16-le"):
        fo.read_trials(path)


def test_gb18030_plausibility():
    from fertopt._core.sheet import gb18030_plausible

    assert gb18030_plausible(CHINESE_PROSE) == (True, None)
    # a rare character in a name among ordinary text is still Chinese
    assert gb18030_plausible(CHINESE_PROSE + "王堃,2,500\n")[0]
    for text, encoding in [
        ("a,b\nMineraldünger,1\nGülle,2\n", "latin-1"),
        ("a,b\nfertilización año,1\n", "latin-1"),
        ("処理,反復\nたい肥,2\n", "shift_jis"),
    ]:
        misread = text.encode(encoding).decode("gb18030")
        assert gb18030_plausible(misread) == (False, 2 if encoding == "latin-1" else 1)


def test_binary_empty_and_folder_inputs(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(fo.DataError, match="empty.csv is empty"):
        fo.read_trials(tmp_path / "empty.csv")
    (tmp_path / "img.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(fo.DataError, match="img.csv is not a text table"):
        fo.read_trials(tmp_path / "img.csv")
    with pytest.raises(fo.DataError, match="is a folder, not a file.*run_batch"):
        fo.read_trials(tmp_path)
    (tmp_path / "head.csv").write_text("trt,rep,yield\n", encoding="utf-8")
    with pytest.raises(fo.DataError, match=r"head.csv holds a header \(row 1\) but no data rows"):
        fo.read_trials(tmp_path / "head.csv")


# ---------------------------------------------------------------------------
# Excel: labels stay labels, the sheet's own row numbers, formulas named
# ---------------------------------------------------------------------------
def _workbook(rows, path, title="Sheet1", merge=()):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)
    for rng in merge:
        ws.merge_cells(rng)
    book.save(path)
    return path


def test_excel_labels_blank_rows_and_row_numbers(tmp_path):
    path = _workbook(
        [
            ["treatment", "rep", "yield"],
            ["None", 1, 10.5],
            ["NA", 1, 11.0],
            [None, None, None],  # a blank row: the rows below keep their numbers
            ["#N/A", 1, 9.5],
            ["CK", 2, "lost"],
        ],
        tmp_path / "t.xlsx",
    )
    with pytest.raises(fo.DataError, match=r"row 6 \('lost'\)"):
        fo.read_trials(path)
    df = fo.read_trials(path, strict=False)
    assert df["treatment"].tolist() == ["None", "NA", "#N/A", "CK"]
    assert list(df.index) == [2, 3, 5, 6]


def test_excel_formulas_without_saved_values_are_named(tmp_path):
    path = _workbook(
        [["trt", "rep", "yield"], ["A", 1, 10.0], ["B", 1, "=B2*2"], ["C", 1, "=C2+1"]],
        tmp_path / "f.xlsx",
    )
    with pytest.raises(
        fo.DataError, match=r"cells C3 \(=B2\*2\), C4 \(=C2\+1\) hold formulas.*save it"
    ):
        fo.read_trials(path)


def test_excel_formula_with_a_saved_value_reads_the_value(tmp_path):
    import zipfile

    path = _workbook(
        [["trt", "rep", "yield"], ["A", 1, 10.0], ["B", 1, "=C2*2"]], tmp_path / "f.xlsx"
    )
    # store the value Excel would have saved (10 * 2) next to the formula
    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(saved, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>C2*2</f><v></v>", b"<f>C2*2</f><v>20</v>")
                data = data.replace(b"<f>C2*2</f></c>", b"<f>C2*2</f><v>20</v></c>")
                assert b"<v>20</v>" in data
            dst.writestr(item, data)
    df = fo.read_trials(saved)
    assert df["yield"].tolist() == [10.0, 20.0]


def test_excel_dates_and_errors_in_a_rate_column(tmp_path):
    import datetime

    path = _workbook(
        [["trt", "rep", "N", "yield"], ["A", 1, 0, 10.0], ["B", 1, datetime.date(1900, 2, 28), 11]],
        tmp_path / "d.xlsx",
    )
    with pytest.raises(fo.DataError, match=r"column 'N' holds dates.*cells C3.*format the column"):
        fo.read_trials(path)
    path = _workbook(
        [["trt", "rep", "yield"], ["A", 1, 10.0], ["B", 1, "#DIV/0!"]], tmp_path / "e.xlsx"
    )
    with pytest.raises(fo.DataError, match=r"Excel error values: cells C3 \('#DIV/0!'\)"):
        fo.read_trials(path)


def test_missing_sheet_lists_the_sheets(tmp_path):
    path = _workbook([["trt", "yield"], ["A", 1]], tmp_path / "s.xlsx", title="2013")
    with pytest.raises(
        fo.OptionError, match=r"s.xlsx has no sheet named '2014'; its sheets are '2013'"
    ):
        fo.read_trials(path, sheet="2014")
    with pytest.raises(fo.OptionError, match=r"sheet=3 is not a sheet of s.xlsx"):
        fo.read_trials(path, sheet=3)


# ---------------------------------------------------------------------------
# duplicated names and two-level headers
# ---------------------------------------------------------------------------
def test_duplicated_column_names_in_files_and_frames(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("trt,yield,rep,yield\nA,1,1,2\nB,2,1,3\n", encoding="utf-8")
    with pytest.raises(fo.ColumnError, match=r"'yield' is used 2 times, in columns B and D"):
        fo.read_trials(path)
    xlsx = _workbook([["trt", "yield", "rep", "yield"], ["A", 1, 1, 2]], tmp_path / "t.xlsx")
    with pytest.raises(fo.ColumnError, match=r"'yield' is used 2 times, in columns B and D"):
        fo.read_trials(xlsx)
    frame = pd.DataFrame([["A", 1, 1, 2], ["B", 2, 1, 3]], columns=["trt", "y", "rep", "y"])
    for call in (fo.read_trials, lambda d: fo.anova(d, response="y", treatment="trt")):
        with pytest.raises(fo.ColumnError, match=r"'y' 2 times: columns 2 and 4"):
            call(frame)


def test_two_level_headers(tmp_path):
    frame = pd.DataFrame(
        [["CK", 10.0, 11.0], ["N", 12.0, 13.0]],
        columns=pd.MultiIndex.from_tuples([("trt", ""), ("yield", "I"), ("yield", "II")]),
    )
    for call in (fo.read_trials, lambda d: fo.anova(d, response="yield", treatment="trt")):
        with pytest.raises(fo.DataError, match="column names of 2 levels.*Flatten"):
            call(frame)
    rows = [
        ["处理", "产量", None, None],
        [None, "Ⅰ", "Ⅱ", "Ⅲ"],
        ["CK", 10, 11, 12],
        ["N", 20, 21, 22],
    ]
    path = _workbook(rows, tmp_path / "two.xlsx", merge=("B1:D1", "A1:A2"))
    with pytest.raises(
        fo.DataError, match=r"rows 1 and 2 both look like header rows.*header=\[1, 2\]"
    ):
        fo.read_trials(path)
    df = fo.read_trials(path, header=[1, 2], layout="wide")  # joined: 产量 Ⅰ, 产量 Ⅱ, …
    expected = pd.DataFrame(
        {
            "treatment": ["CK"] * 3 + ["N"] * 3,
            "block": ["I", "II", "III"] * 2,
            "yield": [10.0, 11.0, 12.0, 20.0, 21.0, 22.0],
        },
        index=pd.Index(["B3", "C3", "D3", "B4", "C4", "D4"], name="cell"),
    )
    pd.testing.assert_frame_equal(df, expected, check_dtype=False)
    units = tmp_path / "units.csv"  # a units row under the names is a second header row too
    units.write_text("处理,重复,产量\n,,kg/亩\nCK,1,10\nN,1,12\n", encoding="utf-8")
    with pytest.raises(fo.DataError, match=r"header=\[1, 2\]"):
        fo.read_trials(units)
    df = fo.read_trials(units, header=[1, 2])
    assert df.attrs["fertopt"]["units"] == {"yield": "kg/mu"} and df["yield"].tolist() == [10, 12]


# ---------------------------------------------------------------------------
# issue 13's layouts: title rows and the wide table of papers
# ---------------------------------------------------------------------------
def test_title_rows_above_the_header_in_excel(tmp_path):
    rows = [
        ["2013年 水稻 3414 肥效试验 (某县)"],
        [None],
        ["处理", "重复", "产量(kg/亩)"],
        ["CK", 1, 401.5],
        ["NPK", 1, 520.0],
        [None],
        ["CK", 2, 398.0],
        ["NPK", 2, 531.5],
    ]
    path = _workbook(rows, tmp_path / "title.xlsx", merge=("A1:C1",))
    with pytest.warns(fo.DataWarning, match=r"the header is row 3; row 1 above it .*header=3"):
        df = fo.read_trials(path)
    expected = pd.DataFrame(
        {
            "treatment": ["CK", "NPK", "CK", "NPK"],
            "block": [1, 1, 2, 2],
            "yield": [401.5, 520.0, 398.0, 531.5],
        },
        index=pd.Index([4, 5, 7, 8], name="row"),
    )
    pd.testing.assert_frame_equal(df, expected, check_dtype=False)
    assert df.attrs["fertopt"]["header_row"] == [3]
    assert df.attrs["fertopt"]["units"] == {"yield": "kg/mu"}
    # header= says where the header is: no warning
    pd.testing.assert_frame_equal(fo.read_trials(path, header=3), expected, check_dtype=False)
    with pytest.raises(fo.OptionError, match="row 2 of title.xlsx is blank"):
        fo.read_trials(path, header=2)
    with pytest.raises(fo.OptionError, match="numbered as in the spreadsheet, from 1"):
        fo.read_trials(path, header=0)


def test_wide_layout_csv_is_reshaped_with_a_message(tmp_path):
    path = tmp_path / "paper.csv"
    path.write_text(
        "处理,N,Ⅰ,Ⅱ,Ⅲ\nCK,0,301.2,295.0,310.4\nN1,90,420.5,,433.1\nN2,180,455.0,448.2,460.9\n",
        encoding="utf-8",
    )
    with pytest.warns(fo.DataWarning, match=r"wide layout.*'Ⅰ', 'Ⅱ', 'Ⅲ'.*layout='long'"):
        df = fo.read_trials(path)
    # built by hand from the file: one row per cell, left to right, top to bottom
    expected = pd.DataFrame(
        {
            "treatment": ["CK"] * 3 + ["N1"] * 3 + ["N2"] * 3,
            "N": [0.0] * 3 + [90.0] * 3 + [180.0] * 3,
            "block": ["Ⅰ", "Ⅱ", "Ⅲ"] * 3,
            "yield": [301.2, 295.0, 310.4, 420.5, np.nan, 433.1, 455.0, 448.2, 460.9],
        },
        index=pd.Index([f"{c}{r}" for r in (2, 3, 4) for c in "CDE"], name="cell"),
    )
    pd.testing.assert_frame_equal(df, expected, check_dtype=False)
    assert df.attrs["fertopt"]["layout"] == "wide"
    pd.testing.assert_frame_equal(fo.read_trials(path, layout="wide"), df)  # no warning
    long = fo.read_trials(path, layout="long")
    assert list(long.columns) == ["treatment", "N", "Ⅰ", "Ⅱ", "Ⅲ"] and len(long) == 3
    # the reshaped table goes straight into an analysis
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        aov = fo.anova(df, response="yield", treatment="treatment", block="block")
    assert aov.n_obs == 8
    # the missing plot is named by its cell in the file
    assert any("row D3" in str(w.message) for w in caught)


@pytest.mark.parametrize(
    "reps",
    [
        ["I", "II", "III"],
        ["1", "2", "3"],
        ["R1", "R2", "R3"],
        ["rep1", "rep2", "rep3"],
        ["重复1", "重复2", "重复3"],
        ["重复Ⅰ", "重复Ⅱ", "重复Ⅲ"],
        ["重复一", "重复二", "重复三"],
        ["Rep 1", "Rep 2", "Rep 3"],
        ["block_1", "block_2", "block_3"],
    ],
)
def test_wide_layout_replicate_names(reps):
    frame = pd.DataFrame([["CK", 1.0, 2.0, 3.0], ["N", 4.0, 5.0, 6.0]], columns=["trt", *reps])
    df = fo.read_trials(frame, layout="wide")
    assert df["block"].tolist() == reps * 2
    assert df["yield"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def test_wide_layout_is_not_guessed_when_unsure():
    # a block column already: a long table whatever the other names are
    frame = pd.DataFrame({"trt": ["A", "B"], "rep": [1, 1], "1": [1.0, 2.0], "2": [3.0, 4.0]})
    assert list(fo.read_trials(frame).columns) == ["treatment", "block", "1", "2"]
    # N1, N2 are rates, not replicates; 1 and 3 without 2 are not a series
    frame = pd.DataFrame({"trt": ["A"], "N1": [1.0], "N2": [2.0], "yield": [3.0]})
    assert list(fo.read_trials(frame).columns) == ["treatment", "N1", "N2", "yield"]
    frame = pd.DataFrame({"trt": ["A"], "1": [1.0], "3": [2.0]})
    with pytest.raises(fo.DataError, match="layout='wide'.*no replicate columns"):
        fo.read_trials(frame, layout="wide")
    with pytest.raises(fo.OptionError, match="layout='tall' is not a valid option"):
        fo.read_trials(frame, layout="tall")


# ---------------------------------------------------------------------------
# outputs that cannot be weaponised
# ---------------------------------------------------------------------------
EVIL = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "`rm -rf`",
]


def _evil_trial():
    rows = []
    for rep, shift in ((1, 0.0), (2, 0.4), (3, -0.3)):
        for k, trt in enumerate(EVIL):
            rows.append({"trt": trt, "rep": rep, "yield": 10.0 + 2 * k + shift + 0.1 * k * rep})
    return pd.DataFrame(rows)


def test_markdown_escapes_labels_like_the_html():
    markdown_it = pytest.importorskip("markdown_it")
    # CommonMark with raw HTML allowed, as GitHub and most viewers render it
    md = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table")
    aov = fo.anova(_evil_trial(), response="yield", treatment="trt", block="rep")
    report = fo.trial_report(
        _evil_trial(), response="yield", treatment="trt", block="rep", figures=False
    )
    for text in (aov.summary().as_markdown(), report.to_markdown()):
        page = md.render(text)
        assert "<script" not in page and "<img" not in page
        assert "href=" not in page and "<code>" not in page
        # the labels read as typed once rendered (as the HTML report shows them)
        for label in EVIL:
            assert html.escape(label, quote=False) in page


def _cells_of_csv(path):
    import csv

    with open(path, newline="", encoding="utf-8") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def test_csv_and_excel_outputs_hold_no_formulas(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    keys = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(1)", "\tTAB", "\rCR"]
    rows = []
    for t, key in enumerate(keys):
        for rep in (1, 2):
            for k, trt in enumerate(("CK", "=cmd|' /C calc'!A0")):
                rows.append({"site": key, "trt": trt, "rep": rep, "y": 5.0 + k + 0.3 * rep + t})
    res = fo.run_batch(pd.DataFrame(rows), by="site", response="y", treatment="trt", block="rep")
    written = res.to_files(tmp_path / "out.csv")
    cells = [c for p in written for c in _cells_of_csv(p)]
    assert cells and not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert '\'=HYPERLINK("http://x","y")' in cells and "'-2+3" in cells
    res.to_files(tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    values = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in values)
    texts = [c.value for c in values if isinstance(c.value, str)]
    assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    # numbers, negative ones too, are written as numbers
    frame = pd.DataFrame({"treatment": ["-N", "CK"], "plot": [1, 2], "x": [-1.5, 2.0]})
    from fertopt._core.cells import inert_frame

    assert inert_frame(frame)["x"].tolist() == [-1.5, 2.0]
    assert inert_frame(frame)["treatment"].tolist() == ["'-N", "CK"]


def test_field_book_outputs_hold_no_formulas(tmp_path):
    from fertopt.cli import main

    out = tmp_path / "book.csv"
    assert (
        main(
            [
                "design",
                "rcbd",
                "--treatments=CK,=1+1,-N,@A1",
                "--reps",
                "2",
                "--seed",
                "1",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    cells = _cells_of_csv(out)
    assert {"'=1+1", "'-N", "'@A1", "CK"} <= set(cells)
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    book = fo.design.rcbd(["CK", "=1+1"], reps=2, rng=1)
    assert "'=1+1" in book.to_csv() and ",=1+1" not in book.to_csv()


def test_zero_padded_codes_stay_text(tmp_path):
    # 3414 level codes ("000", "022") are labels: as numbers they would read 0 and 22
    path = tmp_path / "codes.csv"
    path.write_text("block,code,N,yield\nB1,000,0,1.5\nB1,022,0,2.5\nB1,222,18,3.5\n")
    frame = fo.read_trials(path)
    assert frame["code"].tolist() == ["000", "022", "222"]
    assert frame["N"].tolist() == [0.0, 0.0, 18.0]
