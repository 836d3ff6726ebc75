"""The HTML report: one self-contained file (inline CSS, SVG and one static script for the copy buttons; no
external assets), rendered from the same dictionary as the JSON report (:func:`reports.json_report.to_dict`)
so the two never disagree. Jinja2 autoescaping escapes everything that came from the target; the ``md``
filter renders inline Markdown (code spans, emphasis) with raw HTML off, escaping everything else.

The view helpers below only regroup and label that dictionary (checks by category, worst first; the
exchanges each check cites); they never compute a verdict or a score of their own.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from agent_ready.engine import ScanReport
from agent_ready.reports.folding import fold
from agent_ready.reports.json_report import to_dict

# Worst first, so what needs fixing is read first.
STATUS_ORDER = {"fail": 0, "error": 1, "warn": 2, "pass": 3, "not_applicable": 4, "skipped": 5}
STATUS_LABEL = {
    "pass": "Pass",
    "warn": "Warn",
    "fail": "Fail",
    "not_applicable": "N/A",
    "error": "Error",
    "skipped": "Skipped",
}
LEVEL_LABEL = {"pass": "Good", "info": "Info", "warn": "Concern", "fail": "Problem", "error": "Inconclusive"}
JOURNEY_LABEL = {"ok": "OK", "warn": "Warning", "stuck": "Stuck", "skipped": "Skipped", "error": "Error"}
CAPABILITY_LABEL = {"yes": "Yes", "no": "No", "partly": "Partly", "unknown": "Unknown"}
MAX_EVIDENCE_PER_CHECK = 8
FIX_FIRST = 5  # the "fix first" list: the fixes worth the most points
OPEN_STATUSES = ("fail", "warn", "error")  # these checks are open; the others collapse to one line
EXCERPT_CHARS = 800  # per exchange, in the evidence of a check; the JSON report keeps 2 KiB
GAUGE_RADIUS = 52


def score_band(score: float | None) -> str:
    """Lighthouse-style colour band of a 0-100 score; the number itself is always shown too."""
    if score is None:
        return "none"
    if score >= 90:
        return "good"
    if score >= 50:
        return "average"
    return "poor"


def gauge_dash(score: float | None, radius: int = GAUGE_RADIUS) -> str:
    """stroke-dasharray for an SVG ring filled to ``score`` percent."""
    circumference = 2 * 3.141592653589793 * radius
    filled = 0.0 if score is None else max(0.0, min(100.0, score)) / 100 * circumference
    return f"{filled:.1f} {circumference:.1f}"


def when(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return moment.strftime("%Y-%m-%d %H:%M:%S") + (" UTC" if moment.utcoffset() is not None else "")


def fmt_score(score: float | None) -> str:
    return "n/a" if score is None else f"{score:.0f}"


def fmt_ms(ms: float | None) -> str:
    if ms is None:
        return ""
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def is_web_link(url: Any) -> bool:
    return isinstance(url, str) and url.startswith(("https://", "http://"))


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # "zero" enables nothing; code spans and emphasis are all a check's texts use. Raw HTML stays off, so
    # "<" from the target is escaped; links stay off, so a target cannot plant one in the report.
    return MarkdownIt("zero", {"html": False}).enable(["backticks", "emphasis"])


def inline_markdown(text: Any) -> Markup:
    if text is None:
        return Markup("")
    return Markup(_markdown().renderInline(str(text)))


def impact_key(check: dict[str, Any]) -> tuple[float, float, str]:
    """Most points first; a report without ``score_impact`` (before 1.2) falls back to the weight."""
    return (-float(check.get("score_impact") or 0), -float(check["weight"]), check["id"])


def check_fixes(check: dict[str, Any]) -> list[str]:
    """The distinct fixes of a check's problems, in order; its remediation when no finding names one."""
    fixes = [f["fix"] for f in check.get("findings", []) if f.get("fix") and f["level"] in ("fail", "warn")]
    return list(dict.fromkeys(fixes)) or [check["remediation"]]


def _evidence_ids(check: dict[str, Any]) -> list[str]:
    ids: list[str] = []
    for f in check.get("findings", []):
        for eid in f.get("evidence", []):
            if eid not in ids:
                ids.append(eid)
    return ids


def view_model(doc: dict[str, Any]) -> dict[str, Any]:
    """Regroupings of ``doc`` the template needs; nothing here adds a fact the JSON lacks."""
    by_id = {c["id"]: c for c in doc["checks"]}
    categories = []
    for cat in doc["categories"]:
        checks = sorted(
            (by_id[i] for i in cat["checks"] if i in by_id),
            key=lambda c: (STATUS_ORDER.get(c["status"], 9), -c["weight"], c["id"]),
        )
        categories.append({**cat, "check_list": checks, "band": score_band(cat["score"])})
    listed = {i for cat in doc["categories"] for i in cat["checks"]}
    orphans = [c for c in doc["checks"] if c["id"] not in listed]
    if orphans:  # a plugin's check in a category the scoring module does not know
        categories.append(
            {
                "id": "other",
                "title": "Other checks",
                "question": "",
                "score": None,
                "band": "none",
                "counts": {},
                "checks": [c["id"] for c in orphans],
                "check_list": orphans,
                "weight": 0,
            }
        )
    fix_first = sorted((c for c in doc["checks"] if c["status"] in ("fail", "warn")), key=impact_key)
    evidence = {c["id"]: _evidence_ids(c)[:MAX_EVIDENCE_PER_CHECK] for c in doc["checks"]}
    return {
        "categories": categories,
        "fix_first": fix_first,
        "evidence": evidence,
        "bodies": _bodies(doc, categories, evidence),
        "folded": {c["id"]: fold(c.get("findings", [])) for c in doc["checks"]},
        "statuses": [s for s in STATUS_ORDER if any(c["status"] == s for c in doc["checks"])],
        "band": score_band(doc["score"]["overall"]),
    }


def _bodies(
    doc: dict[str, Any], categories: list[dict[str, Any]], evidence: dict[str, list[str]]
) -> dict[str, dict[str, Any]]:
    """Each response body once: for every exchange with a body, the exchange whose card shows it (the first
    in reading order, open checks before collapsed ones) and how many responses returned the same body.
    A single-page app answers every unknown path with the same shell; printing it 28 times helps nobody."""
    sharing: dict[str, list[str]] = {}
    for e in doc.get("exchanges", []):
        if e.get("body_excerpt"):
            sharing.setdefault(e["body_excerpt"], []).append(e["id"])
    excerpt = {e["id"]: e["body_excerpt"] for e in doc.get("exchanges", []) if e.get("body_excerpt")}
    shown: dict[str, str] = {}
    checks = [c for cat in categories for c in cat["check_list"]]
    for c in sorted(checks, key=lambda c: c["status"] not in OPEN_STATUSES):
        for eid in evidence.get(c["id"], []):
            if eid in excerpt:
                shown.setdefault(excerpt[eid], eid)
    return {
        eid: {"shown_in": shown.get(body, eid), "count": len(sharing[body])} for eid, body in excerpt.items()
    }


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("agent_ready.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        when=when, score=fmt_score, ms=fmt_ms, gauge_dash=gauge_dash, band=score_band, md=inline_markdown
    )
    env.tests["web_link"] = is_web_link
    env.globals.update(
        STATUS_LABEL=STATUS_LABEL,
        LEVEL_LABEL=LEVEL_LABEL,
        JOURNEY_LABEL=JOURNEY_LABEL,
        CAPABILITY_LABEL=CAPABILITY_LABEL,
        EXCERPT_CHARS=EXCERPT_CHARS,
        GAUGE_RADIUS=GAUGE_RADIUS,
        FIX_FIRST=FIX_FIRST,
        OPEN_STATUSES=OPEN_STATUSES,
        check_fixes=check_fixes,
    )
    return env


_INLINE = re.compile(r"<(style|script)>(.*?)</\1>", re.S)
_CHARSET = '<meta charset="utf-8">'
_NONE = "'none'"


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(html: str) -> str:
    """A policy that lets the page run exactly its own inline <style> and <script> blocks (by hash) and load
    nothing: no network, no frames, no forms, no <base>. Target text is escaped, so every <style>/<script>
    element in the rendered page is the template's own; the policy is the second line of defence should an
    escaping bug ever let one through."""
    styles = sorted({_sha256(body) for tag, body in _INLINE.findall(html) if tag == "style"})
    scripts = sorted({_sha256(body) for tag, body in _INLINE.findall(html) if tag == "script"})
    return (
        "default-src 'none'; img-src data:; "
        f"style-src {' '.join(styles) or _NONE}; script-src {' '.join(scripts) or _NONE}; "
        "base-uri 'none'; form-action 'none'"
    )


def with_csp(html: str) -> str:
    """``html`` with its Content-Security-Policy meta element first in <head> (before any style or script)."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(html)}">'
    if _CHARSET not in html:
        raise ValueError("the report template lost its <meta charset>; the CSP goes right after it")
    return html.replace(_CHARSET, _CHARSET + "\n" + meta, 1)


def render_dict(doc: dict[str, Any]) -> str:
    """Render a report dictionary (as :func:`to_dict` builds it, or as read back from a JSON report)."""
    exchanges = {e["id"]: e for e in doc.get("exchanges", [])}
    html = _env().get_template("report.html.j2").render(r=doc, exchanges=exchanges, v=view_model(doc))
    return with_csp(html)


def render_html(report: ScanReport) -> str:
    return render_dict(to_dict(report))
