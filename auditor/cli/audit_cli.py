"""``cli``: audit a command-line tool as a background agent would run it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from agent_ready import __version__
from agent_ready.cli.app import (
    EXIT_USAGE,
    _fail,
    _registry,
    app,
)
from agent_ready.cli.gating import (
    ConfigOpt,
    FailOnOpt,
    FailUnderOpt,
    MinCategoryOpt,
    build_gates,
    judge,
    read_config,
)
from agent_ready.cli.outputs import FormatOpt, OutputOpt, plan, write_all
from agent_ready.cli.summary import summary

if TYPE_CHECKING:
    from agent_ready.config import Config
    from agent_ready.registry import Registry

CommandArg = Annotated[list[str], typer.Argument(help="The command to audit and its arguments (after --).")]
TimeoutOpt = Annotated[
    float, typer.Option("--timeout", min=0.5, help="Kill the command after this many seconds (default 30).")
]
EnvOpt = Annotated[
    list[str],
    typer.Option(
        "--env",
        help="NAME=VALUE to give the command (repeatable); nothing else from your environment "
        "but PATH and locale passes.",
    ),
]
CwdOpt = Annotated[Path | None, typer.Option("--cwd", help="Working directory (default: a fresh empty one).")]
SandboxOpt = Annotated[
    bool,
    typer.Option(
        "--sandbox",
        help="Run the command under bubblewrap: read-only system, private empty home, no network, "
        "own PID namespace (default: environment isolation only).",
    ),
]
NetworkOpt = Annotated[
    bool, typer.Option("--network", help="With --sandbox: let the command use the network.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")]


def _cli_config(cfg: Config, reg: Registry) -> Config:
    """The config with its names checked, keeping only the category minimums a cli check can meet."""
    from agent_ready.engine import UsageError, validate_names

    try:
        validate_names(reg, [*cfg.weights, *cfg.disable])
    except UsageError as exc:
        raise _fail(f"{cfg.path}: {exc}", EXIT_USAGE) from None
    # One config file serves scans and cli audits: a minimum for a category no cli check belongs to
    # (tokens, discovery ...) is the scan's, not a gate this audit fails for want of a score.
    cli_categories = {c.meta.category for c in reg.ordered("cli")}
    return dataclasses.replace(
        cfg, category_minimums={k: v for k, v in cfg.category_minimums.items() if k in cli_categories}
    )


def _env_pairs(env: list[str]) -> dict[str, str]:
    extras: dict[str, str] = {}
    for item in env:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise _fail(f"--env expects NAME=VALUE, got {item!r}", EXIT_USAGE)
        extras[name] = value
    return extras


@app.command("cli", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
def cli_cmd(
    command: CommandArg,
    fmt: FormatOpt = None,
    output: OutputOpt = [],  # noqa: B006
    timeout: TimeoutOpt = 30.0,
    env: EnvOpt = [],  # noqa: B006
    cwd: CwdOpt = None,
    sandbox: SandboxOpt = False,
    network: NetworkOpt = False,
    config: ConfigOpt = None,
    fail_under: FailUnderOpt = None,
    min_category: MinCategoryOpt = [],  # noqa: B006
    fail_on: FailOnOpt = [],  # noqa: B006
    quiet: QuietOpt = False,
) -> None:
    """Run COMMAND as a background agent would (no TTY, clean HOME, no credentials, browser stubbed, timeout)
    and grade it: did it prompt or hang, open a browser, and does its error text say what to do next?"""
    from agent_ready.cliaudit import CliSettings, audit
    from agent_ready.engine import UsageError
    from agent_ready.reports import scrub

    outputs = plan(output, fmt)
    cfg = read_config(config)
    reg = _registry(False)
    cfg = _cli_config(cfg, reg)
    gates = build_gates(cfg, reg, fail_under=fail_under, min_category=min_category, fail_on=fail_on)
    extras = _env_pairs(env)
    if network and not sandbox:
        raise _fail("--network only means something with --sandbox", EXIT_USAGE)
    if cwd is not None and not cwd.is_dir():
        raise _fail(f"--cwd {cwd} is not a directory", EXIT_USAGE)
    if not quiet:
        typer.echo(
            f"agent-ready {__version__}: running {' '.join(command)} (timeout {timeout:g}s) ...", err=True
        )
    try:
        report = audit(
            list(command),
            CliSettings(
                timeout=timeout,
                cwd=cwd,
                env=extras,
                sandbox=sandbox,
                network=network,
                weights=dict(cfg.weights),
                category_weights=dict(cfg.category_weights),
                disable=dict(cfg.disable),
                config_path=cfg.path,
            ),
            registry=reg,
        )
    except UsageError as exc:
        raise _fail(str(exc), EXIT_USAGE) from None
    written = write_all(report, outputs, quiet=quiet)
    if not quiet:
        typer.echo(scrub(summary(report), report.secrets), err=True)
    if written:
        raise typer.Exit(written)
    raise typer.Exit(judge(report, gates, None, quiet))
