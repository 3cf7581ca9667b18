"""Batch re-analysis of synthetic 3414 trials: throughput, baselines, memory.

Usage::

    python benchmarks/bench_batch.py                 # 100 000 trials, the full report
    python benchmarks/bench_batch.py --trials 10000 --sample 50

Generates N 3414 trials (14 treatments × 3 blocks = 42 plots each) from a
known concave N-P-K surface with site-to-site variation and noise, then
prints, measured in this one process:

* ``fertopt.run_batch`` on the full pipeline (ANOVA, Duncan letters, ternary
  quadratic surface, priced box-constrained optimum) from an in-memory
  DataFrame, with its peak memory next to the size of the input frame;
* the naive per-trial loop (statsmodels formula OLS + ``anova_lm`` +
  ``pairwise_tukeyhsd`` + an OLS ternary surface + ``scipy.optimize.minimize``
  for the priced optimum) on a sample of trials, scaled to N;
* one pandas ``groupby(["trial", "trt"]).mean()`` pass over the same frame;
* the ratios, and run_batch's throughput from 1 000 trials up to N.

Peak memory is the rise of the process's resident-set high-water mark during
the call (Linux ``VmHWM``, reset just before), so it counts everything the
call allocates (NumPy, pandas, Arrow), and the input frame is its deep
``memory_usage``.
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

from _memory import frame_bytes, measure, memory_line  # noqa: E402

import fertopt as fo  # noqa: E402
from fertopt.design import THREE414_LEVELS  # noqa: E402

PRICES = fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4)  # yuan per kg


def three414(n_trials: int, seed: int = 2024, reps: int = 3) -> pd.DataFrame:
    """N synthetic 3414 trials with a known surface (kg/ha), block effects and noise."""
    rng = np.random.default_rng(seed)
    k = len(THREE414_LEVELS)
    level2 = np.column_stack(
        [
            rng.choice([150.0, 180.0, 210.0], n_trials),
            rng.choice([60.0, 75.0, 90.0], n_trials),
            rng.choice([90.0, 120.0, 150.0], n_trials),
        ]
    )
    levels = np.asarray(THREE414_LEVELS, dtype=float) / 2.0  # 0, 0.5, 1, 1.5
    rates = levels[None, :, :] * level2[:, None, :]  # (trials, 14, 3)
    # yield = base + Σ b_i x_i − c_i x_i² + small interactions; each site its own response
    base = rng.normal(5500, 600, n_trials)
    opt = level2 * rng.uniform(0.8, 1.3, (n_trials, 3))  # agronomic optimum
    curv = rng.uniform(0.02, 0.06, (n_trials, 3)) * np.array([1.0, 2.5, 0.8])
    mean = (
        base[:, None]
        + np.einsum("ti,tki->tk", 2 * curv * opt, rates)
        - np.einsum("ti,tki->tk", curv, rates**2)
        + 0.004 * rates[:, :, 0] * rates[:, :, 1]
    )
    block = rng.normal(0, 150, (n_trials, 1, reps))
    noise = rng.normal(0, 250, (n_trials, k, reps))
    y = mean[:, :, None] + block + noise
    return pd.DataFrame(
        {
            "trial": np.repeat(np.arange(n_trials), k * reps),
            "trt": np.tile(np.repeat([f"T{i + 1}" for i in range(k)], reps), n_trials),
            "rep": np.tile(np.arange(1, reps + 1), n_trials * k),
            "yield": y.ravel(),
            "N": np.repeat(rates[:, :, 0], reps, axis=1).ravel(),
            "P2O5": np.repeat(rates[:, :, 1], reps, axis=1).ravel(),
            "K2O": np.repeat(rates[:, :, 2], reps, axis=1).ravel(),
        }
    )


def pipeline(frame: pd.DataFrame, surface: str = "full") -> fo.BatchResult:
    return fo.run_batch(
        frame,
        by="trial",
        response="yield",
        treatment="trt",
        block="rep",
        posthoc="duncan",
        rates=("N", "P2O5", "K2O"),
        surface=surface,
        prices=PRICES,
    )


def naive_trial(sub: pd.DataFrame) -> None:
    """What a per-trial script does: statsmodels ANOVA and Tukey, OLS surface, numerical optimum."""
    import statsmodels.formula.api as smf
    from scipy.optimize import minimize
    from statsmodels.stats.anova import anova_lm
    from statsmodels.stats.multicomp import pairwise_tukeyhsd

    model = smf.ols("Q('yield') ~ C(rep) + C(trt)", data=sub).fit()
    anova_lm(model)
    pairwise_tukeyhsd(sub["yield"], sub["trt"])
    surf = smf.ols(
        "Q('yield') ~ N + P2O5 + K2O + I(N**2) + I(P2O5**2) + I(K2O**2) + N:P2O5 + "
        "N:K2O + P2O5:K2O",
        data=sub,
    ).fit()
    b = surf.params.to_numpy()
    hi = sub[["N", "P2O5", "K2O"]].max().to_numpy()
    cost = np.array([6.25, 4.67, 10.4])

    def net(x: np.ndarray) -> float:
        n, p, k = x
        y = (
            b[0]
            + b[1] * n
            + b[2] * p
            + b[3] * k
            + b[4] * n * n
            + b[5] * p * p
            + b[6] * k * k
            + b[7] * n * p
            + b[8] * n * k
            + b[9] * p * k
        )
        return -(2.8 * y - cost @ x)

    minimize(net, hi / 2, bounds=list(zip(np.zeros(3), hi, strict=True)), method="L-BFGS-B")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=100, help="trials timed in the naive loop")
    args = parser.parse_args()
    n = args.trials

    frame = three414(n)
    gc.collect()
    size = frame_bytes(frame)
    print(
        f"input: {n} 3414 trials × 3 blocks = {len(frame):,} plots, "
        f"{size / 2**20:.0f} MiB in memory"
    )

    pipeline(frame.iloc[: 42 * 200])  # warm up imports and caches (one small run)
    res, t_batch, peak = measure(lambda: pipeline(frame))
    print(
        f"run_batch full pipeline: {t_batch:.2f} s ({n / t_batch:,.0f} trials/s); "
        f"{res.n_vectorized} vectorized, {res.n_analysed - res.n_vectorized} per trial, "
        f"{res.n_failed} failed"
    )
    print(f"  optimum status: {res.table['opt_status'].value_counts().to_dict()}")
    print(f"  surface kind:   {res.table['surface_kind'].value_counts().to_dict()}")
    print(f"  {memory_line(peak, size)}")
    del res
    gc.collect()
    t0 = time.perf_counter()
    res = pipeline(frame, surface="stepwise")
    t_step = time.perf_counter() - t0
    print(
        f"  the same with stepwise surfaces: {t_step:.2f} s ({n / t_step:,.0f} trials/s), "
        f"{res.n_vectorized} vectorized"
    )
    del res
    gc.collect()

    t0 = time.perf_counter()
    frame.groupby(["trial", "trt"]).mean()
    t_groupby = time.perf_counter() - t0
    print(f"pandas groupby(['trial', 'trt']).mean(): {t_groupby:.2f} s")

    sample = frame[frame["trial"] < args.sample]
    subs = [sub for _, sub in sample.groupby("trial")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        naive_trial(subs[0])  # imports
        t0 = time.perf_counter()
        for sub in subs:
            naive_trial(sub)
        per_trial = (time.perf_counter() - t0) / len(subs)
    t_naive = per_trial * n
    print(
        f"naive loop: {per_trial * 1e3:.0f} ms per trial (timed on {len(subs)}), "
        f"{t_naive / 3600:.1f} h for {n} trials"
    )
    print(
        f"ratios: run_batch is {t_naive / t_batch:,.0f}× the naive loop; "
        f"{t_batch / t_groupby:.1f}× one groupby-mean pass"
    )

    print("throughput (full pipeline):")
    print("   trials   seconds   trials/s")
    for m in (1_000, 3_000, 10_000, 30_000, 100_000):
        if m > n:
            break
        part = frame.iloc[: 42 * m]
        gc.collect()
        t0 = time.perf_counter()
        pipeline(part)
        dt = time.perf_counter() - t0
        print(f"  {m:7d}  {dt:8.2f}  {m / dt:9,.0f}")


if __name__ == "__main__":
    main()
