"""The steps of :func:`fertopt.mixed_model`: the data, the matrices, the REML fit, the tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from fertopt._core import validation as _v
from fertopt.exceptions import DataError, DataWarning, DesignError, OptionError
from fertopt.mixed import ddf as _ddf
from fertopt.mixed.matrices import (
    FixedPart,
    fixed_part,
    level_rows,
    random_indicators,
    term_hypothesis,
)
from fertopt.mixed.reml import fit_reml

__all__ = ["Fitted", "parse_random", "prepare_frame", "fit_model", "lsmeans_frame"]

DDF_METHODS = ("kenward-roger", "satterthwaite")


@dataclass(frozen=True)
class Fitted:
    """A fitted mixed model: the fixed part, the random terms, the fit and its inference."""

    part: FixedPart
    random: list[tuple[str, ...]]
    inference: _ddf.Inference
    anova: pd.DataFrame
    variance_components: pd.DataFrame
    params: pd.DataFrame
    ddf: str


def parse_random(random: Any) -> list[tuple[str, ...]]:
    """``"site"``, ``"site:rep"`` or a list of them → tuples of column names."""
    if isinstance(random, str):
        random = [random]
    if not isinstance(random, (list, tuple)) or not random:
        raise OptionError(
            f"random={random!r} must name at least one random term, e.g. "
            "random=['site', 'site:rep', 'site:N']."
        )
    out = []
    for r in random:
        if isinstance(r, (list, tuple)):
            parts = tuple(str(p) for p in r)
        else:
            parts = tuple(p.strip() for p in str(r).split(":") if p.strip())
        if not parts:
            raise OptionError(f"random term {r!r} names no column.")
        if parts in out:
            raise OptionError(f"random term {':'.join(parts)!r} is given twice; give it once.")
        out.append(parts)
    return out


def prepare_frame(
    data: Any,
    response: str,
    factors: Sequence[str],
    nan_policy: str,
    *,
    stacklevel: int = 3,
) -> tuple[pd.DataFrame, int, str | None]:
    """The analysed rows: the response as float and every factor as labels."""
    frame = _v.require_frame(data)
    for role, cols in (("response", [response]), ("factor", list(factors))):
        for c in cols:
            _v.require_column(frame, c, role)
    if response in factors:
        raise OptionError(f"column {response!r} is both the response and a factor; name it once.")
    y = _v.to_numeric(frame[response], "response")
    keep, text = _v.drop_missing(
        [y],
        nan_policy,
        refuse=_v.RESPONSE_EMPTY,
        left_out="{n} {plots} with no {column} {were} left out ({rows}).",
        column=response,
        issue=False,
    )
    if not keep.any():
        raise DataError(f"response column {response!r} holds no numbers at all.")
    clean = pd.DataFrame({response: y.to_numpy()[keep]}, index=frame.index[keep])
    for c in factors:
        clean[c] = _v.as_labels(frame.loc[keep, c], "factor")
    return clean, int((~keep).sum()), text


def _tests(inf: _ddf.Inference, part: FixedPart, x: np.ndarray, method: str) -> pd.DataFrame:
    rows = []
    test = _ddf.kenward_roger_test if method == "kenward-roger" else _ddf.satterthwaite_test
    for term in part.terms:
        q, m, f = test(inf, term_hypothesis(part, term, x))
        rows.append((":".join(term), q, m, f, float(stats.f.sf(f, q, m))))
    return pd.DataFrame(rows, columns=["term", "num_df", "den_df", "f", "p"])


def fit_model(
    clean: pd.DataFrame,
    response: str,
    fixed: Sequence[str],
    random: list[tuple[str, ...]],
    method: str,
) -> Fitted:
    """Build the matrices, fit by REML and test every fixed term."""
    part, x = fixed_part(clean, fixed)
    rank = np.linalg.matrix_rank(x)
    if rank < x.shape[1]:
        raise DesignError(
            f"the fixed effects {' × '.join(fixed)} cannot all be estimated: some combinations "
            "of their levels have no plot (empty cells). Drop a factor, or analyse the cells "
            "present as one treatment column."
        )
    zs, names = [], []
    for term in random:
        z, k = random_indicators(clean, term)
        if k < 2:
            raise DesignError(
                f"random term {':'.join(term)!r} has a single level in the data; a variance "
                "between levels needs at least 2. Drop it from random=."
            )
        zs.append(z)
        names.append(":".join(term))
    y = clean[response].to_numpy(dtype=float)
    if len(y) - rank < 1:
        raise DesignError("no residual degrees of freedom: add plots or drop fixed terms.")
    fit = fit_reml(y, x, zs)
    inf = _ddf.inference(fit)
    variances = fit.variances
    vc = pd.DataFrame(
        {
            "group": [*names, "Residual"],
            "variance": variances,
            "sd": np.sqrt(variances),
            "share": variances / variances.sum(),
        }
    )
    params = pd.DataFrame(
        {"name": part.names, "estimate": fit.beta, "se": np.sqrt(np.diag(fit.cov_beta))}
    )
    return Fitted(part, random, inf, _tests(inf, part, x, method), vc, params, method)


def boundary_warning(fitted: Fitted) -> str | None:
    """Words for variance components estimated at zero, if any."""
    zero = fitted.variance_components.loc[
        fitted.variance_components["variance"] <= 0, "group"
    ].tolist()
    if not zero:
        return None
    return (
        f"the variance of {', '.join(map(repr, zero))} is estimated as zero (on the boundary, "
        "a 'singular fit' in lme4): the data show no variation from "
        f"{'this term' if len(zero) == 1 else 'these terms'} beyond the residual. The tests "
        "remain valid; dropping the term gives the same fixed effects."
    )


def lsmeans_frame(fitted: Fitted, term: Any, alpha: float = 0.05) -> pd.DataFrame:
    """``level | lsmean | se | df | ci_low | ci_high`` of a fixed term."""
    parts = (
        tuple(p.strip() for p in term.split(":"))
        if isinstance(term, str)
        else tuple(str(t) for t in term)
    )
    ordered = tuple(f for f in fitted.part.factors if f in parts)
    if len(ordered) != len(parts) or not parts:
        raise OptionError(
            f"term={term!r} is not a fixed term of this model; its fixed terms are "
            f"{', '.join(repr(':'.join(t)) for t in fitted.part.terms)}."
        )
    labels, rows = level_rows(fitted.part, ordered)
    est = np.array([_ddf.contrast(fitted.inference, r, fitted.ddf) for r in rows])
    tq = stats.t.isf(alpha / 2, est[:, 2])
    return pd.DataFrame(
        {
            "level": labels,
            "lsmean": est[:, 0],
            "se": est[:, 1],
            "df": est[:, 2],
            "ci_low": est[:, 0] - tq * est[:, 1],
            "ci_high": est[:, 0] + tq * est[:, 1],
        }
    )


def warn_dropped(text: str | None) -> list[tuple[type, str]]:
    return [(DataWarning, text)] if text else []
