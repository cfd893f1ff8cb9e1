"""One row's run of values → its cells, with status, confidence, span and notes; shape findings.

Columns are taken by position in the data row. A row with as many values as columns is read
as is. Fewer values are never silently spread over the columns: they are placed only where
the layout says where they go (blank cells kept as empty cells, columns aligned in PDF layout
text); otherwise the cells are null — except a 表三/表四 row of zeros with one value lost, where
the row's totals force the lost value to be 0 too (flagged, low confidence).
Blank cells (「/」, 「-」, 「无」, an empty table cell) and values that cannot be placed are null
with status ``missing`` (output-contract.md: a blank is not a value), never 0; a note says why
and an H6 finding lists the row's cells for review.

Each cell is written as its fields: every field of :class:`Cell`, in the model's order, so that
``as_cells`` makes them models as they are (no copy, no validation: ``schemas/base.py``).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from extractor.readers.rules.align import Match
from extractor.readers.rules.tokens import BLANK, EMPTY, NUM, TABLE, Run, Tok
from schemas import Cell, CellSpec, Finding, specs

READER = "rules"
# Confidence of a value read from a complete row, by how the row was found.
SURE = 0.97  # label and values on one line
NEAR = 0.93  # values one line from the label (one cell per line, wrapped PDF labels)
FAR = 0.85
CONTESTED = 0.75  # the values could almost as well belong to a neighbouring label
WEAK_LABEL = 0.88  # a bare 「其他」/「总计」 label
DOUBTFUL = 0.8  # the row's own total does not add up: misread, or a source error
SAME_VALUES = 0.4  # an all-zero row with one value lost
BARE_AMOUNT = 0.6  # money without a unit

Fields = dict[str, object]  # a cell's fields: the keyword arguments of ``Cell``


def as_cells(fields: dict[str, Fields], ids: tuple[str, ...]) -> dict[str, Cell]:
    """``{cell id: Cell}`` in the order of ``ids``, built from the reader's own fields without
    validation (schemas/base.py); a cell's fields are its model's from then on."""
    return Cell.build_all(fields, ids)


def cell(status: str = "missing", note: str | None = None, value: int | float | None = None,
         confidence: float = 0.0, span: tuple[int, int] | None = None, raw: str | None = None) -> Fields:
    """A cell's fields: every field of :class:`Cell`, in its order."""
    return {"value": value, "status": status, "confidence": confidence, "span": span, "reader": READER,
            "raw": raw, "note": note, "readings": None}


@cache
def counts(template: str) -> frozenset[str]:
    """The ids of a template's plain count cells (neither money nor signed): the common case of
    ``row_cells``."""
    return frozenset(cid for cid, spec in specs(template).items() if not spec.is_money and not spec.signed)


@dataclass(slots=True)
class RowRead:
    """A row of a table as found in the text: which cells, and the run matched to its label."""

    table: str  # 二 三 四
    label: str
    ids: tuple[str, ...]
    match: Match | None = None
    weak: bool = False
    unit_hint: str | None = None  # a money row's unit from its header: 万元 / 元
    check_total: bool = False  # the last value is the total of the others (表三 rows, 表四 blocks)
    cap: float = 1.0  # ceiling on confidence (a messy table, a row pieced together)
    note: str | None = None  # said of every cell of the row
    flag: bool = False  # every cell needs a person, whatever its value
    columns: list[tuple[int, int]] | None = None  # layout text: where each column's values lie
    column_mark: str = "end"  # what of a value must fall in its column: its right edge, or its middle
    placed: list[Tok | None] | None = None  # a short row placed by the table's column sums
    label_at: tuple[int, int] | None = None  # where the row's label was found: (offset, end of its line)

    @property
    def key(self) -> str:
        """The row's cell-id prefix, e.g. ``p3.other.no_fee``."""
        return self.ids[0].rsplit(".", 1)[0]


def row_cells(row: RowRead, specs: dict[str, CellSpec], counts: frozenset[str], cells: dict[str, Fields]) -> list[Finding]:
    """Write the row's cells into ``cells``; returns what is wrong with the row. ``counts``: the
    plain count cells of the template (see :func:`counts`)."""
    run = row.match.run  # type: ignore[union-attr]  # only matched rows are read
    ids = row.ids
    width = len(ids)
    notes: list[str] = [row.note] if row.note else []
    slots = run.slots if len(run.slots) == width else _placed(row, run, width, notes)
    if slots is None:
        return _short_row(row, run, cells)
    base = _base_confidence(row)
    cut = len(run.slots) if run.cut and len(run.slots) < width else width  # cells past a cut are not in the text
    if cut < width or not _clean(slots):
        base = min(base, FAR)
    if len(run.slots) > width:
        base = min(base, CONTESTED)
    if row.check_total and not _totals_hold(slots, width):
        base = min(base, DOUBTFUL)
        notes.append("本行总计与分项之和不符")
    findings: list[Finding] = []
    blanks: list[str] = []
    note = "；".join(notes) or None
    quick = frozenset() if row.flag else counts  # a flagged row's cells all go the long way
    for cid, tok in zip(ids[:cut], slots):
        if tok is None or tok.kind in (BLANK, EMPTY):
            blanks.append(cid)
            cells[cid] = _blank(tok)
            continue
        value = tok.value
        if type(value) is int and value >= 0 and cid in quick and tok.unit not in _MONEY:
            # The common case, kept cheap: a plain count (every field of Cell, in its order).
            cells[cid] = {"value": value, "status": "ok", "confidence": base, "span": (tok.start, tok.end),
                          "reader": READER, "raw": tok.raw, "note": note, "readings": None}
            continue
        cells[cid], finding = _value(tok, specs[cid], base, row, notes)
        if finding is not None:
            findings.append(finding)
    for cid in ids[cut:]:
        cells[cid] = cell(note=f"文本在「{row.label}」行中截断，此格之后没有文字")
    if blanks:
        findings.append(Finding.build(
            rule="H6", check=f"p{_PART[row.table]}.blank_cells", severity="warning", cells=blanks,
            message=f"表{row.table}「{row.label}」有 {len(blanks)} 个空白单元格（未按 0 处理）",
            span=run.span,
        ))
    return findings


def _clean(slots: Sequence[Tok | None]) -> bool:
    """Every cell holds a number of its own (none empty, blank or split off its label)."""
    for s in slots:
        if s is None or s.kind != NUM or s.glued:
            return False
    return True


_PART = {"二": 2, "三": 3, "四": 4}
_MONEY = frozenset(("万元", "元", "万"))
_MAX_EXTRA = 3  # stray numbers a row may carry and still be read by its totals


def _placed(row: RowRead, run: Run, width: int, notes: list[str]) -> list[Tok | None] | None:
    """The row's ``width`` cells in column order (``None`` for an empty cell), or ``None`` when
    the values cannot be placed with confidence."""
    slots: list[Tok | None] = list(run.slots)
    n = len(slots)
    if n == width:
        return slots
    if n > width:
        if n - run.trail <= width:
            return slots[:width]
        return _window(row, slots, width, notes)
    if row.placed is not None:
        notes.append("该行少一个数值，按表三各列合计关系确定其位置，缺的一格记为空白")
        return row.placed
    if run.cut and not run.lead:
        # The text ends inside this row: what is there are its first cells, in column order.
        notes.append(f"文本在此行中截断：读到前 {n} 格，其后的单元格记为缺失")
        return slots + [None] * (width - n)
    if run.table_row_fits(width):
        if _one_zero_lost(row, run, width):
            return None
        if n + run.lead < width:
            notes.append("行末单元格为空")
        return [None] * run.lead + slots + [None] * (width - n - run.lead)
    if n + run.lead_blanks >= width:  # the empty cells before the values are blank cells
        return [None] * (width - n) + slots
    if run.grid == TABLE and run.labelled:
        # Empty cells after the label are blank cells or an unused label column, and trailing
        # blanks are invisible: only the row's own totals can tell.
        leading = [None] * (width - n) + slots
        if n + run.lead >= width and row.check_total and _totals_hold(leading, width, strict=True):
            return leading
        return None
    if row.columns and run.x0 >= 0:
        placed = _by_column(run, row.columns, row.column_mark)
        if placed is not None:
            notes.append("本行有空白列，数值按列位置对齐")
        return placed
    return None


def _one_zero_lost(row: RowRead, run: Run, width: int) -> bool:
    """An all-zero row one value short: read like the same row in plain text (see ``_short_row``),
    whether the lost cell was a trailing empty table cell or not."""
    return row.check_total and not run.lead and len(run.slots) == width - 1 and set(run.values()) == {0} \
        and all(t.kind == NUM for t in run.slots)


def _window(row: RowRead, slots: list[Tok | None], width: int, notes: list[str]) -> list[Tok | None] | None:
    """Too many values (an OCR noise number beside the row): the one run of ``width`` values
    whose totals add up, if exactly one does."""
    if not row.check_total or len(slots) > width + _MAX_EXTRA:
        return None
    fits = [slots[k:k + width] for k in range(len(slots) - width + 1)]
    fits = [w for w in fits if all(t is not None and t.kind == NUM for t in w) and _totals_hold(w, width)]
    if len({tuple(t.value for t in w) for w in fits}) != 1:  # type: ignore[union-attr]  # fits hold no None
        return None
    notes.append(f"该行多出 {len(slots) - width} 个数值，按合计关系取其中 {width} 个")
    return fits[0]


def _by_column(run: Run, columns: list[tuple[int, int]], mark: str) -> list[Tok | None] | None:
    """Place each value of a short layout-text row under the column it lines up with."""
    placed: list[Tok | None] = [None] * len(columns)
    last = -1
    for tok in run.slots:
        edge = (tok.end if mark == "end" else (tok.start + tok.end) // 2) - run.x0
        hits = [i for i, (lo, hi) in enumerate(columns) if lo - 1 <= edge <= hi + 1]
        if len(hits) != 1 or hits[0] <= last:
            return None
        last = hits[0]
        placed[last] = tok
    return placed


def _base_confidence(row: RowRead) -> float:
    m = row.match
    conf = SURE if m.distance == 0 else NEAR if m.distance == 1 and not m.against else FAR  # type: ignore[union-attr]  # only matched rows are read
    if m.contested:  # type: ignore[union-attr]  # as above
        conf = min(conf, CONTESTED)
    if row.weak:
        conf = min(conf, WEAK_LABEL)
    return min(conf, row.cap)


def _totals_hold(slots: Sequence[Tok | None], width: int, strict: bool = False) -> bool:
    """Each total (the last value of a 表三 row, of each 表四 block) is the sum of its parts.

    Blocks with an empty cell are skipped. ``strict`` (is this reading of the row's empty cells
    right?): an empty part counts as 0, an empty total fails, and some total must be non-zero.
    """
    values = [t.value if t is not None and t.kind == NUM else None for t in slots]
    block = 5 if width == 15 else width
    nonzero = False
    for i in range(0, width, block):
        *parts, total = values[i:i + block]
        if total is None or (None in parts and not strict):
            if strict:
                return False
            continue
        if strict:
            parts = [v for v in parts if v is not None]  # an empty part counts as 0
        if abs(sum(parts) - total) > 1e-6:  # type: ignore[arg-type]  # None removed or ruled out above
            return False
        nonzero = nonzero or total != 0
    return nonzero or not strict


def _blank(tok: Tok | None) -> Fields:
    # A blank is not a value in the document: missing (output-contract.md), never 0; the note and
    # the row's H6 finding tell a reviewer it is a blank, and a marker keeps its span.
    if tok is not None and tok.kind == BLANK:
        return cell(span=(tok.start, tok.end), raw=tok.raw, note=f"原文填「{tok.raw}」：空白，不按 0 处理")
    return cell(note="空白单元格：原文未填，不按 0 处理")


def _value(tok: Tok, spec: CellSpec, conf: float, row: RowRead, notes: list[str]) -> tuple[Fields, Finding | None]:
    value, status, note, finding = tok.value, "ok", list(notes), None
    if spec.is_money:
        # 2021's 本年收费金额 carries its unit in the template's header; 2019's 采购总金额 does not.
        unit = tok.unit or row.unit_hint or ("万元" if "万元" in spec.column else None)
        unit = "万元" if unit == "万" else unit
        if unit == "元":
            value = round(value / 10000, 6)  # type: ignore[operator]  # a NUM token has a value
            note.append(f"原文 {tok.raw}（元），已换算为万元")
            finding = Finding.build(rule="UNIT", check="money.yuan", severity="info", cells=[spec.id],
                                    message=f"「{row.label}」金额以元填写（{tok.raw}），已换算为 {value} 万元",
                                    span=(tok.start, tok.end))
        elif unit is None and value != 0:
            conf = min(conf, BARE_AMOUNT)
            note.append("金额未写单位，按万元读取")
            if value >= 10000:  # type: ignore[operator]  # a NUM token has a value
                status = "flagged"
            finding = Finding.build(rule="UNIT", check="money.no_unit", severity="warning", cells=[spec.id],
                                    message=f"「{row.label}」金额 {tok.raw} 未写单位，按万元读取，请核对",
                                    span=(tok.start, tok.end))
        elif unit not in (None, "万元", "元"):
            status = "flagged"
            note.append(f"金额的单位为「{unit}」")
    else:
        if tok.unit in _MONEY:
            status = "flagged"
            note.append(f"计数单元格带金额单位「{tok.unit}」")
        if isinstance(value, float):
            if value.is_integer():
                value = int(value)
            else:
                status = "flagged"
                note.append("计数不是整数")
        if value < 0 and not spec.signed:  # type: ignore[operator]  # a NUM token has a value
            status = "flagged"
            note.append("计数为负")
    if row.flag:
        status = "flagged"
    return cell(status, "；".join(note) or None, value, conf, (tok.start, tok.end), tok.raw), finding


def _short_row(row: RowRead, run: Run, cells: dict[str, Fields]) -> list[Finding]:
    width = len(row.ids)
    values = run.values()
    shown = " ".join(t.raw or "□" for t in run.slots)
    # One zero lost from an all-zero 表三/表四 row: the row's totals force it to be 0 wherever
    # it was. Nothing else is filled in.
    same = row.check_total and len(values) == len(run.slots) == width - 1 and set(values) == {0}
    for cid in row.ids:
        if same:
            cells[cid] = cell("flagged", f"该行只有 {len(run.slots)} 个数值（应为 {width} 个），均为 0，"
                                         "按合计关系缺失的一格也只能是 0；缺失的是哪一列无法确定", 0, SAME_VALUES)
        else:
            cells[cid] = cell(note=f"该行有 {len(run.slots)} 个数值（应为 {width} 个）：{shown}，无法确定各值所在列")
    finding = Finding.build(
        rule="H6", check=f"p{_PART[row.table]}.row_shape", severity="warning", cells=list(row.ids),
        message=f"表{row.table}「{row.label}」应有 {width} 个数值，读到 {len(run.slots)} 个：{shown}",
        expected=width, actual=len(run.slots), span=run.span,
    )
    return [finding]


def missing(ids: tuple[str, ...], note: str) -> dict[str, Fields]:
    return {cid: cell(note=note) for cid in ids}
