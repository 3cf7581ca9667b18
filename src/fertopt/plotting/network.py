"""Figures of trial networks: a hierarchical response model's curves and the site optima.

:func:`plot_network_fit` draws a :class:`~fertopt.network.NetworkFit`, recognised by its
public attributes (``curve``, ``sites``, ``data``, ``site_curve``);
:func:`plot_recommendation` a :class:`~fertopt.network.Recommendation` (``validation``,
``rates``, ``sites``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from fertopt._core.i18n import check_lang, label, translate_message
from fertopt.exceptions import OptionError
from fertopt.plotting.styling import NEUTRAL, PALETTE, new_axes, tidy_axes

__all__ = ["plot_network_fit", "plot_recommendation"]

_SIZE = (8.4, 5.0)  # inches: 840 px wide at 100 dpi


def plot_network_fit(
    fit: Any, *, ax: Any = None, lang: str = "en", points: bool = True, optima: bool = True
) -> Any:
    """The population curve of a network fit, each site's own curve and its optimum.

    Parameters
    ----------
    fit : NetworkFit
        From :func:`fertopt.fit_network`.
    ax : matplotlib Axes, optional
        A new 8.4 × 5 in figure is made when omitted.
    lang : {'en', 'zh'}, default 'en'
    points : bool, default True
        Draw each site's plot means at each rate, in the site's colour.
    optima : bool, default True
        Mark each site's rate of maximum yield on its curve (hollow when it is not ``ok``).

    Returns
    -------
    matplotlib Axes
        Site curves (thin, one colour per site), the population curve (thick, black) with
        its rate of maximum yield (dashed), site plot means and site optima.

    Examples
    --------
    >>> import warnings, fertopt as fo
    >>> from fertopt.plotting.network import plot_network_fit
    >>> d = fo.load_dataset("hernandez_3sites")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", fo.NetworkWarning)
    ...     net = fo.fit_network(d, response="yield", rate="N", site="site")
    >>> ax = plot_network_fit(net)
    >>> len(ax.get_lines()) >= 4
    True
    """
    lang = check_lang(lang)
    ax = new_axes(ax, _SIZE)
    curve = fit.curve
    data = fit.data
    lo, hi = curve.rate_range
    grid = np.linspace(lo, hi, 201)
    for i, row in enumerate(fit.sites.itertuples(index=False)):
        colour = PALETTE[i % len(PALETTE)]
        site = row.site
        sc = fit.site_curve(site)
        g = np.linspace(sc.rate_range[0], sc.rate_range[1], 201)
        ax.plot(g, sc.value(g), color=colour, lw=1.0, alpha=0.9, label=str(site))
        if points:
            part = data[data["site"].astype(str) == str(site)]
            means = part.groupby("rate")["response"].mean()
            ax.plot(
                means.index.to_numpy(float),
                means.to_numpy(float),
                "o",
                color=colour,
                ms=3.5,
                alpha=0.7,
            )
        if optima and math.isfinite(row.optimum):
            y = float(sc.value(np.array([row.optimum]))[0])
            ax.plot(
                [row.optimum],
                [y],
                marker="^",
                ms=7,
                color=colour,
                mfc=colour if row.status == "ok" else "white",
                ls="none",
            )
    ax.plot(grid, curve.value(grid), color="black", lw=2.4, label=label("nf_fig_population", lang))
    rate = _population_max(curve)
    if math.isfinite(rate) and lo <= rate <= hi:
        ax.axvline(rate, color=NEUTRAL, ls="--", lw=1.1, label=label("nf_fig_max", lang))
    unit = f" ({curve.rate_unit})" if curve.rate_unit else ""
    ax.set_xlabel(f"{label('nf_fig_rate', lang)}: {fit.rate}{unit}")
    yunit = f" ({curve.response_unit})" if curve.response_unit else ""
    ax.set_ylabel(f"{label('nf_fig_yield', lang)}: {fit.response}{yunit}")
    ax.set_title(label("nf_fig_title", lang, n=fit.n_sites))
    ax.legend(frameon=False, fontsize="small", ncol=2 if fit.n_sites > 8 else 1)
    return tidy_axes(ax)


def _population_max(curve: Any) -> float:
    sol = curve.spec.solve(curve.theta, 0.0)
    return float(sol.rate) if sol.case in ("interior", "corner") else math.nan


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
    ax.legend(loc="best", frameon=False)
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
