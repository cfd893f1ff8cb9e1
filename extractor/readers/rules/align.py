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
from operator import ge

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
    owner: dict[int, int] = {}  # line → the first label on it
    for i in range(len(anchors) - 1, -1, -1):
        a = anchors[i]
        owner.update(dict.fromkeys(range(a.first, a.last + 1), i))
    at = [r.line for r in runs]
    if any(map(ge, at, at[1:])):  # the tables pass them in line order
        runs = sorted(runs, key=lambda r: (r.line, r.start))
    order = sorted(range(len(anchors)), key=[(a.first, a.start) for a in anchors].__getitem__)
    pairs = _pairs(anchors, order, runs, lines, owner)
    chosen = _solve(pairs, len(runs), None)
    ways = [p[4] for p in chosen]
    below, above = ways.count(1), ways.count(-1)
    prefer = None if below == above else 1 if below > above else -1
    if prefer is not None:
        if -prefer in [p[4] for p in pairs]:
            chosen = _solve(pairs, len(runs), prefer)
        else:
            prefer = None  # no pair goes against the direction: no score changes, nor the matching
    return _result(chosen, pairs, runs, anchors, prefer)


# A pair: (anchor index, run index, score, distance, direction: 0 same, 1 values below, -1 above)
Pair = tuple[int, int, float, int, int]


def _pairs(anchors: list[Anchor], order: list[int], runs: list[Run], lines: list[Line],
           owner: dict[int, int]) -> list[Pair]:
    """Every pair of a label and a run that could belong together, the labels in ``order``.

    What a run brings to a pair with a label on other lines depends on the run alone (it has
    its own label, foreign text, or neither), and how well it fills a row on the row's width:
    both are worked out once per run, not once per pair.
    """
    out: list[Pair] = []
    at = [r.line for r in runs]
    lasts = [r.last for r in runs]
    away = [_away(r, lines, owner) for r in runs]  # the run's penalty with a label on other lines; < 0: none
    fits: dict[tuple[int, int], int] = {}  # (run, row width) → how many cells the run fills
    for ai in order:
        a = anchors[ai]
        row = a.row
        first, last = a.first, a.last
        width, group = row.width, _GROUP if row.group else 0.0
        for ri in range(bisect.bisect_left(lasts, first - _MAX_DISTANCE), bisect.bisect_right(at, last + _MAX_DISTANCE)):
            line = at[ri]
            if line > last:
                d, way = line - last, 1
            elif line < first:
                d, way = first - lasts[ri], -1
            else:
                if line == a.line and runs[ri].start < a.start:
                    continue  # values before the label on its own line belong elsewhere
                d, way = 0, 0
            if d:
                penalty = away[ri]
                if penalty < 0:
                    continue
            else:
                penalty = 0.0
            n = fits.get((ri, width))
            if n is None:
                n = fits[ri, width] = runs[ri].width(width)
            if n > width:
                if not row.sums or n > width + _MAX_EXTRA:
                    continue
                penalty += 2 + 0.5 * (n - width)
            elif n < width:
                if 2 * n < width and not runs[ri].cut:  # a row cut off by the end of the text is short
                    continue
                penalty += 2 + 0.3 * (width - n)
            score = 10 - _PER_LINE * d - (penalty + group)
            if score > 0:
                out.append((ai, ri, score, d, way))
    return out


def _away(r: Run, lines: list[Line], owner: dict[int, int]) -> float:
    """The penalty of pairing a run with a label on other lines; -1 where it cannot be."""
    if not r.labelled:
        return 0.0
    if owner.get(r.line) is not None:
        return -1.0  # the run has its own label
    if any(len(t.label) >= 2 for t in lines[r.line].texts):
        return -1.0 if r.grid == PIPE else _FOREIGN_TEXT  # a pipe row carries its own label, even one not recognised
    return 0.0


def _solve(pairs: list[Pair], n_runs: int, prefer: int | None) -> list[Pair]:
    """The monotone matching with the highest total score (Fenwick tree over run indices).

    ``pairs`` come grouped by label, the labels in table order. When the pairs that score form
    a chain already (one per label, runs in order), that chain is the matching: the tree is
    built only when labels compete for runs.
    """
    if prefer is None:
        scored = pairs  # every pair scores (``_pairs`` keeps only those)
    else:
        against = -prefer
        scored = []
        for p in pairs:
            if p[4] == against:
                p = (p[0], p[1], p[2] - _AGAINST_DIRECTION, p[3], p[4])
                if p[2] <= 0:
                    continue
            scored.append(p)
    if all(p[0] != q[0] and p[1] < q[1] for p, q in zip(scored, scored[1:])):
        return list(scored)
    size = n_runs + 1
    tree_val = [0.0] * (size + 1)
    tree_node = [-1] * (size + 1)
    nodes: list[tuple[Pair, int]] = []  # (pair, previous node)
    pending: list[tuple[int, float, Pair, int]] = []  # the current label's pairs, added after all are queried
    label = -1
    # The tree's query and update are written out in the loop: as functions they were a third of its cost.
    for pair in scored + [(-1, 0, 0.0, 0, 0)]:  # a last, empty label adds the last label's pairs
        if pair[0] != label:
            label = pair[0]
            for ri, value, found, prev in pending:  # update: runs from ri on can extend this chain
                node, i = len(nodes), ri + 1
                nodes.append((found, prev))
                while i <= size:
                    if value > tree_val[i]:
                        tree_val[i], tree_node[i] = value, node
                    i += i & -i
            pending = []
        ri = pair[1]
        base, prev, i = 0.0, -1, ri  # query: the best chain using runs with index < ri
        while i > 0:
            if tree_val[i] > base:
                base, prev = tree_val[i], tree_node[i]
            i -= i & -i
        pending.append((ri, base + pair[2], pair, prev))
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


def _result(chosen: list[Pair], pairs: list[Pair], runs: list[Run], anchors: list[Anchor],
            prefer: int | None) -> dict[int, Match]:
    used_runs = {p[1] for p in chosen}
    used_anchors = {p[0] for p in chosen}
    by_anchor: dict[int, list[Pair]] = {}
    by_run: dict[int, list[Pair]] = {}
    for p in pairs:
        by_anchor.setdefault(p[0], []).append(p)
        by_run.setdefault(p[1], []).append(p)
    out: dict[int, Match] = {}
    for ai, ri, score, d, way in chosen:
        # Contested: a pair of this label with an unused run, or of this run with an unmatched
        # label, scores nearly as well. A label or run with one pair has only the chosen one.
        floor = score - _CONTEST_MARGIN
        mine, theirs = by_anchor[ai], by_run[ri]
        contested = (len(mine) > 1 and any(p[1] not in used_runs and _score(p, prefer) >= floor for p in mine)) or (
            len(theirs) > 1 and any(p[0] not in used_anchors and not anchors[p[0]].row.group
                                    and _score(p, prefer) >= floor for p in theirs))
        out[ai] = Match(runs[ri], score, d, contested, prefer is not None and way != 0 and way != prefer)
    return out
