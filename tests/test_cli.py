"""The fertopt command line, run as a subprocess like a user would."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

SRC = str(Path(__file__).parents[1] / "src")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run(
        [sys.executable, "-m", "fertopt.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def chinese_rows(treatments=("CK", "N", "NP", "NPK"), reps=(1, 2, 3)):
    return ["处理,重复,产量"] + [
        f"{t},{r},{1000 + 100 * i + 7 * r + (i * r) % 5}"
        for r in reps
        for i, t in enumerate(treatments)
    ]


@pytest.fixture
def minnesota_csv(tmp_path):
    import fertopt as fo

    path = tmp_path / "minnesota.csv"
    fo.load_dataset("minnesota_2012").to_csv(path, index=False)
    return path


def test_version_and_help():
    out = run("--version")
    assert out.returncode == 0 and out.stdout.startswith("fertopt ")
    out = run("--help")
    assert out.returncode == 0 and "examples:" in out.stdout and "analyze" in out.stdout
    out = run("analyze", "--help")
    assert out.returncode == 0
    for option in ("--rates", "--prices", "--lang", "--report", "--format", "--posthoc"):
        assert option in out.stdout
    assert "examples:" in out.stdout and "--lang zh --report" in out.stdout


def test_example_runs(tmp_path):
    out = run("example", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "The water-chestnut study, reproduced and audited" in out.stdout
    written = tmp_path / "water_chestnut_report.html"
    assert written.exists()
    # it says where, in full, so the file is found from any folder
    assert f"HTML report written to {written.resolve()}" in out.stderr


def test_example_writes_its_report_where_it_says(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    out = run("example", "--lang", "zh", "--report", str(folder), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    written = folder / "water_chestnut_report_zh.html"
    assert written.exists() and f"HTML 报告已写入 {written.resolve()}" in out.stderr
    nested = tmp_path / "new" / "sub" / "马蹄.html"  # folders that do not exist yet
    out = run("example", "--report", str(nested), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert nested.exists()
    assert "findfont" not in out.stderr  # no font-manager noise with a CJK font


def test_the_example_report_is_ignored_by_git():
    root = Path(__file__).parents[1]
    if not (root / ".git").exists():
        pytest.skip("not a git checkout")
    for name in ("water_chestnut_report.html", "water_chestnut_report_zh.html"):
        out = subprocess.run(
            ["git", "check-ignore", "-q", name], cwd=root, capture_output=True, timeout=30
        )
        assert out.returncode == 0, f"{name} is not ignored by .gitignore"


def test_analyze_csv_text(minnesota_csv):
    out = run("analyze", str(minnesota_csv), "--posthoc", "duncan")
    assert out.returncode == 0, out.stderr
    assert (
        "fertopt: guessed response='yld_grain_dry_kgha', treatment='treatment' (column 'trt'), "
        "block='block' (column 'rep'), rates=rate_n_applied_kgha=N"
    ) in out.stderr
    assert out.stdout.startswith("Field trial report: yld_grain_dry_kgha\n")
    assert "2. Analysis of variance" in out.stdout
    verdict = "Treatments (treatment): highly significant (**; F(7, 21) = 13.20, p < 0.0001)."
    assert verdict in out.stdout


def test_analyze_guesses_roles_from_chinese_headers_in_gbk(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("\n".join(chinese_rows(("对照", "T2", "T3", "T4"))).encode("gbk"))
    out = run("analyze", str(path), "--format", "json")
    assert out.returncode == 0, out.stderr
    assert (
        "guessed response='yield' (column '产量'), treatment='treatment' (column '处理'), "
        "block='block' (column '重复')"
    ) in out.stderr
    result = json.loads(out.stdout)
    assert result["design"] == "RCBD" and result["anova"]["n_obs"] == 12
    assert result["options"]["treatment"] == "treatment"


def test_analyze_gbk_csv_chinese_html_report(tmp_path):
    path = tmp_path / "试验.csv"
    path.write_bytes("\n".join(chinese_rows(("对照", "处理2", "处理3", "处理4"))).encode("gbk"))
    report = tmp_path / "报告.html"
    out = run("analyze", str(path), "--lang", "zh", "--report", str(report), "--posthoc", "lsd")
    assert out.returncode == 0, out.stderr
    assert f"fertopt: wrote {report}" in out.stderr
    page = report.read_text(encoding="utf-8")
    assert "方差分析表" in page and "处理间差异极显著" in page and "对照" in page
    assert '<img src="data:image/png;base64,' in page
    assert not re.search(r"(src|href)=\"(?!data:|#)", page)
    assert "方差分析" in out.stdout  # the text version on stdout is Chinese too


def test_analyze_excel(tmp_path):
    rows = [r.split(",") for r in chinese_rows()]
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    frame["产量"] = frame["产量"].astype(float)
    path = tmp_path / "trial.xlsx"
    frame.to_excel(path, sheet_name="2013", index=False)
    out = run("analyze", str(path), "--sheet", "2013", "--format", "markdown", "--posthoc", "lsd")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("# Field trial report: Yield\n")
    assert "| Source | df | Sum Sq | Mean Sq | F | p |" in out.stdout


def test_analyze_markdown_report_with_figures(minnesota_csv, tmp_path):
    md = tmp_path / "report.md"
    out = run("analyze", str(minnesota_csv), "--report", str(md), "--format", "json")
    assert out.returncode == 0, out.stderr
    text = md.read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links and all((tmp_path / link).is_file() for link in links)
    assert json.loads(out.stdout)["result"] == "TrialReport"


def test_analyze_html_to_stdout(minnesota_csv):
    out = run("analyze", str(minnesota_csv), "--format", "html", "--posthoc", "lsd")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("<!DOCTYPE html>") and "data:image/png;base64," in out.stdout


def test_warnings_are_one_line_each(tmp_path):
    rows = chinese_rows()
    rows[5] = rows[5].rsplit(",", 1)[0] + ","  # one plot without a yield
    path = tmp_path / "t.csv"
    path.write_text("\n".join(rows), encoding="utf-8")
    out = run("analyze", str(path), "--posthoc", "lsd")
    assert out.returncode == 0, out.stderr
    warn = [line for line in out.stderr.splitlines() if line.startswith("fertopt: warning: ")]
    assert any("1 plot with no yield was left out (row 6)" in w for w in warn)
    assert "Warning" not in out.stderr and "warnings.warn" not in out.stderr


@pytest.mark.parametrize(
    "content,args,needle",
    [
        ("a,b\n1,2\n", (), "could not tell which column is the response and the treatment"),
        ("trt,yield\nA,1\nB,x\n", (), "not numbers: row 3 ('x')"),
        ("trt,rep,yield\nA,1,1\nB,1,2\nA,1,3\nB,1,4\n", (), "block"),
        (
            "trt,rep,yield\nA,1,1\nB,1,2\nA,2,3\nB,2,5\n",
            ("--response", "yld"),
            "Did you mean 'yield'",
        ),
        (
            "trt,rep,yield\nA,1,1\nB,1,2\nA,2,3\nB,2,5\n",
            ("--rates", "Nrate"),
            "rates='Nrate' is not a column",
        ),
        (
            "trt,rep,yield\nA,1,1\nB,1,2\nA,2,3\nB,2,5\n",
            ("--prices", "crop:2.8"),
            "--prices: 'crop:2.8' is not understood",
        ),
        (
            "trt,rep,yield\nA,1,1\nB,1,2\nA,2,3\nB,2,5\n",
            ("--prices", "N=6"),
            "--prices needs the crop price",
        ),
        (
            "trt,rep,yield\nA,1,1\nB,1,2\nA,2,3\nB,2,5\n",
            ("--alpha", "5"),
            "alpha=5.0 is outside (0, 1)",
        ),
        (
            "trt,rep,yield\nA,1,1\nB,1,2\nA,2,3\nB,2,5\n",
            ("--report", "out.pdf"),
            "must end in .html or .md",
        ),
        (
            "trt,rep,yield\nA,1,1\nB,1,2\nA,2,3\nB,2,5\n",
            ("--model", "cubic"),
            "model='cubic' is not a valid option",
        ),
    ],
    ids=[
        "no-roles",
        "text-in-yield",
        "single-block",
        "unknown-column",
        "unknown-rates",
        "bad-prices",
        "no-crop-price",
        "bad-alpha",
        "bad-report-suffix",
        "bad-model",
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, content, args, needle):
    path = tmp_path / "t.csv"
    path.write_text(content, encoding="utf-8")
    out = run("analyze", str(path), *args, cwd=tmp_path)
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert needle in out.stderr and "Traceback" not in out.stderr
    errors = [
        line for line in out.stderr.strip().splitlines() if not line.startswith("fertopt: guessed")
    ]
    assert len(errors) == 1 and errors[0].startswith("fertopt: error: "), out.stderr
    assert out.stdout == ""


@pytest.mark.parametrize(
    "args,needle",
    [
        (("analyze", "missing.csv"), "file not found: 'missing.csv'"),
        (("analyze", "x.csv", "--lang", "fr"), "argument --lang: invalid choice: 'fr'"),
        (("analyze", "x.csv", "--alpha", "high"), "argument --alpha: invalid float value: 'high'"),
        (("analyze",), "the following arguments are required: file"),
        (("frobnicate",), "argument COMMAND: invalid choice: 'frobnicate'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path, args, needle):
    out = run(*args, cwd=tmp_path)
    assert out.returncode == 2
    assert needle in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_debug_shows_the_traceback(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("trt,yield\nA,1\nB,x\n", encoding="utf-8")
    out = run("analyze", str(path), "--debug")
    assert out.returncode != 0 and "Traceback" in out.stderr and "DataError" in out.stderr


@pytest.mark.parametrize(
    "layout,needle",
    [
        ("full=NPK", "--omission needs the full treatment and at least one minus treatment"),
        ("NPK,CK", "--omission: 'NPK' is not understood"),
    ],
)
def test_bad_omission_layout_exits_2(tmp_path, layout, needle):
    path = tmp_path / "t.csv"
    path.write_text("trt,rep,yield\nA,1,1\nB,1,2\nA,2,3\nB,2,5\n", encoding="utf-8")
    out = run("analyze", str(path), "--omission", layout)
    assert (
        out.returncode == 2 and needle in out.stderr and len(out.stderr.strip().splitlines()) == 1
    )


# ---------------------------------------------------------------------------
# designs: the recogniser behind analyze
# ---------------------------------------------------------------------------
def _np_factorial_csv(path):
    """3 N × 3 P2O5 in 4 blocks, no treatment column; P2O5's effect depends on N."""
    import numpy as np

    rng = np.random.default_rng(11)
    rows = [
        {
            "block": b,
            "N": n,
            "P2O5": p,
            "yield": 5000 + 8 * n + 25 * p + 0.08 * n * p + rng.normal(0, 150),
        }
        for b in (1, 2, 3, 4)
        for n in (0, 90, 180)
        for p in (0, 45, 90)
    ]
    frame = pd.DataFrame(rows)
    frame.to_csv(path, index=False)
    return frame


def test_analyze_factorial_without_treatment_column_is_the_factorial_anova(tmp_path):
    import numpy as np
    import statsmodels.formula.api as smf

    path = tmp_path / "np_factorial.csv"
    frame = _np_factorial_csv(path)
    out = run("analyze", str(path), "--format", "json")
    assert out.returncode == 0, out.stderr
    assert (
        "fertopt: design: Factorial N × P2O5: the rate columns are crossed (3 × 3 rates, all 9 "
        "combinations present, no treatment column), in 4 blocks (block)."
    ) in out.stderr
    report = json.loads(out.stdout)
    assert report["plan"]["design"] == "factorial" and report["design"] == "factorial RCBD"
    sources = [row["source"] for row in report["anova"]["table"]]
    assert sources == ["block", "N", "P2O5", "N:P2O5", "Residuals"]
    # the reference: statsmodels' factorial OLS with blocks
    ols = smf.ols("Q('yield') ~ C(block) + C(N) * C(P2O5)", data=frame).fit()
    cv = 100 * np.sqrt(ols.mse_resid) / frame["yield"].mean()
    # 1e-9: both are exact least squares on 36 plots; only rounding separates them
    np.testing.assert_allclose(report["anova"]["cv"], cv, rtol=1e-9)
    np.testing.assert_allclose(report["anova"]["df_resid"], ols.df_resid, rtol=0)
    # simple effects: the letters of each factor within each level of the other; with effects
    # of 700+ between N levels (SE of a difference about 106), every N level differs at every
    # P2O5 level, so the letters are a, b, c from the highest mean down
    within = {(c["term"], tuple(c["within"])): c for c in report["comparisons"] if c["within"]}
    assert set(within) == {("N", ("P2O5",)), ("P2O5", ("N",))}
    for level in ("0", "45", "90"):
        groups = [g for g in within[("N", ("P2O5",))]["groups"] if g["within"] == level]
        assert [g["treatment"] for g in groups] == ["180", "90", "0"]
        assert [g["letters"] for g in groups] == ["a", "b", "c"]


def test_analyze_pooling_a_factor_stops_and_names_the_options(tmp_path):
    path = tmp_path / "np_factorial.csv"
    _np_factorial_csv(path)
    out = run("analyze", str(path), "--treatment", "N")
    assert out.returncode == 2
    assert "P2O5 varies within the treatments of N" in out.stderr
    assert "--factors N,P2O5" in out.stderr and "Traceback" not in out.stderr


def test_analyze_split_plot_and_latin_square_options(tmp_path):
    path = tmp_path / "np_factorial.csv"
    _np_factorial_csv(path)
    out = run("analyze", str(path), "--main-plot", "N", "--sub-plot", "P2O5", "--format", "json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["design"] == "split-plot RCBD"
    assert [e["error"] for e in report["anova"]["errors"]] == ["Error a", "Error b"]
    import fertopt as fo

    book = fo.design.latin_square(["A", "B", "C", "D"], rng=5).table
    book["yield"] = [10.0 + i % 3 + 2 * (t == "A") for i, t in enumerate(book["treatment"])]
    latin = tmp_path / "latin.csv"
    book.to_csv(latin, index=False)
    out = run("analyze", str(latin), "--row", "row", "--column", "column", "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["design"] == "Latin square"
    assert "fertopt: design: Latin square: 4 treatments in 4 rows (row)" in out.stderr
