"""What is wrong with the tables' structure: missing, truncated or misplaced tables and rows,
the 2021 （六） sub-rows printed as one row, and OCR noise lines whose digits were ignored.
Also the note each missing cell carries, saying why it is missing.
"""
from __future__ import annotations

import re

from extractor.readers.rules.cells import RowRead
from extractor.readers.rules.regions import Regions
from extractor.readers.rules.table3 import Table3
from extractor.readers.rules.tokens import Line, is_blank
from schemas import Finding

_NAMES = {"二": "表二（主动公开政府信息情况）", "三": "表三（收到和处理政府信息公开申请情况）",
          "四": "表四（行政复议、行政诉讼情况）"}
_OTHER_2021 = ("p3.other.no_correction", "p3.other.no_fee", "p3.other.other")
_MAX_NOISE = 3
_SEPARATORS = re.compile(r"\s*\|\s*|\t|\s{2,}")


def missing_notes(template: str, where: Regions, rows2: list[RowRead], t3: Table3, row4: RowRead,
                  text: str) -> dict[str, str]:
    """``{first cell id of a row: why the row is missing}`` for every row not read (and 表四's).

    A note says only what was seen: a label found with blank cells, a label found whose values
    were not read, a table cut off where the text ends, or a label not found. It never says a
    row is absent from the text: a row we cannot find may still be printed in a layout we do
    not read.
    """
    notes: dict[str, str] = {}
    for table, region, rows in (("二", where.t2, rows2), ("三", where.t3, t3.rows)):
        present = [i for i, r in enumerate(rows) if r.match is not None]
        for i, row in enumerate(rows):
            if row.match is not None:
                continue
            if row.label_at is not None:
                notes[row.ids[0]] = _found_not_read(row, text)
            elif region is None:
                notes[row.ids[0]] = f"没有找到{_NAMES[table]}"
            elif present and i > present[-1] and _ends_text(region, text):
                notes[row.ids[0]] = f"表{table}在「{rows[present[-1]].label}」行之后中断（文本到此结束）"
            elif present and i > present[-1]:
                notes[row.ids[0]] = f"表{table}在「{rows[present[-1]].label}」行之后中断：没有找到「{row.label}」行的标签"
            elif not present:
                notes[row.ids[0]] = f"{_NAMES[table]}没有读到数据行；没有找到「{row.label}」行的标签"
            else:
                notes[row.ids[0]] = f"表{table}中没有找到「{row.label}」行的标签"
    if _single_other_row(template, t3):
        for row in t3.rows:
            if row.key in _OTHER_2021:
                notes[row.ids[0]] = "原表「（六）其他处理」只有一行（2019 版结构），2021 版的三个子项没有单列"
    notes[row4.ids[0]] = (f"没有找到{_NAMES['四']}" if where.t4 is None
                          else f"没有读到{_NAMES['四']}的数据行")
    return notes


def _found_not_read(row: RowRead, text: str) -> str:
    start, end = row.label_at  # type: ignore[misc]  # called for rows with a label
    cells = _SEPARATORS.split(text[start:end].strip())
    if len(cells) > 1 and all(not c or is_blank(c) for c in cells[1:]):
        return f"「{row.label}」行在文中，数值单元格为空白"
    return f"「{row.label}」行在文中，但没有读到它的数值（版式未能读取）"


def _ends_text(region: tuple[int, int], text: str) -> bool:
    """The table region runs to the end of the text: an excerpt cut inside the table."""
    return not text[region[1]:].strip()


def structure(template: str, where: Regions, rows2: list[RowRead], t3: Table3, row4: RowRead,
              misplaced: object) -> list[Finding]:
    out: list[Finding] = []
    single = _single_other_row(template, t3)
    for table, region, rows in (("二", where.t2, rows2), ("三", where.t3, t3.rows)):
        if region is None:
            continue  # the part itself is missing: reported with the parts
        excused = {r.ids[0] for r in rows if single and r.key in _OTHER_2021}
        out.extend(_table_rows(table, rows, excused))
    if any(r.flag for r in t3.rows):
        out.append(Finding.build(rule="STRUCTURE", check="p3.unlabelled", severity="warning",
                                 cells=[c for r in t3.rows for c in r.ids],
                                 message="表三没有行标签：数值按行序读取，全部待人工核对"))
    if single:
        ids = [cid for row in t3.rows if row.key in _OTHER_2021 for cid in row.ids]
        out.append(Finding.build(
            rule="VERSION", check="p3.other_single_row", severity="warning", cells=ids,
            message="2021 版表三的「（六）其他处理」应分三个子项（逾期不补正／逾期未缴费／其他），原表只有一行；三个子项记为缺失",
            span=t3.group_runs["其他处理"].run.span,
        ))
    if misplaced is not None:
        out.append(Finding.build(
            rule="STRUCTURE", check="p4.misplaced", severity="warning", cells=list(row4.ids),
            message="第四部分的标题和表头缺失，一行 15 个数值出现在表三标题下；按形状读作表四",
            span=row4.match.run.span,  # type: ignore[union-attr]  # misplaced implies row4 matched
        ))
    elif row4.match is None and where.t4 is not None:
        out.append(Finding.build(rule="STRUCTURE", check="p4.no_row", severity="warning", cells=list(row4.ids),
                                 message=f"第四部分没有读到{_NAMES['四']}的数据行"))
    return out


def noise(text: str, tables: tuple[list[Line], ...]) -> list[Finding]:
    """OCR garbage lines that carry digits (「11 Ш- /\\C … 111 Ш- 1 70」): reported, never read."""
    out: list[Finding] = []
    for lines in tables:
        for line in lines:
            if line.garbage and len(out) < _MAX_NOISE:
                shown = " ".join(text[line.start:line.end].split())
                out.append(Finding.build(rule="EXTRACTION", check="noise_digits", severity="info",
                                         message=f"疑似 OCR 噪声行「{shown[:60]}」中的数字未作为数值读取",
                                         span=(line.start, line.end)))
    return out


def _table_rows(table: str, rows: list[RowRead], excused: set[str]) -> list[Finding]:
    present = [i for i, r in enumerate(rows) if r.match is not None]
    if not present:
        return [Finding.build(rule="STRUCTURE", check=f"p{_num(table)}.no_rows", severity="warning",
                              cells=[c for r in rows for c in r.ids], message=f"{_NAMES[table]}没有读到数据行")]
    out = []
    first, cut = present[0], present[-1]
    before = rows[:first]
    inner = [r for r in rows[first:cut] if r.match is None and r.ids[0] not in excused]
    after = rows[cut + 1:]
    if before:
        out.append(Finding.build(
            rule="STRUCTURE", check=f"p{_num(table)}.cut_before", severity="warning",
            cells=[c for r in before for c in r.ids],
            message=f"表{table}从「{rows[first].label}」行才读到数据：此前 {len(before)} 行没有读到，记为缺失",
        ))
    if after:
        out.append(Finding.build(
            rule="STRUCTURE", check=f"p{_num(table)}.truncated", severity="warning",
            cells=[c for r in after for c in r.ids],
            message=f"表{table}在「{rows[cut].label}」行之后没有再读到数据：其后 {len(after)} 行记为缺失",
        ))
    if inner:
        out.append(Finding.build(
            rule="STRUCTURE", check=f"p{_num(table)}.rows_missing", severity="warning",
            cells=[c for r in inner for c in r.ids],
            message=f"表{table}缺少 {len(inner)} 行：" + "、".join(f"「{r.label}」" for r in inner),
        ))
    return out


def _single_other_row(template: str, t3: Table3) -> bool:
    if template != "2021" or "其他处理" not in t3.group_runs:
        return False
    return all(r.match is None for r in t3.rows if r.key in _OTHER_2021)


def _num(table: str) -> int:
    return {"二": 2, "三": 3, "四": 4}[table]
