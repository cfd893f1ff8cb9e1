"""Localisation at scale: 1,000 random consistent 表三/表四 (both templates), one cell corrupted each.

The figures are printed (``pytest -s``); ``python -m evals.bench_validator`` prints them too.
"""
from __future__ import annotations

import random

from evals.bench_validator import consistent, single_fixes, synthetic
from evals.synth_cells import consistent_cells, corrupt


def test_generator_makes_consistent_tables_and_misread_like_corruptions():
    for i in range(50):
        rng = random.Random(i)
        template = ("2019", "2021")[i % 2]
        cells = consistent_cells(template, rng)
        assert consistent(cells, template) and min(cells.values()) >= 0
        cell, wrong = corrupt(cells, rng)
        assert wrong != cells[cell] and wrong >= 0
        assert not consistent({**cells, cell: wrong}, template)
        assert (cell, cells[cell]) in single_fixes({**cells, cell: wrong}, template)


def test_single_cell_errors_are_detected_and_located():
    figures = synthetic(1000, seed=0)
    print("\nvalidator localisation:", figures)
    assert figures["cases"] == 1000
    assert figures["detection"] == 1.0
    assert figures["error_findings_on_consistent"] == 0
    assert figures["localisation"] >= 0.95
    assert figures["identifiable_in_表三"] == 1.0  # every 表三 cell sits in two independent rules
    assert figures["repairs_when_not_identifiable_that_are_wrong"] == 0


def test_hybrid_tables_missing_the_other_rows_still_locate_most_errors():
    figures = synthetic(300, seed=0, hybrid=True)
    print("\nvalidator localisation, 2021 without the （六） sub-rows:", figures)
    assert figures["detection"] == 1.0
    assert figures["error_findings_on_consistent"] == 0
    assert figures["localisation"] >= 0.95
    assert figures["repairs_when_not_identifiable_that_are_wrong"] == 0
