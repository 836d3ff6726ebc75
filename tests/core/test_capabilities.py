from __future__ import annotations

from agent_ready.capabilities import assess
from agent_ready.models import CheckResult, Status


def result(cid: str, status: Status, summary: str = "") -> CheckResult:
    return CheckResult(
        id=cid,
        title=cid,
        category=cid.split(".")[0],
        status=status,
        summary=summary or cid,
        score=None,
        weight=1,
        active=False,
        findings=(),
        remediation="",
        spec_links=(),
        details={},
        duration_ms=0,
        plugin="builtin",
    )


def verdicts(*results: CheckResult) -> dict[str, tuple[str, str]]:
    return {v.id: (v.status, v.because) for v in assess(results)}


def test_yes_no_partly_unknown() -> None:
    v = verdicts(
        result("tokens.challenge", Status.PASS),
        result("tokens.resource-metadata", Status.PASS),
        result("tokens.server-metadata", Status.PASS),
        result("tokens.headless-grant", Status.FAIL, "no headless grant"),
        result("tokens.issue", Status.FAIL),
        result("errors.machine-readable", Status.PASS),
        result("errors.hints", Status.WARN, "hints are thin"),
        result("errors.rate-limit", Status.NOT_APPLICABLE, "no API to rate-limit"),
    )
    assert v["learn-auth"][0] == "yes"
    assert v["token"] == ("no", "no headless grant; tokens.issue")
    assert v["recover"] == ("partly", "hints are thin")
    assert v["pace"][0] == "unknown" and "no API to rate-limit" in v["pace"][1]


def test_capabilities_without_any_of_their_checks_are_left_out() -> None:
    assert "temporary" not in verdicts(result("errors.hints", Status.PASS))
