"""Constants, the NotApplicable signal and small helpers shared by the report sections."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from fertopt._core import validation as _v
from fertopt._core.i18n import label
from fertopt.exceptions import OptionError
from fertopt.io import guess_column
from fertopt.multcomp import LETTER_TESTS

__all__ = [
    "NUTRIENT_FORMS",
    "NotApplicable",
    "POSTHOC_METHODS",
    "RESPONSE_MODELS",
    "rates_map",
    "yes_no",
]

POSTHOC_METHODS = tuple(LETTER_TESTS)
NUTRIENT_FORMS = ("N", "P2O5", "K2O", "P", "K")
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


def nutrient_of(column: Any) -> str | None:
    text = str(column)
    if text in NUTRIENT_FORMS:
        return text
    guess = guess_column(text)
    return guess if guess in NUTRIENT_FORMS else None


def rates_map(frame: pd.DataFrame, rates: Any) -> dict[str, str | None]:
    if rates is None:
        return {}
    if isinstance(rates, Mapping):
        out: dict[str, str | None] = {}
        for col, form in rates.items():
            if form is not None and form not in NUTRIENT_FORMS:
                raise OptionError(
                    f"rates={{{col!r}: {form!r}}}: {form!r} is not a nutrient form; use one of "
                    f"{', '.join(NUTRIENT_FORMS)}."
                )
            out[col] = form
    else:
        out = {col: nutrient_of(col) for col in _v.as_names(rates, "rates")}
    for col in out:
        _v.require_column(frame, col, "rates")
    return out


def yes_no(lang: str) -> Callable[[Any], str]:
    """Cell format of a true/false column: "yes" or "no" in ``lang``."""
    return lambda v: label("yes", lang) if bool(v) else label("no", lang)
