"""access.content-signals: Content Signals in robots.txt parse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent_ready.artifacts.documents import DocState
from agent_ready.artifacts.http import HOME, Response
from agent_ready.artifacts.robots import ROBOTS, RobotsTxt
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    concern,
    errored,
    failed,
    good,
    info,
    problem,
    verdict,
    warned,
)
from agent_ready.models import Finding, Outcome

# --- access.content-signals -------------------------------------------------------------------------------

SIGNAL_KEYS = ("search", "ai-input", "ai-train")
SIGNAL_VALUES = ("yes", "no")


@dataclass
class ParsedSignal:
    where: str  # "robots.txt (User-agent: *)" or "Content-Signal header"
    raw: str
    values: dict[str, str]
    unknown_keys: list[str]
    bad_values: list[str]
    error: str | None = None

    @property
    def valid(self) -> bool:
        return self.error is None and bool(self.values)


def parse_signal(raw: str, where: str) -> ParsedSignal:
    """Parse `search=yes, ai-input=yes, ai-train=no`, an RFC 9651 dictionary of tokens."""
    parsed = ParsedSignal(where=where, raw=raw, values={}, unknown_keys=[], bad_values=[])
    import http_sfv  # loaded when a header is read, not when the check is listed

    try:
        dictionary = http_sfv.Dictionary()
        dictionary.parse(raw.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        parsed.error = f"not a structured-field dictionary ({exc or 'syntax error'})"
        return parsed
    for key, member in dictionary.items():
        value = getattr(member, "value", None)
        if key not in SIGNAL_KEYS:
            parsed.unknown_keys.append(key)
        elif not isinstance(value, str) or str(value) not in SIGNAL_VALUES:
            parsed.bad_values.append(f"{key}={value!r}" if not isinstance(value, bool) else key)
        else:
            parsed.values[key] = str(value)
    if not parsed.values and not parsed.error:
        parsed.error = "no known key with a yes/no value"
    return parsed


@check(
    id="access.content-signals",
    title="Content Signals say how content may be used by AI",
    failure_title="no Content-Signal directive",
    category="access",
    weight=1,
    remediation="Add a Content-Signal line to the `User-agent: *` group of robots.txt, e.g. "
    "`Content-Signal: search=yes, ai-input=yes, ai-train=no` (keys search, ai-input, ai-train; values "
    "yes/no). Keep ai-input=yes on docs and API descriptions so agents may use them to act for their users.",
    spec_links=(
        "https://contentsignals.org/",
        "https://datatracker.ietf.org/doc/draft-romm-aipref-contentsignals/",
        "https://www.rfc-editor.org/rfc/rfc9651",
    ),
    requires=(ROBOTS, HOME),
    description="Reads Content-Signal directives from robots.txt (with the group they sit in) and a "
    "Content-Signal response header on the home page; values are parsed as RFC 9651 dictionaries.",
    clauses=(
        clause(
            "Content Signals (contentsignals.org)",
            "catalogue",
            "Content-Signal directives in robots.txt or a header",
            "present passes; absent fails",
        ),
        clause(
            "draft-romm-aipref-contentsignals",
            "MUST",
            "keys search, ai-input, ai-train with yes / no",
            "another value warns; unknown keys are noted (extension points)",
        ),
        clause("RFC 9651 §3.2", "MUST", "the value is a structured-field dictionary", "malformed warns"),
    ),
)
def content_signals(a: Artifacts) -> Outcome:
    robots: RobotsTxt = a[ROBOTS]
    home: Response | None = a[HOME]
    parsed: list[tuple[ParsedSignal, Any]] = []
    for group, raw in robots.content_signals:
        parsed.append((parse_signal(raw, f"robots.txt (User-agent: {group})"), robots.doc.evidence))
    if isinstance(home, Response) and not home.failed:
        for raw in home.header_values("content-signal"):
            parsed.append((parse_signal(raw, "Content-Signal header on /"), home))
    if not parsed:
        if robots.doc.state == DocState.UNREACHABLE and (home is None or home.failed):
            return errored("neither robots.txt nor the home page could be fetched")
        return failed(
            "no Content-Signal directive in robots.txt or on the home page",
            problem(
                "no-content-signal",
                "no `Content-Signal:` line in robots.txt "
                f"({robots.doc.state.value}) and no Content-Signal header on /",
                robots.doc.evidence,
                home,
                fix="Add `Content-Signal: search=yes, ai-input=yes, ai-train=no` under "
                "`User-agent: *` in robots.txt.",
            ),
        )
    findings: list[Finding] = []
    for sig, evidence in parsed:
        if sig.valid:
            stated = ", ".join(f"{k}={v}" for k, v in sig.values.items())
            findings.append(good("content-signal", f"{sig.where}: {stated}", evidence))
            if sig.values.get("ai-input") == "no" and "*" in sig.where:
                findings.append(
                    concern(
                        "ai-input-denied",
                        f"{sig.where} says ai-input=no: agents are asked not "
                        "to use this content to answer or act for their users",
                        evidence,
                        fix="Allow ai-input on docs and API descriptions if agents should use the service.",
                    )
                )
        else:
            findings.append(
                concern(
                    "content-signal-malformed",
                    f"{sig.where}: {sig.raw!r} is malformed: {sig.error}",
                    evidence,
                    fix="Write it as `search=yes, ai-input=yes, ai-train=no`.",
                )
            )
        if sig.unknown_keys:
            findings.append(
                info(
                    "content-signal-unknown-key",
                    f"{sig.where}: unknown key(s) "
                    f"{', '.join(sig.unknown_keys)} (defined: {', '.join(SIGNAL_KEYS)})",
                    evidence,
                )
            )
        if sig.bad_values:
            findings.append(
                concern(
                    "content-signal-bad-value",
                    f"{sig.where}: value(s) other than yes/no: {', '.join(sig.bad_values)}",
                    evidence,
                    fix="Use yes or no.",
                )
            )
    if not any(sig.valid for sig, _ in parsed):
        return warned("Content-Signal is present but none parses", *findings)
    return verdict(
        findings,
        pass_summary="Content Signals state search / AI-input / AI-training preferences",
        warn_summary="Content Signals are stated, with problems",
        fail_summary="Content Signals are stated, with problems",
        details={"signals": [{"where": s.where, "values": s.values} for s, _ in parsed if s.valid]},
    )
