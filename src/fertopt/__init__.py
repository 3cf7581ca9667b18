"""fertopt: analysis of fertilizer field trials.

ANOVA for field designs with letter groups, single-nutrient response models
with economic optima, N-P-K response surfaces, 3414 and omission-plot trials,
reports and batch re-analysis.  Importing fertopt never imports
``matplotlib.pyplot``.

Examples
--------
>>> import fertopt as fo
>>> fo.__version__
'0.1.0'
"""

from __future__ import annotations

import warnings

from fertopt import datasets, design, studies, units
from fertopt._version import __version__
from fertopt.anova import AnovaResult, LSMeansResult, anova, lsmeans
from fertopt.audit import AuditResult, audit
from fertopt.batch import BatchResult, run_batch
from fertopt.datasets import list_datasets, load_dataset
from fertopt.design import FieldBook
from fertopt.economics import NetReturnCurve, Optimum, PooledSites, PriceSensitivity, pool_sites
from fertopt.exceptions import (
    AssumptionWarning,
    ColumnError,
    ConvergenceError,
    ConvergenceWarning,
    DataError,
    DataWarning,
    DependencyError,
    DesignError,
    DesignWarning,
    DisplayWarning,
    ExtrapolationWarning,
    FertoptError,
    FertoptWarning,
    OptionError,
    PriceWarning,
    UnbalancedDesignWarning,
)
from fertopt.io import read_trials
from fertopt.mixed import CombinedAnovaResult, MixedModelResult, combined_anova, mixed_model
from fertopt.multcomp import (
    MultCompResult,
    duncan,
    duncan_from_means,
    dunnett,
    dunnett_from_means,
    lsd,
    lsd_from_means,
    regwq,
    regwq_from_means,
    scheffe,
    scheffe_from_means,
    snk,
    snk_from_means,
    tukey,
    tukey_from_means,
    waller,
    waller_from_means,
)
from fertopt.omission import OmissionResult, omission
from fertopt.plan import AnalysisPlan, plan_analysis
from fertopt.reports import TrialReport, combined_report, trial_report
from fertopt.response import (
    ModelComparison,
    ResponseFit,
    compare_models,
    fit_response,
    response_from_coefficients,
)
from fertopt.soiltest import (
    AbundanceClasses,
    ALCCResult,
    CalibrationFit,
    CateNelsonResult,
    abundance_classes,
    cate_nelson_1965,
    cate_nelson_1971,
    fit_calibration,
    mod_alcc,
    soiltest_report,
)
from fertopt.surface import (
    CanonicalResult,
    SurfaceFit,
    SurfaceOptimum,
    SurfacePoint,
    TypicalityResult,
    fit_surface,
    surface_from_coefficients,
)
from fertopt.three414 import Three414Result, three414
from fertopt.units import Prices

__all__ = [
    "plan_analysis",
    "audit",
    "AuditResult",
    "AnalysisPlan",
    "__version__",
    "units",
    "design",
    "FieldBook",
    "read_trials",
    "anova",
    "AnovaResult",
    "combined_anova",
    "CombinedAnovaResult",
    "mixed_model",
    "MixedModelResult",
    "lsmeans",
    "LSMeansResult",
    "load_dataset",
    "list_datasets",
    "omission",
    "OmissionResult",
    "FertoptError",
    "ColumnError",
    "DataError",
    "DesignError",
    "ConvergenceError",
    "OptionError",
    "DependencyError",
    "FertoptWarning",
    "DataWarning",
    "DesignWarning",
    "UnbalancedDesignWarning",
    "AssumptionWarning",
    "ExtrapolationWarning",
    "ConvergenceWarning",
    "PriceWarning",
    "DisplayWarning",
    "Prices",
    "fit_response",
    "compare_models",
    "response_from_coefficients",
    "pool_sites",
    "ResponseFit",
    "ModelComparison",
    "Optimum",
    "NetReturnCurve",
    "PriceSensitivity",
    "PooledSites",
    "fit_surface",
    "surface_from_coefficients",
    "SurfaceFit",
    "CanonicalResult",
    "SurfaceOptimum",
    "TypicalityResult",
    "SurfacePoint",
    "three414",
    "Three414Result",
    "duncan",
    "lsd",
    "tukey",
    "snk",
    "scheffe",
    "dunnett",
    "regwq",
    "waller",
    "duncan_from_means",
    "lsd_from_means",
    "tukey_from_means",
    "snk_from_means",
    "scheffe_from_means",
    "dunnett_from_means",
    "regwq_from_means",
    "waller_from_means",
    "MultCompResult",
    "trial_report",
    "combined_report",
    "TrialReport",
    "run_batch",
    "BatchResult",
    "cate_nelson_1965",
    "cate_nelson_1971",
    "fit_calibration",
    "mod_alcc",
    "abundance_classes",
    "soiltest_report",
    "CateNelsonResult",
    "CalibrationFit",
    "ALCCResult",
    "AbundanceClasses",
]


# ---------------------------------------------------------------------------
# deprecated spellings
# ---------------------------------------------------------------------------
# The water-chestnut audit moved from the data layer to its study package: datasets holds data
# only and may not import the study above it, so the old spelling is installed here, once both
# are imported.
def _water_chestnut_audit(lang: str = "en") -> studies.water_chestnut.StudyAudit:
    """Deprecated spelling of :func:`fertopt.studies.water_chestnut.audit`.

    Emits a :class:`FutureWarning`; call ``fertopt.studies.water_chestnut.audit(lang)``
    instead.
    """
    warnings.warn(
        "fertopt.datasets.water_chestnut_audit() is deprecated and will be removed; use "
        "fertopt.studies.water_chestnut.audit() instead.",
        FutureWarning,
        stacklevel=2,
    )
    return studies.water_chestnut.audit(lang=lang)


_water_chestnut_audit.__name__ = _water_chestnut_audit.__qualname__ = "water_chestnut_audit"
datasets.water_chestnut_audit = _water_chestnut_audit


def __getattr__(name: str):
    # fertopt.plotting (matplotlib) and fertopt.distributions load on first use only
    if name in ("plotting", "distributions"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'fertopt' has no attribute {name!r}")
