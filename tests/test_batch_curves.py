"""run_batch(model=...) on the vectorized engine against the per-trial path, every model.

The per-trial path (``engine="python"``) fits each trial with ``fit_response`` and prices it
with ``fit.optimum``; the vectorized engine fits whole chunks on their treatment means
(``fertopt.curves.batched``).  Both must give the same table, warnings and failures.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import fertopt as fo
from fertopt.curves.models import MODEL_NAMES

PRICES = fo.Prices(crop=0.2, N=1.0)  # ratio 5 kg grain per kg N
RATIO_KG = 5.0
RATES = np.array([0.0, 40, 80, 120, 160, 200])

# Both paths reach the same least-squares solution: linear models by QR either way, nonlinear
# ones at the exact minimum of the profiled SSE (the batched kernels on treatment means, the
# per-trial path by solving the stationarity of the profile exactly after its search and
# polish).  They differ only by rounding: the largest relative difference seen over every
# float column is 5e-14 (linear plateau), 8e-13 (Mitscherlich) and 1e-10 (quadratic plateau,
# in the lower delta limit, a difference of two close numbers).  1e-9 leaves an order of
# magnitude over that and is still six orders below any digit shown; statuses and warnings
# are compared exactly.
RTOL_LINEAR = 1e-9
RTOL_NONLINEAR = 1e-9


def shape_mean(kind: int, x: np.ndarray, b: float, xs: float, rng) -> np.ndarray:
    """The mean yield at rates ``x`` of one of 8 response shapes (slope ``b``, join ``xs``),
    the awkward ones included: no response, convex, a step, a straight line."""
    if kind == 0:  # quadratic plateau
        return 5000 + b * (np.minimum(x, xs) - np.minimum(x, xs) ** 2 / (2 * xs))
    if kind == 1:  # linear plateau
        return 5000 + b * np.minimum(x, xs)
    if kind == 2:  # Mitscherlich
        return 9000 * (1 - np.exp(-rng.uniform(0.005, 0.03) * (x + 40)))
    if kind == 3:  # quadratic
        return 5000 + b * x - rng.uniform(0.05, 0.15) * x * x
    if kind == 4:  # flat: no response
        return 6000 + 0 * x
    if kind == 5:  # convex
        return 5000 + 0.05 * x * x
    if kind == 6:  # plateau reached at the first rate above zero
        return 5000 + 1500 * (x > 0)
    return 5000 + 10 * x  # straight line


def trials(n: int, seed: int) -> pd.DataFrame:
    """N-rate trials (6 rates × 4 blocks) of every shape, with some degenerate ones."""
    rng = np.random.default_rng(seed)
    frames = []
    for s in range(n):
        kind = s % 8
        x = np.repeat(RATES, 4)
        blk = np.tile([1, 2, 3, 4], len(RATES))
        b = rng.uniform(15, 45)
        xs = rng.uniform(60, 240)
        mu = shape_mean(kind, x, b, xs, rng)
        y = mu + rng.normal(0, rng.uniform(80, 300), len(x)) + rng.normal(0, 150, 4)[blk - 1]
        df = pd.DataFrame({"site": f"S{s:03d}", "N": x, "rep": blk, "yield": y})
        if s % 13 == 5:  # a rate missing from the trial (5 rates: another chunk shape)
            df = df[df["N"] != 160]
        if s % 17 == 3:  # a lost plot: the trial is not balanced
            df = df.iloc[1:]
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def run(data, engine, model, prices=PRICES):
    return fo.run_batch(
        data,
        by="site",
        response="yield",
        treatment="N",
        block="rep",
        rates="N",
        model=model,
        prices=prices,
        engine=engine,
    )


def compare(a, b, model=None):
    """Two batch results equal: every float column to the tolerance, the rest exactly, the
    same warnings and failures (``model`` None: one run mixing models, the linear tolerance)."""
    ta = a.table.set_index("site").sort_index()
    tb = b.table.set_index("site").sort_index()
    assert list(ta.index) == list(tb.index)
    spec_linear = model in (None, "linear", "quadratic", "square_root")
    rtol = RTOL_LINEAR if spec_linear else RTOL_NONLINEAR
    for col in ta.columns:
        if col == "engine":
            continue
        va, vb = ta[col], tb[col]
        if pd.api.types.is_float_dtype(va):
            tol = RTOL_LINEAR if col in ("model_sigma", "model_r2", "model_aic") else rtol
            np.testing.assert_allclose(
                va.to_numpy(float), vb.to_numpy(float), rtol=tol, atol=0, err_msg=col
            )
        else:
            assert va.astype(str).tolist() == vb.astype(str).tolist(), col
    key = ["site", "stage", "category", "message"]
    wa = a.warnings[key].sort_values(key).reset_index(drop=True)
    wb = b.warnings[key].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(wa, wb)
    fa = a.failures.sort_values("site").reset_index(drop=True)
    fb = b.failures.sort_values("site").reset_index(drop=True)
    pd.testing.assert_frame_equal(fa, fb)


@pytest.mark.parametrize("model", MODEL_NAMES)
def test_vectorized_equals_per_trial(model):
    data = trials(64, seed=17)
    fast = run(data, "vectorized", model)
    slow = run(data, "python", model)
    compare(fast, slow, model)
    # most trials were fitted on the vectorized path, not handed to the per-trial one
    assert (fast.table["engine"] == "vectorized").mean() > 0.8


@pytest.mark.parametrize("model", ["quadratic", "quadratic_plateau", "mitscherlich"])
def test_agronomic_optimum_equals_per_trial(model):
    data = trials(24, seed=3)
    compare(run(data, "vectorized", model, None), run(data, "python", model, None), model)


@pytest.mark.parametrize("model", ["quadratic", "square_root"])
def test_batched_delta_and_fieller_intervals_equal_fit_optimum(model):
    from fertopt.economics import batched as eb
    from fertopt.economics.intervals import t_quantile

    data = trials(16, seed=9)
    fits = []
    for _site, sub in data.groupby("site"):
        if len(sub) == 24:  # complete trials: one residual df, one t quantile
            fits.append(fo.fit_response(sub, response="yield", rate="N", model=model, block="rep"))
    theta = np.array([f.curve.theta for f in fits])
    vcov = np.array([f.curve.vcov for f in fits])
    lo = np.array([f.rate_range[0] for f in fits])
    hi = np.array([f.rate_range[1] for f in fits])
    df = np.array([f.df_resid for f in fits])
    assert np.all(df == df[0])
    q = t_quantile(0.95, float(df[0]))
    with warnings.catch_warnings():  # extrapolated optima warn; their intervals are compared
        warnings.simplefilter("ignore")
        ref = [f.optimum(price_ratio=(RATIO_KG, "kg/kg"), ci="delta") for f in fits]
        fie = [f.optimum(price_ratio=(RATIO_KG, "kg/kg"), ci="fieller") for f in fits]
    r = ref[0].price_ratio
    opt = eb.optima(model, theta, vcov, lo, hi, r, quantile=q)
    low, high, bounded = eb.fieller(model, theta, vcov, r, q * q)
    for i, o in enumerate(ref):
        assert opt.status[i] == o.status
        if o.ci is None:
            assert np.isnan(opt.ci_low[i])
            continue
        # the same closed forms on the same numbers: rounding only
        np.testing.assert_allclose([opt.ci_low[i], opt.ci_high[i]], o.ci, rtol=1e-12)
        if fie[i].ci is not None and fie[i].ci_bounded:
            assert bounded[i]
            np.testing.assert_allclose([low[i], high[i]], fie[i].ci, rtol=1e-12)


def test_linear_plateau_join_just_above_the_first_rate_is_fitted_in_the_batch():
    from fertopt.curves.batched import fit_levels

    # closed form: a rate x block interaction (rows and columns summing to zero) on the exact
    # curve 5000 + 30 min(x, 40.06) is orthogonal to every curve in the rate, so the treatment
    # means are the curve and the pure residual SS is the interaction's, 25^2 * 10 * 20
    r = np.array([1.0, -2, 1, 3, -1, -2])
    s = np.array([1.0, -1, 2, -2])
    base = 25.0**2 * (r @ r) * (s @ s)
    m = 5000 + 30 * np.minimum(RATES, 40.06)
    fits = fit_levels("linear_plateau", RATES[None, :], m[None, :], 4.0, np.array([base]))
    # the per-trial path finds this join too (tests/test_response_fit.py), so it stays here
    assert not fits.refer[0] and not fits.on_rate[0]
    np.testing.assert_allclose(fits.theta[0], [5000.0, 30.0, 40.06], rtol=1e-12)  # rounding
    np.testing.assert_allclose(fits.sse[0], base, rtol=1e-12)
