"""Every notebook in notebooks/ runs from top to bottom without errors or unexpected warnings."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pythonpath = os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH")) if p)
    monkeypatch.setenv("PYTHONPATH", pythonpath)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    # like nbmake: the notebook runs in its own folder, so relative data paths work
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    # without a font for Chinese characters, a Chinese figure says so once (and is drawn with
    # English labels): that warning is expected there, and only there
    from fertopt import plotting

    no_font = "no installed font can draw Chinese characters"
    expected = () if plotting.find_cjk_font() is not None else (no_font,)
    for cell in nb.cells:
        if cell.cell_type != "code" or "warns" in cell.metadata.get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if output.get("name") == "stderr":
                text = "\n".join(
                    line
                    for line in output["text"].splitlines()
                    if not any(e in line for e in expected)
                )
                assert "Warning" not in text, (cell.source, output["text"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_with_its_outputs(path):
    """A notebook reads on GitHub without running: every code cell ran, figures included."""
    import json

    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c.get("execution_count") for c in code), "run the notebook and save it"
    outputs = [o for c in code for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "no figure in the outputs"
    # nothing of the machine that ran it: no kernel file names, no absolute file paths
    text = "".join("".join(o.get("text", "")) for o in outputs)
    assert not re.search(r"ipykernel_\d+|(?:^|[\s\"'(])/\w+/\w", text), "strip local paths"
    assert not any("execution" in c.get("metadata", {}) for c in code), "strip timings"
