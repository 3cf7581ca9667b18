"""trial_report(): composition, languages, graceful degradation, self-contained output, browser."""

from __future__ import annotations

import base64
import dataclasses
import html.parser
import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import fertopt as fo
from fertopt import plotting
from fertopt._core import document as _formatting
from fertopt.reports import Figure, TrialReport, trial_report
from fertopt.reports import sections as _sections

HERE = Path(__file__).parent
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def minnesota():
    return fo.load_dataset("minnesota_2012")


def report_of(df, **kw):
    kw.setdefault("posthoc", None)
    if kw.get("lang") == "zh" and plotting.find_cjk_font() is None:
        # without a CJK font a Chinese report warns once per session (tested on its own below)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", fo.DisplayWarning)
            return trial_report(
                df, response="yld_grain_dry_kgha", treatment="trt", block="rep", **kw
            )
    return trial_report(df, response="yld_grain_dry_kgha", treatment="trt", block="rep", **kw)


@pytest.fixture(scope="module")
def en_report(minnesota):
    return report_of(minnesota)


@pytest.fixture(scope="module")
def zh_report(minnesota):
    return report_of(minnesota, lang="zh")


def rcbd(n_trt=4, n_rep=3, seed=1):
    rng = np.random.default_rng(seed)
    rows = [
        {"trt": f"T{i + 1}", "rep": r + 1, "yield": 20 + 2 * i + r + rng.normal(0, 0.5)}
        for r in range(n_rep)
        for i in range(n_trt)
    ]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# content
# ---------------------------------------------------------------------------
def test_sections_in_agronomist_order(en_report):
    keys = [s.key for s in en_report.sections]
    assert keys == [
        "data",
        "anova",
        "comparisons",
        "three414",
        "response",
        "surface",
        "omission",
        "reduced",
        "diagnostics",
        "warnings",
        "about",
    ]
    assert [s.key for s in en_report.shown] == ["data", "anova", "diagnostics", "warnings", "about"]
    assert isinstance(en_report, TrialReport)
    assert repr(en_report).startswith("<TrialReport ") and "\n" not in repr(en_report)


def test_anova_section_shows_the_anova_numbers(minnesota, en_report):
    aov = fo.anova(minnesota, response="yld_grain_dry_kgha", treatment="trt", block="rep")
    table = next(b for b in en_report.section("anova").blocks if isinstance(b, _formatting.Table))
    frame = table.frame
    # the report composes fo.anova: its rows are the ANOVA's rows, plus a Total row
    np.testing.assert_allclose(frame["ss"].iloc[:3], aov.table["ss"], rtol=0)
    np.testing.assert_allclose(frame["f"].iloc[:3], aov.table["f"], rtol=0)
    assert frame["ss"].iloc[3] == pytest.approx(aov.table["ss"].sum(), rel=1e-15)
    # F 0.05 for (7, 21) df is 2.4876 (F table, e.g. Gomez & Gomez 1984 appendix E)
    assert frame.loc[1, "f_05"] == pytest.approx(2.4876, abs=1e-4)
    # blocks p = 0.0987: ns; treatments p < 0.0001: **; the error and total rows: no test
    assert list(frame["sig"].fillna("")) == ["ns", "**", "", ""]
    assert (
        en_report.key_findings[0]
        == "Treatments (trt): highly significant (**; F(7, 21) = 13.20, p < 0.0001)."
    )
    text = en_report.to_text()
    assert "CV" in text and "10.1 %" in text  # percentages to 0.1


def test_data_section_lists_treatments_and_summary(en_report):
    data = en_report.section("data")
    facts = dict(data.blocks[0].items)
    assert facts["Plots in the data"] == "32" and facts["Plots analysed"] == "32"
    assert facts["Design"].startswith(
        "randomized complete block design (RCBD): 8 treatments, 4 blocks"
    )
    summary = data.blocks[-1].frame
    assert list(summary.columns[:2]) == ["trt", "n"]
    assert summary["n"].tolist() == [4] * 8


def test_dropped_plots_are_reported_with_their_rows(minnesota):
    df = minnesota.copy()
    df.loc[[3, 10], "yld_grain_dry_kgha"] = np.nan
    with (
        pytest.warns(fo.DataWarning, match="2 plots with no yld_grain_dry_kgha were left out"),
        pytest.warns(fo.UnbalancedDesignWarning, match="analysed as an unbalanced RCBD"),
    ):
        rep = report_of(df, figures=False)
    assert rep.n_dropped == 2 and rep.n_obs == 32
    text = rep.to_text()
    assert "2 plots without a value were left out (rows 3, 10)." in text
    assert any("left out" in w for w in rep.warnings)
    assert rep.section("warnings").blocks[0].items == list(rep.warnings)


def test_chinese_report_uses_chinese_labels(zh_report):
    page = zh_report.to_html()
    for word in (
        "方差分析",
        "处理",
        "重复",
        "变异来源",
        "自由度",
        "平方和",
        "均方",
        "变异系数",
        "试验设计与数据",
        "随机区组设计",
        "残差诊断",
        "注意事项",
    ):
        assert word in page, word
    assert zh_report.key_findings[0] == "处理间差异极显著（**，F(7, 21) = 13.20，P < 0.0001）。"
    assert '<html lang="zh-CN">' in page
    assert "表 1" in page and "图 1" in page


def test_chinese_method_and_optimum_labels():
    from fertopt._core.i18n import label, method_name, model_name, status_text

    assert method_name("duncan", "zh") == "Duncan 新复极差法"
    assert label("agronomic_optimum", "zh") == "最高产量施肥量"
    assert label("economic_optimum", "zh") == "最佳经济施肥量"
    assert label("yield", "zh") == "产量" and label("block", "zh") == "重复"
    assert model_name("quadratic", "zh") == "一元二次模型"
    assert status_text("no_maximum", "en").startswith("no maximum")


def test_text_report_aligns_chinese_labels(zh_report):
    lines = zh_report.to_text().splitlines()
    i = lines.index("2. 方差分析")
    assert lines[i + 1] == "=" * 11  # "2. " is 3 columns, 方差分析 is 8
    facts = lines[i + 3 : i + 7]
    assert facts[0].startswith("总平均") and facts[3].startswith("决定系数 R²")
    # values start in one column although the labels mix Chinese (2 columns each) and Latin
    assert len({_display_start(line) for line in facts}) == 1, facts


def _display_start(line):
    import unicodedata

    value = re.split(r"\s{2,}", line, maxsplit=1)[1]
    head = line[: line.rindex(value)]
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in head)


# ---------------------------------------------------------------------------
# graceful degradation
# ---------------------------------------------------------------------------
def test_section_that_does_not_apply_is_left_out_with_a_note(en_report):
    response = en_report.section("response")
    assert response.status == "not_applicable"
    assert "No rate columns were given" in response.reason
    about = en_report.section("about").blocks[-1].items
    assert any(
        item.startswith("Fertilizer response and optimum rates: No rate columns") for item in about
    )
    assert "Fertilizer response" not in "".join(s.title for s in en_report.shown)


def test_failed_anova_is_stated_and_the_rest_renders():
    df = rcbd()
    df["rep"] = 1  # a single block: no block effect can be estimated
    rep = trial_report(df, response="yield", treatment="trt", block="rep", posthoc="duncan")
    anova = rep.section("anova")
    assert anova.status == "failed"
    assert "block" in anova.reason
    assert rep.section("data").status == "ok"
    assert rep.section("comparisons").status == "failed"
    assert (
        rep.section("comparisons").reason
        == "Needs the analysis of variance, which could not be completed."
    )
    assert rep.section("diagnostics").status == "failed"
    assert rep.anova is None
    assert rep.key_findings[0] == "Analysis of variance: could not be completed (section 2)."
    page = rep.to_html()
    assert "This analysis could not be completed: " + anova.reason.split(".")[0] in page.replace(
        "&#x27;", "'"
    )


def test_internal_error_in_one_section_does_not_stop_the_report(minnesota, monkeypatch):
    def broken(ctx):
        return 1 / 0

    # build_sections calls the builders listed in sections.BUILDERS
    builders = tuple(
        (key, title, broken if key == "diagnostics" else builder)
        for key, title, builder in _sections.BUILDERS
    )
    monkeypatch.setattr(_sections, "BUILDERS", builders)
    rep = report_of(minnesota, figures=False)
    diag = rep.section("diagnostics")
    assert diag.status == "failed"
    assert "internal error (ZeroDivisionError: division by zero at broken)" in diag.reason
    assert rep.section("anova").status == "ok"
    with pytest.raises(ZeroDivisionError):
        report_of(minnesota, figures=False, errors="raise")


def test_figure_that_cannot_be_drawn_becomes_a_sentence(minnesota, monkeypatch):
    def broken(*args, **kwargs):
        raise fo.FertoptError("no residuals to draw")

    monkeypatch.setattr(plotting, "plot_residuals", broken)
    rep = report_of(minnesota)
    blocks = rep.section("diagnostics").blocks
    assert blocks[0].text == "The figure could not be drawn: no residuals to draw"
    assert not rep.figures


def test_comparisons_can_be_switched_off(en_report):
    comp = en_report.section("comparisons")
    assert comp.status == "not_applicable"


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------
def test_missing_column_is_a_column_error(minnesota):
    with pytest.raises(fo.ColumnError, match="Did you mean 'yld_grain_dry_kgha'"):
        trial_report(minnesota, response="yld_grain_dry", treatment="trt")
    with pytest.raises(fo.ColumnError, match="rates='Nrate' is not a column of `data`"):
        report_of(minnesota, rates="Nrate")


@pytest.mark.parametrize(
    "kw,message",
    [
        ({"lang": "fr"}, "lang='fr' is not available; use 'en'"),
        ({"posthoc": "bonferroni"}, "posthoc='bonferroni' is not a valid option"),
        ({"alpha": 1.5}, r"alpha=1.5 is outside \(0, 1\)"),
        ({"figure_format": "jpg"}, "figure_format='jpg' is not a valid option"),
        ({"model": "cubic"}, "model='cubic' is not a valid option"),
        ({"rates": {"rate_n_applied_kgha": "nitrogen"}}, "'nitrogen' is not a nutrient form"),
        ({"omission": "NPK"}, "omission= must be a mapping"),
    ],
)
def test_bad_options_are_clear_errors(minnesota, kw, message):
    with pytest.raises(fo.FertoptError, match=message):
        report_of(minnesota, **kw)


# ---------------------------------------------------------------------------
# output formats
# ---------------------------------------------------------------------------
class _Refs(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "data", "poster", "action", "background"):
                self.refs.append((tag, name, value or ""))


def assert_self_contained(page: str) -> list[str]:
    parser = _Refs()
    parser.feed(page)
    assert "link" not in parser.tags and "script" not in parser.tags and "iframe" not in parser.tags
    assert not re.search(r"url\(", page), "CSS must not load anything"
    assert not re.search(r"@import", page)
    sources = []
    for tag, name, value in parser.refs:
        assert value.startswith("data:") or value.startswith("#"), (tag, name, value[:60])
        assert not re.match(r"\s*(https?:|//|file:)", value)
        sources.append(value)
    return sources


def test_html_is_self_contained_with_embedded_png(en_report, tmp_path):
    path = tmp_path / "report.html"
    page = en_report.to_html(path)
    assert path.read_text(encoding="utf-8") == page
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    sources = assert_self_contained(page)
    assert len(sources) == len(en_report.figures) == 1
    data = base64.b64decode(sources[0].split(",", 1)[1])
    assert data.startswith(PNG_MAGIC) and data == en_report.figures[0].data
    assert not re.search(r"https?://", page)


def test_svg_figures(minnesota):
    rep = report_of(minnesota, figure_format="svg")
    fig = rep.figures[0]
    assert fig.format == "svg" and b"<svg" in fig.data[:400]
    page = rep.to_html()
    srcs = assert_self_contained(page)
    assert srcs[0].startswith("data:image/svg+xml;base64,")


def test_markdown_writes_figures_beside_it(en_report, tmp_path):
    path = tmp_path / "out" / "trial.md"
    path.parent.mkdir()
    text = en_report.to_markdown(path)
    assert path.read_text(encoding="utf-8") == text
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links == ["trial_figures/fig1_residuals.png"]
    written = path.parent / links[0]
    assert written.read_bytes() == en_report.figures[0].data
    assert "| Source | df | Sum Sq |" in text
    assert text.startswith("# Field trial report: yld\\_grain\\_dry\\_kgha (kg/ha)\n")


def test_markdown_without_path_embeds_figures(en_report):
    text = en_report.to_markdown()
    assert "](data:image/png;base64," in text


def test_repr_html_puts_key_findings_first(en_report):
    fragment = en_report._repr_html_()
    assert "<html" not in fragment and "<style>" in fragment
    assert fragment.index("Key findings") < fragment.index("1. Design and data")
    assert fragment.index("highly significant") < fragment.index("Analysis of variance</caption>")
    assert_self_contained(fragment)


def test_to_dict_is_json(en_report):
    out = json.loads(json.dumps(en_report.to_dict()))
    assert out["result"] == "TrialReport" and out["design"] == "RCBD"
    assert out["anova"]["design"] == "RCBD"
    assert [s["key"] for s in out["sections"]][:2] == ["data", "anova"]
    diagnostics = next(s for s in out["sections"] if s["key"] == "diagnostics")
    assert diagnostics["figures"] == [
        {"name": "residuals", "caption": en_report.figures[0].caption}
    ]
    assert out["options"]["lang"] == "en"


def test_figures_off_gives_no_figures(minnesota):
    rep = report_of(minnesota, figures=False)
    assert rep.figures == () and "<img" not in rep.to_html()


# ---------------------------------------------------------------------------
# CJK fonts
# ---------------------------------------------------------------------------
@pytest.fixture
def no_cjk_font(monkeypatch):
    monkeypatch.setattr(plotting.styling, "find_cjk_font", lambda: None)
    monkeypatch.setattr(plotting.styling, "WARNED", set())


def test_without_cjk_font_chinese_report_warns_once_and_labels_figures_in_english(
    minnesota, no_cjk_font
):
    kw = dict(response="yld_grain_dry_kgha", treatment="trt", block="rep", posthoc=None, lang="zh")
    with pytest.warns(fo.DisplayWarning, match="fonts-noto-cjk.*fonts-wqy-zenhei"):
        rep = trial_report(minnesota, **kw)
    assert any("图中标签为英文" in n for n in rep.display_notes)
    assert "图中标签为英文" in rep.to_html()
    assert rep.figures  # the figures are still there, in English
    assert not any("字体" in w for w in rep.warnings)  # display problems are not data warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trial_report(minnesota, **kw)  # warned once per session


def test_cjk_font_is_found_when_installed():
    font = plotting.find_cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (e.g. apt-get install fonts-noto-cjk)")
    from matplotlib import font_manager, ft2font

    path = font_manager.findfont(
        font_manager.FontProperties(family=font), fallback_to_default=False
    )
    glyphs = ft2font.FT2Font(path)
    assert all(glyphs.get_char_index(ord(c)) for c in "处理产量重复方差分析")


# ---------------------------------------------------------------------------
# a real browser
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chromium():
    import browser

    path = browser.find_chromium()
    if path is None:
        pytest.skip(f"headless browser test skipped: {browser.why_no_chromium()}")
    return path


def _crop(img, box):
    x, y, w, h = box
    return img[y : y + h, x : x + w, :3]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_renders_in_headless_chromium(chromium, minnesota, tmp_path, lang):
    import io

    from matplotlib import image

    import browser

    rep = report_of(
        minnesota, lang=lang, posthoc="duncan", rates={"rate_n_applied_kgha": "N"}, prices=PRICES_MN
    )
    page = tmp_path / f"report_{lang}.html"
    rep.to_html(page)
    info = browser.probe(chromium, page, tmp_path)
    # the browser laid out every table with all its rows, and decoded every figure
    tables = [
        b for s in rep.shown for b in s.blocks if isinstance(b, _formatting.Table) and b.title
    ]
    assert [t["rows"] for t in info["tables"]] == [len(t.frame) for t in tables]
    assert (
        len(tables) == 7
    )  # data, ANOVA, letters, model comparison, parameters, optima, assumptions
    assert info["tables"][1]["caption"] == (
        "Table 2. Analysis of variance" if lang == "en" else "表 2 方差分析表"
    )
    assert len(info["images"]) == len(rep.figures) == 4  # means, response, net return, residuals
    for img, fig in zip(info["images"], rep.figures, strict=True):
        assert img["complete"] and img["natural"] == list(_png_size(fig.data))
        assert img["box"][2] > 300 and img["box"][3] > 100
    assert info["headings"][1].endswith(rep.shown[0].title)

    shot = browser.screenshot(chromium, page, tmp_path / f"shot_{lang}.png", 1100, info["height"])
    pixels = image.imread(shot)
    assert pixels.shape[0] >= info["height"] - 1 and pixels.shape[1] == 1100
    gray = pixels[..., :3].mean(axis=2)
    assert (gray < 0.9).mean() > 0.03, "the screenshot is blank"
    for table in info["tables"]:
        crop = _crop(pixels, table["box"]).mean(axis=2)
        # three-line table: dark full-width rules at the top, under the header and at the bottom
        dark_rows = np.where((crop < 0.3).mean(axis=1) > 0.9)[0]
        assert dark_rows.size >= 3, table
        assert (crop < 0.6).mean() > 0.03  # text inside
    for img, fig in zip(info["images"], rep.figures, strict=True):
        crop = _crop(pixels, img["box"])
        source = image.imread(io.BytesIO(fig.data))[..., :3]
        rows = np.linspace(0, source.shape[0] - 1, crop.shape[0]).astype(int)
        cols = np.linspace(0, source.shape[1] - 1, crop.shape[1]).astype(int)
        scaled = source[rows][:, cols]
        # what the browser shows at the figure's place is the figure (blurred by scaling)
        corr = np.corrcoef(crop.mean(axis=2).ravel(), scaled.mean(axis=2).ravel())[0, 1]
        assert corr > 0.6, (fig.name, corr)
        blue = (crop[..., 2] > 0.55) & (crop[..., 0] < 0.45)
        assert blue.sum() > 50, fig.name  # every figure draws in the palette's blue


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_MAGIC)
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_figure_dataclass_uri():
    fig = Figure(name="x", caption="c", data=PNG_MAGIC + b"rest")
    assert (
        fig.data_uri() == "data:image/png;base64," + base64.b64encode(PNG_MAGIC + b"rest").decode()
    )


# ---------------------------------------------------------------------------
# response curves and optima
# ---------------------------------------------------------------------------
PRICES_MN = fo.Prices(crop=0.157, N=0.88, currency="USD")


@pytest.fixture(scope="module")
def priced_report(minnesota):
    return report_of(minnesota, rates={"rate_n_applied_kgha": "N"}, prices=PRICES_MN)


def test_response_section_reports_the_published_eonr_optima(priced_report):
    sec = priced_report.section("response")
    assert sec.status == "ok"
    agro, econ = priced_report.optima["rate_n_applied_kgha"]
    # eonr's README (tnigon/eonr, minnesota_2012, quadratic, grain 0.157 $/kg, N 0.88 $/kg):
    # EONR 174.24 kg/ha, maximum yield at 191.58 kg/ha (published to 2 decimals)
    assert econ.kind == "economic" and econ.rate == pytest.approx(174.24, abs=0.005)
    assert agro.kind == "agronomic" and agro.rate == pytest.approx(191.58, abs=0.005)
    assert econ.status == agro.status == "ok"
    tables = {b.title: b.frame for b in sec.blocks if isinstance(b, _formatting.Table)}
    optima = tables["Optimum rates for N"]
    assert optima["rate"].tolist() == [agro.rate, econ.rate]
    assert optima["ci_low"].tolist() == [agro.ci[0], econ.ci[0]]
    assert optima["net_return"].iloc[1] == econ.net_return
    assert "Model comparison for N" in tables and "Parameters for N (quadratic model)" in tables
    finding = next(k for k in priced_report.key_findings if k.startswith("N: "))
    assert finding.startswith("N: economic optimum 174.2 kg/ha (95 % CI ")
    assert finding.endswith("maximum yield at 191.6 kg/ha.")
    assert [f.name for f in priced_report.figures] == ["response_N", "net_return_N", "residuals"]


def test_response_section_uses_blocks_and_the_chosen_model(minnesota, priced_report):
    fit = priced_report.responses["rate_n_applied_kgha"]
    assert fit.model == "quadratic" and fit.block == "rep"
    best = report_of(minnesota, rates={"rate_n_applied_kgha": "N"}, model="best", figures=False)
    # lowest AICc among the six models on these plots
    cmp = fo.compare_models(
        minnesota,
        response="yld_grain_dry_kgha",
        rate="rate_n_applied_kgha",
        block="rep",
        nutrient="N",
    )
    assert best.responses["rate_n_applied_kgha"].model == cmp.best("aicc").model


def test_response_without_prices_reports_the_maximum_only(minnesota):
    rep = report_of(minnesota, rates={"rate_n_applied_kgha": "N"}, figures=False)
    (agro,) = rep.optima["rate_n_applied_kgha"]
    assert agro.kind == "agronomic"
    text = rep.to_text()
    assert "No prices given: only the rate of maximum yield is reported." in text
    assert any(k.startswith("N: maximum yield 13748 at 191.6 kg/ha") for k in rep.key_findings)


def test_response_in_chinese(minnesota):
    rep = report_of(
        minnesota, rates={"rate_n_applied_kgha": "N"}, prices=PRICES_MN, lang="zh", figures=False
    )
    page = rep.to_html()
    for word in (
        "最高产量施肥量",
        "最佳经济施肥量",
        "施肥纯收益",
        "一元二次模型",
        "拟合方程",
        "肥料效应与最佳施肥量",
    ):
        assert word in page, word
    # kg/ha as Chinese papers write it
    assert any(
        k.startswith("N：最佳经济施肥量 174.2 kg/hm²（95% 置信区间 ") for k in rep.key_findings
    )


def _two_nutrient_trial():
    # N at 4 rates with P fixed at 40, plus a P-omission plot: P has only 2 rates
    rng = np.random.default_rng(7)
    rows = []
    for r in (1, 2, 3):
        for trt, n, p in (
            ("N0", 0, 40),
            ("N1", 60, 40),
            ("N2", 120, 40),
            ("N3", 180, 40),
            ("N2P0", 120, 0),
        ):
            y = 5 + 0.03 * n - 0.0001 * n * n + (0.4 if p else 0) + rng.normal(0, 0.15)
            rows.append({"trt": trt, "rep": r, "N": n, "P2O5": p, "yield": y})
    return pd.DataFrame(rows)


def test_nutrient_with_too_few_rates_is_noted_and_the_other_fitted():
    df = _two_nutrient_trial()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)  # the surface cannot be identified here
        rep = trial_report(
            df,
            response="yield",
            treatment="trt",
            block="rep",
            rates=["N", "P2O5"],
            posthoc=None,
            figures=False,
        )
    sec = rep.section("response")
    assert sec.status == "ok"
    assert list(rep.responses) == ["N"]
    notes = [b.text for b in sec.blocks if isinstance(b, _formatting.Paragraph)]
    assert (
        "P2O5: only 2 distinct rates (0, 40) with the other nutrients held constant; "
        "a response curve needs at least 3."
    ) in notes
    assert "N: quadratic model fitted to 12 plots at 4 rates (plots with P2O5 = 40)." in notes
    assert rep.responses["N"].n_obs == 12


def test_convex_response_has_no_optimum_and_says_so():
    rows = [
        {
            "trt": f"N{n}",
            "rep": r,
            "N": n,
            "yield": 5 + 0.00005 * n * n + 0.01 * r + 0.02 * ((n + r) % 3),
        }
        for r in (1, 2, 3)
        for n in (0, 50, 100, 150)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        rep = trial_report(
            pd.DataFrame(rows),
            response="yield",
            treatment="trt",
            block="rep",
            rates="N",
            prices=fo.Prices(crop=2.8, N=6.25),
            posthoc=None,
            figures=False,
        )
    agro, econ = rep.optima["N"]
    assert agro.status == econ.status == "no_maximum"
    assert any(
        k.startswith("N: no maximum: the fitted curve does not bend down") for k in rep.key_findings
    )


# ---------------------------------------------------------------------------
# N-P-K surface
# ---------------------------------------------------------------------------
CODES_3414 = [
    "000",
    "022",
    "122",
    "202",
    "212",
    "222",
    "232",
    "220",
    "221",
    "223",
    "322",
    "112",
    "121",
    "211",
]
LEVEL2 = {"N": 18.0, "P2O5": 8.0, "K2O": 19.0}
PRICES_WC = fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4, currency="yuan")


def trial_3414(surface, sd=20.0, seed=1):
    rng = np.random.default_rng(seed)
    rows = []
    for rep in (1, 2, 3):
        for i, code in enumerate(CODES_3414):
            x = {n: LEVEL2[n] * (0, 0.5, 1, 1.5)[int(d)] for n, d in zip(LEVEL2, code, strict=True)}
            rows.append(
                {"trt": f"T{i + 1}", "rep": rep, **x, "yield": surface(**x) + rng.normal(0, sd)}
            )
    return pd.DataFrame(rows)


def concave(N, P2O5, K2O):
    return (
        1700 + 90 * N - 2.5 * N**2 + 120 * P2O5 - 7 * P2O5**2 + 40 * K2O - K2O**2 + 0.5 * N * P2O5
    )


def test_surface_section_on_a_3414_trial():
    df = trial_3414(concave)
    rep = trial_report(
        df,
        response="yield",
        treatment="trt",
        block="rep",
        rates=["N", "P2O5", "K2O"],
        design="rate",  # the surface of a 3414 layout; the 3414 analysis has its own section
        prices=PRICES_WC,
        posthoc=None,
    )
    sec = rep.section("surface")
    assert sec.status == "ok"
    surf = rep.surface
    assert surf.nutrients == ("N", "P2O5", "K2O") and surf.n_obs == 42 and surf.n_support == 14
    opt = surf.optimum(prices=PRICES_WC)
    tables = {b.title: b.frame for b in sec.blocks if isinstance(b, _formatting.Table)}
    shown = tables["Economic optimum within the tested rates"]
    assert shown["rate"].tolist() == [opt.rates[n] for n in ("N", "P2O5", "K2O")]
    assert (
        tables["Coefficients of the surface"]["estimate"].tolist()
        == surf.coefficients["estimate"].tolist()
    )
    assert "Typicality: typical" in tables
    finding = next(k for k in rep.key_findings if k.startswith("Surface"))
    assert finding.startswith("Surface (maximum): economic optimum N ") and finding.endswith(
        "(ok)."
    )
    assert "surface" in [f.name for f in rep.figures]
    # the univariate curves come from the 3414 subsets: N at P2 K2 is treatments 2, 3, 6, 11
    assert rep.responses["N"].n_obs == 12 and rep.responses["N"].rate_levels == (
        0.0,
        9.0,
        18.0,
        27.0,
    )


def test_saddle_surface_is_a_finding_not_a_recommendation():
    # the reference study's stepwise equation: yield rises without bound in N and K (a saddle)
    def saddle(N, P2O5, K2O):
        return 1688.61 - 17.65 * P2O5**2 + 0.064 * N * K2O + 16.99 * P2O5 * K2O

    df = trial_3414(saddle, sd=5.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)  # the univariate curves warn as well
        rep = trial_report(
            df,
            response="yield",
            treatment="trt",
            block="rep",
            rates=["N", "P2O5", "K2O"],
            design="rate",
            posthoc=None,
            figures=False,
        )
    assert rep.surface.canonical().kind == "saddle"
    text = rep.to_text()
    assert "These rates are a finding, not a recommendation" in text
    assert any(k.startswith("Surface (saddle point: no maximum)") for k in rep.key_findings)


def test_omission_design_cannot_identify_a_surface_and_says_why():
    rows = []
    for rep_ in (1, 2, 3):
        for trt, n, p, k, y in (
            ("CK", 0, 0, 0, 1690),
            ("NPK", 18, 8, 19, 3100),
            ("PK", 0, 8, 19, 2500),
            ("NK", 18, 0, 19, 2900),
            ("NP", 18, 8, 0, 2790),
        ):
            rows.append(
                {
                    "trt": trt,
                    "rep": rep_,
                    "N": n,
                    "P2O5": p,
                    "K2O": k,
                    "yield": y + 7 * rep_ + (n % 5),
                }
            )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        rep = trial_report(
            pd.DataFrame(rows),
            response="yield",
            treatment="trt",
            block="rep",
            rates=["N", "P2O5", "K2O"],
            posthoc=None,
            figures=False,
        )
    sec = rep.section("surface")
    # the plan knows an omission trial before any fit: two rates per nutrient, no surface
    assert rep.plan.design == "omission"
    assert sec.status == "not_applicable"
    assert "too few rates" in sec.reason, sec.reason
    assert rep.section("response").status == "not_applicable"  # two rates per nutrient
    assert rep.section("anova").status == "ok"


# ---------------------------------------------------------------------------
# multiple comparisons
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["duncan", "lsd", "tukey", "snk", "scheffe"])
def test_comparisons_section_shows_the_letter_groups(minnesota, method):
    rep = report_of(minnesota, posthoc=method, figures=False)
    (mc,) = rep.comparisons
    aov = fo.anova(minnesota, response="yld_grain_dry_kgha", treatment="trt", block="rep")
    expected = getattr(fo, method)(aov)
    assert mc.test == expected.test and mc.mse == aov.mse and mc.df_resid == aov.df_resid
    table = next(b for b in rep.section("comparisons").blocks if isinstance(b, _formatting.Table))
    # the report lists the treatments in their order (1 … 8), each with its test's letters
    shown = table.frame.set_index("treatment")
    assert shown.index.tolist() == [str(t) for t in range(1, 9)]
    groups = expected.groups.assign(treatment=expected.groups["treatment"].astype(str))
    groups = groups.set_index("treatment").loc[shown.index]
    assert shown["letters"].tolist() == groups["letters"].tolist()
    np.testing.assert_array_equal(shown["mean"], groups["mean"])


def test_comparison_findings_and_chinese_method_name(minnesota):
    rep = report_of(minnesota, posthoc="duncan", lang="zh", figures=False)
    mc = rep.comparisons[0]
    best = mc.groups.iloc[mc.groups["mean"].argmax()]
    assert f"平均值最高的是 {best['treatment']}（" in " ".join(rep.key_findings)
    page = rep.to_html()
    assert "Duncan 新复极差法" in page and "差异显著性（α = 0.05）" in page


def test_factorial_comparisons_per_factor():
    rng = np.random.default_rng(3)
    rows = [
        {"rep": r, "N": n, "P": p, "yield": 5 + 0.02 * n + 0.01 * p + rng.normal(0, 0.2)}
        for r in (1, 2, 3)
        for n in (0, 60, 120)
        for p in (0, 40)
    ]
    rep = trial_report(
        pd.DataFrame(rows), response="yield", treatment=["N", "P"], block="rep", figures=False
    )
    # each factor, then each factor within the levels of the other (simple effects)
    assert [(mc.term, mc.within) for mc in rep.comparisons] == [
        ("N", ()),
        ("P", ()),
        ("N", ("P",)),
        ("P", ("N",)),
    ]
    titles = [
        b.title for b in rep.section("comparisons").blocks if isinstance(b, _formatting.Table)
    ]
    assert titles[0].startswith("Factor N: ") and titles[1].startswith("Factor P: ")
    assert titles[2].startswith("N within each level of P: ")


def test_chinese_treatment_names_without_cjk_font_warn_once_and_nothing_else(no_cjk_font):
    df = rcbd()
    df["trt"] = df["trt"].map({"T1": "处理一", "T2": "处理二", "T3": "处理三", "T4": "处理四"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rep = trial_report(df, response="yield", treatment="trt", block="rep")
    assert [w.category for w in caught] == [fo.DisplayWarning]
    assert "fonts-noto-cjk" in str(caught[0].message)
    assert len(rep.figures) == 2


# ---------------------------------------------------------------------------
# omission plots (fertopt.omission; these tests run once that module is merged)
# ---------------------------------------------------------------------------
def _omission_trial(labels=("CK", "NPK", "PK", "NK", "NP")):
    means = dict(zip(labels, (1690.0, 3100.0, 2500.0, 2900.0, 2790.0), strict=True))
    rates = dict(
        zip(labels, ((0, 0, 0), (18, 8, 19), (0, 8, 19), (18, 0, 19), (18, 8, 0)), strict=True)
    )
    wobble = (-30.0, 10.0, 20.0)
    rows = [
        {
            "trt": t,
            "rep": r + 1,
            "N": rates[t][0],
            "P2O5": rates[t][1],
            "K2O": rates[t][2],
            "yield": means[t] + wobble[(r + i) % 3],
        }
        for r in range(3)
        for i, t in enumerate(labels)
    ]
    return pd.DataFrame(rows)


def test_omission_section_is_recognised_and_reports_the_indices():
    df = _omission_trial()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        rep = trial_report(
            df,
            response="yield",
            treatment="trt",
            block="rep",
            rates=["N", "P2O5", "K2O"],
            prices=PRICES_WC,
            figures=False,
        )
    sec = rep.section("omission")
    assert sec.status == "ok"
    om = rep.omission
    assert om.full == "NPK" and om.control == "CK"
    assert om.minus == {"N": "PK", "P2O5": "NK", "K2O": "NP"}
    tables = [b for b in sec.blocks if isinstance(b, _formatting.Table)]
    np.testing.assert_array_equal(tables[0].frame["estimate"], om.indices["estimate"])
    # relative yield of the PK plot: 2500 / 3100 x 100 = 80.645 % (block effects cancel: the
    # wobble adds the same three values to every treatment)
    ry = om.index("relative_yield", "N")["estimate"]
    assert ry == pytest.approx(100 * 2500 / 3100, rel=1e-12)
    finding = next(k for k in rep.key_findings if k.startswith("Relative yield of the minus plots"))
    assert "N 80.6 %" in finding
    # five treatments cannot identify a surface: the plan says so instead of trying
    assert rep.section("surface").status == "not_applicable"


def test_omission_layout_given_explicitly_and_in_chinese():
    df = _omission_trial(labels=("空白区", "配方区", "甲", "乙", "丙"))
    layout = {
        "full": "配方区",
        "control": "空白区",
        "minus": {"N": "甲", "P2O5": "乙", "K2O": "丙"},
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        rep = trial_report(
            df,
            response="yield",
            treatment="trt",
            block="rep",
            omission=layout,
            lang="zh",
            figures=False,
        )
    assert rep.omission.minus == layout["minus"]
    page = rep.to_html()
    for word in ("缺素区试验指标", "相对产量", "养分贡献率", "全肥（配方）处理"):
        assert word in page, word


def test_no_omission_layout_means_no_section(minnesota):
    rep = report_of(minnesota, figures=False)
    assert rep.section("omission").status == "not_applicable"
    assert not any(s.startswith("Omission") for s in rep.section("about").blocks[-1].items)


# ---------------------------------------------------------------------------
# one display pipeline: the report embeds the results' own blocks
# ---------------------------------------------------------------------------
def _rendered(block, digits=4):
    """A block as text, Markdown and HTML (blocks hold frames, so compare what they show)."""
    return (
        _formatting.block_text(block, digits),
        _formatting.block_markdown(block, digits),
        _formatting.block_html(block, digits),
    )


def _summary_is_its_parts(result, lang):
    """Check that ``result``'s summary is exactly its named parts; return the parts."""
    parts = result.summary_parts(lang=lang)
    blocks = result.summary(lang=lang).blocks
    for ours, theirs in zip(blocks, parts.values(), strict=True):
        assert _rendered(ours) == _rendered(theirs)
    return parts


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_anova_section_embeds_the_anova_summary_blocks(minnesota, lang):
    rep = report_of(minnesota, lang=lang, figures=False)
    aov = rep.anova
    parts = _summary_is_its_parts(aov, lang)
    statistics, table, verdicts = rep.section("anova").blocks
    # the statistics are the summary's block as it is
    assert _rendered(statistics) == _rendered(parts["statistics"])
    # the table is the summary's, under the report's caption
    assert table.frame.equals(parts["table"].frame)
    assert (table.labels, table.formats, table.note) == (
        parts["table"].labels,
        parts["table"].formats,
        parts["table"].note,
    )
    assert _rendered(dataclasses.replace(table, title=parts["table"].title)) == _rendered(
        parts["table"]
    )
    # the verdicts are the summary's headline and the report's key finding
    assert verdicts.text == aov.summary(lang=lang).headline == " ".join(aov.verdicts(lang))
    assert rep.key_findings[0] == aov.verdicts(lang)[0]
    # the assumption checks of the diagnostics section are the summary's block as well
    (assumptions,) = [
        b for b in rep.section("diagnostics").blocks if isinstance(b, _formatting.Table)
    ]
    assert _rendered(assumptions) == _rendered(parts["assumptions"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_response_section_embeds_the_fit_summary_blocks(minnesota, lang):
    rep = report_of(
        minnesota, rates={"rate_n_applied_kgha": "N"}, prices=PRICES_MN, lang=lang, figures=False
    )
    fit = rep.responses["rate_n_applied_kgha"]
    parts = fit.summary_parts(lang=lang)
    blocks = rep.section("response").blocks
    facts = [b for b in blocks if isinstance(b, _formatting.Facts)]
    assert [_rendered(b) for b in facts] == [_rendered(parts["fit"])]
    (params,) = [
        b
        for b in blocks
        if isinstance(b, _formatting.Table)
        and b.frame is not None
        and list(b.frame.columns) == list(parts["params"].frame.columns)
    ]
    assert _rendered(dataclasses.replace(params, title=parts["params"].title)) == _rendered(
        parts["params"]
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_surface_section_embeds_the_surface_summary_blocks(lang):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.DisplayWarning)  # a Chinese report without a CJK font
        rep = trial_report(
            trial_3414(concave),
            response="yield",
            treatment="trt",
            block="rep",
            rates=["N", "P2O5", "K2O"],
            design="rate",
            posthoc=None,
            lang=lang,
            figures=False,
        )
    surf = rep.surface
    parts = _summary_is_its_parts(surf, lang)
    blocks = rep.section("surface").blocks
    # the goodness of fit (R² with adjusted R², residual SD, regression F) is the fit's block
    assert [_rendered(b) for b in blocks if isinstance(b, _formatting.Facts)][0] == _rendered(
        parts["fit"]
    )
    # the coefficients and the regression ANOVA are the fit's tables, under the report's captions
    tables = [b for b in blocks if isinstance(b, _formatting.Table)]
    for name, shown in zip(("coefficients", "anova"), tables[:2], strict=True):
        assert _rendered(dataclasses.replace(shown, title=parts[name].title)) == _rendered(
            parts[name]
        )


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("shape", [concave, "saddle"])
def test_surface_section_embeds_the_canonical_optimum_and_typicality_blocks(lang, shape):
    def saddle(N, P2O5, K2O):
        return 1688.61 - 17.65 * P2O5**2 + 0.064 * N * K2O + 16.99 * P2O5 * K2O

    df = trial_3414(concave) if shape is concave else trial_3414(saddle, sd=5.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        rep = trial_report(
            df,
            response="yield",
            treatment="trt",
            block="rep",
            rates=["N", "P2O5", "K2O"],
            design="rate",
            prices=PRICES_WC if shape is concave else None,
            posthoc=None,
            lang=lang,
            figures=False,
        )
    surf = rep.surface
    can = surf.canonical()
    opt = (
        surf.optimum(prices=PRICES_WC, bounds="tested")
        if shape is concave
        else surf.maximum(bounds="tested")
    )
    typ = surf.typicality(prices=PRICES_WC if shape is concave else None)
    for result in (can, opt, typ):
        _summary_is_its_parts(result, lang)
    blocks = [
        _rendered(dataclasses.replace(b, title=None))
        for b in rep.section("surface").blocks
        if not isinstance(b, Figure)
    ]
    c, o, ty = (
        can.summary_parts(lang=lang),
        opt.summary_parts(lang=lang, marginal=False),
        typ.summary_parts(lang=lang),
    )
    expected = [c["facts"], c["message"], o["bounds"], o["result"], o["message"], ty["rules"]]
    rendered = [_rendered(dataclasses.replace(b, title=None)) for b in expected]
    # each block shows up in the section, in order, under the report's captions
    at = [blocks.index(r) for r in rendered]
    assert at == sorted(at)
    assert "marginal" not in o["bounds"].frame and "marginal" in opt.summary_parts()["bounds"].frame


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_comparisons_section_embeds_the_letters_table_and_sentence(minnesota, lang):
    rep = report_of(minnesota, posthoc="duncan", lang=lang, figures=False)
    (mc,) = rep.comparisons
    parts = _summary_is_its_parts(mc, lang)
    table, sentence = rep.section("comparisons").blocks[:2]
    # the letters table is the test's own, under the report's caption; the sentence as it is
    assert _rendered(dataclasses.replace(table, title=parts["means"].title)) == _rendered(
        parts["means"]
    )
    assert _rendered(sentence) == _rendered(parts["sentence"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_response_section_embeds_the_model_comparison_table(minnesota, lang):
    rep = report_of(
        minnesota, rates={"rate_n_applied_kgha": "N"}, prices=PRICES_MN, lang=lang, figures=False
    )
    cmp = fo.compare_models(
        minnesota,
        response="yld_grain_dry_kgha",
        rate="rate_n_applied_kgha",
        block="rep",
        nutrient="N",
    )
    _summary_is_its_parts(cmp, lang)
    table = cmp.summary_parts(lang=lang, criteria="aicc")["table"]
    (shown,) = [
        b
        for b in rep.section("response").blocks
        if isinstance(b, _formatting.Table) and "delta_aicc" in b.frame.columns
    ]
    # the comparison's own table (AICc only), under the report's caption
    assert _rendered(dataclasses.replace(shown, title=table.title)) == _rendered(table)
    assert "aic" not in table.frame.columns and "aic" in cmp.summary_parts()["table"].frame


def test_model_comparison_criteria_is_checked(minnesota):
    cmp = fo.compare_models(
        minnesota, response="yld_grain_dry_kgha", rate="rate_n_applied_kgha", models=["linear"]
    )
    with pytest.raises(fo.OptionError, match="criteria"):
        cmp.summary_parts(criteria="bic")


def _priced_omission_report(lang):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        rep = trial_report(
            _omission_trial(),
            response="yield",
            treatment="trt",
            block="rep",
            rates=["N", "P2O5", "K2O"],
            prices=PRICES_WC,
            lang=lang,
            figures=False,
        )
    return rep


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_omission_section_embeds_the_omission_summary_blocks(lang):
    rep = _priced_omission_report(lang)
    om = rep.omission
    _summary_is_its_parts(om, lang)
    parts = om.summary_parts(lang=lang, income_se=False, index_names="words")
    tables = [b for b in rep.section("omission").blocks if isinstance(b, _formatting.Table)]
    # the indices (in words), the economics (without the SE of income) and the soil supply
    assert [_rendered(b) for b in tables] == [
        _rendered(parts[k]) for k in ("indices", "economics", "soil_supply")
    ]
    assert "income_se" not in parts["economics"].frame
    assert "income_se" in om.summary_parts(lang=lang)["economics"].frame


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_omission_section_embeds_the_omission_layout_block(lang):
    rep = _priced_omission_report(lang)
    parts = rep.omission.summary_parts(lang=lang)
    facts = [b for b in rep.section("omission").blocks if isinstance(b, _formatting.Facts)]
    # the full, minus and control treatments are the analysis's layout block, as it is
    assert [_rendered(b) for b in facts] == [_rendered(parts["layout"])]
    assert "N → PK" in "\n".join(_rendered(parts["layout"])[0])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_data_section_design_line_is_the_anova_layout(minnesota, lang):
    rep = report_of(minnesota, lang=lang, figures=False)
    from fertopt._core.i18n import label

    facts = dict(rep.section("data").blocks[0].items)
    assert facts[label("design", lang)].endswith(": " + rep.anova.layout(lang))


def test_split_plot_cv_labels_read_in_chinese():
    rng = np.random.default_rng(5)
    df = pd.DataFrame(
        [
            {"block": b, "A": a, "B": s, "yield": 10 + a + 0.5 * s + rng.normal(0, 1)}
            for b in (1, 2, 3, 4)
            for a in (0, 1, 2)
            for s in (0, 1, 2, 3)
        ]
    )
    aov = fo.anova(df, response="yield", main_plot="A", sub_plot="B", block="block")
    facts = dict(aov.summary_parts(lang="zh")["statistics"].items)
    assert "变异系数（误差 a）" in facts and "变异系数（误差 b）" in facts


# ---------------------------------------------------------------------------
# headlines that cannot mislead
# ---------------------------------------------------------------------------
def _np_factorial(seed=7):
    """3 N × 3 P2O5 in 4 blocks, no treatment column; P2O5 responds more where N is high."""
    rng = np.random.default_rng(seed)
    rows = [
        {
            "rep": r,
            "N": n,
            "P2O5": p,
            "yield": 5000
            + 8 * n
            - 0.02 * n * n
            + 30 * p
            - 0.2 * p * p
            + 0.05 * n * p
            + rng.normal(0, 200),
        }
        for r in (1, 2, 3, 4)
        for n in (0, 90, 180)
        for p in (0, 45, 90)
    ]
    return pd.DataFrame(rows)


def test_key_findings_name_the_slice_a_curve_was_fitted_on():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        rep = trial_report(
            _np_factorial(), response="yield", block="rep", rates=["N", "P2O5"], figures=False
        )
    fit = rep.responses["P2O5"]
    # the P2O5 curve is fitted on the 12 plots without N, and the finding says so
    assert fit.n_obs == 12
    finding = next(k for k in rep.key_findings if k.startswith("P2O5 ("))
    assert finding.startswith("P2O5 (at N = 0): maximum yield "), finding
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        zh = trial_report(
            _np_factorial(),
            response="yield",
            block="rep",
            rates=["N", "P2O5"],
            figures=False,
            lang="zh",
            posthoc=None,
        )
    assert any(k.startswith("P2O5（N = 0 时）：") for k in zh.key_findings)


def _plateau_trial(seed=3):
    """Yield rises 30 kg per kg N up to 120 kg N, then stays flat (a linear plateau)."""
    rng = np.random.default_rng(seed)
    rates = (0, 40, 80, 120, 160, 200, 240)
    rows = [
        {"trt": f"N{n}", "rep": r, "N": n, "yield": 5000 + 30 * min(n, 120) + rng.normal(0, 60)}
        for r in (1, 2, 3, 4)
        for n in rates
    ]
    return pd.DataFrame(rows)


def test_a_clearly_better_model_is_named_with_its_optimum():
    df = _plateau_trial()
    prices = fo.Prices(crop=0.2, N=1.0)  # ratio 5 kg per kg N, far below the slope of 30
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        rep = trial_report(
            df,
            response="yield",
            treatment="trt",
            block="rep",
            rates="N",
            prices=prices,
            figures=False,
            posthoc=None,
        )
        lp = fo.fit_response(df, response="yield", rate="N", block="rep", model="linear_plateau")
    # the true join is 120: the linear plateau finds it, and its economic optimum is the join
    assert abs(lp.estimates["join"] - 120) < 10
    finding = next(k for k in rep.key_findings if k.startswith("N:"))
    assert "The linear-plateau model fits clearly better than the quadratic model" in finding
    rate = fo._core.formatting.format_number(lp.optimum(prices=prices).rate)
    assert f"its economic optimum is {rate}." in finding, finding
    # the response section says the same beside the model table
    texts = [b.text for b in rep.section("response").blocks if isinstance(b, _formatting.Paragraph)]
    assert any(t.startswith("The linear-plateau model fits clearly better") for t in texts)


def test_a_plateau_join_inside_the_tested_rates_is_not_at_the_edge():
    df = _plateau_trial()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        rep = trial_report(
            df,
            response="yield",
            treatment="trt",
            block="rep",
            rates="N",
            model="linear_plateau",
            prices=fo.Prices(crop=0.2, N=1.0),
            figures=False,
            posthoc=None,
        )
    agro, econ = rep.optima["N"]
    assert 0 < econ.rate < 240 and econ.status == "ok"
    assert "edge of the tested rates" not in rep.to_text()


def test_the_warning_count_in_the_findings_is_the_warnings_section():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        rep = trial_report(
            _np_factorial(), response="yield", block="rep", rates=["N", "P2O5"], figures=False
        )
    (block,) = rep.section("warnings").blocks
    listed = list(block.items)
    number = [i for i, s in enumerate(rep.shown, 1) if s.key == "warnings"][0]
    assert listed and listed == list(rep.warnings)
    assert f"{len(listed)} warnings: see section {number}." in rep.key_findings


def test_significance_reads_the_same_in_the_anova_and_the_report(minnesota):
    aov = fo.anova(minnesota, response="yld_grain_dry_kgha", treatment="trt", block="rep")
    rep = report_of(minnesota, figures=False)
    verdict = "Treatments (trt): highly significant (**; F(7, 21) = 13.20, p < 0.0001)."
    assert str(aov).splitlines()[2] == verdict and rep.key_findings[0] == verdict
    table = rep.section("anova").blocks[1]
    marks = dict(zip(aov.table["source"], table.frame["sig"], strict=False))
    # blocks p = 0.0987: not significant, marked ns as the legend says; treatments **
    assert marks == {"rep": "ns", "trt": "**", "Residuals": ""}
    assert (
        table.note
        == "** highly significant (p ≤ 0.01), * significant (p ≤ 0.05), ns not significant."
    )


# ---------------------------------------------------------------------------
# omission indices only for true omission contrasts
# ---------------------------------------------------------------------------
def test_reduced_rate_plots_get_no_omission_indices():
    import statsmodels.formula.api as smf
    from scipy import stats

    wc = fo.load_dataset("water_chestnut")  # 'reduced N' gets 16 kg N where the formula gets 18
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        rep = trial_report(
            wc,
            response="yield",
            treatment="treatment",
            block="block",
            rates=["N", "P2O5", "K2O"],
            prices=PRICES_WC,
            figures=False,
        )
    text = rep.to_text()
    # the numbers: an 'N agronomic efficiency' of -116.7 kg/kg, a VCR of -52.28 and a
    # 'relative yield of the minus plots' of 107.3 % for plots that got N
    assert rep.omission is None and rep.section("omission").status == "not_applicable"
    for wrong in ("-116.7", "-52.28", "107.3", "minus plots (%"):
        assert wrong not in text, wrong
    assert not any(k.startswith("Relative yield of the minus plots") for k in rep.key_findings)
    # the reduced-rate contrasts, in their own words: the yield difference from the formula
    # with the ANOVA's error (reference: statsmodels' RCBD fit and Student's t)
    sec = rep.section("reduced")
    (table,) = [b for b in sec.blocks if isinstance(b, _formatting.Table)]
    frame = table.frame.set_index("treatment")
    means = wc.groupby("treatment")["yield"].mean()
    ols = smf.ols("Q('yield') ~ C(block) + C(treatment)", data=wc).fit()
    se = np.sqrt(ols.mse_resid * (1 / 3 + 1 / 3))
    for label_, nutrient, rate in (("reduced N", "N", 16), ("reduced K", "K2O", 17)):
        diff = means[label_] - means["formula"]
        # exact least squares and exact means: only rounding separates the two computations
        np.testing.assert_allclose(frame.loc[label_, "difference"], diff, rtol=1e-10)
        np.testing.assert_allclose(frame.loc[label_, "se"], se, rtol=1e-10)
        p = 2 * stats.t.sf(abs(diff) / se, ols.df_resid)
        np.testing.assert_allclose(frame.loc[label_, "p"], p, rtol=1e-8)
        assert frame.loc[label_, "nutrient"] == nutrient and frame.loc[label_, "rate"] == rate
    assert frame.loc["reduced N", "sig"] == "ns"  # +233 kg on an SE of 175: not significant
    finding = next(k for k in rep.key_findings if k.startswith("Reduced-rate plots"))
    assert "reduced N (N 16 instead of 18): +233.4 (p 0.2196, ns)" in finding, finding


def test_a_trial_with_both_minus_and_reduced_plots_gets_indices_for_the_minus_plots_only():
    labels = ("CK", "NPK", "PK", "NK", "NP")
    rates = ((0, 0, 0), (18, 8, 19), (9, 8, 19), (18, 0, 19), (18, 8, 0))  # PK still gets 9 N
    df = _omission_trial(labels)
    df["N"] = [dict(zip(labels, rates, strict=True))[t][0] for t in df["trt"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        rep = trial_report(
            df,
            response="yield",
            treatment="trt",
            block="rep",
            rates=["N", "P2O5", "K2O"],
            figures=False,
            posthoc=None,
        )
    assert rep.plan.reduced == {"N": "PK"}
    assert rep.omission.minus == {"P2O5": "NK", "K2O": "NP"}
    assert set(rep.omission.indices["nutrient"]) == {"P2O5", "K2O", "all"}
    assert rep.section("reduced").status == "ok"


def test_a_factor_named_like_a_summary_column_keeps_the_data_section():
    cf = fo.load_dataset("cochran_factorial")  # factors d, n, p, k: 'n' is also the count column
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)  # 2 plots per cell and block
        rep = trial_report(
            cf, response="yield", factors=["d", "n", "p"], block="rep", figures=False, posthoc=None
        )
    assert rep.section("data").status == "ok"
    table = rep.section("data").blocks[-1]
    assert table.frame["n"].tolist() == [4] * 8  # 32 plots in 8 cells of d × n × p
    assert [table.labels[c] for c in table.frame.columns[:3]] == ["d", "n", "p"]
