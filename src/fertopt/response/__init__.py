"""Single-nutrient response models, their fits and their optima.

Examples
--------
>>> from fertopt.response import MODEL_NAMES
>>> MODEL_NAMES
('linear', 'quadratic', 'square_root', 'linear_plateau', 'quadratic_plateau', 'mitscherlich')
"""

from __future__ import annotations

from fertopt.curves.models import MODEL_NAMES, MODELS, ModelSpec
from fertopt.response.compare import ModelComparison, compare_models
from fertopt.response.fit import ResponseFit, fit_response, response_from_coefficients

__all__ = [
    "fit_response",
    "compare_models",
    "response_from_coefficients",
    "ResponseFit",
    "ModelComparison",
    "ModelSpec",
    "MODELS",
    "MODEL_NAMES",
]
