"""Pooled 3414 analysis as regional stations practise it: :func:`pool_three414`.

A provincial 测土配方施肥 station turns a season's 3414 trials into one regional fertilizer
equation, or one per class of sites, in two ways (肥料效应函数法):

``coefficient_average`` (回归系数平均法)
    Each trial's ternary quadratic is screened for typicality first (the five rules of
    :meth:`fertopt.SurfaceFit.typicality`: a significant regression, a surface with a maximum,
    a stationary point and an economic optimum inside the tested rates, a yield at the optimum
    above the no-fertilizer yield); the coefficients of the *typical* trials are averaged, term
    by term, into the regional equation.  Atypical trials are listed with the rules they fail.
``class_regression`` (分类回归)
    Trials are grouped into classes (by their no-fertilizer (CK) yield, the usual practice, or
    by a soil-test column) and one equation is fitted to the plots of all trials of a class,
    with one intercept per trial so that differences in site fertility do not bend the
    response; the class equation's intercept is the mean of its trials' intercepts.

Either way each equation gives its priced optimum within the tested rates, its canonical kind
and its own typicality verdict, and says how many trials stand behind it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.i18n.correlation_text import CLASS_NAMES
from fertopt._core.validation import check_choice, check_probability, require_frame
from fertopt.economics import resolve_surface_prices
from fertopt.exceptions import ColumnError, DataError, DataWarning, OptionError
from fertopt.network.pool3414_result import PooledThree414
from fertopt.surface import surface_from_coefficients

__all__ = ["pool_three414", "POOL_METHODS"]

#: The two pooling methods of 3414 practice.
POOL_METHODS = ("coefficient_average", "class_regression")

#: Relative tolerance of "inside the tested rates", as the single-trial typicality rule uses.
_TOL = 1e-9


def pool_three414(
    batch: Any,
    /,
    *,
    data: pd.DataFrame | None = None,
    method: str = "coefficient_average",
    classes: str | None = None,
    n_classes: int = 3,
    breaks: Sequence[float] | None = None,
    prices: Any = None,
    alpha: float | None = None,
    strict_signs: bool = False,
) -> PooledThree414:
    """The regional fertilizer equation(s) of a network of 3414 trials, as practised.

    Parameters
    ----------
    batch : BatchResult
        :func:`fertopt.run_batch` over the network with ``surface="full"`` and
        ``rates=(N, P, K)`` (each trial's ternary quadratic and its ANOVA).
    data : DataFrame, optional
        The plots the batch analysed (the same frame).  Needed for class regression, for CK
        yield classes, and for each trial's tested rates and CK yield in the typicality screen;
        without it coefficient averaging takes each trial's highest tested rate as unknown
        (rule 4 checks only that rates are positive) and its CK yield from the equation.
    method : {'coefficient_average', 'class_regression'}
        Average the typical trials' coefficients, or fit one equation per class to the plots.
    classes : {'ck_yield'} or str, optional
        Group the trials by their CK (no-fertilizer) yield, or by a soil-test column of
        ``data`` (one value per trial).  Default: none for coefficient averaging, ``'ck_yield'``
        for class regression.
    n_classes : int, default 3
        Classes of about equal numbers of trials (quantiles), lowest first; ignored with
        ``breaks``.
    breaks : sequence of float, optional
        Class boundaries instead (a value on a boundary belongs to the class above it).
    prices : fertopt.Prices or mapping, optional
        Crop and nutrient prices; default the batch's.  Required: the recommendation and the
        typicality rules 4 and 5 use the economic optimum.
    alpha : float, optional
        Significance level of the regression F test (rule 1); default the batch's.
    strict_signs : bool, default False
        Let the sign rule (linear terms > 0, squares < 0) decide typicality too.

    Returns
    -------
    PooledThree414
        ``trials`` (every trial: class, CK yield, verdict, failed rules), ``excluded``
        (the atypical ones), ``equations`` (coefficients per class), ``recommendations``
        (rates, yield, net return, status, canonical kind, verdict and the number of trials
        per class) and the regional ``surfaces``.

    Raises
    ------
    OptionError
        A batch without ternary surfaces, an unknown method, no prices, or class regression
        or CK classes without ``data``.
    ColumnError
        A soil-test class column missing from ``data`` or varying within a trial.
    DataError
        No trial to pool (none typical for coefficient averaging).

    Notes
    -----
    The regional equation of coefficient averaging is ``mean_i(b_i)`` over the typical trials,
    term by term; its tested region runs from 0 to the median of those trials' highest rates.
    Class regression fits ``y_ij = a_i + f(N, P, K)`` by least squares to the plots of the
    class (``a_i`` one intercept per trial, ``f`` the nine second-order terms); the reported
    intercept is ``mean_i(a_i)`` and the tested region is that of the class's trials as above.
    Both follow the 肥料效应函数法 of the 测土配方施肥 practice; the typicality screen before
    averaging is the practice's "剔除非典型式".

    Examples
    --------
    >>> import numpy as np, pandas as pd, fertopt as fo
    >>> from fertopt.design import THREE414_LEVELS
    >>> rng = np.random.default_rng(3)
    >>> rows = []
    >>> for trial in range(12):
    ...     for t, lv in enumerate(THREE414_LEVELS, start=1):
    ...         n, p, k = np.asarray(lv) * (90.0, 45.0, 60.0)
    ...         y = (4000 + 20 * n - 0.06 * n * n + 30 * p - 0.2 * p * p + 10 * k
    ...              - 0.05 * k * k + 300 * trial % 900)
    ...         for rep in (1, 2, 3):
    ...             rows.append((trial, f"T{t}", rep, y + rng.normal(0, 60), n, p, k))
    >>> df = pd.DataFrame(rows, columns=["trial", "trt", "rep", "yield", "N", "P2O5", "K2O"])
    >>> prices = fo.Prices(crop=2.0, N=5.0, P2O5=6.0, K2O=5.0)
    >>> batch = fo.run_batch(df, by="trial", response="yield", treatment="trt", block="rep",
    ...                      rates=("N", "P2O5", "K2O"), surface="full", prices=prices)
    >>> pooled = fo.pool_three414(batch, data=df)
    >>> int(pooled.recommendations["n_trials"].iloc[0]) > 0
    True
    """
    _check_batch(batch)
    method = check_choice(method, "method", POOL_METHODS)
    options = batch.options
    prices = options.get("prices") if prices is None else prices
    if prices is None:
        raise OptionError(
            "pool_three414 needs prices (the regional recommendation is an economic optimum): "
            "pass prices=fo.Prices(crop=..., N=..., P2O5=..., K2O=...) or run the batch with "
            "prices."
        )
    alpha = check_probability(options.get("alpha", 0.05) if alpha is None else alpha, "alpha")
    if classes is None and method == "class_regression":
        classes = "ck_yield"
    if n_classes != int(n_classes) or int(n_classes) < 1:
        raise OptionError(f"n_classes must be a whole number ≥ 1, got {n_classes!r}.")
    nutrients = tuple(options["rates"])
    by = list(options["by"])
    table = batch.table
    if data is not None:
        data = require_frame(data)
        _check_data(data, options)
    elif method == "class_regression" or classes == "ck_yield":
        raise OptionError(
            f"{'class regression' if method == 'class_regression' else 'CK-yield classes'} "
            "need the plots: pass data= the frame the batch analysed."
        )
    crop, nutrient_prices, money = resolve_surface_prices(prices, nutrients)
    ratios = np.array([nutrient_prices[n] / crop for n in nutrients])

    trials = _trial_table(table, by, nutrients, data, options)
    screen = _screen(table, trials, nutrients, ratios, alpha, bool(strict_signs))
    trials = pd.concat([trials, screen], axis=1)
    notes: list[str] = []
    if classes is not None:
        values = _class_values(trials, data, classes, by)
        index, bounds = _classify(values, n_classes, breaks)
        trials["class_value"] = values
        trials["class_index"] = index
        k = len(bounds) + 1
    else:
        trials["class_value"] = np.nan
        trials["class_index"] = 0
        bounds, k = (), 1

    equations, surfaces, recs = [], [], []
    for c in range(k):
        members = trials[trials["class_index"] == c]
        if method == "coefficient_average":
            used = members[members["typical"]]
        else:
            used = members
        if len(used) == 0:
            notes.append(_empty_class_note(c, k, method, len(members)))
            continue
        if method == "coefficient_average":
            coefs = used[[_coef(t) for t in _terms(nutrients)]].mean(axis=0).to_numpy()
            r2 = math.nan
        else:
            coefs, r2 = _class_fit(data, used, by, options, nutrients)
        top = {n: float(used[f"top_{n}"].median()) for n in nutrients}
        bounds_map = {n: (0.0, top[n]) for n in nutrients}
        ck = float(used["ck_yield"].mean())
        surf = surface_from_coefficients(
            dict(zip(_terms(nutrients, named=True), coefs, strict=True)),
            bounds=bounds_map if all(np.isfinite(v[1]) for v in bounds_map.values()) else None,
            ck_yield=ck if np.isfinite(ck) else None,
            response=str(options["response"]),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            opt = surf.optimum(prices=prices)
            kind = surf.canonical().kind
            verdict = surf.typicality(prices=prices, alpha=alpha, strict_signs=strict_signs)
        surfaces.append(surf)
        equations.append(
            {
                "class_index": c,
                "n_trials": len(used),
                **dict(zip(_terms(nutrients), coefs, strict=True)),
            }
        )
        rec = {
            "class_index": c,
            "n_trials": len(used),
            "n_in_class": len(members),
            "ck_yield": ck,
            **{f"rec_{n}": (opt.rates or {}).get(n, math.nan) for n in nutrients},
            "yield_at_rates": opt.yield_at_rates if opt.yield_at_rates is not None else math.nan,
            "net_return": opt.net_return if opt.net_return is not None else math.nan,
            "status": opt.status,
            "recommended": bool(opt.recommended),
            "kind": kind,
            "typical": bool(verdict.typical),
            "failed_rules": "; ".join(verdict.failed),
            "r_squared": r2,
        }
        recs.append(rec)
        if len(used) < 3:
            notes.append(_few_trials_note(c, k, len(used)))
    if not recs:
        raise DataError(
            "no equation could be pooled: "
            + (
                "no trial of the batch is typical (see the trials' failed rules). Check the "
                "trials, or pool by class regression (method='class_regression'), which does "
                "not need typical trials."
                if method == "coefficient_average"
                else "no trial was analysed."
            )
        )
    names = class_names(k, "en") if k > 1 else ("all trials",)
    names_zh = class_names(k, "zh") if k > 1 else ("全部试验",)
    recommendations = pd.DataFrame(recs)
    equations_frame = pd.DataFrame(equations)
    for frame in (recommendations, equations_frame):
        frame.insert(1, "class_en", [names[c] for c in frame["class_index"]])
        frame.insert(2, "class_zh", [names_zh[c] for c in frame["class_index"]])
        lows = [bounds[c - 1] if c > 0 else -math.inf for c in frame["class_index"]]
        highs = [bounds[c] if c < len(bounds) else math.inf for c in frame["class_index"]]
        frame.insert(3, "class_low", lows)
        frame.insert(4, "class_high", highs)
    if k == 1:
        recommendations[["class_low", "class_high"]] = np.nan
        equations_frame[["class_low", "class_high"]] = np.nan
    excluded = trials[~trials["typical"]].reset_index(drop=True)
    for note in notes:
        warnings.warn(note, DataWarning, stacklevel=2)
    return PooledThree414(
        method=method,
        classes=classes,
        class_bounds=tuple(float(b) for b in bounds),
        nutrients=nutrients,
        trials=trials.reset_index(drop=True),
        excluded=excluded,
        equations=equations_frame,
        recommendations=recommendations,
        surfaces=tuple(surfaces),
        money=money,
        alpha=alpha,
        n_trials=len(trials),
        n_typical=int(trials["typical"].sum()),
        warnings=tuple(notes),
    )


def class_names(k: int, lang: str = "en") -> tuple[str, ...]:
    """Names of ``k`` classes, lowest first (低/中/高 for three), as the soil-test classes use."""
    if k in CLASS_NAMES:
        return CLASS_NAMES[k][0 if lang == "en" else 1]
    return tuple(f"class {i}" if lang == "en" else f"第{i}类" for i in range(1, k + 1))


# ---------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------
def _terms(nutrients: Sequence[str], named: bool = False) -> list[str]:
    """The ten terms of the ternary quadratic, in the batch table's order."""
    a, b, c = nutrients
    return [
        "intercept",
        a,
        b,
        c,
        f"{a}^2",
        f"{b}^2",
        f"{c}^2",
        f"{a}:{b}",
        f"{a}:{c}",
        f"{b}:{c}",
    ]


def _coef(term: str) -> str:
    return f"coef_{term}"


def _check_batch(batch: Any) -> None:
    table = getattr(batch, "table", None)
    options = getattr(batch, "options", None)
    if not isinstance(table, pd.DataFrame) or not isinstance(options, Mapping):
        raise OptionError(
            "pool_three414 pools the result of fo.run_batch (a BatchResult); got "
            f"{type(batch).__name__}. Run fo.run_batch(df, ..., rates=('N', 'P2O5', 'K2O'), "
            "surface='full') first."
        )
    rates = options.get("rates") or ()
    if len(rates) != 3 or options.get("surface") != "full":
        raise OptionError(
            "pool_three414 needs each trial's full ternary quadratic: run fo.run_batch with "
            "rates=(N, P, K) (three rate columns) and surface='full'; this batch has "
            f"rates={list(rates) or None}, surface={options.get('surface')!r}."
        )
    missing = [_coef(t) for t in _terms(rates) if _coef(t) not in table.columns]
    if missing:
        raise OptionError(
            f"the batch table lacks the surface coefficients {missing[:3]}; run fo.run_batch "
            "with surface='full'."
        )


def _check_data(data: pd.DataFrame, options: Mapping[str, Any]) -> None:
    names = [*options["by"], options["response"], *options["rates"]]
    missing = [c for c in names if c not in data.columns]
    if missing:
        raise ColumnError(
            f"data lacks the column(s) {missing} that the batch analysed; pass the frame the "
            "batch was run on."
        )


def _key_index(frame: pd.DataFrame, by: list[Hashable]) -> pd.Index:
    """The trial key of every row of ``frame`` as an index (a MultiIndex for several columns)."""
    if len(by) == 1:
        return pd.Index(frame[by[0]])
    return pd.MultiIndex.from_frame(frame[by])


def _trial_table(
    table: pd.DataFrame,
    by: list[Hashable],
    nutrients: Sequence[str],
    data: pd.DataFrame | None,
    options: Mapping[str, Any],
) -> pd.DataFrame:
    """One row per analysed trial with a surface: keys, CK yield and highest tested rates."""
    ok = table[_coef("intercept")].notna()
    coefs = [_coef(t) for t in _terms(nutrients)]
    trials = table.loc[ok, [*by, *coefs]].reset_index(drop=True)
    if data is None:
        trials["ck_yield"] = np.nan
        for n in nutrients:
            trials[f"top_{n}"] = np.nan
        return trials
    keys = _key_index(data, by)
    x = data[list(nutrients)].apply(pd.to_numeric, errors="coerce").set_axis(keys)
    y = pd.to_numeric(data[options["response"]], errors="coerce").set_axis(keys)
    zero = (x == 0).all(axis=1).to_numpy()
    level = list(range(len(by)))
    ck = y[zero].groupby(level=level).mean()
    top = x.groupby(level=level).max()
    wanted = _key_index(trials, by)
    trials["ck_yield"] = ck.reindex(wanted).to_numpy()
    top = top.reindex(wanted)
    for n in nutrients:
        trials[f"top_{n}"] = top[n].to_numpy()
    return trials


# ---------------------------------------------------------------------------
# the typicality screen, every trial at once
# ---------------------------------------------------------------------------
def _screen(
    table: pd.DataFrame,
    trials: pd.DataFrame,
    nutrients: Sequence[str],
    ratios: np.ndarray,
    alpha: float,
    strict: bool,
) -> pd.DataFrame:
    """The five rules of :meth:`fertopt.SurfaceFit.typicality` for every trial, vectorised.

    The same rules, in the same order, with the same tolerance, as the single-trial verdict
    (tests compare the two trial by trial).
    """
    rows = table[table[_coef("intercept")].notna()].reset_index(drop=True)
    terms = _terms(nutrients)
    c = rows[[_coef(t) for t in terms]].to_numpy(dtype=float)
    c0, b = c[:, 0], c[:, 1:4]
    h = np.zeros((len(c), 3, 3))
    for i in range(3):
        h[:, i, i] = c[:, 4 + i]
    for col, (i, j) in zip((7, 8, 9), ((0, 1), (0, 2), (1, 2)), strict=True):
        h[:, i, j] = h[:, j, i] = c[:, col] / 2.0
    p = rows["surface_p"].to_numpy(dtype=float)
    rule1 = (p < alpha) | np.isnan(p)  # no F test (no residual df): not assessed, as per trial
    rule2 = (b > 0).all(axis=1) & (c[:, 4:7] < 0).all(axis=1)
    lam = np.linalg.eigvalsh(h)
    rule3 = (lam < 0).all(axis=1)
    safe = np.where(rule3[:, None, None], h, -np.eye(3)[None])
    stationary = -0.5 * np.linalg.solve(safe, b[..., None])[..., 0]
    econ = 0.5 * np.linalg.solve(safe, (ratios[None, :] - b)[..., None])[..., 0]
    y_econ = c0 + np.einsum("ti,ti->t", b, econ) + np.einsum("ti,tij,tj->t", econ, h, econ)
    top = trials[[f"top_{n}" for n in nutrients]].to_numpy(dtype=float)
    limit = np.where(np.isnan(top), np.inf, top * (1 + _TOL))

    def inside(x: np.ndarray) -> np.ndarray:
        return ((x > 0) & (x <= limit)).all(axis=1)

    # without a maximum rules 4 and 5 are not assessed (they pass), as for a single trial
    rule4 = ~rule3 | (inside(stationary) & inside(econ))
    ck = trials["ck_yield"].to_numpy(dtype=float)
    ck = np.where(np.isnan(ck), c0, ck)  # no observed CK: the equation's own prediction at 0
    rule5 = ~rule3 | (y_econ > ck)
    typical = rule1 & rule3 & rule4 & rule5 & (rule2 | (not strict))
    names = (
        (rule1, "regression significant"),
        (rule2, "sign pattern"),
        (rule3, "negative definite"),
        (rule4, "optimum in (0, top rate]"),
        (rule5, "optimum yield above CK"),
    )
    failed = ["; ".join(name for passed, name in names if not passed[t]) for t in range(len(rows))]
    out = pd.DataFrame(
        {
            "typical": typical,
            "failed_rules": failed,
            **{f"opt_{n}": np.where(rule3, econ[:, i], np.nan) for i, n in enumerate(nutrients)},
            "opt_yield": np.where(rule3, y_econ, np.nan),
        }
    )
    return out


# ---------------------------------------------------------------------------
# classes
# ---------------------------------------------------------------------------
def _class_values(
    trials: pd.DataFrame, data: pd.DataFrame | None, classes: str, by: list[Hashable]
) -> np.ndarray:
    if classes == "ck_yield":
        values = trials["ck_yield"].to_numpy(dtype=float)
        if np.isnan(values).all():
            raise DataError(
                "no trial has plots with all three rates 0 (the CK treatment), so no trial has "
                "a CK yield to class it by. Class by a soil-test column instead "
                "(classes='olsen_p', say)."
            )
        return values
    if data is None or classes not in data.columns:
        raise ColumnError(
            f"classes={classes!r}: no such column in data (or no data=); name a soil-test "
            "column of data (one value per trial) or use classes='ck_yield'."
        )
    values = pd.to_numeric(data[classes], errors="coerce").set_axis(_key_index(data, by))
    spread = values.groupby(level=list(range(len(by)))).agg(["min", "max"])
    varying = spread[spread["min"] != spread["max"]]
    if len(varying):
        key = varying.index[0]
        shown = key[0] if isinstance(key, tuple) and len(key) == 1 else key
        raise ColumnError(
            f"column {classes!r} varies within trial {shown!r} (from "
            f"{varying['min'].iloc[0]:g} to {varying['max'].iloc[0]:g}); a soil test has one "
            "value per trial. Correct the column or aggregate it per trial first."
        )
    return spread["min"].reindex(_key_index(trials, by)).to_numpy(dtype=float)


def _classify(
    values: np.ndarray, n_classes: int, breaks: Sequence[float] | None
) -> tuple[np.ndarray, tuple[float, ...]]:
    """Class index of each trial (−1: no value) and the class boundaries."""
    ok = ~np.isnan(values)
    if breaks is not None:
        bounds = np.asarray(breaks, dtype=float)
        if bounds.ndim != 1 or not np.all(np.diff(bounds) > 0) or not np.isfinite(bounds).all():
            raise OptionError(
                f"breaks must be increasing finite numbers, got {list(breaks)!r}; e.g. "
                "breaks=(5000, 6500) for three classes."
            )
    else:
        n = int(n_classes)
        if ok.sum() < n:
            raise DataError(
                f"{int(ok.sum())} trial(s) have a class value, fewer than n_classes={n}; use "
                "fewer classes or give breaks=."
            )
        bounds = np.quantile(values[ok], np.arange(1, n) / n)
        bounds = np.unique(bounds)
    index = np.where(ok, np.searchsorted(bounds, values, side="right"), -1)
    return index, tuple(float(v) for v in bounds)


# ---------------------------------------------------------------------------
# class regression
# ---------------------------------------------------------------------------
def _class_fit(
    data: pd.DataFrame,
    used: pd.DataFrame,
    by: list[Hashable],
    options: Mapping[str, Any],
    nutrients: Sequence[str],
) -> tuple[np.ndarray, float]:
    """Ternary quadratic with one intercept per trial, fitted to the plots of ``used``."""
    keys = _key_index(data, by)
    inside = keys.isin(_key_index(used, by))
    rows = data[inside]
    x = rows[list(nutrients)].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(rows[options["response"]], errors="coerce").to_numpy(dtype=float)
    good = np.isfinite(x).all(axis=1) & np.isfinite(y)
    x, y = x[good], y[good]
    codes, _ = pd.factorize(keys[inside][good])
    n_t = int(codes.max()) + 1
    a, b, c = x.T
    poly = np.column_stack([a, b, c, a * a, b * b, c * c, a * b, a * c, b * c])
    # one intercept per trial by the within-trial transformation (Frisch–Waugh): the slopes
    # from the trial-centred plots, each trial's intercept from its means; no dummy columns,
    # so a class of thousands of trials costs one 9-column least squares
    counts = np.bincount(codes, minlength=n_t).astype(float)
    mean_y = np.bincount(codes, weights=y, minlength=n_t) / counts
    mean_x = np.column_stack(
        [np.bincount(codes, weights=col, minlength=n_t) / counts for col in poly.T]
    )
    centred = poly - mean_x[codes]
    beta, _, rank, _ = np.linalg.lstsq(centred, y - mean_y[codes], rcond=None)
    if rank < poly.shape[1]:
        raise DataError(
            f"the class's {n_t} trial(s) do not identify the ternary quadratic (rank {rank} of "
            f"{poly.shape[1]} response terms once each trial's level is removed): they need at "
            "least 10 distinct rate combinations. Use fewer classes or coefficient averaging."
        )
    intercepts = mean_y - mean_x @ beta
    fitted = intercepts[codes] + poly @ beta
    ss_res = float(np.sum((y - fitted) ** 2))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else math.nan
    return np.concatenate([[intercepts.mean()], beta]), r2


def _empty_class_note(c: int, k: int, method: str, n: int) -> str:
    name = class_names(k, "en")[c] if k > 1 else "all trials"
    if method == "coefficient_average" and n:
        return (
            f"class {name!r}: none of its {n} trial(s) is typical, so it has no averaged "
            "equation; see the excluded trials, or pool it by class regression."
        )
    return f"class {name!r} has no trial; choose other breaks or fewer classes."


def _few_trials_note(c: int, k: int, n: int) -> str:
    name = class_names(k, "en")[c] if k > 1 else "all trials"
    return (
        f"class {name!r} rests on {n} trial(s) only; a regional equation needs more trials to "
        "be trusted (use fewer classes, or add trials)."
    )
