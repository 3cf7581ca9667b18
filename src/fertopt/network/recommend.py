"""A rate recommendation from a trial network, scored on sites it did not see: :func:`recommend`.

The steps, each a named function:

1. :func:`fit_sites`: every site's response curve in one :func:`fertopt.run_batch` (the
   vectorised engine and Dask work underneath), with each site's parameter covariance;
2. :func:`fertopt.network.validation.site_optima`: each site's own economic optimum;
3. the methods of :mod:`fertopt.network.methods` learn their rules from all sites (the
   recommendation) and, fold by fold, from the sites left in (the validation);
4. :func:`fertopt.network.validation.score`: the regret of each held-out site.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.formatting import format_number
from fertopt._core.i18n import message
from fertopt._core.validation import check_choice, require_columns, require_frame
from fertopt.batch import run_batch
from fertopt.curves.curve import Curve
from fertopt.curves.models import MODEL_NAMES, get_model
from fertopt.economics import pool_sites, resolve_curve_prices
from fertopt.exceptions import (
    DataError,
    DesignWarning,
    ExtrapolationWarning,
    FertoptError,
    OptionError,
)
from fertopt.network.fit import fit_network
from fertopt.network.methods import (
    DEFAULT_METHODS,
    METHODS,
    Context,
    Rule,
)
from fertopt.network.recommendation import Recommendation
from fertopt.network.validation import (
    SiteSet,
    build_sites,
    make_folds,
    score,
    site_optima,
    summarise,
)
from fertopt.units import NUTRIENT_FORMS, Prices

__all__ = ["recommend", "fit_sites", "VALIDATE", "MIN_SITES"]

#: Validation schemes of :func:`recommend`.
VALIDATE = ("leave_site_out", "none")

#: Fewer sites than this earn a warning (issue 16 item 4).
MIN_SITES = 8

#: Price multipliers of the default price grid (crop × nutrient).
PRICE_STEPS = (0.75, 1.0, 1.25)

_KEY = "_trial"


def _seeded(rng: Any) -> tuple[np.random.Generator, int]:
    """A generator and the integer seed that recreates it."""
    if rng is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    elif isinstance(rng, np.random.Generator):
        seed = int(rng.integers(0, 2**32))
    elif isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0:
        seed = int(rng)
    else:
        raise OptionError(
            f"rng must be a non-negative integer seed, a numpy Generator or None, got {rng!r}."
        )
    return np.random.default_rng(seed), seed


def _check_methods(methods: Any) -> tuple[str, ...]:
    if isinstance(methods, str):
        methods = (methods,)
    try:
        names = tuple(methods)
    except TypeError:
        raise OptionError(
            f"methods must be a list of method names such as ('mrtn', 'site_mean'), got "
            f"{methods!r}."
        ) from None
    if not names:
        raise OptionError(f"methods is empty; give one or more of {', '.join(METHODS)}.")
    for name in names:
        check_choice(name, "method", tuple(METHODS))
    return tuple(dict.fromkeys(names))


def _plot_vcov(
    spec: Any, theta: np.ndarray, x: np.ndarray, blocks: np.ndarray | None, sigma: float
):
    """Gauss–Newton covariance of one site's parameters, block effects as nuisance columns."""
    jac = np.asarray(spec.jacobian(x, theta), dtype=float)
    cols = [jac]
    if blocks is not None:
        levels = np.unique(blocks)
        if len(levels) > 1:  # effect coding: block effects sum to zero
            eff = np.stack([(blocks == b).astype(float) for b in levels[1:]], axis=1)
            eff -= (blocks == levels[0]).astype(float)[:, None]
            cols.append(eff)
    design = np.concatenate(cols, axis=1)
    p = jac.shape[1]
    try:
        inv = np.linalg.inv(design.T @ design)
    except np.linalg.LinAlgError:
        return np.full((p, p), math.nan)
    return sigma**2 * inv[:p, :p]


def fit_sites(
    frame: pd.DataFrame,
    *,
    response: Hashable,
    rate: Hashable,
    by: tuple[Hashable, ...],
    block: Hashable | None,
    model: str,
    prices: Prices,
    rng: np.random.Generator,
) -> tuple[SiteSet, pd.DataFrame, Any]:
    """Every site's curve from one batch run: the sites, the sites that failed, the run."""
    plots = frame[[*by, response, rate, *([block] if block is not None else [])]].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the sites' own warnings are in the batch's table
        res = run_batch(
            plots,
            by=by if len(by) > 1 else by[0],
            response=response,
            treatment=rate,
            block=block,
            rates=rate,
            model=model,
            posthoc=None,
            prices=prices,
        )
    spec = get_model(model)
    table = res.table
    coef = [f"coef_{p}" for p in spec.params]
    have = [c in table.columns for c in coef]
    ok = (
        table["model_converged"].fillna(False).astype(bool)
        if "model_converged" in table and all(have)
        else pd.Series(False, index=table.index)
    )
    if all(have):
        ok &= np.isfinite(table[coef].to_numpy(dtype=float)).all(axis=1)
    lost = [
        {**{c: row[c] for c in by}, "reason": "not converged"}
        for _, row in table.loc[~ok].iterrows()
    ]
    for _, row in res.failures.iterrows():
        lost.append({**{c: row[c] for c in by}, "reason": str(row["message"])})
    dropped = pd.DataFrame(lost, columns=[*by, "reason"])
    fitted = table.loc[ok].reset_index(drop=True)
    keys = list(fitted[list(by)].itertuples(index=False, name=None))
    groups = plots.groupby(list(by) if len(by) > 1 else by[0], sort=False).indices
    nutrient = str(rate) if str(rate) in NUTRIENT_FORMS else None
    names, theta, vcov, low, top, ck, curves, site_of = [], [], [], [], [], [], [], []
    site_codes: dict[Any, int] = {}
    for key, (_, row) in zip(keys, fitted.iterrows(), strict=True):
        rows = groups[key if len(by) > 1 else key[0]]
        x = plots[rate].to_numpy(dtype=float)[rows]
        y = plots[response].to_numpy(dtype=float)[rows]
        b = plots[block].to_numpy()[rows] if block is not None else None
        th = row[coef].to_numpy(dtype=float)
        sigma = float(row["model_sigma"])
        v = _plot_vcov(spec, th, x, b, sigma)
        zero = x == 0
        y0 = float(np.mean(y[zero])) if zero.any() else math.nan
        names.append(" ".join(str(k) for k in key))
        site_of.append(site_codes.setdefault(key[0], len(site_codes)))
        theta.append(th)
        vcov.append(v)
        low.append(float(np.min(x)))
        top.append(float(np.max(x)))
        ck.append(y0)
        curves.append(
            Curve(
                spec=spec,
                theta=th,
                vcov=v,
                data=None,
                resid=None,
                sse=math.nan,
                df_resid=math.inf,
                sigma=sigma,
                rate=rate,
                nutrient=nutrient,
                response_unit=None,
                rate_unit=None,
                rate_range=(float(np.min(x)), float(np.max(x))),
                converged=True,
                message="the site's fit in the batch run",
            )
        )
    if len(names) < 2:
        raise DataError(
            f"a recommendation needs at least two sites with a fitted {model} curve; the data "
            f"have {len(names)} (of {res.n_trials} sites in column {by[0]!r}). Add sites, or "
            "try another model= if the fits failed."
        )
    theta_arr = np.stack(theta, axis=1)
    sites = build_sites(
        names,
        np.asarray(site_of),
        spec,
        theta_arr,
        np.stack(vcov),
        np.asarray(low),
        np.asarray(top),
        np.asarray(ck),
        curves,
        rng,
    )
    missing_ck = ~np.isfinite(sites.ck)
    if missing_ck.any():  # no zero-rate plots: the fitted yield at 0
        ck_filled = np.where(missing_ck, sites.y0, sites.ck)
        sites = dataclasses.replace(sites, ck=ck_filled)
    return sites, dropped, res


def _features(
    frame: pd.DataFrame,
    sites: SiteSet,
    classes: Any,
    by: tuple[Hashable, ...],
) -> tuple[np.ndarray | None, bool, str]:
    """The class variable of each site: CK yield or a column constant within each site."""
    if classes is None or classes == "ck_yield":
        return sites.ck.astype(float), True, "ck_yield"
    column = classes
    require_columns(frame, classes=column)
    per = frame.groupby(list(by), sort=False)[column].nunique(dropna=False)
    varying = per[per > 1]
    if len(varying):
        where = ", ".join(str(k) for k in list(varying.index)[:5])
        raise DataError(
            f"column {column!r} (classes=) varies within a site ({where}); a class variable "
            "takes one value per site: give each site its soil-test value once."
        )
    first = frame.groupby(list(by), sort=False)[column].first()
    lookup = {(k if isinstance(k, tuple) else (k,)): v for k, v in first.items()}
    keys = [tuple(key) for key in _site_keys(sites, frame, by)]
    values = pd.Series([lookup[k] for k in keys])
    if values.isna().any():
        bad = [sites.names[i] for i in np.flatnonzero(values.isna().to_numpy())][:5]
        raise DataError(
            f"column {column!r} (classes=) is empty for site(s) {', '.join(bad)}; fill in the "
            "class of every site, or leave those sites out."
        )
    numeric = pd.api.types.is_numeric_dtype(values)
    return (
        (values.to_numpy(dtype=float) if numeric else values.to_numpy(dtype=object)),
        numeric,
        str(column),
    )


def _site_keys(sites: SiteSet, frame: pd.DataFrame, by: tuple[Hashable, ...]) -> list[tuple]:
    keys = frame[list(by)].drop_duplicates()
    text = {" ".join(str(v) for v in k): k for k in keys.itertuples(index=False, name=None)}
    return [text[name] for name in sites.names]


def _price_points(prices: Prices, form: str, price_grid: Any) -> list[Prices]:
    """The price grid: every crop price with every nutrient price."""
    base = getattr(prices, form)
    if price_grid is None:
        crops = [prices.crop * f for f in PRICE_STEPS]
        xs = [base * f for f in PRICE_STEPS]
    else:
        if not isinstance(price_grid, Mapping) or "crop" not in price_grid:
            raise OptionError(
                "price_grid must be a dict of price lists, e.g. price_grid={'crop': [0.15, 0.2], "
                f"{form!r}: [0.8, 1.0]}} (the nutrient key may also be 'nutrient')."
            )
        crops = [float(v) for v in np.ravel(price_grid["crop"])]
        xs = [float(v) for v in np.ravel(price_grid.get(form, price_grid.get("nutrient", [base])))]
    out = []
    for c in crops:
        for x in xs:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the base prices were checked already
                out.append(dataclasses.replace(prices, crop=c, **{form: x}))
    return out


def _rule_rows(method: str, rule: Rule, feature_name: str) -> list[dict[str, Any]]:
    rows = []
    edges = rule.edges
    for j, name in enumerate(rule.classes):
        lo_edge = hi_edge = math.nan
        if edges is not None:
            lo_edge = float(edges[j - 1]) if j > 0 else -math.inf
            hi_edge = float(edges[j]) if j < len(edges) else math.inf
        rows.append(
            {
                "method": method,
                "class": name,
                "class_variable": feature_name if len(rule.classes) > 1 else "",
                "class_low": lo_edge,
                "class_high": hi_edge,
                "rate": float(rule.rates[j]),
                "ci_low": float(rule.lows[j]),
                "ci_high": float(rule.highs[j]),
                "interval": rule.interval_kind,
                "n_sites": int(rule.n_sites[j]),
                "pooled": bool(rule.pooled[j]) if rule.pooled is not None else False,
            }
        )
    return rows


def _validate(ctx: Context, methods: Sequence[str], folds: list[np.ndarray]) -> pd.DataFrame:
    """Every held-out site's rate and regret under every method."""
    sites, n = ctx.sites, ctx.sites.n
    columns: dict[str, list[Any]] = {
        k: [] for k in ("site", "fold", "method", "class", "rate", "ci_low", "ci_high", "own_rate")
    }
    scores: dict[str, list[np.ndarray]] = {}
    for f, held in enumerate(folds):
        mask = np.ones(n, dtype=bool)
        mask[held] = False
        train = np.flatnonzero(mask)
        for m in methods:
            rule = METHODS[m](ctx, train, held)
            rates, lows, highs = rule.predict(ctx, held)
            sc = score(sites, ctx.optima, held, rates, lows, highs, ctx.econ)
            cls = rule.class_of(ctx, held)
            columns["site"] += [sites.names[i] for i in held]
            columns["fold"] += [f + 1] * len(held)
            columns["method"] += [m] * len(held)
            columns["class"] += [rule.classes[c] if c >= 0 else "" for c in cls]
            columns["rate"].append(rates)
            columns["ci_low"].append(lows)
            columns["ci_high"].append(highs)
            columns["own_rate"].append(ctx.optima.rate[held])
            for k, v in sc.items():
                scores.setdefault(k, []).append(v)
    out = {
        k: (np.concatenate(v) if k in ("rate", "ci_low", "ci_high", "own_rate") else v)
        for k, v in columns.items()
    }
    out.update({k: np.concatenate(v) for k, v in scores.items()})
    return pd.DataFrame(out)


def _validation_table(held_out: pd.DataFrame, methods: Sequence[str]) -> pd.DataFrame:
    rows = []
    for m in methods:
        part = held_out[held_out["method"] == m]
        rows.append({"method": m, "n_held_out": len(part), **summarise(part)})
    return pd.DataFrame(rows)


def recommend(
    data: Any,
    /,
    *,
    response: Hashable,
    rate: Hashable,
    site: Hashable,
    prices: Prices,
    methods: Sequence[str] | str = DEFAULT_METHODS,
    model: str = "quadratic_plateau",
    block: Hashable | None = None,
    year: Hashable | None = None,
    classes: Hashable | None = None,
    n_classes: int = 3,
    validate: str = "leave_site_out",
    folds: int | None = None,
    price_grid: Mapping[str, Sequence[float]] | None = None,
    within: float = 1.0,
    rng: Any = None,
) -> Recommendation:
    """Recommend a rate for the next field of a region, and measure what each rule loses.

    Every site's response curve is fitted once (one :func:`fertopt.run_batch`); each method
    learns its rate from the sites; leave-site-out refits score each method on sites it did
    not see by the net return lost against the site's own economic optimum (*regret*).

    Parameters
    ----------
    data : DataFrame
        One row per plot of every site.
    response, rate, site : str
        Yield, nutrient rate and site columns.
    prices : fertopt.Prices
        Crop and nutrient prices (the nutrient is the rate column's name when it is one, such
        as ``"N"``, otherwise the only nutrient priced).
    methods : sequence of str, default ('mrtn', 'network', 'class_regression', 'site_mean')
        Methods to compare (see :mod:`fertopt.network.methods`): ``"mrtn"`` (the maximum
        return to nitrogen of the Iowa calculator), ``"network"`` (population optimum of
        :func:`fertopt.fit_network`),
        ``"class_regression"`` (one MRTN per class of ``classes``), ``"site_mean"`` (mean of
        the sites' own optima).
    model : str, default 'quadratic_plateau'
        Response model of each site (a :func:`fertopt.fit_response` model).
    block : str, optional
        Replicate column within sites.
    year : str, optional
        Year column: a site-year is then one curve, and folds hold out every year of a site.
    classes : str, optional
        Class variable of ``class_regression``: ``"ck_yield"`` (default: each site's mean
        yield at rate 0) or a column constant within each site (a soil test, a soil type).
        Numeric variables are cut into ``n_classes`` quantile classes of the training sites.
    n_classes : int, default 3
    validate : {'leave_site_out', 'none'}
        Score the methods on held-out sites, or only recommend.
    folds : int, optional
        ``None`` holds out one site at a time (n refits of the cheap methods, which only
        recombine curves already fitted).  ``folds=k`` holds out k random groups of sites:
        use it for large networks with ``"network"`` (which refits a mixed model in every
        fold), e.g. ``folds=10`` beyond a few hundred sites; the seed is recorded.
    price_grid : dict, optional
        ``{"crop": [...], "N": [...]}`` (or ``"nutrient"``) prices of the price-ratio table;
        default the given prices × 0.75, 1, 1.25 each.
    within : float, default 1.0
        Width of the profitable range in money per area (MRTN: $1 per acre).
    rng : int or Generator, optional
        Seed of the random folds (``folds=k``).

    Returns
    -------
    Recommendation
        ``rates`` (method, class, rate, interval, sites behind it), ``validation`` (per
        method: mean, median and 90th percentile of the regret, its standard error, the
        apparent mean before the bias correction, the share of held-out sites whose own
        optimum lies in the recommended range), ``held_out`` (one row per site and method),
        ``sites`` (each site's own optimum, CK yield, class variable, tested rates),
        ``price_table`` (rate and mean regret per method over the price grid), ``dropped``
        (sites without a usable fit), counts, options and warnings.

    Raises
    ------
    OptionError
        Unknown method, model or validation; missing or wrong ``prices``; bad ``folds``.
    ColumnError
        A role names a column that is not in the data.
    DataError
        Fewer than two sites with a fitted curve; a class column that varies within a site.

    Notes
    -----
    Net return of site ``s`` at rate ``x``: ``NR_s(x) = Py·(f_s(x) − f_s(0)) − Px·x``.  MRTN
    maximises ``mean_s NR_s`` (Sawyer et al. 2006; :func:`fertopt.pool_sites` on all sites).
    The regret of a rule at a held-out site is ``NR_s(x*_s) − NR_s(r)`` on the site's fitted
    curve, less the bias ``½·k_s·Var(x̂*_s)`` that the noise of the fitted optimum adds (see
    :mod:`fertopt.network.validation`); the simulation tests check the corrected mean
    against the regret on freshly simulated sites with known curves.

    Examples
    --------
    >>> import numpy as np, pandas as pd, fertopt as fo
    >>> rng = np.random.default_rng(1)
    >>> rows = []
    >>> for s in range(10):
    ...     b, c = rng.normal(40, 4), rng.normal(-0.12, 0.01)
    ...     for x in (0, 50, 100, 150, 200, 250):
    ...         for r in range(3):
    ...             rows.append((f"S{s}", r, x, 6000 + b * x + c * x * x + rng.normal(0, 150)))
    >>> df = pd.DataFrame(rows, columns=["site", "rep", "N", "yield"])
    >>> rec = fo.recommend(df, response="yield", rate="N", site="site", block="rep",
    ...                    prices=fo.Prices(crop=0.2, N=1.0), model="quadratic",
    ...                    methods=("mrtn", "site_mean"))
    >>> rec.n_sites, list(rec.validation["method"])
    (10, ['mrtn', 'site_mean'])
    >>> 100 < rec.rate("mrtn") < 160
    True
    """
    frame = require_frame(data)
    if prices is None:
        raise OptionError(
            "recommend needs prices= to weigh yield against fertilizer, e.g. "
            "prices=fo.Prices(crop=0.2, N=1.0) (crop and nutrient price per kg)."
        )
    if not isinstance(prices, Prices):
        raise OptionError(
            f"prices must be a fertopt.Prices object, got {type(prices).__name__}; for example "
            "prices=fo.Prices(crop=0.2, N=1.0)."
        )
    names = _check_methods(methods)
    check_choice(model, "model", MODEL_NAMES)
    check_choice(validate, "validate", VALIDATE)
    roles = {"response": response, "rate": rate, "site": site}
    if block is not None:
        roles["block"] = block
    if year is not None:
        roles["year"] = year
    require_columns(frame, **roles)
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
        raise OptionError(f"n_classes must be a whole number of 2 or more, got {n_classes!r}.")
    w = float(within) if isinstance(within, (int, float)) else math.nan
    if not math.isfinite(w) or w < 0:
        raise OptionError(f"within must be an amount of money of 0 or more, got {within!r}.")
    n_raw = frame[site].nunique(dropna=True)
    if n_raw < 2:
        raise DataError(
            f"a recommendation needs at least two sites; column {site!r} has {n_raw}. A "
            "single trial gets its own optimum from fo.fit_response(...).optimum(prices=...)."
        )
    generator, seed = _seeded(rng)
    by = (site,) if year is None else (site, year)
    sites, dropped, batch = fit_sites(
        frame,
        response=response,
        rate=rate,
        by=by,
        block=block,
        model=model,
        prices=prices,
        rng=generator,
    )
    econ = resolve_curve_prices(sites.curves[0], prices, None)
    feature, numeric, feature_name = _features(frame, sites, classes, by)
    notes: list[str] = []
    warn: list[str] = []
    use = list(names)
    network = (
        _network_runner(frame, sites, by, response, rate, block, model)
        if "network" in use
        else None
    )

    def context(e: Any) -> Context:
        return Context(
            sites=sites,
            optima=site_optima(sites, e),
            econ=e,
            within=w,
            feature=feature,
            numeric=numeric,
            n_classes=int(n_classes),
            network=None if network is None else (lambda train: network(train, e)),
        )

    ctx = context(econ)
    everyone = np.arange(sites.n)
    rules: dict[str, Rule] = {}
    for m in list(use):
        try:
            rules[m] = METHODS[m](ctx, everyone)
        except FertoptError as exc:
            if m != "network":
                raise
            use.remove(m)  # e.g. a model the network fit does not offer
            notes.append(message("rec_network_failed", reason=str(exc)))
    if not use:
        raise OptionError(
            "no method left to run: the network fit failed (see above); add 'mrtn', "
            "'class_regression' or 'site_mean' to methods=."
        )
    if "mrtn" in rules:  # the full-network MRTN is pool_sites' (the Iowa calculator's)
        rules["mrtn"], pooled_warnings = _pool_sites_rule(sites, prices, w)
        warn += pooled_warnings
    rate_rows = [row for m in use for row in _rule_rows(m, rules[m], feature_name)]
    rates_table = pd.DataFrame(rate_rows)
    fold_list = make_folds(sites, folds, generator) if validate != "none" else []
    if fold_list:
        held_out = _validate(ctx, use, fold_list)
        validation = _validation_table(held_out, use)
    else:
        held_out = pd.DataFrame()
        validation = pd.DataFrame(columns=["method", "n_held_out"])
    price_table = _price_table(
        prices,
        econ,
        price_grid,
        use,
        context,
        fold_list,
        sites,
        held_out if fold_list else None,
    )
    # honest uncertainty
    n_groups = len(np.unique(sites.groups))
    if n_groups < MIN_SITES:
        warn.append(message("rec_few_sites", n=n_groups, minimum=MIN_SITES))
        warnings.warn(warn[-1], DesignWarning, stacklevel=2)
    lo_tested, hi_tested = float(np.min(sites.low)), float(np.min(sites.top))
    outside = rates_table[
        (rates_table["rate"] < lo_tested - 1e-9) | (rates_table["rate"] >= hi_tested * (1 - 1e-6))
    ]
    if len(outside):
        items = ", ".join(
            f"{m} {c}: {format_number(r, 4)}" if c != "all" else f"{m}: {format_number(r, 4)}"
            for m, c, r in zip(outside["method"], outside["class"], outside["rate"], strict=True)
        )
        warn.append(
            message(
                "rec_not_bracketed",
                items=items,
                low=format_number(lo_tested, 4),
                high=format_number(hi_tested, 4),
            )
        )
        warnings.warn(warn[-1], ExtrapolationWarning, stacklevel=2)
    site_table = pd.DataFrame(
        {
            "site": sites.names,
            "own_rate": ctx.optima.rate,
            "own_status": list(ctx.optima.status),
            "own_net_return": ctx.optima.net,
            "own_rate_se": np.sqrt(ctx.optima.var),
            "ck_yield": sites.ck,
            "class_value": feature,
            "low_rate": sites.low,
            "top_rate": sites.top,
        }
    )
    years = int(frame[year].nunique()) if year is not None else None
    return Recommendation(
        rates=rates_table,
        validation=validation,
        held_out=held_out,
        sites=site_table,
        price_table=price_table,
        dropped=dropped,
        n_sites=n_groups,
        n_site_years=sites.n,
        n_years=years,
        n_obs=int(len(frame)),
        n_folds=len(fold_list),
        methods=tuple(use),
        model=model,
        validate=validate,
        class_variable=feature_name,
        tested_range=(lo_tested, hi_tested),
        within=w,
        price_ratio_text=econ.ratio_text,
        net_return_unit=econ.money,
        seed=seed,
        elapsed_batch=float(batch.elapsed),
        notes=tuple(notes),
        warnings=tuple(warn),
        options={
            "response": str(response),
            "rate": str(rate),
            "site": str(site),
            "block": None if block is None else str(block),
            "year": None if year is None else str(year),
            "folds": folds,
            "n_classes": int(n_classes),
        },
    )


def _pool_sites_rule(sites: SiteSet, prices: Prices, within: float) -> tuple[Rule, list[str]]:
    """The MRTN of all sites by :func:`fertopt.pool_sites`, as a rule."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pooled = pool_sites(
            dict(zip(sites.names, sites.curves, strict=True)),
            prices=prices,
            rates=sites.grid,
            within=within,
        )
    for w in caught:
        warnings.warn(str(w.message), w.category, stacklevel=3)
    lo, hi = pooled.profitable_range
    rule = Rule(
        classes=("all",),
        rates=np.array([pooled.mrtn_rate]),
        lows=np.array([lo]),
        highs=np.array([hi]),
        n_sites=np.array([sites.n]),
        interval_kind="profitable_range",
    )
    return rule, list(pooled.warnings)


def _network_runner(
    frame: pd.DataFrame,
    sites: SiteSet,
    by: tuple[Hashable, ...],
    response: Hashable,
    rate: Hashable,
    block: Hashable | None,
    model: str,
) -> Any:
    """``run(train, econ) -> (rate, low, high)``: the population optimum of a network fit on
    the training sites, each fit kept for the other prices."""
    label = frame[list(by)].astype(str).agg(" ".join, axis=1).to_numpy()
    fits: dict[tuple[int, ...], Any] = {}

    def run(train: np.ndarray, econ: Any) -> tuple[float, float, float]:
        key = tuple(int(i) for i in train)
        if key not in fits:
            wanted = {sites.names[i] for i in train}
            sub = frame.loc[np.isin(label, list(wanted))]
            kwargs = {"block": block} if block is not None else {}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fits[key] = fit_network(
                    sub, response=response, rate=rate, site=by[0], model=model, **kwargs
                )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            opt = fits[key].optimum(prices=econ.prices)
        lo, hi = opt.ci if opt.ci is not None else (math.nan, math.nan)
        return float(opt.rate), float(lo), float(hi)

    return run


def _price_table(
    prices: Prices,
    econ: Any,
    price_grid: Any,
    methods: Sequence[str],
    context: Any,
    folds: list[np.ndarray],
    sites: SiteSet,
    base_held: pd.DataFrame | None,
) -> pd.DataFrame:
    """Rate and mean regret of every method at every price of the grid (the validation at the
    given prices is reused at their own point of the grid)."""
    rows = []
    everyone = np.arange(sites.n)
    base = (prices.crop, getattr(prices, econ.form))
    for p in _price_points(prices, econ.form, price_grid):
        e = resolve_curve_prices(sites.curves[0], p, None)
        ctx = context(e)
        if not folds:
            held = None
        elif (p.crop, getattr(p, econ.form)) == base and base_held is not None:
            held = base_held
        else:
            held = _validate(ctx, methods, folds)
        for m in methods:
            rule = METHODS[m](ctx, everyone)
            rates, _, _ = rule.predict(ctx, everyone)
            regret = (
                summarise(held[held["method"] == m])["regret_mean"]
                if held is not None
                else math.nan
            )
            rows.append(
                {
                    "crop_price": float(p.crop),
                    "nutrient_price": float(getattr(p, econ.form)),
                    "price_ratio": float(e.ratio),
                    "method": m,
                    "rate": float(np.nanmean(rates)),
                    "rate_min": float(np.nanmin(rates)),
                    "rate_max": float(np.nanmax(rates)),
                    "regret_mean": regret,
                }
            )
    return pd.DataFrame(rows)
