from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

import agent_ready.registry as registry_mod
from agent_ready.checkapi import Artifacts, check, passed
from agent_ready.models import Outcome

META = dict(title="t", failure_title="f", weight=1.0, remediation="r", spec_links=("https://example.org",))


@check(id="errors.plugin-ok", category="errors", **META)
def plugin_ok(a: Artifacts) -> Outcome:
    return passed("fine")


@check(id="Bad Id", category="errors", **META)
def plugin_bad(a: Artifacts) -> Outcome:
    return passed("fine")


PLUGIN_CHECKS = [plugin_ok, plugin_bad]


def test_builtins_load_through_the_entry_point_group() -> None:
    reg = registry_mod.load(no_plugins=True)
    assert not reg.warnings
    builtin = [p for p in reg.plugins if p.builtin]
    assert builtin and all(p.dist == "agent-ready" for p in builtin)
    assert "discovery.robots-txt" in reg.checks


def test_plugins_are_validated_and_failures_become_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    real = registry_mod.entry_points

    def fake(group: str) -> list[EntryPoint]:
        eps = list(real(group=group))
        eps.append(EntryPoint("good-plugin", f"{__name__}:PLUGIN_CHECKS", group))
        eps.append(EntryPoint("broken-plugin", "no_such_module_xyz:CHECKS", group))
        return eps

    monkeypatch.setattr(registry_mod, "entry_points", fake)
    reg = registry_mod.load(no_plugins=False)
    assert reg.checks["errors.plugin-ok"].plugin == "good-plugin"
    assert "Bad Id" not in reg.checks
    assert any("broken-plugin" in w and "failed to load" in w for w in reg.warnings)
    assert any("'Bad Id' refused" in w for w in reg.warnings)
    listed = {p.name: p for p in reg.plugins}
    assert listed["good-plugin"].checks == ("errors.plugin-ok",)
    reg = registry_mod.load(no_plugins=True)
    assert "errors.plugin-ok" not in reg.checks and not reg.warnings
