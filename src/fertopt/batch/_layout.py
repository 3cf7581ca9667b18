"""Trial keys, cell values and the array layout of many trials.

Everything here works on whole columns at once (one factorization per column,
one stable sort of the rows), so that the vectorized engine never loops over
trials in Python.

Numbers and labels are read with exactly the rules the per-trial functions
apply (:func:`fertopt._core.validation.to_numeric` and
:func:`fertopt._core.validation.as_labels`), but on the distinct values of a
column rather than on every cell.  A trial whose cells those rules would
reject, drop or change is marked *not regular* and goes to the per-trial
path, which then raises or warns exactly as a single-trial analysis does.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fertopt._core import validation as _v

__all__ = [
    "TrialKeys",
    "trial_keys",
    "label_codes",
    "parse_numbers",
    "Layout",
    "build_layout",
    "PatternGroup",
    "Incomplete",
    "incomplete_layout",
]


# ---------------------------------------------------------------------------
# trial keys
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class TrialKeys:
    """Trial code of every row and the key of every trial.

    ``codes[i]`` is the trial of row ``i`` (``-1`` when a key cell is
    missing; 32-bit integers below 2**31 trials); trials are numbered in
    sorted key order.  ``frame`` holds the key columns, one row per trial.
    """

    codes: np.ndarray
    frame: pd.DataFrame
    by: tuple[Hashable, ...]

    @property
    def n_trials(self) -> int:
        return len(self.frame)

    def key(self, t: int) -> object:
        """The key of trial ``t``: a scalar for one ``by`` column, else a tuple."""
        values = tuple(self.frame[c].iloc[t] for c in self.by)
        values = tuple(v.item() if isinstance(v, np.generic) else v for v in values)
        return values[0] if len(values) == 1 else values


def _factorize_sorted(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:  # values that cannot be ordered: keep first appearance
        codes, uniques = pd.factorize(values, sort=False)
    return np.asarray(codes, dtype=np.int64), pd.Index(uniques)


def trial_keys(frame: pd.DataFrame, by: Sequence[Hashable]) -> TrialKeys:
    """Number the trials defined by the ``by`` columns (exact values, sorted)."""
    by = tuple(by)
    parts = [_factorize_sorted(frame[c]) for c in by]
    if len(parts) == 1:
        codes, uniques = parts[0]
        keys = pd.DataFrame({by[0]: uniques})
        return TrialKeys(_narrow(codes, len(uniques)), keys.reset_index(drop=True), by)
    sizes = tuple(max(len(u), 1) for _, u in parts)
    missing = np.zeros(len(frame), dtype=bool)
    for c, _ in parts:
        missing |= c < 0
    stacked = [np.where(c < 0, 0, c) for c, _ in parts]
    if math.prod(sizes) < 2**62:
        combined = np.ravel_multi_index(stacked, sizes)
        combined[missing] = -1
        codes, uniq = pd.factorize(combined, sort=True)
        uniq = np.asarray(uniq, dtype=np.int64)
        inner = np.unravel_index(uniq, sizes)
    else:  # astronomically many distinct values: factorize the tuples of codes
        tuples = pd.MultiIndex.from_arrays(stacked)
        codes, uniq = pd.factorize(tuples, sort=True)
        codes = np.where(missing, -1, codes)
        inner = [np.asarray(uniq.get_level_values(i)) for i in range(len(by))]
    codes = np.asarray(codes, dtype=np.int64)
    if missing.any():
        codes = np.where(missing, -1, codes)
    keys = pd.DataFrame({c: u.take(i) for c, (_, u), i in zip(by, parts, inner, strict=True)})
    return TrialKeys(_narrow(codes, len(keys)), keys.reset_index(drop=True), by)


def _narrow(codes: np.ndarray, n: int) -> np.ndarray:
    """Codes below ``n`` (or -1) in 32 bits where they fit: one per row, held for the whole run
    (arithmetic on them widens to 64 bits first)."""
    return codes.astype(np.int32) if n < 2**31 else codes


# ---------------------------------------------------------------------------
# labels and numbers, read like the per-trial functions read them
# ---------------------------------------------------------------------------
def label_codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the labels :func:`fertopt._core.validation.as_labels` would give.

    Returns ``(codes, names)``: ``codes[i]`` indexes ``names`` (``-1`` for an
    empty cell, which the per-trial path refuses; 32-bit integers).  Two cells share a code
    exactly when ``as_labels`` gives them the same text (for example ``1`` and
    ``1.0`` in a float column, or ``"T1"`` and ``"T1 "`` in a text column).
    """
    codes, uniques = pd.factorize(series, sort=False)
    if isinstance(series.dtype, pd.CategoricalDtype):
        text = [str(v) for v in uniques]
    elif pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        text = [format(v, "g") if isinstance(v, (float, np.floating)) else str(v) for v in uniques]
    else:
        text = [str(v).strip() for v in uniques]
    names, remap = np.unique(np.asarray(text, dtype=str), return_inverse=True)
    # a code per row, held for the whole run: 32 bits are plenty for the labels of a column
    dtype = np.int32 if len(names) < 2**31 else np.int64
    remap = np.asarray(remap).ravel()  # unique cell -> label
    full = np.full(len(remap) + 1, -1, dtype=dtype)  # code -1 (the last entry) stays -1
    full[:-1] = remap
    return full[codes], names


def _cell_number(v: object) -> float | None:
    """One cell as :func:`fertopt._core.validation.to_numeric` reads it (``None``: not a number)."""
    if isinstance(v, (numbers.Real, np.number)) and not isinstance(v, (bool, np.bool_)):
        return float(v)
    return _v.parse_number(str(v))


def parse_numbers(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Column as floats, and a mask of cells the per-trial path would refuse.

    Refused cells are text that is not a number, infinities, and every cell
    of a true/false column; they are NaN in the returned array.  Missing
    markers (``NA``, ``-``, empty) are NaN and *not* refused (the per-trial
    path drops those plots with a warning).
    """
    n = len(series)
    if pd.api.types.is_bool_dtype(series):
        return np.full(n, np.nan), np.ones(n, dtype=bool)
    if pd.api.types.is_numeric_dtype(series):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        return values, np.isinf(values)
    codes, uniques = pd.factorize(series, sort=False)
    parsed = np.empty(len(uniques) + 1)
    refused = np.zeros(len(uniques) + 1, dtype=bool)
    for i, v in enumerate(uniques):
        x = _cell_number(v)
        if x is None:
            parsed[i], refused[i] = np.nan, True
        else:
            parsed[i] = x
            refused[i] = math.isinf(x)
    parsed[-1], refused[-1] = np.nan, False  # code -1: missing cell
    codes = np.asarray(codes, dtype=np.int64)
    values = parsed[codes]
    return np.where(refused[codes], np.nan, values), refused[codes]


# ---------------------------------------------------------------------------
# layout
# ---------------------------------------------------------------------------
@dataclass
class Layout:
    """Rows of every trial, and the regular trials grouped by shape.

    Attributes
    ----------
    order : ndarray
        Row numbers sorted by (trial, treatment, block); rows of trial ``t``
        are ``order[starts[t]:starts[t] + counts[t]]``.
    starts, counts : ndarray
        Per trial.
    regular : ndarray of bool
        Per trial: a complete, balanced layout the vectorized engine handles
        (every treatment once in every block, or the same number of
        replicates of every treatment in a CRD; at least 2 treatments and 2
        blocks or replicates; every cell readable).
    shapes : dict
        ``(K, R)`` → trial numbers of the regular trials with K treatments and
        R blocks (replicates), ascending.
    """

    order: np.ndarray
    starts: np.ndarray
    counts: np.ndarray
    regular: np.ndarray
    shapes: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)
    dense: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # row index, treatments, blocks

    def rows_of(self, t: int) -> np.ndarray:
        """Row numbers of trial ``t`` in their original order."""
        s = int(self.starts[t])
        return np.sort(self.order[s : s + int(self.counts[t])])

    def cell_rows(self, trials: np.ndarray, k: int, r: int) -> np.ndarray:
        """Row numbers of regular trials as a ``(len(trials), k, r)`` array.

        Treatments and blocks are in the order of their label codes.
        """
        if self.dense is not None:
            rowidx, present_g, present_b = self.dense
            gi = np.nonzero(present_g[trials])[1].reshape(len(trials), k)
            bi = np.nonzero(present_b[trials])[1].reshape(len(trials), r)
            rows = rowidx[trials[:, None, None], gi[:, :, None], bi[:, None, :]]
            return rows.astype(np.int64, copy=False)
        pos = self.starts[trials][:, None] + np.arange(k * r)
        return self.order[pos].reshape(len(trials), k, r)


def _shapes(
    regular: np.ndarray, n_k: np.ndarray, n_r: np.ndarray
) -> dict[tuple[int, int], np.ndarray]:
    shapes: dict[tuple[int, int], np.ndarray] = {}
    if regular.any():
        trials = np.flatnonzero(regular)
        pair = n_k[trials].astype(np.int64) * (int(n_r.max()) + 1) + n_r[trials]
        for p in np.unique(pair):
            sel = trials[pair == p]
            shapes[(int(n_k[sel[0]]), int(n_r[sel[0]]))] = sel
    return shapes


def _dense_layout(
    t: np.ndarray,
    n_trials: int,
    g: np.ndarray,
    n_g: int,
    b: np.ndarray,
    n_b: int,
    ok: np.ndarray,
    min_reps: int,
) -> Layout:
    """RCBD layout from the occupied cells of the (trial, treatment, block) grid: no sort of the
    cells.

    The row arrays are the largest of a batch, so each step makes at most one new one: the
    cell number of every row is built in place, the grid holds one byte per cell (occupied or
    not; a cell with two plots is found as a trial with fewer occupied cells than plots) and
    row numbers are stored in 32 bits where the rows allow it.
    """
    keyed = t >= 0
    idx = np.flatnonzero(keyed) if not keyed.all() else None
    del keyed
    tt = t if idx is None else t[idx]
    rows_dtype = np.int32 if len(t) < 2**31 else np.int64
    order = np.argsort(tt, kind="stable").astype(rows_dtype)
    if idx is not None:
        order = idx.astype(rows_dtype)[order]
    counts = np.bincount(tt, minlength=n_trials).astype(np.int64)
    starts = np.zeros(n_trials, dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    unusable = ~ok if idx is None else ~ok[idx]
    bad = np.bincount(tt[unusable], minlength=n_trials) > 0
    del unusable
    # cell number (trial × treatment × block) of every keyed row, a missing label read as 0
    key = tt.astype(np.int64)
    for codes, size in ((g, n_g), (b, n_b)):
        c = codes if idx is None else codes[idx]
        key *= size
        key += c
        key[c < 0] += 1
        del c
    size = n_trials * n_g * n_b
    filled = np.zeros(size, dtype=bool)
    filled[key] = True
    rowidx = np.zeros(size, dtype=rows_dtype)
    rowidx[key] = np.arange(len(t), dtype=rows_dtype) if idx is None else idx.astype(rows_dtype)
    del key
    rowidx = rowidx.reshape(n_trials, n_g, n_b)
    filled = filled.reshape(n_trials, n_g, n_b)
    present_g = filled.any(axis=2)
    present_b = filled.any(axis=1)
    dup = filled.sum(axis=(1, 2)) < counts  # two plots in one cell
    del filled
    n_k = present_g.sum(axis=1)
    n_r = present_b.sum(axis=1)
    regular = ~bad & ~dup & (n_k >= 2) & (n_r >= min_reps) & (n_k * n_r == counts)
    return Layout(
        order,
        starts,
        counts,
        regular,
        _shapes(regular, n_k, n_r),
        dense=(rowidx, present_g, present_b),
    )


def build_layout(
    t: np.ndarray,
    n_trials: int,
    g: np.ndarray,
    n_g: int,
    b: np.ndarray | None,
    n_b: int,
    ok: np.ndarray,
    min_reps: int = 2,
) -> Layout:
    """Find the rows of every trial and the regular trials.

    ``t``, ``g``, ``b``: trial, treatment and block codes per row (``-1`` for
    missing; ``b`` is None for a CRD); ``ok``: rows whose cells are all
    usable as they are; ``min_reps``: fewest blocks (replicates) of a regular
    trial (1 when only a surface or model can be fitted to unreplicated
    trials).  With blocks and a (trial × treatment × block) grid of
    modest size the cells are counted on the grid (linear time); otherwise
    the rows are sorted by trial, treatment and block once.
    """
    if b is not None and n_trials * max(n_g, 1) * max(n_b, 1) <= max(4 * len(t), 1 << 22):
        return _dense_layout(t, n_trials, g, n_g, b, n_b, ok, min_reps)
    keyed = t >= 0
    idx = np.flatnonzero(keyed) if not keyed.all() else None
    gg = np.maximum(g, 0).astype(np.int64)
    if b is None:
        key = t.astype(np.int64) * n_g + gg
    else:
        key = (t.astype(np.int64) * n_g + gg) * max(n_b, 1) + np.maximum(b, 0)
    if idx is None:
        order = np.argsort(key, kind="stable")
    else:
        order = idx[np.argsort(key[idx], kind="stable")]
    del key
    ts = t[order]
    counts = np.bincount(ts, minlength=n_trials).astype(np.int64)
    starts = np.zeros(n_trials, dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])

    bad = np.bincount(ts, weights=~ok[order], minlength=n_trials) > 0
    gs = g[order]
    m = len(order)
    if m == 0:
        return Layout(order, starts, counts, np.zeros(n_trials, dtype=bool))
    new_run = np.empty(m, dtype=bool)
    new_run[0] = True
    np.not_equal(gs[1:], gs[:-1], out=new_run[1:])
    new_run[1:] |= ts[1:] != ts[:-1]
    n_k = np.bincount(ts[new_run], minlength=n_trials)
    if b is not None:
        bs = b[order]
        dup = np.zeros(m, dtype=bool)
        dup[1:] = (~new_run[1:]) & (bs[1:] == bs[:-1])
        bad |= np.bincount(ts[dup], minlength=n_trials) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        n_r = np.where(n_k > 0, counts // np.maximum(n_k, 1), 0)
    shape_ok = (n_k >= 2) & (n_r >= min_reps) & (n_k * n_r == counts) & ~bad
    # every run of R rows holds one treatment, and (RCBD) the same blocks in the same order
    pos = np.arange(m, dtype=np.int64) - starts[ts]
    r_row = np.maximum(n_r[ts], 1)
    lead = starts[ts] + (pos // r_row) * r_row
    row_ok = gs == gs[lead]
    if b is not None:
        row_ok &= bs == bs[starts[ts] + pos % r_row]
    del pos, lead, r_row
    shape_ok &= np.bincount(ts, weights=~row_ok, minlength=n_trials) == 0
    return Layout(order, starts, counts, shape_ok, _shapes(shape_ok, n_k, n_r))


# ---------------------------------------------------------------------------
# incomplete blocks: trials with missing plots, grouped by which plots are missing
# ---------------------------------------------------------------------------
@dataclass
class PatternGroup:
    """Trials with the same ``K × R`` layout and the same plots missing.

    ``mask`` (K, R) marks the plots present (treatments and blocks in the
    order of their label codes); ``rows`` (trials, plots) holds the row of
    every present plot, treatment by treatment (``mask``'s row-major order);
    ``g_codes`` (trials, K) and ``b_codes`` (trials, R) the label codes of the
    treatments and blocks.
    """

    k: int
    r: int
    mask: np.ndarray
    trials: np.ndarray
    rows: np.ndarray
    g_codes: np.ndarray
    b_codes: np.ndarray

    def take(self, lo: int, hi: int) -> PatternGroup:
        """The trials ``lo:hi`` of the group."""
        return PatternGroup(
            self.k,
            self.r,
            self.mask,
            self.trials[lo:hi],
            self.rows[lo:hi],
            self.g_codes[lo:hi],
            self.b_codes[lo:hi],
        )


@dataclass
class Incomplete:
    """RCBD trials with missing plots that the batched kernels analyse.

    ``groups``: one :class:`PatternGroup` per layout and missing-plot pattern.
    ``dropped``: rows whose response is empty (the per-trial path leaves them
    out with a warning), sorted by trial and row; ``dropped_trial`` their trials.
    """

    groups: list[PatternGroup]
    dropped: np.ndarray
    dropped_trial: np.ndarray

    def dropped_rows(self, t: int) -> np.ndarray:
        """The rows of trial ``t`` left out for an empty response, in row order."""
        lo, hi = np.searchsorted(self.dropped_trial, [t, t + 1])
        return self.dropped[lo:hi]


def incomplete_layout(
    t: np.ndarray,
    g: np.ndarray,
    n_g: int,
    b: np.ndarray,
    n_b: int,
    usable: np.ndarray,
    dropped: np.ndarray,
    candidates: np.ndarray,
) -> Incomplete:
    """Find the candidate trials that are RCBDs with missing plots, grouped by pattern.

    ``t``, ``g``, ``b``: trial, treatment and block codes per row; ``usable``:
    rows whose cells are all readable; ``dropped``: rows whose only empty cell is
    the response; ``candidates``: the trials to look at (bool per trial).

    A trial is kept when every row is usable or dropped, no plot is repeated,
    every treatment and every block that any row names has at least two usable
    plots (a treatment lost entirely, or a block with one plot, stays with the
    per-trial path), there are at least 2 treatments and 2 blocks, and at least
    one but fewer than half of the treatment × block cells are empty (the
    per-trial ANOVA reads a layout with more empty cells as incomplete blocks by
    design and says so).
    """
    n_trials = len(candidates)
    cand = candidates.copy()
    keyed = t >= 0
    tt = np.where(keyed, t, 0)
    in_cand = keyed & cand[tt]
    bad_rows = in_cand & ~(usable | dropped)
    cand &= ~(np.bincount(tt[bad_rows], minlength=n_trials) > 0)
    trials = np.flatnonzero(cand)
    empty = Incomplete([], np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    if len(trials) == 0:
        return empty
    nc = len(trials)
    local = np.full(n_trials, -1, dtype=np.int64)
    local[trials] = np.arange(nc)
    in_cand = keyed & cand[tt]
    rows_all = np.flatnonzero(in_cand)
    lt = local[t[rows_all]]
    named_g = np.bincount(lt * n_g + g[rows_all], minlength=nc * n_g).reshape(nc, n_g) > 0
    named_b = np.bincount(lt * n_b + b[rows_all], minlength=nc * n_b).reshape(nc, n_b) > 0
    use = usable[rows_all]
    ur = rows_all[use]
    key = (lt[use] * n_g + g[ur]) * n_b + b[ur]
    cells = np.bincount(key, minlength=nc * n_g * n_b).reshape(nc, n_g, n_b)
    rowidx = np.full(nc * n_g * n_b, -1, dtype=np.int64)
    rowidx[key] = ur
    rowidx = rowidx.reshape(nc, n_g, n_b)
    per_g = cells.sum(axis=2)
    per_b = cells.sum(axis=1)
    present_g = per_g > 0
    present_b = per_b > 0
    n_k = present_g.sum(axis=1)
    n_r = present_b.sum(axis=1)
    n_cells = cells.sum(axis=(1, 2))
    keep = (
        ~(cells > 1).any(axis=(1, 2))
        & (present_g == named_g).all(axis=1)
        & (present_b == named_b).all(axis=1)
        & (np.where(present_g, per_g, 2).min(axis=1) >= 2)
        & (np.where(present_b, per_b, 2).min(axis=1) >= 2)
        & (n_k >= 2)
        & (n_r >= 2)
        & (n_cells < n_k * n_r)
        & (2 * (n_k * n_r - n_cells) < n_k * n_r)
    )
    groups: list[PatternGroup] = []
    pair = n_k * (n_b + 1) + n_r
    for p in np.unique(pair[keep]):
        sel = np.flatnonzero(keep & (pair == p))
        k, r = int(n_k[sel[0]]), int(n_r[sel[0]])
        gi = np.nonzero(present_g[sel])[1].reshape(len(sel), k)
        bi = np.nonzero(present_b[sel])[1].reshape(len(sel), r)
        compact = rowidx[sel[:, None, None], gi[:, :, None], bi[:, None, :]]  # (n, K, R)
        present = (compact >= 0).reshape(len(sel), k * r)
        packed = np.packbits(present, axis=1)
        flat = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
        codes, _uniques = pd.factorize(flat)
        for c in range(int(codes.max()) + 1):
            members = np.flatnonzero(codes == c)
            mask = present[members[0]].reshape(k, r)
            groups.append(
                PatternGroup(
                    k,
                    r,
                    mask,
                    trials[sel[members]],
                    compact[members].reshape(len(members), k * r)[:, mask.ravel()],
                    gi[members],
                    bi[members],
                )
            )
    kept = np.zeros(n_trials, dtype=bool)
    kept[trials[keep]] = True
    drop_rows = np.flatnonzero(keyed & dropped & kept[tt])
    order = np.argsort(t[drop_rows], kind="stable")
    drop_rows = drop_rows[order]
    return Incomplete(groups, drop_rows, t[drop_rows])
