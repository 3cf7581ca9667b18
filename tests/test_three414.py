"""The 3414 workflow: subsets against R lm, relative yields by hand, fallback cascade, bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import fertopt as fo
from fertopt.three414 import SUBSETS, abundance_class

REF = Path(__file__).parent / "reference"
LEVEL2 = {"N": 18, "P2O5": 8, "K2O": 19}
PRICES = {"crop": 2.0, "N": 5.0, "P2O5": 6.0, "K2O": 5.0}  # per unit of the data's yield and rates
NPK = ("N", "P2O5", "K2O")


@pytest.fixture(scope="module")
def r3414():
    """The blocked 3414 trial simulated and analysed in tests/reference/surface_3414.R."""
    return pd.read_csv(REF / "surface_3414_data.csv")


@pytest.fixture(scope="module")
def blocked(r3414):
    return fo.three414(r3414, response="yield", block="block", prices=PRICES)


@pytest.fixture(scope="module")
def book():
    return fo.design.three414(level2=LEVEL2, reps=3, rng=1).table


def _base(t):
    n, p = t["N"].to_numpy(), t["P2O5"].to_numpy()
    return 1700 + 120 * n + 160 * p - 3.2 * n**2 - 9 * p**2 + 0.5 * n * p


def _kkt_interior(surf, rates, prices):
    """b + 2 B x = price ratio at an interior optimum of a quadratic surface."""
    c = surf.estimates
    names = surf.nutrients
    x = np.array([rates[n] for n in names])
    b = np.array([c.get(n, 0.0) for n in names])
    B = np.diag([c.get(f"{n}^2", 0.0) for n in names])
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            B[i, j] = B[j, i] = c.get(f"{names[i]}:{names[j]}", 0.0) / 2
    assert_allclose(b + 2 * B @ x, [prices[n] / prices["crop"] for n in names], rtol=1e-9)


# ---------------------------------------------------------------------------
# the fits use the standard subsets: compare with R lm on the same treatments
# ---------------------------------------------------------------------------
def test_fits_use_the_standard_subsets(blocked):
    fits = blocked.fits.set_index("model")
    assert fits.loc["ternary", "n_obs"] == 42
    for model, key in (
        ("binary N-P2O5", "binary 0-1"),
        ("binary N-K2O", "binary 0-2"),
        ("binary P2O5-K2O", "binary 1-2"),
        ("quadratic N", "univariate 0"),
        ("quadratic P2O5", "univariate 1"),
        ("quadratic K2O", "univariate 2"),
    ):
        assert fits.loc[model, "n_obs"] == 3 * len(SUBSETS[key])
    assert SUBSETS["binary 0-1"] == (2, 3, 4, 5, 6, 7, 11, 12)
    assert SUBSETS["binary 0-2"] == (2, 3, 6, 8, 9, 10, 11, 13)
    assert SUBSETS["binary 1-2"] == (4, 5, 6, 7, 8, 9, 10, 14)
    assert (SUBSETS["univariate 0"], SUBSETS["univariate 1"], SUBSETS["univariate 2"]) == (
        (2, 3, 6, 11),
        (4, 5, 6, 7),
        (8, 9, 6, 10),
    )

    full = pd.read_csv(REF / "surface_3414_full_coef.csv")
    assert_allclose(blocked.ternary.coefficients["estimate"], full["estimate"], rtol=1e-9)
    np_ref = pd.read_csv(REF / "surface_3414_binary_np_coef.csv")
    assert_allclose(
        blocked.binary["N-P2O5"].coefficients["estimate"], np_ref["estimate"], rtol=1e-9
    )
    uni = pd.read_csv(REF / "surface_3414_univariate_coef.csv").set_index("nutrient")
    for n in NPK:
        est = blocked.univariate[n].estimates
        assert_allclose(
            [est["intercept"], est["linear"], est["quadratic"]],
            uni.loc[n, ["intercept", "linear", "quadratic"]].to_numpy(float),
            rtol=1e-8,
        )


def test_relative_yield_and_abundance(blocked, r3414):
    means = r3414.groupby("treatment")["yield"].mean()
    ry = blocked.relative_yield.set_index("nutrient")
    for n, t in (("N", 2), ("P2O5", 4), ("K2O", 8)):
        assert ry.loc[n, "treatment"] == t
        assert_allclose(ry.loc[n, "relative_yield"], 100 * means[t] / means[6], rtol=1e-13)
    # 72.3 % is in [50, 75): low; 78.6 % and 82.5 % are in [75, 95]: medium
    assert list(ry["abundance"]) == ["low", "medium", "medium"]
    assert list(ry["abundance_zh"]) == ["低", "中", "中"]
    assert_allclose(blocked.ck_yield, means[1], rtol=1e-14)
    design = blocked.design.set_index("treatment")
    assert_allclose(design["mean"], means.to_numpy(), rtol=1e-14)
    assert (design["n"] == 3).all() and blocked.replicated and blocked.n_blocks == 3


@pytest.mark.parametrize(
    "ry, label",
    [
        (0, "very low"),
        (49.99, "very low"),
        (50, "low"),
        (74.99, "low"),
        (75, "medium"),
        (95, "medium"),
        (95.01, "high"),
        (120, "high"),
    ],
)
def test_abundance_class_boundaries(ry, label):
    assert abundance_class(ry)[0] == label


# ---------------------------------------------------------------------------
# the cascade: ternary -> binary -> univariate -> linear-plateau
# ---------------------------------------------------------------------------
def test_typical_ternary_gives_every_rate(book):
    one = book[book["block"] == 1].reset_index(drop=True)
    k = one["K2O"].to_numpy()
    noise = np.array([12, -8, 5, -10, 7, 3, -6, 9, -4, 2, -11, 6, -3, 8.0])[one["treatment"] - 1]
    y = _base(one) + 60 * k - 1.5 * k**2 + 0.3 * one["N"] * k + 1.2 * one["P2O5"] * k + noise
    res = fo.three414(one.assign(y=y), response="y", prices=PRICES)
    rec = res.recommendations.set_index("nutrient")
    assert list(rec["source"]) == ["ternary"] * 3 and list(rec["status"]) == ["ok"] * 3
    assert res.typicality["ternary"].typical and not res.replicated
    opt = res.ternary.optimum(prices=PRICES)
    assert_allclose(rec["rate"].to_numpy(float), [opt.rates[n] for n in NPK], rtol=1e-14)
    _kkt_interior(res.ternary, opt.rates, PRICES)
    assert "one plot per treatment" in str(res)


def test_atypical_ternary_falls_back_to_binaries(blocked):
    # the fitted ternary maximum lies just beyond the top P2O5 rate (rule 4)
    assert blocked.typicality["ternary"].failed == ("optimum in (0, top rate]",)
    assert (
        blocked.typicality["binary N-P2O5"].typical and blocked.typicality["binary N-K2O"].typical
    )
    assert not blocked.typicality["binary P2O5-K2O"].typical
    np_opt = blocked.binary["N-P2O5"].optimum(prices=PRICES)
    nk_opt = blocked.binary["N-K2O"].optimum(prices=PRICES)
    _kkt_interior(blocked.binary["N-P2O5"], np_opt.rates, PRICES)
    _kkt_interior(blocked.binary["N-K2O"], nk_opt.rates, PRICES)
    rec = blocked.recommendations.set_index("nutrient")
    assert rec.loc["N", "source"] == "binary N-P2O5 + binary N-K2O (mean)"
    assert_allclose(rec.loc["N", "rate"], (np_opt.rates["N"] + nk_opt.rates["N"]) / 2, rtol=1e-14)
    assert rec.loc["P2O5", "source"] == "binary N-P2O5"
    assert_allclose(rec.loc["P2O5", "rate"], np_opt.rates["P2O5"], rtol=1e-14)
    assert rec.loc["K2O", "source"] == "binary N-K2O"
    assert_allclose(rec.loc["K2O", "rate"], nk_opt.rates["K2O"], rtol=1e-14)
    assert (rec["status"] == "ok").all()


def test_univariate_and_linear_plateau_fallbacks(book):
    # N x K interaction strong enough to make every surface with K a saddle
    noise = np.random.default_rng(5).normal(0, 25, len(book))
    k, n = book["K2O"].to_numpy(), book["N"].to_numpy()
    res = fo.three414(
        book.assign(y=_base(book) - 90 * k - 1.5 * k**2 + 5 * n * k + noise),
        response="y",
        block="block",
        prices=PRICES,
    )
    assert not any(
        res.typicality[m].typical
        for m in ("ternary", "binary N-P2O5", "binary N-K2O", "binary P2O5-K2O")
    )
    rec = res.recommendations.set_index("nutrient")
    assert list(rec["source"]) == ["linear_plateau N", "quadratic P2O5", "quadratic K2O"]
    # quadratic economic optimum by hand: x* = (r - b) / (2c)
    for nutrient in ("P2O5", "K2O"):
        est = res.univariate[nutrient].estimates
        r = PRICES[nutrient] / PRICES["crop"]
        assert_allclose(
            rec.loc[nutrient, "rate"], (r - est["linear"]) / (2 * est["quadratic"]), rtol=1e-10
        )
        assert rec.loc[nutrient, "status"] == "ok"
    # the N quadratic's optimum is beyond the top rate, so the linear plateau decides: its join
    assert "optimum in (0, top rate]" in res.typicality["quadratic N"].failed
    lp = res.linear_plateau["N"]
    assert_allclose(rec.loc["N", "rate"], lp.estimates["join"], rtol=1e-12)
    assert rec.loc["N", "status"] == "ok"  # the join, inside the tested rates
    assert "linear_plateau N" in set(res.fits["model"])


def test_no_usable_fit_leaves_the_rate_open(book):
    noise = np.random.default_rng(5).normal(0, 25, len(book))
    k = book["K2O"].to_numpy()
    res = fo.three414(
        book.assign(y=_base(book) + 25 * k + 0.4 * k**2 + noise),
        response="y",
        block="block",
        prices=PRICES,
    )
    rec = res.recommendations.set_index("nutrient")
    assert math.isnan(rec.loc["K2O", "rate"]) and rec.loc["K2O", "source"] == "none"
    assert rec.loc["K2O", "status"] == "none" and "abundance class" in rec.loc["K2O", "note"]
    assert res.typicality["quadratic K2O"].rules.set_index("rule").loc[3, "passed"] is False


def test_without_prices_gives_maximum_yield_rates(r3414):
    res = fo.three414(r3414, response="yield", block="block")
    assert not res.economic
    rec = res.recommendations.set_index("nutrient")
    assert rec.loc["P2O5", "source"] == "binary N-P2O5"
    best = res.binary["N-P2O5"].maximum()
    assert_allclose(rec.loc["P2O5", "rate"], best.rates["P2O5"], rtol=1e-14)
    assert "maximum-yield rates" in repr(res)


def test_unreplicated_means_with_treatment_codes(r3414):
    means = r3414.groupby(["treatment", "code"], as_index=False)["yield"].mean()
    labels = means.assign(label=[f"处理{t}" for t in means["treatment"]])[["label", "yield"]]
    res = fo.three414(labels, response="yield", treatment="label", level2=LEVEL2, prices=PRICES)
    ref = pd.read_csv(REF / "surface_3414_means_coef.csv")
    assert_allclose(res.ternary.coefficients["estimate"], ref["estimate"], rtol=1e-9)
    assert not res.replicated and res.n_obs == 14
    codes = means.assign(
        code=[f"N{c[0]}P{c[1]}K{c[2]}" for c in means["code"].astype(str).str.zfill(3)]
    )
    res2 = fo.three414(codes[["code", "yield"]], response="yield", treatment="code", level2=LEVEL2)
    assert_allclose(res2.ternary.coefficients["estimate"], ref["estimate"], rtol=1e-9)


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------
def test_missing_treatments_are_named(r3414):
    data = r3414[~r3414["treatment"].isin([10, 14])]
    with pytest.raises(
        fo.DesignError,
        match=r"treatments 10 \(N2P2K3: N 18, P2O5 8, K2O 28.5\), "
        r"14 \(N2P1K1: N 18, P2O5 4, K2O 9.5\) have no plot",
    ):
        fo.three414(data, response="yield", block="block")
    with pytest.raises(
        fo.DesignError, match=r"treatment 1 \(N0P0K0: N 0, P2O5 0, K2O 0\) has no plot"
    ):
        fo.three414(r3414[r3414["treatment"] != 1], response="yield", level2=LEVEL2)


def test_nutrient_with_one_level(r3414):
    with pytest.raises(fo.DesignError, match=r"K2O has a single rate \(19\) on every plot"):
        fo.three414(r3414.assign(K2O=19.0), response="yield")


def test_lowest_rate_must_be_zero(r3414):
    with pytest.raises(fo.DesignError, match="lowest N rate is 5"):
        fo.three414(r3414.assign(N=r3414["N"] + 5), response="yield")


def test_extra_plots_are_left_out(r3414):
    extra = pd.DataFrame(
        {
            "block": ["B1"],
            "treatment": [15],
            "code": ["org"],
            "N": [13.0],
            "P2O5": [8.0],
            "K2O": [19.0],
            "yield": [4000.0],
        }
    )
    with pytest.warns(fo.DataWarning, match="not treatments of the 3414 table"):
        res = fo.three414(
            pd.concat([r3414, extra], ignore_index=True),
            response="yield",
            block="block",
            level2=LEVEL2,
        )
    assert res.n_dropped == 1 and res.n_obs == 42


def test_prices_missing_a_nutrient(r3414):
    with pytest.raises(fo.FertoptError, match="prices lack a price for K2O"):
        fo.three414(r3414, response="yield", prices={"crop": 2, "N": 5, "P2O5": 6})


def test_empty_and_negative_rate_cells_are_named(r3414):
    df = r3414.astype({"N": "float64"})
    df.loc[df.index[4], "N"] = np.nan
    with pytest.raises(fo.DataError, match=r"rate column 'N' is empty at row 4: every plot needs"):
        fo.three414(df, response="yield")
    df.loc[df.index[4], "N"] = -1.0
    with pytest.raises(fo.DataError, match=r"negative rates: row 4 \(-1.0\)"):
        fo.three414(df, response="yield")


def test_bad_columns_and_labels(r3414):
    with pytest.raises(fo.ColumnError, match="give the treatment column"):
        fo.three414(r3414.drop(columns=["N"]), response="yield")
    with pytest.raises(fo.FertoptError, match="pass level2="):
        fo.three414(r3414.drop(columns=["N"]), response="yield", treatment="code")
    bad = r3414.assign(label=r3414["treatment"].astype(str).replace("6", "T99"))
    with pytest.raises(fo.DataError, match="not 3414 treatments"):
        fo.three414(
            bad.drop(columns=["N", "P2O5", "K2O"]),
            response="yield",
            treatment="label",
            level2=LEVEL2,
        )
    with pytest.raises(fo.FertoptError, match="three nutrients"):
        fo.three414(r3414, response="yield", rates=("N", "P2O5"))


def test_display_and_json(blocked):
    text = str(blocked)
    assert "Recommendations" in text and "Relative yield" in text and "Fits" in text
    assert "\n" not in repr(blocked) and repr(blocked).startswith(
        "<Three414Result 3414 trial, 3 blocks"
    )
    payload = json.loads(json.dumps(blocked.to_dict()))
    assert payload["recommendations"][0]["nutrient"] == "N"
    assert "<table" in blocked._repr_html_()


def test_prices_object_gives_the_same_recommendations(r3414, blocked):
    p = fo.Prices(crop=2, N=5, P2O5=6, K2O=5, currency="yuan")
    res = fo.three414(r3414, response="yield", block="block", prices=p)
    assert_allclose(
        res.recommendations["rate"].to_numpy(float),
        blocked.recommendations["rate"].to_numpy(float),
        rtol=1e-10,
    )
    assert list(res.recommendations["source"]) == list(blocked.recommendations["source"])
    mu = fo.three414(
        r3414,
        response="yield",
        block="block",
        prices=p,
        units={"response": "kg/mu", "rates": "kg/mu"},
    )
    assert_allclose(
        mu.recommendations["rate"].to_numpy(float),
        blocked.recommendations["rate"].to_numpy(float),
        rtol=1e-10,
    )
