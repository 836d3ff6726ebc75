"""The JUnit XML report, as GitLab, Jenkins and most CI systems read test results.

One ``<testcase>`` per check (``classname`` ``agent-ready.<category>``, ``name`` the check id):
``fail`` is a ``<failure>`` carrying the findings and the fix, ``error`` an ``<error>``, ``skipped`` and
``not_applicable`` a ``<skipped>`` with the reason, ``warn`` a passing case with its findings on
``<system-out>`` unless the caller asks for warnings to fail (``--junit-warn failure``). Built with
ElementTree, which escapes markup; characters XML 1.0 cannot carry are replaced first. Validated in the tests
against Jenkins' ``junit-10.xsd``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from agent_ready.engine import ScanReport
from agent_ready.reports.json_report import to_dict
from agent_ready.reports.textsafe import xml_text

WARN_MODES = ("pass", "failure")


def _details(check: dict[str, Any]) -> str:
    lines = [check["summary"], ""]
    for f in check["findings"]:
        lines.append(f"[{f['level']}] {f['code']}: {f['message']}")
        if f.get("fix"):
            lines.append(f"    fix: {f['fix']}")
    lines += ["", f"Fix: {check['remediation']}"]
    if check["spec_links"]:
        lines.append("Specs: " + " ".join(check["spec_links"]))
    return xml_text("\n".join(lines))


def _seconds(ms: float | None) -> str:
    return f"{(ms or 0) / 1000:.3f}"


def render_doc(doc: dict[str, Any], *, warn: str = "pass") -> str:
    if warn not in WARN_MODES:
        raise ValueError(f"warn must be one of {WARN_MODES}, not {warn!r}")
    target = doc["target"]
    where = target.get("url") or " ".join(target.get("command", []))
    checks = doc["checks"]
    failed = [c for c in checks if c["status"] == "fail" or (warn == "failure" and c["status"] == "warn")]
    errors = [c for c in checks if c["status"] == "error"]
    skipped = [c for c in checks if c["status"] in ("skipped", "not_applicable")]
    counts = {
        "tests": str(len(checks)),
        "failures": str(len(failed)),
        "errors": str(len(errors)),
        "time": _seconds(doc.get("duration_ms")),
    }
    root = ET.Element("testsuites", {"name": "agent-ready", **counts})
    suite = ET.SubElement(
        root,
        "testsuite",
        {
            "name": xml_text(f"agent-ready {where}"),
            **counts,
            "skipped": str(len(skipped)),
            "timestamp": doc.get("started_at") or "",
        },
    )
    props = ET.SubElement(suite, "properties")
    score = doc["score"]
    for name, value in (
        ("target", where),
        ("score", "n/a" if score["overall"] is None else f"{score['overall']:g}"),
        ("grade", score["grade"]),
        ("scoring_version", score["scoring_version"]),
        ("tool_version", doc["tool"]["version"]),
        ("tls_verified", "false" if doc.get("settings", {}).get("insecure") else "true"),
    ):
        ET.SubElement(props, "property", {"name": name, "value": xml_text(str(value))})
    for c in checks:
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": f"agent-ready.{c['category']}",
                "name": c["id"],
                "time": _seconds(c.get("duration_ms")),
            },
        )
        status = c["status"]
        message = xml_text(c["summary"])
        if status == "fail" or (status == "warn" and warn == "failure"):
            ET.SubElement(case, "failure", {"type": status, "message": message}).text = _details(c)
        elif status == "error":
            reason = xml_text(c.get("reason") or c["summary"])
            ET.SubElement(case, "error", {"type": "error", "message": reason}).text = _details(c)
        elif status in ("skipped", "not_applicable"):
            reason = xml_text(c.get("reason") or c["summary"])
            ET.SubElement(case, "skipped", {"type": status, "message": reason})
        elif status == "warn":
            ET.SubElement(case, "system-out").text = _details(c)
    if doc.get("runtime_error"):
        ET.SubElement(suite, "system-err").text = xml_text(doc["runtime_error"])
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render_junit(report: ScanReport, warn: str = "pass") -> str:
    return render_doc(to_dict(report), warn=warn)
