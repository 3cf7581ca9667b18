"""Local engines: route every trial to the vectorized or the per-trial path and collect tables.

The output of one run (or of one Dask partition) is a :class:`Output`: the
trial keys, one row per analysed trial, the letter groups, the failures and
the warnings, all with a trial number ``t`` that orders them.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core import i18n
from fertopt._core import validation as _v
from fertopt.anova import anova
from fertopt.batch import _vcurves as _vc
from fertopt.batch import _vectorized as _vz
from fertopt.batch import _vposthoc as _vp
from fertopt.batch import _vsurface as _vs
from fertopt.batch._layout import (
    Incomplete,
    Layout,
    PatternGroup,
    TrialKeys,
    build_layout,
    incomplete_layout,
    label_codes,
    parse_numbers,
    trial_keys,
)
from fertopt.batch._pertrial import (
    WARNINGS_LOCK,
    Plan,
    analyse_trial,
    binding_text,
    extra_stages,
    table_columns,
    uses_3414_codes,
)
from fertopt.batch.sources import FILE_COLUMN, files_of_trials
from fertopt.economics.prices import resolve_surface_prices
from fertopt.exceptions import FertoptError, UnbalancedDesignWarning
from fertopt.multcomp import letter_test
from fertopt.surface.fit import resolve_units

__all__ = ["Output", "run_local", "assemble", "missing_key_failure", "CHUNK_TRIALS"]

#: Trials analysed together by the vectorized engine (bounds the memory of intermediates).
CHUNK_TRIALS = 8192


@dataclass
class Output:
    """Tables of one local run, before keys are attached.

    Per trial: ``analysed`` (in ``table``), ``engine_of`` (``"vectorized"``
    or ``"python"``), ``partial`` (a stage failed).  ``groups`` holds arrays
    (treatment and letter codes into ``names`` and ``book``) with a trial
    number ``t``; ``failures`` holds ``(t, stage, error, message)`` and
    ``warnings`` ``(t, stage, category, message)``.
    """

    keys: TrialKeys
    plan: Plan
    columns: dict[str, np.ndarray]
    analysed: np.ndarray
    engine_of: np.ndarray
    partial: np.ndarray
    names: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    book: _vp.LetterBook | None = None
    groups: list[dict[str, np.ndarray]] = field(default_factory=list)
    failures: list[tuple[int, str, str, str]] = field(default_factory=list)
    warnings: list[tuple[int, str, str, str]] = field(default_factory=list)
    missing_key_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    missing_key_files: np.ndarray | None = None
    index_labels: Any = None
    _name_code: dict[str, int] | None = None

    def name_code(self, label: Any) -> int:
        """Code of a treatment label in ``names`` (labels unseen so far are added)."""
        if self._name_code is None:
            self._name_code = {str(n): i for i, n in enumerate(self.names)}
        text = str(label)
        code = self._name_code.get(text)
        if code is None:
            code = self._name_code[text] = len(self.names)
            self.names = np.append(self.names, text)
        return code


def _empty_columns(spec: dict[str, str], n: int) -> dict[str, np.ndarray]:
    cols: dict[str, np.ndarray] = {}
    for name, dtype in spec.items():
        if dtype in ("str", "boolean"):
            cols[name] = np.full(n, None, dtype=object)
        elif dtype in ("int64", "Int64"):
            cols[name] = np.full(n, -1, dtype=np.int64)
        elif dtype == "bool":
            cols[name] = np.zeros(n, dtype=bool)
        else:
            cols[name] = np.full(n, np.nan)
    return cols


@dataclass
class _Prepared:
    layout: Layout
    y: np.ndarray
    g: np.ndarray
    g_names: np.ndarray
    x: np.ndarray | None = None  # (rows, nutrients) rates
    b: np.ndarray | None = None  # block codes
    b_names: np.ndarray | None = None
    ok: np.ndarray | None = None  # rows whose cells are all usable
    dropped: np.ndarray | None = None  # rows usable but for an empty response (left out)


def _prepare_codes(frame: pd.DataFrame, plan: Plan, keys: TrialKeys) -> _Prepared:
    g, g_names = label_codes(frame[plan.treatment])
    ok = g >= 0
    b = b_names = None
    rates = []
    n_b = 0
    if plan.block is not None:
        b, b_names = label_codes(frame[plan.block])
        ok &= b >= 0
        n_b = len(b_names)
    y, refused = parse_numbers(frame[plan.response])
    for rate in plan.rates:
        x, bad = parse_numbers(frame[rate])
        ok &= ~bad & np.isfinite(x) & (x >= 0)
        rates.append(x)
    dropped = ok & ~refused & np.isnan(y)
    ok &= ~refused & np.isfinite(y)
    # unreplicated trials have no ANOVA, but a surface or response model can still be fitted
    fitted = plan.surface is not None or plan.model is not None or bool(plan.three414)
    min_reps = 1 if fitted else 2
    layout = build_layout(keys.codes, keys.n_trials, g, len(g_names), b, n_b, ok, min_reps)
    # one rate column (N-rate trials): a view of it, not a copy
    x = rates[0][:, None] if len(rates) == 1 else np.column_stack(rates) if rates else None
    return _Prepared(layout, y, g, g_names, x, b, b_names, ok, dropped)


def run_local(
    frame: pd.DataFrame,
    plan: Plan,
    *,
    engine: str,
    errors: str,
    progress: Callable[[int], None] | None = None,
    n_jobs: int = 1,
    expected: tuple[str, ...] | None = None,
) -> Output:
    """Analyse every trial of an in-memory frame.

    ``engine="vectorized"`` analyses regular trials as arrays and sends the
    rest to the per-trial path; ``engine="python"`` sends every trial there.
    ``progress`` is called with the number of trials just finished.
    ``expected`` is the usual treatment set of the batch (see
    :func:`usual_treatments`; ``()`` when it has none); by default it is
    found in ``frame``.
    """
    keys = trial_keys(frame, plan.by)
    n_trials = keys.n_trials
    prep = _prepare_codes(frame, plan, keys)
    out = Output(
        keys=keys,
        plan=plan,
        columns=_empty_columns(table_columns(plan), n_trials),
        analysed=np.zeros(n_trials, dtype=bool),
        engine_of=np.full(n_trials, None, dtype=object),
        partial=np.zeros(n_trials, dtype=bool),
        names=np.asarray(prep.g_names, dtype=object),
        book=_vp.LetterBook() if plan.posthoc is not None else None,
        missing_key_rows=np.flatnonzero(keys.codes < 0),
    )
    layout = prep.layout
    _missing_treatments(out, keys, prep, expected)
    per_trial = np.ones(n_trials, dtype=bool)
    if engine == "vectorized":
        context = _Context(plan, prep, frame, errors)
        for (k, r), trials in layout.shapes.items():
            for lo in range(0, len(trials), CHUNK_TRIALS):
                chunk = trials[lo : lo + CHUNK_TRIALS]
                # degenerate trials (referred to the per-trial path) may divide by zero
                # here: their arithmetic must not reach the user as NumPy warnings
                with np.errstate(all="ignore"):
                    done = _vectorized_chunk(out, context, chunk, k, r)
                per_trial[done] = False
                if progress is not None:
                    progress(len(done))
        per_trial[_incomplete_trials(out, context, per_trial & (layout.counts > 0), progress)] = (
            False
        )
    per_trial &= layout.counts > 0
    todo = np.flatnonzero(per_trial)
    _python_trials(out, frame, plan, layout, todo, errors, progress, n_jobs)
    if FILE_COLUMN in frame.columns:
        _name_files(out, frame)
    return out


def _name_files(out: Output, frame: pd.DataFrame) -> None:
    """Start every failure and warning with the file(s) of its trial (rows read from files)."""
    prefix = files_of_trials(frame, out.keys.codes, out.keys.n_trials)
    out.failures = [(t, s, e, f"{prefix[t]}: {m}") for t, s, e, m in out.failures]
    out.warnings = [(t, s, c, f"{prefix[t]}: {m}") for t, s, c, m in out.warnings]
    out.missing_key_files = frame[FILE_COLUMN].to_numpy(dtype=object)[out.missing_key_rows]


# ---------------------------------------------------------------------------
# treatments missing from a trial
# ---------------------------------------------------------------------------
def presence_of(t: np.ndarray, n_trials: int, g: np.ndarray, n_g: int) -> np.ndarray | None:
    """(trials, labels) presence of every treatment label in every trial (None if too large)."""
    if n_trials * n_g > max(4 * len(t), 1 << 22) or n_trials == 0:
        return None
    ok = (t >= 0) & (g >= 0)
    flat = np.bincount(t[ok].astype(np.int64) * n_g + g[ok], minlength=n_trials * n_g)
    return flat.reshape(n_trials, n_g) > 0


def usual_treatments(presence: np.ndarray, names: np.ndarray) -> tuple[str, ...] | None:
    """The treatment set shared by more than half of the trials, if there is one."""
    if presence is None or len(presence) == 0:
        return None
    packed = np.packbits(presence, axis=1)
    rows = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
    codes, uniques = pd.factorize(rows)
    counts = np.bincount(codes)
    top = int(np.argmax(counts))
    if counts[top] * 2 <= len(presence):
        return None
    first = int(np.flatnonzero(codes == top)[0])
    return tuple(str(n) for n in names[presence[first]])


def _missing_treatments(
    out: Output, keys: TrialKeys, prep: _Prepared, expected: tuple[str, ...] | None
) -> None:
    """Warn (stage ``batch``) for trials lacking treatments that most trials of the batch have."""
    presence = presence_of(keys.codes, keys.n_trials, prep.g, len(prep.g_names))
    if presence is None:
        return
    if expected is None:
        expected = usual_treatments(presence, prep.g_names)
    if not expected:
        return
    code = {str(n): i for i, n in enumerate(prep.g_names)}
    want = np.zeros(len(prep.g_names), dtype=bool)
    absent = [name for name in expected if name not in code]
    want[[code[name] for name in expected if name in code]] = True
    have_extra = (presence & ~want[None, :]).any(axis=1)
    lacking = (~presence & want[None, :]).any(axis=1) | bool(absent)
    names = np.asarray(prep.g_names, dtype=object)
    for t in np.flatnonzero(lacking & ~have_extra & presence.any(axis=1)):
        missing = [str(n) for n in names[want & ~presence[t]]] + absent
        shown = ", ".join(repr(m) for m in missing[:6]) + (
            f" and {len(missing) - 6} more" if len(missing) > 6 else ""
        )
        plural = len(missing) > 1
        message = (
            f"treatment{'s' if plural else ''} {shown} of the usual treatment set of this batch "
            f"({len(expected)} treatments, shared by most trials) {'are' if plural else 'is'} "
            "missing from this trial; check that no plots were lost in data entry."
        )
        out.warnings.append((int(t), "batch", "DesignWarning", message))


# ---------------------------------------------------------------------------
# vectorized path
# ---------------------------------------------------------------------------
class _Context:
    """What the vectorized chunks of one run share: data, label order, critical values, designs."""

    def __init__(self, plan: Plan, prep: _Prepared, frame: pd.DataFrame, errors: str = "record"):
        self.plan = plan
        self.prep = prep
        self.frame = frame
        self.errors = errors
        self._anova_errors: dict[tuple, tuple[str, str] | None] = {}
        self.label_order = _vp.LabelOrder(prep.g_names) if plan.posthoc is not None else None
        self._crit: dict[tuple[int, float], np.ndarray] = {}
        self.surface = surface_setup(plan, frame) if plan.surface is not None else None
        self.designs = _vs.DesignCache()
        self.codes_3414 = _vs.label_codes_3414(prep.g_names) if uses_3414_codes(plan) else None
        self.patterns: dict[bytes, _vz.PatternDesign] = {}
        self.plot_designs: dict[bytes, Any] = {}
        self._levels: dict[bytes, tuple[dict[int, int], dict[int, int]]] = {}
        self._missing_text: dict[bytes, str] = {}
        self._replication: dict[tuple[int, int], str | None] = {}
        self._models: list[_vc.ModelSetup | None] = []

    def models(self, t: int) -> _vc.ModelSetup | None:
        """Prices of the response model, resolved on trial ``t`` (None: model per trial).

        Resolved once for the run; a trial whose own fit fails (too few rates, say) leaves
        the question to the next chunk's trial instead of sending the whole run per trial.
        """
        plan = self.plan
        if plan.model is None or plan.three414 or len(plan.rates) != 1:
            return None
        if not self._models:
            setup = _vc.model_setup(plan, self.frame, self.prep.layout.rows_of(t))
            if setup is None:
                return None
            self._models.append(setup)
        return self._models[0]

    def anova_error(self, k: int, label: int, t: int) -> tuple[str, str] | None:
        """``(error type, message)`` of fo.anova on an unreplicated trial of this kind."""
        key = (k, label)
        if key not in self._anova_errors:
            frame = self.frame.iloc[self.prep.layout.rows_of(t)]
            plan = self.plan
            try:
                with WARNINGS_LOCK, warnings.catch_warnings(record=True):
                    warnings.simplefilter("always")
                    anova(frame, response=plan.response, treatment=plan.treatment, block=plan.block)
            except FertoptError as exc:
                self._anova_errors[key] = (type(exc).__name__, str(exc))
            else:
                self._anova_errors[key] = None
        return self._anova_errors[key]

    def missing_plots_text(self, grp: PatternGroup, i: int) -> str:
        """fo.anova's warning naming the empty cells of the trial in row ``i`` of ``grp``."""
        g_codes, b_codes = grp.g_codes[i], grp.b_codes[i]
        labels = g_codes.tobytes() + b_codes.tobytes()
        key = labels + grp.mask.tobytes() + bytes(grp.mask.shape)
        text = self._missing_text.get(key)
        if text is None:
            if labels not in self._levels:
                # the level order of fo.anova's cells: labels as fertopt.anova reads them
                rows = grp.rows[i]
                order = []
                for column, codes, names in (
                    (self.plan.treatment, g_codes, self.prep.g_names),
                    (self.plan.block, b_codes, self.prep.b_names),
                ):
                    cats = _v.as_labels(self.frame[column].iloc[rows], "label").categories
                    at = {str(c): j for j, c in enumerate(cats)}
                    order.append({int(c): at[str(names[c])] for c in codes})
                self._levels[labels] = (order[0], order[1])
            g_at, b_at = self._levels[labels]
            gi, bi = np.nonzero(~grp.mask)
            cells = sorted(
                zip(b_codes[bi].tolist(), g_codes[gi].tolist(), strict=True),
                key=lambda cell: (b_at[cell[0]], g_at[cell[1]]),
            )
            blocks = list(dict.fromkeys(b for b, _ in cells))
            treatments = list(dict.fromkeys(g for _, g in cells))
            index = pd.MultiIndex(  # built from its parts: no factorisation of the labels
                levels=[
                    [str(self.prep.b_names[b]) for b in blocks],
                    [str(self.prep.g_names[g]) for g in treatments],
                ],
                codes=[
                    [blocks.index(b) for b, _ in cells],
                    [treatments.index(g) for _, g in cells],
                ],
                names=[self.plan.block, self.plan.treatment],
                verify_integrity=False,
            )
            empty = pd.Series(np.zeros(len(cells), dtype=np.int64), index=index)
            text = str(i18n.message("missing_plots", cells=_v.describe_cells(empty)))
            self._missing_text[key] = text
        return text

    def replication_warning(self, lo: int, hi: int, t: int) -> str | None:
        """The letter test's warning on unequal replication (n from ``lo`` to ``hi``), taken
        from the test itself on trial ``t``, the first of its kind."""
        key = (lo, hi)
        if key not in self._replication:
            frame = self.frame.iloc[self.prep.layout.rows_of(t)]
            plan = self.plan
            found = None
            with WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    aov = anova(
                        frame, response=plan.response, treatment=plan.treatment, block=plan.block
                    )
                    del caught[:]
                    letter_test(plan.posthoc, aov, alpha=plan.alpha)
                except FertoptError:  # pragma: no cover - such trials do not reach the kernels
                    del caught[:]
            for w in caught:
                if issubclass(w.category, UnbalancedDesignWarning):
                    found = str(w.message)
            self._replication[key] = found
        return self._replication[key]

    def critical(self, k: int, df: float) -> np.ndarray:
        key = (k, df)
        if key not in self._crit:
            self._crit[key] = _vp.critical_values(self.plan.posthoc, k, df, self.plan.alpha)
        return self._crit[key]


def _vectorized_chunk(out: Output, ctx: _Context, trials: np.ndarray, k: int, r: int) -> np.ndarray:
    """Analyse one chunk of regular trials; returns the trials it finished."""
    if r == 1:
        return _unreplicated_chunk(out, ctx, trials, k)
    plan = ctx.plan
    if plan.posthoc is not None and plan.posthoc not in _vp.VECTORIZED_TESTS:
        return trials[:0]  # REGWQ and Waller–Duncan: every replicated trial goes per trial
    rows = ctx.prep.layout.cell_rows(trials, k, r)
    yy = ctx.prep.y[rows]
    blocked = plan.block is not None
    aov = _vz.anova_arrays(yy, blocked)
    refer = aov.refer.copy()
    mc = None
    if plan.posthoc is not None:
        codes = ctx.prep.g[rows[:, :, 0]]
        base = ctx.label_order.base(codes)
        crit = ctx.critical(k, aov.df_resid)
        mc = _vp.posthoc_arrays(plan.posthoc, aov.means, base, aov.mse, r, crit, out.book)
        refer |= mc.refer
    surf = None
    if plan.surface is not None:
        xr = ctx.prep.x[rows]  # (trials, K, R, nutrients)
        consistent = (xr == xr[:, :, :1, :]).all(axis=(2, 3))
        surf = _vs.surface_arrays(
            ctx.surface,
            ctx.designs,
            aov.centred_means,
            aov.offset,
            xr[:, :, 0, :],
            r,
            blocked,
            aov.ss_resid,
            aov.ss_block,
            aov.ss_total,
        )
        refer |= surf.refer | ~consistent.all(axis=1)
        if ctx.codes_3414 is not None:
            level_codes = ctx.codes_3414[ctx.prep.g[rows[:, :, 0]]]
            refer |= _vs.codes_swapped(level_codes, xr[:, :, 0, :])
    keep = ~refer
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
    if mc is not None:
        c["letters_method"][t] = mc.method[keep]
        c["n_letters"][t] = mc.n_letters[keep]
        order = mc.order[keep]
        n_keep = len(t)
        means = np.take_along_axis(aov.means[keep], order, axis=1)
        sd = np.take_along_axis(aov.sd[keep], order, axis=1)
        # one row per treatment of every trial until the run ends: codes and counts in 32 bits
        out.groups.append(
            {
                "t": np.repeat(t.astype(np.int32), k),
                "treatment": np.take_along_axis(codes[keep], order, axis=1).ravel(),
                "mean": means.ravel(),
                "sd": sd.ravel(),
                "se": np.repeat(np.sqrt(aov.mse[keep] / r), k),
                "n": np.full(n_keep * k, r, dtype=np.int32),
                "letters": mc.letters[keep].ravel().astype(np.int32),
            }
        )
    if surf is not None:
        _store_surface(c, t, keep, surf, ctx)
    out.analysed[t] = True
    out.engine_of[t] = "vectorized"
    rest = t
    setup = ctx.models(int(t[0])) if plan.model is not None and len(t) else None
    if setup is not None:
        x_rows = ctx.prep.x[rows[keep]][..., 0]
        fitted = _vc.model_chunk(
            c,
            out.warnings,
            setup,
            ctx.frame,
            t,
            rows[keep],
            x_rows,
            aov.centred_means[keep],
            aov.offset[keep],
            aov.ss_resid[keep],
            aov.ss_total[keep],
            blocked,
        )
        rest = t[~fitted]
    if plan.model is not None or plan.three414:
        _model_per_trial(out, ctx, rest)
    return t


def _unreplicated_chunk(out: Output, ctx: _Context, trials: np.ndarray, k: int) -> np.ndarray:
    """Trials with one plot per treatment: the ANOVA error, then the surface or model.

    ``fo.anova`` refuses such a trial (a single block, or no residual degrees
    of freedom) with a message that depends only on the number of plots and
    the block label; it is taken from ``fo.anova`` on the first trial of each
    kind and recorded for all of them.  Trials with constant yields, whose
    ANOVA fails for another reason, go to the per-trial path.

    A response model is fitted in the batch on the plots themselves (one per
    rate, weight 1, no pure error: the residual df are the fit's alone, and
    ``fit_response`` has no lack-of-fit test to give).  A trial the batched
    fit refers, or whose model stage would fail (a block column with a single
    level, too few rates), goes to the per-trial path whole, which then
    records it as a failure as it does any trial with nothing analysed.
    """
    plan = ctx.plan
    if plan.model is not None and plan.block is not None:
        # fit_response refuses a block column with a single level, so the trial fails as a
        # whole on the per-trial path (its ANOVA error, the model's as a warning): leave it there
        return trials[:0]
    rows = ctx.prep.layout.cell_rows(trials, k, 1)[:, :, 0]
    y = ctx.prep.y[rows]
    # constant or negative yields: the per-trial path refuses them with its message
    refer = ~(np.ptp(y, axis=1) > 0) | (y < 0).any(axis=1)
    if ctx.prep.b is not None:
        labels = ctx.prep.b[rows[:, 0]]
    else:
        labels = np.full(len(trials), -1)
    errors = np.full(len(trials), None, dtype=object)
    for label in np.unique(labels[~refer]):
        members = np.flatnonzero((labels == label) & ~refer)
        error = ctx.anova_error(k, int(label), int(trials[members[0]]))
        if error is None:
            refer[members] = True
        else:
            errors[members] = [error] * len(members)
    shift = y[:, 0].copy()
    d = y - shift[:, None]
    centre = d.mean(axis=1)
    e = d - centre[:, None]
    ss_total = np.einsum("ij,ij->i", e, e)
    surf = None
    if plan.surface is not None:
        x = ctx.prep.x[rows]
        zero = np.zeros(len(trials))
        surf = _vs.surface_arrays(
            ctx.surface, ctx.designs, e, shift + centre, x, 1, False, zero, zero, ss_total
        )
        refer |= surf.refer
        if ctx.codes_3414 is not None:
            refer |= _vs.codes_swapped(ctx.codes_3414[ctx.prep.g[rows]], x)
    keep = ~refer
    model_warnings: list[tuple[int, str, str, str]] = []
    if plan.model is not None:
        # the model is all an unreplicated trial has: one the batch does not fit goes per trial
        setup = ctx.models(int(trials[np.argmax(keep)])) if keep.any() else None
        if setup is None:
            return trials[:0]
        at = np.flatnonzero(keep)
        cells = rows[at][:, :, None]  # (trials, K, R = 1)
        fitted = _vc.model_chunk(
            out.columns,
            model_warnings,
            setup,
            ctx.frame,
            trials[at],
            cells,
            ctx.prep.x[cells][..., 0],
            e[at],
            (shift + centre)[at],
            np.zeros(len(at)),  # no pure error
            ss_total[at],
            False,
        )
        keep[at[~fitted]] = False
    t = trials[keep]
    for ti, error in zip(t.tolist(), errors[keep].tolist(), strict=True):
        out.warnings.append((ti, "anova", error[0], error[1]))
    out.warnings.extend(model_warnings)  # after the ANOVA's, as the per-trial path records them
    out.partial[t] = True
    if surf is not None:
        _store_surface(out.columns, t, keep, surf, ctx)
    out.analysed[t] = True
    out.engine_of[t] = "vectorized"
    if plan.three414:
        _model_per_trial(out, ctx, t)
    return t


# ---------------------------------------------------------------------------
# RCBD trials with missing plots: batched least squares per missing-plot pattern
# ---------------------------------------------------------------------------
def _incomplete_trials(
    out: Output, ctx: _Context, candidates: np.ndarray, progress: Callable[[int], None] | None
) -> np.ndarray:
    """Analyse the candidate trials that are RCBDs with missing plots; returns those finished.

    Trials are grouped by layout and missing-plot pattern (:func:`incomplete_layout`);
    the trials of a pattern share one design matrix, factorised once, and the patterns
    of one layout are analysed together in chunks once their least squares are done.
    The per-trial path keeps: CRDs, trials with a whole treatment (or block) missing or
    a treatment or block left with one plot, half or more of the cells empty, REGWQ and
    Waller–Duncan letters, and (with very many labels) batches whose
    grid of trials × treatments × blocks would not fit the memory bound of the layout.
    """
    plan, prep = ctx.plan, ctx.prep
    none = np.zeros(0, dtype=np.int64)
    if (
        plan.block is None
        or not candidates.any()
        or (plan.posthoc is not None and plan.posthoc not in _vp.VECTORIZED_TESTS)
    ):
        return none
    n_g, n_b = len(prep.g_names), len(prep.b_names)
    if int(candidates.sum()) * n_g * n_b > max(4 * len(prep.y), 1 << 22):
        return none
    inc = incomplete_layout(
        out.keys.codes, prep.g, n_g, prep.b, n_b, prep.ok, prep.dropped, candidates
    )
    by_shape: dict[tuple[int, int], list[tuple[PatternGroup, _vz.PatternDesign]]] = {}
    for group in inc.groups:
        key = group.mask.tobytes() + bytes(group.mask.shape)
        design = ctx.patterns.get(key)
        if design is None:
            design = ctx.patterns[key] = _vz.PatternDesign.build(group.mask)
        if design.usable:
            by_shape.setdefault((group.k, group.r), []).append((group, design))
    done = [none]

    def run(pieces: list[tuple[PatternGroup, _vz.PatternDesign]]) -> None:
        with np.errstate(all="ignore"):
            finished = _pattern_chunk(out, ctx, pieces, inc)
        done.append(finished)
        if progress is not None:
            progress(len(finished))

    for parts in by_shape.values():
        pieces: list[tuple[PatternGroup, _vz.PatternDesign]] = []
        size = 0
        for group, design in parts:
            for lo in range(0, len(group.trials), CHUNK_TRIALS):
                piece = group.take(lo, lo + CHUNK_TRIALS)
                pieces.append((piece, design))
                size += len(piece.trials)
                if size >= CHUNK_TRIALS:
                    run(pieces)
                    pieces, size = [], 0
        if pieces:
            run(pieces)
    return np.concatenate(done)


def _stack(parts: list[Any], name: str) -> np.ndarray:
    """One field of several :class:`AnovaArrays`, one trial after another."""
    return np.concatenate([getattr(p, name) for p in parts])


def _pattern_chunk(
    out: Output,
    ctx: _Context,
    pieces: list[tuple[PatternGroup, _vz.PatternDesign]],
    inc: Incomplete,
) -> np.ndarray:
    """Analyse trials with missing plots (same layout, one or more patterns).

    The least squares are done pattern by pattern; the letters, canonical analysis
    and optimum of all the trials at once, as :func:`_vectorized_chunk` does.
    """
    plan, prep = ctx.plan, ctx.prep
    k, r = pieces[0][0].k, pieces[0][0].r
    sizes = [len(p.trials) for p, _ in pieces]

    def per_trial(values: list[Any]) -> np.ndarray:
        """One value (or array) per piece, repeated for each of its trials."""
        return np.concatenate(
            [np.broadcast_to(v, (n, *np.shape(v))) for v, n in zip(values, sizes, strict=True)]
        )

    aovs = [_vz.anova_pattern(prep.y[p.rows], d) for p, d in pieces]
    trials = np.concatenate([p.trials for p, _ in pieces])
    g_codes = np.concatenate([p.g_codes for p, _ in pieces])
    means = _stack(aovs, "means")
    mse = _stack(aovs, "mse")
    refer = _stack(aovs, "refer")
    df_resid = per_trial([a.df_resid for a in aovs])
    n_dropped = []
    for p, _ in pieces:
        pos, mine = _dropped_of(p, inc)
        n_dropped.append(np.bincount(pos[mine], minlength=len(p.trials)))
    n_dropped = np.concatenate(n_dropped)
    mc = None
    if plan.posthoc is not None:
        base = ctx.label_order.base(g_codes)
        crit = per_trial([ctx.critical(k, a.df_resid) for a in aovs])
        pair_var = per_trial(
            [_vp.pair_variance(plan.posthoc, d.pair_var, d.common_var) for _, d in pieces]
        )
        mc = _vp.posthoc_arrays(plan.posthoc, means, base, mse, r, crit, out.book, pair_var)
        refer |= mc.refer
    surf = None
    if plan.surface is not None:
        fits, xts = [], []
        lo = 0
        for (p, d), a in zip(pieces, aovs, strict=True):
            xr = prep.x[p.rows]  # (trials, plots, nutrients)
            xt = xr[:, np.searchsorted(d.g_of, np.arange(k)), :]  # rates of each treatment
            bad = ~(xr == xt[:, d.g_of, :]).all(axis=(1, 2)) | _dropped_rates_differ(
                prep, p, inc, xt
            )
            y = prep.y[p.rows]
            e = (y - y[:, :1]) - (y - y[:, :1]).mean(axis=1)[:, None]
            fit, ref = _vs.fit_pattern(
                ctx.surface,
                ctx.designs,
                ctx.plot_designs,
                e,
                a.offset,
                xt,
                d.g_of,
                np.nonzero(d.mask)[1],
                r,
                a.ss_block,
                a.ss_total,
            )
            fits.append(fit)
            xts.append(xt)
            refer[lo : lo + len(p.trials)] |= bad | ref
            lo += len(p.trials)
        xt = np.concatenate(xts)
        surf = _vs.canonical_optimum(
            ctx.surface, _vs.FitStats.concat(fits), xt.max(axis=1), xt.min(axis=1), refer.copy()
        )
        refer |= surf.refer
        if ctx.codes_3414 is not None:
            refer |= _vs.codes_swapped(ctx.codes_3414[g_codes], xt)
    keep = ~refer
    t = trials[keep]
    c = out.columns
    c["design"][t] = "RCBD"
    c["n_obs"][t] = per_trial([d.n for _, d in pieces])[keep]
    c["n_dropped"][t] = n_dropped[keep]
    c["n_treatments"][t] = k
    c["n_blocks"][t] = r
    c["balanced"][t] = False
    for name in ("grand_mean", "cv", "f", "p", "f_block", "p_block", "r_squared"):
        c[name][t] = _stack(aovs, name)[keep]
    c["mse"][t] = mse[keep]
    c["df_resid"][t] = df_resid[keep]
    c["df_treatment"][t] = k - 1
    c["df_block"][t] = r - 1
    if mc is not None:
        c["letters_method"][t] = mc.method[keep]
        c["n_letters"][t] = mc.n_letters[keep]
        order = mc.order[keep]
        se = np.sqrt(mse[:, None] * per_trial([np.diag(d.cov) for _, d in pieces]))
        n_g = per_trial([d.n_g for _, d in pieces])
        out.groups.append(
            {
                "t": np.repeat(t, k),
                "treatment": np.take_along_axis(g_codes[keep], order, axis=1).ravel(),
                "mean": np.take_along_axis(means[keep], order, axis=1).ravel(),
                "sd": np.take_along_axis(_stack(aovs, "sd")[keep], order, axis=1).ravel(),
                "se": np.take_along_axis(se[keep], order, axis=1).ravel(),
                "n": np.take_along_axis(n_g[keep], order, axis=1).ravel().astype(np.int64),
                "letters": mc.letters[keep].ravel(),
            }
        )
    if surf is not None:
        _store_surface(c, t, keep, surf, ctx)
    out.analysed[t] = True
    out.engine_of[t] = "vectorized"
    lo = 0
    for (p, d), n in zip(pieces, sizes, strict=True):
        _pattern_warnings(out, ctx, p, d, inc, keep[lo : lo + n], n_dropped[lo : lo + n])
        lo += n
    if plan.model is not None or plan.three414:
        _model_per_trial(out, ctx, t)
    return t


def _dropped_of(grp: PatternGroup, inc: Incomplete) -> tuple[np.ndarray, np.ndarray]:
    """Position in ``grp`` of the trial of every left-out row, and which rows are its."""
    pos = np.searchsorted(grp.trials, inc.dropped_trial)
    at = grp.trials[np.minimum(pos, len(grp.trials) - 1)]
    return pos, (pos < len(grp.trials)) & (at == inc.dropped_trial)


def _dropped_rates_differ(
    prep: _Prepared, grp: PatternGroup, inc: Incomplete, xt: np.ndarray
) -> np.ndarray:
    """(trials,) a row left out for an empty response has rates other than its treatment's.

    The per-trial path reads the rates of every row (the 3414 code check too), so such a
    trial is left to it.
    """
    out = np.zeros(len(grp.trials), dtype=bool)
    pos, mine = _dropped_of(grp, inc)
    if not mine.any():
        return out
    rows, pos = inc.dropped[mine], pos[mine]
    col = (grp.g_codes[pos] == prep.g[rows][:, None]).argmax(axis=1)
    differ = ~(prep.x[rows] == xt[pos, col, :]).all(axis=1)
    out[pos[differ]] = True
    return out


def _pattern_warnings(
    out: Output,
    ctx: _Context,
    grp: PatternGroup,
    design: _vz.PatternDesign,
    inc: Incomplete,
    keep: np.ndarray,
    n_dropped: np.ndarray,
) -> None:
    """The warnings the per-trial path gives a trial with missing plots, in its order."""
    plan = ctx.plan
    index = ctx.frame.index
    replication = None
    if plan.posthoc is not None and plan.posthoc in _vp.COMMON_SE_TESTS:
        lo, hi = int(design.n_g.min()), int(design.n_g.max())
        if lo != hi and keep.any():
            replication = ctx.replication_warning(lo, hi, int(grp.trials[np.argmax(keep)]))
    for i in np.flatnonzero(keep).tolist():
        t = int(grp.trials[i])
        left_out = None
        if n_dropped[i]:
            rows = index[inc.dropped_rows(t)]
            fields = {
                "n": int(n_dropped[i]),
                "rows": _v.describe_rows(rows),
                "plots": "plots" if n_dropped[i] > 1 else "plot",
                "were": "were" if n_dropped[i] > 1 else "was",
                "column": plan.response,
            }
            left_out = fields
            text = str(i18n.message("left_out_no_column", **fields))
            out.warnings.append((t, "anova", "DataWarning", text))
        out.warnings.append((t, "anova", "UnbalancedDesignWarning", ctx.missing_plots_text(grp, i)))
        if replication is not None:
            out.warnings.append((t, "posthoc", "UnbalancedDesignWarning", replication))
        if left_out is not None and plan.surface is not None:
            text = str(i18n.message("left_out_no_response_value", **left_out))
            out.warnings.append((t, "surface", "DataWarning", text))


def _model_per_trial(out: Output, ctx: _Context, trials: np.ndarray) -> None:
    """The response-model and 3414 stages of vectorized trials, one trial at a time."""
    raise_errors = ctx.errors == "raise"
    for t in trials.tolist():
        record: list[tuple[str, str, str]] = []
        errs: list[tuple[str, str, str]] = []
        frame = ctx.frame.iloc[ctx.prep.layout.rows_of(t)]
        row, _fit, _opt, _t4 = extra_stages(frame, ctx.plan, record, errs, raise_errors)
        _store_values(out, t, row)
        for stage, category, message in record:
            out.warnings.append((t, stage, category, message))
        for stage, error, message in errs:
            out.warnings.append((t, stage, error, message))
            out.partial[t] = True


def surface_setup(plan: Plan, frame: pd.DataFrame) -> _vs.SurfaceSetup:
    """Terms and prices of the plan's surface (prices resolved as SurfaceFit.optimum does)."""
    nutrients = tuple(str(r) for r in plan.rates)
    crop = costs = None
    undeclared = False
    if plan.prices is not None:
        columns = {n: r for n, r in zip(nutrients, plan.rates, strict=True)}
        response_unit, rate_units = resolve_units(frame, None, plan.response, columns)
        crop, prices, _money = resolve_surface_prices(
            plan.prices, nutrients, response_unit, rate_units
        )
        costs = np.array([prices[n] for n in nutrients], dtype=float)
        undeclared = response_unit is None or any(u is None for u in rate_units.values())
    return _vs.SurfaceSetup.build(
        nutrients, crop, costs, stepwise=plan.surface == "stepwise", check_units=undeclared
    )


def _store_surface(
    c: dict[str, np.ndarray],
    t: np.ndarray,
    keep: np.ndarray,
    surf: _vs.SurfaceArrays,
    ctx: _Context,
) -> None:
    setup = ctx.surface
    for j, name in enumerate(setup.names):
        c[f"coef_{name}"][t] = surf.coef[keep, j]
    c["surface_r2"][t] = surf.r2[keep]
    c["surface_adj_r2"][t] = surf.adj_r2[keep]
    c["surface_rmse"][t] = surf.rmse[keep]
    c["surface_df_resid"][t] = surf.df_resid[keep]
    c["surface_f"][t] = surf.f[keep]
    c["surface_p"][t] = surf.p[keep]
    c["surface_lof_p"][t] = surf.lof_p[keep]
    c["surface_kind"][t] = surf.kind[keep]
    for i, n in enumerate(setup.nutrients):
        c[f"stationary_{n}"][t] = surf.stationary[keep, i]
        c[f"opt_{n}"][t] = surf.opt_rates[keep, i]
    c["stationary_yield"][t] = surf.stationary_yield[keep]
    c["stationary_inside"][t] = surf.stationary_inside[keep]
    c["opt_status"][t] = surf.opt_status[keep]
    c["opt_yield"][t] = surf.opt_yield[keep]
    c["opt_net_return"][t] = surf.opt_net_return[keep]
    sides = surf.opt_bound[keep]
    codes = ((sides + 1) * (3 ** np.arange(sides.shape[1]))).sum(axis=1)
    texts = {}
    for code in np.unique(codes):
        digits = [(int(code) // 3**i) % 3 - 1 for i in range(sides.shape[1])]
        texts[int(code)] = binding_text(list(setup.nutrients), digits)
    c["opt_binding"][t] = (
        np.array([texts[int(v)] for v in codes], dtype=object) if len(codes) else []
    )
    # trials that might be the unit trap were handed to the per-trial path
    c["unit_warning"][t] = ""


# ---------------------------------------------------------------------------
# per-trial path
# ---------------------------------------------------------------------------
def _store_row(out: Output, t: int, row: dict[str, Any]) -> None:
    _store_values(out, t, row)
    out.analysed[t] = True
    out.engine_of[t] = "python"


def _store_values(out: Output, t: int, row: dict[str, Any]) -> None:
    for name, value in row.items():
        column = out.columns[name]
        if value is None or value is pd.NA:
            continue
        if column.dtype == np.int64 and isinstance(value, float) and math.isnan(value):
            continue
        column[t] = value


def _python_trials(
    out: Output,
    frame: pd.DataFrame,
    plan: Plan,
    layout: Layout,
    trials: np.ndarray,
    errors: str,
    progress,
    n_jobs: int,
) -> None:
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
            for stage, error, message in outcome.errors[1:]:  # later stages that failed too
                out.warnings.append((t, stage, error, message))
        else:
            _store_row(out, t, outcome.row)
            for stage, error, message in outcome.errors:
                out.warnings.append((t, stage, error, message))
                out.partial[t] = True
            if outcome.groups is not None:
                out.groups.append(_groups_arrays(out, t, outcome.groups))
        if progress is not None:
            progress(1)


def _groups_arrays(out: Output, t: int, groups: pd.DataFrame) -> dict[str, np.ndarray]:
    """A per-trial ``groups`` frame as the arrays the vectorized chunks produce."""
    n = len(groups)
    return {
        "t": np.full(n, t, dtype=np.int64),
        "treatment": np.array([out.name_code(v) for v in groups["treatment"]], dtype=np.int64),
        "mean": groups["mean"].to_numpy(dtype=float),
        "sd": groups["sd"].to_numpy(dtype=float),
        "se": groups["se"].to_numpy(dtype=float),
        "n": groups["n"].to_numpy(dtype=np.int64),
        "letters": np.array([out.book.code(str(v)) for v in groups["letters"]], dtype=np.int64),
    }


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
    import multiprocessing

    # spawn, not fork: the caller's process may hold threads (a Dask client, a GUI) whose locks
    # a forked child would inherit in whatever state they are
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=n_jobs, mp_context=context) as pool:
        futures = [pool.submit(_analyse_many, b, plan, errors) for b in batches]
        for fut in futures:
            yield from fut.result()


# ---------------------------------------------------------------------------
# assembling the tables
# ---------------------------------------------------------------------------
def text_column(values: Any) -> pd.Series:
    """A text column of the result tables, its characters written once into Arrow memory.

    ``pd.Series(strings, dtype="str")`` builds its Arrow buffer by doubling, which touches
    about three times the text: a batch with a long warning on most trials then peaked at
    3.7x its input frame.  Here the UTF-8 bytes go into one buffer of their exact size, which
    pandas takes without a copy.  Values that are not all strings, and a pandas whose text
    type does not keep its data in pyarrow, take the ordinary route (the same column).

    Examples
    --------
    >>> text_column(["a", "bé", ""]).tolist()
    ['a', 'bé', '']
    >>> text_column(["a", None]).tolist()
    ['a', nan]
    """
    pa = _arrow_text()
    n = len(values)
    if pa is None or n == 0 or not all(isinstance(v, str) for v in values):
        return pd.Series(values, dtype="str")
    lengths = np.fromiter(
        (len(v) if v.isascii() else len(v.encode()) for v in values), dtype=np.int64, count=n
    )
    if lengths.sum() < _LONG_TEXT:  # short labels (statuses, designs): pandas' way is faster
        return pd.Series(values, dtype="str")
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    data = np.empty(int(offsets[-1]), dtype=np.uint8)
    for i in np.flatnonzero(lengths):
        data[offsets[i] : offsets[i + 1]] = np.frombuffer(values[i].encode(), dtype=np.uint8)
    array = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))
    return pd.Series(array, dtype="str")


#: Text columns with more bytes than this are written by :func:`text_column` itself.
_LONG_TEXT = 1 << 20


@functools.cache
def _arrow_text() -> Any:
    """pyarrow, when pandas' text type keeps its characters there; else None."""
    try:
        import pyarrow as pa
    except ImportError:
        return None
    if getattr(pd.Series(["x"], dtype="str").dtype, "storage", None) != "pyarrow":
        return None
    return pa


def assemble(out: Output, plan: Plan) -> dict[str, Any]:
    """The four tables of a run, keyed and ordered.

    The per-trial columns, letter groups and warnings of ``out`` are handed over to the
    tables and released from ``out`` as they go (each would otherwise be held twice at the
    end of a large run); ``out`` is not assembled twice.
    """
    keys = out.keys.frame
    by = list(plan.by)
    n_trials = len(keys)

    # sorted as rows (stable, as sort_values(kind="stable") would), so that the texts are
    # converted to the table's string column once and not copied again by a sort
    rows = sorted(out.warnings, key=itemgetter(0))
    out.warnings = []
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
    del rows
    warn = pd.DataFrame(
        {
            "t": np.array(columns[0], dtype=np.int64),
            "stage": pd.Series(columns[1], dtype="str"),
            "category": pd.Series(columns[2], dtype="str"),
            "message": text_column(columns[3]),
        }
    )
    del columns
    n_warn = np.bincount(warn["t"].to_numpy(dtype=np.int64), minlength=n_trials)
    partial = out.partial

    analysed = np.flatnonzero(out.analysed)
    every = len(analysed) == n_trials  # the usual case: no copy of the columns to select rows
    table = keys.iloc[analysed].reset_index(drop=True)
    table["engine"] = out.engine_of[analysed].astype(str)
    table["status"] = np.where(partial[analysed], "partial", "ok")
    table["n_warnings"] = n_warn[analysed]
    for name, dtype in table_columns(plan).items():
        column = out.columns.pop(name)
        values = column if every else column[analysed]
        del column
        if dtype == "Int64":
            table[name] = pd.array(np.where(values < 0, 0, values), dtype="Int64")
            table.loc[values < 0, name] = pd.NA
        elif dtype == "str":
            table[name] = text_column(values)
        elif dtype == "boolean":
            table[name] = pd.array(values, dtype="boolean")
        else:
            table[name] = values.astype(dtype, copy=False)
        del values

    fail = pd.DataFrame(out.failures, columns=["t", "stage", "error", "message"]).sort_values(
        "t", kind="stable"
    )
    failures = keys.iloc[fail["t"].to_numpy(dtype=np.int64)].reset_index(drop=True)
    failures = pd.concat([failures, fail.drop(columns="t").reset_index(drop=True)], axis=1)
    keyless = missing_key_failure(
        np.asarray(out.index_labels[out.missing_key_rows])
        if out.index_labels is not None
        else out.missing_key_rows,
        plan.by,
        out.missing_key_files,
    )
    if len(keyless):
        failures = pd.concat([failures, keyless], ignore_index=True)
    warnings_frame = keys.iloc[warn["t"].to_numpy(dtype=np.int64)].reset_index(drop=True)
    warnings_frame = pd.concat(
        [warnings_frame, warn.drop(columns="t").reset_index(drop=True)], axis=1
    )

    groups = _groups_frame(out, keys)
    del by
    return {
        "table": table,
        "groups": groups,
        "failures": failures,
        "warnings": warnings_frame,
        "n_trials": n_trials + len(keyless),
        "n_analysed": len(analysed),
        "n_failed": len(failures),
        "n_warned": int((n_warn > 0).sum()),
        "n_vectorized": int((out.engine_of == "vectorized").sum()),
    }


def _sorted_categorical(codes: np.ndarray, names: Any) -> pd.Categorical:
    """Codes into ``names`` as a categorical whose categories are the used names, sorted."""
    names = np.asarray(names, dtype=object)
    used = np.unique(codes)
    labels = names[used]
    order = np.argsort(labels.astype(str), kind="stable")
    remap = np.empty(len(names), dtype=np.int64)
    remap[used[order]] = np.arange(len(used))
    return pd.Categorical.from_codes(
        remap[codes], categories=pd.Index(labels[order].astype(str), dtype=object)
    )


def _groups_frame(out: Output, keys: pd.DataFrame) -> pd.DataFrame:
    cols = ["treatment", "mean", "sd", "se", "n", "letters"]
    if not out.groups:
        frame = keys.iloc[:0].reset_index(drop=True)
        for c, dtype in zip(
            cols, ["category", float, float, float, "int64", "category"], strict=True
        ):
            frame[c] = pd.Series(dtype=dtype)
        return frame

    def take(c: str) -> np.ndarray:
        """Column ``c`` of every group, in trial order, released from ``out`` on the way."""
        part = np.concatenate([g.pop(c) for g in out.groups])
        return part if order is None else part[order]

    order = None
    t = take("t")
    if len(t) > 1 and (t[1:] < t[:-1]).any():  # trials finished out of order (per trial)
        order = np.argsort(t, kind="stable")
        t = t[order]
    frame = keys.iloc[t].reset_index(drop=True)
    del t
    frame["treatment"] = _sorted_categorical(take("treatment"), out.names)
    for c in ("mean", "sd", "se"):
        frame[c] = take(c)
    frame["n"] = take("n").astype(np.int64, copy=False)
    frame["letters"] = _sorted_categorical(take("letters"), out.book.names)
    out.groups.clear()
    return frame


def _row_order(label: Any) -> tuple[int, Any]:
    """Row numbers in numeric order (labels that are not numbers after them)."""
    if isinstance(label, (int, np.integer)):
        return (0, int(label))
    return (1, str(label))


def missing_key_failure(labels: Any, by: tuple[Any, ...], files: Any = None) -> pd.DataFrame:
    """The ``failures`` rows of the rows whose trial key is empty: one, or one per file.

    With ``files`` (the file of every row, for a batch read from files) the
    rows are counted file by file and named by their row numbers in that file.
    """
    labels = list(labels)
    if files is None:
        groups = [("", labels)] if labels else []
    else:
        by_file: dict[str, list[Any]] = {}
        for f, lab in zip(files, labels, strict=True):
            by_file.setdefault(str(f), []).append(lab)
        groups = [(f"{f}: ", sorted(by_file[f], key=_row_order)) for f in sorted(by_file)]
    cols = ", ".join(repr(c) for c in by)
    messages = []
    for prefix, rows in groups:
        n = len(rows)
        plural = n > 1
        messages.append(
            f"{prefix}{n} row{'s' if plural else ''} ha{'ve' if plural else 's'} no value in the "
            f"trial key column{'s' if len(by) > 1 else ''} {cols} ({_v.describe_rows(rows)}), so "
            "they belong to no trial. Fill in the key, or drop these rows."
        )
    row: dict[Any, list[Any]] = {c: [pd.NA] * len(messages) for c in by}
    row.update(
        {
            "stage": ["keys"] * len(messages),
            "error": ["DataError"] * len(messages),
            "message": messages,
        }
    )
    return pd.DataFrame(row)
