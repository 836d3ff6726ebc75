"""access.*: table-driven unit tests on literal artifacts, then integration against local servers."""

from __future__ import annotations

import pytest
from protego import Protego

from agent_ready.artifacts.access import AgentPath, AgentPaths, BotAuthDirectory, ChallengeSamples, Sample
from agent_ready.artifacts.documents import Doc, DocState
from agent_ready.artifacts.robots import RobotsTxt
from agent_ready.checks.access import CHECKS as ACCESS_CHECKS
from agent_ready.checks.access.ai_rules import ai_rules
from agent_ready.checks.access.content_signals import content_signals, parse_signal
from agent_ready.checks.access.no_challenge import no_challenge
from agent_ready.checks.access.web_bot_auth import jwk_problems, jwk_thumbprint, web_bot_auth
from agent_ready.models import Status
from agent_ready.parsers.robots import parse_robots
from agent_ready.probes.access import DEFAULT_AGENT_PATHS, openapi_paths
from agent_ready.reference.access import SAMPLE_PUBLIC_KEY, SAMPLE_THUMBPRINT
from agent_ready.testing import fake_response, judge

ORIGIN = "https://api.example.com"
PATHS = AgentPaths([AgentPath(p, role, "default") for p, role in DEFAULT_AGENT_PATHS])


def robots_of(text: str | None, state: DocState = DocState.FOUND, status: int | None = 200) -> RobotsTxt:
    resp = fake_response(status, text or "", content_type="text/plain", url=ORIGIN + "/robots.txt")
    doc = Doc(
        url=ORIGIN + "/robots.txt",
        state=state,
        response=resp,
        data=text,
        problem=None if state == DocState.FOUND else f"HTTP {status}",
    )
    if state != DocState.FOUND or text is None:
        return RobotsTxt(doc=doc)
    user_agents, content_signals, unknown_lines = parse_robots(text)
    return RobotsTxt(
        doc=doc,
        parser=Protego.parse(text),
        user_agents=user_agents,
        content_signals=content_signals,
        unknown_lines=unknown_lines,
    )


def codes(outcome) -> set[str]:
    return {f.code for f in outcome.findings}


# --- access.ai-rules -----------------------------------------------------------------------------------

AI_RULES_CASES = [
    # (name, robots.txt text, expected status, expected finding codes)
    ("allow-all", "User-agent: *\nAllow: /\n", Status.PASS, {"agents-allowed"}),
    ("wildcard-only-empty-disallow", "User-agent: *\nDisallow:\n", Status.PASS, {"agents-allowed"}),
    (
        "training-only-blocked",
        "User-agent: GPTBot\nUser-agent: CCBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
        Status.PASS,
        {"agents-allowed", "training-crawlers-blocked"},
    ),
    (
        "named-agent-blocked",
        "User-agent: ChatGPT-User\nDisallow: /docs/\n\nUser-agent: *\nAllow: /\n",
        Status.FAIL,
        {"agent-blocked"},
    ),
    (
        "claude-user-blocked-from-api",
        "User-agent: Claude-User\nDisallow: /api/\n",
        Status.FAIL,
        {"agent-blocked"},
    ),
    ("wildcard-disallow-all", "User-agent: *\nDisallow: /\n", Status.FAIL, {"wildcard-blocked"}),
    ("wildcard-blocks-auth", "User-agent: *\nDisallow: /oauth/\n", Status.FAIL, {"wildcard-blocked"}),
    (
        "allowlist-of-assistants",
        "User-agent: *\nDisallow: /\n\nUser-agent: ChatGPT-User\nUser-agent: Claude-User\n"
        "User-agent: Perplexity-User\nUser-agent: MistralAI-User\nAllow: /\n",
        Status.WARN,
        {"wildcard-blocked-allowlist"},
    ),
    (
        "search-indexer-blocked",
        "User-agent: OAI-SearchBot\nDisallow: /\n",
        Status.WARN,
        {"search-agent-blocked"},
    ),
    ("unrelated-path-blocked", "User-agent: *\nDisallow: /admin/\n", Status.PASS, {"agents-allowed"}),
]


@pytest.mark.parametrize("name,text,status,expected", AI_RULES_CASES, ids=[c[0] for c in AI_RULES_CASES])
def test_ai_rules_table(name: str, text: str, status: Status, expected: set[str]) -> None:
    out = judge(ai_rules, robots=robots_of(text), agent_paths=PATHS)
    assert out.status == status, out
    assert expected <= codes(out), codes(out)


def test_ai_rules_no_robots_is_not_a_block() -> None:
    out = judge(ai_rules, robots=robots_of(None, DocState.ABSENT, 404), agent_paths=PATHS)
    assert out.status == Status.PASS and codes(out) == {"robots-none"}


def test_ai_rules_soft_404_has_no_rules_to_judge() -> None:
    out = judge(ai_rules, robots=robots_of("<html></html>", DocState.SOFT_404, 200), agent_paths=PATHS)
    assert out.status == Status.NOT_APPLICABLE and codes(out) == {"robots-not-a-file"}
    assert "no rules to judge" in out.summary


def test_ai_rules_5xx_means_complete_disallow() -> None:
    out = judge(ai_rules, robots=robots_of(None, DocState.ERROR_STATUS, 503), agent_paths=PATHS)
    assert out.status == Status.FAIL and codes(out) == {"robots-server-error"}


@pytest.mark.parametrize("code", [500, 503, 599])
def test_ai_rules_any_5xx_is_complete_disallow(code: int) -> None:
    # RFC 9309 §2.3.1.4 from the first server error on, not only at 503.
    out = judge(ai_rules, robots=robots_of(None, DocState.ERROR_STATUS, code), agent_paths=PATHS)
    assert out.status == Status.FAIL and codes(out) == {"robots-server-error"}
    assert f"HTTP {code}" in out.findings[0].message


@pytest.mark.parametrize("code", [400, 401, 403, 429, 499])
def test_ai_rules_4xx_is_unavailable_not_disallow(code: int) -> None:
    # RFC 9309 §2.3.1.3: up to 499 the file is "unavailable" and crawlers may access anything.
    out = judge(ai_rules, robots=robots_of(None, DocState.ERROR_STATUS, code), agent_paths=PATHS)
    assert out.status == Status.PASS and codes(out) == {"robots-none"}


def test_ai_rules_unreachable_is_error() -> None:
    robots = RobotsTxt(
        doc=Doc(
            url=ORIGIN + "/robots.txt",
            state=DocState.UNREACHABLE,
            response=fake_response(None),
            problem="connection refused",
        )
    )
    assert judge(ai_rules, robots=robots, agent_paths=PATHS).status == Status.ERROR


def test_ai_rules_uses_openapi_paths() -> None:
    spec = {
        "openapi": "3.1.0",
        "servers": [{"url": "/v2"}],
        "paths": {"/widgets": {"get": {}}, "/widgets/{id}": {"get": {}}},
    }
    found = openapi_paths(spec, ORIGIN + "/openapi.json", ORIGIN)
    assert [p.path for p in found] == ["/v2/widgets", "/v2/widgets/x"]
    paths = AgentPaths([*found, *PATHS.paths], openapi_used=True)
    out = judge(ai_rules, robots=robots_of("User-agent: *\nDisallow: /v2/\n"), agent_paths=paths)
    assert out.status == Status.FAIL
    assert "/v2/widgets" in next(f.message for f in out.findings if f.code == "wildcard-blocked")


def test_openapi_paths_ignores_other_origins() -> None:
    spec = {"servers": [{"url": "https://other.example.net/v1"}], "paths": {"/a": {}}}
    assert [p.path for p in openapi_paths(spec, ORIGIN + "/openapi.json", ORIGIN)] == ["/a"]


# --- access.content-signals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,valid,values,unknown,bad",
    [
        (
            "search=yes, ai-input=yes, ai-train=no",
            True,
            {"search": "yes", "ai-input": "yes", "ai-train": "no"},
            [],
            [],
        ),
        ("ai-train=no", True, {"ai-train": "no"}, [], []),
        ("search=yes, ai-foo=no", True, {"search": "yes"}, ["ai-foo"], []),
        ("search=maybe", False, {}, [], ["search='maybe'"]),
        ("search = yes; ai-train", False, {}, [], []),
        ("Search=Yes", False, {}, [], []),
    ],
)
def test_parse_signal(raw: str, valid: bool, values: dict, unknown: list, bad: list) -> None:
    sig = parse_signal(raw, "robots.txt")
    assert sig.valid is valid
    assert sig.values == values and sig.unknown_keys == unknown and sig.bad_values == bad


CONTENT_SIGNAL_CASES = [
    (
        "robots-directive",
        "User-agent: *\nContent-Signal: search=yes, ai-input=yes, ai-train=no\nAllow: /\n",
        {},
        Status.PASS,
        {"content-signal"},
    ),
    (
        "header-only",
        "User-agent: *\nAllow: /\n",
        {"Content-Signal": "search=yes, ai-train=no"},
        Status.PASS,
        {"content-signal"},
    ),
    (
        "malformed-only",
        "User-agent: *\nContent-Signal: search yes\n",
        {},
        Status.WARN,
        {"content-signal-malformed"},
    ),
    (
        "unknown-key",
        "User-agent: *\nContent-Signal: ai-train=no, ai-magic=yes\n",
        {},
        Status.PASS,
        {"content-signal", "content-signal-unknown-key"},
    ),
    ("ai-input-no", "User-agent: *\nContent-Signal: ai-input=no\n", {}, Status.WARN, {"ai-input-denied"}),
    ("none", "User-agent: *\nAllow: /\n", {}, Status.FAIL, {"no-content-signal"}),
]


@pytest.mark.parametrize(
    "name,text,headers,status,expected", CONTENT_SIGNAL_CASES, ids=[c[0] for c in CONTENT_SIGNAL_CASES]
)
def test_content_signals_table(
    name: str, text: str, headers: dict, status: Status, expected: set[str]
) -> None:
    home = fake_response(200, "<html><body>hi</body></html>", content_type="text/html", headers=headers)
    out = judge(content_signals, robots=robots_of(text), home=home)
    assert out.status == status, out
    assert expected <= codes(out), codes(out)


def test_content_signals_error_when_nothing_answered() -> None:
    robots = RobotsTxt(
        doc=Doc(url=ORIGIN + "/robots.txt", state=DocState.UNREACHABLE, response=fake_response(None))
    )
    assert judge(content_signals, robots=robots, home=fake_response(None)).status == Status.ERROR


# --- access.web-bot-auth -------------------------------------------------------------------------------

MEDIA = "application/http-message-signatures-directory+json"
SIGNED = {
    "Signature-Input": f'sig1=("@authority");created=1;keyid="{SAMPLE_THUMBPRINT}";alg="ed25519";'
    'tag="http-message-signatures-directory"',
    "Signature": "sig1=:AAAA:",
}


def directory(
    state: DocState, data=None, *, status: int = 200, content_type: str = MEDIA, headers: dict | None = None
) -> BotAuthDirectory:
    resp = fake_response(
        status if state != DocState.UNREACHABLE else None, "x", content_type=content_type, headers=headers
    )
    return BotAuthDirectory(
        Doc(
            url=ORIGIN + "/.well-known/http-message-signatures-directory",
            state=state,
            response=resp,
            data=data,
            problem=None if state == DocState.FOUND else "why",
        )
    )


def test_rfc8037_thumbprint() -> None:
    assert jwk_thumbprint(dict(SAMPLE_PUBLIC_KEY)) == SAMPLE_THUMBPRINT  # RFC 8037 Appendix A.3


@pytest.mark.parametrize(
    "key,problems",
    [
        (SAMPLE_PUBLIC_KEY, []),
        (
            {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg"},
            ["`x` is not base64url of 32 bytes (16 bytes)"],
        ),
        ({"kty": "OKP", "crv": "X25519", "x": SAMPLE_PUBLIC_KEY["x"]}, ["`crv` 'X25519' is not Ed25519"]),
        ({"crv": "Ed25519"}, ["no `kty`"]),
        ({"kty": "EC", "crv": "P-256", "x": "a"}, ["no `y`"]),
        ({"kty": "oct", "k": "a"}, ["unsupported `kty` 'oct'"]),
    ],
)
def test_jwk_problems(key: dict, problems: list[str]) -> None:
    assert jwk_problems(key) == problems


WEB_BOT_AUTH_CASES = [
    (
        "valid-signed",
        directory(DocState.FOUND, {"keys": [SAMPLE_PUBLIC_KEY]}, headers=SIGNED),
        Status.PASS,
        {"key-valid", "directory-signed"},
    ),
    (
        "valid-unsigned",
        directory(DocState.FOUND, {"keys": [SAMPLE_PUBLIC_KEY]}),
        Status.PASS,
        {"key-valid", "directory-unsigned"},
    ),
    (
        "wrong-content-type",
        directory(DocState.FOUND, {"keys": [SAMPLE_PUBLIC_KEY]}, content_type="application/json"),
        Status.WARN,
        {"directory-content-type"},
    ),
    (
        "one-bad-one-good",
        directory(DocState.FOUND, {"keys": [{"kty": "OKP"}, SAMPLE_PUBLIC_KEY]}),
        Status.WARN,
        {"key-invalid", "key-valid"},
    ),
    ("no-keys", directory(DocState.FOUND, {"keys": []}), Status.FAIL, {"directory-no-keys"}),
    (
        "only-bad-keys",
        directory(DocState.FOUND, {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "AA"}]}),
        Status.FAIL,
        {"key-invalid", "directory-no-valid-key"},
    ),
    (
        "private-key",
        directory(DocState.FOUND, {"keys": [{**SAMPLE_PUBLIC_KEY, "d": "secret"}]}),
        Status.FAIL,
        {"private-key-published"},
    ),
    ("not-json", directory(DocState.INVALID), Status.FAIL, {"directory-invalid"}),
    ("absent", directory(DocState.ABSENT, status=404), Status.NOT_APPLICABLE, {"directory-absent"}),
    (
        "soft-404",
        directory(DocState.SOFT_404, content_type="text/html"),
        Status.NOT_APPLICABLE,
        {"directory-absent"},
    ),
    ("server-error", directory(DocState.ERROR_STATUS, status=502), Status.ERROR, {"directory-server-error"}),
    ("unreachable", directory(DocState.UNREACHABLE), Status.ERROR, set()),
]


@pytest.mark.parametrize(
    "name,artifact,status,expected", WEB_BOT_AUTH_CASES, ids=[c[0] for c in WEB_BOT_AUTH_CASES]
)
def test_web_bot_auth_table(
    name: str, artifact: BotAuthDirectory, status: Status, expected: set[str]
) -> None:
    out = judge(web_bot_auth, bot_auth_directory=artifact)
    assert out.status == status, out
    assert expected <= codes(out), codes(out)


def test_web_bot_auth_not_applicable_says_why() -> None:
    out = judge(web_bot_auth, bot_auth_directory=directory(DocState.ABSENT, status=404))
    assert "only when the service itself sends" in out.summary


# --- access.no-challenge -------------------------------------------------------------------------------

# Shapes of real interstitials, reduced to their identifying parts (Cloudflare managed challenge, DataDome,
# hCaptcha, Akamai "Access Denied"), as served to non-browser clients.
CF_PAGE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><noscript>Enable JavaScript and "
    'cookies to continue</noscript><script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1">'
    "</script></body></html>"
)
DATADOME_PAGE = (
    '<html><head><title>example.com</title></head><body><iframe src="https://geo.captcha-delivery.com/'
    'captcha/?initialCid=x"></iframe></body></html>'
)
HCAPTCHA_PAGE = (
    '<html><head><title>Verify</title><script src="https://hcaptcha.com/1/api.js"></script></head>'
    '<body><div class="h-captcha" data-sitekey="x"></div></body></html>'
)
AKAMAI_PAGE = (
    "<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1>Reference #18.abc "
    "<P>https://errors.edgesuite.net/18.abc</P></BODY></HTML>"
)
DOCS_PAGE = (
    "<html><head><title>Docs</title></head><body><main>"
    + "Real documentation. " * 120
    + "</main></body></html>"
)
DOCS_WITH_FORM = DOCS_PAGE.replace(
    "</main>", '</main><form><div class="g-recaptcha" data-sitekey="k"></div></form>'
)
DOCS_WITH_CF_JSD = DOCS_PAGE.replace(
    "</body>", '<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script></body>'
)
SPA_SHELL = (
    '<!doctype html><html><head><title>App</title><script src="/app.js"></script></head><body>'
    '<div id="root">Loading…</div><noscript>Please enable JavaScript.</noscript></body></html>'
)
PROBLEM_403 = '{"type":"about:blank","title":"Forbidden","status":403}'


def html(status: int, body: str, headers: dict | None = None):
    return fake_response(
        status, body, content_type="text/html; charset=utf-8", headers=headers, url=ORIGIN + "/docs/"
    )


NO_CHALLENGE_CASES = [
    ("plain-docs", [("docs", html(200, DOCS_PAGE))], Status.PASS, {"no-challenge"}),
    (
        "cf-mitigated-header",
        [
            (
                "api",
                fake_response(
                    403, "{}", content_type="application/json", headers={"cf-mitigated": "challenge"}
                ),
            )
        ],
        Status.FAIL,
        {"cf-challenge"},
    ),
    ("cloudflare-page", [("docs", html(403, CF_PAGE))], Status.FAIL, {"bot-challenge"}),
    ("cloudflare-page-200", [("docs", html(200, CF_PAGE))], Status.FAIL, {"bot-challenge"}),
    ("datadome-403", [("openapi", html(403, DATADOME_PAGE))], Status.FAIL, {"bot-challenge"}),
    ("hcaptcha-interstitial", [("llms.txt", html(200, HCAPTCHA_PAGE))], Status.FAIL, {"bot-challenge"}),
    ("akamai-denied", [("api", html(403, AKAMAI_PAGE))], Status.FAIL, {"bot-challenge"}),
    ("503-challenge", [("docs", html(503, CF_PAGE))], Status.FAIL, {"bot-challenge"}),
    (
        "html-403",
        [("docs", html(403, "<html><body><h1>Forbidden</h1></body></html>"))],
        Status.FAIL,
        {"html-403"},
    ),
    (
        "json-403-is-fine",
        [("api", fake_response(403, PROBLEM_403, content_type="application/problem+json"))],
        Status.PASS,
        {"no-challenge"},
    ),
    (
        "503-without-challenge",
        [("docs", html(503, "<html><body>Maintenance</body></html>"))],
        Status.PASS,
        {"no-challenge"},
    ),
    ("captcha-on-a-form", [("docs", html(200, DOCS_WITH_FORM))], Status.PASS, {"captcha-widget"}),
    ("cf-js-detection-on-real-page", [("docs", html(200, DOCS_WITH_CF_JSD))], Status.PASS, {"no-challenge"}),
    ("spa-shell", [("home", html(200, SPA_SHELL))], Status.WARN, {"js-required"}),
    (
        "challenge-on-unknown-path-only",
        [("docs", html(200, DOCS_PAGE)), ("unknown path", html(403, CF_PAGE))],
        Status.WARN,
        {"bot-challenge"},
    ),
    (
        "datadome-header-json",
        [
            (
                "api",
                fake_response(
                    403, "{}", content_type="application/json", headers={"x-datadome": "protected"}
                ),
            )
        ],
        Status.FAIL,
        {"bot-block"},
    ),
]


@pytest.mark.parametrize(
    "name,samples,status,expected", NO_CHALLENGE_CASES, ids=[c[0] for c in NO_CHALLENGE_CASES]
)
def test_no_challenge_table(name: str, samples: list, status: Status, expected: set[str]) -> None:
    out = judge(no_challenge, challenge_samples=ChallengeSamples([Sample(r, resp) for r, resp in samples]))
    assert out.status == status, out
    assert expected <= codes(out), codes(out)


def test_no_challenge_error_when_nothing_answered() -> None:
    out = judge(no_challenge, challenge_samples=ChallengeSamples([Sample("home", fake_response(None))]))
    assert out.status == Status.ERROR


# --- integration ---------------------------------------------------------------------------------------

ACCESS = ["access"]


def test_good_reference_passes_every_access_check(reference, run_scan) -> None:
    report = run_scan(reference.url, only=ACCESS)
    statuses = {r.id: r.status for r in report.results if r.category == "access"}
    assert statuses == {c.id: Status.PASS for c in ACCESS_CHECKS}
    assert "directory-signed" in codes(report.result("access.web-bot-auth"))
    assert "training-crawlers-blocked" in codes(report.result("access.ai-rules"))


def test_bare_reference(bare, run_scan) -> None:
    report = run_scan(bare.url, only=ACCESS)
    assert report.result("access.content-signals").status == Status.FAIL
    assert report.result("access.web-bot-auth").status == Status.NOT_APPLICABLE
    assert report.result("access.no-challenge").status == Status.WARN
    assert "js-required" in codes(report.result("access.no-challenge"))
    # an HTML robots.txt states no rules: nothing to credit, nothing blocked
    assert report.result("access.ai-rules").status == Status.NOT_APPLICABLE
    assert "robots-not-a-file" in codes(report.result("access.ai-rules"))


def test_access_probes_do_not_refetch(reference, run_scan) -> None:
    report = run_scan(reference.url)
    keys = [(e.method, e.url, tuple(sorted(e.request_headers.items()))) for e in report.exchanges]
    assert len(keys) == len(set(keys))
    own = [
        e for e in report.exchanges if e.probe in ("challenge_samples", "agent_paths", "bot_auth_directory")
    ]
    assert len(own) <= 3, [(e.probe, e.url) for e in own]


@pytest.mark.parametrize(
    "flaw,check_id,status,code",
    [
        ("bot-auth-private-key", "access.web-bot-auth", Status.FAIL, "private-key-published"),
        ("bot-auth-bad-key", "access.web-bot-auth", Status.FAIL, "key-invalid"),
        ("bot-auth-unsigned", "access.web-bot-auth", Status.PASS, "directory-unsigned"),
        ("bot-auth-wrong-type", "access.web-bot-auth", Status.WARN, "directory-content-type"),
        ("bot-auth-absent", "access.web-bot-auth", Status.NOT_APPLICABLE, "directory-absent"),
        ("docs-challenge", "access.no-challenge", Status.FAIL, "cf-challenge"),
        ("robots-block-agents", "access.ai-rules", Status.FAIL, "agent-blocked"),
    ],
)
def test_reference_flaws(
    reference_factory, run_scan, flaw: str, check_id: str, status: Status, code: str
) -> None:
    server = reference_factory(flaws={flaw})
    result = run_scan(server.url, only=[check_id]).result(check_id)
    assert result.status == status, result
    assert code in codes(result)


def test_named_agent_groups_over_http(httpserver, run_scan) -> None:
    httpserver.no_handler_status_code = 404
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /\n\nUser-agent: ChatGPT-User\nUser-agent: Claude-User\nAllow: /\n",
        content_type="text/plain",
    )
    httpserver.expect_request("/").respond_with_data(
        "<html><body>" + "Welcome. " * 50 + "</body></html>", content_type="text/html"
    )
    report = run_scan(httpserver.url_for("/"), only=["access.ai-rules"])
    result = report.result("access.ai-rules")
    assert result.status == Status.WARN
    assert "wildcard-blocked-allowlist" in codes(result)


def test_challenge_page_over_http(httpserver, run_scan) -> None:
    httpserver.no_handler_status_code = 404
    httpserver.expect_request("/").respond_with_data(
        "<html><body>" + "Welcome. " * 200 + "</body></html>", content_type="text/html"
    )
    httpserver.expect_request("/docs/").respond_with_data(CF_PAGE, status=403, content_type="text/html")
    report = run_scan(httpserver.url_for("/"), only=["access.no-challenge"])
    result = report.result("access.no-challenge")
    assert result.status == Status.FAIL
    assert any(f.code == "bot-challenge" and "/docs/" in f.message for f in result.findings)
    assert result.findings[0].evidence  # points at the exchange that carried the challenge
