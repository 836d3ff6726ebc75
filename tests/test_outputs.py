"""Several reports from one scan: each ``-o`` file's format comes from its name; ``--format`` is stdout's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent_ready.cli import app
from agent_ready.reference import ReferenceServer
from agent_ready.reports import FORMATS, extensions, format_for_path, render
from agent_ready.reports.json_report import validate


def test_registry_maps_every_ending_to_a_format() -> None:
    for name, renderer in FORMATS.items():
        assert renderer.name == name
        for ext in renderer.extensions:
            assert format_for_path(f"report{ext}") == name
            assert format_for_path(f"REPORT{ext.upper()}") == name
    assert format_for_path("report.txt") is None
    assert format_for_path(".json") is None  # a bare ending is not a name
    endings = list(extensions())
    assert endings == sorted(endings, key=len, reverse=True)  # the longest ending wins


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        render(None, "pdf")  # type: ignore[arg-type]


def test_repeated_output_from_one_scan(
    reference: ReferenceServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import agent_ready.cli.scan as scan_cli
    import agent_ready.engine as engine

    scans: list[str] = []
    real_scan = engine.scan

    def counting_scan(url: str, *args: object, **kwargs: object) -> object:
        scans.append(url)
        return real_scan(url, *args, **kwargs)  # type: ignore[arg-type]

    # Wherever the command finds engine.scan (imported at module level or when it runs), it counts.
    monkeypatch.setattr(engine, "scan", counting_scan)
    if hasattr(scan_cli, "scan"):
        monkeypatch.setattr(scan_cli, "scan", counting_scan)
    paths = {name: tmp_path / f"report{r.extensions[0]}" for name, r in FORMATS.items()}
    args = ["scan", reference.url + "/", "--no-plugins", "-q"]
    for path in paths.values():
        args += ["-o", str(path)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.stderr
    assert res.stdout == ""  # with --output, stdout gets no report
    doc = json.loads(paths["json"].read_text())
    validate(doc)
    assert paths["html"].read_text().lower().startswith("<!doctype html>")
    assert scans == [reference.url + "/"]  # every file came from the one scan
    for name, path in paths.items():
        assert path.read_text(), name


def test_html_by_extension_even_with_format_json(reference: ReferenceServer, tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    res = CliRunner().invoke(
        app, ["scan", reference.url + "/", "--no-plugins", "-q", "-f", "json", "-o", str(html), "-o", "-"]
    )
    assert res.exit_code == 0, res.stderr
    assert html.read_text().lower().startswith("<!doctype html>")
    validate(json.loads(res.stdout))  # '-' is stdout, in --format's format


def test_unknown_ending_defaults_to_json(reference: ReferenceServer, tmp_path: Path) -> None:
    out = tmp_path / "report"
    # Without -q (which prints nothing but errors) the line says which format an unknown ending got.
    res = CliRunner().invoke(app, ["scan", reference.url + "/", "--no-plugins", "-o", str(out)])
    assert res.exit_code == 0, res.stderr
    validate(json.loads(out.read_text()))
    assert f"json report written to {out}" in res.stderr


def test_unknown_ending_takes_format(reference: ReferenceServer, tmp_path: Path) -> None:
    out = tmp_path / "r.txt"
    res = CliRunner().invoke(
        app, ["scan", reference.url + "/", "--no-plugins", "-q", "-f", "html", "-o", str(out)]
    )
    assert res.exit_code == 0, res.stderr
    assert out.read_text().lower().startswith("<!doctype html>")


def test_demo_json_by_extension(tmp_path: Path) -> None:
    out = tmp_path / "demo.json"
    res = CliRunner().invoke(app, ["demo", "-o", str(out)])
    assert res.exit_code == 0, res.stderr
    validate(json.loads(out.read_text()))


def test_cli_audit_writes_several_formats(tmp_path: Path) -> None:
    outs = [tmp_path / "cli.json", tmp_path / "cli.md", tmp_path / "cli.xml"]
    args = ["cli", "--timeout", "5", "-q"]
    for out in outs:
        args += ["-o", str(out)]
    res = CliRunner().invoke(app, [*args, "--", "true"])
    assert res.exit_code == 0, res.stderr
    validate(json.loads(outs[0].read_text()))
    assert outs[1].read_text().startswith("## agent-ready: ")
    assert outs[2].read_text().startswith('<?xml version="1.0"')
