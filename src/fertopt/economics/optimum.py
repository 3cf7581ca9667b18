"""The agronomic or economic optimum of a response curve, its status and its interval.

See :mod:`fertopt.economics` for the statuses and interval methods.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fertopt._core.document import Facts, Notes, Paragraph, Summary, warnings_notes
from fertopt._core.formatting import ResultBase, format_number
from fertopt._core.i18n import label, message, model_name, translate_message
from fertopt._core.validation import check_choice, check_probability
from fertopt.curves.curve import Curve
from fertopt.economics import intervals
from fertopt.economics.prices import CurvePrices, resolve_curve_prices
from fertopt.economics.units_check import unit_mismatch, warn_unit_mismatch
from fertopt.exceptions import ConvergenceError, ExtrapolationWarning, OptionError
from fertopt.units import Prices

__all__ = [
    "Optimum",
    "optimum",
    "optimum_headline",
    "CI_METHODS",
    "BOOTSTRAP_TYPES",
    "DEFAULT_CI",
    "DefaultCI",
]

CI_METHODS = ("delta", "fieller", "profile", "bootstrap")
BOOTSTRAP_TYPES = ("residual", "case", "wild")


class DefaultCI(str):
    """The default interval method ('delta'), distinguishable from an explicit ci='delta'."""


#: ``ci=`` when not given: 'delta', quietly skipped for curves without standard errors.
DEFAULT_CI = DefaultCI("delta")


# ---------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------
_STATUS_TEXT = {
    "ok": "a maximum inside the tested rates",
    "extrapolated": "outside the tested rates: not a recommendation",
    "at_bound": "at the lowest tested rate: no fertilizer pays",
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
        ``ok``: a maximum inside the tested rates (for a linear plateau the join, a corner of
        the curve); ``extrapolated``: outside them; ``at_bound``: the lowest rate, because
        no fertilizer pays; ``no_maximum``: the curve does not bend down.
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
    unit_warning : str or None
        The likely unit mismatch between yields, rates and prices (undeclared units and
        an optimum of 0 despite a real response, or far beyond the tested rates), as
        warned with a :class:`~fertopt.exceptions.PriceWarning`; None when none.
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
    unit_warning: str | None = None
    warnings: tuple[str, ...] = ()
    _fit: Any = field(default=None, repr=False, compare=False)
    _economics: Any = field(default=None, repr=False, compare=False)

    @property
    def recommended(self) -> bool:
        """True when ``rate`` can be used as a recommendation (``ok`` or ``at_bound``, in range)."""
        return self.status in ("ok", "at_bound") and not self.extrapolated

    def _headline(self, lang: str = "en") -> str:
        return optimum_headline(self, lang)

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        title = t("op_economic_title" if self.kind == "economic" else "op_agronomic_title")
        status = f"{self.status} — {_STATUS_TEXT[self.status]}"
        if lang != "en":
            status = f"{t('status_' + self.status)}：{t('op_status_' + self.status)}"
        facts = [(t("op_model"), _model_text(self.model, lang)), (t("op_status"), status)]
        if self.status != "no_maximum":
            facts.append((t("op_rate"), _rate_text(self, digits)))
            facts.append((t("op_yield_at_rate"), format_number(self.yield_at_rate, digits)))
            if self.kind == "economic":
                facts.append(
                    (
                        t("op_net_return"),
                        f"{format_number(self.net_return, digits)} {self.net_return_unit}",
                    )
                )
            facts.append((t("op_ci"), _ci_text(self, digits, lang)))
            if math.isfinite(self.se):
                facts.append((t("op_se"), format_number(self.se, digits)))
        if self.kind == "economic":
            facts.append((t("op_price_ratio"), translate_message(self.price_ratio_text, lang)))
        lo, hi = self.tested_range
        facts.append((t("op_tested"), f"{format_number(lo, digits)} – {format_number(hi, digits)}"))
        if self.seed is not None and self.bootstrap is not None:
            b = self.bootstrap
            facts.append(
                (
                    t("op_bootstrap"),
                    t(
                        "op_bootstrap_text",
                        type=b["type"],
                        valid=b["n_valid"],
                        n=b["n_boot"],
                        seed=self.seed,
                    ),
                )
            )
        blocks: list[Any] = [Facts(facts)]
        if self.message:
            blocks.append(Paragraph(translate_message(self.message, lang)))
        blocks.append(warnings_notes(self.warnings, lang))
        if self._economics is not None:
            blocks.append(
                Notes(
                    [translate_message(n, lang) for n in self._economics.notes],
                    title=t("mc_notes"),
                )
            )
        return Summary(title, blocks, headline=self._headline(lang), digits=digits)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Response curve with this optimum and its interval (see ``plotting.plot_response``)."""
        from fertopt import plotting

        return plotting.plot_response(self._fit, ax=ax, optimum=self, **kwargs)


def _rate_text(opt: Optimum, digits: int = 4) -> str:
    unit = f" {opt.rate_unit}" if opt.rate_unit else ""
    return f"{format_number(opt.rate, digits)}{unit}"


def _model_text(model: str, lang: str) -> str:
    return model if lang == "en" else model_name(model, lang)


def _ci_text(opt: Optimum, digits: int = 4, lang: str = "en") -> str:
    if opt.ci is None:
        return label("op_not_computed", lang)
    level = (
        f"{opt.confidence_level * 100:g} %" if lang == "en" else f"{opt.confidence_level * 100:g}%"
    )
    method = opt.ci_method if lang == "en" else label(f"ci_method_{opt.ci_method}", lang)
    if opt.ci_set is not None and len(opt.ci_set) > 1:
        pieces = " ∪ ".join(
            f"[{format_number(a, digits)}, {format_number(b, digits)}]" for a, b in opt.ci_set
        )
        return label("op_ci_union", lang, pieces=pieces, level=level, method=method)
    lo, hi = opt.ci
    return label(
        "op_ci_text",
        lang,
        lo=format_number(lo, digits),
        hi=format_number(hi, digits),
        level=level,
        method=method,
    )


def optimum_headline(opt: Optimum, lang: str = "en") -> str:
    """The one-line finding of an optimum (its ``repr``; quoted by net-return curves)."""
    what = label(
        "op_headline_economic" if opt.kind == "economic" else "op_headline_agronomic", lang
    )
    if opt.status == "no_maximum":
        return label("op_headline_none", lang, what=what, model=_model_text(opt.model, lang))
    ci = label("op_headline_ci", lang, ci=_ci_text(opt, 4, lang)) if opt.ci is not None else ""
    status = opt.status if lang == "en" else label(f"status_{opt.status}", lang)
    return label("op_headline", lang, what=what, rate=_rate_text(opt, 4), ci=ci, status=status)


def as_curve(fit: Any) -> Curve:
    """The :class:`Curve` of a response fit (its ``curve``), or ``fit`` itself when it is one."""
    return getattr(fit, "curve", fit)


# ---------------------------------------------------------------------------
# the optimum
# ---------------------------------------------------------------------------
def optimum(
    fit: Any,
    /,
    *,
    prices: Prices | None = None,
    price_ratio: Any = None,
    ci: Any = DEFAULT_CI,
    confidence_level: float = 0.95,
    n_boot: int = 999,
    bootstrap: str = "residual",
    rng: Any = None,
) -> Optimum:
    """Agronomic or economic optimum of a fitted response (``fit.optimum(...)`` calls this).

    Parameters
    ----------
    fit : ResponseFit or Curve
        From :func:`fertopt.fit_response` or :func:`fertopt.response_from_coefficients`
        (its ``curve`` is used), or a :class:`~fertopt.curves.curve.Curve`.
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
    FertoptError
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
    curve = as_curve(fit)
    if not curve.converged:
        raise ConvergenceError(
            f"the {curve.model} fit did not converge ({curve.message}); no optimum."
        )
    level = check_probability(confidence_level, "confidence_level")
    explicit_ci = ci is not DEFAULT_CI
    if ci is DEFAULT_CI:
        ci = "delta"  # quietly skipped below when the fit carries no standard errors
    if ci is not None:
        check_choice(ci, "ci", CI_METHODS)
    check_choice(bootstrap, "bootstrap", BOOTSTRAP_TYPES)
    econ = resolve_curve_prices(curve, prices, price_ratio)
    r = 0.0 if econ is None else econ.ratio
    sol = curve.spec.solve(curve.theta, r)
    lo, hi = curve.rate_range
    rate = float(sol.rate) if math.isfinite(sol.rate) else math.nan
    status, extrapolated, message, warn = _status(sol, rate, lo, hi)
    y_at, net = _yield_and_net_return(curve, econ, rate)
    se = intervals.delta_se(curve, r) if sol.case in ("interior", "corner") else math.nan
    iv = _Interval()
    if ci is not None and sol.case in ("interior", "corner"):
        iv = _interval(
            curve,
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
    unit = None
    if econ is not None:
        unit = _unit_check(curve, rate, lo, hi)
        if unit is not None:
            warn.append(unit)
            # stacklevel 3: optimum(), ResponseFit.optimum(), the user's call
            warn_unit_mismatch(unit, stacklevel=3)
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
        model=curve.model,
        nutrient=curve.nutrient,
        rate_unit=curve.rate_unit,
        response_unit=curve.response_unit,
        tested_range=(lo, hi),
        seed=iv.seed,
        bootstrap=iv.boot_info,
        unit_warning=unit,
        warnings=tuple(warn),
        _fit=fit,
        _economics=econ,
    )


def _unit_check(curve: Curve, rate: float, lo: float, hi: float) -> str | None:
    """The unit-trap warning of an economic optimum at ``rate`` (see :mod:`.units_check`)."""
    grid = np.linspace(lo, hi, 201)
    fitted = curve.spec.curve(grid, curve.theta)
    low = float(fitted[0])
    return unit_mismatch(
        declared=curve.response_unit is not None and curve.rate_unit is not None,
        at_lowest=bool(math.isfinite(rate) and rate <= lo + 1e-9 * max(abs(hi), 1.0)),
        yield_low=low,
        gain=float(np.nanmax(fitted)) - low,
        rate=rate,
        top=hi,
    )


def optimum_status(case: str, extrapolated: bool) -> str:
    """The status of an optimum from the kind of solution (``sol.case``) and its place.

    ``"none"``: no_maximum; ``"zero"`` (no fertilizer pays: the lowest rate, an edge):
    at_bound; an interior maximum or the join of a linear plateau (a corner of the curve, not
    an edge of the tested rates): ok inside the tested rates, else extrapolated.
    """
    if case == "none":
        return "no_maximum"
    if case == "zero":
        return "at_bound"
    return "extrapolated" if extrapolated else "ok"


def _status(sol: Any, rate: float, lo: float, hi: float) -> tuple[str, bool, str, list[str]]:
    """Status, whether the rate is extrapolated, the message and the warnings so far."""
    extrapolated = bool(
        math.isfinite(rate)
        and (rate > hi * (1 + 1e-9) + 1e-12 or rate < lo - 1e-9 * max(abs(lo), 1))
    )
    status = optimum_status(sol.case, extrapolated)
    note = sol.message
    warn: list[str] = []
    if extrapolated:
        text = message(
            "extrapolated_above" if rate > hi else "extrapolated_below",
            rate=format_number(rate, 4),
            limit=format_number(hi if rate > hi else lo, 4),
        )
        note = message("joined", parts=(note, text)) if note else text
        warn.append(text)
        # stacklevel 4: this helper, optimum(), ResponseFit.optimum(), the user's call
        warnings.warn(text.sentence(), ExtrapolationWarning, stacklevel=4)
    return status, extrapolated, note, warn


def _yield_and_net_return(
    curve: Curve, econ: CurvePrices | None, rate: float
) -> tuple[float, float]:
    """Response at ``rate`` and the net return of that rate over no fertilizer (NaN unpriced)."""
    spec = curve.spec
    if not math.isfinite(rate):
        return math.nan, math.nan
    y_at = float(spec.curve(np.array([rate]), curve.theta)[0])
    if econ is None:
        return y_at, math.nan
    gain = y_at - float(spec.curve(np.array([0.0]), curve.theta)[0])
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
    curve: Curve,
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
    if ci in ("profile", "bootstrap") and curve.data is None:
        raise OptionError(
            f"ci='{ci}' refits the model and needs the plot data; fits from published "
            "coefficients support ci='delta' or ci='fieller' (with vcov=)."
        )
    iv = _Interval()
    if curve.vcov is None and ci != "bootstrap":
        if explicit:
            raise OptionError(
                "no interval: these coefficients carry no standard errors. Pass vcov= (and "
                "df_resid=) to response_from_coefficients, or fit the plot data."
            )
    elif ci == "delta":
        q = intervals.t_quantile(level, curve.df_resid)
        iv.pair, iv.method = (rate - q * se, rate + q * se), "delta"
    elif ci == "fieller":
        _fieller(curve, ratio, level, iv)
    elif ci == "profile":
        iv.pair, iv.method = intervals.profile(curve, ratio, rate, level, se), "profile"
        iv.bounded = all(math.isfinite(v) for v in iv.pair)
        if not iv.bounded:
            iv.warnings.append(
                "the profile-likelihood interval is unbounded on one side: the data "
                "cannot rule out much lower or higher optima"
            )
    else:
        _bootstrap(curve, ratio, level, n_boot, rng, bootstrap, iv)
    if iv.pair is not None and iv.pieces is None:
        iv.pieces = (iv.pair,)
    return iv


def _fieller(curve: Curve, ratio: float, level: float, iv: _Interval) -> None:
    """Fill ``iv`` with Fieller's confidence set (models whose optimum is linear in θ)."""
    if not curve.spec.fieller:
        raise OptionError(
            f"Fieller intervals need an optimum that solves an equation linear in the "
            f"parameters (quadratic, square_root); the {curve.spec.name} optimum does not. Use "
            "ci='profile' or ci='delta'."
        )
    pieces, iv.bounded = intervals.fieller(curve, ratio, level)
    iv.pieces = tuple((float(a), float(b)) for a, b in pieces)
    iv.pair = (min(a for a, _ in iv.pieces), max(b for _, b in iv.pieces))
    iv.method = "fieller"
    if not iv.bounded:
        iv.warnings.append(
            "the Fieller confidence set is unbounded: the curvature is not "
            "significantly different from zero, so the data cannot pin down the optimum"
        )


def _bootstrap(
    curve: Curve,
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
    iv.pair, iv.boot_info, iv.seed = intervals.bootstrap(curve, ratio, level, n_boot, rng, kind)
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
