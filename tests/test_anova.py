"""ANOVA against NIST StRD certified values, exact arithmetic and R (aov, car::Anova)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import fertopt as fo
from nist import exact_oneway, lre, read_anova

REF = Path(__file__).parent / "reference" / "anova"
NIST_ANOVA = ["SiRstv", "SmLs01", "SmLs02", "SmLs03", "AtmWtAg", "SmLs04", "SmLs05", "SmLs06"]


def _oneway(groups, values):
    df = pd.DataFrame({"trt": groups, "y": values})
    return fo.anova(df, response="y", treatment="trt")


def _measured(aov):
    between, within = aov.table.iloc[0], aov.table.iloc[1]
    return {
        "ss_between": between["ss"],
        "ms_between": between["ms"],
        "f": between["f"],
        "ss_within": within["ss"],
        "ms_within": within["ms"],
        "r_squared": aov.r_squared,
        "resid_sd": np.sqrt(aov.mse),
    }


# ---------------------------------------------------------------------------
# NIST StRD
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", NIST_ANOVA)
def test_nist_certified_values(name):
    groups, texts, cert = read_anova(name)
    aov = _oneway(groups, [float(t) for t in texts])
    got = _measured(aov)
    assert aov.table.iloc[0]["df"] == cert["df_between"]
    assert aov.table.iloc[1]["df"] == cert["df_within"]
    for key, value in got.items():
        # the bar: at least 9 correct significant digits on every certified value
        assert lre(value, cert[key]) >= 9, (name, key, value, cert[key], lre(value, cert[key]))


@pytest.mark.parametrize("base", ["SmLs01", "SmLs02", "SmLs03"])
def test_nist_shifted_by_1e12_against_exact_arithmetic(base):
    """SmLs07-09 are SmLs01-03 with 10^12 added (values such as 1000000000000.4).

    Their decimal inputs are not representable as doubles, so the reference is the
    exact rational ANOVA of the doubles as read (tests/nist.py: exact_oneway).
    """
    groups, texts, _ = read_anova(base)
    shifted = [float("1000000000000" + t[1:]) for t in texts]  # "1.4" -> 1000000000000.4
    aov = _oneway(groups, shifted)
    exact = exact_oneway(groups, shifted)
    for key, value in _measured(aov).items():
        assert lre(value, exact[key]) >= 9, (base, key, value, exact[key])


def test_textbook_formula_would_fail_here():
    """Guard that the shifted data really are hard: the correction-term formula loses all digits."""
    groups, texts, cert = read_anova("SmLs04")
    y = np.array([float(t) for t in texts])
    naive_total = (y**2).sum() - y.sum() ** 2 / y.size
    assert lre(naive_total, cert["ss_between"] + cert["ss_within"]) < 5


# ---------------------------------------------------------------------------
# R references (tests/reference/anova/make_anova_reference.R)
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rref():
    ref = pd.read_csv(REF / "anova_reference.csv", na_values=["NA", "                    NA"])
    for col in ["df", "ss", "ms", "f", "p"]:
        ref[col] = pd.to_numeric(ref[col], errors="coerce")
    ref["source"] = ref["source"].str.strip()
    return ref


def _inputs():
    sp = pd.read_csv(REF / "01_compare_sweetpotato_crd.csv")
    corn = pd.read_csv(REF / "02_compare_corn_crd_unbalanced.csv")
    dis = pd.read_csv(REF / "03_compare_disease_rcbd.csv")
    mel = pd.read_csv(REF / "07_compare_melon_latin_square.csv")
    chz = pd.read_csv(REF / "14_factorial_chz2006_rcbd.csv")
    pl = pd.read_csv(REF / "16_splitplot_plots.csv")
    npk = pd.read_csv(REF / "npk.csv")
    oats = pd.read_csv(REF / "oats.csv")
    pg = pd.read_csv(REF / "plantgrowth.csv")
    return dict(sp=sp, corn=corn, dis=dis, mel=mel, chz=chz, pl=pl, npk=npk, oats=oats, pg=pg)


DATA = _inputs()

CASES = {
    ("sweetpotato", "I"): lambda d: fo.anova(d["sp"], response="yield", treatment="virus"),
    ("corn", "I"): lambda d: fo.anova(d["corn"], response="observation", treatment="method"),
    ("disease", "I"): lambda d: fo.anova(d["dis"], response="yield", treatment="trt", block="rep"),
    ("melon", "I"): lambda d: fo.anova(
        d["mel"], response="yield", treatment="variety", row="row", column="col"
    ),
    ("chz2006", "I"): lambda d: fo.anova(
        d["chz"], response="health", treatment=["amendment", "crop"], block="block"
    ),
    ("plantgrowth", "I"): lambda d: fo.anova(d["pg"], response="weight", treatment="group"),
}


def _compare(aov, ref, rtol=1e-10):
    by_source = aov.table.set_index("source")
    for _, r in ref.iterrows():
        got = by_source.loc[r["source"]]
        assert got["df"] == r["df"], r["source"]
        # closed-form least squares: 1e-10 relative is the bar (R prints 17 digits)
        assert_allclose(got["ss"], r["ss"], rtol=rtol, err_msg=r["source"])
        assert_allclose(got["ms"], r["ms"], rtol=rtol, err_msg=r["source"])
        if np.isfinite(r["f"]):
            assert_allclose(got["f"], r["f"], rtol=rtol, err_msg=r["source"])
            assert_allclose(got["p"], r["p"], rtol=1e-8, atol=1e-15, err_msg=r["source"])


@pytest.mark.parametrize("key", list(CASES), ids=lambda k: f"{k[0]}-{k[1]}")
def test_against_r_aov(rref, key):
    aov = CASES[key](DATA)
    ref = rref[(rref["dataset"] == key[0]) & (rref["case"] == key[1])]
    assert len(ref) == len(aov.table)
    _compare(aov, ref)


def test_npk_confounded_interaction_is_aliased(rref):
    """In npk the N:P:K interaction is confounded with blocks: R drops it, so must we."""
    with pytest.warns(fo.DesignWarning) as record:
        aov = fo.anova(DATA["npk"], response="yield", treatment=["N", "P", "K"], block="block")
    messages = [str(w.message) for w in record]
    assert any(
        "incomplete blocks: each block holds 4 of the 8 treatment combinations" in m
        for m in messages
    )
    assert any("N:P:K cannot be estimated: it is confounded" in m for m in messages)
    ref = rref[rref["dataset"] == "npk"]
    assert "N:P:K" not in set(ref["source"]) and "N:P:K" not in set(aov.table["source"])
    assert len(ref) == len(aov.table)
    _compare(aov, ref)


def test_unbalanced_rcbd_missing_plot(rref):
    dis = DATA["dis"]
    dis_m = dis[~((dis["rep"] == 2) & (dis["trt"] == "T3"))]
    with pytest.warns(
        fo.UnbalancedDesignWarning, match=r"missing plots: no plot for rep '2' × trt 'T3'"
    ):
        aov = fo.anova(dis_m, response="yield", treatment="trt", block="rep")
    _compare(aov, rref[rref["dataset"] == "disease_missing"])
    assert not aov.balanced


@pytest.mark.parametrize("case", ["I", "II", "III"])
def test_types_on_unbalanced_factorial_rcbd(rref, case):
    chz = DATA["chz"].drop(index=[1, 16, 29])  # R: chz[-c(2, 17, 30), ]
    ss_type = {"I": 1, "II": 2, "III": 3}[case]
    with pytest.warns(fo.UnbalancedDesignWarning):
        aov = fo.anova(
            chz, response="health", treatment=["amendment", "crop"], block="block", ss_type=ss_type
        )
    ref = rref[(rref["dataset"] == "chz2006_unbalanced") & (rref["case"] == case)]
    ref = ref[ref["source"] != "(Intercept)"]
    _compare(aov, ref)


@pytest.mark.parametrize("case", ["I", "II", "III"])
def test_types_on_unbalanced_three_factor_crd(rref, case):
    npk = DATA["npk"].drop(index=[2, 13])  # R: npk[-c(3, 14), ]
    aov = fo.anova(npk, response="yield", treatment=["N", "P", "K"], ss_type=case)
    ref = rref[(rref["dataset"] == "npk_crd_unbalanced") & (rref["case"] == case)]
    ref = ref[ref["source"] != "(Intercept)"]
    _compare(aov, ref)


def test_type2_two_way_npk(rref):
    npk = DATA["npk"]
    # a two-way model needs the factorial restricted: compare N, P, K, block rows of type II
    # from car::Anova(lm(yield ~ block + (N+P+K)^2)) with the full 3-way type II, where the
    # main effects and block are adjusted for the same terms except the aliased N:P:K.
    with pytest.warns(fo.DesignWarning):
        aov = fo.anova(npk, response="yield", treatment=["N", "P", "K"], block="block", ss_type=2)
    ref = rref[
        (rref["dataset"] == "npk_2way") & rref["source"].isin(["N", "P", "K", "N:P", "N:K", "P:K"])
    ]
    by_source = aov.table.set_index("source")
    for _, r in ref.iterrows():
        assert_allclose(by_source.loc[r["source"], "ss"], r["ss"], rtol=1e-10)


@pytest.mark.parametrize(
    "dataset,frame,kw",
    [
        ("plots", "pl", dict(response="yield", main_plot="A", sub_plot="B", block="block")),
        (
            "oats",
            "oats",
            dict(response="yield", main_plot="Variety", sub_plot="nitro", block="Block"),
        ),
    ],
)
def test_split_plot_against_r(rref, dataset, frame, kw):
    aov = fo.anova(DATA[frame], **kw)
    ref = rref[rref["dataset"] == dataset].set_index("source")
    blk, a, b = kw["block"], kw["main_plot"], kw["sub_plot"]
    t = aov.table.set_index("source")
    pairs = {
        blk: blk,
        a: a,
        "Error a": f"{blk}:{a}",
        b: b,
        f"{a}:{b}": f"{a}:{b}",
        "Error b": "Residuals",
    }
    for ours, theirs in pairs.items():
        assert t.loc[ours, "df"] == ref.loc[theirs, "df"]
        assert_allclose(t.loc[ours, "ss"], ref.loc[theirs, "ss"], rtol=1e-10)
    # F of the main-plot factor uses error a (computed by hand from R's mean squares)
    ms_a = ref.loc[f"{blk}:{a}", "ms"]
    assert_allclose(t.loc[a, "f"], ref.loc[a, "ms"] / ms_a, rtol=1e-10)
    assert_allclose(t.loc[b, "f"], ref.loc[b, "f"], rtol=1e-10)
    errors = aov.errors.set_index("error")
    assert_allclose(errors.loc["Error a", "ms"], ms_a, rtol=1e-10)
    grand = DATA[frame][kw["response"]].mean()
    assert_allclose(errors.loc["Error a", "cv"], 100 * np.sqrt(ms_a) / grand, rtol=1e-10)
    assert_allclose(
        errors.loc["Error b", "cv"], 100 * np.sqrt(ref.loc["Residuals", "ms"]) / grand, rtol=1e-10
    )
    assert aov.design == "split-plot RCBD"


# ---------------------------------------------------------------------------
# result fields and behaviour
# ---------------------------------------------------------------------------
def test_result_fields_rcbd():
    dis = DATA["dis"]
    aov = fo.anova(dis, response="yield", treatment="trt", block="rep")
    y = dis["yield"].to_numpy(float)
    assert aov.design == "RCBD" and aov.n_obs == 21 and aov.n_dropped == 0 and aov.balanced
    assert_allclose(aov.grand_mean, y.mean(), rtol=1e-14)
    assert_allclose(aov.cv, 100 * np.sqrt(aov.mse) / y.mean(), rtol=1e-14)
    assert aov.df_resid == 12
    # fitted values of an additive two-way layout: row mean + column mean - grand mean
    tm = dis.groupby("trt")["yield"].transform("mean")
    bm = dis.groupby("rep")["yield"].transform("mean")
    assert_allclose(aov.fitted.to_numpy(), (tm + bm - y.mean()).to_numpy(), rtol=1e-12)
    assert_allclose((aov.fitted + aov.residuals).to_numpy(), y, rtol=1e-14)
    assert list(aov.assumptions["test"]) == [
        "Shapiro-Wilk (normality)",
        "Levene / Brown-Forsythe (equal variances)",
        "Bartlett (equal variances)",
    ]
    assert aov.error_of == {"rep": "Residuals", "trt": "Residuals"}


def test_assumption_checks_match_scipy_on_residuals():
    from scipy import stats

    aov = fo.anova(DATA["sp"], response="yield", treatment="virus")
    resid = aov.residuals.to_numpy()
    w = stats.shapiro(resid)
    groups = [resid[DATA["sp"]["virus"].to_numpy() == g] for g in ["cc", "fc", "ff", "oo"]]
    lev = stats.levene(*groups, center="median")
    a = aov.assumptions.set_index("test")
    assert_allclose(a.loc["Shapiro-Wilk (normality)", "p"], w.pvalue, rtol=1e-12)
    assert_allclose(
        a.loc["Levene / Brown-Forsythe (equal variances)", "statistic"], lev.statistic, rtol=1e-12
    )


def test_display():
    aov = fo.anova(DATA["dis"], response="yield", treatment="trt", block="rep")
    assert "\n" not in repr(aov) and repr(aov).startswith(
        "<AnovaResult RCBD 7 treatments, 3 blocks"
    )
    text = str(aov)
    for needle in ["ANOVA table", "Residuals", "Total", "CV", "Treatment means", "Shapiro-Wilk"]:
        assert needle in text
    html = aov._repr_html_()
    assert "<table>" in html and "Residuals" in html
    md = aov.summary().as_markdown()
    assert "| Source |" in md
    d = aov.to_dict()
    assert d["design"] == "RCBD" and d["table"][0]["source"] == "rep"
    import json

    json.dumps(d)


def test_row_order_invariance():
    dis = DATA["dis"]
    a = fo.anova(dis, response="yield", treatment="trt", block="rep")
    b = fo.anova(
        dis.sample(frac=1.0, random_state=3), response="yield", treatment="trt", block="rep"
    )
    assert_allclose(a.table["ss"], b.table["ss"], rtol=1e-12)


def test_labels_that_pandas_would_read_as_missing():
    df = pd.DataFrame(
        {
            "trt": ["None", "NA", "CK", "0"] * 3,
            "rep": np.repeat([1, 2, 3], 4),
            "y": [10.0, 12, 15, 11, 10.5, 12.5, 14, 11.2, 9.8, 12.2, 15.5, 10.9],
        }
    )
    aov = fo.anova(df, response="y", treatment="trt", block="rep")
    # four labels, none of them missing; the controls ("None", "CK") are listed first
    assert list(aov.data["trt"].cat.categories) == ["None", "CK", "NA", "0"]
    assert aov.term("trt")["df"] == 3


def test_missing_responses_are_dropped_and_counted():
    dis = DATA["dis"].copy()
    dis["yield"] = dis["yield"].astype(object)
    dis.loc[[0, 5], "yield"] = ["", "NA"]
    with pytest.warns(fo.DataWarning, match=r"2 plots with no yield were left out \(rows 0, 5\)"):
        with pytest.warns(fo.UnbalancedDesignWarning, match="missing plots"):
            aov = fo.anova(dis, response="yield", treatment="trt", block="rep", ss_type=1)
    assert aov.n_dropped == 2 and aov.n_obs == 19
    assert "2 dropped" in str(aov)
    with pytest.raises(
        fo.DataError, match=r"response column 'yield' is empty at rows 0, 5.*nan_policy='omit'"
    ):
        fo.anova(dis, response="yield", treatment="trt", block="rep", nan_policy="raise")


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------
def test_missing_column_suggests_close_match():
    with pytest.raises(
        fo.ColumnError, match=r"response='yeild' is not a column of `data`. Did you mean 'yield'\?"
    ):
        fo.anova(DATA["dis"], response="yeild", treatment="trt", block="rep")


def test_non_numeric_response_names_rows_and_values():
    dis = DATA["dis"].copy()
    dis["yield"] = dis["yield"].astype(object)
    dis.loc[3, "yield"] = "27,5"
    dis.loc[8, "yield"] = "lost"
    with pytest.raises(fo.DataError, match=r"row 3 \('27,5'\), row 8 \('lost'\).*decimal"):
        fo.anova(dis, response="yield", treatment="trt", block="rep")


def test_one_treatment_level():
    df = pd.DataFrame({"trt": ["A"] * 4, "y": [1.0, 2, 3, 4]})
    with pytest.raises(fo.DesignError, match=r"treatment column 'trt' has 1 level \(only 'A'\)"):
        fo.anova(df, response="y", treatment="trt")


def test_zero_residual_df():
    df = pd.DataFrame({"trt": ["A", "B", "C"], "y": [1.0, 2, 4]})
    with pytest.raises(fo.DesignError, match="no residual degrees of freedom.*Add replicates"):
        fo.anova(df, response="y", treatment="trt")


def test_constant_response():
    df = pd.DataFrame({"trt": ["A", "B"] * 3, "y": [5.0] * 6})
    with pytest.raises(fo.DataError, match=r"all 6 values of 'y' are equal \(5\)"):
        fo.anova(df, response="y", treatment="trt")


def test_single_block():
    df = pd.DataFrame(
        {"trt": ["A", "B", "C", "A", "B", "C"], "rep": [1] * 6, "y": [1.0, 2, 3, 1.5, 2.5, 3.2]}
    )
    with pytest.raises(fo.DesignError, match="single level.*Leave out block="):
        fo.anova(df, response="y", treatment="trt", block="rep")


def test_block_that_is_a_plot_id():
    dis = DATA["dis"]
    with pytest.raises(
        fo.DesignError, match=r"block='plots' has 21 levels for 21 rows.*Did you mean block='rep'\?"
    ):
        fo.anova(dis, response="yield", treatment="trt", block="plots")


def test_duplicated_plot_warns():
    dis = DATA["dis"]
    dup = pd.concat([dis, dis.iloc[[0]]], ignore_index=True)
    with pytest.warns(fo.DesignWarning, match="more than one plot.*duplicated rows"):
        fo.anova(dup, response="yield", treatment="trt", block="rep")


def test_perfect_fit_gives_infinite_f_with_warning():
    df = pd.DataFrame({"trt": ["A", "B"] * 3, "y": [1.0, 2.0] * 3})
    with pytest.warns(fo.DataWarning, match="residual variation is zero"):
        aov = fo.anova(df, response="y", treatment="trt")
    assert np.isinf(aov.term("trt")["f"]) and aov.term("trt")["p"] == 0.0


def test_missing_treatment_label():
    df = pd.DataFrame({"trt": ["A", None, "B", "B"], "y": [1.0, 2, 3, 4]})
    with pytest.raises(fo.DataError, match=r"treatment column 'trt' is empty at row 1"):
        fo.anova(df, response="y", treatment="trt")


def test_bad_options():
    with pytest.raises(fo.FertoptError, match="ss_type=4 is not valid"):
        fo.anova(DATA["sp"], response="yield", treatment="virus", ss_type=4)
    with pytest.raises(fo.FertoptError, match="nan_policy='drop' is not a valid option"):
        fo.anova(DATA["sp"], response="yield", treatment="virus", nan_policy="drop")
    with pytest.raises(fo.DesignError, match="either treatment= .* or main_plot="):
        fo.anova(
            DATA["pl"], response="yield", treatment="A", main_plot="A", sub_plot="B", block="block"
        )
    with pytest.raises(fo.ColumnError, match="both as `treatment` and as `block`"):
        fo.anova(DATA["dis"], response="yield", treatment="trt", block="trt")


def test_incomplete_split_plot_is_refused():
    pl = DATA["pl"].iloc[1:]
    with pytest.raises(fo.DesignError, match="missing: block '1' × A 'a1' × B 'b1'"):
        fo.anova(pl, response="yield", main_plot="A", sub_plot="B", block="block")


def test_no_silent_nan_in_results():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        aov = fo.anova(DATA["corn"], response="observation", treatment="method")
    assert np.isfinite(
        aov.table.loc[aov.table["source"] != "Residuals", ["f", "p"]].to_numpy()
    ).all()
    assert np.isfinite([aov.mse, aov.cv, aov.grand_mean, aov.r_squared]).all()


def test_two_plots_per_treatment_levene_not_computed():
    df = pd.DataFrame({"trt": list("AABBCC"), "y": [1, 2, 3, 4.5, 6, 6.2]})
    aov = fo.anova(df, response="y", treatment="trt")
    lev = aov.assumptions.set_index("test").loc["Levene / Brown-Forsythe (equal variances)"]
    assert np.isnan(lev["statistic"]) and "3 or more plots" in lev["note"]


def test_variance_tests_equal_scipy_on_random_layouts():
    # Brown–Forsythe and Bartlett are written out in numpy for speed; scipy's levene
    # (center="median") and bartlett are the reference. Both sums are a few dozen terms, so
    # they agree to rounding (1e-12 relative)
    from scipy import stats

    from fertopt.anova.projections import Grouped, bartlett, brown_forsythe

    rng = np.random.default_rng(12)
    for _ in range(200):
        k = int(rng.integers(2, 9))
        groups = [rng.normal(0, rng.uniform(0.3, 4), int(rng.integers(3, 8))) for _ in range(k)]
        lev = stats.levene(*groups, center="median")
        bar = stats.bartlett(*groups)
        # the groups as fertopt holds them: one array, a code per value, in a shuffled order
        values = np.concatenate(groups)
        codes = np.repeat(np.arange(k), [len(g) for g in groups])
        shuffle = rng.permutation(len(values))
        grouped = Grouped(values[shuffle], codes[shuffle])
        assert_allclose(brown_forsythe(grouped), (lev.statistic, lev.pvalue), rtol=1e-12)
        assert_allclose(bartlett(grouped), (bar.statistic, bar.pvalue), rtol=1e-12)
