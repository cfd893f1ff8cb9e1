"""The review store: append-only, state derived from the log, durable under SIGKILL."""
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from extractor.review.store import Store, current


def test_wal_and_append_only(tmp_path):
    with Store(tmp_path / "review.sqlite") as store:
        store.record("sha", "p4.review.total", 0, 11, "repair", "ana")
    db = sqlite3.connect(tmp_path / "review.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    for sql in ("UPDATE events SET new = '12'", "DELETE FROM events"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(sql)
    assert db.execute("SELECT doc, cell, old, new, action, reviewer FROM events").fetchall() == [
        ("sha", "p4.review.total", "0", "11", "repair", "ana")]


def test_state_is_derived_from_the_log_and_undo_is_an_event(tmp_path):
    with Store(tmp_path / "review.sqlite") as store:
        store.record("d", "x", 0, 1, "correct", "ana")
        store.record("d", "x", 1, 2, "correct", "ana")
        store.record("d", "y", 5, None, "missing", "ana")
        store.record("e", "x", 3, 3, "accept", "bo")
        store.record("d", "x", 2, 1, "undo", "ana")
        store.record("d", "y", None, 5, "undo", "ana")
        store.record("d", "y", None, 5, "undo", "ana")  # nothing left to undo: no effect
        events = store.events()
        assert len(events) == 7 and [e.action for e in store.events("e")] == ["accept"]
    state = {key: (e.action, e.new) for key, e in current(events).items()}
    assert state == {("d", "x"): ("correct", 1), ("e", "x"): ("accept", 3)}


def test_reopening_keeps_every_event(tmp_path):
    for i in range(3):
        with Store(tmp_path / "review.sqlite") as store:
            store.record("d", f"c{i}", None, 308.7, "correct", "ana")
    with Store(tmp_path / "review.sqlite") as store:
        assert [(e.cell, e.new) for e in store.events()] == [(f"c{i}", 308.7) for i in range(3)]


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from extractor.review.store import Store
    store = Store(Path(sys.argv[1]))
    for i in range(1_000_000):
        event = store.record("doc", f"cell{i}", None, i, "correct", "w")
        print(event.id, flush=True)
""")


def test_sigkill_while_writing_as_fast_as_it_can(tmp_path):
    """Killed in the middle of the write loop (most of its time is spent committing)."""
    path = tmp_path / "review.sqlite"
    for run in range(3):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
        first = int(proc.stdout.readline())  # started, and committed one
        time.sleep(0.05 + 0.07 * run)
        os.kill(proc.pid, signal.SIGKILL)
        reported = [first, *map(int, proc.stdout.read().split())]
        proc.wait()
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        ids = [i for (i,) in db.execute("SELECT id FROM events ORDER BY id")]
        db.close()
        assert set(reported) <= set(ids) and ids == list(range(1, len(ids) + 1))
