"""The bad-input campaign of the analyses: degenerate and hostile inputs to every public analysis.

One row per input and entry point (``anova`` with every design, the letter tests,
``fit_response`` with every model, optima, ``fit_surface``, ``three414``, ``omission``,
``pool_sites``, ``run_batch`` in memory, ``Prices`` and the field-book generators).  Each row
expects a fertopt exception whose message names the column, row, value or fix, a warning, or a
correct result checked against a closed form worked in this file (never fertopt's own output).
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
from numpy.testing import assert_allclose

import fertopt as fo
from campaign_case import Case
from fertopt.exceptions import (
    ColumnError,
    DataError,
    DataWarning,
    DesignError,
    DesignWarning,
    FertoptError,
    OptionError,
    PriceWarning,
)

# ---------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------
#: Treatment effects and block effects of a 4 x 3 RCBD whose numbers are worked by hand below.
_T = {"A": 10.0, "B": 12.0, "C": 15.0, "D": 11.0}
_B = {1: -1.0, 2: 0.0, 3: 1.0}
#: Residuals of the 4 x 3 RCBD: every row and column sums to zero, so they are the ANOVA residuals.
_E = np.array([[0.2, -0.1, -0.1], [-0.3, 0.1, 0.2], [0.1, 0.1, -0.2], [0.0, -0.1, 0.1]])


def rcbd(scale: float = 1.0, offset: float = 0.0) -> pd.DataFrame:
    """4 treatments x 3 blocks, yield = offset + scale * (treatment + block + residual)."""
    rows = []
    for i, (t, mt) in enumerate(_T.items()):
        for j, (b, mb) in enumerate(_B.items()):
            rows.append({"trt": t, "block": b, "yield": offset + scale * (mt + mb + _E[i, j])})
    return pd.DataFrame(rows)


def rcbd_f() -> float:
    """The treatment F of :func:`rcbd` by hand: SS_t = 3 Σ (t − t̄)², SS_e = Σ e², on 3 and 6 df."""
    t = np.array(list(_T.values()))
    ss_t = 3 * np.sum((t - t.mean()) ** 2)
    ss_e = np.sum(_E**2)
    return (ss_t / 3) / (ss_e / 6)


def n_series(model_y=None, rates=(0, 50, 100, 150, 200), reps: int = 3) -> pd.DataFrame:
    """An N-rate series in 3 blocks; by default y = 5000 + 30 x − 0.08 x² + block + noise."""
    rng = np.random.default_rng(7)
    rows = []
    for b in range(reps):
        for x in rates:
            y = 5000 + 30 * x - 0.08 * x**2 if model_y is None else model_y(x)
            rows.append({"N": float(x), "block": b + 1, "yield": y + 40 * b + rng.normal(0, 60)})
    return pd.DataFrame(rows)


def quadratic_optimum(df: pd.DataFrame, ratio: float) -> float:
    """Economic optimum of a quadratic fitted by least squares with block effects: (r − b)/(2c)."""
    x = df["N"].to_numpy(float)
    blocks = pd.get_dummies(df["block"], drop_first=True).to_numpy(float)
    design = np.column_stack([np.ones_like(x), x, x**2, blocks])
    coef, *_ = np.linalg.lstsq(design, df["yield"].to_numpy(float), rcond=None)
    return (ratio - coef[1]) / (2 * coef[2])


def minnesota() -> pd.DataFrame:
    """The bundled Minnesota N trial (kg/ha yields and rates) as N, block, yield."""
    d = fo.load_dataset("minnesota_2012")
    return pd.DataFrame(
        {"N": d["rate_n_applied_kgha"], "block": d["rep"], "yield": d["yld_grain_dry_kgha"]}
    )


#: Tutorial prices of the Minnesota trial: grain $0.157/kg, N $0.88/kg.
MN_PRICES = fo.Prices(crop=0.157, N=0.88)


def minnesota_per_mu() -> pd.DataFrame:
    """The Minnesota trial with yields per mu (kg/ha ÷ 15) and rates still per ha, no units."""
    d = minnesota()
    d["yield"] = d["yield"] / 15
    return d


def three414_trial(reps: int = 2, scale: float = 1.0) -> pd.DataFrame:
    """A 3414 field book with yields from a known surface (+ a small block effect)."""
    book = fo.design.three414(level2={"N": 18, "P2O5": 8, "K2O": 19}, reps=reps, rng=1).table
    n, p, k = (book[c].to_numpy(float) for c in ("N", "P2O5", "K2O"))
    rng = np.random.default_rng(3)
    y = (
        1700
        + 120 * n
        + 160 * p
        + 40 * k
        - 3.2 * n**2
        - 9 * p**2
        - 1.0 * k**2
        + 0.5 * n * p
        + 10 * book["block"].to_numpy(float)
        + rng.normal(0, 15, len(book))
    )
    book["yield"] = y * scale
    return book


def omission_trial(scale: float = 1.0) -> pd.DataFrame:
    """An omission trial: means NPK 6000, PK 4500, NK 5400, NP 5700, CK 3000 (kg per area)."""
    means = {"NPK": 6000, "PK": 4500, "NK": 5400, "NP": 5700, "CK": 3000}
    rates = {
        "NPK": (180, 80, 190),
        "PK": (0, 80, 190),
        "NK": (180, 0, 190),
        "NP": (180, 80, 0),
        "CK": (0, 0, 0),
    }
    resid = [[20, -30, 10], [-10, 30, -20], [30, 10, -40], [-20, -10, 30], [-20, 0, 20]]
    rows = []
    for i, (t, m) in enumerate(means.items()):
        for b in range(3):
            n, p, k = rates[t]
            y = (m + 100 * (1 - b) + resid[i][b]) * scale
            rows.append({"trt": t, "block": b + 1, "N": n, "P2O5": p, "K2O": k, "yield": y})
    return pd.DataFrame(rows)


OM_ARGS: dict[str, Any] = {
    "response": "yield",
    "treatment": "trt",
    "block": "block",
    "full": "NPK",
    "minus": {"N": "PK", "P2O5": "NK", "K2O": "NP"},
    "control": "CK",
    "rates": ("N", "P2O5", "K2O"),
}


def batch_trials(per_mu: bool = False) -> pd.DataFrame:
    """Three sites, each the Minnesota trial with its yields shifted; per mu when ``per_mu``."""
    base = minnesota()
    parts = []
    for i, site in enumerate(("s1", "s2", "s3")):
        part = base.copy()
        part["yield"] = part["yield"] + 100 * i
        if per_mu:
            part["yield"] = part["yield"] / 15
        part["site"] = site
        part["trt"] = part["N"].map(lambda v: f"N{v:g}")
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def quiet(func, *args, **kwargs):
    """Call ``func`` with fertopt's warnings silenced (for inputs built by another call)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def without(category: type[Warning], func) -> Any:
    """Call ``func``; fail when it issues a warning of ``category`` (a false alarm)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = func()
    hits = [str(w.message) for w in caught if issubclass(w.category, category)]
    assert not hits, f"unexpected {category.__name__}: {hits}"
    return value


def fit_mn(model: str = "quadratic", **kw) -> Any:
    return quiet(fo.fit_response, minnesota(), response="yield", rate="N", model=model, **kw)


def fit_mn_per_mu(**kw) -> Any:
    return quiet(fo.fit_response, minnesota_per_mu(), response="yield", rate="N", **kw)


# ---------------------------------------------------------------------------
# checks against closed forms
# ---------------------------------------------------------------------------
def check_rcbd_f(aov) -> None:
    f = float(aov.table.loc[aov.table["source"] == "trt", "f"].iloc[0])
    # a ratio of sums of squares of well-scaled numbers: rounding error only
    assert_allclose(f, rcbd_f(), rtol=1e-9)


def exact_rcbd_f(frame: pd.DataFrame) -> float:
    """Treatment F of a two-way additive RCBD, in exact rational arithmetic on the stored floats."""
    y = {
        (t, b): Fraction(float(v))
        for t, b, v in zip(frame["trt"], frame["block"], frame["yield"], strict=True)
    }
    trts = sorted({k[0] for k in y})
    blocks = sorted({k[1] for k in y})
    m = sum(y.values()) / len(y)
    tm = {t: sum(y[t, b] for b in blocks) / len(blocks) for t in trts}
    bm = {b: sum(y[t, b] for t in trts) / len(trts) for b in blocks}
    ss_t = len(blocks) * sum((v - m) ** 2 for v in tm.values())
    ss_e = sum((y[t, b] - tm[t] - bm[b] + m) ** 2 for t in trts for b in blocks)
    df_t, df_e = len(trts) - 1, (len(trts) - 1) * (len(blocks) - 1)
    return float((ss_t / df_t) / (ss_e / df_e))


def check_exact_f(aov) -> None:
    f = float(aov.table.loc[aov.table["source"] == "trt", "f"].iloc[0])
    # the data's own values taken exactly: what is left is the rounding of the computation,
    # which centring keeps near the precision of the residuals (1e-8 of 1e9-sized yields)
    assert_allclose(f, exact_rcbd_f(aov.data), rtol=1e-6)


def check_per_mu_declared(opt) -> None:
    # yields per mu, rates per ha: dY/dx in kg/mu per kg/ha = (Px/Py) / 15
    expected = quadratic_optimum(minnesota_per_mu(), 0.88 / 0.157 / 15)
    assert_allclose(opt.rate, expected, rtol=1e-7)  # least squares by two routes
    assert opt.status == "ok"


def check_mn_kg(opt) -> None:
    expected = quadratic_optimum(minnesota(), 0.88 / 0.157)
    assert_allclose(opt.rate, expected, rtol=1e-7)  # least squares by two routes


def check_best(fit) -> None:
    # the chosen model is the one of lowest AICc among the candidates (AICc by its formula)
    n = fit.n_obs
    best = None
    for model in fo.response.MODEL_NAMES:
        try:
            f = quiet(fo.fit_response, minnesota(), response="yield", rate="N", model=model)
        except FertoptError:
            continue
        k = len(f.params) + 1
        aicc = n * math.log(f.sse / n) + 2 * k + 2 * k * (k + 1) / (n - k - 1)
        if best is None or aicc < best[0]:
            best = (aicc, model)
    assert fit.model == best[1], (fit.model, best)
    assert fit.chosen_by == "aicc" and fit.candidates[0][0] == fit.model
    assert "lowest AICc" in str(fit.summary())


def check_linear_negative(fit) -> None:
    # yield gains y = −50 + 2 x exactly at x = 0..40: slope 2, intercept −50
    est = dict(zip(fit.params["term"], fit.params["estimate"], strict=True))
    assert_allclose([est["intercept"], est["slope"]], [-50, 2], rtol=1e-9, atol=1e-9)


def check_surface_interpolates(opt) -> None:
    assert opt.interpolates and not opt.recommended


def check_unit_column(res) -> None:
    table = res.table
    assert "unit_warning" in table.columns
    assert table["unit_warning"].astype(bool).all(), table["unit_warning"]


def check_unit_column_clear(res) -> None:
    assert not res.table["unit_warning"].astype(bool).any(), res.table["unit_warning"]


def check_rates_merged(aov) -> None:
    # 0.3 and 0.1 + 0.2 are one rate: 2 treatments, so 1 treatment df
    row = aov.table.loc[aov.table["source"] == "rate"]
    assert float(row["df"].iloc[0]) == 1


def check_within_exact(fit) -> None:
    # the plots of a rate agree exactly: the fit is least squares through the rate means
    x = np.array([0, 50, 100, 150.0])
    c2, c1, c0 = np.polyfit(x, [5, 7, 8, 8.2], 2)
    est = dict(zip(fit.params["term"], fit.params["estimate"], strict=True))
    assert_allclose([est["intercept"], est["linear"], est["quadratic"]], [c0, c1, c2], rtol=1e-8)


def holds(predicate):
    """A check that asserts ``predicate(result)``."""

    def check(result: Any) -> None:
        assert predicate(result), result

    return check


def check_exact_series(opt, model: str) -> None:
    """Exact y = 5000 + 30 x − 0.08 x²: the quadratic's optimum is (r − 30) / (2 · −0.08)."""
    assert opt.status in ("ok", "at_bound", "no_maximum", "extrapolated"), opt.status
    if model == "quadratic":
        # an exact polynomial: least squares recovers it to rounding
        assert_allclose(opt.rate, (0.88 / 0.157 - 30) / (2 * -0.08), rtol=1e-9)


def check_design_reps(book) -> None:
    assert book.reps == 2 and book.n_plots == 8


# ---------------------------------------------------------------------------
# rows
# ---------------------------------------------------------------------------
def _with(frame: pd.DataFrame, column: str, index: int, value: Any) -> pd.DataFrame:
    out = frame.copy()
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        out[column] = out[column].astype(object)
    out.loc[index, column] = value
    return out


def _aov(frame: pd.DataFrame, **kw) -> Any:
    args = {"response": "yield", "treatment": "trt", "block": "block"}
    args.update(kw)
    return fo.anova(frame, **args)


def _latin() -> pd.DataFrame:
    rows = []
    trts = "ABCD"
    for r in range(4):
        for c in range(4):
            t = trts[(r + c) % 4]
            rows.append({"row": r, "col": c, "trt": t, "yield": 10 + "ABCD".index(t) + 0.1 * r})
    out = pd.DataFrame(rows)
    out.loc[0, "yield"] += 0.3
    out.loc[5, "yield"] -= 0.2
    return out


def _split() -> pd.DataFrame:
    rows = []
    for b in range(3):
        for m in ("M1", "M2"):
            for s in ("S1", "S2", "S3"):
                y = 10 + b + (m == "M2") * 2 + int(s[1]) + 0.1 * ((b * 7 + int(s[1])) % 3)
                rows.append({"block": b, "main": m, "sub": s, "yield": y})
    return pd.DataFrame(rows)


def _mc(test, **kw):
    aov = quiet(_aov, rcbd())
    return test(aov, **kw)


def _unit_opt_t_ha():
    d = minnesota()
    d["yield"] = d["yield"] / 1000  # t/ha, undeclared, priced per kg
    fit = quiet(fo.fit_response, d, response="yield", rate="N")
    return fit.optimum(prices=MN_PRICES)


def _flat_trial():
    """A genuine no-response trial: flat yields, the optimum is 0 and no unit warning is due."""
    d = n_series(lambda x: 8000.0 + 0.5 * x)
    fit = quiet(fo.fit_response, d, response="yield", rate="N", model="linear")
    return without(PriceWarning, lambda: fit.optimum(prices=MN_PRICES))


def _check_flat(opt) -> None:
    assert opt.rate == 0.0


def _surface_exact():
    # 10 distinct treatments for the 10 terms of a full 3-nutrient quadratic: no residual df
    pts = [
        (0, 0, 0),
        (1, 0, 0),
        (2, 0, 0),
        (0, 1, 0),
        (0, 2, 0),
        (0, 0, 1),
        (0, 0, 2),
        (1, 1, 0),
        (1, 0, 1),
        (0, 1, 1),
    ]
    rng = np.random.default_rng(5)
    df = pd.DataFrame(pts, columns=["N", "P2O5", "K2O"]) * 10.0
    df["yield"] = 3000 + 40 * df["N"] - df["N"] ** 2 + 30 * df["P2O5"] + rng.normal(0, 10, 10)
    return quiet(fo.fit_surface, df, response="yield")


def _three414_swapped():
    d = three414_trial()
    d = d.rename(columns={"P2O5": "K2O", "K2O": "P2O5"})
    return fo.three414(d, response="yield", treatment="treatment", block="block")


def _three414_mislabelled():
    d = three414_trial()
    d.loc[d.index[0], "treatment"] = 7 if d.loc[d.index[0], "treatment"] != 7 else 8
    return fo.three414(d, response="yield", treatment="treatment", block="block")


def _three414_unit_trap():
    d = three414_trial(scale=1 / 1000)  # t per area, priced per kg without declared units
    return quiet_but(
        PriceWarning,
        lambda: fo.three414(
            d, response="yield", block="block", prices=fo.Prices(crop=2.0, N=5, P2O5=6, K2O=5)
        ),
    )


def quiet_but(category: type[Warning], func) -> Any:
    """Call ``func`` silencing every warning except ``category`` (re-issued for the runner)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = func()
    for w in caught:
        if issubclass(w.category, category):
            warnings.warn(w.message, w.category, stacklevel=2)
    return value


def _omission_unit_trap():
    d = omission_trial(scale=1 / 1000)
    return quiet_but(
        PriceWarning,
        lambda: fo.omission(d, **OM_ARGS, prices=fo.Prices(crop=0.3, N=1.2, P2O5=1.5, K2O=0.8)),
    )


def _pool_unit_trap():
    a = fit_mn_per_mu()
    d = minnesota_per_mu()
    d["yield"] = d["yield"] + 20
    b = quiet(fo.fit_response, d, response="yield", rate="N")
    return quiet_but(PriceWarning, lambda: fo.pool_sites({"a": a, "b": b}, prices=MN_PRICES))


def _surface_unit_trap():
    d = three414_trial(scale=1 / 1000)
    surf = quiet(fo.fit_surface, d, response="yield", block="block")
    return quiet_but(
        PriceWarning,
        lambda: surf.optimum(prices=fo.Prices(crop=2.0, N=5, P2O5=6, K2O=5), bounds="tested"),
    )


def _batch(frame, engine="vectorized", **kw):
    args = dict(by="site", response="yield", treatment="trt", block="block", posthoc=None)
    args.update(kw)
    return quiet(fo.run_batch, frame, engine=engine, **args)


def _batch_unit(engine):
    return _batch(
        batch_trials(per_mu=True), engine=engine, rates="N", model="quadratic", prices=MN_PRICES
    )


def _batch_unit_clear():
    return _batch(batch_trials(), rates="N", model="quadratic", prices=MN_PRICES)


def _batch_units_agree():
    a = _batch_unit("vectorized")
    b = _batch_unit("python")
    assert a.table["unit_warning"].tolist() == b.table["unit_warning"].tolist()
    return a


def _batch_surface_constant():
    d = three414_trial()
    d["site"] = "s1"
    d2 = d.copy()
    d2["site"] = "s2"
    d2["yield"] = 4000.0
    frame = pd.concat([d, d2], ignore_index=True)
    res = _batch(frame, rates=["N", "P2O5", "K2O"], surface="full", treatment="treatment")
    return res


def _check_batch_constant(res) -> None:
    table = res.table.set_index("site")
    assert not math.isnan(table.loc["s1", "surface_r2"])
    assert "s2" not in table.index or math.isnan(table.loc["s2", "surface_r2"])
    reasons = pd.concat([res.failures, res.warnings])
    text = " ".join(reasons.loc[reasons["site"] == "s2", "message"].astype(str))
    assert "equal" in text, text


def _batch_negative():
    d = batch_trials()
    d.loc[d["site"] == "s2", "yield"] -= 20000
    return _batch(d)


def _check_batch_negative(res) -> None:
    assert "s2" not in set(res.table["site"])
    assert res.failures.loc[res.failures["site"] == "s2", "message"].str.contains("negative").all()


def _batch_3414_swapped():
    d = three414_trial().rename(columns={"P2O5": "K2O", "K2O": "P2O5"})
    d["site"] = "s1"
    return _batch(d, rates=["N", "P2O5", "K2O"], surface="full", treatment="treatment")


def _check_batch_swapped(res) -> None:
    text = " ".join(res.failures["message"].astype(str)) + " ".join(
        res.warnings["message"].astype(str)
    )
    assert "swap" in text, text


def _float_rates():
    df = pd.DataFrame(
        {"rate": [0.3, 0.1 + 0.2, 0.3, 0.6, 0.6, 0.6], "yield": [1.0, 1.2, 1.1, 2.0, 2.1, 1.9]}
    )
    return fo.anova(df, response="yield", treatment="rate")


CASES: list[Case] = [
    # -- anova ---------------------------------------------------------------
    Case(
        "an-nan-raise",
        "api",
        lambda p: _aov(_with(rcbd(), "yield", 4, math.nan), nan_policy="raise"),
        raises=DataError,
        match=r"row 4",
    ),
    Case(
        "an-nan-omit",
        "api",
        lambda p: _aov(_with(rcbd(), "yield", 4, math.nan)),
        warns=DataWarning,
        warn_match=r"row 4",
    ),
    Case(
        "an-inf",
        "api",
        lambda p: _aov(_with(rcbd(), "yield", 2, math.inf)),
        raises=DataError,
        match=r"infinite.*row 2",
    ),
    Case(
        "an-text",
        "api",
        lambda p: _aov(_with(rcbd(), "yield", 3, "12,5")),
        raises=DataError,
        match=r"row 3.*decimal",
    ),
    Case(
        "an-bool-response",
        "api",
        lambda p: _aov(rcbd().assign(yield_=True), response="yield_"),
        raises=DataError,
        match=r"true/false",
    ),
    Case(
        "an-one-treatment",
        "api",
        lambda p: _aov(rcbd().assign(trt="A")),
        raises=DesignError,
        match=r"trt.*1 level",
    ),
    Case(
        "an-one-replicate",
        "api",
        lambda p: fo.anova(rcbd().query("block == 1"), response="yield", treatment="trt"),
        raises=DesignError,
        match=r"replicat|residual",
    ),
    Case(
        "an-constant",
        "api",
        lambda p: _aov(rcbd().assign(**{"yield": 5.0})),
        raises=DataError,
        match=r"equal.*right column",
    ),
    Case(
        "an-negative",
        "api",
        lambda p: _aov(rcbd(offset=-20)),
        raises=DataError,
        match=r"negative.*allow_negative",
    ),
    Case(
        "an-negative-allowed",
        "api",
        lambda p: _aov(rcbd(offset=-20), allow_negative=True),
        check=check_rcbd_f,
    ),
    Case(
        "an-tuple-block",
        "api",
        lambda p: fo.anova(_latin(), response="yield", treatment="trt", block=("row", "col")),
        raises=OptionError,
        match=r"row=.*column=",
    ),
    Case(
        "an-latin",
        "api",
        lambda p: fo.anova(_latin(), response="yield", treatment="trt", row="row", column="col"),
        check=holds(lambda a: a.design.lower().startswith("latin")),
    ),
    Case(
        "an-latin-missing-row",
        "api",
        lambda p: fo.anova(_latin(), response="yield", treatment="trt", row="row"),
        raises=FertoptError,
        match=r"column",
    ),
    Case(
        "an-huge",
        "api",
        lambda p: _aov(rcbd(scale=1e300)),
        raises=DataError,
        match=r"'yield'.*large.*Rescale",
    ),
    Case(
        "an-tiny",
        "api",
        lambda p: _aov(rcbd(scale=1e-300)),
        raises=DataError,
        match=r"'yield'.*small.*Rescale",
    ),
    Case(
        "an-large-but-fine",
        "api",
        lambda p: _aov(rcbd(scale=1e90)),
        check=check_rcbd_f,
    ),
    Case(
        "an-small-but-fine",
        "api",
        lambda p: _aov(rcbd(scale=1e-90)),
        check=check_rcbd_f,
    ),
    Case(
        "an-big-offset",
        "api",
        lambda p: _aov(rcbd(offset=1e9)),
        check=check_exact_f,
    ),
    Case(
        "an-categorical",
        "api",
        lambda p: _aov(rcbd().astype({"trt": "category", "block": "category"})),
        check=check_rcbd_f,
    ),
    Case(
        "an-duplicated-plot",
        "api",
        lambda p: _aov(pd.concat([rcbd(), rcbd().iloc[[0]]], ignore_index=True)),
        warns=fo.exceptions.FertoptWarning,
        warn_match=r"block|unbalanced|twice|duplicate",
    ),
    Case(
        "an-missing-cell",
        "api",
        lambda p: _aov(rcbd().drop(index=5)),
        warns=fo.exceptions.UnbalancedDesignWarning,
        warn_match=r"block",
    ),
    Case(
        "an-float-rates",
        "api",
        lambda p: _float_rates(),
        warns=DataWarning,
        warn_match=r"0\.3",
    ),
    Case(
        "an-float-rates-merged",
        "api",
        lambda p: quiet(_float_rates),
        check=check_rates_merged,
    ),
    Case(
        "an-split-no-block",
        "api",
        lambda p: fo.anova(_split(), response="yield", main_plot="main", sub_plot="sub"),
        raises=FertoptError,
        match=r"block",
    ),
    Case(
        "an-missing-column",
        "api",
        lambda p: _aov(rcbd(), treatment="trtt"),
        raises=ColumnError,
        match=r"trt",
    ),
    Case(
        "an-same-column-twice",
        "api",
        lambda p: _aov(rcbd(), block="trt"),
        raises=ColumnError,
        match=r"one role",
    ),
    Case(
        "an-ss-type",
        "api",
        lambda p: _aov(rcbd(), ss_type=5),
        raises=OptionError,
        match=r"ss_type",
    ),
    Case(
        "an-nan-policy",
        "api",
        lambda p: _aov(rcbd(), nan_policy="drop"),
        raises=OptionError,
        match=r"omit",
    ),
    Case(
        "an-not-a-frame",
        "api",
        lambda p: fo.anova([1, 2, 3], response="yield", treatment="trt"),
        raises=DataError,
        match=r"DataFrame",
    ),
    # -- letter tests ----------------------------------------------------------
    Case(
        "mc-duncan-alpha-0",
        "api",
        lambda p: _mc(fo.duncan, alpha=0),
        raises=OptionError,
        match=r"alpha",
    ),
    Case(
        "mc-tukey-alpha-1.5",
        "api",
        lambda p: _mc(fo.tukey, alpha=1.5),
        raises=OptionError,
        match=r"alpha",
    ),
    Case(
        "mc-lsd-alpha-text",
        "api",
        lambda p: _mc(fo.lsd, alpha="x"),
        raises=OptionError,
        match=r"alpha",
    ),
    Case(
        "mc-snk-alpha-nan",
        "api",
        lambda p: _mc(fo.snk, alpha=math.nan),
        raises=OptionError,
        match=r"alpha",
    ),
    Case(
        "mc-scheffe-alpha-neg",
        "api",
        lambda p: _mc(fo.scheffe, alpha=-0.1),
        raises=OptionError,
        match=r"alpha",
    ),
    Case(
        "mc-lsd-p-adjust",
        "api",
        lambda p: _mc(fo.lsd, p_adjust="bonf"),
        raises=OptionError,
        match=r"bonferroni",
    ),
    Case(
        "mc-dunnett-control",
        "api",
        lambda p: _mc(fo.dunnett, control="Z"),
        raises=FertoptError,
        match=r"'Z'",
    ),
    Case(
        "mc-duncan-term",
        "api",
        lambda p: _mc(fo.duncan, term="nope"),
        raises=FertoptError,
        match=r"nope",
    ),
    Case(
        "mc-perfect-fit",
        "api",
        lambda p: fo.duncan(quiet(_aov, rcbd().assign(**{"yield": lambda d: d["trt"].map(_T)}))),
        # no error at all: every two different means differ, so four letters
        check=holds(lambda mc: sorted(mc.groups["letters"]) == ["a", "b", "c", "d"]),
    ),
    # -- fit_response ----------------------------------------------------------
    *[
        Case(
            f"fr-{model}-one-rate",
            "api",
            lambda p, m=model: fo.fit_response(
                n_series(rates=(100,)), response="yield", rate="N", model=m
            ),
            raises=DesignError,
            match=r"single rate",
        )
        for model in fo.response.MODEL_NAMES
    ],
    *[
        Case(
            f"fr-{model}-two-rates",
            "api",
            lambda p, m=model: fo.fit_response(
                n_series(rates=(0, 100)), response="yield", rate="N", model=m
            ),
            raises=DesignError,
            match=r"distinct rates",
        )
        for model in (
            "quadratic",
            "square_root",
            "linear_plateau",
            "quadratic_plateau",
            "mitscherlich",
        )
    ],
    Case(
        "fr-linear-two-rates",
        "api",
        lambda p: fo.fit_response(
            n_series(lambda x: 100 + 2 * x, rates=(0, 100)),
            response="yield",
            rate="N",
            model="linear",
        ),
        check=holds(lambda f: f.converged),
    ),
    Case(
        "fr-constant",
        "api",
        lambda p: fo.fit_response(n_series().assign(**{"yield": 7.0}), response="yield", rate="N"),
        raises=DataError,
        match=r"same",
    ),
    Case(
        "fr-negative",
        "api",
        lambda p: fo.fit_response(
            n_series(lambda x: -50 + 2 * x), response="yield", rate="N", model="linear"
        ),
        raises=DataError,
        match=r"negative.*allow_negative",
    ),
    Case(
        "fr-negative-allowed",
        "api",
        lambda p: fo.fit_response(
            pd.DataFrame(
                {
                    "N": np.arange(0, 41, 10.0).repeat(2),
                    "gain": -50 + 2 * np.arange(0, 41, 10.0).repeat(2),
                }
            ),
            response="gain",
            rate="N",
            model="linear",
            allow_negative=True,
        ),
        check=check_linear_negative,
    ),
    Case("fr-best", "api", lambda p: fit_mn("best"), check=check_best),
    Case(
        "fr-bad-model",
        "api",
        lambda p: fo.fit_response(minnesota(), response="yield", rate="N", model="cubic"),
        raises=OptionError,
        match=r"quadratic",
    ),
    Case(
        "fr-text-cell",
        "api",
        lambda p: fo.fit_response(
            _with(minnesota(), "yield", 6, "abc"), response="yield", rate="N"
        ),
        raises=DataError,
        match=r"row 6",
    ),
    Case(
        "fr-negative-rate",
        "api",
        lambda p: fo.fit_response(_with(minnesota(), "N", 3, -40.0), response="yield", rate="N"),
        raises=DataError,
        match=r"negative.*row 3",
    ),
    Case(
        "fr-bool-rate",
        "api",
        lambda p: fo.fit_response(
            minnesota().assign(N=lambda d: d["N"] > 100), response="yield", rate="N"
        ),
        raises=DataError,
        match=r"true/false",
    ),
    Case(
        "fr-categorical-rate",
        "api",
        lambda p: quiet(
            fo.fit_response,
            minnesota().assign(N=lambda d: d["N"].astype("category")),
            response="yield",
            rate="N",
        ).optimum(prices=MN_PRICES),
        check=check_mn_kg,
    ),
    Case(
        "fr-huge",
        "api",
        lambda p: fo.fit_response(
            minnesota().assign(**{"yield": lambda d: d["yield"] * 1e300}),
            response="yield",
            rate="N",
        ),
        raises=DataError,
        match=r"large.*Rescale",
    ),
    Case(
        "fr-tiny",
        "api",
        lambda p: fo.fit_response(
            minnesota().assign(**{"yield": lambda d: d["yield"] * 1e-300}),
            response="yield",
            rate="N",
        ),
        raises=DataError,
        match=r"small.*Rescale",
    ),
    Case(
        "fr-zero-variance-within",
        "api",
        lambda p: fo.fit_response(
            pd.DataFrame(
                {"N": [0, 0, 50, 50, 100, 100, 150, 150.0], "yield": [5, 5, 7, 7, 8, 8, 8.2, 8.2]}
            ),
            response="yield",
            rate="N",
            model="quadratic",
        ),
        check=check_within_exact,
    ),
    *[
        Case(
            f"fr-{model}-exact",
            "api",
            lambda p, m=model: quiet(
                fo.fit_response,
                pd.DataFrame(
                    {
                        "N": [0, 50, 100, 150, 200.0] * 2,
                        "yield": [
                            5000 + 30 * x - 0.08 * x * x for x in [0, 50, 100, 150, 200.0] * 2
                        ],
                    }
                ),
                response="yield",
                rate="N",
                model=m,
                errors="record",
            ).optimum(prices=MN_PRICES),
            check=lambda o, m=model: check_exact_series(o, m),
        )
        for model in fo.response.MODEL_NAMES
    ],
    # -- optima ----------------------------------------------------------------
    Case(
        "op-prices-nan",
        "api",
        lambda p: fo.Prices(crop=math.nan, N=1),
        raises=OptionError,
        match=r"crop",
    ),
    Case(
        "op-prices-zero-crop",
        "api",
        lambda p: fo.Prices(crop=0, N=1),
        raises=OptionError,
        match=r"crop",
    ),
    Case(
        "op-prices-negative",
        "api",
        lambda p: fo.Prices(crop=1, N=-2),
        raises=OptionError,
        match=r"N",
    ),
    Case(
        "op-prices-inf",
        "api",
        lambda p: fo.Prices(crop=1, N=math.inf),
        raises=OptionError,
        match=r"N",
    ),
    Case(
        "op-prices-text",
        "api",
        lambda p: fo.Prices(crop="abc", N=1),
        raises=OptionError,
        match=r"crop",
    ),
    Case(
        "op-price-zero-nutrient",
        "api",
        lambda p: fit_mn().optimum(prices=fo.Prices(crop=0.157, N=0)),
        raises=OptionError,
        match=r"maximum yield.*fit.optimum\(\)",
    ),
    Case(
        "op-ratio-zero",
        "api",
        lambda p: fit_mn().optimum(price_ratio=0),
        raises=OptionError,
        match=r"price_ratio",
    ),
    Case(
        "op-ratio-nan",
        "api",
        lambda p: fit_mn().optimum(price_ratio=math.nan),
        raises=OptionError,
        match=r"price_ratio",
    ),
    Case(
        "op-ratio-inf",
        "api",
        lambda p: fit_mn().optimum(price_ratio=math.inf),
        raises=OptionError,
        match=r"price_ratio",
    ),
    Case(
        "op-level-1",
        "api",
        lambda p: fit_mn().optimum(confidence_level=1),
        raises=OptionError,
        match=r"confidence_level",
    ),
    Case(
        "op-ci-bogus",
        "api",
        lambda p: fit_mn().optimum(ci="wald"),
        raises=OptionError,
        match=r"delta",
    ),
    Case(
        "op-n-boot",
        "api",
        lambda p: fit_mn().optimum(ci="bootstrap", n_boot=5),
        raises=OptionError,
        match=r"n_boot",
    ),
    Case(
        "op-prices-and-ratio",
        "api",
        lambda p: fit_mn().optimum(prices=MN_PRICES, price_ratio=5),
        raises=OptionError,
        match=r"not both",
    ),
    Case("op-kg-ha", "api", lambda p: fit_mn().optimum(prices=MN_PRICES), check=check_mn_kg),
    Case(
        "op-unit-per-mu",
        "api",
        lambda p: fit_mn_per_mu().optimum(prices=MN_PRICES),
        warns=PriceWarning,
        warn_match=r"15.*kg/mu|kg/mu.*15",
    ),
    Case(
        "op-unit-per-mu-economics",
        "api",
        lambda p: fo.economics.optimum(fit_mn_per_mu(), prices=MN_PRICES),
        warns=PriceWarning,
        warn_match=r"units",
    ),
    Case(
        "op-unit-per-mu-declared",
        "api",
        lambda p: without(
            PriceWarning,
            lambda: fit_mn_per_mu(units={"response": "kg/mu", "rate": "kg/ha"}).optimum(
                prices=MN_PRICES
            ),
        ),
        check=check_per_mu_declared,
    ),
    Case("op-unit-t-ha", "api", lambda p: _unit_opt_t_ha(), warns=PriceWarning, warn_match=r"t/ha"),
    Case("op-unit-flat-no-alarm", "api", lambda p: _flat_trial(), check=_check_flat),
    # -- fit_surface -----------------------------------------------------------
    Case(
        "sf-constant",
        "api",
        lambda p: fo.fit_surface(three414_trial().assign(**{"yield": 4000.0}), response="yield"),
        raises=DataError,
        match=r"equal.*right column",
    ),
    Case(
        "sf-nearly-constant",
        "api",
        lambda p: fo.fit_surface(
            three414_trial().assign(**{"yield": lambda d: 4000.0 + 1e-13 * np.arange(len(d))}),
            response="yield",
        ),
        raises=DataError,
        match=r"equal.*right column",
    ),
    Case(
        "sf-exact-typicality",
        "api",
        lambda p: _surface_exact().typicality(),
        raises=DesignError,
        match=r"interpolates.*terms='stepwise'",
    ),
    Case(
        "sf-exact-optimum",
        "api",
        lambda p: _surface_exact().optimum(),
        warns=DesignWarning,
        warn_match=r"interpolates",
        check=check_surface_interpolates,
    ),
    Case(
        "sf-huge",
        "api",
        lambda p: fo.fit_surface(three414_trial(scale=1e300), response="yield"),
        raises=DataError,
        match=r"Rescale",
    ),
    Case(
        "sf-negative",
        "api",
        lambda p: fo.fit_surface(
            three414_trial().assign(**{"yield": lambda d: d["yield"] - 9e3}), response="yield"
        ),
        raises=DataError,
        match=r"negative",
    ),
    Case(
        "sf-one-rate",
        "api",
        lambda p: fo.fit_surface(three414_trial().assign(K2O=10.0), response="yield"),
        raises=DesignError,
        match=r"K2O",
    ),
    Case(
        "sf-terms",
        "api",
        lambda p: fo.fit_surface(three414_trial(), response="yield", terms="most"),
        raises=OptionError,
        match=r"stepwise",
    ),
    Case(
        "sf-prices-nan",
        "api",
        lambda p: quiet(fo.fit_surface, three414_trial(), response="yield").optimum(
            prices={"crop": 2, "N": math.nan, "P2O5": 6, "K2O": 5}
        ),
        raises=OptionError,
        match=r"price of N",
    ),
    Case(
        "sf-unit-trap",
        "api",
        lambda p: _surface_unit_trap(),
        warns=PriceWarning,
        warn_match=r"units",
    ),
    Case(
        "sf-text-rate",
        "api",
        lambda p: fo.fit_surface(_with(three414_trial(), "N", 2, "lots"), response="yield"),
        raises=DataError,
        match=r"row 2",
    ),
    # -- three414 --------------------------------------------------------------
    Case(
        "t4-swapped",
        "api",
        lambda p: _three414_swapped(),
        raises=DataError,
        match=r"swap.*P2O5.*K2O|swap.*K2O.*P2O5",
    ),
    Case(
        "t4-mislabelled",
        "api",
        lambda p: _three414_mislabelled(),
        raises=DataError,
        match=r"treatment",
    ),
    Case(
        "t4-negative",
        "api",
        lambda p: fo.three414(
            three414_trial().assign(**{"yield": lambda d: d["yield"] - 9e3}),
            response="yield",
            block="block",
        ),
        raises=DataError,
        match=r"negative",
    ),
    Case(
        "t4-constant",
        "api",
        lambda p: fo.three414(
            three414_trial().assign(**{"yield": 3000.0}), response="yield", block="block"
        ),
        raises=DataError,
        match=r"equal.*right column",
    ),
    Case(
        "t4-unit-trap",
        "api",
        lambda p: _three414_unit_trap(),
        warns=PriceWarning,
        warn_match=r"units",
    ),
    Case(
        "t4-alpha",
        "api",
        lambda p: fo.three414(three414_trial(), response="yield", alpha=2),
        raises=OptionError,
        match=r"alpha",
    ),
    Case(
        "t4-multipliers",
        "api",
        lambda p: fo.three414(three414_trial(), response="yield", multipliers=(0, 1, 0.5, 1.5)),
        raises=OptionError,
        match=r"multipliers",
    ),
    Case(
        "t4-level2-negative",
        "api",
        lambda p: fo.three414(
            three414_trial(),
            response="yield",
            treatment="treatment",
            rates=None,
            level2={"N": -18, "P2O5": 8, "K2O": 19},
        ),
        raises=FertoptError,
        match=r"level2|rates",
    ),
    # -- omission --------------------------------------------------------------
    Case(
        "om-unit-trap",
        "api",
        lambda p: _omission_unit_trap(),
        warns=PriceWarning,
        warn_match=r"units",
    ),
    Case(
        "om-full-missing",
        "api",
        lambda p: fo.omission(omission_trial(), **{**OM_ARGS, "full": "NPKS"}),
        raises=FertoptError,
        match=r"NPKS",
    ),
    Case(
        "om-negative",
        "api",
        lambda p: fo.omission(
            omission_trial().assign(**{"yield": lambda d: d["yield"] - 5e3}), **OM_ARGS
        ),
        raises=DataError,
        match=r"negative",
    ),
    Case(
        "om-alpha",
        "api",
        lambda p: fo.omission(omission_trial(), **OM_ARGS, alpha=0),
        raises=OptionError,
        match=r"alpha",
    ),
    Case(
        "om-prices-nan",
        "api",
        lambda p: fo.omission(
            omission_trial(),
            **OM_ARGS,
            prices={"crop": 0.3, "N": math.nan, "P2O5": 1.5, "K2O": 0.8},
        ),
        raises=OptionError,
        match=r"N",
    ),
    Case(
        "om-constant",
        "api",
        lambda p: fo.omission(omission_trial().assign(**{"yield": 5.0}), **OM_ARGS),
        raises=DataError,
        match=r"equal.*right column",
    ),
    # -- pool_sites ------------------------------------------------------------
    Case(
        "ps-unit-trap", "api", lambda p: _pool_unit_trap(), warns=PriceWarning, warn_match=r"units"
    ),
    Case(
        "ps-one-site",
        "api",
        lambda p: fo.pool_sites([fit_mn()], prices=MN_PRICES),
        raises=DesignError,
        match=r"two",
    ),
    Case(
        "ps-no-prices",
        "api",
        lambda p: fo.pool_sites([fit_mn(), fit_mn()]),
        raises=OptionError,
        match=r"prices",
    ),
    # -- run_batch -------------------------------------------------------------
    Case("rb-unit-vectorized", "api", lambda p: _batch_unit("vectorized"), check=check_unit_column),
    Case("rb-unit-python", "api", lambda p: _batch_unit("python"), check=check_unit_column),
    Case("rb-unit-agree", "api", lambda p: _batch_units_agree(), check=check_unit_column),
    Case("rb-unit-clear", "api", lambda p: _batch_unit_clear(), check=check_unit_column_clear),
    Case(
        "rb-surface-constant",
        "api",
        lambda p: _batch_surface_constant(),
        check=_check_batch_constant,
    ),
    Case("rb-negative", "api", lambda p: _batch_negative(), check=_check_batch_negative),
    Case("rb-3414-swapped", "api", lambda p: _batch_3414_swapped(), check=_check_batch_swapped),
    Case(
        "rb-alpha",
        "api",
        lambda p: fo.run_batch(
            batch_trials(), by="site", response="yield", treatment="trt", alpha=0
        ),
        raises=OptionError,
        match=r"alpha",
    ),
    # -- field-book generators -------------------------------------------------
    Case(
        "dg-rcbd-reps-0",
        "api",
        lambda p: fo.design.rcbd(["A", "B"], reps=0),
        raises=OptionError,
        match=r"reps.*0.*reps=3",
    ),
    Case(
        "fr-huge-rates",
        "api",
        lambda p: fo.fit_response(
            minnesota().assign(N=lambda d: d["N"] * 1e298),
            response="yield",
            rate="N",
            model="linear_plateau",
        ),
        raises=DataError,
        match=r"rate column 'N'.*Rescale",
    ),
    Case(
        "sf-huge-rates",
        "api",
        lambda p: fo.fit_surface(
            three414_trial().assign(N=lambda d: d["N"] * 1e299), response="yield"
        ),
        raises=DataError,
        match=r"rate column 'N'.*Rescale",
    ),
    Case(
        "dg-cli-reps-0",
        "cli",
        lambda p: ["design", "rcbd", "--treatments", "A,B", "--reps", "0"],
        raises=OptionError,
        match=r"reps.*got 0",
    ),
    Case(
        "dg-rcbd-reps-float",
        "api",
        lambda p: fo.design.rcbd(["A", "B"], reps=2.5),
        raises=OptionError,
        match=r"reps",
    ),
    Case(
        "dg-rcbd-reps-bool",
        "api",
        lambda p: fo.design.rcbd(["A", "B"], reps=True),
        raises=OptionError,
        match=r"reps",
    ),
    Case(
        "dg-rcbd-reps-2.0",
        "api",
        lambda p: fo.design.rcbd(["A", "B", "C", "D"], reps=2.0),
        check=check_design_reps,
    ),
    Case(
        "dg-crd-empty",
        "api",
        lambda p: fo.design.crd([], reps=3),
        raises=OptionError,
        match=r"treatments",
    ),
    Case(
        "dg-crd-zero",
        "api",
        lambda p: fo.design.crd(0, reps=3),
        raises=OptionError,
        match=r"treatments",
    ),
    Case(
        "dg-crd-duplicate",
        "api",
        lambda p: fo.design.crd(["A", "B", "A"], reps=2),
        raises=OptionError,
        match=r"repeated: A",
    ),
    Case(
        "dg-rcbd-ok",
        "api",
        lambda p: fo.design.rcbd(["A", "B", "C", "D"], reps=2, rng=1),
        check=check_design_reps,
    ),
    Case(
        "dg-latin-one",
        "api",
        lambda p: fo.design.latin_square(["A"]),
        raises=OptionError,
        match=r"treatments",
    ),
    Case(
        "dg-factorial-empty",
        "api",
        lambda p: fo.design.factorial({"N": []}, reps=2),
        raises=OptionError,
        match=r"N",
    ),
    Case(
        "dg-factorial-reps",
        "api",
        lambda p: fo.design.factorial({"N": [0, 1]}, reps=-1),
        raises=OptionError,
        match=r"reps",
    ),
    Case(
        "dg-split-empty-sub",
        "api",
        lambda p: fo.design.split_plot({"M": [1, 2]}, {"S": []}, reps=2),
        raises=OptionError,
        match=r"S",
    ),
    Case(
        "dg-omission-negative",
        "api",
        lambda p: fo.design.omission({"N": -18, "P2O5": 8, "K2O": 19}),
        raises=OptionError,
        match=r"N.*-18",
    ),
    Case(
        "dg-omission-reps",
        "api",
        lambda p: fo.design.omission({"N": 18, "P2O5": 8, "K2O": 19}, reps=0),
        raises=OptionError,
        match=r"reps",
    ),
    Case(
        "dg-three414-negative",
        "api",
        lambda p: fo.design.three414(level2={"N": -18, "P2O5": 8, "K2O": 19}),
        raises=OptionError,
        match=r"N",
    ),
    Case(
        "dg-three414-reps",
        "api",
        lambda p: fo.design.three414(level2={"N": 18, "P2O5": 8, "K2O": 19}, reps=0),
        raises=OptionError,
        match=r"reps",
    ),
    Case(
        "dg-factorial-duplicate",
        "api",
        lambda p: fo.design.factorial({"N": [0, 60, 60]}, reps=2),
        raises=OptionError,
        match=r"60",
    ),
    Case(
        "dg-factorial-negative",
        "api",
        lambda p: fo.design.factorial({"N": [0, -60]}, reps=2),
        raises=OptionError,
        match=r"-60",
    ),
]
