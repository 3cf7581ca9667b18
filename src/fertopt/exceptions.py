"""Exceptions and warnings raised by fertopt.

Every error a user can provoke with their data or arguments is a
:class:`FertoptError`; its message says what is wrong, where (column, row,
value) and how to fix it.  Warnings are :class:`FertoptWarning` subclasses so
that batch users can filter them by category or turn them into errors.

Examples
--------
>>> import fertopt as fo
>>> issubclass(fo.ColumnError, KeyError), issubclass(fo.DataError, ValueError)
(True, True)
>>> issubclass(fo.OptionError, ValueError), issubclass(fo.DependencyError, ImportError)
(True, True)
"""

from __future__ import annotations

__all__ = [
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
    "NetworkWarning",
]


class FertoptError(Exception):
    """Base class of every error raised by fertopt on bad input or an impossible analysis."""

    def __str__(self) -> str:  # KeyError would otherwise wrap the message in quotes
        return str(self.args[0]) if self.args else ""


class ColumnError(FertoptError, KeyError):
    """A named column is missing from the data, or a role names the wrong kind of column."""


class DataError(FertoptError, ValueError):
    """Cell values cannot be used: text in a numeric column, negative rates, missing responses."""


class DesignError(FertoptError, ValueError):
    """The layout of the trial cannot support the requested analysis."""


class OptionError(FertoptError, ValueError):
    """An argument is not usable: an option outside its set, ``alpha`` outside (0, 1), a
    non-positive number where a positive one is needed, an argument of the wrong type, or two
    arguments that contradict each other.  The data may be fine; change the call."""


class DependencyError(FertoptError, ImportError):
    """An optional package that this task needs is not installed; the message names the extra
    to install (``pip install 'fertopt[excel]'``) or another way round."""


class ConvergenceError(FertoptError, RuntimeError):
    """An iterative fit did not converge to a usable solution."""


class FertoptWarning(UserWarning):
    """Base class of every warning issued by fertopt."""


class DataWarning(FertoptWarning):
    """Something in the data was changed or dropped (missing values, duplicated plots)."""


class DesignWarning(FertoptWarning):
    """The design is usable but weaker than the analysis assumes."""


class UnbalancedDesignWarning(DesignWarning):
    """Replication differs between treatments or a block lacks a treatment."""


class AssumptionWarning(FertoptWarning):
    """A model assumption (normality, equal variances) looks violated."""


class ExtrapolationWarning(FertoptWarning):
    """A reported rate or prediction lies outside the tested range."""


class ConvergenceWarning(FertoptWarning):
    """A fit converged only partly; its uncertainty may be unreliable."""


class PriceWarning(FertoptWarning):
    """Prices look inconsistent (for example a product price used as a nutrient price)."""


class DisplayWarning(FertoptWarning):
    """Output could not be rendered as asked (for example no CJK font for Chinese labels)."""


class NetworkWarning(FertoptWarning):
    """A network-wide result rests on too little: few sites, rates that do not bracket the
    recommendation, a variance estimated at zero."""
