"""Whole scans of the bundled reference service: the demo's promises, and the request log's discipline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from agent_ready.cli.scan import _summary
from agent_ready.engine import ScanReport
from agent_ready.models import Status
from agent_ready.reference import ReferenceServer
from agent_ready.reports.html_report import render_html
from agent_ready.reports.json_report import to_dict


def _request_keys(server: ReferenceServer) -> list[tuple[str, str, str, str]]:
    # A different Accept or credential asks for a different representation; the same one twice is waste.
    return [
        (method, path, headers.get("accept", ""), headers.get("authorization", ""))
        for method, path, headers in server.log
        if method in ("GET", "HEAD")
    ]


@pytest.mark.parametrize("active", [False, True])
def test_scan_of_reference_fetches_each_resource_once(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport], active: bool
) -> None:
    server = reference_factory()
    report = run_scan(server.url + "/", active=active)
    dupes = {k: n for k, n in Counter(_request_keys(server)).items() if n > 1}
    assert not dupes, f"fetched more than once: {dupes}"
    # Every request the service saw is in the report's log, and nothing else is.
    assert len(report.exchanges) == len(server.log)


def test_a_link_check_reuses_an_answer_another_probe_has_whatever_its_accept(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport]
) -> None:
    # llms.txt links to the api-catalog, which its probe fetched as linkset+json: the link check only asks
    # whether the URL answers, so it does not fetch it again with another Accept (issue 12).
    server = reference_factory()
    run_scan(server.url + "/")
    catalog = [
        h.get("accept") for m, path, h in server.log if path.split("?")[0] == "/.well-known/api-catalog"
    ]
    assert catalog == ["application/linkset+json"]


def test_good_reference_passes_every_passive_check(
    reference: ReferenceServer, run_scan: Callable[..., ScanReport]
) -> None:
    report = run_scan(reference.url + "/")
    bad = {
        r.id: (r.status.value, r.summary)
        for r in report.results
        if r.status not in (Status.PASS, Status.NOT_APPLICABLE, Status.SKIPPED)
    }
    assert not bad
    skipped = [r for r in report.results if r.status == Status.SKIPPED]
    assert skipped and all(r.active and "--active" in (r.reason or "") for r in skipped)
    assert report.score.grade == "A"
    # issue 9: a passive scan does not claim the steps it skipped, in the JSON, the grade line or the HTML
    assert not report.score.verified and set(report.score.unverified) == {"sign-up", "token"}
    doc = to_dict(report)
    assert doc["score"]["verified"] is False
    assert {u["id"] for u in doc["score"]["unverified"]} == {"sign-up", "token"}
    assert "unaided" not in doc["score"]["grade_meaning"]
    line = _summary(report).splitlines()[0]
    assert "grade A" in line and "sign-up and token issuance are unverified" in line and "--active" in line
    assert "Not exercised by this scan" in render_html(report)


def test_good_reference_with_active_passes_everything(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport]
) -> None:
    server = reference_factory()
    report = run_scan(server.url + "/", active=True)
    bad = {
        r.id: (r.status.value, r.summary)
        for r in report.results
        if r.status not in (Status.PASS, Status.NOT_APPLICABLE)
    }
    assert not bad
    assert report.score.overall == 100
    assert report.score.verified and to_dict(report)["score"]["verified"] is True
    assert "unaided" in _summary(report).splitlines()[0]


def test_bare_reference_is_not_agent_ready(
    bare: ReferenceServer, run_scan: Callable[..., ScanReport]
) -> None:
    report = run_scan(bare.url + "/")
    assert report.score.overall is not None and report.score.overall < 20
    assert report.score.grade == "F"
    passes = [r.id for r in report.results if r.status == Status.PASS]
    assert not passes, passes
