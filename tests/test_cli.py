"""The fertopt command line, run as a subprocess like a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).parents[1] / "src")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run([sys.executable, "-m", "fertopt.cli", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=120)


def test_version_and_help():
    out = run("--version")
    assert out.returncode == 0 and out.stdout.startswith("fertopt ")
    out = run("--help")
    assert out.returncode == 0 and "examples:" in out.stdout


def test_example_runs(tmp_path):
    out = run("example", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "The water-chestnut study, reproduced and audited" in out.stdout
    assert (tmp_path / "water_chestnut_report.html").exists()


def test_analyze_guesses_roles_from_chinese_headers(tmp_path):
    rows = ["处理,重复,产量"] + [f"{t},{r},{1000 + 100 * i + 7 * r + (i * r) % 5}"
                             for r in (1, 2, 3) for i, t in enumerate(["CK", "N", "NP", "NPK"])]
    path = tmp_path / "t.csv"
    path.write_bytes("\n".join(rows).encode("gbk"))
    out = run("analyze", str(path), "--format", "json")
    assert out.returncode == 0, out.stderr
    assert "guessed response='yield', treatment='treatment', block='block'" in out.stderr
    assert json.loads(out.stdout)["design"] == "RCBD"


@pytest.mark.parametrize("content,needle", [
    ("a,b\n1,2\n", "could not tell which column"),
    ("trt,yield\nA,1\nB,x\n", "not numbers: row 3 ('x')"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, content, needle):
    path = tmp_path / "t.csv"
    path.write_text(content, encoding="utf-8")
    out = run("analyze", str(path))
    assert out.returncode == 2
    assert needle in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
