"""PDFs with a text layer: rows kept on lines from word positions (pdfplumber layout mode).

Page numbers (「- 4 -」, 「第 4 页」) and running headers/footers repeated on most pages are
removed. A PDF whose pages carry no text is a scan: :class:`NoTextLayer`.
"""
from __future__ import annotations

import io
import logging
import re
from collections import Counter

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError

from extractor.errors import NoTextLayer, UnreadableDocument

_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–_]\s*\d{1,4}\s*[-—–_]|\d{1,4}|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$")

logging.getLogger("pdfminer").setLevel(logging.ERROR)


def load(data: bytes, label: str) -> str:
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [(page.extract_text(layout=True) or "") for page in pdf.pages]
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as e:
        raise UnreadableDocument(f"{label}: not a readable PDF") from e
    except Exception as e:  # pdfminer raises many private types on broken files
        raise UnreadableDocument(f"{label}: not a readable PDF ({type(e).__name__})") from e
    if not any(p.strip() for p in pages):
        raise NoTextLayer(f"{label}: PDF has no text layer (scanned?); run OCR first")
    return "\n".join(_clean(pages))


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
