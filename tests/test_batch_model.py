"""run_batch with model=: single-nutrient response fits and optima per trial (fo.fit_response)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import fertopt as fo

PRICES = fo.Prices(crop=0.2, N=1.0)  # per kg of grain and per kg of N: ratio 5 kg/kg


def n_trials(n_sites: int, seed: int) -> pd.DataFrame:
    """Multi-site N-rate trials (kg/ha), 5 rates × 4 blocks, each site its own quadratic."""
    rng = np.random.default_rng(seed)
    frames = []
    for s in range(n_sites):
        df = pd.DataFrame(
            {
                "site": f"S{s:02d}",
                "N": np.repeat([0.0, 60, 120, 180, 240], 4),
                "rep": np.tile([1, 2, 3, 4], 5),
            }
        )
        b, c = rng.uniform(25, 40), rng.uniform(0.05, 0.12)
        df["yield"] = 5000 + b * df["N"] - c * df["N"] ** 2 + rng.normal(0, 250, len(df))
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def run(data, **kw):
    kw.setdefault("by", "site")
    kw.setdefault("response", "yield")
    kw.setdefault("treatment", "N")
    kw.setdefault("block", "rep")
    kw.setdefault("rates", "N")
    return fo.run_batch(data, **kw)


@pytest.mark.parametrize("model", ["quadratic", "linear_plateau"])
def test_model_columns_equal_fit_response_on_each_trial(model):
    data = n_trials(8, seed=51)
    res = run(data, model=model, prices=PRICES)
    assert res.n_analysed == 8
    # the batch fits these balanced trials on their treatment means (fertopt.curves.batched):
    # the same least-squares solution as fit_response, which ends at the exact minimum too
    # (QR for the quadratic, the exact stationary join for the linear plateau), so they agree
    # to rounding (1e-13 seen; 1e-9 as in tests/test_batch_curves.py)
    rtol = 1e-9
    for key, row in res.table.set_index("site").iterrows():
        sub = data[data["site"] == key]
        fit = fo.fit_response(
            sub, response="yield", rate="N", model=model, block="rep", errors="record"
        )
        est = dict(zip(fit.params["term"], fit.params["estimate"], strict=True))
        for name, value in est.items():
            np.testing.assert_allclose(row[f"coef_{name}"], value, rtol=rtol)
        if fit.converged:
            with warnings.catch_warnings(record=True):  # extrapolated optima warn; compared below
                warnings.simplefilter("always")
                opt = fit.optimum(prices=PRICES)
            assert row["opt_status"] == opt.status
            np.testing.assert_allclose(row["opt_rate"], opt.rate, rtol=rtol)
            np.testing.assert_allclose(row["opt_net_return"], opt.net_return, rtol=rtol)
    # the ANOVA and the fits of these regular trials came from the vectorized engine
    assert (res.table["engine"] == "vectorized").all()
    python = run(data, model=model, prices=PRICES, engine="python")
    cols = [c for c in res.table.columns if c != "engine"]
    pd.testing.assert_frame_equal(
        res.table[cols], python.table[cols], check_exact=False, rtol=rtol
    )  # vectorized vs per trial
    pd.testing.assert_frame_equal(res.warnings, python.warnings)


def test_quadratic_economic_optimum_by_hand():
    # noise-free y = 5000 + 30 N − 0.08 N²: with 5 kg grain per kg N the optimum is
    # (30 − 5) / (2 · 0.08) = 156.25 kg N/ha; net return = 0.2·(30·156.25 − 0.08·156.25²) − 156.25
    data = n_trials(1, seed=52)
    data["yield"] = (
        5000 + 30 * data["N"] - 0.08 * data["N"] ** 2 + np.tile([1.0, -1.0, 2.0, -2.0], 5)
    )
    row = run(data, model="quadratic", prices=PRICES).table.iloc[0]
    assert row["opt_status"] == "ok"
    np.testing.assert_allclose(row["opt_rate"], 156.25, rtol=1e-9)  # block noise cancels per rate
    np.testing.assert_allclose(
        row["opt_net_return"], 0.2 * (30 * 156.25 - 0.08 * 156.25**2) - 156.25, rtol=1e-9
    )


def test_a_model_that_does_not_converge_is_recorded_not_fatal():
    data = n_trials(3, seed=53)
    flat = data["site"] == "S01"
    data.loc[flat, "yield"] = 5000 + np.tile([3.0, -3.0, 1.0, -1.0], 5)  # no response to N
    res = run(data, model="linear_plateau", prices=PRICES)
    assert res.n_analysed == 3 and res.n_failed == 0
    row = res.table.set_index("site").loc["S01"]
    assert row["status"] == "partial" and not row["model_converged"]
    w = res.warnings[res.warnings["site"] == "S01"]
    assert "optimum" in set(w["stage"])


def test_bad_model_arguments():
    data = n_trials(1, seed=54)
    with pytest.raises(fo.FertoptError, match="model='cubic' is not a valid option"):
        run(data, model="cubic")
    with pytest.raises(fo.FertoptError, match="model= needs rates= naming one rate column"):
        run(data.assign(P2O5=0.0), model="quadratic", rates=("N", "P2O5"))
    with pytest.raises(fo.FertoptError, match="not both"):
        run(data.assign(P2O5=0.0), model="quadratic", surface="full", rates=("N", "P2O5"))
