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


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_LOCATIONS = 50_000  # sitemaps.org: "no more than 50,000 URLs"


def parse_sitemap(body: bytes) -> tuple[str, int]:
    """Root kind and number of <loc> entries; raises ValueError on anything that is not a sitemap."""
    kind, count, _ = inspect_sitemap(body)
    return kind, count


def inspect_sitemap(body: bytes) -> tuple[str, int, list[str]]:
    """Root kind, number of <loc> entries and what breaks the sitemaps.org protocol's MUSTs (the
    namespace, absolute <loc> URLs, the 50,000-URL cap); raises ValueError on anything not a sitemap."""
    if body[:2] == b"\x1f\x8b":
        body = _gunzip_bounded(body)
    try:
        root = SafeET.fromstring(body)
    except Exception as exc:  # ParseError and defusedxml's refusals (entities, DTDs)
        raise ValueError(f"not well-formed XML: {exc}") from exc
    kind = root.tag.rsplit("}", 1)[-1]
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"root element is <{kind}>, not <urlset> or <sitemapindex>")
    locs = [el for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "loc"]
    problems: list[str] = []
    if root.tag != f"{{{SITEMAP_NS}}}{kind}":
        problems.append(f"<{kind}> does not declare the sitemaps.org namespace {SITEMAP_NS}")
    relative = [(el.text or "").strip() for el in locs if "://" not in (el.text or "")]
    if relative:
        problems.append(
            f"{len(relative)} <loc> value(s) are not absolute URLs (e.g. {relative[0][:80]!r}); "
            "sitemaps.org: a URL must begin with the protocol"
        )
    if len(locs) > MAX_LOCATIONS:
        problems.append(f"{len(locs)} <loc> entries; a sitemap holds no more than {MAX_LOCATIONS}")
    return kind, len(locs), problems
