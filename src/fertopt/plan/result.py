"""The :class:`AnalysisPlan`: what a trial's table was recognised as, and how it is analysed."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fertopt._core.document import Facts, Notes, Summary
from fertopt._core.formatting import ResultBase
from fertopt._core.i18n import label
from fertopt.exceptions import OptionError

__all__ = ["AnalysisPlan", "DESIGNS"]

#: The designs the recogniser knows, as ``design=`` takes them.
DESIGNS = (
    "3414",
    "omission",
    "factorial",
    "split_plot",
    "split_split_plot",
    "strip_plot",
    "latin_square",
    "rate",
    "rcbd",
    "crd",
    "combined",
)


def _field_text(value: Any, lang: str) -> str:
    """A field of a reason: a list is joined as the language joins lists."""
    if isinstance(value, (list, tuple)):
        return ("、" if lang == "zh" else ", ").join(_field_text(v, lang) for v in value)
    if isinstance(value, dict) and "key" in value:
        return sentence(value["key"], {k: v for k, v in value.items() if k != "key"}, lang)
    return str(value)


def sentence(key: str, fields: Mapping[str, Any], lang: str) -> str:
    """The text of a stored (key, fields) sentence in ``lang``."""
    return label(key, lang, **{k: _field_text(v, lang) for k, v in fields.items()})


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class AnalysisPlan(ResultBase):
    """What :func:`fertopt.plan_analysis` recognised in a trial's table, and the analysis it needs.

    Attributes
    ----------
    design : str
        ``"3414"``, ``"omission"`` (omission and formula-check trials), ``"factorial"``,
        ``"split_plot"``, ``"split_split_plot"``, ``"strip_plot"``, ``"latin_square"``,
        ``"rate"`` (treatments that differ in nutrient
        rates), ``"rcbd"`` or ``"crd"`` (treatments compared without a rate structure), or
        ``"combined"`` (an RCBD repeated over sites or years: :func:`fertopt.combined_anova`).
    reason : str
        What was recognised and why, in one line (English; :meth:`describe` gives it in
        Chinese too).
    response : str
        The response column.
    treatment : str or None
        The column of treatment labels, when the table has one.
    factors : tuple of str
        The treatment factors of the analysis of variance: the treatment column; the crossed
        factors of a factorial; main-plot and sub-plot factors of a split-plot (and the
        sub-sub-plot factor of a split-split-plot); horizontal and vertical factors of a
        strip-plot.
    block, row, column, main_plot, sub_plot, sub_sub_plot, horizontal, vertical : str or None
        The other roles of the analysis of variance.
    site : tuple of str
        The environment column(s) of a combined analysis (empty for one trial).
    rates : dict
        Rate column → nutrient form (None when the name does not say).
    omission : dict or None
        The true omission contrasts (``full``, ``minus``: nutrient → treatment at 0 of that
        nutrient, ``control``), as :func:`fertopt.omission` takes them.
    full : str or None
        The full formula of an omission or formula-check trial.
    reduced : dict
        Nutrient → treatment that only lowers the nutrient (a reduced-rate plot, not a minus
        plot).
    simple_effects : tuple of (str, str)
        ``(term, within)`` pairs of the simple-effect comparisons of a factorial or split-plot.
    given : tuple of str
        The options that decided the design (empty when it was recognised from the table).
    notes : tuple of str
        Remarks on the recognition (English), e.g. how to ask for another design.
    """

    design: str
    reason: str
    response: Hashable
    treatment: Hashable | None = None
    factors: tuple[Hashable, ...] = ()
    block: Hashable | None = None
    row: Hashable | None = None
    column: Hashable | None = None
    main_plot: Hashable | None = None
    sub_plot: Hashable | None = None
    sub_sub_plot: Hashable | None = None
    horizontal: Hashable | None = None
    vertical: Hashable | None = None
    site: tuple[Hashable, ...] = ()
    rates: dict[Hashable, str | None] = field(default_factory=dict)
    omission: dict[str, Any] | None = None
    full: Any = None
    reduced: dict[str, Any] = field(default_factory=dict)
    simple_effects: tuple[tuple[Hashable, Hashable], ...] = ()
    given: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    _reason: tuple[str, dict[str, Any]] = field(default=("", {}), repr=False, compare=False)
    _notes: tuple[tuple[str, dict[str, Any]], ...] = field(default=(), repr=False, compare=False)

    # -- what the analyses take -------------------------------------------------
    def anova_roles(self) -> dict[str, Any]:
        """Keyword arguments of :func:`fertopt.anova` for this design.

        Examples
        --------
        >>> import pandas as pd, fertopt as fo
        >>> df = pd.DataFrame({"rep": [1] * 4 + [2] * 4, "N": [0, 0, 90, 90] * 2,
        ...                    "P2O5": [0, 45] * 4,
        ...                    "yield": [5.0, 5.6, 6.1, 7.0, 5.2, 5.5, 6.3, 7.2]})
        >>> fo.plan_analysis(df, response="yield", block="rep", rates=["N", "P2O5"]).anova_roles()
        {'response': 'yield', 'treatment': ['N', 'P2O5'], 'block': 'rep'}
        """
        roles: dict[str, Any] = {"response": self.response}
        if self.design == "combined":
            raise OptionError(
                "a trial repeated over sites is analysed by fertopt.combined_anova(data, "
                "**plan.combined_roles()), not by anova(): the sites are an error stratum."
            )
        if self.design == "split_plot":
            roles.update(main_plot=self.main_plot, sub_plot=self.sub_plot, block=self.block)
            return roles
        if self.design == "split_split_plot":
            roles.update(
                main_plot=self.main_plot,
                sub_plot=self.sub_plot,
                sub_sub_plot=self.sub_sub_plot,
                block=self.block,
            )
            return roles
        if self.design == "strip_plot":
            roles.update(horizontal=self.horizontal, vertical=self.vertical, block=self.block)
            return roles
        if not self.factors:
            return {}
        roles["treatment"] = list(self.factors) if len(self.factors) > 1 else self.factors[0]
        if self.design == "latin_square":
            roles.update(row=self.row, column=self.column)
        else:
            roles["block"] = self.block
        return roles

    def combined_roles(self) -> dict[str, Any]:
        """Keyword arguments of :func:`fertopt.combined_anova` for a combined analysis.

        Examples
        --------
        >>> import fertopt as fo
        >>> plan = fo.plan_analysis(fo.load_dataset("hernandez_3sites"), response="yield",
        ...                         treatment="N", block="rep")
        >>> plan.design, plan.combined_roles()
        ('combined', {'response': 'yield', 'treatment': 'N', 'block': 'rep', 'site': 'site'})
        """
        if self.design != "combined":
            raise OptionError(
                f"the plan is a {self.design} design of one trial: analyse it with "
                "fertopt.anova(data, **plan.anova_roles()), or name the site column with "
                "site= (--site) for a combined analysis over sites."
            )
        treatment = list(self.factors) if len(self.factors) > 1 else self.factors[0]
        site = list(self.site) if len(self.site) > 1 else self.site[0]
        return {
            "response": self.response,
            "treatment": treatment,
            "block": self.block,
            "site": site,
        }

    def describe(self, lang: str = "en") -> str:
        """The reason line in ``lang`` (``"en"`` or ``"zh"``)."""
        key, fields = self._reason
        return sentence(key, fields, lang) if key else self.reason

    def notes_in(self, lang: str = "en") -> list[str]:
        """The notes in ``lang``."""
        if not self._notes:
            return list(self.notes)
        return [sentence(key, fields, lang) for key, fields in self._notes]

    # -- ResultBase hooks ---------------------------------------------------------
    def _headline(self) -> str:
        return self.reason

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        facts = [
            (t("plan_design"), t(f"plan_design_{self.design}")),
            (t("response"), str(self.response)),
        ]
        if self.factors:
            facts.append((t("plan_factors"), " × ".join(str(f) for f in self.factors)))
        if self.site:
            facts.append((t("plan_site"), ", ".join(str(c) for c in self.site)))
        for role, value in (
            ("block", self.block),
            ("plan_row", self.row),
            ("plan_column", self.column),
            ("plan_sub_sub_plot", self.sub_sub_plot),
            ("plan_horizontal", self.horizontal),
            ("plan_vertical", self.vertical),
        ):
            if value is not None:
                facts.append((t(role), str(value)))
        if self.rates:
            facts.append((t("rates"), ", ".join(str(c) for c in self.rates)))
        blocks: list[Any] = [Facts(facts), Notes(self.notes_in(lang), title=None)]
        return Summary(t("plan_title"), blocks, headline=self.describe(lang), digits=digits)
