"""Batch re-analysis of N-rate trials with a single-nutrient response model, every model.

Usage::

    python benchmarks/bench_batch_curves.py                       # 100 000 trials, all models
    python benchmarks/bench_batch_curves.py --trials 10000 --models quadratic_plateau

Generates N N-rate trials (6 rates × 4 blocks = 24 plots each) from a quadratic-plateau
response with site-to-site variation and noise, then prints for each model, measured in
this one process:

* ``fertopt.run_batch(model=..., posthoc="duncan", prices=...)``: ANOVA, Duncan letters,
  the response fit, the priced optimum and its delta interval, on the default
  (vectorized) engine;
* the same call on the per-trial path (``engine="python"``) on a sample of trials, scaled
  to N (the path every trial took before the batched fits);
* one pandas ``groupby(["site", "N"]).mean()`` pass over the same frame;
* the ratios.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import fertopt as fo  # noqa: E402
from fertopt.curves.models import MODEL_NAMES  # noqa: E402

PRICES = fo.Prices(crop=0.2, N=1.0)  # per kg of grain and of N: ratio 5 kg/kg
RATES = np.array([0.0, 40, 80, 120, 160, 200])


def n_rate_trials(n: int, seed: int = 2024) -> pd.DataFrame:
    """N synthetic N-rate trials (kg/ha): quadratic plateau with site variation, blocks, noise."""
    rng = np.random.default_rng(seed)
    k, r = len(RATES), 4
    x = np.tile(np.repeat(RATES, r), n)
    site = np.repeat(np.arange(n), k * r)
    join = rng.uniform(90, 230, n)[site]
    b = rng.uniform(20, 45, n)[site]
    xm = np.minimum(x, join)
    mu = rng.uniform(4000, 7000, n)[site] + b * (xm - xm * xm / (2 * join))
    block = np.tile(np.tile(np.arange(1, r + 1), k), n)
    y = mu + rng.normal(0, 150, n * r)[site * r + block - 1]  # block effects
    y = y + rng.normal(0, 250, len(x))
    return pd.DataFrame({"site": site, "N": x, "rep": block, "yield": y})


def pipeline(frame: pd.DataFrame, model: str, engine: str = "vectorized") -> fo.BatchResult:
    return fo.run_batch(
        frame,
        by="site",
        response="yield",
        treatment="N",
        block="rep",
        rates="N",
        model=model,
        posthoc="duncan",
        prices=PRICES,
        engine=engine,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=200, help="trials timed per trial")
    parser.add_argument("--models", nargs="*", default=list(MODEL_NAMES))
    args = parser.parse_args()
    n = args.trials
    frame = n_rate_trials(n)
    sample = frame[frame["site"] < args.sample]
    t0 = time.perf_counter()
    frame.groupby(["site", "N"]).mean()
    t_groupby = time.perf_counter() - t0
    print(f"{n:,} trials, {len(frame):,} plots; pandas groupby-mean: {t_groupby:.3f} s")
    warnings.simplefilter("ignore")
    pipeline(frame[frame["site"] < 50], "quadratic")  # warm-up (imports, caches)
    print(
        f"{'model':<18} {'run_batch s':>11} {'trials/s':>10} {'per-trial s (scaled)':>21} "
        f"{'speed-up':>9} {'x groupby':>9}"
    )
    for model in args.models:
        t0 = time.perf_counter()
        res = pipeline(frame, model)
        t_batch = time.perf_counter() - t0
        t0 = time.perf_counter()
        pipeline(sample, model, engine="python")
        t_slow = (time.perf_counter() - t0) * n / args.sample
        assert res.n_analysed == n
        print(
            f"{model:<18} {t_batch:>11.2f} {n / t_batch:>10,.0f} {t_slow:>21.1f} "
            f"{t_slow / t_batch:>8.0f}x {t_batch / t_groupby:>8.1f}x"
        )


if __name__ == "__main__":
    main()
