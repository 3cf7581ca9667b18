"""How the Dask engine scales with workers, and what limits it.

Usage::

    python benchmarks/bench_dask_scaling.py                         # 1 and 2 workers, 50 000 trials
    python benchmarks/bench_dask_scaling.py --workers 1,4,8,16 --trials 1000000

For each worker count it starts a local cluster of single-threaded worker
processes, warms them up, and times ``run_batch(engine="dask")`` on the
synthetic 3414 trials of ``bench_batch.py`` (one Parquet file per
``--trials-per-file`` trials, read on the workers as on a real deployment;
``--source frame`` sends an in-memory frame instead).  It prints the time,
the speed-up over one worker and the parallel efficiency (speed-up ÷ workers),
and, from the task stream of the
one-worker run, how the time divides between work that runs in parallel
(reading and analysing partitions on the workers) and work that does not
(listing the files, gathering and merging the tables on the client; for a
frame also cutting and sending the pieces).
From that serial share it prints Amdahl's projection for the worker counts
asked for, labelled as a projection; a measurement on a machine with that
many cores replaces it.

The default engine in this process, on the same source (the same files, or
the same frame), is the baseline.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import three414  # noqa: E402
from bench_batch_dask import ROLES, write_parquet  # noqa: E402

import fertopt as fo  # noqa: E402


def one_run(data, warm, workers: int) -> tuple[float, float]:
    """(wall seconds, seconds of partition analysis summed over workers) with ``workers``."""
    from distributed import Client, LocalCluster, get_task_stream

    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    client = Client(cluster)
    try:
        fo.run_batch(warm, engine="dask", **ROLES)  # warm up
        with get_task_stream(client) as stream:
            t = time.perf_counter()
            fo.run_batch(data, engine="dask", **ROLES)
            wall = time.perf_counter() - t
        busy = sum(
            s["stop"] - s["start"]
            for task in stream.data
            if any(
                part in str(task["key"])
                for part in ("_analyse_partition", "read_file", "_conform", "_normalised")
            )
            for s in task["startstops"]
            if s["action"] == "compute"
        )
        return wall, busy
    finally:
        client.close()
        cluster.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--trials", type=int, default=50_000)
    parser.add_argument("--source", choices=("parquet", "frame"), default="parquet")
    parser.add_argument("--trials-per-file", type=int, default=2_000)
    args = parser.parse_args()
    counts = sorted({int(w) for w in args.workers.split(",")} | {1})
    frame = three414(args.trials)
    print(f"{args.trials:,} 3414 trials; {os.cpu_count()} cores on this machine")
    tmp = tempfile.TemporaryDirectory()
    if args.source == "parquet":
        n_files = max(2, args.trials // args.trials_per_file)
        data = write_parquet(frame, Path(tmp.name), n_files)
        (Path(tmp.name) / "warm").mkdir()
        warm = write_parquet(frame.iloc[: 42 * 200], Path(tmp.name) / "warm", 2)
        print(f"source: {n_files} Parquet files read on the workers")
    else:
        data, warm = frame, frame.iloc[: 42 * 200]
        print("source: an in-memory pandas frame, cut and sent to the workers")
    fo.run_batch(warm, **ROLES)
    t = time.perf_counter()
    fo.run_batch(data, **ROLES)
    base = time.perf_counter() - t
    print(f"default engine, one process, same source: {base:.2f} s (baseline)")
    rows = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # distributed's notes on a busy machine
        for w in counts:
            if w > (os.cpu_count() or 1):
                print(f"{w:3d} workers: skipped, more than this machine's cores")
                continue
            rows[w] = one_run(data, warm, w)
    tmp.cleanup()
    t1, busy1 = rows[1]
    print("workers   time (s)   vs baseline   speed-up   efficiency")
    for w, (wall, _) in rows.items():
        print(f"{w:7d} {wall:10.2f} {wall / base:12.2f}× {t1 / wall:9.2f} {t1 / wall / w:11.0%}")
    serial = max(0.0, t1 - busy1) / t1
    print(
        f"one worker: {busy1:.2f} s of {t1:.2f} s analysing partitions; serial share "
        f"{serial:.0%} (listing, sending, gathering, merging)"
    )
    print("Amdahl projection from that share (not a measurement):")
    for w in sorted({int(x) for x in args.workers.split(",")} | {4, 8, 16}):
        speedup = 1.0 / (serial + (1.0 - serial) / w)
        print(f"{w:7d} workers: speed-up {speedup:5.2f}, efficiency {speedup / w:4.0%}")


if __name__ == "__main__":
    main()
