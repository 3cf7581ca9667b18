"""Simulated trials, the spec a careful paper would print about them, and planted errors.

Used by ``tests/test_audit_simulation.py``; not part of the package.

One simulated trial is either

* an RCBD single-nutrient rate trial (N at 5-7 equally spaced rates, 3-4 blocks; yields and
  rates per mu or per ha), whose true mean yield is a quadratic ``a + b x + c x²`` with its
  maximum somewhere between 55 % and 120 % of the highest rate; or
* a 3414 trial (14 treatments, 3 blocks, per mu) whose true mean yield is a ternary quadratic
  with a negative definite quadratic part and its maximum at 0.9-1.4 times the level-2 rates;

with normal plot noise and block effects.  :func:`true_analysis` runs fertopt's own analysis
of the plots (ANOVA, Duncan letters, the response fit on the treatment means, the maximum, the
economic optimum and the economics against the unfertilized control); :func:`paper_spec`
writes what a *careful* paper would print about it, rounded as papers print (means to 1 decimal
per mu or to whole kg per ha, F to 2 decimals, p to 4, coefficients to 4 significant digits,
R² to 4 decimals, rates to 2 decimals, incomes to 1 decimal, VCR and percentages to 2).  A
careful paper prints a maximum or an optimum only when the fitted curve has one inside the
tested rates, and uses the words its p-value calls for.

:data:`PLANTS` maps each kind of published error to a function that plants exactly that error
into a careful spec (a copy); it returns ``None`` when the trial cannot carry that error (for
example no pair of means differs significantly, so letters cannot contradict the range).
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

import fertopt as fo
from fertopt.design import THREE414_LEVELS

NUTRIENTS = ("N", "P2O5", "K2O")
MU_PER_HA = 15.0
UREA = 0.46


# ---------------------------------------------------------------------------
# printing numbers as papers do
# ---------------------------------------------------------------------------
def dec(x: float, d: int) -> str:
    """``x`` printed with ``d`` decimals, as a string (keeps trailing zeros)."""
    text = f"{float(x):.{d}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def sig(x: float, s: int = 4) -> str:
    """``x`` printed with ``s`` significant digits in positional notation."""
    x = float(x)
    if x == 0:
        return "0"
    d = s - 1 - math.floor(math.log10(abs(x)))
    d = max(d, 0)
    text = f"{round(x, d):.{d}f}"
    # rounding can carry into a new digit (9.9996 -> 10.000): drop the surplus decimal
    digits = text.lstrip("-").replace(".", "").lstrip("0")
    if len(digits) > s and d > 0:
        text = f"{round(x, d - 1):.{d - 1}f}"
    return text


# ---------------------------------------------------------------------------
# simulated trials
# ---------------------------------------------------------------------------
@dataclass
class Trial:
    """One simulated trial: its plots, design facts and prices."""

    seed: int
    kind: str  # "rate" | "3414"
    area: str  # "mu" | "ha"
    plots: pd.DataFrame  # treatment, block, yield and one column per nutrient
    treatments: list[str]
    rates: pd.DataFrame  # index treatment, columns the nutrients of the trial
    nutrients: tuple[str, ...]
    blocks: int
    prices: dict[str, float]
    lang: str
    truth: dict[str, Any] = field(default_factory=dict)
    products: dict[str, tuple[float, float]] = field(default_factory=dict)  # price, grade


def simulate(seed: int) -> Trial:
    """A random trial: a rate trial or a 3414 trial, chosen by the seed."""
    rng = np.random.default_rng(seed)
    kind = "rate" if rng.random() < 0.55 else "3414"
    return simulate_rate(seed, rng) if kind == "rate" else simulate_3414(seed, rng)


def simulate_rate(seed: int, rng: np.random.Generator) -> Trial:
    area = "mu" if rng.random() < 0.5 else "ha"
    scale = 1.0 if area == "mu" else MU_PER_HA
    k = int(rng.integers(5, 8))
    step = float(rng.choice([3.0, 4.0, 5.0])) * scale
    rates = np.arange(k) * step
    top = rates[-1]
    blocks = int(rng.integers(3, 5))
    a = rng.uniform(300, 550) * scale
    gain = a * rng.uniform(0.15, 0.5)
    xmax = top * rng.uniform(0.55, 1.2)
    c = -gain / xmax**2
    b = -2 * c * xmax
    names = [f"N{r:g}" for r in rates]
    x = np.repeat(rates, blocks)
    blk = np.tile(np.arange(1, blocks + 1), k)
    block_eff = rng.normal(0, 0.03 * a, blocks)
    noise = rng.uniform(0.015, 0.05) * a
    y = a + b * x + c * x**2 + block_eff[blk - 1] + rng.normal(0, noise, x.size)
    plots = pd.DataFrame({"treatment": np.repeat(names, blocks), "block": blk, "N": x, "yield": y})
    prices = {
        "crop": round(float(rng.uniform(1.8, 3.2)), 2),
        "N": round(float(rng.uniform(4, 7)), 2),
    }
    products = {}
    if rng.random() < 0.5:  # the paper prices urea; the nutrient price follows from its grade
        products["N"] = (round(float(rng.uniform(1.8, 3.2)), 2), UREA)
        prices["N"] = products["N"][0] / UREA
    return Trial(
        seed=seed,
        kind="rate",
        area=area,
        plots=plots,
        treatments=names,
        rates=pd.DataFrame({"N": rates}, index=names),
        nutrients=("N",),
        blocks=blocks,
        prices=prices,
        lang="zh" if rng.random() < 0.5 else "en",
        truth={"a": a, "b": b, "c": c},
        products=products,
    )


def simulate_3414(seed: int, rng: np.random.Generator) -> Trial:
    level2 = np.array([rng.uniform(10, 16), rng.uniform(5, 9), rng.uniform(6, 12)]).round(0)
    blocks = 3
    names = [f"N{n}P{p}K{k}" for n, p, k in THREE414_LEVELS]
    mult = np.array([0.0, 0.5, 1.0, 1.5])
    rates = np.array(
        [[mult[lv] * level2[i] for i, lv in enumerate(code)] for code in THREE414_LEVELS]
    )
    base = rng.uniform(350, 600)
    ustar = rng.uniform(0.9, 1.4, 3)
    h = base * rng.uniform(0.05, 0.2, 3)
    off = rng.uniform(-0.3, 0.3, 3) * np.sqrt(h[[0, 0, 1]] * h[[1, 2, 2]])
    H = -np.diag(h)
    H[0, 1] = H[1, 0] = off[0]
    H[0, 2] = H[2, 0] = off[1]
    H[1, 2] = H[2, 1] = off[2]
    if np.linalg.eigvalsh(H).max() >= 0:  # keep the truth a maximum
        H -= np.eye(3) * (np.linalg.eigvalsh(H).max() + 0.05 * h.min())
    g = -2 * H @ ustar
    u = rates / level2
    mu = base + u @ g + np.einsum("ij,jk,ik->i", u, H, u)
    block_eff = rng.normal(0, 0.02 * base, blocks)
    noise = rng.uniform(0.015, 0.05) * base
    mean = np.repeat(mu, blocks)
    blk = np.tile(np.arange(1, blocks + 1), len(names))
    y = mean + block_eff[blk - 1] + rng.normal(0, noise, mean.size)
    plots = pd.DataFrame({"treatment": np.repeat(names, blocks), "block": blk, "yield": y})
    for i, n in enumerate(NUTRIENTS):
        plots[n] = np.repeat(rates[:, i], blocks)
    prices = {
        "crop": round(float(rng.uniform(1.8, 3.2)), 2),
        "N": round(float(rng.uniform(4, 7)), 2),
        "P2O5": round(float(rng.uniform(4, 8)), 2),
        "K2O": round(float(rng.uniform(4, 8)), 2),
    }
    return Trial(
        seed=seed,
        kind="3414",
        area="mu",
        plots=plots,
        treatments=names,
        rates=pd.DataFrame(rates, index=names, columns=list(NUTRIENTS)),
        nutrients=NUTRIENTS,
        blocks=blocks,
        prices=prices,
        lang="zh" if rng.random() < 0.5 else "en",
        truth={"level2": level2},
    )


# ---------------------------------------------------------------------------
# fertopt's true analysis
# ---------------------------------------------------------------------------
def true_analysis(trial: Trial) -> dict[str, Any]:
    """fertopt's analysis of the plots: ANOVA, Duncan letters, the fit, its points, economics."""
    from scipy import stats

    aov = fo.anova(trial.plots, response="yield", treatment="treatment", block="block")
    term = aov.term("treatment")
    dfn, dfd = float(term["df"]), float(aov.term("Residuals")["df"])
    mse = float(aov.term("Residuals")["ms"])
    comparison = fo.duncan(aov, alpha=0.05)
    groups = comparison.groups.set_index("treatment")
    means = groups["mean"].reindex(trial.treatments).astype(float)
    letters = groups["letters"].reindex(trial.treatments)
    out: dict[str, Any] = {
        "F": float(term["f"]),
        "p": float(term["p"]),
        "df": (dfn, dfd),
        "F05": float(stats.f.isf(0.05, dfn, dfd)),
        "F01": float(stats.f.isf(0.01, dfn, dfd)),
        "mse": mse,
        "means": means,
        "letters": letters,
        "comparison": comparison,
    }
    frame = trial.rates.copy()
    frame["yield"] = means
    prices = fo.Prices(**trial.prices, currency="yuan")
    out["prices"] = prices
    if trial.kind == "rate":
        fit = fo.fit_response(frame, response="yield", rate="N")
        est = fit.estimates
        out["coefficients"] = {k: float(est[k]) for k in ("intercept", "linear", "quadratic")}
        out["r_squared"] = float(fit.r_squared)
        a, b, c = (out["coefficients"][k] for k in ("intercept", "linear", "quadratic"))
        top = float(trial.rates["N"].max())
        if c < 0 and 0 < -b / (2 * c) <= top:
            xm = -b / (2 * c)
            out["maximum"] = {"rate": xm, "yield": a + b * xm + c * xm**2}
            opt = fit.optimum(prices=prices)
            if opt.status == "ok" and 0 < opt.rate <= top:
                out["optimum"] = {"rate": float(opt.rate), "yield": float(opt.yield_at_rate)}
    else:
        fit = fo.fit_surface(frame, response="yield", rates=NUTRIENTS)
        out["coefficients"] = {k: float(v) for k, v in fit.estimates.items()}
        r2 = float(fit.r_squared)
        out["r_squared"] = r2
        n, p = len(frame), len(out["coefficients"])
        out["reg_F"] = (r2 / (p - 1)) / ((1 - r2) / (n - p))
        out["reg_df"] = (p - 1, n - p)
        canon = fit.canonical()
        xs = {n: float(canon.stationary_point[n]) for n in NUTRIENTS}
        # a careful paper prints a maximum only where the design has treatments around it:
        # inside the convex hull of the 14 treatments, not merely inside the box of rates
        if canon.kind == "maximum" and in_hull(trial.rates.to_numpy(float), list(xs.values())):
            out["maximum"] = {"rates": xs, "yield": float(canon.stationary_yield)}
            opt = fit.optimum(prices=prices)
            # and an optimum likewise only inside the hull (the audit's one rule for the
            # region a surface was tested on; the box alone lets corners through)
            inside = opt.status == "ok" and opt.unconstrained_inside
            if inside and in_hull(trial.rates.to_numpy(float), list(dict(opt.rates).values())):
                out["optimum"] = {
                    "rates": {k: float(v) for k, v in dict(opt.rates).items()},
                    "yield": float(opt.yield_at_rates),
                }
    out["economics"] = economics(trial, means)
    return out


def in_hull(points: np.ndarray, x: Any) -> bool:
    """Whether ``x`` lies in the convex hull of ``points`` (rows)."""
    from scipy.spatial import Delaunay

    return bool(Delaunay(points).find_simplex(np.asarray([x], dtype=float))[0] >= 0)


def economics(trial: Trial, means: pd.Series) -> list[dict[str, float]]:
    """Each fertilized treatment against the unfertilized control (the first treatment)."""
    ck = trial.treatments[0]
    py = trial.prices["crop"]
    income_ck = float(means[ck]) * py
    rows = []
    for t in trial.treatments[1:]:
        cost = float(sum(trial.rates.loc[t, n] * trial.prices[n] for n in trial.nutrients))
        dy = float(means[t] - means[ck])
        income = float(means[t]) * py - cost
        rows.append(
            {
                "treatment": t,
                "yield_change": dy,
                "cost": cost,
                "income": income,
                "income_change": income - income_ck,
                "income_change_pct": 100 * (income - income_ck) / income_ck,
                "value_cost_ratio": dy * py / cost,
            }
        )
    return rows


# ---------------------------------------------------------------------------
# what a careful paper prints
# ---------------------------------------------------------------------------
WORDS = {
    "en": {2: "highly significant", 1: "significant", 0: "not significant"},
    "zh": {2: "差异极显著", 1: "差异显著", 0: "差异不显著"},
}


def significance(p: float) -> int:
    return 2 if p < 0.01 else 1 if p < 0.05 else 0


def paper_spec(trial: Trial, res: dict[str, Any]) -> dict[str, Any]:
    """The spec of a careful paper about ``trial``, from fertopt's analysis ``res``."""
    per_mu = trial.area == "mu"
    ydec = 1 if per_mu else 0
    rdec = 2 if per_mu else 1
    unit_y = "kg/mu" if per_mu else "kg/ha"
    treatments = []
    for t in trial.treatments:
        treatments.append(
            {
                "name": t,
                "rates": {n: dec(trial.rates.loc[t, n], 2) for n in trial.nutrients},
                "mean": dec(res["means"][t], ydec),
                "letters": str(res["letters"][t]),
            }
        )
    spec: dict[str, Any] = {
        "paper": {"title": f"simulated {trial.kind} trial, seed {trial.seed}"},
        "units": {"yield": unit_y, "rate": unit_y, "area": trial.area},
        "design": {
            "layout": "rcbd",
            "replicates": trial.blocks,
            "treatments": treatments,
            "control": trial.treatments[0],
            "reference": trial.treatments[0],
        },
        "anova": [
            {
                "term": "treatment",
                "F": dec(res["F"], 2),
                "df": [int(res["df"][0]), int(res["df"][1])],
                "p": dec(res["p"], 4),
                "F_critical": dec(res["F05"], 2),
                "alpha": "0.05",
                "words": [WORDS[trial.lang][significance(res["p"])]],
                "MSE": sig(res["mse"], 4),
            }
        ],
        "comparison": {
            "test": "duncan",
            "alpha": "0.05",
            "letters": {t: str(res["letters"][t]) for t in trial.treatments},
            "MSE": sig(res["mse"], 4),
        },
        "prices": {
            "crop": dec(trial.prices["crop"], 2),
            "nutrients": {n: dec(trial.prices[n], 2) for n in trial.nutrients},
            "basis": "nutrient",
            "currency": "yuan",
            "per": "kg",
        },
    }
    if trial.products:
        spec["prices"]["basis"] = "product"
        spec["prices"]["products"] = {
            n: {"price": dec(price, 2), "grade": dec(grade, 2)}
            for n, (price, grade) in trial.products.items()
        }
        del spec["prices"]["nutrients"]
    eq: dict[str, Any] = {
        "coefficients": {k: sig(v, 4) for k, v in res["coefficients"].items()},
        "r_squared": dec(res["r_squared"], 4),
        "fitted_to": "means",
    }
    if trial.kind == "rate":
        eq.update({"id": "N", "nutrient": "N", "form": "quadratic"})
        for key in ("maximum", "optimum"):
            if key in res:
                eq[key] = {
                    "rate": dec(res[key]["rate"], rdec),
                    "yield": dec(res[key]["yield"], ydec),
                }
    else:
        eq.update(
            {
                "id": "ternary",
                "nutrients": list(NUTRIENTS),
                "form": "surface",
                "F": dec(res["reg_F"], 2),
                "df": list(res["reg_df"]),
            }
        )
        for key in ("maximum", "optimum"):
            if key in res:
                eq[key] = {
                    "rates": {n: dec(v, 2) for n, v in res[key]["rates"].items()},
                    "yield": dec(res[key]["yield"], ydec),
                }
    spec["equations"] = [eq]
    spec["economics"] = {
        "reference": trial.treatments[0],
        "rows": [
            {
                "treatment": r["treatment"],
                "yield_change": dec(r["yield_change"], ydec),
                "cost": dec(r["cost"], 1),
                "income": dec(r["income"], 1),
                "income_change": dec(r["income_change"], 1),
                "income_change_pct": dec(r["income_change_pct"], 2),
                "value_cost_ratio": dec(r["value_cost_ratio"], 2),
            }
            for r in res["economics"]
        ],
    }
    return spec


@functools.lru_cache(maxsize=512)
def _careful(seed: int) -> tuple[Trial, dict[str, Any], dict[str, Any]]:
    trial = simulate(seed)
    res = true_analysis(trial)
    return trial, res, paper_spec(trial, res)


def careful(seed: int) -> tuple[Trial, dict[str, Any], dict[str, Any]]:
    """The trial of ``seed``, fertopt's analysis of it and the careful paper's spec (a copy)."""
    trial, res, spec = _careful(seed)
    return trial, res, copy.deepcopy(spec)


# ---------------------------------------------------------------------------
# planted errors: each takes a careful spec and plants one kind of error in a copy
# ---------------------------------------------------------------------------
Plant = Callable[[Trial, dict[str, Any], dict[str, Any]], "dict[str, Any] | None"]


def _eq(spec: dict[str, Any]) -> dict[str, Any]:
    return spec["equations"][0]


def _ydec(trial: Trial) -> int:
    return 1 if trial.area == "mu" else 0


def plant_f_vs_p(trial: Trial, res: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """The p printed beside F belongs to another F: significant F with p = 0.35, or vice versa."""
    out = copy.deepcopy(spec)
    out["anova"][0]["p"] = "0.3500" if res["p"] < 0.05 else "0.0010"
    if abs(res["p"] - float(out["anova"][0]["p"])) < 0.1:  # pragma: no cover - p near 0.35
        out["anova"][0]["p"] = "0.9000"
    return out


def plant_words(trial: Trial, res: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """The words say the opposite of the test: 'not significant' with p < 0.05, and vice versa."""
    out = copy.deepcopy(spec)
    out["anova"][0]["words"] = [WORDS[trial.lang][0 if res["p"] < 0.05 else 2]]
    return out


def plant_letters(trial: Trial, res: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any] | None:
    """All means share the letter 'a' although the largest and smallest differ clearly."""
    pairs = res["comparison"].pairs
    clear = pairs["diff"].abs() > 1.2 * pairs["critical_range"]
    if not clear.any():
        return None
    out = copy.deepcopy(spec)
    out["comparison"]["letters"] = {t: "a" for t in trial.treatments}
    for t in out["design"]["treatments"]:
        t["letters"] = "a"
    return out


def plant_convex_maximum(
    trial: Trial, res: dict[str, Any], spec: dict[str, Any]
) -> dict[str, Any] | None:
    """A convex curve (quadratic term > 0) whose stationary point is printed as the maximum.

    The linear and quadratic coefficients change sign, so the stationary rate is the printed
    one but is a minimum; the printed yield there is the new curve's (no second error).
    """
    if trial.kind != "rate" or "maximum" not in res:
        return None
    out = copy.deepcopy(spec)
    eq = _eq(out)
    a = float(eq["coefficients"]["intercept"])
    b = -float(eq["coefficients"]["linear"])
    c = -float(eq["coefficients"]["quadratic"])
    eq["coefficients"]["linear"] = sig(b, 4)
    eq["coefficients"]["quadratic"] = sig(c, 4)
    x = -b / (2 * c)
    eq["maximum"] = {
        "rate": eq["maximum"]["rate"],
        "yield": dec(a + b * x + c * x * x, _ydec(trial)),
    }
    eq.pop("optimum", None)
    return out


def plant_saddle(trial: Trial, res: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any] | None:
    """A ternary surface with a saddle whose stationary point is printed as the maximum.

    The quadratic part gets one positive eigenvalue (its weakest axis flipped and doubled); the
    linear terms are set so that the stationary point stays the printed one, and the intercept
    so that the yield there does too.
    """
    if trial.kind != "3414" or "maximum" not in res:
        return None
    out = copy.deepcopy(spec)
    eq = _eq(out)
    b, B, a = _surface_parts(res["coefficients"])
    lam, vec = np.linalg.eigh(B)
    i = int(np.argmax(lam))  # the eigenvalue nearest zero (all are negative)
    B2 = B + 2.0 * (abs(lam[i]) + 0.5 * abs(lam).mean()) * np.outer(vec[:, i], vec[:, i])
    xs = np.array([res["maximum"]["rates"][n] for n in NUTRIENTS])
    ys = res["maximum"]["yield"]
    b2 = -2.0 * B2 @ xs
    a2 = ys - (b2 @ xs + xs @ B2 @ xs)
    eq["coefficients"] = {k: sig(v, 4) for k, v in _surface_coefficients(a2, b2, B2).items()}
    eq.pop("optimum", None)
    return out


def _surface_parts(coef: dict[str, float]) -> tuple[np.ndarray, np.ndarray, float]:
    b = np.array([coef[n] for n in NUTRIENTS])
    B = np.zeros((3, 3))
    for i, n in enumerate(NUTRIENTS):
        B[i, i] = coef[f"{n}^2"]
        for j in range(i + 1, 3):
            B[i, j] = B[j, i] = coef[f"{n}:{NUTRIENTS[j]}"] / 2
    return b, B, coef["intercept"]


def _surface_coefficients(a: float, b: np.ndarray, B: np.ndarray) -> dict[str, float]:
    out = {"intercept": float(a)}
    out.update({n: float(b[i]) for i, n in enumerate(NUTRIENTS)})
    out.update({f"{n}^2": float(B[i, i]) for i, n in enumerate(NUTRIENTS)})
    for i in range(3):
        for j in range(i + 1, 3):
            out[f"{NUTRIENTS[i]}:{NUTRIENTS[j]}"] = float(2 * B[i, j])
    return out


def plant_beyond_range(
    trial: Trial, res: dict[str, Any], spec: dict[str, Any]
) -> dict[str, Any] | None:
    """The printed maximum lies at 1.3-2 times the highest tested rate (equation made to agree)."""
    if "maximum" not in res:
        return None
    rng = np.random.default_rng(trial.seed + 7)
    out = copy.deepcopy(spec)
    eq = _eq(out)
    factor = rng.uniform(1.3, 2.0)
    if trial.kind == "rate":
        a = res["coefficients"]["intercept"]
        b = res["coefficients"]["linear"]
        x = factor * float(trial.rates["N"].max())
        c = -b / (2 * x)
        eq["coefficients"]["quadratic"] = sig(c, 4)
        eq["maximum"] = {
            "rate": dec(x, 2 if trial.area == "mu" else 1),
            "yield": dec(a + b * x + c * x * x, _ydec(trial)),
        }
    else:
        b, B, a = _surface_parts(res["coefficients"])
        xs = factor * trial.rates.max().to_numpy(dtype=float)
        b2 = -2.0 * B @ xs
        ys = a + b2 @ xs + xs @ B @ xs
        eq["coefficients"] = {k: sig(v, 4) for k, v in _surface_coefficients(a, b2, B).items()}
        eq["maximum"] = {
            "rates": {n: dec(v, 2) for n, v in zip(NUTRIENTS, xs, strict=True)},
            "yield": dec(ys, _ydec(trial)),
        }
    eq.pop("optimum", None)
    return out


def plant_off_curve(
    trial: Trial, res: dict[str, Any], spec: dict[str, Any]
) -> dict[str, Any] | None:
    """The printed maximum yield is 4 % above the curve's value at the printed rate."""
    if "maximum" not in res:
        return None
    out = copy.deepcopy(spec)
    eq = _eq(out)
    eq["maximum"]["yield"] = dec(1.04 * res["maximum"]["yield"], _ydec(trial))
    return out


def plant_r_as_sqrt_adjusted(
    trial: Trial, res: dict[str, Any], spec: dict[str, Any]
) -> dict[str, Any] | None:
    """The fit is reported as r = √(adjusted R²) instead of R² (or its root).

    Not plantable when R² is so close to 1 that √R² and √adj R² agree to 4 decimals
    within a few rounding units.
    """
    r2 = res["r_squared"]
    n = len(trial.treatments)
    p = len(res["coefficients"])
    adj = 1 - (1 - r2) * (n - 1) / (n - p)
    if adj <= 0 or math.sqrt(r2) - math.sqrt(adj) < 4e-4:
        return None
    out = copy.deepcopy(spec)
    eq = _eq(out)
    del eq["r_squared"]
    eq["r"] = dec(math.sqrt(adj), 4)
    return out


OMISSION_SET = ("N0P0K0", "N0P2K2", "N2P0K2", "N2P2K0", "N2P2K2")


def plant_unidentifiable(
    trial: Trial, res: dict[str, Any], spec: dict[str, Any]
) -> dict[str, Any] | None:
    """The equation has more coefficients than the design has distinct treatments.

    A 3414 trial keeps only its five omission treatments (CK, -N, -P, -K, NPK) beside the
    full ternary quadratic (10 coefficients); a rate trial keeps only its control and its
    highest rate beside the quadratic (3 coefficients).  The ANOVA and letters of the full
    trial are left out (they belong to more treatments).
    """
    keep = OMISSION_SET if trial.kind == "3414" else (trial.treatments[0], trial.treatments[-1])
    out = copy.deepcopy(spec)
    out["design"]["treatments"] = [t for t in out["design"]["treatments"] if t["name"] in keep]
    out.pop("anova", None)
    out.pop("comparison", None)
    out["economics"]["rows"] = [r for r in out["economics"]["rows"] if r["treatment"] in keep]
    for t in out["design"]["treatments"]:
        t.pop("letters", None)
    return out


def plant_product_price(
    trial: Trial, res: dict[str, Any], spec: dict[str, Any]
) -> dict[str, Any] | None:
    """The price of urea is used as the price of N in the optimum (the paper prints urea's price).

    Only for rate trials that price urea and whose curve has an optimum: the printed optimum
    is recomputed with the product price per kg of N, a ratio 0.46 times too small.
    """
    if trial.kind != "rate" or not trial.products or "optimum" not in res:
        return None
    out = copy.deepcopy(spec)
    eq = _eq(out)
    a, b, c = (res["coefficients"][k] for k in ("intercept", "linear", "quadratic"))
    ratio = trial.products["N"][0] / trial.prices["crop"]
    x = (ratio - b) / (2 * c)
    if x > float(trial.rates["N"].max()):
        return None
    eq["optimum"] = {
        "rate": dec(x, 2 if trial.area == "mu" else 1),
        "yield": dec(a + b * x + c * x * x, _ydec(trial)),
    }
    return out


def plant_per_area(trial: Trial, res: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """The economics table is per ha while the paper's unit is per mu (or the reverse)."""
    factor = MU_PER_HA if trial.area == "mu" else 1 / MU_PER_HA
    out = copy.deepcopy(spec)
    for row, r in zip(out["economics"]["rows"], res["economics"], strict=True):
        for key in ("yield_change", "cost", "income", "income_change"):
            row[key] = dec(r[key] * factor, 1)
    return out


def plant_income_arithmetic(
    trial: Trial, res: dict[str, Any], spec: dict[str, Any]
) -> dict[str, Any] | None:
    """One row's income change is 8 % (at least 20 yuan) off its arithmetic."""
    out = copy.deepcopy(spec)
    i = int(np.argmax([abs(r["income_change"]) for r in res["economics"]]))
    r = res["economics"][i]
    out["economics"]["rows"][i]["income_change"] = dec(
        r["income_change"] + max(0.08 * abs(r["income_change"]), 20.0), 1
    )
    return out


def plant_percentage(
    trial: Trial, res: dict[str, Any], spec: dict[str, Any]
) -> dict[str, Any] | None:
    """One row's income change % is taken of the treatment's income, not the reference's."""
    out = copy.deepcopy(spec)
    i = int(np.argmax([abs(r["income_change"]) for r in res["economics"]]))
    r = res["economics"][i]
    wrong = 100 * r["income_change"] / r["income"]
    if abs(wrong - r["income_change_pct"]) < 0.5:
        return None
    out["economics"]["rows"][i]["income_change_pct"] = dec(wrong, 2)
    return out


#: kind of error -> the function that plants it.
PLANTS: dict[str, Plant] = {
    "f_vs_p": plant_f_vs_p,
    "significance_words": plant_words,
    "letters": plant_letters,
    "convex_maximum": plant_convex_maximum,
    "saddle": plant_saddle,
    "beyond_range": plant_beyond_range,
    "off_curve": plant_off_curve,
    "r_as_sqrt_adjusted": plant_r_as_sqrt_adjusted,
    "unidentifiable": plant_unidentifiable,
    "product_price": plant_product_price,
    "per_area": plant_per_area,
    "income_arithmetic": plant_income_arithmetic,
    "percentage": plant_percentage,
}
