"""``agent-ready cli --sandbox``: run the audited command under bubblewrap.

Without ``--sandbox`` the command gets environment isolation only (a clean environment and a temporary
``HOME``; see :mod:`agent_ready.cliaudit`), which a tool that reads ``/root/.ssh`` by absolute path walks
straight through. With it, the command runs in ``bwrap`` with:

* the whole system mounted **read-only**, so writes anywhere but its own temporary directories fail with
  ``EROFS``;
* the real home directories (``/root``, ``/home``, the caller's ``$HOME``) replaced by empty tmpfs mounts,
  and ``/tmp`` too, so ``~/.ssh`` and other users' files are not there to read;
* its own user, PID, IPC, UTS and cgroup namespaces, and its own **network namespace** (no interfaces but
  a down loopback, so every socket connect fails) unless ``--network`` is given;
* ``--die-with-parent``, so the sandbox never outlives the audit.

Only the run's temporary root (its ``HOME``, XDG directories, ``TMPDIR``, working directory and browser
stubs) is writable, plus ``--cwd`` when given.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = (
    "--sandbox needs bubblewrap (bwrap), which is not installed: "
    "apt-get install bubblewrap (Debian/Ubuntu), dnf install bubblewrap (Fedora), or drop --sandbox"
)

ENVIRONMENT_ONLY = (
    "environment isolation only (clean environment, temporary HOME); not a sandbox: the command could read "
    "or write anything your user can, and use the network (use --sandbox for bubblewrap)"
)

# What a process sees when the sandbox refuses: a read-only mount, a missing (hidden) file, no permission,
# no network. Matched in the command's stderr so the report can say what was refused.
_REFUSAL = re.compile(
    r"read-only file system|permission denied|operation not permitted|network is unreachable|"
    r"connection refused|"
    r"temporary failure in name resolution|name or service not known|cannot assign requested address|"
    r"no such file or directory",
    re.I,
)


class SandboxUnavailable(Exception):
    """--sandbox was asked for and bubblewrap cannot run here."""


@dataclass(frozen=True)
class Sandbox:
    bwrap: str
    network: bool = False

    def describe(self) -> str:
        net = "network allowed (--network)" if self.network else "no network"
        return f"bubblewrap sandbox: read-only system, private empty home, {net}, own PID namespace"

    def wrap(
        self, argv: list[str], *, writable: Iterable[Path], cwd: Path, readable: Iterable[Path] = ()
    ) -> list[str]:
        """``argv`` as run inside the sandbox; ``writable`` directories are bound read-write, ``readable``
        ones (the command's own directory when it lives under a hidden home) read-only."""
        args = [self.bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        # Hide every home and the shared /tmp behind empty tmpfs mounts (then re-bind the run's own dirs,
        # which live under /tmp, on top).
        hidden = {"/root", "/home", "/tmp", "/var/tmp", "/run/user"}
        real_home = os.environ.get("HOME")
        if real_home and real_home not in ("/", ""):
            hidden.add(real_home)
        covered = [
            h for h in sorted(hidden) if Path(h).is_dir() and not any(_under(h, other) for other in hidden)
        ]
        for hide in covered:
            args += ["--tmpfs", hide]
        for shown in readable:
            if any(_under(str(shown), h) for h in covered):
                args += ["--ro-bind", str(shown), str(shown)]
        for own in writable:
            args += ["--bind", str(own), str(own)]
        # Empty and read-only: nothing to read there, and a write fails instead of landing in a throw-away
        # tmpfs (the run's own directories, bound above, stay writable: a remount does not reach submounts).
        for hide in covered:
            args += ["--remount-ro", hide]
        args += ["--unshare-all"]
        if self.network:
            args += ["--share-net"]
        args += ["--die-with-parent", "--chdir", str(cwd), "--", *argv]
        return args


def _under(path: str, parent: str) -> bool:
    return path != parent and path.startswith(parent.rstrip("/") + "/")


def find(network: bool = False) -> Sandbox:
    """The sandbox to run under, or SandboxUnavailable with how to get it (one line)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable(INSTALL_HINT)
    # bwrap needs user namespaces (or root); some containers and hardened kernels refuse them. Try once.
    try:
        trial = subprocess.run(
            [bwrap, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"],
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxUnavailable(f"--sandbox: bubblewrap does not run here: {exc}") from None
    if trial.returncode != 0:
        reason = trial.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SandboxUnavailable(
            "--sandbox: bubblewrap cannot create namespaces here"
            + (f" ({reason[-1]})" if reason else "")
            + "; enable unprivileged user namespaces "
            "(sysctl kernel.unprivileged_userns_clone=1) or drop --sandbox"
        )
    return Sandbox(bwrap=bwrap, network=network)


def refusals(stderr: str, limit: int = 5) -> tuple[str, ...]:
    """Lines of the command's stderr that report something the sandbox refused (at most ``limit``)."""
    found = [line.strip() for line in stderr.splitlines() if _REFUSAL.search(line)]
    return tuple(dict.fromkeys(found))[:limit]
