"""Escaping of text the target controls, one function per syntax a report is written in.

A finding's message, a check's summary and the target URL can carry what the target served. Each renderer
passes such text through the escaper of its syntax, so a target cannot inject a Markdown link or raw HTML,
an XML element, or a SARIF embedded link or placeholder.
"""

from __future__ import annotations

import re

# XML 1.0 allows tab, LF, CR and everything from U+0020 except the surrogates and U+FFFE/U+FFFF.
_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Punctuation that opens or closes inline markup anywhere in a line (brackets for links and images, emphasis,
# code spans, strikethrough) plus the table cell separator; "<" and "&" (raw HTML, autolinks, entities) are
# written as entities. Block markers (#, -, 1.) only count at the start of a line,
# and escaped text never starts one.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def xml_text(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry; ElementTree escapes ``<``, ``&`` and quotes itself."""
    return _XML_INVALID.sub("\ufffd", text)


def markdown_inline(text: str) -> str:
    """One line of literal Markdown text: no link, emphasis, code span, raw HTML or table break survives."""
    text = " ".join(text.split())  # a newline would end a list item or a table row
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def sarif_text(text: str) -> str:
    """A SARIF plain-text message: brackets would form an embedded link, braces a placeholder (SARIF 3.11)."""
    text = text.replace("[", "\\[").replace("]", "\\]")
    return text.replace("{", "{{").replace("}", "}}")
