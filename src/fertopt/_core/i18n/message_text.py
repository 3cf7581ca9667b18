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
        "first); fo.lsmeans and the multiple comparisons compare block-adjusted least-squares "
        "means.",
        "缺区：{cells} 没有小区。按非平衡随机区组设计分析：处理效应在扣除区组效应后检验"
        "（序贯平方和，区组在前）；fo.lsmeans 与多重比较比较的是扣除区组效应的最小二乘均值。",
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
    # -- prices -------------------------------------------------------------------
    "price_ratio_prices": (
        "{ratio} {ymass} yield per {xmass} {nut} ({form} {px} ÷ crop {py} {cur} per kg)",
        "每 {xmass} {nut} 折合 {ratio} {ymass} 产量（{form} {px} ÷ 作物 {py}，{cur}/kg）",
    ),
    "price_ratio_converted": (
        "{ratio} {ymass} yield per {xmass} {nut} (= {kg} kg per kg: {form} {px} ÷ crop {py} "
        "{cur} per kg)",
        "每 {xmass} {nut} 折合 {ratio} {ymass} 产量（即每 kg 折合 {kg} kg：{form} {px} ÷ "
        "作物 {py}，{cur}/kg）",
    ),
    "price_ratio_as_given": (
        "{ratio} {ymass} yield per {xmass} {nut} (as given, in the data's units)",
        "每 {xmass} {nut} 折合 {ratio} {ymass} 产量（按给定值，数据的单位）",
    ),
    "price_ratio_given_as": (
        "{ratio} {ymass} yield per {xmass} {nut} (given as {given} {units})",
        "每 {xmass} {nut} 折合 {ratio} {ymass} 产量（给定值为 {given} {units}）",
    ),
    "price_ratio_undeclared": (
        "{ratio} yield units per unit of {rate} {nut} (as given; the data's units were not "
        "declared)",
        "每单位 {nut} 折合 {ratio} 个产量单位（按给定值；数据未注明单位）",
    ),
    "yield_per_area": ("{mass} yield/{area}", "{mass} 产量/{area}"),
    # -- response surfaces: can the design identify them? --------------------------------
    "numbered": ("({i}) {text}", "（{i}）{text}"),
    "term_intercept": ("intercept", "截距"),
    "listed_sentences": ("{parts}", "{parts}"),
    "more_suffix": (" and {k} more", " 等（另有 {k} 个）"),
    "surface_name": ("the {kind} {model} surface", "{kind}{model}肥料效应函数"),
    "nutrients_univariate": ("univariate", "一元"),
    "nutrients_binary": ("binary", "二元"),
    "nutrients_ternary": ("ternary", "三元"),
    "surface_model_quadratic": ("quadratic", "二次"),
    "surface_model_square_root": ("square-root", "平方根"),
    "surface_model_custom": ("custom", "自定义"),
    "stepwise_refused": (
        " Stepwise selection on such data would only be choosing between terms the design cannot "
        "tell apart, so it is refused.",
        "在这样的数据上逐步回归只是在设计无法区分的项之间挑选，因此不予进行。",
    ),
    "surface_single_rate": (
        "{nutrient} has a single rate ({rate}) on every plot, so the data say nothing about its "
        "effect and {what} cannot include it. Leave {nutrient} out of `rates`, or use a trial in "
        "which {nutrient} is applied at several rates.{tail}",
        "所有小区的 {nutrient} 施用量都是 {rate}，数据反映不出它的效应，{what}不能包含它。"
        "请从施肥量列中去掉 {nutrient}，或采用 {nutrient} 设有多个用量的试验。{tail}",
    ),
    "surface_rates_together": (
        "The rates of the nutrients move together: {relation}. Their effects cannot be "
        "separated, because any change in one is always accompanied by the same change in the "
        "other. A trial that estimates separate effects must vary each nutrient on its own (as "
        "the factorial and 3414 designs do).{tail}",
        "各养分的用量同步变化：{relation}。一种养分的变化总伴随另一种养分的相同变化，"
        "二者的效应无法分开。要分别估计效应，各养分必须单独变化（如析因设计和 3414 设计）。{tail}",
    ),
    "surface_too_few_combinations": (
        "it has {p} coefficients ({names}), but the trial has only {n} distinct {combos} "
        "combinations: {shown}{more}. Each coefficient needs at least one combination of its "
        "own, so this design can estimate at most {n} coefficients; replicates of the same "
        "combination do not help.",
        "该方程有 {p} 个系数（{names}），但试验只有 {n} 个不同的 {combos} 用量组合：{shown}{more}。"
        "每个系数至少需要一个自己的组合，因此该设计最多只能估计 {n} 个系数；"
        "同一组合的重复无济于事。",
    ),
    "surface_too_few_rates": (
        "{nutrient} has only {k} distinct rates ({levels}), but the model has {n_own} terms in "
        "{nutrient} alone ({own}), which need at least {need}. With so few rates these terms are "
        "fixed multiples of each other{example}, so the curvature of the response to {nutrient} "
        "cannot be estimated.",
        "{nutrient} 只有 {k} 个不同的用量（{levels}），而模型中仅含 {nutrient} 的项有 {n_own} 个"
        "（{own}），至少需要 {need} 个用量。用量太少时这些项互为固定倍数{example}，"
        "无法估计产量对 {nutrient} 的曲率。",
    ),
    "surface_unidentifiable": (
        "This design cannot identify {what}: {listed}{advice}{tail}",
        "该试验设计无法确定{what}：{listed}{advice}{tail}",
    ),
    "surface_advice": (
        " A full ternary quadratic (10 coefficients) needs a design such as 3414 (14 "
        "combinations, 4 rates of each nutrient). With an omission or formula-check design, "
        "compare the treatments by ANOVA and omission-plot indices instead of fitting a "
        "surface; or fit fewer terms.",
        "完整的三元二次方程（10 个系数）需要 3414 之类的设计（14 个组合，每种养分 4 个用量）。"
        "缺素或配方校正试验应通过方差分析和缺素区指标比较各处理，而不是拟合肥料效应函数；"
        "或者减少方程的项数。",
    ),
    "surface_aliased": (
        "The {n} distinct {combos} combinations cannot separate all {p} coefficients of {what}: "
        "{shown}. Terms that are combinations of other terms on every plot cannot be estimated "
        "apart from them. Remove the aliased terms or add rate combinations that break the "
        "pattern.{tail}",
        "{n} 个不同的 {combos} 用量组合无法分开{what}的全部 {p} 个系数：{shown}。"
        "在所有小区上都等于其他项组合的项无法单独估计。请去掉这些混杂的项，"
        "或增加能打破这种关系的用量组合。{tail}",
    ),
    # -- omission plots ---------------------------------------------------------------
    "om_instead_of": ("{nutrient} {rate} instead of {full}", "{nutrient}（{rate}，而非 {full}）"),
    "om_confounded": (
        "minus plot {lbl} differs from {full} not only in {nut} but also in {diffs}: its yield "
        "difference mixes the effects, so the {nut} indices are confounded with the other "
        "change.",
        "缺素处理 {lbl} 与 {full} 相比，除 {nut} 外 {diffs}也不同：其产量差异混合了几种效应，"
        "{nut} 的各项指标受其他变化的干扰。",
    ),
    "om_reduced": (
        "{lbl} receives {a} of the {b} {nut} in {full}: the {nut} indices describe the last {c} "
        "of {nut}, not the whole dose, and its relative yield is no soil-supply index.",
        "{lbl} 施 {nut} {a}，{full} 施 {nut} {b}：{nut} 的各项指标只反映最后 {c} 个单位 {nut} "
        "的效果，而非全部用量，其相对产量也不能作为土壤养分丰缺指标。",
    ),
    "om_out_yields": (
        "{lbl} out-yields {full} by {by}: the {nut} contribution, yield increase and agronomic "
        "efficiency are negative (less {nut} did not cost yield in this trial).",
        "{lbl} 比 {full} 增产 {by}：{nut} 的贡献率、增产量和农学效率为负值"
        "（本试验中减少 {nut} 并未减产）。",
    ),
    "om_not_significant": (
        "the treatments do not differ significantly (ANOVA p = {p}); read the indices with their "
        "intervals.",
        "处理间差异不显著（方差分析 P = {p}），各项指标应结合其置信区间解读。",
    ),
    "om_no_replicates": (
        "no treatment has more than one plot: without replicates there is no error variance, so "
        "the indices have no standard errors and no letters. Replicate the treatments, or pool "
        "sites to judge the uncertainty.",
        "所有处理都只有一个小区：没有重复就没有误差方差，各项指标没有标准误，也不标字母。"
        "请设置重复，或合并多个试验点来判断不确定性。",
    ),
    # -- error terms and net-return curves --------------------------------------------
    "mc_block_adjusted": (
        "The error is block-adjusted ({name}, df {df}).",
        "误差已扣除区组效应（{name}，自由度 {df}）。",
    ),
    "mc_ls_not_estimable": (
        "least-squares means of {term} cannot be estimated (a factorial cell is empty), so the "
        "arithmetic means of the plots are compared; they mix the effects of the other "
        "factors. Compare the cells that have plots with term= and within=.",
        "{term} 的最小二乘均值无法估计（因子组合有空缺），故比较小区算术平均值，其中混有其他因子的"
        "效应。可用 term= 与 within= 比较有小区的组合。",
    ),
    "mc_arithmetic_means": (
        "The means are arithmetic means of the plots (as in agricolae), not least-squares "
        "means: with missing plots or unequal replication they carry block and other "
        "effects. means='ls' compares least-squares means (as emmeans).",
        "比较的是小区算术平均值（同 agricolae），不是最小二乘均值：有缺区或重复数不等时，它们含有"
        "区组等效应。means='ls' 比较最小二乘均值（同 emmeans）。",
    ),
    "mc_ls_means": (
        "The means are least-squares means (adjusted for blocks and unequal replication, as "
        "emmeans and SAS LSMEANS); the pairwise standard errors come from their covariance. "
        "means='arithmetic' gives agricolae's arithmetic means.",
        "比较的是最小二乘均值（校正区组与重复数不等的影响，同 emmeans、SAS LSMEANS），两两比较的"
        "标准误来自其协方差。means='arithmetic' 给出 agricolae 的算术平均值。",
    ),
    "ls_not_estimable": (
        "the LS-means of {levels} cannot be estimated: they depend on factorial cells without "
        "plots. They are left empty (NaN), as emmeans prints nonEst; compare the cells that "
        "have plots instead (term with ':').",
        "{levels} 的最小二乘均值无法估计：它们依赖于没有小区的因子组合，故留空"
        "（NaN，同 emmeans 的 nonEst）；可改为比较有小区的组合（term 中用 ':'）。",
    ),
    "ls_split_plot_se": (
        "Split-plot: standard errors of the mixed model with random main plots, from {error} "
        "(df {df}).",
        "裂区设计：标准误取自主区随机的混合模型，依据 {error}（自由度 {df}）。",
    ),
    "mc_waller": (
        "The Waller–Duncan test minimises the Bayes risk at the k-ratio given; its critical t "
        "grows as the treatment F shrinks, and it has no p-values (the column p is empty).",
        "Waller–Duncan 检验在给定 k 比值下使贝叶斯风险最小；处理 F 值越小，其临界 t 值越大；该检验"
        "没有 P 值（p 列为空）。",
    ),
    "mc_waller_f_table": (
        "The Waller–Duncan t uses F = {f} of {term} in the ANOVA table.",
        "Waller–Duncan 临界 t 值采用方差分析表中 {term} 的 F = {f}。",
    ),
    "mc_waller_f_means": (
        "The Waller–Duncan t uses the F ratio of the means compared, "
        "Σ n (mean − grand mean)² / (k − 1) / MSE, with the error used here.",
        "Waller–Duncan 临界 t 值采用所比较平均值的 F 比值 Σ n (平均值 − 总平均)² / (k − 1) / MSE，"
        "误差取本次比较所用的误差。",
    ),
    "mc_combined_error": (
        "Combined analysis over environments: means are compared with the error of the {term} "
        "test ({name}, df {df}).",
        "多环境联合分析：平均值的比较采用 {term} 检验的误差（{name}，自由度 {df}）。",
    ),
    "unit_fix": (
        "Declare the units: read the file with headers such as 'yield (kg/mu)' and "
        "'N (kg/ha)' (fertopt.read_trials records them), or pass units={{'response': "
        "'kg/mu', {rate}: 'kg/ha'}} to the analysis; give a crop price per tonne as "
        "fo.Prices(crop=..., crop_unit='t'); or convert the columns to the same units. If the "
        "units already agree, declaring them confirms it and silences this warning",
        "请声明单位：读取文件时用带单位的表头，如“yield (kg/mu)”“N (kg/ha)”（fertopt.read_trials "
        "会记录），或在分析中给出 units={{'response': 'kg/mu', {rate}: 'kg/ha'}}；作物价格按吨计时"
        "写作 fo.Prices(crop=..., crop_unit='t')；或把各列换算为同一单位。若单位本已一致，声明后即"
        "可确认并不再出现此警告",
    ),
    "unit_cause_t": (
        "yields of about {size} look like t per area (t/ha), while the prices were applied per "
        "kg: the price ratio is then 1000 times too large",
        "约 {size} 的产量像是以吨/面积（t/ha）计，而价格按 kg 计：价格比因此大了 1000 倍",
    ),
    "unit_cause_mu": (
        "yields per mu with rates per ha (or prices per another mass than the yields) make the "
        "price ratio 15 (or 1000) times too large",
        "产量按亩、施肥量按公顷计（或价格与产量的质量单位不同），使价格比大了 15（或 1000）倍",
    ),
    "unit_trap_flat": (
        "no fertilizer pays ({finding}) although the fitted yield rises by {gain} ({share} % of "
        "the yield without fertilizer): with undeclared units this is the sign of a unit "
        "mismatch between yields, rates and prices. Likely cause: {cause}. {fix}",
        "施肥不合算（{finding}），但拟合产量增加了 {gain}（占不施肥产量的 {share}%）："
        "单位未声明时，这是产量、施肥量与价格单位不一致的迹象。可能原因：{cause}。{fix}",
    ),
    "unit_trap_far": (
        "the economic optimum ({rate}) lies more than {times} times beyond the highest tested "
        "rate ({top}): with undeclared units a price ratio too small by a unit factor (rates "
        "per mu with yields per ha: 15; yields in kg priced per t: 1000) puts it there. {fix}",
        "最佳经济施肥量（{rate}）超过最高试验施肥量（{top}）的 {times} 倍：单位未声明时，价格比因"
        "单位换算而偏小（施肥量按亩、产量按公顷：15 倍；产量按 kg、价格按吨：1000 倍）会使其落在"
        "那里。{fix}",
    ),
    "unit_finding_optimum": (
        "the economic optimum is at the lowest tested rate",
        "最佳经济施肥量位于最低试验施肥量",
    ),
    "unit_finding_mrtn": (
        "the MRTN rate is the lowest rate of the grid",
        "MRTN 施肥量为网格的最低施肥量",
    ),
    "unit_finding_omission": (
        "the full treatment {full} returns no more than its fertilizer costs over the control "
        "{control}",
        "全肥处理 {full} 相对于对照 {control} 的增产收益不超过其肥料成本",
    ),
    "mc_rows_columns_adjusted": (
        "The error is adjusted for rows and columns ({name}, df {df}).",
        "误差已扣除行、列效应（{name}，自由度 {df}）。",
    ),
    "nr_grid_extrapolated": (
        "rates above the highest tested rate ({hi}) are extrapolated",
        "高于最高试验施肥量（{hi}）的施肥量为外推值",
    ),
    "nr_some_extrapolated": (
        "some optima lie outside the tested rates (extrapolated = True)",
        "部分最佳施肥量超出试验施肥范围（外推）",
    ),
    "mrtn_grid_extrapolates": (
        "the rate grid extrapolates beyond the tested rates of {sites}",
        "施肥量网格超出了 {sites} 的试验施肥范围（外推）",
    ),
    "mrtn_still_rising": (
        "the return still rises at the end of the rate grid: the MRTN may lie above it",
        "收益在施肥量网格末端仍在上升：MRTN 可能高于网格上限",
    ),
    # -- response curves ---------------------------------------------------------------
    "lp_join_on_rate": (
        "the linear-plateau join lies exactly on a tested rate ({join}), where the sum of "
        "squares has a kink: its standard error and Wald interval assume a smoothness the data "
        "do not have; prefer ci='profile' or 'bootstrap' for the optimum",
        "线性加平台模型的转折点恰好落在一个试验施肥量上（{join}），残差平方和在此处不光滑："
        "其标准误和 Wald 区间所依赖的光滑性并不成立；最佳施肥量的置信区间宜用轮廓似然法或自助法",
    ),
    "qp_join_beyond": (
        "the quadratic-plateau join ({join}) lies beyond the highest tested rate ({top}): no "
        "plateau was observed, and within the tested rates the curve is a plain quadratic",
        "二次加平台模型的转折点（{join}）高于最高试验施肥量（{top}）：试验中没有观察到平台，"
        "在试验施肥范围内该曲线就是一条普通的二次曲线",
    ),
    "series_confounded": (
        "the {rate_repr} series is confounded with {col_repr}: these plots differ in {col} as "
        "well (most plots have {col} = {ref}): {where}. Their yield differences cannot be "
        "credited to {rate} alone; fit the plots with a constant {col}, or a surface",
        "{rate} 的用量序列与 {col} 混杂：这些小区的 {col} 也不同"
        "（多数小区 {col} = {ref}）：{where}。"
        "它们的产量差异不能全部归于 {rate}；请只用 {col} 相同的小区拟合，或拟合肥料效应函数",
    ),
    "too_few_rates_for_model": (
        "the {model} model has {p} parameters and needs at least {p} distinct rates; the data "
        "have {k} ({levels}). Use a model with fewer parameters ({fewer}) or add rate levels.",
        "{model}有 {p} 个参数，至少需要 {p} 个不同的施肥量；数据只有 {k} 个（{levels}）。"
        "请改用参数较少的模型（{fewer}），或增加施肥水平。",
    ),
    "no_residual_df_model": (
        "{n} plots leave no residual degrees of freedom for the {p}-parameter {model} model; "
        "replicate the rates.",
        "{n} 个小区不能为 {p} 个参数的{model}留下剩余自由度；请设置重复。",
    ),
    "no_residual_df_blocks": (
        "{n} plots leave no residual degrees of freedom for the {p}-parameter {model} model "
        "with blocks; replicate the rates.",
        "{n} 个小区不能为含区组的 {p} 个参数{model}留下剩余自由度；请设置重复。",
    ),
}
