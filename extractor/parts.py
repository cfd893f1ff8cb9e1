"""Split a report's text into its six parts, robust to heading variants.

Headings are found in order: part k is the first heading line after part k−1 that carries
numeral k and one of that part's key phrases. This skips part 一's own internal 「二、…」
headings (they lack the key phrase) and table row labels such as 「四、结转下年度继续办理」.
A part not found is ``missing``; a part whose body holds only a signature or page chrome
is ``empty``.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from schemas import PartInfo
from schemas.result import PartStatus

NUMERALS = "一二三四五六"
PART_KEYS = ("p1", "p2", "p3", "p4", "p5", "p6")
_KEY_PHRASES = {
    "一": r"总体情况|基本情况|概述|总体概况",
    "二": r"主动公开",
    "三": r"收到和处理|依申请|公开申请|申请情况",
    "四": r"行政复议|行政诉讼",
    "五": r"问题|改进",
    "六": r"其他需要报告|其他事项|其他需报告|其他",
}
_HEADING = {n: re.compile(rf"^第?{n}\s*[、.,:．]\s*(?:[^\n]{{0,20}}?)(?:{p})") for n, p in _KEY_PHRASES.items()}
_DECOR = re.compile(r"^[\s#*>\-•|]+|[\s*|]+$")
_LEADING, _TRAILING = "#*>-•|", "*|"  # _DECOR's marks besides blanks, at each end
_CHROME = re.compile(
    r"ICP|备案|版权|主办单位|承办单位|技术支持|网站标识码|联系我们|网站地图|关于我们|字体[:：]|打印|关闭|"
    r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$|^\d{4}-\d{1,2}-\d{1,2}$|(人民政府|办公室|委员会|局|中心)$"
)


_FIRST_LINES = 400


class Part(NamedTuple):
    key: str  # p1 … p6
    heading: str | None
    start: int  # body start (after the heading line); -1 when missing
    end: int
    status: PartStatus

    def info(self) -> PartInfo:
        span = (self.start, self.end) if self.start >= 0 else None
        return PartInfo.build(status=self.status, heading=self.heading, span=span)


def split_parts(text: str) -> dict[str, Part]:
    """``{"p1": Part, …, "p6": Part}`` for every part, present or not."""
    found: dict[str, tuple[int, int, str]] = {}  # key → (heading start, body start, heading)
    size = len(text)
    cursor = 0  # where the line after the last heading found starts
    for numeral, key in zip(NUMERALS, PART_KEYS):
        at = text.find(numeral, cursor)  # only lines with the numeral are looked at: most lines are not headings
        while at >= 0:
            start = text.rfind("\n", cursor, at) + 1 or cursor
            end = text.find("\n", at)
            end = size if end < 0 else end
            bare = _undecorated(text[start:end])
            if len(bare) <= 40 and _HEADING[numeral].match(bare):
                found[key] = (start, min(end + 1, size), bare)
                cursor = end + 1
                break
            at = text.find(numeral, end + 1)
    starts = sorted(v[0] for v in found.values())
    parts = {}
    for key in PART_KEYS:
        if key not in found:
            parts[key] = Part(key, None, -1, -1, "missing")
            continue
        head, body, heading = found[key]
        end = next((s for s in starts if s > head), len(text))
        parts[key] = Part(key, heading, body, end, "present" if _has_content(text, body, end) else "empty")
    return parts


def is_heading(line: str, numeral: str) -> bool:
    """Whether ``line`` is, on its own, the heading of part ``numeral`` as ``split_parts`` finds it."""
    bare = _undecorated(line)
    return len(bare) <= 40 and _HEADING[numeral].match(bare) is not None


def _undecorated(line: str) -> str:
    """The line without leading and trailing decoration (``_DECOR``); the pattern, which tries
    every position of the line for its end, runs only on a line that starts or ends with some."""
    first, last = line[:1], line[-1:]
    if first.isspace() or first in _LEADING or last.isspace() or last in _TRAILING:
        return _DECOR.sub("", line)
    return line


def preamble_end(parts: dict[str, Part]) -> int:
    """Offset where the first part starts (the title and preamble lie before it)."""
    starts = [p.start for p in parts.values() if p.start >= 0]
    return min(starts) if starts else 0


def tables_region(text: str, parts: dict[str, Part]) -> str:
    """From part 二 (or the start, if it is missing) to part 五 (or the end): where the tables are."""
    start = parts["p2"].start if parts["p2"].start >= 0 else 0
    end = parts["p5"].start if parts["p5"].start > start else len(text)
    return text[start:end]


def _has_content(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` has a line that is more than page chrome. Its first lines
    nearly always tell: those within :data:`_FIRST_LINES` characters are split first (a table
    part runs to hundreds of lines), the whole only when none of them is content."""
    window = min(end, start + _FIRST_LINES)
    lines = text[start:window].splitlines()
    if window < end:
        lines.pop()  # it may go on past the window: looked at with the whole
    return any(_is_content(line) for line in lines) or (window < end and any(
        _is_content(line) for line in text[start:end].splitlines()))


def _is_content(line: str) -> bool:
    line = line.strip()
    return len(line) >= 2 and not _CHROME.search(line)
