"""The vectorized engine: the analyses of many regular trials as array operations.

A chunk of regular trials with ``K`` treatments and ``R`` blocks (or
replicates) is a ``(trials, K, R)`` array.  Every statistic is computed over
the trial axis at once; nothing loops over trials in Python.  Numbers equal
those of the per-trial path (:mod:`fertopt.batch._pertrial`) to rounding.

A trial whose numbers fall where the per-trial functions take a special
branch (a residual sum of squares at rounding level, for instance) is handed
back to the per-trial path instead of imitating that branch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fertopt._core.validation import RESPONSE_SCALE

__all__ = ["AnovaArrays", "anova_arrays"]

# A residual below this share of the total sum of squares is "zero" for
# fertopt.anova at 1e-13; trials within two orders of magnitude of that limit
# are sent to the per-trial path so the decision is taken by the same code.
_PERFECT_MARGIN = 1e-11


@dataclass
class AnovaArrays:
    """ANOVA of a chunk of trials (one entry per trial unless noted)."""

    grand_mean: np.ndarray
    means: np.ndarray  # (trials, K) treatment means
    centred_means: np.ndarray  # (trials, K) treatment means minus `offset`
    offset: np.ndarray  # (trials,) the shift used to centre the trial
    sd: np.ndarray  # (trials, K) standard deviations of the plots of each treatment
    ss_treatment: np.ndarray
    ss_block: np.ndarray  # zeros for a CRD
    ss_resid: np.ndarray
    ss_total: np.ndarray
    df_treatment: float
    df_block: float  # nan for a CRD
    df_resid: float
    mse: np.ndarray
    f: np.ndarray
    p: np.ndarray
    f_block: np.ndarray
    p_block: np.ndarray
    cv: np.ndarray
    r_squared: np.ndarray
    refer: np.ndarray  # bool: hand the trial to the per-trial path


def anova_arrays(y: np.ndarray, blocked: bool) -> AnovaArrays:
    """One-way (CRD) or two-way additive (RCBD) ANOVA of ``y`` with shape (trials, K, R).

    Each trial is first shifted by one of its own values (an exact
    subtraction when the values share their leading digits) and centred on
    its mean, as :func:`fertopt.anova` does, so large offsets cost no digits.
    With treatment means ``t_k``, block means ``b_r`` and grand mean ``m`` of
    the centred values ``e``::

        SS_treatment = R Σ_k (t_k − m)²        SS_block = K Σ_r (b_r − m)²
        SS_resid     = Σ (e − t_k − b_r + m)²  (RCBD)   or  Σ (e − t_k)²  (CRD)
    """
    from scipy import special

    n_t, k, r = y.shape
    shift = y[:, 0, 0].copy()
    d = y - shift[:, None, None]
    centre = d.mean(axis=(1, 2))
    e = d - centre[:, None, None]
    del d
    tm = e.mean(axis=2)
    gm = tm.mean(axis=1)
    dev_t = tm - gm[:, None]
    ss_t = r * np.einsum("ij,ij->i", dev_t, dev_t)
    within = e - tm[:, :, None]
    ss_within = np.einsum("ijk,ijk->ij", within, within)  # (trials, K)
    sd = np.sqrt(ss_within / (r - 1))
    if blocked:
        bm = e.mean(axis=1)
        dev_b = bm - gm[:, None]
        ss_b = k * np.einsum("ij,ij->i", dev_b, dev_b)
        resid = within - dev_b[:, None, :]
        ss_res = np.einsum("ijk,ijk->i", resid, resid)
        del resid
        df_b = float(r - 1)
        df_res = float((k - 1) * (r - 1))
    else:
        ss_b = np.zeros(n_t)
        ss_res = ss_within.sum(axis=1)
        df_b = np.nan
        df_res = float(k * (r - 1))
    del within
    dev = e - gm[:, None, None]
    ss_tot = np.einsum("ijk,ijk->i", dev, dev)
    del dev, e
    df_t = float(k - 1)
    mse = ss_res / df_res
    grand = shift + centre + gm
    # a grand mean at rounding level of the data makes the CV a ratio of noise (fertopt.anova
    # gives NaN for an exactly zero mean): such trials go to the per-trial path
    size = np.abs(y).max(axis=(1, 2))
    refer = ~(ss_res > _PERFECT_MARGIN * ss_tot) | ~(np.abs(grand) > 1e-9 * size)
    # negative yields (refused unless allow_negative) and magnitudes fertopt.anova refuses:
    # the per-trial path gives the trial its message
    low, high = RESPONSE_SCALE
    refer |= (y < 0).any(axis=(1, 2)) | (size > high) | ((size < low) & (size > 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (ss_t / df_t) / mse
        p = special.fdtrc(df_t, df_res, f)
        if blocked:
            f_b = (ss_b / df_b) / mse
            p_b = special.fdtrc(df_b, df_res, f_b)
        else:
            f_b = np.full(n_t, np.nan)
            p_b = np.full(n_t, np.nan)
        cv = np.where(grand != 0, 100.0 * np.sqrt(mse) / np.where(grand != 0, grand, 1.0), np.nan)
        r2 = (ss_t + ss_b) / ss_tot
    return AnovaArrays(
        grand_mean=grand,
        means=tm + (shift + centre)[:, None],
        centred_means=tm,
        offset=shift + centre,
        sd=sd,
        ss_treatment=ss_t,
        ss_block=ss_b,
        ss_resid=ss_res,
        ss_total=ss_tot,
        df_treatment=df_t,
        df_block=df_b,
        df_resid=df_res,
        mse=mse,
        f=f,
        p=p,
        f_block=f_b,
        p_block=p_b,
        cv=cv,
        r_squared=r2,
        refer=refer,
    )
