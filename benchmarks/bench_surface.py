"""Speed of response-surface fitting and the exact box optimum, against named baselines.

Run:  python benchmarks/bench_surface.py
Prints, after warm-up (median of repeated calls in this process):

* ``fit_surface`` on one unreplicated 3414 trial (14 plots, ternary quadratic) and on a
  blocked one (42 plots), against statsmodels' formula OLS on the same data (the
  baseline: what a user would otherwise write);
* the exact box-constrained maximum of a concave ternary quadratic
  (``_polysurface.box_qp_max``, face enumeration) against scipy's L-BFGS-B on the same
  problem, with the largest difference in the solution;
* ``SurfaceFit.optimum`` (canonical analysis + box optimum + result) against the same
  L-BFGS-B baseline;
* ``three414`` (the full cascade) when ``fertopt.response`` is available, against the
  statsmodels baseline for one ternary fit.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _timing import per_call  # noqa: E402

import fertopt as fo  # noqa: E402
from fertopt.surface import poly as ps  # noqa: E402

TRUE = {
    "intercept": 1700.0,
    "N": 120.0,
    "P2O5": 160.0,
    "K2O": 60.0,
    "N^2": -3.2,
    "P2O5^2": -9.0,
    "K2O^2": -1.5,
    "N:P2O5": 0.5,
    "N:K2O": 0.3,
    "P2O5:K2O": 1.2,
}
PRICES = {"crop": 2.0, "N": 5.0, "P2O5": 6.0, "K2O": 5.0}


def trial(reps: int):
    book = fo.design.three414(level2={"N": 18, "P2O5": 8, "K2O": 19}, reps=reps, rng=1).table
    truth = fo.surface_from_coefficients(
        TRUE, bounds={"N": (0, 27), "P2O5": (0, 12), "K2O": (0, 28.5)}
    )
    y = truth.predict(book) + np.random.default_rng(2).normal(0, 100, len(book))
    return book.assign(y=y)


def main() -> None:
    import statsmodels.formula.api as smf
    from scipy.optimize import minimize

    formula = "y ~ N + P2O5 + K2O + I(N**2) + I(P2O5**2) + I(K2O**2) + N:P2O5 + N:K2O + P2O5:K2O"
    for reps in (1, 3):
        data = trial(reps)
        blk = "block" if reps > 1 else None
        # the loop variables are bound as defaults so each closure keeps its own trial
        ours = per_call(lambda data=data, blk=blk: fo.fit_surface(data, response="y", block=blk))
        form = formula + (" + C(block, Sum)" if blk else "")
        base = per_call(lambda form=form, data=data: smf.ols(form, data=data).fit())
        print(
            f"fit_surface, 3414 x {reps} rep ({len(data)} plots): {ours * 1e3:.2f} ms; "
            f"statsmodels formula OLS {base * 1e3:.2f} ms; ratio {ours / base:.2f}"
        )

    surf = fo.fit_surface(trial(3), response="y", block="block")
    c0, g, h = surf.poly.minus_costs(2.0, np.array([5.0, 6.0, 5.0])).quadratic_form()
    lo, hi = np.zeros(3), np.array([27.0, 12.0, 28.5])
    exact = per_call(lambda: ps.box_qp_max(c0, g, h, lo, hi), repeat=2000)

    def lbfgs():
        return minimize(
            lambda z: -(c0 + g @ z + z @ h @ z),
            (lo + hi) / 2,
            jac=lambda z: -(g + 2 * h @ z),
            method="L-BFGS-B",
            bounds=list(zip(lo, hi, strict=True)),
        )

    base = per_call(lbfgs, repeat=500)
    diff = np.abs(ps.box_qp_max(c0, g, h, lo, hi)[0] - lbfgs().x).max()
    print(
        f"box_qp_max (27 faces): {exact * 1e6:.0f} µs; scipy L-BFGS-B {base * 1e6:.0f} µs; "
        f"ratio {exact / base:.2f}; largest difference in the rates {diff:.1e}"
    )
    opt = per_call(lambda: surf.optimum(prices=PRICES), repeat=500)
    print(
        f"SurfaceFit.optimum (shape, exact box optimum, result): {opt * 1e3:.2f} ms; "
        f"ratio to L-BFGS-B alone {opt / base:.1f}"
    )

    try:
        import fertopt.response  # noqa: F401
    except ImportError:
        print("three414: fertopt.response not available; skipped")
        return
    data = trial(3)
    full = per_call(
        lambda: fo.three414(data, response="y", block="block", prices=PRICES), repeat=20
    )
    base = per_call(lambda: smf.ols(formula + " + C(block, Sum)", data=data).fit(), repeat=50)
    print(
        f"three414, 42 plots (7 fits + typicality + cascade): {full * 1e3:.1f} ms; "
        f"ratio to one statsmodels ternary OLS {full / base:.1f}"
    )


if __name__ == "__main__":
    main()
