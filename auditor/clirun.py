"""What ``agent-ready cli`` observed when it ran a command: the artifact the ``cli`` checks judge.

Plain frozen data with no dependency on the runner (``agent_ready.cliaudit``) or the network layer, so the
checks in ``checks/cli.py`` are pure functions of it and tests build one by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent_ready.artifacts.key import Key


@dataclass(frozen=True)
class CliSettings:
    timeout: float = 30.0
    quiet_after: float = 2.0  # silence (while running) before the stdin test
    eof_grace: float = 1.5  # how long a command has to react once stdin is closed
    cwd: Path | None = None  # default: a fresh empty directory
    env: dict[str, str] = field(default_factory=dict)  # --env extras
    sandbox: bool = False  # --sandbox: run under bubblewrap (agent_ready.sandbox)
    network: bool = False  # --network: the sandbox keeps the host's network
    # From the config file, as a scan reads them (agent_ready.config): check weights by id, category weights,
    # checks or categories disabled with the reason the report shows.
    weights: dict[str, float] = field(default_factory=dict)
    category_weights: dict[str, float] = field(default_factory=dict)
    disable: dict[str, str] = field(default_factory=dict)
    config_path: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The settings as the report records them: the names of --env extras, never their values."""
        return {
            "timeout_s": self.timeout,
            "quiet_after_s": self.quiet_after,
            "eof_grace_s": self.eof_grace,
            "cwd": str(self.cwd) if self.cwd is not None else None,
            "env": sorted(self.env),
            "isolation": "bubblewrap" if self.sandbox else "environment",
            "network": self.network or not self.sandbox,
            "weights": dict(self.weights),
            "category_weights": dict(self.category_weights),
            "disabled": dict(self.disable),
            "config_file": self.config_path,
        }


@dataclass(frozen=True)
class CliRun:
    command: tuple[str, ...]
    exit_code: int | None
    timed_out: bool
    waited_for_input: bool
    input_evidence: tuple[str, ...]
    prompt: str | None  # the last output line before the command went quiet
    browser_urls: tuple[str, ...]
    stdout: str  # redacted, ANSI stripped, bounded
    stderr: str
    duration_s: float
    removed_env: tuple[str, ...]
    home: str  # the temporary HOME the command saw (deleted afterwards)
    signal: int | None = None
    timeout: float = 30.0  # the timeout the command ran under
    isolation: str = ""  # how the command was isolated, in words (environment only, or the sandbox)
    sandbox_refusals: tuple[str, ...] = ()  # stderr lines reporting what the sandbox refused


# The key cli checks declare in ``requires=`` (the counterpart of a probe's key for a web scan).
CLI_RUN: Key[CliRun] = Key("cli_run")
