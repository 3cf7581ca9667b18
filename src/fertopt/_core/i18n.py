"""Labels and sentences of reports and figures, in English and Chinese.

Every user-facing word of a report or a figure goes through :func:`label`, so a
report in ``lang="zh"`` reads as an agronomist writes in Chinese (处理, 重复,
产量, 方差分析, 新复极差法, 最高产量施肥量, 最佳经济施肥量 …).  Keys are stable
snake_case names; a sentence is a :meth:`str.format` template with named
fields.

Examples
--------
>>> label("treatment", "zh"), label("economic_optimum", "zh"), label("block", "en")
('处理', '最佳经济施肥量', 'Block')
>>> label("n_plots_dropped", "zh", n=2, rows="rows 7, 12")
'2 个小区缺少观测值，未参加分析（rows 7, 12）。'
"""

from __future__ import annotations

import re
from typing import Any

from fertopt.exceptions import OptionError

__all__ = [
    "LANGS",
    "check_lang",
    "label",
    "design_name",
    "method_name",
    "model_name",
    "status_text",
    "significance_word",
    "translate_figure_text",
    "column_label",
    "translate_message",
    "model_words",
    "three414_fit_name",
]

#: Languages of reports and figures.
LANGS = ("en", "zh")

_TEXT: dict[str, tuple[str, str]] = {
    # -- report frame -------------------------------------------------------
    "report_title": ("Field trial report", "田间试验报告"),
    "report_of": ("Field trial report: {response}", "田间试验报告：{response}"),
    "key_findings": ("Key findings", "主要结果"),
    "table": ("Table", "表"),
    "figure": ("Figure", "图"),
    "generated": ("fertopt {version}, {date}", "fertopt {version}，{date}"),
    "data_source": ("Data", "数据来源"),
    # -- section titles -------------------------------------------------------
    "sec_data": ("Design and data", "试验设计与数据"),
    "sec_anova": ("Analysis of variance", "方差分析"),
    "sec_comparisons": ("Multiple comparisons", "多重比较"),
    "sec_response": ("Fertilizer response and optimum rates", "肥料效应与最佳施肥量"),
    "sec_surface": ("N-P-K response surface", "多元肥料效应函数"),
    "sec_omission": ("Omission-plot indices", "缺素区试验指标"),
    "sec_diagnostics": ("Residual diagnostics", "残差诊断"),
    "sec_warnings": ("Warnings", "注意事项"),
    "sec_about": ("About this report", "报告说明"),
    # -- roles and columns ----------------------------------------------------
    "treatment": ("Treatment", "处理"),
    "treatments": ("Treatments", "处理"),
    "block": ("Block", "重复"),
    "yield": ("Yield", "产量"),
    "response": ("Response", "观测指标"),
    "rates": ("Rate columns", "施肥量列"),
    "rate": ("Rate", "施肥量"),
    "rate_of": ("{nutrient} rate", "{nutrient}施用量"),
    "design": ("Design", "试验设计"),
    "plots_in_data": ("Plots in the data", "数据中的小区数"),
    "plots_analysed": ("Plots analysed", "参加分析的小区数"),
    "dropped": ("Left out", "剔除"),
    "none": ("none", "无"),
    "n_plots_dropped": (
        "{n} plots without a value were left out ({rows}).",
        "{n} 个小区缺少观测值，未参加分析（{rows}）。",
    ),
    "levels": ("{n} levels: {names}", "{n} 个水平：{names}"),
    "n": ("n", "重复数"),
    "mean": ("Mean", "平均值"),
    "sd": ("SD", "标准差"),
    "se": ("SE", "标准误"),
    "min": ("Min", "最小值"),
    "max": ("Max", "最大值"),
    "letters": ("Letters", "差异显著性"),
    "letters_alpha": ("Letters ({alpha})", "差异显著性（{alpha}）"),
    "grand_mean": ("Grand mean", "总平均"),
    "cv": ("CV", "变异系数"),
    "mse_df": ("Error mean square (df)", "误差均方（自由度）"),
    "r_squared": ("R²", "决定系数 R²"),
    "sums_of_squares": ("Sums of squares", "平方和类型"),
    "data_summary": ("Observations per treatment", "各处理观测值"),
    # -- ANOVA ----------------------------------------------------------------
    "anova_table": ("Analysis of variance", "方差分析表"),
    "source": ("Source", "变异来源"),
    "df": ("df", "自由度"),
    "ss": ("Sum Sq", "平方和"),
    "ms": ("Mean Sq", "均方"),
    "f": ("F", "F 值"),
    "p": ("p", "P 值"),
    "f_05": ("F 0.05", "F0.05"),
    "f_01": ("F 0.01", "F0.01"),
    "Residuals": ("Residuals", "误差"),
    "Total": ("Total", "总变异"),
    "Error a": ("Error a", "误差 a"),
    "Error b": ("Error b", "误差 b"),
    "term_is_block": ("{name} (blocks)", "{name}（区组）"),
    "term_is_treatment": ("{name} (treatments)", "{name}（处理）"),
    "anova_verdict": (
        "{term}: {word} (F({df1}, {df2}) = {f}, p {p}).",
        "{term}间差异{word}（F({df1}, {df2}) = {f}，P {p}）。",
    ),
    "treatment_effect": ("Treatments ({name})", "处理"),
    "layout_treatments": ("{k} treatments", "{k} 个处理"),
    "layout_levels": ("{sizes} levels", "{sizes} 个水平组合"),
    "layout_blocks": ("{b} blocks", "{b} 个区组"),
    "layout_sep": (", ", "，"),
    "layout_split_plot": (
        "{k1} main plots × {k2} sub-plots × {b} blocks",
        "{k1} 个主区处理 × {k2} 个副区处理 × {b} 个区组",
    ),
    "layout_rows_columns": ("{r} rows × {c} columns", "{r} 行 × {c} 列"),
    "cv_sentence": (
        "Coefficient of variation {cv} %, grand mean {mean}.",
        "变异系数 {cv}%，总平均 {mean}。",
    ),
    "highly_significant": ("highly significant", "极显著"),
    "significant": ("significant", "显著"),
    "not_significant": ("not significant", "不显著"),
    "sig_legend": (
        "* significant at 5 %, ** at 1 %.",
        "* 表示差异显著（P < 0.05），** 表示差异极显著（P < 0.01）。",
    ),
    "assumptions": ("Assumption checks on the residuals", "残差的前提检验"),
    "test": ("Test", "检验"),
    "statistic": ("Statistic", "统计量"),
    "note": ("Note", "说明"),
    # -- comparisons ----------------------------------------------------------
    "comparison_table": (
        "Treatment means and letter groups ({method}, α = {alpha})",
        "各处理平均值及差异显著性（{method}，α = {alpha}）",
    ),
    "letters_sentence": (
        "Means with the same letter are not significantly different at the {pct} % level "
        "({method}; error mean square {mse} on {df} df from the ANOVA).",
        "标有相同字母的处理间差异不显著（{method}，{pct}% 水平；误差均方 {mse}，"
        "自由度 {df}，取自方差分析）。",
    ),
    "letters_sentence_given": (
        "Means with the same letter are not significantly different at the {pct} % level "
        "({method}; error mean square {mse} on {df} df).",
        "标有相同字母的处理间差异不显著（{method}，{pct}% 水平；误差均方 {mse}，自由度 {df}）。",
    ),
    "highest_lowest": (
        "Highest mean: {best} ({best_mean}, {best_letters}); lowest: {worst} "
        "({worst_mean}, {worst_letters}).",
        "平均值最高的是 {best}（{best_mean}，{best_letters}），最低的是 {worst}"
        "（{worst_mean}，{worst_letters}）。",
    ),
    "comparisons_skipped_ns": (
        "The treatment effect is not significant (p {p}); letters are "
        "shown for completeness and all treatments may share one.",
        "处理效应不显著（P {p}），字母仅供参考。",
    ),
    "factor_term": ("Factor {term}", "因素 {term}"),
    "not_requested": ("not requested (posthoc=None).", "未要求进行多重比较。"),
    # -- response ---------------------------------------------------------------
    "response_model": (
        "{nutrient}: {model} fitted to {n} plots at {k} rates ({series}).",
        "{nutrient}：对 {k} 个施肥水平的 {n} 个小区拟合{model}（{series}）。",
    ),
    "series_all": ("all plots", "全部小区"),
    "series_fixed": ("plots with {fixed}", "{fixed} 的小区"),
    "equation": ("Fitted equation", "拟合方程"),
    "residual_sd": ("Residual SD", "剩余标准差"),
    "unbounded": (" (unbounded)", "（无界）"),
    "status_note": ("Status: {status}.", "状态：{status}。"),
    "model_not_fitted": (
        "{nutrient}: the {model} could not be fitted: {reason}",
        "{nutrient}：{model}无法拟合：{reason}",
    ),
    "nutrient_failed": (
        "{nutrient}: the response analysis could not be completed: {reason}",
        "{nutrient}：效应分析未能完成：{reason}",
    ),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "cmp_model": ("Model", "模型"),
    "cmp_n_params": ("Parameters", "参数个数"),
    "cmp_converged": ("Converged", "收敛"),
    "cmp_rmse": ("RMSE", "RMSE"),
    "cmp_r2": ("R²", "R²"),
    "cmp_aic": ("AIC", "AIC"),
    "cmp_aicc": ("AICc", "AICc"),
    "cmp_bic": ("BIC", "BIC"),
    "cmp_delta_aicc": ("ΔAICc", "ΔAICc"),
    "cmp_weight": ("Akaike weight", "Akaike 权重"),
    "cmp_lof_p": ("Lack of fit p", "失拟检验 P"),
    "cmp_agronomic_rate": ("Rate of max. yield", "最高产量施肥量"),
    "par_term": ("Parameter", "参数"),
    "par_estimate": ("Estimate", "估计值"),
    "par_se": ("SE", "标准误"),
    "par_ci_low": ("CI low", "置信下限"),
    "par_ci_high": ("CI high", "置信上限"),
    "model_comparison": ("Model comparison for {nutrient}", "{nutrient}效应模型比较"),
    "parameters": ("Parameters for {nutrient} ({model})", "{nutrient}效应方程参数（{model}）"),
    "optima_table": ("Optimum rates for {nutrient}", "{nutrient}最佳施用量"),
    "kind": ("Optimum", "类型"),
    "agronomic_optimum": ("Rate of maximum yield", "最高产量施肥量"),
    "economic_optimum": ("Economic optimum rate", "最佳经济施肥量"),
    "max_yield": ("Maximum yield", "最高产量"),
    "economic_yield": ("Yield at economic optimum", "最佳经济产量"),
    "yield_at_rate": ("Yield at rate", "对应产量"),
    "net_return": ("Net return", "施肥纯收益"),
    "ci": ("{level} % CI", "{level}% 置信区间"),
    "ci_low": ("CI low", "置信下限"),
    "ci_high": ("CI high", "置信上限"),
    "status": ("Status", "状态"),
    "price_ratio": ("Price ratio", "价格比"),
    "prices": ("Prices", "价格"),
    "no_prices": (
        "No prices given: only the rate of maximum yield is reported. Give prices "
        "(prices=Prices(crop=..., N=...)) for the economic optimum.",
        "未提供价格，只报告最高产量施肥量；提供价格（prices=Prices(crop=..., N=...)）"
        "可求最佳经济施肥量。",
    ),
    "no_price_for": (
        "No price for {nutrient}: its economic optimum is not computed.",
        "缺少{nutrient}的价格，未计算其最佳经济施肥量。",
    ),
    "no_rates": (
        "No rate columns were given (rates=), so no response curves are fitted.",
        "未指定施肥量列，不拟合肥料效应曲线。",
    ),
    "too_few_rates": (
        "{nutrient}: only {k} distinct rate{s} ({levels}) with the other nutrients "
        "held constant; a response curve needs at least 3.",
        "{nutrient}：其他养分固定时只有 {k} 个施用水平（{levels}），拟合效应曲线至少需要 3 个。",
    ),
    "optimum_sentence_econ": (
        "{nutrient}: economic optimum {rate} ({ci}), yield {y}; maximum yield at {amax}.",
        "{nutrient}：最佳经济施肥量 {rate}（{ci}），产量 {y}；最高产量施肥量 {amax}。",
    ),
    "optimum_sentence_agro": (
        "{nutrient}: maximum yield {y} at {rate} ({ci}).",
        "{nutrient}：最高产量施肥量 {rate}（{ci}），最高产量 {y}。",
    ),
    "optimum_sentence_status": ("{nutrient}: {status}.", "{nutrient}：{status}。"),
    # -- surface ----------------------------------------------------------------
    "surface_fit": (
        "Quadratic surface in {rates} fitted to {n} plots at {k} rate combinations.",
        "以 {rates} 为自变量的二次肥料效应函数，{k} 个施肥组合、{n} 个小区。",
    ),
    "r2_adjusted_text": ("{r2} (adjusted {adj})", "{r2}（校正 R² {adj}）"),
    "regression_f": ("Regression", "回归显著性"),
    "coefficients": ("Coefficients of the surface", "效应函数回归系数"),
    "coef_term": ("Term", "项"),
    "coef_estimate": ("Estimate", "估计值"),
    "coef_se": ("SE", "标准误"),
    "coef_t": ("t", "t 值"),
    "coef_p": ("p", "P 值"),
    "coef_ci_low": ("CI low", "置信下限"),
    "coef_ci_high": ("CI high", "置信上限"),
    "surface_anova": ("Analysis of variance of the regression", "回归方差分析"),
    "src_blocks": ("Blocks", "区组"),
    "src_regression": ("Regression", "回归"),
    "src_residual": ("Residual", "剩余"),
    "src_lack_of_fit": ("Lack of fit", "失拟"),
    "src_pure_error": ("Pure error", "纯误差"),
    "src_total": ("Total", "总变异"),
    "canonical": ("Canonical analysis", "典型分析"),
    "stationary_point": ("Stationary point", "驻点"),
    "stationary_yield": ("Yield at the stationary point", "驻点产量"),
    "surface_kind": ("Shape", "曲面类型"),
    "inside_region": ("inside the tested rates", "在试验范围内"),
    "outside_region": ("outside the tested rates", "在试验范围外"),
    "surface_optimum_econ": (
        "Economic optimum within the tested rates",
        "试验范围内的最佳经济施肥量",
    ),
    "surface_optimum_max": ("Maximum yield within the tested rates", "试验范围内的最高产量施肥量"),
    "max_yield_rates": ("maximum yield", "最高产量施肥量"),
    "bind_nutrient": ("Nutrient", "养分"),
    "bind_rate": ("Rate", "施肥量"),
    "bind_lower": ("Lowest tested", "试验下限"),
    "bind_upper": ("Highest tested", "试验上限"),
    "bind_at_bound": ("At bound", "是否在边界"),
    "bound_lower": ("lowest", "下限"),
    "bound_upper": ("highest", "上限"),
    "surface_not_recommended": (
        "These rates are a finding, not a recommendation: the surface has no "
        "maximum there (see its status).",
        "该组合仅为分析结果，不宜作为推荐施肥量：曲面在此处没有极大值（见状态）。",
    ),
    "typicality": ("Typicality", "典型性"),
    "rule_1": ("regression significant", "回归显著"),
    "rule_2": ("sign pattern", "系数符号合理"),
    "rule_3": ("quadratic part negative definite", "二次型负定"),
    "rule_4": ("optimum in (0, highest rate]", "最佳点在 (0, 最高施肥量] 内"),
    "rule_5": ("optimum yield above the unfertilized yield", "最佳点产量高于不施肥产量"),
    "rule_col_rule": ("Rule", "规则"),
    "rule_col_name": ("Check", "检验内容"),
    "rule_col_passed": ("Passed", "是否通过"),
    "rule_col_deciding": ("Deciding", "决定性"),
    "rule_col_detail": ("Detail", "说明"),
    "surface_finding": (
        "Surface ({kind}): {what} {rates}, yield {y} ({status}).",
        "多元效应函数（{kind}）：{what} {rates}，产量 {y}（{status}）。",
    ),
    # -- omission ---------------------------------------------------------------
    "omission_not_detected": (
        "No omission design was recognised (a full treatment such as "
        "'NPK' and at least one treatment lacking a nutrient, e.g. 'PK'); "
        "pass omission={{'full': ..., 'minus': {{...}}, 'control': ...}}.",
        "未识别出缺素设计（需要全肥处理如 NPK，以及至少一个缺素处理如 PK）；"
        "可用 omission={{'full': ..., 'minus': {{...}}, 'control': ...}} 指定。",
    ),
    "om_full": ("Full formula", "全肥（配方）处理"),
    "om_minus": ("Minus plots", "缺素（减素）处理"),
    "om_control": ("Control", "对照（不施肥）"),
    "om_all": ("all fertilizer", "全部肥料"),
    "om_indices": (
        "Omission-plot indices with standard errors and {level} % intervals",
        "缺素区指标及其标准误与 {level}% 置信区间",
    ),
    "om_economics": ("Economics per treatment ({unit})", "各处理经济效益（{unit}）"),
    "om_supply": ("Soil nutrient supply from relative yield", "根据相对产量划分的土壤养分丰缺"),
    "om_supply_note": (
        "Relative yield < 50 % very low, 50–75 % low, 75–95 % medium, > 95 % high.",
        "相对产量 < 50% 为极低，50%–75% 为低，75%–95% 为中，> 95% 为高。",
    ),
    "om_ry_part": ("{nutrient} {ry} % (SE {se})", "{nutrient} {ry}%（标准误 {se}）"),
    "om_finding": (
        "Relative yield of the minus plots (% of the full formula): {parts}.",
        "缺素区相对产量（占全肥区的百分比）：{parts}。",
    ),
    "fig_omission": (
        "Relative yield of each minus plot (% of the full formula) with ± 1 SE and the "
        "confidence interval.",
        "各缺素处理的相对产量（占全肥处理的百分比），误差线为 ±1 标准误及置信区间。",
    ),
    "fig_omission_classes": (
        "Dotted lines at 50, 75 and 95 %: the limits of the soil-supply classes.",
        "虚线为 50%、75%、95%，即土壤养分丰缺等级的界限。",
    ),
    "ix_relative_yield": ("relative yield", "相对产量"),
    "ix_contribution_rate": ("contribution rate", "养分贡献率"),
    "ix_yield_increase": ("yield increase", "增产量"),
    "ix_yield_increase_pct": ("yield increase (%)", "增产率"),
    "ix_agronomic_efficiency": ("agronomic efficiency", "农学效率"),
    "ix_partial_factor_productivity": ("partial factor productivity", "偏生产力"),
    "ix_recovery_efficiency": ("recovery efficiency", "肥料利用率"),
    "ix_value_cost_ratio": ("value-cost ratio", "产投比"),
    "ix_net_return": ("net return", "施肥纯收益"),
    "ix_fertilizer_contribution": ("fertilizer contribution", "肥料贡献率"),
    "ix_soil_contribution": ("soil-base contribution", "土壤基础地力贡献率"),
    "om_col_nutrient": ("Nutrient", "养分"),
    "om_col_index": ("Index", "指标"),
    "om_col_estimate": ("Estimate", "估计值"),
    "om_col_se": ("SE", "标准误"),
    "om_col_ci_low": ("CI low", "置信下限"),
    "om_col_ci_high": ("CI high", "置信上限"),
    "om_col_unit": ("Unit", "单位"),
    "om_col_treatment": ("Treatment", "处理"),
    "om_col_yield": ("Yield", "产量"),
    "om_col_fertilizer_cost": ("Fertilizer cost", "肥料成本"),
    "om_col_income": ("Income", "收益"),
    "om_col_income_change": ("Change vs full", "与全肥比较增减"),
    "om_col_income_change_pct": ("Change (%)", "增减（%）"),
    "om_col_net_return": ("Net return", "施肥纯收益"),
    "om_col_value_cost_ratio": ("Value-cost ratio", "产投比"),
    "om_col_relative_yield": ("Relative yield (%)", "相对产量（%）"),
    "om_col_supply_class": ("Supply", "丰缺等级"),
    # -- result summaries: OmissionResult, Three414Result, FieldBook, BatchResult,
    # -- TrialResult, StudyAudit ------------------------------------------------
    "om_title": ("Omission-plot analysis: {response}", "缺素区试验分析：{response}"),
    "om_headline": ("full={full}: {parts}", "全肥处理 {full}：{parts}"),
    "om_headline_full": ("full={full}", "全肥处理 {full}"),
    "om_headline_ry": ("RY {nutrient} {ry}% (SE {se})", "{nutrient} 相对产量 {ry}%（标准误 {se}）"),
    "om_headline_f": (" | treatments F p {p}", " | 处理间 F 检验 P {p}"),
    "om_unreplicated": (
        "{k} treatments without replicates",
        "{k} 个处理，无重复",
    ),
    "om_error": ("Error (MSE, df)", "误差均方，自由度"),
    "om_se_method": ("Standard errors", "标准误"),
    "om_se_delta": (
        "delta method on the treatment means with the ANOVA error",
        "由各处理平均值及方差分析误差按 Delta 法计算",
    ),
    "om_prices": ("Prices (per unit of yield and of rate)", "价格（每单位产量和每单位施肥量）"),
    "om_money": ("Money", "货币单位"),
    "om_unit_money": ("money", "货币"),
    "om_unit_ratio": ("ratio", "比值"),
    "om_price_crop": ("crop", "作物"),
    "om_dropped": (" ({n} dropped)", "（剔除 {n} 个）"),
    "om_letters_note": (
        "Letters: Duncan's multiple range test at alpha = {alpha}; "
        "means sharing a letter do not differ.",
        "字母：Duncan 新复极差法，α = {alpha}；字母相同的平均值间差异不显著。",
    ),
    "om_role": ("Role", "处理类型"),
    "om_role_full": ("full", "全肥"),
    "om_role_minus": ("minus", "缺素"),
    "om_role_control": ("control", "对照"),
    "om_role_other": ("other", "其他"),
    "om_col_income_se": ("Income SE", "收益标准误"),
    "om_definitions": ("Definitions", "指标定义"),
    "om_definitions_text": (
        "Relative yield = minus / full × 100; "
        "contribution rate = (full − minus) / full × 100; "
        "yield increase % = (full − minus) / minus × 100; "
        "agronomic efficiency = (full − minus) / nutrient difference; "
        "partial factor productivity = full / nutrient rate; "
        "value–cost ratio = yield gain × crop price / nutrient cost.",
        "相对产量 = 缺素区产量 / 全肥区产量 × 100；养分贡献率 = (全肥区 − 缺素区) / 全肥区 × 100；"
        "增产率 = (全肥区 − 缺素区) / 缺素区 × 100；农学效率 = (全肥区 − 缺素区) / 养分用量差；"
        "偏生产力 = 全肥区产量 / 养分用量；产投比 = 增产量 × 作物价格 / 肥料成本。",
    ),
    "supply_very low": ("very low", "极低"),
    "supply_low": ("low", "低"),
    "supply_medium": ("medium", "中"),
    "supply_high": ("high", "高"),
    "t4_title": ("3414 trial analysis", "3414 试验分析"),
    "t4_headline": (
        "3414 trial, {reps} | {what} rates: {parts}",
        "3414 试验，{reps} | {what}：{parts}",
    ),
    "t4_blocks": ("{n} blocks", "{n} 次重复"),
    "t4_replicated": ("replicated", "有重复"),
    "t4_unreplicated": ("unreplicated", "无重复"),
    "t4_economic": ("economic", "最佳经济施肥量"),
    "t4_maximum": ("maximum-yield", "最高产量施肥量"),
    "t4_part": ("{nutrient} {rate} ({source})", "{nutrient} {rate}（{source}）"),
    "t4_nutrients": ("Nutrients", "养分（0–3 水平施肥量）"),
    "t4_plots": ("Plots", "小区数"),
    "t4_plots_text": ("{n} ({d} dropped)", "{n}（剔除 {d} 个）"),
    "t4_blocks_fact": ("Blocks", "重复数"),
    "t4_ck_yield": ("CK yield", "CK（不施肥）产量"),
    "t4_rates": ("Rates", "推荐依据"),
    "t4_rates_economic": ("economic optima", "最佳经济施肥量"),
    "t4_rates_maximum": ("maximum-yield rates", "最高产量施肥量"),
    "t4_recommendations": ("Recommendations", "推荐施肥量"),
    "t4_relative_yield": ("Relative yield and soil-nutrient abundance", "相对产量与土壤养分丰缺"),
    "t4_fits": (
        "Fits (ternary → binary → univariate → linear-plateau)",
        "肥料效应函数拟合（三元 → 二元 → 一元 → 线性加平台）",
    ),
    "t4_means": ("Treatment means", "各处理平均值"),
    "t4_source": ("Source", "推荐来源"),
    "t4_none": ("none", "无"),
    "t4_ternary": ("ternary", "三元二次肥料效应函数"),
    "t4_binary": ("binary {pair}", "{pair} 二元二次肥料效应函数"),
    "t4_quadratic": ("quadratic {nutrient}", "{nutrient} 一元二次肥料效应函数"),
    "t4_linear_plateau": ("linear_plateau {nutrient}", "{nutrient} 线性加平台模型"),
    "t4_mean_of": ("{sources} (mean)", "{sources}（平均）"),
    "t4_note_mean": ("mean of {parts}", "取平均：{parts}"),
    "not_assessed": ("not assessed", "未评定"),
    "status_saddle": ("saddle", "鞍点"),
    "status_none": ("none", "无"),
    "col_code": ("code", "处理编码"),
    "col_rep": ("rep", "重复"),
    "col_row": ("row", "行"),
    "col_column": ("column", "列"),
    "col_main_plot": ("main_plot", "主区"),
    "fb_title": ("Field book", "田间排列表"),
    "fb_headline": (
        "{design} | {k} treatments × {reps} {unit} = {n} plots | seed {seed}",
        "{design} | {k} 个处理 × {reps} 次重复 = {n} 个小区 | 随机种子 {seed}",
    ),
    "fb_design": ("Design", "试验设计"),
    "fb_treatments": ("Treatments", "处理数"),
    "fb_replicates": ("Replicates", "重复数"),
    "fb_plots": ("Plots", "小区数"),
    "fb_seed": ("Seed", "随机种子"),
    "fb_randomised": ("Randomised", "随机排列"),
    "fb_treatment_list": ("Treatments", "处理"),
    "fb_plot_list": ("Plots", "田间排列（按小区顺序）"),
    "fb_design_factorial": ("factorial", "析因设计"),
    "fb_design_split-plot": ("split-plot", "裂区设计"),
    "fb_design_omission": ("omission", "缺素（减素）试验"),
    "fb_design_3414": ("3414", "3414 试验"),
    "bt_title": ("Batch analysis", "批量分析"),
    "bt_headline": (
        "{n} trials: {ok} analysed ({vec} vectorized), {failed} failed, "
        "{warned} with warnings | {time} s",
        "共 {n} 个试验：分析 {ok} 个（其中向量化 {vec} 个），失败 {failed} 个，"
        "有警告 {warned} 个 | 用时 {time} 秒",
    ),
    "bt_trials": ("Trials", "试验数"),
    "bt_analysed": ("Analysed", "已分析"),
    "bt_analysed_text": (
        "{ok} ({vec} by the vectorized engine)",
        "{ok}（其中 {vec} 个由向量化引擎分析）",
    ),
    "bt_failed": ("Failed", "失败"),
    "bt_warned": ("With warnings", "有警告"),
    "bt_engine": ("Engine", "计算引擎"),
    "bt_time": ("Time", "用时"),
    "bt_time_text": ("{time} s", "{time} 秒"),
    "bt_engine_vectorized": ("vectorized", "向量化"),
    "bt_engine_python": ("python", "逐个试验"),
    "bt_engine_dask": ("dask", "分布式（Dask）"),
    "bt_opt_by": ("By", "分组列"),
    "bt_opt_response": ("Response", "观测指标"),
    "bt_opt_treatment": ("Treatment", "处理列"),
    "bt_opt_block": ("Block", "重复列"),
    "bt_opt_rates": ("Rates", "施肥量列"),
    "bt_opt_posthoc": ("Posthoc", "多重比较"),
    "bt_opt_alpha": ("Alpha", "显著水平 α"),
    "bt_opt_surface": ("Surface", "效应曲面"),
    "bt_opt_model": ("Model", "模型"),
    "bt_opt_prices": ("Prices", "价格"),
    "bt_failures": ("Failures by stage and error", "按步骤和错误类型统计的失败"),
    "bt_first_failures": ("First failures ({k} of {n})", "前几个失败（{n} 个中的 {k} 个）"),
    "bt_warnings": ("Warnings by stage and category", "按步骤和类别统计的警告"),
    "bt_across": ("Across analysed trials", "已分析试验的汇总"),
    "bt_surface_kinds": ("Surface kinds", "曲面类型"),
    "bt_opt_status": ("Optimum status", "最佳施肥量状态"),
    "bt_col_trials": ("trials", "试验数"),
    "bt_col_warnings": ("warnings", "警告数"),
    "bt_col_stage": ("stage", "步骤"),
    "bt_col_category": ("category", "类别"),
    "bt_col_error": ("error", "错误类型"),
    "bt_col_grand_mean": ("grand_mean", "总平均"),
    "bt_col_cv": ("cv", "变异系数"),
    "bt_col_r_squared": ("r_squared", "决定系数 R²"),
    "bt_col_opt_yield": ("opt_yield", "最佳点产量"),
    "bt_col_opt_net_return": ("opt_net_return", "施肥纯收益"),
    "bt_col_opt_rate": ("opt_rate", "最佳施肥量"),
    "bt_col_surface_kind": ("surface_kind", "曲面类型"),
    "bt_col_opt_status": ("opt_status", "最佳施肥量状态"),
    "stage_keys": ("keys", "分组"),
    "stage_anova": ("anova", "方差分析"),
    "stage_posthoc": ("posthoc", "多重比较"),
    "stage_surface": ("surface", "效应曲面"),
    "stage_canonical": ("canonical", "典型分析"),
    "stage_response": ("response", "效应曲线"),
    "stage_optimum": ("optimum", "最佳施肥量"),
    "err_DataError": ("DataError", "数据错误"),
    "err_ColumnError": ("ColumnError", "列错误"),
    "err_DesignError": ("DesignError", "试验设计错误"),
    "err_ConvergenceError": ("ConvergenceError", "不收敛"),
    "err_OptionError": ("OptionError", "参数错误"),
    "err_FertoptError": ("FertoptError", "分析错误"),
    "err_FertoptWarning": ("FertoptWarning", "分析警告"),
    "err_DesignWarning": ("DesignWarning", "试验设计警告"),
    "err_DataWarning": ("DataWarning", "数据警告"),
    "err_ConvergenceWarning": ("ConvergenceWarning", "收敛警告"),
    "err_DisplayWarning": ("DisplayWarning", "显示警告"),
    "tr_title": ("Trial {key}", "试验 {key}"),
    "tr_trial": ("Trial", "试验"),
    "tr_headline": ("trial {key}", "试验 {key}"),
    "tr_failed_at": (" | failed at {stage}: {error}", " | 在{stage}步骤失败：{error}"),
    "tr_stages_failed": (" | {n} stage(s) failed", " | {n} 个步骤失败"),
    "tr_failed_stages": ("Stages that failed", "失败的步骤"),
    # -- diagnostics ------------------------------------------------------------
    "residuals_vs_fitted": ("Residuals vs fitted", "残差与拟合值"),
    "normal_qq": ("Normal Q-Q", "正态 Q-Q 图"),
    "fitted_value": ("Fitted value", "拟合值"),
    "residual": ("Residual", "残差"),
    "normal_quantile": ("Normal quantile", "正态分位数"),
    "ordered_residual": ("Ordered residual", "残差（排序）"),
    "fig_residuals": (
        "Residuals against fitted values and normal Q-Q plot of the residuals.",
        "残差-拟合值图与残差正态 Q-Q 图。",
    ),
    "fig_fit": ("{model} fit", "{model}拟合"),
    "fig_confidence_band": ("confidence band", "置信带"),
    "fig_prediction_band": ("prediction band", "预测带"),
    "fig_plots": ("plots", "小区观测值"),
    "fig_maximum": ("maximum yield", "最高产量施肥量"),
    "fig_economic": ("economic optimum", "最佳经济施肥量"),
    "fig_extrapolated": (" (extrapolated)", "（外推）"),
    "fig_profitable": ("profitable range", "盈利区间"),
    "fig_site_optima": ("site optima", "各试验点最佳施肥量"),
    "fig_rate": ("rate", "施肥量"),
    "fig_net_return_axis": ("net return ({unit})", "施肥纯收益（{unit}）"),
    "nutrient_heading": ("{nutrient}", "{nutrient}"),
    "fig_tested_region": ("tested region", "试验范围"),
    "fig_tested_rates": ("tested rates", "试验点"),
    "fig_tested_other": ("tested (other levels)", "试验点（其他水平）"),
    "fig_stationary": ("stationary point ({kind})", "驻点（{kind}）"),
    "fig_stationary_outside": (
        "stationary point ({kind}) outside: {where}",
        "驻点（{kind}）在范围外：{where}",
    ),
    "fig_max_in_region": ("maximum in region", "范围内最高产量"),
    "fig_means": (
        "Treatment means ± standard error; treatments sharing a letter do not differ "
        "({method}, α = {alpha}).",
        "各处理平均值 ± 标准误；字母相同者差异不显著（{method}，α = {alpha}）。",
    ),
    "fig_response": (
        "{nutrient}: observed plots, fitted {model} with 95 % confidence band, and optimum rates.",
        "{nutrient}：各小区观测值、{model}拟合曲线及其 95% 置信带、最佳施用量。",
    ),
    "fig_net_return": (
        "{nutrient}: net return over the unfertilized plots against rate.",
        "{nutrient}：施肥纯收益随施用量的变化。",
    ),
    "fig_surface": (
        "Predicted yield over {x} and {y}, the other nutrients held at the optimum: tested "
        "rates, tested region, stationary point and optimum.",
        "{x}、{y} 的产量等值线图（其余养分取最佳用量），含试验点、试验范围、驻点与最佳点。",
    ),
    # -- outcome notes ----------------------------------------------------------
    "failed": ("This analysis could not be completed: {reason}", "该项分析未能完成：{reason}"),
    "internal_error": (
        "fertopt stopped with an internal error ({error}). The rest of the report is "
        "unaffected; please report this with your data.",
        "fertopt 内部错误（{error}），报告其余部分不受影响；请连同数据反馈此问题。",
    ),
    "needs_anova": (
        "Needs the analysis of variance, which could not be completed.",
        "需要方差分析结果，但方差分析未能完成。",
    ),
    "figure_failed": ("The figure could not be drawn: {reason}", "图未能绘制：{reason}"),
    "no_warnings": ("No warnings.", "无。"),
    "see_section": ("see section {n}", "见第 {n} 节"),
    "n_warnings": ("{n} warnings: see section {sec}.", "共 {n} 条注意事项，见第 {sec} 节。"),
    "section_failed_finding": (
        "{title}: could not be completed (section {n}).",
        "{title}：未能完成（见第 {n} 节）。",
    ),
    "labels_in_english": (
        "Figure labels are in English: no font with Chinese characters is "
        "installed (see the warning for what to install).",
        "图中标签为英文：系统中没有可显示中文的字体（安装方法见警告信息）。",
    ),
    "rounding_note": (
        "Numbers are rounded for display only; every computation uses unrounded values.",
        "表中数字仅在显示时取舍，计算均使用未取舍的数值。",
    ),
    "options": ("Options", "分析选项"),
    "software": ("Software", "软件"),
    # -- result summaries -----------------------------------------------------
    "sm_response": ("Response", "观测指标"),
    "sm_design": ("Design", "试验设计"),
    "sm_plots_analysed": ("Plots analysed", "参加分析的小区数"),
    "sm_dropped_no_response": (" ({n} dropped: no response)", "（{n} 个缺少观测值，已剔除）"),
    "sm_grand_mean": ("Grand mean", "总平均"),
    "sm_cv_of": ("CV ({error})", "变异系数（{error}）"),
    "sm_mse_df": ("MSE (df)", "误差均方（自由度）"),
    "sm_ss_type": ("Sums of squares", "平方和类型"),
    "ss_type_1": ("type I (sequential)", "第 I 类（序贯）"),
    "ss_type_2": ("type II", "第 II 类"),
    "ss_type_3": ("type III (sum-to-zero contrasts)", "第 III 类（和为零对比）"),
    "sm_anova_table": ("ANOVA table", "方差分析表"),
    "sm_treatment_means": ("Treatment means", "各处理平均值"),
    "sm_assumptions": ("Assumption checks (residuals)", "残差的前提检验"),
    "sm_anova_title": ("Analysis of variance: {response}", "方差分析：{response}"),
    "sm_verdict": (
        "{name}: {word} at the 5 % level ({test})",
        "{name}：在 5% 水平上{word}（{test}）",
    ),
    "sm_significant": ("significant", "差异显著"),
    "sm_not_significant": ("not significant", "差异不显著"),
    "sm_f_test": ("F({df1}, {df2}) = {f}, p {p}", "F({df1}, {df2}) = {f}，p {p}"),
    "sm_anova_headline": (
        "{design} {layout} | {test} | CV {cv}%",
        "{design}，{layout} | {test} | CV {cv}%",
    ),
    "test_shapiro": ("Shapiro-Wilk (normality)", "Shapiro-Wilk 正态性检验"),
    "test_levene": (
        "Levene / Brown-Forsythe (equal variances)",
        "Levene / Brown-Forsythe 方差齐性检验",
    ),
    "test_bartlett": ("Bartlett (equal variances)", "Bartlett 方差齐性检验"),
    # multiple comparisons
    "mc_compared": ("Compared", "比较对象"),
    "mc_within": (" within {within}", "（在 {within} 各水平内）"),
    "mc_error_term": ("Error term", "误差项"),
    "mc_error_value": ("{name}: MS {ms}, df {df}", "{name}：均方 {ms}，自由度 {df}"),
    "mc_alpha": ("alpha", "显著水平 α"),
    "mc_capitals": (" (capitals {alpha})", "（大写字母 {alpha}）"),
    "mc_p_adjust": ("p-value adjustment", "p 值校正"),
    "mc_replication": ("Replication rule", "重复数规则"),
    "mc_protection": ("Protection", "保护方式"),
    "mc_stepdown": ("step-down (SAS)", "逐步下降（SAS）"),
    # optimum of a response curve
    "op_economic_title": ("Economic optimum", "最佳经济施肥量"),
    "op_agronomic_title": ("Agronomic optimum (maximum yield)", "最高产量施肥量"),
    "op_model": ("Model", "模型"),
    "op_status": ("Status", "状态"),
    "op_rate": ("Rate", "施肥量"),
    "op_yield_at_rate": ("Yield at rate", "对应产量"),
    "op_net_return": ("Net return", "施肥纯收益"),
    "op_ci": ("Confidence interval", "置信区间"),
    "op_se": ("Standard error (delta)", "标准误（Delta 法）"),
    "ci_method_delta": ("delta", "Delta 法"),
    "ci_method_fieller": ("fieller", "Fieller 法"),
    "ci_method_profile": ("profile", "轮廓似然法"),
    "ci_method_bootstrap": ("bootstrap", "自助法"),
    "op_price_ratio": ("Price ratio applied", "所用价格比"),
    "op_tested": ("Tested rates", "试验施肥量范围"),
    "op_bootstrap": ("Bootstrap", "自助法（bootstrap）"),
    "op_bootstrap_text": (
        "{type}, {valid} of {n} refits used, seed {seed}",
        "{type}，{n} 次重拟合中用了 {valid} 次，随机种子 {seed}",
    ),
    "op_not_computed": ("not computed", "未计算"),
    "op_ci_text": ("{lo} – {hi} ({level}, {method})", "{lo} – {hi}（{level}，{method}）"),
    "op_ci_union": (
        "{pieces} ({level}, {method}; unbounded)",
        "{pieces}（{level}，{method}；无界）",
    ),
    "op_status_ok": ("a maximum inside the tested rates", "试验范围内的最高点"),
    "op_status_extrapolated": (
        "outside the tested rates: not a recommendation",
        "超出试验施肥范围，不宜作为推荐用量",
    ),
    "op_status_at_bound": ("a corner solution", "边界解"),
    "op_status_no_maximum": (
        "no maximum exists: no rate is recommended",
        "不存在最高点，不推荐施肥量",
    ),
    "op_headline_economic": ("economic optimum", "最佳经济施肥量"),
    "op_headline_agronomic": ("maximum yield", "最高产量施肥量"),
    "op_headline_none": (
        "{what}: none ({model}) | status no_maximum",
        "{what}：无（{model}）| 状态：无最高点",
    ),
    "op_headline": ("{what} at {rate}{ci} | status {status}", "{what} {rate}{ci} | 状态：{status}"),
    "op_headline_ci": (" | CI {ci}", " | 置信区间 {ci}"),
    "status_ok": ("ok", "正常"),
    "status_extrapolated": ("extrapolated", "外推"),
    "status_at_bound": ("at_bound", "在边界"),
    "status_no_maximum": ("no_maximum", "无最高点"),
    # response fits
    "rf_title": ("{model} response of {response} to {rate}", "{response}对{rate}的{model}"),
    "rf_model": ("Model", "模型"),
    "rf_equation": ("Equation", "方程"),
    "rf_plots": ("Plots", "小区数"),
    "rf_plots_text": ("{n} used, {d} dropped", "参加分析 {n} 个，剔除 {d} 个"),
    "rf_tested": ("Tested rates", "试验施肥量"),
    "rf_residual_sd": ("Residual SD", "剩余标准差"),
    "rf_on_df": ("{x} on {df} df", "{x}（自由度 {df}）"),
    "rf_fitted_by": ("Fitted by", "拟合方法"),
    "rf_blocks": ("Blocks", "区组"),
    "rf_blocks_text": ("{block} as additive fixed effects", "{block} 作为可加固定效应"),
    "rf_source": ("Source", "来源"),
    "rf_published": (
        "published coefficients; tested rates {lo} – {hi}",
        "已发表的系数；试验施肥量 {lo} – {hi}",
    ),
    "rf_units": ("Units", "单位"),
    "rf_units_text": ("yield {y}, rate {x}", "产量 {y}，施肥量 {x}"),
    "rf_params": ("Parameters ({level} Wald intervals)", "参数估计（{level} Wald 置信区间）"),
    "rf_lof": ("Lack of fit against pure error", "失拟检验（对纯误差）"),
    "rf_not_converged": ("{model}: did not converge ({message})", "{model}：未收敛（{message}）"),
    "rf_headline_stats": (" | n={n}, R²={r2}, σ={sigma}", " | n={n}，R²={r2}，σ={sigma}"),
    "cm_title": ("Comparison of response models", "效应模型比较"),
    "cm_none": ("{k} models, none converged", "{k} 个模型均未收敛"),
    "cm_headline": (
        "{ok} of {k} models converged | lowest AICc: {best}",
        "{k} 个模型中 {ok} 个收敛 | AICc 最小：{best}",
    ),
    # response surfaces
    "sf_title": ("Response surface", "多元肥料效应函数"),
    "sf_family_quadratic": ("quadratic", "二次"),
    "sf_family_square_root": ("square-root", "平方根"),
    "sf_name": ("{family} surface", "{k}元{family}肥料效应函数"),
    "sf_headline": (
        "{name} in {nutrients} | {k} terms | R² {r2}{test}",
        "{name}（{nutrients}）| {k} 项 | R² {r2}{test}",
    ),
    "sf_headline_published": (
        "published {name} in {nutrients} | {k} terms",
        "已发表的{name}（{nutrients}）| {k} 项",
    ),
    "sf_nutrients": ("Nutrients", "养分"),
    "sf_terms_chosen": ("Terms chosen", "方程的项"),
    "sf_sel_full": ("full", "全部项"),
    "sf_sel_stepwise": ("stepwise", "逐步回归选择"),
    "sf_sel_published": ("published", "已发表"),
    "sf_stepwise": ("Stepwise criteria", "逐步回归标准"),
    "sf_stepwise_text": (
        "F to enter {enter}, F to remove {remove}, hierarchy {hierarchy}",
        "引入 F 值 {enter}，剔除 F 值 {remove}，层次原则{hierarchy}",
    ),
    "sf_kept": ("kept", "保持"),
    "sf_not_enforced": ("not enforced", "不强制"),
    "sf_plots_text": ("{n} ({d} dropped)", "{n}（剔除 {d} 个）"),
    "sf_combinations": ("Rate combinations", "施肥组合数"),
    "sf_tested_region": ("Tested region", "试验范围"),
    "sf_ck_yield": ("CK yield", "CK 产量"),
    "sf_ck_text": ("{y} ({source})", "{y}（{source}）"),
    "sf_ck_observed": ("observed", "实测"),
    "sf_ck_predicted": ("predicted", "预测"),
    "sf_ck_given": ("given", "给定"),
    "sf_coefficients": ("Coefficients", "回归系数"),
    "sf_anova": ("Analysis of variance", "回归方差分析"),
    "sf_steps": ("Stepwise selection", "逐步回归过程"),
    "mc_rep_harmonic": ("harmonic", "调和平均数"),
    "mc_rep_kramer": ("kramer", "Tukey-Kramer 法（各对的重复数）"),
    "mc_per_pair": ("per pair (agricolae)", "逐对（agricolae）"),
    "mc_control": ("Control", "对照"),
    "mc_letters": ("Letters", "字母标记法"),
    "mc_plots": ("Plots", "小区数"),
    "mc_differs_control": ("* differs from the control.", "* 表示与对照差异显著。"),
    "mc_means": ("Means", "平均值"),
    "mc_critical": ("Critical values", "临界值"),
    "mc_pairs": ("Pairwise comparisons", "两两比较"),
    "mc_notes": ("Notes", "说明"),
    "mc_headline_within": (
        "{term} within {slices} levels of {within} ({k} means each)",
        "{term} 在 {within} 的 {slices} 个水平内（各 {k} 个平均值）",
    ),
    "mc_headline_means": ("{k} means of {term}", "{term} 的 {k} 个平均值"),
    "mc_headline_df": ("{error} df {df}", "{error} 自由度 {df}"),
    "mc_headline_dunnett": (
        "{k} of {n} differ from {control}",
        "{n} 个比较中 {k} 个与 {control} 差异显著",
    ),
    "mc_headline_groups": ("{k} letter group{s}", "{k} 个字母组"),
    "mc_headline_top": ("top: {t} (mean {m}, {letters})", "最高：{t}（{m}，{letters}）"),
    "mc_headline_lowest": ("lowest: {t} (mean {m}, {letters})", "最低：{t}（{m}，{letters}）"),
    # -- CanonicalResult, SurfaceOptimum, TypicalityResult, SurfacePoint, NetReturnCurve,
    # -- PriceSensitivity, PooledSites ----------------------------------------------
    # net-return curves, price sensitivity, MRTN pooling
    "nr_title": ("Net return curve", "施肥纯收益曲线"),
    "nr_profitable": (
        "Profitable range (within {within})",
        "盈利区间（与最高值相差 {within} 以内）",
    ),
    "nr_headline": (
        "best net return {best} {unit} at {rate}",
        "最高施肥纯收益 {best} {unit}，施肥量 {rate}",
    ),
    "nr_headline_within": (" | within {within}: {lo} – {hi}", " | 相差 {within} 以内：{lo} – {hi}"),
    "ps_title": ("Price sensitivity of the optimum", "最佳经济施肥量的价格敏感性"),
    "ps_headline": (
        "{n} price scenarios | optimum {lo} – {hi}",
        "{n} 种价格情景 | 最佳经济施肥量 {lo} – {hi}",
    ),
    "ps_headline_none": ("{n} price scenarios | no optimum", "{n} 种价格情景 | 无最佳经济施肥量"),
    "mrtn_title": ("Maximum return to nutrient over sites", "多点试验的最大养分收益（MRTN）"),
    "mrtn_sites": ("Sites", "试验点数"),
    "mrtn_rate": ("MRTN rate", "MRTN 施肥量"),
    "mrtn_net_return": ("Net return at MRTN", "MRTN 施肥量下的施肥纯收益"),
    "mrtn_pct_max": ("% of maximum yield at MRTN", "MRTN 施肥量下产量占最高产量的百分比"),
    "mrtn_site_optima": ("Site optima", "各试验点的最佳经济施肥量"),
    "mrtn_headline": (
        "MRTN {rate} over {n} sites | return {ret} {unit} | profitable {lo} – {hi}",
        "{n} 个试验点的 MRTN {rate} | 纯收益 {ret} {unit} | 盈利区间 {lo} – {hi}",
    ),
    # canonical analysis, optimum, typicality and points of a response surface
    "kind_maximum": ("maximum", "极大值"),
    "kind_minimum": ("minimum", "极小值"),
    "kind_saddle": ("saddle", "鞍点"),
    "kind_ridge": ("ridge", "脊"),
    "cr_kind": ("Kind", "曲面类型"),
    "cr_finite_maximum": ("Finite maximum", "有有限极大值"),
    "cr_response_there": ("Response there", "驻点产量"),
    "cr_in_region": ("In tested region", "在试验范围内"),
    "cr_inside": ("inside the tested region", "在试验范围内"),
    "cr_outside": ("outside the tested region", "在试验范围外"),
    "cr_headline": (
        "{kind} | stationary point {point} ({where})",
        "{kind} | 驻点 {point}（{where}）",
    ),
    "cr_outside_title": ("Outside the tested region", "超出试验范围"),
    "cr_eigen_title": (
        "Eigen-analysis of the quadratic part ({scale})",
        "二次型的特征分析（{scale}）",
    ),
    "cr_scale_rate": ("rate", "施肥量"),
    "cr_scale_root": ("square root of rate", "施肥量的平方根"),
    "cr_ridge_title": (
        "Ridge analysis (maximum on spheres around the design centre)",
        "岭分析（以试验设计中心为球心的各球面上的最高产量）",
    ),
    "cr_msg_max_inside": (
        "The quadratic part is negative definite, so the surface has a single maximum"
        " inside the tested region.",
        "二次型负定，曲面有唯一的极大值，且位于试验范围内。",
    ),
    "cr_msg_max_outside": (
        "The quadratic part is negative definite, so the surface has a single maximum"
        ", but it lies outside the tested region: {items}. Rates there are "
        "extrapolation; see the ridge analysis and the constrained maximum().",
        "二次型负定，曲面有唯一的极大值，但位于试验范围外：{items}。该处施肥量属于外推；"
        "请参看岭分析和试验范围内的最高产量施肥量。",
    ),
    "cr_msg_saddle": (
        "The quadratic part has eigenvalues of both signs: the stationary point is a saddle, "
        "not a maximum. The response rises without bound along the eigen-direction(s) with a "
        "positive eigenvalue, so the surface has no finite maximum and solving "
        "'gradient = 0' or 'gradient = price ratio' gives no optimum. Within the tested region "
        "the highest response lies on its boundary (see maximum()).",
        "二次型的特征值有正有负：驻点是鞍点，不是极大值。沿正特征值的特征方向产量无限上升，"
        "曲面没有有限的极大值，令“梯度 = 0”或“梯度 = 价格比”都求不出最佳施肥量。"
        "试验范围内的最高产量位于其边界上（见试验范围内的最高产量施肥量）。",
    ),
    "cr_msg_minimum": (
        "The quadratic part is positive definite: the stationary point is a minimum and the "
        "surface has no maximum (convex response). Within the tested region the highest "
        "response lies at a corner (see maximum()).",
        "二次型正定：驻点是极小值，曲面没有极大值（下凸的效应曲面）。"
        "试验范围内的最高产量位于其顶点上（见试验范围内的最高产量施肥量）。",
    ),
    "cr_msg_stationary_ridge": (
        "The quadratic part is singular (a stationary ridge): the maximum is reached along a "
        "line or plane, so no single maximum exists; the point shown is the one nearest the "
        "design centre.",
        "二次型奇异（平稳脊）：极大值沿一条直线或一个平面取得，不存在唯一的极大值；"
        "所示点是其中最接近试验设计中心的点。",
    ),
    "cr_msg_rising_ridge": (
        "The quadratic part is singular or flat with the response still rising along it "
        "(a rising ridge): the surface has no finite maximum.",
        "二次型奇异或平坦，且产量沿该方向仍在上升（上升脊）：曲面没有有限的极大值。",
    ),
    "so_title_agronomic": ("Maximum yield", "最高产量施肥量"),
    "so_headline": ("{what} {rates}{value} ({status})", "{what} {rates}{value}（{status}）"),
    "so_rates": ("Rates", "施肥量"),
    "so_response_at_rates": ("Response at rates", "对应产量"),
    "so_crop_price": ("Crop price", "作物价格"),
    "so_price_ratios": ("Price ratios", "价格比"),
    "so_unconstrained": ("Unconstrained solution", "无约束解"),
    "so_unconstrained_kind": ("Unconstrained kind", "无约束驻点类型"),
    "so_unconstrained_inside": ("Unconstrained in tested region", "无约束解在试验范围内"),
    "so_method": ("Method", "求解方法"),
    "so_method_kkt_faces": ("kkt_faces", "逐个边界面求精确解"),
    "so_method_numeric": ("numeric", "数值优化"),
    "so_bounds": ("Bounds", "施肥量上下限"),
    "so_what_yield": ("yield", "产量"),
    "so_what_net_return": ("net return", "施肥纯收益"),
    "so_bind": ("{nutrient} at its {side} bound {rate}", "{nutrient} 在{side} {rate}"),
    "so_bounds_word": ("bounds", "上下限"),
    "so_msg_saddle": (
        "The {what} surface is a saddle: it has no maximum, and rises without bound "
        "outside the region. ",
        "{what}曲面为鞍点型：没有极大值，在试验范围外无限上升。",
    ),
    "so_msg_no_optimum": ("No optimum exists without bounds.", "不设上下限时不存在最佳点。"),
    "so_msg_saddle_bounded": (
        "The point shown is only the highest {what} within the bounds, set by them "
        "({bind}); it is not an optimum and not a recommendation.",
        "所示点只是上下限内{what}最高的点，由上下限决定（{bind}）；它不是最佳点，"
        "不宜作为推荐施肥量。",
    ),
    "so_msg_no_maximum": (
        "The {what} surface has no maximum ({kind}). ",
        "{what}曲面没有极大值（{kind}）。",
    ),
    "so_msg_no_maximum_bounded": (
        "The point shown is only the highest {what} within the bounds ({bind}); "
        "not a recommendation.",
        "所示点只是上下限内{what}最高的点（{bind}），不宜作为推荐施肥量。",
    ),
    "so_msg_extrapolated": (
        "The {what} maximum lies outside the tested region ({items}); "
        "it is an extrapolation, not a recommendation.",
        "{what}的最高点位于试验范围外（{items}）；属于外推，不宜作为推荐施肥量。",
    ),
    "so_msg_lower": (
        "{names} stays at its lowest rate: even the first unit would not pay "
        "(it would lower the {what})",
        "{names} 保持在最低施肥量：即使施用第一个单位也不合算（会降低{what}）",
    ),
    "so_msg_upper": (
        "{names} is held at the highest tested rate, although more would still raise "
        "the {what}: the optimum of the surface lies beyond the tested range, so test "
        "higher rates before recommending more",
        "{names} 被限制在最高试验施肥量，但继续增施仍能提高{what}：曲面的最佳点超出试验范围，"
        "推荐更高用量之前应先试验更高的施肥量",
    ),
    "so_msg_beyond": (" The unconstrained solution: {items}.", "无约束解：{items}。"),
    "so_msg_at_bound": ("A bound binds: {parts}.{beyond}", "上下限起约束作用：{parts}。{beyond}"),
    "so_msg_ok": (
        "The {what} has a maximum inside the bounds; the rates are the optimum.",
        "{what}在上下限内有极大值，该施肥量即为最佳施肥量。",
    ),
    "ty_headline_failed": (" (failed: {names})", "（未通过：{names}）"),
    "ty_not_assessed": ("not assessed", "未评估"),
    "pt_title": ("Point on the surface", "效应曲面上的施肥组合"),
    "pt_headline": ("{rates} → {y} ({where})", "{rates} → {y}（{where}）"),
    "pt_predicted": ("Predicted", "预测产量"),
    "pt_marginal": ("Marginal response", "边际产量"),
    "pt_marginal_net": ("Marginal net return", "边际纯收益"),
    "pt_target_net": ("net return", "施肥纯收益"),
    "pt_target_response": ("response", "产量"),
    "pt_stationary": (
        "The {target} is stationary here (all marginal values are zero).",
        "{target}在此处取驻点（各边际值均为零）。",
    ),
    "pt_not_stationary": (
        "This point is not a stationary point of the {target}: its marginal values "
        "are not all zero.",
        "该点不是{target}的驻点：其边际值不全为零。",
    ),
    "pt_kind": (
        " The surface is a {kind}, so no rate combination is a maximum of it.",
        "曲面为{kind}型，任何施肥组合都不是它的极大值。",
    ),
    "pt_inside": (" It lies inside the tested region.", "该点在试验范围内。"),
    "pt_outside": (" It lies outside the tested region: {items}.", "该点在试验范围外：{items}。"),
}

#: Column of a result table → the key of its Chinese header (a column not
#: listed uses the key ``col_<column>``).  English summaries show the column
#: names themselves.
_COLUMN_KEYS: dict[str, str] = {
    "treatment": "treatment",
    "block": "block",
    "mean": "mean",
    "sd": "sd",
    "se": "se",
    "n": "n",
    "min": "min",
    "max": "max",
    "letters": "letters",
    "source": "source",
    "df": "df",
    "ss": "ss",
    "ms": "ms",
    "f": "f",
    "p": "p",
    "f_05": "f_05",
    "f_01": "f_01",
    "test": "test",
    "statistic": "statistic",
    "note": "note",
    "status": "status",
    "rate": "rate",
    "yield": "yield",
    "net_return": "net_return",
    "ci_low": "ci_low",
    "ci_high": "ci_high",
    "price_ratio": "price_ratio",
    "term": "par_term",
    "estimate": "par_estimate",
    "nutrient": "bind_nutrient",
    "lower": "bind_lower",
    "upper": "bind_upper",
    "at_bound": "bind_at_bound",
    "t": "coef_t",
    "model": "cmp_model",
    "n_params": "cmp_n_params",
    "converged": "cmp_converged",
    "rmse": "cmp_rmse",
    "r2": "cmp_r2",
    "aicc": "cmp_aicc",
    "delta_aicc": "cmp_delta_aicc",
    "weight": "cmp_weight",
    "lof_p": "cmp_lof_p",
    "agronomic_rate": "cmp_agronomic_rate",
    "rule": "rule_col_rule",
    "name": "rule_col_name",
    "passed": "rule_col_passed",
    "deciding": "rule_col_deciding",
    "detail": "rule_col_detail",
    "index": "om_col_index",
    "unit": "om_col_unit",
    "relative_yield": "om_col_relative_yield",
    "supply_class": "om_col_supply_class",
    "yield_at_rate": "yield_at_rate",
    "fertilizer_cost": "om_col_fertilizer_cost",
    "income": "om_col_income",
    "value_cost_ratio": "om_col_value_cost_ratio",
}

#: Chinese headers of result-table columns that the report does not show.
_COLUMN_ZH: dict[str, str] = {
    "aic": "AIC",
    "bic": "BIC",
    "axis": "主轴",
    "eigenvalue": "特征值",
    "coded_eigenvalue": "特征值（编码）",
    "radius": "半径",
    "predicted": "预测值",
    "inside": "在试验范围内",
    "marginal": "边际效应",
    "critical_range": "临界极差",
    "span": "秩次距",
    "protection": "保护水平",
    "quantile": "分位数",
    "treatment_a": "处理 A",
    "treatment_b": "处理 B",
    "diff": "差值",
    "significant": "显著",
    "plot": "小区",
    "role": "角色",
    "code": "编码",
    "abundance": "丰缺等级",
    "abundance_zh": "丰缺等级（中文）",
    "yield_omitted": "缺素区产量",
    "yield_full": "全肥区产量",
    "yield_at_optimum": "最佳点产量",
    "fitted": "已拟合",
    "typical": "典型",
    "failed_rules": "未通过的规则",
    "treatments": "处理",
    "n_obs": "小区数",
    "count": "个数",
    "median": "中位数",
    "q25": "下四分位数",
    "q75": "上四分位数",
    "column": "指标",
    "crop_price": "作物价格",
    "nutrient_price": "养分价格",
    "extrapolated": "外推",
    "yield_gain": "增产量",
    "value_gain": "增产值",
    "cost": "肥料成本",
    "site": "试验点",
    "trial": "试验",
    "error": "误差",
    "message": "信息",
}

_DESIGNS: dict[str, tuple[str, str]] = {
    "CRD": ("completely randomized design (CRD)", "完全随机设计"),
    "RCBD": ("randomized complete block design (RCBD)", "随机区组设计"),
    "Latin square": ("Latin square", "拉丁方设计"),
    "factorial CRD": ("factorial, completely randomized", "完全随机析因设计"),
    "factorial RCBD": ("factorial in randomized complete blocks", "随机区组析因设计"),
    "split-plot RCBD": ("split-plot in randomized complete blocks", "裂区设计（随机区组）"),
}

_METHODS: dict[str, tuple[str, str]] = {
    "duncan": ("Duncan's new multiple range test", "Duncan 新复极差法"),
    "lsd": ("Fisher's least significant difference (LSD)", "最小显著差数法（LSD）"),
    "tukey": ("Tukey's honestly significant difference (HSD)", "Tukey 固定极差法（HSD）"),
    "snk": ("Student-Newman-Keuls test (SNK)", "SNK 复极差法（q 检验）"),
    "scheffe": ("Scheffé's test", "Scheffé 法"),
    "dunnett": ("Dunnett's test against a control", "Dunnett 法（与对照比较）"),
}

_MODELS: dict[str, tuple[str, str]] = {
    "linear": ("linear model", "线性模型"),
    "quadratic": ("quadratic model", "一元二次模型"),
    "linear_plateau": ("linear-plateau model", "线性加平台模型"),
    "quadratic_plateau": ("quadratic-plateau model", "二次加平台模型"),
    "mitscherlich": ("Mitscherlich model", "米氏（Mitscherlich）模型"),
    "square_root": ("square-root model", "平方根模型"),
}

_STATUS: dict[str, tuple[str, str]] = {
    "ok": ("ok", "正常"),
    "no_maximum": (
        "no maximum: the fitted curve does not bend down, so no optimum rate exists",
        "无最高点：拟合曲线不下凸，不存在最佳施肥量",
    ),
    "extrapolated": (
        "beyond the tested rates (extrapolated; not a recommendation)",
        "超出试验施肥范围（外推，不宜作为推荐用量）",
    ),
    "at_bound": ("at the edge of the tested rates", "位于试验施肥范围的边界"),
    "saddle": ("saddle point: no maximum", "鞍点：无最高点"),
    "maximum": ("maximum", "极大值"),
    "minimum": ("minimum", "极小值"),
    "ridge": ("ridge", "脊"),
    "typical": ("typical", "典型"),
    "atypical": ("atypical", "非典型"),
}

#: English texts drawn by figure functions and their Chinese translations; the
#: report relabels figures with these when ``lang="zh"``.
_FIGURE_TEXT: dict[str, str] = {
    "Residuals vs fitted": "残差与拟合值",
    "Normal Q-Q": "正态 Q-Q 图",
    "Fitted value": "拟合值",
    "Residual": "残差",
    "Normal quantile": "正态分位数",
    "Ordered residual": "残差（排序）",
    "Treatment": "处理",
    "Mean": "平均值",
    "Yield": "产量",
    "Rate": "施肥量",
    "Observed": "观测值",
    "Fitted": "拟合值",
    "Net return": "施肥纯收益",
    "Maximum yield": "最高产量",
    "Rate of maximum yield": "最高产量施肥量",
    "Agronomic maximum": "最高产量施肥量",
    "Economic optimum": "最佳经济施肥量",
    "Economic optimum rate": "最佳经济施肥量",
    "95 % confidence band": "95% 置信带",
    "Confidence band": "置信带",
    "Tested range": "试验范围",
    "Design points": "试验点",
    "Stationary point": "驻点",
    "Optimum": "最佳点",
}


def check_lang(lang: Any) -> str:
    """Return ``lang`` if it is a supported language, else raise a clear error.

    Examples
    --------
    >>> check_lang("ZH")
    'zh'
    """
    key = str(lang).strip().lower() if isinstance(lang, str) else lang
    aliases = {
        "cn": "zh",
        "zh-cn": "zh",
        "zh_cn": "zh",
        "chinese": "zh",
        "中文": "zh",
        "english": "en",
        "en-us": "en",
        "en-gb": "en",
    }
    key = aliases.get(key, key)
    if key not in LANGS:
        raise OptionError(f"lang={lang!r} is not available; use 'en' (English) or 'zh' (Chinese).")
    return key


def label(key: str, lang: str = "en", /, **fields: Any) -> str:
    """The text of ``key`` in ``lang``, with ``fields`` filled in.

    Unknown keys are returned unchanged (a column name shown as is).
    """
    pair = _TEXT.get(key)
    if pair is None:
        return key
    text = pair[LANGS.index(lang)]
    return text.format(**fields) if fields else text


def _lookup(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    pair = table.get(key)
    return pair[LANGS.index(lang)] if pair else key


def design_name(design: str, lang: str = "en") -> str:
    """Plain-words name of an ANOVA design (``"RCBD"`` → 随机区组设计)."""
    return _lookup(_DESIGNS, design, lang)


def method_name(method: str, lang: str = "en") -> str:
    """Name of a multiple-comparison method (``"duncan"`` → Duncan 新复极差法)."""
    return _lookup(_METHODS, str(method).lower(), lang)


def model_name(model: str, lang: str = "en") -> str:
    """Name of a response model (``"quadratic"`` → 一元二次模型)."""
    return _lookup(_MODELS, model, lang)


def status_text(status: str, lang: str = "en") -> str:
    """Plain-words meaning of an optimum or surface status."""
    return _lookup(_STATUS, status, lang)


def significance_word(p: float, lang: str = "en") -> str:
    """``highly significant`` (p ≤ 0.01), ``significant`` (p ≤ 0.05) or ``not significant``.

    Examples
    --------
    >>> significance_word(0.003, "zh"), significance_word(0.03), significance_word(0.2, "zh")
    ('极显著', 'significant', '不显著')
    """
    if p <= 0.01:
        return label("highly_significant", lang)
    if p <= 0.05:
        return label("significant", lang)
    return label("not_significant", lang)


def column_label(column: Any, lang: str = "en") -> str:
    """Header of a result-table column: the column name in English, its Chinese name in Chinese.

    Examples
    --------
    >>> column_label("delta_aicc"), column_label("mean", "zh"), column_label("span", "zh")
    ('delta_aicc', '平均值', '秩次距')
    """
    name = str(column)
    if lang == "en":
        return name
    if name in _COLUMN_KEYS:
        return label(_COLUMN_KEYS[name], lang)
    return _COLUMN_ZH.get(name, name)


#: Notes and warnings that analyses store as English sentences, as patterns
#: with their Chinese wording (named groups are carried over).
_MESSAGES: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(r"The error is block-adjusted \((?P<name>.+), df (?P<df>[^)]+)\)\."),
        "误差已扣除区组效应（{name}，自由度 {df}）。",
    ),
    (
        re.compile(
            r"Duncan's test protects each range at \(1 − α\)\^\(p − 1\); it does not control "
            r"the experimentwise error rate \(Tukey's test does\)\."
        ),
        "Duncan 法对每个极差的保护水平为 (1 − α)^(p − 1)，不控制试验总体误差率（Tukey 法控制）。",
    ),
    (
        re.compile(
            r"(?P<r>\S+) (?P<ym>\S+) yield per (?P<xm>\S+) (?P<nut>\S+) \("
            r"(?:= (?P<kg>\S+) kg per kg: )?(?P<form>\S+) (?P<px>\S+) ÷ crop (?P<py>\S+) "
            r"(?P<cur>\S+) per kg\)"
        ),
        "每 {xm} {nut} 折合 {r} {ym} 产量（{form} {px} ÷ 作物 {py} {cur}/kg）",
    ),
    (
        re.compile(
            r"(?P<r>\S+) (?P<ym>\S+) yield per (?P<xm>\S+) (?P<nut>\S+) "
            r"\(as given, in the data's units\)"
        ),
        "每 {xm} {nut} 折合 {r} {ym} 产量（按给定值，数据单位）",
    ),
]

# -- CanonicalResult, SurfaceOptimum, TypicalityResult, SurfacePoint, NetReturnCurve,
# -- PriceSensitivity, PooledSites: their stored notes, warnings and money units
_MESSAGES += [
    (re.compile(r"money per unit area of the data"), "货币单位/数据单位面积"),
    (re.compile(r"(?P<cur>\S+) per unit area of the data"), "{cur}/数据单位面积"),
    (re.compile(r"(?P<y>\S+) yield/(?P<area>\S+)"), "{y} 产量/{area}"),
    (re.compile(r"yield units"), "产量单位"),
    (
        re.compile(r"rates above the highest tested rate \((?P<hi>[^)]+)\) are extrapolated"),
        "高于最高试验施肥量（{hi}）的施肥量为外推值",
    ),
    (
        re.compile(r"some optima lie outside the tested rates \(extrapolated = True\)"),
        "部分最佳施肥量超出试验施肥范围（外推）",
    ),
    (
        re.compile(r"the rate grid extrapolates beyond the tested rates of (?P<sites>.+)"),
        "施肥量网格超出了 {sites} 的试验施肥范围（外推）",
    ),
    (
        re.compile(
            r"the return still rises at the end of the rate grid: the MRTN may lie above it"
        ),
        "收益在施肥量网格末端仍在上升：MRTN 可能高于网格上限",
    ),
    # rates outside the tested region
    (
        re.compile(r"(?P<n>\S+) = (?P<v>\S+) is negative, which is not a rate"),
        "{n} = {v} 为负值，不是施肥量",
    ),
    (
        re.compile(r"(?P<n>\S+) = (?P<v>\S+) is above the highest tested rate (?P<x>\S+)"),
        "{n} = {v} 高于最高试验施肥量 {x}",
    ),
    (
        re.compile(r"(?P<n>\S+) = (?P<v>\S+) is below the lowest tested rate (?P<x>\S+)"),
        "{n} = {v} 低于最低试验施肥量 {x}",
    ),
    (
        re.compile(r"the stationary point lies at a negative square root, which no rate can reach"),
        "驻点位于负的平方根处，任何施肥量都达不到",
    ),
    (
        re.compile(r"there is no stationary point \(a rising ridge\)"),
        "不存在驻点（上升脊）",
    ),
    # notes of canonical analyses, optima and typicality
    (
        re.compile(
            r"One eigenvalue is less than 5 % of the largest \(coded units\): the maximum is "
            r"poorly determined along that eigen-direction \(close to a ridge\)\."
        ),
        "有一个特征值不到最大特征值的 5%（编码单位）：沿该特征方向极大值的位置难以确定（接近脊）。",
    ),
    (
        re.compile(
            r"The surface has terms above second order: the optimum was found numerically, and "
            r"the kind of the unconstrained stationary point is local \(from the curvature "
            r"there\)\."
        ),
        "曲面含二阶以上的项：最佳点由数值方法求得，无约束驻点的类型是局部的（由该处的曲率判断）。",
    ),
    (
        re.compile(
            r"The maximum is not unique \(a stationary ridge\): other rates give the same value\."
        ),
        "极大值不唯一（平稳脊）：其他施肥量也能得到相同的值。",
    ),
    (
        re.compile(r"The yield optimum lies outside the tested region: (?P<items>.+)\."),
        "产量的最佳点位于试验范围外：{items}。",
    ),
    (
        re.compile(r"The net return optimum lies outside the tested region: (?P<items>.+)\."),
        "施肥纯收益的最佳点位于试验范围外：{items}。",
    ),
    (
        re.compile(r"Regression significance was not assessed \(no ANOVA\)\."),
        "未评估回归的显著性（没有方差分析）。",
    ),
    (
        re.compile(
            r"The sign pattern failed; with product terms this alone does not decide the shape\."
        ),
        "系数符号检验未通过；方程含交互项时，仅凭系数符号不能判定曲面形状。",
    ),
    # details of the typicality rules
    (
        re.compile(
            r"not assessed: no ANOVA \(a published equation or no residual degrees of freedom\)"
        ),
        "未评估：没有方差分析（已发表的方程，或剩余自由度为零）",
    ),
    (re.compile(r"linear terms > 0 and squared terms < 0"), "一次项系数 > 0，二次项系数 < 0"),
    (re.compile(r"sqrt\((?P<n>[^)]+)\) = (?P<v>\S+) \(not > 0\)"), "√{n} = {v}（不大于 0）"),
    (re.compile(r"(?P<t>\S+) = (?P<v>\S+) \(not > 0\)"), "{t} = {v}（不大于 0）"),
    (re.compile(r"(?P<t>\S+) = (?P<v>\S+) \(not < 0\)"), "{t} = {v}（不小于 0）"),
    (re.compile(r"no sqrt\((?P<n>[^)]+)\) term"), "没有 √{n} 项"),
    (re.compile(r"no (?P<t>\S+) term"), "没有 {t} 项"),
    (
        re.compile(r"eigenvalues of the quadratic part: (?P<v>.+)"),
        "二次型的特征值：{v}",
    ),
    (
        re.compile(r"quadratic coefficient (?P<v>\S+)"),
        "二次项系数 {v}",
    ),
    (
        re.compile(r"not assessed: the surface has no maximum \(rule 3\)"),
        "未评估：曲面没有极大值（规则 3）",
    ),
]
for _en, _zh in {"maximum": "极大值", "minimum": "极小值", "saddle": "鞍点", "ridge": "脊"}.items():
    _MESSAGES.append(
        (
            re.compile(f"surface above second order: the stationary point is a local {_en}"),
            f"曲面高于二阶：驻点为局部{_zh}",
        )
    )
_MESSAGES.append(
    (
        re.compile(
            r"surface above second order: the stationary point is a local none \(not found\)"
        ),
        "曲面高于二阶：未找到驻点",
    )
)
for _en, _zh in {"stationary point": "驻点", "economic optimum": "最佳经济施肥量"}.items():
    _MESSAGES += [
        (re.compile(f"{_en}: none exists"), f"{_zh}：不存在"),
        (re.compile(f"{_en}: (?P<n>\\S+) = (?P<v>\\S+) ≤ 0"), f"{_zh}：{{n}} = {{v}} ≤ 0"),
        (
            re.compile(f"{_en}: (?P<n>\\S+) = (?P<v>\\S+) > top tested rate (?P<x>\\S+)"),
            f"{_zh}：{{n}} = {{v}} > 最高试验施肥量 {{x}}",
        ),
        (re.compile(f"{_en}: (?P<rates>.+)"), f"{_zh}：{{rates}}"),
    ]
    for _src, _src_zh in {"observed": "实测", "predicted": "预测", "given": "给定"}.items():
        _MESSAGES.append(
            (
                re.compile(
                    f"{_en} yield (?P<y>\\S+) (?P<cmp>[>≤]) CK yield (?P<ck>\\S+) \\({_src}\\)"
                ),
                f"{_zh}处产量 {{y}} {{cmp}} CK 产量 {{ck}}（{_src_zh}）",
            )
        )


# -- stored texts of OmissionResult, Three414Result, BatchResult and StudyAudit ----------
def three414_fit_name(name: str, lang: str) -> str:
    """A 3414 fit or recommendation source (``"binary N-P2O5"``, ``"none"``) in ``lang``.

    Examples
    --------
    >>> three414_fit_name("binary N-P2O5 + binary N-K2O (mean)", "zh")
    'N-P2O5 二元二次肥料效应函数 + N-K2O 二元二次肥料效应函数（平均）'
    """
    if lang == "en" or not name:
        return name
    if name.endswith(" (mean)"):
        parts = [three414_fit_name(p, lang) for p in name[: -len(" (mean)")].split(" + ")]
        return label("t4_mean_of", lang, sources=" + ".join(parts))
    kind, _, rest = name.partition(" ")
    if kind == "binary":
        return label("t4_binary", lang, pair=rest)
    if kind in ("quadratic", "linear_plateau"):
        return label(f"t4_{kind}", lang, nutrient=rest)
    return label(f"t4_{name}", lang) if f"t4_{name}" in _TEXT else name


def _mean_of(g: dict[str, str]) -> str:
    parts = []
    for part in g["parts"].split(", binary "):
        lab, _, rate = part.rpartition(": ")
        lab = lab if lab.startswith("binary ") else f"binary {lab}"
        parts.append(f"{three414_fit_name(lab, 'zh')}：{rate}")
    return label("t4_note_mean", "zh", parts="；".join(parts))


def _instead(g: dict[str, str]) -> str:
    diffs = re.sub(r"(\S+) (\S+) instead of (\S+)", r"\1（\2，而非 \3）", g["diffs"])
    return (
        f"缺素处理“{g['lbl']}”与“{g['full']}”相比，除 {g['nut']} 外 {diffs.replace(', ', '、')}"
        f"也不同：其产量差异混合了几种效应，{g['nut']} 的各项指标受其他变化的干扰。"
    )


def _supply_word(word: str) -> str:
    return label(f"supply_{word}", "zh") if f"supply_{word}" in _TEXT else word


#: Stored English notes and warnings of these results → Chinese (a template, or a function of
#: the matched groups for texts whose parts need translating too).
_RESULT_MESSAGES: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(
            r"'(?P<lbl>.+)' out-yields '(?P<full>.+)' by (?P<by>\S+): the (?P<nut>\S+) "
            r"contribution, yield increase and agronomic efficiency are negative "
            r"\(less (?P=nut) did not cost yield in this trial\)\."
        ),
        "“{lbl}”比“{full}”增产 {by}：{nut} 的贡献率、增产量和农学效率为负值"
        "（本试验中减少 {nut} 并未减产）。",
    ),
    (
        re.compile(
            r"the treatments do not differ significantly \(ANOVA p = (?P<p>\S+)\); read the "
            r"indices with their intervals\."
        ),
        "处理间差异不显著（方差分析 P = {p}），各项指标应结合其置信区间解读。",
    ),
    (
        re.compile(
            r"'(?P<lbl>.+)' receives (?P<a>\S+) of the (?P<b>\S+) (?P<nut>\S+) in "
            r"'(?P<full>.+)': the (?P=nut) indices describe the last (?P<c>\S+) of (?P=nut), "
            r"not the whole dose, and its relative yield is no soil-supply index\."
        ),
        "“{lbl}”施 {nut} {a}，“{full}”施 {nut} {b}：{nut} 的各项指标只反映最后 {c} 个单位"
        " {nut} 的效果，而非全部用量，其相对产量也不能作为土壤养分丰缺指标。",
    ),
    (
        re.compile(
            r"minus plot '(?P<lbl>.+)' differs from '(?P<full>.+)' not only in (?P<nut>\S+) "
            r"but also in (?P<diffs>.+): its yield difference mixes the effects, so the "
            r"(?P=nut) indices are confounded with the other change\."
        ),
        _instead,
    ),
    (
        re.compile(
            r"no treatment has more than one plot: without replicates there is no error "
            r"variance, so the indices have no standard errors and no letters\. Replicate the "
            r"treatments, or pool sites to judge the uncertainty\."
        ),
        "所有处理都只有一个小区：没有重复就没有误差方差，各项指标没有标准误，也不标字母。"
        "请设置重复，或合并多个试验点来判断不确定性。",
    ),
    (
        re.compile(
            r"The trial has one plot per treatment: fits use the 14 treatment yields, and "
            r"typicality rule 1 rests on few residual degrees of freedom\."
        ),
        "每个处理只有一个小区：拟合使用 14 个处理的产量，典型性规则 1 的剩余自由度很少。",
    ),
    (
        re.compile(
            r"(?P<nut>\S+) has (?P<k>\d+) distinct rates instead of 4; level 2 was taken as its "
            r"most frequent rate \((?P<l2>\S+)\), so levels 0–3 are (?P<levels>.+)\."
        ),
        "{nut}有 {k} 个不同的施用量而不是 4 个；以出现最多的施用量（{l2}）作为 2 水平，"
        "0–3 水平为 {levels}。",
    ),
    (
        re.compile(
            r"no fit gives a usable (?P<nut>\S+) rate; judge from the abundance class "
            r"\((?P<cls>[a-z ]*), relative yield (?P<ry>\S+) %\) and local experience"
        ),
        lambda g: (
            f"没有可用的拟合给出{g['nut']}推荐施肥量；请根据丰缺等级（{_supply_word(g['cls'])}，"
            f"相对产量 {g['ry']}%）并结合当地经验确定"
        ),
    ),
    (re.compile(r"mean of binary (?P<parts>.+)"), _mean_of),
    (
        re.compile(
            r"progress=True needs the tqdm package \(pip install 'fertopt\[progress\]'\); "
            r"the batch ran without a progress bar\."
        ),
        "progress=True 需要 tqdm 包（pip install 'fertopt[progress]'），本次批量分析未显示进度条。",
    ),
]
_MESSAGES += _RESULT_MESSAGES


#: Words of model formulas and equations (parameter names) in Chinese.
_MODEL_WORDS: dict[str, str] = {
    "yield": "产量",
    "intercept": "截距",
    "slope": "斜率",
    "linear": "一次项系数",
    "quadratic": "二次项系数",
    "sqrt": "平方根项系数",
    "join": "转折点",
    "asymptote": "渐近线",
    "rate": "速率",
    "shift": "平移量",
    "regression": "回归",
    "residual": "剩余",
    "total": "总变异",
    "lack_of_fit": "失拟",
    "pure_error": "纯误差",
    "for": "当",
    "beyond": "之后",
    "plateau": "平台",
}
_MODEL_WORD = re.compile(r"\b(" + "|".join(sorted(_MODEL_WORDS, key=len, reverse=True)) + r")\b")


def model_words(text: str, lang: str) -> str:
    """A model formula, equation or term name with its English words in ``lang``.

    Examples
    --------
    >>> model_words("yield = intercept + slope·x", "zh")
    '产量 = 截距 + 斜率·x'
    """
    if lang == "en":
        return text
    return _MODEL_WORD.sub(lambda m: _MODEL_WORDS[m.group()], text)


def translate_message(text: str, lang: str) -> str:
    """Chinese wording of a stored note or warning when ``lang="zh"`` (unknown texts unchanged)."""
    if lang != "zh":
        return text
    for pattern, template in _MESSAGES:
        match = pattern.fullmatch(text)
        if match and callable(template):
            return template(match.groupdict())
        if match:
            fields = {k: _message_field(k, v, lang) for k, v in match.groupdict().items()}
            return template.format(**fields)
    return text


def _message_field(name: str, value: str | None, lang: str) -> str:
    """A field of a stored message in ``lang``; ``items`` is a list of messages joined by "; "."""
    if not value:
        return ""
    if name == "items":
        return "；".join(translate_message(part, lang) for part in value.split("; "))
    return label(value, lang)


def translate_figure_text(text: str, lang: str) -> str:
    """Chinese text of an English figure label when ``lang="zh"`` (unknown texts unchanged)."""
    if lang != "zh":
        return text
    return _FIGURE_TEXT.get(text, text)
