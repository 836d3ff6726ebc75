"""The HTML report's layout in real headless Chromium: it fits on a screen, fits a phone, collapses, filters,
and its copy buttons hand over the fix prompt.

The report is loaded into an ``<iframe srcdoc>`` of a harness page: the iframe gives an exact viewport width
(headless windows cannot be narrower than 500 px) and, being same-origin with the harness, lets the harness
script measure it and click in it. The harness writes its measurements into its own DOM, read back with
``--dump-dom``.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from agent_ready.reports.html_report import render_html
from agent_ready.reports.json_report import to_dict
from tests.browser.test_html_chromium import CHROMIUM, chromium, console_messages, pytestmark  # noqa: F401

# A CSP meta would also bind the harness iframe; the layout does not depend on it (tested where it is added).
CSP_META = re.compile(r"<meta http-equiv=\"Content-Security-Policy\"[^>]*>", re.IGNORECASE)

HARNESS = """<!doctype html><html><head><meta charset="utf-8">
<style>body{margin:0}iframe{border:0}</style></head><body><pre id="result">pending</pre>
<script>
function probe(frame) {
  var doc = frame.contentDocument, win = frame.contentWindow, root = doc.documentElement, out = {};
  out.height = root.scrollHeight;
  out.scrollWidth = root.scrollWidth;
  out.clientWidth = root.clientWidth;
  out.failing = doc.querySelectorAll("details.check.st-fail").length;
  out.failingClosed = doc.querySelectorAll("details.check.st-fail:not([open])").length;
  out.passingOpen = doc.querySelectorAll(
    "details.check.st-pass[open], details.check.st-not_applicable[open]").length;
  // Clipped content (inside a folded section, an ellipsised title, the scrolling log) cannot widen the page.
  var clipped = "[hidden], .log-wrap, details:not([open]) > :not(summary), .check-head h4";
  out.wide = [].slice.call(doc.querySelectorAll("main *")).filter(function (e) {
    return e.getBoundingClientRect().right > root.clientWidth + 1 && !e.closest(clipped);
  }).slice(0, 5).map(function (e) { return e.tagName + "." + e.className; });
  if (ACT) {
    // Collapsing: a folded check opens on a click on its summary, an open one folds.
    var folded = doc.querySelector("details.check:not([open])");
    var before = folded.getBoundingClientRect().height;
    folded.querySelector("summary").click();
    out.openedGrows = folded.open && folded.getBoundingClientRect().height > before + 20;
    var open = doc.querySelector("details.check.st-fail[open]");
    open.querySelector("summary").click();
    out.foldedShrinks = !open.open;
    open.querySelector("summary").click();
    // The status filter: only failing checks stay visible.
    doc.querySelector("label[for=show-fail]").click();
    var visible = [].slice.call(doc.querySelectorAll("details.check")).filter(function (e) {
      return e.offsetParent !== null;
    });
    out.filterVisible = visible.map(function (e) { return e.className; });
    doc.querySelector("label[for=show-all]").click();
    // The copy button: what reaches the clipboard API is the check's fix prompt.
    var copied = [];
    var record = function (t) { copied.push(t); return Promise.resolve(); };
    Object.defineProperty(win.navigator, "clipboard", {value: {writeText: record}});
    var button = doc.querySelector("details.check button.copy");
    out.copyVisible = !button.hidden && button.offsetParent !== null;
    out.copyFor = button.closest("details.check").id;
    button.click();
    setTimeout(function () {
      out.copied = copied;
      out.buttonSays = button.textContent;
      document.getElementById("result").textContent = JSON.stringify(out);
    }, 50);
  } else {
    document.getElementById("result").textContent = JSON.stringify(out);
  }
}
var ACT = %(act)s;
</script>
<iframe width="%(width)d" height="900" srcdoc="%(report)s" onload="probe(this)"></iframe>
</body></html>"""


def probe_report(tmp_path: Path, report_html: str, width: int, act: bool = False) -> dict[str, Any]:
    harness = HARNESS % {
        "width": width,
        "act": "true" if act else "false",
        "report": html.escape(CSP_META.sub("", report_html), quote=True),
    }
    page = tmp_path / f"harness-{width}-{int(act)}.html"
    page.write_text(harness, encoding="utf-8")
    run = chromium(
        tmp_path, "--virtual-time-budget=5000", "--window-size=1500,1000", "--dump-dom", page.as_uri()
    )
    found = re.search(r'<pre id="result">(.*?)</pre>', run.stdout, re.S)
    assert found and found.group(1) != "pending", run.stderr[-3000:]
    assert "Uncaught" not in run.stderr, run.stderr[-3000:]
    return json.loads(html.unescape(found.group(1)))


@pytest.fixture(scope="module")
def bare_report(bare, registry) -> tuple[str, dict[str, Any]]:
    from agent_ready.engine import ScanSettings, scan

    report = scan(bare.url, registry, ScanSettings())
    return render_html(report), to_dict(report)


def test_bare_report_fits_under_6000_px_at_1400_with_every_failure_open(tmp_path: Path, bare_report) -> None:
    page, doc = bare_report
    m = probe_report(tmp_path, page, 1400)
    assert m["failing"] == sum(c["status"] == "fail" for c in doc["checks"]) > 15
    assert m["failingClosed"] == 0 and m["passingOpen"] == 0
    assert m["height"] < 6000, m
    assert m["scrollWidth"] <= m["clientWidth"], m


def test_no_horizontal_scroll_on_a_phone(tmp_path: Path, bare_report) -> None:
    m = probe_report(tmp_path, bare_report[0], 400)
    assert m["clientWidth"] == 400
    assert m["scrollWidth"] <= m["clientWidth"], m
    assert m["wide"] == [], m


def test_collapsing_filter_and_copy_button_work(tmp_path: Path, bare_report) -> None:
    page, doc = bare_report
    m = probe_report(tmp_path, page, 1400, act=True)
    assert m["openedGrows"] and m["foldedShrinks"], m
    assert m["filterVisible"] and all("st-fail" in c for c in m["filterVisible"]), m
    assert len(m["filterVisible"]) == sum(c["status"] == "fail" for c in doc["checks"])
    assert m["copyVisible"], m
    prompt = next(c["fix_prompt"] for c in doc["checks"] if c["id"] == m["copyFor"])
    assert m["copied"] == [prompt]
    assert m["buttonSays"] == "Copied"


def test_report_page_itself_logs_nothing_to_the_console(tmp_path: Path, bare_report) -> None:
    page = tmp_path / "bare.html"
    page.write_text(bare_report[0], encoding="utf-8")
    run = chromium(tmp_path, "--virtual-time-budget=2000", "--dump-dom", page.as_uri())
    assert run.returncode == 0
    assert console_messages(run.stderr, page) == []
    assert "Copy fix prompt" in run.stdout and " hidden" not in run.stdout.split('class="copy"')[1][:80]
