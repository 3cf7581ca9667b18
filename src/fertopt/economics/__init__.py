"""Economic and agronomic optima of response curves, with honest uncertainty.

The agronomic optimum is the rate of maximum yield (``dY/dx = 0``); the
economic optimum is the rate where one more unit of nutrient just pays for
itself, ``dY/dx = r`` with ``r`` the nutrient : crop price ratio in the data's
units (yield units per rate unit).  Every optimum is a finding with a status:

``ok``
    a maximum of (net) yield inside the tested rates;
``extrapolated``
    the maximum lies outside the tested rates: reported, flagged, not a
    recommendation;
``at_bound``
    a corner solution: the join of a linear plateau, or rate 0 when not even
    the first unit of nutrient pays;
``no_maximum``
    the fitted curve has none (convex, straight line, asymptotic Mitscherlich
    without prices); ``rate`` is NaN, never a negative or meaningless number.

Intervals: delta method, Fieller confidence sets (quadratic and square-root
models; unbounded sets are reported as such), profile likelihood (the model
refitted with the optimum as a parameter, every other parameter re-estimated)
and bootstrap (residual, case or wild resampling; ``rng=``, seed recorded).

Examples
--------
>>> import fertopt as fo
>>> p = fo.response_from_coefficients("quadratic", intercept=1688.9, linear=328.69,
...                                   quadratic=-18.052, rate_range=(0, 12), nutrient="P2O5")
>>> opt = p.optimum(prices=fo.Prices(crop=2.8, P2O5=4.67))
>>> round(opt.rate, 3), round(opt.yield_at_rate, 2), opt.status
(9.058, 3185.05, 'ok')
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from fertopt._core.document import Facts, Notes, Paragraph, Summary
from fertopt._core.formatting import ResultBase, format_number
from fertopt._core.validation import check_choice, check_probability
from fertopt.economics import intervals as _iv
from fertopt.exceptions import ExtrapolationWarning, OptionError
from fertopt.units import MASS_KG, Prices, parse_unit, unit_factor

if TYPE_CHECKING:  # pragma: no cover
    from fertopt.response.fit import ResponseFit

__all__ = [
    "Optimum",
    "NetReturnCurve",
    "PriceSensitivity",
    "PooledSites",
    "optimum",
    "net_return_curve",
    "price_sensitivity",
    "pool_sites",
    "CI_METHODS",
    "BOOTSTRAP_TYPES",
]

CI_METHODS = ("delta", "fieller", "profile", "bootstrap")
BOOTSTRAP_TYPES = ("residual", "case", "wild")


class _DefaultCI(str):
    """The default interval method ('delta'), distinguishable from an explicit ci='delta'."""


_DEFAULT = _DefaultCI("delta")


# ---------------------------------------------------------------------------
# the price ratio and money, in the units of the data
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Economics:
    """How prices were applied to one fit."""

    ratio: float  # yield units per rate unit
    ratio_text: str  # the ratio with its units, for display
    value_per_yield: float  # money per yield unit (per reporting area); 1.0 without prices
    cost_per_rate: float  # money per rate unit (per reporting area); ratio without prices
    money: str  # unit of net returns
    form: str | None
    prices: Prices | None
    notes: tuple[str, ...] = ()


def _mass_label(unit: str | None) -> str | None:
    return None if unit is None else parse_unit(unit)[0]


def _nutrient_label(fit: ResponseFit, form: str | None) -> str:
    return form or fit.nutrient or str(fit.rate)


def _resolve(fit: ResponseFit, prices: Any, price_ratio: Any) -> _Economics | None:
    """Price ratio and money conversions for ``fit`` (None for the agronomic optimum)."""
    if prices is not None and price_ratio is not None:
        raise OptionError("give either prices= or price_ratio=, not both.")
    if prices is None and price_ratio is None:
        return None
    y_unit, x_unit = fit.response_unit, fit.rate_unit
    known = y_unit is not None and x_unit is not None
    ymass, xmass = (_mass_label(y_unit), _mass_label(x_unit)) if known else ("kg", "kg")
    if prices is not None:
        return _from_prices(fit, prices, known, ymass, xmass)
    return _from_ratio(fit, price_ratio, known, ymass, xmass)


def _from_prices(fit: ResponseFit, prices: Any, known: bool, ymass: str, xmass: str) -> _Economics:
    """Price ratio and money conversions from a :class:`~fertopt.units.Prices`."""
    y_unit, x_unit = fit.response_unit, fit.rate_unit
    notes: list[str] = []
    if not isinstance(prices, Prices):
        raise OptionError(
            f"prices must be a fertopt.Prices object, got {type(prices).__name__}; for "
            "example prices=fo.Prices(crop=2.8, N=6.25). For a bare ratio use price_ratio=."
        )
    form = fit.nutrient
    if form is None:
        if len(prices.forms) == 1:
            form = prices.forms[0]
            notes.append(
                f"the rate column {fit.rate!r} was not named as a nutrient; the only "
                f"nutrient price given ({form}) was used"
            )
        else:
            raise OptionError(
                f"which nutrient is the rate column {fit.rate!r}? These prices give "
                f"{', '.join(prices.forms)}; pass nutrient= to fit_response (e.g. "
                "nutrient='N') or give only that nutrient's price."
            )
    if not prices.has(form):
        raise OptionError(
            f"the prices have no price for {form} (they give "
            f"{', '.join(prices.forms) or 'none'}); "
            f"add it, e.g. Prices(crop={prices.crop:g}, {form}=...)."
        )
    px = prices.nutrient_price(form)
    py = prices.crop_per_kg
    if known:
        value, cost, area = prices.money_factors(form, response_unit=y_unit, rate_unit=x_unit)
    else:
        value, cost, area = prices.money_factors(form)
        notes.append(
            "the units of yield and rate were not declared: both were taken as kg per "
            "the same area (declare units= in fit_response to convert t/ha, kg/mu …)"
        )
    ratio = cost / value
    cur = prices.currency or "money"
    money = f"{cur}/{area}" if area else f"{cur} per unit area of the data"
    nut = _nutrient_label(fit, form)
    text = f"{format_number(ratio, 4)} {ymass} yield per {xmass} {nut} ("
    if (ymass, xmass) != ("kg", "kg"):
        text += f"= {format_number(px / py, 4)} kg per kg: "
    text += f"{form} {format_number(px, 4)} ÷ crop {format_number(py, 4)} {cur} per kg)"
    for s in prices.sources:
        notes.append(f"nutrient price from a product price: {s}")
    return _Economics(ratio, text, value, cost, money, form, prices, tuple(notes))


def _from_ratio(
    fit: ResponseFit, price_ratio: Any, known: bool, ymass: str, xmass: str
) -> _Economics:
    """Price ratio given bare (data's units) or as ``(value, 'crop mass/nutrient mass')``."""
    y_unit, x_unit = fit.response_unit, fit.rate_unit
    notes: list[str] = []
    value_in, units_in = price_ratio, None
    if isinstance(price_ratio, (tuple, list)):
        if len(price_ratio) != 2 or not isinstance(price_ratio[1], str):
            raise OptionError(
                "price_ratio must be a number in the data's units, or a pair such as "
                f"(5.6, 'kg/kg') (kg crop per kg nutrient); got {price_ratio!r}."
            )
        value_in, units_in = price_ratio
    try:
        r = float(value_in)
    except (TypeError, ValueError):
        raise OptionError(f"price_ratio must be a positive number, got {value_in!r}.") from None
    if not math.isfinite(r) or r <= 0:
        raise OptionError(
            f"price_ratio must be a positive number, got {value_in!r}; for the rate of "
            "maximum yield call optimum() without prices."
        )
    nut = _nutrient_label(fit, fit.nutrient)
    if units_in is None:
        if not known:
            # A bare ratio is the slope dY/dx at the optimum, so it is read in the data's
            # own units; the result says so, because a ratio in kg/kg applied to yields in
            # t/ha is the classic silent error.
            text = (
                f"{format_number(r, 4)} yield units per unit of {fit.rate} {nut} (as given; "
                "the data's units were not declared)"
            )
            notes.append(
                f"price_ratio={r:g} was applied as given, in the data's units (yield per unit of "
                "rate), because the units were not declared. If the yields are in t/ha and the "
                "rates in kg/ha, a ratio in kg grain per kg nutrient must be divided by 1000: "
                f"declare units (fit_response(..., units={{'response': 't/ha', 'rate': 'kg/ha'}})) "
                f"or give price_ratio=({r:g}, 'kg/kg')."
            )
            return _Economics(r, text, 1.0, r, "yield units", fit.nutrient, None, tuple(notes))
        text = (
            f"{format_number(r, 4)} {ymass} yield per {xmass} {nut} (as given, in the data's units)"
        )
        return _Economics(
            r,
            text,
            1.0,
            r,
            f"{y_unit.split('/')[0]} yield/{y_unit.split('/')[1]}",
            fit.nutrient,
            None,
            (),
        )
    parts = units_in.split("/")
    if len(parts) != 2:
        raise OptionError(
            f"price_ratio units {units_in!r} must be 'crop mass/nutrient mass', e.g. 'kg/kg'."
        )
    from fertopt.units import _mass_unit

    num = _mass_unit(parts[0].strip(), "price_ratio crop mass")
    den = _mass_unit(parts[1].strip(), "price_ratio nutrient mass")
    kg_per_kg = r * MASS_KG[num] / MASS_KG[den]
    if known:
        ratio = kg_per_kg * unit_factor(x_unit, "kg/ha") / unit_factor(y_unit, "kg/ha")
        money = f"{y_unit.split('/')[0]} yield/{y_unit.split('/')[1]}"
    else:
        ratio = kg_per_kg
        money = "yield units"
        notes.append(
            "the units of yield and rate were not declared: both were taken as kg per the same area"
        )
    text = f"{format_number(ratio, 4)} {ymass} yield per {xmass} {nut} (given as {r:g} {units_in})"
    return _Economics(ratio, text, 1.0, ratio, money, fit.nutrient, None, tuple(notes))


# ---------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------
_STATUS_TEXT = {
    "ok": "a maximum inside the tested rates",
    "extrapolated": "outside the tested rates: not a recommendation",
    "at_bound": "a corner solution",
    "no_maximum": "no maximum exists: no rate is recommended",
}


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Optimum(ResultBase):
    """Agronomic or economic optimum rate of a fitted response curve.

    Attributes
    ----------
    kind : {'agronomic', 'economic'}
        Maximum yield (no prices) or maximum net return.
    rate : float
        The optimum rate in the rate unit of the data; NaN when ``status`` is
        ``'no_maximum'``.
    yield_at_rate : float
        Fitted yield at ``rate``.
    net_return : float
        Value of the yield gain over the zero rate minus the nutrient cost at
        ``rate`` (``Py·(Ŷ(x) − Ŷ(0)) − Px·x``) in ``net_return_unit``; in yield
        units when only a price ratio was given; NaN for the agronomic optimum.
    ci : tuple of float or None
        Confidence interval (low, high); the hull of ``ci_set`` for Fieller
        sets; ``±inf`` marks an unbounded side; None when not computed.
    ci_method : str or None
        ``'delta'``, ``'fieller'``, ``'profile'`` or ``'bootstrap'``.
    ci_set : tuple of (low, high) pairs or None
        The exact confidence set (two pieces when a Fieller set is the
        complement of an interval).
    ci_bounded : bool
        False when the confidence set is unbounded (curvature not significant).
    confidence_level : float
    se : float
        Delta-method standard error of ``rate`` (NaN when not available).
    status : {'ok', 'extrapolated', 'at_bound', 'no_maximum'}
    extrapolated : bool
        ``rate`` lies outside the tested rates.
    price_ratio : float
        Ratio applied, in yield units per rate unit (0 for the agronomic optimum).
    price_ratio_text : str
        The ratio in the units in which it was applied, and where it came from.
    net_return_unit : str
    critical_rate : float
        Where the slope equals the ratio without being a maximum (the minimum
        of a convex curve), for auditing only; never a recommendation.
    message : str
        Plain-language explanation of the status.
    model, nutrient, rate_unit, response_unit : str or None
    tested_range : tuple of float
        Lowest and highest tested rate.
    seed : int or None
        Seed of the bootstrap generator (reproduce with ``rng=seed``).
    bootstrap : dict or None
        ``n_boot``, ``type``, ``n_valid``, ``n_failed`` (refits that did not
        converge) and ``n_no_maximum`` (refits without an optimum).
    warnings : tuple of str
    """

    kind: str
    rate: float
    yield_at_rate: float
    net_return: float
    ci: tuple[float, float] | None
    ci_method: str | None
    ci_set: tuple[tuple[float, float], ...] | None
    ci_bounded: bool
    confidence_level: float
    se: float
    status: str
    extrapolated: bool
    price_ratio: float
    price_ratio_text: str
    net_return_unit: str
    critical_rate: float
    message: str
    model: str
    nutrient: str | None
    rate_unit: str | None
    response_unit: str | None
    tested_range: tuple[float, float]
    seed: int | None = None
    bootstrap: dict | None = None
    warnings: tuple[str, ...] = ()
    _fit: Any = field(default=None, repr=False, compare=False)
    _economics: Any = field(default=None, repr=False, compare=False)

    @property
    def recommended(self) -> bool:
        """True when ``rate`` can be used as a recommendation (``ok`` or ``at_bound``, in range)."""
        return self.status in ("ok", "at_bound") and not self.extrapolated

    def _rate_text(self, digits: int = 4) -> str:
        unit = f" {self.rate_unit}" if self.rate_unit else ""
        return f"{format_number(self.rate, digits)}{unit}"

    def _ci_text(self, digits: int = 4) -> str:
        if self.ci is None:
            return "not computed"
        level = f"{self.confidence_level * 100:g} %"
        if self.ci_set is not None and len(self.ci_set) > 1:
            pieces = " ∪ ".join(
                f"[{format_number(a, digits)}, {format_number(b, digits)}]" for a, b in self.ci_set
            )
            return f"{pieces} ({level}, {self.ci_method}; unbounded)"
        lo, hi = self.ci
        return (
            f"{format_number(lo, digits)} – {format_number(hi, digits)} ({level}, {self.ci_method})"
        )

    def _headline(self) -> str:
        what = "economic optimum" if self.kind == "economic" else "maximum yield"
        if self.status == "no_maximum":
            return f"{what}: none ({self.model}) | status no_maximum"
        ci = f" | CI {self._ci_text(4)}" if self.ci is not None else ""
        return f"{what} at {self._rate_text(4)}{ci} | status {self.status}"

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        title = (
            "Economic optimum" if self.kind == "economic" else "Agronomic optimum (maximum yield)"
        )
        facts = [("Model", self.model), ("Status", f"{self.status} — {_STATUS_TEXT[self.status]}")]
        if self.status != "no_maximum":
            facts.append(("Rate", self._rate_text(digits)))
            facts.append(("Yield at rate", format_number(self.yield_at_rate, digits)))
            if self.kind == "economic":
                facts.append(
                    (
                        "Net return",
                        f"{format_number(self.net_return, digits)} {self.net_return_unit}",
                    )
                )
            facts.append(("Confidence interval", self._ci_text(digits)))
            if math.isfinite(self.se):
                facts.append(("Standard error (delta)", format_number(self.se, digits)))
        if self.kind == "economic":
            facts.append(("Price ratio applied", self.price_ratio_text))
        lo, hi = self.tested_range
        facts.append(("Tested rates", f"{format_number(lo, digits)} – {format_number(hi, digits)}"))
        if self.seed is not None and self.bootstrap is not None:
            b = self.bootstrap
            facts.append(
                (
                    "Bootstrap",
                    f"{b['type']}, {b['n_valid']} of {b['n_boot']} refits used, seed {self.seed}",
                )
            )
        blocks: list[Any] = [Facts(facts)]
        if self.message:
            blocks.append(Paragraph(self.message))
        blocks.append(Notes(list(self.warnings)))
        if self._economics is not None:
            blocks.append(Notes(list(self._economics.notes), title="Notes"))
        return Summary(title, blocks, headline=self._headline(), digits=digits)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Response curve with this optimum and its interval (see ``plotting.plot_response``)."""
        from fertopt import plotting

        return plotting.plot_response(self._fit, ax=ax, optimum=self, **kwargs)


# ---------------------------------------------------------------------------
# the optimum
# ---------------------------------------------------------------------------
def optimum(
    fit: ResponseFit,
    /,
    *,
    prices: Prices | None = None,
    price_ratio: Any = None,
    ci: Any = _DEFAULT,
    confidence_level: float = 0.95,
    n_boot: int = 999,
    bootstrap: str = "residual",
    rng: Any = None,
) -> Optimum:
    """Agronomic or economic optimum of a fitted response (``fit.optimum(...)`` calls this).

    Parameters
    ----------
    fit : ResponseFit
        From :func:`fertopt.fit_response` or :func:`fertopt.response_from_coefficients`.
    prices : Prices, optional
        Crop and nutrient prices; converted to the data's units.
    price_ratio : float or (float, str), optional
        Nutrient : crop price ratio.  A bare number is in the data's units
        (yield units per rate unit) and needs declared units; a pair such as
        ``(5.6, 'kg/kg')`` states its own.  Without prices or ratio the
        agronomic optimum (maximum yield) is returned.
    ci : {'delta', 'fieller', 'profile', 'bootstrap'} or None, default 'delta'
        Interval method; None for none.  Fits from published coefficients
        have no uncertainty unless a covariance matrix was given.
    confidence_level : float, default 0.95
    n_boot : int, default 999
        Bootstrap refits.
    bootstrap : {'residual', 'case', 'wild'}, default 'residual'
        Resampling scheme: residuals at fixed rates, whole plots (within
        blocks), or residuals with random signs (Rademacher).
    rng : int, numpy Generator or None
        Seed or generator for the bootstrap; the seed used is recorded in
        ``Optimum.seed``.

    Returns
    -------
    Optimum
        See :class:`Optimum` for every field.

    Raises
    ------
    OptionError
        Prices and ratio both given; a ratio ≤ 0 or with unreadable units;
        an interval method the model or fit cannot support.
    ConvergenceError
        The fit did not converge.

    Warns
    -----
    ExtrapolationWarning
        The optimum lies outside the tested rates.

    Notes
    -----
    Quadratic: ``x* = (r − b)/(2c)`` (needs ``c < 0``); quadratic plateau:
    ``x* = x₀(1 − r/b)``; linear plateau: ``x₀`` while ``b > r``;
    Mitscherlich: ``ln(A c / r)/c − s``; square root:
    ``(b / (2(r − c)))²``.  Delta: ``x* ± t·√(gᵀVg)``.  Fieller: the set
    ``{x : (b − r + 2cx)² ≤ t²·Var(b + 2cx)}`` (Bachmaier 2009).  Profile:
    ``{θ : (SSE(θ) − SSE)/s² ≤ F(1, df)}`` with every other parameter
    re-estimated, as in eonr (Hernandez & Mulla 2008).  Bootstrap: percentile
    interval of refitted optima; refits without an optimum are counted and
    left out.

    Examples
    --------
    >>> import pandas as pd, fertopt as fo
    >>> df = pd.DataFrame({"N": [0, 0, 60, 60, 120, 120, 180, 180],
    ...                    "yield": [5.1, 5.3, 7.0, 6.8, 7.9, 8.1, 8.0, 7.8]})
    >>> fit = fo.fit_response(df, response="yield", rate="N",
    ...                       units={"response": "t/ha", "rate": "kg/ha"})
    >>> prices = fo.Prices(crop=200, crop_unit="t", N=1.0)
    >>> opt = fo.economics.optimum(fit, prices=prices, ci="fieller")
    >>> round(opt.rate, 1), [round(v, 1) for v in opt.ci], opt.status
    (131.3, [119.1, 152.2], 'ok')
    >>> fit.optimum().status                  # maximum yield, no prices
    'ok'
    """
    from fertopt.exceptions import ConvergenceError

    if not fit.converged:
        raise ConvergenceError(f"the {fit.model} fit did not converge ({fit.message}); no optimum.")
    level = check_probability(confidence_level, "confidence_level")
    explicit_ci = ci is not _DEFAULT
    if ci is _DEFAULT:
        ci = "delta"  # quietly skipped below when the fit carries no standard errors
    if ci is not None:
        check_choice(ci, "ci", CI_METHODS)
    check_choice(bootstrap, "bootstrap", BOOTSTRAP_TYPES)
    econ = _resolve(fit, prices, price_ratio)
    r = 0.0 if econ is None else econ.ratio
    sol = fit._spec.solve(fit._theta, r)
    lo, hi = fit.rate_range
    rate = float(sol.rate) if math.isfinite(sol.rate) else math.nan
    status, extrapolated, message, warn = _status(sol, rate, lo, hi)
    y_at, net = _yield_and_net_return(fit, econ, rate)
    se = _iv.delta_se(fit, r) if sol.case in ("interior", "corner") else math.nan
    iv = _Interval()
    if ci is not None and sol.case in ("interior", "corner"):
        iv = _interval(
            fit,
            ci,
            explicit=explicit_ci,
            ratio=r,
            rate=rate,
            se=se,
            level=level,
            n_boot=n_boot,
            rng=rng,
            bootstrap=bootstrap,
        )
    elif ci is not None and sol.case == "zero":
        warn.append("no interval for a rate of 0 (a corner where no fertilizer pays)")
    warn.extend(iv.warnings)
    return Optimum(
        kind="agronomic" if econ is None else "economic",
        rate=rate,
        yield_at_rate=y_at,
        net_return=float(net),
        ci=iv.pair,
        ci_method=iv.method if iv.pair is not None else None,
        ci_set=iv.pieces,
        ci_bounded=iv.bounded,
        confidence_level=level,
        se=se,
        status=status,
        extrapolated=extrapolated,
        price_ratio=r,
        price_ratio_text=econ.ratio_text if econ is not None else "",
        net_return_unit=econ.money if econ is not None else "",
        critical_rate=float(sol.critical),
        message=message,
        model=fit.model,
        nutrient=fit.nutrient,
        rate_unit=fit.rate_unit,
        response_unit=fit.response_unit,
        tested_range=(lo, hi),
        seed=iv.seed,
        bootstrap=iv.boot_info,
        warnings=tuple(warn),
        _fit=fit,
        _economics=econ,
    )


def _status(sol: Any, rate: float, lo: float, hi: float) -> tuple[str, bool, str, list[str]]:
    """Status, whether the rate is extrapolated, the message and the warnings so far."""
    extrapolated = bool(
        math.isfinite(rate)
        and (rate > hi * (1 + 1e-9) + 1e-12 or rate < lo - 1e-9 * max(abs(lo), 1))
    )
    if sol.case == "none":
        status = "no_maximum"
    elif sol.case in ("corner", "zero"):
        status = "at_bound"
    else:
        status = "extrapolated" if extrapolated else "ok"
    message = sol.message
    warn: list[str] = []
    if extrapolated:
        side = "above the highest" if rate > hi else "below the lowest"
        text = (
            f"the optimum {format_number(rate, 4)} lies {side} tested rate "
            f"({format_number(hi if rate > hi else lo, 4)}): it is an extrapolation of the "
            "fitted curve, not a recommendation; test a wider range of rates"
        )
        message = f"{message}; {text}" if message else text
        warn.append(text)
        # stacklevel 4: this helper, optimum(), ResponseFit.optimum(), the user's call
        warnings.warn(text[0].upper() + text[1:] + ".", ExtrapolationWarning, stacklevel=4)
    return status, extrapolated, message, warn


def _yield_and_net_return(fit: ResponseFit, econ: Any, rate: float) -> tuple[float, float]:
    """Response at ``rate`` and the net return of that rate over no fertilizer (NaN unpriced)."""
    spec = fit._spec
    if not math.isfinite(rate):
        return math.nan, math.nan
    y_at = float(spec.curve(np.array([rate]), fit._theta)[0])
    if econ is None:
        return y_at, math.nan
    gain = y_at - float(spec.curve(np.array([0.0]), fit._theta)[0])
    return y_at, econ.value_per_yield * gain - econ.cost_per_rate * rate


@dataclass
class _Interval:
    """A confidence interval of an optimum rate, and what computing it found."""

    pair: tuple[float, float] | None = None
    pieces: tuple[tuple[float, float], ...] | None = None
    bounded: bool = True
    method: str | None = None
    seed: Any = None
    boot_info: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)


def _interval(
    fit: ResponseFit,
    ci: str,
    *,
    explicit: bool,
    ratio: float,
    rate: float,
    se: float,
    level: float,
    n_boot: int,
    rng: Any,
    bootstrap: str,
) -> _Interval:
    """The ``ci`` interval of an interior or corner optimum at ``rate``."""
    if ci in ("profile", "bootstrap") and fit._fitdata is None:
        raise OptionError(
            f"ci='{ci}' refits the model and needs the plot data; fits from published "
            "coefficients support ci='delta' or ci='fieller' (with vcov=)."
        )
    iv = _Interval()
    if fit._vcov is None and ci != "bootstrap":
        if explicit:
            raise OptionError(
                "no interval: these coefficients carry no standard errors. Pass vcov= (and "
                "df_resid=) to response_from_coefficients, or fit the plot data."
            )
    elif ci == "delta":
        q = _iv.t_quantile(level, fit.df_resid)
        iv.pair, iv.method = (rate - q * se, rate + q * se), "delta"
    elif ci == "fieller":
        _fieller(fit, ratio, level, iv)
    elif ci == "profile":
        iv.pair, iv.method = _iv.profile(fit, ratio, rate, level, se), "profile"
        iv.bounded = all(math.isfinite(v) for v in iv.pair)
        if not iv.bounded:
            iv.warnings.append(
                "the profile-likelihood interval is unbounded on one side: the data "
                "cannot rule out much lower or higher optima"
            )
    else:
        _bootstrap(fit, ratio, level, n_boot, rng, bootstrap, iv)
    if iv.pair is not None and iv.pieces is None:
        iv.pieces = (iv.pair,)
    return iv


def _fieller(fit: ResponseFit, ratio: float, level: float, iv: _Interval) -> None:
    """Fill ``iv`` with Fieller's confidence set (models whose optimum is linear in θ)."""
    if not fit._spec.fieller:
        raise OptionError(
            f"Fieller intervals need an optimum that solves an equation linear in the "
            f"parameters (quadratic, square_root); the {fit._spec.name} optimum does not. Use "
            "ci='profile' or ci='delta'."
        )
    pieces, iv.bounded = _iv.fieller(fit, ratio, level)
    iv.pieces = tuple((float(a), float(b)) for a, b in pieces)
    iv.pair = (min(a for a, _ in iv.pieces), max(b for _, b in iv.pieces))
    iv.method = "fieller"
    if not iv.bounded:
        iv.warnings.append(
            "the Fieller confidence set is unbounded: the curvature is not "
            "significantly different from zero, so the data cannot pin down the optimum"
        )


def _bootstrap(
    fit: ResponseFit,
    ratio: float,
    level: float,
    n_boot: int,
    rng: Any,
    kind: str,
    iv: _Interval,
) -> None:
    """Fill ``iv`` with a bootstrap percentile interval from ``n_boot`` refits."""
    n_boot = int(n_boot)
    if n_boot < 10:
        raise OptionError(f"n_boot must be at least 10, got {n_boot}.")
    iv.pair, iv.boot_info, iv.seed = _iv.bootstrap(fit, ratio, level, n_boot, rng, kind)
    iv.method = "bootstrap"
    info = iv.boot_info
    if iv.pair is None:
        iv.warnings.append(
            f"only {info['n_valid']} of {n_boot} bootstrap refits gave an "
            "optimum: no bootstrap interval"
        )
    elif info["n_no_maximum"] + info["n_failed"] > (1 - level) / 2 * n_boot:
        iv.warnings.append(
            f"{info['n_no_maximum'] + info['n_failed']} of {n_boot} bootstrap "
            "refits had no optimum or failed and were left out: the interval is too narrow"
        )


# net-return curves, price sensitivity and MRTN pooling live in a private module
from fertopt.economics.returns import (  # noqa: E402
    NetReturnCurve,
    PooledSites,
    PriceSensitivity,
    net_return_curve,
    pool_sites,
    price_sensitivity,
)
