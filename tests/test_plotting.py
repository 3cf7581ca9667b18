"""Figures: drawn with the Agg backend, checked through their artists."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import fertopt as fo


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_residual_plot_panels():
    df = fo.load_dataset("minnesota_2012")
    aov = fo.anova(df, response="yld_grain_dry_kgha", treatment="trt", block="rep")
    axes = aov.plot_residuals()
    assert len(axes) == 2
    points = axes[0].collections[0].get_offsets()
    np.testing.assert_allclose(points[:, 0], aov.fitted.to_numpy())
    np.testing.assert_allclose(points[:, 1], aov.residuals.to_numpy())
    assert axes[1].get_title() == "Normal Q-Q"
    with pytest.raises(fo.FertoptError, match="two panels"):
        aov.plot_residuals(ax=axes[0])


# ---------------------------------------------------------------------------
# residual diagnostics, in detail
# ---------------------------------------------------------------------------
def _aov():
    df = fo.load_dataset("minnesota_2012")
    return fo.anova(df, response="yld_grain_dry_kgha", treatment="trt", block="rep")


def test_qq_line_passes_through_the_quartiles():
    from scipy import stats

    aov = _aov()
    axes = aov.plot_residuals()
    line = axes[1].lines[0]
    x, y = line.get_data()
    r = np.sort(aov.residuals.to_numpy())
    # R's qqline: the line through (z25, q25) and (z75, q75); z75 = -z25 = 0.6744897501960817
    q25, q75 = np.percentile(r, [25, 75])
    slope = (q75 - q25) / (2 * 0.6744897501960817)
    np.testing.assert_allclose(np.diff(y) / np.diff(x), slope, rtol=1e-12)  # closed form
    np.testing.assert_allclose(y[0] - slope * x[0], q25 + slope * 0.6744897501960817, rtol=1e-9)
    osm, osr = stats.probplot(r, dist="norm")[0]
    np.testing.assert_allclose(axes[1].collections[0].get_offsets(), np.column_stack([osm, osr]))


def test_residual_plot_in_chinese_and_publication_style():
    axes = _aov().plot_residuals(lang="zh")
    assert [a.get_title() for a in axes] == ["残差与拟合值", "正态 Q-Q 图"]
    assert axes[0].get_xlabel() == "拟合值" and axes[0].get_ylabel() == "残差"
    for ax in axes:
        assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert axes[0].collections[0].get_facecolor()[0][:3] == pytest.approx((0.0, 0.447, 0.698), abs=2e-3)
    if fo.plotting.find_cjk_font() is not None:
        assert fo.plotting.find_cjk_font() in axes[0].title.get_fontfamily()


def test_residual_plot_renders_to_png_with_agg(tmp_path, monkeypatch):
    import io

    from matplotlib.figure import Figure

    monkeypatch.chdir(tmp_path)
    with fo.plotting.style():
        fig = Figure(figsize=(7.2, 3.1), layout="constrained")
        fo.plotting.plot_residuals(_aov(), ax=fig.subplots(1, 2))
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    assert list(tmp_path.iterdir()) == []  # plotting functions never write files


# ---------------------------------------------------------------------------
# shared style and Chinese text
# ---------------------------------------------------------------------------
def test_style_context_sets_publication_defaults_and_restores():
    import matplotlib

    before = matplotlib.rcParams["axes.spines.top"]
    with fo.plotting.style() as rc:
        assert matplotlib.rcParams["axes.spines.top"] is False
        assert matplotlib.rcParams["savefig.dpi"] == 200
        assert matplotlib.rcParams["pdf.fonttype"] == 42
        colors = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
        assert colors[:2] == ["#0072B2", "#D55E00"]
    assert matplotlib.rcParams["axes.spines.top"] == before
    assert rc["font.size"] == 9.0
    with pytest.raises(fo.FertoptError, match="lang='de' is not available"):
        with fo.plotting.style("de"):
            pass


def test_style_in_chinese_adds_a_cjk_fallback_font():
    import matplotlib

    font = fo.plotting.find_cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (e.g. apt-get install fonts-noto-cjk)")
    with fo.plotting.style("zh"):
        assert matplotlib.rcParams["font.family"] == ["sans-serif", font]


def test_chinese_tick_labels_get_the_cjk_font():
    font = fo.plotting.find_cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (e.g. apt-get install fonts-noto-cjk)")
    _, ax = plt.subplots()
    ax.bar(["对照", "配方施肥"], [1688.6, 3020.0])
    ax.set_ylabel("产量 (kg/亩)")
    fo.plotting.check_glyphs(ax)
    assert font in ax.yaxis.label.get_fontfamily()
    assert all(font in t.get_fontfamily() for t in ax.get_xticklabels())
    with __import__("warnings").catch_warnings():
        __import__("warnings").simplefilter("error")  # no "Glyph missing" warning on drawing
        ax.figure.canvas.draw()


def test_without_cjk_font_chinese_text_warns_once(monkeypatch):
    monkeypatch.setattr(fo.plotting, "find_cjk_font", lambda: None)
    monkeypatch.setattr(fo.plotting, "_WARNED", set())
    _, ax = plt.subplots()
    ax.set_title("方差分析")
    with pytest.warns(fo.DisplayWarning, match="no installed font can draw Chinese characters.*fonts-noto-cjk"):
        fo.plotting.check_glyphs(ax)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fo.plotting.check_glyphs(ax)  # once per session


def test_find_cjk_font_rejects_fonts_without_chinese_glyphs(monkeypatch):
    from matplotlib import font_manager

    latin = [f for f in font_manager.fontManager.ttflist if f.name.startswith("DejaVu")]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin)
    fo.plotting._cjk_font_cached.cache_clear()
    try:
        assert fo.plotting.find_cjk_font() is None
    finally:
        fo.plotting._cjk_font_cached.cache_clear()


def test_plotting_imports_no_pyplot_at_import():
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, fertopt.plotting, fertopt.reports; "
            "print('matplotlib' in sys.modules, 'matplotlib.pyplot' in sys.modules)")
    env = {"PYTHONPATH": str(Path(__file__).parents[1] / "src"), "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.split() == ["False", "False"]
