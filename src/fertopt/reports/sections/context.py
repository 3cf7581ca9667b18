"""The :class:`Context` of one :func:`fertopt.trial_report` call (private).

The context holds the data, roles and options, the results computed so far
(ANOVA, comparisons, fits, surface, omission) and the key findings and
warnings the sections gather; it runs the ANOVA that several sections share,
and draws figures (a figure that cannot be drawn becomes a sentence saying
why).  :func:`fertopt.reports.sections.build_sections` calls the section
builders with it in report order.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fertopt._core import validation as _v
from fertopt._core.document import Paragraph
from fertopt._core.formatting import data_decimals, fixed, format_number, format_value
from fertopt._core.i18n import (
    as_message,
    label,
    translate_figure_text,
    translate_message,
    unit_text,
)
from fertopt.anova import anova
from fertopt.exceptions import DisplayWarning, FertoptError, FertoptWarning
from fertopt.plan import AnalysisPlan
from fertopt.reports.document import Figure
from fertopt.reports.sections.common import RESPONSE_MODELS

__all__ = ["Context"]


@dataclass
class _Figure:
    """A figure to draw: ``draw(fig, lang)`` fills a matplotlib Figure."""

    name: str
    caption: str
    draw: Callable[[Any, str], None]
    size: tuple[float, float] = (5.2, 3.6)


@dataclass
class Context:
    """Everything a section builder needs, and the results computed so far."""

    data: pd.DataFrame
    response: str
    treatment: tuple[str, ...]
    block: str | None
    rates: dict[str, str | None]
    prices: Any
    lang: str
    posthoc: str | None
    alpha: float
    model: str
    omission_spec: Mapping[str, Any] | None
    figures: bool
    figure_format: str
    digits: int
    errors: str
    fig_lang: str = "en"
    anova: Any = None
    anova_error: str | None = None
    comparisons: list[Any] = field(default_factory=list)
    fits: dict[str, Any] = field(default_factory=dict)
    optima: dict[str, list[Any]] = field(default_factory=dict)
    surface: Any = None
    omission_result: Any = None
    display_notes: list[str] = field(default_factory=list)
    plan: Any = None
    three414: Any = None
    _caught: list[Any] = field(default_factory=list)
    _anova_parts: dict[str, Any] | None = None
    _findings: dict[str, list[str]] = field(default_factory=dict)

    # -- set-up ---------------------------------------------------------------
    @classmethod
    def create(
        cls,
        data: Any,
        *,
        plan: AnalysisPlan,
        prices: Any,
        lang: str,
        posthoc: str | None,
        alpha: float,
        model: str,
        figures: bool,
        figure_format: str,
        digits: int,
        errors: str,
    ) -> Context:
        """The context of one report on the plan :func:`fertopt.plan_analysis` made of ``data``."""
        frame = _v.require_frame(data)
        if model != "best":
            _v.check_choice(model, "model", (*RESPONSE_MODELS, "best"))
        return cls(
            data=frame,
            response=plan.response,
            treatment=tuple(plan.factors),
            block=plan.block,
            rates=dict(plan.rates),
            prices=prices,
            lang=lang,
            posthoc=posthoc,
            alpha=alpha,
            model=model,
            omission_spec=plan.omission,
            figures=bool(figures),
            figure_format=figure_format,
            digits=int(digits),
            errors=errors,
            plan=plan,
        )

    def prepare_fonts(self) -> None:
        """Figures in Chinese need a CJK font; without one they are labelled in English."""
        self.fig_lang = self.lang
        if self.lang == "zh" and self.figures:
            from fertopt import plotting

            if plotting.cjk_families() is None:
                self.fig_lang = "en"
                self.display_notes.append(label("labels_in_english", self.lang))

    # -- small helpers ----------------------------------------------------------
    def t(self, key: str, **fields: Any) -> str:
        return label(key, self.lang, **fields)

    def num(self, x: Any, digits: int | None = None) -> str:
        return format_number(x, self.digits if digits is None else digits)

    @property
    def yield_kind(self) -> str:
        """Format of a yield: the response's own decimals (fertopt._core.formatting)."""
        y = pd.to_numeric(self.data[self.response], errors="coerce")
        return fixed(data_decimals(y))

    def yield_num(self, x: Any) -> str:
        """A yield (mean, predicted yield) at the data's decimals."""
        return format_value(x, kind=self.yield_kind)

    @property
    def units(self) -> dict[str, str]:
        meta = self.data.attrs.get("fertopt", {}) if isinstance(self.data.attrs, dict) else {}
        units = meta.get("units", {}) if isinstance(meta, dict) else {}
        return {str(k): str(v) for k, v in units.items()} if isinstance(units, dict) else {}

    def unit_of(self, column: str) -> str | None:
        unit = self.units.get(str(column))
        return unit if unit and unit != "unspecified" else None

    def unit_text(self, column: str) -> str | None:
        """The unit of a column as written in the report's language (``kg/亩``)."""
        unit = self.unit_of(column)
        return unit_text(unit, self.lang) if unit else None

    def response_label(self) -> str:
        name = self.t("yield") if str(self.response).lower() == "yield" else str(self.response)
        unit = self.unit_text(self.response)
        return f"{name} ({unit})" if unit else name

    def rate_label(self, column: str) -> str:
        nutrient = self.rates.get(column) or str(column)
        unit = self.unit_text(column)
        text = self.t("rate_of", nutrient=nutrient)
        return f"{text} ({unit})" if unit else text

    def rate_num(self, column: str, x: Any) -> str:
        """A rate with its unit: ``174.2 kg/ha`` (rates to 0.1)."""
        unit = self.unit_text(column)
        text = format_value(x, kind="rate")
        return f"{text} {unit}" if unit else text

    def rate_name(self, column: str) -> str:
        return self.rates.get(column) or str(column)

    def source_name(self) -> str | None:
        """Where the data come from: a file, or a bundled dataset described in the language."""
        meta = self.data.attrs.get("fertopt", {}) if isinstance(self.data.attrs, dict) else {}
        if isinstance(meta, dict):
            key = f"dataset_{meta.get('name')}"
            if self.lang != "en" and label(key, self.lang) != key:
                description = label(key, self.lang)
                return self.t("bundled_dataset", name=meta["name"], description=description)
            if meta.get("source"):
                return str(meta["source"])
            if meta.get("description"):
                return str(meta["description"])
        return None

    @property
    def n_rows(self) -> int:
        return int(self.data.shape[0])

    @property
    def n_dropped(self) -> int:
        if self.anova is not None:
            return int(self.anova.n_dropped)
        y = pd.to_numeric(self.data[self.response], errors="coerce")
        return int(y.isna().sum())

    def options(self) -> dict[str, Any]:
        return {
            "response": self.response,
            "treatment": self.plan.treatment,
            "factors": list(self.treatment),
            "design": self.plan.design,
            "plan": self.plan.reason,
            "block": self.block,
            "rates": dict(self.rates),
            "prices": repr(self.prices) if self.prices is not None else None,
            "posthoc": self.posthoc,
            "alpha": self.alpha,
            "model": self.model,
            "omission": dict(self.omission_spec) if self.omission_spec else None,
            "lang": self.lang,
            "figure_format": self.figure_format,
            "digits": self.digits,
        }

    # -- warnings ---------------------------------------------------------------
    def record(self, caught: list[Any]) -> None:
        """Read the warnings the analyses issue from ``caught`` (the list of a live
        ``warnings.catch_warnings(record=True)``, which fills while the sections are built).

        The warnings section and the key findings' count then read the same list.
        """
        self._caught.append(caught)

    def _unique(self) -> list[tuple[type, str]]:
        seen: set[tuple[type, str]] = set()
        out = []
        for w in (w for caught in self._caught for w in caught):
            key = (w.category, as_message(w.message))
            if key not in seen:
                seen.add(key)
                out.append(key)
        return out

    def warning_texts(self) -> list[str]:
        """Plain-words warnings of the analyses (display problems are reported apart)."""
        texts: list[str] = []
        seen: set[str] = set()

        def add(text: str) -> None:
            # a warning as issued ("The optimum … rates.") and as stored ("the optimum … rates")
            same = str(text).rstrip(".").lower()
            if same not in seen:
                seen.add(same)
                texts.append(text)

        for category, message in self._unique():
            if issubclass(category, FertoptWarning) and not issubclass(category, DisplayWarning):
                add(message)
        for result in [
            self.anova,
            *self.comparisons,
            *self.fits.values(),
            self.surface,
            self.omission_result,
            self.three414,
        ]:
            for message in getattr(result, "warnings", ()) or ():
                add(message if isinstance(message, str) else str(message))
        return texts

    def reissue(self) -> list[tuple[type, str]]:
        return self._unique()

    # -- figures ----------------------------------------------------------------
    def render(self, spec: _Figure) -> Any:
        """Draw one figure; a figure that cannot be drawn becomes a sentence saying why."""
        from matplotlib.figure import Figure as MplFigure

        from fertopt import plotting

        try:
            with plotting.style(self.fig_lang), warnings.catch_warnings():
                if plotting.styling.find_cjk_font() is None:
                    # Chinese labels cannot be drawn: a DisplayWarning has said what to install
                    warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from")
                fig = MplFigure(figsize=spec.size, layout="constrained")
                spec.draw(fig, self.fig_lang)
                for ax in fig.axes:
                    _translate_axes(ax, self.fig_lang)
                    plotting.check_glyphs(ax)
                buf = io.BytesIO()
                fig.savefig(
                    buf,
                    format=self.figure_format,
                    dpi=150 if self.figure_format == "png" else None,
                    metadata={"Software": None} if self.figure_format == "png" else {"Date": None},
                )
        except FertoptError as exc:
            reason = translate_message(as_message(exc), self.lang)
            return Paragraph(self.t("figure_failed", reason=reason))
        except Exception as exc:  # a drawing bug must not cost the user the report
            if self.errors == "raise":
                raise
            return Paragraph(self.t("figure_failed", reason=f"{type(exc).__name__}: {exc}"))
        return Figure(
            name=spec.name,
            caption=spec.caption,
            data=buf.getvalue(),
            format=self.figure_format,
            width=spec.size[0],
            height=spec.size[1],
        )

    def figure(
        self,
        name: str,
        caption: str,
        draw: Callable[[Any, str], None],
        size: tuple[float, float] = (5.2, 3.6),
    ) -> list[Any]:
        if not self.figures:
            return []
        from fertopt import plotting

        return [self.render(_Figure(name, caption, draw, plotting.page_size(size)))]

    # -- analyses shared by several sections -------------------------------------
    def run_anova(self) -> Any:
        if self.anova is None and self.anova_error is None:
            roles = self.plan.anova_roles()
            try:
                if not roles:
                    raise FertoptError(self.t("no_treatment_column"))
                self.anova = anova(self.data, **roles)
            except FertoptError as exc:
                self.anova_error = as_message(exc)  # a keyed message stays one
                raise
        if self.anova is None:
            raise FertoptError(self.anova_error or "")
        return self.anova

    def anova_parts(self) -> dict[str, Any]:
        """The ANOVA summary's blocks by name, in the report's language (built once).

        The ANOVA and the diagnostics sections both show some of them.
        """
        if self._anova_parts is None:
            self._anova_parts = self.run_anova().summary_parts(self.digits, self.lang)
        return self._anova_parts

    def require_anova(self) -> Any:
        try:
            return self.run_anova()
        except FertoptError:
            raise FertoptError(self.t("needs_anova")) from None

    def finding(self, key: str, text: str) -> None:
        self._findings.setdefault(key, []).append(text)

    def key_findings(self, sections: Sequence[Any]) -> list[str]:
        out: list[str] = []
        numbers = {
            s.key: i for i, s in enumerate([s for s in sections if s.status != "not_applicable"], 1)
        }
        for sec in sections:
            if sec.status == "failed":
                out.append(self.t("section_failed_finding", title=sec.title, n=numbers[sec.key]))
            out.extend(self._findings.get(sec.key, []))
        n_warn = len(self.warning_texts())
        if n_warn:
            out.append(self.t("n_warnings", n=n_warn, sec=numbers["warnings"]))
        return out


# ---------------------------------------------------------------------------
# figure relabelling
# ---------------------------------------------------------------------------
def _translate_axes(ax: Any, lang: str) -> None:
    """Chinese labels on a figure drawn by a plotting function in English."""
    if lang != "zh":
        return
    for setter, getter in (
        (ax.set_title, ax.get_title),
        (ax.set_xlabel, ax.get_xlabel),
        (ax.set_ylabel, ax.get_ylabel),
    ):
        text = getter()
        new = translate_figure_text(text, lang)
        if new != text:
            setter(new)
    legend = ax.get_legend()
    if legend is not None:
        for text in legend.get_texts():
            text.set_text(translate_figure_text(text.get_text(), lang))
