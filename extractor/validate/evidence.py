"""What the readers' evidence says about a cell: clean, or probably misread.

A cell is suspect when the reader flagged it or left a note (short row, garbled span), when
its raw token is not a clean number, when readers disagree, or when the reader gave it low
confidence. Not evidence: notes the validator itself wrote (re-validation must not feed on
its own output), and a reader's remark that a row does not add up — that is the arithmetic
again, true of a misprint as much as of a misread (hongze-2023 表四).
"""
from __future__ import annotations

from extractor.lazy_re import lazy_compile
from schemas import Cell

VALIDATOR_NOTE = "校验："  # prefix of every note the validator writes
LOW_CONFIDENCE = 0.8  # below what a reader gives a value read cleanly from a complete row
_ARITHMETIC = lazy_compile(r"之和不符|不相等|不平衡")
_REMARK_BREAK = lazy_compile(r"[；;]")
_CLEAN_RAW = lazy_compile(r"[+\-]?\d+(?:\.\d+)?\s*(?:万元|元|件|条|项|个)?")


def reader_note(cell: Cell) -> str | None:
    """The reader's part of a cell's note (the validator's own remarks stripped)."""
    if not cell.note:
        return None
    remarks = _REMARK_BREAK.split(cell.note.split(VALIDATOR_NOTE)[0])
    note = "；".join(r.strip() for r in remarks if r.strip() and not _ARITHMETIC.search(r))
    return note or None


def suspicion(cell: Cell | None) -> str | None:
    """Why this cell may have been misread, or None when its evidence is clean."""
    if cell is None or cell.status == "missing":
        return None
    note = reader_note(cell)
    ours = VALIDATOR_NOTE in (cell.note or "")  # flag and lowered confidence may be the validator's own
    if note:
        return f"读取时已标记（{note}）" if cell.status == "flagged" else f"读取备注：{note}"
    if cell.status == "flagged" and not ours:
        return "读取时已标记"
    if cell.raw is not None and not _CLEAN_RAW.fullmatch(cell.raw.strip()):
        return f"原文“{cell.raw.strip()}”不是干净的数字"
    if cell.readings:
        seen = {v for v in cell.readings.values() if v is not None}
        if len(seen) > 1:
            return "不同读取器结果不一致（" + "、".join(f"{k} {fmt(v)}" for k, v in cell.readings.items()) + "）"
    if cell.reader is not None and cell.confidence < LOW_CONFIDENCE and not ours:
        return f"读取置信度低（{cell.confidence:.2f}）"
    return None


def fmt(value) -> str:
    if value is None:
        return "空"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
