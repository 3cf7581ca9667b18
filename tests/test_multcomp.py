"""Multiple comparisons against R (tests/reference/multcomp_reference.R), published outputs,
hand-worked values, and properties of the letters."""

from __future__ import annotations

import dataclasses
import json
import math
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
from fertopt.multcomp.letters import letters_valid

REF = Path(__file__).parent / "reference"

# dataset -> (data file, anova() arguments)
DESIGNS = {
    "sweetpotato": dict(response="yield", treatment="virus"),
    "corn": dict(response="observation", treatment="method"),
    "disease": dict(response="yield", treatment="trt", block="rep"),
    "melon": dict(response="yield", treatment="variety", row="row", column="col"),
    "cotton": dict(response="yield", treatment="lineage", block="block"),
    "plantgrowth": dict(response="weight", treatment="group"),
    "chickwts": dict(response="weight", treatment="feed"),
    "chz2006": dict(response="health", treatment=["amendment", "crop"], block="block"),
    "plots": dict(response="yield", main_plot="A", sub_plot="B", block="block"),
    "oats": dict(response="yield", main_plot="Variety", sub_plot="nitro", block="Block"),
}
UNBALANCED = {"corn", "chickwts"}

# R's test/variant -> (fertopt function, options)
CALLS = {
    ("duncan", ""): (fo.duncan, {}),
    ("duncan", "stepdown"): (fo.duncan, {"stepdown": True}),
    ("duncan", "kramer"): (fo.duncan, {"replication": "kramer"}),
    ("snk", ""): (fo.snk, {}),
    ("snk", "stepdown"): (fo.snk, {"stepdown": True}),
    ("snk", "kramer"): (fo.snk, {"replication": "kramer"}),
    ("tukey", ""): (fo.tukey, {}),
    ("tukey", "harmonic"): (fo.tukey, {"replication": "harmonic"}),
    ("lsd", ""): (fo.lsd, {}),
    ("lsd", "bonferroni"): (fo.lsd, {"p_adjust": "bonferroni"}),
    ("lsd", "holm"): (fo.lsd, {"p_adjust": "holm"}),
    ("lsd", "fdr_bh"): (fo.lsd, {"p_adjust": "fdr_bh"}),
    ("lsd", "sidak"): (fo.lsd, {"p_adjust": "sidak"}),
    ("scheffe", ""): (fo.scheffe, {}),
}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(REF / f"multcomp_{name}.csv", keep_default_na=False, na_values=["NA"])


@pytest.fixture(scope="module")
def aovs():
    return {
        k: fo.anova(pd.read_csv(REF / f"multcomp_data_{k}.csv"), **kw) for k, kw in DESIGNS.items()
    }


@pytest.fixture(scope="module")
def ref():
    pairs = _read("pairs")
    groups = _read("groups")
    crit = _read("critical")
    for frame in (pairs, groups, crit):
        frame["slice"] = frame["slice"].astype(str)
        frame["variant"] = frame["variant"].astype(str)
    return {"pairs": pairs, "groups": groups, "critical": crit, "errors": _read("errors")}


def _term_within(analysis: str) -> dict:
    if "|" in analysis:
        term, within = analysis.split("|")
        return {"term": term, "within": within}
    return {"term": analysis}


def _run(fn, aov, expect_warning=None, **kw):
    if expect_warning is None:
        return fn(aov, **kw)
    with pytest.warns(expect_warning):
        return fn(aov, **kw)


def _key(a, b):
    return frozenset((str(a), str(b)))


ANALYSES = (
    _read("errors")[["dataset", "analysis"]].drop_duplicates().itertuples(index=False, name=None)
)


@pytest.mark.r_reference
@pytest.mark.parametrize(("dataset", "analysis"), list(ANALYSES))
def test_against_r(aovs, ref, dataset, analysis):
    aov = aovs[dataset]
    sel = (ref["pairs"]["dataset"] == dataset) & (ref["pairs"]["analysis"] == analysis)
    rpairs = ref["pairs"][sel]
    rgroups = ref["groups"][
        (ref["groups"]["dataset"] == dataset) & (ref["groups"]["analysis"] == analysis)
    ]
    rcrit = ref["critical"][
        (ref["critical"]["dataset"] == dataset) & (ref["critical"]["analysis"] == analysis)
    ]
    rerr = ref["errors"][
        (ref["errors"]["dataset"] == dataset) & (ref["errors"]["analysis"] == analysis)
    ].iloc[0]
    tw = _term_within(analysis)
    for (test, alpha, variant), rp in rpairs.groupby(["test", "alpha", "variant"], sort=False):
        fn, opts = CALLS[(test, variant)]
        harmonic = (
            test in ("duncan", "snk") and variant in ("", "stepdown") or variant == "harmonic"
        )
        warn = fo.UnbalancedDesignWarning if dataset in UNBALANCED and harmonic else None
        if dataset == "plots" and analysis in ("A", "B"):
            warn = fo.DesignWarning  # the A:B interaction is significant (p = 0.0001)
        mc = _run(fn, aov, warn, alpha=alpha, **tw, **opts)
        where = f"{dataset} {analysis} {test} {variant} {alpha}"
        # error term: mean square and df (split-plot combined error with Satterthwaite df)
        assert_allclose([mc.mse, mc.df_resid], [rerr["mse"], rerr["df"]], rtol=1e-10, err_msg=where)
        if rerr["error"] == "combined":
            assert mc.error_term.startswith("Error a + Error b")
        else:
            assert mc.error_term == rerr["error"], where
        ours = mc.pairs.copy()
        if "within" not in ours:
            ours["within"] = ""
        ours["key"] = [
            _key(a, b) for a, b in zip(ours["treatment_a"], ours["treatment_b"], strict=False)
        ]
        ours = ours.set_index(["within", "key"])
        rp = rp.assign(
            key=[_key(a, b) for a, b in zip(rp["treatment_a"], rp["treatment_b"], strict=False)]
        )
        rp = rp.set_index(["slice", "key"])
        assert len(ours) == len(rp), where
        mine = ours.loc[rp.index]
        flip = np.where(mine["treatment_a"].to_numpy() == rp["treatment_a"].to_numpy(), 1.0, -1.0)
        assert_allclose(mine["diff"] * flip, rp["diff"], rtol=1e-12, atol=1e-12, err_msg=where)
        assert_allclose(mine["se"], rp["se"], rtol=1e-12, err_msg=where)
        signed = test == "lsd"
        assert_allclose(
            mine["statistic"] * (flip if signed else 1), rp["statistic"], rtol=1e-11, err_msg=where
        )
        small_df = mc.df_resid < 5
        if test in ("duncan", "snk", "tukey"):
            # R's ptukey: about 3e-7 absolute from 5 df on, 1e-5 below; qtukey: about 1e-6
            # relative from 5 df on, but 1e-2 at 2 df (qtukey(0.99, 2, 2) = 9.396 against the
            # exact sqrt(2) t(0.995; 2) = 14.036 * ...): there scipy is the reference
            assert_allclose(
                mine["p"], rp["p"], rtol=0, atol=2e-5 if small_df else 5e-7, err_msg=where
            )
            if not small_df:
                assert_allclose(
                    mine["critical_range"], rp["critical_range"], rtol=2e-6, err_msg=where
                )
        else:
            # qt, pt, qf, pf are accurate to rounding
            assert_allclose(mine["p"], rp["p"], rtol=1e-9, atol=1e-15, err_msg=where)
            assert_allclose(mine["critical_range"], rp["critical_range"], rtol=1e-10, err_msg=where)
        assert (mine["significant"].to_numpy() == (rp["p"] < alpha).to_numpy()).all(), where
        # critical values table
        rc = rcrit[
            (rcrit["test"] == test) & (rcrit["alpha"] == alpha) & (rcrit["variant"] == variant)
        ]
        ours_crit = mc.critical if "within" in mc.critical else mc.critical.assign(within="")
        for w, rcs in rc.groupby("slice", sort=False):
            crit = ours_crit[ours_crit["within"] == w]
            assert list(crit["span"]) == list(rcs["span"]), where
            assert_allclose(crit["protection"], rcs["protection"], rtol=1e-14, err_msg=where)
            tol = 1e-10 if test in ("lsd", "scheffe") else 2e-6
            if small_df and test not in ("lsd", "scheffe"):
                exact = stats.studentized_range.ppf(
                    crit["protection"].to_numpy(), crit["span"].to_numpy(), mc.df_resid
                )
                assert_allclose(crit["quantile"], exact, rtol=1e-9, err_msg=where)
            else:
                assert_allclose(crit["quantile"], rcs["quantile"], rtol=tol, err_msg=where)
                assert_allclose(
                    crit["critical_range"], rcs["critical_range"], rtol=tol, err_msg=where
                )
        # letters: those of agricolae's sweep when valid, else Piepho's (and a note)
        groups = mc.groups.copy()
        if "within" not in groups:
            groups["within"] = ""
        rg = rgroups[
            (rgroups["test"] == test)
            & (rgroups["alpha"] == alpha)
            & (rgroups["variant"] == variant)
        ]
        for w, sub in rg.groupby("slice", sort=False):
            g = groups[groups["within"] == w].set_index("treatment").loc[sub["treatment"]]
            assert_allclose(g["mean"], sub["mean"], rtol=1e-12, err_msg=where)
            assert list(g["n"]) == list(sub["n"]), where
            if str(sub["valid_exact"].iloc[0]).upper() == "TRUE":
                assert list(g["letters"]) == list(sub["letters_exact"]), where
            else:
                assert mc.letters_method == "piepho", where
                assert any("Piepho" in note for note in mc.notes), where
                sig = (
                    mc.pairs[mc.pairs.get("within", pd.Series([""] * len(mc.pairs))) == w]
                    if "within" in mc.pairs
                    else mc.pairs
                )
                labels = list(g.index)
                same = np.ones((len(labels), len(labels)), dtype=bool)
                pos = {lb: i for i, lb in enumerate(labels)}
                for a, b, s in zip(
                    sig["treatment_a"], sig["treatment_b"], sig["significant"], strict=False
                ):
                    same[pos[a], pos[b]] = same[pos[b], pos[a]] = not s
                assert letters_valid(list(g["letters"]), same), where


@pytest.mark.r_reference
def test_tukeyhsd(aovs):
    ref = _read("tukeyhsd")
    for (dataset, analysis), sub in ref.groupby(["dataset", "analysis"], sort=False):
        mc = fo.tukey(aovs[dataset], term=analysis)
        # R names a pair "B-A" and reports mean B - mean A; fertopt's diff is mean a - mean b
        lookup = {}
        for _, row in mc.pairs.iterrows():
            lookup[f"{row['treatment_b']}-{row['treatment_a']}"] = (row, -1.0)
            lookup[f"{row['treatment_a']}-{row['treatment_b']}"] = (row, 1.0)
        for _, r in sub.iterrows():
            mine, sign = lookup[r["comparison"]]
            assert_allclose(sign * mine["diff"], r["diff"], rtol=1e-12, atol=1e-12)
            lo, hi = sorted([sign * mine["ci_low"], sign * mine["ci_high"]])
            # intervals through R's qtukey (about 1e-7 relative here, all df >= 8)
            assert_allclose([lo, hi], [r["lwr"], r["upr"]], rtol=2e-6, atol=1e-6)
            assert_allclose(mine["p"], r["p_adj"], rtol=0, atol=5e-7)


@pytest.mark.r_reference
def test_pairwise_t_test(aovs):
    ref = _read("pairwise_t")
    adjust = {"none": None, "bonferroni": "bonferroni", "holm": "holm", "BH": "fdr_bh"}
    for (dataset, adj), sub in ref.groupby(["dataset", "adjust"], sort=False):
        mc = fo.lsd(aovs[dataset], p_adjust=adjust[adj])
        p = {
            _key(a, b): v
            for a, b, v in zip(
                mc.pairs["treatment_a"], mc.pairs["treatment_b"], mc.pairs["p"], strict=False
            )
        }
        mine = [p[_key(a, b)] for a, b in zip(sub["treatment_a"], sub["treatment_b"], strict=False)]
        # pairwise.t.test with pool.sd = TRUE is the LSD of a one-way layout; pt() is exact to
        # rounding
        assert_allclose(mine, sub["p"], rtol=1e-10, atol=1e-15)


@pytest.mark.r_reference
def test_dunnett_against_multcomp(aovs):
    ref = _read("dunnett")
    alt = {"two.sided": "two-sided", "greater": "greater", "less": "less"}
    for (dataset, alternative, control), sub in ref.groupby(
        ["dataset", "alternative", "control"], sort=False
    ):
        mc = fo.dunnett(aovs[dataset], control=control, alternative=alt[alternative])
        pairs = mc.pairs.set_index("treatment_a").loc[sub["treatment"]]
        assert (pairs["treatment_b"] == control).all()
        assert_allclose(pairs["diff"], sub["estimate"], rtol=1e-11)
        assert_allclose(pairs["se"], sub["se"], rtol=1e-11)
        assert_allclose(pairs["statistic"], sub["t"], rtol=1e-11)
        # R integrate(): about 1e-10; multcomp's pmvt (randomised): about 1e-6
        assert_allclose(pairs["p"], sub["p_integrate"], rtol=1e-7, atol=1e-11)
        assert_allclose(pairs["p"], sub["p_glht"], rtol=0, atol=2e-6)
        assert_allclose(
            mc.critical["quantile"].iloc[0], sub["critical_integrate"].iloc[0], rtol=1e-9
        )
        q = mc.critical["quantile"].iloc[0]
        if alternative == "two.sided":
            assert_allclose(pairs["ci_high"] - pairs["diff"], q * pairs["se"], rtol=1e-12)
        elif alternative == "greater":
            assert np.isinf(pairs["ci_high"]).all()
        else:
            assert np.isinf(pairs["ci_low"]).all()
        expected = ["*" if s else "" for s in mc.pairs.set_index("treatment_a")["significant"]]
        letters = mc.groups.set_index("treatment")["letters"]
        assert list(letters.loc[mc.pairs["treatment_a"]]) == expected
        assert letters.loc[control] == ""


# ---------------------------------------------------------------------------
# published and hand-worked values
# ---------------------------------------------------------------------------
def test_duncan_span_two_is_the_lsd():
    # Duncan's protection for two adjacent means is 1 - alpha, and the range of two normals is
    # sqrt(2)|Z|: R_2 = sqrt(2) t(0.975; df) sqrt(MSE / n) = t(0.975; df) sqrt(2 MSE / n), the LSD.
    aov = fo.anova(
        pd.read_csv(REF / "multcomp_data_sweetpotato.csv"), response="yield", treatment="virus"
    )
    mc = fo.duncan(aov)
    lsd = stats.t.ppf(0.975, aov.df_resid) * math.sqrt(2 * aov.mse / 3)
    assert_allclose(mc.critical["critical_range"].iloc[0], lsd, rtol=1e-13)
    assert_allclose(fo.lsd(aov).critical["critical_range"].iloc[0], lsd, rtol=1e-13)
    assert mc.groups["treatment"].tolist() == ["oo", "ff", "cc", "fc"]


def test_keppel_wickens_snk_stepdown_reproduces_sas():
    # anchors-stats b5 case S: SAS MEANS / SNK groups A, AB, BC, BC, C
    kw = dict(
        means={"g1": 13.2, "g5": 12.3, "g4": 8.8, "g2": 8.7, "g3": 7.2},
        n=10,
        mse=12.68889,
        df_resid=45,
    )
    mc = fo.snk_from_means(**kw, stepdown=True)
    assert mc.groups["treatment"].tolist() == ["g1", "g5", "g4", "g2", "g3"]
    assert mc.groups["letters"].tolist() == ["a", "ab", "bc", "bc", "c"]
    # protected p of g5-g4: the range g5..g2 (span 3, diff 3.6) is not significant
    pair = mc.pairs.set_index(["treatment_a", "treatment_b"]).loc[("g5", "g4")]
    span3 = (
        fo.snk_from_means(**kw)
        .pairs.set_index(["treatment_a", "treatment_b"])
        .loc[("g5", "g2"), "p"]
    )
    assert_allclose(pair["p"], span3, rtol=1e-15)
    assert not pair["significant"]
    # Tukey: SAS prints A, A, AB, AB, B with MSD 4.5265
    tk = fo.tukey_from_means(**kw)
    assert tk.groups["letters"].tolist() == ["a", "a", "ab", "ab", "b"]
    assert_allclose(tk.critical["critical_range"], 4.5265, atol=5e-5)


def test_case_l1_l2_fall_back_to_valid_letters():
    # anchors-stats b5 cases L1 and L2 (LSD, CRD, unequal replication)
    l1 = fo.lsd_from_means(
        means={"T1": 2.7, "T2": 1.8, "T3": 0.2, "T4": 0.1},
        n={"T1": 3, "T2": 5, "T3": 4, "T4": 2},
        mse=1.0,
        df_resid=10,
    )
    assert_allclose(l1.pairs["p"], [0.246, 0.0084, 0.0173, 0.0383, 0.0696, 0.9104], atol=5e-5)
    assert l1.groups["letters"].tolist() == ["a", "ab", "c", "bc"]
    assert l1.letters_method == "piepho" and any("orderPvalue" in n for n in l1.notes)
    l2 = fo.lsd_from_means(
        means={"T1": 2.2, "T2": 1.9, "T3": 1.8, "T4": 0.2},
        n={"T1": 4, "T2": 2, "T3": 4, "T4": 5},
        mse=1.0,
        df_resid=11,
    )
    assert l2.groups.set_index("treatment")["letters"].to_dict() == {
        "T1": "a",
        "T2": "ab",
        "T3": "a",
        "T4": "b",
    }
    # when the sweep is valid it is kept: balanced LSD
    ok = fo.lsd_from_means(means=[10, 11, 14, 15], n=4, mse=1.0, df_resid=12)
    assert ok.letters_method == "agricolae" and not any("Piepho" in n for n in ok.notes)


def test_lsd_by_hand():
    # two means 10 and 13, n = 4 each, MSE 2, 6 df:
    # se = sqrt(2 (1/4 + 1/4)) = 1; t = -3; p = 2 P(T6 > 3) = 0.0240; LSD = t(0.975; 6) * 1 = 2.4469
    mc = fo.lsd_from_means(means={"A": 10.0, "B": 13.0}, n=4, mse=2.0, df_resid=6)
    row = mc.pairs.iloc[0]
    assert_allclose([row["diff"], row["se"], row["statistic"]], [-3.0, 1.0, -3.0], rtol=1e-15)
    assert_allclose(row["p"], 2 * stats.t.sf(3.0, 6), rtol=1e-12)
    assert_allclose(row["critical_range"], stats.t.ppf(0.975, 6), rtol=1e-12)
    assert_allclose(
        [row["ci_low"], row["ci_high"]], [-3 - stats.t.ppf(0.975, 6), -3 + stats.t.ppf(0.975, 6)]
    )
    assert mc.groups["letters"].tolist() == ["a", "b"]
    assert_allclose(mc.groups["se"], math.sqrt(2 / 4), rtol=1e-15)


def test_dual_letters_capitals():
    # lowercase at 5 %, capitals at 1 %: capitals are never finer than lowercase
    aov = fo.anova(
        pd.read_csv(REF / "multcomp_data_chz2006.csv"),
        response="health",
        treatment=["amendment", "crop"],
        block="block",
    )
    mc = fo.duncan(aov, term="amendment", alpha_capitals=0.01)
    ref = _read("groups")
    r01 = ref[
        (ref["dataset"] == "chz2006")
        & (ref["analysis"] == "amendment")
        & (ref["test"] == "duncan")
        & (ref["alpha"] == 0.01)
        & (ref["variant"].astype(str) == "")
    ]
    caps = mc.groups.set_index("treatment")["capitals"].loc[r01["treatment"]]
    assert list(caps) == [s.upper() for s in r01["letters_exact"]]
    assert set("".join(mc.groups["capitals"])) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    with pytest.raises(fo.FertoptError, match="smaller than alpha"):
        fo.duncan(aov, term="amendment", alpha_capitals=0.1)


def test_lower_is_better():
    mc = fo.duncan_from_means(
        means={"A": 5.0, "B": 9.0, "C": 20.0}, n=5, mse=1.0, df_resid=12, descending=False
    )
    assert mc.groups["treatment"].tolist() == ["A", "B", "C"]
    assert mc.groups["letters"].tolist() == ["a", "b", "c"]


# ---------------------------------------------------------------------------
# design error terms and warnings
# ---------------------------------------------------------------------------
def test_split_plot_error_terms(aovs):
    aov = aovs["oats"]
    ea = aov.errors.set_index("error").loc["Error a"]
    eb = aov.errors.set_index("error").loc["Error b"]
    main = fo.lsd(aov, term="Variety")
    assert main.error_term == "Error a" and main.df_resid == ea["df"] and main.mse == ea["ms"]
    sub = fo.lsd(aov, term="nitro")
    assert sub.error_term == "Error b" and sub.df_resid == eb["df"]
    sub_in_main = fo.lsd(aov, term="nitro", within="Variety")
    assert sub_in_main.error_term == "Error b" and sub_in_main.within == ("Variety",)
    comb = fo.lsd(aov, term="Variety", within="nitro")
    b = 4  # nitrogen levels
    ms = (ea["ms"] + (b - 1) * eb["ms"]) / b
    df = (ea["ms"] + (b - 1) * eb["ms"]) ** 2 / (
        ea["ms"] ** 2 / ea["df"] + ((b - 1) * eb["ms"]) ** 2 / eb["df"]
    )
    assert_allclose([comb.mse, comb.df_resid], [ms, df], rtol=1e-14)
    assert "Satterthwaite" in comb.error_term and "Satterthwaite" in str(comb.summary())
    # the SE of a difference is sqrt(2 ms / r) with r = 6 blocks (Gomez & Gomez 1984)
    assert_allclose(comb.pairs["se"], math.sqrt(2 * ms / 6), rtol=1e-14)
    with pytest.raises(fo.DesignError, match="mix two error terms"):
        fo.duncan(aov, term="Variety:nitro")


def test_interaction_warning_and_factorial_terms():
    rng = np.random.default_rng(3)
    rows = []
    for block in range(3):
        for n in ("N0", "N1"):
            for p in ("P0", "P1"):
                effect = 5.0 if (n, p) == ("N1", "P1") else 0.0  # a pure interaction
                rows.append({"block": block, "N": n, "P": p, "y": 20 + effect + rng.normal(0, 0.3)})
    aov = fo.anova(pd.DataFrame(rows), response="y", treatment=["N", "P"], block="block")
    with pytest.warns(fo.DesignWarning, match="interaction is significant"):
        mc = fo.lsd(aov, term="N")
    assert any("interaction" in w for w in mc.warnings)
    simple = fo.lsd(aov, term="N", within="P")  # no warning: simple effects
    assert simple.groups["within"].tolist() == ["P0", "P0", "P1", "P1"]
    cells = fo.lsd(aov, term="N:P")
    assert set(cells.groups["treatment"]) == {"N0:P0", "N0:P1", "N1:P0", "N1:P1"}
    assert cells.groups["letters"].iloc[0] == "a" and cells.groups["treatment"].iloc[0] == "N1:P1"


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def crd():
    data = pd.DataFrame(
        {"trt": list("AAABBBCCC"), "y": [1.0, 1.2, 0.9, 2.0, 2.2, 2.1, 3.1, 2.9, 3.3]}
    )
    return fo.anova(data, response="y", treatment="trt")


def test_unknown_control(crd):
    with pytest.raises(fo.DesignError, match=r"control='CK' is not a level of trt.*'A', 'B', 'C'"):
        fo.dunnett(crd, control="CK")


@pytest.mark.parametrize("alpha", [0, 1, 1.5, -0.1, "five"])
def test_alpha_outside_unit_interval(crd, alpha):
    with pytest.raises(fo.FertoptError, match="alpha"):
        fo.duncan(crd, alpha=alpha)


def test_term_not_in_model(crd, aovs):
    with pytest.raises(fo.DesignError, match=r"term='N' is not a term of this ANOVA.*'trt'"):
        fo.tukey(crd, term="N")
    with pytest.raises(fo.DesignError, match="several treatment factors"):
        fo.duncan(aovs["chz2006"])
    with pytest.raises(fo.DesignError, match="within="):
        fo.duncan(aovs["chz2006"], term="amendment", within="amendment")
    with pytest.raises(fo.DesignError, match="not a term"):
        fo.duncan(aovs["chz2006"], term="block")


def test_single_plot_treatment():
    data = pd.DataFrame(
        {"trt": ["A", "A", "A", "B", "B", "B", "C"], "y": [1.0, 1.1, 0.9, 2.0, 2.1, 2.2, 3.0]}
    )
    aov = fo.anova(data, response="y", treatment="trt")
    with pytest.raises(
        fo.DesignError, match=r"treatment 'C' has a single plot.*Add its missing replicates"
    ):
        fo.lsd(aov)
    with pytest.raises(fo.DesignError, match="single plot"):
        fo.duncan_from_means(means=[1, 2, 3], n=[3, 1, 3], mse=1, df_resid=6)


def test_no_residual_df(crd):
    # fertopt.anova itself refuses a model without error df; a result that carries none
    # (e.g. built by other code) is refused by the comparisons with the same advice
    data = pd.DataFrame({"trt": ["A", "B", "C"], "y": [1.0, 2.0, 3.0]})
    with pytest.raises(fo.DesignError, match="no residual degrees of freedom"):
        fo.anova(data, response="y", treatment="trt")
    errors = crd.errors.assign(df=0.0, ss=0.0, ms=np.nan)
    empty = dataclasses.replace(crd, errors=errors, mse=np.nan, df_resid=0.0)
    with pytest.raises(fo.DesignError, match=r"no residual degrees of freedom.*Replicate"):
        fo.duncan(empty)
    with pytest.raises(fo.DesignError, match="no residual degrees of freedom"):
        fo.lsd_from_means(means=[1, 2], n=3, mse=1.0, df_resid=0)


def test_other_bad_options(crd):
    with pytest.raises(fo.FertoptError, match="p_adjust='bonf' is not a valid option"):
        fo.lsd(crd, p_adjust="bonf")
    with pytest.raises(fo.FertoptError, match="replication"):
        fo.tukey(crd, replication="mean")
    with pytest.raises(fo.FertoptError, match="takes the result of fertopt.anova"):
        fo.duncan(pd.DataFrame({"y": [1, 2]}))
    with pytest.raises(fo.FertoptError, match="one value per treatment"):
        fo.duncan_from_means(means=[1, 2, 3], n=[3, 3], mse=1, df_resid=6)
    with pytest.raises(fo.DataError, match="not numbers"):
        fo.duncan_from_means(means={"A": "x", "B": 2}, n=3, mse=1, df_resid=6)
    with pytest.raises(fo.DesignError, match="error mean square"):
        fo.duncan_from_means(means=[1, 2], n=3, mse=0.0, df_resid=6)


# ---------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------
def _random_crd(draw_sizes, draw_means, seed):
    rng = np.random.default_rng(seed)
    rows = []
    for i, (size, mean) in enumerate(zip(draw_sizes, draw_means, strict=False)):
        for _ in range(size):
            rows.append({"trt": f"T{i + 1}", "y": mean + rng.normal()})
    return pd.DataFrame(rows)


def _decisions_match_letters(mc):
    labels = list(mc.groups["treatment"])
    pos = {lb: i for i, lb in enumerate(labels)}
    same = np.ones((len(labels), len(labels)), dtype=bool)
    for a, b, s in zip(
        mc.pairs["treatment_a"], mc.pairs["treatment_b"], mc.pairs["significant"], strict=False
    ):
        same[pos[a], pos[b]] = same[pos[b], pos[a]] = not s
    return letters_valid(list(mc.groups["letters"]), same)


TESTS = [
    (fo.duncan, {}),
    (fo.snk, {}),
    (fo.tukey, {}),
    (fo.lsd, {}),
    (fo.scheffe, {}),
    (fo.lsd, {"p_adjust": "holm"}),
    (fo.duncan, {"stepdown": True}),
    (fo.snk, {"replication": "kramer"}),
]


@settings(max_examples=30, deadline=None)
@given(
    sizes=st.lists(st.integers(3, 6), min_size=3, max_size=7),
    spread=st.floats(0.0, 4.0),
    seed=st.integers(0, 10_000),
    which=st.integers(0, len(TESTS) - 1),
)
def test_letters_valid_and_invariant(sizes, spread, seed, which):
    rng = np.random.default_rng(seed)
    means = rng.normal(0, spread, len(sizes))
    data = _random_crd(sizes, means, seed)
    fn, opts = TESTS[which]
    # normal scores around 0, not yields: negative values are allowed
    aov = fo.anova(data, response="y", treatment="trt", allow_negative=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.UnbalancedDesignWarning)
        mc = fn(aov, **opts)
        assert _decisions_match_letters(mc)
        # row order does not matter
        shuffled = fo.anova(
            data.sample(frac=1.0, random_state=seed),
            response="y",
            treatment="trt",
            allow_negative=True,
        )
        mc2 = fn(shuffled, **opts)
        # nor does a change of origin and unit (e.g. kg/plot -> t/ha)
        scaled = data.assign(y=data["y"] * 7.5 + 120.0)
        mc3 = fn(fo.anova(scaled, response="y", treatment="trt", allow_negative=True), **opts)
    key = ["treatment", "letters"]
    assert mc2.groups[key].equals(mc.groups[key])
    assert mc3.groups[key].equals(mc.groups[key])
    assert_allclose(mc3.pairs["p"], mc.pairs["p"], rtol=1e-7, atol=1e-12)
    assert_allclose(mc3.pairs["diff"], 7.5 * mc.pairs["diff"], rtol=1e-9, atol=1e-9)


# ---------------------------------------------------------------------------
# display and plotting
# ---------------------------------------------------------------------------
def test_display(aovs):
    mc = fo.duncan(aovs["disease"], alpha_capitals=0.01)
    text = repr(mc)
    assert "\n" not in text and text.startswith("<MultCompResult Duncan")
    summary = str(mc)
    assert "Means with the same letter" in summary and "Critical values" in summary
    assert "block-adjusted" in summary
    assert "<table>" in mc._repr_html_()
    data = json.loads(json.dumps(mc.to_dict()))
    assert data["test"] == "Duncan" and data["groups"][0]["letters"] == mc.groups["letters"].iloc[0]
    assert list(mc.groups.columns) == ["treatment", "mean", "sd", "se", "n", "letters", "capitals"]
    assert list(mc.pairs.columns) == [
        "treatment_a",
        "treatment_b",
        "diff",
        "se",
        "statistic",
        "critical_range",
        "p",
        "significant",
        "ci_low",
        "ci_high",
    ]
    assert list(mc.critical.columns) == ["span", "protection", "quantile", "critical_range"]


def test_plot_returns_axes(aovs, tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    mc = fo.duncan(aovs["sweetpotato"])
    ax = mc.plot()
    assert ax.get_ylabel() == "yield"
    # the means in the treatments' order (plot_means' default order="level")
    by_level = mc.groups.set_index("treatment").loc[mc.level_order[""], "letters"]
    assert [t.get_text() for t in ax.texts] == list(by_level)
    fig, axes = plt.subplots(1, 2)
    out = fo.plotting.plot_means(
        fo.lsd(aovs["oats"], term="nitro", within="Variety"), ax=axes[1], kind="points"
    )
    assert out is axes[1]
    assert list(tmp_path.iterdir()) == []
    plt.close("all")


def test_three_factor_slices_and_piepho_option():
    rng = np.random.default_rng(11)
    rows = []
    for block in range(3):
        for n in ("N0", "N1", "N2"):
            for p in ("P0", "P1"):
                for k in ("K0", "K1"):
                    mu = 10 + 2 * ("N1", "N2").count(n) + 3 * (n == "N2") + (p == "P1")
                    rows.append(
                        {"block": block, "N": n, "P": p, "K": k, "y": mu + rng.normal(0, 0.2)}
                    )
    aov = fo.anova(pd.DataFrame(rows), response="y", treatment=["N", "P", "K"], block="block")
    mc = fo.duncan(aov, term="N", within="P:K")
    assert mc.within == ("P", "K")
    assert mc.groups["within"].unique().tolist() == ["P0:K0", "P0:K1", "P1:K0", "P1:K1"]
    assert (mc.groups.groupby("within")["n"].sum() == 9).all()  # 3 levels x 3 blocks
    # every slice gets its own letters, N2 > N1 > N0 everywhere
    for _, g in mc.groups.groupby("within"):
        assert g["treatment"].tolist() == ["N2", "N1", "N0"]
    piepho = fo.duncan(aov, term="N", within="P:K", letters="piepho")
    assert piepho.letters_method == "piepho"
    assert piepho.groups["letters"].tolist() == mc.groups["letters"].tolist()
    cells = fo.tukey(aov, term="N:P:K")
    assert len(cells.groups) == 12 and cells.groups["n"].eq(3).all()


def test_tied_means_follow_agricolae_order():
    # agricolae sorts treatments by label before ordering the means, so ties keep label order;
    # the order fixes the spans: "a" and "b" tie, "c" is span 3 from "a" and span 2 from "b"
    mc = fo.duncan_from_means(means={"b": 10.0, "a": 10.0, "c": 5.0}, n=4, mse=1.0, df_resid=9)
    assert mc.groups["treatment"].tolist() == ["a", "b", "c"]
    spans = dict(
        zip(
            mc.pairs["treatment_a"] + mc.pairs["treatment_b"],
            mc.pairs["critical_range"],
            strict=True,
        )
    )
    crit = mc.critical.set_index("span")["critical_range"]
    assert_allclose(spans["ac"], crit[3], rtol=1e-15)
    assert_allclose(spans["bc"], crit[2], rtol=1e-15)


def test_plot_level_order_and_dunnett(aovs):
    import matplotlib.pyplot as plt

    mc = fo.lsd(aovs["oats"], term="nitro")
    ax = fo.plotting.plot_means(mc, order="level", error="sd")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "0.2", "0.4", "0.6"]
    dn = fo.dunnett(aovs["plantgrowth"], control="ctrl")
    ax = dn.plot(kind="points")
    assert ax.get_title().startswith("Dunnett")
    with pytest.raises(fo.FertoptError, match="kind="):
        fo.plotting.plot_means(dn, kind="pie")
    plt.close("all")


def test_from_means_accepts_series_and_sequences():
    s = pd.Series({"CK": 30.1, "NPK": 36.2, "PK": 31.0})
    a = fo.lsd_from_means(means=s, n=pd.Series({"PK": 3, "CK": 3, "NPK": 3}), mse=1.8, df_resid=6)
    b = fo.lsd_from_means(means=[30.1, 36.2, 31.0], n=[3, 3, 3], mse=1.8, df_resid=6)
    assert b.groups["treatment"].tolist() == ["2", "3", "1"]
    assert_allclose(a.pairs["p"], b.pairs["p"], rtol=1e-15)
    assert a.error_term == "given" and a.n_obs == 9
