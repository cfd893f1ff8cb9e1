"""Re-flow a text whose parts and table rows are not on lines of their own.

Crawled pages and search-engine caches often come as one line: the whole report, or a table
flattened into one run of text (``一、本年新收…数量12530000128二、上年结转…``). The part splitter
and the table reader work on lines, so line breaks are put back where the structure is
certain:

- before a part heading (``四、政府信息公开行政复议、行政诉讼情况``) found mid-line, and after its
  end — only for a part that has no heading at a line start already, so a report whose headings
  are on their own lines is never touched (a preamble listing the six parts stays one line);
- before the row labels of tables 二 and 三 (``（一）予以公开``, ``2.其他法律…``, ``规章``) on a line
  that holds at least :data:`MIN_ROW_MARKS` of them, which a normal table row never does.

Only ``\\n`` is inserted, never anything removed, so ``reflow`` is idempotent: its output has
every heading and row label at a line start. It runs right after ``normalize``; the spans of
every cell index into its output.
"""
from __future__ import annotations

import re
from functools import cache

from extractor.lazy_re import lazy_compile
from extractor.parts import NUMERALS, is_heading

MIN_ROW_MARKS = 3
_HEADING_MAX = 30  # a part heading is at most this long (the longest template heading is 19)

# A part heading mid-line: the numeral, 、, and within a few characters one of its key phrases
# (those of extractor.parts, without 六's bare 「其他」, too common inside a line).
_KEYS = {
    "一": "总体情况|基本情况|概述|总体概况",
    "二": "主动公开",
    "三": "收到和处理|依申请|公开申请|申请情况",
    "四": "行政复议|行政诉讼",
    "五": "问题|改进",
    "六": "其他需要报告|其他事项|其他需报告",
}
# Not after 「(」 or a character that makes the numeral part of a word (第三、 十五、 统一、); the
# text up to the key phrase holds no digit and no other numbered item (「四、结转…0四、申请行政复议」).
# The numeral first, the character before it looked back at: a search skips to each numeral.
_MID_HEADING = {n: lazy_compile(rf"{n}(?<![(（第十统唯之A-Za-z]{n})\s*[、.．]\s*[^\n\d、]{{0,20}}?(?:{p})")
                for n, p in _KEYS.items()}
_HEADING_END = lazy_compile(r"情况|事项")
_PAUSE = lazy_compile(r"[\s。；;]")

# Row labels of 表三: their ordinal and the first characters of the label text after it.
_T3_STARTS = (
    ("一、", "本年新收"), ("二、", "上年结转"), ("三、", "本年度办理"), ("四、", "结转下年"),
    (r"\(一\)", "予以公开"), (r"\(二\)", "部分公开"), (r"\(三\)", "不予公开"), (r"\(四\)", "无法提供"),
    (r"\(五\)", "不予处理"), (r"\(六\)", "其他处理"), (r"\(七\)", "总计|合计"),
    *((f"{digit}[.、]", "属于|其他法律|危及|保护第三方|本机关不掌握|没有现成|补正后|信访|重复申请|要求提供|"
                        "无正当理由|要求行政机关|申请人|其他") for digit in "12345678"),
)
# Row labels of 表二, each only after a value, a cell separator or the end of a header cell.
_T2_MARK = re.compile("第二十条|规章|行政规范性文件|规范性文件|行政许可|其他对外管理服务事项|行政处罚|行政强制|行政事业性收费|政府集中采购")
_T2_AFTER = ("数量", "件数", "/减", "万元", "合计")
# Each starts with a literal character (so 1. to 8. are eight alternatives, not one [1-8]), so that
# a search skips fast over ordinary text: 2.5× faster on a report.
_T3_MARK = re.compile("|".join(rf"{ordinal}\s*(?=(?:{text}))" for ordinal, text in _T3_STARTS))
# A numbered line: the text's first line, or a line break and the line after it (a literal first
# character lets a search skip from line break to line break, ~5× faster than ^ in re.M).
_NUMBERED = rf"[ \t#*>\-•|]*第?([{NUMERALS}])[ \t]*[、.,:．]"
_FIRST_NUMBERED = re.compile(_NUMBERED)
_NEXT_NUMBERED = re.compile(rf"\n{_NUMBERED}")
# Row labels, for finding the lines that hold several: a 表三 label by the end of its ordinal
# (「、」 「)」 「.」), looked back at for the numeral and on for any 表三 label; a 表二 label by its
# word. A pattern led by a literal is searched ~5× faster than one led by a class of first
# characters, and str.find ~4× faster again (the words are rare: no pattern needed to check them).
# Every label _T3_MARK and _T2_MARK find is among these, on its line.
_T3_LABELS = "|".join(dict.fromkeys(word for _, text in _T3_STARTS for word in text.split("|")))
_T3_ENDS = (
    lazy_compile(rf"、(?<=[一二三四1-8]、)\s*(?={_T3_LABELS})"),
    lazy_compile(rf"\)(?<=\([一二三四五六七]\))\s*(?={_T3_LABELS})"),
    lazy_compile(rf"\.(?<=[1-8]\.)\s*(?={_T3_LABELS})"),
)
_T2_WORDS = ("第二十条", "规章", "规范性文件", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制", "行政事业性收费",
             "政府集中采购")  # 「行政规范性文件」 holds 「规范性文件」
_SHORT = 60  # a line this short holds no flattened table


def reflow(text: str) -> str:
    """``text`` with line breaks before mid-line part headings and flattened table rows."""
    at_start = set()
    first = _FIRST_NUMBERED.match(text)
    for m in (first, *_NEXT_NUMBERED.finditer(text)) if first else _NEXT_NUMBERED.finditer(text):
        if m.group(1) not in at_start:
            start = m.start() if m is first else m.start() + 1
            end = text.find("\n", start)
            if is_heading(text[start:end if end >= 0 else len(text)], m.group(1)):
                at_start.add(m.group(1))
    missing = [n for n in NUMERALS if n not in at_start]
    has_numeral = _any_of("".join(missing)).search if missing else None
    out: list[str] = []  # the pieces of the result
    done = 0  # where the text not yet copied starts
    for start in _candidates(text, missing):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end]
        if len(line) > _SHORT or (has_numeral is not None and has_numeral(line)):
            cut = "\n".join(_split_rows(piece) for piece in _split_headings(line, missing))
            if cut != line:
                out += (text[done:start], cut)
                done = end
    return "".join((*out, text[done:])) if out else text


def _candidates(text: str, missing: list[str]) -> list[int]:
    """The starts of the only lines that can change, in order: those holding a numeral of a part
    without a heading at a line start, and those with at least :data:`MIN_ROW_MARKS` row labels.
    Found in the whole text, not line by line: a label whose ``\\s*`` runs on into the next line is
    counted too, and so is a word inside another, so no line the rules would cut is left out."""
    marks: dict[int, int] = {}
    for at in (m.start() for pattern in _T3_ENDS for m in pattern.finditer(text)):
        line = text.rfind("\n", 0, at) + 1
        marks[line] = marks.get(line, 0) + 1
    for word in _T2_WORDS:
        at = text.find(word)
        while at >= 0:
            line = text.rfind("\n", 0, at) + 1
            marks[line] = marks.get(line, 0) + 1
            at = text.find(word, at + 1)
    starts = {at for at, n in marks.items() if n >= MIN_ROW_MARKS}
    if missing:
        starts.update(text.rfind("\n", 0, m.start()) + 1 for m in _any_of("".join(missing)).finditer(text))
    return sorted(starts)


@cache
def _any_of(numerals: str) -> re.Pattern:
    return re.compile(f"[{numerals}]")


def _split_headings(line: str, missing: list[str]) -> list[str]:
    """The line cut before and after each heading of a part that has none at a line start."""
    cuts: list[int] = []
    for numeral in missing:
        if numeral not in line:
            continue
        for m in _MID_HEADING[numeral].finditer(line):
            if line[:m.start()].strip():
                cuts.append(m.start())
            end = _heading_end(line, m.start(), m.end())
            if end is not None and line[end:].strip():
                cuts.append(end)
    if not cuts:
        return [line]
    return _cut(line, cuts).split("\n")


def _heading_end(line: str, start: int, key_end: int) -> int | None:
    """Where a mid-line heading ends: after 「情况」/「事项」, else at the next pause."""
    limit = min(len(line), start + _HEADING_MAX)
    m = _HEADING_END.search(line, key_end - 2, limit)
    if m is not None:
        return m.end()
    m = _PAUSE.search(line, key_end, limit)
    return m.start() if m is not None else None


def _split_rows(line: str) -> str:
    """A flattened table: the line cut before each row label, when it holds several."""
    if len(line) < 20:
        return line
    starts = [m.start() for m in _T3_MARK.finditer(line) if m.start() > 0]
    starts += [m.start() for m in _T2_MARK.finditer(line) if m.start() > 0 and _after_a_cell(line, m.start())]
    if len(starts) < MIN_ROW_MARKS:
        return line
    return _cut(line, starts)


def _after_a_cell(line: str, at: int) -> bool:
    """A 表二 label starts a row after a value, a cell separator or the end of a header cell."""
    before = line[at - 1]
    return before.isdigit() or before in "| \t)" or line[max(0, at - 2):at] in _T2_AFTER


def _cut(line: str, cuts: list[int]) -> str:
    """``line`` with a break at each cut; blanks before a cut move to the start of the next line,
    so that normalising the result (which strips trailing blanks) changes nothing."""
    moved = set()
    for cut in cuts:
        while cut > 0 and line[cut - 1] in " \t":
            cut -= 1
        if 0 < cut < len(line):
            moved.add(cut)
    bounds = [0, *sorted(moved), len(line)]
    return "\n".join(line[a:b] for a, b in zip(bounds, bounds[1:]))
