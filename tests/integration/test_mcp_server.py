"""``agent-ready mcp`` driven by the official MCP SDK's own client over stdio: initialize, tools/list,
tools/call scan against the reference service; the server's policy holds against the calling model.

The SDK is in the test extra, so this runs in CI rather than skipping."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import anyio
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from agent_ready.reports.json_report import validate


async def _session(args: list[str], calls: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "agent_ready", "mcp", *args],
        env={"AGENT_READY_NO_PLUGINS": "1", "PATH": os.environ.get("PATH", "")},
    )
    out: dict[str, Any] = {"calls": []}
    with open(os.devnull, "w") as errlog:
        async with (
            stdio_client(params, errlog=errlog) as (read, write),
            ClientSession(read, write) as session,
        ):
            out["init"] = await session.initialize()
            out["tools"] = (await session.list_tools()).tools
            for name, arguments in calls:
                out["calls"].append(await session.call_tool(name, arguments))
    return out


def run_session(args: list[str], calls: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    return anyio.run(_session, args, calls)


def test_round_trip_scan_of_the_reference_service(bare, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    out = run_session(
        ["--allow-private", "--reports-dir", str(reports)],
        [
            ("scan", {"url": bare.url + "/"}),
            ("explain", {"check_id": "tokens.chalenge"}),
            ("list_checks", {}),
        ],
    )
    assert out["init"].server_info.name == "agent-ready"
    tools = {t.name: t for t in out["tools"]}
    assert set(tools) >= {"scan", "explain", "list_checks", "audit_cli"}
    scan_schema = tools["scan"].input_schema
    assert scan_schema["required"] == ["url"]
    assert scan_schema["properties"]["active"].get("default") is False
    assert tools["scan"].output_schema and "blockers" in tools["scan"].output_schema["properties"]

    scanned, explained, listed = out["calls"]
    assert not scanned.is_error, scanned.content
    result = scanned.structured_content
    assert result["grade"] == "F" and result["score"] is not None and result["score"] < 20
    gains = [b["score_impact"] for b in result["blockers"]]
    assert len(gains) > 10 and gains == sorted(gains, reverse=True)
    first = result["blockers"][0]
    assert f"--only {first['id']}" in first["fix_prompt"]
    report = json.loads(Path(result["report_path"]).read_text(encoding="utf-8"))
    validate(report)
    assert Path(result["report_path"]).parent == reports.resolve()
    assert Path(result["html_report_path"]).read_text(encoding="utf-8").startswith("<!doctype html>")

    assert explained.is_error and "did you mean tokens.challenge?" in explained.content[0].text
    assert any(c["id"] == "errors.hints" for c in listed.structured_content["checks"])


def test_the_calling_model_cannot_widen_the_servers_policy(bare, tmp_path: Path) -> None:
    out = run_session(
        ["--reports-dir", str(tmp_path)],
        [
            ("scan", {"url": bare.url + "/"}),  # loopback target, server started without --allow-private
            ("scan", {"url": "https://example.com/", "active": True}),  # active, without --allow-active
            ("audit_cli", {"command": ["true"]}),  # runs a command, without --allow-cli
            ("scan", {"url": "not a url"}),
        ],
    )
    private, active, cli, bad = out["calls"]
    assert private.is_error and "--allow-private" in private.content[0].text
    assert active.is_error and "--allow-active" in active.content[0].text
    assert cli.is_error and "--allow-cli" in cli.content[0].text
    assert bad.is_error and "not a URL" in bad.content[0].text
    assert list(tmp_path.iterdir()) == []  # nothing was scanned


def test_without_the_extra_the_command_says_how_to_install_it() -> None:
    import subprocess

    code = (
        "import sys; sys.modules['mcp'] = None; "
        "from agent_ready.cli import main; sys.argv[1:] = ['mcp']; main()"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "pip install 'agent-ready[mcp]'" in proc.stderr and len(proc.stderr.splitlines()) == 1
