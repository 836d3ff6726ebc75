"""auth-md.*: does the service publish auth.md, the agent sign-up recipe? [D]"""

from __future__ import annotations

from agent_ready.checkapi import collect

# Every module of the package is imported and each @check it declares is listed: nothing to keep by hand.
CHECKS = collect(__name__)
