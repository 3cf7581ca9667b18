"""Least-squares means (LS-means, estimated marginal means) of a term of a fixed-effects ANOVA.

:func:`least_squares_means` fits the ANOVA model by ordinary least squares and averages its
predictions with equal weights over the levels of every other factor of the model (blocks,
rows, columns and the other treatment factors): the LS-means of SAS ``LSMEANS`` and the
estimated marginal means of R's ``emmeans``.  Their covariance is ``MSE · L (X'X)⁻ L'``, where
the rows of ``L`` are the averaged rows of the design matrix.  A level whose mean depends on an
effect the data cannot estimate (an empty factorial cell) is not estimable: NaN, as ``emmeans``
prints ``nonEst``.

Split-plots are complete (:func:`fertopt.anova` refuses anything else), so their LS-means are
the arithmetic means; their standard errors are those of the mixed model with random whole
plots (blocks fixed), from the error mean squares: ``Ea / (r b)`` for a main-plot level,
``(Ea + (b − 1) Eb) / (r a b)`` for a sub-plot level and ``(Ea + (b − 1) Eb) / (r b)`` for a
cell, the last two with Satterthwaite's degrees of freedom.  These equal ``emmeans`` on
``lmer(y ~ block + A * B + (1 | block:A))`` (Kenward-Roger or Satterthwaite df) whenever the
whole-plot variance estimate is positive (``Ea ≥ Eb``).
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.document import Facts, Notes, Summary, localized_table, warnings_notes
from fertopt._core.formatting import ResultBase, format_number
from fertopt._core.i18n import check_lang, design_name, keyed, label, message, translate_message
from fertopt._core.validation import check_probability
from fertopt.anova.projections import coding, shift, term_columns
from fertopt.exceptions import DesignError, DesignWarning, OptionError

__all__ = ["LSMeans", "LSMeansResult", "least_squares_means", "lsmeans", "model_terms"]


@dataclass(frozen=True)
class LSMeans:
    """The LS-means of one term: one entry per level (cell) of the term, in level order."""

    term: tuple[str, ...]  # the factors of the term
    levels: pd.DataFrame  # one column per factor of the term (labels)
    estimate: np.ndarray
    cov: np.ndarray  # covariance of the estimates (includes the error mean square)
    df: float  # degrees of freedom of every estimate and of contrasts among them
    n: np.ndarray  # plots per level
    arithmetic: np.ndarray  # arithmetic means of the plots of each level
    error: str  # the error mean square behind cov ("Residuals", "Error a", ...)

    @property
    def labels(self) -> list[str]:
        """Level labels, factors joined by ``:`` (``"N50:V1"``)."""
        out = self.levels[self.term[0]].astype(str)
        for f in self.term[1:]:
            out = out + ":" + self.levels[f].astype(str)
        return list(out)

    @property
    def estimable(self) -> np.ndarray:
        return np.isfinite(self.estimate)

    def equals_arithmetic(self, mse: float) -> bool:
        """Whether these are the arithmetic means with covariance ``MSE · diag(1/n)``.

        True for balanced layouts, one-way CRDs and the cells of a full-factorial CRD: then
        the tests on LS-means and on arithmetic means are the same tests.
        """
        if not np.all(self.estimable):
            return False
        scale = max(float(np.max(np.abs(self.arithmetic))), 1.0)
        same_means = np.allclose(self.estimate, self.arithmetic, rtol=0, atol=1e-9 * scale)
        target = np.diag(mse / self.n)
        same_cov = np.allclose(self.cov, target, rtol=0, atol=1e-9 * float(np.max(target)))
        return bool(same_means and same_cov)


def model_terms(aov) -> list[tuple[str, ...]]:
    """The terms of the model :func:`fertopt.anova.anova` fitted, in order."""
    factors = tuple(str(f) for f in aov.factors)
    if str(aov.design).startswith("split-plot"):
        a, b, blk = str(aov.main_plot), str(aov.sub_plot), str(aov.block)
        return [(blk,), (a,), (blk, a), (b,), (a, b)]
    lead: list[tuple[str, ...]] = []
    if aov.block is not None:
        lead.append((str(aov.block),))
    if aov.row is not None:
        lead += [(str(aov.row),), (str(aov.column),)]
    effects = [
        combo
        for order in range(1, len(factors) + 1)
        for combo in itertools.combinations(factors, order)
    ]
    return lead + effects


def _grid(data: pd.DataFrame, term: tuple[str, ...]) -> tuple[pd.DataFrame, np.ndarray]:
    """Every combination of the levels of the term's factors, in level order: the labels, and
    the level numbers (one column per factor)."""
    cats = [data[f].cat.categories for f in term]
    index = pd.MultiIndex.from_product(cats, names=list(term))
    codes = np.array(list(itertools.product(*(range(len(c)) for c in cats))), dtype=int)
    return index.to_frame(index=False), codes.reshape(len(index), len(term))


def _counts_and_means(aov, grid: pd.DataFrame, term: tuple[str, ...]) -> tuple[np.ndarray, ...]:
    grouped = aov.data.groupby(list(term), observed=False, sort=True)[aov.response]
    stats = pd.DataFrame({"n": grouped.count(), "mean": grouped.mean()})
    stats = stats.reindex(pd.MultiIndex.from_frame(grid) if len(term) > 1 else grid[term[0]])
    return stats["n"].fillna(0).to_numpy(float), stats["mean"].to_numpy(float)


def _fixed_lsmeans(aov, term: tuple[str, ...], codes: np.ndarray):
    """OLS fit of the ANOVA model; LS-means as equal-weight averages of its predictions."""
    data = aov.data
    terms = model_terms(aov)
    factors = sorted({f for t in terms for f in t})
    codings = {f: coding(data[f].values, "sum") for f in factors}
    # each factor's coding matrix on its levels (rows: levels), and its row average
    level_coding = {
        f: coding(pd.Categorical(np.arange(len(data[f].cat.categories))), "sum") for f in factors
    }
    X = np.hstack([np.ones((len(data), 1))] + [term_columns(t, codings) for t in terms])
    y = data[aov.response].to_numpy(dtype=float)
    centred = shift(y)
    offset = float(np.mean(y - centred))  # y = centred + offset, exactly as anova() analyses it
    position = {f: i for i, f in enumerate(term)}
    rows = []
    for g in range(codes.shape[0]):
        parts = [np.ones(1)]
        for t in terms:
            # a factor of the term at its level; any other averaged over its levels with equal
            # weights (with sum-to-zero coding that average is zero)
            vecs = [
                level_coding[f][codes[g, position[f]]]
                if f in position
                else level_coding[f].mean(axis=0)
                for f in t
            ]
            v = vecs[0]
            for w in vecs[1:]:
                v = np.outer(v, w).ravel()
            parts.append(v)
        rows.append(np.concatenate(parts))
    L = np.vstack(rows)
    # least squares through the SVD of the column-scaled design: rank-deficient models too
    scale = np.sqrt((X * X).sum(axis=0))
    scale[scale == 0] = 1.0
    U, s, Vt = np.linalg.svd(X / scale, full_matrices=False)
    keep = s > 1e-9 * s[0]
    U, s, Vt = U[:, keep], s[keep], Vt[keep]
    beta_scaled = Vt.T @ ((U.T @ centred) / s)
    Ls = L / scale  # L beta = (L / scale) (scale beta)
    est = Ls @ beta_scaled + offset
    # estimable: each row of L lies in the row space of X
    resid = Ls - (Ls @ Vt.T) @ Vt
    norm = np.sqrt((Ls * Ls).sum(axis=1))
    estimable = np.sqrt((resid * resid).sum(axis=1)) <= 1e-8 * np.maximum(norm, 1.0)
    W = (Ls @ Vt.T) / s
    cov = float(aov.mse) * (W @ W.T)
    est[~estimable] = np.nan
    cov[~estimable, :] = np.nan
    cov[:, ~estimable] = np.nan
    return est, cov, float(aov.df_resid), "Residuals"


def _split_plot_lsmeans(aov, term: tuple[str, ...], arithmetic: np.ndarray):
    """Arithmetic means with the mixed-model standard errors of a complete split-plot."""
    errors = aov.errors.set_index("error")
    ea, dfa = float(errors.loc["Error a", "ms"]), float(errors.loc["Error a", "df"])
    eb, dfb = float(errors.loc["Error b", "ms"]), float(errors.loc["Error b", "df"])
    main, sub = str(aov.main_plot), str(aov.sub_plot)
    a = len(aov.data[main].cat.categories)
    b = len(aov.data[sub].cat.categories)
    r = len(aov.data[str(aov.block)].cat.categories)
    k = len(arithmetic)
    if term == (main,):
        var, df, error = ea / (r * b), dfa, "Error a"
    else:
        combined = (ea + (b - 1) * eb) / b
        df = (ea + (b - 1) * eb) ** 2 / (ea**2 / dfa + ((b - 1) * eb) ** 2 / dfb)
        var = combined / (r * a) if term == (sub,) else combined / r
        error = "Error a + Error b (Satterthwaite)"
    return arithmetic.copy(), np.diag(np.full(k, var)), df, error


def least_squares_means(aov, term: str | Sequence[str]) -> LSMeans:
    """LS-means of ``term`` (a factor or an interaction of treatment factors) of an ANOVA.

    Parameters
    ----------
    aov : AnovaResult
        Result of :func:`fertopt.anova`.
    term : str or sequence of str
        ``"N"``, ``"N:P"`` or ``["N", "P"]``: treatment factors of the ANOVA.

    Returns
    -------
    LSMeans
        Estimates (NaN where not estimable), their covariance and degrees of freedom, the
        plots and arithmetic means of each level.

    Raises
    ------
    DesignError
        If ``term`` names something that is not a treatment factor of the ANOVA.
    """
    parts = tuple(p.strip() for p in term.split(":")) if isinstance(term, str) else tuple(term)
    factors = [str(f) for f in aov.factors]
    bad = [p for p in parts if p not in factors]
    if not parts or bad or len(set(parts)) != len(parts):
        raise DesignError(
            f"term={':'.join(map(str, parts))!r} is not a treatment term of this ANOVA; its "
            f"treatment factors are {', '.join(map(repr, factors))}. Pass one of them, or "
            f"several joined by ':' for the cells of an interaction (e.g. {':'.join(factors)!r})."
        )
    parts = tuple(f for f in factors if f in parts)  # the ANOVA's order
    grid, codes = _grid(aov.data, parts)
    n, arithmetic = _counts_and_means(aov, grid, parts)
    if str(aov.design).startswith("split-plot"):
        est, cov, df, error = _split_plot_lsmeans(aov, parts, arithmetic)
    else:
        est, cov, df, error = _fixed_lsmeans(aov, parts, codes)
    levels = grid.astype(str)
    return LSMeans(parts, levels, est, cov, df, n, arithmetic, error)


def confidence_limits(
    estimate: np.ndarray, se: np.ndarray, df: np.ndarray | float, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided ``level`` confidence limits ``estimate ∓ t((1 + level) / 2; df) · se``."""
    from scipy import special

    df = np.broadcast_to(np.asarray(df, dtype=float), np.shape(estimate))
    prob = 0.5 + level / 2.0
    q = np.where(
        np.isfinite(df),
        special.stdtrit(np.where(np.isfinite(df), df, 1.0), prob),
        special.ndtri(prob),
    )
    half = q * se
    return estimate - half, estimate + half


# ---------------------------------------------------------------------------
# the public function and its result
# ---------------------------------------------------------------------------
_COLUMNS = ["level", "lsmean", "se", "df", "ci_low", "ci_high"]


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class LSMeansResult(ResultBase):
    """Least-squares means of one term, with standard errors and confidence limits.

    Attributes
    ----------
    table : DataFrame
        ``level | lsmean | se | df | ci_low | ci_high``: one row per level of the term (cells
        of an interaction are labelled ``"N50:V1"``), in level order.  ``lsmean`` is NaN where
        it cannot be estimated (an empty factorial cell).
    term : str
        The term (``"N"``, ``"N:P"``).
    level : float
        Confidence level of ``ci_low`` and ``ci_high``.
    cov : DataFrame or None
        Covariance of the LS-means, rows and columns labelled by level (None when the source
        result gives no covariance).
    response, design : str or None
        Response column and design of the analysis.
    error_term : str
        The error behind the standard errors (``"Residuals"``, ``"Error a"``,
        ``"Error a + Error b (Satterthwaite)"``, or ``"model"`` for a result's own LS-means).
    equal_to_arithmetic : bool
        Whether the LS-means and their standard errors equal the arithmetic means and
        ``√(MSE / n)`` (balanced data).
    n_obs : int
        Plots analysed.
    notes, warnings : tuple of str
    """

    table: pd.DataFrame
    term: str
    level: float
    cov: pd.DataFrame | None = field(default=None, repr=False)
    response: str | None = None
    design: str | None = None
    error_term: str = "Residuals"
    equal_to_arithmetic: bool = False
    n_obs: int = 0
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def _headline(self, lang: str = "en") -> str:
        t = self.table.dropna(subset=["lsmean"])
        text = label("ls_headline", lang, k=len(self.table), term=self.term)
        if len(t):
            top = t.loc[t["lsmean"].idxmax()]
            text += " | " + label(
                "ls_headline_top", lang, t=top["level"], m=format_number(top["lsmean"], 4)
            )
        return text

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The blocks of :meth:`summary`: ``about``, ``table``, ``notes`` and ``warnings``."""
        lang = check_lang(lang)
        facts = [(label("sm_response", lang), str(self.response))] if self.response else []
        if self.design:
            design = self.design if lang == "en" else design_name(self.design, lang)
            facts.append((label("sm_design", lang), design))
        error = self.error_term if lang == "en" else label(self.error_term, lang)
        facts += [
            (label("mc_compared", lang), self.term),
            (label("mc_error_term", lang), error),
            (label("ls_confidence", lang), f"{100 * self.level:g} %"),
            (
                label("mc_means_used", lang),
                label("mc_means_ls_same" if self.equal_to_arithmetic else "mc_means_ls", lang),
            ),
        ]
        if self.n_obs:
            facts.append((label("mc_plots", lang), str(self.n_obs)))
        return {
            "about": Facts(facts),
            "table": localized_table(
                self.table, lang, title=label("ls_title_short", lang), formats={"df": None}
            ),
            "notes": Notes(
                [translate_message(n, lang) for n in self.notes], title=label("mc_notes", lang)
            ),
            "warnings": warnings_notes(self.warnings, lang),
        }

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        return Summary(
            label("ls_title", lang, response=self.response or ""),
            list(self.summary_parts(digits, lang).values()),
            headline=self._headline(lang),
            digits=digits,
        )


def _from_table(result: Any, term: str, level: float) -> LSMeansResult:
    """A result's own LS-means (``result.lsmeans(term)``), limits at ``level``."""
    table = pd.DataFrame(result.lsmeans(term))
    missing = [c for c in ("level", "lsmean", "se", "df") if c not in table.columns]
    if missing:
        raise OptionError(
            f"{type(result).__name__}.lsmeans({term!r}) gave no column(s) "
            f"{', '.join(missing)}; fo.lsmeans needs level, lsmean, se and df."
        )
    est = table["lsmean"].to_numpy(float)
    se = table["se"].to_numpy(float)
    lo, hi = confidence_limits(est, se, table["df"].to_numpy(float), level)
    out = pd.DataFrame(
        {
            "level": table["level"].astype(str),
            "lsmean": est,
            "se": se,
            "df": table["df"].to_numpy(float),
            "ci_low": lo,
            "ci_high": hi,
        }
    )
    return LSMeansResult(
        table=out,
        term=str(term),
        level=level,
        response=getattr(result, "response", None),
        design=getattr(result, "design", None),
        error_term="model",
        n_obs=int(getattr(result, "n_obs", 0) or 0),
    )


def lsmeans(result: Any, /, *, term: str | Sequence[str], level: float = 0.95) -> LSMeansResult:
    """Least-squares means (estimated marginal means) of a term, as ``emmeans`` and SAS.

    Parameters
    ----------
    result : AnovaResult or a result with an ``lsmeans(term)`` method
        A fixed-effects analysis from :func:`fertopt.anova`, or any result that offers its
        own LS-means (a mixed model, a combined analysis): their ``level | lsmean | se | df``
        are taken as they are and the limits computed at ``level``.
    term : str or sequence of str
        A treatment factor (``"N"``) or an interaction (``"N:variety"``, its cells).
    level : float, default 0.95
        Confidence level of the limits.

    Returns
    -------
    LSMeansResult
        ``table`` (``level | lsmean | se | df | ci_low | ci_high``), ``cov``, ``term``,
        ``error_term``, ``equal_to_arithmetic``, ``notes``, ``warnings``; see
        :class:`LSMeansResult`.

    Raises
    ------
    DesignError
        If ``term`` is not a treatment term of the analysis.
    OptionError
        If ``level`` is not between 0 and 1, or ``result`` is neither an ANOVA nor a result
        with LS-means.

    Warns
    -----
    DesignWarning
        When some LS-means cannot be estimated (an empty factorial cell).

    Notes
    -----
    The ANOVA model (blocks, rows and columns, the treatment factors and all their
    interactions) is fitted by least squares; the LS-mean of a level is the average of the
    model's predictions over all levels of the other factors, each level weighted equally,
    so that a treatment missing from a good block is not penalised as its arithmetic mean
    is.  Standard errors come from ``MSE · L (X'X)⁻ L'`` with the residual degrees of
    freedom, and the limits are ``lsmean ∓ t((1 + level) / 2; df) · se``.  These are
    ``emmeans::emmeans(lm(...), ~ term)`` and SAS ``LSMEANS`` (to 1e-13 on the cases in
    ``tests/reference/lsmeans``).  For a split-plot see
    :func:`fertopt.anova.least_squares_means` (mixed-model standard errors of a complete
    split-plot).  In a balanced trial the LS-means are the arithmetic means.

    Examples
    --------
    An RCBD with the NPK plot of block 3 missing.  Block 3 yields more than the
    others, so NPK's arithmetic mean (blocks 1 and 2 only) understates it beside
    the other treatments; its LS-mean is adjusted for the missing block.

    >>> import pandas as pd, fertopt as fo
    >>> df = pd.DataFrame({
    ...     "trt": ["CK", "N", "NP", "NPK"] * 3,
    ...     "rep": [1] * 4 + [2] * 4 + [3] * 4,
    ...     "yield": [20.1, 25.3, 27.9, 30.2, 19.5, 24.1, 28.3, 31.0, 21.0, 26.2, 27.1, None]})
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     aov = fo.anova(df, response="yield", treatment="trt", block="rep")
    >>> ls = fo.lsmeans(aov, term="trt")
    >>> ls.table.round(3)
      level  lsmean     se   df  ci_low  ci_high
    0    CK  20.200  0.499  5.0  18.917   21.483
    1     N  25.200  0.499  5.0  23.917   26.483
    2    NP  27.767  0.499  5.0  26.483   29.050
    3   NPK  30.789  0.645  5.0  29.132   32.446
    >>> aov.means("trt")["mean"].round(3).tolist()   # arithmetic: NPK only from blocks 1, 2
    [20.2, 25.2, 27.767, 30.6]
    """
    level = check_probability(level, "level")
    if callable(getattr(result, "lsmeans", None)):
        return _from_table(result, term if isinstance(term, str) else ":".join(term), level)
    is_anova = all(hasattr(result, a) for a in ("table", "factors", "data", "errors", "design"))
    if not is_anova:
        raise OptionError(
            f"lsmeans() takes the result of fertopt.anova(...) or a result with its own "
            f"LS-means (a mixed model), got {type(result).__name__}."
        )
    lsm = least_squares_means(result, term)
    se = np.sqrt(np.diag(lsm.cov))
    lo, hi = confidence_limits(lsm.estimate, se, lsm.df, level)
    labels = lsm.labels
    table = pd.DataFrame(
        {
            "level": labels,
            "lsmean": lsm.estimate,
            "se": se,
            "df": np.full(len(labels), lsm.df),
            "ci_low": lo,
            "ci_high": hi,
        }
    )
    notes, warns = [], []
    if not np.all(lsm.estimable):
        bad = [lb for lb, ok in zip(labels, lsm.estimable, strict=True) if not ok]
        text = message("ls_not_estimable", levels=", ".join(map(str, bad)))
        warnings.warn(text, DesignWarning, stacklevel=2)
        warns.append(text)
    equal = lsm.equals_arithmetic(float(result.mse)) and lsm.error == "Residuals"
    if str(result.design).startswith("split-plot"):
        equal = False
        notes.append(
            message("ls_split_plot_se", error=keyed(lsm.error), df=format_number(lsm.df, 6))
        )
    cov = pd.DataFrame(lsm.cov, index=labels, columns=labels)
    return LSMeansResult(
        table=table,
        term=":".join(lsm.term),
        level=level,
        cov=cov,
        response=str(result.response),
        design=str(result.design),
        error_term=lsm.error,
        equal_to_arithmetic=bool(equal),
        n_obs=int(result.n_obs),
        notes=tuple(notes),
        warnings=tuple(warns),
    )
