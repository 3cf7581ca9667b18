"""Constants, the NotApplicable signal and small helpers shared by the report sections."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fertopt._core.i18n import label
from fertopt.multcomp import LETTER_TESTS
from fertopt.plan import NUTRIENT_FORMS

__all__ = [
    "NUTRIENT_FORMS",
    "NotApplicable",
    "POSTHOC_METHODS",
    "RESPONSE_MODELS",
    "yes_no",
]

POSTHOC_METHODS = tuple(LETTER_TESTS)
RESPONSE_MODELS = (
    "linear",
    "quadratic",
    "linear_plateau",
    "quadratic_plateau",
    "mitscherlich",
    "square_root",
)


class NotApplicable(Exception):
    """The section does not apply to this trial; the message says why."""


def yes_no(lang: str) -> Callable[[Any], str]:
    """Cell format of a true/false column: "yes" or "no" in ``lang``."""
    return lambda v: label("yes", lang) if bool(v) else label("no", lang)
