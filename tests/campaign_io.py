"""Campaign rows for reading users' files: every awkward file through read_trials, an analysis
and the command line (issue 19 part B, issue 13's layouts).

Expected results are computed here from the rows each file is written from (``BASE``), never
taken from fertopt's output.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

import fertopt as fo
from campaign_case import Case

# ---------------------------------------------------------------------------
# the trial every file is written from: 4 treatments x 3 replicates
# ---------------------------------------------------------------------------
TRTS = ["CK", "N", "NP", "NPK"]
BASE = [(t, r, 300.0 + 50 * k + 7 * r + (k * r) % 3) for r in (1, 2, 3) for k, t in enumerate(TRTS)]
YIELDS = [y for _, _, y in BASE]
GRAND_MEAN = math.fsum(YIELDS) / len(YIELDS)


def _lines(header: str = "trt,rep,yield", sep: str = ",", rows=BASE, fmt=str) -> str:
    head = header.replace(",", sep)
    return "\n".join([head] + [sep.join([t, str(r), fmt(y)]) for t, r, y in rows]) + "\n"


def _write(name: str, data: str | bytes, encoding: str = "utf-8") -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
        return path

    return make


def _xlsx(name: str, rows: list[list[Any]], *, merge=(), sheets=("Sheet1",), at=(1, 1)):
    def make(tmp: Path) -> Path:
        import openpyxl

        book = openpyxl.Workbook()
        book.active.title = sheets[0]
        for extra in sheets[1:]:
            book.create_sheet(extra)
        ws = book.active
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is not None:
                    ws.cell(at[0] + i, at[1] + j, value)
        for rng in merge:
            ws.merge_cells(rng)
        path = tmp / name
        book.save(path)
        return path

    return make


def _cached(make: Callable[[Path], Path], formula: str, value: str) -> Callable[[Path], Path]:
    """The workbook of ``make`` with ``value`` saved beside ``formula``, as Excel saves it."""

    def patched(tmp: Path) -> Path:
        path = make(tmp)
        out = path.with_name("saved_" + path.name)
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    f = f"<f>{formula}</f>".encode()
                    data = data.replace(f + b"<v></v>", f).replace(
                        f, f + f"<v>{value}</v>".encode()
                    )
                dst.writestr(item, data)
        return out

    return patched


def read(make, **kw) -> Callable[[Path], Any]:
    return lambda tmp: fo.read_trials(make(tmp), **kw)


def anova(make, read_kw=None, **kw) -> Callable[[Path], Any]:
    def run(tmp: Path) -> Any:
        df = fo.read_trials(make(tmp), **(read_kw or {}))
        roles = {"response": "yield", "treatment": "treatment", "block": "block"}
        return fo.anova(df, **{**roles, **kw})

    return run


def report(make, read_kw=None) -> Callable[[Path], Any]:
    def run(tmp: Path) -> Any:
        df = fo.read_trials(make(tmp), **(read_kw or {}))
        return fo.trial_report(
            df, response="yield", treatment="treatment", block="block", figures=False
        )

    return run


def cli(make, *args) -> Callable[[Path], list[Any]]:
    return lambda tmp: ["analyze", make(tmp), *args]


def frame_is(trts=None, blocks=None, yields=None, columns=None, index=None):
    """A check that the frame holds exactly these values (``None``: not checked)."""

    def check(df: pd.DataFrame) -> None:
        if columns is not None:
            assert list(df.columns) == columns, list(df.columns)
        if trts is not None:
            assert df["treatment"].tolist() == trts, df["treatment"].tolist()
        if blocks is not None:
            assert [str(b) for b in df["block"]] == [str(b) for b in blocks], df["block"].tolist()
        if yields is not None:
            got = df["yield"].tolist()
            assert len(got) == len(yields)
            for g, e in zip(got, yields, strict=True):
                assert (math.isnan(g) and math.isnan(e)) or g == e, (got, yields)
        if index is not None:
            assert list(df.index) == index, list(df.index)

    return check


BASE_FRAME = frame_is([t for t, _, _ in BASE], [r for _, r, _ in BASE], YIELDS)


def base_anova(n_obs: int = len(BASE), mean: float = GRAND_MEAN):
    def check(aov: Any) -> None:
        assert aov.n_obs == n_obs and aov.design == "RCBD"
        # the grand mean is a mean of at most 12 numbers near 400: a few ulps of rounding
        assert abs(aov.grand_mean - mean) < 1e-9, (aov.grand_mean, mean)

    return check


def stdout_has(*patterns: str):
    def check(out: str) -> None:
        for p in patterns:
            assert re.search(p, out), f"{p!r} not in stdout:\n{out[:2000]}"

    return check


LEVELS = r"Treatment\s+4 levels: CK, N, NP, NPK"

# ---------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------
CSV = _lines()
CHINESE = _lines("处理,重复,产量(kg/亩)")
GERMAN = "Behandlung,Wdh,Ertrag\nGülle,1,10\nMineraldünger,1,12\nKontrolle,1,8\n"
FRENCH = "traitement,bloc,rendement\nTémoin,1,8\nFumier épandu,1,9\n"
SPANISH = "tratamiento,bloque,rendimiento\nEstiércol,1,10\nTestigo,1,8\n"
WINDOWS = "treatment,rep,yield\n“Gülle” 30 €,1,10\nK,1,8\n"
JAPANESE = "処理,反復,収量\n無施肥,1,10\nたい肥,2,9\n"
DECIMAL_COMMA = _lines(sep=";", fmt=lambda y: f"{y:.1f}".replace(".", ","))
TITLE_ROWS = [["2013年 水稻 肥效试验"], [None], ["处理", "重复", "产量"]] + [list(r) for r in BASE]
WIDE = "处理,Ⅰ,Ⅱ,Ⅲ\n" + "".join(
    f"{t}," + ",".join(str(y) for tt, _, y in sorted(BASE, key=lambda b: b[1]) if tt == t) + "\n"
    for t in TRTS
)
# the wide table read row by row, cell by cell: the order of the long frame
WIDE_TRTS = [t for t in TRTS for _ in (1, 2, 3)]
WIDE_BLOCKS = ["Ⅰ", "Ⅱ", "Ⅲ"] * 4
WIDE_YIELDS = [y for t in TRTS for r in (1, 2, 3) for tt, rr, y in BASE if (tt, rr) == (t, r)]
EVIL = ['=HYPERLINK("http://x","y")', "+1+2", "-3+4", "@SUM(A1)"]
EVIL_ROWS = [
    (t, r, 300.0 + 40 * k + 5 * r + (k * r) % 3) for r in (1, 2) for k, t in enumerate(EVIL)
]
SCRIPT_ROWS = [
    (t, r, 300.0 + 40 * k + 5 * r + (k * r) % 3)
    for r in (1, 2, 3)
    for k, t in enumerate(["<script>alert(1)</script>", "[x](javascript:alert(1))", "CK"])
]


def _two_level_xlsx():
    rows = [["处理", "产量", None, None], [None, "Ⅰ", "Ⅱ", "Ⅲ"]]
    for t in TRTS:
        rows.append([t] + [y for tt, _, y in sorted(BASE, key=lambda b: b[1]) if tt == t])
    return _xlsx("two.xlsx", rows, merge=("B1:D1", "A1:A2"))


def _formula_xlsx():
    rows = [["trt", "rep", "yield"]] + [list(r) for r in BASE]
    rows[2][2] = "=C2*2"
    return _xlsx("f.xlsx", rows)


def _batch_injection(tmp: Path) -> list[str]:
    frame = pd.DataFrame(
        [{"site": s, "trt": t, "rep": r, "y": y} for s in EVIL[:2] for t, r, y in EVIL_ROWS]
    )
    res = fo.run_batch(frame, by="site", response="y", treatment="trt", block="rep")
    cells = []
    for path in res.to_files(tmp / "out.csv"):
        with open(path, newline="", encoding="utf-8") as handle:
            cells += [c for row in csv.reader(handle) for c in row]
    return cells


def _xlsx_injection(tmp: Path) -> list[Any]:
    import openpyxl

    frame = pd.DataFrame(
        [{"site": s, "trt": t, "rep": r, "y": y} for s in EVIL for t, r, y in EVIL_ROWS]
    )
    res = fo.run_batch(frame, by="site", response="y", treatment="trt", block="rep")
    res.to_files(tmp / "out.xlsx")
    book = openpyxl.load_workbook(tmp / "out.xlsx")
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row]


def _no_formula_text(cells: list[str]) -> None:
    assert cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert '\'=HYPERLINK("http://x","y")' in cells and "'+1+2" in cells


def _no_formula_cells(cells: list[Any]) -> None:
    assert not any(c.data_type == "f" for c in cells)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "'-3+4" in texts and "'@SUM(A1)" in texts
    assert not any(t.startswith(("=", "+", "-", "@")) for t in texts)


def _field_book(out: str) -> None:
    cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
    assert {"'=1+1", "'-N", "'@A1", "CK"} <= set(cells), cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


def _markdown_inert(out: str) -> None:
    # no raw tag, and every bracket of the link escaped, so no link is made
    assert "<script" not in out and not re.search(r"(?<!\\)\]\(javascript", out)
    assert "\\[x\\](javascript:alert(1))" in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def _json_levels(out: str) -> None:
    assert json.loads(out)["result"] == "TrialReport"


CASES = [
    # --- encodings -------------------------------------------------------------------------
    Case("io-utf8", "api", read(_write("t.csv", CSV)), check=BASE_FRAME),
    Case("io-utf8-bom", "api", read(_write("t.csv", CSV, "utf-8-sig")), check=BASE_FRAME),
    Case("io-utf16-bom", "api", read(_write("t.csv", CSV, "utf-16")), check=BASE_FRAME),
    Case("io-gbk", "api", read(_write("t.csv", CHINESE, "gbk")), check=BASE_FRAME),
    Case("io-gb18030", "api", read(_write("t.csv", CHINESE, "gb18030")), check=BASE_FRAME),
    Case("io-gbk-anova", "api", anova(_write("t.csv", CHINESE, "gbk")), check=base_anova()),
    Case(
        "io-utf16-no-bom",
        "api",
        read(_write("t.csv", CHINESE, "utf-16-le")),
        raises=fo.DataError,
        match=r"t\.csv looks like UTF-16.*encoding='utf-16-le'",
    ),
    Case(
        "io-latin1-german",
        "api",
        read(_write("feld.csv", GERMAN, "latin-1")),
        raises=fo.DataError,
        match=r"feld\.csv .*line 2 .*Gülle.*encoding='latin-1'",
    ),
    Case(
        "io-latin1-french",
        "api",
        read(_write("champ.csv", FRENCH, "latin-1")),
        raises=fo.DataError,
        match=r"champ\.csv .*line 2.*Témoin.*encoding='latin-1'",
    ),
    Case(
        "io-latin1-spanish",
        "api",
        read(_write("campo.csv", SPANISH, "latin-1")),
        raises=fo.DataError,
        match=r"campo\.csv .*line 2.*Estiércol.*encoding='latin-1'",
    ),
    Case(
        "io-cp1252",
        "api",
        read(_write("w.csv", WINDOWS, "cp1252")),
        raises=fo.DataError,
        match=r"w\.csv .*line 2.*encoding='cp1252'",
    ),
    Case(
        "io-shift-jis",
        "api",
        read(_write("jp.csv", JAPANESE, "shift_jis")),
        raises=fo.DataError,
        match=r"jp\.csv .*line 1.*処理.*encoding='cp932'",
    ),
    Case(
        "io-big5",
        "api",
        read(_write("tw.csv", "處理,重複,產量\n對照,1,10\n氮肥,1,12\n有機肥,2,9\n", "big5")),
        raises=fo.DataError,
        match=r"tw\.csv .*line 1.*處理.*encoding='big5'",
    ),
    Case(
        "io-latin1-given",
        "api",
        read(_write("feld.csv", GERMAN, "latin-1"), encoding="latin-1"),
        check=lambda df: _eq(df.iloc[:, 0].tolist(), ["Gülle", "Mineraldünger", "Kontrolle"]),
    ),
    Case(
        "io-encoding-unknown",
        "api",
        read(_write("t.csv", CSV), encoding="latin-9000"),
        raises=fo.OptionError,
        match="not an encoding Python knows",
    ),
    Case(
        "io-encoding-wrong",
        "api",
        read(_write("t.csv", CHINESE, "gbk"), encoding="utf-8"),
        raises=fo.DataError,
        match=r"t\.csv cannot be read as utf-8: line 1",
    ),
    Case(
        "io-cli-latin1",
        "cli",
        cli(_write("feld.csv", GERMAN, "latin-1")),
        raises=fo.DataError,
        match=r"feld\.csv.*--encoding latin-1",
    ),
    Case(
        "io-cli-latin1-given",
        "cli",
        cli(_write("t.csv", CSV.replace("CK", "Kontrolle ü"), "latin-1"), "--encoding", "latin-1"),
        check=stdout_has(r"Treatment\s+4 levels: Kontrolle ü, N, NP, NPK"),
    ),
    # --- separators, decimals, digits ----------------------------------------------------------
    Case("io-semicolon", "api", read(_write("t.csv", _lines(sep=";"))), check=BASE_FRAME),
    Case(
        "io-tab-tsv",
        "api",
        read(_write("t.tsv", _lines(sep="\t"))),
        check=BASE_FRAME,
    ),
    Case(
        "io-tab-txt",
        "api",
        read(_write("t.txt", _lines(sep="\t"))),
        check=BASE_FRAME,
    ),
    Case(
        "io-decimal-comma-refused",
        "api",
        read(_write("t.csv", DECIMAL_COMMA)),
        raises=fo.DataError,
        match=r"yield.*row 2 \('3\d\d,0'\).*decimal=','",
    ),
    Case(
        "io-decimal-comma",
        "api",
        read(_write("t.csv", DECIMAL_COMMA), decimal=","),
        check=BASE_FRAME,
    ),
    Case(
        "io-decimal-comma-in-comma-file",
        "api",
        read(_write("t.csv", "trt,rep,yield\nA,1,10,5\nB,1,11\n")),
        raises=fo.DataError,
        match=r"t\.csv: row 2 has more cells than the header.*decimals",
    ),
    Case(
        "io-thousands-comma",
        "api",
        read(_write("t.csv", 'trt,rep,yield\nA,1,"1,234"\nB,1,1200\n')),
        raises=fo.DataError,
        match=r"row 2 \('1,234'\).*thousands separator",
    ),
    Case(
        "io-thousands-space",
        "api",
        read(_write("t.csv", "trt,rep,yield\nA,1,1 234\nB,1,1200\n")),
        raises=fo.DataError,
        match=r"row 2 \('1 234'\)",
    ),
    Case(
        "io-full-width-digits",
        "api",
        read(_write("t.csv", "处理,重复,产量\nCK,１,３０１．５\nN,１,４２０\n")),
        check=frame_is(["CK", "N"], ["１", "１"], [301.5, 420.0]),
    ),
    Case(
        "io-wrong-sep-given",
        "api",
        anova(_write("t.csv", CSV), read_kw={"sep": ";"}),
        raises=fo.ColumnError,
        match=r"response='yield' is not a column.*trt,rep,yield",
    ),
    # --- headers -----------------------------------------------------------------------------
    Case(
        "io-chinese-units-ascii-brackets",
        "api",
        read(_write("t.csv", CHINESE)),
        check=lambda df: _eq(df.attrs["fertopt"]["units"], {"yield": "kg/mu"}),
    ),
    Case(
        "io-chinese-units-full-width-brackets",
        "api",
        read(_write("t.csv", _lines("处理,重复,产量（kg/亩）"))),
        check=lambda df: _eq(df.attrs["fertopt"]["units"], {"yield": "kg/mu"}),
    ),
    Case(
        "io-english-units",
        "api",
        read(_write("t.csv", _lines("Treatment,Rep,Yield (t/ha)"))),
        check=lambda df: _eq(df.attrs["fertopt"]["units"], {"yield": "t/ha"}),
    ),
    Case(
        "io-header-spaces",
        "api",
        read(_write("t.csv", _lines(" trt , rep ,yield "))),
        check=BASE_FRAME,
    ),
    Case(
        "io-duplicate-header-csv",
        "api",
        read(_write("t.csv", "trt,yield,rep,yield\nA,1,1,2\nB,2,1,3\n")),
        raises=fo.ColumnError,
        match=r"t\.csv: the column name 'yield' is used 2 times, in columns B and D",
    ),
    Case(
        "io-duplicate-header-xlsx",
        "api",
        read(_xlsx("t.xlsx", [["trt", "yield", "yield"], ["A", 1, 2]])),
        raises=fo.ColumnError,
        match=r"t\.xlsx: the column name 'yield' is used 2 times, in columns B and C",
    ),
    Case(
        "io-duplicate-header-frame-anova",
        "api",
        lambda tmp: fo.anova(
            pd.DataFrame([["A", 1, 2.0, 1]], columns=["trt", "y", "y", "rep"]),
            response="y",
            treatment="trt",
        ),
        raises=fo.ColumnError,
        match=r"'y' 2 times: columns 2 and 3",
    ),
    Case(
        "io-duplicate-header-frame-report",
        "api",
        lambda tmp: fo.trial_report(
            pd.DataFrame([["A", 1, 2.0, 1]], columns=["trt", "y", "y", "rep"]),
            response="y",
            treatment="trt",
            figures=False,
            errors="raise",
        ),
        raises=fo.ColumnError,
        match=r"'y' 2 times: columns 2 and 3",
    ),
    Case(
        "io-two-names-one-role",
        "api",
        read(_write("t.csv", "处理,treatment,产量\nA,1,10\nB,2,11\n")),
        raises=fo.ColumnError,
        match=r"'处理', 'treatment' all look like 'treatment'.*columns=",
    ),
    Case(
        "io-multiindex-read",
        "api",
        lambda tmp: fo.read_trials(
            pd.DataFrame([["A", 1.0]], columns=pd.MultiIndex.from_tuples([("t", ""), ("y", "I")]))
        ),
        raises=fo.DataError,
        match=r"column names of 2 levels.*Flatten them",
    ),
    Case(
        "io-multiindex-anova",
        "api",
        lambda tmp: fo.anova(
            pd.DataFrame([["A", 1.0]], columns=pd.MultiIndex.from_tuples([("t", ""), ("y", "I")])),
            response=("y", "I"),
            treatment=("t", ""),
        ),
        raises=fo.DataError,
        match=r"column names of 2 levels.*Flatten them",
    ),
    Case(
        "io-two-level-xlsx",
        "api",
        read(_two_level_xlsx()),
        raises=fo.DataError,
        match=r"two\.xlsx: rows 1 and 2 both look like header rows.*header=\[1, 2\]",
    ),
    Case(
        "io-two-level-xlsx-joined",
        "api",
        read(_two_level_xlsx(), header=[1, 2], layout="wide"),
        check=frame_is(WIDE_TRTS, ["I", "II", "III"] * 4, WIDE_YIELDS),
    ),
    Case(
        "io-two-level-numbered-reps",
        "api",
        read(
            _xlsx(
                "n.xlsx",
                [["处理", "产量", None], [None, 1, 2], ["CK", 10.0, 11.0], ["N", 12.0, 13.0]],
                merge=("B1:C1", "A1:A2"),
            )
        ),
        raises=fo.DataError,
        match=r"rows 1 and 2 both look like header rows",
    ),
    Case(
        "io-unnamed-column-not-a-second-header",
        "api",
        read(_write("t.csv", "trt,,yield\nA,1,2\nB,1,3\n")),
        check=frame_is(["A", "B"], yields=[2.0, 3.0], columns=["treatment", "unnamed_B", "yield"]),
    ),
    Case(
        "io-bom-with-encoding-given",
        "api",
        read(_write("t.csv", CSV, "utf-8-sig"), encoding="utf-8"),
        check=BASE_FRAME,
    ),
    Case(
        "io-two-level-units-row",
        "api",
        read(_write("t.csv", "处理,重复,产量\n,,kg/亩\nCK,1,10\nN,1,12\n")),
        raises=fo.DataError,
        match=r"rows 1 and 2 both look like header rows.*header=2",
    ),
    Case(
        "io-two-level-units-row-joined",
        "api",
        read(_write("t.csv", "处理,重复,产量\n,,kg/亩\nCK,1,10\nN,1,12\n"), header=[1, 2]),
        check=lambda df: _eq(df.attrs["fertopt"]["units"], {"yield": "kg/mu"}),
    ),
    Case(
        "io-cli-two-level",
        "cli",
        cli(_two_level_xlsx()),
        raises=fo.DataError,
        match=r"header=\[1, 2\]",
    ),
    Case(
        "io-merged-treatment-cells",
        "api",
        read(
            _xlsx(
                "m.xlsx",
                [
                    ["trt", "rep", "yield"],
                    ["CK", 1, 1.0],
                    [None, 2, 2.0],
                    ["N", 1, 3.0],
                    [None, 2, 4.0],
                ],
                merge=("A2:A3", "A4:A5"),
            )
        ),
        check=frame_is(["CK", "CK", "N", "N"], [1, 2, 1, 2], [1.0, 2.0, 3.0, 4.0]),
    ),
    # --- title rows and header= ----------------------------------------------------------------
    Case(
        "io-title-rows-xlsx",
        "api",
        read(_xlsx("title.xlsx", TITLE_ROWS, merge=("A1:C1",))),
        warns=fo.DataWarning,
        warn_match=r"title\.xlsx: the header is row 3; row 1 above it .*header=3",
        check=frame_is(index=list(range(4, 4 + len(BASE)))),
    ),
    Case(
        "io-title-rows-csv",
        "api",
        read(_write("t.csv", "试验名称：氮肥用量试验,,\n地点：某县,,\n\n" + CHINESE)),
        warns=fo.DataWarning,
        warn_match=r"the header is row 4; rows 1–2 above it",
    ),
    Case(
        "io-title-rows-header-given",
        "api",
        read(_xlsx("title.xlsx", TITLE_ROWS), header=3),
        check=BASE_FRAME,
    ),
    Case(
        "io-title-rows-report",
        "api",
        report(_xlsx("title.xlsx", TITLE_ROWS), read_kw={"header": 3}),
        check=lambda rep: _eq(rep.section("anova").status, "ok"),
    ),
    Case(
        "io-header-zero",
        "api",
        read(_write("t.csv", CSV), header=0),
        raises=fo.OptionError,
        match="numbered as in the spreadsheet, from 1",
    ),
    Case(
        "io-header-beyond",
        "api",
        read(_write("t.csv", CSV), header=99),
        raises=fo.OptionError,
        match=r"row 99 of t\.csv is blank or beyond its end",
    ),
    Case(
        "io-header-text",
        "api",
        read(_write("t.csv", CSV), header="first"),
        raises=fo.OptionError,
        match=r"header='first' is not understood",
    ),
    Case(
        "io-header-frame",
        "api",
        lambda tmp: fo.read_trials(pd.DataFrame({"trt": ["A"]}), header=1),
        raises=fo.OptionError,
        match="header= applies to files",
    ),
    Case(
        "io-cli-title-rows",
        "cli",
        cli(_xlsx("title.xlsx", TITLE_ROWS)),
        warns=fo.DataWarning,
        warn_match=r"the header is row 3.*--header 3",
        check=stdout_has(LEVELS),
    ),
    Case(
        "io-cli-header-given",
        "cli",
        cli(_xlsx("title.xlsx", TITLE_ROWS), "--header", "3"),
        check=stdout_has(LEVELS, r"Plots in the data\s+12"),
    ),
    Case(
        "io-cli-header-bad",
        "cli",
        cli(_write("t.csv", CSV), "--header", "x"),
        raises=fo.OptionError,
        match="--header x: give the header's row number",
    ),
    # --- files that are not tables ---------------------------------------------------------------
    Case(
        "io-empty-file",
        "api",
        read(_write("e.csv", b"")),
        raises=fo.DataError,
        match=r"e\.csv is empty",
    ),
    Case(
        "io-blank-lines-only",
        "api",
        read(_write("e.csv", "\n \n\r\n")),
        raises=fo.DataError,
        match=r"e\.csv is empty",
    ),
    Case(
        "io-separators-only",
        "api",
        read(_write("e.csv", ",,\n,,\n")),
        raises=fo.DataError,
        match=r"e\.csv holds no cells",
    ),
    Case(
        "io-header-only-csv",
        "api",
        read(_write("h.csv", "trt,rep,yield\n")),
        raises=fo.DataError,
        match=r"h\.csv holds a header \(row 1\) but no data rows",
    ),
    Case(
        "io-header-only-xlsx",
        "api",
        read(_xlsx("h.xlsx", [["trt", "rep", "yield"]])),
        raises=fo.DataError,
        match=r"h\.xlsx holds a header \(row 1\) but no data rows",
    ),
    Case(
        "io-empty-xlsx",
        "api",
        read(_xlsx("e.xlsx", [])),
        raises=fo.DataError,
        match=r"e\.xlsx holds no cells",
    ),
    Case(
        "io-binary",
        "api",
        read(_write("img.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))),
        raises=fo.DataError,
        match=r"img\.csv is not a text table",
    ),
    Case(
        "io-xlsx-named-csv",
        "api",
        lambda tmp: fo.read_trials(
            _xlsx("t.xlsx", [["trt", "yield"], ["A", 1]])(tmp).rename(tmp / "t.csv")
        ),
        raises=fo.DataError,
        match=r"t\.csv is not a text table but a zip archive.*\.xlsx ending",
    ),
    Case(
        "io-csv-named-xlsx",
        "api",
        read(_write("t.xlsx", CSV)),
        raises=fo.DataError,
        match=r"t\.xlsx could not be opened as an Excel workbook.*save",
    ),
    Case(
        "io-parquet-garbage",
        "api",
        read(_write("t.parquet", CSV)),
        raises=fo.DataError,
        match=r"t\.parquet could not be read as a Parquet file",
    ),
    Case(
        "io-directory",
        "api",
        lambda tmp: fo.read_trials(tmp),
        raises=fo.DataError,
        match=r"is a folder, not a file.*run_batch",
    ),
    Case(
        "io-missing-file",
        "api",
        lambda tmp: fo.read_trials(tmp / "nope.csv"),
        raises=fo.DataError,
        match=r"file not found: .*nope\.csv",
    ),
    Case(
        "io-missing-sheet",
        "api",
        read(_xlsx("s.xlsx", [["trt", "yield"], ["A", 1]], sheets=("2013", "2014")), sheet="2015"),
        raises=fo.OptionError,
        match=r"s\.xlsx has no sheet named '2015'; its sheets are '2013', '2014'",
    ),
    Case(
        "io-sheet-number-beyond",
        "api",
        read(_xlsx("s.xlsx", [["trt", "yield"], ["A", 1]]), sheet=2),
        raises=fo.OptionError,
        match=r"sheet=2 is not a sheet of s\.xlsx: it has 1 sheet",
    ),
    Case(
        "io-sheet-for-csv",
        "api",
        read(_write("t.csv", CSV), sheet="2013"),
        raises=fo.OptionError,
        match=r"t\.csv is not an Excel workbook",
    ),
    Case(
        "io-xls",
        "api",
        read(_write("old.xls", b"\xd0\xcf\x11\xe0")),
        raises=fo.DataError,
        match=r"old\.xls is an old \.xls workbook.*save it as \.xlsx",
    ),
    Case(
        "io-cli-missing-sheet",
        "cli",
        cli(_xlsx("s.xlsx", [["trt", "yield"], ["A", 1]], sheets=("2013",)), "--sheet", "2014"),
        raises=fo.OptionError,
        match=r"no sheet named '2014'; its sheets are '2013'",
    ),
    Case(
        "io-cli-directory",
        "cli",
        lambda tmp: ["analyze", tmp],
        raises=fo.DataError,
        match="is a folder, not a file",
    ),
    # --- Excel cells ---------------------------------------------------------------------------
    Case(
        "io-xlsx-labels",
        "api",
        read(
            _xlsx(
                "l.xlsx",
                [["trt", "rep", "yield"], ["None", 1, 1.0], ["NA", 1, 2.0], ["#N/A", 1, 3.0]],
            )
        ),
        check=frame_is(["None", "NA", "#N/A"], [1, 1, 1], [1.0, 2.0, 3.0]),
    ),
    Case(
        "io-xlsx-blank-row-keeps-numbers",
        "api",
        read(
            _xlsx("b.xlsx", [["trt", "rep", "yield"], ["A", 1, 1.0], [None], [None], ["B", 1, 2.0]])
        ),
        check=frame_is(["A", "B"], [1, 1], [1.0, 2.0], index=[2, 5]),
    ),
    Case(
        "io-xlsx-blank-row-error-row",
        "api",
        read(_xlsx("b.xlsx", [["trt", "rep", "yield"], ["A", 1, 1.0], [None], ["B", 1, "lost"]])),
        raises=fo.DataError,
        match=r"row 4 \('lost'\)",
    ),
    Case(
        "io-xlsx-offset-table",
        "api",
        read(_xlsx("o.xlsx", [["trt", "rep", "yield"], ["A", 1, 1.0], ["B", 1, 2.0]], at=(5, 3))),
        check=frame_is(["A", "B"], [1, 1], [1.0, 2.0], index=[6, 7]),
    ),
    Case(
        "io-xlsx-formula-uncached",
        "api",
        read(_formula_xlsx()),
        raises=fo.DataError,
        match=r"cells C3 \(=C2\*2\) hold formulas whose values were never calculated.*save it",
    ),
    Case(
        "io-xlsx-formula-cached",
        "api",
        read(_cached(_formula_xlsx(), "C2*2", "614")),
        check=frame_is(yields=[YIELDS[0], 614.0, *YIELDS[2:]]),
    ),
    Case(
        "io-cli-formula",
        "cli",
        cli(_formula_xlsx()),
        raises=fo.DataError,
        match="hold formulas whose values were never calculated",
    ),
    Case(
        "io-xlsx-date-in-rate",
        "api",
        read(
            _xlsx(
                "d.xlsx",
                [["trt", "N", "yield"], ["A", 0, 1.0], ["B", datetime.datetime(1900, 3, 30), 2.0]],
            )
        ),
        raises=fo.DataError,
        match=r"column 'N' holds dates where numbers belong: cells B3.*format the column as Number",
    ),
    Case(
        "io-xlsx-error-value",
        "api",
        read(_xlsx("e.xlsx", [["trt", "yield"], ["A", 1.0], ["B", "#DIV/0!"]])),
        raises=fo.DataError,
        match=r"Excel error values: cells B3 \('#DIV/0!'\)",
    ),
    Case(
        "io-xlsx-numbers-as-text",
        "api",
        read(_xlsx("n.xlsx", [["trt", "rep", "yield"], ["A", "1", "10.5"], ["B", "1", " 11"]])),
        check=frame_is(["A", "B"], ["1", "1"], [10.5, 11.0]),
    ),
    Case(
        "io-xlsx-pandas-index-column",
        "api",
        read(_xlsx("i.xlsx", [[None, "trt", "yield"], [0, "A", 1.0], [1, "B", 2.0]])),
        check=frame_is(["A", "B"], yields=[1.0, 2.0], columns=["unnamed_A", "treatment", "yield"]),
    ),
    # --- labels and cells ----------------------------------------------------------------------
    Case(
        "io-csv-na-labels",
        "api",
        read(_write("t.csv", "trt,rep,yield\nNone,1,1\nNA,1,2\nnan,1,3\n")),
        check=frame_is(["None", "NA", "nan"], yields=[1.0, 2.0, 3.0]),
    ),
    Case(
        "io-trailing-spaces-in-labels",
        "api",
        anova(_write("t.csv", _lines(rows=[(t + " " * (r % 2), r, y) for t, r, y in BASE]))),
        check=base_anova(),
    ),
    Case(
        "io-mixed-type-yield",
        "api",
        read(_write("t.csv", "trt,rep,yield\nA,1,10\nB,1,ten\nC,1,12\n")),
        raises=fo.DataError,
        match=r"yield column 'yield' holds values that are not numbers: row 3 \('ten'\)",
    ),
    Case(
        "io-missing-markers",
        "api",
        anova(_write("t.csv", _lines(rows=[*BASE[:-1], ("NPK", 3, "—")]))),
        warns=fo.DataWarning,
        warn_match=r"left out \(row 13\)",
        check=base_anova(len(BASE) - 1, math.fsum(YIELDS[:-1]) / (len(BASE) - 1)),
    ),
    Case(
        "io-injection-labels-read",
        "api",
        read(_write("t.csv", "trt,rep,yield\n=SUM(A1),1,1\n+1,1,2\n@x,1,3\n")),
        check=frame_is(["=SUM(A1)", "+1", "@x"], yields=[1.0, 2.0, 3.0]),
    ),
    Case("io-injection-batch-csv", "api", _batch_injection, check=_no_formula_text),
    Case("io-injection-batch-xlsx", "api", _xlsx_injection, check=_no_formula_cells),
    Case(
        "io-injection-design-cli",
        "cli",
        lambda tmp: ["design", "rcbd", "--treatments=CK,=1+1,-N,@A1", "--reps", "2", "--seed", "3"],
        check=_field_book,
    ),
    Case(
        "io-injection-markdown-cli",
        "cli",
        cli(_write("t.csv", _lines(rows=SCRIPT_ROWS)), "--format", "markdown"),
        check=_markdown_inert,
    ),
    # --- the wide layout ------------------------------------------------------------------------
    Case(
        "io-wide-csv",
        "api",
        read(_write("wide.csv", WIDE)),
        warns=fo.DataWarning,
        warn_match=r"wide\.csv is in the wide layout.*'Ⅰ', 'Ⅱ', 'Ⅲ'.*layout='long'",
        check=frame_is(WIDE_TRTS, WIDE_BLOCKS, WIDE_YIELDS),
    ),
    Case(
        "io-wide-confirmed",
        "api",
        read(_write("wide.csv", WIDE), layout="wide"),
        check=frame_is(
            WIDE_TRTS,
            WIDE_BLOCKS,
            WIDE_YIELDS,
            index=[f"{c}{r}" for r in (2, 3, 4, 5) for c in "BCD"],
        ),
    ),
    Case(
        "io-wide-kept-long",
        "api",
        read(_write("wide.csv", WIDE), layout="long"),
        check=frame_is(TRTS, columns=["treatment", "Ⅰ", "Ⅱ", "Ⅲ"]),
    ),
    Case(
        "io-wide-ascii-roman",
        "api",
        read(_write("w.csv", WIDE.replace("Ⅰ,Ⅱ,Ⅲ", "I,II,III")), layout="wide"),
        check=frame_is(WIDE_TRTS, ["I", "II", "III"] * 4, WIDE_YIELDS),
    ),
    Case(
        "io-wide-r1",
        "api",
        read(_write("w.csv", WIDE.replace("Ⅰ,Ⅱ,Ⅲ", "R1,R2,R3")), layout="wide"),
        check=frame_is(WIDE_TRTS, ["R1", "R2", "R3"] * 4, WIDE_YIELDS),
    ),
    Case(
        "io-wide-chinese-reps",
        "api",
        read(_write("w.csv", WIDE.replace("Ⅰ,Ⅱ,Ⅲ", "重复1,重复2,重复3")), layout="wide"),
        check=frame_is(WIDE_TRTS, ["重复1", "重复2", "重复3"] * 4, WIDE_YIELDS),
    ),
    Case(
        "io-wide-yield-prefix",
        "api",
        read(_write("w.csv", WIDE.replace("Ⅰ,Ⅱ,Ⅲ", "产量 1,产量 2,产量 3")), layout="wide"),
        check=frame_is(WIDE_TRTS, ["1", "2", "3"] * 4, WIDE_YIELDS),
    ),
    Case(
        "io-wide-asked-of-long",
        "api",
        read(_write("t.csv", CSV), layout="wide"),
        raises=fo.DataError,
        match=r"layout='wide' was asked for, but t\.csv .*no replicate columns were found",
    ),
    Case(
        "io-wide-bad-layout",
        "api",
        read(_write("t.csv", CSV), layout="tall"),
        raises=fo.OptionError,
        match=r"layout='tall' is not a valid option",
    ),
    Case(
        "io-wide-anova",
        "api",
        anova(_write("wide.csv", WIDE), read_kw={"layout": "wide"}),
        check=base_anova(),
    ),
    Case(
        "io-wide-text-cell",
        "api",
        read(_write("wide.csv", WIDE.replace(f",{YIELDS[0]},", ",lost,", 1)), layout="wide"),
        raises=fo.DataError,
        match=r"not numbers: row B2 \('lost'\)",
    ),
    Case(
        "io-cli-wide",
        "cli",
        cli(_write("wide.csv", WIDE)),
        warns=fo.DataWarning,
        warn_match=r"wide layout.*--layout wide",
        check=stdout_has(LEVELS, r"Block\s+3 levels: Ⅰ, Ⅱ, Ⅲ", r"Plots in the data\s+12"),
    ),
    Case(
        "io-cli-gbk-json",
        "cli",
        cli(_write("t.csv", CHINESE, "gbk"), "--format", "json"),
        check=_json_levels,
    ),
    Case(
        "io-report-gbk",
        "api",
        report(_write("t.csv", CHINESE, "gbk")),
        check=lambda rep: _eq(rep.section("anova").status, "ok"),
    ),
]


def _eq(got: Any, expected: Any) -> None:
    assert got == expected, (got, expected)
