"""The recommendation methods: each learns a rule (a rate, or a rate per class) from sites.

A method is a function ``train(ctx, train, held=None) -> Rule``: from the training sites
``train`` (row indices of the :class:`~fertopt.network.validation.SiteSet`) it gives the
recommended rate(s) and their interval; ``held`` names the sites the rule will be applied to
(a class method then computes only the classes they fall in).  :data:`METHODS` is the
registry :func:`fertopt.recommend` reads; adding a method is adding one entry.

``mrtn``
    The maximum return to nitrogen of the Iowa calculator: the rate maximising the mean over
    sites of each site's net-return curve (the computation of
    :func:`fertopt.economics.pool_sites`), with its profitable range (net return within
    ``within`` of the best).
``class_regression``
    Sites grouped by a class variable (CK yield, or a soil test): the MRTN of each class; a
    new site gets the rate of its class.  Numeric variables are cut at the training sites'
    quantiles (terciles by default); a class with fewer than two training sites gets the
    all-site MRTN.
``site_mean``
    The mean of the sites' own economic optima (the naive practice), with its t interval.
``network``
    The population economic optimum of :func:`fertopt.fit_network` (random-coefficient
    model), refitted in every fold, with its confidence interval.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from fertopt.economics.returns import contiguous_range, refine_mrtn
from fertopt.network.validation import SiteOptima, SiteSet

__all__ = ["Context", "Rule", "METHODS", "DEFAULT_METHODS"]

#: Interval kinds (how each method's interval is read).
INTERVAL_KINDS = ("profitable_range", "t_interval", "confidence_interval")


@dataclass(frozen=True, eq=False)
class Context:
    """What a method learns from: the sites, their optima and the prices.

    Attributes
    ----------
    sites : SiteSet
    optima : SiteOptima
        The sites' own optima at ``econ``.
    econ : CurvePrices
        Price ratio and money conversions.
    within : float
        Width of the profitable range (money per area).
    feature : ndarray or None
        The class variable of each site (numbers or labels).
    numeric : bool
        Whether ``feature`` is numeric (cut at quantiles) or labels.
    n_classes : int
        Number of quantile classes of a numeric ``feature``.
    network : callable or None
        ``network(train) -> (rate, low, high)``: the population optimum of a network fit
        on the training sites (None when :func:`fertopt.fit_network` is not available).
    """

    sites: SiteSet
    optima: SiteOptima
    econ: Any
    within: float
    feature: np.ndarray | None
    numeric: bool
    n_classes: int
    network: Callable[[np.ndarray], tuple[float, float, float]] | None = None


@dataclass(frozen=True, eq=False)
class Rule:
    """A learnt recommendation: one rate per class (one class ``"all"`` for a single rate).

    Attributes
    ----------
    classes : tuple of str
    rates, lows, highs : ndarray
        Rate and interval of each class (NaN for a class not computed).
    n_sites : ndarray of int
        Training sites behind each class's rate.
    edges : ndarray or None
        Cut points of a numeric class variable (class ``j`` is ``edges[j-1] ≤ v < edges[j]``).
    labels : tuple or None
        Levels of a label class variable, in class order.
    pooled : ndarray of bool
        Classes that had fewer than two training sites and got the all-site rate.
    interval_kind : str
    """

    classes: tuple[str, ...]
    rates: np.ndarray
    lows: np.ndarray
    highs: np.ndarray
    n_sites: np.ndarray
    interval_kind: str
    edges: np.ndarray | None = None
    labels: tuple[Any, ...] | None = None
    pooled: np.ndarray | None = None

    def class_of(self, ctx: Context, idx: np.ndarray) -> np.ndarray:
        """The class position of sites ``idx`` (-1: a label the training sites lack)."""
        if self.edges is None and self.labels is None:
            return np.zeros(len(idx), dtype=int)
        values = ctx.feature[idx]
        if self.edges is not None:
            return np.searchsorted(self.edges, values.astype(float), side="right")
        where = {v: j for j, v in enumerate(self.labels)}
        return np.array([where.get(v, -1) for v in values], dtype=int)

    def predict(self, ctx: Context, idx: np.ndarray) -> tuple[np.ndarray, ...]:
        """Rates and interval bounds the rule gives sites ``idx``."""
        at = self.class_of(ctx, idx)
        ok = at >= 0
        pick = np.where(ok, at, 0)
        out = []
        for values in (self.rates, self.lows, self.highs):
            v = values[pick].astype(float)
            v[~ok] = math.nan
            out.append(v)
        return tuple(out)


def _mean_gain(sites: SiteSet, train: np.ndarray) -> np.ndarray:
    """Mean gain curve on the grid over the training sites (sum of all minus the others
    when most sites train, as in leave-one-site-out)."""
    if len(train) * 2 > sites.n:
        mask = np.ones(sites.n, dtype=bool)
        mask[train] = False
        return (sites.total - sites.gains[mask].sum(axis=0)) / len(train)
    return sites.gains[train].mean(axis=0)


def pooled_rate(ctx: Context, train: np.ndarray) -> tuple[float, float, float]:
    """MRTN of the training sites: the maximiser of their mean net return and its profitable
    range (grid maximum refined between its neighbours, as ``pool_sites``)."""
    sites, econ = ctx.sites, ctx.econ
    grid = sites.grid
    rtn = econ.value_per_yield * _mean_gain(sites, train) - econ.cost_per_rate * grid
    at = int(np.argmax(rtn))
    best_rate, best = float(grid[at]), float(rtn[at])
    if 0 < at < len(grid) - 1:
        y0 = float(np.mean(sites.y0[train]))
        best_rate, best = refine_mrtn(
            lambda x: float(np.mean(sites.at(x)[train])) - y0, econ, grid, at, best_rate, best
        )
    lo, hi = contiguous_range(grid, rtn >= best - ctx.within, at)
    return best_rate, lo, hi


def train_mrtn(ctx: Context, train: np.ndarray, held: np.ndarray | None = None) -> Rule:
    """The MRTN rule (see the module notes)."""
    rate, lo, hi = pooled_rate(ctx, train)
    return Rule(
        classes=("all",),
        rates=np.array([rate]),
        lows=np.array([lo]),
        highs=np.array([hi]),
        n_sites=np.array([len(train)]),
        interval_kind="profitable_range",
    )


def train_site_mean(ctx: Context, train: np.ndarray, held: np.ndarray | None = None) -> Rule:
    """The mean of the training sites' own optima with its t interval (95 %)."""
    opt = ctx.optima.rate[train]
    opt = opt[np.isfinite(opt)]
    mean = float(np.mean(opt)) if len(opt) else math.nan
    if len(opt) > 1:
        from scipy.stats import t

        half = float(t.ppf(0.975, len(opt) - 1)) * float(np.std(opt, ddof=1)) / math.sqrt(len(opt))
    else:
        half = math.nan
    return Rule(
        classes=("all",),
        rates=np.array([mean]),
        lows=np.array([mean - half]),
        highs=np.array([mean + half]),
        n_sites=np.array([len(opt)]),
        interval_kind="t_interval",
    )


def class_edges(values: np.ndarray, n_classes: int) -> np.ndarray:
    """Cut points of ``n_classes`` quantile classes of the training sites' values."""
    q = np.arange(1, n_classes) / n_classes
    return np.unique(np.quantile(values.astype(float), q))


def train_class(ctx: Context, train: np.ndarray, held: np.ndarray | None = None) -> Rule:
    """One MRTN per class of the class variable (see the module notes)."""
    values = ctx.feature[train]
    if ctx.numeric:
        edges = class_edges(values, ctx.n_classes)
        labels = None
        codes = np.searchsorted(edges, values.astype(float), side="right")
        k = len(edges) + 1
        names = tuple(f"{j + 1}" for j in range(k))
    else:
        edges = None
        labels = tuple(sorted(set(values.tolist()), key=str))
        where = {v: j for j, v in enumerate(labels)}
        codes = np.array([where[v] for v in values], dtype=int)
        k = len(labels)
        names = tuple(str(v) for v in labels)
    rule = Rule(
        classes=names,
        rates=np.full(k, math.nan),
        lows=np.full(k, math.nan),
        highs=np.full(k, math.nan),
        n_sites=np.bincount(codes, minlength=k),
        interval_kind="profitable_range",
        edges=edges,
        labels=labels,
        pooled=np.bincount(codes, minlength=k) < 2,
    )
    wanted = range(k) if held is None else sorted(set(rule.class_of(ctx, held).tolist()) - {-1})
    every: tuple[float, float, float] | None = None
    for j in wanted:
        members = train[codes == j]
        if len(members) >= 2:
            rate, lo, hi = pooled_rate(ctx, members)
        else:
            if every is None:
                every = pooled_rate(ctx, train)
            rate, lo, hi = every
        rule.rates[j], rule.lows[j], rule.highs[j] = rate, lo, hi
    return rule


def train_network(ctx: Context, train: np.ndarray, held: np.ndarray | None = None) -> Rule:
    """The population economic optimum of a random-coefficient fit of the training sites."""
    rate, lo, hi = ctx.network(train)
    return Rule(
        classes=("all",),
        rates=np.array([rate]),
        lows=np.array([lo]),
        highs=np.array([hi]),
        n_sites=np.array([len(np.unique(ctx.sites.groups[train]))]),
        interval_kind="confidence_interval",
    )


#: Method name → training function.
METHODS: dict[str, Callable[..., Rule]] = {
    "mrtn": train_mrtn,
    "network": train_network,
    "class_regression": train_class,
    "site_mean": train_site_mean,
}

#: The methods :func:`fertopt.recommend` compares by default.
DEFAULT_METHODS = ("mrtn", "network", "class_regression", "site_mean")
