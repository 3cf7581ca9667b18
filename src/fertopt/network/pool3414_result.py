"""The result of :func:`fertopt.pool_three414`: :class:`PooledThree414`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from fertopt._core.document import Facts, Summary, localized_table, warnings_notes
from fertopt._core.formatting import ResultBase, format_number
from fertopt._core.i18n import check_lang, label, status_text, unit_text

__all__ = ["PooledThree414"]


@dataclass(frozen=True, repr=False)
class PooledThree414(ResultBase):
    """Result of :func:`fertopt.pool_three414`: regional fertilizer equations and rates.

    Attributes
    ----------
    method : {'coefficient_average', 'class_regression'}
    classes : str or None
        ``'ck_yield'``, the soil-test column the trials were classed by, or None.
    class_bounds : tuple of float
        Boundaries between the classes (a value on a boundary belongs to the class above).
    nutrients : tuple of str
        The three rate columns, in N, P, K order.
    trials : DataFrame
        Every trial with a surface: the ``by`` columns, its coefficients ``coef_<term>``,
        ``ck_yield`` (mean of its zero-rate
        plots), ``top_<nutrient>`` (highest tested rate), ``typical``, ``failed_rules``,
        ``opt_<nutrient>`` and ``opt_yield`` (its unconstrained economic optimum, NaN without
        a maximum), ``class_value`` and ``class_index`` (0 = lowest class; −1 = no value).
    excluded : DataFrame
        The rows of ``trials`` that are atypical (left out of coefficient averaging).
    equations : DataFrame
        One row per class: ``class_index``, ``class_en``, ``class_zh``, ``class_low``,
        ``class_high``, ``n_trials`` and the ten coefficients (``intercept``, ``N`` …
        ``P2O5:K2O``).
    recommendations : DataFrame
        One row per class: the class columns, ``n_trials`` (behind the equation),
        ``n_in_class``, ``ck_yield``, ``rec_<nutrient>`` (the priced optimum within the tested
        rates), ``yield_at_rates``, ``net_return``, ``status``, ``recommended``, ``kind``
        (canonical: maximum, saddle …), ``typical`` and ``failed_rules`` of the regional
        equation itself, and ``r_squared`` (class regression).
    surfaces : tuple of SurfaceFit
        The regional equations, one per row of ``recommendations``
        (:func:`fertopt.surface_from_coefficients`), for plots and further checks.
    money : str
        The money unit of ``net_return``.
    alpha : float
    n_trials, n_typical : int
    warnings : tuple of str
    """

    method: str
    classes: str | None
    class_bounds: tuple[float, ...]
    nutrients: tuple[str, ...]
    trials: pd.DataFrame
    excluded: pd.DataFrame
    equations: pd.DataFrame
    recommendations: pd.DataFrame
    surfaces: tuple[Any, ...]
    money: str
    alpha: float
    n_trials: int
    n_typical: int
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Public fields as JSON-safe objects; the surfaces as their coefficient tables."""
        out = super().to_dict()
        out["surfaces"] = [s.to_dict() for s in self.surfaces]
        return out

    # -- display ---------------------------------------------------------------------
    def _rates_text(self, row: pd.Series) -> str:
        return "/".join(format_number(row[f"rec_{n}"], 4) for n in self.nutrients)

    def _classes_text(self, lang: str) -> str:
        if self.classes is None:
            return label("p4_classes_none", lang)
        by = label("p4_by_ck", lang) if self.classes == "ck_yield" else repr(self.classes)
        return label("p4_headline_classes", lang, k=len(self.class_bounds) + 1, by=by)

    def _headline(self, lang: str = "en") -> str:
        recs = self.recommendations
        if len(recs) == 1:
            row = recs.iloc[0]
            tail = label(
                "p4_headline_one",
                lang,
                rates=self._rates_text(row),
                status=status_text(row["status"], lang),
            )
        else:
            tail = self._classes_text(lang)
        return label(
            "p4_headline",
            lang,
            method=label(f"p4_short_{self.method}", lang),
            n=self.n_trials,
            typical=self.n_typical,
            classes=tail,
        )

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        lang = check_lang(lang)

        def t(key: str, **kw: Any) -> str:
            return label(key, lang, **kw)

        facts = Facts(
            [
                (t("p4_method"), t(f"p4_method_{self.method}")),
                (t("p4_classes"), self._classes_text(lang)),
                (
                    t("p4_trials"),
                    t(
                        "p4_trials_text",
                        n=self.n_trials,
                        typical=self.n_typical,
                        atypical=self.n_trials - self.n_typical,
                    ),
                ),
                (t("p4_alpha"), format_number(self.alpha, 3)),
            ]
        )
        class_col = "class_zh" if lang == "zh" else "class_en"
        drop = "class_en" if lang == "zh" else "class_zh"
        keys = {
            class_col: "p4_col_class",
            "class_low": "p4_col_class_low",
            "class_high": "p4_col_class_high",
            "n_trials": "p4_col_n_trials",
            "n_in_class": "p4_col_n_in_class",
            "ck_yield": "p4_col_ck_yield",
            "yield_at_rates": "p4_col_yield",
            "net_return": "p4_col_net_return",
            "kind": "p4_col_kind",
            "typical": "p4_col_typical",
            "failed_rules": "p4_col_failed_rules",
            "r_squared": "p4_col_r_squared",
            "intercept": "p4_col_intercept",
        }
        recs = self.recommendations.drop(columns=["class_index", drop, "recommended"])
        if self.classes is None:
            recs = recs.drop(columns=["class_low", "class_high"])
        if self.method == "coefficient_average":
            recs = recs.drop(columns=["r_squared"])
        recs = recs.assign(
            status=[status_text(s, lang) for s in recs["status"]],
            kind=[_kind(k, lang) for k in recs["kind"]],
        )
        if lang == "zh":
            recs = recs.rename(columns={f"rec_{n}": f"推荐{n}用量" for n in self.nutrients})
        equations = self.equations.drop(columns=["class_index", drop])
        if self.classes is None:
            equations = equations.drop(columns=["class_low", "class_high"])
        by = [
            c
            for c in self.trials.columns
            if c not in _TRIAL_FIELDS and not str(c).startswith(("top_", "opt_", "coef_"))
        ]
        excluded = self.excluded[[*by, "ck_yield", "failed_rules"]]
        blocks: list[Any] = [
            facts,
            localized_table(
                recs,
                lang,
                title=f"{t('p4_recommendations')} ({unit_text(self.money, lang)})",
                formats={"n_trials": "int", "n_in_class": "int"},
                labels={class_col: "class"},
                keys=keys,
            ),
            localized_table(
                equations,
                lang,
                title=t("p4_equations"),
                formats={"n_trials": "int"},
                labels={class_col: "class"},
                keys=keys,
            ),
        ]
        if len(excluded):
            blocks.append(localized_table(excluded, lang, title=t("p4_excluded"), keys=keys))
        if self.warnings:
            blocks.append(warnings_notes(self.warnings, lang))
        return Summary(t("p4_title"), blocks, headline=self._headline(lang), digits=digits)


_TRIAL_FIELDS = frozenset({"ck_yield", "typical", "failed_rules", "class_value", "class_index"})


def _kind(kind: str, lang: str) -> str:
    """The canonical kind in words (``maximum`` → 极大值); an unknown kind as it is."""
    text = label(f"kind_{kind}", lang)
    return kind if text == f"kind_{kind}" else text
