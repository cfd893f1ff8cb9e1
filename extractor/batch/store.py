"""The results folder on disk (docs/results-folder.md), written so that a kill never corrupts it.

Every file is written to a temporary name and moved into place with ``os.replace``, so a
reader sees either the old file or the new one, never half of one. A document is done
when ``results/<key>.json`` exists; its text is written first, so a result never points
at a text that is not there. One batch at a time holds the folder's lock.
"""
from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from pydantic_core import from_json

from extractor.batch.outcome import TRANSIENT, Outcome
from extractor.errors import InputError
from extractor.resultsdir import TMP_SUFFIX, save_document, write_atomic

CSV_ENCODING = "utf-8-sig"  # the tables start with a BOM (see export.BOM)


class ResultsFolder:
    def __init__(self, root: Path):
        self.root = root
        self.results, self.texts, self.errors = root / "results", root / "texts", root / "errors"

    @contextmanager
    def locked(self) -> Iterator[ResultsFolder]:
        """Create the folder and hold its lock; a second batch on the same folder is refused."""
        try:
            for d in (self.results, self.texts, self.errors):
                d.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise InputError(f"{self.root}: cannot write the results folder ({e.strerror})") from e
        # filelock: flock on POSIX, msvcrt on Windows; released when the process dies.
        lock = FileLock(self.root / ".lock", timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise InputError(f"{self.root}: another batch is running on this folder") from None
        except OSError as e:
            raise InputError(f"{self.root}: cannot write the results folder ({e.strerror})") from e
        try:
            self._remove_temp_files()
            try:
                yield self
            finally:
                self._remove_temp_files()  # of workers killed mid-write (timeouts)
        finally:
            lock.release()

    def _remove_temp_files(self) -> None:
        """Left by a process killed mid-write; safe to delete while we hold the lock."""
        for d in (self.root, self.results, self.texts, self.errors):
            for entry in os.scandir(d):
                if entry.name.endswith(TMP_SUFFIX):
                    os.unlink(entry.path)

    def result_keys(self) -> list[str]:
        return sorted(e.name[:-5] for e in os.scandir(self.results) if e.name.endswith(".json"))

    def error_keys(self) -> list[str]:
        return sorted(e.name[:-5] for e in os.scandir(self.errors) if e.name.endswith(".json"))

    def settled(self) -> set[str]:
        """Keys a re-run skips: those with a result, or with an error a re-run would repeat."""
        done = set(self.result_keys())
        for key in self.error_keys():
            if key not in done and self.read_error(key).get("reason") not in TRANSIENT:
                done.add(key)
        return done

    def save(self, outcome: Outcome) -> None:
        key = outcome.key
        if outcome.ok:
            save_document(self.root, key, outcome.text or "", outcome.result_json or "")
            (self.errors / f"{key}.json").unlink(missing_ok=True)
        elif not (self.results / f"{key}.json").exists():  # a result, once there, wins over a later failure
            write_atomic(self.errors / f"{key}.json", json.dumps(outcome.error_record(), ensure_ascii=False, indent=2))

    def read_result(self, key: str) -> dict:
        return from_json((self.results / f"{key}.json").read_bytes())  # twice as fast as json.loads

    def read_result_text(self, key: str) -> str:
        return (self.results / f"{key}.json").read_text(encoding="utf-8")

    def read_error(self, key: str) -> dict:
        return json.loads((self.errors / f"{key}.json").read_bytes())

    def read_inputs(self) -> dict[str, str]:
        """``{path: key}`` of every input earlier batches on this folder recorded."""
        path = self.root / "inputs.csv"
        if not path.exists():
            return {}
        with open(path, newline="", encoding=CSV_ENCODING) as f:
            return {row["path"]: row["key"] for row in csv.DictReader(f)}
