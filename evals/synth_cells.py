"""Random 表三/表四 cell sets that satisfy H1–H4 exactly, and single-cell corruptions of them.

Built directly in cell space (no text, no reader) to measure the validator alone:

    cells = consistent_cells("2021", rng)        # {cell id: int} for every 表三/表四 id
    cell, wrong = corrupt(cells, rng)            # a misread-like change of one cell

Profiles mimic real reports: many tables are all zeros (townships), others sparse and small,
a few large (cities: thousands of applications).
"""
from __future__ import annotations

import random

from extractor.validate.equations import APPLICANTS, P4_BLOCKS, P4_LEAVES, outcome_rows, p3_rows

_PROFILES = (("zeros", 0.25), ("small", 0.45), ("medium", 0.2), ("large", 0.1))
_SCALE = {"zeros": 0, "small": 3, "medium": 30, "large": 400}


def consistent_cells(template: str, rng: random.Random, zero_rows: tuple[str, ...] = ()) -> dict[str, int]:
    """``zero_rows``: 表三 rows to leave at 0 (a hybrid report's unprinted （六） sub-rows)."""
    profile = rng.choices([p for p, _ in _PROFILES], [w for _, w in _PROFILES])[0]
    scale = _SCALE[profile]
    cells: dict[str, int] = {}
    for row in p3_rows(template):
        for col in (*APPLICANTS, "total"):
            cells[f"p3.{row}.{col}"] = 0
    for col in APPLICANTS:
        busy = scale and rng.random() < (0.9 if col == "natural_person" else 0.35)
        for row in outcome_rows(template):
            cells[f"p3.{row}.{col}"] = 0 if row in zero_rows else _count(rng, scale if busy else 0, p_zero=0.6)
        concluded = sum(cells[f"p3.{row}.{col}"] for row in outcome_rows(template))
        forward = _count(rng, scale // 3 if busy else 0, p_zero=0.6)
        carried = rng.randint(0, concluded + forward) if rng.random() < 0.3 else 0
        cells[f"p3.outcome_total.{col}"] = concluded
        cells[f"p3.carried_forward.{col}"] = forward
        cells[f"p3.carried_over.{col}"] = carried
        cells[f"p3.new_received.{col}"] = concluded + forward - carried
    for row in p3_rows(template):
        cells[f"p3.{row}.total"] = sum(cells[f"p3.{row}.{c}"] for c in APPLICANTS)
    for block in P4_BLOCKS:
        leaves = {leaf: _count(rng, scale // 5, p_zero=0.7) for leaf in P4_LEAVES}
        cells.update({f"p4.{block}.{leaf}": v for leaf, v in leaves.items()})
        cells[f"p4.{block}.total"] = sum(leaves.values())
    return cells


def corrupt(cells: dict[str, int], rng: random.Random) -> tuple[str, int]:
    """Pick a cell and a different non-negative value, the way misreads and typos look:
    a digit changed, dropped or doubled, a zero read as a number, or a number read as zero."""
    cell = rng.choice(sorted(cells))
    old = cells[cell]
    for _ in range(20):
        new = _typo(old, rng)
        if new != old and new >= 0:
            return cell, new
    return cell, old + 1


def _typo(value: int, rng: random.Random) -> int:
    digits = str(value)
    kind = rng.choice(("digit", "drop", "double", "zero", "small"))
    if kind == "digit":
        i = rng.randrange(len(digits))
        digits = digits[:i] + str(rng.randrange(10)) + digits[i + 1:]
    elif kind == "drop" and len(digits) > 1:
        i = rng.randrange(len(digits))
        digits = digits[:i] + digits[i + 1:]
    elif kind == "double":
        i = rng.randrange(len(digits))
        digits = digits[:i] + digits[i] + digits[i:]
    elif kind == "zero":
        return 0 if value else rng.randint(1, 9)
    else:
        return value + rng.choice((-2, -1, 1, 2))
    return int(digits)


def _count(rng: random.Random, scale: int, p_zero: float) -> int:
    if scale <= 0 or rng.random() < p_zero:
        return 0
    return max(1, int(rng.expovariate(1 / scale)))
