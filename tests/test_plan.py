"""plan_analysis(): the one design recogniser behind analyze, trial_report and run_batch."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import fertopt as fo
from fertopt.exceptions import ColumnError, OptionError


def np_factorial(treatment=False, seed=1):
    """3 N × 3 P2O5 in 4 blocks (no treatment column unless asked)."""
    rng = np.random.default_rng(seed)
    rows = [
        {"rep": r, "N": n, "P2O5": p, "yield": 5000 + 8 * n + 20 * p + rng.normal(0, 100)}
        for r in (1, 2, 3, 4)
        for n in (0, 90, 180)
        for p in (0, 45, 90)
    ]
    df = pd.DataFrame(rows)
    if treatment:
        df.insert(0, "trt", [f"N{n}P{p}" for n, p in zip(df["N"], df["P2O5"], strict=True)])
    return df


def test_crossed_rate_columns_without_a_treatment_column_are_a_factorial():
    plan = fo.plan_analysis(np_factorial(), response="yield", block="rep", rates=["N", "P2O5"])
    assert plan.design == "factorial" and plan.factors == ("N", "P2O5")
    assert plan.treatment is None and plan.block == "rep"
    assert plan.simple_effects == (("N", "P2O5"), ("P2O5", "N"))
    assert plan.anova_roles() == {"response": "yield", "treatment": ["N", "P2O5"], "block": "rep"}
    assert plan.reason.startswith("Factorial N × P2O5: the rate columns are crossed (3 × 3 rates")
    assert "no treatment column" in plan.reason and "4 blocks (rep)" in plan.reason
    # a factorial in blocks may be a split-plot: the plan says which option would say so
    assert any("--main-plot N --sub-plot P2O5" in n for n in plan.notes)
    assert plan.given == ()


def test_a_treatment_column_that_is_the_combinations_of_crossed_rates_is_a_factorial():
    plan = fo.plan_analysis(
        np_factorial(treatment=True),
        response="yield",
        treatment="trt",
        block="rep",
        rates=["N", "P2O5"],
    )
    assert plan.design == "factorial" and plan.factors == ("N", "P2O5")
    assert "the 9 treatments of trt are the 9 combinations of 3 × 3 rates" in plan.reason


def test_a_factor_is_never_dropped_silently():
    df = np_factorial()
    with pytest.raises(OptionError) as err:
        fo.plan_analysis(df, response="yield", treatment="N", block="rep", rates=["N", "P2O5"])
    message = str(err.value)
    assert "P2O5 varies within the treatments of N" in message
    assert "--factors N,P2O5" in message and "--design rcbd" in message
    # asked for on purpose, the analysis goes ahead and the plan says what is pooled
    plan = fo.plan_analysis(
        df, response="yield", treatment="N", block="rep", rates=["N", "P2O5"], design="rcbd"
    )
    assert plan.design == "rcbd" and plan.factors == ("N",)
    assert plan.notes == (
        "Left out of the model, as asked: P2O5, which vary within the treatments; their effect "
        "is part of the error.",
    )
    assert plan.reason.endswith("(design rcbd, as asked).") and plan.given == ("design",)


def test_without_treatment_or_crossed_rates_it_stops_and_names_the_option():
    df = np_factorial().drop(columns=["N", "P2O5"])
    with pytest.raises(OptionError, match=r"treatment= \(--treatment on the command line\)"):
        fo.plan_analysis(df, response="yield", block="rep")
    # two rates that vary together without crossing, and no treatment column
    rows = pd.DataFrame({"N": [0, 90, 180] * 2, "P2O5": [0, 45, 45] * 2, "yield": range(6)})
    with pytest.raises(OptionError, match="not in every combination") as err:
        fo.plan_analysis(rows, response="yield", rates=["N", "P2O5"])
    assert "--treatment" in str(err.value) and "--design" in str(err.value)


def test_3414_is_recognised_from_the_rates_in_n_p_k_order():
    book = fo.design.three414(level2={"N": 18, "P2O5": 8, "K2O": 19}, reps=2, rng=3)
    df = book.table.assign(yield_=1.0)
    plan = fo.plan_analysis(
        df, response="yield_", treatment="treatment", block="block", rates=["K2O", "N", "P2O5"]
    )
    assert plan.design == "3414" and list(plan.rates) == ["N", "P2O5", "K2O"]
    assert plan.factors == ("treatment",)
    assert plan.reason.startswith("3414 trial: N, P2O5, K2O each have 4 rates")
    assert "14 of the 14 treatments" in plan.reason
    # four rates of a nutrient off the 3414 table are not a 3414 trial
    off = df.assign(N=df["N"].where(df["treatment"] != 3, 4.5))
    other = fo.plan_analysis(
        off, response="yield_", treatment="treatment", block="block", rates=["N", "P2O5", "K2O"]
    )
    assert other.design != "3414"
    with pytest.raises(OptionError, match="design='3414' needs three rate columns"):
        fo.plan_analysis(
            df, response="yield_", treatment="treatment", rates=["N", "P2O5"], design="3414"
        )


def omission_trial(labels, rates):
    return pd.DataFrame(
        [
            {"trt": t, "rep": r, "N": x[0], "P2O5": x[1], "K2O": x[2], "yield": 1000.0 + r + i}
            for r in (1, 2, 3)
            for i, (t, x) in enumerate(zip(labels, rates, strict=True))
        ]
    )


FULL_MINUS = ((0, 0, 0), (18, 8, 19), (0, 8, 19), (18, 0, 19), (18, 8, 0))


def test_omission_plots_by_name_and_by_rates():
    by_name = omission_trial(("CK", "NPK", "PK", "NK", "NP"), FULL_MINUS)
    plan = fo.plan_analysis(
        by_name, response="yield", treatment="trt", block="rep", rates=["N", "P2O5", "K2O"]
    )
    assert plan.design == "omission" and plan.reduced == {}
    assert plan.omission == {
        "full": "NPK",
        "minus": {"N": "PK", "P2O5": "NK", "K2O": "NP"},
        "control": "CK",
    }
    assert "(recognised from the treatment names)" in plan.reason
    by_rates = omission_trial(("T1", "T2", "T3", "T4", "T5"), FULL_MINUS)
    plan = fo.plan_analysis(
        by_rates, response="yield", treatment="trt", block="rep", rates=["N", "P2O5", "K2O"]
    )
    assert plan.omission == {
        "full": "T2",
        "minus": {"N": "T3", "P2O5": "T4", "K2O": "T5"},
        "control": "T1",
    }
    assert "(recognised from the rates)" in plan.reason


def test_a_minus_plot_that_still_gets_the_nutrient_is_a_reduced_rate_plot():
    wc = fo.load_dataset("water_chestnut")  # 'reduced N' gets 16 of the formula's 18 kg N
    plan = fo.plan_analysis(
        wc, response="yield", treatment="treatment", block="block", rates=["N", "P2O5", "K2O"]
    )
    assert plan.design == "omission" and plan.omission is None and plan.full == "formula"
    assert plan.reduced == {"N": "reduced N", "P2O5": "reduced P", "K2O": "reduced K"}
    assert plan.reason.startswith("Formula-check trial: formula is the full formula")
    assert "not minus plots, so no omission indices" in plan.reason
    # a name that says "PK" but whose rates give N: the rates decide
    named = omission_trial(
        ("CK", "NPK", "PK", "NK", "NP"),
        ((0, 0, 0), (18, 8, 19), (9, 8, 19), (18, 0, 19), (18, 8, 0)),
    )
    plan = fo.plan_analysis(
        named, response="yield", treatment="trt", block="rep", rates=["N", "P2O5", "K2O"]
    )
    assert plan.reduced == {"N": "PK"}
    assert plan.omission["minus"] == {"P2O5": "NK", "K2O": "NP"}


def test_factorial_treatment_names_are_not_an_omission_layout():
    cf = fo.load_dataset("cochran_factorial")  # 2^4: npk, pk, nk ... among 16 treatments
    plan = fo.plan_analysis(cf, response="yield", treatment="trt", block="block")
    assert plan.design == "rcbd" and plan.omission is None


def test_latin_square_from_row_and_column_columns():
    book = fo.design.latin_square(["A", "B", "C", "D"], rng=2).table
    df = book.assign(yield_=np.arange(len(book), dtype=float))
    assert {"row", "column"} <= set(df.columns)
    plan = fo.plan_analysis(df, response="yield_", treatment="treatment")
    assert plan.design == "latin_square" and (plan.row, plan.column) == ("row", "column")
    assert plan.anova_roles() == {
        "response": "yield_",
        "treatment": "treatment",
        "row": "row",
        "column": "column",
    }
    assert plan.reason == "Latin square: 4 treatments in 4 rows (row) × 4 columns (column)."
    with pytest.raises(OptionError, match="row= and column="):
        fo.plan_analysis(df, response="yield_", treatment="treatment", row="row")


def test_split_plot_needs_both_factors_and_blocks():
    df = np_factorial()
    plan = fo.plan_analysis(
        df, response="yield", block="rep", main_plot="N", sub_plot="P2O5", rates=["N", "P2O5"]
    )
    assert plan.design == "split_plot" and plan.factors == ("N", "P2O5")
    assert plan.anova_roles() == {
        "response": "yield",
        "main_plot": "N",
        "sub_plot": "P2O5",
        "block": "rep",
    }
    assert plan.given == ("main_plot", "sub_plot")
    with pytest.raises(OptionError, match="--main-plot and --sub-plot"):
        fo.plan_analysis(df, response="yield", block="rep", main_plot="N")
    with pytest.raises(OptionError, match="block="):
        fo.plan_analysis(df, response="yield", main_plot="N", sub_plot="P2O5")


def test_rate_trials_and_treatment_comparisons():
    mn = fo.load_dataset("minnesota_2012")
    roles = {"response": "yld_grain_dry_kgha", "treatment": "trt", "block": "rep"}
    plan = fo.plan_analysis(mn, rates={"rate_n_applied_kgha": "N"}, **roles)
    assert plan.design == "rate" and plan.factors == ("trt",)
    assert plan.reason == "Rate trial: the 8 treatments differ in N rate only, in 4 blocks (rep)."
    plan = fo.plan_analysis(mn, **roles)
    assert plan.design == "rcbd"
    assert plan.reason.startswith("Treatment comparison: 8 treatments of trt")
    # a rate column alone is the treatment of a rate trial
    plan = fo.plan_analysis(
        mn.drop(columns="trt"),
        response="yld_grain_dry_kgha",
        block="rep",
        rates={"rate_n_applied_kgha": "N"},
    )
    assert plan.design == "rate" and plan.factors == ("rate_n_applied_kgha",)


def test_bad_options_are_option_and_column_errors():
    df = np_factorial()
    with pytest.raises(OptionError, match="design='cubic' is not a valid option"):
        fo.plan_analysis(df, response="yield", design="cubic")
    with pytest.raises(ColumnError, match="not a column"):
        fo.plan_analysis(df, response="yield", factors=["N", "P"])
    with pytest.raises(OptionError, match="factorials of 2 or 3 factors"):
        wide = pd.DataFrame(
            [
                {"a": a, "b": b, "c": c, "d": d, "y": 1.0}
                for a in (0, 1)
                for b in (0, 1)
                for c in (0, 1)
                for d in (0, 1)
            ]
        )
        fo.plan_analysis(wide, response="y", factors=["a", "b", "c", "d"])


def test_the_reason_reads_in_chinese_with_only_the_users_labels_in_latin_letters():
    plan = fo.plan_analysis(np_factorial(), response="yield", block="rep", rates=["N", "P2O5"])
    zh = plan.describe("zh")
    assert zh.startswith("析因试验 N × P2O5：各施肥量列交叉")
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9]*", zh + " ".join(plan.notes_in("zh"))))
    assert words <= {"N", "P2O5", "rep"}, words
    wc = fo.load_dataset("water_chestnut")
    plan = fo.plan_analysis(
        wc, response="yield", treatment="treatment", block="block", rates=["N", "P2O5", "K2O"]
    )
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9]*", plan.describe("zh")))
    assert words <= {"formula", "reduced", "N", "P", "K", "P2O5", "K2O", "block"}, words
    assert str(plan.summary(lang="zh")).startswith("分析方案")


def test_a_layout_given_by_name_is_still_checked_against_the_rates():
    wc = fo.load_dataset("water_chestnut")
    given = {
        "full": "formula",
        "control": "blank",
        "minus": {"N": "reduced N", "P2O5": "reduced P", "K2O": "reduced K"},
    }
    plan = fo.plan_analysis(
        wc,
        response="yield",
        treatment="treatment",
        block="block",
        rates=["N", "P2O5", "K2O"],
        omission=given,
    )
    assert plan.design == "omission" and plan.omission is None
    assert plan.reduced == given["minus"] and plan.full == "formula"
    # without rates the names given are taken at their word
    plan = fo.plan_analysis(wc, response="yield", treatment="treatment", omission=given)
    assert plan.omission == given and plan.reduced == {}


def test_run_batch_refuses_to_pool_a_crossed_rate_into_the_error():
    # 3 N x 3 P2O5 in 3 blocks at two sites: comparing the N treatments alone would put the
    # P2O5 effect into the residual; the batch stops and names design='rcbd'
    rows = [(s, b, n, p) for s in "AB" for b in range(3) for n in (0, 90, 180) for p in (0, 45, 90)]
    d = pd.DataFrame(rows, columns=["site", "rep", "N", "P2O5"])
    d["y"] = 5000 + 3 * d["N"] + 2 * d["P2O5"] + np.random.default_rng(1).normal(0, 50, len(d))
    with pytest.raises(fo.OptionError, match=r"pool P2O5 into the error.*design='rcbd'"):
        fo.run_batch(d, by="site", response="y", treatment="N", block="rep", rates=["N", "P2O5"])


def test_run_batch_gives_the_3414_analysis_only_to_3414_trials():
    # an N x P x K factorial (not 3414) with its three rate columns and nothing asked of them:
    # the batch must not run the 3414 analysis on it, and says what rates= is for
    rows = [
        (s, b, n, p, k)
        for s in "AB"
        for b in range(2)
        for n in (0, 90)
        for p in (0, 45)
        for k in (0, 60)
    ]
    d = pd.DataFrame(rows, columns=["site", "rep", "N", "P2O5", "K2O"])
    d["trt"] = d["N"].astype(str) + "-" + d["P2O5"].astype(str) + "-" + d["K2O"].astype(str)
    d["y"] = 5000 + np.random.default_rng(1).normal(0, 50, len(d))
    with pytest.raises(fo.OptionError, match="rates= is used by surface= or model="):
        fo.run_batch(
            d, by="site", response="y", treatment="trt", block="rep", rates=["N", "P2O5", "K2O"]
        )
