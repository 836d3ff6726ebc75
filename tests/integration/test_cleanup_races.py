"""Ctrl-C at a chosen point of an --active scan still leaves nothing on the reference service.

Each case holds one request at the reference service until the test has interrupted the scan: a create
whose thing the service has already made but whose answer has not reached the scan yet (the answer is
held, not the work), or the first call made with a credential the scan just obtained (the probe is then
cancelled between obtaining it and anything after). The interruption is what ``asyncio.run`` does on
SIGINT: it cancels the scan's task. The final clean-up step must know of everything the service made.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable

import pytest

from agent_ready.engine import ScanReport, ScanSettings, run_scan
from agent_ready.reference import ReferenceServer, build_app
from agent_ready.reference.app import ReferenceApp, Reply, Request
from agent_ready.registry import Registry

Match = Callable[[Request], bool]


def _post(path: str, form_field: bytes = b"") -> Match:
    return lambda req: req.method == "POST" and req.path == path and form_field in req.body


class FirstUse:
    """Matches the first request sent with an access token the jwt-bearer exchange (auth.md) issued."""

    def __init__(self) -> None:
        self.issued: set[str] = set()

    def saw(self, req: Request, reply: Reply) -> None:
        if req.path == "/oauth/token" and b"jwt-bearer" in req.body and reply.status == 200:
            self.issued.add(str(json.loads(reply.body)["access_token"]))

    def __call__(self, req: Request) -> bool:
        bearer = req.header("authorization").removeprefix("Bearer ")
        return req.path != "/oauth/revoke" and bearer in self.issued


# case -> (the request held, the ledger entry (kind, label prefix) the scan must have recorded and removed)
CASES: dict[str, tuple[Callable[[], Match], tuple[str, str]]] = {
    "client registration answered late": (lambda: _post("/oauth/register"), ("oauth-client", "")),
    "client-credentials token answered late": (
        lambda: _post("/oauth/token", b"client_credentials"),
        ("token", "client-credentials access token"),
    ),
    "jwt-bearer token answered late": (
        lambda: _post("/oauth/token", b"jwt-bearer"),
        ("token", "auth.md registration's access token"),
    ),
    "api key answered late": (lambda: _post("/api/v1/keys"), ("api-key", "")),
    "temporary resource answered late": (
        lambda: _post("/api/v1/temporary/projects"),
        ("temporary-resource", ""),
    ),
    "interrupted while first using the auth.md token": (
        FirstUse,
        ("token", "auth.md registration's access token"),
    ),
}


class HoldAnswer:
    """Middleware: the first request ``match`` accepts that succeeds is served, then its answer waits for
    ``release``."""

    def __init__(self, match: Match) -> None:
        self.match = match
        self.held = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, app: ReferenceApp, req: Request, call_next: Callable[[Request], Reply]) -> Reply:
        reply = call_next(req)
        if isinstance(self.match, FirstUse):
            self.match.saw(req, reply)
        with self._lock:
            # A create is held only once the service made something (a probe's deliberate bad request
            # to the same endpoint makes nothing).
            first = not self.held.is_set() and self.match(req) and reply.status < 300
            if first:
                self.held.set()
        if first:
            self.release.wait(20)
        return reply


@pytest.mark.parametrize("case", list(CASES))
def test_ctrl_c_while_a_create_is_unanswered_leaves_nothing(case: str, registry: Registry) -> None:
    app = build_app("good")
    make_match, (kind, label) = CASES[case]
    hold = HoldAnswer(make_match())
    app.middleware.insert(0, hold)

    async def interrupted_scan(url: str) -> ScanReport:
        task = asyncio.ensure_future(run_scan(url, registry, ScanSettings(active=True, deadline=60)))
        held = await asyncio.to_thread(hold.held.wait, 30)
        assert held, f"the scan never sent the request the case holds ({case})"
        task.cancel()  # what asyncio.run does on Ctrl-C
        threading.Timer(0.3, hold.release.set).start()
        return await task

    with ReferenceServer(app) as server:
        try:
            report = asyncio.run(interrupted_scan(server.url))
        finally:
            hold.release.set()
        live = server.app.live_resources()
    assert isinstance(report, ScanReport) and report.interrupted
    assert not any(live.values()), (live, report.created)
    made = [c for c in report.created if c["kind"] == kind and str(c["label"]).startswith(label)]
    assert made and all(c["status"] == "removed" for c in made), report.created
