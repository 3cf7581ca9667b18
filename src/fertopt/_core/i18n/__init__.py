"""Labels and sentences of reports and figures, in English and Chinese.

Every user-facing word of a report or a figure goes through :func:`label`, so a
report in ``lang="zh"`` reads as an agronomist writes in Chinese (处理, 重复,
产量, 方差分析, 新复极差法, 最高产量施肥量, 最佳经济施肥量 …).  Keys are stable
snake_case names; a sentence is a :meth:`str.format` template with named
fields.

Examples
--------
>>> label("treatment", "zh"), label("economic_optimum", "zh"), label("block", "en")
('处理', '最佳经济施肥量', 'Block')
>>> label("n_plots_dropped", "zh", n=2, rows="rows 7, 12")
'2 个小区缺少观测值，未参加分析（rows 7, 12）。'
"""

from __future__ import annotations

import re
from typing import Any

from fertopt._core.i18n.audit_text import AUDIT_TEXT
from fertopt._core.i18n.correlation_text import CORRELATION_MESSAGES, CORRELATION_TEXT
from fertopt._core.i18n.delivery_text import DELIVERY_TEXT
from fertopt._core.i18n.message_text import MESSAGE_TEXT
from fertopt._core.i18n.messages import (
    Items,
    Message,
    ModelName,
    Sentences,
    Unit,
    as_message,
    keyed,
    message,
    render,
    unit_text,
)
from fertopt._core.i18n.mixed_text import MIXED_TEXT
from fertopt._core.i18n.network_fit_text import NETWORK_FIT_TEXT
from fertopt._core.i18n.network_text import NETWORK_TEXT
from fertopt._core.i18n.plan_text import PLAN_TEXT
from fertopt._core.i18n.pool3414_text import POOL3414_TEXT
from fertopt._core.i18n.recommend_text import RECOMMEND_TEXT
from fertopt._core.i18n.report_text import REPORT_TEXT
from fertopt._core.i18n.result_text import RESULT_TEXT
from fertopt._core.i18n.tables import (
    COLUMN_KEYS,
    COLUMN_ZH,
    DESIGNS,
    FIGURE_TEXT,
    FIT_METHODS,
    METHODS,
    MODELS,
    STATUS,
)
from fertopt.exceptions import OptionError

__all__ = [
    "LANGS",
    "check_lang",
    "label",
    "design_name",
    "method_name",
    "fit_method_name",
    "model_name",
    "status_text",
    "significance_word",
    "significance_mark",
    "translate_figure_text",
    "column_label",
    "translate_message",
    "model_words",
    "three414_fit_name",
    "Items",
    "Message",
    "ModelName",
    "Sentences",
    "Unit",
    "message",
    "keyed",
    "as_message",
    "unit_text",
]

#: Languages of reports and figures.
LANGS = ("en", "zh")

_TEXT: dict[str, tuple[str, str]] = {
    **REPORT_TEXT,
    **RESULT_TEXT,
    **CORRELATION_TEXT,
    **NETWORK_TEXT,
    **NETWORK_FIT_TEXT,
    **PLAN_TEXT,
    **MIXED_TEXT,
    **MESSAGE_TEXT,
    **DELIVERY_TEXT,
    **POOL3414_TEXT,
    **AUDIT_TEXT,
    **RECOMMEND_TEXT,
}


def check_lang(lang: Any) -> str:
    """Return ``lang`` if it is a supported language, else raise a clear error.

    Examples
    --------
    >>> check_lang("ZH")
    'zh'
    """
    key = str(lang).strip().lower() if isinstance(lang, str) else lang
    aliases = {
        "cn": "zh",
        "zh-cn": "zh",
        "zh_cn": "zh",
        "chinese": "zh",
        "中文": "zh",
        "english": "en",
        "en-us": "en",
        "en-gb": "en",
    }
    key = aliases.get(key, key)
    if key not in LANGS:
        raise OptionError(f"lang={lang!r} is not available; use 'en' (English) or 'zh' (Chinese).")
    return key


def label(key: str, lang: str = "en", /, **fields: Any) -> str:
    """The text of ``key`` in ``lang``, with ``fields`` filled in.

    Unknown keys are returned unchanged (a column name shown as is).
    """
    pair = _TEXT.get(key)
    if pair is None:
        return key
    text = pair[LANGS.index(lang)]
    if not fields:
        return text
    return text.format(
        **{k: render(v, lang) if isinstance(v, (Message, Unit)) else v for k, v in fields.items()}
    )


def _lookup(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    pair = table.get(key)
    return pair[LANGS.index(lang)] if pair else key


def design_name(design: str, lang: str = "en") -> str:
    """Plain-words name of an ANOVA design (``"RCBD"`` → 随机区组设计)."""
    return _lookup(DESIGNS, design, lang)


def method_name(method: str, lang: str = "en") -> str:
    """Name of a multiple-comparison method (``"duncan"`` → Duncan 新复极差法)."""
    return _lookup(METHODS, str(method).lower(), lang)


def fit_method_name(method: str, lang: str = "en") -> str:
    """How a response curve was fitted (``"least squares (QR)"`` → 最小二乘法（QR 分解）)."""
    return _lookup(FIT_METHODS, str(method), lang)


def model_name(model: str, lang: str = "en") -> str:
    """Name of a response model (``"quadratic"`` → 一元二次模型)."""
    return _lookup(MODELS, model, lang)


def status_text(status: str, lang: str = "en") -> str:
    """Plain-words meaning of an optimum or surface status."""
    return _lookup(STATUS, status, lang)


def significance_word(p: float, lang: str = "en") -> str:
    """``highly significant`` (p ≤ 0.01), ``significant`` (p ≤ 0.05) or ``not significant``.

    Examples
    --------
    >>> significance_word(0.003, "zh"), significance_word(0.03), significance_word(0.2, "zh")
    ('极显著', 'significant', '不显著')
    """
    if p <= 0.01:
        return label("highly_significant", lang)
    if p <= 0.05:
        return label("significant", lang)
    return label("not_significant", lang)


def significance_mark(p: float, lang: str = "en") -> str:
    """``**`` (p ≤ 0.01), ``*`` (p ≤ 0.05) or ``ns``, the marks of :func:`significance_word`.

    In Chinese a difference that is not significant is left unmarked, as Chinese tables do;
    a missing p gives no mark.

    Examples
    --------
    >>> significance_mark(0.003), significance_mark(0.03), significance_mark(0.2)
    ('**', '*', 'ns')
    >>> significance_mark(0.2, "zh"), significance_mark(float("nan"))
    ('', '')
    """
    if p is None or not p == p:  # NaN: no test
        return ""
    if p <= 0.01:
        return "**"
    if p <= 0.05:
        return "*"
    return label("sig_ns", lang)


def column_label(column: Any, lang: str = "en") -> str:
    """Header of a result-table column: the column name in English, its Chinese name in Chinese.

    Examples
    --------
    >>> column_label("delta_aicc"), column_label("mean", "zh"), column_label("span", "zh")
    ('delta_aicc', '平均值', '秩次距')
    """
    name = str(column)
    if lang == "en":
        return name
    if name in COLUMN_KEYS:
        return label(COLUMN_KEYS[name], lang)
    return COLUMN_ZH.get(name, name)


#: Notes and warnings that analyses store as plain English sentences, as patterns with
#: their Chinese wording (named groups are carried over).  New texts are keyed messages
#: (:func:`message`) instead; these patterns serve the texts not yet converted.
_MESSAGES: list[tuple[re.Pattern[str], Any]] = []

# -- CanonicalResult, SurfaceOptimum, TypicalityResult, SurfacePoint, NetReturnCurve,
# -- PriceSensitivity, PooledSites: their stored notes, warnings and money units
_MESSAGES += [
    (re.compile(r"money per unit area of the data"), "货币单位/数据单位面积"),
    (re.compile(r"(?P<cur>\S+) per unit area of the data"), "{cur}/数据单位面积"),
    (re.compile(r"(?P<y>\S+) yield/(?P<area>\S+)"), "{y} 产量/{area}"),
    (re.compile(r"yield units"), "产量单位"),
    # rates outside the tested region
    (
        re.compile(r"(?P<n>\S+) = (?P<v>\S+) is negative, which is not a rate"),
        "{n} = {v} 为负值，不是施肥量",
    ),
    (
        re.compile(r"(?P<n>\S+) = (?P<v>\S+) is above the highest tested rate (?P<x>\S+)"),
        "{n} = {v} 高于最高试验施肥量 {x}",
    ),
    (
        re.compile(r"(?P<n>\S+) = (?P<v>\S+) is below the lowest tested rate (?P<x>\S+)"),
        "{n} = {v} 低于最低试验施肥量 {x}",
    ),
    (
        re.compile(r"the stationary point lies at a negative square root, which no rate can reach"),
        "驻点位于负的平方根处，任何施肥量都达不到",
    ),
    (
        re.compile(r"there is no stationary point \(a rising ridge\)"),
        "不存在驻点（上升脊）",
    ),
    # notes of canonical analyses, optima and typicality
    (
        re.compile(
            r"One eigenvalue is less than 5 % of the largest \(coded units\): the maximum is "
            r"poorly determined along that eigen-direction \(close to a ridge\)\."
        ),
        "有一个特征值不到最大特征值的 5%（编码单位）：沿该特征方向极大值的位置难以确定（接近脊）。",
    ),
    (
        re.compile(
            r"The surface has terms above second order: the optimum was found numerically, and "
            r"the kind of the unconstrained stationary point is local \(from the curvature "
            r"there\)\."
        ),
        "曲面含二阶以上的项：最佳点由数值方法求得，无约束驻点的类型是局部的（由该处的曲率判断）。",
    ),
    (
        re.compile(
            r"The maximum is not unique \(a stationary ridge\): other rates give the same value\."
        ),
        "极大值不唯一（平稳脊）：其他施肥量也能得到相同的值。",
    ),
    (
        re.compile(r"The yield optimum lies outside the tested region: (?P<items>.+)\."),
        "产量的最佳点位于试验范围外：{items}。",
    ),
    (
        re.compile(r"The net return optimum lies outside the tested region: (?P<items>.+)\."),
        "施肥纯收益的最佳点位于试验范围外：{items}。",
    ),
    (
        re.compile(r"Regression significance was not assessed \(no ANOVA\)\."),
        "未评估回归的显著性（没有方差分析）。",
    ),
    (
        re.compile(
            r"The sign pattern failed; with product terms this alone does not decide the shape\."
        ),
        "系数符号检验未通过；方程含交互项时，仅凭系数符号不能判定曲面形状。",
    ),
    # details of the typicality rules
    (
        re.compile(
            r"not assessed: no ANOVA \(a published equation or no residual degrees of freedom\)"
        ),
        "未评估：没有方差分析（已发表的方程，或剩余自由度为零）",
    ),
    (re.compile(r"linear terms > 0 and squared terms < 0"), "一次项系数 > 0，二次项系数 < 0"),
    (re.compile(r"sqrt\((?P<n>[^)]+)\) = (?P<v>\S+) \(not > 0\)"), "√{n} = {v}（不大于 0）"),
    (re.compile(r"(?P<t>\S+) = (?P<v>\S+) \(not > 0\)"), "{t} = {v}（不大于 0）"),
    (re.compile(r"(?P<t>\S+) = (?P<v>\S+) \(not < 0\)"), "{t} = {v}（不小于 0）"),
    (re.compile(r"no sqrt\((?P<n>[^)]+)\) term"), "没有 √{n} 项"),
    (re.compile(r"no (?P<t>\S+) term"), "没有 {t} 项"),
    (
        re.compile(r"eigenvalues of the quadratic part: (?P<v>.+)"),
        "二次型的特征值：{v}",
    ),
    (
        re.compile(r"quadratic coefficient (?P<v>\S+)"),
        "二次项系数 {v}",
    ),
    (
        re.compile(r"not assessed: the surface has no maximum \(rule 3\)"),
        "未评估：曲面没有极大值（规则 3）",
    ),
]
for _en, _zh in {"maximum": "极大值", "minimum": "极小值", "saddle": "鞍点", "ridge": "脊"}.items():
    _MESSAGES.append(
        (
            re.compile(f"surface above second order: the stationary point is a local {_en}"),
            f"曲面高于二阶：驻点为局部{_zh}",
        )
    )
_MESSAGES.append(
    (
        re.compile(
            r"surface above second order: the stationary point is a local none \(not found\)"
        ),
        "曲面高于二阶：未找到驻点",
    )
)
for _en, _zh in {"stationary point": "驻点", "economic optimum": "最佳经济施肥量"}.items():
    _MESSAGES += [
        (re.compile(f"{_en}: none exists"), f"{_zh}：不存在"),
        (re.compile(f"{_en}: (?P<n>\\S+) = (?P<v>\\S+) ≤ 0"), f"{_zh}：{{n}} = {{v}} ≤ 0"),
        (
            re.compile(f"{_en}: (?P<n>\\S+) = (?P<v>\\S+) > top tested rate (?P<x>\\S+)"),
            f"{_zh}：{{n}} = {{v}} > 最高试验施肥量 {{x}}",
        ),
        (re.compile(f"{_en}: (?P<rates>.+)"), f"{_zh}：{{rates}}"),
    ]
    for _src, _src_zh in {"observed": "实测", "predicted": "预测", "given": "给定"}.items():
        _MESSAGES.append(
            (
                re.compile(
                    f"{_en} yield (?P<y>\\S+) (?P<cmp>[>≤]) CK yield (?P<ck>\\S+) \\({_src}\\)"
                ),
                f"{_zh}处产量 {{y}} {{cmp}} CK 产量 {{ck}}（{_src_zh}）",
            )
        )


# -- stored texts of OmissionResult, Three414Result, BatchResult and StudyAudit ----------
def three414_fit_name(name: str, lang: str) -> str:
    """A 3414 fit or recommendation source (``"binary N-P2O5"``, ``"none"``) in ``lang``.

    Examples
    --------
    >>> three414_fit_name("binary N-P2O5 + binary N-K2O (mean)", "zh")
    'N-P2O5 二元二次肥料效应函数 + N-K2O 二元二次肥料效应函数（平均）'
    """
    if lang == "en" or not name:
        return name
    if name.endswith(" (mean)"):
        parts = [three414_fit_name(p, lang) for p in name[: -len(" (mean)")].split(" + ")]
        return label("t4_mean_of", lang, sources=" + ".join(parts))
    kind, _, rest = name.partition(" ")
    if kind == "binary":
        return label("t4_binary", lang, pair=rest)
    if kind in ("quadratic", "linear_plateau"):
        return label(f"t4_{kind}", lang, nutrient=rest)
    return label(f"t4_{name}", lang) if f"t4_{name}" in _TEXT else name


def _mean_of(g: dict[str, str]) -> str:
    parts = []
    for part in g["parts"].split(", binary "):
        lab, _, rate = part.rpartition(": ")
        lab = lab if lab.startswith("binary ") else f"binary {lab}"
        parts.append(f"{three414_fit_name(lab, 'zh')}：{rate}")
    return label("t4_note_mean", "zh", parts="；".join(parts))


def _supply_word(word: str) -> str:
    return label(f"supply_{word}", "zh") if f"supply_{word}" in _TEXT else word


#: Stored English notes and warnings of these results → Chinese (a template, or a function of
#: the matched groups for texts whose parts need translating too).
_RESULT_MESSAGES: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(
            r"The trial has one plot per treatment: fits use the 14 treatment yields, and "
            r"typicality rule 1 rests on few residual degrees of freedom\."
        ),
        "每个处理只有一个小区：拟合使用 14 个处理的产量，典型性规则 1 的剩余自由度很少。",
    ),
    (
        re.compile(
            r"(?P<nut>\S+) has (?P<k>\d+) distinct rates instead of 4; level 2 was taken as its "
            r"most frequent rate \((?P<l2>\S+)\), so levels 0–3 are (?P<levels>.+)\."
        ),
        "{nut}有 {k} 个不同的施用量而不是 4 个；以出现最多的施用量（{l2}）作为 2 水平，"
        "0–3 水平为 {levels}。",
    ),
    (
        re.compile(
            r"no fit gives a usable (?P<nut>\S+) rate; judge from the abundance class "
            r"\((?P<cls>[a-z ]*), relative yield (?P<ry>\S+) %\) and local experience"
        ),
        lambda g: (
            f"没有可用的拟合给出{g['nut']}推荐施肥量；请根据丰缺等级（{_supply_word(g['cls'])}，"
            f"相对产量 {g['ry']}%）并结合当地经验确定"
        ),
    ),
    (re.compile(r"mean of binary (?P<parts>.+)"), _mean_of),
    (
        re.compile(
            r"progress=True needs the tqdm package \(pip install 'fertopt\[progress\]'\); "
            r"the batch ran without a progress bar\."
        ),
        "progress=True 需要 tqdm 包（pip install 'fertopt[progress]'），本次批量分析未显示进度条。",
    ),
]
_MESSAGES += _RESULT_MESSAGES
_MESSAGES += CORRELATION_MESSAGES

#: Notes of the REGWQ and Waller–Duncan tests and of the error terms of multi-stratum designs.
_MESSAGES += [
    (
        re.compile(
            r"The Waller–Duncan test minimises the Bayes risk at the k-ratio given; its critical "
            r"t grows as the treatment F shrinks, and it has no p-values \(the column p is "
            r"empty\)\."
        ),
        "Waller–Duncan 检验在给定的 K 比值下使贝叶斯风险最小；处理 F 值越小，临界 t 值越大；"
        "该检验没有 P 值（P 值列为空）。",
    ),
    (
        re.compile(r"The Waller–Duncan t uses F = (?P<f>\S+) of (?P<term>.+) in the ANOVA table\."),
        "Waller–Duncan 临界 t 值采用方差分析表中 {term} 的 F 值（F = {f}）。",
    ),
    (
        re.compile(
            r"The Waller–Duncan t uses the F ratio of the means compared, Σ n \(mean − grand "
            r"mean\)² / \(k − 1\) / MSE, with the error used here\."
        ),
        "Waller–Duncan 临界 t 值采用所比较平均值的 F 值："
        "Σ n (平均值 − 总平均)² / (k − 1) / 误差均方。",
    ),
]


#: Words of model formulas and equations (parameter names) in Chinese.
_MODEL_WORDS: dict[str, str] = {
    "yield": "产量",
    "intercept": "截距",
    "slope": "斜率",
    "linear": "一次项系数",
    "quadratic": "二次项系数",
    "sqrt": "平方根项系数",
    "join": "转折点",
    "asymptote": "渐近线",
    "rate": "速率",
    "shift": "平移量",
    "regression": "回归",
    "residual": "剩余",
    "total": "总变异",
    "lack_of_fit": "失拟",
    "pure_error": "纯误差",
    "for": "当",
    "beyond": "之后",
    "plateau": "平台",
}
_MODEL_WORD = re.compile(r"\b(" + "|".join(sorted(_MODEL_WORDS, key=len, reverse=True)) + r")\b")


def model_words(text: str, lang: str) -> str:
    """A model formula, equation or term name with its English words in ``lang``.

    Examples
    --------
    >>> model_words("yield = intercept + slope·x", "zh")
    '产量 = 截距 + 斜率·x'
    """
    if lang == "en":
        return text
    return _MODEL_WORD.sub(lambda m: _MODEL_WORDS[m.group()], text)


def translate_message(text: str, lang: str) -> str:
    """A stored note or warning in ``lang``.

    A :class:`Message` is rendered from its key; an older plain English text is
    matched against the known sentences (unknown texts are returned unchanged).
    """
    if isinstance(text, Message):
        return text.render(lang)
    if isinstance(text, Unit):
        return unit_text(text, lang)
    if lang != "zh":
        return text
    for pattern, template in _MESSAGES:
        match = pattern.fullmatch(text)
        if match and callable(template):
            return template(match.groupdict())
        if match:
            fields = {k: _message_field(k, v, lang) for k, v in match.groupdict().items()}
            return template.format(**fields)
    return text


def _message_field(name: str, value: str | None, lang: str) -> str:
    """A field of a stored message in ``lang``; ``items`` is a list of messages joined by "; "."""
    if not value:
        return ""
    if name == "items":
        return "；".join(translate_message(part, lang) for part in value.split("; "))
    return label(value, lang)


def translate_figure_text(text: str, lang: str) -> str:
    """Chinese text of an English figure label when ``lang="zh"`` (unknown texts unchanged)."""
    if lang != "zh":
        return text
    return FIGURE_TEXT.get(text, text)
