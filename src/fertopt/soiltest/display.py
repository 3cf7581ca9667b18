"""Pieces shared by the summaries of the soil-test results: sites, intervals, levels."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from fertopt._core.formatting import format_number
from fertopt._core.i18n import label

__all__ = ["translator", "sites_text", "level_text", "interval_text", "boot_text"]


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **fields)``: :func:`~fertopt._core.i18n.label` in ``lang``."""

    def t(key: str, **fields: Any) -> str:
        return label(key, lang, **fields)

    return t


def sites_text(n_obs: int, n_dropped: int, lang: str) -> str:
    """``24`` or ``24 (2 left out: missing values)`` in ``lang``."""
    text = str(n_obs)
    if n_dropped:
        text += label("st_sites_dropped", lang, n=n_dropped)
    return text


def level_text(level: float, lang: str) -> str:
    """``95 %`` (English) or ``95%`` (Chinese)."""
    text = f"{100 * level:g} %"
    return text.replace(" ", "") if lang != "en" else text


def interval_text(lo: float, hi: float, digits: int) -> str:
    """``41.2 – 52.0``; an empty interval is ``–``."""
    if not (math.isfinite(lo) or math.isfinite(hi)):
        return "–"
    return f"{format_number(lo, digits)} – {format_number(hi, digits)}"


def boot_text(n_valid: int, n_boot: int, seed: int | None, lang: str) -> str:
    """``1000 resamples (998 usable), seed 42`` in ``lang``."""
    return label("st_boot_about", lang, n=n_boot, valid=n_valid, seed=seed)
