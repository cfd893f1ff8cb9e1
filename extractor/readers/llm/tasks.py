"""What the LLM reader asks, per table part: the answer model, the pinned prompt version, and
which stretch of the document text is sent (only that part's text, never the whole report).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.parts import NUMERALS, PART_KEYS, Part
from extractor.readers.llm.numbers import number_tokens, split_row
from schemas.llm import ANSWER_MODELS, _Answer

TABLE_PARTS = ("p2", "p3", "p4")
NUMERAL = dict(zip(PART_KEYS, NUMERALS))  # "p3" → "三", for messages
# A prompt an eval has used is never edited: a new version is a new file and a new pin here.
PROMPT_PINS = {("p2", "2019"): "p2_2019.v1", ("p2", "2021"): "p2_2021.v1",
               ("p3", "2019"): "p3.v1", ("p3", "2021"): "p3.v1",
               ("p4", "2019"): "p4.v1", ("p4", "2021"): "p4.v1"}
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
        """``[start, end)`` of the text this part is read from, or None when it is not there."""
        part = parts[self.part]
        if part.start >= 0 and part.status == "present":
            return part.start, part.end
        if self.part == "p4" and parts["p3"].start >= 0:
            return _p4_row_under_p3(text, parts["p3"])
        return None

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


def _p4_row_under_p3(text: str, p3: Part) -> tuple[int, int] | None:
    # 表四's heading can be lost while its row survives under 表三 (sample 004).
    pos = p3.start
    for line in text[p3.start:p3.end].split("\n"):
        if len(number_tokens(line)) >= _P4_ROW_MIN_NUMBERS:
            return pos, pos + len(line)
        pos += len(line) + 1
    return None
