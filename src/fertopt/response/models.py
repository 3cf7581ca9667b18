"""The single-nutrient response models, under their public path.

The model specifications live in :mod:`fertopt.curves.models` (below the
fitting, economics and plotting code that use them); this module keeps
``fertopt.response.models`` working for code written against it.

Examples
--------
>>> from fertopt.response.models import MODELS, get_model
>>> get_model("quadratic").params
('intercept', 'linear', 'quadratic')
>>> sorted(MODELS) == sorted(("linear", "quadratic", "square_root", "linear_plateau",
...                           "quadratic_plateau", "mitscherlich"))
True
"""

from __future__ import annotations

from fertopt.curves.models import MODEL_NAMES, MODELS, Blocks, ModelSpec, Solution, get_model

__all__ = ["ModelSpec", "Solution", "MODELS", "MODEL_NAMES", "get_model", "Blocks"]
