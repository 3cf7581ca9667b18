"""Batch re-analysis of unreplicated N-rate strip trials with a single-nutrient response model.

Usage::

    python benchmarks/bench_batch_unreplicated.py               # 100 000 trials, QP and quadratic
    python benchmarks/bench_batch_unreplicated.py --trials 10000 --models quadratic_plateau

The trials of ``bench_batch_curves.py`` (a quadratic plateau with site variation and noise)
with one plot per rate (6 plots, no blocks), as on-farm strip trials are laid out.  Such a trial
has no ANOVA (no residual degrees of freedom); the response model and the priced optimum with
its delta interval are fitted on the plots.  Prints, measured in this one process and per model:
``fertopt.run_batch`` on the default (vectorized) engine, the per-trial path
(``engine="python"``, the path every unreplicated trial took before) on a sample of trials
scaled to N, their ratio, the ratio to one pandas groupby-mean pass, the share of trials the
vectorized engine kept, and the peak memory of the call against the input frame.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch_curves import main  # noqa: E402

if __name__ == "__main__":
    args = sys.argv[1:]
    if "--models" not in args:
        args += ["--models", "quadratic_plateau", "quadratic"]
    main(args, unreplicated=True)
