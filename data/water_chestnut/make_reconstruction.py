"""Rebuild the reconstructed plot yields of the water-chestnut formula-correction trial.

The study (Lipu county, Guangxi, 2013) published no plot data: its Table 1 (rates)
and Table 2 (yields) are lost.  This script writes a plot-level dataset that honours
every published fact that pins the data down.  It is deterministic (no random numbers)
and uses exact rational arithmetic, so it rewrites the same bytes on every machine.

    python data/water_chestnut/make_reconstruction.py          # write both copies
    python data/water_chestnut/make_reconstruction.py --check  # exit 1 if a copy is stale

Outputs (identical content):
    data/water_chestnut/reconstruction.csv
    src/fertopt/datasets/water_chestnut.csv   (the copy behind load_dataset("water_chestnut"))

How each number is chosen is explained in data/water_chestnut/README.md; in short:

* treatment rates (kg/667 m2): blank 0-0-0; formula 18-8-19; reduced K 20-8-17;
  reduced N 16-8-21; reduced P 18-6-19 (inferred, marked as assumptions);
* treatment means: blank 1688.9, formula 3188.9, and the published differences
  -311.1 (reduced K), +233.4 (reduced N), -177.8 (reduced P) from the formula plot;
* block effects +40, 0, -40 kg/667 m2 (an assumption: the block sum of squares is lost);
* residuals s * R for a fixed integer pattern R whose rows and columns sum to zero, with
  s = 69.63 (two decimals) chosen in closed form so that the treatment F of the RCBD
  ANOVA is 29.58 on (4, 8) degrees of freedom (29.579 at the recorded precision).
"""

from __future__ import annotations

import argparse
import math
import sys
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUTPUTS = (HERE / "reconstruction.csv", ROOT / "src" / "fertopt" / "datasets" / "water_chestnut.csv")

D = Fraction  # decimals written as strings stay exact

# treatment number, label, Chinese label, (N, P2O5, K2O) in kg/667 m2
TREATMENTS = [
    (1, "blank", "空白区", (0, 0, 0)),
    (2, "formula", "配方区", (18, 8, 19)),
    (3, "reduced K", "减钾区", (20, 8, 17)),
    (4, "reduced N", "减氮区", (16, 8, 21)),
    (5, "reduced P", "减磷区", (18, 6, 19)),
]

BLANK = D("1688.9")     # intercept of the published P equation (x = 0 is the blank alone)
FORMULA = D("3188.9")   # implied by the income figures and the published P, K and ternary fits
DIFFERENCES = {"blank": BLANK - FORMULA, "formula": D(0), "reduced K": D("-311.1"),
               "reduced N": D("233.4"), "reduced P": D("-177.8")}
BLOCK_EFFECTS = (D(40), D(0), D(-40))
# rows: treatments in the order above; columns: blocks 1-3; every row and column sums to 0
PATTERN = ((2, -3, 1), (-1, 3, -2), (3, 1, -4), (-2, -1, 3), (-2, 0, 2))
F_TARGET = D("29.58")
ERROR_DF = 8


def treatment_means() -> list[Fraction]:
    return [FORMULA + DIFFERENCES[label] for _, label, _, _ in TREATMENTS]


def residual_scale(means: list[Fraction]) -> Fraction:
    """s with F = MS_trt / (s^2 SS_R / 8) = 29.58, rounded to 0.01 kg (the recording precision)."""
    grand = sum(means) / len(means)
    ss_trt = len(BLOCK_EFFECTS) * sum((m - grand) ** 2 for m in means)
    ms_trt = ss_trt / (len(means) - 1)
    ss_pattern = sum(v * v for row in PATTERN for v in row)
    exact = math.sqrt(ms_trt / F_TARGET * ERROR_DF / ss_pattern)
    return D(round(exact * 100), 100)


def plots() -> list[dict[str, object]]:
    means = treatment_means()
    scale = residual_scale(means)
    rows = []
    plot = 0
    for b, beta in enumerate(BLOCK_EFFECTS):
        for t, (number, label, zh, (n, p, k)) in enumerate(TREATMENTS):
            plot += 1
            value = means[t] + beta + scale * PATTERN[t][b]
            rows.append({"plot": plot, "block": b + 1, "treatment_no": number, "treatment": label,
                         "treatment_zh": zh, "N": n, "P2O5": p, "K2O": k, "yield": value})
    return rows


def exact_anova(rows: list[dict[str, object]]) -> dict[str, Fraction]:
    """Two-way additive ANOVA in exact arithmetic (an independent check of the construction)."""
    y = [r["yield"] for r in rows]
    grand = sum(y) / len(y)
    trt = {}
    blk = {}
    for r in rows:
        trt.setdefault(r["treatment"], []).append(r["yield"])
        blk.setdefault(r["block"], []).append(r["yield"])
    ss_total = sum((v - grand) ** 2 for v in y)
    ss_trt = sum(len(v) * (sum(v) / len(v) - grand) ** 2 for v in trt.values())
    ss_blk = sum(len(v) * (sum(v) / len(v) - grand) ** 2 for v in blk.values())
    ss_err = ss_total - ss_trt - ss_blk
    df_t, df_b = len(trt) - 1, len(blk) - 1
    df_e = len(y) - 1 - df_t - df_b
    return {"F": (ss_trt / df_t) / (ss_err / df_e), "df_trt": df_t, "df_err": df_e,
            "mse": ss_err / df_e, "means": {k: sum(v) / len(v) for k, v in trt.items()}}


def csv_text(rows: list[dict[str, object]]) -> str:
    header = list(rows[0])
    lines = [",".join(header)]
    for r in rows:
        cells = []
        for h in header:
            v = r[h]
            cells.append(f"{float(v):.2f}" if isinstance(v, Fraction) else str(v))
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only verify that the files are current")
    args = parser.parse_args(argv)

    rows = plots()
    result = exact_anova(rows)
    means = result["means"]
    # the published facts, checked exactly before anything is written
    if f"{float(result['F']):.2f}" != "29.58" or (result["df_trt"], result["df_err"]) != (4, 8):
        raise SystemExit(f"construction failed: F = {float(result['F'])} on "
                         f"({result['df_trt']}, {result['df_err']})")
    for label, diff in DIFFERENCES.items():
        if means[label] - means["formula"] != diff:
            raise SystemExit(f"construction failed: {label} differs by {means[label] - means['formula']}")

    text = csv_text(rows)
    stale = [p for p in OUTPUTS if not p.exists() or p.read_text(encoding="utf-8") != text]
    if args.check:
        for p in stale:
            print(f"stale: {p.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    for p in OUTPUTS:
        p.write_text(text, encoding="utf-8", newline="\n")
    print(f"F = {float(result['F']):.4f} on ({result['df_trt']}, {result['df_err']}) df, "
          f"MSE = {float(result['mse']):.2f}; wrote {', '.join(str(p.relative_to(ROOT)) for p in OUTPUTS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
