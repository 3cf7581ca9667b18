"""Compact letter displays: agricolae's sweep, Piepho's algorithm, validity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from fertopt import DesignError
from fertopt.multcomp.letters import (
    CAPITALS,
    LOWERCASE,
    compact_letters,
    letters_valid,
    piepho_letters,
    sweep_letters,
)

REF = Path(__file__).parent / "reference"


def _lsd_same(means, n, mse, df, alpha=0.05):
    means, n = np.asarray(means, float), np.asarray(n, float)
    se = np.sqrt(mse * (1 / n[:, None] + 1 / n[None, :]))
    t = np.abs(means[:, None] - means[None, :]) / se
    p = 2 * stats.t.sf(t, df)
    return p >= alpha


def test_case_l1():
    # anchors-stats b5 L1: means 2.7, 1.8, 0.2, 0.1; r = 3, 5, 4, 2; MSE 1; 10 df.
    # T2 and T4 are not separated (p = 0.0696) but the sweep gives them different letters.
    same = _lsd_same([2.7, 1.8, 0.2, 0.1], [3, 5, 4, 2], 1.0, 10)
    order = [0, 1, 2, 3]
    assert sweep_letters(order, same) == ["a", "a", "b", "b"]
    assert not letters_valid(["a", "a", "b", "b"], same)
    assert compact_letters(order, same) == (["a", "ab", "c", "bc"], "piepho")


def test_case_l2():
    # L2: means 2.2, 1.9, 1.8, 0.2; r = 4, 2, 4, 5; MSE 1; 11 df. T3 and T4 differ (p = 0.0362)
    # but share "b" in the sweep.
    same = _lsd_same([2.2, 1.9, 1.8, 0.2], [4, 2, 4, 5], 1.0, 11)
    order = [0, 1, 2, 3]
    assert sweep_letters(order, same) == ["a", "ab", "ab", "b"]
    assert compact_letters(order, same) == (["a", "ab", "a", "b"], "piepho")


def test_case_s_stepdown_decisions():
    # S: the SAS SNK decisions (step-down) on Keppel & Wickens' data; order g1, g5, g4, g2, g3.
    # Separated: g1 from g4, g2, g3; g5 from g3.
    same = np.ones((5, 5), dtype=bool)
    for i, j in [(0, 2), (0, 3), (0, 4), (1, 4)]:
        same[i, j] = same[j, i] = False
    letters, method = compact_letters(range(5), same)
    assert letters == ["a", "ab", "bc", "bc", "c"] and method == "agricolae"  # SAS: A AB BC BC C
    assert piepho_letters(range(5), same) == letters


def test_a_goes_to_the_first_in_order():
    same = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=bool)
    assert compact_letters([2, 0, 1], same)[0] == ["b", "c", "a"]
    assert piepho_letters([2, 0, 1], same) == ["b", "c", "a"]
    capitals, _ = compact_letters([2, 0, 1], same, pool=CAPITALS)
    assert capitals == ["B", "C", "A"]


def test_all_equal_and_all_different():
    k = 6
    assert compact_letters(range(k), np.ones((k, k), bool))[0] == ["a"] * k
    letters, _ = compact_letters(range(k), np.eye(k, dtype=bool))
    assert letters == list("abcdef")


def test_too_many_groups():
    k = len(LOWERCASE) + 1
    with pytest.raises(DesignError, match="read the `pairs` table"):
        compact_letters(range(k), np.eye(k, dtype=bool))


def test_pool_follows_agricolae():
    # agricolae 1.3-7 continues after z with A-Z, then 1-9 and punctuation
    assert LOWERCASE[:3] == ("a", "b", "c") and LOWERCASE[26] == "A" and LOWERCASE[52] == "1"
    assert CAPITALS[0] == "A" and "a" not in CAPITALS


@st.composite
def decision_matrices(draw):
    k = draw(st.integers(2, 9))
    bits = draw(st.lists(st.booleans(), min_size=k * (k - 1) // 2, max_size=k * (k - 1) // 2))
    same = np.ones((k, k), dtype=bool)
    iu = np.triu_indices(k, 1)
    same[iu] = bits
    same.T[iu] = bits
    order = draw(st.permutations(list(range(k))))
    return order, same


@settings(max_examples=300, deadline=None)
@given(decision_matrices())
def test_letters_always_valid(case):
    order, same = case
    letters, method = compact_letters(order, same)
    assert letters_valid(letters, same)
    assert "a" in letters[order[0]]
    sweep = sweep_letters(order, same)
    if letters_valid(sweep, same):
        assert (letters, method) == (sweep, "agricolae")
    else:
        assert method == "piepho"
    assert letters_valid(piepho_letters(order, same), same)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=2, max_size=8), st.floats(0.2, 3.0))
def test_interval_decisions_give_the_sweep(means, width):
    # when "not separated" means "closer than a fixed width" (balanced LSD), the decisions are
    # monotone along the sorted means and agricolae's sweep is valid
    m = np.asarray(means)
    same = np.abs(m[:, None] - m[None, :]) < width
    order = list(np.argsort(-m, kind="stable"))
    letters, method = compact_letters(order, same)
    assert method == "agricolae" and letters_valid(letters, same)


def test_sweep_matches_the_r_port():
    # tests/reference/multcomp_reference.R carries its own port of orderPvalue; both ports
    # must give the same letters from the same decisions (R order: decreasing mean, ties in
    # sorted-label order)
    pairs = pd.read_csv(REF / "multcomp_pairs.csv", keep_default_na=False)
    groups = pd.read_csv(REF / "multcomp_groups.csv", keep_default_na=False)
    keys = ["dataset", "analysis", "slice", "test", "alpha", "variant"]
    checked = 0
    by_key = dict(list(pairs.groupby(keys, sort=False)))
    for key, g in groups.groupby(keys, sort=False):
        p = by_key[key]
        labels = list(g["treatment"])
        pos = {lb: i for i, lb in enumerate(labels)}
        same = np.ones((len(labels), len(labels)), dtype=bool)
        for a, b, pv in zip(p["treatment_a"], p["treatment_b"], p["p"], strict=False):
            same[pos[a], pos[b]] = same[pos[b], pos[a]] = not (float(pv) < float(key[4]))
        order = list(np.argsort(-g["mean"].to_numpy(float), kind="stable"))
        assert sweep_letters(order, same) == list(g["letters_exact"]), key
        assert letters_valid(sweep_letters(order, same), same) == (
            str(g["valid_exact"].iloc[0]).upper() == "TRUE"
        )
        checked += 1
    assert checked > 400
