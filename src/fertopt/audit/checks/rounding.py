"""Rounding: the interval a printed claim may lie in, computed from its inputs' printed digits.

Every printed input is known to half a unit of its last printed digit
(:func:`~fertopt.audit.spec.half_unit`).  :func:`propagate` evaluates a check's formula over
that box of inputs: at every corner when there are at most :data:`MAX_CORNERS_INPUTS` rounded
inputs (exact for formulas monotone in each input on the box), otherwise with a first-order
bound, the sum of |∂f/∂xᵢ| × half-unitᵢ (central differences).  :func:`rounding_verdict`
turns the interval into a verdict; nothing here uses a guessed tolerance.

Examples
--------
>>> from fertopt.audit.spec import printed
>>> value, low, high = propagate(lambda a, b: a + b, {"a": printed("1.2"), "b": printed("3.45")})
>>> round(value, 2), round(low, 3), round(high, 3)
(4.65, 4.595, 4.705)
>>> rounding_verdict(printed("4.70"), value, low, high)
'consistent within rounding'
>>> rounding_verdict(printed("4.65"), value, low, high)
'confirmed'
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from typing import Any

from fertopt.audit.spec import Printed, half_unit

__all__ = ["MAX_CORNERS_INPUTS", "propagate", "rounding_verdict", "claim_interval", "decimals"]

#: Up to this many rounded inputs the box is searched at its corners (2**12 evaluations).
MAX_CORNERS_INPUTS = 12


def claim_interval(x: Printed) -> tuple[float, float]:
    """The values that print as ``x``: ``x`` ± half a unit of its last digit."""
    h = half_unit(x)
    return float(x) - h, float(x) + h


def decimals(x: Any, default: int = 2) -> int:
    """The printed decimals of ``x`` (``default`` for a plain float)."""
    return x.decimals if isinstance(x, Printed) else default


def propagate(
    f: Callable[..., float], inputs: Mapping[str, Any], /, *, fixed: tuple[str, ...] = ()
) -> tuple[float, float, float]:
    """``f`` at the printed inputs, and its range over their rounding box.

    Parameters
    ----------
    f : callable
        Called with the inputs as keywords; returns a float.
    inputs : mapping
        Name → value; :class:`~fertopt.audit.spec.Printed` values vary by half a unit of
        their last digit, others (and names in ``fixed``) are exact.
    fixed : tuple of str
        Printed inputs to hold exact (prices, rates of a design).

    Returns
    -------
    tuple of float
        ``(value, low, high)``.
    """
    base = {k: float(v) for k, v in inputs.items()}
    value = float(f(**base))
    varying = [
        (k, half_unit(v)) for k, v in inputs.items() if isinstance(v, Printed) and k not in fixed
    ]
    if not varying or not math.isfinite(value):
        return value, value, value
    if len(varying) <= MAX_CORNERS_INPUTS:
        values = [value]
        for signs in itertools.product((-1.0, 1.0), repeat=len(varying)):
            point = dict(base)
            for (k, h), s in zip(varying, signs, strict=True):
                point[k] = base[k] + s * h
            values.append(float(f(**point)))
        finite = [v for v in values if math.isfinite(v)]
        return value, min(finite), max(finite)
    spread = 0.0
    for k, h in varying:
        up, down = dict(base), dict(base)
        up[k] += h
        down[k] -= h
        spread += abs(float(f(**up)) - float(f(**down))) / 2.0
    return value, value - spread, value + spread


def rounding_verdict(
    claim: Printed, value: float, low: float, high: float, *, derived: bool = True
) -> str:
    """The verdict on a printed ``claim`` against fertopt's ``value`` and its interval.

    * ``confirmed``: ``derived`` (the check re-derives the claim from the printed inputs)
      and ``value`` prints as the claim (within half a unit of its last digit);
    * ``consistent within rounding``: otherwise, when the values that print as the claim
      meet ``[low, high]``;
    * ``wrong``: when they do not.
    """
    c_low, c_high = claim_interval(claim)
    eps = 1e-9 * max(1.0, abs(float(claim)))
    if c_high + eps < low or c_low - eps > high:
        return "wrong"
    if derived and abs(value - float(claim)) <= half_unit(claim) + eps:
        return "confirmed"
    return "consistent within rounding"
