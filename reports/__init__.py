"""Report renderers behind one registry: a format name maps to its renderer, a file extension to a name.

A renderer is a function ``(ScanReport) -> str`` in a module of this package, imported only when that format
is asked for (the CLI reads the registry to build ``--format`` and to map ``-o`` file names, so the table must
be cheap). A new format is one :class:`Renderer` row in :data:`FORMATS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent_ready.engine import ScanReport


@dataclass(frozen=True)
class Renderer:
    name: str  # the --format value
    extensions: tuple[str, ...]  # file-name endings that select it, lower case, with the leading dot
    module: str  # agent_ready.reports.<module>
    function: str  # the (ScanReport) -> str function in that module
    description: str  # one line for --help
    # Keyword arguments the function accepts, taken from RenderOptions fields of the same name.
    options: tuple[str, ...] = ()

    def load(self) -> Callable[..., str]:
        fn: Callable[..., str] = getattr(
            importlib.import_module(f"agent_ready.reports.{self.module}"), self.function
        )
        return fn


@dataclass(frozen=True)
class RenderOptions:
    """Choices a user makes about a rendering, not about the scan."""

    warn: str = "pass"  # JUnit: a warn check is a passing case ("pass") or a failure ("failure")


FORMATS: dict[str, Renderer] = {
    r.name: r
    for r in (
        Renderer("json", (".json",), "json_report", "dumps", "the versioned JSON report"),
        Renderer("html", (".html", ".htm"), "html_report", "render_html", "a self-contained page for people"),
        Renderer(
            "openmetrics",
            (".prom", ".om"),
            "openmetrics",
            "render_openmetrics",
            "OpenMetrics text for Prometheus' textfile collector",
        ),
        Renderer(
            "markdown",
            (".md", ".markdown"),
            "markdown_report",
            "render_markdown",
            "a pull-request comment or job summary",
        ),
        Renderer("junit", (".xml",), "junit_report", "render_junit", "JUnit XML test results", ("warn",)),
        Renderer("sarif", (".sarif", ".sarif.json"), "sarif_report", "render_sarif", "SARIF 2.1.0"),
        Renderer("badge", (".badge.json",), "badge_report", "render_badge", "a shields.io endpoint badge"),
    )
}


def names() -> list[str]:
    return list(FORMATS)


def extensions() -> dict[str, str]:
    """Every file-name ending that selects a format, longest first (``.badge.json`` before ``.json``)."""
    pairs = [(ext, r.name) for r in FORMATS.values() for ext in r.extensions]
    return dict(sorted(pairs, key=lambda pair: -len(pair[0])))


def format_for_path(filename: str) -> str | None:
    """The format a file name asks for by its ending, or None when the ending names no format."""
    lower = filename.lower()
    for ext, name in extensions().items():
        if lower.endswith(ext) and len(lower) > len(ext):
            return name
    return None


def help_text() -> str:
    """The formats and their file endings, for ``--help``."""
    return "; ".join(f"{r.name} ({', '.join(r.extensions)}): {r.description}" for r in FORMATS.values())


def render(report: ScanReport, fmt: str, options: RenderOptions | None = None) -> str:
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; choose from {', '.join(FORMATS)}") from None
    opts = options or RenderOptions()
    text = renderer.load()(report, **{name: getattr(opts, name) for name in renderer.options})
    return scrub(text, report.secrets)


def scrub(text: str, secrets: frozenset[str]) -> str:
    """Last line of defence for every format: no secret the scan held (a token it obtained, a --header
    value) survives into a rendering, whether written raw or escaped for HTML, XML or JSON."""
    import html
    import json

    forms = {form for secret in secrets for form in (secret, html.escape(secret), json.dumps(secret)[1:-1])}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "[redacted]")
    return text
