"""The public contract: catalogue ids are all registered, metadata is complete, generated docs are current."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent_ready.docsgen import checks_md, scoring_md
from agent_ready.registry import Registry
from agent_ready.reports.json_report import schema
from agent_ready.reports.schema_doc import report_format_md

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_IDS = (ROOT / "tests/data/catalogue_ids.txt").read_text()
IDS = [line.strip() for line in CATALOGUE_IDS.splitlines() if line.strip()]
CATALOGUE = ROOT.parent / "shared" / "CATALOGUE.md"


def test_every_catalogue_id_is_a_registered_check(registry: Registry) -> None:
    missing = [i for i in IDS if i not in registry.checks]
    assert not missing
    for check_id in IDS:
        assert registry.checks[check_id].meta.category == check_id.split(".")[0]


@pytest.mark.skipif(not CATALOGUE.is_file(), reason="../shared/CATALOGUE.md is not beside this checkout")
def test_catalogue_copy_is_current() -> None:
    ids = re.findall(r"^\| `([a-z-]+\.[a-z0-9-]+)`", CATALOGUE.read_text(), flags=re.MULTILINE)
    assert ids == IDS


def test_active_checks_declare_their_side_effects(registry: Registry) -> None:
    for chk in registry.checks.values():
        if chk.meta.active:
            assert chk.meta.active_requires, f"{chk.id} is ACTIVE but names no active probe"


def test_generated_docs_are_current(registry: Registry) -> None:
    assert (ROOT / "docs/checks.md").read_text() == checks_md(registry), "run `agent-ready docs`"
    assert (ROOT / "docs/scoring.md").read_text() == scoring_md(), "run `agent-ready docs`"


GOLDEN = sorted((ROOT / "tests/fixtures/golden").glob("report-*.json"))


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_reports_of_every_released_schema_version_still_validate(path: Path) -> None:
    """A minor schema version only adds optional fields: reports of earlier 1.x releases stay valid."""
    import json

    from agent_ready.reports.json_report import validate

    doc = json.loads(path.read_text())
    validate(doc)
    assert doc["schema_version"].split(".")[0] == "1"


# The report schema is the contract dashboard builders read: every field described, the page generated.
def fields(node: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property of every object in the schema, however deeply nested, with its path (conditional
    ``allOf`` branches only narrow fields declared here)."""
    for name, sub in node.get("properties", {}).items():
        yield f"{path}.{name}", sub
        yield from fields(sub, f"{path}.{name}")
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            yield from fields(node[key], f"{path}[]")


def test_every_field_of_the_schema_has_a_description() -> None:
    doc = schema()
    found = [*fields(doc, "")]
    for name, sub in doc["$defs"].items():
        found.append((f"$defs.{name}", sub))
        found.extend(fields(sub, f"$defs.{name}"))
    assert len(found) > 100
    missing = [path for path, sub in found if not str(sub.get("description", "")).strip()]
    assert not missing, f"describe these fields in reports/schema/report.schema.json: {missing}"


def test_the_field_check_can_fail() -> None:
    bare = {"properties": {"a": {"type": "object", "properties": {"b": {"type": "string"}}}}}
    assert [p for p, s in fields(bare, "") if "description" not in s] == [".a", ".a.b"]


def test_report_format_page_is_current() -> None:
    page = (ROOT / "docs/report-format.md").read_text(encoding="utf-8")
    assert page == report_format_md(schema()), "run `agent-ready docs`"
    for path, sub in fields(schema(), ""):
        assert sub["description"].split()[0] in page, path
