"""A whitespace-free view of narrative text that maps back to the original offsets.

PDF text layers wrap every line and pad with spaces (「受理政府\\n\\n信息公开申请        17 件」),
and converted documents break words across page breaks (「信息\\n\\n公开年报」). Chinese needs no
spaces, so the phrase patterns run on a view with whitespace removed; ``span`` maps a match
back into the normalised text the spans of a Result index into.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_PARAGRAPH_END = "。!?:"
_RUN = re.compile(r"\S+")  # \s is exactly str.isspace()


@dataclass(frozen=True, slots=True)
class Compact:
    text: str
    index: tuple[int, ...]  # position in ``text`` → offset in the original
    offset: int | None  # where the original chunk starts in the document (None: unknown)

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        if self.offset is None or start >= end:
            return None
        return self.offset + self.index[start], self.offset + self.index[end - 1] + 1


def compact(chunk: str, offset: int | None = 0) -> Compact:
    """Drop whitespace, keeping one space between ASCII words and a newline after a paragraph end."""
    out: list[str] = []
    index: list[int] = []
    last, gap_from = "", 0  # the last character kept; where the whitespace before this run starts
    for m in _RUN.finditer(chunk):
        start, end = m.span()
        run = m.group()
        if out and start > gap_from:
            newline = chunk.rfind("\n", gap_from, start)
            if newline >= 0 and last in _PARAGRAPH_END:
                out.append("\n")
                index.append(newline)
            elif last.isascii() and last.isalnum() and run[0].isascii() and run[0].isalnum():
                out.append(" ")
                index.append(start - 1)
        out.append(run)
        index.extend(range(start, end))
        last, gap_from = run[-1], end
    return Compact("".join(out), tuple(index), offset)
