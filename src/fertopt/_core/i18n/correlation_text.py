"""Labels and stored messages of the soil-test correlation results (``fertopt.soiltest``).

``CORRELATION_TEXT``: key → (English, Chinese), merged into :func:`fertopt._core.i18n.label`.
``CORRELATION_MESSAGES``: the English warnings these results store, as patterns with their
Chinese wording (for :func:`fertopt._core.i18n.translate_message`).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["CORRELATION_TEXT", "CORRELATION_MESSAGES", "CLASS_NAMES"]

CORRELATION_TEXT: dict[str, tuple[str, str]] = {
    # shared facts
    "st_method": ("Method", "方法"),
    "st_columns": ("Columns", "数据列"),
    "st_columns_text": (
        "soil test {stv!r}, relative yield {ry!r} (%)",
        "土壤测试值 {stv!r}，相对产量 {ry!r}（%）",
    ),
    "st_sites": ("Sites", "试验点数"),
    "st_sites_dropped": (" ({n} left out: missing values)", "（{n} 个缺少数据，已剔除）"),
    "st_cstv": ("Critical soil-test value (CSTV)", "土壤养分临界值（CSTV）"),
    "st_cstv_join": ("CSTV (join of the plateau)", "土壤养分临界值（平台转折点）"),
    "st_cstv_target": (
        "CSTV at {target} % relative yield",
        "相对产量 {target}% 时的土壤养分临界值",
    ),
    "st_boot_ci": ("{level} bootstrap interval", "{level} 自助法区间"),
    "st_wald_ci": ("{level} Wald (delta) interval", "{level} Wald（Delta 法）置信区间"),
    "st_sma_ci": ("{level} interval (SMA)", "{level} 置信区间（标准化主轴 SMA）"),
    "st_bootstrap": ("Bootstrap", "自助法"),
    "st_boot_about": (
        "{n} resamples of the sites ({valid} usable), seed {seed}",
        "对试验点重抽样 {n} 次（有效 {valid} 次），随机种子 {seed}",
    ),
    "st_target_ry": ("Target relative yield", "目标相对产量"),
    "st_critical_ry": ("Critical relative yield", "临界相对产量"),
    "st_split_r2": ("R² of the split", "分组的 R²"),
    "st_positive": ("Sites in the positive quadrants (II, IV)", "位于正确象限（II、IV）的点"),
    "st_positive_text": ("{k} of {n} ({pct} %)", "{n} 个中 {k} 个（{pct}%）"),
    "st_quadrants": ("Quadrants", "象限"),
    "st_below": ("below", "低于"),
    "st_at_or_above": ("at or above", "不低于"),
    "st_col_quadrant": ("Quadrant", "象限"),
    "st_col_stv_side": ("Soil test vs CSTV", "土壤测试值与临界值相比"),
    "st_col_ry_side": ("RY vs critical RY", "相对产量与临界相对产量相比"),
    "st_col_sites": ("Sites", "点数"),
    "st_col_positive": ("Agrees with the test", "与测试结果相符"),
    "st_residual_sd": ("Residual SD", "剩余标准差"),
    # Cate–Nelson
    "st_cn_title": ("Cate–Nelson ({year}) quadrant analysis", "Cate–Nelson（{year}）象限分析"),
    "st_method_cate_nelson_1965": (
        "Cate–Nelson (1965), graphical, at a target relative yield",
        "Cate–Nelson（1965）图解法，按目标相对产量划分",
    ),
    "st_method_cate_nelson_1971": (
        "Cate–Nelson (1971), ANOVA split",
        "Cate–Nelson（1971）方差分析划分法",
    ),
    "st_cn_headline": (
        "Cate–Nelson {year}: CSTV {cstv} at RY {ry} % | R² {r2} | {k} of {n} sites in the "
        "positive quadrants",
        "Cate–Nelson {year}：临界值 {cstv}，相对产量 {ry}% | R² {r2} | "
        "{n} 个点中 {k} 个位于正确象限",
    ),
    # calibration curves
    "st_cal_title": ("Soil-test calibration: {model}", "土壤测试校准曲线：{model}"),
    "st_model_linear_plateau": ("linear plateau", "线性加平台模型"),
    "st_model_quadratic_plateau": ("quadratic plateau", "二次加平台模型"),
    "st_model_mitscherlich": ("Mitscherlich", "Mitscherlich 模型"),
    "st_model_log": ("logarithmic, RY = a + b·ln(STV)", "对数模型 RY = a + b·ln(STV)"),
    "st_at_join": ("at the join", "平台转折点"),
    "st_at_target": ("at {target} % RY", "相对产量 {target}%"),
    "st_ci_boot": ("bootstrap", "自助法"),
    "st_ci_wald": ("Wald", "Wald"),
    "st_ci_sma": ("SMA", "SMA"),
    "st_cal_headline": (
        "{model}: CSTV {cstv} {where} ({kind} {ci}) | n={n}, R²={r2}",
        "{model}：临界值 {cstv}（{where}；{kind} {ci}）| n={n}，R²={r2}",
    ),
    "st_plateau_linear_plateau": ("Plateau (RY %)", "平台相对产量（%）"),
    "st_plateau_quadratic_plateau": ("Plateau (RY %)", "平台相对产量（%）"),
    "st_plateau_mitscherlich": ("Asymptote (RY %)", "渐近相对产量（%）"),
    # ALCC
    "st_alcc_title": (
        "Modified arcsine-log calibration curve (ALCC)",
        "改进的反正弦-对数校准曲线（ALCC）",
    ),
    "st_method_mod_alcc": (
        "ALCC (Correndo et al. 2017): standardised major axis of ln(STV) on asin(√RY)",
        "ALCC（Correndo 等 2017）：ln(STV) 对 asin(√RY) 的标准化主轴回归",
    ),
    "st_alcc_headline": (
        "ALCC: CSTV {cstv} at RY {target} % ({level} {lo} – {hi}) | r={r}, n={n}",
        "ALCC：相对产量 {target}% 时临界值 {cstv}（{level} {lo} – {hi}）| r={r}，n={n}",
    ),
    "st_pearson": ("Pearson r (p)", "Pearson 相关系数 r（p）"),
    "st_cstv_90_100": ("CSTV at 90 % / 100 % RY", "相对产量 90% / 100% 时的临界值"),
    "st_capped": ("Sites with RY > 100 % (used as 100)", "相对产量超过 100% 的点（按 100 计算）"),
    "st_leverage": (
        "Sites with STV > 2 × CSTV90 / > CSTV100",
        "土壤测试值 > 2 × CSTV90 / > CSTV100 的点",
    ),
    "st_removed": ("Left out as leverage points (remove2x)", "作为高杠杆点剔除（remove2x）"),
    "st_alcc_fit": (
        "RMSE of RY / AIC (ALCC) / AIC (SMA)",
        "相对产量 RMSE / AIC（ALCC）/ AIC（SMA）",
    ),
    "st_flagged": (
        "Sites to check (RY > 100 % or leverage)",
        "需核查的点（相对产量 > 100% 或高杠杆）",
    ),
    "st_col_ry_used": ("RY used", "计算用相对产量"),
    "st_col_capped": ("RY capped", "相对产量按 100 计"),
    "st_col_beyond_2x": ("STV > 2 × CSTV90", "测试值 > 2 × CSTV90"),
    "st_col_beyond_100": ("STV > CSTV100", "测试值 > CSTV100"),
    "st_col_leverage": ("Leverage", "杠杆值"),
    "st_col_removed": ("Left out", "已剔除"),
    "st_col_stv": ("Soil test", "土壤测试值"),
    "st_col_ry": ("RY (%)", "相对产量（%）"),
    # abundance classes
    "st_classes_title": ("Abundance classes (丰缺指标)", "土壤养分丰缺指标"),
    "st_net_panel_title": (
        "{nutrient}: abundance classes, {n} trials",
        "{nutrient}：丰缺指标，{n} 个试验",
    ),
    "st_method_classes": (
        "classes of relative yield read off the calibration curve ({model})",
        "按相对产量分级，校准曲线：{model}",
    ),
    "st_classes_headline": (
        "{k} classes at RY {thresholds} %: STV {bounds} | n={n}",
        "按相对产量 {thresholds}% 分为 {k} 级：土壤测试值 {bounds} | n={n}",
    ),
    "st_thresholds": ("Relative-yield thresholds", "相对产量分级标准"),
    "st_boundaries": ("Soil-test value at each threshold", "各分级标准对应的土壤测试值"),
    "st_class_table": ("Classes", "丰缺等级"),
    "st_col_threshold": ("RY threshold (%)", "相对产量标准（%）"),
    "st_col_boot_low": ("Bootstrap low", "自助法下限"),
    "st_col_boot_high": ("Bootstrap high", "自助法上限"),
    "st_col_class_index": ("Class", "等级序号"),
    "st_col_class": ("Class", "丰缺等级"),
    "st_col_stv_low": ("STV from", "测试值下限"),
    "st_col_stv_high": ("STV to", "测试值上限"),
    "st_col_ry_low": ("RY from (%)", "相对产量下限（%）"),
    "st_col_ry_high": ("RY to (%)", "相对产量上限（%）"),
    # the report
    "st_report_title": ("Soil-test correlation: {ry} on {stv}", "土壤测试相关分析：{ry} 与 {stv}"),
    "st_sec_data": ("Sites", "试验点"),
    "st_sec_method": ("{name}", "{name}"),
    "st_sec_about": ("About this report", "关于本报告"),
    "st_sec_network": ("Trials and relative yields", "试验与相对产量"),
    "st_sec_nutrient": (
        "{nutrient}: classes and rates per class",
        "{nutrient}：丰缺等级与各等级推荐施肥量",
    ),
    "st_network_title": (
        "Soil-test calibration of a network of {n} trials",
        "{n} 个田间试验的土壤养分丰缺指标与推荐施肥量",
    ),
    "st_network_caption": (
        "{nutrient}: relative yield against soil test {soil}, the fitted curve and the class "
        "boundaries",
        "{nutrient}：相对产量与土壤测试值 {soil}、拟合曲线和丰缺等级界限",
    ),
    "st_about_network": (
        "Made by fertopt {version}. Relative yield of a trial = minus-plot mean ÷ full-fertilizer "
        "mean × 100; the class boundaries are the soil-test values at which the calibration "
        "curve reaches the relative-yield thresholds; the rate of a class is the mean of its "
        "trials' economic optima and the pooled MRTN of their responses.",
        "由 fertopt {version} 生成。试验的相对产量 = 缺素区平均产量 ÷ 全肥区平均产量 × 100；"
        "丰缺等级界限为校验曲线达到各相对产量界限处的土壤测试值；各等级推荐施肥量为该等级试验"
        "最佳经济施肥量的平均值及其效应曲线合并后的最大养分收益施肥量（MRTN）。",
    ),
    "st_figure_caption": (
        "Relative yield against soil-test value: {name}",
        "相对产量与土壤测试值：{name}",
    ),
    "st_about_text": (
        "Made by fertopt {version}. Relative yields are in percent; the critical soil-test value "
        "(CSTV) is the soil-test value below which a response to the nutrient is expected.",
        "由 fertopt {version} 生成。相对产量以百分数表示；土壤养分临界值（CSTV）指低于该值时"
        "施用该养分预期有增产效果的土壤测试值。",
    ),
    "st_data_text": (
        "{n} sites with a soil-test value and a relative yield; soil test from {lo} to {hi}, "
        "relative yield from {rlo} to {rhi} %.",
        "共 {n} 个试验点有土壤测试值和相对产量；土壤测试值 {lo}～{hi}，相对产量 {rlo}%～{rhi}%。",
    ),
    "st_interp_cn": (
        "Sites testing below {cstv} are expected to respond to the nutrient (relative yield below "
        "{ry} %); {k} of {n} sites ({pct} %) agree with that rule.",
        "土壤测试值低于 {cstv} 的试验点预期施肥有效（相对产量低于 {ry}%）；{n} 个点中 {k} 个"
        "（{pct}%）符合这一规律。",
    ),
    "st_interp_cal": (
        "The fitted curve reaches {where} at a soil test of {cstv} (interval {ci}); sites testing "
        "below it are expected to respond to the nutrient.",
        "拟合曲线在土壤测试值 {cstv} 处达到{where}（区间 {ci}）；低于该值的试验点预期施肥有效。",
    ),
    "st_interp_alcc": (
        "At a soil test of {cstv} the expected relative yield is {target} % (interval {ci}); "
        "{k} sites may pull the line (leverage) and are listed below.",
        "土壤测试值为 {cstv} 时预期相对产量为 {target}%（区间 {ci}）；{k} 个点可能影响回归线"
        "（高杠杆），列于下表。",
    ),
    "st_reach_join": ("its plateau", "平台"),
    "st_reach_target": ("{target} % relative yield", "相对产量 {target}%"),
    "st_interp_classes": ("Classes: {items}.", "分级：{items}。"),
    "st_interp_below": ("{name} below {v}", "{name}：低于 {v}"),
    "st_interp_between": ("{name} {lo}–{hi}", "{name}：{lo}～{hi}"),
    "st_interp_above": ("{name} from {v}", "{name}：不低于 {v}"),
    # figure
    "st_fig_stv": ("Soil-test value", "土壤测试值"),
    "st_fig_ry": ("Relative yield (%)", "相对产量（%）"),
    "st_fig_sites": ("Sites", "试验点"),
    "st_fig_curve": ("Fitted curve", "拟合曲线"),
    "st_fig_cstv": ("CSTV {value}", "临界值 {value}"),
    "st_fig_ci": ("{level} interval{kind}", "{level} 区间{kind}"),
    "st_fig_kind": (" ({kind})", "（{kind}）"),
    "st_fig_target": ("Target RY {value} %", "目标相对产量 {value}%"),
    "st_fig_critical_ry": ("Critical RY {value} %", "临界相对产量 {value}%"),
    "st_fig_positive": ("Positive quadrants (II, IV)", "正确象限（II、IV）"),
    "st_fig_negative": ("Negative quadrants (I, III)", "错误象限（I、III）"),
    "st_fig_flagged": ("Leverage points", "高杠杆点"),
    "st_fig_removed": ("Left out (remove2x)", "已剔除（remove2x）"),
}

#: Names of the classes of :func:`fertopt.soiltest.abundance_classes`, by number of classes.
CLASS_NAMES: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {
    2: (("low", "high"), ("低", "高")),
    3: (("low", "medium", "high"), ("低", "中", "高")),
    4: (("very low", "low", "medium", "high"), ("极低", "低", "中", "高")),
    5: (("very low", "low", "medium", "high", "very high"), ("极低", "低", "中", "高", "极高")),
}


def _class_zh(name: str) -> str:
    for en, zh in CLASS_NAMES.values():
        if name in en:
            return zh[en.index(name)]
    m = re.fullmatch(r"class (\d+)(?: \((lowest|highest)\))?", name)
    if m:
        end = {"lowest": "（最低）", "highest": "（最高）"}.get(m.group(2) or "", "")
        return f"第{m.group(1)}级{end}"
    return name


def _sites(g: dict[str, str]) -> str:
    return (
        f"{g['n']} 个试验点缺少土壤测试值（{g['stv']}）或相对产量（{g['ry']}），"
        f"未参加分析（{g['rows']}）"
    )


CORRELATION_MESSAGES: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(
            r"(?P<n>\d+) sites? without a soil-test value \((?P<stv>.+)\) or a relative yield "
            r"\((?P<ry>.+)\) (?:was|were) left out \((?P<rows>.+)\)"
        ),
        _sites,
    ),
    (
        re.compile(
            r"every site lies on one side of the CSTV \((?P<v>\S+)\): the split does not "
            r"separate responsive from non-responsive sites"
        ),
        "所有点都位于临界值（{v}）的同一侧：该划分不能区分有效点与无效点",
    ),
    (
        re.compile(
            r"every site is (?P<side>at or above|below) the target relative yield "
            r"\((?P<v>\S+) %\): the quadrants cannot separate responsive sites"
        ),
        lambda g: (
            f"所有点的相对产量都{'不低于' if g['side'] == 'at or above' else '低于'}目标相对产量"
            f"（{g['v']}%）：象限无法区分有效点"
        ),
    ),
    (
        re.compile(r"every site lies on one side of the critical relative yield"),
        "所有点都位于临界相对产量的同一侧",
    ),
    (
        re.compile(
            r"the linear-plateau join lies exactly on an observed soil-test value \((?P<v>\S+)\), "
            r"where the residual sum of squares has a kink: its standard error and Wald interval "
            r"assume a smoothness the data do not have; prefer the bootstrap interval "
            r"\(n_boot=1000\)"
        ),
        "线性加平台模型的转折点恰好落在某个实测土壤测试值（{v}）上，剩余平方和在该处不光滑："
        "其标准误和 Wald 置信区间的前提不成立，建议使用自助法区间（n_boot=1000）",
    ),
    (
        re.compile(
            r"the quadratic-plateau join \((?P<j>\S+)\) lies beyond the highest soil-test value "
            r"\((?P<x>\S+)\): no plateau was observed"
        ),
        "二次加平台模型的转折点（{j}）超出最高土壤测试值（{x}）：未观测到平台",
    ),
    (
        re.compile(
            r"the target \((?P<t>\S+) %\) is at or above the plateau of the curve "
            r"\((?P<p>\S+) %\): the critical soil-test value is the join"
        ),
        "目标相对产量（{t}%）不低于曲线的平台（{p}%）：临界值取平台转折点",
    ),
    (
        re.compile(
            r"no critical soil-test value: the curve levels off at (?P<p>\S+) %, below the "
            r"target \((?P<t>\S+) %\)"
        ),
        "无法确定临界值：曲线的渐近相对产量为 {p}%，低于目标（{t}%）",
    ),
    (
        re.compile(
            r"no critical soil-test value: the fitted curve does not rise with the soil-test value"
        ),
        "无法确定临界值：拟合曲线不随土壤测试值升高而上升",
    ),
    (
        re.compile(
            r"only (?P<k>\d+) of (?P<n>\d+) bootstrap resamples gave a critical soil-test value: "
            r"no bootstrap interval"
        ),
        "{n} 次自助法重抽样中只有 {k} 次得到临界值：不给出自助法区间",
    ),
    (
        re.compile(
            r"(?P<k>\d+) sites? ha(?:s|ve) a relative yield above 100 %: the ALCC uses them as "
            r"100 %"
        ),
        "{k} 个点的相对产量超过 100%：ALCC 按 100% 计算",
    ),
    (
        re.compile(r"only (?P<n>\d+) sites: a calibration this small is unreliable; add sites"),
        "仅有 {n} 个点：样本太少，校准结果不可靠，请增加试验点",
    ),
    (
        re.compile(
            r"weak correlation between ln\(STV\) and the transformed RY \(r = (?P<r>\S+)\): read "
            r"the ALCC with caution"
        ),
        "ln(STV) 与转换后的相对产量相关性弱（r = {r}）：ALCC 结果应谨慎解读",
    ),
    (
        re.compile(
            r"(?P<k>\d+) sites? ha(?:s|ve) a soil-test value above (?P<what>twice the CSTV at 90 % "
            r"RY|the CSTV at 100 % RY) \((?P<v>\S+)\): (?:it|they) may have high leverage; "
            r"compare with remove2x=True"
        ),
        lambda g: (
            f"{g['k']} 个点的土壤测试值超过"
            + (
                "相对产量 90% 时临界值的 2 倍"
                if "twice" in g["what"]
                else "相对产量 100% 时的临界值"
            )
            + f"（{g['v']}）：可能为高杠杆点，可与 remove2x=True 的结果比较"
        ),
    ),
    (
        re.compile(
            r"remove2x: (?P<k>\d+) sites? with a soil-test value above twice the CSTV at 90 % RY "
            r"\((?P<v>\S+)\) and a relative yield of at least 100 % (?:was|were) left out and the "
            r"curve refitted"
        ),
        "remove2x：剔除了 {k} 个土壤测试值超过相对产量 90% 时临界值 2 倍（{v}）且相对产量不低于"
        " 100% 的点，并重新拟合",
    ),
    (
        re.compile(r"every site falls in one class \((?P<c>.+)\): the classes cannot be checked"),
        lambda g: f"所有点都落在同一等级（{_class_zh(g['c'])}）：无法检验分级",
    ),
]
