"""The Dask engine against the default engine, in one process.

Usage::

    python benchmarks/bench_batch_dask.py                  # 100 000 3414 trials, 2 workers
    python benchmarks/bench_batch_dask.py --trials 20000 --workers 2

Generates the synthetic 3414 trials of ``bench_batch.py`` (14 treatments ×
3 blocks, ANOVA, Duncan letters, ternary surface and priced optimum) and
times, in this one process:

* the default (vectorized) engine on the in-memory frame: the baseline;
* ``engine="dask"`` on the same frame with a warm ``distributed`` client of
  ``--workers`` single-threaded worker processes (the way a cluster is used:
  one client for many runs);
* ``engine="dask"`` with no client, so that fertopt starts and stops a local
  cluster for the run (what a one-off call costs);
* both engines reading the same trials from a folder of Parquet files (one
  file per block of trials), the default engine reading them one by one;
* the bytes a partition's tables take on their way back to the client,
  compact (as sent) and as pandas frames.

Every Dask run is checked to give the default engine's table exactly.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import PRICES, three414  # noqa: E402

import fertopt as fo  # noqa: E402

ROLES = dict(
    by="trial",
    response="yield",
    treatment="trt",
    block="rep",
    posthoc="duncan",
    rates=("N", "P2O5", "K2O"),
    surface="full",
    prices=PRICES,
)


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def write_parquet(frame: pd.DataFrame, folder: Path, n_files: int) -> str:
    trials = frame["trial"].to_numpy()
    edges = np.linspace(0, len(frame), n_files + 1).astype(int)
    # cut at trial boundaries (42 plots a trial), as a dataset partitioned by site would be
    edges = (edges // 42) * 42
    for i, (a, b) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        if b > a:
            frame.iloc[a:b].to_parquet(folder / f"part-{i:04d}.parquet", index=False)
    del trials
    return str(folder / "*.parquet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--files", type=int, default=16, help="Parquet files of the dataset")
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    from fertopt.batch import _dask

    frame = three414(args.trials)
    print(f"input: {args.trials:,} 3414 trials, {len(frame):,} plots")
    fo.run_batch(frame.iloc[: 42 * 200], **ROLES)  # warm up the client process

    t_vec, ref = timed(lambda: fo.run_batch(frame, **ROLES))
    print(f"default engine, in-memory frame:        {t_vec:6.2f} s  (baseline)")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # distributed's own notes on a busy machine
        t_cold, cold = timed(
            lambda: fo.run_batch(frame, engine="dask", n_jobs=args.workers, **ROLES)
        )
    pd.testing.assert_frame_equal(cold.table, ref.table)
    print(
        f"dask, no client (starts a local cluster): {t_cold:6.2f} s  = "
        f"{t_cold / t_vec:.2f}× the default engine"
    )

    cluster = LocalCluster(
        n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    client = Client(cluster)
    try:
        fo.run_batch(frame.iloc[: 42 * 200], engine="dask", **ROLES)  # warm the workers
        t_warm, warm = timed(lambda: fo.run_batch(frame, engine="dask", **ROLES))
        pd.testing.assert_frame_equal(warm.table, ref.table)
        print(
            f"dask, warm client of {args.workers} workers:           {t_warm:6.2f} s  = "
            f"{t_warm / t_vec:.2f}× the default engine"
        )
        with tempfile.TemporaryDirectory() as tmp:
            small = Path(tmp) / "warm"
            small.mkdir()
            warm_files = write_parquet(frame.iloc[: 42 * 100], small, 2)
            fo.run_batch(warm_files, engine="dask", **ROLES)  # Parquet reader on the workers
            pattern = write_parquet(frame, Path(tmp), args.files)
            t_fvec, fref = timed(lambda: fo.run_batch(pattern, **ROLES))
            t_fdask, fdask = timed(lambda: fo.run_batch(pattern, engine="dask", **ROLES))
            pd.testing.assert_frame_equal(
                fdask.table.drop(columns="file", errors="ignore"),
                fref.table.drop(columns="file", errors="ignore"),
            )
            print(
                f"{args.files} Parquet files: default engine {t_fvec:.2f} s, dask (warm) "
                f"{t_fdask:.2f} s = {t_fdask / t_fvec:.2f}×"
            )
    finally:
        client.close()
        cluster.close()

    # what one partition (a quarter of the trials with 2 workers) sends back
    share = args.trials // (2 * args.workers)
    keep = ref.table["trial"].isin(ref.table["trial"].iloc[:share])
    tables = {
        "table": ref.table[keep].reset_index(drop=True),
        "groups": ref.groups[ref.groups["trial"].isin(ref.table["trial"][keep])],
        "failures": ref.failures,
        "warnings": ref.warnings,
    }
    compact = len(pickle.dumps(_dask.pack(tables)))
    plain = len(pickle.dumps(tables))
    print(
        f"one partition's tables ({share:,} trials) on the wire: {compact / 2**20:.1f} MiB "
        f"compact, {plain / 2**20:.1f} MiB as pandas frames"
    )


if __name__ == "__main__":
    main()
