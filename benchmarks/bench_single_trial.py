"""One N-rate trial, warm: ANOVA + Duncan letters + quadratic fit + priced optimum.

Usage::

    python benchmarks/bench_single_trial.py

A 6-rate × 4-block RCBD.  Prints, measured in this one process (median and best of many
calls, CPU time of the process so that other programs on the machine count less):

* fertopt's four calls, each and together;
* the four calls, then every table the results compute when first read (the ANOVA's
  assumption checks, the pairs and critical values of the letters, the fit's lack-of-fit
  test, plot table, covariance and block effects): what a reader of the whole summary pays;
* the four calls on a trial whose rates are new to the process each time (no label type
  built before can be reused);
* the baseline a script writer reaches for: statsmodels' formula OLS with ``anova_lm`` and
  an OLS quadratic (no letters, no optimum, no checks), on the same trial;
* the ratio of the two.
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import fertopt as fo  # noqa: E402

PRICES = fo.Prices(crop=0.2, N=1.0)


def trial(step: float = 50.0) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rates = np.repeat(np.arange(6) * step, 4)
    rep = np.tile(range(4), 6)
    y = 5000 + 30 * rates - 0.08 * rates**2 + rng.normal(0, 200, rates.size)
    return pd.DataFrame({"N": rates, "rep": rep, "yield": y})


def timed(fn, repeat: int = 300) -> tuple[float, float]:
    fn()
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times), min(times)


def main() -> None:
    import statsmodels.formula.api as smf
    from statsmodels.stats.anova import anova_lm

    df = trial()
    aov = fo.anova(df, response="yield", treatment="N", block="rep")
    fit = fo.fit_response(df, response="yield", rate="N", model="quadratic")

    def fertopt_all():
        a = fo.anova(df, response="yield", treatment="N", block="rep")
        fo.duncan(a)
        f = fo.fit_response(df, response="yield", rate="N", model="quadratic")
        f.optimum(prices=PRICES)

    def every_table():
        a = fo.anova(df, response="yield", treatment="N", block="rep")
        mc = fo.duncan(a)
        f = fo.fit_response(df, response="yield", rate="N", model="quadratic")
        f.optimum(prices=PRICES)
        return (
            a.assumptions,
            mc.pairs,
            mc.critical,
            f.lack_of_fit,
            f.data,
            f.vcov,
            f.block_effects,
        )

    fresh = iter([trial(step=50.0 + i / 1000) for i in range(400)])

    def new_labels():
        d = next(fresh)
        a = fo.anova(d, response="yield", treatment="N", block="rep")
        fo.duncan(a)
        f = fo.fit_response(d, response="yield", rate="N", model="quadratic")
        f.optimum(prices=PRICES)

    def baseline():
        anova_lm(smf.ols("Q('yield') ~ C(rep) + C(N)", data=df).fit())
        smf.ols("Q('yield') ~ N + I(N**2)", data=df).fit()

    rows = [
        ("fo.anova", lambda: fo.anova(df, response="yield", treatment="N", block="rep")),
        ("fo.duncan", lambda: fo.duncan(aov)),
        ("fo.fit_response", lambda: fo.fit_response(df, response="yield", rate="N")),
        ("ResponseFit.optimum", lambda: fit.optimum(prices=PRICES)),
        ("all four", fertopt_all),
        ("all four, then every table read", every_table),
        ("all four, rates new to the process each call", new_labels),
        ("baseline: statsmodels OLS + anova_lm + OLS quadratic", baseline),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = {name: timed(fn) for name, fn in rows}
    for name, (median, best) in result.items():
        print(f"{name:55s} {median * 1e3:6.2f} ms (best {best * 1e3:.2f})")
    ratio = result["all four"][0] / result[rows[-1][0]][0]
    print(f"fertopt's four calls = {ratio:.2f}× the statsmodels baseline (medians)")


if __name__ == "__main__":
    main()
