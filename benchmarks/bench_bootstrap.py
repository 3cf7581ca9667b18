"""Bootstrap interval of an economic optimum: resamples per second, batched against a loop.

Usage::

    python benchmarks/bench_bootstrap.py            # 1 000 resamples, every model
    python benchmarks/bench_bootstrap.py --n-boot 2000 --models quadratic_plateau

For one N-rate trial (6 rates × 4 blocks) and each model, prints, measured in this one
process: ``fit.optimum(prices, ci="bootstrap", n_boot=N)`` (all resamples drawn at once
and refitted as one batch), the per-resample loop it replaced (the same generator, one
draw and one ``estimate(polish=False)`` refit per resample) on the same resamples, and
their ratio; and, for reference, the delta and profile intervals of the same optimum.

A second table does the same for the two kinds of resample that each carry their own design:
``bootstrap="case"`` (plots drawn with replacement within blocks) on the complete trial, and
the residual bootstrap of the trial with one plot lost (an unbalanced design, so not the level
means); the baseline is the per-resample loop the batch keeps as its reference
(``intervals.bootstrap(..., method="loop")``: the same resamples, one ``estimate(polish=False)``
refit each), timed on ``--loop-boot`` resamples.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import per_call  # noqa: E402

import fertopt as fo  # noqa: E402
from fertopt.curves.engine import FitData, FitFailure, estimate  # noqa: E402
from fertopt.economics import intervals  # noqa: E402

PRICES = fo.Prices(crop=0.2, N=1.0)  # ratio 5 kg grain per kg N
MODELS = ("quadratic", "square_root", "linear_plateau", "quadratic_plateau", "mitscherlich")
RATIO = 5.0


def trial(seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = np.repeat([0.0, 40, 80, 120, 160, 200], 4)
    blk = np.tile([1, 2, 3, 4], 6)
    xm = np.minimum(x, 150)
    y = 5000 + 30 * (xm - xm * xm / 300) + rng.normal(0, 300, 24) + 100 * blk
    return pd.DataFrame({"N": x, "rep": blk, "yield": y})


def loop(curve, n_boot: int, seed: int) -> int:
    """The former per-resample loop (residual bootstrap); returns the valid refits."""
    gen = np.random.default_rng(seed)
    data = curve.data
    fitted = data.y - curve.resid
    resid = curve.resid - curve.resid.mean()
    n, valid = data.n, 0
    for _ in range(n_boot):
        ystar = fitted + resid[gen.integers(0, n, n)]
        try:
            with np.errstate(all="ignore"):
                est = estimate(curve.spec, FitData(data.x, ystar, data.blocks), polish=False)
        except FitFailure:
            continue
        valid += math.isfinite(curve.spec.solve(est.theta, 5.0).rate)
    return valid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--models", nargs="*", default=list(MODELS))
    parser.add_argument("--loop-boot", type=int, default=300, help="resamples for the loop")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    df = trial()
    nb = args.n_boot
    print(f"one trial of 24 plots, {nb} residual-bootstrap resamples")
    print(
        f"{'model':<18} {'batched/s':>10} {'loop/s':>8} {'speed-up':>8} "
        f"{'delta ms':>9} {'profile ms':>11}"
    )
    for model in args.models:
        fit = fo.fit_response(df, response="yield", rate="N", model=model, block="rep")

        def batched(fit=fit):
            return fit.optimum(prices=PRICES, ci="bootstrap", n_boot=nb, rng=1)

        t_batch = per_call(batched, repeat=5)
        t0 = time.perf_counter()
        loop(fit.curve, nb, 1)
        t_loop = time.perf_counter() - t0
        t_delta = per_call(lambda fit=fit: fit.optimum(prices=PRICES), repeat=50)
        t_prof = per_call(lambda fit=fit: fit.optimum(prices=PRICES, ci="profile"), repeat=5)
        print(
            f"{model:<18} {nb / t_batch:>10,.0f} {nb / t_loop:>8,.0f} "
            f"{t_loop / t_batch:>7.0f}x {t_delta * 1e3:>9.2f} {t_prof * 1e3:>11.1f}"
        )
    own_designs(args.models, nb, args.loop_boot)


def own_designs(models, nb: int, n_loop: int) -> None:
    """Case resamples, and residual resamples of a trial with one plot lost."""
    print(f"\n{nb} resamples batched, {n_loop} by the reference loop (the same resamples)")
    print(f"{'model':<18} {'resamples':<22} {'batched/s':>10} {'loop/s':>8} {'speed-up':>8}")
    rows = (
        ("case", trial(), "case, complete trial"),
        ("residual", trial().iloc[1:], "residual, lost plot"),
    )
    for model in models:
        for kind, df, what in rows:
            fit = fo.fit_response(df, response="yield", rate="N", model=model, block="rep")
            curve = fit.curve

            def batched(curve=curve, kind=kind):
                return intervals.bootstrap(curve, RATIO, 0.9, nb, 1, kind)

            t_batch = per_call(batched, repeat=5)
            t0 = time.perf_counter()
            intervals.bootstrap(curve, RATIO, 0.9, n_loop, 1, kind, method="loop")
            t_loop = (time.perf_counter() - t0) / n_loop
            print(
                f"{model:<18} {what:<22} {nb / t_batch:>10,.0f} {1 / t_loop:>8,.0f} "
                f"{t_loop * nb / t_batch:>7.0f}x"
            )


if __name__ == "__main__":
    main()
