"""Calibration curves of relative yield on soil-test value: :func:`fit_calibration`.

The plateau and Mitscherlich curves are fitted by fertopt's response-model engine
(:func:`fertopt.fit_response`: exact profiling of the residual sum of squares over the join or
the curvature between every pair of observed STVs, then a polish), so the least-squares
solution is found even where a Gauss–Newton fit from a self-start stops in a local optimum.
The log curve (RY = a + b·ln STV, the Chinese 丰缺指标 practice) is ordinary least squares on
ln STV.  The CSTV is the join of a plateau model, or the STV at which the curve reaches
``target`` % RY (:mod:`fertopt.soiltest.inverse`), with a Wald (delta-method) interval and, on
request, a percentile bootstrap interval from resampling the sites.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.document import Facts, Summary, localized_table, warnings_notes
from fertopt._core.formatting import ResultBase, format_number
from fertopt._core.i18n import check_lang, label, model_words
from fertopt._core.validation import check_choice, check_probability
from fertopt.curves.engine import FitData, FitFailure, estimate
from fertopt.curves.models import Blocks, get_model
from fertopt.exceptions import (
    ConvergenceError,
    ConvergenceWarning,
    DataWarning,
    ExtrapolationWarning,
    OptionError,
)
from fertopt.response import fit_response
from fertopt.soiltest.checks import (
    MIN_SITES_CURVE,
    check_boot,
    check_rng,
    check_target,
    prepare,
    seeded,
)
from fertopt.soiltest.display import boot_text, interval_text, level_text, sites_text, translator
from fertopt.soiltest.inverse import plateau_of, stv_at

__all__ = [
    "CALIBRATION_MODELS",
    "CalibrationFit",
    "fit_calibration",
    "fit_log",
    "LogFit",
    "boot_thetas",
    "t_quantile",
]

#: Models accepted by ``fit_calibration(model=...)``.
CALIBRATION_MODELS = ("linear_plateau", "quadratic_plateau", "mitscherlich", "log")
_ENGINE = ("linear_plateau", "quadratic_plateau", "mitscherlich")
_PARAMS = {
    "linear_plateau": ("intercept", "slope", "join"),
    "quadratic_plateau": ("intercept", "linear", "join"),
    "mitscherlich": ("asymptote", "rate", "shift"),
    "log": ("intercept", "slope"),
}


# ---------------------------------------------------------------------------
# the log model
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class LogFit:
    """Least-squares fit of RY = a + b·ln(STV): estimates, covariance and fit statistics."""

    theta: np.ndarray
    vcov: np.ndarray
    sse: float
    df_resid: int
    fitted: np.ndarray


def fit_log(x: np.ndarray, y: np.ndarray) -> LogFit:
    """Ordinary least squares of ``y`` on ``ln x`` (x > 0), in closed form."""
    u = np.log(x)
    n = len(u)
    ub = u.mean()
    su = u - ub
    sxx = float(su @ su)
    b = float(su @ (y - y.mean())) / sxx
    a = float(y.mean() - b * ub)
    fitted = a + b * u
    sse = float(((y - fitted) ** 2).sum())
    df = n - 2
    s2 = sse / df if df > 0 else math.nan
    vcov = s2 * np.array([[1 / n + ub * ub / sxx, -ub / sxx], [-ub / sxx, 1 / sxx]])
    return LogFit(np.array([a, b]), vcov, sse, df, fitted)


def _log_curve(x: Any, theta: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return theta[0] + theta[1] * np.log(np.asarray(x, dtype=float))


# ---------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class CalibrationFit(ResultBase):
    """Result of :func:`fit_calibration`: a calibration curve and its critical soil-test value.

    Attributes
    ----------
    model : str
        ``linear_plateau``, ``quadratic_plateau``, ``mitscherlich`` or ``log``.
    params : DataFrame
        ``term``, ``estimate``, ``se``, ``ci_low``, ``ci_high`` (t intervals at ``confidence``).
    vcov : DataFrame
        Covariance of the parameters.
    target : float or None
        Relative yield (%) at which the CSTV is read (None: the join of a plateau model).
    cstv : float
        Critical soil-test value: the join, or the STV at ``target`` (NaN when the curve does not
        reach the target).
    cstv_kind : {'join', 'target'}
    cstv_se : float
        Delta-method standard error of the CSTV.
    cstv_ci : tuple of float
        Wald interval ``cstv ± t·se`` at ``confidence`` (for the join this is R's
        ``nlstools::confint2``).
    cstv_boot_ci : tuple of float or None
        Percentile bootstrap interval (``n_boot`` > 0).
    boot : ndarray or None
        The CSTV of every usable bootstrap resample.
    plateau : float
        Highest RY of the curve (the asymptote of a Mitscherlich curve; NaN for ``log``).
    sigma, df_resid, sse, r_squared, rmse : float
        Residual SD, residual degrees of freedom, residual SS, R², √(SSE/n).
    aic, aicc, bic : float
        Information criteria with σ counted as a parameter (R's ``AIC``, AICcmodavg's
        ``AICc``): compare models on the same sites with ``aicc``.
    confidence : float
    n_boot, n_boot_valid : int
        Resamples asked for, and those that gave a CSTV.
    seed : int or None
        Seed of the resampling.
    data : DataFrame
        ``stv``, ``ry``, ``fitted``, ``residual`` per site.
    stv, ry : hashable
        The columns used.
    n_obs, n_dropped : int
    warnings : tuple of str
    """

    model: str
    params: pd.DataFrame
    vcov: pd.DataFrame
    target: float | None
    cstv: float
    cstv_kind: str
    cstv_se: float
    cstv_ci: tuple[float, float]
    cstv_boot_ci: tuple[float, float] | None
    boot: np.ndarray | None
    plateau: float
    sigma: float
    df_resid: float
    sse: float
    r_squared: float
    rmse: float
    aic: float
    aicc: float
    bic: float
    confidence: float
    n_boot: int
    n_boot_valid: int
    seed: int | None
    data: pd.DataFrame
    stv: Hashable
    ry: Hashable
    n_obs: int
    n_dropped: int
    warnings: tuple[str, ...] = ()
    _theta: np.ndarray = field(default=None, repr=False, compare=False)
    _response: Any = field(default=None, repr=False, compare=False)

    # -- the curve ---------------------------------------------------------------
    @property
    def estimates(self) -> dict[str, float]:
        """Parameter estimates by name."""
        return dict(zip(self.params["term"], self.params["estimate"].astype(float), strict=True))

    def predict(self, stv: Any) -> np.ndarray:
        """Relative yield (%) of the fitted curve at soil-test values ``stv``.

        Examples
        --------
        >>> import pandas as pd, numpy as np, fertopt as fo
        >>> x = np.array([2.0, 4, 8, 16, 32, 64])
        >>> sites = pd.DataFrame({"p": x, "ry": -13.498 + 30.96 * np.log(x)})
        >>> fit = fo.fit_calibration(sites, stv="p", ry="ry", model="log", target=95)
        >>> fit.predict([10.0]).round(3).tolist()
        [57.79]
        """
        x = np.asarray(stv, dtype=float)
        if self.model == "log":
            return _log_curve(x, self._theta)
        return get_model(self.model).curve(x, self._theta)

    def stv_at(self, target: float) -> float:
        """The soil-test value at which the curve reaches ``target`` % relative yield."""
        return stv_at(self.model, self._theta, check_target(target))[0]

    def equation(self, digits: int = 4) -> str:
        """The fitted curve in words, e.g. ``'y = −13.5 + 30.96·ln(p)'``."""
        if self.model != "log":
            return self._response.equation(digits)
        a, b = self._theta
        sign = "−" if b < 0 else "+"
        return (
            f"y = {format_number(a, digits)} {sign} {format_number(abs(b), digits)}·ln({self.stv})"
        )

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """RY against STV with the curve and the CSTV (:func:`fertopt.plotting.plot_soiltest`)."""
        from fertopt import plotting

        return plotting.plot_soiltest(self, ax=ax, **kwargs)

    # -- display -------------------------------------------------------------------
    def _model_text(self, lang: str) -> str:
        return label(f"st_model_{self.model}", lang)

    def _headline(self, lang: str = "en") -> str:
        lo, hi = self.cstv_boot_ci if self.cstv_boot_ci is not None else self.cstv_ci
        kind = "boot" if self.cstv_boot_ci is not None else "wald"
        where = (
            label("st_at_join", lang)
            if self.cstv_kind == "join"
            else label("st_at_target", lang, target=format_number(self.target, 4))
        )
        return label(
            "st_cal_headline",
            lang,
            model=self._model_text(lang),
            cstv=format_number(self.cstv, 4),
            where=where,
            ci=interval_text(lo, hi, 4),
            kind=label(f"st_ci_{kind}", lang),
            n=self.n_obs,
            r2=format_number(self.r_squared, 3),
        )

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks of :meth:`summary`, by name: ``facts``, ``params``, ``warnings``."""
        lang = check_lang(lang)
        t = translator(lang)
        level = level_text(self.confidence, lang)
        cstv_key = "st_cstv_join" if self.cstv_kind == "join" else "st_cstv_target"
        facts = [
            (t("st_method"), self._model_text(lang)),
            (t("equation"), model_words(self.equation(digits), lang)),
            (t("st_columns"), t("st_columns_text", stv=self.stv, ry=self.ry)),
            (t("st_sites"), sites_text(self.n_obs, self.n_dropped, lang)),
            (
                t(cstv_key, target=format_number(self.target, 4) if self.target else ""),
                format_number(self.cstv, digits),
            ),
            (t("st_wald_ci", level=level), interval_text(*self.cstv_ci, digits)),
        ]
        if self.cstv_boot_ci is not None:
            facts += [
                (t("st_boot_ci", level=level), interval_text(*self.cstv_boot_ci, digits)),
                (t("st_bootstrap"), boot_text(self.n_boot_valid, self.n_boot, self.seed, lang)),
            ]
        if math.isfinite(self.plateau):
            facts.append((t(f"st_plateau_{self.model}"), format_number(self.plateau, digits)))
        facts += [
            ("R²", format_number(self.r_squared, digits)),
            (
                t("st_residual_sd"),
                t("rf_on_df", x=format_number(self.sigma, digits), df=format_number(self.df_resid)),
            ),
            (
                "AIC / AICc / BIC",
                " / ".join(format_number(v, digits) for v in (self.aic, self.aicc, self.bic)),
            ),
        ]
        params = localized_table(
            self.params,
            lang,
            title=t("rf_params", level=level),
            formats={"term": None},
            labels={c: label(f"par_{c}", lang) for c in self.params.columns},
            cells={"term": lambda v: model_words(str(v), lang)},
        )
        return {
            "facts": Facts(facts),
            "params": params,
            "warnings": warnings_notes(self.warnings, lang),
        }

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        return Summary(
            label("st_cal_title", lang, model=self._model_text(lang)),
            list(self.summary_parts(digits, lang).values()),
            headline=self._headline(lang),
            digits=digits,
        )


# ---------------------------------------------------------------------------
# fitting
# ---------------------------------------------------------------------------
def t_quantile(level: float, df: float) -> float:
    from scipy import stats  # here: import fertopt stays free of scipy.stats

    return float(stats.t.ppf(0.5 + level / 2, df)) if df > 0 else math.nan


def _engine_fit(
    model: str, x: np.ndarray, y: np.ndarray, stv: Hashable, ry: Hashable, level: float
) -> tuple[Any, list[str]]:
    """fit_response on the sites; its rate-worded warnings re-said for soil tests."""
    frame = pd.DataFrame({stv: x, ry: y})
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = fit_response(
                frame, response=ry, rate=stv, model=model, other_rates=[], confidence_level=level
            )
        except ConvergenceError as exc:
            text = str(exc).replace("tested rates", "observed soil-test values")
            raise ConvergenceError(
                f"the {model} calibration of {ry!r} on {stv!r} cannot be fitted: {text} "
                "Try another model (model='log' or 'mitscherlich'), or cate_nelson_1971."
            ) from None
    for w in caught:
        if issubclass(w.category, ConvergenceWarning) and "linear-plateau join" in str(w.message):
            join = format_number(fit.curve.theta[2], 6)
            notes.append(
                f"the linear-plateau join lies exactly on an observed soil-test value ({join}), "
                "where the residual sum of squares has a kink: its standard error and Wald "
                "interval assume a smoothness the data do not have; prefer the bootstrap "
                "interval (n_boot=1000)"
            )
        elif issubclass(w.category, ExtrapolationWarning):
            notes.append(
                f"the quadratic-plateau join ({format_number(fit.curve.theta[2], 4)}) lies "
                f"beyond the highest soil-test value ({format_number(x.max(), 4)}): no plateau "
                "was observed"
            )
        else:
            warnings.warn(str(w.message), w.category, stacklevel=4)
    return fit, notes


def boot_thetas(
    model: str, x: np.ndarray, y: np.ndarray, n_boot: int, rng: Any
) -> tuple[list[np.ndarray], int]:
    """Parameters of ``model`` refitted to ``n_boot`` resamples of the sites (failures skipped).

    Returns the usable parameter vectors and the seed of the resampling.
    """
    gen, seed = seeded(rng)
    n = len(x)
    out = []
    spec = get_model(model) if model in _ENGINE else None
    for _ in range(n_boot):
        idx = gen.integers(0, n, n)
        xb, yb = x[idx], y[idx]
        try:
            with np.errstate(all="ignore"):
                if spec is None:
                    if np.ptp(xb) == 0:
                        continue
                    theta = fit_log(xb, yb).theta
                else:
                    if len(np.unique(xb)) <= spec.n_params:
                        continue
                    theta = estimate(spec, FitData(xb, yb, Blocks(None, n)), polish=False).theta
        except (FitFailure, np.linalg.LinAlgError, ValueError, ZeroDivisionError):
            continue
        out.append(np.asarray(theta, dtype=float))
    return out, seed


def _boot_cstv(
    model: str, x: np.ndarray, y: np.ndarray, target: float | None, n_boot: int, rng: Any
) -> tuple[np.ndarray, int]:
    thetas, seed = boot_thetas(model, x, y, n_boot, rng)
    values = [th[2] if target is None else stv_at(model, th, target)[0] for th in thetas]
    return np.asarray([float(v) for v in values if math.isfinite(v)]), seed


def fit_calibration(
    data: Any,
    /,
    *,
    stv: Hashable,
    ry: Hashable,
    model: str = "linear_plateau",
    target: float | None = None,
    confidence: float = 0.95,
    n_boot: int = 0,
    rng: Any = None,
) -> CalibrationFit:
    """Fit a calibration curve of relative yield on soil-test value and read its CSTV.

    Parameters
    ----------
    data : DataFrame
        One row per site (trial).
    stv : str
        Soil-test value column (> 0 for ``model='log'``).
    ry : str
        Relative-yield column in **percent** (0–150).
    model : {'linear_plateau', 'quadratic_plateau', 'mitscherlich', 'log'}
        The curve (see :mod:`fertopt.soiltest.inverse` for the formulas).
    target : float, optional
        Relative yield (%) at which to read the CSTV.  Default: the join of a plateau model;
        required for ``mitscherlich`` (e.g. 95) and ``log`` (e.g. 90).  A target at or above the
        plateau gives the join (with a warning), as soiltestcorr does.
    confidence : float, default 0.95
        Level of the parameter and CSTV intervals.
    n_boot : int, default 0
        Bootstrap resamples of the sites (0: none; else at least 50) for a percentile interval
        of the CSTV.
    rng : int, numpy Generator or None
        Seed of the resampling (recorded in ``seed``).

    Returns
    -------
    CalibrationFit
        Parameters with SEs, the CSTV with its Wald and bootstrap intervals, the plateau, R²,
        AIC, AICc and BIC.

    Raises
    ------
    ColumnError
        A column is missing.
    DataError
        RY not in percent or outside 0–150 %; negative STV (or STV ≤ 0 for ``log``); fewer than
        8 sites for a plateau or Mitscherlich curve, 4 for ``log``.
    OptionError
        Unknown ``model``; ``target`` missing for ``mitscherlich`` or ``log``, or outside 0–150.
    ConvergenceError
        The curve cannot be identified from these sites (no plateau, no curvature).

    Warns
    -----
    DataWarning
        Sites left out for a missing value; a target the curve does not reach.
    ConvergenceWarning
        A linear-plateau join on an observed STV (its Wald interval is unreliable).

    Notes
    -----
    The plateau and Mitscherlich curves are those of soiltestcorr 2.2.1 (``linear_plateau``,
    ``quadratic_plateau`` with the same a, b, join parameters; ``mitscherlich`` type 1 with
    a = asymptote, b = shift, c = rate) and agree with it wherever its Gauss–Newton fit reaches
    the least-squares solution.  On ``freitas1966`` it does not for the linear plateau:
    soiltestcorr's join 75.0 (residual SS 2568.5) is a local optimum, the least-squares join is
    56.0 (SS 2410.9), which fertopt's exact profiling over the join finds.

    The Wald interval of a CSTV read at a target uses the delta method on the inverse curve;
    the bootstrap resamples sites with replacement (as soiltestcorr's ``boot_*`` functions).

    References
    ----------
    Anderson, R.L. & Nelson, L.A. (1975). A family of models involving intersecting straight
    lines and concomitant experimental designs useful in evaluating response to fertilizer
    nutrients. Biometrics 31: 303–318.

    Correndo, A.A., Pearce, A., Bolster, C.H., Spargo, J.T., Osmond, D. & Ciampitti, I.A.
    (2023). The soiltestcorr R package. SoftwareX 21: 101275.

    Examples
    --------
    >>> import pandas as pd, numpy as np, fertopt as fo
    >>> x = np.array([2.0, 4, 8, 16, 32, 64])
    >>> sites = pd.DataFrame({"p": x, "ry": -13.498 + 30.96 * np.log(x)})
    >>> fit = fo.fit_calibration(sites, stv="p", ry="ry", model="log", target=95)
    >>> round(fit.cstv, 1), fit.equation(5)
    (33.3, 'y = -13.498 + 30.96·ln(p)')
    """
    model = check_choice(model, "model", CALIBRATION_MODELS)
    level = check_probability(confidence, "confidence")
    n_boot = check_boot(n_boot)
    check_rng(rng)
    if target is not None:
        target = check_target(target)
    elif model in ("mitscherlich", "log"):
        raise OptionError(
            f"model={model!r} has no join: give the relative yield at which to read the critical "
            "soil-test value, e.g. target=90 (or 95 for a Mitscherlich curve)."
        )
    minimum = MIN_SITES_CURVE if model in _ENGINE else 4
    prep = prepare(
        data, stv, ry, minimum=minimum, positive=model == "log", what=f"a {model} calibration"
    )
    x, y = prep.x, prep.y
    notes = list(prep.warnings)
    response = None
    if model == "log":
        if np.ptp(x) == 0:
            raise OptionError("every site has the same soil-test value: no curve can be fitted.")
        lf = fit_log(x, y)
        theta, cov, sse, df, fitted = lf.theta, lf.vcov, lf.sse, float(lf.df_resid), lf.fitted
        se = np.sqrt(np.diag(cov))
        q = t_quantile(level, df)
        params = pd.DataFrame(
            {
                "term": list(_PARAMS[model]),
                "estimate": theta,
                "se": se,
                "ci_low": theta - q * se,
                "ci_high": theta + q * se,
            }
        )
        n = len(x)
        k = 3
        loglik = -0.5 * n * (math.log(2 * math.pi) + math.log(sse / n) + 1)
        aic = -2 * loglik + 2 * k
        aicc = aic + 2 * k * (k + 1) / (n - k - 1) if n - k - 1 > 0 else math.inf
        bic = -2 * loglik + math.log(n) * k
        sst = float(((y - y.mean()) ** 2).sum())
        r2 = 1 - sse / sst if sst > 0 else math.nan
        sigma = math.sqrt(sse / df)
    else:
        response, more = _engine_fit(model, x, y, stv, ry, level)
        notes += more
        theta = np.asarray(response.curve.theta, dtype=float)
        cov = np.asarray(response.curve.vcov, dtype=float)
        params = response.params.copy()
        sse, df = float(response.sse), float(response.df_resid)
        aic, aicc, bic = float(response.aic), float(response.aicc), float(response.bic)
        r2, sigma = float(response.r_squared), float(response.sigma)
        fitted = response.curve.value(x)
    if target is None:
        cstv, grad, note = float(theta[2]), np.array([0.0, 0.0, 1.0]), ""
    else:
        cstv, grad, note = stv_at(model, theta, target)
    plateau = plateau_of(model, theta)
    if note == "above_plateau":
        notes.append(
            f"the target ({format_number(target, 4)} %) is at or above the plateau of the curve "
            f"({format_number(plateau, 4)} %): the critical soil-test value is the join"
        )
    elif note in ("not_reached", "not_rising"):
        why = (
            f"the curve levels off at {format_number(plateau, 4)} %, below the target "
            f"({format_number(target, 4)} %)"
            if note == "not_reached"
            else "the fitted curve does not rise with the soil-test value"
        )
        notes.append(f"no critical soil-test value: {why}")
    for text in notes[len(prep.warnings) :]:
        if "no critical soil-test value" in text or "at or above the plateau" in text:
            warnings.warn(text + ".", DataWarning, stacklevel=2)
        elif "linear-plateau join" in text:
            warnings.warn(text + ".", ConvergenceWarning, stacklevel=2)
    se_c = float(math.sqrt(grad @ cov @ grad)) if np.all(np.isfinite(grad)) else math.nan
    q = t_quantile(level, df)
    wald = (cstv - q * se_c, cstv + q * se_c)
    boot, seed, boot_ci = None, None, None
    if n_boot:
        boot, seed = _boot_cstv(model, x, y, target, n_boot, rng)
        if len(boot) >= max(10, n_boot // 2):
            alpha = 1 - level
            lo, hi = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
            boot_ci = (float(lo), float(hi))
        else:
            msg = (
                f"only {len(boot)} of {n_boot} bootstrap resamples gave a critical soil-test "
                "value: no bootstrap interval"
            )
            notes.append(msg)
            warnings.warn(msg + ".", ConvergenceWarning, stacklevel=2)
    frame = pd.DataFrame(
        {"stv": x, "ry": y, "fitted": fitted, "residual": y - fitted}, index=prep.index
    )
    names = list(_PARAMS[model])
    return CalibrationFit(
        model=model,
        params=params,
        vcov=pd.DataFrame(cov, index=names, columns=names),
        target=target,
        cstv=cstv,
        cstv_kind="join" if target is None else "target",
        cstv_se=se_c,
        cstv_ci=wald,
        cstv_boot_ci=boot_ci,
        boot=boot,
        plateau=plateau,
        sigma=sigma,
        df_resid=df,
        sse=sse,
        r_squared=r2,
        rmse=math.sqrt(sse / len(x)),
        aic=aic,
        aicc=aicc,
        bic=bic,
        confidence=level,
        n_boot=n_boot,
        n_boot_valid=0 if boot is None else len(boot),
        seed=seed,
        data=frame,
        stv=stv,
        ry=ry,
        n_obs=len(x),
        n_dropped=prep.n_dropped,
        warnings=tuple(notes),
        _theta=theta,
        _response=response,
    )
