"""Style: ``ruff check`` with the repository's configuration finds nothing to report.

The rules and the line length are those of ``[tool.ruff]`` in ``pyproject.toml``; ruff is in
the ``dev`` extra.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("src", "tests", "benchmarks")


def test_ruff_check_is_clean():
    if importlib.util.find_spec("ruff") is None:
        pytest.fail(
            "the ruff module is not installed, so the style check cannot run; install the dev "
            "extra: pip install -e '.[dev]'",
            pytrace=False,
        )
    # an sdist ships src and tests but not benchmarks: check the folders that are there
    paths = [name for name in CHECKED if (ROOT / name).is_dir()]
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"`ruff check {' '.join(paths)}` (run from the repository root) reports problems; "
            f"fix them (`ruff check --fix` repairs some):\n{result.stdout}{result.stderr}",
            pytrace=False,
        )
