"""The registry of audit checks: one module per topic, each check a small function.

A check is ``check(spec_part, context) -> list[Claim]``: it reads one section of the spec
(``spec_part``), may read the shared :class:`~fertopt.audit.claims.Context`, and returns one
:class:`~fertopt.audit.claims.Claim` per printed claim it judges.  :func:`register` adds a check
under a name for a section; :func:`~fertopt.audit.audit` runs the registered checks in
:data:`CHECKS` order on every section the spec has.  Adding a check is writing the function and
decorating it::

    @register("my_check", section="economics")
    def my_check(part, ctx):
        return [Claim(...)]
"""

from __future__ import annotations

# the topic modules register their checks on import, in this order
from fertopt.audit.checks import (  # noqa: F401
    anova,
    design,
    economics,
    equations,
    means_letters,
    units,
)
from fertopt.audit.checks.registry import CHECKS, Check, register, run_checks

__all__ = ["CHECKS", "Check", "register", "run_checks"]
