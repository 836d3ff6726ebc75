"""ProbeContext.defer: a clean-up waits for the probes it names (not for every probe), and may replace its
probe's frozen artifact with a copy holding what it saw."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from agent_ready.checkapi import Target
from agent_ready.probing import ProbeContext, ProbeRunner, ProbeSpec, ScanState


def _runner(probes: dict[str, Any]) -> ProbeRunner:
    fetcher = SimpleNamespace(for_probe=lambda name: None, redactor=None)
    state = ScanState(
        target=Target("http://127.0.0.1/", "http://127.0.0.1", "127.0.0.1", True),
        fetcher=fetcher,  # type: ignore[arg-type]
    )
    return ProbeRunner(state, {name: ProbeSpec(name, fn) for name, fn in probes.items()})


def test_a_deferred_clean_up_waits_only_for_the_probes_it_names() -> None:
    order: list[str] = []
    cleaned = asyncio.Event()

    async def maker(ctx: ProbeContext) -> str:
        async def clean_up() -> str:
            order.append("clean-up")
            cleaned.set()
            return "credential (revoked)"

        ctx.defer(clean_up, after=("user",))
        return "credential"

    async def user(ctx: ProbeContext) -> str:
        credential = await ctx.need("maker")
        await asyncio.sleep(0)
        order.append("user done")
        return f"used {credential}"

    async def unrelated(ctx: ProbeContext) -> str:
        # Finishes only after the clean-up ran: a clean-up that waited for every probe would never run.
        await asyncio.wait_for(cleaned.wait(), timeout=5)
        order.append("unrelated done")
        return "ok"

    async def scan() -> ProbeRunner:
        runner = _runner({"maker": maker, "user": user, "unrelated": unrelated})
        for name in ("maker", "user", "unrelated"):  # as the engine does: every probe starts before any runs
            runner.start(name)
        await asyncio.gather(*runner.tasks.values())
        for finalizer in runner.state.finalizers:
            await finalizer()
        return runner

    runner = asyncio.run(scan())
    assert order == ["user done", "clean-up", "unrelated done"]
    assert runner.result("user") == "used credential"  # the user saw the artifact as the probe returned it
    assert runner.result("maker") == "credential (revoked)"  # the checks see the amended one
    assert runner.result("unrelated") == "ok"


def test_a_deferred_clean_up_without_names_runs_when_the_engine_finalizes() -> None:
    ran: list[str] = []

    async def maker(ctx: ProbeContext) -> str:
        async def clean_up() -> None:
            ran.append("clean-up")

        ctx.defer(clean_up)
        return "made"

    async def scan() -> ProbeRunner:
        runner = _runner({"maker": maker})
        await runner.start("maker")
        await asyncio.sleep(0.01)
        assert ran == []  # not before the engine's final step
        for finalizer in runner.state.finalizers:
            await finalizer()
        return runner

    runner = asyncio.run(scan())
    assert ran == ["clean-up"] and runner.result("maker") == "made"  # None: the artifact stays as it was


def test_ctrl_c_while_the_engine_awaits_a_deferred_clean_up_does_not_lose_the_final_step() -> None:
    """Ctrl-C cancels the engine's wait on a deferred clean-up, which cancels the clean-up; the interrupt
    path then finalizes again, and that wait must end quietly (the ledger's final step removes what the
    clean-up did not), not raise the cancellation out of the scan."""
    from agent_ready.engine import _finalize, _interrupt

    started = asyncio.Event()

    async def maker(ctx: ProbeContext) -> str:
        async def clean_up() -> None:
            started.set()
            await asyncio.sleep(30)  # a revocation the target does not answer

        ctx.defer(clean_up, after=())
        return "made"

    async def scan() -> list[str]:
        runner = _runner({"maker": maker})
        await runner.start("maker")
        warnings: list[str] = []
        loop = asyncio.get_running_loop()
        engine = asyncio.ensure_future(_finalize(runner.state, loop.time() + 60, warnings))
        await started.wait()
        await asyncio.sleep(0.05)  # the engine is awaiting the clean-up now
        engine.cancel()  # what asyncio.run does to the scan's task on Ctrl-C
        try:
            await engine
        except asyncio.CancelledError:
            await _interrupt(runner, runner.state, 1.0, warnings)
        return warnings

    warnings = asyncio.run(asyncio.wait_for(scan(), 10))
    assert any(w.startswith("interrupted (Ctrl-C)") for w in warnings), warnings
