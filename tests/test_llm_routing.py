"""Routing: which stretch of a report the model is asked about, whatever the part splitter found."""
from __future__ import annotations

from extractor.load import load_text
from extractor.parts import split_parts
from extractor.readers.llm.tasks import task_for
from tests.test_llm_injection import report

HEADINGS = ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况")


def span_text(text: str, part: str) -> str | None:
    doc = load_text(text)
    span = task_for(part, "2021").span(doc.text, split_parts(doc.text))
    return None if span is None else doc.text[span[0]:span[1]]


def test_tables_are_found_without_their_part_headings():
    text, _ = report()
    for heading in HEADINGS:  # the splitter finds none of the table parts
        text = text.replace(heading, "")
    p2, p3 = span_text(text, "p2"), span_text(text, "p3")
    assert p2 is not None and "行政规范性文件" in p2
    assert p3 is not None and "本年新收" in p3 and "结转下年度" in p3


def test_a_table_is_found_by_its_rows_alone():
    # no heading and no header: only the rows of 表三, after the narrative
    text, _ = report()
    rows = text[text.index("一、本年新收"):text.index("四、政府信息公开行政复议")]
    bare = "某局2022年政府信息公开工作年度报告\n\n一、总体情况\n全年工作正常开展。\n\n" + rows
    p3 = span_text(bare, "p3")
    assert p3 is not None and p3.startswith("一、本年新收") and "结转下年度" in p3


def test_the_table4_row_is_found_by_its_shape_under_its_words():
    text = ("某局2022年政府信息公开工作年度报告\n\n一、总体情况\n全年工作正常开展。\n\n"
            "行政复议 行政诉讼\n" + "\t".join(["0"] * 14 + ["1"]) + "\n")
    p4 = span_text(text, "p4")
    assert p4 is not None and p4.count("0") == 14


def test_a_sentence_full_of_figures_is_not_a_table4_row():
    figures = "，".join(f"第{i}项{i}件" for i in range(1, 16))
    text = f"某局2022年政府信息公开工作年度报告\n\n一、总体情况\n本年未发生行政复议、行政诉讼。{figures}。\n"
    assert span_text(text, "p4") is None
