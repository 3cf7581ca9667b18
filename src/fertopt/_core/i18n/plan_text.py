"""Sentences of the analysis plan (:func:`fertopt.plan_analysis`), the 3414 report section and
the headlines that name what a result rests on, in English and Chinese."""

from __future__ import annotations

__all__ = ["PLAN_TEXT"]

PLAN_TEXT: dict[str, tuple[str, str]] = {
    # -- the plan's reason line ----------------------------------------------------
    "plan_reason": ("{first}{layout}{asked}.", "{first}{layout}{asked}。"),
    "plan_in_blocks": (", in {n} blocks ({block})", "，{n} 个区组（{block}）"),
    "plan_no_blocks": (", no blocks (completely randomized)", "，无区组（完全随机）"),
    "plan_asked": (" (design {design}, as asked)", "（按指定的设计）"),
    "plan_3414": (
        "3414 trial: {rates} each have 4 rates (0 and levels 1–3) and the plots hold {k} of "
        "the 14 treatments of the 3414 table",
        "3414 试验：{rates} 各有 4 个用量（0 及 1–3 水平），"
        "各小区为 3414 方案 14 个处理中的 {k} 个",
    ),
    "plan_omission": (
        "Omission trial: {full} is the full treatment and {minus} omit {nutrients} {how}",
        "缺素试验：{full} 为全肥处理，{minus} 分别不施 {nutrients}{how}",
    ),
    "plan_by_names": ("(recognised from the treatment names)", "（由处理名称识别）"),
    "plan_by_rates": ("(recognised from the rates)", "（由施肥量识别）"),
    "plan_by_given": ("(as given)", "（按指定）"),
    "plan_also_reduced": (
        "{first}; {reduced} only lower {nutrients} (reduced-rate plots, not minus plots: no "
        "omission indices for them)",
        "{first}；{reduced} 仅减少 {nutrients} 用量（减量处理不是缺素处理，不计算其缺素指标）",
    ),
    "plan_formula_check": (
        "Formula-check trial: {full} is the full formula and {reduced} lower {nutrients} "
        "without omitting them {how}: reduced-rate plots, not minus plots, so no omission "
        "indices",
        "配方校正试验：{full} 为配方处理，{reduced} 减少 {nutrients} 用量但并未不施{how}："
        "减量处理不是缺素处理，不计算缺素指标",
    ),
    "plan_factorial_columns": (
        "Factorial {factors}: the rate columns are crossed ({levels} rates, all {k} "
        "combinations present, no treatment column)",
        "析因试验 {factors}：各施肥量列交叉（{levels} 个用量，{k} 个组合齐全，无处理列）",
    ),
    "plan_factorial_treatment": (
        "Factorial {factors}: the {k} treatments of {trt} are the {k} combinations of "
        "{levels} rates",
        "析因试验 {factors}：{trt} 的 {k} 个处理即 {levels} 个用量的 {k} 个组合",
    ),
    "plan_factorial_given": (
        "Factorial {factors} ({levels} levels, {k} combinations), as given",
        "析因试验 {factors}（{levels} 个水平，{k} 个组合），按指定",
    ),
    "plan_split_given": (
        "Split-plot: main plots {main} ({a} levels), sub-plots {sub} ({b} levels), in {n} "
        "blocks ({block}), as given",
        "裂区试验：主区 {main}（{a} 个水平），副区 {sub}（{b} 个水平），"
        "{n} 个区组（{block}），按指定",
    ),
    "plan_split_named": (
        "Split-plot: main plots {main} ({a} levels), sub-plots {sub} ({b} levels), in {n} "
        "blocks ({block}), recognised from the column names",
        "裂区试验：主区 {main}（{a} 个水平），副区 {sub}（{b} 个水平），{n} 个区组（{block}），"
        "由列名识别",
    ),
    "plan_latin": (
        "Latin square: {k} treatments in {k} rows ({row}) × {k} columns ({column})",
        "拉丁方试验：{k} 个处理排成 {k} 行（{row}）× {k} 列（{column}）",
    ),
    "plan_rate": (
        "Rate trial: the {k} treatments differ in {nutrients} rate only",
        "施肥量试验：{k} 个处理只在 {nutrients} 用量上不同",
    ),
    "plan_rate_column": (
        "Rate trial: the treatments are the {k} rates of {column} (no treatment column)",
        "施肥量试验：处理即 {column} 的 {k} 个用量（无处理列）",
    ),
    "plan_rate_multi": (
        "Rate trial: the {k} treatments differ in the rates of {nutrients} (not crossed, not a "
        "3414 or omission layout)",
        "施肥量试验：{k} 个处理在 {nutrients} 用量上不同（非交叉析因，也非 3414 或缺素方案）",
    ),
    "plan_oneway": (
        "Treatment comparison: {k} treatments of {trt}, no rate structure recognised",
        "处理比较：{trt} 共 {k} 个处理，未识别出施肥量结构",
    ),
    "plan_note_split_hint": (
        "If {first} was applied to whole plots and {second} to sub-plots within them, analyse "
        "the trial as a split-plot (main_plot={first}, sub_plot={second}; on the command line "
        "--main-plot {first} --sub-plot {second}).",
        "若 {first} 施于主区、{second} 施于主区内的副区，应按裂区设计分析（指定主区与副区因素）。",
    ),
    "plan_note_pooled": (
        "Left out of the model, as asked: {cols}, which vary within the treatments; their "
        "effect is part of the error.",
        "按指定的设计，{cols} 未纳入模型（其在处理内有变化）：其效应计入误差。",
    ),
    "plan_title": ("Analysis plan", "分析方案"),
    "plan_design": ("Design", "试验设计"),
    "plan_factors": ("Factors", "因素"),
    "plan_row": ("Row", "行区组"),
    "plan_column": ("Column", "列区组"),
    "plan_design_3414": ("3414 trial", "3414 试验"),
    "plan_design_omission": ("omission / formula-check trial", "缺素 / 配方校正试验"),
    "plan_design_factorial": ("factorial", "析因试验"),
    "plan_design_split_plot": ("split-plot", "裂区试验"),
    "plan_design_latin_square": ("Latin square", "拉丁方试验"),
    "plan_design_rate": ("rate trial", "施肥量试验"),
    "plan_design_rcbd": ("treatments in randomized complete blocks", "随机区组处理比较"),
    "plan_design_crd": ("treatments completely randomized", "完全随机处理比较"),
    # -- report: design section, sections that do not apply -------------------------
    "recognised_as": ("Recognised as", "识别结果"),
    "no_treatment_column": (
        "The table has no treatment column: name it (treatment=, --treatment) to compare the "
        "treatments.",
        "数据中没有处理列：请指定处理列后再比较各处理。",
    ),
    "simple_effect_term": (
        "{term} within each level of {within}",
        "{within} 各水平下 {term} 的比较",
    ),
    "omission_no_surface": (
        "An omission trial has too few rates of each nutrient for a response surface.",
        "缺素试验每种养分的用量太少，无法拟合肥料效应曲面。",
    ),
    "omission_only_reduced": (
        "No plot omits a nutrient (the reduced-rate plots are in their own section).",
        "没有不施某种养分的处理（减量处理另见专节）。",
    ),
    "sig_ns": ("ns", ""),
    "sig_marks_legend": (
        "** highly significant (p ≤ 0.01), * significant (p ≤ 0.05), ns not significant; t test "
        "on the error of the ANOVA.",
        "** 表示差异极显著（P ≤ 0.01），* 表示差异显著（P ≤ 0.05），未标注表示差异不显著；"
        "按方差分析的误差作 t 检验。",
    ),
    # -- reduced-rate plots ------------------------------------------------------------
    "sec_reduced": ("Reduced-rate plots", "减量处理"),
    "rd_intro": (
        "These plots lower a nutrient without omitting it, so they are not minus plots: their "
        "yield difference from the full formula is the effect of the last units of the "
        "nutrient, not of the nutrient, and no relative yield, agronomic efficiency or "
        "value-cost ratio is computed for them.",
        "这些处理减少了某种养分的用量但并未不施，因此不是缺素处理：它们与配方处理的产量差只反映"
        "最后几个单位养分的效果，而非该养分的全部效果，故不计算其相对产量、农学效率和产投比。",
    ),
    "rd_table": (
        "Reduced-rate plots compared with {full}",
        "减量处理与配方处理 {full} 的比较",
    ),
    "rd_treatment": ("Treatment", "处理"),
    "rd_nutrient": ("Nutrient", "养分"),
    "rd_rate": ("Rate", "用量"),
    "rd_full_rate": ("Rate in the formula", "配方用量"),
    "rd_mean": ("Mean", "平均产量"),
    "rd_full_mean": ("Mean of the formula", "配方平均产量"),
    "rd_difference": ("Difference", "差值"),
    "rd_se": ("SE", "标准误"),
    "rd_p": ("p", "P 值"),
    "rd_rates": (" {rate} instead of {full}", " {rate}，配方 {full}"),
    "rd_part": (
        "{treatment} ({nutrient}{rates}): {diff} ({test})",
        "{treatment}（{nutrient}{rates}）：{diff}（{test}）",
    ),
    "rd_test": ("p {p}", "P {p}"),
    "rd_test_sig": ("p {p}, {sig}", "P {p}，{sig}"),
    "rd_finding": (
        "Reduced-rate plots against {full}: {parts}.",
        "减量处理与 {full} 相比：{parts}。",
    ),
    # -- headlines that name what they rest on -------------------------------------------
    "nutrient_at_slice": ("{nutrient} (at {fixed})", "{nutrient}（{fixed} 时）"),
    "better_model": (
        "The {better} fits clearly better than the {shown} (ΔAICc {delta} for the {shown}, "
        "Akaike weight {weight} for the {better}); its {what} is {rate}.",
        "{better}的拟合明显优于{shown}（{shown}的 ΔAICc 为 {delta}），按{better}计算的{what}为 "
        "{rate}。",
    ),
    "better_model_no_rate": (
        "The {better} fits clearly better than the {shown} (ΔAICc {delta} for the {shown}, "
        "Akaike weight {weight} for the {better}); it gives no {what} either: {rate}.",
        "{better}的拟合明显优于{shown}（{shown}的 ΔAICc 为 {delta}），但{better}也不能给出{what}："
        "{rate}。",
    ),
    "better_what_econ": ("economic optimum", "最佳经济施肥量"),
    "better_what_agro": ("rate of maximum yield", "最高产量施肥量"),
    # -- the batch ---------------------------------------------------------------------
    "bt_opt_design": ("Design", "试验设计"),
    "stage_three414": ("three414", "3414 分析"),
    # -- the 3414 section ----------------------------------------------------------------
    "sec_three414": ("3414 analysis and recommended rates", "3414 试验分析与推荐施肥量"),
    "t4_intro": (
        "The standard 3414 analysis: the ternary quadratic on all 14 treatments, the binary "
        "and univariate quadratics on their standard subsets, each judged typical or atypical; "
        "each nutrient's rate comes from the first typical level of the cascade ternary → "
        "binary → univariate → linear-plateau.",
        "3414 标准分析：用全部 14 个处理拟合三元二次肥料效应函数，用各标准处理子集拟合二元和一元"
        "二次肥料效应函数，并逐一判断是否典型；每种养分的推荐施肥量取自“三元 → 二元 → 一元 → "
        "线性加平台”顺序中第一个典型的方程。",
    ),
    "t4_recommendations_table": ("3414 recommended rates", "3414 推荐施肥量"),
    "t4_cascade": (
        "Cascade ternary → binary → univariate → linear-plateau",
        "推荐顺序：三元 → 二元 → 一元 → 线性加平台",
    ),
    "t4_level_ternary": ("Ternary", "三元"),
    "t4_level_binary": ("Binary", "二元"),
    "t4_level_univariate": ("Univariate", "一元"),
    "t4_level_plateau": ("Linear-plateau", "线性加平台"),
    "t4_level_used": ("Rates taken from", "推荐施肥量来源"),
    "t4_fit_typical": ("{name} typical", "{name}典型"),
    "t4_fit_atypical": ("{name} atypical ({rules})", "{name}非典型（{rules}）"),
    "t4_fit_failed": ("{name} could not be fitted", "{name}无法拟合"),
    "t4_fit_not_judged": ("{name} not judged", "{name}未评定"),
    "t4_used": ("{nutrient}: {source}", "{nutrient}：{source}"),
    "t4_rates_in_section": (
        "A 3414 trial: the rates come from the 3414 analysis (its fits on the standard "
        "subsets), in their own section.",
        "3414 试验：推荐施肥量由 3414 分析（各标准处理子集的肥料效应函数）给出，见专节。",
    ),
    "t4_fig_caption": (
        "Each nutrient's response from the fit its recommended rate comes from (the other "
        "nutrients at level 2), the treatment means of its series and the recommended rate.",
        "各养分推荐施肥量所依据的肥料效应函数（其他养分为 2 水平）、"
        "该序列各处理平均产量及推荐施肥量。",
    ),
    "t4_short_ternary": ("ternary quadratic", "三元二次方程"),
    "t4_short_binary": ("binary quadratic", "二元二次方程"),
    "t4_short_mean": ("mean of binary quadratics", "二元二次方程的平均"),
    "t4_short_quadratic": ("univariate quadratic", "一元二次方程"),
    "t4_short_linear_plateau": ("linear-plateau", "线性加平台模型"),
    "t4_short_none": ("no usable fit", "无可用方程"),
    # -- English headers of the 3414 tables (Chinese headers come from the column keys)
    "t4_col_nutrient": ("Nutrient", "养分"),
    "t4_col_rate": ("Rate", "施肥量"),
    "t4_col_source": ("From", "推荐来源"),
    "t4_col_status": ("Status", "状态"),
    "t4_col_yield_at_rate": ("Yield at rate", "对应产量"),
    "t4_col_relative_yield": ("Relative yield (%)", "相对产量（%）"),
    "t4_col_abundance": ("Abundance", "丰缺等级"),
    "t4_col_note": ("Note", "说明"),
    "t4_col_treatment": ("Treatment", "处理"),
    "t4_col_code": ("Code", "编码"),
    "t4_col_yield_omitted": ("Yield without it", "缺素区产量"),
    "t4_col_yield_full": ("Yield of N2P2K2", "全肥区产量"),
    "t4_col_model": ("Fit", "方程"),
    "t4_col_treatments": ("Treatments", "处理"),
    "t4_col_n_obs": ("Plots", "小区数"),
    "t4_col_fitted": ("Fitted", "已拟合"),
    "t4_col_typical": ("Typical", "典型"),
    "t4_col_failed_rules": ("Rules failed", "未通过的规则"),
    "t4_col_yield_at_optimum": ("Yield at optimum", "最佳点产量"),
    "t4_col_n": ("n", "重复数"),
    "t4_col_mean": ("Mean", "平均值"),
    "t4_col_sd": ("SD", "标准差"),
    "t4_fig_means": ("treatment means", "处理平均产量"),
    "t4_fig_rate": ("recommended {rate}", "推荐 {rate}"),
    "t4_finding_part": ("{nutrient} {rate} ({source})", "{nutrient} {rate}（{source}）"),
    "t4_finding_ry": ("{nutrient} {ry} % ({cls})", "{nutrient} {ry}%（{cls}）"),
    "t4_finding": (
        "3414 recommendation ({what}): {parts}; relative yields {classes}.",
        "3414 推荐施肥量（{what}）：{parts}；相对产量 {classes}。",
    ),
}
