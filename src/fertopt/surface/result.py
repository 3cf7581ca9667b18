"""The fitted surface: :class:`SurfaceFit`, its coefficients, tests and the questions it answers.

The analyses behind its methods live in the sibling modules (canonical, optimum, typicality,
point); :mod:`fertopt.surface` builds it (:func:`~fertopt.surface.fit_surface`,
:func:`~fertopt.surface.surface_from_coefficients`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.deprecation import renamed
from fertopt._core.document import Facts, Summary, localized_table, warnings_notes
from fertopt._core.formatting import ResultBase, f_test_text, format_number
from fertopt._core.i18n import check_lang, label, model_words
from fertopt._core.validation import (
    check_choice,
)
from fertopt.economics.prices import resolve_surface_prices
from fertopt.exceptions import DataError, OptionError
from fertopt.surface import canonical as _surface_canonical
from fertopt.surface import optimum as _surface_optimum
from fertopt.surface import point as _surface_point
from fertopt.surface import poly as _ps
from fertopt.surface import typicality as _surface_typicality
from fertopt.surface.poly import Poly
from fertopt.surface.region import Region, rates_matrix
from fertopt.surface.results import (
    CanonicalResult,
    SurfaceOptimum,
    SurfacePoint,
    TypicalityResult,
    p_text,
)

NAMES_BY_K = {1: "univariate", 2: "binary", 3: "ternary"}
#: Number of nutrients in Chinese (一元, 二元, 三元 …).
ZH_COUNT = {1: "一", 2: "二", 3: "三", 4: "四"}


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class SurfaceFit(ResultBase):
    """A fitted (or published) N-P-K response surface.

    Attributes
    ----------
    response : str
        Name of the response (yield) column.
    nutrients : tuple of str
        Names of the rates, in order; coefficient names use them.
    columns : dict
        Nutrient → data column.
    model : {"quadratic", "square_root", "custom"}
        The term family (``custom`` for terms outside both families, such as ``N:P:K``).
    selection : {"full", "given", "stepwise", "published"}
        How the terms were chosen.
    terms : tuple of str
        Terms in the model, intercept first.
    coefficients : DataFrame
        ``term, estimate, se, t, p, ci_low, ci_high`` (NaN where there is no error estimate).
        :attr:`params` is its ``term, estimate, se, ci_low, ci_high`` part and
        :attr:`estimates` the ``{term: estimate}`` dictionary.
    anova : DataFrame
        ``source, df, ss, ms, f, p`` with sources ``blocks`` (when blocked), ``regression``,
        ``residual``, ``lack_of_fit`` and ``pure_error`` (when some rate combinations are
        replicated), ``total``.  Empty for a published surface.
    steps : DataFrame
        Stepwise log: ``step, action, term, f, df_num, df_den, p, r2``; empty otherwise.
    support : DataFrame
        One row per distinct rate combination: the nutrient columns, ``n``, ``mean``
        (observed) and ``fitted``.
    bounds : dict or None
        Tested region: nutrient → (lowest, highest) rate.
    r_squared, adj_r_squared : float
        Coefficient of determination (of the whole model, blocks included, as R's
        ``summary.lm``) and its adjusted form.  Formerly ``r2`` and ``adj_r2``.
    sigma : float
        Residual standard deviation ``√(SSE / df_resid)`` (R's ``sigma(lm)``).
    rmse : float
        Root mean squared error ``√(SSE / n)``, as on :class:`~fertopt.ResponseFit`.
        (Before fertopt 0.2 ``rmse`` held what is now ``sigma``.)
    df_resid : int
    n_obs, n_dropped, n_support, n_blocks : int
    ck_yield : float or None
        Yield without fertilizer: the observed mean of zero-rate plots, else the
        prediction at zero.
    ck_source : str
        ``"observed"``, ``"predicted"`` or ``"given"``.
    f_enter, f_remove : float or None
        Stepwise criteria (partial F to enter, to remove).
    hierarchy : bool
        Whether stepwise kept the model hierarchical.
    response_unit : str or None
        Unit of the response (``"t/ha"``), when declared.
    rate_units : dict or None
        Nutrient → unit of its rate, when declared.
    confidence_level : float
    warnings : tuple of str
        Problems met while fitting (plots left out, no residual degrees of freedom).
    poly : Poly
        (property) The fitted polynomial (:mod:`fertopt.surface.poly`), in its working scale.
    zero_yield : float
        (property) Predicted response without fertilizer (every rate 0).

    Methods
    -------
    predict, canonical, ridge, maximum, optimum, typicality, assess, plot

    Examples
    --------
    Welch et al. (1963): the pure quadratic's maximum lies beyond the tested rates.

    >>> import fertopt as fo
    >>> welch = fo.load_dataset("welch_bermudagrass")        # lb/acre, t/acre
    >>> surf = fo.fit_surface(welch, response="yield", rates={"N": "n", "P": "p", "K": "k"})
    >>> surf
    <SurfaceFit ternary quadratic surface in N, P, K | 10 terms | R² 0.978 | F(9,54)=272 p<0.0001>
    >>> can = surf.canonical()
    >>> can.kind, can.inside, {n: round(v) for n, v in can.stationary_point.items()}
    ('maximum', False, {'N': 412, 'P': 117, 'K': 234})
    >>> opt = surf.optimum(prices={"crop": 25, "N": 0.12, "P": 0.18, "K": 0.07})
    >>> {n: round(v, 1) for n, v in opt.rates.items()}, opt.status
    ({'N': 297.6, 'P': 70.1, 'K': 148.1}, 'ok')
    """

    response: str
    nutrients: tuple[str, ...]
    columns: dict[str, str]
    model: str
    selection: str
    terms: tuple[str, ...]
    coefficients: pd.DataFrame
    anova: pd.DataFrame
    steps: pd.DataFrame
    support: pd.DataFrame
    bounds: dict[str, tuple[float, float]] | None
    r_squared: float
    adj_r_squared: float
    sigma: float
    rmse: float
    df_resid: int
    n_obs: int
    n_dropped: int
    n_support: int
    n_blocks: int
    ck_yield: float | None
    ck_source: str
    response_unit: str | None = None
    rate_units: dict[str, str | None] | None = None
    f_enter: float | None = None
    f_remove: float | None = None
    hierarchy: bool = True
    confidence_level: float = 0.95
    warnings: tuple[str, ...] = ()
    _powers: tuple[tuple[float, ...], ...] = field(default=(), repr=False, compare=False)
    _cov: np.ndarray | None = field(default=None, repr=False, compare=False)
    _points: np.ndarray | None = field(default=None, repr=False, compare=False)

    r2 = renamed("r_squared")
    adj_r2 = renamed("adj_r_squared")

    # -- basic pieces -----------------------------------------------------------
    @cached_property
    def poly(self) -> Poly:
        """The fitted polynomial (:class:`fertopt.surface.poly.Poly`): values, gradients, shape.

        The surface's working form, in rate or square-root-of-rate scale, used by the
        canonical analysis, the optima and the typicality rules.
        """
        return Poly.from_powers(self._powers, self.coefficients["estimate"].to_numpy(dtype=float))

    @property
    def params(self) -> pd.DataFrame:
        """``term, estimate, se, ci_low, ci_high``, as :attr:`ResponseFit.params`."""
        return self.coefficients[["term", "estimate", "se", "ci_low", "ci_high"]].copy()

    @property
    def estimates(self) -> dict[str, float]:
        """Coefficients as a ``{term: estimate}`` dictionary (``params`` before fertopt 0.2)."""
        return dict(
            zip(self.coefficients["term"], self.coefficients["estimate"].astype(float), strict=True)
        )

    @property
    def second_order(self) -> bool:
        """Whether the surface is a second-order polynomial in its working scale."""
        return self.poly.degree <= 2

    @property
    def scale(self) -> str:
        return "square root of rate" if self.poly.root.any() else "rate"

    @cached_property
    def region(self) -> Region | None:
        """The tested region as a frozen :class:`~fertopt.surface.protocol.Region` (or None)."""
        return None if self.bounds is None else Region.from_bounds(self.nutrients, self.bounds)

    @property
    def zero_yield(self) -> float:
        """Predicted response without fertilizer (every rate 0)."""
        return float(self.poly.value(np.zeros(len(self.nutrients))))

    def predict(self, rates: Any, *, interval: str = "none") -> Any:
        """Predicted response at ``rates``.

        Parameters
        ----------
        rates : mapping, DataFrame or array
            ``{"N": 13.2, "P2O5": 8, "K2O": 21}`` (scalars or arrays), a frame with a
            column per nutrient, or an array with one column per nutrient.
        interval : {"none", "confidence", "prediction"}
            With an interval, a DataFrame with the nutrient columns, ``fitted``,
            ``lower`` and ``upper`` (at ``confidence_level``; blocks averaged).

        Returns
        -------
        float, ndarray or DataFrame
        """
        check_choice(interval, "interval", ("none", "confidence", "prediction"))
        x, single = rates_matrix(self, rates)
        if np.any(x < 0):
            raise DataError("rates cannot be negative.")
        fitted = _ps.design_columns(self._powers, x) @ self.coefficients["estimate"].to_numpy(
            dtype=float
        )
        if interval == "none":
            return float(fitted[0]) if single else fitted
        if self._cov is None or not np.all(np.isfinite(self._cov)):
            raise OptionError(
                "this surface has no coefficient covariance (a published equation, or a fit "
                "without residual degrees of freedom), so no interval can be computed."
            )
        from scipy import stats

        cols = _ps.design_columns(self._powers, x)
        var = np.einsum("ij,jk,ik->i", cols, self._cov, cols)
        if interval == "prediction":
            var = var + self.sigma**2
        t = stats.t.ppf(0.5 + self.confidence_level / 2, self.df_resid)
        out = pd.DataFrame(x, columns=list(self.nutrients))
        out["fitted"] = fitted
        out["lower"] = fitted - t * np.sqrt(var)
        out["upper"] = fitted + t * np.sqrt(var)
        return out

    # -- canonical analysis -----------------------------------------------------
    def canonical(
        self, *, ridge_tol: float = 1e-3, radii: Sequence[float] | None = None
    ) -> CanonicalResult:
        """Stationary point, eigen-analysis and kind of the surface; ridge analysis when useful.

        Parameters
        ----------
        ridge_tol : float, default 1e-3
            An eigenvalue whose size, in coded units (each tested range mapped to −1…1),
            is below ``ridge_tol`` times the largest counts as zero (a ridge).
        radii : sequence of float, optional
            Radii (coded units) for the ridge analysis; default 0, 0.1, … up to the box corner.

        Returns
        -------
        CanonicalResult

        Raises
        ------
        OptionError
            For a surface with terms above second order (use :meth:`maximum`).

        Notes
        -----
        With ``f(z) = b0 + bᵀz + zᵀBz`` (``B`` symmetric, squared-term coefficients on
        the diagonal, half of each product coefficient off it), the stationary point is
        ``z_s = −½ B⁻¹ b``.  Eigenvalues all negative: maximum; all positive: minimum;
        mixed: saddle (no maximum: the response rises without bound along some
        direction); some zero: ridge.  For square-root surfaces ``z = √rate``.  Ridge
        analysis (Hoerl) maximises ``f`` on spheres of growing radius around the centre
        of the tested region, in coded units.
        """
        return _surface_canonical.canonical(self, ridge_tol, radii)

    # -- optima -----------------------------------------------------------------
    def maximum(self, *, bounds: Any = "tested") -> SurfaceOptimum:
        """Highest predicted response within ``bounds``, with its status.

        Parameters
        ----------
        bounds : "tested", mapping or None
            ``"tested"`` (the tested box), ``{"N": (0, 20), ...}`` (nutrients not named
            keep their tested range), or ``None`` for the unconstrained stationary point.

        Returns
        -------
        SurfaceOptimum

        Warns
        -----
        ExtrapolationWarning
            If the returned rates lie outside the tested region.

        Notes
        -----
        For a second-order surface the maximum within the box is computed exactly by
        enumerating the faces of the box and solving the stationarity (KKT) conditions
        on each (module :mod:`fertopt.surface.poly`); this is exact for concave and for
        saddle-shaped surfaces alike.  Surfaces with higher-order terms (``N:P:K``) are
        maximised numerically from a grid of starts and polished by Newton's method on
        the KKT conditions.
        """
        return _surface_optimum.optimise(
            self, self.poly, bounds, kind="agronomic", crop=None, prices=None
        )

    def optimum(self, *, prices: Any = None, bounds: Any = "tested") -> SurfaceOptimum:
        """Economic optimum: the rates maximising net return within ``bounds``.

        Net return = crop price × predicted response − Σ nutrient price × rate.  Without
        prices this is :meth:`maximum`.

        Parameters
        ----------
        prices : fertopt.Prices or mapping
            Crop price per unit of response and a price per unit of every nutrient in the
            surface, in the units of the data, e.g. ``{"crop": 2.8, "N": 6.25, "P2O5": 4.67,
            "K2O": 10.4}``.
        bounds : "tested", mapping or None
            As for :meth:`maximum`.

        Returns
        -------
        SurfaceOptimum

        Raises
        ------
        OptionError
            If a nutrient of the surface has no price, or a price is not a positive number.

        Warns
        -----
        PriceWarning
            Units of the data not declared and the optimum at the lowest tested rates
            although the surface responds by 10 % or more, or far beyond the tested rates:
            the likely unit mismatch and its fix (also in ``unit_warning``).
        DesignWarning
            The surface interpolates the data exactly (no residual degrees of freedom): the
            optimum is reported with ``interpolates=True`` and is not recommended.

        Notes
        -----
        At an interior optimum the marginal products equal the price ratios:
        ``∂Y/∂x_i = p_i / p_crop`` (for a quadratic, ``x* = ½ B⁻¹ (r − b)``).  The
        constrained problem is solved exactly as in :meth:`maximum`.
        """
        if prices is None:
            return _surface_optimum.optimise(
                self, self.poly, bounds, kind="agronomic", crop=None, prices=None
            )
        crop, nutrient_prices, money = resolve_surface_prices(
            prices, self.nutrients, self.response_unit, self.rate_units
        )
        costs = np.array([nutrient_prices[n] for n in self.nutrients])
        objective = self.poly.minus_costs(crop, costs)
        return _surface_optimum.optimise(
            self, objective, bounds, kind="economic", crop=crop, prices=nutrient_prices, money=money
        )

    # -- typicality -------------------------------------------------------------
    def typicality(
        self,
        *,
        prices: Any = None,
        alpha: float = 0.05,
        strict_signs: bool = False,
        ck_yield: float | None = None,
    ) -> TypicalityResult:
        """Typical/atypical verdict with every failed rule named.

        Rules (anchors of 3414 practice, with response-surface theory):

        1. the regression is significant (F test of the ANOVA at ``alpha``);
        2. sign pattern: every linear (or square-root) coefficient > 0 and every squared
           (or linear, for square-root surfaces) coefficient < 0;
        3. the quadratic part is negative definite (a maximum exists);
        4. the stationary point and, with prices, the economic optimum lie in
           (0, highest tested rate] for every nutrient;
        5. the predicted yield at the optimum (economic with prices, else the maximum)
           exceeds the no-fertilizer (CK) yield.

        Parameters
        ----------
        prices : fertopt.Prices or mapping, optional
            When given, rule 4 and 5 also check the economic optimum.
        alpha : float, default 0.05
            Significance level of rule 1.
        strict_signs : bool, default False
            Rule 2 decides the verdict only when True.  With product terms the signs of the
            single coefficients do not determine the shape (rules 3–5 do), so by default a
            sign failure is reported but does not make the surface atypical.
        ck_yield : float, optional
            No-fertilizer yield for rule 5 (default: ``self.ck_yield``).

        Returns
        -------
        TypicalityResult

        Raises
        ------
        DesignError
            For a fitted surface without residual degrees of freedom: it interpolates the
            data exactly, and no rule can be judged.
        """
        return _surface_typicality.typicality(
            self, prices=prices, alpha=alpha, strict_signs=strict_signs, ck_yield=ck_yield
        )

    # -- one point ----------------------------------------------------------------
    def assess(self, rates: Mapping[str, float], *, prices: Any = None) -> SurfacePoint:
        """Audit one rate combination: predicted response, marginal products, inside or not.

        Useful for a published "optimum": ``surf.assess({"N": 13.2, "P2O5": 8, "K2O": 21})``.

        Returns
        -------
        SurfacePoint
        """
        return _surface_point.assess(self, rates, prices=prices)

    def ridge(self, radii: Sequence[float] | None = None) -> pd.DataFrame:
        """Ridge analysis table (see :meth:`canonical`), computed whatever the kind."""
        _surface_canonical.need_second_order(self, "Ridge analysis")
        if self.bounds is None:
            raise OptionError(
                "ridge analysis needs the tested region; give bounds= to surface_from_coefficients."
            )
        return _surface_canonical.ridge_table(self, radii)[0]

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Contour plot of the surface; see :func:`fertopt.plotting.plot_surface`."""
        from fertopt import plotting

        return plotting.plot_surface(self, ax=ax, **kwargs)

    # -- display ----------------------------------------------------------------
    def _headline(self, lang: str = "en") -> str:
        k = len(self.nutrients)
        if lang == "en":
            family = {"quadratic": "quadratic", "square_root": "square-root"}.get(self.model, "")
            name = f"{NAMES_BY_K.get(k, f'{k}-nutrient')} {family} surface".replace("  ", " ")
        else:
            family = label(f"sf_family_{self.model}", lang)
            name = label("sf_name", lang, k=ZH_COUNT.get(k, str(k)), family=family)
        nutrients = ", ".join(self.nutrients)
        if self.selection == "published":
            return label(
                "sf_headline_published", lang, name=name, nutrients=nutrients, k=len(self.terms)
            )
        reg = self.anova[self.anova["source"] == "regression"]
        test = ""
        if len(reg) and np.isfinite(reg["f"].iloc[0]):
            p_shown = p_text(reg["p"].iloc[0]).replace(" ", "")
            test = (
                f" | F({int(reg['df'].iloc[0])},{self.df_resid})="
                f"{format_number(reg['f'].iloc[0], 3)} {p_shown}"
            )
        return label(
            "sf_headline",
            lang,
            name=name,
            nutrients=nutrients,
            k=len(self.terms),
            r2=format_number(self.r_squared, 3),
            test=test,
        )

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks of :meth:`summary`, by name, in order.

        ``model`` (response, nutrients, model, terms chosen, plots, rate combinations,
        blocks, tested region, CK yield), ``fit`` (R² with adjusted R², residual SD,
        the F test of the regression; not for a published surface),
        ``coefficients``, ``anova`` (the regression ANOVA, when there is one),
        ``steps`` (stepwise log, when stepwise) and ``warnings``.  A trial report
        embeds ``fit``, ``coefficients`` and ``anova`` as they are.
        """
        lang = check_lang(lang)

        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        model = self.model if lang == "en" else t(f"sf_family_{self.model}")
        about = [
            (t("sm_response"), str(self.response)),
            (t("sf_nutrients"), ", ".join(self.nutrients)),
            (t("rf_model"), model),
            (
                t("sf_terms_chosen"),
                self.selection if lang == "en" else t(f"sf_sel_{self.selection}"),
            ),
        ]
        if self.selection == "stepwise":
            about.append(
                (
                    t("sf_stepwise"),
                    t(
                        "sf_stepwise_text",
                        enter=format_number(self.f_enter),
                        remove=format_number(self.f_remove),
                        hierarchy=t("sf_kept" if self.hierarchy else "sf_not_enforced"),
                    ),
                )
            )
        if self.selection != "published":
            about += [
                (t("rf_plots"), t("sf_plots_text", n=self.n_obs, d=self.n_dropped)),
                (t("sf_combinations"), str(self.n_support)),
                (t("rf_blocks"), str(self.n_blocks) if self.n_blocks else t("none")),
            ]
        if self.bounds:
            region = ", ".join(
                f"{n} {format_number(a)}–{format_number(b)}" for n, (a, b) in self.bounds.items()
            )
            about.append((t("sf_tested_region"), region))
        if self.ck_yield is not None:
            source = self.ck_source if lang == "en" else t(f"sf_ck_{self.ck_source}")
            about.append(
                (
                    t("sf_ck_yield"),
                    t("sf_ck_text", y=format_number(self.ck_yield, digits + 1), source=source),
                )
            )
        parts: dict[str, Any] = {"model": Facts(about)}
        if self.selection != "published":
            parts["fit"] = Facts(self._fit_facts(digits, lang))
        words = {"term": lambda v: model_words(str(v), lang)}
        parts["coefficients"] = localized_table(
            self.coefficients,
            lang,
            title=t("sf_coefficients"),
            formats={"p": "p"},
            labels={c: t(f"coef_{c}") for c in self.coefficients.columns},
            cells=words,
            keys={"term": "coef_term"},
        )
        if len(self.anova):
            anova = self.anova.assign(source=[t(f"src_{v}") for v in self.anova["source"]])
            parts["anova"] = localized_table(
                anova,
                lang,
                title=t("sf_anova"),
                formats={"p": "p", "df": "int", "f": "f"},
                labels={k: t(k) for k in ("source", "df", "ss", "ms", "f", "p")},
            )
        if len(self.steps):
            parts["steps"] = localized_table(
                self.steps, lang, title=t("sf_steps"), formats={"p": "p"}
            )
        parts["warnings"] = warnings_notes(self.warnings, lang)
        return parts

    def _fit_facts(self, digits: int, lang: str) -> list[tuple[str, str]]:
        """R² with adjusted R² (4 decimals, as the ANOVA's R²), residual SD, the regression F."""
        facts = [
            (
                label("r_squared", lang),
                label(
                    "r2_adjusted_text",
                    lang,
                    r2=f"{self.r_squared:.4f}",
                    adj=f"{self.adj_r_squared:.4f}",
                ),
            ),
            (
                label("rf_residual_sd", lang),
                label("rf_on_df", lang, x=format_number(self.sigma, digits), df=self.df_resid),
            ),
        ]
        reg = self.anova.loc[self.anova["source"] == "regression"]
        if len(reg) and np.isfinite(reg["f"].iloc[0]):
            row = reg.iloc[0]
            facts.append(
                (
                    label("regression_f", lang),
                    f_test_text(
                        format_number(row["df"]),
                        format_number(self.df_resid),
                        f"{row['f']:.2f}",
                        row["p"],
                    ),
                )
            )
        return facts

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        return Summary(
            label("sf_title", lang),
            list(self.summary_parts(digits, lang).values()),
            headline=self._headline(lang),
            digits=digits,
        )
