"""Sitemaps (sitemaps.org): root kind and number of locations, gzip or not, with XML bombs refused."""

from __future__ import annotations

import gzip

from defusedxml import ElementTree as SafeET


def parse_sitemap(body: bytes) -> tuple[str, int]:
    """Root kind and number of <loc> entries; raises ValueError on anything that is not a sitemap."""
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    try:
        root = SafeET.fromstring(body)
    except Exception as exc:  # ParseError and defusedxml's refusals (entities, DTDs)
        raise ValueError(f"not well-formed XML: {exc}") from exc
    kind = root.tag.rsplit("}", 1)[-1]
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"root element is <{kind}>, not <urlset> or <sitemapindex>")
    count = sum(1 for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "loc")
    return kind, count
