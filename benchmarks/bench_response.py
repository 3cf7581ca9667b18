"""Speed of response fits and optimum intervals, as ratios against named baselines.

Run from the repository root:  python benchmarks/bench_response.py

Baselines, measured in the same process on the same data (minnesota_2012, 32 plots):

* quadratic fit: ``statsmodels.api.OLS(y, [1, x, x²]).fit()`` (the bare estimator fertopt
  calls, without input checks, rescaling or result building);
* quadratic-plateau fit: ``scipy.optimize.curve_fit`` of the smooth quadratic plateau from a
  good start (eonr's approach; one local search, no guarantee of the global minimum);
* intervals and bootstrap: one fertopt fit of the same model.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import fertopt as fo  # noqa: E402


def best_of(fn, repeat: int = 5, number: int = 20) -> float:
    """Smallest mean time per call over ``repeat`` batches of ``number`` calls (seconds)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return min(times)


def main() -> None:
    import statsmodels.api as sm
    from scipy.optimize import curve_fit

    df = pd.read_csv(ROOT / "tests" / "reference" / "minnesota_2012.csv")
    x = df["rate_n_applied_kgha"].to_numpy(float)
    y = df["yld_grain_dry_kgha"].to_numpy(float)
    kw = dict(
        response="yld_grain_dry_kgha",
        rate="rate_n_applied_kgha",
        nutrient="N",
        units={"response": "kg/ha", "rate": "kg/ha"},
    )
    prices = fo.Prices(crop=0.157, N=0.88)

    X = np.column_stack([np.ones_like(x), x, x * x])
    base_q = best_of(lambda: sm.OLS(y, X).fit())
    fit_q = best_of(lambda: fo.fit_response(df, model="quadratic", **kw))
    print(
        f"quadratic fit         {fit_q * 1e3:8.2f} ms   {fit_q / base_q:6.1f} x statsmodels OLS "
        f"({base_q * 1e3:.2f} ms)"
    )

    def qp(xx, a, b, xs):
        return np.where(xx < xs, a + b * xx - b * xx * xx / (2 * xs), a + b * xs / 2)

    base_qp = best_of(lambda: curve_fit(qp, x, y, p0=(7000.0, 60.0, 180.0)))
    fit_qp = best_of(lambda: fo.fit_response(df, model="quadratic_plateau", **kw), number=5)
    print(
        f"quadratic-plateau fit {fit_qp * 1e3:8.2f} ms   {fit_qp / base_qp:6.1f} x scipy curve_fit "
        f"from a good start ({base_qp * 1e3:.2f} ms)"
    )

    for model in ("quadratic", "quadratic_plateau", "mitscherlich"):
        fit = fo.fit_response(df, model=model, **kw)
        one = best_of(lambda m=model: fo.fit_response(df, model=m, **kw), repeat=3, number=5)
        for ci in ("delta", "profile"):
            t = best_of(lambda f=fit, c=ci: f.optimum(prices=prices, ci=c), repeat=3, number=3)
            print(f"{model:18s} {ci:9s} {t * 1e3:8.2f} ms   {t / one:6.2f} x one fit")
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit.optimum(prices=prices, ci="bootstrap", n_boot=200, rng=1)
        per = (time.perf_counter() - t0) / 200
        print(f"{model:18s} bootstrap {per * 1e3:8.2f} ms per refit   {per / one:6.2f} x one fit")


if __name__ == "__main__":
    main()
