"""Field-book generators: layout invariants, the 3414 table, reproducible randomisation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import fertopt as fo
from fertopt import design

LEVEL2 = {"N": 18, "P2O5": 8, "K2O": 19}
# anchors-fert b6 (777doc table): treatment number -> levels of N, P, K
TABLE_3414 = {
    1: "000",
    2: "022",
    3: "122",
    4: "202",
    5: "212",
    6: "222",
    7: "232",
    8: "220",
    9: "221",
    10: "223",
    11: "322",
    12: "112",
    13: "121",
    14: "211",
}


def test_crd_counts_and_seed():
    book = design.crd(["A", "B", "C", "D"], reps=5, rng=11)
    assert list(book.table.columns) == ["plot", "rep", "treatment"]
    assert book.table["treatment"].value_counts().to_dict() == {t: 5 for t in "ABCD"}
    assert book.seed == 11 and book.n_plots == 20 and book.randomised
    assert list(book.table["plot"]) == list(range(1, 21))
    assert sorted(book.table.loc[book.table["treatment"] == "A", "rep"]) == [1, 2, 3, 4, 5]


def test_rcbd_blocks_hold_every_treatment_once():
    labels = ["CK", "NPK", "PK", "NK", "NP"]
    book = design.rcbd(labels, reps=4, rng=3, plot_numbers="block")
    t = book.table
    assert list(t.columns) == ["plot", "block", "treatment"]
    for _, blk in t.groupby("block"):
        assert sorted(blk["treatment"]) == sorted(labels)
    assert list(t.loc[t["block"] == 2, "plot"]) == [201, 202, 203, 204, 205]
    orders = {tuple(blk["treatment"]) for _, blk in t.groupby("block")}
    assert len(orders) > 1  # blocks are randomised separately


def test_reproducible_from_recorded_seed():
    first = design.rcbd(6, reps=3, rng=np.random.default_rng(99))
    again = design.rcbd(6, reps=3, rng=first.seed)
    pd.testing.assert_frame_equal(first.table, again.table)
    unseeded = design.three414(level2=LEVEL2, reps=2)
    pd.testing.assert_frame_equal(
        unseeded.table, design.three414(level2=LEVEL2, reps=2, rng=unseeded.seed).table
    )
    assert list(design.rcbd(6, reps=2).table["treatment"]) != [] and isinstance(unseeded.seed, int)


def test_randomisation_is_uniform():
    """Over 3000 seeds, treatment 'A' falls in each of the 6 positions of block 1 equally often."""
    counts = np.zeros(6)
    for seed in range(3000):
        t = design.rcbd(["A", "B", "C", "D", "E", "F"], reps=1, rng=seed).table
        counts[int(np.flatnonzero(t["treatment"].to_numpy() == "A")[0])] += 1
    # chi-square goodness of fit at 0.1 %: a biased shuffle would fail
    assert stats.chisquare(counts).pvalue > 0.001


def test_latin_square():
    book = design.latin_square(["a", "b", "c", "d", "e"], rng=8)
    grid = book.table.pivot(index="row", columns="column", values="treatment").to_numpy()
    assert all(len(set(r)) == 5 for r in grid) and all(len(set(c)) == 5 for c in grid.T)
    assert book.n_plots == 25 and book.reps == 5
    squares = {tuple(design.latin_square(4, rng=s).table["treatment"]) for s in range(30)}
    assert len(squares) > 5


def test_factorial():
    book = design.factorial({"N": [0, 90, 180], "K2O": [0, 60]}, reps=3, rng=4)
    t = book.table
    assert list(t.columns) == ["plot", "block", "treatment", "N", "K2O"]
    assert len(book.treatments) == 6 and book.n_plots == 18
    for _, blk in t.groupby("block"):
        assert sorted(zip(blk["N"], blk["K2O"], strict=True)) == sorted(
            (n, k) for n in (0, 90, 180) for k in (0, 60)
        )
    crd_book = design.factorial({"N": [0, 90], "P2O5": [0, 45]}, reps=2, blocks=False, rng=1)
    assert "rep" in crd_book.table and "block" not in crd_book.table


def test_split_plot():
    book = design.split_plot({"irrigation": ["dry", "wet"]}, {"N": [0, 60, 120]}, reps=3, rng=6)
    t = book.table
    assert list(t.columns) == ["plot", "block", "main_plot", "treatment", "irrigation", "N"]
    for _, mp in t.groupby(["block", "main_plot"]):
        assert mp["irrigation"].nunique() == 1 and sorted(mp["N"]) == [0, 60, 120]
    for _, blk in t.groupby("block"):
        assert sorted(blk.drop_duplicates("main_plot")["irrigation"]) == ["dry", "wet"]


def test_omission_designs():
    book = design.omission({"N": 18, "P2O5": 8, "K2O": 19}, reps=3, rng=2013)
    assert list(book.treatments["treatment"]) == ["CK", "NPK", "PK", "NK", "NP"]
    assert book.n_plots == 15 and list(book.table.columns) == [
        "plot",
        "block",
        "treatment",
        "N",
        "P2O5",
        "K2O",
    ]
    row = book.table[book.table["treatment"] == "NK"].iloc[0]
    assert (row["N"], row["P2O5"], row["K2O"]) == (18, 0, 19)
    reduced = design.omission(
        {"N": 18, "P2O5": 8, "K2O": 19}, reduce={"N": 0.3}, control=False, rng=1
    )
    tr = reduced.treatments.set_index("treatment")
    assert list(tr.index) == ["NPK", "NPK-N30%", "NK", "NP"]
    assert tr.loc["NPK-N30%", "N"] == pytest.approx(18 * 0.7)


def test_three414_table_matches_the_standard():
    book = design.three414(level2=LEVEL2, reps=3, rng=1)
    tr = book.treatments
    assert list(tr["treatment"]) == list(range(1, 15))
    codes = {r.treatment: r.code for r in tr.itertuples()}
    assert codes == {k: f"N{v[0]}P{v[1]}K{v[2]}" for k, v in TABLE_3414.items()}
    mult = [0, 0.5, 1, 1.5]
    for r in tr.itertuples():
        lv = TABLE_3414[r.treatment]
        assert (r.N, r.P2O5, r.K2O) == (
            mult[int(lv[0])] * 18,
            mult[int(lv[1])] * 8,
            mult[int(lv[2])] * 19,
        )
    assert book.n_plots == 42 and book.design == "3414"
    for _, blk in book.table.groupby("block"):
        assert sorted(blk["treatment"]) == list(range(1, 15))
    elemental = design.three414(level2={"N": 200, "P": 40, "K": 100}, rng=1)
    assert elemental.treatments["code"].iloc[5] == "N2P2K2"


def test_to_csv_roundtrip(tmp_path):
    book = design.three414(level2=LEVEL2, reps=2, rng=5)
    path = tmp_path / "fieldbook.csv"
    assert book.to_csv(path) is None
    back = pd.read_csv(path)
    pd.testing.assert_frame_equal(back, book.table, check_dtype=False)
    assert book.to_csv().splitlines()[0] == "plot,block,treatment,code,N,P2O5,K2O"


def test_display():
    book = design.rcbd(["A", "B"], reps=2, rng=1)
    assert repr(book) == "<FieldBook RCBD | 2 treatments × 2 blocks = 4 plots | seed 1>"
    assert "Treatments" in str(book)
    assert book.to_dict()["seed"] == 1
    assert fo.design is design and fo.FieldBook is design.FieldBook


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: design.rcbd(["A"], reps=3), "at least 2 treatments"),
        (lambda: design.rcbd(["A", "A", "B"], reps=3), "repeated: A"),
        (lambda: design.rcbd(["A", "B"], reps=0), "reps must be a whole number"),
        (lambda: design.crd("AB", reps=2), "list of treatment labels"),
        (lambda: design.rcbd(["A", "B"], reps=2, rng="x"), "rng must be an integer seed"),
        (lambda: design.three414(level2={"N": 18, "P2O5": 8}), "exactly three nutrients"),
        (lambda: design.three414(level2={"N": 18, "P2O5": 0, "K2O": 19}), "positive rate"),
        (
            lambda: design.three414(level2=LEVEL2, multipliers=(0, 1, 0.5, 1.5)),
            "4 increasing values",
        ),
        (lambda: design.omission({"N": 18, "P2O5": 8}, reduce=1.5), r"in \(0, 1\]"),
        (lambda: design.omission({"N": 18, "P2O5": 8}, reduce={"S": 0.5}), "does not have"),
        (lambda: design.factorial({"N": [0]}, reps=2), "at least 2 levels"),
        (lambda: design.split_plot({"a": [1, 2]}, {"a": [1, 2]}, reps=2), "different names"),
        (lambda: design.latin_square(13), "use an RCBD"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(fo.FertoptError, match=match):
        call()


# ---------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------
def _cli(*args):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    return subprocess.run(
        [sys.executable, "-m", "fertopt.cli", "design", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_cli_design_3414_writes_the_field_book(tmp_path):
    out = tmp_path / "fb.csv"
    res = _cli(
        "3414", "--level2", "N=18,P2O5=8,K2O=19", "--reps", "3", "--seed", "7", "--out", str(out)
    )
    assert res.returncode == 0, res.stderr
    assert "seed 7" in res.stderr and "42 plots" in res.stderr
    written = pd.read_csv(out)
    pd.testing.assert_frame_equal(
        written, design.three414(level2=LEVEL2, reps=3, rng=7).table, check_dtype=False
    )


def test_cli_design_other_kinds_and_errors():
    res = _cli(
        "factorial", "--factor", "N=0,90", "--factor", "K2O=0,60", "--reps", "2", "--seed", "1"
    )
    assert res.returncode == 0, res.stderr
    assert (
        res.stdout.splitlines()[0] == "plot,block,treatment,N,K2O"
        and len(res.stdout.splitlines()) == 9
    )
    res = _cli("split-plot", "--main", "irr=dry,wet", "--sub", "N=0,60", "--seed", "1")
    assert res.returncode == 0 and res.stdout.startswith("plot,block,main_plot,treatment,irr,N")
    res = _cli("omission", "--formula", "N=18,P2O5=8,K2O=19", "--seed", "1")
    assert res.returncode == 0 and len(res.stdout.splitlines()) == 16
    res = _cli("3414", "--level2", "N=18,P2O5")
    assert res.returncode == 2 and "NAME=RATE pairs" in res.stderr
    res = _cli("rcbd")
    assert res.returncode == 2 and "needs --treatments" in res.stderr
