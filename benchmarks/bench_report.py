"""Cost of a full trial report, against the analyses it composes, in the same process.

Run:  python benchmarks/bench_report.py
Prints, for the bundled minnesota_2012 trial (8 N rates x 4 blocks), the median time of
  * fo.anova alone (the baseline),
  * trial_report without figures (every analysis the report runs, plus its tables),
  * trial_report with its PNG figures, in English and in Chinese,
  * rendering the finished report to HTML and Markdown text,
and the ratios to the ANOVA; then the wall time of the command ``fertopt analyze`` in a fresh
interpreter, against a fresh interpreter that only imports fertopt.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from _timing import per_call

SRC = str(Path(__file__).resolve().parents[1] / "src")


def wall(args: list[str], repeat: int = 3) -> float:
    env = {"PYTHONPATH": SRC, "PATH": ""}
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, *args], capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    sys.path.insert(0, SRC)
    import fertopt as fo

    warnings.simplefilter("ignore")
    df = fo.load_dataset("minnesota_2012")
    roles = {"response": "yld_grain_dry_kgha", "treatment": "trt", "block": "rep"}
    rates = {"rate_n_applied_kgha": "N"}

    base = per_call(lambda: fo.anova(df, **roles), 50)
    rows = [("fo.anova (baseline)", base)]
    rows.append(
        (
            "trial_report, no figures",
            per_call(lambda: fo.trial_report(df, **roles, rates=rates, figures=False), 10),
        )
    )
    rows.append(
        (
            "trial_report, PNG figures (en)",
            per_call(lambda: fo.trial_report(df, **roles, rates=rates), 5),
        )
    )
    rows.append(
        (
            "trial_report, PNG figures (zh)",
            per_call(lambda: fo.trial_report(df, **roles, rates=rates, lang="zh"), 5),
        )
    )
    report = fo.trial_report(df, **roles, rates=rates)
    rows.append(("report.to_html()", per_call(report.to_html, 20)))
    rows.append(("report.to_markdown()", per_call(report.to_markdown, 20)))
    print(f"minnesota_2012, {len(df)} plots; report with {len(report.figures)} figures")
    for name, seconds in rows:
        print(f"  {name:34s} {seconds * 1000:8.1f} ms   {seconds / base:7.1f} x ANOVA")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trial.csv"
        df.to_csv(path, index=False)
        t_import = wall(["-c", "import fertopt"])
        t_text = wall(["-m", "fertopt.cli", "analyze", str(path)])
        t_html = wall(
            ["-m", "fertopt.cli", "analyze", str(path), "--report", str(Path(tmp) / "r.html")]
        )
    print("command line (fresh interpreter, median of 3)")
    for name, seconds in (
        ('python -c "import fertopt"', t_import),
        ("fertopt analyze trial.csv", t_text),
        ("... --report r.html", t_html),
    ):
        print(f"  {name:34s} {seconds * 1000:8.0f} ms   {seconds / t_import:7.1f} x import")


if __name__ == "__main__":
    main()
