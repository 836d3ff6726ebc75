"""The passive scan waits only for the answers a request truly depends on (issue 12).

Each test holds one answer on the server until another request arrives (or a generous limit passes). A
request that depended on the held answer could not arrive while it is held, so "released by the arrival"
shows the two are independent in the scan's structure. Nothing here reads a clock: a slow machine makes
these tests slower, never wrong.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest

from agent_ready.artifacts.documents import Doc, DocState
from agent_ready.engine import ScanReport
from agent_ready.probes.documents import walk
from agent_ready.reference import ReferenceServer
from agent_ready.reference.app import ReferenceApp, Reply, Request

# Only a structural regression waits this long: the held answer is then released anyway and the test fails.
LIMIT_S = 20.0


@dataclass
class HoldUntil:
    """Middleware: the answer to ``held`` waits until ``awaited`` has arrived; records whether it did."""

    held: tuple[str, ...]  # (method, path) or (method, path, Accept)
    awaited: tuple[str, ...]
    arrived: threading.Event = field(default_factory=threading.Event)
    released_by_arrival: bool | None = None
    seen: list[tuple[str, str]] = field(default_factory=list)  # every request, in order of arrival
    seen_while_held: list[tuple[str, str]] = field(default_factory=list)  # a copy taken at the release

    def __call__(self, app: ReferenceApp, req: Request, call_next: Callable[[Request], Reply]) -> Reply:
        self.seen.append((req.method, req.path))
        if _matches(req, self.awaited):
            self.arrived.set()
        elif _matches(req, self.held) and self.released_by_arrival is None:
            self.released_by_arrival = self.arrived.wait(LIMIT_S)
            self.seen_while_held = list(self.seen)
        return call_next(req)


def _matches(req: Request, key: tuple[str, ...]) -> bool:
    return (req.method, req.path) == key[:2] and (len(key) == 2 or req.header("accept") == key[2])


CASES = [
    # The OpenAPI probe reads the llms.txt document, not its link checks: the secured operation it names
    # is called while a link check is unanswered.
    pytest.param(("GET", "/docs/errors"), ("GET", "/api/v1/projects"), id="openapi-not-after-llms-links"),
    # The default MCP endpoint is always called: its POST does not wait for the OpenAPI description.
    pytest.param(("GET", "/openapi.json"), ("POST", "/mcp"), id="mcp-call-not-after-openapi"),
    # /sitemap.xml is where robots.txt usually points, and the first common path: it goes out beside it.
    pytest.param(("GET", "/robots.txt"), ("GET", "/sitemap.xml"), id="sitemap-not-after-robots"),
    # The api-catalog names the API's protected-resource metadata: fetched beside the secured call whose
    # 401 will name it.
    pytest.param(
        ("GET", "/api/v1/projects"),
        ("GET", "/.well-known/oauth-protected-resource/api/v1"),
        id="catalog-named-metadata-not-after-the-401",
    ),
    # The errors probe's samples depend only on where they are sent: the unknown API path does not wait for
    # the wrong-method request, nor the other way round.
    pytest.param(
        ("GET", "/api/v1/agent-ready-missing-7f3a9c"),
        ("PUT", "/api/v1/projects"),
        id="errors-samples-together",
    ),
    # The OAuth walk's consumers send on its prediction (the calls it makes, the origin's server metadata),
    # not once the 401 it follows and the metadata that names have answered: the token-error request, the
    # errors probe's samples and the agent_auth block's endpoints go out while the walk's 401 is held.
    pytest.param(
        ("GET", "/api/v1/projects", "application/json"),
        ("POST", "/oauth/token"),
        id="token-errors-not-after-the-walk",
    ),
    pytest.param(
        ("GET", "/api/v1/projects", "application/json"),
        ("PUT", "/api/v1/projects"),
        id="errors-samples-not-after-the-walk",
    ),
    pytest.param(
        ("GET", "/api/v1/projects", "application/json"),
        ("GET", "/agent/events"),
        id="agent-auth-endpoints-not-after-the-walk",
    ),
    # The home page's Markdown negotiation needs nothing found elsewhere.
    pytest.param(("GET", "/llms.txt"), ("GET", "/", "text/markdown"), id="home-negotiation-not-after-llms"),
]


@pytest.mark.parametrize(("held", "awaited"), CASES)
def test_an_independent_request_goes_out_while_another_answer_is_held(
    held: tuple[str, ...],
    awaited: tuple[str, ...],
    reference_factory: Callable[..., ReferenceServer],
    run_scan: Callable[..., ScanReport],
) -> None:
    server = reference_factory()
    hold = HoldUntil(held, awaited)
    server.app.middleware.insert(0, hold)
    report = run_scan(server.url + "/")
    assert hold.released_by_arrival is True, f"{awaited} was sent only after {held} was answered"
    # The scan gives up on an answer before LIMIT_S; one that depended on the held answer would then arrive
    # after the timeout, while the server still holds it: the scan must not have timed out.
    assert [e.url for e in report.exchanges if e.error_kind == "timeout"] == []
    assert report.runtime_error is None


def test_a_dependent_request_still_waits_for_its_answer(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport]
) -> None:
    # The guard on the guard: the 401 of POST /mcp names the metadata of /mcp, so that metadata is not asked
    # for while the 401 is held (here until the secured operation of the OpenAPI description is called).
    # Without this, a middleware that held nothing would pass every case above.
    server = reference_factory()
    hold = HoldUntil(("POST", "/mcp"), ("GET", "/api/v1/projects"))
    server.app.middleware.insert(0, hold)
    run_scan(server.url + "/")
    assert hold.released_by_arrival is True
    assert ("GET", "/.well-known/oauth-protected-resource/mcp") not in hold.seen_while_held
    assert ("GET", "/.well-known/oauth-protected-resource/mcp") in hold.seen


def test_a_walk_costs_two_round_trips_and_returns_the_candidates_up_to_the_hit_in_order() -> None:
    in_flight: list[set[int]] = []  # who was in flight when each fetch started
    current: set[int] = set()

    def candidate(i: int, found: bool) -> Callable[[], Awaitable[Doc]]:
        async def fetch() -> Doc:
            current.add(i)
            in_flight.append(set(current))
            await asyncio.sleep(0)  # let the others of its wave start
            current.discard(i)
            return Doc(url=f"/{i}", state=DocState.FOUND if found else DocState.ABSENT, response=None)

        return fetch

    hits = {2, 4}
    tried = asyncio.run(walk([candidate(i, i in hits) for i in range(5)]))
    assert [d.url for d in tried] == ["/0", "/1", "/2"]  # the first hit ends the walk, in candidate order
    assert in_flight[0] == {0}  # the likeliest goes alone: a hit costs one request
    assert in_flight[-1] == {1, 2, 3, 4}  # then every other at once: a miss costs one more round trip
    assert [d.url for d in asyncio.run(walk([candidate(0, True), candidate(1, True)]))] == ["/0"]


def test_a_catch_all_target_still_sees_each_resource_once(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport]
) -> None:
    # The bare variant answers 200 everywhere, so every walk misses and sends its candidates together, and
    # every speculation is checked against another probe's later fetch of the same URL: none may repeat one.
    server = reference_factory("bare")
    run_scan(server.url + "/")
    keys = [(m, p, h.get("accept", ""), h.get("authorization", "")) for m, p, h in server.log if m == "GET"]
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []
