"""The ``agent-ready`` command line.

Exit codes (documented in the README and ``--help``):
  0  the scan ran and every gate passed
  1  the scan ran but a gate failed (``--fail-under``, ``--min-category``, ``--fail-on``, ``--baseline``)
  2  usage error: a wrong flag, a malformed URL, an unknown check id, a bad config file
  3  the target could not be reached (the report is still written, every check ``error``)
  4  an internal error (a bug); set AGENT_READY_DEBUG=1 for the traceback

Each command lives in its own module of this package and registers itself on :data:`app`; a new command
is a new module listed below.
"""

from agent_ready.cli import (  # noqa: F401  (register their commands)
    audit_cli,
    batch,
    catalog,
    dashboard,
    diff_cli,
    fix_plan,
    mcp_cmd,
    scan,
    schema_cmd,
    serve,
)
from agent_ready.cli.app import (
    EXIT_GATE,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    app,
    main,
    run,
)

__all__ = ["EXIT_GATE", "EXIT_INTERNAL", "EXIT_OK", "EXIT_UNREACHABLE", "EXIT_USAGE", "app", "main", "run"]
