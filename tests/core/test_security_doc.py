"""docs/security.md's hostile-case table is the suite's own: every case of the suite, rendered from the
committed measurements, each within the bound the suite enforces."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from tests.integration.test_hostile_targets import CASES

ROOT = Path(__file__).resolve().parents[2]


def _table_module():  # bench/ is not a package
    spec = importlib.util.spec_from_file_location("security_table", ROOT / "bench" / "security_table.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_measurements_cover_exactly_the_suites_cases() -> None:
    data = json.loads((ROOT / "docs" / "security-measurements.json").read_text())
    recorded = {c["case"] for c in data["cases"]}
    assert recorded == set(CASES), (
        f"rerun `python bench/security_table.py`: missing {sorted(set(CASES) - recorded)}, "
        f"stale {sorted(recorded - set(CASES))}"
    )
    for c in data["cases"]:
        bound = CASES[c["case"]]
        assert c["bound"]["what"] == bound.what, c["case"]
        assert c["seconds"] <= bound.seconds and c["peak_mib"] <= bound.peak_mib, c["case"]
        assert c["requests"] <= bound.requests, c["case"]


def test_doc_table_is_rendered_from_the_measurements() -> None:
    table = _table_module()
    data = json.loads(table.MEASUREMENTS.read_text())
    doc = table.DOC.read_text()
    assert table.BEGIN in doc and table.END in doc
    current = doc.split(table.BEGIN, 1)[1].split(table.END, 1)[0].strip()
    assert current == table.render(data).strip(), "rerun `python bench/security_table.py --render`"
