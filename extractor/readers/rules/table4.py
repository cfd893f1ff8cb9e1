"""表四 (行政复议、行政诉讼): one row of 15 values, found by its shape."""
from __future__ import annotations

from extractor.readers.rules.align import Match
from extractor.readers.rules.tokens import Line, Run

WIDTH = 15
_MIN_VALUES = 10  # fewer values than this in part 四 are not its data row


def pick(lines: list[Line]) -> Run | None:
    """The data row of part 四: the first run of 15 slots, else the longest plausible one."""
    runs = [ln.run for ln in lines if ln.run is not None]
    exact = [r for r in runs if r.width(WIDTH) == WIDTH]
    if exact:
        return exact[0]
    near = [r for r in runs if _MIN_VALUES <= len(r.slots) < WIDTH]
    return max(near, key=lambda r: len(r.slots)) if near else None


def by_shape(leftover: list[Run]) -> Run | None:
    """A 15-value row left over in 表三's region: 表四 under the wrong heading (sample 004)."""
    return next((r for r in leftover if len(r.slots) == WIDTH), None)


def as_match(run: Run, distance: int) -> Match:
    return Match(run, 10.0, distance)
