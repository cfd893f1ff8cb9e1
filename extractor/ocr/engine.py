"""Text recognition of word crops with the PP-OCRv4 model that ships in ``rapidocr-onnxruntime``.

Only the recogniser is used (boxes come from :mod:`extractor.ocr.detect`), on one thread, and
each batch is padded to its own widest crop (at least 4:1), where the packaged recogniser pads
every crop to 320 px whatever its width.
"""
from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

from extractor.errors import ConfigError

INSTALL = "OCR needs the optional extra: pip install 'nianbao[ocr]' (rapidocr-onnxruntime, pypdfium2)"
_HEIGHT = 48
_BATCH = 8
_MIN_RATIO = 3.0  # narrower crops read lone digits less surely (lower confidence, same text)
_LINE = 6.0  # a box wider than this many characters is a line of text, not a number:
_SQUEEZE = 0.65  # read squeezed by this (about half the work; 99.8% the same characters on a real page)


@lru_cache(maxsize=1)
def recogniser():
    """The packaged recogniser, loaded once per process from the wheel's own model file."""
    try:
        from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
        from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
        from rapidocr_onnxruntime.utils import read_yaml, update_model_path
    except ImportError as e:
        raise ConfigError(INSTALL) from e
    config = update_model_path(read_yaml(DEFAULT_CFG_PATH))["Rec"]
    config.update(intra_op_num_threads=1, inter_op_num_threads=1)
    return TextRecognizer(config)


def _norm(crop: np.ndarray, width: int) -> np.ndarray:
    h, w = crop.shape[:2]
    resized_w = min(width, max(1, int(math.ceil(_HEIGHT * w / h))))
    img = cv2.resize(crop, (resized_w, _HEIGHT)).astype(np.float32)
    img = (img / 255.0 - 0.5) / 0.5
    out = np.zeros((3, _HEIGHT, width), dtype=np.float32)
    out[:, :, :resized_w] = img[np.newaxis, :, :]
    return out


def recognise(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """(text, confidence 0–1) for each grey crop, in order."""
    if not crops:
        return []
    rec = recogniser()
    ratios = [c.shape[1] / max(1, c.shape[0]) for c in crops]
    order = np.argsort(ratios)
    out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
    for start in range(0, len(crops), _BATCH):
        idx = order[start:start + _BATCH]
        width = int(math.ceil(_HEIGHT * max(_MIN_RATIO, max(ratios[i] for i in idx)) / 8) * 8)
        batch = np.stack([_norm(crops[i], width) for i in idx])
        preds = rec.session(batch)[0]
        for i, (text, score) in zip(idx, rec.postprocess_op(preds)):
            out[i] = (text, float(score))
    return out


def crop(page: np.ndarray, box, em: float) -> np.ndarray:
    """The box with a margin, at least one character high (a lone 一 or 、 is only a few px);
    a line of text squeezed sideways: the recogniser reads it as well with less work."""
    pad = max(2, int(round(0.15 * em)))
    half = max(box.h, 0.75 * em) / 2 + pad
    cy = box.cy
    y0, y1 = max(0, int(cy - half)), min(page.shape[0], int(math.ceil(cy + half)))
    x0, x1 = max(0, box.x0 - pad), min(page.shape[1], box.x1 + pad)
    out = page[y0:y1, x0:x1]
    if box.w > _LINE * em and out.size:
        out = cv2.resize(out, (max(1, int(out.shape[1] * _SQUEEZE)), out.shape[0]), interpolation=cv2.INTER_AREA)
    return out
