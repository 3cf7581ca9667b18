"""The per-trial ("python") path: the public single-trial functions, one trial at a time.

Each stage of a trial's analysis runs inside ``warnings.catch_warnings`` and
``try``/``except``, so that whatever one trial does (raise, warn) is recorded
against that trial and never reaches the others.  The vectorized engine is
checked against this path: it must give the same rows.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fertopt._core.document import Facts, Notes, Paragraph, Summary, localized_table, warnings_notes
from fertopt._core.formatting import ResultBase
from fertopt._core.i18n import label, translate_message
from fertopt.anova import AnovaResult, anova
from fertopt.curves.models import get_model
from fertopt.exceptions import FertoptError
from fertopt.multcomp import letter_test
from fertopt.response import fit_response
from fertopt.surface import fit_surface
from fertopt.surface import poly as _ps
from fertopt.three414 import check_treatment_codes, three414

__all__ = [
    "Plan",
    "TrialResult",
    "TrialOutcome",
    "analyse_trial",
    "ANOVA_COLUMNS",
    "POSTHOC_COLUMNS",
    "table_columns",
    "extra_stages",
]

# catch_warnings changes interpreter-wide state: trials analysed in threads of one
# process (threaded Dask workers) take turns.
WARNINGS_LOCK = threading.RLock()

#: ANOVA columns of ``BatchResult.table`` and their dtypes.
ANOVA_COLUMNS: dict[str, str] = {
    "design": "str",
    "n_obs": "Int64",
    "n_dropped": "Int64",
    "n_treatments": "Int64",
    "n_blocks": "Int64",
    "balanced": "boolean",
    "grand_mean": "float64",
    "cv": "float64",
    "mse": "float64",
    "df_resid": "float64",
    "df_treatment": "float64",
    "f": "float64",
    "p": "float64",
    "df_block": "float64",
    "f_block": "float64",
    "p_block": "float64",
    "r_squared": "float64",
}


#: Multiple-comparison columns of ``BatchResult.table``.
POSTHOC_COLUMNS: dict[str, str] = {
    "letters_method": "str",
    "n_letters": "Int64",
}


@dataclass(frozen=True)
class Plan:
    """What to compute for every trial (validated by :func:`fertopt.run_batch`)."""

    by: tuple[Hashable, ...]
    response: Hashable
    treatment: Hashable
    block: Hashable | None = None
    rates: tuple[Hashable, ...] = ()
    posthoc: str | None = None
    alpha: float = 0.05
    surface: str | None = None
    model: str | None = None
    prices: Any = None
    #: (nutrient, rate column) in N, P, K order when the trials are 3414 trials (the plan of
    #: fertopt.plan_analysis), whose rates then come from fertopt.three414; empty otherwise
    three414: tuple[tuple[str, Hashable], ...] = ()

    @property
    def columns(self) -> list[Hashable]:
        """Data columns the analysis reads (keys first), without repeats."""
        cols = [*self.by, self.response, self.treatment]
        if self.block is not None:
            cols.append(self.block)
        cols += list(self.rates)
        return list(dict.fromkeys(cols))

    @property
    def stages(self) -> tuple[str, ...]:
        out = ["anova"]
        if self.posthoc is not None:
            out.append("posthoc")
        if self.surface is not None:
            out += ["surface", "canonical", "optimum"]
        if self.model is not None:
            out += ["response", "optimum"]
        if self.three414:
            out.append("three414")
        return tuple(out)


def surface_terms(plan: Plan) -> list[str]:
    """Names of the candidate terms of the plan's surface (intercept first)."""
    nutrients = tuple(str(r) for r in plan.rates)
    return [_ps.term_name(p, nutrients) for p in _ps.candidate_terms(len(nutrients), "quadratic")]


def surface_columns(plan: Plan) -> dict[str, str]:
    """Surface, canonical-analysis and optimum columns of ``BatchResult.table``."""
    nutrients = [str(r) for r in plan.rates]
    cols = {f"coef_{t}": "float64" for t in surface_terms(plan)}
    cols.update(
        {
            "surface_r2": "float64",
            "surface_adj_r2": "float64",
            "surface_rmse": "float64",
            "surface_df_resid": "float64",
            "surface_f": "float64",
            "surface_p": "float64",
            "surface_lof_p": "float64",
            "surface_kind": "str",
        }
    )
    cols.update({f"stationary_{n}": "float64" for n in nutrients})
    cols.update(
        {"stationary_yield": "float64", "stationary_inside": "boolean", "opt_status": "str"}
    )
    cols.update({f"opt_{n}": "float64" for n in nutrients})
    cols.update({"opt_yield": "float64", "opt_net_return": "float64", "opt_binding": "str"})
    cols["unit_warning"] = "str"
    return cols


def model_columns(plan: Plan) -> dict[str, str]:
    """Response-model and optimum columns of ``BatchResult.table``."""
    cols = {"model_converged": "boolean"}
    cols.update({f"coef_{name}": "float64" for name in get_model(plan.model).params})
    cols.update(
        {
            "model_r2": "float64",
            "model_sigma": "float64",
            "model_aic": "float64",
            "opt_status": "str",
            "opt_rate": "float64",
            "opt_yield": "float64",
            "opt_net_return": "float64",
            "opt_ci_low": "float64",
            "opt_ci_high": "float64",
            "unit_warning": "str",
        }
    )
    return cols


def three414_columns(plan: Plan) -> dict[str, str]:
    """The 3414 recommendation columns of ``BatchResult.table``."""
    cols: dict[str, str] = {}
    for nutrient, _column in plan.three414:
        cols.update(
            {
                f"rec_{nutrient}": "float64",
                f"rec_source_{nutrient}": "str",
                f"rec_status_{nutrient}": "str",
                f"relative_yield_{nutrient}": "float64",
                f"abundance_{nutrient}": "str",
            }
        )
    return cols


def table_columns(plan: Plan) -> dict[str, str]:
    """Result columns of ``BatchResult.table`` (after keys and lead columns), with dtypes."""
    cols = dict(ANOVA_COLUMNS)
    if plan.posthoc is not None:
        cols.update(POSTHOC_COLUMNS)
    if plan.surface is not None:
        cols.update(surface_columns(plan))
    if plan.model is not None:
        cols.update(model_columns(plan))
    if plan.three414:
        cols.update(three414_columns(plan))
    return cols


# ---------------------------------------------------------------------------
# the full result of one trial
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class TrialResult(ResultBase):
    """Every result computed for one trial of a batch (from ``BatchResult.results``).

    Attributes
    ----------
    key : object
        The trial's key (a tuple when ``by`` names several columns).
    anova : AnovaResult or None
        None when the analysis of variance failed (see ``errors``; an
        unreplicated trial has no ANOVA, but can have a surface).
    posthoc : MultCompResult or None
        Letters and pairwise tests (``posthoc=``).
    surface : SurfaceFit or None
        The fitted response surface (``surface=``).
    canonical : CanonicalResult or None
        Its canonical analysis.
    fit : object or None
        The fitted single-nutrient response model (``model=``).
    optimum : object or None
        The optimum of the surface or of the response model.
    three414 : Three414Result or None
        The 3414 analysis, when the trials are 3414 trials.
    errors : DataFrame
        ``stage | error | message`` for every stage that raised.
    warning_records : DataFrame
        ``stage | category | message`` for every warning issued.
    warnings : tuple of str
        The warning messages, prefixed by their stage.
    """

    key: Any
    anova: AnovaResult | None = None
    posthoc: Any = None
    surface: Any = None
    canonical: Any = None
    fit: Any = None
    optimum: Any = None
    three414: Any = None
    errors: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["stage", "error", "message"])
    )
    warning_records: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["stage", "category", "message"])
    )
    warnings: tuple[str, ...] = ()

    def _headline(self, lang: str = "en") -> str:
        def t(name: str, **fields: Any) -> str:
            return label(name, lang, **fields)

        text = t("tr_headline", key=repr(self.key) if lang == "en" else self.key)
        parts = [p for p in (self.anova, self.surface, self.fit, self.three414) if p is not None]
        if not parts:
            first = self.errors.iloc[0] if len(self.errors) else None
            if first is None:
                return text
            stage, error = first["stage"], first["error"]
            if lang != "en":
                stage, error = t(f"stage_{stage}"), t(f"err_{error}")
            return text + t("tr_failed_at", stage=stage, error=error)
        first_line = parts[0].headline() if lang == "en" else parts[0].summary(lang=lang).headline
        text += " | " + first_line
        if len(self.errors):
            text += t("tr_stages_failed", n=len(self.errors))
        return text

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        def t(name: str, **fields: Any) -> str:
            return label(name, lang, **fields)

        blocks: list[Any] = [Facts([(t("tr_trial"), str(self.key))])]
        for part in (
            self.anova,
            self.posthoc,
            self.surface,
            self.canonical,
            self.fit,
            self.optimum,
            self.three414,
        ):
            if part is None:
                continue
            sub = part.summary(digits, lang)
            blocks.append(Paragraph(sub.headline or "", title=sub.title))
            blocks += [blk for blk in sub.blocks if not isinstance(blk, Notes)]
        if len(self.errors):
            blocks.append(
                localized_table(
                    self.errors,
                    lang,
                    title=t("tr_failed_stages"),
                    cells={
                        "stage": lambda v: t(f"stage_{v}"),
                        "error": lambda v: t(f"err_{v}"),
                        "message": lambda v: translate_message(v, lang),
                    },
                    keys={"stage": "bt_col_stage", "error": "bt_col_error"},
                )
            )
        blocks.append(warnings_notes(self.warnings, lang))
        return Summary(
            t("tr_title", key=self.key), blocks, headline=self._headline(lang), digits=digits
        )


# ---------------------------------------------------------------------------
# rows of the batch tables
# ---------------------------------------------------------------------------
def _term_stats(aov: AnovaResult, name: Hashable) -> tuple[float, float, float]:
    rows = aov.table.loc[aov.table["source"] == str(name)]
    if rows.empty:
        return math.nan, math.nan, math.nan
    row = rows.iloc[0]
    return float(row["df"]), float(row["f"]), float(row["p"])


def anova_row(aov: AnovaResult, plan: Plan) -> dict[str, Any]:
    """The ANOVA columns of a trial's row."""
    df_t, f_t, p_t = _term_stats(aov, plan.treatment)
    if plan.block is not None:
        df_b, f_b, p_b = _term_stats(aov, plan.block)
        n_blocks: Any = len(aov.data[plan.block].cat.categories)
    else:
        df_b = f_b = p_b = math.nan
        n_blocks = pd.NA
    return {
        "design": aov.design,
        "n_obs": aov.n_obs,
        "n_dropped": aov.n_dropped,
        "n_treatments": len(aov.data[plan.treatment].cat.categories),
        "n_blocks": n_blocks,
        "balanced": bool(aov.balanced),
        "grand_mean": aov.grand_mean,
        "cv": aov.cv,
        "mse": aov.mse,
        "df_resid": aov.df_resid,
        "df_treatment": df_t,
        "f": f_t,
        "p": p_t,
        "df_block": df_b,
        "f_block": f_b,
        "p_block": p_b,
        "r_squared": aov.r_squared,
    }


def posthoc_row(mc: Any) -> dict[str, Any]:
    """The multiple-comparison columns of a trial's row."""
    letters = set("".join(mc.groups["letters"]))
    return {"letters_method": mc.letters_method, "n_letters": len(letters)}


def binding_text(nutrients: list[str], sides: list[int]) -> str:
    """``"N:upper, K2O:lower"`` for the bounds an optimum sits on ("" when none)."""
    words = {-1: "lower", 1: "upper"}
    return ", ".join(f"{n}:{words[s]}" for n, s in zip(nutrients, sides, strict=True) if s in words)


def fit_row(surf: Any, plan: Plan) -> dict[str, Any]:
    """The surface-fit columns of a trial's row."""
    est = dict(
        zip(surf.coefficients["term"], surf.coefficients["estimate"].astype(float), strict=True)
    )
    row: dict[str, Any] = {f"coef_{t}": est.get(t, math.nan) for t in surface_terms(plan)}
    reg = surf.anova.loc[surf.anova["source"] == "regression"]
    lof = surf.anova.loc[surf.anova["source"] == "lack_of_fit"]
    row.update(
        {
            "surface_r2": surf.r_squared,
            "surface_adj_r2": surf.adj_r_squared,
            "surface_rmse": surf.sigma,
            "surface_df_resid": float(surf.df_resid),
            "surface_f": float(reg["f"].iloc[0]) if len(reg) else math.nan,
            "surface_p": float(reg["p"].iloc[0]) if len(reg) else math.nan,
            "surface_lof_p": float(lof["p"].iloc[0]) if len(lof) else math.nan,
        }
    )
    return row


def canonical_row(can: Any, plan: Plan) -> dict[str, Any]:
    """The canonical-analysis columns of a trial's row."""
    row: dict[str, Any] = {"surface_kind": can.kind}
    point = can.stationary_point or {}
    for n in plan.rates:
        row[f"stationary_{n}"] = float(point.get(str(n), math.nan))
    row["stationary_yield"] = (
        math.nan if can.stationary_yield is None else float(can.stationary_yield)
    )
    row["stationary_inside"] = bool(can.inside)
    return row


def optimum_row(opt: Any, plan: Plan) -> dict[str, Any]:
    """The optimum columns of a trial's row."""
    rates = opt.rates or {}
    row: dict[str, Any] = {"opt_status": opt.status}
    for n in plan.rates:
        row[f"opt_{n}"] = float(rates.get(str(n), math.nan))
    row["opt_yield"] = math.nan if opt.yield_at_rates is None else float(opt.yield_at_rates)
    row["opt_net_return"] = math.nan if opt.net_return is None else float(opt.net_return)
    sides = {"lower": -1, "upper": 1}
    row["opt_binding"] = binding_text(
        [str(n) for n in opt.binding["nutrient"]],
        [sides.get(v, 0) for v in opt.binding["at_bound"]],
    )
    row["unit_warning"] = opt.unit_warning or ""
    return row


def run_model(frame: pd.DataFrame, plan: Plan) -> Any:
    """The plan's single-nutrient response model fitted to one trial (non-convergence returned)."""
    return fit_response(
        frame,
        response=plan.response,
        rate=plan.rates[0],
        model=plan.model,
        block=plan.block,
        errors="record",
    )


def model_row(fit: Any) -> dict[str, Any]:
    """The response-model columns of a trial's row."""
    row: dict[str, Any] = {"model_converged": bool(fit.converged)}
    for name, value in zip(fit.params["term"], fit.params["estimate"], strict=True):
        row[f"coef_{name}"] = float(value)
    row.update(
        {
            "model_r2": float(fit.r_squared),
            "model_sigma": float(fit.sigma),
            "model_aic": float(fit.aic),
        }
    )
    return row


def model_optimum_row(opt: Any) -> dict[str, Any]:
    """The optimum columns of a trial's row (single-nutrient model)."""
    low, high = opt.ci if opt.ci is not None else (math.nan, math.nan)
    return {
        "opt_status": opt.status,
        "opt_rate": float(opt.rate),
        "opt_yield": float(opt.yield_at_rate),
        "opt_net_return": float(opt.net_return),
        "opt_ci_low": float(low),
        "opt_ci_high": float(high),
        "unit_warning": opt.unit_warning or "",
    }


def model_stages(
    frame: pd.DataFrame, plan: Plan, record: list, errs: list, raise_errors: bool
) -> tuple[dict[str, Any], Any, Any]:
    """Fit the response model and its optimum; returns (row columns, fit, optimum)."""
    row: dict[str, Any] = {}
    fit = _run_stage("response", lambda: run_model(frame, plan), record, errs, raise_errors)
    opt = None
    if fit is not None:
        row.update(model_row(fit))
        opt = _run_stage(
            "optimum", lambda: fit.optimum(prices=plan.prices), record, errs, raise_errors
        )
        if opt is not None:
            row.update(model_optimum_row(opt))
    return row, fit, opt


def uses_3414_codes(plan: Plan) -> bool:
    """Whether the trials' treatment labels are checked as 3414 codes (a 3-nutrient surface)."""
    return plan.surface is not None and len(plan.rates) == 3


def check_codes_of(frame: pd.DataFrame, plan: Plan) -> None:
    """:func:`fertopt.three414.check_treatment_codes` on one trial of the plan."""
    columns = {str(r): r for r in plan.rates}
    check_treatment_codes(frame, plan.treatment, columns, swaps_only=True)


def run_three414(frame: pd.DataFrame, plan: Plan) -> Any:
    """:func:`fertopt.three414` on one trial, with the roles and prices of the batch.

    The same call as the 3414 section of :func:`fertopt.trial_report`, so a trial gets the
    same recommended rates from the batch as from its report.
    """
    return three414(
        frame,
        response=plan.response,
        rates=dict(plan.three414),
        block=plan.block,
        prices=plan.prices,
        alpha=plan.alpha,
    )


def three414_row(result: Any) -> dict[str, Any]:
    """The 3414 recommendation columns of a trial's row."""
    row: dict[str, Any] = {}
    classes = result.relative_yield.set_index("nutrient")
    for r in result.recommendations.itertuples():
        n = r.nutrient
        row[f"rec_{n}"] = float(r.rate)
        row[f"rec_source_{n}"] = r.source
        row[f"rec_status_{n}"] = r.status
        row[f"relative_yield_{n}"] = float(classes.loc[n, "relative_yield"])
        row[f"abundance_{n}"] = classes.loc[n, "abundance"]
    return row


def extra_stages(
    frame: pd.DataFrame, plan: Plan, record: list, errs: list, raise_errors: bool
) -> tuple[dict[str, Any], Any, Any, Any]:
    """The stages always run one trial at a time: the response model and the 3414 analysis.

    Returns (row columns, response fit, its optimum, 3414 result).
    """
    row: dict[str, Any] = {}
    fit = opt = t4 = None
    if plan.model is not None:
        extra, fit, opt = model_stages(frame, plan, record, errs, raise_errors)
        row.update(extra)
    if plan.three414:
        t4 = _run_stage("three414", lambda: run_three414(frame, plan), record, errs, raise_errors)
        if t4 is not None:
            row.update(three414_row(t4))
    return row, fit, opt, t4


def run_surface(frame: pd.DataFrame, plan: Plan) -> Any:
    """The plan's response surface fitted to one trial."""
    return fit_surface(
        frame, response=plan.response, rates=tuple(plan.rates), terms=plan.surface, block=plan.block
    )


def run_posthoc(aov: AnovaResult, plan: Plan) -> Any:
    """The plan's multiple comparison on one trial's ANOVA."""
    return letter_test(plan.posthoc, aov, alpha=plan.alpha)


# ---------------------------------------------------------------------------
# one trial
# ---------------------------------------------------------------------------
@dataclass
class TrialOutcome:
    """What the per-trial path produced for one trial (before tables are assembled)."""

    row: dict[str, Any] | None
    groups: pd.DataFrame | None
    warnings: list[tuple[str, str, str]]
    errors: list[tuple[str, str, str]]
    result: TrialResult | None = None

    @property
    def failed(self) -> bool:
        return self.row is None


def _run_stage(stage: str, func, record: list, errs: list, raise_errors: bool):
    """Run one stage, recording its warnings and (unless raising) its error."""
    with WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = func()
        except Exception as exc:
            if raise_errors:
                raise
            value = None
            errs.append((stage, type(exc).__name__, _message(exc)))
    for w in caught:
        record.append((stage, w.category.__name__, str(w.message)))
    return value


def _message(exc: BaseException) -> str:
    if isinstance(exc, FertoptError):
        return str(exc)
    text = str(exc)
    return (
        f"{text} (an unexpected {type(exc).__name__}; please report it)"
        if text
        else (f"an unexpected {type(exc).__name__}; please report it")
    )


def analyse_trial(
    frame: pd.DataFrame, plan: Plan, key: Any, *, errors: str = "record", keep: bool = False
) -> TrialOutcome:
    """Analyse one trial with the public single-trial functions.

    ``keep=True`` also returns the full :class:`TrialResult`.  With
    ``errors="raise"`` the first exception propagates unchanged.
    """
    raise_errors = errors == "raise"
    record: list[tuple[str, str, str]] = []
    errs: list[tuple[str, str, str]] = []
    if uses_3414_codes(plan):
        # treatment codes 1–14 (or N2P2K2) that every plot matches once two rate columns are
        # exchanged: swapped columns would give each nutrient the other's recommendation
        _run_stage("treatments", lambda: check_codes_of(frame, plan), record, errs, raise_errors)
        if errs:
            result = None
            if keep:
                result = TrialResult(
                    key=key,
                    errors=pd.DataFrame(errs, columns=["stage", "error", "message"]),
                    warning_records=pd.DataFrame(record, columns=["stage", "category", "message"]),
                )
            return TrialOutcome(None, None, record, errs, result)
    aov = _run_stage(
        "anova",
        lambda: anova(frame, response=plan.response, treatment=plan.treatment, block=plan.block),
        record,
        errs,
        raise_errors,
    )
    # stages after the ANOVA: the letters need it, the surface and the response model do not
    # (an unreplicated 3414 trial has no ANOVA but a surface)
    row: dict[str, Any] = anova_row(aov, plan) if aov is not None else {}
    groups = None
    mc = None
    if aov is not None and plan.posthoc is not None:
        mc = _run_stage("posthoc", lambda: run_posthoc(aov, plan), record, errs, raise_errors)
        if mc is not None:
            row.update(posthoc_row(mc))
            groups = mc.groups[["treatment", "mean", "sd", "se", "n", "letters"]]
    surf = opt = can = None
    if plan.surface is not None:
        surf = _run_stage("surface", lambda: run_surface(frame, plan), record, errs, raise_errors)
        if surf is not None:
            row.update(fit_row(surf, plan))
            can = _run_stage("canonical", surf.canonical, record, errs, raise_errors)
            if can is not None:
                row.update(canonical_row(can, plan))
            opt = _run_stage(
                "optimum",
                lambda: surf.optimum(prices=plan.prices, bounds="tested"),
                record,
                errs,
                raise_errors,
            )
            if opt is not None:
                row.update(optimum_row(opt, plan))
    extra, fit, model_opt, t4 = extra_stages(frame, plan, record, errs, raise_errors)
    row.update(extra)
    if plan.model is not None:
        opt = model_opt
    result = None
    if keep:
        result = TrialResult(
            key=key,
            anova=aov,
            posthoc=mc,
            surface=surf,
            canonical=can,
            fit=fit,
            optimum=opt,
            three414=t4,
            errors=pd.DataFrame(errs, columns=["stage", "error", "message"]),
            warning_records=pd.DataFrame(record, columns=["stage", "category", "message"]),
            warnings=tuple(f"{s}: {m}" for s, _, m in record),
        )
    return TrialOutcome(row if row else None, groups, record, errs, result)
