"""Published equations against the numbers a paper reports (for auditing studies)."""

from __future__ import annotations

from typing import Any

import numpy as np

from fertopt.exceptions import OptionError
from fertopt.plotting.styling import NEUTRAL, PALETTE, SMALL_TEXT, check_glyphs, tidy_axes
from fertopt.plotting.styling import new_axes as _new_axes
from fertopt.plotting.surface import plot_surface


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
    ax.legend(handles=handles, fontsize=SMALL_TEXT, frameon=False, loc="upper left")
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
    ax.legend(
        fontsize=SMALL_TEXT, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False
    )
    check_glyphs(ax)
    return ax
