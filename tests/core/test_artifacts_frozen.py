"""Checks are pure functions of what the probes saw: every artifact type they read is a frozen dataclass,
so a check cannot change what another check (or the report) will read."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil

import pytest

import agent_ready.artifacts

# Types still filled in place by their probes (issue 8 froze them one by one; none is left). The list may only
# shrink: a test below fails once one of them is frozen and still listed.
STILL_MUTABLE: frozenset[str] = frozenset()


def _artifact_dataclasses() -> dict[str, type]:
    """Every dataclass defined in a module of agent_ready.artifacts (not ones it merely imports)."""
    found: dict[str, type] = {}
    names = [m.name for m in pkgutil.walk_packages(agent_ready.artifacts.__path__, "agent_ready.artifacts.")]
    for name in names:
        module = importlib.import_module(name)
        for obj in vars(module).values():
            if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == name:
                found[f"{name}.{obj.__qualname__}"] = obj
    return found


def _frozen(cls: type) -> bool:
    return bool(cls.__dataclass_params__.frozen)  # type: ignore[attr-defined]


def test_the_walk_finds_the_artifact_types() -> None:
    found = _artifact_dataclasses()
    # A walk that found nothing would pass everything below.
    assert "agent_ready.artifacts.robots.RobotsTxt" in found
    assert len(found) > 40


def test_every_artifact_dataclass_is_frozen() -> None:
    mutable = sorted(n for n, cls in _artifact_dataclasses().items() if not _frozen(cls))
    assert [n for n in mutable if n not in STILL_MUTABLE] == []


def test_the_still_mutable_list_only_shrinks() -> None:
    found = _artifact_dataclasses()
    assert sorted(STILL_MUTABLE - found.keys()) == [], "a listed type no longer exists"
    assert sorted(n for n in STILL_MUTABLE if _frozen(found[n])) == [], "frozen now: drop it from the list"


def test_a_check_cannot_rewrite_an_artifact() -> None:
    from agent_ready.artifacts.documents import Doc, DocState
    from agent_ready.artifacts.robots import RobotsTxt

    robots = RobotsTxt(doc=Doc(url="http://127.0.0.1/robots.txt", state=DocState.ABSENT, response=None))
    with pytest.raises(dataclasses.FrozenInstanceError):
        robots.sitemaps = ["http://127.0.0.1/sitemap.xml"]  # type: ignore[misc]
