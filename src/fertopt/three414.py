"""The standard analysis of one 3414 trial (3 nutrients, 4 levels, 14 treatments).

:func:`three414` recognises the 14 treatments from the rates (or from treatment
codes and the level-2 rates), fits the ternary quadratic on all 14, the three
binary quadratics and the three univariate quadratics on their standard
subsets, judges every fit typical or atypical, computes relative yields and
soil-nutrient abundance classes from the omission treatments, and recommends a
rate of each nutrient by the documented fallback:

ternary quadratic → binary quadratics → univariate quadratic → linear-plateau.

Subsets (anchors of 3414 practice): binary N-P at K level 2: treatments
2–7, 11, 12; N-K at P level 2: 2, 3, 6, 8, 9, 10, 11, 13; P-K at N level 2:
4–10, 14; univariate N: 2, 3, 6, 11; P: 4, 5, 6, 7; K: 8, 9, 6, 10.
Omission plots: 2 (no N), 4 (no P), 8 (no K) against 6 (N2P2K2).
"""

from __future__ import annotations

import itertools
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._formatting import (
    Facts,
    Notes,
    Paragraph,
    ResultBase,
    Summary,
    Table,
    format_number,
    format_p,
)
from ._surface_fit import _resolve_rates, _resolve_units
from ._surface_results import TypicalityResult, _passed_text, _positive, _resolve_prices
from ._validation import (
    as_labels,
    check_nan_policy,
    check_nonnegative_rates,
    check_probability,
    describe_rows,
    require_columns,
    require_frame,
    to_numeric,
)
from .design import THREE414_LEVELS
from .exceptions import ColumnError, DataError, DataWarning, DesignError, FertoptError

__all__ = ["three414", "Three414Result", "SUBSETS"]

#: Treatments of each fit, by the anchors of 3414 practice.
SUBSETS: dict[str, tuple[int, ...]] = {
    "ternary": tuple(range(1, 15)),
    "binary 0-1": (2, 3, 4, 5, 6, 7, 11, 12),
    "binary 0-2": (2, 3, 6, 8, 9, 10, 11, 13),
    "binary 1-2": (4, 5, 6, 7, 8, 9, 10, 14),
    "univariate 0": (2, 3, 6, 11),
    "univariate 1": (4, 5, 6, 7),
    "univariate 2": (8, 9, 6, 10),
}
_OMISSION = {0: 2, 1: 4, 2: 8}
_FULL = 6
_FORMS = ("N", "P2O5", "K2O", "P", "K")


def abundance_class(relative_yield: float) -> tuple[str, str]:
    """Soil-nutrient abundance class of a relative yield (%): English and Chinese labels.

    Below 50 % very low (极低), 50–75 % low (低), 75–95 % medium (中), above 95 % high (高);
    a value on a boundary falls in the upper class except 95 %, which is still medium.

    Examples
    --------
    >>> abundance_class(49.9), abundance_class(75.0), abundance_class(95.0), abundance_class(95.1)
    (('very low', '极低'), ('medium', '中'), ('medium', '中'), ('high', '高'))
    """
    if not math.isfinite(relative_yield):
        return ("", "")
    if relative_yield < 50.0:
        return ("very low", "极低")
    if relative_yield < 75.0:
        return ("low", "低")
    if relative_yield <= 95.0:
        return ("medium", "中")
    return ("high", "高")


# ---------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Three414Result(ResultBase):
    """The standard analysis of one 3414 trial.

    Attributes
    ----------
    nutrients : tuple of str
        The three nutrients, in the N, P, K positions of the level codes.
    levels : dict
        Nutrient → the four rates of levels 0–3.
    design : DataFrame
        One row per treatment: ``treatment`` (1–14), ``code`` (``N2P2K2``), the nutrient
        rates, ``n`` (plots), ``mean`` and ``sd`` of the response.
    relative_yield : DataFrame
        ``nutrient, treatment, code, yield_omitted, yield_full, relative_yield`` (%),
        ``abundance`` (very low / low / medium / high) and ``abundance_zh``.
    fits : DataFrame
        One row per fit tried: ``model`` (``ternary``, ``binary N-P2O5``, ``quadratic N``,
        ``linear_plateau N`` …), ``treatments``, ``n_obs``, ``fitted`` (False when the fit
        failed), ``typical`` (True, False, or None when not judged), ``failed_rules``,
        ``status`` (of its optimum), the optimum rate of each nutrient (NaN where the model
        has no such rate), ``yield_at_optimum`` and ``message``.
    recommendations : DataFrame
        One row per nutrient: ``nutrient, rate, source`` (the fit the rate comes from),
        ``status``, ``yield_at_rate``, ``relative_yield``, ``abundance`` and ``note``.
        ``rate`` is NaN when no fit gives a usable rate (``status`` ``none``).
    ternary : SurfaceFit or None
    binary : dict
        ``"N-P2O5"``, ``"N-K2O"``, ``"P2O5-K2O"`` → SurfaceFit.
    univariate, linear_plateau : dict
        Nutrient → ResponseFit (quadratic; linear-plateau, fitted only when needed).
    typicality : dict
        Model name → TypicalityResult.
    ck_yield : float
        Mean response of treatment 1 (no fertilizer), used by typicality rule 5.
    replicated : bool
        Whether any treatment has more than one plot.
    n_obs, n_dropped, n_blocks : int
    alpha : float
    economic : bool
        Whether prices were given (economic optima) or not (maximum yield).
    """

    nutrients: tuple[str, ...]
    levels: dict[str, tuple[float, ...]]
    design: pd.DataFrame
    relative_yield: pd.DataFrame
    fits: pd.DataFrame
    recommendations: pd.DataFrame
    ternary: Any
    binary: dict[str, Any]
    univariate: dict[str, Any]
    linear_plateau: dict[str, Any]
    typicality: dict[str, TypicalityResult]
    ck_yield: float
    replicated: bool
    n_obs: int
    n_dropped: int
    n_blocks: int
    alpha: float
    economic: bool
    warnings: tuple[str, ...] = ()
    _notes: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def _headline(self) -> str:
        parts = []
        for r in self.recommendations.itertuples():
            rate = "none" if not math.isfinite(r.rate) else format_number(r.rate, 4)
            parts.append(f"{r.nutrient} {rate} ({r.source})")
        reps = (
            f"{self.n_blocks} blocks"
            if self.n_blocks
            else ("replicated" if self.replicated else "unreplicated")
        )
        what = "economic" if self.economic else "maximum-yield"
        return f"3414 trial, {reps} | {what} rates: " + ", ".join(parts)

    def _summary(self, digits: int) -> Summary:
        facts = [
            (
                "Nutrients",
                ", ".join(
                    f"{n} ({', '.join(format_number(v, 4) for v in self.levels[n])})"
                    for n in self.nutrients
                ),
            ),
            ("Plots", f"{self.n_obs} ({self.n_dropped} dropped)"),
            ("Blocks", str(self.n_blocks) if self.n_blocks else "none"),
            ("CK yield", format_number(self.ck_yield, digits + 1)),
            ("Rates", "economic optima" if self.economic else "maximum-yield rates"),
        ]
        fits = self.fits.drop(columns=["message"])
        blocks: list[Any] = [
            Facts(facts),
            Table(self.recommendations, title="Recommendations", formats={"relative_yield": ".1f"}),
            Table(
                self.relative_yield,
                title="Relative yield and soil-nutrient abundance",
                formats={"relative_yield": ".1f"},
            ),
            Table(
                fits,
                title="Fits (ternary → binary → univariate → linear-plateau)",
                formats={"typical": _passed_text},
            ),
            Table(self.design, title="Treatment means"),
        ]
        if self._notes:
            blocks.append(Paragraph(" ".join(self._notes)))
        blocks.append(Notes(list(self.warnings)))
        return Summary("3414 trial analysis", blocks, headline=self._headline(), digits=digits)


# ---------------------------------------------------------------------------
# recognising the 14 treatments
# ---------------------------------------------------------------------------
_CODE_LETTERS = re.compile(r"^[^\d]*?(\d)\D+(\d)\D+(\d)$")
_CODE_DIGITS = re.compile(r"^([0-3])([0-3])([0-3])$")
_NUMBER = re.compile(r"^\D*?(\d{1,2})$")


def _parse_treatment(label: Any) -> tuple[int, int, int] | None:
    """Level code of a treatment label: 6, "6", "T6", "处理6", "222", "N2P2K2"."""
    if isinstance(label, (int, np.integer)) and not isinstance(label, bool):
        return THREE414_LEVELS[int(label) - 1] if 1 <= int(label) <= 14 else None
    if isinstance(label, float) and label.is_integer():
        return _parse_treatment(int(label))
    text = str(label).strip().replace(" ", "")
    m = _CODE_DIGITS.match(text)
    if m:
        return tuple(int(g) for g in m.groups())  # type: ignore[return-value]
    m = _CODE_LETTERS.match(text)
    if m and not text.isdigit():
        code = tuple(int(g) for g in m.groups())
        if all(0 <= c <= 3 for c in code):
            return code  # type: ignore[return-value]
    m = _NUMBER.match(text)
    if m and 1 <= int(m.group(1)) <= 14:
        return THREE414_LEVELS[int(m.group(1)) - 1]
    return None


def _code_text(code: Sequence[int], nutrients: Sequence[str]) -> str:
    letters = [n[0].upper() for n in nutrients]
    if len(set(letters)) < 3:
        letters = ["N", "P", "K"]
    return "".join(f"{letters[i]}{code[i]}" for i in range(3))


def _levels(
    x: np.ndarray,
    nutrients: Sequence[str],
    level2: Mapping[str, float] | None,
    multipliers: Sequence[float],
) -> tuple[dict[str, tuple[float, ...]], list[str]]:
    notes = []
    if level2 is not None:
        missing = [n for n in nutrients if n not in level2]
        if missing:
            raise FertoptError(
                f"level2 lacks {', '.join(missing)}; give the level-2 rate of every nutrient."
            )
        return {
            n: tuple(m * _positive(level2[n], f"level2[{n!r}]") for m in multipliers)
            for n in nutrients
        }, notes
    out = {}
    for i, n in enumerate(nutrients):
        distinct = np.unique(x[:, i])
        if len(distinct) == 1:
            raise DesignError(
                f"{n} has a single rate ({format_number(distinct[0], 6)}) on every plot, but a "
                "3414 trial applies four rates of each nutrient (0, level 1, level 2, level 3). "
                f"Check that the right column was named for {n}, or that the data hold the whole "
                "trial."
            )
        if len(distinct) == 4:
            if distinct[0] != 0:
                raise DesignError(
                    f"the lowest {n} rate is {format_number(distinct[0], 6)}, but level 0 of a "
                    f"3414 trial is no {n} at all (treatments 1, 2 …). Check the {n} column, or "
                    "pass level2= with the level-2 rates."
                )
            out[n] = tuple(float(v) for v in distinct)
            continue
        nonzero = x[:, i][x[:, i] > 0]
        if len(nonzero) == 0:
            raise DesignError(
                f"no plot has any {n}: a 3414 trial applies four rates of each nutrient "
                "(0, level 1, level 2, level 3). Check that the right rate column was named."
            )
        values, counts = np.unique(nonzero, return_counts=True)
        l2 = float(values[np.argmax(counts)])
        out[n] = tuple(m * l2 for m in multipliers)
        notes.append(
            f"{n} has {len(distinct)} distinct rates instead of 4; level 2 was taken as its most "
            f"frequent rate ({format_number(l2, 6)}), so levels 0–3 are "
            f"{', '.join(format_number(v, 6) for v in out[n])}."
        )
    return out, notes


def _level_index(values: np.ndarray, levels: Sequence[float]) -> np.ndarray:
    lv = np.asarray(levels, dtype=float)
    diff = np.abs(values[:, None] - lv[None, :])
    idx = diff.argmin(axis=1)
    ok = diff[np.arange(len(values)), idx] <= 1e-6 * np.maximum(1.0, np.abs(lv[idx]))
    return np.where(ok, idx, -1)


# ---------------------------------------------------------------------------
# reading the plots: responses, rates, treatments
# ---------------------------------------------------------------------------
# The helpers that warn are called by three414() itself: stacklevel=3 names the caller's line.
def _drop_missing_responses(
    frame: pd.DataFrame, response: str, nan_policy: str, warn_list: list[str]
) -> tuple[pd.DataFrame, np.ndarray]:
    """The plots that have a response, and their responses; the others are left out or refused."""
    y = to_numeric(frame[response], "response")
    keep = ~y.isna().to_numpy()
    if not keep.all():
        if nan_policy == "raise":
            raise DataError(
                f"response column {response!r} is empty at {describe_rows(y.index[~keep])}; fill "
                "these cells in, or pass nan_policy='omit'."
            )
        msg = (
            f"{int((~keep).sum())} plot(s) without a response were left out "
            f"({describe_rows(y.index[~keep])})."
        )
        warn_list.append(msg)
        warnings.warn(msg, DataWarning, stacklevel=3)
    return frame.loc[keep], y.to_numpy()[keep]


def _rates_from_columns(
    sub: pd.DataFrame,
    columns: Mapping[str, str],
    nutrients: Sequence[str],
    level2: Mapping[str, float] | None,
    multipliers: Sequence[float],
) -> tuple[np.ndarray, dict[str, tuple[float, ...]], list[str]]:
    """The rates of every plot (plots × nutrients) read from the rate columns, levels and notes."""
    cols = []
    for n, c in columns.items():
        series = to_numeric(sub[c], f"rate ({n})")
        if series.isna().any():
            raise DataError(
                f"rate column {c!r} ({n}) is empty at "
                f"{describe_rows(series.index[series.isna()])}; "
                "fill these cells in (0 for none)."
            )
        check_nonnegative_rates(series, f"rate ({n})")
        cols.append(series.to_numpy())
    x = np.column_stack(cols)
    levels, notes = _levels(x, nutrients, level2, multipliers)
    return x, levels, notes


def _rates_from_treatments(
    sub: pd.DataFrame,
    treatment: str | None,
    nutrients: Sequence[str],
    level2: Mapping[str, float] | None,
    multipliers: Sequence[float],
) -> tuple[np.ndarray, dict[str, tuple[float, ...]], list[str]]:
    """The rates of every plot computed from its treatment label and the level-2 rates."""
    if level2 is None:
        raise FertoptError(
            "without rate columns the rates come from the treatment codes and the level-2 "
            "rates: pass level2={'N': ..., 'P2O5': ..., 'K2O': ...}."
        )
    levels, _ = _levels(np.zeros((0, 3)), nutrients, level2, multipliers)
    codes = [_parse_treatment(v) for v in sub[treatment]]
    bad = [i for i, c in zip(sub.index, codes, strict=True) if c is None]
    if bad:
        raise DataError(
            f"treatment column {treatment!r} has labels that are not 3414 treatments: "
            f"{describe_rows(bad, sub.loc[bad, treatment].tolist())}. Use numbers 1–14 or "
            "level codes such as N2P2K2."
        )
    x = np.array([[levels[n][c[i]] for i, n in enumerate(nutrients)] for c in codes], dtype=float)
    return x, levels, []


def _recognise_treatments(
    sub: pd.DataFrame,
    x: np.ndarray,
    levels: Mapping[str, Sequence[float]],
    nutrients: Sequence[str],
    warn_list: list[str],
) -> np.ndarray:
    """The treatment number (1–14) of every plot, 0 for a plot outside the 3414 table."""
    idx = np.column_stack([_level_index(x[:, i], levels[n]) for i, n in enumerate(nutrients)])
    lookup = {lv: i + 1 for i, lv in enumerate(THREE414_LEVELS)}
    trt = np.array(
        [lookup.get(tuple(int(v) for v in row), 0) if (row >= 0).all() else 0 for row in idx]
    )
    extra = trt == 0
    if extra.any():
        rows = sub.index[extra]
        shown = [tuple(format_number(v, 6) for v in x[i]) for i in np.flatnonzero(extra)]
        msg = (
            f"{int(extra.sum())} plot(s) are not treatments of the 3414 table and were left out "
            f"of the analysis: {describe_rows(rows, shown)}."
        )
        warn_list.append(msg)
        warnings.warn(msg, DataWarning, stacklevel=3)
    _check_complete(set(trt[~extra].tolist()), levels, nutrients)
    return trt


def _check_complete(
    present: set[int], levels: Mapping[str, Sequence[float]], nutrients: Sequence[str]
) -> None:
    """Nothing, or a DesignError naming every treatment of the table that has no plot."""
    missing_trt = [t for t in range(1, 15) if t not in present]
    if not missing_trt:
        return
    desc = []
    for t in missing_trt:
        code = THREE414_LEVELS[t - 1]
        rates_text = ", ".join(
            f"{n} {format_number(levels[n][code[i]], 6)}" for i, n in enumerate(nutrients)
        )
        desc.append(f"{t} ({_code_text(code, nutrients)}: {rates_text})")
    uses = sorted({name for name, ts in SUBSETS.items() for t in missing_trt if t in ts})
    raise DesignError(
        f"The 3414 table is incomplete: treatment{'s' if len(desc) > 1 else ''} "
        f"{', '.join(desc)} {'have' if len(desc) > 1 else 'has'} no plot. Every one of the 14 "
        "treatments is needed: the missing ones feed the "
        f"{', '.join(_fit_label(u, nutrients) for u in uses)} fit(s). Check the rates (levels "
        "are 0, ½, 1 and 1.5 × level 2 unless multipliers= says otherwise) or add the missing "
        "plots."
    )


def _plot_table(
    kept: pd.DataFrame,
    x: np.ndarray,
    yv: np.ndarray,
    trt: np.ndarray,
    nutrients: Sequence[str],
    response: str,
    block: str | None,
) -> tuple[pd.DataFrame, int]:
    """The analysed plots (rates, response, ``treatment``, block) and the number of blocks."""
    internal = pd.DataFrame({n: x[:, i] for i, n in enumerate(nutrients)})
    internal[response] = yv
    internal["treatment"] = trt
    n_blocks = 0
    if block is not None:
        labels = as_labels(kept[block], "block")
        internal[block] = np.asarray(labels.astype(str))
        n_blocks = len(labels.categories)
    return internal, n_blocks


def _data_units(
    frame: pd.DataFrame,
    units: Mapping[str, str] | None,
    response: str,
    columns: Mapping[str, str],
    prices: Any,
    nutrients: Sequence[str],
) -> dict[str, str]:
    """Column → declared unit of the response and rates; the prices are checked against them."""
    response_unit, rate_units = _resolve_units(frame, units, response, columns)
    if prices is not None:  # a missing or invalid price is an error of the call, not a failed fit
        _resolve_prices(prices, nutrients, response_unit, rate_units)
    return {k: v for k, v in {response: response_unit, **rate_units}.items() if v is not None}


# ---------------------------------------------------------------------------
# treatment means, relative yields and abundance classes
# ---------------------------------------------------------------------------
def _treatment_means(
    internal: pd.DataFrame,
    response: str,
    nutrients: Sequence[str],
    levels: Mapping[str, Sequence[float]],
) -> pd.DataFrame:
    """One row per treatment: ``treatment``, ``code``, rates, ``n``, ``mean`` and ``sd``."""
    means = (
        internal.groupby("treatment")[response].agg(["count", "mean", "std"]).reindex(range(1, 15))
    )
    design = pd.DataFrame(
        {"treatment": np.arange(1, 15), "code": [_code_text(c, nutrients) for c in THREE414_LEVELS]}
    )
    for i, n in enumerate(nutrients):
        design[n] = [levels[n][c[i]] for c in THREE414_LEVELS]
    design["n"] = means["count"].to_numpy(dtype="int64")
    design["mean"] = means["mean"].to_numpy()
    design["sd"] = means["std"].to_numpy()
    return design


def _relative_yields(design: pd.DataFrame, nutrients: Sequence[str]) -> pd.DataFrame:
    """One row per nutrient: its omission plot's mean over N2P2K2's (%) and abundance class."""
    full = float(design.loc[_FULL - 1, "mean"])
    ry_rows = []
    for i, n in enumerate(nutrients):
        t = _OMISSION[i]
        omitted = float(design.loc[t - 1, "mean"])
        ry = 100.0 * omitted / full if full > 0 else math.nan
        en, zh = abundance_class(ry)
        ry_rows.append(
            {
                "nutrient": n,
                "treatment": t,
                "code": design.loc[t - 1, "code"],
                "yield_omitted": omitted,
                "yield_full": full,
                "relative_yield": ry,
                "abundance": en,
                "abundance_zh": zh,
            }
        )
    return pd.DataFrame(ry_rows)


# ---------------------------------------------------------------------------
# the fits on the standard subsets
# ---------------------------------------------------------------------------
@dataclass
class _SubsetFits:
    """The fits of one trial on the standard subsets, with what each gave, in the order tried.

    ``rows`` are the rows of the fits table; ``typicality`` and ``optima`` are keyed by fit label
    (``"ternary"``, ``"binary N-P2O5"``, ``"quadratic N"``) and hold the fits that ran;
    ``captured`` holds the warnings of the fits, each prefixed with its fit's label.
    """

    plots: pd.DataFrame
    nutrients: tuple[str, ...]
    response: str
    block: str | None
    prices: Any
    alpha: float
    strict_signs: bool
    ck: float
    rows: list[dict[str, Any]] = field(default_factory=list)
    typicality: dict[str, TypicalityResult] = field(default_factory=dict)
    optima: dict[str, Any] = field(default_factory=dict)
    univariate: dict[str, Any] = field(default_factory=dict)
    quadratic_optima: dict[str, Any] = field(default_factory=dict)
    plateaus: dict[str, Any] = field(default_factory=dict)
    captured: list[str] = field(default_factory=list)

    def subset(self, key: str) -> pd.DataFrame:
        """The plots of the treatments ``SUBSETS[key]``, renumbered from 0."""
        plots = self.plots
        return plots[plots["treatment"].isin(SUBSETS[key])].reset_index(drop=True)

    def record(
        self,
        label: str,
        key: str,
        n_obs: int,
        fit: Any,
        opt: Any,
        verdict: TypicalityResult | None,
        message: str,
    ) -> None:
        """Nothing: appends the fits-table row of one fit (``fit`` is None when it failed)."""
        row: dict[str, Any] = {
            "model": label,
            "treatments": _treatment_text(SUBSETS[key]),
            "n_obs": n_obs,
            "fitted": fit is not None,
            "typical": None if verdict is None else verdict.typical,
            "failed_rules": "" if verdict is None else "; ".join(verdict.failed),
            "status": "" if opt is None else opt.status,
        }
        for n in self.nutrients:
            row[n] = math.nan
        if opt is not None:
            if hasattr(opt, "rates"):
                for n, v in (opt.rates or {}).items():
                    row[n] = v
                row["yield_at_optimum"] = (
                    opt.yield_at_rates if opt.yield_at_rates is not None else math.nan
                )
            else:
                row[opt.nutrient if opt.nutrient in self.nutrients else fit.rate] = opt.rate
                row["yield_at_optimum"] = opt.yield_at_rate
        else:
            row["yield_at_optimum"] = math.nan
        row["message"] = message
        self.rows.append(row)

    def surface(self, key: str, rate_names: tuple[str, ...]) -> Any:
        """The quadratic surface on ``SUBSETS[key]``, judged and recorded; None if it failed."""
        from .surface import fit_surface

        part = self.subset(key)
        label = _fit_label(key, self.nutrients)
        prices = self.prices
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                fit = fit_surface(part, response=self.response, rates=rate_names, block=self.block)
                opt = fit.optimum(prices=prices) if prices is not None else fit.maximum()
                verdict = fit.typicality(
                    prices=prices,
                    alpha=self.alpha,
                    strict_signs=self.strict_signs,
                    ck_yield=self.ck,
                )
            except FertoptError as exc:
                self.record(label, key, len(part), None, None, None, str(exc))
                return None
        self.captured.extend(f"{label}: {w.message}" for w in caught)
        self.typicality[label] = verdict
        self.optima[label] = opt
        self.record(label, key, len(part), fit, opt, verdict, opt.message)
        return fit

    def binaries(self) -> dict[str, Any]:
        """Pair (``"N-P2O5"``) → its binary surface (None if it failed), in the standard order."""
        binary = {}
        for key, pair in (("binary 0-1", (0, 1)), ("binary 0-2", (0, 2)), ("binary 1-2", (1, 2))):
            names = (self.nutrients[pair[0]], self.nutrients[pair[1]])
            binary[f"{names[0]}-{names[1]}"] = self.surface(key, names)
        return binary

    def quadratic(self, i: int) -> None:
        """Nothing: fits, judges and records the univariate quadratic of the i-th nutrient."""
        from .response import fit_response

        nutrient, key = self.nutrients[i], f"univariate {i}"
        label = f"quadratic {nutrient}"
        part = self.subset(key)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                fit = fit_response(
                    part,
                    response=self.response,
                    rate=nutrient,
                    model="quadratic",
                    block=self.block,
                    nutrient=nutrient if nutrient in _FORMS else None,
                    other_rates=[],
                )
                opt_max = fit.optimum(ci=None)
                opt_econ = (
                    fit.optimum(ci=None, **_curve_price_kwargs(self.prices, nutrient, fit))
                    if self.prices is not None
                    else None
                )
            except FertoptError as exc:
                self.record(label, key, len(part), None, None, None, str(exc))
                return
        self.captured.extend(f"{label}: {w.message}" for w in caught)
        verdict = _curve_typicality(fit, opt_max, opt_econ, self.alpha, self.strict_signs, self.ck)
        opt = opt_econ if opt_econ is not None else opt_max
        self.univariate[nutrient] = fit
        self.typicality[label] = verdict
        self.quadratic_optima[nutrient] = opt
        self.record(label, key, fit.n_obs, fit, opt, verdict, opt.message)

    def linear_plateau(self, i: int) -> Any:
        """The i-th nutrient's linear-plateau optimum if usable, else None; the fit is recorded."""
        nutrient, key = self.nutrients[i], f"univariate {i}"
        label = f"linear_plateau {nutrient}"
        part = self.subset(key)
        fit, opt, message = self._fit_plateau(part, nutrient)
        if fit is None:
            self.record(label, key, len(part), None, None, None, message)
            return None
        self.plateaus[nutrient] = fit
        self.record(label, key, fit.n_obs, fit, opt, None, message)
        return opt if opt is not None and opt.recommended else None

    def _fit_plateau(self, part: pd.DataFrame, nutrient: str) -> tuple[Any, Any, str]:
        """``(fit, optimum, message)`` of the linear-plateau fallback; None for what failed."""
        from .response import fit_response

        label = f"linear_plateau {nutrient}"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                fit = fit_response(
                    part,
                    response=self.response,
                    rate=nutrient,
                    model="linear_plateau",
                    block=self.block,
                    nutrient=nutrient if nutrient in _FORMS else None,
                    other_rates=[],
                    errors="return",
                )
            except FertoptError as exc:
                return None, None, str(exc)
            if not fit.converged:
                self.captured.extend(f"{label}: {w.message}" for w in caught)
                return fit, None, f"the linear-plateau fit did not converge: {fit.message}"
            try:
                opt = fit.optimum(ci=None, **_curve_price_kwargs(self.prices, nutrient, fit))
            except FertoptError as exc:
                return fit, None, str(exc)
        self.captured.extend(f"{label}: {w.message}" for w in caught)
        return fit, opt, opt.message

    def table(self) -> pd.DataFrame:
        """The fits table: one row per fit tried, in the order tried."""
        fits = pd.DataFrame(
            self.rows,
            columns=[
                "model",
                "treatments",
                "n_obs",
                "fitted",
                "typical",
                "failed_rules",
                "status",
                *self.nutrients,
                "yield_at_optimum",
                "message",
            ],
        )
        fits["typical"] = fits["typical"].astype(object)
        return fits


# ---------------------------------------------------------------------------
# univariate fits: typicality and optimum through fertopt.fit_response
# ---------------------------------------------------------------------------
def _curve_price_kwargs(prices: Any, nutrient: str, fit: Any) -> dict[str, Any]:
    """How a single-nutrient fit takes the prices: a Prices object, or a ratio in data units.

    Mapping prices are per unit of the data's response and rates, so their ratio is in
    yield units per rate unit; without declared units that is kg per kg (both in kg per
    the same area), which is how it is passed on.
    """
    if prices is None:
        return {}
    if isinstance(prices, Mapping):
        crop = (
            _positive(prices.get("crop"), "the crop price")
            if prices.get("crop") is not None
            else None
        )
        if crop is None:
            raise FertoptError("prices lack the crop price: give crop=<price per unit of yield>.")
        if prices.get(nutrient) is None:
            raise FertoptError(f"prices lack a price for {nutrient}.")
        ratio = _positive(prices[nutrient], f"the price of {nutrient}", allow_zero=True) / crop
        known = fit.response_unit is not None and fit.rate_unit is not None
        return {"price_ratio": ratio if known else (ratio, "kg/kg")}
    return {"prices": prices}


def _curve_typicality(
    fit: Any, opt_max: Any, opt_econ: Any, alpha: float, strict_signs: bool, ck: float
) -> TypicalityResult:
    """The five rules of :meth:`SurfaceFit.typicality` for a univariate quadratic."""
    b, c = fit.estimates["linear"], fit.estimates["quadratic"]
    rules = [
        _rule_significant(fit, alpha),
        _rule_signs(b, c, strict_signs),
        _rule(
            3,
            "negative definite",
            bool(c < 0),
            True,
            f"quadratic coefficient {format_number(c, 4)}",
        ),
        *_rules_at_optimum(fit, opt_max, opt_econ, ck, has_maximum=c < 0),
    ]
    table = pd.DataFrame(rules, columns=["rule", "name", "passed", "deciding", "detail"])
    table["passed"] = table["passed"].astype(object)
    failed = tuple(r["name"] for r in rules if r["passed"] is False)
    typical = not any(r["passed"] is False and r["deciding"] for r in rules) and c < 0
    return TypicalityResult(
        typical=bool(typical),
        verdict="typical" if typical else "atypical",
        rules=table,
        failed=failed,
    )


def _rule(no: int, name: str, passed: bool | None, deciding: bool, detail: str) -> dict[str, Any]:
    """One row of a typicality table (``passed`` None when the rule could not be assessed)."""
    return {"rule": no, "name": name, "passed": passed, "deciding": deciding, "detail": detail}


def _rule_significant(fit: Any, alpha: float) -> dict[str, Any]:
    """Rule 1: the F test of the curve against the mean (within blocks) at level ``alpha``."""
    from scipy import stats

    d = fit.data
    y = d["response"].to_numpy(dtype=float)
    if fit.block is not None and "block" in d:
        sst = float(
            sum(
                ((g - g.mean()) ** 2).sum()
                for _, g in d.groupby("block", observed=True)["response"]
            )
        )
    else:
        sst = float(((y - y.mean()) ** 2).sum())
    df = int(fit.df_resid)
    if not (df > 0 and fit.sse > 0):
        return _rule(
            1, "regression significant", None, True, "not assessed: no residual degrees of freedom"
        )
    f = ((sst - fit.sse) / 2) / (fit.sse / df)
    p = float(stats.f.sf(f, 2, df))
    text = format_p(p)
    return _rule(
        1,
        "regression significant",
        p < alpha,
        True,
        f"F(2, {df}) = {format_number(f, 4)}, p {'' if text.startswith('<') else '= '}{text}",
    )


def _rule_signs(b: float, c: float, strict_signs: bool) -> dict[str, Any]:
    """Rule 2: linear coefficient > 0 and quadratic < 0 (deciding only with ``strict_signs``)."""
    bad = [f"linear = {format_number(b, 4)} (not > 0)"] if not b > 0 else []
    bad += [f"quadratic = {format_number(c, 4)} (not < 0)"] if not c < 0 else []
    return _rule(
        2,
        "sign pattern",
        not bad,
        bool(strict_signs),
        "; ".join(bad) or "linear > 0 and quadratic < 0",
    )


def _rules_at_optimum(
    fit: Any, opt_max: Any, opt_econ: Any, ck: float, *, has_maximum: bool
) -> list[dict[str, Any]]:
    """Rules 4 and 5 on the maximum and economic optimum; not assessed without a maximum."""
    if not has_maximum:
        unassessed = "not assessed: the curve has no maximum (rule 3)"
        return [
            _rule(4, "optimum in (0, top rate]", None, True, unassessed),
            _rule(5, "optimum yield above CK", None, True, unassessed),
        ]
    points = [("maximum", opt_max)] + (
        [("economic optimum", opt_econ)] if opt_econ is not None else []
    )
    return [_rule_in_range(points, fit.rate_range[1]), _rule_above_ck(*points[-1], ck)]


def _rule_in_range(points: Sequence[tuple[str, Any]], top: float) -> dict[str, Any]:
    """Rule 4: every optimum (maximum, economic optimum) in (0, top tested rate]."""
    issues = []
    for label, opt in points:
        if not math.isfinite(opt.rate):
            issues.append(f"{label}: none")
        elif not opt.rate > 0:
            issues.append(f"{label}: {format_number(opt.rate, 4)} ≤ 0")
        elif opt.rate > top * (1 + 1e-9):
            issues.append(
                f"{label}: {format_number(opt.rate, 4)} > top tested rate {format_number(top, 6)}"
            )
    return _rule(
        4,
        "optimum in (0, top rate]",
        not issues,
        True,
        "; ".join(issues) or "; ".join(f"{lab}: {format_number(o.rate, 4)}" for lab, o in points),
    )


def _rule_above_ck(label: str, opt: Any, ck: float) -> dict[str, Any]:
    """Rule 5: the yield at the recommended optimum above the CK (no fertilizer) yield."""
    if not math.isfinite(opt.yield_at_rate):
        return _rule(5, "optimum yield above CK", False, True, f"{label}: none")
    ok = opt.yield_at_rate > ck
    return _rule(
        5,
        "optimum yield above CK",
        ok,
        True,
        f"{label} yield {format_number(opt.yield_at_rate, 6)} {'>' if ok else '≤'} "
        f"CK yield {format_number(ck, 6)}",
    )


# ---------------------------------------------------------------------------
# checking the call
# ---------------------------------------------------------------------------
def _three_nutrients(rates: Any) -> tuple[tuple[str, ...], dict[str, str]]:
    """The three nutrients and their rate columns, from ``rates=``."""
    nutrients, columns = _resolve_rates(rates)
    if len(nutrients) != 3:
        raise FertoptError(
            f"a 3414 trial has three nutrients; rates names {len(nutrients)}: "
            f"{', '.join(nutrients)}."
        )
    return nutrients, columns


def _check_multipliers(multipliers: Sequence[float]) -> list[float]:
    """Levels 0–3 as multiples of level 2, checked: 4 increasing floats starting at 0."""
    mult = [float(m) for m in multipliers]
    if len(mult) != 4 or mult[0] != 0 or any(b_ <= a_ for a_, b_ in itertools.pairwise(mult)):
        raise FertoptError(
            f"multipliers must be 4 increasing values starting at 0, got {tuple(multipliers)!r}."
        )
    return mult


def _check_columns(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    *,
    response: str,
    block: str | None,
    treatment: str | None,
) -> bool:
    """Whether the data have the rate columns; every named column is checked to exist."""
    have_rates = all(c in frame.columns for c in columns.values())
    if not have_rates and treatment is None:
        missing = [str(c) for c in columns.values() if c not in frame.columns]
        raise ColumnError(
            f"rate column(s) {', '.join(missing)} are not in the data. Name the rate columns "
            "with rates=(...), or give the treatment column (treatment=) and the level-2 rates "
            "(level2=)."
        )
    require_columns(
        frame,
        response=response,
        block=block,
        treatment=treatment,
        rates=list(columns.values()) if have_rates else None,
    )
    return have_rates


# ---------------------------------------------------------------------------
# the analysis
# ---------------------------------------------------------------------------
def three414(
    data: Any,
    /,
    *,
    response: str,
    rates: Sequence[str] | Mapping[str, str] = ("N", "P2O5", "K2O"),
    treatment: str | None = None,
    block: str | None = None,
    level2: Mapping[str, float] | None = None,
    multipliers: Sequence[float] = (0.0, 0.5, 1.0, 1.5),
    prices: Any = None,
    units: Mapping[str, str] | None = None,
    alpha: float = 0.05,
    strict_signs: bool = False,
    nan_policy: str = "omit",
) -> Three414Result:
    """The standard analysis of one 3414 trial, with or without replicates.

    Parameters
    ----------
    data : DataFrame
        One row per plot (or one row per treatment for an unreplicated trial or
        published treatment means).
    response : str
        Yield column.
    rates : sequence of three str or mapping, default ("N", "P2O5", "K2O")
        Rate columns in the N, P, K order of the level codes (a mapping gives nutrient
        names different from the columns).  When the data have no rate columns, pass
        ``treatment`` and ``level2`` instead.
    treatment : str, optional
        Treatment column: numbers 1–14, level codes (``"N2P2K2"``, ``"222"``) or labels
        ending in the number (``"T6"``, ``"处理6"``).  Used to compute the rates when the
        rate columns are absent.
    block : str, optional
        Block (replicate) column; blocks enter every fit as fixed effects.
    level2 : mapping, optional
        Level-2 rates ``{"N": 18, "P2O5": 8, "K2O": 19}``.  Without it, the levels are
        read from the rates (4 distinct rates of each nutrient).
    multipliers : sequence of 4 floats, default (0, 0.5, 1, 1.5)
        Levels 0–3 as multiples of level 2 (with ``level2``, or when a level is missing).
    prices : fertopt.Prices or mapping, optional
        With prices, recommendations are economic optima; without, maximum-yield rates.
    units : mapping, optional
        ``{"response": "kg/mu", "rates": "kg/mu"}`` (default: as recorded by
        :func:`fertopt.read_trials`); used to convert a :class:`fertopt.Prices`.
    alpha : float, default 0.05
        Significance level of the typicality rule 1.
    strict_signs : bool, default False
        Whether the sign-pattern rule decides typicality (see
        :meth:`fertopt.SurfaceFit.typicality`).
    nan_policy : {"omit", "raise"}
        Plots without a response are left out (counted) or refused.

    Returns
    -------
    Three414Result
        See the class for every table and column.

    Raises
    ------
    ColumnError
        A named column is missing, or neither rate columns nor ``treatment`` are given.
    DataError
        Negative or non-numeric rates, unreadable treatment labels.
    DesignError
        A treatment of the 3414 table has no plot (the message names each missing
        treatment with its code and rates), a nutrient has a single rate, or the lowest
        rate of a nutrient is not 0.

    Notes
    -----
    Typicality rules (every fit): regression significant; sign pattern (reported,
    deciding only with ``strict_signs``); quadratic part negative definite; the
    stationary point and the economic optimum in (0, level-3 rate]; the yield at the
    optimum above the CK yield (treatment 1).  Recommendation for each nutrient: the
    ternary optimum if the ternary fit is typical; else the mean of the optima of the
    typical binary fits containing the nutrient; else the univariate quadratic's optimum
    if typical; else the linear-plateau optimum (:func:`fertopt.fit_response`,
    ``model="linear_plateau"``) when it converges and is usable; else none, with the
    abundance class as guidance.  Optima are sought within the tested rates.  Relative
    yield RY = Y(omission) / Y(N2P2K2) × 100 from treatment means; classes < 50 % very
    low, 50–75 % low, 75–95 % medium, > 95 % high.

    Examples
    --------
    >>> import numpy as np, fertopt as fo
    >>> book = fo.design.three414(level2={"N": 18, "P2O5": 8, "K2O": 19}, rng=1)
    >>> truth = fo.surface_from_coefficients(
    ...     {"intercept": 1700, "N": 120, "P2O5": 160, "K2O": 60, "N^2": -3.2, "P2O5^2": -9,
    ...      "K2O^2": -1.5, "N:P2O5": 0.5, "N:K2O": 0.3, "P2O5:K2O": 1.2},
    ...     bounds={"N": (0, 27), "P2O5": (0, 12), "K2O": (0, 28.5)})
    >>> trial = book.table.assign(yield_=truth.predict(book.table) + np.tile([9., -9.], 7))
    >>> res = fo.three414(trial, response="yield_", prices={"crop": 2, "N": 5, "P2O5": 6, "K2O": 5})
    >>> list(res.recommendations["source"])
    ['ternary', 'ternary', 'ternary']
    """
    frame = require_frame(data)
    alpha = check_probability(alpha, "alpha")
    nan_policy = check_nan_policy(nan_policy)
    nutrients, columns = _three_nutrients(rates)
    mult = _check_multipliers(multipliers)
    have_rates = _check_columns(frame, columns, response=response, block=block, treatment=treatment)
    warn_list: list[str] = []
    sub, yv = _drop_missing_responses(frame, response, nan_policy, warn_list)
    if have_rates:
        x, levels, notes = _rates_from_columns(sub, columns, nutrients, level2, mult)
    else:
        x, levels, notes = _rates_from_treatments(sub, treatment, nutrients, level2, mult)
    trt = _recognise_treatments(sub, x, levels, nutrients, warn_list)
    on_table = trt > 0
    internal, n_blocks = _plot_table(
        sub.loc[on_table], x[on_table], yv[on_table], trt[on_table], nutrients, response, block
    )
    n_dropped = len(frame) - len(internal)
    internal.attrs["fertopt"] = {
        "units": _data_units(frame, units, response, columns, prices, nutrients)
    }

    design = _treatment_means(internal, response, nutrients, levels)
    replicated = bool((design["n"] > 1).any())
    ck = float(design.loc[0, "mean"])
    relative = _relative_yields(design, nutrients)

    fits = _SubsetFits(
        internal,
        tuple(nutrients),
        response=response,
        block=block,
        prices=prices,
        alpha=alpha,
        strict_signs=strict_signs,
        ck=ck,
    )
    ternary = fits.surface("ternary", tuple(nutrients))
    binary = fits.binaries()
    for i in range(3):
        fits.quadratic(i)
    recommendations = _recommendations(fits, relative)
    if not replicated:
        notes.append(
            "The trial has one plot per treatment: fits use the 14 treatment yields, and "
            "typicality rule 1 rests on few residual degrees of freedom."
        )
    return Three414Result(
        nutrients=tuple(nutrients),
        levels={n: tuple(float(v) for v in levels[n]) for n in nutrients},
        design=design,
        relative_yield=relative,
        fits=fits.table(),
        recommendations=recommendations,
        ternary=ternary,
        binary=binary,
        univariate=fits.univariate,
        linear_plateau=fits.plateaus,
        typicality=fits.typicality,
        ck_yield=ck,
        replicated=replicated,
        n_obs=int(len(internal)),
        n_dropped=n_dropped,
        n_blocks=n_blocks,
        alpha=alpha,
        economic=prices is not None,
        warnings=tuple(warn_list + fits.captured),
        _notes=tuple(notes),
    )


# ---------------------------------------------------------------------------
# the recommendation cascade: ternary → binary → univariate → linear-plateau
# ---------------------------------------------------------------------------
def _recommendations(fits: _SubsetFits, relative: pd.DataFrame) -> pd.DataFrame:
    """One row per nutrient: the rate of the first usable fit of the cascade, or none."""
    rows = []
    for i, n in enumerate(fits.nutrients):
        ry = relative.loc[i, "relative_yield"]
        en = relative.loc[i, "abundance"]
        row = {
            "nutrient": n,
            "rate": math.nan,
            "source": "none",
            "status": "none",
            "yield_at_rate": math.nan,
            "relative_yield": ry,
            "abundance": en,
            "note": "",
        }
        found = (
            _from_ternary(fits, n)
            or _from_binaries(fits, n)
            or _from_quadratic(fits, n)
            or _from_linear_plateau(fits, i)
        )
        row.update(found or {})
        if row["source"] == "none":
            row["note"] = (
                f"no fit gives a usable {n} rate; judge from the abundance class "
                f"({en}, relative yield {format_number(ry, 3)} %) and local experience"
            )
        rows.append(row)
    return pd.DataFrame(
        rows,
        columns=[
            "nutrient",
            "rate",
            "source",
            "status",
            "yield_at_rate",
            "relative_yield",
            "abundance",
            "note",
        ],
    )


def _from_ternary(fits: _SubsetFits, nutrient: str) -> dict[str, Any] | None:
    """The nutrient's rate at the ternary optimum if the ternary fit is typical, else None."""
    if "ternary" not in fits.typicality or not fits.typicality["ternary"].typical:
        return None
    opt = fits.optima["ternary"]
    return {
        "rate": opt.rates[nutrient],
        "source": "ternary",
        "status": opt.status,
        "yield_at_rate": opt.yield_at_rates,
    }


def _from_binaries(fits: _SubsetFits, nutrient: str) -> dict[str, Any] | None:
    """The mean of the nutrient's rates at the typical binary optima, or None if none is."""
    typ, optima = fits.typicality, fits.optima
    usable = [
        lab
        for lab in binary_labels(fits.nutrients, nutrient)
        if lab in typ and typ[lab].typical and optima[lab].rates is not None
    ]
    if not usable:
        return None
    rates_ = [optima[lab].rates[nutrient] for lab in usable]
    found = {
        "rate": float(np.mean(rates_)),
        "status": _worst([optima[lab].status for lab in usable]),
        "yield_at_rate": float(np.mean([optima[lab].yield_at_rates for lab in usable])),
        "source": usable[0] if len(usable) == 1 else " + ".join(usable) + " (mean)",
    }
    if len(usable) > 1:
        found["note"] = "mean of " + ", ".join(
            f"{lab}: {format_number(r, 4)}" for lab, r in zip(usable, rates_, strict=True)
        )
    return found


def _from_quadratic(fits: _SubsetFits, nutrient: str) -> dict[str, Any] | None:
    """The univariate quadratic's optimum if that fit is typical, else None."""
    label = f"quadratic {nutrient}"
    if nutrient not in fits.univariate or not fits.typicality[label].typical:
        return None
    return _curve_rate(fits.quadratic_optima[nutrient], label)


def _from_linear_plateau(fits: _SubsetFits, i: int) -> dict[str, Any] | None:
    """The linear-plateau optimum of the i-th nutrient (fitted now) if usable, else None."""
    opt = fits.linear_plateau(i)
    return None if opt is None else _curve_rate(opt, f"linear_plateau {fits.nutrients[i]}")


def _curve_rate(opt: Any, source: str) -> dict[str, Any]:
    """Rate, source, status and yield of a single-nutrient optimum, for a recommendation row."""
    return {
        "rate": opt.rate,
        "source": source,
        "status": opt.status,
        "yield_at_rate": opt.yield_at_rate,
    }


def _fit_label(key: str, nutrients: Sequence[str]) -> str:
    if key == "ternary":
        return "ternary"
    kind, pos = key.split(" ")
    names = [nutrients[int(p)] for p in pos.split("-")]
    return f"binary {names[0]}-{names[1]}" if kind == "binary" else f"quadratic {names[0]}"


def binary_labels(nutrients: Sequence[str], nutrient: str) -> list[str]:
    """Labels of the binary fits that contain ``nutrient``, in the standard order."""
    out = []
    for a, b in ((0, 1), (0, 2), (1, 2)):
        if nutrient in (nutrients[a], nutrients[b]):
            out.append(f"binary {nutrients[a]}-{nutrients[b]}")
    return out


def _treatment_text(ts: Sequence[int]) -> str:
    ts = sorted(ts)
    if ts == list(range(ts[0], ts[-1] + 1)) and len(ts) > 2:
        return f"{ts[0]}–{ts[-1]}"
    return ", ".join(map(str, ts))


_ORDER = ("ok", "at_bound", "extrapolated", "saddle", "no_maximum")


def _worst(statuses: Sequence[str]) -> str:
    return max(statuses, key=lambda s: _ORDER.index(s) if s in _ORDER else len(_ORDER))
