from __future__ import annotations

import pytest

from agent_ready.models import CheckResult, Status
from agent_ready.scoring import CATEGORIES, GRADE_BANDS, JOURNEY_CLAIMS, grade, grade_meaning, summarize


def result(cid: str, category: str, status: Status, weight: float = 1.0) -> CheckResult:
    return CheckResult(
        id=cid,
        title=cid,
        category=category,
        status=status,
        summary="",
        score=None,
        weight=weight,
        active=False,
        findings=(),
        remediation="",
        spec_links=(),
        details={},
        duration_ms=0,
        plugin="builtin",
    )


def test_category_is_weighted_mean_of_pass_warn_fail() -> None:
    s = summarize(
        [
            result("discovery.a", "discovery", Status.PASS, 3),
            result("discovery.b", "discovery", Status.WARN, 1),
            result("discovery.c", "discovery", Status.FAIL, 1),
            result("discovery.d", "discovery", Status.ERROR, 5),
            result("discovery.e", "discovery", Status.NOT_APPLICABLE, 5),
        ]
    )
    cat = next(c for c in s.categories if c.id == "discovery")
    assert cat.score == pytest.approx((3 + 0.5) / 5 * 100, abs=0.1)
    assert s.overall == cat.score


def test_category_with_nothing_scorable_is_null_not_zero() -> None:
    s = summarize(
        [
            result("access.a", "access", Status.NOT_APPLICABLE),
            result("access.b", "access", Status.SKIPPED),
            result("errors.a", "errors", Status.PASS),
        ]
    )
    cats = {c.id: c for c in s.categories}
    assert cats["access"].score is None
    assert cats["errors"].score == 100
    assert s.overall == 100  # the null category does not drag the overall down


def test_overall_weights_categories() -> None:
    weights = {c.id: c.weight for c in CATEGORIES}
    s = summarize([result("errors.a", "errors", Status.PASS), result("tokens.a", "tokens", Status.FAIL)])
    expected = 100 * weights["errors"] / (weights["errors"] + weights["tokens"])
    assert s.overall == pytest.approx(expected, abs=0.1)
    s2 = summarize(
        [result("errors.a", "errors", Status.PASS), result("tokens.a", "tokens", Status.FAIL)], {"tokens": 0}
    )
    assert s2.overall == 100


def test_nothing_scored_has_no_grade() -> None:
    s = summarize([result("errors.a", "errors", Status.ERROR)])
    assert s.overall is None and s.grade == "n/a"
    assert s.coverage["error"] == 1 and s.coverage["scored"] == 0


@pytest.mark.parametrize(
    ("score", "letter"),
    [(100, "A"), (90, "A"), (89.9, "B"), (75, "B"), (60, "C"), (40, "D"), (39.9, "F"), (0, "F")],
)
def test_grade_bands(score: float, letter: str) -> None:
    assert grade(score) == letter
    assert [b[0] for b in GRADE_BANDS] == sorted((b[0] for b in GRADE_BANDS), reverse=True)


def test_coverage_counts_every_status() -> None:
    statuses = list(Status)
    s = summarize([result(f"errors.x{i}", "errors", st) for i, st in enumerate(statuses)])
    assert s.coverage["total"] == len(statuses)
    assert all(s.coverage[st.value] == 1 for st in statuses)


def test_score_impact_is_the_gain_of_passing_that_check_alone() -> None:
    weights = {c.id: c.weight for c in CATEGORIES}
    results = [
        result("errors.a", "errors", Status.PASS),
        result("errors.b", "errors", Status.FAIL, 3),
        result("discovery.a", "discovery", Status.PASS, 3),
        result("discovery.b", "discovery", Status.FAIL, 0.5),
        result("tokens.a", "tokens", Status.WARN),
        result("tokens.b", "tokens", Status.ERROR),
    ]
    s = summarize(results)
    assert set(s.impacts) == {"errors.b", "discovery.b", "tokens.a"}  # only failing and warning checks
    for cid, gain in s.impacts.items():
        fixed = [
            result(r.id, r.category, Status.PASS if r.id == cid else r.status, r.weight) for r in results
        ]
        assert gain == pytest.approx(summarize(fixed).overall - s.overall, abs=0.11)
    # errors.b: 3/4 of a category weighing 20; discovery.b: 1/7 of one weighing 12
    assert s.impacts["errors.b"] > s.impacts["discovery.b"] > 0
    total = weights["errors"] + weights["discovery"] + weights["tokens"]
    assert s.impacts["tokens.a"] == pytest.approx(50 * weights["tokens"] / total, abs=0.11)


def test_score_impact_follows_category_weights() -> None:
    results = [result("errors.a", "errors", Status.FAIL), result("tokens.a", "tokens", Status.FAIL)]
    s = summarize(results, {"errors": 0, "tokens": 1})
    assert s.impacts == {"errors.a": 0.0, "tokens.a": 100.0}


# --- issue 9: journey coverage limits the wording of a grade -----------------------------------------------


def _journey(status: Status) -> list[CheckResult]:
    return [
        result("errors.a", "errors", Status.PASS),
        result("auth-md.registration", "auth-md", status),
        result("tokens.issue", "tokens", status),
    ]


def test_a_passive_scan_is_unverified_and_its_grade_says_so() -> None:
    s = summarize(_journey(Status.SKIPPED), active=False)
    assert s.grade == "A" and not s.verified
    assert s.unverified == ("sign-up", "token")
    meaning = grade_meaning(s.grade, s.unverified)
    assert "unaided" not in meaning
    assert "sign-up and token issuance are unverified" in meaning and "--active" in meaning


def test_an_active_scan_that_exercised_the_journey_is_verified() -> None:
    s = summarize(_journey(Status.PASS), active=True)
    assert s.verified and s.unverified == ()
    assert grade_meaning(s.grade, s.unverified) == grade_meaning(s.grade)


def test_an_active_scan_that_could_not_exercise_a_step_names_it() -> None:
    results = [
        result("auth-md.registration", "auth-md", Status.PASS),
        result("tokens.issue", "tokens", Status.ERROR),
    ]
    s = summarize(results, active=True)
    assert not s.verified and s.unverified == ("token",)
    assert "token issuance is unverified" in grade_meaning("B", s.unverified)


def test_journey_claims_name_registered_active_checks(registry) -> None:  # type: ignore[no-untyped-def]
    ids = {c.id: c for c in registry.ordered()}
    for claim in JOURNEY_CLAIMS:
        assert claim.checks and all(ids[c].meta.active for c in claim.checks), claim
