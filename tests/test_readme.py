"""The README's quick start is real output: run its examples as doctests."""

from __future__ import annotations

import doctest
from pathlib import Path

README = Path(__file__).parents[1] / "README.md"


def test_readme_examples_run():
    result = doctest.testfile(
        str(README),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
    )
    assert result.failed == 0, f"{result.failed} README example(s) failed"
    assert result.attempted > 0


def test_quick_start_shows_how_to_read_ones_own_file():
    text = README.read_text(encoding="utf-8")
    assert text.split("```")[1].strip().splitlines() == [
        "bash",
        "pip install . && fertopt example",
        'pip install -e ".[dev]" && python -m pytest',
    ]
    quick = text.split("## Quick start", 1)[1]
    assert quick.index("fo.read_trials(") < quick.index("fo.load_dataset(")
