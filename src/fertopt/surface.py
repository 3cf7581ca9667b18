"""N-P-K response surfaces: fitting, canonical analysis, optima and typicality.

:func:`fit_surface` fits a binary or ternary quadratic (or square-root)
surface to plot data, with all terms, a given term list, or stepwise
selection; :func:`surface_from_coefficients` wraps a published equation.
Both return a :class:`SurfaceFit`, which answers the questions an analyst
asks of a fertilizer-effect function:

* :meth:`SurfaceFit.canonical` – is there a maximum at all (eigenvalues of
  the quadratic part), where is the stationary point, is it inside the tested
  region; ridge analysis when it is not;
* :meth:`SurfaceFit.maximum` and :meth:`SurfaceFit.optimum` – the highest
  yield or net return inside bounds (the tested box by default), which
  bounds bind, and the unconstrained solution alongside;
* :meth:`SurfaceFit.typicality` – the typical/atypical verdict of 3414
  practice with every failed rule named;
* :meth:`SurfaceFit.assess` – audit one rate combination (a published
  "optimum", say).

Terms are named ``intercept``, ``N``, ``N^2``, ``N:P2O5``, ``sqrt(N)``
(and ``N:P2O5:K2O`` for a three-way product).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _polysurface as _ps
from ._formatting import Facts, Notes, ResultBase, Summary, Table, format_number
from ._surface_design import check_identifiable, matrix_rank
from ._surface_fit import _block_columns, _ols, _prepare, _resolve_rates, _resolve_units, _sse, _stepwise
from ._surface_results import (
    CanonicalResult,
    SurfaceOptimum,
    SurfacePoint,
    TypicalityResult,
    _optimum_message,
    _p_text,
    _positive,
    _rates_text,
    _resolve_prices,
    _shape,
)
from ._validation import check_choice, check_nan_policy, check_probability, require_frame
from .exceptions import DataError, DesignError, DesignWarning, ExtrapolationWarning, FertoptError

__all__ = [
    "fit_surface",
    "surface_from_coefficients",
    "SurfaceFit",
    "CanonicalResult",
    "SurfaceOptimum",
    "TypicalityResult",
    "SurfacePoint",
]

_NAMES_BY_K = {1: "univariate", 2: "binary", 3: "ternary"}
_TOL = 1e-9


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
    r2, adj_r2, rmse : float
        Coefficient of determination (of the whole model, blocks included, as R's
        ``summary.lm``), its adjusted form and the residual standard deviation.
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
    r2: float
    adj_r2: float
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

    # -- basic pieces -----------------------------------------------------------
    @cached_property
    def _poly(self) -> _ps.Poly:
        return _ps.Poly.from_powers(self._powers, self.coefficients["estimate"].to_numpy(dtype=float))

    @property
    def params(self) -> dict[str, float]:
        """Coefficients as a ``{term: estimate}`` dictionary."""
        return dict(zip(self.coefficients["term"], self.coefficients["estimate"].astype(float), strict=True))

    @property
    def second_order(self) -> bool:
        """Whether the surface is a second-order polynomial in its working scale."""
        return self._poly.degree <= 2

    @property
    def scale(self) -> str:
        return "square root of rate" if self._poly.root.any() else "rate"

    def _x(self, rates: Any) -> tuple[np.ndarray, bool]:
        """Rates as an (n, k) array from a mapping, a frame or a sequence."""
        if isinstance(rates, pd.DataFrame):
            missing = [n for n in self.nutrients if n not in rates.columns and self.columns.get(n) not in rates.columns]
            if missing:
                raise FertoptError(
                    f"the rates lack {', '.join(missing)}; give a column for each of "
                    f"{', '.join(self.nutrients)}."
                )
            cols = [rates[n] if n in rates.columns else rates[self.columns[n]] for n in self.nutrients]
            return np.column_stack([np.asarray(c, dtype=float) for c in cols]), False
        if isinstance(rates, Mapping):
            missing = [n for n in self.nutrients if n not in rates]
            if missing:
                raise FertoptError(
                    f"the rates lack {', '.join(missing)}; give a rate for each of {', '.join(self.nutrients)}."
                )
            arrays = [np.atleast_1d(np.asarray(rates[n], dtype=float)) for n in self.nutrients]
            single = all(np.ndim(rates[n]) == 0 for n in self.nutrients)
            return np.column_stack(np.broadcast_arrays(*arrays)), single
        arr = np.asarray(rates, dtype=float)
        if arr.ndim == 1 and arr.shape[0] == len(self.nutrients):
            return arr[None, :], True
        if arr.ndim == 2 and arr.shape[1] == len(self.nutrients):
            return arr, False
        raise FertoptError(f"rates must give one value for each of {', '.join(self.nutrients)}.")

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
        x, single = self._x(rates)
        if np.any(x < 0):
            raise DataError("rates cannot be negative.")
        fitted = _ps.design_columns(self._powers, x) @ self.coefficients["estimate"].to_numpy(dtype=float)
        if interval == "none":
            return float(fitted[0]) if single else fitted
        if self._cov is None or not np.all(np.isfinite(self._cov)):
            raise FertoptError(
                "this surface has no coefficient covariance (a published equation, or a fit "
                "without residual degrees of freedom), so no interval can be computed."
            )
        from scipy import stats

        cols = _ps.design_columns(self._powers, x)
        var = np.einsum("ij,jk,ik->i", cols, self._cov, cols)
        if interval == "prediction":
            var = var + self.rmse**2
        t = stats.t.ppf(0.5 + self.confidence_level / 2, self.df_resid)
        out = pd.DataFrame(x, columns=list(self.nutrients))
        out["fitted"] = fitted
        out["lower"] = fitted - t * np.sqrt(var)
        out["upper"] = fitted + t * np.sqrt(var)
        return out

    # -- region -----------------------------------------------------------------
    def _box(self, bounds: Any, *, allow_none: bool = False) -> tuple[np.ndarray, np.ndarray] | None:
        if bounds is None and allow_none:
            return None
        if isinstance(bounds, str):
            check_choice(bounds, "bounds", ("tested",))
            if self.bounds is None:
                raise FertoptError(
                    "the tested region of this surface is unknown; give bounds= to "
                    "surface_from_coefficients, or pass bounds={'N': (low, high), ...} here."
                )
            lo = np.array([self.bounds[n][0] for n in self.nutrients], dtype=float)
            hi = np.array([self.bounds[n][1] for n in self.nutrients], dtype=float)
            return lo, hi
        if isinstance(bounds, Mapping):
            unknown = [k for k in bounds if k not in self.nutrients]
            if unknown:
                raise FertoptError(
                    f"bounds name {', '.join(map(str, unknown))}, which the surface does not have; "
                    f"its nutrients are {', '.join(self.nutrients)}."
                )
            lo, hi = [], []
            for n in self.nutrients:
                if n in bounds:
                    pair = bounds[n]
                elif self.bounds is not None:
                    pair = self.bounds[n]
                else:
                    raise FertoptError(
                        f"bounds lack {n}, and the tested region is unknown; give bounds for every nutrient."
                    )
                try:
                    a, b = (float(v) for v in pair)
                except (TypeError, ValueError):
                    raise FertoptError(f"bounds for {n} must be a pair (low, high), got {pair!r}.") from None
                if not (math.isfinite(a) and math.isfinite(b)) or a < 0 or b < a:
                    raise FertoptError(
                        f"bounds for {n} must satisfy 0 ≤ low ≤ high, got "
                        f"({format_number(a)}, {format_number(b)}); "
                        "fertilizer rates cannot be negative."
                    )
                lo.append(a)
                hi.append(b)
            return np.array(lo), np.array(hi)
        raise FertoptError(
            f"bounds={bounds!r} is not valid; use 'tested', None (unconstrained) or a "
            "mapping {'N': (low, high), ...}."
        )

    def _outside(self, x: np.ndarray) -> tuple[str, ...]:
        out = []
        for n, v in zip(self.nutrients, x, strict=True):
            if v < 0 and not (v > -_TOL * (1 + abs(v))):
                out.append(f"{n} = {format_number(v, 4)} is negative, which is not a rate")
            elif self.bounds is not None:
                lo, hi = self.bounds[n]
                if v > hi + _TOL * max(1.0, abs(hi)):
                    out.append(f"{n} = {format_number(v, 4)} is above the highest tested rate {format_number(hi, 6)}")
                elif v < lo - _TOL * max(1.0, abs(lo)):
                    out.append(f"{n} = {format_number(v, 4)} is below the lowest tested rate {format_number(lo, 6)}")
        return tuple(out)

    def _coded_half(self) -> tuple[np.ndarray, np.ndarray]:
        """Centre and half-width of the tested box on the working scale (unit box if unknown)."""
        if self.bounds is None:
            k = len(self.nutrients)
            return np.zeros(k), np.ones(k)
        lo = self._poly.to_z(np.array([self.bounds[n][0] for n in self.nutrients]))
        hi = self._poly.to_z(np.array([self.bounds[n][1] for n in self.nutrients]))
        return (lo + hi) / 2, np.where(hi > lo, (hi - lo) / 2, 1.0)

    def _need_second_order(self, what: str) -> None:
        if not self.second_order:
            high = [t for t, e in zip(self.terms, self._poly.exps, strict=True) if e.sum() > 2]
            raise FertoptError(
                f"{what} needs a second-order surface; this one has the higher-order term(s) "
                f"{', '.join(high)}. Use maximum() or optimum(), which handle any polynomial surface."
            )

    # -- canonical analysis -----------------------------------------------------
    def canonical(self, *, ridge_tol: float = 1e-3, radii: Sequence[float] | None = None) -> CanonicalResult:
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
        FertoptError
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
        self._need_second_order("Canonical analysis")
        poly = self._poly
        c0, g, h = poly.quadratic_form()
        center, half = self._coded_half()
        shape = _shape(g, h, half, float(ridge_tol))
        k = len(self.nutrients)
        eigen = pd.DataFrame({"axis": np.arange(1, k + 1), "eigenvalue": shape["eigenvalues"],
                              "coded_eigenvalue": shape["coded_eigenvalues"]})
        for i, n in enumerate(self.nutrients):
            eigen[n] = shape["eigenvectors"][i, :]
        z_s = shape["z"]
        notes = []
        if z_s is not None:
            x_s = poly.to_x(z_s)
            negative_root = bool(np.any(poly.root & (z_s < -_TOL)))
            point = dict(zip(self.nutrients, map(float, x_s), strict=True))
            value = float(poly.value(z_s))
            outside = self._outside(np.where(poly.root & (z_s < 0), -x_s, x_s))
            if negative_root:
                outside = outside + ("the stationary point lies at a negative square root, which no rate can reach",)
            inside = not outside
        else:
            point, value, outside, inside = None, None, ("there is no stationary point (a rising ridge)",), False
        kind = shape["kind"]
        if kind == "maximum":
            msg = "The quadratic part is negative definite, so the surface has a single maximum"
            msg += " inside the tested region." if inside else (
                ", but it lies outside the tested region: " + "; ".join(outside) + ". Rates there are "
                "extrapolation; see the ridge analysis and the constrained maximum()."
            )
        elif kind == "saddle":
            msg = (
                "The quadratic part has eigenvalues of both signs: the stationary point is a saddle, "
                "not a maximum. The response rises without bound along the eigen-direction(s) with a "
                "positive eigenvalue, so the surface has no finite maximum and solving "
                "'gradient = 0' or 'gradient = price ratio' gives no optimum. Within the tested region "
                "the highest response lies on its boundary (see maximum())."
            )
        elif kind == "minimum":
            msg = (
                "The quadratic part is positive definite: the stationary point is a minimum and the "
                "surface has no maximum (convex response). Within the tested region the highest "
                "response lies at a corner (see maximum())."
            )
        elif shape["has_max"]:
            msg = (
                "The quadratic part is singular (a stationary ridge): the maximum is reached along a "
                "line or plane, so no single maximum exists; the point shown is the one nearest the "
                "design centre."
            )
        else:
            msg = (
                "The quadratic part is singular or flat with the response still rising along it "
                "(a rising ridge): the surface has no finite maximum."
            )
        if kind == "maximum":
            small = np.abs(shape["coded_eigenvalues"])
            if small.min() < 0.05 * small.max():
                notes.append(
                    "One eigenvalue is less than 5 % of the largest (coded units): the maximum is "
                    "poorly determined along that eigen-direction (close to a ridge)."
                )
        ridge = None
        if not (kind == "maximum" and inside) and self.bounds is not None:
            if radii is None:
                top = math.ceil(math.sqrt(k) * 10 - 1e-9) / 10
                radii = np.round(np.arange(0.0, top + 1e-9, 0.1), 10)
            zr, vr, _mu = _ps.ridge_path(c0, g, h, center, half, radii)
            xr = poly.to_x(zr)
            ridge = pd.DataFrame({"radius": np.asarray(radii, dtype=float)})
            for i, n in enumerate(self.nutrients):
                ridge[n] = xr[:, i]
            ridge["predicted"] = vr
            lo = np.array([self.bounds[n][0] for n in self.nutrients])
            hi = np.array([self.bounds[n][1] for n in self.nutrients])
            ok_root = np.all(~poly.root | (zr >= -_TOL), axis=1)
            within = (xr >= lo - _TOL * (1 + np.abs(lo))) & (xr <= hi + _TOL * (1 + np.abs(hi)))
            ridge["inside"] = np.all(within, axis=1) & ok_root
        return CanonicalResult(
            kind=kind,
            has_maximum=bool(shape["has_max"]),
            stationary_point=point,
            stationary_yield=value,
            inside=inside,
            outside=outside,
            eigen=eigen,
            scale=self.scale,
            ridge=ridge,
            message=msg,
            warnings=tuple(notes),
        )

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
        on each (module :mod:`fertopt._polysurface`); this is exact for concave and for
        saddle-shaped surfaces alike.  Surfaces with higher-order terms (``N:P:K``) are
        maximised numerically from a grid of starts and polished by Newton's method on
        the KKT conditions.
        """
        return self._optimise(self._poly, bounds, kind="agronomic", crop=None, prices=None)

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
        FertoptError
            If a nutrient of the surface has no price, or a price is not a positive number.

        Notes
        -----
        At an interior optimum the marginal products equal the price ratios:
        ``∂Y/∂x_i = p_i / p_crop`` (for a quadratic, ``x* = ½ B⁻¹ (r − b)``).  The
        constrained problem is solved exactly as in :meth:`maximum`.
        """
        if prices is None:
            return self._optimise(self._poly, bounds, kind="agronomic", crop=None, prices=None)
        crop, nutrient_prices, money = _resolve_prices(prices, self.nutrients, self.response_unit, self.rate_units)
        costs = np.array([nutrient_prices[n] for n in self.nutrients])
        objective = self._poly.minus_costs(crop, costs)
        return self._optimise(objective, bounds, kind="economic", crop=crop, prices=nutrient_prices, money=money)

    def _optimise(self, objective: _ps.Poly, bounds: Any, *, kind: str, crop: float | None,
                  prices: dict[str, float] | None, money: str | None = None) -> SurfaceOptimum:
        poly = self._poly
        box = self._box(bounds, allow_none=True)
        center, half = self._coded_half()
        notes: list[str] = []
        # unconstrained stationary point of the objective and its kind
        if box is not None:
            lo, hi = box
            zlo, zhi = poly.to_z(lo), poly.to_z(hi)
        else:
            lo = hi = None
        if objective.degree <= 2:
            method = "kkt_faces"
            c0, g, h = objective.quadratic_form()
            shape = _shape(g, h, half, 1e-3)
            u_kind, has_max, z_u = shape["kind"], shape["has_max"], shape["z"]
            if box is not None:
                z, _v, side = _ps.box_qp_max(c0, g, h, zlo, zhi)
        else:
            method = "numeric"
            starts = [center]
            if box is not None:
                z, _v, side = _ps.poly_box_max(objective, zlo, zhi)
                starts = [z, center]
            z_u = _ps.poly_stationary(objective, starts)
            u_kind, has_max = None, False
            if z_u is not None:
                lam = np.linalg.eigvalsh(objective.hess(z_u))
                big = float(np.abs(lam).max(initial=0.0))
                pos, neg = lam > 1e-9 * big, lam < -1e-9 * big
                u_kind = ("saddle" if pos.any() and neg.any() else "ridge" if not (pos | neg).all()
                          else "maximum" if neg.all() else "minimum")
                has_max = u_kind == "maximum"
            notes.append(
                "The surface has terms above second order: the optimum was found numerically, and "
                "the kind of the unconstrained stationary point is local (from the curvature there)."
            )
        if box is None:
            side = np.zeros(len(self.nutrients), dtype=int)
            z = z_u if (has_max and z_u is not None) else None
        x = poly.to_x(z) if z is not None else None
        rates = dict(zip(self.nutrients, map(float, x), strict=True)) if x is not None else None
        # unconstrained solution for reporting
        if z_u is not None:
            x_u = poly.to_x(z_u)
            neg_root = bool(np.any(poly.root & (z_u < -_TOL)))
            u_outside = self._outside(np.where(poly.root & (z_u < 0), -x_u, x_u))
            u_inside = not u_outside and not neg_root
            u_rates = dict(zip(self.nutrients, map(float, x_u), strict=True))
            u_yield = float(poly.value(z_u))
        else:
            u_rates, u_yield, u_inside, u_outside = None, None, False, ()
        # binding table and marginal values at the solution
        rows = []
        for i, n in enumerate(self.nutrients):
            marginal = math.nan
            if z is not None:
                dz = objective.grad(z)[i]
                if poly.root[i]:
                    marginal = dz / (2 * z[i]) if z[i] > 0 else (math.inf if dz > 0 else -math.inf if dz < 0 else 0.0)
                else:
                    marginal = dz
            rows.append({
                "nutrient": n,
                "lower": float(lo[i]) if lo is not None else math.nan,
                "upper": float(hi[i]) if hi is not None else math.nan,
                "rate": float(x[i]) if x is not None else math.nan,
                "at_bound": {-1: "lower", 1: "upper"}.get(int(side[i]), "") if box is not None else "",
                "marginal": float(marginal),
            })
        binding = pd.DataFrame(rows, columns=["nutrient", "lower", "upper", "rate", "at_bound", "marginal"])
        scale_m = max(1.0, float(np.abs(binding["marginal"].replace([np.inf, -np.inf], np.nan).fillna(0)).max()))
        strictly = [
            r for r in rows
            if (r["at_bound"] == "upper" and r["marginal"] > 1e-9 * scale_m)
            or (r["at_bound"] == "lower" and r["marginal"] < -1e-9 * scale_m)
        ]
        outside = self._outside(x) if x is not None else ()
        extrapolated = bool(outside)
        if u_kind == "saddle":
            status = "saddle"
        elif not has_max:
            status = "no_maximum"
        elif extrapolated:
            status = "extrapolated"
        elif strictly:
            status = "at_bound"
        else:
            status = "ok"
        if u_kind == "ridge" and has_max:
            notes.append("The maximum is not unique (a stationary ridge): other rates give the same value.")
        what = "yield" if kind == "agronomic" else "net return"
        msg = _optimum_message(status, what, strictly, u_kind, u_rates, u_outside, outside, box is None)
        y_at = float(poly.value(z)) if z is not None else None
        cost = float(sum(prices[n] * rates[n] for n in self.nutrients)) if (prices and rates) else None
        y0 = float(poly.value(np.zeros(len(self.nutrients))))
        net = (crop * (y_at - y0) - cost) if (crop is not None and y_at is not None and cost is not None) else None
        if extrapolated:
            text = f"The {what} optimum lies outside the tested region: " + "; ".join(outside) + "."
            notes.append(text)
            warnings.warn(text, ExtrapolationWarning, stacklevel=3)
        return SurfaceOptimum(
            kind=kind,
            status=status,
            rates=rates,
            yield_at_rates=y_at,
            net_return=net,
            fertilizer_cost=cost,
            extrapolated=extrapolated,
            binding=binding,
            bounds=(None if box is None else
                    {n: (float(a), float(b)) for n, a, b in zip(self.nutrients, lo, hi, strict=True)}),
            unconstrained_rates=u_rates,
            unconstrained_yield=u_yield,
            unconstrained_kind=u_kind,
            unconstrained_inside=u_inside,
            crop_price=crop,
            nutrient_prices=prices,
            price_ratios=(None if prices is None else {n: prices[n] / crop for n in self.nutrients}),
            net_return_unit=money,
            method=method,
            message=msg,
            warnings=tuple(notes),
        )

    # -- typicality -------------------------------------------------------------
    def typicality(self, *, prices: Any = None, alpha: float = 0.05, strict_signs: bool = False,
                   ck_yield: float | None = None) -> TypicalityResult:
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
        """
        alpha = check_probability(alpha, "alpha")
        poly = self._poly
        rules: list[dict[str, Any]] = []

        def add(no: int, name: str, passed: bool | None, deciding: bool, detail: str) -> None:
            rules.append({"rule": no, "name": name, "passed": passed, "deciding": deciding, "detail": detail})

        # 1 significance
        reg = self.anova[self.anova["source"] == "regression"] if len(self.anova) else self.anova
        if len(reg) and np.isfinite(reg["p"].iloc[0]):
            p = float(reg["p"].iloc[0])
            add(1, "regression significant", p < alpha, True,
                f"F({int(reg['df'].iloc[0])}, {self.df_resid}) = {format_number(reg['f'].iloc[0], 4)}, "
                f"{_p_text(p)} ({'<' if p < alpha else '≥'} {alpha:g})")
        else:
            add(1, "regression significant", None, True,
                "not assessed: no ANOVA (a published equation or no residual degrees of freedom)")
        # 2 signs
        params = self.params
        bad = []
        for n, r in zip(self.nutrients, poly.root, strict=True):
            lin, sq = (f"sqrt({n})", n) if r else (n, f"{n}^2")
            b, c = params.get(lin, 0.0), params.get(sq, 0.0)
            if not b > 0:
                bad.append(f"{lin} = {format_number(b, 4)} (not > 0)" if lin in params else f"no {lin} term")
            if not c < 0:
                bad.append(f"{sq} = {format_number(c, 4)} (not < 0)" if sq in params else f"no {sq} term")
        add(2, "sign pattern", not bad, bool(strict_signs),
            "linear terms > 0 and squared terms < 0" if not bad else "; ".join(bad))
        # 3 curvature
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExtrapolationWarning)
            if self.second_order:
                c0, g, h = poly.quadratic_form()
                lam = np.linalg.eigvalsh(h)
                neg_def = bool(np.all(lam < 0))
                add(3, "negative definite", neg_def, True,
                    "eigenvalues of the quadratic part: " + ", ".join(format_number(v, 4) for v in lam))
                maximum = self.maximum(bounds=None) if neg_def else None
            else:
                maximum = self.maximum(bounds=None)
                neg_def = maximum.unconstrained_kind == "maximum"
                add(3, "negative definite", neg_def, True,
                    "surface above second order: the stationary point is a local "
                    f"{maximum.unconstrained_kind or 'none (not found)'}")
                if not neg_def:
                    maximum = None
        points: list[tuple[str, dict[str, float] | None, float | None]] = []
        if maximum is not None:
            points.append(("stationary point", maximum.rates, maximum.yield_at_rates))
        econ = None
        if prices is not None and neg_def:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ExtrapolationWarning)
                econ = self.optimum(prices=prices, bounds=None)
            points.append(("economic optimum", econ.rates, econ.yield_at_rates))
        elif prices is not None:
            _resolve_prices(prices, self.nutrients, self.response_unit, self.rate_units)
        if not neg_def:
            add(4, "optimum in (0, top rate]", None, True, "not assessed: the surface has no maximum (rule 3)")
            add(5, "optimum yield above CK", None, True, "not assessed: the surface has no maximum (rule 3)")
        else:
            issues = []
            for label, rates, _ in points:
                if rates is None:
                    issues.append(f"{label}: none exists")
                    continue
                for n, v in rates.items():
                    top = self.bounds[n][1] if self.bounds else math.inf
                    if not v > 0:
                        issues.append(f"{label}: {n} = {format_number(v, 4)} ≤ 0")
                    elif v > top * (1 + _TOL):
                        issues.append(f"{label}: {n} = {format_number(v, 4)} > top tested rate {format_number(top, 6)}")
            add(4, "optimum in (0, top rate]", not issues, True,
                "; ".join(issues) if issues else "; ".join(f"{lab}: {_rates_text(r)}" for lab, r, _ in points))
            label, rates, y_opt = points[-1]
            if ck_yield is not None:
                ck, ck_source = _positive(ck_yield, "ck_yield", allow_zero=True), "given"
            elif self.ck_yield is not None:
                ck, ck_source = self.ck_yield, self.ck_source
            else:
                ck, ck_source = float(poly.value(np.zeros(len(self.nutrients)))), "predicted"
            if y_opt is None:
                add(5, "optimum yield above CK", False, True, f"{label}: none exists")
            else:
                ok = y_opt > ck
                add(5, "optimum yield above CK", ok, True,
                    f"{label} yield {format_number(y_opt, 6)} {'>' if ok else '≤'} CK yield "
                    f"{format_number(ck, 6)} ({ck_source})")
        table = pd.DataFrame(rules, columns=["rule", "name", "passed", "deciding", "detail"])
        table = table.sort_values("rule", kind="stable").reset_index(drop=True)
        table["passed"] = table["passed"].astype(object)
        failed = tuple(r["name"] for r in rules if r["passed"] is False)
        deciding_failed = any(r["passed"] is False and r["deciding"] for r in rules)
        notes = []
        if any(r["passed"] is None and r["rule"] == 1 for r in rules):
            notes.append("Regression significance was not assessed (no ANOVA).")
        if any(r["passed"] is False and not r["deciding"] for r in rules):
            notes.append("The sign pattern failed; with product terms this alone does not decide the shape.")
        typical = not deciding_failed and bool(neg_def)
        return TypicalityResult(
            typical=typical,
            verdict="typical" if typical else "atypical",
            rules=table,
            failed=failed,
            warnings=tuple(notes),
        )

    # -- one point ----------------------------------------------------------------
    def assess(self, rates: Mapping[str, float], *, prices: Any = None) -> SurfacePoint:
        """Audit one rate combination: predicted response, marginal products, inside or not.

        Useful for a published "optimum": ``surf.assess({"N": 13.2, "P2O5": 8, "K2O": 21})``.

        Returns
        -------
        SurfacePoint
        """
        x, _ = self._x(rates)
        x = x[0]
        poly = self._poly
        z = poly.to_z(x)
        value = float(poly.value(z))
        gz = poly.grad(z)
        marg = {}
        for i, n in enumerate(self.nutrients):
            if not poly.root[i]:
                marg[n] = float(gz[i])
            else:  # dY/dx = dY/dz / (2 z): infinite at a square-root term's zero rate
                marg[n] = float(gz[i] / (2 * z[i])) if z[i] > 0 else math.inf
        violations = self._outside(x)
        net = marg_net = None
        if prices is not None:
            crop, nprice, _money = _resolve_prices(prices, self.nutrients, self.response_unit, self.rate_units)
            y0 = float(poly.value(np.zeros(len(self.nutrients))))
            net = crop * (value - y0) - sum(nprice[n] * x[i] for i, n in enumerate(self.nutrients))
            marg_net = {n: crop * marg[n] - nprice[n] for n in self.nutrients}
        gmax = max(abs(v) for v in (marg_net or marg).values() if math.isfinite(v)) if marg else 0.0
        stationary = gmax <= 1e-6 * max(1.0, abs(value))
        target = "net return" if prices is not None else "response"
        msg = (f"The {target} is stationary here (all marginal values are zero)." if stationary
               else f"This point is not a stationary point of the {target}: its marginal values are not all zero.")
        if self.second_order:
            kind = self.canonical().kind
            if kind != "maximum":
                msg += f" The surface is a {kind}, so no rate combination is a maximum of it."
        msg += (" It lies inside the tested region." if not violations
                else " It lies outside the tested region: " + "; ".join(violations) + ".")
        return SurfacePoint(
            rates=dict(zip(self.nutrients, map(float, x), strict=True)),
            predicted=value,
            inside=not violations,
            violations=violations,
            marginal=marg,
            net_return=net,
            marginal_net=marg_net,
            message=msg,
        )

    def ridge(self, radii: Sequence[float] | None = None) -> pd.DataFrame:
        """Ridge analysis table (see :meth:`canonical`), computed whatever the kind."""
        self._need_second_order("Ridge analysis")
        if self.bounds is None:
            raise FertoptError("ridge analysis needs the tested region; give bounds= to surface_from_coefficients.")
        k = len(self.nutrients)
        if radii is None:
            top = math.ceil(math.sqrt(k) * 10 - 1e-9) / 10
            radii = np.round(np.arange(0.0, top + 1e-9, 0.1), 10)
        c0, g, h = self._poly.quadratic_form()
        center, half = self._coded_half()
        zr, vr, _ = _ps.ridge_path(c0, g, h, center, half, radii)
        xr = self._poly.to_x(zr)
        out = pd.DataFrame({"radius": np.asarray(radii, dtype=float)})
        for i, n in enumerate(self.nutrients):
            out[n] = xr[:, i]
        out["predicted"] = vr
        return out

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Contour plot of the surface; see :func:`fertopt.plotting.plot_surface`."""
        from . import plotting

        return plotting.plot_surface(self, ax=ax, **kwargs)

    # -- display ----------------------------------------------------------------
    def _headline(self) -> str:
        k = len(self.nutrients)
        family = {"quadratic": "quadratic", "square_root": "square-root"}.get(self.model, "")
        name = f"{_NAMES_BY_K.get(k, f'{k}-nutrient')} {family} surface".replace("  ", " ")
        if self.selection == "published":
            return f"published {name} in {', '.join(self.nutrients)} | {len(self.terms)} terms"
        reg = self.anova[self.anova["source"] == "regression"]
        test = ""
        if len(reg) and np.isfinite(reg["f"].iloc[0]):
            p_text = _p_text(reg["p"].iloc[0]).replace(" ", "")
            test = f" | F({int(reg['df'].iloc[0])},{self.df_resid})={format_number(reg['f'].iloc[0], 3)} {p_text}"
        return (f"{name} in {', '.join(self.nutrients)} | {len(self.terms)} terms | "
                f"R² {format_number(self.r2, 3)}{test}")

    def _summary(self, digits: int) -> Summary:
        facts = [("Response", str(self.response)), ("Nutrients", ", ".join(self.nutrients)),
                 ("Model", self.model), ("Terms chosen", self.selection)]
        if self.selection == "stepwise":
            facts.append(("Stepwise criteria", f"F to enter {format_number(self.f_enter)}, F to remove "
                          f"{format_number(self.f_remove)}, hierarchy {'kept' if self.hierarchy else 'not enforced'}"))
        if self.selection != "published":
            facts += [("Plots", f"{self.n_obs} ({self.n_dropped} dropped)"), ("Rate combinations", str(self.n_support)),
                      ("Blocks", str(self.n_blocks) if self.n_blocks else "none"),
                      ("R² / adjusted", f"{format_number(self.r2, digits)} / {format_number(self.adj_r2, digits)}"),
                      ("Residual SD", f"{format_number(self.rmse, digits)} on {self.df_resid} df")]
        if self.bounds:
            region = ", ".join(f"{n} {format_number(a)}–{format_number(b)}" for n, (a, b) in self.bounds.items())
            facts.append(("Tested region", region))
        if self.ck_yield is not None:
            facts.append(("CK yield", f"{format_number(self.ck_yield, digits + 1)} ({self.ck_source})"))
        blocks: list[Any] = [Facts(facts), Table(self.coefficients, title="Coefficients", formats={"p": "p"})]
        if len(self.anova):
            blocks.append(Table(self.anova, title="Analysis of variance", formats={"p": "p", "df": "int"}))
        if len(self.steps):
            blocks.append(Table(self.steps, title="Stepwise selection", formats={"p": "p"}))
        blocks.append(Notes(list(self.warnings)))
        return Summary("Response surface", blocks, headline=self._headline(), digits=digits)



def fit_surface(
    data: Any,
    /,
    *,
    response: str,
    rates: Sequence[str] | Mapping[str, str] = ("N", "P2O5", "K2O"),
    model: Literal["quadratic", "square_root"] = "quadratic",
    terms: str | Sequence[str] = "full",
    block: str | None = None,
    f_enter: float = 4.0,
    f_remove: float = 3.9,
    hierarchy: bool = True,
    confidence_level: float = 0.95,
    units: Mapping[str, str] | None = None,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> SurfaceFit:
    """Fit a binary or ternary quadratic (or square-root) response surface to plot data.

    Parameters
    ----------
    data : DataFrame
        One row per plot.
    response : str
        Column with the response (yield).
    rates : sequence of str or mapping, default ("N", "P2O5", "K2O")
        Rate columns, which also name the nutrients; or ``{"N": "n_rate", ...}`` to give
        nutrient names different from the columns.
    model : {"quadratic", "square_root"}
        Term family: quadratic ``N, N^2, N:P…``; square-root ``sqrt(N), N,
        sqrt(N):sqrt(P)…`` (Heady's surface).
    terms : "full", "stepwise" or list of str
        All terms of the family; stepwise selection among them; or an explicit list in the
        naming convention (for example Welch's ``[..., "N:P:K"]``).
    block : str, optional
        Block column; blocks enter with sum-to-zero coding, so the intercept is the
        average over blocks.
    f_enter, f_remove : float, default 4.0 and 3.9
        Stepwise criteria: a term enters when its partial F (on 1 and the new residual df)
        is at least ``f_enter`` and leaves when its partial F falls below ``f_remove``
        (Efroymson's procedure, as in DPS; ``f_remove ≤ f_enter`` prevents cycling).
    hierarchy : bool, default True
        In stepwise selection, a square or product enters only after the terms it
        contains (``N^2`` after ``N``; ``N:P`` after ``N`` and ``P``) and those cannot
        leave while it is in the model.
    confidence_level : float, default 0.95
        For coefficient intervals.
    units : mapping, optional
        ``{"response": "t/ha", "rates": "kg/ha"}`` (or a unit per nutrient); by default the
        units recorded by :func:`fertopt.read_trials` or :func:`fertopt.load_dataset`.  A
        :class:`fertopt.Prices` uses them to convert prices to the data's scale.
    nan_policy : {"omit", "raise"}
        Plots without a response value are left out (counted) or refused.

    Returns
    -------
    SurfaceFit
        See the class for every field; ``coefficients`` has the columns ``term, estimate,
        se, t, p, ci_low, ci_high``; ``anova`` has ``source, df, ss, ms, f, p``.

    Raises
    ------
    ColumnError
        If a named column is missing.
    DataError
        For non-numeric or negative rates, or rates missing.
    DesignError
        When the design cannot identify the surface: a nutrient with one rate, nutrients
        whose rates move together, too few rates for a nutrient's curvature, fewer
        distinct rate combinations than coefficients, or aliased terms.  The message says
        which, in plain words.

    Warns
    -----
    DataWarning
        When plots without a response are left out.
    DesignWarning
        When no residual degrees of freedom are left.

    Notes
    -----
    Least squares by QR on unit-scaled columns.  ANOVA: blocks (sequential, first),
    regression (all surface terms, adjusted for blocks), residual; the residual splits
    into lack of fit and pure error (replicates of a rate combination, within blocks)
    when there is pure error.  Coefficients, SEs and the ANOVA match R's ``lm`` with
    ``contr.sum`` block coding (``tests/reference/surface_*.R``).

    Examples
    --------
    >>> import numpy as np, pandas as pd, fertopt as fo
    >>> g = np.array([0., 9., 18., 27.])
    >>> n, p = [a.ravel() for a in np.meshgrid(g, g / 2)]
    >>> y = 1700 + 60 * n + 80 * p - 2 * n**2 - 6 * p**2 + 0.5 * n * p
    >>> surf = fo.fit_surface(pd.DataFrame({"N": n, "P2O5": p, "yield": y + np.tile([3., -3.], 8)}),
    ...                       response="yield", rates=("N", "P2O5"))
    >>> surf.canonical().kind
    'maximum'
    """
    frame = require_frame(data)
    nutrients, columns = _resolve_rates(rates)
    model = check_choice(model, "model", ("quadratic", "square_root"))
    nan_policy = check_nan_policy(nan_policy)
    confidence_level = check_probability(confidence_level, "confidence_level")
    y, x, blocks, n_dropped, warn_list = _prepare(frame, response, columns, block, nan_policy)
    response_unit, rate_units = _resolve_units(frame, units, response, columns)
    k = len(nutrients)
    cand = _ps.candidate_terms(k, model)
    if isinstance(terms, str):
        terms = check_choice(terms, "terms", ("full", "stepwise"))
        selection = terms
        powers = cand
    else:
        selection = "given"
        powers = [tuple(0.0 for _ in nutrients)]
        for t in terms:
            try:
                pw = _ps.parse_term(t, nutrients)
            except KeyError as exc:
                raise FertoptError(
                    f"term {t!r} names {exc.args[0]!r}, which is not a nutrient of this surface "
                    f"({', '.join(nutrients)}). Name terms like 'N', 'N^2', 'N:P2O5', 'sqrt(N)'."
                ) from None
            except ValueError as exc:
                raise FertoptError(f"term {t!r} is not valid: {exc}.") from None
            if pw in powers:
                if any(pw):
                    raise FertoptError(f"term {t!r} is given twice.")
                continue
            powers.append(pw)
        model = "custom" if set(powers) - set(cand) else model
    if selection == "stepwise":
        f_enter = float(f_enter)
        f_remove = float(f_remove)
        if not (math.isfinite(f_enter) and f_enter > 0 and 0 <= f_remove <= f_enter):
            raise FertoptError(
                f"stepwise criteria must satisfy 0 ≤ f_remove ≤ f_enter (got f_enter={f_enter}, "
                f"f_remove={f_remove}); otherwise a term could enter and leave forever."
            )
    what = f"the {_NAMES_BY_K.get(k, f'{k}-nutrient')} {model.replace('_', '-')} surface"
    check_identifiable(powers, x, nutrients, what=what, stepwise=selection == "stepwise")
    bcols = _block_columns(blocks)
    base = np.column_stack([np.ones(len(y)), bcols]) if bcols.size else np.ones((len(y), 1))
    names = [_ps.term_name(p, nutrients) for p in powers]
    steps = pd.DataFrame(columns=["step", "action", "term", "f", "df_num", "df_den", "p", "r2"])
    if selection == "stepwise":
        cols_all = _ps.design_columns(powers, x)
        chosen, steps = _stepwise(powers, names, cols_all, base, y, f_enter, f_remove, hierarchy)
        powers = [powers[0]] + [powers[j] for j in chosen]
        names = [names[0]] + [names[j] for j in chosen]
    surf_cols = _ps.design_columns(powers, x)
    full = np.column_stack([surf_cols[:, :1], bcols, surf_cols[:, 1:]]) if bcols.size else surf_cols
    if matrix_rank(full) < full.shape[1]:
        raise DesignError(
            "the blocks are confounded with the rates: within the blocks, the rate combinations "
            "do not vary enough to separate block effects from the surface. Check the block "
            "column, or fit without block=."
        )
    beta, xtx_inv, resid = _ols(full, y)
    n = len(y)
    p_all = full.shape[1]
    df_resid = n - p_all
    sse = float(resid @ resid)
    nb = bcols.shape[1] if bcols.size else 0
    order = [0] + list(range(1 + nb, p_all))
    coef = beta[order]
    cov_unscaled = xtx_inv[np.ix_(order, order)]
    from scipy import stats

    if df_resid > 0:
        s2 = sse / df_resid
        se = np.sqrt(np.diag(cov_unscaled) * s2)
        tval = coef / se
        pval = 2 * stats.t.sf(np.abs(tval), df_resid)
        tq = stats.t.ppf(0.5 + confidence_level / 2, df_resid)
        cov = cov_unscaled * s2
    else:
        s2 = math.nan
        se = tval = pval = np.full(len(coef), np.nan)
        tq = math.nan
        cov = None
        text = (f"The model uses all {n} plots' degrees of freedom ({p_all} coefficients): no error is "
                "left, so there are no standard errors or tests. Add replicates or rate combinations.")
        warn_list.append(text)
        warnings.warn(text, DesignWarning, stacklevel=2)
    coefficients = pd.DataFrame({"term": names, "estimate": coef, "se": se, "t": tval, "p": pval,
                                 "ci_low": coef - tq * se, "ci_high": coef + tq * se})
    # ANOVA
    sst = float(((y - y.mean()) ** 2).sum())
    sse_b, _ = _sse(base, y)
    rows = []
    if nb:
        ss_b = sst - sse_b
        rows.append(("blocks", nb, ss_b))
    df_reg = len(powers) - 1
    rows.append(("regression", df_reg, sse_b - sse))
    rows.append(("residual", df_resid, sse))
    support, inverse = np.unique(x, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).ravel()
    cells = np.zeros((n, len(support)))
    cells[np.arange(n), inverse] = 1.0
    sat = np.column_stack([bcols, cells]) if nb else cells
    sse_pe, rank_pe = _sse(sat, y)
    df_pe = n - rank_pe
    df_lof = df_resid - df_pe
    if df_pe > 0 and df_lof > 0:
        rows.append(("lack_of_fit", df_lof, sse - sse_pe))
        rows.append(("pure_error", df_pe, sse_pe))
    rows.append(("total", n - 1, sst))
    ms = [ss / df if df > 0 and src != "total" else math.nan for src, df, ss in rows]
    f_col, p_col = [], []
    for (src, df, _ss), m in zip(rows, ms, strict=True):
        if src in ("blocks", "regression") and df > 0 and df_resid > 0:
            f = m / s2
            f_col.append(f)
            p_col.append(float(stats.f.sf(f, df, df_resid)))
        elif src == "lack_of_fit":
            f = m / (sse_pe / df_pe)
            f_col.append(f)
            p_col.append(float(stats.f.sf(f, df_lof, df_pe)))
        else:
            f_col.append(math.nan)
            p_col.append(math.nan)
    anova = pd.DataFrame({"source": [r[0] for r in rows], "df": np.array([r[1] for r in rows], dtype="int64"),
                          "ss": [float(r[2]) for r in rows], "ms": ms, "f": f_col, "p": p_col})
    r2 = 1 - sse / sst if sst > 0 else math.nan
    adj_r2 = 1 - (sse / df_resid) / (sst / (n - 1)) if df_resid > 0 and sst > 0 else math.nan
    fitted_support = _ps.design_columns(powers, support) @ coef
    sup = pd.DataFrame(support, columns=list(nutrients))
    sup["n"] = np.bincount(inverse, minlength=len(support))
    sup["mean"] = np.bincount(inverse, weights=y, minlength=len(support)) / sup["n"].to_numpy()
    sup["fitted"] = fitted_support
    zero = np.all(support == 0, axis=1)
    if zero.any():
        ck, ck_source = float(sup.loc[zero, "mean"].iloc[0]), "observed"
    else:
        ck, ck_source = float(coef[0]), "predicted"
    bounds = {nm: (float(x[:, i].min()), float(x[:, i].max())) for i, nm in enumerate(nutrients)}
    return SurfaceFit(
        response=str(response),
        nutrients=nutrients,
        columns={k_: str(v) for k_, v in columns.items()},
        model=model,
        selection=selection,
        terms=tuple(names),
        coefficients=coefficients,
        anova=anova,
        steps=steps,
        support=sup,
        bounds=bounds,
        r2=r2,
        adj_r2=adj_r2,
        rmse=math.sqrt(s2) if df_resid > 0 else math.nan,
        df_resid=int(df_resid),
        n_obs=int(n),
        n_dropped=n_dropped,
        n_support=len(support),
        n_blocks=len(blocks.categories) if blocks is not None else 0,
        ck_yield=ck,
        ck_source=ck_source,
        response_unit=response_unit,
        rate_units=rate_units,
        f_enter=f_enter if selection == "stepwise" else None,
        f_remove=f_remove if selection == "stepwise" else None,
        hierarchy=bool(hierarchy),
        confidence_level=confidence_level,
        warnings=tuple(warn_list),
        _powers=tuple(tuple(p) for p in powers),
        _cov=cov,
        _points=x,
    )


def surface_from_coefficients(
    coefficients: Mapping[str, float] | pd.Series | pd.DataFrame,
    /,
    *,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    ck_yield: float | None = None,
    response: str = "yield",
    units: Mapping[str, str] | None = None,
) -> SurfaceFit:
    """A published surface, audited through the same interface as a fitted one.

    Parameters
    ----------
    coefficients : mapping, Series or DataFrame
        ``{"intercept": 1688.61, "P2O5^2": -17.65, "N:K2O": 0.064, "P2O5:K2O": 16.99}``;
        terms not given are zero.  A DataFrame needs ``term`` and ``estimate`` columns.
    bounds : mapping, optional
        The tested region ``{"N": (0, 18), ...}``; its keys (in order) name the
        nutrients.  Without it the nutrients come from the term names and nothing can be
        checked against a tested region.
    ck_yield : float, optional
        Observed no-fertilizer yield, for the typicality rule 5 (default: the intercept).
    response : str
        Name of the response, for display.
    units : mapping, optional
        ``{"response": "kg/mu", "rates": "kg/mu"}``, needed when the surface is priced with a
        :class:`fertopt.Prices` whose units differ from kg per the same area.

    Returns
    -------
    SurfaceFit
        With ``selection="published"``, no standard errors and an empty ANOVA.

    Raises
    ------
    FertoptError
        For a term naming an unknown nutrient, a repeated term, or invalid bounds.

    Examples
    --------
    The reference study's stepwise ternary equation:

    >>> import fertopt as fo
    >>> surf = fo.surface_from_coefficients(
    ...     {"intercept": 1688.61, "P2O5^2": -17.65, "N:K2O": 0.064, "P2O5:K2O": 16.99},
    ...     bounds={"N": (0, 18), "P2O5": (0, 8), "K2O": (0, 19)})
    >>> round(surf.predict({"N": 13.2, "P2O5": 8, "K2O": 21}), 2)
    3431.07
    >>> surf.canonical().kind
    'saddle'
    >>> best = surf.maximum(bounds="tested")
    >>> best.rates, round(best.yield_at_rates, 1), best.status
    ({'N': 18.0, 'P2O5': 8.0, 'K2O': 19.0}, 3163.4, 'saddle')
    """
    if isinstance(coefficients, pd.DataFrame):
        if not {"term", "estimate"} <= set(coefficients.columns):
            raise FertoptError("a coefficient table needs the columns 'term' and 'estimate'.")
        items = list(zip(coefficients["term"], coefficients["estimate"], strict=True))
    elif isinstance(coefficients, (Mapping, pd.Series)):
        items = list(coefficients.items())
    else:
        raise FertoptError("coefficients must be a mapping {term: value}, e.g. {'intercept': 1688.61, 'N': 25.3}.")
    if not items:
        raise FertoptError("no coefficients given.")
    if bounds is not None:
        if not isinstance(bounds, Mapping) or not bounds:
            raise FertoptError("bounds must be a mapping {'N': (low, high), ...}.")
        nutrients = tuple(str(n) for n in bounds)
    else:
        found: list[str] = []
        for name, _ in items:
            if str(name).strip().lower() in _ps.INTERCEPT_NAMES:
                continue
            for factor in str(name).split(":"):
                f = factor.strip()
                for pattern in (_ps._SQRT, _ps._POWER):
                    m = pattern.match(f)
                    if m:
                        f = m.group(1).strip()
                if f not in found:
                    found.append(f)
        nutrients = tuple(found)
    _resolve_rates(nutrients)
    powers: list[tuple[float, ...]] = [tuple(0.0 for _ in nutrients)]
    values = [0.0]
    for name, value in items:
        try:
            pw = _ps.parse_term(str(name), nutrients)
        except KeyError as exc:
            raise FertoptError(
                f"coefficient {name!r} names {exc.args[0]!r}, which is not among the nutrients "
                f"with bounds ({', '.join(nutrients)}). Give bounds for every nutrient, with names "
                "spelled as in the coefficient names."
            ) from None
        except ValueError as exc:
            raise FertoptError(f"coefficient {name!r} is not a valid term: {exc}.") from None
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise FertoptError(f"coefficient {name!r} must be a number, got {value!r}.") from None
        if not math.isfinite(v):
            raise FertoptError(f"coefficient {name!r} must be finite, got {value!r}.")
        if pw in powers:
            if any(pw) or values[0] != 0.0:
                raise FertoptError(f"coefficient {name!r} is given twice.")
            values[0] = v
            continue
        powers.append(pw)
        values.append(v)
    bdict = None
    if bounds is not None:
        bdict = {}
        for n in nutrients:
            try:
                a, b = (float(v) for v in bounds[n])
            except (TypeError, ValueError):
                raise FertoptError(f"bounds for {n} must be a pair (low, high), got {bounds[n]!r}.") from None
            if not (math.isfinite(a) and math.isfinite(b)) or a < 0 or b <= a:
                raise FertoptError(f"bounds for {n} must satisfy 0 ≤ low < high, got {bounds[n]!r}.")
            bdict[n] = (a, b)
    names = [_ps.term_name(p, nutrients) for p in powers]
    response_unit, rate_units = _resolve_units(None, units, response, {n: n for n in nutrients})
    k = len(nutrients)
    fam = set(powers)
    model = ("quadratic" if fam <= set(_ps.candidate_terms(k, "quadratic"))
             else "square_root" if fam <= set(_ps.candidate_terms(k, "square_root")) else "custom")
    nan = np.full(len(values), np.nan)
    coef_table = pd.DataFrame({"term": names, "estimate": np.array(values), "se": nan, "t": nan, "p": nan,
                               "ci_low": nan, "ci_high": nan})
    if ck_yield is not None:
        ck, ck_source = _positive(ck_yield, "ck_yield", allow_zero=True), "given"
    else:
        ck, ck_source = float(values[0]), "predicted"
    return SurfaceFit(
        response=str(response),
        nutrients=nutrients,
        columns={n: n for n in nutrients},
        model=model,
        selection="published",
        terms=tuple(names),
        coefficients=coef_table,
        anova=pd.DataFrame(columns=["source", "df", "ss", "ms", "f", "p"]),
        steps=pd.DataFrame(columns=["step", "action", "term", "f", "df_num", "df_den", "p", "r2"]),
        support=pd.DataFrame(columns=[*nutrients, "n", "mean", "fitted"]),
        bounds=bdict,
        r2=math.nan,
        adj_r2=math.nan,
        rmse=math.nan,
        df_resid=0,
        n_obs=0,
        n_dropped=0,
        n_support=0,
        n_blocks=0,
        ck_yield=ck,
        ck_source=ck_source,
        response_unit=response_unit,
        rate_units=rate_units,
        _powers=tuple(powers),
    )
