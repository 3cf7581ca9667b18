"""Docstring fragments shared by the public functions of :mod:`fertopt.multcomp`.

The six tests on an ANOVA document the same ``aov``, ``term``/``within``,
common options, returns and raises; the six ``*_from_means`` functions share
one docstring.  The decorators fill these in when the module is imported, so
``help()`` shows each function's full numpydoc text.
"""

from __future__ import annotations

__all__ = ["anova_doc", "means_doc", "EXTRA_RANGE"]

_PARAMS_AOV = """aov : AnovaResult
        Result of :func:`fertopt.anova`.  Its error mean square and degrees of
        freedom are used (block-adjusted for an RCBD, row- and
        column-adjusted for a Latin square, error a / error b / combined for
        a split-plot; see the module notes)."""
_PARAMS_TERM = """term : str, optional
        Treatment term whose levels are compared: a factor (``"N"``, its
        marginal means) or an interaction (``"N:P"``, its cell means).
        Required when the ANOVA has more than one treatment factor.
    within : str or sequence of str, optional
        Compare the levels of ``term`` separately at each level of these
        factors (simple effects), e.g. ``term="N", within="P"``."""
_PARAMS_COMMON = """alpha : float, default 0.05
        Significance level of the comparisons and of the lowercase letters.
    alpha_capitals : float, optional
        Also give capital letters at this stricter level (the Chinese
        convention is lowercase at 0.05 and capitals at 0.01), in the
        column ``capitals``.
    descending : bool, default True
        ``a`` on the highest mean; ``False`` puts ``a`` on the lowest (for
        responses where lower is better, such as disease scores).
    letters : {"agricolae", "piepho"}, default "agricolae"
        ``"agricolae"`` gives agricolae's letters whenever they agree with
        the decisions and Piepho's otherwise; ``"piepho"`` always uses
        Piepho's algorithm."""
_PARAMS_MEANS_KIND = """means : {"ls", "arithmetic"}, default "ls"
        ``"ls"`` compares least-squares means (block-adjusted, equal weights
        over the other factors: ``emmeans``, SAS ``LSMEANS``) with standard
        errors of the differences from their covariance; ``"arithmetic"``
        compares the arithmetic means of the plots with ``MSE (1/n_i + 1/n_j)``,
        as ``agricolae``.  The two are the same in balanced trials, one-way
        CRDs and complete split-plots; they differ with missing plots or
        unequal replication in blocked, Latin-square or factorial trials.  The
        result's ``means`` says which were compared.  When a least-squares
        mean cannot be estimated (an empty factorial cell) the arithmetic
        means are compared, with a ``DesignWarning``."""
_PARAMS_MEANS = """means : Series, mapping or sequence
        Treatment means, labelled by treatment (a sequence is labelled
        ``"1"``, ``"2"``, …).
    n : float, sequence or mapping
        Plots per treatment (one number if all are equal).
    mse : float
        Error mean square of the ANOVA.
    df_resid : float
        Its degrees of freedom.
    sd : sequence or mapping, optional
        Standard deviations of the plots, shown in ``groups``."""
_RETURNS = """Returns
    -------
    MultCompResult
        ``groups`` (treatment, mean, sd, se, n, letters), ``pairs``
        (treatment_a, treatment_b, diff, se, statistic, critical_range, p,
        significant, ci_low, ci_high), ``critical`` (span, protection,
        quantile, critical_range) and the MSE, df, alpha, error term and
        options used; see :class:`MultCompResult`."""
_RAISES = """Raises
    ------
    DesignError
        If ``term`` or ``within`` is not a term of the ANOVA, the ANOVA has no
        residual degrees of freedom, a treatment has a single plot, or fewer
        than two levels are compared.
    OptionError
        If ``alpha`` (or ``alpha_capitals``) is not between 0 and 1, or an
        option is not one of its choices."""


def anova_doc(func):
    """Fill ``{aov}``, ``{term}``, ``{common}``, ``{means}``, ``{returns}`` and ``{raises}``."""
    func.__doc__ = func.__doc__.format(
        aov=_PARAMS_AOV,
        term=_PARAMS_TERM,
        common=_PARAMS_COMMON,
        means=_PARAMS_MEANS_KIND,
        returns=_RETURNS,
        raises=_RAISES,
    )
    return func


_FROM_MEANS_DOC = """{title} from treatment means, their replication and an error mean square.

    For tables of means published without the plot data.  Takes the same
    options as :func:`{name}`, except ``term`` and ``within``.

    Parameters
    ----------
    {means}
    {extra}

    Returns
    -------
    MultCompResult
        As :func:`{name}`; ``error_term`` is ``"given"``.

    Raises
    ------
    DesignError
        If ``df_resid`` is not positive, a treatment has ``n < 2``, or fewer
        than two means are given.
    DataError
        If means or replications are missing or not numbers.

    Examples
    --------
    >>> import fertopt as fo
    >>> mc = fo.{name}_from_means(means={{"CK": 30.1, "NPK": 36.2, "NP": 35.0, "PK": 31.0}},
    ...                        n=3, mse=1.8, df_resid=6{example_extra})
    >>> mc.groups["treatment"].tolist()
    ['NPK', 'NP', 'PK', 'CK']
    """


def means_doc(name: str, title: str, extra: str, example_extra: str = ""):
    """The docstring of ``<name>_from_means``, with ``extra`` documenting its options."""

    def deco(func):
        func.__doc__ = _FROM_MEANS_DOC.format(
            name=name, title=title, means=_PARAMS_MEANS, extra=extra, example_extra=example_extra
        )
        return func

    return deco


EXTRA_RANGE = """alpha, stepdown, replication, alpha_capitals, descending, letters :
        As for :func:`duncan`."""
