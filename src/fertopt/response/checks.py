"""Input checks and fit statistics shared by fit_response and compare_models (private)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.formatting import format_number
from fertopt._core.i18n import ModelName, message
from fertopt._core.validation import (
    as_labels,
    as_names,
    check_blocks,
    check_nan_policy,
    check_nonnegative_rates,
    check_scale,
    describe_rows,
    drop_missing,
    require_columns,
    require_frame,
    response_values,
    to_numeric,
)
from fertopt.curves.engine import FitData
from fertopt.curves.models import MODEL_NAMES, Blocks, ModelSpec, get_model
from fertopt.economics.intervals import t_quantile
from fertopt.exceptions import (
    DataError,
    DesignError,
    DesignWarning,
    OptionError,
)
from fertopt.units import NUTRIENT_FORMS, column_units

_NUTRIENT_COLUMNS = ("N", "P", "P2O5", "K", "K2O")


# ---------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------
@dataclass
class Prepared:
    x: np.ndarray
    y: np.ndarray
    blocks: Blocks
    block_labels: list[str] | None
    index: pd.Index
    n_dropped: int
    response_unit: str | None
    rate_unit: str | None
    nutrient: str | None
    warnings: list[str]


def prepare(
    data: Any,
    response: Hashable,
    rate: Hashable,
    block: Hashable | None,
    other_rates: Any,
    nan_policy: str,
    units: Any,
    nutrient: str | None,
    allow_negative: bool = False,
) -> Prepared:
    frame = require_frame(data)
    nan_policy = check_nan_policy(nan_policy)
    if other_rates is None:
        others = tuple(
            c for c in _NUTRIENT_COLUMNS if c in frame.columns and c != rate and c != response
        )
    else:
        others = (
            as_names(other_rates, "other_rates")
            if not (isinstance(other_rates, (list, tuple)) and len(other_rates) == 0)
            else ()
        )
    require_columns(
        frame,
        response=response,
        rate=rate,
        block=block,
        other_rates=list(others) if others else None,
    )
    y = response_values(frame, response, allow_negative=allow_negative)
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
    x, y = x[keep], y[keep]
    sub = frame.loc[keep]
    check_nonnegative_rates(x, "rate")
    check_scale(x, rate, "rate")
    xv, yv = x.to_numpy(float), y.to_numpy(float)
    if len(xv) == 0:
        raise DataError("no plot has both a rate and a response; there is nothing to fit.")
    levels = np.unique(xv)
    if len(levels) == 1:
        raise DesignError(
            f"rate column {rate!r} has a single rate ({levels[0]:g}) in every plot: a response "
            "curve needs plots at several rates. Check that the right column was named."
        )
    if np.ptp(yv) == 0:
        raise DataError(
            f"every plot has the same {response!r} ({yv[0]:g}): there is no response to model. "
            "Check that the right column was named."
        )
    labels = None
    blocks = Blocks(None, len(xv))
    if block is not None:
        cat = as_labels(sub[block], "block")
        check_blocks(cat, block, len(xv))
        labels = [str(c) for c in cat.categories]
        blocks = Blocks(np.asarray(cat.codes, dtype=np.intp), len(xv))
    for col in others:
        vals = to_numeric(sub[col], f"other rate {col!r}")
        common = vals.mode(dropna=False)
        ref = common.iloc[0] if len(common) else np.nan
        differs = ~((vals == ref) | (vals.isna() & pd.isna(ref)))
        if differs.any():
            where = describe_rows(vals.index[differs.to_numpy()], vals[differs].tolist())
            msg = message(
                "series_confounded",
                rate_repr=repr(rate),
                rate=str(rate),
                col_repr=repr(col),
                col=str(col),
                ref=f"{ref:g}",
                where=where,
            )
            warn.append(msg)
            warnings.warn(msg.sentence(capital=False), DesignWarning, stacklevel=3)
    y_unit, x_unit = column_units(frame, units, response, rate)
    if nutrient is None:
        nutrient = str(rate) if str(rate) in NUTRIENT_FORMS else None
    elif nutrient not in NUTRIENT_FORMS:
        raise OptionError(
            f"nutrient={nutrient!r} is not a nutrient form; use one of {', '.join(NUTRIENT_FORMS)}."
        )
    return Prepared(
        xv, yv, blocks, labels, sub.index, int((~keep).sum()), y_unit, x_unit, nutrient, warn
    )


def check_design(spec: ModelSpec, prep: Prepared) -> None:
    levels = np.unique(prep.x)
    p = spec.n_params
    if len(levels) < p:
        fewer = [m for m in MODEL_NAMES if get_model(m).n_params <= len(levels)]
        raise DesignError(
            message(
                "too_few_rates_for_model",
                model=ModelName(spec.name),
                p=str(p),
                k=str(len(levels)),
                levels=", ".join(format_number(v, 4) for v in levels),
                fewer=", ".join(fewer),
            )
        )
    df = len(prep.x) - p - (prep.blocks.n_blocks - 1)
    if df < 1:
        raise DesignError(
            message(
                "no_residual_df_blocks" if prep.blocks.n_blocks > 1 else "no_residual_df_model",
                n=str(len(prep.x)),
                p=str(p),
                model=ModelName(spec.name),
            )
        )


# ---------------------------------------------------------------------------
# fitting
# ---------------------------------------------------------------------------
def lack_of_fit_table(data: FitData, sse: float, df_resid: int) -> pd.DataFrame | None:
    from scipy.special import fdtrc

    levels, codes = np.unique(data.x, return_inverse=True)
    k = len(levels)
    df_pe = data.n - k - (data.blocks.n_blocks - 1)
    df_lof = df_resid - df_pe
    if df_pe < 1 or df_lof < 1:
        return None
    Z = np.zeros((data.n, k))
    Z[np.arange(data.n), codes] = 1.0
    my = data.blocks.project(data.y)
    mz = data.blocks.project(Z)
    coef, *_ = np.linalg.lstsq(mz, my, rcond=None)
    resid = my - mz @ coef
    ss_pe = float(resid @ resid)
    ss_lof = max(sse - ss_pe, 0.0)
    ms_lof, ms_pe = ss_lof / df_lof, ss_pe / df_pe
    f = ms_lof / ms_pe if ms_pe > 0 else math.inf
    p = float(fdtrc(df_lof, df_pe, f)) if math.isfinite(f) else 0.0  # = scipy.stats.f.sf
    return pd.DataFrame(
        {
            "source": ["lack_of_fit", "pure_error"],
            "df": [df_lof, df_pe],
            "ss": [ss_lof, ss_pe],
            "ms": [ms_lof, ms_pe],
            "f": [f, math.nan],
            "p": [p, math.nan],
        }
    )


def params_table(
    spec: ModelSpec, theta: np.ndarray, vcov: np.ndarray | None, df: float, level: float
) -> pd.DataFrame:
    se = np.sqrt(np.diag(vcov)) if vcov is not None else np.full(len(theta), np.nan)
    q = t_quantile(level, df)
    return pd.DataFrame(
        {
            "term": list(spec.params),
            "estimate": theta,
            "se": se,
            "ci_low": theta - q * se,
            "ci_high": theta + q * se,
        }
    )
