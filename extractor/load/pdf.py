"""PDFs with a text layer: rows kept on lines.

Engines (:data:`ENGINES`) give each page's text:

- ``pdfium`` (the default): PDFium's characters and boxes (pypdfium2) placed on lines and
  columns by pdfplumber's layout algorithm — the same rows as ``pdfplumber``, about ten times
  faster. A PDF PDFium cannot open, or one with Chinese in a font it does not embed, is read
  by ``pdfplumber`` instead.
- ``pdfplumber``: pdfminer's characters, the same layout algorithm.
- ``pdfium-text``: PDFium's own text order; the fastest, but a label wrapped over lines or
  written one character per line lands among its neighbours' rows (cells lost). For
  measurements only (``make bench``, docs/speed.md).

Page numbers (「- 4 -」, 「第 4 页」) and running headers/footers repeated on most pages are
removed. A PDF whose pages carry no text is a scan: :class:`NoTextLayer`.
"""
from __future__ import annotations

import ctypes
import io
import logging
import re
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager

from extractor.errors import NoTextLayer, UnreadableDocument

_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–_]\s*\d{1,4}\s*[-—–_]|\d{1,4}|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$")


def load(data: bytes, label: str, engine: str = "pdfium") -> str:
    pages = ENGINES[engine](data, label)
    if not any(p.strip() for p in pages):
        raise NoTextLayer(f"{label}: PDF has no text layer (scanned?); run OCR first")
    return "\n".join(_clean(pages))


def pdfium_pages(data: bytes, label: str) -> list[str]:
    """Each page laid out from PDFium's character boxes by pdfplumber's layout algorithm:
    the text of the ``pdfplumber`` engine without pdfminer's slow parsing.

    A PDF that draws Chinese in a font it does not embed (a predefined CMap such as
    UniGB-UCS2-H, as iText's STSong-Light) goes to pdfplumber: PDFium drops some of those
    characters unless the machine has a CJK font installed (measured: docs/speed.md)."""
    import pypdfium2 as pdfium
    from pdfplumber.utils import extract_text

    try:
        pdfium.PdfDocument(data).close()
    except pdfium.PdfiumError:
        return pdfplumber_pages(data, label)  # unreadable there too: UnreadableDocument
    with _pdfium(data, label) as pdf:
        pages = []
        for page in pdf:
            width, height = page.get_size()
            textpage = page.get_textpage()
            chars = _chars(textpage, height)
            textpage.close()
            page.close()
            if chars is None:
                return pdfplumber_pages(data, label)
            pages.append(extract_text(chars, layout=True, layout_bbox=(0, 0, width, height), layout_width=width,
                                      layout_height=height) if chars else "")
        return pages


def pdfium_text_pages(data: bytes, label: str) -> list[str]:
    """Each page's text in PDFium's own order (fastest; loses cells where labels wrap or run vertically)."""
    with _pdfium(data, label) as pdf:
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
        return pages


@contextmanager
def _pdfium(data: bytes, label: str):
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise UnreadableDocument(f"{label}: not a readable PDF ({e})") from e
    try:
        yield pdf
    except pdfium.PdfiumError as e:
        raise UnreadableDocument(f"{label}: not a readable PDF ({e})") from e
    finally:
        pdf.close()


def _chars(textpage, height: float) -> list[dict] | None:
    """The page's characters as pdfplumber describes them (box from the top of the page);
    None when Chinese text comes in a font the PDF does not embed."""
    import pypdfium2.raw as raw

    box = raw.FS_RECTF()
    chars = []
    last, embedded = None, True
    for i in range(raw.FPDFText_CountChars(textpage)):
        code = raw.FPDFText_GetUnicode(textpage, i)
        if code in (0, 10, 13) or raw.FPDFText_IsGenerated(textpage, i) == 1:
            continue  # line breaks and spaces PDFium inserted itself
        if code >= 0x2E80:  # CJK: is its font in the file?
            obj = raw.FPDFText_GetTextObject(textpage, i)
            if obj and ctypes.addressof(obj.contents) != last:
                last = ctypes.addressof(obj.contents)
                embedded = bool(raw.FPDFFont_GetIsEmbedded(raw.FPDFTextObj_GetFont(obj)))
            if not embedded:
                return None
        raw.FPDFText_GetLooseCharBox(textpage, i, box)
        chars.append({"text": chr(code), "x0": box.left, "x1": box.right, "top": height - box.top,
                      "bottom": height - box.bottom, "doctop": height - box.top, "upright": True})
    return chars


def pdfplumber_pages(data: bytes, label: str) -> list[str]:
    """Each page's text from word positions (pdfplumber's layout mode)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [(page.extract_text(layout=True) or "") for page in pdf.pages]
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as e:
        raise UnreadableDocument(f"{label}: not a readable PDF") from e
    except Exception as e:  # pdfminer raises many private types on broken files
        raise UnreadableDocument(f"{label}: not a readable PDF ({type(e).__name__})") from e


ENGINES: dict[str, Callable[[bytes, str], list[str]]] = {
    "pdfium": pdfium_pages, "pdfplumber": pdfplumber_pages, "pdfium-text": pdfium_text_pages}


def _clean(pages: list[str]) -> list[str]:
    split = [[ln.rstrip() for ln in p.splitlines()] for p in pages]
    edges: Counter[str] = Counter()
    for lines in split:
        content = [ln.strip() for ln in lines if ln.strip()]
        edges.update(set(content[:2] + content[-2:]))
    repeated = {ln for ln, n in edges.items() if len(split) >= 3 and n >= max(3, len(split) * 0.6)}
    out = []
    for lines in split:
        out.append("\n".join(ln for ln in lines if not _PAGE_NUMBER.match(ln) and ln.strip() not in repeated))
    return out
