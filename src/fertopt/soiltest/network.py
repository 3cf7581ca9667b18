"""A network of trials → relative yields per trial, soil-test classes and rates per class.

The steps of a soil-test calibration over many 3414 or omission trials, as a provincial
soil-fertiliser station runs them (测土配方施肥):

1. :func:`relative_yields`: for every trial and nutrient, the relative yield (minus-plot mean
   ÷ full-fertilizer mean × 100) beside the trial's soil-test value, and, with prices, the
   trial's own economic optimum rate from its fitted surface (one :func:`fertopt.run_batch`
   over all trials); every trial that cannot be used is listed with the reason.
2. :func:`log_classes`: the line RY = a + b·ln(STV) and the soil-test boundaries where it
   reaches the RY thresholds (50, 75, 90, 95 %).  *To be replaced by
   ``fo.soiltest.abundance_classes`` when the correlation methods are merged*; its result has
   the same attributes (``boundaries``, ``classify``, ``class_names``, ``table``).
3. :func:`fertopt.soiltest.rates.recommend_by_class`: the rate of each class.
4. :func:`calibrate_network`: the three steps in one call, for every nutrient.
"""

from __future__ import annotations

import math
import re
import time
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core import validation as _v
from fertopt._core.document import Facts, Notes, Paragraph, Summary, Table, localized_table
from fertopt._core.formatting import ResultBase, format_number
from fertopt._core.i18n import label
from fertopt.batch import run_batch
from fertopt.curves.curve import Curve
from fertopt.curves.models import get_model
from fertopt.design import THREE414_LEVELS
from fertopt.exceptions import (
    ColumnError,
    DataError,
    DataWarning,
    DependencyError,
    OptionError,
)
from fertopt.soiltest.rates import (
    RATE_KEYS,
    ClassRecommendation,
    as_prices,
    class_names,
    flag_text,
    recommend_by_class,
)

__all__ = [
    "relative_yields",
    "RelativeYields",
    "log_classes",
    "LogClasses",
    "calibrate_network",
    "NetworkCalibration",
    "RY_COLUMNS",
    "UNUSABLE_COLUMNS",
]

_DESIGNS = ("3414", "omission")
_ENGINES = ("local", "dask")
_DEFAULT_SOIL = {"N": "alkali_n", "P2O5": "olsen_p", "K2O": "avail_k"}
#: The standard plots of a 3414 trial: full N2P2K2, and the plot without each nutrient
#: (N0P2K2, N2P0K2, N2P2K0), by the nutrient's position in ``rates``.
_FULL_3414 = 6
_MINUS_3414 = (2, 4, 8)
_LOOKUP = {code: i + 1 for i, code in enumerate(THREE414_LEVELS)}
_RY_RANGE = (0.0, 150.0)
_TREATMENT = "treatment_code"

#: Columns of :attr:`RelativeYields.table` after the trial key columns.
RY_COLUMNS = (
    "nutrient",
    "stv",
    "ry",
    "yield_minus",
    "yield_full",
    "n_minus",
    "n_full",
    "ry_in_range",
    "optimum",
    "opt_status",
)
#: Columns of :attr:`RelativeYields.unusable` after the trial key columns.
UNUSABLE_COLUMNS = ("nutrient", "scope", "reason", "message")


# ---------------------------------------------------------------------------
# the result of relative_yields
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class RelativeYields(ResultBase):
    """Relative yields of a network of trials (:func:`relative_yields`).

    Attributes
    ----------
    table : DataFrame
        One row per usable trial × nutrient, in trial-key order, nutrient by nutrient: the
        trial key column(s), ``nutrient``, ``stv`` (the trial's soil-test value of that
        nutrient), ``ry`` (%, minus-plot mean ÷ full-fertilizer mean × 100), ``yield_minus``,
        ``yield_full`` (the two plot means), ``n_minus``, ``n_full`` (plots in each mean),
        ``ry_in_range`` (False for a relative yield outside 0–150 %, also warned),
        ``optimum`` (the trial's economic optimum rate of the nutrient; NaN without prices or
        where the trial has none) and ``opt_status`` (of that optimum, "" without prices).
    unusable : DataFrame
        One row per trial × nutrient that could not be used, and why: the key column(s),
        ``nutrient``, ``scope`` (``"ry"``: no relative yield, the trial is not in
        ``table`` for that nutrient; ``"optimum"``: in ``table`` but without an optimum),
        ``reason`` (``missing_key``, ``missing_plot``, ``full_not_positive``,
        ``missing_soil``, ``soil_varies``, ``batch_failed``, ``no_optimum``) and ``message``.
    design : str
        ``"3414"`` or ``"omission"``.
    nutrients : tuple of str
        The nutrients with a soil test, in the order of ``soil``.
    soil : dict
        Nutrient → soil-test column.
    by : tuple
        The trial key column(s).
    n_trials : int
        Trials found (distinct keys).
    n_plots, n_plots_other : int
        Plots read; of which not the full or a minus plot (e.g. the other ten treatments of a
        3414 trial), which enter the batch fits only.
    economic : bool
        Whether prices were given (the optima come from a batch run).
    batch : dict
        ``n_analysed``, ``n_failed``, ``engine``, ``elapsed`` of the batch run (empty without
        prices).
    elapsed : float
        Wall-clock seconds of the whole call.
    options : dict
        The roles and options used.
    warnings : tuple of str
    """

    table: pd.DataFrame
    unusable: pd.DataFrame
    design: str
    nutrients: tuple[str, ...]
    soil: dict[str, Hashable]
    by: tuple[Hashable, ...]
    n_trials: int
    n_plots: int
    n_plots_other: int
    economic: bool
    batch: dict[str, Any]
    elapsed: float
    options: dict[str, Any]
    warnings: tuple[str, ...] = ()
    _warning_keys: tuple[tuple[str, dict[str, Any]], ...] = field(
        default=(), repr=False, compare=False
    )
    _surfaces: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    _units: tuple[str | None, str | None] = field(default=(None, None), repr=False, compare=False)

    # -- access -----------------------------------------------------------------
    def for_nutrient(self, name: str) -> pd.DataFrame:
        """The usable trials of one nutrient: key columns, ``stv``, ``ry``, ``yield_minus``,
        ``yield_full``, ``optimum``, ``opt_status``, ready for the correlation methods
        (``fo.soiltest.abundance_classes(ry.for_nutrient("P2O5"), stv="stv", ry="ry")``).
        """
        self._check_nutrient(name)
        part = self.table[self.table["nutrient"] == name]
        keep = [*self.by, "stv", "ry", "yield_minus", "yield_full", "optimum", "opt_status"]
        return part[keep].reset_index(drop=True)

    def curves(self, name: str) -> dict[Any, Curve]:
        """Each trial's response to one nutrient, for pooling (MRTN): trial key → curve.

        The curve is the trial's fitted ternary quadratic surface (from the batch run) cut at
        level 2 of the other two nutrients (their rates on the full-fertilizer plots): a
        quadratic in the nutrient over 0 to its highest tested rate.  Needs prices (the batch
        run) and a 3414 design.
        """
        self._check_nutrient(name)
        if self._surfaces is None:
            raise OptionError(
                "the trials' response curves come from the batch run that prices= starts (3414 "
                "trials with rate columns); call relative_yields(..., prices=...)."
            )
        return _slice_curves(self._surfaces, name, self.by, self._units)

    def warnings_in(self, lang: str = "en") -> tuple[str, ...]:
        """The warnings in ``lang`` ("en" or "zh")."""
        return tuple(label(key, lang, **fields) for key, fields in self._warning_keys)

    def _check_nutrient(self, name: str) -> None:
        if name not in self.nutrients:
            raise OptionError(
                f"no relative yields of {name!r}; this result has "
                f"{', '.join(self.nutrients)} (the keys of soil=)."
            )

    # -- display ----------------------------------------------------------------
    def _headline(self, lang: str = "en") -> str:
        counts = self.table.groupby("nutrient", sort=False).size()
        parts = label("layout_sep", lang).join(
            f"{n} {int(counts.get(n, 0))}" for n in self.nutrients
        )
        return label(
            "nw_ry_headline",
            lang,
            design=label(f"nw_design_{self.design}", lang),
            n=self.n_trials,
            counts=parts,
            u=int((self.unusable["scope"] == "ry").sum()),
        )

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks of the summary by name: ``facts``, ``by_nutrient``, ``unusable``,
        ``first_unusable``, ``warnings``."""

        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        sep = t("layout_sep")
        facts = [
            (t("nw_design"), t(f"nw_design_{self.design}")),
            (t("nw_trials"), str(self.n_trials)),
            (t("nw_plots"), t("nw_plots_text", n=self.n_plots, k=self.n_plots_other)),
            (t("nw_trial_keys"), sep.join(map(str, self.by))),
            (t("nw_soil"), sep.join(f"{n}: {c}" for n, c in self.soil.items())),
            (t("nw_ry_def"), t("nw_ry_def_text")),
        ]
        if self.economic:
            facts.append((t("nw_optimum_source"), t("nw_optimum_source_text")))
            facts.append(
                (
                    t("nw_batch"),
                    t(
                        "nw_batch_text",
                        n=self.batch["n_analysed"],
                        f=self.batch["n_failed"],
                        t=f"{self.batch['elapsed']:.2f}",
                    ),
                )
            )
        else:
            facts.append((t("nw_optimum_source"), t("nw_no_prices")))
        facts.append((t("nw_time"), t("nw_time_text", t=f"{self.elapsed:.2f}")))
        keys = {
            "nutrient": "nw_col_nutrient",
            "soil_column": "nw_col_soil_column",
            "n": "nw_col_n",
            "n_optimum": "nw_col_n_optimum",
            "stv_min": "nw_col_stv_min",
            "stv_median": "nw_col_stv_median",
            "stv_max": "nw_col_stv_max",
            "ry_mean": "nw_col_ry_mean",
            "ry_min": "nw_col_ry_min",
            "ry_max": "nw_col_ry_max",
            "scope": "nw_col_scope",
            "reason": "nw_col_reason",
            "entries": "nw_col_entries",
        }
        overview = localized_table(
            self._overview(),
            lang,
            title=t("nw_by_nutrient"),
            formats={"n": "int", "n_optimum": "int", "ry_mean": ".1f", "ry_min": ".1f"}
            | {"ry_max": ".1f"},
            keys=keys,
        )
        cells = {
            "scope": lambda v: t(f"nw_scope_{v}"),
            "reason": lambda v: t(f"nw_reason_{v}"),
        }
        parts: dict[str, Any] = {"facts": Facts(facts), "by_nutrient": overview}
        if len(self.unusable):
            counts = (
                self.unusable.groupby(["nutrient", "scope", "reason"], sort=False)
                .size()
                .rename("entries")
                .reset_index()
            )
            parts["unusable"] = localized_table(
                counts,
                lang,
                title=t("nw_unusable_counts"),
                formats={"entries": "int"},
                cells=cells,
                keys=keys,
            )
            head = self.unusable.head(10)
            if lang != "en":  # the messages are English sentences: the reason says it in words
                head = head.drop(columns=["message"])
            parts["first_unusable"] = localized_table(
                head,
                lang,
                title=t("nw_unusable_first", k=len(head), n=len(self.unusable)),
                cells=cells,
                keys=keys,
            )
        parts["warnings"] = Notes(self.warnings_in(lang), title=t("sec_warnings"))
        return parts

    def _overview(self) -> pd.DataFrame:
        rows = []
        for n in self.nutrients:
            part = self.table[self.table["nutrient"] == n]
            rows.append(
                {
                    "nutrient": n,
                    "soil_column": str(self.soil[n]),
                    "n": len(part),
                    "n_optimum": int(part["optimum"].notna().sum()),
                    "stv_min": part["stv"].min(),
                    "stv_median": part["stv"].median(),
                    "stv_max": part["stv"].max(),
                    "ry_mean": part["ry"].mean(),
                    "ry_min": part["ry"].min(),
                    "ry_max": part["ry"].max(),
                }
            )
        return pd.DataFrame(rows)

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        parts = self.summary_parts(digits, lang)
        return Summary(
            label("nw_ry_title", lang),
            list(parts.values()),
            headline=self._headline(lang),
            digits=digits,
        )


# ---------------------------------------------------------------------------
# relative_yields
# ---------------------------------------------------------------------------
def relative_yields(
    trials: Any,
    /,
    *,
    by: Hashable | Sequence[Hashable] = "site",
    design: str = "3414",
    response: Hashable,
    soil: Mapping[str, Hashable] | None = None,
    treatment: Hashable | None = None,
    rates: Sequence[Hashable] | Mapping[str, Hashable] = ("N", "P2O5", "K2O"),
    block: Hashable | None = None,
    full: Any = None,
    minus: Mapping[str, Any] | None = None,
    prices: Any = None,
    engine: str = "local",
    n_jobs: int = 1,
) -> RelativeYields:
    """Relative yield of every trial and nutrient of a network, beside its soil-test value.

    Parameters
    ----------
    trials : DataFrame
        One row per plot of many trials (a Dask DataFrame with ``engine="dask"``: the
        columns named here are computed into memory first).
    by : str or sequence of str, default "site"
        Column(s) identifying a trial, e.g. ``("site", "year")``.
    design : {"3414", "omission"}
        3414 trials: the full plot is treatment 6 (N2P2K2) and the minus plots are 2
        (N0P2K2), 4 (N2P0K2) and 8 (N2P2K0), recognised from ``treatment`` (numbers 1–14,
        codes ``N2P2K2`` or ``222``, labels ending in the number such as ``T6``) or, without
        it, from the rate columns (level 0 is rate 0, level 2 the trial's most frequent
        non-zero rate).  Omission trials: ``treatment`` with ``full`` and ``minus`` labels.
    response : str
        Yield column.
    soil : mapping, default {"N": "alkali_n", "P2O5": "olsen_p", "K2O": "avail_k"}
        Nutrient → soil-test column.  The value must be the same on every plot of a trial
        (empty cells are allowed; two different values make the trial unusable).
    treatment : str, optional
        Treatment column (required for omission trials).
    rates : sequence of three str or mapping, default ("N", "P2O5", "K2O")
        3414 trials: the rate columns in the N, P, K order of the level codes, named after
        their nutrients (or a mapping nutrient → column).  Needed with ``prices`` and when
        ``treatment`` is not given.
    block : str, optional
        Block (replicate) column, passed to the batch fits.
    full : label, optional
        The full-fertilizer treatment label (omission trials; for 3414 trials it overrides
        treatment 6).
    minus : mapping, optional
        Nutrient → label of the plot without it, e.g. ``{"N": "PK", "P2O5": "NK", "K2O":
        "NP"}`` (omission trials; for 3414 trials it overrides treatments 2, 4, 8).
    prices : fertopt.Prices or mapping, optional
        3414 trials with rate columns: each trial's economic optimum rate of each nutrient
        (``optimum``), from the ternary quadratic surface that :func:`fertopt.run_batch`
        fits to the trial (``surface="full"``, priced optimum within the tested rates).
    engine : {"local", "dask"}
        Where the batch fits run: in this process (the vectorized engine) or on a
        ``dask.distributed`` cluster (:func:`fertopt.run_batch` with ``engine="dask"``).
    n_jobs : int, default 1
        Worker processes of the batch run.

    Returns
    -------
    RelativeYields
        ``table`` (one row per usable trial × nutrient), ``unusable`` (every trial × nutrient
        left out, with the reason), ``for_nutrient(name)`` and ``curves(name)``.

    Raises
    ------
    ColumnError
        A named column is not in the data (the message lists the columns present).
    OptionError
        An unknown design or engine; a ``soil`` nutrient that the design does not know;
        omission trials without ``treatment``, ``full`` or ``minus``; prices for omission
        trials or without rate columns.
    DataError
        Yields or soil tests that are not numbers.

    Warns
    -----
    DataWarning
        Relative yields outside 0–150 % (``ry_in_range`` is False for them).

    Notes
    -----
    ``RY = 100 · ȳ(minus) / ȳ(full)`` from the arithmetic means of the plots of the two
    treatments in the trial (equal to the least-squares means of a complete trial; with a
    plot missing from a block they differ slightly from :func:`fertopt.omission`'s
    block-adjusted means).  The means are computed for all trials at once (a grouped sum
    over the plot table); with ``prices`` one :func:`fertopt.run_batch` fits every trial's
    surface, and its failures are listed in ``unusable``.  The optimum of a nutrient is the
    batch's ``opt_<nutrient>``: the economic optimum of the whole N-P-K surface within the
    tested rates, which is what a 3414 trial recommends when its ternary fit is used (the
    cascade of :func:`fertopt.three414` to binary and univariate fits is not run here).

    Examples
    --------
    >>> import numpy as np, pandas as pd, fertopt as fo
    >>> from fertopt.soiltest.network import relative_yields
    >>> rows = []
    >>> for site, p_test, ry_p in (("A", 8.0, 0.6), ("B", 30.0, 0.95)):
    ...     for trt, y in (("NPK", 10.0), ("PK", 7.0), ("NK", 10.0 * ry_p), ("NP", 9.0)):
    ...         rows += [{"site": site, "trt": trt, "rep": r, "yield": y + d}
    ...                  for r, d in ((1, -0.2), (2, 0.2))]
    >>> df = pd.DataFrame(rows).assign(olsen_p=lambda d: d["site"].map({"A": 8.0, "B": 30.0}))
    >>> ry = relative_yields(df, by="site", design="omission", response="yield",
    ...                      treatment="trt", full="NPK", minus={"P2O5": "NK"},
    ...                      soil={"P2O5": "olsen_p"})
    >>> ry.for_nutrient("P2O5")[["site", "stv", "ry"]]
      site   stv    ry
    0    A   8.0  60.0
    1    B  30.0  95.0
    """
    start = time.perf_counter()
    _v.check_choice(design, "design", _DESIGNS)
    _v.check_choice(engine, "engine", _ENGINES)
    if not isinstance(n_jobs, (int, np.integer)) or isinstance(n_jobs, bool) or n_jobs < 1:
        raise OptionError(f"n_jobs must be a whole number ≥ 1, got {n_jobs!r}.")
    by_names = _v.as_names(by, "by")
    if not by_names:
        raise ColumnError("`by` is required: name the column(s) that identify a trial.")
    econ = as_prices(prices)
    if design == "omission":
        _check_omission(treatment, full, minus, econ)
    nutrients, rate_columns = _nutrients(design, rates, minus)
    if soil is None:
        soil = {n: c for n, c in _DEFAULT_SOIL.items() if n in nutrients}
    soil = dict(_check_soil(soil))
    _check_soil_nutrients(soil, nutrients, design)
    frame = _as_frame(
        trials,
        engine,
        [*by_names, response, treatment, block, *soil.values()],
        list(rate_columns.values()),
    )
    _v.require_columns(
        frame, by=list(by_names), response=response, treatment=treatment, block=block
    )
    for n, col in soil.items():
        _require_soil_column(frame, n, col)
    have_rates = all(c in frame.columns for c in rate_columns.values())
    if design == "3414" and treatment is None and not have_rates:
        missing = [str(c) for c in rate_columns.values() if c not in frame.columns]
        raise ColumnError(
            f"rate column(s) {', '.join(missing)} are not in the data, and no treatment column "
            "was given: the 3414 plots are recognised from one or the other. Name the rate "
            "columns with rates=(...) or the treatment column with treatment=."
            + _v.suggest_columns(missing[0], frame.columns)
        )
    if econ is not None and not have_rates:
        raise OptionError(
            "prices= gives each trial's economic optimum from a surface fitted to its rates, "
            f"but the rate columns {', '.join(map(str, rate_columns.values()))} are not in the "
            "data; name them with rates=(...), or leave out prices=."
        )

    # the trials and the plots that matter: full and minus plots
    codes, keys = _trial_codes(frame, by_names)
    n_trials = len(keys)
    y = _v.to_numeric(frame[response], "response").to_numpy()
    rate_values = (
        {n: _v.rate_values(frame, c, n).to_numpy() for n, c in rate_columns.items()}
        if have_rates
        else {}
    )
    role = _plot_roles(
        frame, design, codes, n_trials, nutrients, treatment, full, minus, rate_values
    )
    stv = {n: _soil_values(frame, col, codes, n_trials) for n, col in soil.items()}

    # relative yields, trial by trial as arrays
    ok = codes >= 0
    full_sum, full_n = _sums(codes, y, ok & (role == 0), n_trials)
    tables, unusable = [], []
    for n in soil:
        i = nutrients.index(n)
        m_sum, m_n = _sums(codes, y, ok & (role == i + 1), n_trials)
        part, bad = _nutrient_rows(
            keys, n, stv[n], m_sum, m_n, full_sum, full_n, design, nutrients, full, minus
        )
        tables.append(part)
        unusable.append(bad)
    table = pd.concat(tables, ignore_index=True)
    warn: list[tuple[str, dict[str, Any]]] = []
    missing_key = int((~ok).sum())
    if missing_key:
        unusable.insert(0, _missing_key_rows(by_names, soil, missing_key))

    # the batch run: every trial's surface and its priced optimum
    surfaces, batch = None, {}
    table["optimum"] = np.nan
    table["opt_status"] = ""
    units = _declared_units(frame, response, rate_columns)
    if econ is not None:
        table, surfaces, batch, failed = _batch_optima(
            frame,
            table,
            keys,
            codes,
            role,
            rate_values,
            by_names,
            response,
            treatment,
            block,
            nutrients,
            list(soil),
            econ,
            engine,
            n_jobs,
        )
        unusable.append(failed)
    unusable_table = pd.concat(
        [u for u in unusable if len(u)] or [_empty_unusable(keys)], ignore_index=True
    )[[*by_names, *UNUSABLE_COLUMNS]]

    # implausible relative yields: kept, flagged and warned
    lo, hi = _RY_RANGE
    table["ry_in_range"] = (table["ry"] >= lo) & (table["ry"] <= hi)
    out = ~table["ry_in_range"]
    if out.any():
        shown = table.loc[out]
        items = _describe_trials(
            shown[list(by_names)],
            [f"{a} {b:.1f} %" for a, b in zip(shown["nutrient"], shown["ry"], strict=True)],
        )
        warn.append(("nw_warn_ry_range", {"k": int(out.sum()), "items": items}))
    table = table[[*by_names, *RY_COLUMNS]]
    texts = tuple(label(key, "en", **fields) for key, fields in warn)
    for text in texts:
        warnings.warn(text, DataWarning, stacklevel=2)
    return RelativeYields(
        table=table,
        unusable=unusable_table,
        design=design,
        nutrients=tuple(soil),
        soil=soil,
        by=by_names,
        n_trials=n_trials,
        n_plots=len(frame),
        n_plots_other=int((role < 0).sum()),
        economic=econ is not None,
        batch=batch,
        elapsed=time.perf_counter() - start,
        options={
            "by": list(by_names),
            "design": design,
            "response": response,
            "soil": dict(soil),
            "treatment": treatment,
            "rates": dict(rate_columns),
            "block": block,
            "full": full,
            "minus": dict(minus) if minus is not None else None,
            "prices": econ,
            "engine": engine,
        },
        warnings=texts,
        _warning_keys=tuple(warn),
        _surfaces=surfaces,
        _units=units,
    )


# ---------------------------------------------------------------------------
# its steps: checking the call
# ---------------------------------------------------------------------------
def _check_soil(soil: Any) -> Mapping[str, Hashable]:
    if not isinstance(soil, Mapping) or not soil:
        raise OptionError(
            "soil must map each nutrient to its soil-test column, e.g. soil={'N': 'alkali_n', "
            f"'P2O5': 'olsen_p', 'K2O': 'avail_k'}}; got {soil!r}."
        )
    return soil


def _nutrients(
    design: str, rates: Any, minus: Mapping[str, Any] | None
) -> tuple[list[str], dict[str, Hashable]]:
    """The design's nutrients (in order) and the rate column of each."""
    if design == "omission":
        names = [str(k) for k in (minus or {})]
        return names, {}
    if isinstance(rates, Mapping):
        columns = {str(k): v for k, v in rates.items()}
    elif isinstance(rates, (str, bytes)) or not isinstance(rates, Sequence):
        raise OptionError(
            f"rates={rates!r}: give the three rate columns in the N, P, K order, e.g. "
            "rates=('N', 'P2O5', 'K2O'), or a mapping nutrient → column."
        )
    else:
        columns = {str(c): c for c in rates}
    if len(columns) != 3:
        raise OptionError(
            f"a 3414 trial has three nutrients; rates names {len(columns)}: {', '.join(columns)}."
        )
    return list(columns), columns


def _check_soil_nutrients(soil: Mapping[str, Hashable], nutrients: list[str], design: str) -> None:
    unknown = [n for n in soil if n not in nutrients]
    if not unknown:
        return
    where = (
        "the three nutrients of rates= (in the N, P, K order of the 3414 codes)"
        if design == "3414"
        else "the nutrients of minus="
    )
    example = nutrients[0] if nutrients else "N"
    raise OptionError(
        f"soil= names nutrient(s) {', '.join(map(repr, unknown))}, which are not among {where}: "
        f"{', '.join(nutrients) or 'none'}. Use those names as the keys of soil, e.g. "
        f"soil={{{example!r}: '<soil-test column>'}}."
    )


def _check_omission(treatment: Any, full: Any, minus: Any, econ: Any) -> None:
    if treatment is None or full is None or not minus:
        raise OptionError(
            "omission trials need treatment= (the treatment column), full= (the label of the "
            "full-fertilizer plot) and minus= (nutrient → label of the plot without it), e.g. "
            "treatment='trt', full='NPK', minus={'N': 'PK', 'P2O5': 'NK', 'K2O': 'NP'}."
        )
    if not isinstance(minus, Mapping):
        raise OptionError(f"minus must be a mapping nutrient → treatment label, got {minus!r}.")
    if econ is not None:
        raise OptionError(
            "prices= gives each 3414 trial's economic optimum from the surface fitted to its "
            "14 treatments; omission trials have no rate series to fit. Leave out prices= (the "
            "relative yields need none)."
        )


def _as_frame(trials: Any, engine: str, names: list[Any], rate_columns: list[Any]) -> pd.DataFrame:
    """A pandas frame of the plots (a Dask frame's needed columns computed)."""
    module = type(trials).__module__
    if module.startswith("dask") and hasattr(trials, "npartitions"):
        if engine != "dask":
            raise OptionError(
                "trials is a Dask DataFrame: use engine='dask', or call .compute() first."
            )
        wanted = [c for c in dict.fromkeys([*names, *rate_columns]) if c in trials.columns]
        return trials[wanted].compute().reset_index(drop=True)
    return _v.require_frame(trials, "trials")


def _require_soil_column(frame: pd.DataFrame, nutrient: str, column: Hashable) -> None:
    if column not in frame.columns:
        raise ColumnError(
            f"soil column {column!r} (the {nutrient} soil test, from soil=) is not a column of "
            "the data. Name the column that holds it, e.g. soil={"
            f"{nutrient!r}: '<column>'}}." + _v.suggest_columns(column, frame.columns)
        )


# ---------------------------------------------------------------------------
# its steps: trials, plots, soil tests
# ---------------------------------------------------------------------------
def _trial_codes(frame: pd.DataFrame, by: tuple[Hashable, ...]) -> tuple[np.ndarray, pd.DataFrame]:
    """Each plot's trial number (-1 for an empty key cell) and the keys, in sorted order."""
    grouped = frame.groupby(list(by), sort=True, dropna=True)
    codes = grouped.ngroup().to_numpy(dtype=float)
    codes = np.where(np.isnan(codes), -1, codes).astype(np.int64)
    valid = np.flatnonzero(codes >= 0)
    _, first = np.unique(codes[valid], return_index=True)
    keys = frame[list(by)].iloc[valid[first]].reset_index(drop=True)
    return codes, keys


def plot_number(value: Any) -> int:
    """The 3414 treatment number (1–14) of a label, 0 when it is none.

    Numbers 1–14, level codes (``"N2P2K2"``, ``"222"``) and labels ending in the number
    (``"T6"``, ``"处理6"``) are read.

    Examples
    --------
    >>> [plot_number(v) for v in (6, "N0P2K2", "222", "T8", "处理4", "x")]
    [6, 2, 6, 8, 4, 0]
    """
    if isinstance(value, (bool, np.bool_)) or value is None:
        return 0
    if isinstance(value, (int, np.integer)):
        return int(value) if 1 <= int(value) <= 14 else 0
    if isinstance(value, (float, np.floating)):
        return plot_number(int(value)) if float(value).is_integer() else 0
    text = str(value).strip().replace(" ", "")
    m = re.fullmatch(r"([0-3])([0-3])([0-3])", text)
    if m is None and not text.isdigit():
        m = re.fullmatch(r"[^\d]*?(\d)\D+(\d)\D+(\d)", text)
    if m is not None:
        return _LOOKUP.get(tuple(int(g) for g in m.groups()), 0)
    m = re.fullmatch(r"\D*?(\d{1,2})", text)
    if m is not None and 1 <= int(m.group(1)) <= 14:
        return int(m.group(1))
    return 0


def _plot_roles(
    frame: pd.DataFrame,
    design: str,
    codes: np.ndarray,
    n_trials: int,
    nutrients: list[str],
    treatment: Hashable | None,
    full: Any,
    minus: Mapping[str, Any] | None,
    rate_values: dict[str, np.ndarray],
) -> np.ndarray:
    """Each plot's role: 0 full, i + 1 without nutrient i, -1 any other plot."""
    role = np.full(len(frame), -1, dtype=np.int64)
    if treatment is not None and (design == "omission" or full is not None or minus):
        labels = frame[treatment]
        if full is not None:
            role[(labels == full).to_numpy()] = 0
        for i, n in enumerate(nutrients):
            if minus and n in minus:
                role[(labels == minus[n]).to_numpy()] = i + 1
        if design == "omission":
            return role
    if design == "3414" and treatment is not None:
        uniques = pd.unique(frame[treatment])
        numbers = pd.Series([plot_number(v) for v in uniques], index=uniques, dtype="int64")
        num = frame[treatment].map(numbers).to_numpy()
    elif design == "3414":
        num = _numbers_from_rates(codes, n_trials, nutrients, rate_values)
    else:
        return role
    if full is None:
        role[num == _FULL_3414] = 0
    for i, n in enumerate(nutrients):
        if not (minus and n in minus):
            role[num == _MINUS_3414[i]] = i + 1
    return role


def _numbers_from_rates(
    codes: np.ndarray, n_trials: int, nutrients: list[str], rate_values: dict[str, np.ndarray]
) -> np.ndarray:
    """3414 treatment numbers from the rates: level 0 is no nutrient, level 2 the trial's most
    frequent non-zero rate, levels 1 and 3 half and one and a half times level 2."""
    level = []
    for n in nutrients:
        x = rate_values[n]
        l2 = _mode_nonzero(codes, x, n_trials)
        ref = l2[np.maximum(codes, 0)]
        lv = np.full(len(x), -1, dtype=np.int64)
        for k, m in enumerate((0.0, 0.5, 1.0, 1.5)):
            target = m * ref
            lv[np.abs(x - target) <= 1e-6 * np.maximum(1.0, np.abs(target))] = k
        level.append(lv)
    table = np.zeros((4, 4, 4), dtype=np.int64)
    for code, number in _LOOKUP.items():
        table[code] = number
    lv = np.column_stack(level)
    known = (lv >= 0).all(axis=1) & (codes >= 0)
    out = np.zeros(len(codes), dtype=np.int64)
    out[known] = table[lv[known, 0], lv[known, 1], lv[known, 2]]
    return out


def _mode_nonzero(codes: np.ndarray, x: np.ndarray, n_trials: int) -> np.ndarray:
    """Per trial, the most frequent non-zero rate (the smallest on a tie); NaN if none."""
    use = (codes >= 0) & np.isfinite(x) & (x > 0)
    counts = pd.DataFrame({"t": codes[use], "x": x[use]}).groupby(["t", "x"], sort=True).size()
    best = counts.reset_index(name="k").sort_values(
        ["t", "k"], ascending=[True, False], kind="stable"
    )
    best = best.drop_duplicates("t")
    out = np.full(n_trials, np.nan)
    out[best["t"].to_numpy()] = best["x"].to_numpy()
    return out


def _soil_values(
    frame: pd.DataFrame, column: Hashable, codes: np.ndarray, n_trials: int
) -> dict[str, np.ndarray]:
    """Per trial: the soil-test value (lowest), the highest, and how many plots have one."""
    s = _v.to_numeric(frame[column], "soil").to_numpy()
    use = (codes >= 0) & np.isfinite(s)
    agg = (
        pd.DataFrame({"t": codes[use], "s": s[use]})
        .groupby("t")["s"]
        .agg(["min", "max", "count"])
        .reindex(range(n_trials))
    )
    return {
        "low": agg["min"].to_numpy(),
        "high": agg["max"].to_numpy(),
        "count": agg["count"].fillna(0).to_numpy(dtype=np.int64),
    }


def _sums(codes: np.ndarray, y: np.ndarray, mask: np.ndarray, n: int) -> tuple[np.ndarray, ...]:
    """Per trial, the sum of the responses of the masked plots and their count."""
    use = mask & np.isfinite(y)
    total = np.bincount(codes[use], weights=y[use], minlength=n)
    count = np.bincount(codes[use], minlength=n)
    return total, count


def _plot_name(design: str, nutrients: list[str], i: int | None, full: Any, minus: Any) -> str:
    """The plot a relative yield needs, in words: ``treatment 2 (N0P2K2)`` or ``'PK'``."""
    if i is None:
        if full is not None:
            return f"the full-fertilizer plot {full!r}"
        return "the full-fertilizer plot, treatment 6 (N2P2K2)"
    n = nutrients[i]
    if minus and n in minus:
        return f"the plot without {n}, {minus[n]!r}"
    number = _MINUS_3414[i]
    code = "".join(f"{'NPK'[j]}{v}" for j, v in enumerate(THREE414_LEVELS[number - 1]))
    return f"the plot without {n}, treatment {number} ({code})"


def _nutrient_rows(
    keys: pd.DataFrame,
    nutrient: str,
    stv: dict[str, np.ndarray],
    m_sum: np.ndarray,
    m_n: np.ndarray,
    f_sum: np.ndarray,
    f_n: np.ndarray,
    design: str,
    nutrients: list[str],
    full: Any,
    minus: Any,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The usable rows of one nutrient and the unusable ones with their reasons."""
    with np.errstate(invalid="ignore", divide="ignore"):
        y_minus = m_sum / m_n
        y_full = f_sum / f_n
        ry = 100.0 * y_minus / y_full
    i = nutrients.index(nutrient)
    reason = np.full(len(keys), "", dtype=object)
    message = np.full(len(keys), "", dtype=object)
    # the reasons, the first that applies wins
    low, high, count = stv["low"], stv["high"], stv["count"]
    varies = (count > 0) & (np.abs(high - low) > 1e-9 * np.maximum(1.0, np.abs(high)))
    checks = [
        (
            m_n == 0,
            "missing_plot",
            lambda t: f"no yield of {_plot_name(design, nutrients, i, full, minus)}.",
        ),
        (
            f_n == 0,
            "missing_plot",
            lambda t: f"no yield of {_plot_name(design, nutrients, None, full, minus)}.",
        ),
        (
            ~(y_full > 0),
            "full_not_positive",
            lambda t: f"the full-fertilizer yield is {y_full[t]:.6g}, not a positive number.",
        ),
        (count == 0, "missing_soil", lambda t: f"no {nutrient} soil-test value on any plot."),
        (
            varies,
            "soil_varies",
            lambda t: (
                f"the {nutrient} soil-test value differs between the trial's plots "
                f"({low[t]:.6g} to {high[t]:.6g}); a trial has one soil test: correct the "
                "column."
            ),
        ),
    ]
    for mask, code, text in checks:
        new = mask & (reason == "")
        for t in np.flatnonzero(new):
            reason[t] = code
            message[t] = text(t)
    good = reason == ""
    part = keys.loc[good].reset_index(drop=True)
    part["nutrient"] = nutrient
    part["stv"] = low[good]
    part["ry"] = ry[good]
    part["yield_minus"] = y_minus[good]
    part["yield_full"] = y_full[good]
    part["n_minus"] = m_n[good].astype(np.int64)
    part["n_full"] = f_n[good].astype(np.int64)
    part["_trial"] = np.flatnonzero(good)
    bad = keys.loc[~good].reset_index(drop=True)
    bad["nutrient"] = nutrient
    bad["scope"] = "ry"
    bad["reason"] = reason[~good]
    bad["message"] = message[~good]
    return part, bad


def _missing_key_rows(by: tuple[Hashable, ...], soil: Mapping[str, Any], k: int) -> pd.DataFrame:
    rows = []
    for n in soil:
        row: dict[Any, Any] = dict.fromkeys(by, None)
        row.update(
            nutrient=n,
            scope="ry",
            reason="missing_key",
            message=f"{k} plot(s) have an empty cell in the trial key column(s) "
            f"{', '.join(map(str, by))}; fill them in to use these plots.",
        )
        rows.append(row)
    return pd.DataFrame(rows)


def _empty_unusable(keys: pd.DataFrame) -> pd.DataFrame:
    out = keys.iloc[:0].copy()
    for c in UNUSABLE_COLUMNS:
        out[c] = pd.Series(dtype=object)
    return out


def _describe_trials(keys: pd.DataFrame, values: Sequence[Any], limit: int = 5) -> str:
    """``trial 'A' (N 162.0 %), trial 'B' (…) and 3 more``."""
    rows = list(keys.itertuples(index=False, name=None))
    shown = []
    for key, value in zip(rows[:limit], values, strict=False):  # values may be longer
        key_text = repr(key[0]) if len(key) == 1 else repr(tuple(key))
        shown.append(f"trial {key_text} ({value})")
    text = ", ".join(shown)
    if len(rows) > limit:
        text += f" and {len(rows) - limit} more"
    return text


def _declared_units(
    frame: pd.DataFrame, response: Hashable, rate_columns: Mapping[str, Hashable]
) -> tuple[str | None, str | None]:
    """The yield and rate units recorded with the data (by fo.read_trials), if one each."""
    declared = dict(frame.attrs.get("fertopt", {}).get("units", {}) or {})
    rate_units = {declared.get(c) for c in rate_columns.values()}
    return declared.get(response), (rate_units.pop() if len(rate_units) == 1 else None)


# ---------------------------------------------------------------------------
# its steps: the batch run and each trial's response to one nutrient
# ---------------------------------------------------------------------------
def _batch_optima(
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
        s, c = _sums(codes, x, use & (role == 0), n_trials)
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
        pd.DataFrame(lost, columns=[*by, *UNUSABLE_COLUMNS]) if lost else _empty_unusable(keys)
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


def _slice_curves(
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


# ---------------------------------------------------------------------------
# log classes: RY = a + b·ln(STV)
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class LogClasses:
    """Soil-test classes from the line RY = a + b·ln(STV) (:func:`log_classes`).

    Has the attributes of :func:`fertopt.soiltest.abundance_classes`' result that
    :func:`fertopt.soiltest.rates.recommend_by_class` reads, so either serves.

    Attributes
    ----------
    intercept, slope : float
        ``a`` and ``b``.
    intercept_se, slope_se : float
        Their standard errors (ordinary least squares).
    r_squared : float
    n : int
        Trials in the fit.
    thresholds : tuple of float
        RY (%) at the class boundaries, ascending.
    boundaries : tuple of float
        STV where the line reaches each threshold, ``exp((t − a) / b)``, ascending.
    stv_range : tuple of float
        Lowest and highest soil-test value of the fit.
    table : DataFrame
        One row per class: ``class_index``, ``class_en``, ``class_zh``, ``stv_low``,
        ``stv_high``, ``ry_low``, ``ry_high``, ``n`` (trials of the fit in the class).
    """

    intercept: float
    slope: float
    intercept_se: float
    slope_se: float
    r_squared: float
    n: int
    thresholds: tuple[float, ...]
    boundaries: tuple[float, ...]
    stv_range: tuple[float, float]
    table: pd.DataFrame

    def classify(self, stv_values: Any) -> np.ndarray:
        """Class index of each soil-test value (a value on a boundary is in the upper class;
        -1 for a missing value)."""
        s = np.asarray(stv_values, dtype=float)
        out = np.searchsorted(np.asarray(self.boundaries), s, side="right")
        return np.where(np.isfinite(s), out, -1)

    def class_names(self, lang: str = "en") -> tuple[str, ...]:
        """The class names, lowest first (four boundaries: very low … very high)."""
        return class_names(len(self.boundaries) + 1, lang)


def log_classes(
    stv: Any,
    ry: Any,
    thresholds: Sequence[float] = (50, 75, 90, 95),
    *,
    trials: Any = None,
) -> LogClasses:
    """Soil-test class boundaries from the least-squares line RY = a + b·ln(STV).

    Interim helper: the lead wires :func:`fertopt.soiltest.abundance_classes` in its place
    when the correlation methods are merged.

    Parameters
    ----------
    stv, ry : array-like
        Soil-test values (> 0) and relative yields (%) of the trials.
    thresholds : sequence of float, default (50, 75, 90, 95)
        Relative yields (%) at the class boundaries, ascending.
    trials : sequence, optional
        The trials' keys, to name a trial with a bad value.

    Returns
    -------
    LogClasses

    Raises
    ------
    DataError
        A soil-test value of 0 or less (no logarithm; the message names the trial and the
        value), fewer than 3 trials, or a line that does not rise with STV (b ≤ 0).
    OptionError
        Thresholds that are not ascending numbers.

    Notes
    -----
    ``b = Σ(u − ū)(y − ȳ) / Σ(u − ū)²`` with ``u = ln STV``, ``a = ȳ − b·ū``; standard errors
    ``s/√Sxx`` and ``s·√(1/n + ū²/Sxx)`` with ``s² = SSE/(n − 2)``.  The boundary of
    threshold ``t`` is ``exp((t − a) / b)``.

    Examples
    --------
    The CAU slide's equation RY = 30.96·ln(x) − 13.498 gives 7.8 / 17.4 / 33.3 mg/kg at
    50 / 75 / 95 %:

    >>> import numpy as np
    >>> x = np.array([3.0, 5, 8, 12, 20, 30, 45])
    >>> cls = log_classes(x, 30.96 * np.log(x) - 13.498, (50, 75, 95))
    >>> [round(b, 1) for b in cls.boundaries]
    [7.8, 17.4, 33.3]
    >>> cls.class_names()
    ('very low', 'low', 'medium', 'high')
    """
    s = np.asarray(stv, dtype=float).ravel()
    y = np.asarray(ry, dtype=float).ravel()
    if s.shape != y.shape:
        raise OptionError(f"stv has {s.size} values and ry {y.size}; give one of each per trial.")
    try:
        t = tuple(float(v) for v in thresholds)
    except (TypeError, ValueError):
        raise OptionError(f"thresholds={thresholds!r} must be relative yields in %.") from None
    if (
        not t
        or any(b <= a for a, b in zip(t, t[1:], strict=False))
        or not all(math.isfinite(v) for v in t)
    ):
        raise OptionError(
            f"thresholds={thresholds!r} must be ascending relative yields in %, e.g. (50, 75, "
            "90, 95)."
        )
    use = np.isfinite(s) & np.isfinite(y)
    bad = use & (s <= 0)
    if bad.any():
        where = np.flatnonzero(bad)
        names = (
            [f"trial {trials[i]!r}" for i in where[:5]]
            if trials is not None
            else [f"value {i}" for i in where[:5]]
        )
        shown = ", ".join(f"{w} (STV {s[i]:g})" for w, i in zip(names, where, strict=False))
        more = f" and {len(where) - 5} more" if len(where) > 5 else ""
        raise DataError(
            f"the log fit RY = a + b·ln(STV) needs soil-test values above 0, but {shown}{more} "
            "have 0 or less. Correct these values (a value below the detection limit can be "
            "entered as that limit), or leave the trials out."
        )
    x, yy = np.log(s[use]), y[use]
    n = len(x)
    if n < 3:
        raise DataError(f"the log fit needs at least 3 trials with STV and RY, got {n}.")
    xm, ym = x.mean(), yy.mean()
    sxx, syy = float(np.sum((x - xm) ** 2)), float(np.sum((yy - ym) ** 2))
    if sxx <= 0:
        raise DataError("every trial has the same soil-test value: no line can be fitted.")
    b = float(np.sum((x - xm) * (yy - ym)) / sxx)
    a = float(ym - b * xm)
    sse = float(np.sum((yy - a - b * x) ** 2))
    s2 = sse / (n - 2)
    if not b > 0:
        raise DataError(
            f"relative yield does not rise with the soil test (slope b = {b:.4g} ≤ 0 over {n} "
            "trials): no boundaries can be read from the line. Check that the soil column "
            "belongs to the nutrient."
        )
    bounds = tuple(math.exp((v - a) / b) for v in t)
    k = len(bounds) + 1
    en, zh = class_names(k, "en"), class_names(k, "zh")
    idx = np.searchsorted(np.asarray(bounds), s[use], side="right")
    table = pd.DataFrame(
        {
            "class_index": np.arange(k),
            "class_en": en,
            "class_zh": zh,
            "stv_low": [math.nan, *bounds],
            "stv_high": [*bounds, math.nan],
            "ry_low": [math.nan, *t],
            "ry_high": [*t, math.nan],
            "n": np.bincount(idx, minlength=k),
        }
    )
    return LogClasses(
        intercept=a,
        slope=b,
        intercept_se=math.sqrt(s2 * (1.0 / n + xm**2 / sxx)),
        slope_se=math.sqrt(s2 / sxx),
        r_squared=1.0 - sse / syy if syy > 0 else math.nan,
        n=n,
        thresholds=t,
        boundaries=bounds,
        stv_range=(float(np.exp(x.min())), float(np.exp(x.max()))),
        table=table,
    )


# ---------------------------------------------------------------------------
# the one-call pipeline
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class NetworkCalibration(ResultBase):
    """Soil-test calibration of a trial network (:func:`calibrate_network`).

    Attributes
    ----------
    relative_yields : RelativeYields
        The relative yields, soil tests and optima of every trial, and the unusable ones.
    classes : dict
        Nutrient → :class:`LogClasses` (the line RY = a + b·ln(STV) and its boundaries).
    recommendations : dict
        Nutrient → :class:`~fertopt.soiltest.rates.ClassRecommendation`.
    fits : DataFrame
        One row per nutrient: ``nutrient``, ``intercept``, ``slope``, ``intercept_se``,
        ``slope_se``, ``r_squared``, ``n`` of the line RY = a + b·ln(STV).
    boundaries : DataFrame
        One row per nutrient × threshold: ``nutrient``, ``threshold`` (RY %), ``stv``.
    table : DataFrame
        The rates per class of every nutrient: ``nutrient`` then the columns of
        :attr:`ClassRecommendation.table <fertopt.soiltest.rates.ClassRecommendation>`.
    thresholds : tuple of float
    elapsed : float
        Wall-clock seconds of the whole call.
    warnings : tuple of str
    """

    relative_yields: RelativeYields
    classes: dict[str, LogClasses]
    recommendations: dict[str, ClassRecommendation]
    fits: pd.DataFrame
    boundaries: pd.DataFrame
    table: pd.DataFrame
    thresholds: tuple[float, ...]
    elapsed: float
    warnings: tuple[str, ...] = ()
    _warning_keys: tuple[tuple[str, dict[str, Any]], ...] = field(
        default=(), repr=False, compare=False
    )

    def _headline(self, lang: str = "en") -> str:
        sep = label("layout_sep", lang)
        parts = []
        for n, cls in self.classes.items():
            shown = "/".join(format_number(b, 3) for b in cls.boundaries)
            parts.append(f"{n} {shown}")
        return label(
            "nw_cal_headline",
            lang,
            design=label(f"nw_design_{self.relative_yields.design}", lang),
            n=self.relative_yields.n_trials,
            thresholds="/".join(format_number(v, 3) for v in self.thresholds),
            parts=sep.join(parts),
        )

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks by name: ``facts``, ``fits``, ``rates``, ``note``, ``warnings``."""

        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        ry = self.relative_yields.summary_parts(digits, lang)
        facts = list(ry["facts"].items)
        facts.append(
            (
                t("nw_cal_thresholds"),
                t("layout_sep").join(format_number(v, 3) for v in self.thresholds),
            )
        )
        fits = self.fits.copy()
        keys = {c: f"nw_col_{c}" for c in fits.columns}
        for tv in self.thresholds:
            at = self.boundaries[self.boundaries["threshold"] == tv].set_index("nutrient")["stv"]
            name = f"boundary_{format_number(tv, 3)}"
            fits[name] = fits["nutrient"].map(at)
            keys[name] = "nw_col_boundary_at"
        if lang == "en":
            labels = {
                c: f"STV at RY {c[len('boundary_') :]} %" for c in fits if c.startswith("boundary_")
            }
        else:
            labels = {}
        shown = localized_table(
            fits, lang, title=t("nw_cal_fits"), formats={"n": "int"}, labels=labels, keys=keys
        )
        if lang != "en":  # one header per threshold
            heads = dict(shown.labels)
            for c in fits.columns:
                if c.startswith("boundary_"):
                    heads[c] = t("nw_col_boundary_at", t=c[len("boundary_") :])
            shown = Table(shown.frame, title=shown.title, formats=shown.formats, labels=heads)
        rates = self.table.drop(columns=["class_index", "class_en", "class_zh"])
        rates.insert(1, "class", self.table["class_en" if lang == "en" else "class_zh"])
        rates["flag"] = [flag_text(f, lang) for f in rates["flag"]]
        rates = rates.rename(columns={"flag": "note"})
        warn = [
            *self.relative_yields.warnings_in(lang),
            *(label(key, lang, **fields) for key, fields in self._warning_keys),
            *(w for rec in self.recommendations.values() for w in rec.warnings_in(lang)),
        ]
        parts = {
            "facts": Facts(facts),
            "fits": shown,
            "note": Paragraph(t("nw_cal_fit_note")),
            "rates": localized_table(
                rates,
                lang,
                title=t("nw_cal_rates"),
                formats={"n": "int", "n_optimum": "int", "n_mrtn": "int"},
                keys=RATE_KEYS,
            ),
            "by_nutrient": ry["by_nutrient"],
        }
        if "unusable" in ry:
            parts["unusable"] = ry["unusable"]
        parts["warnings"] = Notes(warn, title=t("sec_warnings"))
        return parts

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        parts = self.summary_parts(digits, lang)
        return Summary(
            label("nw_cal_title", lang),
            list(parts.values()),
            headline=self._headline(lang),
            digits=digits,
        )


def calibrate_network(
    trials: Any,
    /,
    *,
    by: Hashable | Sequence[Hashable],
    design: str = "3414",
    response: Hashable,
    soil: Mapping[str, Hashable] | None = None,
    prices: Any = None,
    thresholds: Sequence[float] = (50, 75, 90, 95),
    treatment: Hashable | None = None,
    rates: Sequence[Hashable] | Mapping[str, Hashable] = ("N", "P2O5", "K2O"),
    block: Hashable | None = None,
    full: Any = None,
    minus: Mapping[str, Any] | None = None,
    engine: str = "local",
    n_jobs: int = 1,
    confidence_level: float = 0.95,
) -> NetworkCalibration:
    """From the plots of a trial network to soil-test classes and the rate of each class.

    For every nutrient of ``soil``: the relative yields and trial optima
    (:func:`relative_yields`), the line RY = a + b·ln(STV) and its boundaries at
    ``thresholds`` (:func:`log_classes`), and the rates per class
    (:func:`fertopt.soiltest.rates.recommend_by_class`: mean of the trial optima with its
    spread, the pooled MRTN of the trials' responses, the optimum on ln(STV)).

    Parameters
    ----------
    trials, by, design, response, soil, treatment, rates, block, full, minus, engine, n_jobs
        As for :func:`relative_yields`.
    prices : fertopt.Prices or mapping, optional
        Crop and nutrient prices (3414 trials): the trials' optima and the MRTN.  Without
        them the result has the classes but no rates.
    thresholds : sequence of float, default (50, 75, 90, 95)
        RY (%) at the class boundaries; four make five classes (very low … very high).
    confidence_level : float, default 0.95
        Level of the t interval of each class's mean optimum.

    Returns
    -------
    NetworkCalibration

    Raises
    ------
    The errors of :func:`relative_yields` and :func:`log_classes` (a soil-test value ≤ 0:
    DataError naming the trial and the value).

    Warns
    -----
    DataWarning
        Those of the steps, once each: relative yields outside 0–150 %, classes with fewer
        than 3 trials, all trials in one class, a boundary outside the tested soil-test values.

    Notes
    -----
    The MRTN of a class pools each trial's ternary surface cut at level 2 of the other two
    nutrients (:meth:`RelativeYields.curves`), so it needs no refit; the trial optima are the
    batch's priced optima of the whole surface (see :func:`relative_yields`).

    Examples
    --------
    >>> import numpy as np, pandas as pd, fertopt as fo
    >>> from fertopt.soiltest.network import calibrate_network
    >>> rng = np.random.default_rng(3)
    >>> book = fo.design.three414(level2={"N": 180, "P2O5": 90, "K2O": 120}, reps=2, rng=1)
    >>> frames = []
    >>> for site in range(40):
    ...     p_test = float(np.exp(rng.uniform(np.log(4), np.log(38))))
    ...     ry_p = min(1.0, (30.96 * np.log(p_test) - 13.5) / 100)
    ...     p = book.table["P2O5"] / 90
    ...     g = ry_p + (1 - ry_p) * (2 * p - p**2)
    ...     y = 9000 * g * (1 - 0.2 * (1 - book.table["N"] / 180) ** 2) + rng.normal(0, 150, len(p))
    ...     frames.append(book.table.assign(site=site, olsen_p=p_test, yield_=y))
    >>> cal = calibrate_network(pd.concat(frames), by="site", response="yield_",
    ...                         soil={"P2O5": "olsen_p"}, treatment="treatment", block="block",
    ...                         prices=fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4),
    ...                         thresholds=(50, 75, 90))
    >>> round(cal.classes["P2O5"].slope)      # the true slope is 30.96
    31
    >>> cal.table[["class_en", "n", "mean_optimum", "mrtn_rate"]].round(1)
       class_en   n  mean_optimum  mrtn_rate
    0  very low  13          85.5       88.7
    1       low  11          84.3       88.1
    2    medium  12          84.8       86.3
    3      high   4          71.5       77.7
    """
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ry = relative_yields(
            trials,
            by=by,
            design=design,
            response=response,
            soil=soil,
            treatment=treatment,
            rates=rates,
            block=block,
            full=full,
            minus=minus,
            prices=prices,
            engine=engine,
            n_jobs=n_jobs,
        )
    for w in caught:  # the warnings of the step, from the user's call
        warnings.warn(w.message, w.category, stacklevel=2)
    econ = as_prices(prices)
    classes, recs, fits, bounds, tables = {}, {}, [], [], []
    own: list[tuple[str, dict[str, Any]]] = []
    later: list[warnings.WarningMessage] = []
    for n in ry.nutrients:
        part = ry.for_nutrient(n)
        trial_keys = (
            part[ry.by[0]].tolist()
            if len(ry.by) == 1
            else list(part[list(ry.by)].itertuples(index=False, name=None))
        )
        cls = log_classes(part["stv"], part["ry"], thresholds, trials=trial_keys)
        classes[n] = cls
        own += _outside_range(n, cls)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            recs[n] = recommend_by_class(
                part,
                stv="stv",
                optimum="optimum" if ry.economic else None,
                classes=cls,
                fits=ry.curves(n) if ry.economic else None,
                trial=list(ry.by),
                prices=econ,
                nutrient=n,
                confidence_level=confidence_level,
            )
        later += caught
        fits.append(
            {
                "nutrient": n,
                "intercept": cls.intercept,
                "slope": cls.slope,
                "intercept_se": cls.intercept_se,
                "slope_se": cls.slope_se,
                "r_squared": cls.r_squared,
                "n": cls.n,
            }
        )
        bounds += [
            {"nutrient": n, "threshold": tv, "stv": b}
            for tv, b in zip(cls.thresholds, cls.boundaries, strict=True)
        ]
        tables.append(rec_table(recs[n], n))
    texts = [label(key, "en", **fields) for key, fields in own]
    for text in texts:
        warnings.warn(text, DataWarning, stacklevel=2)
    for w in later:
        warnings.warn(w.message, w.category, stacklevel=2)
    return NetworkCalibration(
        relative_yields=ry,
        classes=classes,
        recommendations=recs,
        fits=pd.DataFrame(fits),
        boundaries=pd.DataFrame(bounds, columns=["nutrient", "threshold", "stv"]),
        table=pd.concat(tables, ignore_index=True),
        thresholds=tuple(float(v) for v in thresholds),
        elapsed=time.perf_counter() - start,
        warnings=(
            *ry.warnings,
            *texts,
            *(w for rec in recs.values() for w in rec.warnings),
        ),
        _warning_keys=tuple(own),
    )


def rec_table(rec: ClassRecommendation, nutrient: str) -> pd.DataFrame:
    """The rates per class of one nutrient with the nutrient as the first column."""
    table = rec.table.copy()
    table.insert(0, "nutrient", nutrient)
    return table


def _outside_range(nutrient: str, cls: LogClasses) -> list[tuple[str, dict[str, Any]]]:
    """A warning for each boundary outside the soil-test values of the fit."""
    lo, hi = cls.stv_range
    return [
        (
            "nw_warn_outside",
            {
                "nutrient": nutrient,
                "t": format_number(tv, 3),
                "stv": format_number(b, 3),
                "lo": format_number(lo, 3),
                "hi": format_number(hi, 3),
            },
        )
        for tv, b in zip(cls.thresholds, cls.boundaries, strict=True)
        if not lo <= b <= hi
    ]
