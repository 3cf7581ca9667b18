"""Readers for the NIST StRD files copied into tests/reference/nist (public domain).

Source: NIST/ITL Statistical Reference Datasets, files as distributed with scipy
(``scipy/stats/tests/data/nist_anova``) and mathnet-numerics (``data/NIST``).
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

NIST = Path(__file__).parent / "reference" / "nist"


def lre(estimate: float, certified: float) -> float:
    """Log relative error (number of correct significant digits), capped at 15."""
    if certified == 0:
        err = abs(estimate)
    else:
        err = abs(estimate - certified) / abs(certified)
    return 15.0 if err == 0 else min(15.0, -math.log10(err))


def read_anova(name: str) -> tuple[list[str], list[str], dict[str, float]]:
    """Treatment labels, response *texts* and certified values of an ANOVA file."""
    lines = (NIST / f"{name}.dat").read_text().splitlines()
    cert: dict[str, float] = {}
    for line in lines[:60]:
        tokens = line.split()
        if line.strip().startswith("Between"):
            cert["df_between"], cert["ss_between"], cert["ms_between"], cert["f"] = map(
                float, tokens[-4:]
            )
        elif line.strip().startswith("Within"):
            cert["df_within"], cert["ss_within"], cert["ms_within"] = map(float, tokens[-3:])
        elif "Certified R-Squared" in line:
            cert["r_squared"] = float(tokens[-1])
        elif line.strip().startswith("Standard Deviation"):
            cert["resid_sd"] = float(tokens[-1])
    groups, values = [], []
    for line in lines[60:]:
        tokens = line.split()
        if len(tokens) == 2:
            groups.append(tokens[0])
            values.append(tokens[1])
    return groups, values, cert


def exact_oneway(groups: list[str], values: list[float]) -> dict[str, float]:
    """One-way ANOVA of the given doubles in exact rational arithmetic."""
    ys = [Fraction(v) for v in values]
    by: dict[str, list[Fraction]] = {}
    for g, y in zip(groups, ys, strict=True):
        by.setdefault(g, []).append(y)
    n, k = len(ys), len(by)
    grand = sum(ys) / n
    means = {g: sum(v) / len(v) for g, v in by.items()}
    ssb = sum(len(v) * (means[g] - grand) ** 2 for g, v in by.items())
    ssw = sum((y - means[g]) ** 2 for g, v in by.items() for y in v)
    msb, msw = ssb / (k - 1), ssw / (n - k)
    return {
        "ss_between": float(ssb),
        "ss_within": float(ssw),
        "ms_between": float(msb),
        "ms_within": float(msw),
        "f": float(msb / msw),
        "r_squared": float(ssb / (ssb + ssw)),
        "resid_sd": math.sqrt(msw),
    }
