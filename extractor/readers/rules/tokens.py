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
# A digit or a blank marker's character: a line without one has no values.
_VALUE_CHAR = re.compile(r"[\d/\\\-—–―无空*]")
# Page marks inside a table (「- 4 -」, 「第 4 页」, 「4/12」): numbers that are not values.
_PAGE_MARK = re.compile(r"^\s*(?:[-—–_]\s*\d{1,4}\s*[-—–_]|第\s*\d+\s*页(?:\s*[,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$")
_MD_RULE = re.compile(r"^[\s|:\-]*-{3,}[\s|:\-]*$")
# Sub-table captions and header rows, 「第二十条」 and 「信息内容」 (tested for by ``in``): their
# numbers are OCR noise, never values.


_TRADITIONAL_FORMS = ("規範許處罰強費採購務項結轉開國祕為穩權內過執詢關現製補確訪舉報訴請複復總計議數資"
                      "證繳納辦與於應機構組織業會單萬額維糾審經獲無當據類發佈廢條問題讓遞")
_SIMPLIFIED_FORMS = ("规范许处罚强费采购务项结转开国秘为稳权内过执询关现制补确访举报诉请复复总计议数资"
                     "证缴纳办与于应机构组织业会单万额维纠审经获无当据类发布废条问题让递")
_TRADITIONAL = str.maketrans(_TRADITIONAL_FORMS, _SIMPLIFIED_FORMS)
_HAS_TRADITIONAL = lazy_compile(f"[{_TRADITIONAL_FORMS}]")
_NOISE = lazy_compile(r"[\s|*#>]+")
_NOT_PLAIN = re.compile(f"[\\s|*#>{_TRADITIONAL_FORMS}]")  # what ``plain`` removes or maps
# In a tab row: what ``plain`` would remove or map in one of its cells.
_NOT_PLAIN_TAB_ROW = lazy_compile(f"[^\\S\\t]|[|*#>{_TRADITIONAL_FORMS}]")


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


# What ``lines`` keeps of a line of cells or a single text cell it tokenised, to build the
# same line again when a later region of the document holds it (see ``lines``): the line,
# its run and how many slots the run had before one-value lines joined it.
Seen = dict[tuple[int, str], tuple["Line", "Run | None", int]]


def lines(text: str, start: int, end: int, tables: bool, seen: Seen | None = None) -> list[Line]:
    """The non-empty lines of ``text[start:end]``, tokenised.

    A line holding one value or blank marker and nothing else joins the run of the line before
    when that is one too (one cell per line: HTML flattened line by line): it gets no run of its
    own. ``seen``, one per document and ``tables``, keeps the label lines tokenised in an
    earlier region: the same line at the same offset is not tokenised again.
    """
    out: list[Line] = []
    grid = TABLE if tables else TEXT_GRID
    joining: Run | None = None  # the run of one-value lines that a next one-value line joins
    pos = start
    for raw in text[start:end].split("\n"):
        line_start, pos = pos, pos + len(raw) + 1
        if not raw:
            continue
        first = raw[0]
        if "\u3400" <= first <= "\u9fff" and first not in "第增减无空":
            # A label line (Chinese first): not a count, a blank, a rule or a page mark, and
            # as a single cell never a value or a blank marker.
            if "。" in raw:
                out.append(Line(len(out), line_start, pos - 1))
                joining = None
                continue
            cell, at = raw.rstrip(), line_start
            several = " " in cell or "\t" in cell or "|" in cell
        elif raw.isdecimal():  # a bare count, the commonest line of one-cell-per-line tables
            cell, tok = "", Tok(NUM, line_start, pos - 1, raw, int(raw))
        elif raw.isspace() or ("---" in raw and _MD_RULE.match(raw)) or (len(raw) < 24 and _PAGE_MARK.match(raw)):
            continue
        elif "。" in raw:  # prose: neither labels nor values
            out.append(Line(len(out), line_start, pos - 1))
            joining = None
            continue
        else:
            cell = raw.strip()
            several = " " in cell or "\t" in cell or "|" in cell
            at = line_start + raw.index(cell[0])
            if not several and not ("\u3400" <= cell[0] <= "\u9fff" and cell[0] not in "增减无空"):
                # a single cell that may be a value
                tok = _value(cell, at, at + len(cell))  # type: ignore[assignment]  # None: not a value
                if tok is None and _BLANK.fullmatch(cell):
                    tok = Tok(BLANK, at, at + len(cell), cell)
                if tok is not None:
                    cell = ""
        idx = len(out)
        if cell:  # a line of cells, or a single text cell
            known = None if seen is None else seen.get((line_start, raw))
            if known is not None:
                line = _again(known, idx)
            else:
                line = _cells_line(raw, line_start, idx, grid) if several else _text_cell(idx, line_start, pos - 1, cell, at)
                if seen is not None:
                    seen[line_start, raw] = (line, line.run, 0 if line.run is None else len(line.run.slots))
            out.append(line)
            run = line.run
            joining = None if run is None or run.labelled or run.lead or len(run.slots) != 1 else _join(joining, line)
        elif joining is None:  # a single value: a run of its own, or the next of the run before
            joining = Run(idx, idx, [tok])
            out.append(Line(idx, line_start, pos - 1, [], joining))
        else:
            joining.slots.append(tok)
            joining.last = idx
            out.append(Line(idx, line_start, pos - 1))
    return out


def _again(known: tuple[Line, Run | None, int], idx: int) -> Line:
    """A line tokenised before, as it was then, at index ``idx`` (its tokens are shared)."""
    line, run, n = known
    if run is not None:
        run = Run(idx, idx, run.slots[:n], run.lead, run.labelled, run.grid, run.x0, run.trail)
    return Line(idx, line.start, line.end, line.texts[:], run, line.garbage, line.header)


def _join(joining: Run | None, line: Line) -> Run:
    """A line of cells whose run is one unlabelled value, after ``joining`` (the run of the
    one-value lines just before, if any): its value joins that run; returns the run a next
    line joins."""
    run = line.run
    if joining is None:
        return run  # type: ignore[return-value]  # the line has a run
    joining.slots.append(run.slots[0])  # type: ignore[union-attr]  # the line has a run
    joining.last = line.idx
    line.run = None
    return joining


def _text_cell(idx: int, start: int, end: int, cell: str, at: int) -> Line:
    """A line holding a single cell that is neither a value nor a blank marker."""
    if not ("\u3400" <= cell[0] <= "\u9fff" or has_chinese(cell)):
        return Line(idx, start, end)
    header = "第二十条" in cell or "信息内容" in cell
    tok = Tok(TEXT, at, at + len(cell), cell, None, None, False, plain(cell))  # positional: cheaper
    glued = None if header or not cell[-1].isdecimal() else _unglue(tok)  # a glued value ends the cell
    return Line(idx, start, end, [tok], None if glued is None else Run(idx, idx, [glued], 0, True), False, header)


def _cells_line(raw: str, offset: int, idx: int, grid: str) -> Line:
    """A line of several cells: its label texts and the run of values at its end."""
    pipe = raw.count("|") >= 2
    header = "第二十条" in raw or "信息内容" in raw
    tail = not header and (raw[-1] in "0123456789" or _VALUE_CHAR.search(raw) is not None)
    if pipe or "\t" in raw:
        labels, run, text_end = _separated(raw, pipe, offset, tail)
    else:  # layout text: cells apart by two or more spaces
        labels = [m.span() for m in _SPACE_CELL.finditer(raw)]
        run, text_end = [], -1
        if tail:
            run, ci, text_end = _tail(raw, labels, offset)
            labels = labels[:ci + 1]
            if text_end >= 0:
                labels[-1] = (labels[-1][0], text_end)
    texts: list[Tok] = []
    garbage = False
    has_digit: bool | None = None
    # Cells of a tab row without spaces, marks or traditional forms are plain already.
    as_is = len(labels) > 1 and not pipe and _NOT_PLAIN_TAB_ROW.search(raw) is None
    for s, e in labels:
        chunk = raw[s:e]
        if "\u3400" <= chunk[0] <= "\u9fff" or has_chinese(chunk):
            texts.append(Tok(TEXT, offset + s, offset + e, chunk, None, None, False, chunk if as_is else plain(chunk)))
        else:
            if has_digit is None:
                has_digit = _DIGIT.search(raw) is not None
            if has_digit and _FOREIGN_LETTER.search(chunk):
                garbage = True
    line = Line(idx, offset, offset + len(raw), texts, None, garbage, header)
    if texts and text_end >= 0 and texts[-1].end == offset + text_end and texts[-1].raw[-1].isdecimal():
        glued = _unglue(texts[-1])
        if glued is not None:
            run.insert(0, glued)
    if garbage or not run:
        return line
    first = 0  # empty cells before the values
    n = len(run)
    while first < n and run[first].kind == EMPTY:
        first += 1
    if first == n:
        return line
    slots = run[first:] if first else run
    if n - first > 1 and not texts and all(t.kind == BLANK for t in slots):
        return line  # a row of dashes without a label: a rule, not blank cells
    trail = 0
    while slots[-1 - trail].kind == EMPTY:
        trail += 1
    line.run = Run(idx, idx, slots, first, bool(texts), PIPE if pipe else grid,
                   offset if not pipe and "\t" not in raw else -1, trail)
    return line


def _separated(raw: str, pipe: bool, offset: int, tail: bool) -> tuple[list[tuple[int, int]], list[Tok], int]:
    """A pipe or tab row read right to left in one pass: its values (when ``tail``), then the
    spans of its non-empty cells up to the last text (stripped of spaces; the last one cut
    where the text ends).

    Returns the label spans, the value tokens in order and the offset in ``raw`` where the
    text ends (-1: none). Empty cells are kept as tokens among the values: a cell of spaces
    only is empty at its end.
    """
    parts = raw.split("|" if pipe else "\t")
    lo, ci, e = 0, len(parts) - 1, len(raw)  # e: where cell ci ends
    if pipe:
        stripped = raw.strip()
        if stripped.startswith("|"):
            lo = 1  # before the opening pipe: not a cell
        if stripped.endswith("|"):
            e -= len(parts[ci]) + 1  # after the closing pipe: not a cell
            ci -= 1
    out: list[Tok] = []
    labels: list[tuple[int, int]] = []
    text_end = -1
    while tail and ci >= lo:
        p = parts[ci]
        s = e - len(p)
        if p.isdecimal():  # a plain count, the commonest cell: what _value reads
            out.append(Tok(NUM, offset + s, offset + e, p, int(p)))
        elif not p:
            out.append(Tok(EMPTY, offset + s, offset + s, ""))
        else:
            cs, ce = s, e
            if " " in p:
                rest = p.lstrip(" ")
                cs = e - len(rest)
                ce = cs + len(rest.rstrip(" "))
            if cs == ce:
                out.append(Tok(EMPTY, offset + cs, offset + cs, ""))
            else:
                text_end = _cell(raw, cs, ce, offset, out)
                if text_end >= 0:
                    labels.append((cs, text_end))
                    e = s - 1
                    ci -= 1
                    break
        e = s - 1
        ci -= 1
    else:
        if tail:  # values only, no text
            out.reverse()
            return labels, out, -1
    out.reverse()
    while ci >= lo:  # the cells before the values: label cells
        p = parts[ci]
        s = e - len(p)
        if " " in p:
            rest = p.lstrip(" ")
            if rest:
                cs = e - len(rest)
                labels.append((cs, cs + len(rest.rstrip(" "))))
        elif p:
            labels.append((s, e))
        e = s - 1
        ci -= 1
    labels.reverse()
    return labels, out, text_end


def _tail(raw: str, cells: list[tuple[int, int]], offset: int) -> tuple[list[Tok], int, int]:
    """The values at the end of a line of non-empty cells, read right to left up to the last text.

    Returns the tokens in order, the index of the cell where the text ends (-1 when the line
    has no text) and the offset in ``raw`` where that text ends (-1: none).
    """
    out: list[Tok] = []
    for ci in range(len(cells) - 1, -1, -1):
        s, e = cells[ci]
        text_end = _cell(raw, s, e, offset, out)
        if text_end >= 0:
            out.reverse()
            return out, ci, text_end
    out.reverse()
    return out, -1, -1


def _cell(raw: str, s: int, e: int, offset: int, out: list[Tok]) -> int:
    """The non-empty cell ``raw[s:e]`` read right to left: its values and blank markers are
    appended to ``out`` (last first). Returns where its text ends in ``raw``, or -1 when it
    holds none."""
    piece = raw[s:e]
    if piece.isdecimal():  # a plain count, the commonest cell: what _value reads
        out.append(Tok(NUM, offset + s, offset + e, piece, int(piece)))
        return -1
    if " " not in piece and piece.isprintable():  # no whitespace at all, one piece: the common case
        value = _value(piece, offset + s, offset + e)
        if value is not None:
            out.append(value)
            return -1
        if _BLANK.fullmatch(piece):
            out.append(Tok(BLANK, offset + s, offset + e, piece))
            return -1
        return e  # text: the values end here
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
        return pe
    return -1


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
