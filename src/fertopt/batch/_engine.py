"""Local engines: route every trial to the vectorized or the per-trial path and collect tables.

The output of one run (or of one Dask partition) is a :class:`Output`: the
trial keys, one row per analysed trial, the letter groups, the failures and
the warnings, all with a trial number ``t`` that orders them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import _validation as _v
from . import _vectorized as _vz
from ._layout import Layout, TrialKeys, build_layout, label_codes, parse_numbers, trial_keys
from ._pertrial import ANOVA_COLUMNS, Plan, analyse_trial

__all__ = ["Output", "run_local", "assemble", "read_keeping", "CHUNK_TRIALS"]

#: Trials analysed together by the vectorized engine (bounds the memory of intermediates).
CHUNK_TRIALS = 8192


@dataclass
class Output:
    """Tables of one local run, before keys are attached."""

    keys: TrialKeys
    columns: dict[str, np.ndarray]
    analysed: np.ndarray                       # bool per trial: in `table`
    engine_of: np.ndarray                      # object per trial: "vectorized" / "python"
    partial: np.ndarray                        # bool per trial: a stage after the ANOVA failed
    groups: list[pd.DataFrame] = field(default_factory=list)   # each with column "t"
    failures: list[tuple[int, str, str, str]] = field(default_factory=list)  # (t, stage, error, message)
    warnings: list[tuple[int, str, str, str]] = field(default_factory=list)  # (t, stage, category, message)
    missing_key_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    index_labels: Any = None


def read_keeping(source: Any, names: list[Any]) -> pd.DataFrame:
    """:func:`fertopt.read_trials` (``strict=False``), keeping the column names the user gave.

    ``read_trials`` renames recognised headers (``trt`` → ``treatment``);
    a column the caller named by its header keeps that name.
    """
    from ..io import read_trials

    frame = read_trials(source, strict=False)
    renamed = frame.attrs.get("fertopt", {}).get("renamed", {})
    back = {renamed[str(n)]: n for n in names
            if n not in frame.columns and str(n) in renamed and renamed[str(n)] not in names}
    return frame.rename(columns=back) if back else frame


def _empty_columns(n: int) -> dict[str, np.ndarray]:
    cols: dict[str, np.ndarray] = {}
    for name, dtype in ANOVA_COLUMNS.items():
        if dtype in ("str",):
            cols[name] = np.full(n, None, dtype=object)
        elif dtype in ("int64", "Int64"):
            cols[name] = np.full(n, -1, dtype=np.int64)
        elif dtype == "bool":
            cols[name] = np.zeros(n, dtype=bool)
        else:
            cols[name] = np.full(n, np.nan)
    return cols


def _prepare_codes(frame: pd.DataFrame, plan: Plan, keys: TrialKeys) -> tuple[Layout, np.ndarray]:
    g, g_names = label_codes(frame[plan.treatment])
    ok = g >= 0
    b = None
    n_b = 0
    if plan.block is not None:
        b, b_names = label_codes(frame[plan.block])
        ok &= b >= 0
        n_b = len(b_names)
    y, refused = parse_numbers(frame[plan.response])
    ok &= ~refused & np.isfinite(y)
    for rate in plan.rates:
        x, bad = parse_numbers(frame[rate])
        ok &= ~bad & np.isfinite(x) & (x >= 0)
    layout = build_layout(keys.codes, keys.n_trials, g, len(g_names), b, n_b, ok)
    return layout, y


def run_local(
    frame: pd.DataFrame,
    plan: Plan,
    *,
    engine: str,
    errors: str,
    progress: Callable[[int], None] | None = None,
    n_jobs: int = 1,
) -> Output:
    """Analyse every trial of an in-memory frame.

    ``engine="vectorized"`` analyses regular trials as arrays and sends the
    rest to the per-trial path; ``engine="python"`` sends every trial there.
    ``progress`` is called with the number of trials just finished.
    """
    keys = trial_keys(frame, plan.by)
    n_trials = keys.n_trials
    out = Output(
        keys=keys,
        columns=_empty_columns(n_trials),
        analysed=np.zeros(n_trials, dtype=bool),
        engine_of=np.full(n_trials, None, dtype=object),
        partial=np.zeros(n_trials, dtype=bool),
        missing_key_rows=np.flatnonzero(keys.codes < 0),
    )
    layout, y = _prepare_codes(frame, plan, keys)
    per_trial = np.ones(n_trials, dtype=bool)
    if engine == "vectorized":
        for (k, r), trials in layout.shapes.items():
            for lo in range(0, len(trials), CHUNK_TRIALS):
                chunk = trials[lo : lo + CHUNK_TRIALS]
                done = _vectorized_chunk(out, plan, layout, y, chunk, k, r)
                per_trial[done] = False
                if progress is not None:
                    progress(len(done))
    per_trial &= layout.counts > 0
    todo = np.flatnonzero(per_trial)
    _python_trials(out, frame, plan, layout, todo, errors, progress, n_jobs)
    return out


# ---------------------------------------------------------------------------
# vectorized path
# ---------------------------------------------------------------------------
def _vectorized_chunk(out: Output, plan: Plan, layout: Layout, y: np.ndarray,
                      trials: np.ndarray, k: int, r: int) -> np.ndarray:
    """Analyse one chunk of regular trials; returns the trials it finished."""
    rows = layout.cell_rows(trials, k, r)
    yy = y[rows]
    blocked = plan.block is not None
    aov = _vz.anova_arrays(yy, blocked)
    keep = ~aov.refer
    t = trials[keep]
    c = out.columns
    c["design"][t] = "RCBD" if blocked else "CRD"
    c["n_obs"][t] = k * r
    c["n_dropped"][t] = 0
    c["n_treatments"][t] = k
    c["n_blocks"][t] = r if blocked else -1
    c["balanced"][t] = True
    c["grand_mean"][t] = aov.grand_mean[keep]
    c["cv"][t] = aov.cv[keep]
    c["mse"][t] = aov.mse[keep]
    c["df_resid"][t] = aov.df_resid
    c["df_treatment"][t] = aov.df_treatment
    c["f"][t] = aov.f[keep]
    c["p"][t] = aov.p[keep]
    c["df_block"][t] = aov.df_block
    c["f_block"][t] = aov.f_block[keep]
    c["p_block"][t] = aov.p_block[keep]
    c["r_squared"][t] = aov.r_squared[keep]
    out.analysed[t] = True
    out.engine_of[t] = "vectorized"
    return t


# ---------------------------------------------------------------------------
# per-trial path
# ---------------------------------------------------------------------------
def _store_row(out: Output, t: int, row: dict[str, Any]) -> None:
    for name, value in row.items():
        column = out.columns[name]
        if value is None or value is pd.NA:
            continue
        if column.dtype == np.int64 and isinstance(value, float) and math.isnan(value):
            continue
        column[t] = value
    out.analysed[t] = True
    out.engine_of[t] = "python"


def _python_trials(out: Output, frame: pd.DataFrame, plan: Plan, layout: Layout,
                   trials: np.ndarray, errors: str, progress, n_jobs: int) -> None:
    if len(trials) == 0:
        return
    jobs = ((int(t), layout.rows_of(int(t))) for t in trials)
    if n_jobs > 1 and len(trials) > 1:
        results = _parallel(frame, plan, out.keys, jobs, errors, n_jobs, len(trials))
    else:
        results = (
            (t, analyse_trial(frame.iloc[rows], plan, out.keys.key(t), errors=errors))
            for t, rows in jobs
        )
    for t, outcome in results:
        for stage, category, message in outcome.warnings:
            out.warnings.append((t, stage, category, message))
        if outcome.failed:
            stage, error, message = outcome.errors[0]
            out.failures.append((t, stage, error, message))
        else:
            _store_row(out, t, outcome.row)
            for stage, error, message in outcome.errors:
                out.warnings.append((t, stage, error, message))
                out.partial[t] = True
            if outcome.groups is not None:
                out.groups.append(outcome.groups.assign(t=t))
        if progress is not None:
            progress(1)


def _analyse_many(frames: list[tuple[int, pd.DataFrame, Any]], plan: Plan, errors: str):
    return [(t, analyse_trial(sub, plan, key, errors=errors)) for t, sub, key in frames]


def _parallel(frame, plan, keys, jobs, errors, n_jobs, n_total):
    """Per-trial analyses in worker processes, yielded in trial order."""
    from concurrent.futures import ProcessPoolExecutor

    batch_size = max(1, min(64, math.ceil(n_total / (4 * n_jobs))))
    batches: list[list[tuple[int, pd.DataFrame, Any]]] = []
    current: list[tuple[int, pd.DataFrame, Any]] = []
    for t, rows in jobs:
        current.append((t, frame.iloc[rows], keys.key(t)))
        if len(current) == batch_size:
            batches.append(current)
            current = []
    if current:
        batches.append(current)
    with ProcessPoolExecutor(max_workers=n_jobs) as pool:
        futures = [pool.submit(_analyse_many, b, plan, errors) for b in batches]
        for fut in futures:
            yield from fut.result()


# ---------------------------------------------------------------------------
# assembling the tables
# ---------------------------------------------------------------------------
def assemble(out: Output, plan: Plan) -> dict[str, Any]:
    """The four tables of a run, keyed and ordered."""
    keys = out.keys.frame
    by = list(plan.by)
    n_trials = len(keys)

    warn = pd.DataFrame(out.warnings, columns=["t", "stage", "category", "message"])
    warn = warn.sort_values("t", kind="stable")
    n_warn = np.bincount(warn["t"].to_numpy(dtype=np.int64), minlength=n_trials)
    partial = out.partial

    analysed = np.flatnonzero(out.analysed)
    table = keys.iloc[analysed].reset_index(drop=True)
    table["engine"] = out.engine_of[analysed].astype(str)
    table["status"] = np.where(partial[analysed], "partial", "ok")
    table["n_warnings"] = n_warn[analysed]
    for name, dtype in ANOVA_COLUMNS.items():
        values = out.columns[name][analysed]
        if dtype == "Int64":
            table[name] = pd.array(np.where(values < 0, 0, values), dtype="Int64")
            table.loc[values < 0, name] = pd.NA
        elif dtype == "str":
            table[name] = values.astype(str)
        else:
            table[name] = values.astype(dtype)

    fail = pd.DataFrame(out.failures, columns=["t", "stage", "error", "message"]).sort_values(
        "t", kind="stable")
    failures = keys.iloc[fail["t"].to_numpy(dtype=np.int64)].reset_index(drop=True)
    failures = pd.concat([failures, fail.drop(columns="t").reset_index(drop=True)], axis=1)
    if len(out.missing_key_rows):
        failures = pd.concat([failures, _missing_key_failure(out, plan)], ignore_index=True)
    warnings_frame = keys.iloc[warn["t"].to_numpy(dtype=np.int64)].reset_index(drop=True)
    warnings_frame = pd.concat([warnings_frame, warn.drop(columns="t").reset_index(drop=True)],
                               axis=1)

    if out.groups:
        grp = pd.concat(out.groups, ignore_index=True).sort_values("t", kind="stable")
        groups = keys.iloc[grp["t"].to_numpy(dtype=np.int64)].reset_index(drop=True)
        groups = pd.concat([groups, grp.drop(columns="t").reset_index(drop=True)], axis=1)
    else:
        groups = keys.iloc[:0].reset_index(drop=True).assign(
            treatment=pd.Series(dtype=object), mean=pd.Series(dtype=float),
            sd=pd.Series(dtype=float), se=pd.Series(dtype=float), n=pd.Series(dtype="int64"),
            letters=pd.Series(dtype=object))
    del by
    return {
        "table": table,
        "groups": groups,
        "failures": failures,
        "warnings": warnings_frame,
        "n_trials": n_trials + (1 if len(out.missing_key_rows) else 0),
        "n_analysed": len(analysed),
        "n_failed": len(failures),
        "n_warned": int((n_warn > 0).sum()),
        "n_vectorized": int((out.engine_of == "vectorized").sum()),
    }


def _missing_key_failure(out: Output, plan: Plan) -> pd.DataFrame:
    rows = out.missing_key_rows
    labels = out.index_labels[rows] if out.index_labels is not None else rows
    cols = ", ".join(repr(c) for c in plan.by)
    row = {c: [pd.NA] for c in plan.by}
    row.update({
        "stage": ["keys"],
        "error": ["DataError"],
        "message": [
            f"{len(rows)} row{'s' if len(rows) > 1 else ''} ha{'ve' if len(rows) > 1 else 's'} no "
            f"value in the trial key column{'s' if len(plan.by) > 1 else ''} {cols} "
            f"({_v.describe_rows(labels)}), so they belong to no trial. Fill in the key, or drop "
            "these rows."
        ],
    })
    return pd.DataFrame(row)


