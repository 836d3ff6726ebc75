"""Sitemaps (sitemaps.org): root kind and number of locations, gzip or not, with XML bombs refused."""

from __future__ import annotations

import zlib

from defusedxml import ElementTree as SafeET

# sitemaps.org caps a sitemap at 50 MB uncompressed; a .gz one is inflated up to this and no further, so a
# 2 MB gzip bomb (which would inflate to 2 GB) costs 10 MiB.
MAX_SITEMAP_INFLATED = 10 * 1024 * 1024


def _gunzip_bounded(body: bytes) -> bytes:
    decoder = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        out = decoder.decompress(body, MAX_SITEMAP_INFLATED + 1)
    except zlib.error as exc:
        raise ValueError(f"not valid gzip: {exc}") from exc
    if len(out) > MAX_SITEMAP_INFLATED:
        raise ValueError(f"inflates to more than {MAX_SITEMAP_INFLATED // (1024 * 1024)} MiB; not parsed")
    return out


def parse_sitemap(body: bytes) -> tuple[str, int]:
    """Root kind and number of <loc> entries; raises ValueError on anything that is not a sitemap."""
    if body[:2] == b"\x1f\x8b":
        body = _gunzip_bounded(body)
    try:
        root = SafeET.fromstring(body)
    except Exception as exc:  # ParseError and defusedxml's refusals (entities, DTDs)
        raise ValueError(f"not well-formed XML: {exc}") from exc
    kind = root.tag.rsplit("}", 1)[-1]
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"root element is <{kind}>, not <urlset> or <sitemapindex>")
    count = sum(1 for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "loc")
    return kind, count
