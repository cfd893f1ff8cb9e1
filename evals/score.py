"""Score one extraction against its truth, cell by cell.

Every gold cell gets one outcome:

- ``correct``: same value, or both null;
- ``mismatched``: both have a value and they differ;
- ``omitted``: gold has a value, we gave null;
- ``invented``: gold is null, we gave a value — the worst error (format: "missing is never zero").

Ambiguous cells (a careful person cannot decide them) are kept apart from accuracy, but a
wrong ambiguous cell we marked ``ok`` with confidence ≥ 0.9 still counts as a silent error.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from evals.cases import Case, Value
from evals.findings import FindingsScore, score_findings
from extractor.normalize import squash
from schemas import Result

KINDS = ("correct", "mismatched", "omitted", "invented")
PARTS = ("p2", "p3", "p4")
SILENT_CONFIDENCE = 0.9


@dataclass(frozen=True, slots=True)
class CellOutcome:
    doc: str
    cell: str
    gold: Value
    ours: Value
    status: str
    confidence: float
    ambiguous: bool
    raw: str | None = None

    @property
    def kind(self) -> str:
        return classify(self.gold, self.ours)

    @property
    def part(self) -> str:
        return self.cell.split(".", 1)[0]

    @property
    def wrong(self) -> bool:
        return self.kind != "correct"

    @property
    def silent(self) -> bool:
        """Wrong, yet presented as settled: status ok with high confidence."""
        return self.wrong and self.status == "ok" and self.confidence >= SILENT_CONFIDENCE


def same(gold: Value, ours: Value) -> bool:
    if gold is None or ours is None:
        return gold is None and ours is None
    return math.isclose(float(gold), float(ours), rel_tol=1e-9, abs_tol=1e-6)  # money is decimal 万元


def classify(gold: Value, ours: Value) -> str:
    if same(gold, ours):
        return "correct"
    if gold is None:
        return "invented"
    return "omitted" if ours is None else "mismatched"


@dataclass(slots=True)
class DocScore:
    name: str
    outcomes: list[CellOutcome]
    meta: dict[str, tuple[object, object]]  # field → (gold, ours) for template, issuer, year
    findings: FindingsScore
    usage: dict[str, float]
    tags: dict
    error: str | None = None
    extra_values: list[str] = field(default_factory=list)  # ids outside the gold template that we filled
    seconds: float = 0.0

    def meta_ok(self, key: str) -> bool:
        gold, ours = self.meta[key]
        if isinstance(gold, str) and isinstance(ours, str):
            return squash(gold) == squash(ours)
        return gold == ours


def score(case: Case, result: Result | None, *, error: str | None = None, seconds: float = 0.0) -> DocScore:
    """Compare ``result`` with ``case``; ``result`` None means extraction failed (every value omitted)."""
    cells = result.cells if result else {}
    outcomes = []
    for cid, gold in case.cells.items():
        cell = cells.get(cid)
        outcomes.append(CellOutcome(
            doc=case.name, cell=cid, gold=gold, ours=cell.value if cell else None,
            status=cell.status if cell else "missing", confidence=cell.confidence if cell else 0.0,
            ambiguous=cid in case.ambiguous, raw=cell.raw if cell else None,
        ))
    ours_meta = result.meta if result else None
    meta = {key: (case.meta.get(key), getattr(ours_meta, key, None)) for key in ("template", "issuer", "year")}
    findings = score_findings(case.findings, result.findings if result else [], case.precision_rules)
    usage = result.provenance.usage.model_dump() if result else {}
    extra = [cid for cid, c in cells.items() if cid not in case.cells and c.value is not None]
    return DocScore(case.name, outcomes, meta, findings, usage, case.tags, error, extra, seconds)


def counts(outcomes: list[CellOutcome]) -> dict[str, float | int | None]:
    """Totals over a set of outcomes; accuracy leaves ambiguous cells out."""
    scored = [o for o in outcomes if not o.ambiguous]
    kinds = Counter(o.kind for o in scored)
    present = [o for o in scored if o.gold is not None]
    absent = [o for o in scored if o.gold is None]
    return {
        "cells": len(outcomes),
        "scored": len(scored),
        **{k: kinds.get(k, 0) for k in KINDS},
        "ambiguous": len(outcomes) - len(scored),
        "ambiguous_wrong": sum(o.wrong for o in outcomes if o.ambiguous),
        "silent_errors": sum(o.silent for o in outcomes),
        "accuracy": _ratio(kinds.get("correct", 0), len(scored)),
        "present": len(present),
        "present_accuracy": _ratio(sum(not o.wrong for o in present), len(present)),
        "absent": len(absent),
        "absent_accuracy": _ratio(sum(not o.wrong for o in absent), len(absent)),
    }


def _ratio(n: int, d: int) -> float | None:
    return round(n / d, 6) if d else None
