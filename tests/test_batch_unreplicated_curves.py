"""run_batch(model=...) on unreplicated N-rate trials: the vectorized engine against the per-trial
path, and against the closed form on noiseless data.

An unreplicated trial (one plot per rate, no blocks: an on-farm strip trial) has no ANOVA (no
residual degrees of freedom), so both paths record the ANOVA's error as a warning and go on to
the response model.  The vectorized engine fits it in the batch on its plots (weight 1 per rate,
no pure error: the residual df are the fit's alone, ``n - p``); the per-trial path fits it with
``fit_response`` and prices it with ``fit.optimum``.  Both must give the same table, warnings and
failures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import fertopt as fo
from fertopt.curves.models import MODEL_NAMES
from test_batch_curves import compare, shape_mean

PRICES = fo.Prices(crop=0.2, N=1.0)  # ratio 5 kg grain per kg N
RATIO = 5.0
RATES = np.array([0.0, 40, 80, 120, 160, 200, 240])

# Engine equality is compare() of the replicated trials' tests (tests/test_batch_curves.py), with
# its tolerance: both paths reach the same least-squares solution and differ only by rounding
# (1e-9 relative, an order of magnitude over the largest difference seen and six below any
# digit shown); statuses, warnings and failures are compared exactly.


def strip_trials(n: int, seed: int, *, block: bool = False) -> pd.DataFrame:
    """Unreplicated N-rate trials of every shape, with some that fail or go per trial."""
    rng = np.random.default_rng(seed)
    frames = []
    for s in range(n):
        kind = s % 8
        x = RATES.copy()
        b = rng.uniform(15, 45)
        xs = rng.uniform(60, 220)
        mu = shape_mean(kind, x, b, xs, rng)
        y = mu + rng.normal(0, rng.uniform(60, 250), len(x))
        df = pd.DataFrame({"site": f"S{s:03d}", "N": x, "yield": y})
        if block:
            df["rep"] = 1
        if s % 13 == 5:  # a rate missing (6 rates: another chunk shape)
            df = df[df["N"] != 160]
        if s % 19 == 7:  # three rates: no residual df for a three-parameter model
            df = df[df["N"].isin([0.0, 120, 240])]
        if s % 23 == 11:  # constant yields
            df = df.assign(**{"yield": 6000.0})
        if s % 29 == 13:  # an empty yield: the plot is left out
            df = df.assign(**{"yield": np.where(df["N"] == 80, np.nan, df["yield"])})
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def run(data, engine, model, prices=PRICES, block=None):
    return fo.run_batch(
        data,
        by="site",
        response="yield",
        treatment="N",
        block=block,
        rates="N",
        model=model,
        prices=prices,
        engine=engine,
    )


@pytest.mark.parametrize("model", MODEL_NAMES)
def test_vectorized_equals_per_trial(model):
    data = strip_trials(64, seed=17)
    fast = run(data, "vectorized", model)
    slow = run(data, "python", model)
    compare(fast, slow)
    # most trials were fitted in the batch, not handed to the per-trial path
    assert fast.n_vectorized >= 0.5 * fast.n_trials
    assert slow.n_vectorized == 0


@pytest.mark.parametrize("model", ["quadratic", "quadratic_plateau", "linear_plateau"])
def test_agronomic_optimum_equals_per_trial(model):
    data = strip_trials(32, seed=3)
    compare(run(data, "vectorized", model, None), run(data, "python", model, None))


def test_a_block_column_with_one_level_fails_as_on_the_per_trial_path():
    # fit_response refuses a single block; both engines record the trial as a failure (the
    # ANOVA's error) with the model's error as a warning
    data = strip_trials(16, seed=5, block=True)
    fast = run(data, "vectorized", "quadratic_plateau", block="rep")
    slow = run(data, "python", "quadratic_plateau", block="rep")
    compare(fast, slow)
    assert fast.n_failed == fast.n_trials == 16
    assert set(fast.failures["stage"]) == {"anova"}
    response = fast.warnings.loc[fast.warnings["stage"] == "response", "site"]
    assert set(response) == set(fast.failures["site"])


def noiseless_trials(model: str, n: int, seed: int) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Strip trials lying exactly on a known curve, and that curve's economic optimum.

    Closed forms at the price ratio R (kg grain per kg N): the quadratic a + b x + c x² has
    its optimum where b + 2 c x = R; the quadratic plateau a + b (m − m²/(2 x₀)), m = min(x,
    x₀), where b (1 − x/x₀) = R.  The net return is the value of the gain over the zero rate
    less the cost of the fertilizer: crop (y(x*) − y(0)) − N x*.
    """
    rng = np.random.default_rng(seed)
    a = rng.uniform(4000, 6000, n)
    b = rng.uniform(20, 50, n)
    if model == "quadratic":
        best = rng.uniform(100, 200, n)  # curvature mild enough that no yield is negative
        c = (RATIO - b) / (2 * best)
        coefs = {"intercept": a, "linear": b, "quadratic": c}
        x = RATES[None, :]
        y = a[:, None] + b[:, None] * x + c[:, None] * x**2
        top = a + b * best + c * best**2
    else:
        join = rng.uniform(50, 230, n)
        best = join * (1 - RATIO / b)
        coefs = {"intercept": a, "linear": b, "join": join}
        m = np.minimum(RATES[None, :], join[:, None])
        y = a[:, None] + b[:, None] * (m - m**2 / (2 * join[:, None]))
        top = a + b * (best - best**2 / (2 * join))
    data = pd.DataFrame(
        {
            "site": np.repeat([f"S{s:03d}" for s in range(n)], len(RATES)),
            "N": np.tile(RATES, n),
            "yield": y.ravel(),
        }
    )
    truth = {f"coef_{k}": v for k, v in coefs.items()}
    truth.update(
        {"opt_rate": best, "opt_yield": top, "opt_net_return": 0.2 * (top - a) - 1.0 * best}
    )
    return data, truth


@pytest.mark.parametrize("model", ["quadratic", "quadratic_plateau"])
def test_noiseless_trials_give_the_closed_form_optimum_in_the_batch(model, monkeypatch):
    data, truth = noiseless_trials(model, 40, seed=11)

    def no_per_trial(*args, **kwargs):
        raise AssertionError("a trial was fitted one at a time")

    # every trial is fitted by the batched kernels: the per-trial stages are never called
    monkeypatch.setattr("fertopt.batch._engine.analyse_trial", no_per_trial)
    monkeypatch.setattr("fertopt.batch._engine.extra_stages", no_per_trial)
    res = run(data, "vectorized", model)
    table = res.table.set_index("site").sort_index()
    assert res.n_failed == 0 and len(table) == 40
    assert (table["opt_status"] == "ok").all()
    for column, expected in truth.items():
        # exact data: the least-squares fit is the curve itself, up to rounding (the plateau
        # join is the root of a quartic polished by Newton steps, about 1e-12 relative)
        np.testing.assert_allclose(table[column].to_numpy(float), expected, rtol=1e-9)
    # the residuals are rounding: R² is one and σ is nothing next to the yields
    np.testing.assert_allclose(table["model_r2"].to_numpy(float), 1.0, rtol=0, atol=1e-12)
    assert (table["model_sigma"] < 1e-6).all()


def test_fits_in_small_slices_and_chunks_equal_per_trial(monkeypatch):
    # the batched fits run FIT_TRIALS trials at a time and the engine CHUNK_TRIALS at a time
    # (both bound the memory of a large run): slices of 5 and chunks of 16 give the same tables
    monkeypatch.setattr("fertopt.batch._vcurves.FIT_TRIALS", 5)
    monkeypatch.setattr("fertopt.batch._engine.CHUNK_TRIALS", 16)
    data = strip_trials(48, seed=23)
    fast = run(data, "vectorized", "quadratic_plateau")
    compare(fast, run(data, "python", "quadratic_plateau"))
    assert fast.n_vectorized >= 0.5 * fast.n_trials
