"""Section builders of :func:`fertopt.trial_report` (private).

Each builder takes the :class:`Context` (data, roles, options and the results
computed so far) and returns the blocks of one section; it raises
:class:`NotApplicable` when the section does not apply to this trial and lets
a :class:`~fertopt.FertoptError` propagate when its analysis fails.  The
caller turns both into a section with a plain-words reason, so one failed
analysis never stops the report.  Builders reach the analyses through their
public functions only (``fertopt.anova``, ``fertopt.duncan``, ...).
"""

from __future__ import annotations

from ._common import NUTRIENT_FORMS, POSTHOC_METHODS, NotApplicable
from ._context import Context

__all__ = ["Context", "NotApplicable", "POSTHOC_METHODS", "NUTRIENT_FORMS"]
