"""Field books for fertilizer trials: randomised layouts with the seed recorded.

Generators: :func:`crd`, :func:`rcbd`, :func:`latin_square`, :func:`factorial`,
:func:`split_plot`, :func:`split_split_plot`, :func:`strip_plot`, :func:`omission`
(formula check / nutrient omission) and :func:`three414` (the 3-nutrient, 4-level,
14-treatment design).  Each returns a :class:`FieldBook` whose ``table`` has one row
per plot in field order, with the plot number, its block (or row and column), the
treatment and, for fertilizer designs, the rate of every nutrient.
``FieldBook.to_csv`` writes it out.

Randomisation takes ``rng`` (an integer seed, a ``numpy.random.Generator`` or
``None``) and the seed actually used is stored in ``FieldBook.seed``: passing
``rng=book.seed`` reproduces the same layout.

Examples
--------
>>> import fertopt as fo
>>> book = fo.design.rcbd(["CK", "NPK", "PK", "NK", "NP"], reps=3, rng=42)
>>> book.n_plots, book.seed
(15, 42)
>>> sorted(book.table.loc[book.table["block"] == 1, "treatment"])
['CK', 'NK', 'NP', 'NPK', 'PK']
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from fertopt._core.cells import inert_frame
from fertopt._core.document import Facts, Summary, localized_table, warnings_notes
from fertopt._core.formatting import ResultBase, format_number
from fertopt._core.i18n import design_name, label
from fertopt._core.validation import check_choice
from fertopt.exceptions import OptionError

__all__ = [
    "FieldBook",
    "crd",
    "rcbd",
    "latin_square",
    "factorial",
    "split_plot",
    "split_split_plot",
    "strip_plot",
    "omission",
    "three414",
    "THREE414_LEVELS",
]

#: The 14 treatments of the 3414 design as level codes of (N, P, K), treatment 1 first.
THREE414_LEVELS: tuple[tuple[int, int, int], ...] = (
    (0, 0, 0),
    (0, 2, 2),
    (1, 2, 2),
    (2, 0, 2),
    (2, 1, 2),
    (2, 2, 2),
    (2, 3, 2),
    (2, 2, 0),
    (2, 2, 1),
    (2, 2, 3),
    (3, 2, 2),
    (1, 1, 2),
    (1, 2, 1),
    (2, 1, 1),
)


# ---------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class FieldBook(ResultBase):
    """A randomised field layout.

    Attributes
    ----------
    design : str
        ``"CRD"``, ``"RCBD"``, ``"Latin square"``, ``"factorial"``, ``"split-plot"``,
        ``"split-split-plot"``, ``"strip-plot"``, ``"omission"`` or ``"3414"``.
    table : DataFrame
        One row per plot in field order.  Always ``plot`` (1, 2, … or 101, 102, …,
        201, … with ``plot_numbers="block"``) and ``treatment``; then by design:
        ``rep`` (CRD: replicate number of the treatment), ``block`` (RCBD, factorial,
        split-plot, omission, 3414), ``row`` and ``column`` (Latin square),
        ``main_plot`` (split-plot and split-split-plot: main plot number within its
        block), ``sub_plot`` (split-split-plot: sub-plot number within its main plot),
        ``h_strip`` and ``v_strip`` (strip-plot: the horizontal and vertical strip of the
        plot within its block), one column per factor (factorial, split-plots,
        strip-plot), ``code`` (3414: ``N2P2K2``) and one column per nutrient rate
        (omission, 3414).
    treatments : DataFrame
        The treatment list (``treatment`` and, where they exist, ``code``, factor or
        rate columns), in the standard order.
    n_plots, n_treatments, reps : int
    seed : int
        Seed of the randomisation; ``rng=seed`` reproduces the layout.
    randomised : bool
    """

    design: str
    table: pd.DataFrame
    treatments: pd.DataFrame
    n_plots: int
    n_treatments: int
    reps: int
    seed: int
    randomised: bool = True
    warnings: tuple[str, ...] = ()

    def to_csv(self, path: str | Path | None = None, **kwargs: Any) -> str | None:
        """Write the field book as CSV (UTF-8); return the text when ``path`` is None.

        A label that a spreadsheet would run as a formula (``=…``, ``+…``, ``-…``, ``@…``) is
        written with a ``'`` in front, so that opening the file runs nothing.
        """
        kwargs.setdefault("index", False)
        table = inert_frame(self.table)
        if path is None:
            return table.to_csv(**kwargs)
        table.to_csv(path, encoding=kwargs.pop("encoding", "utf-8"), **kwargs)
        return None

    def _headline(self, lang: str = "en") -> str:
        unit = "block" if "block" in self.table else "rep"
        if lang == "en":
            return (
                f"{self.design} | {self.n_treatments} treatments × {self.reps} "
                f"{unit}{'s' if self.reps != 1 else ''} = {self.n_plots} plots | seed {self.seed}"
            )
        return label(
            "fb_headline",
            lang,
            design=_design_text(self.design, lang),
            k=self.n_treatments,
            reps=self.reps,
            unit=unit,
            n=self.n_plots,
            seed=self.seed,
        )

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        def t(key: str) -> str:
            return label(key, lang)

        yes_no = "yes" if self.randomised else "no"
        facts = [
            (t("fb_design"), _design_text(self.design, lang)),
            (t("fb_treatments"), str(self.n_treatments)),
            (t("fb_replicates"), str(self.reps)),
            (t("fb_plots"), str(self.n_plots)),
            (t("fb_seed"), str(self.seed)),
            (t("fb_randomised"), t(yes_no)),
        ]
        keys = {
            c: f"col_{c}"
            for c in ("code", "rep", "row", "column", "main_plot", "sub_plot", "h_strip", "v_strip")
        }
        return Summary(
            t("fb_title"),
            [
                Facts(facts),
                localized_table(self.treatments, lang, title=t("fb_treatment_list"), keys=keys),
                localized_table(self.table, lang, title=t("fb_plot_list"), keys=keys),
                warnings_notes(self.warnings, lang),
            ],
            headline=self._headline(lang),
            digits=digits,
        )


def _design_text(design: str, lang: str) -> str:
    """The design's name in ``lang`` (as stored in English)."""
    if lang == "en":
        return design
    key = f"fb_design_{design}"
    return label(key, lang) if label(key, lang) != key else design_name(design, lang)


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
def _seeded(rng: Any) -> tuple[np.random.Generator, int]:
    """A generator and the integer seed that recreates it."""
    if rng is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    elif isinstance(rng, np.random.Generator):
        seed = int(rng.integers(0, 2**32))
    elif isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        if rng < 0:
            raise OptionError(f"rng={rng} must be a non-negative integer seed.")
        seed = int(rng)
    else:
        raise OptionError(f"rng must be an integer seed, a numpy Generator or None, got {rng!r}.")
    return np.random.default_rng(seed), seed


def _labels(treatments: Any) -> list[str]:
    if isinstance(treatments, (int, np.integer)) and not isinstance(treatments, bool):
        if treatments < 2:
            raise OptionError(f"a trial needs at least 2 treatments, got {treatments}.")
        return [f"T{i}" for i in range(1, int(treatments) + 1)]
    if isinstance(treatments, str) or not isinstance(treatments, Sequence | pd.Index | np.ndarray):
        raise OptionError(
            "treatments must be a list of treatment labels (e.g. ['CK', 'NPK', 'PK']) or their "
            "number."
        )
    labels = [str(t) for t in treatments]
    if len(labels) < 2:
        raise OptionError("a trial needs at least 2 treatments.")
    dup = sorted({t for t in labels if labels.count(t) > 1})
    if dup:
        raise OptionError(f"treatment labels must be unique; repeated: {', '.join(dup)}.")
    return labels


def _reps(reps: Any, minimum: int = 1) -> int:
    """``reps`` as an int: a whole number (``3`` or ``3.0``) of at least ``minimum``."""
    whole = isinstance(reps, (int, np.integer)) or (
        isinstance(reps, (float, np.floating)) and math.isfinite(reps) and float(reps).is_integer()
    )
    if isinstance(reps, bool) or not whole or reps < minimum:
        raise OptionError(
            f"reps must be a whole number of at least {minimum} (the number of blocks or "
            f"replicates), got {reps!r}; for example reps=3."
        )
    return int(reps)


def _plot_numbers(blocks: np.ndarray, style: str) -> np.ndarray:
    check_choice(style, "plot_numbers", ("sequential", "block"))
    if style == "sequential":
        return np.arange(1, len(blocks) + 1)
    within = np.zeros(len(blocks), dtype=int)
    for b in np.unique(blocks):
        idx = np.flatnonzero(blocks == b)
        within[idx] = np.arange(1, len(idx) + 1)
    width = 10 ** max(2, len(str(within.max())))
    return blocks * width + within


def _blocked(
    labels: Sequence[str], reps: int, gen: np.random.Generator, style: str
) -> pd.DataFrame:
    """Every treatment once per block, independently shuffled in each block."""
    t = len(labels)
    order = np.concatenate([gen.permutation(t) for _ in range(reps)])
    blocks = np.repeat(np.arange(1, reps + 1), t)
    return pd.DataFrame(
        {
            "plot": _plot_numbers(blocks, style),
            "block": blocks,
            "treatment": [labels[i] for i in order],
        }
    )


def _attach(table: pd.DataFrame, treatments: pd.DataFrame) -> pd.DataFrame:
    extra = [c for c in treatments.columns if c != "treatment"]
    if not extra:
        return table
    return table.merge(treatments, on="treatment", how="left", sort=False)


def _book(
    design: str,
    table: pd.DataFrame,
    treatments: pd.DataFrame,
    reps: int,
    seed: int,
    randomised: bool = True,
) -> FieldBook:
    return FieldBook(
        design=design,
        table=table.reset_index(drop=True),
        treatments=treatments.reset_index(drop=True),
        n_plots=len(table),
        n_treatments=len(treatments),
        reps=reps,
        seed=seed,
        randomised=randomised,
    )


# ---------------------------------------------------------------------------
# generic designs
# ---------------------------------------------------------------------------
def crd(treatments: Sequence[str] | int, /, *, reps: int, rng: Any = None) -> FieldBook:
    """Completely randomised design: every plot gets a treatment at random.

    Parameters
    ----------
    treatments : list of str or int
        Treatment labels, or their number (labels ``T1``, ``T2``, …).
    reps : int
        Plots per treatment.
    rng : int, numpy Generator or None
        Randomisation; the seed used is recorded.

    Returns
    -------
    FieldBook
        ``table``: ``plot, rep, treatment``.

    Examples
    --------
    >>> book = crd(["A", "B", "C"], reps=2, rng=1)
    >>> book.table["treatment"].value_counts().to_dict() == {"A": 2, "B": 2, "C": 2}
    True
    """
    labels = _labels(treatments)
    reps = _reps(reps)
    gen, seed = _seeded(rng)
    base = np.tile(np.arange(len(labels)), reps)
    rep_no = np.repeat(np.arange(1, reps + 1), len(labels))
    perm = gen.permutation(len(base))
    table = pd.DataFrame(
        {
            "plot": np.arange(1, len(base) + 1),
            "rep": rep_no[perm],
            "treatment": [labels[i] for i in base[perm]],
        }
    )
    return _book("CRD", table, pd.DataFrame({"treatment": labels}), reps, seed)


def rcbd(
    treatments: Sequence[str] | int,
    /,
    *,
    reps: int,
    rng: Any = None,
    plot_numbers: Literal["sequential", "block"] = "sequential",
) -> FieldBook:
    """Randomised complete block design: every treatment once in each block, shuffled per block.

    Parameters
    ----------
    treatments : list of str or int
        Treatment labels, or their number.
    reps : int
        Number of blocks.
    rng : int, numpy Generator or None
        Randomisation; the seed used is recorded.
    plot_numbers : {"sequential", "block"}
        ``1, 2, …`` or ``101, 102, …, 201, …`` (block × 100 + position).

    Returns
    -------
    FieldBook
        ``table``: ``plot, block, treatment``.
    """
    labels = _labels(treatments)
    reps = _reps(reps)
    gen, seed = _seeded(rng)
    return _book(
        "RCBD",
        _blocked(labels, reps, gen, plot_numbers),
        pd.DataFrame({"treatment": labels}),
        reps,
        seed,
    )


def latin_square(treatments: Sequence[str] | int, /, *, rng: Any = None) -> FieldBook:
    """Latin square: t treatments in t rows × t columns, each once per row and column.

    The square is a cyclic square with its rows, columns and treatment labels
    randomly permuted (Fisher & Yates' standard randomisation).

    Returns
    -------
    FieldBook
        ``table``: ``plot, row, column, treatment`` (plots numbered row by row).

    Examples
    --------
    >>> book = latin_square(4, rng=3)
    >>> grid = book.table.pivot(index="row", columns="column", values="treatment")
    >>> all(len(set(r)) == 4 for r in grid.values) and all(len(set(c)) == 4 for c in grid.values.T)
    True
    """
    labels = _labels(treatments)
    t = len(labels)
    if t > 12:
        raise OptionError(
            f"a Latin square with {t} treatments needs {t * t} plots; use an RCBD instead."
        )
    gen, seed = _seeded(rng)
    cyclic = (np.arange(t)[:, None] + np.arange(t)[None, :]) % t
    square = cyclic[gen.permutation(t)][:, gen.permutation(t)]
    relabel = gen.permutation(t)
    rows, cols = np.meshgrid(np.arange(1, t + 1), np.arange(1, t + 1), indexing="ij")
    table = pd.DataFrame(
        {
            "plot": np.arange(1, t * t + 1),
            "row": rows.ravel(),
            "column": cols.ravel(),
            "treatment": [labels[relabel[v]] for v in square.ravel()],
        }
    )
    return _book("Latin square", table, pd.DataFrame({"treatment": labels}), t, seed)


def _factor_levels(factors: Any, role: str) -> dict[str, list[Any]]:
    if not isinstance(factors, Mapping) or not factors:
        raise OptionError(
            f"{role} must be a mapping {{factor name: [levels]}}, e.g. {{'N': [0, 90, 180]}}."
        )
    out = {}
    for name, levels in factors.items():
        if isinstance(levels, str) or not isinstance(levels, Sequence | np.ndarray | pd.Index):
            raise OptionError(f"levels of factor {name!r} must be a list, got {levels!r}.")
        levels = list(levels)
        if len(levels) < 2:
            raise OptionError(f"factor {name!r} needs at least 2 levels, got {levels!r}.")
        if len({str(v) for v in levels}) != len(levels):
            raise OptionError(f"factor {name!r} has repeated levels: {levels!r}.")
        negative = [
            v
            for v in levels
            if isinstance(v, (int, float, np.integer, np.floating))
            and not isinstance(v, bool)
            and v < 0
        ]
        if negative:
            raise OptionError(
                f"factor {name!r} has negative levels {negative!r}: a rate is 0 or more. Give "
                f"its levels as rates (e.g. {{{str(name)!r}: [0, 60, 120]}}), or as text labels "
                "when they are not rates."
            )
        out[str(name)] = levels
    return out


def factorial(
    factors: Mapping[str, Sequence[Any]],
    /,
    *,
    reps: int,
    blocks: bool = True,
    rng: Any = None,
    plot_numbers: Literal["sequential", "block"] = "sequential",
) -> FieldBook:
    """Full factorial: every combination of factor levels, in blocks (RCBD) or completely at random.

    Parameters
    ----------
    factors : mapping
        Factor name → levels, e.g. ``{"N": [0, 90, 180], "P2O5": [0, 60]}``.
    reps : int
        Blocks (or replicates when ``blocks=False``).
    blocks : bool, default True
        RCBD layout; False gives a CRD.
    rng : int, numpy Generator or None

    Returns
    -------
    FieldBook
        ``table``: ``plot, block`` (or ``rep``), ``treatment`` (``"N0:P2O530"``, the
        factor names and levels joined by ``:``) and one column per factor.

    Examples
    --------
    >>> book = factorial({"N": [0, 90], "K2O": [0, 60]}, reps=2, rng=5)
    >>> list(book.treatments["treatment"])
    ['N0:K2O0', 'N0:K2O60', 'N90:K2O0', 'N90:K2O60']
    """
    levels = _factor_levels(factors, "factors")
    combos = list(itertools.product(*levels.values()))
    labels = [
        ":".join(
            f"{n}{format_number(v, 6) if isinstance(v, float) else v}"
            for n, v in zip(levels, c, strict=True)
        )
        for c in combos
    ]
    treatments = pd.DataFrame({"treatment": labels})
    for i, name in enumerate(levels):
        treatments[name] = [c[i] for c in combos]
    reps = _reps(reps)
    gen, seed = _seeded(rng)
    if blocks:
        table = _blocked(labels, reps, gen, plot_numbers)
    else:
        table = crd(labels, reps=reps, rng=seed).table
    return _book("factorial", _attach(table, treatments), treatments, reps, seed)


def split_plot(
    main: Mapping[str, Sequence[Any]],
    sub: Mapping[str, Sequence[Any]],
    /,
    *,
    reps: int,
    rng: Any = None,
    plot_numbers: Literal["sequential", "block"] = "sequential",
) -> FieldBook:
    """Split-plot in randomised complete blocks.

    Main-plot levels are randomised within each block, sub-plot levels within each
    main plot.

    Parameters
    ----------
    main, sub : mapping with one item
        ``{"irrigation": ["dry", "wet"]}`` and ``{"N": [0, 60, 120]}``.
    reps : int
        Number of blocks.

    Returns
    -------
    FieldBook
        ``table``: ``plot, block, main_plot, treatment`` (``"dry:N60"``) and the two
        factor columns.

    Examples
    --------
    >>> book = split_plot({"irrigation": ["dry", "wet"]}, {"N": [0, 60, 120]}, reps=2, rng=2)
    >>> book.table.groupby(["block", "main_plot"])["irrigation"].nunique().eq(1).all()
    np.True_
    """
    m = _factor_levels(main, "main")
    s = _factor_levels(sub, "sub")
    if len(m) != 1 or len(s) != 1:
        raise OptionError(
            "main and sub each take one factor, e.g. main={'irrigation': [...]}, sub={'N': [...]}."
        )
    (mname, mlev), (sname, slev) = next(iter(m.items())), next(iter(s.items()))
    if mname == sname:
        raise OptionError("the main-plot and sub-plot factors need different names.")
    reps = _reps(reps)
    gen, seed = _seeded(rng)
    rows = []
    for b in range(1, reps + 1):
        for mp, i in enumerate(gen.permutation(len(mlev)), start=1):
            for j in gen.permutation(len(slev)):
                rows.append((b, mp, mlev[i], slev[j]))
    table = pd.DataFrame(rows, columns=["block", "main_plot", mname, sname])
    label = [f"{a}:{sname}{c}" for a, c in zip(table[mname], table[sname], strict=True)]
    table.insert(0, "plot", _plot_numbers(table["block"].to_numpy(), plot_numbers))
    table.insert(3, "treatment", label)
    treatments = pd.DataFrame(
        [(f"{a}:{sname}{c}", a, c) for a in mlev for c in slev], columns=["treatment", mname, sname]
    )
    return _book("split-plot", table, treatments, reps, seed)


def _one_factor(mapping: Any, role: str) -> tuple[str, list[Any]]:
    """The single ``{name: levels}`` item of a split-plot or strip-plot argument."""
    levels = _factor_levels(mapping, role)
    if len(levels) != 1:
        raise OptionError(
            f"{role} takes one factor, e.g. {role}={{'N': [0, 60, 120]}}; got {len(levels)}: "
            f"{', '.join(map(repr, levels))}."
        )
    return next(iter(levels.items()))


def _distinct_names(*names: str) -> None:
    if len(set(names)) != len(names):
        raise OptionError(
            f"the factors need different names; got {', '.join(map(repr, names))}. Rename one."
        )


def _level_text(name: str, value: Any) -> str:
    """A level in a treatment label: numbers behind the factor's name (``N60``), words alone."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return f"{name}{format_number(value, 6) if isinstance(value, float) else value}"
    return str(value)


def split_split_plot(
    main: Mapping[str, Sequence[Any]],
    sub: Mapping[str, Sequence[Any]],
    sub_sub: Mapping[str, Sequence[Any]],
    /,
    *,
    reps: int,
    rng: Any = None,
    plot_numbers: Literal["sequential", "block"] = "sequential",
) -> FieldBook:
    """Split-split-plot in randomised complete blocks.

    Main-plot levels are randomised within each block, sub-plot levels within each
    main plot and sub-sub-plot levels within each sub-plot (the classical N rate ×
    variety × management layout).  Analyse it with
    ``fo.anova(book.table.assign(yield_=...), response=..., main_plot=..., sub_plot=...,
    sub_sub_plot=..., block="block")``.

    Parameters
    ----------
    main, sub, sub_sub : mapping with one item
        ``{"N": [0, 60, 120]}``, ``{"variety": ["V1", "V2"]}``,
        ``{"management": ["low", "high"]}``.
    reps : int
        Number of blocks.
    rng : int, numpy Generator or None
        Seed of the randomisation (stored in ``FieldBook.seed``).
    plot_numbers : {"sequential", "block"}, default "sequential"
        1, 2, … over the field, or 101, 102, …, 201, … by block.

    Returns
    -------
    FieldBook
        ``table``: ``plot, block, main_plot, sub_plot, treatment`` (``"N60:V1:high"``)
        and the three factor columns, in field order (block, main plot, sub-plot,
        sub-sub-plot).

    Examples
    --------
    >>> book = split_split_plot({"N": [0, 60]}, {"variety": ["V1", "V2", "V3"]},
    ...                         {"mgmt": ["low", "high"]}, reps=2, rng=7)
    >>> book.n_plots, book.seed
    (24, 7)
    >>> book.table.groupby(["block", "main_plot"])["N"].nunique().eq(1).all()
    np.True_
    >>> book.table.groupby(["block", "main_plot", "sub_plot"])["variety"].nunique().eq(1).all()
    np.True_
    """
    (mname, mlev), (sname, slev) = _one_factor(main, "main"), _one_factor(sub, "sub")
    tname, tlev = _one_factor(sub_sub, "sub_sub")
    _distinct_names(mname, sname, tname)
    reps = _reps(reps)
    gen, seed = _seeded(rng)
    rows = []
    for b in range(1, reps + 1):
        for mp, i in enumerate(gen.permutation(len(mlev)), start=1):
            for sp, j in enumerate(gen.permutation(len(slev)), start=1):
                for k in gen.permutation(len(tlev)):
                    rows.append((b, mp, sp, mlev[i], slev[j], tlev[k]))
    table = pd.DataFrame(rows, columns=["block", "main_plot", "sub_plot", mname, sname, tname])

    def label(a: Any, b_: Any, c: Any) -> str:
        return ":".join(_level_text(n, v) for n, v in ((mname, a), (sname, b_), (tname, c)))

    table.insert(0, "plot", _plot_numbers(table["block"].to_numpy(), plot_numbers))
    table.insert(
        4,
        "treatment",
        [label(*r) for r in zip(table[mname], table[sname], table[tname], strict=True)],
    )
    treatments = pd.DataFrame(
        [(label(a, b_, c), a, b_, c) for a in mlev for b_ in slev for c in tlev],
        columns=["treatment", mname, sname, tname],
    )
    return _book("split-split-plot", table, treatments, reps, seed)


def strip_plot(
    horizontal: Mapping[str, Sequence[Any]],
    vertical: Mapping[str, Sequence[Any]],
    /,
    *,
    reps: int,
    rng: Any = None,
    plot_numbers: Literal["sequential", "block"] = "sequential",
) -> FieldBook:
    """Strip-plot (split-block) in randomised complete blocks.

    In each block the levels of the horizontal factor are randomised to horizontal
    strips and, independently, the levels of the vertical factor to vertical strips
    across them; each plot is the crossing of one horizontal and one vertical strip
    (Gomez & Gomez 1984, ch. 3).  Analyse it with ``fo.anova(..., horizontal=...,
    vertical=..., block="block")``.

    Parameters
    ----------
    horizontal, vertical : mapping with one item
        ``{"variety": ["V1", "V2", "V3"]}`` and ``{"N": [0, 60, 120]}``.
    reps : int
        Number of blocks.
    rng : int, numpy Generator or None
        Seed of the randomisation (stored in ``FieldBook.seed``).
    plot_numbers : {"sequential", "block"}, default "sequential"
        1, 2, … over the field, or 101, 102, …, 201, … by block.

    Returns
    -------
    FieldBook
        ``table``: ``plot, block, h_strip, v_strip, treatment`` (``"V2:N60"``) and the
        two factor columns, in field order (block, horizontal strip, vertical strip).

    Examples
    --------
    >>> book = strip_plot({"variety": ["V1", "V2", "V3"]}, {"N": [0, 60]}, reps=2, rng=3)
    >>> book.n_plots, book.n_treatments
    (12, 6)
    >>> book.table.groupby(["block", "h_strip"])["variety"].nunique().eq(1).all()
    np.True_
    >>> book.table.groupby(["block", "v_strip"])["N"].nunique().eq(1).all()
    np.True_
    """
    (hname, hlev), (vname, vlev) = (
        _one_factor(horizontal, "horizontal"),
        _one_factor(vertical, "vertical"),
    )
    _distinct_names(hname, vname)
    reps = _reps(reps)
    gen, seed = _seeded(rng)
    rows = []
    for b in range(1, reps + 1):
        h_order = gen.permutation(len(hlev))
        v_order = gen.permutation(len(vlev))
        for hs, i in enumerate(h_order, start=1):
            for vs, j in enumerate(v_order, start=1):
                rows.append((b, hs, vs, hlev[i], vlev[j]))
    table = pd.DataFrame(rows, columns=["block", "h_strip", "v_strip", hname, vname])

    def label(a: Any, b_: Any) -> str:
        return f"{_level_text(hname, a)}:{_level_text(vname, b_)}"

    table.insert(0, "plot", _plot_numbers(table["block"].to_numpy(), plot_numbers))
    table.insert(
        4, "treatment", [label(a, b_) for a, b_ in zip(table[hname], table[vname], strict=True)]
    )
    treatments = pd.DataFrame(
        [(label(a, b_), a, b_) for a in hlev for b_ in vlev], columns=["treatment", hname, vname]
    )
    return _book("strip-plot", table, treatments, reps, seed)


# ---------------------------------------------------------------------------
# fertilizer designs
# ---------------------------------------------------------------------------
def _rates(mapping: Any, role: str) -> dict[str, float]:
    if not isinstance(mapping, Mapping) or not mapping:
        raise OptionError(
            f"{role} must be a mapping of nutrient rates, e.g. {{'N': 18, 'P2O5': 8, 'K2O': 19}}."
        )
    out = {}
    for name, value in mapping.items():
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise OptionError(f"{role}[{name!r}] must be a rate, got {value!r}.") from None
        if not math.isfinite(v) or v <= 0:
            raise OptionError(f"{role}[{name!r}] must be a positive rate, got {value!r}.")
        out[str(name)] = v
    return out


def omission(
    formula: Mapping[str, float],
    /,
    *,
    reduce: Any = "omit",
    reps: int = 3,
    control: bool = True,
    blocks: bool = True,
    rng: Any = None,
    plot_numbers: Literal["sequential", "block"] = "sequential",
) -> FieldBook:
    """Omission (缺素) or formula-check design: the full formula and the formula minus one nutrient.

    Parameters
    ----------
    formula : mapping
        The full rates, e.g. ``{"N": 18, "P2O5": 8, "K2O": 19}``.
    reduce : "omit", float or mapping, default "omit"
        How each nutrient is reduced in its treatment: ``"omit"`` (rate 0), a fraction
        removed (``0.3`` → 70 % of the formula rate), or a mapping nutrient → fraction.
    reps : int, default 3
        Blocks (or replicates when ``blocks=False``).
    control : bool, default True
        Include the no-fertilizer control ``CK``.
    blocks : bool, default True
        RCBD; False gives a CRD.
    rng : int, numpy Generator or None

    Returns
    -------
    FieldBook
        ``table``: ``plot, block`` (or ``rep``), ``treatment`` and one rate column per
        nutrient.  Treatments: ``CK``, the full formula (``NPK`` for N, P2O5, K2O), and
        per nutrient the formula without it (``PK`` = no N) or reduced
        (``NPK-N30%``).

    Examples
    --------
    The reference study's layout (5 treatments in 3 blocks):

    >>> book = omission({"N": 18, "P2O5": 8, "K2O": 19}, reps=3, rng=2013)
    >>> book.treatments
      treatment     N  P2O5   K2O
    0        CK   0.0   0.0   0.0
    1       NPK  18.0   8.0  19.0
    2        PK   0.0   8.0  19.0
    3        NK  18.0   0.0  19.0
    4        NP  18.0   8.0   0.0
    """
    rates = _rates(formula, "formula")
    if len(rates) < 2:
        raise OptionError("an omission design needs a formula with at least 2 nutrients.")
    names = list(rates)
    short = {n: (n[0] if n[0] in "NPK" else n) for n in names}
    if len(set(short.values())) < len(names):
        short = {n: n for n in names}
    full_label = "".join(short[n] for n in names)
    if isinstance(reduce, str):
        check_choice(reduce, "reduce", ("omit",))
        fractions = dict.fromkeys(names, 1.0)
    elif isinstance(reduce, Mapping):
        unknown = [k for k in reduce if k not in rates]
        if unknown:
            raise OptionError(
                f"reduce names {', '.join(map(str, unknown))}, which the formula does not have."
            )
        fractions = {n: float(reduce.get(n, 1.0)) for n in names}
    else:
        try:
            fractions = dict.fromkeys(names, float(reduce))
        except (TypeError, ValueError):
            raise OptionError(
                f"reduce must be 'omit', a fraction or a mapping, got {reduce!r}."
            ) from None
    for n, f in fractions.items():
        if not 0 < f <= 1:
            raise OptionError(f"the fraction of {n} removed must be in (0, 1], got {f!r}.")
    rows = []
    if control:
        rows.append(("CK", *[0.0] * len(names)))
    rows.append((full_label, *[rates[n] for n in names]))
    for n in names:
        f = fractions[n]
        if f == 1:
            label = "".join(short[m] for m in names if m != n)
        else:
            label = f"{full_label}-{short[n]}{format_number(100 * f, 3)}%"
        rows.append((label, *[rates[m] * (1 - f) if m == n else rates[m] for m in names]))
    treatments = pd.DataFrame(rows, columns=["treatment", *names])
    labels = list(treatments["treatment"])
    reps = _reps(reps)
    gen, seed = _seeded(rng)
    table = (
        _blocked(labels, reps, gen, plot_numbers)
        if blocks
        else crd(labels, reps=reps, rng=seed).table
    )
    return _book("omission", _attach(table, treatments), treatments, reps, seed)


def three414(
    *,
    level2: Mapping[str, float],
    reps: int = 1,
    multipliers: Sequence[float] = (0.0, 0.5, 1.0, 1.5),
    blocks: bool = True,
    rng: Any = None,
    plot_numbers: Literal["sequential", "block"] = "sequential",
) -> FieldBook:
    """The 3414 design: 3 nutrients, 4 levels, 14 treatments.

    Level 0 is no fertilizer, level 2 the local recommended rate, level 1 half of it
    and level 3 one and a half times it (1.5 × is deliberately excessive).

    Parameters
    ----------
    level2 : mapping with three items
        Level-2 rates, e.g. ``{"N": 18, "P2O5": 8, "K2O": 19}`` (order: the N, P, K
        positions of the level codes).
    reps : int, default 1
        Blocks; 3414 trials are often unreplicated and repeated over sites.
    multipliers : sequence of 4 floats, default (0, 0.5, 1, 1.5)
        Rates of levels 0–3 as multiples of level 2.
    blocks : bool, default True
        RCBD; False gives a CRD.
    rng : int, numpy Generator or None

    Returns
    -------
    FieldBook
        ``table``: ``plot, block`` (or ``rep``), ``treatment`` (1–14), ``code``
        (``N2P2K2``; the letters are the first letters of the nutrient names) and one
        rate column per nutrient.

    Notes
    -----
    Treatment table (levels of N, P, K): 1 000, 2 022, 3 122, 4 202, 5 212, 6 222,
    7 232, 8 220, 9 221, 10 223, 11 322, 12 112, 13 121, 14 211.

    Examples
    --------
    >>> book = three414(level2={"N": 18, "P2O5": 8, "K2O": 19}, rng=1)
    >>> book.treatments.iloc[[0, 5, 9]]
       treatment    code     N  P2O5   K2O
    0          1  N0P0K0   0.0   0.0   0.0
    5          6  N2P2K2  18.0   8.0  19.0
    9         10  N2P2K3  18.0   8.0  28.5
    """
    rates = _rates(level2, "level2")
    if len(rates) != 3:
        raise OptionError(
            "level2 must give the level-2 rates of exactly three nutrients (N, P, K), "
            f"got {len(rates)}: {', '.join(rates)}."
        )
    mult = [float(m) for m in multipliers]
    if len(mult) != 4 or mult[0] != 0 or any(b <= a for a, b in itertools.pairwise(mult)):
        raise OptionError(
            "multipliers must be 4 increasing values starting at 0, e.g. (0, 0.5, 1, 1.5); "
            f"got {tuple(multipliers)!r}."
        )
    names = list(rates)
    letters = [n[0].upper() for n in names]
    if len(set(letters)) < 3:
        letters = ["N", "P", "K"]
    rows = []
    for i, lv in enumerate(THREE414_LEVELS, start=1):
        code = "".join(f"{letters[j]}{lv[j]}" for j in range(3))
        rows.append((i, code, *[mult[lv[j]] * rates[names[j]] for j in range(3)]))
    treatments = pd.DataFrame(rows, columns=["treatment", "code", *names])
    reps = _reps(reps)
    gen, seed = _seeded(rng)
    labels = list(treatments["treatment"].astype(str))
    table = (
        _blocked(labels, reps, gen, plot_numbers)
        if blocks
        else crd(labels, reps=reps, rng=seed).table
    )
    table["treatment"] = table["treatment"].astype(int)
    return _book("3414", _attach(table, treatments), treatments, reps, seed)
