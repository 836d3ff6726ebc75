"""access.*: is an agent let in? [B]

robots.txt rules for agent user agents, Content Signals, the Web Bot Auth key directory, and whether docs,
descriptions and API paths answer a non-browser client without a CAPTCHA or JavaScript challenge.
"""

from __future__ import annotations

from agent_ready.checkapi import collect

# Every module of the package is imported and each @check it declares is listed: nothing to keep by hand.
CHECKS = collect(__name__)
