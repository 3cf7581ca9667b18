"""All figures of fertopt (matplotlib).

Every function takes the result to draw and an optional ``ax`` (a new figure
is made when it is omitted), never shows or saves anything, and returns the
Axes it drew on (or an array of Axes for multi-panel figures).  matplotlib is
imported inside the functions, so ``import fertopt`` stays free of pyplot.
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from fertopt._core.i18n import check_lang, label, method_name, model_name, status_text
from fertopt.economics import NetReturnCurve, PooledSites
from fertopt.economics.prices import resolve_surface_prices
from fertopt.exceptions import DisplayWarning, ExtrapolationWarning, OptionError
from fertopt.surface import SurfaceFit

__all__ = [
    "plot_residuals",
    "plot_surface",
    "PALETTE",
    "NEUTRAL",
    "style",
    "tidy_axes",
    "check_glyphs",
    "find_cjk_font",
    "plot_response",
    "plot_net_return",
    "plot_means",
    "plot_omission",
    "plot_reported_points",
    "plot_surface_points",
]


# --- shared style ---

# Every figure function follows the same conventions, so that figures from
# different analyses look alike and are ready for a paper or a report:
#   * create the Axes with ``_new_axes(ax, figsize)`` when the caller gave none;
#   * colours from ``PALETTE`` (Okabe-Ito, readable by colour-blind readers and in
#     grey print), reference lines in ``NEUTRAL``;
#   * finish with ``tidy_axes(ax)`` (light frame, outward ticks, faint grid) and
#     ``check_glyphs(ax)`` (Chinese labels get a CJK font, or a DisplayWarning);
#   * labels and titles in plain words through ``fertopt._core.i18n.label(key, lang)``.
# ``style(lang)`` gives the publication defaults (font sizes, line widths,
# palette, CJK font fallback) as an rc context; the reports draw inside it.

#: Okabe-Ito palette: blue, vermillion, bluish green, reddish purple, orange,
#: sky blue, yellow, black.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
#: Colour of reference lines (zero lines, 1:1 lines, tested-range limits).
NEUTRAL = "#6E6E6E"
#: Fill of bars: PALETTE[0] half-way to white (the outline is PALETTE[0]).
_LIGHT_BLUE = "#80B8D8"

_RC = {
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.titleweight": "normal",
    "axes.labelsize": 9.0,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8.0,
    "legend.frameon": False,
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.6,
    "lines.markersize": 5.0,
    "xtick.direction": "out",
    "ytick.direction": "out",
    "xtick.major.size": 3.0,
    "ytick.major.size": 3.0,
    "figure.dpi": 100.0,
    "savefig.dpi": 200.0,
    "savefig.facecolor": "white",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "path",
}

#: Families known to carry simplified-Chinese glyphs, most preferred first.
_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "Sarasa Gothic SC",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "SimSun",
    "Songti SC",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "Droid Sans Fallback",
    "Arial Unicode MS",
)
_CJK_HINTS = (
    "cjk",
    "hei",
    "song",
    "kai",
    "ming",
    "han sans",
    "han serif",
    "yahei",
    "wenquanyi",
    "fallback",
    "gothic",
    "unicode",
    " sc",
    " cn",
    " tc",
    " jp",
)
_PROBE = "处理产量重复方差"
_CJK_CHARS = re.compile(
    "[\u2e80-\u2fdf\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
)
_WARNED: set[str] = set()


def _covers(path: str, text: str) -> bool:
    from matplotlib import ft2font

    try:
        font = ft2font.FT2Font(path)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in text)


@functools.lru_cache(maxsize=1)
def _cjk_font_cached() -> str | None:
    import matplotlib
    from matplotlib import font_manager

    paths: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        paths.setdefault(entry.name, entry.fname)
    configured = (*matplotlib.rcParams["font.family"], *matplotlib.rcParams["font.sans-serif"])
    wanted = [f for f in configured if f in paths]
    wanted += [f for f in _CJK_FAMILIES if f in paths]
    wanted += sorted(n for n in paths if any(h in n.lower() for h in _CJK_HINTS))
    seen: set[str] = set()
    for name in wanted:
        if name not in seen:
            seen.add(name)
            if _covers(paths[name], _PROBE):
                return name
    return None


def find_cjk_font() -> str | None:
    """Name of an installed font that can draw Chinese characters, or ``None``.

    A font already configured in ``rcParams`` (``font.family`` or
    ``font.sans-serif``) wins; then well-known CJK families (Noto Sans CJK,
    Source Han Sans, WenQuanYi, Microsoft YaHei, SimHei, PingFang, Droid Sans
    Fallback …); then any font whose name suggests CJK glyphs.  A candidate is
    accepted only if it really has glyphs for common trial words (处理, 产量).
    The answer is cached for the session.

    Returns
    -------
    str or None
        A family name for matplotlib's ``fontfamily``.

    Notes
    -----
    When nothing is found, install a CJK font (Debian/Ubuntu:
    ``apt-get install fonts-noto-cjk`` or ``fonts-wqy-zenhei``; Fedora:
    ``google-noto-sans-cjk-fonts``; Windows and macOS ship one), then delete
    matplotlib's font cache (``matplotlib.get_cachedir()``) and restart Python.

    Examples
    --------
    >>> import fertopt as fo
    >>> font = fo.plotting.find_cjk_font()
    >>> font is None or isinstance(font, str)
    True
    """
    return _cjk_font_cached()


def _no_cjk_message() -> str:
    import matplotlib

    return (
        "no installed font can draw Chinese characters, so Chinese text in figures would show as "
        "empty boxes. Install one (Debian/Ubuntu: apt-get install fonts-noto-cjk, or the smaller "
        "fonts-wqy-zenhei; Fedora: google-noto-sans-cjk-fonts; Windows and macOS already have "
        f"one), then delete matplotlib's font cache ({matplotlib.get_cachedir()}) and restart "
        "Python. Until then figure labels are drawn in English."
    )


def warn_once(
    key: str, message: str, category: type[Warning] = DisplayWarning, stacklevel: int = 3
) -> None:
    """Issue ``message`` once per session for ``key`` (used for display problems)."""
    if key in _WARNED:
        return
    _WARNED.add(key)
    warnings.warn(message, category, stacklevel=stacklevel)


def cjk_families() -> list[str] | None:
    """Font family list for text with Chinese characters, or ``None`` (warned once) if none."""
    font = find_cjk_font()
    if font is None:
        warn_once("cjk-font", _no_cjk_message())
        return None
    return ["sans-serif", font]


def check_glyphs(ax: Any) -> Any:
    """Give every text of ``ax`` that contains Chinese characters a CJK font.

    Titles, axis labels, tick labels, legend entries and annotations are
    checked.  When no CJK font is installed a :class:`~fertopt.DisplayWarning`
    says what to install (once per session) instead of letting matplotlib
    draw empty boxes silently.

    Parameters
    ----------
    ax : matplotlib Axes

    Returns
    -------
    Axes
        ``ax``.
    """
    from matplotlib.text import Text

    texts = [
        # the three titles (centre, left, right) and the annotations are the Axes' Text children
        *(child for child in ax.get_children() if isinstance(child, Text)),
        ax.xaxis.label,
        ax.yaxis.label,
        *ax.get_xticklabels(),
        *ax.get_yticklabels(),
    ]
    legend = ax.get_legend()
    if legend is not None:
        texts += [*legend.get_texts(), legend.get_title()]
    tick_cjk = any(
        _CJK_CHARS.search(t.get_text() or "")
        for t in [*ax.get_xticklabels(), *ax.get_yticklabels()]
    )
    hits = [t for t in texts if _CJK_CHARS.search(t.get_text() or "")]
    if not hits:
        return ax
    families = cjk_families()
    if families is None:
        return ax
    for t in hits:
        t.set_fontfamily(families)
    if tick_cjk:
        ax.tick_params(labelfontfamily=families)
    return ax


def tidy_axes(ax: Any, *, grid: str | None = "y") -> Any:
    """Publication finish for one Axes: light frame, outward ticks, a faint grid behind the data.

    Parameters
    ----------
    ax : matplotlib Axes
    grid : {'y', 'x', 'both'} or None, default 'y'
        Which faint grid lines to draw.

    Returns
    -------
    Axes
        ``ax``.
    """
    ax.spines[["top", "right"]].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_linewidth(0.8)
        ax.spines[side].set_color("0.25")
    ax.tick_params(direction="out", length=3, width=0.8, colors="0.2")
    if grid is not None:
        ax.grid(True, axis=grid, color="0.88", lw=0.6)
        ax.set_axisbelow(True)
    return check_glyphs(ax)


def _new_axes(ax: Any = None, figsize: tuple[float, float] = (5.0, 3.6)) -> Any:
    """``ax`` itself, or the Axes of a new pyplot figure of ``figsize`` inches."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=figsize, layout="constrained")
    return new


@contextlib.contextmanager
def style(lang: str = "en") -> Iterator[dict[str, Any]]:
    """Publication defaults for fertopt figures, as a matplotlib rc context.

    Inside the context: 9-pt text, bold 10-pt titles, no top/right frame,
    outward ticks, the Okabe-Ito colour cycle, 200-dpi saving on white, fonts
    embedded as TrueType (PDF) or paths (SVG); with ``lang="zh"`` a CJK font
    is added as fallback (a :class:`~fertopt.DisplayWarning`, once, when none
    is installed).  Draw *and save* inside the context: tick labels take their
    font when the figure is drawn.

    Parameters
    ----------
    lang : {'en', 'zh'}, default 'en'

    Yields
    ------
    dict
        The rc settings in force.

    Examples
    --------
    >>> import fertopt as fo
    >>> from matplotlib.figure import Figure
    >>> with fo.plotting.style() as rc:
    ...     fig = Figure()
    ...     ax = fig.add_subplot()
    >>> rc["axes.spines.top"]
    False
    """
    import matplotlib
    from cycler import cycler

    lang = check_lang(lang)
    rc: dict[str, Any] = {**_RC, "axes.prop_cycle": cycler(color=list(PALETTE))}
    if lang == "zh":
        font = find_cjk_font()
        if font is None:
            warn_once("cjk-font", _no_cjk_message(), stacklevel=4)
        else:
            # a family list gives per-glyph fallback: Latin from the usual sans-serif font,
            # Chinese from the CJK font
            rc["font.family"] = ["sans-serif", font]
    with matplotlib.rc_context(rc):
        yield rc


# --- residual diagnostics ---
def plot_residuals(result: Any, ax: Any = None, *, lang: str = "en", **kwargs: Any) -> np.ndarray:
    """Residuals against fitted values, and a normal Q-Q plot of the residuals.

    Parameters
    ----------
    result : AnovaResult or any result with ``fitted`` and ``residuals``
        The fit to diagnose.
    ax : sequence of two Axes, optional
        Where to draw; a new 1 x 2 figure by default.
    lang : {'en', 'zh'}, default 'en'
        Language of titles and axis labels.
    **kwargs
        Passed to the scatter calls (``color``, ``s``, ...).

    Returns
    -------
    numpy.ndarray of Axes
        ``[residuals vs fitted, normal Q-Q]``.  The left panel holds the
        points ``(fitted, residual)`` and a dashed zero line; the right panel
        the points ``(normal quantile, ordered residual)`` and the line through
        the quartiles of both (as R's ``qqline``).

    Raises
    ------
    OptionError
        ``ax`` is not two Axes.

    Notes
    -----
    Normal quantiles use Filliben's plotting positions
    (:func:`scipy.stats.probplot`).  A funnel in the left panel suggests
    variance growing with the mean (consider a transformation); curvature in
    the right panel suggests non-normal errors.

    Examples
    --------
    >>> import fertopt as fo
    >>> from matplotlib.figure import Figure
    >>> aov = fo.anova(fo.load_dataset("minnesota_2012"), response="yld_grain_dry_kgha",
    ...                treatment="trt", block="rep")
    >>> axes = fo.plotting.plot_residuals(aov, ax=Figure().subplots(1, 2))
    >>> [a.get_title() for a in axes]
    ['Residuals vs fitted', 'Normal Q-Q']
    """
    from scipy import stats

    lang = check_lang(lang)
    if ax is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(7.5, 3.2), layout="constrained")
    else:
        axes = np.asarray(ax).ravel()
        if axes.size != 2:
            raise OptionError(
                "plot_residuals draws two panels: pass two Axes (e.g. from plt.subplots(1, 2))."
            )
    fitted = np.asarray(result.fitted, dtype=float)
    resid = np.asarray(result.residuals, dtype=float)
    kwargs.setdefault("color", PALETTE[0])
    kwargs.setdefault("s", 16)
    kwargs.setdefault("alpha", 0.85)
    kwargs.setdefault("edgecolor", "none")
    left, right = axes[0], axes[1]
    left.scatter(fitted, resid, **kwargs)
    left.axhline(0.0, color=NEUTRAL, lw=0.8, ls="--")
    left.set_xlabel(label("fitted_value", lang))
    left.set_ylabel(label("residual", lang))
    left.set_title(label("residuals_vs_fitted", lang))
    (osm, osr), _ = stats.probplot(resid, dist="norm")
    q_x = np.asarray(stats.norm.ppf([0.25, 0.75]))
    q_y = np.percentile(resid, [25, 75])
    slope = (q_y[1] - q_y[0]) / (q_x[1] - q_x[0])
    intercept = q_y[0] - slope * q_x[0]
    right.scatter(osm, osr, **kwargs)
    right.plot(osm, slope * np.asarray(osm) + intercept, color=NEUTRAL, lw=1)
    right.set_xlabel(label("normal_quantile", lang))
    right.set_ylabel(label("ordered_residual", lang))
    right.set_title(label("normal_qq", lang))
    for a in (left, right):
        tidy_axes(a)
    return np.asarray(axes)


# --- response curves and economics ---


def _response_axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(6, 4))
    return ax


def _axis_label(name: Any, unit: str | None) -> str:
    return f"{name} ({unit})" if unit else str(name)


def plot_response(
    fit: Any,
    *,
    ax: Any = None,
    band: str | None = "confidence",
    prices: Any = None,
    price_ratio: Any = None,
    ci: str | None = "delta",
    optimum: Any = None,
    show_maximum: bool = True,
    confidence_level: float | None = None,
    lang: str = "en",
    **kwargs: Any,
) -> Any:
    """Plot data, fitted curve, confidence band, maximum and economic optimum.

    Parameters
    ----------
    fit : ResponseFit
        From :func:`fertopt.fit_response` or :func:`fertopt.response_from_coefficients`.
    ax : matplotlib Axes, optional
    band : {'confidence', 'prediction'} or None
        Shaded band around the curve (skipped for curves without standard errors).
    prices, price_ratio : optional
        Draw the economic optimum for these prices.
    ci : str or None, default 'delta'
        Interval method for the optima shown (see :meth:`ResponseFit.optimum`).
    optimum : Optimum, optional
        An optimum already computed (used instead of ``prices``).
    show_maximum : bool, default True
        Draw the rate of maximum yield when the curve has one.
    confidence_level : float, optional
        Level of the band; default the fit's.
    lang : {'en', 'zh'}, default 'en'
        Language of the legend.
    **kwargs
        Passed to the line of the fitted curve.

    Returns
    -------
    matplotlib Axes
        The plots as points, the fitted curve (dotted beyond the tested rates),
        the band, and a dashed vertical line at each optimum's rate with its
        interval shaded (vermillion: maximum yield; green: economic optimum).

    Examples
    --------
    >>> import fertopt as fo
    >>> fit = fo.response_from_coefficients("quadratic", intercept=1688.9, linear=328.69,
    ...                                     quadratic=-18.052, rate_range=(0, 10), nutrient="P2O5")
    >>> ax = plot_response(fit, prices=fo.Prices(crop=2.8, P2O5=4.67))
    >>> ax.get_xlabel()
    'P2O5'
    """
    lang = check_lang(lang)
    ax = _response_axes(ax)
    lo, hi = fit.rate_range
    grid = np.linspace(min(0.0, lo), hi, 200)
    opts = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExtrapolationWarning)
        if show_maximum:
            opts.append(fit.optimum(ci=ci if fit.curve.vcov is not None else None))
        if optimum is not None:
            opts.append(optimum)
        elif prices is not None or price_ratio is not None:
            opts.append(
                fit.optimum(
                    prices=prices,
                    price_ratio=price_ratio,
                    ci=ci if fit.curve.vcov is not None else None,
                )
            )
    for o in opts:
        if math.isfinite(o.rate):
            grid = np.union1d(grid, np.linspace(hi, max(hi, o.rate * 1.05), 20))
    kwargs.setdefault("color", PALETTE[0])
    model = fit.model.replace("_", "-") if lang == "en" else model_name(fit.model, lang)
    kwargs.setdefault("label", label("fig_fit", lang, model=model))
    if (
        band is not None
        and fit.curve.vcov is not None
        and not (band == "prediction" and not math.isfinite(fit.sigma))
    ):
        pred = fit.predict(grid, interval=band, confidence_level=confidence_level)
        ax.fill_between(
            grid,
            pred["lower"],
            pred["upper"],
            color=kwargs["color"],
            alpha=0.18,
            lw=0,
            label=label(f"fig_{band}_band", lang),
        )
    fitted = fit.predict(grid)["fitted"]
    inside = grid <= hi
    ax.plot(grid[inside], fitted[inside], **kwargs)
    if (~inside).any():
        ax.plot(grid[~inside], fitted[~inside], color=kwargs["color"], ls=":", lw=1)
    if fit.source == "data" and len(fit.data):
        ax.plot(
            fit.data["rate"],
            fit.data["response"],
            "o",
            color="0.25",
            ms=4,
            alpha=0.8,
            mec="none",
            label=label("fig_plots", lang),
        )
    colours = {"agronomic": PALETTE[1], "economic": PALETTE[2]}
    for o in opts:
        if not math.isfinite(o.rate):
            continue
        colour = colours[o.kind]
        text = label("fig_maximum" if o.kind == "agronomic" else "fig_economic", lang)
        if o.extrapolated:
            text += label("fig_extrapolated", lang)
        ax.axvline(o.rate, color=colour, ls="--", lw=1.2, label=f"{text} {o.rate:.4g}")
        if o.ci is not None:
            a, b = o.ci
            left = a if math.isfinite(a) else ax.get_xlim()[0]
            right = b if math.isfinite(b) else ax.get_xlim()[1]
            ax.axvspan(left, right, color=colour, alpha=0.10, lw=0)
    ax.set_xlabel(_axis_label(fit.rate, fit.rate_unit))
    ax.set_ylabel(_axis_label(fit.response, fit.response_unit))
    ax.legend(fontsize="small", frameon=False)
    return tidy_axes(ax)


def plot_net_return(
    result: Any,
    *,
    ax: Any = None,
    prices: Any = None,
    price_ratio: Any = None,
    within: float | None = None,
    show_sites: bool = True,
    lang: str = "en",
    **kwargs: Any,
) -> Any:
    """Plot net return against rate with the optimum and the profitable range.

    Parameters
    ----------
    result : NetReturnCurve, PooledSites or ResponseFit
        A ResponseFit needs ``prices`` or ``price_ratio`` (and optionally ``within``).
    ax : matplotlib Axes, optional
    show_sites : bool, default True
        For pooled sites, mark each site's own optimum on the rate axis.
    lang : {'en', 'zh'}, default 'en'
        Language of the labels.
    **kwargs
        Passed to the net-return line.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import fertopt as fo
    >>> fit = fo.response_from_coefficients("quadratic", intercept=1688.9, linear=328.69,
    ...                                     quadratic=-18.052, rate_range=(0, 10), nutrient="P2O5")
    >>> ax = plot_net_return(fit, prices=fo.Prices(crop=2.8, P2O5=4.67, currency="yuan"), within=5)
    >>> ax.get_ylabel()
    'net return (yuan per unit area of the data)'
    """
    lang = check_lang(lang)
    ax = _response_axes(ax)
    if not isinstance(result, (NetReturnCurve, PooledSites)):
        result = result.net_return_curve(prices=prices, price_ratio=price_ratio, within=within)
    table = result.table
    kwargs.setdefault("color", PALETTE[2])
    ax.plot(table["rate"], table["net_return"], **kwargs)
    ax.axhline(0, color=NEUTRAL, lw=0.8)
    if isinstance(result, PooledSites):
        best, text = result.mrtn_rate, "MRTN"
        prange = result.profitable_range
        if show_sites:
            rates = result.site_optima["rate"].dropna()
            ax.plot(
                rates,
                np.full(len(rates), table["net_return"].min()),
                "|",
                color="0.25",
                ms=12,
                label=label("fig_site_optima", lang),
            )
    else:
        best, text = result.optimum.rate, label("fig_economic", lang)
        prange = result.profitable_range
    if math.isfinite(best):
        ax.axvline(best, color=PALETTE[2], ls="--", lw=1.2, label=f"{text} {best:.4g}")
    if prange is not None:
        ax.axvspan(
            prange[0],
            prange[1],
            color=PALETTE[2],
            alpha=0.12,
            lw=0,
            label=label("fig_profitable", lang),
        )
    curve = getattr(result, "source_curve", None)
    xlabel = (
        _axis_label(curve.rate, curve.rate_unit) if curve is not None else label("fig_rate", lang)
    )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(label("fig_net_return_axis", lang, unit=result.net_return_unit))
    ax.legend(fontsize="small", frameon=False)
    return tidy_axes(ax)


# --- response surfaces ---
def plot_surface(
    surface: Any,
    ax: Any = None,
    *,
    x: str | None = None,
    y: str | None = None,
    at: dict[str, float] | None = None,
    what: str = "yield",
    prices: Any = None,
    optimum: Any = "auto",
    levels: int = 12,
    show_points: bool = True,
    lang: str = "en",
    **kwargs: Any,
) -> Any:
    """Contour plot of a response surface (or its net return) over two nutrients.

    Parameters
    ----------
    surface : SurfaceFit
        From :func:`fertopt.fit_surface` or :func:`fertopt.surface_from_coefficients`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    x, y : str, optional
        Nutrients on the horizontal and vertical axes (default: the first two).
    at : dict, optional
        Levels at which the other nutrients are held (default: the optimum's rates when an
        optimum is drawn, else the middle tested level, e.g. level 2 of a 3414 trial).
    what : {"yield", "net_return"}
        Predicted response, or net return (value of the yield gain over no fertilizer minus
        fertilizer cost; needs ``prices``).
    prices : fertopt.Prices or mapping, optional
        Prices for ``what="net_return"`` and for the economic optimum.
    optimum : "auto", SurfaceOptimum or None
        ``"auto"`` marks the maximum (or, with prices, the economic optimum) within the
        tested region; ``None`` marks none.
    levels : int
        Number of contour levels.
    show_points : bool
        Draw the tested rate combinations (filled where the held nutrients are at ``at``).
    lang : {'en', 'zh'}, default 'en'
        Language of the legend and labels.
    **kwargs
        Passed to ``contourf`` (``cmap``, ``alpha`` …).

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    The tested region is drawn as a dashed rectangle; the stationary point of a
    second-order surface is marked with its kind (maximum, saddle …) when it lies
    within 1.5 times the plotted range, otherwise its position is written in the corner.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, fertopt as fo
    >>> from fertopt.plotting import plot_surface
    >>> surf = fo.surface_from_coefficients(
    ...     {"intercept": 1688.61, "P2O5^2": -17.65, "N:K2O": 0.064, "P2O5:K2O": 16.99},
    ...     bounds={"N": (0, 18), "P2O5": (0, 8), "K2O": (0, 19)})
    >>> ax = plot_surface(surf, x="P2O5", y="K2O", at={"N": 18})
    >>> [line.get_label() for line in ax.get_lines()]
    ['tested region', 'stationary point (saddle)', 'maximum in region (saddle)']
    >>> plt.close("all")
    """
    lang = check_lang(lang)
    if not isinstance(surface, SurfaceFit):
        raise OptionError(
            "plot_surface draws a SurfaceFit (from fit_surface or surface_from_coefficients)."
        )
    if what not in ("yield", "net_return"):
        raise OptionError(f"what={what!r} is not valid; use 'yield' or 'net_return'.")
    if what == "net_return" and prices is None:
        raise OptionError("what='net_return' needs prices=.")
    x, y = _surface_axes(surface, x, y)
    opt = None
    if isinstance(optimum, str):
        if optimum != "auto":
            raise OptionError(
                f"optimum={optimum!r} is not valid; use 'auto', None or a SurfaceOptimum."
            )
        opt = surface.optimum(prices=prices) if prices is not None else surface.maximum()
    elif optimum is not None:
        opt = optimum
    held = _held_rates(surface, x, y, at, opt)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(5.5, 4.5))
    (x0, x1), (y0, y1) = surface.bounds[x], surface.bounds[y]
    gx, gy = np.meshgrid(np.linspace(x0, x1, 121), np.linspace(y0, y1, 121))
    z, label_z = _surface_values(surface, gx, gy, x, y, held, what, prices, lang)
    kwargs.setdefault("cmap", "YlGn")
    kwargs.setdefault("alpha", 0.9)
    filled = ax.contourf(gx, gy, z, levels=levels, **kwargs)
    lines = ax.contour(gx, gy, z, levels=filled.levels, colors="0.3", linewidths=0.5)
    ax.clabel(lines, fontsize=7, fmt="%.4g")
    ax.figure.colorbar(filled, ax=ax, label=label_z)
    ax.plot(
        [x0, x1, x1, x0, x0],
        [y0, y0, y1, y1, y0],
        ls="--",
        color="0.2",
        lw=1,
        label=label("fig_tested_region", lang),
    )
    if show_points and len(surface.support):
        _mark_support(ax, surface, x, y, held, lang)
    if surface.second_order:
        _mark_stationary(ax, surface, x, y, lang)
    if opt is not None and opt.rates is not None:
        _mark_optimum(ax, opt, x, y, lang)
    pad_x, pad_y = 0.03 * ((x1 - x0) or 1.0), 0.03 * ((y1 - y0) or 1.0)
    ax.set_xlim(x0 - pad_x, x1 + pad_x)
    ax.set_ylim(y0 - pad_y, y1 + pad_y)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    if held:
        ax.set_title(", ".join(f"{n} = {v:.4g}" for n, v in held.items()), fontsize=9)
    # below the axes: a legend inside would hide contour labels
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, frameon=False)
    return tidy_axes(ax, grid=None)


def _status_text(status: str, lang: str) -> str:
    """A status word as the figure shows it: English as is, else translated."""
    return status if lang == "en" else status_text(status, lang)


def _surface_axes(surface: Any, x: str | None, y: str | None) -> tuple[str, str]:
    """The two nutrients on the axes, checked (defaults: the first two of the surface)."""
    nutrients = list(surface.nutrients)
    if len(nutrients) < 2:
        raise OptionError("plot_surface needs a surface in at least two nutrients.")
    x = x or nutrients[0]
    y = y or next(n for n in nutrients if n != x)
    for name in (x, y):
        if name not in nutrients:
            raise OptionError(
                f"{name!r} is not a nutrient of this surface ({', '.join(nutrients)})."
            )
    if x == y:
        raise OptionError("x and y must be two different nutrients.")
    if surface.bounds is None:
        raise OptionError(
            "the tested region is unknown; give bounds= to surface_from_coefficients."
        )
    return x, y


def _held_rates(surface: Any, x: str, y: str, at: Any, opt: Any) -> dict[str, float]:
    """Rates of the nutrients not on the axes: from ``at``, else the optimum, else mid-range."""
    held = {}
    for n in surface.nutrients:
        if n in (x, y):
            continue
        if at is not None and n in at:
            held[n] = float(at[n])
        elif opt is not None and opt.rates is not None:
            held[n] = float(opt.rates[n])
        else:
            tested = (
                sorted(set(surface.support[n])) if len(surface.support) else list(surface.bounds[n])
            )
            held[n] = float(tested[len(tested) // 2])
    return held


def _surface_values(
    surface: Any,
    gx: np.ndarray,
    gy: np.ndarray,
    x: str,
    y: str,
    held: dict[str, float],
    what: str,
    prices: Any,
    lang: str,
) -> tuple[np.ndarray, str]:
    """Yield or net return on the grid, and the colour bar's label."""
    grid = {x: gx.ravel(), y: gy.ravel(), **{n: np.full(gx.size, v) for n, v in held.items()}}
    z = np.asarray(surface.predict(grid), dtype=float)
    label_z = surface.response
    if what == "net_return":
        crop, costs, money = resolve_surface_prices(
            prices, surface.nutrients, surface.response_unit, surface.rate_units
        )
        y_zero = float(surface.predict({n: 0.0 for n in surface.nutrients}))
        z = crop * (z - y_zero) - sum(costs[n] * grid[n] for n in surface.nutrients)
        label_z = label("fig_net_return_axis", lang, unit=money)
    return z.reshape(gx.shape), label_z


def _mark_support(ax: Any, surface: Any, x: str, y: str, held: dict[str, float], lang: str) -> None:
    """The tested rate combinations: filled on this slice, hollow off it."""
    sup = surface.support
    on = np.ones(len(sup), dtype=bool)
    for n, v in held.items():
        on &= np.isclose(sup[n].to_numpy(dtype=float), v)
    ax.scatter(
        sup.loc[on, x],
        sup.loc[on, y],
        s=28,
        color=PALETTE[0],
        zorder=3,
        label=label("fig_tested_rates", lang),
    )
    if (~on).any():
        ax.scatter(
            sup.loc[~on, x],
            sup.loc[~on, y],
            s=28,
            facecolors="none",
            edgecolors=PALETTE[0],
            zorder=3,
            label=label("fig_tested_other", lang),
        )


def _mark_stationary(ax: Any, surface: Any, x: str, y: str, lang: str) -> None:
    """The stationary point with its kind; far outside the plot, a note in the corner."""
    can = surface.canonical()
    if can.stationary_point is None:
        return
    (x0, x1), (y0, y1) = surface.bounds[x], surface.bounds[y]
    sx, sy = can.stationary_point[x], can.stationary_point[y]
    wx, wy = (x1 - x0) or 1.0, (y1 - y0) or 1.0
    kind = _status_text(can.kind, lang)
    if x0 - 0.25 * wx <= sx <= x1 + 0.25 * wx and y0 - 0.25 * wy <= sy <= y1 + 0.25 * wy:
        ax.plot(
            [sx],
            [sy],
            marker="X",
            ms=9,
            color=PALETTE[1],
            ls="none",
            zorder=4,
            label=label("fig_stationary", lang, kind=kind),
        )
        return
    where = f"{x} {sx:.4g}, {y} {sy:.4g}"
    ax.text(
        0.99,
        0.01,
        label("fig_stationary_outside", lang, kind=kind, where=where),
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=7,
        color=PALETTE[1],
    )


def _mark_optimum(ax: Any, opt: Any, x: str, y: str, lang: str) -> None:
    """The optimum (or maximum in the region) as a star, its status in the legend."""
    kind = label("fig_economic" if opt.kind == "economic" else "fig_max_in_region", lang)
    ax.plot(
        [opt.rates[x]],
        [opt.rates[y]],
        marker="*",
        ms=14,
        color=PALETTE[4],
        mec="k",
        ls="none",
        zorder=5,
        label=f"{kind} ({_status_text(opt.status, lang)})",
    )


# --- multiple comparisons ---


def plot_means(
    result: Any,
    ax: Any = None,
    *,
    kind: str = "bars",
    order: str = "mean",
    error: str = "se",
    letters: bool = True,
    lang: str = "en",
    **kwargs: Any,
) -> Any:
    """Treatment means with error bars and their letter groups.

    Parameters
    ----------
    result : MultCompResult
        Result of :func:`fertopt.duncan`, :func:`fertopt.lsd`, :func:`fertopt.tukey`,
        :func:`fertopt.snk`, :func:`fertopt.scheffe` or :func:`fertopt.dunnett`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    kind : {"bars", "points"}, default "bars"
        Bars from zero, or points (better when zero is far from the means).
    order : {"mean", "level"}, default "mean"
        Treatments sorted as in ``result.groups`` (by mean) or in the order of
        their levels in the data (rates in increasing order).
    error : {"se", "sd", "none"}, default "se"
        Error bars: the standard error of each mean from the error term used
        by the test, the standard deviation of the plots, or none.
    letters : bool, default True
        Write the letters (and capitals, if computed) above each mean; for
        Dunnett's test, ``*`` above treatments that differ from the control.
    lang : {'en', 'zh'}, default 'en'
        Language of the title.
    **kwargs
        Passed to ``ax.bar`` or ``ax.errorbar`` (``color``, ``width``, ...).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import fertopt as fo
    >>> mc = fo.duncan_from_means(
    ...     means={"CK": 30.1, "NPK": 36.2, "PK": 31.0}, n=3, mse=1.8, df_resid=6
    ... )
    >>> ax = fo.plotting.plot_means(mc)
    >>> [t.get_text() for t in ax.texts]
    ['a', 'b', 'b']
    """
    import pandas as pd

    lang = check_lang(lang)
    if kind not in ("bars", "points"):
        raise OptionError(f"kind={kind!r} is not a valid option; choose 'bars' or 'points'.")
    if order not in ("mean", "level"):
        raise OptionError(f"order={order!r} is not a valid option; choose 'mean' or 'level'.")
    if error not in ("se", "sd", "none"):
        raise OptionError(f"error={error!r} is not a valid option; choose 'se', 'sd' or 'none'.")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(max(4.0, 0.55 * len(result.groups) + 1.5), 3.8))
    groups = result.groups.copy()
    has_within = "within" in groups.columns
    if not has_within:
        groups.insert(0, "within", "")
    if order == "level":
        levels = result._extra.get("levels", {})
        pos = {(w, t): i for w, labels in levels.items() for i, t in enumerate(labels)}
        groups["_rank"] = [
            pos.get((w, t), 0) for w, t in zip(groups["within"], groups["treatment"], strict=True)
        ]
        groups = groups.sort_values("_rank", kind="stable")
        slices = list(dict.fromkeys(result.groups["within"])) if has_within else [""]
        groups = pd.concat([groups[groups["within"] == w] for w in slices], ignore_index=True)
    x = []
    position = 0.0
    previous = None
    starts = {}
    for w in groups["within"]:
        if previous is not None and w != previous:
            position += 0.8
        starts.setdefault(w, position)
        x.append(position)
        position += 1.0
        previous = w
    x = np.asarray(x)
    means = groups["mean"].to_numpy(dtype=float)
    spread = groups[error].to_numpy(dtype=float) if error != "none" else np.zeros(len(groups))
    spread = np.where(np.isfinite(spread), spread, 0.0)
    color = kwargs.pop("color", _LIGHT_BLUE)
    if result.test == "Dunnett":
        is_control = (groups["treatment"] == result.control).to_numpy()
        colors = np.where(is_control, "#c9c9c9", color)
    else:
        colors = np.full(len(groups), color, dtype=object)
    if kind == "bars":
        kwargs.setdefault("width", 0.7)
        kwargs.setdefault("edgecolor", PALETTE[0])
        ax.bar(x, means, color=list(colors), **kwargs)
        if error != "none":
            ax.errorbar(x, means, yerr=spread, fmt="none", ecolor="#333333", capsize=3, lw=1)
    else:
        kwargs.setdefault("fmt", "o")
        kwargs.setdefault("capsize", 3)
        ax.errorbar(x, means, yerr=spread if error != "none" else None, color=PALETTE[0], **kwargs)
    if letters:
        span = np.nanmax(means + spread) - min(0.0, np.nanmin(means - spread))
        offset = 0.03 * (span if span > 0 else 1.0)
        texts = groups["letters"].astype(str)
        if "capitals" in groups.columns:
            texts = texts + " " + groups["capitals"].astype(str)
        for xi, top, text in zip(x, means + spread, texts, strict=True):
            if text.strip():
                ax.text(xi, top + offset, text.strip(), ha="center", va="bottom", fontsize=10)
        ax.set_ylim(top=max(ax.get_ylim()[1], float(np.nanmax(means + spread)) + 4 * offset))
    ax.set_xticks(x)
    ax.set_xticklabels(
        groups["treatment"].astype(str),
        rotation=0 if len(groups) <= 8 else 45,
        ha="center" if len(groups) <= 8 else "right",
    )
    ax.set_ylabel(str(result.response) if result.response is not None else "mean")
    within_text = f" within {':'.join(result.within)}" if result.within else ""
    ax.set_xlabel(f"{result.term}{within_text}")
    test = result.test if lang == "en" else method_name(result.test.lower(), lang)
    ax.set_title(f"{test} (α = {result.alpha:g})", fontsize=10)
    if has_within:
        for w, start in starts.items():
            count = int((groups["within"] == w).sum())
            ax.annotate(
                f"{':'.join(result.within)} = {w}",
                xy=(start + (count - 1) / 2, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
                color="#555555",
            )
    return tidy_axes(ax)


# --- omission indices ---

_OMISSION_UNITS = {
    "relative_yield": "%",
    "contribution_rate": "%",
    "yield_increase_pct": "%",
    "recovery_efficiency": "%",
    "fertilizer_contribution": "%",
    "soil_contribution": "%",
}


def plot_omission(
    result: Any, ax: Any = None, *, index: str = "relative_yield", lang: str = "en", **kwargs: Any
) -> Any:
    """One omission index per nutrient as bars with ± 1 SE and the confidence interval.

    Parameters
    ----------
    result : OmissionResult
        The analysis to draw.
    ax : Axes, optional
        Where to draw; a new figure by default.
    index : str, default ``"relative_yield"``
        A name from ``result.indices["index"]``.  Relative yield of true
        omission plots gets the soil-supply class limits (50, 75, 95 %) as
        dotted lines.
    lang : {'en', 'zh'}, default 'en'
        Language of the labels.
    **kwargs
        Passed to ``Axes.bar`` (``color``, ``width``, ...).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import fertopt as fo, warnings
    >>> df = fo.load_dataset("water_chestnut")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", fo.DesignWarning)
    ...     om = fo.omission(df, response="yield", treatment="treatment", block="block",
    ...                      full="formula", minus={"N": "reduced N", "P2O5": "reduced P"})
    >>> ax = fo.plotting.plot_omission(om)
    >>> [round(float(b.get_height()), 1) for b in ax.patches]
    [107.3, 94.4]
    """

    lang = check_lang(lang)
    rows = result.indices.loc[result.indices["index"] == index]
    if rows.empty:
        known = ", ".join(dict.fromkeys(result.indices["index"]))
        raise OptionError(f"index {index!r} is not in this result; choose one of {known}.")
    ax = _new_axes(ax, (4.8, 3.4))
    x = np.arange(len(rows))
    est = rows["estimate"].to_numpy(dtype=float)
    se = rows["se"].to_numpy(dtype=float)
    kwargs.setdefault("color", _LIGHT_BLUE)
    kwargs.setdefault("edgecolor", PALETTE[0])
    kwargs.setdefault("width", 0.6)
    ax.bar(x, est, **kwargs)
    if np.isfinite(se).any():
        low = est - rows["ci_low"].to_numpy(dtype=float)
        high = rows["ci_high"].to_numpy(dtype=float) - est
        interval = (
            f"{100 * result.confidence_level:g} % interval"
            if lang == "en"
            else f"{100 * result.confidence_level:g}% 置信区间"
        )
        ax.errorbar(
            x,
            est,
            yerr=[low, high],
            fmt="none",
            ecolor=NEUTRAL,
            elinewidth=1,
            capsize=6,
            label=interval,
        )
        ax.errorbar(
            x,
            est,
            yerr=se,
            fmt="none",
            ecolor="black",
            elinewidth=2.2,
            capsize=0,
            label="± 1 SE" if lang == "en" else "± 1 标准误",
        )
        ax.legend(frameon=False, fontsize=8)
    if index == "relative_yield" and len(result.soil_supply):
        for limit in (50, 75, 95):
            ax.axhline(limit, color=NEUTRAL, lw=0.8, ls=":")
    ax.axhline(0.0, color=NEUTRAL, lw=0.8)
    ax.set_xticks(x)
    names = [label("om_all", lang) if n == "all" else str(n) for n in rows["nutrient"]]
    ax.set_xticklabels(names)
    name = label(f"ix_{index}", lang)
    unit = _OMISSION_UNITS.get(index)
    ax.set_ylabel(f"{name[:1].upper()}{name[1:]}" + (f" ({unit})" if unit else ""))
    ax.set_title(f"{name[:1].upper()}{name[1:]}, {result.full}")
    tidy_axes(ax)
    check_glyphs(ax)
    return ax


# --- published equations against the numbers a paper reports ---


def plot_reported_points(
    fit: Any,
    reported: Any,
    *,
    found: Any = None,
    x_range: tuple[float, float] | None = None,
    zoom: tuple[tuple[float, float], tuple[float, float]] | None = None,
    ax: Any = None,
    labels: dict[str, str] | None = None,
    **kwargs: Any,
) -> Any:
    """A published response equation with the points a paper reports on it, and fertopt's.

    For auditing papers: the curve is drawn over ``x_range`` (negative rates
    included when a paper reports them), the tested range is shaded, the
    paper's (rate, yield) points are crosses and the points fertopt computes
    from the same equation are open symbols; the legend gives each point's
    coordinates.  Points that crowd together can be shown again in an inset
    (``zoom``).

    Parameters
    ----------
    fit : ResponseFit
        A quadratic, usually from :func:`fertopt.response_from_coefficients`.
    reported : sequence of (label, rate, yield)
        The paper's points.
    found : sequence of (label, rate, yield), optional
        The points fertopt finds (maximum, optimum, minimum).
    x_range : (low, high), optional
        Rates over which the curve is drawn; by default from the lowest of 0
        and the points to a little beyond the highest.
    zoom : ((x_low, x_high), (y_low, y_high)), optional
        Region repeated, enlarged, in an inset.
    ax : Axes, optional
    labels : dict, optional
        Texts for ``"tested"``, ``"x"`` and ``"y"`` (to draw the figure in
        another language).
    **kwargs
        Passed to the curve's line.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import fertopt as fo
    >>> from fertopt.plotting import plot_reported_points
    >>> k = fo.response_from_coefficients("quadratic", intercept=1689.3, linear=13.338,
    ...                                   quadratic=3.2568, rate_range=(0, 21), nutrient="K2O")
    >>> ax = plot_reported_points(k, [("paper: maximum", -2.0, 1675.7)],
    ...                           found=[("minimum", -2.048, 1675.64)])
    >>> [t.get_text() for t in ax.get_legend().get_texts()][1:]
    ['paper: maximum (-2, 1675.7)', 'minimum (-2.048, 1675.6)']
    """
    text = {
        "tested": "tested rates",
        "x": f"{getattr(fit, 'rate', 'rate')} (kg/mu)",
        "y": "yield (kg/mu)",
    }
    text.update(labels or {})
    reported = [tuple(p) for p in (reported or [])]
    found = [tuple(p) for p in (found or [])]
    for name, pts in (("reported", reported), ("found", found)):
        for p in pts:
            if len(p) != 3:
                raise OptionError(f"{name} points must be (label, rate, yield) triples, got {p!r}.")
    est = fit.estimates
    if set(est) != {"intercept", "linear", "quadratic"}:
        raise OptionError(
            f"plot_reported_points draws quadratic equations; this fit is {fit.model!r}."
        )
    lo, hi = fit.rate_range
    xs = [x for _, x, _ in reported + found]
    if x_range is None:
        left = min([0.0, *xs])
        right = max([hi, *xs])
        pad = 0.08 * (right - left)
        x_range = (left - (pad if left < 0 else 0.0), right + pad)
    ax = _new_axes(ax, (5.6, 3.9))
    kwargs.setdefault("color", PALETTE[0])
    kwargs.setdefault("lw", 1.8)

    def draw(target: Any, grid_range: tuple[float, float]) -> None:
        grid = np.linspace(grid_range[0], grid_range[1], 300)
        target.axvspan(lo, hi, color="0.88", lw=0)
        target.plot(
            grid, est["intercept"] + est["linear"] * grid + est["quadratic"] * grid**2, **kwargs
        )
        for (_, x, y), marker in zip(found, ("o", "s", "D", "^"), strict=False):
            target.plot([x], [y], marker, ms=7, mfc="white", mec=PALETTE[0], mew=1.6, ls="none")
        for (_, x, y), marker in zip(reported, ("x", "P", "X", "+"), strict=False):
            target.plot([x], [y], marker, ms=9, mew=2, color=PALETTE[1], ls="none")
        if grid_range[0] < 0 < grid_range[1]:
            target.axvline(0.0, color=NEUTRAL, lw=0.8, ls=":")

    draw(ax, x_range)
    # the legend lists the tested range, the paper's points, then fertopt's
    from matplotlib.patches import Patch

    handles = [Patch(facecolor="0.88", edgecolor="none", label=text["tested"])]
    for (name, x, y), marker in zip(reported, ("x", "P", "X", "+"), strict=False):
        handles += ax.plot(
            [],
            [],
            marker,
            ms=9,
            mew=2,
            color=PALETTE[1],
            ls="none",
            label=f"{name} ({x:.4g}, {y:.1f})",
        )
    for (name, x, y), marker in zip(found, ("o", "s", "D", "^"), strict=False):
        handles += ax.plot(
            [],
            [],
            marker,
            ms=7,
            mfc="white",
            mec=PALETTE[0],
            mew=1.6,
            ls="none",
            label=f"{name} ({x:.4g}, {y:.1f})",
        )
    ax.set_xlim(*x_range)
    ax.set_xlabel(text["x"])
    ax.set_ylabel(text["y"])
    ax.legend(handles=handles, fontsize=7.5, frameon=False, loc="upper left")
    if zoom is not None:
        (zx0, zx1), (zy0, zy1) = zoom
        inset = ax.inset_axes([0.56, 0.08, 0.4, 0.42])
        draw(inset, (zx0, zx1))
        inset.set_xlim(zx0, zx1)
        inset.set_ylim(zy0, zy1)
        inset.tick_params(labelsize=6.5)
        ax.indicate_inset_zoom(inset, edgecolor=NEUTRAL)
    tidy_axes(ax, grid=None)
    check_glyphs(ax)
    return ax


def plot_surface_points(
    surface: Any,
    *,
    x: str,
    y: str,
    at: dict[str, float] | None = None,
    reported: Any = None,
    design: Any = None,
    boxes: Any = None,
    ax: Any = None,
    labels: dict[str, str] | None = None,
    **kwargs: Any,
) -> Any:
    """A surface slice (:func:`plot_surface`) with a paper's points, design points and boxes.

    For auditing a published surface: the contour of ``surface`` over ``x`` and
    ``y`` with the other nutrients held at ``at``; the rate combinations of the
    trial (``design``, filled when they lie in the slice), the points a paper
    reports (``reported``, red crosses) and further regions (``boxes``, e.g.
    the base formula's range) drawn on top.

    Parameters
    ----------
    surface : SurfaceFit
    x, y : str
        Nutrients on the axes.
    at : dict, optional
        Levels of the other nutrients.
    reported : sequence of (label, {nutrient: rate}), optional
    design : sequence of {nutrient: rate}, optional
    boxes : sequence of (label, {nutrient: (low, high)}), optional
    ax : Axes, optional
    labels : dict, optional
        Text for ``"design"`` (legend entry of the design points).
    **kwargs
        Passed to :func:`plot_surface`.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import fertopt as fo
    >>> from fertopt.plotting import plot_surface_points
    >>> surf = fo.surface_from_coefficients(
    ...     {"intercept": 1688.61, "P2O5^2": -17.65, "N:K2O": 0.064, "P2O5:K2O": 16.99},
    ...     bounds={"N": (0, 20), "P2O5": (0, 8), "K2O": (0, 21)})
    >>> ax = plot_surface_points(surf, x="N", y="K2O", at={"P2O5": 8},
    ...                          reported=[("paper", {"N": 13.2, "P2O5": 8, "K2O": 21})])
    >>> "paper" in [t.get_text() for t in ax.get_legend().get_texts()]
    True
    """
    from matplotlib.patches import Rectangle

    text = {"design": "treatments"}
    text.update(labels or {})
    ax = plot_surface(surface, ax, x=x, y=y, at=at, **kwargs)
    held = dict(at or {})
    for i, (name, box) in enumerate(boxes or []):
        (x0, x1), (y0, y1) = box[x], box[y]
        ax.add_patch(
            Rectangle(
                (x0, y0),
                x1 - x0,
                y1 - y0,
                fill=False,
                lw=1.4,
                ls=(0, (1, 1.5)),
                ec=PALETTE[(3 + i) % len(PALETTE)],
                label=name,
            )
        )
    if design:
        pts = [dict(p) for p in design]
        in_slice = [all(abs(p.get(n, 0.0) - v) < 1e-9 for n, v in held.items()) for p in pts]
        xs = np.array([p[x] for p in pts], dtype=float)
        ys = np.array([p[y] for p in pts], dtype=float)
        mask = np.array(in_slice)
        if (~mask).any():
            ax.plot(xs[~mask], ys[~mask], "o", ms=6, mfc="white", mec="black", ls="none", zorder=5)
        ax.plot(
            xs[mask],
            ys[mask],
            "o",
            ms=6,
            color="black",
            ls="none",
            label=text["design"],
            zorder=5,
            clip_on=False,
        )
    for (name, point), marker in zip(reported or [], ("D", "P", "s"), strict=False):
        ax.plot(
            [point[x]],
            [point[y]],
            marker,
            ms=9,
            mfc=PALETTE[6],
            mec="black",
            ls="none",
            label=name,
            clip_on=False,
            zorder=6,
        )
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    check_glyphs(ax)
    return ax
