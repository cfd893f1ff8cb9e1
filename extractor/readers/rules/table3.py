"""表三 (收到和处理政府信息公开申请情况): 23 (2019) or 25 (2021) rows of 7 values."""
from __future__ import annotations

from dataclasses import dataclass, field

from extractor.readers.rules import align, anchors
from extractor.readers.rules.align import Match
from extractor.readers.rules.cells import FAR, RowRead
from extractor.readers.rules.placement import place_short_rows
from extractor.readers.rules.rows import Layout
from extractor.readers.rules.tokens import Line, Run

_MESSY = 2  # this many short rows make the whole table's column alignment doubtful
UNLABELLED = 0.5
_REFERENCE_ROWS = 3
_COLUMN_SPREAD = 3


@dataclass(slots=True)
class Table3:
    rows: list[RowRead]
    leftover: list[Run]  # runs no row took: garbage, or 表四 under the wrong heading
    group_runs: dict[str, Match] = field(default_factory=dict)  # group label → its own values


def read(lines: list[Line], layout: Layout) -> Table3:
    found = anchors.table3(lines, layout)
    anchors.extend(found, lines)
    runs = [ln.run for ln in lines if ln.run is not None]
    matches = align.match(found, runs, lines)
    rows: dict[str, RowRead] = {d.key: RowRead("三", d.label, d.ids, check_total=True) for d in layout.table3}
    groups: dict[str, Match] = {}
    for i, a in enumerate(found):
        m = matches.get(i)
        if a.row.group:
            if m is not None:
                groups[a.row.key] = m
        else:
            rows[a.row.key].match = m
            rows[a.row.key].weak = a.weak
            rows[a.row.key].label_at = (a.start, lines[a.last].end)
    short = [r for r in rows.values() if r.match is not None and len(r.match.run.slots) != 7]
    if short:
        columns = _columns([r.match.run for r in rows.values() if r.match is not None])
        for r in short:
            r.columns = columns
    if len(short) >= _MESSY:
        for r in rows.values():
            r.cap = FAR
    place_short_rows(list(rows.values()))
    used = {id(m.run) for m in matches.values()}
    if not any(r.match for r in rows.values()):
        used |= _by_order(list(rows.values()), runs)
    return Table3(list(rows.values()), [r for r in runs if id(r) not in used], groups)


def _columns(runs: list[Run]) -> list[tuple[int, int]] | None:
    """Where each of the 7 columns ends, from the complete rows of layout text — when they agree
    (PDF text from pdfplumber does; pdftotext and hand-made text need not)."""
    full = [r for r in runs if r.x0 >= 0 and len(r.slots) == 7]
    if len(full) < _REFERENCE_ROWS:
        return None
    edges = [(min(e), max(e)) for e in zip(*([t.end - r.x0 for t in r.slots] for r in full))]
    if any(hi - lo > _COLUMN_SPREAD for lo, hi in edges):
        return None
    if any(edges[i][1] + 1 >= edges[i + 1][0] for i in range(6)):
        return None
    return edges


def _by_order(rows: list[RowRead], runs: list[Run]) -> set[int]:
    """A 表三 without row labels (「以下是表格数据：」 and bare rows of numbers): when it has exactly
    as many 7-value rows as the template has rows, read them in order — flagged, for a person."""
    full = [r for r in runs if len(r.slots) == 7]
    if len(full) != len(rows) or len(full) != len(runs):
        return set()
    for row, run in zip(rows, full):
        row.match = Match(run, 10.0, 0)
        row.cap, row.flag, row.note = UNLABELLED, True, "表三没有行标签，按行序读取"
    return {id(r) for r in full}
