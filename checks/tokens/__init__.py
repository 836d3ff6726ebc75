"""tokens.*: can an agent obtain a credential without a browser? [C1-C4, C6-C8]"""

from __future__ import annotations

from agent_ready.checkapi import collect

# Every module of the package is imported and each @check it declares is listed: nothing to keep by hand.
CHECKS = collect(__name__)
