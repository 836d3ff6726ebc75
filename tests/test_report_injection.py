"""No output format lets a target inject its own syntax, whatever field the target's text lands in.

tests/test_ci_formats.py puts markup in the fields a check writes (summary, reason, finding messages);
here EVERY string of the report that is not one of its own enumerations carries it (URLs, exchange
headers and bodies, evidence, journey notes, capability reasons, warnings ...), for each renderer.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from markdown_it import MarkdownIt

from agent_ready.engine import ScanReport
from agent_ready.reference import ReferenceServer
from agent_ready.reports import junit_report, markdown_report, sarif_report
from agent_ready.reports.json_report import to_dict
from tests.browser.test_report_inert import _poison
from tests.test_ci_formats import HOSTILE, validate_junit, validate_sarif

SARIF_KEY = "injectedProperty"
PAYLOAD = HOSTILE + f' "{SARIF_KEY}": "x", "level": "none" }}, {{ "ruleId": "injected" '


@pytest.fixture(scope="module", params=["good", "bare"])
def poisoned(request: pytest.FixtureRequest, registry: Any) -> dict[str, Any]:
    from agent_ready.engine import ScanSettings, scan

    server: ReferenceServer = request.getfixturevalue("reference" if request.param == "good" else "bare")
    report: ScanReport = scan(server.url + "/", registry, ScanSettings())
    return _poison(to_dict(report), PAYLOAD)


def test_markdown_carries_no_target_link_image_or_html(poisoned: dict[str, Any]) -> None:
    text = markdown_report.render_doc(poisoned)
    assert "evil" in text  # the payload is there, as text
    tokens = []
    for token in MarkdownIt("commonmark").parse(text):
        tokens.append(token)
        tokens.extend(token.children or [])
    links = [t for t in tokens if t.type in ("link_open", "image")]
    assert all("phish.example" not in str(t.attrs) for t in links), links
    html = [t.content for t in tokens if t.type in ("html_inline", "html_block")]
    assert all(h.startswith(("<details>", "</details>", "<sub>", "</sub>", "<summary>")) for h in html), html
    assert "<img" not in text


def test_junit_carries_no_target_element(poisoned: dict[str, Any]) -> None:
    root = validate_junit(junit_report.render_doc(poisoned))
    assert len(root.findall(".//testcase")) == len(poisoned["checks"])
    assert not [c for c in root.iter("testcase") if c.get("name") == "injected"]
    assert not [e for e in root.iter() if e.tag in ("img", "injected")]


def test_sarif_carries_no_target_property(poisoned: dict[str, Any]) -> None:
    text = sarif_report.render_doc(poisoned)
    doc = validate_sarif(text)

    def keys(value: Any) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    assert SARIF_KEY not in keys(doc)
    assert all(r["ruleId"] != "injected" for r in doc["runs"][0]["results"])
    assert "evil" in json.dumps(doc)
