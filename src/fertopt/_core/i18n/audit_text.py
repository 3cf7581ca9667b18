"""Labels and sentences of the audit engine (:mod:`fertopt.audit`): key → (English, Chinese).

See :func:`fertopt._core.i18n.label`.
"""

from __future__ import annotations

AUDIT_TEXT: dict[str, tuple[str, str]] = {
    # -- verdicts ------------------------------------------------------------
    "au_v_confirmed": ("confirmed", "正确"),
    "au_v_consistent": ("consistent within rounding", "在舍入误差内一致"),
    "au_v_wrong": ("wrong", "错误"),
    "au_v_contradictory": ("contradictory", "自相矛盾"),
    "au_v_outside": ("outside the tested range", "超出试验范围"),
    "au_v_unsupported": ("not supported by the design", "试验设计不支持"),
    "au_v_unchecked": ("cannot be checked", "无法核查"),
    # -- the result ------------------------------------------------------------
    "au_title": ("Audit of a published analysis", "已发表分析的复核"),
    "au_title_of": ("Audit: {title}", "复核: {title}"),
    "au_headline": ("{n} printed claims checked: {counts}", "共复核 {n} 项结果: {counts}"),
    "au_sec_paper": ("The paper", "文献"),
    "au_sec_claims": (
        "Claims: paper says / fertopt finds / verdict",
        "审查表: 原文 / 复核结果 / 结论",
    ),
    "au_sec_method": ("How the verdicts are reached", "结论的判定方法"),
    "au_paper_title": ("Title", "题目"),
    "au_paper_authors": ("Authors", "作者"),
    "au_paper_year": ("Year", "年份"),
    "au_paper_source": ("Source", "来源"),
    "au_n_claims": ("Claims checked", "复核项数"),
    "au_col_topic": ("Topic", "项目"),
    "au_col_claim": ("Claim", "原文内容"),
    "au_col_paper_says": ("Paper says", "原文数值"),
    "au_col_fertopt_finds": ("fertopt finds", "复核结果"),
    "au_col_verdict_text": ("Verdict", "结论"),
    "au_col_why": ("Why", "说明"),
    "au_rounding_note": (
        "A printed number is known to half a unit of its last digit; 'consistent within "
        "rounding' means the claim lies inside the interval those roundings allow, computed "
        "from the formula at every corner of the inputs' box.",
        "印刷数值的精度为末位的半个单位; '在舍入误差内一致'指原文结果落在由输入数值舍入误差"
        "推算的区间之内 (在输入取值范围的每个顶点计算公式)。",
    ),
    "au_method": (
        "Prices and the design's rates are taken as exact; coefficients, means, yields and "
        "statistics vary by half a unit of their last printed digit.",
        "价格和设计施肥量视为精确值; 系数、均值、产量和统计量按末位半个单位变动。",
    ),
    "au_unchecked": ("cannot be checked", "无法核查"),
    # -- topics --------------------------------------------------------------
    "au_topic_anova": ("ANOVA", "方差分析"),
    "au_topic_design": ("Design", "试验设计"),
    "au_topic_comparison": ("Multiple comparison", "多重比较"),
    "au_topic_equation": ("{name} equation", "{name} 肥料效应方程"),
    "au_topic_surface": ("Response surface in {nutrients}", "{nutrients} 肥料效应方程"),
    "au_topic_economics": ("Economics", "经济效益"),
    "au_topic_units": ("Price units", "价格单位"),
    # -- ANOVA -----------------------------------------------------------------
    "au_anova_claim": ("{term}: F = {F}", "{term}: F = {F}"),
    "au_anova_no_df": (
        "Neither the df nor the design (treatments and replicates) are given, so F cannot be "
        "set against its distribution; add anova df or design.replicates and treatments.",
        "既没有自由度也没有试验设计 (处理数和重复数), 无法检验 F; 请补充自由度或设计。",
    ),
    "au_anova_finds": (
        "F({d1}, {d2}) = {F}, p = {p}; F{alpha}({d1}, {d2}) = {f}",
        "F({d1}, {d2}) = {F}, p = {p}; F{alpha}({d1}, {d2}) = {f}",
    ),
    "au_df_printed": ("df ({d1}, {d2}) as printed.", "自由度 ({d1}, {d2}) 取自原文。"),
    "au_df_design": (
        "df ({d1}, {d2}) from the design (treatments − 1; error df of the layout).",
        "自由度 ({d1}, {d2}) 由试验设计推得 (处理数 − 1; 误差自由度)。",
    ),
    "au_anova_crit_ok": (
        "The printed F{alpha} = {crit} is the {alpha} point of F({d1}, {d2}) = {f}.",
        "原文 F{alpha} = {crit} 即 F({d1}, {d2}) 的 {alpha} 分位临界值 {f}。",
    ),
    "au_anova_crit_bad": (
        "The printed F{alpha} = {crit} is not the {alpha} point of F({d1}, {d2}), which is {f}: "
        "the paper used other df.",
        "原文 F{alpha} = {crit} 不是 F({d1}, {d2}) 的临界值 ({f}): 原文所用自由度有误。",
    ),
    "au_anova_p": (
        "p of the printed F: {pv} (from {lo} to {hi} within F's rounding); printed p = {p}.",
        "由原文 F 计算的 p = {pv} (F 舍入范围内 {lo} ~ {hi}); 原文 p = {p}。",
    ),
    "au_anova_f_mse": (
        "F from the printed means and MSE {mse}: {f} (from {lo} to {hi} within rounding).",
        "由原文均值和误差均方 {mse} 计算的 F = {f} (舍入范围 {lo} ~ {hi})。",
    ),
    "au_words_claim": ("Wording of the test: {words}", "文字表述: {words}"),
    "au_truth_highly": (
        "significant at 1 %: F = {F} > F0.01({d1}, {d2}) = {f01}",
        "在 1% 水平显著: F = {F} > F0.01({d1}, {d2}) = {f01}",
    ),
    "au_truth_yes": (
        "significant at {alpha} %: F = {F} > F({d1}, {d2}) = {fa} (not at 1 %: F0.01 = {f01})",
        "在 {alpha}% 水平显著: F = {F} > {fa} (1% 水平不显著: F0.01 = {f01})",
    ),
    "au_truth_no": (
        "not significant: F = {F} < F({d1}, {d2}) = {fa}",
        "不显著: F = {F} < F({d1}, {d2}) = {fa}",
    ),
    "au_words_confirmed": (
        "The words agree with the F test.",
        "文字表述与 F 检验一致。",
    ),
    "au_words_wrong": (
        "The words disagree with the F test (F = {F}, F0.01 = {f01}).",
        "文字表述与 F 检验不符 (F = {F}, F0.01 = {f01})。",
    ),
    "au_words_contradictory": (
        "The paper calls the same test both significant and not significant; F = {F} "
        "against F0.01 = {f01} decides which is right.",
        "原文对同一检验既称显著又称不显著; 由 F = {F} 与 F0.01 = {f01} 可判断哪一种说法正确。",
    ),
    "au_words_cannot_be_checked": (
        "None of the words is a significance statement fertopt recognises.",
        "文字中没有可识别的显著性表述。",
    ),
    # -- design ----------------------------------------------------------------
    "au_df_claim": ("ANOVA df ({d1}, {d2})", "方差分析自由度 ({d1}, {d2})"),
    "au_df_finds": (
        "{layout} with {t} treatments and {r} replicates: ({d1}, {d2})",
        "{t} 个处理、{r} 次重复 ({layout}): ({d1}, {d2})",
    ),
    "au_df_why": (
        "Treatment df = t − 1; error df of an RCBD (t − 1)(r − 1), of a CRD t(r − 1), "
        "of a Latin square (t − 1)(t − 2). Layout: {layout}.",
        "处理自由度 = t − 1; 随机区组误差自由度 (t − 1)(r − 1), 完全随机 t(r − 1), "
        "拉丁方 (t − 1)(t − 2)。排列: {layout}。",
    ),
    "au_design_claim": (
        "A {k}-variable equation with {p} coefficients fitted to this trial",
        "对本试验拟合含 {p} 个系数的 {k} 元方程",
    ),
    "au_design_claim_stepwise": (
        "A {k}-variable quadratic chosen by stepwise regression ({p} terms kept)",
        "对本试验进行 {k} 元二次多项式逐步回归 (保留 {p} 项)",
    ),
    "au_design_finds": (
        "{p} coefficients, {s} treatment combinations; the fitted model keeps {q} terms, "
        "{r} residual df",
        "{p} 个系数, 仅 {s} 个处理组合; 拟合方程保留 {q} 项, 剩余自由度 {r}",
    ),
    "au_design_why_candidates": (
        "A full quadratic in {k} variables has {p} coefficients, but the trial has only {s} "
        "distinct rate combinations: each coefficient needs at least one, so the full model "
        "is not identifiable and stepwise selection only chooses among terms the design cannot "
        "tell apart ({q} kept, {r} residual df). A response surface needs a design such as "
        "3414 (14 treatments).",
        "{k} 元二次多项式有 {p} 个系数, 而本试验只有 {s} 个不同的施肥组合, "
        "每个系数至少需要一个组合, 因此无法估计完整方程; "
        "逐步回归只是在设计无法区分的项之间挑选 (保留 {q} 项, 剩余自由度 {r})。"
        "完整的肥料效应方程需要 3414 等设计 (14 个处理)。",
    ),
    "au_design_why_fitted": (
        "{p} coefficients from {s} distinct rate combinations leave no residual df: the "
        "equation passes through the means whatever the response, and its F and R² say nothing.",
        "{s} 个施肥组合拟合 {p} 个系数, 没有剩余自由度: "
        "方程必然通过各均值, 其 F 值和 R² 没有意义。",
    ),
    "au_design_why_single_rates": (
        "A curve with {p} coefficients needs at least {p} distinct {nut} rates; the trial "
        "applied {s}: infinitely many such curves pass through its means, so the printed one "
        "(and its maximum and optimum) is not determined by the data.",
        "含 {p} 个系数的曲线至少需要 {p} 个不同的 {nut} 施肥量; 本试验只有 {s} 个: "
        "无数条这样的曲线都通过其均值, 所印方程 (及其最高点和最佳施肥量) 不由数据决定。",
    ),
    "au_design_why_ok": (
        "{p} coefficients from {s} distinct rate combinations: identifiable, {r} residual df.",
        "{s} 个施肥组合拟合 {p} 个系数: 可以估计, 剩余自由度 {r}。",
    ),
    "au_design_norates": (
        "The treatments' rates are not in the spec (design.treatments[].rates).",
        "规格文件中没有各处理的施肥量 (design.treatments[].rates)。",
    ),
    # -- means and letters -------------------------------------------------------
    "au_test_duncan": ("Duncan's multiple range test", "Duncan 新复极差法"),
    "au_test_lsd": ("LSD test", "LSD 法"),
    "au_test_tukey": ("Tukey's test", "Tukey 法"),
    "au_test_snk": ("SNK test", "SNK 法"),
    "au_test_unknown": (
        "comparison.test = '{test}' is not one fertopt re-derives (duncan, lsd, tukey, snk).",
        "多重比较方法 '{test}' 无法复核 (可用 duncan、lsd、tukey、snk)。",
    ),
    "au_no_means": (
        "The treatment means (with their replicates) are not all in the spec.",
        "规格文件中缺少全部处理的均值 (及重复数)。",
    ),
    "au_no_mse": (
        "No error mean square can be had: give MSE, or F with the means, or LSD or SE.",
        "无法得到误差均方: 请提供误差均方, 或 F 值与均值, 或 LSD、标准误。",
    ),
    "au_mse_printed": ("MSE = {mse} as printed.", "误差均方 {mse} 取自原文。"),
    "au_mse_from_f": (
        "The error mean square follows from the printed means and F alone: MSE = MS_treatment "
        "/ F = {ms} / {F} = {mse}, so the real data give the same critical ranges.",
        "误差均方仅由原文均值和 F 值决定: MSE = 处理均方 / F = {ms} / {F} = {mse}, "
        "原始数据的临界值与此相同。",
    ),
    "au_mse_from_lsd": (
        "MSE = n (LSD / t)² / 2 = {mse} from the printed LSD {lsd}.",
        "由原文 LSD {lsd} 推得误差均方 MSE = n (LSD / t)² / 2 = {mse}。",
    ),
    "au_mse_from_se": (
        "MSE = n SE² = {mse} from the printed SE {se}.",
        "由原文标准误 {se} 推得误差均方 MSE = n SE² = {mse}。",
    ),
    "au_cmp_lsd_claim": ("Least significant difference", "最小显著差数"),
    "au_cmp_lsd_why": (
        "{src} LSD = t × √(2 MSE / n) with t = {t}, n = {n}: {v}.",
        "{src} LSD = t × √(2 MSE / n), t = {t}, n = {n}: {v}。",
    ),
    "au_cmp_letters_claim": ("The letters of the means", "均值的字母标记"),
    "au_cmp_letters_finds": ("{test}: {letters}", "{test}: {letters}"),
    "au_cmp_letters_why": (
        "{src} Pairs whose sharing of a letter differs: {pairs}.",
        "{src} 字母标记不一致的处理对: {pairs}。",
    ),
    "au_cmp_claim_claim": ("{a} and {b} differ significantly", "{a} 与 {b} 差异显著"),
    "au_cmp_claim_claim_not": ("{a} and {b} do not differ", "{a} 与 {b} 差异不显著"),
    "au_cmp_claim_ns": (
        "not significant: difference {diff} < {test} critical range R{span} = {crit} (LSD = "
        "{lsd}); letters {a} '{la}', {b} '{lb}'",
        "不显著: 差值 {diff} < {test}临界值 R{span} = {crit} (LSD = {lsd}); "
        "字母: {a} '{la}', {b} '{lb}'",
    ),
    "au_cmp_claim_sig": (
        "significant: difference {diff} > {test} critical range R{span} = {crit} (LSD = "
        "{lsd}); letters {a} '{la}', {b} '{lb}'",
        "显著: 差值 {diff} > {test}临界值 R{span} = {crit} (LSD = {lsd}); "
        "字母: {a} '{la}', {b} '{lb}'",
    ),
    "au_cmp_claim_why": (
        "{src} Letters of all treatments: {letters}.",
        "{src} 各处理字母: {letters}。",
    ),
    # -- single-nutrient equations -------------------------------------------------
    "au_eq_max_rate_claim": ("Rate of maximum yield {x}", "最高产量施肥量 {x}"),
    "au_eq_max_rate_why": (
        "x = −b / 2a = −{b} / (2 × {a}) = {x} (from {lo} to {hi} within the coefficients' "
        "rounding).",
        "x = −b / 2a = −{b} / (2 × {a}) = {x} (系数舍入范围内 {lo} ~ {hi})。",
    ),
    "au_eq_max_yield_claim": ("Maximum yield {y}", "最高产量 {y}"),
    "au_eq_max_yield_why": (
        "y = c − b² / 4a = {c} − {b}² / (4 × {a}) = {y} (from {lo} to {hi} within the "
        "coefficients' rounding).{off}",
        "y = c − b² / 4a = {c} − {b}² / (4 × {a}) = {y} (系数舍入范围内 {lo} ~ {hi})。{off}",
    ),
    "au_not_on_curve": (" {y} is not on the curve.", " {y} 不在曲线上。"),
    "au_eq_opt_rate_claim": ("Economic optimum rate {x}", "最佳经济施肥量 {x}"),
    "au_eq_opt_rate_why": (
        "b + 2ax = Px / Py = {px} / {py} = {r}: x = ({r} − {b}) / (2 × {a}) = {x}.{alt}",
        "b + 2ax = Px / Py = {px} / {py} = {r}: x = ({r} − {b}) / (2 × {a}) = {x}。{alt}",
    ),
    "au_eq_opt_yield_claim": ("Yield at the economic optimum {y}", "最佳经济产量 {y}"),
    "au_eq_opt_yield_why": (
        "y({x}) = {y} (from {lo} to {hi} within the coefficients' rounding).",
        "y({x}) = {y} (系数舍入范围内 {lo} ~ {hi})。",
    ),
    "au_eq_opt_claim": ("'Optimum' at {x} giving {y}", "最佳施肥量 {x}, 最佳产量 {y}"),
    "au_eq_max_claim": ("'Maximum' at {x} giving {y}", "最高施肥量 {x}, 最高产量 {y}"),
    "au_eq_convex_max_finds": (
        "no maximum (convex curve): {x} kg → {y} is the minimum",
        "无最高点 (曲线开口向上): {x} kg → {y} 是最低点",
    ),
    "au_eq_convex_max_why": (
        "a = {a} > 0: the curve is convex (U-shaped), so b + 2ax = 0 at x = −{b} / (2 × {a}) "
        "= {x} gives its minimum, {c} − {b}² / (4 × {a}) = {y}. Yield rises without bound: "
        "no maximum exists.",
        "a = {a} > 0, 曲线开口向上 (U 型), b + 2ax = 0 处 x = −{b} / (2 × {a}) = {x} "
        "是最低点, 产量 {c} − {b}² / (4 × {a}) = {y}。产量随施肥量无限增加, 不存在最高点。",
    ),
    "au_eq_linear_finds": ("no maximum (a straight line)", "无最高点 (直线)"),
    "au_eq_linear_why": (
        "Without a square term the equation is a line of slope {b}: it has no maximum.",
        "方程没有二次项, 为斜率 {b} 的直线, 不存在最高点。",
    ),
    "au_eq_convex_opt_finds": (
        "no economic optimum (convex curve); the equation gives {y} at {x} kg",
        "无最佳经济施肥量 (曲线开口向上); 方程在 {x} kg 处的值为 {y}",
    ),
    "au_eq_convex_opt_why": (
        "b + 2ax = {px} / {py} = {r} at x = ({r} − {b}) / (2 × {a}) = {x}, where y = {y}, not "
        "{py_}; on a convex curve this point is no optimum, and a negative rate is meaningless.",
        "b + 2ax = {px} / {py} = {r} 时 x = ({r} − {b}) / (2 × {a}) = {x}, y = {y}, 而非 {py_}; "
        "对开口向上的曲线该点不是最佳点, 负施肥量也没有意义。",
    ),
    "au_eq_point_claim": ("Yield {y} at rate {x}", "施肥量 {x} 时产量 {y}"),
    "au_eq_point_why": (
        "{eqn} at x = {x}: {y} (from {lo} to {hi} within the coefficients' rounding).",
        "{eqn}, x = {x} 时: {y} (系数舍入范围内 {lo} ~ {hi})。",
    ),
    "au_no_prices": (
        "Prices of the crop and of {nut} are needed (prices.crop, prices.nutrients).",
        "需要作物价格和 {nut} 价格 (prices.crop, prices.nutrients)。",
    ),
    "au_rec_claim": ("Recommended {nut} rate {x}", "推荐 {nut} 用量 {x}"),
    "au_rec_finds": ("tested rates {lo} to {hi}", "试验施肥量 {lo} ~ {hi}"),
    "au_rec_outside": (
        "The trial applied rates from {lo} to {hi}; {x} is read off the curve beyond the data, "
        "an extrapolation rather than a tested rate.",
        "试验施肥量为 {lo} ~ {hi}; {x} 是在数据范围之外由曲线外推得到的, 并非试验验证的用量。",
    ),
    "au_eq_beyond_range": (
        "The trial applied {nut} rates from {lo} to {hi}; {x} lies beyond them, where the "
        "curve is extrapolated rather than tested.",
        "试验的 {nut} 施肥量为 {lo} ~ {hi}; {x} 在此范围之外, 是曲线外推的结果, 并非试验验证。",
    ),
    "au_eq_beyond_range_rec": (
        "{x} lies beyond the tested {nut} rates ({lo} to {hi}); the paper recommends it, and "
        "the recommendation's row judges the extrapolation.",
        "{x} 超出试验的 {nut} 施肥量 ({lo} ~ {hi}); 原文将其作为推荐用量, 外推问题见推荐用量一行。",
    ),
    "au_rec_inside": (
        "{x} lies within the tested rates ({lo} to {hi}).",
        "{x} 在试验施肥量范围 ({lo} ~ {hi}) 之内。",
    ),
    "au_neg_rate": (" A negative rate ({x}) cannot be applied.", " 负施肥量 ({x}) 无法施用。"),
    "au_rec_negative": ("A negative rate ({x}) cannot be applied.", "负施肥量 ({x}) 无法施用。"),
    "au_rec_no_range": (
        "The tested {nut} rates are not in the spec.",
        "规格文件中没有 {nut} 的试验施肥量。",
    ),
    "au_concl_claim": ("Yield {y} quoted in the conclusions", "结论中的产量 {y}"),
    "au_concl_below_min": ("below the equation's lowest value, {y}", "低于方程的最小值 {y}"),
    "au_concl_below_min_why": (
        "A convex curve never falls below its minimum, so no rate gives {y}.",
        "开口向上的曲线不会低于其最小值, 任何施肥量都得不到 {y}。",
    ),
    "au_concl_above_max": ("above the equation's highest value, {y}", "高于方程的最大值 {y}"),
    "au_concl_above_max_why": (
        "A concave curve never rises above its maximum, so no rate gives {y}.",
        "开口向下的曲线不会高于其最大值, 任何施肥量都得不到 {y}。",
    ),
    "au_concl_no_rate": (
        "No rate is printed with this yield, and the equation reaches it.",
        "原文未给出该产量对应的施肥量, 方程可以达到该值。",
    ),
    "au_points_claim": (
        "Maximum {xm} → {ym}; optimum {xo} → {yo} (equation not printed)",
        "最高施肥量 {xm}, 产量 {ym}; 最佳施肥量 {xo}, 产量 {yo} (方程未给出)",
    ),
    "au_points_missing": (
        "Both points (rates and yields) and the prices are needed.",
        "需要两个点的施肥量和产量以及价格。",
    ),
    "au_points_finds": (
        "implied curvature a = {a}; implied yield gap {gap} kg (printed {pg})",
        "推算二次项系数 a = {a}; 推算产量差 {gap} kg (原文 {pg})",
    ),
    "au_points_why": (
        "With Px/Py = {px} / {py} = {r}, b + 2a·{xm} = 0 and b + 2a·{xo} = {r} give a = {a}, "
        "and the two yields differ by −a × {d}² = {gap} (from {lo} to {hi} within the rates' "
        "rounding). The points come from one quadratic as far as their rounding can tell.",
        "Px/Py = {px} / {py} = {r}, 由 b + 2a·{xm} = 0 与 b + 2a·{xo} = {r} 得 a = {a}, "
        "两产量之差 −a × {d}² = {gap} (施肥量舍入范围内 {lo} ~ {hi})。"
        "在舍入误差范围内两点可来自同一条二次曲线。",
    ),
    # -- units -----------------------------------------------------------------
    "au_slip_element": (
        " The printed rate follows from a price per kg of the element taken as per kg of the "
        "oxide (ratio {r}: x = {x}).",
        " 原文结果相当于把元素 (P、K) 价格当作氧化物价格 (价格比 {r}: x = {x})。",
    ),
    "au_slip_oxide": (
        " The printed rate follows from an oxide price taken as an element price (ratio {r}: "
        "x = {x}).",
        " 原文结果相当于把氧化物价格当作元素价格 (价格比 {r}: x = {x})。",
    ),
    "au_slip_product": (
        " The printed rate follows from the product price taken as the nutrient price (ratio "
        "{r}: x = {x}).",
        " 原文结果相当于把肥料产品价格当作养分价格 (价格比 {r}: x = {x})。",
    ),
    "au_slip_per_ha": (
        " The printed rate follows from a price ratio 15 times larger, rates per ha against "
        "yields per mu (ratio {r}: x = {x}).",
        " 原文结果相当于价格比放大 15 倍 (每公顷施肥量对每亩产量, 价格比 {r}: x = {x})。",
    ),
    "au_slip_crop_per_kg": (
        " The printed rate follows if the crop price is per unit of the yields' mass (ratio "
        "{r}: x = {x}): a crop price per kg with yields in t needs prices.crop_per: kg.",
        " 若作物价格按产量的质量单位计 (价格比 {r}: x = {x}) 即得原文结果: 产量以吨计而作物价格"
        "按公斤计时, 须写明 prices.crop_per: kg。",
    ),
    "au_slip_per_ha_rev": (
        " The printed rate follows from a price ratio 15 times smaller, rates per mu against "
        "yields per ha (ratio {r}: x = {x}).",
        " 原文结果相当于价格比缩小 15 倍 (每亩施肥量对每公顷产量, 价格比 {r}: x = {x})。",
    ),
    "au_price_claim": ("Price of {nut}", "{nut} 价格"),
    "au_price_no_grade": (
        "The prices are per kg of product but the grade of the {nut} product is not given "
        "(prices.products.{nut}.grade), so no nutrient price follows.",
        "价格为每千克肥料产品价格, 但未给出 {nut} 肥料的养分含量 (prices.products.{nut}.grade), "
        "无法换算为养分价格。",
    ),
    # -- fit statistics ------------------------------------------------------------
    "au_fit_claim": ("Fit statistics: {stats}", "拟合统计量: {stats}"),
    "au_fit_no_means": (
        "A refit needs every treatment's printed mean and rates (fitted to means).",
        "重新拟合需要全部处理的均值和施肥量 (方程用均值拟合)。",
    ),
    "au_fit_finds": (
        "refit on the {n} treatment means: F({d1}, {d2}) = {F}; R² = {r2}; √R² = {r}; "
        "√(adjusted R²) = {ra}",
        "用 {n} 个处理均值重新拟合: F({d1}, {d2}) = {F}; R² = {r2}; √R² = {r}; √(校正 R²) = {ra}",
    ),
    "au_fit_why": (
        "The equation's form refitted by least squares to the {n} printed means; the statistics "
        "of the paper come from its unrounded data, which the printed means only bound.",
        "用最小二乘法将方程形式重新拟合于 {n} 个处理均值; 原文统计量来自未经舍入的数据, "
        "公布的均值只能给出其范围。",
    ),
    "au_fit_stat": (
        "{stat}: {v} (from {lo} to {hi} within the means' rounding).",
        "{stat}: {v} (均值舍入范围内 {lo} ~ {hi})。",
    ),
    "au_fit_printed_finds": (
        "the printed statistics against each other (no means to refit)",
        "原文统计量之间的相互关系 (无均值可供重新拟合)",
    ),
    "au_fit_printed_why": (
        "R² = F·df1 / (F·df1 + df2); adjusted R² = 1 − (1 − R²)(n − 1) / df2; r = √R².",
        "R² = F·df1 / (F·df1 + df2); 校正 R² = 1 − (1 − R²)(n − 1) / df2; r = √R²。",
    ),
    "au_fit_r_plain": ("r is the multiple correlation √R² = {r}.", "r 为复相关系数 √R² = {r}。"),
    "au_fit_r_adj": (
        "The printed r is the square root of the adjusted R² ({ra}), not the multiple "
        "correlation √R² = {r}: the statistic is mislabelled.",
        "文中 r 是校正 R² 的平方根 ({ra}), 而不是复相关系数 √R² = {r}：统计量标注有误。",
    ),
    "au_fit_r_neither": (
        "The printed r is neither √R² = {r} nor √(adjusted R²) = {ra}.",
        "文中 r 既不是 √R² = {r}, 也不是 √(校正 R²) = {ra}。",
    ),
    "au_fit_df_bad": (
        "The printed df are not those of the refit, ({d1}, {d2}).",
        "原文自由度与重新拟合的自由度 ({d1}, {d2}) 不符。",
    ),
    # -- surfaces ----------------------------------------------------------------
    "au_surf_opt_claim": ("Economic optimum at {rates}", "最佳经济施肥量 {rates}"),
    "au_surf_opt_rate_claim": (
        "Economic optimum {nut} rate {x}",
        "最佳经济 {nut} 施肥量 {x}",
    ),
    "au_surf_opt_why": (
        "Net return = {py} × Y − ({px}) × rates is highest within the box of tested rates at "
        "{x}; over the printed coefficients' rounding {nut} moves from {lo} to {hi}.",
        "纯收益 = {py} × Y − ({px}) × 施肥量, 在试验施肥量范围 (各养分最低至最高用量) 内于 "
        "{x} 处最大; 在系数舍入范围内 {nut} 为 {lo} ~ {hi}。",
    ),
    "au_surf_opt_inside": (
        "The marginal products equal the price ratios there.",
        "该处各养分的边际产量等于价格比。",
    ),
    "au_surf_opt_bound": (
        "The optimum lies on the box's edge ({status}); the rounding interval is not computed.",
        "最佳点位于试验范围边界 ({status}); 未计算舍入区间。",
    ),
    "au_surf_opt_net": (
        "Net return at the printed rates {a}, at the re-derived optimum {b}.",
        "原文施肥量的纯收益 {a}, 重新推算的最佳点的纯收益 {b}。",
    ),
    "au_surf_value_claim": ("Yield {y} at {rates}", "{rates} 时产量 {y}"),
    "au_surf_value_why": (
        "{eqn} = {v}; the difference {diff} against the rounding of the printed coefficients "
        "(± {slack}).",
        "{eqn} = {v}; 差值 {diff}, 系数舍入误差 ± {slack}。",
    ),
    "au_surf_shape_claim": (
        "{y} is the highest yield the equation gives",
        "{y} 为方程的最高产量",
    ),
    "au_surf_shape_max": (
        "a maximum at ({sp}); eigenvalues {eig}",
        "最高点位于 ({sp}); 特征值 {eig}",
    ),
    "au_surf_shape_max_why": (
        "All eigenvalues of the quadratic part are negative: the stationary point is a maximum.",
        "二次型特征值均为负, 驻点为最高点。",
    ),
    "au_surf_shape_not": (
        "no maximum: {kind} at ({sp}); eigenvalues {eig}",
        "无最高点: 驻点 ({sp}) 为{kind}; 特征值 {eig}",
    ),
    "au_kind_saddle": ("saddle", "鞍点"),
    "au_kind_minimum": ("minimum", "最低点"),
    "au_kind_ridge": ("ridge", "脊"),
    "au_kind_maximum": ("maximum", "最高点"),
    "au_kind_none": ("no stationary point", "无驻点"),
    "au_surf_shape_not_why": (
        "{grads}. The quadratic part has eigenvalues that are not all negative, so no rate "
        "combination is a maximum: yield rises without bound along some direction.",
        "{grads}。二次型特征值并非全为负, 不存在最高产量组合: 产量沿某一方向无限增加。",
    ),
    "au_surf_range_claim": ("Optimum combination {rates}", "最优组合 {rates}"),
    "au_surf_beyond_formula": (
        "outside the formula's range ({what});",
        "超出配方用量范围 ({what});",
    ),
    "au_hull_in": ("inside the region the treatments span;", "在各处理所覆盖的范围之内;"),
    "au_hull_out": ("outside the region the treatments span;", "超出各处理所覆盖的范围;"),
    "au_surf_box_formula": (
        "highest value in the formula's box ({rates}): {y};",
        "配方范围内最高值在 ({rates}): {y};",
    ),
    "au_surf_box_applied": (
        "in the box of all applied rates ({rates}): {y}",
        "全部施用量范围内在 ({rates}): {y}",
    ),
    "au_surf_range_norates": (
        "The treatments' rates are not in the spec.",
        "规格文件中没有各处理的施肥量。",
    ),
    "au_surf_range_inside": (
        "The point is a combination of the treatments applied.",
        "该组合在试验处理所覆盖的范围之内。",
    ),
    "au_surf_range_outside_box": (
        "The point lies beyond the rates applied: an extrapolation.",
        "该组合超出试验施用量范围, 属于外推。",
    ),
    "au_surf_range_outside_hull": (
        "Each rate lies within the applied range, but not in that combination: no treatment or "
        "mixture of treatments reaches the point, so it is an extrapolation; on a surface "
        "without a maximum the highest value in any box sits on its boundary.",
        "各用量虽在试验范围之内, 但该组合不在处理所覆盖的区域内, 属于外推; "
        "没有最高点的曲面在任何范围内的最高值都位于边界上。",
    ),
    # -- economics -----------------------------------------------------------------
    "au_econ_base_claim": (
        "Percentages {pcts} of the {ref} plot's income",
        "增收率 {pcts} (相对于{ref}收益)",
    ),
    "au_econ_base_finds": (
        "reference income {crop} × {y} − {cost} = {base}; the percentages imply {implied}",
        "对照收益 {crop} × {y} − {cost} = {base}; 各百分数推算出 {implied}",
    ),
    "au_econ_base_implied": (
        "the percentages imply a reference income of {implied}",
        "各百分数推算出的对照收益为 {implied}",
    ),
    "au_econ_base_why": (
        "Income = yield × crop price − fertilizer cost at the printed prices; each printed "
        "change ÷ percentage, within the rounding of both, bounds the reference income: "
        "together between {lo} and {hi}.",
        "收益 = 产量 × 作物价格 − 按原文价格计算的肥料成本; 每个增收额 ÷ 增收率 (考虑两者的舍入) "
        "都限定了对照收益的范围, 合在一起为 {lo} ~ {hi}。",
    ),
    "au_econ_base_disjoint": (
        "The printed changes and percentages imply reference incomes that no single value fits.",
        "各增收额与增收率推算出的对照收益互不相容。",
    ),
    "au_econ_row_claim": ("{t}: {what}", "{t}: {what}"),
    "au_econ_row_finds": ("{v}{pct}", "{v}{pct}"),
    "au_econ_row_why": (
        "{crop} × {dy} − ({dc} fertilizer cost) = {v} (from {lo} to {hi} within the yield "
        "change's rounding).",
        "{crop} × {dy} − ({dc} 肥料成本差) = {v} (产量差舍入范围内 {lo} ~ {hi})。",
    ),
    "au_econ_dy_means": (
        "The printed means give a yield change of {dm}.",
        "由原文均值得产量差 {dm}。",
    ),
    "au_econ_row_missing": (
        "The crop price, the nutrient prices and the rates of both treatments are needed.",
        "需要作物价格、养分价格及两个处理的施肥量。",
    ),
    "au_econ_claim_vcr_lower": (
        "The value–cost ratio falls in {ts} (against {ref})",
        "{ts}产投比降低 (相对于{ref})",
    ),
    "au_econ_claim_vcr_higher": (
        "The value–cost ratio rises in {ts} (against {ref})",
        "{ts}产投比提高 (相对于{ref})",
    ),
    "au_econ_claim_income_lower": (
        "Income falls in {ts} (against {ref})",
        "{ts}收益降低 (相对于{ref})",
    ),
    "au_econ_claim_income_higher": (
        "Income rises in {ts} (against {ref})",
        "{ts}收益提高 (相对于{ref})",
    ),
    "au_econ_claim_other": ("A claim about the economics", "经济效益的说法"),
    "au_econ_claim_missing": (
        "The means, rates and prices of every treatment named (and the control for a "
        "value–cost ratio) are needed; kind must be vcr_lower, vcr_higher, income_lower or "
        "income_higher.",
        "需要相关处理 (产投比还需空白区) 的均值、施肥量和价格; kind 须为 vcr_lower、vcr_higher、"
        "income_lower 或 income_higher。",
    ),
    "au_econ_vcr_finds": ("value–cost ratio: {values}", "产投比: {values}"),
    "au_econ_vcr_why": (
        "VCR = (yield − {control} yield) × {crop} / fertilizer cost.",
        "产投比 = (处理产量 − {control} 产量) × {crop} / 肥料成本。",
    ),
    "au_econ_income_finds": ("income: {values}", "收益: {values}"),
    "au_econ_income_why": (
        "Income = yield × {crop} − fertilizer cost.",
        "收益 = 产量 × {crop} − 肥料成本。",
    ),
}
