"""A third party's check, written only against agent-ready's documented plugin API (docs/architecture.md):
``agent_ready.checkapi`` to declare and judge, ``agent_ready.artifacts`` for what the probes saw."""

from __future__ import annotations

from agent_ready.artifacts.http import HOME
from agent_ready.checkapi import Artifacts, check, collect, failed, good, passed, problem
from agent_ready.models import Outcome


@check(
    id="acme.home-served",
    title="The home page answers 2xx",
    failure_title="The home page does not answer 2xx",
    category="acme",
    weight=1,
    remediation="Serve the origin's home page with a 2xx status.",
    spec_links=("https://www.rfc-editor.org/rfc/rfc9110#section-15.3",),
    requires=(HOME,),
    description="Acme's own rule: an agent's first request, GET /, must succeed.",
)
def home_served(a: Artifacts) -> Outcome:
    home = a[HOME]  # a Response, for mypy too
    if home.ok:
        return passed(f"GET / answered {home.status}", good("acme-home-ok", home.describe(), home))
    return failed(
        f"GET / answered {home.describe()}",
        problem("acme-home-not-ok", home.describe(), home, fix="Serve / with a 2xx status."),
    )


CHECKS = collect(__name__)
