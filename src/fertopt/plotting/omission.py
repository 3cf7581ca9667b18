"""Figures of omission-plot trials: one index per nutrient with its interval."""

from __future__ import annotations

from typing import Any

import numpy as np

from fertopt._core.i18n import check_lang, label
from fertopt.exceptions import OptionError
from fertopt.plotting.styling import LIGHT_BLUE as _LIGHT_BLUE
from fertopt.plotting.styling import NEUTRAL, PALETTE, SMALL_TEXT, check_glyphs, tidy_axes
from fertopt.plotting.styling import new_axes as _new_axes

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
        ax.legend(frameon=False, fontsize=SMALL_TEXT)
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
