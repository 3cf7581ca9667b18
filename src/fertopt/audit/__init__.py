"""Audit a published fertilizer analysis from what the paper prints.

A paper is transcribed into a declarative spec (YAML, JSON or a Python dict); ``audit(spec)``
re-derives every printed number it can and gives each claim a verdict with the arithmetic
behind it, in English and Chinese.

The package sits above ``network`` and below ``studies`` (the water-chestnut study is one spec
run through it).
"""

from __future__ import annotations

__all__: list[str] = []
