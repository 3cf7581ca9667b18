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
}
