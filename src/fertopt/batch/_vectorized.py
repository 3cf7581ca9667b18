"""The vectorized engine: the analyses of many regular trials as array operations.

A chunk of regular trials with ``K`` treatments and ``R`` blocks (or
replicates) is a ``(trials, K, R)`` array.  Every statistic is computed over
the trial axis at once; nothing loops over trials in Python.  Numbers equal
those of the per-trial path (:mod:`fertopt.batch._pertrial`) to rounding.

RCBD trials with missing plots are grouped by which plots are missing: the
trials of one pattern share their design matrix, so its factorisation is done
once (:class:`PatternDesign`) and applied to all their responses at once
(:func:`anova_pattern`).

A trial whose numbers fall where the per-trial functions take a special
branch (a residual sum of squares at rounding level, for instance) is handed
back to the per-trial path instead of imitating that branch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fertopt._core.validation import RESPONSE_SCALE

__all__ = ["AnovaArrays", "anova_arrays", "PatternDesign", "anova_pattern"]

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
    grand = shift + centre + gm
    size = np.abs(y).max(axis=(1, 2))
    return _table(
        ss_t, ss_b, ss_res, ss_tot, float(k - 1), df_b, df_res, grand, size,
        negative=(y < 0).any(axis=(1, 2)), means=tm + (shift + centre)[:, None],
        centred=tm, offset=shift + centre, sd=sd, blocked=blocked,
    )  # fmt: skip


def _table(
    ss_t: np.ndarray,
    ss_b: np.ndarray,
    ss_res: np.ndarray,
    ss_tot: np.ndarray,
    df_t: float,
    df_b: float,
    df_res: float,
    grand: np.ndarray,
    size: np.ndarray,
    *,
    negative: np.ndarray,
    means: np.ndarray,
    centred: np.ndarray,
    offset: np.ndarray,
    sd: np.ndarray,
    blocked: bool,
) -> AnovaArrays:
    """The ANOVA table of a batch from its sums of squares, and the trials to refer.

    A grand mean at rounding level of the data makes the CV a ratio of noise
    (fertopt.anova gives NaN for an exactly zero mean); negative yields (refused unless
    allow_negative) and magnitudes fertopt.anova refuses: such trials go to the per-trial
    path, which gives them their message.
    """
    from scipy import special

    mse = ss_res / df_res
    refer = ~(ss_res > _PERFECT_MARGIN * ss_tot) | ~(np.abs(grand) > 1e-9 * size)
    low, high = RESPONSE_SCALE
    refer |= negative | (size > high) | ((size < low) & (size > 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (ss_t / df_t) / mse
        p = special.fdtrc(df_t, df_res, f)
        if blocked:
            f_b = (ss_b / df_b) / mse
            p_b = special.fdtrc(df_b, df_res, f_b)
        else:
            f_b = np.full(len(ss_t), np.nan)
            p_b = np.full(len(ss_t), np.nan)
        cv = np.where(grand != 0, 100.0 * np.sqrt(mse) / np.where(grand != 0, grand, 1.0), np.nan)
        r2 = (ss_t + ss_b) / ss_tot
    return AnovaArrays(
        grand_mean=grand,
        means=means,
        centred_means=centred,
        offset=offset,
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


def _sum_coding(codes: np.ndarray, levels: int) -> np.ndarray:
    """Sum-to-zero coding of level codes (the last level is −1 in every column)."""
    out = np.zeros((len(codes), levels - 1))
    rows = codes < levels - 1
    out[np.flatnonzero(rows), codes[rows]] = 1.0
    out[codes == levels - 1, :] = -1.0
    return out


@dataclass
class PatternDesign:
    """The additive RCBD model ``y = μ + block + treatment`` on the plots of one pattern.

    Plots are in ``mask``'s row-major order (treatment by treatment).  ``q``
    is an orthonormal basis of the model's columns in the order intercept,
    blocks, treatments, so that the squared coordinates of a response on
    ``q[:, 1:R]`` and ``q[:, R:]`` are the sequential (type I) sums of squares
    of blocks and of treatments adjusted for blocks.  ``lsm`` (K, plots)
    gives the least-squares means of the treatments from the centred plots
    (the model's predictions averaged over blocks with equal weights) and
    ``cov`` (K, K) their covariance divided by the error mean square,
    ``L (XᵀX)⁻¹ Lᵀ``.
    """

    k: int
    r: int
    mask: np.ndarray
    g_of: np.ndarray  # (plots,) treatment of every plot
    n_g: np.ndarray  # (K,) plots per treatment
    q: np.ndarray
    lsm: np.ndarray
    cov: np.ndarray
    pair_var: np.ndarray  # (K, K): Var(m_a − m_b) / (2 MSE)
    common_var: float  # the mean of pair_var over the pairs (one SE for all pairs)
    usable: bool  # full rank, every LS-mean estimable, LS-means not the arithmetic means

    @property
    def n(self) -> int:
        return len(self.g_of)

    @classmethod
    def build(cls, mask: np.ndarray) -> PatternDesign:
        k, r = mask.shape
        g_of, b_of = np.nonzero(mask)
        x = np.column_stack([np.ones(len(g_of)), _sum_coding(b_of, r), _sum_coding(g_of, k)])
        norms = np.sqrt((x * x).sum(axis=0))
        q, rr = np.linalg.qr(x / norms)
        diag = np.abs(np.diag(rr))
        full = bool(diag.min() > 1e-9 * diag.max())
        n_g = np.bincount(g_of, minlength=k)
        if not full:
            zero = np.zeros((k, k))
            return cls(k, r, mask, g_of, n_g, q, np.zeros((k, len(g_of))), zero, zero, 0.0, False)
        rinv = np.linalg.inv(rr) / norms[:, None]  # x = q (rr / scale) → x⁺ = rinv qᵀ
        levels = np.vstack([np.eye(k - 1), -np.ones((1, k - 1))])  # sum coding of each level
        ell = np.column_stack([np.ones(k), np.zeros((k, r - 1)), levels])
        w = ell @ rinv
        lsm = w @ q.T
        cov = w @ w.T
        d = np.diag(cov)
        pair_var = (d[:, None] + d[None, :] - 2.0 * cov) / 2.0
        ii, jj = np.triu_indices(k, 1)
        common = float(np.mean(pair_var[ii, jj]))
        # fo.lsmeans compares means and covariance with the arithmetic ones: where the
        # covariance is MSE · diag(1/n) the means decide, so the per-trial path does
        target = np.diag(1.0 / n_g)
        same_cov = np.allclose(cov, target, rtol=0, atol=1e-9 * float(np.max(target)))
        return cls(k, r, mask, g_of, n_g, q, lsm, cov, pair_var, common, not same_cov)


def anova_pattern(y: np.ndarray, design: PatternDesign) -> AnovaArrays:
    """Sequential ANOVA (blocks, then treatments) of ``y`` (trials, plots) of one pattern.

    As :func:`fertopt.anova` fits an RCBD with missing plots: SS_block from the
    block means, SS_treatment adjusted for blocks, the residual of the additive
    model; LS-means as :func:`fertopt.lsmeans`.  Each trial is shifted by one of
    its values and centred first, as in :func:`anova_arrays`.  ``means`` are
    the least-squares means, ``sd`` the standard deviations of the plots present.
    """
    n_t, n = y.shape
    k, r = design.k, design.r
    shift = y[:, 0].copy()
    d = y - shift[:, None]
    centre = d.mean(axis=1)
    e = d - centre[:, None]
    del d
    coord = e @ design.q
    ss_b = np.einsum("ij,ij->i", coord[:, 1:r], coord[:, 1:r])
    ss_t = np.einsum("ij,ij->i", coord[:, r:], coord[:, r:])
    resid = e - coord @ design.q.T
    ss_res = np.einsum("ij,ij->i", resid, resid)
    ss_tot = np.einsum("ij,ij->i", e, e)
    del resid
    onehot = np.zeros((n, k))
    onehot[np.arange(n), design.g_of] = 1.0
    tm = (e @ onehot) / design.n_g
    within = e - tm[:, design.g_of]
    sd = np.sqrt((within * within) @ onehot / (design.n_g - 1))
    del within
    offset = shift + centre
    lsm = e @ design.lsm.T
    size = np.abs(y).max(axis=1)
    return _table(
        ss_t, ss_b, ss_res, ss_tot, float(k - 1), float(r - 1), float(n - k - r + 1),
        offset.copy(), size, negative=(y < 0).any(axis=1), means=lsm + offset[:, None],
        centred=lsm, offset=offset, sd=sd, blocked=True,
    )  # fmt: skip
