"""Peak-memory helper shared by the batch benchmark scripts (run them from the repository root).

Peak memory is the rise of the process's resident-set high-water mark during a call (Linux
``VmHWM``, reset just before through ``/proc/self/clear_refs``), so it counts everything the
call allocates (NumPy, pandas, Arrow); it is read against the input frame's deep
``memory_usage``.  Where the high-water mark cannot be reset (not Linux, or no permission) the
peak is NaN and the scripts say so.

Memory a process has freed is mostly kept for reuse rather than handed back, so a call that
follows a larger one may show a smaller rise than it would in a fresh process: the scripts
measure their main call first (after a small warm-up), and a strict figure for each of
several calls comes from one process per call (``--models X`` in the curve scripts).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd

T = TypeVar("T")


def peak_rss_reset() -> bool:
    """Reset the process's resident-set high-water mark; False where it cannot be reset."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def rss_kib(field: str) -> int:
    """A field of ``/proc/self/status`` in KiB (``VmRSS``, ``VmHWM``); -1 where absent."""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return -1
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return -1


def frame_bytes(frame: pd.DataFrame) -> int:
    """The input frame's size in memory (deep: object and string columns counted in full)."""
    return int(frame.memory_usage(deep=True).sum())


def result_bytes(result: object) -> int:
    """Size of a ``BatchResult``'s four tables (part of any run's peak: they are its output)."""
    names = ("table", "groups", "failures", "warnings")
    return sum(frame_bytes(getattr(result, n)) for n in names)


def measure(fn: Callable[[], T]) -> tuple[T, float, float]:
    """Run ``fn`` once: its value, its wall seconds and the peak memory it added (bytes, or NaN).

    Garbage is collected first, so the peak is what the call itself holds at its highest.
    """
    gc.collect()
    measured = peak_rss_reset()
    before = rss_kib("VmRSS")
    t0 = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - t0
    peak = (rss_kib("VmHWM") - before) * 1024.0 if measured and before >= 0 else float("nan")
    return value, seconds, peak


def memory_line(peak: float, size: int) -> str:
    """``peak memory of the call: … MiB = …× the input frame (target ≤ 3×)``."""
    if peak != peak:  # NaN: the high-water mark could not be reset here
        return "peak memory: not measured (needs Linux /proc/self/clear_refs)"
    return (
        f"peak memory of the call: {peak / 2**20:.0f} MiB = {peak / size:.2f}× the input frame "
        f"of {size / 2**20:.0f} MiB (target ≤ 3×)"
    )
