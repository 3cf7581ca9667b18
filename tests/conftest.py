"""Shared test fixtures. Figures render with the Agg backend; tests never need a screen."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

REFERENCE = Path(__file__).parent / "reference"
