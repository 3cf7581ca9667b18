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

__all__ = ["plot_residuals"]


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
