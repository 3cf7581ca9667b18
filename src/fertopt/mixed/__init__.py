"""Trials repeated over sites and years: combined analysis and linear mixed models.

:func:`combined_anova` is the textbook combined analysis over environments (Gomez & Gomez
1984, ch. 8): each environment's RCBD, the homogeneity of their error variances, then the
pooled table with blocks nested in environments and each term tested against the right
error.  :func:`mixed_model` fits any variance-components model by REML with Satterthwaite
or Kenward–Roger denominator df (the same numbers as ``lmerTest`` and ``pbkrtest``), for
factorials and split-plots over sites.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core import validation as _v
from fertopt._core.i18n import label
from fertopt.anova import anova
from fertopt.exceptions import DataWarning, DesignError, OptionError, UnbalancedDesignWarning
from fertopt.mixed.combined import RESID, f_test, layout_of, sequential_table, treatment_terms
from fertopt.mixed.combined_result import CombinedAnovaResult
from fertopt.mixed.homogeneity import HomogeneityResult, homogeneity
from fertopt.mixed.model import (
    DDF_METHODS,
    boundary_warning,
    fit_model,
    parse_random,
    prepare_frame,
)
from fertopt.mixed.result import MixedModelResult

__all__ = [
    "mixed_model",
    "combined_anova",
    "MixedModelResult",
    "CombinedAnovaResult",
    "HomogeneityResult",
]


def mixed_model(
    data: pd.DataFrame,
    /,
    *,
    response: str,
    fixed: str | Sequence[str],
    random: str | Sequence[str],
    ddf: str = "kenward-roger",
    nan_policy: str = "omit",
) -> MixedModelResult:
    """Linear mixed model with variance components, fitted by REML.

    Parameters
    ----------
    data : DataFrame
        One row per plot.
    response : str
        Column with the measured response.
    fixed : str or list of str
        Fixed factors; their full factorial (main effects and interactions) is fitted.
    random : str or list of str
        Random terms, each a column or an interaction of columns: ``["site", "site:rep",
        "site:N"]`` for an RCBD over random sites, ``["loc", "loc:rep", "loc:rep:N", "loc:N",
        "loc:V", "loc:N:V"]`` for a split-plot (N main plots, V sub-plots) over locations.
    ddf : {"kenward-roger", "satterthwaite"}
        Denominator degrees of freedom of the F tests and of the LS-means.
    nan_policy : {"omit", "raise"}
        Plots with a missing response are left out and counted, or refused.

    Returns
    -------
    MixedModelResult
        ``anova`` (``term | num_df | den_df | f | p``), ``variance_components``, ``params``,
        ``reml_criterion`` and ``lsmeans(term)``.

    Raises
    ------
    ColumnError
        A named column is missing.
    OptionError
        ``ddf`` or ``random`` not understood.
    DesignError
        Empty cells of the fixed factorial, a random term with one level.

    Notes
    -----
    The fixed effects use sum-to-zero coding (R's ``contr.sum``).  REML is profiled over the
    ratios of each variance to the residual and polished by Newton steps; a variance may be
    estimated as exactly zero (lme4's singular fit).  The F test of a term follows
    ``lmerTest::anova(m, type = 3, ddf = ...)``: Satterthwaite's df from the gradient of the
    contrast variance and the inverse observed REML information, Kenward–Roger's adjusted
    covariance, F scaling and df from ``pbkrtest`` (Kenward & Roger 1997; Halekoh &
    Højsgaard 2014); formulas in :mod:`fertopt.mixed.ddf`.  LS-means, SEs and df equal
    ``emmeans`` with the same ``lmer.df``.  Checked against R (lme4 1.1, lmerTest 3.1,
    pbkrtest 0.5, emmeans 1.8): F and df within 1e-6, variances within 1e-6 relative.

    Examples
    --------
    >>> import fertopt as fo
    >>> d = fo.load_dataset("hernandez_3sites")
    >>> m = fo.mixed_model(d, response="yield", fixed="N",
    ...                    random=["site", "site:rep", "site:N"])
    >>> m.anova.round(3)
      term  num_df  den_df       f    p
    0    N     6.0    12.0  24.092  0.0
    """
    method = _v.check_choice(ddf, "ddf", DDF_METHODS)
    nan_policy = _v.check_nan_policy(nan_policy)
    fixed_t = tuple(str(f) for f in _v.as_names(fixed, "fixed"))
    random_t = parse_random(random)
    columns = list(dict.fromkeys([*fixed_t, *(c for t in random_t for c in t)]))
    clean, n_dropped, text = prepare_frame(data, response, columns, nan_policy)
    fitted = fit_model(clean, response, fixed_t, random_t, method)
    messages = []
    if text:
        warnings.warn(text, DataWarning, stacklevel=2)
        messages.append(text)
    return MixedModelResult(
        anova=fitted.anova,
        variance_components=fitted.variance_components,
        params=fitted.params,
        response=str(response),
        fixed=fixed_t,
        random=tuple(":".join(t) for t in random_t),
        ddf=method,
        reml_criterion=fitted.inference.fit.criterion,
        n_obs=len(clean),
        n_dropped=n_dropped,
        warnings=tuple(messages) + tuple(w for w in [boundary_warning(fitted)] if w),
        _fitted=fitted,
    )


def combined_anova(
    data: pd.DataFrame,
    /,
    *,
    response: str,
    treatment: str | Sequence[str],
    block: str,
    site: str | Sequence[str],
    site_effects: str = "random",
    nan_policy: str = "omit",
) -> CombinedAnovaResult:
    """Combined analysis of an RCBD repeated over sites (or years, or site-years).

    Parameters
    ----------
    data : DataFrame
        One row per plot, all environments together.
    response : str
        Column with the measured response.
    treatment : str or list of str
        Treatment column, or two or three factor columns (factorial).
    block : str
        Block (replicate) column.  Blocks are always nested in environments: labels such as
        ``R1``–``R4`` repeated at every site name different blocks, and the result says so.
    site : str or list of str
        Environment column; ``["site", "year"]`` takes each site-year as one environment.
    site_effects : {"random", "fixed"}
        ``"random"`` (sites are a sample of a region: treatments are tested against treatment
        × environment) or ``"fixed"`` (these sites only: against the pooled residual).
    nan_policy : {"omit", "raise"}

    Returns
    -------
    CombinedAnovaResult
        ``table`` (``source | df | ss | ms | f | p | error | den_df``), ``homogeneity``,
        ``site_anovas``, ``variance_components``, ``lsmeans(term)``, ``error_ms`` and
        ``error_df``; see :class:`CombinedAnovaResult`.

    Raises
    ------
    ColumnError
        A named column is missing.
    OptionError
        ``site_effects`` not ``"random"`` or ``"fixed"``.
    DesignError
        One environment, an environment with one block, a treatment missing from an
        environment.

    Warns
    -----
    UnbalancedDesignWarning
        Missing plots: the treatments are tested by REML (Kenward–Roger).
    DataWarning
        Plots without a response were dropped; error variances that differ between
        environments (Bartlett p < 0.05).

    Notes
    -----
    Sequential sums of squares of environment, blocks within environments, treatments and
    treatment × environment (R's ``anova(lm(y ~ site + block + N + site:N))`` with ``block``
    the site-block combinations).  Environment is tested against blocks within
    environments, blocks and treatment × environment against the residual, treatments
    against treatment × environment (random environments: the expected mean square of
    treatments is ``σ² + r σ²_TE + r e θ_T``) or the residual (fixed).  With missing plots
    the treatment rows come from the REML model ``fixed = treatments, random = environment
    + blocks(environment) + treatment × environment`` with Kenward–Roger df (as SAS PROC
    MIXED ``ddfm=kr``).  The error variances of the environments are compared by Bartlett's
    test before pooling.

    Examples
    --------
    >>> import fertopt as fo
    >>> d = fo.load_dataset("hernandez_3sites")
    >>> ca = fo.combined_anova(d, response="yield", treatment="N", block="rep", site="site")
    >>> ca.table[["source", "df", "f", "den_df"]].round(3)
          source    df       f  den_df
    0       site   2.0  21.394     9.0
    1  rep(site)   9.0   2.639    54.0
    2          N   6.0  24.092    12.0
    3     site:N  12.0   3.337    54.0
    4  Residuals  54.0     NaN     NaN
    >>> ca.error_of["N"]
    'site:N'
    """
    effects = _v.check_choice(site_effects, "site_effects", ("random", "fixed"))
    nan_policy = _v.check_nan_policy(nan_policy)
    factors = tuple(str(f) for f in _v.as_names(treatment, "treatment"))
    if len(factors) > 3:
        raise OptionError(f"treatment= names {len(factors)} factors; give 1 to 3.")
    site_t = tuple(str(s) for s in _v.as_names(site, "site"))
    if block is None:
        raise OptionError("block= is required: name the block (replicate) column.")
    block = str(block)
    clash = set(site_t) & ({block} | set(factors))
    if clash or block in factors:
        raise OptionError(
            f"column {sorted(clash or {block})[0]!r} plays two roles; each column plays one."
        )
    clean, n_dropped, dropped_text = prepare_frame(
        data, response, [*site_t, block, *factors], nan_policy
    )
    clean, lay = layout_of(clean, site_t, block, factors)
    env, nb = lay.env, lay.nested_block
    t_terms = treatment_terms(factors)
    terms = [(env, (env,)), (nb, (nb,))]
    terms += [(":".join(t), t) for t in t_terms]
    terms += [(":".join((env, *t)), (env, *t)) for t in t_terms]
    seq, df_resid, ss_resid = sequential_table(clean, response, terms)
    seq["ms"] = seq["ss"] / seq["df"]
    ms = dict(zip(seq["source"], seq["ms"], strict=True))
    dfs = dict(zip(seq["source"], seq["df"], strict=True))
    mse = ss_resid / df_resid
    ms[RESID], dfs[RESID] = mse, df_resid

    error_of = {env: nb, nb: RESID}
    for t in t_terms:
        name = ":".join(t)
        error_of[name] = ":".join((env, *t)) if effects == "random" else RESID
        error_of[":".join((env, *t))] = RESID

    # the REML model: variance components, LS-means, the unbalanced treatment tests
    messages: list[tuple[type, str]] = []
    if dropped_text:
        messages.append((DataWarning, dropped_text))
    if effects == "random":
        random_terms = [(env,), (nb,)] + [(env, *t) for t in t_terms]
        fixed_f = factors
    else:
        random_terms = [(nb,)]
        fixed_f = (env, *factors)
    fitted = fit_model(clean, response, fixed_f, parse_random(random_terms), "kenward-roger")
    mixed = MixedModelResult(
        anova=fitted.anova,
        variance_components=fitted.variance_components,
        params=fitted.params,
        response=str(response),
        fixed=tuple(fixed_f),
        random=tuple(":".join(t) for t in random_terms),
        ddf="kenward-roger",
        reml_criterion=fitted.inference.fit.criterion,
        n_obs=len(clean),
        n_dropped=n_dropped,
        _fitted=fitted,
    )
    reml_tests = fitted.anova.set_index("term")

    rows = []
    for source in seq["source"]:
        err = error_of[source]
        f, p = f_test(ms[source], dfs[source], ms[err], dfs[err])
        den, err_name = dfs[err], err
        if not lay.balanced and effects == "random" and source in reml_tests.index:
            r = reml_tests.loc[source]
            f, p, den, err_name = float(r["f"]), float(r["p"]), float(r["den_df"]), err
            err_name = "REML (Kenward-Roger)"
        rows.append(
            (source, dfs[source], ms[source] * dfs[source], ms[source], f, p, err_name, den)
        )
    rows.append((RESID, df_resid, ss_resid, mse, math.nan, math.nan, "", math.nan))
    table = pd.DataFrame(rows, columns=["source", "df", "ss", "ms", "f", "p", "error", "den_df"])

    grand_mean = float(clean[response].mean())
    used = sorted(set(error_of.values()), key=list(ms).index)
    errors = pd.DataFrame(
        [
            (
                e,
                dfs[e],
                ms[e] * dfs[e],
                ms[e],
                100 * math.sqrt(ms[e]) / grand_mean if grand_mean else math.nan,
            )
            for e in used
        ],
        columns=["error", "df", "ss", "ms", "cv"],
    )

    site_results, hom = _per_site(clean, response, factors, block, env)
    notes, zh = [], []
    if lay.repeated_labels:
        shown = ", ".join(lay.repeated_labels[:6]) + ("…" if len(lay.repeated_labels) > 6 else "")
        notes.append(label("ca_nested", "en", labels=shown, n=lay.n_blocks))
        zh.append(label("ca_nested", "zh", labels=shown, n=lay.n_blocks))
    if not lay.balanced:
        text = label("ca_unbalanced", "en")
        messages.append((UnbalancedDesignWarning, text))
        zh.append(label("ca_unbalanced", "zh"))
    if not hom.homogeneous:
        messages.append((DataWarning, hom.verdict("en")))
        zh.append(hom.verdict("zh"))
    bw = boundary_warning(fitted)
    if bw:
        notes.append(bw)
        zh.append(
            label(
                "mm_boundary",
                "zh",
                groups=", ".join(
                    fitted.variance_components.loc[
                        fitted.variance_components["variance"] <= 0, "group"
                    ]
                ),
            )
        )
    for category, text in messages:
        warnings.warn(text, category, stacklevel=2)

    return CombinedAnovaResult(
        table=table,
        design="combined factorial RCBD" if len(factors) > 1 else "combined RCBD",
        response=str(response),
        factors=factors,
        site=env,
        block=block,
        nested_block=nb,
        site_effects=effects,
        balanced=lay.balanced,
        blocks_repeat=bool(lay.repeated_labels),
        homogeneity=hom,
        site_anovas=site_results,
        variance_components=fitted.variance_components,
        mixed=mixed,
        errors=errors,
        error_of={k: v for k, v in error_of.items() if set(k.split(":")) <= set(factors)},
        mse=float(mse),
        df_resid=float(df_resid),
        grand_mean=grand_mean,
        cv=100 * math.sqrt(mse) / grand_mean if grand_mean else math.nan,
        n_obs=len(clean),
        n_dropped=n_dropped,
        data=clean,
        notes=tuple(notes),
        warnings=tuple(text for _, text in messages),
        _zh_notes=tuple(zh),
    )


def _per_site(
    clean: pd.DataFrame, response: str, factors: tuple[str, ...], block: str, env: str
) -> tuple[dict[str, Any], HomogeneityResult]:
    """Each environment's own ANOVA (its warnings kept in it) and the homogeneity test."""
    out: dict[str, Any] = {}
    dfs, mss = [], []
    for level in clean[env].cat.categories:
        sub = clean.loc[clean[env] == level, [response, block, *factors]].copy()
        for c in (block, *factors):
            sub[c] = sub[c].cat.remove_unused_categories()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                res = anova(sub, response=response, treatment=list(factors), block=block)
            except DesignError as exc:
                raise DesignError(f"environment {level!r}: {exc}") from None
        out[str(level)] = res
        dfs.append(res.df_resid)
        mss.append(res.mse)
    return out, homogeneity(list(out), np.array(dfs), np.array(mss))
