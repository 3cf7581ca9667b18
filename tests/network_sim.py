"""Simulated networks of 3414 and omission trials with soil tests and a known truth.

Used by ``tests/test_soiltest_network.py`` and ``benchmarks/bench_soiltest_network.py``; not part
of the package (it imports no fertopt).

The truth of one site: its soil-test value ``STV_i`` of each nutrient i (log-uniform over a
range) sets its relative yield ``RY_i = min(100, a_i + b_i·ln STV_i)`` (%), and the site's
expected yield is multiplicative in the nutrients,

    E[y] = Ymax · Π_i g_i(x_i),   g_i(x) = R_i + (1 − R_i)(2u − u²),   u = x / level2_i,

with ``R_i = RY_i / 100``: ``g_i(0) = R_i`` and ``g_i(level2) = 1``, so the expected yield of the
minus-i plot (x_i = 0, the others at level 2) over the full plot (all at level 2) is exactly
``R_i``.  Plots get normal noise of SD ``noise · Ymax`` and block effects that sum to zero
within each site (so they leave the ratio of treatment means unbiased).

The economic optimum of nutrient i at level 2 of the others solves
``dE[y]/dx_i = Ymax (1 − R_i) (2 / level2_i)(1 − u) = price_i / crop_price``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The 14 treatments of the 3414 design as level codes (N, P, K); treatment 1 first.
LEVELS = (
    (0, 0, 0),
    (0, 2, 2),
    (1, 2, 2),
    (2, 0, 2),
    (2, 1, 2),
    (2, 2, 2),
    (2, 3, 2),
    (2, 2, 0),
    (2, 2, 1),
    (2, 2, 3),
    (3, 2, 2),
    (1, 1, 2),
    (1, 2, 1),
    (2, 1, 1),
)
NUTRIENTS = ("N", "P2O5", "K2O")
#: nutrient → (a, b, lowest STV, highest STV, soil column): RY = a + b·ln(STV), chosen so that
#: the cap at 100 % is not reached inside the STV range and every threshold of 50–95 % lies in it.
TRUTH = {
    "N": (-87.3, 35.1, 40.0, 200.0, "alkali_n"),
    "P2O5": (-13.498, 30.96, 4.0, 38.0, "olsen_p"),
    "K2O": (-53.1, 27.96, 30.0, 230.0, "avail_k"),
}
LEVEL2 = {"N": 180.0, "P2O5": 90.0, "K2O": 120.0}
PRICES = {"crop": 2.8, "N": 6.25, "P2O5": 4.67, "K2O": 10.4}


def site_truth(n_sites: int, seed: int = 1, ymax: float = 9000.0) -> pd.DataFrame:
    """One row per site: ``site``, ``ymax``, and per nutrient its STV column and ``ry_<n>``."""
    rng = np.random.default_rng(seed)
    out = pd.DataFrame({"site": np.arange(n_sites), "ymax": rng.normal(ymax, 0.1 * ymax, n_sites)})
    for n, (a, b, lo, hi, column) in TRUTH.items():
        stv = np.exp(rng.uniform(np.log(lo), np.log(hi), n_sites))
        out[column] = stv
        out[f"ry_{n}"] = np.minimum(100.0, a + b * np.log(stv))
    return out


def three414_network(
    n_sites: int,
    *,
    reps: int = 3,
    seed: int = 1,
    noise: float = 0.03,
    labels: str = "number",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(plots, truth)``: one row per plot of ``n_sites`` 3414 trials × ``reps`` blocks.

    ``plots`` has ``site``, ``treatment`` (numbers 1–14, or codes ``N2P2K2`` with
    ``labels="code"``), ``block``, the rates ``N``, ``P2O5``, ``K2O``, ``yield`` and the soil
    columns (the site's value on every plot); ``truth`` is :func:`site_truth`.
    """
    truth = site_truth(n_sites, seed)
    rng = np.random.default_rng(seed + 1000)
    codes = np.asarray(LEVELS)  # (14, 3)
    mult = np.array([0.0, 0.5, 1.0, 1.5])
    rates = mult[codes] * np.array([LEVEL2[n] for n in NUTRIENTS])  # (14, 3)
    u = rates / np.array([LEVEL2[n] for n in NUTRIENTS])
    r = truth[[f"ry_{n}" for n in NUTRIENTS]].to_numpy() / 100.0  # (sites, 3)
    g = r[:, None, :] + (1 - r[:, None, :]) * (2 * u[None] - u[None] ** 2)  # (sites, 14, 3)
    ymax = truth["ymax"].to_numpy()
    mean = ymax[:, None] * g.prod(axis=2)  # (sites, 14)
    block = rng.normal(0, 0.02, (n_sites, 1, reps)) * ymax[:, None, None]
    block -= block.mean(axis=2, keepdims=True)
    y = (
        mean[:, :, None]
        + block
        + rng.normal(0, 1, (n_sites, 14, reps)) * noise * ymax[:, None, None]
    )
    # a yield cannot be negative (fertopt refuses negative yields): the rare plot of a very
    # poor site whose noise would take it below zero yields nothing
    y = np.maximum(y, 0.0)
    if labels == "code":
        names = ["".join(f"{'NPK'[j]}{c[j]}" for j in range(3)) for c in LEVELS]
    else:
        names = list(range(1, 15))
    plots = pd.DataFrame(
        {
            "site": np.repeat(truth["site"].to_numpy(), 14 * reps),
            "treatment": np.tile(np.repeat(names, reps), n_sites),
            "block": np.tile(np.arange(1, reps + 1), n_sites * 14),
            "N": np.tile(np.repeat(rates[:, 0], reps), n_sites),
            "P2O5": np.tile(np.repeat(rates[:, 1], reps), n_sites),
            "K2O": np.tile(np.repeat(rates[:, 2], reps), n_sites),
            "yield": y.ravel(),
        }
    )
    for *_, column in TRUTH.values():
        plots[column] = np.repeat(truth[column].to_numpy(), 14 * reps)
    return plots, truth


def omission_network(
    n_sites: int, *, reps: int = 3, seed: int = 2, noise: float = 0.03
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(plots, truth)`` of omission trials: treatments CK, PK, NK, NP, NPK (``trt``)."""
    truth = site_truth(n_sites, seed)
    rng = np.random.default_rng(seed + 1000)
    layout = {"CK": (0, 0, 0), "PK": (0, 1, 1), "NK": (1, 0, 1), "NP": (1, 1, 0), "NPK": (1, 1, 1)}
    on = np.array(list(layout.values()), dtype=float)  # (5, 3)
    r = truth[[f"ry_{n}" for n in NUTRIENTS]].to_numpy() / 100.0
    g = np.where(on[None] > 0, 1.0, r[:, None, :])  # full dose = level 2: g = 1
    ymax = truth["ymax"].to_numpy()
    mean = ymax[:, None] * g.prod(axis=2)
    y = mean[:, :, None] + rng.normal(0, 1, (n_sites, 5, reps)) * noise * ymax[:, None, None]
    y = np.maximum(y, 0.0)  # no negative yields, as above
    plots = pd.DataFrame(
        {
            "site": np.repeat(truth["site"].to_numpy(), 5 * reps),
            "trt": np.tile(np.repeat(list(layout), reps), n_sites),
            "rep": np.tile(np.arange(1, reps + 1), n_sites * 5),
            "yield": y.ravel(),
        }
    )
    for *_, column in TRUTH.values():
        plots[column] = np.repeat(truth[column].to_numpy(), 5 * reps)
    return plots, truth
