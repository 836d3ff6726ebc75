"""The ACTIVE probes send what does not depend on each other together (issue 12), without losing a bound.

These tests observe the structure on the server side (how many requests were in flight together, what was
sent before what), never wall time: a slow machine must not make them fail or pass.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from agent_ready.engine import ScanReport
from agent_ready.fetch import FetchLimits
from agent_ready.probes.errors import BURST_MAX_REQUESTS, BURST_WAVE
from agent_ready.reference import ReferenceServer
from agent_ready.reference.app import ReferenceApp, Reply, Request, json_reply


@dataclass
class InFlight:
    """Middleware: holds each request matching ``marker`` a little, and records how many overlapped."""

    marker: str | Callable[[Request], bool]
    throttle_after: int | None = None  # answer 429 from this many matching requests on
    answer: Reply | None = None  # answer this instead of passing the request on
    hold_s: float = 0.2
    seen: int = 0
    current: int = 0
    peak: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, app: ReferenceApp, req: Request, call_next: Callable[[Request], Reply]) -> Reply:
        if not self.matches(req):
            return call_next(req)
        with self._lock:
            self.seen += 1
            number = self.seen
            self.current += 1
            self.peak = max(self.peak, self.current)
        try:
            time.sleep(self.hold_s)  # long enough for the rest of a wave to arrive
            if self.throttle_after is not None and number > self.throttle_after:
                return app.problem(429, "Too Many Requests", "slow down", headers=[("Retry-After", "7")])
            return self.answer if self.answer is not None else call_next(req)
        finally:
            with self._lock:
                self.current -= 1

    def matches(self, req: Request) -> bool:
        if callable(self.marker):
            return self.marker(req)
        return self.marker in req.path + "?" + "&".join(req.query)


def _burst(report: ScanReport) -> list[str]:
    return [e.url for e in report.exchanges if e.probe == "errors_burst"]


def test_the_burst_goes_out_in_concurrent_waves_and_stops_after_the_wave_that_met_a_429(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport]
) -> None:
    server = reference_factory()
    # Answered before the reference's own limiter sees them: 200, then 429 from the 13th request on.
    meter = InFlight("agent-ready-burst", throttle_after=12, answer=json_reply({"items": []}))
    server.app.middleware.insert(0, meter)
    report = run_scan(server.url + "/", only=["errors.rate-limit"], active=True)
    sent = _burst(report)
    # A wave is what the origin takes at once: here HTTP/1.1's per-origin bound.
    wave = min(BURST_WAVE, FetchLimits().per_origin_concurrency)
    # Concurrent within a wave: the requests overlapped, never more than a wave.
    assert 1 < meter.peak <= wave
    # Bounded: the wave that met the first 429 (the 13th request) is the last one.
    assert len(sent) == meter.seen == math.ceil(13 / wave) * wave
    result = report.result("errors.rate-limit")
    assert "retry-after" in [f.code for f in result.findings]


def test_a_burst_that_meets_no_429_stops_at_its_bound(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport]
) -> None:
    server = reference_factory()
    # Answered before the reference's own limiter can see them: no 429 ever.
    meter = InFlight("agent-ready-burst", hold_s=0.01, answer=json_reply({"items": []}))
    server.app.middleware.insert(0, meter)
    report = run_scan(server.url + "/", only=["errors.rate-limit"], active=True)
    assert len(_burst(report)) == meter.seen == BURST_MAX_REQUESTS
    assert "no-429" in [f.code for f in report.result("errors.rate-limit").findings]


def _meter(server: ReferenceServer, matches: Callable[[Request], bool]) -> InFlight:
    meter = InFlight(matches, hold_s=0.3)
    server.app.middleware.insert(0, meter)
    return meter


def test_independent_requests_of_each_active_flow_go_out_together(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport]
) -> None:
    server = reference_factory()
    oauth_flow_clients = ("agent-readiness-audit", "agent-readiness-audit (headless)")  # not the device one
    # oauth_flow: the MCP public client's registration and the headless client's.
    clients = _meter(
        server,
        lambda r: r.path == "/oauth/register" and (r.json() or {}).get("client_name") in oauth_flow_clients,
    )
    # auth.md: the registration and the malformed one.
    registrations = _meter(server, lambda r: r.method == "POST" and r.path == "/agent/identity")
    # temporary: two creations, then the use, claim and isolation reads.
    creations = _meter(server, lambda r: r.method == "POST" and r.path == "/api/v1/temporary/projects")
    reads = _meter(
        server,
        lambda r: r.method == "GET" and r.path.startswith(("/api/v1/temporary/projects/", "/claim/")),
    )
    report = run_scan(
        server.url + "/",
        only=["signup.client-registration", "auth-md.registration", "temporary.lifecycle"],
        active=True,
    )
    ran = {r.id: r.status.value for r in report.results if r.status.value != "skipped"}
    assert ran == dict.fromkeys(ran, "pass") and len(ran) == 3, ran
    for meter in (clients, registrations, creations):
        assert meter.peak == meter.seen == 2
    assert reads.peak == reads.seen == 3
    # And nothing created is left behind.
    assert all(e["status"] in ("removed", "not-removable") for e in report.created), report.created
