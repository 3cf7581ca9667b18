"""The fits of a 3414 trial on its standard subsets, and the recommendation cascade.

:class:`SubsetFits` runs the fits :func:`fertopt.three414` asks for (the ternary and binary
quadratic surfaces through :func:`fertopt.fit_surface`, the univariate quadratics and, on
demand, the linear-plateau fallback through :func:`fertopt.fit_response`), judges each one
typical or atypical, and keeps the rows of the fits table, the verdicts, the optima and the
warnings of the fits.  The univariate quadratics are judged here by the five rules of
:meth:`fertopt.SurfaceFit.typicality`, one function per rule.  :func:`recommendations_table`
then takes each nutrient's rate from the first usable fit of the cascade
ternary → binary → univariate quadratic → linear-plateau.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.formatting import f_test_text, format_number, format_value
from fertopt._core.validation import positive_number
from fertopt.exceptions import FertoptError, OptionError, PriceWarning
from fertopt.response import fit_response
from fertopt.surface import fit_surface
from fertopt.surface.results import TypicalityResult
from fertopt.three414.design import SUBSETS, fit_label

_FORMS = ("N", "P2O5", "K2O", "P", "K")


# ---------------------------------------------------------------------------
# the fits on the standard subsets
# ---------------------------------------------------------------------------
@dataclass
class SubsetFits:
    """The fits of one trial on the standard subsets, with what each gave, in the order tried.

    The first fields are the plots and the options; the others fill up as the fits run:
    ``rows`` (the rows of the fits table), ``typicality`` (fit label → verdict of every fit
    judged: ``"ternary"``, ``"binary N-P2O5"``, ``"quadratic N"``), ``optima`` (surface label →
    optimum), ``univariate`` and ``quadratic_optima`` (nutrient → quadratic fit, its optimum),
    ``plateaus`` (nutrient → linear-plateau fit) and ``captured`` (the warnings of the fits,
    each prefixed with its fit's label).
    """

    plots: pd.DataFrame
    nutrients: tuple[str, ...]
    response: str
    block: str | None
    prices: Any
    alpha: float
    strict_signs: bool
    ck: float
    rows: list[dict[str, Any]] = field(default_factory=list)
    typicality: dict[str, TypicalityResult] = field(default_factory=dict)
    optima: dict[str, Any] = field(default_factory=dict)
    univariate: dict[str, Any] = field(default_factory=dict)
    quadratic_optima: dict[str, Any] = field(default_factory=dict)
    plateaus: dict[str, Any] = field(default_factory=dict)
    captured: list[str] = field(default_factory=list)
    unit_warnings: list[str] = field(default_factory=list)

    def keep_warnings(self, label: str, caught: list[warnings.WarningMessage]) -> None:
        """Store the warnings of one fit (prefixed by its label); keep unit traps apart."""
        for w in caught:
            self.captured.append(f"{label}: {w.message}")
            if issubclass(w.category, PriceWarning) and not self.unit_warnings:
                self.unit_warnings.append(str(w.message))

    def subset(self, key: str) -> pd.DataFrame:
        """The plots of the treatments ``SUBSETS[key]``, renumbered from 0."""
        plots = self.plots
        return plots[plots["treatment"].isin(SUBSETS[key])].reset_index(drop=True)

    def record(
        self,
        label: str,
        key: str,
        n_obs: int,
        fit: Any,
        opt: Any,
        verdict: TypicalityResult | None,
        message: str,
    ) -> None:
        """Nothing: appends the fits-table row of one fit (``fit`` is None when it failed)."""
        row: dict[str, Any] = {
            "model": label,
            "treatments": _treatment_text(SUBSETS[key]),
            "n_obs": n_obs,
            "fitted": fit is not None,
            "typical": None if verdict is None else verdict.typical,
            "failed_rules": "" if verdict is None else "; ".join(verdict.failed),
            "status": "" if opt is None else opt.status,
        }
        for n in self.nutrients:
            row[n] = math.nan
        if opt is not None:
            if hasattr(opt, "rates"):
                for n, v in (opt.rates or {}).items():
                    row[n] = v
                row["yield_at_optimum"] = (
                    opt.yield_at_rates if opt.yield_at_rates is not None else math.nan
                )
            else:
                row[opt.nutrient if opt.nutrient in self.nutrients else fit.rate] = opt.rate
                row["yield_at_optimum"] = opt.yield_at_rate
        else:
            row["yield_at_optimum"] = math.nan
        row["message"] = message
        self.rows.append(row)

    def surface(self, key: str, rate_names: tuple[str, ...]) -> Any:
        """The quadratic surface on ``SUBSETS[key]``, judged and recorded; None if it failed."""
        part = self.subset(key)
        label = fit_label(key, self.nutrients)
        prices = self.prices
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                fit = fit_surface(part, response=self.response, rates=rate_names, block=self.block)
                opt = fit.optimum(prices=prices) if prices is not None else fit.maximum()
                verdict = fit.typicality(
                    prices=prices,
                    alpha=self.alpha,
                    strict_signs=self.strict_signs,
                    ck_yield=self.ck,
                )
            except FertoptError as exc:
                self.record(label, key, len(part), None, None, None, str(exc))
                return None
        self.keep_warnings(label, caught)
        self.typicality[label] = verdict
        self.optima[label] = opt
        self.record(label, key, len(part), fit, opt, verdict, opt.message)
        return fit

    def binaries(self) -> dict[str, Any]:
        """Pair (``"N-P2O5"``) → its binary surface (None if it failed), in the standard order."""
        binary = {}
        for key, pair in (("binary 0-1", (0, 1)), ("binary 0-2", (0, 2)), ("binary 1-2", (1, 2))):
            names = (self.nutrients[pair[0]], self.nutrients[pair[1]])
            binary[f"{names[0]}-{names[1]}"] = self.surface(key, names)
        return binary

    def quadratic(self, i: int) -> None:
        """Nothing: fits, judges and records the univariate quadratic of the i-th nutrient."""
        nutrient, key = self.nutrients[i], f"univariate {i}"
        label = f"quadratic {nutrient}"
        part = self.subset(key)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                fit = self._fit_curve(part, nutrient, "quadratic")
                opt_max = fit.optimum(ci=None)
                opt_econ = (
                    fit.optimum(ci=None, **_curve_price_kwargs(self.prices, nutrient, fit))
                    if self.prices is not None
                    else None
                )
            except FertoptError as exc:
                self.record(label, key, len(part), None, None, None, str(exc))
                return
        self.keep_warnings(label, caught)
        verdict = _curve_typicality(fit, opt_max, opt_econ, self.alpha, self.strict_signs, self.ck)
        opt = opt_econ if opt_econ is not None else opt_max
        self.univariate[nutrient] = fit
        self.typicality[label] = verdict
        self.quadratic_optima[nutrient] = opt
        self.record(label, key, fit.n_obs, fit, opt, verdict, opt.message)

    def linear_plateau(self, i: int) -> Any:
        """The i-th nutrient's linear-plateau optimum if usable, else None; the fit is recorded."""
        nutrient, key = self.nutrients[i], f"univariate {i}"
        label = f"linear_plateau {nutrient}"
        part = self.subset(key)
        fit, opt, message = self._fit_plateau(part, nutrient)
        if fit is None:
            self.record(label, key, len(part), None, None, None, message)
            return None
        self.plateaus[nutrient] = fit
        self.record(label, key, fit.n_obs, fit, opt, None, message)
        return opt if opt is not None and opt.recommended else None

    def _fit_plateau(self, part: pd.DataFrame, nutrient: str) -> tuple[Any, Any, str]:
        """``(fit, optimum, message)`` of the linear-plateau fallback; None for what failed."""
        label = f"linear_plateau {nutrient}"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                fit = self._fit_curve(part, nutrient, "linear_plateau", errors="record")
            except FertoptError as exc:
                return None, None, str(exc)
            if not fit.converged:
                self.keep_warnings(label, caught)
                return fit, None, f"the linear-plateau fit did not converge: {fit.message}"
            try:
                opt = fit.optimum(ci=None, **_curve_price_kwargs(self.prices, nutrient, fit))
            except FertoptError as exc:
                return fit, None, str(exc)
        self.keep_warnings(label, caught)
        return fit, opt, opt.message

    def _fit_curve(self, part: pd.DataFrame, nutrient: str, model: str, **options: Any) -> Any:
        """``fit_response`` of one nutrient on its univariate subset, with the trial's roles."""
        return fit_response(
            part,
            response=self.response,
            rate=nutrient,
            model=model,
            block=self.block,
            nutrient=nutrient if nutrient in _FORMS else None,
            other_rates=[],
            **options,
        )

    def table(self) -> pd.DataFrame:
        """The fits table: one row per fit tried, in the order tried."""
        fits = pd.DataFrame(
            self.rows,
            columns=[
                "model",
                "treatments",
                "n_obs",
                "fitted",
                "typical",
                "failed_rules",
                "status",
                *self.nutrients,
                "yield_at_optimum",
                "message",
            ],
        )
        fits["typical"] = fits["typical"].astype(object)
        return fits


def _treatment_text(ts: Sequence[int]) -> str:
    """Treatment numbers as text: ``"2–7"`` for a run of three or more, else ``"2, 3, 6, 11"``."""
    ts = sorted(ts)
    if ts == list(range(ts[0], ts[-1] + 1)) and len(ts) > 2:
        return f"{ts[0]}–{ts[-1]}"
    return ", ".join(map(str, ts))


# ---------------------------------------------------------------------------
# univariate fits: prices and typicality
# ---------------------------------------------------------------------------
def _curve_price_kwargs(prices: Any, nutrient: str, fit: Any) -> dict[str, Any]:
    """How a single-nutrient fit takes the prices: a Prices object, or a ratio in data units.

    Mapping prices are per unit of the data's response and rates, so their ratio is in
    yield units per rate unit; without declared units that is kg per kg (both in kg per
    the same area), which is how it is passed on.
    """
    if prices is None:
        return {}
    if isinstance(prices, Mapping):
        crop = (
            positive_number(prices.get("crop"), "the crop price")
            if prices.get("crop") is not None
            else None
        )
        if crop is None:
            raise OptionError("prices lack the crop price: give crop=<price per unit of yield>.")
        if prices.get(nutrient) is None:
            raise OptionError(f"prices lack a price for {nutrient}.")
        ratio = (
            positive_number(prices[nutrient], f"the price of {nutrient}", allow_zero=True) / crop
        )
        known = fit.response_unit is not None and fit.rate_unit is not None
        return {"price_ratio": ratio if known else (ratio, "kg/kg")}
    return {"prices": prices}


def _curve_typicality(
    fit: Any, opt_max: Any, opt_econ: Any, alpha: float, strict_signs: bool, ck: float
) -> TypicalityResult:
    """The five rules of :meth:`SurfaceFit.typicality` for a univariate quadratic."""
    b, c = fit.estimates["linear"], fit.estimates["quadratic"]
    rules = [
        _rule_significant(fit, alpha),
        _rule_signs(b, c, strict_signs),
        _rule(
            3,
            "negative definite",
            bool(c < 0),
            True,
            f"quadratic coefficient {format_number(c, 4)}",
        ),
        *_rules_at_optimum(fit, opt_max, opt_econ, ck, has_maximum=c < 0),
    ]
    table = pd.DataFrame(rules, columns=["rule", "name", "passed", "deciding", "detail"])
    table["passed"] = table["passed"].astype(object)
    failed = tuple(r["name"] for r in rules if r["passed"] is False)
    typical = not any(r["passed"] is False and r["deciding"] for r in rules) and c < 0
    return TypicalityResult(
        typical=bool(typical),
        verdict="typical" if typical else "atypical",
        rules=table,
        failed=failed,
    )


def _rule(no: int, name: str, passed: bool | None, deciding: bool, detail: str) -> dict[str, Any]:
    """One row of a typicality table (``passed`` None when the rule could not be assessed)."""
    return {"rule": no, "name": name, "passed": passed, "deciding": deciding, "detail": detail}


def _rule_significant(fit: Any, alpha: float) -> dict[str, Any]:
    """Rule 1: the F test of the curve against the mean (within blocks) at level ``alpha``."""
    from scipy import stats

    d = fit.data
    y = d["response"].to_numpy(dtype=float)
    if fit.block is not None and "block" in d:
        sst = float(
            sum(
                ((g - g.mean()) ** 2).sum()
                for _, g in d.groupby("block", observed=True)["response"]
            )
        )
    else:
        sst = float(((y - y.mean()) ** 2).sum())
    df = int(fit.df_resid)
    if not (df > 0 and fit.sse > 0):
        return _rule(
            1, "regression significant", None, True, "not assessed: no residual degrees of freedom"
        )
    f = ((sst - fit.sse) / 2) / (fit.sse / df)
    p = float(stats.f.sf(f, 2, df))
    return _rule(
        1,
        "regression significant",
        p < alpha,
        True,
        f_test_text("2", f"{df}", format_number(f, 4), p),
    )


def _rule_signs(b: float, c: float, strict_signs: bool) -> dict[str, Any]:
    """Rule 2: linear coefficient > 0 and quadratic < 0 (deciding only with ``strict_signs``)."""
    bad = [f"linear = {format_number(b, 4)} (not > 0)"] if not b > 0 else []
    bad += [f"quadratic = {format_number(c, 4)} (not < 0)"] if not c < 0 else []
    return _rule(
        2,
        "sign pattern",
        not bad,
        bool(strict_signs),
        "; ".join(bad) or "linear > 0 and quadratic < 0",
    )


def _rules_at_optimum(
    fit: Any, opt_max: Any, opt_econ: Any, ck: float, *, has_maximum: bool
) -> list[dict[str, Any]]:
    """Rules 4 and 5 on the maximum and economic optimum; not assessed without a maximum."""
    if not has_maximum:
        unassessed = "not assessed: the curve has no maximum (rule 3)"
        return [
            _rule(4, "optimum in (0, top rate]", None, True, unassessed),
            _rule(5, "optimum yield above CK", None, True, unassessed),
        ]
    points = [("maximum", opt_max)] + (
        [("economic optimum", opt_econ)] if opt_econ is not None else []
    )
    return [_rule_in_range(points, fit.rate_range[1]), _rule_above_ck(*points[-1], ck)]


def _rule_in_range(points: Sequence[tuple[str, Any]], top: float) -> dict[str, Any]:
    """Rule 4: every optimum (maximum, economic optimum) in (0, top tested rate]."""
    issues = []
    for label, opt in points:
        if not math.isfinite(opt.rate):
            issues.append(f"{label}: none")
        elif not opt.rate > 0:
            issues.append(f"{label}: {format_number(opt.rate, 4)} ≤ 0")
        elif opt.rate > top * (1 + 1e-9):
            issues.append(
                f"{label}: {format_number(opt.rate, 4)} > top tested rate {format_number(top, 6)}"
            )
    return _rule(
        4,
        "optimum in (0, top rate]",
        not issues,
        True,
        "; ".join(issues)
        or "; ".join(f"{lab}: {format_value(o.rate, kind='rate')}" for lab, o in points),
    )


def _rule_above_ck(label: str, opt: Any, ck: float) -> dict[str, Any]:
    """Rule 5: the yield at the recommended optimum above the CK (no fertilizer) yield."""
    if not math.isfinite(opt.yield_at_rate):
        return _rule(5, "optimum yield above CK", False, True, f"{label}: none")
    ok = opt.yield_at_rate > ck
    return _rule(
        5,
        "optimum yield above CK",
        ok,
        True,
        f"{label} yield {format_number(opt.yield_at_rate, 6)} {'>' if ok else '≤'} "
        f"CK yield {format_number(ck, 6)}",
    )


# ---------------------------------------------------------------------------
# the recommendation cascade: ternary → binary → univariate → linear-plateau
# ---------------------------------------------------------------------------
def recommendations_table(fits: SubsetFits, relative: pd.DataFrame) -> pd.DataFrame:
    """One row per nutrient: the rate of the first usable fit of the cascade, or none."""
    rows = []
    for i, n in enumerate(fits.nutrients):
        ry = relative.loc[i, "relative_yield"]
        en = relative.loc[i, "abundance"]
        row = {
            "nutrient": n,
            "rate": math.nan,
            "source": "none",
            "status": "none",
            "yield_at_rate": math.nan,
            "relative_yield": ry,
            "abundance": en,
            "note": "",
        }
        found = (
            _from_ternary(fits, n)
            or _from_binaries(fits, n)
            or _from_quadratic(fits, n)
            or _from_linear_plateau(fits, i)
        )
        row.update(found or {})
        if row["source"] == "none":
            row["note"] = (
                f"no fit gives a usable {n} rate; judge from the abundance class "
                f"({en}, relative yield {format_number(ry, 3)} %) and local experience"
            )
        rows.append(row)
    return pd.DataFrame(
        rows,
        columns=[
            "nutrient",
            "rate",
            "source",
            "status",
            "yield_at_rate",
            "relative_yield",
            "abundance",
            "note",
        ],
    )


def _from_ternary(fits: SubsetFits, nutrient: str) -> dict[str, Any] | None:
    """The nutrient's rate at the ternary optimum if the ternary fit is typical, else None."""
    if "ternary" not in fits.typicality or not fits.typicality["ternary"].typical:
        return None
    opt = fits.optima["ternary"]
    return {
        "rate": opt.rates[nutrient],
        "source": "ternary",
        "status": opt.status,
        "yield_at_rate": opt.yield_at_rates,
    }


def _from_binaries(fits: SubsetFits, nutrient: str) -> dict[str, Any] | None:
    """The mean of the nutrient's rates at the typical binary optima, or None if none is."""
    typ, optima = fits.typicality, fits.optima
    usable = [
        lab
        for lab in binary_labels(fits.nutrients, nutrient)
        if lab in typ and typ[lab].typical and optima[lab].rates is not None
    ]
    if not usable:
        return None
    rates_ = [optima[lab].rates[nutrient] for lab in usable]
    found = {
        "rate": float(np.mean(rates_)),
        "status": _worst([optima[lab].status for lab in usable]),
        "yield_at_rate": float(np.mean([optima[lab].yield_at_rates for lab in usable])),
        "source": usable[0] if len(usable) == 1 else " + ".join(usable) + " (mean)",
    }
    if len(usable) > 1:
        found["note"] = "mean of " + ", ".join(
            f"{lab}: {format_number(r, 4)}" for lab, r in zip(usable, rates_, strict=True)
        )
    return found


def _from_quadratic(fits: SubsetFits, nutrient: str) -> dict[str, Any] | None:
    """The univariate quadratic's optimum if that fit is typical, else None."""
    label = f"quadratic {nutrient}"
    if nutrient not in fits.univariate or not fits.typicality[label].typical:
        return None
    return _curve_rate(fits.quadratic_optima[nutrient], label)


def _from_linear_plateau(fits: SubsetFits, i: int) -> dict[str, Any] | None:
    """The linear-plateau optimum of the i-th nutrient (fitted now) if usable, else None."""
    opt = fits.linear_plateau(i)
    return None if opt is None else _curve_rate(opt, f"linear_plateau {fits.nutrients[i]}")


def _curve_rate(opt: Any, source: str) -> dict[str, Any]:
    """Rate, source, status and yield of a single-nutrient optimum, for a recommendation row."""
    return {
        "rate": opt.rate,
        "source": source,
        "status": opt.status,
        "yield_at_rate": opt.yield_at_rate,
    }


def binary_labels(nutrients: Sequence[str], nutrient: str) -> list[str]:
    """Labels of the binary fits that contain ``nutrient``, in the standard order."""
    out = []
    for a, b in ((0, 1), (0, 2), (1, 2)):
        if nutrient in (nutrients[a], nutrients[b]):
            out.append(f"binary {nutrients[a]}-{nutrients[b]}")
    return out


_ORDER = ("ok", "at_bound", "extrapolated", "saddle", "no_maximum")


def _worst(statuses: Sequence[str]) -> str:
    """The least favourable optimum status, by ``_ORDER`` (a status not in it counts as worst)."""
    return max(statuses, key=lambda s: _ORDER.index(s) if s in _ORDER else len(_ORDER))
