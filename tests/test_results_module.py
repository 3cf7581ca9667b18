"""fertopt.results gathers every result class, and the package ships its type hints."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import fertopt
import fertopt.results
from fertopt._core.formatting import ResultBase


def _all_subclasses(cls: type) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        out.add(sub)
        out |= _all_subclasses(sub)
    return out


def test_every_result_class_is_in_fertopt_results():
    for info in pkgutil.walk_packages(fertopt.__path__, prefix="fertopt."):
        importlib.import_module(info.name)
    found = {c for c in _all_subclasses(ResultBase) if c.__module__.startswith("fertopt.")}
    assert found, "no result classes found"
    exported = {getattr(fertopt.results, name) for name in fertopt.results.__all__}
    missing = sorted(c.__qualname__ for c in found - exported)
    assert not missing, f"result classes missing from fertopt.results: {missing}"
    for name in fertopt.results.__all__:
        assert getattr(fertopt.results, name).__name__ == name


def test_results_reexports_the_public_classes():
    for name in ("AnovaResult", "ResponseFit", "SurfaceFit", "BatchResult", "TrialReport"):
        assert getattr(fertopt.results, name) is getattr(fertopt, name)
    from fertopt.batch import TrialResult
    from fertopt.studies.water_chestnut import StudyAudit

    assert fertopt.results.TrialResult is TrialResult
    assert fertopt.results.StudyAudit is StudyAudit


def test_nothing_inside_the_package_imports_results():
    src = Path(fertopt.__file__).parent
    for path in src.rglob("*.py"):
        if path.name == "results.py" and path.parent == src:
            continue
        text = path.read_text(encoding="utf-8")
        assert "fertopt.results" not in text, path
        assert "from fertopt import results" not in text, path


def test_py_typed_marker():
    assert (Path(fertopt.__file__).parent / "py.typed").is_file()
