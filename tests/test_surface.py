"""Response surfaces against R (lm, quadprog), Welch et al. (1963) and hand-worked closed forms."""

from __future__ import annotations

import itertools
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

import fertopt as fo
from fertopt.surface import poly as ps

REF = Path(__file__).parent / "reference"
WELCH_RATES = {"N": "n", "P": "p", "K": "k"}
WELCH_NPK = ["N", "P", "K", "N^2", "P^2", "K^2", "N:P", "N:K", "P:K", "N:P:K"]
WELCH_PRICES = {"crop": 25.0, "N": 0.12, "P": 0.18, "K": 0.07}  # $/t grass, $/lb nutrient
STUDY = {"intercept": 1688.61, "P2O5^2": -17.65, "N:K2O": 0.064, "P2O5:K2O": 16.99}
STUDY_BOX = {"N": (0, 18), "P2O5": (0, 8), "K2O": (0, 19)}
STUDY_PRICES = {"crop": 2.8, "N": 6.25, "P2O5": 4.67, "K2O": 10.4}


def _ref(name):
    return pd.read_csv(REF / name)


@pytest.fixture(scope="module")
def welch():
    return fo.load_dataset("welch_bermudagrass")


@pytest.fixture(scope="module")
def welch_quad(welch):
    return fo.fit_surface(welch, response="yield", rates=WELCH_RATES)


@pytest.fixture(scope="module")
def welch_npk(welch):
    return fo.fit_surface(welch, response="yield", rates=WELCH_RATES, terms=WELCH_NPK)


@pytest.fixture(scope="module")
def trial3414():
    return pd.read_csv(REF / "surface_3414_data.csv")


@pytest.fixture(scope="module")
def study():
    return fo.surface_from_coefficients(STUDY, bounds=STUDY_BOX)


def _coef_match(fit, ref, rtol):
    got = fit.coefficients.set_index("term")
    ref = ref.set_index("term")
    assert list(got.index) == list(ref.index)
    for col in [c for c in ("estimate", "se", "t", "p", "ci_low", "ci_high") if c in ref.columns]:
        assert_allclose(got[col].to_numpy(), ref[col].to_numpy(), rtol=rtol, err_msg=col)


# ---------------------------------------------------------------------------
# welch.bermudagrass: Welch, Adams & Carmon (1963)
# ---------------------------------------------------------------------------
def test_welch_table2_coefficients(welch):
    """Welch 1963 Table 2 (3-year model, units of 100 lb), published to 4 significant digits."""
    d100 = welch.assign(n=welch.n / 100, p=welch.p / 100, k=welch.k / 100)
    fit = fo.fit_surface(d100, response="yield", rates=WELCH_RATES, terms=WELCH_NPK)
    published = {
        "intercept": 1.943,
        "N": 2.007,
        "P": 1.471,
        "K": 0.6188,
        "N^2": -0.3315,
        "P^2": -1.295,
        "K^2": -0.3743,
        "N:P": 0.2078,
        "N:K": 0.1874,
        "P:K": 0.2348,
        "N:P:K": 0.02789,
    }
    got = fit.estimates
    # 4 significant digits: a relative rounding error of at most 5e-4 / 1.0 (plus slack)
    assert_allclose([got[t] for t in published], list(published.values()), rtol=6e-4)
    # and R's lm to rounding error of the QR solution
    _coef_match(fit, _ref("surface_welch_npk_coef.csv"), rtol=1e-9)


def test_welch_quadratic_matches_lm(welch_quad):
    _coef_match(welch_quad, _ref("surface_welch_quad_coef.csv"), rtol=1e-9)
    ref = _ref("surface_welch_quad_anova.csv").set_index("source")
    got = welch_quad.anova.set_index("source")
    for src in ("regression", "residual", "total"):
        assert got.loc[src, "df"] == ref.loc[src, "df"]
        assert_allclose(got.loc[src, "ss"], ref.loc[src, "ss"], rtol=1e-10)
    assert_allclose(
        got.loc["regression", ["f", "p"]].to_numpy(dtype=float),
        ref.loc["regression", ["f", "p"]].to_numpy(dtype=float),
        rtol=1e-9,
    )
    assert_allclose(
        [welch_quad.r_squared, welch_quad.adj_r_squared, welch_quad.sigma],
        ref.loc["regression", ["r2", "adj_r2", "sigma"]].to_numpy(dtype=float),
        rtol=1e-10,
    )
    assert welch_quad.n_support == 64 and welch_quad.df_resid == 54
    # no replicated combination: no pure error, so no lack-of-fit row
    assert "lack_of_fit" not in set(welch_quad.anova["source"])


def test_welch_stationary_point_outside_tested_box(welch_quad):
    """The pure quadratic's maximum (412 / 117 / 234 lb) lies beyond the tested box.

    The design maxima are 400 / 88 / 168 lb of N / P / K.
    """
    can = welch_quad.canonical()
    ref = _ref("surface_welch_quad_canonical.csv").set_index("quantity")["value"]
    assert can.kind == "maximum" and can.has_maximum
    assert_allclose([can.stationary_point[n] for n in "NPK"], ref[["N", "P", "K"]], rtol=1e-9)
    assert_allclose(can.stationary_yield, ref["yield"], rtol=1e-10)
    assert_allclose(
        np.sort(can.eigen["eigenvalue"]), ref[["eigen1", "eigen2", "eigen3"]], rtol=1e-8
    )
    assert not can.inside
    assert len(can.outside) == 3 and "above the highest tested rate 400" in can.outside[0]
    assert "outside the tested region" in can.message
    assert can.ridge is not None and can.ridge["radius"].iloc[0] == 0


def test_welch_priced_optimum(welch_npk):
    opt = welch_npk.optimum(prices=WELCH_PRICES)
    # published continuous optimum about 300 / 71.6 / 150.8 lb per acre (one decimal)
    assert_allclose([opt.rates[n] for n in "NPK"], [300.0, 71.6, 150.8], atol=0.06)
    ref = _ref("surface_welch_npk_optimum.csv").iloc[0]
    # R: L-BFGS-B then Newton on the gradient; both are converged to rounding error
    assert_allclose([opt.rates[n] for n in "NPK"], ref[["N", "P", "K"]].to_numpy(float), rtol=1e-9)
    assert_allclose(
        [opt.yield_at_rates, opt.net_return],
        ref[["yield", "net_return"]].to_numpy(float),
        rtol=1e-11,
    )
    assert opt.status == "ok" and opt.recommended and opt.method == "numeric"
    assert (opt.binding["at_bound"] == "").all()
    assert_allclose(opt.price_ratios["N"], 0.12 / 25)


def test_welch_quadratic_box_optima_match_quadprog(welch_quad):
    ref = _ref("surface_welch_quad_optima.csv").set_index("case")
    best = welch_quad.maximum()
    # quadprog's dual active-set solution is exact up to rounding
    assert_allclose(
        [best.rates[n] for n in "NPK"],
        ref.loc["max_tested", ["N", "P", "K"]].to_numpy(float),
        rtol=1e-10,
    )
    assert_allclose(best.yield_at_rates, ref.loc["max_tested", "objective"], rtol=1e-12)
    assert (
        best.status == "at_bound" and best.recommended
    )  # the best tested rates; the optimum lies beyond
    assert "beyond the tested range" in best.message
    assert best.binding.set_index("nutrient")["at_bound"].to_dict() == {
        "N": "",
        "P": "upper",
        "K": "upper",
    }
    assert best.unconstrained_kind == "maximum" and not best.unconstrained_inside

    priced = welch_quad.optimum(prices=WELCH_PRICES)
    assert_allclose(
        [priced.rates[n] for n in "NPK"],
        ref.loc["priced_tested", ["N", "P", "K"]].to_numpy(float),
        rtol=1e-10,
    )
    assert_allclose(priced.net_return, ref.loc["priced_tested", "net_return"], rtol=1e-10)
    assert priced.status == "ok" and priced.method == "kkt_faces"
    assert_allclose(
        [priced.unconstrained_rates[n] for n in "NPK"], [priced.rates[n] for n in "NPK"], rtol=1e-10
    )

    tight = welch_quad.optimum(prices=WELCH_PRICES, bounds={"N": (0, 250), "K": (0, 120)})
    assert_allclose(
        [tight.rates[n] for n in "NPK"],
        ref.loc["priced_tight", ["N", "P", "K"]].to_numpy(float),
        rtol=1e-10,
    )
    assert tight.status == "at_bound"
    sides = tight.binding.set_index("nutrient")
    assert sides.loc["N", "at_bound"] == "upper" and sides.loc["K", "at_bound"] == "upper"
    assert (sides.loc[["N", "K"], "marginal"] > 0).all()  # more of N and K would still pay


def test_unconstrained_maximum_outside_warns(welch_quad):
    with pytest.warns(fo.ExtrapolationWarning, match="above the highest tested rate"):
        opt = welch_quad.maximum(bounds=None)
    assert opt.status == "extrapolated" and opt.extrapolated and opt.bounds is None


def test_welch_typicality(welch_quad):
    typ = welch_quad.typicality()
    assert not typ.typical and typ.verdict == "atypical"
    assert typ.failed == ("optimum in (0, top rate]",)
    rules = typ.rules.set_index("rule")
    assert rules.loc[1, "passed"] is True and rules.loc[3, "passed"] is True


# ---------------------------------------------------------------------------
# the reference study's published stepwise equation (seed/README.md)
# ---------------------------------------------------------------------------
def test_study_value_at_published_optimum(study):
    # 1688.61 - 17.65*8^2 + 0.064*13.2*21 + 16.99*8*21 = 1688.61 - 1129.6 + 17.7408 + 2854.32
    assert_allclose(study.predict({"N": 13.2, "P2O5": 8, "K2O": 21}), 3431.0708, rtol=1e-13)
    point = study.assess({"N": 13.2, "P2O5": 8, "K2O": 21})
    assert not point.inside
    assert point.violations == ("K2O = 21 is above the highest tested rate 19",)
    # dY/dK2O = 0.064*13.2 + 16.99*8 = 136.7648 > 0: not a stationary point
    assert_allclose(point.marginal["K2O"], 136.7648, rtol=1e-12)
    assert "not a stationary point" in point.message and "saddle" in point.message


def test_study_is_a_saddle_without_maximum(study):
    can = study.canonical()
    assert can.kind == "saddle" and not can.has_maximum
    # b = 0, so the stationary point is the origin
    assert can.stationary_point == {"N": 0.0, "P2O5": 0.0, "K2O": 0.0}
    lam = can.eigen["eigenvalue"]
    assert lam.min() < 0 < lam.max()
    assert "no finite maximum" in can.message
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        unbounded = study.maximum(bounds=None)
    assert unbounded.rates is None and unbounded.status == "saddle"
    assert "No optimum exists" in unbounded.message


def test_study_maximum_in_tested_box_is_a_corner(study):
    best = study.maximum(bounds="tested")
    assert best.rates == {"N": 18.0, "P2O5": 8.0, "K2O": 19.0}
    # 1688.61 - 17.65*64 + 0.064*18*19 + 16.99*8*19 = 1688.61 - 1129.6 + 21.888 + 2582.48
    assert_allclose(best.yield_at_rates, 3163.378, rtol=1e-13)
    assert best.status == "saddle" and not best.recommended
    assert (best.binding["at_bound"] == "upper").all()
    assert "not an optimum" in best.message


def test_study_economic_point_in_box(study):
    opt = study.optimum(prices=STUDY_PRICES)
    # KKT by hand: dNet/dN = 2.8*0.064*K - 6.25 < 0 for K <= 19, so N = 0; then
    # dNet/dP = 2.8*(-35.3 P + 16.99 K) - 4.67 > 0 at P = 8, K = 19, and dNet/dK > 0: P, K at upper.
    assert opt.rates == {"N": 0.0, "P2O5": 8.0, "K2O": 19.0}
    # net = 2.8*(Y - Y(0)) - cost = 2.8*(-1129.6 + 2582.48) - 4.67*8 - 10.4*19 = 4068.064 - 234.96
    assert_allclose(opt.net_return, 3833.104, rtol=1e-12)
    assert opt.status == "saddle" and not opt.recommended
    grid = np.linspace(0, 1, 41)
    n, p, k = (a.ravel() for a in np.meshgrid(grid * 18, grid * 8, grid * 19))
    net = (
        2.8 * (study.predict({"N": n, "P2O5": p, "K2O": k}) - 1688.61)
        - 6.25 * n
        - 4.67 * p
        - 10.4 * k
    )
    assert opt.net_return >= net.max() - 1e-9


def test_study_typicality(study):
    typ = study.typicality(prices=STUDY_PRICES)
    assert typ.verdict == "atypical"
    assert "negative definite" in typ.failed and "sign pattern" in typ.failed
    rules = typ.rules.set_index("rule")
    assert rules.loc[1, "passed"] is None  # no ANOVA for a published equation
    assert rules.loc[4, "passed"] is None and "no maximum" in rules.loc[4, "detail"]


def test_omission_design_cannot_identify_ternary_quadratic():
    omission = pd.DataFrame(
        {"N": [0, 18, 0, 18, 18], "P2O5": [0, 8, 8, 0, 8], "K2O": [0, 19, 19, 19, 0]}
    )
    data = pd.concat([omission] * 3, ignore_index=True).assign(yield_=np.arange(15.0))
    with pytest.raises(
        fo.DesignError, match=r"10 coefficients .* only 5 distinct N/P2O5/K2O combinations"
    ) as err:
        fo.fit_surface(data, response="yield_")
    text = str(err.value)
    assert (
        "at most 5 coefficients" in text
        and "replicates of the same combination do not help" in text
    )
    assert "N^2 = 18 × N on every plot" in text and "3414" in text
    with pytest.raises(fo.DesignError, match="Stepwise selection .* refused"):
        fo.fit_surface(data, response="yield_", terms="stepwise")


# ---------------------------------------------------------------------------
# a simulated 3414 trial in 3 blocks: R lm with contr.sum
# ---------------------------------------------------------------------------
def test_blocked_3414_matches_lm(trial3414):
    fit = fo.fit_surface(trial3414, response="yield", block="block")
    _coef_match(fit, _ref("surface_3414_full_coef.csv"), rtol=1e-9)
    ref = _ref("surface_3414_full_anova.csv").set_index("source")
    got = fit.anova.set_index("source")
    assert list(got.index) == list(ref.index)
    assert (got["df"] == ref["df"]).all()
    assert_allclose(got["ss"], ref["ss"], rtol=1e-9)
    assert_allclose(got["f"].to_numpy(float), ref["f"].to_numpy(float), rtol=1e-9)
    assert_allclose(got["p"].to_numpy(float), ref["p"].to_numpy(float), rtol=1e-8)
    stats_ref = _ref("surface_3414_full_stats.csv").iloc[0]
    assert_allclose(
        [fit.r_squared, fit.adj_r_squared, fit.sigma],
        stats_ref[["r2", "adj_r2", "sigma"]].to_numpy(float),
        rtol=1e-10,
    )
    assert fit.n_blocks == 3 and fit.n_support == 14 and fit.ck_source == "observed"
    pred = fit.predict(
        pd.DataFrame({"N": [10, 27, 0], "P2O5": [5, 12, 0], "K2O": [12, 28.5, 0]}),
        interval="confidence",
    )
    pref = _ref("surface_3414_predict.csv")
    assert_allclose(
        pred[["fitted", "lower", "upper"]].to_numpy(),
        pref[["fitted", "conf_low", "conf_high"]].to_numpy(),
        rtol=1e-10,
    )
    pint = fit.predict(pref[["N", "P2O5", "K2O"]], interval="prediction")
    assert_allclose(
        pint[["lower", "upper"]].to_numpy(), pref[["pred_low", "pred_high"]].to_numpy(), rtol=1e-10
    )


def test_square_root_surface_matches_lm(trial3414):
    fit = fo.fit_surface(trial3414, response="yield", block="block", model="square_root")
    _coef_match(fit, _ref("surface_3414_sqrt_coef.csv"), rtol=1e-8)
    assert fit.second_order and fit.scale == "square root of rate"


def test_binary_subset_matches_lm(trial3414):
    sub = trial3414[trial3414["treatment"].isin([2, 3, 4, 5, 6, 7, 11, 12])]
    fit = fo.fit_surface(sub, response="yield", rates=("N", "P2O5"), block="block")
    _coef_match(fit, _ref("surface_3414_binary_np_coef.csv"), rtol=1e-9)


def test_unreplicated_means_match_lm(trial3414):
    means = trial3414.groupby(["treatment", "N", "P2O5", "K2O"], as_index=False)["yield"].mean()
    fit = fo.fit_surface(means, response="yield")
    _coef_match(fit, _ref("surface_3414_means_coef.csv"), rtol=1e-9)
    assert fit.df_resid == 4 and "pure_error" not in set(fit.anova["source"])


@pytest.mark.parametrize("hierarchy,tag", [(True, "hier"), (False, "free")])
def test_stepwise_matches_r_add1_drop1(trial3414, hierarchy, tag):
    means = trial3414.groupby(["treatment", "N", "P2O5", "K2O"], as_index=False)["yield"].mean()
    fit = fo.fit_surface(means, response="yield", terms="stepwise", hierarchy=hierarchy)
    coef = _ref(f"surface_3414_stepwise_{tag}_coef.csv")
    assert set(fit.terms) == set(coef["term"])
    got = fit.estimates
    assert_allclose([got[t] for t in coef["term"]], coef["estimate"], rtol=1e-9)
    log = _ref(f"surface_3414_stepwise_{tag}_log.csv")
    assert list(fit.steps["action"]) == list(log["action"]) and list(fit.steps["term"]) == list(
        log["term"]
    )
    assert_allclose(fit.steps["f"], log["f"], rtol=1e-9)
    assert list(fit.steps["df_den"]) == list(log["df_den"])
    assert fit.selection == "stepwise" and fit.f_enter == 4.0 and fit.f_remove == 3.9


def test_stepwise_criteria_validated(trial3414):
    with pytest.raises(fo.FertoptError, match="f_remove ≤ f_enter"):
        fo.fit_surface(trial3414, response="yield", terms="stepwise", f_enter=2.0, f_remove=3.0)


def test_simulated_typical_3414(trial3414):
    fit = fo.fit_surface(trial3414, response="yield", block="block")
    typ = fit.typicality(prices={"crop": 2.0, "N": 5.0, "P2O5": 6.0, "K2O": 5.0})
    # the fitted maximum lies just beyond P2O5 = 12 (true surface: 11.2), so rule 4 fails
    assert typ.failed == ("optimum in (0, top rate]",)
    detail = typ.rules.set_index("rule").loc[4, "detail"]
    assert "stationary point: P2O5 = 12" in detail and "> top tested rate 12" in detail
    assert "economic optimum" not in detail  # the economic optimum itself is inside
    truth = fo.surface_from_coefficients(
        TRUE_3414, bounds={"N": (0, 27), "P2O5": (0, 12), "K2O": (0, 28.5)}
    )
    assert truth.typicality(prices={"crop": 2.0, "N": 5.0, "P2O5": 6.0, "K2O": 5.0}).typical
    opt = fit.optimum(prices={"crop": 2.0, "N": 5.0, "P2O5": 6.0, "K2O": 5.0})
    assert opt.status == "ok" and opt.method == "kkt_faces"
    # interior optimum: marginal product = price ratio, i.e. b + 2 B x = r
    c = fit.estimates
    x = np.array([opt.rates[n] for n in ("N", "P2O5", "K2O")])
    b = np.array([c["N"], c["P2O5"], c["K2O"]])
    B = np.array(
        [
            [c["N^2"], c["N:P2O5"] / 2, c["N:K2O"] / 2],
            [c["N:P2O5"] / 2, c["P2O5^2"], c["P2O5:K2O"] / 2],
            [c["N:K2O"] / 2, c["P2O5:K2O"] / 2, c["K2O^2"]],
        ]
    )
    assert_allclose(b + 2 * B @ x, [2.5, 3.0, 2.5], rtol=1e-10)


# ---------------------------------------------------------------------------
# coverage of coefficient intervals over many simulated 3414 trials
# ---------------------------------------------------------------------------
TRUE_3414 = {
    "intercept": 1700.0,
    "N": 120.0,
    "P2O5": 160.0,
    "K2O": 60.0,
    "N^2": -3.2,
    "P2O5^2": -9.0,
    "K2O^2": -1.5,
    "N:P2O5": 0.5,
    "N:K2O": 0.3,
    "P2O5:K2O": 1.2,
}


@pytest.mark.parametrize("reps", [1, 3])
def test_coefficient_ci_coverage_over_400_simulated_trials(reps):
    """Each 95 % interval should cover its true coefficient in ~95 % of 400 trials.

    The count is Binomial(400, 0.95) under a correct interval; we accept the central
    99.9 % range for each coefficient (a coverage of 90 % or 99 % would fail).
    """
    design = fo.design.three414(level2={"N": 18, "P2O5": 8, "K2O": 19}, reps=reps, rng=1).table
    truth = fo.surface_from_coefficients(
        TRUE_3414, bounds={"N": (0, 27), "P2O5": (0, 12), "K2O": (0, 28.5)}
    )
    mean = truth.predict(design[["N", "P2O5", "K2O"]])
    rng = np.random.default_rng(20240501 + reps)
    covered = dict.fromkeys(TRUE_3414, 0)
    n_sim = 400
    for _ in range(n_sim):
        data = design.assign(yield_=mean + rng.normal(0.0, 120.0, len(design)))
        fit = fo.fit_surface(data, response="yield_", block="block" if reps > 1 else None)
        c = fit.coefficients.set_index("term")
        for term, value in TRUE_3414.items():
            covered[term] += bool(c.loc[term, "ci_low"] <= value <= c.loc[term, "ci_high"])
    lo, hi = stats.binom.ppf([0.0005, 0.9995], n_sim, 0.95)
    for term, count in covered.items():
        assert lo <= count <= hi, (term, count, (lo, hi))
    total = sum(covered.values()) / (n_sim * len(covered))
    assert abs(total - 0.95) < 0.02


# ---------------------------------------------------------------------------
# square-root surface and closed forms
# ---------------------------------------------------------------------------
def test_square_root_surface_optima_closed_form():
    # Y = 100 + 20 sqrt(N) - N + 30 sqrt(P) - 2 P is separable; dY/dN = 10/sqrt(N) - 1
    surf = fo.surface_from_coefficients(
        {"intercept": 100, "sqrt(N)": 20, "N": -1, "sqrt(P)": 30, "P": -2},
        bounds={"N": (0, 150), "P": (0, 80)},
    )
    can = surf.canonical()
    assert can.kind == "maximum" and can.scale == "square root of rate"
    # maximum at sqrt(N) = 10 (N = 100) and sqrt(P) = 7.5 (P = 56.25)
    assert_allclose(
        [can.stationary_point["N"], can.stationary_point["P"]], [100, 56.25], rtol=1e-12
    )
    best = surf.maximum()
    assert best.status == "ok"
    assert_allclose(best.yield_at_rates, 100 + 200 - 100 + 225 - 112.5, rtol=1e-12)
    # economic: 10/sqrt(N) - 1 = r_N = 0.5  ->  N = (10/1.5)^2 ; 15/sqrt(P) - 2 = r_P = 1 -> P = 25
    opt = surf.optimum(prices={"crop": 2.0, "N": 1.0, "P": 2.0})
    assert_allclose([opt.rates["N"], opt.rates["P"]], [(10 / 1.5) ** 2, 25.0], rtol=1e-12)
    assert opt.status == "ok"
    tight = surf.optimum(prices={"crop": 2.0, "N": 1.0, "P": 2.0}, bounds={"N": (0, 30)})
    assert tight.rates["N"] == 30 and tight.status == "at_bound"
    # marginal net return at N = 30: 2*(10/sqrt(30) - 1) - 1
    assert_allclose(
        tight.binding.set_index("nutrient").loc["N", "marginal"],
        2 * (10 / np.sqrt(30) - 1) - 1,
        rtol=1e-12,
    )


def test_convex_surface_has_no_maximum():
    surf = fo.surface_from_coefficients(
        {"intercept": 10, "N": -2, "N^2": 0.1, "P": 1, "P^2": 0.2},
        bounds={"N": (0, 30), "P": (0, 10)},
    )
    assert surf.canonical().kind == "minimum"
    best = surf.maximum()
    assert best.status == "no_maximum"
    # a convex function is largest at a vertex: compare the four corners by hand
    corners = {(n, p): 10 - 2 * n + 0.1 * n * n + p + 0.2 * p * p for n in (0, 30) for p in (0, 10)}
    assert_allclose(best.yield_at_rates, max(corners.values()))


def test_stationary_ridge_and_rising_ridge():
    # Y = 10 - (N - P)^2: a ridge of maxima along N = P
    ridge = fo.surface_from_coefficients(
        {"intercept": 10, "N^2": -1, "P^2": -1, "N:P": 2}, bounds={"N": (0, 10), "P": (0, 10)}
    )
    can = ridge.canonical()
    assert can.kind == "ridge" and can.has_maximum
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.ExtrapolationWarning)
        best = ridge.maximum()
    assert_allclose(best.yield_at_rates, 10.0)
    assert any("not unique" in w for w in best.warnings)
    # Y = 10 + N - (N - P)^2 rises without bound along N = P
    rising = fo.surface_from_coefficients(
        {"intercept": 10, "N": 1, "N^2": -1, "P^2": -1, "N:P": 2},
        bounds={"N": (0, 10), "P": (0, 10)},
    )
    can = rising.canonical()
    assert can.kind == "ridge" and not can.has_maximum and can.stationary_point is None
    assert rising.maximum().status == "no_maximum"


# ---------------------------------------------------------------------------
# the exact box optimum
# ---------------------------------------------------------------------------
def _brute(c0, g, h, lo, hi, n=21):
    axes = [np.linspace(a, b, n) for a, b in zip(lo, hi, strict=True)]
    pts = np.array(list(itertools.product(*axes)))
    return (c0 + pts @ g + np.einsum("ij,jk,ik->i", pts, h, pts)).max()


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.booleans())
def test_box_qp_is_global_and_satisfies_kkt(seed, k, concave):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(k, k))
    h = -(a @ a.T + 0.05 * np.eye(k)) if concave else (a + a.T) / 2
    g = rng.normal(size=k) * 3
    lo = rng.uniform(0, 1, size=k)
    hi = lo + rng.uniform(0.5, 3, size=k)
    z, v, side = ps.box_qp_max(0.7, g, h, lo, hi)
    assert np.all(z >= lo) and np.all(z <= hi)
    assert_allclose(v, 0.7 + g @ z + z @ h @ z, rtol=1e-12, atol=1e-12)
    # never beaten by a dense grid (which includes every vertex)
    assert v >= _brute(0.7, g, h, lo, hi) - 1e-9 * max(1, abs(v))
    grad = g + 2 * h @ z
    scale = 1 + np.abs(grad).max()
    # KKT: zero gradient on free variables, outward gradient sign on active bounds. A bound
    # kept by the tie rule (a candidate must beat the best by 1e-12 relative, so the lower
    # face wins ties) may have an inward gradient as large as a value gain of 1e-12·|v| allows:
    # moving z_i by d gains |grad_i|·d − |h_ii|·d², at most grad_i² / (4|h_ii|); hence the
    # second term (seed 12895, k=3 gives −1.1e-6 on an upper bound, a gain of ~1e-13)
    tie = np.sqrt(4 * np.abs(np.diag(h)) * 1e-12 * max(1.0, abs(v)))
    tol = 1e-8 * scale + tie
    assert np.all(np.abs(grad[side == 0]) <= 1e-8 * scale)
    assert np.all(grad[side == 1] >= -tol[side == 1]) and np.all(
        grad[side == -1] <= tol[side == -1]
    )


def test_box_qp_is_deterministic_and_order_independent():
    g = np.array([3.0, 1.0, 2.0])
    h = -np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 1.5]])
    lo, hi = np.zeros(3), np.array([1.0, 0.2, 2.0])
    first = ps.box_qp_max(1.0, g, h, lo, hi)
    again = ps.box_qp_max(1.0, g, h, lo, hi)
    assert np.array_equal(first[0], again[0]) and first[1] == again[1]
    perm = [2, 0, 1]
    other = ps.box_qp_max(1.0, g[perm], h[np.ix_(perm, perm)], lo[perm], hi[perm])
    assert_allclose(other[0], first[0][perm], rtol=1e-14, atol=1e-15)


def test_ridge_analysis_maximises_on_spheres(welch_quad):
    ridge = welch_quad.ridge(radii=[0.5, 1.0, 1.5])
    c0, g, h = welch_quad.poly.quadratic_form()
    lo = np.array([0.0, 0.0, 0.0])
    hi = np.array([400.0, 88.0, 168.0])
    center, half = (lo + hi) / 2, (hi - lo) / 2
    rng = np.random.default_rng(7)
    dirs = rng.normal(size=(20000, 3))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    for _, row in ridge.iterrows():
        x = row[["N", "P", "K"]].to_numpy(float)
        assert_allclose(np.linalg.norm((x - center) / half), row["radius"], rtol=1e-10)
        pts = center + half * row["radius"] * dirs
        vals = c0 + pts @ g + np.einsum("ij,jk,ik->i", pts, h, pts)
        assert row["predicted"] >= vals.max() - 1e-9


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------
def test_nutrient_with_one_level(trial3414):
    data = trial3414.assign(K2O=19.0)
    with pytest.raises(fo.DesignError, match=r"K2O has a single rate \(19\) on every plot"):
        fo.fit_surface(data, response="yield")


def test_collinear_rates(trial3414):
    data = trial3414.assign(K2O=trial3414["N"] * 19 / 18)
    with pytest.raises(fo.DesignError, match=r"move together: K2O = 1.056 × N on every plot"):
        fo.fit_surface(data, response="yield")


def test_aliased_terms():
    # six rate pairs on the parabola P = N^2 / 9: enough pairs and levels, but N^2 = 9 P everywhere
    n = np.array([0.0, 3, 6, 9, 12, 15, 15])
    data = pd.DataFrame({"N": n, "P2O5": n**2 / 9, "y": np.arange(7.0)})
    with pytest.raises(
        fo.DesignError, match=r"cannot separate all 6 coefficients .* N\^2 = 9 × P2O5 on every plot"
    ):
        fo.fit_surface(data, response="y", rates=("N", "P2O5"))


def test_prices_missing_a_nutrient(welch_quad, study):
    with pytest.raises(fo.FertoptError, match="prices lack a price for K"):
        welch_quad.optimum(prices={"crop": 25, "N": 0.12, "P": 0.18})
    with pytest.raises(fo.FertoptError, match="prices lack a price for N, K2O"):
        study.optimum(prices={"crop": 2.8, "P2O5": 4.67})
    with pytest.raises(fo.FertoptError, match="crop price"):
        study.optimum(prices={"N": 1, "P2O5": 1, "K2O": 1})
    with pytest.raises(fo.FertoptError, match="positive"):
        study.optimum(prices={"crop": -1, "N": 1, "P2O5": 1, "K2O": 1})


def test_bad_terms_bounds_and_data(trial3414, study):
    with pytest.raises(fo.FertoptError, match="term 'S' names 'S', which is not a nutrient"):
        fo.fit_surface(trial3414, response="yield", terms=["N", "S"])
    with pytest.raises(fo.FertoptError, match="names 'S', which is not among the nutrients"):
        fo.surface_from_coefficients({"intercept": 1, "S": 2}, bounds={"N": (0, 1)})
    with pytest.raises(fo.FertoptError, match="cannot be negative"):
        study.maximum(bounds={"N": (-1, 18)})
    with pytest.raises(fo.FertoptError, match="does not have"):
        study.maximum(bounds={"S": (0, 1)})
    with pytest.raises(fo.ColumnError, match="yeild"):
        fo.fit_surface(trial3414, response="yeild")
    bad = trial3414.copy()
    bad.loc[3, "N"] = -9
    with pytest.raises(fo.DataError, match="negative rates"):
        fo.fit_surface(bad, response="yield")
    bad = trial3414.astype({"N": object})
    bad.loc[5, "N"] = None
    with pytest.raises(fo.DataError, match="is empty at row 5"):
        fo.fit_surface(bad, response="yield")


def test_missing_responses_are_dropped_and_counted(trial3414):
    data = trial3414.copy()
    data.loc[[0, 7], "yield"] = np.nan
    with pytest.warns(fo.DataWarning, match="2 plot"):
        fit = fo.fit_surface(data, response="yield", block="block")
    assert fit.n_dropped == 2 and fit.n_obs == 40
    with pytest.raises(fo.DataError, match="nan_policy='omit'"):
        fo.fit_surface(data, response="yield", nan_policy="raise")


def test_saturated_fit_warns():
    # 6 rate pairs for the 6-term binary quadratic: an exact fit with no error left
    sub = pd.DataFrame({"N": [0.0, 9, 18, 27, 0, 27], "P2O5": [0.0, 4, 12, 8, 8, 0]})
    sub = sub.assign(y=np.arange(6.0) ** 1.5)
    with pytest.warns(fo.DesignWarning, match="no error is left"):
        fit = fo.fit_surface(sub, response="y", rates=("N", "P2O5"))
    assert fit.df_resid == 0 and np.isnan(fit.coefficients["se"]).all()
    with pytest.raises(fo.FertoptError, match="no coefficient covariance"):
        fit.predict({"N": 1, "P2O5": 1}, interval="confidence")


# ---------------------------------------------------------------------------
# display
# ---------------------------------------------------------------------------
def test_display_and_json(welch_quad, study):
    assert "\n" not in repr(welch_quad) and repr(welch_quad).startswith(
        "<SurfaceFit ternary quadratic"
    )
    text = str(welch_quad)
    assert "Coefficients" in text and "Analysis of variance" in text
    assert "<table" in welch_quad._repr_html_()
    for result in (
        welch_quad,
        welch_quad.canonical(),
        study.maximum(),
        study.typicality(),
        study.assess({"N": 1, "P2O5": 1, "K2O": 1}),
    ):
        json.dumps(result.to_dict())
        assert "\n" not in repr(result)
        assert str(result)
    assert "not assessed" in str(study.typicality())


# ---------------------------------------------------------------------------
# plot
# ---------------------------------------------------------------------------
def test_plot_surface(study, trial3414):
    import matplotlib.pyplot as plt

    from fertopt.plotting import plot_surface

    try:
        ax = study.plot(x="P2O5", y="K2O", at={"N": 18})
        lines = {line.get_label(): line for line in ax.get_lines()}
        box = lines["tested region"]
        assert list(box.get_xdata()) == [0, 8, 8, 0, 0] and list(box.get_ydata()) == [
            0,
            0,
            19,
            19,
            0,
        ]
        star = lines["maximum in region (saddle)"]
        assert (star.get_xdata()[0], star.get_ydata()[0]) == (8.0, 19.0)
        assert "stationary point (saddle)" in lines
        assert ax.get_title() == "N = 18"
        fit = fo.fit_surface(trial3414, response="yield", block="block")
        fig, ax2 = plt.subplots()
        out = plot_surface(
            fit, ax=ax2, what="net_return", prices={"crop": 2.0, "N": 5.0, "P2O5": 6.0, "K2O": 5.0}
        )
        assert out is ax2
        labels = [line.get_label() for line in ax2.get_lines()]
        assert "economic optimum (ok)" in labels
        assert len(ax2.collections) >= 2  # filled contours and tested points
        with pytest.raises(fo.FertoptError, match="needs prices"):
            plot_surface(fit, what="net_return")
        with pytest.raises(fo.FertoptError, match="not a nutrient"):
            plot_surface(fit, x="S")
    finally:
        plt.close("all")


# ---------------------------------------------------------------------------
# fertopt.Prices: units and nutrient forms
# ---------------------------------------------------------------------------
def test_prices_object_converts_units_and_forms(welch_npk, study):
    Prices = fo.Prices
    # load_dataset records t/acre and lb/acre, so prices per t of grass and per lb of nutrient
    usd = Prices(crop=25, crop_unit="t", N=0.12, P=0.18, K=0.07, nutrient_unit="lb", currency="USD")
    opt = welch_npk.optimum(prices=usd)
    ref = welch_npk.optimum(prices=WELCH_PRICES)  # the same prices in the data's units
    assert_allclose([opt.rates[n] for n in "NPK"], [ref.rates[n] for n in "NPK"], rtol=1e-9)
    assert_allclose(opt.net_return, ref.net_return, rtol=1e-10)
    assert (
        opt.net_return_unit == "USD/acre"
        and ref.net_return_unit == "money per unit area of the data"
    )
    # a price per lb P2O5 is the price per lb P divided by 2.2914 (P2O5 = 2.2914 P)
    oxide = Prices(
        crop=25, crop_unit="t", N=0.12, P2O5=0.18 / 2.2914, K2O=0.07 / 1.2046, nutrient_unit="lb"
    )
    again = welch_npk.optimum(prices=oxide)
    # the oxide factors are computed from atomic weights; 2.2914 and 1.2046 are rounded to 5 digits
    assert_allclose([again.rates[n] for n in "NPK"], [opt.rates[n] for n in "NPK"], rtol=1e-4)
    # per-kg prices with yields and rates in kg/mu need no units at all
    cny = Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4, currency="yuan")
    assert study.optimum(prices=cny).rates == study.optimum(prices=STUDY_PRICES).rates


def test_prices_object_needs_consistent_units(trial3414):
    Prices = fo.Prices
    fit = fo.fit_surface(trial3414, response="yield", units={"response": "kg/mu"})
    with pytest.raises(fo.FertoptError, match="missing for N, P2O5, K2O"):
        fit.optimum(prices=Prices(crop=2, N=5, P2O5=6, K2O=5))
    with pytest.raises(fo.FertoptError, match="prices lack a price for K2O"):
        fo.fit_surface(trial3414, response="yield").optimum(prices=Prices(crop=2, N=5, P2O5=6))
    welch = fo.load_dataset("welch_bermudagrass")
    lower = fo.fit_surface(welch, response="yield", rates=("n", "p", "k"))
    with pytest.raises(fo.FertoptError, match="not named by a nutrient form"):
        lower.optimum(prices=Prices(crop=25, N=0.1, P=0.1, K=0.1))
    ok = fo.fit_surface(trial3414, response="yield", units={"response": "kg/mu", "rates": "kg/mu"})
    mu = ok.optimum(prices=Prices(crop=2, N=5, P2O5=6, K2O=5, currency="yuan"))
    ref = ok.optimum(prices=PRICES_3414)
    assert_allclose(
        [mu.rates[n] for n in ("N", "P2O5", "K2O")],
        [ref.rates[n] for n in ("N", "P2O5", "K2O")],
        rtol=1e-12,
    )
    assert mu.net_return_unit == "yuan/mu"


PRICES_3414 = {"crop": 2.0, "N": 5.0, "P2O5": 6.0, "K2O": 5.0}


def test_the_tested_region_is_a_frozen_value_matching_bounds():
    import dataclasses

    surf = fo.surface_from_coefficients(
        {"intercept": 1688.61, "P2O5^2": -17.65, "N:K2O": 0.064, "P2O5:K2O": 16.99},
        bounds={"N": (0, 18), "P2O5": (0, 8), "K2O": (0, 19)},
    )
    region = surf.region
    assert region.nutrients == surf.nutrients
    assert region.as_dict() == {n: (float(a), float(b)) for n, (a, b) in surf.bounds.items()}
    with pytest.raises(dataclasses.FrozenInstanceError):
        region.upper = (1.0, 1.0, 1.0)


def test_assess_at_zero_rates_of_a_square_root_surface_is_not_stationary():
    # dY/dN = 10 / (2 sqrt(N)) - 0.5 is infinite at N = 0: the yield still rises steeply there
    surf = fo.surface_from_coefficients(
        {"intercept": 100, "sqrt(N)": 10, "N": -0.5}, bounds={"N": (0, 100)}
    )
    point = surf.assess({"N": 0})
    assert point.marginal["N"] == np.inf
    assert point.predicted == 100
    assert "not a stationary point" in point.message
