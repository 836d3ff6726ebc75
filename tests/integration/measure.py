"""Measured bounds for hostile cases: wall time, peak Python memory (tracemalloc) and requests.

Each hostile test runs inside :func:`measured`, which asserts the case stayed within its declared
:class:`Bound` and, when ``AGENT_READY_HOSTILE_RECORD`` names a directory, writes the measurement there as
``<case>.json``. ``bench/security_table.py`` runs the suite that way and regenerates the table in
``docs/security.md`` from those files; ``tests/core/test_security_doc.py`` checks the doc is current.
"""

from __future__ import annotations

import json
import os
import re
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

RECORD_ENV = "AGENT_READY_HOSTILE_RECORD"


@dataclass(frozen=True)
class Bound:
    """What a hostile case may cost at most: the suite fails when a case exceeds it."""

    seconds: float
    peak_mib: float
    requests: int
    what: str  # one line for the doc's table


@dataclass
class Measurement:
    case: str
    seconds: float = 0.0
    peak_mib: float = 0.0
    requests: int = 0


def case_file_name(case: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", case) + ".json"


@contextmanager
def measured(case: str, bound: Bound) -> Iterator[Measurement]:
    """Measure the block; the test sets ``.requests`` (what the scanner sent) before the block ends."""
    m = Measurement(case)
    started_tracing = not tracemalloc.is_tracing()
    if started_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    baseline, _ = tracemalloc.get_traced_memory()
    t0 = time.monotonic()
    try:
        yield m
    finally:
        m.seconds = round(time.monotonic() - t0, 2)
        _, peak = tracemalloc.get_traced_memory()
        m.peak_mib = round(max(0, peak - baseline) / (1 << 20), 1)
        if started_tracing:
            tracemalloc.stop()
    record = os.environ.get(RECORD_ENV)
    if record:
        Path(record).mkdir(parents=True, exist_ok=True)
        data = {**asdict(m), "bound": asdict(bound)}
        (Path(record) / case_file_name(case)).write_text(json.dumps(data, indent=1) + "\n")
    assert m.seconds <= bound.seconds, f"{case}: {m.seconds}s > {bound.seconds}s"
    assert m.peak_mib <= bound.peak_mib, f"{case}: peak {m.peak_mib} MiB > {bound.peak_mib} MiB"
    assert m.requests <= bound.requests, f"{case}: {m.requests} requests > {bound.requests}"
