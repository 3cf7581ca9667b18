"""The cache of quantiles (keyed on probability, number of means and df) and of critical-value
tables, shared by the studentized range and Dunnett distributions."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

_CACHE_SIZE = 200_000


_cache: OrderedDict[tuple, float] = OrderedDict()


_cache_lock = threading.Lock()


_stats = {"hits": 0, "misses": 0}


def cache_get(key: tuple) -> float | None:
    with _cache_lock:
        value = _cache.get(key)
        if value is not None:
            _cache.move_to_end(key)
            _stats["hits"] += 1
        return value


def cache_put(key: tuple, value: float) -> None:
    with _cache_lock:
        _cache[key] = value
        _stats["misses"] += 1
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)


def cache_info() -> dict[str, int]:
    """Cache statistics: ``hits``, ``misses`` (quantiles computed) and ``size``.

    Examples
    --------
    >>> sorted(cache_info())
    ['hits', 'misses', 'size']
    """
    with _cache_lock:
        return {"hits": _stats["hits"], "misses": _stats["misses"], "size": len(_cache)}


def clear_cache() -> None:
    """Forget every cached quantile (studentized range and Dunnett).

    Examples
    --------
    >>> clear_cache(); cache_info()["size"]
    0
    """
    with _cache_lock:
        _cache.clear()
        _tables.clear()
        _stats["hits"] = 0
        _stats["misses"] = 0


_tables: dict[tuple, np.ndarray] = {}


def cached_table(name: str, k: int, df: float, alpha: float, make) -> np.ndarray:
    """Critical-value tables cached as read-only arrays (microseconds on a hit)."""
    key = (name, int(k), float(df), float(alpha))
    table = _tables.get(key)
    if table is None:
        if int(k) < 2:
            raise ValueError("the number of means k must be a whole number of at least 2")
        if not 0.0 < float(alpha) < 1.0:
            raise ValueError("alpha must be strictly between 0 and 1")
        table = np.array(make(), dtype=float)
        table.setflags(write=False)
        if len(_tables) > 20_000:
            _tables.clear()
        _tables[key] = table
    return table
