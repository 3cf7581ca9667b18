"""REGWQ and Waller–Duncan wherever the other letter tests are: report, batch, command line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import fertopt as fo
from fertopt import cli
from fertopt.multcomp import LETTER_TESTS, letter_test


def simulated_trials(n_trials: int = 6, seed: int = 14) -> pd.DataFrame:
    """RCBD trials of 5 N rates in 4 blocks; the true yield rises by 0.8 t/ha per rate step.

    Known truth: trial effects, block effects and a linear rate effect with plot noise of
    SD 0.4, so the letters separate the extreme rates and run together the neighbours.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for t in range(n_trials):
        site = rng.normal(8.0, 1.0)
        blocks = rng.normal(0.0, 0.3, 4)
        for b in range(4):
            for i, rate in enumerate((0, 60, 120, 180, 240)):
                y = site + blocks[b] + 0.8 * i + rng.normal(0.0, 0.4)
                rows.append((f"T{t}", f"R{b + 1}", f"N{rate}", rate, y))
    return pd.DataFrame(rows, columns=["trial", "rep", "trt", "N", "y"])


def test_letter_tests_include_regwq_and_waller():
    assert list(LETTER_TESTS)[-2:] == ["regwq", "waller"]
    assert LETTER_TESTS["regwq"] is fo.regwq
    assert LETTER_TESTS["waller"] is fo.waller


def test_letter_test_gives_each_test_its_options():
    data = simulated_trials(1)
    aov = fo.anova(data, response="y", treatment="trt", block="rep")
    a = letter_test("regwq", aov, alpha=0.01)
    b = fo.regwq(aov, alpha=0.01)
    pd.testing.assert_frame_equal(a.groups, b.groups)
    # Waller–Duncan has no level: alpha is not handed on, the k-ratio stays 100
    w = letter_test("waller", aov, alpha=0.01)
    assert w.k_ratio == 100
    pd.testing.assert_frame_equal(w.groups, fo.waller(aov).groups)
    with pytest.raises(fo.OptionError, match="posthoc='regw'.*Did you mean 'regwq'"):
        letter_test("regw", aov)


@pytest.mark.parametrize("test", ["regwq", "waller"])
@pytest.mark.parametrize("engine", ["vectorized", "python"])
def test_batch_letters_equal_the_single_trial_test(test, engine):
    data = simulated_trials(6)
    res = fo.run_batch(
        data, by="trial", response="y", treatment="trt", block="rep", posthoc=test, engine=engine
    )
    # the vectorized kernels know only the five classical tests: every trial goes per trial
    assert res.n_vectorized == 0
    assert len(res.table) == 6 and not len(res.failures)
    for trial, frame in data.groupby("trial"):
        aov = fo.anova(frame, response="y", treatment="trt", block="rep")
        mc = fo.regwq(aov) if test == "regwq" else fo.waller(aov)
        got = res.groups[res.groups["trial"] == trial].reset_index(drop=True)
        want = mc.groups
        assert got["treatment"].astype(str).tolist() == want["treatment"].astype(str).tolist()
        assert got["letters"].tolist() == want["letters"].tolist()
        # the same function on the same rows: equal to the last bit but for the copy
        np.testing.assert_allclose(got["mean"], want["mean"], rtol=1e-15)
    # the truth: 0.8 t/ha per step against plot SD 0.4 in 4 blocks separates N0 from N240
    for trial in data["trial"].unique():
        g = res.groups[res.groups["trial"] == trial].set_index("treatment")["letters"]
        assert not set(g["N0"]) & set(g["N240"])


def test_batch_still_vectorizes_the_classical_tests():
    data = simulated_trials(6)
    res = fo.run_batch(data, by="trial", response="y", treatment="trt", block="rep")
    assert res.n_vectorized == 6


@pytest.mark.parametrize("test", ["regwq", "waller"])
def test_report_letters_are_the_test(test):
    data = simulated_trials(1)
    rep = fo.trial_report(
        data, response="y", treatment="trt", block="rep", posthoc=test, figures=False
    )
    aov = fo.anova(data, response="y", treatment="trt", block="rep")
    want = fo.regwq(aov) if test == "regwq" else fo.waller(aov)
    (mc,) = rep.comparisons
    # the report adds 1 % capitals beside the letters; the rest is the test's own table
    pd.testing.assert_frame_equal(mc.groups[list(want.groups.columns)], want.groups)
    text = rep.to_text()
    assert ("K = 100" in text) == (test == "waller")
    zh = fo.trial_report(
        data, response="y", treatment="trt", block="rep", posthoc=test, lang="zh", figures=False
    )
    assert ("K = 100" in zh.to_text()) == (test == "waller")


@pytest.mark.parametrize("test", ["regwq", "waller"])
def test_cli_offers_the_tests(test, tmp_path, capsys):
    path = tmp_path / "trial.csv"
    simulated_trials(1).drop(columns="trial").to_csv(path, index=False)
    rc = cli.main(
        ["analyze", str(path), "--response", "y", "--treatment", "trt", "--block", "rep",
         "--posthoc", test]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert rc == 0
    assert ("Waller" in out) == (test == "waller")
    assert ("REGWQ" in out) == (test == "regwq")
    many = tmp_path / "many.csv"
    simulated_trials(3).to_csv(many, index=False)
    out_file = tmp_path / "out.csv"
    rc = cli.main(
        ["batch", str(many), "--by", "trial", "--response", "y", "--treatment", "trt",
         "--block", "rep", "--posthoc", test, "--out", str(out_file)]
    )  # fmt: skip
    assert rc == 0
    assert set(pd.read_csv(out_file)["trial"]) == {"T0", "T1", "T2"}
