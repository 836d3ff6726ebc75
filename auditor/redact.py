"""Keep credentials out of everything a scan records or prints.

Two layers: names that are always sensitive (headers, JSON keys, form fields), and the exact values of
secrets a scan obtained in active mode, registered as they arrive and scrubbed wherever they reappear.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

MASK = "[redacted]"

SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
        "x-auth-token",
        "x-access-token",
        "dpop",
    }
)

# JSON keys / form fields whose values are credentials in OAuth, auth.md and vendor temporary-account APIs.
_SENSITIVE_KEY = (
    r"(?:access_token|refresh_token|id_token|token|apiToken|api_token|api_key|apiKey|key|secret|client_secret|"
    r"password|credential|assertion|identity_assertion|claim_token|claimToken|device_code|code_verifier|"
    r"registration_access_token|connection_string|connectionString|private_key|challengeToken)"
)
_JSON_PAIR = re.compile(r'("' + _SENSITIVE_KEY + r'"\s*:\s*")((?:[^"\\]|\\.)*)(")', re.IGNORECASE)
_FORM_PAIR = re.compile(r"(?<![\w-])(" + _SENSITIVE_KEY + r"=)([^&\s]+)", re.IGNORECASE)
# A token68 after "Bearer", but not an auth-param such as `Bearer resource_metadata="..."`.
_BEARER = re.compile(r"(\bBearer\s+)([A-Za-z0-9\-._~+/]+=*)(?![\w\"=.~+/-])")
_URL_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.-]*://)([^/@\s]+@)", re.IGNORECASE)


class Redactor:
    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._sensitive_headers: set[str] = set(SENSITIVE_HEADERS)

    def add_header_secret(self, name: str, value: str) -> None:
        """A header the user supplied (``--header``): its name is always masked in recorded headers, and its
        value, and the credential inside it (``Bearer <token>``), scrubbed wherever they reappear."""
        self._sensitive_headers.add(name.lower())
        # A value too short to be a credential ("X-Debug: 1") is not scrubbed from every text: that would
        # mangle scores and counts; its header is still masked by name.
        for part in (value, value.strip(), *value.split()):
            if len(part) >= 8 or (part == value.strip() and len(part) >= 6):
                self._secrets.add(part)

    def add_secret(self, value: object) -> None:
        """Register a value obtained during the scan; it is scrubbed from every output from now on."""
        if isinstance(value, str) and len(value) >= 6:
            self._secrets.add(value)

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset(self._secrets)

    def text(self, value: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in value:
                value = value.replace(secret, MASK)
        value = _JSON_PAIR.sub(lambda m: m.group(1) + MASK + m.group(3), value)
        value = _FORM_PAIR.sub(lambda m: m.group(1) + MASK, value)
        value = _BEARER.sub(lambda m: m.group(1) + MASK, value)
        return _URL_USERINFO.sub(lambda m: m.group(1) + MASK + "@", value)

    def headers(self, headers: Mapping[str, str] | list[tuple[str, str]]) -> dict[str, str]:
        items = headers.items() if isinstance(headers, Mapping) else headers
        out: dict[str, str] = {}
        for name, value in items:
            key = name.lower()
            clean = MASK if key in self._sensitive_headers else self.text(value)
            out[key] = f"{out[key]}, {clean}" if key in out else clean
        return out

    def url(self, url: str) -> str:
        return self.text(url)
