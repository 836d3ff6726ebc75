"""The dashboard in a real headless Chromium: it renders, sorts, filters, loads nothing and fits a phone.

The page under test comes from real batch lines (scans of the local reference services); a target scanned
three times, improving in between, must show its trend and what changed.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from agent_ready.batch import BatchSettings, scan_one
from agent_ready.reference import ReferenceServer
from agent_ready.registry import Registry
from agent_ready.reports.dashboard import render_dashboard
from tests.browser.test_html_chromium import CHROMIUM, chromium, console_messages, pytestmark  # noqa: F401

PROBE = """
<script>
window.addEventListener("load", function () {
  var out = {};
  var root = document.documentElement;
  out.overflow = root.scrollWidth > window.innerWidth ? "yes" : "no";
  out.width = window.innerWidth + "/" + root.scrollWidth;
  var order = function (name) {
    return Array.prototype.map.call(document.querySelectorAll("#table tbody tr"), function (r) {
      return r.getAttribute("data-" + name) || "none"; }).join(" ");
  };
  document.querySelector('th[data-sort="target"] button').click();
  out.byTarget = order("target");
  document.querySelector('th[data-sort="score"] button').click();
  out.byScoreDesc = order("score");
  document.querySelector('th[data-sort="score"] button').click();
  out.byScoreAsc = order("score");
  var filter = document.getElementById("filter");
  filter.value = "svc.test";
  filter.dispatchEvent(new Event("input"));
  out.filtered = document.querySelectorAll("#table tbody tr:not([hidden])").length + "";
  out.shown = document.getElementById("shown").textContent;
  Object.keys(out).forEach(function (k) {
    document.body.setAttribute("data-probe-" + k.toLowerCase(), out[k]);
  });
});
</script>
"""


def _lines(registry: Registry, reference: ReferenceServer, bare: ReferenceServer) -> list[dict[str, Any]]:
    settings = BatchSettings()

    async def scan(url: str) -> dict[str, Any]:
        return await scan_one(url, registry, settings, None)

    good = asyncio.run(scan(reference.url + "/"))
    poor = asyncio.run(scan(bare.url + "/"))
    dead = asyncio.run(scan("http://127.0.0.1:9/"))
    # One service, scanned three nights: bare at first, then fixed. Same key, later times.
    history = []
    for day, source in ((1, poor), (2, poor), (3, good)):
        history.append(
            dict(
                source,
                target="http://svc.test/",
                key="http://svc.test/",
                time=f"2026-11-2{day}T02:00:00+00:00",
            )
        )
    return [good, poor, dead, *history]


@pytest.fixture
def page(tmp_path: Path, registry: Registry, reference: ReferenceServer, bare: ReferenceServer) -> Path:
    path = tmp_path / "index.html"
    path.write_text(render_dashboard(_lines(registry, reference, bare)), encoding="utf-8")
    return path


def test_dashboard_renders_without_errors_or_network(page: Path, tmp_path: Path) -> None:
    html = page.read_text()
    soup = BeautifulSoup(html, "html.parser")
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", csp)
    assert not soup.find_all(src=True)  # nothing to load
    assert all(a["href"].startswith("#") for a in soup.find_all(href=True))

    run = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    # A blocked script, style or request would be reported on the console (CSP violations are errors).
    assert console_messages(run.stderr, page) == []
    dom = BeautifulSoup(run.stdout, "html.parser")
    rows = dom.select("#table tbody tr")
    assert len(rows) == 4  # the repeated service is one row
    svc = dom.select_one('#table tbody tr[data-target="http://svc.test/"]')
    assert svc.select_one("svg.spark polyline") is not None  # the trend line
    assert "+" in svc.select_one(".delta").text  # it improved
    card = dom.select_one("#trends article")
    assert "http://svc.test/" in card.text and "3 scans" in card.text
    assert "Fixed:" in card.text and "→ pass" in card.text
    assert dom.select_one("#score-distribution svg") is not None
    assert dom.select_one("#blocker-distribution svg rect") is not None
    error_row = dom.select_one('#table tbody tr[data-target="http://127.0.0.1:9/"]')
    assert "unreachable" in error_row.text


@pytest.mark.parametrize("width", [1280, 390])
def test_dashboard_fits_and_its_table_sorts_and_filters(page: Path, tmp_path: Path, width: int) -> None:
    shot = tmp_path / f"dashboard-{width}.png"
    run = chromium(tmp_path, f"--screenshot={shot}", f"--window-size={width},1800", page.as_uri())
    assert shot.exists(), run.stderr[-2000:]
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000
    assert console_messages(run.stderr, page) == []

    # A copy with a probe script (and without the CSP that would rightly block it) measures and clicks.
    probed = tmp_path / f"probed-{width}.html"
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page.read_text())
    probed.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    run = chromium(tmp_path, "--dump-dom", f"--window-size={width},1800", probed.as_uri())
    assert console_messages(run.stderr, probed) == [], run.stderr[-2000:]
    body = BeautifulSoup(run.stdout, "html.parser").body
    assert body["data-probe-overflow"] == "no", body["data-probe-width"]
    by_target = body["data-probe-bytarget"].split()
    assert by_target == sorted(by_target)
    desc = body["data-probe-byscoredesc"].split()
    asc = body["data-probe-byscoreasc"].split()
    assert desc[-1] == asc[-1] == "none"  # the unreachable target has no score: last either way
    assert [float(x) for x in desc[:3]] == sorted((float(x) for x in desc[:3]), reverse=True)
    assert [float(x) for x in asc[:3]] == sorted(float(x) for x in asc[:3])
    assert float(desc[0]) > float(asc[0])
    assert body["data-probe-filtered"] == "1" and body["data-probe-shown"] == "1 of 4"
