"""Audit a published fertilizer analysis from what the paper prints.

A paper is transcribed into a declarative spec (YAML, JSON or a Python dict; the schema is
:data:`~fertopt.audit.spec.SCHEMA`, documented in ``docs/audit_spec.md``); :func:`audit`
re-derives every printed number it can and gives each claim a verdict with the arithmetic
behind it, in English and Chinese.  The checks live in a registry
(:data:`~fertopt.audit.checks.CHECKS`), one module per topic, so a new check is one small
function.

The package sits above ``network`` and below ``studies`` (the water-chestnut study is one spec
run through it).
"""

from __future__ import annotations

import warnings
from importlib import resources
from pathlib import Path
from typing import Any

from fertopt._core.i18n import as_message, check_lang
from fertopt.audit.checks import CHECKS, Check, register, run_checks
from fertopt.audit.claims import VERDICT_KEYS, VERDICTS, Claim, Context, both
from fertopt.audit.result import AuditResult, claims_table
from fertopt.audit.spec import ALIASES, SCHEMA, Printed, load_spec

__all__ = [
    "audit",
    "AuditResult",
    "Claim",
    "Context",
    "CHECKS",
    "Check",
    "register",
    "both",
    "load_spec",
    "template_path",
    "SCHEMA",
    "ALIASES",
    "VERDICTS",
    "VERDICT_KEYS",
    "Printed",
]


def template_path() -> Path:
    """The path of the commented template spec shipped with fertopt (``template.yaml``).

    Copy it, fill in what the paper prints and run ``fertopt audit`` on the copy
    (``fertopt audit --template paper.yaml`` writes the copy).

    Examples
    --------
    >>> from fertopt.audit import template_path
    >>> template_path().name
    'template.yaml'
    """
    return Path(str(resources.files("fertopt.audit").joinpath("template.yaml")))


def audit(spec: Any, /, *, lang: str = "en") -> AuditResult:
    """Check every claim a paper prints that its printed numbers allow to be checked.

    Parameters
    ----------
    spec : dict, str or Path
        What the paper prints: a Python dict or the path of a ``.json`` / ``.yaml`` spec
        (``docs/audit_spec.md``; a commented template is :func:`template_path`).
    lang : {'en', 'zh'}
        Language of the table and the summary (both languages are kept:
        :meth:`AuditResult.in_language`).

    Returns
    -------
    AuditResult
        ``table`` with one row per claim: ``item``, ``topic``, ``claim``, ``paper_says``,
        ``fertopt_finds``, ``verdict``, ``verdict_text``, ``why``, ``paper_value``,
        ``fertopt_value``, ``low``, ``high``; ``details`` with the curves, surfaces and
        comparisons the checks built.

    Raises
    ------
    OptionError
        ``lang`` is not ``'en'`` or ``'zh'``, or ``spec`` is neither a dict nor a path.
    DataError
        The spec is unreadable or has an unknown or malformed field (the message names it).
    DependencyError
        A YAML spec without PyYAML (``pip install 'fertopt[audit]'``).

    Notes
    -----
    Verdicts (:data:`VERDICT_KEYS`): *confirmed* (re-derived from the printed inputs, it
    prints as the claim), *consistent within rounding* (inside the interval the printed
    inputs' rounding allows, computed by evaluating the formula at the corners of the
    inputs' box), *wrong*, *contradictory*, *outside the tested range*, *not supported by
    the design*, *cannot be checked* (with why).  Checks run in :data:`CHECKS` order:
    design df, ANOVA (F ↔ df ↔ p ↔ critical F ↔ words), means and letters (MSE implied by
    the means and F, LSD, letters re-derived, claimed differences), equations (maxima,
    optima and yields re-derived, convex curves, saddles, the tested range,
    identifiability, R² ↔ r ↔ adjusted R² ↔ F refitted from the means), economics
    (income, changes, percentages, value–cost ratios) and price units.

    Examples
    --------
    >>> import fertopt as fo
    >>> spec = {
    ...     "design": {"replicates": 3, "treatments": [
    ...         {"name": "CK", "rates": {"N": 0}}, {"name": "N1", "rates": {"N": 6}},
    ...         {"name": "N2", "rates": {"N": 12}}]},
    ...     "anova": [{"F": 3.1, "F_critical": 6.94, "words": ["差异显著"]}],
    ...     "equations": [{"nutrient": "N", "coefficients":
    ...         {"quadratic": -2.5, "linear": 60, "intercept": 300},
    ...         "maximum": {"rate": 12, "yield": 660}}],
    ... }
    >>> a = fo.audit(spec)
    >>> a.table[["item", "verdict"]]
                       item                     verdict
    0            anova[0].F                   confirmed
    1        anova[0].words                       wrong
    2  equation.N.maximum.rate                   confirmed
    3  equation.N.maximum.yield                  confirmed
    """
    lang = check_lang(lang)
    loaded = load_spec(spec)
    ctx = Context.from_spec(loaded)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        claims = tuple(run_checks(ctx))
    texts = tuple(dict.fromkeys(as_message(w.message) for w in caught))
    return AuditResult(
        table=claims_table(claims, lang),
        claims=claims,
        lang=lang,
        spec=loaded,
        details=ctx.details,
        warnings=texts,
    )
