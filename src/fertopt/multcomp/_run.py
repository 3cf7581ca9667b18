"""Running a test: the checks all tests share, each family tested and lettered, the result.

Every public function of :mod:`fertopt.multcomp` hands its own arguments to
:func:`from_anova` or :func:`from_means` unchanged.  These check the
options, find what is compared and with which error (``_error_terms``),
gather the means (``_families``), test each family (``_pairwise``), give
the letters (:mod:`fertopt.multcomp.letters`; ``*`` marks for Dunnett's test) and build
the :class:`MultCompResult` with its notes and warnings.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.deferred import Deferred
from fertopt._core.formatting import data_decimals, format_number
from fertopt._core.i18n import message
from fertopt._core.validation import check_choice, check_probability
from fertopt.exceptions import DesignError, OptionError, UnbalancedDesignWarning
from fertopt.multcomp import letters as _cld
from fertopt.multcomp._error_terms import Plan, given_error, plan_comparison
from fertopt.multcomp._families import Family, check_replicated, family_from_means
from fertopt.multcomp._means import select_means
from fertopt.multcomp._pairwise import Outcome, compare_family, harmonic_mean
from fertopt.multcomp._result import MultCompResult
from fertopt.multcomp.waller import family_f

__all__ = ["from_anova", "from_means"]


# ---------------------------------------------------------------------------
# checks shared by all tests
# ---------------------------------------------------------------------------
def _check_options(options: dict[str, Any]) -> dict[str, Any]:
    """The options only some tests take, checked and normalised."""
    if "replication" in options:
        check_choice(options["replication"], "replication", ("harmonic", "kramer"))
    if options.get("p_adjust") is not None:
        check_choice(
            options["p_adjust"], "p_adjust", (None, "bonferroni", "holm", "sidak", "fdr_bh")
        )
    if "alternative" in options:
        check_choice(options["alternative"], "alternative", ("two-sided", "greater", "less"))
    if "stepdown" in options:
        options["stepdown"] = bool(options["stepdown"])
    if "control" in options:
        options["control"] = str(options["control"])
    if "k_ratio" in options:
        k = options["k_ratio"]
        if isinstance(k, bool) or not isinstance(k, (int, float, np.integer, np.floating)):
            raise OptionError(f"k={k!r} must be a number, the k-ratio (50, 100 or 500).")
        if not (np.isfinite(k) and k > 1):
            raise OptionError(
                f"k={k!r} is not a usable k-ratio: it must be a number greater than 1 (the "
                "seriousness of a Type I error relative to a Type II error; 50, 100 and 500 are "
                "usual, roughly the two-mean alpha of 0.10, 0.05 and 0.01)."
            )
        options["k_ratio"] = float(k)
    if options.get("f_value") is not None:
        fv = options["f_value"]
        try:
            fv = float(fv)
        except (TypeError, ValueError):
            raise OptionError(f"f_value={fv!r} must be a number (the treatment F ratio).") from None
        if not (np.isfinite(fv) and fv >= 0):
            raise OptionError(
                f"f_value={fv!r} must be a non-negative number: the F ratio of the treatments "
                "in the ANOVA (treatment mean square / error mean square)."
            )
        options["f_value"] = fv
    return options


def _common_checks(alpha, alpha_capitals, descending, letters) -> tuple[float, float | None, bool]:
    alpha = np.nan if alpha is None else check_probability(alpha, "alpha")  # None: Waller
    if alpha_capitals is not None:
        alpha_capitals = check_probability(alpha_capitals, "alpha_capitals")
        if alpha_capitals >= alpha:
            raise OptionError(
                f"alpha_capitals={alpha_capitals!r} must be smaller than alpha={alpha!r}: capital "
                "letters mark the stricter level (0.01 beside 0.05 in the usual convention)."
            )
    if not isinstance(descending, (bool, np.bool_)):
        raise OptionError(f"descending must be True or False, got {descending!r}.")
    check_choice(letters, "letters", ("agricolae", "piepho"))
    return alpha, alpha_capitals, bool(descending)


def _replication_warning(
    families: list[Family], replication: str | None, test: str
) -> list[tuple[type, str]]:
    if replication != "harmonic":
        return []
    for fam in families:
        if not fam.balanced and fam.cov is not None:
            lo, hi = fam.n.min(), fam.n.max()
            return [
                (
                    UnbalancedDesignWarning,
                    f"replication differs between treatments (n = {format_number(lo)} to "
                    f"{format_number(hi)}); {test}'s critical ranges use one standard error "
                    "for all pairs, from the average variance of the differences between the "
                    "least-squares means (for arithmetic means, the harmonic mean of n that "
                    "agricolae and SAS use). replication='kramer' uses each pair's own "
                    "standard error.",
                )
            ]
        if not fam.balanced:
            lo, hi = fam.n.min(), fam.n.max()
            return [
                (
                    UnbalancedDesignWarning,
                    f"replication differs between treatments (n = {format_number(lo)} to "
                    f"{format_number(hi)}); {test}'s critical ranges use the harmonic mean of n "
                    f"({format_number(harmonic_mean(fam.n), 4)}), as "
                    f"{'SAS does' if test == 'Waller' else 'agricolae and SAS do'}. "
                    "replication='kramer' uses each pair's own n instead.",
                )
            ]
    return []


# ---------------------------------------------------------------------------
# one family: tested, lettered, tabled
# ---------------------------------------------------------------------------
def _control_marks(same: np.ndarray, c: int) -> list[str]:
    """Dunnett's display: ``*`` for each treatment separated from the control ``c``."""
    return ["" if i == c or same[i, c] else "*" for i in range(len(same))]


def _groups_table(
    test: str, fam: Family, out: Outcome, *, mse: float, letters: str, control: str | None
) -> tuple[pd.DataFrame, int]:
    """Means with their letters, in display order, and how often Piepho's letters replaced
    agricolae's sweep (lowercase and capitals counted apart)."""
    shown: dict[str, list[str]] = {}
    fell_back = 0
    for column, same, pool in (
        ("letters", out.same, _cld.LOWERCASE),
        ("capitals", out.same_capitals, _cld.CAPITALS),
    ):
        if same is None:
            continue
        if test == "Dunnett":
            shown[column] = _control_marks(same, fam.labels.index(control))
        else:
            shown[column], method = _cld.compact_letters(out.order, same, method=letters, pool=pool)
            fell_back += method != letters
    se = np.sqrt(mse / fam.n) if fam.cov is None else np.sqrt(np.diag(fam.cov))
    order = np.asarray(out.order)
    columns = {
        "treatment": [fam.labels[i] for i in order],
        "mean": np.asarray(fam.means)[order],
        "sd": np.asarray(fam.sd)[order],
        "se": np.asarray(se)[order],
        "n": (fam.n.astype(int) if np.all(fam.n == np.round(fam.n)) else fam.n)[order],
    }
    columns.update({name: [marks[i] for i in order] for name, marks in shown.items()})
    return pd.DataFrame(columns), fell_back


# ---------------------------------------------------------------------------
# all families: the result
# ---------------------------------------------------------------------------
def _stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The families' tables one under the other (a single family's table as it is: each was
    built here with a fresh 0…n−1 index)."""
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _stacked_columns(parts: list[tuple[str | None, dict]]) -> pd.DataFrame:
    """The pairs or critical-value tables of the families, laid out when first read: each
    family's columns as a frame, led by its slice (``within``) when there are slices."""
    frames = []
    for within, columns in parts:
        frame = pd.DataFrame(columns)
        if within is not None:
            frame.insert(0, "within", within)
        frames.append(frame)
    return _stacked(frames)


def _assemble(
    test: str,
    families: list[Family],
    plan: Plan,
    *,
    notes: list[str],
    response: str | None,
    design: str | None,
    n_obs: int,
    alpha: float,
    alpha_capitals: float | None,
    descending: bool,
    letters: str,
    means: str = "given",
    means_coincide: bool = False,
    decimals: int | None = None,
    p_adjust: str | None = None,
    replication: str | None = None,
    stepdown: bool = False,
    control: str | None = None,
    alternative: str | None = None,
    k_ratio: float | None = None,
    f_values: list[float] | None = None,
) -> MultCompResult:
    group_frames: list[pd.DataFrame] = []
    pair_parts: list[tuple[str | None, dict]] = []
    crit_parts: list[tuple[str | None, dict]] = []
    levels = {fam.within if fam.within is not None else "": list(fam.labels) for fam in families}
    invalid_sweeps = []
    for i, fam in enumerate(families):
        where = f" within {fam.within}" if fam.within else ""
        if len(fam.labels) < 2:
            raise DesignError(
                f"only one level of {plan.term} is present{where}; at least 2 are needed to "
                "compare means."
            )
        if test == "Dunnett" and control not in fam.labels:
            raise DesignError(
                f"control={control!r} is not a level of {plan.term}{where}; the levels are "
                f"{', '.join(map(repr, fam.labels))}. Pass the label of the untreated or standard "
                "treatment exactly as it appears in the data."
            )
        out = compare_family(
            test,
            fam,
            mse=plan.mse,
            df=plan.df,
            alpha=alpha,
            alpha_capitals=alpha_capitals,
            descending=descending,
            p_adjust=p_adjust,
            replication=replication,
            stepdown=stepdown,
            control=control,
            alternative=alternative or "two-sided",
            k_ratio=k_ratio,
            f_value=None if f_values is None else f_values[i],
        )
        g, fell_back = _groups_table(test, fam, out, mse=plan.mse, letters=letters, control=control)
        invalid_sweeps += [fam.within] * fell_back
        if fam.within is not None:
            g.insert(0, "within", fam.within)
        group_frames.append(g)
        pair_parts.append((fam.within, out.pairs))
        crit_parts.append((fam.within, out.critical))
    notes = list(notes)
    if invalid_sweeps:
        where = "" if invalid_sweeps == [None] else " (in some slices)"
        notes.append(
            message("mc_piepho_some" if invalid_sweeps != [None] else "mc_piepho", where=where)
        )
    if test == "Duncan":
        notes.append(message("mc_duncan_protection"))
    if test == "Waller":
        notes.append(message("mc_waller"))
    warns = plan.warns + _replication_warning(families, replication, test)
    for category, text in warns:
        warnings.warn(text, category, stacklevel=4)  # the caller of the public function
    return MultCompResult(
        test=test,
        groups=_stacked(group_frames),
        pairs=Deferred(_stacked_columns, pair_parts),
        critical=Deferred(_stacked_columns, crit_parts),
        term=plan.term,
        within=plan.within,
        response=response,
        mse=plan.mse,
        df_resid=plan.df,
        error_term=plan.error_term,
        alpha=alpha,
        alpha_capitals=alpha_capitals,
        p_adjust=p_adjust,
        replication=replication,
        stepdown=stepdown,
        descending=descending,
        letters_method="piepho" if invalid_sweeps else letters,
        control=control,
        alternative=alternative,
        k_ratio=k_ratio,
        design=design,
        n_obs=n_obs,
        means=means,
        notes=tuple(notes),
        warnings=tuple(text for _, text in warns),
        _extra={"levels": levels, "means_coincide": means_coincide, "decimals": decimals},
    )


def _waller_f_values(aov, plan: Plan, families: list[Family]) -> tuple[list[float], Any]:
    """The F ratio behind each family's Waller–Duncan t, and a note saying where it came from.

    A whole term compared against its own error takes the F of the ANOVA table (as
    ``agricolae::waller.test``); a slice (``within=``) or a combined error takes the F of the
    family's own means, ``Σ n_i (ȳ_i − ȳ)² / (k − 1) / MSE``.
    """
    table = aov.table.set_index("source")
    own = getattr(aov, "error_of", {}).get(plan.term)
    if not plan.within and plan.term in table.index and own == plan.error_term:
        fval = float(table.loc[plan.term, "f"])
        if np.isfinite(fval):
            note = message("mc_waller_f_table", f=format_number(fval, 6), term=plan.term)
            return [fval] * len(families), note
    values = [family_f(f.means, f.n, plan.mse) for f in families]
    return values, message("mc_waller_f_means")


# ---------------------------------------------------------------------------
# the two entry points
# ---------------------------------------------------------------------------
def from_anova(
    test: str,
    aov,
    *,
    term,
    within,
    alpha=None,
    alpha_capitals=None,
    descending=True,
    letters="agricolae",
    means="ls",
    **options,
) -> MultCompResult:
    """Run ``test`` on an ANOVA result; the keywords are those of the public function."""
    options = _check_options(options)
    check_choice(means, "means", ("ls", "arithmetic"))
    if not all(hasattr(aov, a) for a in ("table", "factors", "data", "errors", "design")):
        raise OptionError(
            f"{test.lower()}() takes the result of fertopt.anova(...), got {type(aov).__name__}. "
            f"For means from a published table use {test.lower()}_from_means(means=..., n=..., "
            "mse=..., df_resid=...)."
        )
    alpha, alpha_capitals, descending = _common_checks(alpha, alpha_capitals, descending, letters)
    # Waller–Duncan has no alpha: interactions are judged at 5 % for its warning
    plan = plan_comparison(aov, term, within, 0.05 if np.isnan(alpha) else alpha)
    chosen = select_means(aov, plan.parts, plan.within, means)
    check_replicated(chosen.families, " in the analysed data")
    plan.warns += chosen.warns
    notes = [*plan.notes, *chosen.notes]
    if test == "Waller":
        options["f_values"], note = _waller_f_values(aov, plan, chosen.families)
        notes.append(note)
    return _assemble(
        test,
        chosen.families,
        plan,
        notes=notes,
        means=chosen.kind,
        means_coincide=chosen.coincide,
        response=str(aov.response),
        design=str(aov.design),
        n_obs=chosen.n_obs,
        alpha=alpha,
        alpha_capitals=alpha_capitals,
        descending=descending,
        letters=letters,
        decimals=data_decimals(aov.data[aov.response]),
        **options,
    )


def from_means(
    test: str,
    *,
    means,
    n,
    mse,
    df_resid,
    sd,
    alpha=None,
    alpha_capitals=None,
    descending=True,
    letters="agricolae",
    **options,
) -> MultCompResult:
    """Run ``test`` on a table of means; the keywords are those of the public function."""
    options = _check_options(options)
    alpha, alpha_capitals, descending = _common_checks(alpha, alpha_capitals, descending, letters)
    plan = given_error(mse, df_resid)
    fam = family_from_means(means, n, sd)
    check_replicated([fam], "")
    if test == "Waller":
        given = options.pop("f_value", None)
        options["f_values"] = [family_f(fam.means, fam.n, plan.mse) if given is None else given]
    return _assemble(
        test,
        [fam],
        plan,
        notes=[],
        response=None,
        design=None,
        n_obs=int(np.sum(fam.n)),
        alpha=alpha,
        alpha_capitals=alpha_capitals,
        descending=descending,
        letters=letters,
        decimals=data_decimals(fam.means),
        **options,
    )
