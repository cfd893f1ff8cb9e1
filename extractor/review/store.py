"""The review store: an append-only audit log of decisions in SQLite (DIR/review.sqlite).

Every decision is one INSERT committed before the call returns, in WAL mode with
``synchronous=FULL``: a process killed at any moment loses nothing it already recorded.
Nothing is ever updated or deleted (triggers refuse it); the current state of a cell is
derived from the log, and undo is one more appended event. A damaged store, or one emptied
to 0 bytes, is refused with a message naming it (never silently started afresh), and a
copy is taken (``review.sqlite.bak-v<N>``) before a migration changes an existing store.
"""
from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from extractor.errors import InputError
from schemas.result import Number

Action = Literal["accept", "repair", "correct", "missing", "undo"]
DECISIONS: tuple[Action, ...] = ("accept", "repair", "correct", "missing")

# Ordered migrations; the index + 1 is the schema's user_version. Each is idempotent (or its
# "duplicate column" error is taken as done), so two processes opening a new store at once both succeed.
_MIGRATIONS = (
    """
    CREATE TABLE IF NOT EXISTS events (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        doc      TEXT NOT NULL,            -- source sha256
        cell     TEXT NOT NULL,            -- cell id (cells.tsv)
        old      TEXT,                     -- JSON value before the decision
        new      TEXT,                     -- JSON value after it (null = missing)
        action   TEXT NOT NULL CHECK (action IN ('accept', 'repair', 'correct', 'missing', 'undo')),
        at       TEXT NOT NULL,            -- UTC, ISO 8601
        reviewer TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS events_doc ON events (doc, cell);
    CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
    CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
    """,
    # 2: the reviewer's reason for a decision (free text, optional).
    "ALTER TABLE events ADD COLUMN reason TEXT",
)


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    doc: str
    cell: str
    old: Number | None
    new: Number | None
    action: Action
    at: str
    reviewer: str
    reason: str | None = None


class Store:
    """The audit log of one results folder."""

    def __init__(self, path: Path):
        self.path = Path(path)
        _refuse_emptied(self.path)
        try:
            # isolation_level=None: autocommit, so each INSERT is its own durable transaction.
            self._db = sqlite3.connect(path, isolation_level=None, timeout=10.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            check = self._db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(check)
            self._migrate()
        except sqlite3.DatabaseError as e:  # not a database, damaged pages, an unknown schema
            if getattr(self, "_db", None) is not None:
                self._db.close()
            raise InputError(f"{self.path}: the review store is damaged ({e}); nothing was changed. Restore it "
                             f"from a backup ({self.path.name}.bak-*), or move it away to start a new one") from None

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(_MIGRATIONS):
            raise InputError(f"{self.path}: the review store was written by a newer nianbao (schema {version})")
        if version < len(_MIGRATIONS) and self._db.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'events'").fetchone()[0]:
            self._backup(version)
        for i, script in enumerate(_MIGRATIONS[version:], start=version + 1):
            try:
                self._db.executescript(f"BEGIN IMMEDIATE; {script}; PRAGMA user_version={i}; COMMIT;")
            except sqlite3.OperationalError as e:  # another process added the column first
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if "duplicate column" not in str(e):
                    raise

    def _backup(self, version: int) -> None:
        """A full copy beside the store before a migration changes it (``review.sqlite.bak-v1``)."""
        target = self.path.with_name(f"{self.path.name}.bak-v{version}")
        if not target.exists():
            with sqlite3.connect(target) as copy:
                self._db.backup(copy)
            copy.close()

    def record(self, doc: str, cell: str, old: Number | None, new: Number | None,
               action: Action, reviewer: str, reason: str | None = None) -> Event:
        at = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        cur = self._db.execute(
            "INSERT INTO events (doc, cell, old, new, action, at, reviewer, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (doc, cell, json.dumps(old), json.dumps(new), action, at, reviewer, reason))
        return Event(cur.lastrowid or 0, doc, cell, old, new, action, at, reviewer, reason)

    def events(self, doc: str | None = None) -> list[Event]:
        sql = "SELECT id, doc, cell, old, new, action, at, reviewer, reason FROM events"
        rows = self._db.execute(sql + " WHERE doc = ? ORDER BY id" if doc else sql + " ORDER BY id",
                                (doc,) if doc else ())
        return [Event(i, d, c, json.loads(o), json.loads(n), a, t, r, why) for i, d, c, o, n, a, t, r, why in rows]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _refuse_emptied(path: Path) -> None:
    """A store that exists but holds 0 bytes has lost its decisions (truncated, a failed copy):
    opening it would silently start an empty log. Another process creating the store at this
    moment holds it empty for a few milliseconds only, so a second look tells them apart."""
    for _attempt in range(3):
        try:
            if path.stat().st_size > 0 or Path(f"{path}-wal").exists():
                return
        except FileNotFoundError:
            return  # a new store
        time.sleep(0.2)
    raise InputError(f"{path}: the review store is empty (0 bytes): its decisions are gone. Restore it from a "
                     f"backup ({path.name}.bak-*), or delete the empty file to start a new one")


def current(events: list[Event]) -> dict[tuple[str, str], Event]:
    """The decision in force per (doc, cell): each undo cancels the latest decision still in force."""
    stacks: dict[tuple[str, str], list[Event]] = {}
    for event in events:
        stack = stacks.setdefault((event.doc, event.cell), [])
        if event.action == "undo":
            if stack:
                stack.pop()
        else:
            stack.append(event)
    return {key: stack[-1] for key, stack in stacks.items() if stack}
