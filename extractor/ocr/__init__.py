"""Offline OCR for scanned reports: page images → layout text the rules reader reads.

``ocr_pdf(data, label)`` and ``ocr_images(data, label)`` return an :class:`OcrText`: the text
(already normalised, so spans into the document's text are spans into it) and, for each
recognised word, its span, page, box and confidence. Nothing is downloaded: the recogniser's
model ships in the ``rapidocr-onnxruntime`` wheel (the ``ocr`` extra); without the extra a
:class:`~extractor.errors.ConfigError` says how to install it.

Flow, one module per step: ``raster`` (pages as grey images) → ``detect`` (deskew, ruling
lines out, word boxes) → ``engine`` (recognise each word) → ``layout`` (rows, columns, digit
look-alikes, the map back) — pages spread over processes by ``pool``.
"""
from __future__ import annotations

from dataclasses import dataclass

from extractor.ocr.placed import Placed, words_in

__all__ = ["OcrText", "Placed", "ocr_pdf", "ocr_images", "words_in", "available"]

@dataclass(frozen=True, slots=True)
class OcrText:
    text: str
    words: tuple[Placed, ...]  # in text order
    pages: int

    def words_in(self, span: tuple[int, int]) -> list[Placed]:
        return words_in(self.words, span)


def available() -> bool:
    try:
        import pypdfium2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def ocr_pdf(data: bytes, label: str, jobs: int | None = None) -> OcrText:
    from extractor.ocr import pool, raster
    count = raster.pdf_page_count(data, label)
    return _finish(pool.read_pdf(data, count, label, jobs), count)


def ocr_images(data: bytes, label: str, jobs: int | None = None) -> OcrText:
    from extractor.ocr import pool, raster
    images = raster.image_pages(data, label)
    return _finish(pool.read_images(images, label, jobs), len(images))


def _finish(pages, count: int) -> OcrText:
    from extractor.ocr.layout import render
    text, words = render(pages)
    return OcrText(text, tuple(words), count)
