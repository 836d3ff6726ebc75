"""The ``agent-ready`` command line.

Exit codes (documented in the README and ``--help``):
  0  the scan ran (and met ``--fail-under`` if given)
  1  the scan ran but the score is below ``--fail-under``
  2  usage error: a wrong flag, a malformed URL, an unknown check id, a bad config file
  3  the target could not be reached (the report is still written, every check ``error``)
  4  an internal error (a bug); set AGENT_READY_DEBUG=1 for the traceback
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

try:  # typer 0.2x vendors its own click; older releases use the click package
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover
    from click import exceptions as click_exc  # type: ignore[no-redef]

from auditor import __version__
from auditor.config import Config, ConfigError
from auditor.config import load as load_config
from auditor.engine import ScanReport, ScanSettings, UsageError, scan
from auditor.fetch import FetchLimits
from auditor.models import Status
from auditor.registry import Registry
from auditor.registry import load as load_registry
from auditor.scoring import CATEGORIES, grade_meaning

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
)


class Format(StrEnum):
    json = "json"
    html = "html"


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"agent-ready: {message}", err=True)
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
    """Exit codes: 0 ok, 1 score below --fail-under, 2 usage error, 3 target unreachable, 4 internal error."""


def _registry(no_plugins: bool) -> Registry:
    reg = load_registry(no_plugins=no_plugins)
    for warning in reg.warnings:
        typer.echo(f"agent-ready: warning: {warning}", err=True)
    return reg


def _settings(
    cfg: Config,
    *,
    only: list[str],
    skip: list[str],
    active: bool | None,
    allow_private: bool | None,
    timeout: float | None,
    deadline: float | None,
    max_body: int | None,
    max_redirects: int | None,
    concurrency: int | None,
) -> ScanSettings:
    base = FetchLimits()
    limits = FetchLimits(
        connect_timeout=min(timeout, base.connect_timeout) if timeout else base.connect_timeout,
        read_timeout=timeout or base.read_timeout,
        request_timeout=max(timeout * 2, timeout + 5) if timeout else base.request_timeout,
        max_body_bytes=max_body or base.max_body_bytes,
        max_redirects=base.max_redirects if max_redirects is None else max_redirects,
        per_origin_concurrency=concurrency or base.per_origin_concurrency,
    )
    return ScanSettings(
        active=active if active is not None else bool(cfg.active),
        allow_private=allow_private if allow_private is not None else bool(cfg.allow_private),
        only=list(only) or list(cfg.only),
        skip=[*cfg.skip, *skip],
        deadline=deadline or cfg.timeout or 120.0,
        limits=limits,
        weights=dict(cfg.weights),
        category_weights=dict(cfg.category_weights),
        disable=dict(cfg.disable),
        config_path=cfg.path,
    )


def _check_writable(output: Path | None) -> None:
    """Refuse an unwritable --output before scanning, so a finished scan is never thrown away."""
    if output is None:
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(f"cannot write report to {output}: {exc.strerror}", EXIT_USAGE) from None
    if (
        output.is_dir()
        or not os.access(output.parent, os.W_OK)
        or (output.exists() and not os.access(output, os.W_OK))
    ):
        raise _fail(f"cannot write report to {output}: not a writable file path", EXIT_USAGE)


def _write(report: ScanReport, fmt: Format, output: Path | None) -> None:
    from reports import render

    try:
        text = render(report, fmt.value)
    except Exception as exc:  # a renderer bug must not lose the scan: fall back to the JSON contract
        typer.echo(
            f"agent-ready: internal error rendering {fmt.value}: {type(exc).__name__}: {exc}; "
            "writing the JSON report instead",
            err=True,
        )
        text = render(report, "json")
        if output is not None:
            output = output.with_suffix(".json")
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        sys.stdout.write(text)  # the scan is done: keep the report rather than lose it
        raise _fail(
            f"cannot write report to {output} ({exc.strerror}); it was written to stdout", EXIT_USAGE
        ) from None
    typer.echo(f"report written to {output}", err=True)


def _summary(report: ScanReport) -> str:
    score = report.score
    lines = []
    overall = "n/a" if score.overall is None else f"{score.overall:.0f}/100"
    lines.append(f"{report.target.url}: {overall}, grade {score.grade} ({grade_meaning(score.grade)})")
    for cat in score.categories:
        value = "  n/a" if cat.score is None else f"{cat.score:5.0f}"
        lines.append(
            f"  {cat.title:<20} {value}   "
            + ", ".join(f"{n} {k}" for k, n in cat.counts.items() if n and k not in ("total", "scored"))
        )
    blockers = [r for r in report.results if r.status in (Status.FAIL, Status.ERROR)]
    if blockers:
        lines.append("What blocks an agent:")
        for r in blockers:
            lines.append(f"  [{r.status.value}] {r.id}: {r.summary}")
    cov = score.coverage
    lines.append(
        f"coverage: {cov['scored']} scored of {cov['total']} checks; {cov['error']} error, "
        f"{cov['skipped']} skipped, {cov['not_applicable']} not applicable (scoring v{score.scoring_version})"
    )
    if report.runtime_error:
        lines.append(f"runtime error: {report.runtime_error}")
    return "\n".join(lines)


def _run(
    url: str,
    settings: ScanSettings,
    reg: Registry,
    fmt: Format,
    output: Path | None,
    fail_under: float | None,
    quiet: bool,
) -> int:
    _check_writable(output)
    if not quiet:
        typer.echo(
            f"agent-ready {__version__}: scanning {url}"
            f"{' (ACTIVE checks on)' if settings.active else ''} ...",
            err=True,
        )
    try:
        report = scan(url, reg, settings)
    except UsageError as exc:
        raise _fail(str(exc), EXIT_USAGE) from None
    _write(report, fmt, output)
    if not quiet:
        typer.echo(_summary(report), err=True)
    if report.runtime_error:
        typer.echo(f"agent-ready: {report.runtime_error}", err=True)
        return EXIT_UNREACHABLE
    if fail_under is not None and (report.score.overall is None or report.score.overall < fail_under):
        typer.echo(
            f"agent-ready: score {report.score.overall} is below --fail-under {fail_under:g}", err=True
        )
        return EXIT_GATE
    return EXIT_OK


OnlyOpt = Annotated[
    list[str], typer.Option("--only", help="Run only this check id or category (repeatable).")
]
SkipOpt = Annotated[list[str], typer.Option("--skip", help="Skip this check id or category (repeatable).")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Report format.")]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report here instead of stdout.")
]
ActiveOpt = Annotated[bool | None, typer.Option("--active/--passive", help=ACTIVE_HELP)]


@app.command("scan")
def scan_cmd(
    url: Annotated[str, typer.Argument(help="The URL of the service or API to audit.")],
    fmt: FormatOpt = Format.json,
    output: OutputOpt = None,
    only: OnlyOpt = [],  # noqa: B006  (typer reads the default; it is never mutated)
    skip: SkipOpt = [],  # noqa: B006
    config: Annotated[
        Path | None, typer.Option("--config", help="agent-ready.toml or pyproject.toml to read.")
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", min=0.1, help="Per-request read timeout in seconds (default 10)."),
    ] = None,
    deadline: Annotated[
        float | None, typer.Option("--deadline", min=1, help="Whole-scan deadline in seconds (default 120).")
    ] = None,
    max_body: Annotated[
        int | None, typer.Option("--max-body", min=1024, help="Largest body read, in bytes (default 2 MiB).")
    ] = None,
    max_redirects: Annotated[int | None, typer.Option("--max-redirects", min=0, help="Default 5.")] = None,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", min=1, help="Concurrent requests per origin (default 4).")
    ] = None,
    allow_private: Annotated[
        bool | None,
        typer.Option(
            "--allow-private/--no-allow-private",
            help="Fetch discovered URLs that resolve to private, loopback, link-local or metadata addresses.",
        ),
    ] = None,
    active: ActiveOpt = None,
    fail_under: Annotated[
        float | None,
        typer.Option("--fail-under", min=0, max=100, help="Exit 1 when the overall score is below this."),
    ] = None,
    no_plugins: Annotated[bool, typer.Option("--no-plugins", help="Load only the built-in checks.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")] = False,
) -> None:
    """Probe URL, run the checks, score it and write a report (JSON on stdout by default)."""
    try:
        cfg = load_config(config)
    except ConfigError as exc:
        raise _fail(str(exc), EXIT_USAGE) from None
    settings = _settings(
        cfg,
        only=only,
        skip=skip,
        active=active,
        allow_private=allow_private,
        timeout=timeout,
        deadline=deadline,
        max_body=max_body,
        max_redirects=max_redirects,
        concurrency=concurrency,
    )
    gate = fail_under if fail_under is not None else cfg.fail_under
    raise typer.Exit(_run(url, settings, _registry(no_plugins), fmt, output, gate, quiet))


@app.command("demo")
def demo_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the report.")] = Path(
        "agent-ready-demo.html"
    ),
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.html,
    variant: Annotated[str, typer.Option("--variant", help="good (does everything right) or bare.")] = "good",
    active: Annotated[bool, typer.Option("--active", help=ACTIVE_HELP)] = False,
) -> None:
    """Start the bundled reference service on 127.0.0.1, scan it, print the score and write a report."""
    from auditor.reference import VARIANTS, serve

    if variant not in VARIANTS:
        raise _fail(f"unknown variant {variant!r}; choose from {', '.join(VARIANTS)}", EXIT_USAGE)
    server = serve(variant)
    try:
        settings = _settings(
            Config(),
            only=[],
            skip=[],
            active=active,
            allow_private=None,
            timeout=None,
            deadline=None,
            max_body=None,
            max_redirects=None,
            concurrency=None,
        )
        code = _run(server.url + "/", settings, _registry(False), fmt, output, None, quiet=False)
    finally:
        server.stop()
    raise typer.Exit(code)


@app.command("serve-reference")
def serve_cmd(
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="0 picks a free port.")] = 8750,
    variant: Annotated[str, typer.Option("--variant", help="good or bare.")] = "good",
) -> None:
    """Run the bundled reference service on 127.0.0.1 until interrupted."""
    import time

    from auditor.reference import VARIANTS, serve

    if variant not in VARIANTS:
        raise _fail(f"unknown variant {variant!r}; choose from {', '.join(VARIANTS)}", EXIT_USAGE)
    try:
        server = serve(variant, port=port)
    except OSError as exc:
        raise _fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}", EXIT_USAGE) from None
    typer.echo(f"reference service ({variant}) at {server.url}/", err=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


@app.command("list-checks")
def list_checks_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    no_plugins: Annotated[bool, typer.Option("--no-plugins", help="Only the built-in checks.")] = False,
) -> None:
    """List every check with its category, weight and whether it is ACTIVE."""
    import json

    reg = _registry(no_plugins)
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "category": c.meta.category,
                        "title": c.meta.title,
                        "weight": c.meta.weight,
                        "active": c.meta.active,
                        "plugin": c.plugin,
                    }
                    for c in reg.ordered()
                ],
                indent=2,
            )
        )
        return
    for chk in reg.ordered():
        flag = (
            " ACTIVE" if chk.meta.active and not chk.meta.passive else (" +active" if chk.meta.active else "")
        )
        typer.echo(f"{chk.id:<34} {chk.meta.category:<10} w={chk.meta.weight:<4g}{flag:<8} {chk.meta.title}")


@app.command("explain")
def explain_cmd(check_id: Annotated[str, typer.Argument(help="A check id from list-checks.")]) -> None:
    """Explain one check: what it asks, how it is judged, how to fix a failure."""
    reg = _registry(False)
    chk = reg.checks.get(check_id)
    if chk is None:
        close = [c for c in reg.checks if check_id.split(".")[-1] in c]
        hint = f" Did you mean {', '.join(close[:3])}?" if close else " See `agent-ready list-checks`."
        raise _fail(f"no check {check_id!r}.{hint}", EXIT_USAGE)
    m = chk.meta
    cat = next((c for c in CATEGORIES if c.id == m.category), None)
    typer.echo(f"{m.id}: {m.title}")
    typer.echo(f"  failure title: {m.failure_title}")
    typer.echo(f"  category: {m.category}{f' ({cat.question})' if cat else ''}; weight {m.weight:g}")
    if m.active:
        typer.echo(
            f"  ACTIVE{' only' if not m.passive else ' part'}: "
            f"{m.side_effects or 'changes state on the target'}"
        )
    if m.description:
        typer.echo(f"\n{m.description}")
    typer.echo(f"\nFix: {m.remediation}")
    typer.echo("Specs: " + ", ".join(m.spec_links))
    typer.echo("Probes: " + ", ".join(m.requires + m.active_requires))


@app.command("docs")
def docs_cmd(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder to write checks.md and scoring.md to.")
    ] = Path("docs"),
) -> None:
    """Regenerate the check reference and the scoring model from the checks' metadata."""
    from auditor.docsgen import write

    for path in write(_registry(True), output):
        typer.echo(f"wrote {path}", err=True)


@app.command("cli", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
def cli_cmd(
    command: Annotated[list[str], typer.Argument(help="The command to audit and its arguments (after --).")],
    fmt: FormatOpt = Format.json,
    output: OutputOpt = None,
    timeout: Annotated[
        float,
        typer.Option("--timeout", min=0.5, help="Kill the command after this many seconds (default 30)."),
    ] = 30.0,
    env: Annotated[
        list[str],
        typer.Option(
            "--env",
            help="NAME=VALUE to give the command (repeatable); nothing else from your environment "
            "but PATH and locale passes.",
        ),
    ] = [],  # noqa: B006
    cwd: Annotated[
        Path | None, typer.Option("--cwd", help="Working directory (default: a fresh empty one).")
    ] = None,
    fail_under: Annotated[
        float | None,
        typer.Option("--fail-under", min=0, max=100, help="Exit 1 when the overall score is below this."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
) -> None:
    """Run COMMAND as a background agent would (no TTY, clean HOME, no credentials, browser stubbed, timeout)
    and grade it: did it prompt or hang, open a browser, and does its error text say what to do next?"""
    from auditor.cliaudit import CliSettings, audit

    extras: dict[str, str] = {}
    for item in env:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise _fail(f"--env expects NAME=VALUE, got {item!r}", EXIT_USAGE)
        extras[name] = value
    if cwd is not None and not cwd.is_dir():
        raise _fail(f"--cwd {cwd} is not a directory", EXIT_USAGE)
    if not quiet:
        typer.echo(
            f"agent-ready {__version__}: running {' '.join(command)} (timeout {timeout:g}s) ...", err=True
        )
    try:
        report = audit(list(command), CliSettings(timeout=timeout, cwd=cwd, env=extras))
    except UsageError as exc:
        raise _fail(str(exc), EXIT_USAGE) from None
    _write(report, fmt, output)
    if not quiet:
        score = report.score
        typer.echo(
            f"{' '.join(command)}: {'n/a' if score.overall is None else f'{score.overall:.0f}/100'}, "
            f"grade {score.grade}",
            err=True,
        )
        for r in report.results:
            typer.echo(f"  [{r.status.value}] {r.id}: {r.summary}", err=True)
    if fail_under is not None and (report.score.overall is None or report.score.overall < fail_under):
        typer.echo(
            f"agent-ready: score {report.score.overall} is below --fail-under {fail_under:g}", err=True
        )
        raise typer.Exit(EXIT_GATE)
    raise typer.Exit(EXIT_OK)


def main() -> None:
    """Console entry point: usage errors are one line and exit 2; anything unexpected is one line, exit 4."""
    try:
        # Without standalone mode click returns the exit code of typer.Exit instead of raising it.
        code = app(prog_name="agent-ready", standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except click_exc.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `agent-ready`: the help text is the answer
            exc.show()
            sys.exit(EXIT_OK)
        command = exc.ctx.command_path if exc.ctx is not None else "agent-ready"
        message = " ".join(exc.format_message().split())
        typer.echo(f"agent-ready: {message} (see `{command} --help`)", err=True)
        sys.exit(EXIT_USAGE)
    except click_exc.ClickException as exc:
        typer.echo(f"agent-ready: {exc.format_message()}", err=True)
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
