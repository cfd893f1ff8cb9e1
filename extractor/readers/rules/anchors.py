"""Where each row's label is: one anchor per row, in table order, with the lines it spans.

表三 labels are searched in a stream of all label text of the region, so that a key phrase
wrapped over two lines (「…逾期不补」 / 「正、…」) is still found. Of all places a key phrase
occurs, the anchors kept are the longest chain in table order (a weighted longest increasing
subsequence), preferring places with values nearby: a phrase repeated in a header, a note
or a narrative sentence does not displace the real row.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import accumulate
from operator import attrgetter

from extractor.readers.rules.rows import Layout, RowDef
from extractor.readers.rules.tokens import Line, Tok

_MERGE_LINES = 2  # two matches of one row this close are one wrapped label
_EXTEND_LINES = 3
_MAX_LABEL = 60  # longer text is prose, not a label
_START = attrgetter("start")
_PLACE = attrgetter("first", "start")
_SHORT = 6  # the longest weak label: 「(3)其他」, 「(七)合计」
# A note in parentheses after a 表二 label (「规章(县级无此项)」, 「规范性文件(指各行政机关印发的有正式
# 文号的文件)」): not part of the label. Ordinals such as 「(五)」 are not notes.
_ANNOTATION = re.compile(r"[(（](?![一二三四五六七八九十\d]{1,2}[)）])[^()（）\x00]{2,}[)）]")  # within a cell
_CELL_BREAK = "\x00"


@dataclass(slots=True)
class Anchor:
    row: RowDef
    first: int  # first line of the label
    last: int  # last line of the label (wrapped fragments included)
    start: int  # offset of the label text in the document
    line: int  # the line of the label text at ``start``
    weak: bool = False


def table2(lines: list[Line], layout: Layout) -> list[Anchor]:
    """表二 labels: a whole, short cell carrying the row's key phrase. Each row's key phrase is
    distinctive, so sub-tables in an unusual order are still read; of several places, the one
    with values beside it wins."""
    toks = [t for line in lines for t in line.texts]
    if not toks:
        return []
    # One search over all label cells, apart by a character no key phrase or note holds: each
    # cell's first key phrase is what a search of that cell alone finds.
    stream = _CELL_BREAK.join([t.label for t in toks])
    if "(" in stream or "（" in stream:
        stream = _ANNOTATION.sub("", stream)
    texts = stream.split(_CELL_BREAK)
    ends = list(accumulate([len(t) + 1 for t in texts]))  # where each cell and its break end
    line_of = [line.idx for line in lines for _ in line.texts]
    found: list[Anchor] = []
    cell = -1
    for m in layout.scan2.finditer(stream):  # type: ignore[union-attr]  # every layout has one
        i = bisect.bisect_right(ends, m.start())
        if i == cell:
            continue  # not the cell's first key phrase
        cell = i
        row: RowDef = layout.found2[m.lastindex]  # type: ignore[index,assignment]  # every phrase ends in a group
        if len(texts[i]) <= len(row.full) + 4:
            found.append(Anchor(row, line_of[i], line_of[i], toks[i].start, line_of[i]))
    best: dict[str, Anchor] = {}
    with_values: set[int] | None = None
    for a in found:
        if a.row.key in best:
            if with_values is None:
                with_values = _value_lines(lines)
            if not _near(a, with_values) or _near(best[a.row.key], with_values):
                continue
        best[a.row.key] = a
    return sorted(best.values(), key=_START)


def table3(lines: list[Line], layout: Layout) -> list[Anchor]:
    """表三 rows (in order) and the group labels (（三）不予公开 …) found between them."""
    toks = [t for line in lines for t in line.texts]  # all label text in reading order
    if not toks:
        return []
    labels = [t.label for t in toks]
    line_of = [line.idx for line in lines for _ in line.texts]
    weak = _weak(toks, labels, line_of, layout)
    rows: list[Anchor] = []
    groups: list[Anchor] = []
    # All label text; and the label nearest the values on each line only, so that a group label
    # printed beside a wrapped label (「（六）其他处理」 between 「…逾期不」 and 「补正、…」) does not
    # cut its key phrase. Without a line of several labels the two streams are the same: a second
    # pass would only find the same places again. A place both passes find is one anchor.
    streams = [(toks, labels, line_of)]
    if len(set(line_of)) < len(toks):
        nearest = [line.texts[-1] for line in lines if line.texts]
        streams.append((nearest, [t.label for t in nearest], [line.idx for line in lines if line.texts]))
    seen: set[tuple[int, int, int]] = set()
    found3, pattern = layout.found3, layout.scan3
    for texts, parts, at in streams:
        if max(map(len, parts)) > _MAX_LABEL:
            parts = [p if len(p) <= _MAX_LABEL else "\x00" for p in parts]  # prose breaks the stream
        ends = list(accumulate(map(len, parts)))  # where each part ends in the stream
        for m in pattern.finditer("".join(parts)):  # type: ignore[union-attr]  # every layout has one
            number, is_row, row = found3[m.lastindex]  # type: ignore[index,misc]  # every phrase ends in a group
            i = bisect.bisect_right(ends, m.start())  # a match starts in the first part ending after it starts
            start, last = texts[i].start, at[bisect.bisect_right(ends, m.end() - 1)]
            place = (number, start, last)  # the first line follows from ``start``
            if place in seen:
                continue
            seen.add(place)
            if is_row or texts is toks:
                (rows if is_row else groups).append(Anchor(row, at[i], last, start, at[i]))
    chosen = _chain(_merge(rows) + weak, layout.table3, lines)
    if chosen:
        # A bare 「其他」/「总计」 is a row label only after a real row: otherwise it is a header word.
        first_strong = min((a.first for a in chosen if not a.weak), default=None)
        chosen = [a for a in chosen if not a.weak or (first_strong is not None and a.first > first_strong)]
    return chosen + _merge(groups)


def _weak(toks: list[Tok], labels: list[str], line_of: list[int], layout: Layout) -> list[Anchor]:
    """Anchors of weak rows: a whole, short label that is their bare word (「其他」, 「(七)合计」)."""
    if layout.weak3 is None:
        return []
    out = []
    fullmatch = layout.weak3.fullmatch
    for i in [i for i, label in enumerate(labels) if len(label) <= _SHORT]:
        m = fullmatch(labels[i])
        if m is not None:
            line = line_of[i]
            out.append(Anchor(layout.table3[int(m.lastgroup[1:])], line, line, toks[i].start, line, weak=True))  # type: ignore[index]  # every group is named
    return out


def extend(anchors: list[Anchor], lines: list[Line]) -> None:
    """Widen each anchor over neighbouring lines that hold fragments of its own label."""
    key_lines: dict[int, int] = {}  # line → the first row anchor on it
    for i in range(len(anchors) - 1, -1, -1):
        a = anchors[i]
        if not a.row.group:  # a group label shares its lines with its first rows' labels
            key_lines.update(dict.fromkeys(range(a.first, a.last + 1), i))
    labels: dict[int, list[str]] = {}  # a line's label texts that can be fragments, once per line
    for i, a in enumerate(anchors):
        # Most often the next line is another row's label, and nothing widens.
        if key_lines.get(a.last + 1, i) == i:
            a.last = _reach(a.row.full, i, lines, key_lines, labels, a.last, +1)
        if key_lines.get(a.first - 1, i) == i:
            a.first = _reach(a.row.full, i, lines, key_lines, labels, a.first, -1)


def _reach(full: str, i: int, lines: list[Line], key_lines: dict[int, int], labels: dict[int, list[str]],
           edge: int, step: int) -> int:
    """The farthest line from ``edge`` (going by ``step``) holding a fragment of ``full``, each
    within ``_EXTEND_LINES`` of the one before, none past another row's label or other text."""
    end = -1 if step < 0 else len(lines)
    while True:
        for k in range(edge + step, max(end, edge - _EXTEND_LINES - 1) if step < 0 else min(end, edge + _EXTEND_LINES + 1),
                       step):
            if key_lines.get(k, i) != i:
                return edge
            texts = lines[k].texts
            if texts:  # a line of values only neither widens nor stops the label
                mine = labels.get(k)
                if mine is None:
                    mine = labels[k] = [t.label for t in texts if len(t.label) >= 2]
                if any(t in full for t in mine):
                    edge = k
                    break  # and on from there
                if mine:
                    return edge
        else:
            return edge


def _merge(found: list[Anchor]) -> list[Anchor]:
    """Matches of one row's key phrases on nearby lines are one label, wrapped (or found twice)."""
    out: list[Anchor] = []
    by_row: dict[str, list[Anchor]] = {}  # the anchors of ``out``, per row
    for a in sorted(found, key=_PLACE):
        same = by_row.setdefault(a.row.key, [])
        for prev in reversed(same):
            if a.first - prev.last <= _MERGE_LINES:
                prev.last = max(prev.last, a.last)
                break
        else:
            out.append(a)
            same.append(a)
    return out


def _chain(found: list[Anchor], rows: tuple[RowDef, ...], lines: list[Line]) -> list[Anchor]:
    """The best chain of anchors in table order (weighted longest increasing subsequence).

    An anchor extends the best chain among the anchors of earlier rows that start before it
    (of equals, the first). Those are kept as a staircase, by start: the anchors that no other
    starting no later beats (scores more, or as much and comes first). Along it the scores
    rise, so the best chain before a start is the last step before it, found by bisection.
    """
    if not found:
        return []
    order = {row.key: i for i, row in enumerate(rows)}
    with_values = _value_lines(lines)
    found.sort(key=lambda a: (order[a.row.key], a.start))
    best: list[float] = []
    back: list[int] = []
    steps: list[int] = []  # the staircase: anchors, by start
    step_starts: list[int] = []
    pending = 0  # found[pending:i] are the anchors of this one's row, not yet on the staircase
    for i, a in enumerate(found):
        if i and a.row is not found[i - 1].row:
            for j in range(pending, i):
                _climb(j, found[j].start, best, steps, step_starts)
            pending = i
        weight = (0.5 if a.weak else 1.0) + (0.5 if not with_values.isdisjoint(range(a.first - 1, a.last + 2)) else 0)
        k = bisect.bisect_left(step_starts, a.start)
        if k:
            arg = steps[k - 1]
            best.append(best[arg] + weight)
            back.append(arg)
        else:
            best.append(0.0 + weight)
            back.append(-1)
    i = max(range(len(found)), key=best.__getitem__)
    picked = []
    while i >= 0:
        picked.append(found[i])
        i = back[i]
    return picked[::-1]


def _climb(j: int, start: int, best: list[float], steps: list[int], step_starts: list[int]) -> None:
    """Put anchor ``j`` on the staircase, unless a step starting no later scores at least as well
    (of equals, the earlier anchor wins); the steps from its start on that score less leave it."""
    score = best[j]
    at = bisect.bisect_right(step_starts, start)
    if at and best[steps[at - 1]] >= score:
        return
    lo = at - 1 if at and step_starts[at - 1] == start else at
    hi = at
    while hi < len(steps) and best[steps[hi]] < score:
        hi += 1
    steps[lo:hi] = [j]
    step_starts[lo:hi] = [start]


def _near(a: Anchor, with_values: set[int]) -> bool:
    return not with_values.isdisjoint(range(a.first - 1, a.last + 2))


def _value_lines(lines: list[Line]) -> set[int]:
    out: set[int] = set()
    for line in lines:
        if line.run is not None:
            out.update(range(line.run.line, line.run.last + 1))
    return out
