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
  fertopt example --lang zh --report 马蹄.html
  fertopt analyze trial.csv
  fertopt analyze trial.csv --response yield --treatment trt --block rep --format markdown
  fertopt design 3414 --level2 N=18,P2O5=8,K2O=19 --reps 3 --seed 1 --out fieldbook.csv
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
    from pathlib import Path

    from .datasets import water_chestnut_audit

    audit = water_chestnut_audit(lang=args.lang)
    path = Path(args.report or f"water_chestnut_report{'_zh' if args.lang == 'zh' else ''}.html")
    audit.to_html(path)
    print(_render(audit, args.format))
    done = "HTML 报告已写入" if args.lang == "zh" else "HTML report written to"
    print(f"fertopt: {done} {path}", file=sys.stderr)
    return 0


def _pairs(text: str, option: str) -> dict[str, float]:
    """``"N=18,P2O5=8"`` → ``{"N": 18.0, "P2O5": 8.0}``."""
    out: dict[str, float] = {}
    for item in text.split(","):
        name, sep, value = item.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            out[name.strip()] = float(value)
        except ValueError:
            raise FertoptError(f"{option} takes NAME=RATE pairs separated by commas, e.g. N=18,P2O5=8,K2O=19; "
                               f"could not read {item!r}.") from None
    return out


def _factor(text: str, option: str) -> dict[str, list[Any]]:
    """``"N=0,90,180"`` → ``{"N": [0, 90, 180]}`` (numbers where they parse)."""
    name, sep, values = text.partition("=")
    if not sep or not name.strip() or not values:
        raise FertoptError(f"{option} takes NAME=LEVEL,LEVEL,..., e.g. {option} N=0,90,180; got {text!r}.")
    levels: list[Any] = []
    for v in values.split(","):
        try:
            levels.append(float(v) if "." in v else int(v))
        except ValueError:
            levels.append(v.strip())
    return {name.strip(): levels}


def _cmd_design(args: argparse.Namespace) -> int:
    from . import design

    seed = args.seed
    kind = args.kind
    needs = {"crd": "--treatments", "rcbd": "--treatments", "latin": "--treatments", "3414": "--level2",
             "omission": "--formula", "factorial": "--factor", "split-plot": "--main and --sub"}
    given = {"crd": args.treatments, "rcbd": args.treatments, "latin": args.treatments, "3414": args.level2,
             "omission": args.formula, "factorial": args.factor, "split-plot": args.main and args.sub}
    if not given[kind]:
        raise FertoptError(f"a {kind} design needs {needs[kind]}; see fertopt design --help.")
    treatments = [t.strip() for t in args.treatments.split(",")] if args.treatments else None
    reps = args.reps
    if kind == "crd":
        book = design.crd(treatments, reps=reps or 3, rng=seed)
    elif kind == "rcbd":
        book = design.rcbd(treatments, reps=reps or 3, rng=seed, plot_numbers=args.plot_numbers)
    elif kind == "latin":
        book = design.latin_square(treatments, rng=seed)
    elif kind == "3414":
        book = design.three414(level2=_pairs(args.level2, "--level2"), reps=reps or 1, rng=seed,
                               plot_numbers=args.plot_numbers)
    elif kind == "omission":
        reduce: Any = "omit" if args.reduce in (None, "omit") else float(args.reduce)
        book = design.omission(_pairs(args.formula, "--formula"), reduce=reduce, reps=reps or 3,
                               control=not args.no_control, rng=seed, plot_numbers=args.plot_numbers)
    elif kind == "factorial":
        factors: dict[str, list[Any]] = {}
        for f in args.factor:
            factors.update(_factor(f, "--factor"))
        book = design.factorial(factors, reps=reps or 3, rng=seed, plot_numbers=args.plot_numbers)
    else:
        book = design.split_plot(_factor(args.main, "--main"), _factor(args.sub, "--sub"), reps=reps or 3,
                                 rng=seed, plot_numbers=args.plot_numbers)
    if args.out:
        book.to_csv(args.out)
    else:
        sys.stdout.write(book.to_csv())
    print(f"fertopt: {book.design} field book, {book.n_plots} plots, seed {book.seed} "
          f"(reproduce with --seed {book.seed})" + (f"; written to {args.out}" if args.out else ""),
          file=sys.stderr)
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

    ex = sub.add_parser(
        "example", help="audit the water-chestnut study and write its HTML report",
        description="Reproduce and audit the bundled water-chestnut study (a formula-correction "
                    "trial, Guangxi 2013): every number the paper printed, what fertopt finds, and "
                    "a verdict. Prints the audit table and writes a self-contained HTML report with "
                    "figures and the analysis of the reconstructed trial.")
    ex.add_argument("--lang", choices=("en", "zh"), default="en", help="language (default: en)")
    ex.add_argument("--report", metavar="PATH",
                    help="HTML file to write (default: water_chestnut_report.html, "
                         "water_chestnut_report_zh.html with --lang zh)")
    ex.add_argument("--format", choices=("text", "json", "markdown", "html"), default="text",
                    help="what to print on standard output (default: text)")
    ex.set_defaults(func=_cmd_example)

    des = sub.add_parser("design", help="write a randomised field book (CSV)",
                         description="Write a randomised field book as CSV (stdout or --out); the seed is "
                                     "reported so the layout can be reproduced with --seed.")
    des.add_argument("kind", choices=("3414", "omission", "rcbd", "crd", "latin", "factorial", "split-plot"))
    des.add_argument("--level2", help="3414: level-2 rates, e.g. N=18,P2O5=8,K2O=19")
    des.add_argument("--formula", help="omission: full formula rates, e.g. N=18,P2O5=8,K2O=19")
    des.add_argument("--reduce", help="omission: 'omit' (default) or the fraction removed, e.g. 0.3")
    des.add_argument("--no-control", action="store_true", help="omission: leave out the CK treatment")
    des.add_argument("--treatments", help="crd/rcbd/latin: treatment labels, e.g. CK,N,NP,NPK")
    des.add_argument("--factor", action="append", help="factorial: NAME=LEVELS, repeatable (N=0,90,180)")
    des.add_argument("--main", help="split-plot: main-plot factor NAME=LEVELS")
    des.add_argument("--sub", help="split-plot: sub-plot factor NAME=LEVELS")
    des.add_argument("--reps", type=int, help="blocks/replicates (default 1 for 3414, else 3)")
    des.add_argument("--seed", type=int, help="randomisation seed (default: a fresh one, reported)")
    des.add_argument("--plot-numbers", choices=("sequential", "block"), default="sequential",
                     help="plot numbers 1, 2, ... or 101, 102, ..., 201, ...")
    des.add_argument("--out", help="CSV file to write (default: standard output)")
    des.set_defaults(func=_cmd_design)
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
