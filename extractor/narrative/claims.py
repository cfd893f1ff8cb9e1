"""Structured claims in the narrative: totals with their breakdown, announced enumerations,
and the number of parts the report says it has.

- 「共 369 条，其中乡镇文件 6 条，乡镇动态 308 条，…」 and 「…36 条。在主动公开的政府信息中，
  信息公开指南 1 条，占 1.9%；…」 → :class:`Breakdown` (total, parts, the share stated for each part).
- 「主要有三种形式：一是…二是…三是…四是…」 → :class:`Enumeration` (announced 3, found 4).
- 「本报告由…六部分组成」 → 6.
"""
from __future__ import annotations

from typing import NamedTuple

from extractor.lazy_re import lazy_compile
from extractor.narrative.compact import Compact
from extractor.narrative.figures import SENTENCE_BREAK, Mention, forward

_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_QIZHONG = lazy_compile(r"\)?[,;:]?其中[,:]?")  # used with .match(text, pos)
_IN_SET = lazy_compile(r"在([^,。]{2,20})中,")
_NEW_TOTAL = lazy_compile(r"共计|共|累计|合计|总计")
_ANNOUNCE = lazy_compile(
    r"([一二两三四五六七八九十])(?:种|个|类|项|条|点|大)(?:形式|方面|渠道|途径|措施|举措|问题|类型|方式|平台)"
    r"[^。:]{0,12}[:,]")
_ORDINAL = "一二三四五六七八九十"
_SUBHEADING = lazy_compile(r"\([一二三四五六七八九十]\)|(?:^|\n)\d{1,2}\.")
_PARTS_PROMISE = lazy_compile(r"(六|6)个?部分")


class Breakdown(NamedTuple):
    total: Mention
    parts: tuple[Mention, ...]
    shares: tuple[Mention | None, ...]  # 「占 p%」 stated for each part, if any


class Enumeration(NamedTuple):
    announced: int
    found: int
    start: int  # compact span of the announcement
    end: int


def breakdowns(c: Compact, ms: list[Mention]) -> list[Breakdown]:
    out = []
    for i, total in enumerate(ms):
        if total.unit == "%" or total.approx:
            continue
        begin = _parts_begin(c.text, total, ms[i + 1:])
        if begin is None:
            continue
        stop = forward(c.text, begin, SENTENCE_BREAK)
        parts: list[Mention] = []
        shares: list[Mention | None] = []
        for m in ms[i + 1:]:
            if m.start < begin:
                continue
            if m.start >= stop:
                break
            if m.unit == "%":
                if parts and shares[-1] is None and "占" in c.text[parts[-1].end:m.start]:
                    shares[-1] = m
                continue
            if m.unit != total.unit or _opens_total(c.text, m):
                break
            parts.append(m)
            shares.append(None)
        if parts:
            out.append(Breakdown(total, tuple(parts), tuple(shares)))
    return out


def enumerations(c: Compact) -> list[Enumeration]:
    """Announcements of a count followed by 一是/二是/… items; ``found`` counts the items."""
    out = []
    announcements = list(_ANNOUNCE.finditer(c.text))
    for k, a in enumerate(announcements):
        limit = announcements[k + 1].start() if k + 1 < len(announcements) else len(c.text)
        heading = _SUBHEADING.search(c.text, a.end(), limit)
        limit = heading.start() if heading else limit
        if not c.text.startswith("一是", _skip_to(c.text, a.end(), "一是", 40)):
            continue
        found, pos = 0, a.end()
        for ordinal in _ORDINAL:
            hit = c.text.find(f"{ordinal}是", pos, limit)
            if hit < 0:
                break
            found, pos = found + 1, hit + 2
        out.append(Enumeration(_NUMERALS[a[1]], found, a.start(), a.end()))
    return out


def promised_parts(c: Compact) -> tuple[int, int] | None:
    """The compact span of 「六部分」/「6 个部分」 if the report promises six parts."""
    m = _PARTS_PROMISE.search(c.text) if "部分" in c.text else None  # the word first: far cheaper than the pattern where it is absent
    return (m.start(), m.end()) if m else None


def _parts_begin(text: str, total: Mention, after: list[Mention]) -> int | None:
    """Where the breakdown of ``total`` starts: after 「，其中」, or the next sentence's 「在…中，」."""
    m = _QIZHONG.match(text, total.end)
    if m:
        return m.end()
    end = total.sentence[1]
    for x in after:  # in text order: none after the sentence's end can be in it
        if x.start > end:
            break
        if x.unit != "%" and x.sentence == total.sentence:
            return None  # not the last count of its sentence
    nxt = total.sentence[1] + 1
    m = _IN_SET.match(text, nxt)
    if m and _shares_bigram(m[1], total.noun):
        return m.end()
    if text.startswith("其中", nxt):
        return nxt + 2
    return None


def _opens_total(text: str, m: Mention) -> bool:
    """A figure that starts a new total of its own (「共 860 余条」, 「诉讼 46 件，其中」)."""
    return bool(_NEW_TOTAL.search(text[m.clause[0]:m.start]) or _QIZHONG.match(text, m.end))


def _skip_to(text: str, pos: int, word: str, within: int) -> int:
    hit = text.find(word, pos, pos + within)
    return hit if hit >= 0 else pos


def _shares_bigram(a: str, b: str) -> bool:
    return any(a[i:i + 2] in b for i in range(len(a) - 1))
