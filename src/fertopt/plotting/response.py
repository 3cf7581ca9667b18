"""Figures of single-nutrient response curves and their economics: the curve, the net return."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from fertopt._core.i18n import check_lang, label, model_name
from fertopt.exceptions import ExtrapolationWarning
from fertopt.plotting.styling import NEUTRAL, PALETTE, SMALL_TEXT, tidy_axes


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
        ax.axvline(
            o.rate, color=colour, ls="--", lw=1.2, label=f"{text} {o.rate:.1f}"
        )  # rates to 0.1
        if o.ci is not None:
            a, b = o.ci
            left = a if math.isfinite(a) else ax.get_xlim()[0]
            right = b if math.isfinite(b) else ax.get_xlim()[1]
            ax.axvspan(left, right, color=colour, alpha=0.10, lw=0)
    ax.set_xlabel(_axis_label(fit.rate, fit.rate_unit))
    ax.set_ylabel(_axis_label(fit.response, fit.response_unit))
    ax.legend(fontsize=SMALL_TEXT, frameon=False)
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
    if hasattr(result, "net_return_curve"):  # a fitted response: its curve first
        result = result.net_return_curve(prices=prices, price_ratio=price_ratio, within=within)
    table = result.table
    kwargs.setdefault("color", PALETTE[2])
    ax.plot(table["rate"], table["net_return"], **kwargs)
    ax.axhline(0, color=NEUTRAL, lw=0.8)
    if hasattr(result, "mrtn_rate"):  # pooled over sites (PooledSites)
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
        ax.axvline(
            best, color=PALETTE[2], ls="--", lw=1.2, label=f"{text} {best:.1f}"
        )  # rates to 0.1
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
    ax.legend(fontsize=SMALL_TEXT, frameon=False)
    return tidy_axes(ax)
