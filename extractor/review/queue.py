"""What needs a person, ordered by impact.

A cell needs a person when it is flagged, missing from a table that is otherwise there,
read with low confidence, or part of a broken rule (an ``error`` finding). The cells whose
proposed repair would make the most broken rules hold come first, then the cells in the
most broken rules, then the least confident.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from extractor.parts import NUMERALS, PART_KEYS
from schemas import Finding, Result, specs
from schemas.result import Number

DEFAULT_THRESHOLD = 0.8
PART_OF = dict(zip(NUMERALS, PART_KEYS))  # CellSpec.part (二) → result.parts key (p2)


@dataclass(frozen=True, slots=True)
class Item:
    cell: str
    reasons: tuple[str, ...]  # flagged, missing, low-confidence, broken-rule, repair
    repairs: int  # broken rules that the proposed repair of this cell makes hold
    broken: int  # broken rules the cell takes part in
    confidence: float

    def order(self) -> tuple:
        return (-self.repairs, -self.broken, self.confidence)


def broken_rules(result: Result) -> list[Finding]:
    return [f for f in result.findings if f.severity == "error"]


def proposed_repair(result: Result, cell: str) -> tuple[Number, int] | None:
    """The validator's value for ``cell`` and how many broken rules it repairs, if any."""
    votes = Counter(f.repair.value for f in broken_rules(result) if f.repair and f.repair.cell == cell)
    return votes.most_common(1)[0] if votes else None


def build(result: Result, decided: Collection[str] = (), threshold: float = DEFAULT_THRESHOLD) -> list[Item]:
    """The queue of one document; cells already decided are left out."""
    broken = Counter(c for f in broken_rules(result) for c in set(f.cells))
    incomplete = _incomplete_tables(result)
    table_of = {cid: (s.part, s.table) for cid, s in specs(result.meta.template).items()}
    items = []
    for cid, cell in result.cells.items():
        if cid in decided:
            continue
        repair = proposed_repair(result, cid)
        reasons = [reason for reason, holds in (
            ("repair", repair is not None),
            ("broken-rule", broken[cid] > 0),
            ("flagged", cell.status == "flagged"),
            ("missing", cell.status == "missing" and table_of.get(cid) in incomplete),
            ("low-confidence", cell.value is not None and cell.status != "corrected" and cell.confidence < threshold),
        ) if holds]
        if reasons:
            items.append(Item(cid, tuple(reasons), repair[1] if repair else 0, broken[cid], cell.confidence))
    # A stable sort: ties keep the template's order, so a person walks a row left to right.
    return sorted(items, key=Item.order)


def _incomplete_tables(result: Result) -> set[tuple[str, str]]:
    """Tables in a present part that hold some values but not all: their gaps need a look."""
    filled: dict[tuple[str, str], set[bool]] = {}
    for cid, spec in specs(result.meta.template).items():
        if cid in result.cells:
            filled.setdefault((spec.part, spec.table), set()).add(result.cells[cid].value is not None)
    present = {part for part, key in PART_OF.items()
               if (info := result.parts.get(key)) is not None and info.status == "present"}
    return {table for table, seen in filled.items() if seen == {True, False} and table[0] in present}
