"""A target whose pages and error bodies are just a URL or a file name is expected input: BeautifulSoup's
advice (MarkupResemblesLocatorWarning, meant for a programmer who passed a URL by mistake) never reaches the
user's terminal."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning
from pytest_httpserver import HTTPServer

from agent_ready.hints import extract
from tests.test_cli import cli

BODIES = ["https://docs.example.com/errors/unauthorized", "error.txt"]


@pytest.mark.parametrize("body", BODIES)
def test_the_body_is_one_beautifulsoup_warns_about(body: str) -> None:
    """Keeps the scan test below honest: plain BeautifulSoup does warn on these bodies."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        BeautifulSoup(body, "html.parser")
    assert any(issubclass(w.category, MarkupResemblesLocatorWarning) for w in seen)
    assert extract(body, "text/html").text == body


@pytest.mark.parametrize("body", BODIES)
def test_a_scan_of_such_bodies_prints_no_warning(httpserver: HTTPServer, tmp_path: Path, body: str) -> None:
    httpserver.expect_request(re.compile(".*")).respond_with_data(
        body, status=404, content_type="text/html; charset=utf-8"
    )
    out = tmp_path / "r.json"
    proc = cli("scan", httpserver.url_for("/"), "--no-plugins", "-q", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    statuses = {c["id"]: c["status"] for c in doc["checks"]}
    assert statuses["errors.hints"] in ("pass", "warn", "fail")  # the bodies were read as error text
