"""The review store refuses a damaged or emptied file (naming it) and backs up before migrating."""
from __future__ import annotations

import sqlite3

import pytest

from extractor.cli.main import main
from extractor.errors import InputError
from extractor.review import store as store_module
from extractor.review.store import Store


def _with_decisions(path, n=3):
    with Store(path) as s:
        for i in range(n):
            s.record("doc", f"p3.cell{i}", 1, 2, "correct", "me")


def test_an_emptied_store_is_refused_not_started_afresh(tmp_path):
    path = tmp_path / "review.sqlite"
    _with_decisions(path)
    for extra in tmp_path.glob("review.sqlite-*"):
        extra.unlink()
    path.write_bytes(b"")
    with pytest.raises(InputError, match="review.sqlite.*empty"):
        Store(path)
    assert path.stat().st_size == 0  # left as it was


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped"])
def test_a_damaged_store_is_refused_naming_the_file(tmp_path, damage):
    path = tmp_path / "review.sqlite"
    _with_decisions(path, 200)
    data = bytearray(path.read_bytes())
    if damage == "garbage":
        data = bytearray(b"not a database at all" * 100)
    elif damage == "truncated":
        data = data[:100]
    else:
        for i in range(4096 + 8, len(data), 61):  # every page after the first
            data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    before = bytes(data)
    with pytest.raises(InputError, match=str(path)):
        Store(path)
    assert path.read_bytes() == before


def test_the_cli_names_the_damaged_store_and_exits_2(tmp_path, capsys):
    from extractor.batch import BatchOptions, run_batch
    from extractor.review.folder import open_folder
    from tests.conftest import fixture_file
    run_batch([str(fixture_file("003_589bf4f08d70f012"))], tmp_path / "out", BatchOptions(backend="rules", jobs=1))
    open_folder(tmp_path / "out").store_path.write_bytes(b"\x00garbage" * 600)
    capsys.readouterr()
    code = main(["review", "list", str(tmp_path / "out"), "--json"])
    err = capsys.readouterr().err
    assert code == 2 and "review.sqlite" in err and "internal error" not in err


def test_a_backup_is_taken_before_a_migration(tmp_path, monkeypatch):
    path = tmp_path / "review.sqlite"
    _with_decisions(path)
    monkeypatch.setattr(store_module, "_MIGRATIONS",
                        (*store_module._MIGRATIONS, "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY);"))
    with Store(path) as s:
        assert len(s.events()) == 3
    backup = tmp_path / "review.sqlite.bak-v1"
    with sqlite3.connect(backup) as db:
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 3
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert not (tmp_path / "review.sqlite.bak-v0").exists()


def test_a_new_store_takes_no_backup(tmp_path):
    Store(tmp_path / "review.sqlite").close()
    assert not list(tmp_path.glob("*.bak-*"))
