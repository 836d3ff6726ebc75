"""``scan`` and ``demo``: settings from flags and config, one scan, its report and summary."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agent_ready import __version__
from agent_ready.cli.app import (
    ACTIVE_HELP,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    _fail,
    _registry,
    app,
    error_line,
)
from agent_ready.cli.gating import (
    BaselineOpt,
    ConfigOpt,
    FailOnOpt,
    FailUnderOpt,
    ForceOpt,
    MinCategoryOpt,
    build_gates,
    judge,
    load_baseline,
    read_config,
)
from agent_ready.cli.outputs import FormatOpt, JunitWarnOpt, Output, OutputOpt, plan, write_all
from agent_ready.cli.summary import summary as _summary
from agent_ready.config import HEADER_NAME, Config, ConfigError

if TYPE_CHECKING:  # the engine, fetcher and reports load only when a scan runs (start-up of --help)
    from agent_ready.engine import ScanSettings
    from agent_ready.gates import Gates
    from agent_ready.registry import Registry
    from agent_ready.reports import RenderOptions


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
    headers: dict[str, str] | None = None,
    h2_streams: int | None = None,
    ca_bundle: Path | None = None,
    insecure: bool | None = None,
) -> ScanSettings:
    from agent_ready.engine import ScanSettings
    from agent_ready.fetch import FetchLimits

    base = FetchLimits()
    limits = FetchLimits(
        connect_timeout=min(timeout, base.connect_timeout) if timeout else base.connect_timeout,
        read_timeout=timeout or base.read_timeout,
        request_timeout=max(timeout * 2, timeout + 5) if timeout else base.request_timeout,
        max_body_bytes=max_body or base.max_body_bytes,
        max_redirects=base.max_redirects if max_redirects is None else max_redirects,
        per_origin_concurrency=concurrency or base.per_origin_concurrency,
        per_origin_streams=h2_streams or base.per_origin_streams,
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
        headers=headers or {},
        ca_bundle=str(ca_bundle) if ca_bundle is not None else cfg.ca_bundle,
        insecure=insecure if insecure is not None else bool(cfg.insecure),
    )


def _headers(items: list[str], cfg: Config) -> dict[str, str]:
    """``--header "Name: value"`` over the config file's [headers] (values from the environment)."""
    try:
        out = cfg.headers()
    except ConfigError as exc:
        raise _fail(str(exc), EXIT_USAGE) from None
    for item in items:
        name, sep, value = item.partition(":")
        name, value = name.strip(), value.strip()
        if not sep or not HEADER_NAME.match(name) or not value or "\n" in value or "\r" in value:
            # Never echo the item: its value is most likely a credential.
            raise _fail(f'--header expects "Name: value" (got a header named {name[:40]!r})', EXIT_USAGE)
        out[name] = value
    return out


def _run(
    url: str,
    settings: ScanSettings,
    reg: Registry,
    outputs: list[Output],
    gates: Gates,
    quiet: bool,
    options: RenderOptions | None = None,
    baseline: dict[str, Any] | None = None,
) -> int:
    from agent_ready.engine import UsageError, load_builtin_probes, scan
    from agent_ready.reports import scrub

    # What is loaded by now (the libraries, every check and probe: ~40,000 tracked objects) lives as long as
    # the process. Frozen, it drops out of the cyclic collector's view: the full collections the scan's own
    # allocations trigger no longer walk it each time (~40 ms of CPU in a 0 ms scan of the reference).
    load_builtin_probes()
    gc.freeze()
    gc.enable()  # off while the scan command loaded them (scan_cmd)

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
    written = write_all(report, outputs, options, quiet=quiet)
    if report.interrupted:
        left = [c for c in report.created if c["status"] != "removed"]
        typer.echo(
            f"agent-ready: interrupted; partial report written; {len(report.created) - len(left)} of "
            f"{len(report.created)} created resource(s) removed",
            err=True,
        )
        return 130
    if report.runtime_error:  # an error, so it is said even with --quiet, and said once
        typer.echo(error_line(scrub(_summary(report), report.secrets)), err=True)
    elif not quiet:
        typer.echo(scrub(_summary(report), report.secrets), err=True)
    if written:
        return written
    if report.runtime_error:
        return EXIT_UNREACHABLE
    return judge(report, gates, baseline, quiet)


OnlyOpt = Annotated[
    list[str], typer.Option("--only", help="Run only this check id or category (repeatable).")
]
SkipOpt = Annotated[list[str], typer.Option("--skip", help="Skip this check id or category (repeatable).")]
ActiveOpt = Annotated[bool | None, typer.Option("--active/--passive", help=ACTIVE_HELP)]

MaxBodyOpt = Annotated[
    int | None,
    typer.Option(
        "--max-body", min=1024, metavar="BYTES", help="Largest body read, in bytes (default 2 MiB)."
    ),
]
MaxRedirectsOpt = Annotated[
    int | None, typer.Option("--max-redirects", min=0, metavar="N", help="Default 5.")
]
AllowPrivateOpt = Annotated[
    bool | None,
    typer.Option(
        "--allow-private/--no-allow-private",
        help="Fetch discovered URLs that resolve to private, loopback, link-local or metadata addresses.",
    ),
]


HeaderOpt = Annotated[
    list[str],
    typer.Option(
        "--header",
        "-H",
        metavar='"Name: value"',
        help="Send this header to the target's own origin, never to a third party it points to "
        "(repeatable): an API key or bearer token for an authenticated scan. Redacted in every output.",
    ),
]
H2StreamsOpt = Annotated[
    int | None,
    typer.Option(
        "--h2-streams", min=1, help="Concurrent requests per origin once it speaks HTTP/2 (default 32)."
    ),
]
CaBundleOpt = Annotated[
    Path | None,
    typer.Option("--ca-bundle", metavar="PATH", help="Also trust the CA certificates in this PEM file."),
]
InsecureOpt = Annotated[
    bool | None,
    typer.Option("--insecure/--verify-tls", help="Do not verify TLS certificates (the report says so)."),
]


@app.command("scan")
def scan_cmd(
    url: Annotated[str, typer.Argument(help="The URL of the service or API to audit.")],
    fmt: FormatOpt = None,
    output: OutputOpt = [],  # noqa: B006
    junit_warn: JunitWarnOpt = "pass",
    only: OnlyOpt = [],  # noqa: B006  (typer reads the default; it is never mutated)
    skip: SkipOpt = [],  # noqa: B006
    config: ConfigOpt = None,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", min=0.1, help="Per-request read timeout in seconds (default 10)."),
    ] = None,
    deadline: Annotated[
        float | None, typer.Option("--deadline", min=1, help="Whole-scan deadline in seconds (default 120).")
    ] = None,
    max_body: MaxBodyOpt = None,
    max_redirects: MaxRedirectsOpt = None,
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency", min=1, help="Concurrent requests (HTTP/1.1: connections) per origin (default 6)."
        ),
    ] = None,
    h2_streams: H2StreamsOpt = None,
    allow_private: AllowPrivateOpt = None,
    active: ActiveOpt = None,
    header: HeaderOpt = [],  # noqa: B006
    ca_bundle: CaBundleOpt = None,
    insecure: InsecureOpt = None,
    fail_under: FailUnderOpt = None,
    min_category: MinCategoryOpt = [],  # noqa: B006
    fail_on: FailOnOpt = [],  # noqa: B006
    baseline: BaselineOpt = None,
    force: ForceOpt = False,
    no_plugins: Annotated[bool, typer.Option("--no-plugins", help="Load only the built-in checks.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")] = False,
) -> None:
    """Probe URL, run the checks, score it and write reports (JSON on stdout by default; -o for files in
    any format, all from the one scan), then apply the gates."""
    # Loading the checks, the engine and the network layer allocates most of the objects _run freezes; the
    # cyclic collector would walk them again and again while they load (~25 ms of CPU before the first
    # request), finding nothing to free. It stays off until _run has frozen them.
    gc.disable()
    try:
        outputs = plan(output, fmt)
        cfg = read_config(config)
        reg = _registry(no_plugins)
        gates = build_gates(cfg, reg, fail_under=fail_under, min_category=min_category, fail_on=fail_on)
        old = load_baseline(baseline, force)
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
            headers=_headers(header, cfg),
            h2_streams=h2_streams,
            ca_bundle=ca_bundle,
            insecure=insecure,
        )
        from agent_ready.reports import RenderOptions

        raise typer.Exit(_run(url, settings, reg, outputs, gates, quiet, RenderOptions(warn=junit_warn), old))
    finally:
        gc.enable()


DEMO_REPORT = Path("agent-ready-demo.html")


@app.command("demo")
def demo_cmd(
    output: OutputOpt = [],  # noqa: B006
    fmt: FormatOpt = None,
    variant: Annotated[str, typer.Option("--variant", help="good (does everything right) or bare.")] = "good",
    active: Annotated[bool, typer.Option("--active", help=ACTIVE_HELP)] = False,
) -> None:
    """Start the bundled reference service on 127.0.0.1, scan it, print the score and write a report."""
    from agent_ready.gates import Gates
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
        code = _run(server.url + "/", settings, _registry(False), outputs, Gates(), quiet=False)
    finally:
        server.stop()
    raise typer.Exit(code)
