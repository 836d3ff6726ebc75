"""Bot access on the reference service: the Web Bot Auth key directory, and flaws that block agents.

The directory publishes RFC 8037's Ed25519 example public key (Appendix A.2) as a JWKS, with a
`Signature-Input` naming that key by its RFC 7638 thumbprint (RFC 8037 Appendix A.3). The reference service
holds no private key: the `Signature` value is a fixed sample, which is fine because the auditor reports
whether the directory is signed and never claims to verify the signature.

Flaws (``build_app("good", flaws={...})``):
- ``bot-auth-absent``: the directory answers 404.
- ``bot-auth-private-key``: the published JWK includes its private member ``d``.
- ``bot-auth-bad-key``: the key's ``x`` is not 32 bytes.
- ``bot-auth-unsigned``: no ``Signature-Input``/``Signature`` headers.
- ``bot-auth-wrong-type``: served as application/json.
- ``docs-challenge``: /docs/ answers a Cloudflare-style managed challenge (403, ``cf-mitigated: challenge``).
- ``robots-block-agents``: robots.txt disallows ChatGPT-User and Claude-User from /docs/ and /api/.

The two last flaws shadow routes of the discovery module: this module installs before it (modules install
in name order) and the first matching route wins.
"""

from __future__ import annotations

from agent_ready.reference.app import ReferenceApp, Reply, Request, json_reply, text

DIRECTORY_PATH = "/.well-known/http-message-signatures-directory"
MEDIA_TYPE = "application/http-message-signatures-directory+json"
# RFC 8037 Appendix A.2 (public part) and A.3 (its RFC 7638 thumbprint).
SAMPLE_PUBLIC_KEY = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
SAMPLE_PRIVATE_D = (
    "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"  # RFC 8037 A.1; only for the private-key flaw
)
SAMPLE_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
SAMPLE_SIGNATURE = "sig1=:" + "A" * 86 + "==:"  # 64 zero bytes: a placeholder, never a real signature

CHALLENGE_PAGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="390"></head><body><div class="main-wrapper" role="main">
<div class="main-content"><h1>Checking your browser before accessing the docs</h1>
<noscript>Enable JavaScript and cookies to continue</noscript></div></div>
<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8f00"></script></body></html>
"""

BLOCKING_ROBOTS = """User-agent: ChatGPT-User
User-agent: Claude-User
Disallow: /docs/
Disallow: /api/

User-agent: *
Allow: /
"""


def directory(app: ReferenceApp, req: Request) -> Reply:
    if app.has("bot-auth-absent"):
        return app.problem(404, "Not Found", f"No resource at {req.path}.", type_="not-found")
    key = dict(SAMPLE_PUBLIC_KEY)
    if app.has("bot-auth-private-key"):
        key["d"] = SAMPLE_PRIVATE_D
    if app.has("bot-auth-bad-key"):
        key["x"] = key["x"][:20]
    content_type = "application/json" if app.has("bot-auth-wrong-type") else MEDIA_TYPE
    reply = json_reply({"keys": [key]}, content_type=content_type)
    if not app.has("bot-auth-unsigned"):
        created = int(app.clock())
        reply.with_header(
            "Signature-Input",
            f'sig1=("@authority");created={created};expires={created + 3600};'
            f'keyid="{SAMPLE_THUMBPRINT}";alg="ed25519";tag="http-message-signatures-directory"',
        )
        reply.with_header("Signature", SAMPLE_SIGNATURE)
    return reply


def docs_challenge(app: ReferenceApp, req: Request) -> Reply:
    return text(CHALLENGE_PAGE, 403, "text/html; charset=UTF-8", headers=[("cf-mitigated", "challenge")])


def blocking_robots(app: ReferenceApp, req: Request) -> Reply:
    return text(BLOCKING_ROBOTS)


def install(app: ReferenceApp) -> None:
    app.add("GET", DIRECTORY_PATH, directory)
    if app.has("docs-challenge"):
        app.add("GET", "/docs/", docs_challenge)
    if app.has("robots-block-agents"):
        app.add("GET", "/robots.txt", blocking_robots)
