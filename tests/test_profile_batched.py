"""The profile-likelihood interval of an optimum, its profile evaluated for many candidates at once.

References: the per-trial profile (:func:`fertopt.curves.engine.profile_sse`, one candidate at a
time: the model refitted with the optimum as a parameter), closed forms (the quadratic's
profile set solves a quadratic inequality), a brute-force search over the quadratic-plateau join,
and the R anchors of ``test_economics.py`` (run there).
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

import fertopt as fo
from fertopt.curves.engine import profile_sse
from fertopt.curves.models import qp_basis, sse_fixed
from fertopt.economics import intervals
from fertopt.economics.profile_batched import profile_interval, profile_sse_many

REF = Path(__file__).parent / "reference"
MN_PRICES = fo.Prices(crop=0.157, N=0.88, currency="USD")
MN_UNITS = {"response": "kg/ha", "rate": "kg/ha"}
MODELS = ("quadratic", "square_root", "linear_plateau", "quadratic_plateau", "mitscherlich")


def _fit(df: pd.DataFrame, model: str, **roles) -> fo.ResponseFit:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # some models warn about this trial; not under test
        return fo.fit_response(df, model=model, **roles)


@pytest.fixture(scope="module")
def minnesota() -> pd.DataFrame:
    return pd.read_csv(REF / "minnesota_2012.csv")


def _opt(fit, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # extrapolation / unbounded warnings: not under test
        return fit.optimum(**kw)


def _mn(minnesota, model):
    return _fit(
        minnesota,
        model,
        response="yld_grain_dry_kgha",
        rate="rate_n_applied_kgha",
        nutrient="N",
        units=MN_UNITS,
    )


def _rcbd(seed: int = 4) -> pd.DataFrame:
    """Six rates × four blocks with block effects, a plateau at 150 (simulation)."""
    rng = np.random.default_rng(seed)
    x = np.repeat([0.0, 40, 80, 120, 160, 200], 4)
    blk = np.tile([1, 2, 3, 4], 6)
    xm = np.minimum(x, 150)
    y = 5000 + 30 * (xm - xm * xm / 300) + rng.normal(0, 300, 24) + 100 * blk
    return pd.DataFrame({"N": x, "rep": blk, "yield": y})


def _stat(fit, r, t):
    """Likelihood-ratio statistic minus the F critical value at one candidate (per-trial)."""
    c = fit.curve
    s2 = c.sse / c.df_resid
    return (profile_sse(c.spec, c.data, t, r) - c.sse) / s2


@pytest.mark.parametrize("model", MODELS)
def test_profile_equals_per_candidate_profile(minnesota, model):
    fit = _mn(minnesota, model)
    r = _opt(fit, prices=MN_PRICES).price_ratio
    c = fit.curve
    ts = np.linspace(-20.0, 400.0, 43)
    batch = profile_sse_many(c.spec, c.data, ts, r)
    one = np.array([profile_sse(c.spec, c.data, t, r) for t in ts])
    assert np.array_equal(np.isinf(batch), np.isinf(one))
    fin = np.isfinite(one)
    if model == "quadratic_plateau":
        # the batched profile is the exact minimum over the join; the per-candidate one a
        # 17-point grid with Brent that can miss a sharp minimum near the join's lower end:
        # never higher (1e-9: Brent's 1e-12 in the join, squared into the SSE, and rounding)
        assert np.all(batch[fin] <= one[fin] * (1 + 1e-9))
        near = fin & (ts > 100)  # where both find the same minimum
        assert_allclose(batch[near], one[near], rtol=1e-9)
    else:
        # closed forms (quadratic, square root, joins) or the same grid refined to 1e-12
        # (Mitscherlich): the SSE agrees to rounding of a sum of squares of ~1e7
        assert_allclose(batch[fin], one[fin], rtol=1e-9)


def test_qp_profile_is_the_minimum_over_the_join(minnesota):
    # at a candidate far below the optimum the best join sits just above it; a dense brute
    # force over the join (a simulation of the definition) can only come close from above
    fit = _mn(minnesota, "quadratic_plateau")
    r = _opt(fit, prices=MN_PRICES).price_ratio
    c, t = fit.curve, 10.0
    data = c.data
    xs = np.concatenate(
        [np.linspace(t + 1e-6, t + 1.0, 200_001), np.linspace(t + 1.0, 2400, 20_001)]
    )
    b = r * xs / (xs - t)
    brute = sse_fixed(data.blocks.project(data.y[:, None] - qp_basis(data.x, xs) * b[None, :]))
    exact = profile_sse_many(c.spec, data, np.array([t]), r)[0]
    assert exact <= brute.min() * (1 + 1e-12)
    # the brute grid's spacing (5e-6 kg/ha near the minimum) bounds its excess well below 1e-6
    assert exact == pytest.approx(brute.min(), rel=1e-6)


def test_quadratic_interval_is_the_closed_form(minnesota):
    """SSE(θ) = vᵀv − (gᵀv)²/(gᵀg) with g = x² − 2θx (centred): ends solve a quadratic in θ."""
    fit = _mn(minnesota, "quadratic")
    opt = fit.optimum(prices=MN_PRICES, ci="profile", confidence_level=0.9)
    c, r = fit.curve, opt.price_ratio
    x, y = c.data.x, c.data.y
    v = (y - r * x) - (y - r * x).mean()
    a = x * x - (x * x).mean()
    bb = x - x.mean()
    s2 = c.sse / c.df_resid
    bound = c.sse + s2 * stats.f.ppf(0.9, 1, c.df_resid)
    # (vv − bound)(aa − 4θ ab + 4θ² bb) − (av − 2θ bv)² = 0
    vv, av, bv, aa, ab, b2 = v @ v, a @ v, bb @ v, a @ a, a @ bb, bb @ bb
    k = vv - bound
    coef = [4 * k * b2 - 4 * bv * bv, -4 * k * ab + 4 * av * bv, k * aa - av * av]
    ends = np.sort(np.roots(coef).real)
    # the batched search stops within 1e-10 × the top rate of the crossing
    assert_allclose(opt.ci, ends, atol=1e-10 * c.data.levels[-1] * 2)
    assert_allclose(opt.ci, [152.882, 222.560], atol=5e-4)  # eonr's published interval


@pytest.mark.parametrize("model", MODELS)
def test_ends_are_where_the_statistic_crosses(model):
    df = _rcbd()
    fit = _fit(df, model, response="yield", rate="N", block="rep")
    opt = _opt(fit, prices=fo.Prices(crop=0.2, N=1.0))
    if not math.isfinite(opt.rate) or opt.rate <= 0:
        pytest.skip(f"no interior optimum for {model} on this trial")
    c, r = fit.curve, opt.price_ratio
    se = intervals.delta_se(c, r)
    crit = stats.f.ppf(0.95, 1, c.df_resid)
    lo, hi = profile_interval(c, r, opt.rate, 0.95, se)
    assert lo < opt.rate < hi
    top = c.data.levels[-1]
    for end, inward in ((lo, 1.0), (hi, -1.0)):
        if not math.isfinite(end):
            # unbounded: still below the critical value 20 top rates away, as per trial
            far = opt.rate - inward * 20 * top
            assert _stat(fit, r, far) <= crit or not np.isfinite(_stat(fit, r, far))
            continue
        # the statistic is continuous: below the critical value just inside the end, above
        # just outside (1e-9 × top: ten times the end's tolerance)
        step = 1e-9 * top
        assert _stat(fit, r, end + inward * step) <= crit
        assert _stat(fit, r, end - inward * step) > crit


def test_one_sided_set_reported_unbounded(minnesota):
    fit = _mn(minnesota, "square_root")
    opt = _opt(fit, prices=MN_PRICES, ci="profile", confidence_level=0.9)
    lo, hi = opt.ci
    assert math.isfinite(lo) and hi == math.inf
    c = fit.curve
    crit = stats.f.ppf(0.9, 1, c.df_resid)
    # independent reason: the statistic never reaches the critical value above the optimum
    ts = np.linspace(opt.rate, opt.rate + 20 * c.data.levels[-1], 200)
    assert all(_stat(fit, opt.price_ratio, t) <= crit for t in ts)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("drop", [None, 5], ids=["balanced", "missing-plot"])
def test_blocks_profile_equals_per_candidate(model, drop):
    # a randomized complete block trial (and one with a plot missing, which the balanced
    # shortcut must not take): block effects profiled out in both computations
    df = _rcbd()
    if drop is not None:
        df = df.drop(index=drop)
    fit = _fit(df, model, response="yield", rate="N", block="rep")
    r = 5.0
    c = fit.curve
    ts = np.linspace(60.0, 220.0, 17)
    batch = profile_sse_many(c.spec, c.data, ts, r)
    one = np.array([profile_sse(c.spec, c.data, t, r) for t in ts])
    assert np.array_equal(np.isinf(batch), np.isinf(one))
    fin = np.isfinite(one)
    # exact minimum (or the same grid, refined) versus grid + Brent: never higher beyond
    # rounding, and equal to 1e-9 here, where both find the same minimum
    assert np.all(batch[fin] <= one[fin] * (1 + 1e-9))
    assert_allclose(batch[fin], one[fin], rtol=1e-9)
