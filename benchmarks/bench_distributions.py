"""Studentized range quantiles and p-values: fertopt.distributions against scipy, same process.

Run:  python benchmarks/bench_distributions.py

Prints, for a Duncan test on 14 treatments with 26 error df (an RCBD of 14 treatments x 3 blocks):

* the 13 critical values (spans 2..14) cold (empty cache; median of fresh-cache runs) and
  cached, against ``scipy.stats.studentized_range.ppf`` called for the same 13 values;
* the largest relative difference from scipy;
* the 91 pair p-values (``studentized_range_sf`` at each pair's span) against scipy's ``sf``
  (scipy timed on a sample of pairs and scaled to 91);
* a batch of 2000 trials with the same (k, df), where the cache makes every trial after the
  first a lookup, against scipy's cost per trial;
* the same cold figures for a few other (k, df).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _timing import per_call  # noqa: E402
from scipy import stats  # noqa: E402

from fertopt import distributions as D  # noqa: E402


def cold(k: int, df: float, alpha: float = 0.05) -> float:
    def run():
        D.clear_cache()
        D.duncan_critical_values(k, df, alpha)

    return per_call(run, 15, warm_up=False)


def main() -> None:
    k, df, alpha = 14, 26, 0.05
    spans = np.arange(2, k + 1)
    probs = (1 - alpha) ** (spans - 1.0)
    D.duncan_critical_values(3, 10)  # imports and quadrature nodes
    t_cold = cold(k, df)
    D.duncan_critical_values(k, df)
    t_cached = per_call(lambda: D.duncan_critical_values(k, df), 2000, warm_up=False)
    t0 = time.perf_counter()
    ref = np.array(
        [stats.studentized_range.ppf(p, int(s), df) for p, s in zip(probs, spans, strict=False)]
    )
    t_scipy = time.perf_counter() - t0
    D.clear_cache()
    ours = D.duncan_critical_values(k, df)
    rel = np.max(np.abs(ours / ref - 1))
    print(f"Duncan critical values, k = {k}, df = {df}, alpha = {alpha} (13 quantiles)")
    print(f"  fertopt cold      {t_cold * 1e3:8.2f} ms   (target < 5 ms)")
    print(f"  fertopt cached    {t_cached * 1e6:8.2f} us")
    print(
        f"  scipy ppf         {t_scipy * 1e3:8.1f} ms   -> fertopt cold is "
        f"{t_scipy / t_cold:,.0f}x faster, cached {t_scipy / t_cached:,.0f}x"
    )
    print(f"  max relative difference from scipy: {rel:.1e}")

    # pair p-values: 91 pairs, each at its own span
    rng = np.random.default_rng(3)
    ii, jj = np.triu_indices(k, 1)
    span = jj - ii + 1
    q = rng.uniform(0.5, 6.0, len(ii))
    t_ours = per_call(lambda: D.studentized_range_sf(q, span, df), 20, warm_up=False)
    sample = rng.choice(len(ii), 10, replace=False)
    t0 = time.perf_counter()
    sref = np.array([stats.studentized_range.sf(q[i], int(span[i]), df) for i in sample])
    t_scipy_sf = (time.perf_counter() - t0) / len(sample) * len(ii)
    diff = np.max(np.abs(D.studentized_range_sf(q[sample], span[sample], df) - sref))
    print(f"\n91 pair p-values (studentized range sf at each span), df = {df}")
    print(f"  fertopt           {t_ours * 1e3:8.2f} ms")
    print(
        f"  scipy sf          {t_scipy_sf * 1e3:8.1f} ms (10 timed, scaled to 91) -> "
        f"{t_scipy_sf / t_ours:,.0f}x"
    )
    print(f"  max absolute difference from scipy (10 pairs): {diff:.1e}")

    # batch of trials sharing (k, df): the cache pays once
    trials = 2000
    D.clear_cache()
    t0 = time.perf_counter()
    for _ in range(trials):
        D.duncan_critical_values(k, df, alpha)
        D.snk_critical_values(k, df, alpha)
        D.tukey_critical_value(k, df, alpha)
    t_batch = time.perf_counter() - t0
    per_trial_scipy = t_scipy / 13 * (13 + 13 + 1)
    print(
        f"\nBatch of {trials} trials (k = {k}, df = {df}): "
        "Duncan + SNK + Tukey critical values per trial"
    )
    print(
        f"  fertopt total     {t_batch * 1e3:8.1f} ms ({t_batch / trials * 1e6:.1f} us per trial)"
    )
    print(
        f"  scipy estimate    {per_trial_scipy * trials:8.1f} s  "
        f"({per_trial_scipy * 1e3:.0f} ms per trial)"
        f" -> {per_trial_scipy * trials / t_batch:,.0f}x"
    )

    print("\nCold Duncan tables for other sizes (ms; scipy: ms for the same quantiles)")
    for kk, dd in [(5, 12), (8, 21), (14, 60.5), (20, 40), (14, 4)]:
        t = cold(kk, dd)
        sp = np.arange(2, kk + 1)
        t0 = time.perf_counter()
        for s in sp[-3:]:
            stats.studentized_range.ppf((1 - alpha) ** (s - 1.0), int(s), dd)
        t_s = (time.perf_counter() - t0) / 3 * len(sp)
        print(
            f"  k = {kk:2d}, df = {dd:5}: fertopt {t * 1e3:6.2f}  scipy {t_s * 1e3:8.1f} "
            f"(3 timed, scaled to {len(sp)})  -> {t_s / t:,.0f}x"
        )


if __name__ == "__main__":
    main()
