"""HTML a target served, parsed with BeautifulSoup (``html.parser``: no optional C parser needed).

BeautifulSoup warns (``MarkupResemblesLocatorWarning``) when the markup it is given looks like a URL or a
file name, taking it for a caller's mistake. Here the markup is whatever the target answered, and an error
page whose whole body is ``https://example.com/docs`` or ``error.txt`` is expected input, not a mistake; the
warning would only print BeautifulSoup's advice to the user's terminal. It is filtered for the calls made
from this module alone, so anyone else using BeautifulSoup in the same process still gets it.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import types
import warnings
from typing import Any


class _Deferred(types.ModuleType):
    """Stands in for a module in ``sys.modules`` until one of its attributes is used, then imports the real
    module in its place and forwards to it. ``import name`` itself reads only ``__spec__`` (None here), so
    importing stays free; importlib's LazyLoader cannot do this on 3.11, where that read loads the module."""

    def __getattr__(self, attr: str) -> Any:  # called only for attributes the stand-in lacks
        real = self.__dict__.get("_real")
        if real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = self.__dict__["_real"] = importlib.import_module(self.__name__)
        return getattr(real, attr)


def _defer(name: str) -> None:
    if name not in sys.modules and importlib.util.find_spec(name) is not None:
        sys.modules[name] = _Deferred(name)


# bs4 imports soupsieve for CSS selectors, which compiles ~40 regular expressions at import (~40 ms, most
# of bs4's import cost). Nothing here selects by CSS; deferred, soupsieve loads on the first select() any
# code in the process makes, so CSS selectors keep working for everyone (a plugin's check included).
if "bs4" not in sys.modules:
    _defer("soupsieve")

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning  # noqa: E402

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
