"""The design of an :func:`fertopt.anova.anova` call: its kind, the data it analyses, the checks.

:func:`design_of` reads the roles given (CRD, RCBD, Latin square, factorial, split-plot) into a
:class:`Spec`; :func:`prepare` keeps the plots with a response; :func:`check_layout` checks the
layout against the design (and collects the warnings in the :class:`Spec`); :func:`terms_of`
gives the model terms in order and the error each is tested against.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core import validation as _v
from fertopt._core.formatting import format_number
from fertopt._core.i18n import message
from fertopt._core.roles import BLOCK_NAMES
from fertopt.anova.projections import Term, term_name
from fertopt.exceptions import (
    DataError,
    DataWarning,
    DesignError,
    DesignWarning,
    UnbalancedDesignWarning,
)

ERROR_A, ERROR_B, RESID = "Error a", "Error b", "Residuals"


@dataclass
class Spec:
    design: str
    factors: tuple
    block: Any = None
    row: Any = None
    column: Any = None
    main_plot: Any = None
    sub_plot: Any = None
    notes: list[tuple[type, str]] = field(default_factory=list)

    def warn(self, category: type, message: str) -> None:
        self.notes.append((category, message))


def design_of(treatment, block, row, column, main_plot, sub_plot) -> Spec:
    if main_plot is not None or sub_plot is not None:
        if treatment is not None:
            raise DesignError(
                "give either treatment= (CRD, RCBD, factorial, Latin square) or main_plot= and "
                "sub_plot= (split-plot), not both."
            )
        if main_plot is None or sub_plot is None:
            raise DesignError("a split-plot needs both main_plot= and sub_plot= columns.")
        if block is None:
            raise DesignError(
                "a split-plot is analysed in randomized complete blocks: name the block "
                "(replicate) column with block=."
            )
        return Spec(
            "split-plot RCBD",
            (main_plot, sub_plot),
            block=block,
            main_plot=main_plot,
            sub_plot=sub_plot,
        )
    if treatment is None:
        raise DesignError(
            "treatment= is required: name the column (or columns) holding the treatments."
        )
    factors = _v.as_names(treatment, "treatment")
    if len(factors) > 3:
        raise DesignError(
            f"treatment= names {len(factors)} factors; factorials of 2 or 3 factors are supported. "
            "Combine factors into one treatment column for a one-way analysis."
        )
    if (row is None) != (column is None):
        raise DesignError(
            "a Latin square needs both row= and column= (the two blocking directions)."
        )
    if row is not None:
        if block is not None:
            raise DesignError(
                "give row= and column= for a Latin square, or block= for an RCBD, not both."
            )
        if len(factors) != 1:
            raise DesignError(
                "a Latin square is analysed for one treatment factor; give treatment= one column."
            )
        return Spec("Latin square", factors, row=row, column=column)
    if len(factors) > 1:
        return Spec(
            "factorial RCBD" if block is not None else "factorial CRD", factors, block=block
        )
    return Spec("RCBD" if block is not None else "CRD", factors, block=block)


def prepare(data, response, spec: Spec, nan_policy: str) -> tuple[pd.DataFrame, int]:
    frame = _v.require_frame(data)
    _v.require_columns(
        frame,
        response=response,
        treatment=None if spec.main_plot else list(spec.factors),
        block=spec.block,
        row=spec.row,
        column=spec.column,
        main_plot=spec.main_plot,
        sub_plot=spec.sub_plot,
    )
    y = _v.to_numeric(frame[response], "response")
    keep, text = _v.drop_missing(
        [y],
        nan_policy,
        refuse=_v.RESPONSE_EMPTY,
        left_out="left_out_no_column",
        column=response,
        issue=False,
    )
    missing = ~keep
    n_dropped = int(missing.sum())
    if n_dropped:
        if n_dropped == len(frame):
            raise DataError(f"response column {response!r} holds no numbers at all.")
        spec.warn(DataWarning, text)
    roles = {c: "treatment" for c in spec.factors}
    roles.update({spec.block: "block", spec.row: "row", spec.column: "column"})
    if spec.main_plot:
        roles.update({spec.main_plot: "main_plot", spec.sub_plot: "sub_plot"})
    roles.pop(None, None)
    clean = pd.DataFrame({response: y.to_numpy()[~missing]}, index=frame.index[~missing])
    for column, role in roles.items():
        clean[column] = _v.as_labels(frame.loc[~missing, column], role)
    return clean, n_dropped


def check_layout(clean: pd.DataFrame, response, spec: Spec, all_columns: Sequence) -> bool:
    """Design checks; returns whether the layout is balanced."""
    n = len(clean)
    for f in spec.factors:
        role = (
            "treatment"
            if spec.main_plot is None
            else ("main_plot" if f == spec.main_plot else "sub_plot")
        )
        _v.require_levels(clean[f].values, role, f)
    if spec.block is not None:
        others = [
            c
            for c in all_columns
            if c not in (response, spec.block, *spec.factors) and str(c).lower() in BLOCK_NAMES
        ]
        _v.check_blocks(clean[spec.block].values, spec.block, n, others)
    y = clean[response].to_numpy()
    if np.all(y == y[0]):
        raise DataError(
            f"all {n} values of {response!r} are equal ({format_number(y[0])}); there is no "
            "variation to analyse. Check that the right column was named as response."
        )

    cells = _v.cell_counts(clean, list(spec.factors))
    balanced = bool(cells.min() > 0 and cells.nunique() == 1)
    if spec.design in ("RCBD", "factorial RCBD"):
        by_block = _v.cell_counts(clean, [spec.block, *spec.factors])
        empty = by_block[by_block == 0]
        per_block = clean.groupby(spec.block, observed=True).size()
        if (
            len(empty)
            and per_block.nunique() == 1
            and (by_block <= 1).all()
            and len(empty) * 2 >= len(by_block)
        ):
            spec.warn(
                UnbalancedDesignWarning,
                message("incomplete_blocks", k=str(int(per_block.iloc[0])), n=str(len(cells))),
            )
        elif len(empty):
            spec.warn(
                UnbalancedDesignWarning,
                message("missing_plots", cells=_v.describe_cells(empty)),
            )
        extra = by_block[by_block > 1]
        if len(extra):
            spec.warn(
                DesignWarning,
                message(
                    "replicated_in_block",
                    cells=_v.describe_cells(extra),
                    s="s" if len(extra) == 1 else "",
                ),
            )
        balanced = balanced and bool(by_block.min() > 0 and by_block.nunique() == 1)
    elif spec.design == "Latin square":
        t = len(clean[spec.factors[0]].cat.categories)
        r = len(clean[spec.row].cat.categories)
        c = len(clean[spec.column].cat.categories)
        once_r = _v.cell_counts(clean, [spec.row, spec.factors[0]])
        once_c = _v.cell_counts(clean, [spec.column, spec.factors[0]])
        if not (t == r == c and n == t * t and (once_r == 1).all() and (once_c == 1).all()):
            spec.warn(
                DesignWarning,
                message("not_latin_square", t=str(t), r=str(r), c=str(c), n=str(n)),
            )
            balanced = False
    elif spec.design == "split-plot RCBD":
        whole = _v.cell_counts(clean, [spec.block, spec.main_plot])
        sub = _v.cell_counts(clean, [spec.block, spec.main_plot, spec.sub_plot])
        if (whole == 0).any() or (sub != 1).any():
            raise DesignError(
                "a split-plot needs every main-plot level in every block and every sub-plot level "
                "once in every main plot; "
                + (
                    f"missing: {_v.describe_cells(sub[sub == 0])}."
                    if (sub == 0).any()
                    else f"repeated: {_v.describe_cells(sub[sub > 1])}."
                )
                + " Complete or correct these plots (unbalanced split-plots need a mixed model)."
            )
    if spec.design.startswith("factorial") and (cells == 0).any():
        spec.warn(
            DesignWarning,
            message("empty_cells", cells=_v.describe_cells(cells[cells == 0])),
        )
    return balanced


def terms_of(spec: Spec) -> tuple[list[Term], dict[str, str]]:
    """Model terms in order and the error each is tested against."""
    if spec.design == "split-plot RCBD":
        a, b, blk = spec.main_plot, spec.sub_plot, spec.block
        terms = [(blk,), (a,), (blk, a), (b,), (a, b)]
        error_of = {str(blk): ERROR_A, str(a): ERROR_A, str(b): ERROR_B, f"{a}:{b}": ERROR_B}
        return terms, error_of
    lead: list[Term] = []
    if spec.block is not None:
        lead.append((spec.block,))
    if spec.row is not None:
        lead += [(spec.row,), (spec.column,)]
    f = spec.factors
    effects: list[Term] = [
        combo for order in range(1, len(f) + 1) for combo in itertools.combinations(f, order)
    ]
    terms = lead + effects
    return terms, {term_name(t): RESID for t in terms}


# ---------------------------------------------------------------------------
# assumption checks
