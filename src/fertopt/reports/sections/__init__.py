"""Section builders of :func:`fertopt.trial_report` (private).

Each builder takes the :class:`Context` (data, roles, options and the results
computed so far) and returns the blocks of one section; it raises
:class:`NotApplicable` when the section does not apply to this trial and lets
a :class:`~fertopt.FertoptError` propagate when its analysis fails.  The
caller turns both into a section with a plain-words reason, so one failed
analysis never stops the report.  Builders reach the analyses through their
public functions only (``fertopt.anova``, ``fertopt.duncan``, ...).

Modules
-------
_common
    Constants (post-hoc methods, nutrient forms, response models),
    :class:`NotApplicable` and small helpers shared by the builders.
_context
    :class:`Context`: options, shared results, figures and the order of the
    sections (:meth:`Context.build_sections`).
_data, _anova, _comparisons, _response, _surface, _omission, _diagnostics
    Sections 1 to 7: design and data, analysis of variance, multiple
    comparisons, response curves and optima, N-P-K surface, omission plots,
    residual diagnostics.
_about
    The closing section: software, options and notes.
"""

from __future__ import annotations

from fertopt.reports.sections.common import NUTRIENT_FORMS, POSTHOC_METHODS, NotApplicable
from fertopt.reports.sections.context import Context

__all__ = ["Context", "NotApplicable", "POSTHOC_METHODS", "NUTRIENT_FORMS"]
