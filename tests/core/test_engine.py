"""The engine on toy checks and probes: errors are data, selection, deadline, unreachable targets."""

from __future__ import annotations

import asyncio

import pytest
from pytest_httpserver import HTTPServer

from agent_ready.checkapi import Artifacts, Check, check, passed
from agent_ready.engine import ScanSettings, UsageError, parse_target, scan
from agent_ready.models import Outcome, Status
from agent_ready.probing import ProbeContext, probe
from agent_ready.registry import Registry
from agent_ready.reports.json_report import to_dict, validate


@probe("test_boom")
async def _boom(ctx: ProbeContext) -> None:
    raise RuntimeError("probe exploded")


@probe("test_slow")
async def _slow(ctx: ProbeContext) -> str:
    await asyncio.sleep(30)
    return "never"


@probe("test_create", active=True)
async def _create(ctx: ProbeContext) -> str:
    resp = await ctx.fetch.request("POST", ctx.target.origin + "/create")
    return str(resp.status)


COMMON = dict(remediation="fix it", spec_links=("https://example.org/spec",), weight=1.0)


@check(
    id="discovery.toy-ok",
    title="ok",
    failure_title="not ok",
    category="discovery",
    requires=("target",),
    **COMMON,
)
def toy_ok(a: Artifacts) -> Outcome:
    return passed(f"target answered {a['target'].status}")


@check(
    id="discovery.toy-raises",
    title="t",
    failure_title="f",
    category="discovery",
    requires=("target",),
    **COMMON,
)
def toy_raises(a: Artifacts) -> Outcome:
    raise KeyError("missing-field")


@check(
    id="access.toy-needs-boom",
    title="t",
    failure_title="f",
    category="access",
    requires=("test_boom",),
    **COMMON,
)
def toy_boom(a: Artifacts) -> Outcome:
    return passed("unreachable")


@check(
    id="access.toy-slow", title="t", failure_title="f", category="access", requires=("test_slow",), **COMMON
)
def toy_slow(a: Artifacts) -> Outcome:
    return passed("unreachable")


@check(
    id="signup.toy-active",
    title="t",
    failure_title="f",
    category="signup",
    active_requires=("test_create",),
    active=True,
    passive=False,
    **COMMON,
)
def toy_active(a: Artifacts) -> Outcome:
    return passed(f"created: {a['test_create']}")


def registry(*checks: Check) -> Registry:
    reg = Registry()
    for c in checks:
        reg.checks[c.id] = c
    return reg


@pytest.fixture
def server(httpserver: HTTPServer) -> HTTPServer:
    httpserver.no_handler_status_code = 404
    httpserver.expect_request("/").respond_with_data("hi", content_type="text/plain")
    httpserver.expect_request("/create", method="POST").respond_with_data("", status=201)
    return httpserver


def test_errors_are_data(server: HTTPServer) -> None:
    report = scan(server.url_for("/"), registry(toy_ok, toy_raises, toy_boom), ScanSettings(deadline=10))
    validate(to_dict(report))
    assert report.result("discovery.toy-ok").status == Status.PASS
    raised = report.result("discovery.toy-raises")
    assert raised.status == Status.ERROR and "KeyError" in (raised.reason or "")
    boom = report.result("access.toy-needs-boom")
    assert boom.status == Status.ERROR and "probe exploded" in boom.summary
    assert report.score.coverage["error"] == 2


def test_active_only_check_is_skipped_without_active(server: HTTPServer) -> None:
    report = scan(server.url_for("/"), registry(toy_ok, toy_active), ScanSettings())
    res = report.result("signup.toy-active")
    assert res.status == Status.SKIPPED and "--active" in (res.reason or "")
    assert not any(req.method == "POST" for req, _ in server.log)
    report = scan(server.url_for("/"), registry(toy_ok, toy_active), ScanSettings(active=True))
    assert report.result("signup.toy-active").status == Status.PASS


def test_selection_and_disable(server: HTTPServer) -> None:
    reg = registry(toy_ok, toy_raises, toy_boom)
    report = scan(
        server.url_for("/"), reg, ScanSettings(only=["discovery"], disable={"discovery.toy-raises": "ours"})
    )
    assert report.result("discovery.toy-ok").status == Status.PASS
    assert report.result("discovery.toy-raises").reason == "disabled in config: ours"
    assert report.result("access.toy-needs-boom").status == Status.SKIPPED
    with pytest.raises(UsageError, match="unknown check id"):
        scan(server.url_for("/"), reg, ScanSettings(skip=["discovery.nope"]))


def test_deadline_turns_unfinished_probes_into_errors(server: HTTPServer) -> None:
    report = scan(server.url_for("/"), registry(toy_ok, toy_slow), ScanSettings(deadline=1))
    assert report.result("discovery.toy-ok").status == Status.PASS
    slow = report.result("access.toy-slow")
    assert slow.status == Status.ERROR and "deadline" in slow.summary
    assert any("deadline" in w for w in report.run_warnings)
    assert report.duration_ms < 5000


def test_unreachable_target_still_yields_a_full_report() -> None:
    report = scan("http://127.0.0.1:9/", registry(toy_ok, toy_raises), ScanSettings())
    doc = to_dict(report)
    validate(doc)
    assert report.runtime_error and "unreachable" in report.runtime_error
    assert {r.status for r in report.results} == {Status.ERROR}
    assert report.score.overall is None


@pytest.mark.parametrize("bad", ["example.com", "ftp://example.com/", "http://", "http://host:notaport/"])
def test_bad_urls_are_usage_errors(bad: str) -> None:
    with pytest.raises(UsageError):
        parse_target(bad)


# Judging while waiting: a check is judged as soon as the artifacts it requires are final, while other probes
# still wait on the network.
JUDGED: list[str] = []
GATE: dict[str, asyncio.Event] = {}


@pytest.fixture
def gate() -> None:
    JUDGED.clear()
    GATE.clear()


def _gate() -> asyncio.Event:
    return GATE.setdefault("fast judged", asyncio.Event())


@probe("test_fast")
async def _fast(ctx: ProbeContext) -> str:
    return "early"


@probe("test_gated")
async def _gated(ctx: ProbeContext) -> str:
    # Answers only once the check on test_fast has been judged: if judging waited for every probe, this
    # probe would wait until the scan deadline cancels it.
    await _gate().wait()
    return "late"


@check(
    id="discovery.toy-fast",
    title="t",
    failure_title="f",
    category="discovery",
    requires=("test_fast",),
    **COMMON,
)
def toy_fast(a: Artifacts) -> Outcome:
    JUDGED.append("fast")
    _gate().set()
    return passed(a["test_fast"])


@check(
    id="access.toy-gated", title="t", failure_title="f", category="access", requires=("test_gated",), **COMMON
)
def toy_gated(a: Artifacts) -> Outcome:
    JUDGED.append("gated")
    return passed(a["test_gated"])


def test_a_check_is_judged_while_a_slower_probe_still_waits(server: HTTPServer, gate: None) -> None:
    report = scan(server.url_for("/"), registry(toy_gated, toy_fast, toy_ok), ScanSettings(deadline=20))
    assert JUDGED == ["fast", "gated"]
    assert report.result("access.toy-gated").status == Status.PASS
    assert report.result("access.toy-gated").summary == "late"
    # The report keeps its order (category, then id), whatever order the checks were judged in.
    assert [r.id for r in report.results] == ["discovery.toy-fast", "discovery.toy-ok", "access.toy-gated"]
    assert not report.run_warnings


@probe("test_maker")
async def _maker(ctx: ProbeContext) -> str:
    async def revoke() -> str:
        return "made, then revoked"

    ctx.defer(revoke, after=("test_user",))
    return "made"


@probe("test_maker_at_end")
async def _maker_at_end(ctx: ProbeContext) -> str:
    async def revoke() -> str:
        return "made, revoked at the end"

    ctx.defer(revoke)
    return "made"


@probe("test_user")
async def _user(ctx: ProbeContext) -> str:
    await ctx.need("test_maker")
    await asyncio.sleep(0.05)  # still using what test_maker made after test_maker finished
    return "used"


@check(
    id="signup.toy-made",
    title="t",
    failure_title="f",
    category="signup",
    requires=("test_maker", "test_maker_at_end"),
    **COMMON,
)
def toy_made(a: Artifacts) -> Outcome:
    return passed(f"{a['test_maker']}; {a['test_maker_at_end']}")


@check(
    id="signup.toy-user", title="t", failure_title="f", category="signup", requires=("test_user",), **COMMON
)
def toy_user(a: Artifacts) -> Outcome:
    return passed(a["test_user"])


def test_a_check_waits_for_the_deferred_clean_ups_that_replace_its_artifacts(server: HTTPServer) -> None:
    # A clean-up that returns a value replaces its probe's artifact: the check must see that copy, whether
    # the clean-up runs beside the probes (after the ones it names) or at the engine's final step.
    report = scan(server.url_for("/"), registry(toy_made, toy_user), ScanSettings(deadline=20))
    assert report.result("signup.toy-made").summary == "made, then revoked; made, revoked at the end"
    assert report.result("signup.toy-user").summary == "used"
