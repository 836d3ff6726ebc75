"""``scan`` and ``demo``: settings from flags and config, one scan, its report and summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agent_ready import __version__
from agent_ready.cli.app import (
    ACTIVE_HELP,
    EXIT_GATE,
    EXIT_OK,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    _fail,
    _registry,
    app,
)
from agent_ready.cli.outputs import FormatOpt, JunitWarnOpt, Output, OutputOpt, plan, write_all
from agent_ready.config import Config, ConfigError
from agent_ready.config import load as load_config
from agent_ready.engine import ScanReport, ScanSettings, UsageError, scan
from agent_ready.fetch import FetchLimits
from agent_ready.models import Status
from agent_ready.registry import Registry
from agent_ready.reports import RenderOptions
from agent_ready.scoring import grade_meaning


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


def _summary(report: ScanReport) -> str:
    score = report.score
    lines = []
    overall = "n/a" if score.overall is None else f"{score.overall:.0f}/100"
    meaning = grade_meaning(score.grade, score.unverified)
    lines.append(f"{report.target.url}: {overall}, grade {score.grade} ({meaning})")
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
    outputs: list[Output],
    fail_under: float | None,
    quiet: bool,
    options: RenderOptions | None = None,
) -> int:
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
    written = write_all(report, outputs, options)
    if not quiet:
        typer.echo(_summary(report), err=True)
    if written:
        return written
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
ActiveOpt = Annotated[bool | None, typer.Option("--active/--passive", help=ACTIVE_HELP)]


@app.command("scan")
def scan_cmd(
    url: Annotated[str, typer.Argument(help="The URL of the service or API to audit.")],
    fmt: FormatOpt = None,
    output: OutputOpt = [],  # noqa: B006
    junit_warn: JunitWarnOpt = "pass",
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
    outputs = plan(output, fmt)
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
    raise typer.Exit(
        _run(url, settings, _registry(no_plugins), outputs, gate, quiet, RenderOptions(warn=junit_warn))
    )


DEMO_REPORT = Path("agent-ready-demo.html")


@app.command("demo")
def demo_cmd(
    output: OutputOpt = [],  # noqa: B006
    fmt: FormatOpt = None,
    variant: Annotated[str, typer.Option("--variant", help="good (does everything right) or bare.")] = "good",
    active: Annotated[bool, typer.Option("--active", help=ACTIVE_HELP)] = False,
) -> None:
    """Start the bundled reference service on 127.0.0.1, scan it, print the score and write a report."""
    from agent_ready.reference import VARIANTS, serve

    if variant not in VARIANTS:
        raise _fail(f"unknown variant {variant!r}; choose from {', '.join(VARIANTS)}", EXIT_USAGE)
    # With neither --output nor --format the demo writes the page a person opens.
    outputs = plan(output or ([] if fmt else [DEMO_REPORT]), fmt)
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
        code = _run(server.url + "/", settings, _registry(False), outputs, None, quiet=False)
    finally:
        server.stop()
    raise typer.Exit(code)
