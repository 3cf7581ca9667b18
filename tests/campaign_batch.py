"""Campaign rows for batches from files, output places, and the batch/analyze/design commands.

Each row gives one awkward input to ``fo.run_batch`` / ``BatchResult.to_files`` (entry
``"api"``) or to ``fertopt batch|analyze|design|example`` (entry ``"cli"``: ``run`` returns the
argument list) and names what must come of it: a fertopt exception whose message names the
file, column, value or fix, or a result checked against what the input was built to give.

The trial files: sites A, B, C, each an RCBD of 3 treatments × 2 blocks built so that its
ANOVA is known by hand (see :func:`_rcbd`); B's yield in its second data row is the text
``'twelve'`` (spreadsheet row 3: the header is row 1).
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pandas as pd

import fertopt as fo
from campaign_case import Case

ROLES = {"by": "site", "response": "yield", "treatment": "treatment", "block": "block"}
CLI_ROLES = ["--by", "site", "--posthoc", "none"]


def _rcbd(site: str, shift: float = 0.0) -> pd.DataFrame:
    """3 treatments × 2 blocks with a known ANOVA.

    Plots (block 1, block 2): A 11.5, 8.5 | B 13, 11 | C 17.5, 16.5, plus ``shift``: grand mean
    13 + shift, SS_treatment 52, SS_block 6, SS_residual 1, so MSE 0.5 and F = 26 / 0.5 = 52.
    """
    return pd.DataFrame(
        {
            "site": site,
            "treatment": list("AABBCC"),
            "block": [1, 2] * 3,
            "yield": [v + shift for v in (11.5, 8.5, 13, 11, 17.5, 16.5)],
        }
    )


def _files(folder: Path, *, bad_cell: bool = True) -> Path:
    """a.csv, b.csv, c.csv in ``folder`` (b with a text yield at spreadsheet row 3)."""
    folder.mkdir(parents=True, exist_ok=True)
    b = _rcbd("B", 1.0)
    if bad_cell:
        b["yield"] = b["yield"].astype(object)
        b.loc[1, "yield"] = "twelve"
    _rcbd("A").to_csv(folder / "a.csv", index=False)
    b.to_csv(folder / "b.csv", index=False)
    _rcbd("C", 2.0).to_csv(folder / "c.csv", index=False)
    return folder


def _batch(pattern: Path, **kw):
    return fo.run_batch(str(pattern), posthoc=None, **{**ROLES, **kw})


def _known_anova(res: fo.BatchResult, sites: set[str]) -> None:
    """Every analysed trial is one of the hand-worked RCBDs: MSE 0.5, F 52, F_block 12."""
    assert set(res.table["site"]) == sites, res.table
    np.testing.assert_allclose(res.table["mse"], 0.5, rtol=1e-12)  # exact decimals: rounding
    np.testing.assert_allclose(res.table["f"], 52.0, rtol=1e-12)
    np.testing.assert_allclose(res.table["f_block"], 12.0, rtol=1e-12)


def _only(res: fo.BatchResult, sites: set[str]):
    """``res`` with only the trials of ``sites`` in its table."""

    class View:
        table = res.table[res.table["site"].isin(sites)].reset_index(drop=True)

    return View


def _file_failure(name: str, stage: str, phrase: str, sites: set[str] = frozenset({"A", "C"})):
    """Check: ``name`` is one failure (stage, phrase); the good files' trials are analysed."""

    def check(res: fo.BatchResult) -> None:
        rows = res.failures[res.failures["message"].str.contains(name, regex=False)]
        assert len(rows) == 1, res.failures
        assert rows.iloc[0]["stage"] == stage and phrase in rows.iloc[0]["message"], rows
        assert res.n_failed_files == (0 if stage == "keys" else 1)
        assert set(res.table["site"]) == set(sites)
        _known_anova(_only(res, {"A", "C"}), {"A", "C"})
        b = res.failures.set_index("site").loc["B", "message"]
        assert b.endswith(".") and "b.csv: " in b and "row 3 ('twelve')" in b

    return check


def _with(make):
    """A run over the good files plus one file made by ``make(folder)``."""

    def run(tmp: Path, engine: str = "vectorized"):
        folder = _files(tmp / "trials")
        make(folder)
        return _batch(folder / "*.csv", engine=engine)

    return run


def _dask(make):
    def run(tmp: Path):
        return _with(make)(tmp, "dask")

    return run


def _empty(folder: Path) -> None:
    (folder / "z_empty.csv").write_bytes(b"")


def _binary(folder: Path) -> None:
    (folder / "z_binary.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))


def _no_block(folder: Path) -> None:
    _rcbd("D").drop(columns="block").to_csv(folder / "z_noblock.csv", index=False)


def _no_site(folder: Path) -> None:
    _rcbd("E").drop(columns="site").to_csv(folder / "z_nosite.csv", index=False)


def _no_yield(folder: Path) -> None:
    _rcbd("E").rename(columns={"yield": "weight"}).to_csv(folder / "z_noyield.csv", index=False)


def _undecodable(folder: Path) -> None:
    (folder / "z_bytes.csv").write_bytes(b"site,treatment,block,yield\nG,A,1,\xff\xfe\n")


def _subfolder(folder: Path) -> None:
    (folder / "z_old.csv").mkdir()


def _gbk(folder: Path) -> None:
    frame = _rcbd("F").rename(columns={"treatment": "处理", "block": "重复", "yield": "产量"})
    frame["处理"] = frame["处理"].map({"A": "对照", "B": "氮", "C": "氮磷"})
    (folder / "z_gbk.csv").write_bytes(frame.to_csv(index=False).encode("gbk"))


def _keyless(folder: Path) -> None:
    frame = _rcbd("K")
    frame["site"] = frame["site"].astype(object)
    frame.loc[4, "site"] = None  # data row 5: spreadsheet row 6
    frame.to_csv(folder / "z_keyless.csv", index=False)


def _only_header(folder: Path) -> None:
    (folder / "z_header.csv").write_text("site,treatment,block,yield\n")


def _gbk_check(res: fo.BatchResult) -> None:
    _known_anova(res, {"A", "C", "F"})
    assert res.n_failed_files == 0
    labels = set(map(str, res.results["F"].anova.data["treatment"]))
    assert labels == {"对照", "氮", "氮磷"}


def _all_bad(tmp: Path):
    folder = tmp / "bad"
    folder.mkdir()
    _empty(folder)
    _binary(folder)
    return _batch(folder / "*.csv")


def _no_match(tmp: Path):
    return _batch(tmp / "nothing" / "*.csv")


def _empty_folder(tmp: Path):
    (tmp / "empty").mkdir()
    return _batch(tmp / "empty")


def _folder_path(tmp: Path):
    folder = _files(tmp / "trials", bad_cell=False)
    (folder / "notes.docx").write_bytes(b"not a trial")
    return _batch(folder)


def _raise_on_file(tmp: Path):
    folder = _files(tmp / "trials")
    _empty(folder)
    return _batch(folder / "*.csv", errors="raise")


def _column_in_no_file(tmp: Path):
    return _batch(_files(tmp / "trials") / "*.csv", by="field")


def _spread(tmp: Path):
    whole = _rcbd("S")
    whole["yield"] = whole["yield"].astype(object)
    whole.loc[4, "yield"] = "?"  # second data row of s2.csv: its spreadsheet row 3
    (tmp / "s").mkdir()
    whole.iloc[:3].to_csv(tmp / "s" / "s1.csv", index=False)
    whole.iloc[3:].to_csv(tmp / "s" / "s2.csv", index=False)
    return _batch(tmp / "s" / "s*.csv")


def _spread_check(res: fo.BatchResult) -> None:
    message = res.failures.iloc[0]["message"]
    assert "s1.csv, " in message and "s2.csv: " in message
    assert "s2.csv:3 ('?')" in message


def _sheets(tmp: Path):
    folder = tmp / "books"
    folder.mkdir()
    for site, sheet in (("A", "2013"), ("C", "2013"), ("D", "2014")):
        _rcbd(site).to_excel(folder / f"{site}.xlsx", sheet_name=sheet, index=False)
    return _batch(folder / "*.xlsx", sheet="2013")


def _sheets_check(res: fo.BatchResult) -> None:
    _known_anova(res, {"A", "C"})
    row = res.failures.iloc[0]
    assert (
        row["stage"] == "read"
        and "D.xlsx has no sheet named '2013'; its sheets are '2014'" in row["message"]
    )


def _pandas_dask(tmp: Path):
    frame = pd.concat([_rcbd("A"), _rcbd("B", 1.0), _rcbd("C", 2.0)], ignore_index=True)
    return fo.run_batch(
        frame.sample(frac=1.0, random_state=1), engine="dask", posthoc=None, **ROLES
    )


def _pandas_dask_check(res: fo.BatchResult) -> None:
    assert res.engine == "dask"
    _known_anova(res, {"A", "B", "C"})
    np.testing.assert_allclose(res.table["grand_mean"], [13.0, 14.0, 15.0], rtol=1e-12)


def _sheet_with_frame(tmp: Path):
    return fo.run_batch(_rcbd("A"), sheet="2013", **ROLES)


def _to_files(name: str):
    def run(tmp: Path):
        res = fo.run_batch(_rcbd("A"), posthoc=None, **ROLES)
        return res.to_files(tmp / name)

    return run


def _to_files_ok(tmp: Path):
    res = fo.run_batch(_rcbd("A"), posthoc=None, **ROLES)
    written = res.to_files(tmp / "res.csv")
    return [pd.read_csv(p) for p in written]


def _to_files_ok_check(tables: list[pd.DataFrame]) -> None:
    assert len(tables) == 4 and tables[0]["f"].iloc[0] == 52.0  # written exactly: a decimal


# ---------------------------------------------------------------------------
# command lines
# ---------------------------------------------------------------------------
def _example_into_new_folder(tmp: Path) -> Path:
    from fertopt.cli import main

    path = tmp / "no" / "wc.html"
    with contextlib.redirect_stderr(io.StringIO()):
        assert main(["example", "--report", str(path)]) == 0
    return path


def _assert_html(path: Path) -> None:
    assert path.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def _cli_batch(*extra, files: bool = True, bad_cell: bool = True):
    def run(tmp: Path) -> list:
        folder = _files(tmp / "trials", bad_cell=bad_cell) if files else tmp / "trials"
        return ["batch", str(folder / "*.csv"), *extra]

    return run


def _cli_batch_one_bad_file(tmp: Path) -> list:
    folder = _files(tmp / "trials", bad_cell=False)
    _no_site(folder)
    return ["batch", str(folder / "*.csv"), *CLI_ROLES, "--out", str(tmp / "res.csv")]


def _line(expected: str):
    def check(stdout: str) -> None:
        assert expected in stdout, stdout

    return check


def _trial_file(tmp: Path, rows: pd.DataFrame | None = None) -> Path:
    path = tmp / "trial.csv"
    (_rcbd("A") if rows is None else rows).drop(columns="site").to_csv(path, index=False)
    return path


def _cli_analyze(*extra):
    def run(tmp: Path) -> list:
        return ["analyze", str(_trial_file(tmp)), *extra]

    return run


def _cli(*argv):
    def run(tmp: Path) -> list:
        return [str(a).replace("{tmp}", str(tmp)) for a in argv]

    return run


def _analyze_json(stdout: str) -> None:
    import json

    rows = {r["source"]: r for r in json.loads(stdout)["anova"]["table"]}
    # the hand-worked RCBD: F = 52 on (2, 2) df, whose upper tail is 1 / (1 + F) = 1/53
    assert abs(rows["treatment"]["f"] - 52) < 1e-9 and abs(rows["block"]["f"] - 12) < 1e-9
    assert abs(rows["treatment"]["p"] - 1 / 53) < 1e-12  # closed form; rounding only


def _rcbd_book(stdout: str) -> None:
    from io import StringIO

    book = pd.read_csv(StringIO(stdout))
    # 2 treatments × 4 blocks: 8 plots, each treatment once in every block
    assert len(book) == 8
    assert (book.groupby("block")["treatment"].apply(sorted).map(tuple) == ("A", "B")).all()


CASES = [
    # --- files: each bad file is one failure; the good files give the known ANOVA -------------
    Case(
        "batch-file-empty",
        "api",
        _with(_empty),
        check=_file_failure("z_empty.csv", "read", "is empty"),
    ),
    Case(
        "batch-file-binary",
        "api",
        _with(_binary),
        check=_file_failure("z_binary.csv", "read", "UTF-8"),
    ),
    Case(
        "batch-file-missing-block",
        "api",
        _with(_no_block),
        check=_file_failure("z_noblock.csv", "columns", "has no column 'block'"),
    ),
    Case(
        "batch-file-missing-by",
        "api",
        _with(_no_site),
        check=_file_failure("z_nosite.csv", "columns", "has no column 'site'"),
    ),
    Case(
        "batch-file-missing-response",
        "api",
        _with(_no_yield),
        check=_file_failure("z_noyield.csv", "columns", "has no column 'yield'"),
    ),
    Case(
        "batch-file-undecodable",
        "api",
        _with(_undecodable),
        check=_file_failure("z_bytes.csv", "read", "UTF-8"),
    ),
    Case(
        "batch-file-folder-matching-glob",
        "api",
        _with(_subfolder),
        check=_file_failure("z_old.csv", "read", "is a folder, not a trial file"),
    ),
    Case(
        "batch-file-header-only",
        "api",
        _with(_only_header),
        check=_file_failure("z_header.csv", "read", "no data rows"),
    ),
    Case(
        "batch-file-keyless-row",
        "api",
        _with(_keyless),
        check=_file_failure(
            "z_keyless.csv",
            "keys",
            "1 row has no value in the trial key column 'site' (row 6)",
            {"A", "C", "K"},
        ),
    ),
    Case("batch-file-gbk", "api", _with(_gbk), check=_gbk_check),
    Case("batch-file-spread-over-two", "api", _spread, check=_spread_check),
    Case("batch-file-missing-sheet", "api", _sheets, check=_sheets_check),
    Case(
        "batch-file-none-usable",
        "api",
        _all_bad,
        raises=fo.DataError,
        match=r"none of the 2 files .* can be analysed: .*z_binary\.csv",
    ),
    Case("batch-file-no-match", "api", _no_match, raises=fo.DataError, match="no file matches"),
    Case(
        "batch-folder-without-trial-files",
        "api",
        _empty_folder,
        raises=fo.DataError,
        match=r"holds no trial files \(\.csv",
    ),
    Case(
        "batch-folder-path",
        "api",
        _folder_path,
        check=lambda res: _known_anova(res, {"A", "B", "C"}),
    ),
    Case(
        "batch-file-errors-raise",
        "api",
        _raise_on_file,
        raises=fo.DataError,
        match=r"z_empty\.csv is empty",
    ),
    Case(
        "batch-file-column-in-no-file",
        "api",
        _column_in_no_file,
        raises=fo.ColumnError,
        match=r"by='field' is not a column",
    ),
    Case(
        "batch-sheet-with-a-frame",
        "api",
        _sheet_with_frame,
        raises=fo.OptionError,
        match="needs a path or a glob",
    ),
    # --- the Dask engine: the same files, the same failures; a pandas frame -------------------
    Case(
        "dask-file-empty",
        "api",
        _dask(_empty),
        check=_file_failure("z_empty.csv", "read", "is empty"),
    ),
    Case(
        "dask-file-missing-by",
        "api",
        _dask(_no_site),
        check=_file_failure("z_nosite.csv", "columns", "has no column 'site'"),
    ),
    Case("dask-file-gbk", "api", _dask(_gbk), check=_gbk_check),
    Case("dask-pandas-frame", "api", _pandas_dask, check=_pandas_dask_check),
    # --- outputs: checked before anything is written -------------------------------------------
    Case(
        "to-files-missing-folder",
        "api",
        _to_files("none/res.csv"),
        raises=fo.OptionError,
        match=r"the folder '.*none' does not exist",
    ),
    Case(
        "to-files-unknown-format",
        "api",
        _to_files("res.json"),
        raises=fo.OptionError,
        match=r"use a name ending in \.parquet, \.csv or \.xlsx",
    ),
    Case(
        "to-files-a-folder",
        "api",
        _to_files("."),
        raises=fo.OptionError,
        match="is a folder; give a file name in it",
    ),
    Case("to-files-csv", "api", _to_files_ok, check=_to_files_ok_check),
    Case(
        "cli-batch-out-missing-folder",
        "cli",
        _cli_batch(*CLI_ROLES, "--out", "{tmp}/no/res.parquet", files=False),
        raises=fo.OptionError,
        match=r"--out .*: the folder .* does not exist",
    ),
    Case(
        "cli-batch-out-unknown-format",
        "cli",
        _cli_batch(*CLI_ROLES, "--out", "res.txt", files=False),
        raises=fo.OptionError,
        match=r"cannot write 'res\.txt'",
    ),
    Case(
        "cli-analyze-report-missing-folder",
        "cli",
        _cli("analyze", "{tmp}/nothing.csv", "--report", "{tmp}/no/report.html"),
        raises=fo.OptionError,
        match=r"--report .*does not exist",
    ),
    Case(
        "cli-analyze-report-format",
        "cli",
        _cli("analyze", "{tmp}/nothing.csv", "--report", "{tmp}/report.pdf"),
        raises=fo.OptionError,
        match=r"must end in \.html or \.md",
    ),
    Case(
        "cli-design-out-missing-folder",
        "cli",
        _cli("design", "rcbd", "--treatments", "A,B", "--out", "{tmp}/no/book.csv"),
        raises=fo.OptionError,
        match=r"--out .*does not exist",
    ),
    Case(
        # the example makes its own folder (a newcomer's first command must not fail on it)
        "cli-example-report-new-folder",
        "api",
        _example_into_new_folder,
        check=lambda path: _assert_html(path),
    ),
    # --- fertopt batch: --by and the other options ---------------------------------------------
    Case(
        "cli-batch-by-not-a-column",
        "cli",
        _cli_batch("--by", "field"),
        raises=fo.ColumnError,
        match=r"by='field' is not a column",
    ),
    Case(
        "cli-batch-by-empty",
        "cli",
        _cli_batch("--by", ","),
        raises=fo.ColumnError,
        match="`by` is required",
    ),
    Case(
        "cli-batch-by-twice",
        "cli",
        _cli_batch("--by", "site,site"),
        raises=fo.ColumnError,
        match="names a column twice",
    ),
    Case(
        "cli-batch-by-is-the-treatment",
        "cli",
        _cli_batch("--by", "treatment"),
        raises=fo.ColumnError,
        match="given both as `by` and as `treatment`",
    ),
    Case(
        "cli-batch-by-missing-in-one-file",
        "cli",
        _cli_batch_one_bad_file,
        check=_line("3 trials, 3 analysed (3 vectorized), 0 failed, 0 with warnings, 1 of 4 files"),
    ),
    Case(
        "cli-batch-summary-line",
        "cli",
        _cli_batch(*CLI_ROLES),
        check=_line("fertopt batch: 3 trials, 2 analysed (2 vectorized), 1 failed"),
    ),
    Case(
        "cli-batch-alpha",
        "cli",
        _cli_batch("--by", "site", "--alpha", "5"),
        raises=fo.OptionError,
        match="alpha=5",
    ),
    Case(
        "cli-batch-jobs-zero",
        "cli",
        _cli_batch(*CLI_ROLES, "--jobs", "0"),
        raises=fo.OptionError,
        match=r"n_jobs must be a whole number ≥ 1, got 0",
    ),
    Case(
        "cli-batch-surface-without-rates",
        "cli",
        _cli_batch(*CLI_ROLES, "--surface", "full"),
        raises=fo.OptionError,
        match="surface= needs rates=",
    ),
    Case(
        "cli-batch-rates-without-model",
        "cli",
        _cli_batch(*CLI_ROLES, "--rates", "block"),
        raises=fo.OptionError,
        match="rates= is used by surface= or model=",
    ),
    Case(
        "cli-batch-bad-prices",
        "cli",
        _cli_batch(*CLI_ROLES, "--prices", "crop"),
        raises=fo.OptionError,
        match=r"--prices item 'crop' is not name=value",
    ),
    Case(
        "cli-batch-missing-block-column",
        "cli",
        _cli_batch(*CLI_ROLES, "--block", "rep"),
        raises=fo.ColumnError,
        match=r"block='rep' is not a column",
    ),
    Case(
        "cli-batch-missing-response-column",
        "cli",
        _cli_batch(*CLI_ROLES, "--response", "grain"),
        raises=fo.ColumnError,
        match=r"response='grain' is not a column",
    ),
    Case(
        "cli-batch-sheet-in-no-workbook",
        "cli",
        lambda tmp: (
            _sheets(tmp),
            ["batch", str(tmp / "books" / "*.xlsx"), *CLI_ROLES, "--sheet", "2099"],
        )[1],
        raises=fo.DataError,
        match=r"none of the 3 files .*has no sheet named '2099'",
    ),
    Case(
        "cli-batch-no-file",
        "cli",
        _cli_batch(*CLI_ROLES, files=False),
        raises=fo.DataError,
        match="no file matches",
    ),
    # --- fertopt analyze ----------------------------------------------------------------------
    Case(
        "cli-analyze-missing-file",
        "cli",
        _cli("analyze", "{tmp}/nothing.csv"),
        raises=fo.DataError,
        match="file not found",
    ),
    Case(
        "cli-analyze-bad-prices",
        "cli",
        _cli_analyze("--prices", "crop=two"),
        raises=fo.OptionError,
        match=r"--prices: crop='two' is not a number",
    ),
    Case(
        "cli-analyze-prices-without-crop",
        "cli",
        _cli_analyze("--prices", "N=6.25"),
        raises=fo.OptionError,
        match="--prices needs the crop price",
    ),
    Case(
        "cli-analyze-bad-omission",
        "cli",
        _cli_analyze("--omission", "full"),
        raises=fo.OptionError,
        match="--omission: 'full' is not understood",
    ),
    Case(
        "cli-analyze-response-not-a-column",
        "cli",
        _cli_analyze("--response", "grain"),
        raises=fo.ColumnError,
        match="grain",
    ),
    Case(
        "cli-analyze-known-anova",
        "cli",
        _cli_analyze("--format", "json"),
        check=_analyze_json,
    ),
    # --- fertopt design -------------------------------------------------------------------------
    Case(
        "cli-design-reps-zero",
        "cli",
        _cli("design", "rcbd", "--treatments", "A,B", "--reps", "0"),
        raises=fo.OptionError,
        match=r"reps must be a whole number of at least 1.*got 0",
    ),
    Case(
        "cli-design-crd-reps-negative",
        "cli",
        _cli("design", "crd", "--treatments", "A,B", "--reps", "-2"),
        raises=fo.OptionError,
        match=r"reps must be a whole number of at least 1.*got -2",
    ),
    Case(
        "cli-design-3414-reps-zero",
        "cli",
        _cli("design", "3414", "--level2", "N=18,P2O5=8,K2O=19", "--reps", "0"),
        raises=fo.OptionError,
        match=r"got 0",
    ),
    Case(
        "cli-design-latin-reps",
        "cli",
        _cli("design", "latin", "--treatments", "A,B,C", "--reps", "2"),
        raises=fo.OptionError,
        match="leave out --reps",
    ),
    Case(
        "cli-design-reduce-not-a-number",
        "cli",
        _cli("design", "omission", "--formula", "N=18,P2O5=8", "--reduce", "abc"),
        raises=fo.OptionError,
        match=r"--reduce 'abc' is not understood",
    ),
    Case(
        "cli-design-without-treatments",
        "cli",
        _cli("design", "rcbd"),
        raises=fo.OptionError,
        match="needs --treatments",
    ),
    Case(
        "cli-design-bad-level2",
        "cli",
        _cli("design", "3414", "--level2", "N18"),
        raises=fo.OptionError,
        match="--level2 takes NAME=RATE pairs",
    ),
    Case(
        "cli-design-bad-factor",
        "cli",
        _cli("design", "factorial", "--factor", "N"),
        raises=fo.OptionError,
        match="--factor takes NAME=LEVEL",
    ),
    Case(
        "cli-design-negative-seed",
        "cli",
        _cli("design", "rcbd", "--treatments", "A,B", "--seed", "-1"),
        raises=fo.OptionError,
        match="non-negative integer seed",
    ),
    Case(
        "cli-design-rcbd-four-blocks",
        "cli",
        _cli("design", "rcbd", "--treatments", "A,B", "--reps", "4", "--seed", "1"),
        check=_rcbd_book,
    ),
]
