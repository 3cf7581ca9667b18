"""Pooled 3414 analysis (fo.pool_three414): coefficient averaging and class regression.

References, none of them fertopt's own output:
- each trial's ternary quadratic refitted here by numpy least squares, the regional equation
  averaged here with pandas, and the class regression refitted with statsmodels OLS with one
  intercept per trial (C(trial));
- the priced optimum of a regional equation found here by scipy's bounded optimiser;
- the single-trial typicality verdict (``SurfaceFit.typicality``, itself tested in
  test_surface.py and test_three414.py) for the vectorised screen;
- networks simulated from a known surface, whose coefficients and optimum the pooled
  equations must recover.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

import fertopt as fo
from fertopt.design import THREE414_LEVELS

RATES = ("N", "P2O5", "K2O")
TOP = np.array([180.0, 90.0, 120.0])  # level-3 rates: level 2 is half of them
PRICES = fo.Prices(crop=2.0, N=5.0, P2O5=6.0, K2O=5.0)
# the generating surface: y = c0 + b·x + Σ q_i x_i² (no interactions), a maximum inside the box
TRUE = {"N": (20.0, -0.06), "P2O5": (30.0, -0.2), "K2O": (10.0, -0.05)}


def network(n_trials: int, seed: int, *, noise: float = 150.0, kinds=None) -> pd.DataFrame:
    """3414 trials with a common response, site offsets (CK yields) and a soil-test column.

    ``kinds[t]`` bends trial ``t``: ``"convex_k"`` (K² > 0: no maximum), ``"flat"`` (no
    response: the regression is not significant).
    """
    rng = np.random.default_rng(seed)
    rows = []
    for trial in range(n_trials):
        offset = rng.normal(0, 500)
        olsen = 5 + trial % 7 * 3.0
        kind = (kinds or {}).get(trial)
        for t, lv in enumerate(THREE414_LEVELS, start=1):
            x = np.asarray(lv) * TOP / 2
            y = 4000 + offset
            if kind != "flat":
                for n, (b, q) in TRUE.items():
                    xi = x[RATES.index(n)]
                    y += b * xi + (0.08 if (kind == "convex_k" and n == "K2O") else q) * xi * xi
            for rep in (1, 2, 3):
                rows.append((trial, f"T{t}", rep, y + rng.normal(0, noise), *x, olsen))
    return pd.DataFrame(rows, columns=["trial", "trt", "rep", "yield", *RATES, "olsen_p"])


def batch_of(df: pd.DataFrame) -> fo.BatchResult:
    return fo.run_batch(
        df,
        by="trial",
        response="yield",
        treatment="trt",
        block="rep",
        rates=RATES,
        surface="full",
        prices=PRICES,
    )


def quad_design(x: np.ndarray) -> np.ndarray:
    a, b, c = x.T
    return np.column_stack([a, b, c, a * a, b * b, c * c, a * b, a * c, b * c])


def own_fit(sub: pd.DataFrame) -> np.ndarray:
    """A trial's ten coefficients by numpy least squares (intercept, linear, squares, products)."""
    x = sub[list(RATES)].to_numpy(float)
    design = np.column_stack([np.ones(len(sub)), quad_design(x)])
    return np.linalg.lstsq(design, sub["yield"].to_numpy(float), rcond=None)[0]


def own_optimum(coef: np.ndarray, top: np.ndarray) -> np.ndarray:
    """Priced optimum of a ternary quadratic in [0, top] by scipy (L-BFGS-B, several starts)."""
    price = np.array([5.0, 6.0, 5.0])

    def loss(x):
        return -(2.0 * (coef[0] + quad_design(x[None])[0] @ coef[1:]) - price @ x)

    best = None
    for start in (top / 2, top / 4, top * 0.9):
        res = minimize(loss, start, bounds=list(zip(np.zeros(3), top, strict=True)), tol=1e-14)
        if best is None or res.fun < best.fun:
            best = res
    return best.x


@pytest.fixture(scope="module")
def mixed():
    kinds = {3: "convex_k", 7: "convex_k", 11: "flat"}
    df = network(24, seed=5, kinds=kinds)
    return df, batch_of(df)


@pytest.mark.parametrize("alpha", [0.05, 1e-22])
def test_the_screen_gives_each_trial_the_single_trial_verdict(mixed, alpha):
    # alpha = 1e-22 splits the trials on rule 1 (their F tests give p from 1e-30 to 1e-20)
    df, batch = mixed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pooled = fo.pool_three414(batch, data=df, alpha=alpha)
    for _, row in pooled.trials.iterrows():
        sub = df[df["trial"] == row["trial"]]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = fo.fit_surface(sub, response="yield", rates=RATES, block="rep")
            verdict = fit.typicality(prices=PRICES, alpha=alpha)
        assert row["typical"] == verdict.typical, row["trial"]
        assert set(filter(None, row["failed_rules"].split("; "))) == set(verdict.failed)
    # the planted atypical trials are the ones excluded
    assert {3, 7, 11} <= set(pooled.excluded["trial"])
    assert pooled.n_typical == len(pooled.trials) - len(pooled.excluded)
    if alpha < 1e-20:
        assert pooled.trials["failed_rules"].str.contains("regression significant").any()


def test_coefficient_averaging_is_the_mean_of_the_typical_trials(mixed):
    df, batch = mixed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pooled = fo.pool_three414(batch, data=df)
    typical = pooled.trials.loc[pooled.trials["typical"], "trial"]
    mean = np.mean([own_fit(df[df["trial"] == t]) for t in typical], axis=0)
    got = pooled.equations.iloc[0][["intercept", *RATES, "N^2", "P2O5^2", "K2O^2"]].to_numpy()
    got = np.append(got, pooled.equations.iloc[0][["N:P2O5", "N:K2O", "P2O5:K2O"]].to_numpy())
    # least squares of the same plots: agreement to rounding of two QR solutions (1e-8 relative)
    np.testing.assert_allclose(got.astype(float), mean, rtol=1e-8, atol=1e-10)
    rec = pooled.recommendations.iloc[0]
    expected = own_optimum(mean, TOP)  # every trial tests the same top rates
    # scipy's bounded optimiser converges to ~1e-5 kg/ha on this smooth concave problem
    np.testing.assert_allclose([rec[f"rec_{n}"] for n in RATES], expected, atol=1e-3)
    assert int(rec["n_trials"]) == len(typical) and rec["status"] == "ok"


def test_class_regression_matches_ols_with_one_intercept_per_trial(mixed):
    import statsmodels.formula.api as smf

    df, batch = mixed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pooled = fo.pool_three414(batch, data=df, method="class_regression", n_classes=2)
    ck = df[(df[list(RATES)] == 0).all(axis=1)].groupby("trial")["yield"].mean()
    cut = float(np.quantile(ck, 0.5))
    assert pooled.class_bounds == pytest.approx((cut,), rel=1e-12)
    for c, members in enumerate((ck.index[ck < cut], ck.index[ck >= cut])):
        sub = df[df["trial"].isin(members)].rename(columns={"yield": "y"})
        fit = smf.ols(
            "y ~ C(trial) + N + P2O5 + K2O + I(N**2) + I(P2O5**2) + I(K2O**2) + N:P2O5 + "
            "N:K2O + P2O5:K2O",
            data=sub,
        ).fit()
        trial_effects = [fit.params[k] for k in fit.params.index if k.startswith("C(trial)")]
        intercept = fit.params["Intercept"] + np.sum(trial_effects) / len(members)
        row = pooled.equations[pooled.equations["class_index"] == c].iloc[0]
        assert row["intercept"] == pytest.approx(intercept, rel=1e-9)
        for term, name in (("N", "N"), ("I(K2O ** 2)", "K2O^2"), ("N:P2O5", "N:P2O5")):
            # two least-squares solvers of one well-conditioned problem: 1e-7 relative
            assert row[name] == pytest.approx(fit.params[term], rel=1e-7)
        rec = pooled.recommendations[pooled.recommendations["class_index"] == c].iloc[0]
        assert rec["r_squared"] == pytest.approx(fit.rsquared, rel=1e-9)
        assert int(rec["n_trials"]) == len(members)


def test_a_simulated_network_recovers_the_true_surface_and_optimum():
    df = network(40, seed=9, noise=120.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pooled = fo.pool_three414(batch_of(df), data=df)
    true = np.array([4000.0, 20, 30, 10, -0.06, -0.2, -0.05, 0, 0, 0])
    got = pooled.equations.iloc[0]
    # 40 trials × 42 plots, σ = 120: the linear terms' SE is ≈ 0.5–1 % of their size; 5 %
    # leaves room for the estimated site offsets (mean offset SE ≈ 80 in the intercept)
    for name, value in zip(("N", "P2O5", "K2O", "N^2", "P2O5^2", "K2O^2"), true[1:7], strict=True):
        assert got[name] == pytest.approx(value, rel=0.05), name
    rec = pooled.recommendations.iloc[0]
    best = own_optimum(true, TOP)
    # the optimum's SE over 40 trials is a few kg/ha; 5 % of each rate is a wide margin
    np.testing.assert_allclose([rec[f"rec_{n}"] for n in RATES], best, rtol=0.05)


def test_soil_test_classes_with_breaks_and_their_errors(mixed):
    df, batch = mixed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pooled = fo.pool_three414(
            batch, data=df, method="class_regression", classes="olsen_p", breaks=(10, 16)
        )
    per_trial = df.groupby("trial")["olsen_p"].first()
    counts = np.bincount(np.searchsorted([10, 16], per_trial, side="right"), minlength=3)
    assert pooled.recommendations["n_trials"].tolist() == counts.tolist()
    assert pooled.recommendations["class_en"].tolist() == ["low", "medium", "high"]
    bad = df.copy()
    bad.loc[bad.index[5], "olsen_p"] = 99.0
    with pytest.raises(fo.ColumnError, match="varies within trial"):
        fo.pool_three414(batch, data=bad, classes="olsen_p")
    with pytest.raises(fo.ColumnError, match="no such column"):
        fo.pool_three414(batch, data=df, classes="bray_p")


def test_bad_inputs_say_what_to_do(mixed):
    df, batch = mixed
    with pytest.raises(fo.OptionError, match="surface='full'"):
        fo.pool_three414(
            fo.run_batch(df, by="trial", response="yield", treatment="trt", block="rep"),
            data=df,
        )
    with pytest.raises(fo.OptionError, match="BatchResult"):
        fo.pool_three414(df)
    with pytest.raises(fo.OptionError, match="need the plots"):
        fo.pool_three414(batch, method="class_regression")
    with pytest.raises(fo.OptionError, match="method"):
        fo.pool_three414(batch, data=df, method="average")
    flat = network(4, seed=2, kinds={0: "flat", 1: "flat", 2: "flat", 3: "flat"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        flat_batch = batch_of(flat)
    with pytest.raises(fo.DataError, match="no trial of the batch is typical"):
        fo.pool_three414(flat_batch, data=flat)


def test_display_in_both_languages_and_json(mixed):
    df, batch = mixed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pooled = fo.pool_three414(batch, data=df, classes="ck_yield")
    assert "\n" not in repr(pooled) and "3 classes by CK yield" in repr(pooled)
    text = pooled.summary(lang="zh").as_text()
    assert "回归系数平均法" in text and "非典型式试验" in text and "极大值" in text
    assert "<table" in pooled._repr_html_()
    json.dumps(pooled.to_dict())
    assert len(pooled.surfaces) == len(pooled.recommendations)


def test_trials_keyed_by_site_and_year():
    df = network(12, seed=13)
    df["site"] = "S" + (df["trial"] // 2).astype(str)
    df["year"] = 2020 + df["trial"] % 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        batch = fo.run_batch(
            df.drop(columns="trial"),
            by=("site", "year"),
            response="yield",
            treatment="trt",
            block="rep",
            rates=RATES,
            surface="full",
            prices=PRICES,
        )
        pooled = fo.pool_three414(batch, data=df, method="class_regression", n_classes=2)
    ck = df[(df[list(RATES)] == 0).all(axis=1)].groupby(["site", "year"])["yield"].mean()
    np.testing.assert_allclose(
        pooled.trials.set_index(["site", "year"])["ck_yield"].sort_index(), ck.sort_index()
    )
    assert pooled.recommendations["n_trials"].sum() == 12
