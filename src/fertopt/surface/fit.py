"""Fitting machinery of :mod:`fertopt.surface`: data preparation, least squares and its tables.

Stepwise selection of the terms is in :mod:`fertopt.surface.stepwise`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from fertopt._core.validation import (
    CONSTANT_RELATIVE,
    as_labels,
    check_variation,
    drop_missing,
    rate_values,
    require_columns,
    response_values,
)
from fertopt.exceptions import (
    DesignError,
    DesignWarning,
    OptionError,
)
from fertopt.surface import poly as _ps
from fertopt.surface.design import matrix_rank
from fertopt.units import parse_unit

__all__: list[str] = []


# ---------------------------------------------------------------------------
def resolve_rates(rates: Any) -> tuple[tuple[str, ...], dict[str, str]]:
    if isinstance(rates, Mapping):
        nutrients = tuple(str(k) for k in rates)
        columns = {str(k): v for k, v in rates.items()}
    elif isinstance(rates, str):
        nutrients, columns = (rates,), {rates: rates}
    else:
        try:
            nutrients = tuple(str(r) for r in rates)
        except TypeError:
            raise OptionError(
                f"rates={rates!r} must name the rate columns, e.g. ('N', 'P2O5', 'K2O')."
            ) from None
        columns = {str(r): r for r in rates}
    if not nutrients:
        raise OptionError(
            "rates is empty; name at least two rate columns, e.g. ('N', 'P2O5', 'K2O')."
        )
    if len(set(nutrients)) != len(nutrients):
        raise OptionError(f"rates names a nutrient twice: {list(nutrients)!r}.")
    if len(nutrients) > 5:
        raise OptionError("fit_surface handles at most 5 nutrients.")
    for n in nutrients:
        if any(ch in n for ch in ":^()") or n.lower() in _ps.INTERCEPT_NAMES:
            raise OptionError(
                f"the nutrient name {n!r} cannot be used in term names; give rates as a mapping "
                "{'N': 'column name', ...} with plain nutrient names."
            )
    return nutrients, columns


def prepare_data(
    frame: pd.DataFrame,
    response: Any,
    columns: Mapping[str, Any],
    block: Any,
    nan_policy: str,
    allow_negative: bool = False,
):
    require_columns(frame, response=response, rates=list(columns.values()), block=block)
    y = response_values(frame, response, allow_negative=allow_negative)
    x_cols = []
    for nutrient, col in columns.items():
        x_cols.append(rate_values(frame, col, nutrient).to_numpy())
    rates = np.column_stack(x_cols)
    warn_list: list[str] = []
    keep, _ = drop_missing(
        [y],
        nan_policy,
        refuse="response column {column!r} is empty at {rows}; fill these cells in, or pass "
        "nan_policy='omit' to leave those plots out.",
        left_out="left_out_no_response_value",
        column=response,
        warn_list=warn_list,
        stacklevel=3,
    )
    n_dropped = int((~keep).sum())
    check_variation(y.to_numpy()[keep], response, CONSTANT_RELATIVE)
    blocks = None
    if block is not None:
        blocks = as_labels(frame[block][keep], "block")
    return y.to_numpy()[keep], rates[keep], blocks, n_dropped, warn_list


def block_columns(blocks: pd.Categorical | None) -> np.ndarray:
    """Sum-to-zero (deviation) coding: the intercept is the average over blocks."""
    if blocks is None:
        return np.zeros((0, 0))
    codes = np.asarray(blocks.codes)
    b = len(blocks.categories)
    cols = np.zeros((len(codes), b - 1))
    for j in range(b - 1):
        cols[codes == j, j] = 1.0
    cols[codes == b - 1, :] = -1.0
    return cols


def _ols(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least squares by QR on unit-scaled columns: coefficients, (XᵀX)⁻¹, residuals."""
    norms = np.sqrt((x * x).sum(axis=0))
    norms[norms == 0] = 1.0
    q, r = np.linalg.qr(x / norms)
    rinv = np.linalg.inv(r)  # upper triangular and small (p ≤ 25)
    beta = (rinv @ (q.T @ y)) / norms
    xtx_inv = (rinv @ rinv.T) / np.outer(norms, norms)
    return beta, xtx_inv, y - x @ beta


def residual_ss(x: np.ndarray, y: np.ndarray) -> tuple[float, int]:
    if x.shape[1] == 0:
        return float(y @ y), 0
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    r = y - x @ coef
    return float(r @ r), matrix_rank(x)


def resolve_units(
    frame: pd.DataFrame | None,
    units: Mapping[str, str] | None,
    response: Any,
    columns: Mapping[str, Any],
) -> tuple[str | None, dict[str, str | None]]:
    """Units of the response and of each rate: given in ``units=``, else recorded by read_trials.

    ``units`` keys: ``"response"``, ``"rates"`` (one unit for every rate), a nutrient
    name or a column name.  Values are ``"mass/area"`` strings such as ``"kg/ha"``.
    """
    declared: dict[Any, str] = {}
    if frame is not None:
        declared = dict(frame.attrs.get("fertopt", {}).get("units", {}) or {})
    given = dict(units or {})
    if units is not None and not isinstance(units, Mapping):
        raise OptionError("units must be a mapping such as {'response': 't/ha', 'rates': 'kg/ha'}.")
    allowed = {"response", "rates", response, *columns, *columns.values()}
    for key in given:
        if key not in allowed:
            raise OptionError(
                f"units= has an unknown key {key!r}; use 'response', 'rates' or a nutrient name, "
                "e.g. units={'response': 't/ha', 'rates': 'kg/ha'}."
            )
    response_unit = given.get("response", given.get(response, declared.get(response)))
    rate_units: dict[str, str | None] = {}
    for nutrient, col in columns.items():
        rate_units[nutrient] = given.get(
            nutrient, given.get(col, given.get("rates", declared.get(col)))
        )
    for unit in [response_unit, *rate_units.values()]:
        if unit is not None:
            parse_unit(unit)
    return response_unit, rate_units


# ---------------------------------------------------------------------------
# the fit and its tables
# ---------------------------------------------------------------------------
class Coefficients(NamedTuple):
    table: pd.DataFrame  # term, estimate, se, t, p, ci_low, ci_high
    estimates: np.ndarray  # intercept and surface terms (block effects left out)
    sse: float
    s2: float  # residual mean square (NaN without residual degrees of freedom)
    df_resid: int
    cov: np.ndarray | None  # covariance of the estimates (None without residual df)


def fit_coefficients(
    powers: list[tuple[float, ...]],
    names: list[str],
    x: np.ndarray,
    y: np.ndarray,
    bcols: np.ndarray,
    confidence_level: float,
    warn_list: list[str],
) -> Coefficients:
    """Least squares of the surface terms with the blocks; the coefficient table.

    Warns (DesignWarning, at the caller of fit_surface) when no residual degrees of
    freedom are left, and appends the text to ``warn_list``.
    """
    from scipy import stats

    surf_cols = _ps.design_columns(powers, x)
    full = np.column_stack([surf_cols[:, :1], bcols, surf_cols[:, 1:]]) if bcols.size else surf_cols
    if matrix_rank(full) < full.shape[1]:
        raise DesignError(
            "the blocks are confounded with the rates: within the blocks, the rate combinations "
            "do not vary enough to separate block effects from the surface. Check the block "
            "column, or fit without block=."
        )
    beta, xtx_inv, resid = _ols(full, y)
    n = len(y)
    p_all = full.shape[1]
    df_resid = n - p_all
    sse = float(resid @ resid)
    nb = bcols.shape[1] if bcols.size else 0
    order = [0] + list(range(1 + nb, p_all))
    coef = beta[order]
    cov_unscaled = xtx_inv[np.ix_(order, order)]
    if df_resid > 0:
        s2 = sse / df_resid
        se = np.sqrt(np.diag(cov_unscaled) * s2)
        tval = coef / se
        pval = 2 * stats.t.sf(np.abs(tval), df_resid)
        tq = stats.t.ppf(0.5 + confidence_level / 2, df_resid)
        cov = cov_unscaled * s2
    else:
        s2 = math.nan
        se = tval = pval = np.full(len(coef), np.nan)
        tq = math.nan
        cov = None
        text = (
            f"The model uses all {n} plots' degrees of freedom ({p_all} coefficients): no error is "
            "left, so there are no standard errors or tests. Add replicates or rate combinations."
        )
        warn_list.append(text)
        warnings.warn(text, DesignWarning, stacklevel=3)
    table = pd.DataFrame(
        {
            "term": names,
            "estimate": coef,
            "se": se,
            "t": tval,
            "p": pval,
            "ci_low": coef - tq * se,
            "ci_high": coef + tq * se,
        }
    )
    return Coefficients(table, coef, sse, s2, df_resid, cov)


def anova_table(
    y: np.ndarray,
    x: np.ndarray,
    bcols: np.ndarray,
    base: np.ndarray,
    fit: Coefficients,
    df_reg: int,
    sst: float,
) -> pd.DataFrame:
    """``source, df, ss, ms, f, p``: blocks, regression, residual, lack of fit, pure error, total.

    Lack of fit and pure error appear when some rate combinations are replicated
    (within blocks) and the residual has degrees of freedom beyond them.
    """
    from scipy import stats

    n = len(y)
    nb = bcols.shape[1] if bcols.size else 0
    sse, s2, df_resid = fit.sse, fit.s2, fit.df_resid
    sse_b, _ = residual_ss(base, y)
    rows = []
    if nb:
        ss_b = sst - sse_b
        rows.append(("blocks", nb, ss_b))
    rows.append(("regression", df_reg, sse_b - sse))
    rows.append(("residual", df_resid, sse))
    combos, inverse = np.unique(x, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).ravel()
    cells = np.zeros((n, len(combos)))
    cells[np.arange(n), inverse] = 1.0
    sat = np.column_stack([bcols, cells]) if nb else cells
    sse_pe, rank_pe = residual_ss(sat, y)
    df_pe = n - rank_pe
    df_lof = df_resid - df_pe
    if df_pe > 0 and df_lof > 0:
        rows.append(("lack_of_fit", df_lof, sse - sse_pe))
        rows.append(("pure_error", df_pe, sse_pe))
    rows.append(("total", n - 1, sst))
    ms = [ss / df if df > 0 and src != "total" else math.nan for src, df, ss in rows]
    f_col, p_col = [], []
    for (src, df, _ss), m in zip(rows, ms, strict=True):
        if src in ("blocks", "regression") and df > 0 and df_resid > 0:
            f = m / s2
            f_col.append(f)
            p_col.append(float(stats.f.sf(f, df, df_resid)))
        elif src == "lack_of_fit":
            f = m / (sse_pe / df_pe)
            f_col.append(f)
            p_col.append(float(stats.f.sf(f, df_lof, df_pe)))
        else:
            f_col.append(math.nan)
            p_col.append(math.nan)
    return pd.DataFrame(
        {
            "source": [r[0] for r in rows],
            "df": np.array([r[1] for r in rows], dtype="int64"),
            "ss": [float(r[2]) for r in rows],
            "ms": ms,
            "f": f_col,
            "p": p_col,
        }
    )


def support_table(
    x: np.ndarray,
    y: np.ndarray,
    powers: list[tuple[float, ...]],
    coef: np.ndarray,
    nutrients: tuple[str, ...],
) -> tuple[pd.DataFrame, float, str]:
    """One row per distinct rate combination (``n``, observed ``mean``, ``fitted``); the CK yield.

    The CK (no-fertilizer) yield is the observed mean of the zero-rate plots, else the
    intercept (the prediction at zero).
    """
    support, inverse = np.unique(x, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).ravel()
    fitted_support = _ps.design_columns(powers, support) @ coef
    sup = pd.DataFrame(support, columns=list(nutrients))
    sup["n"] = np.bincount(inverse, minlength=len(support))
    sup["mean"] = np.bincount(inverse, weights=y, minlength=len(support)) / sup["n"].to_numpy()
    sup["fitted"] = fitted_support
    zero = np.all(support == 0, axis=1)
    if zero.any():
        return sup, float(sup.loc[zero, "mean"].iloc[0]), "observed"
    return sup, float(coef[0]), "predicted"
