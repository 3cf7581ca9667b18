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


def test_residual_plot_in_chinese_and_publication_style(cjk_font):
    axes = _aov().plot_residuals(lang="zh")
    assert [a.get_title() for a in axes] == ["残差与拟合值", "正态 Q-Q 图"]
    assert axes[0].get_xlabel() == "拟合值" and axes[0].get_ylabel() == "残差"
    for ax in axes:
        assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert axes[0].collections[0].get_facecolor()[0][:3] == pytest.approx(
        (0.0, 0.447, 0.698), abs=2e-3
    )
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
    assert rc["font.size"] == 10.0 and rc["legend.fontsize"] >= 9  # legible on a report page
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
    monkeypatch.setattr(fo.plotting.styling, "find_cjk_font", lambda: None)
    monkeypatch.setattr(fo.plotting.styling, "WARNED", set())
    _, ax = plt.subplots()
    ax.set_title("方差分析")
    with pytest.warns(
        fo.DisplayWarning, match="no installed font can draw Chinese characters.*fonts-noto-cjk"
    ):
        fo.plotting.check_glyphs(ax)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fo.plotting.check_glyphs(ax)  # once per session


def test_find_cjk_font_rejects_fonts_without_chinese_glyphs(monkeypatch):
    from matplotlib import font_manager

    latin = [f for f in font_manager.fontManager.ttflist if f.name.startswith("DejaVu")]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin)
    fo.plotting.styling.cjk_font_cached.cache_clear()
    try:
        assert fo.plotting.find_cjk_font() is None
    finally:
        fo.plotting.styling.cjk_font_cached.cache_clear()


def test_plotting_imports_no_pyplot_at_import():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, fertopt.plotting, fertopt.reports; "
        "print('matplotlib' in sys.modules, 'matplotlib.pyplot' in sys.modules)"
    )
    env = {"PYTHONPATH": str(Path(__file__).parents[1] / "src"), "PATH": ""}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.split() == ["False", "False"]


# ---------------------------------------------------------------------------
# response curves and net return
# ---------------------------------------------------------------------------
PRICES = fo.Prices(crop=0.157, N=0.88, currency="USD")


@pytest.fixture(scope="module")
def n_fit():
    df = fo.load_dataset("minnesota_2012")
    return fo.fit_response(
        df, response="yld_grain_dry_kgha", rate="rate_n_applied_kgha", block="rep", nutrient="N"
    )


def _vlines(ax):
    """x positions of the vertical lines (axvline) of ``ax``."""
    out = []
    for line in ax.lines:
        x = line.get_xdata()
        if len(x) == 2 and x[0] == x[1] and line.get_linestyle() == "--":
            out.append(float(x[0]))
    return out


def test_response_figure_draws_the_optimum_line_at_the_optimum_rate(n_fit):
    econ = n_fit.optimum(prices=PRICES)
    agro = n_fit.optimum()
    ax = fo.plotting.plot_response(n_fit, optimum=econ)
    assert _vlines(ax) == [agro.rate, econ.rate]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert (
        f"economic optimum {econ.rate:.4g}" in labels and f"maximum yield {agro.rate:.4g}" in labels
    )
    points = next(line for line in ax.lines if line.get_marker() == "o")
    np.testing.assert_array_equal(points.get_xdata(), n_fit.data["rate"])
    np.testing.assert_array_equal(points.get_ydata(), n_fit.data["response"])
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 0].min() == 0.0  # the confidence band starts at the zero rate
    curve = ax.lines[0]
    i = np.argmax(curve.get_ydata())
    assert curve.get_xdata()[i] == pytest.approx(
        agro.rate, abs=2.0
    )  # the curve peaks at the maximum
    assert not ax.spines["top"].get_visible()


def test_response_figure_in_chinese(n_fit, cjk_font):
    econ = n_fit.optimum(prices=PRICES)
    ax = fo.plotting.plot_response(n_fit, optimum=econ, lang="zh")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"最佳经济施肥量 {econ.rate:.4g}" in labels and "小区观测值" in labels
    assert "一元二次模型拟合" in labels and "置信带" in labels


def test_net_return_figure(n_fit, require_cjk_font):
    econ = n_fit.optimum(prices=PRICES)
    ax = fo.plotting.plot_net_return(n_fit, prices=PRICES)
    assert _vlines(ax) == [econ.rate]
    curve = ax.lines[0]
    i = np.argmax(curve.get_ydata())
    assert curve.get_xdata()[i] == pytest.approx(
        econ.rate, abs=1.0
    )  # net return peaks at the optimum
    assert ax.get_ylabel() == "net return (USD/ha)"
    require_cjk_font()
    ax = fo.plotting.plot_net_return(n_fit, prices=PRICES, lang="zh")
    assert ax.get_ylabel() == "施肥纯收益（USD/hm²）"  # ha as Chinese papers write it


def test_every_figure_renders_to_png(n_fit, tmp_path):
    import io

    from matplotlib.figure import Figure

    draws = {
        "residuals": lambda fig: fo.plotting.plot_residuals(_aov(), ax=fig.subplots(1, 2)),
        "response": lambda fig: fo.plotting.plot_response(
            n_fit, ax=fig.add_subplot(), prices=PRICES
        ),
        "net_return": lambda fig: fo.plotting.plot_net_return(
            n_fit, ax=fig.add_subplot(), prices=PRICES
        ),
        "means": lambda fig: fo.plotting.plot_means(fo.duncan(_aov()), ax=fig.add_subplot()),
        "surface": lambda fig: fo.plotting.plot_surface(
            fo.fit_surface(
                fo.load_dataset("welch_bermudagrass"),
                response="yield",
                rates={"N": "n", "P": "p", "K": "k"},
            ),
            ax=fig.add_subplot(),
        ),
    }
    for name, draw in draws.items():
        with fo.plotting.style():
            fig = Figure(figsize=(5, 3.6), layout="constrained")
            draw(fig)
            buf = io.BytesIO()
            fig.savefig(buf, format="png")
        data = buf.getvalue()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", name
        from matplotlib import image

        pixels = image.imread(io.BytesIO(data))
        assert pixels.shape[1] == 1000 and (pixels[..., :3].mean(axis=2) < 0.9).mean() > 0.01, name


# ---------------------------------------------------------------------------
# response surface
# ---------------------------------------------------------------------------
def test_surface_figure_marks_the_optimum_stationary_point_and_tested_region(require_cjk_font):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from test_reports import PRICES_WC, concave, trial_3414

    surf = fo.fit_surface(
        trial_3414(concave), response="yield", rates=("N", "P2O5", "K2O"), block="rep"
    )
    opt = surf.optimum(prices=PRICES_WC)
    can = surf.canonical()
    ax = fo.plotting.plot_surface(surf, prices=PRICES_WC, optimum=opt)
    star = next(line for line in ax.lines if line.get_marker() == "*")
    assert (star.get_xdata()[0], star.get_ydata()[0]) == (opt.rates["N"], opt.rates["P2O5"])
    cross = next(line for line in ax.lines if line.get_marker() == "X")
    assert (cross.get_xdata()[0], cross.get_ydata()[0]) == (
        can.stationary_point["N"],
        can.stationary_point["P2O5"],
    )
    box = next(line for line in ax.lines if line.get_linestyle() == "--")
    assert set(box.get_xdata()) == {0.0, 27.0} and set(box.get_ydata()) == {
        0.0,
        12.0,
    }  # level 3 = 1.5 x level 2
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "economic optimum (ok)" in labels and "stationary point (maximum)" in labels
    assert ax.get_title() == f"K2O = {opt.rates['K2O']:.4g}"
    require_cjk_font()
    zh = fo.plotting.plot_surface(surf, prices=PRICES_WC, optimum=opt, lang="zh")
    labels = [t.get_text() for t in zh.get_legend().get_texts()]
    assert "最佳经济施肥量 (正常)" in labels and "试验范围" in labels


# ---------------------------------------------------------------------------
# means with letters
# ---------------------------------------------------------------------------
def test_means_figure_letters_match_the_result(require_cjk_font):
    mc = fo.duncan(_aov())
    ax = fo.plotting.plot_means(mc, order="level")
    bars = ax.patches
    heights = [b.get_height() for b in bars]
    centres = [b.get_x() + b.get_width() / 2 for b in bars]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == [str(i) for i in range(1, 9)]  # treatments in level order
    by_label = mc.groups.set_index(mc.groups["treatment"].astype(str))
    np.testing.assert_allclose(heights, by_label.loc[ticks, "mean"])
    texts = {(round(t.get_position()[0], 9)): t.get_text() for t in ax.texts}
    assert [texts[round(c, 9)] for c in centres] == by_label.loc[ticks, "letters"].tolist()
    for t, h, se in zip(  # noqa: B905 - equal lengths checked above
        sorted(ax.texts, key=lambda t: t.get_position()[0]), heights, by_label.loc[ticks, "se"]
    ):
        assert t.get_position()[1] > h + se  # each letter sits above its error bar
    assert ax.get_title() == "Duncan (α = 0.05)"
    require_cjk_font()
    assert fo.plotting.plot_means(mc, lang="zh").get_title() == "Duncan 新复极差法 (α = 0.05)"


def test_means_figure_with_chinese_treatment_names(cjk_font):
    mc = fo.duncan_from_means(
        means={"对照": 1688.6, "配方": 3020.0, "减氮": 3253.4}, n=3, mse=2500.0, df_resid=8
    )
    ax = fo.plotting.plot_means(mc)
    assert all(cjk_font in t.get_fontfamily() for t in ax.get_xticklabels())
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax.figure.canvas.draw()  # no missing-glyph warning
