"""Text boxes on a page image, without a model: deskew, remove ruling lines, group ink into words.

Printed tables are ruled and their cells often hold a lone digit; a learned detector at a
size that is fast on one core tends to drop those (a lone 「0」 scores below its box
threshold). Ink is never dropped here: every connected mark that is not a ruling line ends in
some box. Steps: binarise (adaptive, so uneven scans work) → find the skew from the
horizontal projection → rotate → take ruling lines out (long thin runs) → join marks of one
word horizontally, never across a ruling line → join the strokes of one character
vertically (二, 三) when the union stays one character high.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True, slots=True)
class Box:
    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def h(self) -> int:
        return self.y1 - self.y0

    @property
    def w(self) -> int:
        return self.x1 - self.x0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def binarise(gray: np.ndarray) -> np.ndarray:
    """Ink = 255. Adaptive mean threshold: tolerant of shading; C keeps paper grain out."""
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def skew_angle(ink: np.ndarray, limit: float = 3.0, step: float = 0.1) -> float:
    """Degrees to rotate by so text rows are horizontal (sharpest horizontal projection)."""
    small = cv2.resize(ink, (ink.shape[1] // 4, ink.shape[0] // 4), interpolation=cv2.INTER_AREA)
    h, w = small.shape
    centre = (w / 2, h / 2)
    best, best_score = 0.0, -1.0
    for angle in np.arange(-limit, limit + step / 2, step):
        m = cv2.getRotationMatrix2D(centre, float(angle), 1.0)
        rows = cv2.warpAffine(small, m, (w, h)).sum(axis=1, dtype=np.float64)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score:
            best, best_score = round(float(angle), 2), score
    return best


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def ruling_lines(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(horizontal, vertical) masks of long thin strokes: table rules, underlines, frames."""
    h, w = ink.shape
    length = max(40, min(h, w) // 25)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    grow = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
    return cv2.dilate(horizontal, grow), cv2.dilate(vertical, grow)


def char_height(stats: np.ndarray, page_h: int) -> float:
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    heights = heights[(heights >= 6) & (heights < page_h * 0.05)]
    return float(np.percentile(heights, 75)) if len(heights) else 20.0


def boxes(ink: np.ndarray, vertical: np.ndarray) -> tuple[list[Box], float]:
    """Word boxes from ink with the ruling lines already removed; also the character height."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    em = char_height(stats, ink.shape[0])
    gap = max(3, int(round(0.7 * em)))
    lift = max(1, int(round(0.3 * em)))  # joins 一 to its 、 and the strokes of 二, never two lines
    joined = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, lift)))
    joined[vertical > 0] = 0  # never across a column rule
    n, _, st, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    half, up = gap // 2, lift // 2
    found = []
    for i in range(1, n):
        x, y, w, h, area = st[i]
        if w <= gap + 2 and h <= lift + 2:
            continue  # specks
        x0, y0 = int(x + half), int(y + up)
        found.append(Box(x0, y0, max(x0 + 1, int(x + w - half)), max(y0 + 1, int(y + h - up))))
    return [b for b in _stack(found, em) if _texty(b, em)], em


def _texty(b: Box, em: float) -> bool:
    """Not a speck of dust (it could be read as a digit) and not a seal, photo or scan border."""
    return (b.w >= 0.3 * em or b.h >= 0.3 * em) and b.h <= 4 * em


def _stack(found: list[Box], em: float) -> list[Box]:
    """Join boxes stacked within one character's height (the strokes of 二 三 and 〇's parts)."""
    found = sorted(found, key=lambda b: (b.y0, b.x0))
    changed = True
    while changed:
        changed = False
        out: list[Box] = []
        for b in found:
            for j, a in enumerate(out):
                overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
                union_h = max(a.y1, b.y1) - min(a.y0, b.y0)
                stroke = any(p.h <= 0.5 * em and p.w >= 2 * p.h for p in (a, b))  # 一-like, not a word
                glyph = union_h <= 1.25 * em or (stroke and union_h <= 2.5 * em)  # or a heading's 三
                if overlap >= 0.5 * min(a.w, b.w) and glyph and b.y0 - a.y1 < 0.6 * max(em, union_h / 2):
                    out[j] = Box(min(a.x0, b.x0), min(a.y0, b.y0), max(a.x1, b.x1), max(a.y1, b.y1))
                    changed = True
                    break
            else:
                out.append(b)
        found = out
    return found


def find(gray: np.ndarray) -> tuple[np.ndarray, list[Box], float, float]:
    """The deskewed page with ruling lines whitened, its word boxes, the character height and
    the angle the page was turned by."""
    ink = binarise(gray)
    angle = skew_angle(ink)
    if angle:
        gray = rotate(gray, angle)
        ink = binarise(gray)
    horizontal, vertical = ruling_lines(ink)
    lines = cv2.bitwise_or(horizontal, vertical)
    ink = cv2.bitwise_and(ink, cv2.bitwise_not(lines))
    clean = gray.copy()
    clean[lines > 0] = 255
    found, em = boxes(ink, vertical)
    return clean, found, em, angle
