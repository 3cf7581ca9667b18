"""The soil-test value at which a fitted calibration curve reaches a relative yield.

:func:`stv_at` inverts each calibration model in closed form and returns the gradient of that
STV with respect to the model's parameters (for the delta-method interval).

======================  =======================================  ==================================
model                   curve (RY in %)                          STV at target T
======================  =======================================  ==================================
``linear_plateau``      a + b·min(x, j)                          (T − a)/b, or j at T ≥ a + b·j
``quadratic_plateau``   a + b·(x − x²/(2j)) below j              j − √(j² − 2j(T − a)/b), or j at
                        (plateau a + b·j/2)                      T ≥ a + b·j/2
``mitscherlich``        A·(1 − exp(−c·(x + s)))                  −ln(1 − T/A)/c − s  (T < A)
``log``                 a + b·ln(x)                              exp((T − a)/b)
======================  =======================================  ==================================

Examples
--------
>>> import numpy as np
>>> x, grad, note = stv_at("log", np.array([-13.498, 30.96]), 50.0)
>>> round(x, 2), note
(7.78, '')
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["stv_at", "plateau_of"]

NAN = math.nan


def plateau_of(model: str, theta: np.ndarray) -> float:
    """The highest relative yield the curve reaches (NaN for the unbounded log curve)."""
    if model == "linear_plateau":
        return float(theta[0] + theta[1] * theta[2])
    if model == "quadratic_plateau":
        return float(theta[0] + theta[1] * theta[2] / 2)
    if model == "mitscherlich":
        return float(theta[0])
    return NAN


def stv_at(model: str, theta: np.ndarray, target: float) -> tuple[float, np.ndarray, str]:
    """The STV at which the curve reaches ``target`` % RY, its gradient, and a note.

    The note is ``''``, ``'above_plateau'`` (the target is at or above the plateau: the join is
    returned, as soiltestcorr does), ``'not_reached'`` (the curve never reaches the target: NaN)
    or ``'not_rising'`` (the curve does not rise with STV: NaN).
    """
    t = [float(v) for v in theta]
    p = len(t)
    nan_grad = np.full(p, NAN)
    if model in ("linear_plateau", "quadratic_plateau"):
        a, b, j = t
        if b <= 0:
            return NAN, nan_grad, "not_rising"
        if target >= plateau_of(model, theta):
            return j, np.array([0.0, 0.0, 1.0]), "above_plateau"
        d = target - a
        if model == "linear_plateau":
            return d / b, np.array([-1 / b, -d / (b * b), 0.0]), ""
        s = math.sqrt(j * j - 2 * j * d / b)
        grad = np.array([-j / (b * s), -j * d / (b * b * s), 1 - (j - d / b) / s])
        return j - s, grad, ""
    if model == "mitscherlich":
        big_a, c, s = t
        if big_a <= 0 or c <= 0:
            return NAN, nan_grad, "not_rising"
        if target >= big_a:
            return NAN, nan_grad, "not_reached"
        q = math.log(1 - target / big_a)
        grad = np.array([-target / (c * big_a * (big_a - target)), q / (c * c), -1.0])
        return -q / c - s, grad, ""
    if model == "log":
        a, b = t
        if b <= 0:
            return NAN, nan_grad, "not_rising"
        x = math.exp((target - a) / b)
        return x, np.array([-x / b, -x * (target - a) / (b * b)]), ""
    raise ValueError(f"no inverse for model {model!r}")
