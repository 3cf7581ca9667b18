"""Least-squares means (fo.lsmeans) and the multiple comparisons on them (means="ls") against R:
emmeans, multcomp::glht and lme4/pbkrtest (tests/reference/lsmeans/lsmeans_reference.R), plus
closed forms for agricolae's arithmetic-mean tests and for the range tests on LS-means."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

import fertopt as fo
from fertopt.distributions import dunnett_cdf, dunnett_ppf, dunnett_sf
from fertopt.multcomp.letters import letters_valid

REF = Path(__file__).parent / "reference" / "lsmeans"

CASES = {
    "disease2": dict(response="yield", treatment="trt", block="rep"),
    "minnesota2": dict(response="yield", treatment="rate", block="rep"),
    "nvar41": dict(response="yield", treatment=["N", "variety"], block="block"),
    "fact": dict(response="yield", treatment=["N", "P"]),
    "melon1": dict(response="yield", treatment="variety", row="row", column="col"),
}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(
        REF / f"lsmeans_{name}.csv",
        keep_default_na=False,
        na_values=["NA"],
        dtype={
            "level": str,
            "within": str,
            "treatment": str,
            "treatment_a": str,
            "treatment_b": str,
            "control": str,
        },
    )


def _label(text: str) -> str:
    """A level label as fertopt writes it: numbers in ``g`` format (R writes 100.8765 in full)."""

    def one(part: str) -> str:
        try:
            return format(float(part), "g")
        except ValueError:
            return part

    return ":".join(one(p) for p in str(text).split(":"))


def _quiet(fn, *args, **kw):
    """Call ``fn`` expecting only the warnings these unbalanced data must give."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    for w in caught:
        text = str(w.message)
        assert issubclass(w.category, fo.FertoptWarning), text
        assert (
            "missing plots" in text
            or "interaction is significant" in text
            or "not a Latin square" in text
        ), text
    return out


@pytest.fixture(scope="module")
def aovs():
    return {
        case: _quiet(fo.anova, pd.read_csv(REF / f"lsmeans_data_{case}.csv"), **kw)
        for case, kw in CASES.items()
    }


def _term_within(term: str) -> dict:
    if "|" in term:
        t, w = term.split("|")
        return {"term": t, "within": w}
    return {"term": term}


LSM = _read("lsmeans")
PAIRS = _read("pairs")
DUNNETT = _read("dunnett")


# ---------------------------------------------------------------------------
# LS-means
# ---------------------------------------------------------------------------
@pytest.mark.r_reference
@pytest.mark.parametrize(
    ("case", "term"),
    sorted({(c, t) for c, t in zip(LSM["case"], LSM["term"], strict=True) if "|" not in t}),
)
def test_lsmeans_against_emmeans(aovs, case, term):
    ref = LSM[(LSM["case"] == case) & (LSM["term"] == term)]
    ref = ref.assign(level=[_label(v) for v in ref["level"]]).set_index("level")
    ls = fo.lsmeans(aovs[case], term=term)
    assert isinstance(ls, fo.LSMeansResult)
    assert list(ls.table.columns) == ["level", "lsmean", "se", "df", "ci_low", "ci_high"]
    assert sorted(ls.table["level"]) == sorted(ref.index)
    ref = ref.loc[ls.table["level"]]
    # one least-squares fit on a few dozen plots: agreement to rounding (seen: 2e-15)
    for col in ("lsmean", "se", "df", "ci_low", "ci_high"):
        assert_allclose(ls.table[col], ref[col], rtol=1e-10, err_msg=f"{case} {term} {col}")
    # the covariance gives the standard errors of the table
    assert_allclose(np.sqrt(np.diag(ls.cov.to_numpy())), ls.table["se"], rtol=1e-14)


@pytest.mark.r_reference
@pytest.mark.parametrize("ddf", ["kenward-roger", "satterthwaite"])
def test_split_plot_lsmeans_against_lmer(ddf):
    aov = fo.anova(
        pd.read_csv(REF / "lsmeans_data_oats.csv"),
        response="yield",
        main_plot="Variety",
        sub_plot="nitro",
        block="Block",
    )
    ref = _read("splitplot")
    ref = ref[ref["ddf"] == ddf]
    for term, rt in ref.groupby("term"):
        ls = fo.lsmeans(aov, term=term)
        rt = rt.assign(level=[_label(v) for v in rt["level"]]).set_index("level")
        rt = rt.loc[ls.table["level"]]
        assert_allclose(ls.table["lsmean"], rt["lsmean"], rtol=1e-12, err_msg=term)
        # lmer's REML optimum is found to about 1e-7 relative (variance components), which
        # carries into the standard errors and the small-sample df (the mean squares are exact)
        assert_allclose(ls.table["se"], rt["se"], rtol=1e-6, err_msg=term)
        assert_allclose(ls.table["df"], rt["df"], rtol=1e-6, err_msg=term)
        assert_allclose(ls.table["ci_low"], rt["ci_low"], rtol=1e-6, err_msg=term)
    # the whole-plot variance of lmer is the method-of-moments (Ea − Eb) / b here (Ea > Eb)
    errors = aov.errors.set_index("error")["ms"]
    vc = _read("splitplot_vc").set_index("component")["variance"]
    assert_allclose((errors["Error a"] - errors["Error b"]) / 4, vc["Block:Variety"], rtol=1e-6)


def test_balanced_lsmeans_are_the_arithmetic_means():
    aov = fo.anova(
        fo.load_dataset("minnesota_2012"),
        response="yld_grain_dry_kgha",
        treatment="rate_n_applied_kgha",
        block="rep",
    )
    ls = fo.lsmeans(aov, term="rate_n_applied_kgha")
    means = aov.means("rate_n_applied_kgha")
    # a balanced RCBD: LS-means are the treatment means and their SEs √(MSE / r)
    assert ls.equal_to_arithmetic
    assert_allclose(ls.table["lsmean"], means["mean"], rtol=1e-12)
    assert_allclose(ls.table["se"], np.sqrt(aov.mse / 4), rtol=1e-12)


def test_lsmeans_level_and_results_with_their_own_lsmeans():
    class Mixed:  # the shape of a mixed-model result: .lsmeans(term) -> level|lsmean|se|df
        response = "yield"
        design = "mixed model"
        n_obs = 36

        def lsmeans(self, term):
            return pd.DataFrame(
                {"level": ["0", "60"], "lsmean": [5.0, 7.5], "se": [0.4, 0.5], "df": [9.3, 9.3]}
            )

    ls = fo.lsmeans(Mixed(), term="N", level=0.9)
    q = stats.t.ppf(0.95, 9.3)
    assert_allclose(ls.table["ci_low"], [5.0 - q * 0.4, 7.5 - q * 0.5], rtol=1e-12)
    assert_allclose(ls.table["ci_high"], [5.0 + q * 0.4, 7.5 + q * 0.5], rtol=1e-12)
    assert ls.error_term == "model" and ls.cov is None
    with pytest.raises(fo.OptionError, match="level"):
        fo.lsmeans(Mixed(), term="N", level=95)
    with pytest.raises(fo.OptionError, match="lsmeans"):
        fo.lsmeans(object(), term="N")


def test_lsmeans_bad_term_and_empty_cells(aovs):
    with pytest.raises(fo.DesignError, match="not a treatment term"):
        fo.lsmeans(aovs["fact"], term="K")
    fact = pd.read_csv(REF / "lsmeans_data_fact.csv")
    holed = fact[~((fact["N"] == "N2") & (fact["P"] == "P1"))]
    with pytest.warns(fo.DesignWarning, match="empty factorial cells"):
        aov = fo.anova(holed, response="yield", treatment=["N", "P"])
    with pytest.warns(fo.DesignWarning, match="cannot be estimated"):
        ls = fo.lsmeans(aov, term="N")
    # N0 and N1 have both P levels; N2 lacks P1 (as emmeans: nonEst)
    assert ls.table["lsmean"].isna().tolist() == [False, False, True]
    with pytest.warns(fo.DesignWarning, match="cannot be estimated"):
        mc = fo.tukey(aov, term="N")
    assert mc.means == "arithmetic"
    assert_allclose(
        mc.groups.set_index("treatment").loc["N2", "mean"],
        holed[holed["N"] == "N2"]["yield"].mean(),
    )


# ---------------------------------------------------------------------------
# pairwise tests on LS-means: emmeans' pairs()
# ---------------------------------------------------------------------------
def _ours_by_pair(mc) -> pd.DataFrame:
    pairs = mc.pairs.copy()
    if "within" not in pairs:
        pairs["within"] = ""
    pairs["key"] = [
        frozenset((a, b)) for a, b in zip(pairs["treatment_a"], pairs["treatment_b"], strict=True)
    ]
    return pairs.set_index(["within", "key"])


def _ref_pairs(case: str, term: str) -> pd.DataFrame:
    rp = PAIRS[(PAIRS["case"] == case) & (PAIRS["term"] == term)].copy()
    rp["treatment_a"] = [_label(v) for v in rp["treatment_a"]]
    rp["treatment_b"] = [_label(v) for v in rp["treatment_b"]]
    rp["key"] = [
        frozenset((a, b)) for a, b in zip(rp["treatment_a"], rp["treatment_b"], strict=True)
    ]
    return rp.set_index(["within", "key"])


PAIR_CASES = sorted({(c, t) for c, t in zip(PAIRS["case"], PAIRS["term"], strict=True)})


@pytest.mark.r_reference
@pytest.mark.parametrize(("case", "term"), PAIR_CASES)
def test_tukey_lsd_scheffe_on_lsmeans_against_emmeans(aovs, case, term):
    rp = _ref_pairs(case, term)
    kw = _term_within(term)
    for fn, p_col in ((fo.tukey, "p_tukey"), (fo.lsd, "p_none"), (fo.scheffe, "p_scheffe")):
        mc = _quiet(fn, aovs[case], **kw)
        where = f"{case} {term} {fn.__name__}"
        assert mc.means == "ls", where
        # the cells of a factorial CRD are their arithmetic means, with variances MSE / n
        assert mc.means_coincide == (case == "fact" and term in ("N:P", "P|N")), where
        mine = _ours_by_pair(mc).loc[rp.index]
        flip = np.where(mine["treatment_a"].to_numpy() == rp["treatment_a"].to_numpy(), 1.0, -1.0)
        # estimates and SEs of one least-squares fit: rounding only
        assert_allclose(mine["diff"] * flip, rp["estimate"], rtol=1e-10, atol=1e-12, err_msg=where)
        scale = np.sqrt(0.5) if fn is fo.tukey else 1.0  # Tukey's se is that of the range
        assert_allclose(mine["se"], rp["se"] * scale, rtol=1e-10, err_msg=where)
        assert_allclose(mc.df_resid, rp["df"].iloc[0], rtol=1e-12)
        if fn is fo.tukey:
            # the studentized range |t| √2 (emmeans); R's ptukey is good to about 5e-7
            assert_allclose(mine["statistic"], np.abs(rp["t"]) * np.sqrt(2), rtol=1e-10)
            assert_allclose(mine["p"], rp[p_col], rtol=0, atol=1e-6, err_msg=where)
        else:
            if fn is fo.lsd:
                assert_allclose(mine["statistic"] * flip, rp["t"], rtol=1e-10, err_msg=where)
            # pt and pf are accurate to rounding
            assert_allclose(mine["p"], rp[p_col], rtol=1e-9, atol=1e-15, err_msg=where)
        assert (mine["significant"].to_numpy() == (rp[p_col] < 0.05).to_numpy()).all(), where
        # the letters are valid for the decisions and sit on the LS-means shown
        groups = mc.groups if "within" in mc.groups else mc.groups.assign(within="")
        ls = LSM[(LSM["case"] == case) & (LSM["term"] == term)]
        ls = ls.assign(level=[_label(v) for v in ls["level"]]).set_index(["within", "level"])
        shown = ls.loc[list(zip(groups["within"], groups["treatment"], strict=True))]
        assert_allclose(groups["mean"], shown["lsmean"], rtol=1e-10, err_msg=where)
        assert_allclose(groups["se"], shown["se"], rtol=1e-10, err_msg=where)
        for _, g in groups.groupby("within"):
            labels = list(g["treatment"])
            same = np.ones((len(labels), len(labels)), dtype=bool)
            sub = (
                mc.pairs
                if "within" not in mc.pairs
                else mc.pairs[mc.pairs["within"] == g["within"].iloc[0]]
            )
            for a, b, sig in zip(
                sub["treatment_a"], sub["treatment_b"], sub["significant"], strict=True
            ):
                i, j = labels.index(a), labels.index(b)
                same[i, j] = same[j, i] = not sig
            assert letters_valid(list(g["letters"]), same), where


@pytest.mark.r_reference
def test_the_issue_n50_against_n80_under_both_means(aovs):
    """N × variety RCBD, 41 plots: Tukey on arithmetic means (agricolae's HSD.test, written out
    here) and on LS-means (emmeans) differ, and each call gives exactly one of them."""
    aov = aovs["nvar41"]
    data = pd.read_csv(REF / "lsmeans_data_nvar41.csv")
    g = data.groupby("N")["yield"]
    m, n = g.mean(), g.count()
    k, df, mse = len(m), aov.df_resid, aov.mse
    ls = _quiet(fo.tukey, aov, term="N")
    ar = _quiet(fo.tukey, aov, term="N", means="arithmetic")
    assert (ls.means, ar.means) == ("ls", "arithmetic")
    rp = _ref_pairs("nvar41", "N")
    mine_ls, mine_ar = _ours_by_pair(ls), _ours_by_pair(ar)
    for a, b in [(0, 50), (0, 80), (50, 80), (50, 120), (80, 120), (0, 120)]:
        key = ("", frozenset((str(a), str(b))))
        se = np.sqrt(mse / 2 * (1 / n[a] + 1 / n[b]))
        q = abs(m[a] - m[b]) / se
        assert_allclose(mine_ar.loc[key, "statistic"], q, rtol=1e-10)
        # scipy's studentized range (about 1e-9 here) against fertopt's own integral
        assert_allclose(mine_ar.loc[key, "p"], stats.studentized_range.sf(q, k, df), atol=1e-8)
        assert_allclose(mine_ls.loc[key, "p"], rp.loc[key, "p_tukey"], atol=1e-6)
    groups = ar.groups.set_index("treatment")
    assert_allclose(groups["mean"], m.rename(index=str).loc[groups.index], rtol=1e-12)
    # the two kinds of means differ on these data (they are the issue's point)
    assert (
        np.max(
            np.abs(
                ls.groups["mean"].to_numpy()
                - ar.groups.set_index("treatment").loc[ls.groups["treatment"], "mean"].to_numpy()
            )
        )
        > 0.01
    )


def _range_p(stat: np.ndarray, span: np.ndarray, df: float, duncan: bool) -> np.ndarray:
    sf = stats.studentized_range.sf(stat, span, df)
    return 1 - (1 - sf) ** (1 / (span - 1)) if duncan else sf


@pytest.mark.r_reference
@pytest.mark.parametrize("test", ["duncan", "snk"])
@pytest.mark.parametrize("replication", ["kramer", "harmonic"])
def test_duncan_and_snk_on_lsmeans(aovs, test, replication):
    """Range tests on LS-means: each pair's SE √(Var(d) / 2) from emmeans' SE of the difference
    (kramer), or one SE √(mean Var(d) / 2) for all pairs (harmonic, SAS's rule carried over),
    with the span counted in the order of the LS-means; p from scipy's studentized range."""
    case, term = "disease2", "trt"
    fn = fo.duncan if test == "duncan" else fo.snk
    kw = dict(replication=replication)
    if replication == "harmonic":
        with pytest.warns(fo.UnbalancedDesignWarning, match="least-squares means"):
            mc = fn(aovs[case], **kw)
    else:
        mc = fn(aovs[case], **kw)
    rp = _ref_pairs(case, term)
    lsm = LSM[(LSM["case"] == case) & (LSM["term"] == term)].set_index("level")["lsmean"]
    rank = {lb: i for i, lb in enumerate(lsm.sort_values(ascending=False).index)}
    span = np.array(
        [
            abs(rank[a] - rank[b]) + 1
            for a, b in zip(rp["treatment_a"], rp["treatment_b"], strict=True)
        ]
    )
    se = rp["se"].to_numpy() / np.sqrt(2)
    if replication == "harmonic":
        se = np.full(len(se), np.sqrt(np.mean(rp["se"].to_numpy() ** 2) / 2))
    stat = np.abs(rp["estimate"].to_numpy()) / se
    p = _range_p(stat, span, mc.df_resid, test == "duncan")
    mine = _ours_by_pair(mc).loc[rp.index]
    assert_allclose(mine["se"], se, rtol=1e-10)
    assert_allclose(mine["statistic"], stat, rtol=1e-10)
    # scipy's studentized range integrates adaptively (about 1e-9 here)
    assert_allclose(mine["p"], p, rtol=0, atol=1e-8)
    assert mc.means == "ls"


# ---------------------------------------------------------------------------
# Dunnett on LS-means: multcomp::glht
# ---------------------------------------------------------------------------
@pytest.mark.r_reference
@pytest.mark.parametrize(
    ("case", "term"),
    sorted({(c, t) for c, t in zip(DUNNETT["case"], DUNNETT["term"], strict=True)}),
)
def test_dunnett_on_lsmeans_against_glht(aovs, case, term):
    ref = DUNNETT[(DUNNETT["case"] == case) & (DUNNETT["term"] == term)]
    control = _label(ref["control"].iloc[0])
    mc = _quiet(fo.dunnett, aovs[case], control=control, term=term)
    assert mc.means == "ls"
    mine = mc.pairs.set_index("treatment_a").loc[[_label(v) for v in ref["treatment"]]]
    # estimates, SEs and t of one least-squares fit: rounding only
    assert_allclose(mine["diff"], ref["estimate"], rtol=1e-10, atol=1e-12)
    assert_allclose(mine["se"], ref["se"], rtol=1e-10)
    assert_allclose(mine["statistic"], ref["t"], rtol=1e-10)
    # p-values: R's come from mvtnorm's randomised lattice (maxpts 2e6; its error estimate and a
    # second seed both move them by up to 4e-6); ours from the exact integral of the nearest
    # product-form correlation plus a lattice estimate of the rest (about 1e-6; seen: 1.7e-6)
    assert_allclose(mine["p"], ref["p_glht"], rtol=0, atol=1e-5)
    # the critical value: glht's confint() solves with qmvt's default tolerance (ptol = 1e-3 on
    # the probability, seen: 6e-4 relative); see test_dunnett_distribution_of_lsmeans_contrasts
    assert_allclose(mc.critical["quantile"], ref["critical"].iloc[0], rtol=2e-3)
    # for additive models glht's own mcp(Dunnett) contrasts are these (the docstring's promise)
    if ref["p_mcp"].notna().all():
        assert_allclose(mine["p"], ref["p_mcp"], rtol=0, atol=1e-5)


@pytest.mark.r_reference
@pytest.mark.parametrize(
    ("case", "term"), [("disease2", "trt"), ("minnesota2", "rate"), ("melon1", "variety")]
)
def test_dunnett_distribution_of_lsmeans_contrasts(aovs, case, term):
    """P(max |T_i| <= c) for the correlation of LS-means contrasts (not of product form)
    against mvtnorm::pmvt, and the critical value at the 95 % point of that distribution."""
    ref = _read("dunnett_cdf")
    ref = ref[ref["case"] == case]
    ls = fo.lsmeans(aovs[case], term=term)
    cov = ls.cov.to_numpy()
    c = list(ls.table["level"]).index(_label(ref["control"].iloc[0]))
    o = [i for i in range(len(cov)) if i != c]
    cc = cov[np.ix_(o, o)] - cov[o, c][:, None] - cov[c, o][None, :] + cov[c, c]
    rho = cc / np.sqrt(np.outer(np.diag(cc), np.diag(cc)))
    df = aovs[case].df_resid
    ours = dunnett_cdf(ref["c"].to_numpy(), corr=rho, df=df)
    # R: mvtnorm's error estimate (up to 6e-6, in the file); ours: about 1e-6 (seen: 1.8e-6)
    assert_allclose(ours, ref["cdf"], rtol=0, atol=ref["error"].max() + 2e-6)
    # the critical value is the 95 % point of that distribution: R's points bracket it
    mc = _quiet(fo.dunnett, aovs[case], control=_label(ref["control"].iloc[0]), term=term)
    q = float(mc.critical["quantile"].iloc[0])
    lo, hi = ref[ref["c"] <= q].iloc[-1], ref[ref["c"] > q].iloc[0]
    assert lo["cdf"] < 0.95 < hi["cdf"]


@pytest.mark.r_reference
def test_arithmetic_dunnett_is_not_glht_on_missing_plots(aovs):
    """The issue: with two missing plots the arithmetic-mean Dunnett test is not glht's."""
    ref = DUNNETT[DUNNETT["case"] == "disease2"]
    ar = _quiet(fo.dunnett, aovs["disease2"], control="T0", means="arithmetic")
    mine = ar.pairs.set_index("treatment_a").loc[list(ref["treatment"])]
    assert ar.means == "arithmetic"
    assert np.max(np.abs(mine["diff"].to_numpy() - ref["estimate"].to_numpy())) > 0.5
    data = pd.read_csv(REF / "lsmeans_data_disease2.csv")
    g = data.groupby("trt")["yield"]
    m, n = g.mean(), g.count()
    assert_allclose(mine["diff"], (m - m["T0"]).loc[list(ref["treatment"])], rtol=1e-12)
    se = np.sqrt(aovs["disease2"].mse * (1 / n + 1 / n["T0"])).loc[list(ref["treatment"])]
    assert_allclose(mine["se"], se, rtol=1e-12)


# ---------------------------------------------------------------------------
# the Dunnett distribution with a general correlation
# ---------------------------------------------------------------------------
def test_dunnett_corr_product_form_is_the_exact_integral():
    n, nc = np.array([4.0, 3, 4, 2]), 4.0
    lam = np.sqrt(n / (n + nc))
    rho = np.outer(lam, lam)
    np.fill_diagonal(rho, 1.0)
    t = np.array([0.5, 2.1, 2.9, 4.0])
    # the same law given two ways: the same numbers (both the deterministic integral)
    assert_allclose(
        dunnett_sf(t, corr=rho, df=11), dunnett_sf(t, n=n, n_control=nc, df=11), rtol=1e-13
    )
    assert_allclose(
        dunnett_ppf(0.95, corr=rho, df=11), dunnett_ppf(0.95, n=n, n_control=nc, df=11), rtol=1e-12
    )


@pytest.mark.parametrize("alternative", ["two-sided", "greater"])
def test_dunnett_general_correlation_against_scipy(alternative):
    rng = np.random.default_rng(7)
    m = 6
    lam = np.sqrt(rng.uniform(0.3, 0.6, m))
    rho = np.outer(lam, lam) + np.diag(1 - lam**2)
    e = rng.normal(0, 0.02, (m, m))
    rho = rho + (e + e.T) / 2
    np.fill_diagonal(rho, 1.0)
    c = np.array([1.5, 2.5, 3.2])
    ours = dunnett_cdf(c, corr=rho, df=14, alternative=alternative)
    lower = (
        (lambda x: np.full(m, -x))
        if alternative == "two-sided"
        else (lambda x: np.full(m, -np.inf))
    )
    ref = [
        stats.multivariate_t(shape=rho, df=14).cdf(
            np.full(m, x), lower_limit=lower(x), maxpts=400_000, random_state=1
        )
        for x in c
    ]
    # scipy's quasi-Monte Carlo with 4e5 points: about 2e-6 here; ours about 1e-6
    assert_allclose(ours, ref, atol=1e-5)
    with pytest.raises(ValueError, match="either"):
        dunnett_cdf(2.0, corr=rho, n=[3] * m, n_control=3, df=14)
    with pytest.raises(ValueError, match="positive definite"):
        dunnett_cdf(2.0, corr=np.ones((3, 3)), df=14)


# ---------------------------------------------------------------------------
# balanced data, options, display, omission and batch tables
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [fo.duncan, fo.lsd, fo.tukey, fo.snk, fo.scheffe])
def test_balanced_data_give_the_same_test_under_either_means(fn):
    data = pd.read_csv(Path(__file__).parent / "reference" / "multcomp_data_chz2006.csv")
    aov = fo.anova(data, response="health", treatment=["amendment", "crop"], block="block")
    for kw in (
        {"term": "crop"},
        {"term": "amendment:crop"},
        {"term": "crop", "within": "amendment"},
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", fo.DesignWarning)  # interaction warnings
            ls = fn(aov, **kw)
            ar = fn(aov, **kw, means="arithmetic")
        assert ls.means == "ls" and ar.means == "arithmetic"
        assert ls.means_coincide and ar.means_coincide
        pd.testing.assert_frame_equal(ls.groups, ar.groups)
        pd.testing.assert_frame_equal(ls.pairs, ar.pairs)


def test_means_option_is_checked_and_reported(aovs):
    with pytest.raises(fo.OptionError, match="means"):
        fo.duncan(aovs["disease2"], means="least-squares")
    mc = _quiet(fo.lsd, aovs["disease2"])
    en, zh = str(mc.summary()), str(mc.summary(lang="zh"))
    assert "Means compared" in en and "least-squares means" in en
    assert "比较的平均值" in zh and "最小二乘均值" in zh
    ar = _quiet(fo.lsd, aovs["disease2"], means="arithmetic")
    assert "arithmetic means of the plots" in str(ar.summary())
    assert "小区算术平均值" in str(ar.summary(lang="zh"))
    given = fo.lsd_from_means(means={"a": 1.0, "b": 2.0}, n=3, mse=1.0, df_resid=4)
    assert given.means == "given" and "as given" in str(given.summary())
    ls = fo.lsmeans(aovs["disease2"], term="trt")
    assert "最小二乘均值" in str(ls.summary(lang="zh")) and "<LSMeansResult" in repr(ls)


def test_omission_means_and_letters_are_the_same_means():
    from fertopt.omission import omission

    data = pd.read_csv(Path(__file__).parent / "reference" / "omission" / "trial_b.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.UnbalancedDesignWarning)  # the missing NK plot
        warnings.simplefilter("ignore", fo.DataWarning)
        om = omission(
            data,
            response="yield",
            treatment="treatment",
            block="block",
            full="NPK",
            minus={"N": "PK", "P2O5": "NK", "K2O": "NP"},
            control="CK",
        )
    mc = om.comparison
    assert mc.means == "ls"
    shown = om.means.set_index("treatment")
    groups = mc.groups.set_index("treatment").loc[shown.index]
    # one LS-means fit each (the omission's own and fo.anova's): the same numbers
    assert_allclose(shown["mean"], groups["mean"], rtol=1e-10)
    assert_allclose(shown["se"], groups["se"], rtol=1e-10)
    assert list(shown["letters"]) == list(groups["letters"])


def test_batch_per_trial_path_uses_lsmeans():
    data = pd.read_csv(REF / "lsmeans_data_disease2.csv").assign(site="a")
    full = pd.read_csv(Path(__file__).parent / "reference" / "multcomp_data_disease.csv")
    both = pd.concat([data, full.assign(site="b")], ignore_index=True)
    res = fo.run_batch(both, by="site", response="yield", treatment="trt", block="rep")
    with pytest.warns(fo.UnbalancedDesignWarning):
        aov = fo.anova(data, response="yield", treatment="trt", block="rep")
    with pytest.warns(fo.UnbalancedDesignWarning, match="least-squares means"):
        mc = fo.duncan(aov)
    mine = res.groups[res.groups["site"] == "a"].set_index("treatment")
    expected = mc.groups.set_index("treatment").loc[mine.index]
    assert_allclose(mine["mean"], expected["mean"], rtol=1e-12)
    assert list(mine["letters"]) == list(expected["letters"])
    ls = fo.lsmeans(aov, term="trt").table.set_index("level")
    assert_allclose(mine["mean"], ls.loc[mine.index, "lsmean"], rtol=1e-10)
