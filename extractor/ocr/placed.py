"""Where a recognised word is: its span in the document's text, its page and box, its confidence."""
from __future__ import annotations

import bisect
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Placed:
    start: int
    end: int
    page: int  # 0-based page (or image frame)
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels of the page as rendered (raster.DPI) or of the image
    conf: float  # the recogniser's confidence, lowered where digit look-alikes were mapped


def words_in(words: tuple[Placed, ...], span: tuple[int, int]) -> list[Placed]:
    """The recognised words a span of the text overlaps, in text order."""
    start, end = span
    i = bisect.bisect_right([w.end for w in words], start)
    out = []
    while i < len(words) and words[i].start < end:
        out.append(words[i])
        i += 1
    return out
