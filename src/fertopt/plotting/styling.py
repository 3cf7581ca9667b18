"""The look shared by all figures: palette, publication rc settings, CJK fonts, tidy axes.

Every figure function follows the same conventions, so that figures from
different analyses look alike and are ready for a paper or a report:
  * create the Axes with ``new_axes(ax, figsize)`` when the caller gave none;
  * colours from ``PALETTE`` (Okabe-Ito, readable by colour-blind readers and in
    grey print), reference lines in ``NEUTRAL``;
  * finish with ``tidy_axes(ax)`` (light frame, outward ticks, faint grid) and
    ``check_glyphs(ax)`` (Chinese labels get a CJK font, or a DisplayWarning);
  * labels and titles in plain words through ``fertopt._core.i18n.label(key, lang)``.
``style(lang)`` gives the publication defaults (font sizes, line widths,
palette, CJK font fallback) as an rc context; the reports draw inside it.

matplotlib is imported inside the functions, so importing this module does not import pyplot.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import warnings
from collections.abc import Iterator
from typing import Any

from fertopt._core.i18n import check_lang
from fertopt.exceptions import DisplayWarning

#: Okabe-Ito palette: blue, vermillion, bluish green, reddish purple, orange,
#: sky blue, yellow, black.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")


#: Colour of reference lines (zero lines, 1:1 lines, tested-range limits).
NEUTRAL = "#6E6E6E"


#: Fill of bars: PALETTE[0] half-way to white (the outline is PALETTE[0]).
LIGHT_BLUE = "#80B8D8"


#: Smallest text of a legend or a contour label, in points: legible in a report page.
SMALL_TEXT = 9.5

#: Narrowest figure on a report page, in inches: 806 px at the page's 96 px per inch, so
#: that legends and labels are read at their size.
PAGE_WIDTH = 8.4


def page_size(size: tuple[float, float]) -> tuple[float, float]:
    """A figure's size on a report page: at least :data:`PAGE_WIDTH` wide.

    A narrower figure is widened and made up to 30 % taller, so its plot area grows
    while its text keeps its size.

    Examples
    --------
    >>> page_size((5.2, 3.6)), page_size((9.0, 4.0))
    ((8.4, 4.68), (9.0, 4.0))
    """
    width, height = size
    if width >= PAGE_WIDTH:
        return width, height
    return PAGE_WIDTH, round(height * min(PAGE_WIDTH / width, 1.3), 6)


_RC = {
    "font.size": 10.0,
    "axes.titlesize": 11.0,
    "axes.titleweight": "normal",
    "axes.labelsize": 10.0,
    "xtick.labelsize": 9.5,
    "ytick.labelsize": 9.5,
    "legend.fontsize": SMALL_TEXT,
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


#: Keys of the display warnings already issued in this session (see :func:`warn_once`).
WARNED: set[str] = set()


def _covers(path: str, text: str) -> bool:
    from matplotlib import ft2font

    try:
        font = ft2font.FT2Font(path)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in text)


@functools.lru_cache(maxsize=1)
def cjk_font_cached() -> str | None:
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
    return cjk_font_cached()


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
    if key in WARNED:
        return
    WARNED.add(key)
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


def new_axes(ax: Any = None, figsize: tuple[float, float] = (5.0, 3.6)) -> Any:
    """``ax`` itself, or the Axes of a new pyplot figure of ``figsize`` inches."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=figsize, layout="constrained")
    return new


@contextlib.contextmanager
def style(lang: str = "en") -> Iterator[dict[str, Any]]:
    """Publication defaults for fertopt figures, as a matplotlib rc context.

    Inside the context: 10-pt text, 11-pt titles, 9.5-pt legends, no top/right frame,
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
    # a CJK font with one weight makes matplotlib log "Failed to find font weight" for
    # every text: the fallback it takes is the right one, so the log stays quiet here
    log = logging.getLogger("matplotlib.font_manager")
    level = log.level
    log.setLevel(max(level, logging.ERROR))
    try:
        with matplotlib.rc_context(rc):
            yield rc
    finally:
        log.setLevel(level)
