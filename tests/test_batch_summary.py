"""An honest summary: every input file has a status that says what happened, and every file not
read is listed with its reason and what to do."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from extractor.batch import BatchOptions, run_batch
from extractor.batch.summary import STATUSES, Tally, status_of_error, status_of_result
from tests.conftest import fixture_file

NO_TABLES = ("某县审计局2023年政府信息公开工作年度报告\n一、总体情况\n本年度我局依法做好政府信息公开工作。\n"
             "二、主动公开政府信息情况\n（表格见附件）\n")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("honest")
    src = root / "in"
    src.mkdir()
    shutil.copy(fixture_file("003_589bf4f08d70f012"), src / "report.txt")
    (src / "no-tables.txt").write_text(NO_TABLES, encoding="utf-8")
    (src / "story.txt").write_text("今天天气很好，我们去公园散步。" * 5, encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 word 97")
    (src / "report.wps").write_bytes(b"wps")
    (src / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (src / "table.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    out = root / "out"
    return src, out, run_batch([str(src)], out, BatchOptions(jobs=1, backend="rules"))


def test_every_file_has_a_status_that_says_what_happened(batch):
    _, _, summary = batch
    assert summary["files"]["by_status"] == {"read": 0, "partly_read": 1, "empty": 2, "not_a_report": 1,
                                             "unsupported": 4, "error": 0}


def test_every_file_not_read_is_listed_with_its_reason(batch):
    src, _, summary = batch
    listed = {item["path"]: item for item in summary["files"]["not_read"]}
    assert set(listed) == {str(src / n) for n in ("no-tables.txt", "story.txt", "empty.txt", "old.doc",
                                                   "report.wps", "photo.jpg", "table.xls")}
    assert listed[str(src / "no-tables.txt")]["reason"] == "no_value"  # extracted, but no value found: not "ok"
    assert listed[str(src / "empty.txt")]["status"] == "empty"
    assert listed[str(src / "story.txt")]["status"] == "not_a_report"
    for name in ("old.doc", "report.wps"):
        assert "save it as .docx" in listed[str(src / name)]["message"]
    assert "OCR" in listed[str(src / "photo.jpg")]["message"]


@pytest.mark.parametrize(("lang", "needles"), [
    ("zh", ["部分读取 1", "格式不支持 4", "另存为 .docx", "OCR", "未读取的文件（7 个）"]),
    ("en", ["1 partly read", "4 unsupported format", "save it as .docx", "OCR", "files not read (7)"]),
])
def test_the_cli_says_what_to_do_with_each(batch, lang, needles):
    src, out, _ = batch
    proc = subprocess.run([sys.executable, "-m", "extractor.cli.main", "--lang", lang, "batch", str(src),
                           "--out", str(out), "--jobs", "1", "--backend", "rules"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    for needle in needles:
        assert needle in proc.stdout, proc.stdout


def test_statuses_from_cells_and_reasons():
    cells = lambda *values: {"cells": {str(i): {"value": v, "status": "missing" if v is None else "ok"}
                                      for i, v in enumerate(values)}}  # noqa: E731
    assert [status_of_result(cells(1, 0)), status_of_result(cells(1, None)), status_of_result(cells(None))] == \
        ["read", "partly_read", "empty"]
    assert [status_of_error(r) for r in ("unsupported", "no_text_layer", "empty", "not_a_report", "timeout",
                                         "crashed", "internal_error", None)] == \
        ["unsupported", "unsupported", "empty", "not_a_report", "error", "error", "error", "error"]
    tally = Tally()
    tally.add_result({"meta": {"template": "2021"}, **cells(1, 2)}, "k1")
    summary = tally.as_dict({"a.txt": "k1", "b.pdf": "k2"}, {"k1", "k2"}, {},
                            {"k2": {"reason": "timeout", "message": "no result after 1 s"}})
    assert summary["files"]["by_status"] == dict.fromkeys(STATUSES, 0) | {"read": 1, "error": 1}
    assert summary["files"]["not_read"] == [{"path": "b.pdf", "status": "error", "reason": "timeout",
                                             "message": "no result after 1 s"}]


def test_key_statuses_hold_a_byte_a_report_and_answer_like_the_dict():
    from extractor.batch.summary import KeyStatuses

    keys = ["a1", "b2", "c3"]
    statuses = {"a1": "read", "b2": "empty", "c3": "partly_read"}
    compact = KeyStatuses(keys)
    compact.update({"a1": "read", "b2": "empty"})
    compact["c3"] = "partly_read"
    assert len(compact.codes) == 3 and dict(compact.items()) == statuses
    assert all(k in compact and compact[k] == s for k, s in statuses.items())
    assert "zz" not in compact and 3 not in compact
    with pytest.raises(KeyError):
        compact["b"]
    with pytest.raises(ValueError):  # out of order: the lookup would be wrong, so it is refused
        KeyStatuses(keys).update({"b2": "read"})


@pytest.mark.parametrize("keys", [["a1", "b2", "c3", "d4"], ["a", "bb", "c"], [], ["x1"]])
def test_sorted_keys_in_one_string_read_and_bisect_like_the_list(keys):
    import bisect

    from extractor.batch.summary import KeyStatuses, SortedKeys

    packed = SortedKeys(keys)
    assert len(packed) == len(keys) and list(packed) == keys
    assert [packed[i] for i in range(-len(keys), len(keys))] == keys + keys
    assert [packed.slice(i, i + 2) for i in range(0, 5, 2)] == [keys[i:i + 2] for i in range(0, 5, 2)]
    for probe in [*keys, "0", "b", "zz"]:
        assert bisect.bisect_left(packed, probe) == bisect.bisect_left(keys, probe)
    with pytest.raises(IndexError):
        packed[len(keys)]
    statuses = KeyStatuses(packed)
    statuses.update(dict.fromkeys(keys, "read"))
    assert dict(statuses.items()) == dict.fromkeys(keys, "read") and all(k in statuses for k in keys)
    assert "b" not in statuses


def test_the_compact_inputs_index_gives_the_summary_the_dict_gives(monkeypatch):
    from extractor.batch.summary import Either, SortedInputs

    monkeypatch.setattr(SortedInputs, "STEP", 2)  # several slices
    inputs = {"z.txt": "k1", "a.txt": "k1", "m.pdf": "k2", "b.doc": "k3", "c.txt": "k4"}
    errors = {"k2": {"reason": "timeout", "message": "no result after 1 s"}, "k3": {"reason": "unsupported"}}
    tally = Tally()
    tally.add_result({"meta": {"template": "2021"}, "cells": {"x": {"value": 1, "status": "ok"}}}, "k1")
    settled = {"k1", "k2", "k3"}
    want = tally.as_dict(inputs, settled, {}, errors)
    got = tally.as_dict(SortedInputs(inputs), Either({"k1"}, errors), {}, errors)
    assert got == want and got["documents"]["pending"] == 1 and got["documents"]["distinct_inputs"] == 4
    assert list(SortedInputs(inputs).items()) == sorted(inputs.items())
