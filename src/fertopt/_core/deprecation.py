"""Old spellings kept for a while: they work, and say once what the new spelling is.

A renamed attribute of a result class keeps its old name as a class attribute
:class:`renamed`; reading it returns the new attribute and issues a :class:`FutureWarning`
naming the new spelling, once per old name in a session.  Because the old name is a plain
class attribute, not a dataclass field, ``dataclasses.fields``, ``to_dict()`` and ``repr``
never see it and never warn.  :func:`warn_once` does the same for an old option value.

Examples
--------
>>> import dataclasses, warnings
>>> @dataclasses.dataclass(frozen=True)
... class Fit:
...     r_squared: float
...     r2 = renamed("r_squared")
>>> fit = Fit(r_squared=0.9)
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     first, second = fit.r2, fit.r2
>>> first, second, len(caught)
(0.9, 0.9, 1)
>>> print(caught[0].message)
Fit.r2 is deprecated and will be removed; use Fit.r_squared instead.
>>> [f.name for f in dataclasses.fields(fit)]
['r_squared']
"""

from __future__ import annotations

import warnings
from typing import Any

__all__ = ["renamed", "warn_once"]

_warned: set[str] = set()


def warn_once(key: str, message: str, *, stacklevel: int = 3) -> None:
    """Issue ``message`` as a :class:`FutureWarning` the first time ``key`` is seen.

    ``stacklevel=3`` points at the caller of the function that calls this one.
    """
    if key in _warned:
        return
    _warned.add(key)
    warnings.warn(message, FutureWarning, stacklevel=stacklevel)


class renamed:
    """Class attribute standing for the old name of attribute ``new``.

    ``obj.old`` returns ``obj.new`` and warns once (per class and old name) that the old
    spelling is deprecated.  On the class itself (``Class.old``) it returns this marker, so
    that documentation tools can list it without warning.
    """

    def __init__(self, new: str) -> None:
        self.new = new
        self.old = ""
        self.owner = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.old = name
        self.owner = owner.__name__

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        old, new = f"{self.owner}.{self.old}", f"{self.owner}.{self.new}"
        warn_once(old, f"{old} is deprecated and will be removed; use {new} instead.")
        return getattr(obj, self.new)

    def __repr__(self) -> str:
        return f"<deprecated alias of {self.owner}.{self.new}>"
