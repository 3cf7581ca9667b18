"""The audit on simulated trials: no false alarm on a careful paper, every planted error found.

A careful paper's spec is written from fertopt's own analysis of a simulated trial and rounded
as papers print (``tests/audit_simulation.py``); every number in it is true up to its printed
digits, so no claim of it may be judged "wrong", "contradictory", "outside the tested range" or
"not supported by the design".  The expected verdicts here come from the simulation's
construction, not from the audit's output: a careful claim is true by construction, and a
planted claim is false by construction (each plant function says why).

For each kind of published error, the same careful specs get that one error planted
(``PLANTS``); the audit must flag it on the claim it concerns every time.
"""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

import fertopt as fo
from fertopt.audit import audit

sys.path.insert(0, str(Path(__file__).parent))
from audit_simulation import PLANTS, careful  # noqa: E402

BAD = ("wrong", "contradictory", "outside the tested range", "not supported by the design")
FALSE_ALARM = ("wrong", "contradictory")

#: kind of planted error -> the claims (a pattern of their ``item``) that must get a bad verdict.
EXPECTED = {
    "f_vs_p": r"^anova\[0\]",
    "significance_words": r"^anova\[0\]",
    "letters": r"letters",
    "convex_maximum": r"\.maximum|\.shape$",
    "saddle": r"\.maximum|\.shape$",
    "beyond_range": r"\.maximum|\.range$",
    "off_curve": r"\.maximum\.yield$|\.maximum$",
    "r_as_sqrt_adjusted": r"\.fit$",
    "unidentifiable": r"\.design$",
    "product_price": r"\.optimum|^prices",
    "per_area": r"^economics",
    "income_arithmetic": r"^economics\.rows",
    "percentage": r"^economics\.rows",
}


def audit_table(spec: dict) -> pd.DataFrame:
    """The audit's claims as a table (item, verdict ...), with its warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return audit(spec).table


def bad_rows(table: pd.DataFrame, verdicts: tuple[str, ...] = BAD) -> pd.DataFrame:
    return table[table["verdict"].isin(verdicts)]


def false_alarms(seeds: range) -> list[tuple[int, str, str, str]]:
    out = []
    for seed in seeds:
        _, _, spec = careful(seed)
        table = audit_table(spec)
        for _, row in bad_rows(table, FALSE_ALARM).iterrows():
            out.append((seed, row["item"], row["verdict"], row["why"] if "why" in row else ""))
    return out


def test_careful_specs_quick():
    # 20 simulated trials: a careful paper is never judged wrong or contradictory
    assert false_alarms(range(20)) == []


@pytest.mark.slow
def test_careful_specs_200():
    # the criterion: 200 random simulated trials, no false "wrong" or "contradictory"
    assert false_alarms(range(200)) == []


def test_careful_specs_no_other_bad_verdict():
    # a careful paper prints maxima only inside the tested rates and fits what its design
    # identifies, so the other two bad verdicts must not appear either
    rows = []
    for seed in range(20):
        _, _, spec = careful(seed)
        table = audit_table(spec)
        rows += [(seed, r) for r in bad_rows(table)["item"]]
    assert rows == []


def planted(kind: str, wanted: int, max_seed: int = 2000):
    """(seed, careful table, planted table) for the first ``wanted`` seeds that carry ``kind``."""
    found = 0
    for seed in range(max_seed):
        trial, res, spec = careful(seed)
        out = PLANTS[kind](trial, res, spec)
        if out is None:
            continue
        found += 1
        yield seed, spec, out
        if found == wanted:
            return


def detection(kind: str, wanted: int) -> tuple[int, list[int]]:
    pattern = re.compile(EXPECTED[kind])
    missed = []
    n = 0
    for seed, _, spec in planted(kind, wanted):
        n += 1
        table = audit_table(spec)
        hits = bad_rows(table)
        if not hits["item"].map(lambda s: bool(pattern.search(s))).any():
            missed.append(seed)
    return n, missed


@pytest.mark.parametrize("kind", sorted(PLANTS))
def test_planted_error_flagged_quick(kind):
    # 10 trials that can carry the error: it is flagged on its claim every time
    n, missed = detection(kind, 10)
    assert n == 10
    assert missed == []


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(PLANTS))
def test_planted_error_flagged_50(kind):
    # the criterion: 50 trials each, every planted error flagged
    n, missed = detection(kind, 50)
    assert n == 50
    assert missed == []
