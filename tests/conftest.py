"""Shared test fixtures. Figures render with the Agg backend; tests never need a screen.

The suite passes on a machine with nothing but Python: tests that need a font able to draw
Chinese characters skip where there is none (fixtures ``cjk_font`` and ``require_cjk_font``),
and the tests' Dask clusters serve their web pages on a free port (``dashboard_address=":0"``;
``None`` is not enough: distributed still starts its HTTP server on 8787 then, and warns when
another program holds that port).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REFERENCE = Path(__file__).parent / "reference"

NO_CJK_FONT = (
    "no installed font can draw Chinese characters (install one, e.g. apt-get install "
    "fonts-noto-cjk or fonts-wqy-zenhei, to run this test)"
)


def needs_cjk_font() -> str:
    """The CJK font's name, or skip the calling test (from here on) where there is none.

    Without such a font fertopt draws Chinese figure text in English after one DisplayWarning,
    so a test of Chinese figure text has nothing to check.
    """
    from fertopt import plotting

    font = plotting.find_cjk_font()
    if font is None:
        pytest.skip(NO_CJK_FONT)
    return font


@pytest.fixture
def cjk_font() -> str:
    """The name of an installed CJK font; the test is skipped where there is none."""
    return needs_cjk_font()


@pytest.fixture
def require_cjk_font():
    """A function that skips the rest of the test where no CJK font is installed.

    For a test whose English part runs everywhere and whose Chinese part needs the font.
    """
    return needs_cjk_font
