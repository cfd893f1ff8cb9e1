"""Recognised words → layout text the rules reader reads like a text PDF's, and a map back.

Words are clustered into rows by their vertical centre (one table row per line); within a row
each word starts at the column its left edge falls in, a column being half a character (the
width of a digit), as pdfplumber's layout text places characters. So a table's values line up
under their headers, and the reader finds columns by position exactly as for text PDFs.

Digit confusions are resolved by position only: a word made of digits and look-alikes
(O o 〇 D → 0; l I | i → 1) is read as a number when it holds a digit or stands in a row of
numbers. Its confidence is lowered, since the model did not read it as digits. A lone 一 or
— among a row's values is the dash of a blank cell, and is written as one.
"""
from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from extractor.normalize import normalize
from extractor.ocr.placed import Placed

if TYPE_CHECKING:
    from extractor.ocr.page import PageRead, Word

_LOOKS_NUMERIC = re.compile(r"[0-9OoD〇lI|i.,，]+")
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "〇": "0", "l": "1", "I": "1", "|": "1",
                                   "i": "1", "，": ","})
_NUMBER = re.compile(r"[0-9][0-9.,]*")
_DASHES = frozenset("一—－_~")
_ONE_MISREAD = re.compile(r"[1lI|一][-—–一]")
_ENUM_ONE = re.compile(r"([(（])[—\-–_~一]([)）])|^[—\-–_~]、")  # (一) and 一、 read as dashes
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–_]\s*\d{1,4}\s*[-—–_]|\d{1,4}|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$")
GUESSED = 0.85  # confidence factor of a number that needed look-alikes mapped


def _clean(text: str) -> str:
    text = normalize(text).strip()  # the same NFKC and glyph mapping as the whole text gets
    return _ENUM_ONE.sub(lambda m: f"{m.group(1)}一{m.group(2)}" if m.group(1) else "一、", text)


def rows(words: list[Word], em: float) -> list[list[Word]]:
    """Words grouped into rows by vertical centre, each row left to right."""
    out: list[list[Word]] = []
    centre = 0.0  # the current row's centre, set when the first row opens
    for w in sorted(words, key=lambda w: w.box.cy):
        if out and abs(w.box.cy - centre) <= 0.5 * em:
            out[-1].append(w)
            centre += (w.box.cy - centre) / len(out[-1])
        else:
            out.append([w])
            centre = w.box.cy
    return [sorted(r, key=lambda w: w.box.x0) for r in out]


def _numeral_one(row: list[tuple[Word, str]]) -> list[tuple[Word, str]]:
    """「一、」 opening a heading, read as 1- (a lone stroke and a comma): put back when
    Chinese text follows it on the line."""
    if len(row) >= 2 and _ONE_MISREAD.fullmatch(row[0][1]) and _wide(row[1][1][0]):
        return [(row[0][0], "一、"), *row[1:]]
    return row


def _digits(row: list[tuple[Word, str]]) -> list[tuple[str, float]]:
    numeric = [w.box.x0 for w, t in row if _NUMBER.fullmatch(t)]
    out = []
    for w, t in row:
        if t in _DASHES and len(numeric) >= 2 and w.box.x0 > min(numeric):
            out.append(("-", w.conf * GUESSED))  # a blank cell's dash, read as 一 among the values
            continue
        if _LOOKS_NUMERIC.fullmatch(t) and not _NUMBER.fullmatch(t):
            fixed = t.translate(_DIGIT_LOOKALIKES)
            if _NUMBER.fullmatch(fixed) and (any(c.isdigit() for c in t) or len(numeric) >= 2):
                out.append((fixed, w.conf * GUESSED))
                continue
        out.append((t, w.conf))
    return out


def _same_phrase(left: tuple[Word, str], right: tuple[Word, str], em: float) -> bool:
    """Two pieces of one heading or label, parted by a gap as wide as a character (「四、」 and
    the title after it): written together, not at their columns, so the phrase stays whole.
    Numbers always stand at their columns."""
    (a, ta), (b, tb) = left, right
    gap = b.box.x0 - a.box.x1
    return (gap < max(em, a.box.h, b.box.h) and not _NUMBER.fullmatch(ta) and not _NUMBER.fullmatch(tb)
            and not ta[-1].isdigit() and not tb[0].isdigit())


def _wide(ch: str) -> bool:
    return ord(ch) >= 0x2E80  # CJK characters and punctuation: no space between them


def _original_box(page: PageRead, w: Word) -> tuple[int, int, int, int]:
    s, (width, height) = page.scale, page.size
    cx, cy = width * s / 2, height * s / 2
    a = math.radians(page.angle)  # the page was turned by +angle about its centre; undo it
    xs, ys = [], []
    for x, y in ((w.box.x0, w.box.y0), (w.box.x1, w.box.y0), (w.box.x0, w.box.y1), (w.box.x1, w.box.y1)):
        dx, dy = x - cx, y - cy
        xs.append((cx + dx * math.cos(a) - dy * math.sin(a)) / s)
        ys.append((cy + dx * math.sin(a) + dy * math.cos(a)) / s)
    return int(min(xs)), int(min(ys)), int(math.ceil(max(xs))), int(math.ceil(max(ys)))


def render(pages: list[PageRead]) -> tuple[str, list[Placed]]:
    """The layout text of all pages and where each word of it came from."""
    lines: list[str] = []
    placed: list[Placed] = []
    offset = 0
    for page in pages:
        cw = page.em / 2
        page_rows = rows(page.words, page.em)
        previous_bottom = None
        for row in page_rows:
            cleaned = [(w, _clean(w.text)) for w in row]
            cleaned = [(w, t) for w, t in cleaned if t]
            if not cleaned:
                continue
            cleaned = _numeral_one(cleaned)
            texts = _digits(cleaned)
            if len(texts) == 1 and _PAGE_NUMBER.match(texts[0][0]):
                continue
            top = min(w.box.y0 for w, _ in cleaned)
            if previous_bottom is not None and top - previous_bottom > 1.5 * page.em:
                lines.append("")
                offset += 1
            previous_bottom = max(w.box.y1 for w, _ in cleaned)
            line = ""
            before: tuple[Word, str] | None = None
            for (w, _), (text, conf) in zip(cleaned, texts):
                if before is not None and _same_phrase(before, (w, text), page.em):
                    line += "" if _wide(before[1][-1]) and _wide(text[0]) else " "
                else:
                    column = int(round(w.box.x0 / cw))
                    line += " " * max(column - len(line), 1 if line else 0)
                before = (w, text)
                placed.append(Placed(offset + len(line), offset + len(line) + len(text), page.index,
                                     _original_box(page, w), round(conf, 3)))
                line += text
            lines.append(line)
            offset += len(line) + 1
        lines.append("")  # a page break
        offset += 1
    text = "\n".join(lines)
    if normalize(text) != text:  # the spans index into the normalised text: keep them only if it is this one
        return normalize(text), []
    return text, placed
