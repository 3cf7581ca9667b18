"""The Dask engine on a dask.distributed LocalCluster: the same tables as the local engines."""

from __future__ import annotations

import pandas as pd
import pytest

import fertopt as fo

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from test_batch import bad_batch, random_trials  # noqa: E402
from test_batch_posthoc import strong_trials  # noqa: E402

TABLES = ("table", "groups", "failures", "warnings")


@pytest.fixture(scope="module")
def client():
    # two single-threaded worker processes: each trial's warnings are captured in a process
    # of its own (Python's warning state is process-wide); web pages on a free port (":0"),
    # since with None distributed still takes 8787 and warns when another program holds it
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def mixed_batch() -> pd.DataFrame:
    healthy = random_trials(40, seed=31, degenerate=False, min_blocks=3)
    healthy["trial"] += 100
    bad, _ = bad_batch()
    out = pd.concat([bad.assign(y=lambda d: d["y"].astype(object)), healthy], ignore_index=True)
    out["y"] = out["y"].astype(object)
    return out


def run(data, **kw):
    return fo.run_batch(data, by="trial", response="y", treatment="trt", block="rep", **kw)


def same(a: fo.BatchResult, b: fo.BatchResult) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    for name in ("n_trials", "n_analysed", "n_failed", "n_warned", "n_vectorized"):
        assert getattr(a, name) == getattr(b, name), name


def test_dask_frame_gives_the_local_tables(client):
    data = mixed_batch()
    local = run(data)
    # rows of a trial spread over partitions: the engine shuffles them together
    ddf = dd.from_pandas(data.sample(frac=1.0, random_state=2), npartitions=6)
    res = run(ddf)
    assert res.engine == "dask"
    same(res, local)
    assert res.n_failed == 4 and res.n_analysed == 46
    # drill-down recomputes one trial from the Dask frame
    with pytest.warns(fo.UnbalancedDesignWarning):
        alone = fo.anova(
            data[data["trial"] == 0].assign(y=lambda d: d["y"].astype(float)),
            response="y",
            treatment="trt",
            block="rep",
        )
    pd.testing.assert_frame_equal(res.results[0].anova.table, alone.table)


def test_a_pandas_frame_on_the_dask_engine_gives_the_local_tables(client):
    # a pandas frame is dealt into partitions of whole trials (no shuffle): the same tables,
    # the same row labels in messages (rows 0, 5 without a key), the same drill-down
    data = mixed_batch().sample(frac=1.0, random_state=5)
    data["trial"] = data["trial"].astype(object)
    data.loc[data.index[[0, 5]], "trial"] = None
    local = run(data)
    res = run(data, engine="dask")
    assert res.engine == "dask"
    same(res, local)
    assert res.failures.iloc[-1]["stage"] == "keys"
    pd.testing.assert_frame_equal(res.results[101].anova.table, local.results[101].anova.table)
    assert list(res.results) == list(local.results)


def test_frame_indexed_by_trial_is_not_shuffled(client):
    data = random_trials(30, seed=32, degenerate=False)
    ddf = dd.from_pandas(data.set_index("trial").sort_index(), npartitions=4)
    assert ddf.known_divisions
    res = run(ddf)
    same(res, run(data))


def test_parquet_glob_and_csv(client, tmp_path):
    data = random_trials(24, seed=33)
    cuts = [0, len(data) // 3, 2 * len(data) // 3, len(data)]
    for i in range(3):
        data.iloc[cuts[i] : cuts[i + 1]].to_parquet(tmp_path / f"part{i}.parquet")
    res = run(str(tmp_path / "part*.parquet"), engine="dask")
    same(res, run(str(tmp_path / "part*.parquet")))  # messages start with the file's name
    pd.testing.assert_frame_equal(res.table, run(data).table)
    data.to_csv(tmp_path / "all.csv", index=False)
    from_csv = run(str(tmp_path / "all.csv"), engine="dask")
    local_csv = run(str(tmp_path / "all.csv"))
    for name in TABLES:
        pd.testing.assert_frame_equal(
            getattr(from_csv, name), getattr(local_csv, name), check_exact=False, rtol=1e-12
        )  # CSV text → float: same values


def test_dask_errors_raise(client):
    data = mixed_batch()
    with pytest.raises(fo.DataError):
        run(dd.from_pandas(data, npartitions=3), errors="raise")


def test_dask_engine_gives_the_same_letters(client):
    data = strong_trials(30, seed=44)
    local = run(data, posthoc="duncan")
    res = run(dd.from_pandas(data, npartitions=4), posthoc="duncan")
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(res, name), getattr(local, name))


def test_files_holding_whole_trials_are_analysed_without_a_shuffle(client, tmp_path, monkeypatch):
    # a dataset written one file per group of trials (as one per site or year): no trial spans
    # two files, so the files are the partitions; a shuffle here would fail the run
    data = random_trials(24, seed=35, degenerate=False)
    trials = sorted(data["trial"].unique())
    for i, group in enumerate((trials[:8], trials[8:17], trials[17:])):
        data[data["trial"].isin(group)].to_parquet(tmp_path / f"site{i}.parquet")

    def no_shuffle(*args, **kwargs):
        raise AssertionError("the engine shuffled files that hold whole trials")

    monkeypatch.setattr(dd.DataFrame, "shuffle", no_shuffle)
    pattern = str(tmp_path / "site*.parquet")
    same(run(pattern, engine="dask"), run(pattern))


def test_the_usual_treatment_set_is_the_batch_s_not_the_partition_s(client, tmp_path):
    # 30 complete trials in two files, and a third file whose 10 trials all lack treatment T2:
    # within that file "lacking T2" is the usual set, but the batch's usual set has it, so all
    # 10 trials must be warned about, by the Dask engine as by the local one
    complete = random_trials(30, seed=36, degenerate=False, shape=(4, 3))
    short = random_trials(10, seed=37, degenerate=False, shape=(4, 3))
    short = short[short["trt"] != "T2"].assign(trial=lambda d: d["trial"] + 100)
    complete[complete["trial"] < 15].to_parquet(tmp_path / "a.parquet")
    complete[complete["trial"] >= 15].to_parquet(tmp_path / "b.parquet")
    short.to_parquet(tmp_path / "c.parquet")
    pattern = str(tmp_path / "*.parquet")
    res, local = run(pattern, engine="dask"), run(pattern)
    same(res, local)
    lacking = res.warnings[res.warnings["message"].str.contains("usual treatment set")]
    assert sorted(lacking["trial"]) == list(range(100, 110))


def test_usual_set_from_partition_counts_follows_the_majority_rule():
    from fertopt.batch._dask import usual_from_sets

    def part(sets, n_rows):
        return {
            "sets": {frozenset(k): v for k, v in sets.items()},
            "n_trials": sum(sets.values()),
            "n_rows": n_rows,
            "labels": set().union(*sets),
        }

    # 6 of 10 trials have {A, B, C}: more than half, whichever partition they are in
    parts = [part({("A", "B", "C"): 2, ("A", "B"): 3}, 50), part({("A", "B", "C"): 4, (): 1}, 40)]
    assert usual_from_sets(parts) == ("A", "B", "C")
    # 5 of 10 is not more than half: no usual set
    parts = [part({("A", "B", "C"): 1, ("A", "B"): 3}, 50), part({("A", "B", "C"): 4, (): 2}, 40)]
    assert usual_from_sets(parts) == ()
    assert usual_from_sets([]) == ()


def test_compact_tables_come_back_with_their_own_dtypes():
    from fertopt.batch._dask import pack, unpack

    data = random_trials(80, seed=38, degenerate=False)
    local = run(data, posthoc="duncan")
    tables = {name: getattr(local, name) for name in TABLES}
    packed = pack(tables)
    for name in TABLES:
        pd.testing.assert_frame_equal(unpack(packed)[name], tables[name])
    # the letters table travels with narrowed integers and categories
    compact, _ = packed["groups"]
    assert compact["n"].dtype.itemsize < tables["groups"]["n"].dtype.itemsize


@pytest.mark.parametrize("shuffled", [False, True])
def test_pandas_pieces_hold_whole_trials_in_any_row_order(shuffled):
    # a frame in key order is cut into slices, any other into gathered pieces; either way every
    # row goes to exactly one piece, every trial to one piece, and rows without a key last
    from fertopt.batch import _dask
    from fertopt.batch._pertrial import Plan

    data = random_trials(40, seed=5)
    keyless = data.index[[3, 17]]
    data.loc[keyless, "trial"] = None  # two rows without a trial key
    if shuffled:
        data = data.sample(frac=1.0, random_state=2)
    else:  # in key order, the rows without a key last: cut into slices
        data = pd.concat([data.drop(keyless), data.loc[keyless]])
    plan = Plan(by=("trial",), response="y", treatment="trt", block="rep")
    pieces = _dask.frame_by_trial(data, plan, 4)
    assert len(pieces) == 4
    rows = pd.concat(pieces)
    assert sorted(rows.index) == sorted(data.index)
    owner = {}
    for i, piece in enumerate(pieces):
        for trial in piece["trial"].dropna().unique():
            assert owner.setdefault(trial, i) == i
    assert pieces[-1]["trial"].isna().sum() == 2
