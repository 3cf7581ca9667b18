"""Keyed messages: warnings, notes and error texts that can be shown in any language.

An analysis stores its notes and warnings as text, and users read them as text
(``result.warnings``, ``str(error)``).  A :class:`Message` *is* that English
text (a ``str``), and also remembers the key of its sentence and the fields
that filled it, so a report in Chinese renders the same message from its key
(:meth:`Message.render`) instead of translating English back.  Units in a
message (``kg/mu``, ``yuan/ha``) are :class:`Unit` fields, shown as Chinese
papers write them (``kg/亩``, ``元/hm²``).

Examples
--------
>>> m = message("extrapolated_above", rate="281.3", limit="260")
>>> m
'the optimum 281.3 lies above the highest tested rate (260): it is an extrapolation ...'
>>> m.render("zh")
'最佳施肥量 281.3 高于最高试验施肥量（260）：这是拟合曲线的外推值，...'
>>> unit_text("kg/mu", "zh"), unit_text("yuan/ha", "zh"), unit_text("lb/acre", "zh")
('kg/亩', '元/hm²', '磅/英亩')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fertopt._core.i18n.message_text import MESSAGE_TEXT
from fertopt._core.i18n.network_fit_text import NETWORK_FIT_TEXT
from fertopt._core.i18n.recommend_text import RECOMMEND_TEXT
from fertopt._core.i18n.report_text import REPORT_TEXT
from fertopt._core.i18n.result_text import RESULT_TEXT
from fertopt._core.i18n.tables import MODELS

__all__ = [
    "Items",
    "Message",
    "ModelName",
    "Sentences",
    "Unit",
    "message",
    "keyed",
    "render",
    "unit_text",
    "as_message",
]

_LANGS = ("en", "zh")
_TEMPLATES: dict[str, tuple[str, str]] = {
    **REPORT_TEXT,
    **RESULT_TEXT,
    **MESSAGE_TEXT,
    **NETWORK_FIT_TEXT,
    **RECOMMEND_TEXT,
}


class Unit(str):
    """A unit inside a message (``"kg/mu"``): shown by :func:`unit_text` in each language."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (Unit, (str(self),))


class ModelName(str):
    """A response model inside a message: its code in English (``quadratic_plateau``), its
    name in Chinese (二次加平台模型)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (ModelName, (str(self),))


class Items(tuple):
    """A list inside a message: joined by ", " in English and "、" in Chinese.

    (A plain tuple or list field is a list of clauses, joined by "; " and "；".)
    """


class Sentences(tuple):
    """Sentences inside a message: joined by a space in English and directly in Chinese."""


class Message(str):
    """A sentence in English that also knows its key and fields (see the module docstring).

    Compare, hash, print and serialise it as the English ``str`` it is; call
    :meth:`render` for another language.
    """

    key: str
    fields: Mapping[str, Any]
    full_stop: bool

    def __new__(
        cls, text: str, key: str, fields: Mapping[str, Any], full_stop: bool = False
    ) -> Message:
        obj = super().__new__(cls, text)
        obj.key = key
        obj.fields = dict(fields)
        obj.full_stop = full_stop
        return obj

    def __reduce__(self) -> tuple[Any, ...]:  # pickled by Dask workers and multiprocessing
        return (Message, (str(self), self.key, self.fields, self.full_stop))

    def render(self, lang: str) -> str:
        """The message in ``lang`` (``"en"``: the text itself)."""
        if lang == "en":
            return str(self)
        template = _TEMPLATES[self.key][_LANGS.index(lang)]
        text = template.format(**{k: render(v, lang) for k, v in self.fields.items()})
        return text + "。" if self.full_stop and not text.endswith("。") else text

    def sentence(self, capital: bool = True) -> Message:
        """The message as a sentence: capitalised with a full stop (as a warning is issued)."""
        text = str(self)
        text = text[:1].upper() + text[1:] if capital else text
        return Message(text if text.endswith(".") else text + ".", self.key, self.fields, True)


def render(value: Any, lang: str) -> str:
    """A field of a message in ``lang``: a message rendered, a unit localised, a list joined."""
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, Unit):
        return unit_text(value, lang)
    if isinstance(value, ModelName):
        pair = MODELS.get(str(value))
        return pair[_LANGS.index(lang)] if pair and lang != "en" else str(value)
    if isinstance(value, Sentences):
        return ("" if lang == "zh" else " ").join(render(v, lang) for v in value)
    if isinstance(value, Items):
        return ("、" if lang == "zh" else ", ").join(render(v, lang) for v in value)
    if isinstance(value, (list, tuple)):
        sep = "；" if lang == "zh" else "; "
        return sep.join(render(v, lang) for v in value)
    return str(value)


def message(key: str, /, **fields: Any) -> Message:
    """The message ``key`` with ``fields`` (already formatted numbers, units, messages)."""
    template = _TEMPLATES[key][0]
    return Message(template.format(**{k: render(v, "en") for k, v in fields.items()}), key, fields)


def keyed(name: str) -> Any:
    """``name`` as a message when the catalogue has a label for it ("Residuals" → 误差).

    A field such as the name of an error term is then shown in each language.
    """
    return message(name) if name in _TEMPLATES and "{" not in _TEMPLATES[name][0] else name


def as_message(value: Any) -> Any:
    """The :class:`Message` behind a warning or an error (``warning.message``, an exception).

    A warning issued with a message, or an error raised with one, keeps it as
    its first argument; anything else is returned as its text.
    """
    args = getattr(value, "args", None)
    if isinstance(value, BaseException) and args and isinstance(args[0], Message):
        return args[0]
    return value if isinstance(value, str) else str(value)


# ---------------------------------------------------------------------------
# units
# ---------------------------------------------------------------------------
#: Unit words as Chinese papers write them.
_UNIT_ZH: dict[str, str] = {
    "unit area of the data": "数据单位面积",
    "yield units": "产量单位",
    "unspecified": "未注明",
    "money": "货币",
    "yuan": "元",
    "RMB": "元",
    "mu": "亩",
    "acres": "英亩",
    "acre": "英亩",
    "ac": "英亩",
    "lbs": "磅",
    "lb": "磅",
    "bu": "蒲式耳",
    "ha": "hm²",
    "m2": "m²",
    "per": "/",
    "ratio": "比值",
}
_UNIT_WORD = re.compile(
    r"(?<![A-Za-z])(" + "|".join(sorted(map(re.escape, _UNIT_ZH), key=len, reverse=True)) + r")"
    r"(?![A-Za-z0-9])"
)


def unit_text(unit: Any, lang: str) -> str:
    """A unit as it is written in ``lang``: ``kg/mu`` → ``kg/亩``, ``yuan/ha`` → ``元/hm²``.

    Examples
    --------
    >>> unit_text("t/acre", "zh"), unit_text("money per unit area of the data", "zh")
    ('t/英亩', '货币/数据单位面积')
    >>> unit_text("kg/mu", "en")
    'kg/mu'
    """
    text = "" if unit is None else str(unit)
    if lang == "en" or not text:
        return text
    text = _UNIT_WORD.sub(lambda m: _UNIT_ZH[m.group(1)], text)
    return re.sub(r"\s*/\s*", "/", text)
