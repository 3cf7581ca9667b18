"""Homogeneity of the error variances of the environments, checked before they are pooled.

Bartlett's test for ``k`` mean squares ``s²_i`` on ``ν_i`` df (Snedecor & Cochran 1989,
§13.4): ``M = (Σν) ln s²_p − Σ ν_i ln s²_i`` with the pooled ``s²_p = Σ ν_i s²_i / Σ ν_i``,
``C = 1 + (Σ 1/ν_i − 1/Σν) / (3(k − 1))`` and ``χ² = M / C`` on ``k − 1`` df.  Hartley's
``Fmax`` is the ratio of the largest to the smallest mean square.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from fertopt._core.document import Facts, Paragraph, Summary, Table
from fertopt._core.formatting import ResultBase, format_number, p_phrase
from fertopt._core.i18n import check_lang, label
from fertopt.mixed.result import table_labels

__all__ = ["HomogeneityResult", "homogeneity"]


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class HomogeneityResult(ResultBase):
    """Bartlett's test and Hartley's Fmax of the environments' error mean squares.

    Attributes
    ----------
    table : DataFrame
        ``site | df | ms``: each environment's error df and mean square.
    bartlett, df, p : float
        Bartlett's χ², its df (``k − 1``) and p-value.
    fmax : float
        Largest over smallest error mean square.
    pooled_ms : float
        The pooled error mean square ``Σ ν_i s²_i / Σ ν_i``.
    alpha : float
        Level at which the variances are declared different.
    homogeneous : bool
        ``p >= alpha``.
    """

    table: pd.DataFrame
    bartlett: float
    df: float
    p: float
    fmax: float
    pooled_ms: float
    alpha: float
    homogeneous: bool

    def verdict(self, lang: str = "en") -> str:
        """The verdict in words, with the statistics."""
        key = "ca_homogeneous" if self.homogeneous else "ca_heterogeneous"
        return label(
            key,
            check_lang(lang),
            k=len(self.table),
            chi=f"{self.bartlett:.3f}",
            df=format_number(self.df),
            p=p_phrase(self.p),
            fmax=f"{self.fmax:.2f}",
        )

    def _headline(self) -> str:
        return (
            f"Bartlett chi2({format_number(self.df)}) = {self.bartlett:.3f}, "
            f"p {p_phrase(self.p)} | Fmax {self.fmax:.2f}"
        )

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """``verdict``, ``statistics`` and ``table`` blocks."""
        lang = check_lang(lang)
        return {
            "verdict": Paragraph(self.verdict(lang)),
            "statistics": Facts(
                [
                    (label("ca_bartlett", lang), f"{self.bartlett:.4f}"),
                    ("p", p_phrase(self.p)),
                    (label("ca_fmax", lang), f"{self.fmax:.3f}"),
                ]
            ),
            "table": Table(
                self.table,
                title=label("ca_homogeneity", lang),
                formats={"df": "int"},
                labels=table_labels(self.table.columns, lang),
            ),
        }

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        return Summary(
            label("ca_homogeneity", lang),
            list(self.summary_parts(digits, lang).values()),
            headline=self.verdict(lang),
            digits=digits,
        )


def homogeneity(
    sites: list[str], df: np.ndarray, ms: np.ndarray, alpha: float = 0.05
) -> HomogeneityResult:
    """Bartlett's test and Fmax of error mean squares ``ms`` on ``df`` degrees of freedom."""
    df = np.asarray(df, dtype=float)
    ms = np.asarray(ms, dtype=float)
    k = len(ms)
    total = float(df.sum())
    pooled = float(np.sum(df * ms) / total)
    m = total * math.log(pooled) - float(np.sum(df * np.log(ms)))
    c = 1.0 + (float(np.sum(1.0 / df)) - 1.0 / total) / (3.0 * (k - 1))
    chi = m / c
    p = float(stats.chi2.sf(chi, k - 1))
    return HomogeneityResult(
        table=pd.DataFrame({"site": sites, "df": df, "ms": ms}),
        bartlett=float(chi),
        df=float(k - 1),
        p=p,
        fmax=float(ms.max() / ms.min()),
        pooled_ms=pooled,
        alpha=alpha,
        homogeneous=bool(p >= alpha),
    )
