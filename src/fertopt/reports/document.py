"""The pieces of a report: :class:`Section`, and the :class:`Figure` block it may hold.

The section builders in :mod:`fertopt.reports.sections` return these; the
:class:`~fertopt.reports.TrialReport` renders them through the document
renderer of :mod:`fertopt._core.document`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from fertopt._core.document import Figure

__all__ = ["Figure", "Section"]


@dataclass(frozen=True)
class Section:
    """One section of a report.

    Attributes
    ----------
    key : str
        ``data``, ``anova``, ``comparisons``, ``response``, ``surface``,
        ``omission``, ``diagnostics``, ``warnings`` or ``about``.
    title : str
        Heading in the report's language.
    status : {'ok', 'not_applicable', 'failed'}
        ``not_applicable`` sections are left out of the document (their
        ``reason`` is listed under "About this report"); ``failed`` sections are
        shown with their ``reason``.
    blocks : tuple
        Facts, Table, Paragraph, Notes and Figure blocks, in order.
    reason : str or None
        Why the section does not apply or why its analysis failed, in plain
        words (the error's message for a failure).
    """

    key: str
    title: str
    status: Literal["ok", "not_applicable", "failed"] = "ok"
    blocks: tuple[Any, ...] = ()
    reason: str | None = None
