"""Benchmark: whole-process scans of the bundled reference service, against the floor the protocol sets.

    python bench/scan_reference.py          # the whole matrix, median of 5 runs; writes bench/last-run.json
    python bench/scan_reference.py --save   # ... and makes it the committed figures, bench/figures.json
    python bench/scan_reference.py --check  # exit 1 if a ratio regressed >25% against bench/figures.json
    python bench/scan_reference.py --variant good --latency 100 --mode passive --runs 3  # one cell
    python bench/scan_reference.py ... --concurrency 64  # a per-origin bound that does not queue requests
    python bench/scan_reference.py ... --proto h2  # only over TLS with HTTP/2 (default: h1 and h2)
    python bench/scan_reference.py ... --show-chain  # print each cell's longest chain, probe by probe

A scan is network-bound: its floor is the longest chain of requests that depend on each other, times the
round-trip time, plus the process start-up. For every variant of the reference service (good, bare), every
injected latency (0, 20, 100 ms before each answer), both modes (passive, ``--active``) and both protocols
(``h1``: plain HTTP/1.1; ``h2``: HTTPS offering HTTP/2 by ALPN, the scan given the service's throw-away CA
with ``--ca-bundle``) this runs ``python -m agent_ready scan`` as a fresh process against a fresh service
and reports:

- ``wall_s``: median whole-process wall time over ``--runs`` runs (min beside it); ``cpu_s``: the median
  CPU time (user + system) of the scan process, which machine load does not inflate;
- ``requests``: exchanges in the report; ``in_flight``: most requests on the wire at once;
- ``chain``: the longest chain the scan followed, i.e. requests each sent only after the previous answered
  (meaningful at 20 and 100 ms; at 0 ms answers come back before the next request is even built);
- ``ratio``: ``wall_s / (NECESSARY_CHAIN x latency + start-up)``, where start-up is the median wall time of
  ``python -m agent_ready --version`` measured in the same run (so machine load cancels out).

The service runs in this process (threads); scans run in child processes, with bytecode caching on (as
an installed package runs; ``PYTHONDONTWRITEBYTECODE`` is dropped for them) after one warm-up run.
Loopback only. The check
verdicts of every run are compared: a run whose verdicts differ from the first run's is reported, since a
speed change must not change what the scan finds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent_ready.reference import build_app  # noqa: E402
from agent_ready.reference.app import ReferenceApp, ReferenceServer, Reply, Request  # noqa: E402

FIGURES = ROOT / "bench" / "figures.json"
LAST_RUN = ROOT / "bench" / "last-run.json"
VARIANTS = ("good", "bare")
LATENCIES_MS = (0, 20, 100)
MODES = ("passive", "active")
PROTOS = ("h1", "h2")
# The dependent chain the protocol needs. Passive: the target URL with the well-known metadata locations
# speculated beside it (t0), then what the answers name (the server metadata or OpenAPI a document links
# to), then what those name (JWKS, a documented operation). Active adds client registration, token, the
# authenticated call, the temporary resource's create/read/expiry and the error/429 probes that need a
# token first.
NECESSARY_CHAIN = {"passive": 3, "active": 9}
REGRESSION = 1.25  # --check fails when a ratio grows by more than this factor


def _delay(ms: float) -> Callable[[ReferenceApp, Request, Callable[[Request], Reply]], Reply]:
    def middleware(app: ReferenceApp, req: Request, call_next: Callable[[Request], Reply]) -> Reply:
        time.sleep(ms / 1000)
        return call_next(req)

    return middleware


def _sent_credentials(exchange: dict[str, Any]) -> bool:
    headers = {k.lower() for k in exchange.get("request_headers") or {}}
    return bool(headers & {"authorization", "cookie", "x-api-key"})


def chain_of(exchanges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One longest sequence of requests each of which was sent only after the previous one was answered."""
    ordered = sorted(exchanges, key=lambda e: e["started_ms"])
    ends = [e["started_ms"] + (e["elapsed_ms"] or 0) for e in ordered]
    best: list[tuple[int, int]] = []  # (length of the longest chain ending here, its previous step or -1)
    for i, e in enumerate(ordered):
        prev = max(((best[j][0], j) for j in range(i) if ends[j] <= e["started_ms"]), default=(0, -1))
        best.append((1 + prev[0], prev[1]))
    steps: list[dict[str, Any]] = []
    i = max(range(len(best)), key=lambda k: best[k][0], default=-1)
    while i >= 0:
        steps.append(ordered[i])
        i = best[i][1]
    return steps[::-1]


def longest_chain(exchanges: list[dict[str, Any]]) -> int:
    return len(chain_of(exchanges))


def chain_steps(exchanges: list[dict[str, Any]]) -> list[str]:
    """The longest chain as "probe METHOD path" lines: which probe's requests waited on which answers."""
    return [f"{e['probe']} {e['method']} {urlsplit(e['url']).path}" for e in chain_of(exchanges)]


def most_in_flight(exchanges: list[dict[str, Any]]) -> int:
    events: list[tuple[float, int]] = []
    for e in exchanges:
        events.append((e["started_ms"], 1))
        events.append((e["started_ms"] + (e["elapsed_ms"] or 0), -1))
    peak = current = 0
    for _, delta in sorted(events):  # an end sorts before a start at the same instant
        current += delta
        peak = max(peak, current)
    return peak


def _agent_ready(*args: str) -> list[str]:
    return [sys.executable, "-m", "agent_ready", *args]


CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, check=False, env=CHILD_ENV)
    return time.perf_counter() - t0, proc


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def startup(runs: int) -> dict[str, float]:
    """Median whole-process wall (and CPU) time of the commands that do no network work."""
    out = {
        "python": round(statistics.median(timed([sys.executable, "-c", "pass"])[0] for _ in range(runs)), 3)
    }
    for name, args in (("version", ["--version"]), ("help", ["--help"]), ("list_checks", ["list-checks"])):
        times, cpus = [], []
        for _ in range(runs):
            cpu0 = cpu_of_children()
            elapsed, proc = timed(_agent_ready(*args))
            cpus.append(cpu_of_children() - cpu0)
            if proc.returncode != 0:
                raise SystemExit(f"agent-ready {' '.join(args)} failed: {proc.stderr.decode()[-500:]}")
            times.append(elapsed)
        out[name] = round(statistics.median(times), 3)
        out[name + "_cpu"] = round(statistics.median(cpus), 3)
    return out


def one_scan(
    variant: str,
    latency_ms: float,
    mode: str,
    workdir: Path,
    concurrency: int | None = None,
    proto: str = "h1",
) -> dict[str, Any]:
    app = build_app(variant)
    if latency_ms:
        app.middleware.insert(0, _delay(latency_ms))
    report_path = workdir / "report.json"
    with ReferenceServer(app, tls=proto == "h2") as server:
        cmd = _agent_ready("scan", server.url + "/", "-q", "--no-plugins", "-o", str(report_path))
        if server.ca_bundle:
            cmd += ["--ca-bundle", server.ca_bundle]
        if mode == "active":
            cmd.append("--active")
        if concurrency:
            cmd += ["--concurrency", str(concurrency)]
        cpu0 = cpu_of_children()
        elapsed, proc = timed(cmd)
        cpu = cpu_of_children() - cpu0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"scan failed ({proc.returncode}): {proc.stderr.decode()[-800:]}")
    report = json.loads(report_path.read_text())
    exchanges = report["exchanges"]
    return {
        "wall_s": elapsed,
        "cpu_s": cpu,
        "requests": len(exchanges),
        "in_flight": most_in_flight(exchanges),
        "chain": longest_chain(exchanges),
        "chain_steps": chain_steps(exchanges),
        "verdicts": {c["id"]: c["status"] for c in report["checks"]},
        # A request with credentials (the malformed-token probe) is another request, not a repeat.
        "urls": sorted(
            f"{e['method']} {e['url']}" + (" (with credentials)" if _sent_credentials(e) else "")
            for e in exchanges
        ),
    }


def measure(
    variant: str,
    latency_ms: float,
    mode: str,
    runs: int,
    start_s: float,
    concurrency: int | None = None,
    proto: str = "h1",
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        samples = [one_scan(variant, latency_ms, mode, Path(tmp), concurrency, proto) for _ in range(runs)]
    verdicts = samples[0]["verdicts"]
    unstable = sorted({k for s in samples[1:] for k, v in s["verdicts"].items() if verdicts.get(k) != v})
    urls = samples[0]["urls"]
    duplicates = sorted({u for u in urls if urls.count(u) > 1 and u.startswith(("GET ", "HEAD "))})
    wall = statistics.median(s["wall_s"] for s in samples)
    floor = NECESSARY_CHAIN[mode] * latency_ms / 1000 + start_s
    return {
        "variant": variant,
        "latency_ms": latency_ms,
        "mode": mode,
        "proto": proto,
        "runs": runs,
        "wall_s": round(wall, 3),
        "min_s": round(min(s["wall_s"] for s in samples), 3),
        "cpu_s": round(statistics.median(s["cpu_s"] for s in samples), 3),
        "requests": int(statistics.median(s["requests"] for s in samples)),
        "in_flight": int(statistics.median(s["in_flight"] for s in samples)),
        "chain": int(statistics.median(s["chain"] for s in samples)),
        # The run whose chain is the median's: where to look for the next edge to cut.
        "chain_steps": next(
            s["chain_steps"] for s in sorted(samples, key=lambda s: s["chain"])[len(samples) // 2 :]
        ),
        "necessary_chain": NECESSARY_CHAIN[mode],
        "ratio": round(wall / floor, 2),
        "verdicts": verdicts,
        "unstable_verdicts": unstable,
        "repeated_safe_requests": duplicates,
    }


def _key(row: dict[str, Any]) -> tuple[str, float, str, str]:
    # Rows from before the h2 dimension were all plain HTTP/1.1.
    return (row["variant"], float(row["latency_ms"]), row["mode"], row.get("proto", "h1"))


def check(rows: list[dict[str, Any]], baseline_path: Path) -> list[str]:
    committed = {_key(r): r for r in json.loads(baseline_path.read_text())["rows"]}
    problems = []
    for row in rows:
        old = committed.get(_key(row))
        if old is None:
            continue
        if row["ratio"] > old["ratio"] * REGRESSION:
            problems.append(
                f"{row['variant']} {row['latency_ms']:g} ms {row['mode']} {row['proto']}: "
                f"ratio {row['ratio']} vs committed {old['ratio']} (> {REGRESSION:g}x)"
            )
        if row["verdicts"] != old["verdicts"]:
            changed = sorted(k for k in row["verdicts"] if row["verdicts"][k] != old["verdicts"].get(k))
            problems.append(
                f"{row['variant']} {row['mode']} {row['proto']}: verdicts changed: {', '.join(changed)}"
            )
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--variant", choices=VARIANTS, action="append")
    parser.add_argument("--latency", type=float, action="append", help="ms injected before each answer")
    parser.add_argument("--mode", choices=MODES, action="append")
    parser.add_argument("--proto", choices=PROTOS, action="append", help="h1: HTTP/1.1; h2: TLS + HTTP/2")
    parser.add_argument(
        "--concurrency", type=int, help="passed to `scan --concurrency` (the per-origin bound)"
    )
    parser.add_argument("--out", type=Path, default=LAST_RUN, help="where to write this run's JSON")
    parser.add_argument("--save", action="store_true", help=f"also write {FIGURES.relative_to(ROOT)}")
    parser.add_argument("--check", action="store_true", help="fail on a >25%% ratio regression")
    parser.add_argument(
        "--show-chain", action="store_true", help="print each cell's longest chain (probe, method, path)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:  # warm-up: bytecode written, files in the page cache
        one_scan("good", 0, "active", Path(tmp))
    start = startup(args.runs)
    print(f"# {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"# median of {args.runs} whole-process runs; start-up (s): {start}")
    print("variant latency mode     proto wall_s  min_s  cpu_s requests in_flight chain ratio")
    rows = []
    for variant in args.variant or VARIANTS:
        for latency in args.latency or LATENCIES_MS:
            for mode in args.mode or MODES:
                for proto in args.proto or PROTOS:
                    row = measure(
                        variant, latency, mode, args.runs, start["version"], args.concurrency, proto
                    )
                    rows.append(row)
                    print(
                        f"{variant:<7} {latency:5g}ms {mode:<8} {proto:<5} {row['wall_s']:6.3f} "
                        f"{row['min_s']:6.3f} {row['cpu_s']:6.3f} "
                        f"{row['requests']:8d} {row['in_flight']:9d} {row['chain']:5d} {row['ratio']:5.2f}"
                    )
                    for name in ("unstable_verdicts", "repeated_safe_requests"):
                        if row[name]:
                            print(f"#   {name}: {', '.join(row[name])}")
                    if args.show_chain:
                        print("#   chain: " + " -> ".join(row["chain_steps"]))
    result = {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "runs": args.runs,
        "startup_s": start,
        "rows": rows,
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    if args.save:
        FIGURES.write_text(json.dumps(result, indent=1) + "\n")
    if args.check:
        problems = check(rows, FIGURES)
        for p in problems:
            print(f"REGRESSION: {p}")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
