"""Labels and messages of hierarchical response models over a trial network
(:func:`fertopt.fit_network`, ``NetworkFit``, ``NewSiteOptimum``): key → (English, Chinese).

See :func:`fertopt._core.i18n.label` and :func:`fertopt._core.i18n.message`.
"""

from __future__ import annotations

NETWORK_FIT_TEXT: dict[str, tuple[str, str]] = {
    # -- NetworkFit -------------------------------------------------------------
    "nf_title": (
        "Hierarchical response model over a trial network: {response}",
        "多点试验的分层（随机系数）效应模型：{response}",
    ),
    "nf_headline": (
        "{model} over {n_sites} sites ({method}): population maximum at {rate} | {n} plots",
        "{model}，{n_sites} 个试验点（{method}）：总体最高产量施肥量 {rate} | {n} 个小区",
    ),
    "nf_headline_none": (
        "{model} over {n_sites} sites ({method}): the population curve has no maximum | {n} plots",
        "{model}，{n_sites} 个试验点（{method}）：总体曲线无最高点 | {n} 个小区",
    ),
    "nf_model": ("Model", "模型"),
    "nf_rate": ("Rate", "施肥量"),
    "nf_site": ("Site", "试验点"),
    "nf_random": ("Parameters varying by site", "随试验点变化的参数"),
    "nf_block": ("Blocks within sites", "试验点内区组"),
    "nf_method": ("Estimation", "估计方法"),
    "nf_method_REML": ("REML (restricted maximum likelihood)", "REML（约束最大似然）"),
    "nf_method_ML": ("ML (maximum likelihood)", "ML（最大似然）"),
    "nf_sites": ("Sites", "试验点数"),
    "nf_years": ("Years", "年数"),
    "nf_loglik": ("Log-likelihood", "对数似然"),
    "nf_aic_bic": ("AIC / BIC", "AIC / BIC"),
    "nf_sigma": ("Residual SD", "剩余标准差"),
    "nf_spread": ("Site optima (maximum yield)", "各试验点最高产量施肥量"),
    "nf_spread_text": (
        "min {lo}, median {mid}, max {hi} ({k} of {n} sites with a maximum)",
        "最小 {lo}，中位数 {mid}，最大 {hi}（{n} 个试验点中 {k} 个有最高点）",
    ),
    "nf_params": ("Population parameters", "总体参数"),
    "nf_varcomp": ("Variance components", "方差分量"),
    "nf_correlation": ("Covariance of the site effects", "试验点效应的协方差"),
    "nf_sites_table": (
        "Sites: predicted parameters (BLUP) and optima",
        "各试验点：参数预测值（最佳线性无偏预测）与最佳施肥量",
    ),
    "nf_group_site": ("site", "试验点"),
    "nf_group_block": ("block within site", "试验点内区组"),
    "nf_group_residual": ("residual", "剩余"),
    "nf_col_group": ("group", "随机效应"),
    "nf_col_variance": ("variance", "方差"),
    "nf_col_term_a": ("term a", "参数甲"),
    "nf_col_term_b": ("term b", "参数乙"),
    "nf_col_covariance": ("covariance", "协方差"),
    "nf_col_correlation": ("correlation", "相关系数"),
    "nf_col_optimum": ("optimum", "最佳施肥量"),
    "nf_col_n_obs": ("plots", "小区数"),
    "nf_col_q": ("quantile", "分位数"),
    "nf_col_rate": ("rate", "施肥量"),
    # -- figure -------------------------------------------------------------------
    "nf_fig_population": ("population (average site)", "总体（平均试验点）"),
    "nf_fig_max": ("population maximum", "总体最高产量施肥量"),
    "nf_fig_rate": ("Rate", "施肥量"),
    "nf_fig_yield": ("Yield", "产量"),
    "nf_fig_title": (
        "Response over {n} sites: site curves (BLUP) and their optima (▲)",
        "{n} 个试验点的效应曲线（最佳线性无偏预测）及其最佳施肥量（▲）",
    ),
    # -- NewSiteOptimum -----------------------------------------------------------
    "nso_title_economic": (
        "Economic optimum rate of a new site (prediction)",
        "新试验点的最佳经济施肥量（预测）",
    ),
    "nso_title_agronomic": (
        "Rate of maximum yield of a new site (prediction)",
        "新试验点的最高产量施肥量（预测）",
    ),
    "nso_headline": (
        "new site: median {median}, {level} prediction interval {lo} – {hi} | {ok} of draws ok",
        "新试验点：中位数 {median}，{level} 预测区间 {lo} – {hi} | 正常比例 {ok}",
    ),
    "nso_median": ("Median", "中位数"),
    "nso_mean": ("Mean", "平均值"),
    "nso_interval": ("Prediction interval", "预测区间"),
    "nso_interval_text": ("{lo} – {hi} ({level})", "{lo} – {hi}（{level}）"),
    "nso_shares": ("Share of draws", "模拟结果的比例"),
    "nso_shares_text": (
        "ok {ok}, beyond the tested rates {ext}, at the lowest rate {bound}, no maximum {none}",
        "正常 {ok}，超出试验施肥量范围 {ext}，在最低施肥量 {bound}，无最高点 {none}",
    ),
    "nso_draws": ("Draws", "模拟次数"),
    "nso_draws_text": (
        "{n} simulated sites (seed {seed}); population-parameter uncertainty {beta}",
        "模拟 {n} 个试验点（随机种子 {seed}）；{beta}总体参数的不确定性",
    ),
    "nso_beta_yes": ("included", "包含"),
    "nso_beta_no": ("left out", "不包含"),
    "nso_price_ratio": ("Price ratio", "价格比"),
    "nso_tested": ("Tested rates", "试验施肥量范围"),
    "nso_quantiles": ("Quantiles of the new-site optimum", "新试验点最佳施肥量的分位数"),
    # -- messages (warnings) --------------------------------------------------------
    "nf_few_sites": (
        "only {n} sites: site-to-site variation is estimated from few sites, so the population "
        "optimum and the new-site interval are uncertain; a recommendation needs at least 8 "
        "sites (better 15 or more)",
        "只有 {n} 个试验点：试验点间变异由很少的点估计，总体最佳施肥量和新试验点预测区间都不可靠；"
        "推荐施肥量至少需要 8 个试验点（最好 15 个以上）",
    ),
    "nf_singular": (
        "boundary (singular) fit at {terms}: its site effect is estimated as zero or as an "
        "exact combination of the other site effects, so the data do not show it varying "
        "between sites on its own (consider leaving it out of random=)",
        "边界（奇异）拟合，涉及 {terms}：其试验点效应估计为零或是其他试验点效应的精确线性组合，"
        "数据未显示其在试验点间独立变化（可考虑从 random= 中去掉）",
    ),
    "nf_not_converged": (
        "the fit did not converge ({why}); its estimates may be unreliable",
        "拟合未收敛（{why}）；估计值可能不可靠",
    ),
    "nf_not_bracketed": (
        "only {k} of {n} sites tested a rate at or above {rate}: the network's rates do not "
        "bracket this optimum well",
        "{n} 个试验点中只有 {k} 个试验了不低于 {rate} 的施肥量："
        "试验施肥量未能很好地覆盖这一最佳施肥量",
    ),
    "nf_draws_beyond": (
        "{share} of the simulated new-site optima lie beyond the tested rates (extrapolations "
        "of the fitted curves)",
        "{share} 的新试验点模拟最佳施肥量超出试验施肥量范围（拟合曲线的外推）",
    ),
    "nf_draws_none": (
        "{share} of the simulated new sites have no maximum (their curve does not bend down); "
        "they are left out of the quantiles",
        "{share} 的模拟新试验点没有最高点（曲线不下弯），未计入分位数",
    ),
}
