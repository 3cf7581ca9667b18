"""Figures of trial networks: a hierarchical response model's curves and the site optima.

:func:`plot_network_fit` draws a :class:`~fertopt.network.NetworkFit`, recognised by its
public attributes (``curve``, ``sites``, ``data``, ``site_curve``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from fertopt._core.i18n import check_lang, label
from fertopt.plotting.styling import NEUTRAL, PALETTE, new_axes, tidy_axes

__all__ = ["plot_network_fit"]

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
