"""Figures of an ANOVA and its multiple comparisons: residual diagnostics, means with letters."""

from __future__ import annotations

from typing import Any

import numpy as np

from fertopt._core.i18n import check_lang, label, method_name
from fertopt.exceptions import OptionError
from fertopt.plotting.styling import LIGHT_BLUE as _LIGHT_BLUE
from fertopt.plotting.styling import NEUTRAL, PALETTE, tidy_axes


def plot_residuals(result: Any, ax: Any = None, *, lang: str = "en", **kwargs: Any) -> np.ndarray:
    """Residuals against fitted values, and a normal Q-Q plot of the residuals.

    Parameters
    ----------
    result : AnovaResult or any result with ``fitted`` and ``residuals``
        The fit to diagnose.
    ax : sequence of two Axes, optional
        Where to draw; a new 1 x 2 figure by default.
    lang : {'en', 'zh'}, default 'en'
        Language of titles and axis labels.
    **kwargs
        Passed to the scatter calls (``color``, ``s``, ...).

    Returns
    -------
    numpy.ndarray of Axes
        ``[residuals vs fitted, normal Q-Q]``.  The left panel holds the
        points ``(fitted, residual)`` and a dashed zero line; the right panel
        the points ``(normal quantile, ordered residual)`` and the line through
        the quartiles of both (as R's ``qqline``).

    Raises
    ------
    OptionError
        ``ax`` is not two Axes.

    Notes
    -----
    Normal quantiles use Filliben's plotting positions
    (:func:`scipy.stats.probplot`).  A funnel in the left panel suggests
    variance growing with the mean (consider a transformation); curvature in
    the right panel suggests non-normal errors.

    Examples
    --------
    >>> import fertopt as fo
    >>> from matplotlib.figure import Figure
    >>> aov = fo.anova(fo.load_dataset("minnesota_2012"), response="yld_grain_dry_kgha",
    ...                treatment="trt", block="rep")
    >>> axes = fo.plotting.plot_residuals(aov, ax=Figure().subplots(1, 2))
    >>> [a.get_title() for a in axes]
    ['Residuals vs fitted', 'Normal Q-Q']
    """
    from scipy import stats

    lang = check_lang(lang)
    if ax is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(7.5, 3.2), layout="constrained")
    else:
        axes = np.asarray(ax).ravel()
        if axes.size != 2:
            raise OptionError(
                "plot_residuals draws two panels: pass two Axes (e.g. from plt.subplots(1, 2))."
            )
    fitted = np.asarray(result.fitted, dtype=float)
    resid = np.asarray(result.residuals, dtype=float)
    kwargs.setdefault("color", PALETTE[0])
    kwargs.setdefault("s", 16)
    kwargs.setdefault("alpha", 0.85)
    kwargs.setdefault("edgecolor", "none")
    left, right = axes[0], axes[1]
    left.scatter(fitted, resid, **kwargs)
    left.axhline(0.0, color=NEUTRAL, lw=0.8, ls="--")
    left.set_xlabel(label("fitted_value", lang))
    left.set_ylabel(label("residual", lang))
    left.set_title(label("residuals_vs_fitted", lang))
    (osm, osr), _ = stats.probplot(resid, dist="norm")
    q_x = np.asarray(stats.norm.ppf([0.25, 0.75]))
    q_y = np.percentile(resid, [25, 75])
    slope = (q_y[1] - q_y[0]) / (q_x[1] - q_x[0])
    intercept = q_y[0] - slope * q_x[0]
    right.scatter(osm, osr, **kwargs)
    right.plot(osm, slope * np.asarray(osm) + intercept, color=NEUTRAL, lw=1)
    right.set_xlabel(label("normal_quantile", lang))
    right.set_ylabel(label("ordered_residual", lang))
    right.set_title(label("normal_qq", lang))
    for a in (left, right):
        tidy_axes(a)
    return np.asarray(axes)


def plot_means(
    result: Any,
    ax: Any = None,
    *,
    kind: str = "bars",
    order: str = "level",
    error: str = "se",
    letters: bool = True,
    lang: str = "en",
    **kwargs: Any,
) -> Any:
    """Treatment means with error bars and their letter groups.

    Parameters
    ----------
    result : MultCompResult
        Result of :func:`fertopt.duncan`, :func:`fertopt.lsd`, :func:`fertopt.tukey`,
        :func:`fertopt.snk`, :func:`fertopt.scheffe` or :func:`fertopt.dunnett`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    kind : {"bars", "points"}, default "bars"
        Bars from zero, or points (better when zero is far from the means).
    order : {"level", "mean"}, default "level"
        Treatments in their natural order (control first, rates ascending, a 3414
        trial's 1–14, as :attr:`MultCompResult.level_order` gives them), or sorted
        as in ``result.groups`` (by mean).
    error : {"se", "sd", "none"}, default "se"
        Error bars: the standard error of each mean from the error term used
        by the test, the standard deviation of the plots, or none.
    letters : bool, default True
        Write the letters (and capitals, if computed) above each mean; for
        Dunnett's test, ``*`` above treatments that differ from the control.
    lang : {'en', 'zh'}, default 'en'
        Language of the title.
    **kwargs
        Passed to ``ax.bar`` or ``ax.errorbar`` (``color``, ``width``, ...).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import fertopt as fo
    >>> mc = fo.duncan_from_means(
    ...     means={"CK": 30.1, "NPK": 36.2, "PK": 31.0}, n=3, mse=1.8, df_resid=6
    ... )
    >>> ax = fo.plotting.plot_means(mc)
    >>> [t.get_text() for t in ax.texts]      # CK, NPK, PK
    ['b', 'a', 'b']
    """
    import pandas as pd

    lang = check_lang(lang)
    if kind not in ("bars", "points"):
        raise OptionError(f"kind={kind!r} is not a valid option; choose 'bars' or 'points'.")
    if order not in ("mean", "level"):
        raise OptionError(f"order={order!r} is not a valid option; choose 'mean' or 'level'.")
    if error not in ("se", "sd", "none"):
        raise OptionError(f"error={error!r} is not a valid option; choose 'se', 'sd' or 'none'.")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(max(4.0, 0.55 * len(result.groups) + 1.5), 3.8))
    groups = result.groups.copy()
    has_within = "within" in groups.columns
    if not has_within:
        groups.insert(0, "within", "")
    if order == "level":
        levels = result.level_order
        pos = {(w, t): i for w, labels in levels.items() for i, t in enumerate(labels)}
        groups["_rank"] = [
            pos.get((w, t), 0) for w, t in zip(groups["within"], groups["treatment"], strict=True)
        ]
        groups = groups.sort_values("_rank", kind="stable")
        slices = list(dict.fromkeys(result.groups["within"])) if has_within else [""]
        groups = pd.concat([groups[groups["within"] == w] for w in slices], ignore_index=True)
    x = []
    position = 0.0
    previous = None
    starts = {}
    for w in groups["within"]:
        if previous is not None and w != previous:
            position += 0.8
        starts.setdefault(w, position)
        x.append(position)
        position += 1.0
        previous = w
    x = np.asarray(x)
    means = groups["mean"].to_numpy(dtype=float)
    spread = groups[error].to_numpy(dtype=float) if error != "none" else np.zeros(len(groups))
    spread = np.where(np.isfinite(spread), spread, 0.0)
    color = kwargs.pop("color", _LIGHT_BLUE)
    if result.test == "Dunnett":
        is_control = (groups["treatment"] == result.control).to_numpy()
        colors = np.where(is_control, "#c9c9c9", color)
    else:
        colors = np.full(len(groups), color, dtype=object)
    if kind == "bars":
        kwargs.setdefault("width", 0.7)
        kwargs.setdefault("edgecolor", PALETTE[0])
        ax.bar(x, means, color=list(colors), **kwargs)
        if error != "none":
            ax.errorbar(x, means, yerr=spread, fmt="none", ecolor="#333333", capsize=3, lw=1)
    else:
        kwargs.setdefault("fmt", "o")
        kwargs.setdefault("capsize", 3)
        ax.errorbar(x, means, yerr=spread if error != "none" else None, color=PALETTE[0], **kwargs)
    if letters:
        span = np.nanmax(means + spread) - min(0.0, np.nanmin(means - spread))
        offset = 0.03 * (span if span > 0 else 1.0)
        texts = groups["letters"].astype(str)
        if "capitals" in groups.columns:
            texts = texts + " " + groups["capitals"].astype(str)
        for xi, top, text in zip(x, means + spread, texts, strict=True):
            if text.strip():
                ax.text(xi, top + offset, text.strip(), ha="center", va="bottom", fontsize=10)
        ax.set_ylim(top=max(ax.get_ylim()[1], float(np.nanmax(means + spread)) + 4 * offset))
    ax.set_xticks(x)
    ax.set_xticklabels(
        groups["treatment"].astype(str),
        rotation=0 if len(groups) <= 8 else 45,
        ha="center" if len(groups) <= 8 else "right",
    )
    ax.set_ylabel(str(result.response) if result.response is not None else "mean")
    within_text = f" within {':'.join(result.within)}" if result.within else ""
    ax.set_xlabel(f"{result.term}{within_text}")
    test = result.test if lang == "en" else method_name(result.test.lower(), lang)
    ax.set_title(f"{test} (α = {result.alpha:g})", fontsize=10)
    if has_within:
        for w, start in starts.items():
            count = int((groups["within"] == w).sum())
            ax.annotate(
                f"{':'.join(result.within)} = {w}",
                xy=(start + (count - 1) / 2, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
                color="#555555",
            )
    return tidy_axes(ax)
