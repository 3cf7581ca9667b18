"""The audit of the water-chestnut study: what the paper says, what fertopt finds, a verdict.

The study (a formula-correction trial on water chestnut, Lipu, Guangxi, 2013) is fertopt's
reference case.  Its printed numbers are one audit spec (:data:`SPEC`, ``spec.json``);
:func:`audit` runs it through :func:`fertopt.audit` and adds what is unique to the study: the
analyses of the reconstructed plot data (``load_dataset("water_chestnut")``), the figures and
the HTML page.  It is what ``fertopt example`` runs.
"""

from __future__ import annotations

import base64
import html
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from fertopt._core.document import Notes, Paragraph, Summary, html_page
from fertopt._core.formatting import ResultBase
from fertopt._core.i18n import as_message, translate_message
from fertopt._core.validation import check_choice
from fertopt.anova import anova
from fertopt.audit import AuditResult
from fertopt.audit import audit as run_audit
from fertopt.datasets import load_dataset, water_chestnut_published
from fertopt.exceptions import DesignWarning, OptionError
from fertopt.multcomp import duncan
from fertopt.omission import omission
from fertopt.reports import trial_report
from fertopt.studies.water_chestnut.text import (
    COLUMNS,
    CSS,
    CSS_SCOPED,
    FIGURE_TEXT,
    TEXT,
    VERDICT_CLASS,
    VERDICTS,
)
from fertopt.units import Prices

__all__ = ["audit", "StudyAudit", "VERDICTS", "SPEC", "ITEMS"]

#: The study's audit spec (what the paper prints), run through :func:`fertopt.audit`.
SPEC = Path(__file__).with_name("spec.json")

#: The study's item keys (as earlier versions named the rows) → the audit engine's items.
ITEMS: dict[str, str] = {
    "anova_f": "anova[0].F",
    "anova_wording": "anova[0].words",
    "reduced_k_vs_formula": "comparison.claims[0]",
    "p_max_rate": "equation.P2O5.maximum.rate",
    "p_max_yield": "equation.P2O5.maximum.yield",
    "p_opt_rate": "equation.P2O5.optimum.rate",
    "p_opt_yield": "equation.P2O5.optimum.yield",
    "p_recommendation": "equation.P2O5.recommendation",
    "p_fit": "equation.P2O5.fit",
    "k_maximum": "equation.K2O.maximum",
    "k_optimum": "equation.K2O.optimum",
    "k_conclusion": "equation.K2O.conclusion",
    "k_fit": "equation.K2O.fit",
    "n_points": "equation.N.points",
    "ternary_value": "equation.ternary.value",
    "ternary_shape": "equation.ternary.shape",
    "ternary_range": "equation.ternary.range",
    "ternary_design": "equation.ternary.design",
    "ternary_fit": "equation.ternary.fit",
    "income_base": "economics.income_base",
    "income_n": "economics.rows[0]",
    "income_k": "economics.rows[1]",
    "income_p": "economics.rows[2]",
    "vcr_claim": "economics.claims[0]",
}


def _t(key: str, lang: str, **kw: Any) -> str:
    text = TEXT[key][lang]
    return text.format(**kw) if kw else text


def _n(x: float, decimals: int) -> str:
    """A number with fixed decimals, the way the paper prints them."""
    return f"{x:,.{decimals}f}".replace(",", " ") if abs(x) >= 10000 else f"{x:.{decimals}f}"


# ---------------------------------------------------------------------------
# result
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class StudyAudit(ResultBase):
    """Result of :func:`audit`.

    Attributes
    ----------
    table : DataFrame
        The audit table of :func:`fertopt.audit` on :data:`SPEC`, under the study's
        names: ``item`` (a key of :data:`ITEMS`, such as ``"p_max_yield"``), ``topic``,
        ``claim`` (what the paper states), ``paper`` (as printed, text),
        ``paper_value`` (float or NaN), ``fertopt`` (what fertopt finds, text),
        ``fertopt_value`` (float or NaN), ``verdict`` (a key of :data:`VERDICTS`),
        ``verdict_text`` and ``explanation`` (the arithmetic), in ``lang``; ``low`` and
        ``high``, the interval the printed inputs' rounding allows (NaN when none).
    audit : AuditResult
        The audit itself (:func:`fertopt.audit` on :data:`SPEC`).
    lang : {'en', 'zh'}
    published : dict
        The printed numbers (:func:`fertopt.datasets.water_chestnut_published`).
    data : DataFrame
        The reconstructed plot data.
    anova : AnovaResult
        RCBD ANOVA of the reconstruction.
    comparison : MultCompResult
        Duncan's multiple range test at 5 % on that ANOVA (as the paper used).
    omission : OmissionResult
        Omission indices and economics of the reconstruction.
    curves : dict
        ``"P2O5"``, ``"K2O"`` → the printed single-nutrient equations as
        :class:`~fertopt.ResponseFit` (built by the audit: tested range = the rates of
        the inferred Table 1).
    surface : SurfaceFit
        The printed ternary equation (:func:`fertopt.surface_from_coefficients`),
        tested region = the box of the rates applied.
    optima : dict
        ``"P2O5"``, ``"K2O"`` → ``{"maximum": Optimum, "optimum": Optimum, ...}``
        as found by fertopt (K: also ``"minimum"`` and ``"paper_point"``, the
        (rate, yield) pairs of the stationary point and of the paper's
        economic point); ``"ternary"`` → canonical analysis, the maxima in the
        formula's box and in the box of applied rates, the equation's value
        at the paper's point and whether that point lies in the region the
        treatments span.
    prices : Prices
        The study's prices.
    refits : dict
        Least-squares refits of the printed equations' forms to the treatment means of
        the spec: ``"P2O5"``, ``"K2O"``, ``"ternary"`` → ``r2``, ``adj``, ``F``,
        ``df1``, ``df2``, ``coef``.
    warnings : tuple of str
        Warnings raised by the analyses, in English.
    """

    table: pd.DataFrame
    audit: AuditResult = field(repr=False)
    lang: str
    published: dict = field(repr=False)
    data: pd.DataFrame = field(repr=False)
    anova: Any = field(repr=False)
    comparison: Any = field(repr=False)
    omission: Any = field(repr=False)
    curves: dict = field(repr=False)
    surface: Any = field(repr=False)
    optima: dict = field(repr=False)
    prices: Any = field(repr=False)
    refits: dict = field(repr=False)
    warnings: tuple[str, ...] = ()

    def verdicts(self) -> pd.Series:
        """Number of rows per verdict key."""
        return self.table["verdict"].value_counts().reindex(list(VERDICTS)).dropna().astype(int)

    def row(self, item: str) -> pd.Series:
        """The audit row of one ``item`` key."""
        rows = self.table.loc[self.table["item"] == item]
        if rows.empty:
            raise OptionError(f"no audit item {item!r}; items: {', '.join(self.table['item'])}.")
        return rows.iloc[0]

    def figures(self) -> dict[str, Any]:
        """The audit's figures as matplotlib Figures, labelled in ``lang``.

        Drawn with fertopt's figure style (:func:`fertopt.plotting.style`).
        Chinese labels need a font with Chinese characters; without one the
        figures are labelled in English and a :class:`~fertopt.DisplayWarning`
        says what to install.

        Returns
        -------
        dict
            ``"means"``: treatment means with Duncan's letters;
            ``"p_curve"`` and ``"k_curve"``: the printed P and K equations with
            the paper's points (crosses) and fertopt's (circles);
            ``"surface"``: the ternary equation at P2O5 = 8 over N and K2O, with
            the paper's point, the treatments and the formula's range;
            ``"omission"``: relative yields of the reduced plots with SEs.
        """
        from fertopt import plotting

        lang = self.lang
        if lang == "zh" and plotting.cjk_families() is None:
            lang = "en"
        with plotting.style(lang):
            out = self._draw(lang)
            for fig in out.values():
                fig.canvas.draw()  # tick labels take the style's fonts now
        return out

    def _draw(self, lang: str) -> dict[str, Any]:
        import matplotlib.pyplot as plt

        from fertopt import plotting

        text = FIGURE_TEXT[lang]
        out: dict[str, Any] = {}
        fig, ax = plt.subplots(figsize=(5.6, 3.9), layout="constrained")
        plotting.plot_means(self.comparison, ax=ax, lang=lang)
        names = dict(zip(self.data["treatment"], self.data["treatment_zh"], strict=True))
        if lang == "zh":
            ax.set_xticks(ax.get_xticks())
            ax.set_xticklabels(
                [names.get(t.get_text(), t.get_text()) for t in ax.get_xticklabels()]
            )
        ax.set_ylabel(text["axes"]["y"])
        ax.set_xlabel("")
        ax.set_title(text["means_title"])
        plotting.check_glyphs(ax)
        out["means"] = fig
        p_opt = self.optima["P2O5"]
        fig, ax = plt.subplots(figsize=(5.6, 3.9), layout="constrained")
        eq = self.published["equations"]["P2O5"]
        plotting.plot_reported_points(
            self.curves["P2O5"],
            [(text["paper_max"], eq["reported_maximum"]["rate"], eq["reported_maximum"]["yield"])],
            found=[
                (text["max"], p_opt["maximum"].rate, p_opt["maximum"].yield_at_rate),
                (text["opt"], p_opt["optimum"].rate, p_opt["optimum"].yield_at_rate),
            ],
            x_range=(0.0, 10.5),
            zoom=((8.7, 9.5), (3178.0, 3200.0)),
            ax=ax,
            labels=text["axes"] | {"x": "P2O5 (kg/667 m²)"},
        )
        ax.set_title(text["p_title"])
        plotting.check_glyphs(ax)
        out["p_curve"] = fig
        k_opt = self.optima["K2O"]
        fig, ax = plt.subplots(figsize=(5.6, 3.9), layout="constrained")
        eq = self.published["equations"]["K2O"]
        plotting.plot_reported_points(
            self.curves["K2O"],
            [
                (
                    text["paper_max"],
                    eq["reported_maximum"]["rate"],
                    eq["reported_maximum"]["yield"],
                ),
                (
                    text["paper_opt"],
                    eq["reported_optimum"]["rate"],
                    eq["reported_optimum"]["yield"],
                ),
            ],
            found=[(text["min"], *k_opt["minimum"]), (text["eq_at"], *k_opt["paper_point"])],
            x_range=(-5.0, 22.0),
            zoom=((-2.8, -0.8), (1670.0, 1700.0)),
            ax=ax,
            labels=text["axes"] | {"x": "K2O (kg/667 m²)"},
        )
        ax.set_title(text["k_title"])
        plotting.check_glyphs(ax)
        out["k_curve"] = fig
        fig, ax = plt.subplots(figsize=(5.8, 5.0), layout="constrained")
        rep = self.published["equations"]["ternary"]["reported_maximum"]
        formula = self.published["design"]["formula"]
        design = self.data.groupby("treatment")[["N", "P2O5", "K2O"]].first().to_dict("records")
        plotting.plot_surface_points(
            self.surface,
            x="N",
            y="K2O",
            at={"P2O5": 8.0},
            ax=ax,
            reported=[
                (
                    f"{text['paper_point']} ({rep['rates']['N']:g}, 8, {rep['rates']['K2O']:g})",
                    rep["rates"],
                )
            ],
            design=design,
            boxes=[(text["formula_box"], {n: (0.0, float(v)) for n, v in formula.items()})],
            labels={"design": text["design"]},
            lang=lang,
        )
        ax.set_xlabel("N (kg/667 m²)")
        ax.set_ylabel("K2O (kg/667 m²)")
        ax.set_title(text["surface_title"], fontsize=9)
        plotting.check_glyphs(ax)
        out["surface"] = fig
        fig, ax = plt.subplots(figsize=(5.0, 3.6), layout="constrained")
        plotting.plot_omission(self.omission, ax=ax, lang=lang)
        ax.set_title(text["omission_title"])
        plotting.check_glyphs(ax)
        out["omission"] = fig
        return out

    def to_html(self, path: str | Path | None = None, *, figures: bool = True) -> str:
        """The audit as one self-contained HTML page; written to ``path`` when given.

        The page holds the audit table (verdicts coloured), the figures
        (embedded PNG, nothing fetched), the full trial report of the
        reconstructed trial (:meth:`trial_report`: ANOVA, Duncan letters,
        omission indices, economics, diagnostics) and a note on the
        reconstruction, in ``lang``.

        Parameters
        ----------
        path : str or Path, optional
            Where to write the page.
        figures : bool, default True
            Draw and embed the figures.

        Returns
        -------
        str
            The HTML document.
        """
        lang = self.lang
        # one page style: the trial report's, with the verdict colours of the audit table
        doc = html_page(
            _t("title", lang),
            self._html_fragment(figures=figures, report=True),
            lang,
            extra_css=CSS,
        )
        if path is not None:
            Path(path).write_text(doc, encoding="utf-8")
        return doc

    def trial_report(self, *, figures: bool = True) -> Any:
        """The standard trial report (:func:`fertopt.trial_report`) of the reconstructed trial.

        ANOVA, Duncan letters, the reduced-rate plots against the formula
        (they lower a nutrient without omitting it, so no omission indices),
        residual diagnostics, in ``lang``, with the study's prices and the
        inferred rates.
        """
        data, treatment = self.data, "treatment"
        names = {
            "full": "formula",
            "control": "blank",
            "minus": {"N": "reduced N", "P2O5": "reduced P", "K2O": "reduced K"},
        }
        if self.lang == "zh":
            zh = dict(zip(data["treatment"], data["treatment_zh"], strict=True))
            # the Chinese labels under a Chinese column name: the report shows no internal name
            data = data.drop(columns="treatment").rename(columns={"treatment_zh": "处理"})
            treatment = "处理"
            names = {
                "full": zh["formula"],
                "control": zh["blank"],
                "minus": {k: zh[v] for k, v in names["minus"].items()},
            }
        with warnings.catch_warnings():
            # the confounded reduced-N / reduced-K plots are stated in the report itself
            warnings.simplefilter("ignore", DesignWarning)
            return trial_report(
                data,
                response="yield",
                treatment=treatment,
                block="block",
                rates=("N", "P2O5", "K2O"),
                prices=self.prices,
                lang=self.lang,
                omission=names,
                title=_t("analysis", self.lang),
                figures=figures,
            )

    def _html_fragment(self, *, figures: bool, report: bool = False) -> str:
        esc = html.escape
        lang = self.lang
        labels = TEXT["labels"][lang]
        cols = ["topic", "claim", "paper", "fertopt", "verdict_text", "explanation"]
        head = "".join(f"<th>{esc(labels[c])}</th>" for c in cols)
        body = []
        for _, r in self.table.iterrows():
            cells = "".join(
                f'<td class="v-{esc(VERDICT_CLASS[r["verdict"]])}">{esc(str(r[c]))}</td>'
                if c == "verdict_text"
                else f"<td>{esc(str(r[c]))}</td>"
                for c in cols
            )
            body.append(f"<tr>{cells}</tr>")
        table_class = "three-line audit" if report else "audit"
        parts = [
            f"<h1>{esc(_t('title', lang))}</h1>",
            f'<p class="headline">{esc(self._headline())}</p>',
            f"<p>{esc(_t('about', lang))}</p>",
            f"<h2>{esc(_t('audit_table', lang))}</h2>",
            (
                f'<div class="tbl"><table class="{table_class}"><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(body)}</tbody></table></div>"
            ),
        ]
        if figures:
            parts.append(f"<h2>{esc(_t('figures', lang))}</h2>")
            for name, (data, caption) in self._figure_png().items():
                uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
                width = _png_width(data) * 96 // 150  # saved at 150 dpi, shown at 96 px/in
                parts.append(
                    f'<figure id="fig-{esc(name)}"><img src="{uri}" width="{width}" '
                    f'alt="{esc(caption)}"><figcaption>{esc(caption)}</figcaption></figure>'
                )
        if report:
            # the report lists every warning of the analysis in its own section
            report_page = self.trial_report(figures=figures)
            parts.append(report_page.as_html_fragment(css=False, level=2))
        else:
            parts.append(f"<h2>{esc(_t('analysis', lang))}</h2>")
            for result in (self.anova, self.omission):
                parts.append(result.summary().as_html(css=False, level=3))
        parts.append(f"<h2>{esc(_t('reconstruction', lang))}</h2>")
        parts.append(f"<p>{esc(_t('reconstruction_text', lang))}</p>")
        if self.warnings and not report:
            items = "".join(f"<li>{esc(translate_message(w, lang))}</li>" for w in self.warnings)
            parts.append(f'<h2>{esc(_t("warnings", lang))}</h2><ul class="warn">{items}</ul>')
        page_class = "fertopt-report fertopt-audit" if report else "fertopt-audit"
        html_lang = "zh-CN" if lang == "zh" else "en"
        return f'<div class="{page_class}" lang="{html_lang}">{"".join(parts)}</div>'

    def _figure_png(self) -> dict[str, tuple[bytes, str]]:
        import matplotlib.pyplot as plt

        from fertopt import plotting

        captions = FIGURE_TEXT[self.lang]["captions"]
        lang = self.lang if self.lang == "en" or plotting.cjk_families() is not None else "en"
        out = {}
        with plotting.style(lang):
            for name, fig in self._draw(lang).items():
                # as wide as a report's figures, so its legends read at their size
                fig.set_size_inches(plotting.page_size(tuple(fig.get_size_inches())))
                buf = io.BytesIO()
                fig.savefig(buf, format="png", dpi=150)
                plt.close(fig)
                out[name] = (buf.getvalue(), captions[name])
        return out

    def _headline(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        # the verdict keys do not depend on the language: no need to redo the audit in ``lang``
        parts = ", ".join(f"{n} {VERDICTS[k][lang]}" for k, n in self.verdicts().items())
        return _t("headline", lang, n=len(self.table), counts=parts)

    def _table(self, lang: str) -> pd.DataFrame:
        """The audit table in ``lang`` (rebuilt from the analyses for another language)."""
        if lang == self.lang:
            return self.table
        return study_table(self.audit.in_language(lang).table)

    def summary(self, digits: int = 4, lang: str | None = None) -> Summary:
        """Full report of the audit; ``lang`` defaults to the language it was built in."""
        return super().summary(digits, self.lang if lang is None else lang)

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        table = self._table(lang)
        blocks: list[Any] = [Paragraph(_t("about", lang))]
        for topic in dict.fromkeys(table["topic"]):
            rows = table.loc[table["topic"] == topic]
            items = [
                f"[{r['verdict_text']}] {r['claim']} | {_t('paper_says', lang)}: "
                f"{r['paper']} | fertopt: {r['fertopt']}. {r['explanation']}"
                for _, r in rows.iterrows()
            ]
            blocks.append(Notes(items, title=topic))
        blocks.append(
            Notes([translate_message(w, lang) for w in self.warnings], title=_t("warnings", lang))
        )
        return Summary(_t("title", lang), blocks, headline=self._headline(lang), digits=digits)

    def _repr_html_(self) -> str:
        return f"<style>{CSS_SCOPED}</style>" + self._html_fragment(figures=False)


def _png_width(data: bytes) -> int:
    """Width in pixels of a PNG image (from its header)."""
    return int.from_bytes(data[16:20], "big")


# ---------------------------------------------------------------------------
# entry point
# ---------------------------------------------------------------------------
def study_table(table: pd.DataFrame) -> pd.DataFrame:
    """The engine's audit table under the study's item keys and column names."""
    old = {new: key for key, new in ITEMS.items()}
    out = pd.DataFrame(
        {
            "item": [old.get(i, i) for i in table["item"]],
            "topic": table["topic"],
            "claim": table["claim"],
            "paper": table["paper_says"],
            "paper_value": table["paper_value"],
            "fertopt": table["fertopt_finds"],
            "fertopt_value": table["fertopt_value"],
            "verdict": table["verdict"],
            "verdict_text": table["verdict_text"],
            "explanation": table["why"],
            "low": table["low"],
            "high": table["high"],
        }
    )
    return out[COLUMNS]


def audit(lang: str = "en") -> StudyAudit:
    """Audit the water-chestnut study: :func:`fertopt.audit` on its spec, with the analyses
    of the reconstructed plot data beside it.

    Parameters
    ----------
    lang : {'en', 'zh'}
        Language of the table's texts (the numbers are the same).

    Returns
    -------
    StudyAudit
        ``table`` (``item | topic | claim | paper | paper_value | fertopt |
        fertopt_value | verdict | verdict_text | explanation``), ``audit`` (the
        :class:`~fertopt.AuditResult` behind it), the analyses of the reconstruction
        (``anova``, ``comparison``, ``omission``), the printed numbers and the data.

    Notes
    -----
    The claims are those of :data:`SPEC` (``src/fertopt/studies/water_chestnut/spec.json``):
    the ANOVA and its two wordings, the claimed difference between reduced K and the
    formula, the P2O5, K2O and N equations, the ternary equation (value, shape, range,
    identifiability, fit statistics) and the economics; :data:`ITEMS` names each row.
    What is unique to the study stays here: the reconstructed plot data
    (``load_dataset("water_chestnut")``), its ANOVA, Duncan test and omission analysis,
    the figures and the HTML page with the trial report of the reconstruction.

    Examples
    --------
    >>> import fertopt as fo
    >>> a = fo.studies.water_chestnut.audit()
    >>> a.row("anova_f")["verdict"], a.row("anova_wording")["verdict"]
    ('confirmed', 'contradictory')
    """
    check_choice(lang, "lang", ("en", "zh"))
    result = run_audit(SPEC, lang=lang)
    pub = water_chestnut_published()
    data = load_dataset("water_chestnut")
    roles = data.attrs["fertopt"]["roles"]
    prices = Prices(**{k: pub["prices"][k] for k in ("crop", "N", "P2O5", "K2O")}, currency="yuan")
    caught_texts: list[str] = list(result.warnings)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        aov = anova(
            data, response=roles["response"], treatment=roles["treatment"], block=roles["block"]
        )
        om = omission(
            data,
            response="yield",
            treatment="treatment",
            block="block",
            full="formula",
            control="blank",
            minus={"N": "reduced N", "P2O5": "reduced P", "K2O": "reduced K"},
            rates=("N", "P2O5", "K2O"),
            prices={k: pub["prices"][k] for k in ("crop", "N", "P2O5", "K2O")},
        )
    caught_texts.extend(as_message(w.message) for w in caught)
    details = result.details
    curves = {nut: details[nut]["fit"] for nut in ("P2O5", "K2O")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # extrapolation and convexity are rows of the table
        optima: dict[str, Any] = {
            nut: {"maximum": curves[nut].optimum(), "optimum": curves[nut].optimum(prices=prices)}
            for nut in ("P2O5", "K2O")
        }
    optima["K2O"] |= {k: details["K2O"][k] for k in ("minimum", "paper_point")}
    optima["ternary"] = {
        k: details["ternary"][k]
        for k in (
            "canonical",
            "maximum_formula_box",
            "maximum_applied_box",
            "value_at_paper_point",
            "paper_point_in_hull",
        )
    }
    return StudyAudit(
        table=study_table(result.table),
        audit=result,
        lang=lang,
        published=pub,
        data=data,
        anova=aov,
        comparison=duncan(aov, alpha=0.05),
        omission=om,
        curves=curves,
        surface=details["ternary"]["surface"],
        optima=optima,
        prices=prices,
        refits={k: details[k]["refit"] for k in ("P2O5", "K2O", "ternary")},
        warnings=tuple(dict.fromkeys(caught_texts)),
    )
