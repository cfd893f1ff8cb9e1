"""Word files: paragraphs and real tables in body order; table rows as tab-separated cells.

A merged cell is written once: repeated horizontally-merged cells are dropped, and a
vertically-merged continuation is written as an empty cell, as it looks on the page.
"""
from __future__ import annotations

import io
import zipfile

from docx import Document as open_docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from extractor.errors import UnreadableDocument


def load(data: bytes, label: str) -> str:
    try:
        doc = open_docx(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise UnreadableDocument(f"{label}: not a readable .docx file") from e
    lines: list[str] = []
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.append(_table(block))
    return "\n".join(lines)


def _table(table: Table) -> str:
    rows: list[str] = []
    above: list = []
    for row in table.rows:
        cells: list[str] = []
        seen: list = []
        for i, cell in enumerate(row.cells):
            if seen and cell._tc is seen[-1]:
                continue  # horizontal merge: the same cell repeated
            seen.append(cell._tc)
            continuation = i < len(above) and above[i] is cell._tc
            cells.append("" if continuation else " ".join(cell.text.split()))
        above = [c._tc for c in row.cells]
        if any(cells):
            rows.append("\t".join(cells))
    return "\n".join(rows)
