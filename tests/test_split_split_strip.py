"""Split-split-plot and strip-plot: ANOVA with three error strata, comparisons with the right error,
field-book generators.

References (tests/reference/designs/, written by ``split_split_strip.R``):
- base R ``aov`` with ``Error()`` strata on Gomez & Gomez (1984) data from agridat
  (``gomez.splitsplit``, ``gomez.stripplot``);
- agricolae 1.3-7 ``ssp.plot`` and ``strip.plot``;
- Gomez & Gomez's standard errors of mean differences with Satterthwaite's df;
- the published F values of Gomez & Gomez Table 3.15 (strip-plot).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import fertopt as fo
from fertopt.multcomp.strata import error_weights

DES = Path(__file__).parent / "reference" / "designs"
ERR = {"split-split": ("rep:nitro", "rep:nitro:management", "Within")}
ERR["strip"] = ("rep:gen", "rep:nitro", "rep:gen:nitro")


@pytest.fixture(scope="module")
def splitsplit():
    d = pd.read_csv(DES / "gomez_splitsplit.csv")
    return fo.anova(
        d, response="yield", main_plot="nitro", sub_plot="management", sub_sub_plot="gen",
        block="rep",
    )  # fmt: skip


@pytest.fixture(scope="module")
def strip():
    d = pd.read_csv(DES / "gomez_stripplot.csv")
    return fo.anova(d, response="yield", horizontal="gen", vertical="nitro", block="rep")


def _strata(design: str) -> pd.DataFrame:
    ref = pd.read_csv(DES / "designs_aov_strata.csv")
    return ref[ref["design"] == design]


def _check_table(aov, design: str) -> None:
    ref = _strata(design)
    table = aov.table.set_index("source")
    names = dict(zip(ERR[design], ("Error a", "Error b", "Error c"), strict=True))
    for _, r in ref.iterrows():
        if r["stratum"] == "rep":
            continue  # the block row is checked apart (tested against error a, or not at all)
        source = names[r["stratum"]] if r["source"] == "Residuals" else r["source"]
        if source == "rep":
            source = "rep"
        row = table.loc[source]
        # sums of squares by orthogonal projections vs R's QR: agreement to 1e-10 relative
        assert_allclose(row["df"], r["df"], rtol=0)
        assert_allclose([row["ss"], row["ms"]], [r["ss"], r["ms"]], rtol=1e-10)
        if np.isfinite(r["f"]):
            assert_allclose([row["f"], row["p"]], [r["f"], r["p"]], rtol=1e-9)
        else:
            assert np.isnan(row["f"])


def test_split_split_plot_table_matches_aov_error_strata(splitsplit):
    _check_table(splitsplit, "split-split")
    assert list(splitsplit.table["source"]) == [
        "rep", "nitro", "Error a", "management", "nitro:management", "Error b",
        "gen", "nitro:gen", "management:gen", "nitro:management:gen", "Error c",
    ]  # fmt: skip
    # blocks against error a (R: MS rep / MS error a; agricolae::ssp.plot uses error c instead)
    ref = _strata("split-split")
    rep = ref[ref["stratum"] == "rep (against error a)"].iloc[0]
    row = splitsplit.term("rep")
    assert_allclose([row["f"], row["p"]], [rep["f"], rep["p"]], rtol=1e-9)
    assert splitsplit.design == "split-split-plot RCBD"
    assert splitsplit.df_resid == 60


def test_strip_plot_table_matches_aov_and_gomez(strip):
    _check_table(strip, "strip")
    assert list(strip.table["source"]) == [
        "rep", "gen", "Error a", "nitro", "Error b", "gen:nitro", "Error c",
    ]  # fmt: skip
    assert np.isnan(strip.term("rep")["f"])  # blocks have no error stratum to be tested against
    # Gomez & Gomez (1984) Table 3.15, as printed (4 significant digits)
    f = strip.table.set_index("source")["f"]
    assert round(f["gen"], 3) == 7.653
    assert round(f["nitro"], 2) == 34.07
    assert round(f["gen:nitro"], 3) == 5.801


@pytest.mark.parametrize("design", ["split-split", "strip"])
def test_tables_match_agricolae(design, splitsplit, strip):
    aov = splitsplit if design == "split-split" else strip
    ref = pd.read_csv(DES / "designs_agricolae_anova.csv")
    ref = ref[ref["design"] == design]
    table = aov.table.set_index("source")
    rename = {"Ea": "Error a", "Eb": "Error b", "Ec": "Error c"}
    for _, r in ref.iterrows():
        source = rename.get(r["source"], r["source"])
        if source not in table.index:  # agricolae writes gen:nitro as ssplot:pplot order
            parts = source.split(":")
            source = next(s for s in table.index if sorted(s.split(":")) == sorted(parts))
        row = table.loc[source]
        assert_allclose([row["df"], row["ss"]], [r["df"], r["ss"]], rtol=1e-10)
        if source == "rep":
            continue  # ssp.plot tests blocks against error c, strip.plot not at all
        if np.isfinite(r["f"]):
            assert_allclose(row["f"], r["f"], rtol=1e-10)
            # agricolae's p is 1 - pf(): absolute error down to 1e-16
            assert_allclose(row["p"], r["p"], rtol=1e-9, atol=2e-16)


@pytest.mark.parametrize("design", ["split-split", "strip"])
def test_cv_of_each_error(design, splitsplit, strip):
    aov = splitsplit if design == "split-split" else strip
    ref = _strata(design)
    mean = aov.data[aov.response].mean()
    ms = [
        ref[(ref["stratum"] == s) & (ref["source"] == "Residuals")]["ms"].iloc[0]
        for s in ERR[design]
    ]
    # closed form 100 √E / grand mean
    assert_allclose(aov.errors["cv"], [100 * math.sqrt(m) / mean for m in ms], rtol=1e-10)
    assert list(aov.errors["error"]) == ["Error a", "Error b", "Error c"]


COMPARISONS = pd.read_csv(DES / "designs_comparison_errors.csv", keep_default_na=False)


@pytest.mark.parametrize(
    "case", COMPARISONS.to_dict("records"), ids=lambda c: f"{c['design']}-{c['term']}-{c['within']}"
)
def test_comparisons_use_gomez_errors(case, splitsplit, strip):
    aov = splitsplit if case["design"] == "split-split" else strip
    within = case["within"].split(":") if case["within"] else None
    if within is None and case["term"] != "management":  # an interaction with it is significant
        with pytest.warns(fo.DesignWarning, match="interaction is significant"):
            mc = fo.lsd(aov, term=case["term"], within=within)
    else:
        mc = fo.lsd(aov, term=case["term"], within=within)
    # MS and Satterthwaite df from R's aov mean squares and the book's formulas
    assert_allclose([mc.mse, mc.df_resid], [case["mse"], case["df"]], rtol=1e-10)
    assert_allclose(mc.pairs["se"], case["se_diff"], rtol=1e-10)
    assert (mc.groups["n"] == case["n"]).all()


def test_mixed_cells_are_refused(splitsplit, strip):
    with pytest.raises(fo.DesignError, match="term='nitro', within='management'"):
        fo.duncan(splitsplit, term="nitro:management")
    with pytest.raises(fo.DesignError, match="different errors"):
        fo.tukey(strip, term="gen:nitro")
    # cells of sub-sub-plot levels within a main-plot level mix errors b and c
    with pytest.raises(fo.DesignError, match="different errors"):
        fo.lsd(splitsplit, term="management:gen", within="nitro")


def test_general_strata_weights_reproduce_the_split_plot_rule():
    # (Ea + (b − 1) Eb) / b of Gomez & Gomez ch. 3, for b = 2 … 6
    for b in range(2, 7):
        w = error_weights(["A", "B"], [3, b], {"A": "a", "B": "b", "A:B": "b"}, ["A"], ["B"])
        assert_allclose([w.weights["a"], w.weights["b"]], [1 / b, (b - 1) / b], rtol=1e-12)
        w = error_weights(["A", "B"], [3, b], {"A": "a", "B": "b", "A:B": "b"}, ["B"], ["A"])
        assert w.weights == {"b": pytest.approx(1.0, rel=1e-12)}


def test_new_regwq_and_waller_use_the_strata(splitsplit):
    mc = fo.regwq(splitsplit, term="nitro", within="management")
    ref = COMPARISONS[(COMPARISONS["term"] == "nitro") & (COMPARISONS["within"] == "management")]
    assert_allclose(mc.df_resid, ref["df"].iloc[0], rtol=1e-10)
    with pytest.warns(fo.DesignWarning, match="nitro:gen interaction"):
        wd = fo.waller(splitsplit, term="gen")
    # a whole term against its own error: the F of the ANOVA table
    assert_allclose(wd.critical["f_value"].iloc[0], splitsplit.term("gen")["f"], rtol=1e-14)


def test_summaries_name_the_three_errors(splitsplit, strip):
    text = str(splitsplit.summary(lang="zh"))
    assert "裂裂区设计" in text and "误差 c" in text and "变异系数（误差 c）" in text
    text = str(strip.summary())
    assert "strip-plot RCBD: 6 horizontal × 3 vertical strips × 3 blocks" in text
    assert "CV (Error c)" in text


# ---------------------------------------------------------------------------
# argument and layout checks
# ---------------------------------------------------------------------------
def test_incomplete_layouts_and_conflicting_roles_are_refused():
    d = pd.read_csv(DES / "gomez_splitsplit.csv")
    kw = dict(response="yield", main_plot="nitro", sub_plot="management", sub_sub_plot="gen")
    with pytest.raises(fo.DesignError, match="missing: "):
        fo.anova(d.iloc[1:], block="rep", **kw)
    with pytest.raises(fo.DesignError, match="block="):
        fo.anova(d, **kw)
    with pytest.raises(fo.DesignError, match="sub_plot="):
        fo.anova(d, response="yield", main_plot="nitro", sub_sub_plot="gen", block="rep")
    with pytest.raises(fo.DesignError, match="type 1"):
        fo.anova(d, block="rep", ss_type=3, **kw)
    s = pd.read_csv(DES / "gomez_stripplot.csv")
    with pytest.raises(fo.DesignError, match="vertical="):
        fo.anova(s, response="yield", horizontal="gen", block="rep")
    with pytest.raises(fo.DesignError, match="not both|without treatment="):
        fo.anova(s, response="yield", horizontal="gen", vertical="nitro", treatment="gen",
                 block="rep")  # fmt: skip
    with pytest.raises(fo.DesignError, match="repeated: "):
        fo.anova(pd.concat([s, s.iloc[:1]]), response="yield", horizontal="gen",
                 vertical="nitro", block="rep")  # fmt: skip


# ---------------------------------------------------------------------------
# generators
# ---------------------------------------------------------------------------
def test_split_split_plot_generator_randomises_in_three_stages():
    book = fo.design.split_split_plot(
        {"N": [0, 60, 120]}, {"variety": ["V1", "V2"]}, {"mgmt": ["low", "mid", "high"]},
        reps=4, rng=11,
    )  # fmt: skip
    t = book.table
    assert book.design == "split-split-plot" and book.seed == 11 and book.n_plots == 72
    assert (t.groupby(["block", "main_plot"])["N"].nunique() == 1).all()
    assert (t.groupby(["block", "main_plot", "sub_plot"])["variety"].nunique() == 1).all()
    assert (t.groupby(["block", "N", "variety", "mgmt"]).size() == 1).all()
    again = fo.design.split_split_plot(
        {"N": [0, 60, 120]}, {"variety": ["V1", "V2"]}, {"mgmt": ["low", "mid", "high"]},
        reps=4, rng=book.seed,
    )  # fmt: skip
    pd.testing.assert_frame_equal(book.table, again.table)
    # the randomisation differs between blocks (not the same permutation copied)
    orders = [tuple(g["N"]) for _, g in t.groupby("block")]
    assert len(set(orders)) > 1
    # the generated layout is analysed as a split-split-plot
    y = np.random.default_rng(0).normal(size=len(t)) + 10  # yields are positive
    aov = fo.anova(t.assign(y=y), response="y", main_plot="N", sub_plot="variety",
                   sub_sub_plot="mgmt", block="block")  # fmt: skip
    assert list(aov.errors["df"]) == [6, 9, 36]  # (r−1)(a−1), a(r−1)(b−1), ab(r−1)(c−1)


def test_strip_plot_generator_crosses_two_strip_randomisations():
    book = fo.design.strip_plot({"variety": ["V1", "V2", "V3", "V4"]}, {"N": [0, 90, 180]},
                                reps=3, rng=5)  # fmt: skip
    t = book.table
    assert book.design == "strip-plot" and book.n_plots == 36 and book.n_treatments == 12
    assert (t.groupby(["block", "h_strip"])["variety"].nunique() == 1).all()
    assert (t.groupby(["block", "v_strip"])["N"].nunique() == 1).all()
    assert (t.groupby(["block", "variety", "N"]).size() == 1).all()
    y = np.random.default_rng(1).normal(size=len(t)) + 10  # yields are positive
    aov = fo.anova(t.assign(y=y), response="y", horizontal="variety", vertical="N", block="block")
    assert list(aov.errors["df"]) == [6, 4, 12]  # (r−1)(a−1), (r−1)(b−1), (r−1)(a−1)(b−1)
    assert "条区设计" in str(book.summary(lang="zh"))


@pytest.mark.parametrize(
    "call",
    [
        lambda: fo.design.strip_plot({"N": [0, 60]}, {"N": [1, 2]}, reps=2),
        lambda: fo.design.strip_plot({"N": [0, 60], "P": [0, 1]}, {"K": [1, 2]}, reps=2),
        lambda: fo.design.split_split_plot({"N": [0]}, {"V": [1, 2]}, {"M": [1, 2]}, reps=2),
        lambda: fo.design.split_split_plot({"N": [0, 1]}, {"V": [1, 2]}, {"M": [1, 2]}, reps=0),
    ],
)
def test_generators_refuse_bad_arguments(call):
    with pytest.raises(fo.OptionError):
        call()
