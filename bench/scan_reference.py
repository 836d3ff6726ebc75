"""Benchmark: wall time, requests and peak memory of whole scans of the bundled reference service.

    python bench/scan_reference.py [--runs 5] [--latency-ms 0]

``--latency-ms`` delays every answer of the reference service, which shows how scan time grows with
the longest chain of *dependent* requests (the 401 -> metadata -> registration -> token -> call chain)
rather than with the number of requests: independent probes run concurrently.
Loopback only; results go to docs/benchmarks.md by hand, with the machine and the date.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent_ready.engine import ScanSettings, scan
from agent_ready.models import Exchange
from agent_ready.reference import ReferenceServer, build_app
from agent_ready.reference.app import ReferenceApp, Reply, Request
from agent_ready.registry import load


def _delay(ms: float) -> Callable[[ReferenceApp, Request, Callable[[Request], Reply]], Reply]:
    def middleware(app: ReferenceApp, req: Request, call_next: Callable[[Request], Reply]) -> Reply:
        time.sleep(ms / 1000)
        return call_next(req)

    return middleware


def longest_chain(exchanges: list[Exchange]) -> int:
    """Requests that started only after an earlier one finished, in the longest such sequence."""
    spans = sorted((e.started_ms, e.started_ms + e.elapsed_ms) for e in exchanges)
    best: list[int] = []
    for i, (start, _) in enumerate(spans):
        prev = [best[j] for j in range(i) if spans[j][1] <= start]
        best.append(1 + max(prev, default=0))
    return max(best, default=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    registry = load(no_plugins=True)
    print(f"# {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"# latency per answer: {args.latency_ms:g} ms, runs: {args.runs}")
    print("mode     median_s  min_s  requests  longest_dependent_chain")
    for active in (False, True):
        times, requests, chains = [], [], []
        for _ in range(args.runs):
            app = build_app("good")
            if args.latency_ms:
                app.middleware.insert(0, _delay(args.latency_ms))
            with ReferenceServer(app) as server:
                t0 = time.perf_counter()
                report = scan(server.url + "/", registry, ScanSettings(active=active))
                times.append(time.perf_counter() - t0)
            requests.append(len(report.exchanges))
            chains.append(longest_chain(report.exchanges))
        mode = "active " if active else "passive"
        print(
            f"{mode}  {statistics.median(times):8.3f}  {min(times):5.3f}  "
            f"{statistics.median(requests):8.0f}  {statistics.median(chains):23.0f}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"# peak RSS of this process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
