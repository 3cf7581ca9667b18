"""The result of :func:`fertopt.mixed_model`: :class:`MixedModelResult` and its display."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fertopt._core.document import Facts, Notes, Summary, Table
from fertopt._core.formatting import ResultBase, format_number, p_phrase
from fertopt._core.i18n import check_lang, label
from fertopt._core.validation import check_probability
from fertopt.mixed.model import lsmeans_frame

__all__ = ["MixedModelResult", "table_labels"]


def table_labels(columns: Any, lang: str) -> dict[str, str]:
    """Column headers in ``lang`` from the ``col_*`` keys (or the shared ones)."""
    shared = {"f": "f", "p": "p", "df": "df", "se": "se", "sd": "sd", "ss": "ss", "ms": "ms"}
    out = {}
    for c in columns:
        key = shared.get(c, f"col_{c}")
        out[c] = label(key, lang) if lang != "en" else c
        if c in ("ci_low", "ci_high", "source"):
            out[c] = label(c, lang) if lang != "en" else c
    return out


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class MixedModelResult(ResultBase):
    """Result of :func:`mixed_model`.

    Attributes
    ----------
    anova : DataFrame
        ``term | num_df | den_df | f | p``: the F test of each fixed term (type III
        hypotheses on sum-to-zero coding), with ``ddf``'s denominator df.
    variance_components : DataFrame
        ``group | variance | sd | share``: each random term, then ``"Residual"``; REML
        estimates (a variance on the boundary is exactly 0).
    params : DataFrame
        ``name | estimate | se``: fixed-effect coefficients in R's ``contr.sum`` coding
        (``N1`` is the deviation of the first N level from the mean of the levels) with their
        REML standard errors (unadjusted, as ``vcov()`` of an lmer fit).
    response : str
    fixed : tuple of str
        Fixed factors (their full factorial is fitted).
    random : tuple of str
        Random terms as given (``"site:rep"``).
    ddf : str
        ``"kenward-roger"`` or ``"satterthwaite"``.
    reml_criterion : float
        −2 × the REML log-likelihood, as ``lme4::REMLcrit``.
    n_obs, n_dropped : int
        Plots analysed and plots left out for a missing response.
    warnings : tuple of str
    """

    anova: pd.DataFrame
    variance_components: pd.DataFrame
    params: pd.DataFrame
    response: str
    fixed: tuple[str, ...]
    random: tuple[str, ...]
    ddf: str
    reml_criterion: float
    n_obs: int
    n_dropped: int
    warnings: tuple[str, ...] = ()
    _fitted: Any = field(default=None, repr=False, compare=False)

    def lsmeans(self, term: str, alpha: float = 0.05) -> pd.DataFrame:
        """LS-means of a fixed term: ``level | lsmean | se | df | ci_low | ci_high``.

        Equal weights over the other fixed factors (``emmeans``' default).  With
        ``ddf="kenward-roger"`` the SE comes from the Kenward–Roger adjusted covariance and
        the df from ``pbkrtest::Lb_ddf``, as ``emmeans`` gives for an ``lmer`` fit; with
        ``"satterthwaite"`` from the REML covariance and lmerTest's df.  ``ci_low``/``ci_high``
        are the ``1 − alpha`` t intervals.
        """
        return lsmeans_frame(self._fitted, term, check_probability(alpha, "alpha"))

    # -- display ------------------------------------------------------------
    def _test_line(self, lang: str = "en") -> str:
        row = self.anova.iloc[0]
        return label(
            "mm_headline",
            lang,
            term=row["term"],
            df1=format_number(row["num_df"]),
            df2=format_number(row["den_df"], 4),
            f=f"{row['f']:.2f}",
            p=p_phrase(row["p"]),
        )

    def _headline(self) -> str:
        return f"REML {self._test_line()} ({self.ddf}) | {self.n_obs} plots"

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks of :meth:`summary` by name: ``model``, ``anova``, ``variance_components``,
        ``params`` and ``warnings``."""
        lang = check_lang(lang)
        boundary = self.variance_components.loc[
            self.variance_components["variance"] <= 0, "group"
        ].tolist()
        notes = [label("mm_boundary", lang, groups=", ".join(boundary))] if boundary else []
        if lang == "en":
            notes = list(self.warnings)
        vc, params = self.variance_components, self.params
        if lang != "en":
            vc = vc.assign(
                group=[label("Residuals", lang) if g == "Residual" else g for g in vc["group"]]
            )
            params = params.assign(
                name=[
                    label("mm_intercept", lang) if n == "(Intercept)" else n for n in params["name"]
                ]
            )
        return {
            "model": Facts(
                [
                    (label("sm_response", lang), self.response),
                    (label("mm_fixed", lang), " × ".join(self.fixed)),
                    (label("mm_random", lang), ", ".join(self.random)),
                    (label("mm_ddf", lang), label(f"mm_ddf_{self.ddf}", lang)),
                    (label("sm_plots_analysed", lang), str(self.n_obs)),
                    (label("mm_reml", lang), format_number(self.reml_criterion, digits + 3)),
                ]
            ),
            "anova": Table(
                self.anova,
                title=label("mm_tests", lang),
                formats={"p": "p", "num_df": "int"},
                labels=table_labels(self.anova.columns, lang),
            ),
            "variance_components": Table(
                vc,
                title=label("mm_varcomp", lang),
                labels=table_labels(self.variance_components.columns, lang),
            ),
            "params": Table(
                params,
                title=label("mm_params", lang),
                labels=table_labels(self.params.columns, lang),
            ),
            "warnings": Notes(notes, title=label("warnings", lang) if notes else None),
        }

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        return Summary(
            label("mm_title", lang, response=self.response),
            list(self.summary_parts(digits, lang).values()),
            headline=self._test_line(lang),
            digits=digits,
        )
