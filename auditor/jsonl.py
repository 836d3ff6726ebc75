"""Batch results as JSON Lines: one line per scanned target, appended durably, read back tolerantly.

A line is one JSON object::

    {"schema_version": "1.1", "target": "https://api.example.com/", "key": "https://api.example.com/",
     "time": "2026-12-01T10:00:00.123+00:00", "status": "ok" | "error", "error": null | "why",
     "exit_code": 0, "gate": {"passed": true, "reasons": []} | null,
     "summary": {...} | null, "report": {...}}   # "report" only with --full

The contract is ``reports/schema/batch-line.schema.json`` (:func:`validate_line`). ``schema_version`` is
the report schema's; ``key`` is the normalised URL
(:func:`agent_ready.targets.normalise`) that ``--resume``, ``merge`` and the dashboard match on;
``time`` is when the scan finished.
A line is written and flushed to disk before the next one starts, so a crash loses at most the line being
written; a torn last line is skipped (with a warning) by every reader, and the next append starts on a
fresh line.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import IO, Any

from agent_ready.targets import normalise


def line_key(line: dict[str, Any]) -> str:
    return str(line.get("key") or normalise(str(line.get("target", ""))))


_NEVER = datetime.min.replace(tzinfo=UTC)


def _when(line: dict[str, Any]) -> datetime:
    try:
        when = datetime.fromisoformat(str(line.get("time")))
    except ValueError:
        return _NEVER
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class JsonlWriter:
    """Appends lines to a file (or writes them to a stream), each flushed and fsynced as it is written."""

    def __init__(self, stream: IO[str], *, sync: bool = True) -> None:
        self._stream = stream
        self._sync = sync

    @classmethod
    def append_to(cls, path: Path) -> JsonlWriter:
        path.parent.mkdir(parents=True, exist_ok=True)
        torn = False
        if path.exists() and path.stat().st_size:
            with path.open("rb") as fh:
                fh.seek(-1, os.SEEK_END)
                torn = fh.read(1) != b"\n"
        stream = path.open("a", encoding="utf-8")
        if torn:  # a crash cut the last line short: keep it apart from ours
            stream.write("\n")
        return cls(stream)

    def write(self, line: dict[str, Any]) -> None:
        self._stream.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        self._stream.flush()
        if self._sync:
            with contextlib.suppress(OSError, ValueError):  # a pipe or a terminal: nothing to sync
                os.fsync(self._stream.fileno())

    def close(self) -> None:
        self._stream.close()


@dataclass
class Loaded:
    """Lines read from files, and what could not be read."""

    lines: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def iter_lines(path: Path, warnings: list[str]) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8", errors="replace") as fh:
        for number, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
            except ValueError:
                warnings.append(f"{path}:{number}: not a JSON line (torn by a crash?); skipped")
                continue
            if not isinstance(line, dict) or "target" not in line:
                warnings.append(f"{path}:{number}: not a batch line (no target); skipped")
                continue
            yield line


def done_keys(path: Path) -> set[str]:
    """Keys of the targets already in a JSONL file (for ``--resume``)."""
    if not path.exists():
        return set()
    return {line_key(line) for line in iter_lines(path, [])}


def report_line(doc: dict[str, Any], *, source: str = "") -> dict[str, Any]:
    """A batch line for a single JSON report a user kept (``scan -o report.json``)."""
    from agent_ready.reports.summary import summarize_report

    target = doc.get("target", {})
    url = str(target.get("url") or " ".join(target.get("command", [])) or source)
    error = doc.get("runtime_error")
    return {
        "schema_version": doc.get("schema_version"),
        "target": url,
        "key": normalise(url),
        "time": doc.get("finished_at") or doc.get("started_at"),
        "status": "error" if error else "ok",
        "error": error,
        "summary": None if error else summarize_report(doc),
    }


def load(paths: Iterable[Path]) -> Loaded:
    """Lines from JSONL files and single JSON reports, in the order given."""
    out = Loaded()
    for path in paths:
        try:
            if path.suffix == ".json":
                doc = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(doc, dict) or "checks" not in doc:
                    out.warnings.append(f"{path}: not an agent-ready JSON report; skipped")
                    continue
                out.lines.append(report_line(doc, source=str(path)))
            else:
                out.lines.extend(iter_lines(path, out.warnings))
        except OSError as exc:
            out.warnings.append(f"{path}: cannot read ({exc.strerror or exc}); skipped")
        except ValueError as exc:
            out.warnings.append(f"{path}: not JSON ({exc}); skipped")
    return out


def merge(lines: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every scan once: lines of the same target and time are one scan, of which the last read wins;
    all other lines are kept (they are the target's history). Ordered by time, then target."""
    kept: dict[tuple[str, str], dict[str, Any]] = {}
    for line in lines:
        kept[(line_key(line), str(line.get("time")))] = line
    return sorted(kept.values(), key=lambda ln: (_when(ln), line_key(ln)))


def latest(lines: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The most recent line of each target, by key."""
    out: dict[str, dict[str, Any]] = {}
    for line in lines:
        key = line_key(line)
        if key not in out or _when(line) >= _when(out[key]):
            out[key] = line
    return out


def history(lines: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each target's lines, oldest first."""
    out: dict[str, list[dict[str, Any]]] = {}
    for line in merge(lines):
        out.setdefault(line_key(line), []).append(line)
    return out


@lru_cache(maxsize=1)
def line_schema() -> dict[str, Any]:
    """The JSON Schema of a batch line (``reports/schema/batch-line.schema.json``)."""
    text = files("agent_ready.reports").joinpath("schema/batch-line.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_line(line: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError if ``line`` breaks the batch-line contract (a full report inside
    is checked against the report schema, resolved offline)."""
    import jsonschema

    from agent_ready.reports.json_report import schema_registry

    jsonschema.Draft202012Validator(line_schema(), registry=schema_registry()).validate(line)
