"""Each check states which clauses of the specs it cites it judges and which it does not (issue 9).

The clauses live in the check metadata (``clauses=``); docs/checks.md is generated from them.
"""

from __future__ import annotations

from agent_ready.checkapi import CLAUSE_LEVELS, CheckMeta, clause, not_judged, validate_meta
from agent_ready.docsgen import checks_md
from agent_ready.registry import Registry
from agent_ready.scoring import CATEGORY_IDS


def test_every_builtin_web_check_lists_its_clauses(registry: Registry) -> None:
    web = [c for c in registry.ordered() if c.meta.target_kind == "web" and c.plugin == "builtin"]
    assert web
    missing = [c.id for c in web if not c.meta.clauses]
    assert not missing, missing
    for chk in web:
        for c in chk.meta.clauses:
            assert c.level in CLAUSE_LEVELS and c.ref and c.says, (chk.id, c)
            assert c.judged or c.how, (chk.id, c)


def test_docs_state_judged_and_unjudged_clauses(registry: Registry) -> None:
    text = checks_md(registry)
    assert "| clause | level | says | judged | how / why not |" in text
    assert "RFC 9457 §3.1.3" in text and "**no**" in text


def test_a_clause_not_judged_must_say_why() -> None:
    meta = CheckMeta(
        id="errors.x",
        title="t",
        failure_title="f",
        category="errors",
        weight=1,
        remediation="r",
        spec_links=("https://example.org",),
        clauses=(not_judged("RFC 1 §1", "MUST", "x", ""), clause("RFC 2 §2", "SHALL", "y")),
    )
    problems = validate_meta(meta, CATEGORY_IDS)
    assert any("says not why" in p for p in problems) and any("unknown level" in p for p in problems)
