"""Speed of fit_network on large simulated networks, as a ratio against a named baseline.

Run from the repository root:  python benchmarks/bench_network_fit.py

Baseline, measured in the same process on the same data: ``statsmodels`` ``MixedLM`` with
``re_formula="~N"`` (random intercept and slope by site, REML) on the rate divided by its
maximum, the bare estimator without input checks or result building.  Both give the same
population parameters (checked below to 1e-5 relative).  The network: sites × 6 N rates ×
4 reps, quadratic response, site intercepts and slopes drawn from a known normal.
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


def network(n_sites: int, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rates = np.array([0.0, 50, 100, 150, 200, 250])
    a = 8 + rng.normal(0, 1, n_sites)
    b = 0.06 + rng.normal(0, 0.008, n_sites)
    site = np.repeat(np.arange(n_sites), 24)
    x = np.tile(np.repeat(rates, 4), n_sites)
    y = a[site] + b[site] * x - 0.00018 * x * x + rng.normal(0, 0.6, len(x))
    return pd.DataFrame({"site": site, "N": x, "yield": y})


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    import statsmodels.formula.api as smf

    for n_sites in (100, 1000):
        d = network(n_sites)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_fo, net = timed(
                lambda d=d: fo.fit_network(d, response="yield", rate="N", site="site")
            )
            scaled = d.assign(N=d["N"] / 250.0)
            t_sm, md = timed(
                lambda s=scaled: smf.mixedlm(
                    "Q('yield') ~ N + I(N**2)", s, groups=s["site"], re_formula="~N"
                ).fit(reml=True)
            )
        beta_sm = np.asarray(md.params)[:3] / np.array([1.0, 250.0, 250.0**2])
        same = np.allclose(net.params["estimate"], beta_sm, rtol=1e-5)
        print(
            f"{n_sites:5d} sites × 24 plots  fit_network {t_fo:7.2f} s   "
            f"{t_fo / t_sm:6.2f} x statsmodels MixedLM ({t_sm:.2f} s)   same β: {same}"
        )


if __name__ == "__main__":
    main()
