"""The rules reader against every hand-labelled gold fixture (evals/fixtures/*/gold.json).

Runs the public pipeline (``extract_document`` on the loaded source). Per fixture: every non-ambiguous gold cell is read exactly; no value is invented where the
gold is null; an ambiguous cell is never ``ok`` with confidence ≥ 0.9; every span points at
the value's own text.
"""
from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, fixture_file

from extractor import extract_document
from extractor.load import load
from extractor.settings import Settings
from schemas import Result

GOLD = sorted(p.parent.name for p in FIXTURES.glob("*/gold.json"))
RULES = Settings(backend="rules")


@pytest.fixture(scope="module", params=GOLD)
def case(request):
    name = request.param
    gold = json.loads((FIXTURES / name / "gold.json").read_text(encoding="utf-8"))
    doc = load(fixture_file(name))
    return name, gold, extract_document(doc, RULES), doc.text


def test_fixtures_found():
    assert len(GOLD) >= 10


def test_template_and_keys(case):
    name, gold, result, _ = case
    assert result.meta.template == gold["meta"]["template"], name
    assert set(result.cells) == set(gold["cells"]), name


def test_every_unambiguous_cell_is_read_exactly(case):
    name, gold, result, _ = case
    ambiguous = set(gold["ambiguous"])
    wrong = {cid: (want, result.cells[cid].value) for cid, want in gold["cells"].items()
             if cid not in ambiguous and want is not None and result.cells[cid].value != want}
    assert not wrong, f"{name}: {wrong}"


def test_nothing_invented_where_gold_is_null(case):
    name, gold, result, _ = case
    invented = {cid: result.cells[cid].value for cid, want in gold["cells"].items()
                if want is None and result.cells[cid].value is not None}
    assert not invented, f"{name}: {invented}"


def test_ambiguous_cells_are_never_confidently_ok(case):
    name, gold, result, _ = case
    sure = [cid for cid in gold["ambiguous"]
            if result.cells[cid].status == "ok" and result.cells[cid].confidence >= 0.9]
    assert not sure, f"{name}: {sure}"


def test_spans_point_at_the_value_text(case):
    name, _, result, text = case
    for cid, cell in result.cells.items():
        if cell.span is not None:
            start, end = cell.span
            assert text[start:end] == cell.raw, (name, cid)
            if cell.value is not None:
                assert any(ch.isdigit() for ch in text[start:end]), (name, cid)
        if cell.value is None:
            assert cell.status == "missing", (name, cid)


def test_missing_cells_say_why(case):
    name, _, result, _ = case
    assert all(c.note for c in result.cells.values() if c.status == "missing"), name


def test_output_validates_against_the_schema(case):
    name, _, result, _ = case
    assert Result.model_validate(result.model_dump()) == result, name
