"""N-P-K response surfaces: fitting, canonical analysis, optima and typicality.

:func:`fit_surface` fits a binary or ternary quadratic (or square-root)
surface to plot data, with all terms, a given term list, or stepwise
selection; :func:`surface_from_coefficients` wraps a published equation.
Both return a :class:`SurfaceFit`, which answers the questions an analyst
asks of a fertilizer-effect function:

* :meth:`SurfaceFit.canonical` – is there a maximum at all (eigenvalues of
  the quadratic part), where is the stationary point, is it inside the tested
  region; ridge analysis when it is not;
* :meth:`SurfaceFit.maximum` and :meth:`SurfaceFit.optimum` – the highest
  yield or net return inside bounds (the tested box by default), which
  bounds bind, and the unconstrained solution alongside;
* :meth:`SurfaceFit.typicality` – the typical/atypical verdict of 3414
  practice with every failed rule named;
* :meth:`SurfaceFit.assess` – audit one rate combination (a published
  "optimum", say).

Terms are named ``intercept``, ``N``, ``N^2``, ``N:P2O5``, ``sqrt(N)``
(and ``N:P2O5:K2O`` for a three-way product).

This module holds the two public functions; the result class is in ``result``
and the work is done in sibling modules, one concept each: ``terms`` (term
names), ``design`` (can the design identify the surface), ``fit`` (data,
least squares, ANOVA), ``stepwise``, ``region`` (rates and the tested box),
``canonical`` (shape, stationary point, ridge), ``optimum`` (the exact
box-constrained optimum), ``typicality``, ``point`` (:meth:`SurfaceFit.assess`),
``results`` (the result classes of those questions), ``protocol`` (what the
helpers read from a fit) and ``poly`` (the polynomial arithmetic, shared with
the batch engine).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from fertopt._core.i18n import message
from fertopt._core.validation import (
    check_choice,
    check_nan_policy,
    check_probability,
    positive_number,
    require_frame,
)
from fertopt.exceptions import OptionError
from fertopt.surface import poly as _ps
from fertopt.surface import stepwise as _surface_stepwise
from fertopt.surface import terms as _surface_terms
from fertopt.surface.design import check_identifiable
from fertopt.surface.fit import (
    anova_table,
    block_columns,
    fit_coefficients,
    prepare_data,
    resolve_rates,
    resolve_units,
    support_table,
)
from fertopt.surface.region import published_region
from fertopt.surface.result import NAMES_BY_K, SurfaceFit
from fertopt.surface.results import CanonicalResult, SurfaceOptimum, SurfacePoint, TypicalityResult

__all__ = [
    "fit_surface",
    "surface_from_coefficients",
    "SurfaceFit",
    "CanonicalResult",
    "SurfaceOptimum",
    "TypicalityResult",
    "SurfacePoint",
]


def fit_surface(
    data: Any,
    /,
    *,
    response: str,
    rates: Sequence[str] | Mapping[str, str] = ("N", "P2O5", "K2O"),
    model: Literal["quadratic", "square_root"] = "quadratic",
    terms: str | Sequence[str] = "full",
    block: str | None = None,
    f_enter: float = 4.0,
    f_remove: float = 3.9,
    hierarchy: bool = True,
    confidence_level: float = 0.95,
    units: Mapping[str, str] | None = None,
    nan_policy: Literal["omit", "raise"] = "omit",
    allow_negative: bool = False,
) -> SurfaceFit:
    """Fit a binary or ternary quadratic (or square-root) response surface to plot data.

    Parameters
    ----------
    data : DataFrame
        One row per plot.
    response : str
        Column with the response (yield).
    rates : sequence of str or mapping, default ("N", "P2O5", "K2O")
        Rate columns, which also name the nutrients; or ``{"N": "n_rate", ...}`` to give
        nutrient names different from the columns.
    model : {"quadratic", "square_root"}
        Term family: quadratic ``N, N^2, N:P…``; square-root ``sqrt(N), N,
        sqrt(N):sqrt(P)…`` (Heady's surface).
    terms : "full", "stepwise" or list of str
        All terms of the family; stepwise selection among them; or an explicit list in the
        naming convention (for example Welch's ``[..., "N:P:K"]``).
    block : str, optional
        Block column; blocks enter with sum-to-zero coding, so the intercept is the
        average over blocks.
    f_enter, f_remove : float, default 4.0 and 3.9
        Stepwise criteria: a term enters when its partial F (on 1 and the new residual df)
        is at least ``f_enter`` and leaves when its partial F falls below ``f_remove``
        (Efroymson's procedure, as in DPS; ``f_remove ≤ f_enter`` prevents cycling).
    hierarchy : bool, default True
        In stepwise selection, a square or product enters only after the terms it
        contains (``N^2`` after ``N``; ``N:P`` after ``N`` and ``P``) and those cannot
        leave while it is in the model.
    confidence_level : float, default 0.95
        For coefficient intervals.
    units : mapping, optional
        ``{"response": "t/ha", "rates": "kg/ha"}`` (or a unit per nutrient); by default the
        units recorded by :func:`fertopt.read_trials` or :func:`fertopt.load_dataset`.  A
        :class:`fertopt.Prices` uses them to convert prices to the data's scale.
    nan_policy : {"omit", "raise"}
        Plots without a response value are left out (counted) or refused.
    allow_negative : bool, default False
        Accept negative responses (yield gains, differences); a negative yield is otherwise
        refused as a data-entry mistake.

    Returns
    -------
    SurfaceFit
        See the class for every field; ``coefficients`` has the columns ``term, estimate,
        se, t, p, ci_low, ci_high``; ``anova`` has ``source, df, ss, ms, f, p``.

    Raises
    ------
    ColumnError
        If a named column is missing.
    DataError
        For non-numeric or negative rates, or rates missing; for negative responses (unless
        ``allow_negative``), responses beyond 1e±100, or responses that do not vary (all
        equal, or equal to within 1e-9 of their size: rounding noise, on which a surface's F
        and shape would be decided by chance).
    DesignError
        When the design cannot identify the surface: a nutrient with one rate, nutrients
        whose rates move together, too few rates for a nutrient's curvature, fewer
        distinct rate combinations than coefficients, or aliased terms.  The message says
        which, in plain words.

    Warns
    -----
    DataWarning
        When plots without a response are left out.
    DesignWarning
        When no residual degrees of freedom are left.

    Notes
    -----
    Least squares by QR on unit-scaled columns.  ANOVA: blocks (sequential, first),
    regression (all surface terms, adjusted for blocks), residual; the residual splits
    into lack of fit and pure error (replicates of a rate combination, within blocks)
    when there is pure error.  Coefficients, SEs and the ANOVA match R's ``lm`` with
    ``contr.sum`` block coding (``tests/reference/surface_*.R``).

    Examples
    --------
    >>> import numpy as np, pandas as pd, fertopt as fo
    >>> g = np.array([0., 9., 18., 27.])
    >>> n, p = [a.ravel() for a in np.meshgrid(g, g / 2)]
    >>> y = 1700 + 60 * n + 80 * p - 2 * n**2 - 6 * p**2 + 0.5 * n * p
    >>> surf = fo.fit_surface(pd.DataFrame({"N": n, "P2O5": p, "yield": y + np.tile([3., -3.], 8)}),
    ...                       response="yield", rates=("N", "P2O5"))
    >>> surf.canonical().kind
    'maximum'
    """
    frame = require_frame(data)
    nutrients, columns = resolve_rates(rates)
    model = check_choice(model, "model", ("quadratic", "square_root"))
    nan_policy = check_nan_policy(nan_policy)
    confidence_level = check_probability(confidence_level, "confidence_level")
    y, x, blocks, n_dropped, warn_list = prepare_data(
        frame, response, columns, block, nan_policy, allow_negative
    )
    response_unit, rate_units = resolve_units(frame, units, response, columns)
    k = len(nutrients)
    powers, selection, model = _surface_terms.fit_terms(terms, nutrients, model)
    if selection == "stepwise":
        f_enter, f_remove = _surface_stepwise.check_criteria(f_enter, f_remove)
    what = message(
        "surface_name",
        kind=message(f"nutrients_{NAMES_BY_K[k]}") if k in NAMES_BY_K else f"{k}-nutrient",
        model=message(f"surface_model_{model}"),
    )
    check_identifiable(powers, x, nutrients, what=what, stepwise=selection == "stepwise")
    bcols = block_columns(blocks)
    base = np.column_stack([np.ones(len(y)), bcols]) if bcols.size else np.ones((len(y), 1))
    names = [_ps.term_name(p, nutrients) for p in powers]
    steps = pd.DataFrame(columns=list(_surface_stepwise.STEP_COLUMNS))
    if selection == "stepwise":
        cols_all = _ps.design_columns(powers, x)
        chosen, steps = _surface_stepwise.stepwise(
            powers, names, cols_all, base, y, f_enter, f_remove, hierarchy
        )
        powers = [powers[0]] + [powers[j] for j in chosen]
        names = [names[0]] + [names[j] for j in chosen]
    fit = fit_coefficients(powers, names, x, y, bcols, confidence_level, warn_list)
    n = len(y)
    sst = float(((y - y.mean()) ** 2).sum())
    anova = anova_table(y, x, bcols, base, fit, len(powers) - 1, sst)
    r2 = 1 - fit.sse / sst if sst > 0 else math.nan
    adj_r2 = (
        1 - (fit.sse / fit.df_resid) / (sst / (n - 1)) if fit.df_resid > 0 and sst > 0 else math.nan
    )
    sup, ck, ck_source = support_table(x, y, powers, fit.estimates, nutrients)
    bounds = {nm: (float(x[:, i].min()), float(x[:, i].max())) for i, nm in enumerate(nutrients)}
    return SurfaceFit(
        response=str(response),
        nutrients=nutrients,
        columns={k_: str(v) for k_, v in columns.items()},
        model=model,
        selection=selection,
        terms=tuple(names),
        coefficients=fit.table,
        anova=anova,
        steps=steps,
        support=sup,
        bounds=bounds,
        r_squared=r2,
        adj_r_squared=adj_r2,
        sigma=math.sqrt(fit.s2) if fit.df_resid > 0 else math.nan,
        rmse=math.sqrt(fit.sse / n),
        df_resid=int(fit.df_resid),
        n_obs=int(n),
        n_dropped=n_dropped,
        n_support=len(sup),
        n_blocks=len(blocks.categories) if blocks is not None else 0,
        ck_yield=ck,
        ck_source=ck_source,
        response_unit=response_unit,
        rate_units=rate_units,
        f_enter=f_enter if selection == "stepwise" else None,
        f_remove=f_remove if selection == "stepwise" else None,
        hierarchy=bool(hierarchy),
        confidence_level=confidence_level,
        warnings=tuple(warn_list),
        _powers=tuple(tuple(p) for p in powers),
        _cov=fit.cov,
        _points=x,
    )


def surface_from_coefficients(
    coefficients: Mapping[str, float] | pd.Series | pd.DataFrame,
    /,
    *,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    ck_yield: float | None = None,
    response: str = "yield",
    units: Mapping[str, str] | None = None,
) -> SurfaceFit:
    """A published surface, audited through the same interface as a fitted one.

    Parameters
    ----------
    coefficients : mapping, Series or DataFrame
        ``{"intercept": 1688.61, "P2O5^2": -17.65, "N:K2O": 0.064, "P2O5:K2O": 16.99}``;
        terms not given are zero.  A DataFrame needs ``term`` and ``estimate`` columns.
    bounds : mapping, optional
        The tested region ``{"N": (0, 18), ...}``; its keys (in order) name the
        nutrients.  Without it the nutrients come from the term names and nothing can be
        checked against a tested region.
    ck_yield : float, optional
        Observed no-fertilizer yield, for the typicality rule 5 (default: the intercept).
    response : str
        Name of the response, for display.
    units : mapping, optional
        ``{"response": "kg/mu", "rates": "kg/mu"}``, needed when the surface is priced with a
        :class:`fertopt.Prices` whose units differ from kg per the same area.

    Returns
    -------
    SurfaceFit
        With ``selection="published"``, no standard errors and an empty ANOVA.

    Raises
    ------
    OptionError
        For a term naming an unknown nutrient, a repeated term, or invalid bounds.

    Examples
    --------
    The reference study's stepwise ternary equation:

    >>> import fertopt as fo
    >>> surf = fo.surface_from_coefficients(
    ...     {"intercept": 1688.61, "P2O5^2": -17.65, "N:K2O": 0.064, "P2O5:K2O": 16.99},
    ...     bounds={"N": (0, 18), "P2O5": (0, 8), "K2O": (0, 19)})
    >>> round(surf.predict({"N": 13.2, "P2O5": 8, "K2O": 21}), 2)
    3431.07
    >>> surf.canonical().kind
    'saddle'
    >>> best = surf.maximum(bounds="tested")
    >>> best.rates, round(best.yield_at_rates, 1), best.status
    ({'N': 18.0, 'P2O5': 8.0, 'K2O': 19.0}, 3163.4, 'saddle')
    """
    if isinstance(coefficients, pd.DataFrame):
        if not {"term", "estimate"} <= set(coefficients.columns):
            raise OptionError("a coefficient table needs the columns 'term' and 'estimate'.")
        items = list(zip(coefficients["term"], coefficients["estimate"], strict=True))
    elif isinstance(coefficients, (Mapping, pd.Series)):
        items = list(coefficients.items())
    else:
        raise OptionError(
            "coefficients must be a mapping {term: value}, e.g. {'intercept': 1688.61, 'N': 25.3}."
        )
    if not items:
        raise OptionError("no coefficients given.")
    if bounds is not None:
        if not isinstance(bounds, Mapping) or not bounds:
            raise OptionError("bounds must be a mapping {'N': (low, high), ...}.")
        nutrients = tuple(str(n) for n in bounds)
    else:
        nutrients = _surface_terms.nutrients_named(items)
    resolve_rates(nutrients)
    powers, values = _surface_terms.published_terms(items, nutrients)
    bdict = published_region(bounds, nutrients) if bounds is not None else None
    names = [_ps.term_name(p, nutrients) for p in powers]
    response_unit, rate_units = resolve_units(None, units, response, {n: n for n in nutrients})
    model = _surface_terms.published_model(powers, len(nutrients))
    nan = np.full(len(values), np.nan)
    coef_table = pd.DataFrame(
        {
            "term": names,
            "estimate": np.array(values),
            "se": nan,
            "t": nan,
            "p": nan,
            "ci_low": nan,
            "ci_high": nan,
        }
    )
    if ck_yield is not None:
        ck, ck_source = positive_number(ck_yield, "ck_yield", allow_zero=True), "given"
    else:
        ck, ck_source = float(values[0]), "predicted"
    return SurfaceFit(
        response=str(response),
        nutrients=nutrients,
        columns={n: n for n in nutrients},
        model=model,
        selection="published",
        terms=tuple(names),
        coefficients=coef_table,
        anova=pd.DataFrame(columns=["source", "df", "ss", "ms", "f", "p"]),
        steps=pd.DataFrame(columns=list(_surface_stepwise.STEP_COLUMNS)),
        support=pd.DataFrame(columns=[*nutrients, "n", "mean", "fitted"]),
        bounds=bdict,
        r_squared=math.nan,
        adj_r_squared=math.nan,
        sigma=math.nan,
        rmse=math.nan,
        df_resid=0,
        n_obs=0,
        n_dropped=0,
        n_support=0,
        n_blocks=0,
        ck_yield=ck,
        ck_source=ck_source,
        response_unit=response_unit,
        rate_units=rate_units,
        _powers=tuple(powers),
    )
