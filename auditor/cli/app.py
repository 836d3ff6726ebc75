"""The ``agent-ready`` application object, its shared helpers and the console entry point."""

from __future__ import annotations

import atexit
import contextlib
import copy
import os
import sys
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.main

try:  # typer 0.2x vendors its own click; older releases use the click package
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover
    from click import exceptions as click_exc  # type: ignore[no-redef]

from agent_ready import __version__

if TYPE_CHECKING:  # checks load when a command needs them, not for --help
    from agent_ready.registry import Registry

EXIT_OK, EXIT_GATE, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_INTERNAL = 0, 1, 2, 3, 4

ACTIVE_HELP = (
    "Run ACTIVE checks, which change state on the target: register an OAuth client (deleted afterwards when "
    "RFC 7592 allows), register an anonymous agent identity (auth.md), obtain tokens, create a temporary "
    "resource, send malformed requests and a small bounded burst to provoke a 429. Credentials obtained "
    "are used only against the origin that issued them and never printed."
)

app = typer.Typer(
    name="agent-ready",
    help="Audit whether an autonomous AI agent could use a web service or API with no human at hand.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Placeholders in --help say what to type, not the Python type behind it (`<float range>`, `{url}`). Keyed
# by parameter name, so every command, including ones added later, shares one vocabulary; a parameter not
# listed gets its name in capitals.
METAVARS = {
    "url": "URL",
    "check_id": "ID",
    "only": "ID",
    "skip": "ID",
    "timeout": "SECONDS",
    "deadline": "SECONDS",
    "max_body": "BYTES",
    "max_redirects": "N",
    "concurrency": "N",
    "h2_streams": "N",
    "parallel": "N",
    "workers": "N",
    "fail_under": "SCORE",
    "port": "PORT",
    "variant": "NAME",
    "env": "NAME=VALUE",
    "cwd": "DIR",
    "config": "FILE",
    "output": "FILE",
    "jsonl": "FILE",
    "openmetrics": "FILE",
    "targets": "FILE",
    "inputs": "FILE",
    "report": "REPORT.json",
    "reports_dir": "DIR",
    "shard": "K/N",
    "command": "COMMAND",
}


def humane_help(command: Any) -> Any:
    """Give each parameter of ``command`` and its subcommands that lacks a metavar a readable one."""
    for param in getattr(command, "params", []):
        if param.metavar is None and not getattr(param, "is_flag", False) and param.name:
            name = METAVARS.get(param.name, param.name.upper())
            param.metavar = f"{name}..." if param.nargs == -1 else name
            if param.param_type_name == "argument":
                # typer 0.2x prints a required argument as `{URL}` (and 0.29 adds its Python type,
                # `URL <str>`); the usage line shows it bare (click's own hook, so every typer release
                # honours it) and its help row needs no type.
                usage = param.metavar if param.required else f"[{param.metavar}]"
                param.get_usage_pieces = lambda ctx, usage=usage: [usage]
                param.display_type_rich = lambda ctx: None
    for sub in getattr(command, "commands", {}).values():
        humane_help(sub)
    return command


@lru_cache(maxsize=1)
def docs_url() -> str | None:
    """The package's Documentation URL (pyproject [project.urls]); None when it is not installed."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        entries = metadata("agent-ready").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    for entry in entries:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "documentation" and url.strip():
            return url.strip()
    return None


def error_line(message: str) -> str:
    """An error as printed: the message (with its next step), then where the documentation is."""
    url = docs_url()
    return f"agent-ready: {message}" + (f" (docs: {url})" if url else "")


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(error_line(message) if code == EXIT_USAGE else f"agent-ready: {message}", err=True)
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"agent-ready {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Exit codes: 0 ok, 1 a gate failed, 2 usage error, 3 target unreachable, 4 internal error."""


def _registry(no_plugins: bool) -> Registry:
    from agent_ready.registry import load as load_registry

    reg = load_registry(no_plugins=no_plugins)
    for warning in reg.warnings:
        typer.echo(f"agent-ready: warning: {warning}", err=True)
    return reg


def app_for(args: list[str]) -> typer.Typer:
    """``app``, or a copy that holds only the commands ``args`` needs. typer inspects the signature of every
    command it builds (~2 ms each) and a run uses one: the one it names, or none for a root option alone
    (``--version``). Help, a bare ``agent-ready`` and a mistyped command get them all (they list them or
    suggest one)."""
    if app.registered_groups or not args or any(a in ("-h", "--help") for a in args):
        return app
    name = next((a for a in args if not a.startswith("-")), None)
    chosen = [
        info
        for info in app.registered_commands
        if info.callback is not None
        and (info.name or typer.main.get_command_name(info.callback.__name__)) == name
    ]
    if name is not None and not chosen:
        return app
    only = copy.copy(app)
    only.registered_commands = chosen
    return only


def main() -> None:
    """Console entry point: usage errors are one line and exit 2; anything unexpected is one line, exit 4."""
    # httpx imports its optional command-line client (`httpx._main`: click, rich, pygments; ~40 ms) whenever
    # rich is installed, and typer installs rich. agent-ready never runs httpx's CLI; an empty entry makes
    # httpx take its documented "CLI extra not installed" branch for this process alone.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    try:
        # Without standalone mode click returns the exit code of typer.Exit instead of raising it.
        command = humane_help(typer.main.get_command(app_for(sys.argv[1:])))
        code = command.main(prog_name="agent-ready", standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except click_exc.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `agent-ready`: the help text is the answer
            exc.show()
            sys.exit(EXIT_OK)
        command = exc.ctx.command_path if exc.ctx is not None else "agent-ready"
        message = " ".join(exc.format_message().split())
        typer.echo(error_line(f"{message}; see `{command} --help`"), err=True)
        sys.exit(EXIT_USAGE)
    except click_exc.ClickException as exc:
        typer.echo(error_line(exc.format_message()), err=True)
        sys.exit(EXIT_USAGE)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("agent-ready: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("AGENT_READY_DEBUG"):
            raise
        typer.echo(
            f"agent-ready: internal error: {type(exc).__name__}: {exc} "
            "(set AGENT_READY_DEBUG=1 for the traceback)",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)


def _watched() -> bool:
    """Whether a profiler, a coverage tracer or a debugger is installed in this process."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return True
    monitoring = getattr(sys, "monitoring", None)  # 3.12+: tools may use it instead (coverage sysmon)
    return monitoring is not None and any(monitoring.get_tool(tool) is not None for tool in range(6))


def run() -> None:
    """The process's entry point (``agent-ready``, ``python -m agent_ready``): :func:`main`, then the process
    ends at once with its exit code.

    By then every report is written and closed. What the interpreter would still do on its way out is
    finalize every module and free the objects of the engine, the checks and the libraries one by one:
    10-15 ms after a scan, as much as judging it, for memory the process gives back anyway. Buffered output
    is flushed first; an in-process caller (tests, embedding) calls :func:`main`, which raises SystemExit.
    Under a profiler, a coverage tracer or a debugger the process leaves the usual way, so that what they
    write on exit (``python -m pyinstrument -m agent_ready ...``) is not lost.
    """
    if _watched():
        main()
        return
    try:
        main()
        code: object = EXIT_OK
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # what SystemExit does with a message
        code = 1
    # What was registered to run at exit still runs (logging's flush, temporary files and directories
    # that weakref.finalize removes, multiprocessing's clean-up of a batch's workers); only the teardown
    # of modules and objects is skipped.
    with contextlib.suppress(Exception):
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        # A reader that went away or a closed stream: nothing is left to keep.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code or 0)
