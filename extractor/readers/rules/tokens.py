"""A table region's lines, split into cells and tokens: values, blank markers, empty cells, text.

Every layout the loaders and converters produce ends up as lines of text. Cells are separated
by ``|`` (markdown/pipe tables), tabs (HTML/Word loaders, converted documents) or runs of two
or more spaces (PDF layout text); inside a cell, single spaces still separate numbers
(``3001 53 0 0 61 4 3119``). A line's *run* is the sequence of values at its end, after its
last text; values followed by text (``11.46	本年新…``) are never part of a run.

Offsets are absolute positions in the normalised document text, so a token's ``raw`` is
exactly ``text[start:end]``. The document text is already normalised (NFKC, glyph variants),
so nothing here normalises again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

NUM, BLANK, EMPTY, TEXT = "num", "blank", "empty", "text"

_UNITS = "万元|元|件|项|个|条|次"
# 「+2」, 「-1」, 「增2」, 「减少1」 (本年增/减), 「1,234」, 「308.7万元」.
_NUMBER = re.compile(rf"([+\-−]|增加?|减少?)?((?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?)\s*({_UNITS})?")
# A value glued to the end of its label by a careless conversion: 「行政许可10」.
_GLUED = re.compile(r"(?<=[\u3400-\u9fff)）”])(\d+(?:\.\d+)?)$")
_UNIT = re.compile(rf"(?:{_UNITS})")
# What fillers write in a cell they leave empty. 「无」 is a marker only as a whole cell.
_BLANK = re.compile(r"/|\\|-{1,2}|—{1,2}|–|―|无|空|\*")
# Letters that are not Chinese: OCR garbage such as 「Ш-」, 「/\C」, 「$\vdash$」.
_FOREIGN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF$<>\\]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_PIECE = re.compile(r"\S+")
# Page marks inside a table (「- 4 -」, 「第 4 页」, 「4/12」): numbers that are not values.
_PAGE_MARK = re.compile(r"^\s*(?:[-—–_]\s*\d{1,4}\s*[-—–_]|第\s*\d+\s*页(?:\s*[,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$")
_MD_RULE = re.compile(r"^[\s|:\-]*-{3,}[\s|:\-]*$")
# Sub-table captions and header rows: their numbers are OCR noise, never values.
_HEADER_MARK = re.compile(r"第二十条|信息内容")


@dataclass(slots=True)
class Tok:
    kind: str  # num, blank, empty, text
    start: int
    end: int
    raw: str
    value: int | float | None = None
    unit: str | None = None
    sign: bool = False  # written with an explicit + or −
    glued: bool = False  # split off the end of the label text it was glued to


@dataclass(slots=True)
class Run:
    """The values at the end of one line, or of consecutive one-value lines (one cell per line)."""

    line: int  # index of the first line (non-empty lines of the region)
    last: int  # index of the last line
    slots: list[Tok]  # values, blank markers and empty cells between values, in order
    lead: int = 0  # empty cells before the first value that may stand for blank cells
    labelled: bool = False  # the line carries text before the values
    positional: bool = False  # empty cells are real cells (tables of HTML and Word sources)

    @property
    def start(self) -> int:
        return self.slots[0].start

    @property
    def span(self) -> tuple[int, int]:
        return min(t.start for t in self.slots), max(t.end for t in self.slots)

    @property
    def lead_blanks(self) -> int:
        """Leading empty cells that stand for blank cells, not for a merged label cell."""
        return self.lead if self.positional or not self.labelled else 0

    def width(self, columns: int) -> int:
        """How many of ``columns`` cells this run can fill, counting leading blank cells."""
        n = len(self.slots)
        return n if n >= columns else min(columns, n + self.lead_blanks)

    def values(self) -> list[int | float]:
        return [t.value for t in self.slots if t.kind == NUM]


@dataclass(slots=True)
class Line:
    idx: int
    start: int
    end: int
    texts: list[Tok] = field(default_factory=list)  # label text tokens (not narrative, not garbage)
    run: Run | None = None
    garbage: bool = False  # numbers mixed with non-Chinese garbage: an OCR noise line
    header: bool = False


def lines(text: str, start: int, end: int, positional: bool) -> list[Line]:
    """The non-empty lines of ``text[start:end]``, tokenised, with one-cell-per-line runs merged."""
    out: list[Line] = []
    pos = start
    for raw in text[start:end].split("\n"):
        line_start, pos = pos, pos + len(raw) + 1
        if not raw.strip() or _PAGE_MARK.match(raw) or _MD_RULE.match(raw):
            continue
        out.append(_line(raw, line_start, len(out), positional))
    _merge_single_values(out)
    return out


def _line(raw: str, offset: int, idx: int, positional: bool) -> Line:
    line = Line(idx, offset, offset + len(raw))
    if "。" in raw:  # prose: neither labels nor values
        return line
    toks = _tokens(raw, offset, positional)
    line.header = bool(_HEADER_MARK.search(raw))
    last_text = max((i for i, t in enumerate(toks) if t.kind == TEXT), default=-1)
    if last_text >= 0 and (glued := _unglue(toks[last_text])) is not None:
        toks.insert(last_text + 1, glued)
    has_num = any(t.kind == NUM for t in toks)
    for t in toks[: last_text + 1]:
        if t.kind == TEXT:
            if _FOREIGN_LETTER.search(t.raw) and not _CJK.search(t.raw):
                line.garbage = line.garbage or has_num
            else:
                line.texts.append(t)
    if line.garbage or line.header:
        return line
    tail = toks[last_text + 1:]
    first = next((i for i, t in enumerate(tail) if t.kind in (NUM, BLANK)), None)
    if first is None:
        return line
    slots = tail[first:]
    if not any(t.kind == NUM for t in slots) and len(slots) > 1 and not line.texts:
        return line  # a row of dashes without a label: a rule, not blank cells
    line.run = Run(idx, idx, slots, lead=first, labelled=bool(line.texts), positional=positional)
    return line


def _tokens(raw: str, offset: int, positional: bool) -> list[Tok]:
    if raw.count("|") >= 2:
        cells = _split(raw, "|")
        stripped = raw.strip()
        if stripped.startswith("|"):
            cells = cells[1:]
        if stripped.endswith("|"):
            cells = cells[:-1]
    elif "\t" in raw:
        cells = _split(raw, "\t")
    else:
        cells = _split_spaces(raw)
    toks: list[Tok] = []
    for s, e in cells:
        while s < e and raw[s] == " ":
            s += 1
        while e > s and raw[e - 1] == " ":
            e -= 1
        if s == e:
            toks.append(Tok(EMPTY, offset + s, offset + s, ""))
        else:
            _cell_tokens(raw, s, e, offset, toks)
    return toks


def _split(raw: str, sep: str) -> list[tuple[int, int]]:
    out, s = [], 0
    while True:
        i = raw.find(sep, s)
        if i < 0:
            out.append((s, len(raw)))
            return out
        out.append((s, i))
        s = i + 1


def _split_spaces(raw: str) -> list[tuple[int, int]]:
    """Cells of PDF layout text: separated by two or more spaces."""
    out, s, n = [], None, len(raw)
    i = 0
    while i < n:
        if raw[i] == " ":
            j = i
            while j < n and raw[j] == " ":
                j += 1
            if j - i >= 2 or j == n:
                if s is not None:
                    out.append((s, i))
                    s = None
            i = j
        else:
            if s is None:
                s = i
            i += 1
    if s is not None:
        out.append((s, n))
    return out


def _cell_tokens(raw: str, s: int, e: int, offset: int, out: list[Tok]) -> None:
    """Tokens of one non-empty cell: numbers (with a unit), blank markers, merged text."""
    cell_toks: list[Tok] = []
    for m in _PIECE.finditer(raw, s, e):
        piece, ps, pe = m.group(), m.start(), m.end()
        num = _NUMBER.fullmatch(piece)
        if num:
            cell_toks.append(_number(num, offset + ps, offset + pe, piece))
            continue
        prev = cell_toks[-1] if cell_toks else None
        if prev is not None and prev.kind == NUM and prev.unit is None and _UNIT.fullmatch(piece):
            prev.unit, prev.end = piece, offset + pe  # 「308.7 万元」: the unit belongs to the value
            prev.raw = raw[prev.start - offset:pe]
            continue
        if _BLANK.fullmatch(piece):
            cell_toks.append(Tok(BLANK, offset + ps, offset + pe, piece))
            continue
        if prev is not None and prev.kind == TEXT:
            prev.end, prev.raw = offset + pe, raw[prev.start - offset:pe]
        else:
            cell_toks.append(Tok(TEXT, offset + ps, offset + pe, piece))
    # 「1 属于国家秘密」-style row numbers and a marker inside text are text, not values.
    if any(t.kind == TEXT for t in cell_toks):
        last_text = max(i for i, t in enumerate(cell_toks) if t.kind == TEXT)
        for t in cell_toks[:last_text]:
            if t.kind == BLANK:
                t.kind = TEXT
    out.extend(cell_toks)


def _unglue(tok: Tok) -> Tok | None:
    """Split 「行政许可10」 into its label and a value (the text is the last of its line)."""
    m = _GLUED.search(tok.raw)
    if m is None:
        return None
    cut = tok.start + m.start()
    value = _number(_NUMBER.fullmatch(m.group()), cut, tok.end, m.group())
    value.glued = True
    tok.raw, tok.end = tok.raw[: m.start()], cut
    return value


def _number(m: re.Match, start: int, end: int, raw: str) -> Tok:
    sign, digits, unit = m.group(1), m.group(2).replace(",", ""), m.group(3)
    value: int | float = float(digits) if "." in digits else int(digits)
    if sign and sign[0] in "-−减":
        value = -value
    return Tok(NUM, start, end, raw, value=value, unit=unit, sign=bool(sign))


def _merge_single_values(out: list[Line]) -> None:
    """One cell per line (HTML flattened line by line): consecutive one-value lines form one run."""
    current: Run | None = None
    for line in out:
        run = line.run
        single = run is not None and not run.labelled and len(run.slots) == 1 and run.lead == 0
        if single and current is not None and current.last == line.idx - 1:
            current.slots.extend(run.slots)
            current.last = line.idx
            line.run = None
        elif single:
            current = run
        else:
            current = None
