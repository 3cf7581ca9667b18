"""Tables computed when first read (``fertopt._core.deferred``) behave as ordinary fields.

The ANOVA's assumption checks, the pairs and critical values behind letters, and a response
fit's lack-of-fit test, plot table, covariance and block effects are laid out on first read.
These tests check what a reader can observe: the values (against scipy and closed forms, not
against fertopt), that a result still pickles and stays frozen, and that a table is computed
once and then kept.
"""

from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

import fertopt as fo


@pytest.fixture
def trial() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rates = np.repeat([0.0, 60, 120, 180, 240], 4)
    rep = np.tile(["I", "II", "III", "IV"], 5)
    y = 4000 + 20 * rates - 0.05 * rates**2 + rng.normal(0, 150, rates.size)
    return pd.DataFrame({"N": rates, "rep": rep, "yield": y})


def test_assumption_checks_read_late_equal_scipy(trial):
    aov = fo.anova(trial, response="yield", treatment="N", block="rep")
    resid = aov.residuals.to_numpy()
    groups = [resid[(trial["N"] == r).to_numpy()] for r in sorted(trial["N"].unique())]
    table = aov.assumptions.set_index("test")
    # scipy on the same residuals is the reference; the sums have 20 terms, so 1e-12 relative
    # is rounding
    shapiro = stats.shapiro(resid)
    levene = stats.levene(*groups, center="median")
    bartlett = stats.bartlett(*groups)
    assert_allclose(
        table.loc["Shapiro-Wilk (normality)", ["statistic", "p"]].to_numpy(float),
        [shapiro.statistic, shapiro.pvalue],
        rtol=1e-12,
    )
    assert_allclose(
        table.loc["Levene / Brown-Forsythe (equal variances)", ["statistic", "p"]].to_numpy(float),
        [levene.statistic, levene.pvalue],
        rtol=1e-12,
    )
    assert_allclose(
        table.loc["Bartlett (equal variances)", ["statistic", "p"]].to_numpy(float),
        [bartlett.statistic, bartlett.pvalue],
        rtol=1e-12,
    )


def test_fit_tables_read_late_equal_closed_forms(trial):
    fit = fo.fit_response(trial, response="yield", rate="N", block="rep", model="quadratic")
    # the plot table: fitted + residual = response, and the residual SS is the fit's SSE
    data = fit.data
    assert_allclose(data["fitted"] + data["residual"], trial["yield"], rtol=1e-12)
    assert_allclose((data["residual"] ** 2).sum(), fit.sse, rtol=1e-10)
    # lack of fit: pure error is the within-rate-and-block residual SS of the cell-means
    # model (a two-way additive model rate + block, fitted here with numpy)
    X = np.column_stack(
        [
            np.ones(len(trial)),
            pd.get_dummies(trial["N"], drop_first=True, dtype=float).to_numpy(),
            pd.get_dummies(trial["rep"], drop_first=True, dtype=float).to_numpy(),
        ]
    )
    beta, *_ = np.linalg.lstsq(X, trial["yield"].to_numpy(), rcond=None)
    ss_pe = float(np.sum((trial["yield"].to_numpy() - X @ beta) ** 2))
    lof = fit.lack_of_fit.set_index("source")
    # two least-squares fits of 20 plots agree to rounding; 1e-9 relative leaves room for it
    assert_allclose(lof.loc["pure_error", "ss"], ss_pe, rtol=1e-9)
    assert_allclose(lof.loc["lack_of_fit", "ss"], fit.sse - ss_pe, rtol=1e-9)
    # the covariance table is the curve's covariance, labelled by parameter
    assert list(fit.vcov.index) == list(fit.params["term"])
    assert_allclose(fit.vcov.to_numpy(), fit.curve.vcov, rtol=0)
    assert_allclose(np.sqrt(np.diag(fit.vcov.to_numpy())), fit.params["se"], rtol=1e-12)
    assert list(fit.block_effects["block"]) == ["I", "II", "III", "IV"]


def test_pairs_read_late_agree_with_letters(trial):
    aov = fo.anova(trial, response="yield", treatment="N", block="rep")
    mc = fo.duncan(aov)
    pairs = mc.pairs
    assert len(pairs) == 10  # 5 rates, 10 pairs
    # the pairs' differences are differences of the means in the groups table
    means = dict(zip(mc.groups["treatment"], mc.groups["mean"], strict=True))
    assert_allclose(
        pairs["diff"],
        [
            means[a] - means[b]
            for a, b in zip(pairs["treatment_a"], pairs["treatment_b"], strict=True)
        ],
        rtol=1e-12,
    )
    # two treatments share a letter exactly when their pair is not significant
    letters = dict(zip(mc.groups["treatment"], mc.groups["letters"], strict=True))
    for a, b, sig in zip(
        pairs["treatment_a"], pairs["treatment_b"], pairs["significant"], strict=True
    ):
        assert (not set(letters[a]) & set(letters[b])) == bool(sig)
    assert list(mc.critical["span"]) == [2, 3, 4, 5]


@pytest.mark.parametrize("read_first", [False, True])
def test_results_pickle_and_stay_frozen(trial, read_first):
    aov = fo.anova(trial, response="yield", treatment="N", block="rep")
    mc = fo.duncan(aov)
    fit = fo.fit_response(trial, response="yield", rate="N", block="rep", model="quadratic")
    tables = {
        aov: ("assumptions",),
        mc: ("pairs", "critical"),
        fit: ("lack_of_fit", "data", "vcov", "block_effects"),
    }
    for result, names in tables.items():
        if read_first:
            for name in names:
                getattr(result, name)
        copy = pickle.loads(pickle.dumps(result))
        for name in names:
            pd.testing.assert_frame_equal(getattr(copy, name), getattr(result, name))
            # computed once, then the same object on every read
            assert getattr(result, name) is getattr(result, name)
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(result, name, None)


def test_to_dict_and_replace_see_the_tables(trial):
    aov = fo.anova(trial, response="yield", treatment="N", block="rep")
    out = aov.to_dict()
    assert [row["test"] for row in out["assumptions"]][0] == "Shapiro-Wilk (normality)"
    other = dataclasses.replace(aov, response="yield2")
    pd.testing.assert_frame_equal(other.assumptions, aov.assumptions)
