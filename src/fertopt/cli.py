"""The ``fertopt`` command line (argparse; no statistics here).

Exit codes: 0 success, 2 any error (one line ``fertopt: error: ...`` on
stderr, no traceback unless ``--debug``; an error that is not a fertopt
error is called an unexpected internal error, to be reported), 130
interrupted (Ctrl-C).  Output files (``--out``, ``--report``) are checked
before any trial is read, so a long run is never lost to a file that cannot
be written.  Warnings are printed as ``fertopt: warning: ...`` lines on
stderr; results go to stdout.

Each subcommand is an ``_add_<name>(sub)`` function that declares its options
plus a ``_cmd_<name>(args) -> int`` handler; a new subcommand is an additive edit.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fertopt import design
from fertopt._core.roles import NAME_HINTS, NUTRIENT_TOKENS
from fertopt._core.validation import check_writable
from fertopt._version import __version__
from fertopt.audit import audit, template_path
from fertopt.batch import check_output, run_batch
from fertopt.exceptions import FertoptError, OptionError
from fertopt.io import read_trials
from fertopt.multcomp import LETTER_TESTS
from fertopt.network import RECOMMEND_METHODS, recommend
from fertopt.plan import DESIGNS, plan_analysis
from fertopt.reports import trial_report
from fertopt.soiltest import (
    abundance_classes,
    cate_nelson_1965,
    cate_nelson_1971,
    fit_calibration,
    mod_alcc,
    soiltest_report,
)
from fertopt.studies import water_chestnut
from fertopt.units import Prices

__all__ = ["main"]

_EPILOG = """examples:
  fertopt example
  fertopt example --lang zh --report 马蹄.html
  fertopt audit paper.yaml --lang zh --report audit.html
  fertopt audit --template paper.yaml
  fertopt analyze trial.csv
  fertopt analyze trial.csv --response yield --treatment trt --block rep --format markdown
  fertopt analyze trial.xlsx --rates N,P2O5,K2O --prices crop=2.8,N=6.25,P2O5=4.67,K2O=10.4 \\
      --lang zh --report report.html
  fertopt batch "trials/*.csv" --by site,year --out results.parquet
  fertopt design 3414 --level2 N=18,P2O5=8,K2O=19 --reps 3 --seed 1 --out fieldbook.csv
  fertopt recommend trials.csv --site site --rate N --block rep --prices crop=0.2,N=1.0
"""

_ANALYZE_EPILOG = """Roles that are not given are guessed from the column names (yield/产量,
treatment/处理, block/rep/重复, rate columns named N, P2O5, K2O or like 'n_rate'); what was
guessed is said on stderr.  The design (3414, omission or formula-check, factorial,
split-plot, Latin square, rate trial, treatment comparison) is recognised from the columns
and the treatments, and said in one line on stderr ("fertopt: design: ..."); where the table
leaves it open, fertopt stops and names the option that settles it (--design, --factors,
--main-plot/--sub-plot, --row/--column).  Exit status: 0 on success, 2 when the input cannot
be analysed (one line saying why).

examples:
  fertopt analyze trial.csv
  fertopt analyze trial.csv --response yield --treatment trt --block rep --format json
  fertopt analyze corn.csv --rates rate_n_applied_kgha=N --prices crop=0.157,N=0.88,currency=USD
  fertopt analyze 3414.xlsx --sheet 2013 --rates N,P2O5,K2O --lang zh --report 报告.html
  fertopt analyze trial.csv --posthoc lsd --alpha 0.01 --report report.md
  fertopt analyze np_factorial.csv --factors N,P2O5 --block rep
  fertopt analyze split.csv --main-plot N --sub-plot variety --block rep
  fertopt analyze latin.csv --row row --column col --treatment trt
"""

_PRICE_NUMBERS = ("crop", "N", "P2O5", "K2O", "P", "K")
_PRICE_TEXTS = ("currency", "crop_unit", "nutrient_unit", "area")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit status 2)."""

    def error(self, message: str) -> Any:  # noqa: D401 - argparse hook
        self.exit(2, f"{self.prog}: error: {message}. See '{self.prog} --help'.\n")


def _tokens(name: Any) -> list[str]:
    return [t for t in re.split(r"[^0-9a-z\u4e00-\u9fff]+", str(name).lower()) if t]


def _unique_match(frame: Any, words: tuple[str, ...], exclude: set[Any]) -> Any:
    hits = [
        c for c in frame.columns if c not in exclude and any(w in str(c).lower() for w in words)
    ]
    return hits[0] if len(hits) == 1 else None


def _as_read(frame: Any, name: str | None) -> str | None:
    """A column named on the command line as the file's header, under the name it was read as.

    read_trials renames recognised headers (``rep`` → ``block``); ``--block rep`` still means
    that column.
    """
    if name is None or name in frame.columns:
        return name
    return frame.attrs.get("fertopt", {}).get("renamed", {}).get(name, name)


def _guess_roles(frame: Any, args: argparse.Namespace) -> tuple[dict[str, Any], list[str]]:
    """Roles given on the command line, else guessed from the column names.

    read_trials has already renamed recognised headers (产量, trt, 重复 ...) to
    ``yield``, ``treatment``, ``block``, ``N``, ``P2O5``, ``K2O``; beyond that, a
    single column whose name contains ``yield``/``yld`` is the response, and
    columns named like ``n_rate`` are rates.
    """
    renamed = {v: k for k, v in frame.attrs.get("fertopt", {}).get("renamed", {}).items()}
    guessed: list[str] = []
    roles: dict[str, Any] = {}
    for role, canonical in (("response", "yield"), ("treatment", "treatment"), ("block", "block")):
        value = _as_read(frame, getattr(args, role))
        if value is None:
            taken = {v for v in roles.values() if v is not None}
            value = (
                canonical
                if canonical in frame.columns
                else _unique_match(frame, NAME_HINTS[role], taken)
            )
            if value is not None:
                origin = f" (column {renamed[value]!r})" if value in renamed else ""
                guessed.append(f"{role}={value!r}{origin}")
        roles[role] = value
    if args.rates is not None:
        roles["rates"] = {_as_read(frame, c): f for c, f in _parse_rates(args.rates).items()}
    else:
        rates = {c: c for c in ("N", "P2O5", "K2O") if c in frame.columns}
        if not rates:
            for col in frame.columns:
                toks = _tokens(col)
                forms = {NUTRIENT_TOKENS[t] for t in toks if t in NUTRIENT_TOKENS}
                if "rate" in toks and len(forms) == 1:
                    rates[col] = forms.pop()
        roles["rates"] = rates or None
        if rates:
            shown = (c if c == f else f"{c}={f}" for c, f in rates.items())
            guessed.append("rates=" + ",".join(shown))
    return roles, guessed


def _parse_rates(text: str) -> dict[str, str | None]:
    """``N,P2O5,K2O`` or ``rate_n_applied_kgha=N`` → {column: nutrient form}."""
    out: dict[str, str | None] = {}
    for item in (i.strip() for i in text.split(",")):
        if not item:
            continue
        column, _, form = item.partition("=")
        column = column.strip()
        out[column] = form.strip() or (column if column in _PRICE_NUMBERS[1:] else None)
    if not out:
        raise OptionError("--rates is empty; give rate columns such as --rates N,P2O5,K2O.")
    return out


def _header_rows(text: str | None) -> int | list[int] | None:
    """``--header 3`` or ``--header 3,4`` → the ``header=`` of read_trials."""
    if text is None:
        return None
    try:
        rows = [int(part) for part in text.split(",")]
    except ValueError:
        raise OptionError(
            f"--header {text}: give the header's row number as the spreadsheet shows it "
            "(--header 3), or two rows to join (--header 3,4)."
        ) from None
    return rows[0] if len(rows) == 1 else rows


def _parse_omission(text: str) -> dict[str, Any]:
    """``full=NPK,control=CK,N=PK,P2O5=NK,K2O=NP`` → the omission layout of trial_report."""
    spec: dict[str, Any] = {"minus": {}}
    for item in (i.strip() for i in text.split(",")):
        if not item:
            continue
        key, sep, value = (part.strip() for part in item.partition("="))
        if not sep or not key or not value:
            raise OptionError(
                f"--omission: {item!r} is not understood; write key=treatment pairs, e.g. "
                "--omission full=NPK,control=CK,N=PK,P2O5=NK,K2O=NP."
            )
        if key in ("full", "control"):
            spec[key] = value
        else:
            spec["minus"][key] = value
    if "full" not in spec or not spec["minus"]:
        raise OptionError(
            "--omission needs the full treatment and at least one minus treatment, e.g. "
            "--omission full=NPK,control=CK,N=PK,P2O5=NK,K2O=NP."
        )
    return spec


def _parse_prices(text: str) -> Any:
    """``crop=2.8,N=6.25,P2O5=4.67,currency=yuan`` → fertopt.Prices."""
    values: dict[str, Any] = {}
    for item in (i.strip() for i in text.split(",")):
        if not item:
            continue
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or key not in (*_PRICE_NUMBERS, *_PRICE_TEXTS):
            raise OptionError(
                f"--prices: {item!r} is not understood; write key=value pairs with keys "
                f"{', '.join((*_PRICE_NUMBERS, *_PRICE_TEXTS))}, e.g. "
                "--prices crop=2.8,N=6.25,currency=yuan."
            )
        if key in _PRICE_NUMBERS:
            try:
                values[key] = float(value)
            except ValueError:
                raise OptionError(f"--prices: {key}={value!r} is not a number.") from None
        else:
            values[key] = value
    if "crop" not in values:
        raise OptionError("--prices needs the crop price, e.g. --prices crop=2.8,N=6.25.")
    return Prices(**values)


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
    # options first: a typo in --prices should not wait for the file to be read
    prices = _parse_prices(args.prices) if args.prices else None
    omission = _parse_omission(args.omission) if args.omission else None
    report_path = Path(args.report) if args.report else None
    suffixes = (".html", ".htm", ".md", ".markdown")
    if report_path is not None and report_path.suffix.lower() not in suffixes:
        raise OptionError(f"--report {args.report}: the file name must end in .html or .md.")
    if report_path is not None:
        check_writable(report_path, "--report")
    frame = read_trials(
        args.file,
        sheet=args.sheet,
        encoding=args.encoding,
        header=_header_rows(args.header),
        layout=args.layout,
    )
    roles, guessed = _guess_roles(frame, args)
    factors = [_as_read(frame, f) for f in _split_names(args.factors) or []] or None
    for role in (
        "main_plot",
        "sub_plot",
        "sub_sub_plot",
        "horizontal",
        "vertical",
        "row",
        "column",
    ):
        setattr(args, role, _as_read(frame, getattr(args, role)))
    site = [_as_read(frame, c) for c in _split_names(args.site) or []] or None
    missing = [r for r in ("response", "treatment") if roles[r] is None]
    if (
        roles["rates"] or factors or args.main_plot or args.horizontal
    ):  # the plan can work without a treatment column
        missing = [r for r in missing if r != "treatment"]
    if missing:
        raise OptionError(
            f"could not tell which column is the {' and the '.join(missing)}: pass "
            + " ".join(f"--{m} COLUMN" for m in missing)
            + (" (or crossed factors with --factors N,P2O5)" if "treatment" in missing else "")
            + f". Columns: {', '.join(map(str, frame.columns))}"
        )
    if guessed:
        print(f"fertopt: guessed {', '.join(guessed)}", file=sys.stderr)
    # one recogniser for the CLI, the report and the batch: it says what it found, or stops
    # naming the option that settles the design
    plan = plan_analysis(
        frame,
        response=roles["response"],
        treatment=roles["treatment"],
        block=roles["block"],
        rates=roles["rates"],
        factors=factors,
        main_plot=args.main_plot,
        sub_plot=args.sub_plot,
        sub_sub_plot=args.sub_sub_plot,
        horizontal=args.horizontal,
        vertical=args.vertical,
        row=args.row,
        column=args.column,
        design=args.design,
        omission=omission,
        site=site,
    )
    report = trial_report(
        frame,
        response=roles["response"],
        treatment=roles["treatment"],
        block=roles["block"],
        rates=roles["rates"],
        factors=factors,
        main_plot=args.main_plot,
        sub_plot=args.sub_plot,
        sub_sub_plot=args.sub_sub_plot,
        horizontal=args.horizontal,
        vertical=args.vertical,
        row=args.row,
        column=args.column,
        design=args.design,
        site=site,
        site_effects=args.site_effects,
        prices=prices,
        lang=args.lang,
        posthoc=args.posthoc,
        alpha=args.alpha,
        model=args.model,
        omission=omission,
        figures=report_path is not None or args.format == "html",
        errors="raise" if args.debug else "record",
    )
    analyses = [
        s
        for s in report.sections
        if s.key
        in (
            "anova",
            "comparisons",
            "three414",
            "response",
            "surface",
            "omission",
            "reduced",
            "combined",
        )
    ]
    failed = [s for s in analyses if s.status == "failed"]
    if not any(s.status == "ok" for s in analyses):
        reason = failed[0].reason if failed else "nothing in the file could be analysed."
        raise FertoptError(reason)
    print(f"fertopt: design: {plan.describe(args.lang)}", file=sys.stderr)
    for sec in failed:
        print(
            f"fertopt: note: {sec.title} could not be completed: {_one_line(sec.reason)}",
            file=sys.stderr,
        )
    if report_path is not None:
        if report_path.suffix.lower() in (".md", ".markdown"):
            report.to_markdown(report_path)
        else:
            report.to_html(report_path)
        print(f"fertopt: wrote {report_path}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif args.format == "markdown":
        print(report.to_markdown(), end="")
    elif args.format == "html":
        print(report.to_html(), end="")
    else:
        print(report.to_text(), end="")
    return 0


def _cmd_example(args: argparse.Namespace) -> int:
    audit = water_chestnut.audit(lang=args.lang)
    name = f"water_chestnut_report{'_zh' if args.lang == 'zh' else ''}.html"
    path = Path(args.report or name)
    if path.is_dir() or str(args.report or "").endswith(("/", "\\")):
        path = path / name  # --report a folder: the report goes into it
    path.parent.mkdir(parents=True, exist_ok=True)
    check_writable(path, "--report")
    audit.to_html(path)
    print(_render(audit, args.format))
    done = "HTML 报告已写入" if args.lang == "zh" else "HTML report written to"
    # the full path: the file is where the message says, whatever the working folder
    print(f"fertopt: {done} {path.resolve()}", file=sys.stderr)
    return 0


def _cmd_audit(args: argparse.Namespace) -> int:
    """``fertopt audit``: the audit of a paper's spec, printed and written as a report."""
    if args.template:
        out = Path(args.template)
        if out.exists():
            raise OptionError(
                f"--template {out}: the file exists; give a new file name so that no spec "
                "is overwritten."
            )
        check_writable(out, "--template")
        out.write_text(template_path().read_text(encoding="utf-8"), encoding="utf-8")
        done = "模板已写入" if args.lang == "zh" else "template written to"
        print(f"fertopt: {done} {out.resolve()}", file=sys.stderr)
        return 0
    if not args.spec:
        raise OptionError(
            "fertopt audit needs a spec file: fertopt audit paper.yaml (write a commented "
            "template to fill in with: fertopt audit --template paper.yaml)."
        )
    path = Path(args.report) if args.report else None
    suffixes = (".html", ".htm", ".md", ".markdown", ".xlsx")
    if path is not None and path.suffix.lower() not in suffixes:
        raise OptionError(f"--report {args.report}: the file name must end in .html, .md or .xlsx.")
    if path is not None:
        check_writable(path, "--report")
    result = audit(args.spec, lang=args.lang)
    print(_render(result, args.format))
    if path is not None:
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            result.to_excel(path)
        elif suffix in (".md", ".markdown"):
            result.to_markdown(path)
        else:
            result.to_html(path)
        done = "报告已写入" if args.lang == "zh" else "report written to"
        print(f"fertopt: {done} {path.resolve()}", file=sys.stderr)
    return 0


def _split_names(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [part.strip() for part in text.split(",") if part.strip()]
    return names or None


def _cmd_batch(args: argparse.Namespace) -> int:
    """``fertopt batch``: run_batch on a file or glob, write the tables, print one summary line."""
    if args.out:  # before any trial is read: a long run must not be lost to a bad --out
        check_output(args.out, "--out")
    by = _split_names(args.by)
    rates = _split_names(args.rates)
    prices = None
    if args.prices:
        items: dict[str, Any] = {}
        for item in _split_names(args.prices) or []:
            name, sep, value = item.partition("=")
            if not sep or not name.strip():
                raise OptionError(
                    f"--prices item {item!r} is not name=value; write e.g. "
                    "--prices crop=2.8,N=6.25,P2O5=4.67,K2O=10.4 "
                    "(add crop_unit=t for a price per t)"
                )
            try:
                items[name.strip()] = float(value)
            except ValueError:
                items[name.strip()] = value.strip()
        try:
            prices = Prices(**items)
        except TypeError as exc:
            raise OptionError(
                f"--prices: {exc}. Give crop= and nutrient prices N=, P2O5=, K2O= (or P=, K=), "
                "optionally crop_unit=, nutrient_unit=, currency=."
            ) from None
    result = run_batch(
        args.file,
        by=by[0] if by and len(by) == 1 else by,
        response=args.response,
        treatment=args.treatment,
        block=None if args.block in ("", "none") else args.block,
        rates=rates,
        posthoc=None if args.posthoc == "none" else args.posthoc,
        alpha=args.alpha,
        surface=args.surface,
        model=args.model,
        prices=prices,
        engine=args.engine,
        n_jobs=args.jobs,
        progress=args.progress,
        sheet=args.sheet,
    )
    written = result.to_files(args.out) if args.out else []
    line = (
        f"fertopt batch: {result.n_trials} trials, {result.n_analysed} analysed "
        f"({result.n_vectorized} vectorized), {result.n_failed} failed, "
        f"{result.n_warned} with warnings"
    )
    if result.n_failed_files:
        line += f", {result.n_failed_files} of {result.n_files} files could not be used"
    line += f", {result.elapsed:.2f} s"
    if written:
        line += " -> " + ", ".join(str(p) for p in written)
    print(line)
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
            raise OptionError(
                f"{option} takes NAME=RATE pairs separated by commas, e.g. N=18,P2O5=8,K2O=19; "
                f"could not read {item!r}."
            ) from None
    return out


def _factor(text: str, option: str) -> dict[str, list[Any]]:
    """``"N=0,90,180"`` → ``{"N": [0, 90, 180]}`` (numbers where they parse)."""
    name, sep, values = text.partition("=")
    if not sep or not name.strip() or not values:
        raise OptionError(
            f"{option} takes NAME=LEVEL,LEVEL,..., e.g. {option} N=0,90,180; got {text!r}."
        )
    levels: list[Any] = []
    for v in values.split(","):
        try:
            levels.append(float(v) if "." in v else int(v))
        except ValueError:
            levels.append(v.strip())
    return {name.strip(): levels}


def _fraction(text: str) -> float:
    """``--reduce``: a number (the fraction of each rate removed)."""
    try:
        return float(text)
    except ValueError:
        raise OptionError(
            f"--reduce {text!r} is not understood; give 'omit' (leave the nutrient out) or the "
            "fraction removed, e.g. --reduce 0.3."
        ) from None


def _cmd_design(args: argparse.Namespace) -> int:
    seed = args.seed
    kind = args.kind
    needs = {
        "crd": "--treatments",
        "rcbd": "--treatments",
        "latin": "--treatments",
        "3414": "--level2",
        "omission": "--formula",
        "factorial": "--factor",
        "split-plot": "--main and --sub",
    }
    given = {
        "crd": args.treatments,
        "rcbd": args.treatments,
        "latin": args.treatments,
        "3414": args.level2,
        "omission": args.formula,
        "factorial": args.factor,
        "split-plot": args.main and args.sub,
    }
    if not given[kind]:
        raise OptionError(f"a {kind} design needs {needs[kind]}; see fertopt design --help.")
    if kind == "latin" and args.reps is not None:
        raise OptionError(
            f"--reps {args.reps}: a Latin square has as many rows (replicates) as treatments; "
            "leave out --reps."
        )
    if args.out:
        check_writable(args.out, "--out")
    treatments = [t.strip() for t in args.treatments.split(",")] if args.treatments else None
    # --reps 0 is refused by the generator, not replaced by the default
    reps = args.reps if args.reps is not None else (1 if kind == "3414" else 3)
    if kind == "crd":
        book = design.crd(treatments, reps=reps, rng=seed)
    elif kind == "rcbd":
        book = design.rcbd(treatments, reps=reps, rng=seed, plot_numbers=args.plot_numbers)
    elif kind == "latin":
        book = design.latin_square(treatments, rng=seed)
    elif kind == "3414":
        book = design.three414(
            level2=_pairs(args.level2, "--level2"),
            reps=reps,
            rng=seed,
            plot_numbers=args.plot_numbers,
        )
    elif kind == "omission":
        reduce: Any = "omit" if args.reduce in (None, "omit") else _fraction(args.reduce)
        book = design.omission(
            _pairs(args.formula, "--formula"),
            reduce=reduce,
            reps=reps,
            control=not args.no_control,
            rng=seed,
            plot_numbers=args.plot_numbers,
        )
    elif kind == "factorial":
        factors: dict[str, list[Any]] = {}
        for f in args.factor:
            factors.update(_factor(f, "--factor"))
        book = design.factorial(factors, reps=reps, rng=seed, plot_numbers=args.plot_numbers)
    else:
        book = design.split_plot(
            _factor(args.main, "--main"),
            _factor(args.sub, "--sub"),
            reps=reps,
            rng=seed,
            plot_numbers=args.plot_numbers,
        )
    if args.out:
        book.to_csv(args.out)
    else:
        sys.stdout.write(book.to_csv())
    print(
        f"fertopt: {book.design} field book, {book.n_plots} plots, seed {book.seed} "
        f"(reproduce with --seed {book.seed})" + (f"; written to {args.out}" if args.out else ""),
        file=sys.stderr,
    )
    return 0


def _add_debug(parser: Any) -> None:
    """``--debug`` after the subcommand too (``fertopt batch ... --debug``)."""
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the full traceback on errors",
    )


def _add_analyze(sub: Any) -> None:
    """The ``analyze`` subcommand: one trial file, analysed and reported."""
    ana = sub.add_parser(
        "analyze",
        help="analyse one trial file (CSV, Excel, Parquet) and report it",
        description="Analyse one trial: design and data, ANOVA with CV, letter groups, response "
        "curves and optimum rates, N-P-K surface, residual checks; in English or Chinese.",
        epilog=_ANALYZE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ana.add_argument(
        "file", help="trial table, one row per plot (.csv in UTF-8 or GBK, .xlsx, .parquet)"
    )
    ana.add_argument("--response", help="response column (default: the column recognised as yield)")
    ana.add_argument("--treatment", help="treatment column (default: recognised from its name)")
    ana.add_argument("--block", help="block/replicate column (default: recognised from its name)")
    ana.add_argument(
        "--rates",
        metavar="COLS",
        help="rate columns, e.g. N,P2O5,K2O or rate_n_applied_kgha=N (column=nutrient)",
    )
    ana.add_argument(
        "--prices",
        metavar="PRICES",
        help="prices per kg, e.g. crop=2.8,N=6.25,P2O5=4.67,K2O=10.4,currency=yuan",
    )
    ana.add_argument(
        "--posthoc",
        choices=tuple(LETTER_TESTS),
        default="duncan",
        help="multiple-comparison method for the letters (default: duncan; waller runs at "
        "k-ratio 100 and has no alpha)",
    )
    ana.add_argument(
        "--alpha",
        type=float,
        default=0.05,
        help="significance level of the letters (default: 0.05)",
    )
    ana.add_argument(
        "--model",
        default="quadratic",
        help="response model: linear, quadratic (default), linear_plateau, "
        "quadratic_plateau, mitscherlich, square_root, or best (lowest AICc)",
    )
    ana.add_argument(
        "--design",
        choices=DESIGNS,
        help="the design, when it should not be recognised from the table",
    )
    ana.add_argument(
        "--factors",
        metavar="COLS",
        help="crossed factors of a factorial, e.g. N,P2O5 (default: crossed rate columns)",
    )
    ana.add_argument("--main-plot", metavar="COL", help="split-plot: the main-plot factor")
    ana.add_argument("--sub-plot", metavar="COL", help="split-plot: the sub-plot factor")
    ana.add_argument(
        "--sub-sub-plot",
        metavar="COL",
        help="split-split-plot: the sub-sub-plot factor (with --main-plot and --sub-plot)",
    )
    ana.add_argument("--horizontal", metavar="COL", help="strip-plot: the horizontal factor")
    ana.add_argument("--vertical", metavar="COL", help="strip-plot: the vertical factor")
    ana.add_argument(
        "--site",
        metavar="COLS",
        help="trial repeated over sites or years: the environment column(s), e.g. site or "
        "site,year (combined analysis; a site/location/year column is recognised)",
    )
    ana.add_argument(
        "--site-effects",
        choices=("random", "fixed"),
        default="random",
        help="combined analysis: sites as a sample of a region (random, default: treatments "
        "tested against treatment x site) or the only sites of interest (fixed)",
    )
    ana.add_argument("--row", metavar="COL", help="Latin square: the row column")
    ana.add_argument("--column", metavar="COL", help="Latin square: the column column")
    ana.add_argument(
        "--omission",
        metavar="LAYOUT",
        help="omission-plot layout, e.g. full=NPK,control=CK,N=PK,P2O5=NK,K2O=NP "
        "(default: recognised from treatment names such as NPK, PK, NK, NP, CK)",
    )
    ana.add_argument(
        "--lang", choices=("en", "zh"), default="en", help="language of the report (default: en)"
    )
    ana.add_argument(
        "--report",
        metavar="FILE",
        help="also write the full report with figures to FILE (.html or .md)",
    )
    ana.add_argument("--sheet", help="Excel sheet name (default: the first sheet)")
    ana.add_argument(
        "--encoding",
        help="text encoding of a CSV file, e.g. latin-1 or cp932 (default: UTF-8, or GBK "
        "when the text reads as Chinese)",
    )
    ana.add_argument(
        "--header",
        metavar="ROW",
        help="row number of the header as the spreadsheet shows it, or two rows to join "
        "(3,4) (default: found under any title rows)",
    )
    ana.add_argument(
        "--layout",
        choices=("auto", "long", "wide"),
        default="auto",
        help="long: one row per plot; wide: one row per treatment, replicates in columns "
        "(default: auto)",
    )
    ana.add_argument(
        "--format",
        choices=("text", "json", "markdown", "html"),
        default="text",
        help="what to print on stdout (default: text)",
    )
    _add_debug(ana)
    ana.set_defaults(func=_cmd_analyze)


def _add_batch(sub: Any) -> None:
    """The ``batch`` subcommand: many trials from files, one table out."""
    bat = sub.add_parser(
        "batch",
        help="analyse many trials in one table (one row per trial)",
        description="Analyse every trial of a table (or of files matching a glob) and write the "
        "trial table, the letter groups, the failures and the warnings.",
    )
    bat.add_argument("file", help="a CSV/Excel/Parquet file, or a glob such as 'trials/*.parquet'")
    bat.add_argument("--by", required=True, help="column(s) identifying a trial, e.g. site,year")
    bat.add_argument("--response", default="yield", help="response column (default: yield)")
    bat.add_argument(
        "--treatment", default="treatment", help="treatment column (default: treatment)"
    )
    bat.add_argument(
        "--block",
        default="block",
        help="block column (default: block; 'none' for completely randomized trials)",
    )
    bat.add_argument("--rates", help="nutrient rate columns, e.g. N,P2O5,K2O")
    bat.add_argument(
        "--posthoc",
        choices=(*LETTER_TESTS, "none"),
        default="duncan",
        help="multiple comparison for the letters (default duncan)",
    )
    bat.add_argument("--alpha", type=float, default=0.05)
    bat.add_argument("--surface", choices=("full", "stepwise"))
    bat.add_argument("--model", help="single-nutrient response model, e.g. quadratic")
    bat.add_argument(
        "--prices",
        help="crop and nutrient prices per kg (fertopt.Prices), e.g. "
        "crop=2.8,N=6.25,P2O5=4.67,K2O=10.4; crop_unit=t for a crop price per t",
    )
    bat.add_argument("--engine", choices=("auto", "python", "vectorized", "dask"), default="auto")
    bat.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    bat.add_argument("--progress", action="store_true", help="show a progress bar (needs tqdm)")
    bat.add_argument("--sheet", help="Excel sheet of every .xlsx file (default: the first sheet)")
    bat.add_argument(
        "--out",
        help="results.parquet, results.csv or results.xlsx (checked before the trials are read; "
        "in a workbook a table longer than an Excel sheet is split over sheets groups_1, "
        "groups_2 ... with a note: write .parquet or .csv to keep it whole)",
    )
    _add_debug(bat)
    bat.set_defaults(func=_cmd_batch)


def _add_example(sub: Any) -> None:
    """The ``example`` subcommand: the water-chestnut audit and report."""
    ex = sub.add_parser(
        "example",
        help="audit the water-chestnut study and write its HTML report",
        description="Reproduce and audit the bundled water-chestnut study (a formula-correction "
        "trial, Guangxi 2013): every number the paper printed, what fertopt finds, and "
        "a verdict. Prints the audit table and writes a self-contained HTML report with "
        "figures and the analysis of the reconstructed trial.",
    )
    ex.add_argument("--lang", choices=("en", "zh"), default="en", help="language (default: en)")
    ex.add_argument(
        "--report",
        metavar="PATH",
        help="HTML file (or folder) to write (default: water_chestnut_report.html, "
        "water_chestnut_report_zh.html with --lang zh, in the current folder)",
    )
    ex.add_argument(
        "--format",
        choices=("text", "json", "markdown", "html"),
        default="text",
        help="what to print on standard output (default: text)",
    )
    _add_debug(ex)
    ex.set_defaults(func=_cmd_example)


def _add_audit(sub: Any) -> None:
    """The ``audit`` subcommand: a paper's printed numbers against what they imply."""
    au = sub.add_parser(
        "audit",
        help="audit a published analysis from a spec of what the paper prints",
        description="Check every claim a paper prints (ANOVA, letters, equations, optima, "
        "economics) against what its printed numbers imply, from a spec file (JSON, or YAML "
        "with fertopt[audit]; see docs/audit_spec.md). Prints the audit table; --report "
        "writes it as HTML, Markdown or Excel. Exit status 0 when the audit ran (whatever "
        "the verdicts), 2 when the spec cannot be read.",
        epilog="examples:\n  fertopt audit paper.json\n  fertopt audit paper.yaml --lang zh "
        "--report audit.html\n  fertopt audit --template paper.yaml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    au.add_argument("spec", nargs="?", help="the spec file (.json, .yaml or .yml)")
    au.add_argument("--lang", choices=("en", "zh"), default="en", help="language (default: en)")
    au.add_argument("--report", metavar="PATH", help="write the report (.html, .md or .xlsx)")
    au.add_argument(
        "--format",
        choices=("text", "json", "markdown", "html"),
        default="text",
        help="what to print on standard output (default: text)",
    )
    au.add_argument(
        "--template",
        metavar="PATH",
        help="write the commented template spec to PATH (YAML) and stop",
    )
    _add_debug(au)
    au.set_defaults(func=_cmd_audit)


def _add_design(sub: Any) -> None:
    """The ``design`` subcommand: a randomised field book."""
    des = sub.add_parser(
        "design",
        help="write a randomised field book (CSV)",
        description="Write a randomised field book as CSV (stdout or --out); the seed is "
        "reported so the layout can be reproduced with --seed.",
    )
    des.add_argument(
        "kind", choices=("3414", "omission", "rcbd", "crd", "latin", "factorial", "split-plot")
    )
    des.add_argument("--level2", help="3414: level-2 rates, e.g. N=18,P2O5=8,K2O=19")
    des.add_argument("--formula", help="omission: full formula rates, e.g. N=18,P2O5=8,K2O=19")
    des.add_argument(
        "--reduce", help="omission: 'omit' (default) or the fraction removed, e.g. 0.3"
    )
    des.add_argument(
        "--no-control", action="store_true", help="omission: leave out the CK treatment"
    )
    des.add_argument("--treatments", help="crd/rcbd/latin: treatment labels, e.g. CK,N,NP,NPK")
    des.add_argument(
        "--factor", action="append", help="factorial: NAME=LEVELS, repeatable (N=0,90,180)"
    )
    des.add_argument("--main", help="split-plot: main-plot factor NAME=LEVELS")
    des.add_argument("--sub", help="split-plot: sub-plot factor NAME=LEVELS")
    des.add_argument("--reps", type=int, help="blocks/replicates (default 1 for 3414, else 3)")
    des.add_argument("--seed", type=int, help="randomisation seed (default: a fresh one, reported)")
    des.add_argument(
        "--plot-numbers",
        choices=("sequential", "block"),
        default="sequential",
        help="plot numbers 1, 2, ... or 101, 102, ..., 201, ...",
    )
    des.add_argument("--out", help="CSV file to write (default: standard output)")
    _add_debug(des)
    des.set_defaults(func=_cmd_design)


_SOILTEST_METHODS = (
    "cate_nelson_1965",
    "cate_nelson_1971",
    "linear_plateau",
    "quadratic_plateau",
    "mitscherlich",
    "log",
    "mod_alcc",
    "classes",
)
#: The relative yield (%) each method reads the CSTV at when --target is not given.
_SOILTEST_TARGET = {"cate_nelson_1965": 90.0, "mitscherlich": 95.0, "log": 90.0, "mod_alcc": 90.0}


def _cmd_soiltest(args: argparse.Namespace) -> int:
    """``fertopt soiltest``: one correlation method on a table of sites, printed and reported."""
    report_path = Path(args.report) if args.report else None
    if report_path is not None and report_path.suffix.lower() not in (".html", ".htm", ".md"):
        raise OptionError(f"--report {args.report}: the file name must end in .html or .md.")
    if (args.boot or 0) < 0:
        raise OptionError(f"--boot {args.boot}: give a number of resamples (200 or more), or 0.")
    thresholds = None
    if args.thresholds:
        try:
            thresholds = tuple(float(v) for v in args.thresholds.split(",") if v.strip())
        except ValueError:
            raise OptionError(
                f"--thresholds {args.thresholds!r}: give relative yields in percent separated by "
                "commas, e.g. --thresholds 50,75,90,95."
            ) from None
    frame = read_trials(args.file, sheet=args.sheet)
    roles = {"stv": args.stv, "ry": args.ry}
    boot = {"n_boot": args.boot or 0, "rng": args.seed}
    method = args.method
    target = args.target if args.target is not None else _SOILTEST_TARGET.get(method)
    if method == "cate_nelson_1965":
        result: Any = cate_nelson_1965(frame, **roles, target=target, **boot)
    elif method == "cate_nelson_1971":
        result = cate_nelson_1971(frame, **roles, **boot)
    elif method == "mod_alcc":
        if args.boot:
            raise OptionError("--boot does not apply to mod_alcc (its interval is the SMA's).")
        result = mod_alcc(frame, **roles, target=target)
    elif method == "classes":
        extra = {"thresholds": thresholds} if thresholds else {}
        result = abundance_classes(frame, **roles, **extra, **boot)
    else:
        result = fit_calibration(frame, **roles, model=method, target=target, **boot)
    if report_path is not None:
        _write_report(soiltest_report([result], lang=args.lang), report_path)
    return _print_result(result, args)


def _write_report(report: Any, path: Path) -> None:
    """A result's report page as Markdown (``.md``) or HTML, and say where it went."""
    if path.suffix.lower() == ".md":
        report.to_markdown(path)
    else:
        report.to_html(path)
    print(f"fertopt: wrote {path}", file=sys.stderr)


def _print_result(result: Any, args: argparse.Namespace) -> int:
    """A result on standard output in ``--format`` (JSON, Markdown or text); exit status 0."""
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    elif args.format == "markdown":
        print(result.summary(lang=args.lang).as_markdown(), end="")
    else:
        print(result.summary(lang=args.lang).as_text())
    return 0


def _add_soiltest(sub: Any) -> None:
    """The ``soiltest`` subcommand: critical soil-test values from a table of sites."""
    st = sub.add_parser(
        "soiltest",
        help="critical soil-test values and abundance classes from sites (STV, RY in percent)",
        description="Soil-test correlation on a table with one row per site: a soil-test value "
        "column and a relative-yield column in percent (0-150).",
        epilog="examples:\n"
        "  fertopt soiltest sites.csv --stv olsen_p --ry ry --method cate_nelson_1971\n"
        "  fertopt soiltest sites.csv --stv olsen_p --ry ry --method quadratic_plateau "
        "--boot 1000 --seed 1\n"
        "  fertopt soiltest sites.xlsx --stv olsen_p --ry ry --method classes "
        "--thresholds 50,75,95 --lang zh --report 丰缺指标.html",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    st.add_argument("file", help="CSV or Excel file, one row per site")
    st.add_argument("--sheet", help="Excel sheet (name or number)")
    st.add_argument("--stv", required=True, help="soil-test value column")
    st.add_argument("--ry", required=True, help="relative-yield column, in percent")
    st.add_argument("--method", choices=_SOILTEST_METHODS, default="cate_nelson_1971")
    st.add_argument(
        "--target",
        type=float,
        help="relative yield (%%) of the CSTV (default: 90; 95 for mitscherlich; the join for "
        "the plateau models)",
    )
    st.add_argument("--thresholds", help="classes: RY thresholds in %%, e.g. 50,75,90,95")
    st.add_argument("--boot", type=int, help="bootstrap resamples of the sites (e.g. 1000)")
    st.add_argument("--seed", type=int, help="seed of the bootstrap (reported in the output)")
    st.add_argument("--lang", choices=("en", "zh"), default="en", help="language (default: en)")
    st.add_argument("--report", metavar="PATH", help="write a report (.html or .md)")
    st.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="what to print on standard output (default: text)",
    )
    st.set_defaults(func=_cmd_soiltest)


def _cmd_recommend(args: argparse.Namespace) -> int:
    """``fertopt recommend``: a rate for a region from a trial network, scored on held-out sites."""
    report_path = Path(args.report) if args.report else None
    if report_path is not None:
        if report_path.suffix.lower() not in (".html", ".htm", ".md"):
            raise OptionError(f"--report {args.report}: the file name must end in .html or .md.")
        check_writable(report_path, "--report")
    prices = _parse_prices(args.prices)
    methods = tuple(m.strip() for m in args.methods.split(",") if m.strip())
    frame = read_trials(args.file, sheet=args.sheet)
    result = recommend(
        frame,
        response=_as_read(frame, args.response),
        rate=_as_read(frame, args.rate),
        site=_as_read(frame, args.site),
        block=_as_read(frame, args.block),
        year=_as_read(frame, args.year),
        prices=prices,
        methods=methods,
        model=args.model,
        classes=_as_read(frame, args.classes),
        folds=args.folds,
        within=args.within,
        rng=args.seed,
        validate="none" if args.no_validation else "leave_site_out",
    )
    if report_path is not None:
        _write_report(result.report(lang=args.lang), report_path)
    return _print_result(result, args)


def _add_recommend(sub: Any) -> None:
    """The ``recommend`` subcommand: a regional rate from a trial network with its regret."""
    rc = sub.add_parser(
        "recommend",
        help="a rate for the next field of a region from a network of rate trials, with the "
        "net return each method loses on sites it did not see",
        description="Fit every site's response curve, recommend a rate by each method (MRTN, "
        "class regression, mean of site optima, network model) and score each method by "
        "leave-site-out validation: the net return lost per area on held-out sites against "
        "their own economic optimum (regret).",
        epilog="examples:\n"
        "  fertopt recommend trials.csv --site site --rate N --block rep "
        "--prices crop=0.2,N=1.0\n"
        "  fertopt recommend trials.csv --site site --rate N --prices crop=2.6,N=4.5 "
        "--classes soil_n --lang zh --report 推荐施肥.html\n"
        "  fertopt recommend big.parquet --site site --rate N --prices crop=0.2,N=1 "
        "--folds 10 --seed 1",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rc.add_argument("file", help="CSV, Excel or Parquet file, one row per plot of every site")
    rc.add_argument("--sheet", help="Excel sheet (name or number)")
    rc.add_argument("--site", required=True, help="site column")
    rc.add_argument("--rate", required=True, help="nutrient rate column (e.g. N)")
    rc.add_argument("--response", default="yield", help="yield column (default: yield)")
    rc.add_argument("--block", help="replicate column within sites")
    rc.add_argument("--year", help="year column (a site-year is one curve)")
    rc.add_argument("--prices", required=True, help="crop and nutrient prices, e.g. crop=0.2,N=1.0")
    rc.add_argument(
        "--methods",
        default=",".join(RECOMMEND_METHODS),
        help=f"comma-separated methods (default: all of {', '.join(RECOMMEND_METHODS)})",
    )
    rc.add_argument("--model", default="quadratic_plateau", help="response model of each site")
    rc.add_argument(
        "--classes", help="class column of class regression (default: CK yield terciles)"
    )
    rc.add_argument("--folds", type=int, help="random folds of sites (default: leave one site out)")
    rc.add_argument("--seed", type=int, help="seed of the folds and of the bias estimate")
    rc.add_argument(
        "--within",
        type=float,
        default=1.0,
        help="width of the profitable range in money per area (default: 1)",
    )
    rc.add_argument("--no-validation", action="store_true", help="recommend only")
    rc.add_argument("--lang", choices=("en", "zh"), default="en", help="language (default: en)")
    rc.add_argument("--report", metavar="PATH", help="write a report (.html or .md)")
    rc.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="what to print on standard output (default: text)",
    )
    _add_debug(rc)
    rc.set_defaults(func=_cmd_recommend)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fertopt",
        description="Analyse fertilizer field trials: ANOVA with letters, response models, optima.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"fertopt {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    for add in (
        _add_analyze,
        _add_batch,
        _add_audit,
        _add_example,
        _add_design,
        _add_soiltest,
        _add_recommend,
    ):
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``fertopt`` console script.

    Every error ends the run with one line on stderr and exit status 2: a
    fertopt error says what is wrong and how to fix it; any other exception
    is an unexpected internal error, named with its type and message, with
    the advice to re-run with ``--debug`` (which shows the traceback) and
    report it.  Ctrl-C ends the run with exit status 130.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    debug = bool(getattr(args, "debug", False))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = _show_warning
            return int(args.func(args))
    except FertoptError as exc:
        if debug:
            raise
        print(f"fertopt: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        if debug:
            raise
        print("fertopt: interrupted; nothing more was written.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place every other error is reported
        if debug:
            raise
        detail = _one_line(exc) or "(no message)"
        print(
            f"fertopt: error: unexpected internal error ({type(exc).__name__}: {detail}). "
            f"Re-run the same command with --debug to see the traceback, and please report it "
            f"with that traceback to the fertopt maintainers.",
            file=sys.stderr,
        )
        return 2


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _show_warning(
    message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None
) -> None:
    """Warnings as one plain line on stderr: ``fertopt: warning: ...``."""
    print(f"fertopt: warning: {_one_line(message)}", file=sys.stderr if file is None else file)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
