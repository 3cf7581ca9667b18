"""fertopt.soiltest network functions: relative yields over a trial network, the classes of
abundance_classes, rates per class and the one-call calibration, on simulated networks with a
known truth (``tests/network_sim.py``) and on small hand-made cases."""

from __future__ import annotations

import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import fertopt as fo
from fertopt.exceptions import ColumnError, DataError, DataWarning, OptionError
from fertopt.soiltest import (
    AbundanceClasses,
    abundance_classes,
    calibrate_network,
    recommend_by_class,
    relative_yields,
)

sys.path.insert(0, str(Path(__file__).parent))
from network_sim import (  # noqa: E402
    LEVEL2,
    LEVELS,
    NUTRIENTS,
    PRICES,
    TRUTH,
    omission_network,
    three414_network,
)

SOIL = {n: t[4] for n, t in TRUTH.items()}
THRESHOLDS = (50.0, 75.0, 90.0, 95.0)
N_SITES, REPS, NOISE = 300, 3, 0.03


@pytest.fixture(scope="module")
def network():
    return three414_network(N_SITES, reps=REPS, noise=NOISE)


@pytest.fixture(scope="module")
def calibration(network):
    plots, _ = network
    return calibrate_network(
        plots,
        by="site",
        response="yield",
        treatment="treatment",
        block="block",
        soil=SOIL,
        prices=PRICES,
    )


def _plot_means_ry(plots, treatment, full, minus):
    """RY (%) per site by hand: mean yield of the minus plots over the full plots × 100."""
    means = plots.groupby(["site", treatment])["yield"].mean().unstack()
    return 100 * means[minus] / means[full]


# ---------------------------------------------------------------------------
# relative yields
# ---------------------------------------------------------------------------
def test_ry_is_the_ratio_of_plot_means(network, calibration):
    plots, _ = network
    ry = calibration.relative_yields
    for nutrient, minus in zip(("N", "P2O5", "K2O"), (2, 4, 8), strict=True):
        got = ry.for_nutrient(nutrient).set_index("site")
        expected = _plot_means_ry(plots, "treatment", 6, minus)
        # the same arithmetic (sums of 3 plots divided), up to the order of summation
        np.testing.assert_allclose(got["ry"], expected.loc[got.index], rtol=1e-12)
        assert len(got) == N_SITES
        soil = plots.groupby("site")[SOIL[nutrient]].first()
        np.testing.assert_array_equal(got["stv"], soil.loc[got.index])
    assert ry.unusable.empty


@pytest.mark.parametrize("how", ["code", "rates"])
def test_3414_level_codes_and_rates_find_the_same_plots(how):
    plots, _ = three414_network(12, labels="code" if how == "code" else "number", seed=5)
    treatment = "treatment" if how == "code" else None
    if how == "rates":
        plots = plots.drop(columns="treatment")
    ry = relative_yields(plots, by="site", response="yield", treatment=treatment, soil=SOIL)
    numbered, _ = three414_network(12, seed=5)
    for nutrient, minus in zip(("N", "P2O5", "K2O"), (2, 4, 8), strict=True):
        expected = _plot_means_ry(numbered, "treatment", 6, minus)
        got = ry.for_nutrient(nutrient).set_index("site")["ry"]
        np.testing.assert_allclose(got, expected.loc[got.index], rtol=1e-12)  # as above


def test_omission_design():
    plots, _ = omission_network(80)
    minus = {"N": "PK", "P2O5": "NK", "K2O": "NP"}
    ry = relative_yields(
        plots,
        by="site",
        design="omission",
        response="yield",
        treatment="trt",
        full="NPK",
        minus=minus,
        soil=SOIL,
    )
    for nutrient, label_ in minus.items():
        expected = _plot_means_ry(plots, "trt", "NPK", label_)
        got = ry.for_nutrient(nutrient).set_index("site")["ry"]
        np.testing.assert_allclose(got, expected.loc[got.index], rtol=1e-12)  # as above
    assert ry.table["optimum"].isna().all() and not ry.economic
    cal = calibrate_network(
        plots,
        by="site",
        design="omission",
        response="yield",
        treatment="trt",
        full="NPK",
        minus=minus,
        soil=SOIL,
        thresholds=(60, 85),
    )
    assert cal.table["n_optimum"].eq(0).all() and cal.table["mrtn_rate"].isna().all()
    assert cal.table.groupby("nutrient")["n"].sum().eq(80).all()


# ---------------------------------------------------------------------------
# the log line and the class boundaries against the truth
# ---------------------------------------------------------------------------
def _boundary_checks(cal, truth, noise, reps):
    """Each estimate of a, b and of every boundary within 4 SE of the simulation's truth.

    The simulation's RY noise is known, so the sampling SE of a, b and of each boundary follows
    from the design: OLS weights w_i with the per-trial SD of RY,
    sd_i = 100·noise·√((1 + R_i²)/reps) (delta method for the ratio of two means of `reps` plots
    with SD noise·Ymax; the block effects cancel), and the boundary's SE by the delta method.
    A chance failure has probability below 1e-4 per quantity; the ratio's second-order bias,
    ≈ R·noise²/reps = 0.03 RY points, is about one SE of the intercept at 10 000 trials, well
    inside the 4 SE.  The seeds are fixed, so the tests are deterministic."""
    est = cal.parameters.pivot(index="nutrient", columns="term", values="estimate")
    for nutrient, (a, b, *_rest, column) in TRUTH.items():
        u = np.log(truth[column].to_numpy())
        r = truth[f"ry_{nutrient}"].to_numpy() / 100
        sd = 100 * noise * np.sqrt((1 + r**2) / reps)
        n, um = len(u), u.mean()
        w = (u - um) / np.sum((u - um) ** 2)
        wa = 1 / n - um * w
        var_b, var_a, cov = np.sum(w**2 * sd**2), np.sum(wa**2 * sd**2), np.sum(wa * w * sd**2)
        assert abs(est.loc[nutrient, "slope"] - b) < 4 * math.sqrt(var_b)
        assert abs(est.loc[nutrient, "intercept"] - a) < 4 * math.sqrt(var_a)
        bounds = cal.classes[nutrient].boundaries
        for t, got in zip(THRESHOLDS, bounds, strict=True):
            x = math.exp((t - a) / b)
            da, db = -x / b, -x * (t - a) / b**2
            se = math.sqrt(da**2 * var_a + db**2 * var_b + 2 * da * db * cov)
            assert abs(got - x) < 4 * se, (nutrient, t, got, x, se)


def test_log_line_and_boundaries_recover_the_truth(network, calibration):
    _, truth = network
    _boundary_checks(calibration, truth, NOISE, REPS)
    assert calibration.model == "log" and calibration.fits["model"].eq("log").all()
    assert all(isinstance(c, AbundanceClasses) for c in calibration.classes.values())


def test_abundance_classes_of_a_published_line_are_exact():
    # the CAU slide's RY = 30.96 ln x − 13.498 (thresholds 7.8 / 17.4 / 33.3 mg/kg)
    x = np.array([3.0, 5, 8, 12, 20, 30, 45])
    sites = pd.DataFrame({"stv": x, "ry": 30.96 * np.log(x) - 13.498})
    cls = abundance_classes(sites, stv="stv", ry="ry", thresholds=(50, 75, 95))
    # exact data: least squares returns the line to rounding
    np.testing.assert_allclose(cls.calibration.params["estimate"], [-13.498, 30.96], rtol=1e-12)
    expected = [math.exp((t + 13.498) / 30.96) for t in (50, 75, 95)]
    np.testing.assert_allclose(cls.boundaries, expected, rtol=1e-12)  # closed form, as above
    assert cls.table["n"].tolist() == [2, 2, 2, 1]  # 3, 5 | 8, 12 | 20, 30 | 45
    assert list(cls.classify([7.7, expected[0], np.nan])) == [0, 1, -1]


def test_recommend_by_class_takes_abundance_classes():
    # the line RY = 30.96 ln x − 13.498 exactly: boundaries exp((t + 13.498)/30.96) at 50 / 75
    x = np.array([3.0, 4, 6, 9, 12, 15, 20, 25, 30])
    sites = pd.DataFrame({"stv": x, "ry": 30.96 * np.log(x) - 13.498, "opt": 120 - 3 * x})
    cls = abundance_classes(sites, stv="stv", ry="ry", thresholds=(50, 75))
    rec = recommend_by_class(sites, stv="stv", optimum="opt", classes=cls, nutrient="P2O5")
    b1, b2 = (math.exp((t + 13.498) / 30.96) for t in (50, 75))  # 7.78, 17.43
    assert rec.boundaries == pytest.approx((b1, b2), rel=1e-12)  # closed form, rounding only
    # by hand: 3, 4, 6 | 9, 12, 15 | 20, 25, 30; optimum 120 − 3x
    assert rec.table["n"].tolist() == [3, 3, 3]
    assert rec.table["mean_optimum"].tolist() == pytest.approx([107.0, 84.0, 45.0], rel=1e-12)
    assert rec.table["class_zh"].tolist() == list(cls.class_names("zh")) == ["低", "中", "高"]


def test_the_calibration_passes_model_and_bootstrap_through(network):
    plots, _ = network
    plots = plots[plots["site"] < 60]
    roles = dict(by="site", response="yield", treatment="treatment", block="block")
    cal = calibrate_network(
        plots, **roles, soil={"P2O5": "olsen_p"}, thresholds=(60, 80), n_boot=200, rng=7
    )
    cls = cal.classes["P2O5"]
    assert cls.n_boot == 200 and cls.seed == 7 and cls.stv == "olsen_p"
    assert cal.boundaries[["boot_low", "boot_high"]].notna().all().all()
    assert (cal.boundaries["boot_low"] < cal.boundaries["stv"]).all()
    # the same resamples again: the same intervals
    again = abundance_classes(
        cal.relative_yields.for_nutrient("P2O5"),
        stv="stv",
        ry="ry",
        thresholds=(60, 80),
        n_boot=200,
        rng=7,
    )
    np.testing.assert_array_equal(cls.boundary_table["boot_low"], again.boundary_table["boot_low"])
    mit = calibrate_network(
        plots, **roles, soil={"P2O5": "olsen_p"}, thresholds=(60, 80), model="mitscherlich"
    )
    assert mit.fits["model"].tolist() == ["mitscherlich"]
    assert set(mit.parameters["term"]) == set(mit.classes["P2O5"].calibration.params["term"])


# ---------------------------------------------------------------------------
# rates per class
# ---------------------------------------------------------------------------
def test_class_means_equal_a_direct_pandas_computation(calibration):
    ry = calibration.relative_yields
    for nutrient in ry.nutrients:
        trials = ry.for_nutrient(nutrient)
        bounds = calibration.classes[nutrient].boundaries
        cls = pd.cut(trials["stv"], [-np.inf, *bounds, np.inf], right=False, labels=False)
        g = trials.groupby(cls)["optimum"]
        expected = pd.DataFrame(
            {"n": g.size(), "mean": g.mean(), "sd": g.std(), "min": g.min(), "max": g.max()}
        ).reindex(range(len(bounds) + 1))
        half = stats.t.ppf(0.975, expected["n"] - 1) * expected["sd"] / np.sqrt(expected["n"])
        got = calibration.recommendations[nutrient].table
        np.testing.assert_array_equal(got["n"], expected["n"].fillna(0))
        # means and SDs of the same numbers: rounding only
        np.testing.assert_allclose(got["mean_optimum"], expected["mean"], rtol=1e-10)
        np.testing.assert_allclose(got["sd_optimum"], expected["sd"], rtol=1e-10)
        np.testing.assert_allclose(got["ci_low"], expected["mean"] - half, rtol=1e-10)
        np.testing.assert_allclose(got["ci_high"], expected["mean"] + half, rtol=1e-10)
        np.testing.assert_array_equal(got["min_optimum"], expected["min"])
        np.testing.assert_array_equal(got["max_optimum"], expected["max"])


def test_optima_fall_with_the_soil_test(calibration):
    # the truth: a better-supplied soil responds less, so its economic optimum is lower
    for nutrient in ("N", "P2O5", "K2O"):
        table = calibration.recommendations[nutrient].table
        assert table["mean_optimum"].iloc[0] > table["mean_optimum"].iloc[-1]
        assert calibration.recommendations[nutrient].regression["slope"] < 0


def test_regression_on_log_stv_matches_ordinary_least_squares(calibration):
    import statsmodels.api as sm

    trials = calibration.relative_yields.for_nutrient("P2O5")
    ols = sm.OLS(trials["optimum"], sm.add_constant(np.log(trials["stv"]))).fit()
    reg = calibration.recommendations["P2O5"].regression
    got = [reg["intercept"], reg["slope"], reg["intercept_se"], reg["slope_se"], reg["r_squared"]]
    expected = [*ols.params, *ols.bse, ols.rsquared]
    np.testing.assert_allclose(got, expected, rtol=1e-9)  # two least-squares solvers
    assert reg["n"] == len(trials)


def test_slice_curves_are_the_trials_surfaces_at_level_2(network, calibration):
    plots, _ = network
    curves = calibration.relative_yields.curves("N")
    for site in (0, 7, 123):
        trial = plots[plots["site"] == site]
        means = trial.groupby(["N", "P2O5", "K2O"], as_index=False)["yield"].mean()
        n, p, k = (means[c].to_numpy() for c in ("N", "P2O5", "K2O"))
        design = np.column_stack(
            [np.ones_like(n), n, p, k, n * n, p * p, k * k, n * p, n * k, p * k]
        )
        beta = np.linalg.lstsq(design, means["yield"].to_numpy(), rcond=None)[0]
        x = np.array([0.0, 45, 90, 180, 270])
        pp, kk = LEVEL2["P2O5"], LEVEL2["K2O"]
        row = np.column_stack(
            [np.ones_like(x), x, 0 * x + pp, 0 * x + kk, x * x, 0 * x + pp**2, 0 * x + kk**2]
            + [x * pp, x * kk, 0 * x + pp * kk]
        )
        # a complete RCBD: the least-squares surface on the treatment means is the block-adjusted
        # one; two solvers agree to rounding
        np.testing.assert_allclose(curves[site].value(x), row @ beta, rtol=1e-9)
        assert curves[site].rate_range == (0.0, 270.0)


def test_mrtn_of_a_class_is_the_closed_form_of_its_mean_quadratic(calibration):
    # the mean of quadratics c0 + c1 x + c2 x² is a quadratic: the return Py·(c̄1 x + c̄2 x²) − Px·x
    # is largest at x = (Px/Py − c̄1) / (2 c̄2) when that lies inside the rates of the grid
    ry = calibration.relative_yields
    curves = ry.curves("N")
    trials = ry.for_nutrient("N")
    classes = calibration.classes["N"].classify(trials["stv"])
    table = calibration.recommendations["N"].table
    ratio = PRICES["N"] / PRICES["crop"]
    checked = 0
    for c in range(len(table)):
        thetas = np.array([curves[s].theta for s in trials.loc[classes == c, "site"]])
        c1, c2 = thetas[:, 1].mean(), thetas[:, 2].mean()
        x = (ratio - c1) / (2 * c2)
        if c2 < 0 and 0 < x < 270:
            # pool_sites refines the grid maximum with a bounded scalar search (xatol 2.7e-8)
            np.testing.assert_allclose(table.loc[c, "mrtn_rate"], x, rtol=1e-6)
            checked += 1
    assert checked >= 3


def test_classes_from_an_abundance_classes_like_object():
    class Classes:  # the attributes of the correlation engineer's AbundanceClasses
        thresholds = (75.0,)
        boundaries = (20.0,)
        table = pd.DataFrame()

        def classify(self, stv_values):
            return np.where(np.asarray(stv_values, float) < 20, 0, 1)

        def class_names(self, lang):
            return ("deficient", "sufficient") if lang == "en" else ("缺乏", "充足")

    df = pd.DataFrame({"stv": [5, 10, 15, 25, 30, 40], "opt": [90, 80, 70, 30, 20, 10]})
    rec = recommend_by_class(df, stv="stv", optimum="opt", classes=Classes())
    assert rec.table["class_en"].tolist() == ["deficient", "sufficient"]
    assert rec.table["class_zh"].tolist() == ["缺乏", "充足"]
    assert rec.table["mean_optimum"].tolist() == [80.0, 20.0]  # (90+80+70)/3, (30+20+10)/3


def test_empty_classes_stay_and_small_classes_are_flagged():
    df = pd.DataFrame({"stv": [5, 6, 7, 8, 30, 31], "opt": [90, 85, 80, 75, 20, 10]})
    with pytest.warns(DataWarning, match="class 'high' has 2 trial"):
        rec = recommend_by_class(df, stv="stv", optimum="opt", classes=(10, 20))
    assert rec.table["n"].tolist() == [4, 0, 2]
    assert rec.table["flag"].tolist() == ["", "empty", "few_trials"]
    assert math.isnan(rec.table.loc[1, "mean_optimum"])
    assert rec.table.loc[2, "mean_optimum"] == 15.0
    assert "fewer than 3" in rec.warnings[0]


def test_all_trials_in_one_class_are_flagged():
    df = pd.DataFrame({"stv": [5, 6, 7, 8], "opt": [90, 85, 80, 75]})
    with pytest.warns(DataWarning, match="all 4 classified stv trials fall in class 'low'"):
        recommend_by_class(df, stv="stv", optimum="opt", classes=(10,))


def test_four_boundaries_name_five_classes_in_both_languages():
    df = pd.DataFrame({"stv": np.arange(1.0, 26.0), "opt": np.arange(25.0)})
    rec = recommend_by_class(df, stv="stv", optimum="opt", classes=(6, 11, 16, 21))
    assert rec.table["class_en"].tolist() == ["very low", "low", "medium", "high", "very high"]
    assert rec.table["class_zh"].tolist() == ["极低", "低", "中", "高", "极高"]
    assert rec.table["n"].tolist() == [5] * 5  # 1–5, 6–10 …: a value on a boundary goes up


# ---------------------------------------------------------------------------
# unusable trials, listed with their reasons
# ---------------------------------------------------------------------------
def test_unusable_trials_are_listed_with_reasons():
    plots, _ = three414_network(8, seed=9)
    plots = plots[~((plots["site"] == 1) & (plots["treatment"] == 2))]  # no N0P2K2 plot
    plots.loc[plots["site"] == 2, "olsen_p"] = np.nan  # no P soil test
    varies = plots.index[plots["site"] == 3]
    plots.loc[varies[:5], "avail_k"] += 10.0  # K soil test differs between plots
    ry = relative_yields(plots, by="site", response="yield", treatment="treatment", soil=SOIL)
    bad = ry.unusable.set_index(["site", "nutrient"])
    assert bad.loc[(1, "N"), "reason"] == "missing_plot"
    assert "treatment 2 (N0P2K2)" in bad.loc[(1, "N"), "message"]
    assert bad.loc[(2, "P2O5"), "reason"] == "missing_soil"
    assert bad.loc[(3, "K2O"), "reason"] == "soil_varies"
    assert "differs between the trial's plots" in bad.loc[(3, "K2O"), "message"]
    assert len(bad) == 3 and (ry.unusable["scope"] == "ry").all()
    usable = set(zip(ry.table["site"], ry.table["nutrient"], strict=True))
    assert (1, "N") not in usable and (1, "P2O5") in usable
    assert (2, "P2O5") not in usable and (3, "K2O") not in usable
    assert len(ry.table) + len(ry.unusable) == 8 * 3  # nothing dropped silently


def test_failed_batch_fits_are_listed_as_unusable_optima():
    plots, _ = three414_network(6, seed=4)
    # site 0 keeps only the four plots the relative yields need: no surface can be fitted
    plots = plots[(plots["site"] != 0) | plots["treatment"].isin([2, 4, 6, 8])]
    ry = relative_yields(
        plots, by="site", response="yield", treatment="treatment", soil=SOIL, prices=PRICES
    )
    bad = ry.unusable[ry.unusable["site"] == 0]
    assert bad["scope"].eq("optimum").all() and bad["reason"].eq("batch_failed").all()
    assert len(bad) == 3 and "surface stage (DesignError)" in bad["message"].iloc[0]
    site0 = ry.table[ry.table["site"] == 0]
    assert len(site0) == 3 and site0["optimum"].isna().all()  # RY kept, no optimum


# ---------------------------------------------------------------------------
# input checks that teach
# ---------------------------------------------------------------------------
def test_unknown_nutrient_in_soil():
    plots, _ = three414_network(3)
    with pytest.raises(OptionError, match=r"soil= names nutrient\(s\) 'P'.*N, P2O5, K2O"):
        relative_yields(plots, by="site", response="yield", soil={"P": "olsen_p"})


def test_missing_soil_column_names_it_and_the_columns():
    plots, _ = three414_network(3)
    with pytest.raises(
        ColumnError, match=r"soil column 'olsen' \(the P2O5 soil test.*Columns: site"
    ):
        relative_yields(plots, by="site", response="yield", soil={"P2O5": "olsen"})


def test_relative_yields_outside_0_to_150_percent_are_flagged():
    plots, _ = three414_network(5, seed=3)
    swap = (plots["site"] == 4) & (plots["treatment"] == 4)
    plots.loc[swap, "yield"] *= 2.5  # a minus-P plot out-yielding the full plot 2.5 times
    with pytest.warns(
        DataWarning, match=r"1 relative yield\(s\) lie outside 0–150 %.*: trial 4 \(P2O5"
    ):
        ry = relative_yields(plots, by="site", response="yield", soil=SOIL)
    flagged = ry.table[~ry.table["ry_in_range"]]
    assert flagged[["site", "nutrient"]].values.tolist() == [[4, "P2O5"]]


def test_non_positive_soil_test_stops_the_log_fit_naming_trial_and_value(network):
    plots, _ = network
    plots = plots[plots["site"] < 30].copy()
    plots.loc[plots["site"] == 17, "olsen_p"] = 0.0
    with pytest.raises(DataError, match=r"of P2O5 needs.*trial 17 \(STV 0\).*model="):
        calibrate_network(plots, by="site", response="yield", soil={"P2O5": "olsen_p"})


def test_options_are_checked():
    plots, _ = three414_network(3)
    with pytest.raises(OptionError, match="design='3415' is not a valid option"):
        relative_yields(plots, by="site", response="yield", design="3415")
    with pytest.raises(OptionError, match="omission trials need treatment="):
        relative_yields(plots, by="site", response="yield", design="omission")
    with pytest.raises(OptionError, match="omission trials have no rate series"):
        relative_yields(
            plots,
            by="site",
            response="yield",
            design="omission",
            treatment="treatment",
            full=6,
            minus={"N": 2},
            soil={"N": "alkali_n"},
            prices=PRICES,
        )
    with pytest.raises(OptionError, match="fits= gives the responses"):
        recommend_by_class(pd.DataFrame({"s": [1.0]}), stv="s", classes=(1,), fits=[None])
    with pytest.raises(OptionError, match="strictly ascending"):
        recommend_by_class(pd.DataFrame({"s": [1.0]}), stv="s", classes=(3, 2))


# ---------------------------------------------------------------------------
# display
# ---------------------------------------------------------------------------
def test_results_display_in_english_and_chinese(calibration):
    from test_display import ALLOWED_LATIN, latin_words

    # the data's column names; 'money' is the price ratio's currency when Prices names none,
    # which the shared price-ratio translation leaves in English
    allowed = ALLOWED_LATIN | {"site", "alkali_n", "olsen_p", "avail_k", "money"}
    results = [
        calibration,
        calibration.relative_yields,
        calibration.recommendations["K2O"],
    ]
    for result in results:
        assert "\n" not in repr(result)
        text = result.summary().as_text()
        assert text.count("\n") > 5 and "nan" not in text
        zh = result.summary(lang="zh").as_text()
        assert not (latin_words(zh) - allowed), latin_words(zh) - allowed
        assert result._repr_html_().startswith("<style")
        json.dumps(result.to_dict())
    assert "K2O by class (mean of trial optima): very low" in repr(
        calibration.recommendations["K2O"]
    )


def test_the_calibration_runs_in_one_call_with_block_and_rates_only(network):
    plots, _ = network
    cal = fo_calibrate_small(plots.drop(columns="treatment"))
    assert set(cal.table["nutrient"]) == {"N", "P2O5", "K2O"}
    assert cal.table.groupby("nutrient")["n"].sum().eq(60).all()


def fo_calibrate_small(plots):
    return calibrate_network(
        plots[plots["site"] < 60],
        by="site",
        response="yield",
        block="block",
        soil=SOIL,
        prices=fo.Prices(**PRICES),
        thresholds=(60, 90),
    )


@pytest.mark.slow
def test_the_dask_engine_gives_the_same_optima():
    pytest.importorskip("distributed")
    plots, _ = three414_network(30, seed=6)
    roles = dict(by="site", response="yield", treatment="treatment", block="block", soil=SOIL)
    local = relative_yields(plots, **roles, prices=PRICES)
    with warnings.catch_warnings():  # the local cluster's own start-up messages
        warnings.simplefilter("ignore")
        spread = relative_yields(plots, **roles, prices=PRICES, engine="dask", n_jobs=2)
    # the same per-trial code on the workers: equal to rounding
    np.testing.assert_allclose(spread.table["optimum"], local.table["optimum"], rtol=1e-12)
    assert spread.batch["engine"] == "dask"


# ---------------------------------------------------------------------------
# the whole pipeline in one call, against the simulation's truth
# ---------------------------------------------------------------------------
def _pseudo_true_slices(truth, nutrient, noise, reps):
    """Per trial: the slice coefficients (c1, c2) of the ternary quadratic surface that least
    squares converges to (the projection of the simulation's expected yields onto the model),
    and their sampling covariance from the known noise.

    The expected yield of the 14 treatments follows network_sim's generating model; the
    quadratic surface cannot reproduce it exactly, so the surface the batch estimates is its
    least-squares projection onto the 10 terms (fitted to the treatment means of a complete
    RCBD, whose block effects cancel).  Its slice at level 2 of the other nutrients has
    c1 = β_i + Σ_o β_io·L_o and c2 = β_ii, with covariance (σ²/reps)·a'(X'X)⁻¹a,
    σ = noise·Ymax of the trial."""
    rates = np.array([0.0, 0.5, 1.0, 1.5])[np.asarray(LEVELS)] * np.array(
        [LEVEL2[n] for n in NUTRIENTS]
    )
    u = rates / np.array([LEVEL2[n] for n in NUTRIENTS])
    r = truth[[f"ry_{n}" for n in NUTRIENTS]].to_numpy() / 100
    g = r[:, None, :] + (1 - r[:, None, :]) * (2 * u[None] - u[None] ** 2)
    ymax = truth["ymax"].to_numpy()
    expected = ymax[:, None] * g.prod(axis=2)  # (trials, 14)
    n_, p_, k_ = rates.T
    x = np.column_stack(
        [np.ones(14), n_, p_, k_, n_ * n_, p_ * p_, k_ * k_, n_ * p_, n_ * k_, p_ * k_]
    )
    beta = np.linalg.lstsq(x, expected.T, rcond=None)[0]  # (10, trials)
    i = NUTRIENTS.index(nutrient)
    others = [j for j in range(3) if j != i]
    pair = {(0, 1): 7, (0, 2): 8, (1, 2): 9}
    a1 = np.zeros(10)
    a1[1 + i] = 1.0
    for j in others:
        a1[pair[tuple(sorted((i, j)))]] = LEVEL2[NUTRIENTS[j]]
    a2 = np.zeros(10)
    a2[4 + i] = 1.0
    xtx = np.linalg.inv(x.T @ x)
    var = (noise * ymax) ** 2 / reps
    return a1 @ beta, a2 @ beta, var * (a1 @ xtx @ a1), var * (a2 @ xtx @ a2), var * (a1 @ xtx @ a2)


def _check_one_call(n_trials, seed):
    noise, reps = 0.03, 3
    plots, truth = three414_network(n_trials, reps=reps, noise=noise, seed=seed)
    with warnings.catch_warnings():  # a class with few trials, a boundary beyond the data
        warnings.simplefilter("ignore", DataWarning)
        cal = fo.soiltest.calibrate_network(
            plots,
            by="site",
            response="yield",
            treatment="treatment",
            block="block",
            soil=SOIL,
            prices=fo.Prices(**PRICES),
        )
    # plots → every trial used, one row per nutrient × class in the rates table
    assert cal.relative_yields.n_trials == n_trials and cal.relative_yields.unusable.empty
    assert len(cal.table) == 3 * 5
    # the class table: boundaries within 4 SE of the generating lines, and the trials of each
    # class counted from the simulation's own soil tests
    _boundary_checks(cal, truth, noise, reps)
    checked = 0
    for nutrient, (*_, column) in TRUTH.items():
        cls = cal.classes[nutrient]
        assert cls.class_names("zh") == ("极低", "低", "中", "高", "极高")
        stv = truth[column].to_numpy()
        cut = pd.cut(stv, [-np.inf, *cls.boundaries, np.inf], right=False, labels=False)
        counts = np.bincount(cut, minlength=5)
        np.testing.assert_array_equal(cls.table["n"], counts)
        rates = cal.table[cal.table["nutrient"] == nutrient].reset_index(drop=True)
        np.testing.assert_array_equal(rates["n"], counts)
        # rates per class: the pooled MRTN of a class is the optimum (r − c̄1)/(2 c̄2) of the
        # mean of its trials' slices; against the pseudo-true slices within 4 SE (delta method
        # on the means of c1 and c2 over the class's trials)
        c1, c2, v1, v2, v12 = _pseudo_true_slices(truth, nutrient, noise, reps)
        ratio = PRICES[nutrient] / PRICES["crop"]
        top = 1.5 * LEVEL2[nutrient]
        for c in range(5):
            at = cut == c
            m = int(at.sum())
            m1, m2 = c1[at].mean(), c2[at].mean()
            x = (ratio - m1) / (2 * m2)
            if not (m >= 20 and m2 < 0 and 0.05 * top < x < 0.95 * top):
                continue  # too few trials, or an optimum at the edge of the rates: not compared
            d1, d2 = -1 / (2 * m2), -(ratio - m1) / (2 * m2**2)
            var = (d1**2 * v1[at].sum() + d2**2 * v2[at].sum() + 2 * d1 * d2 * v12[at].sum()) / (
                m**2
            )
            got = rates.loc[c, "mrtn_rate"]
            assert abs(got - x) < 4 * math.sqrt(var), (nutrient, c, got, x, math.sqrt(var))
            assert rates.loc[c, "n_mrtn"] == m
            checked += 1
        # the trials' own optima fall from the lowest class to the highest, as in the truth
        assert rates["mean_optimum"].iloc[0] > rates["mean_optimum"].iloc[-1]
    assert checked >= 9
    return cal


def test_a_network_goes_from_plots_to_classes_and_rates_in_one_call():
    _check_one_call(500, seed=11)


@pytest.mark.slow
def test_ten_thousand_trials_go_from_plots_to_classes_and_rates_in_one_call():
    cal = _check_one_call(10_000, seed=12)
    assert cal.relative_yields.n_plots == 10_000 * 14 * 3


# ---------------------------------------------------------------------------
# figure and report of a network calibration
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_network_calibration_plot_draws_each_nutrient_with_its_classes(calibration, lang):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with warnings.catch_warnings():  # a machine without a CJK font says so once
        warnings.simplefilter("ignore", fo.DisplayWarning)
        axes = calibration.plot(lang=lang)
        one = calibration.plot("P2O5", lang=lang)
    assert len(axes) == 3
    for ax, nutrient in zip(axes, calibration.nutrients, strict=True):
        assert ax.get_title().startswith(f"{nutrient}")
        texts = {t.get_text() for t in ax.texts}
        # the class names above the plot, and each boundary's value at its line
        assert set(calibration.classes[nutrient].class_names(lang)) <= texts
        assert len(ax.get_lines()) >= 1 + 2 * len(calibration.thresholds)
    assert SOIL["P2O5"] in one.get_xlabel()
    with pytest.raises(OptionError, match="give nutrient= to draw one on ax"):
        calibration.plot(ax=one)
    plt.close("all")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_soiltest_report_renders_a_network_calibration(calibration, lang):
    from test_display import ALLOWED_LATIN, latin_words

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.DisplayWarning)
        report = fo.soiltest_report(calibration, lang=lang)
    keys = [s.key for s in report.sections]
    assert keys == ["data", "calibration", "nutrient_N", "nutrient_P2O5", "nutrient_K2O", "about"]
    for section in report.sections[2:5]:
        kinds = [type(b).__name__ for b in section.blocks]
        assert kinds.count("Figure") == 1 and kinds.count("Table") >= 4  # classes, rates
    assert len(report.key_findings) == 4
    html = report.to_html()
    assert html.count("data:image/png;base64") == 3
    if lang == "zh":
        allowed = ALLOWED_LATIN | {"site", "alkali_n", "olsen_p", "avail_k", "money"}
        assert not (latin_words(report.to_text()) - allowed)
    with pytest.raises(OptionError, match="pass the NetworkCalibration alone"):
        fo.soiltest_report([calibration, calibration.classes["N"]])
