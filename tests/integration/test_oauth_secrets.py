"""No secret obtained in active mode appears in any output: JSON, HTML, stdout or stderr of the CLI.

The reference app records every credential-like value it hands out (by wrapping its request handler), so
the assertion covers secrets that were revoked or deleted before the scan ended, and secrets issued by
other families' routes (auth.md identities, temporary resources) as well as ours.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import agent_ready.reference as reference_pkg
from agent_ready.cli import app as cli_app
from agent_ready.reference import ReferenceServer, build_app
from agent_ready.reference.app import ReferenceApp, Reply, Request
from agent_ready.reports.html_report import render_html
from agent_ready.reports.json_report import dumps

SECRET_KEY = re.compile(r"(secret|token|key|assertion|credential|password|code)$", re.I)
# user_code is collected too: with the device_code it is what lets someone else complete the device flow.
NOT_SECRET = {"token_type", "key_id", "token_endpoint", "registration_endpoint"}


def _collect(value: Any, out: set[str], key: str = "") -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _collect(v, out, str(k))
    elif isinstance(value, list):
        for v in value:
            _collect(v, out, key)
    elif (
        isinstance(value, str)
        and len(value) >= 8
        and SECRET_KEY.search(key)
        and key not in NOT_SECRET
        and not value.startswith(("http://", "https://", "urn:"))
    ):
        out.add(value)


def record_secrets(app: ReferenceApp) -> set[str]:
    issued: set[str] = set()
    original = app.handle

    def handle(req: Request) -> Reply:
        reply = original(req)
        with contextlib.suppress(ValueError):
            _collect(json.loads(reply.body or b"null"), issued)
        return reply

    app.handle = handle  # type: ignore[method-assign]
    return issued


def state_tokens(app: ReferenceApp) -> set[str]:
    """Access tokens, and the device and user codes of the device authorizations the scan started."""
    devices = app.state.get("device_codes", {})
    return set(app.state.get("tokens", {})) | set(devices) | {d["user_code"] for d in devices.values()}


def device_codes(app: ReferenceApp) -> set[str]:
    devices = app.state.get("device_codes", {})
    assert devices, "the scan started no device authorization: the device codes went untested"
    return set(devices) | {d["user_code"] for d in devices.values()}


def assert_clean(issued: set[str], outputs: dict[str, str]) -> None:
    assert issued, "the scan obtained no secret: the test would prove nothing"
    for name, text in outputs.items():
        leaked = [s for s in issued if s in text]
        assert not leaked, f"{len(leaked)} secret(s) in {name}: {[s[:6] + '…' for s in leaked]}"


@pytest.fixture
def recorded() -> Iterator[tuple[ReferenceServer, set[str]]]:
    app = build_app("good")
    issued = record_secrets(app)
    with ReferenceServer(app) as server:
        yield server, issued


def test_scan_active_outputs_carry_no_secret(
    recorded: tuple[ReferenceServer, set[str]], tmp_path: Path
) -> None:
    server, issued = recorded
    runner = CliRunner()
    html_path = tmp_path / "report.html"
    res_json = runner.invoke(
        cli_app, ["scan", server.url + "/", "--active", "--no-plugins", "--format", "json"]
    )
    res_html = runner.invoke(
        cli_app,
        ["scan", server.url + "/", "--active", "--no-plugins", "--format", "html", "-o", str(html_path)],
    )
    assert res_json.exit_code == 0, res_json.stderr
    assert res_html.exit_code == 0, res_html.stderr
    report = json.loads(res_json.stdout)
    issued |= state_tokens(server.app)
    # The secrets our probes obtained are among them (client secrets, access tokens, registration tokens,
    # keys).
    kinds = {s.split("_", 1)[0] for s in issued}
    assert {"cs", "rt", "rat", "dc"} <= kinds
    assert device_codes(server.app) <= issued
    journey = [s for s in report["journey"] if s["title"] == "Call the protected endpoint with the token"]
    assert journey and journey[0]["status"] == "ok"
    assert_clean(
        issued,
        {
            "json stdout": res_json.stdout,
            "json stderr": res_json.stderr,
            "html file": html_path.read_text(),
            "html stderr": res_html.stderr,
        },
    )


def test_render_functions_carry_no_secret(
    recorded: tuple[ReferenceServer, set[str]], run_scan: Callable[..., Any]
) -> None:
    server, issued = recorded
    report = run_scan(server.url + "/", active=True)
    issued |= state_tokens(server.app)
    # The redactor saw what our probes obtained; the report keeps the values only to scrub renderings.
    assert report.secrets and device_codes(server.app) <= set(report.secrets)
    assert_clean(issued, {"json": dumps(report), "html": render_html(report)})


def test_demo_active_outputs_carry_no_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[tuple[ReferenceServer, set[str]]] = []

    def serve(variant: str = "good", flaws: Any = (), port: int = 0, clock: Any = None) -> ReferenceServer:
        app = build_app(variant, flaws)
        issued = record_secrets(app)
        server = ReferenceServer(app, port=port).start()
        started.append((server, issued))
        return server

    monkeypatch.setattr(reference_pkg, "serve", serve)
    out = tmp_path / "demo.html"
    res = CliRunner().invoke(cli_app, ["demo", "--active", "-o", str(out)])
    assert res.exit_code == 0, res.stderr
    ((_server, issued),) = started
    assert_clean(issued, {"demo html": out.read_text(), "demo stdout": res.stdout, "demo stderr": res.stderr})
