"""plot_response and plot_net_return: Axes in, Axes out, nothing shown or saved."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import fertopt as fo
from fertopt.plotting import plot_net_return, plot_response

REF = Path(__file__).parent / "reference"
PRICES = fo.Prices(crop=0.157, N=0.88, currency="USD")


@pytest.fixture(scope="module")
def fit() -> fo.ResponseFit:
    df = pd.read_csv(REF / "minnesota_2012.csv")
    return fo.fit_response(
        df,
        response="yld_grain_dry_kgha",
        rate="rate_n_applied_kgha",
        nutrient="N",
        units={"response": "kg/ha", "rate": "kg/ha"},
        model="quadratic_plateau",
    )


def test_plot_response(fit):
    fig, ax = plt.subplots()
    out = plot_response(fit, ax=ax, prices=PRICES, ci="profile")
    assert out is ax
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(label.startswith("economic optimum 162.3") for label in labels)
    assert any(label.startswith("maximum yield 177.4") for label in labels)
    assert ax.get_xlabel() == "rate_n_applied_kgha (kg/ha)"
    assert len(ax.collections) >= 1  # the confidence band
    plt.close(fig)


def test_result_plot_methods(fit):
    opt = fit.optimum(prices=PRICES)
    for draw in (fit.plot, opt.plot, fit.net_return_curve(prices=PRICES, within=5).plot):
        fig, ax = plt.subplots()
        assert draw(ax=ax) is ax
        plt.close(fig)
    ax = fit.plot(band="prediction")
    plt.close(ax.figure)


def test_plot_net_return_and_pooled(fit):
    fig, ax = plt.subplots()
    plot_net_return(fit, ax=ax, prices=PRICES, within=1.0)
    assert ax.get_ylabel() == "net return (USD/ha)"
    plt.close(fig)
    q = fo.fit_response(
        fit.data.rename(columns={"rate": "N", "response": "y"}),
        response="y",
        rate="N",
        units={"response": "kg/ha", "rate": "kg/ha"},
    )
    pooled = fo.pool_sites({"QP": fit, "Q": q}, prices=PRICES)
    fig, ax = plt.subplots()
    assert pooled.plot(ax=ax) is ax
    plt.close(fig)


def test_plot_of_an_extrapolated_and_a_convex_curve():
    p = fo.response_from_coefficients(
        "quadratic",
        intercept=1688.9,
        linear=328.69,
        quadratic=-18.052,
        rate_range=(0, 8),
        nutrient="P2O5",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = plot_response(p, prices=fo.Prices(crop=2.8, P2O5=4.67))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("(extrapolated)" in label for label in labels)
    plt.close(ax.figure)
    k = fo.response_from_coefficients(
        "quadratic",
        intercept=1689.3,
        linear=13.338,
        quadratic=3.2568,
        rate_range=(0, 19),
        nutrient="K2O",
    )
    ax = plot_response(k, prices=fo.Prices(crop=2.8, K2O=10.4))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert not any("optimum" in label or "maximum" in label for label in labels)
    plt.close(ax.figure)
