"""The figure of a 3414 trial: each nutrient's response from the fit its rate comes from."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from fertopt._core.formatting import format_number
from fertopt._core.i18n import check_lang, label, three414_fit_name
from fertopt.plotting.styling import PALETTE, check_glyphs, tidy_axes

#: Treatments of each nutrient's univariate series (the others at level 2), N, P, K.
_SERIES = ((2, 3, 6, 11), (4, 5, 6, 7), (8, 9, 6, 10))


def _curves(result: Any, i: int, grid: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """``(fit name, fitted yield)`` of the fit(s) the i-th nutrient's rate comes from.

    Surfaces are drawn along the nutrient with the others at level 2 (the slice of the plotted
    treatment means); a rate that is the mean of two binary fits draws both.
    """
    nutrients = result.nutrients
    n = nutrients[i]
    source = str(result.recommendations.iloc[i]["source"])
    level2 = {m: result.levels[m][2] for m in nutrients}
    out = []
    names = re.findall(r"(ternary|binary \S+|quadratic \S+|linear_plateau \S+)", source)
    if not names and n in result.univariate:  # no usable fit: the univariate quadratic, shown
        names = [f"quadratic {n}"]
    for name in names:
        kind, _, rest = name.partition(" ")
        fit = None
        if kind == "ternary":
            fit, members = result.ternary, nutrients
        elif kind == "binary":
            fit, members = result.binary.get(rest), tuple(rest.split("-"))
        if fit is not None:
            at = {m: (grid if m == n else np.full_like(grid, level2[m])) for m in members}
            out.append((name, np.asarray(fit.predict(at), dtype=float)))
            continue
        curve = (result.univariate if kind == "quadratic" else result.linear_plateau).get(rest)
        if curve is not None:
            out.append((name, curve.predict(grid)["fitted"].to_numpy(dtype=float)))
    return out


def _kind_of(source: str) -> str:
    """The level of the cascade a recommendation's source names (``"binary"``, ``"mean"`` ...)."""
    if source.endswith("(mean)"):
        return "mean"
    kind = source.partition(" ")[0]
    return kind if kind in ("ternary", "binary", "quadratic", "linear_plateau") else "none"


def plot_three414(
    result: Any,
    ax: Any = None,
    *,
    lang: str = "en",
    figsize: tuple[float, float] = (10.5, 3.8),
) -> Any:
    """Each nutrient's response from the level of the cascade its recommended rate comes from.

    One panel per nutrient: the treatment means of its univariate series (the other two
    nutrients at level 2; treatments 2, 3, 6, 11 for N), the fitted response of the fit the
    recommendation comes from (the ternary or a binary surface along the nutrient with the
    others at level 2, both binary fits when the rate is their mean, the univariate quadratic
    or the linear-plateau curve), and the recommended rate as a dashed line.

    Parameters
    ----------
    result : Three414Result
        From :func:`fertopt.three414`.
    ax : sequence of 3 Axes, optional
        Where to draw; a new figure of ``figsize`` inches (about 2100 × 760 pixels at the
        report's 200 dpi) by default.
    lang : {'en', 'zh'}, default 'en'
        Language of the labels.
    figsize : (float, float)
        Size of the new figure.

    Returns
    -------
    ndarray of Axes

    Examples
    --------
    >>> import numpy as np, fertopt as fo
    >>> book = fo.design.three414(level2={"N": 18, "P2O5": 8, "K2O": 19}, rng=1)
    >>> truth = fo.surface_from_coefficients(
    ...     {"intercept": 1700, "N": 120, "P2O5": 160, "K2O": 60, "N^2": -3.2, "P2O5^2": -9,
    ...      "K2O^2": -1.5, "N:P2O5": 0.5, "N:K2O": 0.3, "P2O5:K2O": 1.2},
    ...     bounds={"N": (0, 27), "P2O5": (0, 12), "K2O": (0, 28.5)})
    >>> trial = book.table.assign(yield_=truth.predict(book.table) + np.tile([9., -9.], 7))
    >>> axes = fo.three414(trial, response="yield_").plot()
    >>> [a.get_title() for a in axes]
    ['N: ternary quadratic', 'P2O5: ternary quadratic', 'K2O: ternary quadratic']
    """
    lang = check_lang(lang)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(1, 3, figsize=figsize, layout="constrained")
    axes = np.asarray(ax).ravel()
    design = result.design
    for i, n in enumerate(result.nutrients):
        a = axes[i]
        top = result.levels[n][3]
        grid = np.linspace(0.0, top, 121)
        means = design.loc[design["treatment"].isin(_SERIES[i])]
        a.plot(
            means[n],
            means["mean"],
            "o",
            color="black",
            ms=5,
            zorder=3,
            label=label("t4_fig_means", lang),
        )
        for j, (name, y) in enumerate(_curves(result, i, grid)):
            a.plot(
                grid,
                y,
                color=PALETTE[j],
                lw=1.8,
                label=three414_fit_name(name, lang),
            )
        rec = result.recommendations.iloc[i]
        rate = float(rec["rate"])
        if math.isfinite(rate):
            a.axvline(
                rate,
                color=PALETTE[2],
                ls="--",
                lw=1.4,
                label=label("t4_fig_rate", lang, rate=format_number(rate, 3)),
            )
        shown = label(f"t4_short_{_kind_of(str(rec['source']))}", lang)
        a.set_title(f"{n}: {shown}" if lang == "en" else f"{n}：{shown}")
        a.set_xlabel(label("rate_of", lang, nutrient=n))
        a.set_xlim(-0.04 * top, 1.04 * top)
        if i == 0:
            a.set_ylabel(label("yield", lang))
        a.legend(frameon=False, fontsize=9, loc="lower right")
        tidy_axes(a)
        check_glyphs(a)
    return axes
