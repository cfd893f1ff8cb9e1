"""cells.xlsx read back; formula-like text neutralised in every CSV and in the workbook."""
from __future__ import annotations

import csv
import json
import shutil

import openpyxl
import pyarrow as pa
import pytest

from extractor.batch import BatchOptions, export_folder, run_batch
from extractor.batch.export import neutralised
from extractor.batch.store import CSV_ENCODING
from schemas import cell_ids, specs
from tests.conftest import fixture_file

HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Two reports; the second one's issuer is rewritten to formula-like text, one signed cell negative."""
    root = tmp_path_factory.mktemp("xlsx")
    src = root / "in"
    src.mkdir()
    for name in ("003_589bf4f08d70f012", "004_a0c7fabfdf456585"):
        shutil.copy(fixture_file(name), src / fixture_file(name).name)
    out = root / "out"
    run_batch([str(src)], out, BatchOptions(jobs=1, backend="rules"))
    path = next(p for p in (out / "results").glob("*.json")
                if json.loads(p.read_text(encoding="utf-8"))["meta"]["template"] == "2019")
    result = json.loads(path.read_text(encoding="utf-8"))
    result["meta"]["issuer"] = HOSTILE[0]
    signed = next(cid for cid in cell_ids("2019") if specs("2019")[cid].signed)
    result["cells"][signed].update(value=-3, status="ok")
    path.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    export_folder(out, workers=1)
    return out, path.stem, signed


def test_sheets_headers_numbers_and_frozen_panes(folder):
    out, key, signed = folder
    book = openpyxl.load_workbook(out / "cells.xlsx")
    assert book.sheetnames == ["表二", "表三", "表四", "明细", "校验发现", "说明"]
    for part in ("二", "三", "四"):
        sheet = book[f"表{part}"]
        header = [c.value for c in sheet[1]]
        ids = [cid for cid in cell_ids(None) if specs(None)[cid].part == part]
        assert header[:3] == ["单位", "年度", "模板"] and len(header) == 3 + len(ids) + 1
        assert sheet.freeze_panes == "D2" and sheet.max_row == 3  # a row per report
    wide = pq_rows(out / "cells_wide.parquet")
    sheet = book["表三"]
    header = [c.value for c in sheet[1]]
    ids = [cid for cid in cell_ids(None) if specs(None)[cid].part == "三"]
    for r, row in enumerate(wide, start=2):
        for j, cid in enumerate(ids, start=4):
            cell = sheet.cell(r, j)
            if row[cid] is None:
                assert cell.value is None  # missing stays empty, never 0
            else:
                assert cell.data_type == "n" and cell.value == row[cid], (cid, header[j - 1])
    assert book["明细"].freeze_panes == "A2" and book["校验发现"].freeze_panes == "A2"
    long = book["明细"]
    assert long.max_row == 1 + len(cell_ids("2019")) + len(cell_ids("2021"))
    negative = next(r for r in long.iter_rows(min_row=2) if r[5].value == signed and r[0].value == key)
    assert negative[11].value == -3 and negative[11].data_type == "n"  # a negative number stays a number


def test_flagged_cells_are_highlighted(folder):
    out, _, _ = folder
    book = openpyxl.load_workbook(out / "cells.xlsx")
    flagged = [(r[0].value, r[5].value) for r in book["明细"].iter_rows(min_row=2) if r[12].value == "存疑"]
    assert flagged  # the samples have flagged cells
    long = {(r[0].value, r[5].value): r[11] for r in book["明细"].iter_rows(min_row=2)}
    assert all(long[k].fill.fgColor.rgb.endswith("FFEB9C") for k in flagged)
    ok = next(k for k, c in long.items() if k not in flagged and c.value is not None)
    assert not long[ok].fill.fgColor.rgb.endswith("FFEB9C")


def test_formula_like_text_is_neutralised_in_csv_and_xlsx(folder):
    out, key, _ = folder
    with open(out / "cells_wide.csv", newline="", encoding=CSV_ENCODING) as f:
        row = next(r for r in csv.DictReader(f) if r["key"] == key)
    assert row["issuer"] == "'" + HOSTILE[0]  # OWASP: a leading apostrophe
    book = openpyxl.load_workbook(out / "cells.xlsx")
    cell = next(r[0] for r in book["表二"].iter_rows(min_row=2) if r[0].value and "HYPERLINK" in r[0].value)
    assert cell.value == HOSTILE[0] and cell.data_type == "s" and cell.quotePrefix  # text, never a formula
    with open(out / "findings.csv", newline="", encoding=CSV_ENCODING) as f:
        issuers = {r["issuer"] for r in csv.DictReader(f) if r["key"] == key}
    assert issuers <= {"'" + HOSTILE[0]}


def test_neutralised_touches_only_formula_like_text():
    batch = pa.RecordBatch.from_pydict({"text": [*HOSTILE, "洪泽区", "a=b", None, "'=x"],
                                        "value": [-1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, None, 9.0]})
    out = neutralised(batch).to_pydict()
    assert out["text"] == [*("'" + h for h in HOSTILE), "洪泽区", "a=b", None, "'=x"]
    assert out["value"] == batch.to_pydict()["value"]  # numbers stay numbers


def pq_rows(path):
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def test_a_long_sheet_past_its_limit_keeps_the_cells_to_look_at_and_says_so(folder, monkeypatch, tmp_path):
    from extractor.batch import xlsx

    out, _, _ = folder
    monkeypatch.setattr(xlsx, "LONG_SHEET_MAX_ROWS", 50)
    path = xlsx.write_xlsx(out, target=tmp_path / "small.xlsx")
    book = openpyxl.load_workbook(path)
    statuses = {r[12].value for r in book["明细"].iter_rows(min_row=2)}
    assert book["明细"].max_row == 51 and "正常" not in statuses
    notes = [r[0].value for r in book["说明"].iter_rows()]
    assert any("cells.csv" in n and "50" in n for n in notes)


def test_no_xlsx_removes_an_old_workbook_so_it_never_disagrees(folder, tmp_path):
    out, _, _ = folder
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    assert (copy / "cells.xlsx").exists()
    export_folder(copy, workers=1, xlsx=False)
    assert not (copy / "cells.xlsx").exists() and (copy / "cells.csv").exists()


def test_the_workbook_does_not_depend_on_how_the_tables_are_read_in_batches(folder, monkeypatch, tmp_path):
    """The sheets stream the tables a batch at a time (memory stays flat in the number of reports),
    the marks of flagged cells read beside the wide rows: a batch of one row gives the same bytes."""
    from extractor.batch import xlsx

    out, _, _ = folder
    flagged = {r["key"] for r in pq_rows(out / "cells.parquet") if r["status"] == "flagged"}
    assert flagged and len({r["key"] for r in pq_rows(out / "cells_wide.parquet")}) == 2
    whole = xlsx.write_xlsx(out, target=tmp_path / "whole.xlsx").read_bytes()
    for name, value in (("BATCH_ROWS", 1), ("WIDE_BATCH_ROWS", 1), ("FINDINGS_BLOCK", 1 << 14)):
        monkeypatch.setattr(xlsx, name, value)
    assert xlsx.write_xlsx(out, target=tmp_path / "rows.xlsx").read_bytes() == whole
