"""Load checks from the ``agent_ready.checks`` entry-point group: built-ins and third-party plugins alike.

An entry point names a list of checks (``checks.discovery:CHECKS``), a single check, or a module with a
``CHECKS`` list. A plugin that fails to import or declares an invalid check becomes a run warning; the
scan goes on with the rest. ``AGENT_READY_NO_PLUGINS=1`` (or ``--no-plugins``) loads only the built-ins.
"""

from __future__ import annotations

import difflib
import importlib
import os
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType
from typing import Any

from agent_ready import __version__
from agent_ready.checkapi import Check, validate_meta
from agent_ready.scoring import CATEGORY_IDS

GROUP = "agent_ready.checks"
DIST = "agent-ready"


@dataclass(frozen=True)
class Plugin:
    name: str
    dist: str
    version: str
    builtin: bool
    checks: tuple[str, ...]


@dataclass
class Registry:
    checks: dict[str, Check] = field(default_factory=dict)
    plugins: list[Plugin] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def ordered(self, kind: str | None = None) -> list[Check]:
        """The checks in report order; only those of target ``kind`` (``web``, ``cli``) when given."""
        rank = {c: i for i, c in enumerate(CATEGORY_IDS)}
        return sorted(
            (c for c in self.checks.values() if kind is None or c.meta.target_kind == kind),
            key=lambda c: (rank.get(c.meta.category, len(rank)), c.id),
        )


def _as_checks(obj: Any) -> list[Check]:
    if isinstance(obj, Check):
        return [obj]
    if isinstance(obj, ModuleType):
        obj = getattr(obj, "CHECKS", [])
    if isinstance(obj, list | tuple):
        return [c for c in obj if isinstance(c, Check)]
    raise TypeError(f"expected a Check, a list of checks or a module with CHECKS, got {type(obj).__name__}")


def _add(
    reg: Registry, checks: list[Check], plugin_name: str, dist: str, version: str, builtin: bool
) -> None:
    known = set(CATEGORY_IDS) | {c.meta.category for c in checks if not builtin}
    accepted = []
    for chk in checks:
        problems = validate_meta(chk.meta, known)
        if problems:
            reg.warnings.append(f"plugin {plugin_name}: check {chk.id!r} refused: {'; '.join(problems)}")
            continue
        if chk.id in reg.checks:
            reg.warnings.append(f"plugin {plugin_name}: check {chk.id!r} refused: id already registered")
            continue
        reg.checks[chk.id] = replace(chk, plugin=plugin_name if not builtin else "builtin")
        accepted.append(chk.id)
    reg.plugins.append(Plugin(plugin_name, dist, version, builtin, tuple(accepted)))


def _dist_of(ep: EntryPoint, seen: dict[int, tuple[str, str]]) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "unknown", "unknown"
    # Each read of ``dist.metadata`` (and ``dist.version``) parses the METADATA file again; the entry
    # points of one distribution share its object, so it is parsed once per distribution.
    if id(dist) not in seen:
        meta = dist.metadata
        seen[id(dist)] = (meta["Name"] or "unknown", meta["Version"] or "unknown")
    return seen[id(dist)]


def load(no_plugins: bool | None = None) -> Registry:
    if no_plugins is None:
        no_plugins = os.environ.get("AGENT_READY_NO_PLUGINS", "") not in ("", "0")
    reg = Registry()
    builtin_seen = False
    seen: dict[int, tuple[str, str]] = {}
    eps = sorted(entry_points(group=GROUP), key=lambda e: e.name)  # holds the distributions `seen` keys
    for ep in eps:
        dist, version = _dist_of(ep, seen)
        builtin = dist.lower().replace("_", "-") == DIST
        if not builtin and no_plugins:
            continue
        if builtin and builtin_seen and any(p.name == ep.name and p.builtin for p in reg.plugins):
            continue
        try:
            checks = _as_checks(ep.load())
        except Exception as exc:  # a broken plugin must not take the scan down
            reg.warnings.append(f"plugin {ep.name} ({dist}) failed to load: {type(exc).__name__}: {exc}")
            continue
        builtin_seen = builtin_seen or builtin
        _add(reg, checks, ep.name, dist, version, builtin)
    if not builtin_seen:
        # Running from a source tree that was never installed: the entry points are not registered yet.
        import agent_ready.checks as builtin_pkg

        for mod in pkgutil.iter_modules(builtin_pkg.__path__):
            if mod.name.startswith("_"):
                continue
            module = importlib.import_module(f"agent_ready.checks.{mod.name}")
            _add(reg, _as_checks(module), mod.name.replace("_", "-"), DIST, __version__, True)
    return reg


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """ " (did you mean tokens.challenge?)" for a mistyped check id or category; "" when nothing is close."""
    close = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.75)
    return f" (did you mean {close[0]}?)" if close else ""
