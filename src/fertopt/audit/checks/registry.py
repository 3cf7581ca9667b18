"""The registry: :data:`CHECKS`, :func:`register` and :func:`run_checks`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fertopt.audit.claims import Claim, Context

__all__ = ["CHECKS", "Check", "register", "run_checks"]


@dataclass(frozen=True)
class Check:
    """A registered check: its ``name``, the spec ``section`` it reads and the function."""

    name: str
    section: str
    func: Callable[[Any, Context], list[Claim]]
    order: int = 100


#: Registered checks in the order they run (the audit table's order).
CHECKS: dict[str, Check] = {}


def register(name: str, *, section: str, order: int = 100) -> Callable[[Callable], Callable]:
    """Decorator: register ``func`` as the check ``name`` of spec ``section``.

    Checks run by ascending ``order`` (then by registration), which is the order of the
    audit table: design 10, anova 20, comparison 30, equations 40, economics 50, prices 60.
    """

    def deco(func: Callable[[Any, Context], list[Claim]]) -> Callable:
        CHECKS[name] = Check(name, section, func, order)
        return func

    return deco


def run_checks(ctx: Context) -> list[Claim]:
    """Run every registered check whose section the spec has; the claims in order."""
    out: list[Claim] = []
    for check in sorted(CHECKS.values(), key=lambda c: c.order):
        part = ctx.spec.get(check.section)
        if part:
            out.extend(check.func(part, ctx))
    return out
