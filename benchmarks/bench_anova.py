"""Import time and single-trial ANOVA speed, against statsmodels in the same process.

Run:  python benchmarks/bench_anova.py
Prints the time of ``import fertopt`` (fresh interpreters, median of 5), whether it
pulled in matplotlib.pyplot or statsmodels, and the time of an RCBD ANOVA of
5 treatments x 3 blocks after warm-up, with statsmodels' formula OLS + anova_lm
on the same data as the baseline.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import per_call

SRC = str(Path(__file__).resolve().parents[1] / "src")


def import_time() -> tuple[float, str]:
    code = (
        "import time, sys; t = time.perf_counter(); import fertopt; "
        "print(time.perf_counter() - t, 'matplotlib.pyplot' in sys.modules, "
        "'statsmodels' in sys.modules)"
    )
    runs, flags = [], ""
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": SRC, "PATH": ""},
        ).stdout.split()
        runs.append(float(out[0]))
        flags = f"pyplot imported: {out[1]}, statsmodels imported: {out[2]}"
    return statistics.median(runs), flags


def main() -> None:
    sys.path.insert(0, SRC)
    import fertopt as fo

    t_import, flags = import_time()
    print(f"import fertopt: {t_import * 1000:.0f} ms (median of 5 fresh interpreters); {flags}")

    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {
            "trt": np.tile(["CK", "N", "NP", "NK", "NPK"], 3),
            "rep": np.repeat([1, 2, 3], 5),
        }
    )
    df["yield"] = 3000 + 200 * df["trt"].factorize()[0] + rng.normal(0, 80, len(df))

    ours = per_call(lambda: fo.anova(df, response="yield", treatment="trt", block="rep"))

    import statsmodels.formula.api as smf
    from statsmodels.stats.anova import anova_lm

    base = per_call(lambda: anova_lm(smf.ols("Q('yield') ~ C(rep) + C(trt)", data=df).fit()))
    print(
        f"RCBD 5 trt x 3 blocks, after warm-up: fertopt.anova {ours * 1000:.2f} ms per trial "
        f"(includes validation, design checks and assumption tests)"
    )
    print(
        f"baseline statsmodels ols + anova_lm: {base * 1000:.2f} ms; "
        f"ratio fertopt/baseline = {ours / base:.2f}"
    )


if __name__ == "__main__":
    main()
