"""The only place numbers are combined.

Check score: pass 1, warn 0.5, fail 0; other statuses have no score. Category score: weighted mean of its
scored checks (x100); a category with nothing scorable has no score (None, not 0). Overall: weighted mean of
the categories that have a score. Coverage says how many checks ran, errored, were skipped or did not
apply, so two scores are compared only when their coverage matches.

Journey coverage limits the wording, not the number: a grade's meaning ("an agent can find, join and use the
service unaided") asserts steps of the agent's journey (sign-up, token issuance and an authenticated call)
that only ACTIVE checks exercise. A scan that did not exercise one of them is ``verified: false``, names the
unexercised steps, and its grade meaning says so ("... on what a passive scan can see; sign-up and token
issuance unverified"). The score and letter are computed from what was judged, as always.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from agent_ready.models import CategoryScore, CheckResult, ScoreSummary, Status

# Bump when a change to this module or to a built-in check's weight can move a score.
SCORING_VERSION = "1.0"

STATUS_SCORE: dict[Status, float] = {Status.PASS: 1.0, Status.WARN: 0.5, Status.FAIL: 0.0}


@dataclass(frozen=True)
class Category:
    id: str
    title: str
    weight: float
    question: str
    kinds: tuple[str, ...] = ("web",)  # the target kinds whose reports carry this category


# Weights follow the standards notes for an API product: credentials (signup + tokens) 30, errors 20,
# discovery and bot access 20, auth.md 15, temporary resources 15.
CATEGORIES: tuple[Category, ...] = (
    Category(
        "discovery",
        "Discovery",
        12,
        "Can an agent find the API, its docs and its agent endpoints from a URL alone?",
    ),
    Category("access", "Bot access", 8, "Is an agent let in?"),
    Category("auth-md", "auth.md", 15, "Does the service publish auth.md, the agent sign-up recipe?"),
    Category("signup", "Sign-up", 12, "Can an unknown agent become a known principal without a browser?"),
    Category("tokens", "Tokens", 18, "Can it obtain a credential without a browser?"),
    # The one category a command-line tool is judged in (`agent-ready cli`): its checks are errors.cli-*.
    Category("errors", "Errors", 20, "Do failures tell an agent what to do next?", ("web", "cli")),
    Category(
        "temporary", "Temporary resources", 15, "Can it create a temporary resource a human can claim later?"
    ),
)
CATEGORY_IDS = tuple(c.id for c in CATEGORIES)

# (lowest overall score, grade, what it means). Documented in docs/scoring.md, generated from here.
GRADE_BANDS: tuple[tuple[float, str, str], ...] = (
    (90, "A", "agent-ready: an agent can find, join and use the service unaided"),
    (75, "B", "mostly ready: an agent gets through, with gaps it must work around"),
    (60, "C", "partly ready: an agent stalls at one or more steps"),
    (40, "D", "hard for agents: most steps need a human"),
    (0, "F", "not agent-ready: an agent cannot get started without a human"),
)
NO_GRADE = "n/a"


@dataclass(frozen=True)
class JourneyClaim:
    """A journey step that a grade's wording asserts, and the ACTIVE checks that exercise it."""

    id: str
    title: str
    checks: tuple[str, ...]  # any one of them judged in an --active scan verifies the step


JOURNEY_CLAIMS: tuple[JourneyClaim, ...] = (
    JourneyClaim(
        "sign-up", "sign-up", ("auth-md.registration", "signup.client-registration", "signup.account-api")
    ),
    JourneyClaim("token", "token issuance", ("tokens.issue",)),
)
# An exercised step that turned out not to apply (no sign-up because nothing is protected) is not unverified.
_EXERCISED = frozenset({Status.PASS, Status.WARN, Status.FAIL, Status.NOT_APPLICABLE})


def journey_coverage(
    results: Iterable[CheckResult], *, active: bool, claims: Iterable[JourneyClaim] = JOURNEY_CLAIMS
) -> tuple[str, ...]:
    """The ids of the journey claims a scan did not exercise (all of them without ``--active``)."""
    by_id = {r.id: r for r in results}
    missing = []
    for claim in claims:
        exercised = active and any(c in by_id and by_id[c].status in _EXERCISED for c in claim.checks)
        if not exercised:
            missing.append(claim.id)
    return tuple(missing)


def check_score(status: Status) -> float | None:
    return STATUS_SCORE.get(status)


def grade(overall: float | None) -> str:
    if overall is None:
        return NO_GRADE
    for floor, letter, _ in GRADE_BANDS:
        if overall >= floor:
            return letter
    return GRADE_BANDS[-1][1]


def grade_meaning(letter: str, unverified: Iterable[str] = ()) -> str:
    """What a grade means; limited to what was seen when steps of the journey were not exercised."""
    meaning = next((m for _, band, m in GRADE_BANDS if band == letter), None)
    if meaning is None:
        return "nothing could be scored"
    titles = [c.title for c in JOURNEY_CLAIMS if c.id in set(unverified)]
    if not titles:
        return meaning
    steps = " and ".join(titles)
    verb = "is" if len(titles) == 1 else "are"
    return (
        f"{meaning.split(':')[0]} on what the scan could see; {steps} {verb} unverified "
        "(rerun with --active to exercise them)"
    )


def _weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    total_weight = 0.0
    total = 0.0
    for value, weight in pairs:
        total += value * weight
        total_weight += weight
    return None if total_weight == 0 else total / total_weight


def coverage(results: Iterable[CheckResult]) -> dict[str, int]:
    counts = {s.value: 0 for s in Status}
    total = 0
    for r in results:
        counts[r.status.value] += 1
        total += 1
    counts["total"] = total
    counts["scored"] = counts["pass"] + counts["warn"] + counts["fail"]
    return counts


def categories_of(kind: str) -> tuple[str, ...]:
    """The built-in categories a report on a target of ``kind`` carries, in report order."""
    return tuple(c.id for c in CATEGORIES if kind in c.kinds)


def _categories(results: list[CheckResult], weights: Mapping[str, float], kind: str) -> list[CategoryScore]:
    titles = {c.id: c.title for c in CATEGORIES}
    # A report carries its kind's categories, even empty ones (a gap shows), and any category a result
    # names: a third-party category keeps a place after the built-in ones.
    listed = categories_of(kind)
    order = [c for c in CATEGORY_IDS if c in listed or any(r.category == c for r in results)]
    order += sorted({r.category for r in results} - set(CATEGORY_IDS))
    categories = []
    for cat in order:
        members = [r for r in results if r.category == cat]
        mean = _weighted_mean((STATUS_SCORE[r.status], r.weight) for r in members if r.status.scorable)
        categories.append(
            CategoryScore(
                id=cat,
                title=titles.get(cat, cat),
                weight=float(weights.get(cat, 1.0)),
                score=None if mean is None else round(mean * 100, 1),
                counts={k: v for k, v in coverage(members).items()},
                check_ids=tuple(r.id for r in members),
            )
        )
    return categories


def _overall(categories: Iterable[CategoryScore]) -> float | None:
    overall = _weighted_mean((c.score, c.weight) for c in categories if c.score is not None and c.weight > 0)
    return None if overall is None else round(overall, 1)


def score_impacts(
    results: list[CheckResult], category_weights: Mapping[str, float] | None = None, kind: str = "web"
) -> dict[str, float]:
    """Points the overall score would gain if each failing or warning check passed, all else unchanged.

    The honest price of a fix: a heavy check in a category full of passes moves the score less than a light
    one alone in a heavy category, which a check's own weight cannot tell.
    """
    weights = _weights(category_weights)
    before = _overall(_categories(results, weights, kind)) or 0.0
    impacts: dict[str, float] = {}
    for i, r in enumerate(results):
        if r.status not in (Status.FAIL, Status.WARN):
            continue
        fixed = [*results[:i], replace(r, status=Status.PASS), *results[i + 1 :]]
        after = _overall(_categories(fixed, weights, kind)) or 0.0
        impacts[r.id] = round(max(0.0, after - before), 1)
    return impacts


def _weights(category_weights: Mapping[str, float] | None) -> dict[str, float]:
    weights = {c.id: c.weight for c in CATEGORIES}
    weights.update(category_weights or {})
    return weights


def summarize(
    results: list[CheckResult],
    category_weights: Mapping[str, float] | None = None,
    kind: str = "web",
    *,
    active: bool = False,
    claims: Iterable[JourneyClaim] | None = None,
) -> ScoreSummary:
    """Scores, coverage and journey coverage (the journey claims apply to web targets; a CLI asserts none)."""
    categories = _categories(results, _weights(category_weights), kind)
    overall = _overall(categories)
    if claims is None:
        claims = JOURNEY_CLAIMS if kind == "web" else ()
    unverified = journey_coverage(results, active=active, claims=claims)
    return ScoreSummary(
        overall=overall,
        grade=grade(overall),
        scoring_version=SCORING_VERSION,
        coverage=coverage(results),
        categories=tuple(categories),
        impacts=score_impacts(results, category_weights, kind),
        verified=not unverified,
        unverified=unverified,
    )
