"""JSON Lines results: durable appends, torn lines, merge and history."""

from __future__ import annotations

import json
from pathlib import Path

from agent_ready.jsonl import JsonlWriter, done_keys, history, iter_lines, latest, load, merge


def _line(target: str, time: str, overall: float | None = 50.0) -> dict[str, object]:
    return {
        "schema_version": "1.0",
        "target": target,
        "time": time,
        "status": "ok",
        "error": None,
        "summary": {"overall": overall},
    }


def test_append_after_a_torn_line_starts_a_fresh_line(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text(json.dumps(_line("http://a.example/", "2026-12-01T10:00:00+00:00")) + '\n{"target": "htt')
    writer = JsonlWriter.append_to(path)
    writer.write(_line("http://b.example/", "2026-12-01T10:00:01+00:00"))
    writer.close()
    warnings: list[str] = []
    lines = list(iter_lines(path, warnings))
    assert [ln["target"] for ln in lines] == ["http://a.example/", "http://b.example/"]
    assert len(warnings) == 1 and "out.jsonl:2" in warnings[0]
    assert done_keys(path) == {"http://a.example/", "http://b.example/"}


def test_merge_keeps_every_scan_once_and_the_last_copy_wins() -> None:
    a1 = _line("http://a.example", "2026-12-01T10:00:00+00:00", 10)
    a2 = _line("http://a.example/", "2026-12-02T10:00:00+00:00", 20)
    a2_again = _line("HTTP://A.example:80/", "2026-12-02T10:00:00+00:00", 25)  # the same scan, re-read
    b1 = _line("http://b.example/", "2026-12-01T11:00:00+00:00", 30)
    merged = merge([a2, b1, a1, a2_again])
    assert [(ln["target"], ln["summary"]["overall"]) for ln in merged] == [
        ("http://a.example", 10),
        ("http://b.example/", 30),
        ("HTTP://A.example:80/", 25),
    ]
    assert latest(merged)["http://a.example/"]["summary"]["overall"] == 25
    assert [ln["summary"]["overall"] for ln in history(merged)["http://a.example/"]] == [10, 25]


def test_load_reads_jsonl_and_single_reports(tmp_path: Path) -> None:
    report = {
        "schema_version": "1.0",
        "target": {"kind": "url", "url": "http://c.example/"},
        "finished_at": "2026-12-01T09:00:00+00:00",
        "runtime_error": None,
        "score": {"overall": 80.0, "grade": "B"},
        "categories": [],
        "checks": [{"id": "errors.hints", "status": "fail", "weight": 3, "title": "t", "summary": "s"}],
    }
    (tmp_path / "r.json").write_text(json.dumps(report))
    (tmp_path / "b.jsonl").write_text(
        json.dumps(_line("http://a.example/", "2026-12-01T10:00:00+00:00")) + "\n"
    )
    (tmp_path / "junk.json").write_text("[1, 2]")
    loaded = load(
        [tmp_path / "r.json", tmp_path / "b.jsonl", tmp_path / "junk.json", tmp_path / "none.jsonl"]
    )
    assert [ln["target"] for ln in loaded.lines] == ["http://c.example/", "http://a.example/"]
    assert loaded.lines[0]["summary"]["top_blocker"]["id"] == "errors.hints"
    assert len(loaded.warnings) == 2


def test_every_field_of_the_batch_line_schema_is_described() -> None:
    from agent_ready.jsonl import line_schema
    from tests.test_contract import fields

    found = list(fields(line_schema(), ""))
    assert len(found) > 20
    assert [p for p, sub in found if not sub.get("description")] == []


def test_a_line_breaking_the_contract_is_refused() -> None:
    import jsonschema
    import pytest

    from agent_ready.jsonl import validate_line

    good = {**_line("http://a.example/", "2026-12-01T10:00:00+00:00"), "summary": None}
    validate_line(good)
    for bad in ({**good, "status": "maybe"}, {k: v for k, v in good.items() if k != "target"}):
        with pytest.raises(jsonschema.ValidationError):
            validate_line(bad)
    with pytest.raises(jsonschema.ValidationError):  # a full report inside is held to the report schema
        validate_line({**good, "report": {"schema_version": "1.0"}})


def test_dashboard_escapes_what_the_input_files_say() -> None:
    from bs4 import BeautifulSoup

    from agent_ready.reports.dashboard import render_dashboard

    hostile = '<script>alert(1)</script>" onmouseover="x'
    line = {
        **_line(f"http://a.example/{hostile}", "2026-12-01T10:00:00+00:00"),
        "summary": {
            "overall": 10.0,
            "grade": "F",
            "categories": {"tokens": {"title": hostile, "score": 5}, 'x onclick="y"': {"score": 1}},
            "checks": {"tokens.challenge": "fail"},
            "top_blocker": {"id": "tokens.challenge", "summary": hostile},
            "blockers": [hostile],
        },
    }
    html = render_dashboard([line])
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.find_all("script")) == 1  # only the page's own
    assert not [tag for tag in soup.find_all(True) if any(a.startswith("on") for a in tag.attrs)]
    assert hostile in soup.get_text()  # shown as text, not markup
