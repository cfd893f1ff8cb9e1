"""What the LLM reader asks, per table part: the answer model, the pinned prompt version, and
which stretch of the document text is sent (only that part's text, never the whole report).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.parts import NUMERALS, PART_KEYS, Part
from extractor.readers.llm.grounding import label_starts
from extractor.readers.llm.numbers import number_tokens, split_row
from extractor.readers.rules.regions import regions
from schemas.llm import ANSWER_MODELS, _Answer

TABLE_PARTS = ("p2", "p3", "p4")
NUMERAL = dict(zip(PART_KEYS, NUMERALS))  # "p3" → "三", for messages
# A prompt an eval has used is never edited: a new version is a new file and a new pin here.
PROMPT_PINS = {("p2", "2019"): "p2_2019.v1", ("p2", "2021"): "p2_2021.v1",
               ("p3", "2019"): "p3.v1", ("p3", "2021"): "p3.v1",
               ("p4", "2019"): "p4.v1", ("p4", "2021"): "p4.v1"}
# 表四's own words, for its window when neither its part nor its region is found.
_P4_WORDS = re.compile(r"行政复议|行政诉讼")
_WINDOW = 6000  # characters sent at most when a table is found by its words or labels alone
_ROW_REACH = 400  # characters after the last label found that can still hold that row's numbers
# A line holding this many numbers under part 三 is 表四's one data row (15 cells; a
# defective report may show a few less), never a 表三 row (7 cells).
_P4_ROW_MIN_NUMBERS = 12


@dataclass(frozen=True, slots=True)
class Task:
    part: str
    template: str
    prompt: str
    answer_model: type[_Answer]

    def span(self, text: str, parts: dict[str, Part]) -> tuple[int, int] | None:
        """``[start, end)`` of the text this part is read from, or None when nothing is there.

        Routing does not depend on the part splitter having found the part's heading: the
        table's region by heading or by its table markers (as the rules reader finds it);
        else the stretch from the first of its row labels found anywhere in the text; else,
        for 表四, a window under its words holding a line of its row's shape."""
        where = regions(text, parts)
        found = {"p2": where.t2, "p3": where.t3, "p4": where.t4}[self.part]
        if found is not None:
            return found
        if self.part == "p4" and where.t3 is not None:
            under = _p4_row_under_p3(text, where.t3)
            if under is not None:
                return under
        labelled = _from_first_label(text, self.answer_model)
        return labelled if labelled is not None else _window(text, self.part)

    @property
    def row_width(self) -> int | None:
        """Cells per row where every row has the same width (表三 7, 表四 15)."""
        return {"p3": 7, "p4": 15}.get(self.part)

    def prompt_values(self, text: str) -> dict[str, object]:
        return {"text": frame_safe(text), "numbers": len(number_tokens(text))}


# The prompts frame the report's text as <原文>…</原文>. A report that holds such a tag
# (any bracket shape, spaces, a slash) could close the frame early and speak as the
# instructions: the tag's brackets become 〔〕, which no prompt uses.
_FRAME_TAG = re.compile(r"[<＜‹〈《]\s*([/／]?)\s*原\s*文\s*[>＞›〉》]")


def frame_safe(text: str) -> str:
    """``text`` with every look-alike of the prompts' 原文 delimiters defused."""
    return _FRAME_TAG.sub(lambda m: "〔/原文〕" if m.group(1) else "〔原文〕", text)


def task_for(part: str, template: str) -> Task:
    return Task(part, template, PROMPT_PINS[(part, template)], ANSWER_MODELS[(part, template)])


def compact(text: str, width: int | None = None) -> str:
    """The text as sent: runs of spaces folded, blank lines dropped and, in tab-separated rows
    of ``width`` cells, a blank cell written as 「(空)」 (a small model does not count tabs).
    Grounding always works on the document text itself."""
    out = []
    for line in text.split("\n"):
        split = split_row(line, width) if width else None
        if split is not None and any(not f.strip() for f, _ in split[1]):
            label, cells = split
            line = "\t".join([label] * bool(label.strip()) + [f.strip() or "(空)" for f, _ in cells])
        line = re.sub(r" {2,}", " ", line).strip(" ")
        if line.strip():
            out.append(line)
    return "\n".join(out)


def _p4_row_under_p3(text: str, p3: tuple[int, int]) -> tuple[int, int] | None:
    # 表四's heading can be lost while its row survives under 表三 (sample 004).
    pos = p3[0]
    for line in text[p3[0]:p3[1]].split("\n"):
        if len(number_tokens(line)) >= _P4_ROW_MIN_NUMBERS:
            return pos, pos + len(line)
        pos += len(line) + 1
    return None


def _from_first_label(text: str, answer_model: type[_Answer]) -> tuple[int, int] | None:
    """From the line of the first row label found anywhere in the text, to the end of the
    text (at most ``_WINDOW`` characters): a table outside every part the splitter found."""
    starts = label_starts(text, answer_model)
    if not starts:
        return None
    start = text.rfind("\n", 0, min(starts)) + 1
    return start, min(len(text), max(max(starts) + _ROW_REACH, start + _WINDOW))


def _window(text: str, part: str) -> tuple[int, int] | None:
    """For 表四, whose one row has no label: a window from the line before the first of its
    words, when a line in it has the row's shape. (Without labels nothing of 表二 or 表三
    could be grounded, so they get no window.)"""
    m = _P4_WORDS.search(text) if part == "p4" else None
    if m is None:
        return None
    line = text.rfind("\n", 0, m.start()) + 1
    start = text.rfind("\n", 0, line - 1) + 1 if line else 0  # the line before: a header's first line
    end = min(len(text), start + _WINDOW)
    return (start, end) if any(_row_shaped(ln, _P4_ROW_MIN_NUMBERS) for ln in text[start:end].split("\n")) else None


def _row_shaped(line: str, numbers: int) -> bool:
    """A table row's line: this many numbers and little else (not a sentence full of figures)."""
    return len(number_tokens(line)) >= numbers and len(_NOT_CELL.sub("", line)) <= _ROW_MAX_WORDS


_NOT_CELL = re.compile(r"[\d\s|.,，、%]+")
_ROW_MAX_WORDS = 16  # characters besides the numbers: a short label at most
