"""One page image → recognised word boxes (in the page's own pixel coordinates)."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from extractor.ocr import detect, engine

_EM_RANGE = (16.0, 32.0)  # character heights the recogniser reads well and fast; others are rescaled


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    conf: float
    box: detect.Box  # in the deskewed, rescaled page


@dataclass(frozen=True, slots=True)
class PageRead:
    index: int
    words: list[Word]
    em: float  # character height in the same coordinates as the boxes
    angle: float  # degrees the page was turned to deskew it
    scale: float  # the boxes' pixels per pixel of the original image
    size: tuple[int, int]  # (width, height) of the original image


def read_page(gray: np.ndarray, index: int = 0) -> PageRead:
    size = (gray.shape[1], gray.shape[0])
    scale = 1.0
    clean, boxes, em, angle = detect.find(gray)
    if not _EM_RANGE[0] <= em <= _EM_RANGE[1] and boxes:
        scale = 22.0 / em
        gray = cv2.resize(gray, None, fx=scale, fy=scale,
                          interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
        clean, boxes, em, angle = detect.find(gray)
    texts = engine.recognise([engine.crop(clean, b, em) for b in boxes])
    words = [Word(t.strip(), c, b) for b, (t, c) in zip(boxes, texts) if t.strip()]
    return PageRead(index, words, em, angle, scale, size)
