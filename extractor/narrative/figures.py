"""Numbers the narrative states, with their unit, noun, clause and sentence.

「本年度累计主动公开信息 36 条」 → value 36, unit 条, noun 主动公开信息. Only numbers followed
by a unit count as figures, so years (2020 年), document numbers (711 号) and phone numbers
are left out.
"""
from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from extractor.narrative.compact import Compact
from schemas import Figure

# A number not right after a digit, 「.」 or 「第」 (:func:`_figures` checks that: a pattern that starts
# with the digits is searched faster than one that starts with a look-behind). 「\d\d*」, not 「\d+」:
# a pattern that opens with a class (not a repeat) is searched by testing each character against it.
_FIGURE = re.compile(r"(\d\d*(?:\.\d+)?)(余|多)?(万元|亿元|元|人次|件|条|项|个|篇|次|人|家|期|场|份|起|户|%)")
_NOT_AFTER = ".第"
CLAUSE_BREAK = ",;:。、()!?\n"
SENTENCE_BREAK = "。!?\n"
_LEAD = re.compile(r"^(?:\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|在|共计|共|累计|合计|总计|其中|全年|本年度|本年|年度|"
                   r"今年|另有|含|达到|达|为|已)+")
_TAIL = re.compile(r"(?:共计|共|累计|合计|总计|约|近|达到|达|为)+$")
_LEAD_FIRST, _TAIL_LAST = "在共累合总其全本年今另含达为已", "计共约近到达为"  # what the words of each start or end with


class Mention(NamedTuple):
    value: float
    unit: str
    approx: bool  # 「800 余条」: a lower bound, not an exact count
    decimals: int  # as printed: 「2.7%」 has 1
    start: int  # compact positions of the number and its unit
    end: int
    noun: str
    clause: tuple[int, int]
    sentence: tuple[int, int]


_seen: list[tuple[Compact, tuple[Mention, ...]]] = []  # the last few views and their figures


def mentions(c: Compact) -> list[Mention]:
    """The figures of a view; the same view object (the pipeline's and the validator's) is read once."""
    for view, found in _seen:
        if view is c:
            return list(found)
    found = tuple(_mentions(c))
    _seen[:] = [*_seen[-7:], (c, found)]
    return list(found)


def _mentions(c: Compact) -> list[Mention]:
    out: list[Mention] = []
    text = c.text
    found = _figures(text)
    if not found:
        return out
    # A figure's clause and sentence end at the next stop character and start after the one before
    # it, found by searching forwards in the text and in the text reversed from the figure: a few
    # characters' scan each, where listing every stop of a section cost a scan and a list.
    size, reversed_text = len(text), text[::-1]
    clause_stop, sentence_stop = _stop_pattern(CLAUSE_BREAK).search, _stop_pattern(SENTENCE_BREAK).search
    for m in found:
        start, end = m.span()
        before, after = clause_stop(reversed_text, size - start), clause_stop(text, end)
        clause = (size - before.start() if before else 0, after.start() if after else size)
        noun_from = clause[0]
        if out and out[-1].clause == clause:
            noun_from = max(noun_from, out[-1].end)
        before, after = sentence_stop(reversed_text, size - start), sentence_stop(text, end)
        sentence = (size - before.start() if before else 0, after.start() if after else size)
        number = m[1]
        out.append(Mention(float(number), m[3], m[2] is not None, len(number.partition(".")[2]), start, end,
                           _noun(text[noun_from:start]), clause, sentence))
    return out


def _noun(words: str) -> str:
    """``words`` less the counting words before and after: each pattern only where its first or last
    character is there (most nouns have neither)."""
    if words[:1] in _LEAD_FIRST or words[:1].isdecimal():
        words = _LEAD.sub("", words)
    return _TAIL.sub("", words) if words[-1:] in _TAIL_LAST else words


def _figures(text: str) -> list[re.Match]:
    """The matches of ``_FIGURE`` whose number does not start right after a digit, 「.」 or 「第」: the
    same as a look-behind, since no such start lies inside a match skipped for it (every digit of
    a match but its first follows a digit or 「.」)."""
    out = []
    for m in _FIGURE.finditer(text):
        s = m.start()
        if s and (text[s - 1].isdecimal() or text[s - 1] in _NOT_AFTER):
            continue
        out.append(m)
    return out


def figure(c: Compact, m: Mention) -> Figure:
    return Figure.build(value=m.value, unit=m.unit, noun=m.noun, text=c.text[m.clause[0]:m.clause[1]],
                        span=c.span(m.start, m.end))


def back(text: str, pos: int, stops: str) -> int:
    while pos > 0 and text[pos - 1] not in stops:
        pos -= 1
    return pos


def forward(text: str, pos: int, stops: str) -> int:
    m = _stop_pattern(stops).search(text, pos)  # a sentence can be long: not a character at a time
    return m.start() if m is not None else max(pos, len(text))


@cache
def _stop_pattern(stops: str) -> re.Pattern:
    return re.compile(f"[{re.escape(stops)}]")
