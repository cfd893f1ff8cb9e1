"""Glued rows: the exact decoder, and reports whose table cells lost every separator."""
import random

import pytest

from evals.synth import generate
from extractor import extract, extract_text
from extractor.load import load_text
from extractor.readers.rules.glued import BLOCKS, COUNT, MONEY, SIGNED, TOTAL, splits, tail
from extractor.settings import Settings

ROW7 = (COUNT,) * 7
ROW15 = (COUNT,) * 15
RULES = Settings(backend="rules")


def _values(found):
    return ["|".join(str(p.value) for p in s) for s in found.splits]


def test_a_row_total_picks_the_one_split():
    found = splits("12530000128", ROW7, TOTAL)
    assert found.complete and _values(found) == ["125|3|0|0|0|0|128"]
    assert [(p.start, p.end) for p in found.splits[0]] == [(0, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 11)]


def test_every_split_that_obeys_the_rules_is_returned():
    assert set(_values(splits("393001043", ROW7, TOTAL))) == {"3|9|30|0|1|0|43", "39|3|0|0|1|0|43"}


def test_no_number_has_a_leading_zero():
    assert _values(splits("0000000", ROW7, TOTAL)) == ["0|0|0|0|0|0|0"]
    assert set(_values(splits("1205", (COUNT,) * 3))) == {"1|20|5", "12|0|5"}  # never 1|2|05
    assert _values(splits("1000", (COUNT,) * 3)) == ["10|0|0"]
    assert _values(splits("000", (COUNT,) * 3)) == ["0|0|0"]


def test_decimals_only_in_money_and_signs_start_a_number():
    assert set(_values(splits("5308.7", (COUNT, MONEY)))) == {"5|308.7", "530|8.7"}
    assert _values(splits("53.7", (COUNT, COUNT))) == []
    assert _values(splits("12+30", (COUNT, SIGNED, COUNT))) == ["12|3|0"]
    assert _values(splits("12-30", (COUNT, SIGNED, COUNT))) == ["12|-3|0"]


def test_table4_splits_into_three_blocks_that_add_up():
    assert _values(splits("100011200300000", ROW15, BLOCKS)) == ["1|0|0|0|1|1|2|0|0|3|0|0|0|0|0"]
    assert _values(splits("00000000000000", ROW15, BLOCKS)) == []  # one cell short


def test_the_true_split_is_always_among_the_candidates():
    rng = random.Random(5)
    unique = 0
    for _ in range(400):
        parts = [rng.choice((0, 0, 0, rng.randint(1, 9), rng.randint(10, 99), rng.randint(100, 3000))) for _ in range(6)]
        row = [*parts, sum(parts)]
        found = splits("".join(map(str, row)), ROW7, TOTAL)
        values = [[p.value for p in s] for s in found.splits]
        assert found.complete and row in values
        assert all(sum(v[:6]) == v[6] for v in values)
        unique += len(values) == 1
    assert unique > 300  # most rows have one split only


def test_a_search_too_long_gives_up_instead_of_guessing():
    found = splits("1234567891011121314151617", ROW7, TOTAL, budget=50)
    assert not found.complete and found.splits == []


def test_tail_drops_the_next_rows_ordinal():
    t = tail("2.其他法律行政法规禁止公开00000003.")
    assert t.digits == "0000000" and t.start == 14
    assert tail("一、本年新收政府信息公开申请数量12530000128").digits == "12530000128"
    t = tail("政府集中采购5308.7万元")
    assert (t.digits, t.unit) == ("5308.7", "万元")


_ONE_LINE = (
    "某县人民政府2021年政府信息公开工作年度报告 一、总体情况 本年度我县认真贯彻条例。"
    "二、主动公开政府信息情况第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件1205"
    "第二十条第(五)项信息内容本年处理决定数量行政许可650"
    "三、收到和处理政府信息公开申请情况(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
    "申请人情况自然人商业企业科研机构社会公益组织法律服务机构其他总计"
    "一、本年新收政府信息公开申请数量12530000128二、上年结转政府信息公开申请数量4000004"
    "三、本年度办理结果(一)予以公开393001043(二)部分公开(区分处理的,只计这一情形,不计其他情形)1000002"
    "(三)不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开000000"
    "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
    "100011200300000五、存在的主要问题及改进情况 无。六、其他需要报告的事项 无。"
)


@pytest.fixture(scope="module")
def one_line():
    return extract_text(_ONE_LINE, RULES), load_text(_ONE_LINE).text


def test_one_line_report_is_decoded_with_exact_spans(one_line):
    result, text = one_line
    assert [result.cells[f"p3.new_received.{c}"].value for c in ("natural_person", "commercial", "total")] == [125, 3, 128]
    for cid, cell in result.cells.items():
        if cell.span is not None:
            assert text[cell.span[0]:cell.span[1]] == cell.raw, cid
    cell = result.cells["p4.suit_direct.total"]
    assert (cell.value, cell.status, cell.raw) == (3, "ok", "3")
    assert result.cells["p3.withheld.state_secret.total"].value == 0


def test_several_splits_are_flagged_with_the_candidates(one_line):
    result, text = one_line
    first = result.cells["p3.disclosed.natural_person"]
    assert first.status == "flagged" and first.value is None
    assert text[first.span[0]:first.span[1]] == first.raw == "393001043"  # the whole string, to be cut
    assert sorted(first.readings.values()) == [3, 39]
    assert "3|9|30|0|1|0|43" in first.note and "39|3|0|0|1|0|43" in first.note
    assert result.cells["p3.disclosed.total"].value == 43  # every split agrees: kept, still flagged
    assert result.cells["p3.disclosed.total"].status == "flagged"
    assert any(f.check == "p3.glued_split" for f in result.findings)
    norm = result.cells["p2.normative_documents.issued"]
    assert norm.status == "flagged" and sorted(norm.readings.values()) == [1, 12]


def test_a_row_that_cannot_be_split_stays_missing_with_its_cause(one_line):
    result, _ = one_line
    cell = result.cells["p3.partly_disclosed.natural_person"]  # 1000002: no split adds up
    assert cell.status == "missing" and cell.value is None and "粘连" in cell.note
    cell = result.cells["p3.withheld.prohibited_by_law.total"]  # six zeros for seven cells
    assert cell.status == "flagged" and cell.value == 0 and cell.confidence < 0.5


def test_the_saved_text_gives_the_same_cells(one_line):
    result, text = one_line
    again = extract_text(text, RULES)
    assert {k: (c.value, c.status, c.span) for k, c in again.cells.items()} == \
           {k: (c.value, c.status, c.span) for k, c in result.cells.items()}


def test_generated_glued_reports_never_give_a_wrong_value_as_ok():
    right = printed = 0
    for doc in generate(30, seed=9, layouts=["glued"]):
        result = extract(doc.data, RULES)
        for cid, truth in doc.cells.items():
            if truth is None or cid in doc.ambiguous or cid.startswith("p2."):
                continue
            cell = result.cells[cid]
            printed += 1
            if cell.value == truth:
                right += 1
                continue
            assert cell.status != "ok", (doc.name, cid)
            assert (cell.status == "flagged" and cell.readings) or (cell.status == "missing" and cell.note), (doc.name, cid)
    assert right / printed >= 0.97


def test_table2_accepts_only_a_split_the_cell_count_forces(one_line):
    result, _ = one_line
    assert [result.cells[f"p2.regulations.{c}"].value for c in ("issued", "repealed", "in_force")] == [0, 0, 0]
    assert result.cells["p2.regulations.issued"].status == "ok"


def test_digits_after_a_gap_are_a_row_with_blank_cells_not_a_glued_row():
    text = ("某县2021年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第(一)项\n"
            "信息内容    本年制发件数    本年废止件数    现行有效件数\n规章    0    0    0\n"
            "行政规范性文件                          192\n三、收到和处理政府信息公开申请情况\n")
    result = extract_text(text, RULES)
    assert all(result.cells[f"p2.normative_documents.{c}"].value in (None, 192)
               for c in ("issued", "repealed", "in_force"))
    assert not any("粘连" in (c.note or "") for c in result.cells.values())


def test_a_table3_row_may_have_a_gap_before_its_glued_digits():
    text = ("某县2021年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n申请人情况 自然人 商业企业 总计\n"
            "一、本年新收政府信息公开申请数量   12530000128\n二、上年结转政府信息公开申请数量 | 4000004\n"
            "四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼 总计  100011200300000\n")
    result = extract_text(text, RULES)
    assert result.cells["p3.new_received.natural_person"].value == 125
    assert result.cells["p3.carried_over.total"].value == 4
    assert result.cells["p4.suit_direct.total"].value == 3
