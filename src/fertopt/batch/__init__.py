"""Batch re-analysis of many trials: one tidy row per trial, no trial lost.

:func:`run_batch` splits a table of plots into trials (``by=``), analyses
each trial as the single-trial functions would, and returns a
:class:`BatchResult`.  Regular trials (complete, balanced RCBD or CRD) are
analysed together as arrays (the *vectorized* engine); every other trial goes
through the public single-trial functions one at a time (the *per-trial*
path), with its warnings and errors recorded against it.  Both give the same
numbers.  A Dask engine spreads the work over a ``dask.distributed`` cluster.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core import validation as _v
from fertopt.batch._dask import (
    dask_columns,
    dask_session,
    files_frame,
    frame_by_trial,
    open_remote,
    read_files,
    run_dask,
    workers_of,
)
from fertopt.batch._engine import assemble, run_local, surface_setup
from fertopt.batch._layout import trial_keys
from fertopt.batch._pertrial import Plan, TrialResult, table_columns
from fertopt.batch.result import LEAD_COLUMNS, BatchResult, TrialResults, check_output
from fertopt.batch.sources import (
    FILE_COLUMN,
    FileRead,
    combine,
    file_failures,
    label_rows,
    list_files,
    missing_columns,
    no_usable_file,
    raise_failure,
    read_file,
)
from fertopt.curves.models import get_model
from fertopt.exceptions import ColumnError, DisplayWarning, FertoptError, OptionError
from fertopt.multcomp import LETTER_TESTS
from fertopt.plan import DESIGNS, AnalysisPlan, nutrient_of, plan_analysis

__all__ = ["run_batch", "check_output", "BatchResult", "TrialResult", "TrialResults"]

_ENGINES = ("auto", "python", "vectorized", "dask")
_POSTHOC = (None, *LETTER_TESTS)
_SURFACE = (None, "full", "stepwise")


def _as_plan(
    frame_columns: Sequence[Any],
    by,
    response,
    treatment,
    block,
    rates,
    posthoc,
    alpha,
    surface,
    model,
    prices,
    three414: tuple[tuple[str, Any], ...] = (),
) -> Plan:
    by_names = _v.as_names(by, "by")
    if not by_names:
        raise ColumnError(
            "`by` is required: name the column(s) that identify a trial, e.g. by=('site', 'year')."
        )
    if isinstance(treatment, (list, tuple)):
        raise ColumnError(
            f"treatment={treatment!r}: batch analysis takes one treatment column. Combine "
            "factorial treatments into one column (e.g. 'N2P1') first."
        )
    rate_names = _v.as_names(rates, "rates")
    _v.check_choice(posthoc, "posthoc", _POSTHOC)
    _v.check_choice(surface, "surface", _SURFACE)
    alpha = _v.check_probability(alpha, "alpha")
    probe = pd.DataFrame(columns=list(frame_columns))
    _v.require_columns(
        probe, by=list(by_names), response=response, treatment=treatment, block=block
    )
    for name in rate_names:
        _v.require_column(probe, name, "rates")
    if surface is not None and model is not None:
        raise OptionError("give surface= (several nutrients) or model= (one nutrient), not both.")
    if surface is not None and len(rate_names) < 2:
        raise OptionError(
            "surface= needs rates= naming two or three nutrient rate columns, e.g. "
            "rates=('N', 'P2O5', 'K2O')."
        )
    if model is not None:
        get_model(model)
    if model is not None and len(rate_names) != 1:
        raise OptionError("model= needs rates= naming one rate column, e.g. rates='N'.")
    if rate_names and surface is None and model is None and not three414:
        raise OptionError(
            "rates= is used by surface= or model=, or by the 3414 analysis of 3414 trials; give "
            "one of them (for example surface='full', or design='3414'), or leave out rates=."
        )
    plan = Plan(
        by=by_names,
        response=response,
        treatment=treatment,
        block=block,
        rates=rate_names,
        posthoc=posthoc,
        alpha=alpha,
        surface=surface,
        model=model,
        prices=prices,
        three414=tuple(three414),
    )
    reserved = (
        set(LEAD_COLUMNS)
        | set(table_columns(plan))
        | {"treatment", "mean", "sd", "se", "n", "letters", "stage", "error", "category", "message"}
    )
    clash = [c for c in by_names if str(c) in reserved]
    if clash:
        raise ColumnError(
            f"by column {clash[0]!r} has the name of a result column; rename it (for example to "
            f"'{clash[0]}_id') before the batch run."
        )
    return plan


# ---------------------------------------------------------------------------
# progress
# ---------------------------------------------------------------------------
class _Progress:
    def __init__(self, total: int, enabled: bool):
        self._bar = None
        self.note: str | None = None
        if not enabled:
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:
            self.note = (
                "progress=True needs the tqdm package (pip install 'fertopt[progress]'); "
                "the batch ran without a progress bar."
            )
            return
        self._bar = tqdm(total=total, unit="trial", desc="fertopt batch", leave=False)

    def __call__(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)

    @property
    def active(self) -> bool:
        return self._bar is not None

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


# ---------------------------------------------------------------------------
# the public function
# ---------------------------------------------------------------------------
def run_batch(
    data: Any,
    /,
    *,
    by: Hashable | Sequence[Hashable],
    response: Hashable,
    treatment: Hashable,
    block: Hashable | None = None,
    rates: Hashable | Sequence[Hashable] | None = None,
    posthoc: str | None = "duncan",
    alpha: float = 0.05,
    surface: str | None = None,
    model: str | None = None,
    prices: Any = None,
    design: str | None = None,
    engine: str = "auto",
    n_jobs: int = 1,
    progress: bool = False,
    errors: str = "record",
    sheet: Any = None,
) -> BatchResult:
    """Analyse many trials at once.

    Parameters
    ----------
    data : DataFrame, dask DataFrame, str or Path
        One row per plot.  A path, a folder (its ``.csv``, ``.tsv``, ``.txt``,
        ``.xlsx`` and ``.parquet`` files) or a glob (``"trials/*.csv"``) is
        read file by file with :func:`fertopt.read_trials` (``strict=False``;
        columns named in the roles keep their names), by the Dask workers
        with ``engine="dask"``.  Every file is a unit of failure: a file that
        cannot be read, or lacks a column named in the roles, is one row of
        ``failures`` and the other files are analysed (see Notes).
    by : str or sequence of str
        Column(s) identifying a trial, e.g. ``("site", "year")``.
    response, treatment, block : str
        Roles as in :func:`fertopt.anova`; ``block=None`` analyses trials as
        completely randomized.
    rates : str or sequence of str, optional
        Nutrient rate columns for ``surface=`` (two or three) or ``model=`` (one).
    posthoc : {'duncan', 'lsd', 'tukey', 'snk', 'scheffe', 'regwq', 'waller', None}
        Multiple comparison (default ``'duncan'``) giving the letters of ``groups``, with the
        function's defaults (``fo.duncan(aov, alpha=alpha)`` …; ``fo.waller(aov)`` at
        k = 100, which has no level; ``None``: no comparison, no ``groups``).
        ``'regwq'`` and ``'waller'`` run every trial on the per-trial path (see Notes).
    alpha : float, default 0.05
        Significance level of the multiple comparison (not used by ``'waller'``).
    surface : {None, 'full', 'stepwise'}
        Fit a quadratic response surface of the ``rates``: all terms, or
        Efroymson's stepwise selection with :func:`fertopt.fit_surface`'s
        criteria (F to enter 4, to remove 3.9, hierarchical).
    model : str, optional
        Fit a single-nutrient response model of ``rates``.
    prices : fertopt.Prices, optional
        Prices for the economic optimum of the surface or model (and the 3414 analysis).
    design : {None, '3414', ...}, optional
        The design of the trials, as :func:`fertopt.plan_analysis` names it.  ``None``
        recognises it from the first trial with :func:`fertopt.plan_analysis` (the recogniser
        of ``fertopt analyze`` and :func:`fertopt.trial_report`) when ``rates`` names three
        columns and neither ``surface`` nor ``model`` is given; ``"3414"`` asks for the 3414
        analysis (also beside a surface).  3414 trials get
        :func:`fertopt.three414` (one trial at a time, a few tenths of a second each, where
        the vectorized surface takes microseconds): its recommended rate of each nutrient
        and where it comes from (``rec_<nutrient>``, ``rec_source_<nutrient>``,
        ``rec_status_<nutrient>``), the relative yield and abundance class
        (``relative_yield_<nutrient>``, ``abundance_<nutrient>``), the same numbers as the
        report's 3414 section.  Any other design: no 3414 analysis.
    engine : {'auto', 'python', 'vectorized', 'dask'}
        ``vectorized`` analyses the regular trials (complete balanced RCBD or
        CRD) and RCBDs with missing plots as arrays and any other trial one
        at a time; ``python``
        analyses every trial one at a time with the public functions;
        ``dask`` runs the vectorized engine on the partitions of a Dask
        DataFrame (or of the files of a path/glob) on a ``dask.distributed``
        cluster; ``auto`` is ``dask`` for a Dask DataFrame and ``vectorized``
        otherwise.
    n_jobs : int, default 1
        Worker processes for the per-trial path (and workers of the local
        cluster the Dask engine starts when no client is active).
    progress : bool, default False
        Show a progress bar (needs ``tqdm``).  Nothing is printed otherwise.
    errors : {'record', 'raise'}
        Record a failing trial (or file) in ``failures`` and go on, or raise
        the first error (files in file order first, then trials in trial
        order).
    sheet : str or int, optional
        Excel sheet to read from every ``.xlsx`` file of ``data`` (default:
        the first); a workbook without it is a failure.

    Returns
    -------
    BatchResult
        ``table``, ``groups``, ``failures``, ``warnings``, ``results`` and
        counts; see :class:`BatchResult`.

    Raises
    ------
    ColumnError
        A role names a column that is not in the data (for files: in none of
        the readable files).
    DataError
        No file matches the path or glob, or none of its files can be used.
    OptionError
        Invalid options.  Problems of single trials or files never raise
        (unless ``errors="raise"``): they are recorded in ``failures`` or
        ``warnings``.
    DependencyError
        ``engine="dask"`` without dask and distributed installed.

    Notes
    -----
    **What each trial gets.**  The per-trial path is exactly what a user
    would run on the trial alone: ``fo.anova(trial, response=, treatment=,
    block=)``, then ``fo.duncan(aov, alpha=)`` (or ``lsd``/``tukey``), then
    ``fo.fit_surface(trial, response=, rates=, terms=surface, block=)`` with
    ``.canonical()`` and ``.optimum(prices=, bounds="tested")``, or
    ``fo.fit_response(trial, response=, rate=, model=, block=,
    errors="record")`` with ``.optimum(prices=)``.  Each stage runs inside
    ``warnings.catch_warnings`` and ``try``/``except``.  The letters need the
    ANOVA; the surface and the response model do not, so an unreplicated
    3414 trial (which ``fo.anova`` refuses) still gets its surface.  A trial
    for which some stage failed is in ``table`` with ``status="partial"`` and
    the errors in ``warnings``; a trial for which every stage failed is in
    ``failures``.  Every trial appears in exactly one of the two.
    The tests run with their defaults, so a trial with missing plots gets
    its letters on least-squares means (``means="ls"``), with ``mean`` and
    ``se`` in ``groups`` those of the LS-means; in a regular trial LS-means
    and arithmetic means are the same, which the vectorized engine uses.

    **The vectorized engine.**  A trial is *regular* when every treatment
    occurs once in every block (or, without blocks, equally often), with at
    least 2 treatments and 2 blocks (replicates; 1 when a surface or model
    is fitted), and every cell is a number or label the single-trial
    functions accept unchanged.  Regular
    trials are grouped by shape and analysed in chunks of arrays
    (trials × treatments × blocks): sums of squares of the balanced layout
    after centring each trial; the multiple comparison decided against
    critical values computed once per (treatments, error df) by
    :mod:`fertopt.distributions`, letters by agricolae's sweep run over all
    trials at once, with Piepho's letters (:mod:`fertopt.multcomp.letters`) where the
    sweep's would contradict the tests; the surface by least squares on the
    treatment means of each coded design (one QR per design and term set;
    stepwise selection advances all trials together, each on its own path),
    its canonical analysis by batched eigen-decomposition, and the
    box-constrained optimum by the same face enumeration as
    :func:`fertopt.surface.poly.box_qp_max`.
    The numbers equal the per-trial path's to rounding (relative 1e-9 and
    better in the tests; identical letters, kinds and statuses).  A regular
    trial on one of the per-trial functions' decision boundaries (a residual
    at rounding level, a pair at its critical value, two equal means, an
    eigenvalue at the ridge threshold, two faces of the box giving the same
    optimum, a partial F at a stepwise criterion, …) is analysed per trial
    instead.  Response models (``model=``) of regular trials are fitted on
    the treatment means of the chunk (an unreplicated trial, one plot per rate
    and no blocks, on its plots: weight 1, no pure error, residual df n − p)
    (:mod:`fertopt.curves.batched`:
    a batched QR for the linear models, exact profiling of the join or rate
    for the others) and priced with their delta intervals in closed form
    (:mod:`fertopt.economics.batched`).  Statuses and warnings are those of
    :func:`fertopt.fit_response` and ``.optimum(prices=)``; the parameters
    agree to rounding for the linear models and, for the nonlinear ones, to
    the per-trial estimator's own convergence tolerance (about 1e-6
    relative: it stops polishing where the SSE is flat to 1e-14, the batch
    takes the exact minimum).  A trial whose fit lies where the per-trial
    estimator decides on a threshold (a join at a tested rate or at a search
    limit, a fit no better than a line or a step, two nearly equal local
    minima, a near-singular Jacobian, an optimum at a case boundary or at an
    edge of the tested rates) is fitted per trial instead, as is an
    unreplicated trial whose model stage fails (too few rates, a block column
    with a single level), which ``failures`` then records.  The
    vectorized letters are those of the five classical tests; with
    ``posthoc='regwq'`` (whose step-down ranges follow each trial's order of
    means) or ``'waller'`` (whose critical t follows each trial's F ratio)
    every replicated trial is analysed per trial, with ``fo.regwq`` or
    ``fo.waller`` themselves.

    **Missing plots.**  An RCBD with plots missing (rows absent, or an empty
    response) stays on the vectorized engine: its trials are grouped by which
    treatment × block cells are empty, and the trials of one pattern share
    one factorisation of the additive model, which gives the sequential sums
    of squares (blocks, then treatments adjusted for blocks), the
    least-squares means and their covariance (hence the letters, with the
    tests' standard errors on LS-means) and, with a surface, the plot-level
    fit with block effects, for all of them at once; the warnings are those
    of the per-trial functions.  Analysed per trial instead: a treatment or
    block lost entirely or left with one plot, half or more of the cells
    empty, and a CRD with unequal replication.

    **Dask.**  With ``engine="dask"`` the data (a Dask DataFrame, the files
    of a path or glob, read on the workers one partition per file, or a
    pandas DataFrame, cut into pieces of whole trials and sent to the
    workers) are brought together by trial once: files that each hold whole
    trials (a dataset written one file per site or year) and a frame indexed
    by the trial column with known divisions are used as they are; otherwise
    one hash shuffle on the ``by`` columns.  Each partition is analysed by
    the vectorized engine on a worker of the active ``dask.distributed``
    client and sends back compact tables (``docs/dask.md``).  To use a cluster,
    connect to it first: ``from distributed import Client;
    Client("tcp://scheduler:8786")``; every worker needs fertopt and access
    to the files; use worker processes with one thread each (the per-trial
    path captures warnings with :func:`warnings.catch_warnings`, which is
    process-wide).  Without a client a local cluster of ``n_jobs``
    single-threaded worker processes is started for the run.

    **Files.**  Each file of a path or glob is read on its own.  One that
    cannot be read (empty, binary, not UTF-8 or GBK text, a folder the glob
    matches, no read permission, a missing sheet) is a ``failures`` row of
    stage ``"read"``, one lacking a column named in the roles a row of stage
    ``"columns"``; both have empty keys, come after the trials, and say which
    file and how to fix it.  Rows keep the row numbers of their file (the
    header is row 1), and every failure and warning of a trial starts with
    its file (``"trials/b.csv: … row 3 ('twelve')"``; the rows of a trial
    spread over several files are named ``file:row``).  Both engines read
    files with the same reader and give the same ``failures``;
    ``n_files`` and ``n_failed_files`` count the files.

    Trials are the distinct values of the ``by`` columns (exact values; rows
    with an empty key cell are reported as one failure, one per file for
    files), in sorted order.

    Examples
    --------
    >>> import numpy as np, pandas as pd, fertopt as fo
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"site": np.repeat(["A", "B", "C"], 12),
    ...                    "trt": np.tile(np.repeat(["CK", "N", "NP", "NPK"], 3), 3),
    ...                    "rep": np.tile([1, 2, 3], 12)})
    >>> effect = df["trt"].map({"CK": 0, "N": 1, "NP": 1.5, "NPK": 2})
    >>> df["yield"] = 5 + effect + rng.normal(0, 0.3, 36)
    >>> df.loc[df["site"] == "C", "yield"] = 7.0          # a trial with constant yields
    >>> res = fo.run_batch(df, by="site", response="yield", treatment="trt", block="rep")
    >>> res.table[["site", "engine", "design", "n_obs"]].assign(significant=res.table["p"] < 0.05)
      site      engine design  n_obs  significant
    0    A  vectorized   RCBD     12         True
    1    B  vectorized   RCBD     12         True
    >>> res.failures[["site", "stage", "error"]]
      site  stage      error
    0    C  anova  DataError

    Three sites of a 3414 trial with a known concave response, through the
    surface and its priced optimum:

    >>> book = fo.design.three414(level2={"N": 180, "P2O5": 90, "K2O": 120}, reps=3, rng=1)
    >>> plots = pd.concat([book.table.assign(site=s) for s in "ABC"], ignore_index=True)
    >>> n, p, k = plots["N"], plots["P2O5"], plots["K2O"]
    >>> plots["yield"] = (6000 + 30 * n - 0.08 * n**2 + 40 * p - 0.2 * p**2 + 20 * k
    ...                   - 0.07 * k**2 + rng.normal(0, 100, len(plots)))
    >>> res = fo.run_batch(plots, by="site", response="yield", treatment="treatment",
    ...                    block="block", rates=("N", "P2O5", "K2O"), surface="full",
    ...                    prices=fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4))
    >>> res.table[["site", "engine", "surface_kind", "opt_status"]]
      site      engine surface_kind opt_status
    0    A  vectorized      maximum         ok
    1    B  vectorized      maximum         ok
    2    C  vectorized      maximum         ok

    The true optimum is where each marginal product equals its price ratio,
    e.g. N = (30 − 6.25/2.8) / (2 · 0.08) = 173.5; P2O5 = 95.8, K2O = 116.3:

    >>> est = res.table[["opt_N", "opt_P2O5", "opt_K2O"]].to_numpy()
    >>> bool((abs(est - [173.5, 95.8, 116.3]) < 10).all())
    True
    """
    _v.check_choice(engine, "engine", _ENGINES)
    errors = _v.check_errors(errors, "run_batch")
    if not isinstance(n_jobs, (int, np.integer)) or isinstance(n_jobs, bool) or n_jobs < 1:
        raise OptionError(f"n_jobs must be a whole number ≥ 1, got {n_jobs!r}.")
    start = time.perf_counter()
    is_path = isinstance(data, (str, Path))
    is_dask = _is_dask_frame(data)
    if sheet is not None and not is_path:
        raise OptionError(
            f"sheet={sheet!r} names an Excel sheet of the files to read; it needs a path or a "
            "glob as data, not a table."
        )
    if design is not None:
        design = _v.check_choice(str(design).lower().replace("-", "_"), "design", DESIGNS)
    # the 3414 analysis (N, P, K columns) before any table is read: only with design="3414";
    # an in-memory or local table may also be recognised as 3414 from its first trial (below)
    t4 = _three414_rates(None, rates, design, surface, model)
    roles = (by, response, treatment, block, rates, posthoc, alpha, surface, model, prices, t4)
    names = _names(by, response, treatment, block, rates)
    engine_used = ("dask" if is_dask else "vectorized") if engine == "auto" else engine
    reads: list[FileRead] = []
    codes = None
    if engine_used == "dask":
        with dask_session(int(n_jobs)) as client:
            by_trial = False
            normalise = False
            if is_path and "://" in str(data):
                ddf, normalise, columns = open_remote(str(data), names)
                plan = _as_plan(columns, *roles)
                lazy = ddf
            elif is_path:
                heads, held, later = read_files(client, list_files(data), names, sheet)
                plan, reads = _usable_files(heads, data, roles, errors)
                good = [i for i, r in enumerate(reads) if r.ok]
                meta = combine(reads)[[*plan.columns, FILE_COLUMN]].iloc[:0]
                ddf = files_frame([held[i] for i in good], meta)
                lazy = files_frame([later[i] for i in good], meta)
            elif is_dask:
                plan = _as_plan(dask_columns(data), *roles)
                ddf = lazy = data
            else:
                frame = _v.require_frame(data)
                plan = _as_plan(frame.columns, *roles)
                ddf = frame_by_trial(frame, plan, 2 * workers_of(client))  # pandas pieces
                by_trial = True
                lazy = None
                keys = trial_keys(frame, plan.by)
                codes = keys.codes
            _check_prices(plan, pd.DataFrame())
            parts, notes = run_dask(
                ddf,
                normalise,
                plan,
                errors=errors,
                client=client,
                progress=progress,
                by_trial=by_trial,
            )
        source = frame if codes is not None else (lazy, normalise)
    else:
        if is_dask:
            raise OptionError(
                f"engine={engine!r} analyses an in-memory pandas DataFrame; for a Dask DataFrame "
                "use "
                "engine='dask' (or 'auto'), or call .compute() first."
            )
        if is_path:
            heads = [read_file(f, names, sheet) for f in list_files(data)]
            plan, reads = _usable_files(heads, data, roles, errors)
            frame = label_rows(combine(reads), plan.by)
        else:
            frame = _v.require_frame(data)
        if design is None:
            first = _first_trial_plan(frame, by, response, treatment, block, rates)
            t4 = _three414_rates(first, rates, design, surface, model)
            roles = (*roles[:-1], t4)
        plan = _as_plan(frame.columns, *roles)
        _check_prices(plan, frame)
        bar = _Progress(0, progress)
        if bar.active:
            bar.close()
            bar = _Progress(_count_trials(frame, plan), True)
        try:
            out = run_local(
                frame,
                plan,
                engine=engine_used,
                errors=errors,
                progress=bar if bar.active else None,
                n_jobs=int(n_jobs),
            )
        finally:
            bar.close()
        # the Index itself: np.asarray of a RangeIndex would build (and cache on the caller's
        # frame) an array of every row label, 8 bytes a plot, for the few rows without a key
        out.index_labels = frame.index
        parts = assemble(out, plan)
        notes = [bar.note] if bar.note else []
        source = frame
        keys = out.keys
        codes = keys.codes
    for note in notes:
        warnings.warn(note, DisplayWarning, stacklevel=2)
    _add_file_failures(parts, reads, plan)
    if codes is not None:

        def make_keys() -> list[Any]:
            return [keys.key(t) for t in range(keys.n_trials)]
    else:

        def make_keys() -> list[Any]:
            return _all_keys(parts, plan)

    results = TrialResults(source, plan, make_keys, codes)
    options = {
        "by": list(plan.by),
        "response": plan.response,
        "treatment": plan.treatment,
        "block": plan.block,
        "rates": list(plan.rates) or None,
        "posthoc": plan.posthoc,
        "alpha": plan.alpha,
        "surface": plan.surface,
        "model": plan.model,
        "prices": plan.prices,
        "design": "3414" if plan.three414 else design,
    }
    return BatchResult(
        **parts,
        engine=engine_used,
        elapsed=time.perf_counter() - start,
        options=options,
        notes=tuple(notes),
        _results=results,
    )


def _first_trial_plan(
    frame: pd.DataFrame, by, response, treatment, block, rates
) -> AnalysisPlan | None:
    """The design recogniser's plan of the first trial, or None where it cannot make one.

    The batch uses it twice: to recognise 3414 trials (:func:`_three414_rates`), and to stop
    when a rate column varies within the treatments of the first trial.  A batch analyses each
    trial as a one-way (or RCBD) comparison of ``treatment``; such a rate is a second factor
    that analysis would pool into the error term.  The recogniser's message names the way out;
    the batch adds its own: ``design="rcbd"`` to analyse the treatments alone on purpose.
    """
    names = list(_v.as_names(rates, "rates")) if rates is not None else []
    by_names = list(_v.as_names(by, "by"))
    single = treatment if not isinstance(treatment, (list, tuple)) else None
    columns = [*by_names, response, *names, *([single] if single is not None else [])]
    if not names or not by_names or any(c not in frame.columns for c in columns):
        return None  # the roles are checked, with their messages, by _as_plan
    keys = frame[by_names].iloc[:1]
    first = frame.loc[(frame[by_names] == keys.to_numpy()[0]).all(axis=1)]
    try:
        return plan_analysis(first, response=response, treatment=single, block=block, rates=names)
    except OptionError as exc:
        if "pool" in str(exc):
            raise OptionError(
                f"the first trial ({', '.join(map(str, keys.to_numpy()[0]))}): {exc} In "
                f"run_batch, pass design='rcbd' to compare the treatments of {treatment!r} "
                "alone on purpose, or analyse factorial trials one at a time with "
                "fo.anova(..., treatment=[...]) or fo.trial_report(..., factors=[...])."
            ) from None
        return None
    except FertoptError:
        return None


def _three414_rates(
    plan: AnalysisPlan | None, rates, design, surface, model
) -> tuple[tuple[str, Any], ...]:
    """(nutrient, column) of the 3414 analysis, N, P, K, when the trials are 3414 trials.

    The design is ``design``, or the one :func:`fertopt.plan_analysis` gives the first trial
    (``plan``) when the rates are asked for nothing else (no ``surface=``, no ``model=``): the
    3414 analysis runs one trial at a time, and a batch that asks for the vectorized surface
    keeps its speed unless it asks for the 3414 analysis too.  A Dask source (not read here)
    gets it only with ``design="3414"``.
    """
    names = list(_v.as_names(rates, "rates")) if rates is not None else []
    if design is None and (surface is not None or model is not None):
        return ()
    if design not in (None, "3414") or len(names) != 3:
        if design == "3414":
            raise OptionError(
                "design='3414' needs rates= naming the three rate columns in N, P, K order, e.g. "
                "rates=('N', 'P2O5', 'K2O')."
            )
        return ()
    if design == "3414":
        return tuple((nutrient_of(c) or str(c), c) for c in names)
    if plan is None or plan.design != "3414":
        return ()
    return tuple((plan.rates[c] or str(c), c) for c in list(plan.rates)[:3])


def _usable_files(
    reads: list[FileRead], pattern: Any, roles: tuple[Any, ...], errors: str
) -> tuple[Plan, list[FileRead]]:
    """The plan, and every file checked for the columns it names (a file lacking one fails).

    A column that no readable file has is a wrong argument (ColumnError, as
    for a table); a column that only some files lack fails those files.
    """
    readable = [r for r in reads if r.ok]
    if errors == "raise" and len(readable) < len(reads):
        raise_failure(next(r for r in reads if not r.ok))
    if not readable:
        raise no_usable_file(reads, pattern)
    columns = list(dict.fromkeys(c for r in readable for c in r.columns))
    plan = _as_plan(columns, *roles)
    needed = {
        "by": plan.by,
        "response": (plan.response,),
        "treatment": (plan.treatment,),
        "block": () if plan.block is None else (plan.block,),
        "rates": plan.rates,
    }
    reads = [missing_columns(r, needed) for r in reads]
    failed = [r for r in reads if not r.ok]
    if errors == "raise" and failed:
        raise_failure(failed[0])
    if len(failed) == len(reads):
        raise no_usable_file(reads, pattern)
    return plan, reads


def _add_file_failures(parts: dict[str, Any], reads: list[FileRead], plan: Plan) -> None:
    """The files that could not be used, as rows of ``failures`` (after the trials)."""
    parts["n_files"] = len(reads)
    bad = file_failures(reads, plan.by)
    parts["n_failed_files"] = len(bad)
    if len(bad):
        parts["failures"] = pd.concat([parts["failures"], bad], ignore_index=True)


def _check_prices(plan: Plan, frame: pd.DataFrame) -> None:
    """Prices that cannot price the surface fail every trial alike: refuse them before the run."""
    if plan.surface is not None and plan.prices is not None:
        surface_setup(plan, frame)


def _all_keys(parts: dict[str, Any], plan: Plan) -> list[Any]:
    frames = [parts["table"][list(plan.by)], parts["failures"][list(plan.by)]]
    both = pd.concat(frames, ignore_index=True).dropna().sort_values(list(plan.by), kind="stable")
    keys = []
    for row in both.itertuples(index=False, name=None):
        row = tuple(v.item() if isinstance(v, np.generic) else v for v in row)
        keys.append(row[0] if len(row) == 1 else row)
    return keys


def _count_trials(frame: pd.DataFrame, plan: Plan) -> int:
    return int(frame[list(plan.by)].drop_duplicates().shape[0])


def _is_dask_frame(data: Any) -> bool:
    module = type(data).__module__
    return module.startswith("dask") and hasattr(data, "npartitions")


def _names(by, response, treatment, block, rates) -> list[Any]:
    """Column names given for the roles (whatever their validity)."""
    names: list[Any] = []
    for value in (by, response, treatment, block, rates):
        if value is None:
            continue
        names += list(value) if isinstance(value, (list, tuple)) else [value]
    return names
