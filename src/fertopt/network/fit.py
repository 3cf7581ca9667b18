"""``fit_network``: one response model over a trial network, its parameters varying by site.

The steps: check the columns and options (:func:`prepare_network`), estimate (the linear mixed
model of :mod:`fertopt.network.linear` for the quadratic and straight line, the nonlinear
mixed model of :mod:`fertopt.network.nonlinear` for the plateau and Mitscherlich models), then
assemble the :class:`~fertopt.network.network_result.NetworkFit`: population parameters,
variance components, each site's own curve and optimum, and the warnings that say how much
the result rests on.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from fertopt._core.i18n import message
from fertopt._core.validation import (
    as_labels,
    check_choice,
    check_nan_policy,
    check_nonnegative_rates,
    check_probability,
    check_scale,
    drop_missing,
    require_columns,
    require_frame,
    response_values,
    to_numeric,
)
from fertopt.curves.models import MODELS
from fertopt.exceptions import (
    ConvergenceError,
    ConvergenceWarning,
    DataError,
    DesignError,
    NetworkWarning,
    OptionError,
)
from fertopt.network.linear import LINEAR_MODELS, fit_lmm
from fertopt.network.network_result import NetworkFit
from fertopt.network.nonlinear import fit_nlme
from fertopt.network.site_optimum import solve_rates, statuses
from fertopt.response import response_from_coefficients
from fertopt.units import NUTRIENT_FORMS, column_units

__all__ = ["fit_network", "NETWORK_MODELS", "DEFAULT_RANDOM", "FEW_SITES"]

#: Models of ``fit_network(model=...)``.
NETWORK_MODELS = ("quadratic", "linear", "quadratic_plateau", "linear_plateau", "mitscherlich")

#: Parameters with site effects when ``random`` is not given.
DEFAULT_RANDOM: dict[str, tuple[str, ...]] = {
    "quadratic": ("intercept", "linear"),
    "linear": ("intercept", "slope"),
    "quadratic_plateau": ("intercept", "linear"),
    "linear_plateau": ("intercept", "slope"),
    "mitscherlich": ("asymptote",),
}

#: Fewer sites than this draw a :class:`~fertopt.exceptions.NetworkWarning`.
FEW_SITES = 8

_MEANING = {
    "intercept": "the yield without fertilizer",
    "linear": "the initial response",
    "quadratic": "the curvature",
    "slope": "the response per unit of rate",
    "join": "the rate where the plateau begins",
    "asymptote": "the maximum yield",
    "rate": "how fast yield approaches its maximum",
    "shift": "the nutrient already available",
}


@dataclass
class NetworkData:
    """The checked plots of a network and what was learnt while checking them."""

    frame: pd.DataFrame  # site | rate | response [| block]
    x: np.ndarray
    y: np.ndarray
    site_codes: np.ndarray
    site_labels: list[str]
    block_codes: np.ndarray | None
    n_dropped: int
    n_years: int | None
    response_unit: str | None
    rate_unit: str | None
    nutrient: str | None
    warnings: list[str]


def check_random(random: Any, model: str) -> tuple[str, ...]:
    """The random parameters in the model's order, each checked against its parameter words."""
    params = MODELS[model].params
    if random is None:
        return DEFAULT_RANDOM[model]
    items = [random] if isinstance(random, str) else list(random)
    if not items:
        raise OptionError(
            "random= is empty; name at least one parameter that varies between sites, for "
            f"example random={list(DEFAULT_RANDOM[model])!r}."
        )
    for item in items:
        try:
            check_choice(item, "random", params)
        except OptionError as exc:
            meaning = "; ".join(f"'{p}': {_MEANING[p]}" for p in params)
            raise OptionError(
                f"{exc} random= names the parameters of the {model} model that differ from "
                f"site to site, in fertopt's words ({meaning}); for example "
                f"random={list(DEFAULT_RANDOM[model])!r} lets the yield without fertilizer and "
                "the response vary."
            ) from None
    if len(set(items)) != len(items):
        raise OptionError(f"random= names a parameter twice: {items!r}; name each once.")
    return tuple(p for p in params if p in items)


def prepare_network(
    data: Any,
    response: Hashable,
    rate: Hashable,
    site: Hashable,
    block: Hashable | None,
    year: Hashable | None,
    nan_policy: str,
    units: Mapping[str, str] | None,
    nutrient: str | None,
) -> NetworkData:
    """Check the columns of a network and return its plots as arrays."""
    frame = require_frame(data)
    nan_policy = check_nan_policy(nan_policy)
    require_columns(frame, response=response, rate=rate, site=site, block=block, year=year)
    y = response_values(frame, response)
    x = to_numeric(frame[rate], "rate")
    warn: list[str] = []
    keep, _ = drop_missing(
        [x, y],
        nan_policy,
        refuse="{n} plot(s) have no rate or response ({rows}); fill them in, or pass "
        "nan_policy='omit' to leave them out.",
        left_out="left_out_no_rate",
        warn_list=warn,
        stop=".",
        stacklevel=3,
    )
    sub = frame.loc[keep]
    x, y = x[keep], y[keep]
    check_nonnegative_rates(x, "rate")
    check_scale(x, rate, "rate")
    site_cat = as_labels(sub[site], "site")
    labels = [str(c) for c in site_cat.categories]
    codes = np.asarray(site_cat.codes, dtype=np.intp)
    if np.any(codes < 0):
        rows = sub.index[codes < 0][:5].tolist()
        raise DataError(
            f"site column {site!r} is empty in rows {rows}: every plot needs its site; fill "
            "these cells in or drop the rows."
        )
    block_codes = None
    if block is not None:
        key = sub[site].astype(str) + "\x1f" + sub[block].astype(str)
        block_codes = pd.factorize(key, sort=True)[0].astype(np.intp)
    n_years = None if year is None else int(sub[year].nunique())
    y_unit, x_unit = column_units(frame, units, response, rate)
    if nutrient is None:
        nutrient = str(rate) if str(rate) in NUTRIENT_FORMS else None
    elif nutrient not in NUTRIENT_FORMS:
        raise OptionError(
            f"nutrient={nutrient!r} is not a nutrient form; use one of {', '.join(NUTRIENT_FORMS)}."
        )
    out = pd.DataFrame(
        {
            "site": pd.Categorical.from_codes(codes, labels),
            "rate": x.to_numpy(float),
            "response": y.to_numpy(float),
        },
        index=sub.index,
    )
    if block is not None:
        out["block"] = sub[block].astype(str).to_numpy()
    return NetworkData(
        out,
        out["rate"].to_numpy(float),
        out["response"].to_numpy(float),
        codes,
        labels,
        block_codes,
        int((~keep).sum()),
        n_years,
        y_unit,
        x_unit,
        nutrient,
        warn,
    )


def check_network_design(nd: NetworkData, model: str, site: Hashable, rate: Hashable) -> None:
    """Enough sites and rates for the model (DesignError otherwise)."""
    n_sites = len(nd.site_labels)
    if n_sites < 3:
        raise DesignError(
            f"site column {site!r} has {n_sites} site(s) ({', '.join(nd.site_labels)}); a model "
            "of how sites vary needs at least 3 sites (8 or more for a recommendation). Fit "
            "each site with fo.fit_response instead."
        )
    k = MODELS[model].n_params
    levels = np.unique(nd.x)
    if len(levels) < k:
        raise DesignError(
            f"rate column {rate!r} has {len(levels)} distinct rates; the {model} model has {k} "
            f"parameters and needs at least {k}."
        )


def fit_network(
    data: Any,
    /,
    *,
    response: Hashable,
    rate: Hashable,
    site: Hashable,
    model: str = "quadratic",
    random: str | Sequence[str] | None = None,
    block: Hashable | None = None,
    year: Hashable | None = None,
    method: str = "REML",
    nutrient: str | None = None,
    units: Mapping[str, str] | None = None,
    nan_policy: str = "omit",
    confidence_level: float = 0.95,
) -> NetworkFit:
    """Fit one response model to a whole trial network, its parameters varying by site.

    Each site ``i`` has its own curve, with parameters ``β + b_i``: ``β`` the population
    parameters (the curve of the average site), ``b_i ~ N(0, Ψ)`` the site's deviations of
    the parameters named in ``random``.  Blocks within sites may have their own random
    intercepts.

    Parameters
    ----------
    data : DataFrame
        One row per plot, all sites together.
    response, rate, site : str
        Columns of the yield, of the nutrient rate and of the site (or site-year).
    model : {'quadratic', 'linear', 'quadratic_plateau', 'linear_plateau', 'mitscherlich'}
        The response model (parameter names as :func:`fertopt.fit_response`).
    random : str or list of str, optional
        Parameters that vary between sites, in the model's words: quadratic
        ``intercept, linear, quadratic``; linear ``intercept, slope``; quadratic_plateau
        ``intercept, linear, join``; linear_plateau ``intercept, slope, join``; mitscherlich
        ``asymptote, rate, shift``.  By default the intercept and the initial response
        (``["intercept", "linear"]`` for the quadratic), the asymptote for Mitscherlich.
    block : str, optional
        Block (replicate) column: random intercepts of the blocks within each site.
    year : str, optional
        Year column; counted and reported (``n_years``), not modelled.
    method : {'REML', 'ML'}, default 'REML'
        Restricted or full maximum likelihood.
    nutrient : str, optional
        Nutrient form of the rate (for prices); by default the rate column's name when it is
        one (``'N'``, ``'P2O5'`` …).
    units : mapping, optional
        ``{'response': 't/ha', 'rate': 'kg/ha'}``; by default the units recorded by
        :func:`fertopt.read_trials`.
    nan_policy : {'omit', 'raise'}
        Plots without a rate or response are left out (counted) or refused.
    confidence_level : float, default 0.95
        Level of the parameter intervals and of the population optimum's interval.

    Returns
    -------
    NetworkFit
        ``params`` (``term | estimate | se | ci_low | ci_high``), ``variance_components``
        (``group | term | variance | sd``), ``site_covariance`` (``term_a | term_b |
        covariance | correlation``), ``psi``, ``sigma``, ``sites`` (``site | n_obs | <each
        parameter> | optimum | status``), ``n_sites``, ``n_obs``, ``n_dropped``,
        ``n_years``, ``df``, ``loglik``, ``aic``, ``bic``, ``converged``, ``singular`` and
        ``warnings``; ``.optimum(prices=)`` (the average site, with its interval) and
        ``.optimum(prices=, new_site=True)`` (the predicted optimum of a site not in the
        data), ``.site_optima(prices=)``, ``.predict()``, ``.plot()``.

    Raises
    ------
    ColumnError
        A named column is missing.
    OptionError
        ``model``, ``method`` or ``random`` not understood.
    DataError
        Text in numeric columns, negative rates or yields, empty site cells.
    DesignError
        Fewer than 3 sites, or fewer distinct rates than the model has parameters.
    ConvergenceError
        The nonlinear model could not be fitted.

    Warns
    -----
    NetworkWarning
        Fewer than 8 sites; a variance estimated at zero (boundary fit).
    ConvergenceWarning
        The estimation stopped before converging.
    DataWarning
        Plots left out for missing values.

    Notes
    -----
    The quadratic and the straight line are linear mixed models, fitted as ``lme4`` does
    (profiled REML or ML deviance over the relative covariance factor; see
    :mod:`fertopt.network.linear`): ``fit_network(d, response="yield", rate="N",
    site="site", random=["intercept", "linear"])`` is
    ``lmer(yield ~ N + I(N^2) + (1 + N | site))``, and ``block="rep"`` adds
    ``(1 | site:rep)``.  On ``agridat::hernandez.nitrogen`` it agrees with lme4 (fitted to
    convergence) to 1e-8 relative in the population EONR and 1e-6 in the variance
    components.  The plateau and Mitscherlich models are nonlinear mixed models fitted by
    :mod:`fertopt.network.nonlinear`.

    Standard errors of the population parameters are lme4's (``vcov``); their intervals and
    that of the population optimum use a t quantile on ``n_sites − 1`` degrees of freedom,
    because the population curve is an average over the sites: with few sites a normal
    quantile would be too narrow.

    Examples
    --------
    >>> import warnings, fertopt as fo
    >>> d = fo.load_dataset("hernandez_3sites")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", fo.NetworkWarning)   # 3 sites: too few
    ...     net = fo.fit_network(d, response="yield", rate="N", site="site")
    >>> net.n_sites, net.method, net.random
    (3, 'REML', ('intercept', 'linear'))
    >>> list(net.params.columns)
    ['term', 'estimate', 'se', 'ci_low', 'ci_high']
    """
    check_choice(model, "model", NETWORK_MODELS)
    check_choice(method, "method", ("REML", "ML"))
    level = check_probability(confidence_level, "confidence_level")
    random_t = check_random(random, model)
    nd = prepare_network(data, response, rate, site, block, year, nan_policy, units, nutrient)
    check_network_design(nd, model, site, rate)
    if model in LINEAR_MODELS:
        est = fit_lmm(
            nd.x,
            nd.y,
            nd.site_codes,
            model=model,
            random=random_t,
            block_codes=nd.block_codes,
            method=method,
        )
    else:
        est = _fit_nonlinear(nd, model, random_t, method)
    return _assemble(nd, est, model, random_t, method, level, response, rate, site, block, year)


def _fit_nonlinear(nd: NetworkData, model: str, random_t: tuple[str, ...], method: str) -> Any:
    return fit_nlme(
        nd.x,
        nd.y,
        nd.site_codes,
        model=model,
        random=random_t,
        block_codes=nd.block_codes,
        method=method,
    )


def _assemble(
    nd: NetworkData,
    est: Any,
    model: str,
    random_t: tuple[str, ...],
    method: str,
    level: float,
    response: Hashable,
    rate: Hashable,
    site: Hashable,
    block: Hashable | None,
    year: Hashable | None,
) -> NetworkFit:
    spec = MODELS[model]
    warn = list(nd.warnings)
    n_sites, n_obs = len(nd.site_labels), len(nd.y)
    if n_sites < FEW_SITES:
        text = message("nf_few_sites", n=n_sites)
        warn.append(text)
        warnings.warn(text.sentence(), NetworkWarning, stacklevel=3)
    if not est.converged:
        text = message("nf_not_converged", why=str(est.message))
        warn.append(text)
        warnings.warn(text.sentence(), ConvergenceWarning, stacklevel=3)
    beta = np.asarray(est.beta, float)
    beta_cov = np.asarray(est.beta_cov, float)
    psi = np.atleast_2d(np.asarray(est.psi, float))
    sigma2 = float(est.sigma2)
    block_var = float(getattr(est, "block_variance", math.nan))
    singular = tuple(getattr(est, "singular", ()))
    if not hasattr(est, "singular"):  # an estimate that does not say: read Ψ's diagonal
        singular = tuple(r for r, v in zip(random_t, np.diag(psi), strict=True) if v <= 0)
    if singular:
        text = message("nf_singular", terms=", ".join(singular))
        warn.append(text)
        warnings.warn(text.sentence(), NetworkWarning, stacklevel=3)
    df = float(n_sites - 1)
    q = float(stats.t.ppf(0.5 + level / 2, df))
    se = np.sqrt(np.clip(np.diag(beta_cov), 0.0, None))
    params = pd.DataFrame(
        {
            "term": list(spec.params),
            "estimate": beta,
            "se": se,
            "ci_low": beta - q * se,
            "ci_high": beta + q * se,
        }
    )
    rows = [("site", r, float(psi[i, i])) for i, r in enumerate(random_t)]
    if block is not None:
        rows.append(("block", "intercept", block_var))
    rows.append(("residual", "", sigma2))
    vc = pd.DataFrame(rows, columns=["group", "term", "variance"])
    vc["sd"] = np.sqrt(np.clip(vc["variance"].to_numpy(float), 0.0, None))
    pairs = []
    for i in range(len(random_t)):
        for j in range(i + 1, len(random_t)):
            denom = math.sqrt(psi[i, i] * psi[j, j])
            corr = psi[i, j] / denom if denom > 0 else math.nan
            pairs.append((random_t[i], random_t[j], float(psi[i, j]), corr))
    cov = pd.DataFrame(pairs, columns=["term_a", "term_b", "covariance", "correlation"])
    # each site's own curve and its rate of maximum yield, judged on its own tested rates
    thetas = np.tile(beta, (n_sites, 1))
    idx = [spec.params.index(r) for r in random_t]
    thetas[:, idx] += np.asarray(est.site_effects, float).reshape(n_sites, len(idx))
    rates, cases = solve_rates(spec, thetas, 0.0)
    grouped = nd.frame.groupby("site", observed=True)["rate"]
    lo = grouped.min().reindex(nd.site_labels).to_numpy(float)
    hi = grouped.max().reindex(nd.site_labels).to_numpy(float)
    status = [
        str(statuses(np.array([c]), np.array([r]), a, b)[0])
        for c, r, a, b in zip(cases, rates, lo, hi, strict=True)
    ]
    sites = pd.DataFrame({"site": nd.site_labels, "n_obs": np.bincount(nd.site_codes)})
    for j, name in enumerate(spec.params):
        sites[name] = thetas[:, j]
    sites["optimum"] = rates
    sites["status"] = status
    n_par = int(getattr(est, "n_params", 0)) or (
        len(beta) + len(idx) * (len(idx) + 1) // 2 + (1 if block is not None else 0) + 1
    )
    loglik = float(est.loglik)
    if not np.all(np.isfinite(beta)):
        raise ConvergenceError(
            f"the {model} network model could not be fitted ({est.message}); try fewer "
            "parameters in random= or another model."
        )
    # the average site as a response curve with the covariance of its parameters: optima,
    # intervals, predictions with bands and figures of single-trial fits apply to it
    population = response_from_coefficients(
        model,
        rate_range=(float(nd.x.min()), float(nd.x.max())),
        nutrient=nd.nutrient,
        units={"response": nd.response_unit, "rate": nd.rate_unit},
        vcov=(beta_cov + beta_cov.T) / 2,
        sigma=math.sqrt(sigma2),
        df_resid=df,
        response=str(response),
        rate=str(rate),
        **dict(zip(spec.params, (float(v) for v in beta), strict=True)),
    )
    return NetworkFit(
        model=model,
        response=str(response),
        rate=str(rate),
        site=str(site),
        block=None if block is None else str(block),
        year=None if year is None else str(year),
        random=random_t,
        method=method,
        params=params,
        variance_components=vc,
        site_covariance=cov,
        psi=psi,
        sigma=math.sqrt(sigma2),
        sites=sites,
        n_sites=n_sites,
        n_obs=n_obs,
        n_dropped=nd.n_dropped,
        n_years=nd.n_years,
        df=df,
        loglik=loglik,
        aic=-2.0 * loglik + 2.0 * n_par,
        bic=-2.0 * loglik + math.log(n_obs) * n_par,
        converged=bool(est.converged),
        singular=singular,
        confidence_level=level,
        warnings=tuple(warn),
        _population=population,
        _estimate=est,
        _data=nd.frame.reset_index(drop=True),
    )
