"""Figures of N-P-K response surfaces: a contour map of two nutrients with the optimum."""

from __future__ import annotations

from typing import Any

import numpy as np

from fertopt._core.i18n import check_lang, label, status_text, unit_text
from fertopt.economics.prices import resolve_surface_prices
from fertopt.exceptions import OptionError
from fertopt.plotting.styling import PALETTE, SMALL_TEXT, tidy_axes
from fertopt.surface.protocol import FittedSurface


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
    if not isinstance(surface, FittedSurface):
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
    lines = ax.contour(gx, gy, z, levels=filled.levels, colors="0.15", linewidths=0.6)
    # dark labels on a light box: legible on the darkest and the lightest greens
    for text in ax.clabel(lines, fontsize=SMALL_TEXT - 0.5, fmt="%.4g", colors="black"):
        text.set_bbox({"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 0.6})
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
    ax.legend(
        fontsize=SMALL_TEXT, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, frameon=False
    )
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
    response = str(surface.response)
    label_z = label("yield", lang) if response.lower() == "yield" else response
    if what == "net_return":
        crop, costs, money = resolve_surface_prices(
            prices, surface.nutrients, surface.response_unit, surface.rate_units
        )
        y_zero = float(surface.predict({n: 0.0 for n in surface.nutrients}))
        z = crop * (z - y_zero) - sum(costs[n] * grid[n] for n in surface.nutrients)
        label_z = label("fig_net_return_axis", lang, unit=unit_text(money, lang))
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
        fontsize=SMALL_TEXT,
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
