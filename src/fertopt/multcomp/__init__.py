"""Multiple comparisons of treatment means with letter groups.

Duncan's new multiple range test (新复极差法), Fisher's LSD (with optional
p-value adjustment), Tukey's HSD (Tukey-Kramer), Student-Newman-Keuls,
Ryan–Einot–Gabriel–Welsch (REGWQ), the Waller–Duncan k-ratio t test,
Scheffé and Dunnett, each taking an :class:`~fertopt.anova.AnovaResult` and
using the error term of the fitted design, or summary statistics from a
published table (``*_from_means``).  Every test returns a
:class:`MultCompResult` with the means and their letters, every pairwise
comparison, and the critical values used.

Error terms
-----------
The mean square and degrees of freedom come from the design:

* CRD, RCBD, Latin square, factorials: the residual (block-, row- and
  column-adjusted) error.
* Factorials: ``term="N"`` compares the marginal means of N, ``term="N:P"``
  the cell means, ``term="N", within="P"`` the levels of N separately at each
  level of P (simple effects).
* Split-plots: error a for the main-plot factor, error b for the sub-plot
  factor and for sub-plot levels within a main plot, and for main-plot levels
  within a sub-plot level the combined error
  ``(Ea + (b − 1) Eb) / b`` with Satterthwaite's degrees of freedom
  ``(Ea + (b − 1) Eb)² / (Ea²/df_a + ((b − 1) Eb)²/df_b)``
  (Gomez & Gomez 1984, ch. 3).

Means
-----
By default (``means="ls"``) the tests compare least-squares means
(:func:`fertopt.lsmeans`: block-adjusted, equal weights over the other
factors, as ``emmeans`` and SAS ``LSMEANS``), and the standard error of each
difference comes from their covariance: Tukey's test is then
``emmeans``' ``pairs(..., adjust = "tukey")``, LSD ``adjust = "none"``,
Scheffé ``adjust = "scheffe"``, Dunnett's test
``multcomp::glht(..., mcp(trt = "Dunnett"))``; Duncan's and the SNK test use
each pair's standard error (``replication="kramer"``) or one from the average
variance of the differences (``"harmonic"``).  ``means="arithmetic"``
compares the arithmetic means of the plots with ``MSE (1/n_i + 1/n_j)``, as
``agricolae``.  In balanced trials, one-way CRDs and complete split-plots the
two are the same means with the same standard errors, and the results are
identical; they differ with missing plots or unequal replication in blocked,
Latin-square or factorial trials.  Every result says which were compared
(``means``, and a line of its summary).

Letters
-------
``a`` goes to the highest mean (the lowest with ``descending=False``).  By
default the letters are those of ``agricolae::orderPvalue`` (agricolae
1.3-7) computed from the test's decisions; when that sweep would give letters
that contradict the decisions (it can under unequal replication and for range
tests), Piepho's algorithm is used instead and the result's ``notes`` say so.
Two treatments share a letter exactly when the test did not separate them.
With ``alpha_capitals=0.01`` a second display in capitals gives the 1 % level
beside the 5 % lowercase letters (the usual Chinese layout, e.g. ``a A``).

Where results can differ from agricolae 1.3-7
---------------------------------------------
* Decisions use unrounded p-values: a pair is significant when ``p < alpha``.
  agricolae rounds p-values to 4 decimals and calls ``p <= alpha``
  significant, so a p of 0.05004 (printed 0.0500) counts as significant
  there and not here.  Only pairs within 5e-5 of ``alpha`` are affected.
* Letters that would contradict the decisions are replaced by Piepho's valid
  letters (see above); agricolae prints its sweep regardless.  This happens
  mostly for SNK and Duncan (per-pair decisions are not monotone along the
  sorted means) and for LSD or Tukey-Kramer under unequal replication.
* Quantiles of the studentized range are computed to about 1e-12; R's
  ``qtukey``, which agricolae uses, is accurate to about 1e-6 from 5 df on
  but only to about 1e-2 with 2 df, so critical ranges can differ in the
  later digits (and, very rarely, a borderline decision).
* agricolae drops its table of critical ranges when replication is unequal;
  here it is kept and computed with the harmonic mean of the replications,
  which is what the tests use.
* With missing plots or unequal replication in a blocked or factorial
  trial the default compares least-squares means, as ``emmeans``;
  ``means="arithmetic"`` gives agricolae's numbers.
* agricolae has no Dunnett test; :func:`dunnett` matches
  ``multcomp::glht``.  agricolae's split-plot analysis leaves the error terms
  to the user; here they follow the design.
* Tied means are ordered as agricolae orders them (labels sorted, numbers
  numerically), which fixes the spans of range tests and the letters.

Examples
--------
>>> import fertopt as fo
>>> mc = fo.duncan_from_means(means={"cc": 24.4, "fc": 12.87, "ff": 36.33, "oo": 36.9},
...                           n=3, mse=22.57, df_resid=8)
>>> mc.groups[["treatment", "mean", "letters"]]
  treatment   mean letters
0        oo  36.90       a
1        ff  36.33       a
2        cc  24.40       b
3        fc  12.87       c
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Literal

from fertopt._core.validation import check_choice
from fertopt.multcomp._docstrings import EXTRA_RANGE, anova_doc, means_doc
from fertopt.multcomp._result import MultCompResult
from fertopt.multcomp._run import from_anova, from_means

__all__ = [
    "MultCompResult",
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
    "LETTER_TESTS",
    "letter_test",
]

PAdjust = Literal["bonferroni", "holm", "sidak", "fdr_bh"]
Replication = Literal["harmonic", "kramer"]
LetterMethod = Literal["agricolae", "piepho"]
Alternative = Literal["two-sided", "greater", "less"]
MeansKind = Literal["ls", "arithmetic"]


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------
# Each function is its signature and its docstring. Its body hands the
# arguments on unchanged, as ``**locals()`` (the first and only statement, so
# it holds exactly the parameters), to from_anova() or from_means() in _run.py,
# which check the options every test shares and the ones only some take.
@anova_doc
def duncan(
    aov,
    /,
    *,
    alpha: float = 0.05,
    term: str | None = None,
    within: str | Sequence[str] | None = None,
    stepdown: bool = False,
    replication: Replication = "harmonic",
    alpha_capitals: float | None = None,
    descending: bool = True,
    letters: LetterMethod = "agricolae",
    means: MeansKind = "ls",
) -> MultCompResult:
    """Duncan's new multiple range test (新复极差法) with letter groups.

    Parameters
    ----------
    {aov}
    {term}
    stepdown : bool, default False
        ``False`` judges each pair on its own p-value, as
        ``agricolae::duncan.test``.  ``True`` tests the ranges of the sorted
        means from the widest down and declares no difference inside a range
        found non-significant, as SAS ``MEANS / DUNCAN`` does; ``p`` is then
        the largest p-value of the ranges containing the pair.
    replication : {{"harmonic", "kramer"}}, default "harmonic"
        Standard error under unequal replication: ``√(MSE / n_h)`` with the
        harmonic mean ``n_h`` of all treatments (agricolae, SAS), or each
        pair's own ``√(MSE (1/n_i + 1/n_j) / 2)`` (Kramer).
    {common}
    {means}

    {returns}

    {raises}

    Warns
    -----
    UnbalancedDesignWarning
        When replication differs and the harmonic mean is used.
    DesignWarning
        When a main effect is compared while an interaction containing it is
        significant.

    See Also
    --------
    snk : the same range test at a constant level per range.
    tukey : a single range for all pairs; controls the experimentwise error rate.
    duncan_from_means : the test from a published table of means.

    Notes
    -----
    Critical values ``q_p = Q⁻¹((1 − α)^(p − 1); p, ν)`` for ranges of
    ``p = 2, …, k`` means (Duncan's protection levels), critical ranges
    ``R_p = q_p · SE``.  The span of a pair is the number of means from one
    to the other in the sorted order.  The p-value of a pair spanning ``p``
    means is ``1 − F_Q(|d| / SE; p, ν)^(1/(p − 1))``.  Without ``stepdown``
    the p-values, critical ranges and intervals are those of
    ``agricolae::duncan.test`` 1.3-7, except that agricolae rounds p-values to
    4 decimals before comparing them with ``α`` (a p of 0.05004 counts as
    significant there, not here) and that its letters can contradict its
    p-values (see the module notes).  Studentized range quantiles come from
    :mod:`fertopt.distributions` (relative error about 1e-12; R's ``qtukey``
    is accurate to about 1e-6).

    Examples
    --------
    An RCBD of 8 nitrogen rates in 4 blocks (bundled Minnesota 2012 trial):

    >>> import fertopt as fo
    >>> trial = fo.load_dataset("minnesota_2012")
    >>> aov = fo.anova(trial, response="yld_grain_dry_kgha", treatment="rate_n_applied_kgha",
    ...                block="rep")
    >>> mc = fo.duncan(aov)
    >>> mc.error_term, mc.df_resid
    ('Residuals', 21.0)
    >>> mc.groups[["treatment", "mean", "letters"]].round(0)
      treatment     mean letters
    0   168.127  13972.0       a
    1   235.379  13759.0       a
    2   134.502  13211.0       a
    3   201.753  13080.0       a
    4   100.876  12417.0      ab
    5    67.251  11224.0      bc
    6   33.6255   9913.0       c
    7         0   7676.0       d

    From a published table of means:

    >>> mc = fo.duncan_from_means(means={{"T1": 20.1, "T2": 18.3, "T3": 15.0, "T4": 14.2}},
    ...                           n=4, mse=2.5, df_resid=12)
    >>> mc.critical.round(3)
       span  protection  quantile  critical_range
    0     2       0.950     3.081           2.436
    1     3       0.902     3.225           2.550
    2     4       0.857     3.312           2.619
    >>> mc.groups[["treatment", "mean", "letters"]]
      treatment  mean letters
    0        T1  20.1       a
    1        T2  18.3       a
    2        T3  15.0       b
    3        T4  14.2       b
    """
    return from_anova("Duncan", **locals())


@anova_doc
def snk(
    aov,
    /,
    *,
    alpha: float = 0.05,
    term: str | None = None,
    within: str | Sequence[str] | None = None,
    stepdown: bool = False,
    replication: Replication = "harmonic",
    alpha_capitals: float | None = None,
    descending: bool = True,
    letters: LetterMethod = "agricolae",
    means: MeansKind = "ls",
) -> MultCompResult:
    """Student-Newman-Keuls multiple range test (q test) with letter groups.

    Parameters
    ----------
    {aov}
    {term}
    stepdown : bool, default False
        ``True`` gives SAS's protected step-down test (``MEANS / SNK``): no
        difference is declared inside a range found non-significant.
    replication : {{"harmonic", "kramer"}}, default "harmonic"
        See :func:`duncan`.
    {common}
    {means}

    {returns}

    {raises}

    Warns
    -----
    UnbalancedDesignWarning
        When replication differs and the harmonic mean is used.
    DesignWarning
        When a main effect is compared while an interaction containing it is
        significant.

    Notes
    -----
    Critical values ``q_p = Q⁻¹(1 − α; p, ν)`` for ranges of ``p`` means; the
    p-value of a pair spanning ``p`` means is ``1 − F_Q(|d| / SE; p, ν)``, as
    in ``agricolae::SNK.test`` 1.3-7 (which rounds it to 4 decimals before
    deciding).  With ``stepdown=True`` the grouping of SAS is reproduced; on
    Keppel & Wickens' Table 6.1 data SAS prints A, AB, BC, BC, C.

    Examples
    --------
    >>> import fertopt as fo
    >>> kw = dict(means={{"g1": 13.2, "g5": 12.3, "g4": 8.8, "g2": 8.7, "g3": 7.2}},
    ...           n=10, mse=12.68889, df_resid=45)
    >>> fo.snk_from_means(**kw, stepdown=True).groups["letters"].tolist()   # SAS
    ['a', 'ab', 'bc', 'bc', 'c']

    Judged pair by pair (agricolae), g5 differs from g4 (span 2) but not from
    g2 (span 3); agricolae's sweep would print a, a, b, b, b, which separates
    g5 from g2, so Piepho's valid letters are given instead:

    >>> mc = fo.snk_from_means(**kw)
    >>> mc.groups["letters"].tolist(), mc.letters_method
    (['a', 'ab', 'c', 'bc', 'c'], 'piepho')
    """
    return from_anova("SNK", **locals())


@anova_doc
def tukey(
    aov,
    /,
    *,
    alpha: float = 0.05,
    term: str | None = None,
    within: str | Sequence[str] | None = None,
    replication: Replication = "kramer",
    alpha_capitals: float | None = None,
    descending: bool = True,
    letters: LetterMethod = "agricolae",
    means: MeansKind = "ls",
) -> MultCompResult:
    """Tukey's honestly significant difference (Tukey-Kramer) with letter groups.

    Parameters
    ----------
    {aov}
    {term}
    replication : {{"kramer", "harmonic"}}, default "kramer"
        ``"kramer"``: each pair's standard error ``√(MSE (1/n_i + 1/n_j) / 2)``
        (R ``TukeyHSD``, ``agricolae::HSD.test`` default).  ``"harmonic"``:
        one standard error from the harmonic mean of n
        (``HSD.test(..., unbalanced = TRUE)``).
    {common}
    {means}

    {returns}

    {raises}

    Warns
    -----
    UnbalancedDesignWarning
        With ``replication="harmonic"`` when replication differs.
    DesignWarning
        When a main effect is compared while an interaction containing it is
        significant.

    Notes
    -----
    ``q = |d| / SE`` against ``Q⁻¹(1 − α; k, ν)``; p-values
    ``1 − F_Q(q; k, ν)`` and intervals ``d ± Q⁻¹(1 − α; k, ν) · SE`` are
    those of R's ``TukeyHSD`` (for a one-way layout or the first factor of
    an additive model) and of ``agricolae::HSD.test``.  On LS-means
    ``SE = √(Var(d) / 2)`` from their covariance, and ``q = |t| √2`` is
    ``emmeans``' Tukey adjustment (``pairs(emm, adjust = "tukey")``).

    Examples
    --------
    >>> import fertopt as fo
    >>> mc = fo.tukey_from_means(means={{"ctrl": 5.032, "trt1": 4.661, "trt2": 5.526}},
    ...                          n=10, mse=0.3886, df_resid=27)
    >>> mc.groups[["treatment", "letters"]]
      treatment letters
    0      trt2       a
    1      ctrl      ab
    2      trt1       b
    """
    return from_anova("Tukey", **locals())


@anova_doc
def lsd(
    aov,
    /,
    *,
    alpha: float = 0.05,
    p_adjust: PAdjust | None = None,
    term: str | None = None,
    within: str | Sequence[str] | None = None,
    alpha_capitals: float | None = None,
    descending: bool = True,
    letters: LetterMethod = "agricolae",
    means: MeansKind = "ls",
) -> MultCompResult:
    """Fisher's least significant difference, optionally with adjusted p-values.

    Parameters
    ----------
    {aov}
    p_adjust : {{None, "bonferroni", "holm", "sidak", "fdr_bh"}}, default None
        Adjustment of the p-values over all pairs: Bonferroni, Holm's
        step-down, Šidák (single-step), Benjamini-Hochberg.
    {term}
    {common}
    {means}

    {returns}

    {raises}

    Warns
    -----
    DesignWarning
        When a main effect is compared while an interaction containing it is
        significant.

    Notes
    -----
    ``t = d / √(MSE (1/n_i + 1/n_j))`` with ``ν`` error df, two-sided p-values,
    adjusted as R's ``p.adjust`` ("bonferroni", "holm", "BH") or by Šidák's
    ``1 − (1 − p)^m``.  The critical range is ``t_(1 − x/2; ν) · SE`` where
    ``x`` is the per-comparison level whose adjusted value is ``α`` when all
    p-values are equal (agricolae's "MSD"): ``α`` without adjustment and for
    BH, ``α/m`` for Bonferroni and Holm, ``1 − (1 − α)^(1/m)`` for Šidák.
    For Holm and BH the decisions come from the adjusted p-values, which the
    critical range only approximates.  Matches ``agricolae::LSD.test`` 1.3-7
    and, for a one-way layout, R's ``pairwise.t.test(..., pool.sd = TRUE)``.

    Examples
    --------
    >>> import fertopt as fo
    >>> mc = fo.lsd_from_means(means={{"A": 2.7, "B": 1.8, "C": 0.2, "D": 0.1}},
    ...                        n={{"A": 3, "B": 5, "C": 4, "D": 2}}, mse=1.0, df_resid=10)
    >>> mc.groups["letters"].tolist()    # agricolae's sweep would give a, a, b, b
    ['a', 'ab', 'c', 'bc']
    """
    return from_anova("LSD", **locals())


@anova_doc
def scheffe(
    aov,
    /,
    *,
    alpha: float = 0.05,
    term: str | None = None,
    within: str | Sequence[str] | None = None,
    alpha_capitals: float | None = None,
    descending: bool = True,
    letters: LetterMethod = "agricolae",
    means: MeansKind = "ls",
) -> MultCompResult:
    """Scheffé's test for all pairs of means, with letter groups.

    Parameters
    ----------
    {aov}
    {term}
    {common}
    {means}

    {returns}

    {raises}

    Warns
    -----
    DesignWarning
        When a main effect is compared while an interaction containing it is
        significant.

    Notes
    -----
    ``F = d² / ((k − 1) MSE (1/n_i + 1/n_j))`` against ``F(k − 1, ν)``; the
    critical range is ``√((k − 1) F_(1−α; k−1, ν)) · √(MSE (1/n_i + 1/n_j))``,
    as in ``agricolae::scheffe.test`` 1.3-7.

    Examples
    --------
    >>> import fertopt as fo
    >>> mc = fo.scheffe_from_means(means=[10.0, 12.0, 15.0], n=5, mse=4.0, df_resid=12)
    >>> round(float(mc.critical["quantile"].iloc[0]), 4)   # sqrt(2 F(0.95; 2, 12)) = sqrt(2 3.8853)
    2.7876
    """
    return from_anova("Scheffe", **locals())


@anova_doc
def dunnett(
    aov,
    /,
    *,
    control: Hashable,
    alternative: Alternative = "two-sided",
    alpha: float = 0.05,
    term: str | None = None,
    within: str | Sequence[str] | None = None,
    alpha_capitals: float | None = None,
    means: MeansKind = "ls",
) -> MultCompResult:
    """Dunnett's test: each treatment against a control, with exact p-values.

    Parameters
    ----------
    {aov}
    control : label
        The control level of ``term`` (e.g. ``"CK"``, ``0``).
    alternative : {{"two-sided", "greater", "less"}}, default "two-sided"
        ``"greater"`` tests whether treatments exceed the control, ``"less"``
        whether they fall below it.
    alpha : float, default 0.05
        Familywise significance level.
    {term}
    alpha_capitals : float, optional
        A stricter level, marked in the column ``capitals``.
    {means}

    {returns}
        In ``groups`` the column ``letters`` holds ``*`` for treatments that
        differ from the control (letter groups need all pairs).

    {raises}
    DesignError
        If ``control`` is not a level of the term.

    Notes
    -----
    ``t_i = (m_i − m_c) / SE_i``; single-step adjusted p-values and the
    critical value come from the joint multivariate t distribution of the
    ``t_i`` (:func:`fertopt.distributions.dunnett_sf`).  For arithmetic means
    ``SE_i = √(MSE (1/n_i + 1/n_c))`` and the correlations ``λ_i λ_j`` give a
    deterministic integral; for LS-means the SEs and correlations come from
    their covariance and the probability adds a lattice estimate (fixed seed)
    of the departure from that form.  These are the estimates, p-values and
    intervals of ``multcomp::glht(model, linfct = mcp(trt = "Dunnett"))``
    (of ``glht`` on ``emmeans``' ``trt.vs.ctrl`` contrasts when the model has
    interactions): estimates and SEs to rounding, p-values to about 1e-5,
    which is mvtnorm's own randomised error at tight settings (its default in
    ``glht`` is 1e-3).

    Examples
    --------
    >>> import fertopt as fo
    >>> mc = fo.dunnett_from_means(means={{"CK": 10.0, "N1": 12.5, "N2": 15.0}}, n=4,
    ...                            mse=2.0, df_resid=9, control="CK")
    >>> mc.pairs[["treatment_a", "treatment_b", "diff", "p", "significant"]].round(4)
      treatment_a treatment_b  diff       p  significant
    0          N1          CK   2.5  0.0600        False
    1          N2          CK   5.0  0.0014         True
    """
    return from_anova("Dunnett", **locals())


@anova_doc
def regwq(
    aov,
    /,
    *,
    alpha: float = 0.05,
    term: str | None = None,
    within: str | Sequence[str] | None = None,
    stepdown: bool = True,
    replication: Replication = "harmonic",
    alpha_capitals: float | None = None,
    descending: bool = True,
    letters: LetterMethod = "agricolae",
    means: MeansKind = "ls",
) -> MultCompResult:
    """Ryan–Einot–Gabriel–Welsch multiple range test (REGWQ) with letter groups.

    A multiple range test like SNK whose ranges are tested at levels that
    keep the maximum experimentwise error rate at ``alpha`` (SAS
    ``MEANS / REGWQ``): more powerful than Tukey's test, stricter than SNK
    and Duncan.

    Parameters
    ----------
    {aov}
    {term}
    stepdown : bool, default True
        ``True`` tests the ranges of the sorted means from the widest down and
        declares no difference inside a range found non-significant, as SAS
        does (this protection is part of the test's error control).
        ``False`` judges each pair on its own range, as
        ``agricolae::REGW.test``.
    replication : {{"harmonic", "kramer"}}, default "harmonic"
        See :func:`duncan`.
    {common}
    {means}

    {returns}

    {raises}

    Warns
    -----
    UnbalancedDesignWarning
        When replication differs and the harmonic mean is used.
    DesignWarning
        When a main effect is compared while an interaction containing it is
        significant.

    See Also
    --------
    snk : every range at the level ``alpha``.
    tukey : the widest range's critical value for every pair.

    Notes
    -----
    A range of ``p`` of the ``k`` sorted means is tested at
    ``α_p = 1 − (1 − α)^(p/k)`` for ``p < k − 1`` and at ``α`` for
    ``p ≥ k − 1``, with the critical value ``q_p = Q⁻¹(1 − α_p; p, ν)``
    made non-decreasing in ``p``.  The p-value of a pair spanning ``p``
    means is ``max over s ≤ p`` of ``1 − F_Q(q; s, ν)^(k/s)`` (``s < k − 1``)
    or ``1 − F_Q(q; s, ν)`` (``s ≥ k − 1``), which is below ``α`` exactly when
    the pair's studentized range exceeds ``q_p``; with ``stepdown`` it is the
    largest p-value of the ranges containing the pair.

    Differences from ``agricolae::REGW.test`` 1.3-7 (``stepdown=False``):
    agricolae takes the span of a pair from the alphabetical order of the
    treatment labels instead of the order of the means (a bug; the results
    agree when labels sort like the means), makes only the last two
    critical values monotone, rounds p-values to 4 decimals, and drops its
    critical-range table under unequal replication.

    Examples
    --------
    >>> import fertopt as fo
    >>> mc = fo.regwq_from_means(means={{"A": 24.0, "B": 21.5, "C": 20.9, "D": 17.0}},
    ...                          n=5, mse=3.2, df_resid=16)
    >>> mc.critical[["span", "quantile"]].round(4)   # R: qtukey(1 - c(.0253, .05, .05), 2:4, 16)
       span  quantile
    0     2    3.4882
    1     3    3.6491
    2     4    4.0461
    >>> mc.groups[["treatment", "letters"]]
      treatment letters
    0         A       a
    1         B      ab
    2         C       b
    3         D       c
    """
    return from_anova("REGWQ", **locals())


@anova_doc
def waller(
    aov,
    /,
    *,
    k: float = 100,
    term: str | None = None,
    within: str | Sequence[str] | None = None,
    replication: Replication = "kramer",
    descending: bool = True,
    letters: LetterMethod = "agricolae",
    means: MeansKind = "ls",
) -> MultCompResult:
    """Waller–Duncan k-ratio t test with letter groups.

    A Bayesian test (Waller & Duncan 1969; SAS ``MEANS / WALLER``): two
    means differ when ``|ȳ_i − ȳ_j| > t_B · SE``, where ``t_B`` depends on
    the k-ratio and on the F ratio of the treatments: the smaller the F, the
    larger ``t_B``, so the test adapts to how different the treatments are
    as a whole.

    Parameters
    ----------
    {aov}
    k : float, default 100
        The k-ratio: how much more serious a Type I error is than a Type II
        error.  50, 100 and 500 correspond roughly, for two means, to
        α = 0.10, 0.05 and 0.01.
    {term}
    replication : {{"kramer", "harmonic"}}, default "kramer"
        Standard error of each difference: ``√(MSE (1/n_i + 1/n_j))`` from
        the pair's own replication (``agricolae::waller.test``), or
        ``√(2 MSE / n_h)`` with the harmonic mean of the replications (SAS).
        They agree when replication is equal.
    descending, letters :
        As for :func:`duncan`.
    {means}

    {returns}
        ``alpha`` is NaN and ``p`` is empty: the test has no level and no
        p-values; ``k_ratio`` holds ``k``, and ``critical`` the F ratio and
        ``t_B``.

    {raises}

    Warns
    -----
    DesignWarning
        When a main effect is compared while an interaction containing it is
        significant.

    Notes
    -----
    ``t_B(K, F, q, f)`` solves Waller & Kemp's (1976) equation (see
    :mod:`fertopt.multcomp.waller`) with ``q = k − 1`` treatment and ``f``
    error degrees of freedom; ``F`` is the term's F in the ANOVA table when
    a whole term is compared against its own error (as
    ``agricolae::waller.test``), else the F ratio of the means compared,
    ``Σ n_i (ȳ_i − ȳ)² / (k − 1) / MSE``.  ``t_B`` is solved to about
    1e-12; agricolae's ``waller`` bisects to 5e-4, rounds to 3 decimals and
    its numerical integrals can be off by up to about 1e-3, so its critical
    differences differ in the third decimal (and, rarely, a borderline
    decision).

    Examples
    --------
    >>> import fertopt as fo
    >>> mc = fo.waller_from_means(means={{"A": 24.0, "B": 21.5, "C": 20.9, "D": 17.0}},
    ...                           n=5, mse=3.2, df_resid=16)
    >>> mc.critical[["k_ratio", "f_value", "quantile"]].round(3)
       k_ratio  f_value  quantile
    0    100.0   13.109     2.005
    >>> mc.groups[["treatment", "letters"]]
      treatment letters
    0         A       a
    1         B       b
    2         C       b
    3         D       c
    """
    return from_anova("Waller", k_ratio=k, **_without(locals(), "k"))


def _without(values: dict, *names: str) -> dict:
    """``values`` less ``names`` (a public function's own arguments, handed on renamed)."""
    return {key: v for key, v in values.items() if key not in names}


# --- from published tables ------------------------------------------------
@means_doc("duncan", "Duncan's multiple range test", EXTRA_RANGE)
def duncan_from_means(
    *,
    means,
    n,
    mse: float,
    df_resid: float,
    sd=None,
    alpha: float = 0.05,
    stepdown: bool = False,
    replication: Replication = "harmonic",
    alpha_capitals: float | None = None,
    descending: bool = True,
    letters: LetterMethod = "agricolae",
) -> MultCompResult:
    return from_means("Duncan", **locals())


@means_doc("snk", "Student-Newman-Keuls test", EXTRA_RANGE)
def snk_from_means(
    *,
    means,
    n,
    mse: float,
    df_resid: float,
    sd=None,
    alpha: float = 0.05,
    stepdown: bool = False,
    replication: Replication = "harmonic",
    alpha_capitals: float | None = None,
    descending: bool = True,
    letters: LetterMethod = "agricolae",
) -> MultCompResult:
    return from_means("SNK", **locals())


@means_doc(
    "tukey",
    "Tukey's HSD",
    """alpha, replication, alpha_capitals, descending, letters :
        As for :func:`tukey`.""",
)
def tukey_from_means(
    *,
    means,
    n,
    mse: float,
    df_resid: float,
    sd=None,
    alpha: float = 0.05,
    replication: Replication = "kramer",
    alpha_capitals: float | None = None,
    descending: bool = True,
    letters: LetterMethod = "agricolae",
) -> MultCompResult:
    return from_means("Tukey", **locals())


@means_doc(
    "lsd",
    "Fisher's LSD",
    """alpha, p_adjust, alpha_capitals, descending, letters :
        As for :func:`lsd`.""",
)
def lsd_from_means(
    *,
    means,
    n,
    mse: float,
    df_resid: float,
    sd=None,
    alpha: float = 0.05,
    p_adjust: PAdjust | None = None,
    alpha_capitals: float | None = None,
    descending: bool = True,
    letters: LetterMethod = "agricolae",
) -> MultCompResult:
    return from_means("LSD", **locals())


@means_doc(
    "scheffe",
    "Scheffé's test",
    """alpha, alpha_capitals, descending, letters :
        As for :func:`scheffe`.""",
)
def scheffe_from_means(
    *,
    means,
    n,
    mse: float,
    df_resid: float,
    sd=None,
    alpha: float = 0.05,
    alpha_capitals: float | None = None,
    descending: bool = True,
    letters: LetterMethod = "agricolae",
) -> MultCompResult:
    return from_means("Scheffe", **locals())


@means_doc(
    "dunnett",
    "Dunnett's test",
    """control : label
        The control treatment.
    alternative, alpha, alpha_capitals :
        As for :func:`dunnett`.""",
    ', control="CK"',
)
def dunnett_from_means(
    *,
    means,
    n,
    mse: float,
    df_resid: float,
    control: Hashable,
    sd=None,
    alternative: Alternative = "two-sided",
    alpha: float = 0.05,
    alpha_capitals: float | None = None,
) -> MultCompResult:
    return from_means("Dunnett", **locals())


@means_doc("regwq", "The REGWQ multiple range test", EXTRA_RANGE.replace("duncan", "regwq"))
def regwq_from_means(
    *,
    means,
    n,
    mse: float,
    df_resid: float,
    sd=None,
    alpha: float = 0.05,
    stepdown: bool = True,
    replication: Replication = "harmonic",
    alpha_capitals: float | None = None,
    descending: bool = True,
    letters: LetterMethod = "agricolae",
) -> MultCompResult:
    return from_means("REGWQ", **locals())


@means_doc(
    "waller",
    "The Waller–Duncan k-ratio t test",
    """k, replication, descending, letters :
        As for :func:`waller`.
    f_value : float, optional
        F ratio of the treatments in the ANOVA; by default the F ratio of the
        means given, ``Σ n_i (ȳ_i − ȳ)² / (k − 1) / mse`` (the ANOVA's F for a
        one-way or balanced RCBD layout).""",
)
def waller_from_means(
    *,
    means,
    n,
    mse: float,
    df_resid: float,
    sd=None,
    k: float = 100,
    f_value: float | None = None,
    replication: Replication = "kramer",
    descending: bool = True,
    letters: LetterMethod = "agricolae",
) -> MultCompResult:
    return from_means("Waller", k_ratio=k, **_without(locals(), "k"))


#: The tests that give letter groups from an ANOVA, by the name ``posthoc=`` takes (reports,
#: batch runs and the command line offer these, in this order).  Call them through
#: :func:`letter_test`, which gives each the options it takes.
LETTER_TESTS = {
    "duncan": duncan,
    "lsd": lsd,
    "tukey": tukey,
    "snk": snk,
    "scheffe": scheffe,
    "regwq": regwq,
    "waller": waller,
}

#: The tests of :data:`LETTER_TESTS` that have no significance level (``alpha``).
NO_ALPHA = frozenset({"waller"})


def letter_test(name: str, aov, /, *, alpha: float = 0.05, **options) -> MultCompResult:
    """Run the letter test ``name`` of :data:`LETTER_TESTS` on ``aov`` at level ``alpha``.

    What a report, a batch run or the command line calls for ``posthoc=name``: the test with
    its defaults and ``alpha``, except the Waller–Duncan test, which has no level and runs
    at its default k-ratio of 100 (about α = 0.05 for two means; ``alpha`` is not used).

    Parameters
    ----------
    name : {"duncan", "lsd", "tukey", "snk", "scheffe", "regwq", "waller"}
        The test.
    aov : AnovaResult or CombinedAnovaResult
        As for the test.
    alpha : float, default 0.05
        Significance level (not used by ``"waller"``).
    **options
        Further options of the test (``term=``, ``within=``, …).

    Returns
    -------
    MultCompResult
        The test's result.

    Raises
    ------
    OptionError
        If ``name`` is not one of the tests.

    Examples
    --------
    >>> import fertopt as fo
    >>> from fertopt.multcomp import letter_test
    >>> trial = fo.load_dataset("minnesota_2012")
    >>> aov = fo.anova(trial, response="yld_grain_dry_kgha", treatment="rate_n_applied_kgha",
    ...                block="rep")
    >>> letter_test("regwq", aov).test, letter_test("waller", aov).k_ratio
    ('REGWQ', 100.0)
    """
    check_choice(name, "posthoc", tuple(LETTER_TESTS))
    if name in NO_ALPHA:
        options.pop("alpha_capitals", None)  # no level, so no second level for capitals
    else:
        options["alpha"] = alpha
    return LETTER_TESTS[name](aov, **options)
