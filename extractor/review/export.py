"""Reviewed documents out: as gold fixtures for the evals, or as corrected results.

Gold fixtures follow evals/fixtures/<name>/{<source file>, gold.json}. Reviewed cells take
the reviewer's value ('missing' → null); every other cell takes the extracted value, so a
gold file is only as good as its review: the notes say how many cells a person decided.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from extractor.errors import InputError
from extractor.review.folder import Entry
from extractor.review.session import Review
from schemas import cell_ids

EXPORT_MARK = "nianbao review"
_UNSAFE = re.compile(r"[^\w.\-]+")


def export_gold(review: Review, out: Path) -> list[Path]:
    """Write one fixture folder per reviewed document; returns the gold.json paths."""
    written: list[Path] = []
    used: set[str] = set()
    for entry in review.entries:
        decisions = review.in_force(entry)
        template = entry.result.meta.template
        if not decisions or template is None:
            continue  # a document no one reviewed is no gold; one without a template has no id set
        name = _fixture_name(entry, used)
        folder = out / name
        _clear_previous_export(folder)
        document = _copy_source(entry, folder, name)
        values = review.result(entry).values()
        reviewers = sorted({e.reviewer for e in decisions.values()})
        gold = {
            "document": document,
            "meta": {"issuer": entry.result.meta.issuer, "year": entry.result.meta.year, "template": template},
            "cells": {cid: values.get(cid) for cid in cell_ids(template)},
            "ambiguous": [],
            "findings": [],
            "notes": {
                EXPORT_MARK: f"{len(decisions)} of {len(cell_ids(template))} cells decided by "
                             f"{', '.join(reviewers)}; the others are the extracted values "
                             f"(backend {entry.result.provenance.backend}). Findings not labelled.",
                "reviewed cells": ", ".join(sorted(decisions)),
                "source sha256": entry.sha,
            },
        }
        path = folder / "gold.json"
        path.write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


def export_results(review: Review, out: Path) -> list[Path]:
    """Write every document's reviewed, re-validated result as a results folder."""
    written = []
    for sub in ("results", "texts"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    for entry in review.entries:
        path = out / "results" / f"{entry.key}.json"
        path.write_text(review.result(entry).model_dump_json(indent=1), encoding="utf-8")
        if entry.text_path.exists():
            shutil.copyfile(entry.text_path, out / "texts" / entry.text_path.name)
        written.append(path)
    return written


def _fixture_name(entry: Entry, used: set[str]) -> str:
    name = _UNSAFE.sub("_", Path(entry.name).stem).strip("_") or entry.key
    if name in used:
        name = f"{name}_{entry.key}"
    used.add(name)
    return name


def _clear_previous_export(folder: Path) -> None:
    """Replace a fixture this command wrote before; never touch a hand-labelled one."""
    if folder.exists():
        try:
            notes = json.loads((folder / "gold.json").read_text(encoding="utf-8")).get("notes", {})
            ours = EXPORT_MARK in notes
        except (OSError, ValueError, AttributeError):
            ours = False
        if not ours:
            raise InputError(f"{folder} exists and was not written by nianbao review; refusing to overwrite it")
        shutil.rmtree(folder)
    folder.mkdir(parents=True)


def _copy_source(entry: Entry, folder: Path, name: str) -> str:
    """The original file where it is still there and unchanged, else the normalised text
    (loading is idempotent, so the text gives the same cells and spans)."""
    path = Path(entry.result.source.path) if entry.result.source.path else None
    if path and path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == entry.sha:
        shutil.copyfile(path, folder / path.name)
        return path.name
    if not entry.text:
        raise InputError(f"{entry.name}: neither the source file nor its text is available to export")
    document = f"{name}.txt"
    (folder / document).write_text(entry.text, encoding="utf-8")
    return document
