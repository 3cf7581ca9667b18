"""Labels of the pooled 3414 analysis (:func:`fertopt.pool_three414`): key → (English, Chinese).

See :func:`fertopt._core.i18n.label`.
"""

from __future__ import annotations

POOL3414_TEXT: dict[str, tuple[str, str]] = {
    "p4_title": ("Pooled 3414 analysis of a trial network", "3414 多点试验汇总分析"),
    "p4_headline": (
        "{method}: {n} trials, {typical} typical; {classes}",
        "{method}：{n} 个试验，{typical} 个典型式；{classes}",
    ),
    "p4_headline_one": (
        "regional N-P-K {rates} ({status})",
        "区域推荐 N-P-K {rates}（{status}）",
    ),
    "p4_headline_classes": ("{k} classes by {by}", "按{by}分为 {k} 类"),
    "p4_method": ("Method", "方法"),
    "p4_short_coefficient_average": ("coefficient averaging", "回归系数平均法"),
    "p4_short_class_regression": ("class regression", "分类回归法"),
    "p4_method_coefficient_average": (
        "coefficient averaging of the typical trials' equations",
        "回归系数平均法（典型式方程的系数平均）",
    ),
    "p4_method_class_regression": (
        "class regression (one equation per class, fitted to its plots)",
        "分类回归法（每类试验的小区数据拟合一个方程）",
    ),
    "p4_classes": ("Classes", "分类依据"),
    "p4_classes_none": ("none (one regional equation)", "不分类（一个区域方程）"),
    "p4_by_ck": ("CK yield", "空白区（CK）产量"),
    "p4_trials": ("Trials", "试验数"),
    "p4_trials_text": (
        "{n} with a ternary surface; {typical} typical, {atypical} atypical (excluded from "
        "averaging)",
        "{n} 个有三元二次方程；典型式 {typical} 个，非典型式 {atypical} 个（不参加平均）",
    ),
    "p4_alpha": ("Significance level (rule 1)", "回归显著性水平（规则 1）"),
    "p4_recommendations": ("Recommendations", "推荐施肥量"),
    "p4_equations": ("Equations (coefficients)", "肥料效应方程（系数）"),
    "p4_excluded": (
        "Atypical trials (excluded) and the rules they fail",
        "非典型式试验（剔除）及未通过的规则",
    ),
    "p4_col_class": ("class", "类别"),
    "p4_col_class_low": ("from", "下限"),
    "p4_col_class_high": ("below", "上限（不含）"),
    "p4_col_n_trials": ("trials used", "参与试验数"),
    "p4_col_n_in_class": ("trials in class", "该类试验数"),
    "p4_col_ck_yield": ("CK yield", "CK 产量"),
    "p4_col_yield": ("yield", "产量"),
    "p4_col_net_return": ("net return", "施肥纯收益"),
    "p4_col_kind": ("kind", "曲面类型"),
    "p4_col_typical": ("typical", "典型式"),
    "p4_col_failed_rules": ("failed rules", "未通过的规则"),
    "p4_col_r_squared": ("R²", "R²"),
    "p4_col_intercept": ("intercept", "截距"),
}
