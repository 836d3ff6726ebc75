"""The journey is a projection of check outcomes: one judge per question.

Unit tests of the projection on hand-built results, and, on real scans of the reference service (several
variants and flaws) and CLI audits, that every step cites a check that ran and codes it emitted, that its
status follows that check's outcome and that its fix is that check's fix, word for word.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from agent_ready.cliaudit import audit
from agent_ready.clirun import CliSettings
from agent_ready.engine import BUILTIN_PROBE_MODULES, ScanReport
from agent_ready.journey import ACTIVE_REASON, ROUTES, Stage, project
from agent_ready.models import CheckResult, Finding, JourneyStep, Level, Status
from agent_ready.probing import ProbeContext
from agent_ready.reference import ReferenceServer
from agent_ready.registry import Registry

TOOLS = Path(__file__).resolve().parent.parent / "data" / "cli_tools"


def result(check_id: str, status: Status, *findings: Finding, remediation: str = "the remedy") -> CheckResult:
    return CheckResult(
        id=check_id,
        title="t",
        category=check_id.split(".")[0],
        status=status,
        summary=f"{check_id} is {status.value}",
        score=None,
        weight=1,
        active=False,
        findings=findings,
        remediation=remediation,
        spec_links=(),
        details={},
        duration_ms=0,
        plugin="builtin",
        reason="why not" if status in (Status.SKIPPED, Status.ERROR) else None,
    )


def routes(*stages: Stage) -> dict[str, tuple[tuple[Stage, ...], ...]]:
    return {"web": (tuple(stages),)}


A = Stage("First", "a.one")
B = Stage("Second", "b.two", codes=("b-ok", "b-bad", "b-soft"), blocking=("b-bad",))
C = Stage("Third", "c.three", active=True, not_taken=("c-not-tried",))


def test_a_stuck_step_ends_its_route_and_the_fix_is_the_findings() -> None:
    results = [
        result("a.one", Status.PASS, Finding("a-good", Level.PASS, "it answered", ("e1",))),
        result("b.two", Status.FAIL, Finding("b-bad", Level.FAIL, "it broke", ("e2",), fix="mend it")),
        result("c.three", Status.PASS),
    ]
    steps = project(results, "web", active=True, routes=routes(A, B, C))
    assert [(s.title, s.status) for s in steps] == [("First", "ok"), ("Second", "stuck")]
    first, second = steps
    assert first.learned == "it answered" and first.fix is None and first.exchanges == ("e1",)
    assert second.reason == "it broke" and second.fix == "mend it" and second.findings == ("b-bad",)
    assert second.check == "b.two"


def test_a_failing_finding_the_agent_gets_past_warns_and_falls_back_to_the_remediation() -> None:
    results = [
        result("a.one", Status.WARN, Finding("a-meh", Level.WARN, "so-so")),
        result(
            "b.two", Status.FAIL, Finding("b-soft", Level.FAIL, "not fatal"), Finding("x", Level.FAIL, "n/a")
        ),
        result("c.three", Status.PASS, Finding("c-done", Level.PASS, "done")),
    ]
    steps = project(results, "web", active=True, routes=routes(A, B, C))
    assert [s.status for s in steps] == ["warn", "warn", "ok"]
    assert steps[0].fix == "the remedy"  # no finding fix: the check's remediation
    assert steps[1].findings == ("b-soft",) and steps[1].reason == "not fatal"  # "x" is not this step's


def test_skipped_not_applicable_error_and_passive_scans() -> None:
    results = [
        result("a.one", Status.NOT_APPLICABLE),
        result("b.two", Status.PASS, Finding("other", Level.PASS, "unrelated")),
        result("c.three", Status.PASS, Finding("c-done", Level.PASS, "done")),
    ]
    steps = project(results, "web", active=False, routes=routes(A, B, C))
    # Not applicable: no step; nothing cited: no step; an ACTIVE step in a passive scan: skipped.
    assert [(s.title, s.status, s.reason) for s in steps] == [("Third", "skipped", ACTIVE_REASON)]
    results[2] = result("c.three", Status.PASS, Finding("c-not-tried", Level.INFO, "no endpoint"))
    assert [s.status for s in project(results, "web", active=True, routes=routes(C))] == ["skipped"]
    results[0] = result("a.one", Status.ERROR)
    steps = project(results, "web", active=True, routes=routes(A, C))
    assert [(s.status, s.reason) for s in steps] == [("error", "why not")]
    results[0] = result("a.one", Status.SKIPPED)
    assert project(results, "web", routes=routes(A))[0].status == "skipped"
    assert project(results, "cli", routes=routes(A)) == []


def test_every_code_a_route_cites_is_one_its_check_emits(registry: Registry) -> None:
    for kind, kind_routes in ROUTES.items():
        for route in kind_routes:
            for stage in route:
                chk = registry.checks[stage.check]
                assert chk.meta.target_kind == kind, stage
                source = inspect.getsource(importlib.import_module(chk.fn.__module__))
                for code in (*stage.codes, *(stage.blocking or ()), *stage.not_taken):
                    assert f'"{code}"' in source, (stage.check, code)


def test_probes_record_what_happened_and_never_a_journey_step() -> None:
    assert not hasattr(ProbeContext, "step")
    for name in BUILTIN_PROBE_MODULES:
        module = importlib.import_module(f"agent_ready.probes.{name}")
        assert "JourneyStep" not in inspect.getsource(module), name


# --- on real scans and audits -----------------------------------------------------------------------------


def assert_projection(report: ScanReport) -> None:
    """Every step cites a check that ran and codes it emitted; its status follows the check's; its fix is
    that check's fix text."""
    assert report.journey
    for step in report.journey:
        assert isinstance(step, JourneyStep) and step.check
        check = report.result(step.check)
        codes = {f.code for f in check.findings}
        assert set(step.findings) <= codes, (step.title, step.findings)
        cited = [f for f in check.findings if f.code in step.findings]
        assert set(step.exchanges) <= {e for f in cited for e in f.evidence}
        if step.fix is not None:
            assert step.fix in {f.fix for f in cited if f.fix} | {check.remediation}, step.title
        if step.status in ("stuck", "warn", "error"):
            assert check.status in (Status.FAIL, Status.WARN, Status.ERROR), (step.title, check.status)
            assert step.reason
        if step.status in ("stuck", "warn"):
            assert step.fix, step.title
        if check.status == Status.PASS:
            assert step.status in ("ok", "skipped"), step.title
        if check.status == Status.SKIPPED:
            assert step.status == "skipped"
    # A route ends where its agent is stuck: nothing after a stuck step belongs to the same route.
    for kind_routes in ROUTES.values():
        for route in kind_routes:
            titles = [s.title for s in route]
            taken = [s for s in report.journey if s.title in titles]
            stuck = [i for i, s in enumerate(taken) if s.status == "stuck"]
            assert not stuck or stuck[0] == len(taken) - 1


SCANS = [
    ("good", True, ()),
    ("good", False, ()),
    ("bare", True, ()),
    ("good", True, ("wrong-resource",)),
    ("good", True, ("registration-500",)),
    ("good", True, ("metadata-imds",)),
    ("good", True, ("issuer-mismatch",)),
    ("good", True, ("no-resource-metadata",)),
]


@pytest.mark.parametrize(("variant", "active", "flaws"), SCANS, ids=lambda v: str(v))
def test_the_journey_of_a_scan_is_a_projection_of_its_checks(
    variant: str,
    active: bool,
    flaws: tuple[str, ...],
    reference_factory: Callable[..., ReferenceServer],
    run_scan: Callable[..., ScanReport],
) -> None:
    kwargs = {"flaws": set(flaws)} if flaws else {}
    report = run_scan(reference_factory(variant, **kwargs).url + "/", active=active)
    assert_projection(report)


@pytest.mark.skipif(sys.platform == "win32", reason="the test tools are POSIX shell scripts")
@pytest.mark.parametrize(
    "tool", ["bare_unauthorized.sh", "wrangler_like.sh", "xdg_open_exit.sh", "prompt.sh"]
)
def test_the_journey_of_a_cli_audit_is_a_projection_of_its_checks(tool: str, registry: Registry) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    settings = CliSettings(timeout=2.0, quiet_after=0.4, eof_grace=0.5)
    report = audit([str(TOOLS / tool)], settings, environ=env, registry=registry)
    assert_projection(report)
    assert {s.check for s in report.journey} <= {r.id for r in report.results}
