"""Net-return curves, price-sensitivity tables and MRTN pooling over sites.

The public names are re-exported by :mod:`fertopt.economics`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.document import Facts, Summary, localized_table, warnings_notes
from fertopt._core.formatting import ResultBase, format_number
from fertopt._core.i18n import label, message, model_name, translate_message
from fertopt.curves.curve import Curve
from fertopt.economics.optimum import (
    Optimum,
    as_curve,
    optimum,
    optimum_headline,
    optimum_status,
)
from fertopt.economics.prices import resolve_curve_prices
from fertopt.economics.units_check import unit_mismatch, warn_unit_mismatch
from fertopt.exceptions import DesignError, ExtrapolationWarning, OptionError
from fertopt.units import NUTRIENT_FORMS, Prices

__all__ = [
    "NetReturnCurve",
    "PriceSensitivity",
    "PooledSites",
    "net_return_curve",
    "price_sensitivity",
    "pool_sites",
]


# ---------------------------------------------------------------------------
# net-return curve
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class NetReturnCurve(ResultBase):
    """Net return over a grid of rates.

    Attributes
    ----------
    table : DataFrame
        ``rate, yield, yield_gain, value_gain, cost, net_return``: fitted
        yield, its gain over the zero rate, the value of that gain, the
        nutrient cost and their difference (money per area, or yield units
        when only a price ratio was given).
    optimum : Optimum
        The economic optimum of the same fit and prices.
    profitable_range : tuple of float or None
        Lowest and highest grid rate whose net return is within ``within`` of
        the best (the flat top of the curve); None when ``within`` is None.
    within : float or None
    net_return_unit, price_ratio_text : str
    """

    table: pd.DataFrame
    optimum: Optimum
    profitable_range: tuple[float, float] | None
    within: float | None
    net_return_unit: str
    price_ratio_text: str
    warnings: tuple[str, ...] = ()
    _fit: Any = field(default=None, repr=False, compare=False)

    @property
    def source_curve(self) -> Curve | None:
        """The response curve whose net returns these are (its rate name and units label plots)."""
        return None if self._fit is None else as_curve(self._fit)

    def _headline(self, lang: str = "en") -> str:
        best = self.table.loc[self.table["net_return"].idxmax()]
        text = label(
            "nr_headline",
            lang,
            best=format_number(best["net_return"], 4),
            unit=translate_message(self.net_return_unit, lang),
            rate=format_number(best["rate"], 4),
        )
        if self.profitable_range is not None:
            lo, hi = self.profitable_range
            text += label(
                "nr_headline_within",
                lang,
                within=format_number(self.within, 3),
                lo=format_number(lo, 4),
                hi=format_number(hi, 4),
            )
        return text

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        facts = [
            (t("op_price_ratio"), translate_message(self.price_ratio_text, lang)),
            (t("op_economic_title"), optimum_headline(self.optimum, lang)),
        ]
        if self.profitable_range is not None:
            lo, hi = self.profitable_range
            facts.append(
                (
                    t("nr_profitable", within=format_number(self.within, 3)),
                    f"{format_number(lo, digits)} – {format_number(hi, digits)}",
                )
            )
        step = max(len(self.table) // 10, 1)
        return Summary(
            t("nr_title"),
            [
                Facts(facts),
                localized_table(self.table.iloc[::step].reset_index(drop=True), lang),
                warnings_notes(self.warnings, lang),
            ],
            headline=self._headline(lang),
            digits=digits,
        )

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Net return against rate (see :func:`fertopt.plotting.plot_net_return`)."""
        from fertopt import plotting

        return plotting.plot_net_return(self, ax=ax, **kwargs)


def contiguous_range(rates: np.ndarray, ok: np.ndarray, at: int) -> tuple[float, float]:
    """The rates around ``rates[at]`` where ``ok`` holds without a break (a profitable range)."""
    lo = hi = at
    while lo > 0 and ok[lo - 1]:
        lo -= 1
    while hi < len(rates) - 1 and ok[hi + 1]:
        hi += 1
    return float(rates[lo]), float(rates[hi])


def net_return_curve(
    fit: Any,
    /,
    *,
    prices: Prices | None = None,
    price_ratio: Any = None,
    rates: Any = None,
    within: float | None = None,
) -> NetReturnCurve:
    """Net return ``Py·(Ŷ(x) − Ŷ(0)) − Px·x`` over a grid of rates.

    Parameters
    ----------
    fit : ResponseFit or Curve
    prices, price_ratio
        As for :func:`optimum` (one is required).
    rates : array-like, optional
        Rates to evaluate; by default 201 points from 0 to the highest tested rate.
    within : float, optional
        Width of the profitable range: rates whose net return is within this
        amount (money per area, MRTN's "$1 per acre") of the best.

    Returns
    -------
    NetReturnCurve

    Examples
    --------
    >>> import fertopt as fo
    >>> fit = fo.response_from_coefficients("quadratic", intercept=1688.9, linear=328.69,
    ...                                     quadratic=-18.052, rate_range=(0, 8), nutrient="P2O5")
    >>> curve = fit.net_return_curve(prices=fo.Prices(crop=2.8, P2O5=4.67), within=10)
    >>> curve.table.columns.tolist()
    ['rate', 'yield', 'yield_gain', 'value_gain', 'cost', 'net_return']
    >>> curve.profitable_range
    (7.92, 8.0)
    """
    curve = as_curve(fit)
    econ = resolve_curve_prices(curve, prices, price_ratio)
    if econ is None:
        raise OptionError("a net return needs prices= or price_ratio=.")
    lo, hi = curve.rate_range
    grid = np.linspace(0.0, hi, 201) if rates is None else np.asarray(rates, float).ravel()
    if grid.size == 0 or not np.all(np.isfinite(grid)) or np.any(grid < 0):
        raise OptionError("rates must be finite rates of 0 or more.")
    spec, th = curve.spec, curve.theta
    yhat = spec.curve(grid, th)
    y0 = float(spec.curve(np.array([0.0]), th)[0])
    gain = yhat - y0
    value = econ.value_per_yield * gain
    cost = econ.cost_per_rate * grid
    table = pd.DataFrame(
        {
            "rate": grid,
            "yield": yhat,
            "yield_gain": gain,
            "value_gain": value,
            "cost": cost,
            "net_return": value - cost,
        }
    )
    warn = []
    if np.any(grid > hi * (1 + 1e-12)):
        warn.append(message("nr_grid_extrapolated", hi=format_number(hi, 4)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExtrapolationWarning)
        opt = optimum(fit, prices=prices, price_ratio=price_ratio, ci=None)
    prange = None
    if within is not None:
        w = float(within)
        if not math.isfinite(w) or w < 0:
            raise OptionError(f"within must be an amount of 0 or more, got {within!r}.")
        nr = table["net_return"].to_numpy()
        at = int(np.argmax(nr))
        prange = contiguous_range(grid, nr >= nr[at] - w, at)
    return NetReturnCurve(
        table=table,
        optimum=opt,
        profitable_range=prange,
        within=None if within is None else float(within),
        net_return_unit=econ.money,
        price_ratio_text=econ.ratio_text,
        warnings=tuple(warn),
        _fit=fit,
    )


# ---------------------------------------------------------------------------
# price sensitivity
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class PriceSensitivity(ResultBase):
    """Optimum rate over a grid of prices or price ratios.

    Attributes
    ----------
    table : DataFrame
        ``crop_price, nutrient_price, price_ratio, rate, status, extrapolated,
        yield_at_rate, net_return, ci_low, ci_high`` (prices NaN when the grid
        was given as ratios).
    nutrient : str or None
    net_return_unit : str
    """

    table: pd.DataFrame
    nutrient: str | None
    net_return_unit: str
    ci_method: str | None
    warnings: tuple[str, ...] = ()

    def _headline(self, lang: str = "en") -> str:
        rates = self.table["rate"].dropna()
        if rates.empty:
            return label("ps_headline_none", lang, n=len(self.table))
        return label(
            "ps_headline",
            lang,
            n=len(self.table),
            lo=format_number(rates.min(), 4),
            hi=format_number(rates.max(), 4),
        )

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        return Summary(
            label("ps_title", lang),
            [
                localized_table(self.table, lang, cells={"status": _status_cell(lang)}),
                warnings_notes(self.warnings, lang),
            ],
            headline=self._headline(lang),
            digits=digits,
        )


def _status_cell(lang: str) -> Any:
    """Chinese name of an optimum's status in a table cell (``ok`` → 正常)."""
    return lambda v: label(f"status_{v}", lang) if isinstance(v, str) and v else v


def price_sensitivity(
    fit: Any,
    /,
    *,
    prices: Prices | None = None,
    crop: Any = None,
    nutrient_prices: Any = None,
    price_ratios: Any = None,
    ci: str | None = None,
    confidence_level: float = 0.95,
) -> PriceSensitivity:
    """Economic optimum over a grid of crop and nutrient prices (or of price ratios).

    Parameters
    ----------
    fit : ResponseFit or Curve
    prices : Prices, optional
        The base prices; the grid varies its crop price and the price of the
        fit's nutrient.
    crop, nutrient_prices : sequence of float, optional
        Crop prices and nutrient prices to combine (all pairs).  By default
        the base prices × (0.75, 1, 1.25) for the crop and × (0.5, 0.75, 1,
        1.25, 1.5) for the nutrient.
    price_ratios : sequence, optional
        Instead of prices: ratios in the data's units (needs declared units).
    ci : str, optional
        Interval method for each row (``'delta'``, ``'fieller'``, ``'profile'``).
    confidence_level : float, default 0.95

    Returns
    -------
    PriceSensitivity

    Examples
    --------
    >>> import fertopt as fo
    >>> fit = fo.response_from_coefficients("quadratic", intercept=1688.9, linear=328.69,
    ...                                     quadratic=-18.052, rate_range=(0, 10), nutrient="P2O5")
    >>> tab = fit.price_sensitivity(prices=fo.Prices(crop=2.8, P2O5=4.67),
    ...                             crop=[2.8], nutrient_prices=[4.67, 9.34]).table
    >>> tab[["nutrient_price", "rate", "status"]].round(3)
       nutrient_price   rate status
    0            4.67  9.058     ok
    1            9.34  9.012     ok
    """
    curve = as_curve(fit)
    rows = []
    warn: list[str] = []
    if price_ratios is not None:
        if prices is not None or crop is not None or nutrient_prices is not None:
            raise OptionError(
                "give either price_ratios= or prices (with crop=/nutrient_prices=), not both."
            )
        scenarios = [(math.nan, math.nan, {"price_ratio": v}) for v in np.atleast_1d(price_ratios)]
        if (
            isinstance(price_ratios, tuple)
            and len(price_ratios) == 2
            and isinstance(price_ratios[1], str)
        ):
            scenarios = [(math.nan, math.nan, {"price_ratio": price_ratios})]
    else:
        if prices is None:
            raise OptionError(
                "price_sensitivity needs prices= (with optional crop=/nutrient_prices=) "
                "or price_ratios=."
            )
        base = resolve_curve_prices(curve, prices, None)
        form = base.form
        given = next(
            (f for f in prices.forms if NUTRIENT_FORMS[f][0] == NUTRIENT_FORMS[form][0]), form
        )
        crops = np.atleast_1d(
            crop if crop is not None else prices.crop * np.array([0.75, 1.0, 1.25])
        )
        nuts = np.atleast_1d(
            nutrient_prices
            if nutrient_prices is not None
            else getattr(prices, given) * np.array([0.5, 0.75, 1.0, 1.25, 1.5])
        )
        scenarios = [
            (float(c), float(n), {"prices": prices.replace(crop=float(c), **{given: float(n)})})
            for c in crops
            for n in nuts
        ]
    unit = ""
    for cp, npr, kw in scenarios:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExtrapolationWarning)
            opt = optimum(fit, ci=ci, confidence_level=confidence_level, **kw)
        unit = opt.net_return_unit
        lo, hi = opt.ci if opt.ci is not None else (math.nan, math.nan)
        rows.append(
            {
                "crop_price": cp,
                "nutrient_price": npr,
                "price_ratio": opt.price_ratio,
                "rate": opt.rate,
                "status": opt.status,
                "extrapolated": opt.extrapolated,
                "yield_at_rate": opt.yield_at_rate,
                "net_return": opt.net_return,
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    table = pd.DataFrame(
        rows,
        columns=[
            "crop_price",
            "nutrient_price",
            "price_ratio",
            "rate",
            "status",
            "extrapolated",
            "yield_at_rate",
            "net_return",
            "ci_low",
            "ci_high",
        ],
    )
    if table["extrapolated"].any():
        warn.append(message("nr_some_extrapolated"))
    return PriceSensitivity(
        table=table,
        nutrient=curve.nutrient,
        net_return_unit=unit,
        ci_method=ci,
        warnings=tuple(warn),
    )


# ---------------------------------------------------------------------------
# MRTN pooling over sites
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class PooledSites(ResultBase):
    """Maximum return to nutrient (MRTN) over several sites.

    Attributes
    ----------
    table : DataFrame
        ``rate, mean_yield_gain, net_return, pct_max_yield`` on the rate grid:
        the mean fitted yield gain over the zero rate across sites, the
        return to nutrient ``Py·gain − Px·rate`` and the mean fitted yield as
        a percentage of its maximum on the grid.
    mrtn_rate : float
        Rate of the maximum return to nutrient.
    net_return_at_mrtn : float
    profitable_range : tuple of float
        Rates whose return is within ``within`` of the maximum.
    within : float
    pct_max_yield : float
        Mean fitted yield at the MRTN rate as % of the maximum mean yield.
    site_optima : DataFrame
        ``site, model, rate, status, extrapolated, net_return, yield_at_rate``:
        each site's own economic optimum (its distribution).
    n_sites : int
    net_return_unit, price_ratio_text : str
    """

    table: pd.DataFrame
    mrtn_rate: float
    net_return_at_mrtn: float
    profitable_range: tuple[float, float]
    within: float
    pct_max_yield: float
    site_optima: pd.DataFrame
    n_sites: int
    net_return_unit: str
    price_ratio_text: str
    warnings: tuple[str, ...] = ()

    def _headline(self, lang: str = "en") -> str:
        lo, hi = self.profitable_range
        return label(
            "mrtn_headline",
            lang,
            rate=format_number(self.mrtn_rate, 4),
            n=self.n_sites,
            ret=format_number(self.net_return_at_mrtn, 4),
            unit=translate_message(self.net_return_unit, lang),
            lo=format_number(lo, 4),
            hi=format_number(hi, 4),
        )

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        lo, hi = self.profitable_range
        unit = translate_message(self.net_return_unit, lang)
        facts = [
            (t("mrtn_sites"), str(self.n_sites)),
            (t("op_price_ratio"), translate_message(self.price_ratio_text, lang)),
            (t("mrtn_rate"), format_number(self.mrtn_rate, digits)),
            (t("mrtn_net_return"), f"{format_number(self.net_return_at_mrtn, digits)} {unit}"),
            (
                t("nr_profitable", within=format_number(self.within, 3)),
                f"{format_number(lo, digits)} – {format_number(hi, digits)}",
            ),
            (t("mrtn_pct_max"), format_number(self.pct_max_yield, digits)),
        ]
        models = {"model": lambda v: model_name(str(v), lang), "status": _status_cell(lang)}
        return Summary(
            t("mrtn_title"),
            [
                Facts(facts),
                localized_table(self.site_optima, lang, title=t("mrtn_site_optima"), cells=models),
                warnings_notes(self.warnings, lang),
            ],
            headline=self._headline(lang),
            digits=digits,
        )

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Return-to-nutrient curve with the MRTN and profitable range."""
        from fertopt import plotting

        return plotting.plot_net_return(self, ax=ax, **kwargs)


def _checked_sites(fits: Any) -> list[tuple[Any, Curve]]:
    """``(site, curve)`` pairs, checked: two or more converged fits of one nutrient in one unit."""
    if isinstance(fits, dict):
        items = list(fits.items())
    else:
        try:
            items = [(f"site {i + 1}", f) for i, f in enumerate(fits)]
        except TypeError:
            raise OptionError("fits must be a dict {site: fit} or a list of fits.") from None
    if len(items) < 2:
        raise DesignError(f"pooling needs at least two sites, got {len(items)}.")
    curves = []
    for name, fit in items:
        f = as_curve(fit)
        if not isinstance(f, Curve):
            raise OptionError(f"site {name!r} is not a ResponseFit (got {type(fit).__name__}).")
        if not f.converged:
            raise DesignError(
                f"site {name!r}: the {f.model} fit did not converge; drop the site or use "
                "another model."
            )
        curves.append((name, f))
    items = curves
    first = items[0][1]
    for name, f in items[1:]:
        if (f.nutrient, f.response_unit, f.rate_unit) != (
            first.nutrient,
            first.response_unit,
            first.rate_unit,
        ):
            raise DesignError(
                f"site {name!r} has nutrient {f.nutrient!r} and units "
                f"({f.response_unit}, {f.rate_unit}) but the first site has {first.nutrient!r} "
                f"and ({first.response_unit}, {first.rate_unit}); "
                "pool sites of the same nutrient in the same units."
            )
    return items


class _SiteCurves:
    """The sites' curves, grouped by model for evaluation as arrays.

    The curves of one model that is linear in its parameters (linear, quadratic, square root:
    ``Σ θ_j·x^p_j``) are evaluated in one array operation, their parameter rows stacked against
    the rates, so that each value is the same arithmetic as the curve evaluated alone; the
    curves of the other models one by one.
    """

    def __init__(self, curves: list[Curve]):
        self.curves = curves
        groups: dict[int, list[int]] = {}
        for i, f in enumerate(curves):
            groups.setdefault(id(f.spec), []).append(i)
        self.groups = []
        for idx in groups.values():
            spec = curves[idx[0]].spec
            theta = np.stack([curves[i].theta for i in idx], axis=1)[:, :, None]  # (p, k, 1)
            self.groups.append((spec, np.asarray(idx), theta if spec.linear else None))

    def values(self, x: Any, *, per_curve: bool = False) -> np.ndarray:
        """Every curve at the rates ``x``: ``(n_curves, len(x))``; with ``per_curve``, ``x``
        holds one rate per curve and the result is a vector."""
        x = np.asarray(x, dtype=float)
        out = np.empty((len(self.curves), 1 if per_curve else x.size))
        for spec, at, theta in self.groups:
            if theta is not None:
                values = spec.curve(x[at, None] if per_curve else x[None, :], theta)
                if np.shape(values) == (len(at), out.shape[1]):
                    out[at] = values
                    continue
            for i in at:
                out[i] = spec.curve(x[i : i + 1] if per_curve else x, self.curves[i].theta)
        return out[:, 0] if per_curve else out


def refine_mrtn(
    mean_gain: Callable[[float], float],
    econ: Any,
    grid: np.ndarray,
    at: int,
    mrtn: float,
    best: float,
) -> tuple[float, float]:
    """The grid maximum ``(mrtn, best)`` of the mean net return refined between its
    neighbouring grid rates (``0 < at < len(grid) - 1``): ``mean_gain(x)`` is the sites' mean
    yield gain at rate ``x``.  The grid point is kept unless the refinement beats it."""
    from scipy.optimize import minimize_scalar

    def neg(x: float) -> float:
        return -(econ.value_per_yield * mean_gain(x) - econ.cost_per_rate * x)

    res = minimize_scalar(
        neg,
        bounds=(grid[at - 1], grid[at + 1]),
        method="bounded",
        options={"xatol": 1e-10 * max(grid[-1], 1.0)},
    )
    if -res.fun >= best:
        return float(res.x), float(-res.fun)
    return mrtn, best


def _site_optima(names: list[Any], sites: _SiteCurves, y0: np.ndarray, econ: Any) -> pd.DataFrame:
    """Each site's own economic optimum, for comparison with the pooled MRTN.

    The values of :func:`optimum` with ``ci=None`` for every site at once: the rate where the
    slope equals the price ratio (``spec.solve``), its status, the yield there and the net
    return over no fertilizer (the sites share the nutrient and units, so the price ratio).
    """
    curves = sites.curves
    sols = [f.spec.solve(f.theta, econ.ratio) for f in curves]
    rate = np.array([s.rate if math.isfinite(s.rate) else math.nan for s in sols], dtype=float)
    lo = np.array([f.rate_range[0] for f in curves], dtype=float)
    hi = np.array([f.rate_range[1] for f in curves], dtype=float)
    finite = np.isfinite(rate)
    with np.errstate(invalid="ignore"):
        extrapolated = finite & (
            (rate > hi * (1 + 1e-9) + 1e-12) | (rate < lo - 1e-9 * np.maximum(np.abs(lo), 1))
        )
    status = [optimum_status(s.case, bool(out)) for s, out in zip(sols, extrapolated, strict=True)]
    y_at = sites.values(np.where(finite, rate, 0.0), per_curve=True)
    y_at[~finite] = math.nan
    net = econ.value_per_yield * (y_at - y0) - econ.cost_per_rate * rate
    return pd.DataFrame(
        {
            "site": [str(n) for n in names],
            "model": [f.model for f in curves],
            "rate": rate,
            "status": status,
            "extrapolated": extrapolated,
            "net_return": net,
            "yield_at_rate": y_at,
        },
        columns=["site", "model", "rate", "status", "extrapolated", "net_return", "yield_at_rate"],
    )


def pool_sites(
    fits: Any,
    /,
    *,
    prices: Prices | None = None,
    price_ratio: Any = None,
    rates: Any = None,
    within: float = 1.0,
) -> PooledSites:
    """MRTN pooling: mean return-to-nutrient curve over sites (Sawyer et al. 2006).

    Parameters
    ----------
    fits : mapping of site -> ResponseFit, or sequence of ResponseFit
        (a :class:`~fertopt.curves.curve.Curve` serves as well)
        One fitted response per site (models may differ between sites), all
        for the same nutrient in the same units.
    prices, price_ratio
        As for :func:`optimum` (one is required).
    rates : array-like, optional
        Rate grid; by default 0 to the lowest of the sites' highest tested
        rates in 401 steps, so that no site is extrapolated.
    within : float, default 1.0
        Width of the profitable range in return units (MRTN uses $1/acre).

    Returns
    -------
    PooledSites

    Raises
    ------
    DesignError
        Fewer than two sites, or sites with different nutrients or units.

    Notes
    -----
    ``RTN(x) = Py · mean_s[Ŷ_s(x) − Ŷ_s(0)] − Px · x``; the MRTN rate maximises
    it on the grid; the profitable range is ``{x : RTN(x) ≥ RTN(MRTN) − within}``
    around the MRTN.  Averaging response curves (not site optima) is the MRTN
    method of the Corn Nitrogen Rate Calculator.

    Examples
    --------
    >>> import fertopt as fo
    >>> kg = {"response": "kg/ha", "rate": "kg/ha"}
    >>> a = fo.response_from_coefficients("quadratic", intercept=7000, linear=60, quadratic=-0.16,
    ...                                   rate_range=(0, 240), nutrient="N", units=kg)
    >>> b = fo.response_from_coefficients("quadratic", intercept=8000, linear=40, quadratic=-0.12,
    ...                                   rate_range=(0, 240), nutrient="N", units=kg)
    >>> pooled = fo.pool_sites({"A": a, "B": b}, prices=fo.Prices(crop=0.157, N=0.88))
    >>> round(pooled.mrtn_rate, 1)     # 0.157·(50 − 0.28 x) = 0.88
    158.6
    """
    items = _checked_sites(fits)
    first = items[0][1]
    econ = resolve_curve_prices(first, prices, price_ratio)
    if econ is None:
        raise OptionError("pooling returns needs prices= or price_ratio=.")
    top = min(f.rate_range[1] for _, f in items)
    grid = np.linspace(0.0, top, 401) if rates is None else np.asarray(rates, float).ravel()
    if grid.size < 2 or not np.all(np.isfinite(grid)) or np.any(grid < 0):
        raise OptionError("rates must be at least two finite rates of 0 or more.")
    grid = np.unique(grid)
    warn = []
    over = [name for name, f in items if grid.max() > f.rate_range[1] * (1 + 1e-12)]
    if over:
        warn.append(message("mrtn_grid_extrapolates", sites=", ".join(map(str, over))))
    names = [name for name, _ in items]
    curves = _SiteCurves([f for _, f in items])
    levels = curves.values(grid)  # (sites, rates)
    y0 = curves.values(np.zeros(len(items)), per_curve=True)
    gains = levels - y0[:, None]
    mean_gain = np.mean(gains, axis=0)
    mean_yield = np.mean(levels, axis=0)
    rtn = econ.value_per_yield * mean_gain - econ.cost_per_rate * grid
    at = int(np.argmax(rtn))
    mrtn, best = float(grid[at]), float(rtn[at])
    if 0 < at < len(grid) - 1:  # refine between the neighbouring grid rates
        xs = np.empty(len(y0))

        def mean_gain_at(x: float) -> float:
            xs.fill(x)
            return float(np.mean(curves.values(xs, per_curve=True) - y0))

        mrtn, best = refine_mrtn(mean_gain_at, econ, grid, at, mrtn, best)
    w = float(within)
    if not math.isfinite(w) or w < 0:
        raise OptionError(f"within must be an amount of 0 or more, got {within!r}.")
    prange = contiguous_range(grid, rtn >= best - w, at)
    pct = 100 * mean_yield / mean_yield.max()
    at_mrtn = curves.values(np.full(len(items), mrtn), per_curve=True)
    pct_at = 100 * float(np.mean(at_mrtn)) / mean_yield.max()
    table = pd.DataFrame(
        {"rate": grid, "mean_yield_gain": mean_gain, "net_return": rtn, "pct_max_yield": pct}
    )
    site_optima = _site_optima(names, curves, y0, econ)
    if at == len(grid) - 1:
        warn.append(message("mrtn_still_rising"))
    unit = unit_mismatch(
        declared=first.response_unit is not None and first.rate_unit is not None,
        at_lowest=bool(mrtn <= grid[0] + 1e-9 * max(abs(grid[-1]), 1.0)),
        yield_low=float(mean_yield[0]),
        gain=float(mean_yield.max() - mean_yield[0]),
        finding=message("unit_finding_mrtn"),
    )
    if unit is not None:
        warn.append(unit)
        warn_unit_mismatch(unit, stacklevel=2)
    return PooledSites(
        table=table,
        mrtn_rate=mrtn,
        net_return_at_mrtn=best,
        profitable_range=prange,
        within=w,
        pct_max_yield=pct_at,
        site_optima=site_optima,
        n_sites=len(items),
        net_return_unit=econ.money,
        price_ratio_text=econ.ratio_text,
        warnings=tuple(warn),
    )
