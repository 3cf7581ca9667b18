"""One 3414 trial through fo.three414, trial_report, run_batch and fertopt analyze: one answer."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import fertopt as fo

SRC = str(Path(__file__).parents[1] / "src")
PRICES = fo.Prices(crop=2.8, N=6.25, P2O5=4.67, K2O=10.4)
PRICES_CLI = "crop=2.8,N=6.25,P2O5=4.67,K2O=10.4"


def trial(seed=5):
    """A replicated 3414 trial on a concave surface whose ternary fit is not typical everywhere.

    The K2O response still rises at level 3, so the ternary optimum sits at the K bound and the
    cascade has to go down to the binary fits for some nutrients: the case where the entry
    points used to disagree.
    """
    book = fo.design.three414(level2={"N": 18, "P2O5": 8, "K2O": 19}, reps=3, rng=seed)
    df = book.table.rename(columns={"block": "rep"})
    n, p, k = df["N"], df["P2O5"], df["K2O"]
    rng = np.random.default_rng(seed)
    df["yield"] = (
        1800
        + 125 * n
        - 3.3 * n**2
        + 135 * p
        - 9.9 * p**2
        + 59 * k
        - 1.0 * k**2
        + 1.7 * n * p
        + 2.4 * p * k
        + rng.normal(0, 90, len(df))
    )
    return df


def rates_of_three414(df):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        res = fo.three414(df, response="yield", block="rep", prices=PRICES)
    return res, dict(zip(res.recommendations["nutrient"], res.recommendations["rate"], strict=True))


def test_the_cascade_is_exercised():
    res, _ = rates_of_three414(trial())
    sources = set(res.recommendations["source"])
    assert sources != {"ternary"}, sources  # the case where the entry points used to differ


def test_three414_report_batch_and_cli_recommend_the_same_rates(tmp_path):
    df = trial()
    res, expected = rates_of_three414(df)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        rep = fo.trial_report(
            df,
            response="yield",
            treatment="treatment",
            block="rep",
            rates=["N", "P2O5", "K2O"],
            prices=PRICES,
            figures=False,
        )
        batches = [
            fo.run_batch(
                df.assign(site="A"),
                by="site",
                response="yield",
                treatment="treatment",
                block="rep",
                rates=["N", "P2O5", "K2O"],
                prices=PRICES,
                engine=engine,
            )
            for engine in ("vectorized", "python")
        ]
    # the report: the 3414 section, and no response-curve or surface recommendation beside it
    assert rep.plan.design == "3414" and rep.section("three414").status == "ok"
    assert rep.section("response").status == rep.section("surface").status == "not_applicable"
    report_rates = dict(
        zip(
            rep.three414.recommendations["nutrient"],
            rep.three414.recommendations["rate"],
            strict=True,
        )
    )
    # the same function on the same plots: identical numbers
    assert report_rates == expected
    for batch in batches:
        row = batch.table.iloc[0]
        assert {n: row[f"rec_{n}"] for n in expected} == expected
        assert row["rec_source_N"] == res.recommendations["source"].iloc[0]
    # the command line reads the trial from a CSV file (text round trip of the numbers)
    path = tmp_path / "t3414.csv"
    df.to_csv(path, index=False)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "fertopt.cli",
            "analyze",
            str(path),
            "--rates",
            "N,P2O5,K2O",
            "--block",
            "rep",
            "--prices",
            PRICES_CLI,
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": SRC},
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "fertopt: design: 3414 trial: N, P2O5, K2O each have 4 rates" in out.stderr
    cli = json.loads(out.stdout)["three414"]["recommendations"]
    # pandas writes floats with 17 significant digits and json reads them back exactly; the
    # 1e-12 allows for nothing but that round trip
    np.testing.assert_allclose(
        [r["rate"] for r in cli], [expected[n] for n in ("N", "P2O5", "K2O")], rtol=1e-12
    )
    # the key finding gives the same rates
    finding = next(k for k in rep.key_findings if k.startswith("3414 recommendation"))
    assert f"N {expected['N']:.1f}" in finding  # rates are shown to 0.1 kg


def test_the_report_section_shows_the_whole_3414_analysis():
    df = trial()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        rep = fo.trial_report(
            df,
            response="yield",
            treatment="treatment",
            block="rep",
            rates=["N", "P2O5", "K2O"],
            prices=PRICES,
            lang="zh",
        )
    sec = rep.section("three414")
    parts = rep.three414.summary_parts(lang="zh")
    titles = [getattr(b, "title", None) for b in sec.blocks]
    for name in ("cascade", "relative_yield", "fits"):
        assert parts[name].title in titles, name
    text = rep.to_text()
    for word in (
        "推荐顺序：三元 → 二元 → 一元 → 线性加平台",
        "丰缺等级",
        "典型",
        "3414 推荐施肥量",
    ):
        assert word in text, word
    (figure,) = [f for f in rep.figures if f.name == "three414"]
    from PIL import Image

    width, _height = Image.open(io.BytesIO(figure.data)).size
    assert width >= 800


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_plot_marks_the_recommended_rates_on_the_fits_they_come_from(lang):
    import matplotlib

    matplotlib.use("Agg")
    res, expected = rates_of_three414(trial())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.DisplayWarning)  # no CJK font on a bare machine
        axes = res.plot(lang=lang)
    fig = axes[0].figure
    assert fig.get_size_inches()[0] * fig.dpi >= 800
    for ax, (n, rate) in zip(axes, expected.items(), strict=True):
        vertical = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
        assert len(vertical) == 1 and vertical[0].get_xdata()[0] == pytest.approx(rate)
        assert ax.get_title().startswith(n)
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend[0] == ("treatment means" if lang == "en" else "处理平均产量")
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_batch_asks_for_3414_explicitly_and_leaves_other_designs_alone():
    df = trial().assign(site="A")
    with pytest.raises(fo.OptionError, match="design='3414' needs rates="):
        fo.run_batch(df, by="site", response="yield", treatment="treatment", design="3414")
    roles = {"by": "site", "response": "yield", "treatment": "treatment", "block": "rep"}
    rates = ("N", "P2O5", "K2O")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fo.FertoptWarning)
        both = fo.run_batch(df, **roles, rates=rates, surface="full", design="3414")
        surface_only = fo.run_batch(df, **roles, rates=rates, surface="full")
    assert {"opt_N", "rec_N", "rec_source_K2O"} <= set(both.table.columns)
    # asked for the vectorized surface only, the batch keeps its speed: no 3414 stage
    assert "rec_N" not in surface_only.table.columns and "opt_N" in surface_only.table.columns
    mn = fo.load_dataset("minnesota_2012")
    res = fo.run_batch(
        mn,
        by="year",
        response="yld_grain_dry_kgha",
        treatment="trt",
        block="rep",
        rates="rate_n_applied_kgha",
        model="quadratic",
    )
    assert not [c for c in res.table.columns if c.startswith("rec_")]
