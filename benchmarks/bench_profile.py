"""Profile-likelihood interval of an optimum: batched profile against the per-candidate search.

Usage::

    python benchmarks/bench_profile.py                     # quadratic and quadratic plateau
    python benchmarks/bench_profile.py --models mitscherlich linear_plateau

For one N-rate trial (6 rates × 4 blocks) and each model, prints, measured in this one
process: ``fit.optimum(prices, ci="delta")`` (the named baseline), ``ci="profile"`` (the
profile evaluated on vectors of candidate optima, both ends bracketed and refined together),
and the per-candidate search it replaced (stepping out one candidate at a time, then Brent's
root search on :func:`fertopt.curves.engine.profile_sse`, reproduced below) wrapped in the same
``optimum`` call; each profile time as a ratio to the delta interval, and the ends of both.
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import per_call  # noqa: E402
from bench_bootstrap import trial  # noqa: E402  (the same trial as the bootstrap's)

import fertopt as fo  # noqa: E402
from fertopt.curves.engine import profile_sse  # noqa: E402
from fertopt.economics import intervals  # noqa: E402

PRICES = fo.Prices(crop=0.2, N=1.0)  # ratio 5 kg grain per kg N


def per_candidate(curve, r: float, rate: float, level: float, se: float):
    """The former profile interval: one candidate at a time, then Brent."""
    from scipy import optimize, stats

    spec, data = curve.spec, curve.data
    s2 = curve.sse / curve.df_resid
    crit = float(stats.f.ppf(level, 1, curve.df_resid))

    def h(t: float) -> float:
        val = profile_sse(spec, data, t, r)
        if not math.isfinite(val):
            return 1e6
        return min((val - curve.sse) / s2 - crit, 1e6)

    top = float(data.levels[-1]) or 1.0
    step0 = se if math.isfinite(se) and se > 0 else 0.05 * top
    step0 = max(step0, 1e-3 * top)
    limit = 20.0 * top
    bounds = []
    for sign in (-1.0, 1.0):
        prev, step, found = rate, step0, None
        while abs(prev - rate) < limit:
            cur = rate + sign * min(abs(prev - rate) + step, limit)
            if h(cur) > 0:
                found = (prev, cur)
                break
            prev = cur
            step *= 1.6
        if found is None:
            bounds.append(sign * math.inf)
            continue
        a, b = found
        bounds.append(optimize.brentq(h, min(a, b), max(a, b), xtol=1e-10 * top, rtol=1e-12))
    return bounds[0], bounds[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="*", default=["quadratic", "quadratic_plateau"])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    df = trial()
    n = args.repeat
    print("one trial of 24 plots (6 rates x 4 blocks); baseline: the delta interval")
    print(
        f"{'model':<18} {'delta ms':>9} {'batched ms':>11} {'x delta':>8} "
        f"{'before ms':>10} {'x delta':>8} {'speed-up':>8}  ends (batched | before)"
    )
    for model in args.models:
        fit = fo.fit_response(df, response="yield", rate="N", model=model, block="rep")
        t_delta = per_call(lambda fit=fit: fit.optimum(prices=PRICES), repeat=5 * n)
        after = fit.optimum(prices=PRICES, ci="profile")
        t_after = per_call(lambda fit=fit: fit.optimum(prices=PRICES, ci="profile"), repeat=n)
        with mock.patch.object(intervals, "profile", per_candidate):
            before = fit.optimum(prices=PRICES, ci="profile")
            t_before = per_call(lambda fit=fit: fit.optimum(prices=PRICES, ci="profile"), repeat=n)
        print(
            f"{model:<18} {t_delta * 1e3:>9.2f} {t_after * 1e3:>11.2f} {t_after / t_delta:>7.1f}x "
            f"{t_before * 1e3:>10.2f} {t_before / t_delta:>7.1f}x {t_before / t_after:>7.1f}x  "
            f"{after.ci[0]:.6f}-{after.ci[1]:.6f} | {before.ci[0]:.6f}-{before.ci[1]:.6f}"
        )


if __name__ == "__main__":
    main()
