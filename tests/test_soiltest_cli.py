"""``fertopt soiltest`` on the command line, and the soil-test report, run as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

import fertopt as fo

SRC = str(Path(__file__).parents[1] / "src")
FREITAS = Path(__file__).parent / "reference" / "soiltest" / "freitas1966.csv"
REF = pd.read_csv(Path(__file__).parent / "reference" / "soiltest" / "soiltestcorr_reference.csv")


def r_value(method: str, quantity: str) -> float:
    row = REF[(REF.dataset == "freitas1966") & (REF.method == method) & (REF.quantity == quantity)]
    return float(row["value"].iloc[0])


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run(
        [sys.executable, "-m", "fertopt.cli", "soiltest", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def test_cate_nelson_1971_json_matches_soiltestcorr():
    out = run(str(FREITAS), "--stv", "STK", "--ry", "RY", "--format", "json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["result"] == "CateNelsonResult"
    assert result["cstv"] == r_value("cate_nelson_1971", "CSTV")  # a midpoint: exact


def test_every_method_runs(capsys):
    from fertopt.cli import main  # in-process: six subprocess starts would cost seconds

    methods = {
        "cate_nelson_1965": "CSTV 48",
        "linear_plateau": "CSTV 56",
        "quadratic_plateau": "CSTV 86.2",
        "mitscherlich": "CSTV 101.3 at 95 % RY",
        "log": "at 90 % RY",
        "mod_alcc": "CSTV 76.89 at RY 90 %",
    }
    for method, text in methods.items():
        code = main(["soiltest", str(FREITAS), "--stv", "STK", "--ry", "RY", "--method", method])
        out = capsys.readouterr()
        assert code == 0, (method, out.err)
        assert text in out.out, (method, out.out[:300])


def test_classes_in_chinese_with_bootstrap_and_report(tmp_path):
    report = tmp_path / "丰缺指标.html"
    out = run(
        str(FREITAS),
        *("--stv", "STK", "--ry", "RY", "--method", "classes"),
        *("--thresholds", "50,75,95", "--boot", "200", "--seed", "3"),
        *("--lang", "zh", "--report", str(report)),
    )
    assert out.returncode == 0, out.stderr
    assert "土壤养分丰缺指标" in out.stdout and "随机种子 3" in out.stdout
    page = report.read_text(encoding="utf-8")
    assert page.count("<img") == 1 and "极低" in page and 'lang="zh-CN"' in page


def test_bad_input_is_one_line_exit_2(tmp_path):
    out = run(str(FREITAS), "--stv", "STK", "--ry", "ry")
    assert out.returncode == 2 and "Did you mean 'RY'" in out.stderr
    frac = tmp_path / "frac.csv"
    pd.read_csv(FREITAS).assign(RY=lambda d: d["RY"] / 110).to_csv(frac, index=False)
    out = run(str(frac), "--stv", "STK", "--ry", "RY")
    assert out.returncode == 2 and "Multiply the column by 100" in out.stderr
    out = run(
        str(FREITAS), "--stv", "STK", "--ry", "RY", "--thresholds", "a,b", "--method", "classes"
    )
    assert out.returncode == 2 and "--thresholds" in out.stderr


# ---------------------------------------------------------------------------
# the report
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def results():
    df = pd.read_csv(FREITAS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        return [
            fo.cate_nelson_1971(df, stv="STK", ry="RY"),
            fo.fit_calibration(df, stv="STK", ry="RY", model="quadratic_plateau"),
            fo.mod_alcc(df, stv="STK", ry="RY"),
            fo.abundance_classes(df, stv="STK", ry="RY"),
        ]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_embeds_each_results_own_blocks(results, lang):
    rep = fo.soiltest_report(results, lang=lang, figures=False)
    keys = [s.key for s in rep.sections]
    assert keys == [
        "data",
        "cate_nelson_1971",
        "quadratic_plateau",
        "mod_alcc",
        "abundance_classes",
        "about",
    ]
    for sec, res in zip(rep.sections[1:-1], results, strict=True):
        from fertopt._core.document import block_text

        parts = [block_text(b, 4) for b in res.summary_parts(4, lang).values()]
        # the result's own blocks, after the interpretation
        assert [block_text(b, 4) for b in sec.blocks[1:]] == parts
    assert rep.key_findings == tuple(r.summary(lang=lang).headline for r in results)


def test_report_html_is_one_page_with_a_figure_per_result(results, tmp_path):
    rep = fo.soiltest_report(results, lang="en")
    path = tmp_path / "r.html"
    rep.to_html(path)
    page = path.read_text(encoding="utf-8")
    assert page.count("<img") == 4 and 'src="http' not in page
    assert "Sites testing below 46.5 are expected to respond" in page
    assert len(rep.figures) == 4


def test_report_refuses_other_results():
    with pytest.raises(fo.OptionError, match="soiltest_report takes results"):
        fo.soiltest_report(
            [
                fo.anova(
                    fo.load_dataset("cochran_factorial"),
                    response="yield",
                    treatment="trt",
                    block="rep",
                )
            ]
        )


def test_help_lists_the_methods(capsys):
    from fertopt.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["soiltest", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "cate_nelson_1971" in out and "--thresholds" in out and "examples:" in out
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "soiltest" in capsys.readouterr().out
