"""Spec links and wording the auth-md checks share."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from agent_ready.models import Finding

if TYPE_CHECKING:
    pass


SPEC_AUTH_MD = "https://github.com/workos/auth.md"
SPEC_AUTHKIT = "https://workos.com/docs/authkit/agent-registration"
RFC8414 = "https://www.rfc-editor.org/rfc/rfc8414"
RFC9728 = "https://www.rfc-editor.org/rfc/rfc9728"
RFC7523 = "https://www.rfc-editor.org/rfc/rfc7523"

STEP_WORDS = {
    "discover": "discover",
    "register": "register",
    "claim": "claim",
    "use": "use the credential",
    "errors": "errors",
    "revoke": "revocation",
}


# What each concern means for an agent, in a phrase the summary can list.
GAP_PHRASES = {
    "authmd-no-h1": "it has no H1",
    "authmd-h1-name": "its H1 does not name auth.md",
    "authmd-missing-steps": "it skips steps of the recipe",
    "authmd-no-scopes": "it lists no scopes",
    "authmd-no-endpoints": "it names no endpoint",
    "authmd-no-register-endpoint": "its register step names no endpoint",
    "authmd-dead-endpoints": "endpoints it names answer 404",
    "agent-auth-no-metadata": "no agent_auth block points to it",
    "agent-auth-no-identity-types": "it lists no identity types",
    "agent-auth-no-skill": "it has no skill URL",
    "agent-auth-skill-dead": "its skill URL does not answer",
    "agent-auth-dead-endpoints": "endpoints it names answer 404",
    "agent-auth-relative-url": "it names relative URLs",
    "agent-auth-no-jwt-bearer": "the jwt-bearer grant is not advertised",
    "agent-auth-no-token-endpoint": "there is no token endpoint",
    "agent-auth-file-missing": "/auth.md itself is not readable",
    "agent-auth-no-prm": "no protected-resource metadata was found",
    "prm-issuer-slash": "the protected-resource metadata names the issuer with a different trailing slash",
    "prm-issuer-missing": "the protected-resource metadata does not list its issuer",
    "prm-no-scopes": "the protected-resource metadata lists no scopes",
    "prm-no-header-bearer": "the credential cannot go in the Authorization header",
    "metadata-file-disagree": "auth.md and agent_auth name different registration endpoints",
    "metadata-file-dialect": "auth.md documents another dialect's members",
}


def gaps(findings: list[Finding | None]) -> str:
    phrases = [GAP_PHRASES.get(f.code, f.message) for f in findings if f is not None and f.level == "warn"]
    phrases = list(dict.fromkeys(phrases)) or ["parts of it fall short"]
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]


def url_path(url: str) -> str:
    return urlsplit(url).path.rstrip("/") or "/"
