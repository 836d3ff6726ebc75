"""Benchmark: one ``agent-ready batch`` over many local targets with an injected latency.

    python bench/batch_targets.py [--targets 500] [--latency-ms 50] [--parallel 8,16,32,64]

A separate process serves every target: one asyncio server per port on 127.0.0.1, each answering every
request after ``--latency-ms`` (a home page, robots.txt, a small OpenAPI document, a JSON 401 on /api and
problem+json 404s elsewhere), so the scanner sees distinct origins that behave like a plain API site.
For each ``--parallel`` value the batch runs as a child process; the figures are its wall time, targets per
second and peak RSS (the sum over its process tree, sampled every 50 ms from /proc). Loopback only;
results go to docs/benchmarks.md by hand, with the machine and the date.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HOME = b"""<!doctype html><html><head><title>Bench API</title>
<link rel="service-desc" href="/openapi.json"></head><body><h1>Bench API</h1>
<p>See <a href="/docs">the docs</a>.</p></body></html>"""
ROBOTS = b"User-agent: *\nAllow: /\n"
OPENAPI = json.dumps(
    {
        "openapi": "3.1.0",
        "info": {"title": "Bench API", "version": "1"},
        "paths": {"/api/items": {"get": {"responses": {"200": {"description": "items"}}}}},
    }
).encode()
UNAUTHORIZED = json.dumps(
    {"type": "about:blank", "title": "Unauthorized", "status": 401, "detail": "send a bearer token"}
).encode()
NOT_FOUND = json.dumps({"type": "about:blank", "title": "Not Found", "status": 404}).encode()


def _answer(path: str) -> tuple[int, str, bytes, list[tuple[str, str]]]:
    path = path.split("?", 1)[0]
    if path == "/":
        return 200, "text/html; charset=utf-8", HOME, []
    if path == "/robots.txt":
        return 200, "text/plain", ROBOTS, []
    if path == "/openapi.json":
        return 200, "application/json", OPENAPI, []
    if path.startswith("/api"):
        return 401, "application/problem+json", UNAUTHORIZED, [("WWW-Authenticate", 'Bearer realm="api"')]
    return 404, "application/problem+json", NOT_FOUND, []


async def _serve_conn(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, latency: float) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip() or 0)
            if length:
                await reader.readexactly(length)
            await asyncio.sleep(latency)
            status, ctype, body, extra = _answer(path)
            body_out = b"" if method == "HEAD" else body
            headers = [("Content-Type", ctype), ("Content-Length", str(len(body))), *extra]
            reason = {200: "OK", 401: "Unauthorized", 404: "Not Found"}[status]
            out = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
            writer.write(out.encode("latin-1") + body_out)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def _serve(count: int, latency: float) -> None:
    servers = []
    for _ in range(count):
        servers.append(
            await asyncio.start_server(
                lambda r, w: _serve_conn(r, w, latency), "127.0.0.1", 0, backlog=256, reuse_address=True
            )
        )
    ports = [s.sockets[0].getsockname()[1] for s in servers]
    sys.stdout.write(json.dumps(ports) + "\n")
    sys.stdout.flush()
    await asyncio.Event().wait()


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("VmRSS:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run_measured(cmd: list[str]) -> tuple[float, float, int, float]:
    """Run ``cmd``; its wall time, the peak of its process tree's summed RSS in MiB, its exit code, and the
    CPU seconds of its whole process tree (the batch and its workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kib(proc.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    assert proc.stderr is not None
    err = proc.stderr.read()
    if proc.returncode not in (0, 1):
        sys.stderr.write(err)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, peak / 1024, proc.returncode, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--targets", type=int, default=500)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--parallel", default="8,16,32,64")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(_serve(args.targets, args.latency_ms / 1000))
        return
    server = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            "--targets",
            str(args.targets),
            "--latency-ms",
            str(args.latency_ms),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        ports = json.loads(server.stdout.readline())
        print(f"# {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(
            f"# {len(ports)} targets on 127.0.0.1, latency per answer {args.latency_ms:g} ms, passive scans"
        )
        print(f"# load average before: {os.getloadavg()[0]:.1f}")
        print(
            "parallel  workers  wall_s  targets_per_s  peak_rss_mib  ok  error  "
            "cpu_ms_per_target  server_cpu_ms"
        )
        with tempfile.TemporaryDirectory() as tmp:
            listing = Path(tmp) / "urls.txt"
            listing.write_text("".join(f"http://127.0.0.1:{p}/\n" for p in ports))
            for parallel in sorted(int(p) for p in args.parallel.split(",")):
                out = Path(tmp) / f"out-{parallel}.jsonl"
                cmd = [
                    sys.executable, "-m", "agent_ready", "batch", str(listing), "--jsonl", str(out),
                    "--parallel", str(parallel), "--workers", str(args.workers), "--no-plugins", "-q",
                ]  # fmt: skip
                server_cpu = _cpu_of(server.pid)
                wall, peak, _, cpu = _run_measured(cmd)
                server_cpu = _cpu_of(server.pid) - server_cpu
                lines = [json.loads(x) for x in out.read_text().splitlines()]
                ok = sum(ln["status"] == "ok" for ln in lines)
                n = max(1, len(lines))
                print(
                    f"{parallel:8d}  {args.workers:7d}  {wall:6.1f}  {len(lines) / wall:13.1f}  "
                    f"{peak:12.0f}  "
                    f"{ok:3d}  {len(lines) - ok:5d}  {cpu / n * 1000:17.1f}  {server_cpu / n * 1000:13.1f}",
                    flush=True,
                )
                reasons = Counter(str(ln["error"])[:90] for ln in lines if ln["status"] == "error")
                for reason, count in reasons.most_common(3):
                    print(f"#   {count} x {reason}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()


if __name__ == "__main__":
    main()
