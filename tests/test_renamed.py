"""One meaning per name across result classes; old spellings warn once and still work."""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

import fertopt as fo
from fertopt._core.deprecation import renamed, warn_once
from fertopt._core.formatting import format_number


@pytest.fixture(scope="module")
def welch():
    data = fo.load_dataset("welch_bermudagrass")
    return fo.fit_surface(data, response="yield", rates={"N": "n", "P": "p", "K": "k"})


@pytest.fixture(scope="module")
def curve():
    data = fo.load_dataset("minnesota_2012")
    return fo.fit_response(
        data, response="yld_grain_dry_kgha", rate="rate_n_applied_kgha", model="quadratic"
    )


@pytest.fixture(scope="module")
def duncan():
    data = fo.load_dataset("minnesota_2012")
    aov = fo.anova(
        data, response="yld_grain_dry_kgha", treatment="rate_n_applied_kgha", block="rep"
    )
    return fo.duncan(aov)


def _reads(obj, name):
    """Value of ``obj.name`` and the FutureWarnings that two reads of it issue."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = getattr(obj, name)
        second = getattr(obj, name)
    assert first is second or first == second or (math.isnan(first) and math.isnan(second))
    return first, [w for w in caught if issubclass(w.category, FutureWarning)]


def test_helper_on_a_frozen_dataclass():
    @dataclasses.dataclass(frozen=True)
    class Thing:
        new_name: float
        old_name = renamed("new_name")

    thing = Thing(new_name=2.5)
    value, caught = _reads(thing, "old_name")
    assert value == 2.5 and len(caught) == 1
    assert str(caught[0].message) == (
        "Thing.old_name is deprecated and will be removed; use Thing.new_name instead."
    )
    assert [f.name for f in dataclasses.fields(thing)] == ["new_name"]
    assert isinstance(Thing.old_name, renamed)  # the class attribute does not warn
    assert dataclasses.asdict(thing) == {"new_name": 2.5}


def test_warn_once_warns_once_per_key():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            warn_once("test-key-a", "old value 'a'; use 'b'")
        warn_once("test-key-c", "old value 'c'; use 'd'")
    assert [str(w.message) for w in caught] == ["old value 'a'; use 'b'", "old value 'c'; use 'd'"]
    assert all(w.category is FutureWarning for w in caught)


def test_response_fit_r_squared(curve):
    value, caught = _reads(curve, "r2")
    assert value == curve.r_squared and len(caught) == 1
    assert "use ResponseFit.r_squared" in str(caught[0].message)


def test_surface_names(welch):
    for old, new in (("r2", "r_squared"), ("adj_r2", "adj_r_squared")):
        value, caught = _reads(welch, old)
        assert value == getattr(welch, new) and len(caught) == 1
        assert f"use SurfaceFit.{new}" in str(caught[0].message)


def test_surface_rmse_and_sigma(welch):
    resid = welch.anova.set_index("source").loc["residual"]
    sse, df = float(resid["ss"]), float(resid["df"])
    # rmse and sigma are closed forms of the residual sum of squares
    assert_allclose(welch.rmse, math.sqrt(sse / welch.n_obs), rtol=1e-12)
    assert_allclose(welch.sigma, math.sqrt(sse / df), rtol=1e-12)
    assert df == welch.df_resid
    # the summary's "Residual SD" is sigma, as on ResponseFit
    assert f"{format_number(welch.sigma, 4)} on {welch.df_resid} df" in str(welch)


def test_surface_params_is_a_table(welch):
    params = welch.params
    assert list(params.columns) == ["term", "estimate", "se", "ci_low", "ci_high"]
    assert list(params["term"]) == list(welch.terms)
    est = welch.estimates
    assert isinstance(est, dict) and list(est) == list(welch.terms)
    assert_allclose(params["estimate"], list(est.values()), rtol=0)
    assert_allclose(params["se"], welch.coefficients["se"], rtol=0)


def test_multcomp_df_resid(duncan):
    value, caught = _reads(duncan, "df")
    assert value == duncan.df_resid == 21.0 and len(caught) == 1
    assert "use MultCompResult.df_resid" in str(caught[0].message)


def test_to_dict_uses_new_names_without_warning(welch, curve, duncan):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d_surf, d_fit, d_mc = welch.to_dict(), curve.to_dict(), duncan.to_dict()
        repr(welch), repr(curve), repr(duncan), str(welch), str(curve), str(duncan)
    assert {"r_squared", "adj_r_squared", "sigma", "rmse"} <= set(d_surf)
    assert not {"r2", "adj_r2"} & set(d_surf)
    assert "r_squared" in d_fit and "r2" not in d_fit
    assert "df_resid" in d_mc and "df" not in d_mc
    assert np.isclose(d_surf["sigma"], welch.sigma)


def test_errors_vocabulary_is_raise_or_record():
    data = fo.load_dataset("minnesota_2012")
    kw = dict(response="yld_grain_dry_kgha", rate="rate_n_applied_kgha", model="quadratic")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = fo.fit_response(data, errors="return", **kw)
        fo.fit_response(data, errors="return", **kw)
    future = [w for w in caught if issubclass(w.category, FutureWarning)]
    assert len(future) == 1
    assert str(future[0].message) == (
        "fit_response(errors='return') is deprecated; use errors='record' (record the failure "
        "in the result instead of raising)."
    )
    assert future[0].filename == __file__  # points at the caller
    new = fo.fit_response(data, errors="record", **kw)
    assert old.r_squared == new.r_squared
    roles = dict(response="yld_grain_dry_kgha", treatment="rate_n_applied_kgha")
    calls = (
        lambda: fo.fit_response(data, errors="ignore", **kw),
        lambda: fo.trial_report(data, errors="ignore", figures=False, **roles),
        lambda: fo.run_batch(data, by="rep", errors="ignore", **roles),
    )
    for call in calls:
        with pytest.raises(fo.OptionError, match="choose one of 'raise', 'record'"):
            call()


def test_trial_report_and_run_batch_accept_record():
    data = fo.load_dataset("minnesota_2012")
    with pytest.warns(FutureWarning, match=r"trial_report\(errors='report'\) is deprecated"):
        fo.trial_report(
            data, response="yld_grain_dry_kgha", treatment="rate_n_applied_kgha", block="rep",
            figures=False, errors="report",
        )  # fmt: skip
    with pytest.raises(fo.OptionError, match="choose one of 'raise', 'record'"):
        fo.run_batch(
            data, by="rep", response="yld_grain_dry_kgha", treatment="rate_n_applied_kgha",
            errors="report",
        )  # fmt: skip
