"""The deterministic table reader (offline default backend, the LLM's cross-check).

``read(doc, parts, template) -> Reading`` reads every cell of tables 二, 三 and 四 from the
normalised text, whatever the layout: one cell per line, tab-, space- or pipe-separated rows,
HTML and Word tables as rendered by the loaders, PDF layout text with wrapped labels.

The flow, one module per step: ``regions`` (where each table lies) → ``tokens`` (lines,
values, runs of values) → ``anchors`` (where each row label is) → ``align`` (which run
belongs to which label) → ``table2``/``table3``/``table4`` (rows of each table) → ``cells``
(values, status, confidence, spans) → ``findings`` (what is wrong with the tables' shape).
A row or table that is not in the text gives ``missing`` cells: missing is never zero.
"""
from __future__ import annotations

import re

from extractor.load import Document
from extractor.parts import Part
from extractor.readers import Reading
from extractor.readers.rules import findings as table_findings
from extractor.readers.rules import grid, table2, table3, table4, tokens, unglue
from extractor.readers.rules.cells import Fields, RowRead, as_cells, counts, missing, row_cells
from extractor.readers.rules.regions import regions
from extractor.readers.rules.rows import layout
from schemas import Cell, cell_ids, specs

_P4_LABEL = "行政复议、行政诉讼"
_ONLY_TRAILING = re.compile(r"[\s|]*\Z")  # nothing but blanks and pipes up to the end of the text
_GLUED_DIGITS = 5


def read(doc: Document, parts: dict[str, Part], template: str | None) -> Reading:
    if template is not None:
        return _read(doc, parts, template)
    # No template markers: read as both and keep the reading that finds more values.
    readings = [_read(doc, parts, t) for t in ("2019", "2021")]
    best = max(readings, key=lambda r: sum(c.value is not None for c in r.cells.values()))
    note = "无法判断报告采用的表格版式"
    cells = {cid: best.cells.get(cid) or Cell.build(status="missing", reader="rules", note=note) for cid in cell_ids(None)}
    return Reading(cells, best.findings)


def _lines(text: str, span: tuple[int, int] | None, tables: bool, seen: tokens.Seen) -> list[tokens.Line]:
    """A region's lines, after its layout is re-laid as one row per line (see ``grid``); a line
    already tokenised in another region of the document (``seen``) is not tokenised again."""
    if span is None:
        return []
    out = tokens.lines(grid.view(text, *span), *span, tables, seen)
    last = next((ln.run for ln in reversed(out) if ln.run is not None), None)
    if last is not None and _ONLY_TRAILING.match(text, last.span[1]) and not _glued_like(last):
        last.cut = True  # the text ends inside this row
    return out


def _glued_like(run: tokens.Run) -> bool:
    """One long digit string at the end of the text: a glued row (read by ``unglue``), not the
    first cell of a row cut off."""
    values = run.values()
    return len(values) == 1 and len(str(abs(int(values[0])))) >= _GLUED_DIGITS


def _found(rows: list[RowRead]) -> bool:
    return any(r.match is not None for r in rows)


def _read(doc: Document, parts: dict[str, Part], template: str) -> Reading:
    text = doc.text
    where = regions(text, parts)
    tables = doc.source.format in ("html", "docx")  # rows rendered from real table cells
    rows_of = layout(template)

    seen: tokens.Seen = {}
    lines2 = _lines(text, where.t2, tables, seen)
    lines3 = _lines(text, where.t3, tables, seen)
    lines4 = _lines(text, where.t4, tables, seen)
    wide: list[tokens.Line] | None = None

    rows2 = table2.read(lines2, rows_of, text)
    t3 = table3.read(lines3, rows_of)
    if where.wide is not None and not (_found(rows2) and _found(t3.rows)):
        wide = _lines(text, where.wide, tables, seen)
        if not _found(rows2):
            again = table2.read(wide, rows_of, text)
            if _found(again):
                rows2, lines2 = again, wide
        if not _found(t3.rows):
            again3 = table3.read(wide, rows_of)
            if _found(again3.rows):
                t3, lines3 = again3, wide
    row4 = RowRead("四", _P4_LABEL, rows_of.table4, check_total=True)
    picked = table4.pick(lines4)
    misplaced = None
    if picked is not None:
        row4.match = table4.as_match(picked.run, 0)
        if picked.note:
            row4.cap, row4.note = table4.SPLIT_CONFIDENCE, picked.note
        row4.columns, row4.column_mark = picked.columns, "middle"
    elif (misplaced := table4.by_shape(t3.leftover)) is not None:
        row4.match = table4.as_match(misplaced, 2)

    spec = specs(template)
    quick = counts(template)
    cells: dict[str, Fields] = {}
    found = []
    notes = table_findings.missing_notes(template, where, rows2, t3, row4, text)
    for row in (*rows2, *t3.rows, row4):
        if row.match is None:
            cells.update(missing(row.ids, notes[row.ids[0]]))
        else:
            found.extend(row_cells(row, spec, quick, cells))
    found.extend(table_findings.structure(template, where, rows2, t3, row4, misplaced))
    found.extend(table_findings.noise(text, (lines2, lines3, lines4) if wide is None else (wide,)))
    # Rows left missing whose cells are glued into one digit string: decoded by their arithmetic.
    found = unglue.fill(text, where, rows_of, spec, [*rows2, *t3.rows, row4], cells, found)
    return Reading(as_cells(cells, cell_ids(template)), found)
