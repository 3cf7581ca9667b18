#!/usr/bin/env python
"""Behaviour fingerprints of fertopt, to prove that a restructure changes no behaviour.

Usage::

    PYTHONPATH=<checkout>/src MPLBACKEND=Agg python scripts/fingerprint.py OUTDIR
    python scripts/fingerprint.py --compare DIR_A DIR_B [--max-diffs N] [--context N]

The first form imports ``fertopt`` from ``sys.path``, runs a fixed corpus of
cases through the public API only and writes one text file per case into
OUTDIR (the file name is the case id).  A file holds everything observable
about the outcome of the case: results (repr, summaries in text/markdown/HTML,
``to_dict()``, every public DataFrame at full precision, follow-up method
calls), every warning raised (category and message) and, for an exception, its
class, base classes and message.  Only genuinely non-deterministic things are
masked (memory addresses, temporary paths, timestamps, embedded base64 images).

The second form compares two such directories and exits 1 when a case differs
or exists on one side only.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as _dt
import difflib
import hashlib
import inspect
import io
import json
import math
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

# ---------------------------------------------------------------------------
# comparison of two fingerprint directories (needs nothing but the stdlib)
# ---------------------------------------------------------------------------


def _cut(line: str, start: int, width: int) -> str:
    if len(line) <= width:
        return line
    lo = max(0, start - width // 3)
    return f"{line[0]}[from column {lo}] …{line[1 + lo : 1 + lo + width]}"


def _windowed(lines: list[str], width: int = 300) -> list[str]:
    """Diff lines cut to ``width`` characters, around where a changed line first differs."""
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("-") and not line.startswith("---"):
            j = i
            while j < len(lines) and lines[j].startswith("-") and not lines[j].startswith("---"):
                j += 1
            k = j
            while k < len(lines) and lines[k].startswith("+") and not lines[k].startswith("+++"):
                k += 1
            minus, plus = lines[i:j], lines[j:k]
            starts = []
            for n in range(max(len(minus), len(plus))):
                a = minus[n][1:] if n < len(minus) else ""
                b = plus[n][1:] if n < len(plus) else ""
                starts.append(
                    next(
                        (c for c, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                        min(len(a), len(b)),
                    )
                )
            out += [_cut(m, starts[n], width) for n, m in enumerate(minus)]
            out += [_cut(p, starts[n], width) for n, p in enumerate(plus)]
            i = k
        else:
            out.append(line[:width])
            i += 1
    return out


def compare(
    dir_a: Path, dir_b: Path, max_diffs: int = 20, context: int = 3, max_lines: int = 40
) -> int:
    a = {p.name for p in dir_a.iterdir() if p.is_file()}
    b = {p.name for p in dir_b.iterdir() if p.is_file()}
    only_a, only_b = sorted(a - b), sorted(b - a)
    both = sorted(a & b)
    differ = []
    for name in both:
        if (dir_a / name).read_bytes() != (dir_b / name).read_bytes():
            differ.append(name)
    for name in only_a:
        print(f"only in {dir_a}: {name}")
    for name in only_b:
        print(f"only in {dir_b}: {name}")
    for i, name in enumerate(differ):
        if i >= max_diffs:
            print(f"... and {len(differ) - max_diffs} more cases differ")
            break
        ta = (dir_a / name).read_text(encoding="utf-8", errors="replace").splitlines()
        tb = (dir_b / name).read_text(encoding="utf-8", errors="replace").splitlines()
        diff = list(
            difflib.unified_diff(
                ta, tb, f"{dir_a.name}/{name}", f"{dir_b.name}/{name}", n=context, lineterm=""
            )
        )
        print(f"--- case {name} differs ({len(diff)} diff lines)")
        for line in _windowed(diff[:max_lines]):
            print("    " + line)
        if len(diff) > max_lines:
            print(f"    ... ({len(diff) - max_lines} more diff lines)")
    n = len(a | b)
    same = len(both) - len(differ)
    print(
        f"{n} cases, {same} identical, {len(differ)} differ, "
        f"{len(only_a)} only in {dir_a}, {len(only_b)} only in {dir_b}"
    )
    return 1 if (differ or only_a or only_b) else 0


# ---------------------------------------------------------------------------
# masking and serialisation
# ---------------------------------------------------------------------------
TMP_ROOT: str | None = None  # the run's temporary directory, masked as <TMP>
_RUN_DATE = _dt.date.today().isoformat()  # today's date (reports print it), masked as <DATE>

_ADDR = re.compile(r" at 0x[0-9a-fA-F]+")
_HEX_ID = re.compile(r"0x[0-9a-fA-F]{6,}")
_FUNC = re.compile(
    r"<function [\w.<>]+ at 0x[0-9a-fA-F]+>"
)  # a function's repr: its (private) name
_B64 = re.compile(r"(data:[a-zA-Z0-9/+.-]+;base64,)[A-Za-z0-9+/=\s]+")
_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?")
_DURATION = re.compile(r"\b\d+(\.\d+)?\s?(ms|seconds|s)\b(?= elapsed| wall| taken)")


def mask(text: str) -> str:
    text = str(text)
    if TMP_ROOT:
        for variant in {TMP_ROOT, os.path.realpath(TMP_ROOT), TMP_ROOT.replace("\\", "/")}:
            text = text.replace(variant, "<TMP>")
    text = _B64.sub(lambda m: m.group(1) + "<base64>", text)
    text = _FUNC.sub("<function>", text)
    text = _ADDR.sub(" at 0xADDR", text)
    text = _HEX_ID.sub("0xADDR", text)
    text = _TIME.sub("<TIMESTAMP>", text)
    for day in {_RUN_DATE, _dt.date.today().isoformat()}:
        text = text.replace(day, "<DATE>")
    return text


def _np():
    import numpy as np

    return np


def _pd():
    import pandas as pd

    return pd


def frame_text(df) -> str:
    pd = _pd()
    if isinstance(df, pd.Series):
        return f"Series name={df.name!r} dtype={df.dtype}\n" + df.to_csv()
    dtypes = ", ".join(f"{c}:{t}" for c, t in df.dtypes.items())
    extra = ""
    if df.attrs:
        extra = (
            "attrs: "
            + json.dumps(df.attrs, sort_keys=True, default=repr, ensure_ascii=False)
            + "\n"
        )
    return (
        f"DataFrame shape={df.shape} index={type(df.index).__name__} dtypes: {dtypes}\n{extra}"
        + df.to_csv()
    )


def block_text(obj, depth: int = 0) -> str:
    """A display block (table, facts, paragraph ...) by its content, not its repr.

    Callables held by a block (cell formatters) are shown as ``<callable>``: their
    names are implementation details, what they produce is in the rendered text.
    """
    pd = _pd()
    if callable(obj) and not isinstance(obj, (pd.DataFrame, pd.Series, type)):
        return "<callable>"
    if isinstance(obj, dict) and depth < 4:
        inner = [f"{k!r}: {block_text(v, depth + 1)}" for k, v in obj.items()]
        if depth == 0 and len(inner) > 1:
            return "{\n  " + ",\n  ".join(inner) + "\n}"
        return "{" + ", ".join(inner) + "}"
    if isinstance(obj, (list, tuple)) and depth < 4 and not is_result(obj):
        inner = [block_text(v, depth + 1) for v in obj]
        if isinstance(obj, tuple):
            return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"
        return "[" + ", ".join(inner) + "]"
    if type(obj).__name__ == "Figure" and hasattr(obj, "data") and hasattr(obj, "caption"):
        return "Figure(" + figure_digest(obj) + ")"
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type) and not is_result(obj):
        parts = []
        for f in dataclasses.fields(obj):
            parts.append(f"  {f.name}: {block_text(getattr(obj, f.name), depth + 1)}")
        return f"{type(obj).__name__}(\n" + "\n".join(parts) + "\n)"
    return plain(obj, depth)


def is_result(obj) -> bool:
    return hasattr(obj, "summary") and hasattr(obj, "to_dict") and not isinstance(obj, type)


def plain(obj, depth: int = 0) -> str:
    """Deterministic full-precision text of a plain value (no method calls)."""
    np, pd = _np(), _pd()
    if isinstance(obj, (pd.DataFrame, pd.Series)):
        return frame_text(obj)
    if isinstance(obj, np.ndarray):
        with np.printoptions(
            precision=17, threshold=sys.maxsize, floatmode="unique", linewidth=200
        ):
            body = np.array2string(obj, separator=", ")
            return f"ndarray shape={obj.shape} dtype={obj.dtype}\n{body}"
    if isinstance(obj, dict) and depth < 4:
        inner = [f"{k!r}: {plain(v, depth + 1)}" for k, v in obj.items()]
        if depth == 0 and len(inner) > 1:
            return "{\n  " + ",\n  ".join(inner) + "\n}"
        return "{" + ", ".join(inner) + "}"
    if isinstance(obj, (list, tuple)) and depth < 4 and not is_result(obj):
        inner = [plain(v, depth + 1) for v in obj]
        if isinstance(obj, tuple):
            return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"
        return "[" + ", ".join(inner) + "]"
    if isinstance(obj, (bytes, bytearray)):
        return f"<{len(obj)} bytes, sha256[:16]={hashlib.sha256(bytes(obj)).hexdigest()[:16]}>"
    return repr(obj)


class Recorder:
    """Collects the observable outcome of one case as text sections."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.outcomes: list[bool] = []  # per call: True when it raised
        self.masks: list[tuple[str, str]] = []  # extra (regex, replacement) of this case

    def add(self, label: str, text) -> None:
        self.parts.append(f"## {label}\n{text}")

    def value(self, label: str, obj, full: bool = True) -> None:
        """Record a value: a result object in full, anything else as plain text."""
        if obj is None or isinstance(obj, (bool, int, float, str, bytes, complex)):
            self.add(label, f"{type(obj).__name__}: {plain(obj)}")
        elif is_result(obj) and full:
            self.result(label, obj)
        elif _is_figure_or_axes(obj):
            self.add(label, figure_text(obj))
        else:
            self.add(label, f"{type(obj).__name__}: {block_text(obj)}")

    def result(self, label: str, res) -> None:
        pd = _pd()
        self.add(f"{label} type", type(res).__name__)
        self.add(f"{label} repr", repr(res))
        summ = None
        try:
            summ = res.summary()
        except Exception as exc:  # noqa: BLE001
            self.add(f"{label} summary()", exception_text(exc))
        if summ is not None:
            s_text = str(summ)
            self.add(f"{label} str(summary())", s_text)
            for meth in ("as_markdown", "as_html", "as_text"):
                if hasattr(summ, meth):
                    if meth == "as_text" and summ.as_text() == s_text:
                        self.add(f"{label} summary().as_text()", "(same as str(summary()))")
                        continue
                    self.call(f"{label} summary().{meth}()", getattr(summ, meth), _text=True)
            self.call(f"{label} summary(digits=6)", lambda: str(res.summary(digits=6)), _text=True)
            try:
                text = str(res)
                text = "(same as str(summary()))" if text == s_text else text
            except Exception as exc:  # noqa: BLE001
                text = exception_text(exc)
            self.add(f"{label} str(result)", text)
            if hasattr(res, "_repr_html_"):
                try:
                    text = res._repr_html_()
                    text = "(same as summary().as_html())" if text == summ.as_html() else text
                except Exception as exc:  # noqa: BLE001
                    text = exception_text(exc)
                self.add(f"{label} _repr_html_()", text)
        elif hasattr(res, "_repr_html_"):
            self.call(f"{label} _repr_html_()", res._repr_html_, _text=True)
        self.call(
            f"{label} to_dict()",
            lambda: json.dumps(
                res.to_dict(), sort_keys=True, default=repr, ensure_ascii=False, indent=0
            ),
            _text=True,
        )
        # every public attribute that is not a method
        for name in sorted(dir(res)):
            if name.startswith("_"):
                continue
            try:
                attr = inspect.getattr_static(res, name)
            except AttributeError:
                attr = None
            if inspect.isfunction(attr) or isinstance(attr, (staticmethod, classmethod)):
                continue
            try:
                val = getattr(res, name)
            except Exception as exc:  # noqa: BLE001
                self.add(f"{label}.{name}", exception_text(exc))
                continue
            if callable(val) and not isinstance(val, (pd.DataFrame, pd.Series)):
                continue
            if is_result(val):
                self.add(f"{label}.{name}", f"{type(val).__name__}: {mask(repr(val))}")
            elif isinstance(val, (list, tuple)) and val and all(is_result(v) for v in val):
                self.add(
                    f"{label}.{name}", "\n".join(f"{type(v).__name__}: {repr(v)}" for v in val)
                )
            else:
                self.add(f"{label}.{name}", f"{type(val).__name__}: {block_text(val)}")

    def call(self, label: str, fn, *args, _text: bool = False, _full: bool = True, **kwargs):
        """Run fn, recording its warnings and its value or exception; return the value."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                out = fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001
                self.outcomes.append(True)
                self.add(f"{label} -> EXCEPTION", exception_text(exc))
                self.warnings_of(label, caught)
                return None
        self.outcomes.append(False)
        self.warnings_of(label, caught)
        if _text:
            self.add(label, out if isinstance(out, str) else plain(out))
        else:
            self.value(label, out, full=_full)
        return out

    def warnings_of(self, label: str, caught) -> None:
        if caught:
            lines = [f"{w.category.__name__}: {w.message}" for w in caught]
            self.add(f"{label} warnings", "\n".join(lines))

    def text(self) -> str:
        out = mask("\n\n".join(self.parts))
        for pattern, repl in self.masks:
            out = re.sub(pattern, repl, out)
        return out + "\n"

    def mask_elapsed(self) -> None:
        """Mask wall-clock durations (batch runs report how long they took)."""
        self.masks += [
            (r"\b\d+\.\d{2} s\b", "<ELAPSED> s"),
            (r'("elapsed": )[-+0-9.e]+', r"\1<ELAPSED>"),
            (r"(\.elapsed\nfloat: )[-+0-9.e]+", r"\1<ELAPSED>"),
        ]


def exception_text(exc: BaseException) -> str:
    mro = [c.__name__ for c in type(exc).__mro__]
    out = f"{type(exc).__name__}\nmro: {' > '.join(mro)}\nstr: {exc}"
    if isinstance(exc, SystemExit):
        out += f"\ncode: {exc.code!r}"
    return out


# ---------------------------------------------------------------------------
# figures: texts, titles, line data (rounded), never pixels
# ---------------------------------------------------------------------------


def _is_figure_or_axes(obj) -> bool:
    mod = type(obj).__module__ or ""
    if mod.startswith("matplotlib"):
        return True
    np = _np()
    if isinstance(obj, np.ndarray) and obj.dtype == object and obj.size:
        return all((type(o).__module__ or "").startswith("matplotlib") for o in obj.ravel())
    return False


def _r10(values) -> str:
    np = _np()
    arr = np.asarray(values, dtype=float).ravel()
    out = []
    for v in arr:
        if not math.isfinite(v):
            out.append(repr(float(v)))
        else:
            out.append(f"{v:.10g}")
    return "[" + ", ".join(out) + "]"


def figure_text(obj) -> str:
    np = _np()
    if isinstance(obj, np.ndarray):
        figs = []
        for o in obj.ravel():
            f = o.get_figure() if hasattr(o, "get_figure") else o
            if f not in figs:
                figs.append(f)
        head = f"ndarray of {obj.size} {type(obj.ravel()[0]).__name__}"
        return head + "\n" + "\n".join(_figure_text(f) for f in figs)
    fig = obj
    if hasattr(obj, "get_figure") and not hasattr(obj, "get_axes"):
        fig = obj.get_figure()
    elif hasattr(obj, "figure") and type(obj).__name__ not in ("Figure",):
        fig = obj.figure
    return f"{type(obj).__name__}\n" + _figure_text(fig)


def _figure_text(fig) -> str:
    lines = [f"figure size={_r10(fig.get_size_inches())} axes={len(fig.axes)}"]
    if getattr(fig, "_suptitle", None) is not None:
        lines.append(f"suptitle: {fig.get_suptitle()!r}")
    for t in fig.texts:
        lines.append(f"fig text: {t.get_text()!r}")
    for i, ax in enumerate(fig.axes):
        lines.append(
            f"axes[{i}] title={ax.get_title()!r} left={ax.get_title('left')!r} "
            f"right={ax.get_title('right')!r}"
        )
        lines.append(f"  xlabel={ax.get_xlabel()!r} ylabel={ax.get_ylabel()!r}")
        lines.append(
            f"  xlim={_r10(ax.get_xlim())} ylim={_r10(ax.get_ylim())} "
            f"xscale={ax.get_xscale()} yscale={ax.get_yscale()}"
        )
        ticks = [t.get_text() for t in ax.get_xticklabels()]
        if any(ticks):
            lines.append(f"  xticklabels={ticks!r}")
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        if any(ticks):
            lines.append(f"  yticklabels={ticks!r}")
        for ln in ax.get_lines():
            x, y = ln.get_data()
            try:
                xs = _r10(x)
            except (TypeError, ValueError):
                xs = repr(list(x))
            try:
                ys = _r10(y)
            except (TypeError, ValueError):
                ys = repr(list(y))
            lines.append(
                f"  line label={ln.get_label()!r} ls={ln.get_linestyle()!r} "
                f"marker={ln.get_marker()!r} "
                f"x={xs} y={ys}"
            )
        for coll in ax.collections:
            try:
                offs = coll.get_offsets()
                lines.append(
                    f"  collection {type(coll).__name__} label={coll.get_label()!r} "
                    f"n_offsets={len(offs)} offsets={_r10(offs)}"
                )
            except Exception:  # noqa: BLE001
                lines.append(f"  collection {type(coll).__name__} label={coll.get_label()!r}")
        for p in ax.patches:
            try:
                bb = p.get_bbox() if hasattr(p, "get_bbox") else None
                desc = _r10([bb.x0, bb.y0, bb.x1, bb.y1]) if bb is not None else ""
            except Exception:  # noqa: BLE001
                desc = ""
            lines.append(f"  patch {type(p).__name__} label={p.get_label()!r} {desc}")
        for t in ax.texts:
            lines.append(f"  text {t.get_text()!r} at {_r10(t.get_position())}")
        leg = ax.get_legend()
        if leg is not None:
            lines.append(
                f"  legend title={leg.get_title().get_text()!r} "
                f"texts={[t.get_text() for t in leg.get_texts()]!r}"
            )
    return "\n".join(lines)


def close_figures() -> None:
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        plt.close("all")


# ---------------------------------------------------------------------------
# the corpus
# ---------------------------------------------------------------------------
CASES: list[tuple[str, object]] = []


def case(case_id: str):
    def deco(fn):
        CASES.append((case_id, fn))
        return fn

    return deco


def add_case(case_id: str, fn) -> None:
    CASES.append((case_id, fn))


def simple(case_id: str, fn, **call_kw) -> None:
    """A case that is one call: record the value (or exception) and its warnings."""

    def run(rec: Recorder) -> None:
        rec.call("result", fn, **call_kw)

    add_case(case_id, run)


# fertopt is imported in main(); cases use these module globals.
fo = None

# ---------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------
# Small reference data sets: the R reference tables the tests use, read from tests/reference
_REFERENCE = Path(__file__).resolve().parents[1] / "tests" / "reference"
_TABLES = {
    "sweetpotato": "multcomp_data_sweetpotato.csv",
    "corn": "multcomp_data_corn.csv",
    "disease": "multcomp_data_disease.csv",
    "melon": "multcomp_data_melon.csv",
    "chz2006": "multcomp_data_chz2006.csv",
    "splitplot": "anova/16_splitplot_plots.csv",
    "npk": "anova/npk.csv",
    "oats": "multcomp_data_oats.csv",
    "plantgrowth": "multcomp_data_plantgrowth.csv",
    "chickwts": "multcomp_data_chickwts.csv",
    "omission_a": "omission/trial_a.csv",
    "omission_b": "omission/trial_b.csv",
    "cotton": "multcomp_data_cotton.csv",
}


class Lazy:
    """A value built when the case runs (after fertopt is imported)."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self):
        return self.fn()


def resolve(value):
    return value() if isinstance(value, Lazy) else value


def data(name: str):
    """A fresh copy of a reference table."""
    return _pd().read_csv(_REFERENCE / _TABLES[name])


def rng(seed: int):
    return _np().random.default_rng(seed)


def dataset(name: str):
    return fo.load_dataset(name)


def npk_factorial_rcbd(seed: int = 1, reps: int = 3, levels=(0, 1, 2)):
    """A 3-factor N x P x K factorial in blocks with simulated yields."""
    pd = _pd()
    g = rng(seed)
    rows = []
    for b in range(1, reps + 1):
        for n in levels:
            for p in levels[:2]:
                for k in levels[:2]:
                    y = (
                        30
                        + 6 * n
                        - 1.2 * n * n
                        + 3 * p
                        + 1.5 * k
                        + 0.8 * n * p
                        + b
                        + g.normal(0, 1.5)
                    )
                    rows.append({"block": f"B{b}", "N": n, "P": p, "K": k, "yield": round(y, 3)})
    return pd.DataFrame(rows)


def rate_trial(seed: int = 0, rates=(0, 40, 80, 120, 160, 200), reps: int = 4, shape: str = "qp"):
    """One-nutrient rate trial in blocks with simulated yields."""
    pd = _pd()
    g = rng(seed)
    rows = []
    for b in range(1, reps + 1):
        for i, r in enumerate(rates):
            if shape == "qp":
                x = min(r, 150.0)
                mu = 5000 + 40 * x - 0.13 * x * x
            elif shape == "lin":
                mu = 5000 + 10 * r
            else:
                mu = 5000 + 3000 * (1 - math.exp(-0.015 * r))
            rows.append(
                {
                    "trt": f"T{i + 1}",
                    "rep": b,
                    "N": float(r),
                    "yield": round(mu + g.normal(0, 250), 2),
                }
            )
    return pd.DataFrame(rows)


def surface_trial(seed: int = 3, reps: int = 3):
    """A small central-composite-like N-P-K trial for fit_surface."""
    pd = _pd()
    g = rng(seed)
    pts = []
    for n in (0, 90, 180, 270):
        for p in (0, 45, 90):
            for k in (0, 60, 120):
                if (n + p + k) % 2 == 0 or n in (0, 180):
                    pts.append((n, p, k))
    rows = []
    for b in range(1, reps + 1):
        for t, (n, p, k) in enumerate(pts):
            mu = (
                4000
                + 18 * n
                - 0.035 * n * n
                + 20 * p
                - 0.12 * p * p
                + 8 * k
                - 0.04 * k * k
                + 0.02 * n * p
            )
            rows.append(
                {
                    "trt": f"T{t + 1:02d}",
                    "rep": b,
                    "N": n,
                    "P2O5": p,
                    "K2O": k,
                    "yield": round(mu + g.normal(0, 150), 1),
                }
            )
    return pd.DataFrame(rows)


def three414_trial(seed: int = 7, reps: int = 3, levels=None, **kw):
    """A 3414 trial from fertopt.design.three414 with simulated yields."""
    np = _np()
    levels = levels or {"N": 180, "P2O5": 90, "K2O": 120}
    book = fo.design.three414(level2=levels, reps=reps, rng=seed, **kw)
    df = book.table.copy()
    g = rng(seed + 1000)
    n = df["N"].to_numpy(float) / levels["N"]
    p = df["P2O5"].to_numpy(float) / levels["P2O5"]
    k = df["K2O"].to_numpy(float) / levels["K2O"]
    mu = 6000 + 2600 * n - 900 * n * n + 900 * p - 380 * p * p + 700 * k - 300 * k * k + 150 * n * p
    df["yield"] = np.round(mu + g.normal(0, 180, len(df)), 1)
    return df


# ---------------------------------------------------------------------------
# read_trials
# ---------------------------------------------------------------------------
CHINESE_CSV = (
    "处理,重复,产量(kg/亩),N,P2O5,K2O\n"
    "CK,1,1688.5,0,0,0\n"
    "NPK,1,3020.0,18,8,19\n"
    "减氮,1,3250.4,12,8,19\n"
)


def _read_file_case(filename: str, payload: bytes, **kw):
    def run(rec: Recorder) -> None:
        path = Path.cwd() / filename
        path.write_bytes(payload)
        rec.call("read_trials", fo.read_trials, path, **kw)
        rec.call("read_trials(str path)", fo.read_trials, str(path), **kw)

    return run


for _enc in ("utf-8", "utf-8-sig", "gbk", "gb18030"):
    add_case(f"io.csv.{_enc}", _read_file_case("trial.csv", CHINESE_CSV.encode(_enc)))
add_case(
    "io.csv.gbk_explicit_encoding",
    _read_file_case("t.csv", CHINESE_CSV.encode("gbk"), encoding="gbk"),
)
add_case(
    "io.error.csv_gbk_wrong_encoding",
    _read_file_case("t.csv", CHINESE_CSV.encode("gbk"), encoding="utf-8"),
)
add_case(
    "io.csv.labels_never_missing",
    _read_file_case("t.csv", b"trt,rep,yield\nNone,1,10\nNA,1,11\nCK,1,12\n0,1,13\nnan,1,\n"),
)
add_case(
    "io.error.csv_bad_cells_comma",
    _read_file_case("t.csv", b"trt,rep,yield\nA,1,10.5\nB,1,lost\nC,1,12\nD,1,1,234\n"),
)
add_case(
    "io.error.csv_bad_cells_semicolon",
    _read_file_case("t.csv", b"trt;rep;yield\nA;1;10.5\nB;1;lost\nC;1;12\n"),
)
add_case(
    "io.csv.bad_cells_not_strict",
    _read_file_case("t.csv", b"trt;rep;yield\nA;1;10.5\nB;1;lost\nC;1;12\n", strict=False),
)
add_case(
    "io.error.csv_decimal_comma_refused",
    _read_file_case("t.csv", b"trt;rep;yield\nA;1;10,5\nB;1;11,25\n"),
)
add_case(
    "io.csv.decimal_comma",
    _read_file_case("t.csv", b"trt;rep;yield\nA;1;10,5\nB;1;11,25\n", decimal=","),
)
add_case(
    "io.csv.tab",
    _read_file_case("t.tsv", b"Treatment\tRep\tYield (t/ha)\nCK\t1\t5.5\nN\t1\t7.25\n"),
)
add_case(
    "io.csv.explicit_columns",
    _read_file_case(
        "t.csv",
        b"trt,variety,yield,grain\nA,v1,10,5\nB,v1,11,6\n",
        columns={"grain": "yield", "yield": "straw"},
    ),
)
add_case(
    "io.error.csv_two_columns_one_role",
    _read_file_case("t.csv", "处理,treatment,产量\nA,1,10\nB,2,11\n".encode()),
)
add_case(
    "io.csv.units_header_convert",
    _read_file_case(
        "t.csv",
        "处理,重复,产量(kg/亩),N(kg/亩)\nCK,1,400,0\nN,1,520,12\n".encode(),
        convert={"yield": "kg/ha", "N": "kg/ha"},
    ),
)
add_case("io.error.csv_empty_file", _read_file_case("t.csv", b""))
add_case("io.error.csv_header_only", _read_file_case("t.csv", b"trt,rep,yield\n"))
add_case("io.error.csv_binary_garbage", _read_file_case("t.csv", bytes(range(256)) * 3))
add_case("io.error.unknown_extension", _read_file_case("t.json", b"{}"))


@case("io.frame.full_width_and_markers")
def _(rec):
    pd = _pd()
    raw = pd.DataFrame({"处理": ["A", "B", "C"], "产量": ["１２.５", "—", "13"]})
    rec.call("read_trials", fo.read_trials, raw)


@case("io.error.frame_decimal_comma_cells")
def _(rec):
    pd = _pd()
    raw = pd.DataFrame({"trt": ["A", "B"], "yield": ["10,5", "11,25"]})
    rec.call("read_trials", fo.read_trials, raw)
    rec.call("read_trials decimal=','", fo.read_trials, raw, decimal=",")


@case("io.error.frame_unknown_columns_mapping")
def _(rec):
    pd = _pd()
    raw = pd.DataFrame({"yield": [1.0], "trt": ["A"]})
    rec.call("read_trials", fo.read_trials, raw, columns={"yeild": "yield"})


@case("io.frame.unit_conversion")
def _(rec):
    pd = _pd()
    raw = pd.DataFrame({"trt": ["A", "B"], "yield": [100.0, 120.0]})
    rec.call(
        "kg/mu",
        fo.read_trials,
        raw,
        units={"yield": "kg/plot"},
        convert={"yield": "kg/mu"},
        plot_area=20,
    )
    rec.call(
        "t/ha",
        fo.read_trials,
        raw,
        units={"yield": "kg/plot"},
        convert={"yield": "t/ha"},
        plot_area=20,
    )
    rec.call(
        "no plot area", fo.read_trials, raw, units={"yield": "kg/plot"}, convert={"yield": "kg/ha"}
    )
    rec.call("unknown unit", fo.read_trials, raw, convert={"yield": "kg/ha"})
    rec.call("bad unit", fo.read_trials, raw, units={"yield": "bushel"}, convert={"yield": "kg/ha"})


@case("io.excel")
def _(rec):
    pd = _pd()
    raw = pd.DataFrame({"处理": ["CK", "NPK"], "区组": [1, 1], "亩产量": [1688.0, 3020.0]})
    path = Path.cwd() / "trial.xlsx"
    raw.to_excel(path, index=False)
    rec.call("read_trials", fo.read_trials, path)
    rec.call("read_trials sheet=0", fo.read_trials, path, sheet=0)
    rec.call("read_trials sheet='nope'", fo.read_trials, path, sheet="nope")


@case("io.error.excel_bad_cells")
def _(rec):
    pd = _pd()
    raw = pd.DataFrame({"trt": ["A", "B", "C"], "rep": [1, 1, 1], "yield": [10.0, "lost", "12,5"]})
    path = Path.cwd() / "trial.xlsx"
    raw.to_excel(path, index=False)
    rec.call("read_trials", fo.read_trials, path)
    rec.call("read_trials strict=False", fo.read_trials, path, strict=False)


@case("io.parquet")
def _(rec):
    pd = _pd()
    raw = pd.DataFrame({"Treatment": ["CK", "N"], "Rep": [1, 1], "Yield": [1.0, 2.0]})
    path = Path.cwd() / "trial.parquet"
    raw.to_parquet(path)
    rec.call("read_trials", fo.read_trials, path)


@case("io.error.missing_file_and_wrong_type")
def _(rec):
    rec.call("missing", fo.read_trials, Path.cwd() / "nope.csv")
    rec.call("int", fo.read_trials, 42)
    rec.call("None", fo.read_trials, None)


@case("io.read_then_anova")
def _(rec):
    rows = ["处理,重复,产量"]
    g = rng(0)
    for rep in (1, 2, 3):
        for trt, base in (
            ("CK", 1700),
            ("NPK", 3000),
            ("减氮", 3200),
            ("减磷", 2800),
            ("减钾", 2700),
        ):
            rows.append(f"{trt},{rep},{base + g.normal(0, 60):.1f}")
    path = Path.cwd() / "t.csv"
    path.write_bytes("\n".join(rows).encode("gbk"))
    df = rec.call("read_trials", fo.read_trials, path)
    rec.call("anova", fo.anova, df, response="yield", treatment="treatment", block="block")


# ---------------------------------------------------------------------------
# anova
# ---------------------------------------------------------------------------
def anova_followups(rec: Recorder, aov, plot: bool = False, errors: bool = False) -> None:
    if aov is None:
        return
    for t in aov.terms:
        rec.call(f"aov.term({t!r})", aov.term, t)
    if errors:
        rec.call("aov.term('nope')", aov.term, "nope")
    rec.call("aov.means()", aov.means)
    for f in aov.factors:
        rec.call(f"aov.means({f!r})", aov.means, f)
    if len(aov.factors) > 1:
        rec.call("aov.means(':'.join(factors[:2]))", aov.means, ":".join(aov.factors[:2]))
        rec.call("aov.means(list(factors))", aov.means, list(aov.factors))
    if aov.block is not None:
        rec.call("aov.means(block)", aov.means, aov.block)
    if errors:
        rec.call("aov.means('nope')", aov.means, "nope")
    if plot:
        rec.call("aov.plot_residuals()", aov.plot_residuals)
        rec.call(
            "plotting.plot_residuals(lang='zh')", lambda: fo.plotting.plot_residuals(aov, lang="zh")
        )


def anova_case(case_id: str, frame, plot: bool = False, **kw) -> None:
    def run(rec: Recorder) -> None:
        df = frame()
        aov = rec.call("anova", fo.anova, df, **kw)
        anova_followups(rec, aov, plot=plot, errors=plot)

    add_case(case_id, run)


def _dis_missing():
    dis = data("disease")
    return dis[~((dis["rep"] == 2) & (dis["trt"] == "T3"))]


def _dis_missing_responses():
    dis = data("disease")
    dis["yield"] = dis["yield"].astype(object)
    dis.loc[[0, 5], "yield"] = ["", "NA"]
    return dis


def _dis_bad_cells():
    dis = data("disease")
    dis["yield"] = dis["yield"].astype(object)
    dis.loc[3, "yield"] = "27,5"
    dis.loc[8, "yield"] = "lost"
    return dis


anova_case(
    "anova.crd.sweetpotato",
    lambda: data("sweetpotato"),
    plot=True,
    response="yield",
    treatment="virus",
)
anova_case(
    "anova.crd.corn_unbalanced", lambda: data("corn"), response="observation", treatment="method"
)
anova_case(
    "anova.crd.plantgrowth", lambda: data("plantgrowth"), response="weight", treatment="group"
)
for _t in (1, 2, 3):
    anova_case(
        f"anova.crd.corn_unbalanced.ss{_t}",
        lambda: data("corn"),
        response="observation",
        treatment="method",
        ss_type=_t,
    )
anova_case(
    "anova.rcbd.disease",
    lambda: data("disease"),
    plot=True,
    response="yield",
    treatment="trt",
    block="rep",
)
anova_case(
    "anova.rcbd.disease_shuffled",
    lambda: data("disease").sample(frac=1.0, random_state=3),
    response="yield",
    treatment="trt",
    block="rep",
)
anova_case("anova.rcbd.missing_plot", _dis_missing, response="yield", treatment="trt", block="rep")
for _t in (2, 3):
    anova_case(
        f"anova.rcbd.missing_plot.ss{_t}",
        _dis_missing,
        response="yield",
        treatment="trt",
        block="rep",
        ss_type=_t,
    )
anova_case(
    "anova.rcbd.missing_responses",
    _dis_missing_responses,
    response="yield",
    treatment="trt",
    block="rep",
)
anova_case(
    "anova.error.missing_responses_raise",
    _dis_missing_responses,
    response="yield",
    treatment="trt",
    block="rep",
    nan_policy="raise",
)
anova_case(
    "anova.rcbd.cotton",
    lambda: data("cotton"),
    response="yield",
    treatment="lineage",
    block="block",
)
anova_case(
    "anova.rcbd.minnesota",
    lambda: dataset("minnesota_2012"),
    response="yld_grain_dry_kgha",
    treatment="trt",
    block="rep",
)
anova_case(
    "anova.latin.melon",
    lambda: data("melon"),
    plot=True,
    response="yield",
    treatment="variety",
    row="row",
    column="col",
)
anova_case(
    "anova.latin.melon_missing",
    lambda: data("melon").drop(index=[5]),
    response="yield",
    treatment="variety",
    row="row",
    column="col",
)
anova_case(
    "anova.factorial2.chz2006",
    lambda: data("chz2006"),
    response="health",
    treatment=["amendment", "crop"],
    block="block",
)
for _t in (1, 2, 3, "II", "III"):
    anova_case(
        f"anova.factorial2.chz2006_unbalanced.ss{_t}",
        lambda: data("chz2006").drop(index=[1, 16, 29]),
        response="health",
        treatment=["amendment", "crop"],
        block="block",
        ss_type=_t,
    )
anova_case(
    "anova.factorial2.chz2006_crd",
    lambda: data("chz2006"),
    response="rot",
    treatment=["amendment", "crop"],
)
for _t in (1, 2, 3):
    anova_case(
        f"anova.factorial3.npk_block.ss{_t}",
        lambda: data("npk"),
        response="yield",
        treatment=["N", "P", "K"],
        block="block",
        ss_type=_t,
    )
for _t in ("I", "II", "III"):
    anova_case(
        f"anova.factorial3.npk_crd_unbalanced.ss{_t}",
        lambda: data("npk").drop(index=[2, 13]),
        response="yield",
        treatment=["N", "P", "K"],
        ss_type=_t,
    )
for _t in (1, 2, 3):
    anova_case(
        f"anova.factorial3.simulated.ss{_t}",
        npk_factorial_rcbd,
        response="yield",
        treatment=["N", "P", "K"],
        block="block",
        ss_type=_t,
    )
anova_case(
    "anova.splitplot.plots",
    lambda: data("splitplot"),
    plot=True,
    response="yield",
    main_plot="A",
    sub_plot="B",
    block="block",
)
anova_case(
    "anova.splitplot.oats",
    lambda: data("oats"),
    response="yield",
    main_plot="Variety",
    sub_plot="nitro",
    block="Block",
)
anova_case(
    "anova.error.splitplot_incomplete",
    lambda: data("splitplot").iloc[1:],
    response="yield",
    main_plot="A",
    sub_plot="B",
    block="block",
)
anova_case(
    "anova.error.splitplot_ss2",
    lambda: data("splitplot"),
    response="yield",
    main_plot="A",
    sub_plot="B",
    block="block",
    ss_type=2,
)
anova_case(
    "anova.error.splitplot_no_block",
    lambda: data("splitplot"),
    response="yield",
    main_plot="A",
    sub_plot="B",
)


def _frame(**cols):
    return lambda: _pd().DataFrame(cols)


anova_case(
    "anova.labels_like_missing",
    _frame(
        trt=["None", "NA", "CK", "0"] * 3,
        rep=[1] * 4 + [2] * 4 + [3] * 4,
        y=[10.0, 12, 15, 11, 10.5, 12.5, 14, 11.2, 9.8, 12.2, 15.5, 10.9],
    ),
    response="y",
    treatment="trt",
    block="rep",
)
anova_case(
    "anova.error.misspelled_response",
    lambda: data("disease"),
    response="yeild",
    treatment="trt",
    block="rep",
)
anova_case(
    "anova.error.misspelled_treatment",
    lambda: data("disease"),
    response="yield",
    treatment="treat",
    block="rep",
)
anova_case(
    "anova.error.non_numeric_response",
    _dis_bad_cells,
    response="yield",
    treatment="trt",
    block="rep",
)
anova_case(
    "anova.error.one_level", _frame(trt=["A"] * 4, y=[1.0, 2, 3, 4]), response="y", treatment="trt"
)
anova_case(
    "anova.error.zero_resid_df",
    _frame(trt=["A", "B", "C"], y=[1.0, 2, 4]),
    response="y",
    treatment="trt",
)
anova_case(
    "anova.error.constant", _frame(trt=["A", "B"] * 3, y=[5.0] * 6), response="y", treatment="trt"
)
anova_case(
    "anova.error.single_block",
    _frame(trt=list("ABCABC"), rep=[1] * 6, y=[1.0, 2, 3, 1.5, 2.5, 3.2]),
    response="y",
    treatment="trt",
    block="rep",
)
anova_case(
    "anova.error.block_is_plot_id",
    lambda: data("disease"),
    response="yield",
    treatment="trt",
    block="plots",
)
anova_case(
    "anova.warn.duplicated_plot",
    lambda: _pd().concat([data("disease"), data("disease").iloc[[0]]], ignore_index=True),
    response="yield",
    treatment="trt",
    block="rep",
)
anova_case(
    "anova.warn.perfect_fit",
    _frame(trt=["A", "B"] * 3, y=[1.0, 2.0] * 3),
    response="y",
    treatment="trt",
)
anova_case(
    "anova.error.missing_treatment_label",
    _frame(trt=["A", None, "B", "B"], y=[1.0, 2, 3, 4]),
    response="y",
    treatment="trt",
)
anova_case(
    "anova.error.ss_type4",
    lambda: data("sweetpotato"),
    response="yield",
    treatment="virus",
    ss_type=4,
)
anova_case(
    "anova.error.nan_policy",
    lambda: data("sweetpotato"),
    response="yield",
    treatment="virus",
    nan_policy="drop",
)
anova_case(
    "anova.error.treatment_and_main_plot",
    lambda: data("splitplot"),
    response="yield",
    treatment="A",
    main_plot="A",
    sub_plot="B",
    block="block",
)
anova_case(
    "anova.error.treatment_is_block",
    lambda: data("disease"),
    response="yield",
    treatment="trt",
    block="trt",
)
anova_case(
    "anova.two_plots_per_treatment",
    _frame(trt=list("AABBCC"), y=[1, 2, 3, 4.5, 6, 6.2]),
    response="y",
    treatment="trt",
)
anova_case("anova.error.no_treatment", lambda: data("disease"), response="yield")
anova_case("anova.error.not_a_frame", lambda: [[1, 2], [3, 4]], response="y", treatment="trt")
anova_case(
    "anova.error.four_factors",
    lambda: data("npk").assign(M=[0, 1] * 12),
    response="yield",
    treatment=["N", "P", "K", "M"],
)


# ---------------------------------------------------------------------------
# multiple comparisons
# ---------------------------------------------------------------------------
MC_DESIGNS = {
    "sweetpotato": dict(response="yield", treatment="virus"),
    "corn": dict(response="observation", treatment="method"),
    "disease": dict(response="yield", treatment="trt", block="rep"),
    "melon": dict(response="yield", treatment="variety", row="row", column="col"),
    "cotton": dict(response="yield", treatment="lineage", block="block"),
    "plantgrowth": dict(response="weight", treatment="group"),
    "chickwts": dict(response="weight", treatment="feed"),
    "chz2006": dict(response="health", treatment=["amendment", "crop"], block="block"),
    "splitplot": dict(response="yield", main_plot="A", sub_plot="B", block="block"),
    "oats": dict(response="yield", main_plot="Variety", sub_plot="nitro", block="Block"),
}
MC_CONTROLS = {
    "sweetpotato": "cc",
    "corn": 1,
    "disease": "T0",
    "melon": "V1",
    "cotton": 1,
    "plantgrowth": "ctrl",
    "chickwts": "horsebean",
}
MC_VARIANTS = {
    "duncan": ("duncan", {}),
    "duncan.stepdown": ("duncan", {"stepdown": True}),
    "duncan.kramer": ("duncan", {"replication": "kramer"}),
    "snk": ("snk", {}),
    "snk.stepdown": ("snk", {"stepdown": True}),
    "snk.kramer": ("snk", {"replication": "kramer"}),
    "tukey": ("tukey", {}),
    "tukey.harmonic": ("tukey", {"replication": "harmonic"}),
    "lsd": ("lsd", {}),
    "lsd.bonferroni": ("lsd", {"p_adjust": "bonferroni"}),
    "lsd.holm": ("lsd", {"p_adjust": "holm"}),
    "lsd.fdr_bh": ("lsd", {"p_adjust": "fdr_bh"}),
    "lsd.sidak": ("lsd", {"p_adjust": "sidak"}),
    "scheffe": ("scheffe", {}),
    "dunnett": ("dunnett", {}),
    "dunnett.greater": ("dunnett", {"alternative": "greater"}),
    "dunnett.less": ("dunnett", {"alternative": "less"}),
}
_AOV_CACHE: dict = {}


def mc_aov(name: str):
    """The ANOVA of a reference data set (recomputed per case, warnings silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fo.anova(data(name), **MC_DESIGNS[name])


def mc_case(case_id: str, dataset_name: str, test: str, plot: bool = False, **kw) -> None:
    def run(rec: Recorder) -> None:
        aov = mc_aov(dataset_name)
        opts = dict(kw)
        if test == "dunnett" and "control" not in opts:
            opts["control"] = MC_CONTROLS[dataset_name]
        mc = rec.call(
            f"{test}({', '.join(f'{k}={v!r}' for k, v in opts.items())})",
            getattr(fo, test),
            aov,
            **opts,
        )
        if mc is not None and plot:
            rec.call("mc.plot()", mc.plot)
            rec.call(
                "plot_means(kind='points', order='level', error='sd')",
                lambda: fo.plotting.plot_means(mc, kind="points", order="level", error="sd"),
            )
            rec.call(
                "plot_means(lang='zh', letters=False, error='none')",
                lambda: fo.plotting.plot_means(mc, lang="zh", letters=False, error="none"),
            )

    add_case(case_id, run)


for _ds in ("sweetpotato", "corn", "disease", "melon", "chickwts"):
    for _var, (_test, _kw) in MC_VARIANTS.items():
        mc_case(
            f"multcomp.{_ds}.{_var}",
            _ds,
            _test,
            plot=(_var in ("duncan", "dunnett") and _ds == "corn"),
            **_kw,
        )
for _ds in ("cotton", "plantgrowth"):
    for _var in ("duncan", "tukey", "lsd", "dunnett"):
        _test, _kw = MC_VARIANTS[_var]
        mc_case(f"multcomp.{_ds}.{_var}", _ds, _test, **_kw)
for _ds in ("sweetpotato", "disease", "corn"):
    mc_case(f"multcomp.{_ds}.duncan.capitals", _ds, "duncan", alpha_capitals=0.01)
    mc_case(f"multcomp.{_ds}.lsd.alpha10", _ds, "lsd", alpha=0.1)
mc_case("multcomp.disease.tukey.ascending", "disease", "tukey", descending=False)
mc_case("multcomp.disease.duncan.piepho", "disease", "duncan", letters="piepho")
mc_case("multcomp.corn.snk.piepho", "corn", "snk", letters="piepho")

# factorials: term= and within=
for _test in ("duncan", "lsd", "tukey", "snk", "scheffe"):
    mc_case(f"multcomp.chz2006.{_test}.term_amendment", "chz2006", _test, term="amendment")
    mc_case(f"multcomp.chz2006.{_test}.term_cells", "chz2006", _test, term="amendment:crop")
    mc_case(
        f"multcomp.chz2006.{_test}.within_crop", "chz2006", _test, term="amendment", within="crop"
    )
mc_case(
    "multcomp.chz2006.duncan.capitals", "chz2006", "duncan", term="amendment", alpha_capitals=0.01
)
mc_case(
    "multcomp.chz2006.error.capitals_too_big",
    "chz2006",
    "duncan",
    term="amendment",
    alpha_capitals=0.1,
)
mc_case("multcomp.chz2006.dunnett.term_crop", "chz2006", "dunnett", term="crop", control="Fallow")
mc_case("multcomp.chz2006.error.no_term", "chz2006", "duncan")
mc_case(
    "multcomp.chz2006.error.within_itself",
    "chz2006",
    "duncan",
    term="amendment",
    within="amendment",
)
mc_case("multcomp.chz2006.error.term_block", "chz2006", "duncan", term="block")
mc_case(
    "multcomp.chz2006.duncan.term_crop_within_amendment",
    "chz2006",
    "duncan",
    term="crop",
    within="amendment",
    plot=True,
)

# split-plots: error a, error b, combined (Satterthwaite)
for _ds, (_a, _b) in (("oats", ("Variety", "nitro")), ("splitplot", ("A", "B"))):
    for _test in ("lsd", "duncan", "tukey"):
        mc_case(f"multcomp.{_ds}.{_test}.main", _ds, _test, term=_a)
        mc_case(f"multcomp.{_ds}.{_test}.sub", _ds, _test, term=_b)
        mc_case(f"multcomp.{_ds}.{_test}.sub_within_main", _ds, _test, term=_b, within=_a)
        mc_case(f"multcomp.{_ds}.{_test}.main_within_sub", _ds, _test, term=_a, within=_b)
    mc_case(f"multcomp.{_ds}.error.interaction", _ds, "duncan", term=f"{_a}:{_b}")
mc_case("multcomp.oats.lsd.nitro_plot_level", "oats", "lsd", term="nitro", plot=True)
mc_case("multcomp.oats.dunnett.nitro", "oats", "dunnett", term="nitro", control="0")
mc_case("multcomp.oats.error.dunnett_control_float", "oats", "dunnett", term="nitro", control=0.0)


@case("multcomp.factorial.interaction_warning")
def _(rec):
    pd = _pd()
    g = rng(3)
    rows = []
    for block in range(3):
        for n in ("N0", "N1"):
            for p in ("P0", "P1"):
                effect = 5.0 if (n, p) == ("N1", "P1") else 0.0
                rows.append({"block": block, "N": n, "P": p, "y": 20 + effect + g.normal(0, 0.3)})
    aov = rec.call(
        "anova",
        fo.anova,
        pd.DataFrame(rows),
        response="y",
        treatment=["N", "P"],
        block="block",
        _full=False,
    )
    rec.call("lsd term=N", fo.lsd, aov, term="N")
    rec.call("lsd term=N within=P", fo.lsd, aov, term="N", within="P")
    rec.call("lsd term=N:P", fo.lsd, aov, term="N:P")


@case("multcomp.factorial3.slices")
def _(rec):
    pd = _pd()
    g = rng(11)
    rows = []
    for block in range(3):
        for n in ("N0", "N1", "N2"):
            for p in ("P0", "P1"):
                for k in ("K0", "K1"):
                    mu = 10 + 2 * ("N1", "N2").count(n) + 3 * (n == "N2") + (p == "P1")
                    rows.append(
                        {"block": block, "N": n, "P": p, "K": k, "y": mu + g.normal(0, 0.2)}
                    )
    aov = rec.call(
        "anova",
        fo.anova,
        pd.DataFrame(rows),
        response="y",
        treatment=["N", "P", "K"],
        block="block",
        _full=False,
    )
    rec.call("duncan term=N within=P:K", fo.duncan, aov, term="N", within="P:K")
    rec.call(
        "duncan term=N within=[P, K] piepho",
        fo.duncan,
        aov,
        term="N",
        within=["P", "K"],
        letters="piepho",
    )
    rec.call("tukey term=N:P:K", fo.tukey, aov, term="N:P:K")
    rec.call("snk term=K within=N", fo.snk, aov, term="K", within="N")


def _crd9():
    pd = _pd()
    return fo.anova(
        pd.DataFrame(
            {"trt": list("AAABBBCCC"), "y": [1.0, 1.2, 0.9, 2.0, 2.2, 2.1, 3.1, 2.9, 3.3]}
        ),
        response="y",
        treatment="trt",
    )


def mc_error_case(case_id: str, fn) -> None:
    def run(rec: Recorder) -> None:
        rec.call("call", fn)

    add_case(case_id, run)


mc_error_case("multcomp.error.unknown_control", lambda: fo.dunnett(_crd9(), control="CK"))
mc_error_case("multcomp.error.alpha5", lambda: fo.duncan(_crd9(), alpha=5))
mc_error_case("multcomp.error.alpha0", lambda: fo.lsd(_crd9(), alpha=0))
mc_error_case("multcomp.alpha_text_accepted", lambda: fo.tukey(_crd9(), alpha="0.05"))
mc_error_case("multcomp.error.term_not_in_anova", lambda: fo.tukey(_crd9(), term="N"))
mc_error_case("multcomp.error.p_adjust", lambda: fo.lsd(_crd9(), p_adjust="bonf"))
mc_error_case("multcomp.error.replication", lambda: fo.tukey(_crd9(), replication="mean"))
mc_error_case("multcomp.error.letters_method", lambda: fo.duncan(_crd9(), letters="abc"))
mc_error_case("multcomp.error.not_an_anova", lambda: fo.duncan(_pd().DataFrame({"y": [1, 2]})))
mc_error_case(
    "multcomp.error.dunnett_alternative", lambda: fo.dunnett(_crd9(), control="A", alternative="up")
)
mc_error_case("multcomp.error.unknown_keyword", lambda: fo.duncan(_crd9(), p_adjust="holm"))
mc_error_case(
    "multcomp.error.single_plot",
    lambda: fo.lsd(
        fo.anova(
            _pd().DataFrame({"trt": list("AAABBBC"), "y": [1.0, 1.2, 0.9, 2.0, 2.2, 2.1, 3.1]}),
            response="y",
            treatment="trt",
        )
    ),
)
mc_error_case(
    "multcomp.error.from_means_single_plot",
    lambda: fo.duncan_from_means(means=[1, 2, 3], n=[3, 1, 3], mse=1, df_resid=6),
)
mc_error_case(
    "multcomp.error.from_means_zero_df",
    lambda: fo.lsd_from_means(means=[1, 2], n=3, mse=1.0, df_resid=0),
)
mc_error_case(
    "multcomp.error.from_means_lengths",
    lambda: fo.duncan_from_means(means=[1, 2, 3], n=[3, 3], mse=1, df_resid=6),
)
mc_error_case(
    "multcomp.error.from_means_text",
    lambda: fo.duncan_from_means(means={"A": "x", "B": 2}, n=3, mse=1, df_resid=6),
)
mc_error_case(
    "multcomp.error.from_means_zero_mse",
    lambda: fo.duncan_from_means(means=[1, 2], n=3, mse=0.0, df_resid=6),
)
mc_error_case(
    "multcomp.error.from_means_dunnett_no_control",
    lambda: fo.dunnett_from_means(
        means={"CK": 1.0, "N": 2.0}, n=3, mse=1.0, df_resid=6, control="X"
    ),
)
mc_error_case(
    "multcomp.error.plot_kind", lambda: fo.plotting.plot_means(fo.duncan(_crd9()), kind="pie")
)

# from published tables of means
FROM_MEANS = {
    "duncan.sweetpotato": (
        "duncan_from_means",
        dict(means={"cc": 24.4, "fc": 12.87, "ff": 36.33, "oo": 36.9}, n=3, mse=22.57, df_resid=8),
    ),
    "duncan.T1_T4": (
        "duncan_from_means",
        dict(means={"T1": 20.1, "T2": 18.3, "T3": 15.0, "T4": 14.2}, n=4, mse=2.5, df_resid=12),
    ),
    "duncan.stepdown": (
        "duncan_from_means",
        dict(
            means={"T1": 20.1, "T2": 18.3, "T3": 15.0, "T4": 14.2},
            n=4,
            mse=2.5,
            df_resid=12,
            stepdown=True,
        ),
    ),
    "duncan.ties": (
        "duncan_from_means",
        dict(means={"b": 10.0, "a": 10.0, "c": 5.0}, n=4, mse=1.0, df_resid=9),
    ),
    "duncan.ascending": (
        "duncan_from_means",
        dict(means={"A": 5.0, "B": 9.0, "C": 20.0}, n=5, mse=1.0, df_resid=12, descending=False),
    ),
    "duncan.capitals": (
        "duncan_from_means",
        dict(
            means={"T1": 20.1, "T2": 18.3, "T3": 15.0, "T4": 14.2},
            n=4,
            mse=2.5,
            df_resid=12,
            alpha_capitals=0.01,
        ),
    ),
    "duncan.unequal_n_kramer": (
        "duncan_from_means",
        dict(
            means=[12.0, 14.5, 15.0, 19.0],
            n=[3, 4, 5, 3],
            mse=2.0,
            df_resid=11,
            replication="kramer",
        ),
    ),
    "snk.keppel_stepdown": (
        "snk_from_means",
        dict(
            means={"g1": 13.2, "g5": 12.3, "g4": 8.8, "g2": 8.7, "g3": 7.2},
            n=10,
            mse=12.68889,
            df_resid=45,
            stepdown=True,
        ),
    ),
    "snk.keppel": (
        "snk_from_means",
        dict(
            means={"g1": 13.2, "g5": 12.3, "g4": 8.8, "g2": 8.7, "g3": 7.2},
            n=10,
            mse=12.68889,
            df_resid=45,
        ),
    ),
    "tukey.keppel": (
        "tukey_from_means",
        dict(
            means={"g1": 13.2, "g5": 12.3, "g4": 8.8, "g2": 8.7, "g3": 7.2},
            n=10,
            mse=12.68889,
            df_resid=45,
        ),
    ),
    "tukey.plantgrowth": (
        "tukey_from_means",
        dict(means={"ctrl": 5.032, "trt1": 4.661, "trt2": 5.526}, n=10, mse=0.3886, df_resid=27),
    ),
    "tukey.harmonic_sd": (
        "tukey_from_means",
        dict(
            means=[5.0, 6.0, 7.5],
            n=[4, 5, 6],
            mse=0.9,
            df_resid=12,
            sd=[0.8, 1.0, 0.95],
            replication="harmonic",
        ),
    ),
    "lsd.L1": (
        "lsd_from_means",
        dict(
            means={"T1": 2.7, "T2": 1.8, "T3": 0.2, "T4": 0.1},
            n={"T1": 3, "T2": 5, "T3": 4, "T4": 2},
            mse=1.0,
            df_resid=10,
        ),
    ),
    "lsd.L2": (
        "lsd_from_means",
        dict(
            means={"T1": 2.2, "T2": 1.9, "T3": 1.8, "T4": 0.2},
            n={"T1": 4, "T2": 2, "T3": 4, "T4": 5},
            mse=1.0,
            df_resid=11,
        ),
    ),
    "lsd.balanced": ("lsd_from_means", dict(means=[10, 11, 14, 15], n=4, mse=1.0, df_resid=12)),
    "lsd.by_hand": ("lsd_from_means", dict(means={"A": 10.0, "B": 13.0}, n=4, mse=2.0, df_resid=6)),
    "lsd.sequence": (
        "lsd_from_means",
        dict(means=[30.1, 36.2, 31.0], n=[3, 3, 3], mse=1.8, df_resid=6),
    ),
    "scheffe.three": (
        "scheffe_from_means",
        dict(means=[10.0, 12.0, 15.0], n=5, mse=4.0, df_resid=12),
    ),
    "dunnett.CK": (
        "dunnett_from_means",
        dict(means={"CK": 10.0, "N1": 12.5, "N2": 15.0}, n=4, mse=2.0, df_resid=9, control="CK"),
    ),
    "dunnett.greater": (
        "dunnett_from_means",
        dict(
            means={"CK": 10.0, "N1": 12.5, "N2": 15.0, "N3": 9.0},
            n=4,
            mse=2.0,
            df_resid=12,
            control="CK",
            alternative="greater",
        ),
    ),
    "dunnett.capitals": (
        "dunnett_from_means",
        dict(
            means={"CK": 10.0, "N1": 12.5, "N2": 15.0, "N3": 9.0},
            n=[4, 4, 5, 3],
            mse=2.0,
            df_resid=12,
            control="CK",
            alpha_capitals=0.01,
        ),
    ),
}
for _name, (_fn, _kw) in FROM_MEANS.items():
    add_case(
        f"multcomp.from_means.{_name}",
        (lambda fn, kw: lambda rec: rec.call(fn, getattr(fo, fn), **kw))(_fn, _kw),
    )


@case("multcomp.from_means.series")
def _(rec):
    pd = _pd()
    s = pd.Series({"CK": 30.1, "NPK": 36.2, "PK": 31.0})
    rec.call(
        "lsd_from_means(Series)",
        fo.lsd_from_means,
        means=s,
        n=pd.Series({"PK": 3, "CK": 3, "NPK": 3}),
        mse=1.8,
        df_resid=6,
    )


# ---------------------------------------------------------------------------
# distributions
# ---------------------------------------------------------------------------
def dist_case(case_id: str, fn) -> None:
    add_case(case_id, lambda rec: rec.call("value", fn))


def _D():
    import fertopt.distributions as D

    return D


_SR_GRID = dict(
    q=[0.5, 1.0, 2.0, 3.0, 3.5, 4.0, 5.5, 8.0, 20.0],
    k=[2, 3, 5, 10, 20],
    df=[1, 2, 5, 12, 30, 120, float("inf")],
)


def _grid(fn):
    np = _np()
    q, k, df = np.meshgrid(_SR_GRID["q"], _SR_GRID["k"], _SR_GRID["df"], indexing="ij")
    return fn(q, k, df)


dist_case("distributions.srange_cdf_grid", lambda: _grid(_D().studentized_range_cdf))
dist_case("distributions.srange_sf_grid", lambda: _grid(_D().studentized_range_sf))
dist_case("distributions.srange_pdf_grid", lambda: _grid(_D().studentized_range_pdf))
dist_case(
    "distributions.srange_ppf_grid",
    lambda: _D().studentized_range_ppf(
        _np().array([[0.5], [0.9], [0.95], [0.99], [0.999]]), _np().array([2, 3, 4, 6, 10, 20]), 20
    ),
)
dist_case(
    "distributions.srange_ppf_df",
    lambda: [
        _D().studentized_range_ppf(p, k, df)
        for p in (0.95, 0.99)
        for k in (2, 5, 14)
        for df in (1, 2, 3, 7.5, 26, 1e7, float("inf"))
    ],
)
dist_case(
    "distributions.srange_scalar_types",
    lambda: [
        type(_D().studentized_range_cdf(3.0, 3, 10)).__name__,
        _D().studentized_range_cdf(3.0, 3, 10),
        _D().studentized_range_ppf(0.95, 3, 10),
        type(_D().studentized_range_ppf(0.95, 3, 10)).__name__,
    ],
)
dist_case(
    "distributions.duncan_critical_values",
    lambda: {
        (k, df, a): _D().duncan_critical_values(k, df, a)
        for k in (2, 4, 8, 14)
        for df in (3, 12, 26, 120)
        for a in (0.05, 0.01)
    },
)
dist_case(
    "distributions.snk_critical_values",
    lambda: {
        (k, df, a): _D().snk_critical_values(k, df, a)
        for k in (2, 5, 9)
        for df in (4, 45)
        for a in (0.05, 0.01)
    },
)
dist_case(
    "distributions.tukey_critical_value",
    lambda: {
        (k, df, a): _D().tukey_critical_value(k, df, a)
        for k in (2, 5, 9)
        for df in (4, 45, 1000)
        for a in (0.05, 0.1)
    },
)
dist_case(
    "distributions.duncan_protection",
    lambda: {(k, a): _D().duncan_protection(k, a) for k in (2, 4, 10) for a in (0.05, 0.01, 0.1)},
)
dist_case(
    "distributions.dunnett_sf",
    lambda: {
        alt: _D().dunnett_sf(
            _np().array([-3.0, -1.0, 0.0, 1.5, 2.5, 4.0]),
            n=[4, 4, 4],
            n_control=4,
            df=12,
            alternative=alt,
        )
        for alt in ("two-sided", "greater", "less")
    },
)
dist_case(
    "distributions.dunnett_sf_unequal",
    lambda: _D().dunnett_sf(_np().array([1.0, 2.0, 2.8]), n=[3, 5, 6, 4], n_control=7, df=19),
)
dist_case(
    "distributions.dunnett_cdf",
    lambda: {
        alt: _D().dunnett_cdf(
            _np().linspace(0.0, 4.0, 9), n=[6, 6, 6], n_control=6, df=20, alternative=alt
        )
        for alt in ("two-sided", "greater", "less")
    },
)
dist_case(
    "distributions.dunnett_ppf",
    lambda: {
        (p, alt, tuple(n), nc, df): _D().dunnett_ppf(p, n=n, n_control=nc, df=df, alternative=alt)
        for p in (0.95, 0.99)
        for alt in ("two-sided", "greater")
        for (n, nc, df) in (([4, 4, 4], 4, 12), ([5], 5, 9), ([3, 6, 9, 4, 5], 6, 27))
    },
)


@case("distributions.cache")
def _(rec):
    D = _D()
    D.clear_cache()
    rec.call("cache_info after clear", D.cache_info)
    rec.call("duncan_critical_values(14, 26)", D.duncan_critical_values, 14, 26, 0.05)
    rec.call("cache_info", D.cache_info)
    rec.call("again", D.duncan_critical_values, 14, 26, 0.05)
    rec.call("cache_info again", D.cache_info)
    np = _np()
    spans = np.arange(2, 15)
    rec.call("ppf of spans", D.studentized_range_ppf, 0.95 ** (spans - 1.0), spans, 26)
    rec.call("cache_info spans", D.cache_info)
    rec.call(
        "same object",
        lambda: D.duncan_critical_values(14, 26, 0.05) is D.duncan_critical_values(14, 26, 0.05),
    )
    D.clear_cache()


for _i, (_fn, _args, _kw) in enumerate(
    [
        ("studentized_range_ppf", (1.2, 3, 10), {}),
        ("studentized_range_ppf", (0.95, 1, 10), {}),
        ("studentized_range_cdf", (3.0, 3.5, 10), {}),
        ("studentized_range_sf", (3.0, 3, 0), {}),
        ("studentized_range_cdf", ("x", 3, 10), {}),
        ("dunnett_ppf", (0.95,), dict(n=[4], n_control=0, df=10)),
        ("dunnett_sf", (2.0,), dict(n=[4], n_control=4, df=10, alternative="up")),
        ("duncan_critical_values", (1, 10, 0.05), {}),
        ("tukey_critical_value", (3, 10, 1.5), {}),
    ]
):
    add_case(
        f"distributions.error.{_i:02d}.{_fn}",
        (lambda fn, a, kw: lambda rec: rec.call(fn, lambda: getattr(_D(), fn)(*a, **kw)))(
            _fn, _args, _kw
        ),
    )


# ---------------------------------------------------------------------------
# response models and economics
# ---------------------------------------------------------------------------
MODELS = (
    "linear",
    "quadratic",
    "square_root",
    "linear_plateau",
    "quadratic_plateau",
    "mitscherlich",
)
MN_UNITS = {"response": "kg/ha", "rate": "kg/ha"}


def mn_prices():
    return fo.Prices(crop=0.157, N=0.88, currency="USD")


def bach_prices():
    return fo.Prices(crop=110, crop_unit="t", N=0.60, currency="EUR")


def chestnut_prices():
    return fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4, currency="yuan")


RESPONSE_SETS = {
    # name -> (data, fit_response keywords, prices, rates to predict)
    "minnesota": (
        lambda: dataset("minnesota_2012"),
        dict(
            response="yld_grain_dry_kgha", rate="rate_n_applied_kgha", nutrient="N", units=MN_UNITS
        ),
        mn_prices,
        [0.0, 50.0, 112.5, 200.0, 300.0],
    ),
    "minnesota_block": (
        lambda: dataset("minnesota_2012"),
        dict(response="yld_grain_dry_kgha", rate="rate_n_applied_kgha", block="rep"),
        mn_prices,
        [0.0, 100.0, 235.379],
    ),
    "bachmaier_low": (
        lambda: dataset("bachmaier_nitrogen").query("zone == 'low'"),
        dict(
            response="yield",
            rate="nitro",
            nutrient="N",
            units={"response": "t/ha", "rate": "kg/ha"},
        ),
        bach_prices,
        [0.0, 60.0, 125.0],
    ),
    "bachmaier_high": (
        lambda: dataset("bachmaier_nitrogen").query("zone == 'high'"),
        dict(response="yield", rate="nitro"),
        bach_prices,
        [0.0, 60.0, 125.0],
    ),
}


def optimum_followups(
    rec: Recorder,
    fit,
    prices,
    ci_methods=("delta", "fieller", "profile", "bootstrap"),
    plot: bool = False,
) -> None:
    opt = rec.call("fit.optimum()", fit.optimum)
    if plot and opt is not None:
        rec.call("agronomic optimum .plot()", opt.plot)
    rec.call("fit.optimum(prices)", fit.optimum, prices=prices)
    rec.call("fit.optimum(prices, ci=None)", fit.optimum, prices=prices, ci=None, _full=False)
    for ci in ci_methods:
        if ci == "bootstrap":
            rec.call(
                "fit.optimum(prices, ci='bootstrap', n_boot=25, rng=11)",
                fit.optimum,
                prices=prices,
                ci="bootstrap",
                n_boot=25,
                rng=11,
            )
        else:
            rec.call(
                f"fit.optimum(prices, ci={ci!r}, confidence_level=0.9)",
                fit.optimum,
                prices=prices,
                ci=ci,
                confidence_level=0.9,
            )
    rec.call(
        "fit.optimum(price_ratio=(5.6, 'kg/kg'))",
        fit.optimum,
        price_ratio=(5.6, "kg/kg"),
        _full=False,
    )


def response_case(
    case_id: str, set_name: str, model: str, plot: bool = False, deep: bool = True
) -> None:
    frame, kw, prices, rates = RESPONSE_SETS[set_name]

    def run(rec: Recorder) -> None:
        fit = rec.call("fit_response", fo.fit_response, frame(), model=model, **kw)
        if fit is None:
            return
        rec.call("fit.estimates", lambda: fit.estimates)
        rec.call("fit.predict(rates)", fit.predict, rates)
        rec.call(
            "fit.predict(rates, interval='confidence')", fit.predict, rates, interval="confidence"
        )
        rec.call(
            "fit.predict(rates, interval='prediction', confidence_level=0.9)",
            fit.predict,
            rates,
            interval="prediction",
            confidence_level=0.9,
        )
        if deep:
            optimum_followups(rec, fit, prices(), plot=plot)
            rec.call("fit.net_return_curve(prices)", fit.net_return_curve, prices=prices())
            rec.call(
                "fit.price_sensitivity(prices, crop=.., nutrient_prices=..)",
                fit.price_sensitivity,
                prices=prices(),
                crop=[prices().crop * 0.8, prices().crop * 1.2],
                nutrient_prices=[prices().nutrient_price("N"), 2 * prices().nutrient_price("N")],
            )
        if plot:
            rec.call("fit.plot()", fit.plot)
            rec.call(
                "plot_response(prices, lang='zh')",
                lambda: fo.plotting.plot_response(fit, prices=prices(), lang="zh"),
            )

    add_case(case_id, run)


for _m in MODELS:
    response_case(
        f"response.minnesota.{_m}", "minnesota", _m, plot=_m in ("quadratic", "quadratic_plateau")
    )
    response_case(f"response.bachmaier_low.{_m}", "bachmaier_low", _m)
    response_case(f"response.bachmaier_high.{_m}", "bachmaier_high", _m, deep=False)
for _m in ("quadratic", "linear_plateau"):
    response_case(f"response.minnesota_block.{_m}", "minnesota_block", _m, deep=False)


@case("response.bootstrap_kinds")
def _(rec):
    fit = fo.fit_response(
        dataset("minnesota_2012"), model="quadratic", **RESPONSE_SETS["minnesota"][1]
    )
    for kind in ("residual", "case", "wild"):
        rec.call(
            f"bootstrap={kind!r}",
            fit.optimum,
            prices=mn_prices(),
            ci="bootstrap",
            n_boot=20,
            rng=5,
            bootstrap=kind,
        )
    g = rng(3)
    rec.call(
        "rng=Generator",
        fit.optimum,
        prices=mn_prices(),
        ci="bootstrap",
        n_boot=20,
        rng=g,
        _full=False,
    )
    rec.call(
        "bootstrap='jackknife'",
        fit.optimum,
        prices=mn_prices(),
        ci="bootstrap",
        n_boot=20,
        rng=5,
        bootstrap="jackknife",
    )


@case("response.economics_functions")
def _(rec):
    import fertopt.economics as E

    fit = fo.fit_response(
        dataset("minnesota_2012"), model="quadratic", **RESPONSE_SETS["minnesota"][1]
    )
    rec.call("economics.CI_METHODS", lambda: E.CI_METHODS)
    rec.call("economics.BOOTSTRAP_TYPES", lambda: E.BOOTSTRAP_TYPES)
    rec.call("economics.optimum(fit, prices)", E.optimum, fit, prices=mn_prices(), ci="profile")
    rec.call(
        "economics.net_return_curve(fit, price_ratio=5.6, rates=[0, 100])",
        E.net_return_curve,
        fit,
        price_ratio=5.6,
        rates=[0.0, 100.0],
    )
    rec.call("net_return_curve within=5", E.net_return_curve, fit, prices=mn_prices(), within=5.0)
    rec.call("net_return_curve no prices", E.net_return_curve, fit)
    rec.call("price_sensitivity default", E.price_sensitivity, fit, prices=mn_prices())
    rec.call("price_sensitivity ratios", E.price_sensitivity, fit, price_ratios=[2.0, 5.6, 11.2])
    rec.call("price_sensitivity ci", E.price_sensitivity, fit, price_ratios=[2.0, 5.6], ci="delta")
    curve = rec.call("curve for plot", E.net_return_curve, fit, prices=mn_prices(), _full=False)
    if curve is not None and hasattr(curve, "plot"):
        rec.call("curve.plot()", curve.plot)
    rec.call(
        "plotting.plot_net_return(fit, prices)",
        lambda: fo.plotting.plot_net_return(fit, prices=mn_prices()),
    )


@case("response.error.optimum_arguments")
def _(rec):
    fit = fo.fit_response(
        dataset("minnesota_2012"), model="quadratic", **RESPONSE_SETS["minnesota"][1]
    )
    for bad in (0, -1.0, float("nan"), "cheap"):
        rec.call(f"price_ratio={bad!r}", fit.optimum, price_ratio=bad)
    rec.call("prices and ratio", fit.optimum, prices=mn_prices(), price_ratio=5.6)
    rec.call("prices dict", fit.optimum, prices={"crop": 0.157, "N": 0.88})
    rec.call("no price for N", fit.optimum, prices=fo.Prices(crop=0.157, K2O=0.5))
    rec.call("ci='wald'", fit.optimum, prices=mn_prices(), ci="wald")
    rec.call("confidence_level=95", fit.optimum, confidence_level=95)
    rec.call("price_ratio=200 (at bound)", fit.optimum, price_ratio=200.0)
    rec.call(
        "ratios",
        lambda: [fit.optimum(price_ratio=r, ci=None).rate for r in (20.0, 10.0, 5.0, 1.0, 1e-6)],
    )
    rec.call("predict([-5])", fit.predict, [-5.0])
    rec.call("predict([nan])", fit.predict, [float("nan")])
    rec.call("predict interval='both'", fit.predict, [1.0], interval="both")


@case("response.compare_models.minnesota")
def _(rec):
    cmp = rec.call(
        "compare_models",
        fo.compare_models,
        dataset("minnesota_2012"),
        response="yld_grain_dry_kgha",
        rate="rate_n_applied_kgha",
    )
    if cmp is None:
        return
    rec.call("best()", lambda: repr(cmp.best()))
    rec.call("best('bic')", lambda: repr(cmp.best("bic")))
    rec.call("best('r2')", cmp.best, "r2")
    rec.call(
        "optima(prices, ci='fieller')",
        cmp.optima,
        prices=fo.Prices(crop=0.157, N=0.88),
        ci="fieller",
    )
    rec.call("optima()", cmp.optima)
    rec.call(
        "optima(price_ratio=(5.6, 'kg/kg'), ci='delta')",
        cmp.optima,
        price_ratio=(5.6, "kg/kg"),
        ci="delta",
    )
    rec.call("fits", lambda: {k: repr(v) for k, v in cmp.fits.items()})
    if hasattr(cmp, "plot"):
        rec.call("cmp.plot()", cmp.plot)


@case("response.compare_models.failures")
def _(rec):
    np, pd = _np(), _pd()
    x = np.repeat([0.0, 50, 100], 2)
    y = 3 + 0.02 * x + np.tile([0.1, -0.1], 3)
    rec.call(
        "compare_models", fo.compare_models, pd.DataFrame({"N": x, "y": y}), response="y", rate="N"
    )


@case("response.compare_models.bachmaier_subset")
def _(rec):
    rec.call(
        "compare_models",
        fo.compare_models,
        dataset("bachmaier_nitrogen").query("zone == 'low'"),
        response="yield",
        rate="nitro",
        models=["quadratic", "linear_plateau", "mitscherlich"],
        units={"response": "t/ha", "rate": "kg/ha"},
        nutrient="N",
        confidence_level=0.9,
    )
    rec.call(
        "compare_models bad model",
        fo.compare_models,
        dataset("bachmaier_nitrogen"),
        response="yield",
        rate="nitro",
        models=["quadratik"],
    )


def _true_curve_frame(model):
    np, pd = _np(), _pd()
    theta = {
        "linear": lambda x: 5.0 + 0.02 * x,
        "quadratic": lambda x: 5.0 + 0.04 * x - 0.0001 * x * x,
        "square_root": lambda x: 5.0 + 0.3 * np.sqrt(x) - 0.005 * x,
        "linear_plateau": lambda x: 5.0 + 0.03 * np.minimum(x, 110.0),
        "quadratic_plateau": lambda x: np.where(
            x < 150, 5.0 + 0.05 * x - 0.05 / 300 * x * x, 5.0 + 0.05 * 75
        ),
        "mitscherlich": lambda x: 9.0 - (9.0 - 4.0) * np.exp(-0.015 * x),
    }[model]
    x = np.repeat([0.0, 30, 60, 90, 120, 180, 240], 3)
    noise = np.tile([0.05, -0.05, 0.0], 7) + rng(len(model)).normal(0, 0.1, 21)
    return pd.DataFrame({"x": x, "y": theta(x) + noise})


for _m in MODELS:
    add_case(
        f"response.synthetic.{_m}",
        (
            lambda m: (
                lambda rec: (
                    lambda fit: (
                        fit is not None
                        and (
                            rec.call("optimum()", fit.optimum, _full=False),
                            rec.call(
                                "optimum(price_ratio=0.002, ci='delta')",
                                fit.optimum,
                                price_ratio=0.002,
                                ci="delta",
                                _full=False,
                            ),
                        )
                    )
                )(
                    rec.call(
                        "fit_response",
                        fo.fit_response,
                        _true_curve_frame(m),
                        response="y",
                        rate="x",
                        model=m,
                    )
                )
            )
        )(_m),
    )


def _small():
    return _pd().DataFrame({"N": [0, 0, 60, 60, 120, 120], "yield": [5.0, 5.2, 6.8, 7.0, 7.5, 7.3]})


def _resp_err(case_id, fn):
    add_case(case_id, lambda rec: rec.call("call", fn))


_resp_err(
    "response.error.negative_rate",
    lambda: fo.fit_response(
        _small().assign(N=[0, 0, 60, -60, 120, 120]), response="yield", rate="N"
    ),
)
_resp_err(
    "response.error.single_rate",
    lambda: fo.fit_response(_small().assign(N=60), response="yield", rate="N"),
)
_resp_err(
    "response.error.equal_yields",
    lambda: fo.fit_response(_small().assign(**{"yield": 6.0}), response="yield", rate="N"),
)
_resp_err(
    "response.error.too_few_rates",
    lambda: fo.fit_response(
        _small().query("N < 100"), response="yield", rate="N", model="quadratic"
    ),
)
_resp_err(
    "response.mitscherlich_three_rates",
    lambda: fo.fit_response(_small(), response="yield", rate="N", model="mitscherlich"),
)
_resp_err(
    "response.error.no_resid_df",
    lambda: fo.fit_response(
        _pd().DataFrame({"N": [0, 60, 120], "yield": [5.0, 7.0, 7.5]}), response="yield", rate="N"
    ),
)
_resp_err(
    "response.error.misspelled_column",
    lambda: fo.fit_response(_small(), response="yeild", rate="N"),
)
_resp_err(
    "response.error.misspelled_rate", lambda: fo.fit_response(_small(), response="yield", rate="n")
)
_resp_err(
    "response.error.misspelled_model",
    lambda: fo.fit_response(_small(), response="yield", rate="N", model="cubic"),
)
_resp_err(
    "response.error.misspelled_model2",
    lambda: fo.fit_response(_small(), response="yield", rate="N", model="quadratic-plateau"),
)
_resp_err(
    "response.error.text_in_rates",
    lambda: fo.fit_response(
        _small().assign(N=["0", "0", "sixty", "60", "120", "120"]), response="yield", rate="N"
    ),
)
_resp_err(
    "response.error.units_key",
    lambda: fo.fit_response(_small(), response="yield", rate="N", units={"yld": "t/ha"}),
)
_resp_err(
    "response.error.units_form",
    lambda: fo.fit_response(_small(), response="yield", rate="N", units={"response": "tonnes"}),
)
_resp_err(
    "response.error.nutrient",
    lambda: fo.fit_response(_small(), response="yield", rate="N", nutrient="urea"),
)
_resp_err(
    "response.error.confidence_level",
    lambda: fo.fit_response(_small(), response="yield", rate="N", confidence_level=1.5),
)
_resp_err(
    "response.error.errors_option",
    lambda: fo.fit_response(_small(), response="yield", rate="N", errors="ignore"),
)
_resp_err(
    "response.error.block_single_level",
    lambda: fo.fit_response(
        dataset("minnesota_2012").assign(rep=1),
        block="rep",
        response="yld_grain_dry_kgha",
        rate="rate_n_applied_kgha",
    ),
)
_resp_err(
    "response.error.block_is_plot",
    lambda: fo.fit_response(
        dataset("minnesota_2012"),
        block="plot",
        response="yld_grain_dry_kgha",
        rate="rate_n_applied_kgha",
    ),
)


@case("response.units_from_read_trials")
def _(rec):
    df = fo.read_trials(_small().rename(columns={"yield": "yield (t/ha)", "N": "N (kg/ha)"}))
    fit = rec.call("fit_response", fo.fit_response, df, response="yield", rate="N")
    if fit is not None:
        rec.call("optimum(prices t)", fit.optimum, prices=fo.Prices(crop=150, crop_unit="t", N=1.1))


@case("response.missing_values")
def _(rec):
    np = _np()
    df = _small().astype({"yield": float})
    df.loc[3, "yield"] = np.nan
    rec.call("omit", fo.fit_response, df, response="yield", rate="N")
    rec.call("raise", fo.fit_response, df, response="yield", rate="N", nan_policy="raise")


@case("response.confounded_series")
def _(rec):
    pd = _pd()
    df = pd.DataFrame(
        {
            "P2O5": [0, 0, 4, 4, 8, 8, 0, 0],
            "N": [18] * 6 + [0, 0],
            "K2O": [19] * 6 + [0, 0],
            "yield": [2600, 2650, 3000, 3050, 3150, 3100, 1690, 1700],
        }
    )
    rec.call("fit P2O5", fo.fit_response, df, response="yield", rate="P2O5")
    rec.call(
        "fit P2O5 formula only",
        fo.fit_response,
        df[df.N == 18],
        response="yield",
        rate="P2O5",
        _full=False,
    )
    rec.call(
        "fit P2O5 other_rates=[]",
        fo.fit_response,
        df,
        response="yield",
        rate="P2O5",
        other_rates=[],
        _full=False,
    )


@case("response.error.convergence")
def _(rec):
    np, pd = _np(), _pd()
    x = np.repeat([0.0, 50, 100, 150], 2)
    df = pd.DataFrame({"N": x, "y": 3 + 0.02 * x + np.tile([0.1, -0.1], 4)})
    rec.call(
        "linear_plateau raise", fo.fit_response, df, response="y", rate="N", model="linear_plateau"
    )
    fit = rec.call(
        "linear_plateau return",
        fo.fit_response,
        df,
        response="y",
        rate="N",
        model="linear_plateau",
        errors="return",
    )
    if fit is not None:
        rec.call("optimum()", fit.optimum)
        rec.call("predict([1.0])", fit.predict, [1.0])
    x = np.repeat([0.0, 50, 100, 150, 200], 2)
    df = pd.DataFrame({"N": x, "y": np.where(x > 0, 8.0, 5.0) + np.tile([0.1, -0.1], 5)})
    for model in ("linear_plateau", "quadratic_plateau"):
        rec.call(f"{model} early plateau", fo.fit_response, df, response="y", rate="N", model=model)
    df = pd.DataFrame({"N": x, "y": 3 + 0.01 * x + np.tile([0.1, -0.1], 5)})
    rec.call(
        "mitscherlich straight line",
        fo.fit_response,
        df,
        response="y",
        rate="N",
        model="mitscherlich",
    )


@case("response.optimum_statuses")
def _(rec):
    np, pd = _np(), _pd()
    x = np.repeat([0.0, 50, 100, 150, 200], 3)
    y = (
        5
        + 0.02 * x
        - 0.00002 * x * x
        + np.tile([1.0, -1.2, 0.3], 5) * np.repeat([1, -1, 1, -1, 1], 3)
    )
    fit = fo.fit_response(pd.DataFrame({"N": x, "y": y}), response="y", rate="N")
    rec.call("unbounded fieller", fit.optimum, ci="fieller")
    rec.call("unbounded profile", fit.optimum, ci="profile")
    x = np.repeat([0.0, 50, 100], 2)
    lin = fo.fit_response(
        pd.DataFrame({"N": x, "y": 3 + 0.02 * x + np.tile([0.1, -0.1], 3)}),
        response="y",
        rate="N",
        model="linear",
        units=MN_UNITS,
    )
    rec.call("linear optimum()", lin.optimum)
    rec.call("linear price_ratio=0.01", lin.optimum, price_ratio=0.01, _full=False)
    rec.call("linear price_ratio=0.05", lin.optimum, price_ratio=0.05, _full=False)


# published coefficients
def _chestnut(equation: str, hi: float, nutrient: str, **kw):
    coefs = {
        "P": {"intercept": 1688.9, "linear": 328.69, "quadratic": -18.052},
        "K": {"intercept": 1689.3, "linear": 13.338, "quadratic": 3.2568},
    }[equation]
    return fo.response_from_coefficients(
        "quadratic",
        rate_range=(0, hi),
        nutrient=nutrient,
        units={"response": "kg/mu", "rate": "kg/mu"},
        **coefs,
        **kw,
    )


@case("response.coefficients.chestnut_P")
def _(rec):
    p = rec.call("response_from_coefficients", _chestnut, "P", 8, "P2O5")
    rec.call("optimum()", p.optimum)
    rec.call("optimum(prices)", p.optimum, prices=chestnut_prices())
    rec.call(
        "optimum(prices) wider range",
        lambda: _chestnut("P", 10, "P2O5").optimum(prices=chestnut_prices()),
    )
    rec.call("ci='delta'", p.optimum, prices=chestnut_prices(), ci="delta")
    rec.call("ci='profile'", p.optimum, prices=chestnut_prices(), ci="profile")
    rec.call("predict([4.0])", p.predict, [4.0])
    rec.call("predict confidence", p.predict, [4.0], interval="confidence")
    rec.call("net_return_curve", p.net_return_curve, prices=chestnut_prices())
    rec.call("plot", p.plot)


@case("response.coefficients.chestnut_K_convex")
def _(rec):
    k = rec.call("response_from_coefficients", _chestnut, "K", 19, "K2O")
    rec.call("optimum()", k.optimum)
    rec.call("optimum(prices)", k.optimum, prices=chestnut_prices())


@case("response.coefficients.vcov")
def _(rec):
    np = _np()
    fit = rec.call(
        "response_from_coefficients vcov",
        fo.response_from_coefficients,
        "quadratic",
        intercept=1688.9,
        linear=328.69,
        quadratic=-18.052,
        rate_range=(0, 10),
        nutrient="P2O5",
        vcov=np.diag([100.0, 4.0, 0.04]),
        df_resid=10,
    )
    rec.call("optimum delta", fit.optimum, prices=chestnut_prices(), ci="delta")
    rec.call("optimum fieller", fit.optimum, prices=chestnut_prices(), ci="fieller")
    rec.call("predict confidence", fit.predict, [2.0, 4.0], interval="confidence")
    rec.call("predict prediction", fit.predict, [2.0], interval="prediction")
    fit = rec.call(
        "with sigma",
        fo.response_from_coefficients,
        "quadratic",
        intercept=1688.9,
        linear=328.69,
        quadratic=-18.052,
        rate_range=(0, 10),
        nutrient="P2O5",
        vcov=np.diag([100.0, 4.0, 0.04]),
        sigma=40.0,
        df_resid=10,
        _full=False,
    )
    rec.call("predict prediction sigma", fit.predict, [2.0], interval="prediction")


@case("response.coefficients.models")
def _(rec):
    kg = {"response": "kg/ha", "rate": "kg/ha"}
    specs = {
        "linear": dict(intercept=5000, slope=10.0),
        "linear_plateau": dict(intercept=5000, slope=30.0, join=120.0),
        "quadratic_plateau": dict(intercept=5000, linear=40.0, join=150.0),
        "mitscherlich": dict(asymptote=9000, rate=0.015, shift=-20.0),
        "square_root": dict(intercept=5000, sqrt=300.0, linear=-8.0),
    }
    for model, coefs in specs.items():
        fit = rec.call(
            model,
            fo.response_from_coefficients,
            model,
            rate_range=(0, 240),
            nutrient="N",
            units=kg,
            **coefs,
        )
        if fit is not None:
            rec.call(f"{model} optimum()", fit.optimum, _full=False)
            rec.call(f"{model} optimum(prices)", fit.optimum, prices=mn_prices(), _full=False)
            rec.call(f"{model} predict", fit.predict, [0.0, 100.0, 240.0])


@case("response.error.coefficients")
def _(rec):
    rec.call(
        "wrong names",
        fo.response_from_coefficients,
        "quadratic",
        intercept=1688.9,
        linear=328.69,
        a=-18.05,
        rate_range=(0, 8),
    )
    rec.call(
        "rate_range reversed",
        fo.response_from_coefficients,
        "linear",
        intercept=1,
        slope=2,
        rate_range=(8, 0),
    )
    rec.call(
        "unknown model", fo.response_from_coefficients, "cubic", intercept=1, rate_range=(0, 8)
    )
    fit = fo.response_from_coefficients(
        "quadratic", intercept=1688.9, linear=328.69, quadratic=-18.052, rate_range=(0, 10)
    )
    rec.call("which nutrient", fit.optimum, prices=chestnut_prices())
    rec.call("bare ratio", fit.optimum, price_ratio=1.67)
    rec.call("ratio pair", fit.optimum, price_ratio=(1.67, "kg/kg"))
    rec.call(
        "below range",
        lambda: fo.response_from_coefficients(
            "quadratic",
            intercept=5,
            linear=0.05,
            quadratic=-0.001,
            rate_range=(40, 200),
            nutrient="N",
        ).optimum(),
    )
    fit = fo.response_from_coefficients(
        "quadratic",
        intercept=5.0,
        linear=0.04,
        quadratic=-0.0001,
        rate_range=(0, 300),
        nutrient="N",
        units={"response": "t/ha", "rate": "kg/ha"},
    )
    rec.call("pair converted", fit.optimum, price_ratio=(5.0, "kg/kg"), _full=False)
    rec.call("bare in data units", fit.optimum, price_ratio=0.005, _full=False)


@case("response.pool_sites")
def _(rec):
    bach = dataset("bachmaier_nitrogen")
    fits = {}
    for zone in ("low", "high"):
        fits[zone] = fo.fit_response(
            bach[bach.zone == zone],
            response="yield",
            rate="nitro",
            nutrient="N",
            units={"response": "t/ha", "rate": "kg/ha"},
        )
    pooled = rec.call("pool_sites within=5", fo.pool_sites, fits, prices=bach_prices(), within=5.0)
    rec.call("cheaper", fo.pool_sites, fits, prices=bach_prices().replace(N=0.40))
    rec.call(
        "list of fits, rates",
        fo.pool_sites,
        list(fits.values()),
        prices=bach_prices(),
        rates=[0.0, 50.0, 100.0, 150.0],
    )
    if pooled is not None and hasattr(pooled, "plot"):
        rec.call("pooled.plot()", pooled.plot)
    mn = fo.fit_response(dataset("minnesota_2012"), **RESPONSE_SETS["minnesota"][1])
    rec.call("identical sites ratio", fo.pool_sites, [mn, mn], price_ratio=5.6, within=10.0)
    rec.call("one site", fo.pool_sites, [fits["low"]], prices=mn_prices())
    rec.call("mixed units", fo.pool_sites, {"a": fits["low"], "b": mn}, prices=mn_prices())
    rec.call("no prices", fo.pool_sites, [fits["low"], fits["low"]])
    rec.call("not fits", fo.pool_sites, [1, 2], prices=mn_prices())


@case("response.coefficients.pool_doc")
def _(rec):
    kg = {"response": "kg/ha", "rate": "kg/ha"}
    a = fo.response_from_coefficients(
        "quadratic",
        intercept=7000,
        linear=60,
        quadratic=-0.16,
        rate_range=(0, 240),
        nutrient="N",
        units=kg,
    )
    b = fo.response_from_coefficients(
        "quadratic",
        intercept=8000,
        linear=40,
        quadratic=-0.12,
        rate_range=(0, 240),
        nutrient="N",
        units=kg,
    )
    rec.call("pool_sites", fo.pool_sites, {"A": a, "B": b}, prices=fo.Prices(crop=0.157, N=0.88))


# ---------------------------------------------------------------------------
# units and prices
# ---------------------------------------------------------------------------
@case("units.constants")
def _(rec):
    U = fo.units
    for name in ("AREA_M2", "MASS_KG", "NUTRIENT_FORMS", "PRODUCT_GRADES"):
        rec.call(name, lambda n=name: getattr(U, n))
    rec.call("__all__", lambda: U.__all__)


@case("units.parse_and_factors")
def _(rec):
    U = fo.units
    for u in (
        "kg/ha",
        "t/ha",
        "kg/mu",
        "jin/mu",
        "lb/acre",
        "kg/m2",
        "Mg/ha",
        "q/ha",
        "g/m2",
        "kg / 亩",
        "斤/亩",
        "KG/HA",
        "bu/acre",
        "kg",
        "kg/plot",
    ):
        rec.call(f"parse_unit({u!r})", U.parse_unit, u)
    for a, b in (
        ("kg/mu", "kg/ha"),
        ("lb/acre", "kg/ha"),
        ("t/ha", "kg/mu"),
        ("jin/mu", "t/ha"),
        ("kg/ha", "kg/ha"),
        ("kg/plot", "kg/ha"),
        ("kg/ha", "kg/plot"),
    ):
        rec.call(f"unit_factor({a!r}, {b!r})", U.unit_factor, a, b)
        rec.call(f"unit_factor({a!r}, {b!r}, plot_area=20)", U.unit_factor, a, b, plot_area=20)
    rec.call("convert scalar", U.convert, 1.0, "lb/acre", "kg/ha")
    rec.call("convert array", U.convert, _np().array([1.0, 2.5, 10.0]), "kg/mu", "t/ha")
    rec.call("convert list", U.convert, [100.0, 120.0], "kg/plot", "kg/mu", plot_area=20)
    rec.call("convert Series", U.convert, _pd().Series([1.0, 2.0], name="y"), "t/ha", "kg/mu")
    rec.call("convert no plot area", U.convert, 1.0, "kg/plot", "kg/ha")
    rec.call("convert bad unit", U.convert, 1.0, "bushel/acre", "kg/ha")


@case("units.nutrients")
def _(rec):
    U = fo.units
    forms = ("N", "P", "P2O5", "K", "K2O")
    for a in forms:
        for b in forms:
            rec.call(f"nutrient_factor({a!r}, {b!r})", U.nutrient_factor, a, b)
    rec.call("convert_nutrient", U.convert_nutrient, [10.0, 20.0], "P", "P2O5")
    rec.call("convert_nutrient array", U.convert_nutrient, _np().array([12.0]), "K2O", "K")
    rec.call("nutrient_factor bad", U.nutrient_factor, "urea", "N")
    for prod, form in (
        ("urea", "N"),
        ("尿素", "N"),
        ("钙镁磷肥", "P2O5"),
        ("potassium chloride", "K2O"),
        (50, "K2O"),
        (0.46, "N"),
        ("urea", "K2O"),
        ("guano", "N"),
        (146, "N"),
    ):
        rec.call(f"product_grade({prod!r}, {form!r})", U.product_grade, prod, form)


def _prices_case(case_id: str, **kw):
    def run(rec):
        p = rec.call("Prices", fo.Prices, **kw)
        if p is None:
            return
        rec.call("hash equal", lambda: hash(p) == hash(fo.Prices(**kw)) and p == fo.Prices(**kw))
        rec.call("forms", lambda: p.forms)
        rec.call("crop_per_kg", lambda: p.crop_per_kg)
        for form in ("N", "P", "P2O5", "K", "K2O"):
            rec.call(f"has({form!r})", p.has, form)
            rec.call(f"nutrient_price({form!r})", p.nutrient_price, form)
            rec.call(f"ratio({form!r})", p.ratio, form)
            rec.call(
                f"ratio({form!r}, t/ha, kg/ha)",
                p.ratio,
                form,
                response_unit="t/ha",
                rate_unit="kg/ha",
            )
            rec.call(
                f"money_factors({form!r}, kg/mu, kg/ha)",
                p.money_factors,
                form,
                response_unit="kg/mu",
                rate_unit="kg/ha",
            )
        rec.call(
            "ratio only response_unit",
            p.ratio,
            p.forms[0] if p.forms else "N",
            response_unit="t/ha",
        )
        rec.call(
            "money_factors kg/plot",
            p.money_factors,
            "N",
            response_unit="kg/plot",
            rate_unit="kg/mu",
        )
        rec.call("return_factor()", p.return_factor)
        rec.call("return_factor('t/ha')", p.return_factor, "t/ha")
        rec.call("return_factor('kg/mu')", p.return_factor, "kg/mu")
        rec.call("summary(digits=2)", lambda: str(p.summary(digits=2)))
        rec.call("replace(crop=3.0)", lambda: repr(p.replace(crop=3.0)))
        rec.call("replace(bogus=1)", p.replace, bogus=1)
        rec.call("frozen", lambda: setattr(p, "crop", 1.0))

    add_case(case_id, run)


_prices_case("prices.chestnut", crop=2.8, N=6.25, P2O5=4.67, K2O=10.4, currency="yuan")
_prices_case("prices.minnesota", crop=0.157, N=0.88, currency="USD")
_prices_case("prices.wheat_t", crop=110, crop_unit="t", N=0.60, currency="EUR")
_prices_case("prices.jin", crop=1.4, crop_unit="斤", N=6.25)
_prices_case("prices.elements", crop=1.0, P=10.0, K=3.0)
_prices_case("prices.area_mu", crop=110, crop_unit="t", N=0.6, area="mu")
_prices_case("prices.area_chinese", crop=5.0, N=1.0, area="亩")
_prices_case(
    "prices.nutrient_unit_lb", crop=0.2, N=0.5, nutrient_unit="lb", area="acre", currency="USD"
)
_prices_case("prices.warn_product_price_P", crop=2.8, N=6.25, P2O5=0.6, K2O=10.4)
_prices_case("prices.warn_product_price_N", crop=2.8, N=2.2, P2O5=5.0, K2O=10.4)
_prices_case("prices.error.P_and_P2O5", crop=1.0, P=10.0, P2O5=4.0)
_prices_case("prices.error.K_and_K2O", crop=1.0, K=10.0, K2O=4.0)
_prices_case("prices.error.crop_unit", crop=5.0, crop_unit="bushel", N=1.0)
_prices_case("prices.error.area", crop=5.0, N=1.0, area="field")
for _i, _kw in enumerate(
    [
        {"crop": 0, "N": 1.0},
        {"crop": -2.8, "N": 1.0},
        {"crop": 2.8, "N": 0},
        {"crop": 2.8, "K2O": -1},
        {"crop": float("nan")},
        {"crop": "2,8"},
        {"N": 1.0},
        {"crop": 1.0, "urea": 2.0},
    ]
):
    _prices_case(f"prices.error.{_i}", **_kw)


@case("prices.from_products")
def _(rec):
    rec.call(
        "from_products",
        fo.Prices.from_products,
        crop=2.8,
        N=(2.2, "urea"),
        P2O5=(0.6, "钙镁磷肥"),
        K2O=(3.5, 50),
    )
    rec.call("guano", fo.Prices.from_products, crop=1.0, N=(1.0, "guano"))
    rec.call("urea for K2O", fo.Prices.from_products, crop=1.0, K2O=(1.0, "urea"))
    rec.call("not a pair", fo.Prices.from_products, crop=1.0, N=2.2)
    rec.call("not a fraction", fo.Prices.from_products, crop=1.0, N=(2.2, 146))
    rec.call(
        "fraction", fo.Prices.from_products, crop=1.0, N=(2.2, 0.46), currency="yuan", _full=False
    )


@case("prices.area_basis_optimum")
def _(rec):
    fit = fo.response_from_coefficients(
        "quadratic",
        intercept=5000,
        linear=40,
        quadratic=-0.1,
        rate_range=(0, 300),
        nutrient="N",
        units={"response": "kg/ha", "rate": "kg/ha"},
    )
    rec.call("per ha", fit.optimum, prices=fo.Prices(crop=2.0, N=5.0, currency="yuan"))
    rec.call("per mu", fit.optimum, prices=fo.Prices(crop=2.0, N=5.0, currency="yuan", area="mu"))


# ---------------------------------------------------------------------------
# response surfaces
# ---------------------------------------------------------------------------
WELCH_RATES = {"N": "n", "P": "p", "K": "k"}
WELCH_NPK = ["N", "P", "K", "N^2", "P^2", "K^2", "N:P", "N:K", "P:K", "N:P:K"]
WELCH_PRICES = {"crop": 25.0, "N": 0.12, "P": 0.18, "K": 0.07}
STUDY = {"intercept": 1688.61, "P2O5^2": -17.65, "N:K2O": 0.064, "P2O5:K2O": 16.99}
STUDY_BOX = {"N": (0, 18), "P2O5": (0, 8), "K2O": (0, 19)}
STUDY_PRICES = {"crop": 2.8, "N": 6.25, "P2O5": 4.67, "K2O": 10.4}
PRICES_3414 = {"crop": 2.0, "N": 5.0, "P2O5": 6.0, "K2O": 5.0}


def surface_followups(
    rec: Recorder, surf, prices, point, plot: bool = False, deep: bool = True
) -> None:
    if surf is None:
        return
    rec.call("surf.params", lambda: surf.params)
    rec.call("surf.second_order", lambda: surf.second_order)
    rec.call("surf.scale", lambda: surf.scale)
    rec.call("surf.predict(point)", surf.predict, point)
    rec.call(
        "surf.predict(point, interval='confidence')", surf.predict, point, interval="confidence"
    )
    rec.call(
        "surf.predict(point, interval='prediction')", surf.predict, point, interval="prediction"
    )
    rec.call("surf.canonical()", surf.canonical)
    if deep:
        rec.call(
            "surf.canonical(ridge_tol=0.1, radii=[0, 0.5, 1])",
            surf.canonical,
            ridge_tol=0.1,
            radii=[0.0, 0.5, 1.0],
        )
    rec.call("surf.maximum()", surf.maximum)
    rec.call("surf.optimum(prices=dict)", surf.optimum, prices=prices)
    if deep:
        rec.call("surf.optimum()", surf.optimum, _full=False)
        first = list(point)[0]
        rec.call(
            f"surf.optimum(prices, bounds={{{first!r}: (0, 10)}})",
            surf.optimum,
            prices=prices,
            bounds={first: (0, 10)},
        )
    rec.call("surf.ridge()", surf.ridge)
    rec.call("surf.ridge(radii=[0.5, 1.0, 1.5])", surf.ridge, radii=[0.5, 1.0, 1.5])
    rec.call("surf.typicality()", surf.typicality)
    rec.call("surf.typicality(prices)", surf.typicality, prices=prices)
    if deep:
        rec.call(
            "surf.typicality(prices, alpha=0.01, strict_signs=True, ck_yield=1000)",
            surf.typicality,
            prices=prices,
            alpha=0.01,
            strict_signs=True,
            ck_yield=1000.0,
        )
    rec.call("surf.assess(point)", surf.assess, point)
    rec.call("surf.assess(point, prices)", surf.assess, point, prices=prices)
    if plot:
        rec.call("surf.plot()", surf.plot)
        rec.call(
            "plot_surface(what='net_return', prices, lang='zh')",
            lambda: fo.plotting.plot_surface(surf, what="net_return", prices=prices, lang="zh"),
        )


def surface_case(
    case_id: str, frame, prices, point, plot: bool = False, deep: bool = True, **kw
) -> None:
    def run(rec: Recorder) -> None:
        surf = rec.call("fit_surface", fo.fit_surface, frame(), **kw)
        surface_followups(rec, surf, prices, point, plot=plot, deep=deep)

    add_case(case_id, run)


_WELCH_POINT = {"N": 200.0, "P": 44.0, "K": 84.0}
_P3414 = {"N": 150.0, "P2O5": 80.0, "K2O": 100.0}
surface_case(
    "surface.welch.full",
    lambda: dataset("welch_bermudagrass"),
    WELCH_PRICES,
    _WELCH_POINT,
    plot=True,
    response="yield",
    rates=WELCH_RATES,
)
surface_case(
    "surface.welch.npk_terms",
    lambda: dataset("welch_bermudagrass"),
    WELCH_PRICES,
    _WELCH_POINT,
    response="yield",
    rates=WELCH_RATES,
    terms=WELCH_NPK,
)
surface_case(
    "surface.welch.stepwise",
    lambda: dataset("welch_bermudagrass"),
    WELCH_PRICES,
    _WELCH_POINT,
    response="yield",
    rates=WELCH_RATES,
    terms="stepwise",
)
surface_case(
    "surface.welch.stepwise_free",
    lambda: dataset("welch_bermudagrass"),
    WELCH_PRICES,
    _WELCH_POINT,
    deep=False,
    response="yield",
    rates=WELCH_RATES,
    terms="stepwise",
    hierarchy=False,
    f_enter=2.0,
    f_remove=1.5,
)
surface_case(
    "surface.welch.square_root",
    lambda: dataset("welch_bermudagrass"),
    WELCH_PRICES,
    _WELCH_POINT,
    deep=False,
    response="yield",
    rates=WELCH_RATES,
    model="square_root",
)
surface_case(
    "surface.3414.full_block",
    three414_trial,
    PRICES_3414,
    _P3414,
    plot=True,
    response="yield",
    block="block",
)
surface_case(
    "surface.3414.full",
    three414_trial,
    PRICES_3414,
    _P3414,
    deep=False,
    response="yield",
    confidence_level=0.9,
)
surface_case(
    "surface.3414.square_root",
    three414_trial,
    PRICES_3414,
    _P3414,
    response="yield",
    block="block",
    model="square_root",
)
surface_case(
    "surface.3414.stepwise", three414_trial, PRICES_3414, _P3414, response="yield", terms="stepwise"
)
surface_case(
    "surface.3414.stepwise_nohier",
    three414_trial,
    PRICES_3414,
    _P3414,
    deep=False,
    response="yield",
    terms="stepwise",
    hierarchy=False,
)
surface_case(
    "surface.3414.terms_list",
    three414_trial,
    PRICES_3414,
    _P3414,
    response="yield",
    terms=["N", "P2O5", "K2O", "N^2", "P2O5^2", "N:P2O5"],
)
surface_case(
    "surface.3414.binary_NP",
    lambda: three414_trial().query("K2O == 120"),
    PRICES_3414,
    {"N": 150.0, "P2O5": 80.0},
    plot=True,
    response="yield",
    rates=("N", "P2O5"),
    block="block",
)
surface_case(
    "surface.3414.units_kg_mu",
    three414_trial,
    PRICES_3414,
    _P3414,
    deep=False,
    response="yield",
    units={"response": "kg/mu", "rates": "kg/mu"},
)
surface_case(
    "surface.3414.means",
    lambda: three414_trial().groupby(["N", "P2O5", "K2O"], as_index=False)["yield"].mean(),
    PRICES_3414,
    _P3414,
    deep=False,
    response="yield",
)
surface_case(
    "surface.simulated_ccd", surface_trial, PRICES_3414, _P3414, response="yield", block="rep"
)
surface_case(
    "surface.simulated_ccd.stepwise",
    surface_trial,
    PRICES_3414,
    _P3414,
    deep=False,
    response="yield",
    terms="stepwise",
)
surface_case(
    "surface.3414.seed11",
    lambda: three414_trial(seed=11, reps=2),
    PRICES_3414,
    _P3414,
    deep=False,
    response="yield",
    block="block",
)


def coef_surface_case(case_id: str, coefs, prices, point, plot: bool = False, **kw) -> None:
    def run(rec: Recorder) -> None:
        surf = rec.call("surface_from_coefficients", fo.surface_from_coefficients, coefs, **kw)
        surface_followups(rec, surf, prices, point, plot=plot)

    add_case(case_id, run)


coef_surface_case(
    "surface.coef.study",
    STUDY,
    STUDY_PRICES,
    {"N": 13.2, "P2O5": 8.0, "K2O": 21.0},
    plot=True,
    bounds=STUDY_BOX,
)
coef_surface_case(
    "surface.coef.study_ck",
    STUDY,
    STUDY_PRICES,
    {"N": 18.0, "P2O5": 8.0, "K2O": 19.0},
    bounds=STUDY_BOX,
    ck_yield=1688.0,
    units={"response": "kg/mu", "rates": "kg/mu"},
)
coef_surface_case(
    "surface.coef.study_nobounds", STUDY, STUDY_PRICES, {"N": 1.0, "P2O5": 1.0, "K2O": 1.0}
)
coef_surface_case(
    "surface.coef.square_root",
    {"intercept": 100, "sqrt(N)": 20, "N": -1, "sqrt(P)": 30, "P": -2},
    {"crop": 2.0, "N": 1.0, "P": 2.0},
    {"N": 50.0, "P": 20.0},
    bounds={"N": (0, 150), "P": (0, 80)},
)
coef_surface_case(
    "surface.coef.convex",
    {"intercept": 10, "N": -2, "N^2": 0.1, "P": 1, "P^2": 0.2},
    {"crop": 2.0, "N": 0.1, "P": 0.1},
    {"N": 5.0, "P": 5.0},
    bounds={"N": (0, 30), "P": (0, 10)},
)
coef_surface_case(
    "surface.coef.stationary_ridge",
    {"intercept": 10, "N^2": -1, "P^2": -1, "N:P": 2},
    {"crop": 2.0, "N": 0.1, "P": 0.1},
    {"N": 5.0, "P": 5.0},
    bounds={"N": (0, 10), "P": (0, 10)},
)
coef_surface_case(
    "surface.coef.rising_ridge",
    {"intercept": 10, "N": 1, "N^2": -1, "P^2": -1, "N:P": 2},
    {"crop": 2.0, "N": 0.1, "P": 0.1},
    {"N": 5.0, "P": 5.0},
    bounds={"N": (0, 10), "P": (0, 10)},
)
coef_surface_case(
    "surface.coef.series",
    _pd().Series(
        {
            "intercept": 5000.0,
            "N": 20.0,
            "N^2": -0.05,
            "P2O5": 15.0,
            "P2O5^2": -0.08,
            "N:P2O5": 0.01,
        }
    ),
    {"crop": 2.0, "N": 5.0, "P2O5": 6.0},
    {"N": 100.0, "P2O5": 50.0},
    bounds={"N": (0, 270), "P2O5": (0, 135)},
)
coef_surface_case(
    "surface.coef.first_order",
    {"intercept": 5000.0, "N": 20.0, "P2O5": 15.0},
    {"crop": 2.0, "N": 5.0, "P2O5": 6.0},
    {"N": 100.0, "P2O5": 50.0},
    bounds={"N": (0, 270), "P2O5": (0, 135)},
)


@case("surface.prices_objects")
def _(rec):
    welch = dataset("welch_bermudagrass")
    npk = fo.fit_surface(welch, response="yield", rates=WELCH_RATES, terms=WELCH_NPK)
    usd = fo.Prices(
        crop=25, crop_unit="t", N=0.12, P=0.18, K=0.07, nutrient_unit="lb", currency="USD"
    )
    rec.call("optimum(Prices usd)", npk.optimum, prices=usd)
    oxide = fo.Prices(
        crop=25, crop_unit="t", N=0.12, P2O5=0.18 / 2.2914, K2O=0.07 / 1.2046, nutrient_unit="lb"
    )
    rec.call("optimum(Prices oxide)", npk.optimum, prices=oxide, _full=False)
    study = fo.surface_from_coefficients(STUDY, bounds=STUDY_BOX)
    cny = fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4, currency="yuan")
    rec.call("study optimum(Prices cny)", study.optimum, prices=cny)
    t = three414_trial()
    fit = fo.fit_surface(t, response="yield", units={"response": "kg/mu"})
    rec.call("rates unit missing", fit.optimum, prices=fo.Prices(crop=2, N=5, P2O5=6, K2O=5))
    rec.call(
        "no K2O price",
        lambda: fo.fit_surface(t, response="yield").optimum(prices=fo.Prices(crop=2, N=5, P2O5=6)),
    )
    lower = fo.fit_surface(welch, response="yield", rates=("n", "p", "k"))
    rec.call("lower-case rates", lower.optimum, prices=fo.Prices(crop=25, N=0.1, P=0.1, K=0.1))
    ok = fo.fit_surface(t, response="yield", units={"response": "kg/mu", "rates": "kg/mu"})
    rec.call(
        "kg/mu with Prices",
        ok.optimum,
        prices=fo.Prices(crop=2, N=5, P2O5=6, K2O=5, currency="yuan"),
    )


@case("surface.error.inputs")
def _(rec):
    np, pd = _np(), _pd()
    t = three414_trial()
    omission = pd.DataFrame(
        {"N": [0, 18, 0, 18, 18], "P2O5": [0, 8, 8, 0, 8], "K2O": [0, 19, 19, 19, 0]}
    )
    data = pd.concat([omission] * 3, ignore_index=True).assign(yield_=np.arange(15.0))
    rec.call("omission design", fo.fit_surface, data, response="yield_")
    rec.call("omission design stepwise", fo.fit_surface, data, response="yield_", terms="stepwise")
    rec.call("single K2O", fo.fit_surface, t.assign(K2O=19.0), response="yield")
    rec.call("collinear", fo.fit_surface, t.assign(K2O=t["N"] * 19 / 18), response="yield")
    n = np.array([0.0, 3, 6, 9, 12, 15, 15])
    rec.call(
        "aliased",
        fo.fit_surface,
        pd.DataFrame({"N": n, "P2O5": n**2 / 9, "y": np.arange(7.0)}),
        response="y",
        rates=("N", "P2O5"),
    )
    rec.call(
        "f_remove > f_enter",
        fo.fit_surface,
        t,
        response="yield",
        terms="stepwise",
        f_enter=2.0,
        f_remove=3.0,
    )
    rec.call("term S", fo.fit_surface, t, response="yield", terms=["N", "S"])
    rec.call("term typo", fo.fit_surface, t, response="yield", terms=["N", "N2"])
    rec.call("misspelled response", fo.fit_surface, t, response="yeild")
    rec.call("misspelled rate", fo.fit_surface, t, response="yield", rates=("N", "P205", "K2O"))
    rec.call("bad model", fo.fit_surface, t, response="yield", model="cubic")
    rec.call("bad terms string", fo.fit_surface, t, response="yield", terms="forward")
    bad = t.copy()
    bad.loc[3, "N"] = -9
    rec.call("negative rate", fo.fit_surface, bad, response="yield")
    bad = t.astype({"N": object})
    bad.loc[5, "N"] = None
    rec.call("empty rate", fo.fit_surface, bad, response="yield")
    data = t.copy()
    data.loc[[0, 7], "yield"] = np.nan
    rec.call(
        "missing yields omit", fo.fit_surface, data, response="yield", block="block", _full=False
    )
    rec.call("missing yields raise", fo.fit_surface, data, response="yield", nan_policy="raise")
    sub = pd.DataFrame({"N": [0.0, 9, 18, 27, 0, 27], "P2O5": [0.0, 4, 12, 8, 8, 0]}).assign(
        y=np.arange(6.0) ** 1.5
    )
    fit = rec.call("saturated", fo.fit_surface, sub, response="y", rates=("N", "P2O5"))
    if fit is not None:
        rec.call(
            "saturated predict confidence", fit.predict, {"N": 1, "P2O5": 1}, interval="confidence"
        )
    study = fo.surface_from_coefficients(STUDY, bounds=STUDY_BOX)
    rec.call("coef S", fo.surface_from_coefficients, {"intercept": 1, "S": 2}, bounds={"N": (0, 1)})
    rec.call("negative bounds", study.maximum, bounds={"N": (-1, 18)})
    rec.call("bounds S", study.maximum, bounds={"S": (0, 1)})
    rec.call("prices lack N,K2O", study.optimum, prices={"crop": 2.8, "P2O5": 4.67})
    rec.call("no crop price", study.optimum, prices={"N": 1, "P2O5": 1, "K2O": 1})
    rec.call("negative price", study.optimum, prices={"crop": -1, "N": 1, "P2O5": 1, "K2O": 1})
    rec.call("predict missing nutrient", study.predict, {"N": 1.0})
    rec.call("predict array", study.predict, np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    rec.call(
        "predict frame",
        study.predict,
        pd.DataFrame({"N": [1.0, 2.0], "P2O5": [3.0, 4.0], "K2O": [5.0, 6.0]}),
    )
    rec.call(
        "predict interval",
        study.predict,
        {"N": 1.0, "P2O5": 1.0, "K2O": 1.0},
        interval="confidence",
    )
    rec.call("ridge nobounds", fo.surface_from_coefficients(STUDY).ridge)
    rec.call(
        "canonical first order",
        fo.surface_from_coefficients({"intercept": 1.0, "N": 2.0}, bounds={"N": (0, 5)}).canonical,
    )
    fit = fo.fit_surface(t, response="yield", block="block")
    rec.call("plot net_return without prices", fo.plotting.plot_surface, fit, what="net_return")
    rec.call("plot x=S", fo.plotting.plot_surface, fit, x="S")


@case("surface.plots")
def _(rec):
    import matplotlib.pyplot as plt

    study = fo.surface_from_coefficients(STUDY, bounds=STUDY_BOX)
    rec.call("study.plot(x, y, at)", study.plot, x="P2O5", y="K2O", at={"N": 18})
    fit = fo.fit_surface(three414_trial(), response="yield", block="block")
    fig, ax = plt.subplots()
    rec.call(
        "plot_surface(net_return)",
        fo.plotting.plot_surface,
        fit,
        ax=ax,
        what="net_return",
        prices=PRICES_3414,
    )
    rec.call("plot_surface(x=N, y=K2O)", fo.plotting.plot_surface, fit, x="N", y="K2O")


# ---------------------------------------------------------------------------
# 3414 trials
# ---------------------------------------------------------------------------
LEVEL2 = {"N": 18, "P2O5": 8, "K2O": 19}
PRICES_L2 = {"crop": 2.0, "N": 5.0, "P2O5": 6.0, "K2O": 5.0}


def three414_followups(rec: Recorder, res, prices) -> None:
    if res is None:
        return
    if res.ternary is not None:
        rec.call("res.ternary", lambda: res.ternary)
        rec.call("res.ternary.optimum(prices)", res.ternary.optimum, prices=prices, _full=False)
    for key, surf in sorted(res.binary.items()):
        rec.call(f"res.binary[{key!r}] summary", lambda s=surf: str(s.summary()))
        rec.call(f"res.binary[{key!r}].maximum()", surf.maximum, _full=False)
    for key, fit in sorted(res.univariate.items()):
        rec.call(f"res.univariate[{key!r}] summary", lambda f=fit: str(f.summary()))
        rec.call(
            f"res.univariate[{key!r}].optimum(price_ratio=(2.5, 'kg/kg'))",
            fit.optimum,
            price_ratio=(2.5, "kg/kg"),
            _full=False,
        )
    for key, fit in sorted(res.linear_plateau.items()):
        rec.call(f"res.linear_plateau[{key!r}] summary", lambda f=fit: str(f.summary()))
    for key, typ in res.typicality.items():
        rec.call(f"res.typicality[{key!r}]", lambda t=typ: t)


def three414_case(case_id: str, frame, prices=None, **kw) -> None:
    def run(rec: Recorder) -> None:
        p = resolve(prices)
        res = rec.call("three414", fo.three414, frame(), prices=p, **kw)
        three414_followups(rec, res, p if p is not None else PRICES_3414)

    add_case(case_id, run)


def _book(reps=3, rng_seed=1):
    return fo.design.three414(level2=LEVEL2, reps=reps, rng=rng_seed).table


def _base(t):
    n, p = t["N"].to_numpy(), t["P2O5"].to_numpy()
    return 1700 + 120 * n + 160 * p - 3.2 * n**2 - 9 * p**2 + 0.5 * n * p


def _typical_one():
    np = _np()
    book = _book()
    one = book[book["block"] == 1].reset_index(drop=True)
    k = one["K2O"].to_numpy()
    noise = np.array([12, -8, 5, -10, 7, 3, -6, 9, -4, 2, -11, 6, -3, 8.0])[one["treatment"] - 1]
    y = _base(one) + 60 * k - 1.5 * k**2 + 0.3 * one["N"] * k + 1.2 * one["P2O5"] * k + noise
    return one.assign(y=y)


def _saddle_book():
    book = _book()
    noise = rng(5).normal(0, 25, len(book))
    k, n = book["K2O"].to_numpy(), book["N"].to_numpy()
    return book.assign(y=_base(book) - 90 * k - 1.5 * k**2 + 5 * n * k + noise)


def _convex_book():
    book = _book()
    noise = rng(5).normal(0, 25, len(book))
    k = book["K2O"].to_numpy()
    return book.assign(y=_base(book) + 25 * k + 0.4 * k**2 + noise)


three414_case(
    "three414.simulated.blocked_prices",
    three414_trial,
    prices=PRICES_3414,
    response="yield",
    block="block",
)
three414_case(
    "three414.simulated.blocked_noprices", three414_trial, response="yield", block="block"
)
three414_case("three414.simulated.noblock", three414_trial, prices=PRICES_3414, response="yield")
three414_case(
    "three414.simulated.Prices_kg_mu",
    three414_trial,
    prices=Lazy(lambda: fo.Prices(crop=2, N=5, P2O5=6, K2O=5, currency="yuan")),
    response="yield",
    block="block",
    units={"response": "kg/mu", "rates": "kg/mu"},
)
three414_case(
    "three414.simulated.strict_alpha",
    lambda: three414_trial(seed=21),
    prices=PRICES_3414,
    response="yield",
    block="block",
    alpha=0.01,
    strict_signs=True,
)
three414_case("three414.typical_unreplicated", _typical_one, prices=PRICES_L2, response="y")
three414_case(
    "three414.fallback_univariate", _saddle_book, prices=PRICES_L2, response="y", block="block"
)
three414_case("three414.no_usable_fit", _convex_book, prices=PRICES_L2, response="y", block="block")
three414_case(
    "three414.means_labels",
    lambda: (
        three414_trial()
        .groupby("treatment", as_index=False)["yield"]
        .mean()
        .assign(label=lambda d: [f"处理{t}" for t in d["treatment"]])[["label", "yield"]]
    ),
    prices=PRICES_3414,
    response="yield",
    treatment="label",
    level2={"N": 180, "P2O5": 90, "K2O": 120},
)
three414_case(
    "three414.codes",
    lambda: three414_trial().groupby("code", as_index=False)["yield"].mean(),
    response="yield",
    treatment="code",
    level2={"N": 180, "P2O5": 90, "K2O": 120},
)
three414_case(
    "three414.multipliers",
    lambda: three414_trial(multipliers=(0.0, 0.4, 1.0, 1.6)),
    prices=PRICES_3414,
    response="yield",
    block="block",
)
three414_case(
    "three414.rates_mapping",
    lambda: three414_trial().rename(columns={"N": "n_kg", "P2O5": "p_kg"}),
    prices=PRICES_3414,
    response="yield",
    block="block",
    rates={"N": "n_kg", "P2O5": "p_kg", "K2O": "K2O"},
)


def _extra_treatment():
    pd = _pd()
    t = three414_trial()
    extra = pd.DataFrame(
        {
            "plot": [99],
            "block": [1],
            "treatment": [15],
            "code": ["org"],
            "N": [130.0],
            "P2O5": [80.0],
            "K2O": [119.0],
            "yield": [7000.0],
        }
    )
    return pd.concat([t, extra], ignore_index=True)


three414_case(
    "three414.extra_treatment",
    _extra_treatment,
    response="yield",
    block="block",
    level2={"N": 180, "P2O5": 90, "K2O": 120},
)
three414_case(
    "three414.error.prices_missing_K2O",
    three414_trial,
    prices={"crop": 2, "N": 5, "P2O5": 6},
    response="yield",
)
three414_case(
    "three414.error.empty_rate",
    lambda: (
        three414_trial().astype({"N": "float64"}).assign(N=lambda d: d["N"].where(d.index != 4))
    ),
    response="yield",
)
three414_case(
    "three414.error.negative_rate",
    lambda: (
        three414_trial()
        .astype({"N": "float64"})
        .assign(N=lambda d: d["N"].where(d.index != 4, -1.0))
    ),
    response="yield",
)
three414_case(
    "three414.error.single_K2O", lambda: three414_trial().assign(K2O=19.0), response="yield"
)
three414_case(
    "three414.error.lowest_not_zero",
    lambda: three414_trial().assign(N=lambda d: d["N"] + 5),
    response="yield",
)
three414_case(
    "three414.error.no_N_column", lambda: three414_trial().drop(columns=["N"]), response="yield"
)
three414_case(
    "three414.error.no_level2",
    lambda: three414_trial().drop(columns=["N"]),
    response="yield",
    treatment="code",
)
three414_case(
    "three414.error.bad_labels",
    lambda: (
        three414_trial()
        .assign(label=lambda d: d["treatment"].astype(str).replace("6", "T99"))
        .drop(columns=["N", "P2O5", "K2O"])
    ),
    response="yield",
    treatment="label",
    level2={"N": 180, "P2O5": 90, "K2O": 120},
)
three414_case("three414.error.two_nutrients", three414_trial, response="yield", rates=("N", "P2O5"))
three414_case(
    "three414.error.missing_treatment",
    lambda: three414_trial().query("treatment != 1"),
    response="yield",
    level2={"N": 180, "P2O5": 90, "K2O": 120},
)
three414_case("three414.error.misspelled_response", three414_trial, response="yeild")
three414_case(
    "three414.error.multipliers", three414_trial, response="yield", multipliers=(0, 1, 0.5, 2)
)
three414_case("three414.error.alpha5", three414_trial, response="yield", alpha=5)


@case("three414.abundance_class")
def _(rec):
    import importlib

    T = importlib.import_module("fertopt.three414")

    for ry in (
        30.0,
        49.9,
        50.0,
        60.0,
        74.9,
        75.0,
        80.0,
        89.9,
        90.0,
        95.0,
        100.0,
        120.0,
        float("nan"),
    ):
        rec.call(f"abundance_class({ry!r})", T.abundance_class, ry)


# ---------------------------------------------------------------------------
# omission trials
# ---------------------------------------------------------------------------
MINUS = {"N": "PK", "P2O5": "NK", "K2O": "NP"}
PRICES_OM = {"crop": 0.3, "N": 1.2, "P2O5": 1.5, "K2O": 0.8}
OM_ARGS = dict(
    response="yield",
    treatment="treatment",
    block="block",
    full="NPK",
    minus=MINUS,
    control="CK",
    rates=("N", "P2O5", "K2O"),
    prices=PRICES_OM,
    uptake={"N": "n_uptake"},
)


def omission_followups(rec: Recorder, om, plot: bool = False) -> None:
    if om is None:
        return
    for name in sorted(set(om.indices["index"])):
        rec.call(f"om.index({name!r})", om.index, name)
    first = om.indices["nutrient"].iloc[0]
    rec.call(f"om.index('relative_yield', {first!r})", om.index, "relative_yield", first)
    if om.anova is not None:
        rec.call("om.anova", lambda: repr(om.anova))
    if om.comparison is not None:
        rec.call("om.comparison", lambda: str(om.comparison.summary()))
    if plot:
        rec.call("om.plot()", om.plot)
        rec.call("om.plot(index='agronomic_efficiency')", om.plot, index="agronomic_efficiency")
        rec.call("om.plot(index='ry')", om.plot, index="ry")
        rec.call("plot_omission(lang='zh')", lambda: fo.plotting.plot_omission(om, lang="zh"))


def omission_case(case_id: str, frame, plot: bool = False, **kw) -> None:
    def run(rec: Recorder) -> None:
        args = dict(OM_ARGS)
        args.update(kw)
        args = {k: resolve(v) for k, v in args.items() if v is not _DROP}
        om = rec.call("omission", fo.omission, frame(), **args)
        omission_followups(rec, om, plot=plot)

    add_case(case_id, run)


_DROP = object()
omission_case("omission.trial_a", lambda: data("omission_a"), plot=True)
omission_case("omission.trial_b_missing", lambda: data("omission_b"))
omission_case(
    "omission.trial_a.renamed_rates",
    lambda: data("omission_a").rename(columns={"N": "n_kg", "P2O5": "p_kg"}),
    rates={"n_kg": "N", "p_kg": "P2O5", "K2O": "K2O"},
)
omission_case(
    "omission.trial_a.renamed_rates2",
    lambda: data("omission_a").rename(columns={"N": "n_kg", "P2O5": "p_kg"}),
    rates={"N": "n_kg", "P2O5": "p_kg", "K2O": "K2O"},
)
omission_case(
    "omission.trial_a.minimal",
    lambda: data("omission_a"),
    minus={"N": "PK"},
    control=_DROP,
    rates=_DROP,
    prices=_DROP,
    uptake=_DROP,
)
omission_case(
    "omission.trial_a.crd_numeric",
    lambda: data("omission_a").assign(
        code=lambda d: d["treatment"].map({"NPK": 6, "PK": 2, "NK": 4, "NP": 8, "CK": 1})
    ),
    treatment="code",
    full=6,
    minus={"N": 2},
    control=1,
    block=_DROP,
    rates=_DROP,
    prices=_DROP,
    uptake=_DROP,
)
omission_case(
    "omission.unreplicated",
    lambda: data("omission_a").query("block == 1"),
    block=_DROP,
    prices=_DROP,
    uptake=_DROP,
)
omission_case(
    "omission.unreplicated_empty_extra",
    lambda: _pd().concat(
        [
            data("omission_a").query("block == 1").astype({"yield": "float64"}),
            data("omission_a").iloc[[0]].assign(treatment="X", **{"yield": float("nan")}),
        ],
        ignore_index=True,
    ),
    block=_DROP,
    prices=_DROP,
    uptake=_DROP,
)
omission_case(
    "omission.error.role_without_yield",
    lambda: (
        data("omission_a")
        .astype({"yield": "float64"})
        .assign(**{"yield": lambda d: d["yield"].where(d["treatment"] != "NP")})
    ),
    uptake=_DROP,
)
omission_case(
    "omission.units_t_ha",
    lambda: data("omission_a").assign(yield_t=lambda d: d["yield"] / 1000),
    response="yield_t",
    prices=Lazy(lambda: fo.Prices(crop=0.3, N=1.2, P2O5=1.5, K2O=0.8, currency="USD")),
    units={"response": "t/ha", "rate": "kg/ha"},
)
omission_case(
    "omission.units_t_ha_mu",
    lambda: data("omission_a").assign(yield_t=lambda d: d["yield"] / 1000),
    response="yield_t",
    prices=Lazy(lambda: fo.Prices(crop=0.3, N=1.2, P2O5=1.5, K2O=0.8, currency="USD", area="mu")),
    units={"response": "t/ha", "rate": "kg/ha"},
)
omission_case(
    "omission.order_shuffled",
    lambda: data("omission_a").sample(frac=1.0, random_state=7),
    minus={"K2O": "NP", "N": "PK", "P2O5": "NK"},
    units={"response": "kg/ha", "rate": "kg/ha"},
)
omission_case(
    "omission.string_dtype",
    lambda: data("omission_a").astype({"treatment": "string"}).sample(frac=1.0, random_state=3),
)
omission_case("omission.alpha_conf", lambda: data("omission_a"), alpha=0.01, confidence_level=0.9)
omission_case(
    "omission.error.missing_raise",
    lambda: (
        data("omission_a")
        .astype({"yield": "float64"})
        .assign(**{"yield": lambda d: d["yield"].where(d.index != 0)})
    ),
    nan_policy="raise",
)
omission_case(
    "omission.rates_mapping_per_treatment",
    lambda: data("omission_a").drop(columns=["N", "P2O5", "K2O"]),
    rates={
        "NPK": {"N": 150, "P2O5": 60, "K2O": 90},
        "PK": {"P2O5": 60, "K2O": 90},
        "NK": {"N": 150, "K2O": 90},
        "NP": {"N": 150, "P2O5": 60},
        "CK": {},
    },
)

_OM_ERRORS = {
    "full_not_level": {"full": "NPKX"},
    "minus_not_level": {"minus": {"N": "P K"}},
    "control_not_level": {"control": "ck0"},
    "full_is_minus": {"minus": {"N": "NPK"}},
    "control_is_minus": {"control": "PK"},
    "minus_not_less": {"minus": {"N": "NK"}},
    "minus_unknown_nutrient": {"minus": {"S": "PK"}, "uptake": None},
    "minus_list": {"minus": []},
    "misspelled_response": {"response": "yeld"},
    "misspelled_block": {"block": "rep"},
    "misspelled_rate": {"rates": ("N", "P2O5", "K")},
    "misspelled_uptake": {"uptake": {"N": "n_upt"}},
    "uptake_nutrient": {"uptake": {"S": "n_uptake"}},
    "prices_without_rates": {"rates": None},
    "uptake_without_rates": {"rates": None, "prices": None},
    "prices_missing": {"prices": {"crop": 0.3, "N": 1.2}},
    "prices_no_crop": {"prices": {"N": 1.2}},
    "prices_negative": {"prices": {"crop": -1, "N": 1, "P2O5": 1, "K2O": 1}},
    "prices_number": {"prices": 2.8},
    "rates_number": {"rates": 5},
    "rates_incomplete": {"rates": {"NPK": {"N": 150}, "PK": {}}},
    "rates_negative": {"rates": {"NPK": {"N": -1}, "PK": {}}},
    "alpha5": {"alpha": 5},
    "confidence0": {"confidence_level": 0},
    "nan_policy": {"nan_policy": "drop"},
    "units_key": {"units": {"yield": "t/ha"}},
    "prices_S": {"prices": {"crop": 0.3, "S": 1.0}},
}
for _name, _kw in _OM_ERRORS.items():
    omission_case(f"omission.error.{_name}", lambda: data("omission_a"), **_kw)
omission_case(
    "omission.error.rate_differs",
    lambda: data("omission_a").assign(N=lambda d: d["N"].where(d.index != 1, 10)),
)
omission_case(
    "omission.error.rate_negative",
    lambda: (
        data("omission_a")
        .astype({"N": "float64"})
        .assign(N=lambda d: d["N"].where(d.index != 3, -5.0))
    ),
)
omission_case(
    "omission.error.rate_text",
    lambda: (
        data("omission_a")
        .astype({"N": "object"})
        .assign(N=lambda d: d["N"].where(d.index != 2, "15O"))
    ),
)
omission_case(
    "omission.error.rate_empty",
    lambda: (
        data("omission_a").astype({"N": "float64"}).assign(N=lambda d: d["N"].where(d.index != 2))
    ),
)
add_case(
    "omission.error.not_a_frame",
    lambda rec: rec.call(
        "omission", fo.omission, [1, 2, 3], response="y", treatment="t", full="a", minus={"N": "b"}
    ),
)

WC_MINUS = {"N": "reduced N", "P2O5": "reduced P", "K2O": "reduced K"}
omission_case(
    "omission.water_chestnut",
    lambda: dataset("water_chestnut"),
    plot=True,
    full="formula",
    control="blank",
    minus=WC_MINUS,
    prices=_DROP,
    uptake=_DROP,
)
omission_case(
    "omission.water_chestnut.prices",
    lambda: dataset("water_chestnut"),
    full="formula",
    control="blank",
    minus=WC_MINUS,
    prices={"crop": 2.8, "N": 6.25, "P2O5": 4.67, "K2O": 10.4, "currency": "yuan"},
    uptake=_DROP,
)
omission_case(
    "omission.water_chestnut.Prices",
    lambda: dataset("water_chestnut"),
    full="formula",
    control=_DROP,
    minus={"P2O5": "reduced P", "K2O": "reduced K"},
    prices=Lazy(lambda: fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4, currency="yuan")),
    uptake=_DROP,
)
omission_case(
    "omission.water_chestnut.zh_labels",
    lambda: dataset("water_chestnut"),
    treatment="treatment_zh",
    full="配方区",
    control="空白区",
    minus={"N": "减氮区", "P2O5": "减磷区", "K2O": "减钾区"},
    prices=_DROP,
    uptake=_DROP,
)
omission_case(
    "omission.water_chestnut.noblock",
    lambda: dataset("water_chestnut"),
    block=_DROP,
    full="formula",
    control="blank",
    minus=WC_MINUS,
    prices=_DROP,
    uptake=_DROP,
)


@case("omission.3414_other_treatments")
def _(rec):
    pd = _pd()
    levels = {
        1: (0, 0, 0),
        2: (0, 2, 2),
        3: (1, 2, 2),
        4: (2, 0, 2),
        5: (2, 1, 2),
        6: (2, 2, 2),
        7: (2, 3, 2),
        8: (2, 2, 0),
        9: (2, 2, 1),
        10: (2, 2, 3),
        11: (3, 2, 2),
        12: (1, 1, 2),
        13: (1, 2, 1),
        14: (2, 1, 1),
    }
    rows = []
    errors = {1: (5, -3, -2), 2: (-4, 1, 3)}
    for blk, shift in ((1, 30.0), (2, 0.0), (3, -30.0)):
        for t, (n, p, k) in levels.items():
            y = 4000 + 300 * n - 40 * n * n + 150 * p - 30 * p * p + 100 * k - 20 * k * k
            rows.append(
                {
                    "block": blk,
                    "treatment": t,
                    "N": 90 * n,
                    "P2O5": 30 * p,
                    "K2O": 40 * k,
                    "yield": y + shift + errors[1 + t % 2][blk - 1],
                }
            )
    om = rec.call(
        "omission",
        fo.omission,
        pd.DataFrame(rows),
        response="yield",
        treatment="treatment",
        block="block",
        full=6,
        minus={"N": 2, "P2O5": 4, "K2O": 8},
        control=1,
        rates=("N", "P2O5", "K2O"),
    )
    omission_followups(rec, om)


# ---------------------------------------------------------------------------
# design generators
# ---------------------------------------------------------------------------
def design_case(case_id: str, fn, csv: bool = False) -> None:
    def run(rec: Recorder) -> None:
        book = rec.call("design", fn)
        if book is not None:
            rec.call("book.seed", lambda: book.seed)
            rec.call("book.to_csv()", book.to_csv, _text=True)
            if csv:
                path = Path.cwd() / "fieldbook.csv"
                rec.call("book.to_csv(path)", book.to_csv, path)
                rec.call("written file", lambda: path.read_text(encoding="utf-8"), _text=True)
                rec.call("book.to_csv(sep=';')", book.to_csv, sep=";", _text=True)

    add_case(case_id, run)


def _D_():
    return fo.design


design_case("design.crd", lambda: _D_().crd(["A", "B", "C", "D"], reps=5, rng=11), csv=True)
design_case("design.crd_int", lambda: _D_().crd(3, reps=2, rng=0))
design_case(
    "design.rcbd_block_numbers",
    lambda: _D_().rcbd(["CK", "N", "NP", "NPK", "减氮"], reps=4, rng=3, plot_numbers="block"),
)
design_case("design.rcbd_generator", lambda: _D_().rcbd(6, reps=3, rng=rng(99)))
design_case(
    "design.rcbd_seed_from_generator",
    lambda: _D_().rcbd(6, reps=3, rng=_D_().rcbd(6, reps=3, rng=rng(99)).seed),
)
for _s in (0, 1, 2):
    design_case(
        f"design.rcbd_seed{_s}",
        (lambda s: lambda: _D_().rcbd(["A", "B", "C", "D", "E", "F"], reps=1, rng=s))(_s),
    )
design_case("design.latin_square", lambda: _D_().latin_square(["a", "b", "c", "d", "e"], rng=8))
design_case("design.latin_square_int", lambda: _D_().latin_square(4, rng=3))
design_case(
    "design.factorial", lambda: _D_().factorial({"N": [0, 90, 180], "K2O": [0, 60]}, reps=3, rng=4)
)
design_case(
    "design.factorial_crd",
    lambda: _D_().factorial({"N": [0, 90], "P2O5": [0, 45]}, reps=2, blocks=False, rng=1),
)
design_case(
    "design.factorial3_block_numbers",
    lambda: _D_().factorial(
        {"N": [0, 1], "P": [0, 1], "K": ["lo", "hi"]}, reps=2, rng=5, plot_numbers="block"
    ),
)
design_case(
    "design.split_plot",
    lambda: _D_().split_plot({"irrigation": ["dry", "wet"]}, {"N": [0, 60, 120]}, reps=3, rng=6),
)
design_case(
    "design.omission", lambda: _D_().omission({"N": 18, "P2O5": 8, "K2O": 19}, reps=3, rng=2013)
)
design_case(
    "design.omission_reduce",
    lambda: _D_().omission(
        {"N": 18, "P2O5": 8, "K2O": 19}, reduce=0.3, reps=2, control=False, rng=1
    ),
)
design_case(
    "design.omission_reduce_map",
    lambda: _D_().omission(
        {"N": 18, "P2O5": 8, "K2O": 19}, reduce={"N": 0.25, "K2O": 0.5}, blocks=False, rng=7
    ),
)
design_case(
    "design.three414",
    lambda: _D_().three414(level2={"N": 18, "P2O5": 8, "K2O": 19}, reps=2, rng=5),
    csv=True,
)
design_case(
    "design.three414_unblocked",
    lambda: _D_().three414(
        level2={"N": 180, "P": 40, "K": 100}, reps=3, blocks=False, rng=9, plot_numbers="block"
    ),
)
design_case(
    "design.three414_multipliers",
    lambda: _D_().three414(
        level2={"N": 18, "P2O5": 8, "K2O": 19}, multipliers=(0, 0.4, 1, 1.6), rng=1
    ),
)
_DESIGN_ERRORS = {
    "one_treatment": lambda: _D_().rcbd(["A"], reps=3),
    "repeated": lambda: _D_().rcbd(["A", "A", "B"], reps=3),
    "reps0": lambda: _D_().rcbd(["A", "B"], reps=0),
    "string_treatments": lambda: _D_().crd("AB", reps=2),
    "rng_text": lambda: _D_().rcbd(["A", "B"], reps=2, rng="x"),
    "three414_two": lambda: _D_().three414(level2={"N": 18, "P2O5": 8}),
    "three414_zero": lambda: _D_().three414(level2={"N": 18, "P2O5": 0, "K2O": 19}),
    "three414_multipliers": lambda: _D_().three414(
        level2={"N": 18, "P2O5": 8, "K2O": 19}, multipliers=(0, 1, 0.5, 1.5)
    ),
    "omission_reduce": lambda: _D_().omission({"N": 18, "P2O5": 8}, reduce=1.5),
    "omission_reduce_S": lambda: _D_().omission({"N": 18, "P2O5": 8}, reduce={"S": 0.5}),
    "factorial_one_level": lambda: _D_().factorial({"N": [0]}, reps=2),
    "split_same_names": lambda: _D_().split_plot({"a": [1, 2]}, {"a": [1, 2]}, reps=2),
    "latin13": lambda: _D_().latin_square(13),
    "plot_numbers": lambda: _D_().rcbd(["A", "B"], reps=2, rng=1, plot_numbers="row"),
}
for _name, _fn in _DESIGN_ERRORS.items():
    design_case(f"design.error.{_name}", _fn)


# ---------------------------------------------------------------------------
# bundled datasets and the reference study
# ---------------------------------------------------------------------------
@case("datasets.index")
def _(rec):
    rec.call("list_datasets()", fo.list_datasets)
    rec.call("datasets.__all__", lambda: fo.datasets.__all__)
    rec.call("DATASETS", lambda: fo.datasets.DATASETS)
    rec.call("load_dataset('nope')", fo.load_dataset, "nope")
    rec.call("load_dataset('minnesota')", fo.load_dataset, "minnesota")


def _dataset_case(name: str) -> None:
    def run(rec: Recorder) -> None:
        df = rec.call("load_dataset", fo.load_dataset, name)
        if df is not None:
            rec.call("fresh copy", lambda: fo.load_dataset(name) is not df)

    add_case(f"datasets.load.{name}", run)


for _n in (
    "minnesota_2012",
    "bachmaier_nitrogen",
    "welch_bermudagrass",
    "cochran_factorial",
    "water_chestnut",
):
    _dataset_case(_n)


@case("datasets.water_chestnut_published")
def _(rec):
    rec.call(
        "water_chestnut_published()",
        lambda: json.dumps(
            fo.datasets.water_chestnut_published(),
            sort_keys=True,
            ensure_ascii=False,
            indent=1,
            default=repr,
        ),
        _text=True,
    )


def _audit_case(lang):
    def run(rec: Recorder) -> None:
        audit = rec.call("water_chestnut_audit", fo.datasets.water_chestnut_audit, lang=lang)
        if audit is None:
            return
        for item in list(audit.table["item"])[:6]:
            rec.call(f"audit.row({item!r})", audit.row, item)
        rec.call("audit.row('nope')", audit.row, "nope")
        if hasattr(audit, "plot"):
            rec.call("audit.plot()", audit.plot)

    return run


add_case("datasets.water_chestnut_audit.en", _audit_case("en"))
add_case("datasets.water_chestnut_audit.zh", _audit_case("zh"))
add_case("datasets.error.water_chestnut_audit_fr", _audit_case("fr"))


# ---------------------------------------------------------------------------
# trial reports
# ---------------------------------------------------------------------------
_SVG_ID = re.compile(r'(id="|#|url\(#)([A-Za-z_][\w.-]*?)([0-9a-f]{8,})')


def figure_digest(fig) -> str:
    """Name, caption, format and size of a report figure, and a digest of its bytes."""
    data = fig.data
    if fig.format == "svg":
        text = data.decode("utf-8", "replace")
        text = re.sub(r"<dc:date>.*?</dc:date>", "<dc:date/>", text, flags=re.S)
        text = _SVG_ID.sub(lambda m: m.group(1) + m.group(2) + "ID", text)
        data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()[:16]
    return (
        f"name={fig.name!r} format={fig.format!r} mime={fig.mime!r} "
        f"size={fig.width!r}x{fig.height!r} "
        f"caption={fig.caption!r} sha256[:16]={digest}"
    )


def report_followups(rec: Recorder, rep, write: bool = False) -> None:
    if rep is None:
        return
    rec.call("rep.to_text()", rep.to_text, _text=True)
    rec.call("rep.to_text(digits=6)", lambda: rep.to_text(digits=6), _text=True)
    rec.call("rep.to_markdown()", rep.to_markdown, _text=True)
    rec.call("rep.to_html()", rep.to_html, _text=True)
    rec.call("rep.as_html_fragment(digits=3)", lambda: rep.as_html_fragment(digits=3), _text=True)
    rec.call("rep.shown", lambda: [(s.key, s.title, s.status, s.reason) for s in rep.shown])
    rec.call(
        "rep.sections",
        lambda: [(s.key, s.title, s.status, s.reason, len(s.blocks)) for s in rep.sections],
    )
    for s in rep.sections:
        rec.call(
            f"rep.section({s.key!r}) blocks",
            lambda s=s: "\n".join(block_text(b) for b in s.blocks),
            _text=True,
        )
    if write:
        rec.call("rep.section('nope')", rep.section, "nope")
    rec.call("rep.figures", lambda: "\n".join(figure_digest(f) for f in rep.figures), _text=True)
    if rep.figures:
        rec.call("figure.data_uri() head", lambda: rep.figures[0].data_uri()[:40])
    if write:
        md = Path.cwd() / "out" / "report.md"
        md.parent.mkdir()
        rec.call("rep.to_markdown(path)", rep.to_markdown, md, _text=True)
        rec.call("rep.to_html(path)", rep.to_html, Path.cwd() / "out" / "report.html", _text=True)
        rec.call(
            "files written",
            lambda: sorted(
                str(p.relative_to(Path.cwd())) for p in Path.cwd().rglob("*") if p.is_file()
            ),
        )
        rec.call(
            "written md equals returned",
            lambda: md.read_text(encoding="utf-8") == rep.to_markdown(md),
        )


def report_case(case_id: str, frame, write: bool = False, **kw) -> None:
    def run(rec: Recorder) -> None:
        kw2 = {k: resolve(v) for k, v in kw.items()}
        rep = rec.call("trial_report", fo.trial_report, frame(), **kw2)
        report_followups(rec, rep, write=write)

    add_case(case_id, run)


MN_REPORT = dict(response="yld_grain_dry_kgha", treatment="trt", block="rep")
MN_RATES = {"rate_n_applied_kgha": "N"}
PRICES_WC = Lazy(lambda: fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4, currency="yuan"))
MN_PRICES_L = Lazy(lambda: fo.Prices(crop=0.157, N=0.88, currency="USD"))


def _rcbd(n_trt=4, n_rep=3, seed=1):
    g = rng(seed)
    return _pd().DataFrame(
        [
            {"trt": f"T{i + 1}", "rep": r + 1, "yield": 20 + 2 * i + r + g.normal(0, 0.5)}
            for r in range(n_rep)
            for i in range(n_trt)
        ]
    )


def _two_nutrient_trial():
    g = rng(7)
    rows = []
    for r in (1, 2, 3):
        for trt, n, p in (
            ("N0", 0, 40),
            ("N1", 60, 40),
            ("N2", 120, 40),
            ("N3", 180, 40),
            ("N2P0", 120, 0),
        ):
            y = 5 + 0.03 * n - 0.0001 * n * n + (0.4 if p else 0) + g.normal(0, 0.15)
            rows.append({"trt": trt, "rep": r, "N": n, "P2O5": p, "yield": y})
    return _pd().DataFrame(rows)


def _convex_trial():
    return _pd().DataFrame(
        [
            {
                "trt": f"N{n}",
                "rep": r,
                "N": n,
                "yield": 5 + 0.00005 * n * n + 0.01 * r + 0.02 * ((n + r) % 3),
            }
            for r in (1, 2, 3)
            for n in (0, 50, 100, 150)
        ]
    )


CODES_3414 = [
    "000",
    "022",
    "122",
    "202",
    "212",
    "222",
    "232",
    "220",
    "221",
    "223",
    "322",
    "112",
    "121",
    "211",
]


def _trial_3414(surface, sd=20.0, seed=1):
    level2 = {"N": 18.0, "P2O5": 8.0, "K2O": 19.0}
    g = rng(seed)
    rows = []
    for rep in (1, 2, 3):
        for i, code in enumerate(CODES_3414):
            x = {n: level2[n] * (0, 0.5, 1, 1.5)[int(d)] for n, d in zip(level2, code, strict=True)}
            rows.append(
                {"trt": f"T{i + 1}", "rep": rep, **x, "yield": surface(**x) + g.normal(0, sd)}
            )
    return _pd().DataFrame(rows)


def _concave(N, P2O5, K2O):
    return (
        1700 + 90 * N - 2.5 * N**2 + 120 * P2O5 - 7 * P2O5**2 + 40 * K2O - K2O**2 + 0.5 * N * P2O5
    )


def _saddle(N, P2O5, K2O):
    return 1700 + 20 * N + 0.5 * N**2 + 120 * P2O5 - 7 * P2O5**2 + 40 * K2O - K2O**2 - 2.0 * N * K2O


def _omission_trial(labels=("CK", "NPK", "PK", "NK", "NP")):
    means = dict(zip(labels, (1690.0, 3100.0, 2500.0, 2900.0, 2790.0), strict=True))
    rates = dict(
        zip(labels, ((0, 0, 0), (18, 8, 19), (0, 8, 19), (18, 0, 19), (18, 8, 0)), strict=True)
    )
    wobble = (-30.0, 10.0, 20.0)
    return _pd().DataFrame(
        [
            {
                "trt": t,
                "rep": r + 1,
                "N": rates[t][0],
                "P2O5": rates[t][1],
                "K2O": rates[t][2],
                "yield": means[t] + wobble[(r + i) % 3],
            }
            for r in range(3)
            for i, t in enumerate(labels)
        ]
    )


def _factorial_np():
    g = rng(3)
    return _pd().DataFrame(
        [
            {"rep": r, "N": n, "P": p, "yield": 5 + 0.02 * n + 0.01 * p + g.normal(0, 0.2)}
            for r in (1, 2, 3)
            for n in (0, 60, 120)
            for p in (0, 40)
        ]
    )


report_case(
    "report.minnesota.en", lambda: dataset("minnesota_2012"), write=True, posthoc=None, **MN_REPORT
)
report_case(
    "report.minnesota.zh", lambda: dataset("minnesota_2012"), lang="zh", posthoc=None, **MN_REPORT
)
report_case(
    "report.minnesota.priced.en",
    lambda: dataset("minnesota_2012"),
    rates=MN_RATES,
    prices=MN_PRICES_L,
    **MN_REPORT,
)
report_case(
    "report.minnesota.priced.zh",
    lambda: dataset("minnesota_2012"),
    rates=MN_RATES,
    prices=MN_PRICES_L,
    lang="zh",
    figures=False,
    **MN_REPORT,
)
report_case(
    "report.minnesota.best_model",
    lambda: dataset("minnesota_2012"),
    rates=MN_RATES,
    prices=MN_PRICES_L,
    model="best",
    figures=False,
    **MN_REPORT,
)
report_case(
    "report.minnesota.qp_no_prices",
    lambda: dataset("minnesota_2012"),
    rates=MN_RATES,
    model="quadratic_plateau",
    figures=False,
    **MN_REPORT,
)
for _ph in ("duncan", "lsd", "tukey", "snk", "scheffe"):
    report_case(
        f"report.minnesota.posthoc_{_ph}",
        lambda: dataset("minnesota_2012"),
        posthoc=_ph,
        figures=False,
        alpha=0.01 if _ph == "lsd" else 0.05,
        **MN_REPORT,
    )
report_case(
    "report.minnesota.svg",
    lambda: dataset("minnesota_2012"),
    figure_format="svg",
    posthoc=None,
    title="SVG figures",
    digits=3,
    **MN_REPORT,
)
report_case(
    "report.minnesota.dropped_plots",
    lambda: dataset("minnesota_2012").assign(
        yld_grain_dry_kgha=lambda d: d["yld_grain_dry_kgha"].where(~d.index.isin([3, 17]))
    ),
    figures=False,
    **MN_REPORT,
)
report_case(
    "report.failed_anova",
    lambda: _rcbd().assign(rep=1),
    response="yield",
    treatment="trt",
    block="rep",
    posthoc="duncan",
)
report_case(
    "report.error.failed_anova_raise",
    lambda: _rcbd().assign(rep=1),
    response="yield",
    treatment="trt",
    block="rep",
    errors="raise",
    figures=False,
)
report_case(
    "report.rcbd_chinese_names",
    lambda: _rcbd().assign(
        trt=lambda d: d["trt"].map({"T1": "处理一", "T2": "处理二", "T3": "处理三", "T4": "处理四"})
    ),
    response="yield",
    treatment="trt",
    block="rep",
)
report_case("report.rcbd_no_block", _rcbd, response="yield", treatment="trt", figures=False)
report_case(
    "report.two_nutrients",
    _two_nutrient_trial,
    response="yield",
    treatment="trt",
    block="rep",
    rates=["N", "P2O5"],
    posthoc=None,
    figures=False,
)
report_case(
    "report.convex_response",
    _convex_trial,
    response="yield",
    treatment="trt",
    block="rep",
    rates="N",
    prices=Lazy(lambda: fo.Prices(crop=1.0, N=0.01)),
    figures=False,
)
report_case(
    "report.3414_surface.en",
    lambda: _trial_3414(_concave),
    response="yield",
    treatment="trt",
    block="rep",
    rates=["N", "P2O5", "K2O"],
    prices=PRICES_WC,
    posthoc=None,
)
report_case(
    "report.3414_surface.zh",
    lambda: _trial_3414(_concave),
    response="yield",
    treatment="trt",
    block="rep",
    rates=["N", "P2O5", "K2O"],
    prices=PRICES_WC,
    lang="zh",
    figures=False,
)
report_case(
    "report.3414_saddle",
    lambda: _trial_3414(_saddle),
    response="yield",
    treatment="trt",
    block="rep",
    rates=["N", "P2O5", "K2O"],
    prices=PRICES_WC,
    posthoc=None,
    figures=False,
)
report_case(
    "report.omission.en",
    _omission_trial,
    response="yield",
    treatment="trt",
    block="rep",
    rates=["N", "P2O5", "K2O"],
    prices=PRICES_WC,
)
report_case(
    "report.omission.zh_layout",
    lambda: _omission_trial(labels=("空白区", "配方区", "甲", "乙", "丙")),
    response="yield",
    treatment="trt",
    block="rep",
    lang="zh",
    figures=False,
    omission={
        "full": "配方区",
        "control": "空白区",
        "minus": {"N": "甲", "P2O5": "乙", "K2O": "丙"},
    },
)
report_case(
    "report.water_chestnut.zh",
    lambda: dataset("water_chestnut"),
    response="yield",
    treatment="treatment",
    block="block",
    rates=["N", "P2O5", "K2O"],
    prices=PRICES_WC,
    lang="zh",
    omission={
        "full": "formula",
        "control": "blank",
        "minus": {"N": "reduced N", "P2O5": "reduced P", "K2O": "reduced K"},
    },
)
report_case(
    "report.water_chestnut.en",
    lambda: dataset("water_chestnut"),
    response="yield",
    treatment="treatment",
    block="block",
    rates=["N", "P2O5", "K2O"],
    prices=PRICES_WC,
    figures=False,
)
report_case(
    "report.factorial",
    _factorial_np,
    response="yield",
    treatment=["N", "P"],
    block="rep",
    figures=False,
)
report_case(
    "report.factorial.zh",
    _factorial_np,
    response="yield",
    treatment=["N", "P"],
    block="rep",
    figures=False,
    lang="zh",
    posthoc="lsd",
)
_REPORT_ERRORS = {
    "misspelled_response": dict(response="yld_grain_dry", treatment="trt"),
    "misspelled_rates": dict(MN_REPORT, rates="Nrate"),
    "lang_fr": dict(MN_REPORT, lang="fr"),
    "posthoc": dict(MN_REPORT, posthoc="bonferroni"),
    "alpha": dict(MN_REPORT, alpha=1.5),
    "figure_format": dict(MN_REPORT, figure_format="jpg"),
    "model": dict(MN_REPORT, model="cubic"),
    "rates_nutrient": dict(MN_REPORT, rates={"rate_n_applied_kgha": "nitrogen"}),
    "omission_string": dict(MN_REPORT, omission="NPK"),
    "errors_option": dict(MN_REPORT, errors="ignore"),
}
for _name, _kw in _REPORT_ERRORS.items():
    report_case(f"report.error.{_name}", lambda: dataset("minnesota_2012"), figures=False, **_kw)


# ---------------------------------------------------------------------------
# batch runs
# ---------------------------------------------------------------------------
def random_trials(
    n_trials: int, seed: int, *, degenerate: bool = True, min_blocks: int = 2, shape=None
):
    np, pd = _np(), _pd()
    g = rng(seed)
    frames = []
    for t in range(n_trials):
        k, r = int(g.integers(2, 8)), int(g.integers(min_blocks, 5))
        if shape is not None:
            k, r = shape
        trt = np.repeat(np.arange(k), r)
        rep = np.tile(np.arange(r), k)
        y = g.normal(0, 1, k * r) + g.normal(0, 2, k)[trt] + g.normal(0, 1, r)[rep]
        kind = t % 8 if degenerate else 0
        if kind == 1:
            y = 1e9 + y * 1e-3
        elif kind == 2:
            y = np.round(y)
        elif kind == 3:
            y = g.normal(0, 1, k)[trt] + g.normal(0, 1, r)[rep]
        elif kind == 4:
            y = y - y.reshape(k, r).mean(axis=1)[trt]
        elif kind == 5:
            y = y * 1e-8
        elif kind == 6:
            y = -y * 1e6
        frames.append(
            pd.DataFrame({"trial": t, "trt": [f"T{i}" for i in trt], "rep": rep + 1, "y": y})
        )
    return pd.concat(frames, ignore_index=True)


def bad_batch():
    pd = _pd()
    data = random_trials(10, seed=17, degenerate=False, shape=(5, 3))
    data["y"] = data["y"].astype(object)
    rows = data.groupby("trial").groups
    data = data.drop(index=rows[0][:1])
    data.loc[rows[1][2], "y"] = "twelve"
    data = data[(data["trial"] != 2) | (data["rep"] == 1)]
    data.loc[rows[3], "y"] = 5.0
    data = pd.concat([data, data.loc[[rows[4][0]]]])
    data.loc[rows[5][1], "y"] = None
    data = data[(data["trial"] != 6) | (data["trt"] == "T0")]
    data = data[(data["trial"] != 7) | (data["trt"] != "T2")]
    return data


def batch_3414(n_trials: int, seed: int):
    np, pd = _np(), _pd()
    g = rng(seed)
    codes = np.array([[int(c) for c in code] for code in CODES_3414], dtype=float)
    lv = np.array([0.0, 0.5, 1.0, 1.5])[codes.astype(int)]
    frames = []
    for t in range(n_trials):
        level2 = np.array(
            [g.choice([150, 180, 210]), g.choice([60, 75, 90]), g.choice([90, 120, 150])], float
        )
        x = lv * level2
        curv = g.uniform(0.01, 0.08, 3) * g.choice([1, 1, 1, -0.3], 3)
        opt = level2 * g.uniform(0.6, 1.6, 3)
        mean = 6000 + (2 * curv * opt * x).sum(1) - (curv * x**2).sum(1) + 0.005 * x[:, 0] * x[:, 1]
        y = mean[:, None] + g.normal(0, 120, (1, 3)) + g.normal(0, 200, (14, 3))
        frames.append(
            pd.DataFrame(
                {
                    "trial": t,
                    "trt": np.repeat([f"T{i + 1}" for i in range(14)], 3),
                    "rep": np.tile([1, 2, 3], 14),
                    "yield": y.ravel(),
                    "N": np.repeat(x[:, 0], 3),
                    "P2O5": np.repeat(x[:, 1], 3),
                    "K2O": np.repeat(x[:, 2], 3),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def batch_n_trials(n_sites: int, seed: int):
    np, pd = _np(), _pd()
    g = rng(seed)
    frames = []
    for s in range(n_sites):
        df = pd.DataFrame(
            {
                "site": f"S{s:02d}",
                "N": np.repeat([0.0, 60, 120, 180, 240], 4),
                "rep": np.tile([1, 2, 3, 4], 5),
            }
        )
        b, c = g.uniform(25, 40), g.uniform(0.05, 0.12)
        df["yield"] = 5000 + b * df["N"] - c * df["N"] ** 2 + g.normal(0, 250, len(df))
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def batch_followups(rec: Recorder, res, n_results: int = 2) -> None:
    if res is None:
        return
    keys = rec.call("list(res.results)", lambda: list(res.results))
    for key in (keys or [])[:n_results]:
        rec.call(f"res.results[{key!r}]", lambda k=key: res.results[k])
    if n_results > 5:
        rec.call("res.results['nope']", lambda: res.results["nope"])


def batch_case(case_id: str, frame, n_results: int = 2, **kw) -> None:
    def run(rec: Recorder) -> None:
        rec.mask_elapsed()
        args = {k: resolve(v) for k, v in kw.items()}
        res = rec.call("run_batch", fo.run_batch, frame(), **args)
        batch_followups(rec, res, n_results)

    add_case(case_id, run)


BATCH = dict(by="trial", response="y", treatment="trt", block="rep")
batch_case(
    "batch.random.default",
    lambda: random_trials(24, seed=11).sample(frac=1.0, random_state=3),
    posthoc=None,
    **BATCH,
)
batch_case(
    "batch.random.python",
    lambda: random_trials(24, seed=11),
    posthoc=None,
    engine="python",
    **BATCH,
)
batch_case("batch.random.duncan", lambda: random_trials(12, seed=5, degenerate=False), **BATCH)
batch_case(
    "batch.random.duncan.python",
    lambda: random_trials(12, seed=5, degenerate=False),
    engine="python",
    **BATCH,
)
for _ph in ("lsd", "tukey", "snk", "scheffe"):
    batch_case(
        f"batch.random.{_ph}",
        lambda: random_trials(8, seed=6, degenerate=False),
        posthoc=_ph,
        alpha=0.1,
        **BATCH,
    )
batch_case(
    "batch.random.crd",
    lambda: random_trials(8, seed=7, degenerate=False),
    by="trial",
    response="y",
    treatment="trt",
)
batch_case(
    "batch.two_keys",
    lambda: random_trials(6, seed=16, degenerate=False).assign(
        site=lambda d: _np().where(d["trial"] % 2 == 0, "north", "south"),
        year=lambda d: 2020 + d["trial"] // 2,
    ),
    by=("site", "year"),
    response="y",
    treatment="trt",
    block="rep",
)
batch_case(
    "batch.bad_trials.vectorized",
    bad_batch,
    posthoc=None,
    engine="vectorized",
    n_results=10,
    **BATCH,
)
batch_case("batch.bad_trials.python", bad_batch, posthoc=None, engine="python", **BATCH)
batch_case("batch.error.bad_trials_raise", bad_batch, posthoc=None, errors="raise", **BATCH)
batch_case(
    "batch.no_key_rows",
    lambda: random_trials(4, seed=2, degenerate=False).assign(
        trial=lambda d: d["trial"].astype(float).where(d.index % 17 != 3)
    ),
    posthoc=None,
    **BATCH,
)
batch_case(
    "batch.surface.full",
    lambda: batch_3414(6, seed=1),
    by="trial",
    response="yield",
    treatment="trt",
    block="rep",
    rates=("N", "P2O5", "K2O"),
    surface="full",
    posthoc=None,
    prices=Lazy(lambda: fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4)),
)
batch_case(
    "batch.surface.full.python",
    lambda: batch_3414(4, seed=2),
    by="trial",
    response="yield",
    treatment="trt",
    block="rep",
    rates=("N", "P2O5", "K2O"),
    surface="full",
    engine="python",
    prices=Lazy(lambda: fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4)),
)
batch_case(
    "batch.surface.stepwise",
    lambda: batch_3414(3, seed=3),
    by="trial",
    response="yield",
    treatment="trt",
    block="rep",
    rates=("N", "P2O5", "K2O"),
    surface="stepwise",
    posthoc=None,
)
batch_case(
    "batch.surface.unreplicated",
    lambda: batch_3414(3, seed=4).query("rep == 1"),
    by="trial",
    response="yield",
    treatment="trt",
    rates=("N", "P2O5", "K2O"),
    surface="full",
    posthoc=None,
)
batch_case(
    "batch.model.quadratic",
    lambda: batch_n_trials(5, seed=8),
    by="site",
    response="yield",
    treatment="N",
    block="rep",
    rates="N",
    model="quadratic",
    prices=Lazy(lambda: fo.Prices(crop=0.2, N=1.0)),
)
batch_case(
    "batch.model.qp.python",
    lambda: batch_n_trials(3, seed=9),
    by="site",
    response="yield",
    treatment="N",
    block="rep",
    rates="N",
    model="quadratic_plateau",
    engine="python",
    posthoc=None,
)
batch_case(
    "batch.model.mitscherlich_noprices",
    lambda: batch_n_trials(3, seed=10),
    by="site",
    response="yield",
    treatment="N",
    block="rep",
    rates="N",
    model="mitscherlich",
    posthoc=None,
)
_BATCH_ERRORS = {
    "by_missing": dict(BATCH, by="site"),
    "response_missing": dict(BATCH, response="yeild"),
    "posthoc": dict(BATCH, posthoc="bonferroni"),
    "engine": dict(BATCH, engine="spark"),
    "surface_option": dict(BATCH, surface="partial"),
    "surface_without_rates": dict(BATCH, surface="full"),
    "model_name": dict(BATCH, model="cubic", rates="trt"),
    "alpha": dict(BATCH, alpha=5),
    "errors_option": dict(BATCH, errors="ignore"),
    "model_and_surface": dict(BATCH, model="quadratic", surface="full", rates=("trt", "rep")),
}
for _name, _kw in _BATCH_ERRORS.items():
    batch_case(f"batch.error.{_name}", lambda: random_trials(3, seed=1, degenerate=False), **_kw)


@case("batch.to_files")
def _(rec):
    rec.mask_elapsed()
    pd = _pd()
    res = fo.run_batch(bad_batch(), posthoc="duncan", **BATCH)
    out = Path.cwd()
    rec.call("to_files(out.csv)", lambda: [p.name for p in res.to_files(out / "out.csv")])
    for name in ("out.csv", "out_groups.csv", "out_failures.csv", "out_warnings.csv"):
        rec.call(f"file {name}", lambda n=name: (out / n).read_text(encoding="utf-8"), _text=True)
    rec.call("to_files(out.parquet)", lambda: [p.name for p in res.to_files(out / "out.parquet")])
    rec.call("parquet table", pd.read_parquet, out / "out.parquet")
    rec.call("to_files(out.xlsx)", lambda: [p.name for p in res.to_files(out / "out.xlsx")])
    rec.call(
        "xlsx sheets",
        lambda: {k: v for k, v in pd.read_excel(out / "out.xlsx", sheet_name=None).items()},
    )
    rec.call("to_files(out.json)", res.to_files, out / "out.json")


@case("batch.paths_and_globs")
def _(rec):
    rec.mask_elapsed()
    data = random_trials(4, seed=23, degenerate=False)
    for t, part in data.groupby("trial"):
        part.to_csv(Path.cwd() / f"site{t}.csv", index=False)
    rec.call(
        "glob",
        fo.run_batch,
        str(Path.cwd() / "site*.csv"),
        by="trial",
        response="y",
        treatment="trt",
        block="rep",
    )
    rec.call(
        "no match",
        fo.run_batch,
        str(Path.cwd() / "none*.csv"),
        by="trial",
        response="y",
        treatment="trt",
    )
    data.to_csv(Path.cwd() / "all.csv", index=False)
    rec.call(
        "one path",
        fo.run_batch,
        Path.cwd() / "all.csv",
        by="trial",
        response="y",
        treatment="trt",
        block="rep",
        posthoc=None,
        _full=False,
    )


# ---------------------------------------------------------------------------
# the command line (fertopt.cli.main in-process, stdout/stderr captured)
# ---------------------------------------------------------------------------
def run_cli(rec: Recorder, argv, label: str = "cli") -> None:
    import importlib

    cli = importlib.import_module("fertopt.cli")
    out, err = io.StringIO(), io.StringIO()
    code = None
    exc_text = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(argv))
            except SystemExit as exc:
                code = f"SystemExit({exc.code!r})"
            except Exception as exc:  # noqa: BLE001
                exc_text = exception_text(exc)
    rec.outcomes.append(exc_text is not None)
    rec.add(f"{label} argv", repr(list(argv)))
    rec.add(f"{label} exit", repr(code))
    rec.add(f"{label} stdout", out.getvalue())
    rec.add(f"{label} stderr", err.getvalue())
    if exc_text is not None:
        rec.add(f"{label} -> EXCEPTION", exc_text)
    rec.warnings_of(label, caught)


def list_files(rec: Recorder, label: str = "files") -> None:
    files = sorted(p for p in Path.cwd().rglob("*") if p.is_file())
    rec.add(label, "\n".join(str(p.relative_to(Path.cwd())) for p in files))


def _chinese_rows(treatments=("CK", "N", "NP", "NPK"), reps=(1, 2, 3)):
    return ["处理,重复,产量"] + [
        f"{t},{r},{1000 + 100 * i + 7 * r + (i * r) % 5}"
        for r in reps
        for i, t in enumerate(treatments)
    ]


def cli_case(case_id: str, argv, setup=None, show_files: bool = False, read: tuple = ()) -> None:
    def run(rec: Recorder) -> None:
        rec.mask_elapsed()
        if setup is not None:
            setup()
        run_cli(rec, argv)
        if show_files:
            list_files(rec)
        for name in read:
            path = Path.cwd() / name
            if path.exists():
                text = path.read_text(encoding="utf-8")
                rec.add(f"file {name}", text)
            else:
                rec.add(f"file {name}", "(missing)")

    add_case(case_id, run)


def _write_minnesota():
    fo.load_dataset("minnesota_2012").to_csv(Path.cwd() / "minnesota.csv", index=False)


def _write_gbk(name="t.csv", treatments=("对照", "T2", "T3", "T4")):
    def setup():
        (Path.cwd() / name).write_bytes("\n".join(_chinese_rows(treatments)).encode("gbk"))

    return setup


def _write_text(content, name="t.csv"):
    def setup():
        (Path.cwd() / name).write_text(content, encoding="utf-8")

    return setup


def _write_excel():
    rows = [r.split(",") for r in _chinese_rows()]
    frame = _pd().DataFrame(rows[1:], columns=rows[0])
    frame["产量"] = frame["产量"].astype(float)
    frame.to_excel(Path.cwd() / "trial.xlsx", sheet_name="2013", index=False)


def _write_warn_rows():
    rows = _chinese_rows()
    rows[5] = rows[5].rsplit(",", 1)[0] + ","
    (Path.cwd() / "t.csv").write_text("\n".join(rows), encoding="utf-8")


def _write_3414_csv():
    three414_trial().rename(columns={"yield": "产量", "block": "重复", "treatment": "处理"}).to_csv(
        Path.cwd() / "t3414.csv", index=False
    )


def _write_omission_csv():
    data("omission_a").to_csv(Path.cwd() / "om.csv", index=False)


def _write_batch():
    bad_batch().rename(columns={"trt": "treatment", "rep": "block", "y": "yield"}).to_csv(
        Path.cwd() / "all.csv", index=False
    )


def _write_batch_3414():
    batch_3414(3, seed=5).rename(columns={"trt": "treatment", "rep": "block"}).to_csv(
        Path.cwd() / "b3414.csv", index=False
    )


cli_case("cli.version", ["--version"])
cli_case("cli.help", ["--help"])
cli_case("cli.no_command", [])
for _sub in ("analyze", "batch", "design", "example"):
    cli_case(f"cli.help.{_sub}", [_sub, "--help"])
cli_case(
    "cli.analyze.minnesota_text",
    ["analyze", "minnesota.csv", "--posthoc", "duncan"],
    setup=_write_minnesota,
)
cli_case(
    "cli.analyze.minnesota_json",
    [
        "analyze",
        "minnesota.csv",
        "--format",
        "json",
        "--prices",
        "crop=0.157,N=0.88,currency=USD",
        "--model",
        "quadratic_plateau",
    ],
    setup=_write_minnesota,
)
cli_case(
    "cli.analyze.minnesota_html",
    ["analyze", "minnesota.csv", "--format", "html", "--posthoc", "lsd"],
    setup=_write_minnesota,
)
cli_case(
    "cli.analyze.minnesota_md_report",
    [
        "analyze",
        "minnesota.csv",
        "--report",
        "report.md",
        "--format",
        "markdown",
        "--model",
        "best",
    ],
    setup=_write_minnesota,
    show_files=True,
    read=("report.md",),
)
cli_case("cli.analyze.gbk_json", ["analyze", "t.csv", "--format", "json"], setup=_write_gbk())
cli_case(
    "cli.analyze.gbk_zh_html_report",
    ["analyze", "试验.csv", "--lang", "zh", "--report", "报告.html", "--posthoc", "lsd"],
    setup=_write_gbk("试验.csv", ("对照", "处理2", "处理3", "处理4")),
    show_files=True,
    read=("报告.html",),
)
cli_case(
    "cli.analyze.excel_sheet",
    ["analyze", "trial.xlsx", "--sheet", "2013", "--format", "markdown", "--posthoc", "lsd"],
    setup=_write_excel,
)
cli_case(
    "cli.analyze.warnings_one_line",
    ["analyze", "t.csv", "--posthoc", "lsd"],
    setup=_write_warn_rows,
)
cli_case(
    "cli.analyze.3414_prices_zh",
    [
        "analyze",
        "t3414.csv",
        "--rates",
        "N,P2O5,K2O",
        "--prices",
        "crop=2,N=5,P2O5=6,K2O=5,currency=yuan",
        "--lang",
        "zh",
        "--posthoc",
        "snk",
    ],
    setup=_write_3414_csv,
)
cli_case(
    "cli.analyze.omission_layout",
    [
        "analyze",
        "om.csv",
        "--response",
        "yield",
        "--treatment",
        "treatment",
        "--block",
        "block",
        "--omission",
        "full=NPK,control=CK,N=PK,P2O5=NK,K2O=NP",
        "--rates",
        "N,P2O5,K2O",
        "--alpha",
        "0.01",
    ],
    setup=_write_omission_csv,
)
cli_case(
    "cli.error.analyze.role_by_file_header",
    [
        "analyze",
        "minnesota.csv",
        "--rates",
        "rate_n_applied_kgha=N",
        "--treatment",
        "trt",
        "--block",
        "rep",
        "--response",
        "yld_grain_dry_kgha",
        "--format",
        "json",
    ],
    setup=_write_minnesota,
)
cli_case(
    "cli.analyze.rates_mapping",
    [
        "analyze",
        "minnesota.csv",
        "--rates",
        "rate_n_applied_kgha=N",
        "--treatment",
        "treatment",
        "--block",
        "block",
        "--response",
        "yld_grain_dry_kgha",
        "--format",
        "json",
        "--posthoc",
        "tukey",
    ],
    setup=_write_minnesota,
)
_CLI_BAD = {
    "no_roles": ("a,b\n1,2\n", ()),
    "text_in_yield": ("trt,yield\nA,1\nB,x\n", ()),
    "single_block": ("trt,rep,yield\nA,1,1\nB,1,2\nA,1,3\nB,1,4\n", ()),
    "unknown_column": ("trt,rep,yield\nA,1,1\nB,1,2\nA,2,3\nB,2,5\n", ("--response", "yld")),
    "unknown_rates": ("trt,rep,yield\nA,1,1\nB,1,2\nA,2,3\nB,2,5\n", ("--rates", "Nrate")),
    "bad_prices": ("trt,rep,yield\nA,1,1\nB,1,2\nA,2,3\nB,2,5\n", ("--prices", "crop:2.8")),
    "no_crop_price": ("trt,rep,yield\nA,1,1\nB,1,2\nA,2,3\nB,2,5\n", ("--prices", "N=6")),
    "bad_alpha": ("trt,rep,yield\nA,1,1\nB,1,2\nA,2,3\nB,2,5\n", ("--alpha", "5")),
    "bad_report_suffix": ("trt,rep,yield\nA,1,1\nB,1,2\nA,2,3\nB,2,5\n", ("--report", "out.pdf")),
    "bad_model": ("trt,rep,yield\nA,1,1\nB,1,2\nA,2,3\nB,2,5\n", ("--model", "cubic")),
    "omission_no_minus": (
        "trt,rep,yield\nA,1,1\nB,1,2\nA,2,3\nB,2,5\n",
        ("--omission", "full=NPK"),
    ),
    "omission_not_pairs": ("trt,rep,yield\nA,1,1\nB,1,2\nA,2,3\nB,2,5\n", ("--omission", "NPK,CK")),
    "debug_traceback": ("trt,yield\nA,1\nB,x\n", ("--debug",)),
}
for _name, (_content, _args) in _CLI_BAD.items():
    cli_case(
        f"cli.error.analyze.{_name}", ["analyze", "t.csv", *_args], setup=_write_text(_content)
    )
for _name, _argv in {
    "missing_file": ["analyze", "missing.csv"],
    "lang_fr": ["analyze", "x.csv", "--lang", "fr"],
    "alpha_text": ["analyze", "x.csv", "--alpha", "high"],
    "no_file": ["analyze"],
    "unknown_command": ["frobnicate"],
    "batch_no_by": ["batch", "all.csv"],
}.items():
    cli_case(f"cli.error.usage.{_name}", _argv)

cli_case(
    "cli.design.3414",
    [
        "design",
        "3414",
        "--level2",
        "N=18,P2O5=8,K2O=19",
        "--reps",
        "3",
        "--seed",
        "7",
        "--out",
        "fb.csv",
    ],
    show_files=True,
    read=("fb.csv",),
)
cli_case(
    "cli.design.factorial",
    [
        "design",
        "factorial",
        "--factor",
        "N=0,90",
        "--factor",
        "K2O=0,60",
        "--reps",
        "2",
        "--seed",
        "1",
    ],
)
cli_case(
    "cli.design.split_plot",
    [
        "design",
        "split-plot",
        "--main",
        "irr=dry,wet",
        "--sub",
        "N=0,60",
        "--seed",
        "1",
        "--plot-numbers",
        "block",
    ],
)
cli_case(
    "cli.design.omission", ["design", "omission", "--formula", "N=18,P2O5=8,K2O=19", "--seed", "1"]
)
cli_case(
    "cli.design.omission_reduce",
    [
        "design",
        "omission",
        "--formula",
        "N=18,P2O5=8,K2O=19",
        "--reduce",
        "0.3",
        "--no-control",
        "--reps",
        "2",
        "--seed",
        "2",
    ],
)
cli_case(
    "cli.design.rcbd",
    ["design", "rcbd", "--treatments", "CK,N,NP,NPK", "--reps", "4", "--seed", "3"],
)
cli_case("cli.design.crd", ["design", "crd", "--treatments", "A,B,C", "--seed", "4"])
cli_case("cli.design.latin", ["design", "latin", "--treatments", "A,B,C,D", "--seed", "5"])
cli_case("cli.error.design.level2_pairs", ["design", "3414", "--level2", "N=18,P2O5"])
cli_case("cli.error.design.rcbd_no_treatments", ["design", "rcbd"])
cli_case("cli.error.design.kind", ["design", "alpha-lattice"])
cli_case("cli.error.design.factor", ["design", "factorial", "--factor", "N", "--seed", "1"])

cli_case(
    "cli.batch.bad_trials",
    ["batch", "all.csv", "--by", "trial", "--out", "res.csv"],
    setup=_write_batch,
    show_files=True,
    read=("res.csv", "res_failures.csv", "res_warnings.csv", "res_groups.csv"),
)
cli_case(
    "cli.batch.stdout_python",
    ["batch", "all.csv", "--by", "trial", "--engine", "python", "--posthoc", "none"],
    setup=_write_batch,
)
cli_case(
    "cli.batch.surface_prices",
    [
        "batch",
        "b3414.csv",
        "--by",
        "trial",
        "--rates",
        "N,P2O5,K2O",
        "--surface",
        "full",
        "--prices",
        "crop=2.8,N=6.25,P2O5=4.67,K2O=10.4",
        "--out",
        "res.csv",
    ],
    setup=_write_batch_3414,
    show_files=True,
    read=("res.csv",),
)
cli_case("cli.error.batch.by_missing", ["batch", "all.csv", "--by", "site"], setup=_write_batch)
cli_case("cli.error.batch.no_match", ["batch", "none*.csv", "--by", "trial"])
cli_case("cli.example.en", ["example"], show_files=True)
cli_case(
    "cli.example.zh_json",
    ["example", "--lang", "zh", "--report", "wc.html", "--format", "json"],
    show_files=True,
)


# ---------------------------------------------------------------------------
# plotting (figure texts and line data, never pixels)
# ---------------------------------------------------------------------------
def _P():
    return fo.plotting


@case("plotting.constants_and_style")
def _(rec):
    import matplotlib

    P = _P()
    rec.call("__all__", lambda: P.__all__)
    rec.call("PALETTE", lambda: P.PALETTE)
    rec.call("NEUTRAL", lambda: P.NEUTRAL)
    before = {k: matplotlib.rcParams[k] for k in ("axes.spines.top", "savefig.dpi", "font.size")}

    def inside(lang):
        with P.style(lang) as rc:
            keys = (
                "axes.spines.top",
                "axes.spines.right",
                "savefig.dpi",
                "pdf.fonttype",
                "font.size",
                "axes.prop_cycle",
                "font.family",
            )
            return {
                "rc": dict(sorted((k, repr(v)) for k, v in rc.items())),
                "rcParams": {k: repr(matplotlib.rcParams[k]) for k in keys},
            }

    rec.call("style()", inside, "en")
    rec.call("style('zh')", inside, "zh")
    rec.call("style('de')", inside, "de")
    rec.call("rcParams restored", lambda: {k: matplotlib.rcParams[k] for k in before} == before)


@case("plotting.chinese_axes")
def _(rec):
    import matplotlib.pyplot as plt

    P = _P()
    rec.call("find_cjk_font() is None", lambda: P.find_cjk_font() is None)
    fig, ax = plt.subplots()
    ax.bar(["对照", "配方施肥"], [1688.6, 3020.0])
    ax.set_ylabel("产量 (kg/亩)")
    rec.call("check_glyphs(ax)", P.check_glyphs, ax)
    rec.call("tidy_axes(ax)", P.tidy_axes, ax)
    rec.call("tidy_axes(ax, grid='x')", P.tidy_axes, ax, grid="x")
    rec.call("tidy_axes(ax, grid=None)", P.tidy_axes, ax, grid=None)
    rec.call("spines", lambda: {k: s.get_visible() for k, s in ax.spines.items()})


def _mn_fit(model="quadratic"):
    return fo.fit_response(dataset("minnesota_2012"), model=model, **RESPONSE_SETS["minnesota"][1])


@case("plotting.plot_response")
def _(rec):
    import matplotlib.pyplot as plt

    P = _P()
    fit = _mn_fit()
    econ = fit.optimum(prices=mn_prices())
    rec.call("plot_response(optimum=econ)", P.plot_response, fit, optimum=econ)
    rec.call(
        "plot_response(optimum=econ, lang='zh')", P.plot_response, fit, optimum=econ, lang="zh"
    )
    fig, ax = plt.subplots()
    rec.call(
        "plot_response(ax, prices, ci='profile')",
        P.plot_response,
        fit,
        ax=ax,
        prices=mn_prices(),
        ci="profile",
    )
    rec.call(
        "plot_response(band='prediction', price_ratio, show_maximum=False)",
        P.plot_response,
        fit,
        band="prediction",
        price_ratio=(5.6, "kg/kg"),
        show_maximum=False,
        confidence_level=0.9,
    )
    rec.call("plot_response(band=None, ci=None)", P.plot_response, fit, band=None, ci=None)
    rec.call("plot_response(band='wide')", P.plot_response, fit, band="wide")
    qp = _mn_fit("quadratic_plateau")
    rec.call("plot_response(qp, prices)", P.plot_response, qp, prices=mn_prices())
    p = _chestnut("P", 8, "P2O5")
    rec.call(
        "plot_response(coefficients P)", P.plot_response, p, prices=fo.Prices(crop=2.8, P2O5=4.67)
    )
    k = _chestnut("K", 19, "K2O")
    rec.call(
        "plot_response(coefficients K convex)",
        P.plot_response,
        k,
        prices=fo.Prices(crop=2.8, K2O=10.4),
    )


@case("plotting.plot_net_return")
def _(rec):
    P = _P()
    fit = _mn_fit()
    rec.call("plot_net_return(fit, prices)", P.plot_net_return, fit, prices=mn_prices())
    rec.call(
        "plot_net_return(fit, prices, lang='zh', within=1)",
        P.plot_net_return,
        fit,
        prices=mn_prices(),
        lang="zh",
        within=1.0,
    )
    rec.call("plot_net_return(fit) no prices", P.plot_net_return, fit)
    bach = dataset("bachmaier_nitrogen")
    fits = {
        z: fo.fit_response(
            bach[bach.zone == z],
            response="yield",
            rate="nitro",
            nutrient="N",
            units={"response": "t/ha", "rate": "kg/ha"},
        )
        for z in ("low", "high")
    }
    pooled = fo.pool_sites(fits, prices=bach_prices(), within=5.0)
    rec.call("plot_net_return(pooled)", P.plot_net_return, pooled)
    rec.call(
        "plot_net_return(pooled, show_sites=False)", P.plot_net_return, pooled, show_sites=False
    )
    curve = fit.net_return_curve(prices=mn_prices())
    rec.call("plot_net_return(curve)", P.plot_net_return, curve)


@case("plotting.plot_means_kinds")
def _(rec):
    P = _P()
    aov = mc_aov("disease")
    mc = fo.duncan(aov, alpha_capitals=0.01)
    for kw in (
        dict(),
        dict(kind="points"),
        dict(order="level"),
        dict(error="sd"),
        dict(error="none"),
        dict(letters=False),
        dict(lang="zh"),
        dict(kind="bars", color="0.5", width=0.5),
        dict(order="name"),
        dict(error="ci"),
    ):
        rec.call(f"plot_means({kw})", P.plot_means, mc, **kw)
    dn = fo.dunnett(mc_aov("plantgrowth"), control="ctrl")
    rec.call("dunnett.plot(kind='points')", dn.plot, kind="points")
    rec.call("plot_means(dunnett)", P.plot_means, dn)
    within = fo.duncan(mc_aov("chz2006"), term="amendment", within="crop")
    rec.call("plot_means(within)", P.plot_means, within)


@case("plotting.plot_omission")
def _(rec):
    P = _P()
    args = dict(OM_ARGS)
    om = fo.omission(data("omission_a"), **args)
    for index in (
        "relative_yield",
        "agronomic_efficiency",
        "net_return",
        "yield_increase",
        "value_cost_ratio",
        "contribution_rate",
    ):
        rec.call(f"plot_omission(index={index!r})", P.plot_omission, om, index=index)
    rec.call("plot_omission(lang='zh')", P.plot_omission, om, lang="zh")


@case("plotting.plot_surface_variants")
def _(rec):
    P = _P()
    welch = fo.fit_surface(dataset("welch_bermudagrass"), response="yield", rates=WELCH_RATES)
    rec.call("plot_surface(welch)", P.plot_surface, welch)
    rec.call(
        "plot_surface(welch, x=P, y=K, at)",
        P.plot_surface,
        welch,
        x="P",
        y="K",
        at={"N": 200.0},
        levels=6,
    )
    rec.call(
        "plot_surface(welch, net_return)",
        P.plot_surface,
        welch,
        what="net_return",
        prices=WELCH_PRICES,
        show_points=False,
    )
    rec.call("plot_surface(welch, optimum=None)", P.plot_surface, welch, optimum=None, lang="zh")
    rec.call("plot_surface(welch, what='profit')", P.plot_surface, welch, what="profit")


@case("plotting.plot_reported_points")
def _(rec):
    P = _P()
    p = _chestnut("P", 8, "P2O5")
    reported = [("paper maximum", 9.1, 3185.0), ("paper optimum", 9.06, 3185.0)]
    found = [("maximum", 9.104, 3185.09)]
    rec.call(
        "plot_reported_points",
        P.plot_reported_points,
        p,
        reported,
        found=found,
        x_range=(-2.0, 12.0),
    )
    rec.call(
        "plot_reported_points zoom",
        P.plot_reported_points,
        p,
        reported,
        found=found,
        zoom=((8.5, 9.5), (3180.0, 3190.0)),
        labels={"title": "P"},
    )
    k = _chestnut("K", 19, "K2O")
    rec.call(
        "plot_reported_points K",
        P.plot_reported_points,
        k,
        [("paper", -2.0, 1675.0)],
        x_range=(-5.0, 20.0),
    )


@case("plotting.plot_surface_points")
def _(rec):
    P = _P()
    study = fo.surface_from_coefficients(STUDY, bounds=STUDY_BOX)
    rec.call(
        "plot_surface_points",
        P.plot_surface_points,
        study,
        x="P2O5",
        y="K2O",
        at={"N": 18},
        reported=[("paper", {"N": 13.2, "P2O5": 8, "K2O": 21})],
        design=[
            {"N": 18, "P2O5": 8, "K2O": 19},
            {"N": 20, "P2O5": 8, "K2O": 17},
            {"N": 16, "P2O5": 8, "K2O": 21},
            {"N": 18, "P2O5": 6, "K2O": 19},
        ],
        boxes=[("formula range", {"P2O5": (6, 8), "K2O": (17, 21)})],
        labels={"design": "plots"},
    )
    rec.call(
        "plot_surface_points bad reported",
        P.plot_surface_points,
        study,
        x="P2O5",
        y="K2O",
        reported=[("paper", 8.0, 19.0)],
    )
    rec.call("plot_surface_points minimal", P.plot_surface_points, study, x="N", y="K2O")


# ---------------------------------------------------------------------------
# the public API itself: names, signatures, docstrings, result fields
# ---------------------------------------------------------------------------
PUBLIC_MODULES = (
    "fertopt",
    "fertopt.surface",
    "fertopt.economics",
    "fertopt.multcomp",
    "fertopt.design",
    "fertopt.units",
    "fertopt.datasets",
    "fertopt.distributions",
    "fertopt.plotting",
    "fertopt.reports",
    "fertopt.three414",
    "fertopt.omission",
    "fertopt.batch",
    "fertopt.cli",
    "fertopt.anova",
    "fertopt.io",
    "fertopt.exceptions",
    "fertopt.response",
)


def _signature(obj) -> str:
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(no signature)"


def _describe_api(mod, docs: bool) -> str:
    lines = []
    names = getattr(mod, "__all__", None)
    lines.append(f"__all__ = {names!r}")
    if names is None:
        names = sorted(n for n in dir(mod) if not n.startswith("_"))
    for name in names:
        try:
            obj = getattr(mod, name)
        except AttributeError as exc:
            lines.append(f"{name}: AttributeError {exc}")
            continue
        kind = type(obj).__name__
        if inspect.ismodule(obj):
            lines.append(f"{name}: module")
            continue
        if inspect.isclass(obj):
            bases = [b.__name__ for b in obj.__mro__[1:]]
            lines.append(f"{name}: class{_signature(obj)} bases={bases}")
            if dataclasses.is_dataclass(obj):
                lines.append(f"  fields: {[f.name for f in dataclasses.fields(obj)]}")
            for attr in sorted(vars(obj)):
                if attr.startswith("_") and attr not in ("__init__", "__call__"):
                    continue
                member = inspect.getattr_static(obj, attr)
                if isinstance(member, property):
                    lines.append(f"  .{attr}: property")
                elif callable(member) or isinstance(member, (staticmethod, classmethod)):
                    lines.append(f"  .{attr}{_signature(getattr(obj, attr))}")
                    if docs:
                        lines.append(
                            "    doc: "
                            + (inspect.getdoc(getattr(obj, attr)) or "").replace("\n", "\n    ")
                        )
            if docs:
                lines.append("  doc: " + (inspect.getdoc(obj) or "").replace("\n", "\n  "))
        elif callable(obj):
            lines.append(f"{name}: {kind}{_signature(obj)}")
            if docs:
                lines.append("  doc: " + (inspect.getdoc(obj) or "").replace("\n", "\n  "))
        else:
            text = plain(obj)
            lines.append(f"{name}: {kind} = {text[:2000]}")
    if docs:
        lines.append("module doc: " + (inspect.getdoc(mod) or ""))
    return "\n".join(lines)


def _api_case(modname: str, docs: bool) -> None:
    def run(rec: Recorder) -> None:
        import importlib

        rec.call(
            "describe", lambda: _describe_api(importlib.import_module(modname), docs), _text=True
        )

    add_case(f"api.{'doc' if docs else 'signatures'}.{modname}", run)


for _m in PUBLIC_MODULES:
    _api_case(_m, False)
    _api_case(_m, True)


@case("api.top_level_attributes")
def _(rec):
    rec.call("fo.__version__", lambda: fo.__version__)
    rec.call("fo.plotting is module", lambda: inspect.ismodule(fo.plotting))
    rec.call("fo.distributions is module", lambda: inspect.ismodule(fo.distributions))
    rec.call("fo.nope", lambda: fo.nope)
    rec.call("fo.design is fertopt.design", lambda: fo.design.__name__)
    rec.call("FieldBook", lambda: fo.FieldBook is fo.design.FieldBook)
    rec.call(
        "exceptions MRO",
        lambda: {
            n: [c.__name__ for c in getattr(fo, n).__mro__]
            for n in sorted(fo.__all__)
            if inspect.isclass(getattr(fo, n)) and issubclass(getattr(fo, n), BaseException)
        },
    )


# === END OF CASES ===


# ---------------------------------------------------------------------------
# runner
# ---------------------------------------------------------------------------
def _safe_name(case_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.=+-]", "_", case_id)


def run_all(outdir: Path, only: str | None = None) -> int:
    global fo, TMP_ROOT
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np

    import fertopt

    fo = fertopt
    print(
        f"fertopt {getattr(fertopt, '__version__', '?')} from {fertopt.__file__}", file=sys.stderr
    )
    roots = [os.path.realpath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    here = os.path.realpath(fertopt.__file__)
    if not any(here.startswith(r + os.sep) for r in roots):
        print(
            f"WARNING: fertopt was not imported from PYTHONPATH ({os.pathsep.join(roots)!r})",
            file=sys.stderr,
        )
    outdir.mkdir(parents=True, exist_ok=True)
    # refuse to empty a directory that is not a fingerprint directory
    for old in outdir.iterdir():
        with open(old, "rb") if old.is_file() else contextlib.nullcontext(None) as fh:
            if fh is None or fh.read(7) != b"# case ":
                raise SystemExit(
                    f"{outdir} holds {old.name}, which is not a fingerprint; use an empty directory"
                )
    for old in outdir.iterdir():
        old.unlink()
    os.environ["COLUMNS"] = "100"  # argparse help is wrapped to the terminal width
    tmp = tempfile.mkdtemp(prefix="fertopt-fp-")
    TMP_ROOT = tmp
    seen: set[str] = set()
    n_exc = n_any = n_case_exc = 0
    exc_cases = []
    t0 = time.perf_counter()
    cwd = os.getcwd()
    try:
        for case_id, fn in CASES:
            if only and not re.search(only, case_id):
                continue
            name = _safe_name(case_id)
            if name in seen:
                raise SystemExit(f"duplicate case id {case_id}")
            seen.add(name)
            rec = Recorder()
            np.random.seed(12345)  # noqa: NPY002 - the legacy global RNG, in case anything uses it
            work = Path(tmp) / name
            work.mkdir()
            os.chdir(work)
            t1 = time.perf_counter()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    fn(rec)
                except Exception as exc:  # noqa: BLE001
                    rec.add("CASE EXCEPTION", exception_text(exc))
                    tb = traceback.extract_tb(exc.__traceback__)
                    where = [
                        f"{Path(fr.filename).name}:{fr.name}"
                        for fr in tb
                        if "fingerprint" in fr.filename
                    ]
                    print(
                        f"[{case_id}] case raised {type(exc).__name__}: {exc} ({', '.join(where)})",
                        file=sys.stderr,
                    )
            if caught:
                rec.add(
                    "case-level warnings",
                    "\n".join(f"{w.category.__name__}: {w.message}" for w in caught),
                )
            os.chdir(cwd)
            close_figures()
            body = rec.text()
            if "CASE EXCEPTION" in body:
                n_case_exc += 1
            if rec.outcomes and rec.outcomes[0]:
                n_exc += 1
                exc_cases.append(case_id)
            if any(rec.outcomes):
                n_any += 1
            (outdir / name).write_text(f"# case {case_id}\n\n{body}", encoding="utf-8")
            dt = time.perf_counter() - t1
            if dt > 3:
                print(f"[{case_id}] slow: {dt:.1f} s", file=sys.stderr)
    finally:
        os.chdir(cwd)
        shutil.rmtree(tmp, ignore_errors=True)
    total = time.perf_counter() - t0
    print(
        f"{len(seen)} cases written to {outdir} in {total:.1f} s; "
        f"the first call raised in {n_exc}, "
        f"some call raised in {n_any}, the case itself (harness) raised in {n_case_exc}",
        file=sys.stderr,
    )
    if os.environ.get("FINGERPRINT_LIST_EXCEPTIONS"):
        for c in exc_cases:
            print(f"  exception recorded: {c}", file=sys.stderr)
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("outdir", nargs="?", help="directory to write one file per case into")
    p.add_argument(
        "--compare", nargs=2, metavar=("DIR_A", "DIR_B"), help="compare two fingerprint dirs"
    )
    p.add_argument(
        "--max-diffs", type=int, default=20, help="show diffs of at most N differing cases"
    )
    p.add_argument("--context", type=int, default=3, help="context lines of each diff")
    p.add_argument("--only", help="run only the cases whose id matches this regular expression")
    p.add_argument("--list", action="store_true", help="list the case ids and exit")
    args = p.parse_args(argv)
    if args.compare:
        return compare(Path(args.compare[0]), Path(args.compare[1]), args.max_diffs, args.context)
    if args.list:
        for cid, _ in CASES:
            print(cid)
        return 0
    if not args.outdir:
        p.error("OUTDIR is required (or --compare DIR_A DIR_B)")
    # string hashing must not vary between runs (set order of labels)
    if os.environ.get("PYTHONHASHSEED") != "0" and not os.environ.get("FINGERPRINT_NO_REEXEC"):
        env = dict(os.environ, PYTHONHASHSEED="0")
        os.execve(sys.executable, [sys.executable, os.path.abspath(__file__), *sys.argv[1:]], env)
    return run_all(Path(args.outdir), args.only)


if __name__ == "__main__":
    sys.exit(main())
