"""The rules reader's row finding and alignment: the fast forms against plain reference forms.

``anchors._chain`` (a staircase of best chains) and ``align._solve`` (a Fenwick tree with a
chain shortcut) must choose exactly what the plain quadratic searches choose, ties included:
the reader's output depends on which of equal chains wins.
"""
from __future__ import annotations

import random

import pytest

from extractor.readers.rules import align, anchors
from extractor.readers.rules.anchors import Anchor
from extractor.readers.rules.rows import layout
from extractor.readers.rules.tokens import NUM, Line, Run, Tok


def _chain_reference(found, rows, lines):
    """The weighted longest increasing subsequence, every earlier anchor tried (quadratic)."""
    order = {row.key: i for i, row in enumerate(rows)}
    with_values = anchors._value_lines(lines)
    found = sorted(found, key=lambda a: (order[a.row.key], a.start))
    best, back, earlier = [], [], 0
    for i, a in enumerate(found):
        if i and a.row is not found[i - 1].row:
            earlier = i
        weight = (0.5 if a.weak else 1.0) + (0.5 if anchors._near(a, with_values) else 0)
        top, arg = 0.0, -1
        for j in range(earlier):
            if found[j].start < a.start and best[j] > top:
                top, arg = best[j], j
        best.append(top + weight)
        back.append(arg)
    i = max(range(len(found)), key=best.__getitem__)
    chain = []
    while i >= 0:
        chain.append(found[i])
        i = back[i]
    return chain[::-1]


def _lines(n: int, with_runs: set[int]) -> list[Line]:
    out = []
    for k in range(n):
        line = Line(k, 10 * k, 10 * k + 9)
        if k in with_runs:
            line.run = Run(k, k, [Tok(NUM, 10 * k + 5, 10 * k + 6, "1", 1)])
        out.append(line)
    return out


@pytest.mark.parametrize("seed", range(300))
def test_chain_is_the_quadratic_search(seed):
    rnd = random.Random(seed)
    rows = layout("2021").table3
    n_lines = rnd.randint(1, 40)
    lines = _lines(n_lines, {k for k in range(n_lines) if rnd.random() < 0.4})
    found = []
    for _ in range(rnd.randint(1, 30)):
        row = rows[rnd.randrange(min(len(rows), rnd.choice((3, 8, len(rows)))))]
        first = rnd.randrange(n_lines)
        start = rnd.choice((rnd.randrange(10), 10 * first + rnd.randrange(3)))  # equal starts happen
        found.append(Anchor(row, first, min(n_lines - 1, first + rnd.randint(0, 1)), start, first, weak=rnd.random() < 0.2))
    got = anchors._chain(list(found), rows, lines)
    want = _chain_reference(list(found), rows, lines)
    assert [id(a) for a in got] == [id(a) for a in want]


def _solve_reference(pairs, n_runs, prefer):
    """The best monotone matching: every earlier pair tried (quadratic); of equal chains, the one
    the reader has always chosen (the first found by the Fenwick tree's own query order)."""
    by_anchor: dict[int, list] = {}
    for p in pairs:
        by_anchor.setdefault(p[0], []).append(p)
    size = n_runs + 1
    tree_val, tree_node, nodes = [0.0] * (size + 1), [-1] * (size + 1), []
    for ai, found in by_anchor.items():
        pending = []
        for pair in found:
            score = align._score(pair, prefer)
            if score <= 0:
                continue
            base, prev, i = 0.0, -1, pair[1]
            while i > 0:
                if tree_val[i] > base:
                    base, prev = tree_val[i], tree_node[i]
                i -= i & -i
            pending.append((pair[1], base + score, (ai, pair[1], score, pair[3], pair[4]), prev))
        for ri, value, pair, prev in pending:
            nodes.append((pair, prev))
            i = ri + 1
            while i <= size:
                if value > tree_val[i]:
                    tree_val[i], tree_node[i] = value, len(nodes) - 1
                i += i & -i
    node, i, best = -1, size, 0.0
    while i > 0:
        if tree_val[i] > best:
            best, node = tree_val[i], tree_node[i]
        i -= i & -i
    chosen = []
    while node >= 0:
        pair, node = nodes[node]
        chosen.append(pair)
    return chosen[::-1]


@pytest.mark.parametrize("seed", range(300))
def test_solve_matches_the_tree(seed):
    rnd = random.Random(seed)
    n_runs = rnd.randint(1, 30)
    pairs = []
    for ai in range(rnd.randint(1, 25)):
        for ri in sorted(rnd.sample(range(n_runs), rnd.choice((1, 1, 2, 3)) if n_runs > 2 else 1)):
            d = rnd.choice((0, 0, 1, 2))
            pairs.append((ai, ri, rnd.choice((10.0, 7.5, 5.5, 3.0, 2.5, 1.0)), d, 0 if d == 0 else rnd.choice((1, -1))))
    for prefer in (None, 1, -1):
        assert align._solve(pairs, n_runs, prefer) == _solve_reference(pairs, n_runs, prefer)


def test_solve_chain_shortcut():
    """Pairs that already form a chain are the matching; one against the direction drops out
    when its score falls to nothing."""
    pairs = [(0, 0, 7.5, 1, 1), (1, 1, 2.5, 1, -1), (2, 3, 10.0, 0, 0)]
    assert align._solve(pairs, 4, None) == pairs
    assert align._solve(pairs, 4, 1) == [pairs[0], pairs[2]]
    assert align._solve(pairs, 4, 1) == _solve_reference(pairs, 4, 1)


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_scanners_find_what_the_combined_patterns_find(template):
    """``Layout.scan2``/``scan3`` (one alternative per first character) find the same places and
    rows as ``pattern2``/``pattern3`` (one group per row), in streams of label text where key
    phrases overlap, repeat, are cut and sit beside look-alikes."""
    from extractor.readers.rules.rows import _KEYS

    lay = layout(template)
    pieces = [p.replace("\\", "").replace("[.、)]?", "、").replace("[)、.]", ")") for keys in _KEYS.values() for p in keys]
    pieces = [p.split("(?!")[0] for p in pieces] + ["其他处理", "其他法律", "3其他", "3、其他组织", "不予公开", "无法提供",
                                                  "不予处理", "信息", "行政", "\x00", "（", "七"]
    rnd = random.Random(template)
    for _ in range(300):
        stream = "".join(rnd.choice(pieces)[: rnd.choice((99, 99, 2, 3))] for _ in range(rnd.randint(1, 12)))
        for combined, scan, name_of in (
            (lay.pattern2, lay.scan2, lambda m: lay.found2[m.lastindex].key),
            (lay.pattern3, lay.scan3, lambda m: lay.found3[m.lastindex][2].key),
        ):
            rows = {f"r{i}": d.key for i, d in enumerate(lay.table2 if combined is lay.pattern2 else lay.table3)}
            rows.update({f"g{i}": d.key for i, d in enumerate(lay.groups)})
            want = [(m.span(), rows[m.lastgroup]) for m in combined.finditer(stream)]
            assert [(m.span(), name_of(m)) for m in scan.finditer(stream)] == want, stream
