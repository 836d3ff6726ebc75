"""The HTML report: one self-contained file (inline CSS, no scripts, no external assets), built from the
same dictionary as the JSON report so the two never disagree. Jinja2 autoescaping escapes everything that
came from the target."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from auditor.engine import ScanReport
from reports.json_report import to_dict


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=PackageLoader("reports", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       trim_blocks=True, lstrip_blocks=True)


def render_html(report: ScanReport) -> str:
    doc = to_dict(report)
    exchanges = {e["id"]: e for e in doc["exchanges"]}
    return _env().get_template("report.html.j2").render(r=doc, exchanges=exchanges)
