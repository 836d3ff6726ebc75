"""The clean-up ledger of an ``--active`` scan: what it created on the target, and whether it was removed.

An ACTIVE probe records each thing it creates (an OAuth client, an API key, an identity, a temporary
resource, a token, a device code) the moment the target confirms it, with how to undo it. The probe
removes it itself when it is done and marks the entry. Whatever is still standing when the probes end
(because the scan deadline cancelled them, the user pressed Ctrl-C, or a probe failed half-way) is removed
by :meth:`Ledger.clean_up`, the scan's final step, which runs under its own time budget even after the scan
deadline has passed. The report lists every entry and its fate.

A create is recorded from its answer, so a create request still in flight when the probe is cancelled
would make something on the target that no entry names. Probes therefore send each create and record it
through :meth:`Ledger.creating`: the pair runs to its end even when the probe waiting on it is cancelled,
and the final step waits for it (within its budget) before removing anything.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from agent_ready.fetch import Fetcher, Response

T = TypeVar("T")

CLEANUP_PROBE = "cleanup"  # the label of the final step's exchanges


class Removal(StrEnum):
    PENDING = "pending"  # created; not removed yet
    REMOVED = "removed"
    FAILED = "failed"  # an undo was sent and the target did not confirm it
    NOT_REMOVABLE = "not-removable"  # the target offers no way to remove it (e.g. a device code expires)
    NOT_ATTEMPTED = "not-attempted"  # the clean-up budget ran out first


@dataclass(frozen=True)
class Undo:
    """The request that removes a created thing."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] | None = None


@dataclass
class Created:
    kind: str  # "oauth-client", "api-key", "registration", "temporary-resource", "token", "device-code"
    label: str  # what the target calls it (a client id, a resource URL), redacted
    probe: str
    undo: Undo | None = None
    status: Removal = Removal.PENDING
    removed_by: str | None = None  # "probe" or "final clean-up"
    detail: str | None = None
    exchange_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "probe": self.probe,
            "status": self.status.value,
            "removed_by": self.removed_by,
            "detail": self.detail,
            "exchanges": list(self.exchange_ids),
        }


def _confirmed(resp: Response) -> bool:
    # 2xx: removed now; 404/410: already gone (expired, or removed by an earlier request).
    return resp.status is not None and (200 <= resp.status < 300 or resp.status in (404, 410))


@dataclass
class Ledger:
    entries: list[Created] = field(default_factory=list)
    # Creates (request and recording) still running, possibly for a probe that was cancelled meanwhile.
    in_flight: set[asyncio.Future[Any]] = field(default_factory=set)

    async def creating(self, create: Awaitable[T]) -> T:
        """Run ``create`` (a create request and the recording of what it made) to its end, even when the
        caller is cancelled (scan deadline, Ctrl-C): the target may have made the thing already, and only
        its answer says how to remove it. :meth:`clean_up` waits for it before removing anything."""
        task = asyncio.ensure_future(create)
        self.in_flight.add(task)
        task.add_done_callback(self.in_flight.discard)
        return await asyncio.shield(task)

    async def _settle(self, budget: float) -> list[str]:
        """Wait up to ``budget`` seconds for the creates still in flight; warnings for those that did not
        end (what they made, if anything, was never confirmed, so it cannot be removed)."""
        if not self.in_flight:
            return []
        done, late = await asyncio.wait(set(self.in_flight), timeout=max(budget, 0))
        for task in done:
            if not task.cancelled():
                task.exception()  # retrieved: the cancelled probe that started it cannot report it
        if not late:
            return []
        for task in late:
            task.cancel()
        await asyncio.wait(late)
        return [
            f"{len(late)} create request(s) got no answer within the {budget:g} s clean-up budget: whatever "
            "the target made for them is unknown to the scan and was not removed"
        ]

    def record(
        self, kind: str, label: str, probe: str, *, undo: Undo | None = None, why_not: str | None = None
    ) -> Created:
        """Record a created thing; ``why_not`` says why it cannot be removed when there is no ``undo``."""
        entry = Created(kind=kind, label=label, probe=probe, undo=undo)
        if undo is None:
            entry.status = Removal.NOT_REMOVABLE
            entry.detail = why_not or "the target offers no way to remove it"
        self.entries.append(entry)
        return entry

    def mark(self, entry: Created | None, resp: Response | None, by: str = "probe") -> None:
        """The outcome of an undo request sent for ``entry`` (by its probe or by the final step)."""
        if entry is None or resp is None:
            return
        entry.exchange_ids.extend(resp.exchange_ids)
        if _confirmed(resp):
            entry.status, entry.removed_by, entry.detail = Removal.REMOVED, by, resp.describe()
        else:
            entry.status, entry.detail = Removal.FAILED, f"{resp.method} {resp.describe()}"

    async def _undo(self, fetcher: Fetcher, entry: Created) -> None:
        """The undo request, once more after a server error or no answer (a busy service's hiccup)."""
        assert entry.undo is not None
        undo = entry.undo
        for _ in range(2):
            resp = await fetcher.request(
                undo.method,
                undo.url,
                probe=CLEANUP_PROBE,
                headers=undo.headers,
                data=undo.data,
                follow_redirects=False,
                cache=False,
            )
            self.mark(entry, resp, by="final clean-up")
            if resp.status is not None and resp.status < 500:
                return

    def find(self, kind: str, label: str) -> Created | None:
        """The latest entry of ``kind`` whose label is ``label`` (as recorded, before redaction)."""
        return next((e for e in reversed(self.entries) if e.kind == kind and e.label == label), None)

    def pending(self) -> list[Created]:
        """Entries that could still be removed: never undone, or whose undo failed."""
        return [
            e for e in self.entries if e.undo is not None and e.status in (Removal.PENDING, Removal.FAILED)
        ]

    async def clean_up(self, fetcher: Fetcher, budget: float) -> list[str]:
        """Let the creates in flight be answered and recorded, then send every pending undo, all within
        ``budget`` seconds; run warnings for what is left standing."""
        deadline = time.monotonic() + budget
        unsettled = await self._settle(budget)
        todo = self.pending()[::-1]  # latest first: a token is revoked before the client it belongs to
        if todo:
            for entry in todo:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    entry.status, entry.detail = (
                        Removal.NOT_ATTEMPTED,
                        f"the {budget:g} s clean-up budget ran out",
                    )
                    continue
                assert entry.undo is not None
                try:
                    await asyncio.wait_for(self._undo(fetcher, entry), remaining)
                except TimeoutError:
                    entry.status, entry.detail = Removal.FAILED, f"no answer within the {budget:g} s budget"
        left = [e for e in self.entries if e.status != Removal.REMOVED]
        return unsettled + [
            f"left on the target: {e.kind} {e.label} ({e.status.value}: {e.detail})" for e in left
        ]
