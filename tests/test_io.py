"""read_trials: encodings, formats, Chinese/English aliases, numeric coercion, units."""

from __future__ import annotations

import os
import subprocess
import sys
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
