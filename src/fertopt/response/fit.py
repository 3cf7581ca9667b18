"""Fitting single-nutrient response models to plot data.

:func:`fit_response` fits one model, :func:`compare_models` several, and
:func:`response_from_coefficients` wraps a published equation so that it can
be audited through the same interface (optimum, status, net return).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt import economics
from fertopt._core.deprecation import renamed
from fertopt._core.document import Facts, Notes, Summary, localized_table
from fertopt._core.formatting import ResultBase, format_number
from fertopt._core.i18n import label, model_name, model_words, translate_message
from fertopt._core.validation import (
    check_choice,
    check_errors,
    check_probability,
)
from fertopt.curves.curve import Curve
from fertopt.curves.engine import FitData, FitFailure, covariance, estimate
from fertopt.curves.models import ModelSpec, get_model
from fertopt.economics.intervals import t_quantile
from fertopt.exceptions import (
    ConvergenceError,
    ConvergenceWarning,
    DataError,
    ExtrapolationWarning,
    OptionError,
)
from fertopt.response.checks import Prepared, check_design, lack_of_fit_table, params_table, prepare
from fertopt.units import NUTRIENT_FORMS, parse_unit

__all__ = ["ResponseFit", "fit_response", "response_from_coefficients"]

_INTERVALS = ("none", "confidence", "prediction")


# ---------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class ResponseFit(ResultBase):
    """A fitted single-nutrient response curve.

    Attributes
    ----------
    model : str
        One of ``linear, quadratic, square_root, linear_plateau, quadratic_plateau, mitscherlich``.
    params : DataFrame
        ``term, estimate, se, ci_low, ci_high``: parameters with standard
        errors and t-based Wald intervals at ``confidence_level``.
    vcov : DataFrame or None
        Covariance matrix of the parameters (block effects profiled out).
    sigma : float
        Residual standard deviation ``√(SSE / df_resid)``.
    df_resid : int
        Residual degrees of freedom ``n − p − (blocks − 1)``.
    sse, r_squared, rmse : float
        Residual sum of squares, ``1 − SSE/SST`` and ``√(SSE/n)``.  ``r_squared`` was
        formerly ``r2``.
    loglik, aic, aicc, bic : float
        Gaussian log-likelihood and information criteria counting every mean
        parameter, the block effects and σ (as R's ``AIC(lm)``/``AIC(nls)``).
    lack_of_fit : DataFrame or None
        ``source, df, ss, ms, f, p`` for lack of fit against pure error
        (rates replicated); None without replication.
    converged : bool
        Always True for fits from :func:`fit_response` with ``errors='raise'``.
    message : str
        How the fit was obtained, or why it failed.
    method : str
    rate_range : tuple of float
        Lowest and highest tested rate (for fits from coefficients: as given).
    rate_levels : tuple of float
        Distinct tested rates.
    response, rate, block : str
        Column names used.
    nutrient : str or None
        Nutrient form of the rate (``N``, ``P2O5`` …) for prices.
    response_unit, rate_unit : str or None
        Units (``"mass/area"``), when declared.
    block_effects : DataFrame or None
        ``block, effect`` (sum-to-zero), when blocks were fitted.
    data : DataFrame
        ``rate, response, block, fitted, residual`` for the plots used.
    n_obs, n_dropped : int
        Plots used, and plots dropped for a missing rate or response.
    confidence_level : float
    source : {'data', 'coefficients'}
    warnings : tuple of str
    curve : Curve
        (property) The fitted curve as one frozen value: model, parameter vector,
        covariance, residuals and data; what optima, net returns and figures use.
    """

    model: str
    params: pd.DataFrame
    vcov: pd.DataFrame | None
    sigma: float
    df_resid: float
    sse: float
    r_squared: float
    rmse: float
    loglik: float
    aic: float
    aicc: float
    bic: float
    lack_of_fit: pd.DataFrame | None
    converged: bool
    message: str
    method: str
    rate_range: tuple[float, float]
    rate_levels: tuple[float, ...]
    response: Hashable
    rate: Hashable
    block: Hashable | None
    nutrient: str | None
    response_unit: str | None
    rate_unit: str | None
    block_effects: pd.DataFrame | None
    data: pd.DataFrame
    n_obs: int
    n_dropped: int
    confidence_level: float
    source: str
    warnings: tuple[str, ...] = ()
    _curve: Curve = field(default=None, repr=False, compare=False)

    r2 = renamed("r_squared")

    # -- values ------------------------------------------------------------
    @property
    def curve(self) -> Curve:
        """The fitted curve as one value (model, parameters, covariance, data, units).

        What optima, net returns, pooling, figures and reports read; see
        :class:`fertopt.curves.curve.Curve`.
        """
        return self._curve

    # the curve's parts under their former private names, for code written against them
    @property
    def _spec(self) -> ModelSpec:
        return self._curve.spec

    @property
    def _theta(self) -> np.ndarray:
        return self._curve.theta

    @property
    def _vcov(self) -> np.ndarray | None:
        return self._curve.vcov

    @property
    def _fitdata(self) -> FitData | None:
        return self._curve.data

    @property
    def _resid(self) -> np.ndarray | None:
        return self._curve.resid

    @property
    def estimates(self) -> dict[str, float]:
        """Parameter estimates by name."""
        return dict(zip(self.params["term"], self.params["estimate"].astype(float), strict=True))

    def _check_converged(self) -> None:
        if not self.converged:
            raise ConvergenceError(f"the {self.model} fit did not converge: {self.message}")

    def predict(
        self, x: Any, *, interval: str = "none", confidence_level: float | None = None
    ) -> pd.DataFrame:
        """Fitted yield at rates ``x``, optionally with confidence or prediction limits.

        Parameters
        ----------
        x : float or array-like
            Rates, in the rate unit of the data.
        interval : {'none', 'confidence', 'prediction'}
            Limits for the mean yield, or for the yield of a new plot.
        confidence_level : float, optional
            Default: the fit's ``confidence_level``.

        Returns
        -------
        DataFrame
            ``rate, fitted`` and, with an interval, ``se, lower, upper`` (``se`` is
            the standard error of the mean for ``'confidence'``, of a new
            observation for ``'prediction'``).  Averaged over blocks.

        Notes
        -----
        Delta method: ``se = √(gᵀVg)`` with ``g = ∂f/∂θ`` at ``x``; a new
        observation adds σ².  Limits use the t quantile on ``df_resid`` (as R's
        ``predict.lm``; for nonlinear models as ``nlraa::predict2_nls``).

        Examples
        --------
        >>> import pandas as pd, fertopt as fo
        >>> df = pd.DataFrame({"N": [0, 0, 60, 60, 120, 120, 180, 180],
        ...                    "yield": [5.1, 5.3, 7.0, 6.8, 7.9, 8.1, 8.0, 7.8]})
        >>> fit = fo.fit_response(df, response="yield", rate="N")
        >>> fit.predict([0, 90], interval="confidence").round(3)
           rate  fitted     se  lower  upper
        0   0.0   5.170  0.105  4.900  5.440
        1  90.0   7.563  0.086  7.341  7.784
        """
        self._check_converged()
        check_choice(interval, "interval", _INTERVALS)
        xs = np.atleast_1d(np.asarray(x, dtype=float)).ravel()
        if not np.all(np.isfinite(xs)):
            raise OptionError("x must hold finite rates.")
        if np.any(xs < 0):
            raise DataError(f"rates cannot be negative: {xs[xs < 0][:5].tolist()}.")
        curve = self.curve
        fitted = curve.spec.curve(xs, curve.theta)
        out = pd.DataFrame({"rate": xs, "fitted": fitted})
        if interval == "none":
            return out
        if curve.vcov is None:
            raise OptionError(
                "no interval: this curve carries no standard errors (published coefficients "
                "without vcov=). Use interval='none'."
            )
        level = check_probability(
            self.confidence_level if confidence_level is None else confidence_level,
            "confidence_level",
        )
        J = curve.spec.jacobian(xs, curve.theta)
        var = np.einsum("ij,jk,ik->i", J, curve.vcov, J)
        if interval == "prediction":
            if not math.isfinite(self.sigma):
                raise OptionError("a prediction interval needs the residual SD (sigma=).")
            var = var + self.sigma**2
        se = np.sqrt(np.maximum(var, 0.0))
        q = t_quantile(level, self.df_resid)
        out["se"] = se
        out["lower"] = fitted - q * se
        out["upper"] = fitted + q * se
        return out

    def optimum(
        self,
        *,
        prices: Any = None,
        price_ratio: Any = None,
        ci: Any = economics.DEFAULT_CI,
        confidence_level: float = 0.95,
        n_boot: int = 999,
        bootstrap: str = "residual",
        rng: Any = None,
    ) -> economics.Optimum:
        """Agronomic (no prices) or economic optimum; see :func:`fertopt.economics.optimum`.

        Examples
        --------
        >>> import fertopt as fo
        >>> k = fo.response_from_coefficients("quadratic", intercept=1689.3, linear=13.338,
        ...                                   quadratic=3.2568, rate_range=(0, 19), nutrient="K2O")
        >>> opt = k.optimum(prices=fo.Prices(crop=2.8, K2O=10.4))
        >>> opt.status, opt.rate
        ('no_maximum', nan)
        """
        return economics.optimum(
            self,
            prices=prices,
            price_ratio=price_ratio,
            ci=ci,
            confidence_level=confidence_level,
            n_boot=n_boot,
            bootstrap=bootstrap,
            rng=rng,
        )

    def net_return_curve(
        self,
        *,
        prices: Any = None,
        price_ratio: Any = None,
        rates: Any = None,
        within: float | None = None,
    ) -> economics.NetReturnCurve:
        """Net return over rates; see :func:`fertopt.economics.net_return_curve`."""
        self._check_converged()
        return economics.net_return_curve(
            self, prices=prices, price_ratio=price_ratio, rates=rates, within=within
        )

    def price_sensitivity(self, **kwargs: Any) -> economics.PriceSensitivity:
        """Optimum over a grid of prices; see :func:`fertopt.economics.price_sensitivity`."""
        self._check_converged()
        return economics.price_sensitivity(self, **kwargs)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Data, fitted curve and band (see :func:`fertopt.plotting.plot_response`)."""
        from fertopt import plotting

        return plotting.plot_response(self, ax=ax, **kwargs)

    # -- display -------------------------------------------------------------
    def equation(self, digits: int = 4) -> str:
        """The fitted equation in words (see :meth:`fertopt.curves.curve.Curve.equation`)."""
        return self._curve.equation(digits)

    def _headline(self, lang: str = "en") -> str:
        if not self.converged:
            model = self.model if lang == "en" else model_name(self.model, lang)
            return label("rf_not_converged", lang, model=model, message=self.message)
        text = model_words(self.equation(4), lang)
        if self.source == "data":
            r2, sigma = format_number(self.r_squared, 3), format_number(self.sigma, 4)
            text += label("rf_headline_stats", lang, n=self.n_obs, r2=r2, sigma=sigma)
        return text

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        model = self.model.replace("_", "-") if lang == "en" else model_name(self.model, lang)
        title = t("rf_title", model=model, response=self.response, rate=self.rate)
        formula = self.curve.spec.formula
        if lang != "en":
            formula = f"{model}：{model_words(formula, lang)}"
        facts = [
            (t("rf_model"), formula),
            (t("rf_equation"), model_words(self.equation(digits), lang)),
        ]
        if self.source == "data":
            facts += [
                (t("rf_plots"), t("rf_plots_text", n=self.n_obs, d=self.n_dropped)),
                (t("rf_tested"), ", ".join(format_number(v, 4) for v in self.rate_levels)),
                (
                    t("rf_residual_sd"),
                    t(
                        "rf_on_df",
                        x=format_number(self.sigma, digits),
                        df=format_number(self.df_resid),
                    ),
                ),
                ("R²", format_number(self.r_squared, digits)),
                (
                    "AIC / AICc / BIC",
                    " / ".join(format_number(v, digits) for v in (self.aic, self.aicc, self.bic)),
                ),
                (t("rf_fitted_by"), self.method),
            ]
            if self.block is not None:
                facts.append((t("rf_blocks"), t("rf_blocks_text", block=repr(self.block))))
        else:
            lo, hi = self.rate_range
            facts.append(
                (
                    t("rf_source"),
                    t("rf_published", lo=format_number(lo, 4), hi=format_number(hi, 4)),
                )
            )
        if self.response_unit or self.rate_unit:
            facts.append(
                (
                    t("rf_units"),
                    t("rf_units_text", y=self.response_unit or "?", x=self.rate_unit or "?"),
                )
            )
        level = f"{self.confidence_level * 100:g} %"
        if lang != "en":
            level = level.replace(" ", "")
        words = {"term": lambda v: model_words(str(v), lang)}
        blocks: list[Any] = [
            Facts(facts),
            localized_table(
                self.params,
                lang,
                title=t("rf_params", level=level),
                formats={"term": None},
                cells=words,
            ),
        ]
        if self.lack_of_fit is not None:
            blocks.append(
                localized_table(
                    self.lack_of_fit,
                    lang,
                    title=t("rf_lof"),
                    formats={"p": "p"},
                    cells={"source": words["term"]},
                )
            )
        blocks.append(
            Notes(
                [translate_message(w, lang) for w in self.warnings],
                title="Warnings" if lang == "en" else t("sec_warnings"),
            )
        )
        return Summary(title, blocks, headline=self._headline(lang), digits=digits)


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
        model=fields["model"],
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
    columns: dict[str, Any] = {"rate": data.x, "response": data.y}
    if block is not None:
        columns["block"] = [prep.block_labels[c] for c in data.blocks.codes]
    columns.update(fitted=fitted, residual=resid)
    frame = pd.DataFrame(columns, index=prep.index)
    effects = None
    if block is not None:
        effects = pd.DataFrame({"block": prep.block_labels, "effect": est.effects})
    fit_warnings = list(prep.warnings)
    if spec.name == "linear_plateau":
        join = float(est.theta[2])
        if np.any(np.abs(data.levels - join) <= 1e-7 * max(abs(join), 1.0)):
            msg = (
                "the linear-plateau join lies exactly on a tested rate "
                f"({format_number(join, 6)}), "
                "where the sum of squares has a kink: its standard error and Wald interval "
                "assume a smoothness the data do not have; prefer ci='profile' or 'bootstrap' "
                "for the optimum"
            )
            fit_warnings.append(msg)
            warnings.warn(msg + ".", ConvergenceWarning, stacklevel=3)
    if spec.name == "quadratic_plateau" and est.theta[2] > data.levels[-1]:
        msg = (
            f"the quadratic-plateau join ({format_number(est.theta[2], 4)}) lies beyond the "
            f"highest tested rate ({format_number(data.levels[-1], 4)}): no plateau was "
            "observed, and within the tested rates the curve is a plain quadratic"
        )
        fit_warnings.append(msg)
        warnings.warn(msg + ".", ExtrapolationWarning, stacklevel=3)
    return _response_fit(
        spec,
        model=spec.name,
        params=params_table(spec, est.theta, vcov, df, level),
        vcov=pd.DataFrame(vcov, index=list(spec.params), columns=list(spec.params)),
        sigma=math.sqrt(s2),
        df_resid=df,
        sse=sse,
        r_squared=1 - sse / sst if sst > 0 else math.nan,
        rmse=math.sqrt(sse / n),
        loglik=loglik,
        aic=aic,
        aicc=aicc,
        bic=bic,
        lack_of_fit=lack_of_fit_table(data, sse, df),
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
        ``'quadratic_plateau'`` or ``'mitscherlich'``.
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
        Text in numeric columns, negative rates, all responses equal, missing
        values with ``nan_policy='raise'``.
    DesignError
        A single distinct rate; fewer distinct rates than the model has
        parameters; no residual degrees of freedom.
    ConvergenceError
        The model cannot be identified from the data (with ``errors='raise'``).

    Warns
    -----
    DataWarning
        Plots left out for missing values.
    DesignWarning
        The rate series is confounded with another nutrient (the plots are named).

    Notes
    -----
    Linear-in-parameter models (linear, quadratic, square root) are fitted by
    statsmodels OLS with QR on the rate divided by its maximum, then scaled
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
    spec = get_model(model)
    level = check_probability(confidence_level, "confidence_level")
    errors = check_errors(errors, "fit_response", former=("return",))
    prep = prepare(data, response, rate, block, other_rates, nan_policy, units, nutrient)
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
