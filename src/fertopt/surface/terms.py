"""Terms of a surface named by the user: a term list for :func:`~fertopt.fit_surface`, or
the coefficients of a published equation for :func:`~fertopt.surface_from_coefficients`.

Names follow the convention of :func:`fertopt.surface.poly.parse_term` (``N``,
``N^2``, ``N:P2O5``, ``sqrt(N)``, R's ``I(N^2)``); each term becomes its powers
of the nutrients, intercept first.  Every message names the offending term.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from fertopt._core.validation import check_choice
from fertopt.exceptions import OptionError
from fertopt.surface import poly as _ps

__all__ = ["fit_terms", "nutrients_named", "published_terms", "published_model"]

Powers = tuple[float, ...]


def fit_terms(
    terms: str | Sequence[str], nutrients: tuple[str, ...], model: str
) -> tuple[list[Powers], str, str]:
    """Candidate terms of a fit: ``(powers, selection, model)``.

    ``"full"`` and ``"stepwise"`` take every term of the model family; a list gives
    the terms (intercept implied), and the model becomes ``custom`` when a term lies
    outside the family.
    """
    cand = _ps.candidate_terms(len(nutrients), model)
    if isinstance(terms, str):
        terms = check_choice(terms, "terms", ("full", "stepwise"))
        return cand, terms, model
    powers = [tuple(0.0 for _ in nutrients)]
    for t in terms:
        try:
            pw = _ps.parse_term(t, nutrients)
        except KeyError as exc:
            raise OptionError(
                f"term {t!r} names {exc.args[0]!r}, which is not a nutrient of this surface "
                f"({', '.join(nutrients)}). Name terms like 'N', 'N^2', 'N:P2O5', 'sqrt(N)'."
            ) from None
        except ValueError as exc:
            raise OptionError(f"term {t!r} is not valid: {exc}.") from None
        if pw in powers:
            if any(pw):
                raise OptionError(f"term {t!r} is given twice.")
            continue
        powers.append(pw)
    return powers, "given", "custom" if set(powers) - set(cand) else model


def nutrients_named(items: list[tuple[Any, Any]]) -> tuple[str, ...]:
    """Nutrients in the coefficient names, in order of appearance (when no bounds name them)."""
    found: list[str] = []
    for name, _ in items:
        if str(name).strip().lower() in _ps.INTERCEPT_NAMES:
            continue
        for factor in str(name).split(":"):
            f = factor.strip()
            for pattern in (_ps.SQRT_TERM, _ps.POWER_TERM):
                m = pattern.match(f)
                if m:
                    f = m.group(1).strip()
            if f not in found:
                found.append(f)
    return tuple(found)


def published_terms(
    items: list[tuple[Any, Any]], nutrients: tuple[str, ...]
) -> tuple[list[Powers], list[float]]:
    """Powers and values of published coefficients, intercept first (zero when not given)."""
    powers: list[Powers] = [tuple(0.0 for _ in nutrients)]
    values = [0.0]
    for name, value in items:
        try:
            pw = _ps.parse_term(str(name), nutrients)
        except KeyError as exc:
            raise OptionError(
                f"coefficient {name!r} names {exc.args[0]!r}, which is not among the nutrients "
                f"with bounds ({', '.join(nutrients)}). Give bounds for every nutrient, with names "
                "spelled as in the coefficient names."
            ) from None
        except ValueError as exc:
            raise OptionError(f"coefficient {name!r} is not a valid term: {exc}.") from None
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise OptionError(f"coefficient {name!r} must be a number, got {value!r}.") from None
        if not math.isfinite(v):
            raise OptionError(f"coefficient {name!r} must be finite, got {value!r}.")
        if pw in powers:
            if any(pw) or values[0] != 0.0:
                raise OptionError(f"coefficient {name!r} is given twice.")
            values[0] = v
            continue
        powers.append(pw)
        values.append(v)
    return powers, values


def published_model(powers: list[Powers], k: int) -> str:
    """``quadratic`` or ``square_root`` when the terms lie in that family, else ``custom``."""
    fam = set(powers)
    return (
        "quadratic"
        if fam <= set(_ps.candidate_terms(k, "quadratic"))
        else "square_root"
        if fam <= set(_ps.candidate_terms(k, "square_root"))
        else "custom"
    )
