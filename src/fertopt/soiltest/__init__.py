"""Soil-test correlation and calibration: from relative yields to critical soil-test values,
abundance–deficiency classes (丰缺指标) and recommended rates per class.

The package sits above ``reports | batch`` (it pools many trials through ``run_batch``) and below
``studies``.
"""

from __future__ import annotations

__all__: list[str] = []
