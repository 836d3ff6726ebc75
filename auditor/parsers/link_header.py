"""RFC 8288 ``Link`` header fields: parse them into links with absolute targets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin


@dataclass(frozen=True)
class Link:
    href: str  # absolute, resolved against the response URL (RFC 8288 §3.2)
    rels: tuple[str, ...]  # lower-cased relation types
    params: dict[str, str] = field(default_factory=dict, hash=False, compare=False)  # lower-cased names
    source_url: str = ""  # the response that carried it

    @property
    def media_type(self) -> str:
        return self.params.get("type", "").split(";")[0].strip().lower()


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside quoted strings and <...> (commas may appear in both)."""
    parts: list[str] = []
    buf: list[str] = []
    in_quote = in_angle = False
    escaped = False
    for ch in text:
        if escaped:
            buf.append(ch)
            escaped = False
            continue
        if in_quote and ch == "\\":
            buf.append(ch)
            escaped = True
            continue
        if ch == '"' and not in_angle:
            in_quote = not in_quote
        elif ch == "<" and not in_quote:
            in_angle = True
        elif ch == ">" and not in_quote:
            in_angle = False
        if ch == sep and not in_quote and not in_angle:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def parse_link_header(values: list[str] | str, base_url: str) -> tuple[list[Link], list[str]]:
    """Parse one or more ``Link`` field values (RFC 8288 §3). Returns the links and what could not be parsed.

    Handles several fields, several links per field, quoted parameters containing ``,`` and ``;``,
    ``rel`` with several space-separated types, and relative targets. The first occurrence of a parameter
    wins, as §3.3-3.4 require for ``rel``.
    """
    if isinstance(values, str):
        values = [values]
    links: list[Link] = []
    junk: list[str] = []
    for value in values:
        for item in _split_top(value, ","):
            item = item.strip()
            if not item:
                continue
            m = re.match(r"^<([^>]*)>(.*)$", item, re.S)
            if not m:
                junk.append(item[:120])
                continue
            params: dict[str, str] = {}
            for raw in _split_top(m.group(2), ";"):
                name, sep, val = raw.partition("=")
                name = name.strip().lower().rstrip("*")
                if not name:
                    continue
                params.setdefault(name, _unquote(val) if sep else "")
            rels = tuple(r.lower() for r in params.get("rel", "").split())
            links.append(
                Link(
                    href=urljoin(base_url, m.group(1).strip()), rels=rels, params=params, source_url=base_url
                )
            )
    return links, junk
