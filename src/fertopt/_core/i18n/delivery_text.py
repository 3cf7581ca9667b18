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
}
