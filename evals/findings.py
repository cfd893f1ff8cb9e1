"""Findings recall and precision against the findings a gold file expects.

A finding of ours matches a gold finding when the rule codes are equal and, when the gold
finding names cells, ours names at least one of them (a finding that names no cell cannot
show it is about the same thing). Matching is not one-to-one: the validator may
split one gold finding into several (one per row) without being punished, and one finding
of ours may confirm several gold ones.

- recall: gold findings matched by any finding of ours (any severity);
- precision: our ``error``/``warning`` findings (``info`` is not a claim) that match a gold
  finding, among those the case judges (``Case.precision_rules``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from schemas import Finding

CLAIMS = ("error", "warning")


@dataclass(slots=True)
class FindingsScore:
    expected: int = 0  # gold findings
    recalled: int = 0
    reported: int = 0  # our error/warning findings judged for precision
    confirmed: int = 0  # of those, how many match a gold finding
    missed: list[str] = field(default_factory=list)  # rule codes of gold findings we did not report
    unexpected: list[str] = field(default_factory=list)  # rule codes of our unconfirmed claims

    def add(self, other: FindingsScore) -> None:
        self.expected += other.expected
        self.recalled += other.recalled
        self.reported += other.reported
        self.confirmed += other.confirmed
        self.missed += other.missed
        self.unexpected += other.unexpected

    @property
    def recall(self) -> float | None:
        return self.recalled / self.expected if self.expected else None

    @property
    def precision(self) -> float | None:
        return self.confirmed / self.reported if self.reported else None


def matches(ours: Finding, gold: dict) -> bool:
    if ours.rule != gold.get("rule"):
        return False
    gold_cells = set(gold.get("cells") or ())
    return not gold_cells or bool(gold_cells & set(ours.cells))


def score_findings(gold: tuple[dict, ...], ours: list[Finding], precision_rules: frozenset[str] | None) -> FindingsScore:
    out = FindingsScore(expected=len(gold))
    for g in gold:
        if any(matches(f, g) for f in ours):
            out.recalled += 1
        else:
            out.missed.append(g.get("rule", "?"))
    claims = [f for f in ours if f.severity in CLAIMS and (precision_rules is None or f.rule in precision_rules)]
    out.reported = len(claims)
    for f in claims:
        if any(matches(f, g) for g in gold):
            out.confirmed += 1
        else:
            out.unexpected.append(f.rule)
    return out
