"""Hostile inputs to a batch and to extract: odd file names, special files, folders where files
are expected, the results folder given as input, text in UTF-16 without a byte-order mark."""
from __future__ import annotations

import csv
import json
import os

import pytest

from extractor.batch import BatchOptions, run_batch
from extractor.batch.store import CSV_ENCODING
from extractor.cli.main import main
from extractor.errors import InputError
from extractor.load import load
from tests.conftest import fixture_file

GOOD = ("001_9a2f7be38055e01f", "002_f1b7a6577c4363b9")


def _inputs(root):
    root.mkdir()
    for i, name in enumerate(GOOD):
        (root / f"good{i}.txt").write_bytes(fixture_file(name).read_bytes())
    return root


def _rows(out):
    with open(out / "inputs.csv", newline="", encoding=CSV_ENCODING) as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("raw_name", [b"bad-\xff\xfe.txt", b"\xc3(\xa0\xa1.txt", b"gbk-\xd5\xfe\xb8\xae.txt"])
def test_a_non_utf8_name_does_not_stop_the_batch(tmp_path, raw_name):
    src = _inputs(tmp_path / "in")
    text = fixture_file("003_589bf4f08d70f012").read_bytes()
    (src / os.fsdecode(raw_name)).write_bytes(text)
    (src / os.fsdecode(b"broken-\xff.pdf")).write_bytes(b"%PDF-1.4 nothing")
    out = tmp_path / "out"
    summary = run_batch([str(src)], out, BatchOptions(backend="rules", jobs=1))
    assert summary["documents"]["ok"] == 3 and summary["documents"]["failed"] == 1
    rows = _rows(out)
    assert len(rows) == 4
    shown = {r["path"]: r for r in rows}
    name = raw_name.decode("utf-8", "backslashreplace")
    assert shown[f"{src}/{name}"]["outcome"] == "ok"
    broken = shown[f"{src}/broken-\\xff.pdf"]
    assert broken["outcome"] == "unreadable" and "\\xff" in broken["message"]
    for f in out.rglob("*"):
        if f.is_file() and f.suffix in (".csv", ".json", ".txt"):
            f.read_text(encoding="utf-8-sig")  # every output is valid UTF-8
    again = run_batch([str(src)], out, BatchOptions(backend="rules", jobs=1))  # and resumes
    assert again["last_run"]["processed"] == 0


def test_special_files_fail_alone_in_a_batch(tmp_path):
    src = _inputs(tmp_path / "in")
    os.mkfifo(src / "fifo.pdf")
    (src / "zero.txt").symlink_to("/dev/zero")
    with open(src / "huge.html", "wb") as f:
        f.truncate(21 << 20)  # over the 20 MiB limit for web pages
    out = tmp_path / "out"
    summary = run_batch([str(src)], out, BatchOptions(backend="rules", jobs=1, timeout=20))
    assert summary["documents"]["ok"] == 2
    reasons = {r["path"].rsplit("/", 1)[1]: r["outcome"] for r in _rows(out)}
    assert reasons["fifo.pdf"] == "unreadable" and reasons["zero.txt"] == "unreadable"
    assert reasons["huge.html"] == "too_large"


def test_an_empty_folder_named_like_a_file_is_an_error(tmp_path, capsys):
    (tmp_path / "x.txt").mkdir()
    with pytest.raises(InputError, match="no .txt"):
        run_batch([str(tmp_path / "x.txt")], tmp_path / "out")
    assert main(["extract", str(tmp_path / "x.txt")]) == 2
    assert "x.txt" in capsys.readouterr().err


def test_the_results_folder_as_input_is_refused_before_anything_is_written(tmp_path):
    src = _inputs(tmp_path / "in")
    for args in ([str(src)], [str(src / "*.txt")], [str(src / "good0.txt")]):
        with pytest.raises(InputError, match="results folder"):
            run_batch(args, src)
    assert sorted(p.name for p in src.iterdir()) == ["good0.txt", "good1.txt"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_decoded(tmp_path, codec):
    text = fixture_file("001_9a2f7be38055e01f").read_text(encoding="utf-8")
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode(codec))
    assert load(path).text == load(text).text


def test_exit_2_and_one_line_for_every_input_error(tmp_path, capsys):
    os.mkfifo(tmp_path / "f.pdf")
    assert main(["extract", str(tmp_path / "f.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a regular file" in err
    json.dumps(err)
