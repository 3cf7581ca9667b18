"""Which term is compared, and against which error.

From an :class:`~fertopt.anova.AnovaResult` and the user's ``term`` and
``within``, :func:`plan_comparison` resolves the term (a factor or an
interaction), the slicing factors, and the error mean square with its
degrees of freedom:

* CRD, RCBD, Latin square, factorials: the residual of the fitted model
  (block-, row- and column-adjusted).
* Split-plots: error a for the main-plot factor, error b for the sub-plot
  factor and for sub-plot levels within a main plot, and for main-plot
  levels within a sub-plot level the combined error ``(Ea + (b − 1) Eb) / b``
  with Satterthwaite's degrees of freedom (Gomez & Gomez 1984, ch. 3).
* Split-split-plots and strip-plots: each factor against its own error, each
  simple effect against the error (or Satterthwaite's combination of errors)
  of its standard error in Gomez & Gomez (1984, ch. 3–4), found in general by
  :func:`fertopt.multcomp.strata.error_weights`.

For a published table of means (the ``*_from_means`` functions),
:func:`given_error` checks the error mean square and degrees of freedom
given.  :func:`plan_comparison` also warns when a main effect is compared
while an interaction containing it is significant.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from fertopt._core.formatting import format_number
from fertopt._core.i18n import keyed, message
from fertopt.exceptions import DesignError, DesignWarning, OptionError
from fertopt.multcomp.strata import error_weights

__all__ = ["Plan", "plan_comparison", "given_error"]


@dataclass
class Plan:
    """What is compared and with which error, with the notes and warnings that explain it."""

    term: str
    parts: tuple[str, ...]
    within: tuple[str, ...]
    mse: float
    df: float
    error_term: str
    notes: list[str]
    warns: list[tuple[type, str]]


def check_error(mse: float, df: float, source: str) -> tuple[float, float]:
    """The error mean square and df as floats, refused if they cannot carry a test."""
    try:
        mse = float(mse)
        df = float(df)
    except (TypeError, ValueError):
        raise OptionError("`mse` and `df_resid` must be numbers.") from None
    if not (df > 0) or math.isnan(df):
        raise DesignError(
            f"the {source} has no residual degrees of freedom (df = {format_number(df)}), so there "
            "is no estimate of experimental error to compare means against. Replicate the "
            "treatments (or add blocks), or, if an error mean square is known from elsewhere, use "
            "the *_from_means function with that mse and its df_resid."
        )
    if not (mse > 0) or not math.isfinite(mse):
        raise DesignError(
            f"the error mean square of the {source} is {format_number(mse)}; it must be a positive "
            "number. A zero error means every plot equals its fitted value: check for copied "
            "values or a response column that is constant within treatments."
        )
    return mse, df


# ---------------------------------------------------------------------------
# the term and its slices
# ---------------------------------------------------------------------------
def _terms_in_model(aov) -> list[str]:
    """Treatment terms of the ANOVA table (blocks, rows, columns and errors left out)."""
    errors = {str(e) for e in aov.errors["error"].tolist()}
    factors = {str(f) for f in aov.factors}
    return [
        str(s)
        for s in aov.table["source"].tolist()
        if str(s) not in errors and set(str(s).split(":")) <= factors
    ]


def _canonical_term(parts: Sequence[str], factors: Sequence[str]) -> str:
    ordered = [f for f in factors if f in parts]
    return ":".join(ordered)


def _parse_names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(p.strip() for p in value.split(":") if p.strip())
    if isinstance(value, Sequence):
        return tuple(str(v) for v in value)
    return (str(value),)


def _resolve_term(
    aov, term: Any, factors: list[str], model_terms: list[str]
) -> tuple[tuple[str, ...], str]:
    """The factors of ``term`` as given, and the term's name in the ANOVA table."""
    parts = _parse_names(term)
    if not parts:
        if len(factors) == 1:
            parts = (factors[0],)
        else:
            raise DesignError(
                f"this {aov.design} has several treatment factors ({', '.join(factors)}); name the "
                f"one to compare, e.g. term={factors[0]!r} for its means, "
                f"term={':'.join(factors[:2])!r} for the cells of an interaction, or "
                f"term={factors[0]!r}, within={factors[1]!r} for simple effects."
            )
    term_name = _canonical_term(parts, factors)
    unknown = [p for p in parts if p not in factors]
    if unknown or len(set(parts)) != len(parts) or term_name not in model_terms:
        raise DesignError(
            f"term={':'.join(parts)!r} is not a term of this ANOVA; its treatment terms are "
            f"{', '.join(repr(t) for t in model_terms)}. Pass one of them as term=."
        )
    return parts, term_name


def _resolve_within(
    within: Any, parts: tuple[str, ...], term_name: str, factors: list[str]
) -> tuple[str, ...]:
    """The slicing factors: other treatment factors of the ANOVA, each named once."""
    within_t = _parse_names(within)
    bad = [w for w in within_t if w not in factors or w in parts]
    if bad or len(set(within_t)) != len(within_t):
        others = [f for f in factors if f not in parts]
        hint = (
            f"name another treatment factor of the ANOVA ({', '.join(map(repr, others))})"
            if others
            else "this term leaves no other factor to slice by; drop within="
        )
        raise DesignError(f"within={within!r} cannot be used with term={term_name!r}: {hint}.")
    return within_t


# ---------------------------------------------------------------------------
# the error, by design
# ---------------------------------------------------------------------------
def _error_rows(aov) -> dict[str, tuple[float, float]]:
    """``{error name: (ms, df)}`` of the ANOVA's error strata."""
    e = aov.errors
    return {
        str(name): (float(ms), float(df))
        for name, ms, df in zip(
            e["error"].tolist(), e["ms"].tolist(), e["df"].tolist(), strict=True
        )
    }


def _error_row(errors: dict[str, tuple[float, float]], name: str) -> tuple[float, float]:
    return errors[name]


def _residual_error(aov, term_name: str) -> tuple[float, float, str, list[str]]:
    """CRD, RCBD, Latin square and factorials: the (block-, row-, column-adjusted) residual."""
    errors = _error_rows(aov)
    design = str(aov.design)
    name = (
        str(aov.error_of.get(term_name, "Residuals"))
        if getattr(aov, "error_of", None)
        else "Residuals"
    )
    if name in errors:
        mse, df = _error_row(errors, name)
    else:
        mse, df = float(aov.mse), float(aov.df_resid)
    notes = []
    if design in ("RCBD", "factorial RCBD"):
        notes.append(message("mc_block_adjusted", name=keyed(name), df=format_number(df, 6)))
    elif design == "Latin square":
        notes.append(message("mc_rows_columns_adjusted", name=keyed(name), df=format_number(df, 6)))
    elif design.startswith("combined"):
        # a combined analysis over environments (fertopt.combined_anova) names, per term,
        # the error its treatment test used: treatment × environment or the pooled residual
        notes.append(
            message("mc_combined_error", term=term_name, name=keyed(name), df=format_number(df, 6))
        )
    return mse, df, name, notes


def _split_plot_error(
    aov, parts: tuple[str, ...], within: tuple[str, ...], term_name: str
) -> tuple[float, float, str, list[str]]:
    """Error a, error b, or for main-plot levels within a sub-plot level their combination."""
    errors = _error_rows(aov)
    main, sub = str(aov.main_plot), str(aov.sub_plot)
    if set(parts) == {main, sub}:
        raise DesignError(
            f"the cells of {term_name!r} in a split-plot mix two error terms (error a between "
            f"main plots, error b within them). Compare sub-plot levels within each main-plot "
            f"level with term={sub!r}, within={main!r} (error b), or main-plot levels within "
            f"each sub-plot level with term={main!r}, within={sub!r} (combined error)."
        )
    if parts == (main,) and sub in set(parts) | set(within):
        ea, dfa = check_error(*_error_row(errors, "Error a"), "main-plot stratum (Error a)")
        eb, dfb = check_error(*_error_row(errors, "Error b"), "sub-plot stratum (Error b)")
        b = len(aov.data[sub].cat.categories)
        mse = (ea + (b - 1) * eb) / b
        num = (ea + (b - 1) * eb) ** 2
        den = ea**2 / dfa + ((b - 1) * eb) ** 2 / dfb
        df = num / den
        note = (
            f"{main} levels within each level of {sub} are compared with the combined error "
            f"(Ea + (b − 1) Eb) / b = {format_number(mse, 6)} (b = {b}) and Satterthwaite's "
            f"df = {format_number(df, 6)} (Gomez & Gomez 1984, split-plot comparisons)."
        )
        return mse, df, "Error a + Error b (Satterthwaite)", [note]
    name = str(aov.error_of.get(term_name, "Error b"))
    mse, df = _error_row(errors, name)
    what = "main plots" if name == "Error a" else "sub-plots"
    note = (
        f"{term_name} is compared with {name} ({what}): MS {format_number(mse, 6)}, "
        f"df {format_number(df, 6)}."
    )
    return mse, df, name, [note]


def _strata_error(
    aov, parts: tuple[str, ...], within: tuple[str, ...], term_name: str
) -> tuple[float, float, str, list[str]]:
    """Split-split-plot and strip-plot: the error, or combination of errors, of the comparison."""
    errors = _error_rows(aov)
    factors = [str(f) for f in aov.factors]
    levels = [len(aov.data[f].cat.categories) for f in aov.factors]
    treatment_errors = {
        t: str(e) for t, e in aov.error_of.items() if set(t.split(":")) <= set(factors)
    }
    combo = error_weights(factors, levels, treatment_errors, parts, within)
    if combo.weights is None:
        first = parts[0]
        slice_by = ":".join(f for f in factors if f != first and (f in parts or f in within))
        raise DesignError(
            f"the means of {term_name!r} in this {aov.design} are compared with different errors "
            "depending on the pair (some pairs differ between main plots or strips, others "
            "within them), so no single error serves them all. Compare one factor at a time "
            f"within the levels of the others, e.g. term={first!r}, within={slice_by!r}."
        )
    weights = combo.weights
    used = {e: check_error(*_error_row(errors, e), f"{e} stratum") for e in weights}
    if len(weights) == 1:
        (name,) = weights
        mse, df = used[name]
        note = (
            f"{term_name}{' within ' + ':'.join(within) if within else ''} is compared with "
            f"{name}: MS {format_number(mse, 6)}, df {format_number(df, 6)}."
        )
        return mse, df, name, [note]
    parts_ms = {e: weights[e] * used[e][0] for e in weights}
    mse = math.fsum(parts_ms.values())
    df = mse**2 / math.fsum(parts_ms[e] ** 2 / used[e][1] for e in weights)
    names = sorted(weights)
    combination = " + ".join(f"{format_number(weights[e], 6)}·{e}" for e in names)
    note = (
        f"{term_name} within each level of {':'.join(within)} is compared with the combined "
        f"error {combination} = {format_number(mse, 6)} and Satterthwaite's "
        f"df = {format_number(df, 6)} (Gomez & Gomez 1984, standard errors of the "
        "split-split-plot and strip-plot)."
    )
    return mse, df, " + ".join(names) + " (Satterthwaite)", [note]


# ---------------------------------------------------------------------------
# the plan
# ---------------------------------------------------------------------------
def _interaction_warnings(
    aov,
    parts: tuple[str, ...],
    term_name: str,
    model_terms: list[str],
    alpha: float,
) -> list[tuple[type, str]]:
    """A main effect compared while an interaction containing it is significant."""
    table = aov.table.set_index("source")
    for t in model_terms:
        tparts = set(t.split(":"))
        if len(tparts) > len(parts) and set(parts) < tparts:
            pval = table.loc[t, "p"] if t in table.index else np.nan
            if np.isfinite(pval) and pval < alpha:
                others = [f for f in t.split(":") if f not in parts]
                return [
                    (
                        DesignWarning,
                        f"the {t} interaction is significant (p = {format_number(pval, 3)}): "
                        f"means of {term_name} averaged over {':'.join(others)} can hide "
                        "effects that differ "
                        f"between its levels. Compare {term_name} within each level with "
                        f"within={':'.join(others)!r}"
                        + (
                            "."
                            if str(aov.design) in ("split-split-plot RCBD", "strip-plot RCBD")
                            else f", or the cells with term={t!r}."
                        ),
                    )
                ]
    return []


def plan_comparison(aov, term: Any, within: Any, alpha: float) -> Plan:
    """Resolve ``term`` and ``within`` against the ANOVA and choose the error term."""
    factors = [str(f) for f in aov.factors]
    model_terms = _terms_in_model(aov)
    parts, term_name = _resolve_term(aov, term, factors, model_terms)
    within_t = _resolve_within(within, parts, term_name, factors)
    if str(aov.design).startswith("split-plot"):
        mse, df, name, notes = _split_plot_error(aov, parts, within_t, term_name)
    elif str(aov.design) in ("split-split-plot RCBD", "strip-plot RCBD"):
        mse, df, name, notes = _strata_error(aov, parts, within_t, term_name)
    else:
        mse, df, name, notes = _residual_error(aov, term_name)
    mse, df = check_error(mse, df, "ANOVA")
    warns = []
    if not within_t and len(factors) > 1:
        warns = _interaction_warnings(aov, parts, term_name, model_terms, alpha)
    return Plan(term_name, parts, within_t, mse, df, name, notes, warns)


def given_error(mse: Any, df_resid: Any) -> Plan:
    """The plan of the ``*_from_means`` functions: the table's treatments, the error as given."""
    mse, df = check_error(mse, df_resid, "given error")
    return Plan("treatment", ("treatment",), (), mse, df, "given", [], [])
