"""Every result class of fertopt, in one place.

The functions of fertopt return frozen result objects; the classes are defined beside the
analysis that makes them (``fertopt.anova``, ``fertopt.surface``, ...).  This module gathers
them so that a type annotation or an ``isinstance`` check needs one import::

    from fertopt.results import AnovaResult, ResponseFit, SurfaceFit

Every class here derives from :class:`ResultBase` (``summary()``, ``to_dict()``, ``warnings``),
except :class:`TrialResults`, the read-only mapping of per-trial results in a
:class:`BatchResult`.

=====================  ================================================================
Class                  Returned by
=====================  ================================================================
AnovaResult            :func:`fertopt.anova`
LSMeansResult          :func:`fertopt.lsmeans`
MultCompResult         :func:`fertopt.duncan`, ``lsd``, ``tukey``, ``snk``, ``scheffe``,
                       ``dunnett`` and their ``*_from_means`` forms
CombinedAnovaResult    :func:`fertopt.combined_anova`
HomogeneityResult      ``CombinedAnovaResult.homogeneity``
MixedModelResult       :func:`fertopt.mixed_model`
ResponseFit            :func:`fertopt.fit_response`, :func:`fertopt.response_from_coefficients`
ModelComparison        :func:`fertopt.compare_models`
Optimum                ``ResponseFit.optimum()``
NetReturnCurve         ``ResponseFit.net_return()``
PriceSensitivity       ``ResponseFit.price_sensitivity()``
PooledSites            :func:`fertopt.pool_sites`
SurfaceFit             :func:`fertopt.fit_surface`, :func:`fertopt.surface_from_coefficients`
CanonicalResult        ``SurfaceFit.canonical()``
SurfaceOptimum         ``SurfaceFit.maximum()``, ``SurfaceFit.optimum()``
TypicalityResult       ``SurfaceFit.typicality()``
SurfacePoint           ``SurfaceFit.at()``
OmissionResult         :func:`fertopt.omission`
Three414Result         :func:`fertopt.three414`
FieldBook              the generators of :mod:`fertopt.design`
AnalysisPlan           :func:`fertopt.plan_analysis`
TrialReport            :func:`fertopt.trial_report`
BatchResult            :func:`fertopt.run_batch`
TrialResult            one trial of a batch (``BatchResult.trials[key]``)
TrialResults           ``BatchResult.trials``
AuditResult            :func:`fertopt.audit`
StudyAudit             :func:`fertopt.studies.water_chestnut.audit`
CateNelsonResult       :func:`fertopt.cate_nelson_1965`, :func:`fertopt.cate_nelson_1971`
CalibrationFit         :func:`fertopt.fit_calibration`
ALCCResult             :func:`fertopt.mod_alcc`
AbundanceClasses       :func:`fertopt.abundance_classes`
RelativeYields         :func:`fertopt.soiltest.relative_yields`
ClassRecommendation    :func:`fertopt.soiltest.recommend_by_class`
NetworkCalibration     :func:`fertopt.soiltest.calibrate_network`
=====================  ================================================================

This module sits at the top of the package (it imports the batch engine and the studies), so
nothing inside fertopt imports it.

Examples
--------
>>> import fertopt as fo
>>> from fertopt.results import AnovaResult, ResultBase
>>> aov = fo.anova(fo.load_dataset("cochran_factorial"), response="yield", treatment="trt",
...                block="rep")
>>> isinstance(aov, AnovaResult), isinstance(aov, ResultBase)
(True, True)
"""

from __future__ import annotations

from fertopt._core.formatting import ResultBase
from fertopt.anova import AnovaResult, LSMeansResult
from fertopt.audit import AuditResult
from fertopt.batch import BatchResult, TrialResult, TrialResults
from fertopt.design import FieldBook
from fertopt.economics import NetReturnCurve, Optimum, PooledSites, PriceSensitivity
from fertopt.mixed import CombinedAnovaResult, HomogeneityResult, MixedModelResult
from fertopt.multcomp import MultCompResult
from fertopt.omission import OmissionResult
from fertopt.plan import AnalysisPlan
from fertopt.reports import TrialReport
from fertopt.response import ModelComparison, ResponseFit
from fertopt.soiltest import (
    AbundanceClasses,
    ALCCResult,
    CalibrationFit,
    CateNelsonResult,
    ClassRecommendation,
    NetworkCalibration,
    RelativeYields,
)
from fertopt.studies.water_chestnut import StudyAudit
from fertopt.surface import (
    CanonicalResult,
    SurfaceFit,
    SurfaceOptimum,
    SurfacePoint,
    TypicalityResult,
)
from fertopt.three414 import Three414Result

__all__ = [
    "ResultBase",
    "AnovaResult",
    "CombinedAnovaResult",
    "HomogeneityResult",
    "MixedModelResult",
    "LSMeansResult",
    "MultCompResult",
    "ResponseFit",
    "ModelComparison",
    "Optimum",
    "NetReturnCurve",
    "PriceSensitivity",
    "PooledSites",
    "SurfaceFit",
    "CanonicalResult",
    "SurfaceOptimum",
    "TypicalityResult",
    "SurfacePoint",
    "OmissionResult",
    "AnalysisPlan",
    "Three414Result",
    "FieldBook",
    "TrialReport",
    "BatchResult",
    "TrialResult",
    "TrialResults",
    "AuditResult",
    "StudyAudit",
    "CateNelsonResult",
    "CalibrationFit",
    "ALCCResult",
    "AbundanceClasses",
    "RelativeYields",
    "ClassRecommendation",
    "NetworkCalibration",
]
