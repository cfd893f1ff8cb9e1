"""表四 (行政复议、行政诉讼): one row of 15 values, found by its shape rather than a label."""
from __future__ import annotations

from dataclasses import dataclass

from extractor.readers.rules.align import Match
from extractor.readers.rules.tokens import Line, Run

WIDTH = 15
_MIN_VALUES = 10  # fewer values than this in part 四 are not its data row
_SPLIT_GAP = 2  # lines between the pieces of a row that PDF layout split over lines
SPLIT_CONFIDENCE = 0.7


@dataclass(slots=True)
class Pick:
    run: Run
    split: bool = False  # put together from pieces on neighbouring lines


def pick(lines: list[Line]) -> Pick | None:
    """The data row of part 四: the first run of 15 cells, else pieces on neighbouring lines
    that make 15 together (ordered by column), else the longest run of at least 10 values."""
    runs = [ln.run for ln in lines if ln.run is not None]
    exact = next((r for r in runs if r.width(WIDTH) == WIDTH), None)
    if exact is not None:
        return Pick(exact)
    joined = _joined(lines, [r for r in runs if not r.labelled])
    if joined is not None:
        return Pick(joined, split=True)
    near = [r for r in runs if _MIN_VALUES <= len(r.slots) < WIDTH]
    return Pick(max(near, key=lambda r: len(r.slots))) if near else None


def by_shape(leftover: list[Run]) -> Run | None:
    """A 15-value row left over in 表三's region: 表四 under the wrong heading (sample 004)."""
    return next((r for r in leftover if len(r.slots) == WIDTH), None)


def as_match(run: Run, distance: int) -> Match:
    return Match(run, 10.0, distance)


def _joined(lines: list[Line], runs: list[Run]) -> Run | None:
    starts = {ln.idx: ln.start for ln in lines}
    for i in range(len(runs)):
        total, k = 0, i
        while k < len(runs) and total < WIDTH:
            if k > i and runs[k].line - runs[k - 1].last > _SPLIT_GAP:
                break
            total += len(runs[k].slots)
            k += 1
        if total == WIDTH and k - i > 1:
            pieces = runs[i:k]
            slots = sorted((t for r in pieces for t in r.slots), key=lambda t: t.start - _line_start(starts, t.start))
            return Run(pieces[0].line, pieces[-1].last, slots)
    return None


def _line_start(starts: dict[int, int], offset: int) -> int:
    return max(s for s in starts.values() if s <= offset)
