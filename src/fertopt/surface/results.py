"""Result objects of :mod:`fertopt.surface` and the arithmetic they share.

Holds the canonical-analysis, optimum, typicality and point results and their
text helpers (prices become numbers in :mod:`fertopt.economics.prices`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fertopt._core.document import Facts, Notes, Paragraph, Summary, localized_table, warnings_notes
from fertopt._core.formatting import ResultBase, format_number, format_value, p_phrase
from fertopt._core.i18n import check_lang, label, status_text, translate_message

__all__ = [
    "CanonicalResult",
    "SurfaceOptimum",
    "TypicalityResult",
    "SurfacePoint",
    "kind_message",
    "optimum_message",
    "point_message",
    "rule_name",
    "check_name",
    "detail_text",
]


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class CanonicalResult(ResultBase):
    """Canonical analysis of a second-order surface.

    Attributes
    ----------
    kind : {"maximum", "minimum", "saddle", "ridge"}
        Shape of the quadratic part, from the signs of its eigenvalues.
    has_maximum : bool
        Whether the surface has a finite maximum (a maximum, or a stationary ridge of maxima).
    stationary_point : dict or None
        Rates where the gradient is zero (``None`` for a rising ridge, which has none).
    stationary_yield : float or None
        Predicted response at the stationary point.
    inside : bool
        Whether the stationary point lies in the tested region.
    outside : tuple of str
        Why it is outside (for example ``"K2O = 21 is above the highest tested rate 19"``).
    eigen : DataFrame
        ``axis, eigenvalue, coded_eigenvalue`` and one eigenvector loading per nutrient
        (natural units of the working scale).
    scale : str
        ``"rate"``, or ``"square root of rate"`` for square-root surfaces.
    ridge : DataFrame or None
        Ridge analysis when the stationary point is not an interior maximum: ``radius``
        (coded units), one column per nutrient, ``predicted``, ``inside``.
    message : str
        The finding in plain words.
    """

    kind: str
    has_maximum: bool
    stationary_point: dict[str, float] | None
    stationary_yield: float | None
    inside: bool
    outside: tuple[str, ...]
    eigen: pd.DataFrame
    scale: str
    ridge: pd.DataFrame | None
    message: str
    warnings: tuple[str, ...] = ()

    def _headline(self, lang: str = "en") -> str:
        point = rates_text(self.stationary_point) if self.stationary_point else label("none", lang)
        return label(
            "cr_headline",
            lang,
            kind=_kind(self.kind, lang),
            point=point,
            where=label("cr_inside" if self.inside else "cr_outside", lang),
        )

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks of :meth:`summary`, by name, in order.

        ``facts`` (shape, finite maximum, stationary point, yield there, in the tested
        region), ``message`` (the finding in words), ``outside`` (why the stationary point
        is outside the tested region, when it is), ``eigen``, ``ridge`` (when there is a
        ridge analysis) and ``warnings``.  A trial report embeds ``facts`` and ``message``.
        """
        lang = check_lang(lang)

        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        none = t("none")
        facts = [
            (t("surface_kind"), status_text(self.kind, lang)),
            (t("cr_finite_maximum"), t("yes" if self.has_maximum else "no")),
            (
                t("stationary_point"),
                rates_text(self.stationary_point, digits) if self.stationary_point else none,
            ),
            (
                t("stationary_yield"),
                format_number(self.stationary_yield, digits)
                if self.stationary_yield is not None
                else none,
            ),
            (t("cr_in_region"), t("yes" if self.inside else "no")),
        ]
        message = self.message
        if lang != "en":
            message = kind_message(self.kind, self.has_maximum, self.inside, self.outside, lang)
        parts: dict[str, Any] = {"facts": Facts(facts), "message": Paragraph(message)}
        if self.outside:
            parts["outside"] = Notes(
                [translate_message(o, lang) for o in self.outside], title=t("cr_outside_title")
            )
        scale = self.scale
        if lang != "en":
            scale = t("cr_scale_root" if self.scale == "square root of rate" else "cr_scale_rate")
        parts["eigen"] = localized_table(self.eigen, lang, title=t("cr_eigen_title", scale=scale))
        if self.ridge is not None:
            parts["ridge"] = localized_table(self.ridge, lang, title=t("cr_ridge_title"))
        parts["warnings"] = warnings_notes(self.warnings, lang)
        return parts

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        return Summary(
            label("canonical", lang),
            list(self.summary_parts(digits, lang).values()),
            headline=self._headline(lang),
            digits=digits,
        )


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class SurfaceOptimum(ResultBase):
    """Maximum yield or economic optimum of a surface, with its status.

    Attributes
    ----------
    kind : {"agronomic", "economic"}
        Highest response, or highest net return at the given prices.
    status : {"ok", "no_maximum", "saddle", "extrapolated", "at_bound"}
        ``ok``: an interior maximum of a surface that has one.  ``saddle``/``no_maximum``:
        the surface (or net return) has no maximum; ``rates`` is then only the best
        point within the bounds, decided by the bounds.  ``extrapolated``: the rates
        lie outside the tested region.  ``at_bound``: a bound binds (the optimum would
        lie beyond it).
    rates : dict or None
        The solution within the bounds (``None`` when unbounded and no maximum exists).
    yield_at_rates, net_return, fertilizer_cost : float or None
        Predicted response at ``rates``; for an economic optimum also the net return
        (施肥纯收益: value of the yield gain over no fertilizer minus the fertilizer
        cost, ``p_crop·(Ŷ(x) − Ŷ(0)) − Σ p_i x_i``, in money per area) and the
        fertilizer cost.
    extrapolated : bool
        Whether ``rates`` lie outside the tested region.
    recommended : bool
        True for ``ok`` and ``at_bound`` (a corner solution within the tested region: a
        nutrient that does not pay stays at 0, or one that still pays is held at the highest
        tested rate); ``saddle``, ``no_maximum`` and ``extrapolated`` are findings, not
        recommendations, and neither is the optimum of a surface that ``interpolates``.
    binding : DataFrame
        ``nutrient, lower, upper, rate, at_bound`` (``"lower"``, ``"upper"`` or ``""``)
        and ``marginal``: the derivative of the objective with respect to the rate at
        the solution (response or money per unit of nutrient); positive at an upper
        bound means more of the nutrient would still pay.
    bounds : dict
        The bounds used (``None`` when unconstrained).
    unconstrained_rates, unconstrained_yield : dict or None, float or None
        The stationary point of the objective without bounds.
    unconstrained_kind : str or None
        ``maximum``, ``minimum``, ``saddle`` or ``ridge`` of the objective.
    unconstrained_inside : bool
        Whether the unconstrained solution lies in the tested region.
    crop_price, nutrient_prices, price_ratios : float, dict, dict
        Value of one unit of response, cost of one unit of each nutrient (both in
        ``net_return_unit``) and their ratio, the slope at which one more unit of nutrient
        just pays (yield units per rate unit); economic optima only.
    net_return_unit : str or None
        Money unit of ``net_return`` (``"yuan/mu"``), economic optima only.
    method : {"kkt_faces", "numeric"}
        Exact face enumeration for second-order objectives, numerical otherwise.
    message : str
        The finding in plain words.
    unit_warning : str or None
        Economic optima of data whose units were not declared: the likely unit mismatch
        (no fertilizer pays although the crop responded, or an optimum far beyond the tested
        rates), as warned with a :class:`~fertopt.exceptions.PriceWarning`; None when none.
    interpolates : bool
        The fitted surface has no residual degrees of freedom: it passes through every
        observed point, nothing measures its error, and the rates are not recommended
        (``recommended`` is False whatever the status).
    """

    kind: str
    status: str
    rates: dict[str, float] | None
    yield_at_rates: float | None
    net_return: float | None
    fertilizer_cost: float | None
    extrapolated: bool
    binding: pd.DataFrame
    bounds: dict[str, tuple[float, float]] | None
    unconstrained_rates: dict[str, float] | None
    unconstrained_yield: float | None
    unconstrained_kind: str | None
    unconstrained_inside: bool
    crop_price: float | None
    nutrient_prices: dict[str, float] | None
    price_ratios: dict[str, float] | None
    net_return_unit: str | None
    method: str
    message: str
    unit_warning: str | None = None
    interpolates: bool = False
    warnings: tuple[str, ...] = ()
    # what ``message`` was made from, to say it in another language
    _binds: tuple[dict[str, Any], ...] = field(default=(), repr=False, compare=False)
    _unconstrained_outside: tuple[str, ...] = field(default=(), repr=False, compare=False)
    _outside: tuple[str, ...] = field(default=(), repr=False, compare=False)

    @property
    def recommended(self) -> bool:
        """Whether the rates can be used as a recommendation (``ok`` or ``at_bound``, on a
        surface that does not merely interpolate the data)."""
        return self.status in ("ok", "at_bound") and not self.interpolates

    def _headline(self, lang: str = "en") -> str:
        what = label(
            "op_headline_agronomic" if self.kind == "agronomic" else "op_headline_economic", lang
        )
        rates = rates_text(self.rates) if self.rates else label("none", lang)
        value = "" if self.yield_at_rates is None else f" → {format_number(self.yield_at_rates, 5)}"
        status = self.status if lang == "en" else label(f"status_{self.status}", lang)
        return label("so_headline", lang, what=what, rates=rates, value=value, status=status)

    def summary_parts(
        self, digits: int = 4, lang: str = "en", *, marginal: bool = True
    ) -> dict[str, Any]:
        """The blocks of :meth:`summary`, by name, in order.

        ``result`` (status, rates, yield at the rates, net return of an economic optimum),
        ``prices`` (fertilizer cost, crop price and price ratios; economic optima only),
        ``unconstrained`` (the stationary point of the objective without bounds, its kind,
        whether it is in the tested region, the method), ``message`` (the finding in
        words), ``bounds`` (rate, bounds and which one binds, per nutrient) and
        ``warnings``.  A trial report embeds ``bounds`` (without ``marginal``), ``result``
        and ``message``.

        Parameters
        ----------
        digits : int, default 4
        lang : {"en", "zh"}
        marginal : bool, default True
            Show the derivative of the objective at the solution in the bounds table.
        """
        lang = check_lang(lang)

        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        none = t("none")
        result = [
            (t("op_status"), status_text(self.status, lang)),
            (t("so_rates"), rates_text(self.rates, digits, "rate") if self.rates else none),
            (
                t("yield_at_rate"),
                format_number(self.yield_at_rates, digits)
                if self.yield_at_rates is not None
                else none,
            ),
        ]
        parts: dict[str, Any] = {}
        if self.kind == "economic":
            unit = translate_message(self.net_return_unit or "", lang)
            result.append(
                (
                    t("op_net_return"),
                    f"{format_value(self.net_return, kind='money')} {unit}".rstrip(),
                )
            )
        parts["result"] = Facts(result)
        if self.kind == "economic":
            parts["prices"] = Facts(
                [
                    (t("om_col_fertilizer_cost"), format_number(self.fertilizer_cost, digits)),
                    (t("so_crop_price"), format_number(self.crop_price, digits)),
                    (
                        t("so_price_ratios"),
                        rates_text(self.price_ratios, digits) if self.price_ratios else "",
                    ),
                ]
            )
        u_kind = self.unconstrained_kind
        parts["unconstrained"] = Facts(
            [
                (
                    t("so_unconstrained"),
                    rates_text(self.unconstrained_rates, digits, "rate")
                    if self.unconstrained_rates
                    else none,
                ),
                (t("so_unconstrained_kind"), _kind(u_kind, lang) if u_kind else none),
                (t("so_unconstrained_inside"), t("yes" if self.unconstrained_inside else "no")),
                (t("so_method"), self.method if lang == "en" else t(f"so_method_{self.method}")),
            ]
        )
        message = self.message
        if lang != "en":
            message = optimum_message(
                self.status,
                "yield" if self.kind == "agronomic" else "net return",
                list(self._binds),
                self.unconstrained_kind,
                self.unconstrained_rates,
                self._unconstrained_outside,
                self._outside,
                self.bounds is None,
                lang,
            )
        parts["message"] = Paragraph(message)
        columns = ["nutrient", "rate", "lower", "upper", "at_bound"]
        if marginal:
            columns.append("marginal")
        parts["bounds"] = localized_table(
            self.binding[columns],
            lang,
            title=t("so_bounds"),
            formats={
                "at_bound": lambda v: t(f"bound_{v}") if v else "",
                "rate": "rate",
                "lower": "rate",
                "upper": "rate",
            },
            labels={c: t(f"bind_{c}") for c in columns if c != "marginal"},
        )
        parts["warnings"] = warnings_notes(self.warnings, lang)
        return parts

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        title = "so_title_agronomic" if self.kind == "agronomic" else "op_economic_title"
        return Summary(
            label(title, lang),
            list(self.summary_parts(digits, lang).values()),
            headline=self._headline(lang),
            digits=digits,
        )


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class TypicalityResult(ResultBase):
    """Typical/atypical verdict on a fertilizer-effect function (3414 practice).

    Attributes
    ----------
    typical : bool
        True when no deciding rule failed.
    verdict : {"typical", "atypical"}
    rules : DataFrame
        ``rule`` (1–5), ``name``, ``passed`` (True, False, or None when it could not be
        assessed), ``deciding`` (whether a failure makes the surface atypical) and
        ``detail`` (what was checked, with numbers).
    failed : tuple of str
        Names of the failed rules (deciding or not).
    """

    typical: bool
    verdict: str
    rules: pd.DataFrame
    failed: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    def _headline(self, lang: str = "en") -> str:
        if lang == "en":
            return self.verdict + (f" (failed: {', '.join(self.failed)})" if self.failed else "")
        names = "、".join(rule_name(n, lang) for n in self.failed)
        failed = label("ty_headline_failed", lang, names=names) if self.failed else ""
        return status_text(self.verdict, lang) + failed

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks of :meth:`summary`, by name, in order.

        ``rules`` (each rule with its check in words, whether it passed, whether it decides,
        and what was checked) and ``warnings``.  A trial report embeds ``rules``.
        """
        lang = check_lang(lang)

        def passed(value: Any) -> str:
            if value is None or value is pd.NA:
                return label("ty_not_assessed", lang)
            return label("yes" if value else "no", lang)

        # the checks in words (as the report names them), in either language
        shown = self.rules.assign(name=[check_name(str(v), lang) for v in self.rules["name"]])
        rules = localized_table(
            shown,
            lang,
            formats={"passed": passed, "deciding": passed, "rule": "int"},
            labels={c: label(f"rule_col_{c}", lang) for c in shown.columns},
            cells={"detail": lambda v: detail_text(str(v), lang)},
        )
        return {"rules": rules, "warnings": warnings_notes(self.warnings, lang)}

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        return Summary(
            label("typicality", lang),
            list(self.summary_parts(digits, lang).values()),
            headline=self._headline(lang),
            digits=digits,
        )


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class SurfacePoint(ResultBase):
    """One rate combination assessed on a surface.

    Attributes
    ----------
    rates : dict
    predicted : float
        Response predicted by the surface.
    inside : bool
        Whether the point lies in the tested region.
    violations : tuple of str
        Each rate outside the tested range, in words.
    marginal : dict
        Derivative of the response with respect to each rate (response per unit of nutrient).
    net_return : float or None
        Value of the yield gain over no fertilizer minus the fertilizer cost, with prices.
    marginal_net : dict or None
        Derivative of net return with respect to each rate (money per unit of nutrient).
    message : str
        Plain-words verdict: stationary or not, inside or not.
    """

    rates: dict[str, float]
    predicted: float
    inside: bool
    violations: tuple[str, ...]
    marginal: dict[str, float]
    net_return: float | None
    marginal_net: dict[str, float] | None
    message: str
    warnings: tuple[str, ...] = ()
    # what ``message`` was made from, to say it in another language
    _stationary: bool = field(default=False, repr=False, compare=False)
    _surface_kind: str | None = field(default=None, repr=False, compare=False)

    def _headline(self, lang: str = "en") -> str:
        return label(
            "pt_headline",
            lang,
            rates=rates_text(self.rates),
            y=format_number(self.predicted, 6),
            where=label("cr_inside" if self.inside else "cr_outside", lang),
        )

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        facts = [
            (t("so_rates"), rates_text(self.rates, digits)),
            (t("pt_predicted"), format_number(self.predicted, digits + 2)),
            (t("cr_in_region"), t("yes" if self.inside else "no")),
            (t("pt_marginal"), rates_text(self.marginal, digits)),
        ]
        if self.net_return is not None:
            facts += [
                (t("op_net_return"), format_number(self.net_return, digits + 2)),
                (t("pt_marginal_net"), rates_text(self.marginal_net, digits)),
            ]
        message = self.message
        if lang != "en":
            message = point_message(
                self.net_return is not None,
                self._stationary,
                self._surface_kind,
                self.violations,
                lang,
            )
        blocks = [
            Facts(facts),
            Paragraph(message),
            Notes(
                [translate_message(v, lang) for v in self.violations],
                title=t("cr_outside_title"),
            ),
        ]
        return Summary(t("pt_title"), blocks, headline=self._headline(lang), digits=digits)


# ---------------------------------------------------------------------------
# text helpers, shared with the surface modules and three414
# ---------------------------------------------------------------------------
def p_text(p: float) -> str:
    """``'p = 0.012'`` or ``'p <0.0001'`` (the p-value as the summaries print it)."""
    return f"p {p_phrase(p)}"


def passed_text(value: Any) -> str:
    """``'yes'``, ``'no'`` or ``'not assessed'`` for a rule that passed, failed or was skipped."""
    return "not assessed" if value is None or value is pd.NA else ("yes" if value else "no")


def rates_text(rates: Mapping[str, float] | None, digits: int = 4, kind: str | None = None) -> str:
    """``'N 120, P2O5 60'``: values by nutrient, with ``digits`` significant digits or as
    ``kind`` (``"rate"``: rates to 0.1, the rounding policy of the report)."""
    if not rates:
        return ""
    if kind is not None:
        return ", ".join(f"{k} {format_value(v, digits, kind)}" for k, v in rates.items())
    return ", ".join(f"{k} {format_number(v, digits)}" for k, v in rates.items())


# ---------------------------------------------------------------------------
# the findings in words, in English or Chinese
# ---------------------------------------------------------------------------
def _kind(kind: str, lang: str) -> str:
    """``maximum``, ``saddle`` … in ``lang`` (极大值, 鞍点 …)."""
    return kind if lang == "en" else label(f"kind_{kind}", lang)


def _items(items: Sequence[str], lang: str) -> str:
    """Stored English phrases (rates outside the region …) joined, in ``lang``."""
    if lang == "en":
        return "; ".join(items)
    return "；".join(translate_message(i, lang) for i in items)


#: Typicality rule names as stored → the keys of their wording.
_RULE_KEYS = {
    "regression significant": "rule_1",
    "sign pattern": "rule_2",
    "negative definite": "rule_3",
    "optimum in (0, top rate]": "rule_4",
    "optimum yield above CK": "rule_5",
}


def check_name(name: str, lang: str) -> str:
    """What a typicality rule checks, in words, in ``lang`` (unknown names unchanged)."""
    return label(_RULE_KEYS[name], lang) if name in _RULE_KEYS else name


def rule_name(name: str, lang: str) -> str:
    """Name of a typicality rule: as stored in English, in words in another language."""
    return name if lang == "en" else check_name(name, lang)


def detail_text(detail: str, lang: str) -> str:
    """The detail of a typicality rule in ``lang``: each "; "-separated part translated."""
    return _items(detail.split("; "), lang)


def kind_message(kind: str, has_max: bool, inside: bool, outside: Sequence[str], lang: str) -> str:
    """The finding of a canonical analysis in plain words."""
    if kind == "maximum":
        if inside:
            return label("cr_msg_max_inside", lang)
        return label("cr_msg_max_outside", lang, items=_items(outside, lang))
    if kind in ("saddle", "minimum"):
        return label(f"cr_msg_{kind}", lang)
    return label("cr_msg_stationary_ridge" if has_max else "cr_msg_rising_ridge", lang)


def optimum_message(
    status: str,
    what: str,
    strictly: list[dict[str, Any]],
    u_kind: str | None,
    u_rates: dict[str, float] | None,
    u_outside: Sequence[str],
    outside: Sequence[str],
    unbounded: bool,
    lang: str = "en",
) -> str:
    """The finding of a surface optimum in plain words (``what`` is "yield" or "net return")."""

    def t(key: str, **fields: Any) -> str:
        return label(key, lang, **fields)

    sep = "; " if lang == "en" else "；"
    sides = {"lower": "lower", "upper": "upper"}
    if lang != "en":
        sides = {"lower": t("bound_lower"), "upper": t("bound_upper")}
    bind = (", " if lang == "en" else "，").join(
        t(
            "so_bind",
            nutrient=r["nutrient"],
            side=sides.get(r["at_bound"], r["at_bound"]),
            rate=format_number(r["rate"], 6),
        )
        for r in strictly
    )
    bind = bind or t("so_bounds_word")
    word = what if lang == "en" else t("so_what_" + what.replace(" ", "_"))
    if status == "saddle":
        base = t("so_msg_saddle", what=word)
        if unbounded:
            return base + t("so_msg_no_optimum")
        return base + t("so_msg_saddle_bounded", what=word, bind=bind)
    if status == "no_maximum":
        kind = u_kind if lang == "en" or u_kind is None else _kind(u_kind, lang)
        base = t("so_msg_no_maximum", what=word, kind=kind)
        if unbounded:
            return base + t("so_msg_no_optimum")
        return base + t("so_msg_no_maximum_bounded", what=word, bind=bind)
    if status == "extrapolated":
        return t("so_msg_extrapolated", what=word, items=_items(outside, lang))
    if status == "at_bound":
        upper = [r for r in strictly if r["at_bound"] == "upper"]
        lower = [r for r in strictly if r["at_bound"] == "lower"]
        parts = []
        if lower:
            names = ", ".join(r["nutrient"] for r in lower)
            parts.append(t("so_msg_lower", names=names, what=word))
        if upper:
            names = ", ".join(r["nutrient"] for r in upper)
            parts.append(t("so_msg_upper", names=names, what=word))
        beyond = t("so_msg_beyond", items=_items(u_outside, lang)) if u_outside and upper else ""
        return t("so_msg_at_bound", parts=sep.join(parts), beyond=beyond)
    return t("so_msg_ok", what=word)


def point_message(
    net: bool, stationary: bool, kind: str | None, violations: Sequence[str], lang: str = "en"
) -> str:
    """The finding of :func:`fertopt.surface.point.assess` in plain words.

    ``net``: prices were given (the target is the net return); ``kind``: the shape of a
    second-order surface that is not a maximum (None otherwise).
    """
    target = label("pt_target_net" if net else "pt_target_response", lang)
    msg = label("pt_stationary" if stationary else "pt_not_stationary", lang, target=target)
    if kind is not None:
        msg += label("pt_kind", lang, kind=_kind(kind, lang))
    if not violations:
        return msg + label("pt_inside", lang)
    return msg + label("pt_outside", lang, items=_items(violations, lang))
