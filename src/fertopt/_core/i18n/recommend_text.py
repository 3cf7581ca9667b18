"""Labels and messages of :func:`fertopt.recommend` (the recommendation of a trial network
with its leave-site-out regret): key → (English, Chinese).

See :func:`fertopt._core.i18n.label` and :func:`fertopt._core.i18n.message`.
"""

from __future__ import annotations

RECOMMEND_TEXT: dict[str, tuple[str, str]] = {
    # -- messages (stored in warnings and notes) ------------------------------------
    "rec_network_failed": (
        "the 'network' method (population optimum of fo.fit_network) was skipped: {reason}",
        "未运行随机系数模型方法（多点随机系数模型的总体最佳施肥量）：{reason}",
    ),
    "rec_few_sites": (
        "the recommendation rests on {n} sites (fewer than {minimum}): the rates and the "
        "regret measured on held-out sites are uncertain; add sites before relying on them",
        "推荐施肥量只依据 {n} 个试验点（少于 {minimum} 个）：推荐量和留点验证的损失都不确定；"
        "请增加试验点后再采用",
    ),
    "rec_not_bracketed": (
        "the network's tested rates ({low} – {high}, the highest rate every site tested) do "
        "not bracket these recommendations: {items}; a rate at or beyond the edge of the "
        "tested rates is an extrapolation; test higher (or lower) rates",
        "多点试验的施肥量范围（{low} – {high}，为各点都试验过的最高施肥量）没有包含以下推荐量："
        "{items}；位于试验范围边缘或之外的推荐量是外推值；请试验更高（或更低）的施肥量",
    ),
    # -- methods -----------------------------------------------------------------------
    "rec_method_mrtn": ("MRTN", "MRTN（最大养分收益）"),
    "rec_method_network": ("network model", "随机系数模型"),
    "rec_method_class_regression": ("class regression", "分类回归"),
    "rec_method_site_mean": ("mean of site optima", "单点最佳施肥量平均"),
    "rec_interval_profitable_range": ("profitable range", "盈利范围"),
    "rec_interval_t_interval": ("t interval 95 %", "95% t 区间"),
    "rec_interval_confidence_interval": ("confidence interval", "置信区间"),
    # -- summary -----------------------------------------------------------------------
    "rec_title": ("Rate recommendation from a trial network", "多点试验的推荐施肥量"),
    "rec_headline": ("{n} sites: {parts}", "{n} 个试验点：{parts}"),
    "rec_headline_best": (
        "; least regret on held-out sites: {method} ({regret} {unit})",
        "；留点验证损失最小：{method}（{regret} {unit}）",
    ),
    "rec_sites": ("Sites", "试验点"),
    "rec_sites_text": ("{n} ({obs} plots)", "{n} 个（{obs} 个小区）"),
    "rec_years_text": (", {years} years, {k} site-years", "，{years} 年，{k} 个点次"),
    "rec_dropped_text": (
        "; {k} without a usable fit (left out)",
        "；{k} 个拟合失败（未参加）",
    ),
    "rec_model": ("Response model of each site", "各点的效应函数"),
    "rec_spread": ("Site optima", "单点最佳经济施肥量"),
    "rec_spread_text": (
        "median {median}, 10th–90th percentile {p10} – {p90}, SD {sd}",
        "中位数 {median}，第 10–90 百分位 {p10} – {p90}，标准差 {sd}",
    ),
    "rec_tested": ("Tested rates (all sites)", "试验施肥量范围（各点共有）"),
    "rec_validation": ("Validation", "验证"),
    "rec_validation_text": (
        "leave-site-out, {k} folds (the rule learnt without the held-out sites)",
        "留点交叉验证，{k} 折（推荐规则不含被留出的试验点）",
    ),
    "rec_validation_none": ("none", "无"),
    "rec_class_variable": ("Classes of class regression", "分类回归的分类依据"),
    "rec_ck_yield": ("CK (zero-rate) yield, terciles", "不施肥区（CK）产量，三分位"),
    "rec_seed": ("Random seed (folds, bias draws)", "随机种子（分折、偏差抽样）"),
    "rec_rates_title": ("Recommended rates", "推荐施肥量"),
    "rec_validation_title": (
        "Regret on held-out sites (net return lost against each site's own optimum, {unit})",
        "留出试验点上的损失（与该点自身最佳施肥量相比少得的纯收益，{unit}）",
    ),
    "rec_regret_note": (
        "Regret corrected for the noise of each site's fitted optimum (apparent: before the "
        "correction); share: held-out sites whose own optimum lies in the rule's interval.",
        "损失已扣除单点拟合最佳施肥量的估计误差（表观值为扣除前）；比例：自身最佳施肥量"
        "落在推荐区间内的留出试验点所占比例。",
    ),
    "rec_prices_title": (
        "Rates and regret over crop and fertilizer prices",
        "不同价格下的推荐量与损失",
    ),
    "rec_notes": ("Notes", "说明"),
    # -- columns -----------------------------------------------------------------------
    "rec_class_all": ("all", "全部"),
    "rec_col_method": ("method", "方法"),
    "rec_col_class": ("class", "等级"),
    "rec_col_class_low": ("class from", "等级下限"),
    "rec_col_class_high": ("class to", "等级上限"),
    "rec_col_rate": ("rate", "推荐量"),
    "rec_col_low": ("low", "下限"),
    "rec_col_high": ("high", "上限"),
    "rec_col_interval": ("interval", "区间"),
    "rec_col_n_sites": ("sites", "试验点数"),
    "rec_col_n_held_out": ("held out", "留出点数"),
    "rec_col_regret_mean": ("mean regret", "平均损失"),
    "rec_col_regret_se": ("SE", "标准误"),
    "rec_col_regret_median": ("median", "中位数"),
    "rec_col_regret_p90": ("90th percentile", "第 90 百分位"),
    "rec_col_regret_apparent": ("apparent mean", "表观平均损失"),
    "rec_col_share": ("optimum in interval", "最佳量在区间内"),
    "rec_col_crop_price": ("crop price", "作物价格"),
    "rec_col_nutrient_price": ("nutrient price", "养分价格"),
    "rec_col_price_ratio": ("price ratio", "价格比"),
    "rec_col_rate_min": ("lowest class rate", "等级最低推荐量"),
    "rec_col_rate_max": ("highest class rate", "等级最高推荐量"),
    # -- report ------------------------------------------------------------------------
    "rec_report_title": (
        "Rate recommendation from {n} sites",
        "{n} 个试验点的推荐施肥量",
    ),
    "rec_sec_network": ("The trial network", "试验网络"),
    "rec_sec_validation": ("Leave-site-out validation", "留点交叉验证"),
    "rec_sec_about": ("About this report", "关于本报告"),
    "rec_regret_explained": (
        "Each method learnt its rate without the held-out sites; each held-out site then "
        "scores the rate by the net return it loses against its own economic optimum "
        "(regret). The method with the least regret is the one to recommend for a field "
        "not in the network.",
        "每种方法在不含被留出试验点的数据上得出推荐量；再用每个留出点计算该推荐量与其自身"
        "最佳经济施肥量相比少得的纯收益（损失）。损失最小的方法最适合向试验网络之外的田块推荐。",
    ),
    "rec_about": (
        "Made with fertopt {version}: each site's response curve fitted in one batch run, "
        "the rules recombined from those curves in every fold (fo.recommend).",
        "由 fertopt {version} 生成：各试验点的效应函数一次批量拟合，每一折由这些曲线重新"
        "组合得到推荐规则（fo.recommend）。",
    ),
    "rec_figure_caption": (
        "Left: regret on held-out sites by method (mean, and the 90th percentile). Right: the "
        "sites' own optima with each method's rate.",
        "左：各方法在留出试验点上的损失（平均值与第 90 百分位）。右：各试验点自身的最佳施肥量"
        "与各方法的推荐量。",
    ),
    # -- figure ------------------------------------------------------------------------
    "rec_fig_regret": ("Regret ({unit})", "损失（{unit}）"),
    "rec_fig_regret_title": ("Regret on held-out sites", "留出试验点上的损失"),
    "rec_fig_optima_title": ("Site optima and recommended rates", "单点最佳施肥量与推荐量"),
    "rec_fig_rate": ("Rate", "施肥量"),
    "rec_fig_sites": ("sites", "试验点数"),
    "rec_fig_mean": ("mean", "平均"),
    "rec_fig_p90": ("90th percentile", "第 90 百分位"),
}
