"""Pooling a 3414 network (fo.pool_three414) against the batch that feeds it, in one process.

Usage::

    python benchmarks/bench_pool_three414.py                # 10 000 trials
    python benchmarks/bench_pool_three414.py --trials 100000

Generates the synthetic 3414 trials of ``bench_batch.py``, runs ``fo.run_batch`` with the
ternary surface (the baseline), then pools the batch by coefficient averaging (typicality
screen of every trial, one regional equation) and by class regression (three CK-yield
classes, one equation per class fitted to the plots), and prints each time as a ratio of the
batch's.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import PRICES, three414  # noqa: E402

import fertopt as fo  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    args = parser.parse_args()
    frame = three414(args.trials)
    roles = dict(by="trial", response="yield", treatment="trt", block="rep")
    kw = dict(rates=("N", "P2O5", "K2O"), surface="full", prices=PRICES, **roles)
    fo.run_batch(frame.iloc[: 42 * 100], **kw)
    t = time.perf_counter()
    batch = fo.run_batch(frame, **kw)
    base = time.perf_counter() - t
    print(f"{args.trials:,} 3414 trials; run_batch with the ternary surface: {base:.2f} s")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method in ("coefficient_average", "class_regression"):
            t = time.perf_counter()
            pooled = fo.pool_three414(batch, data=frame, method=method)
            took = time.perf_counter() - t
            print(
                f"pool_three414({method}): {took:.2f} s = {took / base:.2f}× the batch; "
                f"{pooled.n_typical:,} of {pooled.n_trials:,} trials typical"
            )


if __name__ == "__main__":
    main()
