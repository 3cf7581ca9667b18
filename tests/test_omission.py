"""fertopt.omission: omission-plot indices, their standard errors, economics and bad input.

Expected values: closed forms worked by hand below (trial A is built so that every number is
round), and R (emmeans least-squares means, delta method written out in R) for the balanced and
the unbalanced trial: tests/reference/omission/make_omission_reference.R.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

import fertopt as fo

REF = Path(__file__).parent / "reference" / "omission"
MINUS = {"N": "PK", "P2O5": "NK", "K2O": "NP"}
PRICES = {"crop": 0.3, "N": 1.2, "P2O5": 1.5, "K2O": 0.8}


def trial(name: str) -> pd.DataFrame:
    return pd.read_csv(REF / f"trial_{name}.csv")


def run(df: pd.DataFrame, **kw) -> fo.OmissionResult:
    args = dict(
        response="yield",
        treatment="treatment",
        block="block",
        full="NPK",
        minus=MINUS,
        control="CK",
        rates=("N", "P2O5", "K2O"),
        prices=PRICES,
        uptake={"N": "n_uptake"},
    )
    args.update(kw)
    return fo.omission(df, **args)


@pytest.fixture(scope="module")
def om_a() -> fo.OmissionResult:
    return run(trial("a"))


# ---------------------------------------------------------------------------
# trial A worked by hand
#   means NPK 6000, PK 4500, NK 5400, NP 5700, CK 3000; 3 blocks (+100, 0, -100);
#   errors 10 * R, R = ((2,-3,1), (-1,3,-2), (3,1,-4), (-2,-1,3), (-2,0,2)) whose rows and
#   columns sum to 0: SSE = 100 * (4+9+1 + 1+9+4 + 9+1+16 + 4+1+9 + 4+0+4) = 100 * 76 = 7600
#   on (5 - 1)(3 - 1) = 8 df, so MSE = 950 and Var(mean) = 950 / 3.
#   Uptake of N: means NPK 120, PK 75; errors = the rows of R in another order: SSE = 76,
#   MSE = 9.5, Var(mean) = 9.5 / 3.
# ---------------------------------------------------------------------------
V = 950.0 / 3
T8 = stats.t.ppf(0.975, 8)


def test_means_and_error(om_a):
    m = om_a.means.set_index("treatment")
    assert_allclose(
        m.loc[["NPK", "PK", "NK", "NP", "CK"], "mean"], [6000, 4500, 5400, 5700, 3000], rtol=1e-13
    )  # sums of exact integers
    assert_allclose(m["se"], math.sqrt(V), rtol=1e-12)
    assert list(m["role"]) == ["full", "minus", "minus", "minus", "control"]
    # Duncan: SE = sqrt(950 / 3) = 17.80; the largest critical range (5 means, df 8) is
    # 3.521 * 17.80 = 62.7 while adjacent means differ by 300 or more: every mean its own letter
    assert list(m.loc[["NPK", "NP", "NK", "PK", "CK"], "letters"]) == ["a", "b", "c", "d", "e"]
    assert om_a.comparison.test == "Duncan"
    assert list(m["nutrient"]) == ["", "N", "P2O5", "K2O", ""]
    assert (om_a.mse, om_a.df_resid) == pytest.approx((950.0, 8.0), rel=1e-12)


@pytest.mark.parametrize(
    "index,nutrient,estimate,se",
    [
        # RY_N = 100 * 4500 / 6000; SE^2 = 100^2 * V * (1/6000^2 + 4500^2/6000^4)
        ("relative_yield", "N", 75.0, 100 * math.sqrt(V * (1 / 6000**2 + 4500**2 / 6000**4))),
        # contribution = 100 - RY, same SE
        ("contribution_rate", "N", 25.0, 100 * math.sqrt(V * (1 / 6000**2 + 4500**2 / 6000**4))),
        # yield increase 6000 - 4500; SE = sqrt(V + V)
        ("yield_increase", "N", 1500.0, math.sqrt(2 * V)),
        # 100 * 1500 / 4500; SE^2 = 100^2 V (1/4500^2 + 6000^2/4500^4)
        (
            "yield_increase_pct",
            "N",
            100 / 3,
            100 * math.sqrt(V * (1 / 4500**2 + 6000**2 / 4500**4)),
        ),
        # AE = 1500 / 150 kg N; SE = sqrt(2V) / 150
        ("agronomic_efficiency", "N", 10.0, math.sqrt(2 * V) / 150),
        # PFP = 6000 / 150; SE = sqrt(V) / 150
        ("partial_factor_productivity", "N", 40.0, math.sqrt(V) / 150),
        # RE = 100 (120 - 75) / 150; SE = 100 sqrt(9.5/3 + 9.5/3) / 150
        ("recovery_efficiency", "N", 30.0, 100 * math.sqrt(2 * 9.5 / 3) / 150),
        # VCR = 1500 * 0.3 / (150 * 1.2) = 450 / 180; SE = 0.3 sqrt(2V) / 180
        ("value_cost_ratio", "N", 2.5, 0.3 * math.sqrt(2 * V) / 180),
        # net return = 450 - 180; SE = 0.3 sqrt(2V)
        ("net_return", "N", 270.0, 0.3 * math.sqrt(2 * V)),
        # P: 5400 / 6000; AE = 600 / 60
        ("relative_yield", "P2O5", 90.0, 100 * math.sqrt(V * (1 / 6000**2 + 5400**2 / 6000**4))),
        ("agronomic_efficiency", "P2O5", 10.0, math.sqrt(2 * V) / 60),
        # K: 5700 / 6000 = 95 %; VCR = 300 * 0.3 / (90 * 0.8) = 90 / 72
        ("relative_yield", "K2O", 95.0, 100 * math.sqrt(V * (1 / 6000**2 + 5700**2 / 6000**4))),
        ("value_cost_ratio", "K2O", 1.25, 0.3 * math.sqrt(2 * V) / 72),
        # whole fertilizer: (6000 - 3000) / 6000; soil base 3000 / 6000
        (
            "fertilizer_contribution",
            "all",
            50.0,
            100 * math.sqrt(V * (1 / 6000**2 + 3000**2 / 6000**4)),
        ),
        ("soil_contribution", "all", 50.0, 100 * math.sqrt(V * (1 / 6000**2 + 3000**2 / 6000**4))),
        # AE of all nutrients: 3000 / (150 + 60 + 90); PFP 6000 / 300
        ("agronomic_efficiency", "all", 10.0, math.sqrt(2 * V) / 300),
        ("partial_factor_productivity", "all", 20.0, math.sqrt(V) / 300),
        # cost 150*1.2 + 60*1.5 + 90*0.8 = 180 + 90 + 72 = 342; VCR = 3000*0.3/342; net = 900 - 342
        ("value_cost_ratio", "all", 900 / 342, 0.3 * math.sqrt(2 * V) / 342),
        ("net_return", "all", 558.0, 0.3 * math.sqrt(2 * V)),
    ],
)
def test_indices_by_hand(om_a, index, nutrient, estimate, se):
    row = om_a.index(index, nutrient)
    # closed forms; the only error is rounding in sums of ten numbers
    assert_allclose(row["estimate"], estimate, rtol=1e-12)
    assert_allclose(row["se"], se, rtol=1e-9)
    assert_allclose(
        [row["ci_low"], row["ci_high"]], [estimate - T8 * se, estimate + T8 * se], rtol=1e-9
    )


def test_soil_supply_classes(om_a):
    # true omission plots: RY 75 % -> "medium" (75-95), 90 % -> medium, 95 % -> "high" (> 95 is
    # high; exactly 95 belongs to the upper class)
    s = om_a.soil_supply.set_index("nutrient")
    assert s.loc["N", "supply_class"] == "medium" and s.loc["K2O", "supply_class"] == "high"
    assert_allclose(s.loc["P2O5", "relative_yield"], 90.0, rtol=1e-12)


def test_economics_by_hand(om_a):
    e = om_a.economics.set_index("treatment")
    # costs: NPK 342; PK 60*1.5 + 90*0.8 = 162; NK 180 + 72 = 252; NP 180 + 90 = 270; CK 0
    assert_allclose(e["fertilizer_cost"], [342, 162, 252, 270, 0], rtol=1e-13)
    # income = 0.3 * yield - cost: NPK 1800 - 342 = 1458; PK 1350 - 162 = 1188
    assert_allclose(e.loc["NPK", "income"], 1458.0, rtol=1e-12)
    assert_allclose(e.loc["PK", "income_change"], 1188.0 - 1458.0, rtol=1e-12)
    assert_allclose(e.loc["PK", "income_change_pct"], 100 * (1188.0 - 1458.0) / 1458.0, rtol=1e-12)
    # SE of the change: 0.3 * sqrt(2V)
    assert_allclose(e.loc["PK", "income_change_se"], 0.3 * math.sqrt(2 * V), rtol=1e-9)
    # net return (NY/T 3181) of NK: (5400 - 3000) * 0.3 - 252 = 468; VCR 720 / 252
    assert_allclose(e.loc["NK", "net_return"], 468.0, rtol=1e-12)
    assert_allclose(e.loc["NK", "value_cost_ratio"], 720 / 252, rtol=1e-12)
    assert math.isnan(e.loc["CK", "value_cost_ratio"])  # no fertilizer, no ratio


# ---------------------------------------------------------------------------
# R references (emmeans LS means, delta method written out in R)
# ---------------------------------------------------------------------------
def reference() -> pd.DataFrame:
    return pd.read_csv(REF / "omission_reference.csv", skipinitialspace=True)


@pytest.mark.r_reference
@pytest.mark.parametrize("name", ["a", "b"])
def test_against_r(name):
    ref = reference().query("trial == @name")
    if name == "b":
        with pytest.warns(fo.UnbalancedDesignWarning, match="missing plots"):
            with pytest.warns(fo.DataWarning, match="left out"):
                with pytest.warns(fo.UnbalancedDesignWarning, match="harmonic mean"):
                    om = run(trial(name))
    else:
        om = run(trial(name))
    means = ref.query("index == 'ls_mean'").set_index("nutrient")
    got = om.means.set_index("treatment").loc[means.index]
    # least-squares algebra in double precision on both sides
    assert_allclose(got["mean"], means["estimate"], rtol=1e-11)
    assert_allclose(got["se"], means["se"], rtol=1e-9)
    rest = ref.query("index != 'ls_mean'")
    ours = om.indices.set_index(["nutrient", "index"]).loc[
        list(zip(rest["nutrient"], rest["index"], strict=True))
    ]
    assert_allclose(ours["estimate"], rest["estimate"], rtol=1e-10)
    # complex-step gradients are exact; the covariance of LS means agrees to ~1e-12
    assert_allclose(ours["se"], rest["se"], rtol=1e-8)
    assert_allclose(ours[["ci_low", "ci_high"]], rest[["ci_low", "ci_high"]], rtol=1e-8)


def test_unbalanced_means_are_block_adjusted():
    # NK lost its block-3 plot (block effect -100): the arithmetic mean of its two plots,
    # (5530 + 5410) / 2 = 5470, is biased upward; the LS mean removes the block effects.
    with pytest.warns(fo.UnbalancedDesignWarning), pytest.warns(fo.DataWarning):
        om = run(trial("b"))
    assert any("harmonic mean" in w for w in om.warnings)
    nk = om.means.set_index("treatment").loc["NK"]
    assert nk["n"] == 2
    assert nk["mean"] < 5470.0


# ---------------------------------------------------------------------------
# other layouts and options
# ---------------------------------------------------------------------------
def test_rates_per_treatment_and_rate_columns_agree(om_a):
    table = {
        "NPK": {"N": 150, "P2O5": 60, "K2O": 90},
        "PK": {"P2O5": 60, "K2O": 90},
        "NK": {"N": 150, "K2O": 90},
        "NP": {"N": 150, "P2O5": 60},
        "CK": {},
    }
    om = run(trial("a").drop(columns=["N", "P2O5", "K2O"]), rates=table)
    assert_allclose(om.indices["estimate"], om_a.indices["estimate"], rtol=1e-14)
    renamed = trial("a").rename(columns={"N": "n_kg", "P2O5": "p_kg"})
    om2 = run(renamed, rates={"n_kg": "N", "p_kg": "P2O5", "K2O": "K2O"})  # column -> nutrient
    assert_allclose(om2.indices["se"], om_a.indices["se"], rtol=1e-14)
    om3 = run(renamed, rates={"N": "n_kg", "P2O5": "p_kg", "K2O": "K2O"})  # nutrient -> column
    assert_allclose(om3.indices["estimate"], om_a.indices["estimate"], rtol=1e-14)


def test_without_rates_prices_or_control():
    om = fo.omission(
        trial("a"),
        response="yield",
        treatment="treatment",
        block="block",
        full="NPK",
        minus={"N": "PK"},
    )
    assert set(om.indices["index"]) == {
        "relative_yield",
        "contribution_rate",
        "yield_increase",
        "yield_increase_pct",
    }
    assert om.economics is None and om.control is None


def test_crd_and_numeric_labels():
    df = trial("a").assign(
        code=lambda d: d["treatment"].map({"NPK": 6, "PK": 2, "NK": 4, "NP": 8, "CK": 1})
    )
    om = fo.omission(df, response="yield", treatment="code", full=6, minus={"N": 2}, control=1)
    # CRD: the block SS joins the error: SSE = 7600 + 5 * (100^2 + 0 + 100^2) = 107600 on 10 df
    assert_allclose(om.mse, 107600 / 10, rtol=1e-12)
    assert om.full == "6" and om.minus == {"N": "2"}
    assert_allclose(om.index("relative_yield", "N")["estimate"], 75.0, rtol=1e-12)


def test_3414_omission_plots_with_other_treatments():
    # anchors b6: treatment 2 = N0P2K2 (-N), 4 = N2P0K2 (-P), 8 = N2P2K0 (-K), 6 = full, 1 = CK;
    # the other nine treatments enter the ANOVA but no index.
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
    errors = {1: (5, -3, -2), 2: (-4, 1, 3)}  # treatments 1-14 alternate these; rows sum to 0
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
    df = pd.DataFrame(rows)
    om = fo.omission(
        df,
        response="yield",
        treatment="treatment",
        block="block",
        full=6,
        minus={"N": 2, "P2O5": 4, "K2O": 8},
        control=1,
        rates=("N", "P2O5", "K2O"),
    )
    assert list(om.means["role"]).count("other") == 9
    # full 4000 + 300*2 - 160 + 150*2 - 120 + 100*2 - 80 = 4740; -N: 4740 - 600 + 160 = 4300
    assert_allclose(om.index("relative_yield", "N")["estimate"], 100 * 4300 / 4740, rtol=1e-12)
    # AE_N = 440 / 180 kg N
    assert_allclose(om.index("agronomic_efficiency", "N")["estimate"], 440 / 180, rtol=1e-12)


def test_unreplicated_trial_gives_indices_without_se():
    df = trial("a").query("block == 1")
    with pytest.warns(fo.DesignWarning, match="without replicates"):
        om = fo.omission(
            df,
            response="yield",
            treatment="treatment",
            full="NPK",
            minus=MINUS,
            control="CK",
            rates=("N", "P2O5", "K2O"),
        )
    # block 1: NPK 6120, PK 4590 -> RY = 100 * 4590 / 6120
    assert_allclose(om.index("relative_yield", "N")["estimate"], 100 * 4590 / 6120, rtol=1e-13)
    assert om.indices["se"].isna().all() and om.anova is None and om.comparison is None
    assert "without replicates" in str(om)


def test_unreplicated_trial_with_an_emptied_extra_treatment():
    # block 1 plus an extra treatment "X" whose only plot has no yield: X is left out, the
    # indices are those of block 1 alone (they do not involve X)
    df = trial("a").query("block == 1").astype({"yield": "float64"})
    extra = df.iloc[[0]].assign(treatment="X", **{"yield": np.nan})
    with pytest.warns(fo.DesignWarning, match="without replicates"):
        om = fo.omission(
            pd.concat([df, extra], ignore_index=True),
            response="yield",
            treatment="treatment",
            full="NPK",
            minus=MINUS,
            control="CK",
            rates=("N", "P2O5", "K2O"),
            nan_policy="omit",
        )
    assert_allclose(om.index("relative_yield", "N")["estimate"], 100 * 4590 / 6120, rtol=1e-13)
    assert "X" not in set(om.means["treatment"]) and om.n_dropped == 1


@pytest.mark.parametrize("replicated", [True, False])
def test_a_role_treatment_without_any_yield_is_named(replicated):
    df = trial("a").astype({"yield": "float64"})
    if not replicated:
        df = df.query("block == 1").copy()
    df.loc[df["treatment"] == "NP", "yield"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.exceptions.FertoptWarning)
        with pytest.raises(fo.DataError, match=r"minus\['K2O'\] treatment 'NP' has no yield left"):
            run(df, block="block" if replicated else None, uptake=None, nan_policy="omit")


def test_reduction_plots_note_and_confounding_warning():
    df = fo.load_dataset("water_chestnut")
    with pytest.warns(fo.DesignWarning) as record:
        om = fo.omission(
            df,
            response="yield",
            treatment="treatment",
            block="block",
            full="formula",
            control="blank",
            rates=("N", "P2O5", "K2O"),
            minus={"N": "reduced N", "P2O5": "reduced P", "K2O": "reduced K"},
        )
    texts = [str(w.message) for w in record]
    assert any(
        "'reduced K' differs from 'formula' not only in K2O but also in N 20" in t for t in texts
    )
    assert any("'reduced N'" in t and "K2O 21 instead of 19" in t for t in texts)
    assert om.soil_supply.empty  # reductions, not omissions: no soil-supply classes
    assert any("describe the last 2 of P2O5" in n for n in om.notes)
    assert any("out-yields 'formula' by 233.4" in n for n in om.notes)
    assert om.warnings == tuple(texts)


def test_display(om_a):
    text = repr(om_a)
    assert "\n" not in text and "RY N 75.0%" in text
    html = om_a._repr_html_()
    assert "<table>" in html and "relative_yield" in html
    d = om_a.to_dict()
    assert d["result"] == "OmissionResult" and d["minus"] == MINUS


def test_prices_object_and_mapping_agree(om_a):
    om = run(trial("a"), prices=fo.Prices(crop=0.3, N=1.2, P2O5=1.5, K2O=0.8))
    assert_allclose(om.indices["estimate"], om_a.indices["estimate"], rtol=1e-14)


# ---------------------------------------------------------------------------
# bad input: each a clear fertopt error
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        (
            {"full": "NPKX"},
            fo.DesignError,
            r"full='NPKX' is not a level of treatment column 'treatment'",
        ),
        ({"minus": {"N": "P K"}}, fo.DesignError, r"minus\['N'\]='P K' is not a level"),
        ({"control": "ck0"}, fo.DesignError, r"control='ck0' is not a level"),
        (
            {"minus": {"N": "NPK"}},
            fo.DesignError,
            r"'NPK' is given both as full and as minus\['N'\]",
        ),
        ({"control": "PK"}, fo.DesignError, r"'PK' is given both as minus\['N'\] and as control"),
        (
            {"minus": {"N": "NK"}},
            fo.DesignError,
            r"receives 150 of N, not less than the full formula",
        ),
        (
            {"minus": {"S": "PK"}, "uptake": None},
            fo.FertoptError,
            r"minus names nutrient 'S', but rates has no 'S'",
        ),
        ({"minus": []}, fo.FertoptError, r"minus must map each omitted nutrient"),
        (
            {"response": "yeld"},
            fo.ColumnError,
            r"response='yeld' is not a column.*Did you mean 'yield'",
        ),
        ({"block": "rep"}, fo.ColumnError, r"block='rep' is not a column"),
        ({"rates": ("N", "P2O5", "K")}, fo.ColumnError, r"rates\['K'\]='K' is not a column"),
        ({"uptake": {"N": "n_upt"}}, fo.ColumnError, r"uptake\['N'\]='n_upt' is not a column"),
        (
            {"uptake": {"S": "n_uptake"}},
            fo.FertoptError,
            r"uptake names nutrient 'S', which has no minus plot",
        ),
        ({"rates": None}, fo.FertoptError, r"prices were given without rates"),
        ({"rates": None, "prices": None}, fo.FertoptError, r"uptake was given without rates"),
        ({"prices": {"crop": 0.3, "N": 1.2}}, fo.FertoptError, r"prices has no price for 'P2O5'"),
        ({"prices": {"N": 1.2}}, fo.FertoptError, r"prices needs the crop price"),
        (
            {"prices": {"crop": -1, "N": 1, "P2O5": 1, "K2O": 1}},
            fo.FertoptError,
            r"must be a positive number",
        ),
        ({"prices": 2.8}, fo.FertoptError, r"prices must be fertopt.Prices"),
        ({"rates": 5}, fo.FertoptError, r"rates must name the rate columns"),
        (
            {"rates": {"NPK": {"N": 150}, "PK": {}}},
            fo.DesignError,
            r"rates gives no rates for treatment 'NK'",
        ),
        ({"rates": {"NPK": {"N": -1}, "PK": {}}}, fo.DataError, r"a rate is a number of 0 or more"),
        ({"alpha": 5}, fo.FertoptError, r"alpha=5 is outside \(0, 1\)"),
        ({"confidence_level": 0}, fo.FertoptError, r"confidence_level=0 is outside"),
        ({"nan_policy": "drop"}, fo.FertoptError, r"nan_policy='drop' is not a valid option"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        run(trial("a"), **kwargs)


def test_bad_rate_cells():
    df = trial("a")
    df.loc[1, "N"] = 10  # a PK plot with 10 kg N while the other PK plots have 0
    with pytest.raises(
        fo.DataError, match=r"treatment 'PK' has different N rates in column 'N' \(0, 10\)"
    ):
        run(df)
    df = trial("a").astype({"N": "float64"})
    df.loc[3, "N"] = -5.0
    with pytest.raises(fo.DataError, match=r"negative rates: row 3 \(-5.0\)"):
        run(df)
    df = trial("a").astype({"N": "object"})
    df.loc[2, "N"] = "15O"
    with pytest.raises(fo.DataError, match=r"not numbers: row 2 \('15O'\)"):
        run(df)
    df = trial("a").astype({"N": "float64"})
    df.loc[2, "N"] = np.nan
    with pytest.raises(fo.DataError, match=r"rate column 'N' is empty at row 2"):
        run(df)


def test_not_a_frame():
    with pytest.raises(fo.DataError, match="must be a pandas DataFrame"):
        fo.omission([1, 2, 3], response="y", treatment="t", full="a", minus={"N": "b"})


def test_missing_yield_raise_policy():
    df = trial("a").astype({"yield": "float64"})
    df.loc[0, "yield"] = np.nan
    with pytest.raises(fo.DataError, match="nan_policy='omit'"):
        run(df, nan_policy="raise")


def test_pandas_string_dtype_and_row_order(om_a):
    df = trial("a").astype({"treatment": "string"}).sample(frac=1.0, random_state=3)
    om = run(df)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_allclose(om.indices["estimate"], om_a.indices["estimate"], rtol=1e-12)
        assert_allclose(om.indices["se"], om_a.indices["se"], rtol=1e-10)


def test_plot_returns_axes(om_a):
    import matplotlib.pyplot as plt

    ax = om_a.plot()
    bars = [p.get_height() for p in ax.patches]
    # RY bars: 75, 90, 95 (hand values above)
    assert_allclose(bars, [75.0, 90.0, 95.0], rtol=1e-12)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["N", "P2O5", "K2O"]
    ax2 = om_a.plot(index="agronomic_efficiency")
    assert "Agronomic efficiency" in ax2.get_ylabel()
    with pytest.raises(fo.FertoptError, match="index 'ry' is not in this result"):
        om_a.plot(index="ry")
    plt.close("all")


def test_units_turn_prices_per_kg_into_money_per_area(om_a):
    # the same trial with yields in t/ha: value per t/ha is 1000 * 0.3, so every money figure
    # is unchanged and is per ha
    df = trial("a").assign(yield_t=lambda d: d["yield"] / 1000)
    prices = fo.Prices(crop=0.3, N=1.2, P2O5=1.5, K2O=0.8, currency="USD")
    om = run(df, response="yield_t", prices=prices, units={"response": "t/ha", "rate": "kg/ha"})
    assert om.money_unit == "USD/ha"
    assert_allclose(om.prices["crop"], 300.0, rtol=1e-12)
    assert_allclose(om.index("net_return", "N")["estimate"], 270.0, rtol=1e-12)  # 1500*0.3 - 180
    assert_allclose(om.economics["income"], om_a.economics["income"], rtol=1e-12)
    # per mu (1/15 ha) when the prices say so: 270 / 15
    om = run(
        df,
        response="yield_t",
        prices=prices.replace(area="mu"),
        units={"response": "t/ha", "rate": "kg/ha"},
    )
    assert om.money_unit == "USD/mu"
    assert_allclose(om.index("net_return", "N")["estimate"], 18.0, rtol=1e-12)
    # units recorded with the data are used: the water-chestnut trial is in kg/mu
    wc = fo.load_dataset("water_chestnut")
    with pytest.warns(fo.DesignWarning):
        om = fo.omission(
            wc,
            response="yield",
            treatment="treatment",
            block="block",
            full="formula",
            minus={"P2O5": "reduced P", "K2O": "reduced K"},
            rates=("N", "P2O5", "K2O"),
            prices={"crop": 2.8, "N": 6.25, "P2O5": 4.67, "K2O": 10.4, "currency": "yuan"},
        )
    assert om.money_unit == "yuan/mu"
    with pytest.raises(fo.FertoptError, match="units= takes the keys 'response' and 'rate'"):
        run(df, units={"yield": "t/ha"})
    with pytest.raises(fo.FertoptError, match="'S', which is not a nutrient form"):
        run(df, prices={"crop": 0.3, "S": 1.0})


def test_table_order_and_units():
    # rows follow the roles (full, minus plots in the order given, control), not the data order
    df = trial("a").sample(frac=1.0, random_state=7)
    om = run(
        df,
        minus={"K2O": "NP", "N": "PK", "P2O5": "NK"},
        units={"response": "kg/ha", "rate": "kg/ha"},
        prices=fo.Prices(crop=0.3, N=1.2, P2O5=1.5, K2O=0.8, currency="USD"),
    )
    assert list(om.means["treatment"]) == ["NPK", "NP", "PK", "NK", "CK"]
    assert list(om.economics["treatment"]) == ["NPK", "NP", "PK", "NK", "CK"]
    units = om.indices.set_index(["nutrient", "index"])["unit"]
    assert units[("K2O", "relative_yield")] == "%"
    assert units[("K2O", "yield_increase")] == "kg/ha"
    assert units[("K2O", "agronomic_efficiency")] == "kg/kg"
    assert units[("all", "net_return")] == "USD/ha"
    om = run(
        trial("a").assign(t=lambda d: d["yield"] / 1000),
        response="t",
        units={"response": "t/ha", "rate": "kg/ha"},
        prices=PRICES,
    )
    assert om.index("agronomic_efficiency", "N")["unit"] == "t/kg"
    # 1.5 t / 150 kg N = 0.01 t per kg
    assert_allclose(om.index("agronomic_efficiency", "N")["estimate"], 0.01, rtol=1e-12)
