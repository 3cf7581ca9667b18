"""The result of :func:`fertopt.combined_anova`: :class:`CombinedAnovaResult` and its display."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fertopt._core.document import Facts, Notes, Paragraph, Summary, Table
from fertopt._core.formatting import ResultBase, format_number, p_phrase
from fertopt._core.i18n import check_lang, label
from fertopt.mixed.homogeneity import HomogeneityResult
from fertopt.mixed.result import MixedModelResult, table_labels

__all__ = ["CombinedAnovaResult"]


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class CombinedAnovaResult(ResultBase):
    """Result of :func:`combined_anova`.

    Attributes
    ----------
    table : DataFrame
        ``source | df | ss | ms | f | p | error | den_df``: environment, blocks within
        environments (``"rep(site)"``), the treatment terms, their interactions with the
        environment, and ``"Residuals"``; ``error`` names the row each F test used (or
        ``"REML (Kenward-Roger)"``) and ``den_df`` its df.  Sequential sums of squares,
        unrounded.
    design : str
        ``"combined RCBD"`` or ``"combined factorial RCBD"``.
    response : str
    factors : tuple of str
        Treatment factors.
    site : str
        The environment column (``"site:year"`` when several columns were given: their
        combinations are the environments).
    block : str
        The block column as given; ``nested_block`` is blocks within environments.
    nested_block : str
    site_effects : str
        ``"random"`` or ``"fixed"``.
    balanced : bool
        Every block holds every treatment once and every environment has as many blocks.
        Balanced trials are tested by expected mean squares, unbalanced ones by REML.
    blocks_repeat : bool
        Whether block labels repeat across environments (they are taken as nested).
    homogeneity : HomogeneityResult
        Bartlett's test and Hartley's Fmax of the environments' error mean squares.
    site_anovas : dict
        Environment → its own :class:`~fertopt.anova.AnovaResult` (RCBD or factorial RCBD).
    variance_components : DataFrame
        ``group | variance | sd | share`` by REML.
    mixed : MixedModelResult
        The REML model behind the variance components and the LS-means.
    errors : DataFrame
        ``error | df | ss | ms | cv``: every row used as a denominator.
    error_of : dict
        Tested term → the ``errors`` row of its F test.
    mse, df_resid : float
        Pooled residual mean square and df.
    grand_mean, cv : float
    n_obs, n_dropped : int
    data : DataFrame
        The analysed rows, with the environment and nested-block columns.
    notes, warnings : tuple of str

    The multiple comparisons (``fo.duncan(result)``, ``fo.lsd``, ``fo.tukey`` …) read
    ``error_ms[term]`` and ``error_df[term]``: the mean square and df of the row a treatment
    term is tested against (treatment × environment with random environments, the pooled
    residual with fixed ones).
    """

    table: pd.DataFrame
    design: str
    response: str
    factors: tuple[str, ...]
    site: str
    block: str
    nested_block: str
    site_effects: str
    balanced: bool
    blocks_repeat: bool
    homogeneity: HomogeneityResult
    site_anovas: dict[str, Any] = field(repr=False)
    variance_components: pd.DataFrame
    mixed: MixedModelResult = field(repr=False)
    errors: pd.DataFrame
    error_of: dict[str, str]
    mse: float
    df_resid: float
    grand_mean: float
    cv: float
    n_obs: int
    n_dropped: int
    data: pd.DataFrame = field(repr=False)
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    _zh_notes: tuple[str, ...] = field(default=(), repr=False, compare=False)

    # -- what the multiple comparisons read ----------------------------------
    @property
    def error_ms(self) -> dict[str, float]:
        """Tested term → mean square of its error term."""
        errors = self.errors.set_index("error")["ms"]
        return {t: float(errors[e]) for t, e in self.error_of.items()}

    @property
    def error_df(self) -> dict[str, float]:
        """Tested term → degrees of freedom of its error term."""
        errors = self.errors.set_index("error")["df"]
        return {t: float(errors[e]) for t, e in self.error_of.items()}

    @property
    def treatment_terms(self) -> list[str]:
        """The treatment terms of the table (``"N"``, ``"P"``, ``"N:P"``)."""
        factors = set(self.factors)
        return [s for s in self.table["source"] if set(str(s).split(":")) <= factors]

    def means(self, term: str | None = None) -> pd.DataFrame:
        """Arithmetic means of a treatment term over all environments: ``… | mean | sd | n``."""
        cols = list(self.factors) if term is None else term.split(":")
        grouped = self.data.groupby(cols, observed=True, sort=True)[self.response]
        out = grouped.agg(["mean", "std", "count"]).reset_index()
        return out.rename(columns={"std": "sd", "count": "n"})

    def lsmeans(self, term: str | None = None, alpha: float = 0.05) -> pd.DataFrame:
        """LS-means of a treatment term from the REML model (``level | lsmean | se | df |
        ci_low | ci_high``); see :meth:`MixedModelResult.lsmeans`."""
        return self.mixed.lsmeans(term if term is not None else ":".join(self.factors), alpha)

    # -- display ------------------------------------------------------------
    def _test(self, term: str, lang: str = "en") -> str:
        row = self.table.set_index("source").loc[term]
        return label(
            "ca_headline",
            lang,
            term=term,
            df1=format_number(row["df"]),
            df2=format_number(row["den_df"], 4),
            f=f"{row['f']:.2f}",
            p=p_phrase(row["p"]),
            error=row["error"],
        )

    def _headline(self) -> str:
        envs = len(self.site_anovas)
        return (
            f"{self.design} over {envs} environments ({self.site_effects}) | "
            f"{self._test(self.treatment_terms[0])}"
        )

    def layout(self, lang: str = "en") -> str:
        """The layout in words."""
        k = len(self.data.groupby(list(self.factors), observed=True))
        envs = self.data[self.site].nunique()
        return label(
            "ca_layout",
            lang,
            t=k,
            e=envs,
            env=self.site,
            b=format_number(self.data[self.nested_block].nunique() / envs),
        )

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks of :meth:`summary` by name: ``design``, ``homogeneity``, ``table``,
        ``variance_components``, ``lsmeans`` and ``notes``."""
        lang = check_lang(lang)
        method = "ca_method_ems" if self.balanced else "ca_method_reml"
        notes = list(self.notes) + list(self.warnings) if lang == "en" else list(self._zh_notes)
        table = self.table.copy()
        if lang != "en":  # the error rows in words; sources named after columns stay
            table["source"] = [label(s, lang) if s == "Residuals" else s for s in table["source"]]
            table["error"] = [label(e, lang) if e == "Residuals" else e for e in table["error"]]
        return {
            "design": Facts(
                [
                    (label("sm_response", lang), self.response),
                    (label("ca_design", lang), self.layout(lang)),
                    (
                        label("ca_site_effects", lang),
                        label("ca_effects_" + self.site_effects, lang),
                    ),
                    (label("ca_method", lang), label(method, lang)),
                    (label("sm_plots_analysed", lang), str(self.n_obs)),
                ]
            ),
            "homogeneity": Paragraph(self.homogeneity.verdict(lang)),
            "table": Table(
                table,
                title=label("ca_table", lang),
                formats={"p": "p", "df": "int"},
                labels=table_labels(table.columns, lang),
            ),
            "variance_components": Table(
                self.variance_components.assign(
                    group=[
                        label("Residuals", lang) if g == "Residual" and lang != "en" else g
                        for g in self.variance_components["group"]
                    ]
                ),
                title=label("ca_varcomp", lang),
                labels=table_labels(self.variance_components.columns, lang),
            ),
            "lsmeans": Table(
                self.lsmeans(),
                title=label("ca_lsmeans", lang, term=":".join(self.factors)),
                labels=table_labels(["level", "lsmean", "se", "df", "ci_low", "ci_high"], lang),
            ),
            "notes": Notes(notes, title=None),
        }

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        return Summary(
            label("ca_title", lang, response=self.response),
            list(self.summary_parts(digits, lang).values()),
            headline=self._test(self.treatment_terms[0], lang),
            digits=digits,
        )
