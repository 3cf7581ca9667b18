"""Keyed messages of the analyses (notes, warnings, errors): key → (English, Chinese).

An analysis builds its texts with :func:`fertopt._core.i18n.message`, so the
English text users see in ``warnings`` and error messages and the Chinese
text of a report come from one entry here.  Fields are already formatted
(numbers) or are units and messages rendered in each language.
"""

from __future__ import annotations

MESSAGE_TEXT: dict[str, tuple[str, str]] = {
    # -- lists ----------------------------------------------------------------
    "joined": ("{parts}", "{parts}"),
    "listed": ("{parts}", "{parts}"),
    "and_more": ("{items} and {k} more", "{items}等（另有 {k} 处）"),
    "row": ("row {rows}", "第 {rows} 行"),
    "rows": ("rows {rows}", "第 {rows} 行"),
    "row_value": ("row {row} ({value})", "第 {row} 行（{value}）"),
    # -- optima of response curves --------------------------------------------
    "extrapolated_above": (
        "the optimum {rate} lies above the highest tested rate ({limit}): it is an extrapolation "
        "of the fitted curve, not a recommendation; test a wider range of rates",
        "最佳施肥量 {rate} 高于最高试验施肥量（{limit}）：这是拟合曲线的外推值，不宜作为推荐用量；"
        "请扩大试验施肥量的范围",
    ),
    "extrapolated_below": (
        "the optimum {rate} lies below the lowest tested rate ({limit}): it is an extrapolation "
        "of the fitted curve, not a recommendation; test a wider range of rates",
        "最佳施肥量 {rate} 低于最低试验施肥量（{limit}）：这是拟合曲线的外推值，不宜作为推荐用量；"
        "请扩大试验施肥量的范围",
    ),
    # -- plots left out ---------------------------------------------------------
    "left_out_no_response": (
        "{n} plot(s) without a response were left out ({rows}).",
        "{n} 个小区缺少观测值，未参加分析（{rows}）。",
    ),
    "left_out_no_rate": (
        "{n} plot(s) without a rate or response were left out ({rows})",
        "{n} 个小区缺少施肥量或观测值，未参加分析（{rows}）",
    ),
    "left_out_no_column": (
        "{n} {plots} with no {column} {were} left out ({rows}).",
        "{n} 个小区缺少 {column} 的数值，未参加分析（{rows}）。",
    ),
    "left_out_no_response_value": (
        "{n} plot(s) without a response value were left out ({rows}).",
        "{n} 个小区缺少观测值，未参加分析（{rows}）。",
    ),
    # -- analysis of variance -------------------------------------------------------
    "no_residual_df": (
        "no residual degrees of freedom: the model uses all {n} plots ({terms}), so the error "
        "cannot be estimated. Add replicates, or leave out a term (for example an interaction).",
        "没有剩余自由度：模型（{terms}）用尽了全部 {n} 个小区，无法估计误差。"
        "请设置重复，或去掉一个效应项（例如交互作用）。",
    ),
    "incomplete_blocks": (
        "incomplete blocks: each block holds {k} of the {n} treatment combinations (a confounded "
        "factorial or an incomplete block design). Effects confounded with blocks cannot be "
        "estimated; treatments are tested after adjusting for blocks.",
        "不完全区组：每个区组只包含 {n} 个处理组合中的 {k} 个（混杂析因设计或不完全区组设计）。"
        "与区组混杂的效应无法估计；处理效应在扣除区组效应后检验。",
    ),
    "missing_plots": (
        "missing plots: no plot for {cells}. The trial is analysed as an unbalanced RCBD: "
        "treatments are tested after adjusting for blocks (sequential sums of squares, blocks "
        "first) and means are arithmetic means of the plots present.",
        "缺区：{cells} 没有小区。按非平衡随机区组设计分析：处理效应在扣除区组效应后检验"
        "（序贯平方和，区组在前），平均值为现有小区的算术平均。",
    ),
    "replicated_in_block": (
        "{cells} hold{s} more than one plot; analysed as an RCBD with replication within blocks. "
        "If these are duplicated rows, remove them.",
        "{cells} 有不止一个小区：按区组内有重复的随机区组设计分析。"
        "如果这些是重复录入的行，请删除。",
    ),
    "not_latin_square": (
        "the layout is not a Latin square ({t} treatments, {r} rows, {c} columns, {n} plots; each "
        "treatment should appear once in every row and column). Analysed as rows + columns + "
        "treatments, additive.",
        "该布局不是拉丁方（{t} 个处理、{r} 行、{c} 列、{n} 个小区；"
        "每个处理应在每行、每列各出现一次）。按行 + 列 + 处理的加性模型分析。",
    ),
    "empty_cells": (
        "empty factorial cells: {cells}. Interaction sums of squares cover only the estimable "
        "contrasts.",
        "析因设计有空缺的组合：{cells}。交互作用平方和只包含可估计的对比。",
    ),
    # -- multiple comparisons ---------------------------------------------------------
    "mc_unequal_replication": (
        "Replication is unequal: the means are arithmetic means of the plots (as in agricolae), "
        "not least-squares means.",
        "各处理重复数不等：平均值为各小区的算术平均（与 agricolae 相同），不是最小二乘均值。",
    ),
    "mc_piepho": (
        "agricolae's letter sweep (orderPvalue) would have given letters that contradict the "
        "pairwise decisions{where}; Piepho's algorithm was used instead, so the letters differ "
        "from agricolae's but follow the decisions exactly.",
        "agricolae 的标记字母算法会给出与两两比较结论相矛盾的字母，因此改用 Piepho 算法："
        "字母与 agricolae 不同，但与两两比较的结论完全一致。",
    ),
    "mc_piepho_some": (
        "agricolae's letter sweep (orderPvalue) would have given letters that contradict the "
        "pairwise decisions{where}; Piepho's algorithm was used instead, so the letters differ "
        "from agricolae's but follow the decisions exactly.",
        "在部分分组中，agricolae 的标记字母算法会给出与两两比较结论相矛盾的字母，因此改用 Piepho "
        "算法：字母与 agricolae 不同，但与两两比较的结论完全一致。",
    ),
    "mc_duncan_protection": (
        "Duncan's test protects each range at (1 − α)^(p − 1); it does not control the "
        "experimentwise error rate (Tukey's test does).",
        "Duncan 法对每个极差的保护水平为 (1 − α)^(p − 1)，不控制试验总体误差率（Tukey 法控制）。",
    ),
}
