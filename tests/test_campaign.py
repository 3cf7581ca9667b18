"""The bad-input campaign: every row of the ``campaign_*.py`` tables, run on every test run.

A row fails when its call raises anything other than the fertopt exception it names, when the
message lacks the phrase that names the cell, file or fix, or when a call that must succeed
returns a wrong result.  See ``campaign_case.py`` for the row type.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from campaign_case import Case, run_case

_TABLES = sorted(
    p.stem for p in Path(__file__).parent.glob("campaign_*.py") if p.stem != "campaign_case"
)
CASES: list[Case] = [c for name in _TABLES for c in importlib.import_module(name).CASES]


def test_campaign_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_campaign(case: Case, tmp_path: Path) -> None:
    run_case(case, tmp_path)


def test_campaign_covers_at_least_200_inputs():
    # issue 19: the campaign re-measures at least 200 distinct bad or awkward inputs on every run
    assert len(CASES) >= 200, len(CASES)
    assert {c.entry for c in CASES} == {"api", "cli"}
