"""Reports are inert: a target that puts script, markup and URLs in everything it sends gets them shown as
text. Opened in headless Chromium, the HTML report runs none of it and sends no request (a listener on
127.0.0.1 is the payloads' only destination, and it must see nothing). The Content-Security-Policy is the
second line: even a payload injected unescaped into the page, as an escaping bug would, stays inert.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from agent_ready.cliaudit import CliSettings, audit
from agent_ready.engine import ScanReport
from agent_ready.registry import Registry
from agent_ready.reports.html_report import content_security_policy, render_dict, render_html
from agent_ready.reports.json_report import to_dict
from tests.browser.test_html_chromium import CHROMIUM, chromium, console_messages, write_report
from tests.integration.rawserver import RawServer, http_response

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"headless Chromium not installed at {CHROMIUM}"),
]

MARK = "document.documentElement.setAttribute('pwned','{}')"


def payloads(port: int) -> list[str]:
    """What a hostile target writes into every field it controls: each one either runs script (it would
    set the `pwned` attribute on <html>) or makes the page send a request to the listener."""
    leak = f"http://127.0.0.1:{port}"
    return [
        f"<script>{MARK.format('script')}</script>",
        f'<img src="{leak}/img" onerror="{MARK.format("onerror")}">',
        f'"><svg onload="{MARK.format("svg")}"><image href="{leak}/svg-image"/></svg>',
        f"'><iframe src={leak}/frame></iframe>",
        f"<link rel=stylesheet href={leak}/css>",
        f"<style>@import url({leak}/import); body{{background:url({leak}/bg)}}</style>",
        f'<meta http-equiv="refresh" content="0;url={leak}/refresh">',
        f'<base href="{leak}/base/">',
        f"</textarea></title></code></pre><script src={leak}/js></script>",
        f"![x]({leak}/md.png) [click](javascript:{MARK.format('md-link')}) <{leak}/autolink>",
        f"<object data={leak}/obj></object><embed src={leak}/embed><video poster={leak}/poster></video>",
        f"<form action={leak}/form><button formaction={leak}/fa>x</button></form>",
        "{{ 7*7 }} {% raw %} ${7*7}",
    ]


@pytest.fixture
def listener() -> Iterator[RawServer]:
    with RawServer(lambda path: http_response(200, b"leaked", content_type="text/plain")) as server:
        yield server


def open_in_chromium(tmp_path: Path, name: str, html: str) -> tuple[str, list[str]]:
    page = write_report(tmp_path, name, html)
    run = chromium(tmp_path, "--virtual-time-budget=3000", "--dump-dom", page.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout, console_messages(run.stderr, page)


def assert_inert(dom: str, listener: RawServer) -> None:
    html_tag = re.search(r"<html[^>]*>", dom)
    assert html_tag is not None and "pwned" not in html_tag.group(0), html_tag
    assert listener.requests == 0, listener.paths


def _hostile_target(server: HTTPServer, marks: list[str]) -> None:
    text = " ".join(marks)

    def answer(r: Request) -> Response:
        headers = {
            "X-Payload": text,
            "Link": f'<{marks[1][:40]}>; rel="service-desc {text[:80]}"; title="{text[:120]}"',
            "WWW-Authenticate": f'Bearer realm="{text[:200]}", error="invalid_token", error_description="x"',
            "Server": text[:100],
        }
        if r.path.endswith(".json") or "well-known" in r.path:
            body = json.dumps({"issuer": text, "detail": text, "title": text})
            return Response(body, 401, headers=headers, content_type="application/problem+json")
        if r.path.endswith(".txt") or r.path.endswith(".md"):
            return Response(
                f"# {text}\n\n- [{text}](/x): {text}\n", 200, headers=headers, content_type="text/markdown"
            )
        return Response(
            f"<html><head><title>{text}</title></head><body>{text}</body></html>",
            401,
            headers=headers,
            content_type="text/html",
        )

    server.expect_request(re.compile(".*")).respond_with_handler(answer)


def test_a_hostile_target_renders_as_text(
    httpserver: HTTPServer, run_scan: Callable[..., ScanReport], listener: RawServer, tmp_path: Path
) -> None:
    marks = payloads(listener.port)
    _hostile_target(httpserver, marks)
    report = run_scan(httpserver.url_for("/"), active=True, deadline=30)
    html = render_html(report)
    assert f"<script>{MARK.format('script')}</script>" not in html
    dom, console = open_in_chromium(tmp_path, "hostile-target", html)
    assert_inert(dom, listener)
    assert "&lt;script&gt;document.documentElement.setAttribute" in dom  # shown, as text
    assert not [m for m in console if "Content Security Policy" in m], console  # its own code is allowed


_STRUCTURAL = {
    "id",
    "status",
    "category",
    "kind",
    "grade",
    "schema_version",
    "level",
    "severity",
    "verdict",
    "started_at",
    "finished_at",
    "band",
    "capability",
    "step",
    "state",
}


def _poison(value: Any, payload: str, key: str = "") -> Any:
    """Every string of the report that is not one of its own enumerations, with the payloads appended."""
    if isinstance(value, dict):
        return {k: _poison(v, payload, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison(v, payload, key) for v in value]
    if isinstance(value, str) and key not in _STRUCTURAL:
        return value + " " + payload
    return value


def test_payloads_in_every_string_field_render_as_text(
    reference: Any, run_scan: Callable[..., ScanReport], listener: RawServer, tmp_path: Path
) -> None:
    doc = _poison(to_dict(run_scan(reference.url)), " ".join(payloads(listener.port)))
    html = render_dict(doc)
    dom, _ = open_in_chromium(tmp_path, "poisoned", html)
    assert_inert(dom, listener)
    assert dom.count("&lt;script&gt;document.documentElement") > 50


def test_a_hostile_command_output_renders_as_text(
    registry: Registry, listener: RawServer, tmp_path: Path
) -> None:
    text = " ".join(payloads(listener.port))
    script = f"import sys; print({text!r}); print({text!r}, file=sys.stderr); sys.exit(1)"
    report = audit([sys.executable, "-c", script], CliSettings(timeout=10), None, registry)
    dom, _ = open_in_chromium(tmp_path, "hostile-cli", render_html(report))
    assert_inert(dom, listener)


def test_the_csp_contains_an_escaping_bug(
    reference: Any, run_scan: Callable[..., ScanReport], listener: RawServer, tmp_path: Path
) -> None:
    """The second line of defence: payloads pasted into the page unescaped still neither run nor fetch."""
    html = render_html(run_scan(reference.url))
    # CSP governs what a page loads and runs, not where it navigates: an unescaped <meta http-equiv=refresh>
    # would still redirect. Only escaping stops that one (the tests above), so it is left out here.
    raw = " ".join(p for p in payloads(listener.port) if "http-equiv" not in p)
    injected = html.replace("</main>", raw + "</main>", 1)
    assert raw in injected
    dom, _ = open_in_chromium(tmp_path, "injected", injected)
    assert_inert(dom, listener)


def test_the_inertness_check_can_fail(listener: RawServer, tmp_path: Path) -> None:
    """Without the CSP, the same injected payloads do run and fetch: the assertions above can fail."""
    raw = " ".join(payloads(listener.port))
    page = f'<!doctype html><html><head><meta charset="utf-8"></head><body>{raw}</body></html>'
    dom, _ = open_in_chromium(tmp_path, "no-csp", page)
    html_tag = re.search(r"<html[^>]*>", dom)
    assert (html_tag is not None and "pwned" in html_tag.group(0)) or listener.requests > 0


def test_csp_allows_only_the_pages_own_inline_code() -> None:
    html = "<style>a{}</style><script>x()</script><p>&lt;script&gt;</p>"
    csp = content_security_policy(html)
    assert "default-src 'none'" in csp and "base-uri 'none'" in csp and "form-action 'none'" in csp
    assert csp.count("'sha256-") == 2 and "unsafe-inline" not in csp and "http" not in csp
