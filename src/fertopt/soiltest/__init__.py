"""Soil-test correlation and calibration: from relative yields to critical soil-test values,
abundance–deficiency classes (丰缺指标) and recommended rates per class.

Every function takes one row per site (trial) with a soil-test value (STV) and a relative yield
(RY) in **percent** (0–150; a column of fractions is refused with a message to multiply by 100):

=========================  ====================================================================
:func:`cate_nelson_1965`   graphical quadrants: the CSTV for a target RY (soiltestcorr's
                           ``cate_nelson_1965``)
:func:`cate_nelson_1971`   ANOVA split: CSTV, critical RY, R² (``cate_nelson_1971``), with an
                           optional bootstrap interval
:func:`fit_calibration`    linear-plateau, quadratic-plateau, Mitscherlich or log curve: the
                           join or the STV at a target RY, with Wald and bootstrap intervals
:func:`mod_alcc`           modified arcsine-log calibration curve (Correndo et al. 2017) with
                           its SMA interval and the leverage diagnostics
:func:`abundance_classes`  丰缺指标: the STV at RY thresholds (50/75/90/95 %) and the class table
:func:`soiltest_report`    one HTML/Markdown/text page with the tables, figures and findings
=========================  ====================================================================

Over a network of 3414 or omission trials (one row per plot):

=========================  ====================================================================
:func:`relative_yields`    each trial's RY per nutrient beside its soil test, and its optimum
:func:`recommend_by_class` the rate of each soil-test class from the trials in it
:func:`calibrate_network`  both with :func:`abundance_classes` in one call, every nutrient
=========================  ====================================================================

The package sits above ``reports | batch`` (it pools many trials through ``run_batch``) and below
``studies``.

Examples
--------
>>> import pandas as pd, fertopt as fo
>>> sites = pd.DataFrame({"k": [26, 28, 30, 31, 34, 35, 40, 44, 49, 56, 68, 75],
...                       "ry": [53.5, 64.8, 63, 40.8, 79.5, 70.3, 63, 64, 94, 99, 66.5, 103]})
>>> fo.cate_nelson_1971(sites, stv="k", ry="ry").cstv
46.5
"""

from __future__ import annotations

from fertopt.soiltest.alcc import ALCCResult, mod_alcc
from fertopt.soiltest.calibration import CALIBRATION_MODELS, CalibrationFit, fit_calibration
from fertopt.soiltest.classes import AbundanceClasses, abundance_classes
from fertopt.soiltest.pipeline import NetworkCalibration, calibrate_network
from fertopt.soiltest.quadrants import CateNelsonResult, cate_nelson_1965, cate_nelson_1971
from fertopt.soiltest.rates import ClassRecommendation, recommend_by_class
from fertopt.soiltest.relative import RelativeYields, relative_yields
from fertopt.soiltest.report import soiltest_report

__all__ = [
    "cate_nelson_1965",
    "cate_nelson_1971",
    "fit_calibration",
    "mod_alcc",
    "abundance_classes",
    "relative_yields",
    "recommend_by_class",
    "calibrate_network",
    "soiltest_report",
    "CateNelsonResult",
    "CalibrationFit",
    "ALCCResult",
    "AbundanceClasses",
    "RelativeYields",
    "ClassRecommendation",
    "NetworkCalibration",
    "CALIBRATION_MODELS",
]
