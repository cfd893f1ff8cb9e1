"""Numbers as written in a report's text, with their offsets; row numbers are not numbers.

「1.属于国家秘密」, 「3、其他」 carry a row number; 「第二十条」 none in digits. A digit run
directly followed by 「.」/「、」 and a non-digit is such a row number, not a value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"  # 「3,119」 is one number
_NUMBER = re.compile(rf"(?<![\d.]){_DIGITS}(?![\d])")
_ROW_NUMBER_AFTER = re.compile(r"\s*[.、．]\s*(?!\d)")
_NUMBER_CELL = re.compile(rf"\s*{_DIGITS}\s*(?:万元|元|件|项|条)?\s*")


@dataclass(frozen=True, slots=True)
class Token:
    value: float
    start: int
    end: int
    raw: str


def number_tokens(text: str, offset: int = 0) -> list[Token]:
    """Every value-like number in ``text``; offsets are shifted by ``offset``."""
    out = []
    for m in _NUMBER.finditer(text):
        if _ROW_NUMBER_AFTER.match(text, m.end()) and "." not in m.group():
            continue
        out.append(Token(_value(m.group()), offset + m.start(), offset + m.end(), m.group()))
    return out


def _value(raw: str) -> float:
    return float(raw.replace(",", ""))


def same_number(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def tab_cells(line: str, width: int, offset: int = 0) -> list[Token | None] | None:
    """The last ``width`` tab-separated cells of a table line, ``None`` for a blank one.

    Tabs keep blank cells visible (「\\t\\t\\t0\\t0」); the label cells before the numbers are
    skipped. None when the line does not have ``width`` cells after its label, so that
    positions cannot be told.
    """
    split = split_row(line, width)
    if split is None:
        return None
    out: list[Token | None] = []
    for field, start in split[1]:
        m = _NUMBER.search(field)
        out.append(Token(_value(m.group()), offset + start + m.start(), offset + start + m.end(), m.group())
                   if m else None)
    return out


def split_row(line: str, width: int) -> tuple[str, list[tuple[str, int]]] | None:
    """(the label text, the last ``width`` cells as (text, offset in line)) of a tab-separated row."""
    if "\t" not in line:
        return None
    fields, pos = [], 0
    for field in line.split("\t"):
        fields.append((field, pos))
        pos += len(field) + 1
    last_label = max((i for i, (f, _) in enumerate(fields) if f.strip() and not _NUMBER_CELL.fullmatch(f)),
                     default=-1)
    cells = fields[last_label + 1:]
    if len(cells) < width or not any(f.strip() for f, _ in cells):
        return None
    cells = cells[-width:]
    return line[:cells[0][1]].rstrip("\t"), cells
