"""Which means are compared: least-squares means or arithmetic means of the plots.

Every test on an ANOVA gets its families of means here (:func:`select_means`), so that letters,
Dunnett's contrasts and every table built on them share one set of means.

* ``means="ls"`` (the default): least-squares means (:func:`fertopt.anova.least_squares_means`,
  as ``emmeans`` and SAS ``LSMEANS``), with their covariance: the pairwise standard errors then
  come from ``Var(m_i) + Var(m_j) − 2 Cov(m_i, m_j)``, not from ``MSE (1/n_i + 1/n_j)``.
* ``means="arithmetic"``: the arithmetic means of the plots, as ``agricolae``.

In a balanced trial, a one-way CRD and the cells of a complete factorial CRD both are the same
means with the same covariance ``MSE · diag(1/n)``; the arithmetic families are then used for
either choice, so the numbers do not depend on it.  Split-plots are complete, so their LS-means
are the arithmetic means and the error of the comparison follows the design as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fertopt._core.i18n import message
from fertopt.anova import least_squares_means
from fertopt.exceptions import DesignWarning
from fertopt.multcomp._families import Family, families_from_anova

__all__ = ["MeansChoice", "select_means"]


@dataclass
class MeansChoice:
    """The families compared and what they are."""

    families: list[Family]
    n_obs: int
    kind: str  # "ls" or "arithmetic": the means compared
    coincide: bool  # LS-means and arithmetic means (and their covariances) are the same
    notes: list[str] = field(default_factory=list)
    warns: list[tuple[type, str]] = field(default_factory=list)


def _ls_families(aov, parts: tuple[str, ...], within: tuple[str, ...], arithmetic: list[Family]):
    """The families of LS-means (cells of ``within`` × ``parts``), or None when some level's
    LS-mean is not estimable; and whether they equal the arithmetic families."""
    lsm = least_squares_means(aov, [*within, *parts])
    if not np.all(lsm.estimable[lsm.n > 0]):
        return None, False
    if lsm.equals_arithmetic(float(aov.mse)):
        return arithmetic, True
    frame = lsm.levels.copy()
    for f in lsm.term:
        frame[f] = pd.Categorical(frame[f], categories=[str(c) for c in aov.data[f].cat.categories])
    frame["_i"] = np.arange(len(frame))
    frame = frame[lsm.n > 0].sort_values([*within, *parts])
    sd_of = {
        (fam.within, lb): s for fam in arithmetic for lb, s in zip(fam.labels, fam.sd, strict=True)
    }

    def labels_of(sub: pd.DataFrame, cols: tuple[str, ...]) -> list[str]:
        out = sub[cols[0]].astype(str)
        for c in cols[1:]:
            out = out + ":" + sub[c].astype(str)
        return list(out)

    groups = (
        [(None, frame)]
        if not within
        else list(frame.groupby(list(within), observed=True, sort=False))
    )
    families = []
    for key, sub in groups:
        w = (
            None
            if not within
            else ":".join(str(k) for k in (key if isinstance(key, tuple) else (key,)))
        )
        idx = sub["_i"].to_numpy()
        labels = labels_of(sub, parts)
        families.append(
            Family(
                labels,
                lsm.estimate[idx],
                lsm.n[idx],
                np.array([sd_of.get((w, lb), np.nan) for lb in labels]),
                w,
                cov=lsm.cov[np.ix_(idx, idx)],
            )
        )
    return families, False


def select_means(aov, parts: tuple[str, ...], within: tuple[str, ...], means: str) -> MeansChoice:
    """The families of means compared by a test on ``aov``: LS-means or arithmetic means."""
    arithmetic, n_obs = families_from_anova(aov, parts, within)
    design = str(aov.design)
    if design.startswith("split-plot") or design == "CRD" or aov.balanced:
        # complete split-plots, one-way CRDs and balanced layouts: LS-means are the arithmetic
        # means and their covariance is MSE · diag(1/n)
        return MeansChoice(arithmetic, n_obs, means, True)
    ls, coincide = _ls_families(aov, parts, within, arithmetic)
    if coincide:
        return MeansChoice(arithmetic, n_obs, means, True)
    if ls is None:
        text = message("mc_ls_not_estimable", term=":".join(parts))
        warns = [(DesignWarning, text)] if means == "ls" else []
        return MeansChoice(arithmetic, n_obs, "arithmetic", False, [text], warns)
    if means == "arithmetic":
        note = message("mc_arithmetic_means")
        return MeansChoice(arithmetic, n_obs, "arithmetic", False, [note])
    note = message("mc_ls_means")
    return MeansChoice(ls, n_obs, "ls", False, [note])
