"""What a check is: metadata beside a pure function of what the probes saw.

A check module defines functions decorated with :func:`check`; ``CHECKS = collect(__name__)`` at its
end (or in a package's ``__init__``) lists every check declared there, and the ``agent_ready.checks``
entry-point group names that list, exactly as a third-party plugin would::

    @check(id="discovery.robots-txt", title="robots.txt is served and parses",
           failure_title="robots.txt is missing or invalid", category="discovery", weight=1,
           remediation="Serve /robots.txt as text/plain ...", spec_links=("https://www.rfc-editor.org/rfc/rfc9309",),
           requires=(ROBOTS,))
    def robots_txt(a: Artifacts) -> Outcome:
        robots = a[ROBOTS]  # a RobotsTxt, for mypy too
        ...
        return passed("robots.txt parses", good("robots-parses", "3 groups", robots.response))

The function never touches the network; tests call it with literal artifacts. A check imports only this
module, :mod:`agent_ready.models` and the artifact types and keys of :mod:`agent_ready.artifacts`.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

from agent_ready.artifacts.key import Key, key_name
from agent_ready.models import Finding, Level, Outcome, Status

T = TypeVar("T")

ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$")

# What a check judges. ``web``: a service behind a URL (``agent-ready scan``, artifacts from the probes);
# ``cli``: a command-line tool (``agent-ready cli -- COMMAND``, the one artifact ``cli_run``). A run of one
# kind runs only the checks of that kind.
TARGET_KINDS = ("web", "cli")


@dataclass(frozen=True)
class Target:
    url: str
    origin: str
    host: str
    is_loopback: bool
    address_class: str | None = None


CLAUSE_LEVELS = ("MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY", "REQUIRED", "RECOMMENDED", "catalogue")


@dataclass(frozen=True)
class Clause:
    """One clause of a cited spec and what the check does with it (docs/checks.md lists them per check).

    ``judged`` False says plainly that the check does not judge it, and ``how`` says why (another check
    does, it cannot be observed from outside, it needs a credential the scan does not have ...). Where the
    catalogue and a spec disagree, the spec wins and ``how`` says so.
    """

    ref: str  # "RFC 9457 §3.1.3"
    level: str  # one of CLAUSE_LEVELS ("catalogue" for the project's own rule, not a spec's)
    says: str  # the clause, in a few words
    judged: bool = True
    how: str = ""  # the verdict it leads to, or why it is not judged


def clause(ref: str, level: str, says: str, how: str = "", *, judged: bool = True) -> Clause:
    return Clause(ref=ref, level=level, says=says, judged=judged, how=how)


def not_judged(ref: str, level: str, says: str, why: str) -> Clause:
    return Clause(ref=ref, level=level, says=says, judged=False, how=why)


@dataclass(frozen=True)
class CheckMeta:
    id: str
    title: str  # states the pass
    failure_title: str  # states the failure
    category: str
    weight: float
    remediation: str
    spec_links: tuple[str, ...]
    requires: tuple[str, ...] = ()  # names of the artifacts read in any mode (given as Keys)
    active_requires: tuple[str, ...] = ()  # artifacts of probes that change state; run only with --active
    active: bool = False  # has an ACTIVE part (creates state on the target)
    passive: bool = True  # can judge something without --active; False means skipped without it
    description: str = ""
    side_effects: str = ""  # what the ACTIVE part creates, for --help and the report
    target_kind: str = "web"  # one of TARGET_KINDS
    clauses: tuple[Clause, ...] = ()  # the cited spec clauses it judges, and those it does not


class UndeclaredArtifact(KeyError):
    """A check read an artifact it did not declare in ``requires=`` or ``active_requires=``."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


class Artifacts:
    """What the probes saw, narrowed to what one check declared.

    ``a[KEY]`` is typed by its :class:`~agent_ready.artifacts.key.Key`; ``a.get(KEY)`` answers None for
    an artifact that is absent (an ACTIVE probe without ``--active``). Reading a key the check did not
    declare raises :class:`UndeclaredArtifact`, which the engine reports as the check's ``error``.
    """

    def __init__(
        self,
        values: Mapping[Any, Any],  # artifact name or Key -> artifact
        *,
        active: bool = False,
        target: Target | None = None,
        declared: Iterable[Key[Any] | str] | None = None,
    ):
        self._values = {key_name(k): v for k, v in values.items()}
        self._declared = (
            frozenset(key_name(k) for k in declared) if declared is not None else frozenset(self._values)
        )
        self.active = active
        self.target = target

    def _name(self, key: Key[Any] | str) -> str:
        name = key_name(key)
        if name not in self._declared:
            raise UndeclaredArtifact(
                f"the check read artifact {name!r} without declaring it in requires= or active_requires="
            )
        return name

    @overload
    def __getitem__(self, key: Key[T]) -> T: ...

    @overload
    def __getitem__(self, key: str) -> Any: ...

    def __getitem__(self, key: Key[Any] | str) -> Any:
        return self._values[self._name(key)]

    @overload
    def get(self, key: Key[T]) -> T | None: ...

    @overload
    def get(self, key: str) -> Any: ...

    def get(self, key: Key[Any] | str) -> Any:
        return self._values.get(self._name(key))

    def declares(self, key: Key[Any] | str) -> bool:
        """Whether the check declared ``key``: for helpers shared by checks that declare different sets."""
        return key_name(key) in self._declared

    def __contains__(self, key: object) -> bool:
        return isinstance(key, Key | str) and key_name(key) in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


CheckFn = Callable[[Artifacts], Outcome]


@dataclass(frozen=True)
class Check:
    meta: CheckMeta
    fn: CheckFn = field(compare=False)
    plugin: str = "builtin"

    @property
    def id(self) -> str:
        return self.meta.id

    def __call__(self, artifacts: Artifacts) -> Outcome:
        return self.fn(artifacts)


def check(**meta: Any) -> Callable[[CheckFn], Check]:
    """Declare a check; the keyword arguments are :class:`CheckMeta` fields."""
    fields: dict[str, Any] = {
        k: tuple(key_name(x) for x in v) if k in ("requires", "active_requires") else v
        for k, v in meta.items()
    }
    if "spec_links" in fields:
        fields["spec_links"] = tuple(fields["spec_links"])
    if "clauses" in fields:
        fields["clauses"] = tuple(fields["clauses"])
    spec = CheckMeta(**fields)

    def wrap(fn: CheckFn) -> Check:
        chk = Check(meta=spec, fn=fn)
        _DECLARED.setdefault(fn.__module__, {})[spec.id] = chk
        return chk

    return wrap


# module name -> check id -> check, in declaration order: what @check saw, so no list is kept by hand.
_DECLARED: dict[str, dict[str, Check]] = {}


def collect(module_name: str) -> list[Check]:
    """The checks declared with :func:`check` in a module, or in a package and all its modules.

    A package's modules are imported here, so a new module in a check package needs no registration;
    call ``CHECKS = collect(__name__)`` at the end of a module or in a package's ``__init__``.
    """
    module = importlib.import_module(module_name)
    path = getattr(module, "__path__", None)
    if path is not None:
        for sub in pkgutil.walk_packages(path, module_name + "."):
            importlib.import_module(sub.name)
    prefix = module_name + "."
    return [
        chk
        for name, declared in _DECLARED.items()
        if name == module_name or name.startswith(prefix)
        for chk in declared.values()
    ]


def validate_meta(meta: CheckMeta, known_categories: Iterable[str]) -> list[str]:
    """Problems that make a check unusable; the registry refuses such a check with a run warning."""
    problems = []
    if not ID_PATTERN.match(meta.id):
        problems.append(f"id {meta.id!r} is not 'category.name' in kebab-case")
    if meta.category not in set(known_categories):
        problems.append(f"unknown category {meta.category!r}")
    if not meta.weight > 0:
        problems.append("weight must be positive")
    for name in ("title", "failure_title", "remediation"):
        if not getattr(meta, name).strip():
            problems.append(f"{name} is empty")
    if not meta.spec_links:
        problems.append("no spec link")
    for c in meta.clauses:
        if c.level not in CLAUSE_LEVELS:
            problems.append(f"clause {c.ref!r} has an unknown level {c.level!r}")
        if not c.judged and not c.how:
            problems.append(f"clause {c.ref!r} is not judged but says not why")
    if meta.target_kind not in TARGET_KINDS:
        problems.append(f"unknown target kind {meta.target_kind!r} (one of {', '.join(TARGET_KINDS)})")
    return problems


# --- building outcomes ------------------------------------------------------------------------------

Evidence = Any  # a fetch.Response, an exchange id, or an iterable of either


def evidence_ids(evidence: Iterable[Evidence]) -> tuple[str, ...]:
    """The exchange ids of the evidence, in order, without repeats (None and unknown items are skipped)."""
    out: list[str] = []
    for item in evidence:
        if item is None:
            continue
        if isinstance(item, str):
            ids: Iterable[str] = (item,)
        elif hasattr(item, "exchange_ids"):
            ids = item.exchange_ids
        elif isinstance(item, Iterable):
            ids = evidence_ids(item)
        else:
            continue
        out.extend(i for i in ids if i and i not in out)
    return tuple(out)


def finding(level: Level, code: str, message: str, *evidence: Evidence, fix: str | None = None) -> Finding:
    return Finding(code=code, level=level, message=message, evidence=evidence_ids(evidence), fix=fix)


def good(code: str, message: str, *evidence: Evidence) -> Finding:
    return finding(Level.PASS, code, message, *evidence)


def info(code: str, message: str, *evidence: Evidence) -> Finding:
    return finding(Level.INFO, code, message, *evidence)


def concern(code: str, message: str, *evidence: Evidence, fix: str | None = None) -> Finding:
    return finding(Level.WARN, code, message, *evidence, fix=fix)


def problem(code: str, message: str, *evidence: Evidence, fix: str | None = None) -> Finding:
    return finding(Level.FAIL, code, message, *evidence, fix=fix)


def broken(code: str, message: str, *evidence: Evidence) -> Finding:
    return finding(Level.ERROR, code, message, *evidence)


def _outcome(
    status: Status, summary: str, findings: Iterable[Finding | None], details: dict[str, Any] | None
) -> Outcome:
    return Outcome(
        status=status,
        summary=summary,
        findings=tuple(f for f in findings if f is not None),
        details=details or {},
    )


def passed(summary: str, *findings: Finding | None, details: dict[str, Any] | None = None) -> Outcome:
    return _outcome(Status.PASS, summary, findings, details)


def warned(summary: str, *findings: Finding | None, details: dict[str, Any] | None = None) -> Outcome:
    return _outcome(Status.WARN, summary, findings, details)


def failed(summary: str, *findings: Finding | None, details: dict[str, Any] | None = None) -> Outcome:
    return _outcome(Status.FAIL, summary, findings, details)


def not_applicable(summary: str, *findings: Finding | None, details: dict[str, Any] | None = None) -> Outcome:
    return _outcome(Status.NOT_APPLICABLE, summary, findings, details)


def errored(summary: str, *findings: Finding | None, details: dict[str, Any] | None = None) -> Outcome:
    return _outcome(Status.ERROR, summary, findings, details)


def skipped(summary: str, *findings: Finding | None, details: dict[str, Any] | None = None) -> Outcome:
    return _outcome(Status.SKIPPED, summary, findings, details)


def verdict(
    findings: Iterable[Finding | None],
    *,
    pass_summary: str,
    warn_summary: str,
    fail_summary: str,
    details: dict[str, Any] | None = None,
) -> Outcome:
    """The usual fold: any fail finding fails, else any warn warns, else pass."""
    kept = [f for f in findings if f is not None]
    levels = {f.level for f in kept}
    if Level.FAIL in levels:
        return _outcome(Status.FAIL, fail_summary, kept, details)
    if Level.WARN in levels:
        return _outcome(Status.WARN, warn_summary, kept, details)
    return _outcome(Status.PASS, pass_summary, kept, details)
