"""Probes: named async collectors whose results ("artifacts") checks judge.

A probe fetches through the scan's shared :class:`~agent_ready.fetch.Fetcher` and returns a plain value
(usually a small dataclass holding :class:`~agent_ready.fetch.Response` objects). Probes may await other
probes with ``await ctx.need("name")``; each probe runs at most once per scan and concurrent callers share
its task, so independent probes run in parallel and dependent ones wait only for what they need.

A probe that raises is recorded as a :class:`ProbeFailure`; checks that require it become ``error``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

from agent_ready.artifacts.key import Key, key_name
from agent_ready.checkapi import Target
from agent_ready.cleanup import Created, Ledger, Undo
from agent_ready.fetch import Fetcher, ProbeFetcher, Response
from agent_ready.redact import Redactor

ProbeFn = Callable[["ProbeContext"], Awaitable[Any]]
T = TypeVar("T")


@dataclass(frozen=True)
class ProbeSpec:
    name: str
    fn: ProbeFn
    active: bool = False  # changes state on the target; run only with --active
    description: str = ""


PROBES: dict[str, ProbeSpec] = {}


def probe(
    key: Key[Any] | str, *, active: bool = False, description: str = ""
) -> Callable[[ProbeFn], ProbeFn]:
    """Register a probe under its artifact's key (``@probe(ROBOTS, ...)``). Names are global: plugins
    should prefix theirs."""
    name = key_name(key)

    def wrap(fn: ProbeFn) -> ProbeFn:
        existing = PROBES.get(name)
        if existing is not None and existing.fn is not fn and existing.fn.__qualname__ != fn.__qualname__:
            raise ValueError(f"probe {name!r} is already registered by {existing.fn.__module__}")
        PROBES[name] = ProbeSpec(
            name=name, fn=fn, active=active, description=description or (fn.__doc__ or "")
        )
        return fn

    return wrap


@dataclass(frozen=True)
class ProbeFailure:
    """A probe that raised or ran out of time; never a finding about the target by itself."""

    probe: str
    reason: str


class ProbeFailed(Exception):
    def __init__(self, failure: ProbeFailure):
        super().__init__(f"probe {failure.probe!r} failed: {failure.reason}")
        self.failure = failure


class ActiveProbeNotAllowed(Exception):
    pass


@dataclass
class ScanState:
    """What all probes of one scan share besides the fetcher."""

    target: Target
    fetcher: Fetcher
    active: bool = False
    allow_private: bool = False
    notes: list[str] = field(default_factory=list)  # run warnings raised by probes
    ledger: Ledger = field(default_factory=Ledger)  # what ACTIVE probes created on the target
    clock_start: float = field(default_factory=time.monotonic)
    # Clean-ups that must wait until every probe finished (revoking a credential later probes use).
    finalizers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


class ProbeRunner:
    def __init__(self, state: ScanState, registry: dict[str, ProbeSpec] | None = None):
        self.state = state
        self.registry = registry if registry is not None else PROBES
        self.tasks: dict[str, asyncio.Task[Any]] = {}
        # Artifacts a deferred clean-up replaced with a copy holding what it saw (see ProbeContext.defer).
        self.amended: dict[str, Any] = {}
        # The deferred clean-ups that may still replace a probe's artifact, by probe name: the task of one
        # started beside the probes, or None for one that runs only once every probe finished.
        self.settling: dict[str, list[asyncio.Future[Any] | None]] = {}
        # Predictions a probe published before its artifact (see ProbeContext.predict), by probe name.
        self.predictions: dict[str, asyncio.Future[Any]] = {}

    def prediction(self, name: str) -> asyncio.Future[Any]:
        if name not in self.predictions:
            self.predictions[name] = asyncio.get_running_loop().create_future()
        return self.predictions[name]

    def start(self, name: str) -> asyncio.Task[Any]:
        if name not in self.tasks:
            spec = self.registry.get(name)
            self.tasks[name] = asyncio.ensure_future(self._run(name, spec))
        return self.tasks[name]

    async def _run(self, name: str, spec: ProbeSpec | None) -> Any:
        if spec is None:
            return ProbeFailure(name, "no probe of that name is registered")
        if spec.active and not self.state.active:
            return ProbeFailure(name, "an ACTIVE probe; it runs only with --active")
        ctx = ProbeContext(self, name)
        try:
            return await spec.fn(ctx)
        except ProbeFailed as exc:
            return ProbeFailure(name, f"needs {exc.failure.probe}: {exc.failure.reason}")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug or an unforeseen shape: error data, not a crashed scan
            return ProbeFailure(name, f"{type(exc).__name__}: {exc}")

    def unsettled(self, name: str) -> list[asyncio.Future[Any] | None] | None:
        """What artifact ``name`` still waits for before it is final (its probe's task, then its deferred
        clean-ups; None for one that runs only at the engine's final step): [] once it can no longer change,
        None when the probe was never started."""
        task = self.tasks.get(name)
        if task is None:
            return None
        if not task.done():
            return [task]
        return [f for f in self.settling.get(name, ()) if f is None or not f.done()]

    def result(self, name: str) -> Any:
        task = self.tasks.get(name)
        if task is None:
            return ProbeFailure(name, "not run")
        if task.cancelled() or not task.done():
            return ProbeFailure(name, "scan deadline exceeded before this probe finished")
        return self.amended.get(name, task.result())


class ProbeContext:
    """Passed to every probe: the target, a labelled fetcher, and access to other probes."""

    def __init__(self, runner: ProbeRunner, name: str):
        self._runner = runner
        self.name = name
        self.state = runner.state
        self.fetch: ProbeFetcher = runner.state.fetcher.for_probe(name)

    @property
    def target(self) -> Target:
        return self.state.target

    @property
    def active(self) -> bool:
        return self.state.active

    @property
    def redactor(self) -> Redactor:
        return self.state.fetcher.redactor

    @overload
    async def need(self, key: Key[T]) -> T: ...

    @overload
    async def need(self, key: str) -> Any: ...

    async def need(self, key: Key[Any] | str) -> Any:
        """The artifact of another probe; raises ProbeFailed if that probe failed."""
        value = await asyncio.shield(self._runner.start(key_name(key)))
        if isinstance(value, ProbeFailure):
            raise ProbeFailed(value)
        return value

    @overload
    async def maybe(self, key: Key[T]) -> T | None: ...

    @overload
    async def maybe(self, key: str) -> Any: ...

    async def maybe(self, key: Key[Any] | str) -> Any:
        """Like :meth:`need` but returns None instead of raising when the probe failed or is not allowed."""
        value = await asyncio.shield(self._runner.start(key_name(key)))
        return None if isinstance(value, ProbeFailure) else value

    def predict(self, value: Any) -> None:
        """Publish what this probe expects its artifact to point at, before its answers arrive: a consumer
        that reads it with :meth:`predicted` may send its own requests on it at once, and must compare with
        the artifact once it is final (redoing its requests where the prediction missed)."""
        future = self._runner.prediction(self.name)
        if not future.done():
            future.set_result(value)

    async def predicted(self, key: Key[Any] | str) -> Any:
        """The prediction probe ``key`` published, or None when it finished (or failed) without one."""
        name = key_name(key)
        task, future = self._runner.start(name), self._runner.prediction(name)
        # asyncio.wait never cancels what it waits for: a consumer cancelled here leaves the probe running.
        await asyncio.wait([task, future], return_when=asyncio.FIRST_COMPLETED)
        return future.result() if future.done() else None

    def created(
        self,
        kind: str,
        label: str,
        resp: Response | None = None,
        *,
        undo: Undo | None = None,
        why_not: str | None = None,
    ) -> Created:
        """Record something this probe created on the target (see :mod:`agent_ready.cleanup`): the scan's
        final step removes it with ``undo`` if the probe does not get to (deadline, Ctrl-C, a failure)."""
        entry = self.state.ledger.record(
            kind, self.redactor.text(label), self.name, undo=undo, why_not=why_not
        )
        if resp is not None:
            entry.exchange_ids.extend(resp.exchange_ids)
        return entry

    async def creating(self, create: Awaitable[T]) -> T:
        """Send a create and record what it made as one step that a cancellation (deadline, Ctrl-C) lets
        finish, so that the final clean-up knows of it (:meth:`agent_ready.cleanup.Ledger.creating`)."""
        return await self.state.ledger.creating(create)

    def defer_undo(
        self,
        entry: Created | None,
        amend: Callable[[Response], Any],
        *,
        after: tuple[Key[Any] | str, ...],
    ) -> None:
        """Send ``entry``'s own undo request (the one the ledger holds) once the probes ``after`` are done
        with what it removes; ``amend`` makes this probe's artifact with the answer (see :meth:`defer`)."""
        if entry is None or entry.undo is None:
            return
        undo = entry.undo

        async def send() -> Any:
            resp = await self.fetch.request(undo.method, undo.url, headers=undo.headers, data=undo.data)
            self.removed(entry, resp)
            return amend(resp)

        self.defer(send, after=after)

    def removed(self, entry: Created | None, resp: Response | None) -> None:
        """The answer to this probe's own undo request for ``entry``."""
        self.state.ledger.mark(entry, resp)

    def warn(self, message: str) -> None:
        self.state.notes.append(message)

    def defer(
        self, cleanup: Callable[[], Awaitable[Any]], *, after: tuple[Key[Any] | str, ...] | None = None
    ) -> None:
        """Run ``cleanup`` once the probes that may still use what it removes have finished.

        The journey's credential is used by later steps (a temporary resource is created with it), so the
        probe that obtained it revokes it only once they are done: ``after`` names them (one this scan does
        not run is not waited for: the engine starts every probe it runs before any of them runs); None
        waits for every probe. A clean-up that returns a value replaces this probe's artifact in what the
        checks read: the artifact is frozen, so it returns a copy with what the clean-up saw.
        """
        runner, name = self._runner, self.name

        async def run() -> None:
            amended = await cleanup()
            if amended is not None:
                runner.amended[name] = amended

        settling = runner.settling.setdefault(name, [])
        if after is None:
            self.state.finalizers.append(run)
            settling.append(None)
            return
        users = [t for t in (runner.tasks.get(key_name(k)) for k in after) if t is not None]

        async def when_unused() -> None:
            if users:
                await asyncio.wait(users)  # cancelled ones count as finished
            await run()

        # Started now, beside the probes still running; the engine's final step awaits it (and cancels it at
        # the deadline, when the clean-up ledger takes over).
        task = asyncio.ensure_future(when_unused())

        async def finished() -> None:
            # Ctrl-C while the engine awaited it cancels it; the engine's interrupt path then awaits it again,
            # and a cancelled clean-up must end that wait, not the scan: its entries are still pending in the
            # ledger, whose final step removes them.
            if not task.cancelled():
                await task

        self.state.finalizers.append(finished)
        settling.append(task)

    def elapsed_ms(self) -> float:
        return (time.monotonic() - self.state.clock_start) * 1000
