"""Result fields computed when they are first read.

A result carries some tables that few readers look at: the assumption checks of an ANOVA, the
pairs and critical values behind a letter display, the lack-of-fit test and the plot table of
a response fit.  Building a pandas table costs more than the arithmetic behind it on a trial's
few plots, so such a field may be given the recipe of its value, a :class:`Deferred`, instead
of the value.  The value is computed the first time the field is read and kept; every reader
(``summary``, ``to_dict``, plots, user code) sees an ordinary attribute.

A recipe holds numpy arrays and plain values copied from the analysis, never a frame a user
could change in the meantime, and its function raises nothing on valid input: it only lays
out numbers that the analysis has already checked.

Examples
--------
>>> import dataclasses
>>> @dataclasses.dataclass(frozen=True, kw_only=True)
... class Result:
...     total: float
...     table: list = deferred_field()
>>> r = Result(total=3.0, table=Deferred(sorted, [3, 1, 2]))
>>> r.table
[1, 2, 3]
>>> Result(total=1.0, table=[0]).table
[0]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Deferred", "deferred_field"]


class Deferred:
    """The recipe ``fn(*args)`` of a result field, computed when the field is first read.

    ``fn`` is a module-level function so that a result holding the recipe pickles (for Dask
    workers and caches) as one holding the value.
    """

    __slots__ = ("args", "fn")

    def __init__(self, fn: Callable[..., Any], /, *args: Any) -> None:
        self.fn = fn
        self.args = args

    def __call__(self) -> Any:
        return self.fn(*self.args)

    def __repr__(self) -> str:
        return f"Deferred({getattr(self.fn, '__name__', self.fn)!r})"


class deferred_field:  # noqa: N801  (used like dataclasses.field)
    """A required dataclass field that takes a value or a :class:`Deferred` recipe.

    A data descriptor: the dataclass ``__init__`` stores what it is given in the instance's
    ``__dict__``; the first read replaces a recipe by its value.  Read on the class, it
    raises ``AttributeError``, which tells :mod:`dataclasses` that the field has no default.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            raise AttributeError(f"{self.name} is a field of each result, not of the class")
        value = obj.__dict__[self.name]
        if isinstance(value, Deferred):
            value = value()
            obj.__dict__[self.name] = value
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        # frozen dataclasses set their fields through object.__setattr__, which lands here;
        # the class's own __setattr__ still refuses any later assignment
        obj.__dict__[self.name] = value
