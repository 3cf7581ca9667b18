"""Bad inputs to the soil-test methods (``fertopt.soiltest`` and ``fertopt soiltest``)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

import fertopt as fo
from campaign_case import Case

FREITAS = Path(__file__).parent / "reference" / "soiltest" / "freitas1966.csv"


def _sites() -> pd.DataFrame:
    return pd.read_csv(FREITAS)


def _with(**changes) -> pd.DataFrame:
    df = _sites()
    for col, (row, value) in changes.items():
        df[col] = df[col].astype(object)
        df.loc[row, col] = value
    return df


def _csv(tmp: Path, frame: pd.DataFrame) -> str:
    path = tmp / "sites.csv"
    frame.to_csv(path, index=False)
    return str(path)


def _log_sites() -> pd.DataFrame:
    x = np.array([2.0, 4, 8, 16, 32, 64])
    return pd.DataFrame({"p": x, "ry": -13.498 + 30.96 * np.log(x)})


def _check_dropped(res) -> None:
    assert res.n_dropped == 1 and res.n_obs == 23


def _check_boundaries(res) -> None:
    expected = [math.exp((t + 13.498) / 30.96) for t in (50, 75, 95)]  # the closed form
    np.testing.assert_allclose(res.boundaries, expected, rtol=1e-10)  # exact points: rounding


CASES = [
    Case(
        "soiltest-ry-fractions",
        "api",
        lambda t: fo.cate_nelson_1971(_sites().assign(RY=lambda d: d.RY / 110), stv="STK", ry="RY"),
        raises=fo.DataError,
        match="multiply the column by 100",
    ),
    Case(
        "soiltest-ry-above-150",
        "api",
        lambda t: fo.mod_alcc(_with(RY=(2, 163.0)), stv="STK", ry="RY"),
        raises=fo.DataError,
        match=r"row 2 \(163.0\)",
    ),
    Case(
        "soiltest-ry-text-cell",
        "api",
        lambda t: fo.cate_nelson_1965(_with(RY=(4, "9O")), stv="STK", ry="RY"),
        raises=fo.DataError,
        match=r"row 4 \('9O'\)",
    ),
    Case(
        "soiltest-zero-stv-log",
        "api",
        lambda t: fo.abundance_classes(_with(STK=(0, 0)), stv="STK", ry="RY"),
        raises=fo.DataError,
        match="logarithm",
    ),
    Case(
        "soiltest-few-sites-plateau",
        "api",
        lambda t: fo.fit_calibration(_sites().head(6), stv="STK", ry="RY", model="linear_plateau"),
        raises=fo.DataError,
        match="at least 8 sites",
    ),
    Case(
        "soiltest-missing-ry-dropped",
        "api",
        lambda t: fo.cate_nelson_1971(_with(RY=(3, None)), stv="STK", ry="RY"),
        warns=fo.DataWarning,
        warn_match="1 site without",
        check=_check_dropped,
    ),
    Case(
        "soiltest-target-fraction",
        "api",
        lambda t: fo.mod_alcc(_sites(), stv="STK", ry="RY", target=0.9),
        raises=fo.OptionError,
        match="write 90",
    ),
    Case(
        "soiltest-thresholds-decreasing",
        "api",
        lambda t: fo.abundance_classes(_log_sites(), stv="p", ry="ry", thresholds=(95, 75)),
        raises=fo.OptionError,
        match="increase strictly",
    ),
    Case(
        "soiltest-log-needs-target",
        "api",
        lambda t: fo.fit_calibration(_sites(), stv="STK", ry="RY", model="log"),
        raises=fo.OptionError,
        match="target=90",
    ),
    Case(
        "soiltest-classes-closed-form",
        "api",
        lambda t: fo.abundance_classes(_log_sites(), stv="p", ry="ry", thresholds=(50, 75, 95)),
        check=_check_boundaries,
    ),
    Case(
        "soiltest-cli-wrong-column",
        "cli",
        lambda t: ["soiltest", _csv(t, _sites()), "--stv", "stk", "--ry", "RY"],
        raises=fo.ColumnError,
        match="did you mean 'STK'",
    ),
]
