"""A WWW-Authenticate parser (RFC 9110 §11.6.1, RFC 6750 §3).

The grammar, from RFC 9110 §11.6.1 / §11.3::

    WWW-Authenticate = #challenge
    challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
    auth-param  = token BWS "=" BWS ( token / quoted-string )
    token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="

The hard part is that commas separate both challenges and the auth-params of one challenge, so a comma
followed by ``token =`` continues the current challenge while a comma followed by ``token`` and then
anything else starts a new one. A response may also carry several WWW-Authenticate fields; they are one
list (RFC 9110 §5.3). Scheme and parameter names are case-insensitive: they come back lower-cased.

Real servers are sloppy (a trailing comma, a stray space before ``=``, an unterminated quoted string);
the parser keeps what it can and never raises.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from agent_ready.artifacts.oauth import Challenge

_TCHAR = set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_TOKEN68 = set("-._~+/0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


class _Reader:
    def __init__(self, text: str):
        self.s = text
        self.i = 0

    def eof(self) -> bool:
        return self.i >= len(self.s)

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def skip_ws(self) -> None:
        while self.i < len(self.s) and self.s[self.i] in " \t":
            self.i += 1

    def skip_commas(self) -> None:
        while self.i < len(self.s) and self.s[self.i] in " \t,":
            self.i += 1

    def token(self) -> str:
        start = self.i
        while self.i < len(self.s) and self.s[self.i] in _TCHAR:
            self.i += 1
        return self.s[start : self.i]

    def quoted(self) -> str:
        """A quoted-string starting at the current '"'; backslash escapes any octet (RFC 9110 §5.6.4)."""
        assert self.s[self.i] == '"'
        self.i += 1
        out: list[str] = []
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch == "\\" and self.i + 1 < len(self.s):
                out.append(self.s[self.i + 1])
                self.i += 2
                continue
            self.i += 1
            if ch == '"':
                return "".join(out)
            out.append(ch)
        return "".join(out)  # unterminated: keep what was there

    def lookahead_is_param(self) -> bool:
        """Does an auth-param (``token BWS "=" BWS value``) start here? ``abc=`` or ``abc==`` followed by
        the end or a comma is a token68 with padding instead."""
        j = self.i
        while j < len(self.s) and self.s[j] in " \t":
            j += 1
        start = j
        while j < len(self.s) and self.s[j] in _TCHAR:
            j += 1
        if j == start:
            return False
        while j < len(self.s) and self.s[j] in " \t":
            j += 1
        if j >= len(self.s) or self.s[j] != "=":
            return False
        j += 1
        if j < len(self.s) and self.s[j] == "=":
            return False
        while j < len(self.s) and self.s[j] in " \t":
            j += 1
        return j < len(self.s) and self.s[j] != ","


def _parse_params(r: _Reader, challenge: Challenge) -> None:
    """Read ``#auth-param`` into ``challenge`` until the next challenge starts."""
    while True:
        r.skip_ws()
        if r.eof():
            return
        if r.peek() == ",":
            save = r.i
            r.skip_commas()
            if r.eof():
                return
            if not r.lookahead_is_param():
                r.i = save
                return
        if not r.lookahead_is_param():
            return
        r.skip_ws()
        name = r.token().lower()
        r.skip_ws()
        r.i += 1  # "="
        r.skip_ws()
        if r.peek() == '"':
            value = r.quoted()
        else:
            start = r.i
            while not r.eof() and r.peek() not in ", \t":
                r.i += 1
            value = r.s[start : r.i]
        # RFC 9110: each parameter name MUST only occur once per challenge; keep the first.
        challenge.params.setdefault(name, value)


def parse_challenges(value: str) -> list[Challenge]:
    """Every challenge in one WWW-Authenticate field value, in order."""
    r = _Reader(value or "")
    out: list[Challenge] = []
    while True:
        r.skip_commas()
        if r.eof():
            return out
        scheme = r.token()
        if not scheme:
            # Garbage where a scheme should be: skip to the next comma and try again.
            while not r.eof() and r.peek() != ",":
                r.i += 1
            continue
        challenge = Challenge(scheme=scheme.lower())
        out.append(challenge)
        if r.eof() or r.peek() == ",":
            continue
        if r.peek() not in " \t":
            # e.g. 'Bearer"x"': not a well-formed challenge; skip its remainder.
            while not r.eof() and r.peek() != ",":
                r.i += 1
            continue
        r.skip_ws()
        if r.eof() or r.peek() == ",":
            continue
        if r.lookahead_is_param():
            _parse_params(r, challenge)
            continue
        start = r.i
        while not r.eof() and r.peek() in _TOKEN68:
            r.i += 1
        while not r.eof() and r.peek() == "=":
            r.i += 1
        token68 = r.s[start : r.i]
        r.skip_ws()
        if token68 and (r.eof() or r.peek() == ","):
            out[-1] = replace(challenge, token68=token68)
        else:
            while not r.eof() and r.peek() != ",":
                r.i += 1


def parse_headers(values: Iterable[str]) -> list[Challenge]:
    """All challenges across several WWW-Authenticate fields (one list, RFC 9110 §5.3)."""
    out: list[Challenge] = []
    for value in values:
        out.extend(parse_challenges(value))
    return out


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_challenge(challenge: Challenge) -> str:
    """Serialise a challenge (parameters always quoted); parse_challenges(format_challenge(c)) == [c]."""
    if challenge.token68 is not None:
        return f"{challenge.scheme} {challenge.token68}"
    if not challenge.params:
        return challenge.scheme
    return challenge.scheme + " " + ", ".join(f"{k}={_quote(v)}" for k, v in challenge.params.items())


def bearer(challenges: Iterable[Challenge]) -> Challenge | None:
    return next((c for c in challenges if c.scheme == "bearer"), None)
