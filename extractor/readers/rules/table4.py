"""表四 (行政复议、行政诉讼): one row of 15 values, found by its shape rather than a label."""
from __future__ import annotations

from dataclasses import dataclass

from extractor.readers.rules.align import Match
from extractor.readers.rules.tokens import Line, Run

WIDTH = 15
SPLIT_CONFIDENCE = 0.7
_BLOCK = 5
_MIN_VALUES = 10  # fewer values than this in part 四 are not its data row
_MAX_EXTRA = 3  # more than this and it is not one row with stray numbers
_HEADER_SLACK = 2  # how far a value's centre may sit from its header cell's centre
_SPLIT_GAP = 2  # lines between the pieces of one row that PDF layout split over lines
_TABLE_GAP = 8  # lines between 行政复议 and 行政诉讼 printed as two tables


@dataclass(slots=True)
class Pick:
    run: Run
    note: str | None = None  # how the row was put together, when it was
    columns: list[tuple[int, int]] | None = None  # layout text: where the 15 header columns are


def pick(lines: list[Line]) -> Pick | None:
    """The data row of part 四: the first run of 15 cells; else the three blocks as labelled rows of
    5, or pieces that make 15 together; else the longest run of at least 10 values."""
    runs = [ln.run for ln in lines if ln.run is not None]
    exact = next((r for r in runs if r.width(WIDTH) == WIDTH), None)
    if exact is not None:
        return Pick(exact)
    blocks = _labelled_blocks(lines, runs)
    if blocks is not None:
        return Pick(blocks, "表四按「行政复议／直接起诉／复议后起诉」三行读取")
    joined = _joined(lines, [r for r in runs if not r.labelled])
    if joined is not None:
        return Pick(joined, "表四数值分在几处，按位置合并")
    near = [r for r in runs if _MIN_VALUES <= len(r.slots) <= WIDTH + _MAX_EXTRA]
    if not near:
        return None
    best = min(near, key=lambda r: abs(len(r.slots) - WIDTH))
    return Pick(best, columns=_header_columns(lines, best) if best.x0 >= 0 else None)


def by_shape(leftover: list[Run]) -> Run | None:
    """A 15-value row left over in 表三's region: 表四 under the wrong heading (sample 004)."""
    return next((r for r in leftover if len(r.slots) == WIDTH), None)


def as_match(run: Run, distance: int) -> Match:
    return Match(run, 10.0, distance)


def _labelled_blocks(lines: list[Line], runs: list[Run]) -> Run | None:
    """表四 transposed: one labelled row of 5 values per block."""
    found: dict[int, Run] = {}
    for r in runs:
        if not r.labelled or len(r.slots) != _BLOCK:
            continue
        label = "".join(t.label for t in lines[r.line].texts)
        block = 2 if "复议后" in label else 1 if ("直接起诉" in label or "未经复议" in label) else 0 if "复议" in label else None
        if block is not None and block not in found:
            found[block] = r
    if len(found) != 3:
        return None
    return Run(found[0].line, found[2].last, [t for b in range(3) for t in found[b].slots], labelled=True)


def _joined(lines: list[Line], runs: list[Run]) -> Run | None:
    """Pieces of the row: split over neighbouring lines by PDF layout (ordered by column), or
    printed as two tables, 行政复议 (5) then 行政诉讼 (10) (ordered as in the text)."""
    starts = sorted(ln.start for ln in lines)
    for i in range(len(runs)):
        total, k, gap = 0, i, 0
        while k < len(runs) and total < WIDTH:
            if k > i:
                step = runs[k].line - runs[k - 1].last
                if step > _TABLE_GAP:
                    break
                gap = max(gap, step)
            total += len(runs[k].slots)
            k += 1
        pieces = runs[i:k]
        if total != WIDTH or len(pieces) < 2:
            continue
        if gap <= _SPLIT_GAP:
            slots = sorted((t for r in pieces for t in r.slots), key=lambda t: t.start - _line_start(starts, t.start))
            return Run(pieces[0].line, pieces[-1].last, slots)
        if [len(r.slots) for r in pieces] in ([5, 10], [5, 5, 5]):
            return Run(pieces[0].line, pieces[-1].last, [t for r in pieces for t in r.slots])
    return None


def _header_columns(lines: list[Line], run: Run) -> list[tuple[int, int]] | None:
    """Layout text whose header has one line of 15 leaf cells (「结 结 其 尚 总 …」, one character
    each when the header is printed vertically): the span of each column, from the cell centres."""
    for line in reversed(lines[:run.line]):
        if len(line.texts) == WIDTH and line.run is None:
            mids = [(t.start + t.end) // 2 - line.start for t in line.texts]
            gaps = [b - a for a, b in zip(mids, mids[1:])]
            if min(gaps) < 2 * _HEADER_SLACK + 1:
                return None
            return [(m - _HEADER_SLACK, m + _HEADER_SLACK) for m in mids]
    return None


def _line_start(starts: list[int], offset: int) -> int:
    return max(s for s in starts if s <= offset)
