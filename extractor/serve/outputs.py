"""The tables a batch offers for download, with the review decisions in them.

With no decision recorded, they are the batch run's own tables in ``out/``. Once a person
has decided something, the reviewed results (``Review.result``: decisions applied,
re-validated) are written to ``reviewed/`` and its tables rebuilt there by the batch's own
exporter; a stamp (the id of the latest decision) says which decisions they hold, so they
are rebuilt only after a new one.
"""
from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

from extractor.batch.export import export_tables
from extractor.batch.store import ResultsFolder as BatchFolder
from extractor.review import Review, Store
from extractor.review.export import export_results
from extractor.review.folder import ResultsFolder

TABLES = {"cells.csv": "text/csv; charset=utf-8", "cells.parquet": "application/vnd.apache.parquet",
          "cells_wide.csv": "text/csv; charset=utf-8", "findings.csv": "text/csv; charset=utf-8",
          "summary.json": "application/json"}

_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def tables_dir(batch_dir: Path) -> Path:
    """The folder holding the batch's current tables (call only once the batch is done)."""
    out, reviewed = batch_dir / "out", batch_dir / "reviewed"
    store_path = out / "review.sqlite"
    if not store_path.exists():
        return out
    with _lock(batch_dir):
        with Store(store_path) as store:
            events = store.events()
            if not events:
                return out
            stamp = str(events[-1].id)
            stamp_file = reviewed / ".stamp"
            if stamp_file.exists() and stamp_file.read_text() == stamp:
                return reviewed
            review = Review(ResultsFolder(out), store, reviewer="export")
            staging = batch_dir / ".reviewed.tmp"
            shutil.rmtree(staging, ignore_errors=True)
            export_results(review, staging)
        folder = BatchFolder(staging)
        with folder.locked():
            # Failed documents stay listed in the reviewed tables; the run's figures are the run's.
            shutil.copytree(out / "errors", staging / "errors", dirs_exist_ok=True)
            summary = out / "summary.json"
            last_run = json.loads(summary.read_text(encoding="utf-8")).get("last_run") if summary.exists() else None
            last_run = last_run or {}
            last_run.setdefault("seconds", {})
            export_tables(folder, BatchFolder(out).read_inputs(), last_run)
        (staging / ".stamp").write_text(stamp)
        old = batch_dir / ".reviewed.old"
        shutil.rmtree(old, ignore_errors=True)
        if reviewed.exists():
            reviewed.rename(old)
        staging.rename(reviewed)
        shutil.rmtree(old, ignore_errors=True)
        return reviewed


def _lock(batch_dir: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(batch_dir, threading.Lock())
