"""Regular expressions compiled when first used, not at import.

CPython compiles a pattern in pure Python: a pipeline module's patterns cost a few million
instructions each, and a report uses only part of them (meta's fallbacks, the layouts a report
does not have, validator checks whose key words are not in the text). ``lazy_compile`` stands
for ``re.compile`` at module level; the first use compiles, and from then on the compiled
pattern's methods are plain attributes of the stand-in, as fast to reach as the pattern's own
(its class becomes one without ``__getattr__``, whose hook slows every attribute lookup).
"""
from __future__ import annotations

import re
from typing import cast

_FORWARDED = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner",
              "pattern", "flags", "groups", "groupindex")


class _Compiled:
    """A compiled pattern's stand-in: its methods and attributes are in its ``__dict__``."""

    _source: tuple[str, int]

    def __repr__(self) -> str:
        return f"lazy_compile{self._source!r}"


class _Lazy(_Compiled):
    """Not compiled yet: the first attribute asked for compiles, then the object becomes a
    ``_Compiled`` (same layout, no ``__getattr__`` hook to slow later lookups)."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str):  # reached only before the first use: then the names are set
        compiled = re.compile(*self._source)
        for attr in _FORWARDED:
            setattr(self, attr, getattr(compiled, attr))
        self.__class__ = _Compiled  # type: ignore[assignment]  # its base: same layout
        return getattr(compiled, name)


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, done at the first use of the result."""
    return cast(re.Pattern[str], _Lazy(pattern, flags))
