"""Helpers for the validator tests: consistent tables to break on purpose."""
from __future__ import annotations

import random

from evals.bench_validator import table_cells


def busy(template: str) -> dict[str, int]:
    """A consistent 表三/表四 with non-zero values everywhere that matters."""
    for i in range(200):
        cells = table_cells(template, random.Random(f"busy:{template}:{i}"))
        if cells["p3.new_received.natural_person"] > 2 and cells["p4.review.total"] > 2:
            return cells
    raise AssertionError("generator never produced a busy table")


def errors(findings):
    return [f for f in findings if f.severity == "error"]


def by_rule(findings, rule):
    return [f for f in findings if f.rule == rule]
