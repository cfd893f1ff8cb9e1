"""A whitespace-free view of narrative text that maps back to the original offsets.

PDF text layers wrap every line and pad with spaces (「受理政府\\n\\n信息公开申请        17 件」),
and converted documents break words across page breaks (「信息\\n\\n公开年报」). Chinese needs no
spaces, so the phrase patterns run on a view with whitespace removed; ``span`` maps a match
back into the normalised text the spans of a Result index into.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

_PARAGRAPH_END = "。!?:"
_RUN = re.compile(r"\S+")  # \s is exactly str.isspace()


class Compact(NamedTuple):
    text: str
    # The view is pieces of the original, each copied whole (a run of non-space characters, or one
    # blank kept as a separator): where each piece starts in ``text`` and in the original chunk.
    # (One entry per piece, not per character: building a per-character index was most of the cost.)
    starts: tuple[int, ...]
    origins: tuple[int, ...]
    offset: int | None  # where the original chunk starts in the document (None: unknown)

    def origin(self, pos: int) -> int:
        """Where ``text[pos]`` is in the original chunk."""
        k = bisect_right(self.starts, pos) - 1
        return self.origins[k] + pos - self.starts[k]

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        if self.offset is None or start >= end:
            return None
        return self.offset + self.origin(start), self.offset + self.origin(end - 1) + 1


def compact(chunk: str, offset: int | None = 0) -> Compact:
    """Drop whitespace, keeping one space between ASCII words and a newline after a paragraph end."""
    out: list[str] = []
    starts: list[int] = []
    origins: list[int] = []
    size = 0  # length of the view so far
    last, gap_from = "", 0  # the last character kept; where the whitespace before this run starts
    for m in _RUN.finditer(chunk):
        start, end = m.span()
        run = m.group()
        if out and start > gap_from:
            newline = chunk.rfind("\n", gap_from, start)
            if newline >= 0 and last in _PARAGRAPH_END:
                out.append("\n")
                starts.append(size)
                origins.append(newline)
                size += 1
            elif last.isascii() and last.isalnum() and run[0].isascii() and run[0].isalnum():
                out.append(" ")
                starts.append(size)
                origins.append(start - 1)
                size += 1
        out.append(run)
        starts.append(size)
        origins.append(start)
        size += end - start
        last, gap_from = run[-1], end
    return Compact("".join(out), tuple(starts), tuple(origins), offset)
