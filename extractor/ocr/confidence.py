"""Fold the recogniser's confidence into the cells read from a scan.

A cell's confidence becomes at most that of the least sure word its span covers; a value
recognised with less than ``LOW`` is ``flagged`` with a note, so a person looks at the crop
(its page and box: :func:`extractor.ocr.placed.words_in`). The arithmetic checks then run on
these cells as on any others.
"""
from __future__ import annotations

from extractor.ocr.placed import Placed, words_in
from schemas import Cell

LOW = 0.8


def fold(cells: dict[str, Cell], words: tuple[Placed, ...]) -> dict[str, Cell]:
    out = {}
    for cid, cell in cells.items():
        hit = words_in(words, cell.span) if cell.span and cell.value is not None else []
        if not hit:
            out[cid] = cell
            continue
        conf = min(w.conf for w in hit)
        update: dict[str, object] = {"confidence": round(min(cell.confidence, conf), 3)}
        if conf < LOW and cell.status == "ok":
            note = f"OCR 识别置信度低（{conf:.2f}），请对照原图（第 {hit[0].page + 1} 页）"
            update |= {"status": "flagged", "note": f"{cell.note}；{note}" if cell.note else note}
        out[cid] = cell.model_copy(update=update)
    return out
