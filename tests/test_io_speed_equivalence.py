"""read_trials reads a long text file column by column with the result of reading it cell by cell.

A file longer than ``TOP_LINES`` lines has its top lines read cell by cell (the header is found
there) and the rest column by column (pyarrow's CSV reader, or pandas' where pyarrow is not
installed), with the per-cell cleaning only for the cells that need it.  Every file here is
generated from known values, and each test checks two things:

* the frame holds the values the file was written from (expectations computed here, from
  the values, never from fertopt's output);
* the same file read with every line cell by cell (``TOP_LINES`` raised above the file's
  length, which is how every file was read before) gives the same frame, dtypes, index,
  provenance and error messages, with pyarrow and without it.
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import fertopt as fo
from fertopt._core import sheet

pa = pytest.importorskip("pyarrow")
pc = pytest.importorskip("pyarrow.compute")

N_ROWS = 300  # well past TOP_LINES, so that most rows are read column by column
TRTS = ["CK", "N", "NP", "NPK", "NA", "None", "0", "#N/A", "减氮"]


def _read_each_way(path: Path, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> dict[str, Any]:
    """The frame (or the error message) read column by column with pyarrow, without it, and
    cell by cell."""
    out: dict[str, Any] = {}
    read_body = sheet.read_body
    kinds: list[str] = []

    def spy(*args: Any, **kw: Any) -> Any:
        columns = read_body(*args, **kw)
        kinds.append("cells" if columns is None else type(columns[0]).__name__)
        return columns

    def attempt() -> Any:
        try:
            return fo.read_trials(path, **kw)
        except fo.FertoptError as exc:
            return (type(exc).__name__, str(exc))

    with monkeypatch.context() as m:
        m.setattr("fertopt._core.sheet.read_body", spy)
        out["arrow"] = attempt()
        m.setattr("fertopt._core.sheet._arrow", lambda: None)
        out["pandas"] = attempt()
    out["kinds"] = kinds  # how the lines below the top were read, with pyarrow and without
    with monkeypatch.context() as m:
        m.setattr("fertopt._core.sheet.TOP_LINES", 10**9)
        out["cells"] = attempt()
    return out


def _same(frames: dict[str, Any], error: bool = False) -> Any:
    """Check the readings agree; return the cell-by-cell one (an error only when expected)."""
    ref = frames["cells"]
    assert isinstance(ref, tuple) == error, ref
    for way in ("arrow", "pandas"):
        got = frames[way]
        if isinstance(ref, tuple):
            assert got == ref, (way, got, ref)
            continue
        assert not isinstance(got, tuple), (way, got)
        pd.testing.assert_frame_equal(got, ref, check_exact=True)
        assert got.attrs == ref.attrs, way
        for col in ref.columns:
            if ref[col].dtype == object:  # text cells as Python str, empty cells as None
                assert got[col].map(type).tolist() == ref[col].map(type).tolist(), (way, col)
                assert got[col].tolist() == ref[col].tolist(), (way, col)
    return ref


def _write(path: Path, lines: list[str], *, end: str = "\n", encoding: str = "utf-8") -> Path:
    path.write_bytes((end.join(lines) + end).encode(encoding))
    return path


# ---------------------------------------------------------------------------
# the messy numbers: how a value may be written in a cell, and what it is
# ---------------------------------------------------------------------------
_FULL = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _messy(value: float | None, rng: random.Random) -> str:
    """A cell spelling ``value`` the way users' files do (``None``: a missing marker)."""
    if value is None:
        return rng.choice(["", "NA", "n/a", "-", "缺", " ", "—", "nan", "NULL"])
    text = repr(value)
    kind = rng.randrange(8)
    if kind == 0:
        return f"  {text} "
    if kind == 1:
        return text.translate(_FULL)
    if kind == 2 and value < 0:
        return "\u2212" + text[1:]
    if kind == 3:
        return f"{value:.3e}" if value else "0e0"
    if kind == 4:
        return "\u3000" + text
    return text


def _values(rng: random.Random, n: int) -> list[float | None]:
    out: list[float | None] = []
    for _ in range(n):
        u = rng.random()
        if u < 0.08:
            out.append(None)
        elif u < 0.12:
            out.append(-round(rng.uniform(0, 50), 2))
        else:
            out.append(round(rng.uniform(0, 9000), rng.randrange(0, 4)))
    return out


def _expected_number(cell: str, value: float | None) -> float:
    if value is None:
        return math.nan
    if "e" in cell:
        return float(f"{value:.3e}")
    return value


# ---------------------------------------------------------------------------
# the tests
# ---------------------------------------------------------------------------
def test_clean_numeric_file(tmp_path, monkeypatch):
    rng = np.random.default_rng(7)
    n = N_ROWS
    yields = rng.normal(5000, 600, n)
    lines = ["site,trt,rep,yield,N,P2O5,K2O"]
    rates = rng.choice([0.0, 75.0, 150.0, 225.5], (n, 3))
    for i in range(n):
        lines.append(
            f"S{i // 42},T{i % 14 + 1},{i % 3 + 1},{float(yields[i])!r},"
            + ",".join(repr(float(v)) for v in rates[i])
        )
    frames = _read_each_way(_write(tmp_path / "clean.csv", lines), monkeypatch)
    assert frames["kinds"] == ["ChunkedArray", "ndarray"]
    df = _same(frames)
    assert list(df.index) == list(range(2, n + 2))  # header is row 1
    np.testing.assert_array_equal(df["yield"].to_numpy(), yields)  # repr round-trips exactly
    np.testing.assert_array_equal(df[["N", "P2O5", "K2O"]].to_numpy(), rates)
    assert df["treatment"].tolist() == [f"T{i % 14 + 1}" for i in range(n)]
    assert df["block"].tolist() == [str(i % 3 + 1) for i in range(n)]  # labels stay text
    assert df["site"].tolist() == [f"S{i // 42}" for i in range(n)]


@pytest.mark.parametrize("blanks", [True, False])
@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_messy_cells_titles_and_blank_lines(tmp_path, monkeypatch, end, blanks):
    rng = random.Random(11)
    values = _values(rng, N_ROWS)
    lines = ["2013 年 氮肥 试验,,", "", "处理,重复,产量(kg/亩),编号,备注"]
    expected_rows, trts, cells, codes, notes = [], [], [], [], []
    line = len(lines)
    for i, v in enumerate(values):
        if blanks and i % 37 == 5:
            lines.append(rng.choice(["", ",,,,", "  ,  , "]))  # blank rows keep their numbers
            line += 1
        trt = TRTS[i % len(TRTS)]
        cell = _messy(v, rng)
        code = f"{i % 27:03d}"  # zero-padded codes stay text
        note = "" if i < 150 else rng.choice(["ok", "", " lodged "])  # filled below the top
        lines.append(f" {trt} ,{i % 4 + 1},{cell},{code},{note}")
        line += 1
        expected_rows.append(line)
        trts.append(trt)
        cells.append(cell)
        codes.append(code)
        notes.append(note.strip() or None)
    path = _write(tmp_path / "messy.csv", lines, end=end)
    with pytest.warns(fo.DataWarning, match="looked like a title"):
        frames = _read_each_way(path, monkeypatch)
    # blank lines are rows pyarrow's reader cannot number: pandas' reader reads them
    assert frames["kinds"] == ["ndarray" if blanks else "ChunkedArray", "ndarray"]
    df = _same(frames)
    assert list(df.index) == expected_rows
    assert df["treatment"].tolist() == trts
    assert df["编号"].tolist() == codes
    assert df["备注"].tolist() == notes
    want = [_expected_number(c, v) for c, v in zip(cells, values, strict=True)]
    np.testing.assert_array_equal(df["yield"].to_numpy(), np.array(want))
    assert df.attrs["fertopt"]["units"] == {"yield": "kg/mu"}


def test_gbk_semicolons_decimal_commas_and_conversion(tmp_path, monkeypatch):
    rng = random.Random(3)
    lines = ["处理;重复;产量(kg/亩);N"]
    kg_mu = []
    for i in range(N_ROWS):
        y = round(rng.uniform(300, 700), 1)
        kg_mu.append(y)
        lines.append(f"处理{i % 5};{i % 3 + 1};{str(y).replace('.', ',')};{i % 4 * 6}")
    path = _write(tmp_path / "gbk.csv", lines, encoding="gbk")
    frames = _read_each_way(path, monkeypatch, decimal=",", convert={"yield": "kg/ha"})
    assert frames["kinds"] == ["ChunkedArray", "ndarray"]
    df = _same(frames)
    np.testing.assert_allclose(
        df["yield"].to_numpy(),
        np.array(kg_mu) * 15,  # 1 mu = 1/15 ha: an exact factor, rounding of one product
        rtol=1e-15,
    )
    assert df["N"].tolist() == [float(i % 4 * 6) for i in range(N_ROWS)]


def test_tabs_quotes_and_short_rows(tmp_path, monkeypatch):
    lines = ["trt,rep,yield,note"]
    for i in range(N_ROWS):
        if i % 10 == 3:
            lines.append(f'"N,P",{i % 3 + 1},"1{i}.5","a ""quoted"" note"')
        elif i % 10 == 7:
            lines.append(f"CK,{i % 3 + 1}")  # a short row: the missing cells are empty
        else:
            lines.append(f"CK,{i % 3 + 1},{i}.25,")
    frames = _read_each_way(_write(tmp_path / "q.csv", lines), monkeypatch)
    assert frames["kinds"] == ["ndarray", "ndarray"]  # quotes, short rows: pandas' reader
    df = _same(frames)
    assert df.loc[5, "treatment"] == "N,P" and df.loc[5, "yield"] == float("13.5")
    assert df.loc[5, "note"] == 'a "quoted" note'
    assert math.isnan(df.loc[9, "yield"])
    tabbed = [line.replace(",", "\t") for line in lines if '"' not in line]
    _same(_read_each_way(_write(tmp_path / "t.tsv", tabbed), monkeypatch))


def test_a_column_first_filled_below_the_top_lines(tmp_path, monkeypatch):
    lines = ["trt,rep,yield,,extra"]
    for i in range(N_ROWS):
        lines.append(f"CK,1,{i},,{'x' if i == 200 else ''}")
    df = _same(_read_each_way(_write(tmp_path / "late.csv", lines), monkeypatch))
    assert list(df.columns) == ["treatment", "block", "yield", "extra"]  # column D is blank
    assert df["extra"].notna().sum() == 1


@pytest.mark.parametrize(
    "bad, message",
    [
        ("12,5", "more cells than the header"),
        ("lost", r"row 202 \('lost'\)"),
        ("1e999", "infinite values"),
        ("inf", "infinite values"),
    ],
)
def test_errors_in_the_body_are_the_same(tmp_path, monkeypatch, bad, message):
    lines = ["trt,rep,yield"] + [f"CK,1,{i}.5" for i in range(N_ROWS)]
    lines[201] = f"CK,1,{bad}"
    frames = _read_each_way(_write(tmp_path / "bad.csv", lines), monkeypatch)
    err = _same(frames, error=True)
    assert isinstance(err, tuple) and err[0] == "DataError"
    assert pytest.importorskip("re").search(message, err[1]), err[1]


def test_bad_cells_kept_as_text_when_not_strict(tmp_path, monkeypatch):
    lines = ["trt,rep,yield"] + [f"CK,1,{i}.5" for i in range(N_ROWS)]
    lines[250] = "CK,1,lost"
    df = _same(_read_each_way(_write(tmp_path / "lax.csv", lines), monkeypatch, strict=False))
    assert df["yield"].dtype == object and df.loc[251, "yield"] == "lost"


def test_header_given_below_the_top_lines_and_wide_tables(tmp_path, monkeypatch):
    lines = [f"note {i}" for i in range(80)] + ["trt,rep,yield"]
    lines += [f"T{i},{i % 3 + 1},{i}" for i in range(N_ROWS)]
    path = _write(tmp_path / "low.csv", lines)
    df = _same(_read_each_way(path, monkeypatch, header=81))
    assert df.index[0] == 82 and df["yield"].iloc[-1] == N_ROWS - 1
    wide = ["处理,Ⅰ,Ⅱ,Ⅲ"] + [f"T{i},{i}.1,{i}.2,{i}.3" for i in range(N_ROWS)]
    with pytest.warns(fo.DataWarning, match="wide layout"):
        frames = _read_each_way(_write(tmp_path / "wide.csv", wide), monkeypatch)
    df = _same(frames)
    assert len(df) == 3 * N_ROWS and df.index[0] == "B2"


def test_arrow_reads_only_numbers_float_reads_alike():
    # the column-at-once conversion trusts pyarrow's parser only where it agrees with float():
    # random strings of number characters, each compared with float()
    rng = random.Random(5)
    alphabet = list("0123456789+-.eE_ ,") + ["inf", "nan", "NaN", "Infinity", "０", "٣"]
    cells = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))) for _ in range(20000)]
    digits = [
        "".join(rng.choice("0123456789") for _ in range(rng.randint(15, 25))) for _ in range(2000)
    ]
    cells += [f"{d[:3]}.{d[3:]}" for d in digits] + [f"0.{d}e-{len(d)}" for d in digits]
    for cell in cells:
        try:
            got = pc.cast(pa.array([cell]), pa.float64())[0].as_py()
        except pa.ArrowInvalid:
            continue
        want = float(cell)  # pyarrow took it: float() must take it, with the same value
        assert got == want or (math.isnan(got) and math.isnan(want)), cell
        assert math.copysign(1, got) == math.copysign(1, want), cell


def test_spaces_are_what_str_strip_removes():
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1))
    assert sheet.SPACES == "".join(c for c in everything if c.isspace())


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "gb18030"])
def test_encodings_and_a_long_cell(tmp_path, monkeypatch, encoding):
    lines = ["处理,重复,产量"] + [f"减氮{i % 4},{i % 3 + 1},{i}.5" for i in range(N_ROWS)]
    path = _write(tmp_path / "enc.csv", lines, encoding=encoding)
    df = _same(_read_each_way(path, monkeypatch))
    assert df["treatment"].iloc[-1] == f"减氮{(N_ROWS - 1) % 4}"
    assert df["yield"].iloc[-1] == N_ROWS - 0.5
    lines[200] = "CK,1," + "9" * 200_000  # longer than the csv module takes a cell
    err = _same(_read_each_way(_write(tmp_path / "long.csv", lines), monkeypatch), error=True)
    assert "field larger than field limit" in err[1]
