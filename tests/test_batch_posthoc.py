"""Letters of many trials at once: the vectorized Duncan/LSD/Tukey against fo.duncan/lsd/tukey."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import fertopt as fo
from fertopt.batch import _vposthoc
from fertopt.multcomp import duncan
from fertopt.multcomp import letters as _cld
from test_batch import random_trials
from test_batch_surface import PRICES, assert_same, three414
from test_batch_surface import run as run_surface


def run(data, **kw):
    kw.setdefault("by", "trial")
    kw.setdefault("response", "y")
    kw.setdefault("treatment", "trt")
    kw.setdefault("block", "rep")
    return fo.run_batch(data, **kw)


def strong_trials(n_trials: int, seed: int) -> pd.DataFrame:
    """Trials with real treatment differences, so that letters vary; some ties and traps."""
    data = random_trials(n_trials, seed=seed, min_blocks=3)
    rng = np.random.default_rng(seed)
    effect = {t: rng.normal(0, 3, 8) for t in data["trial"].unique()}
    shift = [effect[t][int(s[1:])] for t, s in zip(data["trial"], data["trt"], strict=True)]
    data["y"] = data["y"] + np.where(data["trial"] % 8 == 3, 0.0, shift)
    return data


@pytest.mark.parametrize("test", ["duncan", "lsd", "tukey", "snk", "scheffe"])
def test_letters_equal_the_single_trial_tests(test):
    data = strong_trials(160, seed=41)
    fast = run(data, posthoc=test)
    slow = run(data, posthoc=test, engine="python")
    assert fast.n_vectorized >= 120
    pd.testing.assert_frame_equal(
        fast.groups[["trial", "treatment", "n", "letters"]],
        slow.groups[["trial", "treatment", "n", "letters"]],
    )
    # means, sd and se: relative 1e-12 (sums in another order) plus 1e-12 of the trial's scale
    for col in ("mean", "sd", "se"):
        np.testing.assert_allclose(
            fast.groups[col], slow.groups[col], rtol=1e-9, atol=1e-12 * np.abs(data["y"]).max()
        )
    pd.testing.assert_series_equal(fast.table["letters_method"], slow.table["letters_method"])
    pd.testing.assert_series_equal(fast.table["n_letters"], slow.table["n_letters"])


def test_duncan_groups_as_agricolae_orders_them():
    # a published-style trial: the vectorized groups equal fo.duncan's on the same data
    df = pd.DataFrame(
        {
            "site": "A",
            "trt": ["CK", "N", "NP", "NPK", "PK"] * 4,
            "rep": np.repeat([1, 2, 3, 4], 5),
            "y": [
                20.1,
                25.3,
                27.9,
                30.2,
                22.0,
                19.5,
                24.1,
                28.3,
                31.0,
                21.7,
                21.0,
                26.2,
                27.1,
                29.6,
                23.1,
                20.4,
                25.0,
                28.8,
                30.5,
                22.2,
            ],
        }
    )
    res = fo.run_batch(df, by="site", response="y", treatment="trt", block="rep", posthoc="duncan")
    assert res.n_vectorized == 1
    mc = duncan(fo.anova(df, response="y", treatment="trt", block="rep"))
    got = res.groups.drop(columns="site")
    got["treatment"] = got["treatment"].astype(str)
    got["letters"] = got["letters"].astype(str)
    want = mc.groups[["treatment", "mean", "sd", "se", "n", "letters"]]
    pd.testing.assert_frame_equal(
        got, want.astype({"treatment": str, "letters": str}), check_exact=False, rtol=1e-12
    )


def test_numeric_labels_and_ties_are_ordered_like_the_single_trial_test():
    # labels 0, 30, 60, 120 sort numerically; two treatments with equal means keep label order
    rows = []
    for t in range(6):
        for r in (1, 2, 3):
            for n_rate, base in ((0, 5.0), (30, 6.0), (60, 6.0), (120, 7.5)):
                rows.append({"trial": t, "trt": n_rate, "rep": r, "y": base + 0.1 * r + 0.3 * t})
    data = pd.DataFrame(rows)
    fast = run(data, posthoc="duncan")
    slow = run(data, posthoc="duncan", engine="python")
    pd.testing.assert_frame_equal(
        fast.groups[["trial", "treatment", "letters"]],
        slow.groups[["trial", "treatment", "letters"]],
    )
    assert (fast.table["engine"] == "python").all()  # equal means: order decided per trial


def test_vectorized_sweep_is_agricolae_sweep():
    rng = np.random.default_rng(42)
    for k in (2, 3, 5, 9, 14):
        upper = np.triu(rng.random((400, k, k)) < rng.random((400, 1, 1)), 1)
        sep = upper | upper.transpose(0, 2, 1)
        marks = _vposthoc._sweep(sep)
        book = _vposthoc.LetterBook()
        codes = book.codes_of_bits(marks)
        for i in range(len(sep)):
            want = _cld.sweep_letters(list(range(k)), ~sep[i])
            assert [book.names[c] for c in codes[i]] == want


def test_label_order():
    names = np.array(["10", "2", "1.5", "CK", "N"], dtype=object)
    order = _vposthoc.LabelOrder(names)
    numeric = order.base(np.array([[0, 1, 2]]))  # 10, 2, 1.5 → 1.5, 2, 10
    assert [names[[0, 1, 2][i]] for i in numeric[0]] == ["1.5", "2", "10"]
    text = order.base(np.array([[4, 0, 3]]))  # N, 10, CK → text order 10, CK, N
    assert [names[[4, 0, 3][i]] for i in text[0]] == ["10", "CK", "N"]


def test_critical_values_are_computed_once_per_design():
    from fertopt import distributions

    data = strong_trials(40, seed=43)
    more = pd.concat([data, data.assign(trial=data["trial"] + 1000)], ignore_index=True)
    distributions.clear_cache()
    run(data, posthoc="duncan")
    first = distributions.cache_info()["misses"]
    run(more, posthoc="duncan")  # twice the trials, the same (K, df): nothing new to compute
    assert distributions.cache_info()["misses"] == first


@pytest.mark.slow
def test_full_pipeline_on_2000_trials_with_degenerate_ones():
    # ANOVA, Duncan letters, ternary surface and priced optimum on 2 000 trials, among them
    # ridges (every 9th), a constant trial, a trial missing a plot and one with equal means
    data = three414(2000, seed=67)
    data.loc[data["trial"] == 10, "yield"] = 6000.0
    data = data.drop(index=data.index[data["trial"] == 11][:1])
    t12 = data["trial"] == 12
    data.loc[t12, "yield"] = 6000.0 + np.tile([1.0, -2.0, 1.0], 14)
    fast = run_surface(data, prices=PRICES, posthoc="duncan")
    slow = run_surface(data, prices=PRICES, posthoc="duncan", engine="python", n_jobs=2)
    assert fast.n_vectorized >= 1900
    assert_same(fast.table, slow.table)
    for name in ("failures", "warnings"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(slow, name))
    pd.testing.assert_frame_equal(
        fast.groups[["trial", "treatment", "n", "letters"]],
        slow.groups[["trial", "treatment", "n", "letters"]],
    )
    np.testing.assert_allclose(
        fast.groups[["mean", "sd", "se"]], slow.groups[["mean", "sd", "se"]], rtol=1e-9
    )


@pytest.mark.parametrize("surface", ["full", "stepwise"])
def test_completely_randomized_trials_with_letters_and_surfaces(surface):
    # block=None: one-way ANOVA, Duncan on its error, surfaces without block effects; rows shuffled
    data = three414(40, seed=71).sample(frac=1.0, random_state=5)
    kw = {"block": None, "posthoc": "duncan", "surface": surface, "prices": PRICES}
    fast = run_surface(data, **kw)
    slow = run_surface(data, engine="python", **kw)
    assert fast.n_vectorized == 40 and (fast.table["design"] == "CRD").all()
    assert_same(fast.table, slow.table)
    pd.testing.assert_frame_equal(
        fast.groups[["trial", "treatment", "letters"]],
        slow.groups[["trial", "treatment", "letters"]],
    )


def test_fast_piepho_letters_are_cld_piepho_letters():
    # the batch finds Piepho's columns as maximal cliques (Bron-Kerbosch) instead of by
    # insert-absorb; the letters must be those of _cld on every pattern
    rng = np.random.default_rng(45)
    for _ in range(1500):
        k = int(rng.integers(2, 15))
        upper = np.triu(rng.random((k, k)) < rng.random(), 1)
        sep = upper | upper.T
        want = _cld.piepho_letters(list(range(k)), ~sep)
        assert _vposthoc.piepho_bits(sep, _cld.LOWERCASE) == want
