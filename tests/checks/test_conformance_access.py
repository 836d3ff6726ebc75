"""Conformance tables for the access.* checks: one row per cited clause, a conforming and a violating answer.

Each test id names the clause it pins (RFC 9309 sections, the Content Signals draft, the Web Bot Auth
directory draft, RFC 8037 / RFC 7517). Rows for clauses another check judges say so in their id.
"""

from __future__ import annotations

from typing import Any

import pytest

from agent_ready.artifacts.access import ChallengeSamples, Sample
from agent_ready.artifacts.documents import DocState
from agent_ready.checks.access.ai_rules import ai_rules
from agent_ready.checks.access.content_signals import content_signals
from agent_ready.checks.access.no_challenge import no_challenge
from agent_ready.checks.access.web_bot_auth import web_bot_auth
from agent_ready.models import Status
from agent_ready.reference.access import SAMPLE_PUBLIC_KEY
from agent_ready.testing import fake_response, judge
from tests.checks.test_access import (
    MEDIA,
    PATHS,
    SIGNED,
    codes,
    directory,
    html,
    robots_of,
)


def _expect(out: Any, expected: str, code: str | None) -> None:
    assert out.status == Status(expected), out
    if code is not None:
        assert code in codes(out), out


# --- access.ai-rules: RFC 9309 ----------------------------------------------------------------------------

AI_RULES: list[tuple[str, str, str, str | None]] = [
    ("rfc9309_s2_2_2_allow_all[conforming]", "User-agent: *\nAllow: /\n", "pass", "agents-allowed"),
    ("rfc9309_s2_2_2_disallow_all[violating]", "User-agent: *\nDisallow: /\n", "fail", "wildcard-blocked"),
    # §2.2.1: product tokens match case-insensitively.
    (
        "rfc9309_s2_2_1_MUST_case_insensitive_user_agent[violating]",
        "User-agent: chatgpt-user\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
        "fail",
        "agent-blocked",
    ),
    # §2.2.1: several groups for one agent MUST be combined into one.
    (
        "rfc9309_s2_2_1_MUST_combine_groups[violating]",
        "User-agent: Claude-User\nAllow: /docs/\n\nUser-agent: *\nAllow: /\n\n"
        "User-agent: Claude-User\nDisallow: /api/\n",
        "fail",
        "agent-blocked",
    ),
    # §2.2.1: an agent with its own group does not read `*`; a named group allowing it is enough.
    (
        "rfc9309_s2_2_1_named_group_overrides_wildcard[conforming]",
        "User-agent: Claude-User\nAllow: /\n\nUser-agent: *\nDisallow: /admin/\n",
        "pass",
        "agents-allowed",
    ),
    # §2.2.2: the most specific (longest) match MUST be used.
    (
        "rfc9309_s2_2_2_MUST_longest_match[conforming]",
        "User-agent: *\nDisallow: /\nAllow: /docs/\nAllow: /api/\nAllow: /.well-known/\nAllow: /auth.md\n"
        "Allow: /llms.txt\nAllow: /oauth/\nAllow: /$\nAllow: /openapi\nAllow: /swagger\nAllow: /v\n",
        "pass",
        None,
    ),
    (
        "rfc9309_s2_2_2_MUST_longest_match[violating]",
        "User-agent: *\nAllow: /\nDisallow: /api/\n",
        "fail",
        "wildcard-blocked",
    ),
    # §2.2.3: `*` and `$` in paths.
    (
        "rfc9309_s2_2_3_special_characters[violating]",
        "User-agent: *\nDisallow: /*.md$\n",
        "fail",
        "wildcard-blocked",
    ),
    # Training crawlers are not agents: blocking them alone is a content choice (catalogue, B1).
    (
        "catalogue_b1_training_crawlers_only[conforming]",
        "User-agent: GPTBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
        "pass",
        "training-crawlers-blocked",
    ),
]


@pytest.mark.parametrize(("clause", "text", "expected", "code"), AI_RULES, ids=[r[0] for r in AI_RULES])
def test_access_ai_rules_conformance(clause: str, text: str, expected: str, code: str | None) -> None:
    _expect(judge(ai_rules, robots=robots_of(text), agent_paths=PATHS), expected, code)


@pytest.mark.parametrize(
    ("state", "status", "expected", "code"),
    [
        # §2.3.1.3: 4xx means no rules: crawlers MAY access any resource.
        (DocState.ABSENT, 404, "pass", "robots-none"),
        # §2.3.1.4: 5xx means crawlers MUST assume complete disallow.
        (DocState.ERROR_STATUS, 503, "fail", "robots-server-error"),
    ],
    ids=[
        "rfc9309_s2_3_1_3_unavailable_allows_all[conforming]",
        "rfc9309_s2_3_1_4_MUST_5xx_disallow[violating]",
    ],
)
def test_access_ai_rules_status_conformance(state: DocState, status: int, expected: str, code: str) -> None:
    _expect(judge(ai_rules, robots=robots_of(None, state, status), agent_paths=PATHS), expected, code)


# --- access.content-signals: draft-romm-aipref-contentsignals, RFC 9651 dictionaries ---

SIGNALS: list[tuple[str, str, str, str | None]] = [
    (
        "contentsignals_keys_yes_no[conforming]",
        "User-agent: *\nContent-Signal: search=yes, ai-input=yes, ai-train=no\nAllow: /\n",
        "pass",
        "content-signal",
    ),
    ("contentsignals_directive_present[violating]", "User-agent: *\nAllow: /\n", "fail", "no-content-signal"),
    (
        "contentsignals_values_yes_no[violating]",
        "User-agent: *\nContent-Signal: search=maybe, ai-train=no\nAllow: /\n",
        "warn",
        "content-signal-bad-value",
    ),
    (
        "rfc9651_s3_2_dictionary_syntax[violating]",
        "User-agent: *\nContent-Signal: search yes; ai-train no\nAllow: /\n",
        "warn",
        "content-signal-malformed",
    ),
    # Unknown keys are extension points: noted, not judged.
    (
        "contentsignals_unknown_keys_ignored[conforming]",
        "User-agent: *\nContent-Signal: search=yes, ai-archive=no\nAllow: /\n",
        "pass",
        "content-signal-unknown-key",
    ),
]


@pytest.mark.parametrize(("clause", "text", "expected", "code"), SIGNALS, ids=[r[0] for r in SIGNALS])
def test_access_content_signals_conformance(clause: str, text: str, expected: str, code: str | None) -> None:
    home = fake_response(200, "<html></html>", content_type="text/html")
    _expect(judge(content_signals, robots=robots_of(text), home=home), expected, code)


def test_contentsignals_header_form_conforming() -> None:
    home = fake_response(
        200, "<html></html>", content_type="text/html", headers={"Content-Signal": "ai-input=yes"}
    )
    out = judge(content_signals, robots=robots_of("User-agent: *\nAllow: /\n"), home=home)
    _expect(out, "pass", "content-signal")


# --- access.web-bot-auth: draft-meunier-http-message-signatures-directory, RFC 7517, RFC 8037 ---

KEY = dict(SAMPLE_PUBLIC_KEY)

BOT_AUTH: list[tuple[str, Any, str, str | None]] = [
    (
        "wba_directory_jwks[conforming]",
        directory(DocState.FOUND, {"keys": [KEY]}, headers=SIGNED),
        "pass",
        None,
    ),
    (
        "rfc7517_s5_keys_member[violating]",
        directory(DocState.FOUND, {"keys": []}),
        "fail",
        "directory-no-keys",
    ),
    (
        "rfc7517_s5_keys_member[violating_not_json]",
        directory(DocState.INVALID, None),
        "fail",
        "directory-invalid",
    ),
    # RFC 8037 §2: an Ed25519 public key is 32 bytes of base64url in x.
    (
        "rfc8037_s2_okp_x_length[violating]",
        directory(DocState.FOUND, {"keys": [KEY | {"x": "AAAA"}]}),
        "fail",
        "directory-no-valid-key",
    ),
    # RFC 7517 §4 / RFC 8037 §2: a public directory MUST NOT carry the private member d.
    (
        "rfc8037_s2_no_private_member[violating]",
        directory(DocState.FOUND, {"keys": [KEY | {"d": "AAAA"}]}),
        "fail",
        "private-key-published",
    ),
    # The draft's media type.
    (
        "wba_directory_media_type[violating]",
        directory(DocState.FOUND, {"keys": [KEY]}, content_type="application/json", headers=SIGNED),
        "warn",
        "directory-content-type",
    ),
    # SHOULD sign the response: reported, not judged (the signature is not verified by this tool).
    (
        "wba_directory_SHOULD_sign[not_judged]",
        directory(DocState.FOUND, {"keys": [KEY]}),
        "pass",
        "directory-unsigned",
    ),
    # Absent: matters only to services that send bot traffic.
    ("wba_directory_absent[not_applicable]", directory(DocState.ABSENT, status=404), "not_applicable", None),
]


@pytest.mark.parametrize(("clause", "found", "expected", "code"), BOT_AUTH, ids=[r[0] for r in BOT_AUTH])
def test_access_web_bot_auth_conformance(clause: str, found: Any, expected: str, code: str | None) -> None:
    _expect(judge(web_bot_auth, bot_auth_directory=found), expected, code)


assert MEDIA  # the directory helper's default media type is the draft's


# --- access.no-challenge: RFC 9110 §15.5.4 (403), the catalogue's B4 ----------------------------------------

CF_CHALLENGE = fake_response(
    403, "{}", content_type="application/json", headers={"cf-mitigated": "challenge"}
)

NO_CHALLENGE: list[tuple[str, list[tuple[str, Any]], str, str | None]] = [
    (
        "catalogue_b4_no_challenge[conforming]",
        [("docs", html(200, "<html><h1>Docs</h1></html>"))],
        "pass",
        None,
    ),
    ("catalogue_b4_cf_mitigated_challenge[violating]", [("api", CF_CHALLENGE)], "fail", "cf-challenge"),
]


@pytest.mark.parametrize(
    ("clause", "samples", "expected", "code"), NO_CHALLENGE, ids=[r[0] for r in NO_CHALLENGE]
)
def test_access_no_challenge_conformance(
    clause: str, samples: list[tuple[str, Any]], expected: str, code: str | None
) -> None:
    found = ChallengeSamples([Sample(role, resp) for role, resp in samples])
    _expect(judge(no_challenge, challenge_samples=found), expected, code)
