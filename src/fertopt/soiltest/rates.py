"""Recommended rates per soil-test class: the table a soil-fertiliser station publishes.

:func:`recommend_by_class` takes one row per trial (its soil-test value and, usually, its own
economic optimum of the nutrient) and the soil-test classes (boundaries, or an object with the
attributes of :func:`fertopt.soiltest.abundance_classes`' result), and gives for each class the
mean of the trials' optima with its spread, the pooled MRTN rate over the class's trials
(:func:`fertopt.pool_sites`), and the regression of the optimum on ln(STV).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core import validation as _v
from fertopt._core.document import Facts, Notes, Summary, Table, localized_table
from fertopt._core.formatting import ResultBase, format_number
from fertopt._core.i18n import label, translate_message
from fertopt.economics import pool_sites
from fertopt.economics.intervals import t_quantile
from fertopt.exceptions import DataWarning, FertoptError, OptionError
from fertopt.soiltest.classes import class_names
from fertopt.units import Prices

__all__ = [
    "recommend_by_class",
    "ClassRecommendation",
    "as_prices",
    "flag_text",
    "rate_tables",
    "CLASS_COLUMNS",
    "RATE_KEYS",
]

#: Columns of :attr:`ClassRecommendation.table`.
CLASS_COLUMNS = (
    "class_index",
    "class_en",
    "class_zh",
    "stv_low",
    "stv_high",
    "n",
    "n_optimum",
    "mean_optimum",
    "sd_optimum",
    "ci_low",
    "ci_high",
    "min_optimum",
    "max_optimum",
    "mrtn_rate",
    "mrtn_low",
    "mrtn_high",
    "n_mrtn",
    "flag",
)

_MIN_TRIALS = 3


def as_prices(prices: Any) -> Prices | None:
    """``prices`` as a :class:`fertopt.Prices` (a mapping is read as its arguments)."""
    if prices is None or isinstance(prices, Prices):
        return prices
    if isinstance(prices, Mapping):
        return Prices(**prices)
    raise OptionError(
        f"prices must be a fertopt.Prices or a mapping such as {{'crop': 2.8, 'N': 6.25}}, got "
        f"{type(prices).__name__}."
    )


# ---------------------------------------------------------------------------
# the classes: boundaries or an AbundanceClasses-like object
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Classes:
    boundaries: tuple[float, ...]
    classify: Callable[[np.ndarray], np.ndarray]
    names_en: tuple[str, ...]
    names_zh: tuple[str, ...]


def _read_classes(classes: Any) -> _Classes:
    """Boundaries, a classifier and the class names of ``classes``."""
    if hasattr(classes, "boundaries") and hasattr(classes, "class_names"):
        bounds = tuple(float(b) for b in classes.boundaries)
        names_en = tuple(classes.class_names("en"))
        names_zh = tuple(classes.class_names("zh"))
        if len(names_en) != len(bounds) + 1 or len(names_zh) != len(bounds) + 1:
            raise OptionError(
                f"classes has {len(bounds)} boundaries but {len(names_en)} class names; "
                "k boundaries make k + 1 classes."
            )
        return _Classes(
            bounds, lambda s: np.asarray(classes.classify(s), dtype=int), names_en, names_zh
        )
    if isinstance(classes, (str, bytes)) or not isinstance(classes, Sequence | np.ndarray):
        raise OptionError(
            "classes must be the ascending soil-test boundaries between classes, e.g. "
            "classes=(7.8, 17.4, 28.3, 33.3), or the result of fo.soiltest.abundance_classes; "
            f"got {type(classes).__name__}."
        )
    try:
        bounds = tuple(float(b) for b in classes)
    except (TypeError, ValueError):
        raise OptionError(
            f"classes={classes!r}: the boundaries must be numbers (soil-test values)."
        ) from None
    if not bounds:
        raise OptionError("classes is empty; give at least one soil-test boundary.")
    if not all(math.isfinite(b) for b in bounds) or any(
        b <= a
        for a, b in zip(bounds, bounds[1:], strict=False)  # consecutive pairs
    ):
        raise OptionError(
            f"classes={classes!r}: the boundaries must be finite and strictly ascending "
            "(lowest soil-test value first)."
        )

    def classify(stv: np.ndarray) -> np.ndarray:
        s = np.asarray(stv, dtype=float)
        out = np.searchsorted(np.asarray(bounds), s, side="right")
        return np.where(np.isfinite(s), out, -1)

    k = len(bounds) + 1
    return _Classes(bounds, classify, class_names(k, "en"), class_names(k, "zh"))


# ---------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class ClassRecommendation(ResultBase):
    """Recommended rates of one nutrient per soil-test class (:func:`recommend_by_class`).

    Attributes
    ----------
    nutrient : str or None
        The nutrient, when known (from ``nutrient=`` or the fits).
    table : DataFrame
        One row per class, lowest soil-test class first, empty classes included:
        ``class_index`` (0, 1 …), ``class_en``, ``class_zh`` (the class names),
        ``stv_low``, ``stv_high`` (the class's soil-test range, lower bound included; NaN at
        the open ends), ``n`` (trials in the class), ``n_optimum`` (of which with a finite
        optimum), ``mean_optimum``, ``sd_optimum``, ``ci_low``, ``ci_high`` (t interval of the
        mean at ``confidence_level``), ``min_optimum``, ``max_optimum``, ``mrtn_rate`` (the
        pooled MRTN rate of the class's fits), ``mrtn_low``, ``mrtn_high`` (its profitable
        range), ``n_mrtn`` (fits pooled) and ``flag``: ``""``, ``"empty"`` (no trial),
        ``"few_trials"`` (1 or 2 trials: a weak recommendation, also warned) or
        ``"no_optimum"`` (trials but none with an optimum).
    regression : dict
        The optimum on ln(STV) over all trials with an optimum and STV > 0: ``intercept``,
        ``slope``, ``intercept_se``, ``slope_se``, ``r_squared``, ``n`` (NaN when n < 3).
    boundaries : tuple of float
        The soil-test boundaries between the classes.
    n_trials, n_classified, n_unclassified : int
        Rows of the data; of which placed in a class; without a soil-test value.
    confidence_level : float
    price_ratio_text : str
        The price ratio of the MRTN pooling, in words ("" without it).
    warnings : tuple of str
    """

    nutrient: str | None
    table: pd.DataFrame
    regression: dict[str, float]
    boundaries: tuple[float, ...]
    n_trials: int
    n_classified: int
    n_unclassified: int
    confidence_level: float
    price_ratio_text: str = ""
    warnings: tuple[str, ...] = ()
    _warning_keys: tuple[tuple[str, dict[str, Any]], ...] = field(
        default=(), repr=False, compare=False
    )
    _pooled: dict[int, Any] = field(default_factory=dict, repr=False, compare=False)

    def mrtn(self, class_index: int) -> Any:
        """The :class:`fertopt.economics.PooledSites` of one class (None when not pooled)."""
        return self._pooled.get(int(class_index))

    def warnings_in(self, lang: str = "en") -> tuple[str, ...]:
        """The warnings in ``lang`` ("en" or "zh")."""
        return tuple(label(key, lang, **fields) for key, fields in self._warning_keys)

    def _class_name(self, row: Any, lang: str) -> str:
        return row.class_en if lang == "en" else row.class_zh

    def _headline(self, lang: str = "en") -> str:
        nutrient = self.nutrient or ""
        if not (self.table["n_optimum"] > 0).any():
            return label(
                "nw_rec_headline_none", lang, nutrient=nutrient, n=self.n_trials, k=len(self.table)
            )
        parts = []
        for row in self.table.itertuples():
            value = format_number(row.mean_optimum, 3) if row.n_optimum else "–"
            parts.append(f"{self._class_name(row, lang)} {value}")
        return label(
            "nw_rec_headline", lang, nutrient=nutrient, parts=label("layout_sep", lang).join(parts)
        )

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks of the summary by name: ``facts``, ``rates`` (the mean of the trial
        optima), ``pooled`` (their range and the pooled MRTN), ``warnings``."""

        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        sep = t("layout_sep")
        names = [self._class_name(r, lang) for r in self.table.itertuples()]
        facts = [
            (
                t("nw_rec_trials"),
                t(
                    "nw_rec_trials_text",
                    n=self.n_trials,
                    c=self.n_classified,
                    u=self.n_unclassified,
                ),
            ),
            (t("nw_rec_classes"), sep.join(names)),
            (
                t("nw_rec_boundaries"),
                sep.join(format_number(b, digits) for b in self.boundaries),
            ),
            (
                t("nw_rec_interval"),
                t("nw_rec_interval_text", level=format_number(100 * self.confidence_level, 3)),
            ),
            (
                t("nw_rec_mrtn"),
                t("nw_rec_mrtn_text", ratio=translate_message(self.price_ratio_text, lang))
                if self.price_ratio_text
                else t("nw_rec_no_mrtn"),
            ),
        ]
        reg = self.regression
        if reg["n"] >= _MIN_TRIALS and math.isfinite(reg["slope"]):
            text = t(
                "nw_rec_regression_text",
                a=format_number(reg["intercept"], digits),
                sign="−" if reg["slope"] < 0 else "+",
                b=format_number(abs(reg["slope"]), digits),
                sa=format_number(reg["intercept_se"], 3),
                sb=format_number(reg["slope_se"], 3),
                r2=format_number(reg["r_squared"], 3),
                n=int(reg["n"]),
            )
        else:
            text = t("nw_rec_regression_none")
        facts.append((t("nw_rec_regression"), text))
        shown = self.table.drop(columns=["class_index", "class_en", "class_zh"])
        shown.insert(0, "class", names)
        rates, pooled = rate_tables(shown, lang)
        notes = Notes(self.warnings_in(lang), title=t("sec_warnings"))
        return {"facts": Facts(facts), "rates": rates, "pooled": pooled, "warnings": notes}

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        parts = self.summary_parts(digits, lang)
        return Summary(
            label("nw_rec_title", lang, nutrient=self.nutrient or ""),
            list(parts.values()),
            headline=self._headline(lang),
            digits=digits,
        )


_FLAG_KEYS = {"empty": "empty", "few_trials": "few", "no_optimum": "no_optimum"}

#: Label keys of the headers of a rates-per-class table as summaries show it.
RATE_KEYS: dict[str, str] = {
    c: f"nw_col_{c}"
    for c in (
        "nutrient",
        "class",
        "stv_low",
        "stv_high",
        "n",
        "n_optimum",
        "ci_low",
        "ci_high",
        "mrtn_low",
        "mrtn_high",
        "n_mrtn",
        "note",
    )
} | {
    "mean_optimum": "nw_col_mean",
    "sd_optimum": "nw_col_sd",
    "min_optimum": "nw_col_min",
    "max_optimum": "nw_col_max",
    "mrtn_rate": "nw_col_mrtn",
}


#: The two halves of a rates-per-class table as shown (one table would be too wide to read).
_MEAN_COLUMNS = (
    "nutrient",
    "class",
    "stv_low",
    "stv_high",
    "n",
    "n_optimum",
    "mean_optimum",
    "sd_optimum",
    "ci_low",
    "ci_high",
    "note",
)
_POOLED_COLUMNS = (
    "nutrient",
    "class",
    "min_optimum",
    "max_optimum",
    "mrtn_rate",
    "mrtn_low",
    "mrtn_high",
    "n_mrtn",
)


def rate_tables(shown: pd.DataFrame, lang: str = "en") -> tuple[Table, Table]:
    """A rates-per-class table (a ``class`` column in words, ``flag`` as stored) shown as two
    tables: the mean of the trial optima with its interval, and their range with the MRTN."""
    shown = shown.assign(flag=[flag_text(f, lang) for f in shown["flag"]])
    shown = shown.rename(columns={"flag": "note"})
    counts = {"n": "int", "n_optimum": "int", "n_mrtn": "int"}
    means = localized_table(
        shown[[c for c in _MEAN_COLUMNS if c in shown]],
        lang,
        title=label("nw_rec_table", lang),
        formats=counts,
        keys=RATE_KEYS,
    )
    pooled = localized_table(
        shown[[c for c in _POOLED_COLUMNS if c in shown]],
        lang,
        title=label("nw_rec_pooled_table", lang),
        formats=counts,
        keys=RATE_KEYS,
    )
    return means, pooled


def flag_text(flag: str, lang: str = "en") -> str:
    """A class's flag (``"few_trials"`` …) in words; ``""`` stays empty."""
    return label(f"nw_flag_{_FLAG_KEYS[flag]}", lang) if flag else ""


# ---------------------------------------------------------------------------
# the function
# ---------------------------------------------------------------------------
def recommend_by_class(
    data: Any,
    /,
    *,
    stv: Hashable,
    optimum: Hashable | None = None,
    classes: Any,
    fits: Any = None,
    prices: Any = None,
    trial: Hashable | Sequence[Hashable] | None = None,
    nutrient: str | None = None,
    confidence_level: float = 0.95,
) -> ClassRecommendation:
    """Recommended rate of one nutrient for each soil-test class, from the trials in it.

    Parameters
    ----------
    data : DataFrame
        One row per trial, e.g. ``fo.soiltest.relative_yields(...).for_nutrient("P2O5")``.
    stv : str
        Column of the soil-test value.
    optimum : str, optional
        Column of each trial's own economic optimum rate of the nutrient (NaN where the trial
        has none).  Without it the table has counts and, with ``fits``, the MRTN only.
    classes : sequence of float, or an abundance-classes result
        Ascending soil-test boundaries (k boundaries make k + 1 classes, named by count: four
        make very low / low / medium / high / very high, 极低 / 低 / 中 / 高 / 极高), or an
        object with ``boundaries``, ``classify(stv_values)`` and ``class_names(lang)``, such as
        the result of :func:`fertopt.soiltest.abundance_classes`.
        A value on a boundary belongs to the upper class.
    fits : mapping or sequence, optional
        Each trial's fitted response to the nutrient (:class:`fertopt.ResponseFit` or its
        ``curve``), for the pooled MRTN: a mapping trial key → fit (with ``trial=`` naming
        the key column(s) of ``data``), or a sequence aligned with the rows of ``data``
        (None where a trial has no fit).
    prices : fertopt.Prices or mapping, optional
        Crop and nutrient prices for the MRTN (needed with ``fits``).
    trial : str or sequence of str, optional
        The column(s) of ``data`` holding the trial key that ``fits`` is keyed by (a tuple key
        for several columns).
    nutrient : str, optional
        The nutrient's name in the titles (default: the fits' nutrient).
    confidence_level : float, default 0.95
        Level of the t interval of each class's mean optimum.

    Returns
    -------
    ClassRecommendation
        ``table`` (one row per class), ``regression``, counts and warnings.

    Raises
    ------
    ColumnError
        ``stv``, ``optimum`` or ``trial`` is not a column of ``data``.
    DataError
        Soil-test values or optima that are not numbers.
    OptionError
        Boundaries that are not ascending numbers; ``fits`` without ``prices``; a ``fits``
        mapping without ``trial``, or a sequence of the wrong length.

    Warns
    -----
    DataWarning
        A class with 1 or 2 trials (its rate is flagged ``few_trials``); all classified trials
        in one class; trials with STV ≤ 0 left out of the regression; a class whose MRTN
        could not be computed.

    Notes
    -----
    Per class with ``n`` trials having an optimum ``x_i``: mean ``x̄``, SD ``s`` (n − 1
    denominator), interval ``x̄ ± t(1 − α/2, n − 1)·s/√n``, minimum and maximum.  The MRTN
    rate maximises ``Py · mean_i[Ŷ_i(x) − Ŷ_i(0)] − Px · x`` over the class's fits
    (:func:`fertopt.pool_sites`, needs two fits or more).  The regression is ordinary least
    squares of the optimum on ln(STV), ``rate = a + b·ln(STV)``, with the usual standard
    errors.

    Examples
    --------
    >>> import numpy as np, pandas as pd, fertopt as fo
    >>> from fertopt.soiltest.rates import recommend_by_class
    >>> df = pd.DataFrame({"stv": [4, 6, 9, 12, 15, 20, 26, 30, 40, 55],
    ...                    "opt": [120, 115, 100, 90, 80, 60, 50, 40, 20, 0]})
    >>> rec = recommend_by_class(df, stv="stv", optimum="opt", classes=(10, 25), nutrient="P2O5")
    >>> rec.table[["class_en", "n", "mean_optimum"]]
      class_en  n  mean_optimum
    0      low  3        111.67
    1   medium  3         76.67
    2     high  4         27.50
    """
    frame = _v.require_frame(data)
    level = _v.check_probability(confidence_level, "confidence_level")
    _v.require_columns(frame, stv=stv, optimum=optimum)
    spec = _read_classes(classes)
    econ = as_prices(prices)
    if fits is not None and econ is None:
        raise OptionError(
            "fits= gives the responses pooled into each class's MRTN rate, which needs "
            "prices=fo.Prices(crop=..., <nutrient>=...)."
        )
    s = _v.to_numeric(frame[stv], "stv").to_numpy()
    opt = (
        _v.to_numeric(frame[optimum], "optimum").to_numpy()
        if optimum is not None
        else np.full(len(frame), np.nan)
    )
    curves = _fits_by_row(frame, fits, trial)
    if nutrient is None:
        nutrient = next((c.nutrient for c in curves if c is not None and c.nutrient), None)
    name = nutrient or str(stv)  # what the warnings call the nutrient
    cls = spec.classify(s)
    k = len(spec.boundaries) + 1
    warn: list[tuple[str, dict[str, Any]]] = []
    rows, pooled, ratio_text = [], {}, ""
    q_cache: dict[int, float] = {}
    for c in range(k):
        in_c = cls == c
        x = opt[in_c & np.isfinite(opt)]
        n, m = int(in_c.sum()), len(x)
        row: dict[str, Any] = {
            "class_index": c,
            "class_en": spec.names_en[c],
            "class_zh": spec.names_zh[c],
            "stv_low": spec.boundaries[c - 1] if c > 0 else math.nan,
            "stv_high": spec.boundaries[c] if c < k - 1 else math.nan,
            "n": n,
            "n_optimum": m,
        }
        row.update(_spread(x, level, q_cache))
        row.update(mrtn_rate=math.nan, mrtn_low=math.nan, mrtn_high=math.nan, n_mrtn=0)
        chosen = [curves[i] for i in np.flatnonzero(in_c) if curves[i] is not None]
        if len(chosen) >= 2 and econ is not None:
            try:
                res = pool_sites(chosen, prices=econ)
            except FertoptError as exc:
                warn.append(
                    (
                        "nw_warn_mrtn",
                        {"nutrient": name, "cls": spec.names_en[c], "message": str(exc)},
                    )
                )
            else:
                pooled[c] = res
                ratio_text = res.price_ratio_text
                row.update(
                    mrtn_rate=res.mrtn_rate,
                    mrtn_low=res.profitable_range[0],
                    mrtn_high=res.profitable_range[1],
                    n_mrtn=res.n_sites,
                )
        if n == 0:
            row["flag"] = "empty"
        elif n < _MIN_TRIALS:
            row["flag"] = "few_trials"
            warn.append(("nw_warn_few", {"nutrient": name, "cls": spec.names_en[c], "n": n}))
        elif optimum is not None and m == 0:
            row["flag"] = "no_optimum"
        else:
            row["flag"] = ""
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(CLASS_COLUMNS))
    classified = int((cls >= 0).sum())
    occupied = table.loc[table["n"] > 0, "class_en"].tolist()
    if classified >= _MIN_TRIALS and len(occupied) == 1:
        warn.append(("nw_warn_one_class", {"nutrient": name, "n": classified, "cls": occupied[0]}))
    regression = _regression(s, opt, name, frame.index, warn)
    texts = tuple(label(key, "en", **fields) for key, fields in warn)
    for text in texts:
        warnings.warn(text, DataWarning, stacklevel=2)
    return ClassRecommendation(
        nutrient=nutrient,
        table=table,
        regression=regression,
        boundaries=spec.boundaries,
        n_trials=len(frame),
        n_classified=classified,
        n_unclassified=int((cls < 0).sum()),
        confidence_level=level,
        price_ratio_text=ratio_text,
        warnings=texts,
        _warning_keys=tuple(warn),
        _pooled=pooled,
    )


# ---------------------------------------------------------------------------
# its steps
# ---------------------------------------------------------------------------
def _fits_by_row(frame: pd.DataFrame, fits: Any, trial: Any) -> list[Any]:
    """The curve of each row's trial (None where there is none)."""
    if fits is None:
        return [None] * len(frame)
    if isinstance(fits, Mapping):
        names = _v.as_names(trial, "trial")
        if not names:
            raise OptionError(
                "fits is a mapping trial → fit: name the column(s) of data holding the trial "
                "key with trial=, e.g. trial='site'."
            )
        _v.require_columns(frame, trial=list(names))
        if len(names) == 1:
            keys = frame[names[0]].tolist()
        else:
            keys = list(frame[list(names)].itertuples(index=False, name=None))
        items = [fits.get(k) for k in keys]
    else:
        items = list(fits)
        if len(items) != len(frame):
            raise OptionError(
                f"fits has {len(items)} entries but data has {len(frame)} rows; give one fit "
                "per row (None for a trial without one), or a mapping trial → fit with trial=."
            )
    return [None if f is None else getattr(f, "curve", f) for f in items]


def _spread(x: np.ndarray, level: float, q_cache: dict[int, float]) -> dict[str, float]:
    """Mean, SD, t interval, min and max of a class's optima (NaN where undefined)."""
    m = len(x)
    out = dict.fromkeys(
        ("mean_optimum", "sd_optimum", "ci_low", "ci_high", "min_optimum", "max_optimum"),
        math.nan,
    )
    if m == 0:
        return out
    mean = float(np.mean(x))
    out.update(mean_optimum=mean, min_optimum=float(x.min()), max_optimum=float(x.max()))
    if m >= 2:
        sd = float(np.std(x, ddof=1))
        if m - 1 not in q_cache:
            q_cache[m - 1] = t_quantile(level, m - 1)
        half = q_cache[m - 1] * sd / math.sqrt(m)
        out.update(sd_optimum=sd, ci_low=mean - half, ci_high=mean + half)
    return out


def _regression(
    s: np.ndarray,
    opt: np.ndarray,
    nutrient: str | None,
    index: pd.Index,
    warn: list[tuple[str, dict[str, Any]]],
) -> dict[str, float]:
    """Least squares of the optimum on ln(STV), over the trials with both."""
    have = np.isfinite(opt) & np.isfinite(s)
    bad = have & (s <= 0)
    if bad.any():
        where = np.flatnonzero(bad)
        warn.append(
            (
                "nw_warn_regression_stv",
                {
                    "k": int(bad.sum()),
                    "nutrient": nutrient or "",
                    "items": _v.describe_rows(index[where], s[where].tolist()),
                },
            )
        )
    use = have & (s > 0)
    n = int(use.sum())
    out = {
        "intercept": math.nan,
        "slope": math.nan,
        "intercept_se": math.nan,
        "slope_se": math.nan,
        "r_squared": math.nan,
        "n": n,
    }
    if n < _MIN_TRIALS:
        return out
    x, y = np.log(s[use]), opt[use]
    xm, ym = x.mean(), y.mean()
    sxx = float(np.sum((x - xm) ** 2))
    syy = float(np.sum((y - ym) ** 2))
    if sxx <= 0:
        return out
    b = float(np.sum((x - xm) * (y - ym)) / sxx)
    a = float(ym - b * xm)
    sse = float(np.sum((y - a - b * x) ** 2))
    s2 = sse / (n - 2)
    out.update(
        intercept=a,
        slope=b,
        slope_se=math.sqrt(s2 / sxx),
        intercept_se=math.sqrt(s2 * (1.0 / n + xm**2 / sxx)),
        r_squared=1.0 - sse / syy if syy > 0 else math.nan,
    )
    return out
