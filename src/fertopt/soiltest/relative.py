"""Relative yields of a trial network: :func:`relative_yields` and :class:`RelativeYields`.

For every trial and nutrient, the relative yield (minus-plot mean ÷ full-fertilizer mean × 100)
beside the trial's soil-test value, and, with prices, the trial's own economic optimum rate from
its fitted surface (one :func:`fertopt.run_batch` over all trials); every trial that cannot be
used is listed with the reason.  The steps live in :mod:`fertopt.soiltest.roles` (finding the
plots) and :mod:`fertopt.soiltest.optima` (the batch run and the trials' curves).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core import validation as _v
from fertopt._core.document import Facts, Notes, Summary, localized_table
from fertopt._core.formatting import ResultBase
from fertopt._core.i18n import label
from fertopt.curves.curve import Curve
from fertopt.exceptions import ColumnError, DataWarning, OptionError
from fertopt.soiltest.optima import batch_optima, slice_curves
from fertopt.soiltest.rates import as_prices
from fertopt.soiltest.roles import (
    UNUSABLE_COLUMNS,
    declared_units,
    describe_trials,
    empty_unusable,
    missing_key_rows,
    nutrient_rows,
    plot_roles,
    soil_values,
    trial_codes,
    trial_sums,
)

__all__ = ["relative_yields", "RelativeYields", "RY_COLUMNS", "UNUSABLE_COLUMNS"]

_DESIGNS = ("3414", "omission")
_ENGINES = ("local", "dask")
_DEFAULT_SOIL = {"N": "alkali_n", "P2O5": "olsen_p", "K2O": "avail_k"}
_RY_RANGE = (0.0, 150.0)

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
        return slice_curves(self._surfaces, name, self.by, self._units)

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
    >>> from fertopt.soiltest import relative_yields
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
    codes, keys = trial_codes(frame, by_names)
    n_trials = len(keys)
    y = _v.to_numeric(frame[response], "response").to_numpy()
    rate_values = (
        {n: _v.rate_values(frame, c, n).to_numpy() for n, c in rate_columns.items()}
        if have_rates
        else {}
    )
    role = plot_roles(
        frame, design, codes, n_trials, nutrients, treatment, full, minus, rate_values
    )
    stv = {n: soil_values(frame, col, codes, n_trials) for n, col in soil.items()}

    # relative yields, trial by trial as arrays
    ok = codes >= 0
    full_sum, full_n = trial_sums(codes, y, ok & (role == 0), n_trials)
    tables, unusable = [], []
    for n in soil:
        i = nutrients.index(n)
        m_sum, m_n = trial_sums(codes, y, ok & (role == i + 1), n_trials)
        part, bad = nutrient_rows(
            keys, n, stv[n], m_sum, m_n, full_sum, full_n, design, nutrients, full, minus
        )
        tables.append(part)
        unusable.append(bad)
    table = pd.concat(tables, ignore_index=True)
    warn: list[tuple[str, dict[str, Any]]] = []
    missing_key = int((~ok).sum())
    if missing_key:
        unusable.insert(0, missing_key_rows(by_names, soil, missing_key))

    # the batch run: every trial's surface and its priced optimum
    surfaces, batch = None, {}
    table["optimum"] = np.nan
    table["opt_status"] = ""
    units = declared_units(frame, response, rate_columns)
    if econ is not None:
        table, surfaces, batch, failed = batch_optima(
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
        [u for u in unusable if len(u)] or [empty_unusable(keys)], ignore_index=True
    )[[*by_names, *UNUSABLE_COLUMNS]]

    # implausible relative yields: kept, flagged and warned
    lo, hi = _RY_RANGE
    table["ry_in_range"] = (table["ry"] >= lo) & (table["ry"] <= hi)
    out = ~table["ry_in_range"]
    if out.any():
        shown = table.loc[out]
        items = describe_trials(
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
