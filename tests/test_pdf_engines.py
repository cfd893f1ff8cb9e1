"""PDF engines on a synthetic PDF set with exact truth, in five table styles (evals.synth.pdfrender)."""
import pytest

from evals.synth.pdfrender import STYLES, embedded_font, pdf_docs
from extractor.api import extract_bytes
from extractor.load import pdf as pdfload
from extractor.settings import Settings

RULES = Settings(backend="rules")


def _right(doc, result) -> tuple[int, int]:
    right = sum(result.cells[c].value == v for c, v in doc.cells.items() if v is not None)
    wrong = sum(result.cells[c].value not in (None, v) for c, v in doc.cells.items())
    return right, wrong


@pytest.mark.skipif(embedded_font() is None, reason="no CJK TrueType font (apt-get install fonts-wqy-zenhei)")
@pytest.mark.parametrize("style", STYLES)
def test_default_engine_reads_every_cell_of_each_style(style):
    doc, data = next(pdf_docs(1, seed=7, style=style, font="embedded"))
    right, wrong = _right(doc, extract_bytes(data, RULES))
    assert (right, wrong) == (sum(v is not None for v in doc.cells.values()), 0)


def test_a_font_the_pdf_does_not_embed_goes_to_pdfplumber(monkeypatch):
    doc, data = next(pdf_docs(1, seed=3, style="wrapped", font="cid"))  # STSong-Light: not embedded
    calls = []
    real = pdfload.pdfplumber_pages
    monkeypatch.setattr(pdfload, "pdfplumber_pages", lambda d, label: calls.append(label) or real(d, label))
    right, wrong = _right(doc, extract_bytes(data, RULES))
    assert calls and wrong == 0 and right == sum(v is not None for v in doc.cells.values())


@pytest.mark.skipif(embedded_font() is None, reason="no CJK TrueType font")
def test_pdfium_layout_matches_pdfplumber_row_by_row():
    _, data = next(pdf_docs(1, seed=11, style="vertical", font="embedded"))
    rows = {e: [ln.split() for ln in pdfload.load(data, "x", e).splitlines() if any(ch.isdigit() for ch in ln)]
            for e in ("pdfium", "pdfplumber")}
    assert rows["pdfium"] == rows["pdfplumber"]
