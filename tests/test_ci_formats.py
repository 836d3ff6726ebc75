"""The formats CI systems read: each against its schema, and none letting the target inject markup."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from agent_ready.cli import app
from agent_ready.engine import ScanReport
from agent_ready.reference import ReferenceServer
from agent_ready.reports import (
    RenderOptions,
    badge_report,
    junit_report,
    markdown_report,
    render,
    sarif_report,
)
from agent_ready.reports.json_report import to_dict

SCHEMAS = Path(__file__).parent / "data" / "schemas"
HOSTILE = (
    "evil [click](https://phish.example/) ![x](https://phish.example/x.png) <img src=x onerror=alert(1)> "
    '</failure><testcase name="injected"/> {0} ]]> & "quoted" \x00\x1b `code` *em* | cell'
)


@lru_cache(maxsize=1)
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))


@lru_cache(maxsize=1)
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def validate_sarif(text: str) -> dict[str, Any]:
    doc = json.loads(text)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in sarif_validator().iter_errors(doc)]
    assert not errors, errors[:5]
    return doc


def validate_junit(text: str) -> ET.Element:
    junit_schema().validate(text)
    return ET.fromstring(text)


@pytest.fixture(scope="module")
def bare_report(bare: ReferenceServer, registry: Any) -> ScanReport:
    from agent_ready.engine import ScanSettings, scan

    return scan(bare.url + "/", registry, ScanSettings())


@pytest.fixture(scope="module")
def good_report(reference: ReferenceServer, registry: Any) -> ScanReport:
    from agent_ready.engine import ScanSettings, scan

    return scan(reference.url + "/", registry, ScanSettings())


def hostile(doc: dict[str, Any]) -> dict[str, Any]:
    """The same report with target-controlled text replaced by markup in every syntax we write."""
    doc = copy.deepcopy(doc)
    for c in doc["checks"]:
        c["summary"] = HOSTILE
        c["reason"] = HOSTILE
        for f in c["findings"]:
            f["message"] = HOSTILE
    doc["runtime_error"] = HOSTILE
    return doc


# --- JUnit -------------------------------------------------------------------------------------------------


def test_junit_one_case_per_check_and_valid(bare_report: ScanReport) -> None:
    root = validate_junit(render(bare_report, "junit"))
    cases = root.findall(".//testcase")
    assert [c.get("name") for c in cases] == [r.id for r in bare_report.results]
    by_id = {c.get("name"): c for c in cases}
    for r in bare_report.results:
        case = by_id[r.id]
        assert case.get("classname") == f"agent-ready.{r.category}"
        if r.status.value == "fail":
            failure = case.find("failure")
            assert failure is not None and failure.get("message") == r.summary
            assert r.remediation in (failure.text or "")  # the fix travels with the failure
        elif r.status.value in ("skipped", "not_applicable"):
            assert case.find("skipped") is not None and case.find("failure") is None
        elif r.status.value == "warn":
            assert case.find("failure") is None and case.find("system-out") is not None
        elif r.status.value == "pass":
            assert list(case) == []
    suite = root.find("testsuite")
    assert suite is not None
    fails = sum(1 for r in bare_report.results if r.status.value == "fail")
    assert suite.get("failures") == str(fails) and suite.get("tests") == str(len(bare_report.results))


def test_junit_warn_as_failure(bare_report: ScanReport) -> None:
    warned = [r.id for r in bare_report.results if r.status.value == "warn"]
    assert warned, "the bare reference service should warn somewhere"
    root = validate_junit(render(bare_report, "junit", RenderOptions(warn="failure")))
    for case in root.iter("testcase"):
        if case.get("name") in warned:
            failure = case.find("failure")
            assert failure is not None and failure.get("type") == "warn"


def test_junit_escapes_target_text(bare_report: ScanReport) -> None:
    text = junit_report.render_doc(hostile(to_dict(bare_report)))
    root = validate_junit(text)
    assert not [c for c in root.iter("testcase") if c.get("name") == "injected"]
    assert len(root.findall(".//testcase")) == len(bare_report.results)
    failure = root.find(".//failure")
    assert failure is not None and failure.get("message", "").startswith("evil [click]")


# --- SARIF -------------------------------------------------------------------------------------------------


def test_sarif_valid_rules_results_location(bare_report: ScanReport) -> None:
    doc = validate_sarif(render(bare_report, "sarif"))
    (run,) = doc["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in bare_report.results]  # one rule per check id
    for rule, result in zip(rules, bare_report.results, strict=True):
        assert rule["help"]["text"].startswith(result.remediation.replace("{", "{{")[:20])
        if result.spec_links:
            assert rule["helpUri"] == result.spec_links[0]
    failing = [r for r in bare_report.results if r.status.value == "fail"]
    expected = sum(max(1, sum(1 for f in r.findings if f.level.value in ("fail", "warn"))) for r in failing)
    errors = [x for x in run["results"] if x["level"] == "error"]
    assert len(errors) >= len(failing) and len(run["results"]) >= expected
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == bare_report.target.url
    assert {x["ruleId"] for x in errors} == {r.id for r in failing}


def test_sarif_automation_id_stable_per_target(
    bare_report: ScanReport, good_report: ScanReport, bare: ReferenceServer, registry: Any
) -> None:
    from agent_ready.engine import ScanSettings, scan

    again = scan(bare.url + "/", registry, ScanSettings(only=["discovery"]))
    ids = [json.loads(render(r, "sarif"))["runs"][0]["automationDetails"]["id"] for r in (bare_report, again)]
    assert ids[0] == ids[1]
    other = json.loads(render(good_report, "sarif"))["runs"][0]["automationDetails"]["id"]
    assert other != ids[0] and other.startswith("agent-ready/") and other.endswith("/")


def test_sarif_escapes_target_text(bare_report: ScanReport) -> None:
    doc = validate_sarif(sarif_report.render_doc(hostile(to_dict(bare_report))))
    for result in doc["runs"][0]["results"]:
        text = result["message"]["text"]
        assert "\\[click\\]" in text and "[click]" not in text.replace("\\[click\\]", "")
        assert "{{0}}" in text
        assert set(result) <= {
            "ruleId", "ruleIndex", "level", "message", "locations", "partialFingerprints", "properties"
        }  # fmt: skip


# --- Markdown ----------------------------------------------------------------------------------------------


def _tokens(text: str) -> list[Any]:
    md = MarkdownIt("commonmark")
    out = []
    for token in md.parse(text):
        out.append(token)
        out.extend(token.children or [])
    return out


def test_markdown_blockers_with_fix_and_collapsed_rest(bare_report: ScanReport) -> None:
    text = render(bare_report, "markdown")
    assert text.startswith("## agent-ready: ")
    fails = [r for r in bare_report.results if r.status.value == "fail"]
    head, _, rest = text.partition("<details>")
    assert f"### What blocks an agent ({len(fails)})" in head
    for r in fails:
        assert f"`{r.id}`" in head
    assert head.count("  - Fix: ") == len(fails)
    others = [r for r in bare_report.results if r.status.value != "fail"]
    assert rest.count("\n- ") == len(others) and "</details>" in rest
    for cat in bare_report.score.categories:
        assert f"| {cat.title} |" in head


def test_markdown_escapes_target_text(bare_report: ScanReport) -> None:
    text = markdown_report.render_doc(hostile(to_dict(bare_report)))
    tokens = _tokens(text)
    links = [t for t in tokens if t.type in ("link_open", "image")]
    assert links == []
    html_inline = [t.content for t in tokens if t.type in ("html_inline", "html_block")]
    # the only raw HTML is our own <details>/<summary>/<sub> framing
    assert all(h.startswith(("<details>", "</details>", "<sub>", "</sub>", "<summary>")) for h in html_inline)
    assert "<img" not in text and "&lt;img" in text


def test_markdown_fits_a_pull_request_comment(bare_report: ScanReport) -> None:
    text = render(bare_report, "markdown")
    assert len(text) < 65_536  # GitHub's limit for a comment body
    assert "<details>" in text and text.index("<details>") > text.index("### What blocks an agent")


def test_markdown_of_a_clean_report(good_report: ScanReport) -> None:
    text = render(good_report, "markdown")
    assert "Nothing blocks an agent" in text


# --- badge -------------------------------------------------------------------------------------------------


def test_badge(bare_report: ScanReport, good_report: ScanReport) -> None:
    for report in (bare_report, good_report):
        doc = json.loads(render(report, "badge"))
        assert set(doc) == {"schemaVersion", "label", "message", "color"} and doc["schemaVersion"] == 1
        assert doc["message"] == f"{report.score.overall:.0f}/100 ({report.score.grade})"
    assert json.loads(render(good_report, "badge"))["color"] == "brightgreen"
    assert badge_report.badge(None, "n/a") == {
        "schemaVersion": 1,
        "label": "agent-ready",
        "message": "n/a",
        "color": "lightgrey",
    }


# --- the CLI -----------------------------------------------------------------------------------------------


def test_every_format_on_stdout_and_by_name(
    bare: ReferenceServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    runner = CliRunner()
    checks: dict[str, Callable[[str], object]] = {
        "junit": validate_junit,
        "sarif": validate_sarif,
        "markdown": lambda t: t.startswith("## agent-ready"),
        "badge": lambda t: json.loads(t)["schemaVersion"] == 1,
    }
    url = bare.url + "/"
    for fmt, check in checks.items():
        res = runner.invoke(app, ["scan", url, "--no-plugins", "-q", "--only", "discovery", "-f", fmt])
        assert res.exit_code == 0, res.stderr
        assert check(res.stdout), fmt
    names = {"junit": "r.xml", "sarif": "r.sarif", "markdown": "r.md", "badge": "r.badge.json"}
    args = ["scan", url, "--no-plugins", "-q", "--only", "discovery"]
    for name in names.values():
        args += ["-o", str(tmp_path / name)]
    assert runner.invoke(app, args).exit_code == 0
    for fmt, name in names.items():
        assert checks[fmt]((tmp_path / name).read_text()), fmt


def test_step_summary(bare: ReferenceServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    res = CliRunner().invoke(app, ["scan", bare.url + "/", "--no-plugins", "-q", "--only", "errors"])
    assert res.exit_code == 0, res.stderr
    text = summary.read_text()
    assert text.startswith("earlier step\n## agent-ready: ")  # appended, never overwritten


def test_unwritable_step_summary_is_a_warning(
    bare: ReferenceServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a directory: cannot be appended to
    res = CliRunner().invoke(app, ["scan", bare.url + "/", "--no-plugins", "-q", "--only", "errors"])
    assert res.exit_code == 0, res.stderr
    assert "cannot append the job summary" in res.stderr
    json.loads(res.stdout)  # the report itself is intact


def test_help_lists_formats() -> None:
    res = CliRunner().invoke(app, ["scan", "--help"], terminal_width=200)
    for fmt in ("json", "html", "markdown", "junit", "sarif", "badge"):
        assert fmt in res.stdout
    for ending in (".xml", ".sarif", ".md", ".badge.json"):
        assert ending in res.stdout
