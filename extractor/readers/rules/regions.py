"""Where tables 二, 三 and 四 lie in the text, from the part headings (or, without them, markers)."""
from __future__ import annotations

import re
from typing import NamedTuple

from extractor.parts import PART_KEYS, Part

_T2_MARK = re.compile(r"第二十条|信息内容")
_T3_MARK = re.compile(r"[勾钩]稽|申请人情况|本年新收")

Span = tuple[int, int]


class Regions(NamedTuple):
    t2: Span | None
    t3: Span | None
    t4: Span | None

    @property
    def wide(self) -> Span | None:
        """All three tables' parts together: where to look again when a table is not in its own
        part (part 一's own 「二、加强主动公开…」 heading taken for part 二's)."""
        found = [r for r in (self.t2, self.t3, self.t4) if r is not None]
        return (min(r[0] for r in found), max(r[1] for r in found)) if found else None


def regions(text: str, parts: dict[str, Part]) -> Regions:
    heads = {k: _heading_start(text, p) for k, p in parts.items() if p.start >= 0}

    def limit(after: str) -> int:
        later = [heads[k] for k in PART_KEYS[PART_KEYS.index(after) + 1:] if k in heads]
        return min(later) if later else len(text)

    t2 = _part(parts["p2"]) or _marked(text, _T2_MARK, parts["p1"].start if "p1" in heads else 0, limit("p2"))
    t3 = _part(parts["p3"])
    if t3 is None:
        t3 = _marked(text, _T3_MARK, t2[0] if t2 else 0, limit("p3"))
    if t2 and t3 and t2[0] < t3[0] < t2[1]:
        t2 = (t2[0], t3[0])  # part 三's heading was not found: 表三 starts at its own header
    return Regions(t2, t3, _part(parts["p4"]))


def _part(part: Part) -> Span | None:
    return (part.start, part.end) if part.start >= 0 else None


def _heading_start(text: str, part: Part) -> int:
    return text.rfind("\n", 0, max(part.start - 1, 0)) + 1


def _marked(text: str, mark: re.Pattern, start: int, end: int) -> Span | None:
    m = mark.search(text, start, end)
    if m is None:
        return None
    return text.rfind("\n", 0, m.start()) + 1, end
