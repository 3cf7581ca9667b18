"""fit_nlme (the nonlinear mixed-effects engine of fit_network) against nlme::nlme and known truth.

The references are written by ``tests/reference/network/nlme_reference.R`` (nlme 3.1-162, the
models in fertopt's parametrisation with analytic gradients, ML unless the case says REML) on
the Hernandez & Mulla (2008) network (agridat ``hernandez.nitrogen``), the Engelstad & Parks
(1971) site-years (agridat ``engelstad.nitro``) and three simulated networks written by the
same script, and ``nlme::lme``'s ML fit of the quadratic.  Every nlme fit starts from the
fixed effects the script started nlme from.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fertopt.curves.models import MODELS
from fertopt.exceptions import ConvergenceError, ConvergenceWarning, DataError, OptionError
from fertopt.network.nonlinear import NlmeEstimate, fit_nlme

REF = Path(__file__).parent / "reference" / "network"
RESULTS = pd.read_csv(REF / "nlme_results.csv", keep_default_na=False)
RESULTS["value"] = RESULTS["value"].astype(float)
MODEL = {
    "qp": "quadratic_plateau",
    "lp": "linear_plateau",
    "mit": "mitscherlich",
    "quadratic": "quadratic",
}
# The bar for agreement with nlme.  Refitting in R with pnlsTol 1e-5 instead of 1e-6
# moves nlme's own estimates by up to ~1e-6 (relative), so nlme is itself only that close to
# the fixed point of the algorithm; fertopt lands within ~1e-5 of it on every quantity.
RTOL = 1e-4
# Hernandez's prices (agridat): $0.6615 per kg N, $118.1 per Mg of grain
HERNANDEZ_RATIO = 0.6615 / 118.1


def network(case: str) -> pd.DataFrame:
    if case.startswith("hernandez"):
        d = pd.read_csv(REF / "nlme_hernandez.csv").rename(columns={"nitro": "x"})
    elif case.startswith("engelstad"):
        d = pd.read_csv(REF / "nlme_engelstad.csv").rename(columns={"nitro": "x"})
        d["site"] = d["loc"] + " " + d["year"].astype(str)
        d["rep"] = "R1"
    else:
        d = pd.read_csv(REF / f"nlme_{'_'.join(case.split('_')[:2])}.csv")
    return d


def reference(case: str) -> dict:
    r = RESULTS[RESULTS["case"] == case]

    def part(what: str) -> pd.DataFrame:
        return r[r["what"] == what]

    psi = part("psi_site")
    random = list(dict.fromkeys(psi["name"]))
    q = len(random)
    out = {
        "start": dict(zip(part("start")["name"], part("start")["value"], strict=True)),
        "beta": part("beta")["value"].to_numpy(),
        "beta_cov": part("beta_cov")["value"].to_numpy().reshape(3, 3),
        "psi": psi["value"].to_numpy().reshape(q, q),
        "sigma2": float(part("sigma2")["value"].iloc[0]),
        "loglik": float(part("loglik")["value"].iloc[0]),
        "random": random,
        "effects": part("site_effect"),
        "rep_psi": part("psi_rep")["value"].to_numpy(),
        "rep_effects": part("rep_effect"),
    }
    return out


def fit_case(case: str, **kw) -> tuple[NlmeEstimate, dict, list[str]]:
    ref = reference(case)
    d = network(case)
    sites = sorted(d["site"].unique())
    codes = d["site"].map({s: i for i, s in enumerate(sites)}).to_numpy()
    blocks = d["rep"].astype("category").cat.codes.to_numpy() if "_rep" in case else None
    options = {
        "model": MODEL[case.split("_")[1]],
        "random": ref["random"],
        "block_codes": blocks,
        "covariance": "diagonal" if ("diag" in case or case == "sim_qp_3") else "general",
        "start": ref["start"] or None,
        "method": "REML" if "reml" in case else "ML",
    }
    options.update(kw)
    fit = fit_nlme(d["x"].to_numpy(float), d["yield"].to_numpy(float), codes, **options)
    return fit, ref, sites


NONSINGULAR = [
    "hernandez_qp_symm",
    "hernandez_qp_diag",
    "hernandez_qp_rep",
    "hernandez_qp_reml",
    "hernandez_lp_symm",
    "hernandez_mit_symm",
    "hernandez_mit_diag",
    "engelstad_qp_symm",
    "sim_qp_symm",
    "sim_qp_rep",
    "sim_lp_symm",
    "sim_lp_rep",
    "sim_mit_symm",
    "sim_mit_rep",
    # nlme::lme's ML fit of the quadratic (linear in its parameters): an independent algorithm
    "hernandez_quadratic_lme",
]


@pytest.mark.parametrize("case", NONSINGULAR)
def test_agrees_with_nlme(case):
    fit, ref, sites = fit_case(case)
    np.testing.assert_allclose(fit.beta, ref["beta"], rtol=RTOL)
    np.testing.assert_allclose(fit.beta_cov, ref["beta_cov"], rtol=RTOL)
    np.testing.assert_allclose(fit.psi, ref["psi"], rtol=RTOL)
    np.testing.assert_allclose(fit.sigma2, ref["sigma2"], rtol=RTOL)
    # the log-likelihood is a sum of ~100 terms: compare it relative to itself as well
    np.testing.assert_allclose(fit.loglik, ref["loglik"], rtol=RTOL)
    e = ref["effects"]
    blups = np.array(
        [
            [e[(e["name"] == s) & (e["name2"] == k)]["value"].iloc[0] for k in ref["random"]]
            for s in sites
        ]
    )
    # BLUPs cross zero: compare them on the scale of their own spread
    spread = np.abs(blups).max(axis=0)
    np.testing.assert_allclose(fit.site_effects / spread, blups / spread, atol=RTOL)
    assert fit.converged and fit.random == tuple(ref["random"]) and fit.warnings == ()
    if "_rep" in case:
        np.testing.assert_allclose(fit.block_var, ref["rep_psi"][0], rtol=RTOL)
        re = ref["rep_effects"]
        reps = sorted(network(case)["rep"].unique())
        want = np.array(
            [[re[re["name"] == f"{s}/{r}"]["value"].iloc[0] for r in reps] for s in sites]
        )
        np.testing.assert_allclose(fit.block_effects, want, atol=RTOL * np.abs(want).max())
    else:
        assert np.isnan(fit.block_var) and fit.block_effects is None


@pytest.mark.parametrize(
    ("case", "ratio"),
    [
        ("hernandez_qp_symm", HERNANDEZ_RATIO),
        ("hernandez_qp_rep", HERNANDEZ_RATIO),
        ("hernandez_mit_symm", HERNANDEZ_RATIO),
        ("hernandez_quadratic_lme", HERNANDEZ_RATIO),
        # Schabenberger & Pierce's prices: N $0.11, corn $1.15
        ("engelstad_qp_symm", 0.11 / 1.15),
    ],
)
def test_population_optimum_agrees_with_nlme(case, ratio):
    fit, ref, _ = fit_case(case)
    spec = MODELS[MODEL[case.split("_")[1]]]
    ours = spec.solve(fit.beta, ratio)
    theirs = spec.solve(ref["beta"], ratio)
    assert ours.case == theirs.case == "interior"
    # the bar: the population EONR derived from the fixed effects within 1e-4
    np.testing.assert_allclose(ours.rate, theirs.rate, rtol=RTOL)


def test_parametrisation_reproduces_schabenberger_pierce():
    """The script's nls fit of Jackson 1962 in fertopt's parametrisation gives Schabenberger &
    Pierce's (2002, pp. 254-259) maximum ~225 and economic optimum ~140 (N $0.11, corn $1.15):
    their ``ymax - k/2 (M - x)^2`` is fertopt's ``join = M``, ``linear = k M``."""
    r = RESULTS[(RESULTS["case"] == "engelstad_jackson1962_nls") & (RESULTS["what"] == "beta")]
    beta = r["value"].to_numpy()
    spec = MODELS["quadratic_plateau"]
    # published to the unit (225, 140): half a unit
    assert abs(spec.solve(beta, 0.0).rate - 225) < 0.5
    assert abs(spec.solve(beta, 0.11 / 1.15).rate - 140) < 1.0  # "≈ 140": 140.8


def test_reml_is_nlme_reml():
    """nlme's REML for a nonlinear model keeps the ML Ψ/σ² and rescales σ² by N/(N − p)."""
    ml, ref_ml, _ = fit_case("hernandez_qp_symm")
    reml, ref_reml, _ = fit_case("hernandez_qp_reml")
    n, p = 136, 3
    # closed form of that rescaling; both fits converge to ~1e-8, far inside this tolerance
    np.testing.assert_allclose(reml.sigma2, ml.sigma2 * n / (n - p), rtol=1e-6)
    np.testing.assert_allclose(reml.psi, ml.psi * n / (n - p), rtol=1e-5)
    np.testing.assert_allclose(reml.beta, ml.beta, rtol=1e-6)
    assert reml.method == "REML" and reml.loglik < ml.loglik


def test_default_start_reaches_the_same_fit():
    """Started from a pooled fit instead of nlme's start, the algorithm reaches the same point."""
    fit, ref, _ = fit_case("hernandez_qp_symm", start=None)
    np.testing.assert_allclose(fit.beta, ref["beta"], rtol=RTOL)
    np.testing.assert_allclose(fit.psi, ref["psi"], rtol=RTOL)
    np.testing.assert_allclose(fit.loglik, ref["loglik"], rtol=RTOL)


def test_zero_variance_warns_and_keeps_the_fit():
    """sim_qp_3 gives the join a site effect the data cannot support: nlme drives its variance
    towards 0 and so does fertopt (exactly 0), with a warning; the rest agrees with nlme."""
    with pytest.warns(
        ConvergenceWarning, match="the variance of the site effect on 'join' is estimated as zero"
    ):
        fit, ref, _ = fit_case("sim_qp_3")
    assert fit.converged and len(fit.warnings) == 1 and "singular" in fit.message
    np.testing.assert_allclose(fit.beta, ref["beta"], rtol=RTOL)
    np.testing.assert_allclose(np.diag(fit.psi)[:2], np.diag(ref["psi"])[:2], rtol=RTOL)
    # nlme stops its log-Cholesky parameter at a variance of ~1e-9 of the join's scale (170²)
    assert fit.psi[2, 2] == 0.0 and ref["psi"][2, 2] < 1e-6 * 170.0**2
    np.testing.assert_allclose(fit.loglik, ref["loglik"], rtol=RTOL)


# ---------------------------------------------------------------------------
# known truth: a large simulated network
# ---------------------------------------------------------------------------
def simulate(model: str, truth: np.ndarray, sd: np.ndarray, n_sites: int, seed: int):
    rng = np.random.default_rng(seed)
    rates = np.array([0.0, 50, 100, 150, 200, 250])
    reps = 3
    x = np.tile(rates, n_sites * reps)
    site = np.repeat(np.arange(n_sites), len(rates) * reps)
    effects = rng.normal(0.0, sd, (n_sites, 2))
    phi = np.tile(truth, (n_sites, 1))
    phi[:, :2] += effects
    spec = MODELS[model]
    mean = np.concatenate([spec.curve(x[site == s], phi[s]) for s in range(n_sites)])
    return x, mean + rng.normal(0.0, 0.4, len(x)), site


@pytest.mark.parametrize(
    ("model", "truth", "sd"),
    [
        ("quadratic_plateau", np.array([6.0, 0.05, 170.0]), np.array([0.8, 0.006])),
        ("linear_plateau", np.array([6.0, 0.035, 130.0]), np.array([0.8, 0.005])),
        ("mitscherlich", np.array([11.0, 0.012, 60.0]), np.array([1.0, 0.002])),
    ],
)
def test_recovers_known_truth(model, truth, sd):
    x, y, site = simulate(model, truth, sd, 60, seed=16)
    names = MODELS[model].params[:2]
    fit = fit_nlme(x, y, site, model=model, random=list(names))
    se = np.sqrt(np.diag(fit.beta_cov))
    # each fixed effect within 3.5 of its standard errors of the truth (a two-sided miss has
    # probability ~5e-4 per parameter if the SEs are right; the seed is fixed)
    assert np.all(np.abs(fit.beta - truth) < 3.5 * se), (fit.beta, truth, se)
    # the site-effect SDs from 60 sites: within 30 % (sampling error of an SD ~ 1/sqrt(2·60) ≈ 9 %)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.psi)), sd, rtol=0.3)
    np.testing.assert_allclose(np.sqrt(fit.sigma2), 0.4, rtol=0.1)


def test_recovers_block_variance():
    """A block (rep) effect within each site: its variance is recovered next to the site's."""
    rng = np.random.default_rng(7)
    n_sites, reps = 60, 4
    rates = np.array([0.0, 50, 100, 150, 200, 250])
    x = np.tile(rates, n_sites * reps)
    site = np.repeat(np.arange(n_sites), len(rates) * reps)
    block = np.tile(np.repeat(np.arange(reps), len(rates)), n_sites)
    spec = MODELS["quadratic_plateau"]
    truth = np.array([6.0, 0.05, 170.0])
    a = (
        rng.normal(0.0, 0.8, n_sites)[site]
        + rng.normal(0.0, 0.3, n_sites * reps)[site * reps + block]
    )
    y = spec.curve(x, truth) + a + rng.normal(0.0, 0.4, len(x))
    fit = fit_nlme(x, y, site, model="quadratic_plateau", random=["intercept"], block_codes=block)
    se = np.sqrt(np.diag(fit.beta_cov))
    assert np.all(np.abs(fit.beta - truth) < 3.5 * se)  # as in test_recovers_known_truth
    # SDs from 60 sites and 240 blocks: sampling errors ~9 % and ~10 %; 30 % is > 3 of them
    np.testing.assert_allclose(np.sqrt([fit.psi[0, 0], fit.block_var]), [0.8, 0.3], rtol=0.3)
    assert fit.block_effects.shape == (n_sites, reps)


@pytest.mark.slow
def test_wald_intervals_cover_the_truth():
    """The approximate covariance of β (nlme's ``vcov``) gives 95 % Wald intervals for each
    fixed effect and, by the delta method, for the population EONR that cover the truth at
    about their nominal rate on 200 simulated 12-site networks."""
    truth = np.array([6.0, 0.05, 170.0])
    spec = MODELS["quadratic_plateau"]
    ratio = HERNANDEZ_RATIO
    eonr = spec.solve(truth, ratio).rate
    hits = np.zeros(4)
    n_rep = 200
    for k in range(n_rep):
        x, y, site = simulate("quadratic_plateau", truth, np.array([0.8, 0.006]), 12, 1000 + k)
        with warnings.catch_warnings():
            # with 12 sites a few networks estimate a site-effect variance as 0 (and warn);
            # they belong in the coverage count like any other
            warnings.simplefilter("ignore", ConvergenceWarning)
            fit = fit_nlme(x, y, site, model="quadratic_plateau", random=["intercept", "linear"])
        se = np.sqrt(np.diag(fit.beta_cov))
        g = spec.rate_gradient(fit.beta, ratio)
        hits[:3] += np.abs(fit.beta - truth) < 1.959964 * se
        hits[3] += abs(spec.solve(fit.beta, ratio).rate - eonr) < 1.959964 * np.sqrt(
            g @ fit.beta_cov @ g
        )
    # binomial SD of a 95 % rate over 200 networks is 1.5 %: 0.90-0.99 is about ±3 SD
    assert np.all((hits / n_rep >= 0.90) & (hits / n_rep <= 0.99)), hits / n_rep


# ---------------------------------------------------------------------------
# arguments, data and failures
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small():
    d = network("hernandez_qp_symm")
    codes = d["site"].astype("category").cat.codes.to_numpy()
    return d["x"].to_numpy(float), d["yield"].to_numpy(float), codes


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"model": "cubic", "random": ["intercept"]}, "model='cubic' is not a valid option"),
        ({"model": "quadratic_plateau", "random": ["slope"]}, "not a parameter of the"),
        ({"model": "quadratic_plateau", "random": []}, "random is empty"),
        ({"model": "quadratic_plateau", "random": ["join", "join"]}, "names a parameter twice"),
        ({"model": "mitscherlich", "random": ["rate"], "method": "reml"}, "method='reml'"),
        ({"model": "linear_plateau", "random": ["join"], "covariance": "pdSymm"}, "covariance="),
        ({"model": "linear_plateau", "random": ["join"], "start": [1, 2]}, "start has 2 values"),
        ({"model": "linear_plateau", "random": ["join"], "start": {"a": 1}}, "missing intercept"),
        ({"model": "linear_plateau", "random": ["join"], "max_iter": 0}, "max_iter=0"),
        ({"model": "linear_plateau", "random": ["join"], "tol": 2.0}, "tol=2.0"),
    ],
)
def test_bad_options(small, kw, match):
    x, y, codes = small
    with pytest.raises(OptionError, match=match):
        fit_nlme(x, y, codes, **kw)


def test_bad_data(small):
    x, y, codes = small
    opts = {"model": "quadratic_plateau", "random": ["intercept"]}
    with pytest.raises(DataError, match="no plot has code 2"):
        fit_nlme(x, y, np.where(codes == 2, 4, codes), **opts)
    with pytest.raises(DataError, match="at least two sites"):
        fit_nlme(x, y, np.zeros_like(codes), **opts)
    y2 = y.copy()
    y2[5] = np.nan
    with pytest.raises(DataError, match="positions 5"):
        fit_nlme(x, y2, codes, **opts)
    with pytest.raises(DataError, match="x has 136 values and y 135"):
        fit_nlme(x, y[:-1], codes, **opts)
    with pytest.raises(DataError, match="empty"):
        fit_nlme([], [], [], **opts)
    with pytest.raises(DataError, match="integer codes"):
        fit_nlme(x, y, codes + 0.5, **opts)


def test_no_convergence_teaches(small):
    x, y, codes = small
    with pytest.raises(ConvergenceError) as err:
        fit_nlme(x, y, codes, model="quadratic_plateau", random=["intercept", "linear"], max_iter=1)
    text = str(err.value)
    for words in ("did not converge", "site codes", "random=['intercept']", "diagonal"):
        assert words in text


def test_repr_and_site_parameters():
    fit, _, _ = fit_case("hernandez_qp_symm")
    assert repr(fit).startswith("<NlmeEstimate ML intercept=7.3954")
    own = fit.site_parameters()
    np.testing.assert_array_equal(own[:, 2], fit.beta[2])  # join has no site effect
    np.testing.assert_allclose(own[:, :2], fit.beta[:2] + fit.site_effects)
