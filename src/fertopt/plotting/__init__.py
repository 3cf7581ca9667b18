"""All figures of fertopt (matplotlib).

Every function takes the result to draw and an optional ``ax`` (a new figure
is made when it is omitted), never shows or saves anything, and returns the
Axes it drew on (or an array of Axes for multi-panel figures).  matplotlib is
imported inside the functions, so ``import fertopt`` stays free of pyplot.

One module per figure family (``anova``, ``response``, ``surface``,
``omission``, ``three414``, ``published``) on the shared look in ``styling``, which also
holds the CJK font look-up (:func:`find_cjk_font`) and the display warnings
already issued (``styling.WARNED``): replace them there.
"""

from __future__ import annotations

from fertopt.plotting.anova import plot_means, plot_residuals
from fertopt.plotting.network import plot_recommendation
from fertopt.plotting.omission import plot_omission
from fertopt.plotting.published import plot_reported_points, plot_surface_points
from fertopt.plotting.response import plot_net_return, plot_response
from fertopt.plotting.soiltest import plot_soiltest
from fertopt.plotting.styling import (  # noqa: F401 (public, not in __all__)
    NEUTRAL,
    PAGE_WIDTH,
    PALETTE,
    SMALL_TEXT,
    check_glyphs,
    cjk_families,
    find_cjk_font,
    page_size,
    style,
    tidy_axes,
    warn_once,
)
from fertopt.plotting.surface import plot_surface
from fertopt.plotting.three414 import plot_three414

__all__ = [
    "plot_residuals",
    "plot_surface",
    "PALETTE",
    "NEUTRAL",
    "style",
    "tidy_axes",
    "check_glyphs",
    "find_cjk_font",
    "plot_response",
    "plot_net_return",
    "plot_means",
    "plot_omission",
    "plot_three414",
    "plot_reported_points",
    "plot_surface_points",
    "plot_soiltest",
    "plot_recommendation",
]
