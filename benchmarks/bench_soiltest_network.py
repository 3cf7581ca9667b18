"""Soil-test calibration of a simulated network of 3414 trials: time against run_batch alone.

Usage::

    python benchmarks/bench_soiltest_network.py                   # 10 000 trials, 10⁵ for RY
    python benchmarks/bench_soiltest_network.py --trials 2000 --large 0

Generates N 3414 trials (14 treatments × 3 blocks = 42 plots each) with soil tests of N, P2O5
and K2O whose relative yields follow known lines RY = a + b·ln(STV) (``tests/network_sim.py``),
then prints, measured in this one process (best of ``--repeat`` runs, after one warm-up run
on a small part):

* the baseline: ``fertopt.run_batch`` on the same frame with the options the calibration
  uses (ternary surface, priced optimum, no letters);
* ``relative_yields`` without prices (plot means only) and with prices (plus the batch run);
* ``calibrate_network``: relative yields, the classes (``abundance_classes``: the log curves
  and boundaries), and the rates per class (means of the trial optima, MRTN by
  ``fertopt.pool_sites``) of the three nutrients;

each as seconds, a ratio to the baseline, and plots and trials per second; then
``relative_yields`` on ``--large`` trials (10⁵ by default).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

import fertopt as fo  # noqa: E402
from fertopt.soiltest import calibrate_network, relative_yields  # noqa: E402
from network_sim import PRICES, TRUTH, three414_network  # noqa: E402

SOIL = {n: t[4] for n, t in TRUTH.items()}
ROLES = {"by": "site", "response": "yield", "treatment": "treatment", "block": "block"}


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """Smallest wall time of ``repeat`` calls of ``fn``, in seconds."""
    times = []
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--large", type=int, default=100_000, help="trials for RY alone (0: skip)")
    args = parser.parse_args()
    n = args.trials

    plots, _ = three414_network(n)
    print(f"input: {n} 3414 trials × 3 blocks = {len(plots):,} plots")
    prices = fo.Prices(**PRICES)

    def batch(frame=plots):
        return fo.run_batch(
            frame,
            **ROLES,
            rates=("N", "P2O5", "K2O"),
            surface="full",
            posthoc=None,
            prices=prices,
        )

    def ry_plain(frame=plots):
        return relative_yields(frame, **ROLES, soil=SOIL)

    def ry_priced(frame=plots):
        return relative_yields(frame, **ROLES, soil=SOIL, prices=prices)

    def calibrate(frame=plots):
        with warnings.catch_warnings():  # classes with few trials, if any
            warnings.simplefilter("ignore", fo.FertoptWarning)
            return calibrate_network(frame, **ROLES, soil=SOIL, prices=prices)

    small = plots[plots["site"] < 200]
    for fn in (batch, ry_plain, ry_priced, calibrate):  # imports and caches
        fn(small)

    rows = [
        ("run_batch (baseline)", best_of(batch, args.repeat)),
        ("relative_yields, no prices", best_of(ry_plain, args.repeat)),
        ("relative_yields, prices", best_of(ry_priced, args.repeat)),
        ("calibrate_network", best_of(calibrate, args.repeat)),
    ]
    base = rows[0][1]
    print(f"best of {args.repeat}; ratio = seconds / run_batch's seconds")
    print(f"  {'step':28s} {'seconds':>8s} {'ratio':>6s} {'plots/s':>11s} {'trials/s':>9s}")
    for name, sec in rows:
        print(
            f"  {name:28s} {sec:8.2f} {sec / base:6.2f} {len(plots) / sec:11,.0f} {n / sec:9,.0f}"
        )
    cal = calibrate()
    print(
        f"  calibration: {len(cal.table)} class rows; boundaries "
        + "; ".join(
            f"{k} " + "/".join(f"{b:.3g}" for b in c.boundaries) for k, c in cal.classes.items()
        )
    )

    if args.large:
        del plots, small, cal
        gc.collect()
        big, _ = three414_network(args.large)
        print(f"relative yields of {args.large:,} trials ({len(big):,} plots):")
        for name, fn in (("no prices", ry_plain), ("prices (batch run)", ry_priced)):
            sec = best_of(lambda fn=fn: fn(big), 1)
            print(f"  {name:28s} {sec:8.2f} s {len(big) / sec:11,.0f} plots/s")


if __name__ == "__main__":
    main()
