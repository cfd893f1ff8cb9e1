"""Re-flow: reports whose parts and table rows are not on lines of their own."""
from pathlib import Path

import pytest

from evals.synth import LAYOUTS, generate
from extractor import extract, extract_text
from extractor.load import load
from extractor.normalize import normalize
from extractor.parts import split_parts
from extractor.reflow import reflow
from extractor.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "evals" / "fixtures").glob("*/*.txt"))

ONE_LINE = (
    "某镇2022年政府信息公开工作年度报告 本报告由总体情况、主动公开政府信息情况等六部分组成。 一、总体情况 我镇强化组织领导。"
    " 二、主动公开政府信息情况 第二十条第(一)项 | 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 | 规章 | 0 | 0 | 0 |"
    " 行政规范性文件 | 2 | 0 | 5 | 第二十条第(五)项 | 信息内容 | 本年处理决定数量 | 行政许可 | 650 |"
    " 三、收到和处理政府信息公开申请情况 略。 四、政府信息公开行政复议、行政诉讼情况 略。"
    " 五、存在的主要问题及改进情况 问题。 六、其他需要报告的事项 无。"
)


def test_a_report_on_one_line_gets_its_parts_and_rows_on_lines():
    text = reflow(normalize(ONE_LINE))
    lines = [ln.strip() for ln in text.splitlines()]
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "四、政府信息公开行政复议、行政诉讼情况", "六、其他需要报告的事项"):
        assert heading in lines
    assert "规章 | 0 | 0 | 0 |" in lines
    assert "行政规范性文件 | 2 | 0 | 5 | 第二十条第(五)项 | 信息内容 | 本年处理决定数量 |" not in lines
    assert all(split_parts(text)[k].status == "present" for k in ("p1", "p2", "p5", "p6"))
    result = extract_text(ONE_LINE, Settings(backend="rules"))
    assert result.cells["p2.normative_documents.in_force"].value == 5
    assert result.cells["p2.licensing.decisions"].value == 650


def test_reflow_only_inserts_line_breaks_and_is_idempotent():
    for source in (ONE_LINE, *(d.text for d in generate(10, seed=3, layouts=["glued"]))):
        once = reflow(normalize(source))
        assert once.replace("\n", "") == normalize(source).replace("\n", "")
        assert reflow(once) == once
        assert normalize(once) == once  # what `extract --text` prints loads back to the same text


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.parent.name)
def test_reports_with_their_headings_on_lines_are_untouched(path):
    text = normalize(path.read_text(encoding="utf-8"))
    assert reflow(text) == text


def test_generated_reports_in_line_layouts_are_untouched():
    layouts = [x for x in LAYOUTS if x not in ("glued", "html")]
    for doc in generate(40, seed=8, layouts=layouts):
        text = normalize(doc.text)
        assert reflow(text) == text, doc.name


def test_a_preamble_that_lists_the_parts_stays_one_line():
    text = normalize("报告\n全文包括一、总体情况二、主动公开政府信息情况三、收到和处理政府信息公开申请情况等。\n"
                     "一、总体情况\n正文。\n二、主动公开政府信息情况\n表。\n三、收到和处理政府信息公开申请情况\n"
                     "四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n")
    assert reflow(text) == text


def test_a_text_file_with_an_html_sibling_is_read_from_the_html(tmp_path):
    (tmp_path / "r.txt").write_text(ONE_LINE, encoding="utf-8")
    (tmp_path / "r.html").write_text(
        "<html><body><h1>某镇2022年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>我镇强化组织领导。</p>"
        "<p>二、主动公开政府信息情况</p><table><tr><td>第二十条第(一)项</td></tr>"
        "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
        "<tr><td>规章</td><td>1</td><td>0</td><td>3</td></tr></table></body></html>", encoding="utf-8")
    result = extract(tmp_path / "r.txt", Settings(backend="rules"))
    assert result.source.format == "html" and result.source.path.endswith("r.html")
    assert any(f.check == "load.structured_sibling" for f in result.findings)
    assert result.cells["p2.regulations.in_force"].value == 3


def test_an_html_sibling_that_is_no_report_is_ignored(tmp_path):
    (tmp_path / "r.txt").write_text(ONE_LINE, encoding="utf-8")
    (tmp_path / "r.html").write_text("<html><body><p>页面不存在</p></body></html>", encoding="utf-8")
    doc = load(tmp_path / "r.txt")
    assert doc.source.format == "txt" and not doc.findings


def test_one_heading_mid_line_in_an_otherwise_lined_report():
    text = normalize("报告\n一、总体情况\n正文。\n二、主动公开政府信息情况\n表。 三、收到和处理政府信息公开申请情况\n表三。\n"
                     "四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n")
    out = reflow(text)
    assert "\n三、收到和处理政府信息公开申请情况\n" in out.replace(" 三、", "三、")
    assert split_parts(out)["p3"].status == "present"
    assert reflow(out) == out
