"""A whitespace-free view of narrative text that maps back to the original offsets.

PDF text layers wrap every line and pad with spaces (「受理政府\\n\\n信息公开申请        17 件」),
and converted documents break words across page breaks (「信息\\n\\n公开年报」). Chinese needs no
spaces, so the phrase patterns run on a view with whitespace removed; ``span`` maps a match
back into the normalised text the spans of a Result index into.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from itertools import islice

_PARAGRAPH_END = "。!?:"
_RUN = re.compile(r"\S+")  # \s is exactly str.isspace(): its runs are str.split()'s


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
    piece, not per character: building a per-character index was most of the cost.) Made line by
    line, as :func:`compact` makes the view: most lines are one run."""
    starts: list[int] = []
    origins: list[int] = []
    size = 0  # length of the view so far
    last = ""  # the last character kept
    at = 0  # where the line starts in the chunk
    for line in chunk.split("\n"):
        runs = line.split()
        if runs:
            first = runs[0]
            start = at + len(line) - len(line.lstrip())
            if last in _PARAGRAPH_END and last:  # the line break before this line is kept
                starts.append(size)
                origins.append(at - 1)
                size += 1
            elif last.isascii() and last.isalnum() and first[0].isascii() and first[0].isalnum():
                starts.append(size)
                origins.append(start - 1)
                size += 1
            starts.append(size)
            origins.append(start)
            size += len(first)
            if len(runs) > 1:
                size = _line_pieces(line, at, runs, size, starts, origins)
            last = runs[-1][-1]
        at += len(line) + 1
    return starts, origins


def _line_pieces(line: str, at: int, runs: list[str], size: int, starts: list[int], origins: list[int]) -> int:
    """The pieces of a line's runs after its first (whose line starts at ``at``); the view's new length."""
    for before, m in zip(runs, islice(_RUN.finditer(line), 1, None)):
        start = at + m.start()
        c = line[m.start()]
        if before[-1].isascii() and before[-1].isalnum() and c.isascii() and c.isalnum():
            starts.append(size)
            origins.append(start - 1)
            size += 1
        starts.append(size)
        origins.append(start)
        size += m.end() - m.start()
    return size
