"""The results of a batch run: :class:`BatchResult` (tables, failures, warnings, files) and
the lazy per-trial :class:`TrialResults`."""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.cells import inert_frame, write_csv
from fertopt._core.document import Facts, Summary, localized_table, warnings_notes
from fertopt._core.formatting import ResultBase
from fertopt._core.i18n import label, method_name, model_name, translate_message
from fertopt._core.validation import check_writable
from fertopt.batch._dask import trial_frame
from fertopt.batch._pertrial import Plan, TrialResult, analyse_trial
from fertopt.exceptions import DependencyError, DisplayWarning, OptionError

LEAD_COLUMNS = ("engine", "status", "n_warnings")

#: Rows of an Excel sheet, the header row included: a longer table is split over sheets.
EXCEL_ROWS = 1_048_576

#: File formats of :meth:`BatchResult.to_files`: suffix → (module needed, extra that installs it).
OUTPUT_FORMATS: dict[str, tuple[str, str] | None] = {
    ".csv": None,
    ".parquet": ("pyarrow", "parquet"),
    ".xlsx": ("openpyxl", "excel"),
}


def output_paths(path: Path) -> list[Path]:
    """The files :meth:`BatchResult.to_files` writes for ``path`` (one workbook, or four files)."""
    if path.suffix.lower() == ".xlsx":
        return [path]
    return [path] + [
        path.with_name(f"{path.stem}_{name}{path.suffix}")
        for name in ("groups", "failures", "warnings")
    ]


def check_output(path: str | Path, option: str = "path") -> Path:
    """Check, before a batch runs, that its tables can be written to ``path``.

    The format must be known (``.parquet``, ``.csv`` or ``.xlsx``), the
    library that writes it installed (pyarrow, openpyxl), the folder must
    exist and take new files, and files already there must be writable, so
    that a long analysis is never lost to a file it cannot write.
    :meth:`BatchResult.to_files` and ``fertopt batch --out`` run this check
    first.

    Parameters
    ----------
    path : str or Path
        The file name given to :meth:`BatchResult.to_files`.
    option : str, default 'path'
        How the message names the argument (``"--out"`` on the command line).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    OptionError
        Unknown format, missing folder, a folder where a file is expected,
        or a place that cannot be written.
    DependencyError
        The format's library is not installed (the message names the extra).

    Examples
    --------
    >>> import tempfile, pathlib, fertopt as fo
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> fo.batch.check_output(folder / "results.csv").name
    'results.csv'
    >>> fo.batch.check_output(folder / "results.json")
    Traceback (most recent call last):
    ...
    fertopt.exceptions.OptionError: cannot write 'results.json': use a name ending in ...
    """
    path = Path(path)
    if path.is_dir():
        check_writable(path, option)  # says: a folder, give a file name in it
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise OptionError(
            f"cannot write {path.name!r}: use a name ending in .parquet, .csv or .xlsx."
        )
    need = OUTPUT_FORMATS[suffix]
    if need is not None and importlib.util.find_spec(need[0]) is None:
        what = "Excel files" if suffix == ".xlsx" else "Parquet files"
        raise DependencyError(
            f"writing {what} needs {need[0]}: pip install 'fertopt[{need[1]}]', or write "
            + ("a .csv or .parquet file." if suffix == ".xlsx" else "a .csv or .xlsx file.")
        )
    for target in output_paths(path):
        check_writable(target, option)
    return path


# ---------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------
class TrialResults(Mapping):
    """Lazy mapping trial key → :class:`TrialResult`, recomputed on access by the per-trial path.

    Keys are scalars for one ``by`` column and tuples for several, in trial
    order; every trial of the batch (analysed or failed) is a key.
    """

    def __init__(
        self, source: Any, plan: Plan, keys: Callable[[], list[Any]], codes: np.ndarray | None
    ):
        self._source = source
        self._plan = plan
        self._make_keys = keys
        self._keys: list[Any] | None = None
        self._index: dict[Any, int] | None = None
        self._codes = codes
        self._cache: dict[Any, TrialResult] = {}

    def _ensure(self) -> tuple[list[Any], dict[Any, int]]:
        if self._keys is None:
            self._keys = self._make_keys()
            self._index = {k: i for i, k in enumerate(self._keys)}
        return self._keys, self._index

    def __len__(self) -> int:
        return len(self._ensure()[0])

    def __iter__(self) -> Iterator[Any]:
        return iter(self._ensure()[0])

    def __contains__(self, key: object) -> bool:
        try:
            return key in self._ensure()[1]
        except TypeError:
            return False

    def __getitem__(self, key: Any) -> TrialResult:
        keys, index = self._ensure()
        if not self.__contains__(key):
            shown = ", ".join(repr(k) for k in keys[:5])
            raise KeyError(
                f"no trial {key!r} in this batch; keys look like {shown}"
                + (" …" if len(keys) > 5 else "")
            )
        if key not in self._cache:
            if self._codes is not None:
                frame = self._source.iloc[np.flatnonzero(self._codes == index[key])]
            else:
                frame = trial_frame(self._source, self._plan, key)
            self._cache[key] = analyse_trial(frame, self._plan, key, keep=True).result
        return self._cache[key]

    def __repr__(self) -> str:
        return "<TrialResults: computed on access, one per trial key>"


def option_text(key: str, value: Any, lang: str) -> str:
    """An option of the batch as the summary shows it (the method and the model named)."""
    if lang == "en":
        return str(value)
    if isinstance(value, (list, tuple)):
        return "、".join(map(str, value))
    if not isinstance(value, str):
        return str(value)
    if key == "posthoc":
        return method_name(value, lang)
    return model_name(value, lang) if key == "model" else value


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class BatchResult(ResultBase):
    """Result of :func:`run_batch`.

    Attributes
    ----------
    table : DataFrame
        One row per analysed trial, in key order: the ``by`` columns, then
        ``engine`` (``"vectorized"`` or ``"python"``: who computed the
        ANOVA, letters and surface of the trial), ``status`` (``"ok"``, or
        ``"partial"`` when a stage failed; its error is in ``warnings``),
        ``n_warnings``, and

        * ANOVA (:func:`fertopt.anova`): ``design``, ``n_obs``,
          ``n_dropped``, ``n_treatments``, ``n_blocks``, ``balanced``,
          ``grand_mean``, ``cv`` (percent), ``mse``, ``df_resid``,
          ``df_treatment``, ``f``, ``p`` (treatment F test), ``df_block``,
          ``f_block``, ``p_block``, ``r_squared``;
        * with ``posthoc``: ``letters_method`` (``"agricolae"``, or
          ``"piepho"`` where agricolae's letters would contradict the
          tests) and ``n_letters`` (distinct letters);
        * with ``surface`` (:func:`fertopt.fit_surface` with the trial's
          blocks, ``.canonical()``, ``.optimum(prices=..., bounds="tested")``):
          ``coef_<term>`` for every term of the full quadratic (``coef_N``,
          ``coef_N^2``, ``coef_N:P2O5`` …; NaN for terms left out by
          stepwise selection), ``surface_r2``, ``surface_adj_r2``,
          ``surface_rmse``, ``surface_df_resid``, ``surface_f`` and
          ``surface_p`` (regression F test), ``surface_lof_p`` (lack of
          fit), ``surface_kind`` (``maximum``, ``minimum``, ``saddle``,
          ``ridge``), ``stationary_<nutrient>``, ``stationary_yield``,
          ``stationary_inside``, ``opt_status`` (``ok``, ``at_bound``,
          ``saddle``, ``no_maximum``), ``opt_<nutrient>``, ``opt_yield``,
          ``opt_net_return`` (NaN without prices: the optimum is then the
          maximum yield), ``opt_binding`` (``"N:upper, K2O:lower"``) and
          ``unit_warning`` (below);
        * with ``model`` (:func:`fertopt.fit_response` with the trial's
          blocks, ``.optimum(prices=...)``): ``model_converged``,
          ``coef_<parameter>`` (``coef_intercept``, ``coef_linear`` …),
          ``model_r2``, ``model_sigma``, ``model_aic``, ``opt_status``,
          ``opt_rate``, ``opt_yield``, ``opt_net_return``, ``opt_ci_low``,
          ``opt_ci_high`` and ``unit_warning``;
        * ``unit_warning``: ``""``, or the likely unit mismatch of a priced
          optimum when the data's units were not declared (no fertilizer pays
          although the crop responded by 10 % or more, or an optimum far
          beyond the tested rates; see :mod:`fertopt.economics.units_check`),
          so that ``table[table["unit_warning"] != ""]`` lists the trials to
          check.  The same text is a ``PriceWarning`` in ``warnings``;
        * for 3414 trials (:func:`fertopt.three414`, the analysis of the report's 3414
          section): per nutrient ``rec_<nutrient>`` (the recommended rate),
          ``rec_source_<nutrient>`` (the fit it comes from), ``rec_status_<nutrient>``,
          ``relative_yield_<nutrient>`` and ``abundance_<nutrient>``.

        A trial whose yields are negative fails (stage ``anova``) with the
        message of :func:`fertopt.anova`; with a 3-nutrient surface and
        treatment labels that are all 3414 codes (1–14, ``N2P2K2``), a trial
        whose codes match its rates only once two rate columns are exchanged
        fails at stage ``treatments`` (the columns look swapped).
    groups : DataFrame
        Letters per treatment (long table, with ``posthoc``): the ``by``
        columns, then ``treatment | mean | sd | se | n | letters`` in the
        order of the test's ``groups`` (highest mean first); ``treatment``
        and ``letters`` are categoricals.
    failures : DataFrame
        One row per trial for which no stage gave a result: the ``by``
        columns, then ``stage | error | message`` (the first error).  Rows
        with an empty key cell appear as one failure with missing key values
        (one per file for a batch read from files).  For a batch read from
        files, the messages start with the trial's file, and row numbers are
        those of that file (header row 1); a file that could not be used is
        one row with missing key values, stage ``"read"`` (empty, binary,
        undecodable, a folder, no permission, a missing sheet) or
        ``"columns"`` (a column named in the roles is missing), after the
        trials.
    warnings : DataFrame
        The ``by`` columns, then ``stage | category | message``: every
        warning issued while analysing a trial, the errors of the stages
        that failed (beyond the first error of a failed trial, which is in
        ``failures``), and (stage ``"batch"``)
        a ``DesignWarning`` for a trial lacking treatments that the usual
        treatment set of the batch (shared by more than half of the trials)
        has.
    n_trials, n_analysed, n_failed, n_warned : int
        Trials found, analysed (rows of ``table``), failed and with warnings
        (files that could not be used are not trials: they are counted by
        ``n_failed_files``).
    n_vectorized : int
        Trials analysed by the vectorized engine.
    engine : str
        The engine asked for.
    elapsed : float
        Wall-clock seconds.
    options : dict
        The analysis options used (roles, post-hoc test, alpha, surface, model).
    notes : tuple of str
        Messages about the run itself (not about a trial).
    n_files, n_failed_files : int
        Files read (0 when the data were a table) and files that could not
        be used (their rows in ``failures``).
    """

    table: pd.DataFrame
    groups: pd.DataFrame
    failures: pd.DataFrame
    warnings: pd.DataFrame
    n_trials: int
    n_analysed: int
    n_failed: int
    n_warned: int
    n_vectorized: int
    engine: str
    elapsed: float
    options: dict[str, Any]
    notes: tuple[str, ...] = ()
    n_files: int = 0
    n_failed_files: int = 0
    _results: TrialResults | None = field(default=None, repr=False, compare=False)

    @property
    def results(self) -> TrialResults:
        """Full results of one trial, recomputed on access: ``result.results[key]``."""
        return self._results

    def _headline(self, lang: str = "en") -> str:
        text = label(
            "bt_headline",
            lang,
            n=self.n_trials,
            ok=self.n_analysed,
            vec=self.n_vectorized,
            failed=self.n_failed,
            warned=self.n_warned,
            time=f"{self.elapsed:.2f}",
        )
        if self.n_failed_files:
            files = label("bt_headline_files", lang, bad=self.n_failed_files, files=self.n_files)
            text += f" | {files}"
        return text

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        en = lang == "en"
        engine = self.engine if en else t(f"bt_engine_{self.engine}")
        facts = [
            (t("bt_trials"), str(self.n_trials)),
            (t("bt_analysed"), t("bt_analysed_text", ok=self.n_analysed, vec=self.n_vectorized)),
            (t("bt_failed"), str(self.n_failed)),
            *(
                [(t("bt_files"), t("bt_files_text", files=self.n_files, bad=self.n_failed_files))]
                if self.n_files
                else []
            ),
            (t("bt_warned"), str(self.n_warned)),
            (t("bt_engine"), engine),
            (t("bt_time"), t("bt_time_text", time=f"{self.elapsed:.2f}")),
        ]
        facts += [
            (k.replace("_", " ").capitalize() if en else t(f"bt_opt_{k}"), option_text(k, v, lang))
            for k, v in self.options.items()
            if v is not None
        ]
        keys = {
            c: f"bt_col_{c}"
            for c in ("trials", "warnings", "stage", "category", "error", "surface_kind")
        }
        keys["opt_status"] = "bt_col_opt_status"
        cells = {
            "stage": lambda v: t(f"stage_{v}"),
            "error": lambda v: t(f"err_{v}"),
            "category": lambda v: t(f"err_{v}"),
            "message": lambda v: translate_message(v, lang) if isinstance(v, str) else v,
            "column": lambda v: t(f"bt_col_{v}"),
            "opt_status": lambda v: t(f"status_{v}"),
        }
        blocks: list[Any] = [Facts(facts)]

        def counted(frame: pd.DataFrame, by: list[str], name: str, title: str) -> Any:
            counts = frame.groupby(by, sort=True).size().rename(name).reset_index()
            return localized_table(
                counts, lang, title=title, formats={name: "int"}, cells=cells, keys=keys
            )

        if len(self.failures):
            # a file that could not be used counts as one (it is one row of failures)
            blocks.append(counted(self.failures, ["stage", "error"], "trials", t("bt_failures")))
            head = self.failures.head(10)
            blocks.append(
                localized_table(
                    head,
                    lang,
                    title=t("bt_first_failures", k=len(head), n=len(self.failures)),
                    cells=cells,
                    keys=keys,
                )
            )
        if len(self.warnings):
            blocks.append(
                counted(self.warnings, ["stage", "category"], "warnings", t("bt_warnings"))
            )
        if len(self.table):
            wanted = ["grand_mean", "cv", "r_squared", "opt_yield", "opt_net_return", "opt_rate"]
            shown = [c for c in wanted if c in self.table and self.table[c].notna().any()]
            num = self.table[shown].astype(float).describe().T.reset_index()
            num = num.rename(
                columns={"index": "column", "25%": "q25", "50%": "median", "75%": "q75"}
            )
            blocks.append(
                localized_table(
                    num[["column", "count", "mean", "min", "q25", "median", "q75", "max"]],
                    lang,
                    title=t("bt_across"),
                    formats={"count": "int"},
                    cells=cells,
                )
            )
            for col, title in (
                ("surface_kind", "bt_surface_kinds"),
                ("opt_status", "bt_opt_status"),
            ):
                if col in self.table and self.table[col].notna().any():
                    counts = self.table[col].value_counts().rename_axis(col).rename("trials")
                    blocks.append(
                        localized_table(
                            counts.reset_index(),
                            lang,
                            title=t(title),
                            formats={"trials": "int"},
                            cells=cells,
                            keys=keys,
                        )
                    )
        blocks.append(warnings_notes(self.notes, lang))
        return Summary(t("bt_title"), blocks, headline=self._headline(lang), digits=digits)

    def to_files(self, path: str | Path) -> list[Path]:
        """Write ``table``, ``groups``, ``failures`` and ``warnings``.

        ``.xlsx``: one workbook with a sheet per table; ``.csv`` or
        ``.parquet``: ``path`` holds ``table`` and sibling files
        ``<stem>_groups``, ``<stem>_failures`` and ``<stem>_warnings`` the
        others.  Returns the paths written.  The place is checked first
        (:func:`check_output`): nothing is written when a file cannot be.

        An Excel sheet holds :data:`EXCEL_ROWS` rows (1,048,576, the header
        included).  A longer table (the letters of some 75,000 trials of 14
        treatments) is split, in the workbook, into the sheets ``groups_1``,
        ``groups_2`` … of at most ``EXCEL_ROWS - 1`` rows under the header
        each, in order, and a sheet ``notes`` says so, as does a
        :class:`~fertopt.exceptions.DisplayWarning`.  Parquet and CSV files
        keep every table whole.  CSV files are written a column at a time
        (:func:`fertopt._core.cells.write_csv`), with the bytes pandas'
        ``to_csv`` would write.

        Raises
        ------
        OptionError
            Unknown format, or a folder that is missing or cannot be written.
        DependencyError
            The format's library (pyarrow, openpyxl) is not installed.

        Warns
        -----
        DisplayWarning
            A table too long for one Excel sheet was split over several.
        """
        path = check_output(path)
        suffix = path.suffix.lower()
        tables = {
            "table": self.table,
            "groups": self.groups,
            "failures": self.failures,
            "warnings": self.warnings,
        }
        if suffix == ".xlsx":
            notes = []
            with pd.ExcelWriter(path) as writer:
                for name, frame in tables.items():
                    rows = EXCEL_ROWS - 1  # under the header row
                    if len(frame) <= rows:
                        inert_frame(for_file(frame)).to_excel(writer, sheet_name=name, index=False)
                        continue
                    parts = -(-len(frame) // rows)
                    for k in range(parts):
                        part = frame.iloc[k * rows : (k + 1) * rows]
                        inert_frame(for_file(part)).to_excel(
                            writer, sheet_name=f"{name}_{k + 1}", index=False
                        )
                    notes.append(
                        f"{path.name}: the {name} table has {len(frame):,} rows, more than an "
                        f"Excel sheet holds ({EXCEL_ROWS:,} rows with the header), so it is "
                        f"split into the sheets {name}_1 to {name}_{parts}, each with the header "
                        f"and at most {rows:,} rows, in order. Write the results to a .parquet "
                        "or .csv file to keep the table whole."
                    )
                if notes:
                    pd.DataFrame({"note": notes}).to_excel(writer, sheet_name="notes", index=False)
            for note in notes:
                warnings.warn(note, DisplayWarning, stacklevel=2)
            return [path]
        written = []
        for name, frame in tables.items():
            target = path if name == "table" else path.with_name(f"{path.stem}_{name}{path.suffix}")
            if suffix == ".csv":
                write_csv(for_file(frame), target)  # column at a time, as pandas writes it
            else:
                for_file(frame).to_parquet(target, index=False)
            written.append(target)
        return written


def for_file(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns as plain values, so every file format takes them."""
    out = frame.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype(
                out[c].cat.categories.dtype if len(out[c].cat.categories) else object
            )
    return out


# ---------------------------------------------------------------------------
# argument checks
# ---------------------------------------------------------------------------
