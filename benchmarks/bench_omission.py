"""Speed of one omission-plot analysis, against the ANOVA it contains.

Run:  python benchmarks/bench_omission.py
Prints the time of fertopt.omission() on the bundled water-chestnut trial (5 treatments x
3 blocks, all indices, economics and standard errors) after warm-up, the time of the
fertopt.anova() call inside it (baseline, same process, same data), their ratio, and the
time of the whole study audit (fertopt.studies.water_chestnut.audit()).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _timing import per_call  # noqa: E402

import fertopt as fo  # noqa: E402


def main() -> None:
    warnings.simplefilter("ignore", fo.FertoptWarning)
    df = fo.load_dataset("water_chestnut")
    roles = dict(response="yield", treatment="treatment", block="block")
    full = dict(
        full="formula",
        control="blank",
        minus={"N": "reduced N", "P2O5": "reduced P", "K2O": "reduced K"},
        rates=("N", "P2O5", "K2O"),
        prices={"crop": 2.8, "N": 6.25, "P2O5": 4.67, "K2O": 10.4},
    )
    t_om = per_call(lambda: fo.omission(df, **roles, **full), repeat=50)
    t_aov = per_call(lambda: fo.anova(df, **roles), repeat=50)
    t_audit = per_call(lambda: fo.studies.water_chestnut.audit(), repeat=10)
    print(f"omission (all indices, SEs, economics):  {1e3 * t_om:8.2f} ms")
    print(f"anova baseline (same trial):             {1e3 * t_aov:8.2f} ms")
    print(f"ratio omission / anova:                  {t_om / t_aov:8.2f}")
    print(f"whole study audit:                       {1e3 * t_audit:8.2f} ms")


if __name__ == "__main__":
    main()
