"""Scans: image-only PDFs and image files, read by offline OCR (:mod:`extractor.ocr`).

``auto`` reads a PDF's text layer and falls back to OCR when it has none; ``always`` OCRs
every page; ``never`` refuses scans with a message saying how to read them.
"""
from __future__ import annotations

from typing import Literal

from extractor.errors import ConfigError, NoTextLayer

OcrMode = Literal["auto", "always", "never"]
IMAGE_SUFFIXES = {".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image"}


def sniff_image(data: bytes) -> bool:
    return data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*"))


def read(data: bytes, fmt: str, label: str, mode: OcrMode, jobs: int | None = None):
    """An :class:`extractor.ocr.OcrText` for a scan, or an error saying why not."""
    if mode == "never":
        what = "PDF has no text layer (scanned?)" if fmt == "pdf" else "an image needs OCR"
        raise NoTextLayer(f"{label}: {what}; run with --ocr auto to read it with OCR")
    from extractor import ocr
    if not ocr.available():
        raise ConfigError(f"{label}: scanned document; "
                          "OCR needs the optional extra: pip install 'nianbao[ocr]'")
    read = ocr.ocr_pdf(data, label, jobs) if fmt == "pdf" else ocr.ocr_images(data, label, jobs)
    if not read.text.strip():
        what = "PDF has no text layer" if fmt == "pdf" else "image"
        raise NoTextLayer(f"{label}: {what} and OCR found no text in it")
    return read
