"""Report renderers. ``render(report, fmt)`` is the one entry point the CLI uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent_ready.engine import ScanReport


def _json(report: ScanReport) -> str:
    from agent_ready.reports.json_report import dumps

    return dumps(report)


def _html(report: ScanReport) -> str:
    from agent_ready.reports.html_report import render_html

    return render_html(report)


RENDERERS: dict[str, Callable[[ScanReport], str]] = {"json": _json, "html": _html}


def render(report: ScanReport, fmt: str) -> str:
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; choose from {', '.join(RENDERERS)}") from None
    return renderer(report)
