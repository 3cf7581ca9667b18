"""Split-split-plot and strip-plot trials through the recogniser, ``fertopt analyze`` and
``trial_report``.

The field books are the generators' own (with their plot-number columns), the yields simulated
with known, additive effects and one error per stratum.  The expected ANOVA tables are those of
``fo.anova`` with the roles given explicitly, which tests/test_split_split_strip.py checks
against R; here the question is only whether the recogniser, the command line and the report
arrive at that same analysis.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import fertopt as fo
from fertopt.cli import main

# the same arithmetic on the same data: only floating-point noise may differ
TOL = 1e-12

SSP_ROLES = {"main_plot": "irrigation", "sub_plot": "variety", "sub_sub_plot": "K"}
STRIP_ROLES = {"horizontal": "irrigation", "vertical": "variety"}


def _split_split_book() -> pd.DataFrame:
    book = fo.design.split_split_plot(
        {"irrigation": ["dry", "wet"]},
        {"variety": ["A", "B", "C"]},
        {"K": [0, 60, 120]},
        reps=4,
        rng=11,
    ).table
    rng = np.random.default_rng(5)
    effect = {"dry": 0.0, "wet": 1.2, "A": 0.0, "B": 0.5, "C": -0.3}
    main_err = {k: rng.normal(0, 0.15) for k in book.groupby(["block", "main_plot"]).groups}
    sub_err = {
        k: rng.normal(0, 0.1) for k in book.groupby(["block", "main_plot", "sub_plot"]).groups
    }
    y = [
        6.0
        + effect[r.irrigation]
        + effect[r.variety]
        + 0.004 * r.K
        + 0.1 * r.block
        + main_err[(r.block, r.main_plot)]
        + sub_err[(r.block, r.main_plot, r.sub_plot)]
        for r in book.itertuples()
    ]
    return book.assign(grain=np.array(y) + rng.normal(0, 0.08, len(book)))


def _strip_book() -> pd.DataFrame:
    book = fo.design.strip_plot(
        {"irrigation": ["dry", "mid", "wet"]}, {"variety": ["A", "B", "C", "D"]}, reps=4, rng=3
    ).table
    rng = np.random.default_rng(9)
    effect = {"dry": 0.0, "mid": 0.6, "wet": 1.1, "A": 0.0, "B": 0.4, "C": -0.2, "D": 0.2}
    h_err = {k: rng.normal(0, 0.15) for k in book.groupby(["block", "h_strip"]).groups}
    v_err = {k: rng.normal(0, 0.15) for k in book.groupby(["block", "v_strip"]).groups}
    y = [
        5.0
        + effect[r.irrigation]
        + effect[r.variety]
        + h_err[(r.block, r.h_strip)]
        + v_err[(r.block, r.v_strip)]
        for r in book.itertuples()
    ]
    return book.assign(grain=np.array(y) + rng.normal(0, 0.08, len(book)))


@pytest.fixture(scope="module")
def ssp() -> pd.DataFrame:
    book = _split_split_book()
    assert (book["grain"] > 0).all()
    return book


@pytest.fixture(scope="module")
def strip() -> pd.DataFrame:
    book = _strip_book()
    assert (book["grain"] > 0).all()
    return book


def _table(records) -> pd.DataFrame:
    return pd.DataFrame(records).set_index("source")[["df", "ss", "ms", "f", "p"]]


def _expected(data, roles) -> pd.DataFrame:
    aov = fo.anova(data, response="grain", block="block", **roles)
    return _table(aov.to_dict()["table"])


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.index) == list(want.index)
    assert_allclose(got.to_numpy(float), want.to_numpy(float), rtol=TOL, atol=TOL)


# -- the recogniser -----------------------------------------------------------------------
def test_plot_numbers_are_plot_numbers_and_the_factors_are_found(ssp, strip):
    plan = fo.plan_analysis(ssp, response="grain", block="block", treatment="treatment")
    assert plan.design == "split_split_plot"
    assert (plan.main_plot, plan.sub_plot, plan.sub_sub_plot) == ("irrigation", "variety", "K")
    assert "Split-split-plot" in plan.reason and "plot numbers (main_plot, sub_plot)" in plan.reason
    assert "再裂区" in plan.describe("zh")
    plan = fo.plan_analysis(strip, response="grain", block="block")  # no treatment column named
    assert plan.design == "strip_plot"
    assert (plan.horizontal, plan.vertical) == ("irrigation", "variety")
    assert "Strip-plot" in plan.reason and "条区" in plan.describe("zh")
    assert plan.anova_roles() == {"response": "grain", **STRIP_ROLES, "block": "block"}


def test_explicit_roles_and_design(ssp, strip):
    plan = fo.plan_analysis(ssp, response="grain", block="block", **SSP_ROLES)
    assert plan.design == "split_split_plot" and "as given" in plan.reason
    assert set(plan.given) == set(SSP_ROLES)
    plan = fo.plan_analysis(ssp, response="grain", block="block", design="split-split-plot")
    assert plan.sub_sub_plot == "K"
    plan = fo.plan_analysis(strip, response="grain", block="block", **STRIP_ROLES)
    assert plan.design == "strip_plot" and "as given" in plan.reason
    # the summary names the strata
    assert "Vertical strips" in plan.summary().as_text()


def test_a_split_plot_book_without_sub_sub_factor_is_a_split_plot(ssp):
    # one sub-sub level only: the sub-plots are the plots
    one = ssp[ssp["K"] == 60].drop(columns=["K", "treatment", "plot"])
    plan = fo.plan_analysis(one, response="grain", block="block")
    assert plan.design == "split_plot"
    assert (plan.main_plot, plan.sub_plot) == ("irrigation", "variety")


def test_unclear_layouts_stop_naming_the_options(ssp, strip):
    # a second column that names the main-plot levels: which is the factor is not clear
    twin = ssp.assign(water=ssp["irrigation"].map({"dry": "low", "wet": "high"}))
    with pytest.raises(fo.OptionError, match="--main-plot COL --sub-plot COL --sub-sub-plot"):
        fo.plan_analysis(twin, response="grain", block="block", treatment="treatment")
    twin = strip.assign(cultivar=strip["variety"].str.lower())
    with pytest.raises(fo.OptionError, match="--horizontal COL --vertical COL"):
        fo.plan_analysis(twin, response="grain", block="block")
    # a design asked for that the table cannot give
    plain = strip.drop(columns=["h_strip", "v_strip"])
    with pytest.raises(fo.OptionError, match="--horizontal and --vertical"):
        fo.plan_analysis(plain, response="grain", block="block", design="strip_plot")
    with pytest.raises(fo.OptionError, match="--sub-sub-plot"):
        fo.plan_analysis(plain, response="grain", block="block", design="split_split_plot")
    with pytest.raises(fo.OptionError, match="--block"):
        fo.plan_analysis(ssp, response="grain", **SSP_ROLES)


# -- the command line -----------------------------------------------------------------------
@pytest.mark.parametrize("explicit", [False, True], ids=["recognised", "given"])
@pytest.mark.parametrize("which", ["split_split", "strip"])
def test_analyze_gives_the_anova_of_the_explicit_roles(
    which, explicit, ssp, strip, tmp_path, capsys
):
    data, roles = (ssp, SSP_ROLES) if which == "split_split" else (strip, STRIP_ROLES)
    path = tmp_path / f"{which}.csv"
    data.to_csv(path, index=False)
    args = ["analyze", str(path), "--response", "grain", "--block", "block", "--format", "json"]
    if explicit:
        for role, column in roles.items():
            args += [f"--{role.replace('_', '-')}", column]
    assert main(args) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    _same(_table(report["anova"]["table"]), _expected(data, roles))
    word = "Split-split-plot" if which == "split_split" else "Strip-plot"
    assert f"design: {word}" in err
    assert report["plan"]["design"] == f"{which}_plot"


def test_analyze_stops_on_an_unclear_layout(strip, tmp_path, capsys):
    path = tmp_path / "twin.csv"
    strip.assign(cultivar=strip["variety"].str.lower()).to_csv(path, index=False)
    code = main(["analyze", str(path), "--response", "grain", "--block", "block"])
    assert code != 0
    assert "--horizontal COL --vertical COL" in capsys.readouterr().err


# -- the report -------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["split_split", "strip"])
def test_report_shows_three_errors_and_letters_with_their_error(which, ssp, strip):
    data, roles = (ssp, SSP_ROLES) if which == "split_split" else (strip, STRIP_ROLES)
    rep = fo.trial_report(data, response="grain", block="block", figures=False, **roles)
    want = _expected(data, roles)
    _same(_table(rep.anova.to_dict()["table"]), want)
    text = rep.to_text()
    for error in ("Error a", "Error b", "Error c"):
        assert error in text
    # each factor's letters rest on its own error: a for the main plots / horizontal strips,
    # b for the sub-plots / vertical strips, c for the sub-sub-plots
    errors = dict(zip(roles.values(), ("Error a", "Error b", "Error c"), strict=False))
    assert [mc.term for mc in rep.comparisons] == list(roles.values())
    for mc in rep.comparisons:
        row = want.loc[errors[mc.term]]
        assert_allclose([mc.mse, mc.df_resid], [row["ms"], row["df"]], rtol=TOL)
    zh = fo.trial_report(data, response="grain", block="block", figures=False, lang="zh", **roles)
    assert ("再裂区" if which == "split_split" else "条区") in zh.to_text()
