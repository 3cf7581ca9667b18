"""One document for a soil-test correlation: :func:`soiltest_report`.

The page is a :class:`fertopt.reports.TrialReport` built from the public pieces of
:mod:`fertopt.reports` (:class:`~fertopt.reports.Section`, :class:`~fertopt.reports.Figure`):
the key findings (each result's headline), the sites, one section per result with its own
summary blocks (the same facts and tables as ``print(result)``) and its figure, and a closing
note.  It renders as self-contained HTML, Markdown or text, in English or Chinese.
"""

from __future__ import annotations

import datetime as _dt
import io
import warnings
from collections.abc import Sequence
from typing import Any

from fertopt._core.document import Notes, Paragraph
from fertopt._core.formatting import format_number
from fertopt._core.i18n import check_lang, label
from fertopt._core.validation import check_choice
from fertopt._version import __version__
from fertopt.exceptions import OptionError
from fertopt.reports import Figure, Section, TrialReport
from fertopt.soiltest.alcc import ALCCResult
from fertopt.soiltest.calibration import CalibrationFit
from fertopt.soiltest.classes import AbundanceClasses
from fertopt.soiltest.display import interval_text
from fertopt.soiltest.pipeline import NetworkCalibration
from fertopt.soiltest.quadrants import CateNelsonResult

__all__ = ["soiltest_report"]

_RESULTS = (CateNelsonResult, CalibrationFit, ALCCResult, AbundanceClasses)
_SIZE = (8.4, 5.0)


def _figure(result: Any, name: str, caption: str, lang: str, **kwargs: Any) -> Any:
    """The result's figure as a report Figure (PNG), drawn in the report's language."""
    from matplotlib.figure import Figure as MplFigure

    from fertopt import plotting

    with plotting.style(lang), warnings.catch_warnings():
        if plotting.find_cjk_font() is None:
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from")
        fig = MplFigure(figsize=_SIZE, layout="constrained")
        plotting.plot_soiltest(result, ax=fig.add_subplot(), lang=lang, **kwargs)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=200, metadata={"Software": None})
    return Figure(
        name=name,
        caption=caption,
        data=buf.getvalue(),
        format="png",
        width=_SIZE[0],
        height=_SIZE[1],
    )


def _interpretation(r: Any, lang: str) -> str:
    """What the result means for a site, in one or two sentences."""
    num = format_number
    if isinstance(r, CateNelsonResult):
        return label(
            "st_interp_cn",
            lang,
            cstv=num(r.cstv, 4),
            ry=num(r.cryv, 4),
            k=r.n_positive,
            n=r.n_obs,
            pct=num(100 * r.share_positive, 3),
        )
    if isinstance(r, CalibrationFit):
        ci = r.cstv_boot_ci if r.cstv_boot_ci is not None else r.cstv_ci
        where = (
            label("st_reach_join", lang)
            if r.cstv_kind == "join"
            else label("st_reach_target", lang, target=num(r.target, 4))
        )
        return label(
            "st_interp_cal", lang, where=where, cstv=num(r.cstv, 4), ci=interval_text(*ci, 4)
        )
    if isinstance(r, ALCCResult):
        return label(
            "st_interp_alcc",
            lang,
            cstv=num(r.cstv, 4),
            target=num(r.target, 4),
            ci=interval_text(*r.cstv_ci, 4),
            k=max(r.n_90x2, r.n_100),
        )
    names = r.class_names(lang)
    b = [num(v, 3) for v in r.boundaries]
    items = [label("st_interp_below", lang, name=names[0], v=b[0])]
    items += [
        label("st_interp_between", lang, name=names[i], lo=b[i - 1], hi=b[i])
        for i in range(1, len(b))
    ]
    items.append(label("st_interp_above", lang, name=names[-1], v=b[-1]))
    return label("st_interp_classes", lang, items=("; " if lang == "en" else "；").join(items))


def _name(result: Any, lang: str) -> str:
    """The result's summary title: what the section is called."""
    return result.summary(lang=lang).title


def soiltest_report(
    results: Any,
    /,
    *,
    lang: str = "en",
    title: str | None = None,
    figures: bool = True,
    digits: int = 4,
) -> TrialReport:
    """One document with the tables, figures and findings of soil-test correlation results.

    Parameters
    ----------
    results : result or sequence of results
        :class:`CateNelsonResult`, :class:`CalibrationFit`, :class:`ALCCResult` or
        :class:`AbundanceClasses`, fitted to the same sites (the first one describes them);
        or one :class:`NetworkCalibration` (:func:`calibrate_network`): the trials, the curve
        and boundaries of every nutrient, then per nutrient its class table, figure and rates
        per class.
    lang : {'en', 'zh'}, default 'en'
        Language of every word of the document and its figures.
    title : str, optional
        Title of the document (default: "Soil-test correlation: RY on STV").
    figures : bool, default True
        Draw one figure per result (matplotlib).
    digits : int, default 4
        Significant digits in the tables.

    Returns
    -------
    TrialReport
        ``to_html(path)`` (self-contained page), ``to_markdown(path)``, ``to_text()``;
        ``key_findings`` holds each result's headline.

    Raises
    ------
    OptionError
        Something other than soil-test results; an unknown ``lang``.

    Examples
    --------
    >>> import pandas as pd, fertopt as fo
    >>> sites = pd.DataFrame({"k": [26, 28, 30, 31, 34, 35, 40, 44, 49, 56, 68, 75],
    ...                       "ry": [53.5, 64.8, 63, 40.8, 79.5, 70.3, 63, 64, 94, 99, 66.5, 103]})
    >>> rep = fo.soiltest_report([fo.cate_nelson_1971(sites, stv="k", ry="ry")], figures=False)
    >>> [s.key for s in rep.sections]
    ['data', 'cate_nelson_1971', 'about']
    >>> rep.key_findings[0][:28]
    'Cate–Nelson 1971: CSTV 46.5 '
    """
    lang = check_lang(lang)
    check_choice(figures, "figures", (True, False))
    items = list(results) if isinstance(results, Sequence) else [results]
    if not items:
        raise OptionError("soiltest_report needs at least one result of fertopt.soiltest.")
    if any(isinstance(r, NetworkCalibration) for r in items):
        if len(items) > 1:
            raise OptionError(
                "a network calibration makes a report of its own: pass the NetworkCalibration "
                "alone (its classes already hold each nutrient's curve)."
            )
        return _network_report(items[0], lang=lang, title=title, figures=figures, digits=digits)
    for r in items:
        if not isinstance(r, _RESULTS):
            raise OptionError(
                "soiltest_report takes results of cate_nelson_1965, cate_nelson_1971, "
                "fit_calibration, mod_alcc, abundance_classes or calibrate_network; got "
                f"{type(r).__name__}."
            )
    first = items[0]
    data = first.calibration.data if isinstance(first, AbundanceClasses) else first.data
    stv, ry = data["stv"], data["ry"]
    sections = [
        Section(
            key="data",
            title=label("st_sec_data", lang),
            blocks=(
                Paragraph(
                    label(
                        "st_data_text",
                        lang,
                        n=len(stv),
                        lo=format_number(float(stv.min()), 4),
                        hi=format_number(float(stv.max()), 4),
                        rlo=format_number(float(ry.min()), 4),
                        rhi=format_number(float(ry.max()), 4),
                    )
                ),
            ),
        )
    ]
    findings, all_warnings = [], []
    for i, r in enumerate(items):
        name = _name(r, lang)
        parts = r.summary_parts(digits, lang)
        blocks: list[Any] = [Paragraph(_interpretation(r, lang)), *parts.values()]
        if figures:
            caption = label("st_figure_caption", lang, name=name)
            blocks.insert(len(blocks) - 1, _figure(r, f"soiltest_{i + 1}", caption, lang))
        key = getattr(r, "method", None) or getattr(r, "model", None) or type(r).__name__
        if isinstance(r, ALCCResult):
            key = "mod_alcc"
        elif isinstance(r, AbundanceClasses):
            key = "abundance_classes"
        sections.append(Section(key=str(key), title=name, blocks=tuple(blocks)))
        findings.append(r.summary(lang=lang).headline)
        all_warnings += [w for w in r.warnings if w not in all_warnings]
    sections.append(
        Section(
            key="about",
            title=label("st_sec_about", lang),
            blocks=(Paragraph(label("st_about_text", lang, version=__version__)),),
        )
    )
    created = label("generated", lang, version=__version__, date=_dt.date.today().isoformat())
    return TrialReport(
        title=title or label("st_report_title", lang, ry=first.ry, stv=first.stv),
        lang=lang,
        key_findings=tuple(findings),
        sections=tuple(sections),
        options={"digits": digits, "lang": lang, "figures": figures},
        n_obs=int(first.n_obs),
        n_dropped=int(first.n_dropped),
        warnings=tuple(all_warnings),
        created=created,
    )


def _network_report(
    cal: NetworkCalibration, *, lang: str, title: str | None, figures: bool, digits: int
) -> TrialReport:
    """The page of a network calibration: trials, curves, then classes and rates by nutrient."""
    ry = cal.relative_yields
    ry_parts = ry.summary_parts(digits, lang)
    cal_parts = cal.summary_parts(digits, lang)
    data_blocks = [cal_parts["facts"], ry_parts["by_nutrient"]]
    if "unusable" in ry_parts:
        data_blocks += [ry_parts["unusable"], ry_parts["first_unusable"]]
    sections = [
        Section(key="data", title=label("st_sec_network", lang), blocks=tuple(data_blocks)),
        Section(
            key="calibration",
            title=label("nw_cal_fits", lang),
            blocks=(cal_parts["fits"], cal_parts["note"]),
        ),
    ]
    findings = [cal.summary(lang=lang).headline]
    for i, (n, cls) in enumerate(cal.classes.items()):
        rec = cal.recommendations[n]
        cls_parts = cls.summary_parts(digits, lang)
        rec_parts = rec.summary_parts(digits, lang)
        name = label("st_sec_nutrient", lang, nutrient=n)
        blocks: list[Any] = [
            Paragraph(_interpretation(cls, lang)),
            cls_parts["boundaries"],
            cls_parts["classes"],
        ]
        if figures:
            caption = label("st_network_caption", lang, nutrient=n, soil=str(cls.stv))
            blocks.append(_figure(cal, f"soiltest_{i + 1}", caption, lang, nutrient=n))
        blocks += [rec_parts["facts"], rec_parts["rates"], rec_parts["pooled"]]
        notes = [*cls_parts["warnings"].items, *rec_parts["warnings"].items]
        if notes:
            blocks.append(Notes(notes, title=label("sec_warnings", lang)))
        sections.append(Section(key=f"nutrient_{n}", title=name, blocks=tuple(blocks)))
        findings.append(rec.summary(lang=lang).headline)
    sections.append(
        Section(
            key="about",
            title=label("st_sec_about", lang),
            blocks=(Paragraph(label("st_about_network", lang, version=__version__)),),
        )
    )
    created = label("generated", lang, version=__version__, date=_dt.date.today().isoformat())
    return TrialReport(
        title=title or label("st_network_title", lang, n=ry.n_trials),
        lang=lang,
        key_findings=tuple(findings),
        sections=tuple(sections),
        options={"digits": digits, "lang": lang, "figures": figures},
        n_obs=int(ry.n_trials),
        n_dropped=int((ry.unusable["scope"] == "ry").sum()),
        warnings=tuple(cal.warnings),
        created=created,
    )
