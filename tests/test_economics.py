"""Agronomic and economic optima, their intervals, net returns and MRTN pooling."""

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
from fertopt.exceptions import DesignError, ExtrapolationWarning, FertoptError

REF = Path(__file__).parent / "reference"
R = json.loads((REF / "response_reference.json").read_text())
MN_UNITS = {"response": "kg/ha", "rate": "kg/ha"}
MN_PRICES = fo.Prices(crop=0.157, N=0.88, currency="USD")


@pytest.fixture(scope="module")
def bach_low() -> fo.ResponseFit:
    df = pd.read_csv(REF / "bachmaier.nitrogen.csv")
    return fo.fit_response(
        df[df.zone == "low"],
        response="yield",
        rate="nitro",
        nutrient="N",
        units={"response": "t/ha", "rate": "kg/ha"},
    )


@pytest.fixture(scope="module")
def mn_q() -> fo.ResponseFit:
    df = pd.read_csv(REF / "minnesota_2012.csv")
    return fo.fit_response(
        df, response="yld_grain_dry_kgha", rate="rate_n_applied_kgha", nutrient="N", units=MN_UNITS
    )


@pytest.fixture(scope="module")
def mn_qp() -> fo.ResponseFit:
    df = pd.read_csv(REF / "minnesota_2012.csv")
    return fo.fit_response(
        df,
        response="yld_grain_dry_kgha",
        rate="rate_n_applied_kgha",
        nutrient="N",
        units=MN_UNITS,
        model="quadratic_plateau",
    )


def chestnut(equation: str, hi: float, nutrient: str) -> fo.ResponseFit:
    coefs = {
        # the reference study's published single-nutrient equations (y = a x² + b x + c, kg/mu)
        "P": {"intercept": 1688.9, "linear": 328.69, "quadratic": -18.052},
        "K": {"intercept": 1689.3, "linear": 13.338, "quadratic": 3.2568},
    }[equation]
    return fo.response_from_coefficients(
        "quadratic",
        rate_range=(0, hi),
        nutrient=nutrient,
        units={"response": "kg/mu", "rate": "kg/mu"},
        **coefs,
    )


CHESTNUT_PRICES = fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4, currency="yuan")


# ---------------------------------------------------------------------------
# bachmaier: Fieller and delta
# ---------------------------------------------------------------------------
def test_bachmaier_fieller_and_delta(bach_low):
    # the published slope 0.005454 t grain per kg N (= €0.60/kg ÷ €110/t), in the data's units
    fieller = bach_low.optimum(price_ratio=0.005454, ci="fieller")
    delta = bach_low.optimum(price_ratio=0.005454, ci="delta")
    ref = R["bachmaier_low"]
    # published: optimum 199 kg/ha, Fieller 173-260, delta about 164-234; the R script
    # (agridat's own formula, car::deltaMethod) gives them to 15 digits: closed forms, 1e-9
    assert_allclose(fieller.rate, ref["eonr"], rtol=1e-9)
    assert_allclose(fieller.ci, ref["fieller95"], rtol=1e-9)
    assert_allclose(delta.ci, ref["delta95"], rtol=1e-9)
    assert_allclose(delta.se, ref["delta_se"], rtol=1e-9)
    assert round(fieller.rate, 1) == 199.1
    assert [round(v, 1) for v in fieller.ci] == [173.1, 260.1]
    assert [round(v, 1) for v in delta.ci] == [163.9, 234.3]
    assert fieller.status == "ok" and fieller.ci_bounded and fieller.ci_method == "fieller"
    assert fieller.kind == "economic" and not fieller.extrapolated


def test_bachmaier_through_prices(bach_low):
    # Prices per t of wheat and per kg of N, converted to t/ha yields and kg/ha rates
    opt = bach_low.optimum(
        prices=fo.Prices(crop=110, crop_unit="t", N=0.60, currency="EUR"), ci="fieller"
    )
    # slope 0.6/110 = 0.0054545… instead of the rounded 0.005454: (r − b)/(2c) moves by 7e-5/(2c)
    assert_allclose(opt.price_ratio, 0.6 / 110 / 1000 * 1000, rtol=1e-12)
    assert round(opt.rate, 1) == 199.1
    assert "0.005455 t yield per kg N" in opt.price_ratio_text
    assert "EUR/ha" == opt.net_return_unit
    est = bach_low.estimates
    y = lambda x: est["intercept"] + est["linear"] * x + est["quadratic"] * x * x  # noqa: E731
    # net return = 110 €/t · ΔY (t/ha) − 0.60 €/kg · x
    assert_allclose(opt.net_return, 110 * (y(opt.rate) - y(0)) - 0.6 * opt.rate, rtol=1e-12)


# ---------------------------------------------------------------------------
# eonr minnesota_2012
# ---------------------------------------------------------------------------
def test_eonr_quadratic(mn_q):
    opt = mn_q.optimum(prices=MN_PRICES, ci="profile", confidence_level=0.9)
    top = mn_q.optimum()
    eco = R["minnesota_2012"]["economics"]["quadratic"]
    # eonr test_eonr.py: EONR 174.238, maximum 191.581, MRTN $770.206/ha, 90 % profile
    # 152.882-222.560; eonr prints 3 decimals and stops its profile search at about 1e-3
    assert_allclose(opt.rate, 174.238, atol=5e-4)
    assert_allclose(top.rate, 191.581, atol=1e-3)
    assert_allclose(opt.net_return, 770.206, atol=5e-4)
    assert_allclose(opt.ci, [152.882, 222.560], atol=1e-3)
    # R (closed-form profile with uniroot) to 1e-9
    assert_allclose(opt.ci, eco["profile90"], rtol=1e-9)
    assert_allclose(opt.rate, eco["estimate"], rtol=1e-12)
    assert_allclose(opt.net_return, eco["net_return"], rtol=1e-9)


def test_eonr_quadratic_delta_is_the_delta_method(mn_q):
    """eonr's "Wald" 90 % interval 132.785-215.691 is centred on the EONR but its half-width
    (41.45) is not t·SE(EONR): eonr takes the standard error from an intermediate fit of the
    maximum-yield parameter.  fertopt's delta interval is the delta method, checked against
    car::deltaMethod; both are symmetric around the same point."""
    opt = mn_q.optimum(prices=MN_PRICES, ci="delta", confidence_level=0.9)
    eco = R["minnesota_2012"]["economics"]["quadratic"]
    assert_allclose(opt.se, eco["se"], rtol=1e-9)
    from scipy import stats

    t = stats.t.ppf(0.95, 29)
    assert_allclose(
        opt.ci, [eco["estimate"] - t * eco["se"], eco["estimate"] + t * eco["se"]], rtol=1e-9
    )
    assert_allclose(np.mean([132.785, 215.691]), opt.rate, atol=1e-3)


def test_eonr_quadratic_plateau(mn_qp):
    opt = mn_qp.optimum(prices=MN_PRICES, confidence_level=0.9)
    # eonr test_eonr.py: EONR 162.3, crit_x 177.44, MRTN 767.93 (tutorial_results.csv: 162.33979,
    # 177.43998, 767.93048; eonr's curve_fit stops at about 1e-3 relative on the join)
    assert_allclose(opt.rate, 162.33979, atol=2e-3)
    assert_allclose(mn_qp.estimates["join"], 177.44, atol=5e-3)
    assert_allclose(opt.net_return, 767.93, atol=5e-3)
    assert opt.status == "ok"
    # the join is the agronomic optimum of a quadratic plateau
    assert_allclose(mn_qp.optimum().rate, mn_qp.estimates["join"], rtol=1e-12)


def test_eonr_quadratic_plateau_intervals(mn_qp):
    """eonr's 90 % quadratic-plateau intervals hold the join fixed at its estimate while profiling
    (profile 130.46-207.83) and use the join's standard error (Wald 107.49-217.24).  fertopt
    re-estimates the join (a wider, honest profile, checked against R) and reports the delta
    method; both eonr numbers are reproduced from fertopt's fit to show where they come from."""
    prof = mn_qp.optimum(prices=MN_PRICES, ci="profile", confidence_level=0.9)
    eco = R["minnesota_2012"]["economics"]["quadratic_plateau"]
    # R: optimize() over the join inside uniroot(); both searches converge to ~1e-10
    assert_allclose(prof.ci, eco["profile90"], rtol=1e-8)
    # R's profile with the join held fixed (eonr's simplification) reproduces eonr to 1e-4
    assert_allclose(eco["profile90_fixed_join"], [130.46, 207.83], atol=5e-3)
    # fixing a nuisance parameter can only narrow the interval
    assert prof.ci[0] < 130.46 and prof.ci[1] > 207.83
    delta = mn_qp.optimum(prices=MN_PRICES, ci="delta", confidence_level=0.9)
    # car::deltaMethod on nls: numerical gradient, 1e-6
    assert_allclose(delta.se, eco["se"], rtol=1e-6)
    from scipy import stats

    t = stats.t.ppf(0.95, mn_qp.df_resid)
    se_join = mn_qp.params.set_index("term").loc["join", "se"]
    # eonr's "Wald": EONR ± t·SE(join); eonr's curve_fit SE differs in the 4th digit
    assert_allclose(
        [delta.rate - t * se_join, delta.rate + t * se_join], [107.49, 217.24], atol=0.05
    )


def test_other_models_delta_against_r(minnesota):
    eco = R["minnesota_2012"]["economics"]
    for model, tol in (("mitscherlich", 1e-6), ("square_root", 1e-9)):
        fit = fo.fit_response(
            minnesota,
            response="yld_grain_dry_kgha",
            rate="rate_n_applied_kgha",
            nutrient="N",
            units=MN_UNITS,
            model=model,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExtrapolationWarning)
            opt = fit.optimum(prices=MN_PRICES)
        # square root: lm, exact; Mitscherlich: nls polished to 1e-7 and a numerical gradient
        assert_allclose(opt.rate, eco[model]["estimate"], rtol=tol)
        assert_allclose(opt.se, eco[model]["se"], rtol=max(tol, 1e-6))


@pytest.fixture(scope="module")
def minnesota() -> pd.DataFrame:
    return pd.read_csv(REF / "minnesota_2012.csv")


def test_linear_plateau_corner(minnesota):
    fit = fo.fit_response(
        minnesota,
        response="yld_grain_dry_kgha",
        rate="rate_n_applied_kgha",
        nutrient="N",
        units=MN_UNITS,
        model="linear_plateau",
    )
    opt = fit.optimum(prices=MN_PRICES, ci="profile")
    # the join lies inside the tested rates (0-235 kg N): a corner of the curve, not an edge of
    # the tested rates, so the status is ok
    assert opt.status == "ok" and opt.rate == fit.estimates["join"]
    assert "corner solution" in opt.message
    # delta SE of a corner optimum is the SE of the join (R nls)
    assert_allclose(
        fit.optimum(prices=MN_PRICES).se,
        R["minnesota_2012"]["economics"]["linear_plateau_join"],
        rtol=1e-5,
    )
    assert opt.ci[0] < opt.rate < opt.ci[1]
    # the slope 46.2 kg/kg is far above the ratio: the corner does not move with price
    dear = fit.optimum(prices=MN_PRICES.replace(N=5.0))
    assert dear.rate == opt.rate
    # but once the ratio exceeds the slope nothing pays: rate 0, still a corner
    none = fit.optimum(price_ratio=60.0)
    assert none.rate == 0 and none.status == "at_bound" and none.ci is None


# ---------------------------------------------------------------------------
# the reference study's equations
# ---------------------------------------------------------------------------
def test_reference_study_phosphorus():
    p = chestnut("P", 8, "P2O5")
    with pytest.warns(ExtrapolationWarning, match="above the highest tested rate") as record:
        top = p.optimum()
    assert record[0].filename == __file__  # the warning points at the caller
    with pytest.warns(ExtrapolationWarning):
        eco = p.optimum(prices=CHESTNUT_PRICES)
    # worked by hand: x = 328.69 / (2·18.052) = 9.10397; y = 1688.9 + 328.69² / (4·18.052) = 3185.09
    assert_allclose(top.rate, 328.69 / (2 * 18.052), rtol=1e-12)
    assert round(top.rate, 3) == 9.104 and round(top.yield_at_rate, 2) == 3185.09
    # r = 4.67 / 2.8 = 1.66786 kg/kg; x = (328.69 − 1.66786) / 36.104 = 9.05777
    assert_allclose(eco.price_ratio, 4.67 / 2.8, rtol=1e-12)
    assert round(eco.rate, 3) == 9.058 and round(eco.yield_at_rate, 2) == 3185.05
    # both lie beyond the 8 kg/mu of P2O5 tested in the formula plot: flagged, not recommended
    assert top.status == eco.status == "extrapolated" and eco.extrapolated and not eco.recommended
    assert eco.net_return_unit == "yuan/mu"
    assert "1.668 kg yield per kg P2O5" in eco.price_ratio_text
    # inside a wider tested range the same optimum is a plain finding
    assert chestnut("P", 10, "P2O5").optimum(prices=CHESTNUT_PRICES).status == "ok"


def test_reference_study_potassium_is_convex():
    k = chestnut("K", 19, "K2O")
    top = k.optimum()
    eco = k.optimum(prices=CHESTNUT_PRICES)
    for opt in (top, eco):
        assert opt.status == "no_maximum"
        assert math.isnan(opt.rate) and math.isnan(opt.yield_at_rate) and opt.ci is None
        assert not opt.recommended
    # the paper's "maximum" −2.0 is the minimum of a convex curve: −13.338 / (2·3.2568) = −2.0477
    assert_allclose(top.critical_rate, -13.338 / (2 * 3.2568), rtol=1e-12)
    assert "convex" in top.message and "minimum" in top.message
    # the paper's economic "optimum" −1.48 is never returned as a rate
    assert_allclose(eco.critical_rate, (10.4 / 2.8 - 13.338) / (2 * 3.2568), rtol=1e-12)
    assert "no maximum" in str(eco) and "-1.48" not in repr(eco)


# ---------------------------------------------------------------------------
# statuses and intervals
# ---------------------------------------------------------------------------
def test_unbounded_fieller_set():
    # curvature not significant: y rises almost linearly with large noise
    x = np.repeat([0.0, 50, 100, 150, 200], 3)
    y = (
        5
        + 0.02 * x
        - 0.00002 * x * x
        + np.tile([1.0, -1.2, 0.3], 5) * np.repeat([1, -1, 1, -1, 1], 3)
    )
    fit = fo.fit_response(pd.DataFrame({"N": x, "y": y}), response="y", rate="N")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExtrapolationWarning)
        opt = fit.optimum(ci="fieller")
        prof = fit.optimum(ci="profile")
    assert not opt.ci_bounded and len(opt.ci_set) == 2
    assert opt.ci == (-math.inf, math.inf)
    assert any("unbounded" in w for w in opt.warnings)
    assert "unbounded" in str(opt)
    assert not prof.ci_bounded and math.isinf(prof.ci[1])


def test_fieller_equals_profile_for_linear_models(bach_low):
    # for a model linear in its parameters the F-based profile set is the Fieller set
    f = bach_low.optimum(price_ratio=0.005454, ci="fieller")
    p = bach_low.optimum(price_ratio=0.005454, ci="profile")
    assert_allclose(f.ci, p.ci, rtol=1e-9)


def test_square_root_fieller_and_profile():
    spec = fo.response.MODELS["square_root"]
    x = np.repeat([0.0, 25, 50, 100, 150, 200], 3)
    y = spec.curve(x, np.array([5.0, 0.6, -0.02])) + np.tile([0.2, -0.2, 0.0], 6)
    fit = fo.fit_response(pd.DataFrame({"N": x, "y": y}), response="y", rate="N")
    fit = fo.fit_response(
        pd.DataFrame({"N": x, "y": y}), response="y", rate="N", model="square_root"
    )
    f = fit.optimum(price_ratio=(0.005, "kg/kg"), ci="fieller")
    p = fit.optimum(price_ratio=(0.005, "kg/kg"), ci="profile")
    # (0.6 / (2 (0.005 + 0.02)))² = 144
    assert_allclose(f.rate, 144.0, rtol=1e-9)
    assert_allclose(f.ci, p.ci, rtol=1e-8)
    assert f.ci[0] < 144 < f.ci[1]


def test_profile_contains_delta_centre_and_handles_mitscherlich(minnesota):
    fit = fo.fit_response(
        minnesota,
        response="yld_grain_dry_kgha",
        rate="rate_n_applied_kgha",
        nutrient="N",
        units=MN_UNITS,
        model="mitscherlich",
    )
    opt = fit.optimum(prices=MN_PRICES, ci="profile")
    assert opt.ci[0] < opt.rate < opt.ci[1]
    # at the ends of the interval the SSE has risen by s²·F(0.95; 1, df)
    from scipy import stats

    from fertopt.curves.engine import profile_sse

    s2 = fit.sse / fit.df_resid
    for end in opt.ci:
        rise = (profile_sse(fit.curve.spec, fit.curve.data, end, opt.price_ratio) - fit.sse) / s2
        assert_allclose(rise, stats.f.ppf(0.95, 1, fit.df_resid), rtol=1e-6)
    with pytest.raises(FertoptError, match="Fieller intervals need"):
        fit.optimum(prices=MN_PRICES, ci="fieller")


def test_bootstrap_is_reproducible_and_records_seed(mn_q):
    a = mn_q.optimum(prices=MN_PRICES, ci="bootstrap", n_boot=60, rng=11)
    b = mn_q.optimum(prices=MN_PRICES, ci="bootstrap", n_boot=60, rng=11)
    assert a.ci == b.ci and a.seed == 11
    assert a.bootstrap == {
        "n_boot": 60,
        "type": "residual",
        "n_valid": 60,
        "n_failed": 0,
        "n_no_maximum": 0,
    }
    assert a.ci[0] < a.rate < a.ci[1]
    c = mn_q.optimum(prices=MN_PRICES, ci="bootstrap", n_boot=60, rng=np.random.default_rng(3))
    again = mn_q.optimum(prices=MN_PRICES, ci="bootstrap", n_boot=60, rng=c.seed)
    assert c.ci == again.ci
    for kind in ("case", "wild"):
        o = mn_q.optimum(prices=MN_PRICES, ci="bootstrap", n_boot=40, rng=5, bootstrap=kind)
        assert o.bootstrap["type"] == kind and o.ci[0] < o.rate < o.ci[1]
    assert "seed 11" in str(a)


@pytest.mark.slow
def test_bootstrap_quadratic_plateau(mn_qp):
    o = mn_qp.optimum(prices=MN_PRICES, ci="bootstrap", n_boot=300, rng=2024, confidence_level=0.9)
    # a bootstrap interval brackets the estimate and is of the width of the profile interval
    assert o.ci[0] < o.rate < o.ci[1]
    prof = mn_qp.optimum(prices=MN_PRICES, ci="profile", confidence_level=0.9)
    assert 0.5 < (o.ci[1] - o.ci[0]) / (prof.ci[1] - prof.ci[0]) < 1.5


def test_economic_below_agronomic_and_limit(mn_q):
    top = mn_q.optimum().rate
    rates = [mn_q.optimum(price_ratio=r, ci=None).rate for r in (20.0, 10.0, 5.0, 1.0, 1e-6)]
    assert all(a < b for a, b in zip(rates, rates[1:], strict=False))
    assert all(r < top for r in rates)
    assert_allclose(rates[-1], top, rtol=1e-6)


def test_zero_rate_when_nothing_pays(mn_q):
    opt = mn_q.optimum(price_ratio=200.0)
    assert opt.status == "at_bound" and opt.rate == 0.0 and opt.net_return == 0.0
    assert "no fertilizer pays" in opt.message


def test_linear_fit_has_no_maximum():
    x = np.repeat([0.0, 50, 100], 2)
    fit = fo.fit_response(
        pd.DataFrame({"N": x, "y": 3 + 0.02 * x + np.tile([0.1, -0.1], 3)}),
        response="y",
        rate="N",
        model="linear",
        units=MN_UNITS,
    )
    assert fit.optimum().status == "no_maximum"
    assert fit.optimum(price_ratio=0.01).status == "no_maximum"
    assert fit.optimum(price_ratio=0.05).status == "at_bound"


def test_extrapolated_optimum_below_range():
    fit = fo.response_from_coefficients(
        "quadratic", intercept=5, linear=0.05, quadratic=-0.001, rate_range=(40, 200), nutrient="N"
    )
    with pytest.warns(ExtrapolationWarning, match="below the lowest tested rate"):
        opt = fit.optimum()
    assert opt.status == "extrapolated" and opt.rate == 25.0


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------
def test_price_ratio_without_units_context():
    fit = fo.response_from_coefficients(
        "quadratic",
        intercept=1688.9,
        linear=328.69,
        quadratic=-18.052,
        rate_range=(0, 10),
        nutrient="P2O5",
    )
    # a bare ratio without declared units is applied in the data's units and the result says so
    bare = fit.optimum(price_ratio=1.67)
    assert_allclose(bare.rate, (1.67 - 328.69) / (2 * -18.052), rtol=1e-12)  # (r - b) / 2a
    assert any("units were not declared" in n for n in bare._economics.notes)
    assert "units were not declared" in str(bare)
    opt = fit.optimum(price_ratio=(1.67, "kg/kg"))
    assert_allclose(opt.price_ratio, 1.67)
    assert any("were not declared" in n for n in opt._economics.notes)
    # with units the ratio is read in the data's units, and a pair is converted
    fit = fo.response_from_coefficients(
        "quadratic",
        intercept=5.0,
        linear=0.04,
        quadratic=-0.0001,
        rate_range=(0, 300),
        nutrient="N",
        units={"response": "t/ha", "rate": "kg/ha"},
    )
    assert_allclose(fit.optimum(price_ratio=(5.0, "kg/kg")).price_ratio, 0.005)
    assert_allclose(
        fit.optimum(price_ratio=0.005).rate, fit.optimum(price_ratio=(5.0, "kg/kg")).rate
    )


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), "cheap"])
def test_bad_price_ratio(mn_q, bad):
    with pytest.raises(FertoptError, match="price_ratio must be a positive number"):
        mn_q.optimum(price_ratio=bad)


def test_prices_and_ratio_together_and_wrong_types(mn_q):
    with pytest.raises(FertoptError, match="not both"):
        mn_q.optimum(prices=MN_PRICES, price_ratio=5.6)
    with pytest.raises(FertoptError, match="must be a fertopt.Prices"):
        mn_q.optimum(prices={"crop": 0.157, "N": 0.88})
    with pytest.raises(FertoptError, match="no price for N"):
        mn_q.optimum(prices=fo.Prices(crop=0.157, K2O=0.5))
    with pytest.raises(FertoptError, match="ci='wald' is not a valid option"):
        mn_q.optimum(prices=MN_PRICES, ci="wald")
    with pytest.raises(FertoptError, match="confidence_level"):
        mn_q.optimum(confidence_level=95)


def test_nutrient_must_be_known_for_several_prices():
    fit = fo.response_from_coefficients(
        "quadratic", intercept=1688.9, linear=328.69, quadratic=-18.052, rate_range=(0, 10)
    )
    with pytest.raises(FertoptError, match="which nutrient is the rate column"):
        fit.optimum(prices=CHESTNUT_PRICES)


def test_coefficients_without_vcov_have_no_interval():
    fit = chestnut("P", 10, "P2O5")
    assert fit.optimum(prices=CHESTNUT_PRICES).ci is None  # the default delta quietly skipped
    with pytest.raises(FertoptError, match="carry no standard errors"):
        fit.optimum(prices=CHESTNUT_PRICES, ci="delta")
    with pytest.raises(FertoptError, match="needs the plot data"):
        fit.optimum(prices=CHESTNUT_PRICES, ci="profile")
    # with a published covariance matrix the delta method works: se² = gᵀVg
    V = np.diag([100.0, 4.0, 0.04])
    fit = fo.response_from_coefficients(
        "quadratic",
        intercept=1688.9,
        linear=328.69,
        quadratic=-18.052,
        rate_range=(0, 10),
        nutrient="P2O5",
        vcov=V,
        df_resid=10,
    )
    opt = fit.optimum(prices=CHESTNUT_PRICES, ci="delta")
    r = 4.67 / 2.8
    g = np.array([0, -1 / (2 * -18.052), -(r - 328.69) / (2 * 18.052**2)])
    assert_allclose(opt.se, math.sqrt(g @ V @ g), rtol=1e-12)


def test_optimum_display(mn_q):
    opt = mn_q.optimum(prices=MN_PRICES, ci="profile", confidence_level=0.9)
    text = repr(opt)
    assert "\n" not in text and "economic optimum at 174.2 kg/ha" in text and "status ok" in text
    s = str(opt)
    assert "5.605 kg yield per kg N" in s and "USD/ha" in s and "90 %" in s
    assert "<table>" in opt._repr_html_()
    d = opt.to_dict()
    assert d["status"] == "ok" and d["ci"][0] == pytest.approx(152.88, abs=0.01)


# ---------------------------------------------------------------------------
# net-return curve, price sensitivity, MRTN pooling
# ---------------------------------------------------------------------------
def test_net_return_curve(mn_q):
    curve = mn_q.net_return_curve(prices=MN_PRICES, within=1.0)
    t = curve.table
    est = mn_q.estimates
    # net return = 0.157 (b x + c x²) − 0.88 x
    assert_allclose(
        t["net_return"],
        0.157 * (est["linear"] * t["rate"] + est["quadratic"] * t["rate"] ** 2) - 0.88 * t["rate"],
        rtol=1e-9,
        atol=1e-9,
    )
    lo, hi = curve.profitable_range
    # within $1/ha of the maximum: |x − x*| ≤ √(1 / (0.157·|c|)) on the continuous curve
    half = math.sqrt(1 / (0.157 * abs(est["quadratic"])))
    assert lo <= curve.optimum.rate <= hi
    assert abs((hi - lo) / 2 - half) < (t["rate"].iloc[1] - t["rate"].iloc[0])
    assert "profitable" in str(curve).lower() or "Profitable" in str(curve)
    with pytest.raises(FertoptError, match="needs prices"):
        mn_q.net_return_curve()


def test_price_sensitivity(mn_q):
    ps = mn_q.price_sensitivity(prices=MN_PRICES, crop=[0.157, 0.314], nutrient_prices=[0.88, 1.76])
    t = ps.table
    assert list(t.columns) == [
        "crop_price",
        "nutrient_price",
        "price_ratio",
        "rate",
        "status",
        "extrapolated",
        "yield_at_rate",
        "net_return",
        "ci_low",
        "ci_high",
    ]
    assert len(t) == 4
    est = mn_q.estimates
    expected = [
        (pn / pc - est["linear"]) / (2 * est["quadratic"])
        for pc in (0.157, 0.314)
        for pn in (0.88, 1.76)
    ]
    assert_allclose(t["rate"], expected, rtol=1e-12)
    # equal ratios (0.88/0.157 and 1.76/0.314) give equal optima
    assert_allclose(t["rate"].iloc[0], t["rate"].iloc[3], rtol=1e-12)
    default = mn_q.price_sensitivity(prices=MN_PRICES)
    assert len(default.table) == 15
    by_ratio = mn_q.price_sensitivity(price_ratios=[2.0, 5.6, 11.2])
    assert by_ratio.table["rate"].is_monotonic_decreasing


def test_pool_sites(bachmaier):
    fits = {}
    for zone in ("low", "high"):
        d = bachmaier[bachmaier.zone == zone]
        fits[zone] = fo.fit_response(
            d,
            response="yield",
            rate="nitro",
            nutrient="N",
            units={"response": "t/ha", "rate": "kg/ha"},
        )
    prices = fo.Prices(crop=110, crop_unit="t", N=0.60, currency="EUR")
    pooled = fo.pool_sites(fits, prices=prices, within=5.0)
    # two quadratics: the mean curve is the quadratic with averaged coefficients
    b = np.mean([f.estimates["linear"] for f in fits.values()])
    c = np.mean([f.estimates["quadratic"] for f in fits.values()])
    r = 0.6 / 110
    assert_allclose(pooled.mrtn_rate, (r - b) / (2 * c), rtol=1e-8)
    lo, hi = pooled.profitable_range
    assert lo < pooled.mrtn_rate < hi
    assert pooled.n_sites == 2 and list(pooled.site_optima["site"]) == ["low", "high"]
    assert 90 < pooled.pct_max_yield <= 100
    assert list(pooled.table.columns) == ["rate", "mean_yield_gain", "net_return", "pct_max_yield"]
    # MRTN rises as the price ratio falls (behaviour of the published MRTN tables)
    cheaper = fo.pool_sites(fits, prices=prices.replace(N=0.40))
    assert cheaper.mrtn_rate > pooled.mrtn_rate
    assert "MRTN" in repr(pooled)


@pytest.fixture(scope="module")
def bachmaier() -> pd.DataFrame:
    return pd.read_csv(REF / "bachmaier.nitrogen.csv")


def test_pool_sites_bad_input(bachmaier, mn_q):
    low = fo.fit_response(
        bachmaier[bachmaier.zone == "low"],
        response="yield",
        rate="nitro",
        nutrient="N",
        units={"response": "t/ha", "rate": "kg/ha"},
    )
    with pytest.raises(DesignError, match="at least two sites"):
        fo.pool_sites([low], prices=MN_PRICES)
    with pytest.raises(DesignError, match="same nutrient in the same units"):
        fo.pool_sites({"a": low, "b": mn_q}, prices=MN_PRICES)
    with pytest.raises(FertoptError, match="needs prices"):
        fo.pool_sites([low, low])


def test_returns_in_yield_units_with_a_bare_ratio(mn_q):
    curve = mn_q.net_return_curve(price_ratio=5.6, rates=[0.0, 100.0])
    est = mn_q.estimates
    # without prices the return is in yield units: ΔY − r·x = b·100 + c·100² − 5.6·100
    expected = est["linear"] * 100 + est["quadratic"] * 100**2 - 5.6 * 100
    assert_allclose(curve.table["net_return"], [0.0, expected], rtol=1e-12, atol=1e-9)
    assert curve.net_return_unit == "kg yield/ha"
    pooled = fo.pool_sites([mn_q, mn_q], price_ratio=5.6, within=10.0)
    # two identical sites pool to the site itself: MRTN = (5.6 − b)/(2c)
    assert_allclose(pooled.mrtn_rate, (5.6 - est["linear"]) / (2 * est["quadratic"]), rtol=1e-8)
    assert list(pooled.site_optima["site"]) == ["site 1", "site 2"]
