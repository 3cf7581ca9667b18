"""Model specifications: names, derivatives, analytic optima."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from fertopt.curves.models import MODELS, Blocks, get_model
from fertopt.exceptions import FertoptError

THETA = {
    "linear": np.array([5.0, 0.02]),
    "quadratic": np.array([5.0, 0.04, -0.0001]),
    "square_root": np.array([5.0, 0.5, -0.02]),
    "linear_plateau": np.array([5.0, 0.03, 110.0]),
    "quadratic_plateau": np.array([5.0, 0.05, 150.0]),
    "mitscherlich": np.array([9.0, 0.015, 40.0]),
}
X = np.array([1.0, 30.0, 70.0, 105.0, 130.0, 170.0, 230.0])  # no rate on a join


def test_parameter_names_are_the_contract():
    assert {name: spec.params for name, spec in MODELS.items()} == {
        "linear": ("intercept", "slope"),
        "quadratic": ("intercept", "linear", "quadratic"),
        "square_root": ("intercept", "sqrt", "linear"),
        "linear_plateau": ("intercept", "slope", "join"),
        "quadratic_plateau": ("intercept", "linear", "join"),
        "mitscherlich": ("asymptote", "rate", "shift"),
    }
    with pytest.raises(FertoptError, match="Did you mean 'quadratic'"):
        get_model("quadratc")


@pytest.mark.parametrize("name", list(MODELS))
def test_jacobian_and_slope_match_finite_differences(name):
    spec, t = MODELS[name], THETA[name]
    J = spec.jacobian(X, t)
    for j in range(len(t)):
        h = 1e-6 * max(abs(t[j]), 1e-3)
        e = np.zeros_like(t)
        e[j] = h
        num = (spec.curve(X, t + e) - spec.curve(X, t - e)) / (2 * h)
        # central differences: error O(h²), relative 1e-6 is ample
        assert_allclose(J[:, j], num, rtol=1e-6, atol=1e-8)
    h = 1e-5
    num = (spec.curve(X + h, t) - spec.curve(X - h, t)) / (2 * h)
    assert_allclose(spec.slope(X, t), num, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    "name", ["quadratic", "square_root", "quadratic_plateau", "mitscherlich", "linear_plateau"]
)
@pytest.mark.parametrize("r", [0.0, 0.01])
def test_optimum_solves_slope_equals_ratio(name, r):
    spec, t = MODELS[name], THETA[name]
    sol = spec.solve(t, r)
    if name == "mitscherlich" and r == 0:
        assert sol.case == "none" and "asymptote" in sol.message
        return
    if name == "linear_plateau":
        assert sol.case == "corner" and sol.rate == t[2]
        return
    assert sol.case == "interior"
    assert_allclose(spec.slope(np.array([sol.rate]), t), [r], atol=1e-12)
    if r > 0:
        g = spec.rate_gradient(t, r)
        for j in range(len(t)):
            h = 1e-6 * max(abs(t[j]), 1e-3)
            e = np.zeros_like(t)
            e[j] = h
            num = (spec.solve(t + e, r).rate - spec.solve(t - e, r).rate) / (2 * h)
            assert_allclose(g[j], num, rtol=1e-5, atol=1e-9)


def test_closed_forms_by_hand():
    q = MODELS["quadratic"]
    # (r − b)/(2c) = (0.01 − 0.04)/(−0.0002) = 150
    assert q.solve(THETA["quadratic"], 0.01).rate == pytest.approx(150.0, rel=1e-12)
    qp = MODELS["quadratic_plateau"]
    # x₀(1 − r/b) = 150·(1 − 0.01/0.05) = 120
    assert qp.solve(THETA["quadratic_plateau"], 0.01).rate == pytest.approx(120.0, rel=1e-12)
    sr = MODELS["square_root"]
    # (b/(2(r − c)))² = (0.5/(2·0.03))² = 69.444…
    assert sr.solve(THETA["square_root"], 0.01).rate == pytest.approx((0.5 / 0.06) ** 2, rel=1e-12)
    m = MODELS["mitscherlich"]
    # ln(A c / r)/c − s = ln(9·0.015/0.01)/0.015 − 40
    assert m.solve(THETA["mitscherlich"], 0.01).rate == pytest.approx(
        math.log(13.5) / 0.015 - 40, rel=1e-12
    )


def test_cases_without_a_recommendation():
    q = MODELS["quadratic"]
    convex = q.solve(np.array([1689.3, 13.338, 3.2568]), 0.0)
    assert convex.case == "none" and math.isnan(convex.rate)
    assert convex.critical == pytest.approx(-13.338 / (2 * 3.2568))
    zero = q.solve(np.array([5.0, 0.004, -0.0001]), 0.01)  # slope at 0 below the ratio
    assert zero.case == "zero" and zero.rate == 0.0 and "no fertilizer pays" in zero.message
    falling = q.solve(np.array([5.0, -0.01, -0.0001]), 0.0)
    assert falling.case == "zero" and "does not rise" in falling.message
    assert MODELS["linear"].solve(np.array([1.0, 0.5]), 0.1).case == "none"
    assert MODELS["linear"].solve(np.array([1.0, 0.05]), 0.1).case == "zero"
    sr = MODELS["square_root"]
    assert sr.solve(np.array([5.0, 0.5, 0.02]), 0.01).case == "none"  # slope tends to 0.02 > r
    assert sr.solve(np.array([5.0, -0.5, 0.02]), 0.0).case == "none"  # convex


def test_blocks_projection():
    codes = np.array([0, 0, 1, 1, 2, 2])
    b = Blocks(codes, 6)
    y = np.array([1.0, 3.0, 10.0, 12.0, 5.0, 9.0])
    assert_allclose(b.project(y), [-1, 1, -1, 1, -2, 2])
    a, eff = b.intercept_and_effects(y)
    # block means 2, 11, 7: intercept 20/3, effects sum to zero
    assert_allclose(a, 20 / 3)
    assert_allclose(eff, [2 - 20 / 3, 11 - 20 / 3, 7 - 20 / 3])
    D = b.coding()
    assert D.shape == (6, 2) and (D[4:] == -1).all()


def test_import_is_light():
    code = (
        "import sys, time; t = time.perf_counter(); import fertopt; dt = time.perf_counter() - t; "
        "print(dt, 'statsmodels' in sys.modules, 'matplotlib.pyplot' in sys.modules)"
    )
    src = Path(__file__).resolve().parents[1] / "src"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(src), "PATH": ""},
    ).stdout.split()
    assert out[1:] == ["False", "False"]
