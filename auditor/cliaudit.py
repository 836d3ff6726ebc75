"""``agent-ready cli -- COMMAND [ARGS...]``: run a command-line tool the way a background agent would.

What the command gets:

* **no TTY**: stdin, stdout and stderr are pipes. stdin is a pipe the auditor holds open and never writes to
  — the way many agent harnesses run tools — so a command that prompts blocks instead of failing fast.
* **a clean environment**: a fresh temporary ``HOME``, ``XDG_CONFIG_HOME``/``XDG_CACHE_HOME``/
  ``XDG_DATA_HOME``/``XDG_STATE_HOME``, ``TMPDIR`` and working directory (deleted afterwards); only an
  allowlist of harmless variables (``PATH``, locale, ``TZ`` ...) passes through, so every credential
  variable (``AWS_*``, ``GITHUB_TOKEN``, ``*_API_KEY``, ``SSH_AUTH_SOCK`` ...) is dropped; the names of
  dropped credential-like variables are reported (never their values, which are also scrubbed from any
  output). Set on top: ``CI=true``, ``TERM=dumb``, ``NO_COLOR=1``, and ``--env NAME=VALUE`` extras given by
  the user.
* **a browser stub**: ``BROWSER`` and stub ``xdg-open``/``open``/``sensible-browser``/... first on ``PATH``
  record the URLs they are asked to open and exit 0, so "opened a URL" is observed, not performed.
* **a timeout** (default 30 s): the command runs in its own session; on timeout the whole process group gets
  SIGTERM, then SIGKILL. Stragglers of the group are killed when the command exits, too.

How a prompt is detected (robust to readline/epoll readers, not only ``read(0)``): when the command has
been silent for :attr:`CliSettings.quiet_after` seconds and is still running, the auditor first looks in
``/proc/<pid>/syscall`` (Linux) for a process of the group blocked reading the stdin pipe, then closes its
end of stdin. A command that was waiting for input sees end-of-file and reacts (exits or prints) within
:attr:`CliSettings.eof_grace` seconds; one that sleeps or waits on the network does not. Either signal
marks the run "waited for input". A command that stays silent to the timeout "hung".

Limits: this is not a sandbox (unless ``--sandbox``: :mod:`agent_ready.sandbox`). A tool that finds the
real home through the password database
(``getpwuid``) or an absolute path can still read it; the clean ``HOME``/XDG variables cover tools that
follow the conventions (almost all CLIs do).

The run is recorded as a :class:`~agent_ready.clirun.CliRun`, the one artifact of the registered checks of
target kind ``cli`` (``checks/cli.py`` and any plugin's): they judge it exactly as web checks judge probe
artifacts. The report is a :class:`~agent_ready.engine.ScanReport` with ``command`` set (the JSON report
writes target kind ``cli``) that carries only those checks and their categories.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import re
import selectors
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from agent_ready import sandbox
from agent_ready.checkapi import Target
from agent_ready.clirun import CLI_RUN, CliRun, CliSettings
from agent_ready.engine import ScanReport, UsageError, disabled_reason, evaluate, skipped_result
from agent_ready.journey import project
from agent_ready.models import CheckResult
from agent_ready.redact import Redactor
from agent_ready.registry import Registry, load
from agent_ready.scoring import summarize

OUTPUT_LIMIT = 256 * 1024  # bytes kept per stream

# Passed through from the caller's environment; everything else is dropped.
ENV_ALLOWLIST = frozenset(
    {
        "PATH",
        "LANG",
        "LANGUAGE",
        "LC_ALL",
        "LC_CTYPE",
        "LC_MESSAGES",
        "LC_NUMERIC",
        "LC_TIME",
        "TZ",
        "USER",
        "LOGNAME",
        "SHELL",
        "SYSTEMROOT",
        "COMSPEC",
        "PATHEXT",
        "WINDIR",
        "PYTHONIOENCODING",
    }
)
# Names reported as "credential variables removed" (the allowlist already keeps them out).
CREDENTIAL_NAME = re.compile(
    r"TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|CREDENTIAL|PRIVATE_?KEY|SESSION|AUTH|COOKIE|_PAT$|"
    r"^(?:AWS|AZURE|ARM|GOOGLE|GCP|GCLOUD|CLOUDSDK|CLOUDFLARE|CF|GITHUB|GH|GITLAB|NPM|YARN|PYPI|TWINE|DOCKER|HEROKU|"
    r"VERCEL|NETLIFY|FLY|SUPABASE|STRIPE|OPENAI|ANTHROPIC|SSH|GPG|KUBE|DIGITALOCEAN|LINODE|RAILWAY|NEON|SENTRY|"
    r"TF|VAULT|CONSUL|NOMAD|OP|BW)_",
    re.IGNORECASE,
)
BROWSER_STUBS = (
    "xdg-open",
    "open",
    "sensible-browser",
    "x-www-browser",
    "www-browser",
    "gnome-open",
    "kde-open",
    "wslview",
    "firefox",
    "google-chrome",
    "chromium",
    "chromium-browser",
)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\r")
_READ_SYSCALLS = {"x86_64": {0, 17, 19}, "amd64": {0, 17, 19}, "aarch64": {63, 65, 67}, "arm64": {63, 65, 67}}


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def build_env(
    base: dict[str, str], root: Path, bin_dir: Path, browser: Path, extra: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """The command's environment, and the names of credential-like variables left out."""
    env = {k: v for k, v in base.items() if k in ENV_ALLOWLIST}
    removed = sorted(k for k in base if k not in ENV_ALLOWLIST and CREDENTIAL_NAME.search(k))
    dirs = {
        "HOME": "home",
        "XDG_CONFIG_HOME": "home/.config",
        "XDG_CACHE_HOME": "home/.cache",
        "XDG_DATA_HOME": "home/.local/share",
        "XDG_STATE_HOME": "home/.local/state",
        "TMPDIR": "tmp",
        "APPDATA": "home/AppData/Roaming",
        "LOCALAPPDATA": "home/AppData/Local",
        "USERPROFILE": "home",
    }
    for name, rel in dirs.items():
        path = root / rel
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    env.update(
        {
            "CI": "true",
            "TERM": "dumb",
            "NO_COLOR": "1",
            "BROWSER": str(browser),
            "PATH": str(bin_dir) + os.pathsep + base.get("PATH", os.defpath),
        }
    )
    env.update(extra)
    return env, removed


def _write_stubs(bin_dir: Path, log: Path) -> Path:
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = (
        "#!/bin/sh\n# agent-ready: records what a command asked a browser to open; opens nothing.\n"
        f'for a in "$@"; do printf \'%s\\n\' "$a" >> {shlex.quote(str(log))}; done\n'
        f"[ $# -eq 0 ] && printf '(no argument)\\n' >> {shlex.quote(str(log))}\nexit 0\n"
    )
    browser = bin_dir / "agent-ready-browser"
    for name in ("agent-ready-browser", *BROWSER_STUBS):
        path = bin_dir / name
        path.write_text(script)
        path.chmod(0o755)
    return browser


def _group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):  # zombies are dead, only unreaped
                pids.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def _blocked_on_stdin(pgid: int, pipe_inode: int) -> str | None:
    """Linux only: a process of the group blocked in read() on our stdin pipe, as '/proc evidence'."""
    reads = _READ_SYSCALLS.get(platform.machine().lower())
    if not reads or not Path("/proc").is_dir():
        return None
    for pid in _group_pids(pgid):
        try:
            parts = Path(f"/proc/{pid}/syscall").read_text().split()
            if not parts or not parts[0].isdigit() or int(parts[0]) not in reads:
                continue
            fd = int(parts[1], 16)
            if os.readlink(f"/proc/{pid}/fd/{fd}") == f"pipe:[{pipe_inode}]":
                return f"/proc/{pid}/syscall: blocked in a read of stdin (fd {fd})"
        except (OSError, ValueError, IndexError):
            continue
    return None


# CPU seconds a process group may burn during a silent window and still count as idle. A command blocked on
# input burns none; one still starting up (imports on a loaded machine) burns far more.
BUSY_CPU_S = 0.05


def _group_cpu_s(pgid: int) -> float | None:
    """Linux only: user + system CPU seconds of the group's live processes; None without /proc."""
    if not Path("/proc").is_dir():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in _group_pids(pgid):
        try:
            # utime and stime are fields 14 and 15; the command name (field 2) may hold spaces.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            continue
    return total / ticks


def _kill_group(pgid: int) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            if not _group_pids(pgid) and Path("/proc").is_dir():
                return
            time.sleep(0.02)


def run_command(
    command: list[str],
    settings: CliSettings | None = None,
    environ: dict[str, str] | None = None,
    redactor: Redactor | None = None,
) -> CliRun:
    """Run ``command`` as a background agent would; never blocks past ``settings.timeout`` (+ ~1 s)."""
    settings = settings or CliSettings()
    redactor = redactor or Redactor()
    base_env = dict(os.environ if environ is None else environ)
    if not command:
        raise UsageError("no command given: use `agent-ready cli -- COMMAND [ARGS...]`")
    exe = shutil.which(command[0], path=base_env.get("PATH", os.defpath))
    if exe is None and os.sep in command[0]:
        exe = shutil.which(os.path.abspath(command[0]))
    if exe is None:
        raise UsageError(f"command not found: {command[0]!r}")
    try:
        box = sandbox.find(settings.network) if settings.sandbox else None
    except sandbox.SandboxUnavailable as exc:
        raise UsageError(str(exc)) from None
    root = Path(tempfile.mkdtemp(prefix="agent-ready-cli-"))
    try:
        log = root / "browser.log"
        browser = _write_stubs(root / "bin", log)
        env, removed = build_env(base_env, root, root / "bin", browser, settings.env)
        for name in removed:
            redactor.add_secret(base_env.get(name))
        for name, value in settings.env.items():
            if CREDENTIAL_NAME.search(name):
                redactor.add_secret(value)
        cwd = settings.cwd or (root / "work")
        cwd.mkdir(parents=True, exist_ok=True)
        argv = [os.path.abspath(exe), *command[1:]]
        if box is not None:
            writable = [root] + ([settings.cwd.resolve()] if settings.cwd is not None else [])
            # A tool installed under a home (~/.local/bin, a pyenv shim) stays runnable: its own directory
            # is shown read-only, nothing else of that home.
            readable = [Path(argv[0]).parent, Path(os.path.realpath(argv[0])).parent]
            argv = box.wrap(argv, writable=writable, cwd=cwd, readable=readable)
        run = _execute(argv, command, env, cwd, settings, log, removed, root, redactor)
        if box is None:
            return dataclasses.replace(run, isolation=sandbox.ENVIRONMENT_ONLY)
        return dataclasses.replace(
            run, isolation=box.describe(), sandbox_refusals=sandbox.refusals(run.stderr)
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _spawn(
    argv: list[str], shown: list[str], env: dict[str, str], cwd: Path
) -> tuple[subprocess.Popen[bytes], int, int]:
    """Start the command in its own session with a pipe for stdin: (process, stdin's write end, its inode)."""
    stdin_r, stdin_w = os.pipe()
    pipe_inode = os.fstat(stdin_r).st_ino
    try:
        proc = subprocess.Popen(
            argv,
            stdin=stdin_r,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
    except OSError as exc:
        os.close(stdin_r)
        os.close(stdin_w)
        raise UsageError(f"cannot run {shown[0]!r}: {exc.strerror or exc}") from None
    os.close(stdin_r)
    return proc, stdin_w, pipe_inode


class _Watch:
    """A running command watched as a background agent would: its output is read as it comes, and a
    silence with stdin open is taken for a prompt, answered by closing stdin."""

    def __init__(
        self,
        proc: subprocess.Popen[bytes],
        stdin_w: int,
        pipe_inode: int,
        settings: CliSettings,
        started: float,
    ) -> None:
        self.proc, self.stdin_w, self.pipe_inode = proc, stdin_w, pipe_inode
        self.settings, self.started = settings, started
        self.pgid = proc.pid
        self.buffers: dict[str, bytearray] = {"stdout": bytearray(), "stderr": bytearray()}
        self.sel = selectors.DefaultSelector()
        assert proc.stdout is not None and proc.stderr is not None
        for name, stream in (("stdout", proc.stdout), ("stderr", proc.stderr)):
            os.set_blocking(stream.fileno(), False)
            self.sel.register(stream, selectors.EVENT_READ, name)
        self.open_streams = 2
        self.last_output = started
        self.cpu_at_last_output = _group_cpu_s(self.pgid)
        self.stdin_open = True
        self.closed_at: float | None = None
        self.reacted = False
        self.evidence: list[str] = []
        self.prompt: str | None = None
        self.timed_out = False

    def pump(self, wait: float) -> bool:
        """Read what the streams have (up to OUTPUT_LIMIT each); True when anything came."""
        got = False
        for key, _ in self.sel.select(timeout=wait):
            try:
                chunk = os.read(key.fd, 65536)
            except BlockingIOError:
                continue
            if not chunk:
                self.sel.unregister(key.fileobj)
                self.open_streams -= 1
                continue
            buf = self.buffers[key.data]
            if len(buf) < OUTPUT_LIMIT:
                buf.extend(chunk[: OUTPUT_LIMIT - len(buf)])
            self.last_output = time.monotonic()
            got = True
        return got

    def _note_reaction(self, got: bool, now: float) -> None:
        """Output or an exit soon after stdin closed: the command was waiting for input."""
        if (
            self.closed_at is not None
            and not self.reacted
            and (got or self.proc.poll() is not None)
            and now - self.closed_at <= self.settings.eof_grace
        ):
            self.reacted = True
            self.evidence.append(
                f"silent for {self.settings.quiet_after:g}s, then reacted within "
                f"{now - self.closed_at:.2f}s of end-of-input"
            )

    def _on_silence(self, now: float) -> None:
        """Silent with stdin open for quiet_after: record the prompt and close stdin, unless it is busy."""
        # Silent but busy (still starting on a loaded machine) is not waiting for input: start the
        # silent window again rather than close stdin on a command that never asked for it.
        cpu = _group_cpu_s(self.pgid)
        if (
            cpu is not None
            and self.cpu_at_last_output is not None
            and cpu - self.cpu_at_last_output > BUSY_CPU_S
        ):
            self.last_output, self.cpu_at_last_output = now, cpu
            return
        seen = _blocked_on_stdin(self.pgid, self.pipe_inode)
        if seen:
            self.evidence.append(seen)
        tail = strip_ansi(bytes(self.buffers["stdout"] + self.buffers["stderr"]).decode("utf-8", "replace"))
        lines = [ln for ln in tail.splitlines() if ln.strip()]
        self.prompt = lines[-1].strip()[-200:] if lines else None
        os.close(self.stdin_w)
        self.stdin_open = False
        self.closed_at = now

    def run(self) -> None:
        """Until the command exits or the timeout passes; then drain what is left."""
        while True:
            got = self.pump(0.05)
            if got:
                self.cpu_at_last_output = _group_cpu_s(self.pgid)
            now = time.monotonic()
            self._note_reaction(got, now)
            if self.proc.poll() is not None:
                break
            if now - self.started >= self.settings.timeout:
                self.timed_out = True
                break
            if self.stdin_open and now - self.last_output >= self.settings.quiet_after:
                self._on_silence(now)
        # Drain what is left (a straggler holding the pipes open must not keep us here).
        drain_until = time.monotonic() + 0.3
        while self.open_streams and time.monotonic() < drain_until:
            self.pump(0.05)

    def close(self) -> None:
        """Kill the whole process group and release the pipes, whatever happened."""
        _kill_group(self.pgid)
        if self.stdin_open:
            os.close(self.stdin_w)
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.sel.close()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def _execute(
    argv: list[str],
    shown: list[str],
    env: dict[str, str],
    cwd: Path,
    settings: CliSettings,
    log: Path,
    removed: list[str],
    root: Path,
    redactor: Redactor,
) -> CliRun:
    started = time.monotonic()
    proc, stdin_w, pipe_inode = _spawn(argv, shown, env, cwd)
    watch = _Watch(proc, stdin_w, pipe_inode, settings, started)
    try:
        watch.run()
    finally:
        watch.close()
    duration = time.monotonic() - started
    timed_out = watch.timed_out
    code = proc.returncode if not timed_out else None
    sig = -proc.returncode if (proc.returncode or 0) < 0 and not timed_out else None
    urls = (
        [ln.strip() for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
        if log.exists()
        else []
    )

    def clean(raw: bytearray) -> str:
        text = strip_ansi(bytes(raw).decode("utf-8", "replace")).replace(str(root), "$TMP")
        return redactor.text(text)

    return CliRun(
        command=tuple(shown),
        exit_code=code,
        timed_out=timed_out,
        waited_for_input=bool(watch.evidence),
        input_evidence=tuple(watch.evidence),
        prompt=redactor.text(watch.prompt) if watch.prompt else None,
        browser_urls=tuple(redactor.text(u) for u in urls),
        stdout=clean(watch.buffers["stdout"]),
        stderr=clean(watch.buffers["stderr"]),
        duration_s=round(duration, 3),
        removed_env=tuple(removed),
        home=str(root / "home"),
        signal=sig,
        timeout=settings.timeout,
    )


def audit(
    command: list[str],
    settings: CliSettings | None = None,
    environ: dict[str, str] | None = None,
    registry: Registry | None = None,
) -> ScanReport:
    """Run the command, judge the run with the registered checks of target kind ``cli``, build the report."""
    settings = settings or CliSettings()
    registry = registry if registry is not None else load()
    redactor = Redactor()
    started = datetime.now(UTC)
    t0 = time.monotonic()
    run = run_command(command, settings, environ, redactor)
    values = {CLI_RUN.name: run}
    results: list[CheckResult] = []
    for chk in registry.ordered("cli"):
        weight = settings.weights.get(chk.id, chk.meta.weight)
        disabled = disabled_reason(chk, settings.disable)
        if disabled is None:
            results.append(evaluate(chk, values, active=False, target=None, weight=weight))
        else:
            results.append(skipped_result(chk, disabled, weight))
    warnings = list(registry.warnings)
    warnings.append(f"isolation: {run.isolation}")
    warnings.extend(f"the sandbox refused: {line}" for line in run.sandbox_refusals)
    if run.removed_env:
        warnings.append(
            f"removed {len(run.removed_env)} credential variable(s) from the command's environment: "
            + ", ".join(run.removed_env)
        )
    return ScanReport(
        target=Target(
            url="cli:" + shlex.join(command), origin="cli:", host="", is_loopback=True, address_class=None
        ),
        settings=settings,
        started_at=started.isoformat(timespec="seconds"),
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        duration_ms=round((time.monotonic() - t0) * 1000, 1),
        results=results,
        score=summarize(results, settings.category_weights, kind="cli"),
        exchanges=[],
        journey=project(results, "cli"),
        plugins=[
            p for p in registry.plugins if any(registry.checks[c].meta.target_kind == "cli" for c in p.checks)
        ],
        run_warnings=warnings,
        runtime_error=None,
        secrets=redactor.secrets,
        command=list(command),
    )
