"""The audit of two public papers, transcribed in ``docs/audit_examples/``.

Every expected verdict comes from the hand check in the paper's note
(``docs/audit_examples/<paper>.md``); the arithmetic is repeated in the comments.  Nothing
here is pasted from the audit's output.
"""

from __future__ import annotations

import json
from pathlib import Path

from fertopt.audit import audit

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "audit_examples"


def verdicts(spec) -> dict[str, str]:
    table = audit(spec).table
    return dict(zip(table["item"], table["verdict"], strict=True))


def test_bachmaier_optimum_confirmed():
    # Bachmaier (2009), low zone: y = 3.622 + 0.03809 x − 0.00008198 x², N 0.60 EUR/kg,
    # wheat 110 EUR/t (yields in t/ha, prices.crop_per: t).  Price slope 0.60 / 110 =
    # 0.0054545 t per kg N; the optimum solves
    # 0.03809 − 2·0.00008198 x = 0.0054545: x = 0.0326355 / 0.00016396 = 199.05, which
    # rounds to the printed 199 (the coefficients' rounding moves it by ±0.04 only), so it is
    # re-derived to its digits: confirmed.  That is the only claim with a check: the paper
    # prints no maximum, no fit statistics, no ANOVA.
    assert verdicts(EXAMPLES / "bachmaier2009.json") == {"equation.N.optimum.rate": "confirmed"}


def test_bachmaier_crop_priced_per_kg():
    # the same paper with the wheat price written per kg (0.110 EUR/kg, prices.crop_per: kg)
    # is the same claim: 0.110 EUR/kg = 110 EUR/t, the slope is still 0.60 / 110 t per kg N,
    # the optimum still 199.05 kg N/ha: confirmed
    spec = json.loads((EXAMPLES / "bachmaier2009.json").read_text(encoding="utf-8"))
    spec["prices"]["crop"] = "0.110"
    spec["prices"]["crop_per"] = "kg"
    assert verdicts(spec)["equation.N.optimum.rate"] == "confirmed"


def test_bachmaier_crop_per_kg_without_its_unit_is_named():
    # without crop_per the price is per unit of the yields' mass (t): 0.110 EUR/t makes the
    # slope 0.60 / 0.110 = 5.4545 t per kg N and no positive optimum (x = (5.4545 − 0.03809)
    # / (2 × −0.00008198) = −33035); the claim is wrong as transcribed, and the row names the
    # slip: with the price per kg the ratio is 5.4545 / 1000 and x = 199.05 again
    spec = json.loads((EXAMPLES / "bachmaier2009.json").read_text(encoding="utf-8"))
    spec["prices"]["crop"] = "0.110"
    del spec["prices"]["crop_per"]
    row = audit(spec).table.iloc[0]
    assert row["verdict"] == "wrong" and "crop_per" in row["why"]
    assert round((0.60 / 0.110 - 0.03809) / (2 * -0.00008198)) == -33035


def test_welch_design_and_optimum():
    # Welch et al. (1963): the 11-term surface (10 quadratic terms and NPK) on a 4 × 4 × 4
    # factorial, 64 distinct treatment combinations: 64 − 11 = 53 residual df, identifiable,
    # confirmed.  Table 4, Example 5 (grass $25/ton; N $0.12, P $0.18, K $0.07 per lb): the
    # net return 25 Y − 0.12 N − 0.18 P − 0.07 K is highest at N 299.9, P 71.60, K 150.80
    # (Nelder–Mead in welch1963.md); over the coefficients' rounding N 299.7–300.1, P
    # 71.50–71.70, K 150.64–150.96.  N prints as 300: confirmed; P (70.5–71.5 prints as 71)
    # and K (147.5–148.5) miss their intervals: wrong at their digits, the printed 300/71/148
    # being a coarse grid search (steps of 5.3 lb; under a cent per acre of net return).
    assert verdicts(EXAMPLES / "welch1963.yaml") == {
        "equation.NPK.optimum.N": "confirmed",
        "equation.NPK.optimum.P": "wrong",
        "equation.NPK.optimum.K": "wrong",
        "equation.NPK.design": "confirmed",
    }


def test_welch_optimum_rounding_interval():
    # the hand check's intervals (welch1963.md): P from 71.503 to 71.698, K 150.641 to 150.954
    table = audit(EXAMPLES / "welch1963.yaml").table.set_index("item")
    p, k = table.loc["equation.NPK.optimum.P"], table.loc["equation.NPK.optimum.K"]
    # 0.01 lb: the hand check's intervals are printed to 2-3 decimals
    assert abs(p["low"] - 71.503) < 0.01 and abs(p["high"] - 71.698) < 0.01
    assert abs(k["low"] - 150.641) < 0.01 and abs(k["high"] - 150.954) < 0.01
    assert "117.794" in p["why"] and "117.802" in p["why"]


def test_welch_spec_keeps_the_printed_digits():
    # the transcription itself: 64 means with 2 decimals (Table 1), the NPK coefficient
    # 0.02789 rescaled to per-lb units by 10⁶ keeps its 4 significant digits
    from fertopt.audit.spec import load_spec

    spec = load_spec(EXAMPLES / "welch1963.yaml")
    means = [t["mean"] for t in spec["design"]["treatments"]]
    assert len(means) == 64
    assert {m.decimals for m in means} == {2}
    npk = spec["equations"][0]["coefficients"]["N:P:K"]
    assert npk.decimals == 11
    assert abs(float(npk) - 0.02789e-6) < 1e-18  # exact up to float representation
