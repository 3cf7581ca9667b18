"""run_batch: the vectorized engine against the per-trial path, isolation of bad trials, the CLI.

The per-trial path is the public single-trial functions (fo.anova …), which
are tested against R elsewhere; here the vectorized engine must reproduce
their numbers trial by trial, and the harness must lose no trial.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import fertopt as fo

SRC = str(Path(__file__).parents[1] / "src")
NUMERIC = [
    "grand_mean",
    "cv",
    "mse",
    "df_resid",
    "df_treatment",
    "f",
    "p",
    "df_block",
    "f_block",
    "p_block",
    "r_squared",
]


# ---------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------
def random_trials(
    n_trials: int,
    seed: int,
    *,
    degenerate: bool = True,
    min_blocks: int = 2,
    shape: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """RCBD trials of 2–7 treatments × 2–4 blocks (or all of ``shape``); every 8th kind is a
    numerical trap."""
    rng = np.random.default_rng(seed)
    frames = []
    for t in range(n_trials):
        k, r = int(rng.integers(2, 8)), int(rng.integers(min_blocks, 5))
        if shape is not None:
            k, r = shape
        trt = np.repeat(np.arange(k), r)
        rep = np.tile(np.arange(r), k)
        # yields around 20 (8 SDs above zero: a yield is never negative)
        y = 20 + rng.normal(0, 1, k * r) + rng.normal(0, 2, k)[trt] + rng.normal(0, 1, r)[rep]
        kind = t % 8 if degenerate else 0
        if kind == 1:
            y = 1e9 + y * 1e-3  # large offset: digits live far right
        elif kind == 2:
            y = np.round(y)  # ties between plots and between means
        elif kind == 3:
            y = 20 + rng.normal(0, 1, k)[trt] + rng.normal(0, 1, r)[rep]  # additive: zero residual
        elif kind == 4:
            y = 20 + y - y.reshape(k, r).mean(axis=1)[trt]  # equal treatment means
        elif kind == 5:
            y = y * 1e-8  # tiny values
        elif kind == 6:
            y = y * 1e6  # large values
        frames.append(
            pd.DataFrame({"trial": t, "trt": [f"T{i}" for i in trt], "rep": rep + 1, "y": y})
        )
    return pd.concat(frames, ignore_index=True)


def assert_same_anova(a: pd.DataFrame, b: pd.DataFrame, data: pd.DataFrame, key: str) -> None:
    """Tables of two runs agree trial by trial.

    Tolerance: relative 1e-9, plus an absolute 1e-12 of the trial's own scale
    (its total sum of squares for SS-type numbers, its largest |y| for means):
    a sum of squares that is zero in exact arithmetic is rounding noise of
    that size in both paths, and its relative error means nothing.
    """
    a = a.set_index(key)
    b = b.set_index(key)
    assert a.index.equals(b.index)
    for col in ["design", "n_obs", "n_dropped", "n_treatments", "n_blocks", "balanced"]:
        assert (a[col] == b[col]).all(), col
    scale = data.groupby(key)["y"].agg(lambda v: np.abs(v).max()).reindex(a.index).to_numpy()
    sst = (
        data.groupby(key)["y"]
        .agg(lambda v: ((v - v.mean()) ** 2).sum())
        .reindex(a.index)
        .to_numpy()
    )

    def close(x, z, atol):
        x, z = np.asarray(x, dtype=float), np.asarray(z, dtype=float)
        same = (np.isnan(x) & np.isnan(z)) | (x == z)  # NaN or inf in both
        with np.errstate(invalid="ignore"):
            ok = same | (np.abs(x - z) <= 1e-9 * np.abs(z) + atol)
        assert ok.all(), (x[~ok][:5], z[~ok][:5])

    close(a["grand_mean"], b["grand_mean"], 1e-12 * scale)
    close(a["cv"] * a["grand_mean"], b["cv"] * b["grand_mean"], 1e-12 * scale)
    close(a["mse"], b["mse"], 1e-12 * sst)
    close(a["f"] * a["mse"], b["f"] * b["mse"], 1e-12 * sst)
    close(a["f_block"] * a["mse"], b["f_block"] * b["mse"], 1e-12 * sst)
    for col in ["p", "p_block", "r_squared"]:
        close(a[col], b[col], 1e-12)
    for col in ["df_resid", "df_treatment", "df_block"]:
        close(a[col], b[col], 0.0)


def run(data, **kw):
    kw.setdefault("by", "trial")
    kw.setdefault("response", "y")
    kw.setdefault("treatment", "trt")
    kw.setdefault("block", "rep")
    kw.setdefault("posthoc", None)
    return fo.run_batch(data, **kw)


# ---------------------------------------------------------------------------
# the vectorized engine reproduces the per-trial path
# ---------------------------------------------------------------------------
def test_vectorized_anova_equals_per_trial_on_random_and_degenerate_trials():
    data = random_trials(400, seed=11).sample(frac=1.0, random_state=3)
    fast = run(data)
    slow = run(data, engine="python")
    assert fast.n_trials == slow.n_trials == 400
    assert fast.n_vectorized >= 280  # zero residuals and zero grand means go per trial
    assert slow.n_vectorized == 0
    assert_same_anova(fast.table, slow.table, data, "trial")
    pd.testing.assert_frame_equal(fast.failures, slow.failures)

    pd.testing.assert_frame_equal(fast.warnings, slow.warnings)


@pytest.mark.slow
def test_vectorized_anova_equals_per_trial_on_3000_trials():
    data = random_trials(3000, seed=12).sample(frac=1.0, random_state=4)
    assert_same_anova(run(data).table, run(data, engine="python").table, data, "trial")


def test_crd_vectorized_equals_per_trial():
    data = random_trials(120, seed=13, degenerate=False)
    fast = run(data, block=None)
    slow = run(data, block=None, engine="python")
    assert fast.n_vectorized == 120
    assert (fast.table["design"] == "CRD").all() and fast.table["n_blocks"].isna().all()
    assert_same_anova(fast.table, slow.table, data, "trial")


def test_rcbd_by_hand():
    # 3 treatments × 2 blocks, y = treatment means 10, 12, 17 plus block ±1 plus ±0.5 noise.
    # Plots (block 1, block 2): A 11.5, 8.5 | B 13, 11 | C 17.5, 16.5
    # grand mean 13; treatment means 10, 12, 17 → SS_trt = 2·(9 + 1 + 16) = 52
    # block means 14, 12 → SS_block = 3·(1 + 1) = 6
    # residuals e_ij = y − t_i − b_j + 13: A (0.5, −0.5), B (0, 0), C (−0.5, 0.5) → SS_res = 1
    # F = (52/2) / (1/2) = 52, F_block = 6 / 0.5 = 12
    df = pd.DataFrame(
        {
            "trial": "x",
            "trt": list("AABBCC"),
            "rep": [1, 2] * 3,
            "y": [11.5, 8.5, 13, 11, 17.5, 16.5],
        }
    )
    res = run(df)
    row = res.table.iloc[0]
    assert row["engine"] == "vectorized"
    np.testing.assert_allclose(
        [row["grand_mean"], row["mse"], row["f"], row["f_block"]],
        [13.0, 0.5, 52.0, 12.0],
        rtol=1e-13,
    )  # exact decimals: rounding only
    # CV = 100·√0.5 / 13
    np.testing.assert_allclose(row["cv"], 100 * np.sqrt(0.5) / 13, rtol=1e-13)


def test_labels_read_like_the_single_trial_functions():
    # "T1" and "T1 " are one treatment for fo.anova (labels are stripped); the batch must agree
    base = random_trials(3, seed=14, degenerate=False)
    odd = base.copy()
    odd["trt"] = odd["trt"].astype(object)
    odd.loc[odd.index[::2], "trt"] = odd.loc[odd.index[::2], "trt"] + " "
    fast = run(odd)
    assert fast.n_vectorized == 3
    assert_same_anova(fast.table, run(base).table, base, "trial")
    # float labels 1.0 and 1 are the same level
    num = base.assign(rep=base["rep"].astype(float))
    assert_same_anova(run(num).table, run(base).table, base, "trial")


def test_order_is_deterministic_and_independent_of_row_order():
    data = random_trials(60, seed=15)
    a = run(data)
    b = run(data.sample(frac=1.0, random_state=9))
    assert list(a.table["trial"]) == sorted(a.table["trial"])
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=False, rtol=1e-12)


def test_two_key_columns_and_tuple_keys():
    data = random_trials(6, seed=16, degenerate=False)
    data["site"] = np.where(data["trial"] % 2 == 0, "north", "south")
    data["year"] = 2020 + data["trial"] // 2
    res = fo.run_batch(data, by=("site", "year"), response="y", treatment="trt", block="rep")
    assert list(res.table.columns[:2]) == ["site", "year"]
    assert list(zip(res.table["site"], res.table["year"], strict=True)) == sorted(
        zip(res.table["site"], res.table["year"], strict=True)
    )
    trial = res.results[("south", 2021)]
    alone = fo.anova(
        data[(data["site"] == "south") & (data["year"] == 2021)],
        response="y",
        treatment="trt",
        block="rep",
    )
    np.testing.assert_allclose(trial.anova.table["ss"], alone.table["ss"], rtol=1e-15)


# ---------------------------------------------------------------------------
# bad input: no trial lost, healthy trials unaffected
# ---------------------------------------------------------------------------
def bad_batch() -> tuple[pd.DataFrame, dict[int, str]]:
    data = random_trials(10, seed=17, degenerate=False, shape=(5, 3))
    data["y"] = data["y"].astype(object)
    rows = data.groupby("trial").groups
    data = data.drop(index=rows[0][:1])  # 0: a missing plot
    data.loc[rows[1][2], "y"] = "twelve"  # 1: text in a yield
    data = data[(data["trial"] != 2) | (data["rep"] == 1)]  # 2: a single block
    data.loc[rows[3], "y"] = 5.0  # 3: constant yields
    data = pd.concat([data, data.loc[[rows[4][0]]]])  # 4: a duplicated plot
    data.loc[rows[5][1], "y"] = None  # 5: a missing yield
    data = data[(data["trial"] != 6) | (data["trt"] == "T0")]  # 6: one treatment
    data = data[(data["trial"] != 7) | (data["trt"] != "T2")]  # 7: a treatment missing
    expected = {
        0: "warn",
        1: "fail",
        2: "fail",
        3: "fail",
        4: "warn",
        5: "warn",
        6: "fail",
        7: "warn",
    }
    return data, expected


@pytest.mark.parametrize("engine", ["vectorized", "python"])
def test_malformed_trials_are_recorded_and_healthy_ones_unchanged(engine):
    data, expected = bad_batch()
    res = run(data, engine=engine)
    failed = set(res.failures["trial"])
    analysed = set(res.table["trial"])
    assert failed | analysed == set(range(10)) and not failed & analysed  # each trial exactly once
    assert failed == {t for t, e in expected.items() if e == "fail"}
    messages = res.failures.set_index("trial")["message"]
    assert "not numbers: row" in messages[1] and "'twelve'" in messages[1]
    assert "single level" in messages[2]
    assert "are equal" in messages[3]
    assert "1 level" in messages[6]
    warned = set(res.warnings["trial"])
    assert warned == {t for t, e in expected.items() if e == "warn"} | {6}  # 6 lacks 4 of 5
    missing = res.warnings.set_index("trial").loc[[7], "message"].iloc[0]
    assert "treatment 'T2' of the usual treatment set of this batch" in missing
    engine_of = res.table.set_index("trial")["engine"]
    assert engine_of[4] == "python"  # a duplicated plot
    # missing plots stay on the vectorized engine (test_batch_missing checks their numbers)
    assert (engine_of.loc[[0, 5]] == ("vectorized" if engine == "vectorized" else "python")).all()
    # the healthy trials give what they give alone
    healthy = [t for t in range(10) if t not in expected]
    alone = run(data[data["trial"].isin(healthy)].assign(y=lambda d: d["y"].astype(float)))
    assert_same_anova(
        res.table[res.table["trial"].isin(healthy)].reset_index(drop=True),
        alone.table,
        data.assign(y=pd.to_numeric(data["y"], errors="coerce")),
        "trial",
    )


def test_errors_raise_stops_at_the_first_failing_trial_in_key_order():
    data, _ = bad_batch()
    with pytest.raises(fo.DataError, match="not numbers"):
        run(data, errors="raise")


def test_rows_without_a_key_are_one_failure():
    data = random_trials(3, seed=18, degenerate=False)
    data["trial"] = data["trial"].astype(object)
    data.loc[[0, 5], "trial"] = None
    res = run(data)
    assert res.n_trials == 4 and res.n_failed == 1
    row = res.failures.iloc[-1]
    assert row["stage"] == "keys" and pd.isna(row["trial"])
    assert "2 rows have no value in the trial key column 'trial' (rows 0, 5)" in row["message"]


def test_all_trials_failing_gives_empty_table():
    data = random_trials(2, seed=19, degenerate=False).assign(y=1.0)
    res = run(data)
    assert len(res.table) == 0 and res.n_failed == 2
    assert list(res.table.columns[:4]) == ["trial", "engine", "status", "n_warnings"]


# ---------------------------------------------------------------------------
# results, display, options
# ---------------------------------------------------------------------------
def test_results_are_recomputed_lazily_with_the_single_trial_functions():
    data, _ = bad_batch()
    res = run(data)
    assert len(res.results) == 10 and 3 in res.results
    r0 = res.results[0]
    assert isinstance(r0, fo.batch.TrialResult)
    assert any("missing plots" in w for w in r0.warnings)
    with pytest.warns(fo.UnbalancedDesignWarning, match="missing plots"):
        alone = fo.anova(
            data[data["trial"] == 0].assign(y=lambda d: d["y"].astype(float)),
            response="y",
            treatment="trt",
            block="rep",
        )
    pd.testing.assert_frame_equal(r0.anova.table, alone.table)
    r3 = res.results[3]
    assert r3.anova is None and r3.errors["error"].tolist() == ["DataError"]
    assert "failed at anova" in repr(r3)
    assert "Trial 0" in str(r0)
    with pytest.raises(KeyError, match="no trial 99"):
        res.results[99]


def test_display_and_to_dict():
    data, _ = bad_batch()
    res = run(data)
    text = repr(res)
    assert text.startswith("<BatchResult 10 trials: 6 analysed") and "4 failed" in text
    summary = str(res)
    assert "Failures by stage and error" in summary and "DataError" in summary
    assert "<table>" in res._repr_html_()
    d = res.to_dict()
    assert d["n_failed"] == 4 and len(d["table"]) == 6


def test_progress_bar_and_its_absence(monkeypatch):
    data = random_trials(5, seed=20, degenerate=False)
    res = run(data, progress=True)  # tqdm is installed here: a bar on stderr, nothing else
    assert res.n_analysed == 5 and res.notes == ()
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.warns(fo.DisplayWarning, match="needs the tqdm package"):
        res = run(data, progress=True)
    assert res.n_analysed == 5 and "tqdm" in res.notes[0]


def test_python_engine_in_worker_processes_gives_the_same_tables():
    data, _ = bad_batch()
    one = run(data, engine="python")
    two = run(data, engine="python", n_jobs=2)
    for name in ("table", "failures", "warnings"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name))


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        ({"by": "site"}, fo.ColumnError, "by='site' is not a column"),
        ({"by": []}, fo.ColumnError, "empty list"),
        ({"treatment": ["trt", "rep"]}, fo.ColumnError, "one treatment column"),
        ({"engine": "fast"}, fo.FertoptError, "engine='fast' is not a valid option"),
        ({"errors": "ignore"}, fo.FertoptError, "errors='ignore'"),
        ({"n_jobs": 0}, fo.FertoptError, "n_jobs"),
        ({"alpha": 5}, fo.FertoptError, "alpha=5 is outside"),
        ({"posthoc": "bonferroni"}, fo.FertoptError, "posthoc='bonferroni'"),
        ({"surface": "full"}, fo.FertoptError, "surface= needs rates="),
        ({"rates": "N"}, fo.FertoptError, "rates= is used by surface= or model="),
        ({"by": "n_obs"}, fo.ColumnError, "name of a result column"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    data = random_trials(2, seed=21, degenerate=False)
    data["site"] = 1 if "by" in kwargs and kwargs["by"] == "n_obs" else 1
    data = data.drop(columns="site") if kwargs.get("by") == "site" else data
    if kwargs.get("by") == "n_obs":
        data = data.rename(columns={"trial": "n_obs"})
    if "rates" in kwargs:
        data["N"] = 0.0
    with pytest.raises(error, match=match):
        run(data, **kwargs)


def test_dask_frame_needs_the_dask_engine():
    dd = pytest.importorskip("dask.dataframe")
    data = random_trials(2, seed=22, degenerate=False)
    with pytest.raises(fo.FertoptError, match="engine='dask'"):
        run(dd.from_pandas(data, npartitions=1), engine="vectorized")


# ---------------------------------------------------------------------------
# files and the command line
# ---------------------------------------------------------------------------
def test_to_files_csv_parquet_xlsx(tmp_path):
    data, _ = bad_batch()
    res = run(data)
    written = res.to_files(tmp_path / "out.csv")
    assert [p.name for p in written] == [
        "out.csv",
        "out_groups.csv",
        "out_failures.csv",
        "out_warnings.csv",
    ]
    back = pd.read_csv(tmp_path / "out_failures.csv")
    assert len(back) == 4
    res.to_files(tmp_path / "out.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out.parquet"), res.table)
    res.to_files(tmp_path / "out.xlsx")
    sheets = pd.read_excel(tmp_path / "out.xlsx", sheet_name=None)
    assert list(sheets) == ["table", "groups", "failures", "warnings"]
    with pytest.raises(fo.FertoptError, match="ending in .parquet, .csv or .xlsx"):
        res.to_files(tmp_path / "out.json")


def test_paths_and_globs_are_read_like_read_trials(tmp_path):
    data = random_trials(4, seed=23, degenerate=False)
    for t, part in data.groupby("trial"):
        part.to_csv(tmp_path / f"site{t}.csv", index=False)
    res = fo.run_batch(
        str(tmp_path / "site*.csv"), by="trial", response="y", treatment="trt", block="rep"
    )
    assert res.n_analysed == 4 and res.n_vectorized == 4
    with pytest.raises(fo.DataError, match="no file matches"):
        fo.run_batch(str(tmp_path / "none*.csv"), by="trial", response="y", treatment="trt")


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run(
        [sys.executable, "-m", "fertopt.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def test_cli_batch_writes_tables_and_prints_a_summary_line(tmp_path):
    data, _ = bad_batch()
    data.rename(columns={"trt": "treatment", "rep": "block", "y": "yield"}).to_csv(
        tmp_path / "all.csv", index=False
    )
    out = cli("batch", "all.csv", "--by", "trial", "--out", "res.parquet", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    line = out.stdout.strip()
    assert line.startswith("fertopt batch: 10 trials, 6 analysed") and "4 failed" in line
    assert "5 with warnings" in line and " s -> res.parquet" in line
    assert len(pd.read_parquet(tmp_path / "res_failures.parquet")) == 4
    out = cli("batch", "all.csv", "--by", "site", cwd=tmp_path)
    assert out.returncode == 2 and "by='site' is not a column" in out.stderr
