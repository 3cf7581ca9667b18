"""The result of every multiple-comparison test and its display.

:class:`MultCompResult` holds the means with their letters, every pairwise
comparison and the critical values; its one-line headline, its summary and
its plot are defined here and nowhere else.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fertopt._core.deferred import deferred_field
from fertopt._core.deprecation import renamed
from fertopt._core.document import (
    Facts,
    Notes,
    Paragraph,
    Summary,
    Table,
    localized_table,
    warnings_notes,
)
from fertopt._core.formatting import ResultBase, fixed, format_number
from fertopt._core.i18n import check_lang, design_name, label, method_name, translate_message

__all__ = ["MultCompResult"]

_TEST_TITLES = {
    "Duncan": "Duncan's new multiple range test",
    "SNK": "Student-Newman-Keuls test",
    "Tukey": "Tukey's honestly significant difference (HSD)",
    "LSD": "Fisher's least significant difference (LSD)",
    "Scheffe": "Scheffé's test",
    "Dunnett": "Dunnett's test (comparisons with a control)",
    "REGWQ": "Ryan–Einot–Gabriel–Welsch multiple range test (REGWQ)",
    "Waller": "Waller–Duncan k-ratio t test",
}


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class MultCompResult(ResultBase):
    """Result of a multiple-comparison test: means with letters, pairs, critical values.

    Attributes
    ----------
    test : str
        ``"Duncan"``, ``"LSD"``, ``"Tukey"``, ``"SNK"``, ``"Scheffe"``, ``"Dunnett"``,
        ``"REGWQ"`` or ``"Waller"``.
    groups : DataFrame
        One row per treatment, sorted by mean (highest first unless
        ``descending=False``): ``treatment`` (label; cells of an interaction
        are joined by ``:``), ``mean`` (the least-squares or arithmetic mean,
        see ``means``), ``sd`` (standard deviation of the plots), ``se``
        (standard error of the mean: ``sqrt(ms / n)`` from the error term used,
        or from the covariance of the LS-means), ``n`` (plots), ``letters`` (``a`` = highest mean;
        for Dunnett's test ``*`` marks treatments that differ from the
        control) and, when ``alpha_capitals`` was given, ``capitals``.  With
        ``within``, a first column ``within`` holds the level(s) of the
        slicing factor(s).
    pairs : DataFrame
        One row per comparison: ``treatment_a``, ``treatment_b``, ``diff``
        (mean a − mean b), ``se`` (standard error used for the pair's
        statistic), ``statistic`` (t for LSD and Dunnett, the studentized
        range ``|diff| / se`` for Duncan, SNK and Tukey, F for Scheffé),
        ``critical_range`` (least difference that would be significant),
        ``p`` (the p-value the decision is based on: adjusted for LSD with
        ``p_adjust``, protected by the containing ranges with
        ``stepdown=True``; NaN for Waller–Duncan, which has none),
        ``significant`` (``p < alpha``; for Waller–Duncan
        ``|statistic| > t_B``), ``ci_low`` and
        ``ci_high`` (``diff ∓ critical_range``; one-sided bounds are infinite
        for one-sided Dunnett tests).  With ``within``, a first column
        ``within``.
    critical : DataFrame
        ``span`` (number of means in the range; ``k`` for single-step tests,
        2 for LSD), ``protection`` (the confidence level behind the quantile:
        ``(1 − alpha)^(span − 1)`` for Duncan), ``quantile`` (studentized
        range, t, √((k − 1) F) or Dunnett's value) and ``critical_range``
        (``quantile × se`` for the common or harmonic-mean replication).
        Waller–Duncan: ``span``, ``k_ratio``, ``f_value`` (the F ratio behind
        ``t_B``), ``quantile`` (``t_B``) and ``critical_range``
        (``t_B √(2 MSE / n)``).  With ``within``, a first column ``within``.
    term : str
        The term whose levels are compared (``"N"``, ``"N:P"``).
    within : tuple of str
        Factors within whose levels the comparisons were made (empty if none).
    response : str or None
        Name of the response column.
    mse, df_resid : float
        Error mean square and degrees of freedom used (``df_resid`` was formerly ``df``).
    error_term : str
        Name of the error (``"Residuals"``, ``"Error a"``, ``"Error b"``,
        ``"Error a + Error b (Satterthwaite)"``, or ``"given"`` for
        ``*_from_means``).
    alpha : float
        Significance level of the lowercase letters and of ``significant``
        (NaN for Waller–Duncan, which works at the k-ratio ``k_ratio``).
    alpha_capitals : float or None
        Level of the capital letters, if requested.
    p_adjust, replication, stepdown, descending, letters_method, control, alternative :
        The options used (``None`` where they do not apply).
        ``letters_method`` is the algorithm that produced the letters
        (``"agricolae"`` or ``"piepho"``).
    means : str
        The means compared: ``"ls"`` (least-squares means, as ``emmeans``),
        ``"arithmetic"`` (means of the plots, as ``agricolae``) or ``"given"``
        (the ``*_from_means`` functions).  :attr:`means_coincide` tells whether
        the two kinds were the same for these data.
    k_ratio : float or None
        The k-ratio of a Waller–Duncan test.
    design : str or None
        Design of the ANOVA.
    n_obs : int
        Plots behind the means.
    notes : tuple of str
        Remarks on how the result was obtained (error term, replication,
        letter algorithm).
    warnings : tuple of str
        The warnings issued.
    """

    test: str
    groups: pd.DataFrame
    pairs: pd.DataFrame = deferred_field()
    critical: pd.DataFrame = deferred_field()
    term: str
    within: tuple[str, ...] = ()
    response: str | None = None
    mse: float
    df_resid: float
    error_term: str
    alpha: float
    alpha_capitals: float | None = None
    p_adjust: str | None = None
    replication: str | None = None
    stepdown: bool = False
    descending: bool = True
    letters_method: str = "agricolae"
    control: str | None = None
    alternative: str | None = None
    k_ratio: float | None = None
    design: str | None = None
    n_obs: int = 0
    means: str = "given"
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    _extra: dict = field(default_factory=dict, repr=False, compare=False)

    df = renamed("df_resid")

    @property
    def means_coincide(self) -> bool:
        """Whether LS-means and arithmetic means (and their standard errors) are the same here
        (balanced trials, one-way CRDs, complete split-plots), so that either gives this result."""
        return bool(self._extra.get("means_coincide", False))

    @property
    def level_order(self) -> dict:
        """The treatment levels in their factor order, per ``within`` group (for plotting)."""
        return self._extra.get("levels", {})

    # -- display ----------------------------------------------------------
    def _headline(self, lang: str = "en") -> str:
        g = self.groups
        if self.within:
            slices = g["within"].nunique()
            what = label(
                "mc_headline_within",
                lang,
                term=self.term,
                slices=slices,
                within=":".join(self.within),
                k=len(g) // max(slices, 1),
            )
        else:
            what = label("mc_headline_means", lang, k=len(g), term=self.term)
        error = self.error_term if lang == "en" else label(self.error_term, lang)
        parts = [
            f"{self.test} {self._level_text()}",
            what,
            label("mc_headline_df", lang, error=error, df=format_number(self.df_resid, 4)),
        ]
        if self.test == "Dunnett":
            nsig = int(self.pairs["significant"].sum())
            parts.append(
                label("mc_headline_dunnett", lang, k=nsig, n=len(self.pairs), control=self.control)
            )
        else:
            letters = sorted(set("".join(g["letters"])))
            s = "s" if len(letters) != 1 else ""
            parts.append(label("mc_headline_groups", lang, k=len(letters), s=s))
            if not self.within and len(g):
                top = g.iloc[0]
                parts.append(
                    label(
                        "mc_headline_top" if self.descending else "mc_headline_lowest",
                        lang,
                        t=top["treatment"],
                        m=format_number(top["mean"], 4),
                        letters=top["letters"],
                    )
                )
        return " | ".join(parts)

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks of :meth:`summary`, by name, in order.

        ``about`` (response, compared term, error term, α and the options used),
        ``means`` (the means with their letters, labelled columns), ``sentence``
        (what the letters mean, with the test and the error mean square; not for
        Dunnett's test, whose table notes what ``*`` marks), ``critical``,
        ``pairs``, ``notes`` and ``warnings``.  A trial report embeds ``means``
        and ``sentence`` as they are.
        """
        lang = check_lang(lang)

        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        fmt = {"n": "int", "p": "p", "span": "int"}
        parts: dict[str, Any] = {
            "about": Facts(self._about(digits, lang)),
            "means": self._means_table(lang),
        }
        if self.test == "Waller":
            parts["sentence"] = Paragraph(
                t(
                    "letters_sentence_waller",
                    k=format_number(self.k_ratio),
                    mse=format_number(self.mse, digits + 1),
                    df=format_number(self.df_resid),
                )
            )
        elif self.test != "Dunnett":
            key = "letters_sentence" if self.design is not None else "letters_sentence_given"
            sentence = t(
                key,
                pct=f"{100 * self.alpha:g}",
                method=self._method(lang),
                mse=format_number(self.mse, digits + 1),
                df=format_number(self.df_resid),
            )
            if self.alpha_capitals:
                capitals = t("capitals_sentence", pct=f"{100 * self.alpha_capitals:g}")
                sentence = f"{sentence}{'' if lang == 'zh' else ' '}{capitals}"
            parts["sentence"] = Paragraph(sentence)
        parts["critical"] = localized_table(
            self.critical, lang, title=t("mc_critical"), formats=fmt
        )
        parts["pairs"] = localized_table(self.pairs, lang, title=t("mc_pairs"), formats=fmt)
        parts["notes"] = Notes(
            [translate_message(n, lang) for n in self.notes], title=t("mc_notes")
        )
        parts["warnings"] = warnings_notes(self.warnings, lang)
        return parts

    def _level_text(self) -> str:
        """``α=0.05``, or ``K=100`` for the Waller–Duncan test."""
        if self.k_ratio is not None:
            return f"K={format_number(self.k_ratio)}"
        return f"α={format_number(self.alpha, 3)}"

    def _method(self, lang: str) -> str:
        """The test's name in ``lang`` (``Duncan's new multiple range test``)."""
        return method_name(self.test, lang)

    def _means_table(self, lang: str) -> Table:
        """The means with their letters: treatment, mean, SD, SE, n, letters (α), capitals.

        The first column is headed *Treatment*, or the factor's name when one factor of
        a factorial or split-plot trial is compared.  The rows are in the treatments'
        natural order (control first, rates ascending: :attr:`level_order`), as a
        trial is written up; ``groups`` itself stays sorted by mean.
        """
        groups = self._in_level_order()
        groups = groups.assign(treatment=groups["treatment"].astype(str))
        factor = (
            self.design is not None
            and any(word in self.design for word in ("factorial", "split", "strip"))
            and ":" not in self.term
        )
        heads = {k: label(k, lang) for k in ("mean", "sd", "se", "n")}
        heads["treatment"] = self.term if factor else label("treatment", lang)
        level = f"K = {self.k_ratio:g}" if self.k_ratio is not None else f"α = {self.alpha:g}"
        heads["letters"] = label("letters_alpha", lang, alpha=level)
        if self.alpha_capitals:
            heads["capitals"] = label("letters_alpha", lang, alpha=f"α = {self.alpha_capitals:g}")
        decimals = self._extra.get("decimals")
        number = fixed(decimals) if decimals is not None else None
        table = localized_table(
            groups,
            lang,
            title=label("mc_means", lang),
            formats={"n": "int", "mean": number, "sd": number, "se": number},
            labels=heads,
            note=label("mc_differs_control", lang) if self.test == "Dunnett" else None,
        )
        return dataclasses.replace(table, labels={**table.labels, **heads})

    def _in_level_order(self) -> pd.DataFrame:
        """``groups`` in the treatments' natural order (within each slice)."""
        groups = self.groups
        order = self.level_order
        if not order:
            return groups
        rank = {}
        for within, levels in order.items():
            for i, level in enumerate(levels):
                rank[(str(within), str(level))] = i
        slice_of = (
            groups["within"].astype(str) if "within" in groups else pd.Series("", groups.index)
        )
        keys = [
            rank.get((w, str(t)), len(rank))
            for w, t in zip(slice_of, groups["treatment"], strict=True)
        ]
        first = {w: i for i, w in enumerate(dict.fromkeys(slice_of))}
        position = pd.Series([(first[w], k) for w, k in zip(slice_of, keys, strict=True)])
        return groups.iloc[sorted(range(len(groups)), key=lambda i: position[i])].reset_index(
            drop=True
        )

    def _about(self, digits: int, lang: str) -> list[tuple[str, str]]:
        """Response, compared term, error term, α and the options the test used."""

        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        error = self.error_term if lang == "en" else t(self.error_term)
        facts = [(t("sm_response"), str(self.response))] if self.response is not None else []
        kind = f"mc_means_{self.means}" + ("_same" if self.means_coincide else "")
        facts += [
            (
                t("mc_compared"),
                self.term + (t("mc_within", within=":".join(self.within)) if self.within else ""),
            ),
            (t("mc_means_used"), t(kind)),
            (
                t("mc_error_term"),
                t(
                    "mc_error_value",
                    name=error,
                    ms=format_number(self.mse, digits + 2),
                    df=format_number(self.df_resid, digits + 2),
                ),
            ),
            (
                t("mc_k_ratio"),
                format_number(self.k_ratio),
            )
            if self.k_ratio is not None
            else (
                t("mc_alpha"),
                format_number(self.alpha, 3)
                + (
                    t("mc_capitals", alpha=format_number(self.alpha_capitals, 3))
                    if self.alpha_capitals
                    else ""
                ),
            ),
        ]
        if self.p_adjust:
            facts.append((t("mc_p_adjust"), self.p_adjust))
        if self.replication:
            rule = t(f"mc_rep_{self.replication}")
            if lang == "en" or rule.startswith("mc_rep_"):
                rule = self.replication
            facts.append((t("mc_replication"), rule))
        if self.test in ("Duncan", "SNK", "REGWQ"):
            facts.append((t("mc_protection"), t("mc_stepdown" if self.stepdown else "mc_per_pair")))
        if self.control is not None:
            facts.append((t("mc_control"), f"{self.control} ({self.alternative})"))
        if self.test != "Dunnett":
            facts.append((t("mc_letters"), self.letters_method))
        if self.design:
            facts.append(
                (t("sm_design"), self.design if lang == "en" else design_name(self.design, lang))
            )
        facts.append((t("mc_plots"), str(self.n_obs)))
        return facts

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        title = _TEST_TITLES.get(self.test, self.test)
        if lang != "en":
            title = self._method(lang)
        return Summary(
            title,
            list(self.summary_parts(digits, lang).values()),
            headline=self._headline(lang),
            digits=digits,
        )

    def plot(self, ax=None, **kwargs):
        """Means ± SE with their letters; see :func:`fertopt.plotting.plot_means`."""
        from fertopt import plotting

        return plotting.plot_means(self, ax=ax, **kwargs)
