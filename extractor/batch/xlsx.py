"""``cells.xlsx``: the results folder's tables as one Excel workbook for people who use Excel or WPS.

Sheets, headers in Chinese:

- 表二, 表三, 表四: one row per report (单位, 年度, 模板, then that table's cells in the
  contract's order, then 文件); flagged cells yellow, reviewed cells green;
- 明细: one row per report × cell with the review provenance (the long table);
- 校验发现: the findings;
- 说明: what the colours mean, and where the long sheet was cut.

Built from ``cells_wide.parquet``, ``cells.parquet`` and ``findings.csv`` after they are
written, and moved into place whole. Numbers are stored as numbers, a missing value is an
empty cell (never 0), and text that a spreadsheet would take for a formula is stored with
Excel's quote prefix (shown as text, never evaluated).
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import xlsxwriter

from schemas import cell_ids, specs

PARTS = ("二", "三", "四")
# Excel holds 1,048,576 rows a sheet, but a cell costs XlsxWriter 3–6 µs of CPU (a row of the
# long sheet 60–130 µs): past this many cells (about 100 reports) the long sheet keeps only
# the cells that are not plain "ok", and at most this many of them.
LONG_SHEET_MAX_ROWS = 20_000
BATCH_ROWS = 4096  # rows read from the Parquet tables at a time: memory stays flat in the number of reports
# Tables are read on this thread (use_threads=False): the sheets are written one cell at a time anyway, and
# Arrow's reading threads each kept their own buffers (+20 MiB at 4,000 reports).
WIDE_BATCH_ROWS = 256  # of cells_wide, whose rows have ~230 values: a batch as Python objects is ~2 MiB
FINDINGS_BLOCK = 1 << 18  # bytes of findings.csv read at a time (~1,000 findings; a row, ≤ ~10 KiB, must fit)
STATUS_ZH = {"ok": "正常", "flagged": "存疑", "missing": "缺失", "corrected": "已审核"}
ACTION_ZH = {"accept": "确认原值", "repair": "采纳校验建议", "correct": "更正", "missing": "确认缺失"}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_LONG_COLUMNS = (  # (column in cells.parquet, Chinese header)
    ("key", "文件键"), ("path", "文件"), ("issuer", "单位"), ("year", "年度"), ("template", "模板"),
    ("cell", "单元格编号"), ("part", "部分"), ("table", "表"), ("row", "行"), ("column", "列"), ("unit", "计量单位"),
    ("value", "数值"), ("status", "状态"), ("confidence", "置信度"), ("review_action", "审核操作"),
    ("reviewer", "审核人"), ("reviewed_at", "审核时间（UTC）"), ("review_reason", "审核理由"),
    ("original_value", "原读取值"), ("original_span_start", "原文位置起"), ("original_span_end", "原文位置止"))
_FINDING_COLUMNS = (
    ("key", "文件键"), ("path", "文件"), ("issuer", "单位"), ("year", "年度"), ("template", "模板"),
    ("rule", "规则"), ("check", "检查项"), ("severity", "严重程度"), ("cells", "涉及单元格"), ("message", "说明"),
    ("expected", "应为"), ("actual", "实为"), ("repair_cell", "建议修改单元格"), ("repair_value", "建议值"),
    ("cause", "原因"), ("blocked_by", "缺失而无法校验的单元格"), ("previous_key", "上年文件键"))


def neutralise(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula (OWASP CSV injection)."""
    return text.startswith(_FORMULA_START)


def write_xlsx(root: Path, *, target: Path | None = None, sources: dict[str, Path] | None = None) -> Path:
    """Write ``root/cells.xlsx`` (or exactly ``target``, not moved) from the tables in ``root``
    (or the files ``sources`` names for ``cells``, ``cells_wide`` and ``findings``); return its path."""
    final = target or root / "cells.xlsx"
    tmp = target or root / f".cells.xlsx.{os.getpid()}.tmp"
    book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False,
                                          "strings_to_numbers": False, "strings_to_urls": False})
    # A fixed creation date: the same folder gives the same bytes (a resumed batch equals an
    # uninterrupted one); the file's own modification time says when it was written.
    book.set_properties({"created": datetime(2000, 1, 1, tzinfo=UTC), "title": "nianbao cells"})
    try:
        _Sheets(book, {"cells": root / "cells.parquet", "cells_wide": root / "cells_wide.parquet",
                       "findings": root / "findings.csv", **(sources or {})}).write_all()
    finally:
        book.close()
    if tmp != final:
        os.replace(tmp, final)
    return final


class _Sheets:
    def __init__(self, book: xlsxwriter.Workbook, sources: dict[str, Path]):
        self.book, self.sources = book, sources
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#D9E1F2",
                                       "border": 1})
        self.styles = {"flagged": book.add_format({"bg_color": "#FFEB9C"}),
                       "corrected": book.add_format({"bg_color": "#C6EFCE"})}
        self.quoted = book.add_format({"quote_prefix": True})
        self.notes: list[str] = []

    def write_all(self) -> None:
        self._wide_sheets()
        self._long_sheet()
        self._findings_sheet()
        self._legend()

    def _marks(self) -> Iterator[tuple[str, dict[str, object]]]:
        """``(key, {cell id: style})`` of each report with flagged or reviewed cells, in the order of
        ``cells.parquet`` (read a batch at a time: nothing here grows with the number of reports)."""
        wanted = _strings("flagged", "corrected")
        key, marked = "", {}  # type: str, dict[str, object]
        source = parquet_reader(self.sources["cells"])
        for batch in source.iter_batches(BATCH_ROWS, columns=["key", "cell", "status"], use_threads=False):
            batch = batch.filter(pc.is_in(batch.column(2), value_set=wanted))
            for k, cid, status in zip(*(batch.column(i).to_pylist() for i in range(3))):
                if k != key:
                    if marked:
                        yield key, marked
                    key, marked = k, {}
                marked[cid] = self.styles[status]
        if marked:
            yield key, marked

    def _wide_sheets(self) -> None:
        """表二, 表三 and 表四 in one pass over ``cells_wide.parquet``, each report's marks read beside
        it: both tables hold the reports in the same (key) order."""
        labels = specs(None)
        sheets = []
        for part in PARTS:
            ids = [cid for cid in cell_ids(None) if labels[cid].part == part]
            sheet = self.book.add_worksheet(f"表{part}")
            headers = ["单位", "年度", "模板", *(_label(labels[cid]) for cid in ids), "文件"]
            self._headers(sheet, headers, widths=[28, 8, 8, *([14] * len(ids)), 30])
            # Printed: A4 landscape, the header row and 单位/年度/模板 on every page.
            sheet.set_paper(9)
            sheet.set_landscape()
            sheet.repeat_rows(0)
            sheet.repeat_columns(0, 2)
            sheets.append((sheet, ids))
        all_ids = [cid for _, ids in sheets for cid in ids]
        names = ["key", "issuer", "year", "template", *all_ids, "path"]
        marks = self._marks()
        pending = next(marks, None)
        r = 0
        for batch in parquet_reader(self.sources["cells_wide"]).iter_batches(WIDE_BATCH_ROWS, columns=names, use_threads=False):
            key_col, issuer, year, template, *values, path = (batch.column(i).to_pylist() for i in range(len(names)))
            column_of = dict(zip(all_ids, values))
            for i, key in enumerate(key_col):
                r += 1
                while pending is not None and pending[0] < key:  # a report with no row here: none, by construction
                    pending = next(marks, None)
                marked = pending[1] if pending is not None and pending[0] == key else None
                for sheet, ids in sheets:
                    self._value(sheet, r, 0, issuer[i])
                    self._value(sheet, r, 1, year[i])
                    self._value(sheet, r, 2, template[i])
                    write_number, write_blank = sheet.write_number, sheet.write_blank
                    for j, cid in enumerate(ids):
                        value, style = column_of[cid][i], marked.get(cid) if marked else None
                        if value is not None:
                            write_number(r, j + 3, value, style)
                        elif style is not None:
                            write_blank(r, j + 3, None, style)
                    self._value(sheet, r, 3 + len(ids), path[i])
        for sheet, _ in sheets:
            sheet.freeze_panes(1, 3)

    def _long_sheet(self) -> None:
        sheet = self.book.add_worksheet("明细")
        self._headers(sheet, [zh for _, zh in _LONG_COLUMNS], widths=[18, 30, 28, 6, 6, 34, 5, 24, 30, 20, 8, 10, 8,
                                                                      8, 12, 10, 24, 24, 10, 10, 10])
        source = parquet_reader(self.sources["cells"])
        total = source.metadata.num_rows
        only_not_ok = total > LONG_SHEET_MAX_ROWS
        names = [name for name, _ in _LONG_COLUMNS]
        status_col, action_col, value_col = names.index("status"), names.index("review_action"), names.index("value")
        r = shown = 0
        for batch in source.iter_batches(BATCH_ROWS, columns=names, use_threads=False):
            if only_not_ok:
                batch = batch.filter(pc.not_equal(batch.column(status_col), "ok"))
            shown += batch.num_rows
            room = LONG_SHEET_MAX_ROWS - r
            if room <= 0:
                continue  # counting what is left out
            columns = [batch.column(j).to_pylist()[:room] for j in range(len(names))]
            for i in range(len(columns[0])):
                r += 1
                status = columns[status_col][i]
                for j, values in enumerate(columns):
                    value = values[i]
                    if j == status_col:
                        value = STATUS_ZH.get(value, value)
                    elif j == action_col and value:
                        value = ACTION_ZH.get(value, value)
                    self._value(sheet, r, j, value, self.styles.get(status) if j == value_col else None)
        if only_not_ok:
            self.notes.append(f"全部 {total} 个单元格超过 {LONG_SHEET_MAX_ROWS} 行，明细表只列出状态不是“正常”的 "
                              f"{min(shown, LONG_SHEET_MAX_ROWS)} 个；全部单元格见 cells.csv / cells.parquet。")
        if shown > LONG_SHEET_MAX_ROWS:
            self.notes.append(f"状态不是“正常”的单元格有 {shown} 个，明细表只列出前 {LONG_SHEET_MAX_ROWS} 个；"
                              "完整数据见 cells.csv / cells.parquet。")
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(r, 1), len(_LONG_COLUMNS) - 1)

    def _findings_sheet(self) -> None:
        sheet = self.book.add_worksheet("校验发现")
        self._headers(sheet, [zh for _, zh in _FINDING_COLUMNS],
                      widths=[18, 30, 28, 6, 6, 6, 16, 8, 30, 80, 8, 8, 24, 8, 10, 30, 18])
        severity_col = [name for name, _ in _FINDING_COLUMNS].index("severity")
        r = 0
        # A batch at a time: findings.csv holds a few KiB a report (GiB at a million reports).
        for batch in pacsv.open_csv(self.sources["findings"], read_options=pacsv.ReadOptions(block_size=FINDINGS_BLOCK, use_threads=False),
                                    convert_options=pacsv.ConvertOptions(column_types=_finding_types())):
            columns = [batch.column(name).to_pylist() for name, _ in _FINDING_COLUMNS]
            for i in range(batch.num_rows):
                r += 1
                for j, values in enumerate(columns):
                    value = values[i]
                    if j == severity_col:
                        value = SEVERITY_ZH.get(value, value)
                    self._value(sheet, r, j, _unquote(value))
        sheet.freeze_panes(1, 0)

    def _legend(self) -> None:
        sheet = self.book.add_worksheet("说明")
        sheet.set_column(0, 0, 100)
        lines = [("黄色：存疑的值（读取器之间不一致、违反校验规则或置信度低），请核对原文。", self.styles["flagged"]),
                 ("绿色：已审核的值（审核人确认、更正或采纳校验建议；见“明细”表的审核列）。", self.styles["corrected"]),
                 ("空白：报告中没有找到的值（缺失），不是 0。", None),
                 ("数据来源：cells.csv / cells.parquet（明细）、cells_wide（宽表）、findings.csv（校验发现）。", None),
                 *((note, None) for note in self.notes)]
        for r, (text, style) in enumerate(lines):
            sheet.write_string(r, 0, text, style)

    def _headers(self, sheet, headers: list[str], widths: list[int]) -> None:
        for j, (text, width) in enumerate(zip(headers, widths)):
            sheet.set_column(j, j, width)
            sheet.write_string(0, j, text, self.header)
        sheet.set_row(0, 48)

    def _value(self, sheet, r: int, c: int, value, style=None) -> None:
        if value is None:
            if style is not None:
                sheet.write_blank(r, c, None, style)
        elif isinstance(value, (int, float)):
            sheet.write_number(r, c, value, style)
        elif neutralise(value):
            sheet.write_string(r, c, value, self.quoted)
        else:
            sheet.write_string(r, c, value, style)


def parquet_reader(path: Path) -> pq.ParquetFile:
    """A Parquet file to read a batch at a time. Without ``pre_buffer`` (on by default), Arrow
    keeps something of every row group it has read until the file is closed: ~13 MiB reading the
    whole long table of 50,000 reports (196 row groups), under 1 MiB like this."""
    return pq.ParquetFile(path, pre_buffer=False)


def _label(spec) -> str:
    """``row｜column（unit）``; the unit only where the official column label does not name it."""
    return f"{spec.row}｜{spec.column}" + ("" if spec.unit in spec.column else f"（{spec.unit}）")


def _strings(*values: str):
    import pyarrow as pa

    return pa.array(values, pa.string())


def _finding_types() -> dict:
    import pyarrow as pa

    numeric = {"year": pa.int32(), "expected": pa.float64(), "actual": pa.float64(), "repair_value": pa.float64()}
    return {name: numeric.get(name, pa.string()) for name, _ in _FINDING_COLUMNS}


def _unquote(value):
    """findings.csv neutralises formula-like text with a leading apostrophe; the sheet uses Excel's
    quote prefix instead, so the value is shown as the report has it."""
    if isinstance(value, str) and value.startswith("'") and neutralise(value[1:]):
        return value[1:]
    return value
