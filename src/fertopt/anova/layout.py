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
from fertopt._core.i18n import message
from fertopt._core.roles import BLOCK_NAMES, COLUMN_ALIASES
from fertopt.anova.projections import Term, term_name
from fertopt.exceptions import (
    DataError,
    DataWarning,
    DesignError,
    DesignWarning,
    OptionError,
    UnbalancedDesignWarning,
)

ERROR_A, ERROR_B, ERROR_C, RESID = "Error a", "Error b", "Error c", "Residuals"
SPLIT_PLOT, SPLIT_SPLIT, STRIP = "split-plot RCBD", "split-split-plot RCBD", "strip-plot RCBD"
#: Designs with several error strata (each treatment term tested against its own error).
STRATA_DESIGNS = (SPLIT_PLOT, SPLIT_SPLIT, STRIP)


@dataclass
class Spec:
    design: str
    factors: tuple
    block: Any = None
    row: Any = None
    column: Any = None
    main_plot: Any = None
    sub_plot: Any = None
    sub_sub_plot: Any = None
    horizontal: Any = None
    vertical: Any = None
    notes: list[tuple[type, str]] = field(default_factory=list)

    @property
    def roles(self) -> dict[Any, str]:
        """Factor column → its role name (``treatment``, ``main_plot``, … ``vertical``)."""
        named = {
            self.main_plot: "main_plot",
            self.sub_plot: "sub_plot",
            self.sub_sub_plot: "sub_sub_plot",
            self.horizontal: "horizontal",
            self.vertical: "vertical",
        }
        return {f: named.get(f, "treatment") for f in self.factors}

    def warn(self, category: type, message: str) -> None:
        self.notes.append((category, message))


def design_of(
    treatment,
    block,
    row,
    column,
    main_plot,
    sub_plot,
    sub_sub_plot=None,
    horizontal=None,
    vertical=None,
) -> Spec:
    if isinstance(block, (list, tuple)):
        raise OptionError(
            f"block={block!r} names {len(block)} columns, but block= takes one column (the "
            "replicate). For a Latin square give its two blocking directions as "
            f"row={block[0]!r}, column={block[-1]!r}; to block by a combination of columns, join "
            "them into one column first."
            if len(block) == 2
            else f"block={block!r} names several columns, but block= takes one column (the "
            "replicate); for a Latin square give row= and column=."
        )
    if horizontal is not None or vertical is not None:
        return _strip_design(
            treatment, block, main_plot, sub_plot, sub_sub_plot, horizontal, vertical
        )
    if sub_sub_plot is not None:
        if treatment is not None:
            raise DesignError(
                "give either treatment= or main_plot=, sub_plot= and sub_sub_plot= "
                "(split-split-plot), not both."
            )
        if main_plot is None or sub_plot is None:
            raise DesignError(
                "a split-split-plot needs main_plot=, sub_plot= and sub_sub_plot= columns; "
                f"sub_sub_plot={sub_sub_plot!r} was given without "
                + (
                    "main_plot= and sub_plot=."
                    if main_plot is None and sub_plot is None
                    else "main_plot=."
                    if main_plot is None
                    else "sub_plot=."
                )
            )
        if block is None:
            raise DesignError(
                "a split-split-plot is analysed in randomized complete blocks: name the block "
                "(replicate) column with block=."
            )
        return Spec(
            SPLIT_SPLIT,
            (main_plot, sub_plot, sub_sub_plot),
            block=block,
            main_plot=main_plot,
            sub_plot=sub_plot,
            sub_sub_plot=sub_sub_plot,
        )
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


def _strip_design(
    treatment, block, main_plot, sub_plot, sub_sub_plot, horizontal, vertical
) -> Spec:
    """The strip-plot (split-block) of ``horizontal=`` and ``vertical=`` in complete blocks."""
    if any(v is not None for v in (treatment, main_plot, sub_plot, sub_sub_plot)):
        raise DesignError(
            "give horizontal= and vertical= for a strip-plot without treatment=, main_plot=, "
            "sub_plot= or sub_sub_plot=: the two strip factors are the treatments."
        )
    if horizontal is None or vertical is None:
        raise DesignError(
            "a strip-plot needs both horizontal= (the factor of the horizontal strips) and "
            "vertical= (the factor of the vertical strips)."
        )
    if block is None:
        raise DesignError(
            "a strip-plot is analysed in randomized complete blocks: name the block (replicate) "
            "column with block=."
        )
    return Spec(
        STRIP, (horizontal, vertical), block=block, horizontal=horizontal, vertical=vertical
    )


def prepare(
    data, response, spec: Spec, nan_policy: str, allow_negative: bool = False
) -> tuple[pd.DataFrame, int]:
    frame = _v.require_frame(data)
    _v.require_columns(
        frame,
        response=response,
        treatment=[f for f, r in spec.roles.items() if r == "treatment"] or None,
        block=spec.block,
        row=spec.row,
        column=spec.column,
        main_plot=spec.main_plot,
        sub_plot=spec.sub_plot,
        sub_sub_plot=spec.sub_sub_plot,
        horizontal=spec.horizontal,
        vertical=spec.vertical,
    )
    y = _v.response_values(frame, response, allow_negative=allow_negative)
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
    roles = dict(spec.roles)
    roles.update({spec.block: "block", spec.row: "row", spec.column: "column"})
    roles.pop(None, None)
    keep_rows = ~missing
    columns: dict[Any, Any] = {response: y.to_numpy()[keep_rows]}
    merged: list[str] = []
    for column, role in roles.items():
        series = frame[column][keep_rows] if n_dropped else frame[column]
        columns[column] = _v.as_labels(series, role, merged)
    clean = pd.DataFrame(columns, index=frame.index[keep_rows])
    for text in merged:
        spec.warn(DataWarning, text)
    return clean, n_dropped


def _counts(codes: dict, sizes: dict, columns: list) -> np.ndarray:
    """Plots in every combination of the levels of ``columns`` (an array, empty cells 0)."""
    shape = tuple(sizes[c] for c in columns)
    flat = np.ravel_multi_index([codes[c] for c in columns], shape)
    return np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape)


def check_layout(clean: pd.DataFrame, response, spec: Spec, all_columns: Sequence) -> bool:
    """Design checks; returns whether the layout is balanced."""
    n = len(clean)
    for f, role in spec.roles.items():
        _v.require_levels(clean[f].values, role, f)
    if spec.block is not None:
        others = [
            c
            for c in all_columns
            if c not in (response, spec.block, *spec.factors) and str(c).lower() in BLOCK_NAMES
        ]
        _v.check_blocks(clean[spec.block].values, spec.block, n, others)
        _refuse_crossed_site_blocks(clean, spec)
    _v.check_variation(clean[response].to_numpy(), response)

    codes = {c: clean[c].cat.codes.to_numpy() for c in (*spec.factors, spec.block) if c}
    sizes = {c: len(clean[c].cat.categories) for c in codes}
    cells = _counts(codes, sizes, list(spec.factors))
    balanced = bool(cells.min() > 0 and (cells == cells.flat[0]).all())
    if spec.design in ("RCBD", "factorial RCBD"):
        by_block = _counts(codes, sizes, [spec.block, *spec.factors]).ravel()
        n_empty = int((by_block == 0).sum())
        per_block = np.bincount(codes[spec.block])
        per_block = per_block[per_block > 0]
        if (
            n_empty
            and (per_block == per_block[0]).all()
            and (by_block <= 1).all()
            and n_empty * 2 >= len(by_block)
        ):
            spec.warn(
                UnbalancedDesignWarning,
                message("incomplete_blocks", k=str(int(per_block[0])), n=str(cells.size)),
            )
        elif n_empty:
            table = _v.cell_counts(clean, [spec.block, *spec.factors])
            spec.warn(
                UnbalancedDesignWarning,
                message("missing_plots", cells=_v.describe_cells(table[table == 0])),
            )
        if (by_block > 1).any():
            table = _v.cell_counts(clean, [spec.block, *spec.factors])
            extra = table[table > 1]
            spec.warn(
                DesignWarning,
                message(
                    "replicated_in_block",
                    cells=_v.describe_cells(extra),
                    s="s" if len(extra) == 1 else "",
                ),
            )
        balanced = balanced and bool(by_block.min() > 0 and (by_block == by_block[0]).all())
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
    elif spec.design in (SPLIT_SPLIT, STRIP):
        cells = _v.cell_counts(clean, [spec.block, *spec.factors])
        if (cells != 1).any():
            what = (
                "every main-plot level in every block, every sub-plot level once in every main "
                "plot and every sub-sub-plot level once in every sub-plot"
                if spec.design == SPLIT_SPLIT
                else "every combination of the horizontal and vertical levels once in every block"
            )
            name = "split-split-plot" if spec.design == SPLIT_SPLIT else "strip-plot"
            raise DesignError(
                f"a {name} needs {what}; "
                + (
                    f"missing: {_v.describe_cells(cells[cells == 0])}."
                    if (cells == 0).any()
                    else f"repeated: {_v.describe_cells(cells[cells > 1])}."
                )
                + f" Complete or correct these plots (an unbalanced {name} needs a mixed model)."
            )
    if spec.design.startswith("factorial") and (cells == 0).any():
        table = _v.cell_counts(clean, list(spec.factors))
        spec.warn(
            DesignWarning,
            message("empty_cells", cells=_v.describe_cells(table[table == 0])),
        )
    return balanced


def _refuse_crossed_site_blocks(clean: pd.DataFrame, spec: Spec) -> None:
    """A site (or year) given as a treatment with block labels repeated at every site.

    The reps of different sites are different blocks; read as crossed with the site, they
    would leave 3 block df where 9 belong (3 sites × 4 reps) and test every term against the
    plot residual, as issue 14 shows.
    """
    places = {*COLUMN_ALIASES["site"], *COLUMN_ALIASES["year"], "env", "environment"}
    for f in spec.factors:
        if str(f).lower().replace(" ", "").replace("_", "") not in places:
            continue
        shared = clean.groupby(spec.block, observed=True)[f].nunique()
        if (shared > 1).any():
            raise DesignError(
                f"{f!r} is given as a treatment and the block labels of {spec.block!r} repeat "
                f"across its levels ({', '.join(map(str, shared[shared > 1].index[:4]))} …): "
                f"the blocks of each {f} are different blocks, nested in it, and sites are "
                f"usually a sample whose treatment × {f} interaction is the error for "
                "treatments. Use fertopt.combined_anova(data, response=..., "
                f"treatment=..., block={spec.block!r}, site={f!r}) for the combined analysis, "
                f"or analyse each {f} alone."
            )


def terms_of(spec: Spec) -> tuple[list[Term], dict[str, str]]:
    """Model terms in order and the error each is tested against."""
    blk = spec.block
    if spec.design == SPLIT_SPLIT:
        a, b, c = spec.factors
        terms = [(blk,), (a,), (blk, a), (b,), (a, b), (blk, b), (blk, a, b)]
        terms += [(c,), (a, c), (b, c), (a, b, c)]
        error_of = {str(blk): ERROR_A, str(a): ERROR_A, str(b): ERROR_B, f"{a}:{b}": ERROR_B}
        error_of.update({term_name(t): ERROR_C for t in terms[7:]})
        return terms, error_of
    if spec.design == STRIP:
        h, v = spec.factors
        terms = [(blk,), (h,), (blk, h), (v,), (blk, v), (h, v)]
        return terms, {str(h): ERROR_A, str(v): ERROR_B, f"{h}:{v}": ERROR_C}
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


def error_strata(spec: Spec) -> tuple[dict[str, list[str]], str]:
    """The errors of a design with several strata: each error's model terms, and the name of
    the residual's stratum (``{}, "Residuals"`` for the other designs)."""
    blk = str(spec.block)
    if spec.design == SPLIT_PLOT:
        return {ERROR_A: [f"{blk}:{spec.main_plot}"]}, ERROR_B
    if spec.design == SPLIT_SPLIT:
        a, b, _ = spec.factors
        return {ERROR_A: [f"{blk}:{a}"], ERROR_B: [f"{blk}:{b}", f"{blk}:{a}:{b}"]}, ERROR_C
    if spec.design == STRIP:
        h, v = spec.factors
        return {ERROR_A: [f"{blk}:{h}"], ERROR_B: [f"{blk}:{v}"]}, ERROR_C
    return {}, RESID


# ---------------------------------------------------------------------------
# assumption checks
