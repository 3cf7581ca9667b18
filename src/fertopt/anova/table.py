"""The ANOVA table of :func:`fertopt.anova.anova`: each term tested against its error."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from fertopt.anova.layout import RESID, Spec, error_strata
from fertopt.exceptions import DataWarning, DesignWarning


def anova_table(
    spec: Spec,
    names: list[str],
    parts: list[tuple[float, float]],
    error_of: dict[str, str],
    *,
    df_resid: float,
    ss_resid: float,
    ss_total: float,
) -> tuple[pd.DataFrame, list[tuple[str, float, float]], list[tuple[str, Any]]]:
    """The ANOVA table, the error terms ``(name, df, ss)`` and the table's row order.

    Each term is tested against its own error (errors a, b (and c) of a split-plot,
    split-split-plot or strip-plot, else the residual); a term confounded with earlier
    ones (0 df) is left out with a warning, and a zero error gives F = inf.  The
    terms that make up an error (block × main plot, …) are removed from ``error_of``:
    they are errors, not tested terms.  A term without an error (the blocks of a
    strip-plot) is shown without F.
    """
    rows, errors = [], []
    strata, resid_name = error_strata(spec)
    if strata:
        # each error row takes the place of the last of its terms; the residual closes the table
        part_of = dict(zip(names, parts, strict=True))
        last = {terms[-1]: err for err, terms in strata.items()}
        in_error = {t for terms in strata.values() for t in terms}
        order = []
        for nm in names:
            if nm in last:
                err = last[nm]
                errors.append(
                    (
                        err,
                        math.fsum(part_of[t][0] for t in strata[err]),
                        math.fsum(part_of[t][1] for t in strata[err]),
                    )
                )
                order.append((err, None))
            elif nm not in in_error:
                order.append((nm, part_of[nm]))
            if nm in in_error:
                error_of.pop(nm, None)
        errors.append((resid_name, df_resid, ss_resid))
        order.append((resid_name, None))
    else:
        errors.append((RESID, df_resid, ss_resid))
        order = [(nm, pr) for nm, pr in zip(names, parts, strict=True)] + [(RESID, None)]

    err_ms = {name: ss_ / df_ for name, df_, ss_ in errors}
    err_df = {name: df_ for name, df_, _ in errors}
    err_ss = {name: ss_ for name, _, ss_ in errors}
    perfect = ss_resid <= 1e-13 * ss_total
    if perfect:
        spec.warn(
            DataWarning,
            "the residual variation is zero: every plot equals its fitted value, so F is infinite. "
            "This happens with copied or made-up values; check the data.",
        )
    from scipy.special import fdtrc

    for name, part in order:
        if part is None:
            rows.append((name, err_df[name], err_ss[name], err_ms[name], np.nan, np.nan))
            continue
        df_t, ss_t = part
        err = error_of.get(name)
        ms_t = ss_t / df_t if df_t > 0 else np.nan
        if err is None:  # a term with no error to test it against (blocks of a strip-plot)
            rows.append((name, df_t, ss_t, ms_t, np.nan, np.nan))
            continue
        ms_e = err_ms[err]
        if df_t == 0:
            spec.warn(
                DesignWarning,
                f"{name} cannot be estimated: it is confounded with earlier terms of the model "
                "(for example with blocks) and is left out of the table.",
            )
            continue
        if ms_e <= 1e-13 * ss_total / max(err_df[err], 1):
            f_val, p_val = (math.inf, 0.0) if ss_t > 0 else (np.nan, np.nan)
        else:
            f_val = ms_t / ms_e
            p_val = float(fdtrc(df_t, err_df[err], f_val))  # = scipy.stats.f.sf, F ≥ 0
        rows.append((name, df_t, ss_t, ms_t, f_val, p_val))
    source, *numbers = zip(*rows, strict=True)
    columns = {"source": list(source)}
    columns.update(
        (name, np.array(values, dtype=float))
        for name, values in zip(("df", "ss", "ms", "f", "p"), numbers, strict=True)
    )
    return pd.DataFrame(columns), errors, order
