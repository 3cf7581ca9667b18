"""Section builders of :func:`fertopt.trial_report` (private).

Each builder takes the :class:`Context` (data, roles and options, and the
results computed so far) and returns the blocks of one section; it raises
:class:`NotApplicable` when the section does not apply to this trial and lets
a :class:`~fertopt.FertoptError` propagate when its analysis fails.
:func:`build_sections` calls them in report order and turns both signals into
a section with a plain-words reason, so one failed analysis never stops the
report.  Builders reach the analyses through their public functions only
(``fertopt.anova.anova``, ``fertopt.multcomp.duncan``, ...).

Modules
-------
common
    Constants (post-hoc methods, nutrient forms, response models),
    :class:`NotApplicable` and small helpers shared by the builders.
context
    :class:`Context`: options, shared results, figures and key findings.
data, anova, comparisons, three414, response, surface, omission, diagnostics
    The sections in order: design and data, analysis of variance, multiple
    comparisons, the 3414 analysis, response curves and optima, N-P-K
    surface, omission plots and reduced-rate plots, residual diagnostics.
about
    The closing section: software, options and notes.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from fertopt._core.document import Notes, Paragraph
from fertopt._core.i18n import as_message, translate_message
from fertopt.exceptions import FertoptError
from fertopt.reports.document import Section
from fertopt.reports.sections.about import about_blocks
from fertopt.reports.sections.anova import anova_section
from fertopt.reports.sections.common import NUTRIENT_FORMS, POSTHOC_METHODS, NotApplicable
from fertopt.reports.sections.comparisons import comparisons_section
from fertopt.reports.sections.context import Context
from fertopt.reports.sections.data import data_section
from fertopt.reports.sections.diagnostics import diagnostics_section
from fertopt.reports.sections.omission import omission_section, reduced_section
from fertopt.reports.sections.response import response_section
from fertopt.reports.sections.surface import surface_section
from fertopt.reports.sections.three414 import three414_section

__all__ = ["Context", "NotApplicable", "POSTHOC_METHODS", "NUTRIENT_FORMS", "build_sections"]

#: Section key, key of its title, builder; in report order.
BUILDERS: tuple[tuple[str, str, Callable[[Context], list[Any]]], ...] = (
    ("data", "sec_data", data_section),
    ("anova", "sec_anova", anova_section),
    ("comparisons", "sec_comparisons", comparisons_section),
    ("three414", "sec_three414", three414_section),
    ("response", "sec_response", response_section),
    ("surface", "sec_surface", surface_section),
    ("omission", "sec_omission", omission_section),
    ("reduced", "sec_reduced", reduced_section),
    ("diagnostics", "sec_diagnostics", diagnostics_section),
)


def build_sections(ctx: Context) -> list[Section]:
    """Every section of the report in order, then the warnings and the closing notes."""
    sections = [_build(ctx, key, ctx.t(title_key), builder) for key, title_key, builder in BUILDERS]
    # warnings and notes come last: they gather what the analyses said
    items = [translate_message(w, ctx.lang) for w in ctx.warning_texts()]
    block = Notes(items, title=None) if items else Paragraph(ctx.t("no_warnings"))
    sections.append(Section("warnings", ctx.t("sec_warnings"), "ok", (block,)))
    sections.append(Section("about", ctx.t("sec_about"), "ok", tuple(about_blocks(ctx, sections))))
    return sections


def _build(ctx: Context, key: str, title: str, builder: Callable[[Context], list[Any]]) -> Section:
    """One section: its blocks, or why it does not apply, or why its analysis failed."""
    try:
        blocks = builder(ctx)
    except NotApplicable as na:
        return Section(key, title, "not_applicable", (), str(na))
    except FertoptError as exc:
        if ctx.errors == "raise":
            raise
        # an error raised with a keyed message is shown in the report's language
        return Section(key, title, "failed", (), translate_message(as_message(exc), ctx.lang))
    except Exception as exc:
        if ctx.errors == "raise":
            raise
        where = traceback.extract_tb(exc.__traceback__)[-1]
        error = f"{type(exc).__name__}: {exc} at {where.name}"
        return Section(key, title, "failed", (), ctx.t("internal_error", error=error))
    return Section(key, title, "ok", tuple(blocks))
