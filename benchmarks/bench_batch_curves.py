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
* the ratios;
* the peak memory of each ``run_batch`` call against the input frame (target ≤ 3×; the
  method of ``_memory.py``: the rise of the resident-set high-water mark, reset just before).

``--unreplicated`` generates strip trials instead (6 rates, one plot each, no blocks):
``bench_batch_unreplicated.py`` runs that case.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _memory import frame_bytes, measure, result_bytes  # noqa: E402

import fertopt as fo  # noqa: E402
from fertopt.curves.models import MODEL_NAMES  # noqa: E402

PRICES = fo.Prices(crop=0.2, N=1.0)  # per kg of grain and of N: ratio 5 kg/kg
RATES = np.array([0.0, 40, 80, 120, 160, 200])


def n_rate_trials(n: int, seed: int = 2024, reps: int = 4) -> pd.DataFrame:
    """N synthetic N-rate trials (kg/ha): quadratic plateau with site variation, blocks, noise.

    With ``reps=1`` the trials are unreplicated strip trials: one plot per rate, no block
    column.
    """
    rng = np.random.default_rng(seed)
    k, r = len(RATES), reps
    x = np.tile(np.repeat(RATES, r), n)
    site = np.repeat(np.arange(n), k * r)
    join = rng.uniform(90, 230, n)[site]
    b = rng.uniform(20, 45, n)[site]
    xm = np.minimum(x, join)
    mu = rng.uniform(4000, 7000, n)[site] + b * (xm - xm * xm / (2 * join))
    block = np.tile(np.tile(np.arange(1, r + 1), k), n)
    y = mu + rng.normal(0, 150, n * r)[site * r + block - 1]  # block effects
    y = y + rng.normal(0, 250, len(x))
    if reps == 1:
        return pd.DataFrame({"site": site, "N": x, "yield": y})
    return pd.DataFrame({"site": site, "N": x, "rep": block, "yield": y})


def pipeline(frame: pd.DataFrame, model: str, engine: str = "vectorized") -> fo.BatchResult:
    return fo.run_batch(
        frame,
        by="site",
        response="yield",
        treatment="N",
        block="rep" if "rep" in frame.columns else None,
        rates="N",
        model=model,
        posthoc="duncan",
        prices=PRICES,
        engine=engine,
    )


def main(argv: list[str] | None = None, *, unreplicated: bool = False) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=200, help="trials timed per trial")
    parser.add_argument("--models", nargs="*", default=list(MODEL_NAMES))
    parser.add_argument(
        "--unreplicated", action="store_true", help="strip trials: one plot per rate, no blocks"
    )
    args = parser.parse_args(argv)
    unreplicated = unreplicated or args.unreplicated
    n = args.trials
    frame = n_rate_trials(n, reps=1 if unreplicated else 4)
    size = frame_bytes(frame)
    sample = frame[frame["site"] < args.sample]
    t0 = time.perf_counter()
    frame.groupby(["site", "N"]).mean()
    t_groupby = time.perf_counter() - t0
    kind = "unreplicated strip trials" if unreplicated else "trials"
    print(
        f"{n:,} {kind}, {len(frame):,} plots, {size / 2**20:.0f} MiB in memory; "
        f"pandas groupby-mean: {t_groupby:.3f} s"
    )
    warnings.simplefilter("ignore")
    pipeline(frame[frame["site"] < 50], "quadratic")  # warm-up (imports, caches)
    print(
        f"{'model':<18} {'run_batch s':>11} {'trials/s':>10} {'per-trial s (scaled)':>21} "
        f"{'speed-up':>9} {'x groupby':>9} {'vector.':>8} {'peak MiB':>9} {'x frame':>8} "
        f"{'tables x':>8}"
    )
    for model in args.models:
        res, t_batch, peak = measure(lambda model=model: pipeline(frame, model))
        t0 = time.perf_counter()
        pipeline(sample, model, engine="python")
        t_slow = (time.perf_counter() - t0) * n / args.sample
        assert res.n_analysed + res.n_failed == n
        # trials kept by the vectorized engine (an unreplicated trial is kept only when the
        # batched kernels fitted its model; a replicated one may still be fitted per trial)
        vectorized = res.n_vectorized / n
        print(
            f"{model:<18} {t_batch:>11.2f} {n / t_batch:>10,.0f} {t_slow:>21.1f} "
            f"{t_slow / t_batch:>8.0f}x {t_batch / t_groupby:>8.1f}x {vectorized:>8.1%} "
            f"{peak / 2**20:>9.0f} {peak / size:>7.2f}x {result_bytes(res) / size:>7.2f}x"
        )
        del res
        gc.collect()
    print(
        "peak: rise of the resident-set high-water mark during the call (target ≤ 3× frame; "
        "the first model's is a fresh process's, later ones may reuse memory freed before); "
        "tables: the result's four tables, part of the peak"
    )


if __name__ == "__main__":
    main()
