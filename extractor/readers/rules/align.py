"""Which run of values belongs to which row label: an order-preserving best matching.

A run belongs to the label on its own line, or — in one-cell-per-line text and in PDF layout
text, where a value sits half a line above or below a wrapped label — to a label a line or
two away. Labels and runs are both in table order, so the assignment is a monotone matching
(an alignment, solved exactly by dynamic programming) that maximises the sum of pair scores.
A pair scores less the farther apart label and values are, when the run has its own,
foreign text, or too few values. Runs left over are garbage or belong to another table.

The direction a layout puts values in (after the label, before it) is learnt per table: a
first pass finds it, a second pass prefers it. A match whose run could almost as well belong
to an unmatched neighbour is ``contested``; its cells get lower confidence.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from extractor.readers.rules.anchors import Anchor
from extractor.readers.rules.tokens import PIPE, Line, Run

_MAX_DISTANCE = 3
_PER_LINE = 2.5
_FOREIGN_TEXT = 5.0
_GROUP = 2.0
_AGAINST_DIRECTION = 3.0
_CONTEST_MARGIN = 3.0
_MAX_EXTRA = 2  # a row with its total may carry a stray number or two (read by its totals)


@dataclass(slots=True)
class Match:
    run: Run
    score: float
    distance: int
    contested: bool = False
    against: bool = False  # the values sit on the other side of the label than in the rest of the table


def match(anchors: list[Anchor], runs: list[Run], lines: list[Line]) -> dict[int, Match]:
    """``{index into anchors: Match}`` for every anchor that gets a run."""
    if not anchors or not runs:
        return {}
    owner: dict[int, int] = {}
    for i, a in enumerate(anchors):
        for k in range(a.first, a.last + 1):
            owner.setdefault(k, i)
    if any(r.line >= s.line for r, s in zip(runs, runs[1:])):  # the tables pass them in line order
        runs = sorted(runs, key=lambda r: (r.line, r.start))
    order = sorted(range(len(anchors)), key=lambda i: (anchors[i].first, anchors[i].start))
    pairs = _pairs(anchors, order, runs, lines, owner)
    chosen = _solve(pairs, order, len(runs), None)
    below = sum(1 for p in chosen if p[4] > 0)
    above = sum(1 for p in chosen if p[4] < 0)
    prefer = None if below == above else 1 if below > above else -1
    if prefer is not None:
        chosen = _solve(pairs, order, len(runs), prefer)
    return _result(chosen, pairs, runs, anchors, prefer)


# A pair: (anchor index, run index, score, distance, direction: 0 same, 1 values below, -1 above)
Pair = tuple[int, int, float, int, int]


def _pairs(anchors: list[Anchor], order: list[int], runs: list[Run], lines: list[Line],
           owner: dict[int, int]) -> dict[int, list[Pair]]:
    out: dict[int, list[Pair]] = {}
    lasts = [r.last for r in runs]
    for ai in order:
        a = anchors[ai]
        first, last, reach = a.first, a.last, a.last + _MAX_DISTANCE
        width = a.row.width
        found: list[Pair] = []
        for ri in range(bisect.bisect_left(lasts, first - _MAX_DISTANCE), len(runs)):
            r = runs[ri]
            line = r.line
            if line > reach:
                break
            if first <= line <= last:
                if line == a.line and r.start < a.start:
                    continue  # values before the label on its own line belong elsewhere
                d, way = 0, 0
            elif line > last:
                d, way = line - last, 1
            else:
                d, way = first - r.last, -1
            penalty = 0.0
            if d and r.labelled:
                other = owner.get(line)
                if other is not None and other != ai:
                    continue  # the run has its own label
                if any(len(t.label) >= 2 for t in lines[line].texts):
                    if r.grid == PIPE:
                        continue  # a pipe row carries its own label, even one not recognised
                    penalty += _FOREIGN_TEXT
            n = r.width(width)
            if n > width:
                if not a.row.sums or n > width + _MAX_EXTRA:
                    continue
                penalty += 2 + 0.5 * (n - width)
            if n < width:
                if 2 * n < width and not r.cut:  # a row cut off by the end of the text is short
                    continue
                penalty += 2 + 0.3 * (width - n)
            if a.row.group:
                penalty += _GROUP
            score = 10 - _PER_LINE * d - penalty
            if score > 0:
                found.append((ai, ri, score, d, way))
        if found:
            out[ai] = found
    return out


def _solve(pairs: dict[int, list[Pair]], order: list[int], n_runs: int, prefer: int | None) -> list[Pair]:
    """The monotone matching with the highest total score (Fenwick tree over run indices)."""
    size = n_runs + 1
    tree_val = [0.0] * (size + 1)
    tree_node = [-1] * (size + 1)
    nodes: list[tuple[Pair, int]] = []  # (pair, previous node)
    # The tree's query and update are written out in the loop: as functions they were a third of its cost.
    for ai in order:
        pending = []
        for pair in pairs.get(ai, ()):
            ri, way = pair[1], pair[4]
            score = _score(pair, prefer)
            if score <= 0:
                continue
            base, prev, i = 0.0, -1, ri  # query: the best chain using runs with index < ri
            while i > 0:
                if tree_val[i] > base:
                    base, prev = tree_val[i], tree_node[i]
                i -= i & -i
            pending.append((ri, base + score, (pair[0], ri, score, pair[3], way), prev))
        for ri, value, pair, prev in pending:
            nodes.append((pair, prev))
            node, i = len(nodes) - 1, ri + 1  # update: runs from ri on can extend this chain
            while i <= size:
                if value > tree_val[i]:
                    tree_val[i], tree_node[i] = value, node
                i += i & -i
    node, i, best = -1, size, 0.0  # query over all runs
    while i > 0:
        if tree_val[i] > best:
            best, node = tree_val[i], tree_node[i]
        i -= i & -i
    chosen = []
    while node >= 0:
        pair, node = nodes[node]
        chosen.append(pair)
    return chosen[::-1]


def _score(pair: Pair, prefer: int | None) -> float:
    if prefer is not None and pair[4] and pair[4] != prefer:
        return pair[2] - _AGAINST_DIRECTION
    return pair[2]


def _result(chosen: list[Pair], pairs: dict[int, list[Pair]], runs: list[Run], anchors: list[Anchor],
            prefer: int | None) -> dict[int, Match]:
    used_runs = {p[1] for p in chosen}
    used_anchors = {p[0] for p in chosen}
    by_run: dict[int, list[Pair]] = {}
    for found in pairs.values():
        for p in found:
            by_run.setdefault(p[1], []).append(p)
    out: dict[int, Match] = {}
    for ai, ri, score, d, way in chosen:
        floor = score - _CONTEST_MARGIN
        contested = any(p[1] not in used_runs and _score(p, prefer) >= floor for p in pairs[ai]) or any(
            p[0] not in used_anchors and not anchors[p[0]].row.group and _score(p, prefer) >= floor
            for p in by_run[ri]
        )
        out[ai] = Match(runs[ri], score, d, contested, prefer is not None and way != 0 and way != prefer)
    return out
