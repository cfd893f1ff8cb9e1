"""The narrative parts 一, 五, 六: their text and the figures they state.

``read_narrative(text, parts) -> Narrative`` fills ``Result.narrative``; the validator's
narrative checks (N1–N12) use :func:`sections`, :func:`extractor.narrative.figures.mentions`
and :mod:`extractor.narrative.claims` on the same text.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from extractor.narrative.compact import Compact, compact
from extractor.narrative.figures import figure, mentions
from schemas import Part1, Part5, Part6, PartInfo
from schemas.result import Narrative

_IMPROVE = re.compile(r"针对|下一步|改进措施|改进情况|整改|(?:20\d\d年|今后|明年|新的一年)[^。]{0,12}将")
# An item mark: 「一是」, 「(一)」, or 「1.」 not right after a digit or 「.」 (:func:`_item_starts` checks
# that). One leading class, the branch told by a look-behind on it: a search then tests each
# character against the class instead of trying every branch at every position.
_ITEM = re.compile(r"[一二三四五六七八九十(\d](?:(?<=[一二三四五六七八九十])是|(?<=\()[一二三四五六七八九十]\)|(?<=\d)\d?\.(?!\d))")
_HEADING_ONLY = re.compile(r"\S{0,4}(?:存在的)?(?:主要)?问题|\S{0,4}(?:整改|改进)(?:情况|措施)")
_SENTENCE_END = re.compile(r"(?<=[。;])")
_FEE = re.compile(r"[^。\n]*(?:信息处理费|处理费|收费)[^。\n]*。?")


_last: tuple = ()  # (text, part spans, views) of the last call: the pipeline and the validator ask twice


def sections(text: str, parts: Mapping[str, PartInfo]) -> dict[str, Compact]:
    """Compact views of the preamble and of parts 一, 五, 六 (empty when a part is absent)."""
    global _last
    key = tuple((k, p.span) for k, p in parts.items())
    last = _last
    if last and last[0] is text and last[1] == key:
        return dict(last[2])
    views = _sections(text, parts)
    _last = (text, key, views)
    return dict(views)


def _sections(text: str, parts: Mapping[str, PartInfo]) -> dict[str, Compact]:
    starts = [p.span[0] for p in parts.values() if p.span]
    out = {"preamble": compact(text[:min(starts)] if starts else "", 0)}
    for key in ("p1", "p5", "p6"):
        part = parts.get(key)
        span = part.span if part else None
        out[key] = compact(text[span[0]:span[1]], span[0]) if span else compact("", 0)
    return out


def read_narrative(text: str, parts: Mapping[str, PartInfo]) -> Narrative:
    views = sections(text, parts)
    p1, p5, p6 = views["p1"], views["p5"].text, views["p6"].text
    problems, improvements = _split_problems(p5)
    fee = _FEE.search(p6) if "收费" in p6 or "处理费" in p6 else None  # the pattern (it opens with [^。\n]*) is slow to fail
    return Narrative.build(  # our own data: built, not validated (schemas/base.py)
        p1=Part1.build(text=p1.text, figures=[figure(p1, m) for m in mentions(p1)]),
        p5=Part5.build(text=p5, problems=problems, improvements=improvements),
        p6=Part6.build(text=p6, fee_statement=fee.group(0).strip() if fee else None),
    )


def _split_problems(text: str) -> tuple[list[str], list[str]]:
    """Part 五 → (problems, improvements), split where the text turns to what will be done."""
    turn = _IMPROVE.search(text)
    cut = turn.start() if turn else len(text)
    return _items(text[:cut]), _items(text[cut:])


def _item_starts(text: str) -> list[int]:
    """Where the item marks start. A number right after a digit or 「.」 is no mark: skipping its match
    skips no other, since none starts inside it (every character of it but the first is a digit or 「.」)."""
    out = []
    for m in _ITEM.finditer(text):
        s = m.start()
        if s and text[s].isdecimal() and (text[s - 1].isdecimal() or text[s - 1] == "."):
            continue
        out.append(s)
    return out


def _items(text: str) -> list[str]:
    """Enumerated items (一是…, （一）…, 1.…) when there are several, else sentences."""
    marks = _item_starts(text)
    if len(marks) >= 2:
        bounds = [*marks, len(text)]
        chunks = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    else:
        chunks = _SENTENCE_END.split(text)
    items = (c.strip(" \n;,。#*") for c in chunks)
    return [c for c in items if len(c) >= 4 and not _HEADING_ONLY.fullmatch(c)]
