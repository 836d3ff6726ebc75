"""`agent-ready cli --sandbox`: under bubblewrap a hostile command cannot read a secret in a home directory,
write outside its own directories or open a socket, and the report says what was refused. Without
bubblewrap, --sandbox is a usage error with one line on how to get it."""

from __future__ import annotations

import json
import shutil
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent_ready.cli import app
from agent_ready.cliaudit import CliSettings, audit, run_command
from agent_ready.registry import Registry
from agent_ready.reports.json_report import to_dict, validate

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")

SECRET = "ssh-ed25519-PRIVATE-KEY-agent-ready-test"
# The system's Python: the test's own interpreter may live under /root (pyenv), which the sandbox hides.
PYTHON = shutil.which("python3", path="/usr/bin:/bin") or sys.executable


@pytest.fixture
def home_with_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The caller's home, holding an SSH key a hostile tool would go for by absolute path."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text(SECRET + "\n")
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bool]]]:
    """A TCP listener on 127.0.0.1 recording whether anything connected."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    hits: list[bool] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            hits.append(True)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join(2)
    server.close()


def _hostile(home: Path, outside: Path, port: int) -> list[str]:
    """One command that tries all three: read ~/.ssh, write outside its directory, connect a socket."""
    script = f"""
import socket, sys
try:
    print("read:", open({str(home / ".ssh" / "id_ed25519")!r}).read().strip())
except OSError as exc:
    print("read refused:", exc, file=sys.stderr)
try:
    open({str(outside)!r}, "w").write("pwned")
    print("wrote outside")
except OSError as exc:
    print("write refused:", exc, file=sys.stderr)
try:
    open("/etc/agent-ready-sandbox-probe", "w").write("pwned")
    print("wrote /etc")
except OSError as exc:
    print("write refused:", exc, file=sys.stderr)
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
    print("connected")
except OSError as exc:
    print("socket refused:", exc, file=sys.stderr)
"""
    return [PYTHON, "-c", script]


def test_sandbox_refuses_home_outside_writes_and_sockets(
    registry: Registry, home_with_key: Path, tmp_path: Path, listener: tuple[int, list[bool]]
) -> None:
    port, hits = listener
    outside = tmp_path / "outside.txt"
    report = audit(
        _hostile(home_with_key, outside, port), CliSettings(timeout=10, sandbox=True), None, registry
    )
    doc = to_dict(report)
    validate(doc)
    text = json.dumps(doc)
    assert SECRET not in text
    assert not outside.exists()
    assert not hits
    assert doc["settings"]["isolation"] == "bubblewrap" and doc["settings"]["network"] is False
    warnings = report.run_warnings
    assert any(w.startswith("isolation: bubblewrap sandbox") for w in warnings)
    refused = [w for w in warnings if w.startswith("the sandbox refused:")]
    assert any("read refused" in w for w in refused), "\n".join(warnings)
    assert any("write refused" in w and "Read-only file system" in w for w in refused), warnings
    assert not Path("/etc/agent-ready-sandbox-probe").exists()
    assert any("socket refused" in w for w in refused), warnings


def test_sandbox_network_flag_allows_sockets(
    registry: Registry, home_with_key: Path, tmp_path: Path, listener: tuple[int, list[bool]]
) -> None:
    port, hits = listener
    settings = CliSettings(timeout=10, sandbox=True, network=True)
    report = audit(_hostile(home_with_key, tmp_path / "o.txt", port), settings, None, registry)
    assert hits, report.run_warnings
    assert not (tmp_path / "o.txt").exists()


def test_default_isolation_is_named_in_the_report(registry: Registry) -> None:
    report = audit([sys.executable, "-c", "print('hi')"], CliSettings(timeout=10), None, registry)
    assert any(w.startswith("isolation: environment isolation only") for w in report.run_warnings)
    assert to_dict(report)["settings"]["isolation"] == "environment"


def test_sandbox_runs_a_well_behaved_command_normally(registry: Registry) -> None:
    """Its own HOME, TMPDIR and working directory stay writable inside the sandbox."""
    script = (
        "import os, tempfile; open(os.path.expanduser('~/cfg'), 'w').write('x'); "
        "tempfile.NamedTemporaryFile().close(); open('out.txt', 'w').write('y'); print('ok')"
    )
    report = audit([PYTHON, "-c", script], CliSettings(timeout=10, sandbox=True), None, registry)
    assert not [w for w in report.run_warnings if w.startswith("the sandbox refused")], report.run_warnings


def test_sandbox_without_bwrap_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap on it
    result = CliRunner().invoke(app, ["cli", "--sandbox", "-q", "--", "/bin/true"])
    assert result.exit_code == 2
    lines = [line for line in result.output.strip().splitlines() if line]
    assert len(lines) == 1 and "bubblewrap" in lines[0] and "apt-get install bubblewrap" in lines[0]


def test_network_without_sandbox_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["cli", "--network", "-q", "--", "/bin/true"])
    assert result.exit_code == 2


def test_sandbox_has_its_own_pid_namespace() -> None:
    """Inside, the command sees only the sandbox's processes (bwrap's init and itself), not the host's."""
    script = "import os; print(os.getpid(), len([p for p in os.listdir('/proc') if p.isdigit()]))"
    run = run_command([PYTHON, "-c", script], CliSettings(timeout=10, sandbox=True))
    pid, visible = (int(x) for x in run.stdout.split())
    assert pid <= 3 and visible <= 3, run.stdout
    outside = run_command([PYTHON, "-c", script], CliSettings(timeout=10))
    assert int(outside.stdout.split()[1]) > visible
