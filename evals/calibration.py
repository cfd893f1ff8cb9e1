"""Does confidence mean something? Accuracy per confidence band, and risk–coverage.

Both look at the cells we gave a value (an omission is visible to the user as a null; a wrong
value is not) and leave ambiguous cells out.

Risk–coverage answers the reviewer's question: "if I check the K lowest-confidence values,
how often is one of the rest wrong?" Ties in confidence are broken by document and cell id,
so the figure is reproducible but does not reward a reader for ordering its ties.
"""
from __future__ import annotations

from evals.score import CellOutcome

BANDS = ((0.0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 0.97), (0.97, 1.0))
REVIEW_FRACTIONS = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)


def valued(outcomes: list[CellOutcome]) -> list[CellOutcome]:
    return [o for o in outcomes if o.ours is not None and not o.ambiguous]


def bands(outcomes: list[CellOutcome]) -> list[dict]:
    cells = valued(outcomes)
    out = []
    for lo, hi in BANDS:
        inside = [o for o in cells if lo <= o.confidence < hi or (hi == 1.0 and o.confidence == 1.0)]
        correct = sum(not o.wrong for o in inside)
        out.append({
            "band": f"[{lo:g}, {hi:g}{']' if hi == 1.0 else ')'}",
            "cells": len(inside),
            "correct": correct,
            "accuracy": round(correct / len(inside), 6) if inside else None,
            "mean_confidence": round(sum(o.confidence for o in inside) / len(inside), 6) if inside else None,
        })
    return out


def risk_coverage(outcomes: list[CellOutcome]) -> list[dict]:
    cells = sorted(valued(outcomes), key=lambda o: (o.confidence, o.doc, o.cell))
    wrong_after = [0] * (len(cells) + 1)  # wrong_after[k]: wrong cells among cells[k:]
    for k in range(len(cells) - 1, -1, -1):
        wrong_after[k] = wrong_after[k + 1] + cells[k].wrong
    out = []
    for fraction in REVIEW_FRACTIONS:
        k = round(fraction * len(cells))
        rest = len(cells) - k
        out.append({
            "review_fraction": fraction,
            "reviewed": k,
            "max_confidence_reviewed": cells[k - 1].confidence if k else None,
            "remaining": rest,
            "errors_left": wrong_after[k],
            "error_rate": round(wrong_after[k] / rest, 6) if rest else None,
        })
    return out
