"""The tables a batch offers for download: the review decisions in them, the files by the names
they were uploaded under.

The downloads are built in ``tables/`` by the batch's own exporter (``export_tables``: cells
csv/parquet, cells.xlsx, findings, summary), which applies the decisions of the folder's
review store (``extractor.review.apply``: status ``corrected`` and provenance columns). The
folder is a copy of ``out/`` — results, texts, errors and a snapshot of its review store —
with each result's source named as the client named the upload, not by the server's path.
A stamp (documents, failures, latest decision) says what the tables hold, so they are
rebuilt only after something changed, and a new build replaces the old one whole.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from pathlib import Path

from extractor.batch.export import export_tables
from extractor.batch.store import ResultsFolder as BatchFolder
from extractor.resultsdir import write_atomic
from extractor.review.apply import STORE_NAME

MEDIA = {"cells.csv": "text/csv; charset=utf-8", "cells.parquet": "application/vnd.apache.parquet",
         "cells.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "summary.json": "application/json"}

_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def tables_dir(batch_dir: Path, uploads: list[tuple[str, str, str]]) -> Path:
    """The folder holding the batch's current tables (call once the batch is done).
    ``uploads``: (stored name, the client's name, document key) of each uploaded file."""
    with _lock(batch_dir):
        return _build(batch_dir, uploads)


def _build(batch_dir: Path, uploads: list[tuple[str, str, str]]) -> Path:
    out, tables, staging = batch_dir / "out", batch_dir / "tables", batch_dir / ".tables.tmp"
    batch = BatchFolder(out)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    last_event = _snapshot_store(out / STORE_NAME, staging / STORE_NAME)
    stamp = json.dumps([batch.result_keys(), batch.error_keys(), last_event])
    stamp_file = tables / ".stamp"
    if stamp_file.exists() and stamp_file.read_text(encoding="utf-8") == stamp:
        shutil.rmtree(staging)
        return tables
    names: dict[str, str] = {}  # key → the first name it was uploaded under
    shown: dict[str, str] = {}  # stored name → the client's name, made unique where two files share one
    for stored, name, key in uploads:
        names.setdefault(key, name)
        shown[stored] = name if name not in shown.values() else f"{name} ({stored})"
    for sub in ("results", "texts", "errors"):
        (staging / sub).mkdir()
    for key in batch.result_keys():
        result = batch.read_result(key)
        result["source"]["path"] = names.get(key, result["source"].get("path"))
        write_atomic(staging / "results" / f"{key}.json", json.dumps(result, ensure_ascii=False))
    shutil.copytree(out / "texts", staging / "texts", dirs_exist_ok=True)
    shutil.copytree(out / "errors", staging / "errors", dirs_exist_ok=True)
    folder = BatchFolder(staging)
    with folder.locked():
        summary = out / "summary.json"
        last_run = (json.loads(summary.read_text(encoding="utf-8")).get("last_run") if summary.exists() else None) or {}
        last_run["seconds"] = dict(last_run.get("seconds") or {})  # the run's own figures; the export adds its time
        inputs = {shown.get(Path(path).name, path): key for path, key in batch.read_inputs().items()}
        export_tables(folder, inputs, last_run)
    (staging / ".stamp").write_text(stamp, encoding="utf-8")
    old = batch_dir / ".tables.old"
    shutil.rmtree(old, ignore_errors=True)
    if tables.exists():
        tables.rename(old)
    staging.rename(tables)
    shutil.rmtree(old, ignore_errors=True)
    return tables


def _snapshot_store(source: Path, target: Path) -> int:
    """Copy the review store as it is now (SQLite's backup: consistent while others write);
    return the id of its latest event (0: none, or no store)."""
    if not source.exists():
        return 0
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
        row = dst.execute("SELECT max(id) FROM events").fetchone()
    finally:
        src.close()
        dst.close()
    return int(row[0] or 0)


def _lock(batch_dir: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(batch_dir, threading.Lock())
