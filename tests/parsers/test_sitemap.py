"""Sitemap parsing, gzip and XML bombs included."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_ready.parsers.sitemap import parse_sitemap

URLSET = (
    b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a/'
    b"</loc></url><url><loc>https://a/b</loc></url></urlset>"
)


def test_sitemap_parse() -> None:
    assert parse_sitemap(URLSET) == ("urlset", 2)
    assert parse_sitemap(gzip.compress(URLSET)) == ("urlset", 2)
    assert parse_sitemap(b"<sitemapindex><sitemap><loc>x</loc></sitemap></sitemapindex>") == (
        "sitemapindex",
        1,
    )
    with pytest.raises(ValueError, match="root element"):
        parse_sitemap(b"<rss></rss>")
    with pytest.raises(ValueError, match="not well-formed"):
        parse_sitemap(b"<urlset><url>")
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b"<urlset><url><loc>&lol2;</loc></url></urlset>"
    )
    with pytest.raises(ValueError):  # defusedxml refuses entity declarations
        parse_sitemap(bomb)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=120) | st.text(alphabet='<>/?! ="urlsetmapindexloc', max_size=120).map(str.encode))
def test_sitemap_raises_only_value_error(body: bytes) -> None:
    try:
        kind, count = parse_sitemap(body)
    except (ValueError, OSError, EOFError):  # what the sitemap probe turns into an INVALID document
        return
    assert kind in ("urlset", "sitemapindex") and count >= 0
