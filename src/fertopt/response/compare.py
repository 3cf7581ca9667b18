"""Several response models fitted to the same plots: information criteria, lack of fit."""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.document import Facts, Notes, Summary, Table
from fertopt._core.formatting import ResultBase, data_decimals, fixed
from fertopt._core.i18n import check_lang, label, model_name, translate_message
from fertopt._core.validation import check_choice, check_probability
from fertopt.curves.models import MODEL_NAMES, get_model
from fertopt.exceptions import (
    ConvergenceError,
    ExtrapolationWarning,
    OptionError,
)
from fertopt.response.checks import prepare
from fertopt.response.fit import CRITERIA, ResponseFit, fit_models, select_best

__all__ = ["ModelComparison", "compare_models"]

_DEFAULT_MODELS = (
    "linear",
    "quadratic",
    "square_root",
    "linear_plateau",
    "quadratic_plateau",
    "mitscherlich",
)


# ---------------------------------------------------------------------------
# model comparison
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class ModelComparison(ResultBase):
    """Several response models fitted to the same plots.

    Attributes
    ----------
    table : DataFrame
        One row per model: ``model, n_params, converged, sse, sigma, rmse, r2,
        aic, aicc, bic, delta_aicc, weight, lof_f, lof_p, agronomic_rate,
        message``.  ``weight`` is the Akaike weight from AICc among converged
        models; ``lof_*`` the lack-of-fit test against pure error (NaN without
        replication); ``agronomic_rate`` the rate of maximum yield (NaN when the
        curve has none).
    fits : dict
        ``model -> ResponseFit`` for every converged model.
    n_obs, n_dropped : int
    warnings : tuple of str
    """

    table: pd.DataFrame
    fits: dict[str, ResponseFit]
    n_obs: int
    n_dropped: int
    warnings: tuple[str, ...] = ()

    def best(self, criterion: str = "aicc") -> ResponseFit:
        """The converged fit with the smallest ``aicc``, ``aic``, ``bic`` or ``rmse``.

        Choosing by R² is not offered: it always favours more parameters.
        """
        check_choice(criterion, "criterion", CRITERIA)
        if not self.fits:
            raise ConvergenceError("no model converged; see the message column of the table.")
        return select_best(self.fits, criterion)

    def optima(
        self,
        *,
        prices: Any = None,
        price_ratio: Any = None,
        ci: str | None = None,
        confidence_level: float = 0.95,
    ) -> pd.DataFrame:
        """Optimum of every converged model: how much the recommendation depends on the model.

        Returns
        -------
        DataFrame
            ``model, rate, status, extrapolated, yield_at_rate, net_return, ci_low, ci_high``.
        """
        rows = []
        for name, fit in self.fits.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ExtrapolationWarning)
                use_ci = ci if not (ci == "fieller" and not fit.curve.spec.fieller) else "delta"
                o = fit.optimum(
                    prices=prices,
                    price_ratio=price_ratio,
                    ci=use_ci,
                    confidence_level=confidence_level,
                )
            lo, hi = o.ci if o.ci is not None else (math.nan, math.nan)
            rows.append(
                {
                    "model": name,
                    "rate": o.rate,
                    "status": o.status,
                    "extrapolated": o.extrapolated,
                    "yield_at_rate": o.yield_at_rate,
                    "net_return": o.net_return,
                    "ci_low": lo,
                    "ci_high": hi,
                }
            )
        return pd.DataFrame(
            rows,
            columns=[
                "model",
                "rate",
                "status",
                "extrapolated",
                "yield_at_rate",
                "net_return",
                "ci_low",
                "ci_high",
            ],
        )

    def _headline(self, lang: str = "en") -> str:
        ok = self.table[self.table["converged"]]
        if ok.empty:
            return label("cm_none", lang, k=len(self.table))
        best = ok.sort_values("aicc", kind="stable")["model"].iloc[0]
        if lang != "en":
            best = model_name(best, lang)
        return label("cm_headline", lang, ok=len(ok), k=len(self.table), best=best)

    def summary_parts(
        self, digits: int = 4, lang: str = "en", *, criteria: str = "all"
    ) -> dict[str, Any]:
        """The blocks of :meth:`summary`, by name, in order.

        ``plots`` (plots used and dropped), ``table`` (one row per model, labelled
        columns, the models named in words) and ``warnings`` (models that did not
        converge, and the warnings).  A trial report embeds ``table`` as it is.

        Parameters
        ----------
        digits : int, default 4
            Significant digits of the numbers.
        lang : {"en", "zh"}
        criteria : {"all", "aicc"}, default "all"
            The information criteria the table shows: AIC, AICc and BIC, or only AICc
            (with its Δ and Akaike weight, from which :meth:`best` chooses), as a trial
            report does.
        """
        lang = check_lang(lang)
        check_choice(criteria, "criteria", ("all", "aicc"))
        cols = [c for c in _TABLE_COLUMNS if criteria == "all" or c not in ("aic", "bic")]
        shown = self.table[cols].assign(model=[model_name(m, lang) for m in self.table["model"]])
        plots = label("rf_plots_text", lang, n=self.n_obs, d=self.n_dropped)
        failed = [
            f"{m if lang == 'en' else model_name(m, lang)}: {translate_message(msg, lang)}"
            for m, msg, c in zip(
                self.table["model"], self.table["message"], self.table["converged"], strict=True
            )
            if not c
        ]
        # RMSE in yield units, at the data's decimals
        observed = [f.data["response"] for f in self.fits.values() if "response" in f.data]
        rmse = fixed(data_decimals(pd.concat(observed))) if observed else None
        return {
            "plots": Facts([(label("rf_plots", lang), plots)]),
            "table": Table(
                shown,
                formats={
                    "lof_p": "p",
                    "n_params": "int",
                    "converged": lambda v: label("yes" if v else "no", lang),
                    # the rounding policy: weights like p-values (no 4.342e-06), criteria
                    # to 0.01, R² to 4 decimals, rates to 0.1
                    "weight": "prob",
                    "aicc": ".2f",
                    "aic": ".2f",
                    "bic": ".2f",
                    "delta_aicc": ".2f",
                    "r2": ".4f",
                    "agronomic_rate": "rate",
                    "rmse": rmse,
                },
                labels={c: label(f"cmp_{c}", lang) for c in cols},
            ),
            "warnings": Notes(
                failed + [translate_message(w, lang) for w in self.warnings],
                title=label("sec_warnings", lang),
            ),
        }

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        return Summary(
            label("cm_title", lang),
            list(self.summary_parts(digits, lang).values()),
            headline=self._headline(lang),
            digits=digits,
        )


#: The columns of the comparison table that a summary shows, in order.
_TABLE_COLUMNS = (
    "model",
    "n_params",
    "converged",
    "rmse",
    "r2",
    "aic",
    "aicc",
    "bic",
    "delta_aicc",
    "weight",
    "lof_p",
    "agronomic_rate",
)


def compare_models(
    data: Any,
    /,
    *,
    response: Hashable,
    rate: Hashable,
    models: Sequence[str] = _DEFAULT_MODELS,
    block: Hashable | None = None,
    nutrient: str | None = None,
    units: Mapping[str, str] | None = None,
    other_rates: Any = None,
    nan_policy: str = "omit",
    confidence_level: float = 0.95,
    allow_negative: bool = False,
) -> ModelComparison:
    """Fit several response models to the same plots and compare them.

    Parameters are those of :func:`fit_response`; ``models`` lists the models
    (default: all six).  A model that cannot be fitted, or that needs more
    distinct rates than the data have, is reported with ``converged=False``
    and the reason; it does not stop the comparison.

    Returns
    -------
    ModelComparison

    Notes
    -----
    AIC, AICc and BIC count the block effects and σ (R's ``AIC``); break-point
    models have an irregular likelihood, so their penalties are approximate.
    Lack of fit: ``F = [(SSE − SS_pe)/(df − df_pe)] / (SS_pe/df_pe)``.  Do not
    choose models by R².

    Examples
    --------
    >>> import pandas as pd, fertopt as fo
    >>> df = pd.DataFrame({"N": [0, 0, 50, 50, 100, 100, 150, 150, 200, 200],
    ...                    "yield": [4.0, 4.2, 6.1, 5.9, 7.4, 7.6, 7.9, 8.1, 8.0, 7.8]})
    >>> cmp = fo.compare_models(df, response="yield", rate="N", models=("linear", "quadratic"))
    >>> cmp.table[["model", "converged", "n_params"]]
           model  converged  n_params
    0     linear       True         2
    1  quadratic       True         3
    >>> cmp.best().model
    'quadratic'
    """
    level = check_probability(confidence_level, "confidence_level")
    if isinstance(models, str):
        models = (models,)
    models = tuple(models)
    if not models:
        raise OptionError("models is empty; name at least one model.")
    for m in models:
        check_choice(m, "model", MODEL_NAMES)
    prep = prepare(
        data, response, rate, block, other_rates, nan_policy, units, nutrient, allow_negative
    )
    fits, failed = fit_models(prep, models, response, rate, block, level)
    rows = []
    for name in models:
        spec = get_model(name)
        row = {"model": name, "n_params": spec.n_params, "converged": False}
        if name in failed:
            row["message"] = failed[name]
            rows.append(row)
            continue
        fit = fits[name]
        sol = spec.solve(fit.curve.theta, 0.0)
        lof = fit.lack_of_fit
        row.update(
            converged=True,
            sse=fit.sse,
            sigma=fit.sigma,
            rmse=fit.rmse,
            r2=fit.r_squared,
            aic=fit.aic,
            aicc=fit.aicc,
            bic=fit.bic,
            lof_f=float(lof["f"].iloc[0]) if lof is not None else math.nan,
            lof_p=float(lof["p"].iloc[0]) if lof is not None else math.nan,
            agronomic_rate=float(sol.rate) if sol.case != "none" else math.nan,
            message=fit.message,
        )
        rows.append(row)
    cols = [
        "model",
        "n_params",
        "converged",
        "sse",
        "sigma",
        "rmse",
        "r2",
        "aic",
        "aicc",
        "bic",
        "delta_aicc",
        "weight",
        "lof_f",
        "lof_p",
        "agronomic_rate",
        "message",
    ]
    table = pd.DataFrame(rows).reindex(columns=cols)
    table["converged"] = table["converged"].astype(bool)
    table["n_params"] = table["n_params"].astype(int)
    ok = table["converged"] & np.isfinite(table["aicc"].astype(float))
    if ok.any():
        d = table["aicc"].astype(float) - table.loc[ok, "aicc"].astype(float).min()
        table["delta_aicc"] = d.where(ok)
        w = np.exp(-0.5 * d.where(ok).fillna(np.inf))
        table["weight"] = (w / w.sum()).where(ok)
    for c in cols[3:-1]:
        table[c] = table[c].astype(float)
    table["message"] = table["message"].astype(object)
    return ModelComparison(
        table=table,
        fits=fits,
        n_obs=len(prep.x),
        n_dropped=prep.n_dropped,
        warnings=tuple(prep.warnings),
    )
