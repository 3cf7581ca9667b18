"""fo.combined_anova against R (tests/reference/mixed/mixed_reference.R) and the issue's numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import fertopt as fo
from fertopt.exceptions import DesignError, OptionError, UnbalancedDesignWarning

REF = Path(__file__).parent / "reference" / "mixed"
FILES = {"hernandez": "hernandez3.csv", "hernandez_missing": "hernandez3_missing.csv"}
# sums of squares are projections computed in double precision on both sides
SS_RTOL = 1e-10
# REML quantities: two optimisers agree to about 2e-7 (see test_mixed.py)
REML_RTOL = 1e-6


def _data(case: str) -> pd.DataFrame:
    return pd.read_csv(REF / FILES[case]).rename(columns={"nitro": "N"})


def _combined(case: str, effects: str) -> fo.CombinedAnovaResult:
    if case == "hernandez":
        return fo.combined_anova(
            _data(case),
            response="yield",
            treatment="N",
            block="rep",
            site="site",
            site_effects=effects,
        )
    with pytest.warns(UnbalancedDesignWarning, match="Missing plots"):
        return fo.combined_anova(
            _data(case),
            response="yield",
            treatment="N",
            block="rep",
            site="site",
            site_effects=effects,
        )


@pytest.mark.r_reference
@pytest.mark.parametrize("case", list(FILES))
@pytest.mark.parametrize("effects", ["random", "fixed"])
def test_table_equals_r(case, effects):
    ref = pd.read_csv(REF / "combined_tables.csv").query("case == @case")
    ref = ref.assign(source=["site", "rep(site)", "N", "site:N", "Residuals"]).set_index("source")
    ca = _combined(case, effects)
    t = ca.table.set_index("source").loc[ref.index]
    assert_allclose(t["df"], ref["df"], rtol=0)
    assert_allclose(t["ss"], ref["ss"], rtol=SS_RTOL)
    assert_allclose(t["ms"], ref["ms"], rtol=SS_RTOL)
    exact = (
        ["site", "rep(site)", "site:N"]
        if (case != "hernandez" and effects == "random")
        else (["site", "rep(site)", "N", "site:N"])
    )
    assert_allclose(t.loc[exact, "f"], ref.loc[exact, f"f_{effects}"], rtol=SS_RTOL)
    assert_allclose(t.loc[exact, "p"], ref.loc[exact, f"p_{effects}"], rtol=1e-8)
    assert ca.error_of["N"] == ("site:N" if effects == "random" else "Residuals")
    assert ca.blocks_repeat


@pytest.mark.r_reference
def test_unbalanced_random_treatment_test_is_kenward_roger():
    ca = _combined("hernandez_missing", "random")
    ref = pd.read_csv(REF / "mixed_anova.csv").query(
        "case == 'hernandez_missing' and ddf == 'Kenward-Roger'"
    )
    row = ca.table.set_index("source").loc["N"]
    assert row["error"] == "REML (Kenward-Roger)"
    assert_allclose(row["f"], ref["f"].iloc[0], rtol=REML_RTOL)
    assert_allclose(row["den_df"], ref["den_df"].iloc[0], rtol=REML_RTOL)
    vc = pd.read_csv(REF / "mixed_vc.csv").query("case == 'hernandez_missing'")
    ours = ca.variance_components.set_index("group")["variance"]
    names = {"site": "site", "site:rep": "rep(site)", "site:N": "site:N", "Residual": "Residual"}
    for g, v in zip(vc["group"], vc["variance"], strict=True):
        assert_allclose(ours[names[g]], v, rtol=REML_RTOL)


@pytest.mark.r_reference
@pytest.mark.parametrize("case", list(FILES))
def test_site_anovas_and_homogeneity(case):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnbalancedDesignWarning)
        ca = fo.combined_anova(
            _data(case), response="yield", treatment="N", block="rep", site="site"
        )
    sites = pd.read_csv(REF / "combined_sites.csv").query("case == @case")
    for site, ref in sites.groupby("site"):
        ours = ca.site_anovas[site].table
        assert_allclose(ours["ss"], ref["ss"], rtol=SS_RTOL)
        assert_allclose(ours["df"], ref["df"], rtol=0)
    hom = pd.read_csv(REF / "combined_homogeneity.csv").query("case == @case").iloc[0]
    # closed form evaluated in R from the same mean squares
    assert_allclose(ca.homogeneity.bartlett, hom["bartlett"], rtol=1e-10)
    assert_allclose(ca.homogeneity.p, hom["p"], rtol=1e-10)
    assert_allclose(ca.homogeneity.fmax, hom["fmax"], rtol=1e-12)
    assert_allclose(ca.homogeneity.pooled_ms, hom["pooled"], rtol=1e-12)
    assert ca.homogeneity.homogeneous and "homogeneous" in ca.homogeneity.verdict()


def test_issue_numbers_f_24_09_on_6_and_12_df():
    ca = fo.combined_anova(
        fo.load_dataset("hernandez_3sites"),
        response="yield",
        treatment="N",
        block="rep",
        site="site",
    )
    row = ca.table.set_index("source").loc["N"]
    assert (row["df"], row["den_df"], round(row["f"], 2)) == (6, 12, 24.09)
    assert ca.error_ms["N"] == pytest.approx(ca.table.set_index("source").loc["site:N", "ms"])
    assert ca.error_df["N"] == 12
    # 3 sites x 4 reps: 9 df for blocks within sites, not 3 for crossed reps
    assert ca.table.set_index("source").loc["rep(site)", "df"] == 9
    assert "nested" in " ".join(ca.notes)


@pytest.mark.r_reference
def test_lsmeans_from_the_reml_model():
    ca = fo.combined_anova(
        fo.load_dataset("hernandez_3sites"),
        response="yield",
        treatment="N",
        block="rep",
        site="site",
    )
    ref = pd.read_csv(REF / "mixed_ls.csv").query("case == 'hernandez' and ddf == 'kenward-roger'")
    ls = ca.lsmeans("N")
    assert list(ls.columns) == ["level", "lsmean", "se", "df", "ci_low", "ci_high"]
    assert_allclose(ls["lsmean"], ref["lsmean"], rtol=REML_RTOL)
    assert_allclose(ls["se"], ref["se"], rtol=REML_RTOL)
    assert_allclose(ls["df"], ref["df"], rtol=REML_RTOL)


def test_multiple_comparisons_use_the_treatment_by_site_error():
    ca = fo.combined_anova(
        fo.load_dataset("hernandez_3sites"),
        response="yield",
        treatment="N",
        block="rep",
        site="site",
    )
    for test in (fo.duncan, fo.lsd, fo.tukey):
        mc = test(ca)
        assert mc.error_term == "site:N"
        assert mc.df_resid == 12
        assert mc.mse == pytest.approx(ca.error_ms["N"], rel=1e-14)
    fixed = fo.combined_anova(
        fo.load_dataset("hernandez_3sites"),
        response="yield",
        treatment="N",
        block="rep",
        site="site",
        site_effects="fixed",
    )
    assert fo.lsd(fixed).df_resid == 54


def test_anova_refuses_crossed_blocks_and_names_the_fix():
    d = fo.load_dataset("hernandez_3sites")
    with pytest.raises(DesignError, match="combined_anova"):
        fo.anova(d, response="yield", treatment=["site", "N"], block="rep")
    # block labels unique to each site are not refused by this check
    d2 = d.assign(rep=d["site"] + d["rep"])
    with pytest.warns(fo.DesignWarning):
        fo.anova(d2, response="yield", treatment=["site", "N"], block="rep")


def test_options_and_layout_errors():
    d = fo.load_dataset("hernandez_3sites")
    with pytest.raises(OptionError, match="site_effects"):
        fo.combined_anova(
            d, response="yield", treatment="N", block="rep", site="site", site_effects="mixed"
        )
    with pytest.raises(DesignError, match="at least 2"):
        fo.combined_anova(
            d[d["site"] == "S1"], response="yield", treatment="N", block="rep", site="site"
        )
    with pytest.raises(DesignError, match="every environment"):
        fo.combined_anova(
            d[~((d["site"] == "S2") & (d["N"] == 0))],
            response="yield",
            treatment="N",
            block="rep",
            site="site",
        )


def test_site_year_environments_and_display():
    d = fo.load_dataset("hernandez_3sites")
    d = d.assign(year=np.where(d["rep"].isin(["R1", "R2"]), 2006, 2007))
    ca = fo.combined_anova(d, response="yield", treatment="N", block="rep", site=["site", "year"])
    assert ca.site == "site:year" and len(ca.site_anovas) == 6
    assert "\n" not in repr(ca)
    zh = ca.summary(lang="zh").as_text()
    assert "联合方差分析表" in zh and "误差方差" in zh


def test_report_section_in_both_languages():
    ca = fo.combined_anova(
        fo.load_dataset("hernandez_3sites"),
        response="yield",
        treatment="N",
        block="rep",
        site="site",
    )
    en = fo.combined_report(ca)
    sec = en.section("combined")
    titles = [getattr(b, "title", None) for b in sec.blocks]
    assert "Per-environment analyses" in titles and "Combined ANOVA table" in titles
    # the section embeds the result's own blocks
    parts = ca.summary_parts(4, "en")
    assert parts["homogeneity"] in sec.blocks and parts["design"] in sec.blocks
    letters = sec.blocks[-2].frame if hasattr(sec.blocks[-2], "frame") else sec.blocks[-1].frame
    assert set(letters.columns) >= {"level", "lsmean", "se", "letters"}
    assert en.comparisons[0].error_term == "site:N"
    zh = str(fo.combined_report(ca, lang="zh"))
    assert "各环境的方差分析" in zh and "联合方差分析表" in zh and "最小二乘均值" in zh
    assert "Residuals" not in zh
    with pytest.raises(OptionError, match="combined_anova"):
        fo.combined_report(
            fo.anova(
                _data("hernandez").query("site == 'S1'"),
                response="yield",
                treatment="N",
                block="rep",
            )
        )
