"""Batches read from files: what reading every file as a unit of failure costs.

Usage::

    python benchmarks/bench_batch_files.py               # 300 one-trial files and one big file
    python benchmarks/bench_batch_files.py --files 1000

Writes N CSV files of one RCBD trial each (4 treatments × 3 blocks) and one CSV of N·10 trials
to a temporary folder, then prints, measured in this one process (median of interleaved runs):

* the baseline: ``fertopt.read_trials`` of every file and one ``pandas.concat`` (how
  ``run_batch`` read files before each file became a unit of failure);
* ``fertopt.batch``'s file reading: every file read on its own (errors caught), the file of
  every row recorded, and the rows of trials spread over several files relabelled;
* the ratio, and ``run_batch`` on the glob (reading and analysis) for scale.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))

from _timing import per_call  # noqa: E402

import fertopt as fo  # noqa: E402
from fertopt.batch.sources import combine, label_rows, read_file, read_keeping  # noqa: E402

NAMES = ["site", "yield", "treatment", "block"]


def trial(site: str, rng: np.random.Generator) -> pd.DataFrame:
    trt = np.repeat(["CK", "N", "NP", "NPK"], 3)
    y = 5 + np.repeat([0.0, 1.0, 1.5, 2.0], 3) + rng.normal(0, 0.3, 12)
    return pd.DataFrame(
        {"site": site, "treatment": trt, "block": np.tile([1, 2, 3], 4), "yield": y.round(3)}
    )


def compare(files: list[str], repeat: int) -> tuple[float, float]:
    def baseline() -> pd.DataFrame:
        return pd.concat([read_keeping(f, NAMES) for f in files], ignore_index=True)

    def units() -> pd.DataFrame:
        return label_rows(combine([read_file(f, NAMES) for f in files]), ("site",))

    base, new = [], []
    for _ in range(repeat):  # interleaved, so that a busy moment hits both
        base.append(per_call(baseline, 1, warm_up=False))
        new.append(per_call(units, 1, warm_up=False))
    return float(np.median(base)), float(np.median(new))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "many").mkdir()
        for i in range(args.files):
            trial(f"S{i:05d}", rng).to_csv(folder / "many" / f"s{i:05d}.csv", index=False)
        big = pd.concat([trial(f"T{i:06d}", rng) for i in range(10 * args.files)])
        big.to_csv(folder / "one.csv", index=False)
        cases = {
            f"{args.files} one-trial files": sorted(str(p) for p in (folder / "many").iterdir()),
            f"one file of {10 * args.files} trials": [str(folder / "one.csv")],
        }
        for name, files in cases.items():
            base, new = compare(files, args.repeat)
            print(
                f"{name}: read_trials + concat {base:.3f} s, per-file units {new:.3f} s, "
                f"ratio {new / base:.2f}"
            )
        full = per_call(
            lambda: fo.run_batch(
                str(folder / "many" / "*.csv"),
                by="site",
                response="yield",
                treatment="treatment",
                block="block",
            ),
            3,
        )
        print(f"run_batch on the {args.files} files (reading and analysis): {full:.3f} s")


if __name__ == "__main__":
    main()
