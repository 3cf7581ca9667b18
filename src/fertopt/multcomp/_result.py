"""The result of every multiple-comparison test and its display.

:class:`MultCompResult` holds the means with their letters, every pairwise
comparison and the critical values; its one-line headline, its summary and
its plot are defined here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from fertopt._core.deprecation import renamed
from fertopt._core.document import Facts, Notes, Summary, Table
from fertopt._core.formatting import ResultBase, format_number

__all__ = ["MultCompResult"]

_TEST_TITLES = {
    "Duncan": "Duncan's new multiple range test",
    "SNK": "Student-Newman-Keuls test",
    "Tukey": "Tukey's honestly significant difference (HSD)",
    "LSD": "Fisher's least significant difference (LSD)",
    "Scheffe": "Scheffé's test",
    "Dunnett": "Dunnett's test (comparisons with a control)",
}


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class MultCompResult(ResultBase):
    """Result of a multiple-comparison test: means with letters, pairs, critical values.

    Attributes
    ----------
    test : str
        ``"Duncan"``, ``"LSD"``, ``"Tukey"``, ``"SNK"``, ``"Scheffe"`` or ``"Dunnett"``.
    groups : DataFrame
        One row per treatment, sorted by mean (highest first unless
        ``descending=False``): ``treatment`` (label; cells of an interaction
        are joined by ``:``), ``mean``, ``sd`` (standard deviation of the
        plots), ``se`` (standard error of the mean from the error term used,
        ``sqrt(ms / n)``), ``n`` (plots), ``letters`` (``a`` = highest mean;
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
        ``stepdown=True``), ``significant`` (``p < alpha``), ``ci_low`` and
        ``ci_high`` (``diff ∓ critical_range``; one-sided bounds are infinite
        for one-sided Dunnett tests).  With ``within``, a first column
        ``within``.
    critical : DataFrame
        ``span`` (number of means in the range; ``k`` for single-step tests,
        2 for LSD), ``protection`` (the confidence level behind the quantile:
        ``(1 − alpha)^(span − 1)`` for Duncan), ``quantile`` (studentized
        range, t, √((k − 1) F) or Dunnett's value) and ``critical_range``
        (``quantile × se`` for the common or harmonic-mean replication).
        With ``within``, a first column ``within``.
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
        Significance level of the lowercase letters and of ``significant``.
    alpha_capitals : float or None
        Level of the capital letters, if requested.
    p_adjust, replication, stepdown, descending, letters_method, control, alternative :
        The options used (``None`` where they do not apply).
        ``letters_method`` is the algorithm that produced the letters
        (``"agricolae"`` or ``"piepho"``).
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
    pairs: pd.DataFrame
    critical: pd.DataFrame
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
    design: str | None = None
    n_obs: int = 0
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    _extra: dict = field(default_factory=dict, repr=False, compare=False)

    df = renamed("df_resid")

    @property
    def level_order(self) -> dict:
        """The treatment levels in their factor order, per ``within`` group (for plotting)."""
        return self._extra.get("levels", {})

    # -- display ----------------------------------------------------------
    def _headline(self) -> str:
        g = self.groups
        if self.within:
            slices = g["within"].nunique()
            what = (
                f"{self.term} within {slices} levels of {':'.join(self.within)} "
                f"({len(g) // max(slices, 1)} means each)"
            )
        else:
            what = f"{len(g)} means of {self.term}"
        parts = [
            f"{self.test} α={format_number(self.alpha, 3)}",
            what,
            f"{self.error_term} df {format_number(self.df_resid, 4)}",
        ]
        if self.test == "Dunnett":
            nsig = int(self.pairs["significant"].sum())
            parts.append(f"{nsig} of {len(self.pairs)} differ from {self.control}")
        else:
            letters = sorted(set("".join(g["letters"])))
            parts.append(f"{len(letters)} letter group{'s' if len(letters) != 1 else ''}")
            if not self.within and len(g):
                top = g.iloc[0]
                parts.append(
                    f"{'top' if self.descending else 'lowest'}: {top['treatment']} "
                    f"(mean {format_number(top['mean'], 4)}, {top['letters']})"
                )
        return " | ".join(parts)

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        facts = [("Response", str(self.response))] if self.response is not None else []
        facts += [
            ("Compared", self.term + (f" within {':'.join(self.within)}" if self.within else "")),
            (
                "Error term",
                f"{self.error_term}: MS {format_number(self.mse, digits + 2)}, "
                f"df {format_number(self.df_resid, digits + 2)}",
            ),
            (
                "alpha",
                format_number(self.alpha, 3)
                + (
                    f" (capitals {format_number(self.alpha_capitals, 3)})"
                    if self.alpha_capitals
                    else ""
                ),
            ),
        ]
        if self.p_adjust:
            facts.append(("p-value adjustment", self.p_adjust))
        if self.replication:
            facts.append(("Replication rule", self.replication))
        if self.test in ("Duncan", "SNK"):
            facts.append(
                ("Protection", "step-down (SAS)" if self.stepdown else "per pair (agricolae)")
            )
        if self.control is not None:
            facts.append(("Control", f"{self.control} ({self.alternative})"))
        if self.test != "Dunnett":
            facts.append(("Letters", self.letters_method))
        if self.design:
            facts.append(("Design", self.design))
        facts.append(("Plots", str(self.n_obs)))
        fmt = {"n": "int", "p": "p", "span": "int"}
        blocks: list = [Facts(facts)]
        note = (
            "Means with the same letter are not significantly different."
            if self.test != "Dunnett"
            else "* differs from the control."
        )
        blocks.append(Table(self.groups, title="Means", formats=fmt, note=note))
        blocks.append(Table(self.critical, title="Critical values", formats=fmt))
        blocks.append(Table(self.pairs, title="Pairwise comparisons", formats=fmt))
        if self.notes:
            blocks.append(Notes(list(self.notes), title="Notes"))
        blocks.append(Notes(list(self.warnings)))
        return Summary(
            _TEST_TITLES.get(self.test, self.test), blocks, headline=self._headline(), digits=digits
        )

    def plot(self, ax=None, **kwargs):
        """Means ± SE with their letters; see :func:`fertopt.plotting.plot_means`."""
        from fertopt import plotting

        return plotting.plot_means(self, ax=ax, **kwargs)
