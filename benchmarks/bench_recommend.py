"""fo.recommend on a simulated network: time against one run_batch, and the regret table.

Usage::

    python benchmarks/bench_recommend.py                    # 1 000 sites × 6 rates × 4 reps
    python benchmarks/bench_recommend.py --sites 200 --repeat 1

Simulates a network whose sites follow quadratic-plateau curves with parameters drawn from a
known distribution (intercept N(6000, 800), linear lognormal(ln 40, 0.2), join N(160, 30);
rates 0–250, residual SD 300, 4 blocks), then prints, measured in this one process (best of
``--repeat`` runs):

* the baseline: one ``fertopt.run_batch`` of the same frame with the options ``recommend``
  uses (``model="quadratic_plateau"``, priced optimum, no letters);
* ``fertopt.recommend`` with the rules that recombine per-site curves (MRTN, class regression,
  mean of site optima), leave-one-site-out validation, with one price point and with the
  default 3 × 3 price grid (each price point validated too);
* ``fertopt.recommend`` with every method, the random-coefficient ``network`` rule included,
  validated by leaving out one of ``--folds`` groups of sites at a time (the network rule
  refits its mixed model per fold; leaving out one site at a time would mean one refit per
  site);

each in seconds and as a ratio to the baseline; then the rates and the regret table, and the
true regret of each rule on 20 000 freshly simulated sites (known curves) beside it.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import fertopt as fo  # noqa: E402

PY, PX = 0.2, 1.0
RATES = np.array([0.0, 50, 100, 150, 200, 250])


def draw(n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    return rng.normal(6000, 800, n), rng.lognormal(np.log(40), 0.2, n), rng.normal(160, 30, n)


def qp(x: np.ndarray, a: np.ndarray, b: np.ndarray, x0: np.ndarray) -> np.ndarray:
    m = np.minimum(x, x0)
    return a + b * (m - m * m / (2 * x0))


def network(n: int, rng: np.random.Generator, sigma: float = 300.0) -> pd.DataFrame:
    a, b, x0 = draw(n, rng)
    s = np.repeat(np.arange(n), 24)
    x = np.tile(RATES, 4 * n)
    y = qp(x, a[s], b[s], x0[s]) + rng.normal(0, sigma, len(s))
    rep = np.tile(np.repeat(np.arange(4), 6), n)
    return pd.DataFrame({"site": [f"S{i:04d}" for i in s], "rep": rep, "N": x, "yield": y})


def true_regret(rate: np.ndarray, a: np.ndarray, b: np.ndarray, x0: np.ndarray) -> np.ndarray:
    r = PX / PY
    best = np.clip(np.where(b > r, x0 * (1 - r / b), 0.0), 0, RATES[-1])

    def net(x: np.ndarray) -> np.ndarray:
        return PY * (qp(x, a, b, x0) - a) - PX * x

    return net(best) - net(rate)


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--folds", type=int, default=10, help="site groups for the network rule")
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    frame = network(args.sites, rng)
    prices = fo.Prices(crop=PY, N=PX)
    print(f"input: {args.sites} sites × 6 rates × 4 reps = {len(frame):,} plots")
    roles = {"response": "yield", "rate": "N", "site": "site", "block": "rep"}

    def batch() -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fo.run_batch(
                frame,
                by="site",
                response="yield",
                treatment="N",
                block="rep",
                rates="N",
                model="quadratic_plateau",
                posthoc=None,
                prices=prices,
            )

    curves = ("mrtn", "class_regression", "site_mean")
    one = {"crop": [PY]}

    def rec_grid() -> object:
        return fo.recommend(frame, **roles, prices=prices, rng=1, methods=curves)

    def rec_one() -> object:
        return fo.recommend(frame, **roles, prices=prices, rng=1, methods=curves, price_grid=one)

    def rec_all() -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fo.recommend(
                frame, **roles, prices=prices, rng=1, price_grid=one, folds=args.folds,
                methods=(*curves, "network"),
            )  # fmt: skip

    t_batch, _ = best_of(batch, args.repeat)
    t_one, _ = best_of(rec_one, args.repeat)
    t_grid, _ = best_of(rec_grid, args.repeat)
    t_all, rec = best_of(rec_all, args.repeat)
    print(f"baseline run_batch (quadratic_plateau, priced):        {t_batch:8.2f} s   1.00")
    print(
        f"recommend, 3 rules, leave-one-site-out, 1 price point: {t_one:8.2f} s  "
        f"{t_one / t_batch:5.2f}"
    )
    print(
        f"recommend, 3 rules, leave-one-site-out, 3 × 3 prices:  {t_grid:8.2f} s  "
        f"{t_grid / t_batch:5.2f}"
    )
    print(
        f"recommend, 4 rules with network, {args.folds} folds, 1 price:   {t_all:8.2f} s  "
        f"{t_all / t_batch:5.2f}"
    )
    print()
    print(rec.rates[["method", "class", "rate", "ci_low", "ci_high", "n_sites"]].to_string())
    print()
    a, b, x0 = draw(20_000, rng)
    ck = a + rng.normal(0, 150, len(a))  # CK yield from 4 plots of SD 300
    truth = []
    for m in rec.methods:
        rows = rec.rates[rec.rates["method"] == m]
        rate = np.empty(len(a))
        for _, r in rows.iterrows():
            inside = (
                np.ones(len(a), bool)
                if r["class"] == "all"
                else (ck >= r["class_low"]) & (ck < r["class_high"])
            )
            rate[inside] = r["rate"]
        truth.append(true_regret(rate, a, b, x0).mean())
    table = rec.validation.assign(true_regret_fresh_sites=truth)
    cols = ["method", "regret_mean", "regret_se", "regret_apparent_mean", "true_regret_fresh_sites"]
    cols += ["regret_median", "regret_p90", "share_in_range"]
    print(table[cols].to_string(float_format=lambda v: f"{v:.3f}"))


if __name__ == "__main__":
    main()
