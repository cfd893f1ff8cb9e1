"""Localisation at scale: 1,000 random consistent 表三/表四 (both templates), one cell corrupted each.

The figures are printed (``pytest -s``); ``python -m evals.bench_validator`` prints them too.
"""
from __future__ import annotations

import random

from evals.bench_validator import consistent, single_fixes, synthetic, table_cells
from evals.synth.truth import inject


def test_tables_and_the_oracle():
    for i in range(60):
        rng = random.Random(i)
        template, hybrid = ("2019", "2021", "2021")[i % 3], i % 3 == 2
        cells = table_cells(template, rng, hybrid)
        assert consistent(cells, template) and min(v for v in cells.values() if v is not None) >= 0
        assert (None in cells.values()) is hybrid
        change = inject(cells, template, rng, frozen=set())
        bad = {**cells, change.cell: change.new}
        assert not consistent(bad, template)
        assert (change.cell, change.old) in single_fixes(bad, template)


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
