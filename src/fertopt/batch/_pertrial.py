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

import numpy as np
import pandas as pd

from .._formatting import Facts, Notes, Paragraph, ResultBase, Summary, Table
from ..anova import AnovaResult, anova
from ..exceptions import FertoptError

__all__ = ["Plan", "TrialResult", "TrialOutcome", "analyse_trial", "ANOVA_COLUMNS"]

# catch_warnings changes interpreter-wide state: trials analysed in threads of one
# process (threaded Dask workers) take turns.
_WARNINGS_LOCK = threading.RLock()

#: ANOVA columns of ``BatchResult.table`` and their dtypes.
ANOVA_COLUMNS: dict[str, str] = {
    "design": "str",
    "n_obs": "int64",
    "n_dropped": "int64",
    "n_treatments": "int64",
    "n_blocks": "Int64",
    "balanced": "bool",
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
            out += ["surface", "optimum"]
        if self.model is not None:
            out += ["response", "optimum"]
        return tuple(out)


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
        None when the analysis of variance failed (see ``errors``).
    posthoc : MultCompResult or None
        Letters and pairwise tests (``posthoc=``).
    surface : object or None
        The fitted response surface (``surface=``).
    fit : object or None
        The fitted single-nutrient response model (``model=``).
    optimum : object or None
        The optimum of the surface or of the response model.
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
    fit: Any = None
    optimum: Any = None
    errors: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["stage", "error", "message"])
    )
    warning_records: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["stage", "category", "message"])
    )
    warnings: tuple[str, ...] = ()

    def _headline(self) -> str:
        text = f"trial {self.key!r}"
        if self.anova is None:
            first = self.errors.iloc[0] if len(self.errors) else None
            return text + (f" | failed at {first['stage']}: {first['error']}" if first is not None else "")
        return text + " | " + self.anova._headline()

    def _summary(self, digits: int) -> Summary:
        blocks: list[Any] = [Facts([("Trial", str(self.key))])]
        for name, part in (("Analysis of variance", self.anova), ("Multiple comparisons", self.posthoc),
                           ("Response surface", self.surface), ("Response model", self.fit),
                           ("Optimum", self.optimum)):
            if part is None:
                continue
            sub = part.summary(digits)
            blocks.append(Paragraph(sub.headline or "", title=sub.title))
            blocks += [blk for blk in sub.blocks if not isinstance(blk, Notes)]
        if len(self.errors):
            blocks.append(Table(self.errors, title="Stages that failed"))
        blocks.append(Notes(list(self.warnings)))
        return Summary(f"Trial {self.key}", blocks, headline=self._headline(), digits=digits)


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
    with _WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught:
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
    return f"{text} (an unexpected {type(exc).__name__}; please report it)" if text else (
        f"an unexpected {type(exc).__name__}; please report it"
    )


def analyse_trial(frame: pd.DataFrame, plan: Plan, key: Any, *, errors: str = "record",
                  keep: bool = False) -> TrialOutcome:
    """Analyse one trial with the public single-trial functions.

    ``keep=True`` also returns the full :class:`TrialResult`.  With
    ``errors="raise"`` the first exception propagates unchanged.
    """
    raise_errors = errors == "raise"
    record: list[tuple[str, str, str]] = []
    errs: list[tuple[str, str, str]] = []
    aov = _run_stage(
        "anova",
        lambda: anova(frame, response=plan.response, treatment=plan.treatment, block=plan.block),
        record, errs, raise_errors,
    )
    row = anova_row(aov, plan) if aov is not None else None
    groups = None
    result = None
    if keep:
        result = TrialResult(
            key=key,
            anova=aov,
            errors=pd.DataFrame(errs, columns=["stage", "error", "message"]),
            warning_records=pd.DataFrame(record, columns=["stage", "category", "message"]),
            warnings=tuple(f"{s}: {m}" for s, _, m in record),
        )
    return TrialOutcome(row, groups, record, errs, result)

