"""Abundance–deficiency classes of a soil test (土壤养分丰缺指标): :func:`abundance_classes`.

The Chinese practice (测土配方施肥) fits RY = a + b·ln(STV) over the sites of a region and reads
the soil-test values at which the curve reaches relative yields of 50, 75, 90 and 95 %; those
values bound the classes 极低 / 低 / 中 / 高 / 极高 (very low … very high).  Any
:func:`fertopt.fit_calibration` model can replace the log curve.  The boundaries carry Wald
(delta-method) intervals and, with ``n_boot``, percentile bootstrap intervals from resampling
the sites (every threshold from the same resamples).

The class of a soil-test value ``v`` is the number of boundaries ≤ ``v``: a value exactly on a
boundary belongs to the class above it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.document import Facts, Summary, localized_table, warnings_notes
from fertopt._core.formatting import ResultBase, format_number
from fertopt._core.i18n import check_lang, label, model_words
from fertopt._core.i18n.correlation_text import CLASS_NAMES
from fertopt._core.validation import check_choice, check_probability
from fertopt.exceptions import DataError, DataWarning, OptionError
from fertopt.soiltest.calibration import (
    CALIBRATION_MODELS,
    CalibrationFit,
    boot_thetas,
    fit_calibration,
    t_quantile,
)
from fertopt.soiltest.checks import RY_MAX, check_boot, check_rng
from fertopt.soiltest.display import boot_text, level_text, sites_text, translator
from fertopt.soiltest.inverse import stv_at

__all__ = ["AbundanceClasses", "abundance_classes", "class_names"]


def class_names(k: int, lang: str = "en") -> tuple[str, ...]:
    """Names of ``k`` classes, lowest first: 极低/低/中/高/极高 for 5, ``class 1 …`` beyond.

    Examples
    --------
    >>> class_names(5, "zh"), class_names(3)
    (('极低', '低', '中', '高', '极高'), ('low', 'medium', 'high'))
    >>> class_names(7)[:2], class_names(7, "zh")[-1]
    (('class 1 (lowest)', 'class 2'), '第7级（最高）')
    """
    lang = check_lang(lang)
    if k in CLASS_NAMES:
        return CLASS_NAMES[k][0 if lang == "en" else 1]
    if lang == "en":
        return tuple(
            f"class {i}" + (" (lowest)" if i == 1 else " (highest)" if i == k else "")
            for i in range(1, k + 1)
        )
    return tuple(
        f"第{i}级" + ("（最低）" if i == 1 else "（最高）" if i == k else "")
        for i in range(1, k + 1)
    )


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class AbundanceClasses(ResultBase):
    """Result of :func:`abundance_classes`: soil-test classes bounded at relative-yield thresholds.

    Attributes
    ----------
    thresholds : tuple of float
        The relative yields (%) that bound the classes, ascending.
    boundaries : tuple of float
        The soil-test value at each threshold, ascending.
    table : DataFrame
        One row per class, lowest first: ``class_index`` (0 = lowest), ``class_en``,
        ``class_zh``, ``stv_low``, ``stv_high``, ``ry_low``, ``ry_high`` (open ends are
        ``-inf`` / ``inf``), ``n`` (sites of the data in the class).
    boundary_table : DataFrame
        One row per threshold: ``threshold``, ``stv``, ``se`` (delta method), ``ci_low``,
        ``ci_high`` (Wald), ``boot_low``, ``boot_high`` (percentile bootstrap; NaN without).
    model : str
        The calibration model (``'log'`` by default).
    calibration : CalibrationFit
        The fitted curve.
    confidence : float
    n_boot, n_boot_valid : int
    seed : int or None
    stv, ry : hashable
    n_obs, n_dropped : int
    warnings : tuple of str
    """

    thresholds: tuple[float, ...]
    boundaries: tuple[float, ...]
    table: pd.DataFrame
    boundary_table: pd.DataFrame
    model: str
    calibration: CalibrationFit
    confidence: float
    n_boot: int
    n_boot_valid: int
    seed: int | None
    stv: Hashable
    ry: Hashable
    n_obs: int
    n_dropped: int
    warnings: tuple[str, ...] = ()

    def classify(self, stv_values: Any) -> np.ndarray:
        """Class index of each soil-test value (0 = lowest class; -1 for a missing value).

        Examples
        --------
        >>> import pandas as pd, numpy as np, fertopt as fo
        >>> x = np.array([2.0, 4, 8, 16, 32, 64])
        >>> sites = pd.DataFrame({"p": x, "ry": -13.498 + 30.96 * np.log(x)})
        >>> cls = fo.abundance_classes(sites, stv="p", ry="ry", thresholds=(50, 75, 95))
        >>> cls.classify([5, 10, 20, 40, np.nan]).tolist()
        [0, 1, 2, 3, -1]
        """
        v = np.asarray(stv_values, dtype=float)
        out = np.searchsorted(np.asarray(self.boundaries), v, side="right").astype(int)
        return np.where(np.isnan(v), -1, out)

    def class_names(self, lang: str = "en") -> tuple[str, ...]:
        """Names of the classes, lowest first, in ``lang`` (``'en'`` or ``'zh'``)."""
        return class_names(len(self.thresholds) + 1, lang)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """RY against STV, curve and class boundaries (:func:`fertopt.plotting.plot_soiltest`)."""
        from fertopt import plotting

        return plotting.plot_soiltest(self, ax=ax, **kwargs)

    # -- display ---------------------------------------------------------------------
    def _model_text(self, lang: str) -> str:
        return label(f"st_model_{self.model}", lang)

    def _headline(self, lang: str = "en") -> str:
        return label(
            "st_classes_headline",
            lang,
            k=len(self.thresholds) + 1,
            thresholds="/".join(format_number(t, 4) for t in self.thresholds),
            bounds=" / ".join(format_number(b, 3) for b in self.boundaries),
            n=self.n_obs,
        )

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks of :meth:`summary`, by name: ``facts``, ``boundaries``, ``classes``,
        ``warnings``."""
        lang = check_lang(lang)
        t = translator(lang)
        cal = self.calibration
        facts = [
            (t("st_method"), t("st_method_classes", model=self._model_text(lang))),
            (t("equation"), model_words(cal.equation(digits), lang)),
            (t("st_columns"), t("st_columns_text", stv=self.stv, ry=self.ry)),
            (t("st_sites"), sites_text(self.n_obs, self.n_dropped, lang)),
            ("R²", format_number(cal.r_squared, digits)),
            (
                t("st_thresholds"),
                " / ".join(format_number(v, 4) for v in self.thresholds)
                + (" %" if lang == "en" else "%"),
            ),
        ]
        if self.n_boot:
            facts.append(
                (t("st_bootstrap"), boot_text(self.n_boot_valid, self.n_boot, self.seed, lang))
            )
        level = level_text(self.confidence, lang)
        shown_bounds = self.boundary_table
        if not self.n_boot:  # no bootstrap: no empty interval columns
            shown_bounds = shown_bounds.drop(columns=["boot_low", "boot_high"])
        bounds = localized_table(
            shown_bounds,
            lang,
            title=t("st_boundaries") + f" ({level})",
            keys={
                "threshold": "st_col_threshold",
                "stv": "st_col_stv",
                "se": "par_se",
                "ci_low": "par_ci_low",
                "ci_high": "par_ci_high",
                "boot_low": "st_col_boot_low",
                "boot_high": "st_col_boot_high",
            },
        )
        shown = self.table.drop(columns=["class_zh" if lang == "en" else "class_en"])
        shown = shown.rename(columns={"class_en": "class", "class_zh": "class"})
        classes = localized_table(
            shown,
            lang,
            title=t("st_class_table"),
            formats={
                "class_index": "int",
                "n": "int",
                **dict.fromkeys(("stv_low", "stv_high", "ry_low", "ry_high"), _open_end(digits)),
            },
            keys={
                "class_index": "st_col_class_index",
                "class": "st_col_class",
                "stv_low": "st_col_stv_low",
                "stv_high": "st_col_stv_high",
                "ry_low": "st_col_ry_low",
                "ry_high": "st_col_ry_high",
                "n": "st_col_sites",
            },
        )
        return {
            "facts": Facts(facts),
            "boundaries": bounds,
            "classes": classes,
            "warnings": warnings_notes(self.warnings, lang),
        }

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        return Summary(
            label("st_classes_title", lang),
            list(self.summary_parts(digits, lang).values()),
            headline=self._headline(lang),
            digits=digits,
        )


def _open_end(digits: int) -> Any:
    """Cell format of a class edge: the number, or ``–`` for an open end (±inf)."""
    return lambda v: "–" if math.isinf(v) else format_number(v, digits)


def _check_thresholds(thresholds: Any) -> tuple[float, ...]:
    if isinstance(thresholds, str) or not isinstance(thresholds, Sequence | np.ndarray):
        raise OptionError(
            f"thresholds must be a sequence of relative yields in percent, e.g. (50, 75, 90, 95); "
            f"got {thresholds!r}."
        )
    try:
        values = tuple(float(v) for v in thresholds)
    except (TypeError, ValueError):
        raise OptionError(
            f"thresholds must be numbers (relative yields in percent), got {thresholds!r}."
        ) from None
    if not values:
        raise OptionError(
            "thresholds is empty: give at least one relative yield, e.g. (50, 75, 95)."
        )
    if any(not (0 < v < RY_MAX) or not math.isfinite(v) for v in values):
        raise OptionError(
            f"thresholds must lie between 0 and {RY_MAX:g} % (relative yields in percent), got "
            f"{thresholds!r}."
        )
    if all(v <= 1.5 for v in values):
        raise OptionError(
            f"thresholds {thresholds!r} look like fractions; relative yields are in percent: "
            f"write {tuple(round(v * 100, 6) for v in values)!r}."
        )
    if any(b <= a for a, b in zip(values, values[1:], strict=False)):  # pairs of neighbours
        raise OptionError(f"thresholds must increase strictly, got {thresholds!r}.")
    return values


def abundance_classes(
    data: Any,
    /,
    *,
    stv: Hashable,
    ry: Hashable,
    thresholds: Sequence[float] = (50, 75, 90, 95),
    model: str = "log",
    n_boot: int = 0,
    rng: Any = None,
    confidence: float = 0.95,
) -> AbundanceClasses:
    """Soil-test abundance–deficiency classes (丰缺指标) at relative-yield thresholds.

    Parameters
    ----------
    data : DataFrame
        One row per site.
    stv : str
        Soil-test value column (> 0 for the log model).
    ry : str
        Relative-yield column in percent (0–150).
    thresholds : sequence of float, default (50, 75, 90, 95)
        Relative yields (%) bounding the classes, strictly increasing.  Four thresholds give the
        five classes 极低/低/中/高/极高 (very low … very high); three give 极低/低/中/高; two
        低/中/高; one 低/高; more than four, ``class 1`` … (第1级 …).
    model : str, default 'log'
        The calibration curve: ``'log'`` (RY = a + b·ln STV, the Chinese practice) or any
        :func:`fertopt.fit_calibration` model.
    n_boot : int, default 0
        Bootstrap resamples of the sites for percentile intervals of every boundary.
    rng : int, numpy Generator or None
        Seed of the resampling (recorded in ``seed``).
    confidence : float, default 0.95
        Level of the intervals.

    Returns
    -------
    AbundanceClasses
        ``thresholds``, ``boundaries`` (STV at each threshold, ascending), ``table`` (one row
        per class: ``class_index``, ``class_en``, ``class_zh``, ``stv_low``, ``stv_high``,
        ``ry_low``, ``ry_high``, ``n``), ``boundary_table`` with the intervals, and the methods
        ``classify(stv_values)`` and ``class_names(lang)``.

    Raises
    ------
    ColumnError, DataError
        As :func:`fertopt.fit_calibration`; also when the curve does not rise with STV, or does
        not reach a threshold (a plateau or asymptote below it), so that the classes would not
        be ordered.
    OptionError
        Thresholds not strictly increasing, outside 0–150 %, or given as fractions; an unknown
        model.

    Warns
    -----
    DataWarning
        Sites left out for missing values; every site in one class.

    Notes
    -----
    For the log model the boundary at threshold T is ``exp((T − a)/b)``; its standard error is
    the delta method on (a, b), and the Wald interval is ``stv ± t·se`` on n − 2 df.

    References
    ----------
    农业部 (2011). 测土配方施肥技术规范（2011 年修订版）.

    Examples
    --------
    The worked example RY = 30.96·ln(STV) − 13.498 gives 7.8, 17.4 and 33.3 mg/kg at 50, 75 and
    95 % RY:

    >>> import pandas as pd, numpy as np, fertopt as fo
    >>> x = np.array([2.0, 4, 8, 16, 32, 64])
    >>> sites = pd.DataFrame({"olsen_p": x, "ry": -13.498 + 30.96 * np.log(x)})
    >>> cls = fo.abundance_classes(sites, stv="olsen_p", ry="ry", thresholds=(50, 75, 95))
    >>> [round(b, 1) for b in cls.boundaries], cls.class_names("zh")
    ([7.8, 17.4, 33.3], ('极低', '低', '中', '高'))
    """
    values = _check_thresholds(thresholds)
    model = check_choice(model, "model", CALIBRATION_MODELS)
    level = check_probability(confidence, "confidence")
    n_boot = check_boot(n_boot)
    check_rng(rng)
    target = None if model in ("linear_plateau", "quadratic_plateau") else values[-1]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cal = fit_calibration(data, stv=stv, ry=ry, model=model, target=target, confidence=level)
    for w in caught:
        if "no critical soil-test value" in str(w.message) or "plateau of the curve" in str(
            w.message
        ):
            continue  # said below, for every threshold
        warnings.warn(str(w.message), w.category, stacklevel=2)
    theta = np.asarray(cal.params["estimate"], dtype=float)
    cov = cal.vcov.to_numpy()
    q = t_quantile(level, cal.df_resid)
    rows = []
    for th in values:
        x, grad, note = stv_at(model, theta, th)
        if note:
            why = {
                "not_rising": "the fitted curve does not rise with the soil-test value",
                "not_reached": f"the curve levels off at {format_number(cal.plateau, 4)} % RY",
                "above_plateau": f"the curve levels off at {format_number(cal.plateau, 4)} % RY",
            }[note]
            raise DataError(
                f"no soil-test value reaches {format_number(th, 4)} % relative yield: {why}. "
                "Lower the thresholds, or use model='log'."
            )
        se = float(math.sqrt(grad @ cov @ grad))
        rows.append(
            {"threshold": th, "stv": x, "se": se, "ci_low": x - q * se, "ci_high": x + q * se}
        )
    bt = pd.DataFrame(rows)
    bt["boot_low"] = np.nan
    bt["boot_high"] = np.nan
    seed, n_valid = None, 0
    xs = cal.data["stv"].to_numpy()
    ys = cal.data["ry"].to_numpy()
    notes = list(cal.warnings)
    if n_boot:
        thetas, seed = boot_thetas(model, xs, ys, n_boot, rng)
        boot = np.array([[stv_at(model, t, th)[0] for th in values] for t in thetas])
        boot = boot[np.all(np.isfinite(boot), axis=1)] if len(boot) else boot
        n_valid = len(boot)
        if n_valid >= max(10, n_boot // 2):
            alpha = 1 - level
            bt["boot_low"] = np.quantile(boot, alpha / 2, axis=0)
            bt["boot_high"] = np.quantile(boot, 1 - alpha / 2, axis=0)
    bounds = tuple(float(v) for v in bt["stv"])
    k = len(values) + 1
    edges = (-math.inf, *bounds, math.inf)
    ry_edges = (-math.inf, *values, math.inf)
    idx = np.searchsorted(np.asarray(bounds), xs, side="right")
    table = pd.DataFrame(
        {
            "class_index": np.arange(k),
            "class_en": list(class_names(k, "en")),
            "class_zh": list(class_names(k, "zh")),
            "stv_low": edges[:-1],
            "stv_high": edges[1:],
            "ry_low": ry_edges[:-1],
            "ry_high": ry_edges[1:],
            "n": np.bincount(idx, minlength=k).astype(int),
        }
    )
    occupied = np.flatnonzero(table["n"].to_numpy())
    if len(occupied) == 1:
        name = table.loc[occupied[0], "class_en"]
        msg = f"every site falls in one class ({name}): the classes cannot be checked"
        notes.append(msg)
        warnings.warn(msg + ".", DataWarning, stacklevel=2)
    return AbundanceClasses(
        thresholds=values,
        boundaries=bounds,
        table=table,
        boundary_table=bt,
        model=model,
        calibration=cal,
        confidence=level,
        n_boot=n_boot,
        n_boot_valid=n_valid,
        seed=seed,
        stv=stv,
        ry=ry,
        n_obs=cal.n_obs,
        n_dropped=cal.n_dropped,
        warnings=tuple(notes),
    )
