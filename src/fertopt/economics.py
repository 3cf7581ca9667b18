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
import pandas as pd

from ._formatting import Facts, Notes, Paragraph, ResultBase, Summary, Table, format_number
from ._validation import check_choice, check_probability
from .exceptions import DesignError, ExtrapolationWarning, FertoptError
from .units import MASS_KG, NUTRIENT_FORMS, Prices, parse_unit, unit_factor

if TYPE_CHECKING:  # pragma: no cover
    from .response.fit import ResponseFit

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
_DEFAULT = object()  # marks an argument left at its default


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
        raise FertoptError("give either prices= or price_ratio=, not both.")
    if prices is None and price_ratio is None:
        return None
    y_unit, x_unit = fit.response_unit, fit.rate_unit
    known = y_unit is not None and x_unit is not None
    ymass, xmass = (_mass_label(y_unit), _mass_label(x_unit)) if known else ("kg", "kg")
    notes: list[str] = []
    if prices is not None:
        if not isinstance(prices, Prices):
            raise FertoptError(
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
                raise FertoptError(
                    f"which nutrient is the rate column {fit.rate!r}? These prices give "
                    f"{', '.join(prices.forms)}; pass nutrient= to fit_response (e.g. "
                    "nutrient='N') or give only that nutrient's price."
                )
        if not prices.has(form):
            raise FertoptError(
                f"the prices have no price for {form} (they give {', '.join(prices.forms) or 'none'}); "
                f"add it, e.g. Prices(crop={prices.crop:g}, {form}=...)."
            )
        px = prices.nutrient_price(form)
        py = prices.crop_per_kg
        if known:
            k_x = unit_factor(x_unit, "kg/ha")
            k_y = unit_factor(y_unit, "kg/ha")
            area = prices.area or parse_unit(y_unit)[1]
            if area == "plot":
                raise FertoptError(
                    "net returns need yields per area, not per plot; convert the yield first "
                    "(read_trials(..., convert={'yield': 'kg/ha'}, plot_area=...))."
                )
            to_area = _area_m2(area) / 10_000.0
            value, cost = py * k_y * to_area, px * k_x * to_area
        else:
            area = prices.area or ""
            value, cost = py, px
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

    # a bare price ratio
    value_in, units_in = price_ratio, None
    if isinstance(price_ratio, (tuple, list)):
        if len(price_ratio) != 2 or not isinstance(price_ratio[1], str):
            raise FertoptError(
                "price_ratio must be a number in the data's units, or a pair such as "
                f"(5.6, 'kg/kg') (kg crop per kg nutrient); got {price_ratio!r}."
            )
        value_in, units_in = price_ratio
    try:
        r = float(value_in)
    except (TypeError, ValueError):
        raise FertoptError(f"price_ratio must be a positive number, got {value_in!r}.") from None
    if not math.isfinite(r) or r <= 0:
        raise FertoptError(
            f"price_ratio must be a positive number, got {value_in!r}; for the rate of "
            "maximum yield call optimum() without prices."
        )
    nut = _nutrient_label(fit, fit.nutrient)
    if units_in is None:
        if not known:
            raise FertoptError(
                f"price_ratio={r:g} has no units context: fertopt cannot tell whether it is "
                "kg crop per kg nutrient or, say, t per kg. Declare the data's units "
                "(fit_response(..., units={'response': 't/ha', 'rate': 'kg/ha'})), give the "
                f"ratio with its units (price_ratio=({r:g}, 'kg/kg')), or pass "
                "prices=fo.Prices(...)."
            )
        text = f"{format_number(r, 4)} {ymass} yield per {xmass} {nut} (as given, in the data's units)"
        return _Economics(r, text, 1.0, r, f"{y_unit.split('/')[0]} yield/{y_unit.split('/')[1]}",
                          fit.nutrient, None, ())
    parts = units_in.split("/")
    if len(parts) != 2:
        raise FertoptError(
            f"price_ratio units {units_in!r} must be 'crop mass/nutrient mass', e.g. 'kg/kg'."
        )
    from .units import _mass_unit

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
            "the units of yield and rate were not declared: both were taken as kg per the "
            "same area"
        )
    text = f"{format_number(ratio, 4)} {ymass} yield per {xmass} {nut} (given as {r:g} {units_in})"
    return _Economics(ratio, text, 1.0, ratio, money, fit.nutrient, None, tuple(notes))


def _area_m2(area: str) -> float:
    from .units import AREA_M2

    return AREA_M2[area]


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
        return f"{format_number(lo, digits)} – {format_number(hi, digits)} ({level}, {self.ci_method})"

    def _headline(self) -> str:
        what = "economic optimum" if self.kind == "economic" else "maximum yield"
        if self.status == "no_maximum":
            return f"{what}: none ({self.model}) | status no_maximum"
        ci = f" | CI {self._ci_text(4)}" if self.ci is not None else ""
        return f"{what} at {self._rate_text(4)}{ci} | status {self.status}"

    def _summary(self, digits: int) -> Summary:
        title = "Economic optimum" if self.kind == "economic" else "Agronomic optimum (maximum yield)"
        facts = [("Model", self.model), ("Status", f"{self.status} — {_STATUS_TEXT[self.status]}")]
        if self.status != "no_maximum":
            facts.append(("Rate", self._rate_text(digits)))
            facts.append(("Yield at rate", format_number(self.yield_at_rate, digits)))
            if self.kind == "economic":
                facts.append(("Net return", f"{format_number(self.net_return, digits)} {self.net_return_unit}"))
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
                ("Bootstrap", f"{b['type']}, {b['n_valid']} of {b['n_boot']} refits used, seed {self.seed}")
            )
        blocks: list[Any] = [Facts(facts)]
        if self.message:
            blocks.append(Paragraph(self.message))
        notes = list(self.warnings)
        if self._economics is not None:
            notes += list(self._economics.notes)
        blocks.append(Notes(notes))
        return Summary(title, blocks, headline=self._headline(), digits=digits)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Response curve with this optimum and its interval (see :func:`fertopt.plotting.plot_response`)."""
        from . import plotting

        return plotting.plot_response(self._fit, ax=ax, optimum=self, **kwargs)


# ---------------------------------------------------------------------------
# the optimum and its intervals
# ---------------------------------------------------------------------------
def _t_quantile(level: float, df: float | None) -> float:
    from scipy import stats

    if df is None or not math.isfinite(df):
        return float(stats.norm.ppf(0.5 + level / 2))
    return float(stats.t.ppf(0.5 + level / 2, df))


def _delta_se(fit: ResponseFit, r: float) -> float:
    if fit._vcov is None:
        return math.nan
    g = fit._spec.rate_gradient(fit._theta, r)
    var = float(g @ fit._vcov @ g)
    return math.sqrt(var) if var >= 0 else math.nan


def _fieller(fit: ResponseFit, r: float, level: float) -> tuple[tuple[tuple[float, float], ...], bool]:
    """Fieller (Bachmaier 2009) confidence set for the root of u0 + v·u1 = 0."""
    spec, th, V = fit._spec, fit._theta, fit._vcov
    b, c = th[1], th[2]
    if spec.name == "quadratic":
        u0, u1 = b - r, 2 * c
    else:  # square_root: b + 2 s (c - r) = 0 with s = sqrt(x)
        u0, u1 = b, 2 * (c - r)
    v00, v01, v11 = V[1, 1], 2 * V[1, 2], 4 * V[2, 2]
    t2 = _t_quantile(level, fit.df_resid) ** 2
    A = u1 * u1 - t2 * v11
    B = 2 * (u0 * u1 - t2 * v01)
    C = u0 * u0 - t2 * v00
    disc = B * B - 4 * A * C
    inf = math.inf
    if A > 0:
        root = math.sqrt(max(disc, 0.0))
        # numerically stable roots
        q = -0.5 * (B + math.copysign(root, B))
        r1, r2 = sorted([q / A, C / q if q != 0 else -B / (2 * A)])
        pieces = ((r1, r2),)
        bounded = True
    elif A < 0 and disc > 0:
        root = math.sqrt(disc)
        r1, r2 = sorted([(-B - root) / (2 * A), (-B + root) / (2 * A)])
        pieces = ((-inf, r1), (r2, inf))
        bounded = False
    elif A == 0 and B != 0:
        x0 = -C / B
        pieces = ((-inf, x0),) if B > 0 else ((x0, inf),)
        bounded = False
    else:
        pieces = ((-inf, inf),)
        bounded = False
    if spec.name == "square_root":  # back from s = sqrt(x) to x; s < 0 has no rate
        mapped = []
        for lo, hi in pieces:
            lo, hi = max(lo, 0.0), hi
            if hi < 0:
                continue
            mapped.append((lo * lo, hi * hi if math.isfinite(hi) else inf))
        pieces = tuple(mapped) or ((math.nan, math.nan),)
    return pieces, bounded


def _profile(fit: ResponseFit, r: float, rate: float, level: float, se: float) -> tuple[float, float]:
    from scipy import optimize, stats

    from .response._engine import profile_sse

    spec, data = fit._spec, fit._fitdata
    s2 = fit.sse / fit.df_resid
    crit = float(stats.f.ppf(level, 1, fit.df_resid))
    theta_hat = rate

    def h(t: float) -> float:
        val = profile_sse(spec, data, t, r)
        if not math.isfinite(val):
            return 1e6
        return min((val - fit.sse) / s2 - crit, 1e6)

    top = float(data.levels[-1]) or 1.0
    step0 = se if math.isfinite(se) and se > 0 else 0.05 * top
    step0 = max(step0, 1e-3 * top)
    limit = 20.0 * top
    bounds = []
    for sign in (-1.0, 1.0):
        prev = theta_hat
        step = step0
        found = None
        while abs(prev - theta_hat) < limit:
            cur = theta_hat + sign * min(abs(prev - theta_hat) + step, limit)
            if h(cur) > 0:
                found = (prev, cur)
                break
            prev = cur
            step *= 1.6
        if found is None:
            bounds.append(sign * math.inf)
            continue
        a, b = found
        bounds.append(optimize.brentq(h, min(a, b), max(a, b), xtol=1e-10 * top, rtol=1e-12))
    return bounds[0], bounds[1]


def _bootstrap(fit: ResponseFit, r: float, level: float, n_boot: int, rng: Any, kind: str):
    from .response._engine import FitFailure, estimate

    if isinstance(rng, np.random.Generator):
        seed = int(rng.integers(0, 2**63 - 1))
    elif rng is None:
        seed = int(np.random.SeedSequence().entropy % (2**63))
    else:
        try:
            seed = int(rng)
        except (TypeError, ValueError):
            raise FertoptError(
                f"rng must be an integer seed, a numpy Generator or None, got {rng!r}."
            ) from None
        if seed < 0:
            raise FertoptError(f"rng seed must be 0 or more, got {seed}.")
    gen = np.random.default_rng(seed)
    spec, data = fit._spec, fit._fitdata
    fitted = data.y - fit._resid
    resid = fit._resid - fit._resid.mean()
    codes = data.blocks.codes
    rates, failed, none = [], 0, 0
    n = data.n
    for _ in range(n_boot):
        if kind == "residual":
            ystar = fitted + resid[gen.integers(0, n, n)]
            sample = data.with_y(ystar)
        elif kind == "wild":
            ystar = fitted + fit._resid * gen.choice((-1.0, 1.0), n)
            sample = data.with_y(ystar)
        else:
            idx = np.concatenate(
                [gen.choice(np.flatnonzero(codes == b), int((codes == b).sum())) for b in
                 range(data.blocks.n_blocks)]
            )
            from .response._engine import FitData
            from .response.models import Blocks

            sample = FitData(data.x[idx], data.y[idx], Blocks(codes[idx], len(idx)))
            if len(sample.levels) < spec.n_params:
                failed += 1
                continue
        try:
            with np.errstate(all="ignore"):
                est = estimate(spec, sample, polish=False)
        except (FitFailure, np.linalg.LinAlgError, ValueError, ZeroDivisionError):
            failed += 1
            continue
        sol = spec.solve(est.theta, r)
        if sol.case == "none" or not math.isfinite(sol.rate):
            none += 1
            continue
        rates.append(sol.rate)
    info = {"n_boot": n_boot, "type": kind, "n_valid": len(rates), "n_failed": failed,
            "n_no_maximum": none}
    if len(rates) < max(10, 0.5 * n_boot):
        return None, info, seed
    alpha = 1 - level
    lo, hi = np.quantile(np.asarray(rates), [alpha / 2, 1 - alpha / 2])
    return (float(lo), float(hi)), info, seed


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
    FertoptError
        Prices and ratio both given; a ratio ≤ 0 or without units context;
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
    >>> fit = fo.fit_response(df, response="yield", rate="N", units={"response": "t/ha", "rate": "kg/ha"})
    >>> opt = fo.economics.optimum(fit, prices=fo.Prices(crop=200, crop_unit="t", N=1.0), ci="fieller")
    >>> round(opt.rate, 1), [round(v, 1) for v in opt.ci], opt.status
    (131.3, [119.1, 152.2], 'ok')
    >>> fit.optimum().status                  # maximum yield, no prices
    'ok'
    """
    from .exceptions import ConvergenceError

    if not fit.converged:
        raise ConvergenceError(f"the {fit.model} fit did not converge ({fit.message}); no optimum.")
    level = check_probability(confidence_level, "confidence_level")
    explicit_ci = ci is not _DEFAULT
    if ci is _DEFAULT:
        ci = "delta"
    if ci is not None:
        check_choice(ci, "ci", CI_METHODS)
    check_choice(bootstrap, "bootstrap", BOOTSTRAP_TYPES)
    econ = _resolve(fit, prices, price_ratio)
    r = 0.0 if econ is None else econ.ratio
    spec = fit._spec
    sol = spec.solve(fit._theta, r)
    lo, hi = fit.rate_range
    warn: list[str] = []
    rate = float(sol.rate) if math.isfinite(sol.rate) else math.nan
    extrapolated = bool(math.isfinite(rate) and (rate > hi * (1 + 1e-9) + 1e-12 or rate < lo - 1e-9 * max(abs(lo), 1)))
    if sol.case == "none":
        status = "no_maximum"
    elif sol.case in ("corner", "zero"):
        status = "at_bound"
    else:
        status = "extrapolated" if extrapolated else "ok"
    message = sol.message
    if extrapolated:
        side = "above the highest" if rate > hi else "below the lowest"
        text = (
            f"the optimum {format_number(rate, 4)} lies {side} tested rate "
            f"({format_number(hi if rate > hi else lo, 4)}): it is an extrapolation of the "
            "fitted curve, not a recommendation; test a wider range of rates"
        )
        message = f"{message}; {text}" if message else text
        warn.append(text)
        warnings.warn(text[0].upper() + text[1:] + ".", ExtrapolationWarning, stacklevel=3)
    y_at = float(spec.curve(np.array([rate]), fit._theta)[0]) if math.isfinite(rate) else math.nan
    if econ is not None and math.isfinite(rate):
        gain = y_at - float(spec.curve(np.array([0.0]), fit._theta)[0])
        net = econ.value_per_yield * gain - econ.cost_per_rate * rate
    else:
        net = math.nan

    # intervals
    se = _delta_se(fit, r) if sol.case in ("interior", "corner") else math.nan
    ci_pair = None
    ci_set = None
    bounded = True
    seed = None
    boot_info = None
    method = None
    has_data = fit._fitdata is not None
    if ci is not None and sol.case in ("interior", "corner"):
        if ci in ("profile", "bootstrap") and not has_data:
            raise FertoptError(
                f"ci='{ci}' refits the model and needs the plot data; fits from published "
                "coefficients support ci='delta' or ci='fieller' (with vcov=)."
            )
        if fit._vcov is None and ci != "bootstrap":
            if explicit_ci:
                raise FertoptError(
                    "no interval: these coefficients carry no standard errors. Pass vcov= (and "
                    "df_resid=) to response_from_coefficients, or fit the plot data."
                )
        elif ci == "delta":
            q = _t_quantile(level, fit.df_resid)
            ci_pair = (rate - q * se, rate + q * se)
            method = "delta"
        elif ci == "fieller":
            if not spec.fieller:
                raise FertoptError(
                    f"Fieller intervals need an optimum that solves an equation linear in the "
                    f"parameters (quadratic, square_root); the {spec.name} optimum does not. Use "
                    "ci='profile' or ci='delta'."
                )
            ci_set, bounded = _fieller(fit, r, level)
            ci_set = tuple((float(a), float(b)) for a, b in ci_set)
            ci_pair = (min(a for a, _ in ci_set), max(b for _, b in ci_set))
            method = "fieller"
            if not bounded:
                warn.append(
                    "the Fieller confidence set is unbounded: the curvature is not "
                    "significantly different from zero, so the data cannot pin down the optimum"
                )
        elif ci in ("profile", "bootstrap"):
            if ci == "profile":
                ci_pair = _profile(fit, r, rate, level, se)
                bounded = all(math.isfinite(v) for v in ci_pair)
                method = "profile"
                if not bounded:
                    warn.append(
                        "the profile-likelihood interval is unbounded on one side: the data "
                        "cannot rule out much lower or higher optima"
                    )
            else:
                n_boot = int(n_boot)
                if n_boot < 10:
                    raise FertoptError(f"n_boot must be at least 10, got {n_boot}.")
                ci_pair, boot_info, seed = _bootstrap(fit, r, level, n_boot, rng, bootstrap)
                method = "bootstrap"
                if ci_pair is None:
                    warn.append(
                        f"only {boot_info['n_valid']} of {n_boot} bootstrap refits gave an "
                        "optimum: no bootstrap interval"
                    )
                elif boot_info["n_no_maximum"] + boot_info["n_failed"] > (1 - level) / 2 * n_boot:
                    warn.append(
                        f"{boot_info['n_no_maximum'] + boot_info['n_failed']} of {n_boot} bootstrap "
                        "refits had no optimum or failed and were left out: the interval is too "
                        "narrow"
                    )
        if ci_pair is not None and ci_set is None:
            ci_set = (ci_pair,)
    elif ci is not None and sol.case == "zero":
        warn.append("no interval for a rate of 0 (a corner where no fertilizer pays)")
    return Optimum(
        kind="agronomic" if econ is None else "economic",
        rate=rate,
        yield_at_rate=y_at,
        net_return=float(net),
        ci=ci_pair,
        ci_method=method if ci_pair is not None else None,
        ci_set=ci_set,
        ci_bounded=bounded,
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
        seed=seed,
        bootstrap=boot_info,
        warnings=tuple(warn),
        _fit=fit,
        _economics=econ,
    )


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

    def _headline(self) -> str:
        best = self.table.loc[self.table["net_return"].idxmax()]
        text = (f"best net return {format_number(best['net_return'], 4)} {self.net_return_unit} "
                f"at {format_number(best['rate'], 4)}")
        if self.profitable_range is not None:
            lo, hi = self.profitable_range
            text += f" | within {format_number(self.within, 3)}: {format_number(lo, 4)} – {format_number(hi, 4)}"
        return text

    def _summary(self, digits: int) -> Summary:
        facts = [("Price ratio applied", self.price_ratio_text),
                 ("Economic optimum", self.optimum._headline())]
        if self.profitable_range is not None:
            lo, hi = self.profitable_range
            facts.append((f"Profitable range (within {format_number(self.within, 3)})",
                          f"{format_number(lo, digits)} – {format_number(hi, digits)}"))
        step = max(len(self.table) // 10, 1)
        return Summary("Net return curve",
                       [Facts(facts), Table(self.table.iloc[::step].reset_index(drop=True)),
                        Notes(list(self.warnings))],
                       headline=self._headline(), digits=digits)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Net return against rate (see :func:`fertopt.plotting.plot_net_return`)."""
        from . import plotting

        return plotting.plot_net_return(self, ax=ax, **kwargs)


def _contiguous_range(rates: np.ndarray, ok: np.ndarray, at: int) -> tuple[float, float]:
    lo = hi = at
    while lo > 0 and ok[lo - 1]:
        lo -= 1
    while hi < len(rates) - 1 and ok[hi + 1]:
        hi += 1
    return float(rates[lo]), float(rates[hi])


def net_return_curve(
    fit: ResponseFit,
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
    fit : ResponseFit
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
    econ = _resolve(fit, prices, price_ratio)
    if econ is None:
        raise FertoptError("a net return needs prices= or price_ratio=.")
    lo, hi = fit.rate_range
    grid = np.linspace(0.0, hi, 201) if rates is None else np.asarray(rates, float).ravel()
    if grid.size == 0 or not np.all(np.isfinite(grid)) or np.any(grid < 0):
        raise FertoptError("rates must be finite rates of 0 or more.")
    spec, th = fit._spec, fit._theta
    yhat = spec.curve(grid, th)
    y0 = float(spec.curve(np.array([0.0]), th)[0])
    gain = yhat - y0
    value = econ.value_per_yield * gain
    cost = econ.cost_per_rate * grid
    table = pd.DataFrame({"rate": grid, "yield": yhat, "yield_gain": gain,
                          "value_gain": value, "cost": cost, "net_return": value - cost})
    warn = []
    if np.any(grid > hi * (1 + 1e-12)):
        warn.append(f"rates above the highest tested rate ({format_number(hi, 4)}) are extrapolated")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExtrapolationWarning)
        opt = optimum(fit, prices=prices, price_ratio=price_ratio, ci=None)
    prange = None
    if within is not None:
        w = float(within)
        if not math.isfinite(w) or w < 0:
            raise FertoptError(f"within must be an amount of 0 or more, got {within!r}.")
        nr = table["net_return"].to_numpy()
        at = int(np.argmax(nr))
        prange = _contiguous_range(grid, nr >= nr[at] - w, at)
    return NetReturnCurve(table=table, optimum=opt, profitable_range=prange,
                          within=None if within is None else float(within),
                          net_return_unit=econ.money, price_ratio_text=econ.ratio_text,
                          warnings=tuple(warn), _fit=fit)


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

    def _headline(self) -> str:
        rates = self.table["rate"].dropna()
        if rates.empty:
            return f"{len(self.table)} price scenarios | no optimum"
        return (f"{len(self.table)} price scenarios | optimum {format_number(rates.min(), 4)} – "
                f"{format_number(rates.max(), 4)}")

    def _summary(self, digits: int) -> Summary:
        return Summary("Price sensitivity of the optimum",
                       [Table(self.table), Notes(list(self.warnings))],
                       headline=self._headline(), digits=digits)


def price_sensitivity(
    fit: ResponseFit,
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
    fit : ResponseFit
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
    rows = []
    warn: list[str] = []
    if price_ratios is not None:
        if prices is not None or crop is not None or nutrient_prices is not None:
            raise FertoptError("give either price_ratios= or prices (with crop=/nutrient_prices=), not both.")
        scenarios = [(math.nan, math.nan, {"price_ratio": v}) for v in np.atleast_1d(price_ratios)]
        if isinstance(price_ratios, tuple) and len(price_ratios) == 2 and isinstance(price_ratios[1], str):
            scenarios = [(math.nan, math.nan, {"price_ratio": price_ratios})]
    else:
        if prices is None:
            raise FertoptError("price_sensitivity needs prices= (with optional crop=/nutrient_prices=) or price_ratios=.")
        base = _resolve(fit, prices, None)
        form = base.form
        given = next((f for f in prices.forms if NUTRIENT_FORMS[f][0] == NUTRIENT_FORMS[form][0]), form)
        crops = np.atleast_1d(crop if crop is not None else prices.crop * np.array([0.75, 1.0, 1.25]))
        nuts = np.atleast_1d(nutrient_prices if nutrient_prices is not None
                             else getattr(prices, given) * np.array([0.5, 0.75, 1.0, 1.25, 1.5]))
        scenarios = [(float(c), float(n), {"prices": prices.replace(crop=float(c), **{given: float(n)})})
                     for c in crops for n in nuts]
    unit = ""
    for cp, npr, kw in scenarios:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExtrapolationWarning)
            opt = optimum(fit, ci=ci, confidence_level=confidence_level, **kw)
        unit = opt.net_return_unit
        lo, hi = opt.ci if opt.ci is not None else (math.nan, math.nan)
        rows.append({"crop_price": cp, "nutrient_price": npr, "price_ratio": opt.price_ratio,
                     "rate": opt.rate, "status": opt.status, "extrapolated": opt.extrapolated,
                     "yield_at_rate": opt.yield_at_rate, "net_return": opt.net_return,
                     "ci_low": lo, "ci_high": hi})
    table = pd.DataFrame(rows, columns=["crop_price", "nutrient_price", "price_ratio", "rate", "status",
                                        "extrapolated", "yield_at_rate", "net_return", "ci_low", "ci_high"])
    if table["extrapolated"].any():
        warn.append("some optima lie outside the tested rates (extrapolated = True)")
    return PriceSensitivity(table=table, nutrient=fit.nutrient, net_return_unit=unit,
                            ci_method=ci, warnings=tuple(warn))


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

    def _headline(self) -> str:
        lo, hi = self.profitable_range
        return (f"MRTN {format_number(self.mrtn_rate, 4)} over {self.n_sites} sites | return "
                f"{format_number(self.net_return_at_mrtn, 4)} {self.net_return_unit} | profitable "
                f"{format_number(lo, 4)} – {format_number(hi, 4)}")

    def _summary(self, digits: int) -> Summary:
        lo, hi = self.profitable_range
        facts = [("Sites", str(self.n_sites)), ("Price ratio applied", self.price_ratio_text),
                 ("MRTN rate", format_number(self.mrtn_rate, digits)),
                 ("Net return at MRTN", f"{format_number(self.net_return_at_mrtn, digits)} {self.net_return_unit}"),
                 (f"Profitable range (within {format_number(self.within, 3)})",
                  f"{format_number(lo, digits)} – {format_number(hi, digits)}"),
                 ("% of maximum yield at MRTN", format_number(self.pct_max_yield, digits))]
        return Summary("Maximum return to nutrient over sites",
                       [Facts(facts), Table(self.site_optima, title="Site optima"),
                        Notes(list(self.warnings))], headline=self._headline(), digits=digits)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Return-to-nutrient curve with the MRTN and profitable range."""
        from . import plotting

        return plotting.plot_net_return(self, ax=ax, **kwargs)


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
    >>> a = fo.response_from_coefficients("quadratic", intercept=7000, linear=60, quadratic=-0.16,
    ...                                   rate_range=(0, 240), nutrient="N", units={"response": "kg/ha", "rate": "kg/ha"})
    >>> b = fo.response_from_coefficients("quadratic", intercept=8000, linear=40, quadratic=-0.12,
    ...                                   rate_range=(0, 240), nutrient="N", units={"response": "kg/ha", "rate": "kg/ha"})
    >>> pooled = fo.pool_sites({"A": a, "B": b}, prices=fo.Prices(crop=0.157, N=0.88))
    >>> round(pooled.mrtn_rate, 1)     # 0.157·(50 − 0.28 x) = 0.88
    158.6
    """
    if isinstance(fits, dict):
        items = list(fits.items())
    else:
        try:
            items = [(f"site {i + 1}", f) for i, f in enumerate(fits)]
        except TypeError:
            raise FertoptError("fits must be a dict {site: fit} or a list of fits.") from None
    if len(items) < 2:
        raise DesignError(f"pooling needs at least two sites, got {len(items)}.")
    from .response.fit import ResponseFit

    for name, f in items:
        if not isinstance(f, ResponseFit):
            raise FertoptError(f"site {name!r} is not a ResponseFit (got {type(f).__name__}).")
        if not f.converged:
            raise DesignError(f"site {name!r}: the {f.model} fit did not converge; drop the site or use another model.")
    first = items[0][1]
    for name, f in items[1:]:
        if (f.nutrient, f.response_unit, f.rate_unit) != (first.nutrient, first.response_unit, first.rate_unit):
            raise DesignError(
                f"site {name!r} has nutrient {f.nutrient!r} and units ({f.response_unit}, {f.rate_unit}) "
                f"but the first site has {first.nutrient!r} and ({first.response_unit}, {first.rate_unit}); "
                "pool sites of the same nutrient in the same units."
            )
    econ = _resolve(first, prices, price_ratio)
    if econ is None:
        raise FertoptError("pooling returns needs prices= or price_ratio=.")
    top = min(f.rate_range[1] for _, f in items)
    grid = np.linspace(0.0, top, 401) if rates is None else np.asarray(rates, float).ravel()
    if grid.size < 2 or not np.all(np.isfinite(grid)) or np.any(grid < 0):
        raise FertoptError("rates must be at least two finite rates of 0 or more.")
    grid = np.unique(grid)
    warn = []
    over = [name for name, f in items if grid.max() > f.rate_range[1] * (1 + 1e-12)]
    if over:
        warn.append(f"the rate grid extrapolates beyond the tested rates of {', '.join(map(str, over))}")
    gains, levels = [], []
    for _, f in items:
        yhat = f._spec.curve(grid, f._theta)
        gains.append(yhat - float(f._spec.curve(np.array([0.0]), f._theta)[0]))
        levels.append(yhat)
    mean_gain = np.mean(gains, axis=0)
    mean_yield = np.mean(levels, axis=0)
    rtn = econ.value_per_yield * mean_gain - econ.cost_per_rate * grid
    at = int(np.argmax(rtn))
    mrtn, best = float(grid[at]), float(rtn[at])
    if 0 < at < len(grid) - 1:  # refine between the neighbouring grid rates
        from scipy.optimize import minimize_scalar

        def neg(x: float) -> float:
            xs = np.array([x])
            g = np.mean([f._spec.curve(xs, f._theta)[0] - f._spec.curve(np.array([0.0]), f._theta)[0]
                         for _, f in items])
            return -(econ.value_per_yield * g - econ.cost_per_rate * x)

        res = minimize_scalar(neg, bounds=(grid[at - 1], grid[at + 1]), method="bounded",
                              options={"xatol": 1e-10 * max(grid[-1], 1.0)})
        if -res.fun >= best:
            mrtn, best = float(res.x), float(-res.fun)
    w = float(within)
    if not math.isfinite(w) or w < 0:
        raise FertoptError(f"within must be an amount of 0 or more, got {within!r}.")
    prange = _contiguous_range(grid, rtn >= best - w, at)
    pct = 100 * mean_yield / mean_yield.max()
    pct_at = 100 * float(np.mean([f._spec.curve(np.array([mrtn]), f._theta)[0] for _, f in items])) / mean_yield.max()
    table = pd.DataFrame({"rate": grid, "mean_yield_gain": mean_gain, "net_return": rtn, "pct_max_yield": pct})
    rows = []
    for name, f in items:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExtrapolationWarning)
            o = optimum(f, prices=prices, price_ratio=price_ratio, ci=None)
        rows.append({"site": str(name), "model": f.model, "rate": o.rate, "status": o.status,
                     "extrapolated": o.extrapolated, "net_return": o.net_return,
                     "yield_at_rate": o.yield_at_rate})
    site_optima = pd.DataFrame(rows, columns=["site", "model", "rate", "status", "extrapolated",
                                              "net_return", "yield_at_rate"])
    if at == len(grid) - 1:
        warn.append("the return still rises at the end of the rate grid: the MRTN may lie above it")
    return PooledSites(table=table, mrtn_rate=mrtn, net_return_at_mrtn=best,
                       profitable_range=prange, within=w, pct_max_yield=pct_at,
                       site_optima=site_optima, n_sites=len(items), net_return_unit=econ.money,
                       price_ratio_text=econ.ratio_text, warnings=tuple(warn))
