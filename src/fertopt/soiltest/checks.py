"""Input checks of the soil-test correlation methods: one site per row, STV and RY in %.

:func:`prepare` reads the soil-test value (STV) and relative-yield (RY) columns of a table of
sites and returns them as float arrays once they pass the checks that every method shares; the
messages say what is wrong, where, and how to fix it.

The rules, and why:

* RY is a **percentage** (0–150 %; a site may out-yield its reference, hence values above 100).
  A column whose values are all ≤ 1.5 is almost certainly a fraction: it is refused with a
  message that says to multiply by 100 (fertopt does not guess, because an RY of 1.2 % is
  possible in principle and a silent rescaling would be wrong by a factor of 100).
* RY outside 0–150 % is refused, naming the rows.
* STV cannot be negative; models that take its logarithm (``log``, the ALCC, the 丰缺指标
  classes) need STV > 0.
* Sites with a missing STV or RY are left out, counted in a :class:`~fertopt.DataWarning` and in
  the result's ``n_dropped``.
* A plateau or Mitscherlich calibration needs at least :data:`MIN_SITES_CURVE` sites: below
  that the join or the curvature is decided by one or two sites, and the fit is refused with a
  :class:`~fertopt.DataError` (a clear stop rather than a number that looks precise).  The
  Cate–Nelson methods need 5 sites (the ANOVA split leaves at least 2 sites on the low side and
  3 on the high side, as soiltestcorr does), the ALCC and the log model 4.

Examples
--------
>>> import pandas as pd
>>> sites = pd.DataFrame({"olsen_p": [4.0, 8, 15, 30], "ry": [52.0, 70, 88, 99]})
>>> prep = prepare(sites, "olsen_p", "ry", minimum=3)
>>> prep.x.tolist(), prep.n_dropped
([4.0, 8.0, 15.0, 30.0], 0)
>>> prepare(sites.assign(ry=sites["ry"] / 100), "olsen_p", "ry", minimum=3)
Traceback (most recent call last):
...
fertopt.exceptions.DataError: relative yield column 'ry' looks like fractions ...
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core import validation as _v
from fertopt.exceptions import DataError, OptionError

__all__ = [
    "Prepared",
    "prepare",
    "MIN_SITES_CURVE",
    "RY_MAX",
    "check_target",
    "check_boot",
    "check_rng",
    "seeded",
]

#: Fewest sites for a plateau or Mitscherlich calibration (see the module docstring).
MIN_SITES_CURVE = 8
#: Highest relative yield accepted, in %.
RY_MAX = 150.0


@dataclass(frozen=True, eq=False)
class Prepared:
    """Soil-test values and relative yields of the sites kept, with what was left out."""

    x: np.ndarray
    y: np.ndarray
    index: pd.Index
    n_dropped: int
    warnings: tuple[str, ...]

    @property
    def n(self) -> int:
        return len(self.x)


def prepare(
    data: Any,
    stv: Hashable,
    ry: Hashable,
    *,
    minimum: int,
    positive: bool = False,
    what: str = "this method",
    stacklevel: int = 3,
) -> Prepared:
    """STV and RY of the sites as float arrays, once the shared checks pass.

    Parameters
    ----------
    data : DataFrame
        One row per site.
    stv, ry : hashable
        Soil-test value and relative-yield (%) columns.
    minimum : int
        Fewest sites ``what`` needs.
    positive : bool
        STV must be > 0 (the method takes its logarithm).
    what : str
        The method, for messages.
    stacklevel : int
        Stack level of the missing-value warning, as seen from here.

    Returns
    -------
    Prepared

    Raises
    ------
    ColumnError
        A column is missing or both roles name the same column.
    DataError
        Text in the columns; RY given as fractions or outside 0–150 %; negative STV, or STV ≤ 0
        with ``positive``; fewer than ``minimum`` sites.
    """
    frame = _v.require_frame(data)
    _v.require_columns(frame, stv=stv, ry=ry)
    x_s = _v.to_numeric(frame[stv], "soil-test value")
    y_s = _v.to_numeric(frame[ry], "relative yield")
    notes: list[str] = []
    sites = "sites" if int((x_s.isna() | y_s.isna()).sum()) > 1 else "site"
    keep, _ = _v.drop_missing(
        [x_s, y_s],
        "omit",
        refuse="",
        left_out=(
            f"{{n}} {sites} without a soil-test value ({stv!r}) or a relative yield ({ry!r}) "
            "{were} left out ({rows})"
        ),
        warn_list=notes,
        stacklevel=stacklevel,
    )
    n_dropped = int((~keep).sum())
    x_s, y_s = x_s[keep], y_s[keep]
    x = x_s.to_numpy(dtype=float)
    y = y_s.to_numpy(dtype=float)
    if len(y) and np.all(np.abs(y) <= 1.5):
        raise DataError(
            f"relative yield column {ry!r} looks like fractions (every value is at most 1.5, "
            f"e.g. {y[0]:g}): fertopt reads relative yield in percent. Multiply the column by "
            "100 (0.85 → 85)."
        )
    bad = (y < 0) | (y > RY_MAX)
    if bad.any():
        raise DataError(
            f"relative yield column {ry!r} holds values outside 0–{RY_MAX:g} %: "
            f"{_v.describe_rows(y_s.index[bad], y[bad].tolist())}. Relative yield is the "
            "yield of the unfertilized (or omission) plot as a percent of the fully fertilized "
            "one; check these sites."
        )
    neg = (x <= 0) if positive else (x < 0)
    if neg.any():
        need = (
            f"{what} takes the logarithm of the soil-test value, which needs values above 0"
            if positive
            else "a soil-test value cannot be negative"
        )
        raise DataError(
            f"soil-test value column {stv!r} holds "
            f"{'values ≤ 0' if positive else 'negative values'}: "
            f"{_v.describe_rows(x_s.index[neg], x[neg].tolist())}; {need}. Correct these sites "
            "or leave them out."
        )
    if len(x) < minimum:
        raise DataError(
            f"{what} needs at least {minimum} sites with a soil-test value and a relative "
            f"yield; {len(x)} {'is' if len(x) == 1 else 'are'} left"
            + (f" after leaving out {n_dropped} with missing values" if n_dropped else "")
            + ". Add sites, or use a method that needs fewer (cate_nelson_1965)."
        )
    return Prepared(x, y, y_s.index, n_dropped, tuple(notes))


def check_target(target: Any, name: str = "target") -> float:
    """A relative-yield target in % (strictly between 0 and 150)."""
    try:
        value = float(target)
    except (TypeError, ValueError):
        raise OptionError(f"{name} must be a relative yield in percent, got {target!r}.") from None
    if not (0 < value < RY_MAX):
        hint = " (it is given in percent: 0.9 means 0.9 %, write 90)" if value <= 1.5 else ""
        raise OptionError(
            f"{name}={target!r} must be a relative yield in percent between 0 and {RY_MAX:g}{hint}."
        )
    if value <= 1.5:
        raise OptionError(
            f"{name}={target!r} looks like a fraction; relative yields are in percent: write "
            f"{value * 100:g}."
        )
    return value


def check_rng(rng: Any) -> None:
    """``rng``: None, a numpy Generator or a non-negative integer seed (checked, not used)."""
    if rng is None or isinstance(rng, np.random.Generator):
        return
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0:
        return
    raise OptionError(
        f"rng must be a non-negative integer seed, a numpy Generator or None, got {rng!r}."
    )


def seeded(rng: Any) -> tuple[np.random.Generator, int]:
    """A random generator and the integer seed that recreates it (``rng=seed`` repeats a run)."""
    if rng is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    elif isinstance(rng, np.random.Generator):
        seed = int(rng.integers(0, 2**32))
    elif isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        if rng < 0:
            raise OptionError(f"rng={rng} must be a non-negative integer seed.")
        seed = int(rng)
    else:
        raise OptionError(f"rng must be an integer seed, a numpy Generator or None, got {rng!r}.")
    return np.random.default_rng(seed), seed


def check_boot(n_boot: Any) -> int:
    """``n_boot``: 0 (no bootstrap) or the number of resamples."""
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 0:
        raise OptionError(f"n_boot must be 0 or a positive whole number, got {n_boot!r}.")
    if 0 < n_boot < 50:
        raise OptionError(
            f"n_boot={n_boot} is too few resamples for a percentile interval; use at least 200 "
            "(1000 or more for a report), or 0 for none."
        )
    return int(n_boot)
