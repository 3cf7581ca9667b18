"""fo.recommend: rates by method, leave-site-out regret, price table, figure, report, CLI.

Expected values come from closed forms worked here (the mean of quadratics is a quadratic),
from independent computations in the test (a brute-force grid of the mean net return; each
site refitted alone by fo.fit_response), and from simulated networks with a known generating
distribution (the regret on freshly simulated sites with their true curves).
"""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import fertopt as fo
from fertopt.cli import main

PY, PX = 0.2, 1.0
PRICES = fo.Prices(crop=PY, N=PX)
RATES = np.array([0.0, 50, 100, 150, 200, 250])
ONE_PRICE = {"crop": [PY], "N": [PX]}


# ---------------------------------------------------------------------------
# simulated networks
# ---------------------------------------------------------------------------
def qp(x, a, b, x0):
    m = np.minimum(x, x0)
    return a + b * (m - m * m / (2 * x0))


def draw_sites(n, rng):
    """Site parameters of the generating distribution (quadratic plateau)."""
    return rng.normal(6000, 800, n), rng.lognormal(np.log(40), 0.2, n), rng.normal(160, 30, n)


def simulate(n, rng, sigma, reps=4, truth=False):
    a, b, x0 = draw_sites(n, rng)
    k = len(RATES)
    s = np.repeat(np.arange(n), reps * k)
    rep = np.tile(np.repeat(np.arange(reps), k), n)
    x = np.tile(RATES, reps * n)
    y = qp(x, a[s], b[s], x0[s]) + rng.normal(0, sigma, len(s))
    df = pd.DataFrame({"site": [f"S{i:03d}" for i in s], "rep": rep, "N": x, "yield": y})
    return (df, (a, b, x0)) if truth else df


def true_regret(rate, a, b, x0):
    """Net return lost at ``rate`` against the true optimum within the tested rates."""
    r = PX / PY
    best = np.clip(np.where(b > r, x0 * (1 - r / b), 0.0), 0, RATES[-1])

    def net(x):
        return PY * (qp(x, a, b, x0) - a) - PX * x

    return net(best) - net(rate)


def quadratic_network(n=10, sigma=120.0, seed=3, soil=None):
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(n):
        b, c = rng.normal(40, 3), rng.normal(-0.12, 0.008)
        if soil is not None and soil[s] == "sandy":
            b += 8
        for r in range(3):
            for x in RATES:
                y = 6000 + b * x + c * x * x + rng.normal(0, sigma)
                rows.append((f"S{s}", r, x, y, soil[s] if soil is not None else ""))
    return pd.DataFrame(rows, columns=["site", "rep", "N", "yield", "soil"])


def site_fits(df, model="quadratic"):
    """Each site fitted alone by fo.fit_response (an independent path from run_batch)."""
    return {
        s: fo.fit_response(g, response="yield", rate="N", block="rep", model=model)
        for s, g in df.groupby("site")
    }


def run(df, **kwargs):
    options = {
        "response": "yield",
        "rate": "N",
        "site": "site",
        "block": "rep",
        "prices": PRICES,
        "price_grid": ONE_PRICE,
        "rng": 1,
    }
    options.update(kwargs)
    return fo.recommend(df, **options)


@pytest.fixture(scope="module")
def quad():
    df = quadratic_network()
    return df, run(df, model="quadratic", methods=("mrtn", "site_mean", "class_regression"))


# ---------------------------------------------------------------------------
# MRTN: closed form and brute force
# ---------------------------------------------------------------------------
def test_mrtn_is_the_vertex_of_the_mean_quadratic(quad):
    df, rec = quad
    fits = site_fits(df)
    b = np.mean([f.params.set_index("term").loc["linear", "estimate"] for f in fits.values()])
    c = np.mean([f.params.set_index("term").loc["quadratic", "estimate"] for f in fits.values()])
    vertex = (PX / PY - b) / (2 * c)  # d/dx [Py(b x + c x²) − Px x] = 0
    # the batch fit and fit_response agree to rounding, and the MRTN is refined to 1e-10
    assert_allclose(rec.rate("mrtn"), vertex, rtol=1e-6)


def test_mrtn_equals_a_brute_force_grid_maximum(quad):
    df, rec = quad
    fits = site_fits(df)
    grid = np.linspace(0, 250, 250_001)  # 0.001 kg steps
    gains = np.mean([f.curve.value(grid) - f.curve.value(np.zeros(1)) for f in fits.values()], 0)
    best = grid[np.argmax(PY * gains - PX * grid)]
    assert abs(rec.rate("mrtn") - best) <= 0.001  # the grid's step


def test_full_network_mrtn_is_pool_sites(quad):
    df, rec = quad
    pooled = fo.pool_sites(site_fits(df), prices=PRICES, rates=np.linspace(0, 250, 401))
    # same curves up to the batch fit's rounding
    assert_allclose(rec.rate("mrtn"), pooled.mrtn_rate, rtol=1e-6)
    row = rec.rates[rec.rates["method"] == "mrtn"].iloc[0]
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(pooled.profitable_range, abs=0.63)


def test_leave_one_out_mrtn_is_the_vertex_without_the_site(quad):
    df, rec = quad
    fits = site_fits(df)
    coef = {
        s: f.params.set_index("term")["estimate"][["linear", "quadratic"]].to_numpy()
        for s, f in fits.items()
    }
    held = rec.held_out[rec.held_out["method"] == "mrtn"].set_index("site")
    for s in coef:
        b, c = np.mean([v for k, v in coef.items() if k != s], axis=0)
        assert_allclose(held.loc[s, "rate"], (PX / PY - b) / (2 * c), rtol=1e-6)


def test_site_mean_is_the_mean_of_the_site_optima(quad):
    df, rec = quad
    optima = [f.optimum(prices=PRICES).rate for f in site_fits(df).values()]
    assert_allclose(rec.rate("site_mean"), np.mean(optima), rtol=1e-6)
    assert_allclose(np.sort(rec.sites["own_rate"]), np.sort(optima), rtol=1e-6)


def test_site_covariance_gives_the_delta_se_of_fit_response(quad):
    df, rec = quad
    fits = site_fits(df)
    for s, fit in fits.items():
        opt = fit.optimum(prices=PRICES, ci="delta")
        se = (opt.ci[1] - opt.ci[0]) / 2 / opt.critical if hasattr(opt, "critical") else None
        if se is None:
            from scipy.stats import t

            se = (opt.ci[1] - opt.ci[0]) / 2 / t.ppf(0.975, fit.curve.df_resid)
        row = rec.sites.set_index("site").loc[s]
        # Gauss–Newton covariance with blocks as effects = fit_response's, to rounding
        assert_allclose(row["own_rate_se"], se, rtol=1e-6)


# ---------------------------------------------------------------------------
# class regression
# ---------------------------------------------------------------------------
def test_class_rates_are_the_mrtn_of_each_class():
    soil = ["sandy" if i % 2 else "loam" for i in range(10)]
    df = quadratic_network(soil=soil)
    rec = run(df, model="quadratic", methods=("class_regression",), classes="soil")
    fits = site_fits(df)
    table = rec.rates.set_index("class")
    assert list(table.index) == ["loam", "sandy"]
    for cls in ("loam", "sandy"):
        members = [f"S{i}" for i in range(10) if soil[i] == cls]
        est = [fits[m].params.set_index("term")["estimate"] for m in members]
        b = np.mean([e["linear"] for e in est])
        c = np.mean([e["quadratic"] for e in est])
        assert_allclose(table.loc[cls, "rate"], (PX / PY - b) / (2 * c), rtol=1e-6)
        assert table.loc[cls, "n_sites"] == 5
    # a held-out sandy site gets the MRTN of the other four sandy sites
    held = rec.held_out.set_index("site").loc["S1"]
    others = [fits[f"S{i}"].params.set_index("term")["estimate"] for i in (3, 5, 7, 9)]
    b = np.mean([e["linear"] for e in others])
    c = np.mean([e["quadratic"] for e in others])
    assert held["class"] == "sandy"
    assert_allclose(held["rate"], (PX / PY - b) / (2 * c), rtol=1e-6)


def test_numeric_classes_are_terciles_of_the_training_sites(quad):
    df, rec = quad
    rows = rec.rates[rec.rates["method"] == "class_regression"]
    ck = df[df["N"] == 0].groupby("site")["yield"].mean().to_numpy()
    edges = np.quantile(ck, [1 / 3, 2 / 3])
    assert_allclose(rows["class_high"].to_numpy()[:2], edges, rtol=1e-12)
    # class j holds edges[j-1] <= ck < edges[j]
    counts = [
        (ck < edges[0]).sum(),
        ((ck >= edges[0]) & (ck < edges[1])).sum(),
        (ck >= edges[1]).sum(),
    ]
    assert list(rows["n_sites"]) == counts == [3, 3, 4]


def test_a_class_column_must_be_constant_within_a_site():
    df = quadratic_network(soil=["loam"] * 10)
    df.loc[0, "soil"] = "sandy"
    with pytest.raises(fo.DataError, match=r"varies within a site .*S0"):
        run(df, model="quadratic", methods=("class_regression",), classes="soil")


# ---------------------------------------------------------------------------
# regret measured against the truth (simulation)
# ---------------------------------------------------------------------------
def _regret_check(n_sites, n_networks, sigma, seed, methods):
    """Per method, over simulated networks: the leave-site-out regret against (1) the true
    regret of the same held-out sites at the same rates (paired: the measurement error alone)
    and (2) the true regret of the full-network rule on 20 000 fresh sites (what the
    validation claims to predict).  Each as (mean difference, its standard error, and the
    mean difference of the uncorrected, apparent regret)."""
    rng = np.random.default_rng(seed)
    paired = {m: ([], []) for m in methods}
    fresh = {m: ([], []) for m in methods}
    for _ in range(n_networks):
        df, (a, b, x0) = simulate(n_sites, rng, sigma, truth=True)
        rec = run(df, methods=methods, rng=int(rng.integers(1e9)))
        fa, fb, fx0 = draw_sites(20_000, rng)
        ck = fa + rng.normal(0, sigma / 2, len(fa))  # CK yield read from 4 plots
        for m in methods:
            held = rec.held_out[rec.held_out["method"] == m]
            i = held["site"].str[1:].astype(int).to_numpy()
            true_held = true_regret(held["rate"].to_numpy(), a[i], b[i], x0[i])
            paired[m][0].extend(held["regret"] - true_held)
            paired[m][1].extend(held["regret_apparent"] - true_held)
            rows = rec.rates[rec.rates["method"] == m]
            rate = np.empty(len(fa))
            for _, r in rows.iterrows():
                inside = (
                    np.ones(len(fa), bool)
                    if r["class"] == "all"
                    else ((ck >= r["class_low"]) & (ck < r["class_high"]))
                )
                rate[inside] = r["rate"]
            truth = true_regret(rate, fa, fb, fx0).mean()
            v = rec.validation.set_index("method").loc[m]
            fresh[m][0].append(v["regret_mean"] - truth)
            fresh[m][1].append(v["regret_apparent_mean"] - truth)

    def stats(d, ap):
        d, ap = np.asarray(d), np.asarray(ap)
        return d.mean(), d.std(ddof=1) / np.sqrt(len(d)), ap.mean()

    return (
        {m: stats(*paired[m]) for m in methods},
        {m: stats(*fresh[m]) for m in methods},
    )


def test_leave_site_out_regret_matches_the_truth_quick():
    # 12 networks of 40 sites, sigma 400 (noisy sites, so that the bias of the uncorrected
    # regret is large).  Band: 3 Monte Carlo standard errors of the mean difference (over
    # 480 held-out sites for the paired check, over 12 networks for the fresh sites; the
    # fresh-site truth uses 20 000 sites, whose error is negligible beside the networks')
    paired, fresh = _regret_check(40, 12, 400.0, 99, ("mrtn", "site_mean"))
    for m in paired:
        diff, se, apparent = paired[m]
        assert abs(diff) < 3 * se, (m, diff, se)
        # the check can fail: the uncorrected regret of the fitted curves is outside the band
        assert apparent > 3 * se, (m, apparent, se)
        diff, se, _ = fresh[m]
        assert abs(diff) < 3 * se, (m, diff, se)


@pytest.mark.slow
def test_leave_site_out_regret_matches_fresh_sites():
    # 30 networks of 60 sites, every method, against 20 000 fresh sites per network; band 3
    # Monte Carlo standard errors of the mean difference over networks
    methods = ("mrtn", "site_mean", "class_regression")
    _, fresh = _regret_check(60, 30, 300.0, 7, methods)
    for m in methods:
        diff, se, _ = fresh[m]
        assert abs(diff) < 3 * se, (m, diff, se)


def test_regret_is_zero_for_a_network_of_identical_sites():
    # every site the same curve: every rule finds the common optimum, nothing is lost
    rows = [
        (f"S{s}", r, x, qp(x, 6000, 40, 160) + e)
        for s in range(9)
        for r, e in enumerate((-50.0, 50.0))
        for x in RATES
    ]
    df = pd.DataFrame(rows, columns=["site", "rep", "N", "yield"])
    rec = run(df, methods=("mrtn", "site_mean"))
    assert_allclose(rec.rate("mrtn"), 160 * (1 - 5 / 40), rtol=1e-6)  # x0 (1 − r/b)
    assert_allclose(rec.validation["regret_apparent_mean"], 0, atol=1e-6)


# ---------------------------------------------------------------------------
# folds, price table, honest uncertainty
# ---------------------------------------------------------------------------
def test_k_folds_hold_out_every_site_once_and_record_the_seed():
    df = quadratic_network(n=12)
    rec = run(df, model="quadratic", methods=("mrtn",), folds=4, rng=5)
    assert rec.n_folds == 4 and rec.seed == 5
    assert sorted(rec.held_out["site"]) == sorted(df["site"].unique())
    assert rec.held_out.groupby("fold").size().tolist() == [3, 3, 3, 3]
    again = run(df, model="quadratic", methods=("mrtn",), folds=4, rng=5)
    pd.testing.assert_frame_equal(rec.held_out, again.held_out)


def test_years_make_site_years_and_folds_hold_out_whole_sites():
    df = quadratic_network(n=8)
    df = pd.concat([df.assign(year=2024), df.assign(year=2025, **{"yield": df["yield"] + 300})])
    rec = run(df, model="quadratic", methods=("mrtn",), year="year")
    assert (rec.n_sites, rec.n_site_years, rec.n_years) == (8, 16, 2)
    assert rec.n_folds == 8
    folds = rec.held_out.groupby("fold")["site"].apply(sorted)
    assert all(len(f) == 2 and f[0].split()[0] == f[1].split()[0] for f in folds)


def test_price_table_rate_follows_the_price_ratio(quad):
    df, _ = quad
    rec = run(df, model="quadratic", methods=("mrtn",), price_grid={"crop": [0.2], "N": [0.5, 1]})
    fits = site_fits(df)
    b = np.mean([f.params.set_index("term").loc["linear", "estimate"] for f in fits.values()])
    c = np.mean([f.params.set_index("term").loc["quadratic", "estimate"] for f in fits.values()])
    table = rec.price_table.set_index("nutrient_price")
    for px in (0.5, 1.0):
        assert_allclose(table.loc[px, "rate"], (px / 0.2 - b) / (2 * c), rtol=1e-6)
        assert table.loc[px, "price_ratio"] == pytest.approx(px / 0.2)
    assert len(run(df, model="quadratic", methods=("mrtn",), price_grid=None).price_table) == 9


def test_few_sites_warn_and_say_how_many():
    df = quadratic_network(n=5)
    with pytest.warns(fo.DesignWarning, match=r"rests on 5 sites \(fewer than 8\)"):
        rec = run(df, model="quadratic", methods=("mrtn",))
    assert rec.n_sites == 5 and any("fewer than 8" in w for w in rec.warnings)


def test_a_rate_at_the_top_of_the_tested_rates_warns():
    # responses still rising at the top rate: the MRTN is the top rate, not bracketed
    rng = np.random.default_rng(2)
    rows = [
        (f"S{s}", r, x, 6000 + 30 * x + rng.normal(0, 50))
        for s in range(8)
        for r in range(2)
        for x in RATES
    ]
    df = pd.DataFrame(rows, columns=["site", "rep", "N", "yield"])
    with pytest.warns(fo.ExtrapolationWarning, match="do not bracket"):
        rec = run(df, model="quadratic", methods=("mrtn",))
    assert rec.rate("mrtn") == pytest.approx(250)


def test_network_rate_is_the_mrtn_of_a_balanced_quadratic_network(quad):
    # every site the same design: the mixed model's fixed effects are the mean of the sites'
    # least-squares coefficients, so its population optimum is the MRTN's closed form
    df, _ = quad
    rec = run(df, model="quadratic", methods=("mrtn", "network"), validate="none")
    assert rec.methods == ("mrtn", "network")
    assert_allclose(rec.rate("network"), rec.rate("mrtn"), rtol=1e-6)  # REML to 1e-8
    row = rec.rates.set_index("method").loc["network"]
    assert row["ci_low"] < row["rate"] < row["ci_high"]


def test_network_method_on_quadratic_plateau_sites(quad):
    # the default model: the population optimum of the nonlinear mixed model lies within the
    # tested rates and near the MRTN of the same sites (both summarise one population)
    df, _ = quad
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = run(df, methods=("mrtn", "network"), validate="none")
    assert rec.methods == ("mrtn", "network")
    rate, mrtn = rec.rate("network"), rec.rate("mrtn")
    assert 0 < rate <= df["N"].max()
    assert abs(rate - mrtn) < 0.25 * mrtn  # a loose band: two estimators, few sites


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------
def test_unknown_method_names_the_choices(quad):
    df, _ = quad
    with pytest.raises(fo.OptionError, match=r"mrtn.*site_mean"):
        run(df, methods=("mrtm",))


def test_one_site_is_a_data_error():
    df = quadratic_network(n=1)
    with pytest.raises(fo.DataError, match=r"at least two sites.*fit_response"):
        run(df)


def test_missing_prices_teach_how_to_give_them(quad):
    df, _ = quad
    with pytest.raises(fo.OptionError, match=r"prices=fo\.Prices\(crop="):
        run(df, prices=None)
    with pytest.raises(fo.OptionError, match="fertopt.Prices"):
        run(df, prices={"crop": 0.2, "N": 1})


def test_bad_folds_and_columns(quad):
    df, _ = quad
    with pytest.raises(fo.OptionError, match="folds=1"):
        run(df, folds=1)
    with pytest.raises(fo.ColumnError):
        run(df, site="field")


# ---------------------------------------------------------------------------
# display, figure, report, CLI
# ---------------------------------------------------------------------------
def test_result_displays_in_english_and_chinese(quad):
    _, rec = quad
    assert "\n" not in repr(rec) and repr(rec).startswith("<Recommendation 10 sites")
    text = str(rec)
    assert "Regret on held-out sites" in text and "MRTN" in text
    zh = rec.summary(lang="zh").as_text()
    assert "留出试验点上的损失" in zh
    words = {w for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", zh) if re.search("[A-Za-z]{3}", w)}
    assert words <= {"MRTN"}, words
    assert "<table" in rec._repr_html_()
    data = json.loads(json.dumps(rec.to_dict()))
    assert data["n_sites"] == 10 and len(data["validation"]) == 3


def test_plot_draws_regret_and_optima(quad):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _, rec = quad
    axes = rec.plot()
    assert len(axes) == 2
    assert len(axes[0].patches) == 3  # one bar per method
    assert len(axes[1].lines) == 1 + 3 + 1  # mrtn, three classes, site mean
    plt.close("all")


def test_report_has_the_result_blocks(quad, tmp_path):
    pytest.importorskip("matplotlib")
    _, rec = quad
    report = rec.report(figures=False)
    keys = [s.key for s in report.sections]
    assert keys[:4] == ["data", "rates", "validation", "prices"]
    parts = rec.summary_parts()
    (block,) = report.sections[1].blocks
    assert block.title == parts["rates"].title and block.frame.equals(parts["rates"].frame)
    html = report.to_html(tmp_path / "r.html")
    assert "Leave-site-out validation" in html


def test_cli_recommend_end_to_end(tmp_path, capsys):
    df = quadratic_network(n=9)
    path = tmp_path / "net.csv"
    df.drop(columns="soil").to_csv(path, index=False)
    out = tmp_path / "rec.md"
    argv = ["recommend", str(path), "--site", "site", "--rate", "N", "--block", "rep"]
    argv += ["--prices", "crop=0.2,N=1.0", "--model", "quadratic", "--methods", "mrtn,site_mean"]
    argv += ["--seed", "1", "--report", str(out), "--format", "json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["n_sites"] == 9 and data["methods"] == ["mrtn", "site_mean"]
    assert "Recommended rates" in out.read_text(encoding="utf-8")
    assert main([*argv[:10], "--methods", "mrtm"]) == 2
    assert "mrtm" in capsys.readouterr().err
