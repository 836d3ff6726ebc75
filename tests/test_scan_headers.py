"""``--header`` goes to the target's own origin only and never shows in any output; TLS options."""

from __future__ import annotations

import json
import re
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Request, Response

from agent_ready.cli import app
from agent_ready.config import ConfigError, parse
from agent_ready.reports import FORMATS

API_KEY = "s3cr3t-staging-key-0123"
TOKEN = "tok_9f8e7d6c5b4a"


@pytest.fixture
def third_party() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request(re.compile(".*")).respond_with_data("elsewhere", content_type="text/plain")
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def serve_target(target: HTTPServer, other: str) -> None:
    """A target that points an agent at a second origin every way it can, and echoes the key it got."""

    def handler(request: Request) -> Response:
        echoed = request.headers.get("X-Api-Key", "")
        if request.path == "/llms.txt":
            return Response(status=302, headers={"Location": f"{other}/llms.txt"})
        if request.path == "/robots.txt":
            body = f"User-agent: *\nAllow: /\nSitemap: {other}/sitemap.xml\n"
            return Response(body, content_type="text/plain")
        if request.path == "/.well-known/api-catalog":
            doc = {
                "linkset": [{"anchor": other + "/api", "service-desc": [{"href": other + "/openapi.json"}]}]
            }
            return Response(json.dumps(doc), content_type="application/linkset+json")
        if request.path.startswith("/api"):
            problem = {"type": "about:blank", "title": "Unauthorized", "detail": f"key {echoed} is not valid"}
            return Response(json.dumps(problem), status=401, content_type="application/problem+json")
        html = (
            f"<html><head><link rel='service-desc' href='{other}/openapi.json'></head>"
            f"<body>Welcome back, key {echoed} and {request.headers.get('Authorization', '')}</body></html>"
        )
        return Response(
            html,
            content_type="text/html",
            headers={
                "Link": f'<{other}/openapi.json>; rel="service-desc", <{other}/docs>; rel="service-doc"'
            },
        )

    target.expect_request(re.compile(".*")).respond_with_handler(handler)


def test_header_only_to_target_origin_and_never_in_output(
    httpserver: HTTPServer, third_party: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    other = third_party.url_for("/").rstrip("/")
    serve_target(httpserver, other)
    paths = [tmp_path / f"r{i}{r.extensions[0]}" for i, r in enumerate(FORMATS.values())]
    args = ["scan", httpserver.url_for("/"), "--no-plugins", "--allow-private", "-o", "-", "-f", "json"]
    args += ["--header", f"X-Api-Key: {API_KEY}", "-H", f"Authorization: Bearer {TOKEN}"]
    for path in paths:
        args += ["-o", str(path)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.stderr

    sent = [req for req, _ in httpserver.log]
    assert sent and all(req.headers.get("X-Api-Key") == API_KEY for req in sent if req.path == "/")
    assert any(req.headers.get("Authorization") == f"Bearer {TOKEN}" for req in sent)
    elsewhere = [req for req, _ in third_party.log]
    assert elsewhere, "the target points at the second origin; the scan should have followed"
    for req in elsewhere:
        assert "X-Api-Key" not in req.headers, req.path
        assert TOKEN not in req.headers.get("Authorization", ""), req.path

    outputs = {"stdout": res.stdout, "stderr": res.stderr, "step summary": summary.read_text()}
    outputs |= {p.name: p.read_text() for p in paths}
    assert len(outputs) == len(FORMATS) + 3
    for name, text in outputs.items():
        assert API_KEY not in text, name
        assert TOKEN not in text, name
    doc = json.loads(res.stdout)
    assert doc["settings"]["headers"] == ["Authorization", "X-Api-Key"]  # names, never values
    assert "[redacted]" in json.dumps(doc["exchanges"])  # the echo was there and was scrubbed


def test_header_usage_errors_do_not_echo_the_value() -> None:
    for bad in ("X-Api-Key", "X Api Key: s3cr3t-value", ": s3cr3t-value", "X-Api-Key:"):
        res = CliRunner().invoke(app, ["scan", "http://127.0.0.1:9/", "--header", bad])
        assert res.exit_code == 2, bad
        assert "s3cr3t-value" not in res.stderr and "scanning" not in res.stderr


def test_config_headers_come_from_the_environment(
    httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request(re.compile(".*")).respond_with_data("ok", content_type="text/plain")
    cfg = tmp_path / "agent-ready.toml"
    cfg.write_text('[headers]\nX-Api-Key = "STAGING_API_KEY"\n')
    args = [
        "scan",
        httpserver.url_for("/"),
        "--no-plugins",
        "-q",
        "--config",
        str(cfg),
        "--only",
        "discovery",
    ]
    monkeypatch.delenv("STAGING_API_KEY", raising=False)
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2 and "STAGING_API_KEY, which is not set" in res.stderr
    monkeypatch.setenv("STAGING_API_KEY", API_KEY)
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.stderr
    assert API_KEY not in res.stdout
    assert any(req.headers.get("X-Api-Key") == API_KEY for req, _ in httpserver.log)


def test_config_refuses_a_pasted_secret() -> None:
    with pytest.raises(ConfigError, match="must name an environment variable") as info:
        parse({"headers": {"Authorization": "Bearer abc.def"}}, "agent-ready.toml")
    assert "abc.def" not in str(info.value)
    cfg = parse(
        {"headers": {"X-Key": "KEY_VAR"}, "insecure": True, "ca_bundle": "ca.pem"}, "/etc/x/agent-ready.toml"
    )
    assert cfg.header_env == {"X-Key": "KEY_VAR"} and cfg.insecure is True
    assert cfg.ca_bundle == "/etc/x/ca.pem"  # relative to the config file


def test_insecure_is_named_and_bad_ca_bundle_refused(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(re.compile(".*")).respond_with_data("ok", content_type="text/plain")
    url = httpserver.url_for("/")
    md = tmp_path / "r.md"
    args = ["scan", url, "--no-plugins", "-q", "--insecure", "--only", "discovery", "-o", "-", "-o", str(md)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["settings"]["insecure"] is True
    assert any("--insecure" in w for w in doc["run_warnings"])
    assert "TLS certificates were not verified" in md.read_text()
    junk = tmp_path / "ca.pem"
    junk.write_text("not a certificate")
    for bundle in (junk, tmp_path / "missing.pem"):
        res = CliRunner().invoke(app, ["scan", url, "--no-plugins", "-q", "--ca-bundle", str(bundle)])
        assert res.exit_code == 2 and "--ca-bundle" in res.stderr, res.stderr


def test_private_ca_over_https(tmp_path: Path) -> None:
    """A staging service whose certificate a private CA signed: refused by default, trusted with
    --ca-bundle, and reached unverified with --insecure (which the report names)."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    bundle = tmp_path / "staging-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.expect_request(re.compile(".*")).respond_with_data("ok", content_type="text/plain")
    server.start()
    try:
        url = server.url_for("/")
        assert url.startswith("https://")
        base = ["scan", url, "--no-plugins", "-q", "--only", "discovery"]
        res = CliRunner().invoke(app, base)
        assert res.exit_code == 3, res.stderr  # an unknown CA: the target cannot be reached
        assert "certificate" in res.stderr.lower() or "ssl" in res.stderr.lower(), res.stderr
        res = CliRunner().invoke(app, [*base, "--ca-bundle", str(bundle)])
        assert res.exit_code == 0, res.stderr
        assert json.loads(res.stdout)["settings"]["ca_bundle"] == str(bundle)
        res = CliRunner().invoke(app, [*base, "--insecure"])
        assert res.exit_code == 0, res.stderr
        assert json.loads(res.stdout)["settings"]["insecure"] is True
    finally:
        server.clear()
        server.stop()


def test_header_redaction_scope() -> None:
    from agent_ready.redact import MASK, Redactor

    r = Redactor()
    r.add_header_secret("Authorization", "Bearer tok_0123456789")
    r.add_header_secret("X-Debug", "1")
    assert r.text("the token tok_0123456789 was refused") == f"the token {MASK} was refused"
    assert r.text("the scheme is Bearer; score 100/100") == "the scheme is Bearer; score 100/100"
    assert r.headers({"X-Debug": "1", "Accept": "*/*"}) == {"x-debug": MASK, "accept": "*/*"}
