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
    kind: str  # one of KINDS
    raw: str | None = None

    @property
    def part(self) -> str:
        return self.cell.split(".", 1)[0]

    @property
    def wrong(self) -> bool:
        return self.kind != "correct"

    @property
    def silent(self) -> bool:
        """Wrong, yet presented as settled: status ok with high confidence."""
        return self.kind != "correct" and self.status == "ok" and self.confidence >= SILENT_CONFIDENCE


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
class Tally:
    """Additive counts over outcomes; ratios are derived, so tallies of documents sum to any group."""

    cells: int = 0
    scored: int = 0
    correct: int = 0
    mismatched: int = 0
    omitted: int = 0
    invented: int = 0
    ambiguous: int = 0
    ambiguous_wrong: int = 0
    silent_errors: int = 0
    present: int = 0
    present_correct: int = 0
    absent: int = 0
    absent_correct: int = 0

    @classmethod
    def of(cls, outcomes: list[CellOutcome]) -> Tally:
        t = cls()
        for o in outcomes:
            t.cells += 1
            t.silent_errors += o.silent
            if o.ambiguous:
                t.ambiguous += 1
                t.ambiguous_wrong += o.kind != "correct"
                continue
            t.scored += 1
            setattr(t, o.kind, getattr(t, o.kind) + 1)
            if o.gold is None:
                t.absent += 1
                t.absent_correct += o.kind == "correct"
            else:
                t.present += 1
                t.present_correct += o.kind == "correct"
        return t

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(getattr(self, f) + getattr(other, f) for f in self.__slots__))

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "cells": self.cells, "scored": self.scored,
            **{k: getattr(self, k) for k in KINDS},
            "ambiguous": self.ambiguous, "ambiguous_wrong": self.ambiguous_wrong,
            "silent_errors": self.silent_errors,
            "accuracy": _ratio(self.correct, self.scored),
            "present": self.present, "present_accuracy": _ratio(self.present_correct, self.present),
            "absent": self.absent, "absent_accuracy": _ratio(self.absent_correct, self.absent),
        }


def total(tallies) -> Tally:
    return sum(tallies, Tally())


def counts(outcomes: list[CellOutcome]) -> dict[str, float | int | None]:
    """Totals over a set of outcomes; accuracy leaves ambiguous cells out."""
    return Tally.of(outcomes).as_dict()


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
    tally: Tally = field(default_factory=Tally)
    parts: dict[str, Tally] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tally = Tally.of(self.outcomes)
        self.parts = {p: Tally.of([o for o in self.outcomes if o.cell.startswith(p + ".")]) for p in PARTS}

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
        ours = cell.value if cell else None
        outcomes.append(CellOutcome(
            doc=case.name, cell=cid, gold=gold, ours=ours,
            status=cell.status if cell else "missing", confidence=cell.confidence if cell else 0.0,
            ambiguous=cid in case.ambiguous, kind=classify(gold, ours), raw=cell.raw if cell else None,
        ))
    ours_meta = result.meta if result else None
    meta: dict[str, tuple[object, object]] = {key: (case.meta.get(key), getattr(ours_meta, key, None))
                                              for key in ("template", "issuer", "year")}
    findings = score_findings(case.findings, result.findings if result else [], case.precision_rules)
    usage = result.provenance.usage.model_dump() if result else {}
    extra = [cid for cid, c in cells.items() if cid not in case.cells and c.value is not None]
    return DocScore(case.name, outcomes, meta, findings, usage, case.tags, error, extra, seconds)


def _ratio(n: int, d: int) -> float | None:
    return round(n / d, 6) if d else None
