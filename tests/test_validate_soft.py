"""Soft checks S2–S13: each fires on the pattern it is for and stays quiet otherwise."""
from __future__ import annotations

import pytest

from evals.bench_validator import cells_result
from extractor.validate import validate
from schemas import PartInfo
from schemas.result import Narrative
from tests.validate_kit import busy


def rules(result, **kw) -> list[str]:
    return [f.rule for f in validate(result, **kw) if f.rule.startswith("S")]


def test_s2_carried_over_against_last_year():
    now = busy("2021")
    before = {k.replace("carried_over", "carried_forward"): v for k, v in now.items() if ".carried_over." in k}
    assert rules(cells_result(now, "2021"), previous=cells_result(before, "2021")) == []
    col = "natural_person"
    before[f"p3.carried_forward.{col}"] += 1
    found = [f for f in validate(cells_result(now, "2021"), previous=cells_result(before, "2021")) if f.rule == "S2"]
    assert [f.cells for f in found] == [[f"p3.carried_over.{col}"]]
    assert rules(cells_result(now, "2021")) == []  # no previous year, no S2


def test_s3_in_force_across_years_and_s4_within_year():
    now = {"p2.normative_documents.issued": 3, "p2.normative_documents.repealed": 0,
           "p2.normative_documents.in_force": 8}
    assert rules(cells_result(now, "2021"), previous=cells_result({"p2.normative_documents.in_force": 5}, "2021")) == []
    assert rules(cells_result(now, "2021"), previous=cells_result({"p2.normative_documents.in_force": 4}, "2021")) == ["S3"]
    assert rules(cells_result({**now, "p2.normative_documents.in_force": 2}, "2021")) == ["S4"]


def test_s5_published_vs_made_2019():
    ok = {"p2.normative_documents.made": 14, "p2.normative_documents.published": 14,
          "p2.normative_documents.total_published": 14}
    assert rules(cells_result(ok, "2019")) == []
    assert rules(cells_result({**ok, "p2.normative_documents.made": 242}, "2019")) == ["S5"]
    assert rules(cells_result({**ok, "p2.normative_documents.total_published": 10}, "2019")) == ["S5"]


def test_s6_items_balance_and_across_years():
    assert rules(cells_result({"p2.fees.items_last_year": 2, "p2.fees.items_change": -3}, "2019")) == ["S6"]
    previous = cells_result({"p2.penalty.items_last_year": 6, "p2.penalty.items_change": 4}, "2019")
    assert rules(cells_result({"p2.penalty.items_last_year": 10}, "2019"), previous=previous) == []
    assert rules(cells_result({"p2.penalty.items_last_year": 9}, "2019"), previous=previous) == ["S6"]


def test_s7_decisions_equal_to_the_item_count_sample_001():
    values = {"p2.penalty.items_last_year": 6, "p2.penalty.items_change": 4, "p2.penalty.decisions": 10}
    assert rules(cells_result(values, "2019")) == ["S7"]
    assert rules(cells_result({**values, "p2.penalty.decisions": 11}, "2019")) == []
    assert rules(cells_result({k: 0 for k in values}, "2019")) == []


def test_s8_procurement_count_amount_and_unit():
    assert rules(cells_result({"p2.procurement.projects": 1, "p2.procurement.amount": 308.7}, "2019")) == []
    assert rules(cells_result({"p2.procurement.projects": 0, "p2.procurement.amount": 308.7}, "2019")) == ["S8"]
    result = cells_result({"p2.procurement.projects": 1, "p2.procurement.amount": 308.7}, "2019")
    result.cells["p2.procurement.amount"] = result.cells["p2.procurement.amount"].model_copy(update={"raw": "308.7"})
    assert [f.rule for f in validate(result) if f.check == "p2.procurement"] == ["UNIT"]


@pytest.mark.parametrize("issuer,fires", [("鹿窝镇人民政府", True), ("洪泽区人民政府", True), ("吴忠市政务服务中心", True),
                                          ("淮安市人民政府", False), ("江苏省人民政府", False), (None, False)])
def test_s9_regulations_only_where_there_is_power(issuer, fires):
    result = cells_result({"p2.regulations.issued": 1, "p2.regulations.in_force": 3}, "2021", issuer=issuer)
    assert ("S9" in rules(result)) is fires


def test_s10_township_magnitude():
    values = {"p2.normative_documents.made": 242}
    assert "S10" in rules(cells_result(values, "2019", issuer="鹿窝镇人民政府"))
    assert "S10" not in rules(cells_result(values, "2019", issuer="淮安市人民政府"))


def test_s11_and_s13_table4_without_their_antecedents():
    cells = {**busy("2021"), "p3.new_received.total": 0, "p3.carried_over.total": 0}
    assert "S11" in rules(cells_result(cells, "2021"))
    t4 = {"p4.review.upheld": 0, "p4.review.corrected": 0, "p4.review.other": 0, "p4.review.pending": 0,
          "p4.review.total": 0, "p4.suit_after_review.upheld": 2, "p4.suit_after_review.corrected": 0,
          "p4.suit_after_review.other": 0, "p4.suit_after_review.pending": 0, "p4.suit_after_review.total": 2}
    assert "S13" in rules(cells_result(t4, "2021"))
    assert "S13" not in rules(cells_result({**t4, "p4.review.upheld": 1, "p4.review.total": 1}, "2021"))


@pytest.mark.parametrize("p6,fires", [("依据规定，未收取信息处理费。", True), ("向申请人发出收费通知 6 件。", False),
                                      ("全年收取政府信息公开信息处理费3940元。", False)])
def test_s12_unpaid_fees_need_a_word_in_part_six(p6, fires):
    result = cells_result({"p3.other.no_fee.total": 6}, "2021")
    result = result.model_copy(update={"narrative": Narrative.model_validate({"p6": {"text": p6}}),
                                       "parts": {"p6": PartInfo(status="present")}})
    assert ("S12" in rules(result)) is fires
