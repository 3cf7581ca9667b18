"""The audit engine: spec loading and validation, the result, reports, the CLI, the registry.

Expected values are worked by hand in the comments; the checks' arithmetic is tested topic by
topic in test_audit_checks.py and on a published paper in test_water_chestnut.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import fertopt as fo
from fertopt.audit import CHECKS, VERDICT_KEYS, Claim, both, load_spec, register, template_path
from fertopt.audit.checks.rounding import propagate, rounding_verdict
from fertopt.audit.spec import Printed, printed

ROOT = Path(__file__).parents[1]
WC = ROOT / "src" / "fertopt" / "studies" / "water_chestnut" / "spec.json"

SMALL = {
    "design": {
        "replicates": 3,
        "treatments": [
            {"name": "N0", "rates": {"N": 0}, "mean": "400.0"},
            {"name": "N1", "rates": {"N": 10}, "mean": "500.0"},
            {"name": "N2", "rates": {"N": 20}, "mean": "560.0"},
        ],
    },
    "anova": [{"F": 12.5, "F_critical": 5.14, "words": ["差异显著"]}],
}


# ---------------------------------------------------------------------------
# the vocabulary
# ---------------------------------------------------------------------------
def test_verdict_vocabulary_is_exactly_the_seven():
    assert VERDICT_KEYS == (
        "confirmed",
        "consistent within rounding",
        "wrong",
        "contradictory",
        "outside the tested range",
        "not supported by the design",
        "cannot be checked",
    )
    zh = [fo.audit(SMALL).claims[0].topic[1]]
    assert zh == ["方差分析"]


# ---------------------------------------------------------------------------
# printed numbers keep their digits
# ---------------------------------------------------------------------------
def test_printed_numbers_keep_their_decimals(tmp_path):
    assert printed("488.50").decimals == 2 and printed(488.5).decimals == 1
    assert printed(3522).decimals == 0 and printed("1.2e-3").decimals == 4
    assert printed("−3.5") == -3.5  # a typographic minus as papers print it
    assert printed("abc") is None and printed(True) is None
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"anova": [{"F": 1.0}]}).replace("1.0", "29.580"), encoding="utf-8")
    spec = load_spec(path)
    assert isinstance(spec["anova"][0]["F"], Printed) and spec["anova"][0]["F"].decimals == 3


def test_yaml_keeps_digits_and_reads_chinese_names(tmp_path):
    pytest.importorskip("yaml")
    path = tmp_path / "s.yaml"
    path.write_text(
        "设计:\n  重复: 3\n  处理:\n    - {名称: CK, 均值: 3522.0}\n方差分析:\n  - {F: 29.58}\n",
        encoding="utf-8",
    )
    spec = load_spec(path)
    mean = spec["design"]["treatments"][0]["mean"]
    assert mean == 3522.0 and mean.decimals == 1  # "3522.0" is known to +- 0.05
    assert spec["design"]["replicates"] == 3 and spec["anova"][0]["term"] == "treatment"


def test_yaml_without_pyyaml_names_the_extra(tmp_path, monkeypatch):
    path = tmp_path / "s.yaml"
    path.write_text("anova: []\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "yaml", None)
    with pytest.raises(fo.DependencyError, match=r"fertopt\[audit\]"):
        load_spec(path)


def test_the_shipped_spec_needs_no_yaml(monkeypatch):
    monkeypatch.setitem(sys.modules, "yaml", None)
    spec = load_spec(WC)
    assert len(spec["design"]["treatments"]) == 5
    assert spec["economics"]["rows"][2]["income_change"].decimals == 2  # -488.50


# ---------------------------------------------------------------------------
# teaching errors
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "spec,match",
    [
        ({"desgin": {}}, r"unknown field 'desgin'.*Did you mean 'design'"),
        ({"anova": [{"F": "big"}]}, r"anova\[0\]\.F must be a number as printed"),
        ({"anova": [{"F": 2.0, "df": [4]}]}, r"anova\[0\]\.df must be \[numerator, denominator\]"),
        (
            {"design": {"treatments": [{"name": "A"}, {"name": "A"}]}},
            r"names \['A'\] more than once",
        ),
        (
            {
                "design": {"treatments": [{"name": "A"}, {"name": "B"}]},
                "comparison": {"claims": [{"a": "A", "b": "C", "significant": True}]},
            },
            r"comparison\.claims\[0\]\.b = 'C' is not a treatment",
        ),
        ({"equations": [{"form": "cubic", "nutrient": "N"}]}, r"use quadratic, linear or surface"),
        ({"equations": [{"form": "surface"}]}, r"nutrients: \[N, P2O5, K2O\]"),
        ({"equations": [{"coefficients": {"linear": 1}}]}, r"has no nutrient"),
        ({"comparison": {"claims": [{"a": "A", "b": "B", "significant": "yes"}]}}, "true or false"),
    ],
)
def test_bad_specs_say_what_where_and_how(spec, match):
    with pytest.raises(fo.DataError, match=match):
        load_spec(spec)


def test_bad_files_and_arguments(tmp_path):
    with pytest.raises(fo.DataError, match="does not exist"):
        load_spec(tmp_path / "missing.json")
    (tmp_path / "s.txt").write_text("{}", encoding="utf-8")
    with pytest.raises(fo.DataError, match="name it .json, .yaml or .yml"):
        load_spec(tmp_path / "s.txt")
    (tmp_path / "s.json").write_text('{"anova": [1,]}', encoding="utf-8")
    with pytest.raises(fo.DataError, match="line 1"):
        load_spec(tmp_path / "s.json")
    with pytest.raises(fo.OptionError, match="spec must be a dict"):
        load_spec(42)
    with pytest.raises(fo.OptionError, match="lang"):
        fo.audit(SMALL, lang="fr")


# ---------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------
def test_result_rows_and_display():
    a = fo.audit(SMALL)
    # F0.05(2, 4) = 6.944 for an RCBD of 3 treatments x 3 blocks: the printed 5.14 is
    # F0.05(2, 6), the CRD's df: wrong. F = 12.5 > F0.05(2, 4) and < F0.01(2, 4) = 18.0:
    # significant at 5 %, so "差异显著" is right
    assert list(a.table["item"]) == ["anova[0].F", "anova[0].words"]
    assert list(a.table["verdict"]) == ["wrong", "confirmed"]
    assert repr(a).startswith("<AuditResult 2 printed claims checked: 1 confirmed, 1 wrong")
    assert "\n" not in repr(a)
    assert a.verdicts().to_dict() == {"confirmed": 1, "wrong": 1}
    assert a.row("anova[0].F")["fertopt_value"] == pytest.approx(6.9443, abs=5e-5)  # F table
    with pytest.raises(fo.OptionError, match="no audit item 'x'"):
        a.row("x")
    zh = a.in_language("zh")
    assert list(zh.table["verdict"]) == list(a.table["verdict"])
    assert list(zh.table["verdict_text"]) == ["错误", "正确"]
    text = str(a.summary(lang="zh"))
    assert "共复核 2 项结果" in text and "方差分析" in text
    from fertopt.results import AuditResult

    assert isinstance(a, AuditResult) and isinstance(a.to_dict()["table"], list)
    assert "<table" in a.summary().as_html()


def test_reports_html_markdown_excel(tmp_path):
    a = fo.audit(WC, lang="zh")
    page = a.to_html(tmp_path / "a.html")
    assert (tmp_path / "a.html").read_text(encoding="utf-8") == page
    assert "自相矛盾" in page and "减钾区与原配方区差异显著" in page
    md = a.to_markdown(tmp_path / "a.md", lang="en")
    assert "| Claim | Paper says | fertopt finds | Verdict | Why |" in md
    pytest.importorskip("openpyxl")
    import openpyxl

    out = a.to_excel(tmp_path / "a.xlsx")
    sheets = openpyxl.load_workbook(out).sheetnames
    assert "方差分析" in sheets and "经济效益" in sheets


def test_template_is_shipped_and_audits():
    pytest.importorskip("yaml")
    path = template_path()
    assert path.is_file() and path.suffix == ".yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("#") > 30  # a commented template
    a = fo.audit(path)
    assert len(a.table) >= 10 and set(a.table["verdict"]) <= set(VERDICT_KEYS)


# ---------------------------------------------------------------------------
# the registry: a new check is one decorated function
# ---------------------------------------------------------------------------
def test_a_new_check_is_one_function():
    @register("test_design_size", section="design", order=99)
    def size(design, ctx):
        n = len(ctx.names)
        return [
            Claim(
                item="design.size",
                topic=both("au_topic_design"),
                claim=(f"{n} treatments", f"{n} 个处理"),
                paper_says=str(n),
                fertopt_finds=(str(n), str(n)),
                verdict="confirmed",
                why=("counted", "计数"),
            )
        ]

    try:
        a = fo.audit(SMALL)
        assert a.table["item"].iloc[-1] == "design.size"
    finally:
        del CHECKS["test_design_size"]
    assert "design.size" not in set(fo.audit(SMALL).table["item"])


# ---------------------------------------------------------------------------
# rounding, computed
# ---------------------------------------------------------------------------
def test_propagate_at_the_corners():
    # a / b with a = 1.0 +- 0.05 and b = 2.00 +- 0.005: [0.95 / 2.005, 1.05 / 1.995]
    v, lo, hi = propagate(lambda a, b: a / b, {"a": printed("1.0"), "b": printed("2.00")})
    assert (v, lo, hi) == pytest.approx((0.5, 0.95 / 2.005, 1.05 / 1.995), rel=1e-12)
    # held exact: no interval
    assert propagate(lambda a: 2 * a, {"a": printed("1.5")}, fixed=("a",)) == (3.0, 3.0, 3.0)
    # more than 12 inputs: first-order bound, sum of |df/dx| x half-unit = 13 x 0.05 for a sum
    inputs = {f"x{i}": printed("1.0") for i in range(13)}
    v, lo, hi = propagate(lambda **kw: sum(kw.values()), inputs)
    assert (v, lo, hi) == pytest.approx((13.0, 13 - 0.65, 13 + 0.65), rel=1e-12)


def test_rounding_verdict_rules():
    # 9.104 prints as 9.1: confirmed; 3185.0546 does not print as 3185.0 but its interval
    # [3184.92, 3185.19] holds it: consistent; 3185.09 +- 0.14 never reaches 3195.9: wrong
    assert rounding_verdict(printed("9.1"), 9.104, 9.1037, 9.1043) == "confirmed"
    assert rounding_verdict(printed("3185.0"), 3185.0546, 3184.92, 3185.19) == (
        "consistent within rounding"
    )
    assert rounding_verdict(printed("3195.9"), 3185.09, 3184.96, 3185.23) == "wrong"
    # a claim that only bounds (derived=False) is never "confirmed"
    assert rounding_verdict(printed("9.1"), 9.1, 9.1, 9.1, derived=False) == (
        "consistent within rounding"
    )


# ---------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------
def run_cli(*args, cwd):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-m", "fertopt.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=180,
    )


def test_cli_audit(tmp_path):
    out = run_cli("audit", str(WC), "--lang", "zh", "--report", "audit.html", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "共复核 24 项结果" in out.stdout and "报告已写入" in out.stderr
    assert "自相矛盾" in (tmp_path / "audit.html").read_text(encoding="utf-8")
    out = run_cli("audit", str(WC), "--format", "json", cwd=tmp_path)
    data = json.loads(out.stdout)
    assert data["result"] == "AuditResult" and len(data["table"]) == 24


def test_cli_audit_template_and_errors(tmp_path):
    out = run_cli("audit", "--template", "paper.yaml", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "paper.yaml").read_text(encoding="utf-8").startswith("# fertopt audit spec")
    out = run_cli("audit", "--template", "paper.yaml", cwd=tmp_path)
    assert out.returncode == 2 and "exists" in out.stderr
    out = run_cli("audit", cwd=tmp_path)
    assert out.returncode == 2 and "--template" in out.stderr
    out = run_cli("audit", str(WC), "--report", "a.pdf", cwd=tmp_path)
    assert out.returncode == 2 and ".html, .md or .xlsx" in out.stderr
    (tmp_path / "bad.json").write_text('{"desing": {}}', encoding="utf-8")
    out = run_cli("audit", "bad.json", cwd=tmp_path)
    assert out.returncode == 2 and "Did you mean 'design'" in out.stderr


def test_same_claims_in_both_languages():
    en, zh = fo.audit(WC), fo.audit(WC, lang="zh")
    pd.testing.assert_series_equal(en.table["verdict"], zh.table["verdict"])
    assert en.claims == zh.claims
