"""The result of an audit: one row per printed claim, with its verdict and the arithmetic."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from fertopt._core.document import Facts, Notes, Summary, Table, warnings_notes
from fertopt._core.formatting import ResultBase
from fertopt._core.i18n import check_lang, label
from fertopt.audit.claims import VERDICT_KEYS, VERDICTS, Claim
from fertopt.exceptions import OptionError
from fertopt.reports import Section, TrialReport

__all__ = ["AuditResult", "COLUMNS"]

#: Columns of :attr:`AuditResult.table`.
COLUMNS = [
    "item",
    "topic",
    "claim",
    "paper_says",
    "fertopt_finds",
    "verdict",
    "verdict_text",
    "why",
    "paper_value",
    "fertopt_value",
    "low",
    "high",
]

_SHOWN = ["topic", "claim", "paper_says", "fertopt_finds", "verdict_text", "why"]


def claims_table(claims: tuple[Claim, ...], lang: str) -> pd.DataFrame:
    """The claims as the audit table, texts in ``lang``."""
    i = 0 if lang == "en" else 1
    rows = [
        {
            "item": c.item,
            "topic": c.topic[i],
            "claim": c.claim[i],
            "paper_says": c.paper_says,
            "fertopt_finds": c.fertopt_finds[i],
            "verdict": c.verdict,
            "verdict_text": label(VERDICTS[c.verdict], lang),
            "why": c.why[i],
            "paper_value": float(c.paper_value),
            "fertopt_value": float(c.fertopt_value),
            "low": float(c.low),
            "high": float(c.high),
        }
        for c in claims
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class AuditResult(ResultBase):
    """Result of :func:`fertopt.audit`.

    Attributes
    ----------
    table : DataFrame
        One row per claim, in ``lang``: ``item`` (stable key, e.g.
        ``"equation.P2O5.maximum.yield"``), ``topic``, ``claim`` (what the paper claims),
        ``paper_says`` (as printed), ``fertopt_finds``, ``verdict`` (one of
        :data:`~fertopt.audit.VERDICTS`, in English), ``verdict_text`` (in ``lang``), ``why``
        (the arithmetic), ``paper_value`` and ``fertopt_value`` (floats, NaN when there is no
        single number), ``low`` and ``high`` (the interval the printed inputs' rounding
        allows fertopt's value, NaN when none is computed).
    claims : tuple of Claim
        The same rows with their texts in English and Chinese.
    lang : {'en', 'zh'}
        Language of ``table`` and of the summary by default.
    spec : dict
        The validated spec (:func:`~fertopt.audit.load_spec`).
    details : dict
        What the checks built, by equation id (``"fit"``: the
        :class:`~fertopt.ResponseFit`; ``"surface"``, ``"canonical"``, ``"maximum"``,
        ``"optimum"``, ``"minimum"``, ``"refit"`` ...) and ``"comparison"`` (the
        multiple comparison on the printed means).
    warnings : tuple of str
        Warnings raised while checking, in English.
    """

    table: pd.DataFrame
    claims: tuple[Claim, ...] = field(repr=False)
    lang: str = "en"
    spec: dict = field(default_factory=dict, repr=False)
    details: dict = field(default_factory=dict, repr=False)
    warnings: tuple[str, ...] = ()

    # -- access ------------------------------------------------------------
    def verdicts(self) -> pd.Series:
        """Number of claims per verdict, in the vocabulary's order."""
        counts = self.table["verdict"].value_counts()
        return counts.reindex(list(VERDICT_KEYS)).dropna().astype(int)

    def row(self, item: str) -> pd.Series:
        """The row of one ``item``."""
        rows = self.table.loc[self.table["item"] == item]
        if rows.empty:
            raise OptionError(
                f"no audit item {item!r}; the items are: {', '.join(self.table['item'])}."
            )
        return rows.iloc[0]

    def in_language(self, lang: str) -> AuditResult:
        """The same audit with its table in ``lang`` (nothing is recomputed)."""
        lang = check_lang(lang)
        if lang == self.lang:
            return self
        return AuditResult(
            table=claims_table(self.claims, lang),
            claims=self.claims,
            lang=lang,
            spec=self.spec,
            details=self.details,
            warnings=self.warnings,
        )

    # -- display -----------------------------------------------------------
    def _title(self, lang: str) -> str:
        title = (self.spec.get("paper") or {}).get("title")
        return label("au_title_of", lang, title=title) if title else label("au_title", lang)

    def _headline(self, lang: str | None = None) -> str:
        lang = self.lang if lang is None else lang
        counts = ", ".join(f"{n} {label(VERDICTS[k], lang)}" for k, n in self.verdicts().items())
        return label("au_headline", lang, n=len(self.table), counts=counts)

    def summary_parts(self, digits: int = 4, lang: str | None = None) -> dict[str, Any]:
        """The summary's blocks by name: ``facts``, ``claims`` (the audit table), ``warnings``."""
        lang = self.lang if lang is None else check_lang(lang)
        table = claims_table(self.claims, lang)[_SHOWN]
        paper = self.spec.get("paper") or {}
        facts = [
            (label(f"au_paper_{k}", lang), str(paper[k]))
            for k in ("title", "authors", "year", "source")
            if paper.get(k) is not None
        ]
        facts.append((label("au_n_claims", lang), str(len(table))))
        return {
            "facts": Facts(facts, title=label("au_sec_paper", lang)),
            "claims": Table(
                table,
                title=label("au_sec_claims", lang),
                labels={c: label(f"au_col_{c}", lang) for c in _SHOWN},
                note=label("au_rounding_note", lang),
            ),
            "warnings": warnings_notes(self.warnings, lang),
        }

    def summary(self, digits: int = 4, lang: str | None = None) -> Summary:
        """Full report; ``lang`` defaults to the language the audit was built in."""
        return super().summary(digits, self.lang if lang is None else lang)

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        parts = self.summary_parts(digits, lang)
        return Summary(
            self._title(lang),
            [parts["facts"], parts["claims"], parts["warnings"]],
            headline=self._headline(lang),
            digits=digits,
        )

    # -- documents -----------------------------------------------------------
    def report(self, lang: str | None = None) -> Any:
        """The audit as a :class:`~fertopt.TrialReport` document (HTML, Markdown, Excel)."""
        lang = self.lang if lang is None else check_lang(lang)
        parts = self.summary_parts(lang=lang)
        sections = [Section("about", label("au_sec_paper", lang), blocks=(parts["facts"],))]
        table = claims_table(self.claims, lang)
        for topic in dict.fromkeys(table["topic"]):
            rows = table.loc[table["topic"] == topic, _SHOWN[1:]].reset_index(drop=True)
            sections.append(
                Section(
                    "audit",
                    topic,
                    blocks=(
                        Table(
                            rows,
                            title=topic,
                            labels={c: label(f"au_col_{c}", lang) for c in _SHOWN},
                        ),
                    ),
                )
            )
        if self.warnings:
            sections.append(
                Section("warnings", label("sec_warnings", lang), blocks=(parts["warnings"],))
            )
        sections.append(
            Section(
                "about",
                label("au_sec_method", lang),
                blocks=(
                    Notes([label("au_rounding_note", lang), label("au_method", lang)], title=None),
                ),
            )
        )
        return TrialReport(
            title=self._title(lang),
            lang=lang,
            key_findings=(self._headline(lang), *self._findings(lang)),
            sections=tuple(sections),
            warnings=self.warnings,
        )

    def _findings(self, lang: str) -> list[str]:
        i = 0 if lang == "en" else 1
        bad = [
            c for c in self.claims if c.verdict not in ("confirmed", "consistent within rounding")
        ]
        return [f"[{label(VERDICTS[c.verdict], lang)}] {c.claim[i]}" for c in bad]

    def to_html(self, path: str | Path | None = None, *, lang: str | None = None) -> str:
        """The audit report as one self-contained HTML page; written to ``path`` when given."""
        return self.report(lang).to_html(path)

    def to_markdown(self, path: str | Path | None = None, *, lang: str | None = None) -> str:
        """The audit report as Markdown; written to ``path`` when given."""
        return self.report(lang).to_markdown(path)

    def to_excel(self, path: str | Path, *, lang: str | None = None) -> Path:
        """The audit report as an Excel workbook (needs openpyxl: ``fertopt[excel]``)."""
        return self.report(lang).to_excel(path)
