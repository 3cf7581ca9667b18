"""Reading and validating an audit spec: what a paper prints, as data.

A spec is a YAML or JSON file, or a Python dict, laid out as :data:`SCHEMA` describes (the
same schema is documented field by field in ``docs/audit_spec.md``).  English and Chinese
field names are both accepted (:data:`ALIASES`): ``设计``/``design``, ``处理``/``treatments``,
``重复``/``replicates``, ``方差分析``/``anova`` ...

Every printed number keeps the digits it was printed with (:class:`Printed`), because the
audit's rounding intervals are half a unit of the last printed digit: ``488.50`` is known to
±0.005, ``488.5`` only to ±0.05.  JSON and YAML files keep the digits as written; in a Python
dict write such numbers as strings (``"488.50"``) to keep a trailing zero.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fertopt.exceptions import DataError, DependencyError, OptionError

__all__ = [
    "SCHEMA",
    "ALIASES",
    "Printed",
    "load_spec",
    "printed",
    "half_unit",
]


class Printed(float):
    """A number as a paper printed it: its value and the decimals it was printed with.

    Examples
    --------
    >>> x = printed("488.50")
    >>> float(x), x.decimals, half_unit(x)
    (488.5, 2, 0.005)
    """

    decimals: int

    def __new__(cls, value: Any, decimals: int | None = None) -> Printed:
        obj = super().__new__(cls, float(value))
        obj.decimals = _decimals_of(str(value)) if decimals is None else int(decimals)
        return obj

    def __repr__(self) -> str:
        return f"{float(self):.{max(self.decimals, 0)}f}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Printed, (float(self), self.decimals))


_NUMBER = re.compile(r"^\s*[-+−]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")


def _decimals_of(text: str) -> int:
    text = text.strip().replace("−", "-")
    if "e" in text.lower():
        mantissa, exp = re.split("[eE]", text)
        return max(_decimals_of(mantissa) - int(exp), 0)
    return len(text.split(".")[1]) if "." in text else 0


def printed(value: Any) -> Printed | None:
    """``value`` as a :class:`Printed` number (None for None or a non-number).

    Strings keep their digits (``"3522.0"`` has 1 decimal), floats get the decimals of their
    shortest representation, ints none.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Printed):
        return value
    if isinstance(value, int):
        return Printed(value, 0)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return Printed(value, _decimals_of(repr(value)))
    if isinstance(value, str) and _NUMBER.match(value):
        return Printed(value.strip().replace("−", "-"))
    return None


def half_unit(x: Printed) -> float:
    """Half a unit of the last printed digit of ``x`` (its rounding half-width)."""
    return 0.5 * 10.0 ** (-x.decimals)


# ---------------------------------------------------------------------------
# the schema as data: section -> field -> (kind, description); kinds:
#   "number" a printed number; "text"; "bool"; "list[...]"; "map[...]"; a nested dict
# ---------------------------------------------------------------------------
#: Fields of a treatment (one item of ``design.treatments``).
TREATMENT: dict[str, tuple[str, str]] = {
    "name": ("text", "the treatment's name as the paper uses it"),
    "name_zh": ("text", "its Chinese name, shown in Chinese reports (default: name)"),
    "rates": ("map[number]", "nutrient -> rate applied, in units.rate"),
    "mean": ("number", "printed mean yield, in units.yield"),
    "n": ("number", "observations behind the mean (default: design.replicates)"),
    "letters": ("text", "printed significance letters of this mean"),
    "source": ("text", "'printed' (default), 'inferred' or 'reconstructed'"),
}

#: Fields of one ANOVA line (one item of ``anova``).
ANOVA_LINE: dict[str, tuple[str, str]] = {
    "term": ("text", "the source of variation (default 'treatment')"),
    "F": ("number", "printed F"),
    "df": ("list[number]", "[numerator df, denominator df]; inferred from the design if absent"),
    "p": ("number", "printed p-value"),
    "F_critical": ("number", "printed critical F (e.g. F0.05 = 3.84)"),
    "alpha": ("number", "level of F_critical (default 0.05)"),
    "words": ("list[text]", "the words the paper uses for this test ('不显著', 'significant')"),
    "MSE": ("number", "printed error mean square"),
    "where": ("text", "where in the paper (section, table)"),
}

#: Fields of a multiple comparison (``comparison``).
COMPARISON: dict[str, tuple[str, str]] = {
    "test": ("text", "duncan | lsd | tukey | snk"),
    "alpha": ("number", "level (default 0.05)"),
    "letters": ("map[text]", "treatment -> printed letters"),
    "LSD": ("number", "printed least significant difference"),
    "MSE": ("number", "printed error mean square"),
    "SE": ("number", "printed standard error of a mean"),
    "claims": ("list[claim_difference]", "claimed (non-)significant differences"),
    "where": ("text", "where in the paper"),
}

#: A claimed difference between two treatments (one item of ``comparison.claims``).
CLAIM_DIFFERENCE: dict[str, tuple[str, str]] = {
    "a": ("text", "first treatment"),
    "b": ("text", "second treatment"),
    "significant": ("bool", "true: the paper says they differ; false: that they do not"),
    "text": ("text", "the sentence as printed"),
    "where": ("text", "where in the paper"),
}

#: A printed point of an equation (maximum, optimum, recommendation, a yield).
POINT: dict[str, tuple[str, str]] = {
    "rate": ("number", "rate (single-nutrient equation)"),
    "rates": ("map[number]", "nutrient -> rate (surface)"),
    "yield": ("number", "yield printed at that point"),
    "text": ("text", "the sentence as printed"),
    "where": ("text", "where in the paper"),
}

#: Fields of one response equation (one item of ``equations``).
EQUATION: dict[str, tuple[str, str]] = {
    "id": ("text", "a short name used in the audit's claims (default: the nutrient)"),
    "nutrient": ("text", "the nutrient of a single-nutrient equation (N, P2O5, K2O ...)"),
    "nutrients": ("list[text]", "the variables of a surface, in order (X1, X2, X3)"),
    "form": ("text", "quadratic (y = a x² + b x + c) | linear | surface"),
    "coefficients": (
        "map[number]",
        "quadratic: intercept, linear, quadratic; surface: intercept, N, N^2, N:K2O ...",
    ),
    "r_squared": ("number", "printed R²"),
    "adjusted_r_squared": ("number", "printed adjusted R²"),
    "r": ("number", "printed r (correlation)"),
    "F": ("number", "printed F of the regression"),
    "df": ("list[number]", "printed df of that F, e.g. 'Df = 3.1' -> [3, 1]"),
    "fitted_to": ("text", "means (default) | plots"),
    "selection": ("text", "none (default) | stepwise"),
    "candidate_terms": ("text", "the model stepwise selection started from: full (default)"),
    "maximum": ("point", "printed maximum (rate of highest yield and that yield)"),
    "optimum": ("point", "printed economic optimum"),
    "recommendation": ("point", "the rate (or rates) the paper recommends"),
    "yields": ("list[point]", "other printed (rate, yield) pairs read from the curve"),
    "conclusion": ("point", "the numbers the conclusions repeat"),
    "tested_range": ("map[list[number]]", "nutrient -> [low, high] (default: the design)"),
    "coefficients_lost": ("bool", "true when only the points survive (no coefficients)"),
    "where": ("text", "where in the paper"),
}

#: Prices (``prices``).
PRICES: dict[str, tuple[str, str]] = {
    "crop": ("number", "price of the crop per unit of the yield's mass (see crop_per)"),
    "crop_per": ("text", "mass the crop price is per: default the mass of units.yield"),
    "nutrients": ("map[number]", "nutrient -> price per unit of nutrient (N, P2O5, K2O)"),
    "products": ("map[product]", "nutrient -> {price, grade} when the paper prices products"),
    "basis": ("text", "nutrient (default) | product: what the printed prices are per kg of"),
    "currency": ("text", "yuan (default) | any name"),
    "per": ("text", "mass the nutrient prices are per: default the mass of units.rate"),
    "text": ("text", "the sentence as printed"),
}

#: One row of an economics table (``economics.rows``).
ECON_ROW: dict[str, tuple[str, str]] = {
    "treatment": ("text", "the treatment"),
    "yield_change": ("number", "yield minus the reference treatment's"),
    "income": ("number", "net income (crop value − fertilizer cost)"),
    "income_change": ("number", "income minus the reference treatment's"),
    "income_change_pct": ("number", "income_change as % of the reference income"),
    "cost": ("number", "fertilizer cost"),
    "value_cost_ratio": ("number", "VCR: (yield − control yield) × crop price ÷ cost"),
    "where": ("text", "where in the paper"),
}

#: Economics (``economics``).
ECONOMICS: dict[str, tuple[str, str]] = {
    "reference": ("text", "the treatment differences are taken from (default design.reference)"),
    "rows": ("list[econ_row]", "the printed table"),
    "claims": ("list[econ_claim]", "claims in words, e.g. VCR falls"),
    "where": ("text", "where in the paper"),
}

#: A claim of the economics in words (``economics.claims``).
ECON_CLAIM: dict[str, tuple[str, str]] = {
    "kind": ("text", "vcr_lower | vcr_higher | income_lower | income_higher"),
    "treatments": ("list[text]", "the treatments it is about (compared with the reference)"),
    "text": ("text", "the sentence as printed"),
    "where": ("text", "where in the paper"),
}

#: The design (``design``).
DESIGN: dict[str, tuple[str, str]] = {
    "layout": ("text", "rcbd (default) | crd | latin"),
    "replicates": ("number", "replicates (blocks of an RCBD)"),
    "plot_area_m2": ("number", "plot area in m²"),
    "treatments": ("list[treatment]", "the treatments, with rates and means"),
    "reference": ("text", "the treatment economics compare with (the formula / farmer plot)"),
    "control": ("text", "the unfertilized treatment (blank), for value-cost ratios"),
    "formula": ("map[number]", "nutrient -> rate of the recommended formula, if any"),
    "note": ("text", "anything the reader should know (e.g. rates inferred)"),
}

#: Units (``units``).
UNITS: dict[str, tuple[str, str]] = {
    "yield": ("text", "kg/mu (default) | kg/ha | t/ha"),
    "rate": ("text", "kg/mu (default) | kg/ha"),
    "area": ("text", "mu (default) | ha: the area yields, rates and money are per"),
}

#: The paper (``paper``).
PAPER: dict[str, tuple[str, str]] = {
    "title": ("text", "title"),
    "authors": ("text", "authors"),
    "year": ("number", "year"),
    "source": ("text", "journal, volume, pages, DOI or URL"),
    "language": ("text", "language of the paper"),
    "note": ("text", "anything else"),
}

#: The whole spec: section -> its fields.
SCHEMA: dict[str, Any] = {
    "paper": PAPER,
    "units": UNITS,
    "design": DESIGN,
    "anova": [ANOVA_LINE],
    "comparison": COMPARISON,
    "equations": [EQUATION],
    "prices": PRICES,
    "economics": ECONOMICS,
}

_NESTED: dict[str, dict[str, tuple[str, str]]] = {
    "treatment": TREATMENT,
    "claim_difference": CLAIM_DIFFERENCE,
    "point": POINT,
    "econ_row": ECON_ROW,
    "econ_claim": ECON_CLAIM,
    "product": {
        "name": ("text", "the product (urea, single superphosphate ...)"),
        "price": ("number", "price per kg of product"),
        "grade": ("number", "nutrient fraction of the product (urea 0.46)"),
    },
}

#: Chinese (and alternative English) field names -> the schema's names.
ALIASES: dict[str, str] = {
    "文献": "paper",
    "论文": "paper",
    "题目": "title",
    "作者": "authors",
    "年份": "year",
    "来源": "source",
    "单位": "units",
    "设计": "design",
    "试验设计": "design",
    "排列": "layout",
    "处理": "treatments",
    "名称": "name",
    "中文名": "name_zh",
    "用量": "rates",
    "施肥量": "rates",
    "重复": "replicates",
    "小区面积": "plot_area_m2",
    "均值": "mean",
    "平均产量": "mean",
    "产量": "yield",
    "对照": "reference",
    "配方": "formula",
    "空白": "control",
    "方差分析": "anova",
    "项": "term",
    "自由度": "df",
    "临界值": "F_critical",
    "显著水平": "alpha",
    "文字": "words",
    "误差均方": "MSE",
    "多重比较": "comparison",
    "方法": "test",
    "字母": "letters",
    "标准误": "SE",
    "差异": "claims",
    "显著": "significant",
    "方程": "equations",
    "肥料效应方程": "equations",
    "养分": "nutrient",
    "形式": "form",
    "系数": "coefficients",
    "决定系数": "r_squared",
    "校正决定系数": "adjusted_r_squared",
    "相关系数": "r",
    "最高产量": "maximum",
    "最高点": "maximum",
    "最佳": "optimum",
    "最佳经济施肥量": "optimum",
    "推荐": "recommendation",
    "推荐施肥量": "recommendation",
    "结论": "conclusion",
    "试验范围": "tested_range",
    "逐步回归": "selection",
    "价格": "prices",
    "作物": "crop",
    "作物计价单位": "crop_per",
    "计价单位": "per",
    "肥料": "nutrients",
    "产品": "products",
    "含量": "grade",
    "价格基础": "basis",
    "货币": "currency",
    "经济效益": "economics",
    "行": "rows",
    "增产": "yield_change",
    "收益": "income",
    "增收": "income_change",
    "增收率": "income_change_pct",
    "成本": "cost",
    "产投比": "value_cost_ratio",
    "说法": "claims",
    "出处": "where",
    "原文": "text",
    "备注": "note",
    "treatment_list": "treatments",
    "plot_area": "plot_area_m2",
    "reps": "replicates",
    "R2": "r_squared",
    "adj_r_squared": "adjusted_r_squared",
    "F0.05": "F_critical",
    "critical_F": "F_critical",
    "mse": "MSE",
    "lsd": "LSD",
    "se": "SE",
    "vcr": "value_cost_ratio",
    "multiple_comparison": "comparison",
}


# ---------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------
def _read_yaml(text: str, where: str) -> Any:
    try:
        import yaml
    except ImportError:
        raise DependencyError(
            f"reading the YAML spec {where} needs PyYAML; install it with "
            "pip install 'fertopt[audit]', or write the spec as JSON (the same fields)."
        ) from None

    class Loader(yaml.SafeLoader):
        """SafeLoader that keeps the printed digits of every float."""

    def number(loader: Any, node: Any) -> Printed:
        return Printed(node.value.replace("_", ""))

    Loader.add_constructor("tag:yaml.org,2002:float", number)
    try:
        return yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise DataError(
            f"the YAML spec {where} cannot be read: {exc}. Fix the line named."
        ) from None


def _read_json(text: str, where: str) -> Any:
    try:
        return json.loads(text, parse_float=Printed)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"the JSON spec {where} cannot be read: {exc.msg} at line {exc.lineno}, column "
            f"{exc.colno}. Fix that line (JSON needs double quotes and no trailing commas)."
        ) from None


def load_spec(spec: Any, /) -> dict[str, Any]:
    """Read and validate an audit spec.

    Parameters
    ----------
    spec : dict, str or Path
        A Python dict, or the path of a ``.json``, ``.yaml`` or ``.yml`` file (YAML needs
        PyYAML: ``pip install 'fertopt[audit]'``).

    Returns
    -------
    dict
        The spec with every field under its schema name (Chinese names translated), printed
        numbers as :class:`Printed`, and the defaults filled in (``units``, ``design.layout``,
        ``anova[].alpha``, ``comparison.alpha``).

    Raises
    ------
    OptionError
        ``spec`` is neither a dict nor a path.
    DataError
        The file is missing or unreadable, a field is unknown (the closest schema name is
        suggested), a number is not a number, or a required field is missing; the message
        names the field's path (``equations[1].coefficients.linear``).
    DependencyError
        A YAML file without PyYAML installed.

    Examples
    --------
    >>> spec = load_spec({"设计": {"重复": 3, "处理": [{"name": "CK", "均值": "1688.9"}]},
    ...                   "方差分析": [{"F": 29.58, "df": [4, 8]}]})
    >>> spec["design"]["replicates"], spec["design"]["treatments"][0]["mean"].decimals
    (3, 1)
    """
    where = "(dict)"
    if isinstance(spec, (str, Path)):
        path = Path(spec)
        where = str(path)
        if not path.is_file():
            raise DataError(
                f"the audit spec {where} does not exist; give the path of a .json or .yaml file "
                "(fertopt writes a commented template with `fertopt audit --template`)."
            )
        text = path.read_text(encoding="utf-8")
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            raw = _read_yaml(text, where)
        elif suffix == ".json":
            raw = _read_json(text, where)
        else:
            raise DataError(
                f"the audit spec {where} has the suffix {suffix!r}; name it .json, .yaml or .yml."
            )
    elif isinstance(spec, Mapping):
        raw = spec
    else:
        raise OptionError(
            f"spec must be a dict or the path of a .json/.yaml file, got {type(spec).__name__}."
        )
    if not isinstance(raw, Mapping):
        raise DataError(
            f"the audit spec {where} must be a mapping of sections (design, anova ...)."
        )
    out = _section_map(raw, SCHEMA, "", where)
    _check_required(out, where)
    return _defaults(out)


def _key(key: Any, allowed: Mapping[str, Any], path: str, where: str) -> str:
    name = ALIASES.get(str(key), str(key))
    if name in allowed:
        return name
    near = difflib.get_close_matches(str(key), [*allowed, *ALIASES], n=1)
    hint = f" Did you mean {ALIASES.get(near[0], near[0])!r}?" if near else ""
    raise DataError(
        f"audit spec {where}: unknown field {path + str(key)!r}; the fields allowed here are "
        f"{', '.join(allowed)}.{hint} See docs/audit_spec.md."
    )


def _section_map(raw: Mapping[str, Any], schema: Mapping[str, Any], path: str, where: str) -> dict:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        name = _key(key, schema, path, where)
        kind = schema[name]
        out[name] = _value(value, kind, f"{path}{name}", where)
    return out


def _value(value: Any, kind: Any, path: str, where: str) -> Any:
    if value is None:
        return None
    if isinstance(kind, list):  # a list of records of one schema
        if isinstance(value, Mapping):
            value = [value]
        if not isinstance(value, list):
            raise DataError(f"audit spec {where}: {path} must be a list; got {value!r}.")
        return [_value(v, kind[0], f"{path}[{i}]", where) for i, v in enumerate(value)]
    if isinstance(kind, dict):  # a record
        if not isinstance(value, Mapping):
            raise DataError(
                f"audit spec {where}: {path} must be a mapping of fields "
                f"({', '.join(kind)}); got {value!r}."
            )
        return _section_map(value, kind, f"{path}.", where)
    if isinstance(kind, tuple):
        kind = kind[0]
    if kind in _NESTED:
        return _value(value, _NESTED[kind], path, where)
    if kind.startswith("list["):
        inner = kind[5:-1]
        if not isinstance(value, (list, tuple)):
            value = [value]
        return [_value(v, inner, f"{path}[{i}]", where) for i, v in enumerate(value)]
    if kind.startswith("map["):
        inner = kind[4:-1]
        if not isinstance(value, Mapping):
            raise DataError(
                f"audit spec {where}: {path} must map names to values (e.g. N: 18); got {value!r}."
            )
        return {str(k): _value(v, inner, f"{path}.{k}", where) for k, v in value.items()}
    if kind == "number":
        x = printed(value)
        if x is None:
            raise DataError(
                f"audit spec {where}: {path} must be a number as printed (e.g. 29.58 or "
                f"'488.50'); got {value!r}. Leave the field out if the paper does not print it."
            )
        return x
    if kind == "bool":
        if not isinstance(value, bool):
            raise DataError(f"audit spec {where}: {path} must be true or false; got {value!r}.")
        return value
    return value if isinstance(value, str) else str(value)


def _check_required(spec: dict, where: str) -> None:
    design = spec.get("design") or {}
    treatments = design.get("treatments") or []
    names = [t.get("name") for t in treatments]
    for i, t in enumerate(treatments):
        if not t.get("name"):
            raise DataError(
                f"audit spec {where}: design.treatments[{i}] has no name; give each treatment "
                "the name the paper uses."
            )
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise DataError(
            f"audit spec {where}: design.treatments names {dup} more than once; give each "
            "treatment a distinct name."
        )
    known = set(names)

    def need_treatment(name: Any, path: str) -> None:
        if known and name not in known:
            raise DataError(
                f"audit spec {where}: {path} = {name!r} is not a treatment of design.treatments "
                f"({', '.join(map(str, names))}); use one of those names."
            )

    for key in ("reference", "control"):
        if design.get(key) is not None:
            need_treatment(design[key], f"design.{key}")
    comparison = spec.get("comparison") or {}
    for i, c in enumerate(comparison.get("claims") or []):
        for side in ("a", "b"):
            need_treatment(c.get(side), f"comparison.claims[{i}].{side}")
    for t in comparison.get("letters") or {}:
        need_treatment(t, "comparison.letters")
    econ = spec.get("economics") or {}
    for i, r in enumerate(econ.get("rows") or []):
        need_treatment(r.get("treatment"), f"economics.rows[{i}].treatment")
    for line_no, line in enumerate(spec.get("anova") or []):
        df = line.get("df")
        if df is not None and len(df) != 2:
            raise DataError(
                f"audit spec {where}: anova[{line_no}].df must be [numerator, denominator], "
                f"e.g. [4, 8]; got {df!r}."
            )
    for i, eq in enumerate(spec.get("equations") or []):
        form = eq.get("form", "quadratic")
        if form not in ("quadratic", "linear", "surface"):
            raise DataError(
                f"audit spec {where}: equations[{i}].form = {form!r}; use quadratic, linear or "
                "surface."
            )
        if form == "surface" and not eq.get("nutrients"):
            raise DataError(
                f"audit spec {where}: equations[{i}] is a surface without nutrients; list its "
                "variables in order, e.g. nutrients: [N, P2O5, K2O]."
            )
        if form != "surface" and not eq.get("nutrient"):
            raise DataError(
                f"audit spec {where}: equations[{i}] has no nutrient; name the nutrient its x "
                "is the rate of (N, P2O5, K2O ...)."
            )


def _defaults(spec: dict) -> dict:
    spec.setdefault("paper", {})
    units = spec.setdefault("units", {})
    for k in ("yield", "rate"):
        units.setdefault(k, "kg/mu")
    units.setdefault("area", "mu")
    design = spec.setdefault("design", {})
    design.setdefault("layout", "rcbd")
    design.setdefault("treatments", [])
    for line in spec.setdefault("anova", []):
        line.setdefault("term", "treatment")
        line.setdefault("alpha", Printed(0.05, 2))
        line.setdefault("words", [])
    comparison = spec.get("comparison")
    if comparison is not None:
        comparison.setdefault("alpha", Printed(0.05, 2))
        comparison.setdefault("claims", [])
    for eq in spec.setdefault("equations", []):
        eq.setdefault("form", "quadratic")
        eq.setdefault("id", eq.get("nutrient") or "surface")
        eq.setdefault("fitted_to", "means")
        eq.setdefault("selection", "none")
    prices = spec.get("prices")
    if prices is not None:
        prices.setdefault("basis", "nutrient")
        prices.setdefault("currency", "yuan")
    return spec
