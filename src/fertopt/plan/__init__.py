"""One design recogniser behind ``fertopt analyze``, :func:`fertopt.trial_report` and
:func:`fertopt.run_batch`: :func:`plan_analysis`.

From the columns and the treatment structure of a trial's table it recognises a 3414 trial,
an omission or formula-check trial, a factorial (rates as crossed factors, with or without a
treatment column), a split-plot, a split-split-plot, a strip-plot, a Latin square, a rate
trial, or a plain treatment comparison; it says in one line what it recognised and why
(:attr:`AnalysisPlan.reason`), and
it never drops a factor silently: where the table leaves the design open it stops with an
:class:`~fertopt.exceptions.OptionError` naming the option that settles it.

The steps (:mod:`fertopt.plan.structure`) only look at the plots; nothing is fitted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import pandas as pd

from fertopt._core import validation as _v
from fertopt._core.roles import COLUMN_ALIASES
from fertopt.exceptions import OptionError
from fertopt.plan.result import DESIGNS, AnalysisPlan, sentence
from fertopt.plan.structure import (
    NUTRIENT_FORMS,
    OmissionLayout,
    classify_by_rates,
    combination_count,
    crossed,
    is_latin_square,
    nutrient_of,
    omission_layout,
    one_to_one,
    rate_frame,
    rates_map,
    three414_codes,
    three414_order,
    treatment_rates,
    varying_within,
)

__all__ = ["plan_analysis", "AnalysisPlan", "DESIGNS", "NUTRIENT_FORMS", "nutrient_of"]

_MAIN_NAMES = ("mainplot", "main", "主区", "主处理", "主区因素")
_SUB_NAMES = ("subplot", "sub", "副区", "副处理", "裂区", "副区因素")
_HSTRIP_NAMES = ("hstrip", "horizontalstrip", "rowstrip", "横条", "横条区")
_VSTRIP_NAMES = ("vstrip", "verticalstrip", "columnstrip", "colstrip", "纵条", "纵条区")
_ROW_NAMES = ("row", "行", "行区组")
_COLUMN_NAMES = ("column", "col", "列", "列区组")
_SITE_NAMES = (*COLUMN_ALIASES["site"], *COLUMN_ALIASES["year"])


def plan_analysis(
    data: pd.DataFrame,
    /,
    *,
    response: Hashable,
    treatment: Hashable | Sequence[Hashable] | None = None,
    block: Hashable | None = None,
    rates: Any = None,
    factors: Sequence[Hashable] | None = None,
    main_plot: Hashable | None = None,
    sub_plot: Hashable | None = None,
    sub_sub_plot: Hashable | None = None,
    horizontal: Hashable | None = None,
    vertical: Hashable | None = None,
    row: Hashable | None = None,
    column: Hashable | None = None,
    design: str | None = None,
    omission: Mapping[str, Any] | None = None,
    site: Hashable | Sequence[Hashable] | None = None,
) -> AnalysisPlan:
    """Recognise a trial's design from its columns and treatment structure.

    Parameters
    ----------
    data : DataFrame
        One row per plot.
    response : str
        Response column.
    treatment : str or list of str, optional
        Treatment column (a list of two or three columns is a factorial, as ``factors``).
    block : str, optional
        Block (replicate) column.
    rates : str, list of str or mapping, optional
        Rate columns (a mapping gives their nutrient forms: ``{"n_rate": "N"}``).
    factors : list of str, optional
        Crossed factors of a factorial (two or three columns).
    main_plot, sub_plot : str, optional
        Main-plot and sub-plot factors of a split-plot or a split-split-plot (with
        ``block``).
    sub_sub_plot : str, optional
        Sub-sub-plot factor of a split-split-plot (with ``main_plot``, ``sub_plot`` and
        ``block``).
    horizontal, vertical : str, optional
        Horizontal-strip and vertical-strip factors of a strip-plot (with ``block``).
    row, column : str, optional
        Row and column blocks of a Latin square.
    design : str, optional
        The design, when it should not be recognised: ``"3414"``, ``"omission"``,
        ``"factorial"``, ``"split_plot"``, ``"split_split_plot"``, ``"strip_plot"``,
        ``"latin_square"``, ``"rate"``, ``"rcbd"`` or
        ``"crd"`` (the last two compare the treatments without a rate structure).
    omission : mapping, optional
        Omission layout (``full``, ``minus``, ``control``) as :func:`fertopt.omission` takes
        it; implies ``design="omission"``.
    site : str or list of str, optional
        Environment column(s) of a trial repeated over sites or years (``["site", "year"]``:
        each site-year is one environment); implies ``design="combined"``.  Without it, a
        column named as a site, location or year (``site``, ``location``, ``year``, ``地点``,
        ``年份`` ...) with two or more levels, each holding its own blocks, makes the plan a
        combined analysis.

    Returns
    -------
    AnalysisPlan
        ``design``, ``reason`` (one line: what was recognised and why), the roles of the
        analysis of variance (``factors``, ``block``, ``row``, ``column``, ``main_plot``,
        ``sub_plot``, ``sub_sub_plot``, ``horizontal``, ``vertical``;
        :meth:`AnalysisPlan.anova_roles`), ``rates``, the omission contrasts
        (``omission``, and ``reduced`` for plots that only lower a nutrient),
        ``simple_effects`` and ``notes``.

    Raises
    ------
    ColumnError
        A named column is missing, or one column is given two roles.
    OptionError
        The table leaves the design open, or contradicts the design asked for; the message
        names the option that settles it (``treatment=``, ``factors=``, ``design=``, ...,
        with the command line's ``--treatment``, ``--factors``, ``--design``).

    Notes
    -----
    The order of recognition: a combined analysis over sites (``site=``, or one site, location
    or year column that varies: columns that name the same environments, such as a site code and
    its location name, count as one; two that cross, such as site and year, stop the recogniser,
    which asks for ``site=``); split-split-plot, strip-plot, split-plot and Latin square roles
    (given; or plot-number columns named as main/sub plots or horizontal/vertical strips, such as
    the field books of :func:`fertopt.design.split_split_plot` and
    :func:`fertopt.design.strip_plot` write, each holding one level of a factor in each block;
    or factor columns named as main/sub plots or rows/columns); crossed ``factors``; a 3414
    trial (three rate columns of four rates each whose combinations are 3414 treatments); an
    omission or formula-check trial (full, minus-one and control treatments by name or by
    rates; a minus plot that still receives the nutrient is a reduced-rate plot, not an
    omission contrast); rate columns crossed in every combination (a factorial, with or without
    a treatment column); a rate trial (treatments that differ in rates); a treatment
    comparison.  A rate that varies inside the treatments would be pooled into the error: the
    recogniser stops and says so.

    Examples
    --------
    >>> import numpy as np, pandas as pd, fertopt as fo
    >>> df = pd.DataFrame([{"rep": r, "N": n, "P2O5": p} for r in (1, 2, 3)
    ...                    for n in (0, 90, 180) for p in (0, 45, 90)])
    >>> df["yield"] = 5000 + 8 * df["N"] + 20 * df["P2O5"] + np.arange(27) % 5
    >>> plan = fo.plan_analysis(df, response="yield", block="rep", rates=["N", "P2O5"])
    >>> plan.design, plan.factors
    ('factorial', ('N', 'P2O5'))
    >>> print(plan.reason)  # doctest: +NORMALIZE_WHITESPACE
    Factorial N × P2O5: the rate columns are crossed (3 × 3 rates, all 9
    combinations present, no treatment column), in 3 blocks (rep).
    >>> plan.simple_effects
    (('N', 'P2O5'), ('P2O5', 'N'))
    """
    frame = _v.require_frame(data)
    if design is not None:
        design = _v.check_choice(str(design).lower().replace("-", "_"), "design", DESIGNS)
    treat_cols = _v.as_names(treatment, "treatment")
    factor_cols = _v.as_names(factors, "factors")
    if len(treat_cols) > 1:
        if factor_cols:
            raise OptionError(
                "give the factors of a factorial once: as factors= (or a list in treatment=), "
                "not both."
            )
        factor_cols, treat_cols = treat_cols, ()
    treat = treat_cols[0] if treat_cols else None
    _v.require_columns(
        frame,
        response=response,
        treatment=treat,
        factors=list(factor_cols) or None,
        block=block,
        row=row,
        column=column,
        main_plot=main_plot,
        sub_plot=sub_plot,
        sub_sub_plot=sub_sub_plot,
        horizontal=horizontal,
        vertical=vertical,
        site=list(_v.as_names(site, "site")) or None,
    )
    rate_map = rates_map(frame, rates)
    if omission is not None and not isinstance(omission, Mapping):
        raise OptionError(
            "omission= must be a mapping such as {'full': 'NPK', 'minus': {'N': 'PK', "
            f"'P2O5': 'NK', 'K2O': 'NP'}}, 'control': 'CK'}}, got {type(omission).__name__}."
        )
    ctx = _Call(frame, response, treat, block, rate_map, factor_cols, design)
    ctx.main_plot, ctx.sub_plot, ctx.row, ctx.column = main_plot, sub_plot, row, column
    ctx.sub_sub_plot, ctx.horizontal, ctx.vertical = sub_sub_plot, horizontal, vertical
    ctx.omission_spec = dict(omission) if omission is not None else None
    ctx.site = tuple(_v.as_names(site, "site"))
    return ctx.recognise()


# ---------------------------------------------------------------------------
# the recognition
# ---------------------------------------------------------------------------
def _named(frame: pd.DataFrame, words: Sequence[str], taken: set[Any]) -> Hashable | None:
    """The one column (not yet given a role) whose name, without spaces and marks, is a word."""
    hits = [
        c
        for c in frame.columns
        if c not in taken and "".join(ch for ch in str(c).lower() if ch.isalnum()) in words
    ]
    return hits[0] if len(hits) == 1 else None


def _levels_text(frame: pd.DataFrame, columns: Sequence[Hashable]) -> str:
    return " × ".join(str(frame[c].nunique()) for c in columns)


def _factor_text(columns: Sequence[Hashable]) -> str:
    return " × ".join(str(c) for c in columns)


class _Call:
    """One recognition: the table, the roles given, and the plan it builds."""

    def __init__(self, frame, response, treatment, block, rates, factors, design):
        self.frame = frame
        self.response = response
        self.treatment = treatment
        self.block = block
        self.rates = rates
        self.factors = tuple(factors)
        self.design = design
        self.main_plot = self.sub_plot = self.row = self.column = None
        self.sub_sub_plot = self.horizontal = self.vertical = None
        self.site: tuple[Hashable, ...] = ()
        self.omission_spec: dict[str, Any] | None = None
        self.notes: list[tuple[str, dict[str, Any]]] = []
        x = rate_frame(frame, list(rates))
        self.x = x
        self.varying = [c for c in rates if x[c].nunique() > 1]

    # -- the plan --------------------------------------------------------------
    def plan(self, design: str, key: str, fields: dict[str, Any], **roles: Any) -> AnalysisPlan:
        factors = tuple(roles.pop("factors", ()))
        own_layout = ("split_plot", "split_split_plot", "strip_plot", "latin_square", "combined")
        layout: Any = "" if design in own_layout else self._layout(design)
        asked: Any = "" if self.design is None else {"key": "plan_asked", "design": self.design}
        reason = (
            "plan_reason",
            {"first": {"key": key, **fields}, "layout": layout, "asked": asked},
        )
        simple: tuple[tuple[Any, Any], ...] = ()
        if len(factors) == 2 and design in ("factorial", "split_plot"):
            simple = ((factors[0], factors[1]), (factors[1], factors[0]))
        elif len(factors) == 3 and design == "factorial":
            simple = tuple((a, tuple(f for f in factors if f != a)) for a in factors)
        given = tuple(
            name
            for name, value in (
                ("design", self.design),
                ("factors", self.factors or None),
                ("main_plot", self.main_plot),
                ("sub_plot", self.sub_plot),
                ("sub_sub_plot", self.sub_sub_plot),
                ("horizontal", self.horizontal),
                ("vertical", self.vertical),
                ("row", self.row),
                ("column", self.column),
                ("omission", self.omission_spec),
                ("site", self.site or None),
            )
            if value is not None
        )
        block = roles.pop("block", self.block)
        return AnalysisPlan(
            design=design,
            reason=sentence(*reason, "en"),
            response=self.response,
            treatment=self.treatment,
            factors=factors,
            block=block,
            rates=dict(self.rates),
            simple_effects=simple,
            given=given,
            notes=tuple(sentence(k, f, "en") for k, f in self.notes),
            _reason=reason,
            _notes=tuple(self.notes),
            **roles,
        )

    def _layout(self, design: str) -> dict[str, Any]:
        if self.block is not None and design != "crd":
            n = int(self.frame[self.block].nunique())
            return {"key": "plan_in_blocks", "n": n, "block": str(self.block)}
        return {"key": "plan_no_blocks"}

    # -- the order of recognition ------------------------------------------------
    def recognise(self) -> AnalysisPlan:
        asked = self.design
        if self.site and asked in (None, "combined"):
            return self._design_combined()
        if asked is not None:
            return getattr(self, f"_design_{asked}")()
        found = self._combined_by_name()
        if found is not None:
            return found
        if self.sub_sub_plot is not None:
            return self._design_split_split_plot()
        if self.horizontal is not None or self.vertical is not None:
            return self._design_strip_plot()
        if self.main_plot is not None or self.sub_plot is not None:
            return self._design_split_plot()
        if self.row is not None or self.column is not None:
            return self._design_latin_square()
        if self.factors:
            return self._design_factorial()
        found = (
            self._strata_by_layout() or self._split_plot_by_name() or self._latin_square_by_name()
        )
        if found is not None:
            return found
        if self.omission_spec is not None:
            return self._design_omission()
        plan = self._three414()
        if plan is not None:
            return plan
        if len(self.varying) >= 2 and crossed(self.frame, self.varying):
            if self.treatment is None or one_to_one(self.frame, self.treatment, self.varying):
                return self._factorial(self.varying, by_rates=True)
        return self._omission() or self._treatments()

    # -- combined analysis over sites ------------------------------------------------
    def _combined_by_name(self) -> AnalysisPlan | None:
        taken = {self.response, self.treatment, self.block, *self.rates, *self.factors}
        taken |= {self.main_plot, self.sub_plot, self.row, self.column}
        taken |= {self.sub_sub_plot, self.horizontal, self.vertical}
        candidates = [
            c
            for c in self.frame.columns
            if c not in taken
            and "".join(ch for ch in str(c).lower() if ch.isalnum()) in _SITE_NAMES
            and self.frame[c].nunique() > 1
        ]
        # a site code and its location name name the same environments: one of them will do
        distinct: list[Hashable] = []
        for c in candidates:
            if not any(one_to_one(self.frame, d, [c]) for d in distinct):
                distinct.append(c)
        if not distinct:
            return None
        if len(distinct) > 1 or self.block is None:
            names = ", ".join(map(str, distinct))
            what = (
                f"the columns {names} each name several environments"
                if len(distinct) > 1
                else f"the column {names} names {self.frame[distinct[0]].nunique()} sites"
            )
            fix = (
                f"name the environments with site= (--site {distinct[0]}, or --site "
                f"{','.join(map(str, distinct))} for each combination)"
                if len(distinct) > 1
                else f"name the block column with block= (--block) and the sites with site= "
                f"(--site {distinct[0]})"
            )
            raise OptionError(
                f"{what}: the trial looks repeated over environments, which needs a combined "
                f"analysis with blocks within each environment. To run it, {fix}; to analyse "
                "one environment, select its rows first."
            )
        self.site = (distinct[0],)
        return self._combined("plan_combined_named")

    def _design_combined(self) -> AnalysisPlan:
        if not self.site:
            found = self._combined_by_name()
            if found is None:
                raise OptionError(
                    "design='combined' needs the environment column: name it with site= "
                    "(--site, e.g. --site site or --site site,year)."
                )
            return found
        if self.block is None:
            raise OptionError(
                "a combined analysis over sites needs the blocks within each site: name the "
                "block (replicate) column with block= (--block)."
            )
        return self._combined("plan_combined_given")

    def _combined(self, key: str) -> AnalysisPlan:
        factors = self.factors or ((self.treatment,) if self.treatment is not None else ())
        if not factors and len(self.varying) == 1:
            factors = (self.varying[0],)
        if not factors:
            raise OptionError(
                "could not tell which column holds the treatments of the combined analysis: "
                "name it with treatment= (--treatment), or the crossed factors with factors= "
                "(--factors N,P2O5)."
            )
        frame = self.frame
        env = frame[list(self.site)].astype(str).agg(" / ".join, axis=1)
        blocks = frame[self.block].astype(str)
        n_env = int(env.nunique())
        per_env = pd.DataFrame({"e": env, "b": blocks}).drop_duplicates()
        repeated = per_env["b"].nunique() < len(per_env)
        fields = {
            "n": n_env,
            "site": ", ".join(map(str, self.site)),
            "factors": _factor_text(factors),
            "k": combination_count(frame, list(factors)),
            "block": str(self.block),
            "nested": {"key": "plan_combined_repeated" if repeated else "plan_combined_own"},
        }
        return self.plan("combined", key, fields, factors=factors, site=self.site)

    # -- split-plot ---------------------------------------------------------------
    def _split_plot_by_name(self) -> AnalysisPlan | None:
        taken = {self.response, self.treatment, self.block, *self.rates}
        main = _named(self.frame, _MAIN_NAMES, taken)
        sub = _named(self.frame, _SUB_NAMES, taken)
        if main is None or sub is None or self.block is None:
            return None
        self.main_plot, self.sub_plot = main, sub
        return self._split_plot("plan_split_named")

    def _design_split_plot(self) -> AnalysisPlan:
        main, sub = self.main_plot, self.sub_plot
        if (main is None or sub is None) and len(self.factors) == 2:
            main, sub = self.factors
        if main is None or sub is None:
            raise OptionError(
                "a split-plot needs its main-plot and sub-plot factors: give main_plot= and "
                "sub_plot= (--main-plot and --sub-plot on the command line)."
            )
        if self.block is None:
            raise OptionError(
                "a split-plot is analysed in randomized complete blocks: name the block "
                "(replicate) column with block= (--block)."
            )
        self.main_plot, self.sub_plot = main, sub
        return self._split_plot("plan_split_given")

    def _split_plot(self, key: str, **more: Any) -> AnalysisPlan:
        main, sub = self.main_plot, self.sub_plot
        fields = {
            **more,
            "main": str(main),
            "sub": str(sub),
            "a": int(self.frame[main].nunique()),
            "b": int(self.frame[sub].nunique()),
            "n": int(self.frame[self.block].nunique()),
            "block": str(self.block),
        }
        return self.plan(
            "split_plot", key, fields, factors=(main, sub), main_plot=main, sub_plot=sub
        )

    # -- split-split-plot and strip-plot ------------------------------------------------
    def _candidates(self, exclude: set[Any]) -> list[Hashable]:
        """Columns that could be treatment factors: not a role, not a plot id, not constant."""
        n = len(self.frame)
        return [
            c for c in self.frame.columns if c not in exclude and 1 < self.frame[c].nunique() < n
        ]

    def _factor_of(self, plots: Hashable, within: list[Hashable], columns: list[Hashable]):
        """The columns holding one level in each plot of ``plots`` (numbered within ``within``)."""
        unit = combination_count(self.frame, [*within, plots])
        return [
            c
            for c in columns
            if c != plots
            and combination_count(self.frame, [*within, c]) == unit
            and combination_count(self.frame, [*within, plots, c]) == unit
        ]

    def _strata_by_layout(self) -> AnalysisPlan | None:
        """A split-split-plot or strip-plot from its plot-number columns (or None)."""
        if self.block is None:
            return None
        taken = {self.response, self.block, *self.site}
        main = _named(self.frame, _MAIN_NAMES, taken)
        sub = _named(self.frame, _SUB_NAMES, taken)
        hstrip = _named(self.frame, _HSTRIP_NAMES, taken)
        vstrip = _named(self.frame, _VSTRIP_NAMES, taken)
        if hstrip is not None and vstrip is not None:
            return self._strip_by_layout(hstrip, vstrip, taken)
        if main is None or sub is None:
            return None
        others = self._candidates(taken | {main, sub, self.treatment})
        mains = self._factor_of(main, [self.block], others)
        if not mains:
            return None  # main/sub columns that are factors, not plot numbers
        plots = f"{main}, {sub}"
        subs = self._factor_of(sub, [self.block, main], [c for c in others if c not in mains])
        if len(mains) != 1 or len(subs) != 1:
            self._unsure_strata(plots, "split_split_plot", [*mains, *subs])
        fmain, fsub = mains[0], subs[0]
        rest = [
            c
            for c in others
            if c not in (fmain, fsub)
            and varying_within(self._units([self.block, main, sub]), "_unit", c)
        ]
        # a column of treatment labels names the combinations of the factors: not a factor
        rest = [
            c
            for c in rest
            if not any(one_to_one(self.frame, c, [fmain, fsub, d]) for d in rest if d != c)
        ]
        if len(rest) > 1:
            self._unsure_strata(plots, "split_split_plot", [fmain, fsub, *rest])
        self.main_plot, self.sub_plot = fmain, fsub
        if not rest:
            return self._split_plot("plan_split_layout", plots=plots)
        self.sub_sub_plot = rest[0]
        return self._split_split_plot({"key": "plan_strata_layout", "plots": plots})

    def _units(self, columns: list[Hashable]) -> pd.DataFrame:
        work = self.frame.copy()
        work["_unit"] = pd.Series(
            list(zip(*[self.frame[c].astype(str) for c in columns], strict=True)),
            index=self.frame.index,
        )
        return work

    def _strip_by_layout(self, hstrip: Hashable, vstrip: Hashable, taken: set[Any]):
        others = self._candidates(taken | {hstrip, vstrip, self.treatment})
        plots = f"{hstrip}, {vstrip}"
        hs = self._factor_of(hstrip, [self.block], others)
        vs = self._factor_of(vstrip, [self.block], [c for c in others if c not in hs])
        if len(hs) != 1 or len(vs) != 1:
            self._unsure_strata(plots, "strip_plot", [*hs, *vs])
        self.horizontal, self.vertical = hs[0], vs[0]
        return self._strip_plot({"key": "plan_strata_layout", "plots": plots})

    def _unsure_strata(self, plots: str, design: str, found: list[Hashable]) -> None:
        seen = ", ".join(map(str, found)) or "none"
        if design == "strip_plot":
            fix = (
                "name the factors with horizontal= and vertical= (--horizontal COL --vertical COL)"
            )
        else:
            fix = (
                "name the factors with main_plot=, sub_plot= and sub_sub_plot= (--main-plot COL "
                "--sub-plot COL --sub-sub-plot COL; a split-plot needs only the first two)"
            )
        raise OptionError(
            f"the columns {plots} look like plot numbers, but which column holds the factor of "
            f"each plot stratum is not clear (candidates: {seen}): {fix}, or give the design "
            "with design= (--design)."
        )

    def _need_block(self, what: str) -> None:
        if self.block is None:
            raise OptionError(
                f"a {what} is analysed in randomized complete blocks: name the block "
                "(replicate) column with block= (--block)."
            )

    def _design_split_split_plot(self) -> AnalysisPlan:
        given = (self.main_plot, self.sub_plot, self.sub_sub_plot)
        if any(g is None for g in given) and len(self.factors) == 3:
            given = self.factors
        if any(g is None for g in given):
            self._need_block("split-split-plot")
            plan = self._strata_by_layout() if not any(given) else None
            if plan is not None and plan.design == "split_split_plot":
                return plan
            raise OptionError(
                "a split-split-plot needs its main-plot, sub-plot and sub-sub-plot factors: "
                "give main_plot=, sub_plot= and sub_sub_plot= (--main-plot, --sub-plot and "
                "--sub-sub-plot on the command line)."
            )
        self._need_block("split-split-plot")
        self.main_plot, self.sub_plot, self.sub_sub_plot = given
        return self._split_split_plot({"key": "plan_strata_given"})

    def _split_split_plot(self, how: dict[str, Any]) -> AnalysisPlan:
        main, sub, subsub = self.main_plot, self.sub_plot, self.sub_sub_plot
        fields = {
            "main": str(main),
            "sub": str(sub),
            "subsub": str(subsub),
            "a": int(self.frame[main].nunique()),
            "b": int(self.frame[sub].nunique()),
            "c": int(self.frame[subsub].nunique()),
            "n": int(self.frame[self.block].nunique()),
            "block": str(self.block),
            "how": how,
        }
        return self.plan(
            "split_split_plot",
            "plan_split_split",
            fields,
            factors=(main, sub, subsub),
            main_plot=main,
            sub_plot=sub,
            sub_sub_plot=subsub,
        )

    def _design_strip_plot(self) -> AnalysisPlan:
        given = (self.horizontal, self.vertical)
        if any(g is None for g in given) and len(self.factors) == 2:
            given = self.factors
        if any(g is None for g in given):
            self._need_block("strip-plot")
            plan = self._strata_by_layout() if not any(given) else None
            if plan is not None and plan.design == "strip_plot":
                return plan
            raise OptionError(
                "a strip-plot needs its horizontal and vertical factors: give horizontal= and "
                "vertical= (--horizontal and --vertical on the command line)."
            )
        self._need_block("strip-plot")
        self.horizontal, self.vertical = given
        return self._strip_plot({"key": "plan_strata_given"})

    def _strip_plot(self, how: dict[str, Any]) -> AnalysisPlan:
        h, v = self.horizontal, self.vertical
        fields = {
            "horizontal": str(h),
            "vertical": str(v),
            "a": int(self.frame[h].nunique()),
            "b": int(self.frame[v].nunique()),
            "n": int(self.frame[self.block].nunique()),
            "block": str(self.block),
            "how": how,
        }
        return self.plan(
            "strip_plot", "plan_strip", fields, factors=(h, v), horizontal=h, vertical=v
        )

    # -- Latin square ---------------------------------------------------------------
    def _latin_square_by_name(self) -> AnalysisPlan | None:
        if self.block is not None or self.treatment is None:
            return None
        taken = {self.response, self.treatment, *self.rates}
        row = _named(self.frame, _ROW_NAMES, taken)
        col = _named(self.frame, _COLUMN_NAMES, taken)
        if row is None or col is None:
            return None
        if not is_latin_square(self.frame, self.treatment, row, col):
            return None
        self.row, self.column = row, col
        return self._latin("plan_latin")

    def _design_latin_square(self) -> AnalysisPlan:
        if self.row is None or self.column is None:
            raise OptionError(
                "a Latin square needs both blocking directions: give row= and column= "
                "(--row and --column on the command line)."
            )
        if self.treatment is None:
            raise OptionError(
                "a Latin square compares the treatments of one column: name it with treatment= "
                "(--treatment)."
            )
        if self.block is not None:
            raise OptionError(
                "give row= and column= for a Latin square, or block= for blocks, not both."
            )
        return self._latin("plan_latin")

    def _latin(self, key: str) -> AnalysisPlan:
        self._check_pooled((self.treatment,))
        fields = {
            "k": int(self.frame[self.treatment].nunique()),
            "row": str(self.row),
            "column": str(self.column),
        }
        return self.plan(
            "latin_square",
            key,
            fields,
            factors=(self.treatment,),
            row=self.row,
            column=self.column,
            block=None,
        )

    # -- factorial ---------------------------------------------------------------------
    def _design_factorial(self) -> AnalysisPlan:
        columns = self.factors or tuple(self.varying)
        if not columns and self.treatment is not None:
            columns = (self.treatment,)
        if len(columns) < 2:
            raise OptionError(
                "a factorial needs two or three crossed factors: name them with factors= "
                "(--factors on the command line, e.g. --factors N,P2O5)."
            )
        return self._factorial(columns, by_rates=not self.factors)

    def _factorial(self, columns: Sequence[Hashable], *, by_rates: bool) -> AnalysisPlan:
        if len(columns) > 3:
            raise OptionError(
                f"{', '.join(map(str, columns))} are {len(columns)} crossed factors; factorials "
                "of 2 or 3 factors are analysed. Name the ones to analyse with factors= "
                "(--factors), or give design='rate' (--design rate) to compare the treatments."
            )
        self._check_pooled(tuple(columns))
        k = combination_count(self.frame, columns)
        fields = {
            "factors": _factor_text(columns),
            "levels": _levels_text(self.frame, columns),
            "k": k,
        }
        if not by_rates:
            key = "plan_factorial_given"
        elif self.treatment is None:
            key = "plan_factorial_columns"
        else:
            key = "plan_factorial_treatment"
            fields["trt"] = str(self.treatment)
        if self.block is not None and len(columns) == 2:
            self.notes.append(
                ("plan_note_split_hint", {"first": str(columns[0]), "second": str(columns[1])})
            )
        return self.plan("factorial", key, fields, factors=tuple(columns))

    # -- 3414 -------------------------------------------------------------------------
    def _three414(self, asked: bool = False) -> AnalysisPlan | None:
        order = three414_order({c: self.rates[c] for c in self.varying})
        found = three414_codes(self.x[order]) if order is not None else None
        if found is None or not found[1] or len(found[0]) < 10:
            if asked:
                varying = ", ".join(map(str, self.varying)) or "none"
                raise OptionError(
                    "design='3414' needs three rate columns (N, P2O5, K2O) with four rates each, "
                    "the lowest 0, whose combinations are treatments of the 3414 table; "
                    f"the rate columns given that vary: {varying}. "
                    "Name them with rates= (--rates N,P2O5,K2O)."
                )
            return None
        rates = dict(self.rates)
        self.rates = {c: rates[c] for c in order} | {
            c: f for c, f in rates.items() if c not in order
        }
        factors = (self.treatment,) if self.treatment is not None else ()
        fields = {"rates": [str(c) for c in order], "k": len(found[0])}
        return self.plan("3414", "plan_3414", fields, factors=factors)

    def _design_3414(self) -> AnalysisPlan:
        plan = self._three414(asked=True)
        if plan is None:  # pragma: no cover - _three414 raises when asked
            raise OptionError("design='3414' does not fit these rates.")
        return plan

    # -- omission ---------------------------------------------------------------------
    def _omission(self, asked: bool = False) -> AnalysisPlan | None:
        layout = omission_layout(self.frame, self.treatment, self.rates)
        if layout is None:
            if asked:
                raise OptionError(
                    "design='omission' needs a full treatment and minus-one treatments: name "
                    "them (NPK, PK, NK, NP, CK; 配方, 缺氮 ...), give rate columns with rates= "
                    "(--rates), or give the layout with omission= (--omission "
                    "full=NPK,N=PK,P2O5=NK,K2O=NP,control=CK)."
                )
            return None
        return self._omission_plan(layout)

    def _omission_plan(self, layout: OmissionLayout) -> AnalysisPlan:
        self._check_pooled((self.treatment,))
        full = str(layout.full)
        how = {"key": f"plan_by_{layout.by}"}
        minus = [str(v) for v in layout.minus.values()]
        reduced = [str(v) for v in layout.reduced.values()]
        if layout.minus:
            fields: dict[str, Any] = {
                "full": full,
                "minus": minus,
                "nutrients": list(layout.minus),
                "how": how,
            }
            key = "plan_omission"
            if layout.reduced:
                fields = {
                    "first": {"key": key, **fields},
                    "reduced": reduced,
                    "nutrients": list(layout.reduced),
                }
                key = "plan_also_reduced"
        else:
            key = "plan_formula_check"
            fields = {
                "full": full,
                "reduced": reduced,
                "nutrients": list(layout.reduced),
                "how": how,
            }
        return self.plan(
            "omission",
            key,
            fields,
            factors=(self.treatment,),
            omission=layout.spec(),
            full=layout.full,
            reduced=dict(layout.reduced),
        )

    def _design_omission(self) -> AnalysisPlan:
        if self.treatment is None:
            raise OptionError(
                "an omission trial compares treatments: name the treatment column with "
                "treatment= (--treatment)."
            )
        if self.omission_spec is None:
            plan = self._omission(asked=True)
            if plan is None:  # pragma: no cover - _omission raises when asked
                raise OptionError("design='omission' does not fit these treatments.")
            return plan
        # a layout given by name: its minus plots are still checked against the rates, so a
        # plot that only lowers its nutrient gets no omission indices
        spec = self.omission_spec
        layout = OmissionLayout(
            full=spec.get("full"),
            minus=dict(spec.get("minus") or {}),
            control=spec.get("control"),
            by="given",
        )
        per = treatment_rates(self.frame, self.treatment, self.rates)
        if per:
            classify_by_rates(layout, per)
        plan = self._omission_plan(layout)
        if plan.omission is not None:
            # the layout as given, with whatever else it holds (uptake columns, ...)
            plan = dataclasses.replace(plan, omission={**spec, "minus": dict(layout.minus)})
        return plan

    # -- rate trials and treatment comparisons -----------------------------------------------
    def _design_rate(self) -> AnalysisPlan:
        if not self.rates:
            raise OptionError(
                "design='rate' fits response curves of the rate columns: name them with rates= "
                "(--rates, e.g. --rates N)."
            )
        return self._treatments(kind="rate")

    def _design_rcbd(self) -> AnalysisPlan:
        if self.block is None:
            raise OptionError(
                "design='rcbd' compares treatments in blocks: name the block column with block= "
                "(--block), or give design='crd' for a trial without blocks."
            )
        return self._treatments(kind="rcbd")

    def _design_crd(self) -> AnalysisPlan:
        return self._treatments(kind="crd")

    def _treatments(self, kind: str | None = None) -> AnalysisPlan:
        """A rate trial or a treatment comparison (one treatment factor)."""
        treatment = self.treatment
        if treatment is None:
            if len(self.varying) == 1:
                treatment = self.varying[0]
            elif len(self.varying) >= 2:
                raise OptionError(
                    f"the rate columns {', '.join(map(str, self.varying))} vary together but "
                    f"not in every combination ({combination_count(self.frame, self.varying)} "
                    "combinations), and there is no treatment column: name it with treatment= "
                    "(--treatment), or give the design with design= (--design 3414, omission, "
                    "rate ...)."
                )
            else:
                raise OptionError(
                    "could not tell which column holds the treatments: name it with treatment= "
                    "(--treatment on the command line), or name crossed factors with factors= "
                    "(--factors N,P2O5)."
                )
        self._check_pooled((treatment,))
        k = int(self.frame[treatment].nunique())
        varying = [c for c in self.varying if c != treatment]
        if kind is None:
            kind = "rate" if self.varying else ("rcbd" if self.block is not None else "crd")
        if kind == "rate" and treatment != self.treatment:
            key, fields = "plan_rate_column", {"k": k, "column": str(treatment)}
        elif kind == "rate" and len(varying) <= 1:
            nutrient = [str(self.rates.get(c) or c) for c in varying or list(self.rates)[:1]]
            key, fields = "plan_rate", {"k": k, "nutrients": nutrient}
        elif kind == "rate":
            key = "plan_rate_multi"
            fields = {"k": k, "nutrients": [str(self.rates.get(c) or c) for c in varying]}
        else:
            key, fields = "plan_oneway", {"k": k, "trt": str(treatment)}
        return self.plan(kind, key, fields, factors=(treatment,))

    # -- a factor the analysis would pool into the error -----------------------------
    def _check_pooled(self, factors: tuple[Hashable, ...]) -> None:
        """Stop when a rate varies inside the treatments (unless a design was asked for)."""
        labels = [f for f in factors if f is not None]
        if not labels:
            return
        work = self.x.copy()
        work["_cell"] = pd.Series(
            list(zip(*[self.frame[f].astype(str) for f in labels], strict=True)),
            index=self.frame.index,
        )
        pooled = [c for c in self.varying if c not in labels and varying_within(work, "_cell", c)]
        if not pooled:
            return
        cols = ", ".join(map(str, pooled))
        if self.design is not None:
            self.notes.append(("plan_note_pooled", {"cols": cols}))
            return
        both = ",".join(map(str, [*labels, *pooled]))
        raise OptionError(
            f"{cols} {'varies' if len(pooled) == 1 else 'vary'} within the treatments of "
            f"{', '.join(map(str, labels))}: analysing {', '.join(map(str, labels))} alone would "
            f"pool {cols} into the error. Give the crossed factors with factors= (--factors "
            f"{both}), or design='rcbd' (--design rcbd) to analyse "
            f"{', '.join(map(str, labels))} alone on purpose."
        )
