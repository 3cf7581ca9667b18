"""The ``fertopt`` command line (argparse; no statistics here).

Exit codes: 0 success, 2 bad input (one line on stderr, no traceback unless
``--debug``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from ._version import __version__
from .exceptions import FertoptError

__all__ = ["main"]

_EPILOG = """examples:
  fertopt example
  fertopt analyze trial.csv
  fertopt analyze trial.csv --response yield --treatment trt --block rep --format markdown
"""


def _guess_roles(frame: Any, args: argparse.Namespace) -> tuple[dict[str, Any], list[str]]:
    """Roles given on the command line, else the canonical names read_trials recognised."""
    guessed: list[str] = []
    roles: dict[str, Any] = {}
    for role, canonical in (("response", "yield"), ("treatment", "treatment"), ("block", "block")):
        value = getattr(args, role)
        if value is None and canonical in frame.columns:
            value = canonical
            guessed.append(f"{role}={canonical!r}")
        roles[role] = value
    return roles, guessed


def _render(result: Any, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
    summary = result.summary()
    if fmt == "markdown":
        return summary.as_markdown()
    if fmt == "html":
        return summary.to_html()
    return summary.as_text()


def _cmd_analyze(args: argparse.Namespace) -> int:
    from .anova import anova
    from .io import read_trials

    frame = read_trials(args.file)
    roles, guessed = _guess_roles(frame, args)
    missing = [r for r in ("response", "treatment") if roles[r] is None]
    if missing:
        raise FertoptError(
            f"could not tell which column is the {' and the '.join(missing)}: pass "
            + " ".join(f"--{m} COLUMN" for m in missing)
            + f". Columns: {', '.join(map(str, frame.columns))}"
        )
    if guessed:
        print(f"fertopt: guessed {', '.join(guessed)}", file=sys.stderr)
    result = anova(frame, response=roles["response"], treatment=roles["treatment"], block=roles["block"])
    print(_render(result, args.format))
    return 0


def _cmd_example(args: argparse.Namespace) -> int:
    from .anova import anova
    from .datasets import load_dataset

    frame = load_dataset("minnesota_2012")
    roles = frame.attrs["fertopt"]["roles"]
    result = anova(frame, response=roles["response"], treatment=roles["treatment"], block=roles["block"])
    print(f"Bundled trial: {frame.attrs['fertopt']['description']}\n")
    print(_render(result, args.format))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fertopt",
        description="Analyse fertilizer field trials: ANOVA with letters, response models, optima.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"fertopt {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ana = sub.add_parser("analyze", help="analyse one trial file (CSV, Excel, Parquet)")
    ana.add_argument("file", help="trial table, one row per plot")
    ana.add_argument("--response", help="response column (default: the column recognised as yield)")
    ana.add_argument("--treatment", help="treatment column (default: recognised from its name)")
    ana.add_argument("--block", help="block/replicate column (default: recognised from its name)")
    ana.add_argument("--format", choices=("text", "json", "markdown", "html"), default="text")
    ana.set_defaults(func=_cmd_analyze)

    ex = sub.add_parser("example", help="analyse the bundled example trial")
    ex.add_argument("--format", choices=("text", "json", "markdown", "html"), default="text")
    ex.set_defaults(func=_cmd_example)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``fertopt`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("default")
            return int(args.func(args))
    except FertoptError as exc:
        if args.debug:
            raise
        print(f"fertopt: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
