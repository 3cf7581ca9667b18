"""The soil-test calibration of a trial network in one call: :func:`calibrate_network`.

The steps a provincial soil-fertiliser station runs over many 3414 or omission trials
(测土配方施肥), for every nutrient with a soil test:

1. :func:`fertopt.soiltest.relative_yields`: each trial's relative yield beside its soil-test
   value and, with prices, its own economic optimum rate (one batch run over all trials);
2. :func:`fertopt.soiltest.abundance_classes`: the calibration curve (RY = a + b·ln STV by
   default, or any :func:`fertopt.fit_calibration` model) and the soil-test boundaries where it
   reaches the RY thresholds (丰缺指标), with Wald and, on request, bootstrap intervals;
3. :func:`fertopt.soiltest.recommend_by_class`: the rate of each class (mean of the trial
   optima with its spread, the pooled MRTN of the trials' responses, the optimum on ln STV).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.document import (
    Facts,
    Notes,
    Paragraph,
    Summary,
    Table,
    warnings_notes,
)
from fertopt._core.formatting import ResultBase, format_number
from fertopt._core.i18n import label, model_words
from fertopt.exceptions import DataError, DataWarning
from fertopt.soiltest.classes import AbundanceClasses, abundance_classes
from fertopt.soiltest.rates import (
    ClassRecommendation,
    as_prices,
    rate_tables,
    recommend_by_class,
)
from fertopt.soiltest.relative import RelativeYields, relative_yields

__all__ = ["calibrate_network", "NetworkCalibration", "rec_table"]

#: Columns of :attr:`NetworkCalibration.boundaries`.
BOUNDARY_COLUMNS = (
    "nutrient",
    "threshold",
    "stv",
    "se",
    "ci_low",
    "ci_high",
    "boot_low",
    "boot_high",
)


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class NetworkCalibration(ResultBase):
    """Soil-test calibration of a trial network (:func:`calibrate_network`).

    Attributes
    ----------
    relative_yields : RelativeYields
        The relative yields, soil tests and optima of every trial, and the unusable ones.
    classes : dict
        Nutrient → :class:`~fertopt.soiltest.AbundanceClasses` (the calibration curve, its
        boundaries with their intervals and the class table); its ``stv`` is the nutrient's
        soil-test column.
    recommendations : dict
        Nutrient → :class:`~fertopt.soiltest.ClassRecommendation`.
    fits : DataFrame
        One row per nutrient: ``nutrient``, ``model``, ``n`` (trials in the fit),
        ``r_squared``, ``sigma`` (residual SD, RY %), ``aicc``.
    parameters : DataFrame
        One row per nutrient × parameter of the curve: ``nutrient``, ``term``, ``estimate``,
        ``se``, ``ci_low``, ``ci_high`` (the log model's ``intercept`` a and ``slope`` b).
    boundaries : DataFrame
        One row per nutrient × threshold: ``nutrient``, ``threshold`` (RY %), ``stv``, ``se``,
        ``ci_low``, ``ci_high`` (Wald), ``boot_low``, ``boot_high`` (percentile bootstrap; NaN
        without ``n_boot``).
    table : DataFrame
        The rates per class of every nutrient: ``nutrient`` then the columns of
        :attr:`ClassRecommendation.table <fertopt.soiltest.ClassRecommendation>`.
    thresholds : tuple of float
    model : str
        The calibration model.
    n_boot : int
        Bootstrap resamples of the boundaries (0: none).
    elapsed : float
        Wall-clock seconds of the whole call.
    warnings : tuple of str
    """

    relative_yields: RelativeYields
    classes: dict[str, AbundanceClasses]
    recommendations: dict[str, ClassRecommendation]
    fits: pd.DataFrame
    parameters: pd.DataFrame
    boundaries: pd.DataFrame
    table: pd.DataFrame
    thresholds: tuple[float, ...]
    model: str
    n_boot: int
    elapsed: float
    warnings: tuple[str, ...] = ()
    _warning_keys: tuple[tuple[str, dict[str, Any]], ...] = field(
        default=(), repr=False, compare=False
    )

    @property
    def nutrients(self) -> tuple[str, ...]:
        """The calibrated nutrients, in the order of ``soil``."""
        return tuple(self.classes)

    def plot(self, nutrient: str | None = None, *, ax: Any = None, lang: str = "en") -> Any:
        """RY against STV with the curve, the class boundaries and the class names.

        One panel per nutrient (a figure of stacked panels), or the panel of ``nutrient`` on
        ``ax`` (:func:`fertopt.plotting.plot_soiltest`): the trials as points, the fitted
        curve, the boundaries (dashed, with their values) and the class names above the plot,
        in ``lang`` ("en" or "zh").  Returns the Axes, or the array of Axes of the panels.
        """
        from fertopt import plotting

        return plotting.plot_soiltest(self, nutrient=nutrient, ax=ax, lang=lang)

    # -- display -----------------------------------------------------------------
    def _headline(self, lang: str = "en") -> str:
        sep = label("layout_sep", lang)
        parts = []
        for n, cls in self.classes.items():
            shown = "/".join(format_number(b, 3) for b in cls.boundaries)
            parts.append(f"{n} {shown}")
        return label(
            "nw_cal_headline",
            lang,
            design=label(f"nw_design_{self.relative_yields.design}", lang),
            n=self.relative_yields.n_trials,
            thresholds="/".join(format_number(v, 3) for v in self.thresholds),
            parts=sep.join(parts),
        )

    def fits_table(self, digits: int = 4, lang: str = "en") -> Table:
        """The curve of each nutrient and its boundaries, one row per nutrient, as shown."""
        rows = []
        for n, cls in self.classes.items():
            fit = self.fits[self.fits["nutrient"] == n].iloc[0]
            row = {
                "nutrient": n,
                "soil_column": str(cls.stv),
                "equation": model_words(cls.calibration.equation(digits), lang),
                "r_squared": fit["r_squared"],
                "n": int(fit["n"]),
            }
            for tv, b in zip(cls.thresholds, cls.boundaries, strict=True):
                row[f"boundary_{format_number(tv, 3)}"] = b
            rows.append(row)
        frame = pd.DataFrame(rows)
        heads = {c: label(f"nw_col_{c}", lang) for c in frame.columns if c in _FIT_KEYS}
        for c in frame.columns:
            if c.startswith("boundary_"):
                heads[c] = label("nw_col_boundary_at", lang, t=c[len("boundary_") :])
        return Table(
            frame,
            title=label("nw_cal_fits", lang),
            formats={"n": "int", "r_squared": ".3f"},
            labels=heads,
        )

    def rates_tables(self, lang: str = "en") -> tuple[Table, Table]:
        """The rates per class of every nutrient, as shown: the mean of the trial optima, and
        their range with the pooled MRTN."""
        shown = self.table.drop(columns=["class_index", "class_en", "class_zh"])
        shown.insert(1, "class", self.table["class_en" if lang == "en" else "class_zh"])
        return rate_tables(shown, lang)

    def warnings_in(self, lang: str = "en") -> list[str]:
        """Every warning of the calibration in ``lang`` (those of its steps included)."""
        own = [w for cls in self.classes.values() for w in warnings_notes(cls.warnings, lang).items]
        return list(
            dict.fromkeys(
                [
                    *self.relative_yields.warnings_in(lang),
                    *(label(key, lang, **fields) for key, fields in self._warning_keys),
                    *own,
                    *(w for rec in self.recommendations.values() for w in rec.warnings_in(lang)),
                ]
            )
        )

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks by name: ``facts``, ``fits``, ``note``, ``rates``, ``pooled``,
        ``by_nutrient``, ``unusable`` (when any), ``warnings``."""

        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        ry = self.relative_yields.summary_parts(digits, lang)
        time_text = t("nw_time_text", t=f"{self.elapsed:.2f}")  # of the whole calibration
        facts = [(k, time_text if k == t("nw_time") else v) for k, v in ry["facts"].items]
        facts.append((t("nw_cal_model"), t(f"st_model_{self.model}")))
        facts.append(
            (
                t("nw_cal_thresholds"),
                t("layout_sep").join(format_number(v, 3) for v in self.thresholds),
            )
        )
        if self.n_boot:
            first = next(iter(self.classes.values()))
            facts.append((t("nw_cal_boot"), t("nw_cal_boot_text", n=self.n_boot, seed=first.seed)))
        rates, pooled = self.rates_tables(lang)
        parts = {
            "facts": Facts(facts),
            "fits": self.fits_table(digits, lang),
            "note": Paragraph(t("nw_cal_fit_note")),
            "rates": rates,
            "pooled": pooled,
            "by_nutrient": ry["by_nutrient"],
        }
        if "unusable" in ry:
            parts["unusable"] = ry["unusable"]
        parts["warnings"] = Notes(self.warnings_in(lang), title=t("sec_warnings"))
        return parts

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        parts = self.summary_parts(digits, lang)
        return Summary(
            label("nw_cal_title", lang),
            list(parts.values()),
            headline=self._headline(lang),
            digits=digits,
        )


_FIT_KEYS = ("nutrient", "soil_column", "equation", "r_squared", "n")


def calibrate_network(
    trials: Any,
    /,
    *,
    by: Hashable | Sequence[Hashable],
    design: str = "3414",
    response: Hashable,
    soil: Mapping[str, Hashable] | None = None,
    prices: Any = None,
    thresholds: Sequence[float] = (50, 75, 90, 95),
    model: str = "log",
    n_boot: int = 0,
    rng: Any = None,
    treatment: Hashable | None = None,
    rates: Sequence[Hashable] | Mapping[str, Hashable] = ("N", "P2O5", "K2O"),
    block: Hashable | None = None,
    full: Any = None,
    minus: Mapping[str, Any] | None = None,
    engine: str = "local",
    n_jobs: int = 1,
    confidence_level: float = 0.95,
) -> NetworkCalibration:
    """From the plots of a trial network to soil-test classes and the rate of each class.

    For every nutrient of ``soil``: the relative yields and trial optima
    (:func:`~fertopt.soiltest.relative_yields`), the calibration curve and its boundaries at
    ``thresholds`` (:func:`~fertopt.soiltest.abundance_classes`), and the rates per class
    (:func:`~fertopt.soiltest.recommend_by_class`: mean of the trial optima with its spread,
    the pooled MRTN of the trials' responses, the optimum on ln(STV)).

    Parameters
    ----------
    trials, by, design, response, soil, treatment, rates, block, full, minus, engine, n_jobs
        As for :func:`~fertopt.soiltest.relative_yields`.
    prices : fertopt.Prices or mapping, optional
        Crop and nutrient prices (3414 trials): the trials' optima and the MRTN.  Without
        them the result has the classes but no rates.
    thresholds : sequence of float, default (50, 75, 90, 95)
        RY (%) at the class boundaries; four make five classes (very low … very high).
    model : str, default 'log'
        The calibration curve of RY on STV: ``'log'`` (RY = a + b·ln STV, the Chinese
        practice) or any :func:`fertopt.fit_calibration` model (``'mitscherlich'`` …).
    n_boot : int, default 0
        Bootstrap resamples of each nutrient's trials for percentile intervals of the
        boundaries (as :func:`~fertopt.soiltest.abundance_classes`).
    rng : int, numpy Generator or None
        Seed of the resampling (an integer gives every nutrient the same seed).
    confidence_level : float, default 0.95
        Level of the intervals: the boundaries' and each class's mean optimum.

    Returns
    -------
    NetworkCalibration
        ``classes`` and ``recommendations`` by nutrient, the tables ``fits``, ``parameters``,
        ``boundaries`` and ``table`` (rates per class), ``plot()``; ``soiltest_report`` renders
        it as one page.

    Raises
    ------
    DataError
        A soil-test value ≤ 0 with the log model (the message names the trial and the
        value); a curve that does not reach a threshold.
    The other errors of :func:`~fertopt.soiltest.relative_yields` and
    :func:`~fertopt.soiltest.abundance_classes`.

    Warns
    -----
    DataWarning
        Those of the steps, once each: relative yields outside 0–150 %, classes with fewer
        than 3 trials, all trials in one class, a boundary outside the tested soil-test values.

    Notes
    -----
    The MRTN of a class pools each trial's ternary surface cut at level 2 of the other two
    nutrients (:meth:`RelativeYields.curves <fertopt.soiltest.RelativeYields.curves>`), so it
    needs no refit; the trial optima are the batch's priced optima of the whole surface.

    Examples
    --------
    >>> import numpy as np, pandas as pd, fertopt as fo
    >>> rng = np.random.default_rng(3)
    >>> book = fo.design.three414(level2={"N": 180, "P2O5": 90, "K2O": 120}, reps=2, rng=1)
    >>> frames = []
    >>> for site in range(40):
    ...     p_test = float(np.exp(rng.uniform(np.log(4), np.log(38))))
    ...     ry_p = min(1.0, (30.96 * np.log(p_test) - 13.5) / 100)
    ...     p = book.table["P2O5"] / 90
    ...     g = ry_p + (1 - ry_p) * (2 * p - p**2)
    ...     y = 9000 * g * (1 - 0.2 * (1 - book.table["N"] / 180) ** 2) + rng.normal(0, 150, len(p))
    ...     frames.append(book.table.assign(site=site, olsen_p=p_test, yield_=y))
    >>> cal = fo.soiltest.calibrate_network(
    ...     pd.concat(frames), by="site", response="yield_", soil={"P2O5": "olsen_p"},
    ...     treatment="treatment", block="block",
    ...     prices=fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4), thresholds=(50, 75, 90))
    >>> cal.parameters[["term", "estimate"]].round(1)      # the true line: −13.5 + 30.96 ln x
            term  estimate
    0  intercept     -12.5
    1      slope      30.6
    >>> cal.table[["class_en", "n", "mean_optimum", "mrtn_rate"]].round(1)
       class_en   n  mean_optimum  mrtn_rate
    0  very low  13          85.5       88.7
    1       low  11          84.3       88.1
    2    medium  12          84.8       86.3
    3      high   4          71.5       77.7
    """
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ry = relative_yields(
            trials,
            by=by,
            design=design,
            response=response,
            soil=soil,
            treatment=treatment,
            rates=rates,
            block=block,
            full=full,
            minus=minus,
            prices=prices,
            engine=engine,
            n_jobs=n_jobs,
        )
    for w in caught:  # the warnings of the step, from the user's call
        warnings.warn(w.message, w.category, stacklevel=2)
    econ = as_prices(prices)
    classes, recs, fits, params, bounds, tables = {}, {}, [], [], [], []
    own: list[tuple[str, dict[str, Any]]] = []
    later: list[warnings.WarningMessage] = []
    for n in ry.nutrients:
        part = ry.for_nutrient(n)
        if model == "log":
            _check_positive(part, ry.by, n)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cls = abundance_classes(
                _named(part, ry.soil[n]),
                stv=_stv_name(part, ry.soil[n]),
                ry="ry",
                thresholds=thresholds,
                model=model,
                n_boot=n_boot,
                rng=rng,
                confidence=confidence_level,
            )
            recs[n] = recommend_by_class(
                part,
                stv="stv",
                optimum="optimum" if ry.economic else None,
                classes=cls,
                fits=ry.curves(n) if ry.economic else None,
                trial=list(ry.by),
                prices=econ,
                nutrient=n,
                confidence_level=confidence_level,
            )
        later += caught
        classes[n] = cls
        own += _outside_range(n, cls)
        cal = cls.calibration
        fits.append(
            {
                "nutrient": n,
                "model": cls.model,
                "n": cls.n_obs,
                "r_squared": cal.r_squared,
                "sigma": cal.sigma,
                "aicc": cal.aicc,
            }
        )
        params.append(
            cal.params[["term", "estimate", "se", "ci_low", "ci_high"]].assign(nutrient=n)
        )
        bounds.append(cls.boundary_table.assign(nutrient=n))
        tables.append(rec_table(recs[n], n))
    texts = [label(key, "en", **fields) for key, fields in own]
    for text in texts:
        warnings.warn(text, DataWarning, stacklevel=2)
    for w in later:
        warnings.warn(w.message, w.category, stacklevel=2)
    return NetworkCalibration(
        relative_yields=ry,
        classes=classes,
        recommendations=recs,
        fits=pd.DataFrame(fits, columns=["nutrient", "model", "n", "r_squared", "sigma", "aicc"]),
        parameters=pd.concat(params, ignore_index=True)[
            ["nutrient", "term", "estimate", "se", "ci_low", "ci_high"]
        ],
        boundaries=pd.concat(bounds, ignore_index=True)[list(BOUNDARY_COLUMNS)],
        table=pd.concat(tables, ignore_index=True),
        thresholds=next(iter(classes.values())).thresholds,
        model=model,
        n_boot=int(n_boot),
        elapsed=time.perf_counter() - start,
        warnings=tuple(
            dict.fromkeys(
                [
                    *ry.warnings,
                    *texts,
                    *(w for cls in classes.values() for w in cls.warnings),
                    *(w for rec in recs.values() for w in rec.warnings),
                ]
            )
        ),
        _warning_keys=tuple(own),
    )


def rec_table(rec: ClassRecommendation, nutrient: str) -> pd.DataFrame:
    """The rates per class of one nutrient with the nutrient as the first column."""
    table = rec.table.copy()
    table.insert(0, "nutrient", nutrient)
    return table


def _stv_name(part: pd.DataFrame, column: Hashable) -> Hashable:
    """The soil-test column's own name for the classes (axis labels), unless it is taken."""
    return column if column not in part.columns or column == "stv" else "stv"


def _named(part: pd.DataFrame, column: Hashable) -> pd.DataFrame:
    """The trials of one nutrient with the STV under the soil-test column's name."""
    name = _stv_name(part, column)
    return part[["stv", "ry"]].rename(columns={"stv": name}) if name != "stv" else part


def _check_positive(part: pd.DataFrame, by: tuple[Hashable, ...], nutrient: str) -> None:
    """A log curve needs soil-test values above 0: stop naming the trials that have none."""
    s = part["stv"].to_numpy(dtype=float)
    bad = np.flatnonzero(np.isfinite(s) & (s <= 0))
    if not len(bad):
        return
    keys = part[list(by)].to_numpy(dtype=object)
    shown = ", ".join(
        f"trial {keys[i][0] if len(by) == 1 else tuple(keys[i])!r} (STV {s[i]:g})" for i in bad[:5]
    )
    more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
    raise DataError(
        f"the log calibration RY = a + b·ln(STV) of {nutrient} needs soil-test values above 0, "
        f"but {shown}{more} have 0 or less. Correct these values (a value below the detection "
        "limit can be entered as that limit), leave the trials out, or use another model= "
        "(e.g. 'mitscherlich')."
    )


def _outside_range(nutrient: str, cls: AbundanceClasses) -> list[tuple[str, dict[str, Any]]]:
    """A warning for each boundary outside the soil-test values of the fit."""
    stv = cls.calibration.data["stv"]
    lo, hi = float(stv.min()), float(stv.max())
    return [
        (
            "nw_warn_outside",
            {
                "nutrient": nutrient,
                "t": format_number(tv, 3),
                "stv": format_number(b, 3),
                "lo": format_number(lo, 3),
                "hi": format_number(hi, 3),
            },
        )
        for tv, b in zip(cls.thresholds, cls.boundaries, strict=True)
        if math.isfinite(b) and not lo <= b <= hi
    ]
