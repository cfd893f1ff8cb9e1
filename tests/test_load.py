import pytest
from docx import Document as NewDocx

from extractor.errors import EmptyDocument, InputError, NotAReport, NoTextLayer, UnreadableDocument, UnsupportedFormat
from extractor.load import load, load_text
from extractor.normalize import normalize
from tests.conftest import PDFS, SAMPLES, blank_pdf, fixture_file


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.parent.name)
def test_normalisation_is_idempotent(path):
    text = load(path).text
    assert normalize(text) == text
    assert load(text.encode("utf-8")).text == text


def test_normalisation_maps_variants():
    assert normalize("本年増/減　（一）１２") == "本年增/减 (一)12\n"


def test_gbk_text_is_decoded(tmp_path, sample_text):
    path = tmp_path / "gbk.txt"
    data = sample_text.encode("gbk", errors="ignore")  # the page has a U+2002 space GBK lacks
    path.write_bytes(data)
    assert load(path).text == load_text(data.decode("gbk")).text
    assert "鹿窝镇人民政府" in load(path).text


def test_html_tables_keep_rows_and_cells(tmp_path):
    html = """<html><head><title>t</title><script>var x=1;</script></head><body>
    <div class="nav">首页 | 机构</div>
    <h2>三、收到和处理政府信息公开申请情况</h2>
    <table><tr><td rowspan="2">一、本年新收政府信息公开申请数量</td><td>3</td><td>0</td><td>0</td>
    <td>0</td><td>0</td><td>0</td><td>3</td></tr></table>
    <p>我镇<b>主动公开</b>信息 36 条。</p><div class="footer">版权所有</div></body></html>"""
    path = tmp_path / "r.html"
    path.write_text(html, encoding="utf-8")
    text = load(path).text
    assert "一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3" in text
    assert "我镇主动公开信息 36 条。" in text
    assert "var x" not in text and "首页" not in text and "版权所有" not in text


def test_docx_paragraphs_and_tables(tmp_path):
    doc = NewDocx()
    doc.add_paragraph("某镇2021年政府信息公开工作年度报告")
    doc.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    table = doc.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "行政复议"
    table.cell(0, 2).text = "行政诉讼"
    for i, v in enumerate(["1", "0", "1"]):
        table.cell(1, i).text = v
    path = tmp_path / "r.docx"
    doc.save(path)
    lines = load(path).text.splitlines()
    assert lines[-2:] == ["行政复议\t行政诉讼", "1\t0\t1"]


def test_real_docx_template_tables():
    text = load(fixture_file("template_docx")).text
    assert "本年制发件数" in text and "(七)总计" in text


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_pdf_rows_stay_on_lines_and_page_numbers_go(path):
    text = load(path).text
    assert any("结转下年度继续办理" in ln and sum(t.isdigit() for t in ln.split()) >= 7 for ln in text.splitlines())
    assert "- 4 -" not in text and "-4-" not in text


def test_szfgs_table4_in_order():
    text = load(fixture_file("szfgs2024")).text
    row = next(ln for ln in text.splitlines() if ln.split()[:3] == ["72", "64", "178"])
    assert row.split() == "72 64 178 37 351 13 4 8 1 26 12 1 1 6 20".split()


@pytest.mark.parametrize(("name", "data", "error"), [
    ("empty.txt", b"", EmptyDocument),
    ("blank.txt", b" \n\t\n", EmptyDocument),
    ("binary.txt", bytes(range(256)) * 8, UnreadableDocument),
    ("scan.pdf", blank_pdf(), NoTextLayer),
    ("broken.pdf", b"%PDF-1.4 garbage", UnreadableDocument),
    ("broken.docx", b"PK\x03\x04 not really a zip", UnreadableDocument),
    ("sheet.xlsx", b"PK\x03\x04", UnsupportedFormat),
    ("novel.txt", "从前有座山，山里有座庙。".encode(), NotAReport),
])
def test_bad_inputs_raise_input_errors(tmp_path, name, data, error):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(error) as info:
        load(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_html_data_table_inside_a_layout_table(tmp_path):
    """Government pages often wrap the whole page in a layout table."""
    html = """<html><body><table><tr><td class="left">栏目</td><td>
    <p>四、政府信息公开行政复议、行政诉讼情况</p>
    <table><tr><td>行政复议</td><td>行政诉讼</td></tr>
    <tr><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td></tr></table>
    <p>五、存在的主要问题及改进情况</p></td></tr></table></body></html>"""
    path = tmp_path / "layout.html"
    path.write_text(html, encoding="utf-8")
    lines = load(path).text.splitlines()
    assert "行政复议\t行政诉讼" in lines and "1\t0\t0\t0\t1" in lines
    assert "四、政府信息公开行政复议、行政诉讼情况" in lines


def test_a_long_one_line_string_is_a_path_never_an_oserror():
    from extractor import extract
    with pytest.raises(InputError, match="no such file"):
        extract("某镇人民政府政府信息公开工作年度报告" * 40)  # 2,000 bytes: too long for a file name
    with pytest.raises(InputError, match="no such file"):
        load("no-such-report.pdf")


def test_text_bytes_and_path_entry_points_agree(tmp_path, sample_text):
    from extractor import extract, extract_bytes, extract_text
    path = tmp_path / "r.txt"
    path.write_text(sample_text, encoding="utf-8")
    one_line = sample_text.replace("\n", " ")  # a text need not have a line break
    assert extract_text(one_line).model_dump(exclude={"source"}) == extract_bytes(one_line.encode()).model_dump(
        exclude={"source"})
    by_path, by_text = extract(path), extract_text(sample_text)
    assert by_path.values() == by_text.values() and by_path.source.path == str(path)
    assert by_text.source.path is None and by_text.source.format == "txt"


def test_loaders_are_imported_only_for_their_format():
    import subprocess
    import sys
    code = ("import sys; from extractor.load import load_text; "
            "load_text('某镇政府信息公开工作年度报告\\n一、总体情况\\n'); "
            "print(sorted(m for m in ('pdfplumber', 'pypdfium2', 'docx', 'lxml', 'pyarrow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
