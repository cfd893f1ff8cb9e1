"""表二 (主动公开): the rows of sub-tables （一）（五）（六）（八）（九）."""
from __future__ import annotations

import re

from extractor.readers.rules import align, anchors
from extractor.readers.rules.cells import RowRead
from extractor.readers.rules.rows import Layout
from extractor.readers.rules.tokens import Line

_YUAN = re.compile(r"单位[:：]?\s*元|[(（]\s*元\s*[)）]")
_HEADER_LINES = 6  # how far above a money row its column header may be


def read(lines: list[Line], layout: Layout, text: str) -> list[RowRead]:
    found = anchors.table2(lines, layout)
    anchors.extend(found, lines)
    matches = align.match(found, [ln.run for ln in lines if ln.run is not None], lines)
    by_key = {a.row.key: (i, a) for i, a in enumerate(found)}
    out = []
    for row in layout.table2:
        read = RowRead("二", row.label, row.ids)
        if row.key in by_key:
            i, a = by_key[row.key]
            read.match = matches.get(i)
            read.label_at = (a.start, lines[a.last].end)
            if any(cid.endswith(".amount") for cid in row.ids):
                read.unit_hint = _unit_hint(lines, a.first, text)
        out.append(read)
    return out


def _unit_hint(lines: list[Line], first: int, text: str) -> str | None:
    """The money unit printed in the column header above a row (「本年收费金额（单位：万元）」)."""
    for line in reversed(lines[max(0, first - _HEADER_LINES):first + 1]):
        chunk = text[line.start:line.end]
        if "万元" in chunk:
            return "万元"
        if _YUAN.search(chunk):
            return "元"
    return None
