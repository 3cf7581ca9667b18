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

This module holds :func:`three414`, the result class and the checks of the
call; :func:`three414` reads as the sequence of its steps, which live in two
private modules: ``_three414_design`` (reading the plots: responses, rates,
levels, recognising the 14 treatments, :data:`SUBSETS`) and ``_three414_fits``
(the fits on the subsets, the typicality of the univariate quadratics and the
recommendation cascade).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.document import Facts, Notes, Paragraph, Summary, localized_table
from fertopt._core.formatting import ResultBase, format_number, format_value
from fertopt._core.i18n import label, three414_fit_name, translate_message
from fertopt._core.validation import (
    check_nan_policy,
    check_probability,
    require_columns,
    require_frame,
)
from fertopt.design import THREE414_LEVELS
from fertopt.economics.prices import resolve_surface_prices
from fertopt.exceptions import ColumnError, OptionError, PriceWarning
from fertopt.surface.fit import resolve_rates, resolve_units
from fertopt.surface.results import TypicalityResult, check_name, passed_text
from fertopt.three414.design import (
    SUBSETS,
    check_codes,
    check_treatment_codes,
    code_text,
    disagreeing_pairs,
    drop_missing_responses,
    plot_table,
    rates_from_columns,
    rates_from_treatments,
    recognise_treatments,
    swapped_columns,
    treatment_codes,
)
from fertopt.three414.fits import SubsetFits, recommendations_table

__all__ = [
    "three414",
    "Three414Result",
    "SUBSETS",
    "check_treatment_codes",
    "treatment_codes",
    "disagreeing_pairs",
    "swapped_columns",
]

_OMISSION = {0: 2, 1: 4, 2: 8}
_FULL = 6


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

    def _headline(self, lang: str = "en") -> str:
        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        parts = []
        for r in self.recommendations.itertuples():
            rate = t("t4_none") if not math.isfinite(r.rate) else format_value(r.rate, kind="rate")
            parts.append(
                t(
                    "t4_part",
                    nutrient=r.nutrient,
                    rate=rate,
                    source=three414_fit_name(r.source, lang),
                )
            )
        reps = (
            t("t4_blocks", n=self.n_blocks)
            if self.n_blocks
            else t("t4_replicated" if self.replicated else "t4_unreplicated")
        )
        what = t("t4_economic" if self.economic else "t4_maximum")
        return t("t4_headline", reps=reps, what=what, parts=t("layout_sep").join(parts))

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks of :meth:`summary`, by name, in order.

        ``facts`` (nutrients and levels, plots, blocks, CK yield, kind of rates),
        ``recommendations`` (each nutrient's rate and the fit it comes from),
        ``cascade`` (the verdict of each level of ternary → binary → univariate →
        linear-plateau), ``relative_yield`` (relative yields and abundance classes), ``fits``
        (every fit with its typicality and optimum), ``means`` (treatment means), ``notes``
        and ``warnings``.  A trial report embeds some of them as they are.
        """

        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        def status(v: Any) -> Any:
            return t(f"status_{v}") if isinstance(v, str) and v else v

        def fit_name(v: Any) -> Any:
            return three414_fit_name(v, lang) if isinstance(v, str) else v

        en = lang == "en"
        facts = [
            (
                t("t4_nutrients"),
                t("layout_sep").join(
                    f"{n} ({', '.join(format_number(v, 4) for v in self.levels[n])})"
                    for n in self.nutrients
                ),
            ),
            (t("t4_plots"), t("t4_plots_text", n=self.n_obs, d=self.n_dropped)),
            (t("t4_blocks_fact"), str(self.n_blocks) if self.n_blocks else t("t4_none")),
            (t("t4_ck_yield"), format_number(self.ck_yield, digits + 1)),
            (t("t4_rates"), t("t4_rates_economic" if self.economic else "t4_rates_maximum")),
        ]
        fits = self.fits.drop(columns=["message"])
        relative = self.relative_yield.drop(columns=["abundance_zh" if en else "abundance"])
        supply = {"abundance": lambda v: t(f"supply_{v}") if v else v}

        def heads(frame: pd.DataFrame) -> dict[str, str]:
            """English column headers (a Chinese table takes its headers from the keys)."""
            return {c: t(f"t4_col_{c}") for c in frame.columns if f"t4_col_{c}" != t(f"t4_col_{c}")}

        parts: dict[str, Any] = {
            "facts": Facts(facts),
            "recommendations": localized_table(
                self.recommendations,
                lang,
                title=t("t4_recommendations"),
                formats={"relative_yield": ".1f", "rate": "rate"},
                labels=heads(self.recommendations),
                cells={
                    "source": fit_name,
                    "status": status,
                    "note": lambda v: translate_message(v, lang),
                    **supply,
                },
                keys={"source": "t4_source", "relative_yield": "om_col_relative_yield"},
            ),
            "cascade": Facts(self._cascade(lang), title=t("t4_cascade")),
            "relative_yield": localized_table(
                relative,
                lang,
                title=t("t4_relative_yield"),
                formats={"relative_yield": ".1f"},
                labels=heads(relative),
                keys={
                    "abundance_zh": "om_col_supply_class",
                    "relative_yield": "om_col_relative_yield",
                },
            ),
            "fits": localized_table(
                fits,
                lang,
                title=t("t4_fits"),
                formats={"typical": passed_text if en else _passed_zh},
                labels=heads(fits),
                cells={
                    "model": fit_name,
                    "status": status,
                    "failed_rules": lambda v: _failed_rules_text(v, lang),
                },
                keys={"treatments": "treatments", "n_obs": "rf_plots"},
            ),
            "means": localized_table(
                self.design,
                lang,
                title=t("t4_means"),
                keys={"code": "col_code"},
                labels=heads(self.design),
            ),
            "notes": Paragraph(
                (" " if en else "").join(translate_message(n, lang) for n in self._notes)
            ),
            "warnings": Notes(
                [_warning_zh(w, lang) for w in self.warnings],
                title=label("sec_warnings", lang),
            ),
        }
        return parts

    def _cascade(self, lang: str) -> list[tuple[str, str]]:
        """Each level of the cascade and what it gave: typical, atypical (why) or failed."""

        def verdict(row: Any) -> str:
            name = three414_fit_name(str(row["model"]), lang)
            if not row["fitted"]:
                return label("t4_fit_failed", lang, name=name)
            if row["typical"] is None or row["typical"] is pd.NA:
                return label("t4_fit_not_judged", lang, name=name)
            if row["typical"]:
                return label("t4_fit_typical", lang, name=name)
            rules = _failed_rules_text(row["failed_rules"], lang) or ""
            return label("t4_fit_atypical", lang, name=name, rules=rules)

        levels = (
            ("t4_level_ternary", lambda m: m == "ternary"),
            ("t4_level_binary", lambda m: m.startswith("binary ")),
            ("t4_level_univariate", lambda m: m.startswith("quadratic ")),
            ("t4_level_plateau", lambda m: m.startswith("linear_plateau ")),
        )
        sep = "；" if lang == "zh" else "; "
        out = []
        for key, member in levels:
            rows = [r for _, r in self.fits.iterrows() if member(str(r["model"]))]
            if rows:
                out.append((label(key, lang), sep.join(verdict(r) for r in rows)))
        used = [
            label(
                "t4_used",
                lang,
                nutrient=r.nutrient,
                source=three414_fit_name(r.source, lang)
                if isinstance(r.source, str) and r.source != "none"
                else label("t4_none", lang),
            )
            for r in self.recommendations.itertuples()
        ]
        out.append((label("t4_level_used", lang), sep.join(used)))
        return out

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        parts = self.summary_parts(digits, lang)
        blocks = [v for k, v in parts.items() if k != "notes" or self._notes]
        return Summary(
            label("t4_title", lang), blocks, headline=self._headline(lang), digits=digits
        )

    def plot(self, ax: Any = None, *, lang: str = "en", **kwargs: Any) -> Any:
        """The curves or surface of the level of the cascade each rate comes from, rates marked.

        One panel per nutrient: the fitted response of the fit its recommended rate comes from
        (the ternary or binary surface along that nutrient with the others at their
        recommended rates, or the univariate curve), the treatment means of its subset, and the
        recommended rate.  See :func:`fertopt.plotting.plot_three414`.
        """
        from fertopt import plotting

        return plotting.plot_three414(self, ax=ax, lang=lang, **kwargs)


def _passed_zh(value: Any) -> str:
    """是、否 or 未评定 for a rule that passed, failed or was skipped."""
    text = passed_text(value)
    return label("not_assessed" if text == "not assessed" else text, "zh")


def _failed_rules_text(value: Any, lang: str) -> Any:
    """The failed rules of a fit (``"sign pattern; negative definite"``) in words, in ``lang``."""
    if not isinstance(value, str) or not value:
        return value
    return "；".join(check_name(r, lang) for r in value.split("; "))


def _warning_zh(text: str, lang: str) -> str:
    """A stored warning in ``lang``; a fit's warning keeps its text after the fit's name."""
    name, sep, rest = text.partition(": ")
    if lang == "en" or not sep:
        return translate_message(text, lang)
    shown = three414_fit_name(name, lang)
    if shown == name:
        return translate_message(text, lang)
    return f"{shown}：{translate_message(rest, lang)}"


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
        Negative or non-numeric rates or yields, yields that do not vary, unreadable
        treatment labels; treatment codes (1–14 or ``N2P2K2``) that disagree with the rate
        columns (the message names the plots, and the two columns when they look swapped).
    DesignError
        A treatment of the 3414 table has no plot (the message names each missing
        treatment with its code and rates), a nutrient has a single rate, or the lowest
        rate of a nutrient is not 0.

    Warns
    -----
    PriceWarning
        Prices given, units not declared, and a fit's economic optimum looks like a unit
        mismatch (see :mod:`fertopt.economics.units_check`).

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
    # the call
    frame = require_frame(data)
    alpha = check_probability(alpha, "alpha")
    nan_policy = check_nan_policy(nan_policy)
    nutrients, columns = _three_nutrients(rates)
    mult = _check_multipliers(multipliers)
    have_rates = _check_columns(frame, columns, response=response, block=block, treatment=treatment)

    # the plots: responses, rates and levels, the 14 treatments (plots off the table left out)
    warn_list: list[str] = []
    sub, yv = drop_missing_responses(frame, response, nan_policy, warn_list)
    if have_rates:
        x, levels, notes = rates_from_columns(sub, columns, nutrients, level2, mult)
    else:
        x, levels, notes = rates_from_treatments(sub, treatment, nutrients, level2, mult)
    if have_rates and treatment is not None:
        codes = treatment_codes(sub[treatment].tolist())
        if codes is not None:
            check_codes(
                codes,
                x,
                nutrients,
                list(columns.values()),
                list(sub.index),
                sub[treatment].tolist(),
                treatment,
            )
    trt = recognise_treatments(sub, x, levels, nutrients, warn_list)
    on_table = trt > 0
    internal, n_blocks = plot_table(
        sub.loc[on_table], x[on_table], yv[on_table], trt[on_table], nutrients, response, block
    )
    n_dropped = len(frame) - len(internal)
    internal.attrs["fertopt"] = {
        "units": _data_units(frame, units, response, columns, prices, nutrients)
    }

    # treatment means, relative yields and abundance classes
    design = _treatment_means(internal, response, nutrients, levels)
    replicated = bool((design["n"] > 1).any())
    ck = float(design.loc[0, "mean"])
    relative = _relative_yields(design, nutrients)

    # the fits on the standard subsets, then each nutrient's rate by the cascade
    fits = SubsetFits(
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
    recommendations = recommendations_table(fits, relative)
    if fits.unit_warnings:  # the fits' warnings are kept in the result; this one reaches the user
        warnings.warn(fits.unit_warnings[0], PriceWarning, stacklevel=2)

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
# its steps: checking the call
# ---------------------------------------------------------------------------
def _three_nutrients(rates: Any) -> tuple[tuple[str, ...], dict[str, str]]:
    """The three nutrients and their rate columns, from ``rates=``."""
    nutrients, columns = resolve_rates(rates)
    if len(nutrients) != 3:
        raise OptionError(
            f"a 3414 trial has three nutrients; rates names {len(nutrients)}: "
            f"{', '.join(nutrients)}."
        )
    return nutrients, columns


def _check_multipliers(multipliers: Sequence[float]) -> list[float]:
    """Levels 0–3 as multiples of level 2, checked: 4 increasing floats starting at 0."""
    mult = [float(m) for m in multipliers]
    if len(mult) != 4 or mult[0] != 0 or any(b_ <= a_ for a_, b_ in itertools.pairwise(mult)):
        raise OptionError(
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


def _data_units(
    frame: pd.DataFrame,
    units: Mapping[str, str] | None,
    response: str,
    columns: Mapping[str, str],
    prices: Any,
    nutrients: Sequence[str],
) -> dict[str, str]:
    """Column → declared unit of the response and rates; the prices are checked against them."""
    response_unit, rate_units = resolve_units(frame, units, response, columns)
    if prices is not None:  # a missing or invalid price is an error of the call, not a failed fit
        resolve_surface_prices(prices, nutrients, response_unit, rate_units)
    return {k: v for k, v in {response: response_unit, **rate_units}.items() if v is not None}


# ---------------------------------------------------------------------------
# its steps: treatment means, relative yields and abundance classes
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
        {"treatment": np.arange(1, 15), "code": [code_text(c, nutrients) for c in THREE414_LEVELS]}
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
