"""Rows the reader left missing because their cells are glued into one digit string.

``fill`` runs after the normal read: for each row whose cells all came back missing it looks
for a line in the row's table region that is the row's label (found by the reader's key
phrases) followed by one digit string, decodes the string exactly (``glued``), settles the
表三 rows that still have several splits by the column identities H1 and H2, and writes the
cells. A value is ``ok`` only when its split is the only one: confidence
:data:`CONFIRMED` when the column identities also hold, :data:`PICKED` when they chose it among
several, :data:`ROW_ONLY` when nothing beyond its own row confirms it. Several splits left:
the cells are ``flagged``, the note lists the splits and ``readings`` holds each split's
value (the review panel shows them). No split: the cells stay missing, with that cause.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from itertools import repeat
from operator import eq, methodcaller

from extractor.readers.rules import glued
from extractor.readers.rules.cells import READER, Fields, RowRead
from extractor.readers.rules.regions import Regions
from extractor.readers.rules.rows import Layout
from extractor.readers.rules.tokens import has_chinese, plain
from schemas import CellSpec, Finding

CONFIRMED = 0.93
PICKED = 0.88
ROW_ONLY = 0.8
SAME_VALUES = 0.4
BARE_AMOUNT = 0.6
_MAX_LABEL = 240  # a glued row's label, with a flattened header before it
_MAX_COMBOS = 4096  # splits of several ambiguous rows tried together against H1/H2
_SHOWN = 6
_P4_WIDTH = 15
_NEW, _IN, _SUM, _OUT = "p3.new_received", "p3.carried_over", "p3.outcome_total", "p3.carried_forward"
_PART = {"二": 2, "三": 3, "四": 4}
_GAP = " \t|:："
_LABEL_CLOSERS = ")）”」】"
_STATUS = methodcaller("get", "status")


def _ends_label(ch: str) -> bool:
    """A label's last character: Chinese, or a closing bracket or quote."""
    return has_chinese(ch) or ch in _LABEL_CLOSERS


@dataclass(slots=True)
class GluedRow:
    row: RowRead
    start: int  # where the digits start in the text
    digits: str
    unit: str | None
    found: glued.Found
    splits: list[glued.Split]  # those left after the column identities
    confidence: float = ROW_ONLY

    @property
    def zeros(self) -> bool:
        """All zeros, one short of the row's cells (表三, 表四): its totals force the lost one to 0 too."""
        return self.row.table != "二" and len(self.digits) == len(self.row.ids) - 1 and set(self.digits) == {"0"}


def fill(text: str, where: Regions, layout: Layout, specs: dict[str, CellSpec], rows: list[RowRead],
         cells: dict[str, Fields], findings: list[Finding]) -> list[Finding]:
    """Decode the glued rows among those left missing; returns the findings, updated."""
    # Rows all of whose cells are missing. Every row of every document is asked, so the cells'
    # statuses are compared without a Python step per cell.
    cell = cells.__getitem__
    missing = [r for r in rows if all(map(eq, repeat("missing"), map(_STATUS, map(cell, r.ids))))]
    if not missing:
        return findings
    found = _find(text, where, layout, specs, missing)
    if not found:
        return findings
    for g in found:
        g.splits = list(g.found.splits)
    _by_columns([g for g in found if g.row.table == "三"], rows, cells)
    filled: set[str] = set()
    out = list(findings)
    for g in found:
        fields, finding = _cells(g, specs)
        cells.update(fields)
        if any(f.get("status") != "missing" for f in fields.values()):
            filled |= set(g.row.ids)
        if finding is not None:
            out.append(finding)
    return [f for f in map(lambda f: _still(f, filled), out) if f is not None]


def _still(f: Finding, filled: set[str]) -> Finding | None:
    """The reader's shape finding as far as it still holds once glued rows are decoded: 「应有 7 个数值，
    读到 1 个」 and 「没有读到数据行」 no longer do; a list of rows not found loses the decoded ones."""
    if f.rule not in ("H6", "STRUCTURE") or not filled.intersection(f.cells):
        return f
    left = [c for c in f.cells if c not in filled]
    if not left or f.rule == "H6" or (f.check or "").endswith((".no_rows", ".no_row")):
        return None
    return f.model_copy(update={"cells": left})


def _find(text: str, where: Regions, layout: Layout, specs: dict[str, CellSpec],
          missing: list[RowRead]) -> list[GluedRow]:
    out: list[GluedRow] = []
    wanted = {r.key: r for r in missing if r.table != "四"}
    for region, defs, pattern in ((where.t2, layout.table2, layout.pattern2), (where.t3, layout.table3, layout.pattern3)):
        if region is None or not any(d.key in wanted for d in defs):
            continue
        for start, line in _lines(text, region):
            tail = glued.tail(line)
            if tail is None or len(tail.digits) < 2 or tail.start > _MAX_LABEL:
                continue
            label = line[:tail.start]
            if defs is layout.table3:
                label = label.rstrip(_GAP)
            if not label or not _ends_label(label[-1]):
                # A 表二 row's glued digits follow its label directly: after a gap they are one
                # value of a row with blank cells (「行政规范性文件      192」). A 表三 row's may
                # follow a gap: its seven cells as one value of seven digits or more is no count.
                # After other values it is a short row.
                continue
            matches = list(pattern.finditer(plain(label)))
            if not matches or not matches[-1].lastgroup.startswith("r"):  # type: ignore[union-attr]  # every group is named
                continue
            key = defs[int(matches[-1].lastgroup[1:])].key  # type: ignore[index]  # every group is named
            row = wanted.pop(key, None)
            if row is not None and len(tail.digits) >= len(row.ids) - (row.table == "三"):
                out.append(_decode(row, start + tail.start, tail.digits, tail.unit, specs))
    p4 = next((r for r in missing if r.table == "四"), None)
    if p4 is not None and where.t4 is not None:
        for start, line in _lines(text, where.t4):
            tail = glued.tail(line)
            label = line[:tail.start].rstrip(_GAP) if tail is not None else ""
            if label and not _ends_label(label[-1]):
                continue  # the digits alone on their line, or after the header
            if tail is not None and tail.digits.isdigit() and len(tail.digits) >= _P4_WIDTH - 1:
                out.append(_decode(p4, start + tail.start, tail.digits, None, specs))
                break
    return out


def _lines(text: str, region: tuple[int, int]) -> list[tuple[int, str]]:
    start, end = region
    out, pos = [], start
    for line in text[start:end].split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _decode(row: RowRead, start: int, digits: str, unit: str | None, sp: dict[str, CellSpec]) -> GluedRow:
    kinds = tuple(glued.MONEY if sp[c].is_money else glued.SIGNED if sp[c].signed else glued.COUNT for c in row.ids)
    rule = glued.TOTAL if row.table == "三" else glued.BLOCKS if row.table == "四" else None
    return GluedRow(row, start, digits, unit, glued.splits(digits, kinds, rule), [])


def _by_columns(rows3: list[GluedRow], rows: list[RowRead], cells: dict[str, Fields]) -> None:
    """Settle 表三 rows with several splits by H1/H2, and rank the rows the identities confirm.

    Every combination of the open rows' splits is tried against both identities, column by
    column: an identity whose rows are all known must hold exactly; one with unknown rows on one
    side only still bounds the other side (counts are never negative). Only an identity whose
    rows are all known confirms a row.
    """
    if not rows3:
        return
    options: dict[str, list[tuple]] = {}
    for r in rows:
        if r.table == "三":
            values = tuple(cells[c].get("value") for c in r.ids)
            if None not in values:
                options[r.key] = [values]
    decided = {g.row.key: g for g in rows3 if g.found.complete and g.splits}
    for key, g in decided.items():
        options[key] = [tuple(p.value for p in s) for s in g.splits]
    for g in rows3:
        if g.zeros:
            options[g.row.key] = [(0,) * 7]
    keys3 = [r.key for r in rows if r.table == "三"]
    outcome = [k for k in keys3 if k not in (_NEW, _IN, _SUM, _OUT)]
    identities = [(outcome, [_SUM]), ([_NEW, _IN], [_SUM, _OUT])]
    open_ = [k for k in options if len(options[k]) > 1]
    size = 1
    for k in open_:
        size *= len(options[k])
    if size > _MAX_COMBOS:
        return
    checks = [_Identity(left, right, options, open_) for left, right in identities]
    alive: dict[str, set[tuple]] = {k: set() for k in open_}
    any_alive = False
    for combo in itertools.product(*(options[k] for k in open_)):
        if all(c.fits(combo) for c in checks):
            any_alive = True
            for k, v in zip(open_, combo):
                alive[k].add(v)
    if not any_alive:
        return  # the table does not add up whatever the splits: nothing is confirmed
    checked = {k for left, right in identities if all(x in options for x in (*left, *right)) for k in (*left, *right)}
    for key, g in decided.items():
        if len(g.splits) > 1:
            g.splits = [s for s in g.splits if tuple(p.value for p in s) in alive[key]]
            if len(g.splits) == 1:
                g.confidence = PICKED
        elif key in checked:
            g.confidence = CONFIRMED


class _Identity:
    """Σ left = Σ right in every column; with rows unknown on one side only, the known side is at
    most the other (counts are never negative). The rows with one split are added up once."""

    def __init__(self, left: list[str], right: list[str], options: dict[str, list[tuple]], open_: list[str]):
        self.lost_left = any(k not in options for k in left)
        self.lost_right = any(k not in options for k in right)
        self.idle = self.lost_left and self.lost_right
        fixed = [k for k in (*left, *right) if k in options and k not in open_]
        self.base = [sum(options[k][0][c] * (1 if k in left else -1) for k in fixed) for c in range(7)]
        self.signs = [(i, 1 if k in left else -1) for i, k in enumerate(open_) if k in left or k in right]

    def fits(self, combo: tuple[tuple, ...]) -> bool:
        if self.idle:
            return True
        for c in range(7):
            diff = self.base[c] + sum(sign * combo[i][c] for i, sign in self.signs)  # left − right
            if (diff > 0) if self.lost_left else (diff < 0) if self.lost_right else (diff != 0):
                return False
        return True


def _cells(g: GluedRow, specs: dict[str, CellSpec]) -> tuple[dict[str, Fields], Finding | None]:
    ids, digits = g.row.ids, g.digits
    width = len(ids)
    shown = f"「{digits}」"
    if g.zeros:
        note = (f"该行各格数字粘连为{shown}，比应有的 {width} 个数少一个且全为 0："
                "按合计关系缺失的一格也只能是 0；缺失的是哪一列无法确定")
        return {c: dict(value=0, status="flagged", confidence=SAME_VALUES, reader=READER, note=note) for c in ids}, None
    if not g.splits:
        why = ("拆分的可能太多，未能穷举" if not g.found.complete else
               f"无法拆分为 {width} 个满足本行合计关系的数" if g.row.table != "二" else f"无法拆分为 {width} 个数")
        note = f"该行各格数字粘连为{shown}，{why}；记为缺失"
        return {c: dict(status="missing", reader=READER, note=note) for c in ids}, None
    if len(g.splits) == 1:
        return _decoded(g, g.splits[0], specs), None
    return _ambiguous(g), Finding.build(
        rule="EXTRACTION", check=f"p{_PART[g.row.table]}.glued_split", severity="warning", cells=list(ids),
        message=f"表{g.row.table}「{g.row.label}」的数字粘连为{shown}，有 {_count(g)}拆分都符合规则："
                + _listed(g.splits) + "；请人工选择",
        span=(g.start, g.start + len(digits)),
    )


def _decoded(g: GluedRow, split: glued.Split, specs: dict[str, CellSpec]) -> dict[str, Fields]:
    rule = {"三": "本行合计关系", "四": "三组合计关系", "二": "单元格数"}[g.row.table]
    how = {CONFIRMED: f"按{rule}唯一拆分，并经各列勾稽关系印证", PICKED: f"按{rule}有多种拆分，各列勾稽关系只容其一",
           ROW_ONLY: f"按{rule}唯一拆分"}[g.confidence]
    note = f"该行各格数字粘连为「{g.digits}」，{how}：{_shown(split)}"
    out: dict[str, Fields] = {}
    for i, (cid, piece) in enumerate(zip(g.row.ids, split)):
        span = (g.start + piece.start, g.start + piece.end)
        raw = g.digits[piece.start:piece.end]
        value, conf, status, cell_note = piece.value, g.confidence, "ok", note
        if specs[cid].is_money:
            unit = g.unit if i == len(split) - 1 else None
            if unit == "元":
                value = round(value / 10000, 6)
                cell_note += f"；原文 {raw} 元，已换算为万元"
            elif unit is None and value != 0 and "万元" not in specs[cid].column:
                conf = min(conf, BARE_AMOUNT)
                cell_note += "；金额未写单位，按万元读取"
                status = "flagged" if value >= 10000 else status
        out[cid] = dict(value=value, status=status, confidence=conf, span=span, raw=raw, reader=READER,
                        note=cell_note)
    return out


def _ambiguous(g: GluedRow) -> dict[str, Fields]:
    note = f"该行各格数字粘连为「{g.digits}」，有 {_count(g)}拆分都符合规则：{_listed(g.splits)}"
    out: dict[str, Fields] = {}
    for i, cid in enumerate(g.row.ids):
        pieces = {(s[i].start, s[i].end, s[i].value) for s in g.splits}
        readings = {f"拆分{n + 1}": s[i].value for n, s in enumerate(g.splits[:_SHOWN])}
        if len(pieces) == 1:  # every split agrees on this cell
            start, end, value = pieces.pop()
            out[cid] = dict(value=value, status="flagged", confidence=0.5, span=(g.start + start, g.start + end),
                            raw=g.digits[start:end], reader=READER, note=note, readings=readings)
        else:  # the span is the whole digit string the reviewer must cut
            out[cid] = dict(status="flagged", span=(g.start, g.start + len(g.digits)), raw=g.digits, reader=READER,
                            note=note, readings=readings)
    return out


def _count(g: GluedRow) -> str:
    return f"{glued.LIMIT} 种以上" if len(g.splits) > glued.LIMIT else f"{len(g.splits)} 种"


def _shown(split: glued.Split) -> str:
    return "|".join(str(p.value) for p in split)


def _listed(splits: list[glued.Split]) -> str:
    more = "；…" if len(splits) > _SHOWN else ""
    return "；".join(_shown(s) for s in splits[:_SHOWN]) + more
