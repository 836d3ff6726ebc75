"""discovery.*: can an agent find the API, its docs and its agent endpoints from a URL alone? [A]"""

from __future__ import annotations

from agent_ready.checkapi import collect

# Every module of the package is imported and each @check it declares is listed: nothing to keep by hand.
CHECKS = collect(__name__)
