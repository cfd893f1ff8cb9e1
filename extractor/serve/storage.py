"""The service's data folder: a catalogue of batches in SQLite, uploads under generated names.

    DATA/serve.sqlite                 batches and their files (the client's names, for display)
    DATA/batches/<id>/inputs/0001.pdf an upload, named by its place in the batch and its sniffed format
    DATA/batches/<id>/out/            the batch's results folder (docs/results-folder.md), review store inside

A batch is accepted only once every upload is on disk (fsynced) and its rows are committed,
so a server killed after answering loses nothing: on restart, every batch not yet done is
run again, and the batch run skips the documents already extracted.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from extractor.resultsdir import key_of
from extractor.serve.uploads import Upload

BATCH_ID = re.compile(r"^[0-9a-f]{16}$")
STATUSES = ("queued", "running", "done", "failed")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    id       TEXT PRIMARY KEY,
    created  TEXT NOT NULL,
    status   TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    message  TEXT,
    skipped  TEXT NOT NULL DEFAULT '[]'   -- JSON: zip members that were not reports
);
CREATE TABLE IF NOT EXISTS files (
    batch    TEXT NOT NULL REFERENCES batches (id),
    n        INTEGER NOT NULL,
    name     TEXT NOT NULL,               -- as the client called it: shown, never used as a path
    stored   TEXT NOT NULL,               -- the generated name under inputs/
    format   TEXT NOT NULL,
    sha256   TEXT NOT NULL,
    size     INTEGER NOT NULL,
    PRIMARY KEY (batch, n)
);
"""


@dataclass(frozen=True, slots=True)
class Batch:
    id: str
    created: str
    status: str
    message: str | None
    skipped: list[str]


@dataclass(frozen=True, slots=True)
class StoredFile:
    n: int
    name: str
    stored: str
    format: str
    sha256: str
    size: int

    @property
    def key(self) -> str:
        return key_of(self.sha256)


class Catalogue:
    def __init__(self, data_dir: Path):
        self.root = data_dir
        (self.root / "batches").mkdir(parents=True, exist_ok=True)
        (self.root / "tmp").mkdir(exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.root / "serve.sqlite", isolation_level=None, timeout=10.0,
                                   check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._remove_unaccepted()

    # ------------------------------------------------------------------ paths
    def batch_dir(self, batch_id: str) -> Path:
        if not BATCH_ID.match(batch_id):  # ids are ours; anything else never reaches the disk
            raise ValueError(f"not a batch id: {batch_id!r}")
        return self.root / "batches" / batch_id

    def inputs(self, batch_id: str) -> Path:
        return self.batch_dir(batch_id) / "inputs"

    def out(self, batch_id: str) -> Path:
        return self.batch_dir(batch_id) / "out"

    def temp_path(self, fmt: str) -> Path:
        return self.root / "tmp" / f"{secrets.token_hex(8)}.{fmt}"

    # ------------------------------------------------------------------ writes
    def add_batch(self, uploads: list[Upload], skipped: list[str]) -> Batch:
        """Store the uploads and commit the batch: after this returns, it survives a kill."""
        batch_id = secrets.token_hex(8)
        inputs = self.inputs(batch_id)
        inputs.mkdir(parents=True)
        rows = []
        for n, upload in enumerate(uploads, start=1):
            stored = f"{n:04d}.{upload.format}"
            _write_durably(inputs / stored, upload.data)
            rows.append((batch_id, n, upload.name, stored, upload.format,
                         hashlib.sha256(upload.data).hexdigest(), len(upload.data)))
        _fsync_dir(inputs)
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("INSERT INTO batches (id, created, status, skipped) VALUES (?, ?, 'queued', ?)",
                             (batch_id, created, json.dumps(skipped, ensure_ascii=False)))
            self._db.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            self._db.execute("COMMIT")
        return Batch(batch_id, created, "queued", None, skipped)

    def set_status(self, batch_id: str, status: str, message: str | None = None) -> None:
        with self._lock:
            self._db.execute("UPDATE batches SET status = ?, message = ? WHERE id = ?", (status, message, batch_id))

    # ------------------------------------------------------------------ reads
    def batch(self, batch_id: str) -> Batch | None:
        if not BATCH_ID.match(batch_id):
            return None
        with self._lock:
            row = self._db.execute("SELECT id, created, status, message, skipped FROM batches WHERE id = ?",
                                   (batch_id,)).fetchone()
        return _batch(row) if row else None

    def batches(self) -> list[Batch]:
        with self._lock:
            rows = self._db.execute("SELECT id, created, status, message, skipped FROM batches "
                                    "ORDER BY created DESC, rowid DESC").fetchall()
        return [_batch(r) for r in rows]

    def unfinished(self) -> list[str]:
        """Batches accepted but not done, oldest first: the ones to run again after a restart."""
        with self._lock:
            rows = self._db.execute("SELECT id FROM batches WHERE status IN ('queued', 'running') "
                                    "ORDER BY created, rowid").fetchall()
        return [r[0] for r in rows]

    def files(self, batch_id: str) -> list[StoredFile]:
        with self._lock:
            rows = self._db.execute("SELECT n, name, stored, format, sha256, size FROM files WHERE batch = ? "
                                    "ORDER BY n", (batch_id,)).fetchall()
        return [StoredFile(*r) for r in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _remove_unaccepted(self) -> None:
        """Folders of batches killed before their rows were committed: never answered, so never accepted."""
        with self._lock:
            known = {r[0] for r in self._db.execute("SELECT id FROM batches")}
        for entry in os.scandir(self.root / "batches"):
            if entry.is_dir() and entry.name not in known and BATCH_ID.match(entry.name):
                shutil.rmtree(entry.path, ignore_errors=True)
        for entry in os.scandir(self.root / "tmp"):
            os.unlink(entry.path)


def _batch(row: tuple) -> Batch:
    return Batch(row[0], row[1], row[2], row[3], json.loads(row[4]))


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "xb") as f:  # "x": a generated name never overwrites anything
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
