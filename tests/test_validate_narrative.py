"""Narrative checks N1–N12 on small reports, and the findings the gold fixtures expect."""
from __future__ import annotations

import pytest

from evals.bench_validator import FIXTURES, cells_result, fixture_recall, gold_result
from extractor.narrative import read_narrative
from extractor.normalize import normalize
from extractor.parts import split_parts
from extractor.validate import validate
from tests.validate_kit import busy


def report(p1: str = "", p5: str = "改进工作。", p6: str = "无。", preamble: str = "", cells=None,
           template: str = "2021", year: int = 2021, drop: str = ""):
    heads = {"p2": "二、主动公开政府信息情况\n表格", "p3": "三、收到和处理政府信息公开申请情况\n表格",
             "p4": "四、政府信息公开行政复议、行政诉讼情况\n表格"}
    body = "\n".join(v for k, v in heads.items() if k != drop)
    text = normalize(f"某某镇人民政府{year}年政府信息公开工作年度报告\n{preamble}\n一、总体情况\n{p1}\n{body}\n"
                     f"五、存在的主要问题及改进情况\n{p5}\n六、其他需要报告的事项\n{p6}\n")
    parts = {k: p.info() for k, p in split_parts(text).items()}
    result = cells_result(cells or {}, template, year=year, issuer="某某镇人民政府")
    return result.model_copy(update={"parts": parts, "narrative": read_narrative(text, parts)}), text


def found(p1="", rule=None, **kw):
    result, text = report(p1, **kw)
    return [f for f in validate(result, text) if rule is None or f.rule == rule]


T3 = {"p3.new_received.total": 95, "p3.carried_over.total": 5, "p3.outcome_total.total": 90,
      "p3.carried_forward.total": 10, "p3.disclosed.total": 50, "p3.partly_disclosed.total": 10}


def test_n1_received_applications_against_new_received():
    hits = found("2021年，区政府办代表区政府受理政府信息公开申请 17 件，均已按期答复。", "N1", cells=T3)
    assert len(hits) == 1 and hits[0].severity == "warning"
    assert (hits[0].expected, hits[0].actual) == (95, 17) and hits[0].cells == ["p3.new_received.total"]
    result, text = report("全年共受理政府信息公开申请 17 件。", cells=T3)
    span = [f for f in validate(result, text) if f.rule == "N1"][0].span
    assert text[span[0]:span[1]] == "17 件"
    assert found("全年共受理政府信息公开申请 95 件。", "N1", cells=T3) == []
    assert found("共收到政府信息公开申请 100 件（含上年结转 5 件）。", "N1", cells=T3) == []


def test_n2_concluded_and_carried():
    text = "全年共受理政府信息公开申请95件，答复90件（含上年度结转申请5件，另有10件顺延到下年度答复）。"
    assert found(text, "N2", cells=T3) == []
    bad = found(text.replace("答复90件", "答复80件").replace("另有10件", "另有12件"), "N2", cells=T3)
    assert sorted(f.cells[0] for f in bad) == ["p3.carried_forward.total", "p3.outcome_total.total"]


def test_n3_outcome_categories():
    ok = "受理政府信息公开申请95件，其中予以公开50件，部分公开10件。"
    assert found(ok, "N3", cells=T3) == []
    assert found("受理政府信息公开申请95件，其中予以公开及部分公开60件。", "N3", cells=T3) == []
    bad = found("受理政府信息公开申请95件，其中予以公开40件。", "N3", cells=T3)
    assert [(f.expected, f.actual) for f in bad] == [(50, 40)]


def test_n4_n5_list_sums_and_shares_sample_000_pattern():
    text = ("本年度累计主动公开信息 36 条。在主动公开的政府信息中，信息公开指南 1 条，占 1.9%；机构职责 1 条，占 2.7%；"
            "部门文件 18 条，占 50%；规划计划 2 条，占 5.6%；财政预决算 3 条，占 8.3%；重点工作 11 条，占 30.5%。")
    hits = found(text)
    assert [f for f in hits if f.rule == "N5"] == []  # 1 + 1 + 18 + 2 + 3 + 11 = 36
    n4 = [f for f in hits if f.rule == "N4"]
    assert any("1.9%" in f.message and "2.78%" in f.message for f in n4)
    assert not any("2.7%" in f.message for f in n4)  # 1/36 = 2.78 truncated to 2.7 is accepted
    more = text.replace("机构职责 1 条，占 2.7%", "信息公开年报 1 条，占 2.7%；机构职责 1 条，占 2.7%；领导分工 1 条，占 2.7%")
    hits = found(more)
    assert [(f.expected, f.actual) for f in hits if f.rule == "N5"] == [(36, 38)]
    assert any(f.rule == "N4" and "104.4%" in f.message for f in hits)


def test_n5_parts_below_the_total_are_only_an_info_and_other_documents_are_not_compared():
    hits = found("发布信息共 369 条，其中乡镇文件 6 条，乡镇动态 300 条。", "N5")
    assert [f.severity for f in hits] == ["info"]
    assert found("发布信息共 369 条，其中乡镇文件 6 条，乡镇动态 308 条，公示公告 55 条；在公众号发布信息共 860 余条。", "N5") == []
    cells = {"p2.normative_documents.issued": 0}
    assert [f for f in found("共公开26个部门政策性文件365件。", cells=cells) if f.rule in {"N5", "N8"}] == []


def test_n6_announced_count_against_the_enumeration():
    hits = found("主要有三种形式：一是网站公开。二是微博发布。三是短信平台。四是公示栏。", "N6")
    assert [(f.expected, f.actual) for f in hits] == [(3, 4)]
    assert found("主要有三种形式：一是网站公开。二是微博发布。三是短信平台。", "N6") == []
    assert found("主要做法：一是网站。二是微博。", "N6") == []


def test_n7_statements_about_applications_and_cases():
    cells = {**busy("2021"), "p3.new_received.total": 3}
    assert found("2021年未收到政府信息公开申请。", "N7", cells=cells)
    t4 = {"p4.review.total": 2, "p4.review.corrected": 1, "p4.suit_direct.total": 0, "p4.suit_after_review.total": 0}
    assert found("全年未发生政府信息公开行政复议案件。", "N7", cells=t4)
    assert found("行政复议案件均获维持。", "N7", cells=t4)
    assert [f.actual for f in found("政府信息公开行政复议 3 件。", "N7", cells=t4)] == [3]
    assert found("政府信息公开行政复议 2 件，其中结果维持 1 件，结果纠正 1 件。", "N7", cells=t4) == []


def test_n8_only_for_table_two_nouns():
    cells = {"p2.normative_documents.issued": 3, "p2.regulations.issued": 1}
    hits = found("全年制发行政规范性文件 5 件。", "N8", cells=cells)
    assert [(f.severity, f.expected, f.actual) for f in hits] == [("info", 3, 5)]
    assert found("全年新增公开市政府规章 1 件、政策性文件 11 件。", "N8", cells=cells) == []


def test_n9_period_and_as_of_dates():
    assert found("截至2021年12月31日，共发布信息。", "N9") == []
    assert [f.severity for f in found("截至2021年12月30日，共发布信息。", "N9")] == ["info"]
    hits = found(preamble="统计期限自2020年1月1日起至2020年12月31日止。", rule="N9")
    assert [f.severity for f in hits] == ["warning"]


def test_n10_six_parts_promised():
    text = "本报告由总体情况等六部分组成。"
    assert [f.rule for f in found(text, "N10", drop="p4")] == ["N10"]
    assert found(text, "N10") == []
    assert found("", "N10", drop="p4") == []  # no promise: only the STRUCTURE finding of parts


def test_n11_fee_statement_and_n12_last_year_from_2021():
    assert [f.severity for f in found(p6="无。", rule="N11")] == ["info"]
    assert found(p6="未收取信息处理费。", rule="N11") == []
    assert found(p6="无。", rule="N11", template="2019", year=2020) == []
    assert [f.severity for f in found(p5="加强培训。", rule="N12")] == ["info"]
    assert found(p5="上一年度提出的改进措施已全部落实。", rule="N12") == []


def test_every_gold_finding_in_scope_is_found_and_nothing_unexpected_is_raised():
    rows = fixture_recall()
    assert sum(r["expected"] for r in rows) >= 15
    for row in rows:
        assert row["missed"] == [], (row["fixture"], row["missed"])
        gold_rules = {g["rule"] for g, _ in row["matched"]}
        assert {f.rule for f in row["extra"]} <= gold_rules, (row["fixture"], [f.message for f in row["extra"]])


@pytest.mark.parametrize("name,rule,expected,actual", [
    ("000_964c95048e543ea8", "N5", 36, 38), ("003_589bf4f08d70f012", "N5", 5355, 6978),
    ("004_a0c7fabfdf456585", "N5", 369, 372), ("hongze-2024", "N1", 95, 17),
])
def test_the_samples_narrative_figures(name, rule, expected, actual):
    result, text, _ = gold_result(FIXTURES / name)
    hits = [f for f in validate(result, text) if f.rule == rule]
    assert (expected, actual) in [(f.expected, f.actual) for f in hits]
    assert all(f.severity == "warning" for f in hits)


def test_hongze_2023_table_four_is_a_source_error_with_total_repairs():
    result, text, _ = gold_result(FIXTURES / "hongze-2023")
    h4 = [f for f in validate(result, text) if f.rule == "H4"]
    assert {(f.repair.cell, f.repair.value) for f in h4} == {("p4.review.total", 11), ("p4.suit_after_review.total", 5)}
    assert {f.cause for f in h4} == {"source"}


def test_the_narrative_breaks_a_table_four_tie():
    t4 = {"p4.review.upheld": 72, "p4.review.corrected": 64, "p4.review.other": 178, "p4.review.pending": 37,
          "p4.review.total": 315}  # 351 printed in the narrative, 315 read in the table
    p1 = "政府信息公开行政复议351件，其中结果维持72件，结果纠正64件，其他结果178件，尚未审结37件。"
    result, text = report(p1, cells=t4)
    [h4] = [f for f in validate(result, text) if f.rule == "H4" and f.severity == "error"]
    assert (h4.repair.cell, h4.repair.value) == ("p4.review.total", 351) and "第一部分文字" in h4.message
    assert [f.rule for f in validate(result, text) if f.rule == "N7"] == ["N7"]  # 351 vs 315, said once
    result, text = report("", cells=t4)
    assert [f.repair for f in validate(result, text) if f.rule == "H4" and f.severity == "error"] == [None]


def test_n1_accepts_a_count_that_includes_the_carried_over_applications():
    assert found("共收到政府信息公开申请 100 件（其中上年结转 5 件）。", "N1", cells=T3) == []
    assert found("共收到政府信息公开申请 100 件。", "N1", cells=T3) == []


def test_a_result_without_parts_is_read_from_the_text():
    result, text = report("全年共受理政府信息公开申请 17 件。", cells=T3)
    bare = result.model_copy(update={"parts": {}})
    assert [f.rule for f in validate(bare, text) if f.rule == "N1"] == ["N1"]
