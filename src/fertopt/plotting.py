"""All figures of fertopt (matplotlib).

Every function takes the result to draw and an optional ``ax`` (a new figure
is made when it is omitted), never shows or saves anything, and returns the
Axes it drew on (or an array of Axes for multi-panel figures).  matplotlib is
imported inside the functions, so ``import fertopt`` stays free of pyplot.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .exceptions import FertoptError

__all__ = ["plot_residuals", "plot_omission"]


# --- residual diagnostics ---
def plot_residuals(result: Any, ax: Any = None, **kwargs: Any) -> np.ndarray:
    """Residuals against fitted values, and a normal Q-Q plot of the residuals.

    Parameters
    ----------
    result : AnovaResult or any result with ``fitted`` and ``residuals``
        The fit to diagnose.
    ax : sequence of two Axes, optional
        Where to draw; a new 1 x 2 figure by default.
    **kwargs
        Passed to the scatter calls (``color``, ``s``, ...).

    Returns
    -------
    numpy.ndarray of Axes
        ``[residuals vs fitted, normal Q-Q]``.
    """
    from scipy import stats

    if ax is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    else:
        axes = np.asarray(ax).ravel()
        if axes.size != 2:
            raise FertoptError("plot_residuals draws two panels: pass two Axes (e.g. from plt.subplots(1, 2)).")
    fitted = np.asarray(result.fitted, dtype=float)
    resid = np.asarray(result.residuals, dtype=float)
    kwargs.setdefault("color", "#1f4e79")
    kwargs.setdefault("s", 18)
    left, right = axes[0], axes[1]
    left.scatter(fitted, resid, **kwargs)
    left.axhline(0.0, color="0.5", lw=0.8, ls="--")
    left.set_xlabel("Fitted value")
    left.set_ylabel("Residual")
    left.set_title("Residuals vs fitted")
    (osm, osr), (slope, intercept, _) = stats.probplot(resid, dist="norm")
    right.scatter(osm, osr, **kwargs)
    right.plot(osm, slope * np.asarray(osm) + intercept, color="0.4", lw=1)
    right.set_xlabel("Normal quantile")
    right.set_ylabel("Ordered residual")
    right.set_title("Normal Q-Q")
    return np.asarray(axes)


# --- omission indices ---
_OMISSION_LABELS = {
    "relative_yield": "Relative yield (%)",
    "contribution_rate": "Contribution rate (%)",
    "yield_increase": "Yield increase",
    "yield_increase_pct": "Yield increase (%)",
    "agronomic_efficiency": "Agronomic efficiency (kg/kg)",
    "partial_factor_productivity": "Partial factor productivity (kg/kg)",
    "recovery_efficiency": "Recovery efficiency (%)",
    "value_cost_ratio": "Value-cost ratio",
    "net_return": "Net return",
    "fertilizer_contribution": "Fertilizer contribution (%)",
    "soil_contribution": "Soil-base contribution (%)",
}


def plot_omission(result: Any, ax: Any = None, *, index: str = "relative_yield", **kwargs: Any) -> Any:
    """One omission index per nutrient as bars with ± 1 SE and the confidence interval.

    Parameters
    ----------
    result : OmissionResult
        The analysis to draw.
    ax : Axes, optional
        Where to draw; a new figure by default.
    index : str, default ``"relative_yield"``
        A name from ``result.indices["index"]``.  Relative yield gets the
        soil-supply class limits (50, 75, 95 %) as dotted lines.
    **kwargs
        Passed to ``Axes.bar`` (``color``, ``width``, ...).

    Returns
    -------
    Axes
    """
    rows = result.indices.loc[result.indices["index"] == index]
    if rows.empty:
        known = ", ".join(dict.fromkeys(result.indices["index"]))
        raise FertoptError(f"index {index!r} is not in this result; choose one of {known}.")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(5.2, 3.6))
    x = np.arange(len(rows))
    est = rows["estimate"].to_numpy(dtype=float)
    se = rows["se"].to_numpy(dtype=float)
    kwargs.setdefault("color", "#1f4e79")
    kwargs.setdefault("width", 0.6)
    ax.bar(x, est, **kwargs)
    if np.isfinite(se).any():
        low = est - rows["ci_low"].to_numpy(dtype=float)
        high = rows["ci_high"].to_numpy(dtype=float) - est
        ax.errorbar(x, est, yerr=[low, high], fmt="none", ecolor="0.55", elinewidth=1, capsize=6,
                    label=f"{100 * result.confidence_level:g} % interval")
        ax.errorbar(x, est, yerr=se, fmt="none", ecolor="black", elinewidth=2.2, capsize=0, label="± 1 SE")
        ax.legend(frameon=False, fontsize=8)
    if index == "relative_yield":
        for limit in (50, 75, 95):
            ax.axhline(limit, color="0.6", lw=0.8, ls=":")
    ax.axhline(0.0, color="0.3", lw=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels([str(n) for n in rows["nutrient"]])
    ax.set_ylabel(_OMISSION_LABELS.get(index, index))
    ax.set_title(f"{_OMISSION_LABELS.get(index, index)}, full = {result.full}")
    return ax
