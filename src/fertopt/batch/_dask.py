"""The Dask engine: the vectorized engine on the partitions of a Dask DataFrame.

Rows are first brought together by trial (a hash shuffle on the ``by``
columns, skipped when the frame is already indexed by the single trial
column with known divisions), then every partition is analysed by
:func:`fertopt.batch._engine.run_local` on a worker of a ``dask.distributed``
cluster, and the tables of all partitions are merged in key order.  The
numbers are those of the local engines: a trial is analysed by the same code
whatever partition it is in.

Pointing it at a cluster
------------------------
fertopt uses the active ``distributed`` client.  Connect one before calling
:func:`fertopt.run_batch`::

    from distributed import Client
    client = Client("tcp://scheduler-address:8786")   # your cluster's scheduler
    res = fo.run_batch("s3://bucket/trials/*.parquet", by=("site", "year"), ...,
                       engine="dask")

Every worker needs fertopt installed (``pip install "fertopt[dask]"``) and
read access to the files.  Without an active client, fertopt starts a local
cluster of ``n_jobs`` single-threaded worker processes for the run and shuts
it down afterwards.

Prefer worker processes with one thread each (``dask worker --nthreads 1``,
``LocalCluster(threads_per_worker=1)``): the warnings of a trial analysed
one at a time are captured with :func:`warnings.catch_warnings`, whose state
is shared by all threads of a process, so fertopt's partitions take turns
within a process, and a warning filter changed at that moment by another
library in another thread of the same process could reach the wrong place.
"""

from __future__ import annotations

from collections.abc import Sequence
from glob import glob
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fertopt.batch._engine import (
    assemble,
    missing_key_failure,
    presence_of,
    read_keeping,
    run_local,
    usual_treatments,
)
from fertopt.batch._layout import label_codes, trial_keys
from fertopt.batch._pertrial import WARNINGS_LOCK, Plan
from fertopt.exceptions import DataError, DependencyError, OptionError

__all__ = ["open_source", "run_dask", "trial_frame"]

_PARQUET = (".parquet", ".pq")
_TEXT = (".csv", ".tsv", ".txt")


def _require_dask():
    try:
        import dask.dataframe as dd
        import distributed  # noqa: F401
    except ImportError:
        raise DependencyError(
            "engine='dask' needs dask and distributed: pip install 'fertopt[dask]'."
        ) from None
    return dd


def _files(path: str | Path) -> list[str]:
    text = str(path)
    if any(ch in text for ch in "*?["):
        files = sorted(glob(text))
    elif Path(text).is_dir():
        files = sorted(str(p) for p in Path(text).iterdir() if p.suffix.lower() in _PARQUET + _TEXT)
    else:
        files = [text] if Path(text).exists() or "://" in text else []
    if not files:
        raise DataError(f"no file matches {text!r}. Check the path and the pattern.")
    return files


def open_source(data: Any, names: list[Any]) -> tuple[Any, bool, list[Any]]:
    """``(dask frame, normalise, columns)`` for a Dask DataFrame or a path/glob.

    ``normalise`` is True for text files: their partitions are read as text
    and passed through :func:`fertopt.read_trials` (column names recognised
    in English and Chinese, numbers read as fertopt reads them).
    """
    dd = _require_dask()
    if not isinstance(data, (str, Path)):
        columns = list(data.columns)
        if data.index.name is not None:
            columns.append(data.index.name)
        return data, False, columns
    files = _files(data)
    suffixes = {Path(f).suffix.lower() for f in files}
    if suffixes <= set(_PARQUET):
        ddf = dd.read_parquet(files)
        columns = list(ddf.columns)
        return ddf, False, columns
    if suffixes <= set(_TEXT):
        sep = "\t" if suffixes <= {".tsv"} else ","
        ddf = dd.read_csv(
            files,
            dtype=object,
            keep_default_na=False,
            na_values=[""],
            sep=sep,
            skipinitialspace=True,
            blocksize="64MB",
        )
        head = ddf.head(5, npartitions=1)
        columns = list(read_keeping(head, names).columns) if len(head) else list(ddf.columns)
        return ddf, True, columns
    raise OptionError(
        f"the Dask engine reads Parquet (.parquet) or text (.csv, .tsv) files, not "
        f"{', '.join(sorted(suffixes))}; convert them, or use engine='vectorized'."
    )


def _normalised(frame: pd.DataFrame, normalise: bool, plan: Plan) -> pd.DataFrame:
    if normalise and len(frame):
        frame = read_keeping(frame, plan.columns)
    missing = [c for c in plan.by if c not in frame.columns]
    if missing and frame.index.name in missing:
        frame = frame.reset_index()
    return frame


def _analyse_partition(
    frame: pd.DataFrame, plan: Plan, errors: str, normalise: bool, expected: Any = None
) -> dict[str, Any]:
    """Tables of one partition (run on a worker).

    Python's warning filters are process-wide, and the per-trial path
    records each trial's warnings by swapping them; partitions analysed by
    threads of one worker process therefore take turns.
    """
    with WARNINGS_LOCK:
        frame = _normalised(frame, normalise, plan)
        if len(frame) == 0:
            return {"empty": True}
        out = run_local(frame, plan, engine="vectorized", errors=errors, expected=expected)
        missing = np.asarray(frame.index)[out.missing_key_rows]
        out.missing_key_rows = np.zeros(0, dtype=np.int64)
        parts = assemble(out, plan)
        parts["missing_labels"] = missing
        return parts


def _partitioned_by_trial(ddf: Any, by: Sequence[Any]) -> bool:
    return len(by) == 1 and ddf.index.name == by[0] and bool(ddf.known_divisions)


def _client(n_jobs: int):
    from distributed import Client, LocalCluster, get_client

    try:
        return get_client(), None
    except ValueError:
        cluster = LocalCluster(
            n_workers=n_jobs, threads_per_worker=1, processes=True, dashboard_address=None
        )
        return Client(cluster), cluster


def run_dask(
    ddf: Any, normalise: bool, plan: Plan, *, errors: str, n_jobs: int, progress: bool
) -> tuple[dict[str, Any], list[str]]:
    """Analyse every trial of a Dask DataFrame on the active (or a local) cluster."""
    import dask
    from distributed import as_completed

    notes: list[str] = []
    if not _partitioned_by_trial(ddf, plan.by):
        if normalise:
            meta = read_keeping(ddf.head(5, npartitions=1), plan.columns).iloc[:0]
            ddf = ddf.map_partitions(_normalised, True, plan, meta=meta)
            normalise = False
        on = [c for c in plan.by if c in ddf.columns]
        if len(on) == len(plan.by):
            ddf = ddf.shuffle(on=on, shuffle_method="tasks")
    expected = _usual_treatments(ddf, plan, normalise) or ()  # () : the batch has none
    parts = ddf.to_delayed()
    tasks = [dask.delayed(_analyse_partition)(p, plan, errors, normalise, expected) for p in parts]
    client, cluster = _client(n_jobs)
    bar = None
    try:
        futures = client.compute(tasks)
        if progress:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                notes.append(
                    "progress=True needs the tqdm package (pip install 'fertopt[progress]'); "
                    "the batch ran without a progress bar."
                )
            else:
                bar = tqdm(total=len(futures), unit="partition", desc="fertopt batch", leave=False)
                for _ in as_completed(futures):
                    bar.update(1)
        results = [f.result() for f in futures]
    finally:
        if bar is not None:
            bar.close()
        if cluster is not None:
            client.close()
            cluster.close()
    return merge(results, plan), notes


def _usual_treatments(ddf: Any, plan: Plan, normalise: bool) -> tuple[str, ...] | None:
    """The usual treatment set of the whole batch (one pass over the key and treatment columns)."""

    cols = [*plan.by, plan.treatment]
    if normalise:
        meta = read_keeping(ddf.head(5, npartitions=1), plan.columns).iloc[:0]
        ddf = ddf.map_partitions(_normalised, True, plan, meta=meta)
    if any(c not in ddf.columns for c in cols):
        ddf = ddf.reset_index()
    pairs = ddf[list(dict.fromkeys(cols))].drop_duplicates().compute()
    keys = trial_keys(pairs, plan.by)
    g, names = label_codes(pairs[plan.treatment])
    return usual_treatments(presence_of(keys.codes, keys.n_trials, g, len(names)), names)


def merge(results: list[dict[str, Any]], plan: Plan) -> dict[str, Any]:
    """One set of tables from the tables of every partition, in key order."""
    by = list(plan.by)
    done = [r for r in results if not r.get("empty")]
    if not done:
        raise DataError("the data hold no rows; there is nothing to analyse.")

    def cat(name: str) -> pd.DataFrame:
        frames = [r[name] for r in done if len(r[name])]
        if not frames:
            return done[0][name].iloc[:0]
        merged = pd.concat(frames, ignore_index=True)
        return merged.sort_values(by, kind="stable", na_position="last").reset_index(drop=True)

    table, groups, failures, warnings_frame = (
        cat(n) for n in ("table", "groups", "failures", "warnings")
    )
    for col in ("treatment", "letters"):  # categorical with sorted categories, as locally
        values = groups[col].astype(object)
        groups[col] = pd.Categorical(
            values, categories=pd.Index(sorted(set(values.dropna())), dtype=object)
        )
    labels = np.concatenate([np.asarray(r["missing_labels"]) for r in done])
    if len(labels):
        failures = pd.concat([failures, missing_key_failure(labels, plan.by)], ignore_index=True)
    return {
        "table": table,
        "groups": groups,
        "failures": failures,
        "warnings": warnings_frame,
        "n_trials": len(table) + len(failures),
        "n_analysed": len(table),
        "n_failed": len(failures),
        "n_warned": sum(r["n_warned"] for r in done),
        "n_vectorized": sum(r["n_vectorized"] for r in done),
    }


def trial_frame(source: tuple[Any, bool], plan: Plan, key: Any) -> pd.DataFrame:
    """The rows of one trial, computed from the Dask frame."""
    ddf, normalise = source
    by = plan.by
    values = key if len(by) > 1 else (key,)
    if normalise:
        frame = read_keeping(ddf.compute(), plan.columns)
    else:
        names = list(by)
        if any(c not in ddf.columns for c in names):
            ddf = ddf.reset_index()
        mask = None
        for c, v in zip(names, values, strict=True):
            cond = ddf[c] == v
            mask = cond if mask is None else mask & cond
        return ddf[mask].compute()
    mask = np.ones(len(frame), dtype=bool)
    for c, v in zip(by, values, strict=True):
        mask &= (frame[c] == v).to_numpy()
    return frame[mask]
