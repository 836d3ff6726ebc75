"""llms.txt (llmstxt.org): the H1, the summary blockquote, and H2 sections of ``[name](url): notes`` links."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin


@dataclass(frozen=True)
class LlmsLink:
    title: str
    url: str  # absolute
    section: str  # H2 title ("" before the first H2)
    note: str = ""


@dataclass(frozen=True)
class ParsedLlmsTxt:
    title: str | None = None  # the H1
    h1_first: bool = False
    summary: str | None = None  # the first blockquote after the H1
    sections: dict[str, list[LlmsLink]] = field(default_factory=dict)  # H2 title -> links, in order
    headings_without_links: list[str] = field(default_factory=list)

    def links(self, *, include_optional: bool = True) -> list[LlmsLink]:
        return [
            lk
            for name, group in self.sections.items()
            for lk in group
            if include_optional or name.strip().lower() != "optional"
        ]


def result_links(
    sections: dict[str, list[LlmsLink]], children: list[Any], section: str, base_url: str
) -> None:
    """Collect ``[name](url): notes`` links of one list item into ``section``."""
    for k, child in enumerate(children):
        if child.type != "link_open":
            continue
        href = str(child.attrs.get("href", ""))
        end = k + 1
        while end < len(children) and children[end].type != "link_close":
            end += 1
        label = "".join(c.content for c in children[k + 1 : end]).strip()
        note = "".join(c.content for c in children[end + 1 :]).strip().lstrip(":").strip()
        if href and not href.startswith(("mailto:", "#")):
            sections.setdefault(section, []).append(
                LlmsLink(title=label, url=urljoin(base_url, href), section=section, note=note)
            )
        break  # the format's link is the first one of the item; later ones belong to its notes


def parse_llms_txt(text: str, base_url: str) -> ParsedLlmsTxt:
    """Parse llms.txt (llmstxt.org) with markdown-it-py, keeping only what the format defines."""
    from markdown_it import MarkdownIt  # loaded by the scan that reads an llms.txt, not by list-checks

    title: str | None = None
    summary: str | None = None
    sections: dict[str, list[LlmsLink]] = {}
    tokens = MarkdownIt("commonmark").parse(text)
    first = next((t for t in tokens if t.level == 0 and t.nesting >= 0), None)
    h1_first = first is not None and first.type == "heading_open" and first.tag == "h1"
    section = ""
    in_list_item = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            heading = tokens[i + 1].content.strip() if i + 1 < len(tokens) else ""
            if tok.tag == "h1" and title is None:
                title = heading
            elif tok.tag == "h2":
                section = heading
                sections.setdefault(section, [])
            i += 3
            continue
        if tok.type == "blockquote_open" and title is not None and summary is None and not sections:
            j = i + 1
            parts = []
            while j < len(tokens) and tokens[j].type != "blockquote_close":
                if tokens[j].type == "inline":
                    parts.append(tokens[j].content)
                j += 1
            summary = " ".join(parts).strip()
            i = j + 1
            continue
        if tok.type == "list_item_open":
            in_list_item += 1
        elif tok.type == "list_item_close":
            in_list_item -= 1
        elif tok.type == "inline" and in_list_item and tok.children:
            result_links(sections, tok.children, section, base_url)
        i += 1
    return ParsedLlmsTxt(
        title=title,
        h1_first=h1_first,
        summary=summary,
        sections=sections,
        headings_without_links=[name for name, group in sections.items() if not group],
    )
