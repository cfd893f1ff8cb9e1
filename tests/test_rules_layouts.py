"""The rules reader on one report rendered in every layout real reports come in.

Known values (random but adding up) are rendered as tab-separated rows, pipe tables, one
cell per line, HTML and Word tables (through the loaders), and PDF layout text with wrapped
labels, a vertical group label and values above their labels. Every cell must come back
exactly, ``ok``, with a span on its own text — and the narrative's numbers never.
"""
from __future__ import annotations

import pytest
import rules_render as render

from extractor import extract_document
from extractor.load import load_bytes, load_text
from extractor.settings import Settings

RULES = Settings(backend="rules")
LAYOUTS = ("tabbed", "piped", "one_per_line", "html", "docx", "pdf_layout")


def _read(source):
    doc = load_bytes(source) if isinstance(source, bytes) else load_text(source)
    return doc, extract_document(doc, RULES)


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("seed", [0, 1])
def test_every_cell_in_every_layout(template, layout, seed):
    values = render.random_values(template, seed)
    doc, result = _read(getattr(render, layout)(values, template))
    assert result.meta.template == template
    wrong = {cid: (want, result.cells[cid].value) for cid, want in values.items() if result.cells[cid].value != want}
    assert not wrong
    assert all(result.cells[cid].status == "ok" for cid in values)
    assert min(c.confidence for c in result.cells.values()) >= 0.9
    for cid, cell in result.cells.items():
        assert doc.text[cell.span[0]:cell.span[1]] == cell.raw, cid
        assert cell.reader == "rules"


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("seed", range(4))
def test_values_centred_above_their_labels(template, seed):
    """PDF cells centred vertically: some values sit on the line above their label."""
    values = render.random_values(template, seed)
    _, result = _read(render.pdf_centred(values, template, seed))
    p3 = {cid: v for cid, v in values.items() if cid.startswith("p3.")}
    assert {cid: result.cells[cid].value for cid in p3} == p3


def test_narrative_numbers_are_not_values():
    values = render.random_values("2019", 0)
    text = render.tabbed(values, "2019").replace("一、总体情况", "一、总体情况\n规章 5 件\n行政许可\t7\t7\t7")
    _, result = _read(text)
    assert result.cells["p2.regulations.made"].value == values["p2.regulations.made"]
    assert result.cells["p2.licensing.decisions"].value == values["p2.licensing.decisions"]
