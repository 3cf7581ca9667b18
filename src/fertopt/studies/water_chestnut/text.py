"""Texts (English and Chinese) and styles of the water-chestnut audit (see ``_water_chestnut``)."""

from __future__ import annotations

__all__ = ["VERDICTS", "VERDICT_CLASS"]

#: Verdict keys and their display text in English and Chinese.
VERDICTS: dict[str, dict[str, str]] = {
    "confirmed": {"en": "confirmed", "zh": "正确"},
    "consistent within rounding": {"en": "consistent within rounding", "zh": "在舍入误差内一致"},
    "wrong": {"en": "wrong", "zh": "错误"},
    "contradictory": {"en": "contradictory", "zh": "自相矛盾"},
    "outside the tested range": {"en": "outside the tested range", "zh": "超出试验范围"},
    "not supported by the design": {"en": "not supported by the design", "zh": "试验设计不支持"},
    "cannot be checked": {"en": "cannot be checked", "zh": "无法核查"},
}

#: CSS class of each verdict in the HTML page.
VERDICT_CLASS: dict[str, str] = {
    "confirmed": "confirmed",
    "consistent within rounding": "consistent",
    "wrong": "wrong",
    "contradictory": "contradictory",
    "outside the tested range": "extrapolated",
    "not supported by the design": "unsupported",
    "cannot be checked": "unchecked",
}

COLUMNS = [
    "item",
    "topic",
    "claim",
    "paper",
    "paper_value",
    "fertopt",
    "fertopt_value",
    "verdict",
    "verdict_text",
    "explanation",
    "low",
    "high",
]

TEXT = {
    "title": {
        "en": "The water-chestnut study, reproduced and audited",
        "zh": "马蹄肥料配方校正试验: 复核与审查",
    },
    "headline": {
        "en": "{n} published numbers checked: {counts}",
        "zh": "共复核 {n} 项结果: {counts}",
    },
    "about": {
        "en": (
            "Water chestnut fertilizer formula-correction trial, Lipu county, Guangxi, 2013: "
            "5 treatments (blank, formula 18-8-19 kg/667 m² N-P2O5-K2O, reduced K, reduced N, "
            "reduced P) in 3 randomized complete blocks. The plot data are lost; the analysis "
            "uses fertopt's reconstruction, which reproduces every published treatment "
            "difference and F = 29.58. Verdicts that depend only on the printed equations, "
            "prices, means and F hold for the real data too."
        ),
        "zh": (
            "马蹄肥料配方校正试验 (广西荔浦县, 2013 年): 5 个处理 (空白区、配方区 N-P2O5-K2O "
            "18-8-19 kg/667 m²、减钾区、减氮区、减磷区), 3 次重复, 随机区组排列。原始小区数据已"
            "遗失, 本分析使用 fertopt 的重建数据, 它重现了文中全部处理间产量差异和 F = 29.58。"
            "仅依赖于文中公布的方程、价格、均值和 F 值的结论对原始数据同样成立。"
        ),
    },
    "audit_table": {
        "en": "Audit: paper says / fertopt finds / verdict",
        "zh": "审查表: 原文 / fertopt 结果 / 结论",
    },
    "labels": {
        "en": {
            "topic": "Topic",
            "claim": "Claim",
            "paper": "Paper says",
            "fertopt": "fertopt finds",
            "verdict_text": "Verdict",
            "explanation": "Why",
        },
        "zh": {
            "topic": "项目",
            "claim": "原文内容",
            "paper": "原文数值",
            "fertopt": "fertopt 结果",
            "verdict_text": "结论",
            "explanation": "说明",
        },
    },
    "reconstruction": {"en": "About the reconstruction", "zh": "关于重建数据"},
    "reconstruction_text": {
        "en": (
            "The study printed no plot data. fertopt's reconstruction (data/water_chestnut in the "
            "source repository; fertopt.load_dataset('water_chestnut')) keeps every published fact "
            "that pins the data down: 5 treatments x 3 blocks; blank 1688.9 and formula 3188.9 "
            "kg/667 m² (from the printed P equation and the income figures); differences of "
            "+233.4 (reduced N), -311.1 (reduced K) and -177.8 (reduced P) kg from the formula; "
            "treatment F = 29.58 on (4, 8) df. The rates of Table 1 are inferred: 2 kg steps, "
            "reduced N = 16-8-21 and reduced K = 20-8-17 (N and K2O swap 2 kg), reduced P = "
            "18-6-19; with them the printed economics and equations are reproduced. Block effects "
            "(+40, 0, -40) and plot errors are constructed, not observed."
        ),
        "zh": (
            "原文未给出小区数据。fertopt 的重建数据 (内置数据集 water_chestnut) "
            "保留了所有能确定数据的已发表事实: "
            "5 个处理 × 3 个区组; 空白区 1688.9、配方区 3188.9 kg/667 m² "
            "(由磷肥方程与收益数据推得); 减氮区 +233.4、减钾区 −311.1、减磷区 −177.8 kg "
            "(相对配方区); 处理间 F = 29.58, 自由度 (4, 8)。表 1 的施肥量为推断值: 每次调整 2 kg, "
            "减氮区 16-8-21、减钾区 20-8-17 (N 与 K2O 互换 2 kg)、减磷区 18-6-19; "
            "据此可重现原文的经济效益数据和回归方程。区组效应 (+40, 0, −40) 和小区误差为构造值, "
            "并非观测值。"
        ),
    },
    "figures": {"en": "Figures", "zh": "图"},
    "paper_says": {"en": "paper", "zh": "原文"},
    "warnings": {"en": "Warnings", "zh": "警告"},
    "analysis": {"en": "Analysis of the reconstructed trial", "zh": "重建数据的统计分析"},
}


FIGURE_TEXT = {
    "en": {
        "paper_max": "paper: maximum",
        "paper_opt": "paper: optimum",
        "max": "maximum",
        "opt": "economic optimum",
        "min": "minimum (convex curve)",
        "eq_at": "equation at the paper's x",
        "p_title": "P2O5: y = -18.052x² + 328.69x + 1688.9",
        "k_title": "K2O: y = 3.2568x² + 13.338x + 1689.3 (convex: no maximum)",
        "omission_title": "Relative yield of the reduced plots",
        "means_title": "Treatment means ± SE with Duncan's letters (5 %)",
        "paper_point": "paper's 'optimum'",
        "formula_box": "base formula's range",
        "design": "treatments (filled: P2O5 = 8)",
        "surface_title": "Ternary equation at P2O5 = 8: a saddle, rising with N and K",
        "captions": {
            "means": "Treatment means of the reconstruction with Duncan's letters: means sharing "
            "a letter do not differ at 5 %; the formula shares a letter with every "
            "reduced plot.",
            "p_curve": "The printed P2O5 equation: the paper's maximum yield (cross) is off the "
            "curve; fertopt's maximum and economic optimum (circles) lie beyond the "
            "highest rate tested (shaded).",
            "k_curve": "The printed K2O equation is convex: its stationary point is a minimum at a "
            "negative rate; the paper's 'optimum' is not on the curve.",
            "surface": "The ternary equation at P2O5 = 8 over N and K2O: no maximum; the paper's "
            "point lies outside the formula's range and outside the treatments.",
            "omission": "Relative yield (reduced plot / formula) with ± 1 SE and 95 % intervals.",
        },
        "axes": {"tested": "tested rates", "y": "yield (kg/667 m²)"},
    },
    "zh": {
        "paper_max": "原文: 最高产量",
        "paper_opt": "原文: 最佳产量",
        "max": "最高产量",
        "opt": "最佳经济施肥量",
        "min": "最低点 (开口向上)",
        "eq_at": "方程在原文施肥量处的值",
        "p_title": "磷: y = -18.052x² + 328.69x + 1688.9",
        "k_title": "钾: y = 3.2568x² + 13.338x + 1689.3 (开口向上, 无最高点)",
        "omission_title": "减量区的相对产量",
        "means_title": "各处理平均产量 ± 标准误及新复极差法字母 (5%)",
        "paper_point": "原文 '最优组合'",
        "formula_box": "原配方用量范围",
        "design": "试验处理 (实心: P2O5 = 8)",
        "surface_title": "三元二次方程 (P2O5 = 8): 鞍点, 随 N、K 增加而上升",
        "captions": {
            "means": "重建数据各处理平均产量及新复极差法字母: 字母相同者在 5% 水平差异不显著; "
            "配方区与各减量区均有相同字母。",
            "p_curve": "原文磷肥方程: 原文的最高产量 (叉号) 不在曲线上; "
            "fertopt 求得的最高产量与最佳经济施肥量 (圆圈) 均超出试验的最高施磷量 "
            "(阴影为试验范围)。",
            "k_curve": "原文钾肥方程开口向上: 其驻点是负施肥量处的最低点; "
            "原文的'最佳产量'不在曲线上。",
            "surface": "三元二次方程在 P2O5 = 8 时随 N 与 K2O 的变化: 无最高点; 原文的组合超出配方"
            "用量范围, 也超出各处理覆盖的范围。",
            "omission": "相对产量 (减量区 / 配方区), 误差线为 ± 1 标准误和 95% 置信区间。",
        },
        "axes": {"tested": "试验施肥范围", "y": "产量 (kg/667 m²)"},
    },
}


#: What the audit page adds to the report's page style: the verdict colours and a smaller
#: font in the wide audit table.
CSS = (
    ".fertopt-audit table.audit td{font-size:13px;vertical-align:top;padding:3px 8px}"
    ".fertopt-audit table.audit th{padding:4px 8px}"
    ".fertopt-audit .headline{font-weight:600;margin:4px 0 10px;padding:4px 12px;"
    "border-left:4px solid #0072B2;background:#eef5fb}"
    ".fertopt-audit .v-confirmed,.fertopt-audit .v-consistent{background:#e3f1e3}"
    ".fertopt-audit .v-wrong,.fertopt-audit .v-contradictory{background:#f8dcdc}"
    ".fertopt-audit .v-misread,.fertopt-audit .v-extrapolated,.fertopt-audit .v-unsupported"
    "{background:#fcefd2}"
)


CSS_SCOPED = (
    ".fertopt-audit table{border-collapse:collapse;margin:6px 0 14px 0}"
    ".fertopt-audit th,.fertopt-audit td{padding:3px 8px;border-bottom:1px solid #ddd;"
    "vertical-align:top;text-align:left}.fertopt-audit th{background:rgba(128,128,128,.12)}"
    ".fertopt-audit .v-confirmed,.fertopt-audit .v-consistent{background:rgba(60,160,60,.18)}"
    ".fertopt-audit .v-wrong,.fertopt-audit .v-contradictory{background:rgba(200,40,40,.18)}"
    ".fertopt-audit .v-misread,.fertopt-audit .v-extrapolated,.fertopt-audit .v-unsupported"
    "{background:rgba(230,160,20,.2)}"
)
