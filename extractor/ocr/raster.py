"""Page images: PDF pages rendered with pypdfium2, image files (multi-page TIFF too) with Pillow."""
from __future__ import annotations

import io

import numpy as np

from extractor.errors import ConfigError, UnreadableDocument
from extractor.ocr.engine import INSTALL

DPI = 200  # body text about 19 px high: enough for lone digits, small enough for speed


def _pdfium():
    try:
        import pypdfium2
    except ImportError as e:
        raise ConfigError(INSTALL) from e
    return pypdfium2


def pdf_page_count(data: bytes, label: str) -> int:
    pdfium = _pdfium()
    try:
        return len(pdfium.PdfDocument(data))
    except pdfium.PdfiumError as e:
        raise UnreadableDocument(f"{label}: not a readable PDF") from e


def pdf_page(data: bytes, index: int, dpi: int = DPI) -> np.ndarray:
    """One page as a grey image at ``dpi``."""
    doc = _pdfium().PdfDocument(data)
    try:
        bitmap = doc[index].render(scale=dpi / 72, grayscale=True)
        return np.array(bitmap.to_pil().convert("L"))
    finally:
        doc.close()


def image_pages(data: bytes, label: str) -> list[np.ndarray]:
    """Every frame of an image file, grey."""
    from PIL import Image, ImageSequence, UnidentifiedImageError
    try:
        image = Image.open(io.BytesIO(data))
        return [np.array(frame.convert("L")) for frame in ImageSequence.Iterator(image)]
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise UnreadableDocument(f"{label}: not a readable image") from e
