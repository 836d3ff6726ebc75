"""The report schema as a documented contract: every field described, the page generated, the URI offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import jsonschema
import pytest

from agent_ready.reference import ReferenceServer
from agent_ready.reports.json_report import SCHEMA_ID, schema, schema_for, schema_registry, to_dict
from agent_ready.reports.schema_doc import report_format_md


def test_schema_command_prints_the_schema() -> None:
    env = {**os.environ, "AGENT_READY_NO_PLUGINS": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "agent_ready", "schema"], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == schema()
    md = subprocess.run(
        [sys.executable, "-m", "agent_ready", "schema", "--markdown"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert md.stdout == report_format_md(schema())


def test_a_reports_schema_uri_resolves_offline(run_scan: Any, reference: ReferenceServer) -> None:
    doc = to_dict(run_scan(reference.url + "/"))
    assert doc["$schema"] == SCHEMA_ID == schema()["$id"]
    assert schema_for(doc["$schema"]) == schema()
    # A validator that knows only the report's $schema URI finds the schema through the package.
    validator = jsonschema.Draft202012Validator({"$ref": doc["$schema"]}, registry=schema_registry())
    validator.validate(doc)
    broken = dict(doc, schema_version="2.0")
    assert not validator.is_valid(broken)
    # The meta-schema the schema names ships with jsonschema: checking the schema needs no network.
    jsonschema.validators.validator_for(schema()).check_schema(schema())
    with pytest.raises(LookupError):
        schema_for("https://example.com/other.json")
