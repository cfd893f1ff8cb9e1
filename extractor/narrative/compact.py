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
# The runs of whitespace that are kept, as one newline or one space: with a line break after a
# paragraph end, and between ASCII letters or digits (str.isascii and isalnum) — never at the
# chunk's end. Each match is the character before the run, and the run.
_PARAGRAPH_GAP = re.compile(rf"([{_PARAGRAPH_END}])[^\S\n]*\n\s*(?=\S)")
_SPACE_GAP = re.compile(r"([A-Za-z0-9])\s+(?=[A-Za-z0-9])")


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
    out: list[str] = []
    last = ""  # the last character kept
    for line in chunk.split("\n"):  # a run of whitespace between two lines holds a line break
        runs = line.split()
        if not runs:
            continue
        first = runs[0][0]
        if last in _PARAGRAPH_END and last:
            out.append("\n")
        elif last.isascii() and last.isalnum() and first.isascii() and first.isalnum():
            out.append(" ")
        out.append(runs[0] if len(runs) == 1 else _joined(runs))
        last = runs[-1][-1]
    return Compact("".join(out), offset, chunk)


def _joined(runs: list[str]) -> str:
    """The runs of one line, a space kept between ASCII letters or digits."""
    out = [runs[0]]
    for before, run in zip(runs, runs[1:]):
        if before[-1].isascii() and before[-1].isalnum() and run[0].isascii() and run[0].isalnum():
            out.append(" ")
        out.append(run)
    return "".join(out)


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
