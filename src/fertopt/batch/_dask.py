"""The Dask engine: the vectorized engine on the partitions of a Dask DataFrame.

The data are a Dask DataFrame; the files of a path or glob, read on the
workers by :func:`fertopt.batch.sources.read_file` (one partition per file:
the local engines' reader, so the same files fail with the same messages);
files behind a URL, read by Dask's own readers; or a pandas DataFrame, cut
into pieces of whole trials and scattered to the workers.  Rows are brought
together by trial once (a hash shuffle on the ``by`` columns, skipped for a
pandas frame and when the frame is already indexed by the single trial
column with known divisions) and the partitions stay on the workers for two
steps: each counts its trials' treatment sets (so that the usual set of the
batch is known without another pass over the data), then each is analysed
by :func:`fertopt.batch._engine.run_local` and sends back compact tables,
which are merged in key order.  The
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
cluster of ``n_jobs`` single-threaded worker processes for the run (its web
pages on a free port) and shuts it down afterwards.

Prefer worker processes with one thread each (``dask worker --nthreads 1``,
``LocalCluster(threads_per_worker=1)``): the warnings of a trial analysed
one at a time are captured with :func:`warnings.catch_warnings`, whose state
is shared by all threads of a process, so fertopt's partitions take turns
within a process, and a warning filter changed at that moment by another
library in another thread of the same process could reach the wrong place.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from glob import glob
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fertopt.batch._engine import (
    assemble,
    missing_key_failure,
    run_local,
)
from fertopt.batch._layout import label_codes, trial_keys
from fertopt.batch._pertrial import WARNINGS_LOCK, Plan
from fertopt.batch.sources import (
    FILE_COLUMN,
    FileRead,
    label_rows,
    read_file,
    read_keeping,
    with_file,
)
from fertopt.exceptions import DataError, DependencyError, OptionError

__all__ = [
    "require_dask",
    "dask_session",
    "open_remote",
    "read_files",
    "files_frame",
    "frame_by_trial",
    "pack",
    "run_dask",
    "treatment_sets",
    "trial_hashes",
    "unpack",
    "usual_from_sets",
    "trial_frame",
]

_PARQUET = (".parquet", ".pq")
_TEXT = (".csv", ".tsv", ".txt")


def require_dask():
    """``dask.dataframe``, or a DependencyError naming the extra to install."""
    try:
        import dask.dataframe as dd
        import distributed  # noqa: F401
    except ImportError:
        raise DependencyError(
            "engine='dask' needs dask and distributed: pip install 'fertopt[dask]'."
        ) from None
    return dd


def _remote_files(path: str) -> list[str]:
    files = sorted(glob(path)) if "://" not in path and any(ch in path for ch in "*?[") else [path]
    if not files:
        raise DataError(f"no file matches {path!r}. Check the path and the pattern.")
    return files


def dask_columns(ddf: Any) -> list[Any]:
    """Columns of a Dask DataFrame, its index name included (a trial key may be the index)."""
    columns = list(ddf.columns)
    if ddf.index.name is not None:
        columns.append(ddf.index.name)
    return columns


def open_remote(data: str, names: list[Any]) -> tuple[Any, bool, list[Any]]:
    """``(dask frame, normalise, columns)`` for files at a URL (``s3://…``), read by Dask.

    Local files are read file by file (:func:`read_files`); files behind a
    URL, which :func:`fertopt.read_trials` cannot open, are read by Dask's
    own readers, partition by partition.  ``normalise`` is True for text
    files: their partitions are read as text and passed through
    :func:`fertopt.read_trials` (column names recognised in English and
    Chinese, numbers read as fertopt reads them).
    """
    dd = require_dask()
    files = _remote_files(data)
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
    frame: pd.DataFrame, plan: Plan, errors: str, expected: Any = None
) -> dict[str, Any]:
    """Compact tables of one partition (run on a worker; see :func:`pack`).

    Python's warning filters are process-wide, and the per-trial path
    records each trial's warnings by swapping them; partitions analysed by
    threads of one worker process therefore take turns.
    """
    with WARNINGS_LOCK:
        if len(frame) == 0:
            return {"empty": True}
        frame = label_rows(frame, plan.by)
        out = run_local(frame, plan, engine="vectorized", errors=errors, expected=expected)
        missing = np.asarray(frame.index[out.missing_key_rows])
        files = out.missing_key_files
        out.missing_key_rows = np.zeros(0, dtype=np.int64)
        out.missing_key_files = None
        parts = assemble(out, plan)
        parts["missing_labels"] = missing
        parts["missing_files"] = files
        return pack(parts)


_TABLES = ("table", "groups", "failures", "warnings")


def _compact(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """``frame`` with repetitive text as categories and small integers narrowed, and its dtypes.

    A partition's tables travel from the worker in this form (the letters
    table repeats the trial key and n in every row, the result table the
    same few status words in every trial) and :func:`_restore` gives them
    their dtypes back, so the merged tables equal the local engines' ones.
    """
    dtypes = frame.dtypes.to_dict()
    out = {}
    for name, col in frame.items():
        dtype = col.dtype
        if pd.api.types.is_string_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
            if len(col) > 64 and col.nunique(dropna=False) * 4 < len(col):
                col = col.astype("category")
        elif dtype == np.int64 and len(col):
            lo, hi = col.min(), col.max()
            for small in (np.int8, np.int16, np.int32):
                if np.iinfo(small).min <= lo and hi <= np.iinfo(small).max:
                    col = col.astype(small)
                    break
        out[name] = col
    return pd.DataFrame(out, index=frame.index), dtypes


def _restore(frame: pd.DataFrame, dtypes: dict[str, Any]) -> pd.DataFrame:
    changed = {c: d for c, d in dtypes.items() if frame[c].dtype != d}
    return frame.astype(changed) if changed else frame


def pack(parts: dict[str, Any]) -> dict[str, Any]:
    """A partition's tables in compact form for the trip to the client."""
    if parts.get("empty"):
        return parts
    packed = dict(parts)
    for name in _TABLES:
        packed[name] = _compact(parts[name])
    return packed


def unpack(parts: dict[str, Any]) -> dict[str, Any]:
    """The tables of :func:`pack` with their own dtypes."""
    if parts.get("empty"):
        return parts
    out = dict(parts)
    for name in _TABLES:
        out[name] = _restore(*parts[name])
    return out


def _partitioned_by_trial(ddf: Any, by: Sequence[Any]) -> bool:
    return len(by) == 1 and ddf.index.name == by[0] and bool(ddf.known_divisions)


@contextmanager
def dask_session(n_jobs: int) -> Iterator[Any]:
    """The active ``distributed`` client, or a local cluster of ``n_jobs`` workers for the run.

    The local cluster's web server listens on a free port (never the
    default 8787, which another cluster or program may hold).
    """
    require_dask()
    from distributed import Client, LocalCluster, get_client

    try:
        active = get_client()
    except ValueError:
        active = None
    if active is not None:
        yield active
        return
    cluster = LocalCluster(
        n_workers=n_jobs, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def _no_string_conversion():
    """Dask settings of fertopt's graphs: object columns kept as they are, task-based shuffles.

    A yield column holding numbers and a stray text cell must reach the
    analysis as the local engines see it, not as Arrow text.  Shuffles (of
    the trials, and of the distinct treatments of each trial) move small
    frames: the task-based method needs no scheduler plugin, which would
    log a line on stderr for every shuffle.
    """
    import dask

    return dask.config.set({"dataframe.convert-string": False, "dataframe.shuffle.method": "tasks"})


def read_files(
    client: Any, files: list[str], names: list[Any], sheet: Any
) -> tuple[list[FileRead], list[Any], list[Any]]:
    """Read every file on the cluster's workers, file by file.

    Returns the reads without their rows (what the client needs to check
    columns and report failures), the reads held on the workers for the run,
    and the same reads as lazy tasks (for recomputing one trial later, when
    the cluster may be gone).
    """
    import dask

    held = client.persist([dask.delayed(read_file)(f, names, sheet) for f in files])
    heads = client.compute([dask.delayed(FileRead.without_rows)(h) for h in held], sync=True)
    # tasks of their own (not pure: new keys), so that they never stand for the held results
    later = [dask.delayed(read_file)(f, names, sheet) for f in files]
    return list(heads), list(held), later


def _conform(read: FileRead, meta: pd.DataFrame) -> pd.DataFrame:
    """The rows of one file with the columns and dtypes of ``meta`` (as a concat would give)."""
    frame = with_file(read, [c for c in meta.columns if c != FILE_COLUMN])
    return frame.astype(meta.dtypes.to_dict())


def files_frame(reads: list[Any], meta: pd.DataFrame) -> Any:
    """A Dask DataFrame of the good files (one partition each) from their read tasks."""
    import dask

    dd = require_dask()
    with _no_string_conversion():
        parts = [dask.delayed(_conform)(r, meta) for r in reads]
        return dd.from_delayed(parts, meta=meta, verify_meta=False)


def frame_by_trial(frame: pd.DataFrame, plan: Plan, n_parts: int) -> list[pd.DataFrame]:
    """A pandas frame cut into ``n_parts`` pieces that hold whole trials.

    Trials (in key order) are dealt into pieces of about equal rows; the
    rows keep their labels and their order within each trial, and rows
    without a trial key go, in their order, to the last one.  The pieces
    are scattered to the workers as data (:func:`run_dask`), not embedded in
    a task graph.
    """
    codes = trial_keys(frame, plan.by).codes
    n_trials = int(codes.max()) + 1 if len(codes) and codes.max() >= 0 else 0
    n_parts = max(1, min(n_parts, n_trials))
    key = np.where(codes < 0, n_trials, codes)
    # rows already in key order (the usual layout of a file): the pieces are slices of the
    # frame, with no gathering copy of every row on the client before they are sent
    in_order = bool(np.all(key[1:] >= key[:-1]))
    order = None if in_order else np.argsort(key, kind="stable")
    sizes = np.bincount(codes[codes >= 0], minlength=n_trials)
    ends = np.cumsum(sizes)
    cuts = [0]
    for i in range(1, n_parts):
        t = int(np.searchsorted(ends, len(codes) * i / n_parts)) if n_trials else 0
        cuts.append(max(cuts[-1], int(ends[min(t, n_trials - 1)]) if n_trials else 0))
    cuts.append(len(codes))
    spans = [(a, b) for a, b in zip(cuts[:-1], cuts[1:], strict=True) if b > a]
    if order is None:
        return [frame.iloc[a:b] for a, b in spans]
    return [frame.iloc[order[a:b]] for a, b in spans]


def workers_of(client: Any) -> int:
    """Number of workers of the cluster (at least 1)."""
    return max(1, len(client.nthreads()))


def _partition_futures(client: Any, data: Any, normalise: bool, plan: Plan, by_trial: bool):
    """Futures of the partitions, each holding whole trials, normalised, on the workers.

    ``data`` is a Dask DataFrame or (``by_trial``) a list of pandas pieces
    that already hold whole trials, scattered as data.  The partitions of a
    Dask frame (one per file for a folder of files) are used as they are
    when no trial spans two of them, as in a dataset written one file per
    site or year; otherwise the rows are brought together by trial with one
    hash shuffle on the ``by`` columns.  Nothing else passes over the whole
    data before the analysis.
    """
    if by_trial:
        return client.scatter(list(data))
    import dask

    dd = require_dask()
    ddf = data
    with _no_string_conversion():
        if _partitioned_by_trial(ddf, plan.by):
            tasks = [dask.delayed(_normalised)(p, normalise, plan) for p in ddf.to_delayed()]
            return client.compute(tasks)
        parts = client.compute(
            [dask.delayed(_normalised)(p, normalise, plan) for p in ddf.to_delayed()]
        )
        on = [c for c in plan.by if c in ddf.columns or normalise]
        if len(parts) < 2 or len(on) < len(plan.by):
            return parts
        hashes = client.gather(client.map(trial_hashes, parts, by=list(plan.by), pure=False))
        together = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.uint64)
        if len(np.unique(together)) == len(together):
            return parts  # every trial lies in one partition: no shuffle
        meta = client.submit(lambda f: f.iloc[:0], parts[0]).result()
        whole = dd.from_delayed(parts, meta=meta, verify_meta=False)
        whole = whole.shuffle(on=list(plan.by), shuffle_method="tasks")
        return client.compute(whole.to_delayed())


def trial_hashes(frame: pd.DataFrame, by: list[Any]) -> np.ndarray:
    """Hashes of the distinct trial keys of one partition (run on a worker)."""
    if len(frame) == 0 or any(c not in frame.columns for c in by):
        return np.zeros(0, dtype=np.uint64)
    keys = frame[by].drop_duplicates()
    return pd.util.hash_pandas_object(keys, index=False).to_numpy()


def treatment_sets(frame: pd.DataFrame, plan: Plan) -> dict[str, Any]:
    """How many trials of one partition have each set of treatment labels (run on a worker).

    The usual treatment set of the batch (:func:`fertopt.batch._engine.usual_treatments`)
    is found from these counts, summed over the partitions, instead of a
    separate pass over the key and treatment columns of the whole data.
    """
    if len(frame) == 0 or plan.treatment not in frame.columns:
        return {"sets": {}, "n_trials": 0, "n_rows": 0, "labels": set()}
    keys = trial_keys(frame, plan.by)
    g, names = label_codes(frame[plan.treatment])
    t = keys.codes
    ok = (t >= 0) & (g >= 0)
    n_g = len(names)
    flat = np.bincount(t[ok].astype(np.int64) * n_g + g[ok], minlength=keys.n_trials * n_g)
    presence = flat.reshape(keys.n_trials, n_g) > 0
    packed = np.packbits(presence, axis=1) if n_g else np.zeros((keys.n_trials, 0), np.uint8)
    rows = np.ascontiguousarray(packed).view(np.dtype((np.void, max(packed.shape[1], 1))))
    codes, first = np.unique(rows.ravel(), return_inverse=True, return_index=True)[1:]
    counts = np.bincount(first) if len(first) else np.zeros(0, dtype=np.int64)
    sets: dict[frozenset[str], int] = {}
    for pattern, count in zip(codes, counts, strict=True):
        sets[frozenset(str(n) for n in names[presence[pattern]])] = int(count)
    return {"sets": sets, "n_trials": keys.n_trials, "n_rows": len(t), "labels": set(names)}


def usual_from_sets(summaries: list[dict[str, Any]]) -> tuple[str, ...]:
    """The usual treatment set of the batch from every partition's :func:`treatment_sets`.

    The same rule as the local engines: the set of labels shared by more
    than half of the trials, considered only when the trials × labels
    presence table would not be too large to build; ``()`` when there is none.
    """
    n_trials = sum(s["n_trials"] for s in summaries)
    n_rows = sum(s["n_rows"] for s in summaries)
    labels = set().union(*(s["labels"] for s in summaries)) if summaries else set()
    if n_trials == 0 or n_trials * len(labels) > max(4 * n_rows, 1 << 22):
        return ()
    total: dict[frozenset[str], int] = {}
    for s in summaries:
        for key, count in s["sets"].items():
            total[key] = total.get(key, 0) + count
    key, count = max(total.items(), key=lambda kv: kv[1])
    return tuple(sorted(key)) if count * 2 > n_trials else ()


def run_dask(
    data: Any,
    normalise: bool,
    plan: Plan,
    *,
    errors: str,
    client: Any,
    progress: bool,
    by_trial: bool = False,
) -> tuple[dict[str, Any], list[str]]:
    """Analyse every trial of a Dask DataFrame (or of pandas pieces) on ``client``'s cluster.

    Two steps on partitions held by the workers: each partition counts its
    trials' treatment sets (a few bytes back), then, with the usual set of
    the whole batch known, each is analysed by the vectorized engine and
    sends back compact tables.  ``by_trial``: ``data`` is a list of pandas
    pieces that already hold whole trials (no shuffle).
    """
    from distributed import as_completed

    notes: list[str] = []
    parts = _partition_futures(client, data, normalise, plan, by_trial)
    summaries = client.gather(client.map(treatment_sets, parts, plan=plan, pure=False))
    expected = usual_from_sets(summaries)  # () : the batch has none
    bar = None
    try:
        futures = client.map(
            _analyse_partition, parts, plan=plan, errors=errors, expected=expected, pure=False
        )
        del parts  # the analysis tasks hold the partitions; free each once it is analysed
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
        results = [unpack(r) for r in client.gather(futures)]
    finally:
        if bar is not None:
            bar.close()
    return merge(results, plan), notes


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
    labels = np.concatenate([np.asarray(r["missing_labels"], dtype=object) for r in done])
    files = None
    if any(r["missing_files"] is not None for r in done):
        files = np.concatenate(
            [np.asarray(r["missing_files"], dtype=object) for r in done if len(r["missing_labels"])]
            or [np.zeros(0, dtype=object)]
        )
    if len(labels):
        keyless = missing_key_failure(labels, plan.by, files)
        failures = pd.concat([failures, keyless], ignore_index=True)
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
        return label_rows(ddf[mask].compute(), by)
    mask = np.ones(len(frame), dtype=bool)
    for c, v in zip(by, values, strict=True):
        mask &= (frame[c] == v).to_numpy()
    return frame[mask]
