"""agent-ready as an MCP server over stdio (``agent-ready mcp``, optional extra ``agent-ready[mcp]``).

Tools: ``scan`` (audit a URL), ``audit_cli`` (audit a command), ``explain`` and ``list_checks``. Each returns
structured content with a JSON Schema (score, grade, the blockers with their fix prompts, the report's path).

What the calling model may do is fixed when the server starts, never by the model: ACTIVE checks
(``--allow-active``), private, loopback and link-local targets (``--allow-private``) and running commands
(``--allow-cli``) are off unless the person who configured the server turned them on. The address policy of
the command line applies to everything a scan discovers, as on the command line.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
from mcp.server.mcpserver import MCPServer  # the official SDK, 2.x (the extra pins it)
from mcp.server.mcpserver.exceptions import ToolError
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from agent_ready.engine import ScanReport, ScanSettings, UsageError, parse_target, scan
from agent_ready.netpolicy import AddressClass, classify, resolve
from agent_ready.registry import Registry, did_you_mean
from agent_ready.registry import load as load_registry
from agent_ready.reports import render
from agent_ready.reports.json_report import to_dict
from agent_ready.scoring import grade_meaning

INSTRUCTIONS = (
    "agent-ready audits whether an autonomous AI agent could use a web service, API or command-line tool "
    "with no human at hand. Call `scan` with the service's URL (or `audit_cli` with a command), then work "
    "through `blockers` in order: each carries a `fix_prompt` saying what to change in the service's "
    "repository and the agent-ready command that verifies the fix. `explain` describes one check."
)


@dataclass(frozen=True)
class ServerPolicy:
    """What the person starting the server allows; the model calling the tools cannot widen it."""

    allow_active: bool = False
    allow_private: bool = False
    allow_cli: bool = False
    sandbox: bool = False
    reports_dir: Path = field(default_factory=lambda: Path("agent-ready-reports"))
    deadline: float = 120.0


class Blocker(TypedDict):
    id: str
    status: str
    title: str
    summary: str
    score_impact: float
    fix_prompt: str


class Unchecked(TypedDict):
    id: str
    reason: str


class AuditResult(TypedDict):
    target: str
    score: float | None
    grade: str
    grade_meaning: str
    blockers: list[Blocker]
    not_checked: list[Unchecked]
    coverage: dict[str, int]
    runtime_error: str | None
    report_path: str
    html_report_path: str


class CheckInfo(TypedDict):
    id: str
    title: str
    category: str
    target_kind: str
    weight: float
    active: str
    summary: str


class CheckList(TypedDict):
    checks: list[CheckInfo]
    legend: str


class Explanation(TypedDict):
    id: str
    title: str
    failure_title: str
    category: str
    target_kind: str
    weight: float
    active: str
    side_effects: str | None
    description: str
    remediation: str
    spec_links: list[str]


def _mode(meta: Any) -> str:
    return "active" if meta.active and not meta.passive else ("passive+active" if meta.active else "passive")


def _result(report: ScanReport, policy: ServerPolicy, label: str) -> AuditResult:
    doc = to_dict(report)
    policy.reports_dir.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9.-]+", "-", label).strip("-")[:60] or "report"
    base = policy.reports_dir / f"{time.strftime('%Y%m%d-%H%M%S')}-{stem}"
    json_path, html_path = base.with_suffix(".json"), base.with_suffix(".html")
    json_path.write_text(render(report, "json"), encoding="utf-8")
    html_path.write_text(render(report, "html"), encoding="utf-8")
    todo = [c for c in doc["checks"] if "fix_prompt" in c]
    todo.sort(key=lambda c: (-c.get("score_impact", 0), -c["weight"], c["id"]))
    score = doc["score"]
    return AuditResult(
        target=label,
        score=score["overall"],
        grade=score["grade"],
        grade_meaning=score.get("grade_meaning") or grade_meaning(score["grade"]),
        blockers=[
            Blocker(
                id=c["id"],
                status=c["status"],
                title=c["title"],
                summary=c["summary"],
                score_impact=float(c.get("score_impact", 0.0)),
                fix_prompt=c["fix_prompt"],
            )
            for c in todo
        ],
        not_checked=[
            Unchecked(id=c["id"], reason=c.get("reason") or c["summary"])
            for c in doc["checks"]
            if c["status"] == "error"
        ],
        coverage=score["coverage"],
        runtime_error=doc.get("runtime_error"),
        report_path=str(json_path.resolve()),
        html_report_path=str(html_path.resolve()),
    )


async def _check_target(url: str, policy: ServerPolicy) -> None:
    """Refuse a target outside the public internet unless the server was started with --allow-private."""
    try:
        target = parse_target(url)
    except UsageError as exc:
        raise ToolError(str(exc)) from None
    if policy.allow_private:
        return
    port = urlsplit(target.url).port or (443 if target.url.startswith("https") else 80)
    try:
        addresses = await resolve(target.host, port)
    except OSError as exc:
        raise ToolError(f"cannot resolve {target.host}: {exc.strerror or exc}") from None
    classes = {classify(a) for a in addresses}
    if classes != {AddressClass.PUBLIC}:
        kinds = ", ".join(sorted(c.value for c in classes - {AddressClass.PUBLIC}))
        raise ToolError(
            f"{target.host} resolves to a {kinds} address; this server scans only public targets. "
            "Whoever configures it can start it with `agent-ready mcp --allow-private`."
        )


def _explanation(reg: Registry, check_id: str) -> Explanation:
    chk = reg.checks.get(check_id)
    if chk is None:
        raise ToolError(f"no check {check_id!r}{did_you_mean(check_id, reg.checks)}; call list_checks")
    m = chk.meta
    return Explanation(
        id=m.id,
        title=m.title,
        failure_title=m.failure_title,
        category=m.category,
        target_kind=m.target_kind,
        weight=m.weight,
        active=_mode(m),
        side_effects=m.side_effects,
        description=m.description or "",
        remediation=m.remediation,
        spec_links=list(m.spec_links),
    )


def _check_list(reg: Registry) -> CheckList:
    return CheckList(
        checks=[
            CheckInfo(
                id=c.id,
                title=c.meta.title,
                category=c.meta.category,
                target_kind=c.meta.target_kind,
                weight=c.meta.weight,
                active=_mode(c.meta),
                summary=c.meta.failure_title,
            )
            for c in reg.ordered()
        ],
        legend=(
            "active: passive = only reads what any visitor could; active = runs only with active=true "
            "(changes state on the target); passive+active = passive, plus a part run with active=true"
        ),
    )


def build_server(policy: ServerPolicy, registry: Registry | None = None) -> Any:
    reg = registry or load_registry()
    server = MCPServer(name="agent-ready", instructions=INSTRUCTIONS)

    # Named `scan` for callers; the Python name keeps the engine's scan() in reach.
    @server.tool(name="scan", structured_output=True)
    async def scan_url(url: str, checks: list[str] | None = None, active: bool = False) -> AuditResult:
        """Audit a web service or API at `url` as an autonomous agent would meet it: discovery documents,
        bot access, auth.md, sign-up, tokens, error hints, temporary resources. `checks` limits the run to
        these check ids or categories (see list_checks). `active` runs checks that change state on the
        target (register a client, create a resource); the server must have been started with
        --allow-active. Returns the score, the grade and the blockers, each with a fix prompt."""
        if active and not policy.allow_active:
            raise ToolError(
                "active checks are off on this server (they change state on the target); whoever "
                "configures it can start it with `agent-ready mcp --allow-active`. Rerun with active=false."
            )
        await _check_target(url, policy)
        settings = ScanSettings(
            active=active,
            allow_private=policy.allow_private,
            only=list(checks or []),
            deadline=policy.deadline,
        )
        try:
            report = await anyio.to_thread.run_sync(scan, url, reg, settings)
        except UsageError as exc:
            raise ToolError(str(exc)) from None
        return _result(report, policy, report.target.url)

    @server.tool(structured_output=True)
    async def audit_cli(command: list[str], timeout: float = 30.0) -> AuditResult:
        """Audit a command-line tool as a background agent runs it (no TTY, clean HOME, no credentials,
        browser stubbed): does it prompt or hang, open a browser, and do its errors say what to do next?
        `command` is the program and its arguments, e.g. ["mytool", "deploy"]. The server must have been
        started with --allow-cli, because this runs the command."""
        if not policy.allow_cli:
            raise ToolError(
                "auditing commands is off on this server (it runs the command); whoever configures it can "
                "start it with `agent-ready mcp --allow-cli`."
            )
        if not command:
            raise ToolError("command is empty: give the program and its arguments, e.g. ['mytool', '--help']")
        from agent_ready.cliaudit import audit
        from agent_ready.clirun import CliSettings

        settings = CliSettings(timeout=max(0.5, min(timeout, 300.0)), sandbox=policy.sandbox)
        try:
            report = await anyio.to_thread.run_sync(audit, list(command), settings)
        except UsageError as exc:
            raise ToolError(str(exc)) from None
        return _result(report, policy, " ".join(command))

    @server.tool(structured_output=True)
    def explain(check_id: str) -> Explanation:
        """Explain one check: what it asks, how it is judged and how to fix a failure."""
        return _explanation(reg, check_id)

    @server.tool(structured_output=True)
    def list_checks() -> CheckList:
        """Every check: id, category, target kind (web: scan; cli: audit_cli), weight and mode."""
        return _check_list(reg)

    return server


def serve_stdio(policy: ServerPolicy) -> None:
    build_server(policy).run("stdio")


__all__ = ["ServerPolicy", "build_server", "serve_stdio"]
