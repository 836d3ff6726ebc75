"""`agent-ready cli` reads the config file as `scan` does: weights, disabled checks and the gates."""

from __future__ import annotations

import json
from pathlib import Path

from agent_ready.reports.json_report import validate
from tests.test_cli import cli

TOOL = str(Path(__file__).parent / "data" / "cli_tools" / "bare_unauthorized.sh")

CONFIG = """
fail_under = 90
[weights]
"errors.cli-hints" = 0.5
"discovery.sitemap" = 0.25
[disable]
"errors.cli-browser" = "this tool never opens a browser"
[category_minimums]
tokens = 60
"""


def audit(cwd: Path, *args: str) -> tuple[int, str, dict]:  # type: ignore[type-arg]
    out = cwd / "r.json"
    proc = cli("cli", "--timeout", "3", "-o", str(out), *args, "--", TOOL, cwd=cwd)
    doc = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    if doc:
        validate(doc)
    return proc.returncode, proc.stderr, doc


def test_agent_ready_toml_weights_disables_and_gates_a_cli_audit(tmp_path: Path) -> None:
    (tmp_path / "agent-ready.toml").write_text(CONFIG, encoding="utf-8")
    code, err, doc = audit(tmp_path)
    checks = {c["id"]: c for c in doc["checks"]}
    assert checks["errors.cli-browser"]["status"] == "skipped"
    assert checks["errors.cli-browser"]["reason"] == "disabled in config: this tool never opens a browser"
    assert checks["errors.cli-hints"]["weight"] == 0.5 and checks["errors.cli-hints"]["status"] == "fail"
    assert doc["settings"]["config_file"].endswith("agent-ready.toml")
    assert doc["settings"]["disabled"] == {"errors.cli-browser": "this tool never opens a browser"}
    # fail_under from the file gates the audit; the scan's minimum for tokens (no cli check) does not
    assert code == 1 and "below --fail-under 90" in err, err
    assert "tokens" not in err
    # a flag overrides the file, as in `scan`
    code, err, _ = audit(tmp_path, "--fail-under", "10")
    assert code == 0, err


def test_pyproject_section_and_explicit_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.agent-ready]\nfail_on = ["fail:errors.cli-hints"]\n', encoding="utf-8"
    )
    code, err, _ = audit(tmp_path)
    assert code == 1 and "gate failed" in err and "errors.cli-hints" in err, err
    other = tmp_path / "other.toml"
    other.write_text("[category_minimums]\nerrors = 99\n", encoding="utf-8")
    code, err, doc = audit(tmp_path, "--config", str(other))
    assert code == 1 and "category errors scored" in err, err
    assert doc["settings"]["config_file"] == str(other)


def test_a_config_naming_an_unknown_check_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "agent-ready.toml").write_text('[weights]\n"errors.cli-hint" = 2\n', encoding="utf-8")
    code, err, doc = audit(tmp_path)
    assert code == 2 and not doc
    assert len(err.strip().splitlines()) == 1 and "did you mean errors.cli-hints?" in err, err
    (tmp_path / "agent-ready.toml").write_text("fail_under = [\n", encoding="utf-8")
    code, err, _ = audit(tmp_path)
    assert code == 2 and "not valid TOML" in err, err
