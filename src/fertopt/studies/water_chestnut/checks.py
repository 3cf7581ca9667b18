"""The checks of the water-chestnut audit, one function per claim of the paper.

Each ``_check_*`` function re-derives a group of the study's printed numbers
(ANOVA, the P2O5, K2O and N equations, the ternary equation, the economics)
and adds one row per claim to :class:`Rows`: the claim, the paper's number,
fertopt's number, a verdict from ``VERDICTS`` and the arithmetic behind it, in
English and Chinese.  :func:`fertopt.studies.water_chestnut.audit` runs them.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.i18n import status_text
from fertopt.exceptions import DesignError
from fertopt.response import response_from_coefficients
from fertopt.studies.water_chestnut.text import COLUMNS, VERDICTS
from fertopt.surface import fit_surface, surface_from_coefficients

__all__ = [
    "Rows",
    "treatment_means",
    "refit_equations",
    "published_curves",
    "published_surface",
    "check_anova",
    "check_reduced_k",
    "check_p",
    "check_k",
    "check_n",
    "check_ternary",
    "check_ternary_stats",
    "check_economics",
]


class Rows:
    """Collects audit rows in one language."""

    def __init__(self, lang: str):
        self.lang = lang
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        item: str,
        *,
        topic: tuple[str, str],
        claim: tuple[str, str],
        paper: str,
        paper_value: float,
        fertopt: tuple[str, str],
        fertopt_value: float,
        verdict: str,
        why: tuple[str, str],
    ) -> None:
        i = 0 if self.lang == "en" else 1
        self.rows.append(
            {
                "item": item,
                "topic": topic[i],
                "claim": claim[i],
                "paper": paper,
                "paper_value": float(paper_value),
                "fertopt": fertopt[i],
                "fertopt_value": float(fertopt_value),
                "verdict": verdict,
                "verdict_text": VERDICTS[verdict][self.lang],
                "explanation": why[i],
            }
        )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=COLUMNS)


def treatment_means(aov: Any) -> pd.Series:
    return aov.means().set_index(aov.factors[0])["mean"]


def refit_equations(means: pd.Series, rates: pd.DataFrame) -> dict[str, Any]:
    """Least squares of the printed equations' forms on the five treatment means."""
    y = means.loc[rates.index].to_numpy(dtype=float)
    total = float(((y - y.mean()) ** 2).sum())
    out: dict[str, Any] = {}
    for nut in ("N", "P2O5", "K2O"):
        x = rates[nut].to_numpy(dtype=float)
        X = np.c_[x**2, x, np.ones_like(x)]
        coef, *_ = np.linalg.lstsq(X, y, rcond=None)
        r = y - X @ coef
        out[nut] = (*(float(c) for c in coef), 1.0 - float(r @ r) / total)
    N, P, K = (rates[c].to_numpy(dtype=float) for c in ("N", "P2O5", "K2O"))
    X = np.c_[np.ones_like(N), P**2, N * K, P * K]
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    r = y - X @ coef
    r2 = 1.0 - float(r @ r) / total
    n, p = X.shape
    f = (r2 / (p - 1)) / ((1 - r2) / (n - p))
    adj = 1.0 - (1.0 - r2) * (n - 1) / (n - p)
    out["ternary"] = {
        "coefficients": dict(
            zip(("intercept", "P2O5^2", "N:K2O", "P2O5:K2O"), (float(c) for c in coef), strict=True)
        ),
        "r2": r2,
        "F": f,
        "df": (p - 1, n - p),
        "r_adjusted": math.sqrt(adj),
    }
    return out


def check_anova(rows: Rows, pub: dict, aov: Any) -> None:
    from scipy import stats

    row = aov.term(aov.factors[0])
    f, df1, df2 = float(row["f"]), int(row["df"]), int(aov.df_resid)
    f05, f01 = stats.f.isf(0.05, df1, df2), stats.f.isf(0.01, df1, df2)
    rows.add(
        "anova_f",
        topic=("ANOVA", "方差分析"),
        claim=("Treatments differ: F = 29.58 > F0.05 = 3.84", "处理间 F = 29.58 > F0.05 = 3.84"),
        paper=f"F = {pub['F']}; F0.05 = {pub['F_critical']}",
        paper_value=pub["F"],
        fertopt=(
            f"F({df1}, {df2}) = {f:.2f}, p = {row['p']:.5f}; F0.05({df1}, {df2}) = {f05:.3f}",
            f"F({df1}, {df2}) = {f:.2f}, p = {row['p']:.5f}; F0.05({df1}, {df2}) = {f05:.3f}",
        ),
        fertopt_value=f,
        verdict="confirmed",
        why=(
            "3.84 is the 5 % point of F(4, 8): 5 treatments in 3 blocks leave 8 error df. The "
            "reconstruction is built to F = 29.58.",
            "3.84 为 F(4, 8) 的 5% 临界值: 5 个处理、3 个区组, 误差自由度 8。"
            "重建数据按 F = 29.58 构建。",
        ),
    )
    rows.add(
        "anova_wording",
        topic=("ANOVA", "方差分析"),
        claim=(
            "Wording: 'differences not significant' (2.1) and 'significant' (note under 2.2)",
            "文字: 2.1 节称'差异不显著', 2.2 节注称'差异显著'",
        ),
        paper="不显著 / 显著"
        + (" ('not significant' / 'significant')" if rows.lang == "en" else ""),
        paper_value=math.nan,
        fertopt=(
            f"significant at 1 %: F = {f:.2f} > F0.01({df1}, {df2}) = {f01:.2f}",
            f"在 1% 水平显著: F = {f:.2f} > F0.01({df1}, {df2}) = {f01:.2f}",
        ),
        fertopt_value=f01,
        verdict="contradictory",
        why=(
            "F = 29.58 is far above both critical values; 'not significant' in 2.1 is wrong.",
            "F = 29.58 远大于两个临界值, 2.1 节'差异不显著'的说法错误。",
        ),
    )


_ZH_TREATMENT = {
    "blank": "空白区",
    "formula": "配方区",
    "reduced K": "减钾区",
    "reduced N": "减氮区",
    "reduced P": "减磷区",
}


def check_reduced_k(rows: Rows, aov: Any, means: pd.Series, mc: Any) -> None:
    from scipy import stats

    n = int(aov.means().set_index(aov.factors[0])["n"].min())
    lsd = float(stats.t.isf(0.025, aov.df_resid)) * math.sqrt(2 * aov.mse / n)
    diff = float(means["formula"] - means["reduced K"])
    letters = mc.groups.set_index("treatment")["letters"]
    order = list(mc.groups["treatment"])
    span = abs(order.index("formula") - order.index("reduced K")) + 1
    crit = float(mc.critical.set_index("span").loc[span, "critical_range"])
    shared = sorted(set(letters["formula"]) & set(letters["reduced K"]))
    rows.add(
        "reduced_k_vs_formula",
        topic=("Multiple comparison", "多重比较"),
        claim=(
            "Reduced K differs significantly from the formula (4.2)",
            "减钾区与原配方区差异显著 (4.2 节)",
        ),
        paper="显著" + (" (significant)" if rows.lang == "en" else ""),
        paper_value=diff,
        fertopt=(
            f"not significant: difference {diff:.1f} kg < Duncan's range R{span} = {crit:.1f} kg "
            f"(LSD0.05 = {lsd:.1f}); letters formula '{letters['formula']}', reduced K "
            f"'{letters['reduced K']}'",
            f"不显著: 差值 {diff:.1f} kg < 新复极差 R{span} = {crit:.1f} kg (LSD0.05 = {lsd:.1f}); "
            f"字母: 配方区 '{letters['formula']}', 减钾区 '{letters['reduced K']}'",
        ),
        fertopt_value=crit,
        verdict="wrong" if shared else "confirmed",
        why=(
            f"The error mean square follows from the printed means and F alone (MSE = MS_treatment "
            f"/ F = {aov.mse:.0f}), so the real data give the same critical ranges. Duncan letters "
            f"of all treatments: {', '.join(f'{t} {letters[t]}' for t in order)}.",
            f"误差均方仅由公布的均值和 F 值决定 (MSE = 处理均方 / F = {aov.mse:.0f}), "
            "原始数据的临界值与此相同。新复极差法字母: "
            f"{', '.join(f'{_ZH_TREATMENT[t]} {letters[t]}' for t in order)}。",
        ),
    )


def published_curves(pub: dict, rates: pd.DataFrame) -> dict[str, Any]:
    """The printed P and K equations as response curves over the rates the trial applied."""
    curves = {}
    for nut in ("P2O5", "K2O"):
        coefs = pub["equations"][nut]["coefficients"]
        curves[nut] = response_from_coefficients(
            "quadratic",
            rate_range=(0.0, float(rates[nut].max())),
            nutrient=nut,
            units={"response": "kg/mu", "rate": "kg/mu"},
            response="yield",
            **coefs,
        )
    return curves


def _value(fit: Any, x: float) -> float:
    """The printed polynomial at any x (also the negative rates the paper reports)."""
    e = fit.estimates
    return e["intercept"] + e["linear"] * x + e["quadratic"] * x * x


def check_p(rows: Rows, pub: dict, fit: Any, prices: Any) -> dict[str, Any]:
    eq = pub["equations"]["P2O5"]
    c = eq["coefficients"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # extrapolation is reported in the table
        top = fit.optimum()
        eco = fit.optimum(prices=prices)
    hi = fit.rate_range[1]
    a, b, c0 = c["quadratic"], c["linear"], c["intercept"]
    ratio = prices.nutrient_price("P2O5") / prices.crop_per_kg
    topic = ("P2O5 equation", "磷肥效应方程")
    rows.add(
        "p_max_rate",
        topic=topic,
        claim=("Rate of maximum yield 9.1 kg", "最高施磷量 9.1 kg"),
        paper=f"{eq['reported_maximum']['rate']}",
        paper_value=eq["reported_maximum"]["rate"],
        fertopt=(f"{top.rate:.3f} kg", f"{top.rate:.3f} kg"),
        fertopt_value=top.rate,
        verdict="confirmed",
        why=(
            f"x = −b / 2a = {b} / (2 × {-a}) = {top.rate:.3f}.",
            f"x = −b / 2a = {b} / (2 × {-a}) = {top.rate:.3f}。",
        ),
    )
    rows.add(
        "p_max_yield",
        topic=topic,
        claim=("Maximum yield 3195.9 kg", "最高产量 3195.9 kg"),
        paper=f"{eq['reported_maximum']['yield']}",
        paper_value=eq["reported_maximum"]["yield"],
        fertopt=(f"{top.yield_at_rate:.2f} kg", f"{top.yield_at_rate:.2f} kg"),
        fertopt_value=top.yield_at_rate,
        verdict="wrong",
        why=(
            f"y = c − b² / 4a = {c0} + {b}² / (4 × {-a}) = {c0} + {b * b / (-4 * a):.2f} = "
            f"{top.yield_at_rate:.2f}; 3195.9 is not on the curve.",
            f"y = c − b² / 4a = {c0} + {b}² / (4 × {-a}) = {c0} + {b * b / (-4 * a):.2f} = "
            f"{top.yield_at_rate:.2f}; 3195.9 不在曲线上。",
        ),
    )
    rows.add(
        "p_opt_rate",
        topic=topic,
        claim=("Economic optimum 9.1 kg", "最佳施磷量 9.1 kg"),
        paper=f"{eq['reported_optimum']['rate']}",
        paper_value=eq["reported_optimum"]["rate"],
        fertopt=(f"{eco.rate:.3f} kg", f"{eco.rate:.3f} kg"),
        fertopt_value=eco.rate,
        verdict="confirmed",
        why=(
            f"b + 2ax = Px / Py = 4.67 / 2.8 = {ratio:.4f}: x = ({ratio:.4f} − {b}) / (2 × {a}) = "
            f"{eco.rate:.3f}.",
            f"b + 2ax = Px / Py = 4.67 / 2.8 = {ratio:.4f}: x = ({ratio:.4f} − {b}) / (2 × {a}) = "
            f"{eco.rate:.3f}。",
        ),
    )
    rows.add(
        "p_opt_yield",
        topic=topic,
        claim=("Yield at the economic optimum 3185.0 kg", "最佳产量 3185.0 kg"),
        paper=f"{eq['reported_optimum']['yield']}",
        paper_value=eq["reported_optimum"]["yield"],
        fertopt=(f"{eco.yield_at_rate:.2f} kg", f"{eco.yield_at_rate:.2f} kg"),
        fertopt_value=eco.yield_at_rate,
        verdict="confirmed",
        why=(
            f"y({eco.rate:.3f}) = {eco.yield_at_rate:.2f}.",
            f"y({eco.rate:.3f}) = {eco.yield_at_rate:.2f}。",
        ),
    )
    rows.add(
        "p_recommendation",
        topic=topic,
        claim=("Recommended P rate 9.1 kg (conclusion 4.1)", "推荐施磷量 9.1 kg (4.1 节)"),
        paper="9.1",
        paper_value=9.1,
        fertopt=(
            f"status {eco.status}: above the highest P rate tested ({hi:g} kg)",
            f"{status_text(eco.status, 'zh')}: 高于试验的最高施磷量 ({hi:g} kg)",
        ),
        fertopt_value=hi,
        verdict="extrapolated",
        why=(
            "The trial applied 0, 6 and 8 kg P2O5; 9.1 kg is read off the curve beyond the data, "
            "an extrapolation rather than a tested rate.",
            "试验施磷量为 0、6、8 kg; 9.1 kg 是在数据范围之外由曲线外推得到的, "
            "并非试验验证的用量。",
        ),
    )
    return {"maximum": top, "optimum": eco}


def check_k(rows: Rows, pub: dict, fit: Any, prices: Any) -> dict[str, Any]:
    eq = pub["equations"]["K2O"]
    c = eq["coefficients"]
    top = fit.optimum()
    eco = fit.optimum(prices=prices)
    a, b, c0 = c["quadratic"], c["linear"], c["intercept"]
    x_min = top.critical_rate
    y_min = _value(fit, x_min)
    x_eco = eco.critical_rate
    y_eco = _value(fit, x_eco)
    ratio = prices.nutrient_price("K2O") / prices.crop_per_kg
    topic = ("K2O equation", "钾肥效应方程")
    rows.add(
        "k_maximum",
        topic=topic,
        claim=(
            "'Maximum' at −2.0 kg K2O giving 1675.7 kg",
            "最高施钾量 −2.0 kg, 最高产量 1675.7 kg",
        ),
        paper=f"{eq['reported_maximum']['rate']} → {eq['reported_maximum']['yield']}",
        paper_value=eq["reported_maximum"]["yield"],
        fertopt=(
            f"no maximum (status {top.status}); {x_min:.3f} kg → {y_min:.2f} is the minimum",
            f"{status_text(top.status, 'zh')}; {x_min:.3f} kg → {y_min:.2f} 是最低点",
        ),
        fertopt_value=y_min,
        verdict="misread",
        why=(
            f"a = {a} > 0: the curve is convex (U-shaped), so b + 2ax = 0 at "
            f"x = −{b} / (2 × {a}) = {x_min:.3f} gives its minimum, "
            f"{c0} − {b}² / (4 × {a}) = {y_min:.2f}. Yield rises without bound with K: "
            "no maximum exists.",
            f"a = {a} > 0, 曲线开口向上 (U 型), b + 2ax = 0 处 x = −{b} / (2 × {a}) = {x_min:.3f} "
            f"是最低点, 产量 {c0} − {b}² / (4 × {a}) = {y_min:.2f}。"
            "产量随施钾量无限增加, 不存在最高点。",
        ),
    )
    rows.add(
        "k_optimum",
        topic=topic,
        claim=(
            "'Optimum' at −1.5 kg K2O giving 1694.6 kg",
            "最佳施钾量 −1.5 kg, 最佳产量 1694.6 kg",
        ),
        paper=f"{eq['reported_optimum']['rate']} → {eq['reported_optimum']['yield']}",
        paper_value=eq["reported_optimum"]["yield"],
        fertopt=(
            f"no economic optimum (status {eco.status}); the equation gives {y_eco:.2f} at "
            f"{x_eco:.3f} kg",
            f"{status_text(eco.status, 'zh')}; 方程在 {x_eco:.3f} kg 处的值为 {y_eco:.2f}",
        ),
        fertopt_value=y_eco,
        verdict="wrong",
        why=(
            f"b + 2ax = 10.4 / 2.8 = {ratio:.4f} at x = ({ratio:.4f} − {b}) / (2 × {a}) = "
            f"{x_eco:.3f}, where y = {y_eco:.2f}, not 1694.6; on a convex curve this point is "
            "no optimum, and a negative rate is meaningless.",
            f"b + 2ax = 10.4 / 2.8 = {ratio:.4f} 时 x = ({ratio:.4f} − {b}) / (2 × {a}) = "
            f"{x_eco:.3f}, y = {y_eco:.2f}, 而非 1694.6; "
            "对开口向上的曲线该点不是最佳点, 负施肥量也没有意义。",
        ),
    )
    rows.add(
        "k_conclusion",
        topic=topic,
        claim=("Conclusion 4.1: K 'optimum yield' 1577.2 kg", "4.1 节: 钾素寻优最佳产量 1577.2 kg"),
        paper=f"{eq['conclusion']['yield']}",
        paper_value=eq["conclusion"]["yield"],
        fertopt=(
            f"below the equation's lowest value, {y_min:.2f}",
            f"低于方程的最小值 {y_min:.2f}",
        ),
        fertopt_value=y_min,
        verdict="wrong",
        why=(
            "A convex curve never falls below its minimum, so no rate gives 1577.2; the number "
            "matches neither the equation nor the other reported points.",
            "开口向上的曲线不会低于其最小值, 任何施钾量都得不到 1577.2; "
            "该数值与方程及文中其他结果均不符。",
        ),
    )
    return {
        "maximum": top,
        "optimum": eco,
        "minimum": (x_min, y_min),
        "paper_point": (x_eco, y_eco),
    }


def check_n(rows: Rows, pub: dict, prices: dict, refit: tuple) -> None:
    eq = pub["equations"]["N"]
    xm, ym = eq["reported_maximum"]["rate"], eq["reported_maximum"]["yield"]
    xo, yo = eq["reported_optimum"]["rate"], eq["reported_optimum"]["yield"]
    ratio = prices["N"] / prices["crop"]
    # slope at the optimum b + 2 a xo = ratio and b + 2 a xm = 0  =>  a = ratio / (2 (xo - xm))
    a = ratio / (2 * (xo - xm))
    gap = -a * (xo - xm) ** 2
    ra, rb, rc, _ = refit
    x_max = -rb / (2 * ra)
    rows.add(
        "n_points",
        topic=("N equation", "氮肥效应方程"),
        claim=(
            "Maximum 12.4 kg → 3522.0; optimum 12.31 kg → 3521.9 (equation lost)",
            "最高施氮量 12.4 kg, 产量 3522.0; 最佳施氮量 12.31 kg, 产量 3521.9 (方程遗失)",
        ),
        paper=f"{xm} → {ym}; {xo} → {yo}",
        paper_value=ym - yo,
        fertopt=(
            f"implied curvature a = {a:.1f}; implied yield gap {gap:.2f} kg (printed 0.1)",
            f"推算二次项系数 a = {a:.1f}; 推算产量差 {gap:.2f} kg (原文 0.1)",
        ),
        fertopt_value=gap,
        verdict="consistent",
        why=(
            f"With Px/Py = 6.25 / 2.8 = {ratio:.3f}, b + 2a·12.4 = 0 and "
            f"b + 2a·12.31 = {ratio:.3f} give a = {ratio:.3f} / (2 × (12.31 − 12.4)) = {a:.2f}, "
            f"and the two yields differ by −a × 0.09² = {gap:.2f}. Refitted on the "
            f"reconstruction: maximum {x_max:.2f} kg → {rc - rb * rb / (4 * ra):.1f}.",
            f"Px/Py = 6.25 / 2.8 = {ratio:.3f}, 由 b + 2a·12.4 = 0 与 b + 2a·12.31 = {ratio:.3f} "
            f"得 a = {a:.2f}, 两产量之差 −a × 0.09² = {gap:.2f}。用重建数据拟合: 最高施氮量 "
            f"{x_max:.2f} kg, 产量 {rc - rb * rb / (4 * ra):.1f}。",
        ),
    )


def published_surface(pub: dict, rates: pd.DataFrame) -> Any:
    """The printed ternary equation over the box of the rates the trial applied."""
    bounds = {n: (0.0, float(rates[n].max())) for n in ("N", "P2O5", "K2O")}
    return surface_from_coefficients(
        pub["equations"]["ternary"]["coefficients"],
        bounds=bounds,
        units={"response": "kg/mu", "rates": "kg/mu"},
    )


def _in_hull(point: np.ndarray, vertices: np.ndarray) -> bool:
    """Whether ``point`` is a convex combination of ``vertices`` (a small linear programme)."""
    from scipy.optimize import linprog

    n = vertices.shape[0]
    A = np.vstack([vertices.T, np.ones(n)])
    b = np.append(point, 1.0)
    res = linprog(np.zeros(n), A_eq=A, b_eq=b, bounds=[(0, None)] * n, method="highs")
    return bool(res.status == 0)


def check_ternary(
    rows: Rows, pub: dict, surf: Any, data: pd.DataFrame, rates: pd.DataFrame
) -> dict:
    eq = pub["equations"]["ternary"]
    coef = eq["coefficients"]
    rep = eq["reported_maximum"]
    point = {k: float(v) for k, v in rep["rates"].items()}
    value = float(surf.predict(point))
    # rounding of the printed coefficients: half a unit of the last digit times each term
    n, p, k = point["N"], point["P2O5"], point["K2O"]
    slack = 0.005 + 0.005 * p * p + 0.0005 * n * k + 0.005 * p * k
    topic = ("Ternary equation", "三元二次方程")
    rows.add(
        "ternary_value",
        topic=topic,
        claim=(
            "Yield 3430.67 kg at N 13.2, P2O5 8, K2O 21",
            "N 13.2、P2O5 8、K2O 21 时产量 3430.67 kg",
        ),
        paper=f"{rep['yield']}",
        paper_value=rep["yield"],
        fertopt=(f"{value:.2f} kg", f"{value:.2f} kg"),
        fertopt_value=value,
        verdict="consistent",
        why=(
            f"1688.61 − 17.65 × 8² + 0.064 × 13.2 × 21 + 16.99 × 8 × 21 = {value:.2f}; the "
            f"difference {value - rep['yield']:.2f} is within the rounding of the printed "
            f"coefficients (± {slack:.2f}).",
            f"1688.61 − 17.65 × 8² + 0.064 × 13.2 × 21 + 16.99 × 8 × 21 = {value:.2f}; 差值 "
            f"{value - rep['yield']:.2f} 在系数四舍五入误差 (± {slack:.2f}) 之内。",
        ),
    )
    can = surf.canonical()
    eig = can.eigen["eigenvalue"].to_numpy(dtype=float)
    sp = ", ".join(f"{(0.0 if abs(v) < 1e-9 else v):g}" for v in can.stationary_point.values())
    rows.add(
        "ternary_shape",
        topic=topic,
        claim=("3430.67 is the highest yield the equation gives", "3430.67 为方程的最高产量"),
        paper=f"{rep['yield']}",
        paper_value=rep["yield"],
        fertopt=(
            f"no maximum: {can.kind} at ({sp}); eigenvalues {', '.join(f'{e:.4g}' for e in eig)}",
            f"无最高点: 驻点 ({sp}) 为鞍点; 特征值 {', '.join(f'{e:.4g}' for e in eig)}",
        ),
        fertopt_value=float(eig.max()),
        verdict="wrong",
        why=(
            f"∂Y/∂N = {coef['N:K2O']} K2O > 0 and "
            f"∂Y/∂K2O = {coef['N:K2O']} N + {coef['P2O5:K2O']} P2O5 "
            "> 0 for any positive rates: yield rises without bound with N and K. The quadratic "
            "part has eigenvalues of both signs (a saddle), so no rate combination is a maximum.",
            f"∂Y/∂N = {coef['N:K2O']} K2O > 0, "
            f"∂Y/∂K2O = {coef['N:K2O']} N + {coef['P2O5:K2O']} P2O5 "
            "> 0: 产量随 N、K 用量无限增加。二次型特征值有正有负 (鞍点), 不存在最高产量组合。",
        ),
    )
    formula = pub["design"]["formula"]
    in_formula = all(point[n] <= formula[n] for n in formula)
    vertices = rates[["N", "P2O5", "K2O"]].to_numpy(dtype=float)
    inside_hull = _in_hull(np.array([n, p, k]), vertices)
    box_formula = surf.maximum(bounds={nut: (0.0, float(v)) for nut, v in formula.items()})
    box_applied = surf.maximum(bounds="tested")
    f_rates = ", ".join(f"{v:g}" for v in box_formula.rates.values())
    a_rates = ", ".join(f"{v:g}" for v in box_applied.rates.values())
    rows.add(
        "ternary_range",
        topic=topic,
        claim=("Optimum combination N 13.2, P2O5 8, K2O 21", "最优组合 N 13.2、P2O5 8、K2O 21"),
        paper="13.2 / 8 / 21",
        paper_value=point["K2O"],
        fertopt=(
            f"outside the formula's range (K2O 21 > {formula['K2O']}) and outside the region the "
            f"five treatments span; highest value in the formula's box ({f_rates}): "
            f"{box_formula.yield_at_rates:.1f}; in the box of all applied rates ({a_rates}): "
            f"{box_applied.yield_at_rates:.1f}",
            f"超出配方用量范围 (K2O 21 > {formula['K2O']}), 也超出 5 个处理所覆盖的范围; 配方范围内"
            f"最高值在 ({f_rates}): {box_formula.yield_at_rates:.1f}; 全部施用量范围内在 "
            f"({a_rates}): {box_applied.yield_at_rates:.1f}",
        ),
        fertopt_value=box_formula.yield_at_rates,
        verdict="extrapolated" if not (in_formula and inside_hull) else "confirmed",
        why=(
            "K2O 21 was applied only together with N 16 (the reduced-N plot, inferred Table 1), so "
            "N 13.2 with K2O 21 is an extrapolation; on a surface without a maximum the highest "
            "value in any box sits on its boundary, and the paper's point is neither.",
            "K2O 21 只在 N 16 时施用过 (减氮区, 推断的表 1), 因此 N 13.2 与 K2O 21 的组合属于外推; "
            "没有最高点的曲面在任何范围内的最高值都位于边界上, 原文的组合并不是。",
        ),
    )
    try:
        fit_surface(data, response="yield", rates=("N", "P2O5", "K2O"), terms="full")
    except DesignError as exc:
        message = str(exc)
    else:  # pragma: no cover - five treatments never identify ten coefficients
        message = ""
    n_support = len(np.unique(vertices, axis=0))
    rows.add(
        "ternary_design",
        topic=topic,
        claim=(
            "A ternary quadratic (stepwise) fitted to this trial, F on 'Df = 3.1'",
            "对本试验进行三元二次多项式逐步回归, Df = 3.1",
        ),
        paper="Df = 3.1",
        paper_value=1.0,
        fertopt=(
            f"10 coefficients, {n_support} treatment combinations: not identifiable; the "
            "stepwise fit keeps 4 terms with 1 residual df",
            f"10 个系数, 仅 {n_support} 个处理组合: 无法估计; "
            "逐步回归保留 4 项, 仅剩 1 个剩余自由度",
        ),
        fertopt_value=float(n_support),
        verdict="unsupported",
        why=(
            message or "Five treatment combinations cannot identify ten coefficients.",
            "三元二次方程有 10 个系数, 而本试验只有 5 个不同的施肥组合, 每个系数至少需要一个组合, "
            "因此无法估计完整方程; 逐步回归只是在设计无法区分的项之间挑选。完整的肥料效应方程需要 "
            "3414 等设计 (14 个处理)。",
        ),
    )
    return {
        "canonical": can,
        "maximum_formula_box": box_formula,
        "maximum_applied_box": box_applied,
        "value_at_paper_point": value,
        "paper_point_in_hull": inside_hull,
    }


def check_ternary_stats(rows: Rows, pub: dict, refit: dict) -> None:
    eq = pub["equations"]["ternary"]
    rows.add(
        "ternary_fit",
        topic=("Ternary equation", "三元二次方程"),
        claim=(
            "Stepwise fit: F = 608.73, 'Df = 3.1', r = 0.9989",
            "逐步回归: F = 608.73, Df = 3.1, r = 0.9989",
        ),
        paper=f"F = {eq['F']}; r = {eq['r']}",
        paper_value=eq["F"],
        fertopt=(
            f"refit on the five treatment means: F({refit['df'][0]}, {refit['df'][1]}) = "
            f"{refit['F']:.2f}; √(adjusted R²) = {refit['r_adjusted']:.4f}",
            f"用 5 个处理均值重新拟合: F({refit['df'][0]}, {refit['df'][1]}) = "
            f"{refit['F']:.2f}; √(校正 R²) = {refit['r_adjusted']:.4f}",
        ),
        fertopt_value=refit["F"],
        verdict="consistent",
        why=(
            "The equation was fitted to the 5 treatment means (F on 3 and 1 df); the printed r is "
            "the square root of the adjusted R², not the multiple correlation "
            f"({math.sqrt(refit['r2']):.4f}).",
            "方程是用 5 个处理均值拟合的 (F 的自由度为 3 和 1); 文中 r 是校正 R² 的平方根, "
            f"而不是复相关系数 ({math.sqrt(refit['r2']):.4f})。",
        ),
    )


def check_economics(rows: Rows, pub: dict, om: Any) -> None:
    econ = om.economics.set_index("treatment")
    printed = {r["treatment"]: r for r in pub["economics"]["rows"]}
    base = float(econ.loc["formula", "income"])
    implied = [
        abs(r["income_change"]) / abs(r["income_change_pct"]) * 100 for r in printed.values()
    ]
    y_full = float(econ.loc["formula", "yield"])
    cost_full = float(econ.loc["formula", "fertilizer_cost"])
    rows.add(
        "income_base",
        topic=("Economics", "经济效益"),
        claim=(
            "Percentages 7.52 %, 10.05 %, 5.69 % of the formula plot's income",
            "增幅 7.52%、减幅 10.05%、5.69% (相对于配方区收益)",
        ),
        paper=" / ".join(f"{r['income_change_pct']:+.2f} %" for r in printed.values()),
        paper_value=float(np.mean(implied)),
        fertopt=(
            f"formula income 2.8 × {y_full:.1f} − {cost_full:.2f} = {base:.2f} yuan; the three "
            f"percentages imply {', '.join(f'{v:.1f}' for v in implied)}",
            f"配方区收益 2.8 × {y_full:.1f} − {cost_full:.2f} = {base:.2f} 元; "
            "三个百分数分别推算出 "
            f"{', '.join(f'{v:.1f}' for v in implied)}",
        ),
        fertopt_value=base,
        verdict="consistent",
        why=(
            "Income = yield × 2.8 − fertilizer cost at the printed nutrient prices (18 × 6.25 + "
            "8 × 4.67 + 19 × 10.4 = 347.46 yuan); the rounded percentages put it between 8580.6 "
            "and 8584.6 yuan.",
            "收益 = 产量 × 2.8 − 按文中养分价格计算的肥料成本 (18 × 6.25 + 8 × 4.67 + 19 × 10.4 = "
            "347.46 元); 三个百分数 (四舍五入) 将其限定在 8580.6 ~ 8584.6 元之间。",
        ),
    )
    for label, r in printed.items():
        got = econ.loc[label]
        en, zh = label.capitalize(), _ZH_TREATMENT[label]
        dy = float(got["yield"] - econ.loc["formula", "yield"])
        dc = float(got["fertilizer_cost"] - cost_full)
        within = abs(got["income_change"] - r["income_change"]) < 0.005 + 2.8 * 0.05
        rows.add(
            f"income_{label.split()[1].lower()}",
            topic=("Economics", "经济效益"),
            claim=(
                f"{en}: {r['yield_change']:+.1f} kg, {r['income_change']:+.2f} yuan "
                f"({r['income_change_pct']:+.2f} %)",
                f"{zh}: {r['yield_change']:+.1f} kg, {r['income_change']:+.2f} 元 "
                f"({r['income_change_pct']:+.2f}%)",
            ),
            paper=f"{r['income_change']:+.2f} ({r['income_change_pct']:+.2f} %)",
            paper_value=r["income_change"],
            fertopt=(
                f"{got['income_change']:+.2f} yuan ({got['income_change_pct']:+.2f} %)",
                f"{got['income_change']:+.2f} 元 ({got['income_change_pct']:+.2f}%)",
            ),
            fertopt_value=float(got["income_change"]),
            verdict="confirmed" if within else "wrong",
            why=(
                f"2.8 × {dy:+.1f} − ({dc:+.2f} fertilizer cost) = {2.8 * dy - dc:+.2f}; the rates "
                "are the inferred Table 1 (2 kg steps; reduced N and reduced K swap 2 kg between N "
                "and K2O).",
                f"2.8 × {dy:+.1f} − ({dc:+.2f} 肥料成本差) = {2.8 * dy - dc:+.2f}; "
                "施肥量为推断的表 1 "
                "(每次调整 2 kg; 减氮区与减钾区在 N 与 K2O 之间互换 2 kg)。",
            ),
        )
    vcr = econ["value_cost_ratio"]
    rows.add(
        "vcr_claim",
        topic=("Economics", "经济效益"),
        claim=(
            "The value-cost ratio falls in the reduced-P and reduced-K plots",
            "减磷区、减钾区产投比降低",
        ),
        paper="↓",
        paper_value=math.nan,
        fertopt=(
            f"VCR over the blank: formula {vcr['formula']:.2f}, reduced P {vcr['reduced P']:.2f}, "
            f"reduced K {vcr['reduced K']:.2f}",
            f"产投比 (相对空白区): 配方区 {vcr['formula']:.2f}, 减磷区 {vcr['reduced P']:.2f}, "
            f"减钾区 {vcr['reduced K']:.2f}",
        ),
        fertopt_value=float(vcr["reduced K"]),
        verdict="confirmed"
        if vcr["reduced P"] < vcr["formula"] and vcr["reduced K"] < vcr["formula"]
        else "wrong",
        why=(
            "VCR = (yield − blank yield) × 2.8 / fertilizer cost.",
            "产投比 = (处理产量 − 空白区产量) × 2.8 / 肥料成本。",
        ),
    )
