"""Studentized range and Dunnett distributions against scipy, R and published tables."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from fertopt import distributions as D

REFERENCE = Path(__file__).parent / "reference"

# ---------------------------------------------------------------------------
# against scipy.stats.studentized_range (adaptive integration, about 1e-12)
# ---------------------------------------------------------------------------
PPF_CASES = [
    (0.95, 3, 12),
    (0.99, 3, 12),
    (0.95, 14, 26),
    (0.5, 14, 26),
    (0.9025, 3, 20),
    (0.513, 14, 26),
    (0.99, 20, 5),
    (0.95, 4, 1),
    (0.95, 6, 2.5),
    (0.99, 30, 60.5),
    (0.8, 50, 200),
    (0.95, 100, 30),
    (0.95, 5, 1e4),
    (0.3, 8, 7),
]


@pytest.mark.parametrize(("p", "k", "df"), PPF_CASES)
def test_ppf_matches_scipy(p, k, df):
    ours = D.studentized_range_ppf(p, k, df)
    # scipy's ppf solves on its own accurate cdf; the target is relative 1e-9
    assert_allclose(ours, stats.studentized_range.ppf(p, k, df), rtol=1e-9)


@pytest.mark.parametrize(
    ("q", "k", "df"),
    [
        (3.5, 4, 10),
        (2.0, 14, 2),
        (5.0, 14, 60),
        (1.2, 5, 5),
        (8.0, 10, 2),
        (26.9755, 3, 1),
        (6.5, 3, 3),
        (4.5, 30, 20),
        (3.0, 50, 1000),
        (0.4, 3, 8),
    ],
)
def test_cdf_and_sf_match_scipy(q, k, df):
    ref = stats.studentized_range.cdf(q, k, df)
    # absolute error of the fixed quadrature rules is about 1e-13
    assert_allclose(D.studentized_range_cdf(q, k, df), ref, rtol=0, atol=5e-13)
    assert_allclose(D.studentized_range_sf(q, k, df), 1 - ref, rtol=0, atol=5e-13)


def test_pdf_is_the_derivative_of_the_cdf():
    q, k, df, h = 3.7, 6, 15, 1e-5
    slope = (D.studentized_range_cdf(q + h, k, df) - D.studentized_range_cdf(q - h, k, df)) / (
        2 * h
    )
    # central difference: truncation error h^2 |f''| ~ 1e-10, rounding 1e-13 / h ~ 1e-8
    assert_allclose(D.studentized_range_pdf(q, k, df), slope, rtol=1e-7)


def test_two_means_is_student_t():
    # the range of two normals is sqrt(2) |Z|, so Q(p; 2, df) = sqrt(2) t((1 + p) / 2; df)
    for p, df in [(0.95, 7), (0.99, 3.5), (0.6, 40)]:
        assert_allclose(
            D.studentized_range_ppf(p, 2, df),
            math.sqrt(2) * stats.t.ppf((1 + p) / 2, df),
            rtol=1e-14,
        )


def test_infinite_df_is_the_normal_range():
    # with a known variance Q is the range of k normals; scipy has that limit in closed form
    assert_allclose(
        D.studentized_range_ppf(0.95, 5, np.inf),
        stats.studentized_range.ppf(0.95, 5, np.inf),
        rtol=1e-9,
    )
    # and a very large df approaches it smoothly (error O(1/df))
    assert (
        abs(D.studentized_range_ppf(0.95, 5, 1e7) / D.studentized_range_ppf(0.95, 5, np.inf) - 1)
        < 1e-6
    )


# ---------------------------------------------------------------------------
# against R (tests/reference/multcomp_reference.R)
# ---------------------------------------------------------------------------
def test_ppf_matches_r_qtukey():
    ref = pd.read_csv(REFERENCE / "multcomp_qtukey.csv")
    ours = D.studentized_range_ppf(ref["p"].to_numpy(), ref["k"].to_numpy(), ref["df"].to_numpy())
    # R's ptukey is accurate to about 1e-7 absolute at df >= 5 (its Gauss-Legendre rule), so
    # quantiles from it (qtukey, or a tight uniroot on ptukey) carry up to ~4e-5 relative error
    # in the far tail of few-df, many-means cases; most agree to 1e-7
    assert_allclose(ours, ref["qtukey"], rtol=5e-5)
    assert_allclose(ours, ref["q_uniroot"], rtol=5e-5)
    close = (ref["df"] >= 12) & (ref["p"] <= 0.95)
    assert_allclose(ours[close], ref["qtukey"][close], rtol=1e-6)


def test_cdf_matches_r_ptukey():
    ref = pd.read_csv(REFERENCE / "multcomp_ptukey.csv")
    q, k, df = (ref[c].to_numpy() for c in ("q", "k", "df"))
    # R's ptukey: about 3e-6 absolute at df = 3, 3e-7 from df = 5 on (scipy and fertopt agree
    # to 1e-13)
    tol = np.where(df < 5, 5e-6, 5e-7)
    assert np.all(np.abs(D.studentized_range_cdf(q, k, df) - ref["ptukey"]) <= tol)
    assert np.all(np.abs(D.studentized_range_sf(q, k, df) - ref["ptukey_upper"]) <= tol)


# ---------------------------------------------------------------------------
# published tables
# ---------------------------------------------------------------------------
def test_duncan_ssr_for_4_means_12_df():
    # Duncan's significant studentized ranges, 12 df (Harter 1960; exact values in
    # anchors-stats b7):
    # alpha 0.05: 3.081, 3.225, 3.312; alpha 0.01: 4.320, 4.504, 4.622
    assert_allclose(D.duncan_critical_values(4, 12, 0.05), [3.081, 3.225, 3.312], atol=5e-4)
    assert_allclose(D.duncan_critical_values(4, 12, 0.01), [4.320, 4.504, 4.622], atol=5e-4)


def test_sas_snk_and_tukey_values_keppel_wickens():
    # SAS MEANS / SNK on Keppel & Wickens Table 6.1 (UCLA OARC page): MSE 12.68889, 45 df, n = 10.
    # SAS prints critical ranges 3.2086011, 3.8609173, 4.2497535, 4.5265481, about 1e-5 from exact.
    se = math.sqrt(12.68889 / 10)
    sas = [3.2086011, 3.8609173, 4.2497535, 4.5265481]
    assert_allclose(D.snk_critical_values(5, 45) * se, sas, rtol=2e-5)
    # the span-2 value is exactly sqrt(2) t(0.975; 45) * se
    assert_allclose(
        D.snk_critical_values(5, 45)[0], math.sqrt(2) * stats.t.ppf(0.975, 45), rtol=1e-14
    )
    # SAS's Tukey q for 5 means and 45 df: 4.01842 (printed to 6 digits)
    assert_allclose(D.tukey_critical_value(5, 45), 4.01842, atol=5e-6)


def test_duncan_protection_levels():
    assert_allclose(D.duncan_protection(4, 0.05), [0.95, 0.95**2, 0.95**3], rtol=1e-15)


# ---------------------------------------------------------------------------
# the cache and the vectorised API
# ---------------------------------------------------------------------------
def test_cache_reuses_values_and_vector_calls_agree():
    D.clear_cache()
    assert D.cache_info() == {"hits": 0, "misses": 0, "size": 0}
    table = D.duncan_critical_values(14, 26, 0.05)
    info = D.cache_info()
    assert info["misses"] == 13 and info["size"] == 13
    # the same values through the vectorised quantile function: all from the cache
    spans = np.arange(2, 15)
    again = D.studentized_range_ppf(0.95 ** (spans - 1.0), spans, 26)
    assert D.cache_info()["hits"] == 13
    assert_allclose(again, table, rtol=0, atol=0)
    # and one by one
    for i, p in enumerate(spans):
        assert D.studentized_range_ppf(0.95 ** (p - 1.0), int(p), 26.0) == table[i]
    # a repeated table call returns the stored (read-only) array
    assert D.duncan_critical_values(14, 26, 0.05) is table
    assert not table.flags.writeable


def test_vectorised_api_broadcasts():
    p = np.array([[0.9], [0.95]])
    k = np.array([3, 5, 8])
    out = D.studentized_range_ppf(p, k, 20)
    assert out.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            assert_allclose(
                out[i, j], D.studentized_range_ppf(float(p[i, 0]), int(k[j]), 20), rtol=1e-15
            )
    cdf = D.studentized_range_cdf(out, k, 20)
    assert_allclose(cdf, np.broadcast_to(p, (2, 3)), atol=1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: D.studentized_range_ppf(1.2, 3, 10), "between 0 and 1"),
        (lambda: D.studentized_range_ppf(0.95, 1, 10), "at least 2"),
        (lambda: D.studentized_range_cdf(3.0, 3.5, 10), "whole number"),
        (lambda: D.studentized_range_sf(3.0, 3, 0), "positive"),
        (lambda: D.dunnett_ppf(0.95, n=[4], n_control=0, df=10), "positive"),
        (lambda: D.dunnett_sf(2.0, n=[4], n_control=4, df=10, alternative="up"), "alternative"),
    ],
)
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@settings(max_examples=40, deadline=None)
@given(st.floats(0.01, 0.999), st.integers(2, 200), st.floats(0.5, 1e5))
def test_ppf_inverts_cdf(p, k, df):
    q = D.studentized_range_ppf(p, k, df)
    assert abs(D.studentized_range_cdf(q, k, df) - p) < 1e-11
    assert abs(D.studentized_range_sf(q, k, df) - (1 - p)) < 1e-11


@pytest.mark.parametrize(
    ("p", "k", "df"),
    [(0.75, 31, 1.0), (0.99999, 200, 1e4), (0.001, 200, 0.5), (0.05, 80, 1.7), (0.95, 3, 1e7)],
)
def test_extreme_arguments_stay_consistent(p, k, df):
    # cases that once overflowed or lost the cdf + sf = 1 balance (kept as regressions)
    q = D.studentized_range_ppf(p, k, df)
    cdf, sf = D.studentized_range_cdf(q, k, df), D.studentized_range_sf(q, k, df)
    assert abs(cdf - p) < 1e-11 and abs(cdf + sf - 1) < 1e-13


# ---------------------------------------------------------------------------
# Dunnett
# ---------------------------------------------------------------------------
def test_dunnett_against_r():
    ref = pd.read_csv(REFERENCE / "multcomp_dunnett.csv")
    groups = {
        "sweetpotato": ([3, 3, 3], 3, 8),
        "disease": ([3] * 6, 3, 12),
        "plantgrowth": ([10, 10], 10, 27),
        "chickwts": ([10, 12, 11, 14, 12], 12, 65),
    }
    for (dataset, alternative), sub in ref.groupby(["dataset", "alternative"], sort=False):
        n, nc, df = groups[dataset]  # chickwts: horsebean, linseed, meatmeal, soybean, sunflower
        alt = {"two.sided": "two-sided", "greater": "greater", "less": "less"}[alternative]
        p = D.dunnett_sf(sub["t"].to_numpy(), n=n, n_control=nc, df=df, alternative=alt)
        # R's nested integrate() reaches about 1e-10; multcomp's randomised lattice rule about 1e-6
        assert_allclose(p, sub["p_integrate"], rtol=1e-7, atol=1e-11)
        assert_allclose(p, sub["p_glht"], rtol=0, atol=2e-6)
        crit = D.dunnett_ppf(0.95, n=n, n_control=nc, df=df, alternative=alt)
        assert_allclose(crit, sub["critical_integrate"].iloc[0], rtol=1e-9)
        # multcomp's qmvt quantile is a Monte-Carlo estimate (about 1e-3)
        assert_allclose(crit, abs(sub["critical_glht"].iloc[0]), rtol=2e-3)


def test_dunnett_table_and_scipy():
    # Dunnett (1955) two-sided 5 % table: 3 treatments and a control, 12 df -> 2.68
    assert_allclose(D.dunnett_ppf(0.95, n=[4, 4, 4], n_control=4, df=12), 2.68, atol=5e-3)
    # one treatment only: Dunnett's t is Student's t
    assert_allclose(
        D.dunnett_ppf(0.95, n=[5], n_control=5, df=9), stats.t.ppf(0.975, 9), rtol=1e-10
    )
    assert_allclose(
        D.dunnett_ppf(0.95, n=[5], n_control=5, df=9, alternative="greater"),
        stats.t.ppf(0.95, 9),
        rtol=1e-10,
    )
    # scipy.stats.dunnett on samples: its p-values carry quasi-Monte-Carlo error (about 1e-4)
    rng = np.random.default_rng(7)
    control = rng.normal(10, 1, 6)
    samples = [rng.normal(10 + d, 1, 6) for d in (0.5, 1.5, 2.5)]
    res = stats.dunnett(*samples, control=control, rng=np.random.default_rng(1))
    ss = sum(((s - s.mean()) ** 2).sum() for s in samples + [control])
    mse = ss / (24 - 4)
    t = np.array([(s.mean() - control.mean()) / math.sqrt(mse * (2 / 6)) for s in samples])
    assert_allclose(t, res.statistic, rtol=1e-12)
    assert_allclose(D.dunnett_sf(t, n=[6, 6, 6], n_control=6, df=20), res.pvalue, atol=5e-4)


def test_dunnett_one_sided_directions():
    kw = dict(n=[4, 6], n_control=5, df=14)
    up = D.dunnett_sf(np.array([2.5, -2.5]), alternative="greater", **kw)
    down = D.dunnett_sf(np.array([-2.5, 2.5]), alternative="less", **kw)
    assert_allclose(up, down, rtol=1e-14)
    assert up[0] < 0.05 < 0.5 < up[1]
    # cdf of the one-sided maximum is a proper distribution function over the whole line
    grid = np.array([-4.0, -1.0, 0.0, 1.0, 4.0])
    values = D.dunnett_cdf(grid, alternative="greater", **kw)
    assert np.all(np.diff(values) > 0) and values[0] < 1e-3 and values[-1] > 0.99


@pytest.mark.parametrize(("n", "n_control"), [([100], 1), ([2], 50), ([3], 3)])
@pytest.mark.parametrize("df", [0.7, 1.0, 3.0, 30.0, np.inf])
@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_dunnett_with_one_treatment_is_student_t(n, n_control, df, alternative):
    # with a single treatment the maximum statistic is Student's t, whatever the replication
    two = alternative == "two-sided"
    ref = stats.t.ppf(0.975 if two else 0.95, df)
    crit = D.dunnett_ppf(0.95, n=n, n_control=n_control, df=df, alternative=alternative)
    assert_allclose(crit, ref, rtol=1e-10)
    t = np.array([-3.0, -0.5, 0.0, 0.7, 2.5])
    expected = {
        "two-sided": 2 * stats.t.sf(np.abs(t), df),
        "greater": stats.t.sf(t, df),
        "less": stats.t.cdf(t, df),
    }[alternative]
    # deterministic Gauss-Legendre rules: about 1e-12 absolute
    assert_allclose(
        D.dunnett_sf(t, n=n, n_control=n_control, df=df, alternative=alternative),
        expected,
        rtol=0,
        atol=5e-12,
    )
