"""Hybrid: rules first, the model only where the rules reading is incomplete or inconsistent."""
import pytest

from extractor.errors import EndpointError, ModelOutputError
from extractor.readers.arithmetic import broken, settle
from extractor.readers.hybrid import parts_to_ask, read_hybrid, reconcile
from extractor.readers.llm import FakeBackend
from extractor.settings import LLMSettings, Settings
from extractor.validate.equations import equations as identities
from schemas import Cell
from tests.llm_support import document, gold, gold_answer, gold_reading

S003 = "003_589bf4f08d70f012"
SZ = "szfgs2024"  # real non-zero numbers that satisfy H1–H4


def hybrid_settings() -> Settings:
    return Settings(backend="hybrid", llm=LLMSettings(model="fake-model", base_url="http://fake/v1", cache_dir=None))


def test_identities_per_template():
    kinds = lambda t: sorted({i.rule for i in identities(t)})
    assert kinds("2019") == kinds("2021") == ["H1", "H2", "H3", "H4"]
    assert len([i for i in identities("2019") if i.rule == "H3"]) == 23
    assert len([i for i in identities("2021") if i.rule == "H3"]) == 25
    assert broken(gold(SZ)["cells"], "2021") == []


def test_settle_picks_the_only_value_that_makes_the_arithmetic_hold():
    values = dict(gold(SZ)["cells"])
    cell = "p3.new_received.total"  # 3119 = 3001 + 53 + 61 + 4
    assert settle(cell, [3191, 3119], values, "2021", {cell}) == 3119
    assert settle(cell, [3191, 3192], values, "2021", {cell}) is None
    # an identity holding another disputed cell cannot settle anything
    assert settle(cell, [3191, 3119], values, "2021", {cell, "p3.new_received.natural_person",
                                                        "p3.outcome_total.total"}) is None


def test_a_complete_consistent_rules_reading_asks_the_model_nothing():
    doc, parts = document(SZ)
    rules = gold_reading(SZ)
    fake = FakeBackend({})
    assert read_hybrid(doc, parts, "2021", hybrid_settings(), rules, backend=fake) is rules
    assert fake.requests == []


def test_only_parts_with_unread_cells_or_broken_identities_are_sent():
    doc, parts = document(SZ)
    rules = gold_reading(SZ, p4__review__upheld=None, p3__disclosed__total=1363)
    asked = parts_to_ask(doc, parts, "2021", rules)
    assert set(asked) == {"p3", "p4"}
    assert "勾稽" in asked["p3"] and "未读出" in asked["p4"]


def test_hybrid_reconciles_cell_by_cell():
    doc, parts = document(SZ)
    # the rules reader misread one 总计 (1363 for 1362) and lost one 表四 cell
    rules = gold_reading(SZ, p3__disclosed__total=1363, p4__review__upheld=None)
    fake = FakeBackend({"p3": gold_answer(SZ, "p3", "2021"),
                        "p4": gold_answer(SZ, "p4", "2021")})
    reading = read_hybrid(doc, parts, "2021", hybrid_settings(), rules, backend=fake)
    assert [r["part"] for r in fake.requests] == ["p3", "p4"], "表二 was read fully by the rules: not sent"

    settled = reading.cells["p3.disclosed.total"]
    assert settled.value == 1362 and settled.status == "ok" and settled.readings == {"rules": 1363, "llm": 1362}

    agreed = reading.cells["p3.new_received.total"]
    assert agreed.value == 3119 and agreed.reader == "hybrid" and agreed.confidence > 0.9

    only_llm = reading.cells["p4.review.upheld"]
    assert only_llm.value == 72 and only_llm.status == "flagged" and "编造" in only_llm.note
    assert reading.cells["p2.licensing.decisions"] is rules.cells["p2.licensing.decisions"]
    assert {f.check for f in reading.findings} >= {"readers.settled", "llm.only"}


def test_a_disagreement_the_arithmetic_cannot_settle_keeps_both_readings():
    cid = "p3.new_received.research"
    rules = {cid: Cell(value=5, status="ok", confidence=0.9, reader="rules")}
    llm = {cid: Cell(value=6, status="ok", confidence=0.9, reader="llm")}
    cells, findings = reconcile("p3", rules, llm, "2021")
    assert cells[cid].status == "flagged" and cells[cid].value == 5
    assert cells[cid].readings == {"rules": 5, "llm": 6}
    assert findings[0].check == "readers.disagree"


def test_a_failed_part_falls_back_to_the_rules_reading_flagged():
    doc, parts = document(S003)
    rules = gold_reading(S003, p4__suit_direct__total=None)
    fake = FakeBackend({"p4": ModelOutputError("p4: invalid model output after 2 attempt(s)")})
    reading = read_hybrid(doc, parts, "2019", hybrid_settings(), rules, backend=fake)
    p4 = [c for cid, c in reading.cells.items() if cid.startswith("p4.") and c.value is not None]
    assert p4 and all(c.status == "flagged" and c.reader == "rules" for c in p4)
    assert any(f.check == "llm.failed" and "invalid model output" in f.message for f in reading.findings)
    assert reading.usage.failed_attempts == 1


def test_a_failing_endpoint_fails_the_document():
    doc, parts = document(S003)
    rules = gold_reading(S003, p4__suit_direct__total=None)
    fake = FakeBackend({"p4": EndpointError("p4: HTTP 500 from the model endpoint")})
    with pytest.raises(EndpointError, match="HTTP 500"):
        read_hybrid(doc, parts, "2019", hybrid_settings(), rules, backend=fake)


def test_missing_cells_in_rows_the_text_does_not_have_are_not_sent():
    doc, parts = document("000_964c95048e543ea8")  # 表三 cut after 6 rows: 119 cells missing
    assert parts_to_ask(doc, parts, "2019", gold_reading("000_964c95048e543ea8")) == {}
