"""Merging the model with the rules: hybrid asks only the rows the rules could not read; both
backends merge cell by cell, a model value counting only where the text confirms it."""
import pytest

from extractor.errors import EndpointError, ModelOutputError
from extractor.readers.arithmetic import broken, settle
from extractor.readers.hybrid import merge, read_hybrid, read_llm, rows_to_ask
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
    asked = rows_to_ask(doc, parts, "2021", rules)
    assert set(asked) == {"p3", "p4"}
    assert "勾稽" in asked["p3"][0] and "未读出" in asked["p4"][0]
    # only the rows of the broken identities (the 予以公开 row and its 总计 column's rows), not all 25
    assert "disclosed" in asked["p3"][1] and len(asked["p3"][1]) < 25
    assert asked["p4"][1] == ("values",)


def test_hybrid_reconciles_cell_by_cell():
    doc, parts = document(SZ)
    # the rules reader misread one 总计 (1363 for 1362) and lost one 表四 cell
    rules = gold_reading(SZ, p3__disclosed__total=1363, p4__review__upheld=None)
    asked = rows_to_ask(doc, parts, "2021", rules)["p3"][1]
    fake = FakeBackend({"p3": {k: v for k, v in gold_answer(SZ, "p3", "2021").items() if k in asked},
                        "p4": gold_answer(SZ, "p4", "2021")})
    reading = read_hybrid(doc, parts, "2021", hybrid_settings(), rules, backend=fake)
    assert [r["part"] for r in fake.requests] == ["p3", "p4"], "表二 was read fully by the rules: not sent"
    assert list(fake.requests[0]["response_model"].model_fields) == list(asked), "a schema of the asked rows only"

    settled = reading.cells["p3.disclosed.total"]
    assert settled.value == 1362 and settled.status == "ok" and settled.readings == {"rules": 1363, "llm": 1362}

    agreed = reading.cells["p3.outcome_total.total"]
    assert agreed.value == gold(SZ)["cells"]["p3.outcome_total.total"]
    assert agreed.reader == "hybrid" and agreed.confidence > 0.9
    assert reading.cells["p3.new_received.total"] is rules.cells["p3.new_received.total"], "a row not asked"

    only_llm = reading.cells["p4.review.upheld"]  # at its place in the text, and 表四's sums hold with it
    assert only_llm.value == 72 and only_llm.status == "ok" and only_llm.confidence == 0.9
    assert reading.cells["p2.licensing.decisions"] is rules.cells["p2.licensing.decisions"]
    assert "readers.settled" in {f.check for f in reading.findings}


def test_a_disagreement_the_arithmetic_cannot_settle_keeps_both_readings():
    cid = "p3.new_received.research"
    rules = {cid: Cell(value=5, status="ok", confidence=0.9, reader="rules")}
    llm = {cid: Cell(value=6, status="ok", confidence=0.9, reader="llm")}
    cells, findings = merge("p3", [cid], rules, llm, "2021")
    assert cells[cid].status == "flagged" and cells[cid].value == 5
    assert cells[cid].readings == {"rules": 5, "llm": 6}
    assert findings[0].check == "readers.disagree"


@pytest.mark.parametrize("model_cell", [
    Cell(status="missing", reader="llm", note="模型认为原文没有这个数"),  # a null
    Cell(value=6, status="flagged", confidence=0.4, reader="llm", note="无法确定它在哪一列"),  # not confirmed
])
def test_a_model_null_or_unconfirmed_value_never_overwrites_a_rules_value(model_cell):
    cid = "p3.new_received.research"
    rules = {cid: Cell(value=5, status="ok", confidence=0.93, reader="rules", span=(10, 11))}
    cells, findings = merge("p3", [cid], rules, {cid: model_cell}, "2021")
    assert cells[cid].value == 5 and cells[cid].status == "ok" and cells[cid].confidence == 0.93
    assert findings == []


def _p4_cells(values: dict[str, int | None], status: str = "ok") -> dict[str, Cell]:
    return {cid: Cell(value=v, status=status if v is not None else "missing", confidence=0.9, reader="rules")
            for cid, v in values.items()}


def test_a_model_only_value_ranks_by_what_the_arithmetic_says():
    row = {f"p4.review.{k}": v for k, v in (("upheld", 2), ("corrected", 1), ("other", 0), ("pending", 0),
                                             ("total", 3))}
    cid = "p4.review.corrected"
    rules = _p4_cells({**row, cid: None})
    confirmed, _ = merge("p4", [cid], rules, {cid: Cell(value=1, status="ok", confidence=0.9, reader="llm")}, "2021")
    assert confirmed[cid].status == "ok" and confirmed[cid].confidence == 0.9
    wrong, findings = merge("p4", [cid], rules, {cid: Cell(value=7, status="ok", confidence=0.9, reader="llm")},
                            "2021")
    assert wrong[cid].value == 7 and wrong[cid].status == "flagged" and wrong[cid].confidence < 0.5
    assert findings[0].check == "llm.only"
    unchecked = _p4_cells({**row, cid: None, "p4.review.total": None})
    alone, _ = merge("p4", [cid], unchecked, {cid: Cell(value=1, status="ok", confidence=0.9, reader="llm")}, "2021")
    assert alone[cid].status == "ok" and alone[cid].confidence == 0.75


def test_the_llm_backend_keeps_every_rules_value_the_model_does_not_confirm():
    doc, parts = document(SZ)
    rules = gold_reading(SZ)
    nulls = FakeBackend({p: {} for p in ("p2", "p3", "p4")})  # a model that answers null everywhere
    for p in ("p2", "p3", "p4"):
        nulls.answers[p] = gold_answer(SZ, p, "2021", **{f: None for f in _nullable_rows(p)})
    reading = read_llm(doc, parts, "2021", Settings(backend="llm", llm=hybrid_settings().llm), rules, backend=nulls)
    assert {cid: c.value for cid, c in reading.cells.items()} == {cid: c.value for cid, c in rules.cells.items()}


def _nullable_rows(part: str) -> list[str]:
    from schemas.llm import ANSWER_MODELS
    model = ANSWER_MODELS[(part, "2021")]
    return [f for f in model.model_fields if model.nullable(f)]


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
    assert rows_to_ask(doc, parts, "2019", gold_reading("000_964c95048e543ea8")) == {}


def _asked(text: str) -> dict:
    from extractor.load import load_text
    from extractor.parts import split_parts
    from extractor.readers import rules as rules_reader
    doc = load_text(text)
    parts = split_parts(doc.text)
    return {p: rows for p, (_, rows) in rows_to_ask(doc, parts, "2021", rules_reader.read(doc, parts, "2021")).items()}


def test_hybrid_asks_nothing_of_a_report_read_in_full_and_only_the_unread_row_otherwise():
    from tests.test_llm_injection import report
    text, _ = report()
    assert _asked(text) == {}
    # one 表三 row whose cells the rules cannot place (a note glued into the row between its values)
    at = text.index("（二）部分公开")
    line_end = text.index("\n", at)
    row = text[at:line_end].split("\t")
    garbled = "\t".join(row[:4]) + "（见附注3、4）" + "\t".join(row[4:])
    assert _asked(text[:at] + garbled + text[line_end:]) == {"p3": ("partly_disclosed",)}


def test_hybrid_does_not_ask_for_blank_cells_or_cells_cut_off_by_the_end_of_the_text():
    from tests.test_llm_injection import report
    text, _ = report()
    blank = text.replace("行政处罚\t4", "行政处罚\t—")
    assert "p2" not in _asked(blank)
    row = text.index("二、上年结转")
    cut = text[:text.index("\t0\t0", row) + 4]  # the text ends after the row's second value
    assert _asked(cut) == {}
