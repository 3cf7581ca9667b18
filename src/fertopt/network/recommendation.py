"""The result of :func:`fertopt.recommend`: :class:`Recommendation`, its summary and its report."""

from __future__ import annotations

import datetime as _dt
import io
import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core.document import Facts, Notes, Paragraph, Summary, localized_table
from fertopt._core.formatting import ResultBase, format_number
from fertopt._core.i18n import check_lang, label, model_name, translate_message
from fertopt._version import __version__
from fertopt.reports import Figure, Section, TrialReport

__all__ = ["Recommendation"]

_SIZE = (9.0, 4.2)

#: Display keys of the table columns (label keys of :mod:`fertopt._core.i18n`).
_RATE_KEYS = {
    "method": "rec_col_method",
    "class": "rec_col_class",
    "class_low": "rec_col_class_low",
    "class_high": "rec_col_class_high",
    "rate": "rec_col_rate",
    "ci_low": "rec_col_low",
    "ci_high": "rec_col_high",
    "interval": "rec_col_interval",
    "n_sites": "rec_col_n_sites",
}
_VALIDATION_KEYS = {
    "method": "rec_col_method",
    "n_held_out": "rec_col_n_held_out",
    "regret_mean": "rec_col_regret_mean",
    "regret_se": "rec_col_regret_se",
    "regret_median": "rec_col_regret_median",
    "regret_p90": "rec_col_regret_p90",
    "regret_apparent_mean": "rec_col_regret_apparent",
    "share_in_range": "rec_col_share",
}
_PRICE_KEYS = {
    "crop_price": "rec_col_crop_price",
    "nutrient_price": "rec_col_nutrient_price",
    "price_ratio": "rec_col_price_ratio",
    "method": "rec_col_method",
    "rate": "rec_col_rate",
    "rate_min": "rec_col_rate_min",
    "rate_max": "rec_col_rate_max",
    "regret_mean": "rec_col_regret_mean",
}


def _percent(share: Any) -> str:
    """A share (0–1) as a whole percentage."""
    return "" if share is None or not math.isfinite(float(share)) else f"{100 * float(share):.0f} %"


def method_label(method: str, lang: str) -> str:
    """A method's name in ``lang``."""
    return label(f"rec_method_{method}", lang)


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Recommendation(ResultBase):
    """Result of :func:`fertopt.recommend`.

    Attributes
    ----------
    rates : DataFrame
        One row per method and class: ``method``, ``class`` (``"all"`` for a single rate),
        ``class_variable``, ``class_low``/``class_high`` (bounds of a numeric class, NaN for
        labels), ``rate``, ``ci_low``/``ci_high`` (the interval: MRTN's profitable range, the
        t interval of a mean of optima, a network fit's confidence interval), ``interval`` (its
        kind), ``n_sites`` (sites behind the rate), ``pooled`` (a class of fewer than two
        sites given the all-site rate).
    validation : DataFrame
        One row per method: ``n_held_out``, ``regret_mean``, ``regret_median``,
        ``regret_p90``, ``regret_se`` (standard error of the mean over held-out sites),
        ``regret_apparent_mean`` (before the bias correction), ``share_in_range`` (held-out
        sites whose own optimum lies in the rule's interval).
    held_out : DataFrame
        One row per held-out site and method: ``site``, ``fold``, ``method``, ``class``,
        ``rate``, ``ci_low``, ``ci_high``, ``own_rate``, ``regret_apparent``, ``bias``,
        ``regret``, ``in_range``.
    sites : DataFrame
        One row per site (site-year): ``own_rate``, ``own_status``, ``own_net_return``,
        ``own_rate_se`` (delta method), ``ck_yield``, ``class_value``,
        ``low_rate``, ``top_rate``.
    price_table : DataFrame
        Per price point and method: ``crop_price``, ``nutrient_price``, ``price_ratio``,
        ``rate`` (for class rules the mean over sites), ``rate_min``, ``rate_max``,
        ``regret_mean``.
    dropped : DataFrame
        Sites without a usable fit, with the reason.
    n_sites, n_site_years, n_years, n_obs, n_folds : int
    methods : tuple of str
        The methods run (``network`` is left out where it is not available; see ``notes``).
    model, validate, class_variable : str
    tested_range : tuple of float
        Lowest tested rate and the highest rate every site tested.
    within : float
    price_ratio_text, net_return_unit : str
    seed : int or None
        Seed of the random folds.
    elapsed_batch : float
        Seconds of the batch fit.
    notes, warnings : tuple of str
    options : dict
    """

    rates: pd.DataFrame
    validation: pd.DataFrame
    held_out: pd.DataFrame
    sites: pd.DataFrame
    price_table: pd.DataFrame
    dropped: pd.DataFrame
    n_sites: int
    n_site_years: int
    n_years: int | None
    n_obs: int
    n_folds: int
    methods: tuple[str, ...]
    model: str
    validate: str
    class_variable: str
    tested_range: tuple[float, float]
    within: float
    price_ratio_text: str
    net_return_unit: str
    seed: int | None
    elapsed_batch: float
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)

    # -- access ----------------------------------------------------------------
    def rate(self, method: str = "mrtn", cls: str = "all") -> float:
        """The rate of ``method`` (of class ``cls`` for a class rule)."""
        row = self.rates[(self.rates["method"] == method) & (self.rates["class"] == str(cls))]
        return float(row["rate"].iloc[0]) if len(row) else math.nan

    def best_method(self) -> str | None:
        """The method of least mean regret on held-out sites (None without validation)."""
        v = self.validation.dropna(subset=["regret_mean"]) if len(self.validation) else None
        if v is None or not len(v):
            return None
        return str(v.loc[v["regret_mean"].idxmin(), "method"])

    # -- display -----------------------------------------------------------------
    def _headline(self, lang: str = "en") -> str:
        parts = []
        for m in self.methods:
            rows = self.rates[self.rates["method"] == m]
            if len(rows) == 1:
                parts.append(f"{method_label(m, lang)} {format_number(rows['rate'].iloc[0], 4)}")
            else:
                rates = "/".join(format_number(r, 3) for r in rows["rate"])
                parts.append(f"{method_label(m, lang)} {rates}")
        text = label(
            "rec_headline", lang, n=self.n_sites, parts=("；" if lang == "zh" else "; ").join(parts)
        )
        best = self.best_method()
        if best is not None:
            v = self.validation.set_index("method").loc[best]
            text += label(
                "rec_headline_best",
                lang,
                method=method_label(best, lang),
                regret=format_number(v["regret_mean"], 3),
                unit=translate_message(self.net_return_unit, lang),
            )
        return text

    def summary_parts(self, digits: int = 4, lang: str = "en") -> dict[str, Any]:
        """The summary's blocks by name: ``facts``, ``rates``, ``validation``, ``prices``,
        ``notes`` and ``warnings`` (a report section embeds them)."""
        lang = check_lang(lang)

        def t(key: str, **fields: Any) -> str:
            return label(key, lang, **fields)

        opt = self.sites["own_rate"].to_numpy(dtype=float)
        opt = opt[np.isfinite(opt)]
        if len(opt):
            p10, med, p90 = np.quantile(opt, [0.1, 0.5, 0.9])
            spread = t(
                "rec_spread_text",
                median=format_number(med, digits),
                p10=format_number(p10, digits),
                p90=format_number(p90, digits),
                sd=format_number(float(np.std(opt, ddof=1)) if len(opt) > 1 else math.nan, 3),
            )
        else:
            spread = "–"
        sites_text = t("rec_sites_text", n=self.n_sites, obs=self.n_obs)
        if self.n_years is not None:
            sites_text += t("rec_years_text", years=self.n_years, k=self.n_site_years)
        if len(self.dropped):
            sites_text += t("rec_dropped_text", k=len(self.dropped))
        lo, hi = self.tested_range
        facts = [
            (t("rec_sites"), sites_text),
            (t("rec_model"), model_name(self.model, lang)),
            (t("op_price_ratio"), translate_message(self.price_ratio_text, lang)),
            (t("rec_spread"), spread),
            (t("rec_tested"), f"{format_number(lo, digits)} – {format_number(hi, digits)}"),
            (
                t("rec_validation"),
                t("rec_validation_text", k=self.n_folds)
                if self.n_folds
                else t("rec_validation_none"),
            ),
        ]
        if "class_regression" in self.methods:
            cv = self.class_variable
            facts.append((t("rec_class_variable"), t("rec_ck_yield") if cv == "ck_yield" else cv))
        if self.seed is not None:
            facts.append((t("rec_seed"), str(self.seed)))
        methods = {"method": lambda m: method_label(m, lang)}
        rates = self.rates[[c for c in _RATE_KEYS if c in self.rates.columns]].copy()
        rates["interval"] = rates["interval"].map(lambda k: t(f"rec_interval_{k}"))
        rates["class"] = rates["class"].map(lambda c: t("rec_class_all") if c == "all" else c)
        parts: dict[str, Any] = {
            "facts": Facts(facts),
            "rates": localized_table(
                rates,
                lang,
                title=t("rec_rates_title"),
                keys=_RATE_KEYS,
                formats=methods,
                labels={c: t(k) for c, k in _RATE_KEYS.items()},
            ),
        }
        if len(self.validation.columns) > 2:
            val = self.validation[list(_VALIDATION_KEYS)]
            parts["validation"] = localized_table(
                val,
                lang,
                title=t("rec_validation_title", unit=translate_message(self.net_return_unit, lang)),
                keys=_VALIDATION_KEYS,
                formats={**methods, "share_in_range": _percent},
                labels={c: t(k) for c, k in _VALIDATION_KEYS.items()},
                note=t("rec_regret_note"),
            )
        if len(self.price_table):
            parts["prices"] = localized_table(
                self.price_table[list(_PRICE_KEYS)],
                lang,
                title=t("rec_prices_title"),
                keys=_PRICE_KEYS,
                formats=methods,
                labels={c: t(k) for c, k in _PRICE_KEYS.items()},
            )
        parts["notes"] = Notes(
            [translate_message(n, lang) for n in self.notes], title=t("rec_notes")
        )
        parts["warnings"] = Notes(
            [translate_message(w, lang) for w in self.warnings], title=t("sec_warnings")
        )
        return parts

    def _summary(self, digits: int, lang: str = "en") -> Summary:
        parts = self.summary_parts(digits, lang)
        order = ("facts", "rates", "validation", "prices", "notes", "warnings")
        return Summary(
            label("rec_title", lang),
            [parts[k] for k in order if k in parts],
            headline=self._headline(lang),
            digits=digits,
        )

    # -- figures and report ------------------------------------------------------
    def plot(self, *, ax: Any = None, lang: str = "en") -> Any:
        """Regret by method (left) and the site optima with each method's rate (right).

        :func:`fertopt.plotting.plot_recommendation`; with ``ax`` (two Axes) it draws there.
        Returns the array of the two Axes.
        """
        from fertopt import plotting

        return plotting.plot_recommendation(self, ax=ax, lang=lang)

    def report(
        self, *, lang: str = "en", title: str | None = None, figures: bool = True, digits: int = 4
    ) -> TrialReport:
        """The recommendation as a report page (HTML, Markdown or text through the one renderer).

        Sections: the network (facts), the recommended rates, the leave-site-out validation
        (with the figure), the price-ratio table, and a closing note.  ``to_html(path)`` and
        ``to_markdown(path)`` of the returned :class:`~fertopt.reports.TrialReport` write it.
        """
        lang = check_lang(lang)
        parts = self.summary_parts(digits, lang)
        sections = [
            Section(key="data", title=label("rec_sec_network", lang), blocks=(parts["facts"],)),
            Section(key="rates", title=label("rec_rates_title", lang), blocks=(parts["rates"],)),
        ]
        if "validation" in parts:
            blocks: list[Any] = [
                Paragraph(label("rec_regret_explained", lang)),
                parts["validation"],
            ]
            if figures:
                blocks.append(self._figure(lang))
            sections.append(
                Section(
                    key="validation", title=label("rec_sec_validation", lang), blocks=tuple(blocks)
                )
            )
        if "prices" in parts:
            sections.append(
                Section(
                    key="prices", title=label("rec_prices_title", lang), blocks=(parts["prices"],)
                )
            )
        notes = [*parts["notes"].items, *parts["warnings"].items]
        if notes:
            sections.append(
                Section(
                    key="warnings",
                    title=label("sec_warnings", lang),
                    blocks=(Notes(notes, title=None),),
                )
            )
        sections.append(
            Section(
                key="about",
                title=label("rec_sec_about", lang),
                blocks=(Paragraph(label("rec_about", lang, version=__version__)),),
            )
        )
        created = label("generated", lang, version=__version__, date=_dt.date.today().isoformat())
        return TrialReport(
            title=title or label("rec_report_title", lang, n=self.n_sites),
            lang=lang,
            key_findings=(self._headline(lang),),
            sections=tuple(sections),
            options={"digits": digits, "lang": lang, "figures": figures},
            n_obs=self.n_obs,
            n_dropped=len(self.dropped),
            warnings=tuple(self.warnings),
            created=created,
        )

    def _figure(self, lang: str) -> Figure:
        from matplotlib.figure import Figure as MplFigure

        from fertopt import plotting

        with plotting.style(lang), warnings.catch_warnings():
            if plotting.find_cjk_font() is None:
                warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from")
            fig = MplFigure(figsize=_SIZE, layout="constrained")
            axes = fig.subplots(1, 2)
            plotting.plot_recommendation(self, ax=axes, lang=lang)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=200, metadata={"Software": None})
        return Figure(
            name="recommendation",
            caption=label("rec_figure_caption", lang),
            data=buf.getvalue(),
            format="png",
            width=_SIZE[0],
            height=_SIZE[1],
        )
