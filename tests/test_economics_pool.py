"""pool_sites evaluates the sites' curves as arrays: the same numbers as the curves one by one.

The reference below is the per-site computation written with the public API only: each site's
``curve.value`` on the grid and at 0, the mean of the gains, the same bounded refinement of the
grid maximum, and each site's own :func:`fertopt.economics.optimum`.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import minimize_scalar

import fertopt as fo
from fertopt.curves.curve import Curve
from fertopt.curves.models import get_model
from fertopt.exceptions import ExtrapolationWarning

KG = {"response": "kg/ha", "rate": "kg/ha"}
PRICES = fo.Prices(crop=0.157, N=0.88)


def _sites(seed: int) -> dict[str, Curve]:
    """A mix of every response model (quadratic, convex quadratic, square root, straight line,
    plateaus, Mitscherlich), some with optima outside the tested rates or at zero."""
    rng = np.random.default_rng(seed)
    fits = {}
    for i in range(40):
        top = float(rng.choice([180.0, 240.0, 300.0]))
        kind = ("quadratic", "square_root", "linear", "linear_plateau")[i % 4]
        if i % 10 == 9:
            kind = "quadratic_plateau"
        if i % 10 == 7:
            kind = "mitscherlich"
        coef = {
            "quadratic": {
                "intercept": rng.uniform(5000, 9000),
                "linear": rng.uniform(5, 60),
                # mostly concave; a few convex (no maximum)
                "quadratic": rng.uniform(-0.25, -0.01) if i % 8 else rng.uniform(0.0005, 0.01),
            },
            "square_root": {
                "intercept": rng.uniform(5000, 9000),
                "sqrt": rng.uniform(50, 400),
                "linear": rng.uniform(-8, -0.5),
            },
            "linear": {"intercept": rng.uniform(5000, 9000), "slope": rng.uniform(-2, 8)},
            "linear_plateau": {
                "intercept": rng.uniform(5000, 9000),
                "slope": rng.uniform(2, 30),
                "join": rng.uniform(60, 260),
            },
            "quadratic_plateau": {
                "intercept": rng.uniform(5000, 9000),
                "linear": rng.uniform(5, 40),
                "join": rng.uniform(80, 280),
            },
            "mitscherlich": {
                "asymptote": rng.uniform(8000, 11000),
                "rate": rng.uniform(0.005, 0.03),
                "shift": rng.uniform(20, 80),
            },
        }[kind]
        if kind == "mitscherlich":  # its `rate` parameter clashes with the rate= keyword
            base = fo.response_from_coefficients(
                "linear", intercept=0.0, slope=1.0, rate_range=(0.0, top), nutrient="N", units=KG
            ).curve
            theta = np.array([coef["asymptote"], coef["rate"], coef["shift"]])
            fits[f"s{i}"] = replace(base, spec=get_model("mitscherlich"), theta=theta)
        else:
            fits[f"s{i}"] = fo.response_from_coefficients(
                kind, rate_range=(0.0, top), nutrient="N", units=KG, **coef
            ).curve
    return fits


def _per_site(fits: dict[str, Curve], prices: fo.Prices) -> dict[str, object]:
    """MRTN pooling with every curve evaluated alone (the definition of the method)."""
    curves = list(fits.values())
    econ = fo.economics.optimum(curves[0], prices=prices, ci=None)  # the price ratio used
    r = econ.price_ratio
    value = prices.crop_per_kg  # kg/ha yields and rates: money per kg of yield
    cost = prices.nutrient_price("N")
    grid = np.linspace(0.0, min(c.rate_range[1] for c in curves), 401)
    y0 = np.array([c.value(np.array([0.0]))[0] for c in curves])
    levels = np.array([c.value(grid) for c in curves])
    gain = np.mean(levels - y0[:, None], axis=0)
    rtn = value * gain - cost * grid
    at = int(np.argmax(rtn))

    def neg(x: float) -> float:
        g = np.mean([c.value(np.array([x]))[0] for c in curves] - y0)
        return -(value * g - cost * x)

    res = minimize_scalar(
        neg,
        bounds=(grid[at - 1], grid[at + 1]),
        method="bounded",
        options={"xatol": 1e-10 * max(grid[-1], 1.0)},
    )
    mrtn, best = (float(res.x), -res.fun) if -res.fun >= rtn[at] else (grid[at], rtn[at])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExtrapolationWarning)
        optima = [fo.economics.optimum(c, prices=prices, ci=None) for c in curves]
    return {
        "ratio": r,
        "levels": levels,
        "gain": gain,
        "rtn": rtn,
        "mrtn": mrtn,
        "best": best,
        "pct_at": 100
        * np.mean([c.value(np.array([mrtn]))[0] for c in curves])
        / np.mean(levels, axis=0).max(),
        "optima": pd.DataFrame(
            {
                "rate": [o.rate for o in optima],
                "status": [o.status for o in optima],
                "extrapolated": [o.extrapolated for o in optima],
                "net_return": [o.net_return for o in optima],
                "yield_at_rate": [o.yield_at_rate for o in optima],
            }
        ),
    }


@pytest.mark.parametrize("seed", [1, 3, 4])  # an MRTN inside the grid: refined
def test_vectorised_pooling_equals_the_per_site_computation(seed):
    fits = _sites(seed)
    pooled = fo.pool_sites(fits, prices=PRICES)
    ref = _per_site(fits, PRICES)
    # the same floating-point operations in a different loop: equal to 1e-12 (in fact exactly)
    assert_allclose(pooled.table["mean_yield_gain"], ref["gain"], rtol=1e-12, atol=1e-9)
    assert_allclose(pooled.table["net_return"], ref["rtn"], rtol=1e-12, atol=1e-9)
    assert_allclose(pooled.mrtn_rate, ref["mrtn"], rtol=1e-12)
    assert_allclose(pooled.net_return_at_mrtn, ref["best"], rtol=1e-12)
    assert_allclose(pooled.pct_max_yield, ref["pct_at"], rtol=1e-12)
    got = pooled.site_optima
    expected = ref["optima"]
    assert got["site"].tolist() == list(fits)
    assert got["model"].tolist() == [c.model for c in fits.values()]
    assert got["status"].tolist() == expected["status"].tolist()
    assert got["extrapolated"].tolist() == expected["extrapolated"].tolist()
    for column in ("rate", "net_return", "yield_at_rate"):  # NaN where no maximum exists
        assert_allclose(got[column], expected[column], rtol=1e-12, atol=1e-9, equal_nan=True)
    # the mix covers every status and model, and the MRTN is refined between grid rates
    assert set(got["status"]) == {"ok", "at_bound", "no_maximum", "extrapolated"}
    assert 0 < pooled.mrtn_rate < pooled.table["rate"].max()
    assert set(got["model"]) == {
        "quadratic",
        "square_root",
        "linear",
        "linear_plateau",
        "quadratic_plateau",
        "mitscherlich",
    }


def test_one_model_family_alone_is_pooled_as_before():
    # two identical quadratics pool to the site itself: MRTN = (r − b)/(2c), a closed form
    a = fo.response_from_coefficients(
        "quadratic",
        intercept=7000,
        linear=60,
        quadratic=-0.16,
        rate_range=(0, 240),
        nutrient="N",
        units=KG,
    )
    pooled = fo.pool_sites([a, a, a], prices=PRICES)
    r = 0.88 / 0.157
    # the bounded search stops within xatol = 1e-10 × 240 of the maximum
    assert_allclose(pooled.mrtn_rate, (r - 60) / (2 * -0.16), rtol=1e-9)
    assert pooled.site_optima["status"].eq("ok").all()
