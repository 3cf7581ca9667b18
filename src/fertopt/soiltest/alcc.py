"""The modified arcsine-log calibration curve (ALCC): :func:`mod_alcc` and :class:`ALCCResult`.

Dyson & Conyers (2013) linearise the soil-test–yield relationship by regressing ln(STV) on the
arcsine of √RY; Correndo et al. (2017) centre the transformed RY on the target
(``asin(√(RY/100)) − asin(√(target/100))``) so that the intercept of the standardised major
axis (SMA) is ln(CSTV), with a t interval from the intercept's standard error.  RY above 100 % is
used as 100 %.  Sites far beyond the CSTV pull on the SMA line: they are counted as soiltestcorr
does (STV > 2 × CSTV at 90 % RY; STV > CSTV at 100 % RY) and listed with their leverage in
ln(STV); ``remove2x=True`` refits without those above 2 × CSTV90 that also reach 100 % RY.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.document import Facts, Summary, localized_table, warnings_notes
from fertopt._core.formatting import ResultBase, format_number, format_p
from fertopt._core.i18n import check_lang, label
from fertopt._core.validation import check_probability
from fertopt.exceptions import DataError, DataWarning, OptionError
from fertopt.soiltest.checks import check_target, prepare
from fertopt.soiltest.display import interval_text, level_text, sites_text, translator

__all__ = ["ALCCResult", "mod_alcc", "alcc_core"]


def _arc(ry: np.ndarray, target: float) -> np.ndarray:
    return np.arcsin(np.sqrt(ry / 100)) - math.asin(math.sqrt(target / 100))


def _cstv_at(u: np.ndarray, ry_used: np.ndarray, target: float) -> float:
    arc = _arc(ry_used, target)
    slope = u.std(ddof=1) / arc.std(ddof=1)
    return math.exp(u.mean() - arc.mean() * slope)


def alcc_core(x: np.ndarray, ry: np.ndarray, target: float, level: float) -> dict[str, float]:
    """Every number of soiltestcorr 2.2.1 ``mod_alcc()`` for STVs ``x`` and RYs ``ry`` (%)."""
    from scipy import stats  # here: import fertopt stays free of scipy.stats

    y = np.minimum(ry, 100.0)
    n = len(x)
    df = n - 2
    tq = float(stats.t.ppf(1 - (1 - level) / 2, df))
    arc = _arc(y, target)
    u = np.log(x)
    r = float(np.corrcoef(u, arc)[0, 1])
    tstat = r * math.sqrt(df / (1 - r * r)) if abs(r) < 1 else math.copysign(math.inf, r)
    p = float(2 * stats.t.sf(abs(tstat), df))
    slope = float(u.std(ddof=1) / arc.std(ddof=1))
    intercept = float(u.mean() - arc.mean() * slope)
    line = intercept + slope * arc
    mse = float(((line - u) ** 2).sum()) / df
    ssx = float(((arc - arc.mean()) ** 2).sum())
    se_int = math.sqrt(mse * (1 / n + arc.mean() ** 2 / ssx))
    ry_curve = (
        100 * np.sin((u - (intercept - slope * math.asin(math.sqrt(target / 100)))) / slope) ** 2
    )
    res = y - ry_curve
    rss = float((res**2).sum())
    loglik = -n * (math.log(2 * math.pi) + 1 - math.log(n) + math.log(rss)) / 2
    # smatr's logLik of the SMA of ln(STV) on the transformed RY (5 parameters)
    cov = np.cov(np.vstack([u, arc]), ddof=0)
    z1, z2, z3 = cov[0, 0], cov[1, 1], cov[0, 1]
    b = math.copysign(slope, r) if r != 0 else 1e-6
    l1 = (b * b * z2 + 2 * b * z3 + z1) / 2 / abs(b)
    l2 = (b * b * z2 - 2 * b * z3 + z1) / 2 / abs(b)
    loglik_sma = -n * (math.log(l1 * l2) / 2 + 0.5 + math.log(2 * math.pi))
    return {
        "n": n,
        "r": r,
        "p_value": p,
        "slope": slope,
        "intercept": intercept,
        "se_intercept": se_int,
        "cstv": math.exp(intercept),
        "ci_low": math.exp(intercept - tq * se_int),
        "ci_high": math.exp(intercept + tq * se_int),
        "rmse": math.sqrt(rss / n),
        "aic_alcc": -2 * loglik + 2 * 3,
        "aic_sma": -2 * loglik_sma + 2 * 5,
        "bic_sma": -2 * loglik_sma + math.log(n) * 5,
        "cstv90": _cstv_at(u, y, 90.0),
        "cstv100": _cstv_at(u, y, 100.0),
    }


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class ALCCResult(ResultBase):
    """Result of :func:`mod_alcc`.

    Attributes
    ----------
    target, confidence : float
        RY target (%) and the level of the interval.
    cstv : float
        Critical soil-test value at ``target``: ``exp(intercept)``.
    cstv_ci : tuple of float
        Its interval: ``exp(intercept ± t·SE(intercept))`` on n − 2 df.
    intercept, slope, se_intercept : float
        The SMA line ``ln(STV) = intercept + slope·(asin√(RY/100) − asin√(target/100))``.
    r, p_value : float
        Pearson correlation of ln(STV) and the transformed RY, and its p-value.
    rmse, aic_alcc, aic_sma, bic_sma : float
        RMSE of the curve's RY and its AIC (3 parameters), and smatr's AIC and BIC of the SMA
        (5 parameters), as soiltestcorr reports them.
    cstv90, cstv100 : float
        CSTV at 90 % and 100 % RY (for the leverage rules).
    n_90x2, n_100 : int
        Sites with STV > 2 × ``cstv90``, and with STV > ``cstv100``.
    n_capped : int
        Sites with RY > 100 % (used as 100 %).
    remove2x : bool
        Whether the sites above 2 × CSTV90 with RY ≥ 100 % were left out and the curve refitted.
    n_removed : int
        Sites left out by ``remove2x``.
    flagged : DataFrame
        The sites to check (RY > 100 %, or beyond 2 × CSTV90 or CSTV100): ``stv``, ``ry``,
        ``ry_used``, ``capped``, ``beyond_2x_cstv90``, ``beyond_cstv100``, ``leverage`` (hat
        value of ln STV), ``removed``.
    data : DataFrame
        Every site: ``stv``, ``ry``, ``ry_used``, ``fitted_ry``, ``leverage``, ``removed``.
    stv, ry : hashable
    n_obs, n_dropped : int
        Sites in the fit, and sites left out for a missing value (``n_removed`` apart).
    warnings : tuple of str
    """

    target: float
    confidence: float
    cstv: float
    cstv_ci: tuple[float, float]
    intercept: float
    slope: float
    se_intercept: float
    r: float
    p_value: float
    rmse: float
    aic_alcc: float
    aic_sma: float
    bic_sma: float
    cstv90: float
    cstv100: float
    n_90x2: int
    n_100: int
    n_capped: int
    remove2x: bool
    n_removed: int
    flagged: pd.DataFrame
    data: pd.DataFrame
    stv: Hashable
    ry: Hashable
    n_obs: int
    n_dropped: int
    warnings: tuple[str, ...] = ()

    # -- the curve -------------------------------------------------------------------
    def predict(self, stv: Any) -> np.ndarray:
        """Relative yield (%) of the ALCC at soil-test values ``stv`` (100 % beyond its top)."""
        u = np.log(np.asarray(stv, dtype=float))
        angle = (u - self.intercept) / self.slope + math.asin(math.sqrt(self.target / 100))
        return 100 * np.sin(np.clip(angle, 0.0, math.pi / 2)) ** 2

    def curve(self, step: float = 0.2) -> pd.DataFrame:
        """The curve as soiltestcorr draws it: ``ry`` from the lowest RY to 100 by ``step``."""
        lo = float(self.data.loc[~self.data["removed"], "ry_used"].min())
        ry = np.minimum(np.arange(lo, 100 + 1e-9, step), 100.0)
        stv = np.exp(self.intercept + self.slope * _arc(ry, self.target))
        return pd.DataFrame({"ry": ry, "stv": stv})

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """RY against STV, the ALCC and its interval (:func:`fertopt.plotting.plot_soiltest`)."""
        from fertopt import plotting

        return plotting.plot_soiltest(self, ax=ax, **kwargs)

    # -- display -----------------------------------------------------------------------
    def _headline(self, lang: str = "en") -> str:
        return label(
            "st_alcc_headline",
            lang,
            cstv=format_number(self.cstv, 4),
            target=format_number(self.target, 4),
            level=level_text(self.confidence, lang),
            lo=format_number(self.cstv_ci[0], 4),
            hi=format_number(self.cstv_ci[1], 4),
            r=format_number(self.r, 3),
            n=self.n_obs,
        )

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks of :meth:`summary`, by name: ``facts``, ``flagged``, ``warnings``."""
        lang = check_lang(lang)
        t = translator(lang)
        facts = [
            (t("st_method"), t("st_method_mod_alcc")),
            (t("st_columns"), t("st_columns_text", stv=self.stv, ry=self.ry)),
            (t("st_sites"), sites_text(self.n_obs, self.n_dropped, lang)),
            (
                t("st_target_ry"),
                f"{format_number(self.target, digits)}{' %' if lang == 'en' else '%'}",
            ),
            (
                t("st_cstv_target", target=format_number(self.target, 4)),
                format_number(self.cstv, digits),
            ),
            (
                t("st_sma_ci", level=level_text(self.confidence, lang)),
                interval_text(*self.cstv_ci, digits),
            ),
            (
                t("st_pearson"),
                f"{format_number(self.r, digits)} ({format_p(self.p_value)})",
            ),
            (
                t("st_cstv_90_100"),
                f"{format_number(self.cstv90, digits)} / {format_number(self.cstv100, digits)}",
            ),
            (t("st_capped"), str(self.n_capped)),
            (t("st_leverage"), f"{self.n_90x2} / {self.n_100}"),
        ]
        if self.remove2x:
            facts.append((t("st_removed"), str(self.n_removed)))
        facts.append(
            (
                t("st_alcc_fit"),
                " / ".join(
                    format_number(v, digits) for v in (self.rmse, self.aic_alcc, self.aic_sma)
                ),
            )
        )
        table = localized_table(
            self.flagged,
            lang,
            title=t("st_flagged"),
            keys={
                "stv": "st_col_stv",
                "ry": "st_col_ry",
                "ry_used": "st_col_ry_used",
                "capped": "st_col_capped",
                "beyond_2x_cstv90": "st_col_beyond_2x",
                "beyond_cstv100": "st_col_beyond_100",
                "leverage": "st_col_leverage",
                "removed": "st_col_removed",
            },
        )
        return {
            "facts": Facts(facts),
            "flagged": table,
            "warnings": warnings_notes(self.warnings, lang),
        }

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        return Summary(
            label("st_alcc_title", lang),
            list(self.summary_parts(digits, lang).values()),
            headline=self._headline(lang),
            digits=digits,
        )


def _leverage(u: np.ndarray) -> np.ndarray:
    d = u - u.mean()
    return 1 / len(u) + d * d / float(d @ d)


def mod_alcc(
    data: Any,
    /,
    *,
    stv: Hashable,
    ry: Hashable,
    target: float = 90,
    confidence: float = 0.95,
    remove2x: bool = False,
) -> ALCCResult:
    """Modified arcsine-log calibration curve (Correndo et al. 2017) with its SMA interval.

    Parameters
    ----------
    data : DataFrame
        One row per site.
    stv : str
        Soil-test value column (> 0: its logarithm is taken).
    ry : str
        Relative-yield column in percent (0–150; values above 100 are used as 100).
    target : float, default 90
        Relative yield (%) of the CSTV.
    confidence : float, default 0.95
        Level of the CSTV interval.
    remove2x : bool, default False
        Leave out the sites whose STV exceeds twice the CSTV at 90 % RY *and* whose RY is at
        least 100 %, and refit: those sites say nothing about the response, yet pull the SMA
        line (Dyson & Conyers 2013; Correndo et al. 2017).  The sites are listed either way.

    Returns
    -------
    ALCCResult
        ``cstv`` and ``cstv_ci``, ``r`` and ``n_obs``, the leverage counts ``n_90x2`` and
        ``n_100``, the ``flagged`` sites with their leverage, and the fit statistics of
        soiltestcorr.

    Raises
    ------
    ColumnError
        A column is missing.
    DataError
        RY not in percent or outside 0–150 %; STV ≤ 0; fewer than 4 sites (also after
        ``remove2x``); all RYs equal.
    OptionError
        ``target`` outside 0–150 %, ``remove2x`` not True/False.

    Warns
    -----
    DataWarning
        Sites left out for missing values; RY above 100 %; 8 or fewer sites; r ≤ 0.2; sites
        with leverage (the warnings of soiltestcorr).

    Notes
    -----
    With ``arc = asin(√(min(RY, 100)/100)) − asin(√(target/100))`` and ``u = ln STV``: SMA
    slope ``sd(u)/sd(arc)``, intercept ``mean(u) − slope·mean(arc)``, CSTV ``exp(intercept)``,
    ``SE(intercept) = √(MSE·(1/n + mean(arc)²/SS(arc)))`` with MSE the mean square of the
    residuals of u on n − 2 df.  Every number matches soiltestcorr 2.2.1 ``mod_alcc()``
    (including its AIC of the curve and smatr's AIC/BIC of the SMA).  soiltestcorr 2.2.1 has no
    ``remove2x`` option: it only counts and warns; the refit is fertopt's.

    References
    ----------
    Correndo, A.A., Salvagiotti, F., García, F.O. & Gutiérrez-Boem, F.H. (2017). A modification
    of the arcsine–log calibration curve for analysing soil test value–relative yield
    relationships. Crop & Pasture Science 68: 297–304.

    Dyson, C.B. & Conyers, M.K. (2013). Methodology for online biometric analysis of soil
    test–crop response datasets. Crop & Pasture Science 64: 435–441.

    Warton, D.I., Wright, I.J., Falster, D.S. & Westoby, M. (2006). Bivariate line-fitting
    methods for allometry. Biological Reviews 81: 259–291.

    Examples
    --------
    >>> import pandas as pd, fertopt as fo
    >>> sites = pd.DataFrame({"stv": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    ...                       "ry": [65, 80, 85, 88, 90, 94, 93, 96, 97, 95, 98, 100, 99, 99, 100]})
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     alcc = fo.mod_alcc(sites, stv="stv", ry="ry", target=90)
    >>> round(alcc.cstv, 2), round(alcc.r, 3), alcc.n_90x2
    (4.48, 0.968, 7)
    >>> print(caught[0].message)  # doctest: +ELLIPSIS
    7 sites have a soil-test value above twice the CSTV at 90 % RY (8.957): they may have ...
    """
    level = check_probability(confidence, "confidence")
    target = check_target(target)
    if target > 100:
        raise OptionError(f"target={target:g}: the ALCC caps relative yield at 100 %; use ≤ 100.")
    if not isinstance(remove2x, (bool, np.bool_)):
        raise OptionError(f"remove2x must be True or False, got {remove2x!r}.")
    prep = prepare(data, stv, ry, minimum=4, positive=True, what="mod_alcc")
    x, y = prep.x, prep.y
    y_used = np.minimum(y, 100.0)
    if np.ptp(y_used) == 0 or np.ptp(x) == 0:
        raise DataError(
            "every site has the same relative yield (or soil-test value): the ALCC needs both to "
            "vary."
        )
    notes = list(prep.warnings)
    core = alcc_core(x, y, target, level)
    keep = np.ones(len(x), dtype=bool)
    if remove2x:
        keep = ~((x > 2 * core["cstv90"]) & (y >= 100))
        if int(keep.sum()) < 4:
            raise DataError(
                f"remove2x would leave {int(keep.sum())} sites: too few to refit the ALCC."
            )
        if not keep.all():
            msg = (
                f"remove2x: {int((~keep).sum())} site{'s' if (~keep).sum() > 1 else ''} with a "
                "soil-test value above twice the CSTV at 90 % RY "
                f"({format_number(2 * core['cstv90'], 4)}) and a relative yield of at least 100 % "
                f"{'were' if (~keep).sum() > 1 else 'was'} left out and the curve refitted"
            )
            notes.append(msg)
            core = alcc_core(x[keep], y[keep], target, level)
    xk, yk = x[keep], y[keep]
    n_capped = int((yk > 100).sum())
    n_90x2 = int((xk > 2 * core["cstv90"]).sum())
    n_100 = int((xk > core["cstv100"]).sum())
    issued = []
    if n_capped:
        s = "s have" if n_capped > 1 else " has"
        issued.append(
            f"{n_capped} site{s} a relative yield above 100 %: the ALCC uses them as 100 %"
        )
    if len(xk) <= 8:
        issued.append(f"only {len(xk)} sites: a calibration this small is unreliable; add sites")
    if core["r"] <= 0.2:
        issued.append(
            "weak correlation between ln(STV) and the transformed RY "
            f"(r = {format_number(core['r'], 3)}): read the ALCC with caution"
        )
    for k, what, v in (
        (n_90x2, "twice the CSTV at 90 % RY", 2 * core["cstv90"]),
        (n_100, "the CSTV at 100 % RY", core["cstv100"]),
    ):
        if k:
            s = "s have" if k > 1 else " has"
            issued.append(
                f"{k} site{s} a soil-test value above {what} ({format_number(v, 4)}): "
                f"{'they' if k > 1 else 'it'} may have high leverage; compare with remove2x=True"
            )
    for text in notes[len(prep.warnings) :] + issued:
        warnings.warn(text + ".", DataWarning, stacklevel=2)
    notes += issued
    u_all = np.log(x)
    lev = np.full(len(x), np.nan)
    lev[keep] = _leverage(u_all[keep])
    angle = (u_all - core["intercept"]) / core["slope"] + math.asin(math.sqrt(target / 100))
    frame = pd.DataFrame(
        {
            "stv": x,
            "ry": y,
            "ry_used": y_used,
            "fitted_ry": 100 * np.sin(np.clip(angle, 0.0, math.pi / 2)) ** 2,
            "leverage": lev,
            "removed": ~keep,
        },
        index=prep.index,
    )
    capped = y > 100
    beyond2 = x > 2 * core["cstv90"]
    beyond100 = x > core["cstv100"]
    flag = capped | beyond2 | beyond100 | ~keep
    flagged = pd.DataFrame(
        {
            "stv": x[flag],
            "ry": y[flag],
            "ry_used": y_used[flag],
            "capped": capped[flag],
            "beyond_2x_cstv90": beyond2[flag],
            "beyond_cstv100": beyond100[flag],
            "leverage": lev[flag],
            "removed": ~keep[flag],
        },
        index=prep.index[flag],
    )
    return ALCCResult(
        target=target,
        confidence=level,
        cstv=core["cstv"],
        cstv_ci=(core["ci_low"], core["ci_high"]),
        intercept=core["intercept"],
        slope=core["slope"],
        se_intercept=core["se_intercept"],
        r=core["r"],
        p_value=core["p_value"],
        rmse=core["rmse"],
        aic_alcc=core["aic_alcc"],
        aic_sma=core["aic_sma"],
        bic_sma=core["bic_sma"],
        cstv90=core["cstv90"],
        cstv100=core["cstv100"],
        n_90x2=n_90x2,
        n_100=n_100,
        n_capped=n_capped,
        remove2x=bool(remove2x),
        n_removed=int((~keep).sum()),
        flagged=flagged,
        data=frame,
        stv=stv,
        ry=ry,
        n_obs=int(keep.sum()),
        n_dropped=prep.n_dropped,
        warnings=tuple(notes),
    )
