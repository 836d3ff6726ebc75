"""``agent-ready batch`` and ``merge`` as a user runs them, against local servers only."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from agent_ready.jsonl import validate_line
from agent_ready.reference import ReferenceServer, build_app
from agent_ready.reference.app import ReferenceApp, Reply, Request
from agent_ready.reports.json_report import validate


def agent_ready(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGENT_READY_NO_PLUGINS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "agent_ready", *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def lines_of(path: Path) -> list[dict[str, Any]]:
    """The lines of a batch file, each validated against the batch-line schema."""
    lines = [json.loads(raw) for raw in path.read_text().splitlines() if raw.strip()]
    for line in lines:
        validate_line(line)
    return lines


@pytest.fixture
def hanging_port() -> Iterator[int]:
    """A port that accepts connections (the kernel's backlog) and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    yield sock.getsockname()[1]
    sock.close()


def test_dead_and_hanging_targets_become_error_lines(
    reference: ReferenceServer, bare: ReferenceServer, hanging_port: int, tmp_path: Path
) -> None:
    live = [reference.url + "/", bare.url + "/", reference.url + "/docs"]
    dead = "http://127.0.0.1:9/"
    hanging = f"http://127.0.0.1:{hanging_port}/"
    listing = tmp_path / "urls.txt"
    listing.write_text(
        "# targets\n" + "\n".join([live[0], dead, hanging, live[1], "ftp://x/", live[2]]) + "\n"
    )
    out = tmp_path / "out.jsonl"
    t0 = time.monotonic()
    proc = agent_ready(
        "batch",
        str(listing),
        "--jsonl",
        str(out),
        "--timeout",
        "1",
        "--deadline",
        "6",
        "--full",
        "--parallel",
        "3",
    )
    took = time.monotonic() - t0
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    by_target = {ln["target"]: ln for ln in lines_of(out)}
    assert set(by_target) == {*live, dead, hanging, "ftp://x/"}
    for url in live:
        line = by_target[url]
        assert line["status"] == "ok" and line["error"] is None
        assert line["schema_version"] and line["time"] and line["summary"]["grade"] in "ABCDF"
        validate(line["report"])
    assert by_target[dead]["status"] == "error" and "unreachable" in by_target[dead]["error"]
    assert by_target[hanging]["status"] == "error" and "time limit" in by_target[hanging]["error"]
    assert by_target["ftp://x/"]["status"] == "error" and by_target["ftp://x/"]["exit_code"] == 2
    assert took < 60  # the hanging target cost its timeout, not the batch
    assert "6 target(s)" in proc.stderr and "3 error" in proc.stderr
    assert "[" not in proc.stderr  # no progress bar when stderr is not a terminal


def test_fail_under_gates_each_target_across_worker_processes(
    reference: ReferenceServer, bare: ReferenceServer, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "agent_ready",
            "batch",
            "-",
            "--jsonl",
            str(out),
            "--fail-under",
            "60",
            "--fail-on",
            "fail:errors",
            "--workers",
            "2",
        ],
        input=f"{reference.url}/\n{bare.url}/\n",
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "AGENT_READY_NO_PLUGINS": "1"},
    )
    assert proc.returncode == 1, proc.stderr
    gates = {ln["target"]: ln["gate"] for ln in lines_of(out)}
    assert gates[reference.url + "/"] == {"passed": True, "reasons": []}
    assert gates[bare.url + "/"]["passed"] is False
    reasons = " ".join(gates[bare.url + "/"]["reasons"])
    assert "--fail-under 60" in reasons and "--fail-on fail:errors" in reasons
    bad = agent_ready("batch", "-", "--fail-on", "sometimes")
    assert bad.returncode == 2 and "fail-on" in bad.stderr and "Traceback" not in bad.stderr
    bad = agent_ready("batch", "-", "--only", "nope.check")
    assert bad.returncode == 2 and "nope.check" in bad.stderr and not bad.stdout
    assert "1 below the gate" in proc.stderr
    assert all("report" not in ln for ln in lines_of(out))  # compact lines by default


def _slow(ms: float) -> Callable[[ReferenceApp, Request, Callable[[Request], Reply]], Reply]:
    def middleware(app: ReferenceApp, req: Request, call_next: Callable[[Request], Reply]) -> Reply:
        time.sleep(ms / 1000)
        return call_next(req)

    return middleware


def test_resume_after_a_batch_killed_half_way_scans_only_the_rest(tmp_path: Path) -> None:
    app = build_app("good")
    app.middleware.insert(0, _slow(40))
    with ReferenceServer(app) as server:
        urls = [f"{server.url}/t{i}" for i in range(6)]
        listing = tmp_path / "urls.txt"
        listing.write_text("\n".join(urls) + "\n")
        out = tmp_path / "out.jsonl"
        cmd = [
            sys.executable,
            "-m",
            "agent_ready",
            "batch",
            str(listing),
            "--jsonl",
            str(out),
            "--parallel",
            "1",
        ]
        env = {**os.environ, "AGENT_READY_NO_PLUGINS": "1"}
        first = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and (not out.exists() or len(lines_of(out)) < 2):
                time.sleep(0.05)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        done_first = [ln["target"] for ln in lines_of(out)]
        assert 2 <= len(done_first) < len(urls)
        second = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=180, env=env)
        assert second.returncode == 0, second.stderr
        assert f"{len(done_first)} target(s) already in" in second.stderr
        done_all = [ln["target"] for ln in lines_of(out)]
        assert done_all[: len(done_first)] == done_first  # nothing written before the kill was lost
        assert sorted(done_all) == sorted(urls)  # each target exactly once: the rest and only the rest
        again = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=180, env=env)
        assert again.returncode == 0 and len(lines_of(out)) == len(urls)


def test_shards_via_the_cli_and_merge(reference: ReferenceServer, tmp_path: Path) -> None:
    urls = [f"{reference.url}/p{i}" for i in range(9)]
    parts = []
    for k in (1, 2, 3):
        random.Random(k).shuffle(urls)  # each machine may hold the list in another order
        listing = tmp_path / f"urls{k}.txt"
        listing.write_text("\n".join(urls) + "\n")
        out = tmp_path / f"shard{k}.jsonl"
        proc = agent_ready(
            "batch", str(listing), "--jsonl", str(out), "--shard", f"{k}/3", "--only", "access", "-q"
        )
        assert proc.returncode == 0, proc.stderr
        parts.append(out)
    seen = [ln["target"] for part in parts for ln in lines_of(part)]
    assert sorted(seen) == sorted(urls)
    merged = tmp_path / "all.jsonl"
    proc = agent_ready("merge", *map(str, parts), str(parts[0]), "-o", str(merged))
    assert proc.returncode == 0, proc.stderr
    assert sorted(ln["target"] for ln in lines_of(merged)) == sorted(urls)  # the repeated file adds nothing
    times = [ln["time"] for ln in lines_of(merged)]
    assert times == sorted(times)


def test_openmetrics_of_a_scan_and_of_a_batch_parse(reference: ReferenceServer, tmp_path: Path) -> None:
    proc = agent_ready("scan", reference.url + "/", "--format", "openmetrics", "-q")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.endswith("# EOF\n")
    families = {f.name: f for f in text_string_to_metric_families(proc.stdout)}
    assert all(name.startswith("agent_ready_") for name in families)
    target = reference.url + "/"
    (overall,) = families["agent_ready_score"].samples
    assert overall.labels == {"target": target} and 0 <= overall.value <= 100
    categories = {s.labels["category"] for s in families["agent_ready_category_score"].samples}
    assert {"discovery", "tokens", "errors"} <= categories
    counts = {s.labels["status"]: s.value for s in families["agent_ready_checks"].samples}
    assert counts["pass"] > 0 and set(counts) >= {"pass", "fail", "error", "skipped"}

    listing = tmp_path / "urls.txt"
    listing.write_text(f"{target}\nhttp://127.0.0.1:9/\n")
    prom = tmp_path / "metrics" / "agent_ready.prom"
    proc = agent_ready(
        "batch", str(listing), "--jsonl", str(tmp_path / "o.jsonl"), "--openmetrics", str(prom)
    )
    assert proc.returncode == 0, proc.stderr
    families = {f.name: f for f in text_string_to_metric_families(prom.read_text())}
    up = {s.labels["target"]: s.value for s in families["agent_ready_up"].samples}
    assert up == {target: 1, "http://127.0.0.1:9/": 0}


def test_dashboard_from_jsonl_with_repeated_targets_shows_trends(
    reference: ReferenceServer, bare: ReferenceServer, tmp_path: Path
) -> None:
    from bs4 import BeautifulSoup

    listing = tmp_path / "urls.txt"
    listing.write_text(f"{reference.url}/\n{bare.url}/\nhttp://127.0.0.1:9/\n")
    nightly = tmp_path / "nightly.jsonl"
    for _ in range(2):  # two nights into one file
        assert agent_ready("batch", str(listing), "--jsonl", str(nightly), "-q").returncode == 0
    report = tmp_path / "kept.json"
    assert agent_ready("scan", reference.url + "/", "-o", str(report), "-q").returncode == 0
    page = tmp_path / "site" / "index.html"
    proc = agent_ready("dashboard", str(nightly), str(report), "-o", str(page))
    assert proc.returncode == 0, proc.stderr
    soup = BeautifulSoup(page.read_text(), "html.parser")
    rows = {tr["data-target"]: tr for tr in soup.select("#table tbody tr")}
    assert set(rows) == {reference.url + "/", bare.url + "/", "http://127.0.0.1:9/"}
    assert rows[reference.url + "/"].select_one("svg.spark polyline")  # three scans: a trend
    assert rows[bare.url + "/"].select_one("svg.spark polyline")
    assert "3 scans" in soup.select_one("#trends").text
    assert rows[bare.url + "/"]["data-blocker"]  # its top blocker is named
    assert agent_ready("dashboard", str(tmp_path / "none.jsonl"), "-o", str(page)).returncode == 2


def test_scan_options_reach_every_target(reference: ReferenceServer, tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(f"{reference.url}/\n{reference.url}/docs\n")
    out = tmp_path / "out.jsonl"
    proc = agent_ready(
        "batch",
        str(listing),
        "--jsonl",
        str(out),
        "--full",
        "--only",
        "access",
        "-H",
        "X-Api-Key: s3cret-value",
        "--concurrency",
        "3",
        "--h2-streams",
        "12",
    )
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert "s3cret-value" not in text  # sent, and redacted in every line
    for line in lines_of(out):
        sent = [e["request_headers"] for e in line["report"]["exchanges"]]
        assert sent and all("x-api-key" in {k.lower() for k in h} for h in sent)
        assert [h.lower() for h in line["report"]["settings"]["headers"]] == ["x-api-key"]
        settings = line["report"]["settings"]
        assert (settings["per_origin_concurrency"], settings["per_origin_streams"]) == (3, 12)
    bad = agent_ready("batch", str(listing), "--ca-bundle", str(tmp_path / "missing.pem"))
    assert bad.returncode == 2 and "--ca-bundle" in bad.stderr and "Traceback" not in bad.stderr
