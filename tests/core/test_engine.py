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
