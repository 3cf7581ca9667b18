"""The audit's checks, topic by topic, on small specs whose answers are worked by hand.

Every expected value is a closed form written out in the comments (or a quantile of a
standard table computed with scipy, which is independent of fertopt).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

import fertopt as fo
from fertopt.audit.checks.design import full_quadratic_terms
from fertopt.audit.checks.equations import refit_statistics


def rows(spec, lang="en"):
    a = fo.audit(spec, lang=lang)
    return {r["item"]: r for _, r in a.table.iterrows()}


def design(means, rates=None, reps=3, layout="rcbd", **extra):
    rates = rates or {}
    return {
        "layout": layout,
        "replicates": reps,
        "treatments": [
            {"name": n, "mean": m, **({"rates": rates[n]} if n in rates else {})}
            for n, m in means.items()
        ],
        **extra,
    }


# ---------------------------------------------------------------------------
# ANOVA: F <-> df <-> p <-> critical F <-> words; design df
# ---------------------------------------------------------------------------
def test_critical_value_from_the_wrong_df_is_wrong():
    # printed df (4, 10): F0.05(4, 10) = 3.478; the printed 3.84 is F0.05(4, 8)
    r = rows({"anova": [{"F": 29.58, "df": [4, 10], "F_critical": 3.84}]})["anova[0].F"]
    assert r["verdict"] == "wrong"
    assert_allclose(r["fertopt_value"], stats.f.isf(0.05, 4, 10), rtol=1e-12)


def test_p_value_of_the_printed_f():
    # p of F = 29.58 on (4, 8) is 8.0e-5, which prints as 0.0001 at 4 decimals: confirmed;
    # a printed p = 0.05 is far outside the F's rounding interval: wrong
    p = stats.f.sf(29.58, 4, 8)
    assert round(p, 4) == 0.0001
    ok = rows({"anova": [{"F": 29.58, "df": [4, 8], "p": "0.0001"}]})["anova[0].F"]
    bad = rows({"anova": [{"F": 29.58, "df": [4, 8], "p": "0.05"}]})["anova[0].F"]
    assert ok["verdict"] == "confirmed" and bad["verdict"] == "wrong"


def test_f_against_printed_mse_and_means():
    # means 10.0, 20.0, 30.0 with 3 replicates: MS_trt = 3 (100 + 0 + 100) / 2 = 300;
    # MSE 10.0 gives F = 30.0. Printed 30.0 is confirmed; printed 3.0 is wrong
    d = design({"A": "10.0", "B": "20.0", "C": "30.0"})
    ok = rows({"design": d, "anova": [{"F": "30.0", "MSE": "10.0"}]})["anova[0].F"]
    bad = rows({"design": d, "anova": [{"F": "3.0", "MSE": "10.0"}]})["anova[0].F"]
    assert ok["verdict"] == "confirmed" and bad["verdict"] == "wrong"


@pytest.mark.parametrize(
    "words,verdict",
    [
        (["不显著"], "wrong"),  # F = 29.58 > F0.01(4, 8) = 7.01
        (["差异极显著"], "confirmed"),
        (["highly significant"], "confirmed"),
        (["不显著", "显著"], "contradictory"),
        (["the means"], "cannot be checked"),
    ],
)
def test_words_against_f(words, verdict):
    r = rows({"anova": [{"F": 29.58, "df": [4, 8], "words": words}]})["anova[0].words"]
    assert r["verdict"] == verdict
    assert_allclose(r["fertopt_value"], stats.f.isf(0.01, 4, 8), rtol=1e-12)


def test_significant_at_5_but_not_1_percent():
    # F0.05(4, 8) = 3.84 < 5.0 < F0.01(4, 8) = 7.01: "显著" right, "极显著" wrong
    spec = {"anova": [{"F": 5.0, "df": [4, 8], "words": ["显著"]}]}
    assert rows(spec)["anova[0].words"]["verdict"] == "confirmed"
    spec["anova"][0]["words"] = ["极显著"]
    assert rows(spec)["anova[0].words"]["verdict"] == "wrong"


@pytest.mark.parametrize(
    "layout,df,ok", [("rcbd", [3, 6], True), ("crd", [3, 8], True), ("rcbd", [3, 8], False)]
)
def test_printed_df_against_the_layout(layout, df, ok):
    # 4 treatments, 3 replicates: RCBD error df (4 - 1)(3 - 1) = 6, CRD 4 (3 - 1) = 8
    d = design({"A": 1, "B": 2, "C": 3, "D": 4}, layout=layout)
    r = rows({"design": d, "anova": [{"F": 2.0, "df": df}]})["anova[0].df"]
    assert r["verdict"] == ("confirmed" if ok else "wrong")


def test_no_df_cannot_be_checked():
    r = rows({"anova": [{"F": 2.0}]})["anova[0].F"]
    assert r["verdict"] == "cannot be checked" and "df" in r["why"]


# ---------------------------------------------------------------------------
# means and letters
# ---------------------------------------------------------------------------
# Four means, 3 replicates, CRD (8 error df), MSE 22.57: SE = sqrt(22.57 / 3) = 2.7429.
# Duncan's ranges (table, 8 df): R2 = 3.261 x 2.7429 = 8.94, R3 = 3.399 x 2.7429 = 9.32,
# R4 = 3.475 x 2.7429 = 9.53. oo 36.9 - ff 36.33 = 0.57 < R2: same letter; ff - cc = 11.93 and
# cc - fc = 11.53 > R2: different. Letters oo a, ff a, cc b, fc c.
LETTERS = design({"cc": "24.4", "fc": "12.87", "ff": "36.33", "oo": "36.9"}, layout="crd")


def test_printed_letters_confirmed_and_wrong():
    spec = {
        "design": LETTERS,
        "comparison": {
            "test": "duncan",
            "MSE": "22.57",
            "letters": {"oo": "a", "ff": "a", "cc": "b", "fc": "c"},
        },
    }
    assert rows(spec)["comparison.letters"]["verdict"] == "confirmed"
    spec["comparison"]["letters"] = {"oo": "a", "ff": "b", "cc": "b", "fc": "c"}
    r = rows(spec)["comparison.letters"]
    # ff shares a letter with cc and not with oo: two pairs differ from the test
    assert r["verdict"] == "wrong" and "ff – oo" in r["why"] and "cc – ff" in r["why"]


def test_printed_lsd():
    # LSD = t(0.975, 8) sqrt(2 x 22.57 / 3) = 2.306004 x 3.879003 = 8.944998: printed 8.94 is
    # confirmed; 8.95 does not re-derive (8.944998 prints as 8.94) but MSE 22.57 +- 0.005 moves
    # the LSD by +- 8.945 x 0.005 / (2 x 22.57) = +- 0.001, which reaches 8.945: consistent
    lsd = stats.t.isf(0.025, 8) * math.sqrt(2 * 22.57 / 3)
    assert_allclose(lsd, 8.944998, atol=5e-7)  # the product above to 7 digits
    spec = {"design": LETTERS, "comparison": {"test": "lsd", "MSE": "22.57", "LSD": "8.94"}}
    r = rows(spec)["comparison.lsd"]
    assert r["verdict"] == "confirmed"
    assert_allclose(r["fertopt_value"], lsd, rtol=1e-12)
    spec["comparison"]["LSD"] = "8.95"
    assert rows(spec)["comparison.lsd"]["verdict"] == "consistent within rounding"
    spec["comparison"]["LSD"] = "12.1"
    assert rows(spec)["comparison.lsd"]["verdict"] == "wrong"


def test_mse_from_a_printed_lsd_tests_the_claims():
    # no MSE printed: MSE = n (LSD / t)^2 / 2 = 3 (8.94 / 2.3060)^2 / 2 = 22.54; oo - ff = 0.57
    # < any range: the claim that they differ is wrong
    spec = {
        "design": LETTERS,
        "comparison": {
            "test": "duncan",
            "LSD": "8.95",
            "claims": [{"a": "oo", "b": "ff", "significant": True}],
        },
    }
    r = rows(spec)["comparison.claims[0]"]
    assert r["verdict"] == "wrong" and "LSD" in r["why"]
    assert_allclose(r["paper_value"], 0.57, atol=1e-9)


def test_comparison_without_error_cannot_be_checked():
    spec = {
        "design": LETTERS,
        "comparison": {"claims": [{"a": "oo", "b": "ff", "significant": False}]},
    }
    r = rows(spec)["comparison.claims[0]"]
    assert r["verdict"] == "cannot be checked" and "MSE" in r["why"]


# ---------------------------------------------------------------------------
# single-nutrient equations
# ---------------------------------------------------------------------------
# y = -0.5 x^2 + 10 x + 100: maximum at x = 10 / 1 = 10, y = 100 + 100 / 2 = 150; with
# Px / Py = 2 / 2 = 1 the optimum is x = (1 - 10) / (2 x -0.5) = 9, y = -40.5 + 90 + 100 = 149.5
RATE_DESIGN = design(
    {"N0": 100, "N4": 132, "N8": 148}, rates={"N0": {"N": 0}, "N4": {"N": 4}, "N8": {"N": 8}}
)
CONCAVE = {
    "nutrient": "N",
    "coefficients": {"quadratic": "-0.5", "linear": "10", "intercept": "100"},
    "maximum": {"rate": "10.0", "yield": "150.0"},
    "optimum": {"rate": "9.0", "yield": "149.5"},
}
PRICES = {"crop": 2, "nutrients": {"N": 2, "P2O5": 2}}


#: The same curve on rates 0, 6, 12, which bracket its maximum (10) and optimum (9):
#: y(6) = -18 + 60 + 100 = 142, y(12) = -72 + 120 + 100 = 148.
WIDE_DESIGN = design(
    {"N0": 100, "N6": 142, "N12": 148}, rates={"N0": {"N": 0}, "N6": {"N": 6}, "N12": {"N": 12}}
)


def test_concave_maximum_and_optimum():
    got = rows({"design": WIDE_DESIGN, "equations": [CONCAVE], "prices": PRICES})
    for part in ("maximum.rate", "maximum.yield", "optimum.rate", "optimum.yield"):
        assert got[f"equation.N.{part}"]["verdict"] == "confirmed", part
    assert_allclose(got["equation.N.maximum.yield"]["fertopt_value"], 150.0, rtol=1e-12)
    assert_allclose(got["equation.N.optimum.yield"]["fertopt_value"], 149.5, rtol=1e-12)


def test_maximum_and_optimum_beyond_the_tested_rates():
    # the same arithmetic (maximum 10, optimum 9) on a trial whose rates stop at 8: both rates
    # are read off the curve beyond the data; the yields (arithmetic only) stay confirmed
    got = rows({"design": RATE_DESIGN, "equations": [CONCAVE], "prices": PRICES})
    for part in ("maximum.rate", "optimum.rate"):
        r = got[f"equation.N.{part}"]
        assert r["verdict"] == "outside the tested range", part
        assert "0 to 8" in r["why"], part
    assert got["equation.N.maximum.yield"]["verdict"] == "confirmed"
    # a recommendation of the same rate carries the range verdict (one flag per extrapolation)
    eq = dict(CONCAVE, recommendation={"rate": "10.0"})
    got = rows({"design": RATE_DESIGN, "equations": [eq], "prices": PRICES})
    assert got["equation.N.maximum.rate"]["verdict"] == "confirmed"
    assert got["equation.N.recommendation"]["verdict"] == "outside the tested range"
    assert got["equation.N.optimum.rate"]["verdict"] == "outside the tested range"


def test_single_nutrient_identifiability():
    # a quadratic has 3 coefficients: two rates (0 and 8) cannot determine it
    two = design({"N0": 100, "N8": 148}, rates={"N0": {"N": 0}, "N8": {"N": 8}})
    r = rows({"design": two, "equations": [CONCAVE]})["equation.N.design"]
    assert r["verdict"] == "not supported by the design"
    assert (r["paper_value"], r["fertopt_value"]) == (3, 2)
    # three rates determine it exactly (no row) ...
    assert "equation.N.design" not in rows({"design": RATE_DESIGN, "equations": [CONCAVE]})
    # ... but leave 3 - 3 = 0 residual df for a printed R²
    eq = dict(CONCAVE, r_squared="0.99")
    r = rows({"design": RATE_DESIGN, "equations": [eq]})["equation.N.design"]
    assert r["verdict"] == "not supported by the design" and "residual" in r["why"]


def test_a_yield_not_on_the_curve_is_wrong():
    # 155 against 150: the coefficients' rounding (0.05 + 0.5 x 10 + 0.05 x 100 = 10.05 at most)
    # ... is large for one-digit coefficients, so print them with more digits here
    eq = dict(
        CONCAVE,
        coefficients={"quadratic": "-0.500", "linear": "10.00", "intercept": "100.0"},
        maximum={"rate": "10.0", "yield": "155.0"},
    )
    r = rows({"design": RATE_DESIGN, "equations": [eq]})["equation.N.maximum.yield"]
    # y moves by at most 0.05 + (10^2 / 4) x 2 x 0.005/0.5... evaluated at the corners: 150 +- 0.6
    assert r["verdict"] == "wrong" and r["high"] < 155
    assert "not on the curve" in r["why"]


def test_optimum_without_prices_cannot_be_checked():
    r = rows({"design": RATE_DESIGN, "equations": [CONCAVE]})["equation.N.optimum"]
    assert r["verdict"] == "cannot be checked" and "prices" in r["why"]


def test_recommendation_beyond_the_tested_rates():
    eq = dict(CONCAVE, recommendation={"rate": "9.0"})
    r = rows({"design": RATE_DESIGN, "equations": [eq]})["equation.N.recommendation"]
    assert r["verdict"] == "outside the tested range" and r["fertopt_value"] == 8
    eq = dict(CONCAVE, recommendation={"rate": "6.0"})
    assert (
        rows({"design": RATE_DESIGN, "equations": [eq]})["equation.N.recommendation"]["verdict"]
        == "confirmed"
    )
    eq = dict(CONCAVE, recommendation={"rate": "-1.5"})
    assert (
        rows({"design": RATE_DESIGN, "equations": [eq]})["equation.N.recommendation"]["verdict"]
        == "wrong"
    )


def test_convex_curve_has_no_maximum_or_optimum():
    # y = x^2 - 4 x + 100: minimum at x = 2, y = 96; "maximum" and "optimum" are wrong, and a
    # conclusion yield of 90 < 96 is reached by no rate
    eq = {
        "nutrient": "N",
        "coefficients": {"quadratic": "1", "linear": "-4", "intercept": "100"},
        "maximum": {"rate": "2.0", "yield": "96.0"},
        "optimum": {"rate": "2.5", "yield": "96.3"},
        "conclusion": {"yield": "90"},
    }
    got = rows({"design": RATE_DESIGN, "equations": [eq], "prices": PRICES})
    assert got["equation.N.maximum"]["verdict"] == "wrong"
    assert_allclose(got["equation.N.maximum"]["fertopt_value"], 96.0, rtol=1e-12)
    assert "minimum" in got["equation.N.maximum"]["fertopt_finds"]
    # b + 2 a x = 1: x = (1 + 4) / 2 = 2.5, y = 6.25 - 10 + 100 = 96.25
    assert_allclose(got["equation.N.optimum"]["fertopt_value"], 96.25, rtol=1e-12)
    assert got["equation.N.optimum"]["verdict"] == "wrong"
    assert got["equation.N.conclusion"]["verdict"] == "wrong"


def test_a_printed_point_on_the_curve():
    # y(4) = -8 + 40 + 100 = 132
    eq = dict(CONCAVE, yields=[{"rate": 4, "yield": "132.0"}, {"rate": 4, "yield": "140.0"}])
    got = rows({"design": RATE_DESIGN, "equations": [eq]})
    assert got["equation.N.yields[0]"]["verdict"] == "confirmed"
    assert got["equation.N.yields[1]"]["verdict"] == "wrong"


def test_price_unit_slip_is_named():
    # y = -0.5 x^2 + 10 x + 100 in P2O5 at P2O5 2 per kg, crop 1: x = (2 - 10) / -1 = 8.0. A
    # paper that took that price as per kg of P multiplies the ratio by 2.2914 (P2O5 / P):
    # x = (4.5828 - 10) / -1 = 5.417, printed 5.42
    ratio = 2 * fo.units.nutrient_factor("P", "P2O5")
    assert round(10 - ratio, 2) == 5.42
    eq = dict(CONCAVE, nutrient="P2O5", optimum={"rate": "5.42"})
    d = design({"P0": 100, "P8": 148}, rates={"P0": {"P2O5": 0}, "P8": {"P2O5": 8}})
    r = rows({"design": d, "equations": [eq], "prices": {"crop": 1, "nutrients": {"P2O5": 2}}})
    r = r["equation.P2O5.optimum.rate"]
    assert r["verdict"] == "wrong" and "element" in r["why"]
    assert_allclose(r["fertopt_value"], 8.0, rtol=1e-12)


def test_product_prices_become_nutrient_prices():
    # urea at 2.3 per kg of product, 46 % N: 5.0 per kg N; crop 1: x = (5 - 10) / -1 = 5.0
    eq = dict(CONCAVE, optimum={"rate": "5.0"})
    prices = {
        "crop": 1,
        "basis": "product",
        "nutrients": {"N": 2.3},
        "products": {"N": {"name": "urea", "grade": 0.46}},
    }
    r = rows({"design": RATE_DESIGN, "equations": [eq], "prices": prices})
    assert r["equation.N.optimum.rate"]["verdict"] == "confirmed"
    prices["products"] = {}
    r = rows({"design": RATE_DESIGN, "equations": [eq], "prices": prices})
    assert r["prices.N"]["verdict"] == "cannot be checked" and "grade" in r["prices.N"]["why"]


def test_refit_statistics_closed_form():
    # y = 1, 2, 3, 5 on x = 0, 1, 2, 3: slope 1.3, intercept 0.8; fitted 0.8, 2.1, 3.4, 4.7;
    # residuals 0.2, -0.1, -0.4, 0.3: SSE 0.30; SST 8.75; R^2 = 1 - 0.3 / 8.75 = 0.965714;
    # adjusted 1 - 0.034286 x 3 / 2 = 0.948571; F = (8.45 / 1) / (0.30 / 2) = 56.33
    x = np.array([0.0, 1, 2, 3])
    s = refit_statistics(np.array([1.0, 2, 3, 5]), np.c_[np.ones(4), x])
    assert_allclose(
        (s["r2"], s["adj"], s["F"]), (1 - 0.3 / 8.75, 1 - 0.3 / 8.75 * 1.5, 56.3333), rtol=1e-5
    )
    assert (s["df1"], s["df2"]) == (1, 2)


def test_r_as_square_root_of_adjusted_r2():
    # means exactly on y = -0.5 x^2 + 10 x + 100 except one: the refit's R^2 and its adjusted
    # value decide which "r" the paper printed; r = sqrt(R^2) is "consistent", a number that
    # is neither is "wrong"
    d = design(
        {"N0": "100.0", "N4": "132.0", "N8": "148.0", "N12": "148.0", "N2": "120.0"},
        rates={"N0": {"N": 0}, "N4": {"N": 4}, "N8": {"N": 8}, "N12": {"N": 12}, "N2": {"N": 2}},
    )
    x = np.array([0.0, 4, 8, 12, 2])
    y = np.array([100.0, 132, 148, 148, 120])
    s = refit_statistics(y, np.c_[np.ones(5), x, x * x])
    r_plain = round(math.sqrt(s["r2"]), 4)
    eq = dict(CONCAVE, r=f"{r_plain:.4f}")
    assert rows({"design": d, "equations": [eq]})["equation.N.fit"]["verdict"] == (
        "consistent within rounding"
    )
    eq = dict(CONCAVE, r="0.5000")
    assert rows({"design": d, "equations": [eq]})["equation.N.fit"]["verdict"] == "wrong"


# ---------------------------------------------------------------------------
# surfaces and identifiability
# ---------------------------------------------------------------------------
def test_full_quadratic_sizes():
    # 1 + k + k + k (k - 1) / 2: one nutrient 3, two 6, three 10
    assert [full_quadratic_terms(k) for k in (1, 2, 3)] == [3, 6, 10]


def test_concave_surface_with_a_maximum():
    # y = 100 + 10 N - N^2 + 8 P - P^2: maximum at (5, 4), 100 + 50 - 25 + 32 - 16 = 141
    rates = {
        f"T{i}": {"N": n, "P2O5": p}
        for i, (n, p) in enumerate(
            [(0, 0), (0, 4), (0, 8), (5, 0), (5, 4), (5, 8), (10, 0), (10, 4), (10, 8)]
        )
    }
    d = design({k: 100 for k in rates}, rates=rates)
    eq = {
        "form": "surface",
        "nutrients": ["N", "P2O5"],
        "coefficients": {"intercept": "100", "N": "10", "N^2": "-1", "P2O5": "8", "P2O5^2": "-1"},
        "maximum": {"rates": {"N": 5, "P2O5": 4}, "yield": "141"},
    }
    got = rows({"design": d, "equations": [eq]})
    assert got["equation.surface.value"]["verdict"] == "confirmed"
    assert got["equation.surface.shape"]["verdict"] == "confirmed"
    assert got["equation.surface.range"]["verdict"] == "confirmed"  # (5, 4) is a treatment
    # 9 combinations, 5 coefficients: identifiable with 4 residual df
    assert got["equation.surface.design"]["verdict"] == "confirmed"
    assert got["equation.surface.design"]["fertopt_value"] == 9


def test_surface_economic_optimum():
    # y = 100 + 10 N - N^2 + 8 P - P^2, crop 2, N 4, P 2: the price ratios are 2 and 1, and the
    # marginal products 10 - 2 N = 2, 8 - 2 P = 1 give N = 4, P = 3.5 (inside the 0-10, 0-8
    # box), y = 100 + 40 - 16 + 28 - 12.25 = 139.75.  Over the coefficients' rounding (last
    # digits 0.005 and 0.0005) N = (b - 2) / (-2 a) stays within (9.995 - 2) / 2.001 = 3.9955
    # and (10.005 - 2) / 1.999 = 4.0045: "4.0" prints it (confirmed), "4.2" is wrong
    rates = {
        f"T{i}": {"N": n, "P2O5": p}
        for i, (n, p) in enumerate([(0, 0), (0, 8), (5, 4), (10, 0), (10, 8), (5, 0)])
    }
    d = design({k: 100 for k in rates}, rates=rates)
    eq = {
        "form": "surface",
        "nutrients": ["N", "P2O5"],
        "coefficients": {
            "intercept": "100.0",
            "N": "10.00",
            "N^2": "-1.000",
            "P2O5": "8.00",
            "P2O5^2": "-1.000",
        },
        "optimum": {"rates": {"N": "4.0", "P2O5": "3.8"}, "yield": "139.8"},
    }
    prices = {"crop": 2, "nutrients": {"N": 4, "P2O5": 2}}
    got = rows({"design": d, "equations": [eq], "prices": prices})
    n, p = got["equation.surface.optimum.N"], got["equation.surface.optimum.P2O5"]
    assert n["verdict"] == "confirmed"
    assert_allclose(n["fertopt_value"], 4.0, rtol=1e-9)  # Newton/optimiser tolerance
    assert 3.995 < n["low"] < 4.0 < n["high"] < 4.005
    assert p["verdict"] == "wrong"
    assert_allclose(p["fertopt_value"], 3.5, rtol=1e-9)
    y = got["equation.surface.optimum.yield"]
    assert y["verdict"] == "confirmed"
    assert_allclose(y["fertopt_value"], 139.75, rtol=1e-9)
    # an optimum printed beyond the tested N rates (0-10) is outside the tested range
    eq["optimum"] = {"rates": {"N": "12.0"}}
    got = rows({"design": d, "equations": [eq], "prices": prices})
    assert got["equation.surface.optimum.N"]["verdict"] == "wrong"  # wrong outranks outside
    # without prices the optimum cannot be checked
    got = rows({"design": d, "equations": [eq]})
    assert got["equation.surface.optimum"]["verdict"] == "cannot be checked"


def test_saddle_and_unidentifiable_stepwise_fit():
    # five combinations cannot identify a 3-nutrient quadratic's 10 coefficients
    rates = {
        "A": {"N": 0, "P2O5": 0, "K2O": 0},
        "B": {"N": 18, "P2O5": 8, "K2O": 19},
        "C": {"N": 20, "P2O5": 8, "K2O": 17},
        "D": {"N": 16, "P2O5": 8, "K2O": 21},
        "E": {"N": 18, "P2O5": 6, "K2O": 19},
    }
    d = design({k: 100 for k in rates}, rates=rates)
    eq = {
        "form": "surface",
        "nutrients": ["N", "P2O5", "K2O"],
        "coefficients": {"intercept": 1688.61, "P2O5^2": -17.65, "N:K2O": 0.064, "P2O5:K2O": 16.99},
        "selection": "stepwise",
        "maximum": {"rates": {"N": 13.2, "P2O5": 8, "K2O": 21}, "yield": 3430.67},
    }
    got = rows({"design": d, "equations": [eq]})
    assert got["equation.surface.design"]["verdict"] == "not supported by the design"
    assert got["equation.surface.shape"]["verdict"] == "wrong"
    assert "saddle" in got["equation.surface.shape"]["fertopt_finds"]
    # N 13.2 with K2O 21: K2O 21 only with N 16 (plot D): outside the treatments' hull
    assert got["equation.surface.range"]["verdict"] == "outside the tested range"


# ---------------------------------------------------------------------------
# economics
# ---------------------------------------------------------------------------
# crop 2 per kg, N 5 per kg; reference R (N 10, 500.0 kg), T (N 12, 510.0 kg), control C (N 0,
# 400.0 kg). Income R = 1000 - 50 = 950; T = 1020 - 60 = 960: change +10.00 = 2 x 10.0 - 10,
# 1.05 % of 950. VCR R = (500 - 400) x 2 / 50 = 4.00; T = 110 x 2 / 60 = 3.667: lower.
ECON_DESIGN = design(
    {"C": "400.0", "R": "500.0", "T": "510.0"},
    rates={"C": {"N": 0}, "R": {"N": 10}, "T": {"N": 12}},
    reference="R",
    control="C",
)
ECON_PRICES = {"crop": 2, "nutrients": {"N": 5}}


def econ(row, claims=()):
    return rows(
        {
            "design": ECON_DESIGN,
            "prices": ECON_PRICES,
            "economics": {"rows": [row], "claims": list(claims)},
        }
    )


def test_income_change_and_percentage():
    got = econ(
        {
            "treatment": "T",
            "yield_change": "10.0",
            "income_change": "10.00",
            "income_change_pct": "1.05",
        }
    )
    assert got["economics.rows[0]"]["verdict"] == "confirmed"
    assert_allclose(got["economics.rows[0]"]["fertopt_value"], 10.0, rtol=1e-12)
    # the percentage implies a base of 10.00 / 0.0105 = 952.4, from 10.005/0.01045 = 957.4 down to
    # 9.995 / 0.01055 = 947.4; fertopt's 950 lies inside
    base = got["economics.income_base"]
    assert base["verdict"] == "consistent within rounding"
    assert_allclose((base["low"], base["high"]), (9.995 / 0.01055, 10.005 / 0.01045), rtol=1e-12)
    wrong = econ({"treatment": "T", "yield_change": "10.0", "income_change": "20.00"})
    assert wrong["economics.rows[0]"]["verdict"] == "wrong"


def test_value_cost_ratio_claims():
    got = econ(
        {"treatment": "T", "yield_change": "10.0", "income_change": "10.00"},
        claims=[
            {"kind": "vcr_lower", "treatments": ["T"]},
            {"kind": "vcr_higher", "treatments": ["T"]},
            {"kind": "income_higher", "treatments": ["T"]},
            {"kind": "nicer", "treatments": ["T"]},
        ],
    )
    assert got["economics.claims[0]"]["verdict"] == "confirmed"
    assert_allclose(got["economics.claims[0]"]["fertopt_value"], 110 * 2 / 60, rtol=1e-12)
    assert got["economics.claims[1]"]["verdict"] == "wrong"
    assert got["economics.claims[2]"]["verdict"] == "confirmed"  # 960 > 950
    assert got["economics.claims[3]"]["verdict"] == "cannot be checked"


def test_economics_without_prices_cannot_be_checked():
    got = rows(
        {
            "design": ECON_DESIGN,
            "economics": {"rows": [{"treatment": "T", "income_change": "10.00"}]},
        }
    )
    assert got["economics.rows[0]"]["verdict"] == "cannot be checked"


def test_chinese_texts_for_every_check():
    got = rows(
        {
            "design": RATE_DESIGN,
            "equations": [CONCAVE],
            "prices": PRICES,
            "anova": [{"F": 5.0, "df": [2, 4], "words": ["显著"]}],
        },
        lang="zh",
    )
    assert got["equation.N.maximum.yield"]["verdict_text"] == "正确"
    assert got["anova[0].words"]["topic"] == "方差分析"
    assert "最高产量" in got["equation.N.maximum.yield"]["claim"]


def test_printed_f_r2_and_r_against_each_other():
    # no means: R^2 = F df1 / (F df1 + df2) = 608.73 x 3 / (1826.19 + 1) = 0.999453; adjusted
    # 1 - 0.000547 x 4 / 1 = 0.997811; sqrt = 0.99890 (the water-chestnut r = 0.9989), while
    # sqrt(R^2) = 0.99973: an r of 0.9989 is the root of the adjusted R^2, 0.9997 the plain r
    r2 = 608.73 * 3 / (608.73 * 3 + 1)
    assert round(math.sqrt(1 - (1 - r2) * 4), 4) == 0.9989 and round(math.sqrt(r2), 4) == 0.9997
    eq = {
        "form": "surface",
        "nutrients": ["N", "P2O5", "K2O"],
        "coefficients": {"intercept": 1688.61, "P2O5^2": -17.65, "N:K2O": 0.064, "P2O5:K2O": 16.99},
        "F": 608.73,
        "df": [3, 1],
        "r": "0.9989",
    }
    r = rows({"equations": [eq]})["equation.surface.fit"]
    assert r["verdict"] == "wrong" and "adjusted" in r["why"]  # r mislabelled
    eq["r"] = "0.9997"
    assert rows({"equations": [eq]})["equation.surface.fit"]["verdict"] == "confirmed"
    eq["r"] = "0.9500"
    assert rows({"equations": [eq]})["equation.surface.fit"]["verdict"] == "wrong"


def test_negative_optimum_rate_is_wrong():
    # y = -0.5 x^2 + 1 x + 100 with Px / Py = 2: x = (2 - 1) / -1 = -1.0, arithmetically right
    # but no rate can be negative
    eq = {
        "nutrient": "N",
        "coefficients": {"quadratic": "-0.5", "linear": "1", "intercept": "100"},
        "optimum": {"rate": "-1.0"},
    }
    got = rows(
        {"design": RATE_DESIGN, "equations": [eq], "prices": {"crop": 1, "nutrients": {"N": 2}}}
    )
    assert got["equation.N.optimum.rate"]["verdict"] == "wrong"
    assert_allclose(got["equation.N.optimum.rate"]["fertopt_value"], -1.0, rtol=1e-12)
