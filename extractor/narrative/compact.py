"""A whitespace-free view of narrative text that maps back to the original offsets.

PDF text layers wrap every line and pad with spaces (「受理政府\\n\\n信息公开申请        17 件」),
and converted documents break words across page breaks (「信息\\n\\n公开年报」). Chinese needs no
spaces, so the phrase patterns run on a view with whitespace removed; ``span`` maps a match
back into the normalised text the spans of a Result index into.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

_PARAGRAPH_END = "。!?:"
_RUN = re.compile(r"\S+")  # \s is exactly str.isspace(): its runs are str.split()'s
_MATCH_START = re.Match.start
_GAP = re.compile(r"\s+")
# The runs of whitespace that :func:`_separator` keeps, as one newline or one space: with a line
# break after a paragraph end, and between ASCII letters or digits (str.isascii and isalnum) —
# never at the chunk's end. Their first character is kept and followed by a mark.
_PARAGRAPH_GAP = re.compile(rf"([{_PARAGRAPH_END}])[^\S\n]*\n\s*(?=\S)")
_SPACE_GAP = re.compile(r"([A-Za-z0-9])\s+(?=[A-Za-z0-9])")
_MARK_NEWLINE, _MARK_SPACE = "\x00", "\x01"  # no whitespace for str.split (\x1c–\x1f would be)
_MARK_NEWLINE_AFTER, _MARK_SPACE_AFTER = rf"\1{_MARK_NEWLINE}", rf"\1{_MARK_SPACE}"


class Compact:
    """The view's ``text``, and where the original chunk starts in the document (``offset``;
    None: unknown). The map back is made on the first :meth:`origin` asked for: most views
    (the preamble, 五, 六) are only read, never pointed into."""

    __slots__ = ("text", "offset", "_chunk", "_starts", "_origins")

    def __init__(self, text: str, offset: int | None, chunk: str):
        self.text = text
        self.offset = offset
        self._chunk = chunk
        self._starts: list[int] | None = None

    def __repr__(self) -> str:
        return f"Compact({self.text!r}, offset={self.offset})"

    def origin(self, pos: int) -> int:
        """Where ``text[pos]`` is in the original chunk."""
        if self._starts is None:
            self._starts, self._origins = _pieces(self._chunk)
        k = bisect_right(self._starts, pos) - 1
        return self._origins[k] + pos - self._starts[k]

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        if self.offset is None or start >= end:
            return None
        return self.offset + self.origin(start), self.offset + self.origin(end - 1) + 1


def compact(chunk: str, offset: int | None = 0) -> Compact:
    """Drop whitespace, keeping one space between ASCII words and a newline after a paragraph end."""
    if _MARK_NEWLINE in chunk or _MARK_SPACE in chunk:  # not in a normalised text (control characters)
        return Compact(_GAP.sub(_separator, chunk), offset, chunk)
    # The kept blanks are marked by two pattern substitutions, then every run of whitespace goes at
    # once (str.split): no Python call per run of whitespace, which was most of the cost.
    marked = _SPACE_GAP.sub(_MARK_SPACE_AFTER, _PARAGRAPH_GAP.sub(_MARK_NEWLINE_AFTER, chunk))
    return Compact("".join(marked.split()).replace(_MARK_NEWLINE, "\n").replace(_MARK_SPACE, " "), offset, chunk)


def _separator(gap: re.Match) -> str:
    """What a run of whitespace becomes: nothing at either end of the chunk; a newline where it
    holds a line break after a paragraph end; a space between ASCII letters or digits; else nothing."""
    start, end = gap.span()
    chunk = gap.string
    if start == 0 or end == len(chunk):
        return ""
    last = chunk[start - 1]
    if last in _PARAGRAPH_END and "\n" in gap.group():
        return "\n"
    first = chunk[end]
    return " " if last.isascii() and last.isalnum() and first.isascii() and first.isalnum() else ""


def _pieces(chunk: str) -> tuple[list[int], list[int]]:
    """The view as pieces of the original, each copied whole (a run of non-space characters, or one
    blank kept as a separator): where each starts in the view and in the chunk. (One entry per
    piece, not per character: building a per-character index was most of the cost.) Made from C
    loops — the runs' starts and lengths, summed up — and a Python step per kept blank only."""
    run_starts = list(map(_MATCH_START, _RUN.finditer(chunk)))
    view_starts = list(accumulate(map(len, chunk.split()), initial=0))  # of each run, were no blank kept
    kept = [(bisect_right(run_starts, m.end() - 1), chunk.rfind("\n", m.start(), m.end()))
            for m in _PARAGRAPH_GAP.finditer(chunk)]  # (the run after it, where it is)
    kept += ((bisect_right(run_starts, m.end() - 1), m.end() - 1) for m in _SPACE_GAP.finditer(chunk))
    kept.sort()
    starts: list[int] = []
    origins: list[int] = []
    shift = done = 0  # blanks kept so far; runs copied so far
    for run, origin in kept:
        starts += map(shift.__add__, view_starts[done:run])
        origins += run_starts[done:run]
        starts.append(view_starts[run] + shift)
        origins.append(origin)
        shift, done = shift + 1, run
    starts += map(shift.__add__, view_starts[done:-1])
    origins += run_starts[done:]
    return starts, origins
