"""Soil-test correlation and calibration: from relative yields to critical soil-test values,
abundance–deficiency classes (丰缺指标) and recommended rates per class.

The package sits above ``reports | batch`` (it pools many trials through ``run_batch``) and below
``studies``.
"""

from __future__ import annotations

from fertopt.soiltest.network import (
    LogClasses,
    NetworkCalibration,
    RelativeYields,
    calibrate_network,
    log_classes,
    relative_yields,
)
from fertopt.soiltest.rates import ClassRecommendation, recommend_by_class

__all__: list[str] = [
    "relative_yields",
    "RelativeYields",
    "recommend_by_class",
    "ClassRecommendation",
    "calibrate_network",
    "NetworkCalibration",
    "log_classes",
    "LogClasses",
]
