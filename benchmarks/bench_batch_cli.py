"""``fertopt batch`` from a CSV file against the same trials from Parquet, and the writers.

Usage::

    python benchmarks/bench_batch_cli.py                  # 100 000 3414 trials (4.2 M plots)
    python benchmarks/bench_batch_cli.py --trials 20000

Writes N synthetic 3414 trials (``bench_batch.three414``: 14 treatments × 3 blocks) to a CSV
file and to a Parquet file in a temporary folder, then prints, measured in this one process:

* the command ``fertopt batch FILE --by trial ... --surface full --prices ... --out OUT``
  (median of interleaved runs; ANOVA, Duncan letters, the N-P-K surface and the priced
  optimum of every trial) from the Parquet file (the baseline) and from the CSV file, both
  to ``results.parquet``, and their ratio; then from the CSV file to ``results.csv``;
* the writers alone, on the tables of that run: ``BatchResult.to_files`` to ``.csv`` (column
  at a time) against the baseline pandas ``to_csv`` of the inert tables (how they were
  written before), and to ``.parquet``;
* ``read_trials`` of the CSV file and of the Parquet file.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import three414  # noqa: E402

import fertopt as fo  # noqa: E402
from fertopt import cli  # noqa: E402
from fertopt._core.cells import inert_frame  # noqa: E402
from fertopt.batch.result import for_file  # noqa: E402

ARGS = [
    "--by",
    "trial",
    "--treatment",
    "trt",
    "--block",
    "rep",
    "--rates",
    "N,P2O5,K2O",
    "--surface",
    "full",
    "--prices",
    "crop=2.8,N=6.25,P2O5=4.67,K2O=10.4",
]


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    out = call()
    return time.perf_counter() - start, out


def command(source: Path, out: Path) -> float:
    """Seconds of ``fertopt batch source --out out`` run in this process (output kept quiet)."""
    with contextlib.redirect_stdout(io.StringIO()):
        seconds, code = timed(lambda: cli.main(["batch", str(source), *ARGS, "--out", str(out)]))
    if code != 0:
        raise SystemExit(f"fertopt batch failed on {source}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        frame = three414(args.trials)
        frame["yield"] = frame["yield"].round(1)
        csv, parquet = folder / "trials.csv", folder / "trials.parquet"
        frame.to_csv(csv, index=False)
        frame.to_parquet(parquet, index=False)
        mib = [p.stat().st_size / 2**20 for p in (csv, parquet)]
        print(
            f"input: {args.trials:,} 3414 trials, {len(frame):,} plots; CSV {mib[0]:.0f} MiB, "
            f"Parquet {mib[1]:.0f} MiB"
        )
        out = folder / "out"
        out.mkdir()
        small = folder / "small.csv"
        frame.iloc[:4200].to_csv(small, index=False)
        command(small, out / "warm.csv")  # imports and first calls, not timed
        runs: dict[str, list[float]] = {"pq": [], "csv": [], "csv_csv": []}
        for _ in range(args.repeat):  # interleaved: a busy moment hits every kind alike
            runs["pq"].append(command(parquet, out / "a.parquet"))
            runs["csv"].append(command(csv, out / "b.parquet"))
            runs["csv_csv"].append(command(csv, out / "c.csv"))
        from_parquet, from_csv, to_csv = (statistics.median(runs[k]) for k in runs)
        print(
            f"fertopt batch trials.parquet --out results.parquet  {from_parquet:7.2f} s (baseline)"
        )
        print(
            f"fertopt batch trials.csv --out results.parquet      {from_csv:7.2f} s "
            f"= {from_csv / from_parquet:.2f}× from Parquet"
        )
        print(
            f"fertopt batch trials.csv --out results.csv          {to_csv:7.2f} s "
            f"= {to_csv / from_parquet:.2f}× from Parquet"
        )

        result = fo.run_batch(
            parquet,
            by="trial",
            response="yield",
            treatment="trt",
            block="rep",
            rates=["N", "P2O5", "K2O"],
            surface="full",
            prices=fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4),
        )
        tables = [result.table, result.groups, result.failures, result.warnings]
        rows = ", ".join(f"{len(t):,}" for t in tables)
        old, _ = timed(
            lambda: [
                inert_frame(for_file(t)).to_csv(out / f"old{k}.csv", index=False)
                for k, t in enumerate(tables)
            ]
        )
        new, _ = timed(lambda: result.to_files(out / "new.csv"))
        pq, _ = timed(lambda: result.to_files(out / "new.parquet"))
        print(f"writers on the four tables ({rows} rows):")
        print(f"  pandas to_csv of the inert tables (before)  {old:7.2f} s (baseline)")
        print(f"  to_files(.csv), column at a time             {new:7.2f} s = {new / old:.2f}×")
        print(f"  to_files(.parquet)                           {pq:7.2f} s = {pq / old:.2f}×")
        read_csv, _ = timed(lambda: fo.read_trials(csv))
        read_pq, _ = timed(lambda: fo.read_trials(parquet))
        print(f"read_trials: CSV {read_csv:.2f} s, Parquet {read_pq:.2f} s")


if __name__ == "__main__":
    main()
