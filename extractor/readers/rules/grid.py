"""A table region's layout, detected once, and re-laid so that each table row is one line.

Most layouts already keep a table row on one line (pipe and markdown rows, tabs, PDF layout
text) or put one cell on each line without anything else (read as runs of one-value lines).
One common layout does neither: an HTML table flattened cell by cell, each cell on a line of
its own and ended by a pipe (``规章 |`` / ``0 |``), with lone ``|`` lines and ``||||`` fillers
where a ``<tr>`` ended or a cell was empty; sometimes indented, sometimes with the pipe on a
line of its own (``规章`` / ``|`` / ``0`` / ``|``), sometimes opening each row with a lone
``|``. Read line by line, every value of such a table is a line with a stray pipe, and is lost.

This stage detects that *pipe-stream* layout per region and re-lays the region as one pipe
row per table row by changing separators only (newline ↔ space/pipe): the re-laid region
has exactly the length of the original, so every offset, every span, stays valid. A row
starts at a text cell that follows a value or an empty cell, or a column header (a row
label), after a line of pipes only (where a ``<tr>`` ended), and around OCR garbage. Empty cells stay cells (``| |``); placement counts them as positions and drops the
trailing fillers beyond a row's width, never reading them as values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.lazy_re import lazy_compile
from extractor.readers.rules.tokens import has_chinese

STREAM, LINES = "pipe-stream", "lines"

# A line of prose, never joined to its neighbours.
_PROSE = lazy_compile(r"[。；;]")
_MAX_CELL = 120
# The last words of a column header: the next text cell starts a row even without an empty
# cell between them (「现行有效件数 |」 / 「规章 |」).
_HEADER_END = lazy_compile(
    r"(?:数量|件数|总数|增\s*[/\\]?\s*减|万元\)?|信息内容|总计|合计|情况|[(（][一二三四五六七八九十]+[)）]项|[一二三四五六七八九十]+项\))$")
_VALUE = lazy_compile(r"(?:[+\-−]|增加?|减少?)?\s*\d[\d,]*(?:\.\d+)?\s*(?:万元|元|万|件|项|个|条|次)?|[/\\\-—–―*]{1,2}|无|空")
_ENDS_VALUE = lazy_compile(r"(?:^|\s)(?:[+\-−]?\d[\d,]*(?:\.\d+)?(?:万元|元)?|[/\\\-—–―*]{1,2})$")
_MIN_STREAM_LINES = 4
# A line of pipes only, two or more (「||||」, 「|||」): where a <tr> ended.
_ROW_END = lazy_compile(r"^[ \t]*\|[ \t]*\|[ \t|]*$", re.M)


def layout(region: str) -> str:
    """``pipe-stream`` when at least 30% of the region's table lines hold one cell or none
    beside their pipes, else ``lines``."""
    if region.count("|") < _MIN_STREAM_LINES:
        return LINES  # too few pipes for that many pipe lines
    stream = table = 0
    for line in region.split("\n"):
        if not line.strip() or _PROSE.search(line):
            continue
        table += 1
        if "|" in line and sum(1 for c in line.split("|") if c.strip()) <= 1:
            stream += 1
    return STREAM if stream >= _MIN_STREAM_LINES and stream * 10 >= table * 3 else LINES


@dataclass(slots=True)
class _Cell:
    start: int
    end: int
    kind: str  # text, value, empty
    ends_value: bool = False  # a text cell ending in values (「规章 0 0 0」)
    prose: bool = False
    noise: bool = False  # text without a Chinese character (OCR garbage): a row of its own


def relay(region: str) -> str:
    """The pipe-stream ``region`` re-laid as one pipe row per table row; same length."""
    breaks: set[int] = set()
    prev: _Cell | None = None
    for cell in _cells(region):
        if prev is not None and (prev.noise or cell.noise or _ROW_END.search(region, prev.end, cell.start)
                                 or cell.kind == "text" and (
                cell.prose or prev.prose or prev.kind != "text" or prev.ends_value
                or _HEADER_END.search(region[prev.start:prev.end]))):
            breaks.add(_separator(region, prev.end, cell.start))
        breaks.discard(-1)
        prev = cell
    out = region.replace("\n", " ")
    if not breaks:
        return out
    chars = list(out)
    for k in breaks:
        chars[k] = "\n"
    return "".join(chars)


def _cells(region: str) -> list[_Cell]:
    """Cells in reading order. Pieces between pipes are cells (empty when blank); inside a
    piece, each non-blank line is a cell of its own (values written one per line)."""
    out: list[_Cell] = []
    pos = 0
    fillers = [m.span() for m in _ROW_END.finditer(region)]  # row ends, not empty cells
    pieces = region.split("|")
    last = len(pieces) - 1
    for i, piece in enumerate(pieces):
        start, pos = pos, pos + len(piece) + 1
        content = False
        offset = start
        for line in piece.split("\n"):
            s = offset + len(line) - len(line.lstrip())
            e = offset + len(line.rstrip())
            offset += len(line) + 1
            if s >= e:
                continue
            content = True
            raw = region[s:e]
            if _PROSE.search(raw) or e - s > _MAX_CELL:
                out.append(_Cell(s, e, "text", prose=True))
            elif _VALUE.fullmatch(raw):
                out.append(_Cell(s, e, "value"))
            else:
                out.append(_Cell(s, e, "text", ends_value=_ENDS_VALUE.search(raw) is not None,
                                 noise=not has_chinese(raw)))
        if not content and 0 < i < last and not any(a <= start <= b for a, b in fillers):
            out.append(_Cell(start, start, "empty"))
    return out


def _separator(region: str, after: int, before: int) -> int:
    """Where a row break goes between two cells: the last newline between them, else the last
    space, else the last pipe."""
    gap = region[after:before]
    for ch in ("\n", " ", "\t", "|"):
        k = gap.rfind(ch)
        if k >= 0:
            return after + k
    return -1


def view(text: str, start: int, end: int) -> str:
    """``text`` with the region ``[start, end)`` re-laid when its layout is a pipe stream."""
    region = text[start:end]
    if layout(region) != STREAM:
        return text
    return text[:start] + relay(region) + text[end:]
