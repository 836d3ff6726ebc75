"""``batch`` and ``merge``: many targets to JSON Lines, in shards on any scheduler, joined afterwards."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from agent_ready.cli.app import EXIT_GATE, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, _fail, _registry, app
from agent_ready.cli.gating import ConfigOpt, FailOnOpt, FailUnderOpt, MinCategoryOpt, build_gates
from agent_ready.cli.scan import (
    ActiveOpt,
    AllowPrivateOpt,
    CaBundleOpt,
    H2StreamsOpt,
    HeaderOpt,
    InsecureOpt,
    MaxBodyOpt,
    MaxRedirectsOpt,
    OnlyOpt,
    SkipOpt,
    _headers,
    _settings,
)
from agent_ready.config import ConfigError
from agent_ready.config import load as load_config

if TYPE_CHECKING:
    from agent_ready.batch import BatchSettings, Progress
    from agent_ready.config import Config
    from agent_ready.engine import ScanSettings
    from agent_ready.jsonl import JsonlWriter
    from agent_ready.registry import Registry
    from agent_ready.targets import Shard


def _read_list(source: str) -> list[str]:
    from agent_ready.targets import read_targets

    if source == "-":
        return read_targets(sys.stdin)
    path = Path(source)
    try:
        with path.open(encoding="utf-8") as fh:
            return read_targets(fh)
    except OSError as exc:
        raise _fail(f"cannot read target list {source}: {exc.strerror or exc}", EXIT_USAGE) from None


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _bar(done: int, total: int, rate: float, errors: int, eta: float | None, width: int = 24) -> str:
    filled = width * done // total if total else width
    return (
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}  {rate:.1f}/s  "
        f"{errors} error{'s' if errors != 1 else ''}  ETA {_clock(eta)} "
    )


def _write_openmetrics(path: Path, lines: list[dict[str, Any]]) -> None:
    from agent_ready.jsonl import latest
    from agent_ready.reports.openmetrics import exposition

    text = exposition(latest(lines).values())
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)  # a textfile collector never reads a half-written file
    except OSError as exc:
        raise _fail(f"cannot write OpenMetrics to {path}: {exc.strerror or exc}", EXIT_USAGE) from None


TargetsArg = Annotated[str, typer.Argument(help="A file with one URL per line (# comments), or - for stdin.")]
JsonlOpt = Annotated[
    Path | None,
    typer.Option("--jsonl", help="Append one JSON line per target here as it finishes (default: stdout)."),
]
FullOpt = Annotated[
    bool, typer.Option("--full/--summary", help="Each line holds the full report, or a compact summary.")
]
ResumeOpt = Annotated[
    bool, typer.Option("--resume", help="Skip targets that already have a line in --jsonl.")
]
ShardOpt = Annotated[
    str | None,
    typer.Option(
        "--shard",
        help="K/N: scan only shard K of N (by a stable hash of each URL). N alone takes K from "
        "JOB_COMPLETION_INDEX (a Kubernetes Indexed Job, 0-based).",
    ),
]
ParallelOpt = Annotated[
    int, typer.Option("--parallel", min=1, max=1024, help="Scans in flight at once (default 16).")
]
WorkersOpt = Annotated[
    int,
    typer.Option(
        "--workers",
        min=1,
        max=64,
        help="Processes sharing --parallel (one event loop uses one core; default 1).",
    ),
]
OpenMetricsOpt = Annotated[
    Path | None,
    typer.Option(
        "--openmetrics", help="At the end, write an OpenMetrics exposition of each target's latest line here."
    ),
]
TimeoutOpt = Annotated[
    float | None, typer.Option("--timeout", min=0.1, help="Per-request read timeout in seconds (default 10).")
]
DeadlineOpt = Annotated[
    float | None,
    typer.Option("--deadline", min=1, help="Deadline of each target's scan in seconds (default 120)."),
]
ConcurrencyOpt = Annotated[
    int | None,
    typer.Option(
        "--concurrency", min=1, help="Concurrent requests per origin, across the batch (default 6)."
    ),
]
NoPluginsOpt = Annotated[bool, typer.Option("--no-plugins", help="Load only the built-in checks.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary line.")]


def _config_and_shard(config: Path | None, shard: str | None) -> tuple[Config, Shard | None]:
    from agent_ready.targets import TargetListError, parse_shard

    try:
        return load_config(config), parse_shard(shard) if shard is not None else None
    except (ConfigError, TargetListError) as exc:
        raise _fail(str(exc), EXIT_USAGE) from None


def _checked_registry(settings: ScanSettings, no_plugins: bool) -> Registry:
    """The checks to run, once the TLS options and --only/--skip are known to be valid (else exit 2)."""
    from agent_ready.engine import UsageError, validate_selectors
    from agent_ready.fetch import tls_verify

    try:
        tls_verify(settings.ca_bundle, settings.insecure)  # a bad bundle is a usage error, before any scan
    except ValueError as exc:
        raise _fail(str(exc), EXIT_USAGE) from None
    registry = _registry(no_plugins)
    try:  # a wrong --only/--skip is one usage error now, not an error line for every target
        validate_selectors(registry, settings)
    except UsageError as exc:
        raise _fail(str(exc), EXIT_USAGE) from None
    return registry


def _writer(jsonl: Path | None) -> JsonlWriter:
    from agent_ready.jsonl import JsonlWriter

    try:
        return JsonlWriter.append_to(jsonl) if jsonl is not None else JsonlWriter(sys.stdout, sync=False)
    except OSError as exc:
        raise _fail(f"cannot write {jsonl}: {exc.strerror or exc}", EXIT_USAGE) from None


def _targets_to_scan(
    targets: str, shard: Shard | None, resume: bool, jsonl: Path | None
) -> tuple[list[str], int]:
    """The URLs of this shard not yet in --jsonl (with --resume), and how many --resume skipped."""
    from agent_ready.jsonl import done_keys
    from agent_ready.targets import normalise

    urls = _read_list(targets)
    if shard is not None:
        urls = [u for u in urls if shard.holds(u)]
    if not (resume and jsonl is not None):
        return urls, 0
    done = done_keys(jsonl)
    left = [u for u in urls if normalise(u) not in done]
    return left, len(urls) - len(left)


def _run(
    urls: list[str],
    registry: Registry,
    batch: BatchSettings,
    writer: JsonlWriter,
    *,
    jsonl: Path | None,
    openmetrics: Path | None,
    workers: int,
    no_plugins: bool,
    tty: bool,
) -> Progress:
    """Scan the URLs in one process or several, writing each line as it finishes; then the metrics."""
    from agent_ready.batch import run_batch, run_batch_processes
    from agent_ready.jsonl import iter_lines

    ran: list[dict[str, Any]] = []  # compact lines of this run, for --openmetrics without --jsonl

    def sink(line: dict[str, Any]) -> None:
        writer.write(line)
        if openmetrics is not None and jsonl is None:
            ran.append({k: v for k, v in line.items() if k != "report"})

    def show(p: Progress) -> None:
        sys.stderr.write(_bar(p.done, p.total, p.rate, p.errors, p.eta))
        sys.stderr.flush()

    try:
        if workers > 1 and len(urls) > 1:
            progress = run_batch_processes(
                urls,
                no_plugins=no_plugins,
                settings=batch,
                sink=sink,
                workers=min(workers, len(urls)),
                on_progress=show if tty else None,
            )
        else:
            import asyncio

            progress = asyncio.run(
                run_batch(urls, registry, batch, sink, total=len(urls), on_progress=show if tty else None)
            )
    finally:
        if jsonl is not None:
            writer.close()
    if tty:
        sys.stderr.write("\n")
    if openmetrics is not None:
        # Full reports are dropped as they are read: the metrics need the summaries only.
        lines = ran if jsonl is None else [{**ln, "report": None} for ln in iter_lines(jsonl, [])]
        _write_openmetrics(openmetrics, lines)
    return progress


def _finish(progress: Progress, gated: bool, skipped: int, quiet: bool) -> NoReturn:
    """The summary line, then the exit code: 1 when a target failed a gate, 3 when none could be scanned."""
    scanned = progress.done - progress.errors
    if not quiet:
        gate_note = f", {progress.gate_failures} below the gate" if gated else ""
        typer.echo(
            f"agent-ready: batch: {progress.done} target(s) in {progress.elapsed:.1f}s "
            f"({progress.rate:.1f}/s): {scanned} scanned, {progress.errors} error{gate_note}"
            f"{f', {skipped} skipped (--resume)' if skipped else ''}",
            err=True,
        )
    if progress.gate_failures:
        raise typer.Exit(EXIT_GATE)
    if progress.done and not scanned:
        raise typer.Exit(EXIT_UNREACHABLE)
    raise typer.Exit(EXIT_OK)


@app.command("batch")
def batch_cmd(
    targets: TargetsArg,
    jsonl: JsonlOpt = None,
    full: FullOpt = False,
    resume: ResumeOpt = False,
    shard: ShardOpt = None,
    parallel: ParallelOpt = 16,
    workers: WorkersOpt = 1,
    openmetrics: OpenMetricsOpt = None,
    only: OnlyOpt = [],  # noqa: B006
    skip: SkipOpt = [],  # noqa: B006
    config: ConfigOpt = None,
    timeout: TimeoutOpt = None,
    deadline: DeadlineOpt = None,
    max_body: MaxBodyOpt = None,
    max_redirects: MaxRedirectsOpt = None,
    concurrency: ConcurrencyOpt = None,
    h2_streams: H2StreamsOpt = None,
    allow_private: AllowPrivateOpt = None,
    active: ActiveOpt = None,
    header: HeaderOpt = [],  # noqa: B006
    ca_bundle: CaBundleOpt = None,
    insecure: InsecureOpt = None,
    fail_under: FailUnderOpt = None,
    min_category: MinCategoryOpt = [],  # noqa: B006
    fail_on: FailOnOpt = [],  # noqa: B006
    no_plugins: NoPluginsOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Scan every URL of a list concurrently and write one JSON line per target as each finishes.

    A dead, hostile or slow target becomes an "error" line; it never stalls the batch. The gates
    (--fail-under, --min-category, --fail-on) judge each target. Exit 0 when every scanned target passes
    them, 1 when any fails one, 3 when no target could be scanned.
    """
    from agent_ready.batch import BatchSettings, GateCheck

    if resume and jsonl is None:
        raise _fail("--resume needs --jsonl (the file whose targets are skipped)", EXIT_USAGE)
    cfg, chosen = _config_and_shard(config, shard)
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
    registry = _checked_registry(settings, no_plugins)
    gate = GateCheck(
        build_gates(cfg, registry, fail_under=fail_under, min_category=min_category, fail_on=fail_on)
    )
    batch = BatchSettings(scan=settings, concurrency=parallel, full=full, gate=gate if gate.active else None)
    # Every flag is checked before the list is read (stdin may be a pipe that is still being written).
    urls, skipped = _targets_to_scan(targets, chosen, resume, jsonl)
    writer = _writer(jsonl)
    if not quiet and skipped:
        typer.echo(f"agent-ready: --resume: {skipped} target(s) already in {jsonl}; skipped", err=True)
    tty = sys.stderr.isatty() and not quiet
    progress = _run(
        urls,
        registry,
        batch,
        writer,
        jsonl=jsonl,
        openmetrics=openmetrics,
        workers=workers,
        no_plugins=no_plugins,
        tty=tty,
    )
    _finish(progress, batch.gate is not None, skipped, quiet)


@app.command("merge")
def merge_cmd(
    files: Annotated[
        list[Path], typer.Argument(help="JSONL files from batch (shards, nights) or JSON reports.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The merged JSONL file to write.")],
) -> None:
    """Join batch results: every scan kept once (the same target and time is one scan; the last read wins),
    ordered by time."""
    from agent_ready.jsonl import JsonlWriter, load, merge

    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise _fail(f"no such file: {', '.join(missing)}", EXIT_USAGE)
    loaded = load(files)
    for warning in loaded.warnings:
        typer.echo(f"agent-ready: warning: {warning}", err=True)
    merged = merge(loaded.lines)
    tmp = output.with_name(output.name + ".tmp")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        writer = JsonlWriter(tmp.open("w", encoding="utf-8"), sync=False)
        for line in merged:
            writer.write(line)
        writer.close()
        tmp.replace(output)  # written in full, then moved: merging into one of the inputs is safe
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror or exc}", EXIT_USAGE) from None
    typer.echo(f"agent-ready: merged {len(loaded.lines)} line(s) into {len(merged)} in {output}", err=True)
