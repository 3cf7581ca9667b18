"""The combined analysis over sites reached from the recogniser, trial_report and the CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import fertopt as fo
from fertopt import cli


def hand_f_n(data: pd.DataFrame) -> float:
    """MS N / MS N×site of a balanced sites × N × reps layout, by the textbook sums of squares."""
    y = data["yield"].to_numpy(float)
    g = y.mean()
    m_n = data.groupby("N")["yield"].mean()
    m_s = data.groupby("site")["yield"].mean()
    m_sn = data.groupby(["site", "N"])["yield"].mean()
    r = data.groupby(["site", "N"]).size().iloc[0]
    s, n = len(m_s), len(m_n)
    ss_n = s * r * ((m_n - g) ** 2).sum()
    inter = [m_sn[(a, b)] - m_s[a] - m_n[b] + g for a in m_s.index for b in m_n.index]
    ss_sn = r * np.sum(np.square(inter))
    return (ss_n / (n - 1)) / (ss_sn / ((n - 1) * (s - 1)))


@pytest.fixture
def hernandez():
    return fo.load_dataset("hernandez_3sites")


def test_recogniser_names_the_combined_analysis(hernandez):
    plan = fo.plan_analysis(hernandez, response="yield", treatment="N", block="rep")
    assert plan.design == "combined"
    assert plan.site == ("site",)  # 'loc' names the same three sites: one of them will do
    assert "Combined analysis over 3 sites" in plan.reason
    assert "多点联合分析" in plan.describe("zh")
    assert plan.combined_roles() == {
        "response": "yield",
        "treatment": "N",
        "block": "rep",
        "site": "site",
    }
    with pytest.raises(fo.OptionError, match="combined_anova"):
        plan.anova_roles()


def test_recogniser_stops_where_unsure(hernandez):
    crossed = hernandez.assign(year=[2011, 2012] * (len(hernandez) // 2))
    with pytest.raises(fo.OptionError, match=r"--site site,year"):
        fo.plan_analysis(crossed, response="yield", treatment="N", block="rep")
    with pytest.raises(fo.OptionError, match=r"--block.*--site site"):
        fo.plan_analysis(hernandez, response="yield", treatment="N")
    # named explicitly, the environments are site-years
    plan = fo.plan_analysis(crossed, response="yield", treatment="N", block="rep", site="loc")
    assert plan.site == ("loc",) and "as given" in plan.reason
    with pytest.raises(fo.OptionError, match="site="):
        fo.plan_analysis(
            hernandez.drop(columns=["site", "loc"]),
            response="yield",
            treatment="N",
            block="rep",
            design="combined",
        )


def test_one_site_is_not_combined(hernandez):
    one = hernandez[hernandez["site"] == "S1"]
    assert fo.plan_analysis(one, response="yield", treatment="N", block="rep").design != (
        "combined"
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_trial_report_renders_the_combined_section(hernandez, lang):
    rep = fo.trial_report(hernandez, response="yield", treatment="N", block="rep", lang=lang)
    assert [s.key for s in rep.sections] == ["combined", "warnings"]
    row = rep.combined.table.set_index("source").loc["N"]
    # the figure (printed to 4 significant digits), and the textbook sums by hand
    # (the same quantities in another order: 1e-10)
    assert round(float(row["f"]), 2) == 24.09
    assert (row["df"], row["den_df"]) == (6, 12)
    np.testing.assert_allclose(row["f"], hand_f_n(hernandez), rtol=1e-10)
    text = rep.to_text()
    assert rep.plan.describe(lang) in text
    assert "24.09" in text
    # the section is the shortcut's section plus the recogniser's reason
    short = fo.combined_report(rep.combined, lang=lang)
    assert [type(b) for b in short.sections[0].blocks] == [
        type(b) for b in rep.sections[0].blocks[1:]
    ]


def test_trial_report_site_effects_and_no_letters(hernandez):
    fixed = fo.trial_report(
        hernandez, response="yield", treatment="N", block="rep", site="site",
        site_effects="fixed", posthoc=None,
    )  # fmt: skip
    assert fixed.combined.site_effects == "fixed"
    assert fixed.combined.table.set_index("source").loc["N", "error"] == "Residuals"
    assert fixed.comparisons == ()


def test_cli_analyze_runs_the_combined_analysis(hernandez, tmp_path, capsys):
    path = tmp_path / "hernandez.csv"
    # 'loc' is left out: read_trials takes both 'site' and 'loc' for the site column
    hernandez.drop(columns="loc").to_csv(path, index=False)
    assert cli.main(["analyze", str(path)]) == 0
    captured = capsys.readouterr()
    assert "design: Combined analysis over 3 sites" in captured.err
    line = next(x for x in captured.out.splitlines() if x.startswith("N "))
    assert line.split()[1:2] == ["6"] and "24.09" in line and line.split()[-1] == "12"
    assert cli.main(["analyze", str(path), "--site", "site", "--site-effects", "fixed"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("N "))
    assert "Residuals" in line
