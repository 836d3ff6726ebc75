"""The command line as a user meets it: exit codes, clean stdout, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from agent_ready import __version__
from agent_ready.reference import ReferenceServer
from agent_ready.reports.json_report import validate


def cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGENT_READY_NO_PLUGINS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "agent_ready", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=env,
    )


def test_scan_json_stdout_is_only_json(reference: ReferenceServer) -> None:
    proc = cli("scan", reference.url + "/", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    validate(doc)
    assert doc["target"]["url"] == reference.url + "/"
    assert "scanning" in proc.stderr  # progress goes to stderr


def test_fail_under_gate(bare: ReferenceServer, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    proc = cli("scan", bare.url + "/", "-o", str(out), "--fail-under", "50", "-q")
    assert proc.returncode == 1
    assert "below --fail-under" in proc.stderr
    validate(json.loads(out.read_text()))  # the report is written even when the gate fails


def test_unreachable_target_exit_3_and_report_kept(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    proc = cli("scan", "http://127.0.0.1:9/", "-o", str(out))
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
    doc = json.loads(out.read_text())
    validate(doc)
    assert doc["runtime_error"].startswith("target unreachable")


def test_usage_errors_exit_2_with_one_line() -> None:
    for args in (
        ["scan", "not-a-url"],
        ["scan", "http://127.0.0.1:9/", "--only", "nope.check"],
        ["scan", "http://127.0.0.1:9/", "--bogus-flag"],
        ["explain", "nope.check"],
        ["scan", "http://127.0.0.1:9/", "--format", "pdf"],
    ):
        proc = cli(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert proc.stdout == ""


def test_bad_config_file(tmp_path: Path) -> None:
    cfg = tmp_path / "agent-ready.toml"
    cfg.write_text("timeout = 'x'\n")
    proc = cli("scan", "http://127.0.0.1:9/", "--config", str(cfg))
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "timeout must be a number" in lines[0]


def test_list_checks_and_explain() -> None:
    proc = cli("list-checks", "--json")
    assert proc.returncode == 0
    ids = [c["id"] for c in json.loads(proc.stdout)]
    assert "discovery.robots-txt" in ids
    proc = cli("explain", "discovery.robots-txt")
    assert (proc.returncode == 0 and "RFC 9309" in proc.stdout) or "rfc9309" in proc.stdout


def test_demo_writes_html(tmp_path: Path) -> None:
    proc = cli("demo", "-o", str(tmp_path / "demo.html"))
    assert proc.returncode == 0, proc.stderr
    assert "grade" in proc.stderr
    html = (tmp_path / "demo.html").read_text()
    assert html.startswith("<!doctype html>")


def test_version() -> None:
    proc = cli("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("agent-ready ")


def test_unwritable_output_is_refused_before_scanning(tmp_path: Path) -> None:
    target_dir = tmp_path / "a-directory"
    target_dir.mkdir()
    proc = cli("scan", "http://127.0.0.1:9/", "-o", str(target_dir))
    assert proc.returncode == 2 and "cannot write report" in proc.stderr
    assert "scanning" not in proc.stderr  # refused before any request was made


def test_scan_leaves_the_cyclic_collector_on_in_process(reference: ReferenceServer, tmp_path: Path) -> None:
    # The scan command turns the collector off while it loads (start-up speed); whether it scans or stops at
    # a usage error, whoever called it in-process gets the collector back on.
    import gc

    from typer.testing import CliRunner

    from agent_ready.cli import app

    assert gc.isenabled()
    bad = CliRunner().invoke(app, ["scan", reference.url + "/", "--header", "no-colon", "--no-plugins"])
    assert bad.exit_code == 2 and gc.isenabled()
    out = tmp_path / "r.json"
    ok = CliRunner().invoke(app, ["scan", reference.url + "/", "-q", "--no-plugins", "-o", str(out)])
    assert ok.exit_code == 0, ok.output
    assert gc.isenabled() and out.exists()


def test_the_process_ends_at_once_unless_a_profiler_or_tracer_is_watching() -> None:
    # cli.run skips the interpreter's teardown (finalizing modules and objects) after main, but what was
    # registered with atexit still runs; with a profiler or a tracer installed it leaves the usual way, so
    # what they write on exit is kept.
    code = (
        "import atexit, os, sys\n"
        "{hook}"
        "atexit.register(lambda: print('atexit ran', flush=True))\n"
        "class Torn:\n"
        "    def __del__(self): os.write(1, b'torn down\\n')\n"
        "kept = Torn()\n"
        "sys.argv = ['agent-ready', '--version']\n"
        "from agent_ready.cli import main, run\n"
        "try:\n"
        "    {entry}()\n"
        "finally:\n"
        "    print('left the usual way', flush=True)\n"
    )

    def lines(hook: str = "", entry: str = "run") -> list[str]:
        proc = subprocess.run(
            [sys.executable, "-c", code.format(hook=hook, entry=entry)], capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.splitlines()

    version = f"agent-ready {__version__}"
    # The control: leaving through main the usual way shows each step, teardown included.
    assert lines(entry="main") == [version, "left the usual way", "atexit ran", "torn down"]
    assert lines() == [version, "atexit ran"]
    assert lines(hook="sys.setprofile(lambda *a: None)\n")[:3] == [
        version,
        "left the usual way",
        "atexit ran",
    ]
    bad = cli("--no-such-flag")
    assert bad.returncode == 2 and "no-such-flag" in bad.stderr
