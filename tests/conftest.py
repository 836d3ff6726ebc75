from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from agent_ready.engine import ScanReport, ScanSettings, scan
from agent_ready.reference import ReferenceServer, build_app
from agent_ready.registry import Registry
from agent_ready.registry import load as load_registry
from agent_ready.reports.json_report import to_dict, validate


@pytest.fixture(scope="session")
def registry() -> Registry:
    reg = load_registry(no_plugins=True)
    assert not reg.warnings, reg.warnings
    return reg


@pytest.fixture(scope="session")
def reference() -> Iterator[ReferenceServer]:
    """The good reference service, shared by the session (it keeps no state a passive scan changes)."""
    with ReferenceServer(build_app("good")) as server:
        yield server


@pytest.fixture(scope="session")
def bare() -> Iterator[ReferenceServer]:
    with ReferenceServer(build_app("bare")) as server:
        yield server


@pytest.fixture
def reference_factory() -> Iterator[Callable[..., ReferenceServer]]:
    """Start a fresh reference service with given flaws/clock: ``reference_factory(flaws={"no-s256"})``."""
    started: list[ReferenceServer] = []

    def make(variant: str = "good", **kwargs: object) -> ReferenceServer:
        server = ReferenceServer(build_app(variant, **kwargs)).start()  # type: ignore[arg-type]
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def run_scan(registry: Registry) -> Callable[..., ScanReport]:
    """Scan a URL with the built-in checks; every report produced is validated against the JSON Schema."""

    def run(url: str, **settings: object) -> ScanReport:
        report = scan(url, registry, ScanSettings(**settings))  # type: ignore[arg-type]
        validate(to_dict(report))
        return report

    return run
