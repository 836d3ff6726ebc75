"""The layers hold: checks read artifacts, never the network or the probes; every module imports alone;
a check reads only what it declared, typed by its key."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

import agent_ready
from agent_ready.artifacts.key import Key
from agent_ready.artifacts.robots import ROBOTS, RobotsTxt
from agent_ready.checkapi import Artifacts, UndeclaredArtifact, check, passed
from agent_ready.engine import evaluate
from agent_ready.models import Outcome, Status

NETWORK_OR_PROBES = ("httpx", "httpcore", "agent_ready.probes", "agent_ready.fetch", "agent_ready.probing")


def _modules(package: str) -> list[str]:
    pkg = __import__(package, fromlist=["_"])
    return [package] + [m.name for m in pkgutil.walk_packages(pkg.__path__, package + ".")]


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_no_check_module_loads_the_network_layer_or_a_probe() -> None:
    # Each check module in a fresh interpreter of its own: what it drags in is all its own doing.
    code = f"""
import json, subprocess, sys
bad = {{}}
for name in {_modules("agent_ready.checks")!r}:
    probe = ("import sys, importlib; importlib.import_module(%r); "
             "print(sorted(n for n in sys.modules if n.startswith({NETWORK_OR_PROBES!r})))" % name)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = eval(out.stdout)
    if loaded:
        bad[name] = loaded
print(json.dumps(bad))
"""
    assert json.loads(_run(code)) == {}


def test_artifact_modules_load_neither_the_network_layer_nor_a_probe() -> None:
    names = _modules("agent_ready.artifacts") + _modules("agent_ready.parsers")
    code = (
        "import importlib, sys\n"
        f"for n in {names!r}: importlib.import_module(n)\n"
        f"print(sorted(n for n in sys.modules if n.startswith({NETWORK_OR_PROBES!r})))"
    )
    assert _run(code).strip() == "[]"


def test_every_module_imports_on_its_own() -> None:
    """Each module imported first, with every module of ours forgotten before: an import cycle that only
    works in some import order fails here."""
    # checks/ and reports/ are mapped into the namespace from folders of their own: walk them too.
    names = sorted(
        {*_modules("agent_ready"), *_modules("agent_ready.checks"), *_modules("agent_ready.reports")}
    )
    names = [n for n in names if not n.endswith(".__main__")]  # runs the CLI when imported, by design
    assert len(names) > 120
    code = f"""
import importlib, json, sys, traceback
failed = {{}}
for name in {names!r}:
    for loaded in [n for n in sys.modules if n == "agent_ready" or n.startswith("agent_ready.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("agent_ready"):  # an optional extra not installed here
            continue
        failed[name] = traceback.format_exc(limit=-3)
    except Exception:
        failed[name] = traceback.format_exc(limit=-3)
print(json.dumps(failed))
"""
    assert json.loads(_run(code)) == {}


ROBOTS_FOUND = RobotsTxt(doc=None)  # type: ignore[arg-type]  # the check below never looks inside


@check(
    id="discovery.layering-probe",
    title="t",
    failure_title="f",
    category="discovery",
    weight=1,
    remediation="r",
    spec_links=("https://example.org",),
    requires=(ROBOTS,),
)
def _reads_undeclared(a: Artifacts) -> Outcome:
    a[ROBOTS]
    a[Key[object]("links")]  # never declared
    return passed("unreachable")


def test_requires_records_key_names() -> None:
    assert _reads_undeclared.meta.requires == ("robots",)


def test_a_declared_key_reads_its_artifact() -> None:
    a = Artifacts({"robots": ROBOTS_FOUND}, declared=(ROBOTS,))
    assert a[ROBOTS] is ROBOTS_FOUND and a.get(ROBOTS) is ROBOTS_FOUND and a["robots"] is ROBOTS_FOUND
    assert a.declares(ROBOTS) and ROBOTS in a


def test_a_declared_but_absent_artifact_reads_as_none_with_get() -> None:
    a = Artifacts({}, declared=(ROBOTS,))
    assert a.get(ROBOTS) is None
    with pytest.raises(KeyError):
        a[ROBOTS]


def test_reading_an_undeclared_artifact_raises() -> None:
    a = Artifacts({"robots": ROBOTS_FOUND, "links": object()}, declared=(ROBOTS,))
    with pytest.raises(UndeclaredArtifact, match="'links' without declaring it"):
        a.get("links")


def test_the_engine_reports_an_undeclared_read_as_the_checks_error() -> None:
    values = {"robots": ROBOTS_FOUND, "links": object()}  # the probe ran; the check still may not read it
    result = evaluate(_reads_undeclared, values, active=False, target=None, weight=1)
    assert result.status == Status.ERROR
    assert "UndeclaredArtifact" in result.summary and "'links'" in result.summary


def test_keys_compare_by_name() -> None:
    assert Key("robots") == ROBOTS and hash(Key("robots")) == hash(ROBOTS) and str(ROBOTS) == "robots"
    assert agent_ready.__name__ == "agent_ready"
