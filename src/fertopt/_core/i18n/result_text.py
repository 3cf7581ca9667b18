"""Labels and sentences of the result summaries (``summary(lang=...)``): key → (English, Chinese).

See :func:`fertopt._core.i18n.label`.
"""

from __future__ import annotations

RESULT_TEXT: dict[str, tuple[str, str]] = {
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
    "sm_blocks": ("Blocks", "区组"),
    "sm_treatment_means": ("Treatment means", "各处理平均值"),
    "sm_assumptions": ("Assumption checks (residuals)", "残差的前提检验"),
    "sm_anova_title": ("Analysis of variance: {response}", "方差分析：{response}"),
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
    "mc_k_ratio": (
        "k-ratio (Type I / Type II seriousness)",
        "K 比值（第一类与第二类错误的损失比）",
    ),
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
    "op_status_at_bound": (
        "at the lowest tested rate: no fertilizer pays",
        "位于最低试验施肥量：施肥不划算",
    ),
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
    "rf_chosen": ("Model chosen", "模型选择"),
    "rf_chosen_text": (
        "lowest AICc of the {k} models that converged: {ranking}",
        "在收敛的 {k} 个模型中 AICc 最小：{ranking}",
    ),
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
    "mc_means_used": ("Means compared", "比较的平均值"),
    "ls_title": ("Least-squares means: {response}", "最小二乘均值：{response}"),
    "ls_title_short": ("Least-squares means", "最小二乘均值"),
    "ls_headline": ("{k} LS-means of {term}", "{term} 的 {k} 个最小二乘均值"),
    "ls_headline_top": ("highest: {t} ({m})", "最高：{t}（{m}）"),
    "ls_confidence": ("Confidence level", "置信水平"),
    "Error a + Error b (Satterthwaite)": (
        "Error a + Error b (Satterthwaite)",
        "误差 a 与误差 b 合并（Satterthwaite 自由度）",
    ),
    "model": ("model", "模型"),
    "mc_means_ls": (
        "least-squares means (adjusted for blocks and unequal replication; emmeans, SAS LSMEANS)",
        "最小二乘均值（校正区组与重复数不等的影响；同 emmeans、SAS LSMEANS）",
    ),
    "mc_means_ls_same": (
        "least-squares means (here equal to the arithmetic means)",
        "最小二乘均值（此处与算术平均值相同）",
    ),
    "mc_means_arithmetic": (
        "arithmetic means of the plots (agricolae), not least-squares means",
        "小区算术平均值（同 agricolae），非最小二乘均值",
    ),
    "mc_means_arithmetic_same": (
        "arithmetic means of the plots (here equal to the least-squares means)",
        "小区算术平均值（此处与最小二乘均值相同）",
    ),
    "mc_means_given": ("as given", "给定的平均值"),
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
    "cr_finite_maximum": ("Finite maximum", "有有限极大值"),
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
