"""Glued rows: the exact decoder of a row whose cells lost every separator.

Crawled text of HTML tables often prints a row as its label and one digit string,
``一、本年新收政府信息公开申请数量12530000128`` for 125|3|0|0|0|0|128. This module finds every way
to cut such a string into the row's cells, under the rules the cells must obey:

- a number has no leading zero (a lone ``0`` is fine); a sign (本年增/减) starts a number; a money
  cell may carry one decimal point;
- ``total``: the last cell is the sum of the others (表三 rows, H3);
- ``blocks``: 15 cells in three blocks of five, each block's last cell the sum of its other four
  (表四, H4);
- no rule (表二): every cut that makes numbers.

The search is exact, a depth-first walk over digit positions in which a partial sum larger than
the total, or a rest too long to make the remaining cells, ends the branch. It returns every
surviving split (up to a limit), so the caller can tell a unique split from a choice.
"""
from __future__ import annotations

from functools import cache
from typing import NamedTuple

from extractor.lazy_re import lazy_compile

COUNT, SIGNED, MONEY = "count", "signed", "money"
TOTAL, BLOCKS = "total", "blocks"
LIMIT = 24  # more splits than this are not worth listing: the row needs a person anyway
BUDGET = 50_000  # steps of one search; a string that needs more is left undecided (none seen does)
_BLOCK = 5
_SIGNS = "+-−"
# The digits at the end of a line, after its label: maybe a unit, maybe the next row's ordinal
# (「…00000002.」: the 「2.」 opens the next label, as a number never ends with a point).
_TAIL = lazy_compile(r"(?<![\d.+\-−])(?P<digits>[+\-−]?\d[\d.+\-−]*?)(?P<ordinal>[1-8][.、])?(?P<unit>万元|元)?[\s|]*$")


class Piece(NamedTuple):
    start: int  # offsets in the digit string
    end: int
    value: int | float


Split = tuple[Piece, ...]


class Found(NamedTuple):
    splits: list[Split]  # up to LIMIT + 1
    complete: bool  # every split was found: a single one is the only one


class _OutOfSteps(Exception):
    pass


class _Steps:
    __slots__ = ("left",)

    def __init__(self, budget: int):
        self.left = budget

    def take(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _OutOfSteps


class Tail(NamedTuple):
    start: int  # offsets of the digits in the line
    end: int
    digits: str
    unit: str | None


def tail(line: str) -> Tail | None:
    """The digit string a line ends with, without a trailing ordinal of the next row."""
    m = _TAIL.search(line)
    if m is None:
        return None
    return Tail(m.start("digits"), m.end("digits"), m.group("digits"), m.group("unit"))


def splits(digits: str, kinds: tuple[str, ...], rule: str | None = None, limit: int = LIMIT,
           budget: int = BUDGET) -> Found:
    """Every way (up to ``limit`` + 1) to cut ``digits`` into ``len(kinds)`` numbers under ``rule``."""
    if len(digits) < len(kinds):
        return Found([], True)
    if rule in (TOTAL, BLOCKS) and any(k != COUNT for k in kinds):
        raise ValueError("the sum rules apply to counts only")
    if rule == BLOCKS and len(kinds) != 3 * _BLOCK:
        raise ValueError("the block rule applies to the 15 counts of 表四")
    steps = _Steps(budget)
    try:
        if rule == TOTAL:
            found = _with_total(digits, 0, len(digits), len(kinds), limit, steps)
        elif rule == BLOCKS:
            found = _blocks(digits, limit, steps)
        else:
            found = _free(digits, kinds, limit, steps)
    except _OutOfSteps:
        return Found([], False)
    return Found(found, len(found) <= limit)


def _numbers(s: str, i: int, kind: str) -> list[tuple[int, int | float]]:
    """Each number of ``kind`` that can start at ``s[i]``: (end, value)."""
    if i >= len(s):
        return []
    sign = 1
    start = i
    if kind == SIGNED and s[i] in _SIGNS:
        sign = -1 if s[i] != "+" else 1
        i += 1
        if i >= len(s):
            return []
    if not s[i].isdigit():
        return []
    if s[i] == "0":
        ends = [i + 1]
    else:
        j = i + 1
        while j < len(s) and s[j].isdigit():
            j += 1
        ends = list(range(i + 1, j + 1))
    out: list[tuple[int, int | float]] = []
    for e in ends:
        out.append((e, sign * int(s[i:e])))
        if kind == MONEY and e < len(s) and s[e] == ".":
            k = e + 1
            while k < len(s) and s[k].isdigit():
                k += 1
                out.append((k, float(s[start:k])))
    return out


def _free(s: str, kinds: tuple[str, ...], limit: int, steps: _Steps) -> list[Split]:
    out: list[Split] = []

    def walk(i: int, k: int, acc: tuple[Piece, ...]) -> None:
        steps.take()
        if len(out) > limit:
            return
        if k == len(kinds):
            if i == len(s):
                out.append(acc)
            return
        if len(s) - i < len(kinds) - k:
            return
        for end, value in _numbers(s, i, kinds[k]):
            walk(end, k + 1, (*acc, Piece(i, end, value)))

    walk(0, 0, ())
    return out


def _whole(s: str, i: int, j: int) -> int | None:
    """``s[i:j]`` as one count, or None."""
    chunk = s[i:j]
    if not chunk.isdigit() or (len(chunk) > 1 and chunk[0] == "0"):
        return None
    return int(chunk)


def _with_total(s: str, lo: int, hi: int, n: int, limit: int, steps: _Steps) -> list[Split]:
    """Splits of ``s[lo:hi]`` into ``n`` counts whose last is the sum of the others."""
    out: list[Split] = []
    for j in range(lo + n - 1, hi):
        width, parts = hi - j, j - lo
        if parts > (n - 1) * width or width > parts - (n - 1) + 2:
            continue  # some part would exceed the total, or all of them together fall short of it
        total = _whole(s, j, hi)
        if total is None:
            continue
        for head in _summing(s, lo, j, n - 1, total, limit, steps):
            out.append((*head, Piece(j, hi, total)))
            if len(out) > limit:
                return out
    return out


def _summing(s: str, lo: int, hi: int, k: int, rest: int, limit: int, steps: _Steps) -> list[Split]:
    """Splits of ``s[lo:hi]`` into ``k`` counts summing to ``rest``."""

    @cache
    def walk(i: int, k: int, rest: int) -> tuple[Split, ...]:
        steps.take()
        length = hi - i
        digits = len(str(rest))
        if length < k or length > k * digits or digits > length - k + 2:
            return ()  # too short for k numbers, a number would exceed the rest, or all fall short of it
        if k == 1:
            value = _whole(s, i, hi)
            return ((Piece(i, hi, value),),) if value == rest else ()
        found: list[Split] = []
        if not s[i].isdigit():
            return ()
        last = i + 1 if s[i] == "0" else min(hi - (k - 1), i + digits)  # no leading zero; not above the rest
        for end in range(i + 1, last + 1):
            if not s[end - 1].isdigit():
                break
            value = int(s[i:end])
            if value > rest:
                break  # values only grow with the end
            for more in walk(end, k - 1, rest - value):
                found.append((Piece(i, end, value), *more))
                if len(found) > limit:
                    return tuple(found)
        return tuple(found)

    return list(walk(lo, k, rest))


def _blocks(s: str, limit: int, steps: _Steps) -> list[Split]:
    n = len(s)
    block = cache(lambda i, j: _with_total(s, i, j, _BLOCK, limit, steps))
    out: list[Split] = []
    for a in range(_BLOCK, n - 2 * _BLOCK + 1):
        first = block(0, a)
        if not first:
            continue
        for b in range(a + _BLOCK, n - _BLOCK + 1):
            second = block(a, b)
            if not second:
                continue
            third = block(b, n)
            for x in first:
                for y in second:
                    for z in third:
                        out.append((*x, *y, *z))
                        if len(out) > limit:
                            return out
    return out
