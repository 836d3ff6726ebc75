"""Hostile and broken targets: whatever a target answers, the scan ends with a valid report, no check crashes,
and the scan stays within a measured bound of time, memory and requests.

A check that raised shows up as `error` with "the check raised", which would be a bug to fix. Every case
runs inside :func:`~tests.integration.measure.measured`; the table in docs/security.md is regenerated from
those measurements by ``python bench/security_table.py``.
"""

from __future__ import annotations

import json
import re
import time
import zlib
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import brotli
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from agent_ready.engine import ScanReport
from agent_ready.fetch import FetchLimits
from agent_ready.models import Status
from tests.integration.certs import Authority, self_signed
from tests.integration.measure import Bound, measured
from tests.integration.rawserver import HOME, NOT_FOUND, Piece, RawServer, drip, endless_chunks, http_response

MiB = 1 << 20


def _everything(server: HTTPServer, handler: Callable[[Request], Response]) -> None:
    server.expect_request(re.compile(".*")).respond_with_handler(handler)


# A probe that raised one of these on target data is a bug in the probe, whatever the target sent.
_PYTHON_BUGS = re.compile(
    r"\b(TypeError|AttributeError|KeyError|ValueError|IndexError|AssertionError|RecursionError|"
    r"Unicode\w*Error|OverflowError|MemoryError|ZeroDivisionError|LookupError|error):"
)


def assert_sane(report: ScanReport) -> None:
    crashed = {r.id: r.summary for r in report.results if "the check raised" in r.summary}
    assert not crashed
    probe_bugs = {
        r.id: r.summary for r in report.results if r.status == Status.ERROR and _PYTHON_BUGS.search(r.summary)
    }
    assert not probe_bugs
    assert not any(
        ex.url.startswith("http://169.254.169.254") and ex.status is not None for ex in report.exchanges
    )


# --- targets served by a normal HTTP framework ------------------------------------------------------------

HUGE_JSON = json.dumps({"k": "v" * 3_000_000})

HOSTILE: dict[str, Callable[[Request], Response]] = {
    "all-500-html": lambda r: Response("<html><body>oops</body></html>", 500, content_type="text/html"),
    "all-empty-200": lambda r: Response("", 200),
    "all-json-null": lambda r: Response("null", 200, content_type="application/json"),
    "all-json-array": lambda r: Response("[1, 2, 3]", 200, content_type="application/json"),
    "all-binary": lambda r: Response(bytes(range(256)) * 64, 200, content_type="application/octet-stream"),
    "lying-content-types": lambda r: Response("{not json", 200, content_type="application/json"),
    "markdown-everywhere": lambda r: Response(
        "# auth.md\n\n## Register\n\nPOST /nowhere\n", 200, content_type="text/markdown"
    ),
    "redirect-loop-everywhere": lambda r: Response("", 302, headers={"Location": r.path}),
    "redirect-to-metadata": lambda r: Response(
        "", 302, headers={"Location": "http://169.254.169.254/latest/"}
    ),
    "401-garbage-challenge": lambda r: Response(
        "nope", 401, headers={"WWW-Authenticate": 'Bearer ,,=="" x="'}
    ),
    "429-everywhere": lambda r: Response("slow down", 429, headers={"Retry-After": "tomorrow"}),
    "huge-json": lambda r: Response(HUGE_JSON, 200, content_type="application/json"),
    "wrong-shaped-json": lambda r: Response(
        json.dumps(
            {
                "issuer": 5,
                "authorization_servers": "x",
                "resource": [],
                "linkset": {"a": 1},
                "openapi": 3,
                "paths": [],
                "skills": "none",
                "agent_auth": [1],
            }
        ),
        200,
        content_type="application/json",
    ),
}

HOSTILE_WHAT = {
    "all-500-html": "every path answers 500 with an HTML page",
    "all-empty-200": "every path answers 200 with an empty body",
    "all-json-null": "every path answers the JSON document `null`",
    "all-json-array": "every path answers a JSON array",
    "all-binary": "every path answers 16 KiB of binary",
    "lying-content-types": "JSON content type on a body that is not JSON",
    "markdown-everywhere": "every path answers a Markdown auth.md",
    "redirect-loop-everywhere": "every path redirects to itself",
    "redirect-to-metadata": "every path redirects to the cloud metadata address",
    "401-garbage-challenge": "401 with an unparseable WWW-Authenticate",
    "429-everywhere": "429 with a Retry-After that is not a date or a number",
    "huge-json": "a 3 MB JSON document on every path",
    "wrong-shaped-json": "well-known names with values of the wrong JSON type",
}

# Framework cases: a scan sends ~40 requests passive and ~110 with --active; the bounds leave room for
# more probes but catch a loop.
CASES: dict[str, Bound] = {}
for _kind, _what in HOSTILE_WHAT.items():
    # huge-json: ~2 MiB kept per response (the body cap) plus the in-process test server's own copies.
    CASES[_kind] = Bound(30, 40 if _kind != "huge-json" else 300, 150, _what)
    CASES[f"{_kind} --active"] = Bound(30, 40 if _kind != "huge-json" else 500, 300, _what + " (--active)")


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize("active", [False, True])
def test_hostile_target_yields_a_valid_report(
    httpserver: HTTPServer, run_scan: Callable[..., ScanReport], kind: str, active: bool
) -> None:
    _everything(httpserver, HOSTILE[kind])
    case = kind + (" --active" if active else "")
    with measured(case, CASES[case]) as m:
        report = run_scan(httpserver.url_for("/"), active=active, deadline=30)
        m.requests = len(report.exchanges)
    assert_sane(report)


CASES["slow-answers"] = Bound(8, 40, 100, "every path but / answers after 2.5 s; scan deadline 2 s")


def test_slow_target_is_bounded_by_the_deadline(
    httpserver: HTTPServer, run_scan: Callable[..., ScanReport]
) -> None:
    def slow(r: Request) -> Response:
        time.sleep(0.4 if r.path == "/" else 2.5)
        return Response("late", 200)

    _everything(httpserver, slow)
    with measured("slow-answers", CASES["slow-answers"]) as m:
        report = run_scan(httpserver.url_for("/"), deadline=2)
        m.requests = len(report.exchanges)
    assert any(r.status == Status.ERROR for r in report.results)


# --- targets only a raw socket produces ---------------------------------------------------------------

JSON = "application/json"


@cache
def million_keys() -> bytes:
    body = ("{" + ",".join(f'"{i:x}":0' for i in range(1_000_000)) + "}").encode()
    return http_response(200, body, content_type=JSON)


@cache
def big_header() -> bytes:
    return b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * (10 * MiB) + b"\r\nContent-Length: 0\r\n\r\n"


@cache
def gzip_bomb() -> bytes:
    """256 MiB of zeros gzipped to ~250 KiB."""
    c = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * MiB
    return b"".join(c.compress(block) for _ in range(256)) + c.flush()


@cache
def brotli_bomb() -> bytes:
    """1 GiB of zeros in a few hundred bytes of brotli."""
    c = brotli.Compressor(quality=4)
    block = b"\0" * MiB
    return b"".join(c.process(block) for _ in range(1024)) + c.finish()


def _home_or(answer: Callable[[str], bytes | Iterator[Piece]]) -> Callable[[str], bytes | Iterator[Piece]]:
    """The home page answers normally so the scan goes past its preflight; every other path is hostile."""
    return lambda path: HOME if path == "/" else answer(path)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol9;</loc></url></urlset>"""

# Cloud metadata addresses as a hostile document spells them in URLs it wants the scanner to follow.
METADATA_SPELLINGS = (
    "2852039166",  # decimal
    "0251.0376.0251.0376",  # octal
    "0xa9.0xfe.0xa9.0xfe",  # hex per octet
    "0xA9FEA9FE",  # one hex number
    "169.254.43518",  # a.b.c with a 16-bit tail
    "[::ffff:169.254.169.254]",  # IPv4-mapped IPv6
    "[::ffff:a9fe:a9fe]",
    "[64:ff9b::a9fe:a9fe]",  # NAT64
    "[2002:a9fe:a9fe::]",  # 6to4
    "[fd00:ec2::254]",  # AWS IMDS over IPv6
    "0x64.0x64.0x64.0xc8",  # Alibaba's 100.100.100.200
)


def _metadata_maze(path: str) -> bytes:
    urls = [f"http://{h}/latest/meta-data/" for h in METADATA_SPELLINGS]
    if path == "/robots.txt":
        body = "User-agent: *\nAllow: /\n" + "".join(f"Sitemap: {u}\n" for u in urls)
        return http_response(200, body.encode(), content_type="text/plain")
    if path.startswith("/.well-known/"):
        doc = {
            "resource": urls[0],
            "authorization_servers": urls,
            "issuer": urls[1],
            "token_endpoint": urls[2],
            "registration_endpoint": urls[3],
            "jwks_uri": urls[4],
            "device_authorization_endpoint": urls[5],
            "linkset": [{"anchor": urls[6], "service-desc": [{"href": urls[7]}]}],
        }
        return http_response(200, json.dumps(doc).encode(), content_type=JSON)
    links = ", ".join(
        f'<{u}>; rel="{rel}"'
        for u, rel in zip(urls, ("api-catalog", "service-desc", "describedby"), strict=False)
    )
    index = sum(map(ord, path)) % len(urls)
    return http_response(302, b"", headers=[("Location", urls[index]), ("Link", links)])


def _bad_text(path: str) -> bytes:
    """Invalid UTF-8, charsets that lie or do not exist, non-ASCII bytes in header values."""
    body = b'{"name": "caf\xc3\xa9 caf\xe9 \xff\xfe \xed\xa0\x80 \xf0\x28\x8c\x28", "issuer": "\xc0\xaf"}'
    charset = ("utf-8", "utf-16", "x-no-such-charset", "base64", "shift_jis", "utf-7")[
        sum(map(ord, path)) % 6
    ]
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset={charset}\r\nConnection: close\r\n"
        f"Content-Length: {len(body)}\r\n"
    ).encode()
    head += (
        b'Link: </caf\xe9\xff>; rel="service-desc\xfe"\r\nWWW-Authenticate: Bearer realm="\xff\xfe"\r\n\r\n'
    )
    return head + body


RAW_CASES: dict[str, tuple[Callable[[str], bytes | Iterator[Piece]], Bound, dict[str, object]]] = {
    "slowloris-drip": (
        _home_or(lambda p: drip(http_response(200, b"x" * 200), every=1.0)),
        Bound(
            14, 40, 100, "every path but / drips its answer a byte a second; request limit 3 s, deadline 8 s"
        ),
        {"deadline": 8, "limits": FetchLimits(request_timeout=3.0, read_timeout=2.0)},
    ),
    "endless-chunked-body": (
        _home_or(
            lambda p: endless_chunks(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                b"[" * 16384,
            )
        ),
        Bound(30, 200, 150, "every path sends a chunked body that never ends"),
        {"deadline": 30},
    ),
    "gzip-bomb": (
        _home_or(
            lambda p: http_response(
                200, gzip_bomb(), content_type=JSON, headers=[("Content-Encoding", "gzip")]
            )
        ),
        Bound(30, 200, 150, "every path sends 256 MiB of zeros as ~250 KiB of gzip"),
        {"deadline": 30},
    ),
    "brotli-bomb": (
        _home_or(
            lambda p: http_response(
                200, brotli_bomb(), content_type=JSON, headers=[("Content-Encoding", "br")]
            )
        ),
        Bound(30, 200, 150, "every path sends 1 GiB of zeros as a few hundred bytes of brotli"),
        {"deadline": 30},
    ),
    "gzip-sitemap-file": (
        _home_or(lambda p: http_response(200, gzip_bomb(), content_type="application/gzip")),
        Bound(30, 200, 150, "every path (sitemap.xml.gz too) is a gzip file inflating to 256 MiB"),
        {"deadline": 30},
    ),
    "header-line-10mb": (
        _home_or(lambda p: big_header()),
        Bound(30, 60, 150, "every path sends a 10 MB header line"),
        {"deadline": 30},
    ),
    "json-nested-100k": (
        _home_or(lambda p: http_response(200, b"[" * 100_000 + b"]" * 100_000, content_type=JSON)),
        Bound(30, 60, 150, "every path answers JSON arrays nested 100,000 deep"),
        {"deadline": 30},
    ),
    "json-million-keys": (
        _home_or(lambda p: million_keys()),
        Bound(30, 200, 150, "every path answers a JSON object with a million keys (~10 MB)"),
        {"deadline": 30},
    ),
    "sitemap-entity-expansion": (
        lambda p: (
            HOME
            if p == "/"
            else http_response(200, BILLION_LAUGHS, content_type="application/xml")
            if "sitemap" in p
            else NOT_FOUND
        ),
        Bound(15, 40, 100, "the sitemap is a billion-laughs XML entity expansion"),
        {"deadline": 30},
    ),
    "invalid-utf8-mixed-charsets": (
        _home_or(_bad_text),
        Bound(15, 40, 150, "invalid UTF-8, lying or unknown charsets, non-ASCII bytes in headers"),
        {"deadline": 30},
    ),
    "closed-mid-body": (
        _home_or(lambda p: http_response(200, b'{"issuer": "x', content_type=JSON, length=100_000)),
        Bound(15, 40, 150, "every path promises 100,000 bytes, sends 13 and hangs up"),
        {"deadline": 30},
    ),
    "metadata-address-spellings": (
        _home_or(_metadata_maze),
        Bound(
            15,
            40,
            300,
            "documents, links and redirects point at decimal, octal, hex and IPv6 metadata addresses",
        ),
        {"deadline": 30},
    ),
}
for _name, (_, _bound, _) in RAW_CASES.items():
    CASES[_name] = _bound


@pytest.mark.parametrize("kind", sorted(RAW_CASES))
def test_raw_hostile_target(run_scan: Callable[..., ScanReport], kind: str) -> None:
    behaviour, bound, settings = RAW_CASES[kind]
    behaviour("/warm-up")  # builds and caches the payload, so the measurement is the scanner's alone
    with RawServer(behaviour) as server, measured(kind, bound) as m:
        report = run_scan(server.url_for("/"), **settings)
        m.requests = len(report.exchanges)
    assert report.runtime_error is None, report.runtime_error
    assert_sane(report)
    assert server.requests <= bound.requests


def test_bombs_are_cut_at_the_body_limit(run_scan: Callable[..., ScanReport]) -> None:
    """The decoded body stops at max_body_bytes and is marked truncated, whatever the ratio."""
    behaviour, _, _ = RAW_CASES["brotli-bomb"]
    with RawServer(behaviour) as server:
        report = run_scan(server.url_for("/"), only=["discovery"])
    bombed = [ex for ex in report.exchanges if ex.status == 200 and ex.url != server.url_for("/")]
    assert bombed and all(ex.truncated and ex.size == FetchLimits().max_body_bytes for ex in bombed)


def test_closed_mid_body_is_a_protocol_error(run_scan: Callable[..., ScanReport]) -> None:
    behaviour, _, _ = RAW_CASES["closed-mid-body"]
    with RawServer(behaviour) as server:
        report = run_scan(server.url_for("/"), only=["discovery"])
    broken = [ex for ex in report.exchanges if ex.url != server.url_for("/")]
    assert broken and all(ex.error_kind == "protocol" for ex in broken)


def test_slowloris_requests_end_at_the_request_limit(run_scan: Callable[..., ScanReport]) -> None:
    behaviour, _, _ = RAW_CASES["slowloris-drip"]
    with RawServer(behaviour) as server:
        report = run_scan(
            server.url_for("/"), only=["discovery"], deadline=6, limits=FetchLimits(request_timeout=1.5)
        )
    dripped = [ex for ex in report.exchanges if ex.url != server.url_for("/")]
    # Each dripped request ends at the 1.5 s limit (a timeout), or is cut by the 6 s scan deadline.
    assert dripped and all(ex.error_kind in ("timeout", "deadline") for ex in dripped)
    assert any(ex.error_kind == "timeout" for ex in dripped)


def test_metadata_spellings_are_never_connected(run_scan: Callable[..., ScanReport]) -> None:
    behaviour, _, _ = RAW_CASES["metadata-address-spellings"]
    with RawServer(behaviour) as server:
        report = run_scan(server.url_for("/"), active=True)
    hosts = {h.strip("[]").lower() for h in METADATA_SPELLINGS}
    aimed = [ex for ex in report.exchanges if (_host(ex.url) or "") in hosts]
    assert len({_host(ex.url) for ex in aimed}) >= 5  # the maze was followed far enough to matter
    # Refused by the address policy before any socket was opened: no connect error, no timeout, no answer.
    assert all(ex.error_kind == "blocked-address" for ex in aimed), {ex.url: ex.error_kind for ex in aimed}


def _host(url: str) -> str | None:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname


# --- TLS ------------------------------------------------------------------------------------------------

# Every probe starts beside the target URL (at t0), so a refused handshake is met by the first wave, at most
# the per-origin bound (6); later requests share that failure instead of connecting again.
CASES["tls-self-signed"] = Bound(10, 40, 6, "self-signed certificate, no CA bundle: unreachable, exit 3")
CASES["tls-self-signed-with-ca-bundle"] = Bound(30, 40, 150, "self-signed certificate given as --ca-bundle")
CASES["tls-expired"] = Bound(10, 40, 6, "certificate expired ten days ago (issuer trusted)")
CASES["tls-wrong-host"] = Bound(10, 40, 6, "certificate for another host name (issuer trusted)")


@pytest.mark.parametrize(
    "kind", ["tls-self-signed", "tls-self-signed-with-ca-bundle", "tls-expired", "tls-wrong-host"]
)
def test_tls_failures(run_scan: Callable[..., ScanReport], tmp_path: Path, kind: str) -> None:
    if kind.startswith("tls-self-signed"):
        issued = self_signed(tmp_path, "127.0.0.1")
        bundle = str(issued.cert_pem) if kind.endswith("ca-bundle") else None
    else:
        ca = Authority(tmp_path)
        issued = ca.issue(
            "leaf",
            ["other.test"] if kind == "tls-wrong-host" else ["127.0.0.1"],
            expired=kind == "tls-expired",
        )
        bundle = str(ca.bundle)
    server = RawServer(lambda p: HOME if p == "/" else NOT_FOUND, tls=issued.server_context())
    with server, measured(kind, CASES[kind]) as m:
        report = run_scan(server.url_for("/"), ca_bundle=bundle, deadline=30)
        m.requests = len(report.exchanges)
    assert_sane(report)
    if kind == "tls-self-signed-with-ca-bundle":
        assert report.runtime_error is None
        assert report.exchanges[0].status == 200
        return
    assert report.runtime_error is not None and "target unreachable" in report.runtime_error
    first = report.exchanges[0]
    assert first.error_kind == "tls", first.error
    expected = {"tls-self-signed": "self-signed", "tls-expired": "expired", "tls-wrong-host": "match"}[kind]
    assert expected in (first.error or "").lower()
