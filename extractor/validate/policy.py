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
from functools import lru_cache
from itertools import chain, compress
from operator import attrgetter, ne
from typing import NamedTuple

from extractor.validate.equations import Evaluation, State
from extractor.validate.evidence import VALIDATOR_NOTE
from extractor.validate.hard import evaluate
from schemas import Cell, Finding, Result

CEILING = 0.99
CULPRIT_CONFIDENCE = 0.2  # the cell the localisation says is wrong
SUSPECT_CONFIDENCE = 0.5  # a cell in a broken rule that no single change pins down
BYSTANDER_CONFIDENCE = 0.7  # a cell in a broken rule when another cell is the culprit
HARD = {"H1", "H2", "H3", "H4", "H5", "S1"}


class Changes(NamedTuple):
    """What the policy does to the cells (values never change)."""

    flags: dict[str, dict]  # cells of broken rules: {cell id: {field: new value}}
    raised: dict[str, float]  # cells confirmed by holding rules: {cell id: new confidence}


def adjust_cells(result: Result, findings: list[Finding]) -> dict[str, Cell]:
    """The cells after the policy; a changed cell is a copy, ``result`` is left as it was."""
    cells = dict(result.cells)
    changes = cell_changes(result, findings)
    for cid, change in changes.flags.items():
        cells[cid] = cells[cid].model_copy(update=change)
    for cid, confidence in changes.raised.items():
        cells[cid] = cells[cid].model_copy(update={"confidence": confidence})
    return cells


def cell_changes(result: Result, findings: list[Finding], evaluation: Evaluation | None = None) -> Changes:
    """The changes for the cells the policy touches (``evaluation``: H1–H4 as
    :func:`~extractor.validate.hard.evaluate` gives them for the result's cells, when known)."""
    cells = result.cells
    flags: dict[str, dict] = {}
    broken = [f for f in findings if f.rule in HARD and f.severity == "error"]
    culprits = {f.repair.cell for f in broken if f.repair}
    for f in broken:
        for cid in (c for c in f.cells if c in cells):
            if cells[cid].status in ("missing", "corrected"):
                continue
            cap = (CULPRIT_CONFIDENCE if cid in culprits else BYSTANDER_CONFIDENCE) if f.repair else SUSPECT_CONFIDENCE
            flags[cid] = _flag(cells[cid], flags.get(cid, {}), f, cap)
    flagged = {cid for f in broken for cid in f.cells}
    holding = (evaluate(result) if evaluation is None else evaluation).holding
    return Changes(flags, _raised(cells, holding, flagged))


def _raised(cells: dict[str, Cell], holding: list[State], flagged: set[str]) -> dict[str, float]:
    """``{cell id: new confidence}`` for the ``ok`` cells of holding rules that sit in no broken
    one, where it rises. Column by column rather than cell by cell (~150 cells a document)."""
    support = Counter(chain.from_iterable(map(_CELLS, holding)))  # cell → how many holding rules confirm it
    for cid in flagged.intersection(support):
        del support[cid]
    targets = list(map(cells.__getitem__, support))  # the result has every cell of a holding rule: each has a value
    ok = list(map(_OK, map(_STATUS, targets)))
    ids, counts = list(compress(support, ok)), compress(support.values(), ok)
    old = list(map(_CONFIDENCE, compress(targets, ok)))
    new = list(map(_confirmed, old, counts))
    return dict(compress(zip(ids, new), map(ne, new, old)))


_CELLS, _STATUS, _CONFIDENCE = attrgetter("eq.cells"), attrgetter("status"), attrgetter("confidence")
_OK = "ok".__eq__


def is_fatal(findings: list[Finding], strict: bool) -> bool:
    """Under ``--strict`` any ``error`` finding is fatal (a table value is certainly wrong);
    otherwise nothing is: findings are reported, the data is still written."""
    return strict and any(f.severity == "error" for f in findings)


def _flag(cell: Cell, earlier: dict, finding: Finding, cap: float) -> dict:
    """The change flagging ``cell`` for ``finding``, on top of the ``earlier`` change for another one."""
    remark = f"{VALIDATOR_NOTE}{finding.rule} {finding.message.split('；')[0]}"
    note = earlier.get("note", cell.note) or ""
    if remark not in note:
        note = f"{note}；{remark}" if note else remark
    return {"status": "flagged", "note": note, "confidence": min(earlier.get("confidence", cell.confidence), cap)}


@lru_cache(maxsize=4096)  # a few confidences a reader gives × a few counts: most cells repeat a pair
def _confirmed(confidence: float, holding: int) -> float:
    doubt = (1.0 - confidence) * 0.5 ** holding
    return min(CEILING, max(confidence, 1.0 - doubt))
