"""fit_response / compare_models / response_from_coefficients against NIST and R references."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import fertopt as fo
from fertopt.exceptions import (
    ColumnError,
    ConvergenceError,
    ConvergenceWarning,
    DataError,
    DataWarning,
    DesignError,
    DesignWarning,
    FertoptError,
)

REF = Path(__file__).parent / "reference"
R = json.loads((REF / "response_reference.json").read_text())
MODELS = (
    "linear",
    "quadratic",
    "square_root",
    "linear_plateau",
    "quadratic_plateau",
    "mitscherlich",
)


def read_nist(name: str, first: int, last: int) -> pd.DataFrame:
    lines = (REF / name).read_text().splitlines()[first - 1 : last]
    rows = [[float(v) for v in line.split()] for line in lines if line.strip()]
    return pd.DataFrame(rows, columns=["y", "x"])


@pytest.fixture(scope="module")
def minnesota() -> pd.DataFrame:
    return pd.read_csv(REF / "minnesota_2012.csv")


@pytest.fixture(scope="module")
def bachmaier() -> pd.DataFrame:
    return pd.read_csv(REF / "bachmaier.nitrogen.csv")


@pytest.fixture(scope="module")
def potassium() -> pd.DataFrame:
    return pd.read_csv(REF / "cate.potassium.csv")


def fit_quiet(df, **kw):
    # the LP join of cate_potassium sits on a tested rate and the QP join of bachmaier_high lies
    # beyond the tested rates: both are flagged with warnings, tested separately below
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", fo.ExtrapolationWarning)
        return fo.fit_response(df, **kw)


# ---------------------------------------------------------------------------
# NIST StRD
# ---------------------------------------------------------------------------
def test_nist_norris_linear():
    df = read_nist("Norris.dat", 61, 96)
    fit = fo.fit_response(df, response="y", rate="x", model="linear")
    # certified values, Norris.dat lines 31-46; agreement to 9 digits is the contract (rtol 1e-9)
    assert_allclose(fit.params["estimate"], [-0.262323073774029, 1.00211681802045], rtol=1e-9)
    assert_allclose(fit.params["se"], [0.232818234301152, 0.429796848199937e-03], rtol=1e-9)
    assert_allclose(fit.sigma, 0.884796396144373, rtol=1e-9)
    assert_allclose(fit.r_squared, 0.999993745883712, rtol=1e-9)
    assert fit.df_resid == 34


def test_nist_pontius_quadratic_ill_conditioned():
    df = read_nist("Pontius.dat", 61, 100)
    fit = fo.fit_response(df, response="y", rate="x", model="quadratic")
    # x reaches 3e6 so x² is 1e13: the raw normal equations lose every digit; the rescaled
    # QR solution must still give the certified values to 9 digits
    assert_allclose(
        fit.params["estimate"],
        [0.673565789473684e-03, 0.732059160401003e-06, -0.316081871345029e-14],
        rtol=1e-9,
    )
    assert_allclose(
        fit.params["se"],
        [0.107938612033077e-03, 0.157817399981659e-09, 0.486652849992036e-16],
        rtol=1e-9,
    )
    assert_allclose(fit.sigma, 0.205177424076185e-03, rtol=1e-9)
    assert_allclose(fit.r_squared, 0.999999900178537, rtol=1e-9)


# ---------------------------------------------------------------------------
# R lm / nls, every model
# ---------------------------------------------------------------------------
def _datasets(minnesota, bachmaier, potassium):
    low = bachmaier[bachmaier.zone == "low"]
    high = bachmaier[bachmaier.zone == "high"]
    return {
        "minnesota_2012": (minnesota, "yld_grain_dry_kgha", "rate_n_applied_kgha"),
        "bachmaier_low": (low, "yield", "nitro"),
        "bachmaier_high": (high, "yield", "nitro"),
        "cate_potassium": (potassium, "yield", "potassium"),
    }


@pytest.mark.r_reference
@pytest.mark.parametrize(
    "dataset", ["minnesota_2012", "bachmaier_low", "bachmaier_high", "cate_potassium"]
)
@pytest.mark.parametrize("model", MODELS)
def test_models_match_r(dataset, model, minnesota, bachmaier, potassium):
    df, response, rate = _datasets(minnesota, bachmaier, potassium)[dataset]
    ref = R[dataset]["models"][model]
    fit = fit_quiet(df, response=response, rate=rate, model=model)
    est = fit.estimates
    names = list(ref["estimate"])
    linear = model in ("linear", "quadratic", "square_root")
    if not ref.get("nls_converged", True):
        # R's nls cannot converge when the linear-plateau join sits on a tested rate (a kink of
        # the SSE, cate_potassium); R's exact profile of the SSE over the join is the reference
        assert_allclose(est["join"], ref["profile_join"], rtol=1e-9)
        assert fit.sse <= ref["sse"]
        return
    # lm is exact least squares: 1e-9.  nls: R's estimates were polished from the exact profile
    # optimum with nls' default stopping rule (relative offset 1e-6), so they agree to ~1e-7.
    tol = 1e-9 if linear else 1e-6
    assert_allclose([est[n] for n in names], [ref["estimate"][n] for n in names], rtol=tol)
    assert_allclose(fit.sse, ref["sse"], rtol=1e-9 if linear else 1e-10)
    assert_allclose(fit.sigma, ref["sigma"], rtol=1e-9 if linear else 1e-10)
    assert fit.df_resid == ref["df_resid"]
    assert_allclose(fit.r_squared, ref["r2"], rtol=1e-9)
    # AIC/BIC as R's AIC()/BIC(): same count of parameters (mean parameters + sigma)
    assert_allclose(
        [fit.aic, fit.bic, fit.loglik], [ref["aic"], ref["bic"], ref["loglik"]], rtol=1e-9
    )
    se = fit.params.set_index("term")["se"]
    # standard errors: lm exact; nls uses a forward-difference Jacobian (relative step 1e-7),
    # fertopt the analytic one, so 1e-5 relative
    assert_allclose(
        [se[n] for n in names], [ref["se"][n] for n in names], rtol=1e-9 if linear else 1e-5
    )


@pytest.mark.r_reference
def test_linear_plateau_global_minimum_beats_published_local_one(potassium):
    """soiltestcorr reports a linear-plateau join of 75.0 for these data; the global least-squares
    join is 56 (SSE 2410.9 against 2568.5 at 75), found by R's exact profile too."""
    with pytest.warns(ConvergenceWarning, match="exactly on a tested rate"):
        fit = fo.fit_response(potassium, response="yield", rate="potassium", model="linear_plateau")
    ref = R["cate_potassium"]["models"]["linear_plateau"]
    assert_allclose(fit.estimates["join"], ref["profile_join"], rtol=1e-9)
    x, y = potassium["potassium"].to_numpy(), potassium["yield"].to_numpy()
    X = np.column_stack([np.ones_like(x), np.minimum(x, 75.0)])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    sse_75 = float(np.sum((y - X @ coef) ** 2))
    assert fit.sse < sse_75 - 150
    assert any("exactly on a tested rate" in w for w in fit.warnings)


def test_quadratic_plateau_join_beyond_tested_rates(bachmaier):
    high = bachmaier[bachmaier.zone == "high"]
    with pytest.warns(fo.ExtrapolationWarning, match="no plateau was observed"):
        qp = fo.fit_response(high, response="yield", rate="nitro", model="quadratic_plateau")
    q = fo.fit_response(high, response="yield", rate="nitro", model="quadratic")
    # within the tested rates the curve is the quadratic: same SSE, join = −b/(2c) of the quadratic
    assert_allclose(qp.sse, q.sse, rtol=1e-9)
    assert_allclose(
        qp.estimates["join"], -q.estimates["linear"] / (2 * q.estimates["quadratic"]), rtol=1e-6
    )
    assert any("beyond the highest tested rate" in w for w in qp.warnings)


def test_soiltestcorr_published_anchors(potassium):
    """soiltestcorr vignettes (freitas1966): QP a 12.9, b 1.91, join 86.2, Wald 45.5-127;
    Mitscherlich A 96.4, b -8.69, c 0.0458 (printed to 3 significant digits: rtol 5e-3)."""
    qp = fo.fit_response(potassium, response="yield", rate="potassium", model="quadratic_plateau")
    est = qp.estimates
    assert_allclose([est["intercept"], est["linear"], est["join"]], [12.9, 1.91, 86.2], rtol=5e-3)
    row = qp.params.set_index("term").loc["join"]
    assert_allclose([row["ci_low"], row["ci_high"]], [45.5, 127], rtol=5e-3)
    mit = fo.fit_response(potassium, response="yield", rate="potassium", model="mitscherlich")
    est = mit.estimates
    assert_allclose([est["asymptote"], est["shift"], est["rate"]], [96.4, -8.69, 0.0458], rtol=5e-3)


@pytest.mark.r_reference
def test_lack_of_fit_matches_anova(minnesota):
    fit = fo.fit_response(minnesota, response="yld_grain_dry_kgha", rate="rate_n_applied_kgha")
    ref = R["minnesota_2012"]["lack_of_fit_quadratic"]
    lof = fit.lack_of_fit.set_index("source")
    assert_allclose(lof.loc["lack_of_fit", "f"], ref["f"], rtol=1e-9)
    assert_allclose(lof.loc["lack_of_fit", "p"], ref["p"], rtol=1e-9)
    assert lof.loc["lack_of_fit", "df"] == ref["df_lof"]
    assert lof.loc["pure_error", "df"] == ref["df_pe"]
    assert_allclose(lof.loc["pure_error", "ss"], ref["ss_pe"], rtol=1e-9)


@pytest.mark.r_reference
def test_predict_matches_r(minnesota):
    ref = R["minnesota_2012"]
    rates = ref["predict_rates"]
    fit = fo.fit_response(minnesota, response="yld_grain_dry_kgha", rate="rate_n_applied_kgha")
    conf = fit.predict(rates, interval="confidence")
    pq = ref["predict_quadratic"]
    # predict.lm: exact linear algebra, 1e-9
    assert_allclose(conf["fitted"], pq["fit"], rtol=1e-9)
    assert_allclose(conf["se"], pq["se"], rtol=1e-9)
    assert_allclose(
        conf[["lower", "upper"]].to_numpy(), np.column_stack([pq["lower"], pq["upper"]]), rtol=1e-9
    )
    pred = fit.predict(rates, interval="prediction")
    assert_allclose(
        pred[["lower", "upper"]].to_numpy(),
        np.column_stack([pq["pred_lower"], pq["pred_upper"]]),
        rtol=1e-9,
    )
    assert list(fit.predict(rates).columns) == ["rate", "fitted"]
    qp = fo.fit_response(
        minnesota,
        response="yld_grain_dry_kgha",
        rate="rate_n_applied_kgha",
        model="quadratic_plateau",
    )
    conf = qp.predict(rates, interval="confidence")
    pqp = ref["predict_quadratic_plateau"]
    # car::deltaMethod on the nls fit (numerical gradient of the expression): 1e-5
    assert_allclose(conf["fitted"], pqp["fit"], rtol=1e-7)
    assert_allclose(conf["se"], pqp["se"], rtol=1e-5)


@pytest.mark.r_reference
def test_blocks_as_fixed_effects(minnesota):
    ref = R["minnesota_2012"]["block_quadratic"]
    fit = fo.fit_response(
        minnesota, response="yld_grain_dry_kgha", rate="rate_n_applied_kgha", block="rep"
    )
    # lm(y ~ x + I(x^2) + factor(rep), contr.sum): intercept = average over blocks
    assert_allclose(fit.params["estimate"], ref["estimate"], rtol=1e-9)
    assert_allclose(fit.params["se"], ref["se"], rtol=1e-9)
    assert_allclose(fit.sigma, ref["sigma"], rtol=1e-9)
    assert fit.df_resid == ref["df_resid"] == 26
    assert_allclose(fit.aic, ref["aic"], rtol=1e-9)
    assert_allclose(fit.block_effects["effect"], ref["block_effects"], rtol=1e-9, atol=1e-6)
    qp = fo.fit_response(
        minnesota,
        response="yld_grain_dry_kgha",
        rate="rate_n_applied_kgha",
        block="rep",
        model="quadratic_plateau",
    )
    refq = R["minnesota_2012"]["block_quadratic_plateau"]
    # nls with sum-coded block terms, default stopping rule: 1e-6 on estimates, 1e-5 on SEs
    assert_allclose(qp.params["estimate"], refq["estimate"], rtol=1e-6)
    assert_allclose(qp.params["se"], refq["se"], rtol=1e-5)
    assert_allclose(qp.sigma, refq["sigma"], rtol=1e-9)


# ---------------------------------------------------------------------------
# structure of the result
# ---------------------------------------------------------------------------
def test_params_contract_and_closed_form():
    # y = 10 + 2x - 0.01x² exactly at 5 rates, with symmetric noise +-1 on replicate pairs
    x = np.repeat([0.0, 25, 50, 75, 100], 2)
    y = 10 + 2 * x - 0.01 * x**2 + np.tile([1.0, -1.0], 5)
    fit = fo.fit_response(pd.DataFrame({"N": x, "y": y}), response="y", rate="N")
    assert list(fit.params.columns) == ["term", "estimate", "se", "ci_low", "ci_high"]
    assert list(fit.params["term"]) == ["intercept", "linear", "quadratic"]
    # the noise is orthogonal to the design (it cancels within every pair): exact recovery
    assert_allclose(fit.params["estimate"], [10, 2, -0.01], rtol=1e-12)
    # SSE = 10 * 1² = 10, df = 7
    assert_allclose(fit.sse, 10.0, rtol=1e-12)
    assert_allclose(fit.sigma, math.sqrt(10 / 7), rtol=1e-12)
    assert fit.nutrient == "N" and fit.rate_levels == (0, 25, 50, 75, 100)
    assert list(fit.data.columns) == ["rate", "response", "fitted", "residual"]
    text = repr(fit)
    assert "\n" not in text and text.startswith("<ResponseFit y = 10")
    assert "Parameters" in str(fit) and "<table>" in fit._repr_html_()
    d = fit.to_dict()
    assert d["model"] == "quadratic" and d["params"][0]["term"] == "intercept"


@pytest.mark.parametrize("model", MODELS)
def test_every_model_recovers_a_known_curve(model):
    spec = fo.response.MODELS[model]
    theta = {
        "linear": [5.0, 0.02],
        "quadratic": [5.0, 0.04, -0.0001],
        "square_root": [5.0, 0.5, -0.02],
        "linear_plateau": [5.0, 0.03, 110.0],
        "quadratic_plateau": [5.0, 0.05, 150.0],
        "mitscherlich": [9.0, 0.015, 40.0],
    }[model]
    x = np.repeat([0.0, 30, 60, 90, 120, 180, 240], 3)
    noise = np.tile([0.05, -0.05, 0.0], 7)
    y = spec.curve(x, np.array(theta)) + noise
    fit = fo.fit_response(pd.DataFrame({"x": x, "y": y}), response="y", rate="x", model=model)
    # noise of ±0.05 cancels within each rate, so the least-squares curve is the true one; the
    # fit ends at the exact minimum of the profiled SSE, so only rounding is left (2e-15 seen;
    # 1e-9 allows for other platforms' libm and BLAS and for ill-conditioned curves)
    assert_allclose(fit.params["estimate"], theta, rtol=1e-9)
    assert fit.converged


def plateau_just_above_first_rate(join: float) -> pd.DataFrame:
    """A 6-rate × 4-block linear plateau whose least-squares curve is known exactly.

    The deviations are a rate × block interaction (rows and columns summing to zero), so they
    are orthogonal to every curve in the rate plus block effects: the least-squares fit is
    the true curve, with SSE the sum of their squares (125,000).
    """
    rates = np.array([0.0, 40, 80, 120, 160, 200])
    x = np.repeat(rates, 4)
    blk = np.tile([0, 1, 2, 3], 6)
    r = np.array([1.0, -2, 1, 3, -1, -2])
    s = np.array([1.0, -1, 2, -2])
    e = 25 * r[np.repeat(np.arange(6), 4)] * s[blk]
    y = 5000 + 30 * np.minimum(x, join) + np.array([-100.0, 50, 20, 30])[blk] + e
    return pd.DataFrame({"N": x, "rep": blk + 1, "yield": y})


def test_linear_plateau_join_just_above_the_first_rate():
    # the join 40.06 lies a hair above the first rate (40): the profile is flat over
    # [0, 40] and rises from 40.06 faster than the grid step, so every grid value ties with
    # the flat ones; the exact join must still be found, not "at or before the first rate"
    df = plateau_just_above_first_rate(40.06)
    fit = fo.fit_response(df, response="yield", rate="N", model="linear_plateau", block="rep")
    # closed form (see plateau_just_above_first_rate); rounding only
    assert_allclose(fit.params["estimate"], [5000.0, 30.0, 40.06], rtol=1e-12)
    assert_allclose(fit.sse, 125_000.0, rtol=1e-12)


def test_errors_return_gives_converged_false():
    # yield still rises linearly at the top rate: no plateau can be located
    x = np.repeat([0.0, 50, 100, 150], 2)
    y = 3 + 0.02 * x + np.tile([0.1, -0.1], 4)
    df = pd.DataFrame({"N": x, "y": y})
    with pytest.raises(ConvergenceError, match="no plateau within the tested rates"):
        fo.fit_response(df, response="y", rate="N", model="linear_plateau")
    fit = fo.fit_response(df, response="y", rate="N", model="linear_plateau", errors="record")
    assert fit.converged is False and "no plateau" in fit.message
    assert fit.params["estimate"].isna().all()
    with pytest.raises(ConvergenceError, match="did not converge"):
        fit.optimum()
    with pytest.raises(ConvergenceError, match="did not converge"):
        fit.predict([1.0])


def test_plateau_before_first_rate_is_not_identifiable():
    x = np.repeat([0.0, 50, 100, 150, 200], 2)
    y = np.where(x > 0, 8.0, 5.0) + np.tile([0.1, -0.1], 5)
    df = pd.DataFrame({"N": x, "y": y})
    for model in ("linear_plateau", "quadratic_plateau"):
        with pytest.raises(ConvergenceError, match="at or before the first rate above the lowest"):
            fo.fit_response(df, response="y", rate="N", model=model)


def test_mitscherlich_on_a_straight_line_fails_clearly():
    x = np.repeat([0.0, 50, 100, 150, 200], 2)
    y = 3 + 0.01 * x + np.tile([0.1, -0.1], 5)
    with pytest.raises(ConvergenceError, match="no diminishing returns"):
        fo.fit_response(
            pd.DataFrame({"N": x, "y": y}), response="y", rate="N", model="mitscherlich"
        )


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------
@pytest.fixture
def small() -> pd.DataFrame:
    return pd.DataFrame({"N": [0, 0, 60, 60, 120, 120], "yield": [5.0, 5.2, 6.8, 7.0, 7.5, 7.3]})


def test_negative_rate(small):
    bad = small.assign(N=[0, 0, 60, -60, 120, 120])
    with pytest.raises(DataError, match="negative rates: row 3"):
        fo.fit_response(bad, response="yield", rate="N")


def test_single_distinct_rate(small):
    with pytest.raises(DesignError, match="single rate"):
        fo.fit_response(small.assign(N=60), response="yield", rate="N")


def test_all_equal_yields(small):
    with pytest.raises(DataError, match="same 'yield'"):
        fo.fit_response(small.assign(**{"yield": 6.0}), response="yield", rate="N")


def test_too_few_rates_for_the_model(small):
    with pytest.raises(DesignError, match="needs at least 3 distinct rates; the data have 2"):
        fo.fit_response(small[small.N < 100], response="yield", rate="N", model="quadratic")


def test_no_residual_df():
    df = pd.DataFrame({"N": [0, 60, 120], "yield": [5.0, 7.0, 7.5]})
    with pytest.raises(DesignError, match="no residual degrees of freedom"):
        fo.fit_response(df, response="yield", rate="N")


def test_missing_column_and_unknown_model(small):
    with pytest.raises(ColumnError, match="Did you mean 'yield'"):
        fo.fit_response(small, response="yeild", rate="N")
    with pytest.raises(FertoptError, match="model='cubic' is not a valid option"):
        fo.fit_response(small, response="yield", rate="N", model="cubic")


def test_text_in_rates(small):
    with pytest.raises(DataError, match="not numbers: row 2"):
        fo.fit_response(
            small.assign(N=["0", "0", "sixty", "60", "120", "120"]), response="yield", rate="N"
        )


def test_missing_values_are_dropped_with_a_warning(small):
    df = small.astype({"yield": float})
    df.loc[3, "yield"] = np.nan
    with pytest.warns(DataWarning, match="1 plot") as record:
        fit = fo.fit_response(df, response="yield", rate="N")
    assert record[0].filename == __file__  # the warning points at the caller
    assert fit.n_obs == 5 and fit.n_dropped == 1
    with pytest.raises(DataError, match="no rate or response"):
        fo.fit_response(df, response="yield", rate="N", nan_policy="raise")


def test_confounded_series_names_the_plots():
    # a P series built from CK (no N, no K) and formula plots: the CK plots differ in N and K too
    df = pd.DataFrame(
        {
            "P2O5": [0, 0, 4, 4, 8, 8, 0, 0],
            "N": [18] * 6 + [0, 0],
            "K2O": [19] * 6 + [0, 0],
            "yield": [2600, 2650, 3000, 3050, 3150, 3100, 1690, 1700],
        }
    )
    with pytest.warns(DesignWarning) as record:
        fit = fo.fit_response(df, response="yield", rate="P2O5")
    texts = [str(w.message) for w in record]
    assert any("confounded with 'N'" in t and "row 6" in t and "row 7" in t for t in texts)
    assert any("confounded with 'K2O'" in t for t in texts)
    assert len(fit.warnings) == 2
    # the check can be switched off, or pointed at other columns
    fo.fit_response(df[df.N == 18], response="yield", rate="P2O5")
    fo.fit_response(df, response="yield", rate="P2O5", other_rates=[])


def test_units_and_nutrient_arguments(small):
    with pytest.raises(FertoptError, match="unknown key 'yld'"):
        fo.fit_response(small, response="yield", rate="N", units={"yld": "t/ha"})
    with pytest.raises(FertoptError, match="not of the form 'mass/area'"):
        fo.fit_response(small, response="yield", rate="N", units={"response": "tonnes"})
    with pytest.raises(FertoptError, match="not a nutrient form"):
        fo.fit_response(small, response="yield", rate="N", nutrient="urea")
    df = fo.read_trials(small.rename(columns={"yield": "yield (t/ha)", "N": "N (kg/ha)"}))
    fit = fo.fit_response(df, response="yield", rate="N")
    assert (fit.response_unit, fit.rate_unit) == ("t/ha", "kg/ha")


# ---------------------------------------------------------------------------
# comparison of models
# ---------------------------------------------------------------------------
def test_compare_models_table_and_weights(minnesota):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cmp = fo.compare_models(
            minnesota, response="yld_grain_dry_kgha", rate="rate_n_applied_kgha"
        )
    t = cmp.table
    assert list(t.columns) == [
        "model",
        "n_params",
        "converged",
        "sse",
        "sigma",
        "rmse",
        "r2",
        "aic",
        "aicc",
        "bic",
        "delta_aicc",
        "weight",
        "lof_f",
        "lof_p",
        "agronomic_rate",
        "message",
    ]
    assert list(t["model"]) == list(MODELS) and t["converged"].all()
    assert_allclose(t["weight"].sum(), 1.0, rtol=1e-12)
    # AICc = AIC + 2k(k+1)/(n-k-1) with k = p + 1 (sigma), n = 32
    q = t.set_index("model").loc["quadratic"]
    assert_allclose(q["aicc"], q["aic"] + 2 * 4 * 5 / (32 - 4 - 1), rtol=1e-12)
    assert_allclose(q["aic"], R["minnesota_2012"]["models"]["quadratic"]["aic"], rtol=1e-9)
    assert cmp.best().model == t.loc[t["aicc"].idxmin(), "model"]
    assert cmp.best("bic").model == t.loc[t["bic"].idxmin(), "model"]
    assert_allclose(
        q["agronomic_rate"], R["minnesota_2012"]["economics"]["quadratic"]["agronomic"], rtol=1e-9
    )
    assert math.isnan(t.set_index("model").loc["mitscherlich", "agronomic_rate"])
    with pytest.raises(FertoptError, match="criterion='r2'"):
        cmp.best("r2")
    opt = cmp.optima(prices=fo.Prices(crop=0.157, N=0.88), ci="fieller")
    assert list(opt.columns) == [
        "model",
        "rate",
        "status",
        "extrapolated",
        "yield_at_rate",
        "net_return",
        "ci_low",
        "ci_high",
    ]
    assert "Comparison of response models" in str(cmp)


def test_compare_models_reports_failures_without_stopping():
    x = np.repeat([0.0, 50, 100], 2)
    y = 3 + 0.02 * x + np.tile([0.1, -0.1], 3)
    cmp = fo.compare_models(pd.DataFrame({"N": x, "y": y}), response="y", rate="N")
    t = cmp.table.set_index("model")
    assert t.loc["linear", "converged"] and t.loc["quadratic", "converged"]
    assert not t.loc["linear_plateau", "converged"]
    assert "no plateau" in t.loc["linear_plateau", "message"]
    assert set(cmp.fits) == {m for m in MODELS if t.loc[m, "converged"]}
    assert t.loc[~t["converged"], "weight"].isna().all()


# ---------------------------------------------------------------------------
# published coefficients
# ---------------------------------------------------------------------------
def test_response_from_coefficients_checks_names():
    with pytest.raises(
        FertoptError, match=r"quadratic=a, linear=b, intercept=c.*missing: quadratic.*unknown: a"
    ):
        fo.response_from_coefficients(
            "quadratic", intercept=1688.9, linear=328.69, a=-18.05, rate_range=(0, 8)
        )
    with pytest.raises(FertoptError, match="rate_range must be two rates"):
        fo.response_from_coefficients("linear", intercept=1, slope=2, rate_range=(8, 0))
    fit = fo.response_from_coefficients(
        "quadratic", intercept=1688.9, linear=328.69, quadratic=-18.052, rate_range=(0, 8)
    )
    assert fit.source == "coefficients" and math.isnan(fit.params["se"].iloc[0])
    # 1688.9 + 328.69·4 − 18.052·16 = 2714.828
    assert_allclose(fit.predict([4.0])["fitted"], [2714.828], rtol=1e-12)
    with pytest.raises(FertoptError, match="carries no standard errors"):
        fit.predict([4.0], interval="confidence")
    assert "published coefficients" in str(fit)


def test_bad_blocks(minnesota):
    kw = dict(response="yld_grain_dry_kgha", rate="rate_n_applied_kgha")
    with pytest.raises(DesignError, match="single level"):
        fo.fit_response(minnesota.assign(rep=1), block="rep", **kw)
    with pytest.raises(DesignError, match="every plot is its own block"):
        fo.fit_response(minnesota, block="plot", **kw)
