"""The ``fix_prompt`` of a failing or warning check: an instruction a coding agent can act on in the
service's repository, written from what the check found (its findings' fixes, the URLs and paths it
requested, the document shape from the check's remediation) and ending with the command that verifies it.

Built from the report dictionary's parts, so it reads the same in the JSON, the HTML and ``fix-plan``.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from agent_ready.reports.folding import fold

MAX_LOCATIONS = 5
MAX_REQUESTS = 4


def verify_command(target: Mapping[str, Any], check: Mapping[str, Any], active: bool) -> str:
    """The agent-ready command that re-runs only this check against the same target."""
    if target.get("kind") == "cli":
        return f"agent-ready cli -- {shlex.join(target.get('command') or [])}"
    url = target.get("url") or ""
    flags = " --active" if active and check.get("active") else ""
    return f"agent-ready scan {shlex.quote(url)} --only {check['id']}{flags}"


def _request_line(exchange: Mapping[str, Any]) -> str:
    answer = (
        f"{exchange['status']} {exchange.get('content_type') or 'no content type'}"
        if exchange.get("status") is not None
        else f"no answer ({exchange.get('error_kind') or 'error'})"
    )
    path = urlsplit(exchange["url"]).path or "/"
    return f"{exchange['method']} {path} → {answer}"


def _bullets(check: Mapping[str, Any]) -> list[str]:
    lines = []
    for group in fold(list(check.get("findings", []))):
        if group.level in ("pass", "info"):
            continue
        if group.shared is not None:
            shown = group.locations[:MAX_LOCATIONS]
            more = (
                f" and {len(group.locations) - len(shown)} more" if len(group.locations) > len(shown) else ""
            )
            lines.append(f"- {group.shared} ({group.count} locations: {', '.join(shown)}{more})")
        else:
            lines.extend(f"- {m}" for m in dict.fromkeys(group.messages))
    return lines


def _fixes(check: Mapping[str, Any]) -> list[str]:
    fixes = [
        f["fix"] for f in check.get("findings", []) if f.get("fix") and f["level"] not in ("pass", "info")
    ]
    return list(dict.fromkeys(fixes))


def build(
    check: Mapping[str, Any],
    target: Mapping[str, Any],
    exchanges: Mapping[str, Mapping[str, Any]],
    active: bool = False,
) -> str:
    """The prompt for one check (a ``checks[]`` entry of the report dictionary)."""
    where = (
        f"the command-line tool `{shlex.join(target.get('command') or [])}`"
        if target.get("kind") == "cli"
        else f"the service at {target.get('url')}"
    )
    verdict = "fails" if check["status"] == "fail" else "passes only partly (warn)"
    out = [
        f"You are working in the repository of {where}. The agent-ready check `{check['id']}` "
        f"{verdict}: {check['summary'].rstrip('.')}.",
    ]
    seen = _bullets(check)
    if seen:
        out += ["", "What agent-ready saw:", *seen]
    said = "\n".join(seen)
    requested = []
    for finding in check.get("findings", []):
        for eid in finding.get("evidence", []):
            exchange = exchanges.get(eid)
            # A request the findings already name by URL is not repeated.
            if exchange is None or exchange["url"] in said:
                continue
            line = _request_line(exchange)
            if line not in requested:
                requested.append(line)
    if requested:
        more = len(requested) - MAX_REQUESTS
        out += [
            "",
            "Requests it made: "
            + "; ".join(requested[:MAX_REQUESTS])
            + (f"; {more} more" if more > 0 else ""),
        ]
    fixes = _fixes(check)
    out += ["", "Change:"]
    out += [f"- {fix}" for fix in fixes] or [f"- {check['remediation']}"]
    if fixes and check.get("remediation"):
        out += ["", f"Expected shape: {check['remediation']}"]
    out += [
        "",
        f"Verify: run `{verify_command(target, check, active)}` and expect `{check['id']}` to pass; "
        "change nothing else the check does not ask for.",
    ]
    return "\n".join(out)
