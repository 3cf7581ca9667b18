"""Batch outputs: CSV written a column at a time, Excel sheets split at the row limit, and the
file of every trial found at once.

The CSV writer's reference is pandas: ``inert_frame(frame).to_csv(path, index=False)`` is how
every CSV output was written before, and the new writer must give the same bytes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import fertopt as fo
from fertopt._core.cells import inert_frame, write_csv
from fertopt.batch.sources import FILE_COLUMN, files_of_trials

pytest.importorskip("pyarrow")


def _awkward(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = 10.0 ** rng.uniform(-12, 22, n) * rng.choice([-1.0, 1.0], n)
    x[::97], x[::101], x[::103], x[::107] = np.nan, np.inf, -0.0, np.round(x[::107])
    # any double at all: random bit patterns (NaN and infinities among them)
    bits = rng.integers(0, 2**63, n, dtype=np.int64).view(np.float64)
    frame = pd.DataFrame(
        {
            "x": x,
            "bits": bits,
            "mean": np.round(rng.normal(5000, 600, n), rng.integers(0, 12)),
            "i": rng.integers(-5, 5, n),
            "I": pd.array(np.where(rng.random(n) < 0.1, None, rng.integers(0, 9, n)), "Int64"),
            "b": rng.random(n) < 0.5,
            "B": pd.array(np.where(rng.random(n) < 0.1, None, rng.random(n) < 0.5), "boolean"),
            "s": rng.choice(
                ["a", "=1+1", "-N", "+K", "@x", "a,b", 'q"x', "line\nbreak", "", None, "中文"], n
            ),
            "t": pd.Series(rng.choice(["T1", "N2P2K2", "\tx"], n), dtype="str"),
        }
    )
    frame.columns = ["x", "bits", "mean", "i", "I", "b", "B", "=s", "t"]  # a name to make inert
    return frame


@pytest.mark.parametrize("rows", [None, 1000])
def test_csv_bytes_are_those_of_pandas(tmp_path, monkeypatch, rows):
    frame = _awkward(20000, 3)
    if rows is not None:  # the lines are written in slices of rows
        monkeypatch.setattr("fertopt._core.cells.CSV_ROWS", rows)
    write_csv(frame, tmp_path / "new.csv")
    inert_frame(frame).to_csv(tmp_path / "pandas.csv", index=False)
    assert (tmp_path / "new.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_csv_without_pyarrow_or_with_other_columns_is_pandas(tmp_path, monkeypatch):
    frame = _awkward(500, 4)
    frame["when"] = pd.Timestamp("2024-05-01")  # a kind of column pandas writes itself
    frame["mixed"] = pd.Series([1, "a"] * 250, dtype=object)
    inert_frame(frame).to_csv(tmp_path / "pandas.csv", index=False)
    write_csv(frame, tmp_path / "other.csv")
    assert (tmp_path / "other.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()
    monkeypatch.setattr("fertopt._core.cells._arrow", lambda: None)
    write_csv(frame, tmp_path / "plain.csv")
    assert (tmp_path / "plain.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def _batch() -> fo.BatchResult:
    rng = np.random.default_rng(8)
    rows = [
        (f"S{t}", trt, rep, 10 + k + rng.normal(0, 0.5))
        for t in range(4)
        for k, trt in enumerate(["CK", "N", "NP"])
        for rep in (1, 2, 3)
    ]
    data = pd.DataFrame(rows, columns=["site", "trt", "rep", "y"])
    return fo.run_batch(
        data, by="site", response="y", treatment="trt", block="rep", posthoc="duncan"
    )


def test_excel_sheets_split_at_the_row_limit(tmp_path, monkeypatch):
    pytest.importorskip("openpyxl")
    res = _batch()
    assert len(res.groups) == 12 and len(res.table) == 4
    monkeypatch.setattr("fertopt.batch.result.EXCEL_ROWS", 6)  # 5 rows under the header
    with pytest.warns(fo.DisplayWarning, match=r"groups table has 12 rows.*groups_1 to groups_3"):
        res.to_files(tmp_path / "out.xlsx")
    sheets = pd.read_excel(tmp_path / "out.xlsx", sheet_name=None)
    assert list(sheets) == [
        "table",
        "groups_1",
        "groups_2",
        "groups_3",
        "failures",
        "warnings",
        "notes",
    ]
    assert [len(sheets[f"groups_{k}"]) for k in (1, 2, 3)] == [5, 5, 2]
    whole = pd.concat([sheets[f"groups_{k}"] for k in (1, 2, 3)], ignore_index=True)
    assert whole["site"].tolist() == res.groups["site"].tolist()
    assert whole["letters"].tolist() == res.groups["letters"].astype(str).tolist()
    assert "parquet" in sheets["notes"]["note"].iloc[0]
    assert len(sheets["table"]) == 4  # a table that fits stays one sheet


def test_excel_without_long_tables_has_no_notes(tmp_path):
    pytest.importorskip("openpyxl")
    _batch().to_files(tmp_path / "out.xlsx")
    sheets = pd.read_excel(tmp_path / "out.xlsx", sheet_name=None)
    assert list(sheets) == ["table", "groups", "failures", "warnings"]


def test_files_of_trials():
    frame = pd.DataFrame({FILE_COLUMN: ["b.csv", "a.csv", "b.csv", "c.csv", "a.csv", "a.csv"]})
    codes = np.array([0, 1, 1, 2, 3, -1])  # trial 1 in two files; row 5 has no trial key
    # files named in the order they were read (b.csv first), trial 4 has no row
    assert files_of_trials(frame, codes, 5) == ["b.csv", "b.csv, a.csv", "c.csv", "a.csv", ""]
    one = pd.DataFrame({FILE_COLUMN: ["x.csv"] * 3})
    assert files_of_trials(one, np.array([0, 2, 2]), 4) == ["x.csv", "", "x.csv", ""]


def test_text_columns_equal_pandas_own_conversion():
    # the result tables write their text columns straight into Arrow memory; pandas' own
    # conversion of the same strings is the reference (ASCII, Chinese, empty, and a None
    # that sends the column the ordinary way)
    from fertopt.batch._engine import text_column

    rng = np.random.default_rng(3)
    alphabet = list("abc xyz.,:") + list("施肥量产量最佳") + ["≤", "×", "é"]
    values = ["".join(rng.choice(alphabet, int(rng.integers(0, 40)))) for _ in range(500)]
    # long enough (over 1 MiB) to take the direct route, and short (pandas' own)
    long = values * 150
    for case in (long, np.array(long, dtype=object), [*long, None], values, []):
        got = text_column(case)
        want = pd.Series(case, dtype="str")
        pd.testing.assert_series_equal(got, want)
