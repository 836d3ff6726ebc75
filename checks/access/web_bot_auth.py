"""access.web-bot-auth: the Web Bot Auth key directory."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from agent_ready.artifacts.access import BOT_AUTH_DIRECTORY, BOT_AUTH_MEDIA_TYPE, BotAuthDirectory
from agent_ready.artifacts.documents import DocState
from agent_ready.artifacts.http import Response
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    concern,
    errored,
    failed,
    good,
    info,
    not_applicable,
    not_judged,
    problem,
    verdict,
)
from agent_ready.models import Finding, Level, Outcome

# --- access.web-bot-auth ----------------------------------------------------------------------------------

OKP_KEY_BYTES = {"Ed25519": 32, "Ed448": 57}
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k")
DIRECTORY_TAG = "http-message-signatures-directory"


def _b64url_len(value: Any) -> int | None:
    if not isinstance(value, str) or not value or "=" in value:
        return None
    try:
        return len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, ValueError):
        return None


def jwk_problems(key: Any) -> list[str]:
    """What makes this JWK unusable as a Web Bot Auth verification key (empty when it is fine)."""
    if not isinstance(key, dict):
        return ["not a JSON object"]
    kty = key.get("kty")
    if not isinstance(kty, str):
        return ["no `kty`"]
    if kty == "OKP":
        crv = key.get("crv")
        if crv not in OKP_KEY_BYTES:
            return [f"`crv` {crv!r} is not Ed25519"]
        size = _b64url_len(key.get("x"))
        if size != OKP_KEY_BYTES[crv]:
            return [
                f"`x` is not base64url of {OKP_KEY_BYTES[crv]} bytes" + (f" ({size} bytes)" if size else "")
            ]
        return []
    if kty == "EC":
        return [f"no `{m}`" for m in ("crv", "x", "y") if not key.get(m)]
    if kty == "RSA":
        return [f"no `{m}`" for m in ("n", "e") if not key.get(m)]
    return [f"unsupported `kty` {kty!r}"]


def jwk_thumbprint(key: dict[str, Any]) -> str | None:
    """RFC 7638 SHA-256 thumbprint (base64url), which Web Bot Auth uses as `keyid`."""
    required = {"OKP": ("crv", "kty", "x"), "EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n")}.get(
        key.get("kty", "")
    )
    if required is None or any(not isinstance(key.get(m), str) for m in required):
        return None
    import hashlib  # loaded when a key is judged, not when the check is listed

    canonical = json.dumps({m: key[m] for m in required}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def signature_tags(resp: Response) -> list[tuple[str, dict[str, Any]]]:
    """(label, parameters) of each signature declared in `Signature-Input` (RFC 9421)."""
    import http_sfv  # loaded when a signature is read, not when the check is listed

    out: list[tuple[str, dict[str, Any]]] = []
    for raw in resp.header_values("signature-input"):
        try:
            dictionary = http_sfv.Dictionary()
            dictionary.parse(raw.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            continue
        out.extend((label, dict(member.params)) for label, member in dictionary.items())
    return out


def _keys(directory: BotAuthDirectory) -> list[Any] | Outcome:
    """The directory's keys, or the outcome when it is unreachable, absent, invalid or empty."""
    doc = directory.doc
    resp = doc.response
    if doc.state == DocState.UNREACHABLE:
        return errored(f"the key directory could not be fetched: {doc.problem}")
    status = resp.status if resp is not None else None
    if doc.state == DocState.ERROR_STATUS and status is not None and status >= 500:
        return errored(
            f"the key directory answered HTTP {status}, so whether it exists is unknown",
            info("directory-server-error", f"HTTP {status}", doc.evidence),
        )
    if doc.state in (DocState.ABSENT, DocState.SOFT_404, DocState.ERROR_STATUS):
        return not_applicable(
            "no Web Bot Auth key directory: it matters only when the service itself sends signed bot traffic",
            info("directory-absent", doc.describe(), doc.evidence),
        )
    if doc.state == DocState.INVALID or not isinstance(doc.data, dict):
        return failed(
            "the key directory is not a JSON key set",
            problem(
                "directory-invalid",
                doc.problem or "not a JSON object",
                doc.evidence,
                fix='Serve a JWKS: {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "..."}]}.',
            ),
        )
    keys = doc.data.get("keys")
    if not isinstance(keys, list) or not keys:
        return failed(
            "the key directory lists no keys",
            problem(
                "directory-no-keys",
                "`keys` is missing or empty",
                doc.evidence,
                fix="List at least one public key under `keys`.",
            ),
        )
    return keys


def _key_findings(keys: list[Any], ev: object) -> tuple[list[Finding], list[dict[str, Any]]]:
    """Each key is a public JWK (RFC 8037) with no private members; returns the findings and valid keys."""
    findings: list[Finding] = []
    valid: list[dict[str, Any]] = []
    for i, key in enumerate(keys):
        label = f"key {i + 1}" + (f" ({key.get('kid')})" if isinstance(key, dict) and key.get("kid") else "")
        if isinstance(key, dict) and any(m in key for m in PRIVATE_MEMBERS):
            findings.append(
                problem(
                    "private-key-published",
                    f"{label} includes private key material "
                    f"({', '.join(m for m in PRIVATE_MEMBERS if m in key)})",
                    ev,
                    fix="Remove private members and rotate the key now: it is compromised.",
                )
            )
            continue
        issues = jwk_problems(key)
        if issues:
            findings.append(
                concern(
                    "key-invalid",
                    f"{label}: {'; '.join(issues)}",
                    ev,
                    fix="Publish Ed25519 keys as OKP JWKs (RFC 8037).",
                )
            )
        else:
            valid.append(key)
            kind = f"{key['kty']}/{key.get('crv', '')}".rstrip("/")
            findings.append(good("key-valid", f"{label}: {kind} public key", ev))
    if not valid and not any(f.level == Level.FAIL for f in findings):
        findings.append(
            problem(
                "directory-no-valid-key",
                "no key in the directory is usable",
                ev,
                fix="Publish at least one valid Ed25519 public key.",
            )
        )
    return findings, valid


def _signature_finding(
    directory_sigs: list[dict[str, Any]], valid: list[dict[str, Any]], ev: object
) -> Finding:
    """The directory response SHOULD be signed with the directory tag (noted; not verified)."""
    if not directory_sigs:
        return info(
            "directory-unsigned",
            f"the response carries no Signature-Input with tag={DIRECTORY_TAG} "
            "(the draft says it SHOULD be signed)",
            ev,
        )
    thumbprints = {jwk_thumbprint(k) for k in valid}
    known = " by a key it lists" if directory_sigs[0].get("keyid") in thumbprints else ""
    return info(
        "directory-signed",
        f"the response is signed{known} (tag={DIRECTORY_TAG}); the "
        "signature itself is not verified by this tool",
        ev,
    )


@check(
    id="access.web-bot-auth",
    title="Web Bot Auth key directory publishes valid keys",
    failure_title="Web Bot Auth key directory is invalid",
    category="access",
    weight=1,
    remediation="If your service sends signed requests (Web Bot Auth), publish your Ed25519 public "
    "keys as a JWKS at /.well-known/http-message-signatures-directory with Content-Type "
    "application/http-message-signatures-directory+json, public members only, and sign the response "
    '(`Signature-Input` with tag="http-message-signatures-directory").',
    spec_links=(
        "https://datatracker.ietf.org/doc/draft-meunier-http-message-signatures-directory/",
        "https://datatracker.ietf.org/doc/draft-meunier-web-bot-auth-architecture/",
        "https://www.rfc-editor.org/rfc/rfc8037",
        "https://www.rfc-editor.org/rfc/rfc9421",
    ),
    requires=(BOT_AUTH_DIRECTORY,),
    description="Fetches the key directory with its media type in Accept; validates each JWK "
    "(Ed25519 `x` is 32 bytes of base64url, no private members) and reports whether the response "
    "is signed. Absent means not applicable: the directory matters only for services that send bot traffic.",
    clauses=(
        clause(
            "draft-meunier-http-message-signatures-directory",
            "MUST",
            "a JWKS with keys at /.well-known/http-message-signatures-directory",
            "absent is not applicable; not JSON or no keys fails",
        ),
        clause(
            "draft-meunier-http-message-signatures-directory",
            "MUST",
            "its own media type",
            "another type warns",
        ),
        clause(
            "RFC 8037 §2, RFC 7517 §4",
            "MUST",
            "Ed25519 keys are OKP with crv and a 32-byte x, no private member",
            "a private key fails; no usable key fails",
        ),
        not_judged(
            "draft-meunier-http-message-signatures-directory",
            "SHOULD",
            "the response is signed (Signature-Input tag)",
            "reported: the scan does not verify signatures",
        ),
    ),
)
def web_bot_auth(a: Artifacts) -> Outcome:
    directory: BotAuthDirectory = a[BOT_AUTH_DIRECTORY]
    doc = directory.doc
    resp = doc.response
    keys = _keys(directory)
    if isinstance(keys, Outcome):
        return keys
    findings, valid = _key_findings(keys, doc.evidence)
    if resp is not None and resp.media_type != BOT_AUTH_MEDIA_TYPE:
        findings.append(
            concern(
                "directory-content-type",
                f"served as {resp.media_type or 'no content type'}, not {BOT_AUTH_MEDIA_TYPE}",
                doc.evidence,
                fix=f"Serve it as {BOT_AUTH_MEDIA_TYPE}.",
            )
        )
    tags = signature_tags(resp) if resp is not None else []
    directory_sigs = [params for _, params in tags if params.get("tag") == DIRECTORY_TAG]
    findings.append(_signature_finding(directory_sigs, valid, doc.evidence))
    return verdict(
        findings,
        pass_summary=f"the key directory lists {len(valid)} valid public key(s)",
        warn_summary="the key directory has usable keys, with problems",
        fail_summary="the key directory is unusable or unsafe",
        details={"valid_keys": len(valid), "keys": len(keys), "signed": bool(directory_sigs)},
    )
