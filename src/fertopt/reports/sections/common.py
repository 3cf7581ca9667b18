"""Constants, the NotApplicable signal and small helpers shared by the report sections."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from fertopt._core import validation as _v
from fertopt.exceptions import FertoptError, OptionError

if TYPE_CHECKING:
    from fertopt.reports.sections.context import Context

__all__ = ["NUTRIENT_FORMS", "NotApplicable", "POSTHOC_METHODS", "RESPONSE_MODELS"]

POSTHOC_METHODS = ("duncan", "lsd", "tukey", "snk", "scheffe")
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


def _api(name: str) -> Any:
    """A public function of fertopt, or a FertoptError saying it is not in this version."""
    import fertopt

    fn = getattr(fertopt, name, None)
    if fn is None:
        raise FertoptError(f"fertopt.{name} is not available in this version of fertopt.")
    return fn


def _nutrient_of(column: Any) -> str | None:
    from fertopt.io import guess_column

    text = str(column)
    if text in NUTRIENT_FORMS:
        return text
    guess = guess_column(text)
    return guess if guess in NUTRIENT_FORMS else None


def _rates_map(frame: pd.DataFrame, rates: Any) -> dict[str, str | None]:
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
        out = {col: _nutrient_of(col) for col in _v.as_names(rates, "rates")}
    for col in out:
        _v.require_column(frame, col, "rates")
    return out


def _yes_no(ctx: Context) -> Callable[[Any], str]:
    return lambda v: ctx.t("yes") if bool(v) else ctx.t("no")
