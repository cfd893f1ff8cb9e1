"""Review decisions reach the data: batch → ``nianbao review set`` → ``nianbao export`` puts the
corrected value with its provenance into cells.csv, cells.parquet, cells.xlsx and summary.json;
a re-run of the batch keeps it; a failed export leaves the previous outputs whole."""
from __future__ import annotations

import csv
import json
import shutil

import openpyxl
import pyarrow.parquet as pq
import pytest

from extractor.batch import BatchOptions, export_folder, run_batch
from extractor.batch import export as export_module
from extractor.batch.store import CSV_ENCODING
from extractor.cli.main import main
from tests.conftest import fixture_file

DOC, CELL = "003_589bf4f08d70f012.txt", "p3.new_received.total"
OUTPUTS = ("cells.csv", "cells.parquet", "cells_wide.csv", "cells_wide.parquet", "findings.csv", "inputs.csv",
           "cells.xlsx", "summary.json")


@pytest.fixture()
def reviewed(tmp_path, capsys):
    """A batch over sample 003, one correction recorded from the command line, then exported."""
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(fixture_file("003_589bf4f08d70f012"), src / DOC)
    out = tmp_path / "out"
    run_batch([str(src)], out, BatchOptions(jobs=1, backend="rules"))
    before = _original(out)
    assert before["value"] != 7  # the test means something only if 7 is a change
    assert main(["--lang", "en", "review", "set", str(out), DOC, CELL, "7", "--reviewer", "tester",
                 "--reason", "checked against the PDF"]) == 0
    assert main(["--lang", "en", "export", str(out)]) == 0
    capsys.readouterr()
    return src, out, before


def _original(out):
    result = json.loads(next((out / "results").glob("*.json")).read_text(encoding="utf-8"))
    return result["cells"][CELL]


def _csv_row(out):
    with open(out / "cells.csv", newline="", encoding=CSV_ENCODING) as f:
        return next(r for r in csv.DictReader(f) if r["cell"] == CELL)


def _check_provenance(row, before):
    assert float(row["value"]) == 7 and row["status"] == "corrected"
    assert row["reviewer"] == "tester" and row["review_action"] == "correct"
    assert row["review_reason"] == "checked against the PDF" and row["reviewed_at"]
    assert float(row["original_value"]) == before["value"]
    assert [int(row["original_span_start"]), int(row["original_span_end"])] == before["span"]


def test_correction_reaches_csv_parquet_xlsx_and_summary(reviewed):
    _, out, before = reviewed
    _check_provenance(_csv_row(out), before)

    table = pq.read_table(out / "cells.parquet").to_pylist()
    row = next(r for r in table if r["cell"] == CELL)
    _check_provenance({k: "" if v is None else v for k, v in row.items()}, before)
    others = [r for r in table if r["cell"] != CELL]
    assert all(r["reviewer"] is None and r["status"] != "corrected" for r in others)  # only the decided cell

    book = openpyxl.load_workbook(out / "cells.xlsx")
    long = book["明细"]
    header = [c.value for c in long[1]]
    line = next(dict(zip(header, (c.value for c in r))) for r in long.iter_rows(min_row=2) if r[5].value == CELL)
    assert line["数值"] == 7 and line["状态"] == "已审核" and line["审核人"] == "tester"
    assert line["审核操作"] == "更正" and line["审核理由"] == "checked against the PDF"
    assert line["原读取值"] == before["value"] and [line["原文位置起"], line["原文位置止"]] == before["span"]
    wide = book["表三"]
    col = next(i for i, c in enumerate(wide[1], start=1) if c.value == "一、本年新收政府信息公开申请数量｜总计（件）")
    cell = wide.cell(2, col)
    assert cell.value == 7 and cell.fill.fgColor.rgb.endswith("C6EFCE")  # green: reviewed

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["review"] == {"documents": 1, "cells_reviewed": 1, "corrected": 1, "accepted": 0,
                                 "marked_missing": 0, "last_event": 1}
    assert summary["cells"]["corrected"] == 1


def test_rerun_of_the_batch_never_overwrites_a_reviewed_cell(reviewed):
    src, out, before = reviewed
    run_batch([str(src)], out, BatchOptions(jobs=1, backend="rules", force=True))  # extracted again
    assert _original(out)["value"] == before["value"]  # results/ keep what the readers read …
    _check_provenance(_csv_row(out), before)  # … and the tables the reviewer's value


def test_accept_and_missing_are_counted_apart(reviewed, capsys):
    _, out, _ = reviewed
    assert main(["review", "set", str(out), DOC, "p4.review.total", "missing"]) == 0
    summary = export_folder(out)
    assert (summary["review"]["cells_reviewed"], summary["review"]["marked_missing"]) == (2, 1)
    row = next(r for r in pq.read_table(out / "cells.parquet").to_pylist() if r["cell"] == "p4.review.total")
    assert row["value"] is None and row["status"] == "missing" and row["review_action"] == "missing"


def test_a_failed_export_leaves_every_previous_output_whole(reviewed, monkeypatch, capsys):
    _, out, _ = reviewed
    before = {name: (out / name).read_bytes() for name in OUTPUTS}
    assert main(["review", "set", str(out), DOC, CELL, "8"]) == 0

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # as if the process died while writing the workbook

    monkeypatch.setattr(export_module, "write_xlsx", killed)
    with pytest.raises(KeyboardInterrupt):
        export_folder(out)
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == before  # all old, none half-new
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.undo()
    summary = export_folder(out)
    assert float(_csv_row(out)["value"]) == 8 and summary["review"]["last_event"] == 2


def test_a_store_from_before_reasons_gains_the_column_and_keeps_its_events(tmp_path):
    import sqlite3

    from extractor.review.store import _MIGRATIONS, Store

    path = tmp_path / "review.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(f"BEGIN; {_MIGRATIONS[0]}; PRAGMA user_version=1; COMMIT;")
    db.execute("INSERT INTO events (doc, cell, old, new, action, at, reviewer) VALUES "
               "('abc', 'p4.review.total', '0', '11', 'repair', '2024-01-01T00:00:00Z', 'old')")
    db.close()
    with Store(path) as store, Store(path) as again:  # two openers: the migration runs once
        store.record("abc", "p4.review.total", 11, 12, "correct", "new", "typo in the PDF")
        events = again.events()
    assert [(e.reviewer, e.reason) for e in events] == [("old", None), ("new", "typo in the PDF")]
