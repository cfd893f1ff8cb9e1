"""Grounding: every number the model returns must be found in the text near its row label.

For each answer row we find the row's label in the part's text (labels are matched with
whitespace removed, so wrapped and spaced labels still match), take the text up to the next
row label as the row's neighbourhood, and look for the value among the numbers written
there. When the row's columns can be told (tab-separated cells, blanks included, or exactly
one number per column), the value must be at its column's position.

Outcomes per cell:
- found at its column → ``ok`` (confidence 0.9), span on the digits: the only value a
  model can have accepted — unless the label's line is a sentence (it holds a full stop):
  figures quoted in prose are not table cells, so those stay ``flagged``;
- found in the row but the columns cannot be told apart, in another column, or not among
  the row's numbers, or the row holds fewer numbers than the model gave → ``flagged``,
  never ``ok``: the place the model gives cannot be confirmed;
- nothing is written where the value should be (the row's label is not in the text, the row
  holds no number, or its cell is blank) → the value was invented: ``missing``, the model's
  reading kept in ``readings``, because a value that is not in the document is null.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractor.readers.llm.numbers import Token, number_tokens, same_number, tab_cells
from extractor.readers.rules.rows import key_phrase
from schemas import Cell
from schemas.llm import answer_items

_NOISE = re.compile(r"[\s|*#]")
_NUMBERS_ONLY = re.compile(r"[\s\d.,+\-]*")
_NEIGHBOURHOOD_MAX = 400


@dataclass(frozen=True, slots=True)
class Row:
    start: int  # end of the label: the row's numbers follow
    end: int


def ground(text: str, span: tuple[int, int], answer) -> dict[str, Cell]:
    """Cells for every id of ``answer``'s part, grounded in ``text[span[0]:span[1]]``."""
    items = answer_items(answer)
    fields = list(dict.fromkeys(item.field for item in items))
    rows = _locate_rows(text, span, _row_ids(type(answer), fields))
    cells: dict[str, Cell] = {}
    for field in fields:
        row_items = [i for i in items if i.field == field]
        row = rows.get(field)
        columns, tokens, unsure = _row_numbers(text, row, len(row_items)) if row else (None, [], False)
        given = sum(i.raw is not None for i in row_items)
        labelled = bool(type(answer).ROWS[field][0])  # 表四's one row has no label: its span is the row
        prose = row is not None and labelled and _in_a_sentence(text, row)
        for item in row_items:
            cell = _cell(item, row, columns, tokens, given)
            if prose and cell.status == "ok":
                cell = cell.model_copy(update={"status": "flagged", "confidence": 0.3,
                                               "note": "这个数在一句叙述里（标签所在行有句号），不是表格的单元格"})
            if unsure and cell.status == "ok":
                cell = cell.model_copy(update={"status": "flagged", "confidence": 0.4,
                                               "note": "标签上下各有一行数字，无法确定哪一行属于这一行"})
            cells[item.cell_id] = cell
    return cells


def rows_absent(text: str, span: tuple[int, int], answer_model) -> list[str]:
    """The answer's rows whose labels are not in ``text[span[0]:span[1]]``."""
    fields = list(answer_model.ROWS)
    found = _locate_rows(text, span, _row_ids(answer_model, fields))
    return [f for f in fields if f not in found]


def _in_a_sentence(text: str, row: Row) -> bool:
    """The label stands in a sentence, not a table row: its line holds a full stop. (Reports
    quote table figures in their prose — 「全年共办理行政许可26768件、行政处罚538件。」 — and
    a label found there is no table row, even with one number right after it.)"""
    start = text.rfind("\n", 0, row.start) + 1
    end = text.find("\n", row.start)
    return "。" in text[start:end if end >= 0 else len(text)]


def rows_readable(text: str, span: tuple[int, int], answer_model) -> list[str]:
    """The answer's rows a model value could be grounded in: the label is in
    ``text[span[0]:span[1]]`` and a number stands after it or on a numbers-only line above,
    and the text does not end inside the row with fewer numbers than the row has cells (an
    excerpt cut off there: its other cells are not in the text)."""
    fields = list(answer_model.ROWS)
    rows = _locate_rows(text, span, _row_ids(answer_model, fields))
    tail = len(text.rstrip(" \t\r\n|"))
    out = []
    for field, row in rows.items():
        found = number_tokens(text[row.start:row.end])
        if found and row.end >= tail and len(found) < len(answer_model.ROWS[field][1]):
            continue  # cut off by the end of the text
        above = _line_above(text, text.rfind("\n", 0, row.start) + 1)
        if found or (above and _NUMBERS_ONLY.fullmatch(text[above[0]:above[1]])
                     and number_tokens(text[above[0]:above[1]])):
            out.append(field)
    return out


def _cell(item, row: Row | None, columns: Sequence[Token | None] | None, tokens: list[Token], given: int) -> Cell:
    if item.raw is None:
        return Cell(status="missing", reader="llm", note="模型认为原文没有这个数")
    if row is None:
        return _invented(item, "原文没有这一行")
    if not tokens and not any(columns or ()):
        return _invented(item, "原文这一行没有数字")
    if columns is not None:
        at = columns[item.index]
        if at is None:
            return _invented(item, "原文这一格是空白")
        if same_number(at.value, item.raw):
            return Cell(value=item.value, status="ok", confidence=0.9, span=(at.start, at.end), reader="llm",
                        raw=at.raw)
    match = next((t for t in tokens if same_number(t.value, item.raw)), None)
    if match is None:
        return Cell(value=item.value, status="flagged", confidence=0.2, reader="llm",
                    note=f"模型给出 {item.raw:g}，原文这一行附近没有这个数")
    found = dict(value=item.value, span=(match.start, match.end), reader="llm", raw=match.raw)
    if columns is not None:
        return Cell(**found, status="flagged", confidence=0.4, note="这个数在原文这一行的另一列")
    if len(tokens) < given:
        return Cell(**found, status="flagged", confidence=0.4,
                    note=f"原文这一行只有 {len(tokens)} 个数，模型给出了 {given} 个：可能把空白当成了数")
    return Cell(**found, status="flagged", confidence=0.4, note="这个数在原文这一行中，但无法确定它在哪一列")


def _invented(item, where: str) -> Cell:
    # Nothing is written where the value should be: the value is not in the document, so the
    # cell is missing (never a made-up 0); the model's reading stays for the reviewer.
    return Cell(status="missing", reader="llm", readings={"llm": item.value},
                note=f"{where}，模型却给出了 {item.raw:g}：视为编造，已丢弃")


def _row_ids(answer_model, fields: list[str]) -> dict[str, str]:
    """Answer field → the row's cell-id prefix (``state_secret`` → ``p3.withheld.state_secret``)."""
    part = answer_model.PART
    return {f: f"{part}.{answer_model.ROWS[f][0]}" if answer_model.ROWS[f][0] else part for f in fields}


def label_starts(text: str, answer_model) -> list[int]:
    """Where the answer's row labels stand anywhere in ``text`` (none for 表四: it has none)."""
    fields = list(answer_model.ROWS)
    return [start for start, _ in _find_labels(text, (0, len(text)), _row_ids(answer_model, fields)).values()]


def _find_labels(text: str, span: tuple[int, int], row_ids: dict[str, str]) -> dict[str, tuple[int, int]]:
    """field → (label start, label end) in the text, for the rows whose label is found in ``span``."""
    start, end = span
    kept = [(m.start() + start) for m in re.finditer(r"[^\s|*#]", text[start:end])]
    squashed = _NOISE.sub("", text[start:end])
    found: dict[str, tuple[int, int]] = {}
    cursor = 0
    for field, row_id in row_ids.items():
        key = key_phrase(row_id)
        if key is None:  # a one-row table (表四): no label
            return {}
        m = re.compile(key).search(squashed, cursor) or re.compile(key).search(squashed)
        if m is None or kept[m.start()] in {s for s, _ in found.values()}:
            continue
        found[field] = (kept[m.start()], kept[m.end() - 1] + 1)
        cursor = m.end()
    return found


def _locate_rows(text: str, span: tuple[int, int], row_ids: dict[str, str]) -> dict[str, Row]:
    start, end = span
    if any(key_phrase(row_id) is None for row_id in row_ids.values()):
        return {field: Row(start, end) for field in row_ids}  # a one-row table (表四): the whole span is the row
    found = _find_labels(text, span, row_ids)
    starts = sorted(s for s, _ in found.values())
    rows = {}
    for field, (label_start, label_end) in found.items():
        nxt = next((s for s in starts if s > label_start), end)
        rows[field] = Row(label_end, min(nxt, end, label_end + _NEIGHBOURHOOD_MAX))
    return rows


def _row_numbers(text: str, row: Row, width: int) -> tuple[Sequence[Token | None] | None, list[Token], bool]:
    """(the row's cells by column when they can be told, else None; every number that may be
    the row's; whether two lines could be the row's numbers)."""
    tokens = number_tokens(text[row.start:row.end], row.start)
    lines = _lines(text, row)
    label_line = (text.rfind("\n", 0, row.start) + 1, lines[0][1])
    for start, end in [label_line, *lines[1:]]:  # tabs keep blank cells in place (whole lines:
        cells = tab_cells(text[start:end], width, start)  # the tab after a label is no blank cell)
        if cells is not None:
            return cells, tokens, False
    own = number_tokens(text[row.start:lines[0][1]], row.start)
    if len(own) == width:
        return own, tokens, False
    below = next(((i, found) for i, (start, end) in enumerate(lines[1:], 1)
                  if len(found := number_tokens(text[start:end], start)) == width), None)
    # PDF layouts centre a row's numbers beside its wrapped label: when the label's line holds
    # none, they can sit on the line just above it as well as below.
    above = None
    line = _line_above(text, label_line[0]) if not own else None
    if line is not None and _NUMBERS_ONLY.fullmatch(text[line[0]:line[1]]):  # not another row's line
        above = number_tokens(text[line[0]:line[1]], line[0])
        above = above if len(above) == width else None
    if above and below:
        if below[0] == 1:  # one line above, one below: either could be this row's
            return None, above + below[1], True
        return above, above, False
    if below:
        return below[1], tokens, False
    if above:
        return above, above, False
    return (list(tokens) if len(tokens) == width else None), tokens, False


def _line_above(text: str, line_start: int) -> tuple[int, int] | None:
    if line_start == 0:
        return None
    return text.rfind("\n", 0, line_start - 1) + 1, line_start - 1


def _lines(text: str, row: Row) -> list[tuple[int, int]]:
    out, pos = [], row.start
    for line in text[row.start:row.end].split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out
