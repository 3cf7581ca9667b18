"""Bootstrap intervals of an optimum refitted as one batch, against a per-resample loop.

``fit.optimum(ci="bootstrap")`` draws every resample at once and refits them together
(:mod:`fertopt.curves.batched` on the level means, the least-squares map of a linear model,
or :mod:`fertopt.curves.refits` on the weighted plots for case resamples and unbalanced
designs).  The reference here is the straightforward loop the function ran before: the same
generator, one resample at a time, each refitted by the per-fit estimator.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import fertopt as fo
from fertopt.curves.engine import FitData, FitFailure, estimate
from fertopt.curves.models import MODELS
from fertopt.curves.refits import refit_plots
from fertopt.economics import intervals

PRICES = fo.Prices(crop=0.2, N=1.0)  # ratio 5 kg grain per kg N
RATIO = 5.0


def trial(seed: int, blocks: bool = True, drop: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = np.repeat([0.0, 40, 80, 120, 160, 200], 4)
    blk = np.tile([1, 2, 3, 4], 6)
    xm = np.minimum(x, 150)
    y = 5000 + 30 * (xm - xm * xm / 300) + rng.normal(0, 300, 24) + 100 * blk
    df = pd.DataFrame({"N": x, "rep": blk, "yield": y})
    return df.iloc[drop:] if blocks else df.drop(columns="rep").iloc[drop:]


def loop_bootstrap(curve, n_boot: int, seed: int, kind: str):
    """The per-resample loop: one draw and one refit per resample (the former code)."""
    gen = np.random.default_rng(seed)
    data = curve.data
    fitted = data.y - curve.resid
    resid = curve.resid - curve.resid.mean()
    n = data.n
    rates, failed, none = [], 0, 0
    for _ in range(n_boot):
        if kind == "residual":
            ystar = fitted + resid[gen.integers(0, n, n)]
        else:
            ystar = fitted + curve.resid * gen.choice((-1.0, 1.0), n)
        try:
            with np.errstate(all="ignore"):
                est = estimate(curve.spec, FitData(data.x, ystar, data.blocks), polish=False)
        except FitFailure:
            failed += 1
            continue
        sol = curve.spec.solve(est.theta, RATIO)
        if sol.case == "none" or not math.isfinite(sol.rate):
            none += 1
            continue
        rates.append(sol.rate)
    return np.asarray(rates), failed, none


def fitted(model: str, **kw):
    df = trial(**kw)
    block = "rep" if "rep" in df.columns else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fo.fit_response(df, response="yield", rate="N", model=model, block=block)


@pytest.mark.parametrize(
    ("model", "kind", "kw"),
    [
        ("quadratic", "residual", {"seed": 1}),
        ("quadratic", "wild", {"seed": 2, "drop": 1}),  # unbalanced: least-squares map
        ("square_root", "residual", {"seed": 3}),
        ("quadratic_plateau", "residual", {"seed": 4}),
        ("quadratic_plateau", "wild", {"seed": 5, "blocks": False}),
        pytest.param(  # unbalanced: refitted on the plots (curves.refits)
            "quadratic_plateau", "residual", {"seed": 6, "drop": 1}, marks=pytest.mark.slow
        ),
        ("linear_plateau", "residual", {"seed": 7}),
        pytest.param("mitscherlich", "wild", {"seed": 8}, marks=pytest.mark.slow),
    ],
)
def test_batched_bootstrap_equals_the_per_resample_loop(model, kind, kw):
    fit = fitted(model, **kw)
    n_boot = 200
    interval, info, seed = intervals.bootstrap(fit.curve, RATIO, 0.9, n_boot, 123, kind)
    rates, failed, none = loop_bootstrap(fit.curve, n_boot, 123, kind)
    assert seed == 123
    assert (info["n_valid"], info["n_failed"], info["n_no_maximum"]) == (len(rates), failed, none)
    # the same resamples: linear models give the same least-squares solution to rounding;
    # the loop refits nonlinear models by a grid and Brent's method, which stops within
    # ~1.5e-8 of the join (its sqrt(eps) tolerance) while the batch finds the exact
    # minimum, so the quantiles agree to 1e-6
    rtol = 1e-9 if model in ("quadratic", "square_root") else 1e-6
    np.testing.assert_allclose(interval, np.quantile(rates, [0.05, 0.95]), rtol=rtol)


def test_bootstrap_interval_is_reproducible_and_records_its_seed():
    fit = fitted("quadratic_plateau", seed=11)
    a = fit.optimum(prices=PRICES, ci="bootstrap", n_boot=300, rng=2024)
    b = fit.optimum(prices=PRICES, ci="bootstrap", n_boot=300, rng=2024)
    assert a.ci == b.ci and a.seed == b.seed == 2024
    assert a.bootstrap == b.bootstrap
    c = fit.optimum(prices=PRICES, ci="bootstrap", n_boot=300, rng=np.random.default_rng(5))
    again = fit.optimum(prices=PRICES, ci="bootstrap", n_boot=300, rng=c.seed)
    assert again.ci == c.ci


@pytest.mark.slow
def test_bootstrap_covers_the_true_optimum_on_simulated_trials():
    # known truth: y = 5000 + 30(x − x²/300) below 150, the economic optimum
    # x0(1 − r/b) = 150(1 − 5/30) = 125; 90 % percentile intervals from 100 simulated trials
    # should cover it about 90 times (binomial sd 3): at least 75 is far from chance failure
    true = 150 * (1 - RATIO / 30)
    covered = 0
    for s in range(100):
        fit = fitted("quadratic_plateau", seed=1000 + s)
        if not fit.converged:
            continue
        interval, _info, _seed = intervals.bootstrap(fit.curve, RATIO, 0.9, 200, s, "residual")
        covered += interval is not None and interval[0] <= true <= interval[1]
    assert covered >= 75


# ---------------------------------------------------------------------------
# resamples with their own design: case resampling, and unbalanced trials (a lost plot)
# ---------------------------------------------------------------------------
ALL_MODELS = (
    "quadratic",
    "linear",
    "square_root",
    "linear_plateau",
    "quadratic_plateau",
    "mitscherlich",
)


def test_case_draws_in_one_call_are_the_loops_draws():
    # the former loop: per resample, per block, gen.choice of that block's plots
    data = fitted("quadratic", seed=1, drop=1).curve.data  # blocks of 6, 6, 6 and 5 plots
    codes = data.blocks.codes
    gen = np.random.default_rng(99)
    loop = [
        np.concatenate(
            [
                gen.choice(np.flatnonzero(codes == b), int((codes == b).sum()))
                for b in range(data.blocks.n_blocks)
            ]
        )
        for _ in range(300)
    ]
    np.testing.assert_array_equal(
        intervals.case_draws(data, 300, np.random.default_rng(99)), np.array(loop)
    )


@pytest.mark.parametrize("model", ALL_MODELS)
@pytest.mark.parametrize(
    ("kind", "drop", "seed", "blocks"),
    [
        ("case", 0, 21, True),
        ("case", 1, 22, True),
        ("residual", 1, 23, True),
        ("wild", 3, 24, True),
        ("case", 5, 25, False),  # no blocks, unequal replication
    ],
)
def test_own_design_bootstrap_equals_the_per_resample_loop(model, kind, drop, seed, blocks):
    fit = fitted(model, seed=seed, drop=drop, blocks=blocks)
    n_boot = 100
    interval, info, _ = intervals.bootstrap(fit.curve, RATIO, 0.9, n_boot, seed, kind)
    ref, ref_info, _ = intervals.bootstrap(fit.curve, RATIO, 0.9, n_boot, seed, kind, method="loop")
    assert info == ref_info
    if ref is None:
        assert interval is None
        return
    # linear models: the same least-squares solution to rounding.  Nonlinear ones: the
    # loop's estimate(polish=False) returns its grid-and-Brent join unless the exact
    # stationary point is lower by 1e-12 of the SSE, so on a flat profile it can stop ~1e-8
    # (Brent's sqrt(eps) tolerance) to ~1e-6 of the join away from the exact minimum the
    # batch finds; 1e-6 bounds that
    rtol = 1e-9 if MODELS[model].linear else 1e-6
    np.testing.assert_allclose(interval, ref, rtol=rtol)


def _weighted_truth(model: str, seed: int):
    """Noise-free responses of a known curve plus block effects, and case-like weights."""
    rng = np.random.default_rng(seed)
    x = np.repeat([0.0, 40, 80, 120, 160, 200], 4)[1:]  # one plot lost
    codes = np.tile([0, 1, 2, 3], 6)[1:]
    truth = {
        "quadratic": [5000.0, 30.0, -0.1],
        "linear": [5000.0, 12.0],
        "square_root": [5000.0, 300.0, -10.0],
        "linear_plateau": [5000.0, 25.0, 130.0],
        "quadratic_plateau": [5000.0, 40.0, 137.0],
        "mitscherlich": [9000.0, 0.015, 60.0],
    }[model]
    theta = np.array(truth)
    y = MODELS[model].curve(x, theta) + np.array([100.0, -50, 30, -80])[codes]
    W = rng.integers(0, 3, size=(50, len(x))).astype(float)
    W[:, x == 0] = 1.0  # every rate and block keeps a plot
    W[:, x == 200] = 1.0
    W[:, (x == 120) | (x == 160)] += 1.0
    return x, codes, W, y, theta


@pytest.mark.parametrize("model", ALL_MODELS)
def test_weighted_refits_recover_a_known_curve(model):
    # a curve with block effects and no noise is its own least-squares fit under any weights
    x, codes, W, y, theta = _weighted_truth(model, 5)
    fits = refit_plots(model, x, codes, W, y)
    assert not fits.failed.any() and not fits.refer.any()
    # exact data: only rounding in the projected sums (and the 1e-14 Newton stop of the
    # Mitscherlich rate) separate the fit from the truth
    np.testing.assert_allclose(fits.theta, np.broadcast_to(theta, fits.theta.shape), rtol=1e-7)


def test_weighted_refits_refuse_a_response_without_curvature():
    # a straight line: the plateau models' join runs off (per-trial: FitFailure)
    x, codes, W, _y, _theta = _weighted_truth("linear", 6)
    y = 5000 + 10 * x + np.random.default_rng(6).normal(0, 1e-6, len(x))
    for model in ("linear_plateau", "quadratic_plateau", "mitscherlich"):
        fits = refit_plots(model, x, codes, W, y)
        assert np.all(fits.failed | fits.refer)


@pytest.mark.slow
def test_lost_plot_bootstrap_covers_the_true_optimum_on_simulated_trials():
    # known truth as above (QP join 150, optimum 125); one plot lost per trial, so the
    # resamples are refitted on the plots; 90 % intervals over 100 trials: at least 75
    true = 150 * (1 - RATIO / 30)
    covered = tried = 0
    for s in range(100):
        fit = fitted("quadratic_plateau", seed=2000 + s, drop=1)
        if not fit.converged:
            continue
        tried += 1
        for kind in ("residual", "case"):
            interval, _info, _seed = intervals.bootstrap(fit.curve, RATIO, 0.9, 300, s, kind)
            covered += interval is not None and interval[0] <= true <= interval[1]
    assert tried >= 95 and covered >= 2 * 75


@pytest.mark.parametrize("model", ["quadratic", "square_root", "linear"])
def test_case_resamples_with_rates_confounded_with_blocks_equal_the_loop(model):
    # 4 rates × 3 blocks, one plot lost: some case resamples hold each rate in one block
    # only, so rate and block effects cannot be separated (the per-trial least squares
    # returns its minimum-norm solution); the batch leaves those to the per-trial refit
    rng = np.random.default_rng(103)
    x = np.repeat([30.0, 60, 90, 120], 3)
    blk = np.tile([0, 1, 2], 4)
    xm = np.minimum(x, 72)
    y = 4000 + 25 * (xm - xm * xm / 144) + rng.normal(0, 600, 12) + 80 * blk
    df = pd.DataFrame({"N": x, "rep": blk, "yield": y}).drop(index=[4])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fo.fit_response(df, response="yield", rate="N", model=model, block="rep")
    got = intervals.bootstrap(fit.curve, RATIO, 0.9, 80, 3, "case")
    ref = intervals.bootstrap(fit.curve, RATIO, 0.9, 80, 3, "case", method="loop")
    assert got[1] == ref[1]
    if ref[0] is not None:  # tolerance as in the test above
        np.testing.assert_allclose(got[0], ref[0], rtol=1e-6)


def test_case_resamples_of_a_trial_without_a_zero_rate_equal_the_loop():
    # rates 30-120 and no zero rate: for a large Mitscherlich rate the curve has decayed at
    # every rate, where a column e − 1 is −1 to rounding; the grid must keep its digits
    rng = np.random.default_rng(118)
    x = np.repeat([30.0, 60, 90, 120], 3)
    blk = np.tile([0, 1, 2], 4)
    xm = np.minimum(x, 72)
    y = 4000 + 25 * (xm - xm * xm / 144) + rng.normal(0, 200, 12) + 80 * blk
    df = pd.DataFrame({"N": x, "rep": blk, "yield": y})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fo.fit_response(df, response="yield", rate="N", model="mitscherlich", block="rep")
    got = intervals.bootstrap(fit.curve, RATIO, 0.9, 80, 18, "case")
    ref = intervals.bootstrap(fit.curve, RATIO, 0.9, 80, 18, "case", method="loop")
    assert got[1] == ref[1]
    np.testing.assert_allclose(got[0], ref[0], rtol=1e-6)  # tolerance as above
