"""Many scans at once: a global limit on scans in flight, one connection pool, a line per target as it ends.

Each target is an ordinary scan (:func:`agent_ready.engine.run_scan`) with its own settings, fetch cache,
address policy and redactor; the scans share only the connection pool (:class:`~agent_ready.fetch.
SharedTransport`), whose per-origin limit holds across the batch. Every scan runs under a hard per-target
deadline (the scan's own ``deadline`` plus a grace period for the report), so a target that never answers,
answers one byte at a time or does not resolve becomes an ``error`` line and the batch moves on.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.queues
import queue as pyqueue
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from agent_ready.engine import ScanSettings, UsageError, run_scan
from agent_ready.fetch import SharedTransport, tls_verify
from agent_ready.gates import Gates, evaluate
from agent_ready.registry import Registry
from agent_ready.targets import normalise

# Time to build and write the report after the scan's own deadline cancelled its probes.
GRACE_S = 10.0

# A gate judges one report document and says why it fails (empty: it passes).
Gate = Callable[[dict[str, Any]], list[str]]


@dataclass(frozen=True)
class GateCheck:
    """The CI gates (``--fail-under``, ``--min-category``, ``--fail-on``) applied to each target's report;
    a class, so that it can travel to worker processes."""

    gates: Gates

    def __call__(self, doc: dict[str, Any]) -> list[str]:
        return evaluate(doc, self.gates)

    @property
    def active(self) -> bool:
        return self.gates.fail_under is not None or bool(self.gates.category_minimums or self.gates.fail_on)


@dataclass
class BatchSettings:
    scan: ScanSettings = field(default_factory=ScanSettings)
    concurrency: int = 16  # scans in flight at once, across all targets
    full: bool = False  # the whole report in each line, not just the summary
    gate: Gate | None = None
    grace: float = GRACE_S


@dataclass
class Progress:
    total: int
    done: int = 0
    errors: int = 0
    gate_failures: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        """Targets per second so far."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        return (self.total - self.done) / self.rate if self.rate > 0 else None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def error_line(url: str, reason: str, exit_code: int, schema_version: str) -> dict[str, Any]:
    return {
        "schema_version": schema_version,
        "target": url,
        "key": normalise(url),
        "time": _now(),
        "status": "error",
        "error": reason,
        "exit_code": exit_code,
        "gate": None,
        "summary": None,
    }


async def scan_one(
    url: str, registry: Registry, settings: BatchSettings, transport: SharedTransport | None
) -> dict[str, Any]:
    """Scan one target and return its line; never raises (but for cancellation)."""
    from agent_ready.reports.json_report import SCHEMA_VERSION, to_dict
    from agent_ready.reports.summary import summarize_report

    limit = settings.scan.deadline + settings.grace
    try:
        report = await asyncio.wait_for(run_scan(url, registry, settings.scan, transport=transport), limit)
        # The exchange log is most of a report's size and of the time to build it; a summary needs none of it.
        doc = to_dict(report if settings.full else replace(report, exchanges=[]))
    except TimeoutError:
        return error_line(url, f"no result within the per-target deadline ({limit:g}s)", 3, SCHEMA_VERSION)
    except UsageError as exc:
        return error_line(url, str(exc), 2, SCHEMA_VERSION)
    except Exception as exc:  # one target's internal error is that target's line, not the batch's end
        return error_line(url, f"internal error: {type(exc).__name__}: {exc}", 4, SCHEMA_VERSION)
    error = doc.get("runtime_error")
    reasons = [] if error or settings.gate is None else settings.gate(doc)
    line: dict[str, Any] = {
        "schema_version": doc["schema_version"],
        "target": url,
        "key": normalise(url),
        "time": _now(),
        "status": "error" if error else "ok",
        "error": error,
        "exit_code": 3 if error else (1 if reasons else 0),
        "gate": None if settings.gate is None or error else {"passed": not reasons, "reasons": reasons},
        "summary": None if error else summarize_report(doc),
    }
    if settings.full:
        line["report"] = doc
    return line


async def run_batch(
    urls: Iterable[str],
    registry: Registry,
    settings: BatchSettings,
    sink: Callable[[dict[str, Any]], None],
    *,
    total: int,
    on_progress: Callable[[Progress], None] | None = None,
) -> Progress:
    """Scan every URL, ``settings.concurrency`` at a time at most; each line goes to ``sink`` as it ends."""
    progress = Progress(total=total)
    pending = iter(urls)
    transport = SharedTransport(
        per_origin=settings.scan.limits.per_origin_concurrency,
        per_origin_streams=settings.scan.limits.per_origin_streams,
        verify=tls_verify(settings.scan.ca_bundle, settings.scan.insecure),
    )
    # Each scan gets its own settings object: nothing mutable is shared between targets.
    scan_settings = settings.scan

    async def worker() -> None:
        for url in pending:  # one shared iterator: each URL is taken by exactly one worker
            own = replace(settings, scan=replace(scan_settings))
            line = await scan_one(url, registry, own, transport)
            sink(line)
            progress.done += 1
            progress.errors += line["status"] == "error"
            progress.gate_failures += line["exit_code"] == 1
            if on_progress is not None:
                on_progress(progress)

    try:
        await asyncio.gather(*(worker() for _ in range(max(1, settings.concurrency))))
    finally:
        await transport.close()
    return progress


def _worker_main(
    urls: list[str], no_plugins: bool, settings: BatchSettings, out: multiprocessing.queues.Queue[Any]
) -> None:
    """A worker process: scan its share of the list on its own event loop, each line back to the parent."""
    from agent_ready.registry import load

    registry = load(no_plugins=no_plugins)
    try:
        asyncio.run(run_batch(urls, registry, settings, out.put, total=len(urls)))
    finally:
        out.put(None)


def run_batch_processes(
    urls: list[str],
    *,
    no_plugins: bool,
    settings: BatchSettings,
    sink: Callable[[dict[str, Any]], None],
    workers: int,
    on_progress: Callable[[Progress], None] | None = None,
) -> Progress:
    """:func:`run_batch` spread over ``workers`` processes (one event loop uses one core), each running an
    equal share of ``settings.concurrency``; lines come back to this process, which alone writes them.
    A worker that dies leaves an ``error`` line for each target it had not finished."""
    ctx = multiprocessing.get_context("spawn")  # no inherited event loop, threads or open sockets
    queue: multiprocessing.queues.Queue[Any] = ctx.Queue()
    shares = [urls[i::workers] for i in range(workers)]
    each = replace(settings, concurrency=max(1, settings.concurrency // workers))
    procs = [
        ctx.Process(target=_worker_main, args=(share, no_plugins, each, queue), daemon=True)
        for share in shares
        if share
    ]
    for proc in procs:
        proc.start()
    progress = Progress(total=len(urls))
    unfinished = {normalise(u): u for u in urls}
    running = len(procs)
    from agent_ready.reports.json_report import SCHEMA_VERSION

    def deliver(line: dict[str, Any]) -> None:
        unfinished.pop(line["key"], None)
        sink(line)
        progress.done += 1
        progress.errors += line["status"] == "error"
        progress.gate_failures += line["exit_code"] == 1
        if on_progress is not None:
            on_progress(progress)

    while running:
        try:
            line = queue.get(timeout=1.0)
        except pyqueue.Empty:
            if all(not p.is_alive() for p in procs) and queue.empty():
                break  # a worker died without its goodbye
            continue
        if line is None:
            running -= 1
        else:
            deliver(line)
    for proc in procs:
        proc.join(timeout=5)
    for url in list(unfinished.values()):
        codes = ", ".join(str(p.exitcode) for p in procs if p.exitcode)
        deliver(
            error_line(
                url, f"internal error: a worker process exited ({codes or 'no code'})", 4, SCHEMA_VERSION
            )
        )
    return progress
