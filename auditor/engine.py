"""Plan, collect, judge, score.

1. Select checks (``only``/``skip``/config ``disable``, ACTIVE-only checks without ``--active``).
2. Preflight: fetch the target URL; a target that cannot be reached still yields a full report whose
   checks are ``error`` with the reason.
3. Run the union of the selected checks' probes concurrently, under the whole-scan deadline.
4. Hand each check only the artifacts it declared, as soon as they are final (while the other probes still
   wait on the network); a check that raises becomes ``error``.
5. Score (``agent_ready.scoring``) and return a :class:`ScanReport`.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import ssl
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from agent_ready import __version__
from agent_ready.artifacts.http import Response, is_loopback_host
from agent_ready.checkapi import Artifacts, Check, Target
from agent_ready.clirun import CliSettings
from agent_ready.fetch import USER_AGENT, Fetcher, FetchLimits, new_client, tls_verify
from agent_ready.journey import project
from agent_ready.models import CheckResult, Exchange, JourneyStep, Outcome, ScoreSummary, Status
from agent_ready.netpolicy import CURRENT_POLICY, AddressClass, AddressPolicy, IPAddress, classify, resolve
from agent_ready.probing import ProbeFailure, ProbeRunner, ScanState
from agent_ready.redact import Redactor
from agent_ready.registry import Plugin, Registry, did_you_mean
from agent_ready.scoring import CATEGORY_IDS, check_score, summarize

# The built-in probe modules, each registering its probes on import; listed here rather than imported by the
# package's __init__ so that every module of the package imports on its own (no import cycle hides behind
# import order).
BUILTIN_PROBE_MODULES = (
    "access",
    "authmd",
    "core",
    "discovery",
    "documents",
    "errors",
    "oauth",
    "oauth_flow",
    "robots",
    "signup",
    "temporary",
)


def load_builtin_probes() -> None:
    for name in BUILTIN_PROBE_MODULES:
        importlib.import_module(f"agent_ready.probes.{name}")


class UsageError(Exception):
    """Bad input from the user (a malformed URL, an unknown check id): one line, exit code 2."""


@dataclass
class ScanSettings:
    active: bool = False
    allow_private: bool = False
    only: list[str] = field(default_factory=list)
    skip: list[str] = field(default_factory=list)
    deadline: float = 120.0
    limits: FetchLimits = field(default_factory=FetchLimits)
    weights: dict[str, float] = field(default_factory=dict)
    category_weights: dict[str, float] = field(default_factory=dict)
    disable: dict[str, str] = field(default_factory=dict)
    config_path: str | None = None
    # Sent to the target's origin only (an API key, a staging gate); values never appear in any output.
    headers: dict[str, str] = field(default_factory=dict)
    cleanup_budget: float = 15.0  # seconds for the final clean-up step, past the deadline if need be
    ca_bundle: str | None = None  # a private CA's PEM bundle, trusted besides the usual roots
    insecure: bool = False  # no TLS certificate verification; named in the report

    def as_dict(self) -> dict[str, Any]:
        return {
            "active": self.active,
            "allow_private": self.allow_private,
            "only": list(self.only),
            "skip": list(self.skip),
            "deadline_s": self.deadline,
            "connect_timeout_s": self.limits.connect_timeout,
            "read_timeout_s": self.limits.read_timeout,
            "max_body_bytes": self.limits.max_body_bytes,
            "max_redirects": self.limits.max_redirects,
            "per_origin_concurrency": self.limits.per_origin_concurrency,
            "per_origin_streams": self.limits.per_origin_streams,
            "weights": dict(self.weights),
            "category_weights": dict(self.category_weights),
            "disabled": dict(self.disable),
            "config_file": self.config_path,
            "headers": sorted(self.headers),  # names only: a value is a credential
            "ca_bundle": self.ca_bundle,
            "insecure": self.insecure,
        }


@dataclass
class ScanReport:
    target: Target
    settings: ScanSettings | CliSettings  # CliSettings for `agent-ready cli` audits
    started_at: str
    finished_at: str
    duration_ms: float
    results: list[CheckResult]
    score: ScoreSummary
    exchanges: list[Exchange]
    journey: list[JourneyStep]
    plugins: list[Plugin]
    run_warnings: list[str]
    runtime_error: str | None = None
    user_agent: str = USER_AGENT
    tool_version: str = __version__
    secrets: frozenset[str] = frozenset()  # values to scrub from any rendering; never serialised
    created: list[dict[str, Any]] = field(default_factory=list)  # the clean-up ledger (agent_ready.cleanup)
    interrupted: bool = False  # Ctrl-C: the report is partial
    command: list[str] | None = None  # set for `agent-ready cli` audits: the target is a command, not a URL

    @property
    def kind(self) -> str:
        """The target kind the report judged: ``web`` or ``cli`` (see ``checkapi.TARGET_KINDS``)."""
        return "cli" if self.command is not None else "web"

    def result(self, check_id: str) -> CheckResult:
        for r in self.results:
            if r.id == check_id:
                return r
        raise KeyError(check_id)


def parse_target(url: str) -> Target:
    url = url.strip()
    if "://" not in url:
        raise UsageError(f"not a URL: {url!r} (give a full URL such as https://api.example.com)")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UsageError(f"unsupported scheme {parts.scheme!r}: only http and https targets can be scanned")
    if not parts.hostname:
        raise UsageError(f"no host in URL: {url!r}")
    try:
        _ = parts.port
    except ValueError:
        raise UsageError(f"bad port in URL: {url!r}") from None
    if not parts.path:
        url = url + "/"
    return Target(
        url=url,
        origin=f"{parts.scheme}://{parts.netloc}".lower(),
        host=parts.hostname.lower(),
        is_loopback=is_loopback_host(parts.hostname),
    )


def _matches(check: Check, selectors: list[str]) -> bool:
    return check.id in selectors or check.meta.category in selectors


def validate_names(registry: Registry, names: Iterable[str]) -> None:
    """Refuse a check id or category no registered check and no built-in category has."""
    known = set(registry.checks) | {c.meta.category for c in registry.checks.values()} | set(CATEGORY_IDS)
    for name in names:
        if name not in known:
            raise UsageError(
                f"unknown check id or category: {name!r}{did_you_mean(name, known)}; "
                "see `agent-ready list-checks`"
            )


def validate_selectors(registry: Registry, settings: ScanSettings) -> None:
    validate_names(registry, [*settings.only, *settings.skip, *settings.weights, *settings.disable])
    # A config file may weigh or disable checks of both kinds; a selector on the command line may not.
    for name in [*settings.only, *settings.skip]:
        chk = registry.checks.get(name)
        if chk is not None and chk.meta.target_kind != "web":
            raise UsageError(
                f"{name!r} is a {chk.meta.target_kind} check: it runs in `agent-ready {chk.meta.target_kind} "
                "-- COMMAND`, not in a scan of a URL"
            )


def disabled_reason(chk: Check, disable: Mapping[str, str]) -> str | None:
    """Why the config file disabled this check (by its id or its category), or None."""
    if chk.id in disable or chk.meta.category in disable:
        return f"disabled in config: {disable.get(chk.id) or disable[chk.meta.category]}"
    return None


def _plan(checks: list[Check], settings: ScanSettings) -> tuple[list[Check], dict[str, str]]:
    """The checks to run, and for the others the reason they are skipped."""
    run: list[Check] = []
    skipped: dict[str, str] = {}
    for chk in checks:
        disabled = disabled_reason(chk, settings.disable)
        if disabled is not None:
            skipped[chk.id] = disabled
        elif settings.only and not _matches(chk, settings.only):
            skipped[chk.id] = "deselected (not in --only)"
        elif _matches(chk, settings.skip):
            skipped[chk.id] = "deselected by --skip"
        elif chk.meta.active and not chk.meta.passive and not settings.active:
            skipped[chk.id] = "ACTIVE check (changes state on the target); rerun with --active to run it"
        else:
            run.append(chk)
    return run, skipped


def _result(
    chk: Check, outcome: Outcome, weight: float, duration_ms: float, reason: str | None = None
) -> CheckResult:
    meta = chk.meta
    return CheckResult(
        id=meta.id,
        title=meta.title
        if outcome.status in (Status.PASS, Status.NOT_APPLICABLE, Status.SKIPPED)
        else meta.failure_title,
        category=meta.category,
        status=outcome.status,
        summary=outcome.summary,
        score=check_score(outcome.status),
        weight=weight,
        active=meta.active,
        findings=outcome.findings,
        remediation=meta.remediation,
        spec_links=meta.spec_links,
        details=outcome.details,
        duration_ms=round(duration_ms, 2),
        plugin=chk.plugin,
        reason=reason,
        side_effects=(meta.side_effects or "changes state on the target") if meta.active else None,
    )


def skipped_result(chk: Check, reason: str, weight: float) -> CheckResult:
    """A check that did not run (deselected or disabled), with the reason the report shows."""
    return _result(chk, Outcome(Status.SKIPPED, reason), weight, 0.0, reason=reason)


def evaluate(
    chk: Check, values: dict[str, Any], *, active: bool, target: Target | None, weight: float
) -> CheckResult:
    """Judge one check on probe artifacts; never raises."""
    t0 = time.perf_counter()
    for name in chk.meta.requires + (chk.meta.active_requires if active else ()):
        value = values.get(name)
        if isinstance(value, ProbeFailure):
            outcome = Outcome(Status.ERROR, f"probe {value.probe!r} failed: {value.reason}")
            return _result(chk, outcome, weight, 0.0, reason=outcome.summary)
    narrowed = {n: values.get(n) for n in chk.meta.requires}
    if active:
        narrowed.update({n: values.get(n) for n in chk.meta.active_requires})
    try:
        declared = chk.meta.requires + chk.meta.active_requires
        outcome = chk(Artifacts(narrowed, active=active, target=target, declared=declared))
        if not isinstance(outcome, Outcome):
            raise TypeError(f"check returned {type(outcome).__name__}, not an Outcome")
    except Exception as exc:  # a check bug is an inconclusive result, not a crashed scan
        outcome = Outcome(Status.ERROR, f"the check raised {type(exc).__name__}: {exc}")
        return _result(chk, outcome, weight, (time.perf_counter() - t0) * 1000, reason=outcome.summary)
    reason = outcome.summary if outcome.status in (Status.ERROR, Status.SKIPPED) else None
    return _result(chk, outcome, weight, (time.perf_counter() - t0) * 1000, reason=reason)


async def _drain(runner: ProbeRunner, deadline_at: float, warnings: list[str]) -> None:
    loop = asyncio.get_running_loop()
    while True:
        pending = [t for t in runner.tasks.values() if not t.done()]
        if not pending:
            return
        remaining = deadline_at - loop.time()
        if remaining <= 0:
            for t in pending:
                t.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            names = sorted(n for n, t in runner.tasks.items() if t.cancelled())
            warnings.append(f"scan deadline reached; unfinished probes: {', '.join(names)}")
            return
        await asyncio.wait(pending, timeout=remaining)


async def _cancel(runner: ProbeRunner, fetcher: Fetcher) -> None:
    """Stop the probes started beside an unreachable target; their unanswered requests say so."""
    pending = [t for t in runner.tasks.values() if not t.done()]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    fetcher.cancel_pending()
    for ex in fetcher.log.exchanges:
        if ex.status is None and ex.error is None:
            ex.error, ex.error_kind = "cancelled: the target is unreachable", "deadline"


async def _finalize(state: ScanState, deadline_at: float, warnings: list[str]) -> None:
    """Deferred clean-ups (revocations), in the order they were asked for; a failing one is a warning."""
    loop = asyncio.get_running_loop()
    for cleanup in state.finalizers:
        remaining = deadline_at - loop.time()
        try:
            await asyncio.wait_for(cleanup(), timeout=max(remaining, 1.0))
        except Exception as exc:  # a failed revocation must not lose the report
            warnings.append(f"a deferred clean-up failed: {type(exc).__name__}: {exc}")


async def _interrupt(runner: ProbeRunner, state: ScanState, budget: float, warnings: list[str]) -> None:
    task = asyncio.current_task()
    if task is not None:
        task.uncancel()  # the interruption is handled here; the clean-up below must not be cancelled by it
    pending = [t for t in runner.tasks.values() if not t.done()]
    for t in pending:
        t.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    warnings.append("interrupted (Ctrl-C): unfinished probes stopped; what the scan created is cleaned up")
    await _finalize(state, asyncio.get_running_loop().time() + budget, warnings)


def _port(url: str) -> int:
    return urlsplit(url).port or (443 if url.startswith("https") else 80)


async def _classify_target(target: Target) -> tuple[Target, list[IPAddress], str | None]:
    try:
        addresses = await resolve(target.host, _port(target.url))
    except OSError as exc:
        return target, [], f"cannot resolve {target.host}: {exc.strerror or exc}"
    classes = {classify(a) for a in addresses}
    cls = AddressClass.PUBLIC if classes == {AddressClass.PUBLIC} else sorted(c.value for c in classes)[0]
    return Target(target.url, target.origin, target.host, target.is_loopback, str(cls)), addresses, None


def _verify(settings: ScanSettings, warnings: list[str]) -> ssl.SSLContext | bool:
    """The TLS verification setting (a context or a bool); a bad CA bundle is a usage error."""
    try:
        verify = tls_verify(settings.ca_bundle, settings.insecure)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if settings.insecure:
        warnings.append(
            "TLS certificates were not verified (--insecure): a man in the middle could have answered"
        )
    return verify


def _policy(target: Target, addresses: list[IPAddress], settings: ScanSettings) -> AddressPolicy:
    policy = AddressPolicy(
        target_host=target.host,
        allow_private=settings.allow_private,
        target_class=AddressClass(target.address_class) if target.address_class else None,
    )
    if addresses:  # the scan connects to the target at the addresses it was classified by, resolving once
        policy.remember(target.host, _port(target.url), addresses)
    return policy


@dataclass
class _Collected:
    """What the probe phase left for the judges."""

    values: dict[str, Any]
    runtime_error: str | None
    interrupted: bool
    judged: dict[str, CheckResult] = field(default_factory=dict)  # checks judged while probes still ran


class _EarlyJudge:
    """Judges each check as soon as the artifacts it requires are final, beside the probes still waiting on
    the network: a scan is bound by its longest chain of requests, and judging (with the parsers it loads)
    then costs no wall time. Checks are pure and synchronous, so one blocks the loop only for its own CPU
    time. What is judged here is what the final step would have judged: an artifact is final once its probe
    finished and no deferred clean-up may still replace it (``ProbeRunner.unsettled``); a check waiting on
    one that settles only at the engine's final step is left to that step."""

    def __init__(self, runner: ProbeRunner, checks: list[Check], settings: ScanSettings, target: Target):
        self.runner, self.settings, self.target = runner, settings, target
        self.waiting = list(checks)
        self.judged: dict[str, CheckResult] = {}

    def _names(self, chk: Check) -> tuple[str, ...]:
        return chk.meta.requires + (chk.meta.active_requires if self.settings.active else ())

    def _settle(self) -> list[asyncio.Future[Any]]:
        """Judge every waiting check whose artifacts are final; what the others still wait for."""
        waits: list[asyncio.Future[Any]] = []
        still: list[Check] = []
        for chk in self.waiting:
            names = self._names(chk)
            pending = [self.runner.unsettled(n) for n in names]
            if any(p is None for p in pending):  # a probe not run: left to the final step, as before
                still.append(chk)
            elif any(pending):
                still.append(chk)
                waits.extend(f for p in pending for f in p or () if f is not None)
            else:
                values = {n: self.runner.result(n) for n in names}
                weight = self.settings.weights.get(chk.id, chk.meta.weight)
                self.judged[chk.id] = evaluate(
                    chk, values, active=self.settings.active, target=self.target, weight=weight
                )
        self.waiting = still
        return waits

    async def run(self) -> None:
        while waits := self._settle():
            await asyncio.wait(set(waits), return_when=asyncio.FIRST_COMPLETED)


# The parsers that judging a web target loads on first use (bs4 for pages, markdown-it for llms.txt and
# auth.md, the hint patterns for error bodies, http-sfv for structured headers): ~35 ms of imports that
# list-checks must not pay. A scan loads them in a thread while its first requests are on the wire, so the
# cost overlaps the network wait instead of landing on the chain when the first answers arrive (measured
# in docs/benchmarks.md). Imports are thread-safe; a judge that needs one first simply waits for it.
WARM_MODULES = ("agent_ready.parsers.html", "markdown_it", "agent_ready.hints", "http_sfv")
_warming: threading.Thread | None = None


def _warm_up() -> None:
    for name in WARM_MODULES:
        with contextlib.suppress(Exception):  # an import error surfaces where the module is used
            importlib.import_module(name)


def warm_parsers() -> threading.Thread:
    """Start loading :data:`WARM_MODULES` in the background, once per process."""
    global _warming
    if _warming is None:
        _warming = threading.Thread(target=_warm_up, name="agent-ready-warm-up", daemon=True)
        _warming.start()
    return _warming


async def _start(
    runner: ProbeRunner, to_run: list[Check], settings: ScanSettings, deadline_at: float
) -> str | None:
    """Start every probe the checks need beside the target URL; the runtime error when the target is
    unreachable (its probes then end or are cancelled), else None with the probes running."""
    loop = asyncio.get_running_loop()
    # Every probe starts now, beside the target URL: a request waits only for the answers it depends on
    # (ctx.need), never for a preflight. An unreachable target cancels the rest.
    wanted = {n for c in to_run for n in c.meta.requires}
    if settings.active:
        wanted |= {n for c in to_run for n in c.meta.active_requires}
    preflight = runner.start("target")
    for name in sorted(wanted):
        runner.start(name)
    warm_parsers()
    await asyncio.wait([preflight], timeout=max(deadline_at - loop.time(), 0))
    first: Response | ProbeFailure = runner.result("target")
    if isinstance(first, ProbeFailure):
        return f"target unreachable: {first.reason}"
    if first.failed and first.error_kind in ("connect", "dns", "timeout", "protocol", "tls"):
        return f"target unreachable: {first.error}"
    return None


async def _collect(
    state: ScanState,
    to_run: list[Check],
    settings: ScanSettings,
    resolve_error: str | None,
    warnings: list[str],
) -> _Collected:
    """Run the probes under the scan deadline, then the deferred and final clean-ups (also after Ctrl-C)."""
    runner = ProbeRunner(state)
    fetcher = state.fetcher
    deadline_at = asyncio.get_running_loop().time() + settings.deadline
    runtime_error = f"target unreachable: {resolve_error}" if resolve_error else None
    interrupted = False
    judge = _EarlyJudge(runner, to_run, settings, state.target)
    judging: asyncio.Task[None] | None = None
    try:
        if runtime_error is None and to_run:
            runtime_error = await _start(runner, to_run, settings, deadline_at)
            if runtime_error is None:
                judging = asyncio.ensure_future(judge.run())
            first = runner.result("target")
            refused = isinstance(first, Response) and first.error_kind in ("connect", "tls")
            if runtime_error is not None and refused:
                # The fetcher now answers every request to the origin with that refusal at once, so the
                # probes end by themselves; cancelling them mid-handshake would leave sockets open.
                await _drain(runner, deadline_at, warnings)
            elif runtime_error is not None:
                await _cancel(runner, fetcher)
        if runtime_error is None:
            await _drain(runner, deadline_at, warnings)
            await _finalize(state, deadline_at, warnings)
    except asyncio.CancelledError:
        # Ctrl-C: asyncio.run cancels this task on the first SIGINT (a second one aborts outright). Stop the
        # probes, then still clean up what they created, and return the partial report.
        interrupted = True
        await _interrupt(runner, state, settings.cleanup_budget, warnings)
    if judging is not None:  # what it has not judged yet, the final step judges on the same artifacts
        judging.cancel()
        await asyncio.gather(judging, return_exceptions=True)
    values = {name: runner.result(name) for name in runner.tasks}
    # The final step, even past the scan deadline or after Ctrl-C, under its own budget.
    warnings.extend(await state.ledger.clean_up(fetcher, settings.cleanup_budget))
    fetcher.cancel_pending()
    warnings.extend(state.notes)
    return _Collected(values, runtime_error, interrupted, judge.judged if runtime_error is None else {})


def _judge(
    checks: list[Check],
    skip_reasons: dict[str, str],
    collected: _Collected,
    settings: ScanSettings,
    target: Target,
) -> list[CheckResult]:
    results: list[CheckResult] = []
    for chk in checks:
        weight = settings.weights.get(chk.id, chk.meta.weight)
        if chk.id in skip_reasons:
            results.append(skipped_result(chk, skip_reasons[chk.id], weight))
        elif collected.runtime_error is not None:
            outcome = Outcome(Status.ERROR, collected.runtime_error)
            results.append(_result(chk, outcome, weight, 0.0, reason=collected.runtime_error))
        elif chk.id in collected.judged:
            results.append(collected.judged[chk.id])
        else:
            values = collected.values
            results.append(evaluate(chk, values, active=settings.active, target=target, weight=weight))
    return results


async def run_scan(
    url: str, registry: Registry, settings: ScanSettings, *, transport: httpx.AsyncBaseTransport | None = None
) -> ScanReport:
    """One scan. ``transport`` is a connection pool shared with other scans (a batch); by default the scan
    has its own."""
    load_builtin_probes()
    validate_selectors(registry, settings)
    target = parse_target(url)
    started = datetime.now(UTC)
    t0 = time.monotonic()
    warnings = list(registry.warnings)
    checks = registry.ordered("web")
    to_run, skip_reasons = _plan(checks, settings)
    verify = _verify(settings, warnings)
    target, addresses, resolve_error = await _classify_target(target)
    redactor = Redactor()
    for name, value in settings.headers.items():
        redactor.add_header_secret(name, value)
    policy = _policy(target, addresses, settings)
    CURRENT_POLICY.set(policy)  # this task's context only: read by a shared pool when it connects
    async with new_client(settings.limits, policy, transport, verify) as client:
        fetcher = Fetcher(
            client,
            policy,
            redactor,
            settings.limits,
            clock_start=t0,
            origin_headers=settings.headers,
            origin=target.origin,
        )
        state = ScanState(
            target=target,
            fetcher=fetcher,
            active=settings.active,
            allow_private=settings.allow_private,
            clock_start=t0,
        )
        collected = await _collect(state, to_run, settings, resolve_error, warnings)

    results = _judge(checks, skip_reasons, collected, settings, target)
    exchanges = fetcher.log.exchanges
    for ex in exchanges:
        if ex.status is None and ex.error is None:
            ex.error, ex.error_kind = "cancelled at the scan deadline", "deadline"
    return ScanReport(
        target=target,
        settings=settings,
        started_at=started.isoformat(timespec="seconds"),
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        duration_ms=round((time.monotonic() - t0) * 1000, 1),
        results=results,
        score=summarize(results, settings.category_weights, active=settings.active),
        exchanges=exchanges,
        journey=project(results, "web", active=settings.active, exchanges=exchanges),
        plugins=registry.plugins,
        run_warnings=warnings,
        runtime_error=collected.runtime_error,
        secrets=redactor.secrets,
        created=[e.as_dict() for e in state.ledger.entries],
        interrupted=collected.interrupted,
    )


def scan(url: str, registry: Registry, settings: ScanSettings | None = None) -> ScanReport:
    """Synchronous entry point."""
    report = asyncio.run(run_scan(url, registry, settings or ScanSettings()))
    if _warming is not None:  # long done by now; joined so the interpreter never exits mid-import
        _warming.join(timeout=5)
    return report
