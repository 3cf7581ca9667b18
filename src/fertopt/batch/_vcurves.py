"""The response-model and optimum stages of ``run_batch(model=...)`` for a chunk of regular trials.

A chunk of balanced trials (``K`` treatments × ``R`` blocks, one rate per treatment) is
fitted by :func:`fertopt.curves.batched.fit_levels` on its treatment means (an unreplicated
chunk, ``R = 1`` without blocks, on its plots: no pure error, residual df ``K − p``), and its optima
and delta intervals come from :func:`fertopt.economics.batched.optima`; the columns and
warnings are those the per-trial path (``fit_response`` then ``fit.optimum(prices=)``)
records.  A trial that lands where the per-trial functions decide on a threshold (a join at
a tested rate or at a search limit, a fit no better than a line or a step, an optimum at a
case boundary or at the edge of the tested rates, a possible unit trap, a rate series
confounded with another nutrient column) is returned undone, for the per-trial path.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.formatting import format_number
from fertopt._core.i18n import message
from fertopt.batch._layout import parse_numbers
from fertopt.batch._pertrial import WARNINGS_LOCK, Plan, run_model
from fertopt.curves.batched import LevelFits, fit_levels
from fertopt.curves.models import get_model
from fertopt.economics import batched as eb
from fertopt.economics.intervals import t_quantile
from fertopt.economics.prices import resolve_curve_prices
from fertopt.economics.units_check import FAR_BEYOND, RESPONSE_SHARE, unit_mismatch

__all__ = ["ModelSetup", "model_setup", "model_chunk"]

#: Nutrient columns ``fit_response`` checks for constancy along the rate series by default.
NUTRIENT_COLUMNS = ("N", "P", "P2O5", "K", "K2O")
# nonlinear parameters of the two paths agree to about 1e-6 relative (the per-trial polish stops at
# its tolerance, the batched fit is the exact minimum): decisions closer than this go per trial
_MARGIN = 1e-5
# linear models: both paths solve the same least squares by QR and agree to about 1e-12
_MARGIN_LINEAR = 1e-9


# plateau models: the joins of the two paths agree to about 1e-8 relative
_MARGIN_PLATEAU = 1e-6


def _margin(model: str) -> float:
    if get_model(model).linear:
        return _MARGIN_LINEAR
    return _MARGIN_PLATEAU if model.endswith("plateau") else _MARGIN


_LEVEL = 0.95  # fit.optimum's default confidence level

#: Trials fitted together by :func:`fit_levels` (bounds the memory of its intermediates).
FIT_TRIALS = 2048


@dataclass
class ModelSetup:
    """What the model stage of every chunk of a run shares (prices resolved once)."""

    model: str
    ratio: float
    value: float | None
    cost: float | None
    check_units: bool
    others: tuple[Any, ...]


def model_setup(plan: Plan, frame: pd.DataFrame, rows: np.ndarray) -> ModelSetup | None:
    """Resolve the prices of the plan on one trial's fit; None when the model stage must run
    per trial (prices that fail or warn, an unusual rate column)."""
    sub = frame.iloc[rows]
    try:
        with WARNINGS_LOCK, warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            fit = run_model(sub, plan)
        with WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            econ = resolve_curve_prices(fit.curve, plan.prices, None)
    except Exception:  # noqa: BLE001  (the per-trial path records whatever it is, trial by trial)
        return None
    if caught:  # warnings that every trial's optimum would repeat: leave them to that path
        return None
    curve = fit.curve
    declared = curve.response_unit is not None and curve.rate_unit is not None
    rate = plan.rates[0]
    others = tuple(
        c for c in NUTRIENT_COLUMNS if c in frame.columns and c != rate and c != plan.response
    )
    return ModelSetup(
        model=plan.model,
        ratio=0.0 if econ is None else float(econ.ratio),
        value=None if econ is None else float(econ.value_per_yield),
        cost=None if econ is None else float(econ.cost_per_rate),
        check_units=econ is not None and not declared,
        others=others,
    )


def _stable(value: float, e: float) -> bool:
    """Whether ``format_number(value, 4)`` survives the paths' difference in the last digits.

    The common case (magnitudes 1e-5 to 1e9, fixed-point) is checked on the fixed-point
    text that ``format_number`` writes, the rest by ``format_number`` itself.
    """
    a, b = value * (1 - e), value * (1 + e)
    if math.isfinite(value) and value != 0:
        ma, mb = math.floor(math.log10(abs(a))), math.floor(math.log10(abs(b)))
        if ma == mb and -5 <= ma < 9:
            decimals = max(3 - ma, 0)
            return f"{a:.{decimals}f}" == f"{b:.{decimals}f}"
    return format_number(a, 4) == format_number(b, 4)


def model_chunk(
    out_columns: dict[str, np.ndarray],
    out_warnings: list,
    setup: ModelSetup,
    frame: pd.DataFrame,
    trials: np.ndarray,
    rows: np.ndarray,
    x_rows: np.ndarray,
    means: np.ndarray,
    offset: np.ndarray,
    ss_resid: np.ndarray,
    ss_total: np.ndarray,
    blocked: bool,
) -> np.ndarray:
    """Fit and price the trials of one chunk; returns a mask of the trials done here.

    ``rows`` (trials, K, R) are the plots, ``x_rows`` their rates, ``means`` (trials, K) the
    treatment means minus ``offset``; ``ss_resid`` and ``ss_total`` come from the ANOVA.
    """
    n_t, k, r = rows.shape
    spec = get_model(setup.model)
    p = spec.n_params
    done = np.ones(n_t, dtype=bool)
    # one rate per treatment, distinct rates, the magnitudes fit_response accepts
    done &= (x_rows == x_rows[:, :, :1]).all(axis=(1, 2))
    x = x_rows[:, :, 0]
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    ms = np.take_along_axis(means, order, axis=1)
    done &= (np.diff(xs, axis=1) > 0).all(axis=1)
    top = xs[:, -1]
    done &= (top <= 1e100) & ~((top > 0) & (top < 1e-100))
    nb = r if blocked else 1
    df = k * r - p - (nb - 1)
    if k < p or df < 1:
        return np.zeros(n_t, dtype=bool)
    for col in setup.others:
        v, _bad = parse_numbers(frame[col])
        vr = v[rows]
        same = (vr == vr[:, :1, :1]) | (np.isnan(vr) & np.isnan(vr[:, :1, :1]))
        done &= same.all(axis=(1, 2))
    fits = _fit_in_slices(setup.model, xs, ms, np.full(k, float(r)), ss_resid, offset)
    done &= ~fits.refer
    theta, sse = fits.theta, fits.sse
    s2 = sse / df
    vcov = fits.cov * s2[:, None, None]
    lo, hi = xs[:, 0], top
    q = t_quantile(_LEVEL, float(df))
    opt = eb.optima(
        setup.model,
        theta,
        vcov,
        lo,
        hi,
        setup.ratio,
        quantile=q,
        value=setup.value,
        cost=setup.cost,
    )
    done &= ~_near_decision(setup, theta, opt, lo, hi)
    units: dict[int, Any] = {}
    if setup.check_units:
        units = _unit_traps(setup.model, theta, opt, lo, hi, done)
    n = k * r
    with np.errstate(all="ignore"):
        loglik = np.where(sse > 0, -0.5 * n * (math.log(2 * math.pi) + np.log(sse / n) + 1), np.inf)
        aic = -2 * loglik + 2 * (p + nb)
        r2 = np.where(ss_total > 0, 1 - sse / ss_total, np.nan)
    warn_fit, warn_opt = _warnings(setup.model, theta, opt, lo, hi, done)
    for i in np.flatnonzero(done & fits.on_rate):
        join = float(theta[i, 2])
        msg = message("lp_join_on_rate", join=format_number(join, 6))
        warn_fit[int(i)] = (str(msg.sentence(capital=False)), "ConvergenceWarning")
    t = trials[done]
    c = out_columns
    c["model_converged"][t] = True
    for j, name in enumerate(spec.params):
        c[f"coef_{name}"][t] = theta[done, j]
    c["model_r2"][t] = r2[done]
    c["model_sigma"][t] = np.sqrt(s2[done])
    c["model_aic"][t] = aic[done]
    c["opt_status"][t] = opt.status[done]
    c["opt_rate"][t] = opt.rate[done]
    c["opt_yield"][t] = opt.yield_at_rate[done]
    c["opt_net_return"][t] = opt.net_return[done]
    c["opt_ci_low"][t] = opt.ci_low[done]
    c["opt_ci_high"][t] = opt.ci_high[done]
    c["unit_warning"][t] = ""
    for i in np.flatnonzero(done):
        ti = int(trials[i])
        if i in warn_fit:
            text, category = warn_fit[i]
            out_warnings.append((ti, "response", category, text))
        if i in warn_opt:
            out_warnings.append((ti, "optimum", "ExtrapolationWarning", warn_opt[i]))
        if i in units:
            # plain text, as the tables keep it (a message also holds its fields)
            c["unit_warning"][ti] = str(units[i])
            out_warnings.append((ti, "optimum", "PriceWarning", str(units[i].sentence())))
    return done


def _fit_in_slices(model: str, xs, ms, w, base, offset) -> LevelFits:
    """:func:`fit_levels` on :data:`FIT_TRIALS` trials at a time (the same fits, less memory).

    The nonlinear fits hold a few kilobytes of intermediates per trial (a quartic per
    segment for the quadratic plateau): on a whole chunk they would be its largest arrays.
    """
    n = len(xs)
    if n <= FIT_TRIALS:
        return fit_levels(model, xs, ms, w, base, offset)
    parts = [
        fit_levels(
            model,
            xs[i : i + FIT_TRIALS],
            ms[i : i + FIT_TRIALS],
            w,
            base[i : i + FIT_TRIALS],
            offset[i : i + FIT_TRIALS],
        )
        for i in range(0, n, FIT_TRIALS)
    ]
    return LevelFits(
        **{
            name: np.concatenate([getattr(p, name) for p in parts])
            for name in ("theta", "sse", "cov", "refer", "on_rate")
        }
    )


def _near_decision(setup: ModelSetup, theta, opt, lo, hi) -> np.ndarray:
    """Trials whose case, status or warnings the two paths might decide differently."""
    r = setup.ratio
    m = setup.model
    margin = _margin(m)
    scale = np.abs(theta)
    near = np.zeros(len(theta), dtype=bool)
    with np.errstate(all="ignore"):
        if m == "linear":
            near |= np.abs(theta[:, 1] - r) <= margin * (scale[:, 1] + abs(r))
        elif m == "quadratic":
            b, c = theta[:, 1], theta[:, 2]
            near |= np.abs(c) <= margin * np.abs(b) / np.maximum(hi, 1e-300)
            x = (r - b) / (2 * c)
            near |= np.abs(x) <= margin * np.maximum(hi, 1.0)
        elif m == "square_root":
            b, c = theta[:, 1], theta[:, 2]
            near |= np.abs(b) <= margin * np.abs(c) * np.sqrt(np.maximum(hi, 1e-300))
            near |= np.abs(c - r) <= margin * (np.abs(c) + abs(r))
        elif m in ("linear_plateau", "quadratic_plateau"):
            b = theta[:, 1]
            near |= np.abs(b - r) <= margin * (np.abs(b) + abs(r))
            near |= np.abs(theta[:, 2] - hi) <= margin * hi
        else:
            A, c, _s = theta.T
            if r != 0:
                x = np.log(A * c / r) / c - _s
                near |= np.abs(x) <= margin * np.maximum(hi, 1.0)
        rate = opt.rate
        near |= np.isfinite(rate) & (np.abs(rate - hi) <= margin * np.maximum(hi, 1.0))
        near |= (
            np.isfinite(rate)
            & (opt.case != 1)
            & (np.abs(rate - lo) <= margin * np.maximum(np.abs(lo), 1.0))
        )
    return near


def _unit_traps(model: str, theta, opt, lo, hi, done) -> dict[int, Any]:
    """The unit-trap warnings of undeclared data (by chunk index), as ``fit.optimum`` words them.

    Trials near a threshold of the check, or whose message might round differently between
    the paths, are taken off ``done``.
    """
    margin = _margin(model)
    f = eb.formula(model)
    # the largest fitted yield on 201 points of the tested range, one point at a time (a whole
    # (trials, 201) grid and its fitted values would be the largest arrays of the chunk);
    # fmax from NaN is nanmax: NaN only where every point is NaN
    span = hi - lo
    low = f(lo + span * 0.0, theta)
    top = low.copy()
    for s in np.linspace(0.0, 1.0, 201)[1:]:
        np.fmax(top, f(lo + span * s, theta), out=top)
    gain = top - low
    rate = opt.rate
    finite = np.isfinite(rate)
    at_lowest = finite & (rate <= lo + 1e-9 * np.maximum(np.abs(hi), 1.0))
    flags = []
    with np.errstate(invalid="ignore"):
        for m in (1 - margin, 1.0, 1 + margin):
            flat = at_lowest & (gain * m >= RESPONSE_SHARE * low)
            far = finite & (rate * m > FAR_BEYOND * hi)
            flags.append(np.isfinite(low) & (low > 0) & (flat | far))
    done &= (flags[0] == flags[1]) & (flags[1] == flags[2])
    near_lowest = finite & (np.abs(rate - lo) <= margin * np.maximum(np.abs(hi), 1.0))
    done &= ~(near_lowest & (opt.case != 1))
    out: dict[int, Any] = {}
    for i in np.flatnonzero(done & flags[1]):
        texts = [
            unit_mismatch(
                declared=False,
                at_lowest=bool(at_lowest[i]),
                yield_low=float(low[i]) * (1 + e),
                gain=float(gain[i]) * (1 + e),
                rate=float(rate[i]) * (1 + e),
                top=float(hi[i]),
            )
            for e in (-margin / 10, 0.0, margin / 10)
        ]
        if texts[0] != texts[1] or texts[1] != texts[2] or texts[1] is None:
            done[i] = False
            continue
        out[int(i)] = texts[1]
    return out


def _warnings(model: str, theta, opt, lo, hi, done) -> tuple[dict[int, Any], dict[int, str]]:
    """The ExtrapolationWarnings of the fit and of the optimum, by chunk index.

    A trial whose warning text might round differently between the paths is taken off
    ``done`` (its warnings are then written by the per-trial path).  The texts are kept as
    plain strings, as the warnings table keeps them (a message also holds its fields).
    """
    e = _margin(model) / 10
    fit_w: dict[int, Any] = {}
    opt_w: dict[int, str] = {}
    if model == "quadratic_plateau":
        for i in np.flatnonzero(done & (theta[:, 2] > hi)):
            join, top = float(theta[i, 2]), float(hi[i])
            if not _stable(join, e):
                done[i] = False
                continue
            msg = message("qp_join_beyond", join=format_number(join, 4), top=format_number(top, 4))
            fit_w[int(i)] = (str(msg.sentence(capital=False)), "ExtrapolationWarning")
    for i in np.flatnonzero(done & opt.extrapolated):
        rate = float(opt.rate[i])
        if rate != 0 and not _stable(rate, e):
            done[i] = False
            continue
        above = rate > hi[i]
        text = message(
            "extrapolated_above" if above else "extrapolated_below",
            rate=format_number(rate, 4),
            limit=format_number(float(hi[i] if above else lo[i]), 4),
        )
        opt_w[int(i)] = str(text.sentence())
    return fit_w, opt_w
