"""Figures of soil-test correlation: relative yield against soil-test value.

:func:`plot_soiltest` draws any result of :mod:`fertopt.soiltest`, recognised by its public
attributes: the Cate–Nelson quadrants (``quadrants``, ``cryv``), a calibration curve
(``cstv_kind``, ``predict``), the ALCC (``cstv90``, ``curve``) or the abundance classes
(``boundaries``, ``classify``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from fertopt._core.formatting import format_number
from fertopt._core.i18n import check_lang, label
from fertopt.exceptions import OptionError
from fertopt.plotting.styling import NEUTRAL, PALETTE, new_axes, tidy_axes

__all__ = ["plot_soiltest"]

_SIZE = (8.4, 5.0)  # inches: 840 px wide at 100 dpi, 1680 px in a 200-dpi report
_BLUE, _VERMILLION, _GREEN, _PINK, _ORANGE = (
    PALETTE[0],
    PALETTE[1],
    PALETTE[2],
    PALETTE[3],
    PALETTE[4],
)


def _level(level: float, lang: str) -> str:
    text = f"{100 * level:g} %"
    return text.replace(" ", "") if lang != "en" else text


def _axes_labels(ax: Any, result: Any, lang: str) -> None:
    ax.set_xlabel(f"{label('st_fig_stv', lang)} ({result.stv})")
    ax.set_ylabel(label("st_fig_ry", lang))


def _cstv_line(ax: Any, value: float, ci: Any, level: float, lang: str, kind: str = "") -> None:
    if not math.isfinite(value):
        return
    if ci is not None and all(math.isfinite(v) for v in ci):
        ax.axvspan(
            ci[0],
            ci[1],
            color=_VERMILLION,
            alpha=0.13,
            lw=0,
            label=label(
                "st_fig_ci",
                lang,
                level=_level(level, lang),
                kind=label("st_fig_kind", lang, kind=label(kind, lang)) if kind else "",
            ),
        )
    ax.axvline(
        value,
        color=_VERMILLION,
        ls="--",
        lw=1.4,
        label=label("st_fig_cstv", lang, value=format_number(value, 3)),
    )


def _target_line(ax: Any, value: float | None, lang: str, key: str = "st_fig_target") -> None:
    if value is None or not math.isfinite(value):
        return
    ax.axhline(
        value, color=NEUTRAL, ls=":", lw=1.1, label=label(key, lang, value=format_number(value, 4))
    )


def _quadrants(ax: Any, res: Any, lang: str) -> None:
    data = res.data
    positive = data["quadrant"].isin(["II", "IV"]).to_numpy()
    ax.scatter(
        data["stv"][positive],
        data["ry"][positive],
        s=30,
        color=_BLUE,
        edgecolor="white",
        lw=0.5,
        zorder=3,
        label=label("st_fig_positive", lang),
    )
    ax.scatter(
        data["stv"][~positive],
        data["ry"][~positive],
        s=34,
        marker="X",
        color=_VERMILLION,
        zorder=3,
        label=label("st_fig_negative", lang),
    )
    _cstv_line(ax, res.cstv, res.cstv_ci, res.confidence, lang, "st_ci_boot")
    _target_line(
        ax, res.cryv, lang, "st_fig_target" if res.target is not None else "st_fig_critical_ry"
    )
    counts = res.quadrants.set_index("quadrant")["n"]
    for name, (hx, hy) in {
        "I": (0.02, 0.97),
        "II": (0.98, 0.97),
        "III": (0.98, 0.03),
        "IV": (0.02, 0.03),
    }.items():
        ax.text(
            hx,
            hy,
            f"{name} (n={counts[name]})",
            transform=ax.transAxes,
            ha="left" if hx < 0.5 else "right",
            va="top" if hy > 0.5 else "bottom",
            fontsize=8.5,
            color=_BLUE if name in ("II", "IV") else _VERMILLION,
            bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "0.8", "lw": 0.6},
            zorder=5,
        )
    ax.set_title(label("st_cn_title", lang, year=res.method[-4:]))


def _grid(xmin: float, xmax: float, log: bool = False) -> np.ndarray:
    if log:
        return np.geomspace(max(xmin, 1e-9), xmax, 400)
    return np.linspace(xmin, xmax, 400)


def _points(ax: Any, x: Any, y: Any, lang: str) -> None:
    n = len(x)
    # a network of hundreds or thousands of trials: smaller, lighter points so the curve and the
    # density stay visible
    size, alpha, edge = (30, 1.0, 0.5) if n <= 150 else (12, 0.6, 0.0) if n <= 1500 else (4, 0.3, 0)
    ax.scatter(
        x,
        y,
        s=size,
        alpha=alpha,
        color=_BLUE,
        edgecolor="white",
        lw=edge,
        zorder=3,
        label=label("st_fig_sites", lang),
        rasterized=n > 1500,
    )


def _calibration(ax: Any, res: Any, lang: str) -> None:
    data = res.data
    _points(ax, data["stv"], data["ry"], lang)
    lo, hi = float(data["stv"].min()), float(data["stv"].max())
    grid = _grid(lo if res.model != "log" else max(lo, hi * 1e-3), hi)
    ax.plot(
        grid, res.predict(grid), color="0.15", lw=1.8, zorder=4, label=label("st_fig_curve", lang)
    )
    boot = res.cstv_boot_ci is not None
    ci = res.cstv_boot_ci if boot else res.cstv_ci
    _cstv_line(ax, res.cstv, ci, res.confidence, lang, "st_ci_boot" if boot else "st_ci_wald")
    _target_line(ax, res.target, lang)
    ax.set_title(label("st_cal_title", lang, model=label(f"st_model_{res.model}", lang)))


def _alcc(ax: Any, res: Any, lang: str) -> None:
    data = res.data
    kept = ~data["removed"].to_numpy()
    _points(ax, data["stv"][kept], data["ry"][kept], lang)
    if (~kept).any():
        ax.scatter(
            data["stv"][~kept],
            data["ry"][~kept],
            s=40,
            marker="x",
            color=_VERMILLION,
            zorder=3,
            label=label("st_fig_removed", lang),
        )
    flagged = res.flagged
    lev = flagged[(flagged["beyond_2x_cstv90"] | flagged["beyond_cstv100"]) & ~flagged["removed"]]
    if len(lev):
        ax.scatter(
            lev["stv"],
            lev["ry"],
            s=110,
            facecolor="none",
            edgecolor=_ORANGE,
            lw=1.5,
            zorder=4,
            label=label("st_fig_flagged", lang),
        )
    curve = res.curve()
    ax.plot(
        curve["stv"], curve["ry"], color="0.15", lw=1.8, zorder=4, label=label("st_fig_curve", lang)
    )
    _cstv_line(ax, res.cstv, res.cstv_ci, res.confidence, lang, "st_ci_sma")
    _target_line(ax, res.target, lang)
    ax.set_title(label("st_alcc_title", lang))


def _classes(ax: Any, res: Any, lang: str) -> None:
    cal = res.calibration
    data = cal.data
    _points(ax, data["stv"], data["ry"], lang)
    lo, hi = float(data["stv"].min()), float(data["stv"].max())
    right = max(hi, res.boundaries[-1]) * 1.1
    left = min(lo, res.boundaries[0]) * 0.85 if res.model == "log" else 0.0
    grid = _grid(max(left, right * 1e-3) if res.model == "log" else left, right)
    ax.plot(
        grid, cal.predict(grid), color="0.15", lw=1.8, zorder=4, label=label("st_fig_curve", lang)
    )
    names = res.class_names(lang)
    edges = [left, *res.boundaries, right]
    shades = ["#D55E00", "#E69F00", "#F0E442", "#56B4E9", "#009E73"]
    k = len(names)
    colours = (
        shades
        if k == 5
        else [shades[round(i * (len(shades) - 1) / max(k - 1, 1))] for i in range(k)]
    )
    for i, name in enumerate(names):
        ax.axvspan(edges[i], edges[i + 1], color=colours[i], alpha=0.10, lw=0, zorder=0)
        mid = (
            math.sqrt(edges[i] * edges[i + 1])
            if res.model == "log" and edges[i] > 0
            else (edges[i] + edges[i + 1]) / 2
        )
        ax.text(
            mid,
            1.01,
            name,
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=8.5,
            color="0.2",
        )
    for b, t in zip(res.boundaries, res.thresholds, strict=True):
        ax.axvline(b, color=NEUTRAL, ls="--", lw=0.9, zorder=1)
        ax.plot([grid[0], b], [t, t], color=NEUTRAL, ls=":", lw=0.9, zorder=1)
        ax.annotate(
            f"{format_number(b, 3)}",
            (b, 0),
            xycoords=("data", "axes fraction"),
            xytext=(2, 3),
            textcoords="offset points",
            fontsize=8,
            color="0.25",
            rotation=90,
            va="bottom",
        )
    if res.model == "log":
        from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, 3)))
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlim(edges[0], edges[-1])
    ax.set_title(label("st_classes_title", lang), pad=18)


def _network(result: Any, nutrient: str | None, ax: Any, lang: str) -> Any:
    """One panel per nutrient of a network calibration (or the panel of ``nutrient``)."""
    names = list(result.classes)
    if nutrient is not None and nutrient not in result.classes:
        raise OptionError(
            f"no classes of {nutrient!r} in this calibration; it has {', '.join(names)}."
        )
    if nutrient is None and len(names) > 1 and ax is not None:
        raise OptionError(
            f"this calibration has {len(names)} nutrients ({', '.join(names)}), one panel each: "
            "leave out ax= for a figure of all panels, or give nutrient= to draw one on ax."
        )
    chosen = [nutrient] if nutrient is not None else names
    if ax is None and len(chosen) > 1:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(
            len(chosen), 1, figsize=(_SIZE[0], 4.6 * len(chosen)), layout="constrained"
        )
        fig.get_layout_engine().set(h_pad=0.12)
    else:
        axes = [new_axes(ax, _SIZE)]
    for n, panel in zip(chosen, axes, strict=True):
        plot_soiltest(result.classes[n], ax=panel, lang=lang)
        panel.set_title(
            label(
                "st_net_panel_title",
                lang,
                nutrient=n,
                n=result.classes[n].n_obs,
            ),
            pad=18,
        )
    return axes[0] if len(chosen) == 1 else np.asarray(axes)


def plot_soiltest(
    result: Any, *, ax: Any = None, lang: str = "en", nutrient: str | None = None
) -> Any:
    """Relative yield against soil-test value for a result of :mod:`fertopt.soiltest`.

    Parameters
    ----------
    result : CateNelsonResult, CalibrationFit, ALCCResult, AbundanceClasses or NetworkCalibration
    ax : matplotlib Axes, optional
        A new 8.4 × 5 in figure is made when omitted.
    lang : {'en', 'zh'}, default 'en'
        Language of the labels and legend.
    nutrient : str, optional
        A network calibration: draw only this nutrient's panel (on ``ax`` when given);
        without it, a figure with one panel per nutrient, stacked.

    Returns
    -------
    matplotlib Axes
        The sites as points; for Cate–Nelson the quadrants (positive sites as dots, negative
        ones as crosses, counts in the corners); for a curve the fitted curve, the CSTV (dashed)
        with its interval shaded (bootstrap when computed, else Wald or SMA) and the target RY;
        for the ALCC the leverage points ringed; for the classes the boundaries with the class
        names above the plot (log STV axis for the log model).  A network calibration
        draws the classes of each nutrient in its own panel and returns the array of Axes.

    Examples
    --------
    >>> import pandas as pd, fertopt as fo
    >>> sites = pd.DataFrame({"k": [26, 28, 30, 31, 34, 35, 40, 44, 49, 56, 68, 75],
    ...                       "ry": [53.5, 64.8, 63, 40.8, 79.5, 70.3, 63, 64, 94, 99, 66.5, 103]})
    >>> ax = plot_soiltest(fo.cate_nelson_1971(sites, stv="k", ry="ry"))
    >>> ax.get_ylabel()
    'Relative yield (%)'
    """
    lang = check_lang(lang)
    if hasattr(result, "classes") and hasattr(result, "recommendations"):
        return _network(result, nutrient, ax, lang)
    ax = new_axes(ax, _SIZE)
    if hasattr(result, "quadrants") and hasattr(result, "cryv"):
        _quadrants(ax, result, lang)
    elif hasattr(result, "boundaries") and hasattr(result, "classify"):
        _classes(ax, result, lang)
    elif hasattr(result, "cstv90") and hasattr(result, "curve"):
        _alcc(ax, result, lang)
    elif hasattr(result, "cstv_kind") and hasattr(result, "predict"):
        _calibration(ax, result, lang)
    else:
        raise OptionError(
            f"plot_soiltest draws results of fertopt.soiltest, got {type(result).__name__}."
        )
    _axes_labels(ax, result, lang)
    ymax = max(105.0, float(np.nanmax(ax.get_ylim())))
    ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]), top=ymax)
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=min(len(handles), 4),
        fontsize=8.5,
        frameon=False,
    )
    return tidy_axes(ax)
