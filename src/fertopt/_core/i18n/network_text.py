"""Labels of the trial-network results of :mod:`fertopt.soiltest` (relative yields over a
network, rates per soil-test class, the one-call calibration): key → (English, Chinese).

See :func:`fertopt._core.i18n.label`.
"""

from __future__ import annotations

NETWORK_TEXT: dict[str, tuple[str, str]] = {
    # -- RelativeYields -------------------------------------------------------
    "nw_ry_title": ("Relative yields of a trial network", "多点试验的相对产量"),
    "nw_ry_headline": (
        "{design}: {n} trials; relative yields {counts}; {u} trial × nutrient unusable",
        "{design}：{n} 个试验；相对产量 {counts}；{u} 个试验×养分不可用",
    ),
    "nw_design_3414": ("3414 trials", "3414 试验"),
    "nw_design_omission": ("omission trials", "缺素试验"),
    "nw_design": ("Design", "试验设计"),
    "nw_trials": ("Trials", "试验数"),
    "nw_plots": ("Plots read", "读入的小区数"),
    "nw_plots_text": (
        "{n} ({k} neither full nor minus plots: used by the batch fits only)",
        "{n}（其中 {k} 个既非全肥区也非缺素区，只用于批量拟合）",
    ),
    "nw_trial_keys": ("Trial identified by", "试验标识列"),
    "nw_soil": ("Soil tests", "土壤测试值"),
    "nw_ry_def": ("Relative yield", "相对产量"),
    "nw_ry_def_text": (
        "minus-plot mean ÷ full-fertilizer mean × 100",
        "缺素区平均产量 ÷ 全肥区平均产量 × 100",
    ),
    "nw_optimum_source": ("Economic optimum of a trial", "单个试验的最佳经济施肥量"),
    "nw_optimum_source_text": (
        "priced box optimum of the trial's ternary quadratic surface (batch run)",
        "试验三元二次肥料效应函数在试验范围内的最佳经济施肥量（批量分析）",
    ),
    "nw_no_prices": ("no prices given: no optima", "未给出价格：不计算最佳施肥量"),
    "nw_batch": ("Batch run", "批量分析"),
    "nw_batch_text": (
        "{n} trials fitted, {f} failed, {t} s",
        "拟合 {n} 个试验，失败 {f} 个，用时 {t} 秒",
    ),
    "nw_time": ("Time", "用时"),
    "nw_time_text": ("{t} s", "{t} 秒"),
    "nw_by_nutrient": ("Relative yield by nutrient", "各养分的相对产量"),
    "nw_unusable_counts": ("Unusable trials by reason", "不可用试验的原因"),
    "nw_unusable_first": (
        "The first {k} of {n} unusable entries",
        "前 {k} 条不可用记录（共 {n} 条）",
    ),
    # reasons a trial × nutrient could not be used
    "nw_reason_missing_key": ("empty trial key", "试验标识为空"),
    "nw_reason_missing_plot": ("a plot type is missing", "缺少所需处理的小区"),
    "nw_reason_missing_soil": ("no soil-test value", "没有土壤测试值"),
    "nw_reason_soil_varies": (
        "soil-test value varies within the trial",
        "同一试验内土壤测试值不一致",
    ),
    "nw_reason_full_not_positive": ("full-fertilizer yield not positive", "全肥区产量不为正"),
    "nw_reason_batch_failed": ("the trial's batch analysis failed", "该试验的批量分析失败"),
    "nw_reason_no_optimum": (
        "the fitted surface gives no optimum",
        "拟合的肥料效应函数没有最佳施肥量",
    ),
    "nw_scope_ry": ("relative yield", "相对产量"),
    "nw_scope_optimum": ("economic optimum", "最佳经济施肥量"),
    # column headers
    "nw_col_nutrient": ("nutrient", "养分"),
    "nw_col_soil_column": ("soil column", "土壤测试列"),
    "nw_col_n": ("n", "试验数"),
    "nw_col_n_optimum": ("n optimum", "有最佳施肥量的试验数"),
    "nw_col_stv": ("STV", "土壤测试值"),
    "nw_col_stv_min": ("STV min", "土壤测试值最小值"),
    "nw_col_stv_median": ("STV median", "土壤测试值中位数"),
    "nw_col_stv_max": ("STV max", "土壤测试值最大值"),
    "nw_col_ry_mean": ("RY mean", "相对产量平均值"),
    "nw_col_ry_min": ("RY min", "相对产量最小值"),
    "nw_col_ry_max": ("RY max", "相对产量最大值"),
    "nw_col_scope": ("scope", "用途"),
    "nw_col_reason": ("reason", "原因"),
    "nw_col_entries": ("entries", "条数"),
    # -- RY range check ---------------------------------------------------------
    "nw_warn_ry_range": (
        "{k} relative yield(s) lie outside 0–150 %, which a minus plot rarely gives: {items}. "
        "Check the yields of these trials (a swapped plot label, a unit error).",
        "{k} 个相对产量超出 0–150% 的范围，缺素区很少出现这种情况：{items}。"
        "请检查这些试验的产量（处理标签是否对调、单位是否有误）。",
    ),
    # -- ClassRecommendation ----------------------------------------------------
    "nw_rec_title": (
        "Recommended rates by soil-test class: {nutrient}",
        "按土壤养分丰缺等级推荐施肥量：{nutrient}",
    ),
    "nw_rec_headline": (
        "{nutrient} by class (mean of trial optima): {parts}",
        "{nutrient} 各等级推荐量（单试验最佳施肥量的平均）：{parts}",
    ),
    "nw_rec_headline_none": (
        "{nutrient}: {n} trials in {k} classes, no optima given",
        "{nutrient}：{n} 个试验，{k} 个等级，未给出最佳施肥量",
    ),
    "nw_rec_trials": ("Trials", "试验数"),
    "nw_rec_trials_text": (
        "{n} ({c} classified, {u} without a soil-test value)",
        "{n}（分级 {c} 个，{u} 个没有土壤测试值）",
    ),
    "nw_rec_classes": ("Classes", "等级"),
    "nw_rec_boundaries": ("Class boundaries (STV)", "等级界限（土壤测试值）"),
    "nw_rec_interval": ("Interval of the mean", "平均值的区间"),
    "nw_rec_interval_text": ("t interval, {level} %", "t 区间，{level}%"),
    "nw_rec_mrtn": ("Pooled rate (MRTN)", "合并推荐量（MRTN）"),
    "nw_rec_mrtn_text": (
        "maximum return to nutrient of the mean response of the class's trials, price ratio "
        "{ratio}",
        "该等级各试验平均效应曲线的最大养分收益，价格比 {ratio}",
    ),
    "nw_rec_no_mrtn": ("not computed (no fits or no prices)", "未计算（没有拟合曲线或价格）"),
    "nw_rec_regression": ("Optimum on ln(STV)", "最佳施肥量对 ln(土壤测试值) 的回归"),
    "nw_rec_regression_text": (
        "rate = {a} {sign} {b}·ln(STV); SE {sa}, {sb}; R² {r2}; n {n}",
        "施肥量 = {a} {sign} {b}·ln(土壤测试值)；标准误 {sa}、{sb}；R² {r2}；n {n}",
    ),
    "nw_rec_regression_none": (
        "fewer than 3 trials with an optimum",
        "有最佳施肥量的试验少于 3 个",
    ),
    "nw_rec_table": (
        "Rates per class: mean of the trial optima",
        "各等级推荐施肥量：单试验最佳施肥量的平均",
    ),
    "nw_rec_pooled_table": (
        "Rates per class: range of the trial optima and pooled rate (MRTN)",
        "各等级推荐施肥量：单试验最佳施肥量的范围与合并推荐量（MRTN）",
    ),
    "nw_flag_empty": ("no trial in this class", "该等级没有试验"),
    "nw_flag_few": ("fewer than 3 trials: a weak recommendation", "试验少于 3 个：推荐量可靠性低"),
    "nw_flag_no_optimum": ("no trial of the class has an optimum", "该等级没有试验给出最佳施肥量"),
    "nw_col_class": ("class", "等级"),
    "nw_col_stv_low": ("STV from", "土壤测试值下限"),
    "nw_col_stv_high": ("STV to", "土壤测试值上限"),
    "nw_col_mean": ("mean optimum", "最佳施肥量平均值"),
    "nw_col_sd": ("SD", "标准差"),
    "nw_col_ci_low": ("CI low", "置信下限"),
    "nw_col_ci_high": ("CI high", "置信上限"),
    "nw_col_min": ("min", "最小值"),
    "nw_col_max": ("max", "最大值"),
    "nw_col_mrtn": ("MRTN", "MRTN"),
    "nw_col_mrtn_low": ("MRTN range from", "MRTN 范围下限"),
    "nw_col_mrtn_high": ("MRTN range to", "MRTN 范围上限"),
    "nw_col_n_mrtn": ("n MRTN", "MRTN 试验数"),
    "nw_col_note": ("note", "说明"),
    "nw_warn_few": (
        "{nutrient} class '{cls}' has {n} trial(s) (fewer than 3): its recommended rate rests on "
        "too few trials to be relied on; pool it with a neighbouring class or add trials.",
        "{nutrient} 的“{cls}”等级只有 {n} 个试验（少于 3 个）：其推荐施肥量依据的试验太少，"
        "不宜直接采用；请与相邻等级合并或增加试验。",
    ),
    "nw_warn_one_class": (
        "all {n} classified {nutrient} trials fall in class '{cls}': the boundaries do not "
        "separate this network, so the classes say nothing about soil supply here. Check the "
        "boundaries against the range of the soil tests.",
        "{nutrient} 全部 {n} 个已分级试验都落在“{cls}”等级：等级界限没有把试验分开，"
        "这些等级不能说明此处的土壤供肥能力。请对照土壤测试值的范围检查等级界限。",
    ),
    "nw_warn_regression_stv": (
        "{k} {nutrient} trial(s) with a soil-test value of 0 or less were left out of the "
        "regression on ln(STV): {items}.",
        "{k} 个 {nutrient} 试验的土壤测试值不大于 0，未参加对 ln(土壤测试值) 的回归：{items}。",
    ),
    "nw_warn_mrtn": (
        "{nutrient} class '{cls}': the pooled rate could not be computed: {message}",
        "{nutrient} 的“{cls}”等级：无法计算合并推荐量：{message}",
    ),
    # -- NetworkCalibration -----------------------------------------------------
    "nw_cal_title": (
        "Soil-test calibration of a trial network",
        "多点试验的土壤养分丰缺指标与推荐施肥量",
    ),
    "nw_cal_headline": (
        "{design}: {n} trials; boundaries at RY {thresholds} %: {parts}",
        "{design}：{n} 个试验；相对产量 {thresholds}% 处的界限：{parts}",
    ),
    "nw_cal_fits": (
        "Calibration curve and class boundaries by nutrient",
        "各养分的校验曲线与丰缺等级界限",
    ),
    "nw_cal_model": ("Calibration curve", "校验曲线"),
    "nw_cal_boot": ("Bootstrap of the boundaries", "等级界限的自助法"),
    "nw_cal_boot_text": (
        "{n} resamples of the trials per nutrient, seed {seed}",
        "每个养分对试验重抽样 {n} 次，随机种子 {seed}",
    ),
    "nw_col_equation": ("curve", "曲线"),
    "nw_cal_thresholds": ("Thresholds (RY %)", "相对产量界限（%）"),
    "nw_cal_fit_note": (
        "Boundaries: the STV at which the least-squares curve of RY on STV reaches each "
        "threshold (for the log curve RY = a + b·ln(STV): STV = exp((RY − a) / b)).",
        "等级界限：相对产量对土壤测试值的最小二乘曲线达到各相对产量界限处的土壤测试值"
        "（对数曲线 RY = a + b·ln(土壤测试值) 时即 exp((RY − a) / b)）。",
    ),
    "nw_col_intercept": ("a", "a"),
    "nw_col_slope": ("b", "b"),
    "nw_col_intercept_se": ("SE a", "a 的标准误"),
    "nw_col_slope_se": ("SE b", "b 的标准误"),
    "nw_col_r_squared": ("R²", "R²"),
    "nw_col_threshold": ("RY threshold", "相对产量界限"),
    "nw_col_boundary": ("STV boundary", "土壤测试值界限"),
    "nw_col_boundary_at": ("STV at RY {t} %", "相对产量 {t}% 处的土壤测试值"),
    "nw_warn_outside": (
        "{nutrient}: the boundary at RY {t} % (STV {stv}) lies outside the tested soil-test "
        "values ({lo} – {hi}); it is extrapolated by the fitted curve.",
        "{nutrient}：相对产量 {t}% 处的界限（土壤测试值 {stv}）超出了试验的土壤测试值范围"
        "（{lo} – {hi}），由拟合曲线外推得到。",
    ),
}
