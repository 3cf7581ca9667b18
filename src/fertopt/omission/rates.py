"""The nutrient rates of each treatment in :func:`fertopt.omission.omission`.

:func:`dose_of` reads the rates (from rate columns, or given per treatment) into a :class:`Dose`
and checks each minus plot against the full formula; :func:`rates_table` is the ``rates``
table of the result.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core import validation as _v
from fertopt._core.formatting import format_number
from fertopt._core.i18n import Items, message
from fertopt.exceptions import DataError, DesignError, DesignWarning, OptionError
from fertopt.omission.trial import Trial, label_of


@dataclass(frozen=True)
class Dose:
    """The nutrient rates of each treatment and what the minus plots' rates imply."""

    table: dict[str, dict[str, float]] | None  # treatment -> nutrient -> rate; None without rates
    nutrients: list[str]  # in the order of the rates (of minus when no rates are given)
    columns: dict[str, Any]  # nutrient -> rate column; empty for rates given per treatment
    notes: tuple[str, ...]  # minus plots that reduce their nutrient rather than omit it
    warnings: tuple[str, ...]  # minus plots that also change another nutrient


def dose_of(trial: Trial, rates: Any) -> Dose:
    """The rates of each treatment, checked against the role of each minus plot."""
    minus = trial.roles.minus
    if rates is None:
        return Dose(table=None, nutrients=list(minus), columns={}, notes=(), warnings=())
    table, nutrients, columns = _rates_by_treatment(
        trial.source, trial.labels, rates, trial.roles.labelled
    )
    for nut in minus:
        if nut not in nutrients:
            raise OptionError(
                f"minus names nutrient {nut!r}, but rates has no {nut!r}; rates give "
                f"{', '.join(nutrients)}. Use the same nutrient names in both."
            )
    notes: list[str] = []
    issued: list[str] = []
    for nut, lbl in minus.items():
        warning, note = _check_minus_plot(table, nutrients, trial.roles.full, nut, lbl)
        if warning is not None:
            issued.append(warning)
        if note is not None:
            notes.append(note)
    return Dose(
        table=table,
        nutrients=nutrients,
        columns=columns,
        notes=tuple(notes),
        warnings=tuple(issued),
    )


def _check_minus_plot(
    table: Mapping[str, Mapping[str, float]],
    nutrients: Sequence[str],
    full: str,
    nut: str,
    lbl: str,
) -> tuple[str | None, str | None]:
    """The confounding warning and the reduction note of one minus plot (None when none)."""
    f_full, f_minus = table[full][nut], table[lbl][nut]
    if f_minus >= f_full:
        raise DesignError(
            f"the minus plot {lbl!r} receives {format_number(f_minus)} of {nut}, not less "
            f"than the full formula {full!r} ({format_number(f_full)}); a minus plot "
            f"must lack {nut} or receive less of it. Check minus= and the rates."
        )
    others = [
        o
        for o in nutrients
        if o != nut and not math.isclose(table[lbl][o], table[full][o], abs_tol=1e-9)
    ]
    warning = None
    if others:
        diffs = Items(
            message(
                "om_instead_of",
                nutrient=o,
                rate=format_number(table[lbl][o]),
                full=format_number(table[full][o]),
            )
            for o in others
        )
        warning = message("om_confounded", lbl=repr(lbl), full=repr(full), nut=nut, diffs=diffs)
        warnings.warn(warning, DesignWarning, stacklevel=4)  # the caller of omission()
    note = None
    if f_minus > 0:
        note = message(
            "om_reduced",
            lbl=repr(lbl),
            a=format_number(f_minus),
            b=format_number(f_full),
            nut=nut,
            full=repr(full),
            c=format_number(f_full - f_minus),
        )
    return warning, note


def rates_table(trial: Trial, dose: Dose) -> pd.DataFrame:
    """The ``rates`` table: each treatment's rate of each nutrient (empty without rates)."""
    rate_table = dose.table
    rate_rows = (
        []
        if rate_table is None
        else [
            {"treatment": lbl, "nutrient": nut, "rate": rate_table[lbl][nut]}
            for lbl in trial.levels
            if lbl in rate_table
            for nut in dose.nutrients
        ]
    )
    return pd.DataFrame(rate_rows, columns=["treatment", "nutrient", "rate"])


def _rates_by_treatment(
    frame: pd.DataFrame, labels: pd.Categorical, rates: Any, needed: Sequence[str]
) -> tuple[dict[str, dict[str, float]], list[str], dict]:
    """Rates of every treatment as ``{treatment: {nutrient: rate}}``, the nutrients in order,
    and the rate column of each nutrient (empty when the rates were given per treatment)."""
    levels = [str(c) for c in labels.categories]
    if isinstance(rates, Mapping) and rates and all(isinstance(v, Mapping) for v in rates.values()):
        table, nutrients = _rates_given_per_treatment(rates, levels, needed)
        return table, nutrients, {}
    columns = _rate_columns(frame, rates)
    return _rates_from_columns(frame, labels, columns), list(columns), columns


def _rates_given_per_treatment(
    rates: Mapping[Any, Mapping[Any, Any]], levels: Sequence[str], needed: Sequence[str]
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """``{treatment: {nutrient: rate}}`` from rates given per treatment, and the nutrients."""
    table: dict[str, dict[str, float]] = {}
    for key, values in rates.items():
        label = label_of(key)
        if label not in levels:
            raise DesignError(
                f"rates names treatment {key!r}, which is not in the data; treatments: "
                f"{', '.join(repr(v) for v in levels)}."
            )
        table[label] = {}
        for nut, v in values.items():
            try:
                x = float(v)
            except (TypeError, ValueError):
                raise DataError(f"rates[{key!r}][{nut!r}] = {v!r} is not a number.") from None
            if not math.isfinite(x) or x < 0:
                raise DataError(
                    f"rates[{key!r}][{nut!r}] = {v!r}: a rate is a number of 0 or more."
                )
            table[label][str(nut)] = x
    nutrients = list(dict.fromkeys(n for t in table.values() for n in t))
    for label in needed:
        if label not in table:
            raise DesignError(
                f"rates gives no rates for treatment {label!r}; give the rates of every "
                "treatment used (full, minus plots and control)."
            )
    for values in table.values():
        for nut in nutrients:
            values.setdefault(nut, 0.0)
    return table, nutrients


def _rate_columns(frame: pd.DataFrame, rates: Any) -> dict[str, Any]:
    """``{nutrient: column}`` from ``rates`` naming the rate columns in one of its forms."""
    if isinstance(rates, Mapping):
        # column -> nutrient, as in trial_report ({"n_kg": "N"}); nutrient -> column is
        # accepted when only the value is a column of the data
        columns = {}
        for k, v in rates.items():
            if k not in frame.columns and isinstance(v, Hashable) and v in frame.columns:
                columns[str(k)] = v
            else:
                columns[str(v)] = k
        return columns
    if isinstance(rates, (list, tuple)):
        return {str(c): c for c in rates}
    if isinstance(rates, str):
        return {rates: rates}
    raise OptionError(
        "rates must name the rate columns (('N', 'P2O5', 'K2O') or {'n_rate': 'N', ...}) or "
        "give the rates of each treatment ({'NPK': {'N': 18, 'P2O5': 8, 'K2O': 19}, ...}); "
        f"got {type(rates).__name__}."
    )


def _rates_from_columns(
    frame: pd.DataFrame, labels: pd.Categorical, columns: Mapping[str, Any]
) -> dict[str, dict[str, float]]:
    """``{treatment: {nutrient: rate}}`` from rate columns that are constant within treatments."""
    levels = [str(c) for c in labels.categories]
    table: dict[str, dict[str, float]] = {label: {} for label in levels}
    for nut, column in columns.items():
        _v.require_column(frame, column, f"rates[{nut!r}]")
        values = _v.rate_values(frame, column, nut)
        for label in levels:
            these = values.to_numpy()[np.asarray(labels) == label]
            if these.size == 0:
                continue
            if not np.allclose(these, these[0], rtol=0, atol=1e-9 * max(1.0, abs(these[0]))):
                shown = ", ".join(format_number(v) for v in np.unique(these))
                raise DataError(
                    f"treatment {label!r} has different {nut} rates in column {column!r} "
                    f"({shown}); the plots of one treatment must receive the same rate. Correct "
                    "the rates or give the treatments different labels."
                )
            table[label][nut] = float(these[0])
    return table
