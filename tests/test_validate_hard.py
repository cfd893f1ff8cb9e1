"""Hard rules H1–H5 on both templates: broken, holding, not checkable; localisation and cause."""
from __future__ import annotations

import pytest

from evals.bench_validator import cells_result
from extractor.validate import validate
from extractor.validate.equations import APPLICANTS, outcome_rows
from schemas import Cell
from tests.validate_kit import busy, by_rule, errors

TEMPLATES = ("2019", "2021")


@pytest.mark.parametrize("template", TEMPLATES)
def test_consistent_tables_have_no_error_and_no_unchecked_rule(template):
    findings = validate(cells_result(busy(template), template))
    assert errors(findings) == []
    assert [f for f in findings if f.rule in {"H1", "H2", "H3", "H4"}] == []


@pytest.mark.parametrize("template", TEMPLATES)
def test_h1_breaks_per_column_and_the_cell_is_located(template):
    cells = busy(template)
    cid = "p3.new_received.natural_person"
    findings = validate(cells_result({**cells, cid: cells[cid] + 1}, template))
    h1 = by_rule(findings, "H1")
    assert len(h1) == 1 and h1[0].check == "p3.balance" and h1[0].severity == "error"
    assert "表三 自然人 列：本年新收" in h1[0].message and "≠ 办理结果总计" in h1[0].message
    assert h1[0].expected == h1[0].actual + 1
    assert {f.rule for f in errors(findings)} == {"H1", "H3"}
    assert all(f.repair and (f.repair.cell, f.repair.value) == (cid, cells[cid]) for f in errors(findings))


def test_h1_message_reads_like_the_table():
    cells = {f"p3.{r}.{c}": 0 for r in ("new_received", "carried_over", "outcome_total", "carried_forward")
             for c in (*APPLICANTS, "total")}
    cells.update({"p3.new_received.natural_person": 3, "p3.outcome_total.natural_person": 2})
    h1 = by_rule(validate(cells_result(cells, "2019")), "H1")
    assert h1[0].message.startswith("表三 自然人 列：本年新收 3 + 上年结转 0 ≠ 办理结果总计 2 + 结转下年度 0")


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("row", ["disclosed", "withheld.third_party", "OTHER"])
def test_h2_outcome_rows_sum_to_the_total(template, row):
    row = {"2019": "other", "2021": "other.no_fee"}[template] if row == "OTHER" else row
    assert row in outcome_rows(template)
    cells = busy(template)
    cid = f"p3.{row}.commercial"
    findings = validate(cells_result({**cells, cid: cells[cid] + 4}, template))
    assert {f.rule for f in errors(findings)} == {"H2", "H3"}
    h2 = by_rule(findings, "H2")[0]
    assert h2.check == "p3.outcomes" and h2.expected == h2.actual + 4 and cid in h2.cells
    assert h2.repair.cell == cid and h2.repair.value == cells[cid]


@pytest.mark.parametrize("template", TEMPLATES)
def test_h3_total_column_and_a_total_cell_as_culprit(template):
    cells = busy(template)
    cid = "p3.disclosed.total"
    findings = validate(cells_result({**cells, cid: cells[cid] + 10}, template))
    assert {f.rule for f in errors(findings)} == {"H2", "H3"}
    h3 = by_rule(findings, "H3")[0]
    assert h3.check == "p3.row_total" and "六类申请人之和" in h3.message
    assert (h3.repair.cell, h3.repair.value) == (cid, cells[cid])


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_grand_total_sits_in_three_rules(template):
    cells = busy(template)
    cid = "p3.outcome_total.total"
    findings = validate(cells_result({**cells, cid: cells[cid] + 1}, template))
    assert sorted(f.rule for f in errors(findings)) == ["H1", "H2", "H3"]
    assert {(f.repair.cell, f.repair.value) for f in errors(findings)} == {(cid, cells[cid])}


@pytest.mark.parametrize("template", TEMPLATES)
def test_h4_hongze_2023_review_block_is_a_source_error_with_the_total_repaired(template):
    cells = {**busy(template), "p4.review.upheld": 10, "p4.review.corrected": 1, "p4.review.other": 0,
             "p4.review.pending": 0, "p4.review.total": 0}
    h4 = by_rule(validate(cells_result(cells, template)), "H4")
    assert len(h4) == 1 and h4[0].severity == "error" and h4[0].check == "p4.block_total"
    assert (h4[0].repair.cell, h4[0].repair.value) == ("p4.review.total", 11)
    assert h4[0].cause == "source" and (h4[0].expected, h4[0].actual) == (11, 0)
    assert "结果维持 10 + 结果纠正 1 + 其他结果 0 + 尚未审结 0 = 11 ≠ 总计 0" in h4[0].message


def test_h4_tie_is_not_guessed_but_named():
    cells = {**busy("2021"), "p4.suit_direct.upheld": 3, "p4.suit_direct.corrected": 1, "p4.suit_direct.other": 0,
             "p4.suit_direct.pending": 0, "p4.suit_direct.total": 10}
    h4 = by_rule(validate(cells_result(cells, "2021")), "H4")
    assert h4[0].repair is None and "无法确定哪个有误" in h4[0].message


def test_readers_evidence_breaks_a_tie_and_says_extraction():
    cells = {**busy("2021"), "p4.suit_direct.upheld": 3, "p4.suit_direct.corrected": 1, "p4.suit_direct.other": 0,
             "p4.suit_direct.pending": 0, "p4.suit_direct.total": 10}
    result = cells_result(cells, "2021")
    result.cells["p4.suit_direct.upheld"] = Cell(value=3, status="ok", confidence=0.9, reader="hybrid",
                                                 readings={"rules": 3, "llm": 9})
    h4 = by_rule(validate(result), "H4")[0]
    assert (h4.repair.cell, h4.repair.value) == ("p4.suit_direct.upheld", 9)
    assert h4.cause == "extraction" and "不同读取器结果不一致" in h4.message


@pytest.mark.parametrize("evidence", [
    {"raw": "l0"}, {"status": "flagged", "note": "row had 6 values"}, {"note": "short row"},
    {"reader": "llm", "confidence": 0.2},
])
def test_cause_extraction_from_cell_evidence(evidence):
    cells = busy("2019")
    cid = "p3.disclosed.natural_person"
    result = cells_result({**cells, cid: cells[cid] + 7}, "2019")
    result.cells[cid] = result.cells[cid].model_copy(update=evidence)
    assert {f.cause for f in errors(validate(result))} == {"extraction"}


def test_two_wrong_cells_in_one_group_get_no_repair():
    cells = busy("2019")
    bad = {**cells, "p3.disclosed.natural_person": cells["p3.disclosed.natural_person"] + 1,
           "p3.disclosed.commercial": cells["p3.disclosed.commercial"] + 2}
    found = errors(validate(cells_result(bad, "2019")))
    assert found and all(f.repair is None for f in found)
    assert any("至少有两个单元格有误" in f.message for f in found)


@pytest.mark.parametrize("template", TEMPLATES)
def test_missing_cells_make_rules_not_checkable_not_broken(template):
    cells = busy(template)
    cells.pop("p3.carried_forward.natural_person")
    cells.pop("p4.review.total")
    findings = validate(cells_result(cells, template))
    assert errors(findings) == []
    h1 = by_rule(findings, "H1")
    assert len(h1) == 1 and h1[0].severity == "info" and h1[0].check == "p3.balance"
    assert h1[0].blocked_by == ["p3.carried_forward.natural_person"] and "无法核对" in h1[0].message
    h3 = by_rule(findings, "H3")[0]
    assert h3.severity == "info" and h3.blocked_by == ["p3.carried_forward.natural_person"]
    h4 = by_rule(findings, "H4")[0]
    assert h4.severity == "info" and h4.blocked_by == ["p4.review.total"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_whole_tables_missing_are_reported_once_per_rule(template):
    findings = validate(cells_result({}, template))
    assert sorted(f.rule for f in findings if f.rule.startswith("H")) == ["H1", "H2", "H3", "H4"]
    assert all(f.severity == "info" and f.blocked_by for f in findings if f.rule.startswith("H"))


def test_known_cells_can_break_a_rule_whatever_the_missing_ones_are():
    cells = busy("2021")
    cells.pop("p3.carried_forward.natural_person")
    cells["p3.outcome_total.natural_person"] = cells["p3.new_received.natural_person"] + cells[
        "p3.carried_over.natural_person"] + 5
    found = validate(cells_result(cells, "2021"))
    s1 = by_rule(found, "S1")
    assert len(s1) == 1 and s1[0].blocked_by == ["p3.carried_forward.natural_person"]
    cells = busy("2019")
    cells.pop("p3.disclosed.research")
    cells["p3.partly_disclosed.research"] = cells["p3.outcome_total.research"] + 1
    h2 = [f for f in by_rule(validate(cells_result(cells, "2019")), "H2") if f.severity != "info"]
    assert h2 and h2[0].blocked_by == ["p3.disclosed.research"] and "已知单元格已使等式无法成立" in h2[0].message


@pytest.mark.parametrize("value,ok", [(-1, False), (2.5, False), (3, True), (3.0, True)])
def test_h5_counts_are_non_negative_integers(value, ok):
    found = by_rule(validate(cells_result({"p2.penalty.decisions": value}, "2021")), "H5")
    assert (found == []) is ok
    if not ok:
        assert found[0].severity == "error" and found[0].cells == ["p2.penalty.decisions"]


def test_h5_signed_change_and_money():
    values = {"p2.licensing.items_change": -2, "p2.procurement.amount": 308.7}
    assert by_rule(validate(cells_result(values, "2019")), "H5") == []
    found = by_rule(validate(cells_result({"p2.procurement.amount": -1.5}, "2019")), "H5")
    assert found and "金额不能为负" in found[0].message


def test_template_from_the_cells_when_meta_has_none():
    cells = busy("2021")
    result = cells_result({**cells, "p4.review.total": cells["p4.review.total"] + 1}, "2021")
    result = result.model_copy(update={"meta": result.meta.model_copy(update={"template": None})})
    assert by_rule(validate(result), "H4")


def test_bad_data_never_raises():
    result = cells_result({"p3.new_received.total": 1e308, "p4.review.total": float("inf")}, "2019")
    findings = validate(result)
    assert not [f for f in findings if f.check == "validator.internal"]
