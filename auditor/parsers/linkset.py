"""RFC 9264 JSON linksets (the RFC 9727 api-catalog format)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin


@dataclass(frozen=True)
class LinkTarget:
    href: str  # absolute
    type: str | None = None
    title: str | None = None


@dataclass
class LinksetEntry:
    anchor: str | None
    relations: dict[str, list[LinkTarget]]

    def get(self, rel: str) -> list[LinkTarget]:
        return self.relations.get(rel, [])


def parse_linkset(data: Any, base_url: str) -> tuple[list[LinksetEntry], list[str]]:
    """RFC 9264 §4.2 JSON linkset: {"linkset": [{"anchor": ..., "<rel>": [{"href": ...}, ...]}, ...]}."""
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("linkset"), list):
        return [], ['the document is not an object with a "linkset" array']
    entries = []
    for n, ctx_obj in enumerate(data["linkset"]):
        if not isinstance(ctx_obj, dict):
            problems.append(f"linkset[{n}] is not an object")
            continue
        anchor = ctx_obj.get("anchor")
        if not isinstance(anchor, str):
            problems.append(f"linkset[{n}] has no anchor")
            anchor = None
        rels: dict[str, list[LinkTarget]] = {}
        for rel, targets in ctx_obj.items():
            if rel == "anchor":
                continue
            if not isinstance(targets, list):
                problems.append(f"linkset[{n}].{rel} is not an array of target objects")
                continue
            for t in targets:
                if not isinstance(t, dict) or not isinstance(t.get("href"), str):
                    problems.append(f"linkset[{n}].{rel} has a target without href")
                    continue
                rels.setdefault(rel.lower(), []).append(
                    LinkTarget(
                        href=urljoin(anchor or base_url, t["href"]), type=t.get("type"), title=t.get("title")
                    )
                )
        entries.append(LinksetEntry(anchor=urljoin(base_url, anchor) if anchor else None, relations=rels))
    return entries, problems
