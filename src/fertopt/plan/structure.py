"""The treatment structure of a trial's table: the checks :func:`fertopt.plan.plan_analysis` runs.

Each function answers one question about the plots from the columns alone, without fitting
anything: which rate columns vary, whether rates are crossed (a factorial), whether the rate
combinations are the 14 treatments of a 3414 trial, which treatments are the full, minus-one
and control plots of an omission trial (by name or by rates) and whether a minus plot omits its
nutrient or only reduces it, whether rows and columns form a Latin square, and whether a rate
varies inside the treatments (a factor the analysis would otherwise pool into the error).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core import validation as _v
from fertopt.design import THREE414_LEVELS
from fertopt.exceptions import OptionError
from fertopt.io import guess_column

__all__ = [
    "NUTRIENT_FORMS",
    "OmissionLayout",
    "combination_count",
    "crossed",
    "is_latin_square",
    "level_counts",
    "nutrient_of",
    "omission_layout",
    "rate_frame",
    "rates_map",
    "three414_codes",
    "treatment_rates",
    "classify_by_rates",
    "varying_within",
]

NUTRIENT_FORMS = ("N", "P2O5", "K2O", "P", "K")
_ORDER = {"N": 0, "P2O5": 1, "P": 1, "K2O": 2, "K": 2}
_TOKENS = {
    "n": "N",
    "nitrogen": "N",
    "p2o5": "P2O5",
    "p": "P2O5",
    "phosphorus": "P2O5",
    "k2o": "K2O",
    "k": "K2O",
    "potassium": "K2O",
}


# ---------------------------------------------------------------------------
# rate columns
# ---------------------------------------------------------------------------
def nutrient_of(column: Any) -> str | None:
    """The nutrient form a rate column's name stands for (``"N"``, ``"n_rate"`` → N), or None.

    Examples
    --------
    >>> nutrient_of("N"), nutrient_of("rate_n_applied_kgha"), nutrient_of("P2O5"), nutrient_of("x")
    ('N', 'N', 'P2O5', None)
    """
    text = str(column)
    if text in NUTRIENT_FORMS:
        return text
    guess = guess_column(text)
    if guess in NUTRIENT_FORMS:
        return guess
    tokens = [t for t in re.split(r"[^0-9a-z]+", text.lower()) if t]
    forms = {_TOKENS[t] for t in tokens if t in _TOKENS}
    return forms.pop() if len(forms) == 1 else None


def rates_map(frame: pd.DataFrame, rates: Any) -> dict[Hashable, str | None]:
    """Rate column → nutrient form, from ``rates=`` (a name, names, or a mapping)."""
    if rates is None:
        return {}
    if isinstance(rates, Mapping):
        out: dict[Hashable, str | None] = {}
        for col, form in rates.items():
            if form is not None and form not in NUTRIENT_FORMS:
                raise OptionError(
                    f"rates={{{col!r}: {form!r}}}: {form!r} is not a nutrient form; use one of "
                    f"{', '.join(NUTRIENT_FORMS)}."
                )
            out[col] = form
    else:
        out = {col: nutrient_of(col) for col in _v.as_names(rates, "rates")}
    for col in out:
        _v.require_column(frame, col, "rates")
    return out


def rate_frame(frame: pd.DataFrame, columns: Sequence[Hashable]) -> pd.DataFrame:
    """The rate columns as numbers (cells that are not numbers become NaN)."""
    return pd.DataFrame(
        {c: pd.to_numeric(frame[c], errors="coerce") for c in columns}, index=frame.index
    )


def level_counts(frame: pd.DataFrame, columns: Sequence[Hashable]) -> dict[Hashable, int]:
    """Column → number of distinct values (labels or rates)."""
    return {c: int(frame[c].dropna().nunique()) for c in columns}


# ---------------------------------------------------------------------------
# crossing
# ---------------------------------------------------------------------------
def _keys(frame: pd.DataFrame, columns: Sequence[Hashable]) -> pd.Series:
    parts = [frame[c].astype(str) for c in columns]
    return pd.Series(list(zip(*parts, strict=True)), index=frame.index)


def combination_count(frame: pd.DataFrame, columns: Sequence[Hashable]) -> int:
    """How many distinct combinations of ``columns`` the plots hold."""
    return int(_keys(frame, columns).nunique())


def crossed(frame: pd.DataFrame, columns: Sequence[Hashable]) -> bool:
    """Whether every combination of the levels of ``columns`` has at least one plot.

    Examples
    --------
    >>> df = pd.DataFrame({"N": [0, 0, 90, 90], "P": [0, 45, 0, 45]})
    >>> crossed(df, ["N", "P"]), crossed(df.iloc[:3], ["N", "P"])
    (True, False)
    """
    sizes = [int(frame[c].nunique()) for c in columns]
    if min(sizes, default=0) < 2:
        return False
    return combination_count(frame, columns) == int(np.prod(sizes))


def varying_within(frame: pd.DataFrame, labels: Hashable, column: Hashable) -> bool:
    """Whether ``column`` takes more than one value inside some level of ``labels``."""
    return bool((frame.groupby(labels, observed=True, sort=False)[column].nunique() > 1).any())


def one_to_one(frame: pd.DataFrame, labels: Hashable, columns: Sequence[Hashable]) -> bool:
    """Whether each level of ``labels`` is one combination of ``columns`` and vice versa."""
    pairs = pd.DataFrame({"t": frame[labels].astype(str), "k": _keys(frame, columns)})
    return bool(
        pairs.groupby("t")["k"].nunique().max() == 1
        and pairs.groupby("k")["t"].nunique().max() == 1
    )


# ---------------------------------------------------------------------------
# 3414
# ---------------------------------------------------------------------------
def three414_order(rates: Mapping[Hashable, str | None]) -> list[Hashable] | None:
    """The three rate columns in N, P, K order (by their nutrient forms, else as given)."""
    columns = list(rates)
    if len(columns) != 3:
        return None
    forms = [rates[c] for c in columns]
    if all(f is not None for f in forms):
        positions = sorted({_ORDER[f] for f in forms if f is not None})
        if positions == [0, 1, 2]:
            return sorted(columns, key=lambda c: _ORDER[rates[c] or ""])
    return columns


def three414_codes(x: pd.DataFrame) -> tuple[set[tuple[int, ...]], bool] | None:
    """Level codes of the plots' rate combinations, and whether all lie on the 3414 table.

    ``x`` holds the three rate columns in N, P, K order.  Each must have four distinct rates,
    the lowest 0; the codes are the rank of each rate.  None when that is not so.
    """
    if x.shape[1] != 3 or x.isna().any().any():
        return None
    ranks = []
    for c in x.columns:
        levels = np.unique(x[c].to_numpy(dtype=float))
        if len(levels) != 4 or levels[0] != 0:
            return None
        ranks.append(np.searchsorted(levels, x[c].to_numpy(dtype=float)))
    codes = {tuple(int(r) for r in row) for row in np.column_stack(ranks)}
    return codes, codes <= set(THREE414_LEVELS)


# ---------------------------------------------------------------------------
# omission and formula-check trials
# ---------------------------------------------------------------------------
_FULL = {"npk", "opt", "formula", "fullformula", "全肥", "配方", "配方区", "配方施肥", "全肥区"}
_CONTROL = {
    "ck",
    "control",
    "blank",
    "nofertilizer",
    "空白",
    "空白区",
    "不施肥",
    "不施肥区",
    "对照",
    "0",
}
#: Names of a minus plot that omits the nutrient, and names of one that only reduces it.
_ZH = {"n": "氮", "p": "磷", "k": "钾"}
_FORM = {"n": "N", "p": "P2O5", "k": "K2O"}


def _omit_names(letter: str) -> set[str]:
    zh = _ZH[letter]
    return {
        {"n": "pk", "p": "nk", "k": "np"}[letter],
        f"-{letter}",
        f"npk-{letter}",
        f"minus{letter}",
        f"no{letter}",
        f"缺{letter}",
        f"无{letter}",
        f"不施{letter}",
        f"缺{zh}",
        f"无{zh}",
        f"缺{zh}区",
        f"无{zh}区",
        f"不施{zh}",
    }


def _reduce_names(letter: str) -> set[str]:
    zh = _ZH[letter]
    return {f"reduced{letter}", f"减{letter}", f"减{zh}", f"减{zh}区"}


@dataclass
class OmissionLayout:
    """The omission layout found in a trial.

    ``minus`` (nutrient → treatment) holds the true minus plots (the nutrient at 0, or named
    as omitting it when there are no rates); ``reduced`` the plots that only lower the
    nutrient (or are named as reducing it); ``rates`` (treatment → {nutrient: rate}) the rates
    read, when there are rate columns.
    """

    full: Any
    minus: dict[str, Any] = field(default_factory=dict)
    reduced: dict[str, Any] = field(default_factory=dict)
    control: Any = None
    by: str = "names"
    rates: dict[Any, dict[str, float]] = field(default_factory=dict)

    def spec(self) -> dict[str, Any] | None:
        """The layout of the true omission contrasts for :func:`fertopt.omission` (or None)."""
        if not self.minus:
            return None
        out: dict[str, Any] = {"full": self.full, "minus": dict(self.minus)}
        if self.control is not None:
            out["control"] = self.control
        return out


def treatment_rates(
    frame: pd.DataFrame, treatment: Hashable, rates: Mapping[Hashable, str | None]
) -> dict[Any, dict[str, float]] | None:
    """Treatment → {nutrient: rate}, when each treatment has one rate of each nutrient."""
    forms = {c: f for c, f in rates.items() if f is not None}
    if not forms:
        return None
    x = rate_frame(frame, list(forms))
    x["_t"] = frame[treatment].to_numpy()
    out = {}
    for label, part in x.groupby("_t", sort=False):
        values = {}
        for c, f in forms.items():
            distinct = part[c].dropna().unique()
            if len(distinct) != 1:
                return None
            values[_FORM.get(f[0].lower(), f)] = float(distinct[0])
        out[label] = values
    return out


def omission_layout(
    frame: pd.DataFrame, treatment: Hashable | None, rates: Mapping[Hashable, str | None]
) -> OmissionLayout | None:
    """The full, minus-one and control treatments, from their names or from their rates.

    A minus plot whose nutrient is still applied (``reduced N``: 16 instead of 18 kg N) is a
    reduced-rate plot, listed in ``reduced`` and not in ``minus``.
    """
    if treatment is None:
        return None
    per = treatment_rates(frame, treatment, rates)
    found = _by_names(frame, treatment) or (_by_rates(per) if per else None)
    if found is None:
        return None
    if per:
        found.rates = per
        classify_by_rates(found, per)
    return found


def _by_names(frame: pd.DataFrame, treatment: Hashable) -> OmissionLayout | None:
    labels = {re.sub(r"\s+", "", str(v)).lower(): v for v in frame[treatment].dropna().unique()}
    full = [v for k, v in labels.items() if k in _FULL]
    if len(full) != 1:
        return None
    layout = OmissionLayout(full=full[0], by="names")
    for letter, form in _FORM.items():
        omit = [v for k, v in labels.items() if k in _omit_names(letter)]
        reduce = [v for k, v in labels.items() if k in _reduce_names(letter)]
        if len(omit) == 1:
            layout.minus[form] = omit[0]
        elif len(reduce) == 1:
            layout.reduced[form] = reduce[0]
    if not layout.minus and not layout.reduced:
        return None
    if len(labels) > len(layout.minus) + len(layout.reduced) + 4:
        return None  # many other treatments: the names are those of a factorial (npk, pk, ...)
    control = [v for k, v in labels.items() if k in _CONTROL]
    if len(control) == 1:
        layout.control = control[0]
    return layout


def _by_rates(per: Mapping[Any, Mapping[str, float]]) -> OmissionLayout | None:
    """The full treatment with the most minus-one partners (each nutrient at 0, others equal)."""
    best: OmissionLayout | None = None
    for full, rates in per.items():
        if len(rates) < 2 or min(rates.values()) <= 0:
            continue
        layout = OmissionLayout(full=full, by="rates")
        for label, other in per.items():
            diff = [n for n in rates if other.get(n) != rates[n]]
            if len(diff) == 1 and other[diff[0]] == 0:
                layout.minus.setdefault(diff[0], label)
            if all(v == 0 for v in other.values()):
                layout.control = label
        if layout.minus and (best is None or len(layout.minus) > len(best.minus)):
            best = layout
    return best


def classify_by_rates(layout: OmissionLayout, per: Mapping[Any, Mapping[str, float]]) -> None:
    """Move a named minus plot whose nutrient is not at 0 to ``reduced`` (and the reverse)."""
    full = per.get(layout.full, {})
    for nutrient, label in list(layout.minus.items()) + list(layout.reduced.items()):
        rate = per.get(label, {}).get(nutrient)
        if rate is None or full.get(nutrient) is None:
            continue
        layout.minus.pop(nutrient, None)
        layout.reduced.pop(nutrient, None)
        if rate == 0:
            layout.minus[nutrient] = label
        elif rate != full[nutrient]:
            layout.reduced[nutrient] = label


# ---------------------------------------------------------------------------
# Latin square
# ---------------------------------------------------------------------------
def is_latin_square(frame: pd.DataFrame, treatment: Hashable, row: Hashable, col: Hashable) -> bool:
    """Whether each treatment occurs once in every row and once in every column (k × k plots)."""
    k = int(frame[treatment].nunique())
    if k < 3 or len(frame) != k * k:
        return False
    if int(frame[row].nunique()) != k or int(frame[col].nunique()) != k:
        return False
    for a, b in itertools.combinations((treatment, row, col), 2):
        if combination_count(frame, [a, b]) != k * k:
            return False
    return True
