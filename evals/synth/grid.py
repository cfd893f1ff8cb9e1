"""The three mandated tables as grids of spanning cells, the form every layout renders.

A grid is what an HTML table or a Word table is: rows of cells with colspan/rowspan. Labels
come from the public cell registry (``schemas/cells.tsv``) so the generator cannot drift
from the contract; only the header words that carry no cell (申请人情况, 信息内容, the 勾稽
note) are written here.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from random import Random  # the class's own `random` method hides the module in its body

from evals.synth.truth import COLUMNS, IN, NEW, OUT, P4_BLOCKS, P4_LEAVES, rows
from schemas import specs

_OUTCOME_GROUP = "三、本年度办理结果"


@dataclass(slots=True)
class GCell:
    text: str = ""
    colspan: int = 1
    rowspan: int = 1
    cell_id: str | None = None  # the cell a value belongs to (None for a merged hybrid row)
    value: bool = False  # a data value (or its blank), not a label
    vertical: bool = False  # a label printed one character per line (PDF) or spaced out (OCR)


@dataclass(slots=True)
class GRow:
    kind: str  # caption | header | data | noise
    cells: list[GCell]

    def ids(self) -> list[str]:
        return [c.cell_id for c in self.cells if c.cell_id]


@dataclass(slots=True)
class Grid:
    part: str  # p2 | p3 | p4
    ncols: int
    rows: list[GRow] = field(default_factory=list)


@dataclass(slots=True)
class Style:
    """Per-document choices of how labels and headers are written."""

    half_brackets: bool = False  # (一) instead of （一）
    bracket_space: bool = False  # (一) 予以公开
    gouji: str = "勾稽"  # some reports write 钩稽
    p3_header: str = "grid"  # grid (总计 before the sub-columns when flattened) | single (总计 last)
    vertical_group: bool = False  # 三、本年度办理结果 printed vertically
    vertical_p4_header: bool = False  # 表四 leaf headers one character per row (OCR of a PDF)
    broken_labels: bool = False  # stray spaces inside long labels (PDF line wraps)
    sub_sep: str = "."  # 1.属于国家秘密 or 1、…

    @classmethod
    def random(cls, rng: random.Random) -> Style:
        return cls(half_brackets=rng.random() < 0.4, bracket_space=rng.random() < 0.25,
                   gouji="钩稽" if rng.random() < 0.15 else "勾稽",
                   p3_header="single" if rng.random() < 0.3 else "grid",
                   vertical_group=rng.random() < 0.3, vertical_p4_header=rng.random() < 0.2,
                   broken_labels=rng.random() < 0.3, sub_sep="、" if rng.random() < 0.3 else ".")

    def label(self, text: str, rng: Random) -> str:
        if self.bracket_space:
            text = text.replace("）", "） ", 1) if text.startswith("（") else text
        if self.half_brackets:
            text = text.replace("（", "(").replace("）", ")")
        if self.sub_sep != "." and len(text) > 2 and text[0].isdigit() and text[1] == ".":
            text = text[0] + self.sub_sep + text[2:]
        if self.broken_labels and len(text) > 6 and rng.random() < 0.5:
            cut = rng.randint(3, len(text) - 2)
            text = text[:cut] + " " + text[cut:]
        return text


def build(template: str, tokens: dict[str, str], style: Style, rng: random.Random,
          merged_other: list[str] | None = None) -> list[Grid]:
    """Grids of 表二, 表三 and 表四; ``tokens`` holds each cell's printed text ('' = blank)."""
    return [_part2(template, tokens, style, rng), _part3(template, tokens, style, rng, merged_other),
            _part4(tokens, style, rng)]


def _part2(template: str, tokens: dict[str, str], style: Style, rng: random.Random) -> Grid:
    tables: dict[str, dict[str, list]] = {}
    for spec in specs(template).values():
        if spec.part == "二":
            tables.setdefault(spec.table, {}).setdefault(spec.row, []).append(spec)
    grid = Grid("p2", 4)
    for caption, table_rows in tables.items():
        columns = next(iter(table_rows.values()))
        grid.rows.append(GRow("caption", [GCell(style.label(caption, rng), colspan=4)]))
        header = [GCell("信息内容")] + [GCell(style.label(s.column, rng)) for s in columns]
        grid.rows.append(GRow("header", _pad(header, 4)))
        for label, row_specs in table_rows.items():
            cells = [GCell(style.label(label, rng))] + [GCell(tokens[s.id], cell_id=s.id, value=True) for s in row_specs]
            grid.rows.append(GRow("data", _pad(cells, 4)))
    return grid


def _pad(cells: list[GCell], width: int) -> list[GCell]:
    missing = width - sum(c.colspan for c in cells)
    return cells + [GCell() for _ in range(missing)]


def _part3(template: str, tokens: dict[str, str], style: Style, rng: random.Random,
           merged_other: list[str] | None) -> Grid:
    sp = specs(template)
    grid = Grid("p3", 10)
    note = f"（本列数据的{style.gouji}关系为：第一项加第二项之和，等于第三项加第四项之和）"
    leaf_cols = [style.label(sp[f"{NEW}.{c}"].column, rng) for c in COLUMNS]
    if style.p3_header == "grid":
        grid.rows += [
            GRow("header", [GCell(note, colspan=3, rowspan=3), GCell("申请人情况", colspan=7)]),
            GRow("header", [GCell(leaf_cols[0], rowspan=2), GCell("法人或其他组织", colspan=5),
                            GCell(leaf_cols[6], rowspan=2)]),
            GRow("header", [GCell(t) for t in leaf_cols[1:6]]),
        ]
    else:
        grid.rows += [
            GRow("header", [GCell(note, colspan=3), GCell("申请人情况", colspan=7)]),
            GRow("header", [GCell(colspan=3)] + [GCell(t) for t in leaf_cols]),
        ]
    data: list[tuple[str, list[str], list[GCell]]] = []  # (row, label path, value cells)
    for row in rows(template, "p3"):
        if merged_other and row.startswith("p3.other."):
            if row == "p3.other.no_correction":  # the hybrid report prints one （六） row instead of three
                data.append(("p3.other", ["（六）其他处理"], [GCell(t, value=True) for t in merged_other]))
            continue
        label = sp[f"{row}.total"].row
        path = [label] if row in (NEW, IN, OUT) else label.removeprefix(_OUTCOME_GROUP).split(" ", 1)
        data.append((row, path, [GCell(tokens[f"{row}.{c}"], cell_id=f"{row}.{c}", value=True) for c in COLUMNS]))
    outcome = [i for i, (row, _, _) in enumerate(data) if row not in (NEW, IN, OUT)]
    for i, (_row, path, values) in enumerate(data):
        labels: list[GCell] = []
        if i not in outcome:
            labels.append(GCell(style.label(path[0], rng), colspan=3))
        else:
            if i == outcome[0]:
                labels.append(GCell(_OUTCOME_GROUP, rowspan=len(outcome), vertical=style.vertical_group))
            if len(path) == 2:
                if data[i - 1][1][0] != path[0]:  # first child: the group label spans its children
                    size = sum(1 for _, p, _ in data if len(p) == 2 and p[0] == path[0])
                    labels.append(GCell(style.label(path[0], rng), rowspan=size))
                labels.append(GCell(style.label(path[1], rng)))
            else:
                labels.append(GCell(style.label(path[0], rng), colspan=2))
        grid.rows.append(GRow("data", labels + values))
    return grid


def _part4(tokens: dict[str, str], style: Style, rng: random.Random) -> Grid:
    sp = specs("2021")
    leaves = [sp[f"p4.review.{leaf}"].column for leaf in (*P4_LEAVES, "total")]
    grid = Grid("p4", 15)
    grid.rows.append(GRow("header", [GCell("行政复议", colspan=5), GCell("行政诉讼", colspan=10)]))
    if style.vertical_p4_header:
        grid.rows.append(GRow("header", [GCell() for _ in range(5)]
                              + [GCell("未经复议直接起诉", colspan=5), GCell("复议后起诉", colspan=5)]))
        for k in range(max(map(len, leaves))):
            grid.rows.append(GRow("header", [GCell(leaf[k] if k < len(leaf) else "") for leaf in leaves * 3]))
    else:
        grid.rows.append(GRow("header", [GCell(style.label(t, rng), rowspan=2) for t in leaves]
                              + [GCell("未经复议直接起诉", colspan=5), GCell("复议后起诉", colspan=5)]))
        grid.rows.append(GRow("header", [GCell(style.label(t, rng)) for t in leaves * 2]))
    ids = [f"{block}.{leaf}" for block in P4_BLOCKS for leaf in (*P4_LEAVES, "total")]
    grid.rows.append(GRow("data", [GCell(tokens[i], cell_id=i, value=True) for i in ids]))
    return grid


def clip_rowspans(grid: Grid) -> None:
    """After rows were removed, no cell may span past the end of the grid."""
    n = len(grid.rows)
    for r, row in enumerate(grid.rows):
        for cell in row.cells:
            cell.rowspan = max(1, min(cell.rowspan, n - r))


def positional(grid: Grid) -> list[tuple[GRow, list[GCell | None]]]:
    """Each row as its cells by column position; ``None`` where a span from elsewhere covers it."""
    taken: dict[tuple[int, int], bool] = {}
    out = []
    for r, row in enumerate(grid.rows):
        line: list[GCell | None] = []
        c = 0
        for cell in row.cells:
            while taken.get((r, c)):
                line.append(None)
                c += 1
            line.append(cell)
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if dr or dc:
                        taken[(r + dr, c + dc)] = True
            line.extend([None] * (cell.colspan - 1))
            c += cell.colspan
        while taken.get((r, c)) and c < grid.ncols:
            line.append(None)
            c += 1
        out.append((row, line))
    return out
