"""Labels of the letter tests without a level, of the new designs in the analysis plan and of
the combined analysis reached from the command line and the report, in English and Chinese."""

from __future__ import annotations

__all__ = ["DELIVERY_TEXT"]

DELIVERY_TEXT: dict[str, tuple[str, str]] = {
    # -- the Waller–Duncan test has a k-ratio, not a level --------------------------
    "comparison_table_k": (
        "Treatment means and letter groups ({method}, K = {k})",
        "各处理平均值及差异显著性（{method}，K = {k}）",
    ),
    "fig_means_k": (
        "Treatment means ± standard error; treatments sharing a letter do not differ "
        "({method}, K = {k}).",
        "各处理平均值 ± 标准误；字母相同者差异不显著（{method}，K = {k}）。",
    ),
    "rpt_combined_letters_k": (
        "LS-means of {term} with letters ({test}, K = {k}, error {error})",
        "{term} 的最小二乘均值及字母标记（{test}，K = {k}，误差项 {error}）",
    ),
    # -- the plan of a trial repeated over sites -------------------------------------
    "plan_design_combined": ("combined analysis over sites", "多点联合分析"),
    "plan_site": ("Environments", "环境（地点 / 年份）"),
    "plan_combined_named": (
        "Combined analysis over {n} sites ({site}, recognised from the column name): {k} "
        "treatments ({factors}) in blocks ({block}) within each site{nested}",
        "多点联合分析：{n} 个地点（{site}，由列名识别），{k} 个处理（{factors}），"
        "各地点内设区组（{block}）{nested}",
    ),
    "plan_combined_given": (
        "Combined analysis over {n} sites ({site}, as given): {k} treatments ({factors}) in "
        "blocks ({block}) within each site{nested}",
        "多点联合分析：{n} 个地点（{site}，按指定），{k} 个处理（{factors}），"
        "各地点内设区组（{block}）{nested}",
    ),
    "plan_combined_repeated": (
        "; the block labels repeat across sites and name different blocks at each",
        "；各地点的区组编号相同，但为各自不同的区组",
    ),
    "plan_combined_own": ("", ""),
    "rpt_combined_lsmeans": ("LS-means of {term}", "{term} 的最小二乘均值"),
    # -- split-split-plot and strip-plot in the analysis plan -------------------------
    "plan_split_split": (
        "Split-split-plot: main plots {main} ({a} levels), sub-plots {sub} ({b} levels), "
        "sub-sub-plots {subsub} ({c} levels), in {n} blocks ({block}), {how}",
        "再裂区试验：主区 {main}（{a} 个水平），副区 {sub}（{b} 个水平），"
        "再裂区 {subsub}（{c} 个水平），{n} 个区组（{block}），{how}",
    ),
    "plan_strip": (
        "Strip-plot: horizontal strips {horizontal} ({a} levels) across vertical strips "
        "{vertical} ({b} levels), in {n} blocks ({block}), {how}",
        "条区试验：横条 {horizontal}（{a} 个水平）与纵条 {vertical}（{b} 个水平）交叉，"
        "{n} 个区组（{block}），{how}",
    ),
    "plan_strata_given": ("as given", "按指定"),
    "plan_strata_layout": (
        "recognised from the plot numbers ({plots})",
        "由小区编号（{plots}）识别",
    ),
    "plan_split_layout": (
        "Split-plot: main plots {main} ({a} levels), sub-plots {sub} ({b} levels), in {n} "
        "blocks ({block}), recognised from the plot numbers ({plots})",
        "裂区试验：主区 {main}（{a} 个水平），副区 {sub}（{b} 个水平），{n} 个区组（{block}），"
        "由小区编号（{plots}）识别",
    ),
    "plan_design_split_split_plot": ("split-split-plot", "再裂区试验"),
    "plan_design_strip_plot": ("strip-plot", "条区试验"),
    "plan_sub_sub_plot": ("Sub-sub-plot factor", "再裂区因素"),
    "plan_horizontal": ("Horizontal strips", "横条因素"),
    "plan_vertical": ("Vertical strips", "纵条因素"),
}
