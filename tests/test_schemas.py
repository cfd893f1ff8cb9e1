import csv

import pytest

from schemas import REPORT_MODELS, Cell, all_cells, cell_ids, flatten, unflatten
from tests.conftest import ROOT

SPEC = ROOT.parent / "shared" / "spec" / "cells.tsv"


def _tsv_ids(template):
    rows = csv.DictReader(open(ROOT / "schemas" / "cells.tsv", encoding="utf-8"), delimiter="\t")
    return [r["id"] for r in rows if r["template"] in (template, "both")]


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_schema_flattens_to_exactly_the_contract_ids(template):
    flat = flatten(REPORT_MODELS[template]())
    assert sorted(flat) == sorted(_tsv_ids(template))
    assert all(v is None for v in flat.values()), "an empty schema must be all null, never 0"


def test_counts_per_template():
    assert len(cell_ids("2019")) == 198 and len(cell_ids("2021")) == 200
    assert len(all_cells()) == 229


@pytest.mark.skipif(not SPEC.exists(), reason="shared spec not beside the checkout")
def test_bundled_contract_is_the_shared_spec():
    assert (ROOT / "schemas" / "cells.tsv").read_bytes() == SPEC.read_bytes()


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_unflatten_round_trips(template):
    values = {cid: i for i, cid in enumerate(cell_ids(template))}
    assert flatten(unflatten(values, template)) == values


def test_cell_rejects_bad_confidence():
    with pytest.raises(ValueError):
        Cell(value=1, status="ok", confidence=1.5)
