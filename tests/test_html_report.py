"""The HTML report as a string: escaped, self-contained, and saying what the JSON says."""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from agent_ready.models import Status
from agent_ready.reports.html_report import gauge_dash, render_dict, render_html, score_band, view_model
from agent_ready.reports.json_report import to_dict

EVIL = '<script>alert("pwned")</script>'


class TagCollector(HTMLParser):
    """Every start tag with its attributes, to reason about the document's structure, not its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


STATIC_SCRIPT = re.compile(r"<script>\n/\* Copy buttons:.*?</script>", re.S)


def without_static_script(html: str) -> str:
    """The report's one script (the copy buttons) is template text, the same in every report; what is left
    must hold no script at all."""
    scripts = STATIC_SCRIPT.findall(html)
    assert len(scripts) == 1, "the copy-button script is missing or repeated"
    assert "{{" not in scripts[0] and "nonce" not in scripts[0]
    return STATIC_SCRIPT.sub("", html)


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = TagCollector()
    parser.feed(html)
    return parser.tags


@pytest.fixture(scope="module")
def good_doc(reference, registry) -> dict[str, Any]:
    from agent_ready.engine import ScanSettings, scan

    return to_dict(scan(reference.url, registry, ScanSettings()))


def poisoned(doc: dict[str, Any]) -> dict[str, Any]:
    """The report of a target that puts markup everywhere it can reach."""
    doc = copy.deepcopy(doc)
    doc["target"]["url"] = f"http://127.0.0.1/{EVIL}"
    for c in doc["checks"]:
        c["summary"] = f"summary {EVIL}"
        c["findings"].append(
            {
                "code": "evil",
                "level": "fail",
                "message": f"message {EVIL}",
                "evidence": [],
                "fix": f"fix {EVIL}",
            }
        )
        c["spec_links"] = [
            *c["spec_links"],
            f'javascript:alert(1)"><marquee>{EVIL}',
            f'https://x.example/"{EVIL}',
        ]
    for e in doc["exchanges"]:
        e["url"] = f"http://127.0.0.1/{EVIL}?q=\"'&"
        e["body_excerpt"] = f"<html>{EVIL}<img src=x onerror=alert(1)></html>"
        e["content_type"] = f"text/html; {EVIL}"
    doc["journey"] = [
        {
            "title": f"step {EVIL}",
            "status": "stuck",
            "learned": EVIL,
            "exchanges": ["e1"],
            "elapsed_ms": 3.0,
            "reason": f"reason {EVIL}",
            "fix": f"fix {EVIL}",
            "check": None,
        }
    ]
    doc["capabilities"] = [{"title": f"cap {EVIL}", "status": "no", "because": EVIL, "check_ids": [EVIL]}]
    doc["run_warnings"] = [f"warning {EVIL}"]
    doc["runtime_error"] = f"error {EVIL}"
    return doc


def test_everything_from_the_target_is_escaped(good_doc: dict[str, Any]) -> None:
    html = without_static_script(render_dict(poisoned(good_doc)))
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in html
    assert not any(t == "marquee" for t, _ in tags_of(html))  # the injected tag stayed text
    hrefs = [a.get("href") or "" for t, a in tags_of(html) if t == "a"]
    assert not any(h.lower().startswith("javascript:") for h in hrefs)  # non-web spec links are not linked


def test_report_of_a_scan_that_served_markup(httpserver, run_scan) -> None:
    httpserver.no_handler_status_code = 404
    for path in ("/", "/robots.txt", "/llms.txt", "/docs/", "/.well-known/http-message-signatures-directory"):
        httpserver.expect_request(path).respond_with_data(
            f"<html><body>{EVIL}</body></html>", content_type="text/html"
        )
    html = without_static_script(render_html(run_scan(httpserver.url_for("/"))))
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html  # the body excerpts are there, as text


def test_self_contained(good_doc: dict[str, Any]) -> None:
    html = without_static_script(render_dict(good_doc))
    tags = tags_of(html)
    names = {t for t, _ in tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "base"}, names
    for tag, attrs in tags:
        for name in ("src", "srcset", "data", "poster", "action"):
            assert name not in attrs, (tag, attrs)
        if "href" in attrs:
            assert tag == "a", (tag, attrs)
    assert "@import" not in html and "url(" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?//""", html)  # no protocol-relative loads either
    assert len(html) < 400_000


def test_external_links_are_only_anchors_to_specs(good_doc: dict[str, Any]) -> None:
    external = [
        a["href"]
        for t, a in tags_of(render_dict(good_doc))
        if t == "a" and (a.get("href") or "").startswith(("http://", "https://"))
    ]
    spec_links = {link for c in good_doc["checks"] for link in c["spec_links"]}
    assert external and set(external) <= spec_links


def test_header_score_coverage_and_every_check(good_doc: dict[str, Any]) -> None:
    html = render_dict(good_doc)
    cov = good_doc["score"]["coverage"]
    assert good_doc["target"]["url"] in html
    assert good_doc["tool"]["version"] in html
    assert (
        f"{cov['scored']} scored of {cov['total']} checks; {cov['error']} error, {cov['skipped']} skipped, "
        f"{cov['not_applicable']} not applicable"
    ) in html
    assert f"scoring version {good_doc['score']['scoring_version']}" in html
    assert good_doc["score"]["grade_meaning"] in html
    for c in good_doc["checks"]:
        block = html[html.index(f'id="{c["id"]}"') :]
        label = {
            "pass": "Pass",
            "warn": "Warn",
            "fail": "Fail",
            "not_applicable": "N/A",
            "error": "Error",
            "skipped": "Skipped",
        }[c["status"]]
        # the status is carried by a text label, not only by a colour
        assert f"<span>{label}</span>" in block[:1500], c["id"]
    for e in good_doc["exchanges"]:
        assert f'id="ex-{e["id"]}"' in html  # the request log appendix lists every exchange


def test_null_scores_read_na(good_doc: dict[str, Any]) -> None:
    doc = copy.deepcopy(good_doc)
    doc["score"]["overall"] = None
    doc["score"]["grade"] = "n/a"
    for cat in doc["categories"]:
        cat["score"] = None
    html = render_dict(doc)
    assert 'aria-label="overall score n/a"' in html
    assert "no score: nothing scorable" in html
    assert 'class="gauge-fg"' not in html  # no arc is drawn for a missing score


def test_capabilities_render_only_when_present(good_doc: dict[str, Any]) -> None:
    doc = copy.deepcopy(good_doc)
    doc.pop("capabilities", None)
    assert "What an agent could and could not do" not in render_dict(doc)
    doc["capabilities"] = [
        {
            "title": "Find the API",
            "status": "yes",
            "because": "OpenAPI found",
            "check_ids": ["discovery.openapi"],
        },
        {"title": "Get a token", "status": "no", "because": "no headless grant", "check_ids": []},
        {"title": "Errors", "status": "partly", "because": "some HTML", "check_ids": []},
        {"title": "Temporary", "status": "unknown", "because": "needs --active", "check_ids": []},
    ]
    html = render_dict(doc)
    assert "What an agent could and could not do" in html
    for label in ("Yes", "No", "Partly", "Unknown"):
        assert f"</svg>{label}</span>" in html
    assert '<a href="#discovery.openapi">discovery.openapi</a>' in html


def test_journey_timeline_highlights_the_stuck_step(good_doc: dict[str, Any]) -> None:
    doc = copy.deepcopy(good_doc)
    doc["journey"] = []
    assert 'id="journey"' not in render_dict(doc)
    doc["journey"] = [
        {
            "title": "Call the API",
            "status": "ok",
            "learned": "401 + resource_metadata",
            "exchanges": ["e1"],
            "elapsed_ms": 10.0,
            "reason": None,
            "fix": None,
            "check": "tokens.challenge",
            "findings": ["no-resource-metadata", "<b>odd</b>"],
        },
        {
            "title": "Register a client",
            "status": "stuck",
            "learned": "",
            "exchanges": [],
            "elapsed_ms": 20.0,
            "reason": "registration answered 500",
            "fix": "Return 201 with a client_id",
            "check": None,
        },
    ]
    html = render_dict(doc)
    timeline = html[html.index('id="journey"') : html.index('id="checks"')]
    assert timeline.count('class="step ') == 2
    assert 'class="step js-stuck"' in timeline and "Stuck here" in timeline
    assert "registration answered 500" in timeline and "Return 201 with a client_id" in timeline
    assert timeline.index("Call the API") < timeline.index("Register a client")
    assert '<a class="xref" href="#ex-e1">e1</a>' in timeline
    # each step cites its check and the codes of the findings it reports, as small monospace tags
    cards = timeline[timeline.index('class="timeline"') :]
    first = cards[cards.index("Call the API") : cards.index("Register a client")]
    assert '<a class="xref" href="#tokens.challenge">tokens.challenge</a>' in first
    assert '<code class="code step-code">no-resource-metadata</code>' in first
    assert '<code class="code step-code">&lt;b&gt;odd&lt;/b&gt;</code>' in first
    assert "step-code" not in cards[cards.index("Register a client") :]  # it cites no check


def test_runtime_error_and_warnings_are_shown(run_scan) -> None:
    report = run_scan("http://127.0.0.1:9/")  # discard port: nothing listens
    html = render_html(report)
    assert report.runtime_error and report.runtime_error.split(":")[0] in html
    assert "The scan could not run normally" in html
    assert all(r.status in (Status.ERROR, Status.SKIPPED) for r in report.results)


def test_cli_target_renders(good_doc: dict[str, Any]) -> None:
    doc = copy.deepcopy(good_doc)
    doc["target"] = {"kind": "cli", "command": ["acme", "deploy", "--json"]}
    assert "<h1>acme deploy --json</h1>" in render_dict(doc)


def test_print_layout_keeps_everything_visible() -> None:
    from importlib.resources import files

    template = files("agent_ready.reports").joinpath("templates/report.html.j2").read_text(encoding="utf-8")
    print_css = template[template.index("@media print{") :]
    assert ".excerpt{max-height:none;overflow:visible}" in print_css
    assert "break-inside:avoid" in print_css
    # Folded checks and details open for printing, so a printout loses nothing; the layout test prints.
    assert 'addEventListener("beforeprint"' in template and "details::details-content" in print_css


def test_view_model_orders_worst_first(good_doc: dict[str, Any]) -> None:
    v = view_model(good_doc)
    order = {"fail": 0, "error": 1, "warn": 2, "pass": 3, "not_applicable": 4, "skipped": 5}
    for cat in v["categories"]:
        ranks = [order[c["status"]] for c in cat["check_list"]]
        assert ranks == sorted(ranks)
    assert {c["id"] for c in v["fix_first"]} == {
        c["id"] for c in good_doc["checks"] if c["status"] in ("fail", "warn")
    }
    gains = [c.get("score_impact", 0) for c in v["fix_first"]]
    assert gains == sorted(gains, reverse=True)  # the fixes worth the most points first


@pytest.mark.parametrize(
    "score,band",
    [
        (None, "none"),
        (0, "poor"),
        (49.9, "poor"),
        (50, "average"),
        (89, "average"),
        (90, "good"),
        (100, "good"),
    ],
)
def test_score_band(score: float | None, band: str) -> None:
    assert score_band(score) == band


def test_gauge_dash() -> None:
    assert gauge_dash(None).startswith("0.0 ")
    full, circumference = gauge_dash(100).split()
    assert full == circumference
    assert gauge_dash(150) == gauge_dash(100)


def test_inline_markdown_is_rendered_and_stays_safe(good_doc: dict[str, Any]) -> None:
    doc = copy.deepcopy(good_doc)
    check = doc["checks"][0]
    check["status"] = "fail"
    check["findings"] = [
        {
            "code": "x",
            "level": "fail",
            "message": "send `Authorization: Bearer <token>` and *then* [click](javascript:alert(1)) "
            "<b>x</b>",
            "evidence": [],
            "fix": "Serve `/llms.txt` as text/plain.",
        }
    ]
    html = render_dict(doc)
    assert "<code>Authorization: Bearer &lt;token&gt;</code>" in html  # backticks become code, escaped
    assert "<em>then</em>" in html
    assert "<code>/llms.txt</code>" in html and "`/llms.txt`" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html  # raw HTML stays text
    assert 'href="javascript' not in html and "[click](javascript:alert(1))" in html  # no links from texts


def test_bare_report_shows_each_body_once_and_folds_repeated_findings(bare, run_scan) -> None:
    import html as html_lib

    doc = to_dict(run_scan(bare.url))
    page = render_dict(doc)
    shown = [html_lib.unescape(b) for b in re.findall(r'<pre class="excerpt"[^>]*>(.*?)</pre>', page, re.S)]
    assert shown and len(shown) == len(set(shown))  # no body printed twice
    bodies = [e["body_excerpt"] for e in doc["exchanges"] if e.get("body_excerpt")]
    shared = max(bodies.count(b) for b in bodies)
    assert shared > 5  # the single-page app's shell answers many paths ...
    assert page.count('Body: the same as <a href="#body-') >= 5  # ... and is referenced, not repeated
    assert "5 locations:" in page  # discovery.openapi's five soft-404 findings read as one
    openapi = page.split('id="discovery.openapi"')[1].split("</details>")[0]
    assert openapi.count("Fix:</strong>") == 1
