"""Typed artifact keys: the name a probe registers its artifact under, carrying the artifact's type.

A key is declared once, beside the artifact type it names::

    ROBOTS: Key[RobotsTxt] = Key("robots")

The probe registers under it (``@probe(ROBOTS, ...)``), a check declares it (``requires=(ROBOTS,)``) and
reads it (``a[ROBOTS]``, which mypy knows is a :class:`RobotsTxt`). Nothing matches names by hand.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Key(Generic[T]):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Key({self.name!r})"

    def __str__(self) -> str:
        return self.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Key) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("artifact-key", self.name))


def key_name(key: Key[Any] | str) -> str:
    """The registered name of a key; a plain string (older plugins) is its own name."""
    return key.name if isinstance(key, Key) else key
