"""Fitting single-nutrient response models to plot data.

:func:`fit_response` fits one model, :func:`compare_models` several, and
:func:`response_from_coefficients` wraps a published equation so that it can
be audited through the same interface (optimum, status, net return).
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.deferred import Deferred
from fertopt._core.formatting import format_number
from fertopt._core.i18n import message
from fertopt._core.validation import (
    check_choice,
    check_errors,
    check_probability,
)
from fertopt.curves.curve import Curve
from fertopt.curves.engine import FitData, FitFailure, covariance, estimate
from fertopt.curves.models import MODEL_NAMES, ModelSpec, get_model
from fertopt.exceptions import (
    ConvergenceError,
    ConvergenceWarning,
    DesignError,
    ExtrapolationWarning,
    OptionError,
)
from fertopt.response.checks import Prepared, check_design, lack_of_fit_table, params_table, prepare
from fertopt.response.result import ResponseFit
from fertopt.units import NUTRIENT_FORMS, parse_unit

__all__ = [
    "ResponseFit",
    "fit_response",
    "response_from_coefficients",
    "fit_models",
    "select_best",
    "CRITERIA",
]

#: Criteria a best model is chosen by (never R², which always favours more parameters).
CRITERIA = ("aicc", "aic", "bic", "rmse")


# ---------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------
def _response_fit(
    spec: ModelSpec,
    *,
    theta: np.ndarray,
    cov: np.ndarray | None = None,
    fitdata: FitData | None = None,
    resid: np.ndarray | None = None,
    **fields: Any,
) -> ResponseFit:
    """A :class:`ResponseFit` of ``fields`` carrying its :class:`Curve`."""
    curve = Curve(
        spec=spec,
        theta=theta,
        vcov=cov,
        data=fitdata,
        resid=resid,
        sse=fields["sse"],
        df_resid=fields["df_resid"],
        sigma=fields["sigma"],
        rate=fields["rate"],
        nutrient=fields["nutrient"],
        response_unit=fields["response_unit"],
        rate_unit=fields["rate_unit"],
        rate_range=fields["rate_range"],
        converged=fields["converged"],
        message=fields["message"],
    )
    return ResponseFit(**fields, _curve=curve)


def fit_prepared(
    spec: ModelSpec,
    prep: Prepared,
    response: Hashable,
    rate: Hashable,
    block: Hashable | None,
    level: float,
) -> ResponseFit:
    data = FitData(prep.x, prep.y, prep.blocks)
    est = estimate(spec, data)
    n = data.n
    nb = data.blocks.n_blocks
    df = n - spec.n_params - (nb - 1)
    sse = est.sse
    s2 = sse / df
    vcov = covariance(spec, data, est.theta) * s2
    fitted_pop = spec.curve(data.x, est.theta)
    fitted = fitted_pop + est.effects[data.blocks.codes]
    resid = data.y - fitted
    sst = float(np.sum((data.y - data.y.mean()) ** 2))
    k = spec.n_params + (nb - 1) + 1
    loglik = -0.5 * n * (math.log(2 * math.pi) + math.log(sse / n) + 1) if sse > 0 else math.inf
    aic = -2 * loglik + 2 * k
    aicc = aic + 2 * k * (k + 1) / (n - k - 1) if n - k - 1 > 0 else math.inf
    bic = -2 * loglik + math.log(n) * k
    labels = None if block is None else list(prep.block_labels)
    frame = Deferred(_plot_table, data, labels, fitted, resid, prep.index)
    effects = None if labels is None else Deferred(_effects_table, labels, est.effects)
    fit_warnings = list(prep.warnings)
    if spec.name == "linear_plateau":
        join = float(est.theta[2])
        if np.any(np.abs(data.levels - join) <= 1e-7 * max(abs(join), 1.0)):
            msg = message("lp_join_on_rate", join=format_number(join, 6))
            fit_warnings.append(msg)
            warnings.warn(msg.sentence(capital=False), ConvergenceWarning, stacklevel=3)
    if spec.name == "quadratic_plateau" and est.theta[2] > data.levels[-1]:
        msg = message(
            "qp_join_beyond",
            join=format_number(est.theta[2], 4),
            top=format_number(data.levels[-1], 4),
        )
        fit_warnings.append(msg)
        warnings.warn(msg.sentence(capital=False), ExtrapolationWarning, stacklevel=3)
    return _response_fit(
        spec,
        model=spec.name,
        params=params_table(spec, est.theta, vcov, df, level),
        vcov=Deferred(_vcov_table, vcov, list(spec.params)),
        sigma=math.sqrt(s2),
        df_resid=df,
        sse=sse,
        r_squared=1 - sse / sst if sst > 0 else math.nan,
        rmse=math.sqrt(sse / n),
        loglik=loglik,
        aic=aic,
        aicc=aicc,
        bic=bic,
        lack_of_fit=Deferred(lack_of_fit_table, data, sse, df),
        converged=True,
        message="converged",
        method=est.method,
        rate_range=(float(data.levels[0]), float(data.levels[-1])),
        rate_levels=tuple(float(v) for v in data.levels),
        response=response,
        rate=rate,
        block=block,
        nutrient=prep.nutrient,
        response_unit=prep.response_unit,
        rate_unit=prep.rate_unit,
        block_effects=effects,
        data=frame,
        n_obs=n,
        n_dropped=prep.n_dropped,
        confidence_level=level,
        source="data",
        warnings=tuple(fit_warnings),
        theta=est.theta,
        cov=vcov,
        fitdata=data,
        resid=resid,
    )


def _plot_table(
    data: FitData, block_labels: list | None, fitted: np.ndarray, resid: np.ndarray, index
) -> pd.DataFrame:
    """The ``data`` table of a fit: rate, response, block, fitted value and residual."""
    columns: dict[str, Any] = {"rate": data.x, "response": data.y}
    if block_labels is not None:
        columns["block"] = [block_labels[c] for c in data.blocks.codes]
    columns.update(fitted=fitted, residual=resid)
    return pd.DataFrame(columns, index=index)


def _effects_table(block_labels: list, effects: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"block": block_labels, "effect": effects})


def _vcov_table(vcov: np.ndarray, names: list[str]) -> pd.DataFrame:
    return pd.DataFrame(vcov, index=names, columns=names)


def fit_models(
    prep: Prepared,
    models: tuple[str, ...],
    response: Hashable,
    rate: Hashable,
    block: Hashable | None,
    level: float,
) -> tuple[dict[str, ResponseFit], dict[str, str]]:
    """Fit each of ``models`` to the same plots: the fits that worked, and why the others failed.

    A model that needs more distinct rates than the data have, or cannot be fitted, is a
    failure with its reason; it does not stop the others.
    """
    fits: dict[str, ResponseFit] = {}
    failed: dict[str, str] = {}
    for name in models:
        spec = get_model(name)
        try:
            check_design(spec, prep)
            fits[name] = fit_prepared(spec, prep, response, rate, block, level)
        except (DesignError, FitFailure) as exc:
            failed[name] = str(exc)
    return fits, failed


def select_best(fits: Mapping[str, ResponseFit], criterion: str = "aicc") -> ResponseFit:
    """The fit with the smallest ``criterion`` (the first of ties, in the order given).

    The one rule by which ``fit_response(model="best")``, :meth:`ModelComparison.best`, the
    trial report and ``fertopt analyze --model best`` choose a model.
    """
    check_choice(criterion, "criterion", CRITERIA)
    if not fits:
        raise ConvergenceError("no model converged; there is no best model.")

    def value(fit: ResponseFit) -> float:
        v = float(getattr(fit, criterion))
        return v if not math.isnan(v) else math.inf

    return min(fits.values(), key=value)


def _best(
    prep: Prepared,
    response: Hashable,
    rate: Hashable,
    block: Hashable | None,
    level: float,
) -> ResponseFit:
    """``fit_response(model="best")``: every model fitted, the one of lowest AICc returned."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fits, failed = fit_models(prep, MODEL_NAMES, response, rate, block, level)
    if not fits:
        reasons = "; ".join(f"{m}: {r}" for m, r in failed.items())
        raise ConvergenceError(f"no response model could be fitted to these plots ({reasons}).")
    best = select_best(fits, "aicc")
    # the warnings of the chosen model only: the others are not the answer
    own = {w.rstrip(".") for w in best.warnings}
    for w in caught:
        if str(w.message).rstrip(".") in own:
            warnings.warn(w.message, w.category, stacklevel=4)
    ranking = sorted(((m, float(f.aicc)) for m, f in fits.items()), key=lambda p: p[1])
    ranking.sort(key=lambda p: p[0] != best.model)  # the chosen first (ties keep it first)
    return dataclasses.replace(best, chosen_by="aicc", candidates=tuple(ranking))


def _failed_fit(
    spec: ModelSpec,
    prep: Prepared,
    response: Hashable,
    rate: Hashable,
    block: Hashable | None,
    level: float,
    message: str,
) -> ResponseFit:
    nan = math.nan
    theta = np.full(spec.n_params, nan)
    return _response_fit(
        spec,
        model=spec.name,
        params=params_table(spec, theta, None, nan, level),
        vcov=None,
        sigma=nan,
        df_resid=nan,
        sse=nan,
        r_squared=nan,
        rmse=nan,
        loglik=nan,
        aic=nan,
        aicc=nan,
        bic=nan,
        lack_of_fit=None,
        converged=False,
        message=message,
        method="",
        rate_range=(float(prep.x.min()), float(prep.x.max())),
        rate_levels=tuple(float(v) for v in np.unique(prep.x)),
        response=response,
        rate=rate,
        block=block,
        nutrient=prep.nutrient,
        response_unit=prep.response_unit,
        rate_unit=prep.rate_unit,
        block_effects=None,
        data=pd.DataFrame({"rate": prep.x, "response": prep.y}, index=prep.index),
        n_obs=len(prep.x),
        n_dropped=prep.n_dropped,
        confidence_level=level,
        source="data",
        warnings=tuple(prep.warnings) + (message,),
        theta=theta,
    )


def fit_response(
    data: Any,
    /,
    *,
    response: Hashable,
    rate: Hashable,
    model: str = "quadratic",
    block: Hashable | None = None,
    nutrient: str | None = None,
    units: Mapping[str, str] | None = None,
    other_rates: Any = None,
    nan_policy: str = "omit",
    confidence_level: float = 0.95,
    errors: str = "raise",
    allow_negative: bool = False,
) -> ResponseFit:
    """Fit a yield-response model to plot data (one row per plot, not treatment means).

    Parameters
    ----------
    data : DataFrame
        One row per plot.
    response : str
        Yield (or other response) column.
    rate : str
        Rate column of the nutrient (0 or more).
    model : str, default 'quadratic'
        ``'linear'``, ``'quadratic'``, ``'square_root'``, ``'linear_plateau'``,
        ``'quadratic_plateau'`` or ``'mitscherlich'``, or ``'best'``: every model is
        fitted and the one of lowest AICc among those that converge is returned (as
        ``fertopt analyze --model best`` and :meth:`ModelComparison.best` choose), with
        ``chosen_by='aicc'`` and the ranking in ``candidates`` (shown in the summary).
        See :mod:`fertopt.curves.models`.
    block : str, optional
        Block (replicate) column, fitted as additive fixed effects; the
        intercept is then the average over blocks.
    nutrient : str, optional
        Nutrient form of the rate (``'N'``, ``'P2O5'``, ``'P'``, ``'K2O'``,
        ``'K'``), used to pick its price; by default the rate column's name
        when it is one of these.
    units : mapping, optional
        ``{'response': 't/ha', 'rate': 'kg/ha'}``; by default the units
        recorded by :func:`fertopt.read_trials`.  Needed to apply prices
        given per t, or yields per ha with rates per mu.
    other_rates : str or list of str, optional
        Rate columns of other nutrients that should be constant along this
        series; by default the columns named N, P, P2O5, K, K2O.  Pass ``[]``
        to skip the check.
    nan_policy : {'omit', 'raise'}
        Plots without a rate or response are left out (counted, with a
        warning) or raise.
    confidence_level : float, default 0.95
        Level of the parameter intervals in ``params``.
    errors : {'raise', 'record'}
        On a fit that cannot converge: raise :class:`ConvergenceError`, or
        record the failure in a result with ``converged=False`` (for batch runs).
        ``'return'``, the former spelling of ``'record'``, is deprecated.
    allow_negative : bool, default False
        Accept negative responses (yield gains, differences); a negative yield is
        otherwise refused as a data-entry mistake.

    Returns
    -------
    ResponseFit
        Parameters, covariance, fit statistics, data with fitted values; methods
        ``predict``, ``optimum``, ``net_return_curve``, ``price_sensitivity``, ``plot``.

    Raises
    ------
    ColumnError
        A named column is missing.
    DataError
        Text in numeric columns, negative rates, negative responses (unless
        ``allow_negative``), all responses equal, responses beyond 1e±100, missing
        values with ``nan_policy='raise'``.
    DesignError
        A single distinct rate; fewer distinct rates than the model has
        parameters; no residual degrees of freedom.
    ConvergenceError
        The model cannot be identified from the data (with ``errors='raise'``); with
        ``model='best'``, no model converged.

    Warns
    -----
    DataWarning
        Plots left out for missing values.
    DesignWarning
        The rate series is confounded with another nutrient (the plots are named).

    Notes
    -----
    Linear-in-parameter models (linear, quadratic, square root) are fitted by
    least squares through a QR decomposition (the arithmetic of statsmodels'
    ``OLS.fit(method="qr")``) on the rate divided by its maximum, then scaled
    back, and match R's ``lm`` and the NIST StRD certified values.  Plateau and
    Mitscherlich models are fitted by profiling the SSE exactly over the join
    (or rate) parameter between every pair of tested rates, then polishing
    with :func:`scipy.optimize.least_squares` from several starts; they match
    R's ``nls`` from good starting values.  Standard errors use
    ``σ²(JᵀJ)⁻¹``.

    Examples
    --------
    >>> import pandas as pd, fertopt as fo
    >>> df = pd.DataFrame({"N": [0, 0, 60, 60, 120, 120, 180, 180],
    ...                    "yield": [5.1, 5.3, 7.0, 6.8, 7.9, 8.1, 8.0, 7.8]})
    >>> fit = fo.fit_response(df, response="yield", rate="N", model="quadratic",
    ...                       units={"response": "t/ha", "rate": "kg/ha"})
    >>> fit
    <ResponseFit y = 5.17 + 0.03783·N − 0.000125·N² | n=8, R²=0.989, σ=0.1523>
    >>> fit.params[["term", "estimate", "se"]].round(6)
            term  estimate        se
    0  intercept  5.170000  0.104976
    1     linear  0.037833  0.002810
    2  quadratic -0.000125  0.000015
    >>> opt = fit.optimum(prices=fo.Prices(crop=200, crop_unit="t", N=1.0))  # per t; per kg N
    >>> round(opt.rate, 1), opt.status         # (0.005 - 0.037833) / (2 * -0.000125)
    (131.3, 'ok')

    The eonr tutorial trial (units from the bundled dataset), quadratic plateau:

    >>> mn = fo.load_dataset("minnesota_2012")
    >>> qp = fo.fit_response(mn, response="yld_grain_dry_kgha", rate="rate_n_applied_kgha",
    ...                      model="quadratic_plateau", nutrient="N")
    >>> qp.params.round(2)
            term  estimate      se   ci_low  ci_high
    0  intercept   7735.74  541.81  6627.61  8843.87
    1     linear     65.86   13.86    37.51    94.22
    2       join    177.44   32.30   111.38   243.49
    >>> qp.optimum(prices=fo.Prices(crop=0.157, N=0.88, currency="USD"), ci="profile",
    ...            confidence_level=0.9)
    <Optimum economic optimum at 162.3 kg/ha | CI 123.1 – 214.9 (90 %, profile) | status ok>
    """
    check_choice(model, "model", (*MODEL_NAMES, "best"))
    if model != "best":
        spec = get_model(model)
    level = check_probability(confidence_level, "confidence_level")
    errors = check_errors(errors, "fit_response", former=("return",))
    prep = prepare(
        data, response, rate, block, other_rates, nan_policy, units, nutrient, allow_negative
    )
    if model == "best":
        return _best(prep, response, rate, block, level)
    check_design(spec, prep)
    try:
        return fit_prepared(spec, prep, response, rate, block, level)
    except FitFailure as exc:
        message = f"the {spec.name} model cannot be fitted: {exc}"
        if errors == "raise":
            raise ConvergenceError(message + ".") from None
        return _failed_fit(spec, prep, response, rate, block, level, message)


# ---------------------------------------------------------------------------
# published equations
# ---------------------------------------------------------------------------
def response_from_coefficients(
    model: str,
    /,
    *,
    rate_range: tuple[float, float],
    nutrient: str | None = None,
    units: Mapping[str, str] | None = None,
    vcov: Any = None,
    sigma: float | None = None,
    df_resid: float | None = None,
    response: str = "yield",
    rate: str | None = None,
    **coefficients: float,
) -> ResponseFit:
    """A published response equation, to audit it through the fit interface.

    Parameters
    ----------
    model : str
        Model name (see :func:`fit_response`).
    rate_range : (low, high)
        Lowest and highest rate tested in the source, to judge extrapolation.
    nutrient : str, optional
        Nutrient form of the rate (for prices).
    units : mapping, optional
        ``{'response': 'kg/mu', 'rate': 'kg/mu'}``.
    vcov : array-like, optional
        Covariance matrix of the coefficients (in the order of the model's
        parameters), to get delta or Fieller intervals.
    sigma, df_resid : float, optional
        Residual SD and degrees of freedom, for prediction intervals and t
        quantiles (normal quantiles without ``df_resid``).
    response, rate : str
        Names used in displays.
    **coefficients : float
        The model's parameters by name: quadratic ``intercept, linear,
        quadratic`` (a paper's ``y = a x² + b x + c`` is ``quadratic=a,
        linear=b, intercept=c``), linear_plateau ``intercept, slope, join``,
        quadratic_plateau ``intercept, linear, join``, mitscherlich
        ``asymptote, rate, shift``, square_root ``intercept, sqrt, linear``,
        linear ``intercept, slope``.

    Returns
    -------
    ResponseFit
        With ``source='coefficients'``; fit statistics are NaN.

    Examples
    --------
    >>> import fertopt as fo
    >>> p = fo.response_from_coefficients("quadratic", intercept=1688.9, linear=328.69,
    ...                                   quadratic=-18.052, rate_range=(0, 8), nutrient="P2O5")
    >>> import warnings; warnings.simplefilter("ignore", fo.ExtrapolationWarning)
    >>> m = p.optimum()
    >>> round(m.rate, 3), round(m.yield_at_rate, 2), m.status
    (9.104, 3185.09, 'extrapolated')
    """
    spec = get_model(model)
    expected = list(spec.params)
    given = list(coefficients)
    missing = [p for p in expected if p not in coefficients]
    extra = [p for p in given if p not in expected]
    if missing or extra:
        hint = (
            " (a paper's y = a·x² + b·x + c is quadratic=a, linear=b, intercept=c)"
            if spec.name == "quadratic"
            else ""
        )
        raise OptionError(
            f"the {spec.name} model takes the coefficients {', '.join(expected)}{hint}; "
            + (f"missing: {', '.join(missing)}" if missing else "")
            + ("; " if missing and extra else "")
            + (f"unknown: {', '.join(extra)}" if extra else "")
            + "."
        )
    theta = np.array([float(coefficients[p]) for p in expected])
    if not np.all(np.isfinite(theta)):
        raise OptionError("coefficients must be finite numbers.")
    try:
        lo, hi = (float(v) for v in rate_range)
    except (TypeError, ValueError):
        raise OptionError(
            f"rate_range must be (lowest, highest) tested rate, got {rate_range!r}."
        ) from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo < 0 or hi <= lo:
        raise OptionError(f"rate_range must be two rates 0 ≤ low < high, got {rate_range!r}.")
    if nutrient is not None and nutrient not in NUTRIENT_FORMS:
        raise OptionError(
            f"nutrient={nutrient!r} is not a nutrient form; use one of {', '.join(NUTRIENT_FORMS)}."
        )
    rate_name = rate or nutrient or "x"
    y_unit = x_unit = None
    if units:
        for key in units:
            if key not in ("response", "rate"):
                raise OptionError(f"units= takes the keys 'response' and 'rate', got {key!r}.")
        y_unit, x_unit = units.get("response"), units.get("rate")
        for u in (y_unit, x_unit):
            if u is not None:
                parse_unit(u)
    V = None
    if vcov is not None:
        V = np.asarray(vcov, dtype=float)
        p = spec.n_params
        if V.shape != (p, p) or not np.allclose(V, V.T) or np.any(np.diag(V) < 0):
            raise OptionError(
                f"vcov must be a symmetric {p}×{p} covariance matrix in the order "
                f"{', '.join(expected)}."
            )
    df = float(df_resid) if df_resid is not None else math.inf
    sig = float(sigma) if sigma is not None else math.nan
    level = 0.95
    nan = math.nan
    return _response_fit(
        spec,
        model=spec.name,
        params=params_table(spec, theta, V, df, level),
        vcov=None if V is None else pd.DataFrame(V, index=expected, columns=expected),
        sigma=sig,
        df_resid=df,
        sse=nan,
        r_squared=nan,
        rmse=nan,
        loglik=nan,
        aic=nan,
        aicc=nan,
        bic=nan,
        lack_of_fit=None,
        converged=True,
        message="published coefficients",
        method="given",
        rate_range=(lo, hi),
        rate_levels=(lo, hi),
        response=response,
        rate=rate_name,
        block=None,
        nutrient=nutrient,
        response_unit=y_unit,
        rate_unit=x_unit,
        block_effects=None,
        data=pd.DataFrame(columns=["rate", "response", "fitted", "residual"]),
        n_obs=0,
        n_dropped=0,
        confidence_level=level,
        source="coefficients",
        warnings=(),
        theta=theta,
        cov=V,
    )
