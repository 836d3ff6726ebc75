"""RFC 8288 Link header parsing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from agent_ready.parsers.link_header import parse_link_header

BASE = "https://api.example.com"


def test_link_header_parsing_handles_rfc8288_forms() -> None:
    values = [
        '</.well-known/api-catalog>; rel="api-catalog", <openapi.json>; rel="service-desc";'
        ' type="application/vnd.oai.openapi+json;version=3.1"',
        '<https://docs.example.com/a,b>; rel="service-doc alternate"; title="Docs; with, punctuation"',
        "<//cdn.example.com/x.css>; rel=preload",
        "garbage without brackets",
    ]
    links, junk = parse_link_header(values, "https://api.example.com/v1/")
    assert [lk.href for lk in links] == [
        "https://api.example.com/.well-known/api-catalog",
        "https://api.example.com/v1/openapi.json",
        "https://docs.example.com/a,b",
        "https://cdn.example.com/x.css",
    ]
    assert links[1].media_type == "application/vnd.oai.openapi+json"
    assert links[2].rels == ("service-doc", "alternate")
    assert links[2].params["title"] == "Docs; with, punctuation"
    assert links[3].rels == ("preload",)
    assert junk == ["garbage without brackets"]


def test_link_header_first_rel_wins_and_escapes() -> None:
    links, _ = parse_link_header(['<a>; rel="service-desc"; rel="other"; title="say \\"hi\\""'], BASE + "/")
    assert links[0].rels == ("service-desc",)
    assert links[0].params["title"] == 'say "hi"'


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet='<>;,="\\ abc/:rel', max_size=60), max_size=3))
def test_link_header_never_raises_and_links_are_absolute(values: list[str]) -> None:
    links, junk = parse_link_header(values, BASE + "/v1/")
    assert all(lk.href.startswith(("https:", "http:")) or "://" not in lk.href for lk in links)
    assert all(isinstance(j, str) and len(j) <= 120 for j in junk)
