"""The HTML report in a real headless Chromium: it renders, has no console errors, screenshots and prints.

Skipped (with the reason) when /usr/bin/chromium is not installed. Each Chromium run gets a fresh profile in
tmp_path and every background service that could reach the network switched off; the page itself loads
nothing (the report is self-contained), so nothing leaves the machine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from agent_ready.reports.html_report import render_html

CHROMIUM = os.environ.get("AGENT_READY_CHROMIUM", "/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)),
        reason=f"headless Chromium not installed at {CHROMIUM} (apt-get install chromium)",
    ),
]

BASE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
)
CONSOLE_LINE = re.compile(r":CONSOLE[:(]\d*\)?\]\s*\"(?P<message>.*)\", source: (?P<source>\S+)")


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    cmd = [CHROMIUM, *BASE_FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)


def console_messages(stderr: str, page: Path) -> list[str]:
    """Console output the page produced (errors, uncaught exceptions, warnings), from Chromium's log."""
    found = []
    for line in stderr.splitlines():
        m = CONSOLE_LINE.search(line)
        if m and page.name in m.group("source"):
            found.append(m.group("message"))
        elif "Uncaught" in line and page.name in line:
            found.append(line)
    return found


def write_report(tmp_path: Path, name: str, html: str) -> Path:
    path = tmp_path / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_console_capture_catches_a_broken_page(tmp_path: Path) -> None:
    """The console check below can fail: a page with a script error is caught."""
    page = write_report(
        tmp_path,
        "broken",
        "<html><body><p>x</p><script>console.error('boom'); nope();</script></body></html>",
    )
    run = chromium(tmp_path, "--dump-dom", page.as_uri())
    messages = console_messages(run.stderr, page)
    assert any("boom" in m for m in messages), run.stderr[-2000:]
    assert any("Uncaught" in m for m in messages), run.stderr[-2000:]


@pytest.mark.parametrize("variant", ["good", "bare"])
def test_report_renders_in_chromium(
    variant: str, request: pytest.FixtureRequest, run_scan, tmp_path: Path
) -> None:
    server = request.getfixturevalue("reference" if variant == "good" else "bare")
    report = run_scan(server.url)
    page = write_report(tmp_path, f"report-{variant}", render_html(report))

    dom_run = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert dom_run.returncode == 0, dom_run.stderr[-2000:]
    dom = dom_run.stdout
    overall = report.score.overall
    assert ("n/a" if overall is None else f">{overall:.0f}<") in dom
    assert "grade-letter band-" in dom and f">{report.score.grade}<" in dom
    for result in report.results:
        assert f'id="{result.id}"' in dom, result.id
    assert console_messages(dom_run.stderr, page) == []

    shot = tmp_path / f"report-{variant}.png"
    shot_run = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    assert shot.exists(), shot_run.stderr[-2000:]
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 40_000  # a blank 1280x2000 page compresses to a few KB; a rendered report does not
    assert console_messages(shot_run.stderr, page) == []

    pdf = tmp_path / f"report-{variant}.pdf"
    pdf_run = chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    assert pdf.exists(), pdf_run.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 2  # the whole report, not just the first screen
