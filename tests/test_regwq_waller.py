"""REGWQ and the Waller–Duncan k-ratio t test against agricolae 1.3-7, the published definitions
and arbitrary-precision Waller t values.

References (tests/reference/designs/):
- ``regwq_waller.R``: agricolae ``REGW.test`` / ``waller.test`` / ``waller`` on sweetpotato,
  InsectSprays, chickwts (unequal replication) and the Minnesota 2012 RCBD, plus the script's own
  implementation of SAS's REGWQ definition (monotone critical values, step-down protection).
- ``waller_t_mpmath.py``: ``t_B(K, F, q, f)`` solved at 30 digits with mpmath.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import fertopt as fo
from fertopt.multcomp.waller import waller_t

REF = Path(__file__).parent / "reference"
DES = REF / "designs"


def _data(name: str) -> pd.DataFrame:
    """The data of one reference case: ``trt``, ``y`` and (RCBD) ``block``, as R read them."""
    if name == "sweetpotato":
        d = pd.read_csv(REF / "multcomp_data_sweetpotato.csv")
        return pd.DataFrame({"trt": d["virus"], "y": d["yield"]})
    if name == "minnesota":
        return pd.read_csv(DES / "data_minnesota.csv", dtype={"trt": str, "block": str})
    return pd.read_csv(DES / f"data_{name}.csv")


def _relabel(d: pd.DataFrame) -> pd.DataFrame:
    """Labels ``<rank of the mean>_<label>``, as the R script gives them (REGW.test's spans
    follow the labels)."""
    means = d.groupby("trt")["y"].mean()
    rank = means.rank(ascending=False, method="first").astype(int)
    return d.assign(trt=[f"{rank[t]}_{t}" for t in d["trt"]])


def _anova(d: pd.DataFrame):
    block = "block" if "block" in d else None
    return fo.anova(d, response="y", treatment="trt", block=block)


def _quiet(func, *args, **kwargs):
    """Run a test whose harmonic-mean warning (chickwts) is expected."""
    with pytest.warns(fo.UnbalancedDesignWarning) if kwargs.pop("warns", False) else _null():
        return func(*args, **kwargs)


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


CASES = ["sweetpotato", "insectsprays", "chickwts", "minnesota"]


# ---------------------------------------------------------------------------
# REGWQ
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("alpha", [0.05, 0.01])
@pytest.mark.parametrize("name", CASES)
def test_regwq_matches_agricolae_per_pair(name, alpha):
    d = _relabel(_data(name))
    mc = _quiet(fo.regwq, _anova(d), alpha=alpha, stepdown=False, warns=name == "chickwts")
    ref = pd.read_csv(DES / "regw_agricolae_pairs.csv")
    ref = ref[(ref["dataset"] == name) & np.isclose(ref["alpha"], alpha)]
    pairs = mc.pairs.set_index(["treatment_a", "treatment_b"])
    for _, r in ref.iterrows():
        key = (r["treatment_a"], r["treatment_b"])
        row = pairs.loc[key] if key in pairs.index else None
        sign = 1.0
        if row is None:
            row, sign = pairs.loc[key[::-1]], -1.0
        # differences of arithmetic means: exact up to summation order
        assert_allclose(sign * row["diff"], r["difference"], rtol=1e-12)
        # agricolae rounds its p-values to 4 decimals
        assert abs(row["p"] - r["p_round4"]) <= 5e-5 + 1e-12
    groups = pd.read_csv(DES / "regw_agricolae_groups.csv")
    groups = groups[(groups["dataset"] == name) & np.isclose(groups["alpha"], alpha)]
    assert list(mc.groups["treatment"]) == list(groups["treatment"])
    assert list(mc.groups["letters"]) == list(groups["letters"])


@pytest.mark.parametrize("name", ["sweetpotato", "insectsprays", "minnesota"])
def test_regwq_critical_ranges_match_agricolae(name):
    mc = fo.regwq(_anova(_relabel(_data(name))), stepdown=False)
    ref = pd.read_csv(DES / "regw_agricolae_critical.csv")
    ref = ref[(ref["dataset"] == name) & np.isclose(ref["alpha"], 0.05)]
    # R's qtukey is accurate to about 1e-6 relative from 5 df on (see test_distributions)
    assert_allclose(mc.critical["quantile"], ref["quantile"], rtol=2e-5)
    assert_allclose(mc.critical["critical_range"], ref["critical_range"], rtol=2e-5)


def _definition(name: str, alpha: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    pairs = pd.read_csv(DES / "regwq_definition_pairs.csv")
    crit = pd.read_csv(DES / "regwq_definition_critical.csv")
    sel = (pairs["dataset"] == name) & np.isclose(pairs["alpha"], alpha)
    csel = (crit["dataset"] == name) & np.isclose(crit["alpha"], alpha)
    return pairs[sel], crit[csel]


def _regwq_on(name: str, alpha: float, stepdown: bool):
    if name == "keppel":
        means = {"g1": 13.2, "g5": 12.3, "g4": 8.8, "g2": 8.7, "g3": 7.2}
        return fo.regwq_from_means(
            means=means, n=10, mse=12.68889, df_resid=45, alpha=alpha, stepdown=stepdown
        )
    d = _relabel(_data(name))
    return _quiet(fo.regwq, _anova(d), alpha=alpha, stepdown=stepdown, warns=name == "chickwts")


@pytest.mark.parametrize(
    ("name", "alpha"),
    [(n, a) for n in CASES for a in (0.05, 0.01)] + [("keppel", a) for a in (0.05, 0.01, 0.1)],
)
def test_regwq_matches_the_sas_definition(name, alpha):
    ref, crit = _definition(name, alpha)
    for stepdown, column in ((False, "separated_per_pair"), (True, "separated_stepdown")):
        mc = _regwq_on(name, alpha, stepdown)
        pairs = mc.pairs.set_index(["treatment_a", "treatment_b"])
        for _, r in ref.iterrows():
            key = (r["treatment_a"], r["treatment_b"])
            row = pairs.loc[key] if key in pairs.index else pairs.loc[key[::-1]]
            assert bool(row["significant"]) == bool(r[column]), (key, stepdown)
            if not stepdown:
                # p-values: ptukey is accurate to about 1e-8 absolute at these quantiles
                assert_allclose(row["p"], r["p_monotone"], rtol=1e-6, atol=1e-9)
    # the monotone critical values (qtukey: about 1e-6 relative)
    assert_allclose(mc.critical["quantile"], crit["q"], rtol=2e-5)


def test_regwq_critical_values_are_made_monotone():
    # Minnesota 2012 (8 means, 21 df): the raw q_7 = Q⁻¹(0.95; 7, 21) is below
    # q_6 = Q⁻¹(0.95^(6/8); 6, 21); the critical value of span 7 is raised to q_6
    _, crit = _definition("minnesota", 0.05)
    assert crit["q_raw"].iloc[5] < crit["q_raw"].iloc[4]
    mc = fo.regwq(_anova(_relabel(_data("minnesota"))))
    q = mc.critical["quantile"].to_numpy()
    assert np.all(np.diff(q) >= 0)
    assert q[5] == q[4]


def test_regwq_spans_follow_the_means_not_the_labels():
    # agricolae 1.3-7 takes the span of a pair from the order of the labels (cc, fc, ff, oo)
    # although the means order fc < cc < ff < oo; here the spans follow the means, so the
    # p-value of cc vs ff (neighbours in the means) is that of a span of 2, not 3.
    d = _data("sweetpotato")
    mc = fo.regwq(_anova(d), stepdown=False)
    bug = pd.read_csv(DES / "regw_agricolae_label_order_sweetpotato.csv")
    relabelled = fo.regwq(_anova(_relabel(d)), stepdown=False)
    mine = mc.pairs.set_index(["treatment_a", "treatment_b"])["p"]
    right = relabelled.pairs.set_index(["treatment_a", "treatment_b"])["p"]
    assert_allclose(
        mine[("cc", "ff")],
        right[("2_ff", "3_cc") if ("2_ff", "3_cc") in right.index else ("3_cc", "2_ff")],
        rtol=1e-12,
    )
    wrong = bug.set_index(["treatment_a", "treatment_b"])["p_round4"][("cc", "ff")]
    assert abs(mine[("cc", "ff")] - wrong) > 1e-3


# ---------------------------------------------------------------------------
# Waller–Duncan
# ---------------------------------------------------------------------------
def test_waller_t_matches_arbitrary_precision():
    ref = pd.read_csv(DES / "waller_t_mpmath.csv")
    got = [waller_t(r.K, r.q, r.f, r.fval) for r in ref.itertuples()]
    # double-exponential quadrature and Brent's root against 30-digit mpmath: 1e-10 covers both
    assert_allclose(got, ref["waller_t"], rtol=1e-10)


def test_waller_t_matches_agricolae_to_its_precision():
    ref = pd.read_csv(DES / "waller_t_agricolae.csv")
    got = np.array([waller_t(r.K, r.q, r.f, r.fval) for r in ref.itertuples()])
    many = (ref["q"] > 1).to_numpy()
    # agricolae bisects to 5e-4 and rounds to 3 decimals; R's integrate adds up to ~7e-4
    assert_allclose(got[many], ref.loc[many, "waller_agricolae"], atol=2e-3)
    # two means (q = 1): the integrands decay only as x^(-3/2) and R's integrate loses up to
    # 0.02 (the mpmath values agree with fertopt's, test_waller_t_matches_arbitrary_precision)
    assert_allclose(got[~many], ref.loc[~many, "waller_agricolae"], atol=0.025)


def test_waller_t_limit_is_the_normal_k_ratio_value():
    # F and f → ∞: t_B solves K = (φ(t) + tΦ(t)) / (φ(t) − tΦ(−t)); for K = 100, t = 1.7211
    # (Waller & Duncan 1969, Table; the "1.72" of large-sample Waller tables)
    from scipy import optimize, stats

    def limit(t):
        return (stats.norm.pdf(t) + t * stats.norm.cdf(t)) / (
            stats.norm.pdf(t) - t * stats.norm.sf(t)
        ) - 100

    exact = optimize.brentq(limit, 0.5, 4)
    # F = f = 1e6 is not yet the limit: agreement to 1e-4
    assert_allclose(waller_t(100, 2, 1e6, 1e6), exact, atol=1e-4)


@pytest.mark.parametrize("k", [50, 100, 500])
@pytest.mark.parametrize("name", CASES)
def test_waller_matches_agricolae(name, k):
    d = _data(name)
    mc = fo.waller(_anova(d), k=k)
    stats_ = pd.read_csv(DES / "waller_agricolae_statistics.csv")
    s = stats_[(stats_["dataset"] == name) & (stats_["K"] == k)].iloc[0]
    crit = mc.critical.iloc[0]
    # the F of the ANOVA table (type 1, block first): R's aov to 1e-10
    assert_allclose(crit["f_value"], s["f_value"], rtol=1e-10)
    assert_allclose(mc.mse, s["mse"], rtol=1e-10)
    # agricolae's t_B: see test_waller_t_matches_agricolae_to_its_precision
    assert_allclose(crit["quantile"], s["waller_t"], atol=2e-3)
    pairs = pd.read_csv(DES / "waller_agricolae_pairs.csv")
    pairs = pairs[(pairs["dataset"] == name) & (pairs["K"] == k)]
    mine = mc.pairs.set_index(["treatment_a", "treatment_b"])
    for _, r in pairs.iterrows():
        key = (str(r["treatment_a"]), str(r["treatment_b"]))
        row, sign = (mine.loc[key], 1.0) if key in mine.index else (mine.loc[key[::-1]], -1.0)
        assert_allclose(sign * row["diff"], r["difference"], rtol=1e-12)
        # agricolae's rounded t_B moves the critical difference by < 2e-3 · SE: decisions
        # agree unless a difference sits that close to it (none does in these data)
        margin = abs(abs(row["statistic"]) - crit["quantile"])
        if margin > 2e-3:
            assert bool(row["significant"]) == bool(r["significant"]), key
    groups = pd.read_csv(DES / "waller_agricolae_groups.csv", dtype={"treatment": str})
    groups = groups[(groups["dataset"] == name) & (groups["K"] == k)]
    assert list(mc.groups["treatment"].astype(str)) == list(groups["treatment"])
    assert list(mc.groups["letters"]) == list(groups["letters"])


def test_waller_harmonic_replication_uses_one_critical_difference():
    d = _data("chickwts")
    with pytest.warns(fo.UnbalancedDesignWarning, match="harmonic mean"):
        mc = fo.waller(_anova(d), replication="harmonic")
    n = d.groupby("trt").size().to_numpy()
    nh = len(n) / np.sum(1.0 / n)
    # closed form: t_B √(2 MSE / n_h) for every pair
    assert_allclose(
        mc.pairs["critical_range"], mc.critical["quantile"].iloc[0] * np.sqrt(2 * mc.mse / nh)
    )


def test_waller_from_means_takes_the_f_of_the_means():
    means = {"A": 24.0, "B": 21.5, "C": 20.9, "D": 17.0}
    mc = fo.waller_from_means(means=means, n=5, mse=3.2, df_resid=16)
    m = np.array(list(means.values()))
    f = 5 * np.sum((m - m.mean()) ** 2) / 3 / 3.2  # closed form
    assert_allclose(mc.critical["f_value"].iloc[0], f, rtol=1e-14)
    given = fo.waller_from_means(means=means, n=5, mse=3.2, df_resid=16, f_value=2.0)
    assert given.critical["f_value"].iloc[0] == 2.0
    assert given.critical["quantile"].iloc[0] > mc.critical["quantile"].iloc[0]
    assert np.isnan(mc.alpha) and mc.k_ratio == 100
    assert mc.pairs["p"].isna().all()


@pytest.mark.parametrize("bad", [1, 0.5, -3, float("nan"), "100", True])
def test_waller_refuses_a_bad_k(bad):
    with pytest.raises(fo.OptionError, match="k="):
        fo.waller_from_means(means=[1.0, 2.0, 3.0], n=3, mse=1.0, df_resid=6, k=bad)


def test_waller_within_slices_use_the_f_of_each_slice():
    oats = pd.read_csv(REF / "multcomp_data_oats.csv")
    aov = fo.anova(oats, response="yield", treatment=["Variety", "nitro"], block="Block")
    mc = fo.waller(aov, term="nitro", within="Variety")
    for v, fam in mc.groups.groupby("within"):
        f = fam["n"].to_numpy() * (fam["mean"] - fam["mean"].mean()) ** 2
        expected = f.sum() / (len(fam) - 1) / mc.mse  # balanced: closed form
        got = mc.critical.loc[mc.critical["within"] == v, "f_value"].iloc[0]
        assert_allclose(got, expected, rtol=1e-12)
    assert any("F ratio of the means compared" in n for n in mc.notes)


def test_summaries_read_in_chinese():
    mc = fo.waller_from_means(means=[10.0, 12.0, 15.0, 11.0], n=4, mse=2.0, df_resid=12)
    text = mc.summary(lang="zh")
    assert "K 比值" in str(text) and "Waller–Duncan" in str(text)
    mc = fo.regwq_from_means(means=[10.0, 12.0, 15.0, 11.0], n=4, mse=2.0, df_resid=12)
    assert "REGWQ" in str(mc.summary(lang="zh"))


@pytest.mark.parametrize("test", ["regwq", "waller"])
def test_means_option_on_missing_plots(test):
    # two plots missing: "ls" compares the block-adjusted LS-means (fo.lsmeans, checked against
    # emmeans in test_lsmeans.py), "arithmetic" the plain plot means (computed here with pandas)
    d = fo.load_dataset("minnesota_2012").drop(index=[0, 5])
    with pytest.warns(fo.UnbalancedDesignWarning):
        aov = fo.anova(d, response="yld_grain_dry_kgha", treatment="trt", block="rep")
    ls = fo.lsmeans(aov, term="trt").table.set_index("level")["lsmean"]
    plain = d.groupby(d["trt"].astype(str))["yld_grain_dry_kgha"].mean()
    run = getattr(fo, test)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.UnbalancedDesignWarning)
        for kind, expected in (("ls", ls), ("arithmetic", plain)):
            res = run(aov, means=kind)
            assert res.means == kind
            got = res.groups.set_index(res.groups["treatment"].astype(str))["mean"]
            np.testing.assert_allclose(  # the same numbers, summed in another order
                got.sort_index().to_numpy(), expected.sort_index().to_numpy(), rtol=1e-12
            )
