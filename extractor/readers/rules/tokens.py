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
from operator import attrgetter

from extractor.lazy_re import lazy_compile

NUM, BLANK, EMPTY, TEXT = "num", "blank", "empty", "text"
# What empty cells between a row's label and its values are. In a pipe table every cell is
# kept, so the values are the row's last cells. In HTML and Word tables as the loaders render
# them, trailing empty cells are lost (normalising strips trailing tabs) and a label column a
# row does not use is an empty cell too. In text, tabs come from unknown converters.
PIPE, TABLE, TEXT_GRID = "pipe", "table", "text"

_UNITS = "万元|元|万|件|项|个|条|次"
# 「+2」, 「-1」, 「增2」, 「减少1」 (本年增/减), 「1,234」, 「308.7万元」.
_NUMBER = re.compile(rf"([+\-−]|增加?|减少?)?((?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?)\s*({_UNITS})?")
# A value glued to the end of its label by a careless conversion: 「行政许可10」 — the number that
# ends the text, after a Chinese character (``has_chinese``) or 「)」「”」「:」.
_TRAILING_NUMBER = lazy_compile(r"\d+(?:\.\d+)?$")
_GLUE_AFTER = ")”:"
_UNIT = lazy_compile(rf"(?:{_UNITS})")
# What fillers write in a cell they leave empty. 「无」 is a marker only as a whole cell.
_BLANK = re.compile(r"/|\\|-{1,2}|—{1,2}|–|―|无|空|\*")
# Letters that are not Chinese: OCR garbage such as 「Ш-」, 「/\C」, 「$\vdash$」.
_FOREIGN_LETTER = lazy_compile(r"[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF$<>\\]")
_PIECE = re.compile(r"\S+")
_SPACE_CELL = re.compile(r"\S+(?: \S+)*")
_DIGIT = re.compile(r"\d")
_MARKER = re.compile(r"[/\\\-—–―无空*]")
# Page marks inside a table (「- 4 -」, 「第 4 页」, 「4/12」): numbers that are not values.
_PAGE_MARK = re.compile(r"^\s*(?:[-—–_]\s*\d{1,4}\s*[-—–_]|第\s*\d+\s*页(?:\s*[,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$")
_MD_RULE = re.compile(r"^[\s|:\-]*-{3,}[\s|:\-]*$")
# Sub-table captions and header rows: their numbers are OCR noise, never values.
_HEADER_MARK = re.compile(r"第二十条|信息内容")


_TRADITIONAL_FORMS = ("規範許處罰強費採購務項結轉開國祕為穩權內過執詢關現製補確訪舉報訴請複復總計議數資"
                      "證繳納辦與於應機構組織業會單萬額維糾審經獲無當據類發佈廢條問題讓遞")
_SIMPLIFIED_FORMS = ("规范许处罚强费采购务项结转开国秘为稳权内过执询关现制补确访举报诉请复复总计议数资"
                     "证缴纳办与于应机构组织业会单万额维纠审经获无当据类发布废条问题让递")
_TRADITIONAL = str.maketrans(_TRADITIONAL_FORMS, _SIMPLIFIED_FORMS)
_HAS_TRADITIONAL = lazy_compile(f"[{_TRADITIONAL_FORMS}]")
_NOISE = lazy_compile(r"[\s|*#>]+")
_NOT_PLAIN = re.compile(f"[\\s|*#>{_TRADITIONAL_FORMS}]")  # what ``plain`` removes or maps


def has_chinese(text: str) -> bool:
    """Whether ``text`` holds a CJK ideograph (U+3400–U+9FFF). A loop, not a pattern: compiling the
    class of those 27,000 code points costs ~25M instructions at every start, and a label is
    mostly Chinese from its first or second character."""
    for ch in text:
        if "\u3400" <= ch <= "\u9fff":
            return True
    return False


def is_blank(cell: str) -> bool:
    """What a filler writes in a cell it leaves empty (「/」, 「-」, 「无」 …), the whole cell."""
    return _BLANK.fullmatch(cell) is not None


def plain(text: str) -> str:
    """Label text for matching: no whitespace or markdown marks, simplified characters.

    The document text is already normalised, so this does not normalise again (it runs on
    every label cell of every table, and most are plain already).
    """
    if _NOT_PLAIN.search(text) is None:
        return text
    text = _NOISE.sub("", text)
    return text.translate(_TRADITIONAL) if _HAS_TRADITIONAL.search(text) else text


@dataclass(slots=True)
class Tok:
    kind: str  # num, blank, empty, text
    start: int
    end: int
    raw: str
    value: int | float | None = None
    unit: str | None = None
    glued: bool = False  # split off the end of the label text it was glued to
    label: str = ""  # text tokens: the text squashed for matching (see ``plain``)


_START, _END = attrgetter("start"), attrgetter("end")


@dataclass(slots=True)
class Run:
    """The values at the end of one line, or of consecutive one-value lines (one cell per line)."""

    line: int  # index of the first line (non-empty lines of the region)
    last: int  # index of the last line
    slots: list[Tok]  # values, blank markers and empty cells between values, in order
    lead: int = 0  # empty cells before the first value that may stand for blank cells
    labelled: bool = False  # the line carries text before the values
    grid: str = TEXT_GRID  # what the line's empty cells are: see PIPE, TABLE, TEXT_GRID
    x0: int = -1  # layout text (cells apart by spaces): where the line starts, to read columns by position
    trail: int = 0  # empty cells at the end (a pipe row's colspan fillers: 「| 行政许可 | 10 |||」)
    cut: bool = False  # the text ends right after this run: a row cut off mid-way

    @property
    def start(self) -> int:
        return self.slots[0].start

    @property
    def span(self) -> tuple[int, int]:
        return min(map(_START, self.slots)), max(map(_END, self.slots))

    @property
    def lead_blanks(self) -> int:
        """Leading empty cells that stand for blank cells, not for a merged label cell."""
        return self.lead if self.grid == PIPE or not self.labelled else 0

    def width(self, columns: int) -> int:
        """How many of ``columns`` cells this run can fill, counting leading blank cells and
        not counting trailing empty cells it does not need."""
        n = len(self.slots)
        if n > columns:
            return max(columns, n - self.trail)
        if self.table_row_fits(columns):
            return columns
        return min(columns, n + self.lead_blanks)

    def table_row_fits(self, columns: int) -> bool:
        """An HTML/Word row whose empty cells are all accounted for: the leading ones are blank
        cells (no label, or no empty cell after it) and the missing ones are the trailing empty
        cells normalising removed."""
        return self.grid == TABLE and (not self.labelled or not self.lead) and len(self.slots) + self.lead <= columns

    def values(self) -> list[int | float]:
        return [t.value for t in self.slots if t.kind == NUM]  # type: ignore[misc]  # a NUM token has a value


@dataclass(slots=True)
class Line:
    idx: int
    start: int
    end: int
    texts: list[Tok] = field(default_factory=list)  # label text tokens (not narrative, not garbage)
    run: Run | None = None
    garbage: bool = False  # numbers mixed with non-Chinese garbage: an OCR noise line
    header: bool = False


def lines(text: str, start: int, end: int, tables: bool) -> list[Line]:
    """The non-empty lines of ``text[start:end]``, tokenised, with one-cell-per-line runs merged."""
    out: list[Line] = []
    grid = TABLE if tables else TEXT_GRID
    pos = start
    for raw in text[start:end].split("\n"):
        line_start, pos = pos, pos + len(raw) + 1
        if raw.isdecimal():  # a bare count, the commonest line of one-cell-per-line tables: what _line reads
            idx = len(out)
            line = Line(idx, line_start, pos - 1)
            line.run = Run(idx, idx, [Tok(NUM, line_start, pos - 1, raw, int(raw))])
            out.append(line)
            continue
        if not raw or raw.isspace() or ("---" in raw and _MD_RULE.match(raw)) or (len(raw) < 24 and _PAGE_MARK.match(raw)):
            continue
        out.append(_line(raw, line_start, len(out), grid))
    _merge_single_values(out)
    return out


def _line(raw: str, offset: int, idx: int, grid: str) -> Line:
    line = Line(idx, offset, offset + len(raw))
    if "。" in raw:  # prose: neither labels nor values
        return line
    bare = raw.strip()
    if " " not in bare and "\t" not in bare and "|" not in bare:
        return _one_cell(line, bare, offset + raw.index(bare[0]))
    cells = _cells(raw)
    line.header = _HEADER_MARK.search(raw) is not None
    has_digit = _DIGIT.search(raw) is not None
    run: list[Tok] = []
    text_cells, text_end = len(cells), None
    if not line.header and (has_digit or _MARKER.search(raw)):
        run, text_cells, text_end = _tail(raw, cells, offset)
    label_spans = cells[:text_cells + 1]  # the cells up to the one where the text ends (all: no values)
    if text_end is not None:
        label_spans[-1] = (label_spans[-1][0], text_end)
    for s, e in label_spans:
        if s == e:
            continue
        chunk = raw[s:e]
        if has_chinese(chunk):
            line.texts.append(Tok(TEXT, offset + s, offset + e, chunk, label=plain(chunk)))
        elif has_digit and _FOREIGN_LETTER.search(chunk):
            line.garbage = True
    if line.texts and text_end is not None and line.texts[-1].end == offset + text_end:
        glued = _unglue(line.texts[-1])
        if glued is not None:
            run.insert(0, glued)
    if line.garbage or not run:
        return line
    first = 0  # empty cells before the values
    while first < len(run) and run[first].kind == EMPTY:
        first += 1
    if first == len(run):
        return line
    slots = run[first:]
    if len(slots) > 1 and not line.texts and all(t.kind == BLANK for t in slots):
        return line  # a row of dashes without a label: a rule, not blank cells
    pipe = raw.count("|") >= 2
    spaced = not pipe and "\t" not in raw
    trail = 0
    while slots[-1 - trail].kind == EMPTY:
        trail += 1
    line.run = Run(idx, idx, slots, lead=first, labelled=bool(line.texts), grid=PIPE if pipe else grid,
                   x0=offset if spaced else -1, trail=trail)
    return line


def _one_cell(line: Line, cell: str, start: int) -> Line:
    """A line holding a single cell: one cell per line layouts are mostly these."""
    value = _value(cell, start, start + len(cell))
    if value is not None:
        line.run = Run(line.idx, line.idx, [value])
    elif _BLANK.fullmatch(cell):
        line.run = Run(line.idx, line.idx, [Tok(BLANK, start, start + len(cell), cell)])
    elif has_chinese(cell):
        line.header = _HEADER_MARK.search(cell) is not None
        tok = Tok(TEXT, start, start + len(cell), cell, label=plain(cell))
        line.texts.append(tok)
        if not line.header and (glued := _unglue(tok)) is not None:
            line.run = Run(line.idx, line.idx, [glued], labelled=True)
    return line


def _cells(raw: str) -> list[tuple[int, int]]:
    """Cell spans, stripped of spaces; empty cells of pipe and tab rows are kept (start == end)."""
    if raw.count("|") >= 2:
        cells = _split(raw, "|")
        stripped = raw.strip()
        if stripped.startswith("|"):
            cells = cells[1:]
        if stripped.endswith("|"):
            cells = cells[:-1]
        return cells
    if "\t" in raw:
        return _split(raw, "\t")
    return _split_spaces(raw)


def _tail(raw: str, cells: list[tuple[int, int]], offset: int) -> tuple[list[Tok], int, int | None]:
    """The values at the end of a line, read right to left up to the last text.

    Returns the tokens in order, the index of the cell where the text ends (-1 when the line
    has no text) and the offset in ``raw`` where that text ends.
    """
    out: list[Tok] = []
    for ci in range(len(cells) - 1, -1, -1):
        s, e = cells[ci]
        if s == e:
            out.append(Tok(EMPTY, offset + s, offset + s, ""))
            continue
        piece = raw[s:e]
        if piece.isdecimal():  # a plain count, the commonest cell: what _value reads
            out.append(Tok(NUM, offset + s, offset + e, piece, int(piece)))
            continue
        if " " not in piece and piece.isprintable():  # no whitespace at all, one piece: the common case
            value = _value(piece, offset + s, offset + e)
            if value is not None:
                out.append(value)
                continue
            if _BLANK.fullmatch(piece):
                out.append(Tok(BLANK, offset + s, offset + e, piece))
                continue
            out.reverse()
            return out, ci, e  # text: the values end here
        pieces = [m.span() for m in _PIECE.finditer(raw, s, e)]
        unit: tuple[int, int] | None = None
        for pi in range(len(pieces) - 1, -1, -1):
            ps, pe = pieces[pi]
            piece = raw[ps:pe]
            if unit is None:
                value = _value(piece, offset + ps, offset + pe)
                if value is not None:
                    out.append(value)
                    continue
            elif (num := _NUMBER.fullmatch(piece)) is not None and num.group(3) is None:
                # 「308.7 万元」: the unit belongs to the value
                pe, piece = unit[1], raw[ps:unit[1]]
                out.append(_number(_NUMBER.fullmatch(piece), offset + ps, offset + pe, piece))  # type: ignore[arg-type]  # num + its unit matches too
                unit = None
                continue
            if unit is None and pi > 0 and _UNIT.fullmatch(piece):
                unit = (ps, pe)
                continue
            if unit is not None:
                pe = unit[1]  # a unit word not after a number is text
            elif _BLANK.fullmatch(piece):
                out.append(Tok(BLANK, offset + ps, offset + pe, piece))
                continue
            out.reverse()
            return out, ci, pe
    out.reverse()
    return out, -1, None


def _split(raw: str, sep: str) -> list[tuple[int, int]]:
    """Cells between separators, stripped of spaces (a cell of spaces only is empty, at its end)."""
    out, pos = [], 0
    for cell in raw.split(sep):
        end = pos + len(cell)
        if " " in cell:
            rest = cell.lstrip(" ")
            start = end - len(rest)
            out.append((start, start + len(rest.rstrip(" "))))
        else:
            out.append((pos, end))
        pos = end + 1
    return out


def _split_spaces(raw: str) -> list[tuple[int, int]]:
    """Cells of PDF layout text: separated by two or more spaces."""
    return [m.span() for m in _SPACE_CELL.finditer(raw)]


def _unglue(tok: Tok) -> Tok | None:
    """Split 「行政许可10」 into its label and a value (the text is the last of its line)."""
    if not tok.raw[-1].isdecimal():
        return None  # no digit to split off: spare the search
    m = _TRAILING_NUMBER.search(tok.raw)
    if m is None or m.start() == 0 or not (has_chinese(before := tok.raw[m.start() - 1]) or before in _GLUE_AFTER):
        return None
    cut = tok.start + m.start()
    value = _number(_NUMBER.fullmatch(m.group()), cut, tok.end, m.group())  # type: ignore[arg-type]  # the match is a number
    value.glued = True
    tok.raw, tok.end = tok.raw[: m.start()], cut
    tok.label = plain(tok.raw)
    return value


def _value(raw: str, start: int, end: int) -> Tok | None:
    """A whole cell (or piece of one) read as a value, or ``None`` when it is not a number."""
    if raw.isdecimal():  # a plain count, the common case: what the pattern would read
        return Tok(NUM, start, end, raw, int(raw))
    num = _NUMBER.fullmatch(raw)
    return None if num is None else _number(num, start, end, raw)


def _number(m: re.Match, start: int, end: int, raw: str) -> Tok:
    sign, digits, unit = m.groups()
    if "," in digits:
        digits = digits.replace(",", "")
    value: int | float = float(digits) if "." in digits else int(digits)
    if sign is not None and sign[0] in "-−减":
        value = -value
    return Tok(NUM, start, end, raw, value, unit)


def _merge_single_values(out: list[Line]) -> None:
    """One cell per line (HTML flattened line by line): consecutive one-value lines form one run."""
    current: Run | None = None
    for line in out:
        run = line.run
        single = run is not None and not run.labelled and len(run.slots) == 1 and run.lead == 0
        if single and current is not None and current.last == line.idx - 1:
            current.slots.extend(run.slots)  # type: ignore[union-attr]  # single: run is not None
            current.last = line.idx
            line.run = None
        elif single:
            current = run
        else:
            current = None
