"""Active-mode clean-up always runs: an --active scan cut off at its deadline, or by Ctrl-C, still removes
everything it created on the reference service, and its report lists each thing and its fate.

To cut the scan between "created" and "removed", the reference service holds the first removal request for
each thing (DELETE, token revocation) until the test releases it, then answers 503 without removing
anything: the probe's own clean-up never succeeds, so only the scan's final clean-up step can remove it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from agent_ready.engine import ScanReport
from agent_ready.reference import ReferenceServer, build_app
from agent_ready.reference.app import ReferenceApp, Reply, Request
from agent_ready.reports.html_report import render_html

REMOVABLE = ("oauth-client", "api-key", "temporary-resource", "token")


class HoldRemovals:
    """Middleware: the first removal request per path waits for :attr:`release`, then fails with 503."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.held = 0
        self._seen: set[tuple[str, str, bytes]] = set()
        self._lock = threading.Lock()

    def __call__(self, app: ReferenceApp, req: Request, call_next: Callable[[Request], Reply]) -> Reply:
        if req.method == "DELETE" or req.path.endswith("/revoke"):
            key = (req.method, req.path, req.body)
            with self._lock:
                first = key not in self._seen
                self._seen.add(key)
                if first:
                    self.held += 1
            if first:
                self.release.wait(60)
                return Reply(503, b"busy", [("Content-Type", "text/plain")])
        return call_next(req)


@pytest.fixture
def held() -> Iterator[tuple[ReferenceServer, HoldRemovals]]:
    app = build_app("good")
    hold = HoldRemovals()
    app.middleware.insert(0, hold)
    with ReferenceServer(app) as server:
        yield server, hold
        hold.release.set()


def _assert_all_removed(app: ReferenceApp, created: list[dict[str, object]]) -> None:
    assert app.live_resources() == {k: [] for k in REMOVABLE}, app.live_resources()
    removable = [c for c in created if c["kind"] in REMOVABLE]
    assert len({c["kind"] for c in removable}) == len(REMOVABLE), created  # the scan did create each kind
    assert all(c["status"] == "removed" for c in removable), removable
    assert any(c["removed_by"] == "final clean-up" for c in removable), removable


def test_without_the_final_step_the_holds_leave_resources_behind(
    held: tuple[ReferenceServer, HoldRemovals], run_scan: Callable[..., ScanReport]
) -> None:
    """The hold works: with no budget for the final clean-up, what the probes created stays."""
    server, hold = held
    threading.Timer(4.0, hold.release.set).start()
    report = run_scan(server.url, active=True, deadline=3, cleanup_budget=0)
    assert hold.held > 0
    assert any(server.app.live_resources().values())
    assert any(c["status"] in ("failed", "not-attempted", "pending") for c in report.created)


def test_cleanup_runs_after_the_deadline(
    held: tuple[ReferenceServer, HoldRemovals], run_scan: Callable[..., ScanReport]
) -> None:
    server, hold = held
    threading.Timer(4.0, hold.release.set).start()
    t0 = time.monotonic()
    report = run_scan(server.url, active=True, deadline=3)
    assert hold.held > 0  # the probes' own removals were held past the deadline
    assert any("scan deadline reached" in w for w in report.run_warnings), report.run_warnings
    assert time.monotonic() - t0 < 3 + 15 + 5  # deadline + clean-up budget + slack
    _assert_all_removed(server.app, report.created)
    html = render_html(report)
    assert 'id="created"' in html and "by the final clean-up" in html


def test_cleanup_runs_after_ctrl_c(held: tuple[ReferenceServer, HoldRemovals], tmp_path: Path) -> None:
    server, hold = held
    out = tmp_path / "report.json"
    env = {**os.environ, "AGENT_READY_NO_PLUGINS": "1"}
    cmd = [sys.executable, "-m", "agent_ready", "scan", server.url, "--active", "-q", "-o", str(out)]
    # A job started in the background by a non-interactive shell (as CI may start this suite) inherits
    # SIGINT ignored, and Python then installs no KeyboardInterrupt handler: give the scan the default
    # disposition a user's terminal would.
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        end = time.monotonic() + 60
        while time.monotonic() < end and not (hold.held and any(server.app.live_resources().values())):
            time.sleep(0.05)
        assert hold.held, "the scan never reached a removal"
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        threading.Timer(0.5, hold.release.set).start()
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    doc = json.loads(out.read_text())
    assert any(w.startswith("interrupted (Ctrl-C)") for w in doc["run_warnings"])
    _assert_all_removed(server.app, doc["created"])
