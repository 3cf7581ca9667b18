"""Timing helper shared by the benchmark scripts (run them from the repository root)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def per_call(fn: Callable[[], object], repeat: int = 200, *, warm_up: bool = True) -> float:
    """Median wall time of one call of ``fn`` over ``repeat`` calls, in seconds.

    With ``warm_up`` one untimed call runs first, so imports and caches are not timed.
    """
    if warm_up:
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)
