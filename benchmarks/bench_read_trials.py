"""read_trials against pandas.read_csv on the same large CSV file, and its memory.

Usage::

    python benchmarks/bench_read_trials.py                  # 1 000 000 rows
    python benchmarks/bench_read_trials.py --rows 200000 --repeat 3

Writes a CSV of synthetic 3414 plots (trial, trt, rep, yield, N, P2O5, K2O: one row per
plot) to a temporary folder, then prints, measured in this one process (medians of
interleaved runs, so that a busy moment hits both):

* the baseline: ``pandas.read_csv(path)`` with its defaults;
* ``fertopt.read_trials(path)`` (header found, columns recognised, yields and rates read as
  numbers with every cell checked, row numbers of the sheet), with pyarrow's CSV reader;
* the same without pyarrow (pandas' reader), as where the ``parquet`` extra is not installed;
* the same on a messy copy of the file (1 % of the yields written with full-width digits,
  spaces or a missing marker such as ``NA``), where those cells are cleaned one by one;
* memory: the peak of Python allocations (tracemalloc) and of pyarrow's memory pool during
  ``read_trials``, against the deep size of the frame it returns.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import three414  # noqa: E402

import fertopt as fo  # noqa: E402
from fertopt._core import sheet  # noqa: E402


def write(rows: int, folder: Path) -> tuple[Path, Path]:
    frame = three414(max(1, rows // 42))
    frame["yield"] = frame["yield"].round(1)
    clean = folder / "plots.csv"
    frame.to_csv(clean, index=False)
    rng = np.random.default_rng(3)
    text = frame["yield"].map(repr).to_numpy(dtype=object)
    pick = rng.random(len(text)) < 0.01
    spellings = [
        lambda v: v.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        lambda v: f" {v} ",
        lambda v: "NA",
    ]
    text[pick] = [spellings[k % 3](v) for k, v in enumerate(text[pick])]
    messy = folder / "messy.csv"
    frame.assign(**{"yield": text}).to_csv(messy, index=False)
    return clean, messy


def interleaved(calls: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    for call in calls.values():  # warm: imports, caches, the file in the page cache
        call()
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            gc.collect()
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def without_arrow(path: Path) -> pd.DataFrame:
    saved = sheet._arrow
    sheet._arrow = lambda: None
    try:
        return fo.read_trials(path)
    finally:
        sheet._arrow = saved


def memory(path: Path) -> tuple[float, float, float, int]:
    """Peak MiB of Python allocations and of pyarrow's pool during read_trials, the MiB of
    the frame it returns, and its rows."""
    gc.collect()
    try:
        import pyarrow as pa

        pool = pa.default_memory_pool()
        before = pool.max_memory()
    except ImportError:
        pool, before = None, 0
    tracemalloc.start()
    frame = fo.read_trials(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    arrow_peak = (pool.max_memory() - before) if pool is not None else 0
    size = frame.memory_usage(deep=True).sum()
    mib = 2.0**20
    return peak / mib, max(arrow_peak, 0) / mib, size / mib, len(frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clean, messy = write(args.rows, Path(tmp))
        # first, while pyarrow's pool has its high-water mark from this read alone
        python_peak, arrow_peak, frame, n = memory(clean)
        size = clean.stat().st_size / 2.0**20
        print(f"file: {n:,} rows × 7 columns, {size:.1f} MiB")
        print(
            f"memory during read_trials: Python peak {python_peak:.0f} MiB + pyarrow pool peak "
            f"{arrow_peak:.0f} MiB = {(python_peak + arrow_peak) / frame:.2f}× the frame it "
            f"returns ({frame:.0f} MiB deep)"
        )
        t = interleaved(
            {
                "pandas.read_csv": lambda: pd.read_csv(clean),
                "read_trials": lambda: fo.read_trials(clean),
                "read_trials without pyarrow": lambda: without_arrow(clean),
                "read_trials, messy copy": lambda: fo.read_trials(messy),
            },
            args.repeat,
        )
        base = t["pandas.read_csv"]
        for name, seconds in t.items():
            ratio = (
                "" if name == "pandas.read_csv" else f"  = {seconds / base:.2f}× pandas.read_csv"
            )
            print(f"{name:32s} {seconds:7.3f} s{ratio}")


if __name__ == "__main__":
    main()
