"""The batch runner's own guarantees, without a network: the hard per-target deadline and the progress."""

from __future__ import annotations

import asyncio
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agent_ready import batch
from agent_ready.batch import BatchSettings, Progress, run_batch, scan_one
from agent_ready.cli.batch import _bar
from agent_ready.engine import ScanSettings
from agent_ready.registry import Registry


def test_a_scan_that_ignores_its_deadline_becomes_an_error_line(
    monkeypatch: pytest.MonkeyPatch, registry: Registry
) -> None:
    async def stuck(*args: Any, **kwargs: Any) -> None:
        await asyncio.sleep(3600)

    monkeypatch.setattr(batch, "run_scan", stuck)
    settings = BatchSettings(scan=ScanSettings(deadline=0.2), grace=0.1)
    line = asyncio.run(scan_one("http://127.0.0.1:9/", registry, settings, None))
    assert line["status"] == "error" and "per-target deadline (0.3s)" in line["error"]
    assert line["exit_code"] == 3 and line["summary"] is None and line["key"] == "http://127.0.0.1:9/"


def test_one_target_crashing_is_its_own_line(monkeypatch: pytest.MonkeyPatch, registry: Registry) -> None:
    async def broken(url: str, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError(f"bug while scanning {url}")

    monkeypatch.setattr(batch, "run_scan", broken)
    lines: list[dict[str, Any]] = []
    progress = asyncio.run(
        run_batch(["http://a.test/", "http://b.test/"], registry, BatchSettings(), lines.append, total=2)
    )
    assert progress.done == 2 and progress.errors == 2
    assert {ln["exit_code"] for ln in lines} == {4}
    assert all("internal error: RuntimeError" in ln["error"] for ln in lines)


def test_progress_bar_text() -> None:
    assert _bar(0, 10, 0.0, 0, None) == "\r[........................] 0/10  0.0/s  0 errors  ETA --:-- "
    text = _bar(5, 10, 2.5, 1, 2.0)
    assert "[############............] 5/10" in text and "2.5/s" in text and "1 error " in text
    assert "ETA 0:00:02" in text
    p = Progress(total=4, done=2)
    assert p.rate > 0 and p.eta is not None


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text("http://127.0.0.1:9/\nnot-a-url\n")
    env = {**os.environ, "AGENT_READY_NO_PLUGINS": "1"}
    cmd = [sys.executable, "-m", "agent_ready", "batch", str(listing), "--jsonl", str(tmp_path / "o.jsonl")]
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(cmd, stderr=follower, stdout=subprocess.DEVNULL, env=env, timeout=120)
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
    assert proc.returncode == 3  # nothing could be scanned
    assert b"\r[" in seen and b"ETA" in seen and b"2/2" in seen
    piped = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert "\r[" not in piped.stderr and "ETA" not in piped.stderr and "batch: 2 target(s)" in piped.stderr
