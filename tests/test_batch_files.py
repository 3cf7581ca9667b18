"""run_batch on files: every file is a unit of failure, in both engines.

A folder holds three trial files (sites A, B, C; B has a text cell in its second data row) and
one faulty file.  Each fault × engine must finish: the faulty file is one row of ``failures``
naming it (and its own row numbers where there are any), and every other trial is analysed
exactly as in a run over the good files alone.  Row numbers are those a spreadsheet shows:
the header is row 1, the first data row row 2 (``fo.read_trials``'s convention).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import fertopt as fo

ROLES = {"by": "site", "response": "yield", "treatment": "treatment", "block": "block"}
TABLES = ("table", "groups", "failures", "warnings")
ENGINES = ["vectorized", "dask"]


def trial(site: str, seed: int) -> pd.DataFrame:
    """An RCBD of 4 treatments × 3 blocks with clear treatment effects."""
    rng = np.random.default_rng(seed)
    trt = np.repeat(["CK", "N", "NP", "NPK"], 3)
    y = 5 + np.repeat([0.0, 1.0, 1.5, 2.0], 3) + rng.normal(0, 0.3, 12)
    return pd.DataFrame(
        {"site": site, "treatment": trt, "block": np.tile([1, 2, 3], 4), "yield": y.round(3)}
    )


def good_files(folder: Path, suffix: str = ".csv", sheet: str | None = None) -> None:
    """a, b, c: sites A, B, C; the yield of b's second data row (spreadsheet row 3) is text."""
    b = trial("B", 2)
    b["yield"] = b["yield"].astype(object)
    b.loc[1, "yield"] = "twelve"
    for name, frame in (("a", trial("A", 1)), ("b", b), ("c", trial("C", 3))):
        if suffix == ".csv":
            frame.to_csv(folder / f"{name}.csv", index=False)
        else:
            frame.to_excel(folder / f"{name}.xlsx", sheet_name=sheet, index=False)


# ---------------------------------------------------------------------------
# the faults: (file name, how to make it, stage, phrase of the message)
# ---------------------------------------------------------------------------
def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _binary(path: Path) -> None:
    # a PNG signature and every byte value: neither UTF-8 nor GB18030 text (0xFF is in neither)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)


def _missing_column(path: Path) -> None:
    trial("D", 4).drop(columns="block").to_csv(path, index=False)


def _missing_by(path: Path) -> None:
    trial("E", 5).drop(columns="site").to_csv(path, index=False)


def _undecodable(path: Path) -> None:
    # a UTF-8 header, then a cell of bytes no encoding fertopt tries can read
    path.write_bytes(b"site,treatment,block,yield\nG,CK,1,\xff\xfe\xff\n")


def _folder(path: Path) -> None:
    path.mkdir()
    trial("H", 6).to_csv(path / "inside.csv", index=False)


def _unreadable(path: Path) -> None:
    trial("I", 7).to_csv(path, index=False)
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads any file: nothing to test
        path.chmod(0o644)
        pytest.skip("running as a user who can read files without read permission (root)")


def _keyless(path: Path) -> None:
    frame = trial("K", 8)
    frame["site"] = frame["site"].astype(object)
    frame.loc[[2, 5], "site"] = None  # data rows 3 and 6: spreadsheet rows 4 and 7
    frame.to_csv(path, index=False)


FAULTS = {
    "empty": ("z_empty.csv", _empty, "read", r"z_empty\.csv is empty"),
    "binary": ("z_binary.csv", _binary, "read", r"z_binary\.csv.*UTF-8"),
    "missing-column": (
        "z_nocol.csv",
        _missing_column,
        "columns",
        r"z_nocol\.csv has no column 'block'",
    ),
    "missing-by": ("z_noby.csv", _missing_by, "columns", r"z_noby\.csv has no column 'site'"),
    "undecodable": ("z_bad.csv", _undecodable, "read", r"z_bad\.csv.*UTF-8"),
    "folder": ("z_dir.csv", _folder, "read", r"z_dir\.csv is a folder"),
    "unreadable": ("z_locked.csv", _unreadable, "read", r"z_locked\.csv.*permission"),
    "keyless-rows": (
        "z_keyless.csv",
        _keyless,
        "keys",
        r"z_keyless\.csv: 2 rows have no value in the trial key column 'site' \(rows 4, 7\)",
    ),
}


@pytest.fixture(scope="module")
def cluster():
    """A dask.distributed cluster for the module (None where dask is not installed).

    The web server takes a free port (":0"), so the tests pass when 8787 is taken.
    """
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("dask.dataframe")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


def run(pattern, engine, request, **kw):
    if engine == "dask":
        request.getfixturevalue("cluster")
    return fo.run_batch(str(pattern), engine=engine, **ROLES, **kw)


def of_good_files(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows about the trials of the three good files (sites A, B, C)."""
    return frame[frame["site"].isin(["A", "B", "C"])].reset_index(drop=True)


def assert_same_trials(res: fo.BatchResult, clean: fo.BatchResult) -> None:
    """The trials of the good files: the same tables, to the last digit and label."""
    for name in TABLES:
        a, b = of_good_files(getattr(res, name)), of_good_files(getattr(clean, name))
        # rows of a failed file (empty key) turn the key column of failures into object, and
        # an empty table's text columns are object where a filtered one keeps its dtype
        exact = name != "failures" and len(a) > 0
        pd.testing.assert_frame_equal(a, b, check_dtype=exact)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_bad_file_is_one_failure_and_the_others_are_analysed(fault, engine, tmp_path, request):
    name, make, stage, phrase = FAULTS[fault]
    good_files(tmp_path)
    make(tmp_path / name)
    res = run(tmp_path / "*.csv", engine, request)
    clean = run(tmp_path / "[abc].csv", engine, request)
    rows = res.failures[res.failures["message"].str.contains(re.escape(name))]
    assert len(rows) == 1, res.failures
    row = rows.iloc[0]
    assert row["stage"] == stage and pd.isna(row["site"])
    assert re.search(phrase, row["message"]), row["message"]
    assert res.n_files == 4 and clean.n_files == 3
    if stage == "keys":  # a readable file: its other rows are a trial of their own
        assert res.n_failed_files == 0 and "K" in set(res.table["site"])
    else:
        assert res.n_failed_files == 1 and res.n_trials == 3
    assert_same_trials(res, clean)
    # the bad trial inside a good file cites that file and its own row number
    b = res.failures[res.failures["site"] == "B"].iloc[0]
    assert b["message"].startswith(str(tmp_path / "b.csv") + ": ")
    assert "row 3 ('twelve')" in b["message"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_gbk_file_is_read_as_the_local_engine_reads_it(engine, tmp_path, request):
    # the same trial in GBK with Chinese headers and labels, and in UTF-8
    frame = trial("F", 9).rename(
        columns={"site": "地点", "treatment": "处理", "block": "重复", "yield": "产量"}
    )
    frame["处理"] = "处理" + frame["处理"]
    (tmp_path / "gbk").mkdir()
    (tmp_path / "utf8").mkdir()
    (tmp_path / "gbk" / "f.csv").write_bytes(frame.to_csv(index=False).encode("gbk"))
    (tmp_path / "utf8" / "f.csv").write_text(frame.to_csv(index=False), encoding="utf-8")
    res = run(tmp_path / "gbk" / "*.csv", engine, request)
    ref = fo.run_batch(str(tmp_path / "utf8" / "*.csv"), **ROLES)
    assert res.n_failed_files == 0 and res.n_analysed == 1
    assert list(res.groups["treatment"].astype(str).str[:2].unique()) == ["处理"]
    for name in ("table", "groups"):
        pd.testing.assert_frame_equal(getattr(res, name), getattr(ref, name))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_missing_excel_sheet_fails_that_workbook(engine, tmp_path, request):
    pytest.importorskip("openpyxl")
    good_files(tmp_path, ".xlsx", sheet="2013")
    trial("J", 10).to_excel(tmp_path / "z_other.xlsx", sheet_name="2014", index=False)
    res = run(tmp_path / "*.xlsx", engine, request, sheet="2013")
    row = res.failures.iloc[-1]
    assert row["stage"] == "read"
    assert re.search(
        r"z_other\.xlsx has no sheet named '2013'; its sheets are '2014'", row["message"]
    )
    assert res.n_failed_files == 1 and set(res.table["site"]) == {"A", "C"}
    assert "row 3 ('twelve')" in res.failures.set_index("site").loc["B", "message"]


def test_both_engines_give_the_same_failures_for_the_same_files(tmp_path, request):
    good_files(tmp_path)
    for fault, (name, make, _stage, _phrase) in FAULTS.items():
        if fault != "unreadable":
            make(tmp_path / name)
    local = run(tmp_path / "*.csv", "vectorized", request)
    dask = run(tmp_path / "*.csv", "dask", request)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(dask, name), getattr(local, name))
    assert (local.n_files, local.n_failed_files) == (dask.n_files, dask.n_failed_files) == (10, 6)
    # 4 trials (A, B, C, K), the empty-key rows of z_keyless.csv, and 6 files
    assert len(local.failures) == 1 + 1 + 6 and local.n_failed == 2
    assert "6 of 10 files could not be used" in repr(local)
    text = str(local)
    assert "Files" in text and "10 (6 could not be used)" in text
    assert "文件数" in local.summary(lang="zh").as_text()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_trial_spread_over_two_files_names_file_and_row(engine, tmp_path, request):
    whole = trial("S", 11)
    whole["yield"] = whole["yield"].astype(object)
    whole.loc[7, "yield"] = "n/a?"  # data row 2 of the second file: its spreadsheet row 3
    whole.iloc[:6].to_csv(tmp_path / "s1.csv", index=False)
    whole.iloc[6:].to_csv(tmp_path / "s2.csv", index=False)
    res = run(tmp_path / "s*.csv", engine, request)
    message = res.failures.iloc[0]["message"]
    s1, s2 = str(tmp_path / "s1.csv"), str(tmp_path / "s2.csv")
    assert message.startswith(f"{s1}, {s2}: ")
    assert f"row {s2}:3 ('n/a?')" in message


@pytest.mark.parametrize("engine", ENGINES)
def test_errors_raise_raises_the_first_bad_file(engine, tmp_path, request):
    good_files(tmp_path)
    _empty(tmp_path / "z_empty.csv")
    with pytest.raises(fo.DataError, match=r"z_empty\.csv is empty"):
        run(tmp_path / "z*.csv", engine, request, errors="raise")
    with pytest.raises(fo.DataError, match=r"z_empty\.csv is empty"):
        run(tmp_path / "*.csv", engine, request, errors="raise")


@pytest.mark.parametrize("engine", ENGINES)
def test_no_usable_file_and_a_column_in_no_file_raise(engine, tmp_path, request):
    _empty(tmp_path / "z_empty.csv")
    _binary(tmp_path / "z_binary.csv")
    with pytest.raises(fo.DataError, match=r"none of the 2 files .* can be analysed: .*z_binary"):
        run(tmp_path / "z*.csv", engine, request)
    good_files(tmp_path)
    # a column in no file is a wrong argument, as for a table: not one failure per file
    with pytest.raises(fo.ColumnError, match="by='field' is not a column"):
        fo.run_batch(str(tmp_path / "*.csv"), engine="vectorized", **{**ROLES, "by": "field"})


def test_sheet_needs_files():
    with pytest.raises(fo.OptionError, match="sheet='2013'.*needs a path or a glob"):
        fo.run_batch(trial("A", 1), sheet="2013", **ROLES)
