"""Figures of a trial network: the network fit and the recommendation with its regret."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from fertopt._core.i18n import check_lang, label, translate_message
from fertopt.exceptions import OptionError
from fertopt.plotting.styling import NEUTRAL, PALETTE, tidy_axes

__all__ = ["plot_recommendation"]


# recommendation figures
_REC_SIZE = (9.0, 4.2)


def _method_text(method: str, lang: str) -> str:
    return label(f"rec_method_{method}", lang)


def _regret_panel(ax: Any, result: Any, lang: str) -> None:
    """Mean regret by method (bar, ± SE) with the median and 90th percentile marked."""
    val = result.validation
    methods = list(val["method"])
    y = np.arange(len(methods))[::-1]
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(methods))]
    ax.barh(
        y,
        val["regret_mean"],
        xerr=val["regret_se"],
        color=colors,
        alpha=0.8,
        height=0.6,
        label=label("rec_fig_mean", lang),
    )
    ax.plot(
        val["regret_p90"],
        y,
        "|",
        color=NEUTRAL,
        markersize=14,
        mew=2,
        label=label("rec_fig_p90", lang),
    )
    ax.set_yticks(y, [_method_text(m, lang) for m in methods])
    ax.axvline(0, color=NEUTRAL, lw=0.8)
    unit = translate_message(result.net_return_unit, lang)
    ax.set_xlabel(label("rec_fig_regret", lang, unit=unit))
    ax.set_title(label("rec_fig_regret_title", lang))
    ax.legend(loc="lower right", frameon=False)
    tidy_axes(ax, grid="x")


def _optima_panel(ax: Any, result: Any, lang: str) -> None:
    """Histogram of the sites' own optima with each method's rate(s) as vertical lines."""
    opt = result.sites["own_rate"].to_numpy(dtype=float)
    opt = opt[np.isfinite(opt)]
    lo, hi = result.tested_range
    bins = np.linspace(lo, max(hi, float(np.max(opt)) if len(opt) else hi), 21)
    ax.hist(opt, bins=bins, color="0.8", edgecolor="white")
    for i, m in enumerate(result.methods):
        rows = result.rates[result.rates["method"] == m]
        color = PALETTE[i % len(PALETTE)]
        for j, r in enumerate(rows["rate"]):
            if math.isfinite(r):
                ax.axvline(
                    r,
                    color=color,
                    lw=2,
                    ls="-" if len(rows) == 1 else "--",
                    label=_method_text(m, lang) if j == 0 else None,
                )
    ax.set_xlabel(label("rec_fig_rate", lang))
    ax.set_ylabel(label("rec_fig_sites", lang))
    ax.set_title(label("rec_fig_optima_title", lang))
    ax.legend(loc="upper left", frameon=False, fontsize="small")
    tidy_axes(ax)


def plot_recommendation(result: Any, *, ax: Any = None, lang: str = "en") -> Any:
    """Regret on held-out sites by method, and the site optima with the recommended rates.

    Parameters
    ----------
    result : Recommendation
        A result of :func:`fertopt.recommend` (read through its public attributes).
    ax : sequence of two Axes, optional
        Where to draw; a new figure of two panels by default.
    lang : {'en', 'zh'}

    Returns
    -------
    ndarray of Axes
        The regret panel (left; empty without validation) and the optima panel (right).
    """
    lang = check_lang(lang)
    if ax is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=_REC_SIZE, layout="constrained")
    else:
        axes = np.ravel(np.asarray(ax, dtype=object))
        if len(axes) != 2:
            raise OptionError(
                "plot_recommendation draws two panels: give ax= as two Axes (e.g. "
                "fig.subplots(1, 2)), or leave it out for a new figure."
            )
    if len(result.validation) and "regret_mean" in result.validation.columns:
        _regret_panel(axes[0], result, lang)
    else:
        axes[0].set_axis_off()
    _optima_panel(axes[1], result, lang)
    return np.asarray(axes)
