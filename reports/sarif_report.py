"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One rule per check id (its title, remediation as help text, first spec link as ``helpUri``); one result per
failing or warning finding of a ``fail`` or ``warn`` check (a check with no such finding gets one result from
its summary), located at the target URL. ``automationDetails.id`` is derived from the target alone, so runs
against the same target form one series and runs against another target a different one; each result has a
``partialFingerprints`` entry from check id, finding code and target so a viewer can track it across runs.
Target-controlled text is escaped for SARIF messages (no embedded links, no placeholders).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from agent_ready.engine import ScanReport
from agent_ready.reports.json_report import to_dict
from agent_ready.reports.textsafe import sarif_text

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"fail": "error", "warn": "warning"}


def automation_id(target: dict[str, Any]) -> str:
    """``agent-ready/<host-port-path>/``: stable per target, readable, and a valid SARIF category."""
    where = target.get("url") or " ".join(target.get("command", []))
    where = re.sub(r"^[a-z][a-z0-9+.-]*://", "", where, flags=re.IGNORECASE)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", where).strip("-")[:100] or "target"
    return f"agent-ready/{slug}/"


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _rule(check: dict[str, Any]) -> dict[str, Any]:
    links = check["spec_links"]
    help_text = check["remediation"] + ("\n\nSpecs: " + " ".join(links) if links else "")
    rule: dict[str, Any] = {
        "id": check["id"],
        "name": "".join(part.capitalize() for part in re.split(r"[.-]", check["id"])),
        "shortDescription": {"text": sarif_text(check["title"])},
        "fullDescription": {"text": sarif_text(check["title"])},
        "help": {"text": sarif_text(help_text)},
        "defaultConfiguration": {"level": "error"},
        "properties": {"category": check["category"], "tags": ["agent-ready", check["category"]]},
    }
    if links:
        rule["helpUri"] = links[0]
    return rule


def _results(
    check: dict[str, Any], index: int, location: dict[str, Any], target: str
) -> list[dict[str, Any]]:
    status = check["status"]
    if status not in LEVEL:
        return []
    findings = [f for f in check["findings"] if f["level"] in ("fail", "warn")]
    items = [(f["code"], f["level"], f["message"], f.get("fix")) for f in findings] or [
        (status, status, check["summary"], None)
    ]
    out = []
    for code, level, message, fix in items:
        text = f"{message} Fix: {fix or check['remediation']}"
        out.append(
            {
                "ruleId": check["id"],
                "ruleIndex": index,
                "level": LEVEL.get(level, LEVEL[status]),
                "message": {"text": sarif_text(text)},
                "locations": [location],
                "partialFingerprints": {"agentReady/v1": _fingerprint(check["id"], code, target)},
                "properties": {"findingCode": code, "checkStatus": status},
            }
        )
    return out


def render_doc(doc: dict[str, Any]) -> str:
    target = doc["target"]
    where = target.get("url") or " ".join(target.get("command", []))
    location = {
        "physicalLocation": {"artifactLocation": {"uri": where if target.get("url") else "agent-ready-cli"}},
        "message": {"text": sarif_text(where)},
    }
    rules = [_rule(c) for c in doc["checks"]]
    results = [r for i, c in enumerate(doc["checks"]) for r in _results(c, i, location, where)]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "agent-ready",
                "version": doc["tool"]["version"],
                "semanticVersion": doc["tool"]["version"],
                "rules": rules,
            }
        },
        "automationDetails": {"id": automation_id(target)},
        "invocations": [
            {
                "executionSuccessful": not doc.get("runtime_error"),
                "startTimeUtc": doc["started_at"],
                "endTimeUtc": doc["finished_at"],
                **(
                    {"toolExecutionNotifications": [{"message": {"text": sarif_text(doc["runtime_error"])}}]}
                    if doc.get("runtime_error")
                    else {}
                ),
            }
        ],
        "results": results,
        "properties": {
            "score": doc["score"]["overall"],
            "grade": doc["score"]["grade"],
            "scoringVersion": doc["score"]["scoring_version"],
            "tlsVerified": not doc.get("settings", {}).get("insecure", False),
        },
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def render_sarif(report: ScanReport) -> str:
    return render_doc(to_dict(report))
