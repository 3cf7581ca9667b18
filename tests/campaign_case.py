"""The bad-input campaign's row type and its runner.

Each row is one awkward or bad input given to one entry point (the Python API or the CLI) and
what must come of it: a fertopt exception of a named class whose message contains a phrase (the
cell, column, file or fix it names), a warning of a named class, or a correct result checked
against an independent expectation.  ``tests/test_campaign.py`` runs every row of the
``campaign_*.py`` tables, so the count of raw tracebacks and silently wrong results is
re-measured on every run: a row whose call raises anything that is not a ``FertoptError`` fails.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fertopt.exceptions import FertoptError


@dataclass(frozen=True)
class Case:
    """One row of the campaign.

    Parameters
    ----------
    id : str
        Short unique name, used as the pytest id (``"csv-empty"``).
    entry : {"api", "cli"}
        ``"api"``: ``run(tmp_path)`` calls fertopt and returns its result.
        ``"cli"``: ``run(tmp_path)`` returns the argument list for ``fertopt.cli.main``.
    run : callable
        Builds the input under ``tmp_path`` and makes the call (see ``entry``).
    raises : type, optional
        The fertopt exception class the call must raise (for the CLI: exit status 2 and a
        one-line ``fertopt: error:`` message, no traceback).
    match : str, optional
        A regular expression the message (or, for results, nothing) must contain
        (case-insensitive): the name of the file, column, row or value, or the fix.
    warns : type, optional
        A warning class the call must issue (its message must contain ``warn_match``).
    warn_match : str, optional
        A regular expression the warning's message must contain.
    check : callable, optional
        For a call that must succeed: asserts about its result (API) or its stdout (CLI).
    """

    id: str
    entry: str
    run: Callable[[Path], Any]
    raises: type[BaseException] | None = None
    match: str | None = None
    warns: type[Warning] | None = None
    warn_match: str | None = None
    check: Callable[[Any], None] | None = None

    def __post_init__(self) -> None:
        if self.entry not in ("api", "cli"):
            raise ValueError(f"{self.id}: entry must be 'api' or 'cli'")
        if self.raises is not None and not issubclass(self.raises, FertoptError):
            raise ValueError(f"{self.id}: a campaign row may only expect a fertopt exception")
        if self.raises is None and self.warns is None and self.check is None:
            raise ValueError(f"{self.id}: a row must expect an exception, a warning or a result")


def run_case(case: Case, tmp_path: Path) -> None:
    """Run one campaign row and assert what it promises."""
    if case.entry == "cli":
        _run_cli(case, tmp_path)
    else:
        _run_api(case, tmp_path)


def _run_api(case: Case, tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = case.run(tmp_path)
        except FertoptError as exc:
            if case.raises is None:
                raise AssertionError(f"{case.id}: unexpected fertopt error: {exc}") from exc
            assert isinstance(exc, case.raises), f"{case.id}: {type(exc).__name__}: {exc}"
            if case.match:
                assert re.search(case.match, str(exc), re.I), f"{case.id}: message was: {exc}"
            return
    assert case.raises is None, f"{case.id}: expected {case.raises.__name__}, got a result"
    _check_warnings(case, caught)
    if case.check is not None:
        case.check(result)


def _run_cli(case: Case, tmp_path: Path) -> None:
    from fertopt.cli import main

    argv = [str(a) for a in case.run(tmp_path)]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            status = main(argv)
    stderr = err.getvalue()
    assert "Traceback" not in stderr, f"{case.id}: traceback on stderr:\n{stderr}"
    if case.raises is not None:
        assert status == 2, f"{case.id}: exit status {status}, stderr: {stderr}"
        lines = [line for line in stderr.splitlines() if line.startswith("fertopt: error:")]
        assert len(lines) == 1, f"{case.id}: expected one error line, stderr: {stderr}"
        if case.match:
            assert re.search(case.match, lines[0], re.I), f"{case.id}: message was: {lines[0]}"
        return
    assert status == 0, f"{case.id}: exit status {status}, stderr: {stderr}"
    if case.warns is not None and case.warn_match:
        assert re.search(case.warn_match, stderr, re.I), f"{case.id}: stderr was: {stderr}"
    if case.check is not None:
        case.check(out.getvalue())


def _check_warnings(case: Case, caught: list[warnings.WarningMessage]) -> None:
    if case.warns is None:
        return
    hits = [w for w in caught if issubclass(w.category, case.warns)]
    assert hits, f"{case.id}: no {case.warns.__name__}; got {[str(w.message) for w in caught]}"
    if case.warn_match:
        assert any(re.search(case.warn_match, str(w.message), re.I) for w in hits), (
            f"{case.id}: warnings were {[str(w.message) for w in hits]}"
        )
