"""The command line's errors: one line, exit status 2 (130 for Ctrl-C), no traceback.

Outputs (``--out``, ``--report``) are checked before any trial is read; BatchResult.to_files
runs the same check (fertopt.batch.check_output) before writing anything.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pandas as pd
import pytest

import fertopt as fo
from fertopt import cli


def call(argv: list[str], capsys) -> tuple[int, str, str]:
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("fertopt: error: ") and "Traceback" not in err
    return lines[0]


def trials_csv(folder: Path) -> Path:
    rows = [
        {"site": s, "treatment": t, "block": b, "yield": 5 + i + 0.1 * b + (0.3 if s == "B" else 0)}
        for s in "AB"
        for i, t in enumerate(["CK", "N", "NP"])
        for b in (1, 2, 3)
    ]
    path = folder / "trials.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


# ---------------------------------------------------------------------------
# any exception: one line
# ---------------------------------------------------------------------------
def test_an_unexpected_exception_is_one_line_naming_type_message_and_debug(monkeypatch, capsys):
    def broken(args):
        raise RuntimeError("something inside\nbroke")

    monkeypatch.setattr(cli, "_cmd_design", broken)
    status, _, err = call(["design", "crd", "--treatments", "A,B"], capsys)
    assert status == 2
    line = one_error_line(err)
    assert "unexpected internal error (RuntimeError: something inside broke)" in line
    assert "--debug" in line and "report" in line


def test_debug_shows_the_exception_itself(monkeypatch, capsys):
    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "_cmd_design", broken)
    with pytest.raises(RuntimeError, match="boom"):
        cli.main(["design", "crd", "--treatments", "A,B", "--debug"])
    with pytest.raises(RuntimeError, match="boom"):
        cli.main(["--debug", "design", "crd", "--treatments", "A,B"])


def test_a_fertopt_error_is_one_line(monkeypatch, capsys):
    def refused(args):
        raise fo.DataError("column 'yield' holds text at row 3.\nFix it.")

    monkeypatch.setattr(cli, "_cmd_batch", refused)
    status, _, err = call(["batch", "x.csv", "--by", "site"], capsys)
    assert status == 2
    assert one_error_line(err) == "fertopt: error: column 'yield' holds text at row 3. Fix it."


def test_ctrl_c_exits_130_with_one_line(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_cmd_batch", interrupted)
    status, _, err = call(["batch", "x.csv", "--by", "site"], capsys)
    assert status == 130
    assert err.strip() == "fertopt: interrupted; nothing more was written."


# ---------------------------------------------------------------------------
# outputs checked before the run
# ---------------------------------------------------------------------------
def _never_run(*args, **kwargs):
    raise AssertionError("the trials were read before the output was checked")


@pytest.mark.parametrize(
    "out,match",
    [
        ("missing/res.csv", r"--out '.*missing.res\.csv': the folder '.*missing' does not exist"),
        ("res.json", r"cannot write 'res\.json': use a name ending in \.parquet, \.csv or \.xlsx"),
        (".", r"is a folder; give a file name in it"),
    ],
)
def test_batch_out_is_checked_before_any_trial_is_read(out, match, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "run_batch", _never_run)
    monkeypatch.chdir(tmp_path)
    status, _, err = call(["batch", "trials/*.csv", "--by", "site", "--out", out], capsys)
    assert status == 2
    assert re.search(match, one_error_line(err)), err


def test_parquet_without_pyarrow_is_refused_first(tmp_path, monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a)
    )
    monkeypatch.setattr(cli, "run_batch", _never_run)
    status, _, err = call(
        ["batch", "t.csv", "--by", "site", "--out", tmp_path / "res.parquet"], capsys
    )
    assert status == 2
    line = one_error_line(err)
    assert "writing Parquet files needs pyarrow: pip install 'fertopt[parquet]'" in line


def test_a_read_only_folder_is_refused_first(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):  # root writes anywhere: nothing to test
            pytest.skip("running as a user who can write into read-only folders (root)")
        monkeypatch.setattr(cli, "run_batch", _never_run)
        status, _, err = call(["batch", "t.csv", "--by", "site", "--out", folder / "r.csv"], capsys)
        assert status == 2 and "cannot write in the folder" in one_error_line(err)
    finally:
        folder.chmod(0o755)


def test_analyze_report_and_design_out_are_checked_first(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "read_trials", _never_run)
    status, _, err = call(["analyze", "t.csv", "--report", tmp_path / "no" / "r.html"], capsys)
    assert status == 2 and "--report" in one_error_line(err) and "does not exist" in err
    status, _, err = call(
        ["design", "crd", "--treatments", "A,B", "--out", tmp_path / "no" / "book.csv"], capsys
    )
    assert status == 2 and "--out" in one_error_line(err) and "does not exist" in err


def test_design_reps_zero_is_refused_not_three(capsys):
    status, out, err = call(["design", "rcbd", "--treatments", "A,B", "--reps", "0"], capsys)
    assert status == 2 and out == ""
    assert "reps must be a whole number of at least 1" in one_error_line(err)
    assert "got 0" in one_error_line(err)


def test_batch_runs_and_writes_after_the_check(tmp_path, capsys):
    data = trials_csv(tmp_path)
    status, out, err = call(
        ["batch", data, "--by", "site", "--out", tmp_path / "res.csv", "--posthoc", "none"], capsys
    )
    assert status == 0, err
    assert out.startswith("fertopt batch: 2 trials, 2 analysed")
    assert (tmp_path / "res_failures.csv").exists()


def test_to_files_checks_before_writing_anything(tmp_path, monkeypatch):
    res = fo.run_batch(
        str(trials_csv(tmp_path)), by="site", response="yield", treatment="treatment", posthoc=None
    )
    with pytest.raises(fo.OptionError, match="does not exist"):
        res.to_files(tmp_path / "none" / "res.csv")
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "openpyxl" else real(name, *a)
    )
    with pytest.raises(fo.DependencyError, match=r"fertopt\[excel\]"):
        res.to_files(tmp_path / "res.xlsx")
    assert not (tmp_path / "res.xlsx").exists()
    assert fo.batch.check_output(tmp_path / "res.csv") == tmp_path / "res.csv"
