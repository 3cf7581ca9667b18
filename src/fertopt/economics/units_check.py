"""The unit trap: an economic optimum that is wrong because yields, rates and prices disagree.

Prices become a ratio in yield units per rate unit.  When the units of the data are not
declared, fertopt takes yields and rates as kg per the same area; a file in t/ha, or with
yields per mu (667 m²) and rates per ha, then gets a ratio 1000 or 15 times too large, and
the "economic optimum" is 0 (no fertilizer pays) however strongly the crop responded.
:func:`unit_mismatch` recognises that signature from the economics of the result, so every
analysis that prices undeclared data (response optima, surfaces, 3414, omission, pooled
sites, batches) can say so with a :class:`~fertopt.exceptions.PriceWarning`.

The rule, for data whose units were not declared:

* **no fertilizer pays although the crop responded**: the optimum is at the lowest tested
  rate while the fitted response over the tested rates is at least :data:`RESPONSE_SHARE`
  of the yield without fertilizer.  A real response of that size that does not pay needs
  fertilizer dearer than the crop by more than the whole average return of every kilogram,
  which field prices hardly ever give; a mismatch by 15 (per mu against per ha) or 1000
  (t against kg) gives it every time.
* **the optimum lies far beyond the tested rates**: more than :data:`FAR_BEYOND` times the
  highest tested rate, where no fitted curve says anything; a price ratio too small by the
  same factors (rates per mu with yields per ha, yields in kg priced per t) puts it there.

Declaring the units (headers such as ``yield (kg/mu)`` for :func:`fertopt.read_trials`,
``units=`` of the analysis) both fixes a real mismatch and silences the check.
"""

from __future__ import annotations

import math
import warnings

from fertopt._core.formatting import format_number
from fertopt._core.i18n import Message, message
from fertopt.exceptions import PriceWarning

__all__ = ["RESPONSE_SHARE", "FAR_BEYOND", "unit_mismatch", "warn_unit_mismatch"]

#: A fitted response (highest fitted yield in the tested range over the yield at the lowest
#: rates) at least this share of the yield at the lowest rates counts as a real response.
RESPONSE_SHARE = 0.10

#: An optimum more than this many times the highest tested rate is beyond any plausible range.
FAR_BEYOND = 3.0

#: Yields below this, taken as kg per area, are implausibly small: they look like t per area.
_T_SIZED = 25.0


def unit_mismatch(
    *,
    declared: bool,
    at_lowest: bool,
    yield_low: float,
    gain: float,
    rate: float = math.nan,
    top: float = math.nan,
    rate_key: str = "'rate'",
    finding: Message | None = None,
) -> Message | None:
    """The unit-trap warning for an economic optimum, or None when nothing looks wrong.

    Parameters
    ----------
    declared : bool
        The units of the response and of every rate were declared (then nothing is said).
    at_lowest : bool
        The economic optimum is at the lowest tested rate of every nutrient.
    yield_low : float
        Fitted yield at the lowest tested rates.
    gain : float
        Highest fitted yield within the tested rates minus ``yield_low``.
    rate, top : float
        The optimum rate and the highest tested rate (one nutrient; NaN to skip the
        far-beyond rule).
    rate_key : str
        How the rate is named in ``units=`` (``"'rate'"`` for curves, ``"'rates'"`` for
        surfaces), for the fix.
    finding : Message, optional
        What "no fertilizer pays" means for this analysis (a keyed message; by default
        "the economic optimum is at the lowest tested rate").

    Returns
    -------
    Message or None
        The warning (names the likely cause and the fix, in English and Chinese), without a
        final period.

    Examples
    --------
    >>> unit_mismatch(declared=False, at_lowest=True, yield_low=480.0, gain=230.0)[:60]
    'no fertilizer pays (the economic optimum is at the lowest te'
    >>> unit_mismatch(declared=True, at_lowest=True, yield_low=480.0, gain=230.0) is None
    True
    """
    if declared or not (math.isfinite(yield_low) and yield_low > 0):
        return None
    fix = message("unit_fix", rate=rate_key)
    if at_lowest and math.isfinite(gain) and gain >= RESPONSE_SHARE * yield_low:
        cause = (
            message("unit_cause_t", size=format_number(yield_low + gain, 3))
            if yield_low + gain < _T_SIZED
            else message("unit_cause_mu")
        )
        return message(
            "unit_trap_flat",
            finding=finding if finding is not None else message("unit_finding_optimum"),
            gain=format_number(gain, 4),
            share=f"{100 * gain / yield_low:.0f}",
            cause=cause,
            fix=fix,
        )
    if math.isfinite(rate) and math.isfinite(top) and top > 0 and rate > FAR_BEYOND * top:
        return message(
            "unit_trap_far",
            rate=format_number(rate, 4),
            times=f"{FAR_BEYOND:g}",
            top=format_number(top, 4),
            fix=fix,
        )
    return None


def warn_unit_mismatch(text: Message | None, stacklevel: int) -> None:
    """Issue ``text`` (from :func:`unit_mismatch`) as a :class:`PriceWarning`, if any.

    ``stacklevel`` counts from the caller of this function, as for :func:`warnings.warn`.
    """
    if text:
        warnings.warn(text.sentence(), PriceWarning, stacklevel=stacklevel + 1)
