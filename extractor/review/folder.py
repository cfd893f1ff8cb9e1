"""A results folder (docs/results-folder.md) as the review reads it.

``DIR/results/<key>.json`` holds a Result, ``DIR/texts/<key>.txt`` the normalised text its
spans index into; ``<key>`` is the first 16 hex digits of the source sha256. One document
file is extracted into such a folder first, so the review has one input shape.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError

from extractor.api import extract_document
from extractor.errors import InputError
from extractor.load import load
from extractor.resultsdir import key_of, save_document
from extractor.settings import Settings
from schemas import Result


@dataclass(frozen=True, eq=False)  # identity: two entries are never the same document
class Entry:
    """One extracted document of the folder."""

    key: str
    result: Result
    text_path: Path

    @property
    def sha(self) -> str:
        return self.result.source.sha256

    @property
    def name(self) -> str:
        return Path(self.result.source.path).name if self.result.source.path else self.key

    @cached_property
    def text(self) -> str:
        try:
            return self.text_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""  # the review still works without the evidence text


class ResultsFolder:
    def __init__(self, root: Path):
        if not (root / "results").is_dir():
            raise InputError(f"{root}: not a results folder (no results/ inside); give a folder from "
                             "`nianbao batch` or one document")
        self.root = root
        self.store_path = root / "review.sqlite"

    @cached_property
    def entries(self) -> list[Entry]:
        """Every document, by name (stable order, so a restart resumes at the same place)."""
        out = []
        for path in sorted((self.root / "results").glob("*.json")):
            try:
                result = Result.model_validate_json(path.read_bytes())
            except (ValidationError, ValueError) as e:
                raise InputError(f"{path}: not a nianbao result ({type(e).__name__})") from None
            out.append(Entry(path.stem, result, self.root / "texts" / f"{path.stem}.txt"))
        return sorted(out, key=lambda e: (e.name, e.key))

    def find(self, doc: str) -> Entry:
        """A document by key, file name, file stem or sha256 prefix (at least 4 hex digits)."""
        for match in (lambda e: doc in (e.key, e.name, Path(e.name).stem),
                      lambda e: len(doc) >= 4 and e.sha.startswith(doc.lower())):
            hits = [e for e in self.entries if match(e)]
            if len(hits) == 1:
                return hits[0]
            if hits:
                raise InputError(f"{doc!r} names {len(hits)} documents; give more of the sha256 key")
        raise InputError(f"{doc!r}: no such document in {self.root}")


def open_folder(path: Path, out: Path | None = None, settings: Settings | None = None) -> ResultsFolder:
    """A results folder for PATH: the folder itself, or one document extracted into ``out``
    (default ``<file>.nianbao/``). An existing result for the same source is reused, so
    reopening a document keeps its review."""
    if path.is_dir():
        return ResultsFolder(path)
    doc = load(path)
    root = out or path.with_name(path.name + ".nianbao")
    key = key_of(doc.source.sha256)
    result_path = root / "results" / f"{key}.json"
    if not result_path.exists():
        result = extract_document(doc, settings or Settings())
        for sub in ("results", "texts"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        save_document(root, key, doc.text, result.model_dump_json(indent=1))
    return ResultsFolder(root)

