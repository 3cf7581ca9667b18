"""One trial's full analysis as a document: :func:`trial_report`.

The report follows the order in which an agronomist writes up a trial:
design and data (with the plots left out), the analysis of variance with its
CV, multiple comparisons with letter groups, fertilizer response curves with
the rate of maximum yield and the economic optimum (intervals and status), the
N-P-K surface, omission-plot indices where the design has them, residual
diagnostics, and every warning in plain words.  It renders as a self-contained
HTML page (figures embedded, nothing fetched), as Markdown with the figures
written beside it, as plain text, and in Jupyter; in English or Chinese.

A section that does not apply (no rate columns → no response curves) is left
out with a note; a section whose analysis fails says why and the rest of the
report is still produced.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import html
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from fertopt._core.document import (
    PAGE_CSS,
    REPORT_STYLE,
    Notes,
    Paragraph,
    Summary,
    Table,
    block_html,
    block_markdown,
    block_text,
    html_page,
    md_escape,
    text_width,
)
from fertopt._core.formatting import ResultBase, to_jsonable
from fertopt._core.i18n import check_lang, label
from fertopt._core.validation import check_choice, check_errors, check_probability
from fertopt._version import __version__
from fertopt.exceptions import OptionError
from fertopt.mixed import combined_anova
from fertopt.plan import plan_analysis
from fertopt.reports import sections as _rs
from fertopt.reports.document import Figure, Section, write_docx, write_excel
from fertopt.reports.sections.combined import combined_blocks

__all__ = ["trial_report", "combined_report", "TrialReport", "Section", "Figure"]


# ---------------------------------------------------------------------------
# the report
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class TrialReport(ResultBase):
    """Result of :func:`trial_report`: one trial's analysis as a document.

    Attributes
    ----------
    title : str
        Title of the document.
    lang : {'en', 'zh'}
        Language of labels and text.
    key_findings : tuple of str
        The main results in one sentence each, shown first.
    sections : tuple of Section
        The sections in order (including the ones that do not apply).
    anova : AnovaResult or None
        The analysis of variance (``None`` if it failed).
    comparisons : tuple
        One ``MultCompResult`` per compared term (empty if none).
    responses : dict
        Rate column → fitted response curve.
    optima : dict
        Rate column → tuple of optima (rate of maximum yield, economic optimum).
    surface : object or None
        The N-P-K surface fit, when the rates support one.
    omission : object or None
        The omission-plot analysis, when the design has one.
    three414 : Three414Result or None
        The 3414 analysis, when the trial is a 3414 trial.
    plan : AnalysisPlan or None
        What the table was recognised as (:func:`fertopt.plan_analysis`).
    combined : CombinedAnovaResult or None
        The combined analysis over sites (:func:`fertopt.combined_anova`) of a trial
        repeated over sites or years.
    options : dict
        The options used (roles, rates, prices, method, alpha, model, language).
    n_obs, n_dropped : int
        Plots in the data, and plots left out for a missing response.
    warnings : tuple of str
        Every warning of every analysis, in plain words, without repeats.
    data : DataFrame or None
        The data the report was made from (written to the first sheet of
        :meth:`to_excel`).
    """

    title: str
    lang: str
    key_findings: tuple[str, ...]
    sections: tuple[Section, ...]
    anova: Any = None
    comparisons: tuple[Any, ...] = ()
    responses: dict[str, Any] = field(default_factory=dict)
    optima: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    surface: Any = None
    omission: Any = None
    three414: Any = None
    plan: Any = None
    combined: Any = None
    options: dict[str, Any] = field(default_factory=dict)
    n_obs: int = 0
    n_dropped: int = 0
    warnings: tuple[str, ...] = ()
    created: str = ""
    display_notes: tuple[str, ...] = ()
    data: Any = field(default=None, repr=False)

    # -- structure ------------------------------------------------------------
    @property
    def shown(self) -> tuple[Section, ...]:
        """Sections that appear in the document (everything but ``not_applicable``)."""
        return tuple(s for s in self.sections if s.status != "not_applicable")

    @property
    def figures(self) -> tuple[Figure, ...]:
        """All figures, in order."""
        return tuple(b for s in self.shown for b in s.blocks if isinstance(b, Figure))

    def section(self, key: str) -> Section:
        """The section with ``key`` (``"anova"``, ``"comparisons"``, ...)."""
        for s in self.sections:
            if s.key == key:
                return s
        keys = ", ".join(s.key for s in self.sections)
        raise OptionError(f"this report has no section {key!r}; its sections are {keys}.")

    def numbered_blocks(self) -> list[tuple[int, Section, list[tuple[Any, str | None]]]]:
        """Shown sections with their numbers, and their blocks with the page's numbering.

        ``[(1, section, [(block, "Table 1."), (block, None), ...]), ...]``: what every
        output (HTML, Markdown, text, Excel, Word) numbers alike.
        """
        return self._numbered()

    def reason_text(self, section: Section) -> str:
        """Why a failed section could not be completed, in the report's language ("" if not)."""
        return _reason_text(section, self.lang)

    def _numbered(self) -> list[tuple[int, Section, list[tuple[Any, str | None]]]]:
        """Shown sections with their number, and blocks with their number label."""
        out = []
        n_table = n_fig = 0
        for i, sec in enumerate(self.shown, start=1):
            blocks: list[tuple[Any, str | None]] = []
            for block in sec.blocks:
                tag = None
                if isinstance(block, Table) and block.title:
                    n_table += 1
                    tag = _caption_tag("table", n_table, self.lang)
                elif isinstance(block, Figure):
                    n_fig += 1
                    tag = _caption_tag("figure", n_fig, self.lang)
                blocks.append((block, tag))
            out.append((i, sec, blocks))
        return out

    # -- ResultBase hooks ----------------------------------------------------
    def _headline(self) -> str:
        failed = sum(s.status == "failed" for s in self.sections)
        text = f"{self.title!r} | {len(self.shown)} sections"
        if failed:
            text += f" ({failed} failed)"
        return text + f" | {len(self.figures)} figures | lang={self.lang}"

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        blocks: list[Any] = [Notes(list(self.key_findings), title=label("key_findings", self.lang))]
        for i, sec, items in self._numbered():
            blocks.append(Paragraph(_reason_text(sec, self.lang), title=f"{i}. {sec.title}"))
            for block, tag in items:
                if isinstance(block, Figure):
                    blocks.append(Paragraph(f"[{tag} {block.caption}]"))
                elif isinstance(block, Table) and tag:
                    blocks.append(dataclasses.replace(block, title=f"{tag} {block.title}"))
                else:
                    blocks.append(block)
        return Summary(self.title, blocks, digits=digits)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        return self.as_html_fragment()

    def to_dict(self) -> dict[str, Any]:
        """Options, key findings, sections, warnings and every analysis result as JSON-safe data.

        Figures are listed by name and caption only.
        """
        out: dict[str, Any] = {
            "result": "TrialReport",
            "fertopt_version": __version__,
            "title": self.title,
            "lang": self.lang,
            "created": self.created,
            "options": to_jsonable(self.options),
            "design": getattr(self.anova, "design", None),
            "n_obs": self.n_obs,
            "n_dropped": self.n_dropped,
            "key_findings": list(self.key_findings),
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "status": s.status,
                    "reason": s.reason,
                    "figures": [
                        {"name": b.name, "caption": b.caption}
                        for b in s.blocks
                        if isinstance(b, Figure)
                    ],
                }
                for s in self.sections
            ],
            "warnings": list(self.warnings),
            "anova": _result_dict(self.anova),
            "comparisons": [_result_dict(c) for c in self.comparisons],
            "responses": {k: _result_dict(v) for k, v in self.responses.items()},
            "optima": {k: [_result_dict(o) for o in v] for k, v in self.optima.items()},
            "surface": _result_dict(self.surface),
            "omission": _result_dict(self.omission),
            "three414": _result_dict(self.three414),
            "plan": _result_dict(self.plan),
        }
        return out

    # -- text -----------------------------------------------------------------
    def to_text(self, digits: int | None = None) -> str:
        """The report as plain text (figures are named, not drawn)."""
        digits = self.options.get("digits", 4) if digits is None else digits
        lines = [self.title, "=" * max(3, text_width(self.title))]
        if self.created:
            lines.append(self.created)
        lines += [
            "",
            label("key_findings", self.lang),
            "-" * text_width(label("key_findings", self.lang)),
        ]
        lines += [f"- {k}" for k in self.key_findings]
        for i, sec, items in self._numbered():
            head = f"{i}. {sec.title}"
            lines += ["", "", head, "=" * text_width(head)]
            reason = _reason_text(sec, self.lang)
            if reason:
                lines.append(reason)
            for block, tag in items:
                lines.append("")
                lines += block_text(block, digits, tag=tag, style=REPORT_STYLE)
        return "\n".join(lines).rstrip() + "\n"

    # -- markdown -------------------------------------------------------------
    def to_markdown(self, path: str | Path | None = None, *, digits: int | None = None) -> str:
        """The report as Markdown; with ``path``, write it and its figures beside it.

        Parameters
        ----------
        path : str or Path, optional
            Where to write the ``.md`` file.  Figures are written to a folder
            ``<stem>_figures`` next to it and linked relatively, so the folder
            can be moved or zipped together with the file.  Without a path the
            figures are embedded as ``data:`` URIs (shown by Jupyter, VS Code
            and most Markdown editors).
        digits : int, optional
            Significant digits in tables (default: the report's).

        Returns
        -------
        str
            The Markdown text.
        """
        digits = self.options.get("digits", 4) if digits is None else digits
        fig_dir: Path | None = None
        if path is not None:
            path = Path(path)
            fig_dir = path.parent / f"{path.stem}_figures"
            if self.figures:
                fig_dir.mkdir(parents=True, exist_ok=True)
        out = [f"# {md_escape(self.title)}", ""]
        if self.created:
            out += [f"*{md_escape(self.created)}*", ""]
        out += [f"## {label('key_findings', self.lang)}", ""]
        out += [f"- {md_escape(k)}" for k in self.key_findings] + [""]
        n_fig = 0

        def figure_src(figure: Figure) -> str:
            """Write the figure beside the file (or embed it) and return its link."""
            nonlocal n_fig
            n_fig += 1
            if fig_dir is None:
                return figure.data_uri()
            fname = f"fig{n_fig}_{figure.name}.{figure.format}"
            (fig_dir / fname).write_bytes(figure.data)
            return f"{fig_dir.name}/{fname}"

        for i, sec, items in self._numbered():
            out += [f"## {i}. {md_escape(sec.title)}", ""]
            reason = _reason_text(sec, self.lang)
            if reason:
                out += [f"> {md_escape(reason)}", ""]
            for block, tag in items:
                out += block_markdown(
                    block, digits, level=3, tag=tag, style=REPORT_STYLE, figure_src=figure_src
                )
        text = "\n".join(out).rstrip() + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    # -- html -----------------------------------------------------------------
    def as_html_fragment(
        self, *, digits: int | None = None, css: bool = True, level: int = 1
    ) -> str:
        """The report as an HTML fragment with its own scoped style (for Jupyter).

        ``css=False`` leaves the style out and ``level`` is the heading level of the
        title (sections one below), for a page that embeds the report under its own
        headings and style (:func:`fertopt._core.document.html_page`).
        """
        digits = self.options.get("digits", 4) if digits is None else digits
        esc = html.escape
        h1, h2, h3 = (f"h{min(level + i, 6)}" for i in range(3))
        parts = [f"<style>{PAGE_CSS}</style>"] if css else []
        parts.append(f'<div class="fertopt-report" lang="{_html_lang(self.lang)}">')
        parts.append(f"<{h1}>{esc(self.title)}</{h1}>")
        if self.created:
            parts.append(f'<p class="meta">{esc(self.created)}</p>')
        findings = "".join(f"<li>{esc(k)}</li>" for k in self.key_findings)
        parts.append(
            f'<div class="findings"><{h2}>{esc(label("key_findings", self.lang))}</{h2}>'
            f"<ul>{findings}</ul></div>"
        )
        for i, sec, items in self._numbered():
            cls = "section failed" if sec.status == "failed" else "section"
            parts.append(
                f'<section class="{cls}" id="sec-{esc(sec.key)}"><{h2}>{i}. {esc(sec.title)}</{h2}>'
            )
            reason = _reason_text(sec, self.lang)
            if reason:
                parts.append(f'<p class="reason">{esc(reason)}</p>')
            for block, tag in items:
                parts.append(
                    block_html(block, digits, level=int(h3[1]), tag=tag, style=REPORT_STYLE)
                )
            parts.append("</section>")
        parts.append("</div>")
        return "".join(parts)

    def to_excel(self, path: str | Path, *, digits: int | None = None) -> Path:
        """Write the report as one Excel workbook, the tables ready to paste into a paper.

        The first sheet holds the data (units in the headers); then one sheet per section
        with tables (design and data, ANOVA, multiple comparisons, response, surface,
        omission or 3414 indices, diagnostics, as the report has them), each table under
        its numbered caption with a bold header between the rules of a three-line table,
        in the report's language.  Numbers stay numbers, shown by the report's rounding
        (yields at the data's decimals, rates to 0.1, p to 4 decimals, ``< 0.0001`` below).

        Parameters
        ----------
        path : str or Path
            The ``.xlsx`` file to write.
        digits : int, optional
            Significant digits of numbers without a rounding rule (default: the report's).

        Returns
        -------
        Path
            The file written.

        Raises
        ------
        DependencyError
            openpyxl is not installed: ``pip install 'fertopt[excel]'``.

        Examples
        --------
        >>> import fertopt as fo, tempfile, pathlib, openpyxl
        >>> rep = fo.trial_report(fo.load_dataset("minnesota_2012"), response="yld_grain_dry_kgha",
        ...                       treatment="trt", block="rep", figures=False)
        >>> out = rep.to_excel(pathlib.Path(tempfile.mkdtemp()) / "report.xlsx")
        >>> print(*openpyxl.load_workbook(out).sheetnames, sep="; ")
        Data; Design and data; Analysis of variance; Multiple comparisons; Residual diagnostics
        """
        digits = self.options.get("digits", 4) if digits is None else digits
        return write_excel(self, path, digits=digits)

    def to_docx(self, path: str | Path, *, digits: int | None = None) -> Path:
        """Write the report as a Word document: headings, key findings, tables and figures.

        Sections are numbered headings, tables three-line tables under their numbered
        captions, figures the report's PNG images with their captions, in the report's
        language (a Chinese font for ``lang="zh"``).

        Parameters
        ----------
        path : str or Path
            The ``.docx`` file to write.
        digits : int, optional
            Significant digits of numbers without a rounding rule (default: the report's).

        Returns
        -------
        Path
            The file written.

        Raises
        ------
        DependencyError
            python-docx is not installed: ``pip install 'fertopt[docx]'``.
        """
        digits = self.options.get("digits", 4) if digits is None else digits
        return write_docx(self, path, digits=digits)

    def to_html(self, path: str | Path | None = None, *, digits: int | None = None) -> str:
        """The report as one self-contained HTML page; write it to ``path`` when given.

        Figures are embedded as ``data:`` URIs and the style is inline: the file
        references nothing outside itself (no web fonts, scripts or images), so
        it can be mailed, archived and opened offline.

        Returns
        -------
        str
            The HTML document.
        """
        doc = html_page(self.title, self.as_html_fragment(digits=digits, css=False), self.lang)
        if path is not None:
            Path(path).write_text(doc, encoding="utf-8")
        return doc


def _result_dict(result: Any) -> Any:
    if result is None:
        return None
    if hasattr(result, "to_dict"):
        return to_jsonable(result.to_dict())
    return to_jsonable(result)


def _caption_tag(kind: str, n: int, lang: str) -> str:
    return f"{label(kind, lang)} {n}" if lang == "zh" else f"{label(kind, lang)} {n}."


def _html_lang(lang: str) -> str:
    return "zh-CN" if lang == "zh" else "en"


def _reason_text(sec: Section, lang: str) -> str:
    if sec.status == "failed" and sec.reason:
        return label("failed", lang, reason=sec.reason)
    return ""


# ---------------------------------------------------------------------------
# the public function
# ---------------------------------------------------------------------------
def trial_report(
    data: pd.DataFrame,
    /,
    *,
    response: str,
    treatment: str | Sequence[str] | None = None,
    block: str | None = None,
    rates: str | Sequence[str] | Mapping[str, str] | None = None,
    factors: Sequence[str] | None = None,
    main_plot: str | None = None,
    sub_plot: str | None = None,
    sub_sub_plot: str | None = None,
    horizontal: str | None = None,
    vertical: str | None = None,
    row: str | None = None,
    column: str | None = None,
    design: str | None = None,
    site: str | Sequence[str] | None = None,
    site_effects: str = "random",
    prices: Any = None,
    lang: str = "en",
    posthoc: str | None = "duncan",
    alpha: float = 0.05,
    model: str = "quadratic",
    omission: Mapping[str, Any] | None = None,
    title: str | None = None,
    figures: bool = True,
    figure_format: str = "png",
    digits: int = 4,
    errors: str = "record",
) -> TrialReport:
    """One trial's full analysis as a document (HTML, Markdown, text, Jupyter), English or Chinese.

    Parameters
    ----------
    data : DataFrame
        One row per plot (from :func:`fertopt.read_trials` or
        :func:`fertopt.load_dataset`; units recorded there are shown).
    response : str
        Response column (yield).
    treatment : str or list of str, optional
        Treatment column, or two or three factor columns of a factorial.  A
        factorial whose rate columns are crossed needs no treatment column.
    block : str, optional
        Block (replicate) column.
    rates : str, list of str or mapping, optional
        Rate columns for response curves and surfaces.  A column named ``N``,
        ``P2O5``, ``K2O``, ``P`` or ``K`` is that nutrient; otherwise give a
        mapping ``{"rate_n_applied_kgha": "N"}`` so that prices can be matched.
    factors, main_plot, sub_plot, sub_sub_plot, horizontal, vertical, row, column, design : optional
        The design, when it should not be recognised from the table: crossed
        factors of a factorial, the factors of a split-plot or split-split-plot, the
        horizontal and vertical factors of a strip-plot, the rows and
        columns of a Latin square, or ``design=`` by name (see
        :func:`fertopt.plan_analysis`, which recognises the design and whose
        one-line reason the report shows in its design section).
    site : str or list of str, optional
        Environment column(s) of a trial repeated over sites or years; the report is then
        the combined analysis (:func:`fertopt.combined_anova`, section ``"combined"``: the
        recogniser's reason, each site's own ANOVA, the homogeneity of the error variances,
        the combined table, the variance components and the LS-means with letters).  A
        column named as a site, location or year is recognised without it.
    site_effects : {'random', 'fixed'}, default 'random'
        Sites as a sample of a region (treatments tested against treatment × site) or as
        the only sites of interest (against the pooled residual); combined analysis only.
    prices : Prices, optional
        Crop and nutrient prices; with them the economic optima, net returns
        and value-cost ratios are reported.
    lang : {'en', 'zh'}, default 'en'
        Language of the report and of figure labels.
    posthoc : {'duncan', 'lsd', 'tukey', 'snk', 'scheffe', 'regwq', 'waller'} or None
        Multiple-comparison method for the letter groups (default ``'duncan'``);
        ``None`` leaves the section out.
    alpha : float, default 0.05
        Significance level of the letter groups (the Waller–Duncan test has none: it
        runs at k-ratio 100).
    model : str, default 'quadratic'
        Response model (``linear``, ``quadratic``, ``linear_plateau``,
        ``quadratic_plateau``, ``mitscherlich``, ``square_root``), or
        ``"best"`` for the lowest AICc among those that converge.  Every
        model is compared in a table either way.
    omission : mapping, optional
        Omission-plot layout passed to :func:`fertopt.omission`: ``full``,
        ``minus`` (nutrient → treatment lacking it) and ``control``.  When
        omitted, treatments named ``NPK`` / ``PK`` / ``NK`` / ``NP`` / ``CK``
        (or full and minus-one rates) are recognised; a plot that only lowers
        a nutrient is a reduced-rate plot and gets no omission indices.
    title : str, optional
        Document title (default: "Field trial report: <response>").
    figures : bool, default True
        Draw the figures (``False`` is faster for text or JSON output).
    figure_format : {'png', 'svg'}, default 'png'
        How figures are embedded and written.
    digits : int, default 4
        Significant digits in tables (display only).
    errors : {'record', 'raise'}, default 'record'
        ``record`` states a failed analysis in its section and carries on;
        ``raise`` lets the error propagate (for debugging).  ``'report'``, the former
        spelling of ``'record'``, is deprecated.

    Returns
    -------
    TrialReport
        ``to_html(path)``, ``to_markdown(path)``, ``to_text()``, ``to_dict()``,
        Jupyter display; the analysis results in ``anova``, ``comparisons``,
        ``responses``, ``optima``, ``surface``, ``omission``; ``sections``,
        ``key_findings`` and ``warnings``.

    Raises
    ------
    ColumnError
        A role names a column that is not in ``data`` (close matches suggested).
    OptionError
        An option is not valid (language, method, figure format, alpha), or the
        table leaves the design open (the message names the option that
        settles it).

    Warns
    -----
    FertoptWarning
        Every warning of the analyses, re-issued once each (they are also
        listed in the report).
    DisplayWarning
        ``lang="zh"`` but no installed font can draw Chinese characters:
        figure labels fall back to English; the message says what to install.

    Notes
    -----
    Each analysis is the library's own function, with the ANOVA's error term
    reused by the comparisons: :func:`fertopt.anova`, the chosen multiple
    comparison, :func:`fertopt.fit_response` and ``optimum()`` per rate
    column (plots in which the other nutrients are held constant),
    :func:`fertopt.fit_surface` for two or three rate columns, and
    :func:`fertopt.omission`; a 3414 trial gets :func:`fertopt.three414`
    instead of the response curves and the surface, so the report recommends
    the rates that ``three414`` recommends.  The numbers in the report are
    those of the result objects, rounded for display only.

    Examples
    --------
    >>> import fertopt as fo
    >>> df = fo.load_dataset("minnesota_2012")
    >>> rep = fo.trial_report(df, response="yld_grain_dry_kgha", treatment="trt",
    ...                       block="rep", figures=False)
    >>> rep.key_findings[0]
    'Treatments (trt): highly significant (**; F(7, 21) = 13.20, p < 0.0001).'
    >>> [s.key for s in rep.shown]
    ['data', 'anova', 'comparisons', 'diagnostics', 'warnings', 'about']
    """
    lang = check_lang(lang)
    check_choice(figure_format, "figure_format", ("png", "svg"))
    errors = check_errors(errors, "trial_report", former=("report",))
    if posthoc is not None:
        posthoc = check_choice(str(posthoc).lower(), "posthoc", _rs.POSTHOC_METHODS)
    alpha = check_probability(alpha, "alpha")
    plan = plan_analysis(
        data,
        response=response,
        treatment=treatment,
        block=block,
        rates=rates,
        factors=factors,
        main_plot=main_plot,
        sub_plot=sub_plot,
        sub_sub_plot=sub_sub_plot,
        horizontal=horizontal,
        vertical=vertical,
        row=row,
        column=column,
        design=design,
        omission=omission,
        site=site,
    )
    if plan.design == "combined":
        return _combined_trial_report(
            data,
            plan,
            site_effects=site_effects,
            posthoc=posthoc,
            alpha=alpha,
            lang=lang,
            title=title,
            digits=digits,
        )
    ctx = _rs.Context.create(
        data,
        plan=plan,
        prices=prices,
        lang=lang,
        posthoc=posthoc,
        alpha=alpha,
        model=model,
        figures=figures,
        figure_format=figure_format,
        digits=digits,
        errors=errors,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # the context reads this list as it fills: the warnings section, built after the
        # analyses, and the key findings' count list the same warnings
        ctx.record(caught)
        ctx.prepare_fonts()
        sections = _rs.build_sections(ctx)
    findings = ctx.key_findings(sections)
    created = label("generated", lang, version=__version__, date=_dt.date.today().isoformat())
    source = ctx.source_name()
    if source:
        created = f"{label('data_source', lang)}: {source} · {created}"
    report = TrialReport(
        title=title or label("report_of", lang, response=ctx.response_label()),
        lang=lang,
        key_findings=tuple(findings),
        sections=tuple(sections),
        anova=ctx.anova,
        comparisons=tuple(ctx.comparisons),
        responses=dict(ctx.fits),
        optima={k: tuple(v) for k, v in ctx.optima.items()},
        surface=ctx.surface,
        omission=ctx.omission_result,
        three414=ctx.three414,
        plan=plan,
        options=ctx.options(),
        n_obs=ctx.n_rows,
        n_dropped=ctx.n_dropped,
        warnings=tuple(ctx.warning_texts()),
        created=created,
        display_notes=tuple(ctx.display_notes),
        data=ctx.data,
    )
    for category, message in ctx.reissue():
        warnings.warn(message, category, stacklevel=2)
    return report


def combined_report(
    result: Any,
    /,
    *,
    posthoc: str = "duncan",
    alpha: float = 0.05,
    lang: str = "en",
    title: str | None = None,
    digits: int = 4,
) -> TrialReport:
    """The report of a combined analysis over environments.

    Parameters
    ----------
    result : CombinedAnovaResult
        From :func:`fertopt.combined_anova`.
    posthoc : {"duncan", "lsd", "tukey", "snk", "scheffe", "regwq", "waller"}
        Test behind the letters of the LS-means; it uses the error the treatments were
        tested against (treatment × environment when environments are random).
    alpha : float
        Level of the letters.
    lang : {"en", "zh"}
    title : str, optional
    digits : int
        Significant digits of the tables.

    Returns
    -------
    TrialReport
        One section ``"combined"``: the per-environment table (each environment's own
        ANOVA: plots, mean, error df and mean square, CV, treatment F and p), the verdict
        on the homogeneity of the error variances, the combined ANOVA table, the REML
        variance components and the LS-means with their letters; then the warnings.

    Examples
    --------
    >>> import fertopt as fo
    >>> ca = fo.combined_anova(fo.load_dataset("hernandez_3sites"), response="yield",
    ...                        treatment="N", block="rep", site="site")
    >>> rep = fo.combined_report(ca, lang="zh")
    >>> [s.key for s in rep.sections]
    ['combined', 'warnings']
    """
    lang = check_lang(lang)
    check_choice(posthoc, "posthoc", _rs.POSTHOC_METHODS)
    alpha = check_probability(alpha, "alpha")
    if not all(hasattr(result, a) for a in ("site_anovas", "homogeneity", "lsmeans")):
        raise OptionError(
            f"combined_report() takes the result of fertopt.combined_anova(...), got "
            f"{type(result).__name__}; for one trial use fertopt.trial_report(data, ...)."
        )
    return _combined_document(
        result, posthoc=posthoc, alpha=alpha, lang=lang, title=title, digits=digits
    )


def _combined_trial_report(
    data: pd.DataFrame, plan: Any, *, site_effects: str, **options: Any
) -> TrialReport:
    """``trial_report`` of a trial repeated over sites: the combined analysis of its plan."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = combined_anova(data, **plan.combined_roles(), site_effects=site_effects)
    report = _combined_document(result, plan=plan, **options)
    for w in caught:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return report


def _combined_document(
    result: Any,
    *,
    posthoc: str | None,
    alpha: float,
    lang: str,
    title: str | None,
    digits: int,
    plan: Any = None,
) -> TrialReport:
    """The report of a combined analysis (with the recogniser's reason when there is a plan)."""
    blocks, mc = combined_blocks(result, posthoc=posthoc, alpha=alpha, lang=lang, digits=digits)
    if plan is not None:
        blocks = [Paragraph(plan.describe(lang)), *blocks]
    comparisons = () if mc is None else (mc,)
    items = list(dict.fromkeys([*result.warnings, *(w for c in comparisons for w in c.warnings)]))
    notes = Notes(items, title=None) if items else Paragraph(label("no_warnings", lang))
    sections = (
        Section("combined", label("rpt_combined", lang), "ok", tuple(blocks)),
        Section("warnings", label("sec_warnings", lang), "ok", (notes,)),
    )
    findings = (result.homogeneity.verdict(lang), result.summary(digits, lang).headline or "")
    return TrialReport(
        title=title or label("ca_title", lang, response=result.response),
        lang=lang,
        key_findings=tuple(f for f in findings if f),
        sections=sections,
        comparisons=comparisons,
        plan=plan,
        combined=result,
        options={
            "posthoc": posthoc,
            "alpha": alpha,
            "lang": lang,
            "site_effects": result.site_effects,
        },
        n_obs=result.n_obs,
        n_dropped=result.n_dropped,
        warnings=tuple(items),
        created=_dt.date.today().isoformat(),
    )
