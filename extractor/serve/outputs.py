"""The tables a batch offers for download: the review decisions in them, the files by the names
they were uploaded under.

The batch run's own folder (``out/``) keeps its originals: the review store derives every
document's current state from them. The downloads are built in ``tables/``: each reviewed,
re-validated result (``Review.result``) with its source named as the client named the upload
(not the server's path), the batch's failures, then the batch's own exporter over them. A
stamp (documents, failures and the latest decision) says what the tables hold, so they are
rebuilt only after something changed; a new build replaces the old one whole.
"""
from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

from extractor.batch.export import export_tables
from extractor.batch.store import ResultsFolder as BatchFolder
from extractor.resultsdir import save_document
from extractor.review import Review, Store
from extractor.review.folder import ResultsFolder

MEDIA = {"cells.csv": "text/csv; charset=utf-8", "cells.parquet": "application/vnd.apache.parquet",
         "summary.json": "application/json"}

_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def tables_dir(batch_dir: Path, uploads: list[tuple[str, str, str]]) -> Path:
    """The folder holding the batch's current tables (call once the batch is done).
    ``uploads``: (stored name, the client's name, document key) of each uploaded file."""
    with _lock(batch_dir):
        return _build(batch_dir, uploads)


def _build(batch_dir: Path, uploads: list[tuple[str, str, str]]) -> Path:
    names: dict[str, str] = {}  # key → the first name it was uploaded under
    for _, name, key in uploads:
        names.setdefault(key, name)
    shown: dict[str, str] = {}  # stored name → the client's name, made unique where two files share one
    for stored, name, _ in uploads:
        shown[stored] = name if name not in shown.values() else f"{name} ({stored})"
    out, tables, staging = batch_dir / "out", batch_dir / "tables", batch_dir / ".tables.tmp"
    batch = BatchFolder(out)
    with Store(out / "review.sqlite") as store:
        events = store.events()
        stamp = json.dumps([batch.result_keys(), batch.error_keys(), events[-1].id if events else 0])
        stamp_file = tables / ".stamp"
        if stamp_file.exists() and stamp_file.read_text(encoding="utf-8") == stamp:
            return tables
        shutil.rmtree(staging, ignore_errors=True)
        _reviewed_results(Review(ResultsFolder(out), store, reviewer="export"), staging, names)
    shutil.copytree(out / "errors", staging / "errors", dirs_exist_ok=True)
    folder = BatchFolder(staging)
    with folder.locked():
        summary = out / "summary.json"
        last_run = (json.loads(summary.read_text(encoding="utf-8")).get("last_run") if summary.exists() else None) or {}
        last_run.setdefault("seconds", {})  # the run's own figures; the export adds its time
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


def _reviewed_results(review: Review, root: Path, names: dict[str, str]) -> None:
    for sub in ("results", "texts", "errors"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for entry in review.entries:
        result = review.result(entry)
        result = result.model_copy(update={"source": result.source.model_copy(
            update={"path": names.get(entry.key, result.source.path)})})
        save_document(root, entry.key, entry.text, result.model_dump_json())


def _lock(batch_dir: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(batch_dir, threading.Lock())
