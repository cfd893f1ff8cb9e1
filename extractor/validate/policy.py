"""The policy: what findings do to the cells, and what is fatal. Values are never changed.

- A cell in a broken hard rule (an ``error`` finding of H1–H5 or S1) becomes ``flagged`` with a
  note; its confidence is capped, hardest for the cell the localisation names as the culprit.
- An ``ok`` cell in holding hard rules, and in no broken one, gains confidence: each holding
  equation halves the remaining doubt, bounded by :data:`CEILING`. A cell the reader
  flagged keeps its confidence: a row of assumed values (six zeros for seven columns) adds
  up by construction, so the arithmetic cannot lift the reader's doubt.
- Cells set by a reviewer (``corrected``) and ``missing`` cells keep their status.
"""
from __future__ import annotations

from collections import Counter

from extractor.validate.evidence import VALIDATOR_NOTE
from extractor.validate.hard import evaluate
from schemas import Cell, Finding, Result

CEILING = 0.99
CULPRIT_CONFIDENCE = 0.2  # the cell the localisation says is wrong
SUSPECT_CONFIDENCE = 0.5  # a cell in a broken rule that no single change pins down
BYSTANDER_CONFIDENCE = 0.7  # a cell in a broken rule when another cell is the culprit
HARD = {"H1", "H2", "H3", "H4", "H5", "S1"}


def adjust_cells(result: Result, findings: list[Finding]) -> dict[str, Cell]:
    broken = [f for f in findings if f.rule in HARD and f.severity == "error"]
    culprits = {f.repair.cell for f in broken if f.repair}
    cells = dict(result.cells)
    for f in broken:
        for cid in (c for c in f.cells if c in cells):
            cap = (CULPRIT_CONFIDENCE if cid in culprits else BYSTANDER_CONFIDENCE) if f.repair else SUSPECT_CONFIDENCE
            cells[cid] = _flag(cells[cid], f, cap)
    flagged = {cid for f in broken for cid in f.cells}
    support = Counter(c for st in evaluate(result) if st.holds for c in st.eq.cells)
    for cid, n in support.items():
        if cid in cells and cid not in flagged:
            cells[cid] = _confirm(cells[cid], n)
    return cells


def is_fatal(findings: list[Finding], strict: bool) -> bool:
    """Under ``--strict`` any ``error`` finding is fatal (a table value is certainly wrong);
    otherwise nothing is: findings are reported, the data is still written."""
    return strict and any(f.severity == "error" for f in findings)


def _flag(cell: Cell, finding: Finding, cap: float) -> Cell:
    if cell.status in ("missing", "corrected"):
        return cell
    remark = f"{VALIDATOR_NOTE}{finding.rule} {finding.message.split('；')[0]}"
    note = cell.note or ""
    if remark not in note:
        note = f"{note}；{remark}" if note else remark
    return cell.model_copy(update={"status": "flagged", "note": note, "confidence": min(cell.confidence, cap)})


def _confirm(cell: Cell, holding: int) -> Cell:
    if cell.status != "ok":
        return cell
    doubt = (1.0 - cell.confidence) * 0.5 ** holding
    return cell.model_copy(update={"confidence": min(CEILING, max(cell.confidence, 1.0 - doubt))})
