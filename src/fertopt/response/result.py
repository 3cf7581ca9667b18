"""The fitted response curve: :class:`ResponseFit` and what it answers (predictions, optima,
net returns, price sensitivity, the equation).

:mod:`fertopt.response.fit` builds it; the numbers behind it are a
:class:`~fertopt.curves.curve.Curve`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt import economics
from fertopt._core.deferred import deferred_field
from fertopt._core.deprecation import renamed
from fertopt._core.document import Facts, Summary, localized_table, warnings_notes
from fertopt._core.formatting import ResultBase, format_number
from fertopt._core.i18n import check_lang, fit_method_name, label, model_name, model_words
from fertopt._core.validation import (
    check_choice,
    check_probability,
)
from fertopt.curves.curve import Curve
from fertopt.economics.intervals import t_quantile
from fertopt.exceptions import (
    ConvergenceError,
    DataError,
    OptionError,
)

_INTERVALS = ("none", "confidence", "prediction")


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
    chosen_by : str or None
        ``"aicc"`` for ``fit_response(model="best")`` (the model of lowest AICc among those
        that converged); None when the model was named.
    candidates : tuple of (str, float)
        With ``chosen_by``: every model that converged and its AICc, lowest first (the
        chosen model first); the summary lists them under "Model chosen".
    warnings : tuple of str
    curve : Curve
        (property) The fitted curve as one frozen value: model, parameter vector,
        covariance, residuals and data; what optima, net returns and figures use.
    """

    model: str
    params: pd.DataFrame
    vcov: pd.DataFrame | None = deferred_field()
    sigma: float
    df_resid: float
    sse: float
    r_squared: float
    rmse: float
    loglik: float
    aic: float
    aicc: float
    bic: float
    lack_of_fit: pd.DataFrame | None = deferred_field()
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
    block_effects: pd.DataFrame | None = deferred_field()
    data: pd.DataFrame = deferred_field()
    n_obs: int
    n_dropped: int
    confidence_level: float
    source: str
    chosen_by: str | None = None
    candidates: tuple[tuple[str, float], ...] = ()
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

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks of :meth:`summary`, by name, in order.

        ``model`` (formula, plots, tested rates, method, blocks, units), ``fit``
        (equation, residual SD, R², information criteria), ``params``,
        ``lack_of_fit`` (when the rates are replicated) and ``warnings``.  A trial
        report embeds ``fit`` and ``params`` as they are.
        """
        lang = check_lang(lang)

        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        model = self.model.replace("_", "-") if lang == "en" else model_name(self.model, lang)
        formula = self.curve.spec.formula
        if lang != "en":
            formula = f"{model}：{model_words(formula, lang)}"
        about = [(t("rf_model"), formula)]
        if self.chosen_by is not None:
            ranking = ", ".join(
                f"{name if lang == 'en' else model_name(name, lang)} {format_number(v, digits)}"
                for name, v in self.candidates
            )
            about.append(
                (t("rf_chosen"), t("rf_chosen_text", k=len(self.candidates), ranking=ranking))
            )
        fit = [(t("equation"), model_words(self.equation(digits), lang))]
        if self.source == "data":
            about += [
                (t("rf_plots"), t("rf_plots_text", n=self.n_obs, d=self.n_dropped)),
                (t("rf_tested"), ", ".join(format_number(v, 4) for v in self.rate_levels)),
                (t("rf_fitted_by"), fit_method_name(self.method, lang)),
            ]
            if self.block is not None:
                about.append((t("rf_blocks"), t("rf_blocks_text", block=repr(self.block))))
            fit += [
                ("R²", format_number(self.r_squared, digits)),
                (
                    t("rf_residual_sd"),
                    t(
                        "rf_on_df",
                        x=format_number(self.sigma, digits),
                        df=format_number(self.df_resid),
                    ),
                ),
                (
                    "AIC / AICc / BIC",
                    " / ".join(format_number(v, digits) for v in (self.aic, self.aicc, self.bic)),
                ),
            ]
        else:
            lo, hi = self.rate_range
            about.append(
                (
                    t("rf_source"),
                    t("rf_published", lo=format_number(lo, 4), hi=format_number(hi, 4)),
                )
            )
        if self.response_unit or self.rate_unit:
            about.append(
                (
                    t("rf_units"),
                    t("rf_units_text", y=self.response_unit or "?", x=self.rate_unit or "?"),
                )
            )
        level = f"{self.confidence_level * 100:g} %"
        if lang != "en":
            level = level.replace(" ", "")
        words = {"term": lambda v: model_words(str(v), lang)}
        parts: dict[str, Any] = {
            "model": Facts(about),
            "fit": Facts(fit),
            "params": localized_table(
                self.params,
                lang,
                title=t("rf_params", level=level),
                formats={"term": None},
                labels={c: label(f"par_{c}", lang) for c in self.params.columns},
                cells=words,
            ),
        }
        if self.lack_of_fit is not None:
            parts["lack_of_fit"] = localized_table(
                self.lack_of_fit,
                lang,
                title=t("rf_lof"),
                formats={"p": "p"},
                cells={"source": words["term"]},
            )
        parts["warnings"] = warnings_notes(self.warnings, lang)
        return parts

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        model = self.model.replace("_", "-") if lang == "en" else model_name(self.model, lang)
        title = label("rf_title", lang, model=model, response=self.response, rate=self.rate)
        return Summary(
            title,
            list(self.summary_parts(digits, lang).values()),
            headline=self._headline(lang),
            digits=digits,
        )
