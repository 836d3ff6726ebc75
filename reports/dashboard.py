"""The dashboard: one self-contained, offline HTML page over many targets and their history.

Input is batch lines (:mod:`agent_ready.jsonl`; a single JSON report becomes one line), so nightly JSONL
files, merged shards and kept reports mix freely. The page shows each target's latest scan in a sortable,
filterable table; for a target scanned more than once, a trend line (inline SVG) and what changed since the
scan before; and across targets, the distribution of scores and the most common blockers.

Everything is computed here, in Python; the page's only script sorts and filters rows that are already in
the HTML. Its CSS and script never vary, so a Content-Security-Policy of their hashes (and nothing else:
``default-src 'none'``) lets the page run and forbids it any network request.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from agent_ready.jsonl import history, line_key
from agent_ready.scoring import CATEGORIES, GRADE_BANDS

TOP_BLOCKERS = 10
SCORE_BINS = 10  # 0-9, 10-19, ... 90-100


@dataclass
class Change:
    check: str
    before: str
    after: str


@dataclass
class Row:
    key: str
    target: str
    status: str  # ok | error
    when: str  # ISO time of the latest scan
    when_text: str
    score: float | None
    grade: str
    categories: dict[str, float | None]
    top_blocker: str  # check id, or the error's reason
    top_blocker_text: str
    scans: int
    delta: float | None = None  # score change since the previous scan
    trend: Markup | None = None  # a small inline SVG
    trend_large: Markup | None = None
    previous_when: str = ""
    grade_before: str = ""
    changes: list[Change] = field(default_factory=list)
    new_blockers: list[str] = field(default_factory=list)
    fixed_blockers: list[str] = field(default_factory=list)
    history: list[tuple[str, float | None]] = field(default_factory=list)


def _time_text(iso: str) -> str:
    try:
        when = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso or "")
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")


def _score(line: dict[str, Any]) -> float | None:
    summary = line.get("summary") or {}
    value = summary.get("overall")
    return float(value) if isinstance(value, int | float) else None


def sparkline(points: list[float | None], width: int, height: int, label: str) -> Markup:
    """An inline SVG polyline of scores 0-100, oldest left; a scan without a score leaves a gap."""
    pad = 3
    n = len(points)
    step = (width - 2 * pad) / max(1, n - 1)

    def xy(i: int, value: float) -> tuple[float, float]:
        return pad + i * step, pad + (100 - value) / 100 * (height - 2 * pad)

    segments: list[list[tuple[float, float]]] = [[]]
    for i, value in enumerate(points):
        if value is None:
            segments.append([])
        else:
            segments[-1].append(xy(i, value))
    lines = "".join(
        f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in seg)}"/>' for seg in segments if seg
    )
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2"/>' for seg in segments for x, y in seg[-1:])
    return Markup(
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{Markup.escape(label)}"><line class="base" x1="0" y1="{height - pad}" x2="{width}" '
        f'y2="{height - pad}"/>{lines}{dots}</svg>'
    )


def _row(lines: list[dict[str, Any]], category_ids: list[str]) -> Row:
    last = lines[-1]
    summary = last.get("summary") or {}
    error = last.get("status") == "error"
    top = summary.get("top_blocker") or {}
    row = Row(
        key=line_key(last),
        target=str(last.get("target", "")),
        status="error" if error else "ok",
        when=str(last.get("time", "")),
        when_text=_time_text(str(last.get("time", ""))),
        score=_score(last),
        grade="error" if error else str(summary.get("grade", "n/a")),
        categories={c: (summary.get("categories", {}).get(c) or {}).get("score") for c in category_ids},
        top_blocker="" if error else str(top.get("id", "")),
        top_blocker_text=str(last.get("error") or "") if error else str(top.get("summary", "")),
        scans=len(lines),
        history=[(str(ln.get("time", "")), _score(ln)) for ln in lines],
    )
    if len(lines) > 1:
        scores = [s for _, s in row.history]
        row.trend = sparkline(scores, 90, 24, f"score trend over {len(lines)} scans")
        row.trend_large = sparkline(scores, 320, 90, f"score trend of {row.target} over {len(lines)} scans")
        prev = lines[-2]
        prev_summary = prev.get("summary") or {}
        row.previous_when = _time_text(str(prev.get("time", "")))
        row.grade_before = "error" if prev.get("status") == "error" else str(prev_summary.get("grade", "n/a"))
        before_score = _score(prev)
        if row.score is not None and before_score is not None:
            row.delta = round(row.score - before_score, 1)
        before_checks: dict[str, str] = prev_summary.get("checks") or {}
        after_checks: dict[str, str] = summary.get("checks") or {}
        row.changes = [
            Change(cid, before_checks.get(cid, "absent"), after_checks.get(cid, "absent"))
            for cid in sorted(set(before_checks) | set(after_checks))
            if before_checks.get(cid) != after_checks.get(cid)
        ]
        before_blockers = set(prev_summary.get("blockers") or [])
        after_blockers = set(summary.get("blockers") or [])
        row.new_blockers = sorted(after_blockers - before_blockers)
        row.fixed_blockers = sorted(before_blockers - after_blockers)
    return row


SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _categories(latest: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """Category ids and titles across targets. An id becomes part of an attribute name in the page, so
    one that is not a plain id (a crafted input file) is left out rather than escaped."""
    titles = {c.id: c.title for c in CATEGORIES}
    seen: dict[str, str] = {}
    for line in latest:
        for cid, cat in ((line.get("summary") or {}).get("categories") or {}).items():
            if isinstance(cid, str) and SAFE_ID.match(cid) and isinstance(cat, dict):
                seen.setdefault(cid, str(cat.get("title") or titles.get(cid, cid)))
    order = [c.id for c in CATEGORIES if c.id in seen] + sorted(set(seen) - {c.id for c in CATEGORIES})
    return [(cid, seen[cid]) for cid in order]


def _bars(items: list[tuple[str, int]], width: int = 440, bar: int = 14, gap: int = 5) -> Markup:
    """A horizontal bar chart as inline SVG: label, bar, count."""
    most = max((n for _, n in items), default=0) or 1
    label_w, count_w = 210, 36
    height = len(items) * (bar + gap) + gap
    parts = []
    for i, (label, n) in enumerate(items):
        y = gap + i * (bar + gap)
        w = (width - label_w - count_w) * n / most
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar - 4}" class="lbl">{Markup.escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar}"><title>{Markup.escape(label)}: {n}'
            f"</title></rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar - 4}" class="num">{n}</text>'
        )
    return Markup(
        f'<svg class="bars" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="bar chart">{"".join(parts)}</svg>'
    )


def _score_bins(scores: list[float]) -> list[tuple[str, int]]:
    size = 100 // SCORE_BINS
    counts = [0] * SCORE_BINS
    for s in scores:
        counts[min(SCORE_BINS - 1, int(s // size))] += 1
    return [
        (f"{i * size}-{i * size + size - 1 if i < SCORE_BINS - 1 else 100}", counts[i])
        for i in range(SCORE_BINS)
    ]


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    base = files("agent_ready.reports").joinpath("templates")
    return (
        base.joinpath("dashboard.css").read_text(encoding="utf-8"),
        base.joinpath("dashboard.js").read_text(encoding="utf-8"),
    )


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("agent_ready.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_dashboard(lines: Iterable[dict[str, Any]], *, title: str = "agent-ready dashboard") -> str:
    by_target = history(lines)
    latest = [entries[-1] for entries in by_target.values()]
    categories = _categories(latest)
    rows = sorted(
        (_row(entries, [c for c, _ in categories]) for entries in by_target.values()),
        key=lambda r: (r.score is None, -(r.score or 0), r.target),
    )
    scores = [r.score for r in rows if r.score is not None]
    blockers = Counter(b for line in latest for b in ((line.get("summary") or {}).get("blockers") or []))
    grades = Counter(r.grade for r in rows)
    grade_order = [g for _, g, _ in GRADE_BANDS] + ["n/a", "error"]
    css, js = _assets()
    csp = (
        "default-src 'none'; img-src data:; "
        f"style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
        "base-uri 'none'; form-action 'none'"
    )
    scans = sum(len(v) for v in by_target.values())
    return (
        _env()
        .get_template("dashboard.html.j2")
        .render(
            title=title,
            csp=csp,
            css=Markup(css),
            js=Markup(js),
            rows=rows,
            categories=categories,
            trended=[r for r in rows if r.scans > 1],
            grade_counts=[(g, grades[g]) for g in grade_order if grades[g]],
            grade_order=grade_order,
            score_chart=_bars(_score_bins(scores)) if scores else None,
            blocker_chart=_bars(blockers.most_common(TOP_BLOCKERS)) if blockers else None,
            errors=sum(r.status == "error" for r in rows),
            scans=scans,
            median=sorted(scores)[len(scores) // 2] if scores else None,
            generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        )
    )
