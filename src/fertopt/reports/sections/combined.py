"""The combined-analysis section: per-environment table, homogeneity, combined table, LS-means.

Built from a :class:`~fertopt.mixed.CombinedAnovaResult` and its own summary blocks, so each
fact reads the same in ``print(result)`` and in the report.  The letters come from a
multiple comparison run on the result, which uses the error the treatments were tested
against (treatment × environment when environments are random).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from fertopt._core.document import Table
from fertopt._core.i18n import label, method_name
from fertopt.mixed.result import table_labels
from fertopt.multcomp import letter_test

__all__ = ["combined_blocks", "site_table"]


def site_table(result: Any) -> pd.DataFrame:
    """One row per environment: ``site | n | mean | df | ms | cv | f | p`` of its own ANOVA.

    ``f`` and ``p`` are the treatment test (the first treatment term) of that environment.
    """
    rows = []
    for site, aov in result.site_anovas.items():
        term = aov.key_terms()[0]
        t = aov.term(term)
        rows.append(
            (site, aov.n_obs, aov.grand_mean, aov.df_resid, aov.mse, aov.cv, t["f"], t["p"])
        )
    return pd.DataFrame(rows, columns=["site", "n", "mean", "df", "ms", "cv", "f", "p"])


def combined_blocks(
    result: Any,
    *,
    posthoc: str | None = "duncan",
    alpha: float = 0.05,
    lang: str = "en",
    digits: int = 4,
) -> tuple[list[Any], Any]:
    """The blocks of the section and the multiple comparison behind the letters.

    ``posthoc=None`` shows the LS-means without letters (and returns no comparison).
    """
    parts = result.summary_parts(digits, lang)
    sites = site_table(result)
    keys = {"n": "n", "mean": "mean", "cv": "cv"}
    labels = table_labels(sites.columns, lang)
    for k, v in keys.items():
        labels[k] = label(v, lang) if lang != "en" else k
    blocks: list[Any] = [
        parts["design"],
        Table(
            sites,
            title=label("ca_site_table", lang),
            formats={"p": "p", "df": "int", "n": "int"},
            labels=labels,
        ),
        parts["homogeneity"],
        dataclasses.replace(parts["table"]),
        parts["variance_components"],
    ]
    term = result.treatment_terms[0]
    ls = result.lsmeans(term)
    if posthoc is None:
        blocks.append(
            Table(ls, title=label("rpt_combined_lsmeans", lang, term=term),
                  labels=table_labels(ls.columns, lang))
        )  # fmt: skip
        if parts["notes"].items:
            blocks.append(parts["notes"])
        return blocks, None
    with_letters = (
        letter_test(posthoc, result, alpha=alpha)
        if len(result.factors) == 1
        else letter_test(posthoc, result, alpha=alpha, term=term)
    )
    letters = with_letters.groups.set_index(with_letters.groups["treatment"].astype(str))
    ls = ls.assign(letters=[letters["letters"].get(str(lv), "") for lv in ls["level"]])
    # the Waller–Duncan test has a k-ratio instead of a level
    k_ratio = with_letters.k_ratio
    level = {"alpha": f"{alpha:g}"} if k_ratio is None else {"k": f"{k_ratio:g}"}
    title = label(
        "rpt_combined_letters" + ("" if k_ratio is None else "_k"),
        lang,
        term=term,
        test=method_name(posthoc, lang),
        error=with_letters.error_term,
        **level,
    )
    ls_labels = table_labels(ls.columns, lang)
    ls_labels["letters"] = label("letters", lang) if lang != "en" else "letters"
    blocks.append(Table(ls, title=title, labels=ls_labels))
    if parts["notes"].items:
        blocks.append(parts["notes"])
    return blocks, with_letters
