"""The Cate–Nelson quadrant methods as public functions: :func:`cate_nelson_1965`,
:func:`cate_nelson_1971` and their result, :class:`CateNelsonResult`.

The splits themselves are computed in :mod:`fertopt.soiltest.catenelson`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.document import Facts, Summary, localized_table, warnings_notes
from fertopt._core.formatting import ResultBase, format_number
from fertopt._core.i18n import check_lang, label
from fertopt._core.validation import check_probability
from fertopt.soiltest.catenelson import cn1965_split, cn1971_split, quadrant_counts, split_fit
from fertopt.soiltest.checks import check_boot, check_rng, check_target, prepare, seeded
from fertopt.soiltest.display import boot_text, interval_text, level_text, sites_text, translator

__all__ = ["CateNelsonResult", "cate_nelson_1965", "cate_nelson_1971"]

_QUADRANTS = ("I", "II", "III", "IV")
_POSITIVE = (False, True, False, True)


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class CateNelsonResult(ResultBase):
    """Result of :func:`cate_nelson_1965` and :func:`cate_nelson_1971`.

    Attributes
    ----------
    method : {'cate_nelson_1965', 'cate_nelson_1971'}
    cstv : float
        Critical soil-test value: sites below it are expected to respond.
    cryv : float
        Critical relative yield (%): the target for 1965, the fitted split for 1971.
    target : float or None
        The target RY of the 1965 method (None for 1971).
    quadrants : DataFrame
        One row per quadrant I–IV: ``quadrant``, ``stv_side`` (``below`` / ``at or above``
        the CSTV), ``ry_side`` (``at or above`` / ``below`` the critical RY), ``n`` (sites),
        ``positive`` (the quadrant agrees with the test: II and IV).
    n_positive : int
        Sites in quadrants II and IV.
    share_positive : float
        ``n_positive / n_obs``.
    r_squared, aic, bic, rmse : float
        Of the one-way ANOVA of RY on the split at the CSTV (as soiltestcorr reports them).
    data : DataFrame
        The sites used: ``stv``, ``ry``, ``quadrant``, indexed like the input.
    boot : DataFrame or None
        With ``n_boot``: the ``cstv`` and ``cryv`` of every resample.
    cstv_ci : tuple of float or None
        Percentile bootstrap interval of the CSTV at ``confidence``.
    confidence : float
    n_boot : int
    seed : int or None
        Seed of the resampling (``rng=seed`` repeats it).
    stv, ry : hashable
        The columns used.
    n_obs, n_dropped : int
        Sites used, and sites left out for a missing value.
    warnings : tuple of str
    """

    method: str
    cstv: float
    cryv: float
    target: float | None
    quadrants: pd.DataFrame
    n_positive: int
    share_positive: float
    r_squared: float
    aic: float
    bic: float
    rmse: float
    data: pd.DataFrame
    boot: pd.DataFrame | None = None
    cstv_ci: tuple[float, float] | None = None
    confidence: float = 0.95
    n_boot: int = 0
    seed: int | None = None
    stv: Hashable = "stv"
    ry: Hashable = "ry"
    n_obs: int = 0
    n_dropped: int = 0
    warnings: tuple[str, ...] = ()

    # -- figures -----------------------------------------------------------------
    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """RY against STV with the quadrants (see :func:`fertopt.plotting.plot_soiltest`)."""
        from fertopt import plotting

        return plotting.plot_soiltest(self, ax=ax, **kwargs)

    # -- display -----------------------------------------------------------------
    def _title(self, lang: str) -> str:
        return label("st_cn_title", lang, year=self.method[-4:])

    def _headline(self, lang: str = "en") -> str:
        return label(
            "st_cn_headline",
            lang,
            year=self.method[-4:],
            cstv=format_number(self.cstv, 4),
            ry=format_number(self.cryv, 4),
            r2=format_number(self.r_squared, 3),
            k=self.n_positive,
            n=self.n_obs,
        )

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks of :meth:`summary`, by name: ``facts``, ``quadrants``, ``warnings``."""
        lang = check_lang(lang)
        t = translator(lang)
        facts = [
            (t("st_method"), t(f"st_method_{self.method}")),
            (t("st_columns"), t("st_columns_text", stv=self.stv, ry=self.ry)),
            (t("st_sites"), sites_text(self.n_obs, self.n_dropped, lang)),
            (t("st_cstv"), format_number(self.cstv, digits)),
        ]
        if self.cstv_ci is not None:
            facts.append(
                (
                    t("st_boot_ci", level=level_text(self.confidence, lang)),
                    interval_text(*self.cstv_ci, digits),
                )
            )
            facts.append(
                (
                    t("st_bootstrap"),
                    boot_text(int(self.boot.shape[0]), self.n_boot, self.seed, lang),
                )
            )
        key = "st_target_ry" if self.target is not None else "st_critical_ry"
        facts += [
            (t(key), f"{format_number(self.cryv, digits)}{' %' if lang == 'en' else '%'}"),
            (t("st_split_r2"), format_number(self.r_squared, digits)),
            (
                t("st_positive"),
                t(
                    "st_positive_text",
                    k=self.n_positive,
                    n=self.n_obs,
                    pct=format_number(100 * self.share_positive, 3),
                ),
            ),
        ]
        sides = {"below": t("st_below"), "at or above": t("st_at_or_above")}
        table = localized_table(
            self.quadrants,
            lang,
            title=t("st_quadrants"),
            cells={"stv_side": lambda v: sides.get(v, v), "ry_side": lambda v: sides.get(v, v)},
            keys={
                "quadrant": "st_col_quadrant",
                "stv_side": "st_col_stv_side",
                "ry_side": "st_col_ry_side",
                "n": "st_col_sites",
                "positive": "st_col_positive",
            },
        )
        return {
            "facts": Facts(facts),
            "quadrants": table,
            "warnings": warnings_notes(self.warnings, lang),
        }

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        return Summary(
            self._title(lang),
            list(self.summary_parts(digits, lang).values()),
            headline=self._headline(lang),
            digits=digits,
        )


def _quadrant_table(x: np.ndarray, y: np.ndarray, cstv: float, cryv: float) -> pd.DataFrame:
    counts = quadrant_counts(x, y, cstv, cryv)
    return pd.DataFrame(
        {
            "quadrant": list(_QUADRANTS),
            "stv_side": ["below", "at or above", "at or above", "below"],
            "ry_side": ["at or above", "at or above", "below", "below"],
            "n": counts.astype(int),
            "positive": list(_POSITIVE),
        }
    )


def _labels(x: np.ndarray, y: np.ndarray, cstv: float, cryv: float) -> list[str]:
    low = x < cstv
    high = y >= cryv
    return [
        "I" if lo and hi else "II" if hi else "III" if not lo else "IV"
        for lo, hi in zip(low, high, strict=True)
    ]


def _result(
    method: str,
    prep: Any,
    cstv: float,
    cryv: float,
    target: float | None,
    stv: Hashable,
    ry: Hashable,
    boot: pd.DataFrame | None,
    ci: tuple[float, float] | None,
    level: float,
    n_boot: int,
    seed: int | None,
    notes: list[str],
) -> CateNelsonResult:
    x, y = prep.x, prep.y
    table = _quadrant_table(x, y, cstv, cryv)
    n_pos = int(table.loc[table["positive"], "n"].sum())
    data = pd.DataFrame(
        {"stv": x, "ry": y, "quadrant": _labels(x, y, cstv, cryv)}, index=prep.index
    )
    return CateNelsonResult(
        method=method,
        cstv=cstv,
        cryv=cryv,
        target=target,
        quadrants=table,
        n_positive=n_pos,
        share_positive=n_pos / len(x),
        data=data,
        boot=boot,
        cstv_ci=ci,
        confidence=level,
        n_boot=n_boot,
        seed=seed,
        stv=stv,
        ry=ry,
        n_obs=len(x),
        n_dropped=prep.n_dropped,
        warnings=tuple(prep.warnings) + tuple(notes),
        **split_fit(x, y, cstv),
    )


def _bootstrap(
    x: np.ndarray, y: np.ndarray, split: Any, n_boot: int, rng: Any, level: float
) -> tuple[pd.DataFrame | None, tuple[float, float] | None, int | None]:
    if not n_boot:
        return None, None, None
    gen, seed = seeded(rng)
    n = len(x)
    rows = []
    for _ in range(n_boot):
        idx = gen.integers(0, n, n)
        rows.append(split(x[idx], y[idx]))
    boot = pd.DataFrame(rows, columns=["cstv", "cryv"])
    alpha = 1 - level
    lo, hi = np.quantile(boot["cstv"].to_numpy(), [alpha / 2, 1 - alpha / 2])
    return boot, (float(lo), float(hi)), seed


def _one_side(x: np.ndarray, cstv: float) -> list[str]:
    low = int((x < cstv).sum())
    if low == 0 or low == len(x):
        return [
            f"every site lies on one side of the CSTV ({format_number(cstv, 4)}): the split "
            "does not separate responsive from non-responsive sites"
        ]
    return []


def cate_nelson_1965(
    data: Any,
    /,
    *,
    stv: Hashable,
    ry: Hashable,
    target: float = 90,
    n_boot: int = 0,
    rng: Any = None,
    confidence: float = 0.95,
) -> CateNelsonResult:
    """Cate–Nelson (1965) graphical quadrants: the CSTV for a target relative yield.

    Parameters
    ----------
    data : DataFrame
        One row per site (trial).
    stv : str
        Soil-test value column (any units; 0 or more).
    ry : str
        Relative-yield column, in **percent** (0–150; a column of fractions is refused).
    target : float, default 90
        Relative yield (%) that separates responsive from non-responsive sites.
    n_boot : int, default 0
        Bootstrap resamples of the sites for an interval of the CSTV (0: none; else ≥ 50).
    rng : int, numpy Generator or None
        Seed of the resampling (recorded in the result).
    confidence : float, default 0.95
        Level of the bootstrap interval.

    Returns
    -------
    CateNelsonResult
        ``cstv``, ``cryv`` (= ``target``), the quadrant counts, the share of sites in the
        positive quadrants (II and IV) and the R² of the split.

    Raises
    ------
    ColumnError
        A column is missing.
    DataError
        RY not in percent or outside 0–150 %, negative STV, fewer than 5 sites.
    OptionError
        ``target`` outside 0–150 %, ``n_boot`` below 50, a bad ``rng``.

    Warns
    -----
    DataWarning
        Sites left out for a missing value.

    Notes
    -----
    The candidate CSTVs and the choice among ties follow soiltestcorr 2.2.1
    ``cate_nelson_1965()`` exactly (see :mod:`fertopt.soiltest.catenelson`): candidates are
    midpoints of the STVs of sites adjacent in RY order, and the first candidate with the fewest
    sites in quadrants I and III wins.  The R², AIC, BIC and RMSE are those of the one-way
    ANOVA of RY on the split, as soiltestcorr reports them.

    References
    ----------
    Cate, R.B. & Nelson, L.A. (1965). A rapid method for correlation of soil test analyses with
    plant response data. North Carolina Agric. Exp. Stn., International Soil Testing Series
    Technical Bulletin 1.

    Correndo, A.A., Pearce, A., Bolster, C.H., Spargo, J.T., Osmond, D. & Ciampitti, I.A.
    (2023). The soiltestcorr R package. SoftwareX 21: 101275.

    Examples
    --------
    >>> import pandas as pd, fertopt as fo
    >>> sites = pd.DataFrame({"k": [26, 28, 30, 31, 34, 35, 40, 44, 49, 56, 68, 75],
    ...                       "ry": [53.5, 64.8, 63, 40.8, 79.5, 70.3, 63, 64, 94, 99, 66.5, 103]})
    >>> cn = fo.cate_nelson_1965(sites, stv="k", ry="ry", target=90)
    >>> cn.cstv, cn.quadrants["n"].tolist()
    (48.0, [0, 3, 1, 8])
    """
    level = check_probability(confidence, "confidence")
    target = check_target(target)
    n_boot = check_boot(n_boot)
    check_rng(rng)
    prep = prepare(data, stv, ry, minimum=5, what="cate_nelson_1965")
    cstv = cn1965_split(prep.x, prep.y, target)

    def split(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        return cn1965_split(x, y, target), target

    boot, ci, seed = _bootstrap(prep.x, prep.y, split, n_boot, rng, level)
    notes = _one_side(prep.x, cstv)
    if prep.y.min() >= target or prep.y.max() < target:
        notes.append(
            f"every site is {'at or above' if prep.y.min() >= target else 'below'} the target "
            f"relative yield ({format_number(target, 4)} %): the quadrants cannot separate "
            "responsive sites"
        )
    return _result(
        "cate_nelson_1965",
        prep,
        cstv,
        target,
        target,
        stv,
        ry,
        boot,
        ci,
        level,
        n_boot,
        seed,
        notes,
    )


def cate_nelson_1971(
    data: Any,
    /,
    *,
    stv: Hashable,
    ry: Hashable,
    n_boot: int = 0,
    rng: Any = None,
    confidence: float = 0.95,
) -> CateNelsonResult:
    """Cate–Nelson (1971) ANOVA split: the CSTV and critical RY that best divide the sites.

    Parameters
    ----------
    data : DataFrame
        One row per site (trial).
    stv : str
        Soil-test value column (0 or more).
    ry : str
        Relative-yield column, in percent (0–150).
    n_boot : int, default 0
        Bootstrap resamples of the sites for a percentile interval of the CSTV (0: none).
    rng : int, numpy Generator or None
        Seed of the resampling (recorded in ``seed``).
    confidence : float, default 0.95
        Level of the bootstrap interval.

    Returns
    -------
    CateNelsonResult
        ``cstv``, ``cryv`` (the critical RY), ``r_squared`` of the split, the quadrant counts,
        the share of sites in the positive quadrants and, with ``n_boot``, ``boot`` and
        ``cstv_ci``.

    Raises
    ------
    ColumnError, DataError, OptionError
        As :func:`cate_nelson_1965` (no ``target``).

    Warns
    -----
    DataWarning
        Sites left out for a missing value.

    Notes
    -----
    The CSTV maximises the between-group sum of squares of RY (the R² of a one-way ANOVA of RY
    on STV < CSTV vs. the rest) over the midpoints of adjacent STVs 3 to n − 2; the critical RY
    is then the midpoint of adjacent RYs with the fewest sites in quadrants I and III.  Both
    follow soiltestcorr 2.2.1 ``cate_nelson_1971()`` exactly, ties included; the bootstrap
    resamples sites with replacement like its ``boot_cn_1971()``.

    References
    ----------
    Cate, R.B. & Nelson, L.A. (1971). A simple statistical procedure for partitioning soil test
    correlation data into two classes. Soil Sci. Soc. Am. Proc. 35: 658–660.

    Examples
    --------
    >>> import pandas as pd, fertopt as fo
    >>> sites = pd.DataFrame({"k": [26, 28, 30, 31, 34, 35, 40, 44, 49, 56, 68, 75],
    ...                       "ry": [53.5, 64.8, 63, 40.8, 79.5, 70.3, 63, 64, 94, 99, 66.5, 103]})
    >>> cn = fo.cate_nelson_1971(sites, stv="k", ry="ry")
    >>> cn.cstv, cn.cryv, cn.n_positive
    (46.5, 86.75, 11)
    """
    level = check_probability(confidence, "confidence")
    n_boot = check_boot(n_boot)
    check_rng(rng)
    prep = prepare(data, stv, ry, minimum=5, what="cate_nelson_1971")
    cstv, cryv = cn1971_split(prep.x, prep.y)
    boot, ci, seed = _bootstrap(prep.x, prep.y, cn1971_split, n_boot, rng, level)
    notes = _one_side(prep.x, cstv)
    if math.isfinite(cryv) and (prep.y.min() >= cryv or prep.y.max() < cryv):
        notes.append("every site lies on one side of the critical relative yield")
    return _result(
        "cate_nelson_1971",
        prep,
        cstv,
        cryv,
        None,
        stv,
        ry,
        boot,
        ci,
        level,
        n_boot,
        seed,
        notes,
    )
