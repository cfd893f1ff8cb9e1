"""A whitespace-free view of narrative text that maps back to the original offsets.

PDF text layers wrap every line and pad with spaces (「受理政府\\n\\n信息公开申请        17 件」),
and converted documents break words across page breaks (「信息\\n\\n公开年报」). Chinese needs no
spaces, so the phrase patterns run on a view with whitespace removed; ``span`` maps a match
back into the normalised text the spans of a Result index into.
"""
from __future__ import annotations

from dataclasses import dataclass

_PARAGRAPH_END = "。!?:"


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
    pending: tuple[str, int] | None = None  # whitespace waiting to see its neighbours
    for i, ch in enumerate(chunk):
        if ch.isspace():
            if out and ch == "\n" and out[-1] in _PARAGRAPH_END:
                pending = ("\n", i)
            elif pending is None or pending[0] != "\n":
                pending = (" ", i)
            continue
        if pending is not None and out:
            kind, at = pending
            if kind == "\n" or (out[-1].isascii() and out[-1].isalnum() and ch.isascii() and ch.isalnum()):
                out.append(kind)
                index.append(at)
        pending = None
        out.append(ch)
        index.append(i)
    return Compact("".join(out), tuple(index), offset)
