"""Text inputs are sniffed by content: markup-dominated text goes to the HTML loader, plain text stays text."""
import html as htmlmod
import random
import re

import pytest

from evals.synth import dress, generate
from extractor import Settings, extract
from extractor.load import load
from extractor.load.markup import MIN_TAG_SHARE, is_markup, markup_of, tag_share
from tests.conftest import SAMPLES

PAGES = list(generate(6, seed=21, layouts=["html"], features=()))


def _cells(source) -> dict:
    return {cid: c.value for cid, c in extract(source, Settings(backend="rules")).cells.items()}


@pytest.fixture(scope="module")
def page_cells():
    return [_cells(doc.data) for doc in PAGES]


@pytest.mark.parametrize("kind", ["page", "html_fragment", "js_string", "entities"])
@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_a_page_saved_as_text_is_read_as_html(tmp_path, page_cells, kind, suffix):
    for i, doc in enumerate(PAGES):
        text = doc.text if kind == "page" else dress.apply(doc.text, (kind,), random.Random(i))
        path = tmp_path / f"{kind}-{i}{suffix}"
        path.write_text(text, encoding="utf-8")
        result = extract(path, Settings(backend="rules"))
        assert result.source.format == "html"
        assert {cid: c.value for cid, c in result.cells.items()} == page_cells[i], doc.name
        assert sum(v is not None for v in page_cells[i].values()) > 20


def test_js_string_escapes_are_undone_exactly():
    page = '<p class="x">年度报告</p>\n<table><tr><td>行政复议</td><td>3</td></tr></table>' * 4
    for seed in range(6):
        literal = dress.js_string(page, random.Random(seed))
        assert markup_of(literal) == page
    surrogate = '"' + "<p>\\ud842\\udfb7</p>" * 10 + '"'  # 𠮷 as a UTF-16 pair
    assert markup_of(surrogate) == "<p>𠮷</p>" * 10


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.parent.name)
def test_plain_reports_stay_text(path):
    text = path.read_text(encoding="utf-8")
    assert markup_of(text) is None and load(path).source.format == "txt"


@pytest.mark.parametrize("path", SAMPLES[:2], ids=lambda p: p.parent.name)
def test_a_report_that_mentions_tags_stays_text(path):
    """A few tags in a text (a <br> in markdown cells, a quoted <table>) are a tiny share: still text."""
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] += " 网页中的<table>标签与<br>换行符、<p>段落"
    for i in range(5, len(lines), 7):
        lines[i] += "<br>"
    text = "\n".join(lines)
    assert tag_share(text) < MIN_TAG_SHARE and markup_of(text) is None
    assert load(text.encode()).source.format == "txt"


def test_a_markdown_table_with_line_breaks_in_its_cells_stays_text():
    rows = ["| 信息内容 | 本年<br>制发件数 | 本年<br>废止件数 | 现行<br>有效件数 |", "| --- | --- | --- | --- |"]
    rows += [f"| 规<br>章{n} | {n} | 0 | {n} |" for n in range(20)]
    assert markup_of("二、主动公开政府信息情况\n" + "\n".join(rows)) is None


def test_the_rule_on_both_sides_of_the_line():
    cells = "".join(f"<td>{n}</td>" for n in range(12))
    assert is_markup(f"<table><tr>{cells}</tr></table>")  # a table fragment: nearly all tags
    sentence = "我单位全年主动公开政府信息{n}条，依申请公开{n}件，均按时答复，无行政复议和行政诉讼。"
    paragraphs = "\n".join(f"<p>第{n}段：{sentence.format(n=n) * 2}</p>" for n in range(12))
    assert tag_share(paragraphs) < MIN_TAG_SHARE and is_markup(paragraphs)  # every line opens with a tag
    prose = "\n".join(f"第{n}段：我单位全年主动公开政府信息{n}条，依申请公开{n}件，均按时答复。" for n in range(40))
    assert not is_markup(prose + "\n<p>附件</p><br><br>")
    assert not is_markup("<关于印发政府信息公开工作年度报告格式的通知>" * 20)  # not an HTML tag
    assert is_markup("<!DOCTYPE html><title>年度报告</title>")  # declared


def test_entity_escaped_text_without_markup_is_left_alone():
    text = "收费标准：&lt;100 元&gt; 的事项" + "。" * 50
    assert markup_of(text) is None
    escaped = htmlmod.escape("<table>" + "<tr><td>规章</td><td>0</td></tr>" * 5 + "</table>")
    assert markup_of(escaped).startswith("<table><tr><td>规章")


def _html_tables(text: str) -> str:
    """Every run of tab-separated lines of ``text`` written as an HTML table, the rest left as it is."""
    out, inside = [], False
    for line in text.split("\n"):
        if "\t" in line and not inside:
            out.append("<table>")
        elif "\t" not in line and inside:
            out.append("</table>")
        inside = "\t" in line
        out.append("<tr>" + "".join(f"<td>{htmlmod.escape(c)}</td>" for c in line.split("\t")) + "</tr>"
                   if inside else line)
    return "\n".join(out + (["</table>"] if inside else []))


def _lines(text: str) -> list[str]:
    return [re.sub(r" *\t *", "\t", ln) for ln in text.splitlines() if ln.strip()]


@pytest.mark.parametrize("path", [p for p in SAMPLES if "\t" in p.read_text(encoding="utf-8")],
                         ids=lambda p: p.parent.name)
def test_text_with_html_tables_keeps_its_lines(path):
    """Markdown or text with HTML tables in it: the tables are read as tables, the other lines stay lines."""
    text = path.read_text(encoding="utf-8")
    mixed = _html_tables(text)
    doc = load(mixed.encode())
    assert doc.source.format == "html"
    assert _lines(doc.text) == _lines(load(text).text)
