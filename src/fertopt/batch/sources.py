"""Trial files of a batch: every file is read on its own and is a unit of failure.

A batch given as a path or a glob is read file by file with
:func:`fertopt.read_trials`.  A file that cannot be read (empty, binary, not
text in a known encoding, a folder, no permission, a missing sheet) or that
lacks a column the analysis needs becomes one row of the batch's
``failures`` that names the file and says how to fix it; the other files are
analysed as if it were not there.  Both engines read files with the
functions here, so they fail on the same files with the same messages.

Rows keep the spreadsheet row numbers :func:`fertopt.read_trials` gives them
(the header is row 1, the first data row row 2), and a hidden column
(:data:`FILE_COLUMN`) holds the file of every row, so that a trial failing
inside a good file is reported with that file's name and its own row numbers.
The rows of a trial spread over several files are labelled ``file:row``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from glob import glob
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fertopt import exceptions as _exceptions
from fertopt._core import validation as _v
from fertopt.batch._layout import trial_keys
from fertopt.exceptions import ColumnError, DataError, FertoptError
from fertopt.io import read_trials

__all__ = [
    "FILE_COLUMN",
    "TRIAL_SUFFIXES",
    "FileRead",
    "list_files",
    "read_file",
    "read_keeping",
    "missing_columns",
    "combine",
    "with_file",
    "label_rows",
    "files_of_trials",
    "file_failures",
    "raise_failure",
    "no_usable_file",
]

#: Hidden column holding the file of every row of a batch read from files.
FILE_COLUMN = "__fertopt_file__"

#: Suffixes of the files taken from a folder given as the batch's data.
TRIAL_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet", ".pq")

_ROLE_WORDS = {
    "by": "a trial key column (by=, --by)",
    "response": "the response (response=, --response)",
    "treatment": "the treatment (treatment=, --treatment)",
    "block": "the block (block=, --block)",
    "rates": "a rate column (rates=, --rates)",
}


def read_keeping(source: Any, names: Sequence[Any], sheet: Any = None) -> pd.DataFrame:
    """:func:`fertopt.read_trials` (``strict=False``), keeping the column names the user gave.

    ``read_trials`` renames recognised headers (``trt`` → ``treatment``);
    a column the caller named by its header keeps that name.
    """
    if sheet is None:
        frame = read_trials(source, strict=False)
    else:
        frame = read_trials(source, strict=False, sheet=sheet)
    renamed = frame.attrs.get("fertopt", {}).get("renamed", {})
    back = {
        renamed[str(n)]: n
        for n in names
        if n not in frame.columns and str(n) in renamed and renamed[str(n)] not in names
    }
    return frame.rename(columns=back) if back else frame


def list_files(path: str | Path) -> list[str]:
    """The files of a path, a folder (its trial files) or a glob, sorted.

    Everything a glob matches is listed, folders too: a folder matching
    ``trials/*`` is reported as a failure, not skipped silently.
    """
    text = str(path)
    if any(ch in text for ch in "*?["):
        files = sorted(glob(text))
    elif Path(text).is_dir():
        files = sorted(str(p) for p in Path(text).iterdir() if p.suffix.lower() in TRIAL_SUFFIXES)
        if not files:
            raise DataError(
                f"the folder {text!r} holds no trial files ({', '.join(TRIAL_SUFFIXES)}). "
                "Check the path, or give a pattern such as 'trials/*.csv'."
            )
    else:
        files = [text] if Path(text).exists() else []
    if not files:
        raise DataError(f"no file matches {text!r}. Check the path and the pattern.")
    return files


@dataclass(frozen=True)
class FileRead:
    """One file of a batch: its rows (``frame``), or why it could not be used (``error``).

    ``error`` is ``(stage, exception class name, message)``; ``stage`` is
    ``"read"`` for a file that cannot be read and ``"columns"`` for one that
    lacks a column.  ``columns`` are the file's columns (empty when unread).
    """

    path: str
    frame: pd.DataFrame | None = None
    error: tuple[str, str, str] | None = None
    columns: tuple[Any, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None

    def without_rows(self) -> FileRead:
        """The same file with its rows cut to none (what a Dask worker sends back)."""
        frame = None if self.frame is None else self.frame.iloc[:0]
        return FileRead(self.path, frame, self.error, self.columns)


def _named(path: str, message: str) -> str:
    """``message`` starting with the file's path, unless it already names the file."""
    name = Path(path).name
    if path in message or (name and name in message):
        return message
    return f"{path}: {message}"


def read_file(path: str, names: Sequence[Any], sheet: Any = None) -> FileRead:
    """Read one file of the batch; a file that cannot be read gives a :class:`FileRead` error.

    The rows are indexed by their spreadsheet row numbers (header row 1) and
    carry the file's path in :data:`FILE_COLUMN`.
    """
    p = Path(path)
    if p.is_dir():
        message = (
            f"{path} is a folder, not a trial file. Narrow the pattern to the trial files "
            f"(e.g. '{p.parent / '*.csv'}'), or move the folder elsewhere."
        )
        return FileRead(path, error=("read", "DataError", message))
    try:
        frame = read_keeping(path, names, sheet)
    except FertoptError as exc:
        return FileRead(path, error=("read", type(exc).__name__, _named(path, str(exc))))
    except pd.errors.EmptyDataError:
        message = f"{path} is empty (no header, no rows). Fill it in, or remove it from the batch."
        return FileRead(path, error=("read", "DataError", message))
    except UnicodeError as exc:
        message = (
            f"{path} is not text in a known encoding ({exc}). Save it as CSV UTF-8, or remove "
            "it from the batch."
        )
        return FileRead(path, error=("read", "DataError", message))
    except PermissionError:
        message = (
            f"{path} cannot be read: permission denied. Give yourself read permission "
            "(e.g. chmod u+r), or remove it from the batch."
        )
        return FileRead(path, error=("read", "DataError", message))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        message = f"{path} cannot be read: {reason}. Check the file, or remove it from the batch."
        return FileRead(path, error=("read", "DataError", message))
    except Exception as exc:  # noqa: BLE001 - any reader failure is this file's failure
        message = _unreadable(path, exc)
        return FileRead(path, error=("read", "DataError", message))
    return FileRead(path, frame=frame, columns=tuple(frame.columns))


def _unreadable(path: str, exc: Exception) -> str:
    """The message for a file the readers refused with a non-fertopt error."""
    detail = " ".join(str(exc).split()) or type(exc).__name__
    return (
        f"{path} could not be read as a trial table ({type(exc).__name__}: {detail}). Check "
        "that it is a CSV, Excel (.xlsx) or Parquet file of one row per plot, or remove it "
        "from the batch."
    )


def missing_columns(read: FileRead, roles: dict[str, Sequence[Hashable]]) -> FileRead:
    """``read``, failed at stage ``"columns"`` when it lacks a column one of ``roles`` names."""
    if not read.ok:
        return read
    for role, names in roles.items():
        for name in names:
            if name not in read.columns:
                message = (
                    f"{read.path} has no column {name!r}, {_ROLE_WORDS[role]}."
                    + _v.suggest_columns(name, list(read.columns))
                    + f". Add the column to this file or correct its header to {name!r}, or "
                    "remove the file from the batch."
                )
                return FileRead(read.path, None, ("columns", "ColumnError", message), read.columns)
    return read


def combine(reads: list[FileRead]) -> pd.DataFrame:
    """The rows of the good files, in file order, each keeping its own row number and its file.

    The file of every row is in :data:`FILE_COLUMN` (one column for all the rows at once:
    setting it file by file costs more than reading a small file).
    """
    good = [r for r in reads if r.ok]
    frame = good[0].frame.copy() if len(good) == 1 else pd.concat([r.frame for r in good])
    sizes = [len(r.frame) for r in good]
    frame[FILE_COLUMN] = np.repeat(np.array([r.path for r in good], dtype=object), sizes)
    return frame


def with_file(read: FileRead, columns: Sequence[Hashable]) -> pd.DataFrame:
    """The ``columns`` of one good file's rows, and its path in :data:`FILE_COLUMN`."""
    frame = read.frame[list(columns)].copy()
    frame[FILE_COLUMN] = np.repeat(np.array([read.path], dtype=object), len(frame))
    return frame


def label_rows(frame: pd.DataFrame, by: Sequence[Hashable]) -> pd.DataFrame:
    """Rows of trials spread over several files relabelled ``file:row`` (others unchanged).

    A trial of one file keeps the file's row numbers, so a message about
    ``row 3`` points at row 3 of that file; a trial whose rows come from two
    files would have two rows 3, so its rows are named with their file.
    """
    if FILE_COLUMN not in frame.columns or len(frame) == 0:
        return frame
    if any(c not in frame.columns for c in by):
        return frame
    files, names = pd.factorize(frame[FILE_COLUMN])
    if len(names) < 2:  # rows of one file: no trial can be spread
        return frame
    codes = trial_keys(frame, by).codes
    ok = codes >= 0
    pairs = pd.DataFrame({"t": codes[ok], "f": files[ok]}).drop_duplicates()
    spread = pairs["t"].value_counts()
    spread = spread[spread > 1].index.to_numpy()
    if len(spread) == 0:
        return frame
    mask = np.isin(codes, spread)
    labels = np.asarray(frame.index, dtype=object).copy()
    paths = frame[FILE_COLUMN].to_numpy(dtype=object)
    labels[mask] = [f"{f}:{r}" for f, r in zip(paths[mask], labels[mask], strict=True)]
    out = frame.copy()
    out.index = pd.Index(labels, dtype=object, name=frame.index.name)
    return out


def files_of_trials(frame: pd.DataFrame, codes: np.ndarray, n_trials: int) -> list[str]:
    """The file(s) of every trial, as a message prefix (``"b.csv"``, ``"a.csv, b.csv"``)."""
    files, names = pd.factorize(frame[FILE_COLUMN])
    ok = codes >= 0
    text = np.array([str(n) for n in names], dtype=object)
    out = np.full(n_trials, "", dtype=object)
    if len(names) == 1:  # one file: every trial found is in it
        out[np.bincount(codes[ok], minlength=n_trials) > 0] = text[0]
        return out.tolist()
    pairs = pd.DataFrame({"t": codes[ok], "f": files[ok]}).drop_duplicates()
    t, f = pairs["t"].to_numpy(), pairs["f"].to_numpy()
    order = np.lexsort((f, t))  # by trial, then files in the order they were read
    t, f = t[order], f[order]
    starts = np.flatnonzero(np.r_[True, t[1:] != t[:-1]])
    counts = np.diff(np.r_[starts, len(t)])
    one = counts == 1
    out[t[starts[one]]] = text[f[starts[one]]]
    for start, count in zip(starts[~one], counts[~one], strict=True):  # trials over files
        out[t[start]] = ", ".join(text[f[start : start + count]])
    return out.tolist()


def file_failures(reads: list[FileRead], by: Sequence[Hashable]) -> pd.DataFrame:
    """One ``failures`` row (empty key, stage, error, message) per file that could not be used."""
    bad = [r for r in reads if not r.ok]
    row: dict[Any, list[Any]] = {c: [pd.NA] * len(bad) for c in by}
    row["stage"] = [r.error[0] for r in bad]
    row["error"] = [r.error[1] for r in bad]
    row["message"] = [r.error[2] for r in bad]
    return pd.DataFrame(row)


def raise_failure(read: FileRead) -> None:
    """Raise the error of a file that could not be used (``errors="raise"``)."""
    _stage, name, message = read.error
    cls = getattr(_exceptions, name, None)
    if not (isinstance(cls, type) and issubclass(cls, FertoptError)):
        cls = DataError
    raise cls(message)


def no_usable_file(reads: list[FileRead], pattern: Any) -> DataError | ColumnError:
    """The error of a batch none of whose files could be used."""
    first = reads[0].error
    more = (
        f" (and {len(reads) - 1} more file{'s' if len(reads) > 2 else ''})"
        if len(reads) > 1
        else ""
    )
    cls = ColumnError if all(r.error[0] == "columns" for r in reads) else DataError
    return cls(
        f"none of the {len(reads)} file{'s' if len(reads) > 1 else ''} of {str(pattern)!r} can be "
        f"analysed: {first[2]}{more}"
    )
