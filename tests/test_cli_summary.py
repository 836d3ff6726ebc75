"""What a person sees in the terminal: the summary ordered by what a fix is worth, one line for a dead target,
silence with -q, and help written for people."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from agent_ready.cli.scan import _summary
from agent_ready.engine import ScanSettings, scan
from agent_ready.registry import Registry
from agent_ready.reports.json_report import to_dict, validate
from tests.test_cli import cli

GOLDEN = Path(__file__).parent / "fixtures" / "golden" / "summary-bare.txt"
CATALOGUE_IDS = (Path(__file__).parent / "data" / "catalogue_ids.txt").read_text(encoding="utf-8").split()
UPDATE = "AGENT_READY_UPDATE_GOLDEN"


def _catalogue_only(registry: Registry) -> Registry:
    """The published catalogue's checks: a check added outside it (or a plugin) leaves the golden text as it
    is, since its counts and score would otherwise restate the registry."""
    return Registry(checks={i: registry.checks[i] for i in CATALOGUE_IDS})


def test_summary_of_the_bare_variant_matches_the_golden_text(bare, registry: Registry) -> None:
    """Blockers by the points their fix is worth (not catalogue order), each with its one-line fix.

    After an intended change to a catalogue check or the scoring, regenerate with
    AGENT_READY_UPDATE_GOLDEN=1."""
    report = scan(bare.url, _catalogue_only(registry), ScanSettings())
    validate(to_dict(report))
    text = _summary(report).replace(report.target.url, "http://127.0.0.1:PORT/") + "\n"
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text)
    if os.environ.get(UPDATE):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), f"summary changed; if intended, rerun with {UPDATE}=1"


def test_summary_orders_blockers_by_score_impact(bare, run_scan) -> None:
    report = run_scan(bare.url)
    listed = re.findall(r"^  \+(\d+\.\d) +\[(?:fail|warn)\] (\S+):", _summary(report), re.M)
    assert len(listed) >= 5
    gains = [float(g) for g, _ in listed]
    assert gains == sorted(gains, reverse=True)
    assert all(report.score.impacts[cid] == float(g) for g, cid in listed)
    ids = [cid for _, cid in listed]
    # catalogue order puts discovery first; the weight of a fix puts errors.hints (weight 4) first
    assert ids[0] == "errors.hints" and "discovery.sitemap" not in ids
    lines = _summary(report).splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^  \+\d", line):
            assert lines[i + 1].lstrip().startswith("fix: ") and len(lines[i + 1]) < 120


def test_unreachable_target_is_one_line_with_the_reason(tmp_path: Path) -> None:
    proc = cli("scan", "http://127.0.0.1:1/", "-o", str(tmp_path / "r.json"))
    assert proc.returncode == 3
    about = [ln for ln in proc.stderr.splitlines() if "127.0.0.1:1/" in ln and "scanning" not in ln]
    assert len(about) == 1, proc.stderr
    assert "target unreachable: cannot connect" in about[0] and "check the URL" in about[0]
    assert "[error]" not in proc.stderr


def test_quiet_prints_nothing_but_errors(bare, tmp_path: Path) -> None:
    proc = cli("scan", bare.url + "/", "-o", str(tmp_path / "r.json"), "-q")
    assert proc.returncode == 0 and proc.stderr == "" and proc.stdout == ""
    proc = cli("scan", "http://127.0.0.1:1/", "-o", str(tmp_path / "r.json"), "-q")
    assert proc.returncode == 3 and len(proc.stderr.splitlines()) == 1, proc.stderr


COMMANDS = ["scan", "demo", "cli", "list-checks", "explain", "docs", "serve-reference", "batch", "merge"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_written_for_people(command: str) -> None:
    proc = cli(command, "-h")
    assert proc.returncode == 0, proc.stderr
    # no Python types (`<float range>`, `<list[str]>`) and no `{url}`
    assert not re.search(r"<[a-z][a-z\[\] ]*>|\{[a-zA-Z_]+\}", proc.stdout), proc.stdout
    assert "Usage: agent-ready " + command in proc.stdout


def test_help_names_what_to_type() -> None:
    scan = cli("scan", "-h").stdout
    assert "Usage: agent-ready scan [OPTIONS] URL" in scan
    assert "--timeout SECONDS" in scan and "--only ID" in scan
    assert "Usage: agent-ready explain [OPTIONS] ID" in cli("explain", "--help").stdout
    assert cli("-h").returncode == 0


def test_did_you_mean_for_check_ids() -> None:
    proc = cli("explain", "tokens.chalenge")
    assert proc.returncode == 2 and "did you mean tokens.challenge?" in proc.stderr
    proc = cli("scan", "http://127.0.0.1:1/", "--only", "discovery.robot-txt")
    assert proc.returncode == 2 and "did you mean discovery.robots-txt?" in proc.stderr
    far = cli("explain", "qqqqqq")
    assert far.returncode == 2 and "did you mean" not in far.stderr and "list-checks" in far.stderr


def test_list_checks_explains_its_columns() -> None:
    out = cli("list-checks").stdout
    header = out.splitlines()[0]
    assert header.split() == ["ID", "CATEGORY", "KIND", "WEIGHT", "MODE", "TITLE"]
    assert re.search(r"^MODE: .*ACTIVE = runs only with --active", out, re.M)
    assert "+active = passive, with an extra ACTIVE part" in out


def test_a_cli_audit_prints_the_same_summary_as_a_scan(tmp_path: Path) -> None:
    """`agent-ready cli` orders its blockers by the points their fix is worth, each with its fix, through the
    one summary function `scan` uses (not a copy)."""
    from agent_ready.cli import audit_cli, scan, summary

    assert audit_cli.summary is summary.summary and scan._summary is summary.summary
    tool = Path(__file__).parent / "data" / "cli_tools" / "bare_unauthorized.sh"
    proc = cli("cli", "--timeout", "3", "-o", str(tmp_path / "r.json"), "--", str(tool))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert any(ln.startswith(f"{tool}: ") and "grade" in ln for ln in lines), proc.stderr
    assert "cli:" not in proc.stderr and "Fix first" in proc.stderr
    listed = [
        (i, ln) for i, ln in enumerate(lines) if re.match(r"^  \+\d+\.\d +\[(fail|warn)\] errors\.cli-", ln)
    ]
    assert listed, proc.stderr
    gains = [float(ln.split()[0][1:]) for _, ln in listed]
    assert gains == sorted(gains, reverse=True)
    assert all(lines[i + 1].lstrip().startswith("fix: ") for i, _ in listed)
    assert any("errors.cli-hints" in ln for _, ln in listed)
    assert re.search(r"^coverage: \d+ scored of \d+ checks", proc.stderr, re.M)
