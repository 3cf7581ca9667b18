"""One vocabulary of column roles, shared by reading, role guessing and the design checks.

:func:`fertopt.read_trials` renames a header found in :data:`COLUMN_ALIASES` to its canonical
name (``产量`` → ``yield``); the command line then guesses the roles it was not given from
:data:`NAME_HINTS` and :data:`NUTRIENT_TOKENS`; :func:`fertopt.anova` names the columns in
:data:`BLOCK_NAMES` when a block column looks wrong.  A new alias goes here and only here.
"""

from __future__ import annotations

__all__ = ["COLUMN_ALIASES", "NAME_HINTS", "NUTRIENT_TOKENS", "BLOCK_NAMES"]

#: Canonical column names and the header texts recognised for each
#: (compared after lower-casing and removing spaces, ``_``, ``-`` and ``.``).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "treatment": (
        "treatment",
        "trt",
        "treat",
        "tr",
        "treatments",
        "处理",
        "处理号",
        "处理名称",
        "处理编号",
        "处理代号",
    ),
    "block": (
        "block",
        "blk",
        "rep",
        "reps",
        "replicate",
        "replication",
        "repetition",
        "区组",
        "重复",
        "重复号",
        "区组号",
    ),
    "yield": (
        "yield",
        "yld",
        "grainyield",
        "yields",
        "产量",
        "小区产量",
        "亩产",
        "亩产量",
        "折合亩产",
        "折合产量",
        "单产",
        "鲜重产量",
    ),
    "N": ("n", "nitrogen", "nrate", "raten", "氮", "氮肥", "施氮量", "n用量", "氮用量", "纯氮"),
    "P2O5": ("p2o5", "p2o5rate", "磷", "磷肥", "施磷量", "p2o5用量", "磷用量", "五氧化二磷"),
    "K2O": ("k2o", "k2orate", "钾", "钾肥", "施钾量", "k2o用量", "钾用量", "氧化钾"),
    "site": ("site", "location", "loc", "地点", "试验点", "点位", "试验地点"),
    "year": ("year", "年份", "年度", "年"),
    "plot": ("plot", "plotid", "小区", "小区号", "小区编号"),
    "row": ("row", "行", "行区组"),
    "column": ("col", "column", "列", "列区组"),
}

#: Words that mark a column for a role when no header matched exactly: a single column whose
#: lower-cased name contains one of them takes the role (``grain_yld_kgha`` is the response).
NAME_HINTS: dict[str, tuple[str, ...]] = {
    "response": ("yield", "yld", "产量"),
    "treatment": ("trt", "treat", "处理"),
    "block": ("block", "blk", "rep", "重复", "区组"),
}

#: Words in a column name that name a nutrient form (``n_rate`` is a rate of N).
NUTRIENT_TOKENS: dict[str, str] = {
    "n": "N",
    "nitrogen": "N",
    "p2o5": "P2O5",
    "p": "P2O5",
    "phosphorus": "P2O5",
    "k2o": "K2O",
    "k": "K2O",
    "potassium": "K2O",
}

#: Whole column names (lower-cased) that usually hold blocks; ANOVA names such a column when the
#: block given looks wrong.
BLOCK_NAMES: tuple[str, ...] = ("rep", "block", "replicate", "重复", "区组")
