"""errors: do failures tell an agent what to do next? (standards section E)

All five checks judge the responses the ``errors`` probe provoked (plus, with ``--active``, a malformed JSON
body and a small burst). They are pure functions of those artifacts.
"""

from __future__ import annotations

from agent_ready.checkapi import collect

# Every module of the package is imported and each @check it declares is listed: nothing to keep by hand.
CHECKS = collect(__name__)
