"""A real headless browser for the report tests: Debian's chromium.

``find_chromium()`` returns the browser's path, installing Debian's ``chromium`` package
first when the tests run as root on a system with apt-get and no browser; otherwise it
returns ``None`` and the caller skips with the reason given by ``why_no_chromium()``.

``probe(html_path, ...)`` opens a copy of a page with a small script appended that measures
what the browser laid out (tables, rows, images decoded and their sizes, page height) and
reads the result back from ``--dump-dom``; ``screenshot(html_path, ...)`` takes a PNG of the
page itself (without the script).  Both runs use the same window width and a scale factor
of 1, so rectangles measured by the probe are pixel rectangles of the screenshot.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--disable-extensions",
    "--mute-audio",
]
_reason = "no chromium found"

_PROBE = """
<script>
window.addEventListener('load', function () {
  function box(el) { var r = el.getBoundingClientRect();
    return [Math.round(r.left + window.scrollX), Math.round(r.top + window.scrollY),
            Math.round(r.width), Math.round(r.height)]; }
  var out = {
    height: Math.ceil(document.documentElement.scrollHeight),
    tables: Array.from(document.querySelectorAll('table.three-line')).map(function (t) {
      return {box: box(t), rows: t.querySelectorAll('tbody tr').length,
              caption: t.caption ? t.caption.textContent : ''}; }),
    images: Array.from(document.querySelectorAll('img')).map(function (i) {
      return {box: box(i), complete: i.complete, natural: [i.naturalWidth, i.naturalHeight]}; }),
    headings: Array.from(document.querySelectorAll('h2')).map(function (h) {
      return h.textContent; })
  };
  var pre = document.createElement('pre'); pre.id = 'fertopt-probe';
  pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
});
</script>
"""


def _which() -> str | None:
    for name in _NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def find_chromium() -> str | None:
    """Path of a headless-capable chromium, installing Debian's package when possible."""
    global _reason
    path = _which()
    if path:
        return path
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        _reason = "chromium is not installed and the tests do not run as root to install it"
        return None
    if shutil.which("apt-get") is None:
        _reason = "chromium is not installed and apt-get is not available to install it"
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1200)
        if done.returncode != 0:
            subprocess.run(["apt-get", "update"], env=env, capture_output=True, timeout=600)
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1200)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _reason = f"installing chromium with apt-get failed: {exc}"
        return None
    path = _which()
    if path is None:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        _reason = f"apt-get install chromium failed: {tail[0]}"
    return path


def why_no_chromium() -> str:
    return _reason


def _run(browser: str, profile: Path, args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [browser, *_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
    )


def probe(browser: str, html_path: Path, work: Path, width: int = 1100) -> dict:
    """Layout facts measured by the browser on a probed copy of ``html_path``."""
    page = html_path.read_text(encoding="utf-8")
    probed = work / f"probe_{html_path.name}"
    probed.write_text(page.replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    done = _run(
        browser,
        work / "profile-probe",
        [f"--window-size={width},900", "--virtual-time-budget=5000", "--dump-dom", probed.as_uri()],
    )
    match = re.search(r'<pre id="fertopt-probe">(.*?)</pre>', done.stdout, re.S)
    if match is None:
        raise AssertionError(f"the browser produced no probe output: {done.stderr[-2000:]}")
    text = (
        match.group(1)
        .replace("&quot;", '"')
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )
    return json.loads(text)


def screenshot(browser: str, html_path: Path, out: Path, width: int, height: int) -> Path:
    """PNG screenshot of the whole page (``height`` CSS pixels tall)."""
    done = _run(
        browser,
        out.parent / "profile-shot",
        [
            f"--window-size={width},{height}",
            "--virtual-time-budget=5000",
            f"--screenshot={out}",
            html_path.as_uri(),
        ],
    )
    if not out.exists():
        raise AssertionError(f"the browser wrote no screenshot: {done.stderr[-2000:]}")
    return out
