"""The same report as .txt, .html and .docx must load to the same rows and extract the same cells."""
import html

import pytest
from docx import Document as NewDocx

from extractor import extract
from extractor.load import load
from tests.conftest import fixture_file

SAMPLES = ["003_589bf4f08d70f012", "004_a0c7fabfdf456585"]


def _blocks(text):
    """Group lines into paragraphs and tables (runs of tab-separated lines)."""
    blocks, table = [], []
    for line in text.splitlines():
        if "\t" in line:
            table.append(line.split("\t"))
            continue
        if table:
            blocks.append(("table", table))
            table = []
        if line.strip():
            blocks.append(("p", line))
    if table:
        blocks.append(("table", table))
    return blocks


def to_html(text):
    out = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>年报</title></head><body>",
           "<div class='nav'>首页 &gt; 政府信息公开 &gt; 年报</div>"]
    for kind, block in _blocks(text):
        if kind == "p":
            out.append(f"<p>{html.escape(block)}</p>")
        else:
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in block)
            out.append(f"<table border='1'>{rows}</table>")
    out.append("<div class='footer'>版权所有 ICP备00000000号</div></body></html>")
    return "\n".join(out)


def to_docx(text, path):
    doc = NewDocx()
    for kind, block in _blocks(text):
        if kind == "p":
            doc.add_paragraph(block)
            continue
        width = max(len(r) for r in block)
        table = doc.add_table(rows=len(block), cols=width)
        for i, row in enumerate(block):
            for j, cell in enumerate(row):
                table.cell(i, j).text = cell
    doc.save(path)


def _rows(text):
    return [ln.rstrip("\t").split("\t") for ln in text.splitlines() if "\t" in ln]


@pytest.mark.parametrize("name", SAMPLES)
def test_html_and_docx_made_from_a_sample(tmp_path, name):
    txt = load(fixture_file(name)).text
    (tmp_path / "r.html").write_text(to_html(txt), encoding="utf-8")
    to_docx(txt, tmp_path / "r.docx")
    want = [[c.strip() for c in row] for row in _rows(txt)]
    for fmt in ("html", "docx"):
        got = load(tmp_path / f"r.{fmt}").text
        assert "首页" not in got and "版权所有" not in got
        assert [[c.strip() for c in row] for row in _rows(got)] == [r for r in want if any(c.strip() for c in r)], fmt
        a = extract(fixture_file(name)).values()
        b = extract(tmp_path / f"r.{fmt}").values()
        assert a == b, fmt
