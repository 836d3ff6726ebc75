"""The gate options shared by ``scan`` and ``cli``, merged with the config file, and their verdict.

Exit codes keep their meaning: a failed gate is 1, a gate written wrongly is 2 (refused before scanning).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agent_ready.cli.app import EXIT_GATE, EXIT_OK, EXIT_USAGE, _fail
from agent_ready.cli.outputs import append_step_summary
from agent_ready.config import Config, ConfigError
from agent_ready.config import load as load_config
from agent_ready.scoring import CATEGORY_IDS, SCORING_VERSION

if TYPE_CHECKING:  # the engine, reports and diff load only when a command runs (start-up of --help)
    from agent_ready.diff import ReportDiff
    from agent_ready.engine import ScanReport
    from agent_ready.gates import Gates
    from agent_ready.registry import Registry

FailUnderOpt = Annotated[
    float | None,
    typer.Option(
        "--fail-under", min=0, max=100, help="Exit 1 when the overall score is below this (or there is none)."
    ),
]
MinCategoryOpt = Annotated[
    list[str],
    typer.Option(
        "--min-category",
        metavar="CATEGORY=SCORE",
        help="Exit 1 when this category scores below SCORE, or has no score (repeatable).",
    ),
]
FailOnOpt = Annotated[
    list[str],
    typer.Option(
        "--fail-on",
        metavar="fail|warn[:ID,CATEGORY...]",
        help="Exit 1 when a check fails (fail) or warns or fails (warn); after ':' only among these "
        "check ids or categories (repeatable). With --baseline, only checks that regressed count.",
    ),
]
BaselineOpt = Annotated[
    Path | None,
    typer.Option(
        "--baseline",
        metavar="OLD.json",
        help="A JSON report of an earlier scan: exit 1 on a regression against it (a check whose verdict got "
        "worse), not on problems it already had.",
    ),
]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force", help="Compare with a baseline of another schema major or scoring version anyway."
    ),
]


ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="agent-ready.toml or pyproject.toml to read.")
]


def read_config(path: Path | None) -> Config:
    """The named config file, or agent-ready.toml / pyproject.toml [tool.agent-ready] found in the current
    directory; a file that cannot be used is a usage error, refused before anything runs."""
    try:
        return load_config(path)
    except ConfigError as exc:
        raise _fail(str(exc), EXIT_USAGE) from None


def _minimums(items: list[str]) -> dict[str, float]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            score = float(value)
        except ValueError:
            score = -1.0
        if not sep or not name.strip() or not 0 <= score <= 100:
            raise _fail(
                f"--min-category expects CATEGORY=SCORE with a score from 0 to 100, got {item!r}", EXIT_USAGE
            )
        out[name.strip()] = score
    return out


def build_gates(
    cfg: Config,
    reg: Registry | None,
    *,
    fail_under: float | None,
    min_category: list[str],
    fail_on: list[str],
) -> Gates:
    """Flags override the config file: ``--fail-under`` and ``--fail-on`` replace its values, each
    ``--min-category`` replaces that category's minimum."""
    from agent_ready.gates import FailOn, GateError, Gates

    try:
        gates = Gates(
            fail_under=fail_under if fail_under is not None else cfg.fail_under,
            category_minimums={**cfg.category_minimums, **_minimums(min_category)},
            fail_on=[FailOn.parse(x) for x in (fail_on or cfg.fail_on)],
        )
        if reg is not None:
            gates.validate(reg.checks, {*CATEGORY_IDS, *(c.meta.category for c in reg.checks.values())})
    except GateError as exc:
        raise _fail(str(exc), EXIT_USAGE) from None
    return gates


def load_baseline(path: Path | None, force: bool) -> dict[str, Any] | None:
    """Read the baseline before scanning, and refuse one this version cannot compare with."""
    if path is None:
        return None
    from agent_ready.diff import DiffError, incompatibility, load_report
    from agent_ready.reports.json_report import SCHEMA_VERSION

    try:
        doc = load_report(path)
    except DiffError as exc:
        raise _fail(f"--baseline {exc}", EXIT_USAGE) from None
    current = {"schema_version": SCHEMA_VERSION, "score": {"scoring_version": SCORING_VERSION}}
    problem = incompatibility(doc, current)
    if problem and not force:
        raise _fail(
            f"cannot compare with --baseline {path}: {problem}; pass --force to compare anyway", EXIT_USAGE
        )
    return doc


def judge(report: ScanReport, gates: Gates, baseline: dict[str, Any] | None, quiet: bool) -> int:
    """Apply every gate to the finished scan; print each failed gate and, with a baseline, what moved."""
    from agent_ready.diff import compare
    from agent_ready.gates import evaluate
    from agent_ready.reports import scrub
    from agent_ready.reports.json_report import to_dict

    doc = to_dict(report)
    diff: ReportDiff | None = None
    if baseline is not None:
        from agent_ready.reports.diff_report import render_markdown, render_text

        diff = compare(baseline, doc, force=True)  # compatibility was settled before scanning
        if not quiet:
            typer.echo(scrub(render_text(diff), report.secrets).rstrip("\n"), err=True)
        # On the run's page, what moved since the baseline follows the report it explains.
        append_step_summary(
            scrub(render_markdown(diff), report.secrets).replace("## ", "### Since the baseline: ", 1)
        )
    failed = evaluate(doc, gates, diff)
    for message in failed:
        typer.echo(f"agent-ready: gate failed: {scrub(message, report.secrets)}", err=True)
    return EXIT_GATE if failed else EXIT_OK
