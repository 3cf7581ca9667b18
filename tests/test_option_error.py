"""Bad arguments raise OptionError, which is both a FertoptError and a ValueError."""

from __future__ import annotations

import sys

import pytest

import fertopt as fo
from fertopt._core.validation import check_choice, check_positive, check_probability


@pytest.fixture(scope="module")
def aov():
    data = fo.load_dataset("cochran_factorial")
    return fo.anova(data, response="yield", treatment="trt", block="rep")


def test_option_error_is_a_value_error_and_a_fertopt_error():
    assert issubclass(fo.OptionError, fo.FertoptError)
    assert issubclass(fo.OptionError, ValueError)
    assert fo.OptionError is fo.exceptions.OptionError


def test_alpha_out_of_range_is_caught_by_except_value_error(aov):
    with pytest.raises(ValueError, match=r"alpha=5 is outside \(0, 1\)") as info:
        fo.duncan(aov, alpha=5)
    assert isinstance(info.value, fo.OptionError)
    try:
        fo.duncan(aov, alpha=5)
    except ValueError as exc:  # the usual Python idiom for a bad argument value
        assert str(exc).startswith("alpha=5 is outside (0, 1)")
    else:  # pragma: no cover
        pytest.fail("alpha=5 was accepted")


def test_checks_raise_option_error():
    with pytest.raises(fo.OptionError, match="is not a valid option; choose one of 'a', 'b'"):
        check_choice("c", "kind", ("a", "b"))
    with pytest.raises(fo.OptionError, match="between 0 and 1"):
        check_probability("x")
    with pytest.raises(fo.OptionError, match="must be a positive number, got -1"):
        check_positive(-1, "plot_area")


@pytest.mark.parametrize(
    "call",
    [
        lambda: fo.Prices(crop=-2.8, N=6.25),
        lambda: fo.design.rcbd(["A", "B"], reps=0),
        lambda: fo.Prices(crop=2.8, P=1.0, P2O5=2.0),
    ],
    ids=["negative price", "reps=0", "conflicting P and P2O5"],
)
def test_representative_bad_arguments(call):
    with pytest.raises(fo.OptionError):
        call()


def test_bad_option_of_an_analysis(aov):
    data = fo.load_dataset("cochran_factorial")
    with pytest.raises(fo.OptionError, match="ss_type"):
        fo.anova(data, response="yield", treatment="trt", block="rep", ss_type=4)
    with pytest.raises(fo.OptionError, match="nan_policy"):
        fo.anova(data, response="yield", treatment="trt", block="rep", nan_policy="drop")


def test_data_problems_keep_their_classes():
    data = fo.load_dataset("cochran_factorial")
    with pytest.raises(fo.ColumnError):
        fo.anova(data, response="yeild", treatment="trt")


def test_a_missing_optional_package_is_a_dependency_error(monkeypatch, tmp_path):
    # importing a module that sys.modules maps to None raises ImportError, as when it is absent
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    path = tmp_path / "trial.xlsx"
    path.write_bytes(b"")
    with pytest.raises(fo.DependencyError, match=r"fertopt\[excel\]") as info:
        fo.read_trials(path)
    assert isinstance(info.value, ImportError) and isinstance(info.value, fo.FertoptError)
