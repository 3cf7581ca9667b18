"""run_batch with surface=: the vectorized ternary surface, canonical analysis and optimum
against fo.fit_surface(...).canonical() / .optimum(bounds="tested") on each trial."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import fertopt as fo
from fertopt.design import THREE414_LEVELS
from fertopt.surface import fit_surface

PRICES = fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4)
RATES = ("N", "P2O5", "K2O")
STRINGS = ["design", "surface_kind", "opt_status", "opt_binding", "status"]


def three414(n_trials: int, seed: int) -> pd.DataFrame:
    """3414 trials, 3 blocks; site rates and response shapes vary (maxima, saddles, ridges)."""
    rng = np.random.default_rng(seed)
    lv = np.asarray(THREE414_LEVELS, dtype=float) / 2
    frames = []
    for t in range(n_trials):
        level2 = np.array(
            [rng.choice([150, 180, 210]), rng.choice([60, 75, 90]), rng.choice([90, 120, 150])],
            dtype=float,
        )
        x = lv * level2
        curv = rng.uniform(0.01, 0.08, 3) * rng.choice([1, 1, 1, -0.3], 3)  # some convex terms
        opt = level2 * rng.uniform(0.6, 1.6, 3)
        mean = 6000 + (2 * curv * opt * x).sum(1) - (curv * x**2).sum(1) + 0.005 * x[:, 0] * x[:, 1]
        y = mean[:, None] + rng.normal(0, 120, (1, 3)) + rng.normal(0, 200, (14, 3))
        if t % 9 == 4:  # curvature in N only, almost no noise: a ridge along P and K
            y = (6000 + 30 * x[:, 0] - 0.08 * x[:, 0] ** 2 + 5 * x[:, 1] + 2 * x[:, 2])[
                :, None
            ] + rng.normal(0, 0.5, (14, 3))
        frames.append(
            pd.DataFrame(
                {
                    "trial": t,
                    "trt": np.repeat([f"T{i + 1}" for i in range(14)], 3),
                    "rep": np.tile([1, 2, 3], 14),
                    "yield": y.ravel(),
                    "N": np.repeat(x[:, 0], 3),
                    "P2O5": np.repeat(x[:, 1], 3),
                    "K2O": np.repeat(x[:, 2], 3),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def run(data, **kw):
    kw.setdefault("by", "trial")
    kw.setdefault("response", "yield")
    kw.setdefault("treatment", "trt")
    kw.setdefault("block", "rep")
    kw.setdefault("posthoc", None)
    kw.setdefault("rates", RATES)
    kw.setdefault("surface", "full")
    return fo.run_batch(data, **kw)


def assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Same trials, identical strings and statuses, numbers to relative 1e-9.

    Each number is compared with relative tolerance 1e-9 plus 1e-9 of the
    largest magnitude in its column: a coefficient that is zero in exact
    arithmetic is rounding noise in both paths (QR of the plots there, of the
    coded treatment means here), and its relative error means nothing.
    """
    assert list(a["trial"]) == list(b["trial"])
    for col in a.columns:
        if col in ("engine",):
            continue
        x, z = a[col], b[col]
        if (
            col in STRINGS
            or x.dtype == object
            or str(x.dtype) in ("str", "string", "boolean", "bool")
        ):
            pd.testing.assert_series_equal(x, z, check_dtype=False, obj=col)
            continue
        x, z = x.to_numpy(dtype=float), z.to_numpy(dtype=float)
        same = (np.isnan(x) & np.isnan(z)) | (x == z)
        scale = np.nanmax(np.abs(z)) if np.isfinite(z).any() else 0.0
        with np.errstate(invalid="ignore"):
            ok = same | (np.abs(x - z) <= 1e-9 * np.abs(z) + 1e-9 * scale)
        assert ok.all(), (col, x[~ok][:4], z[~ok][:4])


@pytest.mark.parametrize("prices", [PRICES, None], ids=["economic", "agronomic"])
def test_vectorized_surface_equals_fit_surface(prices):
    data = three414(72, seed=61)
    fast = run(data, prices=prices)
    slow = run(data, prices=prices, engine="python")
    assert fast.n_vectorized >= 65
    assert_same(fast.table, slow.table)
    pd.testing.assert_frame_equal(fast.warnings, slow.warnings)
    kinds = set(fast.table["surface_kind"])
    assert {"maximum", "saddle", "ridge"} <= kinds
    assert {"ok", "at_bound", "saddle", "no_maximum"} <= set(fast.table["opt_status"])
    if prices is None:
        assert fast.table["opt_net_return"].isna().all()


def test_one_trial_against_the_single_trial_functions():
    data = three414(3, seed=62)
    res = run(data, prices=PRICES)
    sub = data[data["trial"] == 1]
    surf = fit_surface(sub, response="yield", rates=RATES, block="rep")
    can = surf.canonical()
    opt = surf.optimum(prices=PRICES, bounds="tested")
    row = res.table.set_index("trial").loc[1]
    assert row["engine"] == "vectorized"
    for term, est in zip(surf.coefficients["term"], surf.coefficients["estimate"], strict=True):
        np.testing.assert_allclose(
            row[f"coef_{term}"],
            est,
            rtol=1e-9,
            atol=1e-9 * surf.coefficients["estimate"].abs().max(),
        )
    assert row["surface_kind"] == can.kind and row["opt_status"] == opt.status
    np.testing.assert_allclose(
        [row["opt_N"], row["opt_P2O5"], row["opt_K2O"]],
        [opt.rates[n] for n in RATES],
        rtol=1e-9,
        atol=1e-9,
    )
    np.testing.assert_allclose(row["opt_net_return"], opt.net_return, rtol=1e-9)
    np.testing.assert_allclose(row["surface_r2"], surf.r_squared, rtol=1e-12)


def test_shared_rates_and_inconsistent_rates():
    data = three414(6, seed=63)
    # trial 0: treatments 6 and 14 at the same rates (13 support points, pure error between them)
    t0 = (data["trial"] == 0) & (data["trt"] == "T14")
    same = (data["trial"] == 0) & (data["trt"] == "T6")
    data.loc[t0, ["N", "P2O5", "K2O"]] = data.loc[same, ["N", "P2O5", "K2O"]].to_numpy()
    # trial 1: one plot of a treatment recorded with another rate: not a regular trial
    data.loc[data.index[(data["trial"] == 1)][4], "N"] += 1.0
    fast = run(data, prices=PRICES)
    slow = run(data, prices=PRICES, engine="python")
    engine = fast.table.set_index("trial")["engine"]
    assert engine[0] == "vectorized" and engine[1] == "python" and engine[2] == "vectorized"
    assert_same(fast.table, slow.table)


@pytest.mark.parametrize("terms", ["full", "stepwise"])
def test_binary_surfaces_on_3414_trials(terms):
    # an N-P surface over all 14 treatments: treatments that differ only in K share their
    # (N, P2O5) support point, whose spread is pure error in the lack-of-fit test
    data = three414(40, seed=72)
    kw = {"rates": ("N", "P2O5"), "surface": terms, "prices": PRICES}
    fast = run(data, **kw)
    slow = run(data, engine="python", **kw)
    assert fast.n_vectorized == 40
    assert "coef_K2O" not in fast.table and fast.table["surface_lof_p"].notna().all()
    assert_same(fast.table, slow.table)


def test_bad_rates_are_recorded_per_trial():
    data = three414(6, seed=64)
    rows = data.groupby("trial").groups
    data.loc[rows[0][5], "N"] = np.nan  # a missing rate
    data.loc[rows[1][7], "K2O"] = -30.0  # a negative rate
    data["P2O5"] = data["P2O5"].astype(object)
    data.loc[rows[2][3], "P2O5"] = "sixty"  # text in a rate
    omission = data[(data["trial"] == 3) & data["trt"].isin(["T1", "T2", "T4", "T6", "T8"])]
    data = pd.concat([data[data["trial"] != 3], omission])  # 5-treatment omission trial
    res = run(data, prices=PRICES)
    assert res.n_failed == 0 and res.n_analysed == 6  # the ANOVA of each works
    tab = res.table.set_index("trial")
    assert list(tab.loc[[0, 1, 2, 3], "status"]) == ["partial"] * 4
    assert list(tab.loc[[4, 5], "status"]) == ["ok", "ok"]
    w = res.warnings[res.warnings["stage"] == "surface"].set_index("trial")
    assert "is empty at row" in w.loc[0, "message"]
    assert "negative rates" in w.loc[1, "message"]
    assert "'sixty'" in w.loc[2, "message"]
    assert "cannot identify" in w.loc[3, "message"] and w.loc[3, "category"] == "DesignError"
    lacking = res.warnings[res.warnings["stage"] == "batch"]
    assert list(lacking["trial"]) == [3]  # 9 of the 14 treatments are missing there
    assert tab.loc[[0, 1, 2, 3], "coef_N"].isna().all()
    # the healthy trials give what they give alone
    healthy = data[data["trial"].isin([4, 5])].astype({"P2O5": float})
    assert_same(
        res.table[res.table["trial"].isin([4, 5])].reset_index(drop=True),
        run(healthy, prices=PRICES).table,
    )


def test_prices_that_cannot_price_the_surface_are_refused_before_the_run():
    data = three414(2, seed=65)
    with pytest.raises(fo.FertoptError, match="lack a price for K2O"):
        run(data, prices=fo.Prices(crop=2.8, N=6.25, P2O5=4.67))


@pytest.mark.parametrize("block", ["rep", None])
def test_stepwise_surfaces_equal_fit_surface(block):
    # Efroymson selection (F to enter 4, to remove 3.9, hierarchical) run on every trial at once;
    # without blocks on unreplicated trials too
    data = three414(60, seed=66)
    if block is None:
        data = data[data["rep"] == 1]
    fast = run(data, surface="stepwise", block=block, prices=PRICES)
    slow = run(data, surface="stepwise", block=block, prices=PRICES, engine="python")
    assert fast.n_vectorized >= 55
    assert_same(fast.table, slow.table)
    pd.testing.assert_frame_equal(fast.warnings, slow.warnings)
    chosen = fast.table.filter(like="coef_").notna()
    assert chosen["coef_intercept"].all() and not chosen.all(axis=None)  # terms were dropped
    one = fit_surface(
        data[data["trial"] == 5], response="yield", rates=RATES, terms="stepwise", block=block
    )
    row = fast.table.set_index("trial").loc[5]
    assert sorted(t for t in one.terms) == sorted(
        c[5:] for c in chosen.columns if chosen.set_index(fast.table["trial"]).loc[5, c]
    )
    np.testing.assert_allclose(row["surface_r2"], one.r_squared, rtol=1e-9)


def test_cli_batch_with_a_priced_surface(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    data = three414(5, seed=68).rename(columns={"trt": "treatment", "rep": "block"})
    data.to_csv(tmp_path / "trials.csv", index=False)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "fertopt.cli", "batch", "trials.csv", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )

    out = cli(
        "--by",
        "trial",
        "--rates",
        "N,P2O5,K2O",
        "--surface",
        "full",
        "--prices",
        "crop=2.8,N=6.25,P2O5=4.67,K2O=10.4",
        "--out",
        "res.xlsx",
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("fertopt batch: 5 trials, 5 analysed (5 vectorized), 0 failed")
    table = pd.read_excel(tmp_path / "res.xlsx", sheet_name="table")
    want = run(data, treatment="treatment", block="block", prices=PRICES).table
    np.testing.assert_allclose(table["opt_net_return"], want["opt_net_return"], rtol=1e-12)
    bad = cli("--by", "trial", "--rates", "N,P2O5,K2O", "--surface", "full", "--prices", "crop")
    assert bad.returncode == 2 and "is not name=value" in bad.stderr
    bad = cli(
        "--by", "trial", "--rates", "N,P2O5,K2O", "--surface", "full", "--prices", "crop=2,Q=1"
    )
    assert bad.returncode == 2 and "--prices" in bad.stderr


@pytest.mark.parametrize("block", ["rep", None])
def test_unreplicated_trials_get_a_surface_without_an_anova(block):
    # 3414 trials are often laid out once per site: no ANOVA is possible (fo.anova refuses a
    # single block, or finds no residual df), but the 10-term surface has 4 residual df
    data = three414(30, seed=69)
    data = data[data["rep"] == 1]
    fast = run(data, block=block, prices=PRICES)
    slow = run(data, block=block, prices=PRICES, engine="python")
    assert fast.n_vectorized == 30 and fast.n_failed == 0
    assert (fast.table["status"] == "partial").all() and fast.table["design"].isna().all()
    assert_same(fast.table, slow.table)
    pd.testing.assert_frame_equal(fast.warnings, slow.warnings)
    w = fast.warnings
    assert (w["stage"] == "anova").all() and (w["category"] == "DesignError").all()
    assert ("single level" if block else "no residual degrees of freedom") in w["message"].iloc[0]
    assert (fast.table["surface_df_resid"] == 4).all()
    alone = fit_surface(data[data["trial"] == 7], response="yield", rates=RATES, block=block)
    np.testing.assert_allclose(
        fast.table.set_index("trial").loc[7, "coef_N"], alone.estimates["N"], rtol=1e-9
    )
    # with only an ANOVA asked for, such trials are failures
    only = run(data, block=block, surface=None, rates=None)
    assert only.n_failed == 30 and len(only.table) == 0


@pytest.mark.slow
def test_stepwise_on_600_trials():
    data = three414(600, seed=70)
    fast = run(data, surface="stepwise", prices=PRICES)
    slow = run(data, surface="stepwise", prices=PRICES, engine="python", n_jobs=2)
    assert fast.n_vectorized >= 580
    assert_same(fast.table, slow.table)
    pd.testing.assert_frame_equal(fast.warnings, slow.warnings)
