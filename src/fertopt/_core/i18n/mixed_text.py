"""Labels and sentences of mixed models and combined analyses: key → (English, Chinese).

See :func:`fertopt._core.i18n.label`.
"""

from __future__ import annotations

MIXED_TEXT: dict[str, tuple[str, str]] = {
    # mixed models
    "mm_title": ("Linear mixed model (REML): {response}", "线性混合模型（REML）：{response}"),
    "mm_fixed": ("Fixed effects", "固定效应"),
    "mm_intercept": ("(Intercept)", "截距"),
    "mm_random": ("Random effects", "随机效应"),
    "mm_ddf": ("Denominator df", "分母自由度"),
    "mm_ddf_kenward-roger": ("Kenward–Roger", "Kenward–Roger 法"),
    "mm_ddf_satterthwaite": ("Satterthwaite", "Satterthwaite 法"),
    "mm_reml": ("REML criterion", "REML 准则值"),
    "mm_tests": ("F tests of the fixed effects", "固定效应的 F 检验"),
    "mm_varcomp": ("Variance components (REML)", "方差分量（REML）"),
    "mm_params": ("Fixed-effect estimates (sum-to-zero coding)", "固定效应估计（和为零编码）"),
    "mm_headline": ("{term} F({df1}, {df2}) = {f}, p {p}", "{term} F({df1}, {df2}) = {f}，p {p}"),
    "mm_boundary": (
        "The variance of {groups} is estimated as zero (boundary fit).",
        "{groups} 的方差估计为零（边界解）。",
    ),
    # column headers
    "col_term": ("Term", "效应项"),
    "col_num_df": ("Num df", "分子自由度"),
    "col_den_df": ("Den df", "分母自由度"),
    "col_group": ("Group", "随机效应"),
    "col_variance": ("Variance", "方差"),
    "col_share": ("Share", "占比"),
    "col_name": ("Coefficient", "系数"),
    "col_estimate": ("Estimate", "估计值"),
    "col_level": ("Level", "水平"),
    "col_lsmean": ("LS-mean", "最小二乘均值"),
    "col_error": ("Tested against", "检验所用误差项"),
    "col_site": ("Environment", "环境"),
    "col_ms": ("Error MS", "误差均方"),
    # combined analysis
    "ca_title": (
        "Combined analysis over environments: {response}",
        "多环境联合方差分析：{response}",
    ),
    "ca_design": ("Design", "试验设计"),
    "ca_layout": (
        "{t} treatments × {e} environments ({env}), {b} blocks per environment",
        "{t} 个处理 × {e} 个环境（{env}），每个环境 {b} 个区组",
    ),
    "ca_site_effects": ("Environments", "环境效应"),
    "ca_effects_random": ("random", "随机"),
    "ca_effects_fixed": ("fixed", "固定"),
    "ca_method_ems": ("balanced: expected mean squares", "平衡数据：期望均方法"),
    "ca_method_reml": (
        "unbalanced: treatments tested by REML (Kenward–Roger)",
        "非平衡数据：处理效应用 REML（Kenward–Roger）检验",
    ),
    "ca_method": ("Method", "分析方法"),
    "ca_nested": (
        "Block labels repeat across environments ({labels}); blocks are nested in environments "
        "({n} blocks in all).",
        "各环境的区组编号相同（{labels}），区组按嵌套于环境处理（共 {n} 个区组）。",
    ),
    "ca_table": ("Combined ANOVA table", "联合方差分析表"),
    "ca_site_table": ("Per-environment analyses", "各环境的方差分析"),
    "ca_homogeneity": ("Homogeneity of error variances", "误差方差同质性检验"),
    "ca_bartlett": ("Bartlett χ²", "Bartlett χ²"),
    "ca_fmax": ("Hartley's Fmax", "Hartley Fmax"),
    "ca_homogeneous": (
        "The error variances of the {k} environments are homogeneous (Bartlett χ² = {chi}, "
        "df {df}, p {p}; Fmax = {fmax}): pooling them in the combined analysis is justified.",
        "{k} 个环境的误差方差同质（Bartlett χ² = {chi}，自由度 {df}，p {p}；Fmax = {fmax}），"
        "可以合并进行联合分析。",
    ),
    "ca_heterogeneous": (
        "The error variances of the {k} environments differ (Bartlett χ² = {chi}, df {df}, "
        "p {p}; Fmax = {fmax}): the pooled error is questionable. Compare treatments within "
        "each environment, or transform the response.",
        "{k} 个环境的误差方差不同质（Bartlett χ² = {chi}，自由度 {df}，p {p}；Fmax = {fmax}），"
        "合并误差值得怀疑。宜在各环境内分别比较处理，或对观测值进行转换。",
    ),
    "ca_varcomp": ("Variance components (REML)", "方差分量（REML）"),
    "ca_lsmeans": ("LS-means of {term}", "{term} 的最小二乘均值"),
    "ca_within": ("{block} within {env}", "{env}内{block}"),
    "ca_unbalanced": (
        "Missing plots: the treatments are tested by REML with Kenward–Roger df; the other "
        "rows use sequential sums of squares.",
        "存在缺区：处理效应用 REML 及 Kenward–Roger 自由度检验，其余各项用序贯平方和。",
    ),
    "ca_headline": (
        "{term} F({df1}, {df2}) = {f}, p {p} against {error}",
        "{term} F({df1}, {df2}) = {f}，p {p}（误差项：{error}）",
    ),
    "rpt_combined": ("Combined analysis over environments", "多环境联合分析"),
    "rpt_combined_letters": (
        "LS-means of {term} with letters ({test}, α = {alpha}, error {error})",
        "{term} 的最小二乘均值及字母标记（{test}，α = {alpha}，误差项 {error}）",
    ),
}
