"""RCBD trials with missing plots on the batched kernels (issue 17, item 5).

The vectorized engine analyses trials with missing plots by least squares shared by all the
trials with the same plots missing.  Its rows, letters and warnings must be those of the
per-trial path (``engine="python"``: the public single-trial functions, themselves checked
against R in test_anova, test_lsmeans and test_multcomp); the missing-plot ANOVA and LS-mean
are also checked against Yates' closed form.  Trials the kernels do not take (a treatment
lost entirely, a treatment or block left with one plot) stay on the per-trial path.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import fertopt as fo
from fertopt.design import THREE414_LEVELS

PRICES = fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4)
# the batched least squares (one QR per pattern) and the per-trial functions (an SVD or QR
# per trial, other summation orders) round differently; 1e-9 relative is the contract of
# the vectorized engine, which hands trials nearer than that to a decision boundary back
RTOL = 1e-9


def three414_trials(n_trials: int, seed: int) -> pd.DataFrame:
    """3414 trials (14 treatments × 3 blocks) from a known concave surface, with noise."""
    rng = np.random.default_rng(seed)
    k, reps = len(THREE414_LEVELS), 3
    level2 = np.column_stack(
        [
            rng.choice([150.0, 180.0], n_trials),
            rng.choice([60.0, 90.0], n_trials),
            np.full(n_trials, 120.0),
        ]
    )
    rates = np.asarray(THREE414_LEVELS, dtype=float)[None] / 2.0 * level2[:, None, :]
    curv = np.array([0.04, 0.1, 0.03])
    mean = 5500 + np.einsum("i,tki->tk", 300 * curv, rates) - np.einsum("i,tki->tk", curv, rates**2)
    y = (
        mean[:, :, None]
        + rng.normal(0, 150, (n_trials, 1, reps))
        + rng.normal(0, 250, (n_trials, k, reps))
    )
    return pd.DataFrame(
        {
            "trial": np.repeat(np.arange(n_trials), k * reps),
            "trt": np.tile(np.repeat([f"T{i + 1}" for i in range(k)], reps), n_trials),
            "rep": np.tile(np.arange(1, reps + 1), n_trials * k),
            "yield": y.ravel(),
            "N": np.repeat(rates[:, :, 0], reps, axis=1).ravel(),
            "P2O5": np.repeat(rates[:, :, 1], reps, axis=1).ravel(),
            "K2O": np.repeat(rates[:, :, 2], reps, axis=1).ravel(),
        }
    )


def lose_plots(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """1 to 3 plots lost at random in most trials: rows absent in some, yields empty in others
    (every fourth trial stays complete)."""
    rng = np.random.default_rng(seed)
    absent, empty = [], []
    trial = frame["trial"].to_numpy()
    for t in np.unique(trial):
        if t % 4 == 3:
            continue
        rows = np.flatnonzero(trial == t)
        lost = rng.choice(rows, rng.integers(1, 4), replace=False).tolist()
        (empty if t % 2 else absent).extend(lost)
    out = frame.copy()
    out.loc[empty, "yield"] = np.nan
    return out.drop(index=absent)


def batch(frame: pd.DataFrame, engine: str, **kw) -> fo.BatchResult:
    roles = dict(by="trial", response="yield", treatment="trt", block="rep")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a batch summarises its trials' warnings
        return fo.run_batch(frame, **roles, engine=engine, **kw)


def assert_same_frames(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Same columns and rows; numbers to RTOL, everything else exactly."""
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for c in a.columns:
        x, y = a[c], b[c]
        if pd.api.types.is_float_dtype(x):
            np.testing.assert_allclose(
                y.to_numpy(float), x.to_numpy(float), rtol=RTOL, atol=0, err_msg=str(c)
            )
        else:
            assert x.astype(str).tolist() == y.astype(str).tolist(), c


def assert_same_as_per_trial(frame: pd.DataFrame, **kw) -> fo.BatchResult:
    fast = batch(frame, "vectorized", **kw)
    slow = batch(frame, "python", **kw)
    assert_same_frames(slow.table.drop(columns="engine"), fast.table.drop(columns="engine"))
    assert_same_frames(slow.groups, fast.groups)
    assert_same_frames(slow.warnings, fast.warnings)
    assert_same_frames(slow.failures, fast.failures)
    return fast


def one_plot_trials() -> list[int]:
    """Trials of lose_plots(three414_trials(24, 11), 12) where a treatment keeps one plot."""
    frame = lose_plots(three414_trials(24, 11), 12)
    n = frame.dropna(subset=["yield"]).groupby(["trial", "trt"]).size()
    return sorted({t for (t, _), v in n.items() if v < 2})


@pytest.mark.parametrize("posthoc", ["duncan", "tukey", "lsd", "snk", "scheffe"])
def test_missing_plots_equal_the_per_trial_path(posthoc):
    frame = lose_plots(three414_trials(24, 11), 12)
    kw = dict(posthoc=posthoc, rates=("N", "P2O5", "K2O"), surface="full", prices=PRICES)
    res = assert_same_as_per_trial(frame, **kw)
    # every trial is on the fast path but those with a treatment left with one plot
    table = res.table.set_index("trial")
    single = one_plot_trials()
    assert (table.loc[single, "engine"] == "python").all()
    rest = table.drop(index=single)
    assert (rest["engine"] == "vectorized").all()
    assert (~rest["balanced"]).sum() >= 12  # the incomplete trials are among them
    # their warnings name the lost plots and, for Duncan and SNK, the unequal replication
    kinds = set(res.warnings["category"])
    assert {"UnbalancedDesignWarning", "DataWarning"} <= kinds


def test_missing_plots_with_a_stepwise_surface():
    frame = lose_plots(three414_trials(24, 11), 12)
    kw = dict(posthoc="duncan", rates=("N", "P2O5", "K2O"), surface="stepwise", prices=PRICES)
    res = assert_same_as_per_trial(frame, **kw)
    rest = res.table.set_index("trial").drop(index=one_plot_trials())
    assert (rest["engine"] == "vectorized").all()
    # the selection left some terms out somewhere (else this would test the full surface)
    assert rest.filter(like="coef_").isna().any(axis=None)


def test_missing_plots_without_surface_or_letters():
    frame = lose_plots(three414_trials(16, 5), 6)
    res = assert_same_as_per_trial(frame)
    assert (res.table["engine"] == "vectorized").sum() >= 10


def test_one_missing_plot_matches_yates_closed_form():
    """Yates (1933): the missing plot estimated as (t T + r B − G) / ((t − 1)(r − 1)); the
    analysis of the completed table with one residual df less, and the treatment sum of
    squares less the bias [B − (t − 1) x]² / (t (t − 1)), is the least-squares analysis.
    The LS-mean of the treatment is the mean of its plots with the estimate in place."""
    rng = np.random.default_rng(1)
    t, r = 5, 4
    y = rng.normal(50, 5, (t, r)) + 2.0 * np.arange(r)[None, :] + 3.0 * np.arange(t)[:, None]
    i, j = 2, 1
    obs = y.copy()
    obs[i, j] = np.nan
    tot_t, tot_b, grand = np.nansum(obs[i]), np.nansum(obs[:, j]), np.nansum(obs)
    x = (t * tot_t + r * tot_b - grand) / ((t - 1) * (r - 1))
    full = obs.copy()
    full[i, j] = x
    m = full.mean()
    ss_t = r * ((full.mean(axis=1) - m) ** 2).sum()
    ss_e = ((full - full.mean(axis=1)[:, None] - full.mean(axis=0)[None, :] + m) ** 2).sum()
    df_e = (t - 1) * (r - 1) - 1
    bias = (tot_b - (t - 1) * x) ** 2 / (t * (t - 1))
    frame = pd.DataFrame(
        {
            "trial": 0,
            "trt": np.repeat([f"T{k}" for k in range(t)], r),
            "rep": np.tile(np.arange(r), t),
            "yield": obs.ravel(),
        }
    )
    res = batch(frame, "vectorized", posthoc="duncan")
    row = res.table.iloc[0]
    assert row["engine"] == "vectorized"
    assert row["n_obs"] == t * r - 1 and row["n_dropped"] == 1 and not row["balanced"]
    # closed forms in a few dozen operations: agreement to rounding of the sums
    np.testing.assert_allclose(row["df_resid"], df_e, rtol=0)
    np.testing.assert_allclose(row["mse"], ss_e / df_e, rtol=1e-12)
    np.testing.assert_allclose(row["f"], (ss_t - bias) / (t - 1) / (ss_e / df_e), rtol=1e-12)
    means = res.groups.set_index("treatment")["mean"]
    np.testing.assert_allclose(means["T2"], full[i].mean(), rtol=1e-12)


def test_trials_the_kernels_leave_to_the_per_trial_path():
    frame = three414_trials(5, 3)
    trial, trt, rep = (frame[c].to_numpy() for c in ("trial", "trt", "rep"))
    frame.loc[(trial == 0) & (trt == "T4"), "yield"] = np.nan  # a whole treatment lost
    # (had its rows been deleted, trial 0 would be a complete trial of 13 treatments)
    lose = (
        ((trial == 1) & (trt == "T4") & (rep > 1))  # a treatment left with one plot
        | ((trial == 2) & (rep == 3) & (trt != "T1"))  # a block left with one plot
        | ((trial == 3) & (trt == "T5") & (rep == 2))  # one plot: the batched kernels
    )
    frame = frame[~lose]
    kw = dict(posthoc="duncan", rates=("N", "P2O5", "K2O"), surface="full", prices=PRICES)
    res = assert_same_as_per_trial(frame, **kw)
    engine = res.table.set_index("trial")["engine"]
    assert engine.to_dict() == {
        0: "python",
        1: "python",
        2: "python",
        3: "vectorized",
        4: "vectorized",
    }


def test_rate_trials_with_numeric_labels_and_row_labels():
    """N-rate trials: numeric treatment labels (ordered as numbers in the warnings), text
    block labels in some trials and numbers in others, a frame index that is not 0..n-1 (the
    warnings name the rows left out by their labels)."""
    rng = np.random.default_rng(2)
    rates, reps, rows = [0, 40, 80, 120, 160, 200], 4, []
    for t in range(24):
        for x in rates:
            for b in range(reps):
                block = f"B{b + 1}" if t % 2 else b + 1
                y = 4000 + 30 * x - 0.08 * x * x + rng.normal(0, 300)
                rows.append((f"site{t:02d}", x, block, y))
    frame = pd.DataFrame(rows, columns=["site", "N", "rep", "yield"])
    lost = rng.random(len(frame)) < 0.06
    frame.loc[lost & (rng.random(len(frame)) < 0.5), "yield"] = np.nan
    frame = frame[~(lost & frame["yield"].notna())]
    frame.index = frame.index + 1000
    for posthoc in ("duncan", "tukey"):
        kw = dict(by="site", treatment="N", posthoc=posthoc)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fast = fo.run_batch(frame, response="yield", block="rep", engine="vectorized", **kw)
            slow = fo.run_batch(frame, response="yield", block="rep", engine="python", **kw)
        assert_same_frames(slow.table.drop(columns="engine"), fast.table.drop(columns="engine"))
        assert_same_frames(slow.groups, fast.groups)
        assert_same_frames(slow.warnings, fast.warnings)
        assert (fast.table["engine"] == "vectorized").all()
        assert (~fast.table["balanced"]).sum() >= 12  # trials with plots lost (13 of 24)
