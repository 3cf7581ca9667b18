"""The result of :func:`fertopt.fit_network` (:class:`NetworkFit`) and the predicted optimum of a
new site (:class:`NewSiteOptimum`)."""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.document import Facts, Summary, Table, warnings_notes
from fertopt._core.formatting import ResultBase, format_number
from fertopt._core.i18n import (
    check_lang,
    column_label,
    label,
    message,
    model_name,
    model_words,
    translate_message,
)
from fertopt._core.validation import check_choice, check_positive, check_probability
from fertopt.curves.curve import Curve
from fertopt.economics import DEFAULT_CI, Optimum, optimum, resolve_curve_prices
from fertopt.exceptions import NetworkWarning, OptionError
from fertopt.network.site_optimum import STATUSES, draw_parameters, solve_rates, statuses

__all__ = ["NetworkFit", "NewSiteOptimum"]


def _pct(share: float) -> str:
    return f"{100 * share:.1f} %"


def _headers(columns: Any, lang: str, params: Any = ()) -> dict[str, str]:
    """Column headers in ``lang``: parameter words for ``params``, else ``nf_col_*`` keys,
    else the shared column labels."""
    if lang == "en":
        return {c: str(c) for c in columns}
    out = {}
    for c in columns:
        if c in params:
            out[c] = model_words(str(c), lang)
            continue
        key = f"nf_col_{c}"
        text = label(key, lang)
        if text == key:
            text = model_words(str(c), lang)
            if text == str(c):
                text = column_label(c, lang)
        out[c] = text
    return out


def _status_words(values: Any, lang: str) -> list[str]:
    return [s if lang == "en" else label(f"status_{s}", lang) for s in values]


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class NewSiteOptimum(ResultBase):
    """The optimum rate of a site not in the network, as a predictive distribution.

    Attributes
    ----------
    kind : {'agronomic', 'economic'}
    median, mean : float
        Median and mean of the simulated optima (draws with a maximum).
    interval : tuple of float
        The central ``level`` prediction interval (quantiles of the draws with a maximum).
    level : float
        Coverage of ``interval`` (default 0.90).
    quantiles : DataFrame
        ``q | rate``: the 5, 10, 25, 50, 75, 90 and 95 % quantiles.
    shares : dict
        Share of draws per status: ``ok``, ``extrapolated`` (beyond the network's tested
        rates), ``at_bound`` (no fertilizer pays) and ``no_maximum`` (left out of the
        quantiles).
    n_draws : int
    seed : int or None
        Seed of the generator (reproduce with ``rng=seed``); None when a Generator was given.
    population_uncertainty : bool
        Whether the draws include the uncertainty of the population parameters and of the
        covariance of the site effects.
    price_ratio : float
        Nutrient : crop price ratio applied (0 for maximum yield).
    price_ratio_text : str
    tested_range : tuple of float
        Lowest and highest rate tested in the network.
    model, rate_unit : str or None
    n_sites : int
        Sites the distribution rests on.
    warnings : tuple of str
    """

    kind: str
    median: float
    mean: float
    interval: tuple[float, float]
    level: float
    quantiles: pd.DataFrame
    shares: dict[str, float]
    n_draws: int
    seed: int | None
    population_uncertainty: bool
    price_ratio: float
    price_ratio_text: str
    tested_range: tuple[float, float]
    model: str
    rate_unit: str | None
    n_sites: int
    warnings: tuple[str, ...] = ()
    _rates: Any = field(default=None, repr=False, compare=False)
    _statuses: Any = field(default=None, repr=False, compare=False)

    @property
    def rates(self) -> np.ndarray:
        """The simulated optimum of every draw (NaN where there is no maximum)."""
        return np.array(self._rates, copy=True)

    @property
    def draw_statuses(self) -> np.ndarray:
        """The status of every draw (``ok``, ``extrapolated``, ``at_bound``, ``no_maximum``)."""
        return np.array(self._statuses, copy=True)

    def _num(self, x: float, digits: int = 4) -> str:
        unit = f" {self.rate_unit}" if self.rate_unit else ""
        return f"{format_number(x, digits)}{unit}"

    def _headline(self, lang: str = "en") -> str:
        lo, hi = self.interval
        return label(
            "nso_headline",
            lang,
            median=self._num(self.median),
            level=f"{100 * self.level:g} %",
            lo=format_number(lo, 4),
            hi=self._num(hi),
            ok=_pct(self.shares["ok"]),
        )

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        lo, hi = self.interval
        s = self.shares
        facts = [
            (label("nf_model", lang), model_name(self.model, lang)),
            (label("nf_sites", lang), str(self.n_sites)),
            (label("nso_median", lang), self._num(self.median, digits)),
            (label("nso_mean", lang), self._num(self.mean, digits)),
            (
                label("nso_interval", lang),
                label(
                    "nso_interval_text",
                    lang,
                    lo=format_number(lo, digits),
                    hi=self._num(hi, digits),
                    level=f"{100 * self.level:g} %",
                ),
            ),
            (
                label("nso_shares", lang),
                label(
                    "nso_shares_text",
                    lang,
                    ok=_pct(s["ok"]),
                    ext=_pct(s["extrapolated"]),
                    bound=_pct(s["at_bound"]),
                    none=_pct(s["no_maximum"]),
                ),
            ),
            (
                label("nso_draws", lang),
                label(
                    "nso_draws_text",
                    lang,
                    n=self.n_draws,
                    seed=self.seed,
                    beta=label(
                        "nso_beta_yes" if self.population_uncertainty else "nso_beta_no", lang
                    ),
                ),
            ),
            (
                label("nso_tested", lang),
                f"{format_number(self.tested_range[0], digits)} – "
                f"{self._num(self.tested_range[1], digits)}",
            ),
        ]
        if self.kind == "economic":
            facts.append(
                (label("nso_price_ratio", lang), translate_message(self.price_ratio_text, lang))
            )
        title = label(f"nso_title_{self.kind}", lang)
        return Summary(
            title,
            [
                Facts(facts),
                Table(
                    self.quantiles,
                    title=label("nso_quantiles", lang),
                    labels=_headers(self.quantiles.columns, lang),
                ),
                warnings_notes(self.warnings, lang),
            ],
            headline=self._headline(lang),
            digits=digits,
        )


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class NetworkFit(ResultBase):
    """A response model whose parameters vary by site, fitted to a whole trial network.

    Attributes
    ----------
    model : str
        ``'quadratic'``, ``'linear'``, ``'quadratic_plateau'``, ``'linear_plateau'`` or
        ``'mitscherlich'``.
    response, rate, site : str
        The columns used.
    block, year : str or None
        Block (replicate) column, fitted as random intercepts within sites; year column
        (counted only).
    random : tuple of str
        Parameters with site effects.
    method : {'REML', 'ML'}
    params : DataFrame
        ``term | estimate | se | ci_low | ci_high``: the population parameters (the curve of
        the average site) with Wald intervals on ``df`` degrees of freedom.
    variance_components : DataFrame
        ``group | term | variance | sd``: the site variance of each random parameter, the
        block variance (when ``block`` is given) and the residual.
    site_covariance : DataFrame
        ``term_a | term_b | covariance | correlation``: every pair of random parameters.
    psi : ndarray
        The covariance matrix of the site effects (``random`` order).
    sigma : float
        Residual standard deviation.
    sites : DataFrame
        ``site | n_obs | <each parameter> | optimum | status``: each site's own curve (the
        population parameters plus its predicted effects, BLUPs) and its rate of maximum
        yield with the status of that optimum within the site's tested rates; use
        :meth:`site_optima` for economic optima.
    n_sites, n_obs, n_dropped : int
    n_years : int or None
        Distinct years (when ``year`` is given).
    df : float
        Degrees of freedom of the intervals: ``n_sites − 1``.
    loglik, aic, bic : float
        lme4's ``logLik``, ``AIC`` and ``BIC`` (for REML the REML log-likelihood).
    converged : bool
    singular : tuple of str
        Random parameters whose variance is estimated at zero (lme4's "boundary (singular)
        fit").
    confidence_level : float
    warnings : tuple of str
    """

    model: str
    response: str
    rate: str
    site: str
    block: str | None
    year: str | None
    random: tuple[str, ...]
    method: str
    params: pd.DataFrame
    variance_components: pd.DataFrame
    site_covariance: pd.DataFrame
    psi: np.ndarray
    sigma: float
    sites: pd.DataFrame
    n_sites: int
    n_obs: int
    n_dropped: int
    n_years: int | None
    df: float
    loglik: float
    aic: float
    bic: float
    converged: bool
    singular: tuple[str, ...]
    confidence_level: float
    warnings: tuple[str, ...] = ()
    _population: Any = field(default=None, repr=False, compare=False)
    _estimate: Any = field(default=None, repr=False, compare=False)
    _data: Any = field(default=None, repr=False, compare=False)

    # -- values ---------------------------------------------------------------------
    @property
    def population(self) -> Any:
        """The curve of the average site as a :class:`~fertopt.ResponseFit` (from its
        coefficients and their covariance, on ``df`` degrees of freedom): ``predict`` with
        confidence bands, ``optimum``, ``net_return_curve``, ``plot``."""
        return self._population

    @property
    def curve(self) -> Curve:
        """The population curve (the average site) with the covariance of its parameters."""
        return self._population.curve

    @property
    def _curve(self) -> Curve:
        return self._population.curve

    @property
    def data(self) -> pd.DataFrame:
        """The plots fitted: ``site | rate | response`` (and ``block`` when given)."""
        return self._data.copy()

    def site_curve(self, site: Any) -> Curve:
        """The curve of one site of the network (its BLUP'd parameters, no covariance)."""
        row = self.sites.loc[self.sites["site"].astype(str) == str(site)]
        if row.empty:
            raise OptionError(
                f"site {site!r} is not in the network; its sites are "
                f"{', '.join(map(str, self.sites['site']))}."
            )
        theta = row[list(self._curve.spec.params)].to_numpy(float)[0]
        part = self._data[self._data["site"].astype(str) == str(site)]
        rates = part["rate"].to_numpy(float)
        return dataclasses.replace(
            self._curve,
            theta=theta,
            vcov=None,
            rate_range=(float(rates.min()), float(rates.max())),
        )

    def predict(self, x: Any, site: Any = None) -> np.ndarray:
        """Fitted response at rates ``x``: of the average site, or of ``site``."""
        curve = self._curve if site is None else self.site_curve(site)
        return curve.value(np.asarray(x, float))

    # -- optima ---------------------------------------------------------------------
    def site_optima(self, prices: Any = None, *, price_ratio: Any = None) -> pd.DataFrame:
        """Each site's own optimum: ``site | rate | status | yield_at_rate``.

        Parameters
        ----------
        prices : Prices, optional
            As for :meth:`optimum`; without prices or ratio, the rate of maximum yield.
        price_ratio : float or (float, str), optional

        Returns
        -------
        DataFrame
            One row per site; ``rate`` NaN where the site's curve has no maximum; the status
            is judged against the site's own tested rates.
        """
        econ = resolve_curve_prices(self._curve, prices, price_ratio)
        ratio = 0.0 if econ is None else econ.ratio
        spec = self._curve.spec
        thetas = self.sites[list(spec.params)].to_numpy(float)
        rates, cases = solve_rates(spec, thetas, ratio)
        ranges = self._data.groupby("site", sort=False, observed=True)["rate"].agg(["min", "max"])
        ranges.index = ranges.index.astype(str)
        lo = ranges.loc[self.sites["site"].astype(str), "min"].to_numpy(float)
        hi = ranges.loc[self.sites["site"].astype(str), "max"].to_numpy(float)
        status = np.array(
            [
                statuses(np.array([c]), np.array([r]), a, b)[0]
                for c, r, a, b in zip(cases, rates, lo, hi, strict=True)
            ]
        )
        y = np.array(
            [
                spec.curve(np.array([r]), t)[0] if math.isfinite(r) else math.nan
                for r, t in zip(rates, thetas, strict=True)
            ]
        )
        return pd.DataFrame(
            {"site": self.sites["site"], "rate": rates, "status": status, "yield_at_rate": y}
        )

    def optimum(
        self,
        prices: Any = None,
        *,
        price_ratio: Any = None,
        ci: Any = DEFAULT_CI,
        confidence_level: float | None = None,
        new_site: bool = False,
        level: float = 0.90,
        n_draws: int = 4000,
        population_uncertainty: bool = True,
        rng: Any = None,
    ) -> Optimum | NewSiteOptimum:
        """The optimum of the average site, or the predicted optimum of a new site.

        Parameters
        ----------
        prices : Prices, optional
            Crop and nutrient prices; without prices (or ``price_ratio``) the rate of
            maximum yield.
        price_ratio : float or (float, str), optional
            As for :func:`fertopt.economics.optimum`.
        ci : {'delta', 'fieller'} or None, default 'delta'
            Interval of the population optimum (from the population parameters and their
            covariance, on ``df`` degrees of freedom).
        confidence_level : float, optional
            Level of that interval; by default the fit's ``confidence_level``.
        new_site : bool, default False
            Return the distribution of the optimum of a site not in the network
            (:class:`NewSiteOptimum`) instead.
        level : float, default 0.90
            Coverage of the new-site prediction interval.
        n_draws : int, default 4000
            Simulated new sites.
        population_uncertainty : bool, default True
            Draw the population parameters from ``N(β̂, Cov β̂)`` and the covariance of the
            site effects from an inverse Wishart on ``n_sites − 1`` df around its estimate
            (the classical normal prediction interval for one random parameter); without
            it, the plug-in ``N(β̂ + 0, Ψ̂)``, which is too narrow with few sites.
        rng : int, numpy Generator or None
            Seed or generator of the simulation; the seed is recorded.

        Returns
        -------
        Optimum or NewSiteOptimum

        Warns
        -----
        ExtrapolationWarning
            The population optimum lies outside the network's tested rates.
        NetworkWarning
            Fewer than half the sites tested a rate at or above the population optimum.
        """
        if new_site:
            return self._new_site(prices, price_ratio, level, n_draws, population_uncertainty, rng)
        if ci not in (None, DEFAULT_CI):
            check_choice(ci, "ci", ("delta", "fieller"))
        level_ci = self.confidence_level if confidence_level is None else confidence_level
        opt = optimum(
            self._population,
            prices=prices,
            price_ratio=price_ratio,
            ci=ci,
            confidence_level=level_ci,
        )
        extra = self._few_sites()
        if opt.status == "ok" and math.isfinite(opt.rate):
            top = self._data.groupby("site", observed=True)["rate"].max().to_numpy(float)
            k = int(np.sum(top >= opt.rate * (1 - 1e-9)))
            if 2 * k < len(top):
                text = message(
                    "nf_not_bracketed",
                    k=k,
                    n=len(top),
                    rate=format_number(opt.rate, 4)
                    + (f" {opt.rate_unit}" if opt.rate_unit else ""),
                )
                warnings.warn(text.sentence(), NetworkWarning, stacklevel=2)
                extra.append(text)
        if extra:
            opt = dataclasses.replace(opt, warnings=(*opt.warnings, *extra))
        return opt

    def _few_sites(self) -> list[str]:
        """The fit's warning that it rests on few sites, carried into its optima."""
        return [w for w in self.warnings if getattr(w, "key", None) == "nf_few_sites"]

    def _new_site(
        self,
        prices: Any,
        price_ratio: Any,
        level: float,
        n_draws: int,
        population_uncertainty: bool,
        rng: Any,
    ) -> NewSiteOptimum:
        level = check_probability(level, "level")
        n_draws = int(check_positive(n_draws, "n_draws"))
        if n_draws < 100:
            raise OptionError(f"n_draws must be at least 100, got {n_draws}.")
        if isinstance(rng, np.random.Generator):
            generator, seed = rng, None
        else:
            if rng is not None and not isinstance(rng, (int, np.integer)):
                raise OptionError(
                    f"rng must be an integer seed or a numpy Generator, got {rng!r}; for "
                    "example rng=1."
                )
            seed = int(np.random.SeedSequence().entropy % 2**32) if rng is None else int(rng)
            generator = np.random.default_rng(seed)
        econ = resolve_curve_prices(self._curve, prices, price_ratio)
        ratio = 0.0 if econ is None else econ.ratio
        est = self._estimate
        spec = self._curve.spec
        random_idx = [spec.params.index(r) for r in self.random]
        thetas = draw_parameters(
            np.asarray(est.beta, float),
            np.asarray(est.beta_cov, float),
            np.asarray(est.psi, float),
            random_idx,
            n_draws,
            generator,
            population_uncertainty=bool(population_uncertainty),
            n_sites=self.n_sites,
        )
        rates, cases = solve_rates(spec, thetas, ratio)
        lo, hi = self._curve.rate_range
        status = statuses(cases, rates, lo, hi)
        shares = {s: float(np.mean(status == s)) for s in STATUSES}
        finite = rates[np.isfinite(rates)]
        qs = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)
        if len(finite):
            a = (1 - level) / 2
            interval = (float(np.quantile(finite, a)), float(np.quantile(finite, 1 - a)))
            quant = np.quantile(finite, qs)
            median, mean = float(np.median(finite)), float(np.mean(finite))
        else:
            interval, quant, median, mean = (
                (math.nan, math.nan),
                np.full(len(qs), math.nan),
                math.nan,
                math.nan,
            )
        found = []
        if shares["extrapolated"] > 0.05:
            found.append(message("nf_draws_beyond", share=_pct(shares["extrapolated"])))
        if shares["no_maximum"] > 0:
            found.append(message("nf_draws_none", share=_pct(shares["no_maximum"])))
        for text in found:
            warnings.warn(text.sentence(), NetworkWarning, stacklevel=3)
        notes = [*self._few_sites(), *found]
        return NewSiteOptimum(
            kind="agronomic" if econ is None else "economic",
            median=median,
            mean=mean,
            interval=interval,
            level=level,
            quantiles=pd.DataFrame({"q": qs, "rate": quant}),
            shares=shares,
            n_draws=n_draws,
            seed=seed,
            population_uncertainty=bool(population_uncertainty),
            price_ratio=ratio,
            price_ratio_text=econ.ratio_text if econ is not None else "",
            tested_range=(lo, hi),
            model=self.model,
            rate_unit=self._curve.rate_unit,
            n_sites=self.n_sites,
            warnings=tuple(notes),
            _rates=rates,
            _statuses=status,
        )

    # -- display ----------------------------------------------------------------------
    def _max_rate(self) -> float:
        rates, cases = solve_rates(self._curve.spec, self._curve.theta[None, :], 0.0)
        return float(rates[0]) if cases[0] != "none" else math.nan

    def _headline(self, lang: str = "en") -> str:
        rate = self._max_rate()
        fields = {
            "model": self.model if lang == "en" else model_name(self.model, lang),
            "n_sites": self.n_sites,
            "method": self.method,
            "n": self.n_obs,
        }
        if not math.isfinite(rate):
            return label("nf_headline_none", lang, **fields)
        unit = f" {self._curve.rate_unit}" if self._curve.rate_unit else ""
        return label("nf_headline", lang, rate=f"{format_number(rate, 4)}{unit}", **fields)

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks of :meth:`summary` by name: ``model``, ``params``,
        ``variance_components``, ``site_covariance``, ``sites`` and ``warnings``."""
        lang = check_lang(lang)
        ok = self.sites["optimum"].dropna().to_numpy(float)
        spread = label(
            "nf_spread_text",
            lang,
            lo=format_number(ok.min(), digits) if len(ok) else "–",
            mid=format_number(float(np.median(ok)), digits) if len(ok) else "–",
            hi=format_number(ok.max(), digits) if len(ok) else "–",
            k=len(ok),
            n=self.n_sites,
        )
        facts = [
            (label("nf_model", lang), model_name(self.model, lang)),
            (label("sm_response", lang), str(self.response)),
            (label("nf_rate", lang), str(self.rate)),
            (label("nf_site", lang), str(self.site)),
            (label("nf_random", lang), model_words(", ".join(self.random), lang)),
        ]
        if self.block is not None:
            facts.append((label("nf_block", lang), str(self.block)))
        facts += [
            (label("nf_method", lang), label(f"nf_method_{self.method}", lang)),
            (label("nf_sites", lang), str(self.n_sites)),
        ]
        if self.n_years is not None:
            facts.append((label("nf_years", lang), str(self.n_years)))
        facts += [
            (label("sm_plots_analysed", lang), str(self.n_obs)),
            (label("nf_sigma", lang), format_number(self.sigma, digits)),
            (label("nf_loglik", lang), format_number(self.loglik, digits + 3)),
            (
                label("nf_aic_bic", lang),
                f"{format_number(self.aic, digits + 3)} / {format_number(self.bic, digits + 3)}",
            ),
            (label("nf_spread", lang), spread),
        ]
        params = self.params.assign(term=[model_words(t, lang) for t in self.params["term"]])
        vc = self.variance_components.assign(
            group=[label(f"nf_group_{g}", lang) for g in self.variance_components["group"]],
            term=[model_words(t, lang) for t in self.variance_components["term"]],
        )
        cov = self.site_covariance.assign(
            term_a=[model_words(t, lang) for t in self.site_covariance["term_a"]],
            term_b=[model_words(t, lang) for t in self.site_covariance["term_b"]],
        )
        sites = self.sites.assign(status=_status_words(self.sites["status"], lang))
        parts: dict[str, Any] = {
            "model": Facts(facts),
            "params": Table(
                params, title=label("nf_params", lang), labels=_headers(params.columns, lang)
            ),
            "variance_components": Table(
                vc, title=label("nf_varcomp", lang), labels=_headers(vc.columns, lang)
            ),
        }
        if len(cov):
            parts["site_covariance"] = Table(
                cov, title=label("nf_correlation", lang), labels=_headers(cov.columns, lang)
            )
        parts["sites"] = Table(
            sites,
            title=label("nf_sites_table", lang),
            labels=_headers(sites.columns, lang, self._curve.spec.params),
            formats={"n_obs": "int"},
        )
        parts["warnings"] = warnings_notes(self.warnings, lang)
        return parts

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        return Summary(
            label("nf_title", lang, response=self.response),
            list(self.summary_parts(digits, lang).values()),
            headline=self._headline(lang),
            digits=digits,
        )

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Population curve, each site's curve (BLUP) and the site optima (see
        ``plotting.network.plot_network_fit``)."""
        from fertopt.plotting.network import plot_network_fit

        return plot_network_fit(self, ax=ax, **kwargs)
