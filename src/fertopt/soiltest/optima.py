"""Each trial's economic optimum and response curves from one batch run over the network.

:func:`batch_optima` fits every trial's ternary quadratic surface with its priced optimum in
one :func:`fertopt.run_batch`; :func:`slice_curves` cuts each surface at level 2 of the other
nutrients into a quadratic in one nutrient, for pooling (MRTN).
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from fertopt.batch import run_batch
from fertopt.curves.curve import Curve
from fertopt.curves.models import get_model
from fertopt.exceptions import DependencyError
from fertopt.soiltest.roles import UNUSABLE_COLUMNS, empty_unusable, trial_sums

__all__ = ["batch_optima", "slice_curves"]

_TREATMENT = "treatment_code"


def batch_optima(
    frame: pd.DataFrame,
    table: pd.DataFrame,
    keys: pd.DataFrame,
    codes: np.ndarray,
    role: np.ndarray,
    rate_values: dict[str, np.ndarray],
    by: tuple[Hashable, ...],
    response: Hashable,
    treatment: Hashable | None,
    block: Hashable | None,
    nutrients: list[str],
    soil_nutrients: list[str],
    econ: Any,
    engine: str,
    n_jobs: int,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any], pd.DataFrame]:
    """Fit every trial's ternary surface with its priced optimum (one run_batch)."""
    use = codes >= 0
    plots = frame.loc[use, list(by)].reset_index(drop=True)
    plots[response] = frame.loc[use, response].to_numpy()
    for n in nutrients:
        plots[n] = rate_values[n][use]
    if treatment is not None:
        plots[_TREATMENT] = frame.loc[use, treatment].to_numpy()
    else:  # a treatment is a combination of rates
        plots[_TREATMENT] = plots.groupby(nutrients, sort=True).ngroup().to_numpy()
    if block is not None:
        plots[block] = frame.loc[use, block].to_numpy()
    data: Any = plots
    if engine == "dask":
        try:
            import dask.dataframe as dd
        except ImportError:
            raise DependencyError(
                "engine='dask' needs dask and distributed: pip install 'fertopt[dask]'."
            ) from None
        data = dd.from_pandas(plots, npartitions=max(1, n_jobs))
    res = run_batch(
        data,
        by=by,
        response=response,
        treatment=_TREATMENT,
        block=block,
        rates=tuple(nutrients),
        surface="full",
        posthoc=None,
        prices=econ,
        engine="dask" if engine == "dask" else "vectorized",
        n_jobs=n_jobs,
    )
    bt = res.table
    coef = [c for c in bt.columns if c.startswith("coef_")]
    wanted = [*by, "opt_status", *(f"opt_{n}" for n in nutrients), *coef]
    fitted = keys.merge(bt[wanted], on=list(by), how="left", validate="one_to_one")
    # the level-2 rates (on the full plots) and the top rates of every trial
    n_trials = len(keys)
    for n in nutrients:
        x = rate_values[n]
        s, c = trial_sums(codes, x, use & (role == 0), n_trials)
        with np.errstate(invalid="ignore", divide="ignore"):
            fitted[f"level2_{n}"] = s / c
        top = pd.Series(x[use]).groupby(codes[use]).max().reindex(range(n_trials))
        fitted[f"top_{n}"] = top.to_numpy()
    at = table["_trial"].to_numpy()
    opt = np.full(len(table), np.nan)
    for n in soil_nutrients:
        rows = (table["nutrient"] == n).to_numpy()
        opt[rows] = fitted[f"opt_{n}"].to_numpy(dtype=float)[at[rows]]
    table = table.assign(
        optimum=opt,
        opt_status=fitted["opt_status"].fillna("").to_numpy(dtype=object)[at],
    )
    # trials whose fit failed, and trials in the table without an optimum
    errors = _batch_errors(res, by)
    lost = []
    for n in soil_nutrients:
        part = table[table["nutrient"] == n]
        for idx in np.flatnonzero(part["optimum"].isna().to_numpy()):
            row = part.iloc[idx]
            key = tuple(row[c] for c in by)
            error = errors.get(key[0] if len(key) == 1 else key)
            if error is not None:
                reason = "batch_failed"
                text = f"the batch fit failed at its {error[0]} stage ({error[1]}): {error[2]}"
            else:
                reason = "no_optimum"
                text = (
                    f"the trial's fitted surface gives no {n} optimum (status "
                    f"{row['opt_status'] or 'none'})."
                )
            lost.append(
                {
                    **dict(zip(by, key, strict=True)),
                    "nutrient": n,
                    "scope": "optimum",
                    "reason": reason,
                    "message": text,
                }
            )
    lost_frame = (
        pd.DataFrame(lost, columns=[*by, *UNUSABLE_COLUMNS]) if lost else empty_unusable(keys)
    )
    batch = {
        "n_analysed": res.n_analysed,
        "n_failed": res.n_failed,
        "engine": res.engine,
        "elapsed": res.elapsed,
    }
    return table, fitted, batch, lost_frame


def _batch_errors(res: Any, by: tuple[Hashable, ...]) -> dict[Any, tuple[str, str, str]]:
    """Trial key → (stage, error, message) of the first error of the batch run's fits."""
    found: dict[Any, tuple[str, str, str]] = {}
    errs = res.warnings[~res.warnings["category"].astype(str).str.endswith("Warning")]
    for frame, kind in ((res.failures, "error"), (errs, "category")):
        keys = list(frame[list(by)].itertuples(index=False, name=None))
        what = zip(frame["stage"], frame[kind], frame["message"], strict=True)
        for key, (stage, error, message) in zip(keys, what, strict=True):
            k = key[0] if len(by) == 1 else key
            found.setdefault(k, (str(stage), str(error), str(message)))
    return found


def slice_curves(
    surfaces: pd.DataFrame,
    nutrient: str,
    by: tuple[Hashable, ...],
    units: tuple[str | None, str | None],
) -> dict[Any, Curve]:
    """Each trial's surface at level 2 of the other nutrients: a quadratic in ``nutrient``."""
    names = [c[len("level2_") :] for c in surfaces.columns if c.startswith("level2_")]
    others = [n for n in names if n != nutrient]

    def coef(term: str) -> np.ndarray:
        col = f"coef_{term}"
        if col not in surfaces:
            col = f"coef_{':'.join(reversed(term.split(':')))}"
        return surfaces[col].fillna(0.0).to_numpy(dtype=float) if col in surfaces else 0.0

    level = {n: surfaces[f"level2_{n}"].to_numpy(dtype=float) for n in names}
    c0 = coef("intercept") + sum(
        coef(o) * level[o] + coef(f"{o}^2") * level[o] ** 2 for o in others
    )
    c0 = c0 + coef(f"{others[0]}:{others[1]}") * level[others[0]] * level[others[1]]
    c1 = coef(nutrient) + sum(coef(f"{nutrient}:{o}") * level[o] for o in others)
    c2 = coef(f"{nutrient}^2")
    top = surfaces[f"top_{nutrient}"].to_numpy(dtype=float)
    spec = get_model("quadratic")
    keys = list(surfaces[list(by)].itertuples(index=False, name=None))
    have = surfaces["coef_intercept"].notna().to_numpy() & np.isfinite(top) & (top > 0)
    have &= np.isfinite(c0) & np.isfinite(c1) & np.isfinite(c2)
    out = {}
    for t in np.flatnonzero(have):
        key = keys[t][0] if len(by) == 1 else keys[t]
        out[key] = Curve(
            spec=spec,
            theta=np.array([c0[t], c1[t], c2[t]]),
            vcov=None,
            data=None,
            resid=None,
            sse=math.nan,
            df_resid=math.inf,
            sigma=math.nan,
            rate=nutrient,
            nutrient=nutrient,
            response_unit=units[0],
            rate_unit=units[1],
            rate_range=(0.0, float(top[t])),
            converged=True,
            message="the trial's ternary surface at level 2 of the other nutrients",
        )
    return out
