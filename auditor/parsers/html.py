"""HTML a target served, parsed with BeautifulSoup (``html.parser``: no optional C parser needed).

BeautifulSoup warns (``MarkupResemblesLocatorWarning``) when the markup it is given looks like a URL or a
file name, taking it for a caller's mistake. Here the markup is whatever the target answered, and an error
page whose whole body is ``https://example.com/docs`` or ``error.txt`` is expected input, not a mistake; the
warning would only print BeautifulSoup's advice to the user's terminal. It is filtered for the calls made
from this module alone, so anyone else using BeautifulSoup in the same process still gets it.
"""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

_MODULE = re.escape(__name__) + r"\Z"


def _quiet_locator_warning() -> None:
    # Put back when missing: a ``warnings.catch_warnings()`` block (a test harness, an embedding program)
    # restores the filter list it saw on entry, dropping a filter added inside it.
    for action, _, category, module, _ in warnings.filters:
        ours = getattr(module, "pattern", None) == _MODULE
        if ours and action == "ignore" and category is MarkupResemblesLocatorWarning:
            return
    warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning, module=_MODULE)


def parse_html(markup: str) -> BeautifulSoup:
    """The parsed document; never warns about markup that resembles a URL or a file name."""
    _quiet_locator_warning()
    return BeautifulSoup(markup, "html.parser")
